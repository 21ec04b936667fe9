//! Checking equations against a namespace: units of every right-hand side, unknown names
//! (with hints), subexpression cycles.

use super::{EquationError, EquationKind, Equations};
use crate::expr::{check_statement, infer, AssignOp, ExprError, Namespace, Statement};
use crate::units::{Dimension, UnitError};

/// Checks every equation's units: `dx/dt` right sides in (unit of x)/second, subexpressions
/// in their declared unit. `ns` must resolve the equations' own names as well as externals.
pub fn check_equations(eqs: &Equations, ns: &dyn Namespace) -> Result<(), EquationError> {
    subexpression_order(eqs)?;
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
}
