//! Recording: SpikeMonitor (indices and times of spikes) and StateMonitor (traces of
//! variables of chosen neurons, at its own interval, before or after the update).

use super::synapses::SynapseReader;
use super::variables::{SubexpressionReader, VarKind, Variable};
use super::{Group, GroupRef, NetworkError, Synapses, Values};
use crate::eval::Scratch;
use rand::rngs::SmallRng;

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
    /// The recorded variables: any name of the source's variables table (stored
    /// variables, subexpressions, `i`, `N`; for synapses also `v_post`, ...).
    pub vars: Vec<String>,
    /// Storage index of each variable (stored variables only), as given to `new`;
    /// `prepare` resolves every name again through the source's variables table.
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
    /// What `prepare` compiled for this run.
    plan: Plan,
}

/// How a StateMonitor gets its values, set by `prepare` for a run: stored variables are
/// copied from their arrays (as before there were computed ones: the same cost), the
/// others computed by one compiled reader, constant ones (`i`, `N`) kept.
#[derive(Default)]
struct Plan {
    /// (position in `vars`, stored array).
    stored: Vec<(usize, usize)>,
    /// Positions in `vars` of the computed variables, in the reader's order.
    computed: Vec<usize>,
    reader: Option<Reader>,
    /// (position in `vars`, the value of each recorded element).
    constant: Vec<(usize, Vec<f64>)>,
}

enum Reader {
    /// A group's subexpressions, for these neurons (indices in the whole group).
    Group(SubexpressionReader, Vec<usize>),
    Synapses(SynapseReader),
}

impl StateMonitor {
    /// A monitor of stored variables (`var_indices`: their storage indices; `prepare`
    /// checks them against the source's variables table).
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
            plan: Plan::default(),
        }
    }

    /// A monitor of any variables of the source's table, by name (resolved, and the code
    /// of computed ones compiled, in `prepare`).
    pub fn of_variables(
        source: GroupRef,
        synapses: Option<usize>,
        vars: Vec<String>,
        record: Vec<usize>,
        when: When,
        every: u64,
        name: String,
    ) -> StateMonitor {
        let mut m = StateMonitor::new(source, vars, Vec::new(), record, when, every, name);
        m.synapses = synapses;
        m
    }

    /// Resolves the recorded names through the source's variables table and compiles the
    /// code of computed variables (with the monitor's time step and the script's values),
    /// once per run; recording then runs that code only.
    pub(super) fn prepare(
        &mut self,
        groups: &[Group],
        synapses: &[Synapses],
        dt: f64,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let fail = |what: String| NetworkError::Other(format!("{}: {what}", self.name));
        let (table, owner): (Vec<Variable>, String) = match self.synapses {
            Some(s) => {
                let syn = synapses
                    .get(s)
                    .ok_or_else(|| fail("its synapses are missing".into()))?;
                (syn.variables(groups), syn.spec.name.clone())
            }
            None => match groups.get(self.source.group) {
                Some(Group::Neurons(g)) => (g.variables(), g.spec.name.clone()),
                Some(other) => {
                    return Err(fail(format!(
                        "'{}' has no state variables to record",
                        other.name()
                    )))
                }
                None => return Err(fail("its group is missing".into())),
            },
        };
        let size = match self.synapses {
            Some(s) => synapses[s].len(),
            None => self.source.len,
        };
        if let Some(bad) = self.record.iter().find(|&&k| k >= size) {
            return Err(fail(format!(
                "cannot record element {bad} of {owner}: it has {size}"
            )));
        }
        let mut plan = Plan::default();
        let mut computed_names = Vec::new();
        for (pos, name) in self.vars.iter().enumerate() {
            let var = table
                .iter()
                .find(|v| &v.name == name)
                .ok_or_else(|| fail(format!("{owner} has no variable '{name}' to record")))?;
            match var.kind {
                // Fixed during a run: kept, not read at every recording.
                VarKind::Index | VarKind::Size | VarKind::Delay => {
                    let values = match self.synapses {
                        Some(s) => synapses[s].values(name, groups, 0.0, dt, externals)?.0,
                        None if var.kind == VarKind::Index => {
                            (0..self.source.len).map(|k| k as f64).collect()
                        }
                        None => vec![self.source.len as f64],
                    };
                    let fixed = if var.shared {
                        vec![values[0]; self.record.len()]
                    } else {
                        self.record.iter().map(|&k| values[k]).collect()
                    };
                    plan.constant.push((pos, fixed));
                }
                _ if var.is_computed() => {
                    plan.computed.push(pos);
                    computed_names.push(name.clone());
                }
                _ => match var.array {
                    Some(a) => plan.stored.push((pos, a)),
                    None => return Err(fail(format!("cannot record '{name}' of {owner}"))),
                },
            }
        }
        if !computed_names.is_empty() {
            plan.reader = Some(match self.synapses {
                Some(s) => {
                    let ids = self.record.iter().map(|&k| k as u32).collect();
                    Reader::Synapses(synapses[s].reader(
                        &computed_names,
                        ids,
                        groups,
                        dt,
                        externals,
                    )?)
                }
                None => {
                    let Some(Group::Neurons(g)) = groups.get(self.source.group) else {
                        unreachable!("checked above")
                    };
                    let neurons = self.record.iter().map(|&k| self.source.start + k).collect();
                    Reader::Group(
                        g.subexpression_reader(&computed_names, dt, externals)?,
                        neurons,
                    )
                }
            });
        }
        self.var_indices = plan.stored.iter().map(|&(_, a)| a).collect();
        self.plan = plan;
        Ok(())
    }

    /// Records the variables at time `t` from the source's current state.
    pub(super) fn record(
        &mut self,
        groups: &[Group],
        synapses: &[Synapses],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        let arrays = match self.synapses {
            Some(s) => &synapses[s].arrays,
            None => match &groups[self.source.group] {
                Group::Neurons(g) => &g.arrays,
                _ => return,
            },
        };
        self.t.push(t);
        for &(v, a) in &self.plan.stored {
            for (k, &n) in self.record.iter().enumerate() {
                self.values[v][k].push(arrays[a][self.source.start + n]);
            }
        }
        for (v, fixed) in &self.plan.constant {
            for (trace, &x) in self.values[*v].iter_mut().zip(fixed) {
                trace.push(x);
            }
        }
        let Some(reader) = &mut self.plan.reader else {
            return;
        };
        match reader {
            Reader::Group(r, neurons) => {
                r.read(arrays, neurons, t, rng, scratch);
                for (m, &v) in self.plan.computed.iter().enumerate() {
                    for (trace, &x) in self.values[v].iter_mut().zip(r.output(m)) {
                        trace.push(x);
                    }
                }
            }
            Reader::Synapses(r) => {
                let s = self.synapses.expect("a synapse monitor");
                r.read(&synapses[s], groups, t, rng, scratch);
                for (m, &v) in self.plan.computed.iter().enumerate() {
                    for (trace, &x) in self.values[v].iter_mut().zip(r.output(m)) {
                        trace.push(x);
                    }
                }
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
