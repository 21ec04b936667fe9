//! A group's variables as scripts read them, against Brian 2 (tests/data/variables.json,
//! made by tools/brian2/variables.py): `i` local to a subgroup, `N`, subexpressions
//! computed from the state, `v_` without units, shared parameters as one value.

mod common;
use common::*;

fn data() -> serde_json::Value {
    reference_data("variables")
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    json_floats(v)
}

fn close(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: {a:?} vs Brian 2 {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-12 * y.abs().max(1.0),
            "{what}: {a:?} vs Brian 2 {b:?}"
        );
    }
}

#[test]
fn group_variables_read_as_brian2_reads_them() {
    let d = data();
    let mut s = session("variables", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(10, `dv/dt = -v/(10*ms) : volt
                                 I = (v - E)/R : amp
                                 E : volt (shared)
                                 R : ohm`, #{ method: "exact" });
        G.v = "i*mV";
        G.R = "(1 + i)*Mohm";
        G.E = -2*mV;
        let SG = G[3..7];
    "#,
    );
    close(&floats(&mut s, "SG.i"), &nums(&d["sub_i"]), "subgroup i");
    assert_eq!(
        eval(&mut s, "G.N").as_int().unwrap(),
        d["N"].as_i64().unwrap()
    );
    assert_eq!(
        eval(&mut s, "SG.N").as_int().unwrap(),
        d["sub_N"].as_i64().unwrap()
    );
    close(
        &floats(&mut s, "G.I / nA"),
        &nums(&d["I"]),
        "subexpression I",
    );
    close(
        &floats(&mut s, "SG.I / nA"),
        &nums(&d["sub_I"]),
        "subexpression I of a subgroup",
    );
    close(&floats(&mut s, "G.v_"), &nums(&d["v_"]), "v_");
    let e = eval(&mut s, "G.E / volt").as_float().unwrap();
    close(&[e], &[d["E"].as_f64().unwrap()], "shared E");
}

#[test]
fn code_on_a_subgroup_keeps_the_groups_subexpressions() {
    let d = data();
    let mut s = session("variables-sub-code", 1);
    exec(
        &mut s,
        r#"
        let H = NeuronGroup(4, `x : 1
                                d = i*1.0 + N*100.0 : 1`);
        let SH = H[1..3];
        SH.x = "d + 1000*i + 10000*N";
    "#,
    );
    close(
        &floats(&mut s, "H.x"),
        &nums(&d["sub_code_with_subexpression"]),
        "H.x",
    );
}
