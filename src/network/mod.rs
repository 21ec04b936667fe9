//! The simulation: groups, connections and monitors in a network, a clock, Brian 2's
//! schedule (start, groups, thresholds, synapses, resets, end) and the time-step loop.
//! Strings are parsed and compiled in `prepare`, before the loop; nothing inside the loop
//! parses or interprets code.

mod build;
mod clock;
mod connect;
mod connection;
mod events;
mod generator;
mod inputs;
mod linked;
mod monitors;
mod names;
pub mod namespace;
mod network_operation;
mod neuron_group;
mod run;
mod run_regularly;
pub mod schedule;
mod spike_queue;
mod store;
mod synapses;
mod variables;

pub use build::{
    build_connection, connection_block, count, unknown_variable, with_pair_values, Assigned,
    ConnectionDelaySpec, ConnectionSpec, DelayValue, PairFn, PairValue, Pattern, TargetVariable,
};
pub use clock::Clock;
pub use connect::{random_targets, ConnectRule};
pub use connection::{
    full_rows, one_to_one_rows, random_rows, Connection, ConnectionDelay, RowBuilder, WeightFn,
};
pub use events::{check_event_name, CustomEvent, Slot};
pub use inputs::{PoissonGroup, PoissonInput, SpikeGeneratorGroup};
pub use linked::{Link, LinkIndex};
pub use monitors::{PopulationRateMonitor, SpikeMonitor, StateMonitor, Window};
pub use namespace::Values;
pub use network_operation::NetworkOperation;
pub use neuron_group::{NeuronGroup, NeuronGroupSpec, Reset, Threshold};
pub use run::{Control, Pause, Progress, RunState, RunStats};
pub use run_regularly::{CodeOwner, RunRegularly, RunRegularlyOptions};
pub use schedule::{Kind, ObjectId, Operation, Part, Scheduling, When};
pub use spike_queue::SpikeQueue;
pub use synapses::{Delay, Pathway, Synapses, SynapsesSpec};
pub use variables::{VarIndex, VarKind, Variable};

use crate::equations::EquationError;
use crate::eval::Scratch;
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
    /// The group's spikes of this step, into `out` (cleared first): a NeuronGroup's
    /// threshold (which also makes its spiking neurons refractory), Poisson draws, or
    /// a generator's spikes due at this step.
    fn emit_spikes(
        &mut self,
        Tick { t, dt, step }: Tick,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        match self {
            Group::Neurons(ng) => ng.threshold(t, rng, scratch, out),
            Group::Poisson(p) => {
                p.update_rates(t, rng, scratch);
                p.spikes(dt, rng, out)
            }
            Group::Generator(sg) => sg.spikes_at(step, dt, out),
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
    pub network_operations: Vec<bool>,
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
    pub fn network_operation(&self, k: usize) -> bool {
        self.has(|f| &f.network_operations, k)
    }
    pub fn has_object(&self, id: ObjectId) -> bool {
        let k = id.index;
        match id.kind {
            Kind::Group => self.group(k),
            Kind::Connection => self.connection(k),
            Kind::Synapses => self.synapse(k),
            Kind::SpikeMonitor => self.spike_monitor(k),
            Kind::StateMonitor => self.state_monitor(k),
            Kind::RateMonitor => self.rate_monitor(k),
            Kind::PoissonInput => self.poisson_input(k),
            Kind::NetworkOperation => self.network_operation(k),
            // Code of a group or synapses goes with its owner (Network::takes_part).
            Kind::RunRegularly => true,
        }
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

pub struct Network {
    /// The clocks objects run on; clock 0 is `defaultclock`.
    pub clocks: Vec<Clock>,
    /// The network's time in seconds (Brian 2's `Network.t`): where the next run starts.
    t: f64,
    /// The slots of a step, in order (Brian 2's `Network.schedule`).
    pub schedule: Vec<String>,
    /// How the script placed objects in the schedule (`when`, `order`, `dt`, `active`).
    scheduling: std::collections::HashMap<ObjectId, Scheduling>,
    pub groups: Vec<Group>,
    pub connections: Vec<Connection>,
    pub synapses: Vec<Synapses>,
    pub spike_monitors: Vec<SpikeMonitor>,
    pub state_monitors: Vec<StateMonitor>,
    pub rate_monitors: Vec<PopulationRateMonitor>,
    pub poisson_inputs: Vec<PoissonInput>,
    /// `run_regularly` code of groups and synapses (run_regularly.rs).
    pub run_regularly: Vec<RunRegularly>,
    /// Script code run in the loop (network_operation.rs).
    pub network_operations: Vec<NetworkOperation>,
    /// Linked variables, refreshed before every operation (linked.rs).
    pub links: Vec<Link>,
    /// Seconds per operation of the last run made with `profile` (run.rs).
    profiling: Option<Vec<(String, f64)>>,
    pub rng: SmallRng,
    /// The objects taking part in runs (all by default; an explicit Network sets them).
    pub members: Members,
    /// Snapshots taken by `store`, by name.
    stored: std::collections::HashMap<String, store::Snapshot>,
    /// Spikes of each group's last threshold (indices in the whole group, sorted).
    spikes: Vec<Vec<u32>>,
    /// Reused buffer for what a spike queue delivers this step.
    delivery: Vec<u32>,
    scratch: Scratch,
}

impl Default for Network {
    fn default() -> Self {
        Network::new()
    }
}

/// Where an operation runs: its clock's time and step, and its time step.
#[derive(Clone, Copy)]
struct Tick {
    t: f64,
    dt: f64,
    step: u64,
}

impl Network {
    pub fn new() -> Network {
        Network {
            clocks: vec![Clock::new("defaultclock", 1e-4)],
            t: 0.0,
            schedule: schedule::DEFAULT_SCHEDULE.map(String::from).to_vec(),
            scheduling: Default::default(),
            groups: Vec::new(),
            connections: Vec::new(),
            synapses: Vec::new(),
            spike_monitors: Vec::new(),
            state_monitors: Vec::new(),
            rate_monitors: Vec::new(),
            poisson_inputs: Vec::new(),
            run_regularly: Vec::new(),
            network_operations: Vec::new(),
            links: Vec::new(),
            profiling: None,
            stored: Default::default(),
            members: Members::default(),
            rng: SmallRng::from_rng(&mut rand::rng()),
            spikes: Vec::new(),
            delivery: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// The network's current time in seconds (Brian 2's `net.t`).
    pub fn t(&self) -> f64 {
        self.t
    }

    /// Moves the network to time `t` (an explicit Network or the magic network resuming
    /// its own time); the next run starts there.
    pub fn set_t(&mut self, t: f64) {
        self.t = t;
        for c in &mut self.clocks {
            c.timestep = c.timestep_of(t);
        }
    }

    /// The default clock's time step.
    pub fn default_dt(&self) -> f64 {
        self.clocks[0].dt
    }

    /// Sets the default clock's time step. As in Brian 2, the next run refuses to start
    /// if its start time is not a multiple of the new step.
    pub fn set_default_dt(&mut self, dt: f64) -> Result<(), NetworkError> {
        self.clocks[0].set_dt(dt).map_err(NetworkError::Other)
    }

    /// A new clock (Brian 2's `Clock(dt)`); returns its number.
    pub fn add_clock(&mut self, name: &str, dt: f64) -> Result<usize, NetworkError> {
        let mut c = Clock::new(name, 1.0);
        c.set_dt(dt).map_err(NetworkError::Other)?;
        c.old_dt = None;
        self.clocks.push(c);
        Ok(self.clocks.len() - 1)
    }

    /// Runs state updates, thresholds and spike propagation on `n` threads (1: this
    /// thread only). Results are the same for any `n`.
    pub fn set_threads(&mut self, n: usize) -> Result<(), NetworkError> {
        if n == 0 {
            return Err(NetworkError::Other(
                "the number of threads must be at least 1".into(),
            ));
        }
        self.scratch.threads = if n > 1 {
            Some(crate::eval::Threads::new(n).map_err(NetworkError::Other)?)
        } else {
            None
        };
        Ok(())
    }

    /// The number of threads runs use.
    pub fn threads(&self) -> usize {
        self.scratch.threads.as_ref().map_or(1, |t| t.count())
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

    /// Compiles every group's code against `externals` (the script's values), each with
    /// the time step of its clock; returns the clock of every object.
    pub fn prepare(
        &mut self,
        externals: &Values,
    ) -> Result<std::collections::HashMap<ObjectId, usize>, NetworkError> {
        self.check_unique_names()?;
        let clocks = self.resolve_clocks().map_err(NetworkError::Other)?;
        let dt_of = |kind, index: usize| self.clocks[clocks[&ObjectId { kind, index }]].dt;
        let group_dt: Vec<f64> = (0..self.groups.len())
            .map(|k| dt_of(Kind::Group, k))
            .collect();
        let conn_dt: Vec<f64> = (0..self.connections.len())
            .map(|k| dt_of(Kind::Connection, k))
            .collect();
        let syn_dt: Vec<f64> = (0..self.synapses.len())
            .map(|k| dt_of(Kind::Synapses, k))
            .collect();
        let act = self.members.clone();
        self.check_links(|k| act.group(k))?;
        for (k, g) in self.groups.iter_mut().enumerate() {
            if !act.group(k) {
                continue;
            }
            match g {
                Group::Neurons(ng) => {
                    let ns = externals.overlaid(ng.spec.namespace.as_ref());
                    ng.prepare(group_dt[k], &ns)?
                }
                Group::Poisson(p) => p.prepare(group_dt[k], externals)?,
                Group::Generator(_) => {}
            }
        }
        for (k, c) in self.connections.iter_mut().enumerate() {
            if act.connection(k) {
                c.prepare(conn_dt[k]).map_err(NetworkError::Other)?;
            }
        }
        for (k, s) in self.synapses.iter_mut().enumerate() {
            if act.synapse(k) {
                let ns = externals
                    .overlaid(s.spec.namespace.clone().as_ref())
                    .into_owned();
                s.prepare(&self.groups, syn_dt[k], &ns)?;
            }
        }
        for (k, m) in self.state_monitors.iter_mut().enumerate() {
            if act.state_monitor(k) {
                let dt = dt_of(Kind::StateMonitor, k);
                m.prepare(&self.groups, &self.synapses, dt, externals)?;
            }
        }
        self.prepare_run_regularly(&clocks, externals)?;
        Ok(clocks)
    }

    /// The sorted operations of the next run, with everything compiled (Brian 2's
    /// `scheduling_summary()` shows them).
    pub fn summary(&mut self, externals: &Values) -> Result<String, NetworkError> {
        let clocks = self.prepare(externals)?;
        let act = self.members.clone();
        self.scheduling_summary(&act, &clocks)
            .map_err(NetworkError::Other)
    }

    /// Runs one operation; returns the number of spikes it emitted.
    fn execute(&mut self, op: &Operation, tick: Tick) -> u64 {
        if !self.links.is_empty() {
            self.refresh_links();
        }
        let Tick { t, dt, step } = tick;
        let k = op.object.index;
        match op.part {
            Part::Summed => self.synapses[k].update_summed(
                &mut self.groups,
                t,
                &mut self.rng,
                &mut self.scratch,
            ),
            Part::StateUpdate => {
                if let Group::Neurons(ng) = &mut self.groups[k] {
                    ng.state_update(t, &mut self.rng, &mut self.scratch);
                }
            }
            Part::SynapsesStateUpdate => {
                self.synapses[k].update_state(&mut self.groups, t, &mut self.rng, &mut self.scratch)
            }
            Part::Threshold => {
                let out = &mut self.spikes[k];
                self.groups[k].emit_spikes(tick, &mut self.rng, &mut self.scratch, out);
                return out.len() as u64;
            }
            Part::SpikeRecord => self.record_events(k, t),
            Part::EventThreshold(e) => self.event_threshold(k, e, t),
            Part::EventReset(e) => self.event_reset(k, e, t),
            Part::RunRegularly => self.run_regularly_step(k, t),
            // The loop pauses there and its caller runs the code (run.rs).
            Part::NetworkOperation => {}
            Part::RateRecord => {
                let m = &mut self.rate_monitors[k];
                m.record(&self.spikes[m.source.group], t, dt);
            }
            Part::StateRecord => {
                let m = &mut self.state_monitors[k];
                if !step.is_multiple_of(m.every) {
                    return 0;
                }
                m.record(
                    &self.groups,
                    &self.synapses,
                    t,
                    &mut self.rng,
                    &mut self.scratch,
                );
            }
            Part::Propagate => {
                let c = &mut self.connections[k];
                let src = &self.spikes[c.source.group];
                let (lo, hi) = (
                    c.source.start as u32,
                    (c.source.start + c.source.len) as u32,
                );
                let local = src.iter().filter(|&&s| s >= lo && s < hi).map(|&s| s - lo);
                if let Group::Neurons(tg) = &mut self.groups[c.target.group] {
                    let (arr, mask) = tg.write_target(c.target_var, c.target.start, c.target.len);
                    c.step(
                        local,
                        &mut self.delivery,
                        arr,
                        mask,
                        self.scratch.threads.as_ref(),
                    );
                }
            }
            Part::PoissonInput => {
                let pi = &self.poisson_inputs[k];
                if let Group::Neurons(tg) = &mut self.groups[pi.target.group] {
                    let r = pi.target;
                    let (arr, mask) = tg.write_target(pi.target_var, r.start, r.len);
                    pi.apply(arr, mask, dt, &mut self.rng);
                }
            }
            Part::Pathways => {
                self.synapses[k].propagate(
                    &self.spikes,
                    &mut self.groups,
                    t,
                    &mut self.rng,
                    &mut self.scratch,
                    &mut self.delivery,
                );
            }
            Part::Reset => {
                if let Group::Neurons(ng) = &mut self.groups[k] {
                    ng.reset(&self.spikes[k], t, &mut self.rng, &mut self.scratch);
                }
            }
        }
        0
    }

    fn check_finite(&self, t: f64) -> Result<(), NetworkError> {
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
                        t,
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
