//! Brian 2's magic `run()`: the objects in the variables of the calling scope, started
//! afresh at t = 0 when they are all new; explicit Networks keep their own time. Against
//! tests/data/magic_run.json (tools/brian2/magic_run.py).

mod common;
use common::{eval, exec, floats, json_floats, reference_data, session};
use serde_json::Value;

fn data() -> Value {
    reference_data("magic_run")
}

fn f64s(v: &Value) -> Vec<f64> {
    json_floats(v)
}

/// Brian 2's message without its object name and final period, for comparison.
fn after_name(msg: &str) -> &str {
    let msg = msg.trim_end_matches('.');
    match msg.strip_prefix('\'') {
        Some(rest) => &rest[rest.find('\'').map_or(0, |k| k + 1)..],
        None => msg,
    }
}

const PANEL: &str = r#"
fn panel() {
    let G = NeuronGroup(5, "dv/dt = (1.5 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0", method: "exact" });
    G.v = "i*0.1";
    let M = SpikeMonitor(G);
    run(50*ms);
    [M.num_spikes, M.t[0] / second, defaultclock.t / second]
}
"#;

#[test]
fn a_function_that_builds_and_runs_gives_the_same_panel_twice() {
    let d = data();
    let mut s = session("magic_panel", 1);
    exec(&mut s, PANEL);
    for call in 0..2 {
        let r = eval(&mut s, "panel()").into_array().unwrap();
        let spikes = r[0].as_int().unwrap();
        assert_eq!(
            spikes,
            d["panel_spikes"][call].as_i64().unwrap(),
            "call {call}"
        );
        let first = r[1].as_float().unwrap();
        assert!(
            (first - f64s(&d["panel_first_spike"])[call]).abs() < 1e-12,
            "call {call}: {first}"
        );
        let end = r[2].as_float().unwrap();
        assert!(
            (end - f64s(&d["panel_end_t"])[call]).abs() < 1e-12,
            "call {call}: {end}"
        );
    }
}

#[test]
fn a_mix_of_objects_that_ran_and_new_ones_is_an_error() {
    let d = data();
    let mut s = session("magic_mix", 1);
    exec(&mut s, "let A = NeuronGroup(1, \"v : 1\"); run(1*ms);");
    let e = s
        .eval("let B = NeuronGroup(1, \"v : 1\"); run(1*ms);", None)
        .unwrap_err();
    assert_eq!(
        e.message.trim_end_matches('.'),
        d["mix_error"].as_str().unwrap().trim_end_matches('.')
    );
    // The objects that ran alone continue from their time; so does a new monitor.
    exec(
        &mut s,
        "start_scope(); let C = NeuronGroup(1, \"v : 1\"); run(2*ms);",
    );
    assert!((eval(&mut s, "defaultclock.t / ms").as_float().unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn an_explicit_network_keeps_its_own_time_while_the_magic_one_restarts() {
    let d = data();
    let mut s = session("magic_own_t", 1);
    exec(
        &mut s,
        r#"
        fn magic_part() {
            let D = NeuronGroup(1, "v : 1");
            run(1*ms);
            defaultclock.t / second
        }
        fn own_t() {
            let C = NeuronGroup(1, "v : 1");
            let net = Network(C);
            net.run(3*ms);
            let magic = [magic_part(), magic_part()];
            let between = net.t / second;
            net.run(1*ms);
            [magic, between, net.t / second]
        }
        let r = own_t();
    "#,
    );
    let magic: Vec<f64> = eval(&mut s, "r[0]")
        .into_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    for (a, b) in magic.iter().zip(f64s(&d["own_t_magic"])) {
        assert!((a - b).abs() < 1e-12, "{magic:?}");
    }
    let between = eval(&mut s, "r[1]").as_float().unwrap();
    assert!((between - d["own_t_net_between"].as_f64().unwrap()).abs() < 1e-12);
    let after = eval(&mut s, "r[2]").as_float().unwrap();
    assert!((after - d["own_t_net_after"].as_f64().unwrap()).abs() < 1e-12);
}

#[test]
fn a_monitor_of_an_unreachable_group_is_set_inactive_as_brian2_does() {
    let d = data();
    let mut s = session("magic_unreachable", 1);
    exec(
        &mut s,
        r#"
        fn make_monitor() {
            let G = NeuronGroup(1, "v : 1", #{ threshold: "true", reset: "v = 0" });
            SpikeMonitor(G)
        }
        let M = make_monitor();
        run(1*ms);
    "#,
    );
    // Brian 2 warns and sets the monitor inactive: it records nothing.
    assert_eq!(d["unreachable_active"].as_bool(), Some(false));
    assert_eq!(
        eval(&mut s, "M.num_spikes").as_int().unwrap(),
        d["unreachable_spikes"].as_i64().unwrap()
    );
    // An explicit network refuses it.
    let e = s
        .eval(
            "let M2 = make_monitor(); let net = Network(M2); net.run(1*ms);",
            None,
        )
        .unwrap_err();
    assert_eq!(
        after_name(&e.message),
        after_name(d["explicit_missing_error"].as_str().unwrap())
    );
}

#[test]
fn an_object_run_by_another_network_cannot_join_the_magic_one() {
    let d = data();
    let mut s = session("magic_other", 1);
    exec(
        &mut s,
        "let E = NeuronGroup(1, \"v : 1\"); let net = Network(E); net.run(1*ms);",
    );
    let e = s.eval("run(1*ms)", None).unwrap_err();
    assert_eq!(
        after_name(&e.message),
        after_name(d["other_network_error"].as_str().unwrap())
    );
    // Nor can an object that has run join an explicit network.
    let e = s
        .eval(
            "start_scope(); let F = NeuronGroup(1, \"v : 1\"); run(1*ms); Network(F)",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("has already been simulated"),
        "{}",
        e.message
    );
}

#[test]
fn objects_only_inside_arrays_are_not_collected() {
    let d = data();
    let mut s = session("magic_lists", 1);
    exec(&mut s, "let L = [NeuronGroup(1, \"v : 1\")];");
    assert_eq!(
        eval(&mut s, "len(collect())").as_int().unwrap(),
        d["collect_in_list"].as_i64().unwrap()
    );
    exec(&mut s, "let G = NeuronGroup(1, \"v : 1\"); let H = G;");
    assert_eq!(
        eval(&mut s, "len(collect())").as_int().unwrap(),
        1,
        "G and H are one object"
    );
}

#[test]
fn network_takes_many_objects_and_arrays_and_net_t_is_its_own() {
    let mut s = session("magic_many", 1);
    exec(
        &mut s,
        r#"
        let gs = [];
        for k in 0..11 { gs.push(NeuronGroup(1, "dv/dt = 1/ms : 1")); }
        let net = Network(gs[0], gs[1], gs[2], gs[3], gs[4], gs[5], gs[6], gs[7], gs[8], gs[9], gs[10], []);
        let other = Network(gs);
    "#,
    );
    assert_eq!(eval(&mut s, "len(net)").as_int().unwrap(), 11);
    assert_eq!(eval(&mut s, "len(other)").as_int().unwrap(), 11);
    exec(&mut s, "net.run(2*ms); let copy = net; copy.run(1*ms);");
    assert!(
        (eval(&mut s, "net.t / ms").as_float().unwrap() - 3.0).abs() < 1e-9,
        "a copy is the same network"
    );
    assert!((floats(&mut s, "gs[10].v")[0] - 3.0).abs() < 1e-9);
    assert_eq!(eval(&mut s, "defaultclock.t / ms").as_float().unwrap(), 0.0);
    // `other` holds the same objects, which have run in `net`.
    let e = s.eval("other.run(1*ms)", None).unwrap_err();
    assert!(e.message.contains("another network"), "{}", e.message);
}

#[test]
fn the_run_summary_rates_use_the_time_each_monitor_recorded() {
    let mut s = session("magic_summary", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(10, "v : 1", #{ threshold: "true", reset: "v = 0" });
        run(10*ms);
        let M = SpikeMonitor(G);
        run(10*ms);
    "#,
    );
    // Every neuron fires every step (10 kHz) during the 10 ms the monitor recorded.
    let line = s.state.borrow().log.last().unwrap().clone();
    assert!(
        line.contains("10000.00 Hz mean rate over 10 neurons"),
        "{line}"
    );
}

#[test]
fn magic_run_works_line_by_line_as_in_the_repl() {
    let mut s = session("magic_repl", 1);
    exec(&mut s, "let G = NeuronGroup(1, \"dv/dt = 1/ms : 1\");");
    exec(&mut s, "run(1*ms);");
    exec(&mut s, "run(1*ms);");
    assert!((floats(&mut s, "G.v")[0] - 2.0).abs() < 1e-9);
    assert!((eval(&mut s, "defaultclock.t / ms").as_float().unwrap() - 2.0).abs() < 1e-9);
    exec(&mut s, "store(\"a\"); run(3*ms); restore(\"a\");");
    assert!((eval(&mut s, "defaultclock.t / ms").as_float().unwrap() - 2.0).abs() < 1e-9);
    // `net.run` stays a method; a user may call a variable's `run` field-free.
    exec(
        &mut s,
        "start_scope(); let H = NeuronGroup(1, \"v : 1\"); let net = Network(H); run(net, 1*ms);",
    );
    assert!((eval(&mut s, "net.t / ms").as_float().unwrap() - 1.0).abs() < 1e-9);
}

#[test]
fn a_run_with_no_objects_simulates_nothing_and_keeps_the_time() {
    let d = data();
    let mut s = session("magic_empty", 1);
    exec(
        &mut s,
        "fn nothing() { run(1*ms); defaultclock.t / second } let t = nothing();",
    );
    assert_eq!(
        eval(&mut s, "t").as_float().unwrap(),
        d["empty_run_t"].as_f64().unwrap()
    );
}
