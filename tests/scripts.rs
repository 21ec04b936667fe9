//! Every script in scripts/ runs headless (figures into a temporary directory), and the
//! CUBA demo behaves like Brian's: mean rate and figure.

use brian::script::Session;
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs a script with a seed; figures go to `out`.
fn run_script(path: &str, seed: u64, out: PathBuf, plots: bool) -> Session {
    let source = std::fs::read_to_string(path).unwrap();
    let stem = std::path::Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let mut s = Session::new(out, stem);
    {
        let mut st = s.state.borrow_mut();
        st.net.seed(seed);
        st.no_plots = !plots;
        st.quiet = true;
    }
    if let Err(e) = s.eval(&source, Some(path)) {
        panic!("{}", e.render(path, &source));
    }
    s
}

#[test]
fn every_script_runs_and_draws() {
    let out = temp_dir("scripts");
    let mut count = 0;
    for entry in std::fs::read_dir("scripts").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rhai") {
            let s = run_script(path.to_str().unwrap(), 1, out.clone(), true);
            s.state.borrow_mut().show().unwrap();
            let figs = s.state.borrow().figures_written.clone();
            assert!(!figs.is_empty(), "{} drew no figure", path.display());
            for f in figs {
                let bytes = std::fs::read(&f).unwrap();
                assert!(bytes.len() > 10_000, "{} is nearly empty", f.display());
                assert_eq!(&bytes[1..4], b"PNG");
            }
            count += 1;
        }
    }
    assert!(count >= 1);
}

/// Brian 2 gives 5.7-6.6 Hz over seeds (tests/data/cuba_rates.json: mean 6.13 Hz), Brian 1
/// 5.86 +- 0.27 Hz.
#[test]
fn cuba_mean_rate_matches_brian() {
    let mut rates = Vec::new();
    for seed in [1, 2, 3] {
        let s = run_script("scripts/random_network.rhai", seed, temp_dir("cuba"), false);
        let st = s.state.borrow();
        let m = &st.net.spike_monitors[0];
        rates.push(m.num_spikes() as f64 / (4000.0 * st.net.t()));
        let synapses: usize = st.net.connections.iter().map(|c| c.len()).sum();
        assert!(
            (synapses as f64 - 320_000.0).abs() < 5_000.0,
            "{synapses} synapses"
        );
        for c in &st.net.connections {
            assert!(
                c.bytes_per_synapse() <= 12.1,
                "{} bytes per synapse",
                c.bytes_per_synapse()
            );
        }
    }
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!(
        (5.4..=6.5).contains(&mean),
        "mean rate {mean} Hz over seeds: {rates:?}"
    );
    for r in &rates {
        assert!((4.8..=7.2).contains(r), "rate {r} Hz");
    }
}

#[test]
fn script_errors_point_at_the_line() {
    let mut s = Session::new(temp_dir("errors"), "err".into());
    let src = "let x = 3*mV;\nlet y = x + 2*ms;\n";
    let e = s.eval(src, Some("err.rhai")).unwrap_err();
    let text = e.render("err.rhai", src);
    assert!(text.starts_with("err.rhai:2:"), "{text}");
    assert!(text.contains("cannot add quantities in V and s"), "{text}");
    let src = "let G = NeuronGroup(10, \"dv/dt = -v/tau : volt\");\nrun(1*ms);";
    let e = s.eval(src, Some("e2.rhai")).unwrap_err();
    let text = e.render("e2.rhai", src);
    assert!(
        text.contains("e2.rhai:2:1") && text.contains("unknown name 'tau'"),
        "{text}"
    );
}

#[test]
fn units_print_like_brian_and_namespace_is_taken_at_run() {
    let mut s = Session::new(temp_dir("units"), "u".into());
    let v = s.eval("(20*ms).to_string()", None).unwrap();
    assert_eq!(v.into_string().unwrap(), "20. ms");
    let v = s.eval("(5*mV/ms).to_string()", None).unwrap();
    assert_eq!(v.into_string().unwrap(), "5. V/s");
    let v = s.eval("fn f() { 2*mV } f().to_string()", None).unwrap();
    assert_eq!(
        v.into_string().unwrap(),
        "2. mV",
        "units work inside fn bodies"
    );
    // tau is defined after the group and changed before run(): Brian resolves at run().
    let src = "let G = NeuronGroup(1, \"dv/dt = -v/tau : volt\");\nG.v = 1*mV;\nlet tau = 1*second;\nlet tau = 10*ms;\nrun(10*ms);\nG.v[0] / mV";
    let v = s.eval(src, None).unwrap().as_float().unwrap();
    assert!((v - (-1.0f64).exp()).abs() < 1e-9, "{v}");
}

#[test]
fn connection_weights_check_their_units() {
    let mut s = Session::new(temp_dir("weights"), "w".into());
    let src = "let G = NeuronGroup(3, \"dv/dt = -v/(10*ms) : volt\");\n\
               let C = Connection(G, G, \"v\", #{ weight: \"exp(-abs(i-j))\" });";
    let e = s.eval(src, None).unwrap_err();
    assert!(
        e.message
            .contains("has units of 1, but the target variable is in V"),
        "{}",
        e.message
    );
    let src =
        "let C2 = Connection(G, G, \"v\", #{ weight: \"(i+1)*mV\" });\nC2.W.todense()[2][0] / mV";
    let w = s.eval(src, None).unwrap().as_float().unwrap();
    assert!((w - 3.0).abs() < 1e-12, "{w}");
    let src = "let C3 = Connection(G, G, \"v\", #{ weight: |i, j| (i + 2*j) * mV });\nC3.W.todense()[1][2] / mV";
    let w = s.eval(src, None).unwrap().as_float().unwrap();
    assert!((w - 5.0).abs() < 1e-12, "{w}");
    let e = s
        .eval("Connection(G, G, \"v\", #{ weight: 3*ms })", None)
        .unwrap_err();
    assert!(e.message.contains("should be in V"), "{}", e.message);
}

#[test]
fn errors_in_equations_point_into_the_equation_in_the_script() {
    let mut s = Session::new(temp_dir("eqcaret"), "e".into());
    let src = "let eqs = `\n  dv/dt = (ge - v)/taum : volt\n  dge/dt = -ge/(5*ms) : volt`;\nlet G = NeuronGroup(10, eqs);\nrun(10*ms);\n";
    let e = s.eval(src, Some("e.rhai")).unwrap_err();
    let text = e.render("e.rhai", src);
    assert!(
        text.starts_with("e.rhai:2:20: error: neurongroup: in the equation"),
        "{text}"
    );
    assert!(text.contains("unknown name 'taum'"), "{text}");
    assert!(text.contains("      |                    ^^^^\n"), "{text}");
    assert!(
        text.contains("e.rhai:5:1: note: found when running this"),
        "{text}"
    );
}

/// Brian 1 gives 13.6 Hz for layer-2 neurons 40-59 of the topographic demo and none outside
/// 30-69; Brian 2 13.7 +- 0.6 Hz over 32 seeds (docs/brian2-comparison.md).
#[test]
fn topographic_rates_match_brian() {
    let mut rates = Vec::new();
    for seed in 1..=8 {
        let s = run_script(
            "scripts/topographic_network.rhai",
            seed,
            temp_dir("topo"),
            false,
        );
        let st = s.state.borrow();
        let m = &st.net.spike_monitors[0];
        let t = st.net.t();
        assert!(
            m.count[..30].iter().chain(&m.count[70..]).all(|c| *c == 0),
            "seed {seed}: spikes far from the input"
        );
        rates.push(m.count[40..60].iter().sum::<u64>() as f64 / (20.0 * t));
    }
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!(
        (10.5..=17.5).contains(&mean),
        "{mean} Hz over seeds: {rates:?}"
    );
}

/// Brian 1 (5 seeds): 101-110 spikes per group of 100 after 45 ms, mean spike time moving
/// from 53.2 ms (group 1) to 57.3 ms (group 10); Brian 2: 105-115 and 53 -> 57.6 ms.
#[test]
fn the_synfire_wave_travels_as_in_brian() {
    for seed in [1, 2] {
        let s = run_script(
            "scripts/synfire_chain.rhai",
            seed,
            temp_dir("synfire"),
            false,
        );
        let st = s.state.borrow();
        let late = |k: usize| -> Vec<f64> {
            st.net.spike_monitors[k]
                .t
                .iter()
                .map(|t| t * 1e3)
                .filter(|t| *t > 45.0)
                .collect()
        };
        for k in 0..10 {
            let n = late(k).len();
            assert!(
                (95..=125).contains(&n),
                "seed {seed}, group {}: {n} spikes after 45 ms",
                k + 1
            );
        }
        let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let (first, last) = (mean(late(0)), mean(late(9)));
        assert!(
            (51.0..=55.5).contains(&first),
            "seed {seed}: group 1 at {first} ms"
        );
        assert!(
            (55.5..=60.0).contains(&last) && last > first + 2.0,
            "seed {seed}: group 10 at {last} ms"
        );
    }
}

/// Brian 1 / Brian 2 over 100 ms: mean rate 3.16 / 3.14 Hz, first spike at 14.5 / 14.6 ms.
#[test]
fn brunel_hakim_rate_and_onset_match_brian() {
    for seed in [1, 2] {
        let s = run_script("scripts/brunel_hakim.rhai", seed, temp_dir("bh"), false);
        let st = s.state.borrow();
        let m = &st.net.spike_monitors[0];
        let rate = m.num_spikes() as f64 / (5000.0 * 0.1);
        let first = m.t.iter().copied().fold(f64::INFINITY, f64::min) * 1e3;
        assert!((2.6..=3.8).contains(&rate), "seed {seed}: {rate} Hz");
        assert!(
            (12.0..=17.0).contains(&first),
            "seed {seed}: first spike at {first} ms"
        );
    }
}

/// Brian 1: 6.4 +- 1.1 output spikes in 100 ms (5 seeds).
#[test]
fn adaptive_threshold_spike_count_matches_brian() {
    let counts: Vec<usize> = (1..=10)
        .map(|seed| {
            let s = run_script(
                "scripts/adaptive_threshold.rhai",
                seed,
                temp_dir("adapt"),
                false,
            );
            let n = s.state.borrow().net.spike_monitors[0].num_spikes();
            n
        })
        .collect();
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    assert!(
        (5.0..=8.0).contains(&mean),
        "{mean} spikes on average: {counts:?}"
    );
}
