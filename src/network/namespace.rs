//! How names in a group's code resolve: the group's own variables, then the external
//! names, found by the one resolver [`Values::resolve`]: explicit `namespace:` entries,
//! the script's values, units, constants (`pi`, `e`, `inf`). Brian 2's order.

use crate::equations::{is_noise_name, Equations};
use crate::eval::Binding;
use crate::expr::{NameInfo, Namespace};
use crate::units::{lookup, registry, Dimension, Quantity};
use std::collections::HashMap;

/// External values visible to models at `run()` (Brian's namespace): quantities by name,
/// and TimedArrays callable as functions. Reads and writes like a map of quantities.
#[derive(Clone, Debug, Default)]
pub struct Values {
    quantities: HashMap<String, Quantity>,
    pub timed_arrays: HashMap<String, TimedArray>,
}

/// Brian's TimedArray: values over time with a unit, used in equations as `name(t)` (or
/// `name(t, i)` for one column per neuron).
#[derive(Clone, Debug)]
pub struct TimedArray {
    pub table: std::sync::Arc<crate::eval::Table>,
    pub dim: Dimension,
}

impl TimedArray {
    /// A TimedArray of `values` with unit `dim`, one row per step of `dt` seconds: one
    /// value per row when `columns` is 0 (called as `ta(t)`), else `columns` values per
    /// row, row by row (one per neuron, `ta(t, i)`).
    pub fn new(
        values: Vec<f64>,
        columns: usize,
        dim: Dimension,
        dt: f64,
    ) -> Result<TimedArray, super::NetworkError> {
        let fail = |m: &str| Err(super::NetworkError::Other(m.to_string()));
        if !(dt > 0.0) {
            return fail("the dt of a TimedArray must be positive");
        }
        if values.is_empty() {
            return fail("a TimedArray needs at least one value");
        }
        if columns > 0 && !values.len().is_multiple_of(columns) {
            return fail("the rows of a 2-D TimedArray must have the same length and unit");
        }
        let table = crate::eval::Table {
            values,
            columns,
            dt,
            k: 8.0, // a reader on the table's own dt; kernels set theirs (Table::rounding_for)
        };
        Ok(TimedArray {
            table: std::sync::Arc::new(table),
            dim,
        })
    }

    /// One value per time step (Brian 2's 1-D TimedArray).
    pub fn from_values(
        values: &crate::units::QuantityArray,
        dt: f64,
    ) -> Result<TimedArray, super::NetworkError> {
        TimedArray::new(values.values.to_vec(), 0, values.dim, dt)
    }

    /// One row per time step, one column per neuron (Brian 2's 2-D TimedArray); the rows
    /// must have one length and one unit.
    pub fn from_rows(
        rows: &[crate::units::QuantityArray],
        dt: f64,
    ) -> Result<TimedArray, super::NetworkError> {
        if !(dt > 0.0) {
            return TimedArray::new(Vec::new(), 0, Dimension::DIMENSIONLESS, dt);
        }
        let Some(first) = rows.first() else {
            return TimedArray::new(Vec::new(), 0, Dimension::DIMENSIONLESS, dt);
        };
        let columns = first.len();
        if rows
            .iter()
            .any(|r| r.len() != columns || r.dim != first.dim)
        {
            return Err(super::NetworkError::Other(
                "the rows of a 2-D TimedArray must have the same length and unit".into(),
            ));
        }
        let values = rows.iter().flat_map(|r| r.values.iter().copied()).collect();
        TimedArray::new(values, columns, first.dim, dt)
    }
}

impl std::fmt::Display for TimedArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows = self.table.values.len() / self.table.columns.max(1);
        write!(
            f,
            "<TimedArray of {rows} values every {} in {}>",
            Quantity::new(self.table.dt, Dimension::TIME),
            self.dim
        )
    }
}

impl Values {
    pub fn new() -> Values {
        Values::default()
    }

    /// These values with `own` (an object's explicit namespace) taking precedence, as
    /// Brian 2 looks a name up in a group's own namespace before the run's.
    pub fn overlaid(&self, own: Option<&Values>) -> std::borrow::Cow<'_, Values> {
        match own {
            None => std::borrow::Cow::Borrowed(self),
            Some(own) => {
                let mut v = self.clone();
                v.extend(own.iter().map(|(k, q)| (k.clone(), *q)));
                v.timed_arrays.extend(own.timed_arrays.clone());
                std::borrow::Cow::Owned(v)
            }
        }
    }
    /// The one lookup of an external name used by every piece of model code (equations,
    /// thresholds, resets, code strings, conditions, weights, rates): the values given
    /// (explicit `namespace:` entries over the script's values, merged by the caller),
    /// then units, then Brian's constants `pi`, `e`, `inf`.
    pub fn resolve(&self, name: &str) -> Option<Quantity> {
        self.quantities
            .get(name)
            .copied()
            .or_else(|| lookup(name))
            .or_else(|| constant(name))
    }
    /// Names worth suggesting for a misspelt external name: the values, a few units and
    /// the constants.
    pub fn suggestions(&self) -> Vec<String> {
        let mut out: Vec<String> = self.quantities.keys().cloned().collect();
        out.extend(
            [
                "mV", "ms", "nS", "Hz", "second", "volt", "siemens", "amp", "farad", "pi",
            ]
            .map(String::from),
        );
        out
    }
    /// The tables of the TimedArrays, for kernel bindings.
    pub fn tables(&self) -> HashMap<String, std::sync::Arc<crate::eval::Table>> {
        self.timed_arrays
            .iter()
            .map(|(k, v)| (k.clone(), v.table.clone()))
            .collect()
    }
    /// The signature of a TimedArray called `name`, for unit checks.
    pub fn function(&self, name: &str) -> Option<(Vec<Dimension>, Dimension)> {
        let ta = self.timed_arrays.get(name)?;
        let args = if ta.table.columns == 0 {
            vec![Dimension::TIME]
        } else {
            vec![Dimension::TIME, Dimension::DIMENSIONLESS]
        };
        Some((args, ta.dim))
    }
}

impl std::ops::Deref for Values {
    type Target = HashMap<String, Quantity>;
    fn deref(&self) -> &Self::Target {
        &self.quantities
    }
}

impl std::ops::DerefMut for Values {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.quantities
    }
}

/// Names every group has besides its equations.
pub const SPECIAL_NAMES: &[&str] = &["t", "dt", "i", "N", "lastspike", "not_refractory"];

/// The namespace of one group: its equations, its storage layout, externals.
pub struct GroupNamespace<'a> {
    pub eqs: &'a Equations,
    /// Names stored as arrays, in storage order (state variables, then specials).
    pub arrays: &'a [String],
    pub n: usize,
    pub dt: f64,
    pub externals: &'a Values,
}

impl GroupNamespace<'_> {
    fn external(&self, name: &str) -> Option<Quantity> {
        self.externals.resolve(name)
    }
}

impl Namespace for GroupNamespace<'_> {
    fn resolve(&self, name: &str) -> Option<NameInfo> {
        if let Some(eq) = self.eqs.get(name) {
            return Some(NameInfo::Variable(eq.dim));
        }
        match name {
            "t" | "lastspike" => return Some(NameInfo::Variable(Dimension::TIME)),
            "dt" => return Some(NameInfo::Constant(Quantity::new(self.dt, Dimension::TIME))),
            "i" | "not_refractory" => return Some(NameInfo::Variable(Dimension::DIMENSIONLESS)),
            "N" => return Some(NameInfo::Constant(Quantity::dimensionless(self.n as f64))),
            n if is_noise_name(n) => return Some(NameInfo::Variable(Dimension::TIME.powf(-0.5))),
            _ => {}
        }
        self.external(name).map(NameInfo::Constant)
    }

    fn function(&self, name: &str) -> Option<(Vec<Dimension>, Dimension)> {
        self.externals.function(name)
    }

    fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.eqs.equations.iter().map(|e| e.name.clone()).collect();
        out.extend(SPECIAL_NAMES.iter().map(|s| s.to_string()));
        out.extend(self.externals.suggestions());
        out
    }
}

impl GroupNamespace<'_> {
    /// The kernel binding of a name (subexpressions and temporaries stay unbound).
    pub fn bind(&self, name: &str) -> Option<Binding> {
        if let Some(k) = self.arrays.iter().position(|a| a == name) {
            return Some(Binding::Array(k));
        }
        if self.eqs.get(name).is_some() {
            return None;
        }
        match name {
            "t" => Some(Binding::Scalar(0)),
            "dt" => Some(Binding::Constant(self.dt)),
            "i" => Some(Binding::Index),
            "N" => Some(Binding::Constant(self.n as f64)),
            _ => self.external(name).map(|q| Binding::Constant(q.value)),
        }
    }
}

/// Checks a statement of reset or synaptic code against how its target was declared: a
/// `(constant)` parameter cannot be changed by code that runs during a simulation, and an
/// `integer` variable keeps whole values (the assigned value is truncated, as in Brian 2's
/// generated code).
pub fn writable(
    eq: Option<&crate::equations::Equation>,
    s: &crate::expr::Statement,
) -> Result<crate::expr::Statement, crate::expr::ExprError> {
    let Some(eq) = eq else { return Ok(s.clone()) };
    if eq.has_flag("constant") {
        return Err(crate::expr::ExprError::other(
            format!("'{}' is a (constant) parameter: it can be set before a run, not changed by code during it", s.target),
            s.span,
        ));
    }
    Ok(keep_whole(Some(eq), s.clone()))
}

/// An assignment to an `integer` variable truncates the value (Brian 2's generated code
/// and NumPy's cast); other statements stay as they are.
pub fn keep_whole(
    eq: Option<&crate::equations::Equation>,
    s: crate::expr::Statement,
) -> crate::expr::Statement {
    if !eq.is_some_and(|e| e.var_type == crate::equations::VarType::Integer) {
        return s;
    }
    let value = crate::expr::Expr::call("int", vec![s.as_assignment()]);
    crate::expr::Statement {
        target: s.target,
        op: crate::expr::AssignOp::Set,
        span: s.span,
        value,
    }
}

/// Brian's default constants in equations: `pi`, `e`, `inf` (any other name wins).
pub fn constant(name: &str) -> Option<Quantity> {
    let v = match name {
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        "inf" => f64::INFINITY,
        _ => return None,
    };
    Some(Quantity::dimensionless(v))
}

/// Every unit name, for completion.
pub fn unit_names() -> impl Iterator<Item = &'static str> {
    registry::all_names()
}
