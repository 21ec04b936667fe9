//! Brian 2's physical constants (`brian2.units.constants`, CODATA 2014 values as Brian
//! 2.11 defines them), by their Brian 2 names.

use super::{lookup, Quantity};

/// (name, value in SI units, the unit expression of its dimension as products and
/// quotients of registry units).
const CONSTANTS: &[(&str, f64, &[&str], &[&str])] = &[
    ("avogadro_constant", 6.022140857e23, &[], &["mole"]),
    (
        "boltzmann_constant",
        1.38064852e-23,
        &["joule"],
        &["kelvin"],
    ),
    ("electric_constant", 8.854187817e-12, &["farad"], &["metre"]),
    ("electron_mass", 9.10938356e-31, &["kilogram"], &[]),
    ("elementary_charge", 1.6021766208e-19, &["coulomb"], &[]),
    ("faraday_constant", 96485.33289, &["coulomb"], &["mole"]),
    ("gas_constant", 8.3144598, &["joule"], &["mole", "kelvin"]),
    (
        "magnetic_constant",
        4e-7 * std::f64::consts::PI,
        &["henry"],
        &["metre"],
    ),
    ("molar_mass_constant", 1e-3, &["kilogram"], &["mole"]),
    ("zero_celsius", 273.15, &["kelvin"], &[]),
];

/// A physical constant by its Brian 2 name (`boltzmann_constant`, `faraday_constant`...).
pub fn physical_constant(name: &str) -> Option<Quantity> {
    let &(_, value, num, den) = CONSTANTS.iter().find(|c| c.0 == name)?;
    let unit = |n: &str| lookup(n).expect("a registry unit");
    let mut q = Quantity::new(value, super::Dimension::DIMENSIONLESS);
    for n in num {
        q = Quantity::new(q.value, q.dim * unit(n).dim);
    }
    for n in den {
        q = Quantity::new(q.value, q.dim / unit(n).dim);
    }
    Some(q)
}

/// The names of the physical constants.
pub fn constant_names() -> impl Iterator<Item = &'static str> {
    CONSTANTS.iter().map(|c| c.0)
}
