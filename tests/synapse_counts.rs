//! Brian 2's `N_incoming` and `N_outgoing` of Synapses: per synapse, the number of
//! synapses onto its target neuron and from its source neuron, read by scripts and by
//! synaptic code, counted again after each connect, and read-only.

mod common;
use common::*;

#[test]
fn counts_follow_the_connectivity_and_code_reads_them() {
    let mut s = session("synapse-counts", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(4, "v : 1", #{ threshold: "v > 1", reset: "v = 0" });
           let S = Synapses(G, G, "w : 1", #{ on_pre: "v_post += 1.0/N_incoming" });
           S.connect("i < j");"#,
    );
    // pairs (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    assert_eq!(
        floats(&mut s, "S.N_incoming"),
        vec![1.0, 2.0, 3.0, 2.0, 3.0, 3.0]
    );
    assert_eq!(
        floats(&mut s, "S.N_outgoing"),
        vec![3.0, 3.0, 3.0, 2.0, 2.0, 1.0]
    );
    exec(&mut s, "S.connect(#{ i: 3, j: 0 });");
    assert_eq!(
        floats(&mut s, "S.N_incoming"),
        vec![1.0, 2.0, 3.0, 2.0, 3.0, 3.0, 1.0]
    );
    assert_eq!(
        floats(&mut s, "S.N_outgoing"),
        vec![3.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0]
    );
    // Neurons 0, 1, 2 spike once: neuron 3 gets 1/3 from each of its three synapses.
    exec(&mut s, "G.v = array([2, 2, 2, 0]); run(0.2*ms);");
    let v = floats(&mut s, "G.v");
    assert!((v[3] - 1.0).abs() < 1e-12, "{v:?}");
    let e = s.eval("S.N_outgoing = 2;", None).expect_err("read-only");
    assert!(e.render("test", "").contains("cannot be changed"));
}

#[test]
fn synapses_without_a_target_connect_the_group_to_itself() {
    let mut s = session("synapses-self", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(3, "v : 1", #{ threshold: "v > 1", reset: "v = 0" });
           let S = Synapses(G, #{ model: "w : 1", on_pre: "v_post += w" });
           S.connect("i != j");
           S.w = 0.5;
           G.v = array([2, 0, 0]);
           run(0.2*ms);"#,
    );
    assert_eq!(num(&mut s, "len(S)"), 6.0);
    assert_eq!(floats(&mut s, "G.v"), vec![0.0, 0.5, 0.5]);
    let code = r#"Synapses(G, "w : 1")"#;
    let e = s.eval(code, None).expect_err(code);
    assert!(e
        .render("test", code)
        .contains("the second argument is the target group"));
}
