//! Brian's semantics pinned down through the library API (no scripting).

use brian::network::*;
use brian::units::{lookup, Quantity};

fn q(v: f64, unit: &str) -> Quantity {
    let u = lookup(unit).unwrap();
    Quantity::new(v * u.value, u.dim)
}

/// The deterministic LIF rule: with refractoriness (unless refractory), the inter-spike
/// interval is exactly (floor(T/dt) + refractory/dt) * dt, T = tau*ln(I/(I-20mV)).
#[test]
fn lif_interspike_interval_is_exact() {
    let currents = [21.0, 25.0, 30.0, 40.0, 60.0, 100.0];
    let mut net = Network::new();
    net.seed(1);
    let spec = NeuronGroupSpec {
        n: currents.len(),
        model: "dv/dt = (I-v)/tau : volt (unless refractory)\nI : volt".into(),
        threshold: Some(Threshold::Condition("v > 20*mV".into())),
        reset: Some(Reset::Code("v = 0*mV".into())),
        refractory: Some(2e-3),
        name: "lif".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let ng = net.neurons_mut(g).unwrap();
    let ki = ng.var_index("I").unwrap();
    for (k, c) in currents.iter().enumerate() {
        ng.arrays[ki][k] = c * 1e-3;
    }
    net.spike_monitors.push(SpikeMonitor::new(g, "m".into()));
    let mut ns = Values::new();
    ns.insert("tau".into(), q(10.0, "ms"));
    net.run(0.3, &ns).unwrap();
    let (dt, tau) = (1e-4, 0.01);
    let trains = net.spike_monitors[0].spike_trains();
    for (k, c) in currents.iter().enumerate() {
        let t_cross = tau * (c / (c - 20.0f64)).ln();
        let expected = ((t_cross / dt).floor() + 20.0) * dt;
        let train = &trains[k];
        assert!(train.len() >= 3, "I = {c} mV: {} spikes", train.len());
        for w in train.windows(2).skip(1) {
            let isi = w[1] - w[0];
            assert!(
                (isi - expected).abs() < 1e-9,
                "I = {c} mV: ISI {isi} s, expected {expected} s"
            );
        }
    }
    let (method, _) = net.neurons(g).unwrap().method().unwrap();
    assert_eq!(method, "exact");
}

#[test]
fn unknown_names_and_unit_errors_name_the_object() {
    let mut net = Network::new();
    let spec = NeuronGroupSpec {
        n: 1,
        model: "dv/dt = -v/tau : volt".into(),
        threshold: Some(Threshold::Condition("v > 20*mV".into())),
        name: "neurongroup".into(),
        ..Default::default()
    };
    net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let err = net.run(0.001, &Values::new()).unwrap_err().to_string();
    assert_eq!(
        err,
        "neurongroup: in the equation 'dv/dt = -v/tau : volt': unknown name 'tau'"
    );
    let mut ns = Values::new();
    ns.insert("tau".into(), q(10.0, "mV"));
    let err = net.run(0.001, &ns).unwrap_err().to_string();
    assert!(
        err.contains("the right side of dv/dt should be in V/s, but has units of 1"),
        "{err}"
    );
}
