//! Linked variables (`I : 1 (linked)`, `G.I = linked_var(source, "x")`) against Brian 2
//! itself (tests/data/linked_variables.json, written by tools/brian2/linked_variables.py):
//! a size-1 source linked to every neuron, the source's state update before or after the
//! target's (Brian 2 orders a slot by name: this decides whether the target reads this
//! step's or the last step's value), an index
//! array, a threshold reading the linked variable, a source reset between the slots.
//! Also Brian 2's refusals, each naming the problem.

mod common;
use common::*;
use serde_json::Value;

fn data() -> Value {
    reference_data("linked_variables")
}

/// Steps x neurons of variable `var` recorded by StateMonitor `m` of `n` neurons.
fn recorded(s: &mut brian::script::Session, m: &str, var: &str, n: usize) -> Vec<Vec<f64>> {
    let per: Vec<Vec<f64>> = (0..n)
        .map(|k| floats(s, &format!("{m}[{k}].{var}")))
        .collect();
    (0..per[0].len())
        .map(|t| per.iter().map(|tr| tr[t]).collect())
        .collect()
}

fn close(what: &str, ours: &[Vec<f64>], brian: &[Vec<f64>]) {
    assert_eq!(ours.len(), brian.len(), "{what}: number of steps");
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        let ok = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12);
        assert!(ok, "{what}: step {k}: ours {a:?}, Brian 2 {b:?}");
    }
}

fn size_one_source(key: &str, source_name: &str) {
    let d = data();
    let mut s = session(&format!("linked-{key}"), 1);
    exec(
        &mut s,
        &format!(
            r#"let src = NeuronGroup(1, "dx/dt = (1 - x)/(5*ms) : 1",
                                     #{{ method: "euler", name: "{source_name}" }});
               let tg = NeuronGroup(3, "dv/dt = (I - v)/(10*ms) : 1\nI : 1 (linked)",
                                    #{{ method: "euler", name: "tg" }});"#
        ),
    );
    exec(
        &mut s,
        r#"tg.I = linked_var(src, "x");
           let mon = StateMonitor(tg, ["v", "I"], #{ record: true });
           run(4*ms);"#,
    );
    close(
        &format!("{key}: I"),
        &recorded(&mut s, "mon", "I", 3),
        &json_table(&d, &format!("{key}_I")),
    );
    close(
        &format!("{key}: v"),
        &recorded(&mut s, "mon", "v", 3),
        &json_table(&d, &format!("{key}_v")),
    );
}

#[test]
fn a_size_one_source_feeds_every_neuron() {
    size_one_source("a", "src");
}

#[test]
fn a_target_updated_before_its_source_reads_the_last_steps_value() {
    size_one_source("b", "zsrc");
}

#[test]
fn an_index_array_picks_source_neurons_and_the_threshold_reads_the_link() {
    let d = data();
    let mut s = session("linked-c", 1);
    exec(
        &mut s,
        r#"let src = NeuronGroup(3, "x : 1");
           src.x = "i";
           let tg = NeuronGroup(4, "dv/dt = 1/ms : 1\nI : 1 (linked)",
                                #{ threshold: "I > 1.5", reset: "v = 0", method: "euler" });
           tg.I = linked_var(src, "x", #{ index: [2, 0, 1, 2] });
           let sm = SpikeMonitor(tg);
           run(1*ms);"#,
    );
    assert_eq!(floats(&mut s, "tg.I"), json_floats(&d["c_I"]));
    assert_eq!(floats(&mut s, "sm.count"), json_floats(&d["c_count"]));
}

#[test]
fn monitors_at_the_end_of_a_step_see_the_sources_reset() {
    let d = data();
    let mut s = session("linked-d", 1);
    exec(
        &mut s,
        r#"let src = NeuronGroup(2, "dx/dt = 1/ms : 1",
                                 #{ threshold: "x > 0.35", reset: "x = 0", method: "euler",
                                    name: "src" });
           src.x = [0.0, 0.2];
           let tg = NeuronGroup(2, "dv/dt = I/ms : 1\nI : 1 (linked)",
                                #{ method: "euler", name: "tg" });
           tg.I = linked_var(src, "x");
           let mon = StateMonitor(tg, ["v", "I"], #{ record: true, when: "end" });
           run(1*ms);"#,
    );
    close(
        "d: I",
        &recorded(&mut s, "mon", "I", 2),
        &json_table(&d, "d_I"),
    );
    close(
        "d: v",
        &recorded(&mut s, "mon", "v", 2),
        &json_table(&d, "d_v"),
    );
    // Between runs the script sees the source's current values, also after assigning them.
    exec(&mut s, "src.x = [0.125, 0.25];");
    assert_eq!(floats(&mut s, "tg.I"), vec![0.125, 0.25]);
}

fn refused(setup: &str, expected: &[&str]) {
    let mut s = session("linked-refused", 1);
    let e = s.eval(setup, None).expect_err("refused");
    let msg = e.render("test", setup);
    for part in expected {
        assert!(msg.contains(part), "'{part}' not in: {msg}");
    }
}

#[test]
fn brian_2s_refusals_name_the_problem() {
    let groups = r#"let src = NeuronGroup(3, "x : volt\ny : 1\nz = 2*y : 1");
                    let tg = NeuronGroup(4, "I : 1 (linked)\nJ : 1");"#;
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "x");"#),
        &["in 1", "in V", "units differ"],
    );
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "y");"#),
        &["3 neurons", "index array"],
    );
    refused(
        &format!(r#"{groups} tg.J = linked_var(src, "y");"#),
        &["'J'", "not a linked variable", "(linked)"],
    );
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "z", #{{ index: [0, 1, 2, 0] }});"#),
        &["subexpression 'z'"],
    );
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "y", #{{ index: [0, 1, 3, 0] }});"#),
        &["holds 3", "0 to 2"],
    );
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "y", #{{ index: [0, 1] }}); "#),
        &["one entry per neuron", "(4), not 2"],
    );
    refused(
        &format!(r#"{groups} tg.I = linked_var(src, "y", #{{ index: [0, 1, 2, 0] }}); tg.I = 3;"#),
        &["cannot set the linked variable 'I'"],
    );
    refused(
        &format!(r#"{groups} run(1*ms);"#),
        &["'I'", "no link target", "linked_var"],
    );
}
