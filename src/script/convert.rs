//! Conversions between Rhai values and the core's types, with errors that name what was
//! expected and what was given ("expected a time, got 3.5 (a number)").

use crate::units::{Dimension, ElementKind, Quantity, QuantityArray};
use rhai::{Array, Dynamic, EvalAltResult, FLOAT, INT};

pub type RResult<T> = Result<T, Box<EvalAltResult>>;

pub fn err<T>(msg: impl Into<String>) -> RResult<T> {
    Err(msg.into().into())
}

/// A readable description of a value for error messages.
pub fn describe(d: &Dynamic) -> String {
    if let Some(q) = d.clone().try_cast::<Quantity>() {
        return format!("{q} (a quantity)");
    }
    if d.is::<INT>() || d.is::<FLOAT>() {
        return format!("{d} (a number)");
    }
    if d.is::<rhai::ImmutableString>() {
        return format!("\"{d}\" (a string)");
    }
    if d.is::<QuantityArray>() {
        return "an array with units".into();
    }
    format!(
        "a value of type {}",
        d.type_name().rsplit("::").next().unwrap_or("?")
    )
}

/// A number or quantity as a Quantity.
pub fn to_quantity(d: &Dynamic, what: &str) -> RResult<Quantity> {
    if let Some(q) = d.clone().try_cast::<Quantity>() {
        return Ok(q);
    }
    if let Ok(i) = d.as_int() {
        return Ok(Quantity::dimensionless(i as f64));
    }
    if let Ok(f) = d.as_float() {
        return Ok(Quantity::dimensionless(f));
    }
    err(format!(
        "{what} should be a number or a quantity, got {}",
        describe(d)
    ))
}

/// A quantity in the given dimension, as an SI value.
pub fn to_si(d: &Dynamic, dim: Dimension, what: &str) -> RResult<f64> {
    let q = to_quantity(d, what)?;
    q.in_dim(dim, what).map_err(|e| e.to_string().into())
}

pub fn to_int(d: &Dynamic, what: &str) -> RResult<i64> {
    if let Ok(i) = d.as_int() {
        return Ok(i);
    }
    if let Ok(f) = d.as_float() {
        if f.fract() == 0.0 {
            return Ok(f as i64);
        }
    }
    err(format!("{what} should be an integer, got {}", describe(d)))
}

pub fn to_bool(d: &Dynamic, what: &str) -> RResult<bool> {
    d.as_bool().or_else(|_| {
        err(format!(
            "{what} should be true or false, got {}",
            describe(d)
        ))
    })
}

pub fn to_string(d: &Dynamic, what: &str) -> RResult<String> {
    d.clone()
        .into_string()
        .or_else(|_| err(format!("{what} should be a string, got {}", describe(d))))
}

/// Arrays with units, Rhai arrays of numbers/quantities, or a single quantity.
pub fn to_qarray(d: &Dynamic, what: &str) -> RResult<QuantityArray> {
    if let Some(a) = d.clone().try_cast::<QuantityArray>() {
        return Ok(a);
    }
    if let Some(arr) = d.clone().try_cast::<Array>() {
        let mut values = Vec::with_capacity(arr.len());
        let mut dim: Option<Dimension> = None;
        // NumPy's dtype of a list: bool if all are, int if all are, else float.
        let kind = if !arr.is_empty() && arr.iter().all(Dynamic::is_bool) {
            ElementKind::Bool
        } else if !arr.is_empty() && arr.iter().all(Dynamic::is_int) {
            ElementKind::Int
        } else {
            ElementKind::Float
        };
        for (k, x) in arr.iter().enumerate() {
            let q = match x.as_bool() {
                Ok(b) => Quantity::dimensionless(f64::from(u8::from(b))),
                Err(_) => to_quantity(x, &format!("element {k} of {what}"))?,
            };
            match dim {
                None => dim = Some(q.dim),
                Some(dd) if dd != q.dim && !q.is_unit_free() => {
                    return err(format!(
                        "the elements of {what} have different units ({dd} and {})",
                        q.dim
                    ));
                }
                _ => {}
            }
            values.push(q.value);
        }
        return Ok(QuantityArray::new(values, dim.unwrap_or_default()).with_kind(kind));
    }
    let q = to_quantity(d, what).map_err(|_| -> Box<EvalAltResult> {
        format!("{what} should be an array, got {}", describe(d)).into()
    })?;
    Ok(QuantityArray::new(vec![q.value], q.dim))
}

/// A list of integers (Rhai array or array with units that holds whole numbers).
pub fn to_indices(d: &Dynamic, what: &str) -> RResult<Vec<usize>> {
    let a = to_qarray(d, what)?;
    a.values
        .iter()
        .map(|&v| {
            if v >= 0.0 && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                err(format!(
                    "{what} should hold non-negative integers, found {v}"
                ))
            }
        })
        .collect()
}

/// A quantity as a script value: a plain number when dimensionless.
pub fn q_out(q: Quantity) -> Dynamic {
    if q.is_dimensionless() {
        Dynamic::from_float(q.value)
    } else {
        Dynamic::from(q)
    }
}

/// Element `k` (in range) of an array as a script value: an integer of an integer array,
/// a bool of a boolean one, else a number or a quantity.
pub fn element(a: &QuantityArray, k: usize) -> Dynamic {
    let v = a.values[k];
    match a.kind {
        ElementKind::Int if v.is_finite() && v.abs() < 9.2e18 => Dynamic::from_int(v as INT),
        ElementKind::Bool => Dynamic::from_bool(v != 0.0),
        _ => q_out(Quantity::new(v, a.dim)),
    }
}
