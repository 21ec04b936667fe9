//! Run-time control from outside the script: progress reports (`report:`), a run stopped
//! by its callback (Brian 2's `Network.stop()`), and Ctrl-C (SIGINT) ending a script.

mod common;

use brian::network::Control;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_brian-script");

fn script(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("brian-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A run that takes a good fraction of a second in the dev profile.
const BUSY: &str = r#"
let G = NeuronGroup(20000, "dv/dt = (1.1 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0", method: "euler" });
"#;

/// Splits Brian 2's TextReport line "T (P%) simulated in W[, estimated R remaining.]".
fn percent(line: &str) -> i64 {
    let open = line
        .find(" (")
        .unwrap_or_else(|| panic!("no ' (' in {line:?}"));
    let close = line
        .find("%) simulated in ")
        .unwrap_or_else(|| panic!("not a report: {line:?}"));
    line[open + 2..close].parse().unwrap()
}

fn check_report(lines: &[String], duration: &str) {
    assert!(
        lines.len() >= 3,
        "start, at least one report, end: {lines:?}"
    );
    assert_eq!(
        lines[0],
        format!("Starting simulation at t=0. s for a duration of {duration}")
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with(&format!("{duration} (100%) simulated in "))
            && !last.contains("remaining"),
        "{last:?}"
    );
    let mut prev = 0;
    for l in &lines[1..lines.len() - 1] {
        let p = percent(l);
        assert!(p >= prev && p < 100, "{l:?} after {prev}%");
        prev = p;
        assert!(l.ends_with(" remaining."), "{l:?}");
        assert!(l.contains(", estimated "), "{l:?}");
    }
}

fn report_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("Starting simulation") || l.contains("%) simulated in "))
        .map(String::from)
        .collect()
}

#[test]
fn text_report_goes_to_a_piped_stderr_with_brian2_lines() {
    let path = script(
        "stderr.rhai",
        &format!("{BUSY}run(2*second, #{{ report: \"stderr\", report_period: 0.05*second }});\n"),
    );
    let out = Command::new(BIN).arg(&path).arg("-q").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    check_report(&report_lines(&err), "2. s");
    assert!(report_lines(&String::from_utf8_lossy(&out.stdout)).is_empty());
}

#[test]
fn text_and_stdout_reports_go_to_stdout_as_in_brian2() {
    for (k, kind) in ["text", "stdout"].iter().enumerate() {
        let path = script(
            &format!("stdout{k}.rhai"),
            &format!(
                "{BUSY}let net = Network(G);\nnet.run(1*second, #{{ report: \"{kind}\", report_period: 0.05*second }});\n"
            ),
        );
        let out = Command::new(BIN).arg(&path).arg("-q").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_report(&report_lines(&String::from_utf8_lossy(&out.stdout)), "1. s");
        assert!(report_lines(&String::from_utf8_lossy(&out.stderr)).is_empty());
    }
}

#[test]
fn no_report_by_default_on_a_pipe_and_none_silences() {
    for opts in ["", ", #{ report: \"none\", report_period: 1*ms }"] {
        let path = script("quiet.rhai", &format!("{BUSY}run(200*ms{opts});\n"));
        let out = Command::new(BIN).arg(&path).arg("-q").output().unwrap();
        assert!(out.status.success());
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn bad_run_options_are_errors() {
    let mut s = session("run_options", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(1, \"v : 1\"); let net = Network(G);",
    );
    for (code, want) in [
        (
            "run(1*ms, #{ reprot: \"text\" })",
            "run() has no option 'reprot' (did you mean 'report'?)",
        ),
        (
            "net.run(1*ms, #{ period: 1*second })",
            "run() has no option 'period'",
        ),
        (
            "run(1*ms, #{ report: \"loud\" })",
            "report 'loud' is not known",
        ),
        (
            "run(1*ms, #{ report: \"text\", report_period: 0*second })",
            "report_period must be a positive time",
        ),
        ("run(1*ms, #{ report_period: 1*mV })", "report_period"),
        ("run(1*ms, \"text\")", "options map"),
        ("run(net, 1*ms, 3)", "options map"),
    ] {
        let e = s.eval(code, None).unwrap_err().render("test", code);
        assert!(e.contains(want), "{code}: {e}");
    }
    // Nothing ran.
    assert_eq!(s.state.borrow().net.t(), 0.0);
    exec(&mut s, "run(net, 1*ms, #{ report: \"none\" });");
    assert!((s.state.borrow().net.t() - 1e-3).abs() < 1e-15);
}

/// Brian 2's `net.stop()`: the network's time is the time reached, state and monitors as
/// they are after k steps; the next run goes on from there.
#[test]
fn a_callback_stop_keeps_the_time_reached_and_the_data() {
    let mut s = session("run_with_stop", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(3, "dv/dt = (2 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0", method: "exact" });
        let M = StateMonitor(G, "v", #{ record: true });
        let S = SpikeMonitor(G);
        "#,
    );
    let k = 250u64;
    let stats = {
        let mut st = s.state.borrow_mut();
        let ns = st.namespace_values();
        let mut seen = Vec::new();
        let stats = st
            .net
            .run_with(1.0, &ns, &mut |p| {
                seen.push((p.steps, p.t));
                if p.steps == k {
                    Control::Stop
                } else {
                    Control::Continue
                }
            })
            .unwrap();
        assert_eq!(
            seen.len() as u64,
            k + 1,
            "called before every step and at the stop"
        );
        for (n, t) in &seen {
            assert!((t - *n as f64 * 1e-4).abs() < 1e-12, "step {n} at {t}");
        }
        stats
    };
    assert!(stats.stopped);
    assert_eq!(stats.steps, k);
    let dt = 1e-4;
    let st = s.state.borrow();
    assert!((st.net.t() - k as f64 * dt).abs() < 1e-12, "{}", st.net.t());
    let m = &st.net.state_monitors[0];
    assert_eq!(m.len() as u64, k);
    assert!((m.t().last().unwrap() - (k - 1) as f64 * dt).abs() < 1e-12);
    // v(t) = 2 (1 - exp(-t/tau)) crosses 1 at tau ln 2 = 6.93 ms: one spike each by 25 ms
    // (the next is at 2 * 6.94 ms).
    assert_eq!(st.net.spike_monitors[0].num_spikes(), 3 * 3);
    drop(st);
    // Unstopped, the same network runs to its end.
    let mut st = s.state.borrow_mut();
    let ns = st.namespace_values();
    let stats = st
        .net
        .run_with(5e-3, &ns, &mut |_| Control::Continue)
        .unwrap();
    assert!(!stats.stopped);
    assert_eq!(stats.steps, 50);
    assert!((st.net.t() - 0.03).abs() < 1e-12);
    assert_eq!(st.net.state_monitors[0].len(), 300);
}

/// SIGINT during a long run: the run stops at the end of a step, the script ends with
/// a message and status 130, quickly.
#[test]
fn sigint_ends_a_script_run_with_status_130() {
    let path = script(
        "long.rhai",
        &format!(
            "{BUSY}run(10000*second, #{{ report: \"stderr\", report_period: 0.01*second }});\nprint(\"after the run\");\n"
        ),
    );
    let mut child = Command::new(BIN)
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    // Wait until the loop is running: a first progress line.
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "stderr ended: {seen}"
        );
        seen.push_str(&line);
        if line.contains("%) simulated in ") {
            break;
        }
    }
    let sent = Instant::now();
    let kill = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = sent.elapsed();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(rest.contains("run: interrupted (Ctrl-C) at t = "), "{rest}");
    // Brian 2's end-of-run report with the fraction completed.
    assert!(rest.contains("%) simulated in "), "{rest}");
    assert!(!out.contains("after the run"), "{out}");
}

fn reference() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/run_report.json"
    ))
    .expect("tests/data/run_report.json (tools/brian2/run_report.py)");
    serde_json::from_str(&text).unwrap()
}

/// The lines of Brian 2's TextReport and its `_format_time`, from tools/brian2/run_report.py.
#[test]
fn report_lines_match_brian2_text_report() {
    use brian::script::api::run_report::{brian_time, format_wall, text_line};
    let r = reference();
    let cases = r["report_cases"].as_array().unwrap();
    let lines = r["report_lines"].as_array().unwrap();
    for (c, want) in cases.iter().zip(lines) {
        let c: Vec<f64> = c
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let (elapsed, completed, start, duration) = (c[0], c[1], c[2], c[3]);
        let got = if completed == 0.0 {
            format!(
                "Starting simulation at t={} for a duration of {}",
                brian_time(start),
                brian_time(duration)
            )
        } else {
            text_line(elapsed, completed, duration)
        };
        assert_eq!(got, want.as_str().unwrap(), "{c:?}");
    }
    let walls = r["wall_seconds"].as_array().unwrap();
    for (w, want) in walls.iter().zip(r["wall_text"].as_array().unwrap()) {
        assert_eq!(format_wall(w.as_f64().unwrap()), want.as_str().unwrap());
    }
}

/// Brian 2's net.stop() from a network_operation after k steps: time and data reached.
#[test]
fn callback_stop_matches_brian2_net_stop() {
    let r = reference();
    let k = r["stop_k"].as_u64().unwrap();
    let mut s = session("run_with_stop_b2", 1);
    exec(
        &mut s,
        r#"
        let G = NeuronGroup(3, "dv/dt = (2 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0", method: "exact" });
        let M = StateMonitor(G, "v", #{ record: true });
        let S = SpikeMonitor(G);
        "#,
    );
    let mut st = s.state.borrow_mut();
    let ns = st.namespace_values();
    let stats = st
        .net
        .run_with(1.0, &ns, &mut |p| {
            if p.steps == k {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .unwrap();
    assert!(stats.stopped);
    assert!((st.net.t() - r["stop_t"].as_f64().unwrap()).abs() < 1e-12);
    assert_eq!(
        st.net.state_monitors[0].len() as u64,
        r["stop_monitor_len"].as_u64().unwrap()
    );
    assert_eq!(
        st.net.spike_monitors[0].num_spikes() as u64,
        r["stop_spikes"].as_u64().unwrap()
    );
}
