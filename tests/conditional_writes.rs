//! Brian 2's refractoriness and the writes of synapses, inputs and code, against Brian 2
//! itself (tests/data/conditional_writes.json, written by tools/brian2/conditional_writes.py):
//! a variable flagged `(unless refractory)` ignores outside writes while its neuron is
//! refractory, the thresholder makes a spiking neuron refractory in its own step, code on
//! a subgroup sees the subgroup's own `i` and `N`, and writes of several synapses onto one
//! neuron add up in synapse order, bit for bit.

mod common;
use common::*;
use serde_json::Value;

/// The reference data: its text (numbers are read from it with Rust's correctly rounded
/// parser, bit for bit) and its structure (serde_json, for strings).
struct Data {
    text: String,
    json: Value,
}

impl std::ops::Index<&str> for Data {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

fn data() -> Data {
    let text = std::fs::read_to_string("tests/data/conditional_writes.json").unwrap();
    let json = serde_json::from_str(&text).unwrap();
    Data { text, json }
}

/// The text after `"key":` at the top level of the file.
fn raw<'a>(d: &'a Data, key: &str) -> &'a str {
    let pat = format!("\n \"{key}\":");
    let at = d
        .text
        .find(&pat)
        .unwrap_or_else(|| panic!("no key '{key}'"));
    d.text[at + pat.len()..].trim_start()
}

fn num(d: &Data, key: &str) -> f64 {
    let r = raw(d, key);
    let end = r.find([',', '\n', '}']).unwrap_or(r.len());
    r[..end].trim().parse().unwrap()
}

fn nums(d: &Data, key: &str) -> Vec<f64> {
    let r = raw(d, key);
    assert!(r.starts_with('['), "'{key}' is not an array");
    let end = r.find(']').unwrap();
    r[1..end]
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

/// Spike times as a script list, `[0.0005*second, ...]`.
fn times(d: &Data, key: &str) -> String {
    let list: Vec<String> = nums(d, key)
        .iter()
        .map(|t| format!("{t:?}*second"))
        .collect();
    format!("[{}]", list.join(", "))
}

const FLAGGED: &str = "dv/dt = 0*mV/ms : volt (unless refractory)";
const UNFLAGGED: &str = "dv/dt = 0*mV/ms : volt";
const NEURON: &str = r#"threshold: "v > 20*mV", reset: "v = 10*mV", refractory: 2*ms"#;

/// The driven neuron of cases a..d: a generator's neuron 0 through `add` code, neuron 1
/// through `set` code (or, with `connection`, neuron 0 through a Brian 1 Connection).
fn driven(d: &Data, model: &str, add: &str, set: &str, connection: bool) -> (Vec<f64>, Vec<f64>) {
    let mut s = session("condwrite", 1);
    let na = nums(d, "add_times").len();
    let ns = nums(d, "set_times").len();
    let idx: Vec<String> = std::iter::repeat_n("0", na)
        .chain(std::iter::repeat_n("1", ns))
        .map(String::from)
        .collect();
    let all = format!("{} + {}", times(d, "add_times"), times(d, "set_times"));
    let add_path = if connection {
        r#"let C = Connection(gen[0..1], G, "v", #{ weight: 3*mV });"#.to_string()
    } else {
        format!(
            r#"let A = Synapses(gen, G, #{{ on_pre: "{add}" }}); A.connect(#{{ i: [0], j: [0] }});"#
        )
    };
    exec(
        &mut s,
        &format!(
            r#"
            let G = NeuronGroup(1, "{model}", #{{ {NEURON} }});
            G.v = 25*mV;
            let gen = SpikeGeneratorGroup(2, [{}], {all});
            {add_path}
            let B = Synapses(gen, G, #{{ on_pre: "{set}" }});
            B.connect(#{{ i: [1], j: [0] }});
            let M = StateMonitor(G, "v", #{{ record: true, when: "end" }});
            let sp = SpikeMonitor(G);
            run({}*second);
            "#,
            idx.join(", "),
            num(d, "run")
        ),
    );
    (
        floats(&mut s, "M[0] / volt"),
        floats(&mut s, "sp.t / second"),
    )
}

fn same_trace(key: &str, ours: &[f64], brian: &[f64]) {
    assert_eq!(ours.len(), brian.len(), "{key}: length");
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        assert!(
            a.to_bits() == b.to_bits(),
            "{key}: step {k}: ours {a:?}, Brian 2 {b:?}\nours   {:?}\nBrian2 {:?}",
            ours,
            brian
        );
    }
}

#[test]
fn synaptic_writes_into_a_refractory_flagged_variable_are_ignored() {
    let d = data();
    let (v, spikes) = driven(&d, FLAGGED, "v += 3*mV", "v = v + 2*mV", false);
    same_trace("a (flagged)", &v, &nums(&d, "a_v"));
    same_trace("a spikes", &spikes, &nums(&d, "a_spikes"));
    // Held at exactly 10 mV through the refractory period, whatever arrives.
    assert!(v[..20].iter().all(|&x| x == 0.01), "{:?}", &v[..20]);
}

#[test]
fn a_slow_leak_flagged_unless_refractory_matches_brian2() {
    let d = data();
    let model = "dv/dt = -v/(100*ms) : volt (unless refractory)";
    let (v, spikes) = driven(&d, model, "v += 3*mV", "v = v + 2*mV", false);
    let brian = nums(&d, "b_v");
    // Held at exactly 10 mV while refractory, bit for bit.
    same_trace("b (leak) while refractory", &v[..20], &brian[..20]);
    // Afterwards the exact integrator's exp(-dt/tau) differs from Brian 2's by an ulp
    // (a matter of the integrator, not of refractoriness), so the decay agrees to 1e-14.
    for (k, (a, b)) in v.iter().zip(&brian).enumerate() {
        assert!(
            (a - b).abs() <= 1e-14 * b.abs(),
            "b (leak): step {k}: {a:?} vs {b:?}"
        );
    }
    same_trace("b spikes", &spikes, &nums(&d, "b_spikes"));
}

#[test]
fn without_the_flag_writes_go_through_and_a_guard_sees_the_spike_step() {
    let d = data();
    let (v, spikes) = driven(&d, UNFLAGGED, "v += 3*mV", "v = v + 2*mV", false);
    same_trace("c (unflagged)", &v, &nums(&d, "c_v"));
    same_trace("c spikes", &spikes, &nums(&d, "c_spikes"));
    // A guard on not_refractory blocks input in the step the neuron spikes (0 ms): the
    // thresholder already made it refractory.
    let (v, spikes) = driven(
        &d,
        UNFLAGGED,
        "v += 3*mV*int(not_refractory)",
        "v = v + 2*mV*int(not_refractory)",
        false,
    );
    same_trace("d (guarded)", &v, &nums(&d, "d_v"));
    same_trace("d spikes", &spikes, &nums(&d, "d_spikes"));
}

#[test]
fn a_brian1_connection_into_a_flagged_variable_is_ignored_while_refractory() {
    // The Connection carries the add pathway; the result is Brian 2's Synapses trace.
    let d = data();
    let (v, spikes) = driven(&d, FLAGGED, "", "v = v + 2*mV", true);
    same_trace("a via Connection", &v, &nums(&d, "a_v"));
    same_trace("a via Connection spikes", &spikes, &nums(&d, "a_spikes"));
}

#[test]
fn poisson_input_into_a_flagged_variable_is_ignored_while_refractory() {
    let d = data();
    for (key, model) in [("p", FLAGGED), ("q", UNFLAGGED)] {
        let mut s = session("condwrite-poisson", 1);
        exec(
            &mut s,
            &format!(
                r#"
                let G = NeuronGroup(1, "{model}", #{{ {NEURON} }});
                G.v = 25*mV;
                let P = PoissonInput(G, "v", 2, 1/(0.1*ms), 0.1*mV);
                let M = StateMonitor(G, "v", #{{ record: true, when: "end" }});
                let sp = SpikeMonitor(G);
                run({}*second);
                "#,
                num(&d, "run")
            ),
        );
        same_trace(
            key,
            &floats(&mut s, "M[0] / volt"),
            &nums(&d, &format!("{key}_v")),
        );
        same_trace(
            key,
            &floats(&mut s, "sp.t / second"),
            &nums(&d, &format!("{key}_spikes")),
        );
    }
}

#[test]
fn the_thresholder_makes_a_neuron_refractory_in_its_spike_step() {
    let d = data();
    let mut s = session("condwrite-thresholder", 1);
    exec(
        &mut s,
        &format!(
            r#"
            let G = NeuronGroup(1, "{FLAGGED}", #{{ {NEURON} }});
            G.v = 25*mV;
            let Mn = StateMonitor(G, "not_refractory", #{{ record: true, when: "after_thresholds" }});
            let Ml = StateMonitor(G, "lastspike", #{{ record: true, when: "after_thresholds" }});
            let Ms = StateMonitor(G, "not_refractory", #{{ record: true }});
            run(3*ms);
            "#
        ),
    );
    same_trace(
        "not_refractory after thresholds",
        &floats(&mut s, "Mn[0]"),
        &nums(&d, "i_nr_after_thresholds"),
    );
    same_trace(
        "not_refractory at start",
        &floats(&mut s, "Ms[0]"),
        &nums(&d, "i_nr_start"),
    );
    // lastspike: the spike at 0 s from the first step on (before any spike the initial
    // value differs between the two, and nothing reads it then).
    let ours = floats(&mut s, "Ml[0] / second");
    let brian = nums(&d, "i_lastspike_after_thresholds");
    assert_eq!(brian[0], 0.0);
    same_trace("lastspike", &ours, &brian);
}

#[test]
fn string_assignments_honour_the_conditional_write() {
    let d = data();
    let mut s = session("condwrite-assign", 1);
    exec(
        &mut s,
        &format!(
            r#"
            let G = NeuronGroup(3, "{FLAGGED}", #{{ {NEURON} }});
            G.v = [25*mV, 0*mV, 0*mV];
            run(0.3*ms);
            G.v = "7*mV";
            "#
        ),
    );
    same_trace(
        "after string",
        &floats(&mut s, "G.v / volt"),
        &nums(&d, "h_after_string"),
    );
    exec(&mut s, "G.v = 5*mV;");
    same_trace(
        "after value",
        &floats(&mut s, "G.v / volt"),
        &nums(&d, "h_after_value"),
    );
}

#[test]
fn several_synapses_onto_one_neuron_add_in_synapse_order() {
    // Brian 2 adds them one after another: ((v + w0) + w1) + w2, which differs from
    // v + (w0 + w1 + w2) for these numbers.
    let d = data();
    let (v0, w) = (num(&d, "e_v0"), nums(&d, "e_w"));
    let mut s = session("condwrite-order", 1);
    exec(
        &mut s,
        &format!(
            r#"
            let gen = SpikeGeneratorGroup(1, [0], [0.2*ms]);
            let G = NeuronGroup(1, "v : 1");
            G.v = {v0:?};
            let S = Synapses(gen, G, #{{ model: "w : 1", on_pre: "v_post += w" }});
            S.connect(#{{ i: [0, 0, 0], j: [0, 0, 0] }});
            S.w = [{:?}, {:?}, {:?}];
            let H = NeuronGroup(1, "v : 1");
            H.v = {v0:?};
            let T = Synapses(gen, H, #{{ model: "w : 1", on_pre: "v_post = v_post + w" }});
            T.connect(#{{ i: [0, 0, 0], j: [0, 0, 0] }});
            T.w = [{:?}, {:?}, {:?}];
            run(0.5*ms);
            "#,
            w[0], w[1], w[2], w[0], w[1], w[2]
        ),
    );
    let add = floats(&mut s, "G.v")[0];
    let set = floats(&mut s, "H.v")[0];
    assert_eq!(add.to_bits(), num(&d, "e_v_add").to_bits(), "{add:?}");
    assert_eq!(set.to_bits(), num(&d, "e_v_set").to_bits(), "{set:?}");
    assert_ne!(add, num(&d, "e_sum_first"));
}

#[test]
fn code_on_subgroups_sees_local_indices() {
    let d = data();
    let mut s = session("condwrite-subgroups", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(10, "b : 1\nc : 1\nx : 1");
        G.x = "i";
        let SG = G[3..7];
        SG.b = "i";
        SG.c = "N + 0*i";
        let S = Synapses(G[2..5], G[4..9], #{ model: "w : 1\nu : 1" });
        S.connect(#{ condition: "i == j or j == i + 2" });
        S.w = "i*10 + j + x_pre*100 + x_post*1000";
        S.u = "N_pre*10 + N_post";
        let S2 = Synapses(G[2..5], G[4..9]);
        S2.connect(#{ j: "i + 1" });
        "#,
    );
    for (expr, key) in [
        ("G.b", "f_b"),
        ("G.c", "f_c"),
        ("S.i", "f_cond_i"),
        ("S.j", "f_cond_j"),
        ("S.w", "f_cond_w"),
        ("S.u", "f_cond_u"),
        ("S2.i", "f_jexpr_i"),
        ("S2.j", "f_jexpr_j"),
    ] {
        assert_eq!(floats(&mut s, expr), nums(&d, key), "{expr}");
    }
}

#[test]
fn a_delay_without_an_on_pre_pathway_is_refused() {
    let d = data();
    assert!(d["j_error"]
        .as_str()
        .unwrap()
        .contains("Cannot set the delay for pathway 'pre'"));
    let mut s = session("condwrite-delay", 1);
    for opts in [
        r#"#{ model: "w : 1", delay: 1*ms }"#,
        r#"#{ model: "w : 1", on_post: "w += 1", delay: 1*ms }"#,
        r#"#{ model: "w : 1", on_pre: #{ a: "w += 1" }, delay: 1*ms }"#,
    ] {
        let src = format!(
            "let gen = SpikeGeneratorGroup(1, [0], [0*ms]); let G = NeuronGroup(1, \"v : 1\", #{{ threshold: \"v > 1\" }}); let S = Synapses(gen, G, {opts});"
        );
        let e = s.eval(&src, None).unwrap_err().render("test", &src);
        assert!(
            e.contains("cannot set the delay for the pathway 'pre'"),
            "{opts}: {e}"
        );
    }
}
