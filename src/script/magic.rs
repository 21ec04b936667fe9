//! Which objects a run includes, and each network's own time: Brian 2's magic `run()`
//! (the objects in the variables of the calling scope), explicit `Network(...)`s, the
//! network each object has run in, and the checks Brian 2 makes on them.
//!
//! Object identity is the object's place in the core (its kind and index): handles are
//! plain indices and stay `Clone`; what an object has run in lives here, in the script
//! layer's state, not in the core.

use super::api::explicit_network::NetworkHandle;
use super::api::monitors::{RateMonitorHandle, SpikeMonitorHandle, StateMonitorHandle};
use super::api::network::{ConnectionHandle, GroupHandle, PoissonInputHandle};
use super::api::network_operation::NetworkOperationHandle;
use super::api::synapses::{PathwayHandle, SynapsesHandle};
use super::SimState;
use crate::network::{Group, MemberFlags, Network};
use rhai::{Dynamic, Scope};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A Brian object of the core: its kind and index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectId {
    Group(usize),
    Connection(usize),
    Synapses(usize),
    SpikeMonitor(usize),
    StateMonitor(usize),
    RateMonitor(usize),
    PoissonInput(usize),
    NetworkOperation(usize),
}

impl ObjectId {
    /// The object a handle stands for; a subgroup stands for its group (an explicit
    /// Network given a subgroup runs the whole group).
    pub fn of(v: &Dynamic) -> Option<ObjectId> {
        if let Some(g) = v.read_lock::<GroupHandle>() {
            return Some(ObjectId::Group(g.0.group));
        }
        if let Some(c) = v.read_lock::<ConnectionHandle>() {
            return Some(ObjectId::Connection(c.0));
        }
        if let Some(s) = v.read_lock::<SynapsesHandle>() {
            return Some(ObjectId::Synapses(s.0));
        }
        if let Some(m) = v.read_lock::<SpikeMonitorHandle>() {
            return Some(ObjectId::SpikeMonitor(m.0));
        }
        if let Some(m) = v.read_lock::<StateMonitorHandle>() {
            return Some(ObjectId::StateMonitor(m.0));
        }
        if let Some(m) = v.read_lock::<RateMonitorHandle>() {
            return Some(ObjectId::RateMonitor(m.0));
        }
        if let Some(p) = v.read_lock::<PoissonInputHandle>() {
            return Some(ObjectId::PoissonInput(p.0));
        }
        if let Some(o) = v.read_lock::<NetworkOperationHandle>() {
            return Some(ObjectId::NetworkOperation(o.0));
        }
        None
    }

    /// The same object as the core names it.
    pub fn core(self) -> crate::network::ObjectId {
        use crate::network::Kind;
        let (kind, index) = match self {
            ObjectId::Group(k) => (Kind::Group, k),
            ObjectId::Connection(k) => (Kind::Connection, k),
            ObjectId::Synapses(k) => (Kind::Synapses, k),
            ObjectId::SpikeMonitor(k) => (Kind::SpikeMonitor, k),
            ObjectId::StateMonitor(k) => (Kind::StateMonitor, k),
            ObjectId::RateMonitor(k) => (Kind::RateMonitor, k),
            ObjectId::PoissonInput(k) => (Kind::PoissonInput, k),
            ObjectId::NetworkOperation(k) => (Kind::NetworkOperation, k),
        };
        crate::network::ObjectId { kind, index }
    }

    /// The object the magic network collects from a variable: as [`ObjectId::of`], except
    /// that a subgroup is not collected (Brian 2: a Subgroup does not run its group).
    pub fn collected(v: &Dynamic, net: &Network) -> Option<ObjectId> {
        if let Some(g) = v.read_lock::<GroupHandle>() {
            let full = net.groups.get(g.0.group).map(Group::len);
            return (g.0.start == 0 && Some(g.0.len) == full).then_some(ObjectId::Group(g.0.group));
        }
        ObjectId::of(v)
    }

    /// Creating a monitor never forces the magic network to start afresh (Brian 2's
    /// `invalidates_magic_network`).
    fn invalidates_magic_network(self) -> bool {
        !matches!(
            self,
            ObjectId::SpikeMonitor(_) | ObjectId::StateMonitor(_) | ObjectId::RateMonitor(_)
        )
    }

    pub fn name(self, net: &Network) -> String {
        let n = match self {
            ObjectId::Group(k) => net.groups.get(k).map(|g| g.name().to_string()),
            ObjectId::Connection(k) => net.connections.get(k).map(|c| c.name.clone()),
            ObjectId::Synapses(k) => net.synapses.get(k).map(|s| s.spec.name.clone()),
            ObjectId::SpikeMonitor(k) => net.spike_monitors.get(k).map(|m| m.name.clone()),
            ObjectId::StateMonitor(k) => net.state_monitors.get(k).map(|m| m.name.clone()),
            ObjectId::RateMonitor(k) => net.rate_monitors.get(k).map(|m| m.name.clone()),
            ObjectId::PoissonInput(k) => net.poisson_inputs.get(k).map(|p| p.name.clone()),
            ObjectId::NetworkOperation(k) => net.network_operations.get(k).map(|o| o.name.clone()),
        };
        n.unwrap_or_else(|| format!("{self:?}"))
    }

    /// The objects this one cannot run without (Brian 2's `_dependencies`: a monitor its
    /// source, synapses and connections their source and target).
    fn dependencies(self, net: &Network) -> Vec<ObjectId> {
        let g = ObjectId::Group;
        match self {
            ObjectId::SpikeMonitor(k) => net.spike_monitors.get(k).map(|m| vec![g(m.source.group)]),
            ObjectId::RateMonitor(k) => net.rate_monitors.get(k).map(|m| vec![g(m.source.group)]),
            ObjectId::StateMonitor(k) => net.state_monitors.get(k).map(|m| match m.synapses {
                Some(s) => vec![ObjectId::Synapses(s)],
                None => vec![g(m.source.group)],
            }),
            ObjectId::Synapses(k) => net
                .synapses
                .get(k)
                .map(|s| vec![g(s.spec.source.group), g(s.spec.target.group)]),
            ObjectId::Connection(k) => net
                .connections
                .get(k)
                .map(|c| vec![g(c.source.group), g(c.target.group)]),
            ObjectId::Group(_) | ObjectId::PoissonInput(_) | ObjectId::NetworkOperation(_) => None,
        }
        .unwrap_or_default()
    }
}

/// Whether reading a variable holding this value should take the namespace snapshot: a
/// Brian object (or network, pathway) whose methods and setters compile code, or a map
/// or array that may hold one (an array is judged by its first element, to stay cheap).
pub fn is_entry_value(v: &Dynamic) -> bool {
    // A shared variable borrowed by the call in progress (`net.run(...)` while a network
    // operation reads `net`) cannot be looked into; it is not a Brian object's entry.
    if v.is_shared() && v.is_locked() {
        return false;
    }
    fn handle(v: &Dynamic) -> bool {
        v.is::<GroupHandle>()
            || v.is::<SynapsesHandle>()
            || v.is::<ConnectionHandle>()
            || v.is::<NetworkHandle>()
            || v.is::<PathwayHandle>()
            || v.is::<SpikeMonitorHandle>()
            || v.is::<StateMonitorHandle>()
            || v.is::<RateMonitorHandle>()
            || v.is::<PoissonInputHandle>()
            || v.is::<NetworkOperationHandle>()
            || v.is_map()
    }
    if handle(v) {
        return true;
    }
    if v.is_array() {
        if let Ok(a) = v.as_array_ref() {
            return a.first().is_some_and(handle);
        }
    }
    false
}

/// The Brian objects in the variables of a scope (not inside arrays or maps, as Brian 2's
/// `collect()`), with a handle for each, in the order of the scope; objects created
/// before the last `start_scope()` are left out.
pub fn collect(scope: &Scope, st: &SimState) -> Vec<(ObjectId, Dynamic)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (_, _, value) in scope.iter_raw() {
        if let Some(id) = ObjectId::collected(value, &st.net) {
            if st.runs.in_scope(id) && seen.insert(id) {
                out.push((id, value.clone()));
            }
        }
    }
    out
}

/// How many objects of each kind existed at `start_scope()`.
type Counts = [usize; 8];

fn counts(net: &Network) -> Counts {
    [
        net.groups.len(),
        net.connections.len(),
        net.synapses.len(),
        net.spike_monitors.len(),
        net.state_monitors.len(),
        net.rate_monitors.len(),
        net.poisson_inputs.len(),
        net.network_operations.len(),
    ]
}

fn slot(id: ObjectId) -> (usize, usize) {
    match id {
        ObjectId::Group(k) => (0, k),
        ObjectId::Connection(k) => (1, k),
        ObjectId::Synapses(k) => (2, k),
        ObjectId::SpikeMonitor(k) => (3, k),
        ObjectId::StateMonitor(k) => (4, k),
        ObjectId::RateMonitor(k) => (5, k),
        ObjectId::PoissonInput(k) => (6, k),
        ObjectId::NetworkOperation(k) => (7, k),
    }
}

/// What `store()` keeps of the recording times: seconds recorded and the end of the
/// last run per SpikeMonitor, and the magic network's time.
type StoredRecording = (HashMap<usize, f64>, HashMap<usize, f64>, f64);

/// Which network each object has run in, the magic network's id and time, objects set
/// inactive, and the time each SpikeMonitor has recorded.
#[derive(Debug, Default)]
pub struct Runs {
    /// The id of the network each object first ran in (Brian 2's `obj._network`).
    ran_in: HashMap<ObjectId, u64>,
    /// Objects the magic network found without an object they depend on (Brian 2 sets
    /// them inactive, for good).
    inactive: HashSet<ObjectId>,
    /// Objects warned about, so that a warning is given once.
    warned: HashSet<ObjectId>,
    /// The magic network's id (a new one whenever it starts afresh) and its time.
    magic_id: u64,
    pub magic_t: f64,
    next_id: u64,
    /// Objects that existed at the last `start_scope()`.
    scope_start: Counts,
    /// Seconds each SpikeMonitor has recorded (for the run summary), and as stored.
    pub recorded: HashMap<usize, f64>,
    /// The time each SpikeMonitor's last run ended (the end of its recording window).
    pub recorded_end: HashMap<usize, f64>,
    stored_recorded: HashMap<String, StoredRecording>,
}

impl Runs {
    pub fn new() -> Runs {
        Runs {
            magic_id: 1,
            next_id: 2,
            ..Default::default()
        }
    }

    /// The magic network's id.
    pub fn magic_id(&self) -> u64 {
        self.magic_id
    }

    /// A fresh id for an explicit network.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    fn in_scope(&self, id: ObjectId) -> bool {
        let (kind, k) = slot(id);
        k >= self.scope_start[kind]
    }

    /// Brian 2's `start_scope()`: objects created so far are no longer collected.
    pub fn start_scope(&mut self, net: &Network) {
        self.scope_start = counts(net);
    }

    pub fn has_run(&self, id: ObjectId) -> bool {
        self.ran_in.contains_key(&id)
    }

    pub fn remember_recorded(&mut self, name: &str) {
        self.stored_recorded.insert(
            name.to_string(),
            (
                self.recorded.clone(),
                self.recorded_end.clone(),
                self.magic_t,
            ),
        );
    }

    pub fn recall_recorded(&mut self, name: &str) {
        if let Some((r, end, _)) = self.stored_recorded.get(name) {
            self.recorded = r.clone();
            self.recorded_end = end.clone();
        }
    }
}

/// What a run includes: the member flags for the core, the spike monitors recording.
pub struct Plan {
    pub flags: MemberFlags,
    pub id: u64,
    /// No object at all: Brian 2 then runs nothing and the time stays.
    pub empty: bool,
}

pub fn flags_of(net: &Network, objects: &BTreeSet<ObjectId>) -> MemberFlags {
    let mut f = MemberFlags {
        groups: vec![false; net.groups.len()],
        connections: vec![false; net.connections.len()],
        synapses: vec![false; net.synapses.len()],
        spike_monitors: vec![false; net.spike_monitors.len()],
        state_monitors: vec![false; net.state_monitors.len()],
        rate_monitors: vec![false; net.rate_monitors.len()],
        poisson_inputs: vec![false; net.poisson_inputs.len()],
        network_operations: vec![false; net.network_operations.len()],
    };
    for &o in objects {
        let v = match o {
            ObjectId::Group(k) => f.groups.get_mut(k),
            ObjectId::Connection(k) => f.connections.get_mut(k),
            ObjectId::Synapses(k) => f.synapses.get_mut(k),
            ObjectId::SpikeMonitor(k) => f.spike_monitors.get_mut(k),
            ObjectId::StateMonitor(k) => f.state_monitors.get_mut(k),
            ObjectId::RateMonitor(k) => f.rate_monitors.get_mut(k),
            ObjectId::PoissonInput(k) => f.poisson_inputs.get_mut(k),
            ObjectId::NetworkOperation(k) => f.network_operations.get_mut(k),
        };
        if let Some(v) = v {
            *v = true;
        }
    }
    f
}

/// Brian 2's check that no object has run in another network; marks the new ones as
/// running in `id`.
fn claim(
    runs: &mut Runs,
    net: &Network,
    objects: &BTreeSet<ObjectId>,
    id: u64,
) -> Result<(), String> {
    if let Some(o) = objects
        .iter()
        .find(|o| runs.ran_in.get(o).is_some_and(|&r| r != id))
    {
        return Err(format!(
            "'{}' has already been run in the context of another network. Use add/remove to change the objects in a simulated network instead of creating a new one",
            o.name(net)
        ));
    }
    for &o in objects {
        runs.ran_in.entry(o).or_insert(id);
    }
    Ok(())
}

/// The magic network's objects: those collected from the calling scope. Starts the
/// magic network afresh (time 0) when they are all new; a mix of objects that have run
/// and new ones is Brian 2's MagicError. Objects without what they depend on are set
/// inactive with a warning, as Brian 2 does.
pub fn plan_magic(st: &mut SimState, collected: &[ObjectId]) -> Result<Plan, String> {
    let SimState { runs, net, .. } = st;
    let objects: BTreeSet<ObjectId> = collected.iter().copied().collect();
    let some_known = objects
        .iter()
        .any(|o| runs.ran_in.get(o) == Some(&runs.magic_id));
    let some_new = objects
        .iter()
        .any(|o| !runs.ran_in.contains_key(o) && o.invalidates_magic_network());
    if some_known && some_new {
        return Err("The magic network contains a mix of objects that has been run before and new objects, Brian does not know whether you want to start a new simulation or continue an old one. Consider explicitly creating a Network object. Also note that you can find out which objects will be included in a magic network with the collect() function".into());
    }
    if some_new {
        runs.magic_t = 0.0;
        runs.magic_id = runs.new_id();
    }
    let id = runs.magic_id;
    for &o in &objects {
        if runs.inactive.contains(&o) {
            continue;
        }
        if o.dependencies(net).iter().any(|d| !objects.contains(d)) {
            super::warn(&format!(
                "'{}' has been included in the network but not the object on which it depends. Setting '{}' to inactive (it records or runs nothing from now on)",
                o.name(net),
                o.name(net)
            ));
            runs.inactive.insert(o);
            // Brian 2 sets the object's `active` to False: scripts read it there too.
            net.scheduling_mut(o.core()).active = false;
        }
    }
    claim(runs, net, &objects, id)?;
    // Objects no variable of the scope holds (in an array, say) and that never ran.
    for o in all_objects(net) {
        if !objects.contains(&o)
            && !runs.ran_in.contains_key(&o)
            && runs.in_scope(o)
            && runs.warned.insert(o)
        {
            super::warn(&format!(
                "'{}' is not run: run() runs the objects held by variables of the scope it is called from, and objects only inside arrays or maps are not collected (use a Network for those)",
                o.name(net)
            ));
        }
    }
    Ok(plan(runs, net, &objects, id))
}

/// The run of `objects` in network `id`: those not set inactive take part.
fn plan(runs: &Runs, net: &Network, objects: &BTreeSet<ObjectId>, id: u64) -> Plan {
    let running: BTreeSet<ObjectId> = objects
        .iter()
        .filter(|o| !runs.inactive.contains(o))
        .copied()
        .collect();
    Plan {
        flags: flags_of(net, &running),
        id,
        empty: objects.is_empty(),
    }
}

/// An explicit network's objects: Brian 2 refuses an object included without one it
/// depends on, and objects that ran in another network.
pub fn plan_explicit(st: &mut SimState, objects: &[ObjectId], id: u64) -> Result<Plan, String> {
    let SimState { runs, net, .. } = st;
    let objects: BTreeSet<ObjectId> = objects.iter().copied().collect();
    for &o in &objects {
        if o.dependencies(net).iter().any(|d| !objects.contains(d)) {
            return Err(format!(
                "'{}' has been included in the network but not the object on which it depends",
                o.name(net)
            ));
        }
    }
    claim(runs, net, &objects, id)?;
    Ok(plan(runs, net, &objects, id))
}

fn all_objects(net: &Network) -> Vec<ObjectId> {
    let c = counts(net);
    let kinds: [fn(usize) -> ObjectId; 8] = [
        ObjectId::Group,
        ObjectId::Connection,
        ObjectId::Synapses,
        ObjectId::SpikeMonitor,
        ObjectId::StateMonitor,
        ObjectId::RateMonitor,
        ObjectId::PoissonInput,
        ObjectId::NetworkOperation,
    ];
    kinds
        .iter()
        .zip(c)
        .flat_map(|(f, n)| (0..n).map(f))
        .collect()
}
