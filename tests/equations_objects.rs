//! Brian 2's `Equations` objects in scripts: `+` joins them, `Equations(eqs, #{ ... })`
//! renames variables (`dv/dt` too) and replaces external names by values, with Brian 2's
//! refusals; and `G[k]`, the subgroup of one neuron.

mod common;
use common::*;

#[test]
fn equations_join_and_substitute_and_the_group_runs_them() {
    let mut s = session("equations-objects", 1);
    exec(
        &mut s,
        r#"let base = "dv/dt = (E - v)/tau : volt";
           let eqs = Equations(base, #{ v: "v_e", tau: 10*ms, E: 2*mV }) + Equations("w : 1");
           let G = NeuronGroup(2, eqs, #{ method: "exact" });
           G.w = 3;
           run(10*ms);"#,
    );
    // v_e relaxes to E = 2 mV with tau = 10 ms: after one tau, 2*(1 - 1/e) mV.
    let v = floats(&mut s, "G.v_e / mV");
    let expected = 2.0 * (1.0 - (-1.0f64).exp());
    assert!(v.iter().all(|x| (x - expected).abs() < 1e-9), "{v:?}");
    assert_eq!(floats(&mut s, "G.w"), vec![3.0, 3.0]);
    let text = eqs_text(&mut s, "eqs");
    assert!(
        text.contains("dv_e/dt") && text.ends_with("w : 1\n"),
        "{text}"
    );
}

fn eqs_text(s: &mut brian::script::Session, name: &str) -> String {
    eval(s, name).into_string().unwrap()
}

#[test]
fn substitution_refuses_what_brian_2_refuses() {
    let mut s = session("equations-refused", 1);
    for (code, expected) in [
        (
            r#"Equations("dv/dt = -v/tau : 1", #{ v: 1 })"#,
            "model variable 'v' with a value",
        ),
        (
            r#"Equations("dv/dt = -v/tau : 1\nw : 1", #{ v: "w" })"#,
            "defined twice",
        ),
        (
            r#"Equations("dv/dt = -v/tau : 1", #{ tau: "2x" })"#,
            "not a valid name",
        ),
        (
            r#"Equations("dv/dt = -v/tau : 1", #{ tau: "(" })"#,
            "not a valid name",
        ),
    ] {
        let e = s.eval(code, None).expect_err(code);
        let msg = e.render("test", code);
        assert!(msg.contains(expected), "{code}: '{expected}' not in: {msg}");
    }
}

#[test]
fn a_single_index_is_a_subgroup_of_one_neuron() {
    let mut s = session("group-single-index", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(5, "v : 1");
           let g = G[3];
           g.v = 7;
           G[0].v = "i + 1";"#,
    );
    assert_eq!(floats(&mut s, "G.v"), vec![1.0, 0.0, 0.0, 7.0, 0.0]);
    assert_eq!(num(&mut s, "len(G[4])"), 1.0);
    let e = s.eval("G[5]", None).expect_err("out of range");
    assert!(e
        .render("test", "G[5]")
        .contains("outside the group's range 0 to 4"));
}
