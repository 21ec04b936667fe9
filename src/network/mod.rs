//! The simulation: groups, connections and monitors in a network, a clock, Brian 2's
//! schedule (start, groups, thresholds, synapses, resets, end) and the time-step loop.
//! Strings are parsed and compiled in `prepare`, before the loop; nothing inside the loop
//! parses or interprets code.

mod connect;
mod connection;
mod inputs;
mod monitors;
pub mod namespace;
mod neuron_group;
mod spike_queue;
mod store;
mod synapses;

pub use connect::{random_targets, ConnectRule};
pub use connection::{
    full_rows, one_to_one_rows, random_rows, Connection, ConnectionDelay, RowBuilder, WeightFn,
};
pub use inputs::{PoissonGroup, PoissonInput, SpikeGeneratorGroup};
pub use monitors::{PopulationRateMonitor, SpikeMonitor, StateMonitor, When, Window};
pub use namespace::Values;
pub use neuron_group::{NeuronGroup, NeuronGroupSpec, Reset, Threshold};
pub use spike_queue::SpikeQueue;
pub use synapses::{Delay, Pathway, Synapses, SynapsesSpec};

use crate::equations::EquationError;
use crate::eval::{Elements, Scratch};
use crate::expr::ExprError;
use crate::integrate::IntegrationError;
use rand::rngs::SmallRng;
use rand::SeedableRng;

/// A contiguous range of a group's neurons: a whole group or a subgroup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupRef {
    pub group: usize,
    pub start: usize,
    pub len: usize,
}

/// Anything that has neurons and spikes. A network has a handful of groups, so the size
/// difference between variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum Group {
    Neurons(NeuronGroup),
    Poisson(PoissonGroup),
    Generator(SpikeGeneratorGroup),
}

impl Group {
    pub fn len(&self) -> usize {
        match self {
            Group::Neurons(g) => g.len(),
            Group::Poisson(p) => p.rates.len(),
            Group::Generator(g) => g.n,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn name(&self) -> &str {
        match self {
            Group::Neurons(g) => &g.spec.name,
            Group::Poisson(p) => &p.name,
            Group::Generator(g) => &g.name,
        }
    }
    pub fn as_neurons(&self) -> Option<&NeuronGroup> {
        match self {
            Group::Neurons(g) => Some(g),
            _ => None,
        }
    }
    pub fn as_neurons_mut(&mut self) -> Option<&mut NeuronGroup> {
        match self {
            Group::Neurons(g) => Some(g),
            _ => None,
        }
    }
}

/// Why a network cannot be built or run; each names the object concerned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NetworkError {
    #[error("{object}: {error}")]
    Equation {
        object: String,
        error: EquationError,
    },
    #[error("{object}: {error}")]
    Integration {
        object: String,
        error: IntegrationError,
    },
    #[error("{object}: in the {what} '{text}': {error}")]
    Code {
        object: String,
        what: String,
        text: String,
        error: ExprError,
    },
    #[error("{object}: the variable '{var}' of neuron {index} became {value} at t = {t} s; check the equations, the time step and the initial values")]
    NotFinite {
        object: String,
        var: String,
        index: usize,
        value: f64,
        t: f64,
    },
    #[error("{0}")]
    Other(String),
}

/// Which objects take part in a run: everything (the default, Brian 2's "magic" network)
/// or the objects of an explicit `Network(...)`.
#[derive(Clone, Debug, Default)]
pub struct Members {
    /// `None`: every object; otherwise one flag per object of each kind.
    pub only: Option<MemberFlags>,
}

#[derive(Clone, Debug, Default)]
pub struct MemberFlags {
    pub groups: Vec<bool>,
    pub connections: Vec<bool>,
    pub synapses: Vec<bool>,
    pub spike_monitors: Vec<bool>,
    pub state_monitors: Vec<bool>,
    pub rate_monitors: Vec<bool>,
    pub poisson_inputs: Vec<bool>,
}

/// The objects of a list that take part in the run.
fn active<T>(items: &mut [T], on: impl Fn(usize) -> bool) -> impl Iterator<Item = &mut T> {
    items
        .iter_mut()
        .enumerate()
        .filter(move |(k, _)| on(*k))
        .map(|(_, x)| x)
}

fn flag(v: &[bool], k: usize) -> bool {
    v.get(k).copied().unwrap_or(false)
}

impl Members {
    fn has(&self, pick: impl Fn(&MemberFlags) -> &Vec<bool>, k: usize) -> bool {
        self.only.as_ref().is_none_or(|f| flag(pick(f), k))
    }
    pub fn group(&self, k: usize) -> bool {
        self.has(|f| &f.groups, k)
    }
    pub fn connection(&self, k: usize) -> bool {
        self.has(|f| &f.connections, k)
    }
    pub fn synapse(&self, k: usize) -> bool {
        self.has(|f| &f.synapses, k)
    }
    pub fn spike_monitor(&self, k: usize) -> bool {
        self.has(|f| &f.spike_monitors, k)
    }
    pub fn state_monitor(&self, k: usize) -> bool {
        self.has(|f| &f.state_monitors, k)
    }
    pub fn rate_monitor(&self, k: usize) -> bool {
        self.has(|f| &f.rate_monitors, k)
    }
    pub fn poisson_input(&self, k: usize) -> bool {
        self.has(|f| &f.poisson_inputs, k)
    }
}

/// Where in a piece of model text (equations or code) an error is: the line and the
/// error's column and length in it (bytes), so a caller can point at it in the script.
#[derive(Clone, Debug, PartialEq)]
pub struct Snippet {
    pub line: String,
    pub column: usize,
    pub len: usize,
}

fn locate(text: &str, span: crate::expr::Span) -> Option<Snippet> {
    let start = span.start.min(text.len());
    let ls = text[..start].rfind('\n').map_or(0, |k| k + 1);
    let le = text[start..].find('\n').map_or(text.len(), |k| start + k);
    let line = text.get(ls..le)?.to_string();
    Some(Snippet {
        column: start - ls,
        len: span.end.min(le).saturating_sub(start).max(1),
        line,
    })
}

impl NetworkError {
    /// The model text and position the error refers to, if it refers to one.
    pub fn snippet(&self, net: &Network) -> Option<Snippet> {
        match self {
            NetworkError::Equation { object, error } => {
                let model = net
                    .groups
                    .iter()
                    .filter_map(Group::as_neurons)
                    .find(|g| &g.spec.name == object)
                    .map(|g| g.spec.model.as_str())
                    .or_else(|| {
                        net.synapses
                            .iter()
                            .find(|s| &s.spec.name == object)
                            .map(|s| s.spec.model.as_str())
                    })?;
                locate(model, error.error.span)
            }
            NetworkError::Code { text, error, .. } => locate(text, error.span),
            _ => None,
        }
    }
}

/// The simulation clock: a step counter and a time step.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub dt: f64,
    pub step: u64,
}

impl Clock {
    pub fn t(&self) -> f64 {
        self.step as f64 * self.dt
    }
}

/// Counters of one run, for reports and benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunStats {
    pub steps: u64,
    pub spikes: u64,
    pub seconds: f64,
}

pub struct Network {
    pub clock: Clock,
    pub groups: Vec<Group>,
    pub connections: Vec<Connection>,
    pub synapses: Vec<Synapses>,
    pub spike_monitors: Vec<SpikeMonitor>,
    pub state_monitors: Vec<StateMonitor>,
    pub rate_monitors: Vec<PopulationRateMonitor>,
    pub poisson_inputs: Vec<PoissonInput>,
    pub rng: SmallRng,
    /// The objects taking part in runs (all by default; an explicit Network sets them).
    pub members: Members,
    /// Snapshots taken by `store`, by name.
    stored: std::collections::HashMap<String, store::Snapshot>,
    /// Spikes of the current step, per group (indices in the whole group, sorted).
    spikes: Vec<Vec<u32>>,
    /// Reused buffer for what a spike queue delivers this step.
    delivery: Vec<u32>,
    scratch: Scratch,
    prepared_dt: f64,
}

impl Default for Network {
    fn default() -> Self {
        Network::new()
    }
}

impl Network {
    pub fn new() -> Network {
        Network {
            clock: Clock { dt: 1e-4, step: 0 },
            groups: Vec::new(),
            connections: Vec::new(),
            synapses: Vec::new(),
            spike_monitors: Vec::new(),
            state_monitors: Vec::new(),
            rate_monitors: Vec::new(),
            poisson_inputs: Vec::new(),
            stored: Default::default(),
            members: Members::default(),
            rng: SmallRng::from_rng(&mut rand::rng()),
            spikes: Vec::new(),
            delivery: Vec::new(),
            scratch: Scratch::default(),
            prepared_dt: 0.0,
        }
    }

    /// The network's current time in seconds (Brian 2's `net.t`).
    pub fn t(&self) -> f64 {
        self.clock.t()
    }

    /// Moves the network to time `t` (an explicit Network or the magic network resuming
    /// its own time); every clock goes to its first step at or after `t`.
    pub fn set_t(&mut self, t: f64) {
        self.clock.step = (t / self.clock.dt - 1e-9).ceil().max(0.0) as u64;
    }

    /// The default clock's time step.
    pub fn default_dt(&self) -> f64 {
        self.clock.dt
    }

    /// Sets the default clock's time step. As in Brian 2, the current time must be a
    /// whole multiple of the new step.
    pub fn set_default_dt(&mut self, dt: f64) -> Result<(), NetworkError> {
        if !(dt > 0.0) || !dt.is_finite() {
            return Err(NetworkError::Other(format!(
                "dt must be a positive time, got {dt} s"
            )));
        }
        let t = self.clock.t();
        let steps = t / dt;
        if (steps - steps.round()).abs() > 1e-6 * steps.max(1.0) {
            return Err(NetworkError::Other(format!(
                "cannot set dt to {dt} s: the time t = {t} s is not a multiple of it"
            )));
        }
        self.clock.dt = dt;
        self.clock.step = steps.round() as u64;
        Ok(())
    }

    pub fn seed(&mut self, seed: u64) {
        self.rng = SmallRng::seed_from_u64(seed);
    }

    pub fn add_group(&mut self, g: Group) -> GroupRef {
        let len = g.len();
        self.groups.push(g);
        self.spikes.push(Vec::new());
        GroupRef {
            group: self.groups.len() - 1,
            start: 0,
            len,
        }
    }

    /// Compiles every group's code against `externals` (the script's values).
    pub fn prepare(&mut self, externals: &Values) -> Result<(), NetworkError> {
        let dt = self.clock.dt;
        let act = self.members.clone();
        for g in active(&mut self.groups, |k| act.group(k)) {
            match g {
                Group::Neurons(ng) => ng.prepare(dt, externals)?,
                Group::Poisson(p) => p.prepare(dt, externals)?,
                Group::Generator(_) => {}
            }
        }
        for c in active(&mut self.connections, |k| act.connection(k)) {
            c.prepare(dt).map_err(NetworkError::Other)?;
        }
        for s in active(&mut self.synapses, |k| act.synapse(k)) {
            s.prepare(&self.groups, dt, externals)?;
        }
        self.prepared_dt = dt;
        Ok(())
    }

    /// Runs for `duration` seconds, continuing from the current time.
    pub fn run(&mut self, duration: f64, externals: &Values) -> Result<RunStats, NetworkError> {
        if !(duration >= 0.0) || !duration.is_finite() {
            return Err(NetworkError::Other(format!(
                "run() needs a positive, finite duration, got {duration} s"
            )));
        }
        self.prepare(externals)?;
        let steps = (duration / self.clock.dt).round() as u64;
        let started = std::time::Instant::now();
        let mut stats = RunStats {
            steps,
            ..Default::default()
        };
        let act = self.members.clone();
        for k in 0..steps {
            stats.spikes += self.step(&act);
            if (k + 1) % 1000 == 0 || k + 1 == steps {
                self.check_finite()?;
            }
        }
        stats.seconds = started.elapsed().as_secs_f64();
        Ok(stats)
    }

    /// One time step through Brian 2's schedule; returns the number of spikes.
    fn step(&mut self, act: &Members) -> u64 {
        let dt = self.clock.dt;
        let t = self.clock.t();
        let scalars = [t];
        // start: monitors recording before the update
        self.record_states(When::Start, t, act);
        // groups: summed variables (before their targets' updates), refractoriness, the
        // neurons' state updates, then the synapses' clock-driven equations
        for s in active(&mut self.synapses, |k| act.synapse(k)) {
            s.update_summed(&mut self.groups, t, &mut self.rng, &mut self.scratch);
        }
        for g in active(&mut self.groups, |k| act.group(k)) {
            let Group::Neurons(ng) = g else { continue };
            if !self.clock.step.is_multiple_of(ng.every) {
                continue;
            }
            let n = ng.len();
            if let Some(ref_steps) = ng.refractory_steps {
                let k = ng.arrays.len();
                let (last, nr) = ng.arrays.split_at_mut(k - 1);
                for (flag, &ls) in nr[0].iter_mut().zip(&last[k - 2]) {
                    *flag = f64::from(u8::from(crate::eval::timestep(t - ls, ng.dt) >= ref_steps));
                }
            }
            if let Some(c) = &ng.compiled {
                c.update.run(
                    &mut ng.arrays,
                    Elements::Range(0, n),
                    &scalars,
                    &mut self.rng,
                    &mut self.scratch,
                    |_| {},
                );
            }
        }
        for s in active(&mut self.synapses, |k| act.synapse(k)) {
            s.update_state(&mut self.groups, t, &mut self.rng, &mut self.scratch);
        }
        self.record_states(When::AfterGroups, t, act);
        // thresholds (groups outside an explicit network have no spikes this step)
        let mut total = 0;
        self.spikes.iter_mut().for_each(Vec::clear);
        for (gi, g) in self
            .groups
            .iter_mut()
            .enumerate()
            .filter(|(k, _)| act.group(*k))
        {
            let out = &mut self.spikes[gi];
            out.clear();
            match g {
                Group::Neurons(ng) if !self.clock.step.is_multiple_of(ng.every) => {}
                Group::Neurons(ng) => {
                    if let Some(th) = ng.compiled.as_ref().and_then(|c| c.threshold.as_ref()) {
                        let n = ng.spec.n;
                        th.run(
                            &mut ng.arrays,
                            Elements::Range(0, n),
                            &scalars,
                            &mut self.rng,
                            &mut self.scratch,
                            |j| out.push(j),
                        );
                    }
                    ng.mark_spiked(out, t);
                }
                Group::Poisson(p) => {
                    p.update_rates(t, &mut self.rng, &mut self.scratch);
                    p.spikes(dt, &mut self.rng, out)
                }
                Group::Generator(sg) => sg.spikes_at(self.clock.step, dt, out),
            }
            total += out.len() as u64;
        }
        for m in active(&mut self.spike_monitors, |k| act.spike_monitor(k)) {
            m.record(&self.spikes[m.source.group], t);
        }
        for m in active(&mut self.rate_monitors, |k| act.rate_monitor(k)) {
            m.record(&self.spikes[m.source.group], t, dt);
        }
        self.record_states(When::AfterThresholds, t, act);
        // synapses
        let mut due = std::mem::take(&mut self.delivery);
        for c in active(&mut self.connections, |k| act.connection(k)) {
            let src = &self.spikes[c.source.group];
            let (lo, hi) = (
                c.source.start as u32,
                (c.source.start + c.source.len) as u32,
            );
            let local = src.iter().filter(|&&s| s >= lo && s < hi).map(|&s| s - lo);
            if let Group::Neurons(tg) = &mut self.groups[c.target.group] {
                let (arr, mask) = tg.write_target(c.target_var, c.target.start, c.target.len);
                c.step(local, &mut due, arr, mask);
            }
        }
        for pi in self
            .poisson_inputs
            .iter()
            .enumerate()
            .filter(|(k, _)| act.poisson_input(*k))
            .map(|(_, x)| x)
        {
            if let Group::Neurons(tg) = &mut self.groups[pi.target.group] {
                let r = pi.target;
                let (arr, mask) = tg.write_target(pi.target_var, r.start, r.len);
                pi.apply(arr, mask, dt, &mut self.rng);
            }
        }
        for s in active(&mut self.synapses, |k| act.synapse(k)) {
            s.propagate(
                &self.spikes,
                &mut self.groups,
                t,
                &mut self.rng,
                &mut self.scratch,
                &mut due,
            );
        }
        self.delivery = due;
        self.record_states(When::AfterSynapses, t, act);
        // resets
        for (gi, g) in self
            .groups
            .iter_mut()
            .enumerate()
            .filter(|(k, _)| act.group(*k))
        {
            let Group::Neurons(ng) = g else { continue };
            let spikes = &self.spikes[gi];
            if spikes.is_empty() {
                continue;
            }
            if let Some(reset) = ng.compiled.as_ref().and_then(|c| c.reset.as_ref()) {
                reset.run(
                    &mut ng.arrays,
                    Elements::Indices(spikes),
                    &scalars,
                    &mut self.rng,
                    &mut self.scratch,
                    |_| {},
                );
            }
        }
        // end
        self.record_states(When::End, t, act);
        self.clock.step += 1;
        total
    }

    fn record_states(&mut self, when: When, t: f64, act: &Members) {
        for m in active(&mut self.state_monitors, |k| act.state_monitor(k)) {
            if m.when != when || !self.clock.step.is_multiple_of(m.every) {
                continue;
            }
            match m.synapses {
                Some(k) => m.record(&self.synapses[k].arrays, t),
                None => {
                    if let Group::Neurons(g) = &self.groups[m.source.group] {
                        m.record(&g.arrays, t);
                    }
                }
            }
        }
    }

    fn check_finite(&self) -> Result<(), NetworkError> {
        for g in &self.groups {
            let Group::Neurons(ng) = g else { continue };
            for (name, arr) in ng.array_names.iter().zip(&ng.arrays) {
                if name == "lastspike" {
                    continue;
                }
                if let Some(index) = arr.iter().position(|v| !v.is_finite()) {
                    return Err(NetworkError::NotFinite {
                        object: ng.spec.name.clone(),
                        var: name.clone(),
                        index,
                        value: arr[index],
                        t: self.clock.t(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The neurons of a group reference (error if it is not a NeuronGroup).
    pub fn neurons(&self, r: GroupRef) -> Option<&NeuronGroup> {
        self.groups.get(r.group).and_then(Group::as_neurons)
    }

    pub fn neurons_mut(&mut self, r: GroupRef) -> Option<&mut NeuronGroup> {
        self.groups.get_mut(r.group).and_then(Group::as_neurons_mut)
    }
}
