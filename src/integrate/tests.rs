//! Integrators against analytic solutions, through the kernel compiler.

use super::*;
use crate::equations::parse_equations;
use crate::eval::{compile_statements, Binding, Elements, Scratch};
use crate::expr::NameInfo;
use crate::units::{lookup, Dimension, Quantity};
use rand::SeedableRng;

struct Ns<'a> {
    eqs: &'a Equations,
    dt: f64,
}

impl Namespace for Ns<'_> {
    fn resolve(&self, name: &str) -> Option<NameInfo> {
        if let Some(e) = self.eqs.get(name) {
            return Some(NameInfo::Variable(e.dim));
        }
        match name {
            "t" => Some(NameInfo::Variable(Dimension::TIME)),
            "dt" => Some(NameInfo::Constant(Quantity::new(self.dt, Dimension::TIME))),
            "xi" => Some(NameInfo::Variable(Dimension::TIME.powf(-0.5))),
            _ => lookup(name).map(NameInfo::Constant),
        }
    }
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Integrates `text` from `x0` for `steps` steps of `dt` with `method`, one element.
pub(crate) fn simulate(
    text: &str,
    method: Option<&str>,
    x0: &[f64],
    dt: f64,
    steps: usize,
) -> (Vec<f64>, &'static str) {
    let eqs = parse_equations(text).unwrap();
    let ns = Ns { eqs: &eqs, dt };
    let ctx = Context {
        eqs: &eqs,
        ns: &ns,
        held: Vec::new(),
    };
    let su = state_update(&ctx, method).unwrap();
    let vars: Vec<String> = eqs.state_variables().map(|e| e.name.clone()).collect();
    let bind = |n: &str| -> Option<Binding> {
        if let Some(k) = vars.iter().position(|v| v == n) {
            return Some(Binding::Array(k));
        }
        match n {
            "t" => Some(Binding::Scalar(0)),
            "dt" => Some(Binding::Constant(dt)),
            _ => lookup(n).map(|q| Binding::Constant(q.value)),
        }
    };
    let k = compile_statements(&su.code, &bind).unwrap();
    let mut arrays: Vec<Vec<f64>> = x0.iter().map(|&x| vec![x]).collect();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
    let mut scratch = Scratch::default();
    for s in 0..steps {
        k.run(
            &mut arrays,
            Elements::Range(0, 1),
            &[s as f64 * dt],
            &mut rng,
            &mut scratch,
            |_| {},
        );
    }
    (arrays.iter().map(|a| a[0]).collect(), su.method)
}

#[test]
fn exact_decay_matches_the_exponential() {
    let (x, method) = simulate("dv/dt = -v/(10*ms) : volt", None, &[1.0], 1e-4, 1000);
    assert_eq!(method, "exact");
    let expected = (-0.1f64 / 0.01).exp();
    assert!(
        ((x[0] - expected) / expected).abs() < 1e-12,
        "{} vs {expected}",
        x[0]
    );
}

#[test]
fn exact_handles_a_singular_matrix_and_coupled_variables() {
    let (x, _) = simulate(
        "dv/dt = 2*volt/second : volt",
        Some("exact"),
        &[0.0],
        1e-3,
        500,
    );
    assert!((x[0] - 1.0).abs() < 1e-12, "{}", x[0]);
    // Oscillator x'' = -w^2 x as two first-order equations.
    let (x, _) = simulate(
        "dx/dt = y/second : 1\ndy/dt = -x/second : 1",
        Some("exact"),
        &[1.0, 0.0],
        1e-3,
        1000,
    );
    assert!(
        (x[0] - 1f64.cos()).abs() < 1e-12 && (x[1] + 1f64.sin()).abs() < 1e-12,
        "{x:?}"
    );
}

#[test]
fn automatic_choice_reports_why() {
    let eqs = parse_equations("dv/dt = -v**2/(volt*ms) : volt").unwrap();
    let ns = Ns {
        eqs: &eqs,
        dt: 1e-4,
    };
    let su = state_update(
        &Context {
            eqs: &eqs,
            ns: &ns,
            held: Vec::new(),
        },
        None,
    )
    .unwrap();
    assert_eq!(su.method, "euler");
    assert!(
        su.notes[0].starts_with("exact: dv/dt is not linear"),
        "{:?}",
        su.notes
    );
    let err = state_update(
        &Context {
            eqs: &eqs,
            ns: &ns,
            held: Vec::new(),
        },
        Some("exact"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the method 'exact' cannot integrate these equations"),
        "{err}"
    );
    let eqs = parse_equations("dv/dt = -v/(10*ms) + v*xi/sqrt(10*ms) : volt").unwrap();
    let ns = Ns {
        eqs: &eqs,
        dt: 1e-4,
    };
    let err = state_update(
        &Context {
            eqs: &eqs,
            ns: &ns,
            held: Vec::new(),
        },
        Some("euler"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("multiplicative noise"), "{err}");
    let su = state_update(
        &Context {
            eqs: &eqs,
            ns: &ns,
            held: Vec::new(),
        },
        None,
    )
    .unwrap();
    assert_eq!(su.method, "heun");
}

fn method_error(text: &str, method: Option<&str>) -> String {
    let eqs = parse_equations(text).unwrap();
    let ns = Ns {
        eqs: &eqs,
        dt: 1e-4,
    };
    let ctx = Context {
        eqs: &eqs,
        ns: &ns,
        held: Vec::new(),
    };
    state_update(&ctx, method).unwrap_err().to_string()
}

#[test]
fn integration_errors_say_why() {
    assert_eq!(
        method_error("dv/dt = -v/(10*ms) : volt", Some("rk5")),
        "unknown integration method 'rk5' (known: exact, euler, rk2, rk4, exponential_euler, heun, milstein)"
    );
    assert_eq!(
        method_error("dv/dt = -v/(10*ms) + xi*mV/ms**0.5 : volt", Some("rk4")),
        "the method 'rk4' cannot integrate these equations: the equations contain noise (xi), which this method does not handle"
    );
    assert_eq!(
        method_error(
            "dv/dt = -v/(10*ms) + I : volt\nI = xi*mV/ms**0.5 : volt/second",
            Some("euler")
        ),
        "the method 'euler' cannot integrate these equations: the subexpression 'I' contains noise; write xi in the differential equation"
    );
    assert_eq!(
        method_error(
            "dv/dt = -v/(10*ms) + xi_a*mV/ms**0.5 + xi_b*mV/ms**0.5 : volt",
            Some("heun")
        ),
        "the method 'heun' cannot integrate these equations: this method handles one noise term, the equations have 2 (xi_a, xi_b)"
    );
    assert_eq!(
        method_error("dv/dt = exp(v/mV)*mV/ms : volt", Some("exponential_euler")),
        "the method 'exponential_euler' cannot integrate these equations: dv/dt is not linear in v: '((exp((v / mV)) * mV) / ms)' has no term linear in v"
    );
    assert_eq!(
        method_error("dv/dt = -v/(10*ms) + xi*xi*mV : volt", None),
        "no method could integrate these equations: exact: the equations are stochastic; euler: the noise in dv/dt is not a sum of terms g*xi: the product '(xi * xi)' is not linear; heun: the noise in dv/dt is not a sum of terms g*xi: the product '(xi * xi)' is not linear"
    );
}

/// Brian 2's exponential Euler takes `dx/dt = A(x) x + B(x)` where x enters A and B only
/// inside functions and denominators (sympy's `collect` of the expanded expression), with
/// A and B evaluated at the step's start: one step is `-B/A + (x + B/A) exp(A dt)`.
#[test]
fn exponential_euler_is_conditionally_linear_as_in_brian_2() {
    let dt = 1e-4;
    let (x, method) = simulate(
        "dv/dt = -(v - 10*mV)*exp(-v/(20*mV))/(5*ms) + 1*mV/ms : volt",
        Some("exponential_euler"),
        &[-0.06],
        dt,
        1,
    );
    assert_eq!(method, "exponential_euler");
    let v0: f64 = -0.06;
    let a = -(-v0 / 0.02).exp() / 0.005;
    let b = 0.01 * (-v0 / 0.02).exp() / 0.005 + 1.0;
    let expected = -b / a + (v0 + b / a) * (a * dt).exp();
    assert!((x[0] - expected).abs() < 1e-15, "{} vs {expected}", x[0]);
    // A denominator holding v: v/(v + 1*volt) is linear with A = 1/(v + 1 volt).
    let (_, method) = simulate(
        "dv/dt = -v/(v + 1*volt)/ms : volt",
        Some("exponential_euler"),
        &[0.1],
        dt,
        1,
    );
    assert_eq!(method, "exponential_euler");
    // A polynomial power of v is not linear, as for sympy.
    assert!(
        method_error("dv/dt = -v**2/(volt*ms) : volt", Some("exponential_euler"))
            .contains("not linear in v")
    );
    assert!(method_error(
        "dv/dt = -v*v/(volt*ms) + v/ms : volt",
        Some("exponential_euler")
    )
    .contains("not linear"));
}
