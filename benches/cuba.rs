//! CUBA benchmark (not a test): the random-network demo at N = 4000, 16000, 64000 neurons
//! with 80 synapses per neuron, timed in-process (build excluded), 1 s of biological time
//! (0.25 s for the largest). Prints ns per neuron per step and the kernel cost.
//!
//! Run with `cargo bench --bench cuba`.

use brian::network::*;
use brian::units::{lookup, Quantity};
use rand::Rng;

const EQS: &str = "dv/dt = (ge+gi-(v+49*mV))/(20*ms) : volt\ndge/dt = -ge/(5*ms) : volt\ndgi/dt = -gi/(10*ms) : volt";

fn mv(x: f64) -> Quantity {
    let u = lookup("mV").unwrap();
    Quantity::new(x * u.value, u.dim)
}

fn cuba(n: usize, seed: u64) -> Network {
    let mut net = Network::new();
    net.seed(seed);
    let spec = NeuronGroupSpec {
        n,
        model: EQS.into(),
        threshold: Some(Threshold::Value(mv(-50.0))),
        reset: Some(Reset::Value(mv(-60.0))),
        name: "P".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let ng = net.neurons_mut(g).unwrap();
    let kv = ng.var_index("v").unwrap();
    let values: Vec<f64> = (0..n)
        .map(|_| -0.06 + 0.01 * net.rng.random::<f64>())
        .collect();
    net.neurons_mut(g).unwrap().arrays[kv] = values;
    let p = 80.0 / n as f64;
    let ne = n * 4 / 5;
    for (start, len, var, w) in [(0, ne, "ge", 1.62e-3), (ne, n - ne, "gi", -9e-3)] {
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
            0,
            var.into(),
        ));
    }
    net.spike_monitors.push(SpikeMonitor::new(g, "M".into()));
    net
}

fn main() {
    println!("CUBA benchmark: exact integration, 80 synapses per neuron, dt = 0.1 ms");
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>16}",
        "N", "sim time", "wall time", "rate", "ns/neuron/step"
    );
    for (n, duration) in [(4000usize, 1.0), (16000, 1.0), (64000, 0.25)] {
        let mut net = cuba(n, 1);
        let stats = net.run(duration, &Values::new()).unwrap();
        let rate = stats.spikes as f64 / (n as f64 * duration);
        let ns = stats.seconds * 1e9 / (n as f64 * stats.steps as f64);
        println!(
            "{n:>8} {duration:>9}s {:>11.3}s {rate:>8.2}Hz {ns:>16.2}",
            stats.seconds
        );
    }
}
