//! Brian 2's standalone device calls are accepted and change nothing: brian runs each
//! `run()` when it is called, as Brian 2's `device.build()` would run them in order
//! (examples/standalone/simple_case_build.py's model, deterministic).

mod common;
use common::*;

const MODEL: &str = r#"
    let tau = 10*ms;
    let I = 1;
    let G = NeuronGroup(2, "dv/dt = (I-v)/tau : 1", #{ method: "exact" });
    let mon = StateMonitor(G, "v", #{ record: true });
    run(20*ms);
    I = 0;
    run(80*ms);"#;

#[test]
fn set_device_and_build_leave_the_results_as_they_are() {
    let mut plain = session("device-plain", 1);
    exec(&mut plain, MODEL);
    let mut standalone = session("device-standalone", 1);
    exec(
        &mut standalone,
        &format!(
            r#"set_device("cpp_standalone", #{{ build_on_run: false, directory: "out" }});
               {MODEL}
               device.build(#{{ directory: "out", compile: true, run: true }});"#
        ),
    );
    let a = floats(&mut plain, "mon[1].v");
    assert_eq!(a, floats(&mut standalone, "mon[1].v"));
    // v rose towards 1 for 20 ms, then decayed towards 0 (I read at each run).
    let peak = 1.0 - (-2.0f64).exp();
    assert!((a[200] - peak).abs() < 1e-9, "{}", a[200]);
    assert!(
        (a[999] - peak * (-7.99f64).exp()).abs() < 1e-9,
        "{}",
        a[999]
    );
}

#[test]
fn unknown_devices_and_options_are_refused() {
    let mut s = session("device-refused", 1);
    for (code, expected) in [
        (r#"set_device("gpu")"#, "unknown device 'gpu'"),
        (
            r#"set_device("cpp_standalone", #{ build_on_rnu: false })"#,
            "build_on_rnu",
        ),
        (r#"device.build(#{ complie: true })"#, "complie"),
    ] {
        let e = s.eval(code, None).expect_err(code);
        assert!(
            e.render("test", code).contains(expected),
            "{code}: {}",
            e.render("test", code)
        );
    }
}
