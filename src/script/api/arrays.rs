//! NumPy's array vocabulary in scripts: indexing with index arrays, boolean masks and
//! 2-D positions (`a.at(i, j)`, `a.set_at(i, j, x)`, also on Synapses variables with
//! Brian 2's meaning), shapes, and the functions Brian 2's examples call (`cumsum`,
//! `sort`, `where`, `histogram`, `reshape`, ...). Units are kept wherever NumPy keeps a
//! Brian 2 quantity's; integer and boolean arrays stay integer and boolean
//! ([`ElementKind`]).

use super::super::convert::*;
use super::super::Shared;
use super::network::Matrix;
use super::units::python_slice;
use crate::units::{Dimension, ElementKind, Quantity, QuantityArray, VariableSource};
use rand::Rng;
use rand_distr::StandardNormal;
use rhai::{Array, Dynamic, Engine, Map, INT};

/// One index of a position: a single element, a slice (`a..b`), or an array of indices
/// (a mask becomes the indices where it is true, as in NumPy).
enum Index {
    One(usize),
    Slice(Vec<usize>),
    Fancy(Vec<usize>),
}

impl Index {
    fn positions(&self) -> &[usize] {
        match self {
            Index::One(k) => std::slice::from_ref(k),
            Index::Slice(v) | Index::Fancy(v) => v,
        }
    }
}

fn normalize(k: i64, len: usize, what: &str) -> RResult<usize> {
    let n = len as i64;
    let j = if k < 0 { k + n } else { k };
    if j < 0 || j >= n {
        return err(format!(
            "index {k} is out of range for {what} of length {len}"
        ));
    }
    Ok(j as usize)
}

/// Resolves a script index against `len` elements.
fn index(ix: &Dynamic, len: usize, what: &str) -> RResult<Index> {
    if let Ok(k) = ix.as_int() {
        return Ok(Index::One(normalize(k, len, what)?));
    }
    if let Some(r) = ix.clone().try_cast::<std::ops::Range<INT>>() {
        let (s, e) = python_slice(r, len);
        return Ok(Index::Slice((s..e).collect()));
    }
    if let Some(r) = ix.clone().try_cast::<std::ops::RangeInclusive<INT>>() {
        let (s, e) = python_slice(*r.start()..r.end().saturating_add(1), len);
        return Ok(Index::Slice((s..e).collect()));
    }
    if ix.is::<QuantityArray>() || ix.is_array() {
        let a = to_qarray(ix, "the index")?;
        if a.kind == ElementKind::Bool {
            if a.len() != len {
                return err(format!(
                    "a boolean mask of length {} cannot index {what} of length {len}",
                    a.len()
                ));
            }
            let on = (0..len).filter(|&k| a.values[k] != 0.0).collect();
            return Ok(Index::Fancy(on));
        }
        if !a.dim.is_dimensionless() {
            return err(format!(
                "an index array must hold plain integers, not values with units ({})",
                a.dim
            ));
        }
        let picked = a
            .values
            .iter()
            .map(|&v| {
                if v.fract() != 0.0 || !v.is_finite() {
                    return err(format!(
                        "an index array must hold integers (or booleans: a mask), found {v}"
                    ));
                }
                normalize(v as i64, len, what)
            })
            .collect::<RResult<_>>()?;
        return Ok(Index::Fancy(picked));
    }
    err(format!(
        "cannot index {what} with {}: give an integer, a range (a..b), an array of indices \
         or a boolean mask",
        describe(ix)
    ))
}

/// A part of `a` (elements `pos`, in order): same unit, kind and name, no longer a whole
/// variable or trace.
fn part(a: &QuantityArray, pos: &[usize]) -> QuantityArray {
    let mut out =
        QuantityArray::new(pos.iter().map(|&k| a.values[k]).collect(), a.dim).with_kind(a.kind);
    out.label = a.label.clone();
    if let Some(l) = out.label.as_mut() {
        l.trace = None;
        l.source = None;
    }
    out
}

/// The values to store at `n` positions of an array in `dim`: one for all, or one each.
fn values_for(v: &Dynamic, n: usize, dim: Dimension, what: &str) -> RResult<Vec<f64>> {
    let src = to_qarray(v, "the values")?;
    let unit_free =
        src.dim.is_dimensionless() && src.values.iter().all(|x| crate::units::is_unit_free(*x));
    if src.dim != dim && !unit_free {
        return err(format!(
            "cannot store values in {} into {what} in {dim}",
            src.dim
        ));
    }
    match src.len() {
        1 => Ok(vec![src.values[0]; n]),
        k if k == n => Ok(src.values.to_vec()),
        k => err(format!(
            "{k} values cannot be stored at {n} positions of {what}; give one value or {n}"
        )),
    }
}

fn store(a: &mut QuantityArray, pos: &[usize], v: &Dynamic) -> RResult<()> {
    if a.dim.is_dimensionless() && a.values.iter().all(|x| *x == 0.0) {
        // zeros(n) takes the unit of what is stored in it
        if let Ok(q) = to_qarray(v, "the values") {
            a.dim = q.dim;
            if a.kind == ElementKind::Float || q.kind == ElementKind::Float {
                a.kind = ElementKind::Float;
            }
        }
    }
    let new = values_for(v, pos.len(), a.dim, "the array")?;
    let vals = a.values.vec_mut();
    for (&k, x) in pos.iter().zip(new) {
        vals[k] = x;
    }
    Ok(())
}

/// The rows and columns a matrix position selects, in NumPy's sense: two index arrays
/// pair up (broadcasting one of length 1), anything else forms the outer product.
/// Returns the selected (row, column) pairs, and the result's shape: `None` for one
/// element, `Some((rows, None))` for a 1-D result, `Some((rows, Some(cols)))` for 2-D.
type Shape = Option<(usize, Option<usize>)>;

fn matrix_positions(i: &Index, j: &Index) -> RResult<(Vec<(usize, usize)>, Shape)> {
    Ok(match (i, j) {
        (Index::One(r), Index::One(c)) => (vec![(*r, *c)], None),
        (Index::Fancy(rs), Index::Fancy(cs)) => {
            let n = match (rs.len(), cs.len()) {
                (a, b) if a == b => a,
                (1, b) => b,
                (a, 1) => a,
                (a, b) => {
                    return err(format!(
                        "index arrays of lengths {a} and {b} cannot be paired (NumPy's \
                         a[rows, cols] pairs them element by element)"
                    ))
                }
            };
            let at = |v: &[usize], k: usize| if v.len() == 1 { v[0] } else { v[k] };
            let pairs = (0..n).map(|k| (at(rs, k), at(cs, k))).collect();
            (pairs, Some((n, None)))
        }
        (Index::One(r), cols) => {
            let cs = cols.positions();
            (
                cs.iter().map(|&c| (*r, c)).collect(),
                Some((cs.len(), None)),
            )
        }
        (rows, Index::One(c)) => {
            let rs = rows.positions();
            (
                rs.iter().map(|&r| (r, *c)).collect(),
                Some((rs.len(), None)),
            )
        }
        (rows, cols) => {
            let (rs, cs) = (rows.positions(), cols.positions());
            let pairs = rs
                .iter()
                .flat_map(|&r| cs.iter().map(move |&c| (r, c)))
                .collect();
            (pairs, Some((rs.len(), Some(cs.len()))))
        }
    })
}

fn matrix_at(m: &Matrix, i: &Dynamic, j: &Dynamic) -> RResult<Dynamic> {
    let (ri, ci) = (
        index(i, m.nrows, "the matrix's rows")?,
        index(j, m.ncols, "the matrix's columns")?,
    );
    let (pairs, shape) = matrix_positions(&ri, &ci)?;
    let values: Vec<f64> = pairs
        .iter()
        .map(|&(r, c)| m.data[r * m.ncols + c])
        .collect();
    Ok(match shape {
        None => q_out(Quantity::new(values[0], m.dim)),
        Some((_, None)) => Dynamic::from(QuantityArray::new(values, m.dim)),
        Some((r, Some(c))) => Dynamic::from(Matrix::from_data(values.into(), r, c, m.dim)),
    })
}

fn matrix_set_at(m: &mut Matrix, i: &Dynamic, j: &Dynamic, v: &Dynamic) -> RResult<()> {
    let (ri, ci) = (
        index(i, m.nrows, "the matrix's rows")?,
        index(j, m.ncols, "the matrix's columns")?,
    );
    let (pairs, _) = matrix_positions(&ri, &ci)?;
    if m.dim.is_dimensionless() && m.data.iter().all(|x| *x == 0.0) {
        m.dim = to_qarray(v, "the values")?.dim; // zeros((n, m)) takes the stored unit
    }
    let new = values_for(v, pairs.len(), m.dim, "the matrix")?;
    let ncols = m.ncols;
    let data = m.data.vec_mut();
    for (&(r, c), x) in pairs.iter().zip(new) {
        data[r * ncols + c] = x;
    }
    Ok(())
}

/// Brian 2's `S.x[i, j]`: the synapses (in synapse order) whose source is among the
/// selected source neurons and whose target among the selected targets.
fn synapse_positions(shared: &Shared, s: usize, i: &Dynamic, j: &Dynamic) -> RResult<Vec<usize>> {
    let st = shared.borrow();
    let syn = st
        .net
        .synapses
        .get(s)
        .ok_or("the array's Synapses are no longer in the network")?;
    let (n_pre, n_post) = (syn.spec.source.len, syn.spec.target.len);
    let member = |ix: &Dynamic, n: usize, what: &str| -> RResult<Vec<bool>> {
        let mut m = vec![false; n];
        for &k in index(ix, n, what)?.positions() {
            m[k] = true;
        }
        Ok(m)
    };
    let (pre_ok, post_ok) = (
        member(i, n_pre, "the source neurons")?,
        member(j, n_post, "the target neurons")?,
    );
    Ok((0..syn.pre.len())
        .filter(|&k| pre_ok[syn.pre[k] as usize] && post_ok[syn.post[k] as usize])
        .collect())
}

fn synapse_source(a: &QuantityArray) -> Option<usize> {
    match a.label.as_ref().and_then(|l| l.source.as_ref()) {
        Some(VariableSource::Synapses { index, .. }) => Some(*index),
        _ => None,
    }
}

fn not_2d(a: &QuantityArray) -> Box<rhai::EvalAltResult> {
    format!(
        "at(i, j) needs a 2-D array or a Synapses variable (S.w.at(i, j)); this is a 1-D \
         array of {} values: index it with a[k]",
        a.len()
    )
    .into()
}

/// NumPy's `round`: halves to even, at `decimals` places.
fn round_half_even(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    let y = x * f;
    let r = y.round();
    let r = if (y - y.trunc()).abs() == 0.5 {
        2.0 * (y / 2.0).round()
    } else {
        r
    };
    r / f
}

/// NumPy's `histogram(a, bins)`: `bins` equal bins over the data's range (or `range`),
/// the last one closed. Returns the counts and the edges.
fn histogram_equal(values: &[f64], bins: usize, range: Option<(f64, f64)>) -> (Vec<f64>, Vec<f64>) {
    let (mut lo, mut hi) = range.unwrap_or_else(|| {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        if lo > hi {
            (0.0, 1.0)
        } else {
            (lo, hi)
        }
    });
    if lo == hi {
        lo -= 0.5;
        hi += 0.5;
    }
    let edges: Vec<f64> = (0..=bins)
        .map(|k| lo + (hi - lo) * k as f64 / bins as f64)
        .collect();
    (histogram_edges(values, &edges), edges)
}

/// Counts in bins between sorted `edges`, each bin half-open but the last closed.
fn histogram_edges(values: &[f64], edges: &[f64]) -> Vec<f64> {
    let nb = edges.len().saturating_sub(1);
    let mut counts = vec![0.0; nb];
    if nb == 0 {
        return counts;
    }
    for &v in values {
        if !(v >= edges[0] && v <= edges[nb]) {
            continue;
        }
        // the last edge k with edges[k] <= v; v == the last edge goes into the last bin
        let k = edges
            .partition_point(|e| *e <= v)
            .saturating_sub(1)
            .min(nb - 1);
        counts[k] += 1.0;
    }
    counts
}

fn dims_of(d: &Dynamic, what: &str) -> RResult<Vec<usize>> {
    if let Ok(n) = d.as_int() {
        return Ok(vec![size(n, what)?]);
    }
    to_indices(d, what)
}

fn size(n: INT, what: &str) -> RResult<usize> {
    if n < 0 {
        return err(format!("{what} cannot be negative, got {n}"));
    }
    Ok(n as usize)
}

/// An array (1-D) or matrix (2-D) of shape `dims` filled by `f`.
fn filled(dims: &[usize], dim: Dimension, mut f: impl FnMut() -> f64) -> RResult<Dynamic> {
    let n: usize = dims.iter().product();
    if n > 1 << 31 {
        return err(format!(
            "an array of shape {dims:?} would hold {n} values; that is more than brian makes"
        ));
    }
    let values: Vec<f64> = (0..n).map(|_| f()).collect();
    Ok(match dims {
        [_] => Dynamic::from(QuantityArray::new(values, dim)),
        [r, c] => Dynamic::from(Matrix::from_data(values.into(), *r, *c, dim)),
        _ => {
            return err(format!(
                "arrays have one or two dimensions, got the shape {dims:?}"
            ))
        }
    })
}

/// Element `k` of `v`, or its only element (NumPy's broadcasting of a length-1 array).
fn bcast(v: &QuantityArray, k: usize) -> f64 {
    if v.len() == 1 {
        v.values[0]
    } else {
        v.values[k]
    }
}

/// A reduction's result: an integer for sums, minima and maxima of integer arrays.
fn reduced(v: f64, a: &QuantityArray, name: &str) -> Dynamic {
    match (a.kind, name) {
        (ElementKind::Int | ElementKind::Bool, "sum" | "min" | "max" | "amin" | "amax")
            if v.is_finite() =>
        {
            Dynamic::from_int(v as INT)
        }
        _ => q_out(Quantity::new(v, a.dim)),
    }
}

/// `name` over all of `a`: an integer for sums, minima and maxima of integer arrays.
fn reduce_all(a: &QuantityArray, name: &str) -> RResult<Dynamic> {
    let v = super::units::reduce(a, name)?;
    Ok(match name {
        "sum" | "min" | "max" => reduced(to_quantity(&v, name)?.value, a, name),
        _ => v,
    })
}

/// A reduction over one axis of a matrix (0: down the columns, 1: along the rows).
fn reduce_axis(m: &Matrix, name: &str, axis: INT) -> RResult<QuantityArray> {
    let lines: Vec<Vec<f64>> = match axis {
        0 | -2 => (0..m.ncols)
            .map(|c| (0..m.nrows).map(|r| m.data[r * m.ncols + c]).collect())
            .collect(),
        1 | -1 => (0..m.nrows).map(|r| m.row(r).to_vec()).collect(),
        _ => return err(format!("axis {axis} is out of range for a 2-D array")),
    };
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let v = super::units::reduce(&QuantityArray::new(l, m.dim), name)?;
        out.push(to_quantity(&v, "a reduction")?.value);
    }
    Ok(QuantityArray::new(out, m.dim))
}

fn concat(list: &Array, what: &str) -> RResult<QuantityArray> {
    let mut values = Vec::new();
    let mut dim = None;
    let mut kind = ElementKind::Bool;
    for (k, x) in list.iter().enumerate() {
        let a = to_qarray(x, &format!("array {k} of {what}"))?;
        let unit_free = a.values.iter().all(|v| crate::units::is_unit_free(*v));
        match dim {
            None => dim = Some(a.dim),
            Some(d) if d != a.dim && !unit_free => {
                return err(format!(
                    "{what}: array {k} has units of {}, the first of {d}",
                    a.dim
                ))
            }
            _ => {}
        }
        kind = match (kind, a.kind) {
            (ElementKind::Float, _) | (_, ElementKind::Float) => ElementKind::Float,
            (ElementKind::Int, _) | (_, ElementKind::Int) => ElementKind::Int,
            _ => ElementKind::Bool,
        };
        values.extend_from_slice(&a.values);
    }
    Ok(
        QuantityArray::new(values, dim.unwrap_or_default()).with_kind(if list.is_empty() {
            ElementKind::Float
        } else {
            kind
        }),
    )
}

fn arr(d: &Dynamic, what: &str) -> RResult<QuantityArray> {
    if let Some(m) = d.clone().try_cast::<Matrix>() {
        return Ok(m.flat()); // flattened, as NumPy's 1-D functions
    }
    to_qarray(d, what)
}

fn bool_of(a: &QuantityArray, b: &QuantityArray, op: &str) -> RResult<QuantityArray> {
    let n = match (a.len(), b.len()) {
        (x, y) if x == y => x,
        (1, y) => y,
        (x, 1) => x,
        (x, y) => {
            return err(format!(
                "cannot combine arrays of lengths {x} and {y} with '{op}'"
            ))
        }
    };
    let both_int = a.kind == ElementKind::Int && b.kind == ElementKind::Int;
    if !both_int && (a.kind == ElementKind::Float || b.kind == ElementKind::Float) {
        return err(format!(
            "'{op}' combines boolean arrays (masks such as (a > 1) {op} (a < 3)); put each \
             comparison in parentheses"
        ));
    }
    let values = (0..n)
        .map(|k| {
            let (x, y) = (bcast(a, k), bcast(b, k));
            if both_int {
                let (x, y) = (x as i64, y as i64);
                (if op == "&" { x & y } else { x | y }) as f64
            } else {
                let (x, y) = (x != 0.0, y != 0.0);
                f64::from(u8::from(if op == "&" { x && y } else { x || y }))
            }
        })
        .collect();
    Ok(
        QuantityArray::new(values, Dimension::DIMENSIONLESS).with_kind(if both_int {
            ElementKind::Int
        } else {
            ElementKind::Bool
        }),
    )
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    register_indexing(engine, shared);
    register_shapes(engine);
    register_functions(engine, shared);
    register_random(engine, shared);
    register_checks(engine);
}

fn register_indexing(engine: &mut Engine, shared: &Shared) {
    // a[idx] and a[mask], also as assignment targets.
    for_index_types(engine);
    // Reads take the array by value: Rhai writes a `&mut` receiver back into a property
    // chain (`S.j.at(...)` would assign S.j).
    engine.register_fn("at", |m: Matrix, i: Dynamic, j: Dynamic| {
        matrix_at(&m, &i, &j)
    });
    engine.register_fn(
        "set_at",
        |m: &mut Matrix, i: Dynamic, j: Dynamic, v: Dynamic| matrix_set_at(m, &i, &j, &v),
    );
    let s = shared.clone();
    engine.register_fn(
        "at",
        move |a: QuantityArray, i: Dynamic, j: Dynamic| -> RResult<QuantityArray> {
            let syn = synapse_source(&a).ok_or_else(|| not_2d(&a))?;
            let pos = synapse_positions(&s, syn, &i, &j)?;
            Ok(part(&a, &pos))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "set_at",
        move |a: &mut QuantityArray, i: Dynamic, j: Dynamic, v: Dynamic| -> RResult<()> {
            let syn = synapse_source(a).ok_or_else(|| not_2d(a))?;
            let pos = synapse_positions(&s, syn, &i, &j)?;
            // The property chain (`S.w.set_at(...)`) writes the changed array back
            // through `S.w = ...`, which checks the unit again.
            store(a, &pos, &v)
        },
    );
}

fn for_index_types(engine: &mut Engine) {
    fn get(a: &mut QuantityArray, ix: Dynamic) -> RResult<QuantityArray> {
        let pos = index(&ix, a.len(), "an array")?;
        Ok(part(a, pos.positions()))
    }
    fn set(a: &mut QuantityArray, ix: Dynamic, v: Dynamic) -> RResult<()> {
        let pos = index(&ix, a.len(), "an array")?;
        store(a, pos.positions(), &v)
    }
    engine
        .register_indexer_get(|a: &mut QuantityArray, ix: QuantityArray| get(a, Dynamic::from(ix)));
    engine.register_indexer_get(|a: &mut QuantityArray, ix: Array| get(a, Dynamic::from(ix)));
    engine.register_indexer_set(|a: &mut QuantityArray, ix: QuantityArray, v: Dynamic| {
        set(a, Dynamic::from(ix), v)
    });
    engine.register_indexer_set(|a: &mut QuantityArray, ix: Array, v: Dynamic| {
        set(a, Dynamic::from(ix), v)
    });
    engine.register_indexer_get(|a: &mut QuantityArray, r: std::ops::RangeInclusive<INT>| {
        get(a, Dynamic::from(r))
    });
}

fn register_shapes(engine: &mut Engine) {
    engine.register_get("shape", |a: &mut QuantityArray| -> Array {
        vec![Dynamic::from_int(a.len() as INT)]
    });
    engine.register_get("size", |a: &mut QuantityArray| a.len() as INT);
    engine.register_get("ndim", |_: &mut QuantityArray| 1 as INT);
    engine.register_get("T", |a: &mut QuantityArray| a.clone());
    engine.register_get("shape", |m: &mut Matrix| -> Array {
        vec![
            Dynamic::from_int(m.nrows as INT),
            Dynamic::from_int(m.ncols as INT),
        ]
    });
    engine.register_get("size", |m: &mut Matrix| (m.nrows * m.ncols) as INT);
    engine.register_get("ndim", |_: &mut Matrix| 2 as INT);
    for name in ["flatten", "ravel"] {
        engine.register_fn(name, |m: Matrix| m.flat());
        engine.register_fn(name, |a: QuantityArray| a);
    }
    let reshape = |d: Dynamic, dims: Vec<usize>| -> RResult<Dynamic> {
        let a = arr(&d, "the array to reshape")?;
        let n = a.len();
        let known: usize = dims.iter().filter(|&&x| x != usize::MAX).product();
        let dims: Vec<usize> = dims
            .iter()
            .map(|&x| {
                if x == usize::MAX && known > 0 {
                    n / known
                } else {
                    x
                }
            })
            .collect();
        if dims.iter().product::<usize>() != n {
            return err(format!(
                "cannot reshape an array of {n} values into the shape {dims:?}"
            ));
        }
        Ok(match dims[..] {
            [_] => Dynamic::from(a),
            [r, c] => Dynamic::from(Matrix::from_data(a.values, r, c, a.dim).with_kind(a.kind)),
            _ => return err(format!("arrays have one or two dimensions, got {dims:?}")),
        })
    };
    let dim_arg = |x: INT| -> RResult<usize> {
        match x {
            -1 => Ok(usize::MAX),
            x if x >= 0 => Ok(x as usize),
            x => err(format!(
                "a reshape dimension must be -1 or non-negative, got {x}"
            )),
        }
    };
    engine.register_fn("reshape", move |d: Dynamic, r: INT, c: INT| {
        reshape(d, vec![dim_arg(r)?, dim_arg(c)?])
    });
    engine.register_fn(
        "reshape",
        move |d: Dynamic, shape: Array| -> RResult<Dynamic> {
            let dims = shape
                .iter()
                .map(|x| dim_arg(to_int(x, "a reshape dimension")?))
                .collect::<RResult<_>>()?;
            reshape(d, dims)
        },
    );
    engine.register_fn("reshape", move |d: Dynamic, n: INT| {
        reshape(d, vec![dim_arg(n)?])
    });
}

fn register_functions(engine: &mut Engine, _shared: &Shared) {
    // A list literal times a unit, `[21, 25, 30]*mV`, is an array with units.
    engine.register_fn("*", |a: Array, q: Quantity| -> RResult<QuantityArray> {
        let a = to_qarray(&Dynamic::from(a), "the list")?;
        Ok(QuantityArray::new(
            a.values.iter().map(|v| v * q.value).collect(),
            a.dim * q.dim,
        ))
    });
    engine.register_fn("*", |q: Quantity, a: Array| -> RResult<QuantityArray> {
        let a = to_qarray(&Dynamic::from(a), "the list")?;
        Ok(QuantityArray::new(
            a.values.iter().map(|v| v * q.value).collect(),
            a.dim * q.dim,
        ))
    });
    engine.register_fn("asarray", |d: Dynamic| arr(&d, "asarray's argument"));
    engine.register_fn("array", |a: QuantityArray| a);
    // np.array(x, dtype=int): NumPy's conversion, which leaves a Brian 2 quantity's
    // units behind (the values in SI units), truncating toward zero for int.
    engine.register_fn("array", |d: Dynamic, o: Map| -> RResult<QuantityArray> {
        super::network::check_keys(&o, &["dtype"], "array")?;
        let a = arr(&d, "the values")?;
        let dtype = match o.get("dtype") {
            Some(t) => to_string(t, "dtype")?,
            None => return Ok(a),
        };
        let plain = |v: Vec<f64>| QuantityArray::dimensionless(v);
        Ok(match dtype.as_str() {
            "int" | "int32" | "int64" => {
                plain(a.values.iter().map(|v| v.trunc()).collect()).with_kind(ElementKind::Int)
            }
            "float" | "float64" | "float32" => plain(a.values.to_vec()),
            "bool" => plain(
                a.values
                    .iter()
                    .map(|v| f64::from(u8::from(*v != 0.0)))
                    .collect(),
            )
            .with_kind(ElementKind::Bool),
            t => {
                return err(format!(
                "array(..., #{{ dtype }}): unknown dtype '{t}'; use \"int\", \"float\" or \"bool\""
            ))
            }
        })
    });
    engine.register_fn("array", |m: Matrix| m);
    // int(array): truncated toward zero, as NumPy's astype(int).
    // Brian 2 exports NumPy's `int_` too (`int_(t/dt)` in its examples): the same.
    for name in ["int", "int_"] {
        engine.register_fn(name, |a: QuantityArray| -> RResult<QuantityArray> {
            if !a.dim.is_dimensionless() {
                return err(format!(
                    "int() needs dimensionless values, got an array in {}",
                    a.dim
                ));
            }
            Ok(QuantityArray::integers(
                a.values.iter().map(|v| v.trunc()).collect(),
            ))
        });
    }
    engine.register_fn("float", |a: QuantityArray| a.with_kind(ElementKind::Float));

    engine.register_fn("cumsum", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "cumsum's argument")?;
        let mut acc = 0.0;
        let values = a
            .values
            .iter()
            .map(|v| {
                acc += v;
                acc
            })
            .collect();
        let kind = if a.kind == ElementKind::Float {
            ElementKind::Float
        } else {
            ElementKind::Int
        };
        Ok(QuantityArray::new(values, a.dim).with_kind(kind))
    });
    engine.register_fn("sort", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "sort's argument")?;
        let mut v = a.values.to_vec();
        v.sort_by(f64::total_cmp);
        Ok(QuantityArray::new(v, a.dim).with_kind(a.kind))
    });
    engine.register_fn("argsort", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "argsort's argument")?;
        let mut ix: Vec<usize> = (0..a.len()).collect();
        ix.sort_by(|&x, &y| a.values[x].total_cmp(&a.values[y])); // stable
        Ok(QuantityArray::integers(
            ix.into_iter().map(|k| k as f64).collect(),
        ))
    });
    for (name, max) in [("argmax", true), ("argmin", false)] {
        engine.register_fn(name, move |d: Dynamic| -> RResult<INT> {
            let a = arr(&d, &format!("{name}'s argument"))?;
            if a.is_empty() {
                return err(format!("{name}() of an empty array"));
            }
            let mut best = 0;
            for k in 1..a.len() {
                let (v, b) = (a.values[k], a.values[best]);
                // NumPy: the first extreme; a NaN is the extreme
                if b.is_nan() {
                    break;
                }
                if v.is_nan() || (max && v > b) || (!max && v < b) {
                    best = k;
                }
            }
            Ok(best as INT)
        });
    }
    engine.register_fn("diff", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "diff's argument")?;
        let v = a.values.windows(2).map(|w| w[1] - w[0]).collect();
        Ok(QuantityArray::new(v, a.dim).with_kind(a.kind))
    });
    // where(cond): NumPy returns a tuple of index arrays (where(c)[0] are the indices);
    // where(cond, x, y) picks element by element.
    for name in ["where", "nonzero"] {
        engine.register_fn(name, |d: Dynamic| -> RResult<Array> {
            let a = arr(&d, "the condition")?;
            let ix = (0..a.len())
                .filter(|&k| a.values[k] != 0.0)
                .map(|k| k as f64)
                .collect();
            Ok(vec![Dynamic::from(QuantityArray::integers(ix))])
        });
    }
    engine.register_fn("flatnonzero", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "the array")?;
        Ok(QuantityArray::integers(
            (0..a.len())
                .filter(|&k| a.values[k] != 0.0)
                .map(|k| k as f64)
                .collect(),
        ))
    });
    engine.register_fn(
        "where",
        |c: Dynamic, x: Dynamic, y: Dynamic| -> RResult<QuantityArray> {
            let c = arr(&c, "the condition")?;
            let (x, y) = (
                arr(&x, "the values where true")?,
                arr(&y, "the values where false")?,
            );
            let ux = x.values.iter().all(|v| crate::units::is_unit_free(*v));
            let uy = y.values.iter().all(|v| crate::units::is_unit_free(*v));
            if x.dim != y.dim && !ux && !uy {
                return err(format!(
                    "where(c, x, y): x has units of {} and y of {}; they must agree",
                    x.dim, y.dim
                ));
            }
            let dim = if ux { y.dim } else { x.dim };
            let n = c.len();
            for (v, what) in [(&x, "x"), (&y, "y")] {
                if v.len() != 1 && v.len() != n {
                    return err(format!(
                        "where(c, x, y): {what} has {} values and the condition {n}",
                        v.len()
                    ));
                }
            }
            let values = (0..n)
                .map(|k| {
                    if c.values[k] != 0.0 {
                        bcast(&x, k)
                    } else {
                        bcast(&y, k)
                    }
                })
                .collect();
            let kind = if x.kind == y.kind {
                x.kind
            } else {
                ElementKind::Float
            };
            Ok(QuantityArray::new(values, dim).with_kind(kind))
        },
    );
    engine.register_fn("unique", |d: Dynamic| -> RResult<QuantityArray> {
        let a = arr(&d, "unique's argument")?;
        let mut v = a.values.to_vec();
        v.sort_by(f64::total_cmp);
        v.dedup_by(|x, y| x == y || (x.is_nan() && y.is_nan()));
        Ok(QuantityArray::new(v, a.dim).with_kind(a.kind))
    });
    engine.register_fn("tile", |d: Dynamic, n: INT| -> RResult<QuantityArray> {
        let a = arr(&d, "tile's argument")?;
        let n = size(n, "tile's count")?;
        let v = a.values.repeat(n);
        Ok(QuantityArray::new(v, a.dim).with_kind(a.kind))
    });
    engine.register_fn("repeat", |d: Dynamic, n: INT| -> RResult<QuantityArray> {
        let a = arr(&d, "repeat's argument")?;
        let n = size(n, "repeat's count")?;
        let v = a
            .values
            .iter()
            .flat_map(|&x| std::iter::repeat_n(x, n))
            .collect();
        Ok(QuantityArray::new(v, a.dim).with_kind(a.kind))
    });
    for name in ["concatenate", "hstack"] {
        engine.register_fn(name, move |list: Array| concat(&list, name));
    }
    engine.register_fn("vstack", |list: Array| -> RResult<Matrix> {
        let mut rows = Vec::new();
        let mut dim = None;
        for (k, x) in list.iter().enumerate() {
            if let Some(m) = x.clone().try_cast::<Matrix>() {
                rows.extend(m.rows());
                dim.get_or_insert(m.dim);
                continue;
            }
            let a = to_qarray(x, &format!("row {k} of vstack"))?;
            if let Some(d) = dim.filter(|d| *d != a.dim) {
                return err(format!(
                    "vstack: row {k} has units of {}, the first of {d}",
                    a.dim
                ));
            }
            dim.get_or_insert(a.dim);
            rows.push(a.values.to_vec());
        }
        Matrix::from_rows(&rows, dim.unwrap_or_default())
    });
    engine.register_fn("column_stack", |list: Array| -> RResult<Matrix> {
        let cols: Vec<QuantityArray> = list
            .iter()
            .enumerate()
            .map(|(k, x)| to_qarray(x, &format!("column {k} of column_stack")))
            .collect::<RResult<_>>()?;
        let n = cols.first().map_or(0, QuantityArray::len);
        if cols.iter().any(|c| c.len() != n) {
            return err("column_stack needs columns of equal length");
        }
        let rows: Vec<Vec<f64>> = (0..n)
            .map(|r| cols.iter().map(|c| c.values[r]).collect())
            .collect();
        Matrix::from_rows(
            &rows,
            cols.first().map_or(Dimension::DIMENSIONLESS, |c| c.dim),
        )
    });
    // histogram(a, bins | edges, #{ range }) -> [counts, edges], NumPy's tuple.
    let histogram = |d: Dynamic, bins: Dynamic, o: Map| -> RResult<Array> {
        super::network::check_keys(&o, &["bins", "range"], "histogram")?;
        let a = arr(&d, "histogram's values")?;
        let range = match o.get("range") {
            Some(r) => {
                let r = to_qarray(r, "histogram's range")?;
                if r.len() != 2 || !(r.values[0] <= r.values[1]) {
                    return err("histogram's range must be [low, high] with low <= high");
                }
                Some((r.values[0], r.values[1]))
            }
            None => None,
        };
        let bins = o.get("bins").cloned().unwrap_or(bins);
        let (counts, edges) = if let Ok(n) = bins.as_int() {
            if n < 1 {
                return err(format!("histogram needs at least one bin, got {n}"));
            }
            histogram_equal(&a.values, n as usize, range)
        } else {
            let e = to_qarray(&bins, "histogram's bin edges")?;
            if e.len() < 2 || e.values.windows(2).any(|w| !(w[0] <= w[1])) {
                return err("histogram's bin edges must be at least two, increasing");
            }
            if e.dim != a.dim {
                return err(format!(
                    "histogram's bin edges are in {} and the values in {}",
                    e.dim, a.dim
                ));
            }
            (histogram_edges(&a.values, &e.values), e.values.to_vec())
        };
        Ok(vec![
            Dynamic::from(QuantityArray::integers(counts)),
            Dynamic::from(QuantityArray::new(edges, a.dim)),
        ])
    };
    engine.register_fn("histogram", move |d: Dynamic| {
        histogram(d, Dynamic::from_int(10), Map::new())
    });
    engine.register_fn("histogram", move |d: Dynamic, b: Dynamic| {
        match b.clone().try_cast::<Map>() {
            Some(o) => histogram(d, Dynamic::from_int(10), o),
            None => histogram(d, b, Map::new()),
        }
    });
    engine.register_fn("histogram", histogram);
    let bincount = |d: Dynamic, min_len: usize| -> RResult<QuantityArray> {
        let a = arr(&d, "bincount's argument")?;
        let mut counts = vec![0.0; min_len];
        for &v in a.values.iter() {
            if v < 0.0 || v.fract() != 0.0 {
                return err(format!("bincount needs non-negative integers, found {v}"));
            }
            let k = v as usize;
            if k >= counts.len() {
                counts.resize(k + 1, 0.0);
            }
            counts[k] += 1.0;
        }
        Ok(QuantityArray::integers(counts))
    };
    engine.register_fn("bincount", move |d: Dynamic| bincount(d, 0));
    engine.register_fn(
        "bincount",
        move |d: Dynamic, o: Map| -> RResult<QuantityArray> {
            super::network::check_keys(&o, &["minlength"], "bincount")?;
            let n = o
                .get("minlength")
                .map_or(Ok(0), |m| to_int(m, "minlength"))?;
            bincount(d, size(n, "minlength")?)
        },
    );
    let round = |d: Dynamic, decimals: INT| -> RResult<Dynamic> {
        let decimals = decimals.clamp(-300, 300) as i32;
        if let Ok(x) = d.as_float() {
            return Ok(Dynamic::from_float(round_half_even(x, decimals)));
        }
        if let Ok(i) = d.as_int() {
            return Ok(Dynamic::from_int(i));
        }
        if let Some(q) = d.clone().try_cast::<Quantity>() {
            return Ok(Dynamic::from(Quantity::new(
                round_half_even(q.value, decimals),
                q.dim,
            )));
        }
        let a = arr(&d, "round's argument")?;
        Ok(Dynamic::from(
            QuantityArray::new(
                a.values
                    .iter()
                    .map(|&v| round_half_even(v, decimals))
                    .collect(),
                a.dim,
            )
            .with_kind(a.kind),
        ))
    };
    engine.register_fn("round", move |d: Dynamic| round(d, 0));
    engine.register_fn("round", round);
    engine.register_fn("around", move |d: Dynamic| round(d, 0));
    engine.register_fn("arctan2", |y: Dynamic, x: Dynamic| -> RResult<Dynamic> {
        let (ya, xa) = (arr(&y, "arctan2's y")?, arr(&x, "arctan2's x")?);
        if ya.dim != xa.dim {
            return err(format!(
                "arctan2(y, x) needs y and x in the same units, got {} and {}",
                ya.dim, xa.dim
            ));
        }
        let scalar =
            !(y.is::<QuantityArray>() || y.is_array() || x.is::<QuantityArray>() || x.is_array());
        let n = ya.len().max(xa.len());
        if ya.len() != xa.len() && ya.len() != 1 && xa.len() != 1 {
            return err(format!(
                "arctan2: arrays of lengths {} and {}",
                ya.len(),
                xa.len()
            ));
        }
        let v: Vec<f64> = (0..n).map(|k| bcast(&ya, k).atan2(bcast(&xa, k))).collect();
        Ok(if scalar {
            Dynamic::from_float(v[0])
        } else {
            Dynamic::from(QuantityArray::dimensionless(v))
        })
    });
    for op in ["&", "|"] {
        engine.register_fn(op, move |a: QuantityArray, b: QuantityArray| {
            bool_of(&a, &b, op)
        });
        engine.register_fn(op, move |a: QuantityArray, b: bool| {
            bool_of(
                &a,
                &QuantityArray::booleans(vec![f64::from(u8::from(b))]),
                op,
            )
        });
        engine.register_fn(op, move |a: bool, b: QuantityArray| {
            bool_of(
                &QuantityArray::booleans(vec![f64::from(u8::from(a))]),
                &b,
                op,
            )
        });
    }
    for (name, op) in [("logical_and", "&"), ("logical_or", "|")] {
        engine.register_fn(
            name,
            move |a: Dynamic, b: Dynamic| -> RResult<QuantityArray> {
                let (a, b) = (arr(&a, name)?, arr(&b, name)?);
                let as_bool = |x: QuantityArray| {
                    QuantityArray::booleans(
                        x.values
                            .iter()
                            .map(|v| f64::from(u8::from(*v != 0.0)))
                            .collect(),
                    )
                };
                bool_of(&as_bool(a), &as_bool(b), op)
            },
        );
    }
    let not = |a: QuantityArray| -> QuantityArray {
        QuantityArray::booleans(
            a.values
                .iter()
                .map(|v| f64::from(u8::from(*v == 0.0)))
                .collect(),
        )
    };
    engine.register_fn("!", not);
    engine.register_fn("logical_not", not);
    engine.register_fn("any", |d: Dynamic| -> RResult<bool> {
        Ok(arr(&d, "any's argument")?.values.iter().any(|v| *v != 0.0))
    });
    engine.register_fn("all", |d: Dynamic| -> RResult<bool> {
        Ok(arr(&d, "all's argument")?.values.iter().all(|v| *v != 0.0))
    });
    engine.register_fn("count_nonzero", |d: Dynamic| -> RResult<INT> {
        Ok(arr(&d, "count_nonzero's argument")?
            .values
            .iter()
            .filter(|v| **v != 0.0)
            .count() as INT)
    });
    // Reductions: integer results for integer arrays, and along an axis of a matrix.
    for name in ["sum", "min", "max", "amin", "amax", "mean", "std", "median"] {
        let base = match name {
            "amin" => "min",
            "amax" => "max",
            n => n,
        };
        engine.register_fn(name, move |a: QuantityArray| reduce_all(&a, base));
        engine.register_fn(name, move |a: Array| {
            reduce_all(&to_qarray(&Dynamic::from(a), "the array")?, base)
        });
        engine.register_fn(name, move |m: Matrix| reduce_all(&m.flat(), base));
        engine.register_fn(name, move |m: Matrix, axis: INT| {
            reduce_axis(&m, base, axis)
        });
        engine.register_fn(name, move |m: Matrix, o: Map| -> RResult<Dynamic> {
            super::network::check_keys(&o, &["axis"], name)?;
            match o.get("axis") {
                Some(ax) => Ok(Dynamic::from(reduce_axis(&m, base, to_int(ax, "axis")?)?)),
                None => super::units::reduce(&m.flat(), base),
            }
        });
        engine.register_fn(name, move |a: QuantityArray, o: Map| -> RResult<Dynamic> {
            super::network::check_keys(&o, &["axis"], name)?;
            if let Some(ax) = o.get("axis") {
                let ax = to_int(ax, "axis")?;
                if ax != 0 && ax != -1 {
                    return err(format!("axis {ax} is out of range for a 1-D array"));
                }
            }
            super::units::reduce(&a, base)
        });
    }
    // full(shape, value), zeros/ones of a shape
    engine.register_fn("full", |shape: Dynamic, v: Dynamic| -> RResult<Dynamic> {
        let q = to_quantity(&v, "full's value")?;
        let out = filled(&dims_of(&shape, "full's shape")?, q.dim, || q.value)?;
        Ok(
            match (out.clone().try_cast::<QuantityArray>(), v.is_int()) {
                (Some(a), true) => Dynamic::from(a.with_kind(ElementKind::Int)),
                _ => out,
            },
        )
    });
    for (name, x) in [("zeros", 0.0), ("ones", 1.0)] {
        engine.register_fn(name, move |shape: Array| {
            filled(
                &dims_of(&Dynamic::from(shape), "the shape")?,
                Dimension::DIMENSIONLESS,
                || x,
            )
        });
        engine.register_fn(name, move |r: INT, c: INT| {
            filled(
                &[size(r, "rows")?, size(c, "columns")?],
                Dimension::DIMENSIONLESS,
                || x,
            )
        });
    }
    for (name, x) in [("zeros_like", 0.0), ("ones_like", 1.0)] {
        engine.register_fn(name, move |d: Dynamic| -> RResult<Dynamic> {
            if let Some(m) = d.clone().try_cast::<Matrix>() {
                return filled(&[m.nrows, m.ncols], m.dim, || x);
            }
            let a = arr(&d, name)?;
            let dim = if x == 0.0 {
                a.dim
            } else {
                Dimension::DIMENSIONLESS
            };
            filled(&[a.len()], dim, || x)
        });
    }
    // Matrix arithmetic element by element (a matrix with a matrix of its shape, or with
    // a number/quantity).
    for op in ["+", "-"] {
        engine.register_fn(op, move |a: Matrix, b: Matrix| -> RResult<Matrix> {
            if (a.nrows, a.ncols) != (b.nrows, b.ncols) {
                return err(format!(
                    "cannot combine matrices of shapes {}x{} and {}x{} with '{op}'",
                    a.nrows, a.ncols, b.nrows, b.ncols
                ));
            }
            if a.dim != b.dim {
                return err(format!("cannot {op} matrices in {} and {}", a.dim, b.dim));
            }
            let f = if op == "+" {
                |x: f64, y: f64| x + y
            } else {
                |x: f64, y: f64| x - y
            };
            let data = a
                .data
                .iter()
                .zip(b.data.iter())
                .map(|(x, y)| f(*x, *y))
                .collect();
            Ok(Matrix::from_data(data, a.nrows, a.ncols, a.dim))
        });
    }
    engine.register_fn("-", |m: Matrix| {
        Matrix::from_data(m.data.iter().map(|x| -x).collect(), m.nrows, m.ncols, m.dim)
    });
}

/// Python's `assert` (a function here) and NumPy's `allclose`/`array_equal`.
fn register_checks(engine: &mut Engine) {
    engine.register_fn("assert", |ok: bool| -> RResult<()> {
        if ok {
            Ok(())
        } else {
            err("assertion failed")
        }
    });
    engine.register_fn("assert", |ok: bool, msg: Dynamic| -> RResult<()> {
        if ok {
            Ok(())
        } else {
            err(format!("assertion failed: {msg}"))
        }
    });
    let values = |d: &Dynamic, what: &str| -> RResult<QuantityArray> {
        match d.clone().try_cast::<Matrix>() {
            Some(m) => Ok(m.flat()),
            None => arr(d, what),
        }
    };
    let same_dims = |a: &QuantityArray, b: &QuantityArray, f: &str| -> RResult<()> {
        let free = |x: &QuantityArray| x.values.iter().all(|v| crate::units::is_unit_free(*v));
        if a.dim != b.dim && !free(a) && !free(b) {
            return err(format!("{f}: the arrays are in {} and {}", a.dim, b.dim));
        }
        Ok(())
    };
    engine.register_fn(
        "array_equal",
        move |a: Dynamic, b: Dynamic| -> RResult<bool> {
            let (a, b) = (values(&a, "array_equal")?, values(&b, "array_equal")?);
            same_dims(&a, &b, "array_equal")?;
            Ok(a.len() == b.len() && a.values.iter().zip(b.values.iter()).all(|(x, y)| x == y))
        },
    );
    // allclose(a, b): |a - b| <= atol + rtol |b| (NumPy's rtol 1e-5, atol 1e-8 in SI).
    engine.register_fn("allclose", move |a: Dynamic, b: Dynamic| -> RResult<bool> {
        let (a, b) = (values(&a, "allclose")?, values(&b, "allclose")?);
        same_dims(&a, &b, "allclose")?;
        if a.len() != b.len() && a.len() != 1 && b.len() != 1 {
            return err(format!(
                "allclose: arrays of lengths {} and {}",
                a.len(),
                b.len()
            ));
        }
        let n = a.len().max(b.len());
        Ok((0..n).all(|k| (bcast(&a, k) - bcast(&b, k)).abs() <= 1e-8 + 1e-5 * bcast(&b, k).abs()))
    });
}

fn register_random(engine: &mut Engine, shared: &Shared) {
    let s = shared.clone();
    engine.register_fn("rand", move |r: INT, c: INT| {
        let rng = &mut s.borrow_mut().net.rng;
        filled(
            &[size(r, "rows")?, size(c, "columns")?],
            Dimension::DIMENSIONLESS,
            || rng.random::<f64>(),
        )
    });
    let s = shared.clone();
    engine.register_fn("randn", move |r: INT, c: INT| {
        let rng = &mut s.borrow_mut().net.rng;
        filled(
            &[size(r, "rows")?, size(c, "columns")?],
            Dimension::DIMENSIONLESS,
            || rng.sample::<f64, _>(StandardNormal),
        )
    });
    // randint(low, high[, n]): integers in [low, high); randint(high): in [0, high).
    let randint = |s: &Shared, lo: INT, hi: INT, n: Option<INT>| -> RResult<Dynamic> {
        if hi <= lo {
            return err(format!(
                "randint({lo}, {hi}): the high end must exceed the low end"
            ));
        }
        let rng = &mut s.borrow_mut().net.rng;
        Ok(match n {
            None => Dynamic::from_int(rng.random_range(lo..hi)),
            Some(n) => Dynamic::from(QuantityArray::integers(
                (0..size(n, "randint's size")?)
                    .map(|_| rng.random_range(lo..hi) as f64)
                    .collect(),
            )),
        })
    };
    let s = shared.clone();
    engine.register_fn("randint", move |hi: INT| randint(&s, 0, hi, None));
    let s = shared.clone();
    engine.register_fn("randint", move |lo: INT, hi: INT| randint(&s, lo, hi, None));
    let s = shared.clone();
    engine.register_fn("randint", move |lo: INT, hi: INT, n: INT| {
        randint(&s, lo, hi, Some(n))
    });
    let uniform = |s: &Shared, lo: Dynamic, hi: Dynamic, n: Option<INT>| -> RResult<Dynamic> {
        let (lo, hi) = (
            to_quantity(&lo, "the low end")?,
            to_quantity(&hi, "the high end")?,
        );
        lo.check_same(&hi, "draw between")
            .map_err(|e| e.to_string())?;
        let dim = if lo.is_unit_free() { hi.dim } else { lo.dim };
        let rng = &mut s.borrow_mut().net.rng;
        let mut draw = || lo.value + (hi.value - lo.value) * rng.random::<f64>();
        Ok(match n {
            None => q_out(Quantity::new(draw(), dim)),
            Some(n) => Dynamic::from(QuantityArray::new(
                (0..size(n, "uniform's size")?).map(|_| draw()).collect(),
                dim,
            )),
        })
    };
    let s = shared.clone();
    engine.register_fn("uniform", move || {
        uniform(&s, Dynamic::from_float(0.0), Dynamic::from_float(1.0), None)
    });
    let s = shared.clone();
    engine.register_fn("uniform", move |lo: Dynamic, hi: Dynamic| {
        uniform(&s, lo, hi, None)
    });
    let s = shared.clone();
    engine.register_fn("uniform", move |lo: Dynamic, hi: Dynamic, n: INT| {
        uniform(&s, lo, hi, Some(n))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_halves_to_even_as_numpy() {
        let r: Vec<f64> = [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6]
            .iter()
            .map(|&x| round_half_even(x, 0))
            .collect();
        assert_eq!(r, [0.0, 2.0, 2.0, -0.0, -2.0, 2.0, 3.0]);
    }

    #[test]
    fn histogram_closes_the_last_bin() {
        let (c, e) = histogram_equal(&[1.0, 2.0, 2.0, 3.0], 2, None);
        assert_eq!(e, [1.0, 2.0, 3.0]);
        assert_eq!(c, [1.0, 3.0]);
        assert_eq!(
            histogram_edges(&[0.0, 5.0, 1.0], &[0.0, 1.0, 2.0]),
            [1.0, 1.0]
        );
    }
}
