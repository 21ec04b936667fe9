//! Splitting an expression into a part linear in some variables and a rest, on the AST
//! (no symbolic algebra system): `expr = sum_k coef_k * x_k + rest`.

use crate::expr::{BinOp, Expr, ExprKind, UnaryOp};

/// `sum_k coefs[k] * vars[k] + rest`; `None` stands for zero.
#[derive(Clone, Debug)]
pub struct LinearForm {
    pub coefs: Vec<Option<Expr>>,
    pub rest: Option<Expr>,
}

/// `-e`, with `-(-e)` written as `e`.
fn negate(e: Expr) -> Expr {
    match e.kind {
        ExprKind::Unary(UnaryOp::Neg, inner) => *inner,
        ExprKind::Number(v) => Expr::new(ExprKind::Number(-v), e.span),
        kind => Expr::negate(Expr::new(kind, e.span)),
    }
}

fn number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Number(v) => Some(*v),
        ExprKind::Unary(UnaryOp::Neg, inner) => number(inner).map(|v| -v),
        _ => None,
    }
}

/// `a + b`, with `(-a) + (-b)` written as `-(a + b)` and `a + (-b)` as `a - b`.
fn add(a: Option<Expr>, b: Option<Expr>) -> Option<Expr> {
    let (a, b) = match (a, b) {
        (None, b) => return b,
        (a, None) => return a,
        (Some(a), Some(b)) => (a, b),
    };
    let is_neg = |e: &Expr| matches!(e.kind, ExprKind::Unary(UnaryOp::Neg, _));
    Some(match (is_neg(&a), is_neg(&b)) {
        (true, true) => negate(Expr::binary(BinOp::Add, negate(a), negate(b))),
        (false, true) => Expr::binary(BinOp::Sub, a, negate(b)),
        _ => Expr::binary(BinOp::Add, a, b),
    })
}

fn neg(a: Option<Expr>) -> Option<Expr> {
    a.map(negate)
}

/// `a op by` (or `by op a`), with multiplications by 1 and -1 written out.
fn scale(a: Option<Expr>, by: &Expr, op: BinOp, by_on_left: bool) -> Option<Expr> {
    a.map(|a| {
        if op == BinOp::Mul {
            match (number(&a), number(by)) {
                (Some(1.0), _) => return by.clone(),
                (Some(-1.0), _) => return negate(by.clone()),
                (_, Some(1.0)) => return a,
                (_, Some(-1.0)) => return negate(a),
                _ => {}
            }
        }
        if by_on_left {
            Expr::binary(op, by.clone(), a)
        } else {
            Expr::binary(op, a, by.clone())
        }
    })
}

impl LinearForm {
    fn constant(e: Option<Expr>, n: usize) -> LinearForm {
        LinearForm {
            coefs: vec![None; n],
            rest: e,
        }
    }
    fn combine(
        self,
        other: LinearForm,
        f: impl Fn(Option<Expr>, Option<Expr>) -> Option<Expr>,
    ) -> LinearForm {
        LinearForm {
            coefs: self
                .coefs
                .into_iter()
                .zip(other.coefs)
                .map(|(a, b)| f(a, b))
                .collect(),
            rest: f(self.rest, other.rest),
        }
    }
    fn map(self, f: impl Fn(Option<Expr>) -> Option<Expr>) -> LinearForm {
        LinearForm {
            coefs: self.coefs.into_iter().map(&f).collect(),
            rest: f(self.rest),
        }
    }
    fn is_constant(&self) -> bool {
        self.coefs.iter().all(Option::is_none)
    }
}

/// Decomposes `e` as linear in `vars`, or says which part is not linear.
pub fn decompose(e: &Expr, vars: &[&str]) -> Result<LinearForm, String> {
    decompose_with(e, vars, false)
}

/// Whether `x` appears in `e` only where sympy's `collect(expand(e), x)` would leave it
/// inside a coefficient: in function arguments, in denominators, in bases of powers that
/// do not mention it polynomially, never as a polynomial factor.
fn opaque_in(e: &Expr, x: &str) -> bool {
    if !e.mentions(x) {
        return true;
    }
    match &e.kind {
        ExprKind::Name(_) => false,
        ExprKind::Call(..) => true,
        ExprKind::Unary(_, a) => opaque_in(a, x),
        ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul, a, b) => {
            opaque_in(a, x) && opaque_in(b, x)
        }
        ExprKind::Binary(BinOp::Div, a, _) => opaque_in(a, x),
        ExprKind::Binary(BinOp::Pow, a, _) => opaque_in(a, x),
        _ => true,
    }
}

/// Brian 2's exponential Euler test (`get_conditionally_linear_system`): `e`, expanded,
/// is `A*x + B` where `A` and `B` may depend on `x` itself, but only inside functions and
/// denominators (`m(v)**3*h*(v - E)` is linear in `v` with `A = m(v)**3*h`; `v**2` and
/// `v/(a + v)*v` are not). `A` and `B` are then evaluated at the step's start. An
/// expression mentioning `x` with no linear term (`exp(v/mV)*mV/ms`) is refused, as in
/// Brian 2.
pub fn decompose_conditionally(e: &Expr, x: &str) -> Result<LinearForm, String> {
    let form = decompose_with(e, &[x], true)?;
    if form.coefs[0].is_none() && e.mentions(x) {
        return Err(format!("'{e}' has no term linear in {x}"));
    }
    Ok(form)
}

fn decompose_with(e: &Expr, vars: &[&str], opaque: bool) -> Result<LinearForm, String> {
    let n = vars.len();
    let mentions_any = |x: &Expr| vars.iter().any(|v| x.mentions(v));
    if !mentions_any(e) || (opaque && vars.iter().all(|v| opaque_in(e, v))) {
        return Ok(LinearForm::constant(Some(e.clone()), n));
    }
    let decompose = |e: &Expr, vars: &[&str]| decompose_with(e, vars, opaque);
    match &e.kind {
        ExprKind::Name(name) => {
            let mut coefs = vec![None; n];
            let k = vars.iter().position(|v| v == name).expect("mentioned");
            coefs[k] = Some(Expr::number(1.0));
            Ok(LinearForm { coefs, rest: None })
        }
        ExprKind::Unary(UnaryOp::Neg, a) => Ok(decompose(a, vars)?.map(neg)),
        ExprKind::Binary(BinOp::Add, a, b) => {
            Ok(decompose(a, vars)?.combine(decompose(b, vars)?, add))
        }
        ExprKind::Binary(BinOp::Sub, a, b) => {
            Ok(decompose(a, vars)?.combine(decompose(b, vars)?.map(neg), add))
        }
        ExprKind::Binary(BinOp::Mul, a, b) => {
            let (la, lb) = (decompose(a, vars)?, decompose(b, vars)?);
            if la.is_constant() {
                Ok(lb.map(|x| scale(x, a, BinOp::Mul, true)))
            } else if lb.is_constant() {
                Ok(la.map(|x| scale(x, b, BinOp::Mul, false)))
            } else {
                Err(format!("the product '{e}' is not linear"))
            }
        }
        ExprKind::Binary(BinOp::Div, a, b) if opaque || !mentions_any(b) => {
            Ok(decompose(a, vars)?.map(|x| scale(x, b, BinOp::Div, false)))
        }
        _ => Err(format!("'{e}' is not linear in {}", vars.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse_expr;

    #[test]
    fn splits_linear_parts() {
        let e = parse_expr("(ge+gi-(v+49*mV))/(20*ms)").unwrap();
        let f = decompose(&e, &["v", "ge", "gi"]).unwrap();
        assert_eq!(f.coefs[0].as_ref().unwrap().to_string(), "(-1 / (20 * ms))");
        assert_eq!(
            f.rest.as_ref().unwrap().to_string(),
            "((-(49 * mV)) / (20 * ms))"
        );
        let e = parse_expr("alpham*(1-m)-betam*m").unwrap();
        let f = decompose(&e, &["m"]).unwrap();
        assert_eq!(
            f.coefs[0].as_ref().unwrap().to_string(),
            "(-(alpham + betam))",
            "no multiplications by 1 or -1, one negation"
        );
        assert_eq!(f.rest.as_ref().unwrap().to_string(), "alpham");
        assert!(decompose(&parse_expr("v*v").unwrap(), &["v"]).is_err());
        assert!(decompose(&parse_expr("exp(v)").unwrap(), &["v"]).is_err());
    }
}
