//! The side `.json` file that keeps units next to `.npy` and `.npz` data:
//! one array `{"name": "t", "unit": "ms", "dimension": "s", "scale": 0.001}`,
//! a table `{"columns": [{"name": "i", ...}, {"name": "t", ...}]}`,
//! an archive `{"i": {...}, "t": {...}}`. The dimension is written in SI base units
//! (`m^2 kg s^-3 A^-1` for volt, `1` for plain numbers); SI value = stored × scale.

use super::{Field, Unit};
use crate::units::dimension_name;
use crate::units::Dimension;
use serde_json::{json, Map, Value};

const BASE: [&str; 7] = ["m", "kg", "s", "A", "K", "mol", "cd"];

pub(super) fn unit_json(name: Option<&str>, u: &Unit) -> Value {
    let mut m = Map::new();
    if let Some(n) = name {
        m.insert("name".into(), json!(n));
    }
    m.insert("unit".into(), json!(u.text));
    m.insert("dimension".into(), json!(u.dim.base_form()));
    m.insert("scale".into(), json!(u.scale));
    if !u.dim.is_dimensionless() {
        // For people: "V" next to "m^2 kg s^-3 A^-1".
        m.insert("quantity".into(), json!(dimension_name(u.dim)));
    }
    Value::Object(m)
}

pub(super) fn single(f: &Field) -> String {
    pretty(unit_json(Some(&f.name), &f.unit))
}

pub(super) fn table(fs: &[Field]) -> String {
    let cols: Vec<Value> = fs
        .iter()
        .map(|f| unit_json(Some(&f.name), &f.unit))
        .collect();
    pretty(json!({ "columns": cols }))
}

pub(super) fn archive(fs: &[Field]) -> String {
    let mut m = Map::new();
    for f in fs {
        m.insert(f.name.clone(), unit_json(None, &f.unit));
    }
    pretty(Value::Object(m))
}

fn pretty(v: Value) -> String {
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Parses `m^2 kg s^-3 A^-1` (the form [`Dimension::base_form`] writes).
pub(super) fn parse_dimension(text: &str) -> Option<Dimension> {
    let mut e = [0.0; 7];
    if text.trim() == "1" {
        return Some(Dimension(e));
    }
    for part in text.split_whitespace() {
        let (sym, p) = match part.split_once('^') {
            Some((s, p)) => (s, p.parse::<f64>().ok()?),
            None => (part, 1.0),
        };
        let k = BASE.iter().position(|b| *b == sym)?;
        e[k] += p;
    }
    Some(Dimension(e))
}

/// A unit from one entry of a side file; `None` when the entry is missing or malformed.
pub(super) fn unit_from(v: &Value) -> Option<Unit> {
    let o = v.as_object()?;
    let scale = o.get("scale").and_then(Value::as_f64).unwrap_or(1.0);
    let text = o
        .get("unit")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let dim = match o.get("dimension").and_then(Value::as_str) {
        Some(d) => parse_dimension(d)?,
        None => Unit::parse(&text)?.dim,
    };
    Some(Unit { text, dim, scale })
}

pub(super) fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}
