//! Physical units: dimensions, quantities, arrays with units, Brian's unit registry and
//! Brian-style display. Knows nothing of equations, networks or scripts.
//!
//! Rules (Brian 2's): adding, subtracting or comparing needs equal dimensions, except that
//! 0 and ±inf match any dimension; `exp`, `log` and friends need dimensionless arguments;
//! exponents are dimensionless numbers (fractional allowed).

mod constants;
mod dimension;
mod display;
mod quantity;
pub mod registry;
mod shared;

pub use constants::{constant_names, physical_constant};
pub use dimension::Dimension;
pub use display::{best_unit, dimension_name, display_unit, format_number};
pub use quantity::{
    is_unit_free, ArrayLabel, DividedBy, ElementKind, Quantity, QuantityArray, VariableSource,
};
pub use registry::lookup;
pub use shared::{SharedVec, WeakVec};

/// A unit error; messages name both dimensions in readable units.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    #[error("cannot {op} quantities in {left} and {right}: the units do not match")]
    Mismatch {
        op: String,
        left: Dimension,
        right: Dimension,
    },
    #[error("{what} must be dimensionless, but has units of {dim}")]
    NotDimensionless { what: String, dim: Dimension },
    #[error("{what} should be in {expected}, but has units of {got}")]
    WrongDimension {
        what: String,
        expected: Dimension,
        got: Dimension,
    },
}

#[cfg(test)]
mod tests;
