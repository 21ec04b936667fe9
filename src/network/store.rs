//! Brian 2's `store()` / `restore()`: a snapshot of everything that changes during a run
//! (clock, state variables, connectivity, spike queues, recorded data), kept by name.
//! The random generator's state is restored only when asked, as in Brian 2.

use super::synapses::SynapsesState;
use super::{Clock, Group, Network, NetworkError, SpikeQueue};
use rand::rngs::SmallRng;

#[path = "store_file.rs"]
mod store_file;

/// A StateMonitor's times and traces.
type Traces = (Vec<f64>, Vec<Vec<Vec<f64>>>);
/// A SpikeMonitor's (or EventMonitor's) indices, times, counts and recorded values.
type Events = (Vec<u32>, Vec<f64>, Vec<u64>, Vec<Vec<f64>>);

#[derive(Clone)]
pub(super) struct Snapshot {
    clocks: Vec<Clock>,
    t: f64,
    rng: SmallRng,
    groups: Vec<Vec<Vec<f64>>>,
    connections: Vec<(sprs::CsMatI<f64, u32>, super::ConnectionDelay, SpikeQueue)>,
    synapses: Vec<SynapsesState>,
    spike_monitors: Vec<Events>,
    state_monitors: Vec<Traces>,
    rate_monitors: Vec<(Vec<f64>, Vec<f64>)>,
}

impl Network {
    /// Keeps the current state under `name`.
    pub fn store(&mut self, name: &str) {
        let snapshot = self.snapshot();
        self.stored.insert(name.to_string(), snapshot);
    }

    /// The current state.
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            clocks: self.clocks.clone(),
            t: self.t(),
            rng: self.rng.clone(),
            groups: self
                .groups
                .iter()
                .map(|g| match g {
                    Group::Neurons(ng) => ng.arrays.clone(),
                    Group::Poisson(p) => vec![p.rates.clone()],
                    Group::Generator(_) => Vec::new(),
                })
                .collect(),
            connections: self
                .connections
                .iter()
                .map(|c| (c.weights.clone(), c.delay.clone(), c.queue.clone()))
                .collect(),
            synapses: self.synapses.iter().map(|s| s.state()).collect(),
            spike_monitors: self
                .spike_monitors
                .iter()
                .map(|m| {
                    let values = m.values.iter().map(|v| v.to_vec()).collect();
                    (m.i.to_vec(), m.t.to_vec(), m.count.to_vec(), values)
                })
                .collect(),
            state_monitors: self
                .state_monitors
                .iter()
                .map(|m| (m.t().to_vec(), m.traces()))
                .collect(),
            rate_monitors: self
                .rate_monitors
                .iter()
                .map(|m| (m.t.to_vec(), m.rate.to_vec()))
                .collect(),
        }
    }

    /// Returns to the state stored under `name`. Objects created since are an error, as
    /// the snapshot does not know them.
    pub fn restore(&mut self, name: &str, restore_random_state: bool) -> Result<(), NetworkError> {
        let s = self.stored.get(name).cloned().ok_or_else(|| {
            NetworkError::Other(format!(
                "restore: nothing was stored under the name '{name}'"
            ))
        })?;
        self.apply(s, name, restore_random_state)
    }

    /// Puts the state `s` (stored under `name`) in place.
    fn apply(
        &mut self,
        s: Snapshot,
        name: &str,
        restore_random_state: bool,
    ) -> Result<(), NetworkError> {
        let counts = [
            (s.groups.len(), self.groups.len()),
            (s.connections.len(), self.connections.len()),
            (s.synapses.len(), self.synapses.len()),
            (s.spike_monitors.len(), self.spike_monitors.len()),
            (s.state_monitors.len(), self.state_monitors.len()),
            (s.rate_monitors.len(), self.rate_monitors.len()),
        ];
        if counts.iter().any(|(a, b)| a != b) {
            return Err(NetworkError::Other(format!(
                "restore: objects were created after store('{name}'); restore needs the same objects"
            )));
        }
        // Clocks made since the store keep their settings; the stored ones come back.
        for (c, stored) in self.clocks.iter_mut().zip(s.clocks) {
            *c = stored;
        }
        self.set_t(s.t);
        if restore_random_state {
            self.rng = s.rng;
        }
        for (g, arrays) in self.groups.iter_mut().zip(s.groups) {
            match g {
                Group::Neurons(ng) => ng.arrays = arrays,
                Group::Poisson(p) => p.rates = arrays.into_iter().next().unwrap_or_default(),
                Group::Generator(_) => {}
            }
        }
        for (c, (w, d, q)) in self.connections.iter_mut().zip(s.connections) {
            c.weights = w;
            c.delay = d;
            c.queue = q;
        }
        for (syn, state) in self.synapses.iter_mut().zip(s.synapses) {
            syn.set_state(state);
        }
        for (m, (i, t, count, values)) in self.spike_monitors.iter_mut().zip(s.spike_monitors) {
            (m.i, m.t, m.count) = (i.into(), t.into(), count.into());
            m.values = values.into_iter().map(Into::into).collect();
        }
        for (m, (t, traces)) in self.state_monitors.iter_mut().zip(s.state_monitors) {
            m.set_traces(t, traces).map_err(NetworkError::Other)?;
        }
        for (m, (t, rate)) in self.rate_monitors.iter_mut().zip(s.rate_monitors) {
            (m.t, m.rate) = (t.into(), rate.into());
        }
        self.spikes.iter_mut().for_each(Vec::clear);
        Ok(())
    }

    /// Brian 1's `reinit()`: time back to 0, recorded data and spike queues emptied; state
    /// variables keep their values.
    pub fn reinit(&mut self) {
        self.set_t(0.0);
        self.spike_monitors.iter_mut().for_each(|m| m.reinit());
        self.state_monitors.iter_mut().for_each(|m| m.reinit());
        self.rate_monitors.iter_mut().for_each(|m| m.reinit());
        self.connections.iter_mut().for_each(|c| c.queue.clear());
        self.synapses.iter_mut().for_each(|s| s.reinit_queues());
        self.spikes.iter_mut().for_each(Vec::clear);
    }
}
