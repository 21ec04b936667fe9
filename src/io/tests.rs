use super::*;
use crate::units::Dimension;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-io-unit-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn volts() -> Dimension {
    crate::units::lookup("volt").unwrap().dim
}

#[test]
fn units_parse_and_pick_readable_forms() {
    let ms = Unit::parse("ms").unwrap();
    assert_eq!((ms.dim, ms.scale), (Dimension::TIME, 1e-3));
    let vs = Unit::parse("V/s").unwrap();
    assert_eq!(vs.dim, volts() / Dimension::TIME);
    let base = Unit::parse("m^2 kg s^-3 A^-1").unwrap();
    assert_eq!(base.dim, volts());
    assert!((base.scale - 1.0).abs() < 1e-12);
    assert_eq!(Unit::parse("").unwrap(), Unit::one());
    assert!(Unit::parse("furlong").is_none());
    let v = Unit::readable(volts(), &[-0.065, 0.01, f64::NAN]);
    assert_eq!((v.text.as_str(), v.scale), ("mV", 1e-3));
    assert_eq!(meta::parse_dimension(&volts().base_form()), Some(volts()));
}

#[test]
fn arrays_from_scripts_choose_their_storage() {
    let idx = QuantityArray::dimensionless(vec![0.0, 3.0, 2.0]).named("i");
    let f = Field::from_array("x", &idx);
    assert_eq!((f.name.as_str(), &f.data), ("i", &Data::I64(vec![0, 3, 2])));
    let half = QuantityArray::dimensionless(vec![0.5]);
    assert_eq!(Field::from_array("x", &half).data, Data::F64(vec![0.5]));
    let v = QuantityArray::new(vec![-0.07, -0.05], volts());
    let f = Field::from_array("v", &v);
    assert_eq!(f.unit.text, "mV");
    assert_eq!(f.data, Data::F64(vec![-70.0, -50.0]));
}

#[test]
fn npy_npz_and_csv_round_trip_with_units() {
    let t = Field::from_si("t", vec![3], &[0.0, 0.0015, 0.1], Dimension::TIME);
    let i = Field::ints("i", vec![4, 0, 7]);
    let w = Field::from_si(
        "w",
        vec![2, 3],
        &[1e-9, 2e-9, 0.0, 0.0, 5e-9, 6e-9],
        volts(),
    );

    for (name, content) in [
        ("a.npy", Saved::Array(t.clone())),
        ("w.npy", Saved::Array(w.clone())),
        ("tab.npy", Saved::Table(vec![i.clone(), t.clone()])),
        (
            "all.npz",
            Saved::Arrays(vec![i.clone(), t.clone(), w.clone()]),
        ),
        ("tab.csv", Saved::Table(vec![i.clone(), t.clone()])),
    ] {
        let p = temp(name);
        let written = save(&p, &content).unwrap();
        assert_eq!(written[0], p);
        let back = load(&p).unwrap();
        let (a, b) = match (&content, &back) {
            (Saved::Array(a), Saved::Array(b)) => (vec![a.clone()], vec![b.clone()]),
            (Saved::Table(a), Saved::Table(b)) => (a.clone(), b.clone()),
            (Saved::Arrays(a), Saved::Arrays(b)) => (a.clone(), b.clone()),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(a.len(), b.len(), "{name}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.name, y.name, "{name}");
            assert_eq!(x.shape, y.shape, "{name}");
            assert_eq!(x.unit.dim, y.unit.dim, "{name} {}", x.name);
            for (u, v) in x.si_values().iter().zip(y.si_values()) {
                assert!(
                    (u - v).abs() <= 1e-12 * u.abs().max(1e-12),
                    "{name}: {u} vs {v}"
                );
            }
        }
    }
    let csv = std::fs::read_to_string(temp("tab.csv")).unwrap();
    assert!(csv.starts_with("i,t (ms)\n4,0\n0,1.5\n"), "{csv}");
    let side = std::fs::read_to_string(temp("a.npy.json")).unwrap();
    assert!(
        side.contains("\"unit\": \"ms\"") && side.contains("\"dimension\": \"s\""),
        "{side}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let p = temp("x.txt");
    assert!(matches!(
        save(&p, &Saved::Array(Field::ints("i", vec![1]))),
        Err(IoError::UnknownFormat(_))
    ));
    let two = Saved::Arrays(vec![
        Field::ints("a", vec![1]),
        Field::ints("b", vec![1, 2]),
    ]);
    assert!(save(&temp("two.npy"), &two).is_err());
    assert!(save(&temp("two.csv"), &two).is_err());
    let ragged = Saved::Table(vec![
        Field::ints("a", vec![1]),
        Field::ints("b", vec![1, 2]),
    ]);
    assert!(save(&temp("ragged.npz"), &ragged).is_err());
    std::fs::write(temp("junk.npy"), b"not numpy").unwrap();
    assert!(load(&temp("junk.npy")).is_err());
    std::fs::write(temp("junk.csv"), "a (furlong)\n1\n").unwrap();
    assert!(load(&temp("junk.csv")).is_err());
    assert!(load(&temp("missing.npz")).is_err());
}

#[test]
fn conversions_lose_their_binary_noise_only() {
    let ms = Unit::parse("ms").unwrap();
    assert_eq!(ms.from_si(0.0101), 10.1);
    assert_eq!(ms.from_si(3e-4), 0.3);
    assert_eq!(ms.from_si(-0.0), -0.0);
    for v in [1.234567890123e-3, -7.5e-9, 6.02e20, 1e-30, 123456.789] {
        let x = ms.from_si(v);
        assert!(((x * 1e-3) - v).abs() <= 1e-14 * v.abs(), "{v} -> {x}");
    }
    assert!(ms.from_si(f64::NAN).is_nan());
    assert_eq!(ms.from_si(f64::INFINITY), f64::INFINITY);
}
