//! Explicit methods: Runge-Kutta tableaux (euler, rk2, rk4), exponential Euler for
//! conditionally linear equations, and the stochastic schemes (Euler-Maruyama for additive
//! noise, Heun for Stratonovich, derivative-free Milstein for Ito).

use super::linear::{decompose, decompose_conditionally};
use super::{assign, noise_terms, Context};
use crate::equations::subexpression_order;
use crate::expr::{BinOp, Expr, Statement};

/// A Butcher tableau: stage offsets `a`, weights `b`, time nodes `c`.
struct Tableau {
    a: &'static [&'static [f64]],
    b: &'static [f64],
    c: &'static [f64],
}

const EULER: Tableau = Tableau {
    a: &[&[]],
    b: &[1.0],
    c: &[0.0],
};
const RK2: Tableau = Tableau {
    a: &[&[], &[0.5]],
    b: &[0.0, 1.0],
    c: &[0.0, 0.5],
};
const RK4: Tableau = Tableau {
    a: &[&[], &[0.5], &[0.0, 0.5], &[0.0, 0.0, 1.0]],
    b: &[1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0],
    c: &[0.0, 0.5, 0.5, 1.0],
};

fn num(v: f64) -> Expr {
    Expr::number(v)
}
fn name(n: &str) -> Expr {
    Expr::name(n)
}
fn mul(a: Expr, b: Expr) -> Expr {
    Expr::binary(BinOp::Mul, a, b)
}
fn add(a: Expr, b: Expr) -> Expr {
    Expr::binary(BinOp::Add, a, b)
}
fn sum(terms: Vec<Expr>) -> Expr {
    terms.into_iter().reduce(add).unwrap_or(num(0.0))
}

/// Each differential variable's right side split into drift `f` and noise coefficients
/// `g[k]` for each noise name.
struct Split {
    var: String,
    f: Expr,
    g: Vec<Option<Expr>>,
}

impl Split {
    /// The coefficient of the only noise term, if the equations have one.
    fn single_noise(&self) -> Option<&Expr> {
        self.g.first().and_then(Option::as_ref)
    }
}

fn split_noise(ctx: &Context) -> Result<(Vec<String>, Vec<Split>), String> {
    let noise = ctx.eqs.noise_names();
    for s in ctx.eqs.subexpressions() {
        if s.expr.as_ref().is_some_and(|e| !noise_terms(e).is_empty()) {
            return Err(format!(
                "the subexpression '{}' contains noise; write xi in the differential equation",
                s.name
            ));
        }
    }
    let refs: Vec<&str> = noise.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for x in ctx.diff_vars() {
        let rhs = ctx
            .eqs
            .get(x)
            .and_then(|e| e.expr.clone())
            .expect("differential");
        let form = decompose(&rhs, &refs)
            .map_err(|why| format!("the noise in d{x}/dt is not a sum of terms g*xi: {why}"))?;
        out.push(Split {
            var: x.to_string(),
            f: form.rest.unwrap_or(num(0.0)),
            g: form.coefs,
        });
    }
    Ok((noise, out))
}

/// Emits the subexpressions evaluated at a stage and returns a substitution that maps the
/// state variables, subexpressions and `t` to that stage's values.
fn stage<'c>(
    ctx: &'c Context,
    prefix: &'c str,
    state: &'c dyn Fn(&str) -> Option<Expr>,
    t: Expr,
    out: &mut Vec<Statement>,
) -> Result<impl Fn(&Expr) -> Expr + 'c, String> {
    // Subexpressions constant over dt were computed once, before the stages.
    let order: Vec<String> = subexpression_order(ctx.eqs)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|s| !ctx.constant_over_dt(s))
        .collect();
    let subs: Vec<String> = order.clone();
    let subst = move |e: &Expr| -> Expr {
        e.substitute(&|n| {
            if n == "t" {
                return Some(t.clone());
            }
            if subs.iter().any(|s| s == n) {
                return Some(name(&format!("{prefix}{n}")));
            }
            state(n)
        })
    };
    for s in &order {
        let e = ctx
            .eqs
            .get(s)
            .and_then(|e| e.expr.clone())
            .expect("subexpression");
        out.push(assign(&format!("{prefix}{s}"), subst(&e)));
    }
    Ok(subst)
}

fn t_plus(c: f64) -> Expr {
    if c == 0.0 {
        name("t")
    } else {
        add(name("t"), mul(num(c), name("dt")))
    }
}

fn runge_kutta(ctx: &Context, tab: &Tableau) -> Result<Vec<Statement>, String> {
    let vars: Vec<String> = ctx.diff_vars().iter().map(|s| s.to_string()).collect();
    let mut code = ctx.constant_over_dt_code()?;
    for (s, row) in tab.a.iter().enumerate() {
        let prefix = format!("_s{s}_");
        // The stage's state: x + dt * sum_j a[s][j] * k_j.
        for x in &vars {
            let incr: Vec<Expr> = row
                .iter()
                .enumerate()
                .filter(|(_, a)| **a != 0.0)
                .map(|(j, a)| mul(num(*a), name(&format!("_k{j}_{x}"))))
                .collect();
            if !incr.is_empty() {
                code.push(assign(
                    &format!("{prefix}{x}"),
                    add(name(x), mul(name("dt"), sum(incr))),
                ));
            }
        }
        let staged: Vec<String> = if row.iter().any(|a| *a != 0.0) {
            vars.clone()
        } else {
            Vec::new()
        };
        let p2 = prefix.clone();
        let state = move |n: &str| {
            staged
                .iter()
                .any(|v| v == n)
                .then(|| name(&format!("{p2}{n}")))
        };
        let subst = stage(ctx, &prefix, &state, t_plus(tab.c[s]), &mut code)?;
        for x in &vars {
            let f = ctx
                .eqs
                .get(x)
                .and_then(|e| e.expr.clone())
                .expect("differential");
            code.push(assign(&format!("_k{s}_{x}"), subst(&f)));
        }
    }
    for x in &vars {
        let terms: Vec<Expr> = tab
            .b
            .iter()
            .enumerate()
            .filter(|(_, b)| **b != 0.0)
            .map(|(s, b)| mul(num(*b), name(&format!("_k{s}_{x}"))))
            .collect();
        code.push(assign(
            &format!("_{x}_new"),
            add(name(x), mul(name("dt"), sum(terms))),
        ));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}

/// Euler-Maruyama: deterministic Euler plus `g*sqrt(dt)*N(0,1)` for additive noise.
pub fn euler(ctx: &Context) -> Result<Vec<Statement>, String> {
    if ctx.eqs.noise_names().is_empty() {
        return runge_kutta(ctx, &EULER);
    }
    let (noise, splits) = split_noise(ctx)?;
    let vars = ctx.diff_vars();
    for sp in &splits {
        for g in sp.g.iter().flatten() {
            let inlined = ctx.inline_subexpressions(g, &|_| true);
            if let Some(v) = vars.iter().find(|v| inlined.mentions(v)) {
                return Err(format!(
                    "the noise term of d{}/dt depends on '{v}' (multiplicative noise): use 'heun' or 'milstein'",
                    sp.var
                ));
            }
        }
    }
    let mut code = ctx.constant_over_dt_code()?;
    for xi in &noise {
        code.push(assign(
            &format!("_dW_{xi}"),
            mul(
                Expr::call("sqrt", vec![name("dt")]),
                Expr::call("randn", vec![]),
            ),
        ));
    }
    let none = |_: &str| None;
    let subst = stage(ctx, "", &none, name("t"), &mut code)?;
    for sp in &splits {
        let mut terms = vec![name(&sp.var), mul(name("dt"), subst(&sp.f))];
        for (k, g) in sp.g.iter().enumerate() {
            if let Some(g) = g {
                terms.push(mul(subst(g), name(&format!("_dW_{}", noise[k]))));
            }
        }
        code.push(assign(&format!("_{}_new", sp.var), sum(terms)));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}

pub fn rk2(ctx: &Context) -> Result<Vec<Statement>, String> {
    runge_kutta(ctx, &RK2)
}

pub fn rk4(ctx: &Context) -> Result<Vec<Statement>, String> {
    runge_kutta(ctx, &RK4)
}

/// Exponential Euler: for `dx/dt = A x + B`, `x <- -B/A + (x + B/A) exp(A dt)` with A
/// and B evaluated at the step's start; plain Euler where A is zero. As in Brian 2, A and
/// B may depend on the other variables and on x itself inside functions and
/// denominators (an HH current `g m(v)**3 h (v - E)`), see
/// [`decompose_conditionally`].
pub fn exponential_euler(ctx: &Context) -> Result<Vec<Statement>, String> {
    let mut code = ctx.constant_over_dt_code()?;
    let none = |_: &str| None;
    let _ = stage(ctx, "", &none, name("t"), &mut code)?;
    for x in ctx.diff_vars() {
        let rhs = ctx.rhs(x, &|sub| ctx.depends_on(sub, x));
        let form = decompose_conditionally(&rhs, x)
            .map_err(|why| format!("d{x}/dt is not linear in {x}: {why}"))?;
        let new = match (&form.coefs[0], form.rest) {
            (None, b) => add(name(x), mul(name("dt"), b.unwrap_or(num(0.0)))),
            // Pure decay: x*exp(A dt), as Brian 2 writes it.
            (Some(a), None) => mul(name(x), Expr::call("exp", vec![mul(a.clone(), name("dt"))])),
            (Some(a), Some(b)) => {
                code.push(assign(&format!("_A_{x}"), a.clone()));
                code.push(assign(
                    &format!("_BA_{x}"),
                    Expr::binary(BinOp::Div, b, name(&format!("_A_{x}"))),
                ));
                let ba = name(&format!("_BA_{x}"));
                let decay = Expr::call("exp", vec![mul(name(&format!("_A_{x}")), name("dt"))]);
                add(Expr::negate(ba.clone()), mul(add(name(x), ba), decay))
            }
        };
        code.push(assign(&format!("_{x}_new"), new));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}

/// The split equations and whether they have (one) noise term. Without noise, Heun is the
/// trapezoidal predictor-corrector and Milstein is Euler, as in Brian 2.
fn at_most_one_noise(ctx: &Context) -> Result<(bool, Vec<Split>), String> {
    let (noise, splits) = split_noise(ctx)?;
    match noise.len() {
        0 | 1 => Ok((noise.len() == 1, splits)),
        _ => Err(format!(
            "this method handles one noise term, the equations have {} ({})",
            noise.len(),
            noise.join(", ")
        )),
    }
}

/// Emits `_f_x`, `_g_x` (where there is noise) and the support values
/// `_sup_x = x + dt*f + scale*g` for every variable.
fn support(
    ctx: &Context,
    splits: &[Split],
    noise_scale: &Expr,
    code: &mut Vec<Statement>,
) -> Result<(), String> {
    let none = |_: &str| None;
    let subst = stage(ctx, "", &none, name("t"), code)?;
    for sp in splits {
        let v = &sp.var;
        code.push(assign(&format!("_f_{v}"), subst(&sp.f)));
        let mut terms = vec![name(v), mul(name("dt"), name(&format!("_f_{v}")))];
        if let Some(g) = sp.single_noise() {
            code.push(assign(&format!("_g_{v}"), subst(g)));
            terms.push(mul(noise_scale.clone(), name(&format!("_g_{v}"))));
        }
        code.push(assign(&format!("_sup_{v}"), sum(terms)));
    }
    Ok(())
}

fn wiener_increment() -> Statement {
    assign(
        "_dW",
        mul(
            Expr::call("sqrt", vec![name("dt")]),
            Expr::call("randn", vec![]),
        ),
    )
}

/// Stochastic Heun (Stratonovich): predictor with the same Wiener increment, then the
/// trapezoidal average of drift and noise.
pub fn heun(ctx: &Context) -> Result<Vec<Statement>, String> {
    let (noisy, splits) = at_most_one_noise(ctx)?;
    let mut code = ctx.constant_over_dt_code()?;
    if noisy {
        code.push(wiener_increment());
    }
    support(ctx, &splits, &name("_dW"), &mut code)?;
    let vars: Vec<String> = splits.iter().map(|s| s.var.clone()).collect();
    let state = move |n: &str| {
        vars.iter()
            .any(|v| v == n)
            .then(|| name(&format!("_sup_{n}")))
    };
    let subst = stage(ctx, "_s1_", &state, t_plus(1.0), &mut code)?;
    for sp in &splits {
        let v = &sp.var;
        let mut terms = vec![
            name(v),
            mul(
                mul(num(0.5), name("dt")),
                add(name(&format!("_f_{v}")), subst(&sp.f)),
            ),
        ];
        if let Some(g) = sp.single_noise() {
            terms.push(mul(
                mul(num(0.5), name("_dW")),
                add(name(&format!("_g_{v}")), subst(g)),
            ));
        }
        code.push(assign(&format!("_{v}_new"), sum(terms)));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}

/// Derivative-free Milstein (Ito): the correction `(g(support) - g)/(2 sqrt(dt)) * (dW^2 - dt)`
/// with support `x + dt*f + sqrt(dt)*g`.
pub fn milstein(ctx: &Context) -> Result<Vec<Statement>, String> {
    let (noisy, splits) = at_most_one_noise(ctx)?;
    if !noisy {
        return runge_kutta(ctx, &EULER);
    }
    let sqrt_dt = Expr::call("sqrt", vec![name("dt")]);
    let mut code = ctx.constant_over_dt_code()?;
    code.push(wiener_increment());
    support(ctx, &splits, &sqrt_dt, &mut code)?;
    let vars: Vec<String> = splits.iter().map(|s| s.var.clone()).collect();
    let state = move |n: &str| {
        vars.iter()
            .any(|v| v == n)
            .then(|| name(&format!("_sup_{n}")))
    };
    let subst = stage(ctx, "_s1_", &state, name("t"), &mut code)?;
    for sp in &splits {
        let v = &sp.var;
        let mut terms = vec![name(v), mul(name("dt"), name(&format!("_f_{v}")))];
        if let Some(g) = sp.single_noise() {
            let dg = Expr::binary(BinOp::Sub, subst(g), name(&format!("_g_{v}")));
            let dw2 = Expr::binary(BinOp::Sub, mul(name("_dW"), name("_dW")), name("dt"));
            terms.push(mul(name(&format!("_g_{v}")), name("_dW")));
            terms.push(Expr::binary(
                BinOp::Div,
                mul(dg, dw2),
                mul(num(2.0), sqrt_dt.clone()),
            ));
        }
        code.push(assign(&format!("_{v}_new"), sum(terms)));
    }
    code.extend(ctx.assign_all(&|x| format!("_{x}_new")));
    Ok(code)
}
