//! `store(name, filename)` / `restore(name, filename)`: a state written by one process and
//! restored by another continues exactly (with `restore_random_state`), and files of
//! another network or format are clear errors.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A noisy network with synapses and delays (spike queues in flight at the store), a
/// Brian 1 Connection, and monitors. `extra` adds lines before the run.
fn model(extra: &str) -> String {
    format!(
        r#"
seed(7);
defaultclock.dt = 0.1*ms;
let tau = 10*ms;
let sigma = 0.5;
let G = NeuronGroup(40, "dv/dt = (1.05 - v)/tau + sigma*xi*tau**-0.5 : 1", #{{ threshold: "v > 1", reset: "v = 0", refractory: 2*ms, method: "euler" }});
G.v = "rand()";
let S = Synapses(G, G, "w : 1", #{{ on_pre: "v += w" }});
S.connect(#{{ p: 0.2 }});
S.w = "0.05*rand()";
S.delay = "rand()*3*ms";
let H = NeuronGroup(5, "dv/dt = -v/tau : 1", #{{ threshold: "v > 1", reset: "v = 0" }});
let C = Connection(G, H, "v", #{{ weight: 0.4, sparseness: 0.3, delay: [0.5*ms, 2.5*ms] }});
let M = SpikeMonitor(G);
let MH = SpikeMonitor(H);
let V = StateMonitor(G, "v", #{{ record: [0, 1] }});
{extra}
"#
    )
}

fn spikes_out() -> &'static str {
    r#"
let out = [];
for k in 0..M.num_spikes { out.push(`${M.i[k]} ${M.t[k] / ms}`); }
for k in 0..MH.num_spikes { out.push(`H ${MH.i[k]} ${MH.t[k] / ms}`); }
let n = len(V.t);
out.push(`v ${n} ${V.v[0][n - 1]}`);
out.push(`t ${defaultclock.t / ms}`);
print(out);
"#
}

fn script_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs a script in a new process; (success, stdout, stderr).
fn run_script(path: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_brian-script"))
        .arg(path)
        .arg("--no-plots")
        .arg("--quiet")
        .output()
        .expect("brian-script runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-store-file-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stdout_ok(path: &Path) -> String {
    let (ok, out, err) = run_script(path);
    assert!(ok, "script {} failed:\n{out}\n{err}", path.display());
    out
}

#[test]
fn a_later_process_continues_exactly_with_the_random_state() {
    let d = tmp_dir("continue");
    let state = d.join("state.bin");
    let s = state.display();
    let first = script_file(
        &d,
        "first.rhai",
        &format!(
            "{}run(20*ms);\nstore(\"at20\", \"{s}\");\nrun(30*ms);\n{}",
            model(""),
            spikes_out()
        ),
    );
    let second = script_file(
        &d,
        "second.rhai",
        &format!(
            "{}restore(\"at20\", \"{s}\", #{{ restore_random_state: true }});\nrun(30*ms);\n{}",
            model(""),
            spikes_out()
        ),
    );
    let a = stdout_ok(&first);
    let b = stdout_ok(&second);
    // Not a trivial comparison: the network spikes before and after the store, the
    // Connection's target too.
    assert!(a.matches(", \"").count() > 100, "{a}");
    assert!(a.contains("\"H "), "{a}");
    assert!(a.contains("t 50"), "{a}");
    assert_eq!(a, b);

    // Without the random state the noise after the restore differs (Brian 2's default).
    let third = script_file(
        &d,
        "third.rhai",
        &format!(
            "{}seed(99);\nrestore(\"at20\", \"{s}\");\nrun(30*ms);\n{}",
            model(""),
            spikes_out()
        ),
    );
    let c = stdout_ok(&third);
    assert_ne!(a, c);
    // The recorded data before 20 ms came back all the same: the first spikes agree.
    let first_line = |x: &str| x.split(", ").next().unwrap().to_string();
    assert_eq!(first_line(&a), first_line(&c));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn explicit_networks_and_several_names_in_one_file() {
    let d = tmp_dir("explicit");
    let state = d.join("state.bin");
    let s = state.display();
    let first = script_file(
        &d,
        "first.rhai",
        &format!(
            "{}let net = Network(G, S, H, C, M, MH, V);\nnet.run(10*ms);\nnet.store(\"a\", \"{s}\");\nnet.run(10*ms);\nnet.store(\"b\", \"{s}\");\nnet.run(30*ms);\nprint(net.t);\n{}",
            model(""),
            spikes_out()
        ),
    );
    let second = script_file(
        &d,
        "second.rhai",
        &format!(
            "{}let net = Network(G, S, H, C, M, MH, V);\nnet.restore(\"b\", \"{s}\", #{{ restore_random_state: true }});\nnet.run(30*ms);\nprint(net.t);\n{}",
            model(""),
            spikes_out()
        ),
    );
    let a = stdout_ok(&first);
    let b = stdout_ok(&second);
    assert!(a.starts_with("50. ms"), "{a}");
    assert_eq!(a, b);
    // "a" is still in the file, at 10 ms.
    let third = script_file(
        &d,
        "third.rhai",
        &format!(
            "{}let net = Network(G, S, H, C, M, MH, V);\nnet.restore(\"a\", \"{s}\");\nprint(net.t);\nprint(M.num_spikes == len(M.t));",
            model("")
        ),
    );
    let c = stdout_ok(&third);
    assert!(c.starts_with("10. ms"), "{c}");
    let _ = std::fs::remove_dir_all(&d);
}

fn restore_error(d: &Path, state: &Path, extra: &str, restore: &str) -> String {
    let p = script_file(
        d,
        "restore.rhai",
        &format!(
            "{}{restore}\n",
            model(extra).replace("STATE", &state.display().to_string())
        ),
    );
    let (ok, out, err) = run_script(&p);
    assert!(!ok, "restore should fail:\n{out}\n{err}");
    err
}

#[test]
fn files_of_another_network_or_format_are_errors_naming_the_difference() {
    let d = tmp_dir("errors");
    let state = d.join("state.bin");
    let s = state.display().to_string();
    let first = script_file(
        &d,
        "first.rhai",
        &format!("{}run(5*ms);\nstore(\"x\", \"{s}\");\n", model("")),
    );
    stdout_ok(&first);
    let restore = format!("restore(\"x\", \"{s}\");");

    // A group of another size.
    let p = script_file(
        &d,
        "sized.rhai",
        &format!(
            "{}{restore}\n",
            model("").replace("NeuronGroup(40,", "NeuronGroup(41,")
        ),
    );
    let (ok, _, err) = run_script(&p);
    assert!(!ok);
    assert!(
        err.contains("for a different network")
            && err.contains("NeuronGroup 'neurongroup' of 40 neurons")
            && err.contains("'neurongroup' of 41 neurons"),
        "{err}"
    );

    // Another name.
    let p = script_file(
        &d,
        "named.rhai",
        &format!(
            "{}{restore}\n",
            model("").replace(
                "let H = NeuronGroup(5, \"dv/dt = -v/tau : 1\", #{ ",
                "let H = NeuronGroup(5, \"dv/dt = -v/tau : 1\", #{ name: \"other\", "
            )
        ),
    );
    let (ok, _, err) = run_script(&p);
    assert!(!ok);
    assert!(
        err.contains("'neurongroup_1'") && err.contains("'other'"),
        "{err}"
    );

    // An object more.
    let err = restore_error(&d, &state, "let R = PopulationRateMonitor(G);", &restore);
    assert!(
        err.contains("the file has 0 PopulationRateMonitors, this network 1"),
        "{err}"
    );

    // Another variable.
    let p = script_file(
        &d,
        "vars.rhai",
        &format!(
            "{}{restore}\n",
            model("").replace("\"w : 1\"", "\"w : 1\\nu : 1\"")
        ),
    );
    let (ok, _, err) = run_script(&p);
    assert!(!ok);
    assert!(
        err.contains("Synapses object number 1 is 'synapses'"),
        "{err}"
    );

    // A name not in the file.
    let err = restore_error(&d, &state, "", &format!("restore(\"y\", \"{s}\");"));
    assert!(
        err.contains("holds no state stored under the name 'y' (it holds 'x')"),
        "{err}"
    );

    // Another format version, and a file that is not a state file.
    let mut bytes = std::fs::read(&state).unwrap();
    bytes[16] = 99;
    let other = d.join("other_version.bin");
    std::fs::write(&other, &bytes).unwrap();
    let err = restore_error(
        &d,
        &state,
        "",
        &format!("restore(\"x\", \"{}\");", other.display()),
    );
    assert!(
        err.contains("version 99 of the store file format; this program reads version 1"),
        "{err}"
    );
    let junk = d.join("junk.bin");
    std::fs::write(&junk, b"not a state").unwrap();
    let err = restore_error(
        &d,
        &state,
        "",
        &format!("restore(\"x\", \"{}\");", junk.display()),
    );
    assert!(err.contains("is not a file written by store"), "{err}");
    // store() does not overwrite a file that is not a state file.
    let err = restore_error(
        &d,
        &state,
        "",
        &format!("run(1*ms);\nstore(\"x\", \"{}\");", junk.display()),
    );
    assert!(err.contains("it was left as it is"), "{err}");
    assert_eq!(std::fs::read(&junk).unwrap(), b"not a state");
    // A truncated file.
    let cut = d.join("cut.bin");
    std::fs::write(&cut, &std::fs::read(&state).unwrap()[..100]).unwrap();
    let err = restore_error(
        &d,
        &state,
        "",
        &format!("restore(\"x\", \"{}\");", cut.display()),
    );
    assert!(err.contains("is damaged or incomplete"), "{err}");
    // A missing file.
    let err = restore_error(
        &d,
        &state,
        "",
        "restore(\"x\", \"/nonexistent/state.bin\");",
    );
    assert!(
        err.contains("cannot read '/nonexistent/state.bin'"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
