//! A Rust program can build everything a script builds, with the library alone (no Rhai):
//! the same models built through `brian::network` and through scripts give the same
//! synapses, delays and spike trains, bit for bit, for the same seed (the same random
//! numbers drawn in the same order).

mod common;

use brian::network::namespace::TimedArray;
use brian::network::{
    ConnectionDelay, ConnectionDelaySpec, ConnectionSpec, Group, GroupRef, Network, NeuronGroup,
    NeuronGroupSpec, PairValue, Reset, SpikeGeneratorGroup, SpikeMonitor, Threshold, Values,
};
use brian::units::{Dimension, Quantity, QuantityArray};
use rand::Rng;

const MV: f64 = 1e-3;
const MS: f64 = 1e-3;
const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

fn volts(v: f64) -> Quantity {
    Quantity::new(v, VOLT)
}

fn seconds(t: f64) -> Quantity {
    Quantity::new(t, Dimension::TIME)
}

fn sub(g: GroupRef, start: usize, len: usize) -> GroupRef {
    GroupRef {
        group: g.group,
        start: g.start + start,
        len,
    }
}

fn spikes(net: &Network, m: usize) -> (Vec<u32>, Vec<f64>) {
    let m = &net.spike_monitors[m];
    (m.i.to_vec(), m.t.to_vec())
}

/// scripts/random_network.rhai (Brian's CUBA benchmark) through the Rust API.
fn cuba_in_rust(seed: u64) -> Network {
    let mut net = Network::new();
    net.seed(seed);
    let ns = Values::new();
    let spec = NeuronGroupSpec {
        n: 4000,
        model: "dv/dt  = (ge+gi-(v+49*mV))/(20*ms) : volt
                dge/dt = -ge/(5*ms) : volt
                dgi/dt = -gi/(10*ms) : volt"
            .into(),
        threshold: Some(Threshold::Value(volts(-50.0 * MV))),
        reset: Some(Reset::Value(volts(-60.0 * MV))),
        name: "neurongroup".into(),
        ..Default::default()
    };
    let p = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    // P.v = -60*mV + 10*mV*rand(len(P))
    let v: Vec<f64> = (0..4000)
        .map(|_| -60.0 * MV + 10.0 * MV * net.rng.random::<f64>())
        .collect();
    let v = brian::network::Assigned::Values(QuantityArray::new(v, VOLT));
    net.set_group_values(p, "v", &v, &ns).unwrap();
    let (pe, pi) = (sub(p, 0, 3200), sub(p, 3200, 800));
    for (src, var, w, name) in [
        (pe, "ge", 1.62 * MV, "connection"),
        (pi, "gi", -9.0 * MV, "connection_1"),
    ] {
        let mut c = ConnectionSpec::new(src, p, name);
        c.var = Some(var.into());
        c.weight = Some(PairValue::Quantity(volts(w)));
        c.sparseness = Some(0.02);
        net.add_connection(c, &ns).unwrap();
    }
    net.spike_monitors
        .push(SpikeMonitor::new(p, "spikemonitor".into()));
    net.run(1.0, &ns).unwrap();
    net
}

#[test]
fn cuba_built_in_rust_equals_the_script() {
    let seed = 7;
    let rust = cuba_in_rust(seed);
    let source = std::fs::read_to_string("scripts/random_network.rhai").unwrap();
    let mut s = common::session("core-api-cuba", seed);
    let _ = s
        .eval(&source, Some("scripts/random_network.rhai"))
        .unwrap_or_else(|e| panic!("{}", e.render("random_network.rhai", &source)));
    let st = s.state.borrow();
    let script = &st.net;
    assert_eq!(rust.connections.len(), 2);
    for (a, b) in rust.connections.iter().zip(&script.connections) {
        assert_eq!(a.weights, b.weights, "{}", a.name);
        assert_eq!(a.target_var_name, b.target_var_name);
    }
    let (ri, rt) = spikes(&rust, 0);
    let (si, stt) = spikes(script, 0);
    // About 6 Hz over 4000 neurons and 1 s (tests/scripts.rs checks it against Brian 2).
    assert!(ri.len() > 10_000, "{} spikes", ri.len());
    assert_eq!(ri, si);
    assert_eq!(rt, stt);
}

/// A model using the rest of what the script layer builds: a TimedArray-driven group,
/// a PulsePacket and a SpikeGeneratorGroup onto it through Connections with string
/// weights (one calling `rand()`), random per-synapse delays and a closure delay.
const MIXED: &str = r#"
let I_ext = TimedArray([0*mV, 15*mV, 25*mV, 5*mV], 10*ms);
let G = NeuronGroup(50, "dv/dt = (I_ext(t) - v)/(10*ms) : volt",
                    #{ threshold: "v > 10*mV", reset: "v = 0*mV" });
let PP = PulsePacket(5*ms, 20, 2*ms);
let SG = SpikeGeneratorGroup(3, [0, 1, 2, 1], [1*ms, 4*ms, 8*ms, 12*ms]);
let C1 = Connection(PP, G, "v", #{ weight: "(1 + 0.1*j)*mV", sparseness: 0.3,
                                   delay: [1*ms, 3*ms] });
let C2 = Connection(SG, G, "v", #{ weight: "4*mV*rand()", delay: |i, j| (i + 1)*ms });
let M = SpikeMonitor(G);
let MP = SpikeMonitor(PP);
run(40*ms);
"#;

fn mixed_in_rust(seed: u64) -> Network {
    let mut net = Network::new();
    net.seed(seed);
    let mut ns = Values::new();
    let table = QuantityArray::new(vec![0.0, 15.0 * MV, 25.0 * MV, 5.0 * MV], VOLT);
    ns.timed_arrays.insert(
        "I_ext".into(),
        TimedArray::from_values(&table, 10.0 * MS).unwrap(),
    );
    let spec = NeuronGroupSpec {
        n: 50,
        model: "dv/dt = (I_ext(t) - v)/(10*ms) : volt".into(),
        threshold: Some(Threshold::Condition("v > 10*mV".into())),
        reset: Some(Reset::Code("v = 0*mV".into())),
        name: "neurongroup".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let pp = net.add_pulse_packet(5.0 * MS, 20, 2.0 * MS, "pulsepacket".into());
    let times = QuantityArray::new(
        vec![1.0 * MS, 4.0 * MS, 8.0 * MS, 12.0 * MS],
        Dimension::TIME,
    );
    let sg = SpikeGeneratorGroup::from_arrays(3, &[0, 1, 2, 1], &times, 0.0, "sg".into()).unwrap();
    let sg = net.add_group(Group::Generator(sg));

    let mut c1 = ConnectionSpec::new(pp, g, "connection");
    c1.var = Some("v".into());
    c1.weight = Some(PairValue::Code("(1 + 0.1*j)*mV".into()));
    c1.sparseness = Some(0.3);
    c1.delay = Some(ConnectionDelaySpec::Uniform(QuantityArray::new(
        vec![1.0 * MS, 3.0 * MS],
        Dimension::TIME,
    )));
    net.add_connection(c1, &ns).unwrap();

    let mut c2 = ConnectionSpec::new(sg, g, "connection_1");
    c2.var = Some("v".into());
    c2.weight = Some(PairValue::Code("4*mV*rand()".into()));
    c2.delay = Some(ConnectionDelaySpec::PerPair(PairValue::function(|i, _| {
        Ok(seconds((i + 1) as f64 * MS))
    })));
    net.add_connection(c2, &ns).unwrap();

    net.spike_monitors.push(SpikeMonitor::new(g, "m".into()));
    net.spike_monitors.push(SpikeMonitor::new(pp, "mp".into()));
    net.run(0.04, &ns).unwrap();
    net
}

fn delays(net: &Network, c: usize) -> Vec<f64> {
    match &net.connections[c].delay {
        ConnectionDelay::PerSynapse(d) => d.clone(),
        ConnectionDelay::Homogeneous(d) => panic!("one delay {d} for all synapses"),
    }
}

#[test]
fn timed_array_pulse_packet_generator_and_random_delays_equal_the_script() {
    for seed in [1, 2] {
        let rust = mixed_in_rust(seed);
        let mut s = common::session("core-api-mixed", seed);
        common::exec(&mut s, MIXED);
        let st = s.state.borrow();
        let script = &st.net;
        for c in 0..2 {
            assert_eq!(
                rust.connections[c].weights, script.connections[c].weights,
                "connection {c}, seed {seed}"
            );
            assert_eq!(delays(&rust, c), delays(script, c), "connection {c}");
        }
        // The random delays lie in [1, 3) ms, the closure's are i + 1 ms.
        let d = delays(&rust, 0);
        assert!(!d.is_empty() && d.iter().all(|&x| (1.0 * MS..3.0 * MS).contains(&x)));
        assert!(d.iter().any(|&x| x != d[0]), "the delays are not drawn");
        let w = rust.connections[1].weights.data();
        assert_eq!(w.len(), 150);
        assert!(w.iter().all(|&x| (0.0..4.0 * MV).contains(&x)));
        for m in 0..2 {
            let (ri, rt) = spikes(&rust, m);
            let (si, stt) = spikes(script, m);
            assert!(!ri.is_empty(), "monitor {m} recorded nothing");
            assert_eq!(ri, si, "monitor {m}, seed {seed}");
            assert_eq!(rt, stt, "monitor {m}, seed {seed}");
        }
        // The TimedArray drives the group: 25 mV from 20 ms crosses the 10 mV threshold.
        let (_, t) = spikes(&rust, 0);
        assert!(t.iter().any(|&x| (20.0 * MS..30.0 * MS).contains(&x)));
    }
}

#[test]
fn the_core_checks_what_it_is_given() {
    let mut net = Network::new();
    let ns = Values::new();
    let spec = NeuronGroupSpec {
        n: 3,
        model: "dv/dt = -v/(10*ms) : volt".into(),
        name: "g".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let mut c = ConnectionSpec::new(g, g, "c");
    c.weight = Some(PairValue::Code("2*ms".into()));
    let e = net.add_connection(c, &ns).unwrap_err().to_string();
    assert!(
        e.starts_with("c: ") && e.contains("has units of s, but the target variable is in V"),
        "{e}"
    );
    let mut c = ConnectionSpec::new(g, g, "c");
    c.weight = Some(PairValue::function(|i, j| {
        if j == 2 {
            Err(format!("no weight for ({i}, {j})"))
        } else {
            Ok(volts(1e-3))
        }
    }));
    let e = net.add_connection(c, &ns).unwrap_err().to_string();
    assert!(e.contains("no weight for (0, 2)"), "{e}");
    let mut c = ConnectionSpec::new(g, g, "c");
    c.weight = Some(PairValue::Quantity(volts(1e-3)));
    c.delay = Some(ConnectionDelaySpec::Uniform(QuantityArray::new(
        vec![1e-3, 2e-3, 3e-3],
        Dimension::TIME,
    )));
    let e = net.add_connection(c, &ns).unwrap_err().to_string();
    assert!(e.contains("must be [min, max]"), "{e}");
    let times = QuantityArray::new(vec![1e-3], Dimension::TIME);
    let e = SpikeGeneratorGroup::from_arrays(2, &[5], &times, 0.0, "sg".into())
        .err()
        .unwrap()
        .to_string();
    assert!(e.starts_with("sg: index 5 is out of range"), "{e}");
    let e = TimedArray::from_values(&QuantityArray::dimensionless(vec![1.0]), 0.0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("must be positive"), "{e}");
    let e = brian::network::count(-3, "a PulsePacket", "neurons")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "a PulsePacket needs a non-negative number of neurons, got -3"
    );
}

/// `rand()` in a weight closure draws from the network's generator, in the order the
/// synapses are built (each row's targets first): it depends on the seed, two connections
/// get different weights, and a Rust closure drawing from the generator it is handed gets
/// the same numbers.
#[test]
fn rand_in_a_weight_closure_draws_from_the_network_generator() {
    let script = |seed| {
        let mut s = common::session("core-api-closure-rand", seed);
        common::exec(
            &mut s,
            r#"let G = NeuronGroup(30, "dv/dt = -v/(10*ms) : volt");
               let C = Connection(G, G, "v", #{ weight: |i, j| rand()*mV, sparseness: 0.5 });
               let D = Connection(G, G, "v", #{ weight: 1*mV, delay: |i, j| rand()*ms });"#,
        );
        let st = s.state.borrow();
        let c = &st.net.connections;
        let d = match &c[1].delay {
            ConnectionDelay::PerSynapse(d) => d.clone(),
            ConnectionDelay::Homogeneous(_) => panic!("one delay"),
        };
        (c[0].weights.clone(), d)
    };
    let rust = |seed| {
        let mut net = Network::new();
        net.seed(seed);
        let ns = Values::new();
        let spec = NeuronGroupSpec {
            n: 30,
            model: "dv/dt = -v/(10*ms) : volt".into(),
            name: "g".into(),
            ..Default::default()
        };
        let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
        let mut c = ConnectionSpec::new(g, g, "c");
        c.weight = Some(PairValue::function_with_rng(|_, _, rng| {
            Ok(volts(rng.random::<f64>() * MV))
        }));
        c.sparseness = Some(0.5);
        net.add_connection(c, &ns).unwrap();
        let mut d = ConnectionSpec::new(g, g, "d");
        d.weight = Some(PairValue::Quantity(volts(MV)));
        d.delay = Some(ConnectionDelaySpec::PerPair(PairValue::function_with_rng(
            |_, _, rng| Ok(seconds(rng.random::<f64>() * MS)),
        )));
        net.add_connection(d, &ns).unwrap();
        (net.connections[0].weights.clone(), delays(&net, 1))
    };
    let (w1, d1) = script(1);
    let (w2, _) = script(2);
    assert_ne!(w1, w2, "the same weights for two seeds");
    assert_eq!((w1.clone(), d1.clone()), rust(1));
    assert_eq!(script(2).0, rust(2).0);
    let w = w1.data();
    assert!(w.len() > 300 && w.iter().all(|&x| (0.0..MV).contains(&x)));
    assert_eq!(d1.len(), 900);
    assert_ne!(
        &d1[..w.len()],
        w.iter().map(|x| x / MV * MS).collect::<Vec<_>>().as_slice()
    );
}

/// A network operation pauses the loop: the caller runs its code with the network free
/// (here: writes a variable), resumes, and the rest of the step follows. Without a
/// caller for it, `run` refuses the network.
#[test]
fn a_run_pauses_at_network_operations_and_resumes() {
    use brian::network::{Control, Kind, ObjectId, Pause};
    let mut net = Network::new();
    let spec = NeuronGroupSpec {
        n: 1,
        model: "dx/dt = 1/second : 1".into(),
        name: "neurongroup".into(),
        ..Default::default()
    };
    net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let op = net.add_network_operation(None).unwrap();
    net.scheduling_mut(ObjectId {
        kind: Kind::NetworkOperation,
        index: op,
    })
    .dt = Some(1.0 * MS);
    let ns = Values::new();
    assert!(net.run(5.0 * MS, &ns).is_err());
    let mut run = net.begin_run(5.0 * MS, &ns, false).unwrap();
    let mut times = Vec::new();
    loop {
        match net.resume(&mut run, &mut |_| Control::Continue).unwrap() {
            Pause::Done => break,
            Pause::Operation { index, t } => {
                assert_eq!(index, op);
                times.push((t / MS).round() as i64);
                // In `start`, before the group's update of this step.
                if let Group::Neurons(g) = &mut net.groups[0] {
                    g.arrays[0][0] = 0.0;
                }
            }
        }
    }
    let stats = net.finish_run(run).unwrap();
    assert_eq!(times, vec![0, 1, 2, 3, 4]);
    assert_eq!(stats.steps, 50);
    assert!((net.t() - 5.0 * MS).abs() < 1e-12);
    // Reset at 4 ms, then 10 steps of 0.1 ms.
    let x = net.groups[0].as_neurons().unwrap().arrays[0][0];
    assert!((x - 1.0 * MS).abs() < 1e-9, "{x}");
}
