//! Brian-style display: "-60. mV", "5. V/s", arrays as "[1. 2. 3.] ms".

use super::registry::{BASE_UNITS, PREFIXES};
use super::{Dimension, Quantity, QuantityArray};

/// Units chosen for display, in order of preference (kilogram shows as gram multiples).
const DISPLAY_SYMBOLS: &[&str] = &[
    "V", "A", "s", "S", "F", "ohm", "Hz", "m", "g", "mol", "M", "C", "N", "J", "W", "Pa", "K",
    "cd", "Wb", "T", "H",
];

/// Prefixes used when choosing a display unit (engineering steps only).
const DISPLAY_PREFIXES: &[&str] = &["f", "p", "n", "u", "m", "", "k", "M", "G"];

fn named(dim: Dimension) -> Option<(&'static str, f64)> {
    DISPLAY_SYMBOLS.iter().find_map(|sym| {
        BASE_UNITS
            .iter()
            .find(|u| u.symbol == *sym && u.dim == dim)
            .map(|u| (u.symbol, u.factor))
    })
}

/// A readable name for a dimension: "V", "V/s", "V^2", "um^2"-free base form otherwise.
pub fn dimension_name(dim: Dimension) -> String {
    if dim.is_dimensionless() {
        return "1".to_string();
    }
    if let Some((sym, _)) = named(dim) {
        return sym.to_string();
    }
    for k in [1.0, 2.0, 0.5] {
        if let Some((sym, _)) = named(dim * Dimension::TIME.powf(k)) {
            if sym != "s" && sym != "Hz" {
                return format!("{sym}/s{}", power_suffix(k));
            }
        }
        if let Some((sym, _)) = named(dim / Dimension::TIME.powf(k)) {
            if sym != "s" && sym != "Hz" {
                return format!("{sym} s{}", power_suffix(k));
            }
        }
    }
    for p in [2.0, 3.0, -1.0, -2.0, 0.5, -0.5] {
        if let Some((sym, _)) = named(dim.powf(1.0 / p)) {
            return format!("{sym}^{}", fmt_power(p));
        }
    }
    // Powers of a named unit per (power of) second: "V^2/s" for noise intensities.
    for p in [2.0, 3.0, -1.0, -2.0] {
        for k in [1.0, 2.0, 0.5] {
            if let Some((sym, _)) = named((dim * Dimension::TIME.powf(k)).powf(1.0 / p)) {
                if sym != "s" && sym != "Hz" {
                    return format!("{sym}^{}/s{}", fmt_power(p), power_suffix(k));
                }
            }
        }
    }
    dim.base_form()
}

fn power_suffix(k: f64) -> String {
    if k == 1.0 {
        String::new()
    } else {
        format!("^{}", fmt_power(k))
    }
}

fn fmt_power(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
}

/// Picks a display unit for values of `dim` with typical magnitude `scale`:
/// returns (unit text, factor to divide SI values by).
pub fn best_unit(dim: Dimension, scale: f64) -> (String, f64) {
    if dim.is_dimensionless() {
        return (String::new(), 1.0);
    }
    let Some((sym, base_factor)) = named(dim) else {
        return (dimension_name(dim), 1.0);
    };
    let scale = scale.abs();
    if scale == 0.0 || !scale.is_finite() {
        return (sym.to_string(), base_factor);
    }
    let mut best = ("", 1.0);
    for p in DISPLAY_PREFIXES {
        let f = PREFIXES
            .iter()
            .find(|(q, _)| q == p)
            .map(|(_, f)| *f)
            .unwrap_or(1.0);
        if scale / (f * base_factor) >= 1.0 - 1e-12 {
            best = (p, f);
        }
    }
    if best.1 == 1.0 && scale / base_factor < 1.0 {
        best = (DISPLAY_PREFIXES[0], 1e-15);
    }
    (format!("{}{sym}", best.0), best.1 * base_factor)
}

/// Formats a number as NumPy does for floats: "20." for whole numbers, else shortest form.
pub fn format_number(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Round away binary noise from unit conversion (0.1*mV shown in mV).
    let rounded: f64 = format!("{v:.12e}").parse().unwrap_or(v);
    if rounded.fract() == 0.0 && rounded.abs() < 1e16 {
        format!("{}.", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (unit, factor) = best_unit(self.dim, self.value);
        let number = format_number(self.value / factor);
        if unit.is_empty() {
            f.write_str(&number)
        } else {
            write!(f, "{number} {unit}")
        }
    }
}

/// The unit values of `dim` print in (chosen by their largest finite magnitude) and its
/// size; integers and booleans print as they are.
pub fn display_unit(dim: Dimension, kind: super::ElementKind, values: &[f64]) -> (String, f64) {
    if kind != super::ElementKind::Float {
        return (String::new(), 1.0);
    }
    let scale = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    best_unit(dim, scale)
}

/// NumPy's print options: arrays longer than this show their first and last few elements.
const PRINT_THRESHOLD: usize = 1000;
const PRINT_EDGE_ITEMS: usize = 3;

impl std::fmt::Display for QuantityArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (unit, factor) = display_unit(self.dim, self.kind, &self.values);
        let one = |v: &f64| match self.kind {
            super::ElementKind::Bool => (if *v != 0.0 { "true" } else { "false" }).to_string(),
            super::ElementKind::Int if v.is_finite() => format!("{v:.0}"),
            _ => format_number(v / factor),
        };
        let n = self.values.len();
        let shown: Vec<String> = if n > PRINT_THRESHOLD {
            let head = self.values[..PRINT_EDGE_ITEMS].iter().map(one);
            let tail = self.values[n - PRINT_EDGE_ITEMS..].iter().map(one);
            head.chain(std::iter::once("...".to_string()))
                .chain(tail)
                .collect()
        } else {
            self.values.iter().map(one).collect()
        };
        write!(f, "[{}]", shown.join(", "))?;
        if !unit.is_empty() {
            write!(f, " {unit}")?;
        }
        Ok(())
    }
}
