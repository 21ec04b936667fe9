use super::*;
use crate::units::{lookup, Dimension, Quantity};

struct Ns;
impl Namespace for Ns {
    fn resolve(&self, name: &str) -> Option<NameInfo> {
        match name {
            "v" | "ge" => Some(NameInfo::Variable(lookup("volt").unwrap().dim)),
            "tau" => Some(NameInfo::Constant(
                lookup("ms").unwrap().mul(&Quantity::dimensionless(20.0)),
            )),
            _ => lookup(name).map(NameInfo::Constant),
        }
    }
    fn names(&self) -> Vec<String> {
        vec!["v".into(), "ge".into(), "tau".into()]
    }
}

#[test]
fn parses_python_numbers_and_precedence() {
    let e = parse_expr("-x**2 + .5*y - 1./z").unwrap();
    assert_eq!(e.to_string(), "(((-(x ** 2)) + (0.5 * y)) - (1 / z))");
    assert_eq!(parse_expr("2**-1").unwrap().to_string(), "(2 ** (-1))");
    assert_eq!(
        parse_expr("a < b and not c").unwrap().to_string(),
        "((a < b) and (not c))"
    );
    assert_eq!(
        parse_expr("1e-3*exp(-t/tau)").unwrap().to_string(),
        "(0.001 * exp(((-t) / tau)))"
    );
}

#[test]
fn statements_and_spans() {
    let s = parse_statements("v = 0*mV\nvt += 3*mV; w -= 1").unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s[1].target, "vt");
    assert_eq!(s[1].op, AssignOp::Add);
    assert_eq!(s[2].span.start, "v = 0*mV\nvt += 3*mV; ".len());
    let err = parse_statements("v = 0*mV\nv + = 3").unwrap_err();
    assert_eq!(err.span.start, 11);
}

#[test]
fn infers_and_checks_dimensions() {
    let volt = lookup("volt").unwrap().dim;
    let e = parse_expr("(ge - (v + 49*mV))/tau").unwrap();
    assert_eq!(infer(&e, &Ns).unwrap(), volt / Dimension::TIME);
    let bad = parse_expr("v + tau").unwrap();
    let err = infer(&bad, &Ns).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot add quantities in V and s: the units do not match"
    );
    assert_eq!(err.span, Span::new(0, 7));
    let unknown = infer(&parse_expr("v + vv").unwrap(), &Ns).unwrap_err();
    assert_eq!(unknown.to_string(), "unknown name 'vv' (did you mean 'v'?)");
    assert!(
        infer(&parse_expr("v > 0").unwrap(), &Ns).is_ok(),
        "0 matches any unit"
    );
    assert!(infer(&parse_expr("exp(v)").unwrap(), &Ns).is_err());
    assert_eq!(
        infer(&parse_expr("mV**-1").unwrap(), &Ns).unwrap(),
        volt.powf(-1.0)
    );
    let noise = parse_expr("39.24*mV/ms**0.5").unwrap();
    assert_eq!(
        infer(&noise, &Ns).unwrap(),
        volt / Dimension::TIME.powf(0.5)
    );
    let c = const_eval(&parse_expr("1./tau").unwrap(), &Ns).unwrap();
    assert!((c.value - 50.0).abs() < 1e-12);
}
