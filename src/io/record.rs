//! Recorded data as fields to save: a SpikeMonitor's `i`, `t`, `count`; a StateMonitor's
//! `t`, `record` (which neurons) and one 2-D array per variable (a row per recorded neuron,
//! as Brian 2's `M.v`). As a table (`.csv`, `.npy`) a SpikeMonitor is one row per spike
//! (`i`, `t`) and a StateMonitor one row per time (`t`, `v[3]`, `v[10]`, ...). A
//! PopulationRateMonitor is `t` and `rate` either way.

use super::{Field, Saved};
use crate::network::{Network, PopulationRateMonitor, SpikeMonitor, StateMonitor};
use crate::units::Dimension;

/// How a monitor is laid out in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Columns of equal length (`.csv`, `.npy`).
    Table,
    /// Every field as its own array (`.npz`).
    Fields,
}

fn times(name: &str, t: &[f64]) -> Field {
    Field::from_si(name, vec![t.len()], t, Dimension::TIME)
}

pub fn spike_monitor(m: &SpikeMonitor, layout: Layout) -> Saved {
    let i = Field::ints("i", m.i.iter().map(|&k| i64::from(k)).collect());
    let t = times("t", &m.t);
    match layout {
        Layout::Table => Saved::Table(vec![i, t]),
        Layout::Fields => {
            let count = Field::ints("count", m.count.iter().map(|&c| c as i64).collect());
            Saved::Arrays(vec![i, t, count])
        }
    }
}

/// A PopulationRateMonitor: `t` and `rate` (always in Hz), a row per time step in either
/// layout.
pub fn rate_monitor(m: &PopulationRateMonitor, layout: Layout) -> Saved {
    let fields = vec![
        times("t", &m.t),
        // In Hz whatever the peaks: instantaneous rates of small groups reach kHz.
        Field {
            name: "rate".into(),
            shape: vec![m.rate.len()],
            data: super::Data::F64(m.rate.to_vec()),
            unit: super::Unit {
                text: "Hz".into(),
                dim: Dimension::TIME.inverse(),
                scale: 1.0,
            },
        },
    ];
    match layout {
        Layout::Table => Saved::Table(fields),
        Layout::Fields => Saved::Arrays(fields),
    }
}

/// The dimensions of a StateMonitor's variables (plain numbers where unknown).
pub fn state_dims(net: &Network, m: &StateMonitor) -> Vec<Dimension> {
    m.vars
        .iter()
        .map(|v| {
            match m.synapses {
                Some(k) => net.synapses.get(k).and_then(|s| s.var_dim(v)),
                None => net.neurons(m.source).and_then(|g| g.var_dim(v)),
            }
            .unwrap_or_default()
        })
        .collect()
}

/// `dims[k]` is the dimension of `m.vars[k]` (see [`state_dims`]).
pub fn state_monitor(m: &StateMonitor, dims: &[Dimension], layout: Layout) -> Saved {
    let n_t = m.len();
    let mut fields = vec![times("t", m.t())];
    match layout {
        Layout::Table => {
            for (v, name) in m.vars.iter().enumerate() {
                let dim = dims.get(v).copied().unwrap_or_default();
                // One unit for all traces of a variable, so the columns compare directly.
                let unit = super::Unit::readable(dim, m.recording(v));
                for (k, &n) in m.record.iter().enumerate() {
                    let trace = m.trace(v, k);
                    fields.push(Field {
                        name: format!("{name}[{n}]"),
                        shape: vec![trace.len()],
                        data: super::Data::F64(trace.iter().map(|x| unit.from_si(*x)).collect()),
                        unit: unit.clone(),
                    });
                }
            }
            Saved::Table(fields)
        }
        Layout::Fields => {
            fields.push(Field::ints(
                "record",
                m.record.iter().map(|&k| k as i64).collect(),
            ));
            for (v, name) in m.vars.iter().enumerate() {
                let dim = dims.get(v).copied().unwrap_or_default();
                let flat = m.element_major(v);
                fields.push(Field::from_si(name, vec![m.record.len(), n_t], &flat, dim));
            }
            Saved::Arrays(fields)
        }
    }
}
