//! Inputs, monitors and running: PopulationRateMonitor, PoissonInput, time-dependent
//! PoissonGroup rates, store/restore, reinit.

mod common;
use common::*;

#[test]
fn population_rate_is_one_over_dt_when_every_neuron_fires_every_step() {
    let mut s = session("rate", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(10, "v : 1", #{ threshold: "True" });
        let R = PopulationRateMonitor(G);
        let H = NeuronGroup(4, "v : 1", #{ threshold: "i < 1" });
        let R2 = PopulationRateMonitor(H);
        run(1*ms);
    "#,
    );
    let rate = floats(&mut s, "R.rate / Hz");
    assert_eq!(rate.len(), 10);
    assert!(rate.iter().all(|r| (r - 10_000.0).abs() < 1e-6), "{rate:?}");
    assert!(floats(&mut s, "R2.rate / Hz")
        .iter()
        .all(|r| (r - 2_500.0).abs() < 1e-6));
    // Smoothing a constant rate keeps it in the middle; the flat window averages.
    let smooth = floats(
        &mut s,
        "R.smooth_rate(#{ window: \"flat\", width: 0.3*ms }) / Hz",
    );
    assert!((smooth[5] - 10_000.0).abs() < 1e-6);
    let g = floats(
        &mut s,
        "R.smooth_rate(#{ window: \"gaussian\", width: 0.1*ms }) / Hz",
    );
    assert!((g[5] - 10_000.0).abs() < 1e-6);
    assert!(g[0] < 10_000.0, "zero padding at the ends");
}

#[test]
fn store_then_restore_and_rerun_gives_the_identical_spike_train() {
    let mut s = session("store", 3);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(100, "dv/dt = (2 - v)/(10*ms) + 0.5*xi/sqrt(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0", refractory: 2*ms });
        let S = Synapses(G, G, #{ model: "w : 1", on_pre: "v += w", delay: 1*ms });
        S.connect(#{ p: 0.1 });
        S.w = "0.1*rand()";
        G.v = "rand()";
        let M = SpikeMonitor(G);
        run(20*ms);
        store("before");
        run(50*ms);
        let first_i = M.i; let first_t = M.t;
        restore("before", #{ restore_random_state: true });
        run(50*ms);
    "#,
    );
    let a = floats(&mut s, "first_i");
    let b = floats(&mut s, "M.i");
    assert!(a.len() > 100, "{} spikes", a.len());
    assert_eq!(a, b);
    assert_eq!(floats(&mut s, "first_t / ms"), floats(&mut s, "M.t / ms"));
    let e = s.eval("restore(\"nothing\")", None).unwrap_err();
    assert!(
        e.message
            .contains("nothing was stored under the name 'nothing'"),
        "{}",
        e.message
    );
}

#[test]
fn poisson_input_draws_binomial_counts() {
    let mut s = session("pinput", 5);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2000, "x : 1");
        let P = PoissonInput(G, "x", 100, 10*Hz, 0.5);
        run(100*ms);
    "#,
    );
    // 1000 steps, each Binomial(100, 0.001): mean count 100, variance 99.9; x = count/2.
    let x = floats(&mut s, "G.x");
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    assert!((mean - 50.0).abs() < 0.3, "{mean}");
    assert!((var - 99.9 / 4.0).abs() < 3.0, "{var}");
}

#[test]
fn poisson_rates_can_depend_on_time_and_index() {
    let mut s = session("prate", 9);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(2000, "(t > 50*ms) * (i < 1000) * 200*Hz");
        let M = SpikeMonitor(P);
        run(100*ms);
    "#,
    );
    let t = floats(&mut s, "M.t / ms");
    let i = floats(&mut s, "M.i");
    assert!(t.iter().all(|t| *t > 50.0));
    assert!(i.iter().all(|i| *i < 1000.0));
    // 1000 neurons at 200 Hz for 50 ms: 10000 expected.
    assert!((t.len() as f64 - 10_000.0).abs() < 400.0, "{}", t.len());
    let e = s
        .eval(
            "start_scope(); let Q = PoissonGroup(3, \"5*mV\"); run(1*ms);",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("the rates must be in Hz"),
        "{}",
        e.message
    );
}

#[test]
fn reinit_resets_time_and_recordings() {
    let mut s = session("reinit", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(5, "v : 1", #{ threshold: "True" });
        let M = SpikeMonitor(G);
        run(1*ms);
        reinit();
        run(0.5*ms);
    "#,
    );
    assert_eq!(eval(&mut s, "M.num_spikes").as_int().unwrap(), 25);
    assert_eq!(
        floats(&mut s, "M.t / ms")
            .last()
            .copied()
            .map(|t| (t * 10.0).round()),
        Some(4.0)
    );
}

#[test]
fn an_explicit_network_runs_only_its_objects() {
    let mut s = session("explicit", 1);
    exec(
        &mut s,
        r#"
        let A = NeuronGroup(3, "dv/dt = -v/tau : 1");
        let B = NeuronGroup(3, "dv/dt = -v/tau : 1");
        A.v = 1; B.v = 1;
        let MA = StateMonitor(A, "v", #{ record: 0 });
        let MB = StateMonitor(B, "v", #{ record: 0 });
        let net = Network(A, MA);
        let tau = 10*ms;
        net.run(10*ms);
    "#,
    );
    let a = floats(&mut s, "A.v");
    let b = floats(&mut s, "B.v");
    assert!(
        (a[0] - (-1.0f64).exp()).abs() < 1e-9,
        "A ran, with tau taken at net.run(): {a:?}"
    );
    assert_eq!(b, vec![1.0; 3], "B is not in the network");
    assert_eq!(floats(&mut s, "MA.t / ms").len(), 100);
    assert!(floats(&mut s, "MB.t / ms").is_empty());
    let e = s.eval("net.add(42)", None).unwrap_err();
    assert!(
        e.message.contains("a Network holds groups"),
        "{}",
        e.message
    );
}

#[test]
fn spike_generators_repeat_with_a_period_and_defaultclock_is_settable() {
    let mut s = session("period", 1);
    exec(
        &mut s,
        r#"
        defaultclock.dt = 0.5*ms;
        let G = SpikeGeneratorGroup(2, [0, 1], [1*ms, 3*ms], #{ period: 5*ms });
        let M = SpikeMonitor(G);
        run(20*ms);
    "#,
    );
    assert_eq!(
        floats(&mut s, "M.t / ms"),
        vec![1.0, 3.0, 6.0, 8.0, 11.0, 13.0, 16.0, 18.0]
    );
    assert_eq!(
        eval(&mut s, "defaultclock.dt / ms").as_float().unwrap(),
        0.5
    );
    let e = s
        .eval(
            "SpikeGeneratorGroup(1, [0], [7*ms], #{ period: 5*ms })",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("shorter than the period"),
        "{}",
        e.message
    );
}

// A group with its own dt (any dt, recorded on its own clock): tests/clocks.rs.

#[test]
fn state_monitors_record_in_the_slot_they_are_given() {
    let mut s = session("slots", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "dv/dt = 1/ms : 1", #{ threshold: "v > 0.25", reset: "v = 0" });
        let Mg = StateMonitor(G, "v", #{ record: 0, when: "groups" });
        let Ms = StateMonitor(G, "v", #{ record: 0, when: "after_synapses" });
        let Me = StateMonitor(G, "v", #{ record: 0, when: "end" });
        run(0.4*ms);
    "#,
    );
    // The update of step 2 brings v to 0.3 > 0.25: seen after groups and synapses, reset by end.
    assert_eq!(
        floats(&mut s, "Mg[0]")
            .iter()
            .map(|v| (v * 10.0).round() as i64)
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 1]
    );
    assert_eq!(
        floats(&mut s, "Ms[0]")
            .iter()
            .map(|v| (v * 10.0).round() as i64)
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 1]
    );
    assert_eq!(
        floats(&mut s, "Me[0]")
            .iter()
            .map(|v| (v * 10.0).round() as i64)
            .collect::<Vec<_>>(),
        vec![1, 2, 0, 1]
    );
    let e = s
        .eval("StateMonitor(G, \"v\", #{ when: \"later\" })", None)
        .unwrap_err();
    assert!(e.message.contains("is not a slot"), "{}", e.message);
}

#[test]
fn timed_arrays_drive_equations() {
    let mut s = session("timed", 1);
    exec(
        &mut s,
        r#"
        let ta = TimedArray([1, 2, 3], 1*ms);
        let tb = TimedArray([[1, 10], [2, 20]], 1*ms);
        let G = NeuronGroup(2, "dv/dt = ta(t)/ms : 1\ndw/dt = tb(t, i)/ms : 1");
        let net = Network(G);
        net.run(5*ms);
        let I = TimedArray([0*nA, 1*nA], 2*ms);
        let H = NeuronGroup(1, "dv/dt = (I(t)*10*Mohm - v)/(10*ms) : volt", #{ method: "euler" });
        net.add(H);
        net.run(1*ms);
    "#,
    );
    // Over both runs (6 ms): 10 steps each of 1, 2, then 3 (the last value holds) for
    // the remaining 4 ms: 1 + 2 + 3*4 = 15.
    let v = floats(&mut s, "G.v");
    assert!(
        (v[0] - 15.0).abs() < 1e-9 && (v[1] - 15.0).abs() < 1e-9,
        "{v:?}"
    );
    let w = floats(&mut s, "G.w");
    assert!(
        (w[0] - (1.0 + 2.0 * 5.0)).abs() < 1e-9 && (w[1] - (10.0 + 20.0 * 5.0)).abs() < 1e-9,
        "{w:?}"
    );
    // H exists only in the second run (5..6 ms), when I = 1 nA: v relaxes towards 10 mV.
    let h = floats(&mut s, "H.v / mV");
    let expected = 10.0 * (1.0 - (1.0f64 - 0.01).powi(10));
    assert!((h[0] - expected).abs() < 1e-9, "{h:?} vs {expected}");
    let e = s
        .eval(
            "start_scope(); let K = NeuronGroup(1, \"dv/dt = ta(t)/second : volt\"); run(1*ms);",
            None,
        )
        .unwrap_err();
    assert!(e.message.contains("should be in V/s"), "{}", e.message);
    let mut s = session("timed2", 1);
    let e = s.eval("let ta = TimedArray([1, 2], 1*ms); let L = NeuronGroup(1, \"dv/dt = ta(i)/ms : 1\"); run(1*ms);", None).unwrap_err();
    assert!(
        e.message.contains("the argument of ta() should be in s"),
        "{}",
        e.message
    );
}

#[test]
fn integer_variables_stay_whole_and_constants_stay_constant() {
    let mut s = session("decls", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(1, "n : integer\nx : 1", #{ threshold: "True", reset: "n += 0.75\nx += 0.75" });
        run(0.4*ms);
    "#,
    );
    assert_eq!(
        floats(&mut s, "G.n"),
        vec![0.0],
        "int(0 + 0.75) is 0, every time"
    );
    assert_eq!(floats(&mut s, "G.x"), vec![3.0]);
    let mut s = session("decls2", 1);
    let e = s
        .eval("let H = NeuronGroup(1, \"c : 1 (constant)\", #{ threshold: \"True\", reset: \"c = 2\" }); H.c = 5; run(0.1*ms);", None)
        .unwrap_err();
    assert!(
        e.message.contains("'c' is a (constant) parameter"),
        "{}",
        e.message
    );
    let mut s = session("decls3", 1);
    let e = s
        .eval("let A = NeuronGroup(1, \"v : 1\", #{ threshold: \"True\" }); let B = NeuronGroup(1, \"c : 1 (constant)\"); let S = Synapses(A, B, #{ on_pre: \"c_post += 1\" }); S.connect(); run(0.1*ms);", None)
        .unwrap_err();
    assert!(
        e.message.contains("'c_post' is a (constant) parameter"),
        "{}",
        e.message
    );
}

#[test]
fn refractoriness_can_be_an_expression() {
    // A per-neuron refractory period: the LIF rule with each neuron's own period.
    let mut s = session("refr", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(2, "dv/dt = (30*mV - v)/(10*ms) : volt (unless refractory)\nref : second",
                            #{ threshold: "v > 20*mV", reset: "v = 0*mV", refractory: "ref" });
        G.ref = [2*ms, 5*ms];
        let M = SpikeMonitor(G);
        run(100*ms);
    "#,
    );
    let t = floats(&mut s, "M.t / ms");
    let i = floats(&mut s, "M.i");
    let isi = |k: f64| {
        let tk: Vec<f64> = t
            .iter()
            .zip(&i)
            .filter(|(_, n)| **n == k)
            .map(|(t, _)| *t)
            .collect();
        tk[2] - tk[1]
    };
    let crossing = 10.0 * 3f64.ln(); // ms from 0 to 20 mV
    assert!(
        (isi(0.0) - ((crossing / 0.1).floor() * 0.1 + 2.0)).abs() < 1e-6,
        "{}",
        isi(0.0)
    );
    assert!(
        (isi(1.0) - ((crossing / 0.1).floor() * 0.1 + 5.0)).abs() < 1e-6,
        "{}",
        isi(1.0)
    );
    // A condition: after a spike, refractory as long as v > 15 mV. Without a reset, v stays
    // above it, so there is one spike (without refractoriness, one every step).
    let mut s = session("refr2", 1);
    exec(
        &mut s,
        r#"
        let K = NeuronGroup(1, "dv/dt = (30*mV - v)/(5*ms) : volt", #{ threshold: "v > 20*mV", refractory: "v > 15*mV" });
        let MK = SpikeMonitor(K);
        run(50*ms);
    "#,
    );
    assert_eq!(eval(&mut s, "MK.num_spikes").as_int().unwrap(), 1);
    let e = s.eval("start_scope(); let H = NeuronGroup(1, \"v : volt\", #{ threshold: \"v > 1*mV\", refractory: \"v\" }); run(1*ms);", None).unwrap_err();
    assert!(
        e.message
            .contains("refractoriness must be a time or a condition"),
        "{}",
        e.message
    );
}

/// Brian 2: one definition may continue over several lines, until its `: unit`
/// (examples/COBAHH.py writes dv/dt over three); a comment may end a line of it.
#[test]
fn a_definition_continues_over_lines_until_its_unit() {
    let mut s = common::session("multiline-eqs", 1);
    common::exec(
        &mut s,
        r#"
let A = NeuronGroup(3, `
dv/dt = (1 - v -      # leak
         0.5*v*w)/(10*ms) : 1
w : 1`, #{ method: "euler" });
let B = NeuronGroup(3, "dv/dt = (1 - v - 0.5*v*w)/(10*ms) : 1\nw : 1", #{ method: "euler" });
A.w = "i"; B.w = "i";
run(5*ms);
"#,
    );
    let a = common::floats(&mut s, "A.v");
    assert!(a[0] > 0.0);
    assert_eq!(a, common::floats(&mut s, "B.v"));
    let e = s
        .eval("NeuronGroup(1, \"dv/dt = -v/ms\\nw : 1\")", None)
        .expect_err("missing unit");
    let msg = e.render("test", "");
    assert!(msg.contains("is a ': unit' missing"), "{msg}");
}

/// Brian 2's `pi`, `e` and `inf` are script values (a script variable of the same name
/// hides them) and names in code strings.
#[test]
fn pi_e_and_inf_are_there_as_in_brian2() {
    let mut s = common::session("constants", 1);
    let num = |s: &mut brian::script::Session, x: &str| common::eval(s, x).as_float().unwrap();
    assert_eq!(num(&mut s, "pi"), std::f64::consts::PI);
    assert_eq!(num(&mut s, "e"), std::f64::consts::E);
    assert_eq!(num(&mut s, "inf"), f64::INFINITY);
    common::exec(
        &mut s,
        r#"
let G = NeuronGroup(1, "dv/dt = cos(2*pi*t/ms)/ms + 1/inf/ms : 1", #{ method: "euler" });
run(0.25*ms);
let e = 3;
"#,
    );
    // The Euler sum of cos over a quarter period at dt = 0.1 ms.
    let want: f64 = (0..3)
        .map(|k| (2.0 * std::f64::consts::PI * k as f64 * 0.1).cos() * 0.1)
        .sum();
    assert!((common::floats(&mut s, "G.v")[0] - want).abs() < 1e-12);
    assert_eq!(common::eval(&mut s, "e").as_int().unwrap(), 3);
}

/// What was silently wrong (issue 11): an integer variable keeps whole values whichever
/// way it is set (Brian 2 truncates); `log` is natural for numbers as for arrays; `int()`
/// gives an integer; slices follow Python's rules (`G[2..]`, `G[-3..]`, clamped ends).
#[test]
fn integers_log_int_and_slices_behave_as_in_brian2() {
    let mut s = common::session("silent", 1);
    common::exec(
        &mut s,
        r#"
let G = NeuronGroup(4, "k : integer\nv : 1");
let S = Synapses(G, G, "m : integer");
S.connect(#{ j: "i" });
"#,
    );
    for (code, want) in [
        ("G.k = \"i + 0.5\"; G.k", vec![0.0, 1.0, 2.0, 3.0]),
        ("G.k = \"-i - 0.5\"; G.k", vec![0.0, -1.0, -2.0, -3.0]),
        ("G.k = 2.7; G.k", vec![2.0; 4]),
        (
            "G.k = [1.5, 2.5, 3.9, -1.2]; G.k",
            vec![1.0, 2.0, 3.0, -1.0],
        ),
        ("S.m = \"i * 1.5\"; S.m", vec![0.0, 1.0, 3.0, 4.0]),
        ("S.m = 0.9; S.m", vec![0.0; 4]),
    ] {
        let (set, read) = code.split_once("; ").unwrap();
        common::exec(&mut s, set);
        assert_eq!(common::floats(&mut s, read), want, "{code}");
    }
    assert_eq!(
        common::eval(&mut s, "log(100.0)").as_float().unwrap(),
        100f64.ln()
    );
    assert_eq!(common::eval(&mut s, "log(1)").as_float().unwrap(), 0.0);
    assert_eq!(common::eval(&mut s, "int(3.7)").as_int().unwrap(), 3);
    assert_eq!(common::eval(&mut s, "int(-3.7)").as_int().unwrap(), -3);
    assert!(s.eval("int(1*mV)", None).is_err());
    for (code, n) in [
        ("len(G[2..])", 2),
        ("len(G[-3..])", 3),
        ("len(G[1..100])", 3),
        ("len(G[3..1])", 0),
    ] {
        assert_eq!(common::eval(&mut s, code).as_int().unwrap(), n, "{code}");
    }
    assert_eq!(
        common::floats(&mut s, "(array([1.0, 2.0, 3.0, 4.0]) * mV)[-2..] / mV"),
        vec![3.0, 4.0]
    );
}
