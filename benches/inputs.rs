//! Benchmarks (not tests) of Poisson inputs, StateMonitor recording and script-side reads
//! of recorded arrays, timed in-process (build excluded), dt = 0.1 ms:
//! - `poisson`: PoissonGroup of 10000 neurons for 10 s at 5 Hz (one rate), at rates spread
//!   over 0-10 Hz (one per neuron), and at a rate given as an expression of `t`;
//! - `pinput`: PoissonInput onto 4000 neurons (`x : 1`, nothing else to do) for 10 s,
//!   100 inputs at 5 Hz (N*rate*dt = 0.05) and 1000 inputs at 10 Hz (1.0); the time of
//!   the same network without the input is subtracted;
//! - `statemon`: a StateMonitor of 1000 neurons' `x` for 10 s (10^8 values, 800 MB),
//!   its storage growing as it records and reserved for the run at its start;
//! - `index`: a script loop reading `a[k]` of a 20000- and an 80000-element array, for a
//!   plain array, a SpikeMonitor's `i` and `t`, a StateMonitor's `t`, `v[0]` and `M[0]`.
//!
//! Prints ns per neuron per step (per element for `index`). Run with
//! `cargo bench --bench inputs` (`-- poisson`, `-- pinput`, `-- statemon` or `-- index`
//! for one part).

use brian::network::*;
use brian::units::{lookup, Quantity};
use std::time::Instant;

const DT: f64 = 1e-4;

fn q(x: f64, unit: &str) -> Quantity {
    let u = lookup(unit).unwrap();
    Quantity::new(x * u.value, u.dim)
}

/// Runs `net` for `duration` (best of `repeats` fresh networks); returns (seconds, spikes).
fn best(make: &dyn Fn() -> Network, duration: f64, repeats: usize) -> (f64, u64) {
    let none = Values::new();
    let mut out = (f64::INFINITY, 0);
    for _ in 0..repeats {
        let mut net = make();
        let stats = net.run(duration, &none).unwrap();
        if stats.seconds < out.0 {
            out = (stats.seconds, stats.spikes);
        }
    }
    out
}

fn poisson_net(rates: Vec<f64>, code: Option<&str>) -> Network {
    let mut net = Network::new();
    net.seed(1);
    let n = rates.len();
    let g = match code {
        Some(c) => PoissonGroup::with_code(n, c.into(), "P".into()),
        None => PoissonGroup::new(rates, "P".into()),
    };
    net.add_group(Group::Poisson(g));
    net
}

fn poisson() {
    let n = 10_000;
    let duration = 10.0;
    let steps = (duration / DT).round();
    println!("PoissonGroup, N = {n}, {duration} s");
    println!(
        "{:>28} {:>10} {:>10} {:>16}",
        "rates", "wall time", "spikes", "ns/neuron/step"
    );
    let spread: Vec<f64> = (0..n).map(|k| 10.0 * k as f64 / (n - 1) as f64).collect();
    type Make = Box<dyn Fn() -> Network>;
    let cases: [(&str, Make); 3] = [
        ("5 Hz", Box::new(move || poisson_net(vec![5.0; n], None))),
        (
            "0-10 Hz, one per neuron",
            Box::new(move || poisson_net(spread.clone(), None)),
        ),
        (
            "5*Hz*(1 + sin(2*pi*t/s))",
            Box::new(move || poisson_net(vec![0.0; n], Some("5*Hz*(1 + sin(2*pi*t/second))"))),
        ),
    ];
    for (name, make) in cases {
        let (s, spikes) = best(&*make, duration, 3);
        println!(
            "{name:>28} {s:>9.3}s {spikes:>10} {:>16.3}",
            s * 1e9 / (n as f64 * steps)
        );
    }
}

fn target_net(n: usize, input: Option<(usize, f64)>) -> Network {
    let mut net = Network::new();
    net.seed(1);
    let spec = NeuronGroupSpec {
        n,
        model: "x : 1".into(),
        name: "G".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    if let Some((inputs, rate)) = input {
        net.add_poisson_input(
            g,
            "x",
            inputs,
            q(rate, "Hz"),
            Quantity::dimensionless(1.0),
            "PI".into(),
        )
        .unwrap();
    }
    net
}

fn pinput() {
    let n = 4000;
    let duration = 10.0;
    let steps = (duration / DT).round();
    println!("PoissonInput onto N = {n} neurons, {duration} s (the run without it subtracted)");
    println!(
        "{:>28} {:>10} {:>10} {:>16}",
        "inputs", "wall time", "empty", "ns/neuron/step"
    );
    let (empty, _) = best(&|| target_net(n, None), duration, 3);
    for (inputs, rate) in [(100, 5.0), (1000, 10.0)] {
        let (s, _) = best(&|| target_net(n, Some((inputs, rate))), duration, 3);
        println!(
            "{:>28} {s:>9.3}s {empty:>9.3}s {:>16.3}",
            format!(
                "{inputs} x {rate} Hz (N*r*dt = {})",
                inputs as f64 * rate * DT
            ),
            (s - empty) * 1e9 / (n as f64 * steps)
        );
    }
}

fn statemon() {
    let n = 1000;
    let duration = 10.0;
    let steps = (duration / DT) as u64;
    let make = |reserve: bool| {
        let mut net = target_net(n, None);
        let k = net
            .neurons(net_group_ref(n))
            .unwrap()
            .var_index("x")
            .unwrap();
        let mut m = StateMonitor::new(
            net_group_ref(n),
            vec!["x".into()],
            vec![k],
            (0..n).collect(),
            When::start(),
            1,
            "M".into(),
        );
        if reserve {
            m.reserve_run(0, steps);
        }
        net.state_monitors.push(m);
        net
    };
    let (empty, _) = best(&|| target_net(n, None), duration, 3);
    println!("StateMonitor of {n} neurons' x, {duration} s ({empty:.3} s without the monitor)");
    for (what, reserve) in [("growing", false), ("reserved for the run", true)] {
        let (s, _) = best(&|| make(reserve), duration, 3);
        println!(
            "{what:>28} {s:>9.3}s {:>10.3} ns per recorded value",
            (s - empty) * 1e9 / (n as f64 * steps as f64)
        );
    }
}

fn net_group_ref(n: usize) -> GroupRef {
    GroupRef {
        group: 0,
        start: 0,
        len: n,
    }
}

/// Seconds per element of `for k in 0..n { let x = EXPR[k]; }` after `setup` (best of 3).
fn script_loop(setup: &str, expr: &str, n: usize) -> f64 {
    let dir = std::env::temp_dir().join(format!("brian-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = brian::script::Session::new(dir, "bench".into());
    {
        let mut st = s.state.borrow_mut();
        st.no_plots = true;
        st.quiet = true;
        st.net.seed(1);
    }
    let _ = s
        .eval(&setup.replace("{n}", &n.to_string()), None)
        .unwrap_or_else(|e| panic!("{}", e.render("bench", setup)));
    let body = format!("for k in 0..{n} {{ let x = {expr}[k]; }}");
    // Best of 3 loops (the first also converts what is converted once per recording).
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        let _ = s
            .eval(&body, None)
            .unwrap_or_else(|e| panic!("{}", e.render("bench", &body)));
        best = best.min(started.elapsed().as_secs_f64());
    }
    best / n as f64
}

fn index() {
    println!("Script loop `for k in 0..n {{ let x = A[k]; }}`, ns per element");
    println!(
        "{:>14} {:>12} {:>12} {:>8}",
        "A", "n = 20000", "n = 80000", "ratio"
    );
    // n spikes in n/10 steps (10 neurons always spiking); n steps of one neuron's v.
    let spikes = "let G = NeuronGroup(10, \"v : 1\", #{ threshold: \"True\" }); \
                  let SM = SpikeMonitor(G); run({n}*0.01*ms);";
    let traces = "let G = NeuronGroup(1, \"dv/dt = -v/(10*ms) : 1\"); G.v = 1; \
                  let M = StateMonitor(G, \"v\", #{ record: 0 }); run({n}*0.1*ms);";
    let cases = [
        ("zeros(n)", "let a = zeros({n});", "a"),
        ("SM.i", spikes, "SM.i"),
        ("SM.t", spikes, "SM.t"),
        ("M.t", traces, "M.t"),
        ("M.v[0]", traces, "M.v[0]"),
        ("M[0]", traces, "M[0]"),
    ];
    for (name, setup, expr) in cases {
        let small = script_loop(setup, expr, 20_000);
        let large = script_loop(setup, expr, 80_000);
        println!(
            "{name:>14} {:>12.1} {:>12.1} {:>8.1}",
            small * 1e9,
            large * 1e9,
            large * 80_000.0 / (small * 20_000.0)
        );
    }
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |m: &str| only.is_empty() || only.iter().any(|o| o == m);
    if wanted("poisson") {
        poisson();
    }
    if wanted("pinput") {
        pinput();
    }
    if wanted("statemon") {
        statemon();
    }
    if wanted("index") {
        index();
    }
}
