//! Data saved by scripts is read by NumPy itself (values, shapes, dtypes, units in the side
//! files), and `load()` brings it back. Skipped with a message when python3 or numpy is
//! missing; CI installs numpy (.ci/run).

use brian::script::Session;
use std::path::{Path, PathBuf};
use std::process::Command;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-npy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn session(dir: &Path) -> Session {
    let s = Session::new(dir.to_path_buf(), "roundtrip".into());
    {
        let mut st = s.state.borrow_mut();
        st.net.seed(3);
        st.quiet = true;
    }
    s
}

fn run(s: &mut Session, code: &str) -> rhai::Dynamic {
    match s.eval(code, Some("test.rhai")) {
        Ok(v) => v,
        Err(e) => panic!("{}", e.render("test.rhai", code)),
    }
}

fn numpy_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 with numpy is not available (pip install numpy)");
    }
    ok
}

/// Runs Python code in `dir`; its assertions fail the test with their message.
fn python(dir: &Path, code: &str) {
    let out = Command::new("python3")
        .current_dir(dir)
        .args(["-c", code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Five neurons charging towards 1.2 and firing at 1, with a recorded trace.
const NETWORK: &str = r#"
let G = NeuronGroup(5, "dv/dt = (1.2 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0" });
G.v = [0.0, 0.2, 0.4, 0.6, 0.8];
let M = SpikeMonitor(G);
let S = StateMonitor(G, "v", #{ record: [0, 2] });
let R = PopulationRateMonitor(G);
let H = NeuronGroup(3, "du/dt = -u/(5*ms) : volt");
H.u = [-70*mV, -60*mV, -50*mV];
let U = StateMonitor(H, "u", #{ record: true });
run(25*ms);
"#;

#[test]
fn numpy_reads_what_scripts_save() {
    if !numpy_available() {
        return;
    }
    let dir = temp_dir("save");
    let mut s = session(&dir);
    let _ = run(&mut s, NETWORK);
    let _ = run(
        &mut s,
        r#"
        save(M, "spikes.npz");
        save(M, "spikes.npy");
        save(M, "spikes.csv");
        save(S, "v.npz");
        save(U, "u.npz");
        save(U, "u.csv");
        save(M.t/ms, "t_ms.npy");
        save(M.i, "i.npy");
        save(U.t, "ut.npy");
        save(linspace(0*mV, 10*mV, 3), "lin.npy");
        save([[1, 2, 3], [4, 5, 6]], "matrix.npy");
        save(#{ a: [1.5, 2.5], b: [1, 2, 3] }, "map.npz");
        save(R, "rate.npz");
        save(R, "rate.csv");
    "#,
    );
    let st = s.state.borrow();
    let m = &st.net.spike_monitors[0];
    let (i, t): (Vec<String>, Vec<String>) =
        m.i.iter()
            .zip(&m.t)
            .map(|(i, t)| (i.to_string(), format!("{}", t * 1e3)))
            .unzip();
    assert!(m.i.len() >= 5, "the test network should spike");
    let (i, t) = (i.join(","), t.join(","));
    drop(st);
    python(
        &dir,
        &format!(
            r#"
import json, numpy as np
d = np.load("spikes.npz")
assert sorted(d.files) == ["count", "i", "t"], d.files
assert d["i"].dtype == np.int64 and d["count"].dtype == np.int64, (d["i"].dtype, d["count"].dtype)
assert d["t"].dtype == np.float64
assert list(d["i"]) == [{i}], d["i"]
assert np.allclose(d["t"], [{t}]), d["t"]
assert d["count"].shape == (5,) and d["count"].sum() == len(d["i"])
units = json.load(open("spikes.npz.json"))
assert units["t"]["unit"] == "ms" and units["t"]["dimension"] == "s" and units["t"]["scale"] == 0.001, units

a = np.load("spikes.npy")
assert a.shape == (len(d["i"]), 2) and a.dtype == np.float64, a.shape
assert np.array_equal(a[:, 0], d["i"]) and np.allclose(a[:, 1], d["t"])
cols = json.load(open("spikes.npy.json"))["columns"]
assert [c["name"] for c in cols] == ["i", "t"] and cols[1]["unit"] == "ms", cols

c = np.genfromtxt("spikes.csv", delimiter=",", names=True)
assert c.dtype.names == ("i", "t_ms"), c.dtype.names
assert np.allclose(c["t_ms"], d["t"]) and np.array_equal(c["i"], d["i"])
assert open("spikes.csv").readline().strip() == "i,t (ms)"

v = np.load("v.npz")
assert sorted(v.files) == ["record", "t", "v"], v.files
assert v["v"].shape == (2, 250) and v["t"].shape == (250,), (v["v"].shape, v["t"].shape)
assert list(v["record"]) == [0, 2]
assert np.isclose(v["v"][0, 0], 0.0) and np.isclose(v["v"][1, 0], 0.4), v["v"][:, 0]
assert np.allclose(np.diff(v["t"]), 0.1)

u = np.load("u.npz")
uu = json.load(open("u.npz.json"))["u"]
assert uu["unit"] == "mV" and uu["scale"] == 0.001 and uu["dimension"] == "m^2 kg s^-3 A^-1", uu
assert np.allclose(u["u"][:, 0], [-70, -60, -50]), u["u"][:, 0]
assert np.allclose(u["u"][2, 50], -50 * np.exp(-1), rtol=1e-3), u["u"][2, 50]
uc = np.genfromtxt("u.csv", delimiter=",", names=True)
assert uc.dtype.names == ("t_ms", "u0_mV", "u1_mV", "u2_mV"), uc.dtype.names
assert np.allclose(uc["u2_mV"], u["u"][2])

tm = np.load("t_ms.npy")
assert np.allclose(tm, d["t"]) and tm.dtype == np.float64
tj = json.load(open("t_ms.npy.json"))
assert tj["unit"] == "ms" and tj["scale"] == 0.001, tj
ii = np.load("i.npy")
assert ii.dtype == np.int64 and np.array_equal(ii, d["i"])
ut = np.load("ut.npy")
assert ut.shape == (250,) and json.load(open("ut.npy.json"))["unit"] == "ms"
assert np.allclose(np.load("lin.npy"), [0, 5, 10]) and json.load(open("lin.npy.json"))["unit"] == "mV"
m = np.load("matrix.npy")
assert m.shape == (2, 3) and m.dtype == np.int64 or m.dtype == np.float64, (m.shape, m.dtype)
assert np.array_equal(m, [[1, 2, 3], [4, 5, 6]])
mp = np.load("map.npz")
assert np.allclose(mp["a"], [1.5, 2.5]) and list(mp["b"]) == [1, 2, 3] and mp["b"].dtype == np.int64
r = np.load("rate.npz")
assert r["rate"].shape == (250,) and json.load(open("rate.npz.json"))["rate"]["unit"] == "Hz"
assert np.isclose(r["rate"].sum() * 1e-4 * 5, len(d["i"])), r["rate"].sum()
assert open("rate.csv").readline().strip() == "t (ms),rate (Hz)"
print("ok")
"#
        ),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_reads_back_saved_data_and_numpy_files() {
    let dir = temp_dir("load");
    let mut s = session(&dir);
    let _ = run(&mut s, NETWORK);
    let checks = run(
        &mut s,
        r#"
        save(M, "spikes.npz");
        save(M, "spikes.csv");
        save(M, "spikes.npy");
        save(U, "u.npz");
        save(M.t/ms, "t_ms.npy");
        let z = load("spikes.npz");
        let c = load("spikes.csv");
        let y = load("spikes.npy");
        let u = load("u.npz");
        let t = load("t_ms.npy");
        [
            len(z.t) == M.num_spikes,
            max(abs(z.t - M.t)) < 1e-9*ms,
            max(abs(c.t - M.t)) < 1e-9*ms,
            max(abs(y.t - M.t)) < 1e-9*ms,
            sum(abs(z.i - M.i)) == 0,
            sum(abs(c.i - M.i)) == 0,
            sum(z.count) == M.num_spikes,
            len(u.u) == 3,
            abs(u.u[0][0] - (-70*mV)) < 1e-9*mV,
            max(abs(t - M.t)) < 1e-9*ms,
        ]
    "#,
    );
    let checks: Vec<bool> = checks.into_typed_array::<bool>().expect("a list of checks");
    assert!(checks.iter().all(|&c| c), "{checks:?}");
    // A script can continue from saved data: the times keep their unit.
    let err = s.eval("load(\"t_ms.npy\") + 1*mV", None).unwrap_err();
    assert!(
        err.message.contains("units do not match"),
        "{}",
        err.message
    );
}

#[test]
fn load_reads_arrays_numpy_wrote() {
    if !numpy_available() {
        return;
    }
    let dir = temp_dir("from-numpy");
    python(
        &dir,
        r#"
import numpy as np
np.save("f32.npy", np.array([1.5, -2.0], dtype=np.float32))
np.save("i32.npy", np.array([1, 2, 3], dtype=np.int32))
np.save("fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save("scalar.npy", np.float64(4.25))
np.savez_compressed("z.npz", a=np.arange(4), b=np.ones((2, 2)))
np.savetxt("plain.csv", np.array([[1, 2.5], [3, 4.5]]), delimiter=",", header="n,x (mV)", comments="")
"#,
    );
    let mut s = session(&dir);
    let out = run(
        &mut s,
        r#"
        let f = load("f32.npy");
        let i = load("i32.npy");
        let m = load("fortran.npy");
        let z = load("z.npz");
        let c = load("plain.csv");
        [
            f[0] == 1.5 && f[1] == -2.0,
            sum(i) == 6.0,
            len(m) == 2 && m[0][1] == 1.0 && m[1][0] == 3.0,
            load("scalar.npy")[0] == 4.25,
            sum(z.a) == 6.0 && len(z.b) == 2,
            c.n[1] == 3.0 && c.x[1] == 4.5*mV,
        ]
    "#,
    );
    let checks: Vec<bool> = out.into_typed_array::<bool>().unwrap();
    assert!(checks.iter().all(|&c| c), "{checks:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
