//! PopulationRateMonitor.smooth_rate against Brian 2 itself (tests/data/smooth_rate.json,
//! written by tools/brian2/smooth_rate.py): flat windows rounded to the nearest odd number
//! of steps as numpy rounds (half to even: 0.25 ms at dt 0.1 ms is 3 steps, 0.5 ms is 5),
//! Gaussian windows, an array of weights, normalisation and zero padding.

mod common;
use common::*;

fn close(what: &str, ours: &[f64], brian: &[f64]) {
    assert_eq!(ours.len(), brian.len(), "{what}");
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{what}[{k}]: ours {a}, Brian 2 {b}"
        );
    }
}

#[test]
fn smoothed_rates_are_brian_2s() {
    let d = reference_data("smooth_rate");
    let mut s = session("smooth-rate", 1);
    let list = |key: &str| {
        json_floats(&d[key])
            .iter()
            .map(|x| format!("{x}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    exec(
        &mut s,
        &format!(
            "let G = SpikeGeneratorGroup(4, [{}], array([{}]) * 0.1*ms);
             let R = PopulationRateMonitor(G);
             run(3*ms);",
            list("indices"),
            list("steps")
        ),
    );
    close(
        "rate",
        &floats(&mut s, "R.rate / Hz"),
        &json_floats(&d["rate"]),
    );
    for w in [300, 540, 250, 500, 100] {
        let ours = floats(
            &mut s,
            &format!("R.smooth_rate(#{{ window: \"flat\", width: {w}*us }}) / Hz"),
        );
        close(
            &format!("flat {w} us"),
            &ours,
            &json_floats(&d[format!("flat_{w}")]),
        );
    }
    for w in [150, 100, 225] {
        let ours = floats(
            &mut s,
            &format!("R.smooth_rate(#{{ window: \"gaussian\", width: {w}*us }}) / Hz"),
        );
        close(
            &format!("gaussian {w} us"),
            &ours,
            &json_floats(&d[format!("gauss_{w}")]),
        );
    }
    let ours = floats(
        &mut s,
        "R.smooth_rate(#{ window: [1.0, 2.0, 3.0, 2.0, 1.0] }) / Hz",
    );
    close("custom", &ours, &json_floats(&d["custom"]));
    for (code, expected) in [
        ("R.smooth_rate(#{ window: [1.0, 2.0] })", "odd number"),
        (
            "R.smooth_rate(#{ window: [1.0], width: 1*ms })",
            "named window",
        ),
    ] {
        let e = s.eval(code, None).expect_err(code);
        assert!(e.render("test", code).contains(expected), "{code}");
    }
}
