//! Recording: SpikeMonitor (indices and times of spikes) and StateMonitor (traces of
//! variables of chosen neurons, at its own interval, before or after the update).

use super::synapses::SynapseReader;
use super::variables::{SubexpressionReader, VarKind, Variable};
use super::{Group, GroupRef, NetworkError, Synapses, Values};
use crate::eval::Scratch;
use crate::units::SharedVec;
use rand::rngs::SmallRng;

pub struct SpikeMonitor {
    pub source: GroupRef,
    /// Neuron index, local to the monitored (sub)group. (Recordings are `SharedVec`s: a
    /// script reads them without a copy; recording copies them first if they are shared.)
    pub i: SharedVec<u32>,
    /// Spike times in seconds.
    pub t: SharedVec<f64>,
    /// Spike count per neuron.
    pub count: SharedVec<u64>,
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
    pub values: Vec<SharedVec<f64>>,
}

impl SpikeMonitor {
    pub fn new(source: GroupRef, name: String) -> SpikeMonitor {
        SpikeMonitor {
            source,
            i: SharedVec::new(),
            t: SharedVec::new(),
            count: vec![0; source.len].into(),
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
        let inside = &spikes[start..];
        let inside = &inside[..inside.partition_point(|&s| s < hi)];
        if inside.is_empty() {
            return;
        }
        if self.record {
            self.i.vec_mut().extend(inside.iter().map(|&s| s - lo));
            self.t
                .vec_mut()
                .extend(std::iter::repeat_n(t, inside.len()));
        }
        let count = self.count.vec_mut();
        for &s in inside {
            count[(s - lo) as usize] += 1;
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
        self.i = SharedVec::new();
        self.t = SharedVec::new();
        self.count = vec![0; self.source.len].into();
        self.values.iter_mut().for_each(|v| *v = SharedVec::new());
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
    pub name: String,
    /// The recording times (see [`StateMonitor::t`]).
    t: SharedVec<f64>,
    /// Time-major recordings, one per variable: the value of recorded element `k` at
    /// recording `s` is `data[var][s * record.len() + k]` (see [`StateMonitor::recording`]).
    data: Vec<SharedVec<f64>>,
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
    /// The recorded elements are `first..first + record.len()` (of the source): stored
    /// variables are copied as one slice.
    contiguous: Option<usize>,
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
        let data = vars.iter().map(|_| SharedVec::new()).collect();
        StateMonitor {
            source,
            synapses: None,
            vars,
            var_indices,
            record,
            when,
            every: every.max(1),
            name,
            t: SharedVec::new(),
            data,
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
        let first = self.record.first().copied().unwrap_or(0);
        plan.contiguous = self
            .record
            .iter()
            .enumerate()
            .all(|(k, &n)| n == first + k)
            .then_some(self.source.start + first);
        self.var_indices = plan.stored.iter().map(|&(_, a)| a).collect();
        self.plan = plan;
        Ok(())
    }

    /// Makes room for the recordings of a run whose monitor clock takes the steps
    /// `first_step..end_step` (recording at the multiples of `every`), so that the
    /// recordings are allocated once per run, at their final size.
    pub fn reserve_run(&mut self, first_step: u64, end_step: u64) {
        let records = if end_step > first_step {
            let every = self.every.max(1);
            // Multiples of `every` in first_step..end_step.
            (end_step - 1) / every + 1 - first_step.div_ceil(every)
        } else {
            0
        } as usize;
        self.t.reserve_exact(records);
        let width = self.record.len();
        for d in &mut self.data {
            d.reserve_exact(records * width);
        }
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
        self.t.vec_mut().push(t);
        let width = self.record.len();
        for &(v, a) in &self.plan.stored {
            let arr = &arrays[a];
            let out = self.data[v].vec_mut();
            match self.plan.contiguous {
                Some(first) => out.extend_from_slice(&arr[first..first + width]),
                None => out.extend(self.record.iter().map(|&n| arr[self.source.start + n])),
            }
        }
        for (v, fixed) in &self.plan.constant {
            self.data[*v].vec_mut().extend_from_slice(fixed);
        }
        let Some(reader) = &mut self.plan.reader else {
            return;
        };
        match reader {
            Reader::Group(r, neurons) => {
                r.read(arrays, neurons, t, rng, scratch);
                for (m, &v) in self.plan.computed.iter().enumerate() {
                    debug_assert_eq!(r.output(m).len(), width);
                    self.data[v].vec_mut().extend_from_slice(r.output(m));
                }
            }
            Reader::Synapses(r) => {
                let s = self.synapses.expect("a synapse monitor");
                r.read(&synapses[s], groups, t, rng, scratch);
                for (m, &v) in self.plan.computed.iter().enumerate() {
                    debug_assert_eq!(r.output(m).len(), width);
                    self.data[v].vec_mut().extend_from_slice(r.output(m));
                }
            }
        }
    }

    /// The recording times, in seconds.
    pub fn t(&self) -> &SharedVec<f64> {
        &self.t
    }

    /// The number of recordings made.
    pub fn len(&self) -> usize {
        self.t.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// The recording of variable `var` (a position in `vars`), time-major: recorded
    /// element `k` at recording `s` is at `s * record.len() + k`.
    pub fn recording(&self, var: usize) -> &SharedVec<f64> {
        &self.data[var]
    }

    /// The trace of recorded element `k` (a position in `record`) of variable `var`.
    pub fn trace(&self, var: usize, k: usize) -> Vec<f64> {
        let width = self.record.len();
        self.data[var]
            .iter()
            .skip(k)
            .step_by(width.max(1))
            .copied()
            .collect()
    }

    /// The recording of variable `var` element-major (Brian 2's `M.v`: one row per
    /// recorded element): element `k` at recording `s` is at `k * len() + s`.
    pub fn element_major(&self, var: usize) -> Vec<f64> {
        let (width, steps) = (self.record.len(), self.len());
        let data = &self.data[var];
        let mut out = vec![0.0; width * steps];
        // By blocks of recordings, so that both sides stay in cache.
        const BLOCK: usize = 64;
        for s0 in (0..steps).step_by(BLOCK) {
            let s1 = (s0 + BLOCK).min(steps);
            for k in 0..width {
                let row = &mut out[k * steps..(k + 1) * steps];
                for s in s0..s1 {
                    row[s] = data[s * width + k];
                }
            }
        }
        out
    }

    /// Every trace of every variable: `traces()[var][k]` is recorded element `k`'s.
    pub fn traces(&self) -> Vec<Vec<Vec<f64>>> {
        let (width, steps) = (self.record.len(), self.len());
        (0..self.vars.len())
            .map(|v| {
                let flat = self.element_major(v);
                (0..width)
                    .map(|k| flat[k * steps..(k + 1) * steps].to_vec())
                    .collect()
            })
            .collect()
    }

    /// Replaces the recordings (a restored state): times, and `traces[var][k]` as
    /// [`StateMonitor::traces`] gives them.
    pub fn set_traces(&mut self, t: Vec<f64>, traces: Vec<Vec<Vec<f64>>>) -> Result<(), String> {
        let (width, steps) = (self.record.len(), t.len());
        if traces.len() != self.vars.len()
            || traces
                .iter()
                .any(|v| v.len() != width || v.iter().any(|tr| tr.len() != steps))
        {
            return Err(format!(
                "{}: the recordings do not match the monitor ({} variables of {width} elements, {steps} times)",
                self.name,
                self.vars.len()
            ));
        }
        self.data = traces
            .iter()
            .map(|v| {
                let mut d = Vec::with_capacity(width * steps);
                for s in 0..steps {
                    d.extend(v.iter().map(|tr| tr[s]));
                }
                SharedVec::from_vec(d)
            })
            .collect();
        self.t = t.into();
        Ok(())
    }

    pub fn var_position(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v == name)
    }

    pub fn reinit(&mut self) {
        self.t = SharedVec::new();
        self.data.iter_mut().for_each(|d| *d = SharedVec::new());
    }
}

/// Brian 2's PopulationRateMonitor: the fraction of a group's neurons spiking in each
/// step, divided by dt.
#[derive(Clone, Debug)]
pub struct PopulationRateMonitor {
    pub source: GroupRef,
    pub t: SharedVec<f64>,
    /// Instantaneous rate in Hz, one value per step.
    pub rate: SharedVec<f64>,
    pub name: String,
}

/// Smoothing windows of `smooth_rate`.
#[derive(Clone, Debug, PartialEq)]
pub enum Window {
    /// A Gaussian with standard deviation `width`, cut at two standard deviations.
    Gaussian,
    /// A rectangle `width` wide, rounded to the nearest odd number of steps.
    Flat,
    /// Given weights, one per step (an odd number), normalised to sum 1.
    Custom(Vec<f64>),
}

impl PopulationRateMonitor {
    pub fn new(source: GroupRef, name: String) -> PopulationRateMonitor {
        PopulationRateMonitor {
            source,
            t: SharedVec::new(),
            rate: SharedVec::new(),
            name,
        }
    }

    pub(super) fn record(&mut self, spikes: &[u32], t: f64, dt: f64) {
        let (lo, hi) = (
            self.source.start as u32,
            (self.source.start + self.source.len) as u32,
        );
        let count = spikes.iter().filter(|&&s| s >= lo && s < hi).count();
        self.t.vec_mut().push(t);
        self.rate
            .vec_mut()
            .push(count as f64 / (self.source.len.max(1) as f64 * dt));
    }

    /// The rate convolved with a normalised window of the given width (seconds), as
    /// Brian 2's `smooth_rate` does (same length, zero padding at the ends).
    /// Brian 2's `smooth_rate`: the rate convolved with the window (normalised to sum 1),
    /// zero outside the recording (numpy's `convolve(..., mode="same")`); window sizes are
    /// rounded as numpy does (half to even).
    pub fn smooth_rate(&self, window: Window, width: f64, dt: f64) -> Vec<f64> {
        let kernel: Vec<f64> = match window {
            Window::Gaussian => {
                let half = (2.0 * width / dt).round_ties_even() as i64;
                let sd = width / dt;
                (-half..=half)
                    .map(|k| (-(k * k) as f64 / (2.0 * sd * sd)).exp())
                    .collect()
            }
            Window::Flat => {
                let n = ((width / (2.0 * dt)).round_ties_even() as i64 * 2 + 1).max(1) as usize;
                vec![1.0; n]
            }
            Window::Custom(w) => w,
        };
        let total: f64 = kernel.iter().sum();
        let half = kernel.len() / 2;
        let rate = self.rate.as_slice();
        let n = rate.len();
        // out[i] = sum over k of kernel[k] * rate[i + k - half], the terms inside the
        // recording only, in ascending k (a dot product of two slices).
        (0..n)
            .map(|i| {
                let k0 = half.saturating_sub(i);
                let k1 = kernel.len().min(n + half - i);
                if k0 >= k1 {
                    return 0.0;
                }
                let j0 = i + k0 - half;
                kernel[k0..k1]
                    .iter()
                    .zip(&rate[j0..j0 + (k1 - k0)])
                    .map(|(w, r)| w * r)
                    .sum::<f64>()
                    / total
            })
            .collect()
    }

    pub fn reinit(&mut self) {
        self.t = SharedVec::new();
        self.rate = SharedVec::new();
    }
}
