//! Brian 2 Synapses semantics, from scripts, against what Brian 2 itself does
//! (tests/data/schedule_semantics.json) and against its documented behaviour.

mod common;
use common::*;

#[test]
fn a_scalar_delay_shifts_the_effect_by_delay_over_dt_steps() {
    // Brian 2: a spike at 1 ms with a 2 ms delay changes v at step 30 (when="end") and is
    // first seen at step 31 by a monitor recording at the start of the step.
    let mut s = session("delay", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [1*ms]);
        let N = NeuronGroup(1, "v : volt");
        let S = Synapses(G, N, #{ on_pre: "v += 1*mV", delay: 2*ms });
        S.connect();
        let Mend = StateMonitor(N, "v", #{ record: true, when: "end" });
        let Mstart = StateMonitor(N, "v", #{ record: true });
        run(5*ms);
    "#,
    );
    assert_eq!(first_change(&floats(&mut s, "Mend[0] / mV")), 30);
    assert_eq!(first_change(&floats(&mut s, "Mstart[0] / mV")), 31);
    // Without delay the effect lands in the spike's own step (Brian 2: step 10).
    let mut s = session("nodelay", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [1*ms]);
        let N = NeuronGroup(1, "v : volt");
        let S = Synapses(G, N, #{ on_pre: "v += 1*mV" });
        S.connect();
        let M = StateMonitor(N, "v", #{ record: true, when: "end" });
        run(5*ms);
    "#,
    );
    assert_eq!(first_change(&floats(&mut s, "M[0] / mV")), 10);
}

#[test]
fn heterogeneous_delays_deliver_each_spike_at_its_own_step() {
    let mut s = session("hetero", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [1*ms]);
        let N = NeuronGroup(3, "v : volt");
        let S = Synapses(G, N, #{ on_pre: "v += 1*mV" });
        S.connect();
        S.delay = "(j + 1)*ms";
        let M = StateMonitor(N, "v", #{ record: true, when: "end" });
        run(6*ms);
    "#,
    );
    for (k, step) in [(0, 20), (1, 30), (2, 40)] {
        assert_eq!(
            first_change(&floats(&mut s, &format!("M[{k}] / mV"))),
            step,
            "synapse onto neuron {k}"
        );
    }
    // Brian 2 rounds delays to the nearest step: 1.04 ms -> 10 steps, 1.06 ms -> 11.
    let mut s = session("rounding", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(1, [0], [0*ms]);
        let N = NeuronGroup(2, "v : volt");
        let S = Synapses(G, N, #{ on_pre: "v += 1*mV" });
        S.connect();
        S.delay = [1.04*ms, 1.06*ms];
        let M = StateMonitor(N, "v", #{ record: true, when: "end" });
        run(3*ms);
    "#,
    );
    assert_eq!(first_change(&floats(&mut s, "M[0] / mV")), 10);
    assert_eq!(first_change(&floats(&mut s, "M[1] / mV")), 11);
}

#[test]
fn pre_runs_before_post_within_a_step() {
    let mut s = session("prepost", 7);
    exec(
        &mut s,
        r#"
        let A = SpikeGeneratorGroup(1, [0], [1*ms]);
        let B = SpikeGeneratorGroup(1, [0], [1*ms]);
        let S = Synapses(A, B, #{ model: "x : 1", on_pre: "x += 1", on_post: "x *= 2" });
        S.connect();
        run(2*ms);
    "#,
    );
    assert_eq!(floats(&mut s, "S.x"), vec![2.0], "(0 + 1) * 2: pre first");
}

#[test]
fn spikes_onto_one_neuron_add_up() {
    // Five sources spike together onto one target: v += w from each, none lost.
    let mut s = session("addup", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4], [1*ms, 1*ms, 1*ms, 1*ms, 1*ms]);
        let N = NeuronGroup(1, "v : volt");
        let S = Synapses(G, N, #{ model: "w : volt", on_pre: "v_post += w" });
        S.connect();
        S.w = "(i + 1)*mV";
        let T = Synapses(G, N, #{ model: "w : volt", on_pre: "v = clip(v + w, 0*mV, 100*mV)" });
        T.connect();
        T.w = "(i + 1)*mV";
        run(2*ms);
    "#,
    );
    let v = floats(&mut s, "N.v / mV");
    assert!((v[0] - 30.0).abs() < 1e-9, "15 mV twice, got {v:?}");
}

#[test]
fn a_summed_variable_equals_the_sum_over_its_synapses() {
    let mut s = session("summed", 7);
    exec(
        &mut s,
        r#"
        let src = NeuronGroup(4, "x : 1");
        let tgt = NeuronGroup(3, "I : 1");
        let S = Synapses(src, tgt, #{ model: "w : 1\nI_post = w*x_pre : 1 (summed)" });
        S.connect(#{ condition: "i != j" });
        S.w = "i + 10*j";
        src.x = [1, 2, 3, 4];
        run(0.1*ms);
    "#,
    );
    let got = floats(&mut s, "tgt.I");
    for (j, got) in got.iter().enumerate() {
        let expected: f64 = (0..4)
            .filter(|&i| i != j)
            .map(|i| (i as f64 + 10.0 * j as f64) * (i as f64 + 1.0))
            .sum();
        assert!(
            (got - expected).abs() < 1e-9,
            "neuron {j}: {got} vs {expected}"
        );
    }
}

#[test]
fn connect_rules_follow_brian() {
    let mut s = session("connect", 7);
    exec(
        &mut s,
        r#"
        let A = NeuronGroup(20, "v : 1");
        let S1 = Synapses(A, A); S1.connect(#{ j: "i" });
        let S2 = Synapses(A, A); S2.connect(#{ condition: "i != j" });
        let S3 = Synapses(A, A); S3.connect(#{ i: [0, 1, 2], j: [3, 4, 5] });
        let S4 = Synapses(A, A); S4.connect(#{ p: 0.25 });
        let S5 = Synapses(A, A); S5.connect(#{ condition: "abs(i - j) <= 1", n: 2 });
    "#,
    );
    assert_eq!(floats(&mut s, "S1.i"), floats(&mut s, "S1.j"));
    assert_eq!(eval(&mut s, "len(S2)").as_int().unwrap(), 380);
    assert_eq!(floats(&mut s, "S3.j"), vec![3.0, 4.0, 5.0]);
    let n4 = eval(&mut s, "len(S4)").as_int().unwrap();
    assert!(
        (60..=140).contains(&n4),
        "{n4} synapses for p = 0.25 of 400"
    );
    assert_eq!(eval(&mut s, "len(S5)").as_int().unwrap(), 2 * 58);
    let e = s
        .eval(
            "let S6 = Synapses(A, A); S6.connect(#{ j: \"i + 5\" });",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("outside the range 0 to 19"),
        "{}",
        e.message
    );
}

/// STDP with event-driven traces equals the same rule with clock-driven traces.
#[test]
fn event_driven_stdp_equals_clock_driven() {
    let mut s = session("stdp", 7);
    let rule = |kind: &str| {
        format!(
            r#"#{{ model: `w : 1
               dApre/dt = -Apre/taupre : 1 ({kind})
               dApost/dt = -Apost/taupost : 1 ({kind})`,
             on_pre: `ge += w
               Apre += dApre
               w = clip(w + Apost, 0, gmax)`,
             on_post: `Apost += dApost
               w = clip(w + Apre, 0, gmax)` }}"#
        )
    };
    let src = format!(
        r#"
        let taupre = 20*ms; let taupost = 20*ms; let gmax = 0.01;
        let dApre = 0.01 * gmax; let dApost = -0.0105 * gmax;
        let input = PoissonGroup(50, 40*Hz);
        let post = NeuronGroup(2, `dv/dt = (ge - v)/(10*ms) : 1
dge/dt = -ge/(5*ms) : 1`, #{{ threshold: "v > 0.002", reset: "v = 0" }});
        let E = Synapses(input, post[0..1], {});
        E.connect();
        let C = Synapses(input, post[1..2], {});
        C.connect();
        E.w = "0.5*gmax"; C.w = "0.5*gmax";
        run(2*second);
        "#,
        rule("event-driven"),
        rule("clock-driven")
    );
    exec(&mut s, &src);
    let e = floats(&mut s, "E.w");
    let c = floats(&mut s, "C.w");
    assert!(
        e.iter()
            .zip(&c)
            .any(|(a, b)| (a - 0.005).abs() > 1e-6 || (b - 0.005).abs() > 1e-6),
        "the weights changed"
    );
    for (a, b) in e.iter().zip(&c) {
        assert!((a - b).abs() < 1e-9, "event-driven {a} vs clock-driven {b}");
    }
}

#[test]
fn poisson_counts_follow_the_binomial() {
    let mut s = session("poisson", 7);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(4000, 50*Hz);
        let M = SpikeMonitor(P);
        run(1*second);
    "#,
    );
    let counts = floats(&mut s, "M.count");
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    // Binomial(10000, 0.005): mean 50, variance 49.75; standard errors 0.11 and 1.1.
    assert!((mean - 50.0).abs() < 0.5, "mean {mean}");
    assert!((var - 49.75).abs() < 5.0, "variance {var}");
}

#[test]
fn spike_generators_fire_at_the_given_steps() {
    let mut s = session("generator", 7);
    exec(
        &mut s,
        r#"
        let G = SpikeGeneratorGroup(3, [0, 2, 1, 0], [0.5*ms, 0.55*ms, 2.04*ms, 3*ms]);
        let M = SpikeMonitor(G);
        run(5*ms);
    "#,
    );
    let t: Vec<i64> = floats(&mut s, "M.t / (0.1*ms)")
        .iter()
        .map(|x| x.round() as i64)
        .collect();
    let i = floats(&mut s, "M.i");
    assert_eq!(t, vec![5, 5, 20, 30]);
    assert_eq!(i, vec![0.0, 2.0, 1.0, 0.0]);
}

#[test]
fn state_monitors_record_before_the_update_by_default() {
    let mut s = session("when", 7);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1");
        G.v = 1;
        let Ms = StateMonitor(G, "v", #{ record: 0 });
        let Me = StateMonitor(G, "v", #{ record: 0, when: "end" });
        run(0.3*ms);
    "#,
    );
    let start = floats(&mut s, "Ms[0]");
    let end = floats(&mut s, "Me[0]");
    assert_eq!(start[0], 1.0);
    assert!((start[1] - (-0.01f64).exp()).abs() < 1e-12);
    assert!((end[0] - start[1]).abs() < 1e-15);
}

/// Brian 2's STDP example (scripts/stdp.rhai) against Brian 2 itself
/// (tests/data/stdp_weights.json, 3 seeds): the weights become bimodal in the same way.
#[test]
fn stdp_example_matches_brian2() {
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/stdp_weights.json").unwrap())
            .unwrap();
    let r = |k: &str| reference[format!("{k}_over_seeds")].as_f64().unwrap();
    let mut s = session("stdp_example", 7);
    let src = std::fs::read_to_string("scripts/stdp.rhai").unwrap();
    s.state.borrow_mut().net.seed(1);
    exec(&mut s, &src);
    let w: Vec<f64> = floats(&mut s, "S.w / gmax");
    let n = w.len() as f64;
    let low = w.iter().filter(|x| **x < 0.1).count() as f64 / n;
    let high = w.iter().filter(|x| **x > 0.9).count() as f64 / n;
    let mean = w.iter().sum::<f64>() / n;
    assert!(
        (low - r("frac_low")).abs() < 0.05,
        "below 0.1 gmax: {low} vs Brian 2 {}",
        r("frac_low")
    );
    assert!(
        (high - r("frac_high")).abs() < 0.05,
        "above 0.9 gmax: {high} vs Brian 2 {}",
        r("frac_high")
    );
    assert!(
        (mean - r("mean_w")).abs() < 0.03,
        "mean: {mean} vs Brian 2 {}",
        r("mean_w")
    );
}

/// Brian 2's CUBA written with Synapses (`on_pre: "ge += we"`, no synapse variable):
/// a synapse holds its two neuron indices and nothing else (no `lastupdate` without
/// event-driven equations, synapses sorted by source need no index, connect reserves
/// what it needs instead of doubling).
#[test]
fn synapses_without_variables_take_8_bytes_each() {
    let mut s = common::session("syn-bytes", 2);
    common::exec(
        &mut s,
        r#"
let P = NeuronGroup(20000, "dv/dt = -v/(10*ms) : volt\nge : volt", #{ threshold: "v > 1*mV", reset: "v = 0*mV" });
let we = 0.1*mV;
let S = Synapses(P, P, #{ on_pre: "ge += we" });
S.connect(#{ p: 0.005 });
run(1*ms);
"#,
    );
    let st = s.state.borrow();
    let syn = &st.net.synapses[0];
    assert!(syn.len() > 1_900_000, "{} synapses", syn.len());
    let b = syn.bytes_per_synapse();
    assert!(b <= 8.1, "{b} bytes per synapse");
}

#[test]
fn pathways_that_only_add_weights_give_the_same_bits_as_computed_increments() {
    // `ge += w` and `gi += wi` are added straight from the synapse arrays (a direct
    // pathway); `ge += w*one_pre` goes through the kernel. One is 1, so each increment is
    // the same number, added in the same order: the runs must agree to the last bit,
    // with refractory neurons skipped in both.
    let run = |direct: bool| {
        let mut s = session("direct", 11);
        let (exc, inh) = if direct {
            ("ge += w", "gi += wi")
        } else {
            ("ge += w*one_pre", "gi += wi*one_pre")
        };
        exec(
            &mut s,
            &format!(
                r#"
            let wi = -2.5*mV;
            let eqs = `
              dv/dt = (ge + gi - (v + 49*mV))/(20*ms) : volt (unless refractory)
              dge/dt = -ge/(5*ms) : volt (unless refractory)
              dgi/dt = -gi/(10*ms) : volt
              one : 1`;
            let P = NeuronGroup(400, eqs, #{{ threshold: "v > -50*mV", reset: "v = -60*mV",
                                              refractory: 3*ms, method: "exact" }});
            P.one = 1;
            P.v = "-60*mV + rand()*10*mV";
            let Ce = Synapses(P[0..320], P, #{{ model: "w : volt", on_pre: "{exc}" }});
            Ce.connect(#{{ p: 0.05 }});
            Ce.w = "rand()*2*mV";
            let Ci = Synapses(P[320..400], P, #{{ on_pre: "{inh}" }});
            Ci.connect(#{{ p: 0.05 }});
            let M = SpikeMonitor(P);
            run(200*ms);
        "#
            ),
        );
        (
            floats(&mut s, "M.i"),
            floats(&mut s, "M.t / ms"),
            floats(&mut s, "P.v / mV"),
        )
    };
    let (a, b) = (run(true), run(false));
    assert!(a.0.len() > 200, "too few spikes to compare: {}", a.0.len());
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.2), bits(&b.2));
}
