//! Brian 2's `G.get_states(...)` and `G.set_states(...)` against Brian 2 itself
//! (tests/data/get_states.json, written by tools/brian2/get_states.py): the variables each
//! option gives, and values without units after a `set_states`.

mod common;
use common::*;

fn keys(s: &mut brian::script::Session, expr: &str) -> Vec<String> {
    let mut k: Vec<String> = eval(s, &format!("{expr}.keys()"))
        .into_array()
        .unwrap()
        .into_iter()
        .map(|x| x.into_string().unwrap())
        .collect();
    k.sort();
    k
}

fn names(d: &serde_json::Value, key: &str) -> Vec<String> {
    d[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn get_states_gives_brian_2s_variables_and_set_states_writes_them() {
    let d = reference_data("get_states");
    let mut s = session("get-states", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt\nI = 2*v : volt\nw : 1",
                               #{ threshold: "v>1*mV", reset: "v=0*mV", refractory: 1*ms });
           let H = NeuronGroup(3, "x : 1");"#,
    );
    assert_eq!(keys(&mut s, "G.get_states()"), names(&d, "default"));
    assert_eq!(
        keys(&mut s, "G.get_states(#{ subexpressions: true })"),
        names(&d, "subexpressions")
    );
    assert_eq!(
        keys(&mut s, "G.get_states(#{ read_only_variables: false })"),
        names(&d, "no_read_only")
    );
    assert_eq!(
        keys(&mut s, "H.get_states()"),
        names(&d, "no_refractoriness")
    );
    exec(
        &mut s,
        r#"G.set_states(#{ v: array([1, 2])*mV, w: [3, 4] });
           let st = G.get_states(#{ vars: ["v", "w", "I"], units: false });"#,
    );
    assert_eq!(floats(&mut s, "st.v"), json_floats(&d["v_unitless"]));
    assert_eq!(floats(&mut s, "st.w"), json_floats(&d["w"]));
    assert_eq!(floats(&mut s, "st.I"), json_floats(&d["I_unitless"]));
    assert_eq!(num(&mut s, "G.get_states().t_in_timesteps"), 0.0);
    let e = s
        .eval("G.get_states(#{ variables: [] })", None)
        .expect_err("option");
    assert!(e.render("test", "").contains("has no option 'variables'"));
}
