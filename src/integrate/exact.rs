//! The exact method for linear systems with constant coefficients: x(t+dt) = E x + F b,
//! with E = exp(A dt) and F = A^-1 (E - I) taken from the exponential of the augmented
//! matrix [[A dt, I dt], [0, 0]], so a singular A (`dv/dt = rate`) needs no special case.
//! This is Brian 1's numeric approach; no symbolic algebra.

use super::linear::decompose;
use super::{assign, Context};
use crate::expr::{const_eval, BinOp, Expr, Statement};
use nalgebra::DMatrix;

pub fn linear(ctx: &Context) -> Result<Vec<Statement>, String> {
    let vars = ctx.diff_vars();
    let n = vars.len();
    let mut a = DMatrix::<f64>::zeros(n, n);
    let mut b: Vec<Option<Expr>> = Vec::with_capacity(n);
    for (i, x) in vars.iter().enumerate() {
        let rhs = ctx.rhs(x, &|_| true);
        for bad in ["t", "lastspike"] {
            if rhs.mentions(bad) {
                return Err(format!("d{x}/dt depends on '{bad}', so its coefficients are not constant over a time step"));
            }
        }
        if rhs.calls("rand") || rhs.calls("randn") {
            return Err(format!("d{x}/dt draws random numbers"));
        }
        let form = decompose(&rhs, &vars).map_err(|why| format!("d{x}/dt is not linear: {why}"))?;
        for (j, coef) in form.coefs.iter().enumerate() {
            let Some(coef) = coef else { continue };
            let q = const_eval(coef, ctx.ns).ok_or_else(|| {
                format!(
                    "the coefficient of {} in d{x}/dt, '{coef}', is not a constant",
                    vars[j]
                )
            })?;
            a[(i, j)] = q.value;
        }
        b.push(form.rest.map(|r| match const_eval(&r, ctx.ns) {
            Some(q) => Expr::number(q.value),
            None => r,
        }));
    }
    let dt = ctx.dt();
    let mut m = DMatrix::<f64>::zeros(2 * n, 2 * n);
    for i in 0..n {
        for j in 0..n {
            m[(i, j)] = a[(i, j)] * dt;
        }
        m[(i, n + i)] = dt;
    }
    let e = m.exp();
    if e.iter().any(|v| !v.is_finite()) {
        return Err("the matrix exponential is not finite (time constants far below dt?)".into());
    }
    let mut code = ctx.constant_over_dt_code()?;
    for (i, x) in vars.iter().enumerate() {
        let mut terms: Vec<Expr> = Vec::new();
        for (j, y) in vars.iter().enumerate() {
            if e[(i, j)] != 0.0 {
                terms.push(Expr::binary(
                    BinOp::Mul,
                    Expr::number(e[(i, j)]),
                    Expr::name(y),
                ));
            }
        }
        for (j, bj) in b.iter().enumerate() {
            if let (Some(bj), true) = (bj, e[(i, n + j)] != 0.0) {
                terms.push(Expr::binary(
                    BinOp::Mul,
                    Expr::number(e[(i, n + j)]),
                    bj.clone(),
                ));
            }
        }
        let value = terms
            .into_iter()
            .reduce(|acc, t| Expr::binary(BinOp::Add, acc, t))
            .unwrap_or(Expr::number(0.0));
        code.push(assign(&format!("_{x}_new"), value));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}
