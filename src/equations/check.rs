//! Checking equations against a namespace: units of every right-hand side, unknown names
//! (with hints), subexpression cycles.

use super::{EquationError, EquationKind, Equations};
use crate::expr::{check_statement, infer, AssignOp, ExprError, Namespace, Statement};
use crate::units::{Dimension, UnitError};

/// Checks every equation's units: `dx/dt` right sides in (unit of x)/second, subexpressions
/// in their declared unit. `ns` must resolve the equations' own names as well as externals.
pub fn check_equations(eqs: &Equations, ns: &dyn Namespace) -> Result<(), EquationError> {
    subexpression_order(eqs)?;
    check_shared(eqs)?;
    for eq in &eqs.equations {
        let Some(expr) = &eq.expr else { continue };
        let wrap = |e: ExprError| EquationError::new(&eqs.text, e);
        let got = infer(expr, ns).map_err(wrap)?;
        match eq.kind {
            EquationKind::Differential => {
                let expected = eq.dim / Dimension::TIME;
                if got != expected {
                    let err = UnitError::WrongDimension {
                        what: format!("the right side of d{}/dt", eq.name),
                        expected,
                        got,
                    };
                    return Err(wrap(ExprError::units(err, expr.span)));
                }
            }
            EquationKind::Subexpression => {
                let stmt = Statement {
                    target: eq.name.clone(),
                    op: AssignOp::Set,
                    value: expr.clone(),
                    span: expr.span,
                };
                check_statement(&stmt, eq.dim, ns).map_err(wrap)?;
            }
            EquationKind::Parameter => {}
        }
    }
    Ok(())
}

/// A `(shared)` subexpression has one value for the whole group, so it can only use
/// shared variables (Brian 2's rule); `i`, `lastspike`, `not_refractory` differ per neuron.
fn check_shared(eqs: &Equations) -> Result<(), EquationError> {
    for eq in eqs.subexpressions().filter(|e| e.has_flag("shared")) {
        let Some(expr) = &eq.expr else { continue };
        let mut bad: Option<(String, crate::expr::Span)> = None;
        expr.visit_names(&mut |n, span| {
            let per_neuron = match eqs.get(n) {
                Some(other) => !other.has_flag("shared"),
                None => ["i", "lastspike", "not_refractory"].contains(&n),
            };
            if per_neuron && bad.is_none() {
                bad = Some((n.to_string(), span));
            }
        });
        if let Some((n, span)) = bad {
            let err = ExprError::other(
                format!(
                    "the shared subexpression '{}' uses '{n}', which is not shared (it has a value per neuron)",
                    eq.name
                ),
                span,
            );
            return Err(EquationError::new(&eqs.text, err));
        }
    }
    Ok(())
}

/// The subexpressions in an order where each comes after those it uses; a cycle is an
/// error naming it.
pub fn subexpression_order(eqs: &Equations) -> Result<Vec<String>, EquationError> {
    let subs: Vec<_> = eqs.subexpressions().collect();
    let mut order: Vec<String> = Vec::new();
    let mut visiting: Vec<String> = Vec::new();
    fn visit(
        name: &str,
        subs: &[&super::Equation],
        order: &mut Vec<String>,
        visiting: &mut Vec<String>,
        eqs: &Equations,
    ) -> Result<(), EquationError> {
        if order.iter().any(|o| o == name) {
            return Ok(());
        }
        let Some(eq) = subs.iter().find(|e| e.name == name) else {
            return Ok(());
        };
        if let Some(k) = visiting.iter().position(|v| v == name) {
            let mut cycle = visiting[k..].to_vec();
            cycle.push(name.to_string());
            let err = ExprError::other(
                format!("the subexpressions form a cycle: {}", cycle.join(" -> ")),
                eq.span,
            );
            return Err(EquationError::new(&eqs.text, err));
        }
        visiting.push(name.to_string());
        if let Some(expr) = &eq.expr {
            for dep in expr.names() {
                visit(&dep, subs, order, visiting, eqs)?;
            }
        }
        visiting.pop();
        order.push(name.to_string());
        Ok(())
    }
    for s in &subs {
        visit(&s.name, &subs, &mut order, &mut visiting, eqs)?;
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::expr::NameInfo;
    use crate::units::lookup;

    struct Ns<'a>(&'a Equations);
    impl Namespace for Ns<'_> {
        fn resolve(&self, name: &str) -> Option<NameInfo> {
            if let Some(eq) = self.0.get(name) {
                return Some(NameInfo::Variable(eq.dim));
            }
            if name == "t" {
                return Some(NameInfo::Variable(Dimension::TIME));
            }
            lookup(name).map(NameInfo::Constant)
        }
        fn names(&self) -> Vec<String> {
            self.0.equations.iter().map(|e| e.name.clone()).collect()
        }
    }

    #[test]
    fn parses_the_cuba_model() {
        let eqs = parse_equations(
            "\n dv/dt  = (ge+gi-(v+49*mV))/(20*ms) : volt (unless refractory)\n dge/dt = -ge/(5*ms) : volt\n dgi/dt = -gi/(10*ms) : volt\n I : amp (constant)\n rate = 1./(10*ms) : Hz",
        )
        .unwrap();
        assert_eq!(eqs.equations.len(), 5);
        assert_eq!(eqs.equations[0].name, "v");
        assert!(eqs.equations[0].has_flag("unless refractory"));
        assert_eq!(eqs.equations[3].kind, EquationKind::Parameter);
        assert_eq!(eqs.equations[4].kind, EquationKind::Subexpression);
        check_equations(&eqs, &Ns(&eqs)).unwrap();
    }

    #[test]
    fn unit_mismatch_names_the_equation_and_both_units() {
        let eqs = parse_equations("dv/dt = -v : volt").unwrap();
        let err = check_equations(&eqs, &Ns(&eqs)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in the equation 'dv/dt = -v : volt': the right side of dv/dt should be in V/s, but has units of V"
        );
        assert_eq!(err.error.span, Span::new(8, 10));
    }

    #[test]
    fn errors_for_flags_cycles_and_units() {
        let err = parse_equations("dv/dt = -v/(10*ms) : volt (constant)").unwrap_err();
        assert!(
            err.to_string()
                .contains("the flag 'constant' is not allowed on a differential equation"),
            "{err}"
        );
        let err = parse_equations("dv/dt = -v/(10*ms) : mV").unwrap_err();
        assert!(err.to_string().contains("base unit"), "{err}");
        let eqs = parse_equations("dv/dt = a/ms : 1\na = b : 1\nb = 2*a : 1").unwrap();
        let err = subexpression_order(&eqs).unwrap_err();
        assert!(err.to_string().contains("cycle: a -> b -> a"), "{err}");
        let eqs = parse_equations("dv/dt = -vv/(10*ms) : volt").unwrap();
        let err = check_equations(&eqs, &Ns(&eqs)).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("unknown name 'vv' (did you mean 'v'?)"),
            "{err}"
        );
        let eqs = parse_equations("dx/dt = .5*x/second + 1./second : 1").unwrap();
        check_equations(&eqs, &Ns(&eqs)).unwrap();
    }

    /// Every kind of equation error, as users read it: which equation, where (the span,
    /// shown as the text it covers) and why.
    #[test]
    fn error_messages_say_which_equation_where_and_why() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "dv/dt = -v/tauu : volt\ntau : second",
                "in the equation 'dv/dt = -v/tauu : volt': unknown name 'tauu' (did you mean 'tau'?)",
                "tauu",
            ),
            (
                "dv/dt = -v/(10*ms) : volt\ndw/dt = v/ms : 1",
                "in the equation 'dw/dt = v/ms : 1': the right side of dw/dt should be in Hz, but has units of V/s",
                "v/ms",
            ),
            (
                "dv/dt = (I - v)/(10*ms) : volt\nI = 2*nA : amp",
                "in the equation 'dv/dt = (I - v)/(10*ms) : volt': cannot subtract quantities in A and V: the units do not match",
                "(I - v)",
            ),
            (
                "dg/dt = -g/ms : siemens\ndv/dt = g/ms : volt",
                "in the equation 'dv/dt = g/ms : volt': the right side of dv/dt should be in V/s, but has units of S/s",
                "g/ms",
            ),
            (
                "dv/dt = a/ms : 1\na = b : 1\nb = 2*a : 1",
                "in the equation 'a = b : 1': the subexpressions form a cycle: a -> b -> a",
                "a = b : 1",
            ),
            (
                "dv/dt = exp(v)/ms : volt",
                "in the equation 'dv/dt = exp(v)/ms : volt': the argument of exp() must be dimensionless, but has units of V",
                "v",
            ),
            (
                "dv/dt = exq(v/mV)*mV/ms : volt",
                "in the equation 'dv/dt = exq(v/mV)*mV/ms : volt': unknown function 'exq' (did you mean 'exp'?)",
                "exq(v/mV)",
            ),
            (
                "dv/dt = clip(v, 0*mV)/ms : volt",
                "in the equation 'dv/dt = clip(v, 0*mV)/ms : volt': clip() takes 3 argument(s), got 2",
                "clip(v, 0*mV)",
            ),
            (
                "dv/dt = (v/mV)**(v/mV)*mV/ms : volt",
                "a dimensionless base may have any exponent",
                "",
            ),
            (
                "dv/dt = v**(v/mV)/ms : volt",
                "in the equation 'dv/dt = v**(v/mV)/ms : volt': the exponent of a quantity in V must be a constant number",
                "(v/mV)",
            ),
            (
                "x = 2*v : volt (shared)\ndv/dt = -v/ms : volt",
                "in the equation 'x = 2*v : volt (shared)': the shared subexpression 'x' uses 'v', which is not shared (it has a value per neuron)",
                "v",
            ),
        ];
        for (text, message, at) in cases {
            let eqs = parse_equations(text).unwrap();
            let result = check_equations(&eqs, &Ns(&eqs));
            if at.is_empty() {
                // Not an error at all (a dimensionless base may have any exponent).
                assert!(result.is_ok(), "{text}: {result:?}");
                continue;
            }
            let err = result.unwrap_err();
            let span = err.error.span;
            assert_eq!(err.to_string(), *message);
            assert_eq!(&text[span.start..span.end], *at, "{text}");
        }
        let parse_cases: &[(&str, &str, &str)] = &[
            (
                "dv/dt = -v/(10*ms) : volt (constant)",
                "in the equation 'dv/dt = -v/(10*ms) : volt (constant)': the flag 'constant' is not allowed on a differential equation (allowed: unless refractory, event-driven, clock-driven)",
                "constant",
            ),
            (
                "I = 2*nA : amp (unless refractory)",
                "in the equation 'I = 2*nA : amp (unless refractory)': the flag 'unless refractory' is not allowed on a subexpression (allowed: shared, constant over dt, summed)",
                "unless refractory",
            ),
            (
                "tau : second (constant over dt)",
                "in the equation 'tau : second (constant over dt)': the flag 'constant over dt' is not allowed on a parameter (allowed: constant, shared, linked, summed, unless refractory)",
                "constant over dt",
            ),
            (
                "dv/dt = -v/(10*ms) : mV",
                "in the equation 'dv/dt = -v/(10*ms) : mV': the unit after ':' must be a base unit such as volt or siemens, not a scaled one like 'mV'",
                "mV",
            ),
            (
                "dv/dt = -v/(10*ms)",
                "in the equation 'dv/dt = -v/(10*ms)': syntax error: an equation needs ': unit' at its end, as in 'dv/dt = -v/tau : volt'",
                "dv/dt = -v/(10*ms)",
            ),
            (
                "db/dt = 1/ms : boolean",
                "in the equation 'db/dt = 1/ms : boolean': a differential equation must have a unit, not boolean or integer",
                "db/dt = 1/ms : boolean",
            ),
            (
                "dv/dt = -v/(10*ms) : volt\nv : volt",
                "in the equation 'v : volt': 'v' is defined twice",
                "v : volt",
            ),
            (
                "dt : second",
                "in the equation 'dt : second': 'dt' cannot be defined in equations: it is defined by every group",
                "dt : second",
            ),
            (
                "dxi_1/dt = 1/ms : 1",
                "in the equation 'dxi_1/dt = 1/ms : 1': 'xi_1' cannot be defined in equations: names starting with 'xi_' are noise terms",
                "dxi_1/dt = 1/ms : 1",
            ),
            (
                "exp = 2 : 1",
                "in the equation 'exp = 2 : 1': 'exp' cannot be defined in equations: it is a function",
                "exp = 2 : 1",
            ),
            (
                "_v : volt",
                "in the equation '_v : volt': '_v' cannot be defined in equations: names starting with '_' are reserved for generated code",
                "_v : volt",
            ),
            (
                "dv/dt = (1 + )/ms : 1",
                "in the equation 'dv/dt = (1 + )/ms : 1': syntax error: unexpected ')'",
                ")",
            ),
        ];
        for (text, message, at) in parse_cases {
            let err = parse_equations(text).unwrap_err();
            let span = err.error.span;
            assert_eq!(err.to_string(), *message);
            assert_eq!(&text[span.start..span.end], *at, "{text}");
        }
    }
}
