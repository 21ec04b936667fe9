//! brian: the Brian spiking neural network simulator as a Rust library.
//!
//! The model flows one way: equations and code strings ([`expr`], [`equations`]) are
//! checked for units ([`units`]), turned into state updates ([`integrate`]) and compiled
//! into kernels ([`eval`]) that the time-step loop ([`network`]) runs over whole arrays.
//! Nothing here knows of Rhai; `script` is a thin client of this library.

// Errors carry positions and both dimensions by value, and Rhai's error type is large;
// boxing them all would buy nothing outside hot loops, where no errors are built.
#![allow(clippy::result_large_err)]
// Dimension arithmetic adds exponents when multiplying units, by design.
#![allow(clippy::suspicious_arithmetic_impl)]
// `!(x > 0.0)` is deliberate: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod cli;
pub mod equations;
pub mod eval;
pub mod expr;
pub mod integrate;
pub mod io;
pub mod network;
pub mod plot;
pub mod script;
pub mod sweep;
pub mod units;
