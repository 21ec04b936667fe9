//! Brian's unit registry: every unit name a script or an equation may use.

use super::{Dimension, Quantity};
use std::collections::HashMap;
use std::sync::OnceLock;

/// SI prefixes as Brian spells them (`u` for micro), with their factors.
pub const PREFIXES: [(&str, f64); 20] = [
    ("y", 1e-24),
    ("z", 1e-21),
    ("a", 1e-18),
    ("f", 1e-15),
    ("p", 1e-12),
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("c", 1e-2),
    ("d", 1e-1),
    ("da", 1e1),
    ("h", 1e2),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
    ("Z", 1e21),
    ("Y", 1e24),
];

const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
const OHM: Dimension = Dimension::from_ints([2, 1, -3, -2, 0, 0, 0]);
const SIEMENS: Dimension = Dimension::from_ints([-2, -1, 3, 2, 0, 0, 0]);
const FARAD: Dimension = Dimension::from_ints([-2, -1, 4, 2, 0, 0, 0]);
const COULOMB: Dimension = Dimension::from_ints([0, 0, 1, 1, 0, 0, 0]);
const HERTZ: Dimension = Dimension::from_ints([0, 0, -1, 0, 0, 0, 0]);
const NEWTON: Dimension = Dimension::from_ints([1, 1, -2, 0, 0, 0, 0]);
const PASCAL: Dimension = Dimension::from_ints([-1, 1, -2, 0, 0, 0, 0]);
const JOULE: Dimension = Dimension::from_ints([2, 1, -2, 0, 0, 0, 0]);
const WATT: Dimension = Dimension::from_ints([2, 1, -3, 0, 0, 0, 0]);
const WEBER: Dimension = Dimension::from_ints([2, 1, -2, -1, 0, 0, 0]);
const TESLA: Dimension = Dimension::from_ints([0, 1, -2, -1, 0, 0, 0]);
const HENRY: Dimension = Dimension::from_ints([2, 1, -2, -2, 0, 0, 0]);
const MOLAR: Dimension = Dimension::from_ints([-3, 0, 0, 0, 0, 1, 0]);
const VOLUME: Dimension = Dimension::from_ints([3, 0, 0, 0, 0, 0, 0]);
const KATAL: Dimension = Dimension::from_ints([0, 0, -1, 0, 0, 1, 0]);
const GRAY: Dimension = Dimension::from_ints([2, 0, -2, 0, 0, 0, 0]);

/// A named unit that takes prefixes: (full name(s), short symbol for displays and
/// Brian's short forms, SI factor of the unprefixed unit, dimension).
pub struct BaseUnit {
    pub names: &'static [&'static str],
    pub symbol: &'static str,
    pub factor: f64,
    pub dim: Dimension,
}

pub const BASE_UNITS: &[BaseUnit] = &[
    BaseUnit {
        names: &["metre", "meter"],
        symbol: "m",
        factor: 1.0,
        dim: Dimension::LENGTH,
    },
    BaseUnit {
        names: &["gram", "gramme"],
        symbol: "g",
        factor: 1e-3,
        dim: Dimension::MASS,
    },
    BaseUnit {
        names: &["second"],
        symbol: "s",
        factor: 1.0,
        dim: Dimension::TIME,
    },
    BaseUnit {
        names: &["amp", "ampere"],
        symbol: "A",
        factor: 1.0,
        dim: Dimension::CURRENT,
    },
    BaseUnit {
        names: &["kelvin"],
        symbol: "K",
        factor: 1.0,
        dim: Dimension::TEMPERATURE,
    },
    BaseUnit {
        names: &["mole", "mol"],
        symbol: "mol",
        factor: 1.0,
        dim: Dimension::AMOUNT,
    },
    BaseUnit {
        names: &["candela"],
        symbol: "cd",
        factor: 1.0,
        dim: Dimension::LUMINOSITY,
    },
    BaseUnit {
        names: &["volt"],
        symbol: "V",
        factor: 1.0,
        dim: VOLT,
    },
    BaseUnit {
        names: &["ohm"],
        symbol: "ohm",
        factor: 1.0,
        dim: OHM,
    },
    BaseUnit {
        names: &["siemens"],
        symbol: "S",
        factor: 1.0,
        dim: SIEMENS,
    },
    BaseUnit {
        names: &["farad"],
        symbol: "F",
        factor: 1.0,
        dim: FARAD,
    },
    BaseUnit {
        names: &["coulomb"],
        symbol: "C",
        factor: 1.0,
        dim: COULOMB,
    },
    BaseUnit {
        names: &["hertz"],
        symbol: "Hz",
        factor: 1.0,
        dim: HERTZ,
    },
    BaseUnit {
        names: &["newton"],
        symbol: "N",
        factor: 1.0,
        dim: NEWTON,
    },
    BaseUnit {
        names: &["pascal"],
        symbol: "Pa",
        factor: 1.0,
        dim: PASCAL,
    },
    BaseUnit {
        names: &["joule"],
        symbol: "J",
        factor: 1.0,
        dim: JOULE,
    },
    BaseUnit {
        names: &["watt"],
        symbol: "W",
        factor: 1.0,
        dim: WATT,
    },
    BaseUnit {
        names: &["weber"],
        symbol: "Wb",
        factor: 1.0,
        dim: WEBER,
    },
    BaseUnit {
        names: &["tesla"],
        symbol: "T",
        factor: 1.0,
        dim: TESLA,
    },
    BaseUnit {
        names: &["henry"],
        symbol: "H",
        factor: 1.0,
        dim: HENRY,
    },
    BaseUnit {
        names: &["molar"],
        symbol: "M",
        factor: 1e3,
        dim: MOLAR,
    },
    BaseUnit {
        names: &["liter", "litre"],
        symbol: "l",
        factor: 1e-3,
        dim: VOLUME,
    },
    BaseUnit {
        names: &["katal"],
        symbol: "kat",
        factor: 1.0,
        dim: KATAL,
    },
    BaseUnit {
        names: &["gray"],
        symbol: "Gy",
        factor: 1.0,
        dim: GRAY,
    },
    BaseUnit {
        names: &["sievert"],
        symbol: "Sv",
        factor: 1.0,
        dim: GRAY,
    },
    BaseUnit {
        names: &["becquerel"],
        symbol: "Bq",
        factor: 1.0,
        dim: HERTZ,
    },
];

/// Short symbols that get Brian's short forms (`mV`, `nS`, `ms`, `Hz`, `cm`, `mM`, ...),
/// with the prefixes they take. Single letters alone (`m`, `s`, `V`) are deliberately not
/// names: they collide with the variables of too many models.
const SHORT_FORMS: &[(&str, &[&str])] = &[
    ("V", &["m", "u", "n", "k"]),
    ("A", &["m", "u", "n", "p", "f"]),
    ("S", &["m", "u", "n", "p"]),
    ("F", &["m", "u", "n", "p", "f"]),
    ("s", &["m", "u", "n"]),
    ("Hz", &["", "k", "M"]),
    ("m", &["c", "m", "u", "n", "k"]),
    ("M", &["m", "u", "n"]),
    ("g", &["k", "m"]),
    ("l", &["m", "u"]),
    ("L", &["m", "u"]),
    ("ohm", &["k", "M", "G"]),
];

fn build() -> HashMap<String, Quantity> {
    let mut map = HashMap::new();
    let mut add = |name: String, factor: f64, dim: Dimension| {
        map.insert(name.clone(), Quantity::new(factor, dim));
        // Brian's power suffixes: metre2, cmetre3, um2 ...
        for p in [2, 3] {
            map.entry(format!("{name}{p}"))
                .or_insert_with(|| Quantity::new(factor.powi(p), dim.powf(p as f64)));
        }
    };
    for unit in BASE_UNITS {
        for name in unit.names {
            add(name.to_string(), unit.factor, unit.dim);
            for (prefix, f) in PREFIXES {
                add(format!("{prefix}{name}"), f * unit.factor, unit.dim);
            }
        }
    }
    // "kilogram" is made above from gram; Brian also has kg and the base SI names.
    for (symbol, prefixes) in SHORT_FORMS {
        let unit = BASE_UNITS
            .iter()
            .find(|u| u.symbol == *symbol)
            .map(|u| (u.factor, u.dim))
            .unwrap_or((1e-3, VOLUME)); // "L": litre
        for prefix in prefixes.iter() {
            let f = PREFIXES
                .iter()
                .find(|(p, _)| p == prefix)
                .map(|(_, f)| *f)
                .unwrap_or(1.0);
            add(format!("{prefix}{symbol}"), f * unit.0, unit.1);
        }
    }
    add("mol".into(), 1.0, Dimension::AMOUNT);
    add("kilogram".into(), 1.0, Dimension::MASS);
    add("radian".into(), 1.0, Dimension::DIMENSIONLESS);
    add("steradian".into(), 1.0, Dimension::DIMENSIONLESS);
    map
}

fn registry() -> &'static HashMap<String, Quantity> {
    static REGISTRY: OnceLock<HashMap<String, Quantity>> = OnceLock::new();
    REGISTRY.get_or_init(build)
}

/// Looks up a unit by any of Brian's names (`mV`, `mvolt`, `umetre2`, `Hz` ...).
pub fn lookup(name: &str) -> Option<Quantity> {
    registry().get(name).copied()
}

/// Every unit name, for completion in the REPL and "did you mean" hints.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    registry().keys().map(|s| s.as_str())
}
