//! Variables recorded and read as Brian 2 does, against tests/data/variables_more.json
//! (made by tools/brian2/variables_more.py): StateMonitors of subexpressions (all
//! neurons, a list, one index, a subgroup: a group's subexpression keeps the group's `i`;
//! a subgroup's `i` recorded in list order)
//! computed at recording time over 2 ms of an integrating model, a subexpression of `t`
//! read after the run, and a Synapses object's variables (`i`, `j`, `N`, `N_pre`,
//! `N_post`, subexpressions read and recorded, `w_`, a shared parameter, `v_post`, `v`).

mod common;
use common::*;

fn data() -> serde_json::Value {
    reference_data("variables_more")
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    json_floats(v)
}

fn rows(v: &serde_json::Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(nums).collect()
}

/// Equal to Brian 2 within a few rounding errors of the larger values.
fn close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: {a:?} vs Brian 2 {b:?}");
    let scale = b.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * scale,
            "{what}[{k}]: {x} vs Brian 2 {y} (all: {a:?} vs {b:?})"
        );
    }
}

/// Rows `0..n` of a recorded matrix (`trace` as `M.v`) in `unit`.
fn trace_rows(s: &mut brian::script::Session, trace: &str, unit: &str, n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|k| floats(s, &format!("{trace}[{k}] / {unit}")))
        .collect()
}

const MODEL: &str = r#"
    defaultclock.dt = 0.1*ms;
    let tau = 10*ms;
    let taug = 5*ms;
    let Erev = 0*mV;
    let I0 = 0.5*nA;
    let f = 300*Hz;
    let G = NeuronGroup(4, `dv/dt = (-v + R*(I_syn + drive))/tau : volt
                           dg/dt = -g/taug : siemens
                           I_syn = g*(Erev - v) : amp
                           drive = I0*sin(2*pi*f*t) + i*0.01*nA : amp
                           R : ohm`, #{ method: "euler" });
    G.v = "-65*mV + i*mV";
    G.g = "(1 + i)*nS";
    G.R = 100*Mohm;
    let H = NeuronGroup(3, `dv/dt = (E - v)/tau : volt
                           E : volt`, #{ method: "euler" });
    H.E = "i*10*mV";
    let S = Synapses(G, H, `w : siemens
                            I_s = w*(E_post - v_post) + i*0.001*nA - j*0.002*nA : amp
                            c : 1 (shared)
                            dx/dt = -x/taug : 1 (clock-driven)
                            wx = w*x*(1 + c) + i*0.1*nS : siemens`);
    S.connect(#{ condition: "i != j" });
    S.w = "i*nS + j*0.5*nS";
    S.c = 0.25;
    S.x = "1 + i - j";
    let M_all = StateMonitor(G, ["I_syn", "v"], #{ record: true });
    let M_list = StateMonitor(G, "drive", #{ record: [0, 2] });
    let M_one = StateMonitor(G, "I_syn", #{ record: 3 });
    let M_sub = StateMonitor(G[1..3], "drive", #{ record: true });
    let M_syn = StateMonitor(S, "wx", #{ record: true });
    let SG = G[1..4];
    let M_idx = StateMonitor(SG, ["i", "I_syn"], #{ record: [2, 0] });
"#;

#[test]
fn state_monitors_record_subexpressions_as_brian2_does() {
    let d = data();
    let mut s = session("variables_more_monitor", 1);
    exec(&mut s, MODEL);
    exec(&mut s, "run(2*ms);");
    close(&floats(&mut s, "M_all.t / ms"), &nums(&d["t"]), 1e-12, "t");
    // The state integrates (v moves by 17 mV), so a subexpression recorded at the wrong
    // time or from the wrong state would differ by far more than rounding.
    for (k, (ours, b2)) in trace_rows(&mut s, "M_all.v", "mV", 4)
        .iter()
        .zip(rows(&d["all_v"]))
        .enumerate()
    {
        close(ours, &b2, 1e-15, &format!("v of neuron {k}"));
    }
    for (k, (ours, b2)) in trace_rows(&mut s, "M_all.I_syn", "nA", 4)
        .iter()
        .zip(rows(&d["all_I_syn"]))
        .enumerate()
    {
        close(ours, &b2, 1e-15, &format!("I_syn of neuron {k}"));
    }
    for (k, (ours, b2)) in trace_rows(&mut s, "M_list.drive", "nA", 2)
        .iter()
        .zip(rows(&d["list_drive"]))
        .enumerate()
    {
        close(ours, &b2, 1e-15, &format!("drive of listed neuron {k}"));
    }
    close(
        &floats(&mut s, "M_one.I_syn[0] / nA"),
        &rows(&d["one_I_syn"])[0],
        1e-15,
        "I_syn of the one recorded neuron",
    );
    // A subgroup's monitor computes the group's subexpression: `i` is the group's.
    for (k, (ours, b2)) in trace_rows(&mut s, "M_sub.drive", "nA", 2)
        .iter()
        .zip(rows(&d["sub_drive"]))
        .enumerate()
    {
        close(ours, &b2, 1e-15, &format!("drive of subgroup neuron {k}"));
    }
    for (k, (ours, b2)) in trace_rows(&mut s, "M_syn.wx", "nS", 9)
        .iter()
        .zip(rows(&d["syn_wx_trace"]))
        .enumerate()
    {
        // x integrates exactly (exp(-dt/taug) per step): Brian 2's closed form and the
        // matrix exponential differ in the last bits, a few rounding errors by 2 ms.
        close(ours, &b2, 1e-14, &format!("wx of synapse {k}"));
    }
    // A subgroup's monitor with a list in any order: the group's neurons 3 and 1, and the
    // subgroup's own `i` (Brian 2.11 records `i` with the offset subtracted twice:
    // idx_i_brian2_recorded; what it means is the subgroup's `SG.i[[2, 0]]`).
    for (k, (ours, b2)) in trace_rows(&mut s, "M_idx.I_syn", "nA", 2)
        .iter()
        .zip(rows(&d["idx_I_syn"]))
        .enumerate()
    {
        close(
            ours,
            &b2,
            1e-15,
            &format!("I_syn of listed subgroup neuron {k}"),
        );
    }
    for (k, b2) in nums(&d["idx_i"]).into_iter().enumerate() {
        close(
            &floats(&mut s, &format!("M_idx.i[{k}]")),
            &[b2; 20],
            0.0,
            &format!("i of listed subgroup neuron {k}"),
        );
    }
    // Read after the run: the subexpression of `t` at the network's time.
    close(
        &floats(&mut s, "G.drive / nA"),
        &nums(&d["G_drive_end"]),
        1e-15,
        "G.drive after the run",
    );
}

#[test]
fn synapse_variables_read_as_brian2_reads_them() {
    let d = data();
    let mut s = session("variables_more_synapses", 1);
    exec(&mut s, MODEL);
    exec(&mut s, "run(2*ms);");
    close(&floats(&mut s, "S.i"), &nums(&d["S_i"]), 0.0, "S.i");
    close(&floats(&mut s, "S.j"), &nums(&d["S_j"]), 0.0, "S.j");
    for (name, key) in [
        ("S.N", "S_N"),
        ("S.N_pre", "S_N_pre"),
        ("S.N_post", "S_N_post"),
    ] {
        assert_eq!(
            eval(&mut s, name).as_int().unwrap(),
            d[key].as_i64().unwrap(),
            "{name}"
        );
    }
    close(
        &floats(&mut s, "S.I_s / nA"),
        &nums(&d["S_I_s"]),
        1e-15,
        "S.I_s",
    );
    close(
        &floats(&mut s, "S.wx / nS"),
        &nums(&d["S_wx"]),
        1e-14,
        "S.wx",
    );
    close(&floats(&mut s, "S.w_"), &nums(&d["S_w_"]), 1e-15, "S.w_");
    let c = eval(&mut s, "S.c * 1.0").as_float().unwrap();
    close(&[c], &[d["S_c"].as_f64().unwrap()], 0.0, "shared S.c");
    close(
        &floats(&mut s, "S.v_post / mV"),
        &nums(&d["S_v_post"]),
        1e-15,
        "S.v_post",
    );
    close(&floats(&mut s, "S.v / mV"), &nums(&d["S_v"]), 1e-15, "S.v");
}

#[test]
fn unknown_variables_are_named_with_the_table() {
    let mut s = session("variables_more_errors", 1);
    exec(&mut s, MODEL);
    let e = s
        .eval("StateMonitor(G, \"I_sin\")", None)
        .expect_err("an unknown variable is refused")
        .message;
    assert!(
        e.contains("no variable 'I_sin'") && e.contains("did you mean 'I_syn'"),
        "{e}"
    );
    let e = s
        .eval("S.I_x", None)
        .expect_err("an unknown variable is refused")
        .message;
    assert!(e.contains("no variable 'I_x'") && e.contains("I_s"), "{e}");
}
