//! Brian 2's per-neuron view of a StateMonitor, `M[k].v` (neuron k by its index, not its
//! position among the recorded), beside Brian 1's `M[k]` (the first variable's trace);
//! whole-matrix reductions and scaling (`mean(M.v)`, `M.v / mV`) and `for t in M.t`.

mod common;
use common::*;

fn setup() -> brian::script::Session {
    let mut s = session("monitor-views", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(4, "dv/dt = (i*mV - v)/(2*ms) : volt\nw = 2*v/mV : 1", #{ method: "exact" });
           let M = StateMonitor(G, ["v", "w"], #{ record: [1, 3] });
           run(1*ms);"#,
    );
    s
}

#[test]
fn a_neurons_view_reads_each_recorded_variable_by_neuron_index() {
    let mut s = setup();
    // Neuron 3 is the second recorded: M.v[1] is its row.
    assert_eq!(floats(&mut s, "M[3].v / mV"), floats(&mut s, "M.v[1] / mV"));
    assert_eq!(floats(&mut s, "M[3].w"), floats(&mut s, "M.w[1]"));
    assert_eq!(floats(&mut s, "M[1].t / ms"), floats(&mut s, "M.t / ms"));
    // Brian 1: M[k] alone is the first variable's trace.
    assert_eq!(floats(&mut s, "M[1] / mV"), floats(&mut s, "M[1].v / mV"));
    let w = floats(&mut s, "M[3].w");
    let v = floats(&mut s, "M[3].v / mV");
    assert_eq!(w.len(), 10);
    assert!(w.iter().zip(&v).all(|(w, v)| (w - 2.0 * v).abs() < 1e-12));
}

#[test]
fn a_view_refuses_what_is_not_recorded_and_plain_arrays_have_no_variables() {
    let mut s = setup();
    for (code, expected) in [
        ("M[2].v", "neuron 2 is not recorded"),
        ("M[1].u", "records [\"v\", \"w\"], not 'u'"),
        ("(M[1] / mV).v", "only a StateMonitor's trace"),
        ("M[1][0..3].v", "only a StateMonitor's trace"),
    ] {
        let e = s.eval(code, None).expect_err(code);
        let msg = e.render("test", code);
        assert!(msg.contains(expected), "{code}: '{expected}' not in: {msg}");
    }
}

#[test]
fn matrices_reduce_over_all_elements_and_scale_by_units() {
    let mut s = setup();
    let all: Vec<f64> = [floats(&mut s, "M.v[0] / mV"), floats(&mut s, "M.v[1] / mV")].concat();
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    assert!((num(&mut s, "mean(M.v) / mV") - mean).abs() < 1e-12);
    assert!((num(&mut s, "mean(M.v / mV)") - mean).abs() < 1e-12);
    assert!(
        (num(&mut s, "max(M.v / mV)") - all.iter().cloned().fold(f64::MIN, f64::max)).abs() < 1e-12
    );
    assert!((num(&mut s, "sum(2 * M.w)") - 4.0 * all.iter().sum::<f64>()).abs() < 1e-9);
    let e = s.eval("M.v / M.v", None).expect_err("matrix by matrix");
    assert!(e.render("test", "M.v / M.v").contains("the factor"));
}

#[test]
fn for_loops_run_over_quantity_arrays_element_by_element() {
    let mut s = setup();
    assert_eq!(
        num(
            &mut s,
            "let c = 0; for t in M.t { if t > 0.45*ms { c += 1; } } c"
        ),
        5.0
    );
    let total = num(&mut s, "let c = 0.0; for t in M.t / ms { c += t; } c");
    assert!((total - 4.5).abs() < 1e-12, "{total}"); // 0 + 0.1 + ... + 0.9 ms
}

#[test]
fn true_records_every_name_of_the_equations_as_brian_2() {
    let mut s = session("monitor-all", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nI = 2*v : 1\nw : 1",
                               #{ threshold: "v>1", reset: "v=0", refractory: 1*ms });
           G.v = 0.5;
           let M = StateMonitor(G, true, #{ record: true });
           let H = NeuronGroup(2, "u : 1");
           let S = Synapses(H, H, "w : 1\ndx/dt = -x/ms : 1 (clock-driven)");
           S.connect();
           let MS = StateMonitor(S, true, #{ record: true });
           let N = NeuronGroup(1, "dv/dt = -v/ms : 1");
           let MN = StateMonitor(N, true);
           run(0.3*ms);"#,
    );
    let v = floats(&mut s, "M[1].v");
    let i = floats(&mut s, "M[1].I");
    assert!(v.iter().zip(&i).all(|(v, i)| (2.0 * v - i).abs() < 1e-12));
    assert_eq!(floats(&mut s, "M[0].not_refractory"), vec![1.0, 1.0, 1.0]);
    assert_eq!(floats(&mut s, "M[0].lastspike / second").len(), 3);
    assert_eq!(floats(&mut s, "MS.w[3]"), vec![0.0, 0.0, 0.0]);
    assert_eq!(floats(&mut s, "MS.x[3]").len(), 3);
    // Without refractoriness Brian 2 has no lastspike to record.
    let e = s.eval("MN.lastspike", None).expect_err("no lastspike");
    assert!(e.render("test", "MN.lastspike").contains("not 'lastspike'"));
}
