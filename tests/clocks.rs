//! Clocks and the schedule against Brian 2 (tests/data/clocks.json, made by
//! tools/brian2/clocks.py): groups with their own dt, monitors on their source's clock,
//! clocks of different dt advancing together, the end time of consecutive runs, a
//! changed dt, monitors in every slot, order within a slot.

mod common;
use common::*;

fn data() -> serde_json::Value {
    reference_data("clocks")
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    json_floats(v)
}

fn close(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: {a:?} vs Brian 2 {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-12 * y.abs().max(1e-3),
            "{what}: {a:?} vs Brian 2 {b:?}"
        );
    }
}

#[test]
fn a_state_monitor_records_on_its_sources_clock() {
    let d = data();
    let mut s = session("clock-own-dt", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ dt: 0.5*ms, threshold: "v > 2.2", reset: "v = 0", method: "euler" });
        let M = StateMonitor(G, "v", #{ record: 0, when: "end" });
        let S = SpikeMonitor(G);
        run(4*ms);
    "#,
    );
    close(&floats(&mut s, "M.t / second"), &nums(&d["a_t"]), "a: t");
    close(&floats(&mut s, "M[0]"), &nums(&d["a_v"]), "a: v");
    close(
        &floats(&mut s, "S.t / second"),
        &nums(&d["a_spike_times"]),
        "a: spikes",
    );
}

#[test]
fn clocks_of_different_dt_advance_together() {
    let d = data();
    let mut s = session("clock-two", 1);
    exec(
        &mut s,
        r#"
        let G1 = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ method: "euler" });
        let G2 = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ dt: 0.25*ms, method: "euler" });
        let M1 = StateMonitor(G1, "v", #{ record: 0 });
        let M2 = StateMonitor(G2, "v", #{ record: 0 });
        run(1*ms);
    "#,
    );
    close(&floats(&mut s, "M1.t / second"), &nums(&d["b_t1"]), "b: t1");
    close(&floats(&mut s, "M1[0]"), &nums(&d["b_v1"]), "b: v1");
    close(&floats(&mut s, "M2.t / second"), &nums(&d["b_t2"]), "b: t2");
    close(&floats(&mut s, "M2[0]"), &nums(&d["b_v2"]), "b: v2");
}

#[test]
fn a_1ms_group_monitored_for_5ms_gives_5_samples() {
    let d = data();
    let mut s = session("clock-slow", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "v : 1", #{ dt: 1*ms });
        let M = StateMonitor(G, "v", #{ record: 0 });
        run(5*ms);
    "#,
    );
    close(&floats(&mut s, "M.t / second"), &nums(&d["c_t"]), "c: t");
}

#[test]
fn run_lengths_round_the_cumulative_end_time() {
    let d = data();
    let mut s = session("clock-cumulative", 1);
    exec(
        &mut s,
        r#"
        defaultclock.dt = 1*ms;
        let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ method: "euler" });
        let M = StateMonitor(G, "v", #{ record: 0 });
        run(0.5*ms);
    "#,
    );
    close(
        &floats(&mut s, "M.t / second"),
        &nums(&d["d_t_after_first"]),
        "d: first run",
    );
    let t = eval(&mut s, "defaultclock.t / second").as_float().unwrap();
    close(
        &[t],
        &[d["d_net_t_after_first"].as_f64().unwrap()],
        "d: t after the first run",
    );
    exec(&mut s, "run(1.5*ms);");
    close(
        &floats(&mut s, "M.t / second"),
        &nums(&d["d_t"]),
        "d: both runs",
    );
    let t = eval(&mut s, "defaultclock.t / second").as_float().unwrap();
    close(&[t], &[d["d_net_t"].as_f64().unwrap()], "d: t");
}

#[test]
fn changing_dt_off_the_current_time_is_an_error() {
    let d = data();
    assert!(d["e_error"].as_str().unwrap().contains("not a multiple of"));
    let mut s = session("clock-dt-change", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(1, "v : 1"); run(1.1*ms); defaultclock.dt = 0.2*ms;"#,
    );
    let e = s.eval("run(1*ms);", None).unwrap_err();
    assert!(
        e.message.contains("1.1 ms is not a multiple of 200. us"),
        "{}",
        e.message
    );
    let mut s = session("clock-dt-change-ok", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(1, "v : 1"); run(1.2*ms); defaultclock.dt = 0.2*ms; run(1*ms);"#,
    );
    let t = eval(&mut s, "defaultclock.t / second").as_float().unwrap();
    close(&[t], &[d["e_ok_t"].as_f64().unwrap()], "e: t");
}

#[test]
fn monitors_in_every_slot_see_what_brian2_sees() {
    let d = data();
    let slots: Vec<String> = d["f_slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let mut s = session("clock-slots", 1);
    let mut code = String::from(
        r#"let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ threshold: "v > 0.5", reset: "v = -1", method: "euler" });
        G.v = 1;
        let mons = [];
        "#,
    );
    for slot in &slots {
        code.push_str(&format!(
            "mons.push(StateMonitor(G, \"v\", #{{ record: 0, when: \"{slot}\" }}));\n"
        ));
    }
    // Objects only in an array are not collected by run() (Brian 2): an explicit network.
    code.push_str("let M = mons; Network(G, mons).run(0.2*ms);");
    exec(&mut s, &code);
    for (k, slot) in slots.iter().enumerate() {
        let got = floats(&mut s, &format!("M[{k}][0]"));
        close(&got, &nums(&d["f_values"][k]), &format!("f: when = {slot}"));
    }
}

#[test]
fn order_and_names_break_ties_within_a_slot() {
    let d = data();
    let mut s = session("clock-order", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ method: "euler" });
        let A = StateMonitor(G, "v", #{ record: 0, when: "groups", order: 1, name: "a_mon" });
        let B = StateMonitor(G, "v", #{ record: 0, when: "groups", order: -1, name: "b_mon" });
        let C = StateMonitor(G, "v", #{ record: 0, when: "groups", order: 0, name: "c_mon" });
        run(0.1*ms);
    "#,
    );
    close(&floats(&mut s, "A[0]"), &nums(&d["g_a"]), "g: order 1");
    close(&floats(&mut s, "B[0]"), &nums(&d["g_b"]), "g: order -1");
    close(&floats(&mut s, "C[0]"), &nums(&d["g_c"]), "g: order 0");
    let summary = eval(&mut s, "scheduling_summary()").to_string();
    let brian2: Vec<String> = d["g_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().replace("neurongroup_5", "neurongroup"))
        .collect();
    let ours: Vec<String> = summary
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(ours, brian2, "{summary}");
}

#[test]
fn a_networks_schedule_can_be_changed() {
    let d = data();
    let mut s = session("clock-schedule", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ threshold: "v > 0.5", reset: "v = -1", method: "euler" });
        G.v = 1;
        let M = StateMonitor(G, "v", #{ record: 0, when: "end" });
        let S = SpikeMonitor(G);
        let net = Network(G, M, S);
        net.schedule = ["start", "groups", "synapses", "resets", "thresholds", "end"];
        let summary = net.scheduling_summary();
        net.run(0.3*ms);
    "#,
    );
    close(&floats(&mut s, "M[0]"), &nums(&d["i_v"]), "i: v");
    close(
        &floats(&mut s, "S.t / second"),
        &nums(&d["i_spikes"]),
        "i: spikes",
    );
    let summary = eval(&mut s, "summary").into_string().unwrap();
    let reset = summary.find("neurongroup_spike_resetter").unwrap();
    let threshold = summary.find("neurongroup_spike_thresholder").unwrap();
    assert!(reset < threshold, "{summary}");
    let e = s
        .eval("net.schedule = [\"start\", \"groups\", \"end\"];", None)
        .unwrap_err();
    assert!(
        e.message.contains("'thresholds' is missing"),
        "{}",
        e.message
    );
}

#[test]
fn scheduling_summary_lists_the_objects_run_would_run() {
    let mut s = session("clock-summary", 1);
    exec(
        &mut s,
        r#"
        fn panel() {
            let H = NeuronGroup(1, "v : 1", #{ name: "inside" });
            scheduling_summary()
        }
        let G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1");
        let M = StateMonitor(G, "v", #{ record: 0 });
        let outside = scheduling_summary();
        let inside = panel();
    "#,
    );
    let outside = eval(&mut s, "outside").into_string().unwrap();
    assert!(
        outside.contains("neurongroup_stateupdater") && outside.contains("statemonitor"),
        "{outside}"
    );
    assert!(!outside.contains("inside"), "{outside}");
    let inside = eval(&mut s, "inside").into_string().unwrap();
    assert!(
        inside.contains("inside_stateupdater") && !inside.contains("statemonitor"),
        "{inside}"
    );
}

#[test]
fn a_poisson_group_with_its_own_dt_spikes_on_its_clock() {
    let d = data();
    assert!(d["j_all_on_1ms_grid"].as_bool().unwrap() && d["j_some_spikes"].as_bool().unwrap());
    let mut s = session("clock-poisson", 3);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(50, #{ rates: 200*Hz, dt: 1*ms });
        let S = SpikeMonitor(P);
        run(20*ms);
    "#,
    );
    let t = floats(&mut s, "S.t / ms");
    assert!(!t.is_empty());
    assert!(t.iter().all(|x| (x - x.round()).abs() < 1e-9), "{t:?}");
}
