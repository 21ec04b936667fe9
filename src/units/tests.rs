use super::*;

fn q(name: &str) -> Quantity {
    lookup(name).unwrap_or_else(|| panic!("unit {name} missing"))
}

#[test]
fn registry_has_brians_names() {
    for name in [
        "second", "msecond", "ms", "us", "mV", "mvolt", "uV", "nA", "pA", "nS", "uS", "mS", "pF",
        "nF", "uF", "Hz", "kHz", "cm", "mm", "um", "mM", "uM", "metre", "meter", "umetre",
        "umetre2", "cmetre2", "kohm", "Mohm", "msiemens", "ufarad", "siemens", "farad", "liter",
        "molar", "kilogram", "kg", "amp", "ampere", "joule", "watt", "coulomb", "newton", "pascal",
    ] {
        assert!(lookup(name).is_some(), "{name}");
    }
    assert!(lookup("m").is_none(), "single letters are not unit names");
    assert_eq!(q("ms").value, 1e-3);
    assert_eq!(q("kg").value, 1.0);
    assert!((q("umetre2").value - 1e-12).abs() < 1e-24);
    assert_eq!(q("mM").value, 1.0); // 1 mM = 1 mol/m^3
}

#[test]
fn arithmetic_checks_dimensions() {
    let mv = q("mV");
    let ms = q("ms");
    let sum = mv.mul(&Quantity::dimensionless(3.0)).add(&mv).unwrap();
    assert!((sum.value - 4e-3).abs() < 1e-15);
    let err = mv.add(&ms).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot add quantities in V and s: the units do not match"
    );
    // Zero matches any dimension.
    assert!(mv.add(&Quantity::dimensionless(0.0)).is_ok());
    assert!(mv.compare(&Quantity::dimensionless(0.0), "compare").is_ok());
    let r = ms.powf(0.5).powf(2.0);
    assert_eq!(r.dim, Dimension::TIME);
}

#[test]
fn display_is_brian_like() {
    let show = |x: Quantity| x.to_string();
    assert_eq!(show(q("ms").mul(&Quantity::dimensionless(20.0))), "20. ms");
    assert_eq!(
        show(q("mV").mul(&Quantity::dimensionless(-60.0))),
        "-60. mV"
    );
    assert_eq!(
        show(q("mV").mul(&Quantity::dimensionless(5.0)).div(&q("ms"))),
        "5. V/s"
    );
    assert_eq!(show(q("mV").mul(&Quantity::dimensionless(1.62))), "1.62 mV");
    assert_eq!(show(q("nS").mul(&Quantity::dimensionless(6.0))), "6. nS");
    assert_eq!(
        show(q("Hz").mul(&Quantity::dimensionless(500.0))),
        "500. Hz"
    );
    assert_eq!(show(Quantity::dimensionless(0.5)), "0.5");
    assert_eq!(show(q("second")), "1. s");
    let area = q("umetre").powf(2.0).mul(&Quantity::dimensionless(20000.0));
    assert_eq!(area.dim.to_string(), "m^2");
    let noise = q("mV").div(&q("ms").powf(0.5));
    assert_eq!(noise.dim.to_string(), "V/s^0.5");
    let arr = QuantityArray::new(vec![-0.06, -0.055], q("mV").dim);
    assert_eq!(arr.to_string(), "[-60., -55.] mV");
    let v2_per_s = q("volt").powf(2.0).div(&q("second"));
    assert_eq!(v2_per_s.dim.to_string(), "V^2/s");
}

#[test]
fn only_a_plain_zero_matches_any_unit() {
    let mv = q("mV");
    let ms = q("ms");
    let zero = Quantity::dimensionless(0.0);
    assert!(mv.add(&zero).is_ok() && zero.add(&mv).is_ok());
    assert_eq!(zero.add(&mv).unwrap().dim, mv.dim);
    let zero_mv = mv.mul(&zero);
    assert!(
        zero_mv.add(&ms).is_err(),
        "0*mV + 1*ms is a mismatch, as in Brian 2"
    );
    assert!(zero_mv.compare(&ms, "compare").is_err());
    assert!(zero_mv.in_dim(ms.dim, "x").is_err());
    assert!(zero.in_dim(ms.dim, "x").is_ok());
}
