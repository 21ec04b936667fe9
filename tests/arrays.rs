//! The array vocabulary against NumPy and Brian 2 themselves (tests/data/numpy_arrays.json,
//! written by tools/brian2/numpy_arrays.py): each case is a NumPy expression and the
//! script expression meaning the same; the value, its dtype kind (float, int, bool) and
//! its shape must agree. Brian 2's cases index Synapses variables by source and target
//! neurons (`S.w[1, [0, 3]]`, `S.j[2, :]`) and with condition strings.

mod common;
use brian::script::Session;
use brian::units::{ElementKind, QuantityArray};
use common::*;

/// A script value as (kind, shape, values), NumPy's way.
fn numpy_view(s: &mut Session, expr: &str) -> (char, Vec<usize>, Vec<f64>) {
    let d = eval(s, &format!("({expr})"));
    if let Ok(i) = d.as_int() {
        return ('i', vec![], vec![i as f64]);
    }
    if let Ok(x) = d.as_float() {
        return ('f', vec![], vec![x]);
    }
    if let Ok(b) = d.as_bool() {
        return ('b', vec![], vec![f64::from(u8::from(b))]);
    }
    if let Some(a) = d.clone().try_cast::<QuantityArray>() {
        let kind = match a.kind {
            ElementKind::Float => 'f',
            ElementKind::Int => 'i',
            ElementKind::Bool => 'b',
        };
        return (kind, vec![a.len()], a.values.to_vec());
    }
    if d.is_array() {
        let v = d.into_array().unwrap();
        let kind = if v.iter().all(|x| x.is_int()) {
            'i'
        } else {
            'f'
        };
        let n = v.len();
        let values = v
            .into_iter()
            .map(|x| {
                x.as_float()
                    .or_else(|_| x.as_int().map(|i| i as f64))
                    .unwrap()
            })
            .collect();
        return (kind, vec![n], values);
    }
    if d.type_name().ends_with("Matrix") {
        let shape = floats(s, &format!("({expr}).shape"));
        let (kind, _, values) = numpy_view(s, &format!("flatten({expr})"));
        return (kind, shape.iter().map(|&x| x as usize).collect(), values);
    }
    panic!("{expr}: unexpected value {d:?}");
}

fn check(s: &mut Session, case: &serde_json::Value, label: &str) {
    let expr = case["rhai"].as_str().unwrap();
    let (kind, shape, values) = numpy_view(s, expr);
    let want: Vec<f64> = json_floats(&case["values"]);
    let want_shape: Vec<usize> = json_floats(&case["shape"])
        .iter()
        .map(|&x| x as usize)
        .collect();
    let want_kind = case["kind"].as_str().unwrap().chars().next().unwrap();
    let what = format!("{expr}  (NumPy/Brian 2: {})", case[label]);
    assert_eq!(kind, want_kind, "{what}: dtype kind");
    assert_eq!(shape, want_shape, "{what}: shape");
    assert_eq!(values.len(), want.len(), "{what}: {values:?} vs {want:?}");
    for (k, (a, b)) in values.iter().zip(&want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{what}[{k}]: ours {a}, NumPy {b}"
        );
    }
}

#[test]
fn numpy_cases_give_numpys_values_kinds_and_shapes() {
    let d = reference_data("numpy_arrays");
    let mut s = session("arrays", 1);
    for (name, code) in d["setup"].as_object().unwrap() {
        exec(&mut s, &format!("let {name} = {};", code.as_str().unwrap()));
    }
    let cases = d["cases"].as_array().unwrap();
    assert!(cases.len() > 60);
    for case in cases {
        check(&mut s, case, "numpy");
    }
}

#[test]
fn synapse_variables_index_by_source_and_target_as_in_brian_2() {
    let d = reference_data("numpy_arrays");
    let mut s = session("synapse-arrays", 1);
    exec(
        &mut s,
        r#"let G = NeuronGroup(5, "v : volt", #{ threshold: "v > 1*volt" });
           let S = Synapses(G, G, "w : volt", #{ on_pre: "v += w" });
           S.connect(#{ condition: "i != j" });
           S.w = "(i*10 + j)*mV";
           let W = zeros(len(G), len(G));
           W.set_at(S.i, S.j, S.w / mV);
           S.w.set_at(1, 3, 100*mV);"#,
    );
    for case in d["synapses"].as_array().unwrap() {
        check(&mut s, case, "brian2");
    }
}

#[test]
fn bad_indices_are_named() {
    let mut s = session("array-errors", 1);
    exec(&mut s, "let a = array([1.0, 2.0, 3.0]);");
    for (code, fragment) in [
        ("a[array([0, 5])]", "index 5 is out of range"),
        ("a[array([true, false])]", "boolean mask of length 2"),
        ("a[array([0.5])]", "must hold integers"),
        ("a[array([1.0])*mV]", "plain integers"),
        ("a.at(0, 1)", "1-D array"),
        ("reshape(a, 2, 2)", "cannot reshape an array of 3 values"),
        (
            "a[[0, 1]] = array([1.0, 2.0, 3.0])",
            "3 values cannot be stored at 2 positions",
        ),
        ("a[a > 1.0] = 3*mV", "cannot store values in"),
        ("histogram(a, 0)", "at least one bin"),
        ("(a > 1.0) & a", "put each comparison in parentheses"),
        ("zeros(2, 2).at([0, 1], [0, 1, 1])", "cannot be paired"),
        ("randint(5, 5)", "must exceed"),
    ] {
        let e = s.eval(code, None).expect_err(code).render("test", code);
        assert!(e.contains(fragment), "{code}: {e}");
    }
}

#[test]
fn rhai_minus_power_precedence_is_flagged_where_written() {
    let dir = std::env::temp_dir().join(format!("brian-minus-power-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("p.rhai");
    std::fs::write(
        &script,
        "let x = 3.0;\nlet a = -x**2;\nlet b = 1 - x**2;\nlet c = -(x**2);\nlet d = 1e-5**2;\nprint(a);\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brian-script"))
        .arg(&script)
        .arg("--no-plots")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "9.0");
    assert_eq!(
        err.matches("Rhai reads -x**y as (-x)**y").count(),
        1,
        "{err}"
    );
    assert!(err.contains("line 2, column 9"), "{err}");
}

/// An array with a Rhai list on the other side works elementwise, as NumPy's `a == [..]`
/// (Rhai alone would call two different types unequal: `false`, silently).
#[test]
fn an_array_and_a_list_combine_elementwise() {
    let mut s = session("array-list", 1);
    let v = s
        .eval(
            r#"let a = array([1, 0, 2]);
               [all(a == [1, 0, 2]), any(a != [1, 0, 2]), sum(a + [1, 1, 1]),
                sum([3, 3, 3] - a), all([1, 0, 2] == a)]"#,
            None,
        )
        .unwrap();
    assert_eq!(v.to_string(), "[true, false, 6, 6, true]");
    let src = "ones(3)*mV == [1, 1, 1]";
    let e = s.eval(src, None).unwrap_err().render("t", src);
    assert!(e.contains("volt") || e.contains("mV"), "{e}");
}
