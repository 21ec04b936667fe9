//! State-update methods as data plus a registry: each turns checked equations into
//! abstract code (statements) that advance the state variables by one `dt`. The automatic
//! choice tries Brian 2's order (exact, euler, heun) and reports what it chose and why
//! the others did not apply.

mod exact;
mod explicit;
pub mod linear;
mod simplify;

use crate::equations::{is_noise_name, Equations};
use crate::expr::{Expr, NameInfo, Namespace, Statement};

/// The abstract code for one time step, and which method produced it.
#[derive(Clone, Debug)]
pub struct StateUpdate {
    pub method: &'static str,
    pub code: Vec<Statement>,
    /// Why earlier methods in the automatic choice were skipped.
    pub notes: Vec<String>,
}

/// What an integrator needs to know about the model besides its equations.
pub struct Context<'a> {
    pub eqs: &'a Equations,
    /// Resolves constants (units, script values, `dt`) and marks variables.
    pub ns: &'a dyn Namespace,
    /// Differential variables that hold still while the neuron is refractory.
    pub held: Vec<String>,
}

impl Context<'_> {
    pub fn dt(&self) -> f64 {
        match self.ns.resolve("dt") {
            Some(NameInfo::Constant(q)) => q.value,
            _ => 1e-4,
        }
    }
    fn diff_vars(&self) -> Vec<&str> {
        self.eqs.differential().map(|e| e.name.as_str()).collect()
    }
    fn is_stochastic(&self) -> bool {
        !self.eqs.noise_names().is_empty()
    }
    /// Whether a subexpression is flagged `(constant over dt)`: evaluated once at the
    /// start of the step, a parameter as far as the integration is concerned.
    fn constant_over_dt(&self, sub: &str) -> bool {
        self.eqs
            .get(sub)
            .is_some_and(|e| e.has_flag("constant over dt"))
    }
    /// Statements computing the `(constant over dt)` subexpressions (and the
    /// subexpressions they use) from the state at the start of the step, under their own
    /// names; every stage then reads these values.
    fn constant_over_dt_code(&self) -> Result<Vec<Statement>, String> {
        let order = crate::equations::subexpression_order(self.eqs).map_err(|e| e.to_string())?;
        let flagged: Vec<&String> = order.iter().filter(|s| self.constant_over_dt(s)).collect();
        Ok(order
            .iter()
            .filter(|s| flagged.iter().any(|f| f == s || self.uses(f, s)))
            .filter_map(|s| Some(assign(s, self.eqs.get(s)?.expr.clone()?)))
            .collect())
    }
    /// Whether subexpression `sub` uses subexpression `other`, directly or not.
    fn uses(&self, sub: &str, other: &str) -> bool {
        let Some(e) = self.eqs.get(sub).and_then(|e| e.expr.as_ref()) else {
            return false;
        };
        e.names().iter().any(|n| {
            n == other
                || (n != sub
                    && self.eqs.subexpressions().any(|s| &s.name == n)
                    && self.uses(n, other))
        })
    }
    /// The right-hand side of `dx/dt` with subexpressions that satisfy `inline` inlined
    /// (never those constant over dt).
    fn rhs(&self, x: &str, inline: &dyn Fn(&str) -> bool) -> Expr {
        let e = self
            .eqs
            .get(x)
            .and_then(|e| e.expr.clone())
            .expect("differential equation");
        self.inline_subexpressions(&e, inline)
    }
    fn inline_subexpressions(&self, e: &Expr, inline: &dyn Fn(&str) -> bool) -> Expr {
        e.substitute(&|name| {
            let eq = self.eqs.subexpressions().find(|s| s.name == name)?;
            if !inline(name) || self.constant_over_dt(name) {
                return None;
            }
            Some(self.inline_subexpressions(eq.expr.as_ref()?, inline))
        })
    }
    /// Whether a subexpression (transitively) depends on a name within a step (a
    /// subexpression constant over dt depends on nothing).
    fn depends_on(&self, sub: &str, name: &str) -> bool {
        let Some(eq) = self.eqs.get(sub) else {
            return false;
        };
        if self.constant_over_dt(sub) {
            return false;
        }
        let Some(e) = &eq.expr else { return false };
        e.names().iter().any(|n| {
            n == name
                || (n != sub
                    && self.eqs.subexpressions().any(|s| &s.name == n)
                    && self.depends_on(n, name))
        })
    }
    /// The final `x = _x_new` assignments, holding refractory variables still.
    fn assign_all(&self, new_name: &dyn Fn(&str) -> String) -> Vec<Statement> {
        self.diff_vars()
            .into_iter()
            .map(|x| {
                let new = Expr::name(&new_name(x));
                let value = if self.held.iter().any(|h| h == x) {
                    Expr::call(
                        "_where",
                        vec![Expr::name("not_refractory"), new, Expr::name(x)],
                    )
                } else {
                    new
                };
                assign(x, value)
            })
            .collect()
    }
}

fn assign(target: &str, value: Expr) -> Statement {
    Statement {
        target: target.to_string(),
        op: crate::expr::AssignOp::Set,
        span: value.span,
        value,
    }
}

/// A state-update method: a name and a function that produces code or says why it cannot.
pub struct Method {
    pub name: &'static str,
    pub stochastic: bool,
    build: fn(&Context) -> Result<Vec<Statement>, String>,
}

/// Every method, looked up by name. Adding one is adding a row.
pub const METHODS: &[Method] = &[
    Method {
        name: "exact",
        stochastic: false,
        build: exact::linear,
    },
    Method {
        name: "euler",
        stochastic: true,
        build: explicit::euler,
    },
    Method {
        name: "rk2",
        stochastic: false,
        build: explicit::rk2,
    },
    Method {
        name: "rk4",
        stochastic: false,
        build: explicit::rk4,
    },
    Method {
        name: "exponential_euler",
        stochastic: false,
        build: explicit::exponential_euler,
    },
    Method {
        name: "heun",
        stochastic: true,
        build: explicit::heun,
    },
    Method {
        name: "milstein",
        stochastic: true,
        build: explicit::milstein,
    },
];

/// Brian 2's automatic choice for neuron groups.
pub const AUTOMATIC_ORDER: &[&str] = &["exact", "euler", "heun"];

/// Brian 1 aliases and Brian 2's other spellings.
fn canonical(name: &str) -> &str {
    match name {
        "linear" => "exact",
        "independent" => "exact",
        "exponential" => "exponential_euler",
        other => other,
    }
}

/// An integration error: the method that was asked for and why it cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntegrationError {
    #[error("unknown integration method '{0}' (known: exact, euler, rk2, rk4, exponential_euler, heun, milstein)")]
    Unknown(String),
    #[error("the method '{method}' cannot integrate these equations: {reason}")]
    NotApplicable { method: String, reason: String },
    #[error("no method could integrate these equations: {0}")]
    NoMethod(String),
}

/// Builds the state update with the named method, or chooses one when `method` is None.
pub fn state_update(ctx: &Context, method: Option<&str>) -> Result<StateUpdate, IntegrationError> {
    if ctx.eqs.differential().next().is_none() {
        return Ok(StateUpdate {
            method: "none",
            code: Vec::new(),
            notes: Vec::new(),
        });
    }
    match method {
        Some(name) => {
            let name = canonical(name);
            let m = METHODS
                .iter()
                .find(|m| m.name == name)
                .ok_or_else(|| IntegrationError::Unknown(name.to_string()))?;
            if ctx.is_stochastic() && !m.stochastic {
                return Err(IntegrationError::NotApplicable {
                    method: name.to_string(),
                    reason: "the equations contain noise (xi), which this method does not handle"
                        .into(),
                });
            }
            let code = (m.build)(ctx).map_err(|reason| IntegrationError::NotApplicable {
                method: name.to_string(),
                reason,
            })?;
            Ok(StateUpdate {
                method: m.name,
                code: simplify::for_speed(code, ctx.ns),
                notes: Vec::new(),
            })
        }
        None => {
            let mut notes = Vec::new();
            for name in AUTOMATIC_ORDER {
                let m = METHODS
                    .iter()
                    .find(|m| m.name == *name)
                    .expect("registered");
                if ctx.is_stochastic() && !m.stochastic {
                    notes.push(format!("{}: the equations are stochastic", m.name));
                    continue;
                }
                match (m.build)(ctx) {
                    Ok(code) => {
                        return Ok(StateUpdate {
                            method: m.name,
                            code: simplify::for_speed(code, ctx.ns),
                            notes,
                        })
                    }
                    Err(reason) => notes.push(format!("{}: {reason}", m.name)),
                }
            }
            Err(IntegrationError::NoMethod(notes.join("; ")))
        }
    }
}

/// Names of the noise terms in an expression.
fn noise_terms(e: &Expr) -> Vec<String> {
    e.names().into_iter().filter(|n| is_noise_name(n)).collect()
}

#[cfg(test)]
mod tests;
