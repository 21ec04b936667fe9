//! Refractoriness over many neurons, against Brian 2 itself
//! (tests/data/refractory_semantics.json, written by tools/brian2/refractory_semantics.py):
//! neurons entering refractoriness while others leave it, a refractory period that goes
//! on into the next run, `not_refractory` and `lastspike` set by the script between runs,
//! a per-neuron refractory time, a condition to leave refractoriness, and code outside
//! the threshold (synapses, run_regularly) writing `lastspike` and `not_refractory` during
//! the run. The group evaluates Brian 2's rule for the refractory neurons alone; these
//! compare `v`, `not_refractory` and `lastspike` of every neuron at every step, bit for
//! bit, and the spikes. Also: store/restore brings the refractory state back.

mod common;
use common::*;
use serde_json::Value;

fn data() -> Value {
    reference_data("refractory_semantics")
}

/// Steps x neurons from a StateMonitor `m` recording `n` neurons, divided by `unit`.
fn recorded(s: &mut brian::script::Session, m: &str, n: usize, unit: &str) -> Vec<Vec<f64>> {
    let per_neuron: Vec<Vec<f64>> = (0..n)
        .map(|k| floats(s, &format!("{m}[{k}]{unit}")))
        .collect();
    let steps = per_neuron[0].len();
    (0..steps)
        .map(|t| per_neuron.iter().map(|tr| tr[t]).collect())
        .collect()
}

fn same(what: &str, ours: &[Vec<f64>], brian: &[Vec<f64>]) {
    assert_eq!(ours.len(), brian.len(), "{what}: number of steps");
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        let same_bits =
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same_bits, "{what}: step {k}: ours {a:?}, Brian 2 {b:?}");
    }
}

const MODEL: &str = r"dv/dt = rate : volt{flag}\nrate : volt/second{extra}";

fn group(n: usize, flag: bool, extra: &str, opts: &str) -> String {
    let model = MODEL
        .replace("{flag}", if flag { " (unless refractory)" } else { "" })
        .replace("{extra}", extra);
    format!(
        r#"
        let G = NeuronGroup({n}, "{model}", #{{ threshold: "v > 10*mV", method: "euler", {opts} }});
        G.rate = "(2 + i)*mV/ms";
        "#
    )
}

const MONITORS: &str = r#"
    let Mv = StateMonitor(G, "v", #{ record: true, when: "end" });
    let Mn = StateMonitor(G, "not_refractory", #{ record: true, when: "end" });
    let Ml = StateMonitor(G, "lastspike", #{ record: true, when: "end" });
    let sp = SpikeMonitor(G);
"#;

fn check(s: &mut brian::script::Session, d: &Value, key: &str, n: usize) {
    same(
        &format!("{key}: v"),
        &recorded(s, "Mv", n, " / volt"),
        &json_table(d, &format!("{key}_v")),
    );
    same(
        &format!("{key}: not_refractory"),
        &recorded(s, "Mn", n, ""),
        &json_table(d, &format!("{key}_nr")),
    );
    // lastspike before a neuron's first spike is Brian 2's -10000 s here and -1e9 s
    // there; nothing reads it then (the period is long over either way).
    let ours = recorded(s, "Ml", n, " / second");
    let brian = json_table(d, &format!("{key}_lastspike"));
    let seen = |x: f64| if x < -1000.0 { f64::NEG_INFINITY } else { x };
    let norm = |t: &[Vec<f64>]| -> Vec<Vec<f64>> {
        t.iter()
            .map(|row| row.iter().map(|&x| seen(x)).collect())
            .collect()
    };
    same(&format!("{key}: lastspike"), &norm(&ours), &norm(&brian));
    let i: Vec<f64> = json_floats(&d[format!("{key}_i")]);
    let t: Vec<f64> = json_floats(&d[format!("{key}_t")]);
    assert_eq!(floats(s, "sp.i"), i, "{key}: spiking neurons");
    assert_eq!(floats(s, "sp.t / second"), t, "{key}: spike times");
}

#[test]
fn refractoriness_goes_on_into_the_next_run_and_follows_values_set_between_runs() {
    let d = data();
    let lastspike_5 = json_table(&d, "a_lastspike")[33][5];
    let mut s = session("refractory-two-runs", 1);
    exec(
        &mut s,
        &format!(
            r#"
            {}
            {MONITORS}
            run(3.3*ms);
            G.not_refractory = false;
            G[5..6].lastspike = {lastspike_5:?}*second;
            run(4.7*ms);
            "#,
            group(6, true, "", r#"reset: "v = 0*mV", refractory: 2*ms"#)
        ),
    );
    check(&mut s, &d, "a", 6);
}

#[test]
fn a_refractory_time_per_neuron_matches_brian2() {
    let d = data();
    let mut s = session("refractory-per-neuron", 1);
    exec(
        &mut s,
        &format!(
            r#"
            {}
            G.ref = "(1 + 0.35*i)*ms";
            {MONITORS}
            run(8*ms);
            "#,
            group(
                6,
                true,
                r"\nref : second",
                r#"reset: "v = 0*mV", refractory: "ref""#
            )
        ),
    );
    assert_eq!(floats(&mut s, "G.ref / second"), json_floats(&d["b_ref"]));
    check(&mut s, &d, "b", 6);
}

#[test]
fn a_condition_to_leave_refractoriness_matches_brian2() {
    let d = data();
    let mut s = session("refractory-condition", 1);
    exec(
        &mut s,
        &format!(
            r#"
            {}
            {MONITORS}
            run(8*ms);
            "#,
            group(
                6,
                true,
                r"\ndw/dt = -1/ms : 1",
                r#"reset: "v = 0*mV; w = 1", refractory: "w > 0.25""#
            )
        ),
    );
    check(&mut s, &d, "c", 6);
}

#[test]
fn synapses_writing_refractoriness_are_seen() {
    let d = data();
    let mut s = session("refractory-synapse-writes", 1);
    exec(
        &mut s,
        &format!(
            r#"
            {}
            let gen = SpikeGeneratorGroup(2, [0, 1], [1.05*ms, 2.55*ms]);
            let S1 = Synapses(gen, G, #{{ on_pre: "lastspike_post = t" }});
            S1.connect(#{{ i: [0], j: [0] }});
            let S2 = Synapses(gen, G, #{{ on_pre: "not_refractory_post = False" }});
            S2.connect(#{{ i: [1, 1], j: [1, 2] }});
            {MONITORS}
            run(6*ms);
            "#,
            group(4, false, "", r#"reset: "v = 0*mV", refractory: 2*ms"#)
        ),
    );
    check(&mut s, &d, "d", 4);
}

#[test]
fn run_regularly_writing_lastspike_is_seen() {
    let d = data();
    let mut s = session("refractory-code-writes", 1);
    exec(
        &mut s,
        &format!(
            r#"
            {}
            G[3..4].run_regularly("lastspike = t", #{{ dt: 1.1*ms }});
            {MONITORS}
            run(6*ms);
            "#,
            group(4, false, "", r#"reset: "v = 0*mV", refractory: 2*ms"#)
        ),
    );
    check(&mut s, &d, "e", 4);
}

#[test]
fn store_and_restore_bring_back_the_refractory_neurons() {
    // Stored while some neurons are refractory (and v of those held): the run after the
    // restore repeats the run after the store, spike for spike and value for value.
    for (refractory, flag) in [
        ("2*ms", true),
        (r#""(1 + 0.35*i)*ms""#, true),
        (r#""v < 3*mV""#, false),
    ] {
        let mut s = session("refractory-store", 1);
        exec(
            &mut s,
            &format!(
                r#"
                {}
                let sp = SpikeMonitor(G);
                run(3.3*ms);
                let nr0 = G.not_refractory;
                store("x");
                run(4.7*ms);
                let i1 = sp.i; let t1 = sp.t / second;
                let v1 = G.v / volt; let nr1 = G.not_refractory; let l1 = G.lastspike / second;
                restore("x");
                run(4.7*ms);
                "#,
                group(
                    40,
                    flag,
                    "",
                    &format!(r#"reset: "v = 0*mV", refractory: {refractory}"#)
                )
            ),
        );
        // Some neurons were refractory at the store (the test means something).
        let nr0 = floats(&mut s, "nr0");
        assert!(nr0.contains(&0.0), "{refractory}: {nr0:?}");
        for (a, b) in [
            ("i1", "sp.i"),
            ("t1", "sp.t / second"),
            ("v1", "G.v / volt"),
            ("nr1", "G.not_refractory"),
            ("l1", "G.lastspike / second"),
        ] {
            assert_eq!(floats(&mut s, a), floats(&mut s, b), "{refractory}: {b}");
        }
    }
}
