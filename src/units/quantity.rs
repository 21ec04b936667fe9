//! Quantities (a value with a dimension) and arrays of them.

use super::{Dimension, UnitError};

/// A scalar with a physical dimension; the value is in SI base units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub dim: Dimension,
}

impl Quantity {
    pub const fn new(value: f64, dim: Dimension) -> Quantity {
        Quantity { value, dim }
    }

    pub const fn dimensionless(value: f64) -> Quantity {
        Quantity {
            value,
            dim: Dimension::DIMENSIONLESS,
        }
    }

    pub fn is_dimensionless(&self) -> bool {
        self.dim.is_dimensionless()
    }

    /// Brian's rule: a plain (dimensionless) 0 or ±inf is compatible with any dimension, so
    /// `v > 0` works; `3*mV == 0*second` is still a mismatch.
    pub fn is_unit_free(&self) -> bool {
        self.is_dimensionless() && is_unit_free(self.value)
    }

    fn matches(&self, other: &Quantity) -> bool {
        self.dim == other.dim || self.is_unit_free() || other.is_unit_free()
    }

    fn combined_dim(&self, other: &Quantity) -> Dimension {
        if self.dim == other.dim || self.is_unit_free() {
            other.dim
        } else {
            self.dim
        }
    }

    pub fn add(&self, other: &Quantity) -> Result<Quantity, UnitError> {
        self.check_same(other, "add")?;
        Ok(Quantity::new(
            self.value + other.value,
            self.combined_dim(other),
        ))
    }

    pub fn sub(&self, other: &Quantity) -> Result<Quantity, UnitError> {
        self.check_same(other, "subtract")?;
        Ok(Quantity::new(
            self.value - other.value,
            self.combined_dim(other),
        ))
    }

    pub fn mul(&self, other: &Quantity) -> Quantity {
        Quantity::new(self.value * other.value, self.dim * other.dim)
    }

    pub fn div(&self, other: &Quantity) -> Quantity {
        Quantity::new(self.value / other.value, self.dim / other.dim)
    }

    /// Raises to a power; the exponent must be dimensionless.
    pub fn pow(&self, exponent: &Quantity) -> Result<Quantity, UnitError> {
        if !exponent.is_dimensionless() {
            return Err(UnitError::NotDimensionless {
                what: "an exponent".into(),
                dim: exponent.dim,
            });
        }
        Ok(self.powf(exponent.value))
    }

    pub fn powf(&self, p: f64) -> Quantity {
        Quantity::new(self.value.powf(p), self.dim.powf(p))
    }

    pub fn neg(&self) -> Quantity {
        Quantity::new(-self.value, self.dim)
    }

    /// Compares two quantities of the same dimension.
    pub fn compare(&self, other: &Quantity, op: &str) -> Result<std::cmp::Ordering, UnitError> {
        self.check_same(other, op)?;
        Ok(self
            .value
            .partial_cmp(&other.value)
            .unwrap_or(std::cmp::Ordering::Equal))
    }

    pub fn check_same(&self, other: &Quantity, op: &str) -> Result<(), UnitError> {
        if self.matches(other) {
            Ok(())
        } else {
            Err(UnitError::Mismatch {
                op: op.to_string(),
                left: self.dim,
                right: other.dim,
            })
        }
    }

    /// The value as a plain number, which requires a dimensionless quantity.
    pub fn to_f64(&self, what: &str) -> Result<f64, UnitError> {
        if self.is_dimensionless() {
            Ok(self.value)
        } else {
            Err(UnitError::NotDimensionless {
                what: what.to_string(),
                dim: self.dim,
            })
        }
    }

    /// The value in the given dimension, which must match (a plain 0 matches anything).
    pub fn in_dim(&self, dim: Dimension, what: &str) -> Result<f64, UnitError> {
        if self.dim == dim || self.is_unit_free() {
            Ok(self.value)
        } else {
            Err(UnitError::WrongDimension {
                what: what.to_string(),
                expected: dim,
                got: self.dim,
            })
        }
    }
}

/// 0 and ±inf carry no unit in Brian's rules.
pub fn is_unit_free(v: f64) -> bool {
    v == 0.0 || v.is_infinite()
}

/// A one-dimensional array of values sharing one dimension (values in SI base units).
///
/// An array may carry a [`ArrayLabel`]: what it holds (`"t"`, `"v"`, `"neuron index"`)
/// and, once divided by a unit (`M.t/ms`), that unit. Plots use it to label their axes and
/// saved files to record units; arithmetic other than division by a unit drops it.
/// Equality compares values and dimensions only.
#[derive(Clone, Debug)]
pub struct QuantityArray {
    /// Shared by copies of the array until one changes (O(1) copies and slices).
    pub values: super::SharedVec<f64>,
    pub dim: Dimension,
    pub label: Option<Box<ArrayLabel>>,
    /// NumPy's dtype, as far as scripts can tell: floats, integers (indices, counts) or
    /// booleans (comparisons, masks). The values are `f64` whatever the kind.
    pub kind: ElementKind,
}

/// The kind of number an array holds (NumPy's float, int and bool dtypes): it decides
/// how elements read back (`a[k]` is an integer of an integer array), how the array
/// prints, and that a boolean array indexes as a mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ElementKind {
    #[default]
    Float,
    Int,
    Bool,
}

/// What an array's numbers are: a name and the unit they were divided by.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArrayLabel {
    /// The quantity's name, e.g. `"t"`, `"v"`, `"neuron index"`.
    pub name: Option<String>,
    /// Set by dividing by a unit (`M.t/ms`): the values are plain numbers in this unit.
    pub unit: Option<DividedBy>,
    /// Set on a StateMonitor's trace `M[k]` (monitor number, recorded position): Brian 2's
    /// `M[k].v` reads another recorded variable of the same neuron. Dropped by any
    /// arithmetic and by slicing.
    pub trace: Option<(usize, usize)>,
    /// The variable the values were read from (Brian 2's VariableView): `G.v["cond"] = x`
    /// writes there through the array. Dropped by any arithmetic and by slicing.
    pub source: Option<VariableSource>,
}

/// A group's or synapses' variable, by position in the network's lists.
#[derive(Clone, Debug, PartialEq)]
pub enum VariableSource {
    /// Neurons `start..start + len` of group `group`.
    Group {
        group: usize,
        start: usize,
        len: usize,
        name: String,
    },
    Synapses {
        index: usize,
        name: String,
    },
}

/// A unit an array was divided by: its text (`"ms"`), dimension and size in SI units.
#[derive(Clone, Debug, PartialEq)]
pub struct DividedBy {
    pub text: String,
    pub dim: Dimension,
    pub factor: f64,
}

impl PartialEq for QuantityArray {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values && self.dim == other.dim
    }
}

impl QuantityArray {
    pub fn new(values: Vec<f64>, dim: Dimension) -> QuantityArray {
        QuantityArray::shared(values.into(), dim)
    }

    /// An array of values shared with others (a monitor's recording, a matrix row): no
    /// copy until one of them changes.
    pub fn shared(values: super::SharedVec<f64>, dim: Dimension) -> QuantityArray {
        QuantityArray {
            values,
            dim,
            label: None,
            kind: ElementKind::Float,
        }
    }

    /// The same array holding `kind` numbers (integer values are not checked).
    pub fn with_kind(mut self, kind: ElementKind) -> QuantityArray {
        self.kind = kind;
        self
    }

    /// An integer array (indices, counts).
    pub fn integers(values: Vec<f64>) -> QuantityArray {
        QuantityArray::dimensionless(values).with_kind(ElementKind::Int)
    }

    /// A boolean array (a mask): values 0 and 1.
    pub fn booleans(values: Vec<f64>) -> QuantityArray {
        QuantityArray::dimensionless(values).with_kind(ElementKind::Bool)
    }

    pub fn dimensionless(values: Vec<f64>) -> QuantityArray {
        QuantityArray::new(values, Dimension::DIMENSIONLESS)
    }

    /// The same array with a name (`M.t` is named `"t"`), for axis labels and files.
    pub fn named(mut self, name: impl Into<String>) -> QuantityArray {
        self.label.get_or_insert_with(Default::default).name = Some(name.into());
        self
    }

    /// The array's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.label.as_ref().and_then(|l| l.name.as_deref())
    }

    /// The unit the values were divided by, if any.
    pub fn divided_by(&self) -> Option<&DividedBy> {
        self.label.as_ref().and_then(|l| l.unit.as_ref())
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn get(&self, k: usize) -> Option<Quantity> {
        self.values.get(k).map(|&v| Quantity::new(v, self.dim))
    }
}
