//! Reading recorded data in a script costs O(1) per read: `M.t`, `M.v[k]`, `SM.i` give
//! arrays that share the monitor's storage (or one conversion of it per recording)
//! instead of a fresh copy each time, so `for k in ... { M.t[k] }` does not copy the
//! recording at every step. Checked structurally (shared buffers), never by timing; and
//! copies still behave as copies. A StateMonitor stores its recordings time-major and
//! can reserve a run's recordings at once.

mod common;
use brian::network::*;
use brian::units::QuantityArray;
use common::*;

const NET: &str = r#"
    let G = NeuronGroup(4, "dv/dt = (2 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0" });
    G.v = "0.25*i";
    let SM = SpikeMonitor(G);
    let SV = SpikeMonitor(G, #{ variables: ["v"] });
    let M = StateMonitor(G, ["v"], #{ record: [0, 2, 3] });
    let R = PopulationRateMonitor(G);
    run(30*ms);
"#;

fn array(s: &mut brian::script::Session, expr: &str) -> QuantityArray {
    eval(s, expr)
        .try_cast::<QuantityArray>()
        .unwrap_or_else(|| panic!("{expr} is not an array"))
}

/// Two reads of `expr` give arrays on one buffer: no copy per read.
fn shared_reads(s: &mut brian::script::Session, expr: &str) {
    let (a, b) = (array(s, expr), array(s, expr));
    assert!(!a.is_empty(), "{expr} is empty");
    assert!(
        a.values.shares_buffer(&b.values),
        "{expr} copies the data at every read"
    );
}

#[test]
fn reading_recordings_does_not_copy_them() {
    let mut s = session("reads-shared", 1);
    exec(&mut s, NET);
    for expr in [
        "SM.t", "SM.i", "SM.count", "SV.v", "M.t", "M.times", "M.v[1]", "M[2]", "R.t", "R.rate",
    ] {
        shared_reads(&mut s, expr);
    }
    // Rows of one matrix read are views of it; a variable holding an array shares too.
    exec(&mut s, "let v = M.v; let ti = SM.t;");
    let (row, again) = (array(&mut s, "v[0]"), array(&mut s, "M.v[2]"));
    assert!(row.values.shares_buffer(&again.values));
    assert!(array(&mut s, "ti")
        .values
        .shares_buffer(&array(&mut s, "SM.t").values));
    // The values are the recorded ones.
    assert_eq!(floats(&mut s, "M.v[1]"), floats(&mut s, "M[2]"));
    let rows = eval(&mut s, "len(M.v)").as_int().unwrap();
    assert_eq!(rows, 3);
    let steps = floats(&mut s, "M.t / ms").len();
    assert_eq!(steps, 300);
    let v3 = floats(&mut s, "M.v[2]");
    assert_eq!(v3.len(), steps);
    // Neuron 3 starts at 0.75 and relaxes towards 2, spiking at 1.
    assert_eq!(v3[0], 0.75);
    assert!((v3[1] - (2.0 - 1.25 * (-0.01f64).exp())).abs() < 1e-9);
    let i = floats(&mut s, "SM.i");
    let counts = floats(&mut s, "SM.count");
    for (k, &c) in counts.iter().enumerate() {
        let n = i.iter().filter(|&&x| x == k as f64).count() as f64;
        assert_eq!(c, n);
    }
    assert_eq!(counts.len(), 4);
    assert!(i.len() > 4);
}

#[test]
fn copies_of_recordings_stay_copies() {
    let mut s = session("reads-copies", 1);
    exec(&mut s, NET);
    exec(
        &mut s,
        r#"
        let t = M.t; t[0] = 5*ms;
        let r = M.v[0]; r[0] = 7;
        let i = SM.i; i[0] = 99;
        let w = M.v; w[1] = zeros(len(M.t));
    "#,
    );
    assert_eq!(floats(&mut s, "M.t / ms")[0], 0.0);
    assert_eq!(floats(&mut s, "t / ms")[0], 5.0);
    assert_eq!(floats(&mut s, "M.v[0]")[0], 0.0);
    assert_eq!(floats(&mut s, "r")[0], 7.0);
    assert_ne!(floats(&mut s, "SM.i")[0], 99.0);
    assert!(floats(&mut s, "w[1]").iter().all(|&x| x == 0.0));
    assert_eq!(floats(&mut s, "M.v[1]")[0], 0.5);
    // Recorded data cannot be written through the monitor.
    for bad in ["M.t[0] = 1*ms;", "SM.i[0] = 1;", "M.v[0] = zeros(3);"] {
        assert!(s.eval(bad, None).is_err(), "{bad}");
    }
}

#[test]
fn reads_follow_later_runs_restores_and_reinit() {
    let mut s = session("reads-follow", 1);
    exec(&mut s, NET);
    exec(
        &mut s,
        "store(\"a\"); let i1 = SM.i; let c1 = SM.count; let v1 = M.v[0]; let n1 = SM.num_spikes;",
    );
    let (i1, c1, v1) = (
        floats(&mut s, "SM.i"),
        floats(&mut s, "SM.count"),
        floats(&mut s, "M.v[0]"),
    );
    exec(&mut s, "run(30*ms);");
    // The arrays read before the run are unchanged; new reads see the whole recording.
    assert_eq!(floats(&mut s, "i1"), i1);
    assert_eq!(floats(&mut s, "c1"), c1);
    assert_eq!(floats(&mut s, "v1"), v1);
    let (i2, c2, v2) = (
        floats(&mut s, "SM.i"),
        floats(&mut s, "SM.count"),
        floats(&mut s, "M.v[0]"),
    );
    assert!(i2.len() > i1.len());
    assert_eq!(&i2[..i1.len()], &i1[..]);
    assert_eq!(c2.iter().sum::<f64>(), i2.len() as f64);
    assert_eq!(v2.len(), 600);
    assert_eq!(&v2[..300], &v1[..]);
    exec(&mut s, "restore(\"a\");");
    assert_eq!(floats(&mut s, "SM.i"), i1);
    assert_eq!(floats(&mut s, "SM.count"), c1);
    assert_eq!(floats(&mut s, "M.v[0]"), v1);
    assert_eq!(floats(&mut s, "M[0]"), v1);
    exec(&mut s, "reinit();");
    assert!(floats(&mut s, "SM.i").is_empty());
    assert!(floats(&mut s, "SM.count").iter().all(|&c| c == 0.0));
    assert!(floats(&mut s, "M.v[0]").is_empty());
}

/// A network of 5 neurons `x` (x = i + t/ms, set by a run_regularly-free equation) with a
/// StateMonitor of neurons 1, 3 and 4 every `every` steps.
fn traced(every: u64) -> Network {
    let mut net = Network::new();
    let spec = NeuronGroupSpec {
        n: 5,
        model: "dx/dt = 1/ms : 1".into(),
        name: "G".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let k = net.neurons(g).unwrap().var_index("x").unwrap();
    for (n, x) in net.neurons_mut(g).unwrap().arrays[k].iter_mut().enumerate() {
        *x = 100.0 * n as f64;
    }
    net.state_monitors.push(StateMonitor::new(
        g,
        vec!["x".into()],
        vec![k],
        vec![1, 3, 4],
        When::start(),
        every,
        "M".into(),
    ));
    net
}

#[test]
fn state_monitors_record_time_major_into_reserved_storage() {
    let mut net = traced(1);
    net.state_monitors[0].reserve_run(0, 20);
    let before = (
        net.state_monitors[0].recording(0).as_ptr(),
        net.state_monitors[0].t().as_ptr(),
    );
    net.run(2e-3, &Values::new()).unwrap();
    let m = &net.state_monitors[0];
    assert_eq!(m.len(), 20);
    assert_eq!(
        (m.recording(0).as_ptr(), m.t().as_ptr()),
        before,
        "the run's recordings fit in the reserved storage"
    );
    let data = m.recording(0);
    assert_eq!(data.len(), 60);
    for s in 0..20 {
        for (k, n) in [1.0, 3.0, 4.0].into_iter().enumerate() {
            // Recorded at the start of step s: x = 100 n + s * 0.1 (dt = 0.1 ms).
            let x = data[s * 3 + k];
            assert!((x - (100.0 * n + 0.1 * s as f64)).abs() < 1e-9, "{x}");
            assert_eq!(m.trace(0, k)[s], x);
            assert_eq!(m.element_major(0)[k * 20 + s], x);
        }
    }
    let traces = m.traces();
    assert_eq!(traces[0].len(), 3);
    assert_eq!(traces[0][2], m.trace(0, 2));
}

#[test]
fn reserving_counts_the_recordings_of_the_run() {
    // Every 3 steps from step 4 to step 17: steps 6, 9, 12, 15.
    let mut net = traced(3);
    net.run(4e-4, &Values::new()).unwrap(); // steps 0..4: recordings at 0 and 3
    assert_eq!(net.state_monitors[0].len(), 2);
    net.state_monitors[0].reserve_run(4, 17);
    let before = net.state_monitors[0].t().as_ptr();
    net.run(13e-4, &Values::new()).unwrap();
    let m = &net.state_monitors[0];
    assert_eq!(m.len(), 6);
    assert_eq!(m.t().as_ptr(), before);
    let steps: Vec<i64> = m.t().iter().map(|t| (t / 1e-4).round() as i64).collect();
    assert_eq!(steps, vec![0, 3, 6, 9, 12, 15]);
}
