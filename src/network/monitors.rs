//! Recording: SpikeMonitor (indices and times of spikes) and StateMonitor (traces of
//! variables of chosen neurons, at its own interval, before or after the update).

use super::GroupRef;

pub struct SpikeMonitor {
    pub source: GroupRef,
    /// Neuron index, local to the monitored (sub)group.
    pub i: Vec<u32>,
    /// Spike times in seconds.
    pub t: Vec<f64>,
    /// Spike count per neuron.
    pub count: Vec<u64>,
    pub name: String,
}

impl SpikeMonitor {
    pub fn new(source: GroupRef, name: String) -> SpikeMonitor {
        SpikeMonitor {
            source,
            i: Vec::new(),
            t: Vec::new(),
            count: vec![0; source.len],
            name,
        }
    }

    /// Records the group's spikes of this step (indices in the whole group, sorted).
    pub(super) fn record(&mut self, spikes: &[u32], t: f64) {
        let (lo, hi) = (
            self.source.start as u32,
            (self.source.start + self.source.len) as u32,
        );
        let start = spikes.partition_point(|&s| s < lo);
        for &s in spikes[start..].iter().take_while(|&&s| s < hi) {
            let k = s - lo;
            self.i.push(k);
            self.t.push(t);
            self.count[k as usize] += 1;
        }
    }

    pub fn num_spikes(&self) -> usize {
        self.i.len()
    }

    /// The spike times of each neuron.
    pub fn spike_trains(&self) -> Vec<Vec<f64>> {
        let mut trains = vec![Vec::new(); self.source.len];
        for (&i, &t) in self.i.iter().zip(&self.t) {
            trains[i as usize].push(t);
        }
        trains
    }

    pub fn reinit(&mut self) {
        self.i.clear();
        self.t.clear();
        self.count.iter_mut().for_each(|c| *c = 0);
    }
}

/// When in the time step a StateMonitor records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Before the state update (Brian 2's default).
    Start,
    /// After resets.
    End,
}

pub struct StateMonitor {
    /// The recorded group; for synapses, a range over synapse indices.
    pub source: GroupRef,
    /// Records the variables of these synapses (by position in `Network::synapses`).
    pub synapses: Option<usize>,
    pub vars: Vec<String>,
    pub(super) var_indices: Vec<usize>,
    /// Recorded neurons, local to the monitored (sub)group.
    pub record: Vec<usize>,
    pub when: When,
    /// Record every `every` steps.
    pub every: u64,
    pub t: Vec<f64>,
    /// values[var][k][time]: trace of recorded neuron k.
    pub values: Vec<Vec<Vec<f64>>>,
    pub name: String,
}

impl StateMonitor {
    pub fn new(
        source: GroupRef,
        vars: Vec<String>,
        var_indices: Vec<usize>,
        record: Vec<usize>,
        when: When,
        every: u64,
        name: String,
    ) -> StateMonitor {
        let values = vars
            .iter()
            .map(|_| vec![Vec::new(); record.len()])
            .collect();
        StateMonitor {
            source,
            synapses: None,
            vars,
            var_indices,
            record,
            when,
            every: every.max(1),
            t: Vec::new(),
            values,
            name,
        }
    }

    pub(super) fn record(&mut self, arrays: &[Vec<f64>], t: f64) {
        self.t.push(t);
        for (v, &a) in self.var_indices.iter().enumerate() {
            for (k, &n) in self.record.iter().enumerate() {
                self.values[v][k].push(arrays[a][self.source.start + n]);
            }
        }
    }

    pub fn var_position(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v == name)
    }

    pub fn reinit(&mut self) {
        self.t.clear();
        for v in &mut self.values {
            v.iter_mut().for_each(|tr| tr.clear());
        }
    }
}
