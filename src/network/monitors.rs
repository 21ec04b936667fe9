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
    /// Whether indices and times are kept (Brian 2's `record`); without, only the counts.
    pub record: bool,
    pub name: String,
    /// The recorded event: `spike`, or a custom event of the source (events.rs).
    pub event: String,
    /// Its number among the source's custom events (`None`: spikes).
    pub event_index: Option<usize>,
    /// Variables recorded at each event, their stored arrays and values (events.rs).
    pub variables: Vec<String>,
    pub(super) var_indices: Vec<usize>,
    pub values: Vec<Vec<f64>>,
}

impl SpikeMonitor {
    pub fn new(source: GroupRef, name: String) -> SpikeMonitor {
        SpikeMonitor {
            source,
            i: Vec::new(),
            t: Vec::new(),
            count: vec![0; source.len],
            record: true,
            name,
            event: "spike".into(),
            event_index: None,
            variables: Vec::new(),
            var_indices: Vec::new(),
            values: Vec::new(),
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
            if self.record {
                self.i.push(k);
                self.t.push(t);
            }
            self.count[k as usize] += 1;
        }
    }

    /// The number of spikes recorded (also without `record`).
    pub fn num_spikes(&self) -> usize {
        self.count.iter().sum::<u64>() as usize
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
        self.values.iter_mut().for_each(Vec::clear);
    }
}

pub use super::schedule::When;

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
    /// Record every `every` ticks of the monitor's clock (Brian 1's `timestep`).
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

/// Brian 2's PopulationRateMonitor: the fraction of a group's neurons spiking in each
/// step, divided by dt.
#[derive(Clone, Debug)]
pub struct PopulationRateMonitor {
    pub source: GroupRef,
    pub t: Vec<f64>,
    /// Instantaneous rate in Hz, one value per step.
    pub rate: Vec<f64>,
    pub name: String,
}

/// Smoothing windows of `smooth_rate`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Window {
    /// A Gaussian with standard deviation `width`, cut at two standard deviations.
    Gaussian,
    /// A rectangle `width` wide (an odd number of steps).
    Flat,
}

impl PopulationRateMonitor {
    pub fn new(source: GroupRef, name: String) -> PopulationRateMonitor {
        PopulationRateMonitor {
            source,
            t: Vec::new(),
            rate: Vec::new(),
            name,
        }
    }

    pub(super) fn record(&mut self, spikes: &[u32], t: f64, dt: f64) {
        let (lo, hi) = (
            self.source.start as u32,
            (self.source.start + self.source.len) as u32,
        );
        let count = spikes.iter().filter(|&&s| s >= lo && s < hi).count();
        self.t.push(t);
        self.rate
            .push(count as f64 / (self.source.len.max(1) as f64 * dt));
    }

    /// The rate convolved with a normalised window of the given width (seconds), as
    /// Brian 2's `smooth_rate` does (same length, zero padding at the ends).
    pub fn smooth_rate(&self, window: Window, width: f64, dt: f64) -> Vec<f64> {
        let kernel: Vec<f64> = match window {
            Window::Gaussian => {
                let half = (2.0 * width / dt).round() as i64;
                let sd = width / dt;
                (-half..=half)
                    .map(|k| (-(k * k) as f64 / (2.0 * sd * sd)).exp())
                    .collect()
            }
            Window::Flat => {
                let n = ((width / 2.0 / dt) as i64 * 2 + 1).max(1) as usize;
                vec![1.0; n]
            }
        };
        let total: f64 = kernel.iter().sum();
        let half = (kernel.len() / 2) as i64;
        let n = self.rate.len() as i64;
        (0..n)
            .map(|i| {
                kernel
                    .iter()
                    .enumerate()
                    .filter_map(|(k, w)| {
                        let j = i + k as i64 - half;
                        (0..n).contains(&j).then(|| w * self.rate[j as usize])
                    })
                    .sum::<f64>()
                    / total
            })
            .collect()
    }

    pub fn reinit(&mut self) {
        self.t.clear();
        self.rate.clear();
    }
}
