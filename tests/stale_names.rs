//! Names in code strings are the script's values at the moment the code is compiled or
//! evaluated, in the scope that calls into Brian (Brian 2's frame), at every entry point.
//! Each test is named after the stale or unknown name it used to get. Brian 2's values for
//! the same cases: tests/data/stale_names.json (tools/brian2/stale_names.py).

mod common;
use common::{eval, exec, floats, session};
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/data/stale_names.json").unwrap()).unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
}

#[test]
fn setting_a_variable_with_code_uses_the_value_the_name_has_now() {
    let mut s = session("stale_set", 1);
    exec(
        &mut s,
        r#"
        let x = 1*mV;
        let G = NeuronGroup(2, "v : volt");
        x = 7*mV;
        G.v = "x";
    "#,
    );
    assert!(close(
        &floats(&mut s, "G.v / mV"),
        &f64s(&data()["set_first_mV"])
    ));
    // Line by line, as in the REPL.
    exec(&mut s, "x = 9*mV;");
    exec(&mut s, "G.v = \"x + i*mV\";");
    assert!(close(
        &floats(&mut s, "G.v / mV"),
        &f64s(&data()["set_second_mV"])
    ));
}

#[test]
fn a_connect_condition_sees_a_name_defined_after_the_last_run() {
    let mut s = session("stale_connect", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(4, "v : 1");
        let S = Synapses(G, G, #{ model: "w : 1" });
        run(1*ms);
        let jmax = 2;
        S.connect(#{ condition: "j < jmax" });
        let shift = 1;
        let T = Synapses(G, G);
        T.connect(#{ j: "(i + shift) % 4" });
    "#,
    );
    assert_eq!(
        eval(&mut s, "len(S)").as_int().unwrap(),
        data()["connect_synapses"].as_i64().unwrap()
    );
    assert!(close(&floats(&mut s, "T.j"), &f64s(&data()["connect_j"])));
}

#[test]
fn synaptic_weights_and_delays_given_as_code_use_live_values() {
    let mut s = session("stale_weights", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2, "v : volt", #{ threshold: "false" });
        let S = Synapses(G, G, #{ model: "w : volt", on_pre: "v += w" });
        S.connect(#{ i: [0], j: [1] });
        let w0 = 3*mV;
        S.w = "w0 * 2";
        let d0 = 2*ms;
        S.delay = "d0";
    "#,
    );
    assert!(close(
        &floats(&mut s, "S.w / mV"),
        &f64s(&data()["weights_mV"])
    ));
    assert!(close(
        &floats(&mut s, "S.delay / ms"),
        &f64s(&data()["delays_ms"])
    ));
}

#[test]
fn connection_weight_strings_see_late_names_and_pi() {
    let mut s = session("stale_connection", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2, "v : volt");
        run(1*ms);
        let wmax = 2*mV;
        let C = Connection(G, G, "v", #{ weight: "wmax + i*mV" });
        let D = Connection(G, G, "v", #{ weight: "pi*mV" });
    "#,
    );
    assert!(close(&floats(&mut s, "C.W.todense()[1] / mV"), &[3.0, 3.0]));
    let d = floats(&mut s, "D.W.todense()[0] / mV");
    assert!(close(&d, &[std::f64::consts::PI; 2]), "{d:?}");
}

#[test]
fn on_pre_code_uses_the_value_at_run_not_at_construction() {
    let mut s = session("stale_on_pre", 1);
    exec(
        &mut s,
        r#"
        let inc = 1*mV;
        let src = SpikeGeneratorGroup(1, [0], [0.5*ms]);
        let G = NeuronGroup(1, "v : volt");
        let S = Synapses(src, G, #{ on_pre: "v += inc" });
        S.connect(#{ i: [0], j: [0] });
        inc = 5*mV;
        run(2*ms);
    "#,
    );
    assert!(close(
        &floats(&mut s, "G.v / mV"),
        &[data()["on_pre_mV"].as_f64().unwrap()]
    ));
}

#[test]
fn poisson_rate_strings_use_the_value_at_run() {
    let mut s = session("stale_poisson", 3);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(10, "r");
        let M = SpikeMonitor(P);
        let r = 1*Hz;
        r = 10*kHz;
        run(1*ms);
    "#,
    );
    // 10 kHz at dt = 0.1 ms: every neuron fires every step.
    assert_eq!(
        eval(&mut s, "M.num_spikes").as_int().unwrap(),
        data()["poisson_spikes"].as_i64().unwrap()
    );
}

#[test]
fn a_name_defined_inside_a_function_is_seen_by_run_called_there() {
    let mut s = session("stale_fn", 1);
    exec(
        &mut s,
        r#"
        let tau = 1000*ms;
        fn decay() {
            let G = NeuronGroup(1, "dv/dt = -v/tau : 1");
            let v0 = 1;
            G.v = "v0";
            let tau = 10*ms;
            run(10*ms);
            G.v[0]
        }
        let v = decay();
    "#,
    );
    let v = eval(&mut s, "v").as_float().unwrap();
    assert!((v - data()["fn_v"].as_f64().unwrap()).abs() < 1e-12, "{v}");
}

#[test]
fn a_function_local_name_does_not_leak_into_a_later_run() {
    let mut s = session("stale_leak", 1);
    exec(
        &mut s,
        r#"
        fn f() {
            let tau_f = 10*ms;
            let G = NeuronGroup(1, "dv/dt = -v/tau_f : 1");
            run(1*ms);
        }
        f();
    "#,
    );
    let e = s
        .eval(
            "let H = NeuronGroup(1, \"dv/dt = -v/tau_f : 1\"); run(1*ms);",
            None,
        )
        .unwrap_err();
    assert!(e.message.contains("unknown name 'tau_f'"), "{}", e.message);
}

#[test]
fn an_explicit_network_run_sees_names_defined_after_it_was_made() {
    let mut s = session("stale_net", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = -v/tau : 1");
        G.v = 1;
        let net = Network(G);
        let tau = 5*ms;
        net.run(5*ms);
    "#,
    );
    assert!((floats(&mut s, "G.v")[0] - (-1.0f64).exp()).abs() < 1e-9);
}

#[test]
fn an_explicit_namespace_entry_wins_over_the_script() {
    let mut s = session("stale_ns", 1);
    exec(
        &mut s,
        r#"
        let rate = 1/ms;
        let G = NeuronGroup(1, "dv/dt = rate : 1", #{ namespace: #{ rate: 2/ms } });
        run(1*ms);
    "#,
    );
    assert!((floats(&mut s, "G.v")[0] - data()["namespace_v"].as_f64().unwrap()).abs() < 1e-12);
}

/// Brian 2's `namespace=` belongs to its object: another object sees the script's value of
/// the same name, and two objects may give one name different values.
#[test]
fn explicit_namespaces_are_per_object() {
    let mut s = session("ns_per_object", 1);
    exec(
        &mut s,
        r#"
        let rate = 1/ms;
        let A = NeuronGroup(1, "dv/dt = rate : 1", #{ namespace: #{ rate: 2/ms } });
        let B = NeuronGroup(1, "dv/dt = rate : 1", #{ namespace: #{ rate: 3/ms } });
        let C = NeuronGroup(1, "dv/dt = rate : 1");
        let S = Synapses(C, C, #{ model: "w : 1", namespace: #{ rate: 5/ms } });
        S.connect(#{ i: 0, j: 0 });
        S.w = "rate*ms";
        A.v = "rate*ms";
        C.v = "rate*ms";
        run(1*ms);
    "#,
    );
    // v starts at rate*ms as each object sees it, then grows by rate * 1 ms.
    assert!((floats(&mut s, "A.v")[0] - 4.0).abs() < 1e-9);
    assert!((floats(&mut s, "B.v")[0] - 3.0).abs() < 1e-9);
    assert!((floats(&mut s, "C.v")[0] - 2.0).abs() < 1e-9);
    assert!((floats(&mut s, "S.w")[0] - 5.0).abs() < 1e-9);
}
