//! Brian 2's physical constants, against Brian 2 itself (tests/data/constants.json, from
//! tools/brian2/constants.py): the same value to the last bit and the same dimension,
//! from the library and as script names.

mod common;
use brian::units::{physical_constant, Dimension};
use common::*;

#[test]
fn physical_constants_are_brian_2s() {
    let data = reference_data("constants");
    let names: Vec<&String> = data
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "meta" && *k != "functions")
        .collect();
    assert_eq!(names.len(), 10);
    let mut s = session("constants", 1);
    for name in names {
        let want = data[name]["value"].as_f64().unwrap();
        let dims = json_floats(&data[name]["dims"]);
        let mut e = [0i8; 7];
        for (k, d) in dims.iter().enumerate() {
            e[k] = *d as i8;
        }
        let q = physical_constant(name).unwrap_or_else(|| panic!("{name} is missing"));
        assert_eq!(
            q.value.to_bits(),
            want.to_bits(),
            "{name}: {} vs {want}",
            q.value
        );
        assert_eq!(q.dim, Dimension::from_ints(e), "{name}");
        // A script reads the same quantity.
        let d = eval(&mut s, name);
        let v = d
            .try_cast::<brian::units::Quantity>()
            .unwrap_or_else(|| panic!("{name} is not a quantity in a script"));
        assert_eq!(v.value.to_bits(), want.to_bits(), "{name} in a script");
        assert_eq!(v.dim, q.dim, "{name} in a script");
    }
    // A script variable of the same name wins, as for units.
    assert_eq!(num(&mut s, "let zero_celsius = 2.0; zero_celsius"), 2.0);
}

#[test]
fn dimension_functions_give_what_brian_2_gives() {
    // The same expressions in Python and in a script (Python's `str` is Rhai's
    // `to_string`); booleans and strings compared exactly.
    let data = reference_data("constants");
    let cases = data["functions"].as_object().unwrap();
    assert!(cases.len() >= 14);
    let mut s = session("dimension_functions", 1);
    for (expr, want) in cases {
        let script = expr.replace("str(", "to_string(");
        let got = eval(&mut s, &script);
        match want {
            serde_json::Value::Bool(b) => {
                assert_eq!(got.as_bool().ok(), Some(*b), "{expr}: got {got}")
            }
            serde_json::Value::String(w) => assert_eq!(got.to_string(), *w, "{expr}"),
            other => panic!("unexpected reference value {other} for {expr}"),
        }
    }
    // Mismatched dimensions are an error naming both; a non-unit is refused.
    for (bad, says) in [
        ("in_unit(3*mV, nS)", "same dimensions"),
        ("in_unit(3*mV, 2*mV)", "needs a unit"),
    ] {
        let e = s.eval(bad, None).expect_err(bad);
        let text = e.render("test", bad);
        assert!(text.contains(says), "{bad}: {text}");
    }
}
