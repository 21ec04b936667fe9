//! Network benchmarks (not tests), timed in-process (build excluded), dt = 0.1 ms:
//! - CUBA, the random-network demo at N = 4000, 16000, 64000 neurons with 80 synapses per
//!   neuron, exact integration, 1 s of biological time (0.25 s for the largest);
//! - COBA, Brette et al. (2007)'s benchmark 1 (Vogels & Abbott) at N = 4000, 80
//!   synapses per neuron, Euler, 5 ms refractory, 1 s;
//! - COBAHH, the Hodgkin-Huxley network demo at N = 4000 (80 synapses per neuron),
//!   exponential Euler, 1 s.
//!
//! Prints ns per neuron per step, the state-update kernel's instructions per neuron, and
//! the ratio of COBAHH's cost to CUBA's against the ratio of their instruction counts.
//!
//! Run with `cargo bench --bench cuba` (`-- cobahh`, `-- coba` or `-- cuba` for one model).

use brian::equations::parse_equations;
use brian::eval::compile_statements;
use brian::integrate::{state_update, Context};
use brian::network::namespace::GroupNamespace;
use brian::network::*;
use brian::units::{lookup, Quantity};
use rand::Rng;
use rand_distr::StandardNormal;

const CUBA_EQS: &str = "dv/dt = (ge+gi-(v+49*mV))/(20*ms) : volt\ndge/dt = -ge/(5*ms) : volt\ndgi/dt = -gi/(10*ms) : volt";

/// Brian 1's COBAHH demo (scripts/coba_hh.rhai), constants written in.
const COBAHH_EQS: &str = "
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpham*(1-m)-betam*m : 1
dn/dt = alphan*(1-n)-betan*n : 1
dh/dt = alphah*(1-h)-betah*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpham = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
betam = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alphah = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
betah = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alphan = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
betan = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
";

fn q(x: f64, unit: &str) -> Quantity {
    let u = lookup(unit).unwrap();
    Quantity::new(x * u.value, u.dim)
}

fn cobahh_namespace() -> Values {
    let area = 20000e-12; // 20000 umetre**2
    let mut ns = Values::new();
    for (name, value, unit) in [
        ("Cm", 1e-2 * area, "farad"),         // 1 ufarad/cm**2
        ("gl", 5e-5 * 1e4 * area, "siemens"), // 5e-5 siemens/cm**2
        ("g_na", 100e-3 * 1e4 * area, "siemens"),
        ("g_kd", 30e-3 * 1e4 * area, "siemens"),
        ("El", -60.0, "mV"),
        ("EK", -90.0, "mV"),
        ("ENa", 50.0, "mV"),
        ("VT", -63.0, "mV"),
        ("Ee", 0.0, "mV"),
        ("Ei", -80.0, "mV"),
        ("taue", 5.0, "ms"),
        ("taui", 10.0, "ms"),
    ] {
        ns.insert(name.into(), q(value, unit));
    }
    ns
}

/// Instructions per neuron of the state update that the network compiles for `eqs`.
fn update_instructions(eqs: &str, method: Option<&str>, ns: &Values) -> usize {
    let eqs = parse_equations(eqs).unwrap();
    let arrays: Vec<String> = eqs.state_variables().map(|e| e.name.clone()).collect();
    let gns = GroupNamespace {
        eqs: &eqs,
        arrays: &arrays,
        n: 1,
        dt: 1e-4,
        externals: ns,
    };
    let ctx = Context {
        eqs: &eqs,
        ns: &gns,
        held: Vec::new(),
    };
    let su = state_update(&ctx, method).unwrap();
    compile_statements(&su.code, &|n: &str| gns.bind(n))
        .unwrap()
        .len()
}

/// A group of `n` with 3200:800 excitatory:inhibitory random connections, 80 per neuron.
fn network(
    n: usize,
    spec: NeuronGroupSpec,
    weights: (f64, f64),
    init: impl Fn(&mut NeuronGroup, &mut rand::rngs::SmallRng),
    seed: u64,
) -> Network {
    let mut net = Network::new();
    net.seed(seed);
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let mut rng = net.rng.clone();
    init(net.neurons_mut(g).unwrap(), &mut rng);
    net.rng = rng;
    let p = 80.0 / n as f64;
    let ne = n * 4 / 5;
    for (start, len, var, w) in [(0, ne, "ge", weights.0), (ne, n - ne, "gi", weights.1)] {
        let src = GroupRef {
            group: 0,
            start,
            len,
        };
        let weights =
            random_rows(len, n, p, &mut WeightFn::Constant(w), &mut net.rng, None).unwrap();
        let k = net.neurons(g).unwrap().var_index(var).unwrap();
        net.connections.push(Connection::new(
            src,
            g,
            k,
            var.into(),
            weights,
            ConnectionDelay::Homogeneous(0.0),
            var.into(),
        ));
    }
    net.spike_monitors.push(SpikeMonitor::new(g, "M".into()));
    net
}

fn cuba(n: usize, seed: u64) -> Network {
    let spec = NeuronGroupSpec {
        n,
        model: CUBA_EQS.into(),
        threshold: Some(Threshold::Value(q(-50.0, "mV"))),
        reset: Some(Reset::Value(q(-60.0, "mV"))),
        name: "P".into(),
        ..Default::default()
    };
    let init = |ng: &mut NeuronGroup, rng: &mut rand::rngs::SmallRng| {
        let kv = ng.var_index("v").unwrap();
        for v in &mut ng.arrays[kv] {
            *v = -0.06 + 0.01 * rng.random::<f64>();
        }
    };
    network(n, spec, (1.62e-3, -9e-3), init, seed)
}

/// Brette et al. (2007)'s benchmark 1, COBA (Vogels & Abbott), as in Brian 2's
/// benchmarks: conductance-based, Euler, 5 ms refractory, v flagged (unless refractory).
const COBA_EQS: &str = "dv/dt = (ge*(0*mV-v) + gi*(-80*mV-v) - (v + 60*mV) + 20*mV)/(20*ms) : volt (unless refractory)\ndge/dt = -ge/(5*ms) : 1\ndgi/dt = -gi/(10*ms) : 1";

fn coba(n: usize, seed: u64) -> Network {
    let spec = NeuronGroupSpec {
        n,
        model: COBA_EQS.into(),
        threshold: Some(Threshold::Condition("v > -50*mV".into())),
        reset: Some(Reset::Code("v = -60*mV".into())),
        refractory: Some(5e-3),
        method: Some("euler".into()),
        name: "P".into(),
        ..Default::default()
    };
    let init = |ng: &mut NeuronGroup, rng: &mut rand::rngs::SmallRng| {
        let kv = ng.var_index("v").unwrap();
        for v in &mut ng.arrays[kv] {
            *v = -0.06 + 0.01 * rng.random::<f64>();
        }
    };
    network(n, spec, (0.6, 6.7), init, seed)
}

fn cobahh(n: usize, seed: u64) -> Network {
    let spec = NeuronGroupSpec {
        n,
        model: COBAHH_EQS.into(),
        threshold: Some(Threshold::Empirical {
            threshold: q(-20.0, "mV"),
            refractory: 3e-3,
        }),
        method: Some("exponential_euler".into()),
        name: "P".into(),
        ..Default::default()
    };
    let init = |ng: &mut NeuronGroup, rng: &mut rand::rngs::SmallRng| {
        let mut randn = || rng.sample::<f64, _>(StandardNormal);
        for (var, f) in [
            (
                "v",
                &mut (|z: f64| -60e-3 + (z * 5.0 - 5.0) * 1e-3) as &mut dyn FnMut(f64) -> f64,
            ),
            ("ge", &mut |z: f64| (z * 1.5 + 4.0) * 10e-9),
            ("gi", &mut |z: f64| (z * 12.0 + 20.0) * 10e-9),
        ] {
            let k = ng.var_index(var).unwrap();
            for x in &mut ng.arrays[k] {
                *x = f(randn());
            }
        }
    };
    network(n, spec, (6e-9, 67e-9), init, seed)
}

/// Runs and prints one row; returns ns per neuron per step.
fn row(name: &str, mut net: Network, n: usize, duration: f64, ns: &Values) -> f64 {
    let stats = net.run(duration, ns).unwrap();
    let rate = stats.spikes as f64 / (n as f64 * duration);
    let per = stats.seconds * 1e9 / (n as f64 * stats.steps as f64);
    println!(
        "{name:>8} {n:>8} {duration:>9}s {:>11.3}s {rate:>8.2}Hz {per:>16.2}",
        stats.seconds
    );
    per
}

fn main() {
    println!("dt = 0.1 ms, 80 synapses per neuron");
    println!(
        "{:>8} {:>8} {:>10} {:>12} {:>10} {:>16}",
        "model", "N", "sim time", "wall time", "rate", "ns/neuron/step"
    );
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |m: &str| only.is_empty() || only.iter().any(|o| o == m);
    let none = Values::new();
    let mut cuba_4000 = f64::NAN;
    let sizes: &[(usize, f64)] = if wanted("cuba") {
        &[(4000, 1.0), (16000, 1.0), (64000, 0.25)]
    } else {
        &[]
    };
    for &(n, duration) in sizes {
        let per = row("CUBA", cuba(n, 1), n, duration, &none);
        if n == 4000 {
            cuba_4000 = per;
        }
    }
    if wanted("coba") {
        row("COBA", coba(4000, 1), 4000, 1.0, &none);
    }
    let ns = cobahh_namespace();
    let hh = if wanted("cobahh") {
        row("COBAHH", cobahh(4000, 1), 4000, 1.0, &ns)
    } else {
        f64::NAN
    };
    let ops_cuba = update_instructions(CUBA_EQS, None, &none);
    let ops_hh = update_instructions(COBAHH_EQS, Some("exponential_euler"), &ns);
    println!(
        "state update: CUBA {ops_cuba} instructions per neuron (exact), COBAHH {ops_hh} (exponential Euler)"
    );
    println!(
        "COBAHH / CUBA at N = 4000: {:.1}x the time per neuron per step, {:.1}x the instructions",
        hh / cuba_4000,
        ops_hh as f64 / ops_cuba as f64
    );
}
