//! Physical dimensions: the exponents of the seven SI base units.

use std::fmt;
use std::ops::{Div, Mul};

/// Names of the SI base units, in the order of [`Dimension`]'s exponents.
pub const BASE_SYMBOLS: [&str; 7] = ["m", "kg", "s", "A", "K", "mol", "cd"];

/// The exponents of metre, kilogram, second, amp, kelvin, mole, candela.
///
/// Exponents are `f64` because Brian allows fractional powers (`ms**0.5` for noise
/// amplitudes); two dimensions are equal when every exponent agrees within 1e-9.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dimension(pub [f64; 7]);

impl Dimension {
    pub const DIMENSIONLESS: Dimension = Dimension([0.0; 7]);
    pub const LENGTH: Dimension = Dimension::base(0);
    pub const MASS: Dimension = Dimension::base(1);
    pub const TIME: Dimension = Dimension::base(2);
    pub const CURRENT: Dimension = Dimension::base(3);
    pub const TEMPERATURE: Dimension = Dimension::base(4);
    pub const AMOUNT: Dimension = Dimension::base(5);
    pub const LUMINOSITY: Dimension = Dimension::base(6);

    const fn base(k: usize) -> Dimension {
        let mut e = [0.0; 7];
        e[k] = 1.0;
        Dimension(e)
    }

    /// Builds a dimension from integer exponents (m, kg, s, A, K, mol, cd).
    pub const fn from_ints(e: [i8; 7]) -> Dimension {
        Dimension([
            e[0] as f64,
            e[1] as f64,
            e[2] as f64,
            e[3] as f64,
            e[4] as f64,
            e[5] as f64,
            e[6] as f64,
        ])
    }

    pub fn is_dimensionless(&self) -> bool {
        *self == Dimension::DIMENSIONLESS
    }

    pub fn powf(&self, p: f64) -> Dimension {
        let mut e = self.0;
        for x in e.iter_mut() {
            *x *= p;
            // Keep exponents tidy: 0.5*2 should be exactly 1.
            let r = x.round();
            if (*x - r).abs() < 1e-9 {
                *x = r;
            }
        }
        Dimension(e)
    }

    pub fn inverse(&self) -> Dimension {
        self.powf(-1.0)
    }

    /// The dimension in SI base units, e.g. `m^2 kg s^-3 A^-1`; "1" when dimensionless.
    pub fn base_form(&self) -> String {
        let mut parts = Vec::new();
        for (sym, &e) in BASE_SYMBOLS.iter().zip(self.0.iter()) {
            if e == 0.0 {
                continue;
            }
            if e == 1.0 {
                parts.push(sym.to_string());
            } else {
                parts.push(format!("{sym}^{}", fmt_exponent(e)));
            }
        }
        if parts.is_empty() {
            "1".to_string()
        } else {
            parts.join(" ")
        }
    }
}

fn fmt_exponent(e: f64) -> String {
    if e.fract() == 0.0 {
        format!("{}", e as i64)
    } else {
        format!("{e}")
    }
}

impl PartialEq for Dimension {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .all(|(a, b)| (a - b).abs() < 1e-9)
    }
}

impl Mul for Dimension {
    type Output = Dimension;
    fn mul(self, rhs: Dimension) -> Dimension {
        let mut e = self.0;
        for (x, y) in e.iter_mut().zip(rhs.0.iter()) {
            *x += y;
        }
        Dimension(e)
    }
}

impl Div for Dimension {
    type Output = Dimension;
    fn div(self, rhs: Dimension) -> Dimension {
        self * rhs.inverse()
    }
}

/// Displays the dimension readably: a named unit ("volt"), a named unit over a power of
/// second ("V/s"), or the SI base form.
impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::display::dimension_name(*self))
    }
}
