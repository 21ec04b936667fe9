//! Arithmetic rewrites of a state update that Brian 2's compiled targets make too (sympy's
//! rearrangement, then a C compiler with `-ffast-math`): mathematically equal, different
//! in the last bits. Only state updates are rewritten; code users write (thresholds,
//! resets) keeps its exact floating-point meaning.
//!
//! - A division by a constant is a multiplication by its reciprocal, with a constant
//!   factor of the dividend folded in: `(c*x)/k` is `(c/k)*x`.
//! - The constants of a sum are added first: `(13*mV - v) + VT` is `(13*mV + VT) - v`.
//! - A product with a constant zero factor is dropped from a sum (`ge*Ee` with `Ee = 0`).
//!
//! Constants are kept as expressions (`13*mV + VT`), so units stay consistent; the kernel
//! compiler folds them into numbers.

use crate::expr::{const_eval, BinOp, Expr, ExprKind, Namespace, Statement, UnaryOp};

pub fn for_speed(code: Vec<Statement>, ns: &dyn Namespace) -> Vec<Statement> {
    code.into_iter()
        .map(|s| Statement {
            value: rewrite(&s.value, ns),
            ..s
        })
        .collect()
}

fn constant(e: &Expr, ns: &dyn Namespace) -> bool {
    const_eval(e, ns).is_some()
}

fn nonzero_constant(e: &Expr, ns: &dyn Namespace) -> bool {
    const_eval(e, ns).is_some_and(|q| q.value != 0.0 && q.value.is_finite())
}

fn zero_product(e: &Expr, ns: &dyn Namespace) -> bool {
    let zero = |x: &Expr| const_eval(x, ns).is_some_and(|q| q.value == 0.0);
    match &e.kind {
        ExprKind::Binary(BinOp::Mul, a, b) => {
            zero(a) || zero(b) || zero_product(a, ns) || zero_product(b, ns)
        }
        ExprKind::Binary(BinOp::Div, a, _) => zero(a) || zero_product(a, ns),
        ExprKind::Unary(UnaryOp::Neg, a) => zero_product(a, ns),
        _ => false,
    }
}

fn rewrite(e: &Expr, ns: &dyn Namespace) -> Expr {
    let kind = match &e.kind {
        ExprKind::Binary(BinOp::Div, a, b) if nonzero_constant(b, ns) => {
            let a = rewrite(a, ns);
            let over = |c: &Expr| Expr::binary(BinOp::Div, c.clone(), (**b).clone());
            return match &a.kind {
                ExprKind::Binary(BinOp::Mul, c, x) if constant(c, ns) => {
                    Expr::binary(BinOp::Mul, over(c), (**x).clone())
                }
                ExprKind::Binary(BinOp::Mul, x, c) if constant(c, ns) => {
                    Expr::binary(BinOp::Mul, over(c), (**x).clone())
                }
                _ => Expr::binary(BinOp::Mul, over(&Expr::number(1.0)), a),
            };
        }
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => return sum(e, ns),
        ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(rewrite(a, ns))),
        ExprKind::Binary(op, a, b) => {
            ExprKind::Binary(*op, Box::new(rewrite(a, ns)), Box::new(rewrite(b, ns)))
        }
        ExprKind::Call(f, args) => {
            ExprKind::Call(f.clone(), args.iter().map(|a| rewrite(a, ns)).collect())
        }
        _ => return e.clone(),
    };
    Expr::new(kind, e.span)
}

/// The terms of a sum, with their signs (true: subtracted).
fn terms(e: &Expr, negative: bool, out: &mut Vec<(bool, Expr)>) {
    match &e.kind {
        ExprKind::Binary(BinOp::Add, a, b) => {
            terms(a, negative, out);
            terms(b, negative, out);
        }
        ExprKind::Binary(BinOp::Sub, a, b) => {
            terms(a, negative, out);
            terms(b, !negative, out);
        }
        ExprKind::Unary(UnaryOp::Neg, a) => terms(a, !negative, out),
        _ => out.push((negative, e.clone())),
    }
}

fn signed(negative: bool, acc: Option<Expr>, term: Expr) -> Expr {
    match (acc, negative) {
        (None, false) => term,
        (None, true) => Expr::negate(term),
        (Some(acc), false) => Expr::binary(BinOp::Add, acc, term),
        (Some(acc), true) => Expr::binary(BinOp::Sub, acc, term),
    }
}

/// A sum with its constant terms added together (last) and zero products dropped; other
/// terms keep their order.
fn sum(e: &Expr, ns: &dyn Namespace) -> Expr {
    let mut all = Vec::new();
    terms(e, false, &mut all);
    let all: Vec<(bool, Expr)> = all
        .into_iter()
        .filter(|(_, t)| !zero_product(t, ns))
        .map(|(neg, t)| (neg, rewrite(&t, ns)))
        .collect();
    let (constants, variables): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(_, t)| constant(t, ns));
    let mut acc: Option<Expr> = None;
    for (neg, t) in variables {
        acc = Some(signed(neg, acc, t));
    }
    let mut c: Option<Expr> = None;
    for (neg, t) in constants {
        c = Some(signed(neg, c, t));
    }
    match (acc, c) {
        (Some(acc), Some(c)) => Expr::binary(BinOp::Add, acc, c),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => Expr::number(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{parse_expr, NameInfo};
    use crate::units::{lookup, Dimension, Quantity};

    struct Ns;
    impl Namespace for Ns {
        fn resolve(&self, name: &str) -> Option<NameInfo> {
            match name {
                "v" | "ge" => Some(NameInfo::Variable(lookup("volt").unwrap().dim)),
                "VT" => Some(NameInfo::Constant(Quantity::new(
                    -0.063,
                    lookup("volt").unwrap().dim,
                ))),
                "Ee" => Some(NameInfo::Constant(Quantity::new(
                    0.0,
                    lookup("volt").unwrap().dim,
                ))),
                "x" => Some(NameInfo::Variable(Dimension::DIMENSIONLESS)),
                _ => lookup(name).map(NameInfo::Constant),
            }
        }
        fn names(&self) -> Vec<String> {
            Vec::new()
        }
    }

    fn check(text: &str, expected: &str) {
        let e = rewrite(&parse_expr(text).unwrap(), &Ns);
        assert_eq!(e.to_string(), expected, "{text}");
    }

    #[test]
    fn rewrites_for_speed() {
        check(
            "(13*mV - v + VT)/(4*mV)",
            "((1 / (4 * mV)) * ((-v) + ((13 * mV) + VT)))",
        );
        check("0.5*x/ms", "((0.5 / ms) * x)");
        check("x/(2*x)", "(x / (2 * x))");
        check("v*2 - ge*Ee + 3*mV", "((v * 2) + (3 * mV))");
        check("ge*Ee", "(ge * Ee)");
        check("-(x - 1) + 2", "((-x) + (1 + 2))");
        check("exp(x/2 - 1 - 1)", "exp((((1 / 2) * x) + ((-1) - 1)))");
    }
}
