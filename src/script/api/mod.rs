//! One file per area of the script surface, each with a `register` function.

pub mod arrays;
pub mod device;
pub mod explicit_network;
pub mod io;
pub mod monitors;
pub mod network;
pub mod network_operation;
pub mod plot;
pub mod profiling;
pub mod run_control;
pub mod run_report;
pub mod schedule;
pub mod sweep;
pub mod synapses;
pub mod units;
