//! Brian 2's own examples, ported to scripts/brian2/ as literally as Rhai allows, run
//! as written; each statistic is compared with Brian 2.11 running the same example
//! (tools/brian2/examples.py -> tests/data/examples/<name>.json): exactly where the
//! example draws no random numbers, and within three standard deviations of Brian 2's
//! seeds (one run of ours) where it does.

mod common;
use common::*;

/// (example, [(statistic, the Rhai expression computing it after the script ran)]).
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "IF_curve_LIF",
        &[
            ("n_spikes", "monitor.num_spikes"),
            ("n_firing", "sum(monitor.count > 0)"),
            ("rate_999_Hz", "monitor.count[999] / duration / Hz"),
            ("rate_750_Hz", "monitor.count[750] / duration / Hz"),
            ("rate_550_Hz", "monitor.count[550] / duration / Hz"),
        ],
    ),
    (
        "synapses",
        &[
            ("n_synapses", "len(syn)"),
            ("delay_mean_ms", "mean(syn.delay) / ms"),
            ("v_final_mean", "mean(mon.v.T[len(mon.t) - 1])"),
            (
                "v_mean",
                "let s = 0.0; for k in 0..10 { s += mean(mon.v[k]); } s / 10",
            ),
        ],
    ),
    (
        "non_reliability",
        &[
            ("rate_Hz", "spikes.num_spikes / (N * 500*ms) / Hz"),
            (
                "first_spike_mean_ms",
                "let first = []; first.pad(N, 1e9); let ii = spikes.i; let tt = spikes.t / ms;
                 for k in 0..len(ii) { let n = to_int(ii[k]); if tt[k] < first[n] { first[n] = tt[k]; } }
                 let s = 0.0; let c = 0; for f in first { if f < 1e9 { s += f; c += 1; } } s / c",
            ),
        ],
    ),
];

#[test]
fn ported_examples_give_brian_2s_statistics() {
    let mut failures = Vec::new();
    for (name, stats) in EXAMPLES {
        let path = format!("scripts/brian2/{name}.rhai");
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let d = reference_data(&format!("examples/{name}"));
        let deterministic = d["deterministic"].as_bool().unwrap();
        let seeds = d["meta"]["n_seeds"].as_u64().unwrap();
        assert!(
            deterministic || seeds >= 10,
            "{name}: {seeds} seeds are too few for a spread"
        );
        let mut s = session(&format!("example-{name}"), 1);
        if let Err(e) = s.eval(&src, None) {
            panic!("{path}: {}", e.render(&path, &src));
        }
        for (key, expr) in *stats {
            let r = &d["stats"][key];
            let (mean, sd) = (r["mean"].as_f64().unwrap(), r["sd"].as_f64().unwrap());
            let ours = num(&mut s, expr);
            let ok = if deterministic {
                (ours - mean).abs() <= 1e-9 * mean.abs().max(1.0)
            } else {
                (ours - mean).abs() <= 3.0 * sd
            };
            if !ok {
                failures.push(format!(
                    "{name}.{key}: brian {ours}, Brian 2 {mean} (sd {sd}, {seeds} seeds)"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
