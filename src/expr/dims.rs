//! Dimension inference and constant evaluation over expressions.

use super::{closest, BinOp, Expr, ExprError, ExprErrorKind, ExprKind, Statement, UnaryOp};
use crate::units::{Dimension, Quantity, UnitError};

/// What a name in an expression stands for, as far as units are concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NameInfo {
    /// A value known only at run time (state variable, `t`, `i`), with its dimension.
    Variable(Dimension),
    /// A constant (unit, script constant), folded at compile time.
    Constant(Quantity),
}

/// Brian's functions: (name, number of arguments).
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("exp", 1),
    ("log", 1),
    ("log10", 1),
    ("sqrt", 1),
    ("abs", 1),
    ("sign", 1),
    ("sin", 1),
    ("cos", 1),
    ("tan", 1),
    ("sinh", 1),
    ("cosh", 1),
    ("tanh", 1),
    ("arcsin", 1),
    ("arccos", 1),
    ("arctan", 1),
    ("exprel", 1),
    ("expm1", 1),
    ("log1p", 1),
    ("floor", 1),
    ("ceil", 1),
    ("int", 1),
    ("clip", 3),
    ("rand", 0),
    ("randn", 0),
    ("timestep", 2),
];

/// Resolves names for dimension checking; `names` feeds "did you mean" hints.
pub trait Namespace {
    fn resolve(&self, name: &str) -> Option<NameInfo>;
    fn names(&self) -> Vec<String>;
    /// A function defined by the user (a TimedArray): the units of its arguments and of
    /// its value.
    fn function(&self, _name: &str) -> Option<(Vec<Dimension>, Dimension)> {
        None
    }
}

fn unknown(ns: &dyn Namespace, name: &str, e: &Expr) -> ExprError {
    let names = ns.names();
    let hint = closest(name, names.iter().map(|s| s.as_str()));
    ExprError {
        kind: ExprErrorKind::UnknownName {
            name: name.to_string(),
            hint,
        },
        span: e.span,
    }
}

fn need_dimensionless(d: Dimension, what: &str, e: &Expr) -> Result<(), ExprError> {
    if d.is_dimensionless() {
        Ok(())
    } else {
        Err(ExprError::units(
            UnitError::NotDimensionless {
                what: what.to_string(),
                dim: d,
            },
            e.span,
        ))
    }
}

/// Infers the dimension of `e`, checking every operation on the way.
pub fn infer(e: &Expr, ns: &dyn Namespace) -> Result<Dimension, ExprError> {
    Ok(infer_q(e, ns)?.0)
}

/// Dimension plus, when the expression is constant, its value (for `**` exponents and
/// for Brian's "0 matches any unit" rule on literal zeros).
fn infer_q(e: &Expr, ns: &dyn Namespace) -> Result<(Dimension, Option<f64>), ExprError> {
    use Dimension as D;
    Ok(match &e.kind {
        ExprKind::Number(v) => (D::DIMENSIONLESS, Some(*v)),
        ExprKind::Bool(b) => (D::DIMENSIONLESS, Some(f64::from(u8::from(*b)))),
        ExprKind::Name(n) => match ns.resolve(n) {
            Some(NameInfo::Variable(d)) => (d, None),
            Some(NameInfo::Constant(q)) => (q.dim, Some(q.value)),
            None => return Err(unknown(ns, n, e)),
        },
        ExprKind::Unary(UnaryOp::Neg, a) => {
            let (d, v) = infer_q(a, ns)?;
            (d, v.map(|x| -x))
        }
        ExprKind::Unary(UnaryOp::Not, a) => {
            let (d, _) = infer_q(a, ns)?;
            need_dimensionless(d, "the operand of 'not'", a)?;
            (D::DIMENSIONLESS, None)
        }
        ExprKind::Binary(op, a, b) => {
            let (da, va) = infer_q(a, ns)?;
            let (db, vb) = infer_q(b, ns)?;
            let both = va.zip(vb);
            match op {
                BinOp::Add
                | BinOp::Sub
                | BinOp::Mod
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::Eq
                | BinOp::Ne => {
                    let qa = Quantity::new(va.unwrap_or(1.0), da);
                    let qb = Quantity::new(vb.unwrap_or(1.0), db);
                    let verb = match op {
                        BinOp::Add => "add",
                        BinOp::Sub => "subtract",
                        BinOp::Mod => "take the remainder of",
                        _ => "compare",
                    };
                    qa.check_same(&qb, verb)
                        .map_err(|err| ExprError::units(err, e.span))?;
                    let d = if da.is_dimensionless() && va == Some(0.0) {
                        db
                    } else {
                        da
                    };
                    if op.is_comparison() {
                        (D::DIMENSIONLESS, None)
                    } else {
                        let v = both.map(|(x, y)| match op {
                            BinOp::Add => x + y,
                            BinOp::Sub => x - y,
                            _ => x.rem_euclid(y),
                        });
                        (d, v)
                    }
                }
                BinOp::Mul => (da * db, both.map(|(x, y)| x * y)),
                BinOp::Div => (da / db, both.map(|(x, y)| x / y)),
                BinOp::FloorDiv => (da / db, both.map(|(x, y)| (x / y).floor())),
                BinOp::Pow => {
                    need_dimensionless(db, "an exponent", b)?;
                    if da.is_dimensionless() {
                        (D::DIMENSIONLESS, both.map(|(x, y)| x.powf(y)))
                    } else {
                        let Some(p) = vb else {
                            return Err(ExprError::other(
                                format!(
                                    "the exponent of a quantity in {da} must be a constant number"
                                ),
                                b.span,
                            ));
                        };
                        (da.powf(p), va.map(|x| x.powf(p)))
                    }
                }
                BinOp::And | BinOp::Or => {
                    need_dimensionless(da, "a logical operand", a)?;
                    need_dimensionless(db, "a logical operand", b)?;
                    (D::DIMENSIONLESS, None)
                }
            }
        }
        ExprKind::Call(f, args)
            if !FUNCTIONS.iter().any(|(n, _)| n == f) && ns.function(f).is_some() =>
        {
            let (want, result) = ns.function(f).unwrap_or_default();
            if args.len() != want.len() {
                return Err(ExprError::other(
                    format!("{f}() takes {} argument(s), got {}", want.len(), args.len()),
                    e.span,
                ));
            }
            for (a, d) in args.iter().zip(&want) {
                let got = infer_q(a, ns)?.0;
                if got != *d {
                    return Err(ExprError::units(
                        UnitError::WrongDimension {
                            what: format!("the argument of {f}()"),
                            expected: *d,
                            got,
                        },
                        a.span,
                    ));
                }
            }
            (result, None)
        }
        ExprKind::Call(f, args) => {
            let Some(&(_, arity)) = FUNCTIONS.iter().find(|(n, _)| n == f) else {
                return Err(ExprError {
                    kind: ExprErrorKind::UnknownFunction {
                        name: f.clone(),
                        hint: closest(f, FUNCTIONS.iter().map(|(n, _)| *n)),
                    },
                    span: e.span,
                });
            };
            if args.len() != arity {
                return Err(ExprError::other(
                    format!("{f}() takes {arity} argument(s), got {}", args.len()),
                    e.span,
                ));
            }
            let dims: Vec<(Dimension, Option<f64>)> = args
                .iter()
                .map(|a| infer_q(a, ns))
                .collect::<Result<_, _>>()?;
            match f.as_str() {
                "sqrt" => (dims[0].0.powf(0.5), dims[0].1.map(f64::sqrt)),
                "abs" => (dims[0].0, dims[0].1.map(f64::abs)),
                "floor" | "ceil" => (dims[0].0, None),
                "sign" => (D::DIMENSIONLESS, None),
                "clip" => {
                    for (k, (d, v)) in dims.iter().enumerate().skip(1) {
                        let ok = *d == dims[0].0
                            || (d.is_dimensionless() && v.is_some_and(crate::units::is_unit_free));
                        if !ok {
                            return Err(ExprError::units(
                                UnitError::Mismatch {
                                    op: "clip".into(),
                                    left: dims[0].0,
                                    right: *d,
                                },
                                args[k].span,
                            ));
                        }
                    }
                    (dims[0].0, None)
                }
                "rand" | "randn" => (D::DIMENSIONLESS, None),
                "timestep" => {
                    for (k, (d, _)) in dims.iter().enumerate() {
                        if *d != D::TIME {
                            return Err(ExprError::units(
                                UnitError::WrongDimension {
                                    what: "an argument of timestep()".into(),
                                    expected: D::TIME,
                                    got: *d,
                                },
                                args[k].span,
                            ));
                        }
                    }
                    (D::DIMENSIONLESS, None)
                }
                _ => {
                    need_dimensionless(dims[0].0, &format!("the argument of {f}()"), &args[0])?;
                    (D::DIMENSIONLESS, None)
                }
            }
        }
    })
}

/// Evaluates an expression whose names are all constants; `None` otherwise.
pub fn const_eval(e: &Expr, ns: &dyn Namespace) -> Option<Quantity> {
    match infer_q(e, ns) {
        Ok((d, Some(v))) => Some(Quantity::new(v, d)),
        _ => None,
    }
}

/// Checks that `stmt` assigns a value in the target's dimension.
pub fn check_statement(
    stmt: &Statement,
    target: Dimension,
    ns: &dyn Namespace,
) -> Result<(), ExprError> {
    let value = stmt.as_assignment();
    let (d, v) = infer_q(&value, ns)?;
    if d != target && !(d.is_dimensionless() && v.is_some_and(crate::units::is_unit_free)) {
        return Err(ExprError::units(
            UnitError::WrongDimension {
                what: format!("the value assigned to '{}'", stmt.target),
                expected: target,
                got: d,
            },
            stmt.value.span,
        ));
    }
    Ok(())
}
