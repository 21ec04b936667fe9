//! Every integration method against problems with known solutions, through the library
//! API (a NeuronGroup in a Network, as a script would build it).
//!
//! Deterministic methods: the global error at t = T shrinks with dt at the method's order,
//! fitted over four time steps. Stochastic methods: moments of many seeded neurons against
//! the analytic ones, within a few standard errors.

use brian::network::*;
use brian::units::{lookup, Quantity};

fn q(v: f64, unit: &str) -> Quantity {
    let u = lookup(unit).unwrap();
    Quantity::new(v * u.value, u.dim)
}

/// The constants the test models use: tau = 10 ms, sigma = 0.5 (dimensionless).
fn namespace() -> Values {
    let mut ns = Values::new();
    ns.insert("tau".into(), q(10.0, "ms"));
    ns.insert("sigma".into(), Quantity::dimensionless(0.5));
    ns
}

/// A network with one group of `n` neurons and no threshold, seeded.
fn group(model: &str, n: usize, method: Option<&str>, dt: f64) -> Network {
    let mut net = Network::new();
    net.seed(2);
    net.set_default_dt(dt).unwrap();
    let spec = NeuronGroupSpec {
        n,
        model: model.into(),
        method: method.map(String::from),
        name: "G".into(),
        ..Default::default()
    };
    net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    net
}

const G: GroupRef = GroupRef {
    group: 0,
    start: 0,
    len: 0,
};

fn var<'a>(net: &'a Network, name: &str) -> &'a [f64] {
    let ng = net.neurons(G).unwrap();
    &ng.arrays[ng
        .var_index(name)
        .unwrap_or_else(|| panic!("no variable {name}"))]
}

fn set(net: &mut Network, name: &str, value: f64) {
    let ng = net.neurons_mut(G).unwrap();
    let k = ng.var_index(name).unwrap();
    ng.arrays[k].fill(value);
}

/// Integrates one neuron from `init` for `duration` seconds; the final values of `vars`.
fn integrate(
    model: &str,
    method: Option<&str>,
    init: &[(&str, f64)],
    dt: f64,
    duration: f64,
    vars: &[&str],
) -> Result<Vec<f64>, String> {
    let mut net = group(model, 1, method, dt);
    for (name, value) in init {
        set(&mut net, name, *value);
    }
    net.run(duration, &namespace()).map_err(|e| e.to_string())?;
    Ok(vars.iter().map(|v| var(&net, v)[0]).collect())
}

/// The least-squares slope of log(error) against log(dt).
fn order(dts: &[f64], errors: &[f64]) -> f64 {
    let xs: Vec<f64> = dts.iter().map(|d| d.ln()).collect();
    let ys: Vec<f64> = errors.iter().map(|e| e.ln()).collect();
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

/// A problem with a known solution: equations, initial values, the variables compared
/// and their exact values at T.
struct Problem {
    name: &'static str,
    model: &'static str,
    init: &'static [(&'static str, f64)],
    duration: f64,
    exact: fn(f64) -> Vec<f64>,
    vars: &'static [&'static str],
}

const TAU: f64 = 0.01;

/// dv/dt = -v/tau: v = exp(-t/tau).
const DECAY: Problem = Problem {
    name: "linear decay",
    model: "dv/dt = -v/tau : 1",
    init: &[("v", 1.0)],
    duration: 0.05,
    exact: |t| vec![(-t / TAU).exp()],
    vars: &["v"],
};

/// x'' = -x + cos(s) in s = t/tau, at resonance: x = cos s + (s/2) sin s from x = 1, y = 0.
/// Time enters the right side, so this checks the stage times of every method.
const DRIVEN_OSCILLATOR: Problem = Problem {
    name: "driven oscillator",
    model: "dx/dt = y/tau : 1\ndy/dt = (-x + cos(t/tau))/tau : 1",
    init: &[("x", 1.0), ("y", 0.0)],
    duration: 0.05,
    exact: |t| {
        let s = t / TAU;
        vec![
            s.cos() + 0.5 * s * s.sin(),
            -0.5 * s.sin() + 0.5 * s * s.cos(),
        ]
    },
    vars: &["x", "y"],
};

/// The logistic equation dv/dt = v(1-v)/tau: v = 1/(1 + (1/v0 - 1) exp(-t/tau)).
const LOGISTIC: Problem = Problem {
    name: "logistic",
    model: "dv/dt = v*(1-v)/tau : 1",
    init: &[("v", 0.1)],
    duration: 0.05,
    exact: |t| vec![1.0 / (1.0 + 9.0 * (-t / TAU).exp())],
    vars: &["v"],
};

/// dv/dt = (-v + sin(t/tau))/tau: linear in v with a time-varying input, which
/// exponential Euler freezes over a step. v = (sin s - cos s)/2 + 1.5 exp(-s) from v = 1.
const DRIVEN_DECAY: Problem = Problem {
    name: "driven decay",
    model: "dv/dt = (-v + sin(t/tau))/tau : 1",
    init: &[("v", 1.0)],
    duration: 0.05,
    exact: |t| {
        let s = t / TAU;
        vec![0.5 * (s.sin() - s.cos()) + 1.5 * (-s).exp()]
    },
    vars: &["v"],
};

/// Time steps dividing T = 50 ms exactly: 1, 0.5, 0.25, 0.125 ms.
const DTS: [f64; 4] = [1e-3, 5e-4, 2.5e-4, 1.25e-4];

/// The global errors at T (largest over the compared variables) for each dt.
fn errors(p: &Problem, method: &str) -> Vec<f64> {
    let exact = (p.exact)(p.duration);
    DTS.iter()
        .map(|&dt| {
            let got = integrate(p.model, Some(method), p.init, dt, p.duration, p.vars)
                .unwrap_or_else(|e| panic!("{} with {method}: {e}", p.name));
            got.iter()
                .zip(&exact)
                .map(|(g, e)| (g - e).abs())
                .fold(0.0, f64::max)
        })
        .collect()
}

fn check_order(p: &Problem, method: &str, expected: f64) {
    let errs = errors(p, method);
    let slope = order(&DTS, &errs);
    let shown: Vec<String> = errs.iter().map(|e| format!("{e:.2e}")).collect();
    println!(
        "{:>18} {method:>17}: order {slope:.2}, errors {shown:?}",
        p.name
    );
    assert!(
        (slope - expected).abs() <= 0.3,
        "{} with {method}: order {slope:.2}, expected {expected} (errors {shown:?} at dt {DTS:?})",
        p.name
    );
    // The errors shrink at every halving, not just on average.
    for w in errs.windows(2) {
        assert!(w[1] < w[0], "{} with {method}: errors {shown:?}", p.name);
    }
}

#[test]
fn euler_is_first_order() {
    for p in [&DECAY, &DRIVEN_OSCILLATOR, &LOGISTIC] {
        check_order(p, "euler", 1.0);
    }
}

#[test]
fn rk2_is_second_order() {
    for p in [&DECAY, &DRIVEN_OSCILLATOR, &LOGISTIC] {
        check_order(p, "rk2", 2.0);
    }
}

#[test]
fn rk4_is_fourth_order() {
    for p in [&DECAY, &DRIVEN_OSCILLATOR, &LOGISTIC] {
        check_order(p, "rk4", 4.0);
    }
}

/// Heun's deterministic part is the trapezoidal predictor-corrector (second order);
/// Milstein's is Euler's (first order).
#[test]
fn heun_and_milstein_without_noise_have_their_deterministic_orders() {
    for p in [&DECAY, &DRIVEN_OSCILLATOR, &LOGISTIC] {
        check_order(p, "heun", 2.0);
        check_order(p, "milstein", 1.0);
    }
}

/// Exponential Euler is first order where the input varies within a step (time, or other
/// variables: the oscillator's equations are not linear in their own variable, so it is
/// Euler there), and exact where the equation is linear with constant coefficients.
#[test]
fn exponential_euler_is_first_order_and_exact_on_linear_equations() {
    check_order(&DRIVEN_DECAY, "exponential_euler", 1.0);
    check_order(&DRIVEN_OSCILLATOR, "exponential_euler", 1.0);
    for dt in DTS {
        let got = integrate(
            "dv/dt = (2 - v)/tau : 1\ndw/dt = -3*w/tau : 1",
            Some("exponential_euler"),
            &[("v", -1.0), ("w", 1.0)],
            dt,
            0.05,
            &["v", "w"],
        )
        .unwrap();
        let (v, w) = (2.0 - 3.0 * (-5.0f64).exp(), (-15.0f64).exp());
        assert!((got[0] - v).abs() < 1e-12, "dt {dt}: v {} vs {v}", got[0]);
        assert!((got[1] - w).abs() < 1e-12, "dt {dt}: w {} vs {w}", got[1]);
    }
    let err = integrate(
        LOGISTIC.model,
        Some("exponential_euler"),
        LOGISTIC.init,
        1e-4,
        0.01,
        &["v"],
    )
    .unwrap_err();
    assert_eq!(
        err,
        "G: the method 'exponential_euler' cannot integrate these equations: dv/dt is not linear in v: the product '(v * (1 - v))' is not linear"
    );
}

/// The exact method is exact (to rounding) on linear systems with constant coefficients,
/// at any dt, and says why it does not apply otherwise.
#[test]
fn exact_is_exact_on_linear_systems_and_refuses_the_rest() {
    for dt in DTS {
        let got = integrate(DECAY.model, Some("exact"), DECAY.init, dt, 0.05, &["v"]).unwrap();
        assert!((got[0] - (-5.0f64).exp()).abs() < 1e-12, "dt {dt}: {got:?}");
        // The undriven oscillator: a rotation.
        let got = integrate(
            "dx/dt = y/tau : 1\ndy/dt = -x/tau : 1",
            Some("exact"),
            &[("x", 1.0), ("y", 0.0)],
            dt,
            0.05,
            &["x", "y"],
        )
        .unwrap();
        assert!(
            (got[0] - 5f64.cos()).abs() < 1e-12 && (got[1] + 5f64.sin()).abs() < 1e-12,
            "dt {dt}: {got:?}"
        );
        // The singular case: a constant rate.
        let got = integrate(
            "dv/dt = 3/tau : 1",
            Some("exact"),
            &[("v", 1.0)],
            dt,
            0.05,
            &["v"],
        )
        .unwrap();
        assert!((got[0] - 16.0).abs() < 1e-12, "dt {dt}: {got:?}");
    }
    let why = |p: &Problem| {
        integrate(p.model, Some("exact"), p.init, 1e-4, 0.01, p.vars)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        why(&DRIVEN_OSCILLATOR),
        "G: the method 'exact' cannot integrate these equations: dy/dt depends on 't', so its coefficients are not constant over a time step"
    );
    assert_eq!(
        why(&LOGISTIC),
        "G: the method 'exact' cannot integrate these equations: dv/dt is not linear: the product '(v * (1 - v))' is not linear"
    );
}

/// Brian 2's automatic choice: exact where it applies, then euler.
#[test]
fn automatic_choice_takes_exact_then_euler() {
    for (p, expected) in [
        (&DECAY, "exact"),
        (&DRIVEN_OSCILLATOR, "euler"),
        (&LOGISTIC, "euler"),
    ] {
        let mut net = group(p.model, 1, None, 1e-4);
        net.run(1e-3, &namespace()).unwrap();
        let (method, notes) = net.neurons(G).unwrap().method().unwrap();
        assert_eq!(method, expected, "{}: {notes:?}", p.name);
    }
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (
        m,
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0),
    )
}

/// An Ornstein-Uhlenbeck process dv/dt = -v/tau + sigma*xi*sqrt(2/tau) reaches its
/// stationary mean 0 and variance sigma**2 (here sigma = 0.5), from v = 0, with every
/// stochastic method (additive noise: all three agree).
#[test]
fn ornstein_uhlenbeck_reaches_its_stationary_moments() {
    let n = 10_000;
    for method in ["euler", "heun", "milstein"] {
        let mut net = group(
            "dv/dt = -v/tau + sigma*xi*sqrt(2/tau) : 1",
            n,
            Some(method),
            1e-4,
        );
        net.run(0.1, &namespace()).unwrap();
        let (m, v) = mean_var(var(&net, "v"));
        // Standard errors: 0.005 for the mean, 0.0035 for the variance (0.25*sqrt(2/n));
        // Euler-Maruyama's stationary variance is sigma**2/(1 - dt/(2 tau)) = 0.2506.
        assert!(m.abs() < 0.02, "{method}: mean {m}");
        assert!((v - 0.25).abs() < 0.015, "{method}: variance {v}");
    }
    // Without a method, the automatic choice takes Euler-Maruyama.
    let mut net = group("dv/dt = -v/tau + sigma*xi*sqrt(2/tau) : 1", 10, None, 1e-4);
    net.run(1e-3, &namespace()).unwrap();
    let (method, notes) = net.neurons(G).unwrap().method().unwrap();
    assert_eq!(method, "euler");
    assert_eq!(notes, ["exact: the equations are stochastic"]);
}

/// Multiplicative noise dv/dt = -v/tau + sigma*v*xi/sqrt(tau), v(0) = 1: in Ito's
/// reading (Milstein) E[v(t)] = exp(-t/tau); in Stratonovich's (Heun)
/// E[v(t)] = exp(-t/tau + sigma**2 t/(2 tau)). Euler-Maruyama refuses it.
#[test]
fn multiplicative_noise_has_ito_and_stratonovich_means() {
    let model = "dv/dt = -v/tau + sigma*v*xi/sqrt(tau) : 1";
    let n = 10_000;
    let t = 0.01;
    let ito = (-1.0f64).exp();
    let stratonovich = (-1.0f64 + 0.125).exp();
    for (method, expected) in [("milstein", ito), ("heun", stratonovich)] {
        let mut net = group(model, n, Some(method), 1e-4);
        set(&mut net, "v", 1.0);
        net.run(t, &namespace()).unwrap();
        let (m, v) = mean_var(var(&net, "v"));
        // Standard error of the mean: sqrt(var/n), about 0.002; the two means differ by 0.05.
        let se = (v / n as f64).sqrt();
        assert!(
            (m - expected).abs() < 4.0 * se + 2e-3,
            "{method}: mean {m}, expected {expected} (standard error {se})"
        );
    }
    let mut net = group(model, 1, Some("euler"), 1e-4);
    let err = net.run(t, &namespace()).unwrap_err().to_string();
    assert_eq!(
        err,
        "G: the method 'euler' cannot integrate these equations: the noise term of dv/dt depends on 'v' (multiplicative noise): use 'heun' or 'milstein'"
    );
    // The automatic choice skips Euler and takes Heun, as Brian 2 does.
    let mut net = group(model, 1, None, 1e-4);
    net.run(1e-3, &namespace()).unwrap();
    let (method, _) = net.neurons(G).unwrap().method().unwrap();
    assert_eq!(method, "heun");
}

/// Named noise terms: the same name is the same noise wherever it appears, different
/// names are independent.
#[test]
fn named_noise_terms_are_shared_by_name_and_independent_otherwise() {
    let model = "dv/dt = -v/tau + sigma*xi_a*sqrt(2/tau) : 1
                 dw/dt = -w/tau + sigma*xi_a*sqrt(2/tau) : 1
                 du/dt = -u/tau + sigma*xi_b*sqrt(2/tau) : 1";
    let n = 10_000;
    let mut net = group(model, n, Some("euler"), 1e-4);
    net.run(0.05, &namespace()).unwrap();
    let (v, w, u) = (var(&net, "v"), var(&net, "w"), var(&net, "u"));
    assert_eq!(v, w, "the same noise xi_a drives v and w");
    let (_, var_v) = mean_var(v);
    let (_, var_u) = mean_var(u);
    assert!((var_v - 0.25).abs() < 0.015 && (var_u - 0.25).abs() < 0.015);
    let cov: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum::<f64>() / n as f64;
    let corr = cov / (var_v * var_u).sqrt();
    assert!(
        corr.abs() < 0.04,
        "xi_a and xi_b are independent: correlation {corr}"
    );
}

// The equation language, feature by feature, through a NeuronGroup.

/// One step of Euler with dt = 1 s from v = 0 gives `v = F` for `dv/dt = F/second`: every
/// function and power evaluated inside an equation, against Rust's own.
#[test]
fn every_function_and_power_works_in_equations() {
    let x = 0.3f64;
    let exprel = |x: f64| x.exp_m1() / x;
    let cases: Vec<(&str, f64)> = vec![
        ("exp(x)", x.exp()),
        ("log(x)", x.ln()),
        ("log10(x)", x.log10()),
        ("sqrt(x)", x.sqrt()),
        ("abs(-x)", x),
        ("sign(-x)", -1.0),
        ("sign(x - x)", 0.0),
        ("sin(x)", x.sin()),
        ("cos(x)", x.cos()),
        ("tan(x)", x.tan()),
        ("sinh(x)", x.sinh()),
        ("cosh(x)", x.cosh()),
        ("tanh(x)", x.tanh()),
        ("arcsin(x)", x.asin()),
        ("arccos(x)", x.acos()),
        ("arctan(x)", x.atan()),
        ("exprel(x)", exprel(x)),
        ("exprel(x - x)", 1.0),
        ("expm1(x)", x.exp_m1()),
        ("log1p(x)", x.ln_1p()),
        ("clip(x, 0.4, 1)", 0.4),
        ("clip(x, -1, 0.2)", 0.2),
        ("floor(-x)", -1.0),
        ("ceil(x)", 1.0),
        ("int(-7*x)", -2.0),
        ("int(7*x)", 2.0),
        ("timestep(t + 3*dt, dt)", 3.0),
        ("x**2", x * x),
        ("x**3", x * x * x),
        ("x**-2", 1.0 / (x * x)),
        ("x**0.5", x.sqrt()),
        ("x**-0.5", 1.0 / x.sqrt()),
        ("2**x", 2f64.powf(x)),
        ("(x*mV)**2/mV**2", x * x),
        ("(x*ms)**0.5/ms**0.5", x.sqrt()),
        ("(x*mV)**-1*mV", 1.0 / x),
        ("sqrt(x*x*mV*mV)/mV", x),
        ("abs(-x*mV)/mV", x),
        ("clip(x*mV, 0*mV, 1*mV)/mV", x),
        ("floor(10*x*mV/mV)", 3.0),
        (".5*x + 1.*x", 1.5 * x),
        ("pi*x", std::f64::consts::PI * x),
        ("True*x + False", x),
        ("(x > 0.2) + (x < 0.2)*10 + (x >= 0.3) + (x != 0.3)", 2.0),
        (
            "(x > 0.2 and x < 0.4) + (not x > 0.2) + (x > 0.5 or x < 0.4)",
            2.0,
        ),
        ("x % 0.2", x % 0.2),
        ("x // 0.2", 1.0),
    ];
    for (f, expected) in cases {
        let model = format!("dv/dt = ({f})/second : 1\nx : 1");
        let mut net = group(&model, 1, Some("euler"), 1.0);
        set(&mut net, "x", x);
        net.run(1.0, &namespace())
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        let got = var(&net, "v")[0];
        assert!(
            (got - expected).abs() <= 4.0 * f64::EPSILON * expected.abs().max(1.0),
            "{f}: {got} vs {expected}"
        );
    }
}

/// rand() and randn() draw per neuron and per step, seeded.
#[test]
fn random_functions_draw_per_neuron() {
    let n = 20_000;
    let mut net = group(
        "du/dt = rand()/second : 1\ndz/dt = randn()/second : 1",
        n,
        Some("euler"),
        1.0,
    );
    net.run(1.0, &namespace()).unwrap();
    let (mu, vu) = mean_var(var(&net, "u"));
    let (mz, vz) = mean_var(var(&net, "z"));
    assert!(var(&net, "u").iter().all(|u| (0.0..1.0).contains(u)));
    assert!(
        (mu - 0.5).abs() < 0.01 && (vu - 1.0 / 12.0).abs() < 0.003,
        "{mu} {vu}"
    );
    assert!(mz.abs() < 0.03 && (vz - 1.0).abs() < 0.04, "{mz} {vz}");
    let again = {
        let mut net = group(
            "du/dt = rand()/second : 1\ndz/dt = randn()/second : 1",
            n,
            Some("euler"),
            1.0,
        );
        net.run(1.0, &namespace()).unwrap();
        var(&net, "u").to_vec()
    };
    assert_eq!(
        again,
        var(&net, "u"),
        "the same seed draws the same numbers"
    );
}

/// `i`, `N` and `dt` in equations; boolean and integer variables; (constant), (shared).
#[test]
fn special_names_and_variable_types_work_in_equations() {
    let model = "dv/dt = (i - v)/tau : 1
                 dw/dt = (N - w)/tau : 1
                 dy/dt = dt/tau**2 : 1
                 dz/dt = (active*k - z)/tau : 1
                 active : boolean (constant)
                 k : integer (constant)
                 drive : 1 (shared)
                 dd/dt = (drive - d)/tau : 1";
    let n = 5;
    let mut net = group(model, n, None, 1e-4);
    {
        let ng = net.neurons_mut(G).unwrap();
        let (ka, kk, kd) = (
            ng.var_index("active").unwrap(),
            ng.var_index("k").unwrap(),
            ng.var_index("drive").unwrap(),
        );
        ng.arrays[ka] = vec![1.0, 0.0, 1.0, 0.0, 1.0];
        ng.arrays[kk] = vec![3.0, 3.0, -2.0, 7.0, 0.0];
        ng.arrays[kd].fill(2.5);
    }
    net.run(0.5, &namespace()).unwrap();
    let (method, _) = net.neurons(G).unwrap().method().unwrap();
    assert_eq!(
        method, "exact",
        "i, N, dt and parameters are constant over a step"
    );
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
    assert!(
        close(var(&net, "v"), &[0.0, 1.0, 2.0, 3.0, 4.0]),
        "{:?}",
        var(&net, "v")
    );
    assert!(close(var(&net, "w"), &[5.0; 5]));
    // y grows by dt**2/tau**2 per step: 5000 steps.
    assert!((var(&net, "y")[0] - 5000.0 * 1e-4 * 1e-4 / 1e-4).abs() < 1e-9);
    assert!(
        close(var(&net, "z"), &[3.0, 0.0, -2.0, 0.0, 0.0]),
        "{:?}",
        var(&net, "z")
    );
    assert!(close(var(&net, "d"), &[2.5; 5]));
}

/// `not_refractory` and `lastspike` in equations. dv/dt = 1/ms from 0 with dt = 0.125 ms
/// crosses v > 1 at the 9th update: spikes at steps 8, 24, 40, 56, 72 (a 2 ms refractory
/// period is 16 steps, and v keeps integrating meanwhile). w counts the non-refractory
/// steps (9 before the first spike, then one per period), u the steps less than 1 ms after
/// a spike (7 per spike).
#[test]
fn refractoriness_names_work_in_equations() {
    let model = "dv/dt = 1/ms : 1
                 dw/dt = not_refractory/ms : 1
                 du/dt = (t - lastspike < 1*ms)/ms : 1";
    let mut net = Network::new();
    net.set_default_dt(1.25e-4).unwrap();
    let spec = NeuronGroupSpec {
        n: 1,
        model: model.into(),
        threshold: Some(Threshold::Condition("v > 1".into())),
        reset: Some(Reset::Code("v = 0".into())),
        refractory: Some(2e-3),
        method: Some("euler".into()),
        name: "G".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    net.spike_monitors.push(SpikeMonitor::new(g, "M".into()));
    net.run(0.01, &namespace()).unwrap();
    let steps: Vec<i64> = net.spike_monitors[0].spike_trains()[0]
        .iter()
        .map(|t| (t / 1.25e-4).round() as i64)
        .collect();
    assert_eq!(steps, [8, 24, 40, 56, 72]);
    assert!(
        (var(&net, "w")[0] - 13.0 * 0.125).abs() < 1e-9,
        "w = {}",
        var(&net, "w")[0]
    );
    assert!(
        (var(&net, "u")[0] - 35.0 * 0.125).abs() < 1e-9,
        "u = {}",
        var(&net, "u")[0]
    );
    // lastspike makes the exact method inapplicable, with a reason.
    let mut net = group("dv/dt = lastspike/second**2 : 1", 1, Some("exact"), 1e-4);
    let err = net.run(1e-3, &namespace()).unwrap_err().to_string();
    assert!(
        err.ends_with(
            "dv/dt depends on 'lastspike', so its coefficients are not constant over a time step"
        ),
        "{err}"
    );
}

/// A subexpression flagged (constant over dt) is evaluated once, at the start of the step,
/// and every stage of a multi-stage method reads that value: with r = t, RK4 integrates
/// dv/dt = r/second**2 as the left Riemann sum dt**2 * n(n-1)/2 instead of t**2/2.
#[test]
fn constant_over_dt_subexpressions_are_evaluated_once_per_step() {
    let n = 100.0;
    for (flag, expected) in [
        ("", 0.5 * n * n),
        (" (constant over dt)", 0.5 * n * (n - 1.0)),
    ] {
        for method in ["rk2", "rk4", "heun", "euler", "exponential_euler", "exact"] {
            let model = format!("dv/dt = r/second**2 : 1\nr = t : second{flag}");
            let mut net = group(&model, 1, Some(method), 1e-3);
            let result = net.run(0.1, &namespace());
            if flag.is_empty() && method == "exact" {
                assert!(result.is_err(), "exact cannot integrate t");
                continue;
            }
            result.unwrap_or_else(|e| panic!("{method}{flag}: {e}"));
            let first_order = matches!(method, "euler" | "exponential_euler");
            let expected = if first_order {
                0.5 * n * (n - 1.0)
            } else {
                expected
            };
            let got = var(&net, "v")[0] / 1e-6;
            assert!(
                (got - expected).abs() < 1e-6,
                "{method}{flag}: {got} vs {expected}"
            );
        }
    }
    // Random numbers constant over dt are drawn once per step, not once per stage:
    // RK4's weighted stages then add up to one draw (variance 1, not 10/36).
    let model = "dv/dt = r/second : 1\nr = randn() : 1 (constant over dt)";
    let mut net = group(model, 20_000, Some("rk4"), 1.0);
    net.run(1.0, &namespace()).unwrap();
    let (_, v) = mean_var(var(&net, "v"));
    assert!((v - 1.0).abs() < 0.04, "variance {v}");
}
