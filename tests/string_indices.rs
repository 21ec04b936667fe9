//! Brian 2's string indices, `G.v["v > 2.5*mV"] = ...` and `S.w["i > j"] = "..."`, against
//! Brian 2 itself (tests/data/string_indices.json, written by
//! tools/brian2/string_indices.py): a number and code where a condition holds, `i` local
//! to a subgroup, synaptic variables and delays, and the conditional write that keeps a
//! refractory neuron's `(unless refractory)` variable. Also the refusals.

mod common;
use common::*;

fn close(what: &str, ours: &[f64], brian: &[f64]) {
    assert_eq!(ours.len(), brian.len(), "{what}");
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{what}[{k}]: ours {a}, Brian 2 {b}"
        );
    }
}

#[test]
fn a_condition_picks_the_neurons_written_and_a_subgroup_sees_its_own_i() {
    let d = reference_data("string_indices");
    let mut s = session("string-indices-a", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(6, "v : volt", #{ threshold: "v > 100*mV" });
           G.v = "i*mV";
           G.v["v > 2.5*mV"] = -1*mV;"#,
    );
    close(
        "a_v1",
        &floats(&mut s, "G.v / mV"),
        &json_floats(&d["a_v1"]),
    );
    exec(
        &mut s,
        r#"let sub = G[2..]; sub.v["i < 2"] = "10*mV + i*mV";"#,
    );
    close(
        "a_v2",
        &floats(&mut s, "G.v / mV"),
        &json_floats(&d["a_v2"]),
    );
}

#[test]
fn synaptic_variables_and_delays_take_conditions_on_the_pair() {
    let d = reference_data("string_indices");
    let mut s = session("string-indices-b", 1);
    exec(
        &mut s,
        r#"let H = NeuronGroup(4, "v : volt", #{ threshold: "v > 100*mV" });
           let S = Synapses(H, H, "w : volt", #{ on_pre: "v += w" });
           S.connect("i != j");
           S.w["i > j"] = "exp(-(i - j)**2/200.0) * mV";
           S.delay["i == 0"] = "j*ms";
           S.w["w == 0*mV"] = 2*mV;"#,
    );
    close("b_i", &floats(&mut s, "S.i"), &json_floats(&d["b_i"]));
    close("b_j", &floats(&mut s, "S.j"), &json_floats(&d["b_j"]));
    close("b_w", &floats(&mut s, "S.w / mV"), &json_floats(&d["b_w"]));
    close(
        "b_delay",
        &floats(&mut s, "S.delay / ms"),
        &json_floats(&d["b_delay"]),
    );
}

#[test]
fn a_refractory_neuron_keeps_its_unless_refractory_variable() {
    let d = reference_data("string_indices");
    let mut s = session("string-indices-c", 1);
    exec(
        &mut s,
        r#"let C = NeuronGroup(3, "dv/dt = 1*mV/ms : volt (unless refractory)",
                               #{ threshold: "v > 0.15*mV", reset: "v = 0*mV", refractory: 1*ms,
                                  method: "euler" });
           C.v = array([0.1, 0, 0]) * mV;
           run(0.1*ms);
           C.v["i >= 0"] = 5*mV;"#,
    );
    close("c_v", &floats(&mut s, "C.v / mV"), &json_floats(&d["c_v"]));
    let nr: Vec<f64> = d["c_not_refractory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| f64::from(u8::from(b.as_bool().unwrap())))
        .collect();
    close("c_not_refractory", &floats(&mut s, "C.not_refractory"), &nr);
}

#[test]
fn conditions_must_be_conditions_and_arrays_need_a_variable() {
    let mut s = session("string-indices-refused", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(3, "v : volt\nI : 1 (linked)");
           let src = NeuronGroup(3, "x : 1");
           G.I = linked_var(src, "x");"#,
    );
    for (code, expected) in [
        (r#"G.v["v + 1*mV"] = 1*mV;"#, "must be a condition"),
        (r#"G.v["i > 0"] = 1*second;"#, "units"),
        (
            r#"G.v["i > 0"] = array([1, 2]) * mV;"#,
            "one value or a code string",
        ),
        (
            r#"let a = array([1.0, 2.0]) * mV; a["i > 0"] = 1*mV;"#,
            "not an array",
        ),
        (r#"G.I["i > 0"] = 1;"#, "cannot set the linked variable 'I'"),
    ] {
        let e = s.eval(code, None).expect_err(code);
        let msg = e.render("test", code);
        assert!(msg.contains(expected), "{code}: '{expected}' not in: {msg}");
    }
}

#[test]
fn reading_with_a_condition_gives_the_values_where_it_holds() {
    let mut s = session("string-indices-read", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(6, "v : volt\nu = 2*v : volt", #{ threshold: "v > 100*mV" });
           G.v = "i*mV";
           let sub = G[2..];"#,
    );
    assert_eq!(
        floats(&mut s, r#"G.v["v > 2.5*mV"] / mV"#),
        vec![3.0, 4.0, 5.0]
    );
    assert_eq!(
        floats(&mut s, r#"G.u["i % 2 == 0"] / mV"#),
        vec![0.0, 4.0, 8.0]
    );
    // `i` is local to the subgroup, as in assignments.
    assert_eq!(floats(&mut s, r#"sub.v["i < 2"] / mV"#), vec![2.0, 3.0]);
    let code = r#"G.v["v > 2.5"]"#;
    let e = s.eval(code, None).expect_err(code);
    assert!(e.render("test", code).contains("units do not match"));
}
