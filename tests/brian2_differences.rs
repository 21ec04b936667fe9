//! The "smaller" differences from Brian 2 found in the issue "One network model", each
//! pinned by a test named after it. Where Brian 2 has a behaviour, the expected numbers and
//! whether it refuses come from tools/brian2/differences.py (tests/data/differences.json).

mod common;

use common::{eval, exec, floats, session};
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/data/differences.json").unwrap()).unwrap()
}

fn raises(case: &Value) -> bool {
    case["raises"].as_bool().expect("a case with 'raises'")
}

/// The rendered error of a script that must fail.
fn error(s: &mut brian::script::Session, src: &str) -> String {
    match s.eval(src, None) {
        Ok(v) => panic!("expected an error from {src:?}, got {v:?}"),
        Err(e) => e.render("test", src),
    }
}

fn assert_has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{p:?} not in: {text}");
    }
}

// --- 1. writing through getters --------------------------------------------------------

#[test]
fn connection_weight_set_through_w_is_written_back() {
    let mut s = session("diff-w", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(3, \"v : volt\");
         let C = Connection(G, G, \"v\", #{ weight: 1*mV, sparseness: 0.5 });",
    );
    let before: Vec<Vec<f64>> = (0..3)
        .map(|i| floats(&mut s, &format!("C.W[{i}] / mV")))
        .collect();
    // A synapse that exists, and one that does not.
    let (i, j) = (0..3)
        .flat_map(|i| (0..3).map(move |j| (i, j)))
        .find(|&(i, j)| before[i][j] != 0.0)
        .expect("a synapse");
    let (ai, aj) = (0..3)
        .flat_map(|i| (0..3).map(move |j| (i, j)))
        .find(|&(i, j)| before[i][j] == 0.0)
        .expect("a missing synapse");
    exec(&mut s, &format!("C.W[{i}][{j}] = 7*mV;"));
    let row = floats(&mut s, &format!("C.W[{i}] / mV"));
    let mut expected = before[i].clone();
    expected[j] = 7.0;
    assert_eq!(row, expected);
    // The new weight is what the connection propagates.
    let n = eval(&mut s, "len(C)").as_int().unwrap();
    assert_eq!(
        n as usize,
        before.iter().flatten().filter(|w| **w != 0.0).count()
    );
    let e = error(&mut s, &format!("C.W[{ai}][{aj}] = 2*mV;"));
    assert_has(
        &e,
        &[&format!("no synapse from {ai} to {aj}"), "cannot be set"],
    );
    let e = error(&mut s, &format!("C.W[{i}][{j}] = 2*second;"));
    assert_has(&e, &["units"]);
    // A refused change leaves every weight as it was.
    for (k, r) in before.iter().enumerate() {
        let mut r = r.clone();
        if k == i {
            r[j] = 7.0;
        }
        assert_eq!(floats(&mut s, &format!("C.W[{k}] / mV")), r);
    }
    // A whole row at once, through the same setter.
    exec(
        &mut s,
        &format!("let r = C.W[{i}]; r[{j}] = 3*mV; C.W[{i}] = r;"),
    );
    assert_eq!(floats(&mut s, &format!("C.W[{i}] / mV"))[j], 3.0);
}

#[test]
fn connection_weight_set_changes_what_is_propagated() {
    let mut s = session("diff-w-prop", 1);
    exec(
        &mut s,
        "let A = SpikeGeneratorGroup(1, [0], [0.5*ms]);
         let B = NeuronGroup(2, \"v : 1\");
         let C = Connection(A, B, \"v\", #{ weight: 1.0 });
         C.W[0][1] = 4.0;
         run(2*ms);",
    );
    assert_eq!(floats(&mut s, "B.v"), vec![1.0, 4.0]);
}

#[test]
fn synapses_variable_set_by_index() {
    let data = reference();
    let mut s = session("diff-syn-index", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(3, \"v : 1\", #{ threshold: \"v > 1\" });
         let S = Synapses(G, G, \"w : 1\", #{ on_pre: \"v += w\" });
         S.connect();
         S.w[2] = 5;",
    );
    let case = &data["syn_index_set"];
    assert!(!raises(case));
    let expected: Vec<f64> = case["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(floats(&mut s, "S.w"), expected);
    assert!(raises(&data["syn_index_set_out_of_range"]));
    let e = error(&mut s, "S.w[10] = 5;");
    assert_has(&e, &["10"]);
    // Delays by index write back too; the indices of the synapses cannot be changed.
    exec(&mut s, "S.delay[1] = 2*ms;");
    let mut expected = vec![0.0; 9];
    expected[1] = 2.0;
    assert_eq!(floats(&mut s, "S.delay / ms"), expected);
    let e = error(&mut s, "S.i[0] = 2;");
    assert_has(&e, &["S.i", "cannot be changed"]);
}

#[test]
fn recorded_data_cannot_be_changed_through_an_index() {
    let mut s = session("diff-readonly", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(2, \"dv/dt = 1/ms : 1\", #{ threshold: \"v > 1\", reset: \"v = 0\", method: \"euler\" });
         let M = SpikeMonitor(G);
         let R = PopulationRateMonitor(G);
         let V = StateMonitor(G, \"v\", #{ record: true });
         run(3*ms);",
    );
    for (src, what) in [
        ("M.t[0] = 1*ms;", "SpikeMonitor.t"),
        ("M.i[0] = 1;", "SpikeMonitor.i"),
        ("M.count[0] = 1;", "SpikeMonitor.count"),
        ("R.rate[0] = 1*Hz;", "PopulationRateMonitor.rate"),
        ("V.t[0] = 1*ms;", "StateMonitor.t"),
        ("V.v[0][0] = 1;", "StateMonitor.v"),
        ("V[0][0] = 1;", "M[0]"),
    ] {
        let e = error(&mut s, src);
        assert_has(&e, &[what, "cannot be changed"]);
    }
}

// --- 2. SpikeMonitor(record: false) and unknown options --------------------------------

const COUNTING: &str = "let G = NeuronGroup(3, \"dv/dt = 1/ms : 1\", #{ threshold: \"v > 1\", reset: \"v = 0\", method: \"euler\" });
     G.v = [0.0, 0.5, 0.9];";

#[test]
fn spike_monitor_record_false_keeps_only_counts() {
    let data = reference();
    let case = &data["record_false"];
    let mut s = session("diff-record-false", 1);
    exec(
        &mut s,
        &format!("{COUNTING}\nlet M = SpikeMonitor(G, #{{ record: false }});\nrun(3*ms);"),
    );
    let counts: Vec<f64> = case["count"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_f64().unwrap())
        .collect();
    assert_eq!(floats(&mut s, "M.count"), counts);
    assert_eq!(
        eval(&mut s, "M.num_spikes").as_int().unwrap(),
        case["num_spikes"].as_i64().unwrap()
    );
    for (src, key) in [
        ("M.i", "i"),
        ("M.t", "t"),
        ("M.spike_trains()", "spike_trains"),
    ] {
        assert!(raises(&case[key]), "Brian 2 gives {key}");
        let e = error(&mut s, src);
        assert_has(&e, &["record: false", "not been recorded"]);
    }
    let e = error(&mut s, "raster_plot(M);");
    assert_has(&e, &["record: false"]);
    // Saving keeps what there is: the counts in an .npz; a table of spikes is refused.
    exec(
        &mut s,
        "save(M, \"counts.npz\"); let L = load(\"counts.npz\");",
    );
    assert_eq!(floats(&mut s, "L.count"), counts);
    assert_eq!(eval(&mut s, "L.keys().len()").as_int().unwrap(), 1);
    let e = error(&mut s, "save(M, \"spikes.csv\");");
    assert_has(&e, &["record: false"]);
    let e = error(&mut s, "SpikeMonitor(G, #{ record: [0, 1] })");
    assert_has(&e, &["record should be true or false"]);
}

#[test]
fn spike_monitor_record_true_matches_brian2() {
    let data = reference();
    let case = &data["record_true"];
    let mut s = session("diff-record-true", 1);
    exec(
        &mut s,
        &format!("{COUNTING}\nlet M = SpikeMonitor(G, #{{ record: true }});\nrun(3*ms);"),
    );
    let num = |k: &str| -> Vec<f64> {
        case[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .collect()
    };
    assert_eq!(floats(&mut s, "M.count"), num("count"));
    assert_eq!(floats(&mut s, "M.i"), num("i"));
    let t = floats(&mut s, "M.t / second");
    let expected = num("t");
    assert_eq!(t.len(), expected.len());
    for (a, b) in t.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-12, "{t:?} vs {expected:?}");
    }
}

#[test]
fn unknown_options_are_errors_with_a_hint() {
    let data = reference();
    assert!(raises(&data["unknown_keyword"]));
    let mut s = session("diff-options", 1);
    exec(
        &mut s,
        &format!(
            "{COUNTING}
             let M = SpikeMonitor(G);
             let R = PopulationRateMonitor(G);
             let S = Synapses(G, G, \"w : 1\");
             let C = Connection(G, G, \"v\");
             run(1*ms);"
        ),
    );
    for (src, wrong, right) in [
        (
            "NeuronGroup(1, \"v : 1\", #{ threshhold: \"v > 1\" })",
            "threshhold",
            "threshold",
        ),
        ("SpikeMonitor(G, #{ recrod: false })", "recrod", "record"),
        (
            "StateMonitor(G, \"v\", #{ recrod: true })",
            "recrod",
            "record",
        ),
        ("PopulationRateMonitor(G, #{ nam: \"r\" })", "nam", "name"),
        ("R.smooth_rate(#{ widh: 1*ms })", "widh", "width"),
        (
            "SpikeGeneratorGroup(2, [0], [1*ms], #{ peroid: 5*ms })",
            "peroid",
            "period",
        ),
        (
            "PulsePacket(#{ t: 1*ms, n: 2, sgma: 1*ms })",
            "sgma",
            "sigma",
        ),
        (
            "Synapses(G, G, \"w : 1\", #{ on_pree: \"v += w\" })",
            "on_pree",
            "on_pre",
        ),
        (
            "S.connect(#{ conditon: \"i != j\" })",
            "conditon",
            "condition",
        ),
        (
            "Connection(G, G, \"v\", #{ wieght: 1.0 })",
            "wieght",
            "weight",
        ),
        ("C.connect_full(#{ wieght: 1.0 })", "wieght", "weight"),
        (
            "EmpiricalThreshold(#{ threshold: 1, refractroy: 1*ms })",
            "refractroy",
            "refractory",
        ),
        (
            "store(\"x\"); restore(\"x\", #{ restore_random: true })",
            "restore_random",
            "restore_random_state",
        ),
        (
            "raster_plot(M, #{ showgrouplnes: true })",
            "showgrouplnes",
            "showgrouplines",
        ),
        ("plot(M.t, M.i, #{ colr: \"r\" })", "colr", "color"),
        ("imshow(C.W, #{ orgin: \"lower\" })", "orgin", "origin"),
        ("hist(M.t, #{ bns: 3 })", "bns", "bins"),
        ("figure(#{ dpii: 100 })", "dpii", "dpi"),
        ("savefig(\"x.png\", #{ dpii: 100 })", "dpii", "dpi"),
    ] {
        let e = error(&mut s, src);
        assert_has(
            &e,
            &[
                &format!("no option '{wrong}'"),
                &format!("did you mean '{right}'?"),
            ],
        );
    }
}

// --- 3. monitors of groups that never spike --------------------------------------------

#[test]
fn spike_monitor_of_a_group_without_threshold_is_refused() {
    let data = reference();
    let case = &data["no_threshold"];
    let mut s = session("diff-no-threshold", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(3, \"v : 1\");
         let H = NeuronGroup(3, \"v : 1\", #{ threshold: \"v > 1\" });",
    );
    for (key, src, what) in [
        ("spike_monitor", "SpikeMonitor(G)", "SpikeMonitor"),
        (
            "rate_monitor",
            "PopulationRateMonitor(G)",
            "PopulationRateMonitor",
        ),
        (
            "synapses_on_pre",
            "Synapses(G, H, #{ on_pre: \"v += 1\" })",
            "source group",
        ),
        (
            "synapses_on_post",
            "Synapses(H, G, #{ on_post: \"v += 1\" })",
            "target group",
        ),
    ] {
        assert!(raises(&case[key]), "Brian 2 accepts {key}");
        let e = error(&mut s, src);
        assert_has(&e, &[what, "'neurongroup'", "no threshold"]);
    }
    // Subgroups of a group with a threshold, and Poisson groups, are fine; so are synapses
    // without pathways.
    exec(
        &mut s,
        "SpikeMonitor(H[0..2]); SpikeMonitor(PoissonGroup(2, 5*Hz));",
    );
    assert!(!raises(&case["synapses_without_pathway"]));
    exec(&mut s, "let S = Synapses(G, G, \"w : 1\"); S.connect();");
    assert_eq!(
        eval(&mut s, "len(S)").as_int().unwrap(),
        case["synapses_without_pathway"]["value"].as_i64().unwrap()
    );
}

// --- 4. noise terms --------------------------------------------------------------------

#[test]
fn bare_xi_in_two_equations_is_refused() {
    let data = reference();
    let case = &data["xi"];
    let mut s = session("diff-xi", 3);
    assert!(raises(&case["two_equations"]));
    let e = error(
        &mut s,
        "NeuronGroup(1, \"dv/dt = -v/ms + xi/sqrt(ms) : 1\\ndu/dt = -u/ms + xi/sqrt(ms) : 1\")",
    );
    assert_has(&e, &["'u' uses 'xi'", "'v' already uses", "xi_..."]);
    // The same xi twice in one equation is one noise term.
    assert!(!raises(&case["twice_in_one_equation"]));
    exec(
        &mut s,
        "let A = NeuronGroup(1, \"dv/dt = -v/ms + xi/sqrt(ms) + 2*xi/sqrt(ms) : 1\", #{ method: \"euler\" });
         run(0.5*ms);",
    );
    // A named noise in two equations is the same noise; two names are independent.
    for (name, key) in [
        ("xi_a", "same_name_identical"),
        ("xi_b", "different_names_identical"),
    ] {
        let same = case[key]["value"].as_bool().unwrap();
        exec(
            &mut s,
            &format!(
                "let N = NeuronGroup(1, \"dv/dt = -v/ms + xi_a/sqrt(ms) : 1\\ndu/dt = -u/ms + {name}/sqrt(ms) : 1\", #{{ method: \"euler\" }});
                 let V = StateMonitor(N, [\"v\", \"u\"], #{{ record: 0 }});
                 Network(N, V).run(1*ms);"
            ),
        );
        let (v, u) = (floats(&mut s, "V[\"v\"][0]"), floats(&mut s, "V[\"u\"][0]"));
        assert_eq!(v.len(), 10);
        assert!(v.iter().any(|x| *x != 0.0));
        assert_eq!(v == u, same, "{name}: v {v:?}, u {u:?}");
    }
}

// --- 5. object names -------------------------------------------------------------------

#[test]
fn duplicate_names_are_refused_when_run_together() {
    let data = reference();
    let case = &data["names"];
    let mut s = session("diff-names", 1);
    assert!(!raises(&case["create"]));
    exec(
        &mut s,
        "let a = NeuronGroup(1, \"v : 1\", #{ name: \"g\" });
         let b = NeuronGroup(1, \"v : 1\", #{ name: \"g\" });",
    );
    assert!(raises(&case["run_both"]));
    let e = error(&mut s, "run(0.1*ms);");
    assert_has(&e, &["unique names", "'g'"]);
    assert!(!raises(&case["separate_networks"]));
    // A failed magic run has taken its objects (Brian 2 too): fresh ones, as the
    // reference script makes them after start_scope().
    exec(
        &mut s,
        "start_scope();
         let a = NeuronGroup(1, \"v : 1\", #{ name: \"g\" });
         let b = NeuronGroup(1, \"v : 1\", #{ name: \"g\" });
         Network(a).run(0.1*ms); Network(b).run(0.1*ms);",
    );
    assert!(raises(&case["group_and_monitor"]));
    let e = error(
        &mut s,
        "start_scope();
         let H = NeuronGroup(1, \"v : 1\", #{ threshold: \"v > 1\", name: \"h\" });
         let M = SpikeMonitor(H, #{ name: \"h\" });
         Network(H, M).run(0.1*ms);",
    );
    assert_has(&e, &["unique names", "'h'"]);
}

#[test]
fn automatic_names_skip_names_in_use() {
    let mut s = session("diff-auto-names", 1);
    exec(
        &mut s,
        "let a = NeuronGroup(1, \"v : 1\", #{ name: \"neurongroup\" });
         let b = NeuronGroup(1, \"v : 1\");
         let c = Connection(a, b, \"v\", #{ name: \"mine\" });
         run(0.1*ms);",
    );
    let text = eval(&mut s, "`${b}|${c}`").into_string().unwrap();
    assert_has(&text, &["'neurongroup_1'", "'mine'"]);
}

// --- 6. other inputs that were ignored --------------------------------------------------

#[test]
fn options_that_were_ignored_are_used_or_refused() {
    let mut s = session("diff-ignored", 1);
    exec(&mut s, "let G = NeuronGroup(3, \"v : 1\");");
    let e = error(
        &mut s,
        "Connection(G, G, \"v\", #{ structure: \"sparce\" })",
    );
    assert_has(&e, &["structure", "'sparce'"]);
    exec(
        &mut s,
        "Connection(G, G, \"v\", #{ structure: \"dense\" });",
    );
    let e = error(
        &mut s,
        "EmpiricalThreshold(#{ threshold: 1, state: \"w\" })",
    );
    assert_has(&e, &["state"]);
    exec(&mut s, "EmpiricalThreshold(#{ threshold: 1, state: 0 });");
    let m = "[[1.0, 2.0], [3.0, 4.0]]";
    for (opts, part) in [
        ("#{ interpolation: \"bilinear\" }", "interpolation"),
        ("#{ aspect: \"square\" }", "aspect"),
        ("#{ origin: \"Lower\" }", "origin"),
    ] {
        let e = error(&mut s, &format!("imshow({m}, {opts})"));
        assert_has(&e, &[part]);
    }
    exec(
        &mut s,
        &format!(
            "imshow({m}, #{{ interpolation: \"nearest\", aspect: \"auto\", origin: \"upper\" }});"
        ),
    );
}

#[test]
fn negative_counts_and_indices_are_not_clamped() {
    let mut s = session("diff-negative", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(3, \"v : 1\", #{ threshold: \"v > 1\" });
         let C = Connection(G, G, \"v\", #{ weight: 1.0 });
         let S = Synapses(G, G, \"w : 1\");",
    );
    for (src, part) in [
        ("PoissonGroup(-2, 5*Hz)", "-2"),
        ("SpikeGeneratorGroup(-1, [], [])", "-1"),
        ("PulsePacket(1*ms, -3, 1*ms)", "-3"),
        ("G.subgroup(-1)", "-1"),
        ("S.connect(#{ n: -1 })", "-1"),
        ("hist([1.0, 2.0], #{ bins: 0 })", "bins"),
        ("StateMonitor(G, \"v\", #{ timestep: 0 })", "timestep"),
        ("C.W[3]", "row 3"),
        ("C.W[-4]", "row -4"),
    ] {
        let e = error(&mut s, src);
        assert_has(&e, &[part]);
    }
    // Negative rows count from the end, as in numpy.
    exec(&mut s, "C.W[-1][0] = 2.0;");
    assert_eq!(floats(&mut s, "C.W[2]"), vec![2.0, 1.0, 1.0]);
}
