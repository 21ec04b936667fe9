//! Brian 1's Connection: delays (floored to steps, homogeneous or one per synapse),
//! max_delay, connect_* between subgroups, the weight matrix.

mod common;
use common::*;

#[test]
fn brian1_floors_a_homogeneous_delay() {
    let mut s = session("floor", 11);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [1*ms]);
        let N = NeuronGroup(1, "v : volt");
        let C = Connection(G, N, "v", #{ weight: 1*mV, delay: 1.09*ms });
        let M = StateMonitor(N, "v", #{ record: true, when: "end" });
        run(4*ms);
    "#,
    );
    assert_eq!(
        first_change(&floats(&mut s, "M[0] / mV")),
        20,
        "spike at step 10, delay floor(10.9) = 10 steps"
    );
}

#[test]
fn heterogeneous_delays_per_synapse() {
    let mut s = session("hetero", 11);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [1*ms]);
        let N = NeuronGroup(3, "v : volt");
        let C = Connection(G, N, "v", #{ weight: 1*mV, delay: |i, j| (j + 1)*ms, max_delay: 5*ms });
        let D = Connection(G, N, "v", #{ weight: 1*mV, delay: "(2*j + 1)*ms" });
        let M = StateMonitor(N, "v", #{ record: true, when: "end" });
        run(8*ms);
    "#,
    );
    for (k, first) in [(0, 20), (1, 30), (2, 40)] {
        let trace = floats(&mut s, &format!("M[{k}] / mV"));
        assert_eq!(first_change(&trace), first, "neuron {k}");
        assert!(
            (trace.last().unwrap() - 2.0).abs() < 1e-12,
            "both connections delivered"
        );
    }
    let e = s
        .eval("start_scope(); let G = SpikeGeneratorGroup(1, [0], [1*ms]); let N = NeuronGroup(3, \"v : volt\"); let E = Connection(G, N, \"v\", #{ weight: 1*mV, delay: [1*ms, 9*ms], max_delay: 5*ms }); run(1*ms);", None)
        .unwrap_err();
    assert!(e.message.contains("exceeds max_delay"), "{}", e.message);
}

#[test]
fn connect_between_subgroups_and_the_weight_matrix() {
    let mut s = session("subgroups", 11);
    exec(
        &mut s,
        r#"
        let P = NeuronGroup(6, "v : volt");
        let A = P.subgroup(2);
        let B = P.subgroup(4);
        let C = Connection(P, P, "v");
        C.connect_full(A, B, 2*mV);
        C.connect_one_to_one(B[0..2], A, |i, j| (i + 1)*mV);
        let W = C.W.todense();
    "#,
    );
    let rows: Vec<Vec<f64>> = (0..6)
        .map(|i| floats(&mut s, &format!("W[{i}] / mV")))
        .collect();
    for row in &rows[0..2] {
        assert!(row[2..6].iter().all(|w| *w == 2.0), "{row:?}");
    }
    assert_eq!(rows[2][0], 1.0);
    assert_eq!(rows[3][1], 2.0);
    assert_eq!(eval(&mut s, "len(C)").as_int().unwrap(), 10);
    let e = s
        .eval(
            "C.connect_full(A, NeuronGroup(2, \"v : volt\"), 1*mV)",
            None,
        )
        .unwrap_err();
    assert!(
        e.message
            .contains("must be a part of the connection's target group"),
        "{}",
        e.message
    );
}
