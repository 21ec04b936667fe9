//! `param(name, default)` and `result(name, value)`: how a script takes part in a sweep.
//! Outside a sweep `param` returns the default and `result` prints the value.

use super::super::convert::*;
use super::super::{say, Shared};
use crate::expr::{const_eval, parse_expr, NameInfo, Namespace};
use crate::network::Values;
use crate::units::{Quantity, QuantityArray};
use rhai::{Dynamic, Engine, ImmutableString};

/// A parameter value names no script variable: the one resolver with no values gives
/// units and constants.
struct UnitsOnly;

impl Namespace for UnitsOnly {
    fn resolve(&self, name: &str) -> Option<NameInfo> {
        Values::new().resolve(name).map(NameInfo::Constant)
    }
    fn names(&self) -> Vec<String> {
        Values::new().suggestions()
    }
}

/// Reads "5ms", "2.5 mV", "1e-3*second" or "0.5" as a quantity.
pub fn parse_quantity(text: &str) -> Result<Quantity, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(t.len());
    let expr_text = if split > 0 && split < t.len() && !t[..split].trim_end().ends_with('*') {
        format!("{}*{}", &t[..split], &t[split..])
    } else {
        t.to_string()
    };
    let e = parse_expr(&expr_text).map_err(|e| format!("'{text}' is not a value: {e}"))?;
    if let Err(why) = crate::expr::infer(&e, &UnitsOnly) {
        return Err(format!("'{text}' is not a number with a unit: {why}"));
    }
    const_eval(&e, &UnitsOnly).ok_or_else(|| format!("'{text}' is not a number with a unit"))
}

/// The value of a swept parameter, in the type and unit of its default.
fn param_value(name: &str, text: &str, default: &Dynamic) -> RResult<Dynamic> {
    if default.is_string() {
        return Ok(Dynamic::from(text.to_string()));
    }
    if default.is_bool() {
        return match text {
            "true" | "True" | "1" => Ok(Dynamic::TRUE),
            "false" | "False" | "0" => Ok(Dynamic::FALSE),
            _ => err(format!("param '{name}': '{text}' is not true or false")),
        };
    }
    let q = parse_quantity(text).map_err(|e| format!("param '{name}': {e}"))?;
    let d = to_quantity(default, &format!("the default of param '{name}'"))?;
    if q.dim != d.dim {
        return err(format!(
            "param '{name}': {q} does not have the units of the default {d}"
        ));
    }
    if default.is_int() {
        if q.value.fract() != 0.0 {
            return err(format!(
                "param '{name}': {text} is not a whole number, as the default {d} is"
            ));
        }
        return Ok(Dynamic::from_int(q.value as rhai::INT));
    }
    Ok(q_out(q))
}

/// A result as table text: numbers as they are, quantities in SI with the unit in the
/// column name (`rate [Hz]`), so every run of a sweep fills the same column.
fn result_entry(name: &str, value: &Dynamic) -> RResult<(String, String)> {
    if let Some(q) = value.clone().try_cast::<Quantity>() {
        return Ok((format!("{name} [{}]", q.dim), format!("{}", q.value)));
    }
    if let Some(a) = value.clone().try_cast::<QuantityArray>() {
        let unit = if a.dim.is_dimensionless() {
            String::new()
        } else {
            format!(" [{}]", a.dim)
        };
        let text = a
            .values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        return Ok((format!("{name}{unit}"), text));
    }
    if let Ok(i) = value.as_int() {
        return Ok((name.to_string(), i.to_string()));
    }
    if let Ok(f) = value.as_float() {
        return Ok((name.to_string(), f.to_string()));
    }
    if value.is_string() || value.is_bool() {
        return Ok((name.to_string(), value.to_string()));
    }
    err(format!(
        "result '{name}' should be a number, a quantity, an array or a string, got {}",
        describe(value)
    ))
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    let s = shared.clone();
    engine.register_fn(
        "param",
        move |name: ImmutableString, default: Dynamic| -> RResult<Dynamic> {
            let given = s.borrow().params.get(name.as_str()).cloned();
            match given {
                Some(text) => {
                    s.borrow_mut().params_used.insert(name.to_string());
                    param_value(&name, &text, &default)
                }
                None => Ok(default),
            }
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "result",
        move |name: ImmutableString, value: Dynamic| -> RResult<()> {
            let entry = result_entry(&name, &value)?;
            let mut st = s.borrow_mut();
            if !st.sweeping {
                say(&format!("result {} = {}", entry.0, entry.1));
            }
            st.results.retain(|(k, _)| *k != entry.0);
            st.results.push(entry);
            Ok(())
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameter_values_read_with_units() {
        let q = super::parse_quantity("5ms").unwrap();
        assert!((q.value - 0.005).abs() < 1e-15);
        assert!((super::parse_quantity("2.5 mV").unwrap().value - 0.0025).abs() < 1e-15);
        assert_eq!(super::parse_quantity("1e-3").unwrap().value, 1e-3);
        assert!((super::parse_quantity("3*nS").unwrap().value - 3e-9).abs() < 1e-20);
        assert!(super::parse_quantity("5 parsecs").is_err());
    }
}
