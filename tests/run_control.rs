//! Run-time control against Brian 2: `run_regularly` (tests/data/run_regularly.json, made
//! by tools/brian2/run_regularly.py) and custom events with Brian 2's
//! examples/advanced/custom_events.py (tests/data/custom_events.json, made by
//! tools/brian2/custom_events.py; scripts/brian2/custom_events.rhai is the port).

mod common;
use common::*;
use serde_json::Value;

fn data(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("tests/data/{name}.json")).unwrap())
        .unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Equal within `rel` of each value (times and counts: exact up to rounding).
fn close(ours: &[f64], brian: &[f64], rel: f64, what: &str) {
    assert_eq!(
        ours.len(),
        brian.len(),
        "{what}: {ours:?} vs Brian 2 {brian:?}"
    );
    for (a, b) in ours.iter().zip(brian) {
        assert!(
            (a - b).abs() <= rel * b.abs().max(1e-3),
            "{what}: {ours:?} vs Brian 2 {brian:?}"
        );
    }
}

#[test]
fn run_regularly_runs_on_its_clock() {
    let d = data("run_regularly");
    let mut s = session("rr-count", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "x : 1\ny : 1\nz : 1");
        G.run_regularly("x += 1", #{ dt: 1*ms });
        G.run_regularly("y += 1");
        G.run_regularly("z += 1", #{ dt: 0.3*ms });
        run(1*ms);
        "#,
    );
    for (key, after) in [("a_after_1ms", "1 ms"), ("a_after_10ms", "10 ms")] {
        if key == "a_after_10ms" {
            exec(&mut s, "run(9*ms);");
        }
        for v in ["x", "y", "z"] {
            let ours = num(&mut s, &format!("G.{v}[0]"));
            let brian = d[key][v].as_f64().unwrap();
            assert_eq!(ours, brian, "{v} after {after}");
        }
    }
    // Every 1 ms for 10 ms: ten times.
    assert_eq!(num(&mut s, "G.x[0]"), 10.0);
}

#[test]
fn run_regularly_names_slots_and_clocks_are_brian2s() {
    let d = data("run_regularly");
    let mut s = session("rr-names", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "x : 1\ny : 1\nz : 1");
        G.run_regularly("x += 1", #{ dt: 1*ms });
        G.run_regularly("y += 1");
        G.run_regularly("z += 1", #{ dt: 0.3*ms });
        "#,
    );
    let mut st = s.state.borrow_mut();
    let ns = st.namespace_values();
    let clocks = st.net.prepare(&ns).unwrap();
    let members = st.net.members.clone();
    let ops = st.net.operations(&members, &clocks).unwrap();
    let ours: Vec<(String, String, i64, String)> = ops
        .iter()
        .map(|op| {
            (
                op.name.clone(),
                op.when.clone(),
                op.order as i64,
                st.net.clocks[op.clock].name.clone(),
            )
        })
        .collect();
    // Brian 2 lists the group itself (it runs no code here); its operations follow.
    let brian: Vec<(String, String, i64, String)> = d["a_sorted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
                r[2].as_i64().unwrap(),
                r[3].as_str().unwrap().to_string(),
            )
        })
        .filter(|r| r.0 != "neurongroup")
        .collect();
    assert_eq!(ours, brian);
    drop(st);
    let summary = eval(&mut s, "scheduling_summary()").into_string().unwrap();
    assert!(
        summary.contains("neurongroup_run_regularly_2 (neurongroup)  run_regularly"),
        "{summary}"
    );
}

#[test]
fn start_and_end_operations_alternate_and_order_decides_within_a_slot() {
    let d = data("run_regularly");
    let mut s = session("rr-slots", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "seq : 1");
        G.run_regularly("seq = 10*seq + 2", #{ when: "end" });
        G.run_regularly("seq = 10*seq + 1", #{ when: "start" });
        run(0.3*ms);
        "#,
    );
    // x y x y x y over three steps.
    assert_eq!(num(&mut s, "G.seq[0]"), d["b_seq"].as_f64().unwrap());
    assert_eq!(num(&mut s, "G.seq[0]"), 121212.0);
    let mut s = session("rr-order", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "seq : 1", #{ name: "g" });
        G.run_regularly("seq = 10*seq + 1", #{ order: 1 });
        G.run_regularly("seq = 10*seq + 2", #{ order: 0 });
        let H = NeuronGroup(1, "seq : 1", #{ name: "h" });
        H.run_regularly("seq = 10*seq + 1");
        H.run_regularly("seq = 10*seq + 2");
        run(0.1*ms);
        "#,
    );
    assert_eq!(num(&mut s, "G.seq[0]"), d["c_order"].as_f64().unwrap());
    assert_eq!(num(&mut s, "H.seq[0]"), d["c_same_order"].as_f64().unwrap());
}

#[test]
fn run_regularly_honours_conditional_writes_and_active() {
    let d = data("run_regularly");
    let mut s = session("rr-cond", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2, "dv/dt = 0/ms : 1 (unless refractory)\nc : 1\ns : 1",
            #{ threshold: "s > 0.5", reset: "s = 0", refractory: 5*ms, method: "euler" });
        G.s = [1, 0];
        let op = G.run_regularly("v += 1\nc += 1");
        run(1*ms);
        "#,
    );
    assert_eq!(floats(&mut s, "G.v"), nums(&d["d_v"]));
    assert_eq!(floats(&mut s, "G.c"), nums(&d["d_c"]));
    exec(&mut s, "op.active = false; run(1*ms);");
    assert_eq!(floats(&mut s, "G.c"), nums(&d["d_c"]), "inactive code ran");
}

#[test]
fn run_regularly_on_synapses_reads_pre_and_post() {
    let d = data("run_regularly");
    let mut s = session("rr-syn", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(3, "x : 1");
        G.x = "i";
        let H = NeuronGroup(2, "y : 1");
        H.y = "10*i";
        let S = Synapses(G, H, "w : 1");
        S.connect();
        S.run_regularly("w += x_pre + y_post", #{ dt: 1*ms });
        run(3*ms);
        "#,
    );
    assert_eq!(floats(&mut s, "S.i"), nums(&d["e_i"]));
    assert_eq!(floats(&mut s, "S.j"), nums(&d["e_j"]));
    assert_eq!(floats(&mut s, "S.w"), nums(&d["e_w"]));
    let mut s = session("rr-syn-post", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(3, "x : 1");
        let H = NeuronGroup(2, "y : 1");
        let S = Synapses(G, H, "w : 1");
        S.connect();
        S.w = "i + 1";
        S.run_regularly("y_post += w");
        run(0.1*ms);
        "#,
    );
    assert_eq!(floats(&mut s, "H.y"), nums(&d["i_y"]));
}

#[test]
fn run_regularly_on_a_subgroup_sees_the_subgroup_and_goes_with_its_group() {
    let d = data("run_regularly");
    let mut s = session("rr-sub", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(4, "x : 1");
        G[1..3].run_regularly("x += i + 10*N");
        run(0.1*ms);
        "#,
    );
    assert_eq!(floats(&mut s, "G.x"), nums(&d["g_x"]));
    let mut s = session("rr-net", 1);
    exec(
        &mut s,
        r#"
        let A = NeuronGroup(1, "n : 1");
        let B = NeuronGroup(1, "n : 1");
        A.run_regularly("n += 1");
        B.run_regularly("n += 1");
        let net = Network(A);
        net.run(0.5*ms);
        "#,
    );
    assert_eq!(num(&mut s, "A.n[0]"), d["h_A"].as_f64().unwrap());
    assert_eq!(num(&mut s, "B.n[0]"), d["h_B"].as_f64().unwrap());
}

#[test]
fn run_regularly_errors_name_the_problem() {
    let mut s = session("rr-err", 1);
    exec(&mut s, r#"let G = NeuronGroup(1, "x : 1");"#);
    let e = s
        .eval(r#"G.run_regularly("q += 1"); run(1*ms);"#, None)
        .unwrap_err();
    assert!(
        e.message.contains("'q' is not a state variable"),
        "{}",
        e.message
    );
    let mut s = session("rr-err2", 1);
    exec(&mut s, r#"let G = NeuronGroup(1, "x : 1");"#);
    let e = s
        .eval(r#"G.run_regularly("x += 1", #{ when: "middle" });"#, None)
        .unwrap_err();
    assert!(
        e.message.contains("'middle' is not a slot"),
        "{}",
        e.message
    );
    let e = s
        .eval(r#"G.run_regularly("x += 1*mV"); run(1*ms);"#, None)
        .unwrap_err();
    assert!(e.message.contains("run_regularly"), "{}", e.message);
}

/// The example with its input replaced by Brian 2's own Poisson spikes (seed 2026),
/// replayed by a SpikeGeneratorGroup: the same events as Brian 2.
const EXAMPLE: &str = r#"
let eqs_G = `
dv/dt = (g-v)/(50*ms) : 1
dg/dt = -g/(10*ms) : 1
allow_gspike : boolean
`;
let G = NeuronGroup(1, eqs_G, #{ threshold: "v>1",
                reset: "v = 0; g = 0; allow_gspike = True;",
                events: #{ gspike: "g>1 and allow_gspike",
                           end_gspike: "g<1 and not allow_gspike" } });
G.run_on_event("gspike", "allow_gspike = False");
G.run_on_event("end_gspike", "allow_gspike = True");
let H = NeuronGroup(1, "dx/dt = -x/(10*ms) : 1\ndy/dt = -y/(10*ms) : 1");
let Sin = Synapses(inp, G, #{ on_pre: "g += 0.5" });
Sin.connect();
let S = Synapses(G, H, #{ on_pre: #{ pre: "x += 1", gpath: "y += 1" },
                          on_event: #{ pre: "spike", gpath: "gspike" } });
S.connect();
let Mgspike = EventMonitor(G, "gspike", "g");
let Mend = EventMonitor(G, "end_gspike");
let Mspike = SpikeMonitor(G, "v");
G.allow_gspike = true;
run(500*ms);
"#;

#[test]
fn custom_events_match_brian2_on_the_same_input() {
    let d = data("custom_events");
    let r = &d["replay"];
    let times: Vec<String> = nums(&r["input_t"])
        .iter()
        .map(|t| format!("{t:?}*second"))
        .collect();
    let mut s = session("ce-replay", 1);
    exec(
        &mut s,
        &format!(
            "let inp = SpikeGeneratorGroup(1, [{}], [{}]);\n{EXAMPLE}",
            vec!["0"; times.len()].join(", "),
            times.join(", ")
        ),
    );
    close(
        &floats(&mut s, "Mspike.t / second"),
        &nums(&r["spike_t"]),
        1e-12,
        "spike times",
    );
    close(
        &floats(&mut s, "Mgspike.t / second"),
        &nums(&r["gspike_t"]),
        1e-12,
        "gspike times",
    );
    close(
        &floats(&mut s, "Mend.t / second"),
        &nums(&r["end_gspike_t"]),
        1e-12,
        "end_gspike times",
    );
    // Values at the events: the exact integration differs from Brian 2's in rounding.
    close(
        &floats(&mut s, "Mspike.v"),
        &nums(&r["spike_v"]),
        1e-9,
        "v at spikes",
    );
    close(
        &floats(&mut s, "Mgspike.g"),
        &nums(&r["gspike_g"]),
        1e-9,
        "g at gspike",
    );
    close(
        &[num(&mut s, "H.x[0]")],
        &[r["H_x"].as_f64().unwrap()],
        1e-9,
        "H.x",
    );
    close(
        &[num(&mut s, "H.y[0]")],
        &[r["H_y"].as_f64().unwrap()],
        1e-9,
        "H.y",
    );
    assert_eq!(
        num(&mut s, "Mgspike.num_events"),
        nums(&r["gspike_t"]).len() as f64
    );
    assert_eq!(
        floats(&mut s, "Mgspike.count"),
        vec![nums(&r["gspike_t"]).len() as f64]
    );
}

/// The port of the example as written (its own Poisson input) over seeds: mean counts
/// of spikes and gspike events within three standard errors of Brian 2's over its seeds.
#[test]
fn the_custom_events_example_port_gives_brian2s_counts() {
    let d = data("custom_events");
    let source = std::fs::read_to_string("scripts/brian2/custom_events.rhai").unwrap();
    let n = 30;
    let (mut spikes, mut gspikes) = (Vec::new(), Vec::new());
    for seed in 0..n {
        let mut s = session("ce-port", 100 + seed);
        let _ = s
            .eval(&source, Some("custom_events.rhai"))
            .unwrap_or_else(|e| panic!("{}", e.render("custom_events.rhai", &source)));
        spikes.push(num(&mut s, "Mspike.num_spikes"));
        gspikes.push(num(&mut s, "Mgspike.num_events"));
    }
    let n_b2 = d["meta"]["n_seeds"].as_f64().unwrap();
    for (k, ours) in [(1, &spikes), (2, &gspikes)] {
        let mean = ours.iter().sum::<f64>() / n as f64;
        let b2_mean = d["spread_mean"][k].as_f64().unwrap();
        let sd = d["spread_std"][k].as_f64().unwrap();
        let se = (sd * sd / n as f64 + sd * sd / n_b2).sqrt();
        let what = d["spread_columns"][k].as_str().unwrap();
        eprintln!(
            "{what}: mean {mean} over {n} seeds, Brian 2 {b2_mean} +- {sd} (3 se = {})",
            3.0 * se
        );
        assert!(
            (mean - b2_mean).abs() < 3.0 * se,
            "{what}: mean {mean} over {n} seeds, Brian 2 {b2_mean} +- {sd}"
        );
    }
}

#[test]
fn event_schedule_and_monitor_slots_follow_brian2() {
    let mut s = session("ce-slots", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2, "v : 1", #{ threshold: "v > 1", events: #{ up: "v > 0.5" } });
        G.run_on_event("up", "v = 0");
        let M = EventMonitor(G, "up", ["v"]);
        G.set_event_schedule("up", "before_groups");
        "#,
    );
    let summary = eval(&mut s, "scheduling_summary()").into_string().unwrap();
    let rows: Vec<&str> = summary.lines().skip(2).collect();
    let find = |name: &str| {
        rows.iter()
            .find(|r| r.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in\n{summary}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert!(find("neurongroup_up_thresholder").contains(&"before_groups"));
    assert!(find("neurongroup_up_resetter").contains(&"after_resets"));
    let m = find("eventmonitor ");
    assert!(
        m.contains(&"before_groups") && m.contains(&"1"),
        "{summary}"
    );
    // The event code runs on the neurons with the event; values are recorded before it.
    exec(&mut s, "G.v = [0.7, 0.2]; run(0.1*ms);");
    assert_eq!(floats(&mut s, "G.v"), vec![0.0, 0.2]);
    assert_eq!(floats(&mut s, "M.v"), vec![0.7]);
    assert_eq!(floats(&mut s, "M.i"), vec![0.0]);
    for (code, msg) in [
        (
            r#"EventMonitor(G, "down")"#,
            "has no event 'down'; its events are spike, up",
        ),
        (r#"G.run_on_event("up", "v = 1")"#, "already been added"),
        (
            r#"NeuronGroup(1, "v : 1", #{ events: #{ spike: "v > 1" } })"#,
            "'spike' is the event of the threshold",
        ),
        (
            r#"EventMonitor(G, "up", ["w"])"#,
            "'w' is not a stored variable",
        ),
        (r#"M.w"#, "records [\"v\"], not 'w'"),
    ] {
        let e = s.eval(code, None).unwrap_err();
        assert!(e.message.contains(msg), "{code}: {}", e.message);
    }
}

#[test]
fn spike_monitor_records_variables_at_spikes() {
    let mut s = session("sm-vars", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(3, "dv/dt = 1/ms : 1\nw : 1", #{ threshold: "v > 0.25", reset: "v = 0", method: "euler" });
        G.w = "i";
        G.v = "0.1*i";
        let M = SpikeMonitor(G, "w");
        let M2 = SpikeMonitor(G, #{ variables: ["v", "w"] });
        run(0.5*ms);
        "#,
    );
    let i = floats(&mut s, "M.i");
    assert!(!i.is_empty());
    assert_eq!(floats(&mut s, "M.w"), i, "w = i at each spike");
    assert_eq!(floats(&mut s, "M2.w"), i);
    // v is recorded at the threshold, before the reset: above it.
    assert!(floats(&mut s, "M2.v").iter().all(|&v| v > 0.25));
    exec(&mut s, r#"store("a"); run(1*ms); restore("a");"#);
    assert_eq!(floats(&mut s, "M.w"), i, "restore brings the values back");
}

/// The `t` run_regularly code reads is its group's clock time, as in Brian 2 (3.8 ms at
/// a 0.25 ms operation's 3.75 ms tick; 39 x 0.1 ms, not 3 x 1.3 ms), bit for bit.
#[test]
fn run_regularly_code_reads_its_groups_clock_time() {
    let d = data("run_regularly");
    let mut s = session("rr-t", 1);
    exec(
        &mut s,
        r#"
let G = NeuronGroup(1, "x : second\ny : second\nn : 1");
G.run_regularly("x = t", #{ dt: 1.3*ms });
G.run_regularly("y = t; n += 1", #{ dt: 0.25*ms });
run(4*ms);
"#,
    );
    for (var, key) in [
        ("G.x[0] / second", "x"),
        ("G.y[0] / second", "y"),
        ("G.n[0]", "n"),
    ] {
        assert_eq!(num(&mut s, var), d["j"][key].as_f64().unwrap(), "{var}");
    }
}
