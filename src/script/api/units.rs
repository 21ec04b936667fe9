//! Quantities and arrays with units in scripts: arithmetic with dimension checks (numbers
//! on either side), comparisons, display, array constructors and reductions.

use super::super::convert::*;
use super::super::Shared;
use crate::units::{
    best_unit, format_number, ArrayLabel, Dimension, DividedBy, ElementKind, Quantity,
    QuantityArray, UnitError,
};
use rand::Rng;
use rand_distr::StandardNormal;
use rhai::{Array, Dynamic, Engine, FLOAT, INT};

/// An operand: a scalar quantity or an array.
enum Operand {
    /// A scalar, and whether it is an integer (NumPy keeps `int_array + 1` integer).
    S(Quantity, ElementKind),
    A(QuantityArray),
}

impl From<Quantity> for Operand {
    fn from(q: Quantity) -> Self {
        Operand::S(q, ElementKind::Float)
    }
}
impl From<QuantityArray> for Operand {
    fn from(a: QuantityArray) -> Self {
        Operand::A(a)
    }
}
impl From<INT> for Operand {
    fn from(i: INT) -> Self {
        Operand::S(Quantity::dimensionless(i as f64), ElementKind::Int)
    }
}
impl From<FLOAT> for Operand {
    fn from(f: FLOAT) -> Self {
        Operand::S(Quantity::dimensionless(f), ElementKind::Float)
    }
}

/// Checks units for `a op b` and gives the result's dimension (Brian's rules: sums and
/// comparisons need equal units, with 0 and inf matching any; exponents are numbers).
fn result_dim(op: &str, a: Quantity, b: Quantity) -> Result<Dimension, UnitError> {
    Ok(match op {
        "+" => a.add(&b)?.dim,
        "-" => a.sub(&b)?.dim,
        "%" => {
            a.check_same(&b, "take the remainder of")?;
            a.dim
        }
        "*" => a.dim * b.dim,
        "/" => a.dim / b.dim,
        "**" => a.pow(&b)?.dim,
        _ => {
            a.check_same(&b, "compare")?;
            Dimension::DIMENSIONLESS
        }
    })
}

/// The arithmetic of `op` on SI values; comparisons give 1 or 0.
fn op_fn(op: &str) -> fn(f64, f64) -> f64 {
    match op {
        "+" => |x, y| x + y,
        "-" => |x, y| x - y,
        "*" => |x, y| x * y,
        "/" => |x, y| x / y,
        "%" => |x, y| x.rem_euclid(y),
        "**" => f64::powf,
        "<" => |x, y| f64::from(u8::from(x < y)),
        "<=" => |x, y| f64::from(u8::from(x <= y)),
        ">" => |x, y| f64::from(u8::from(x > y)),
        ">=" => |x, y| f64::from(u8::from(x >= y)),
        "==" => |x, y| f64::from(u8::from(x == y)),
        _ => |x, y| f64::from(u8::from(x != y)),
    }
}

/// NumPy's result dtype: comparisons give booleans, integer arithmetic other than true
/// division stays integer (`**` with non-negative integer exponents), all else is float.
fn result_kind(op: &str, a: &QuantityArray, b: &QuantityArray) -> ElementKind {
    let integral = |x: &QuantityArray| x.kind != ElementKind::Float;
    match op {
        _ if is_comparison(op) => ElementKind::Bool,
        "+" | "-" | "*" | "%" if integral(a) && integral(b) => ElementKind::Int,
        "**" if integral(a) && integral(b) && b.values.iter().all(|v| *v >= 0.0) => {
            ElementKind::Int
        }
        _ => ElementKind::Float,
    }
}

fn is_comparison(op: &str) -> bool {
    matches!(op, "<" | "<=" | ">" | ">=" | "==" | "!=")
}

fn binary(op: &'static str, a: Operand, b: Operand) -> RResult<Dynamic> {
    let units = |e: UnitError| -> Box<rhai::EvalAltResult> { e.to_string().into() };
    let f = op_fn(op);
    if let (Operand::S(a, _), Operand::S(b, _)) = (&a, &b) {
        let dim = result_dim(op, *a, *b).map_err(units)?;
        let v = f(a.value, b.value);
        return Ok(if is_comparison(op) {
            Dynamic::from_bool(v != 0.0)
        } else {
            q_out(Quantity::new(v, dim))
        });
    }
    let as_array = |o: Operand| match o {
        Operand::A(a) => (a, false),
        Operand::S(q, kind) => (
            QuantityArray::new(vec![q.value], q.dim).with_kind(kind),
            true,
        ),
    };
    let ((a, a_scalar), (b, b_scalar)) = (as_array(a), as_array(b));
    if !a_scalar && !b_scalar && a.len() != b.len() {
        return err(format!(
            "cannot combine arrays of lengths {} and {} with '{op}'",
            a.len(),
            b.len()
        ));
    }
    if op == "**" && !b_scalar && !a.dim.is_dimensionless() {
        return err("the exponent of an array with units must be a single number");
    }
    // Units are checked once, on representative values: an array of zeros stays unit-free.
    let pick = |arr: &QuantityArray| {
        let v = arr
            .values
            .iter()
            .copied()
            .find(|v| !crate::units::is_unit_free(*v));
        Quantity::new(
            v.unwrap_or(if arr.is_empty() { 1.0 } else { arr.values[0] }),
            arr.dim,
        )
    };
    let exponent_or_pick = |arr: &QuantityArray| {
        if op == "**" {
            Quantity::new(arr.values.first().copied().unwrap_or(1.0), arr.dim)
        } else {
            pick(arr)
        }
    };
    let dim = result_dim(op, pick(&a), exponent_or_pick(&b)).map_err(units)?;
    let n = if a_scalar { b.len() } else { a.len() };
    let get = |arr: &QuantityArray, scalar: bool, k: usize| {
        if scalar {
            arr.values[0]
        } else {
            arr.values[k]
        }
    };
    let values = (0..n)
        .map(|k| f(get(&a, a_scalar, k), get(&b, b_scalar, k)))
        .collect();
    let mut out = QuantityArray::new(values, dim).with_kind(result_kind(op, &a, &b));
    // `M.t/ms`: numbers in ms that remember what they are, for axis labels and files.
    if op == "/" && b_scalar && !a_scalar {
        out.label = divided_label(&a, Quantity::new(b.values[0], b.dim));
    }
    Ok(Dynamic::from(out))
}

/// The label of `a / unit` when the division strips `a`'s unit: `a`'s name and the unit.
fn divided_label(a: &QuantityArray, unit: Quantity) -> Option<Box<ArrayLabel>> {
    if a.dim.is_dimensionless()
        || unit.dim != a.dim
        || !(unit.value > 0.0)
        || !unit.value.is_finite()
    {
        return None;
    }
    Some(Box::new(ArrayLabel {
        name: a.name().map(str::to_string),
        unit: Some(DividedBy {
            text: unit_text(unit),
            dim: unit.dim,
            factor: unit.value,
        }),
        trace: None,
        source: None,
    }))
}

/// A unit as people write it: `ms`, `mV`, `V/s`, `10 ms` for `10*ms`.
pub fn unit_text(q: Quantity) -> String {
    let (text, factor) = best_unit(q.dim, q.value);
    let n = q.value / factor;
    if (n - 1.0).abs() < 1e-9 {
        text
    } else {
        let n = format_number(n);
        format!("{} {text}", n.strip_suffix('.').unwrap_or(&n))
    }
}

macro_rules! register_ops {
    ($engine:expr, $A:ty, $B:ty) => {
        for op in [
            "+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=",
        ] {
            $engine.register_fn(op, move |a: $A, b: $B| binary(op, a.into(), b.into()));
        }
    };
}

/// Elementwise math on a quantity or array; `f` maps SI values, `dim` maps dimensions.
fn unary_math(
    d: &Dynamic,
    name: &str,
    f: fn(f64) -> f64,
    needs_dimensionless: bool,
) -> RResult<Dynamic> {
    let (arr, scalar) = match d.clone().try_cast::<QuantityArray>() {
        Some(a) => (a, false),
        None => {
            let q = to_quantity(d, &format!("the argument of {name}()"))?;
            (QuantityArray::new(vec![q.value], q.dim), true)
        }
    };
    if needs_dimensionless && !arr.dim.is_dimensionless() {
        return err(format!(
            "{name}() needs a dimensionless argument, got units of {}",
            arr.dim
        ));
    }
    let dim = match name {
        "sqrt" => arr.dim.powf(0.5),
        "abs" | "floor" | "ceil" => arr.dim,
        _ => Dimension::DIMENSIONLESS,
    };
    let values: Vec<f64> = arr.values.iter().map(|&v| f(v)).collect();
    Ok(if scalar {
        q_out(Quantity::new(values[0], dim))
    } else {
        Dynamic::from(QuantityArray::new(values, dim))
    })
}

impl IntoIterator for QuantityArray {
    type Item = Dynamic;
    type IntoIter = std::vec::IntoIter<Dynamic>;
    fn into_iter(self) -> Self::IntoIter {
        let out: Vec<Dynamic> = (0..self.len()).map(|k| element(&self, k)).collect();
        out.into_iter()
    }
}

pub(crate) fn reduce(a: &QuantityArray, name: &str) -> RResult<Dynamic> {
    let n = a.len();
    if n == 0 && name != "sum" {
        return err(format!("{name}() of an empty array"));
    }
    let sum: f64 = a.values.iter().sum();
    let v = match name {
        "sum" => sum,
        "mean" => sum / n as f64,
        "std" => {
            let m = sum / n as f64;
            (a.values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64).sqrt()
        }
        "min" => a.values.iter().copied().fold(f64::INFINITY, f64::min),
        "median" => {
            let mut v = a.values.to_vec();
            v.sort_by(f64::total_cmp);
            if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            }
        }
        _ => a.values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    Ok(q_out(Quantity::new(v, a.dim)))
}

fn index(a: &QuantityArray, k: INT) -> RResult<usize> {
    let n = a.len() as INT;
    let j = if k < 0 { k + n } else { k };
    if j < 0 || j >= n {
        return err(format!(
            "index {k} is out of range for an array of length {n}"
        ));
    }
    Ok(j as usize)
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<Quantity>("Quantity");
    engine.register_type_with_name::<QuantityArray>("QuantityArray");
    // `for t in M.t { ... }`: each element as a script value (a number when dimensionless).
    engine.register_iterator::<QuantityArray>();
    register_ops!(engine, Quantity, Quantity);
    register_ops!(engine, Quantity, INT);
    register_ops!(engine, Quantity, FLOAT);
    register_ops!(engine, INT, Quantity);
    register_ops!(engine, FLOAT, Quantity);
    register_ops!(engine, QuantityArray, QuantityArray);
    register_ops!(engine, QuantityArray, Quantity);
    register_ops!(engine, Quantity, QuantityArray);
    register_ops!(engine, QuantityArray, INT);
    register_ops!(engine, QuantityArray, FLOAT);
    register_ops!(engine, INT, QuantityArray);
    register_ops!(engine, FLOAT, QuantityArray);
    // An array and a Rhai list: NumPy's elementwise operation on the list as an array
    // (`M.count == [1, 0, 0]`); without these Rhai compares different types as unequal.
    for op in [
        "+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=",
    ] {
        engine.register_fn(op, move |a: QuantityArray, b: Array| -> RResult<Dynamic> {
            let b = to_qarray(&Dynamic::from(b), "the list")?;
            binary(op, a.into(), b.into())
        });
        engine.register_fn(op, move |a: Array, b: QuantityArray| -> RResult<Dynamic> {
            let a = to_qarray(&Dynamic::from(a), "the list")?;
            binary(op, a.into(), b.into())
        });
    }
    engine.register_fn("-", |q: Quantity| q.neg());
    engine.register_fn("-", |a: QuantityArray| {
        QuantityArray::new(a.values.iter().map(|v| -v).collect(), a.dim)
    });
    engine.register_fn("+", |q: Quantity| q);
    for ty in ["to_string", "to_debug"] {
        engine.register_fn(ty, |q: &mut Quantity| q.to_string());
        engine.register_fn(ty, |a: &mut QuantityArray| a.to_string());
    }

    type M = fn(f64) -> f64;
    let math: [(&str, M, bool); 14] = [
        ("exp", f64::exp, true),
        ("log", f64::ln, true),
        ("log10", f64::log10, true),
        ("sin", f64::sin, true),
        ("cos", f64::cos, true),
        ("tan", f64::tan, true),
        ("tanh", f64::tanh, true),
        ("sqrt", f64::sqrt, false),
        ("abs", f64::abs, false),
        ("floor", f64::floor, false),
        ("ceil", f64::ceil, false),
        ("expm1", f64::exp_m1, true),
        ("log1p", f64::ln_1p, true),
        ("sign", f64::signum, false),
    ];
    for (name, f, dimless) in math {
        engine.register_fn(name, move |q: Quantity| {
            unary_math(&Dynamic::from(q), name, f, dimless)
        });
        engine.register_fn(name, move |a: QuantityArray| {
            unary_math(&Dynamic::from(a), name, f, dimless)
        });
        // Python's `exp(1)`: an integer where a float is expected.
        if !matches!(name, "abs" | "sign") {
            engine.register_fn(name, move |x: INT| f(x as FLOAT));
        }
    }
    // NumPy's `log` is natural (Rhai's own `log(x)` is base 10), `int()` is Python's: an
    // integer, truncated toward zero.
    engine.register_fn("log", |x: FLOAT| x.ln());
    engine.register_fn("log", |x: INT| (x as FLOAT).ln());
    engine.register_fn("int", |x: FLOAT| -> RResult<INT> {
        if !x.is_finite() || x.abs() >= 9.2e18 {
            return err(format!("int() of {x}: not a finite integer-sized number"));
        }
        Ok(x.trunc() as INT)
    });
    engine.register_fn("int", |x: INT| x);
    // Python's float(): a Rhai float from an integer, a float, or a dimensionless quantity.
    engine.register_fn("float", |x: INT| x as FLOAT);
    engine.register_fn("float", |x: FLOAT| x);
    engine.register_fn("float", |q: Quantity| -> RResult<FLOAT> {
        if !q.dim.is_dimensionless() {
            return err(format!("float() needs a dimensionless number, got {q}"));
        }
        Ok(q.value)
    });
    engine.register_fn("int", |q: Quantity| -> RResult<INT> {
        if !q.dim.is_dimensionless() {
            return err(format!("int() needs a dimensionless number, got {q}"));
        }
        if !q.value.is_finite() || q.value.abs() >= 9.2e18 {
            return err(format!("int() of {q}: not a finite integer-sized number"));
        }
        Ok(q.value.trunc() as INT)
    });
    // sum, mean, ... and their axis forms: arrays.rs.
    engine.register_fn(
        "clip",
        |a: Dynamic, lo: Dynamic, hi: Dynamic| -> RResult<Dynamic> {
            let arr = to_qarray(&a, "the array to clip")?;
            let lo = to_quantity(&lo, "the lower bound")?;
            let hi = to_quantity(&hi, "the upper bound")?;
            let (l, h) = (
                lo.in_dim(arr.dim, "the lower bound"),
                hi.in_dim(arr.dim, "the upper bound"),
            );
            let (l, h) = (l.map_err(|e| e.to_string())?, h.map_err(|e| e.to_string())?);
            let values = arr.values.iter().map(|v| v.max(l).min(h)).collect();
            Ok(Dynamic::from(QuantityArray::new(values, arr.dim)))
        },
    );

    engine.register_fn("len", |a: &mut QuantityArray| a.len() as INT);
    engine.register_fn("to_array", |a: &mut QuantityArray| -> Array {
        (0..a.len()).map(|k| element(a, k)).collect()
    });
    engine.register_fn("array", |a: Array| {
        to_qarray(&Dynamic::from(a), "the array")
    });
    engine.register_indexer_get(|a: &mut QuantityArray, k: INT| -> RResult<Dynamic> {
        Ok(element(a, index(a, k)?))
    });
    engine.register_indexer_set(|a: &mut QuantityArray, k: INT, v: Dynamic| -> RResult<()> {
        let j = index(a, k)?;
        let q = to_quantity(&v, "the value")?;
        if a.values.iter().all(|x| *x == 0.0) && a.dim.is_dimensionless() {
            a.dim = q.dim; // zeros(n) takes the unit of what is stored in it
        }
        a.values[j] = q.in_dim(a.dim, "the value").map_err(|e| e.to_string())?;
        Ok(())
    });
    engine.register_indexer_get(
        |a: &mut QuantityArray, r: std::ops::Range<INT>| -> RResult<QuantityArray> {
            let (s, e) = python_slice(r, a.len());
            let mut part =
                QuantityArray::new(a.values.get(s..e.max(s)).unwrap_or(&[]).to_vec(), a.dim);
            part.label = a.label.clone(); // a slice is still the same quantity
            if let Some(l) = part.label.as_mut() {
                l.trace = None; // ... but no longer a whole trace or variable
                l.source = None;
            }
            Ok(part)
        },
    );
    engine.register_indexer_set(
        |a: &mut QuantityArray, r: std::ops::Range<INT>, v: Dynamic| -> RResult<()> {
            let (s, e) = python_slice(r, a.len());
            let src = to_qarray(&v, "the values")?;
            if a.values.iter().all(|x| *x == 0.0) && a.dim.is_dimensionless() {
                a.dim = src.dim;
            }
            if src.dim != a.dim {
                return err(format!(
                    "cannot store values in {} into an array in {}",
                    src.dim, a.dim
                ));
            }
            for (k, j) in (s..e).enumerate() {
                a.values[j] = if src.len() == 1 {
                    src.values[0]
                } else {
                    *src.values.get(k).ok_or("too few values for the slice")?
                };
            }
            Ok(())
        },
    );

    engine.register_fn("zeros", |n: INT| {
        QuantityArray::dimensionless(vec![0.0; n.max(0) as usize])
    });
    engine.register_fn("ones", |n: INT| {
        QuantityArray::dimensionless(vec![1.0; n.max(0) as usize])
    });
    let s = shared.clone();
    engine.register_fn("rand", move |n: INT| {
        let rng = &mut s.borrow_mut().net.rng;
        QuantityArray::dimensionless((0..n.max(0)).map(|_| rng.random::<f64>()).collect())
    });
    let s = shared.clone();
    engine.register_fn("rand", move || s.borrow_mut().net.rng.random::<f64>());
    let s = shared.clone();
    engine.register_fn("randn", move |n: INT| {
        let rng = &mut s.borrow_mut().net.rng;
        QuantityArray::dimensionless(
            (0..n.max(0))
                .map(|_| rng.sample::<f64, _>(StandardNormal))
                .collect(),
        )
    });
    let s = shared.clone();
    engine.register_fn("randn", move || {
        s.borrow_mut().net.rng.sample::<f64, _>(StandardNormal)
    });
    engine.register_fn(
        "linspace",
        |a: Dynamic, b: Dynamic, n: INT| -> RResult<QuantityArray> {
            let (a, b) = (to_quantity(&a, "the start")?, to_quantity(&b, "the end")?);
            a.check_same(&b, "make a range between")
                .map_err(|e| e.to_string())?;
            let n = n.max(0) as usize;
            let step = if n > 1 {
                (b.value - a.value) / (n - 1) as f64
            } else {
                0.0
            };
            Ok(QuantityArray::new(
                (0..n).map(|k| a.value + step * k as f64).collect(),
                a.dim,
            ))
        },
    );
    let arange = |a: Dynamic, b: Dynamic, step: Dynamic| -> RResult<QuantityArray> {
        let (a0, b0) = (a.clone(), b.clone());
        let (a, b, st) = (
            to_quantity(&a, "the start")?,
            to_quantity(&b, "the end")?,
            to_quantity(&step, "the step")?,
        );
        a.check_same(&b, "make a range between")
            .map_err(|e| e.to_string())?;
        a.check_same(&st, "make a range with a step of")
            .map_err(|e| e.to_string())?;
        if st.value == 0.0 {
            return err("arange() needs a non-zero step");
        }
        let n = ((b.value - a.value) / st.value).ceil().max(0.0) as usize;
        // arange(0., 50*second, 10*second): a plain 0 takes the others' unit
        let dim = [a, b, st]
            .iter()
            .find(|q| !q.is_unit_free())
            .map_or(a.dim, |q| q.dim);
        let out = QuantityArray::new((0..n).map(|k| a.value + st.value * k as f64).collect(), dim);
        // NumPy: integer arguments give an integer array.
        Ok(if [&a0, &b0, &step].iter().all(|x| x.is_int()) {
            out.with_kind(ElementKind::Int)
        } else {
            out
        })
    };
    engine.register_fn("arange", arange);
    engine.register_fn("arange", move |a: Dynamic, b: Dynamic| {
        arange(a, b, Dynamic::from_int(1))
    });
    // numpy's arange(stop): 0, 1, ... below stop (in stop's unit).
    engine.register_fn("arange", move |b: Dynamic| -> RResult<QuantityArray> {
        let stop = to_quantity(&b, "the end")?;
        if !stop.dim.is_dimensionless() {
            return err(format!(
                "arange({stop}): one argument must be a plain number; give a start, an end \
                 and a step with units (arange(0*ms, 10*ms, 1*ms))"
            ));
        }
        arange(Dynamic::from_int(0), b, Dynamic::from_int(1))
    });
    engine.register_fn("format_number", |v: FLOAT| format_number(v));
    register_dimension_functions(engine);
}

/// A Rhai range `a..b` as Python's slice `a:b` of `len` elements: negative ends count
/// from the end, both are clamped to the array, an open end (`a..`) goes to the end.
pub fn python_slice(r: std::ops::Range<INT>, len: usize) -> (usize, usize) {
    let n = len as i128;
    let at = |x: INT| {
        let x = x as i128;
        let x = if x < 0 { n + x } else { x };
        x.clamp(0, n) as usize
    };
    let (s, e) = (at(r.start), at(r.end));
    (s, e.max(s))
}

/// The dimension of a number, a quantity or an array of them.
fn dimension_of(d: &Dynamic, what: &str) -> RResult<crate::units::Dimension> {
    if let Some(a) = d.clone().try_cast::<QuantityArray>() {
        return Ok(a.dim);
    }
    if d.is::<Array>() {
        return Ok(to_qarray(d, what)?.dim);
    }
    Ok(to_quantity(d, what)?.dim)
}

/// Brian 2's `get_dimensions`, `have_same_dimensions`, `is_dimensionless` and `in_unit`.
fn register_dimension_functions(engine: &mut Engine) {
    use crate::units::{best_unit, Dimension};
    engine.register_type_with_name::<Dimension>("Dimension");
    for ty in ["to_string", "to_debug"] {
        engine.register_fn(ty, |d: &mut Dimension| d.base_form());
    }
    engine.register_fn("==", |a: Dimension, b: Dimension| a == b);
    engine.register_fn("!=", |a: Dimension, b: Dimension| a != b);
    engine.register_fn("get_dimensions", |x: Dynamic| {
        dimension_of(&x, "get_dimensions' argument")
    });
    engine.register_fn("is_dimensionless", |x: Dynamic| -> RResult<bool> {
        Ok(dimension_of(&x, "is_dimensionless' argument")?.is_dimensionless())
    });
    engine.register_fn(
        "have_same_dimensions",
        |a: Dynamic, b: Dynamic| -> RResult<bool> {
            Ok(dimension_of(&a, "have_same_dimensions' first argument")?
                == dimension_of(&b, "have_same_dimensions' second argument")?)
        },
    );
    engine.register_fn("in_unit", |x: Dynamic, unit: Dynamic| -> RResult<String> {
        let u = to_quantity(&unit, "in_unit's unit")?;
        let (symbol, factor) = best_unit(u.dim, u.value);
        if u.value != factor || u.value == 0.0 {
            return err(format!(
                "in_unit needs a unit (like mV or nS) as its second argument, got {u}"
            ));
        }
        let dim = dimension_of(&x, "in_unit's value")?;
        if dim != u.dim {
            return err(format!(
                "in_unit: the value has units of {} and the unit {symbol} of {}; they must \
                 have the same dimensions",
                crate::units::dimension_name(dim),
                crate::units::dimension_name(u.dim)
            ));
        }
        let with_unit = |number: String| {
            if symbol.is_empty() {
                number
            } else {
                format!("{number} {symbol}")
            }
        };
        if let Some(a) = x.clone().try_cast::<QuantityArray>().or_else(|| {
            x.is::<Array>()
                .then(|| to_qarray(&x, "in_unit's value").ok())
                .flatten()
        }) {
            let shown: Vec<String> = a
                .values
                .iter()
                .map(|v| format_number(v / u.value))
                .collect();
            return Ok(with_unit(format!("[{}]", shown.join(", "))));
        }
        let q = to_quantity(&x, "in_unit's value")?;
        Ok(with_unit(format_number(q.value / u.value)))
    });
}
