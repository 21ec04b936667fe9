//! Parameter sweeps end to end: every combination runs, results land in the table, a
//! failing run keeps its row and loses nobody else's, --resume skips what succeeded.

use brian::cli::sweep::{run, SweepArgs};
use std::path::{Path, PathBuf};

const SCRIPT: &str = r#"
let tau = param("tau", 10*ms);
let n = param("n", 5);
if tau > 25*ms { throw "tau too long for this model"; }
let G = NeuronGroup(n, "dv/dt = (1.5 - v)/tau : 1", #{ threshold: "v > 1", reset: "v = 0" });
let M = SpikeMonitor(G);
run(100*ms);
result("rate", M.num_spikes / (n * 100*ms));
result("tau_seen", tau);
"#;

fn setup(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("brian-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("model.rhai");
    std::fs::write(&script, SCRIPT).unwrap();
    (script, dir.join("out"))
}

fn args(script: &Path, out: &Path, params: &[&str], resume: bool) -> SweepArgs {
    SweepArgs {
        script: script.to_path_buf(),
        params: params.iter().map(|s| s.to_string()).collect(),
        jobs: Some(2),
        out: out.to_path_buf(),
        seed: Some(1),
        resume,
    }
}

fn table(out: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(out.join("results.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn a_failing_run_loses_none_of_the_others() {
    let (script, out) = setup("fail");
    let code = run(args(&script, &out, &["tau=10ms,20ms,30ms", "n=2,3"], false));
    assert_eq!(code, 1, "one combination fails, so the exit code says so");
    let t = table(&out);
    assert_eq!(
        t[0],
        vec![
            "run",
            "tau",
            "n",
            "rate [Hz]",
            "tau_seen [s]",
            "error",
            "seconds"
        ]
    );
    assert_eq!(t.len(), 7, "6 runs and a header");
    for row in &t[1..] {
        if row[1] == "30ms" {
            assert!(row[5].contains("tau too long"), "{row:?}");
        } else {
            let rate: f64 = row[3].parse().unwrap();
            // T = tau*ln(3) between spikes: 1/(10 ms * 1.0986) = 91 Hz, 1/(20 ms*1.0986) = 45.5 Hz.
            let tau: f64 = row[4].parse().unwrap();
            let expected = (0.1 / (tau * 3f64.ln())).floor() / 0.1;
            assert!(
                (rate - expected).abs() <= 10.0,
                "{row:?}: {rate} vs {expected}"
            );
            assert!(row[5].is_empty());
        }
    }
    // Resume runs only what failed (and fails again).
    let code = run(args(&script, &out, &["tau=10ms,20ms,30ms", "n=2,3"], true));
    assert_eq!(code, 1);
    assert_eq!(table(&out).len(), 7);
}

#[test]
fn bad_parameters_are_errors_in_their_rows() {
    let (script, out) = setup("bad");
    run(args(&script, &out, &["tau=10mV", "n=2"], false));
    let t = table(&out);
    assert!(
        t[1].iter()
            .any(|c| c.contains("does not have the units of the default 10. ms")),
        "{t:?}"
    );
    run(args(&script, &out, &["tau=10ms", "m=2"], false));
    let t = table(&out);
    assert!(
        t[1].iter()
            .any(|c| c.contains("never reads the parameter 'm'")),
        "{t:?}"
    );
}
