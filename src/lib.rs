//! brian: the Brian spiking neural network simulator as a Rust library.
//!
//! The model flows one way: equations and code strings ([`expr`], [`equations`]) are
//! checked for units ([`units`]), turned into state updates ([`integrate`]) and compiled
//! into kernels ([`eval`]) that the time-step loop ([`network`]) runs over whole arrays.
//! Nothing here knows of Rhai; `script` is a thin client of this library.

pub mod cli;
pub mod equations;
pub mod eval;
pub mod expr;
pub mod integrate;
pub mod network;
pub mod plot;
pub mod script;
pub mod units;
