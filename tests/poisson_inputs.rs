//! PoissonGroup and PoissonInput draw their spikes and counts at a cost that grows with
//! the events (geometric gaps, classes of rates, count tables); these tests check that
//! the draws are still Brian 2's: a neuron fires in a step with probability rate*dt,
//! independently of other neurons and steps, and a PoissonInput adds a Binomial(N,
//! rate*dt) count to each target in each step. Tolerances are 4.5 standard errors of the
//! statistic under that distribution.

mod common;
use common::*;

/// (mean, sample variance) of the values.
fn moments(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The step of each recorded spike time (dt = 0.1 ms).
fn steps(s: &mut brian::script::Session, expr: &str) -> Vec<i64> {
    floats(s, &format!("{expr} / (0.1*ms)"))
        .iter()
        .map(|x| x.round() as i64)
        .collect()
}

#[test]
fn poisson_spikes_are_independent_across_neurons_and_steps() {
    let mut s = session("poisson-independent", 3);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(500, 1000*Hz);
        let M = SpikeMonitor(P);
        run(20*ms);
    "#,
    );
    // 500 neurons x 200 steps, each Bernoulli(0.1).
    let i: Vec<i64> = floats(&mut s, "M.i").iter().map(|&x| x as i64).collect();
    let t = steps(&mut s, "M.t");
    let n = i.len() as f64;
    // Binomial(100000, 0.1): mean 10000, standard deviation 94.9.
    assert!((n - 10_000.0).abs() < 4.5 * 94.9, "{n} spikes");
    let mut fired = vec![false; 500 * 200];
    for (&i, &t) in i.iter().zip(&t) {
        assert!(!fired[i as usize * 200 + t as usize], "one spike per step");
        fired[i as usize * 200 + t as usize] = true;
    }
    let at = |k: usize, step: usize| fired[k * 200 + step];
    // The same neuron in consecutive steps: 500 x 199 pairs, each both firing with
    // probability 0.01; overlapping pairs make the variance 99500 (p^2 (1 - p^2) +
    // 2 (p^3 - p^4)) = 1164.
    let lagged = (0..500)
        .flat_map(|k| (0..199).map(move |s| (k, s)))
        .filter(|&(k, s)| at(k, s) && at(k, s + 1))
        .count() as f64;
    assert!((lagged - 995.0).abs() < 4.5 * 1164f64.sqrt(), "{lagged}");
    // Neighbouring neurons in the same step: 499 x 200 pairs, the same variance.
    let side = (0..499)
        .flat_map(|k| (0..200).map(move |s| (k, s)))
        .filter(|&(k, s)| at(k, s) && at(k + 1, s))
        .count() as f64;
    assert!((side - 998.0).abs() < 4.5 * 1167f64.sqrt(), "{side}");
}

#[test]
fn poisson_neurons_fire_at_their_own_rates() {
    let mut s = session("poisson-rates", 11);
    // Neuron k by k % 5: silent; 50 Hz (a class of one probability); 200-260 Hz (one
    // class of seven probabilities, thinned); 20 kHz (rate*dt = 2: every step); 3 kHz.
    exec(
        &mut s,
        r#"
        let r = [];
        for k in 0..5000 {
            let c = k % 5;
            if c == 0 { r.push(0*Hz) }
            else if c == 1 { r.push(50*Hz) }
            else if c == 2 { r.push((200 + 10*(k % 7))*Hz) }
            else if c == 3 { r.push(20000*Hz) }
            else { r.push(3000*Hz) }
        }
        let P = PoissonGroup(5000, r);
        let M = SpikeMonitor(P);
        run(1*second);
    "#,
    );
    let counts = floats(&mut s, "M.count");
    let class = |c: usize| -> Vec<(usize, f64)> {
        (0..5000)
            .filter(|k| k % 5 == c)
            .map(|k| (k, counts[k]))
            .collect()
    };
    assert!(class(0).iter().all(|&(_, c)| c == 0.0));
    assert!(class(3).iter().all(|&(_, c)| c == 10_000.0));
    // 10000 steps each: Binomial(10000, p) per neuron.
    let fifty: Vec<f64> = class(1).iter().map(|&(_, c)| c).collect();
    let (mean, var) = moments(&fifty);
    // p = 0.005: mean 50 (standard error 0.22), variance 49.75 (standard error 2.2).
    assert!((mean - 50.0).abs() < 4.5 * 0.223, "{mean}");
    assert!((var - 49.75).abs() < 4.5 * 2.23, "{var}");
    // The thinned class: each neuron against its own rate.
    let (mut dev, mut var_sum, mut z2) = (0.0, 0.0, 0.0);
    for &(k, c) in &class(2) {
        let p = (200.0 + 10.0 * (k % 7) as f64) * 1e-4;
        let (m, v) = (1e4 * p, 1e4 * p * (1.0 - p));
        dev += c - m;
        var_sum += v;
        z2 += (c - m).powi(2) / v;
    }
    assert!(dev.abs() < 4.5 * var_sum.sqrt(), "total deviation {dev}");
    // Sum of 1000 squared standardised counts: mean 1000, standard deviation about
    // sqrt(2000).
    assert!((z2 - 1000.0).abs() < 4.5 * 2000f64.sqrt(), "{z2}");
    let high: f64 = class(4).iter().map(|&(_, c)| c).sum();
    // Binomial(10^7, 0.3): mean 3e6, standard deviation 1449.
    assert!((high - 3e6).abs() < 4.5 * 1449.1, "{high}");
}

#[test]
fn rate_expressions_of_time_only_are_drawn_for_all_neurons() {
    let mut s = session("poisson-uniform-code", 5);
    exec(
        &mut s,
        r#"
        let P = PoissonGroup(2000, "200*Hz*(t >= 50*ms)");
        let M = SpikeMonitor(P);
        run(100*ms);
    "#,
    );
    let t = floats(&mut s, "M.t / ms");
    assert!(t.iter().all(|&t| t >= 50.0 - 1e-9));
    // 2000 neurons x 500 steps at p = 0.02: mean 20000, standard deviation 140.
    assert!(
        (t.len() as f64 - 20_000.0).abs() < 4.5 * 140.0,
        "{}",
        t.len()
    );
    let counts = floats(&mut s, "M.count");
    let (mean, var) = moments(&counts);
    // Binomial(500, 0.02) per neuron: mean 10, variance 9.8 (standard error 0.31).
    assert!((mean - 10.0).abs() < 4.5 * 0.07, "{mean}");
    assert!((var - 9.8).abs() < 4.5 * 0.31, "{var}");
    // The rates read back are this step's value, for every neuron.
    let rates = floats(&mut s, "P.rates / Hz");
    assert_eq!(rates.len(), 2000);
    assert!(rates.iter().all(|&r| r == 200.0), "{:?}", &rates[..3]);
}

#[test]
fn consecutive_runs_draw_as_one_run() {
    let spikes = |runs: &str| {
        let mut s = session("poisson-runs", 21);
        exec(
            &mut s,
            &format!(
                r#"
                let r = [];
                for k in 0..300 {{ r.push((k % 3 + 1) * 100*Hz) }}
                let P = PoissonGroup(300, r);
                let Q = PoissonGroup(300, "(50 + i)*Hz");
                let G = NeuronGroup(300, "x : 1");
                let I = PoissonInput(G, "x", 30, 40*Hz, 1);
                let M = SpikeMonitor(P);
                let MQ = SpikeMonitor(Q);
                {runs}
            "#
            ),
        );
        (
            floats(&mut s, "M.i"),
            floats(&mut s, "M.t / ms"),
            floats(&mut s, "MQ.i"),
            floats(&mut s, "G.x"),
        )
    };
    let one = spikes("run(20*ms);");
    assert!(one.0.len() > 500);
    assert_eq!(one, spikes("run(7*ms); run(13*ms);"));
}

/// Each target's count after one step of PoissonInput(G, "x", n, rate, 1).
fn one_step_counts(name: &str, targets: usize, n: usize, rate_hz: f64) -> Vec<f64> {
    let mut s = session(name, 17);
    exec(
        &mut s,
        &format!(
            r#"
            let G = NeuronGroup({targets}, "x : 1");
            let I = PoissonInput(G, "x", {n}, {rate_hz}*Hz, 1);
            run(0.1*ms);
        "#
        ),
    );
    floats(&mut s, "G.x")
}

/// Checks the frequencies of counts 0..=3 against Binomial(n, p).
fn check_histogram(x: &[f64], n: u64, p: f64) {
    let m = x.len() as f64;
    let mut pmf = (1.0 - p).powi(n as i32);
    for k in 0..=3u64 {
        let seen = x.iter().filter(|&&v| v == k as f64).count() as f64;
        let expected = m * pmf;
        let sd = (m * pmf * (1.0 - pmf)).sqrt();
        assert!(
            (seen - expected).abs() < 4.5 * sd.max(1.0),
            "count {k}: seen {seen}, expected {expected:.1} (n {n}, p {p})"
        );
        pmf *= (n - k) as f64 / (k + 1) as f64 * p / (1.0 - p);
    }
    assert!(x
        .iter()
        .all(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= n as f64));
}

#[test]
fn poisson_input_counts_are_binomial_when_few_targets_get_input() {
    // n p = 0.1: P(count > 0) = 0.096, the targets found by skipping.
    let x = one_step_counts("pinput-sparse", 200_000, 20, 50.0);
    check_histogram(&x, 20, 0.005);
}

#[test]
fn poisson_input_counts_are_binomial_when_most_targets_get_input() {
    // n p = 1: P(count > 0) = 0.64, a count for every target.
    let x = one_step_counts("pinput-dense", 200_000, 20, 500.0);
    check_histogram(&x, 20, 0.05);
    let (mean, var) = moments(&x);
    // Binomial(20, 0.05): mean 1 (standard error 0.0022), variance 0.95 (0.0035).
    assert!((mean - 1.0).abs() < 4.5 * 0.00218, "{mean}");
    assert!((var - 0.95).abs() < 4.5 * 0.0035, "{var}");
}

#[test]
fn poisson_input_counts_are_binomial_for_large_means() {
    // n p = 100: rand_distr's Binomial.
    let x = one_step_counts("pinput-large", 100_000, 2000, 500.0);
    let (mean, var) = moments(&x);
    // Binomial(2000, 0.05): mean 100 (standard error 0.031), variance 95 (0.43).
    assert!((mean - 100.0).abs() < 4.5 * 0.0308, "{mean}");
    assert!((var - 95.0).abs() < 4.5 * 0.425, "{var}");
    // rate*dt = 2 is every input every step.
    let x = one_step_counts("pinput-all", 1000, 5, 20000.0);
    assert!(x.iter().all(|&v| v == 5.0));
}
