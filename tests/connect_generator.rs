//! Brian 2's `connect` vocabulary: generator syntax (`range`, `sample` with `size`, a
//! bare expression with `if`), `i` as a generator, `n` as an expression, broadcast index
//! arrays, `skip_if_invalid`, and the calls Brian 2 refuses. The synapses each
//! deterministic call makes are Brian 2.11's (tools/brian2/connect_generator.py ->
//! tests/data/connect_generator.json).

mod common;
use common::*;
use serde_json::Value;

/// A connect option map in Rhai, from Brian 2's keyword arguments.
fn rhai_map(kwargs: &serde_json::Map<String, Value>) -> String {
    let value = |v: &Value| match v {
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let items: Vec<String> = kwargs
        .iter()
        .map(|(k, v)| format!("{k}: {}", value(v)))
        .collect();
    format!("#{{ {} }}", items.join(", "))
}

#[test]
fn generators_make_the_synapses_brian_2_makes() {
    let d = reference_data("connect_generator");
    let n = d["n"].as_u64().unwrap();
    let cases = d["cases"].as_object().unwrap();
    assert!(cases.len() >= 12);
    for (name, case) in cases {
        let mut s = session(&format!("connect-{name}"), 3);
        let setup =
            format!("let G = NeuronGroup({n}, \"v : 1\"); let S = Synapses(G, G, \"w : 1\");");
        exec(&mut s, &setup);
        let call = format!(
            "S.connect({});",
            rhai_map(case["kwargs"].as_object().unwrap())
        );
        let result = s.eval(&call, None);
        if case.get("error").is_some() {
            assert!(
                result.is_err(),
                "{name}: Brian 2 refuses {call}, brian accepted it"
            );
            continue;
        }
        if let Err(e) = result {
            panic!("{name}: {call}: {}", e.render("test", &call));
        }
        if let Some(counts) = case.get("count_per_i") {
            let is = floats(&mut s, "S.i");
            for (k, c) in json_floats(counts).iter().enumerate() {
                let ours = is.iter().filter(|&&i| i == k as f64).count() as f64;
                assert_eq!(ours, *c, "{name}: synapses from {k}");
            }
            continue;
        }
        assert_eq!(floats(&mut s, "S.i"), json_floats(&case["i"]), "{name}: i");
        assert_eq!(floats(&mut s, "S.j"), json_floats(&case["j"]), "{name}: j");
    }
}

#[test]
fn sampled_targets_are_distinct_and_probabilities_can_be_expressions() {
    let mut s = session("connect-sample", 5);
    exec(
        &mut s,
        "let G = NeuronGroup(200, \"v : 1\");
         let S = Synapses(G, G, \"w : 1\");
         S.connect(#{ j: \"k for k in sample(N_post, size=50)\" });
         let P = Synapses(G, G, \"w : 1\");
         P.connect(#{ j: \"k for k in sample(N_post, p=i/N_pre)\" });
         let Q = Synapses(G, G, \"w : 1\");
         Q.connect(\"i != j\", #{ p: \"0.5*(i+j)/N_pre\" });",
    );
    let (is, js) = (floats(&mut s, "S.i"), floats(&mut s, "S.j"));
    assert_eq!(is.len(), 200 * 50);
    for row in 0..200 {
        let mut t: Vec<f64> = is
            .iter()
            .zip(&js)
            .filter(|(i, _)| **i == row as f64)
            .map(|(_, j)| *j)
            .collect();
        let before = t.len();
        t.dedup();
        assert_eq!(t.len(), before, "targets of {row} are sorted and distinct");
    }
    // Binomial counts: P expects sum over i of (i/200) * 200 = 19900 (sd below 100); Q
    // the sum of its pair probabilities (sd below its square root).
    let np = num(&mut s, "len(P)");
    assert!((np - 19900.0).abs() < 5.0 * 100.0, "{np}");
    let nq = num(&mut s, "len(Q)");
    let expected: f64 = (0..200)
        .flat_map(|i| (0..200).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| 0.5 * (i + j) as f64 / 200.0)
        .sum();
    assert!(
        (nq - expected).abs() < 5.0 * expected.sqrt(),
        "{nq} vs {expected}"
    );
}

#[test]
fn connect_refuses_what_brian_2_refuses_with_a_reason() {
    let mut s = session("connect-errors", 1);
    exec(
        &mut s,
        "let G = NeuronGroup(10, \"v : 1\"); let S = Synapses(G, G, \"w : 1\");",
    );
    for (call, words) in [
        (
            "S.connect(\"k for k in range(3)\")",
            "generator expression was given as the condition",
        ),
        (
            "S.connect(#{ j: \"k for k in range(i-1, i+2)\" })",
            "outside the range 0 to 9",
        ),
        (
            "S.connect(#{ j: \"k for k in range(i)\", p: 0.5 })",
            "cannot be combined with p",
        ),
        (
            "S.connect(#{ j: \"k for k in sample(N_post, size=20)\" })",
            "bigger than the population size 10",
        ),
        (
            "S.connect(#{ j: \"k for k in range(j)\" })",
            "depends on the postsynaptic index",
        ),
        (
            "S.connect(#{ j: \"k for k in zip(3)\" })",
            "is not range or sample",
        ),
        (
            "S.connect(#{ i: [0, 1], j: [1, 2], skip_if_invalid: true })",
            "string expressions only",
        ),
    ] {
        let e = s.eval(call, None).expect_err(call);
        let text = e.render("test", call);
        assert!(text.contains(words), "{call}: {text}");
    }
}
