//! Neuron-update benchmarks (not tests), timed in-process (build excluded), dt = 0.1 ms,
//! no synapses, so that the group's own step is all that is measured:
//! - refractoriness: 4000 CUBA neurons (exact integration), 1 s, with a threshold that is
//!   never reached (`silent`: no neuron is ever refractory) or one the neurons reach about
//!   every 50 ms (`firing`: about a tenth are refractory at any time), each without
//!   refractoriness, with `refractory: 5*ms`, with the same as the string `"5*ms"`, as a
//!   per-neuron parameter `"ref"`, and with `v` flagged `(unless refractory)`;
//! - noise: 20000 neurons, Euler, `dv/dt = (mu - v)/tau` with and without a
//!   `sigma*xi*tau**-0.5` term, 0.5 s: the update alone, and Brunel & Hakim's neuron
//!   (threshold, reset, 2 ms refractory, firing).
//!
//! Prints the minimum over `--reps N` runs (default 5) of ns per neuron per step, and the
//! cost of each variant relative to its baseline; `--scale x` multiplies the durations.
//!
//! Run with `cargo bench --bench neurons` (`-- refractory` or `-- noise` for one part).

use brian::network::*;
use brian::units::{lookup, Quantity};

fn q(x: f64, unit: &str) -> Quantity {
    let u = lookup(unit).unwrap();
    Quantity::new(x * u.value, u.dim)
}

const CUBA: &str = "dv/dt = (ge+gi-(v+49*mV))/(20*ms) : volt{flag}\ndge/dt = -ge/(5*ms) : volt\ndgi/dt = -gi/(10*ms) : volt{param}";

#[derive(Clone, Copy)]
enum Refractory {
    None,
    Time,
    String,
    Parameter,
    Unless,
}

/// 4000 neurons from `v` in [-60, -50) mV relaxing to -49 mV; `firing` puts the threshold
/// at -50 mV (reached), otherwise at 0 mV (never).
fn refractory_net(n: usize, firing: bool, r: Refractory) -> (Network, Values) {
    let flag = if matches!(r, Refractory::Unless) {
        " (unless refractory)"
    } else {
        ""
    };
    let param = if matches!(r, Refractory::Parameter) {
        "\nref : second"
    } else {
        ""
    };
    let model = CUBA.replace("{flag}", flag).replace("{param}", param);
    let mut spec = NeuronGroupSpec {
        n,
        model,
        threshold: Some(Threshold::Condition(
            if firing { "v > -50*mV" } else { "v > 0*mV" }.into(),
        )),
        reset: Some(Reset::Code("v = -60*mV".into())),
        name: "G".into(),
        ..Default::default()
    };
    match r {
        Refractory::None => {}
        Refractory::Time | Refractory::Unless => spec.refractory = Some(5e-3),
        Refractory::String => spec.refractory_code = Some("5*ms".into()),
        Refractory::Parameter => spec.refractory_code = Some("ref".into()),
    }
    let mut net = Network::new();
    net.seed(1);
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let ng = net.neurons_mut(g).unwrap();
    let kv = ng.var_index("v").unwrap();
    for (i, v) in ng.arrays[kv].iter_mut().enumerate() {
        *v = -0.06 + 0.01 * (i as f64 / n as f64);
    }
    if let Some(k) = ng.var_index("ref") {
        ng.arrays[k].fill(5e-3);
    }
    net.spike_monitors.push(SpikeMonitor::new(g, "M".into()));
    (net, Values::new())
}

/// The Euler update alone, or (`neuron`) Brunel & Hakim's neuron: threshold 20 mV, reset
/// 10 mV, refractory 2 ms, mean input above threshold.
fn noise_net(n: usize, noisy: bool, neuron: bool) -> (Network, Values) {
    let model = if noisy {
        "dv/dt = (mu - v)/tau + sigma*xi*tau**-0.5 : volt"
    } else {
        "dv/dt = (mu - v)/tau : volt"
    };
    let mut spec = NeuronGroupSpec {
        n,
        model: model.into(),
        method: Some("euler".into()),
        name: "G".into(),
        ..Default::default()
    };
    if neuron {
        spec.threshold = Some(Threshold::Condition("v > 20*mV".into()));
        spec.reset = Some(Reset::Code("v = 10*mV".into()));
        spec.refractory = Some(2e-3);
    }
    let mut net = Network::new();
    net.seed(1);
    net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let mut ns = Values::new();
    ns.insert("mu".into(), q(if neuron { 25.0 } else { 10.0 }, "mV"));
    ns.insert("tau".into(), q(20.0, "ms"));
    ns.insert("sigma".into(), q(5.0, "mV"));
    (net, ns)
}

/// The minimum over `reps` fresh networks of ns per neuron per step, and the spike rate.
fn time(reps: usize, n: usize, duration: f64, make: &dyn Fn() -> (Network, Values)) -> (f64, f64) {
    let mut best = f64::INFINITY;
    let mut rate = 0.0;
    for _ in 0..reps {
        let (mut net, ns) = make();
        let stats = net.run(duration, &ns).unwrap();
        best = best.min(stats.seconds * 1e9 / (n as f64 * stats.steps as f64));
        rate = stats.spikes as f64 / (n as f64 * duration);
    }
    (best, rate)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reps = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|k| args.get(k + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    // `--scale x` multiplies every run's duration (short runs, many repetitions: the
    // minimum is then less disturbed by other work on the machine).
    let scale: f64 = args
        .iter()
        .position(|a| a == "--scale")
        .and_then(|k| args.get(k + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(1.0);
    let only: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && a.parse::<f64>().is_err())
        .collect();
    let wanted = |m: &str| only.is_empty() || only.iter().any(|o| *o == m);
    println!("dt = 0.1 ms, minimum of {reps} runs");
    println!(
        "{:>28} {:>7} {:>8} {:>16} {:>9}",
        "model", "N", "rate", "ns/neuron/step", "ratio"
    );
    if wanted("refractory") {
        let n = 4000;
        for firing in [false, true] {
            let mut base = f64::NAN;
            for (name, r) in [
                ("none", Refractory::None),
                ("refractory 5*ms", Refractory::Time),
                ("refractory '5*ms'", Refractory::String),
                ("refractory 'ref'", Refractory::Parameter),
                ("(unless refractory)", Refractory::Unless),
            ] {
                let (per, rate) = time(reps, n, scale, &|| refractory_net(n, firing, r));
                if base.is_nan() {
                    base = per;
                }
                let label = format!("{} {name}", if firing { "firing" } else { "silent" });
                println!(
                    "{label:>28} {n:>7} {rate:>6.1}Hz {per:>16.3} {:>8.2}x",
                    per / base
                );
            }
        }
    }
    if wanted("noise") {
        let n = 20000;
        for (name, neuron) in [("euler", false), ("brunel-hakim neuron", true)] {
            let (plain, _) = time(reps, n, 0.5 * scale, &|| noise_net(n, false, neuron));
            let (noisy, rate) = time(reps, n, 0.5 * scale, &|| noise_net(n, true, neuron));
            println!("{name:>28} {n:>7} {:>8} {plain:>16.3} {:>8.2}x", "", 1.0);
            println!(
                "{:>28} {n:>7} {rate:>6.1}Hz {noisy:>16.3} {:>8.2}x",
                format!("{name} + xi"),
                noisy / plain
            );
        }
    }
}
