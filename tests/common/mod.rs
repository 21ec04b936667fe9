//! Helpers shared by the script-level tests: a headless, seeded session and ways to run
//! code in it and read arrays back.
#![allow(dead_code)]

use brian::script::Session;

/// A session with figures off, summaries quiet and the random generator seeded; its
/// output directory is a fresh temporary folder named after the test.
pub fn session(name: &str, seed: u64) -> Session {
    let dir = std::env::temp_dir().join(format!("brian-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = Session::new(dir, name.into());
    {
        let mut st = s.state.borrow_mut();
        st.no_plots = true;
        st.quiet = true;
        st.net.seed(seed);
    }
    s
}

/// Evaluates script code; a script error fails the test with the rendered error.
pub fn eval(s: &mut Session, src: &str) -> rhai::Dynamic {
    s.eval(src, None)
        .unwrap_or_else(|e| panic!("{}", e.render("test", src)))
}

/// Runs script code for its effects.
pub fn exec(s: &mut Session, src: &str) {
    let _ = eval(s, src);
}

/// A number of a script expression (an integer or a float).
pub fn num(s: &mut Session, expr: &str) -> f64 {
    let d = eval(s, expr);
    d.as_float()
        .or_else(|_| d.as_int().map(|i| i as f64))
        .unwrap_or_else(|_| panic!("{expr} is not a number: {d:?}"))
}

/// The numbers of a script array expression, evaluated once: an array of numbers or a
/// quantity array (use `M.t / ms` for quantities); anything else through `to_array`.
pub fn floats(s: &mut Session, expr: &str) -> Vec<f64> {
    let number = |d: rhai::Dynamic| {
        d.as_float()
            .or_else(|_| d.as_int().map(|i| i as f64))
            .unwrap()
    };
    let d = eval(s, expr);
    if d.is_array() {
        return d.into_array().unwrap().into_iter().map(number).collect();
    }
    if let Some(q) = d.clone().try_cast::<brian::units::QuantityArray>() {
        return q.values.as_slice().to_vec();
    }
    eval(s, &format!("to_array({expr})"))
        .into_array()
        .unwrap()
        .into_iter()
        .map(number)
        .collect()
}

/// The first recorded step at which a trace differs from its first value.
pub fn first_change(trace: &[f64]) -> usize {
    trace
        .iter()
        .position(|v| *v != trace[0])
        .expect("the trace changes")
}

/// Reference data made by a script in tools/brian2: `tests/data/<name>.json`.
pub fn reference_data(name: &str) -> serde_json::Value {
    let path = format!("tests/data/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The numbers of a JSON array.
pub fn json_floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Steps x neurons (rows of numbers) of the reference data under `key`.
pub fn json_table(d: &serde_json::Value, key: &str) -> Vec<Vec<f64>> {
    d[key]
        .as_array()
        .unwrap_or_else(|| panic!("no key '{key}'"))
        .iter()
        .map(json_floats)
        .collect()
}
