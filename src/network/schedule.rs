//! The schedule as data: every object contributes operations, each with a clock, a slot
//! (`when`) and an `order`; a run sorts them as Brian 2 does (slot position in the
//! schedule, then order, then name) and the step loop walks that list, running the
//! operations whose clock ticks.

use super::{Group, Network};
use std::collections::HashMap;
use std::fmt;

/// Brian 2's default schedule.
pub const DEFAULT_SCHEDULE: [&str; 6] =
    ["start", "groups", "thresholds", "synapses", "resets", "end"];

/// A slot name: one of the schedule's names, or one with `before_`/`after_` in front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When(pub String);

impl When {
    /// A slot of the default schedule (or before_/after_ one); `None` for other names.
    pub fn from_slot(name: &str) -> Option<When> {
        let base = name
            .strip_prefix("before_")
            .or_else(|| name.strip_prefix("after_"))
            .unwrap_or(name);
        DEFAULT_SCHEDULE
            .contains(&base)
            .then(|| When(name.to_string()))
    }
    pub fn start() -> When {
        When("start".into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The position of a slot in a schedule: slot k at 3k + 1, `before_` at 3k, `after_` at
/// 3k + 2 (Brian 2's numbering).
pub fn slot_position(schedule: &[String], when: &str) -> Option<usize> {
    let (base, shift) = if let Some(b) = when.strip_prefix("before_") {
        (b, 0)
    } else if let Some(b) = when.strip_prefix("after_") {
        (b, 2)
    } else {
        (when, 1)
    };
    schedule
        .iter()
        .position(|s| s == base)
        .map(|k| 3 * k + shift)
}

/// Checks a schedule set by a script: names only, no repeats, every default slot present.
pub fn check_schedule(schedule: &[String]) -> Result<(), String> {
    for (k, s) in schedule.iter().enumerate() {
        if s.starts_with("before_") || s.starts_with("after_") {
            return Err(format!(
                "the schedule cannot name '{s}': before_ and after_ slots come with every slot"
            ));
        }
        if schedule[..k].contains(s) {
            return Err(format!("the schedule names '{s}' twice"));
        }
    }
    if let Some(missing) = DEFAULT_SCHEDULE
        .iter()
        .find(|d| !schedule.iter().any(|s| s == *d))
    {
        return Err(format!(
            "the schedule must contain all of {}; '{missing}' is missing",
            DEFAULT_SCHEDULE.join(", ")
        ));
    }
    Ok(())
}

/// The kinds of objects a network holds, each in its own list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Group,
    Connection,
    Synapses,
    SpikeMonitor,
    StateMonitor,
    RateMonitor,
    PoissonInput,
    /// Code run on a clock for a group or synapses (`run_regularly`).
    RunRegularly,
    /// Script code called in the loop (`network_operation`).
    NetworkOperation,
}

/// An object of a network: its kind and its position in that kind's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    pub kind: Kind,
    pub index: usize,
}

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Synapses: summed variables written into their target (before the target updates).
    Summed,
    /// A NeuronGroup's state update (with its refractoriness flag).
    StateUpdate,
    /// A Synapses' clock-driven equations.
    SynapsesStateUpdate,
    /// Spikes of a group: threshold, Poisson draws, generator times.
    Threshold,
    SpikeRecord,
    StateRecord,
    RateRecord,
    /// A Brian 1 Connection propagating spikes.
    Propagate,
    PoissonInput,
    /// A Synapses' pathways (pre before post).
    Pathways,
    Reset,
    /// A custom event's condition (the group's event number).
    EventThreshold(usize),
    /// The code run on a custom event (`run_on_event`).
    EventReset(usize),
    /// `run_regularly` code.
    RunRegularly,
    /// A network operation: the loop pauses for its caller.
    NetworkOperation,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Summed => "summed variables",
            Part::StateUpdate | Part::SynapsesStateUpdate => "state update",
            Part::Threshold => "threshold",
            Part::SpikeRecord | Part::StateRecord | Part::RateRecord => "recording",
            Part::Propagate | Part::Pathways => "spike propagation",
            Part::PoissonInput => "Poisson input",
            Part::Reset => "reset",
            Part::EventThreshold(_) => "event",
            Part::EventReset(_) => "event code",
            Part::RunRegularly => "run_regularly",
            Part::NetworkOperation => "network operation",
        }
    }
}

/// How a script places an object in the schedule (Brian 2's `when`, `order`, `dt`,
/// `clock`, `active`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduling {
    /// The slot of an object with one operation (monitors, inputs, connections).
    pub when: Option<When>,
    pub order: i32,
    /// Its own time step (a clock made for it), unless `clock` is given.
    pub dt: Option<f64>,
    /// A clock of the network (`Network::clocks`).
    pub clock: Option<usize>,
    pub active: bool,
}

impl Default for Scheduling {
    fn default() -> Self {
        Scheduling {
            when: None,
            order: 0,
            dt: None,
            clock: None,
            active: true,
        }
    }
}

/// One entry of the sorted schedule.
#[derive(Clone, Debug)]
pub struct Operation {
    pub object: ObjectId,
    pub part: Part,
    /// Brian 2's name of the code object (`neurongroup_stateupdater`); ties in slot and
    /// order are broken by it.
    pub name: String,
    /// The owning object's name.
    pub owner: String,
    pub clock: usize,
    pub when: String,
    pub position: usize,
    pub order: i32,
    pub active: bool,
}

impl Network {
    /// How an object is scheduled (defaults if the script set nothing).
    pub fn scheduling(&self, id: ObjectId) -> Scheduling {
        self.scheduling.get(&id).cloned().unwrap_or_default()
    }

    pub fn scheduling_mut(&mut self, id: ObjectId) -> &mut Scheduling {
        self.scheduling.entry(id).or_default()
    }

    /// A clock with this dt made for an object's `dt:` option (one per distinct dt).
    fn auto_clock(&mut self, dt: f64) -> usize {
        if let Some(k) = self.clocks.iter().position(|c| c.auto && c.dt == dt) {
            return k;
        }
        let name = self.unused_clock_name("clock");
        let mut c = super::Clock::new(name, dt);
        c.auto = true;
        self.clocks.push(c);
        self.clocks.len() - 1
    }

    /// `base`, or `base_1`, `base_2`, ... : the first name no clock has (Brian 2's names).
    pub fn unused_clock_name(&self, base: &str) -> String {
        let taken = |n: &str| self.clocks.iter().any(|c| c.name == n);
        if !taken(base) {
            return base.to_string();
        }
        (1..)
            .map(|k| format!("{base}_{k}"))
            .find(|n| !taken(n))
            .expect("a free name")
    }

    /// The clock an object runs on when it does not follow another object's clock.
    fn own_clock(&mut self, id: ObjectId) -> Result<Option<usize>, String> {
        let s = self.scheduling(id);
        let dt = match (id.kind, s.dt) {
            (Kind::Group, None) => match &self.groups[id.index] {
                Group::Neurons(g) => g.spec.dt,
                _ => None,
            },
            (_, dt) => dt,
        };
        Ok(match (s.clock, dt) {
            (Some(c), _) if c < self.clocks.len() => Some(c),
            (Some(c), _) => return Err(format!("there is no clock number {c}")),
            (None, Some(dt)) => {
                if !(dt > 0.0) || !dt.is_finite() {
                    return Err(format!("dt must be a positive, finite time, got {dt} s"));
                }
                Some(self.auto_clock(dt))
            }
            (None, None) => None,
        })
    }

    /// The clock of every object, Brian 2's defaults where the script gave none: groups
    /// and synapses the default clock, monitors their source's clock.
    pub(super) fn resolve_clocks(&mut self) -> Result<HashMap<ObjectId, usize>, String> {
        let mut out = HashMap::new();
        let ids: Vec<ObjectId> = self.object_ids().collect();
        // Groups and synapses first: monitors and pathways follow them.
        for &id in ids
            .iter()
            .filter(|i| matches!(i.kind, Kind::Group | Kind::Synapses))
        {
            let c = self.own_clock(id)?.unwrap_or(0);
            out.insert(id, c);
        }
        for &id in ids
            .iter()
            .filter(|i| !matches!(i.kind, Kind::Group | Kind::Synapses))
        {
            let follow = |kind, index| out.get(&ObjectId { kind, index }).copied().unwrap_or(0);
            let c = match self.own_clock(id)? {
                Some(c) => c,
                None => match id.kind {
                    Kind::Connection => {
                        follow(Kind::Group, self.connections[id.index].source.group)
                    }
                    Kind::SpikeMonitor => {
                        follow(Kind::Group, self.spike_monitors[id.index].source.group)
                    }
                    Kind::RateMonitor => {
                        follow(Kind::Group, self.rate_monitors[id.index].source.group)
                    }
                    Kind::StateMonitor => match self.state_monitors[id.index].synapses {
                        Some(s) => follow(Kind::Synapses, s),
                        None => follow(Kind::Group, self.state_monitors[id.index].source.group),
                    },
                    Kind::PoissonInput => {
                        follow(Kind::Group, self.poisson_inputs[id.index].target.group)
                    }
                    Kind::RunRegularly => match self.run_regularly[id.index].owner {
                        super::CodeOwner::Neurons(r) => follow(Kind::Group, r.group),
                        super::CodeOwner::Synapses(k) => follow(Kind::Synapses, k),
                    },
                    // Brian 2: the default clock.
                    Kind::NetworkOperation => 0,
                    Kind::Group | Kind::Synapses => unreachable!(),
                },
            };
            out.insert(id, c);
        }
        Ok(out)
    }

    /// Every object of the network, kind by kind.
    pub fn object_ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        let lists = [
            (Kind::Group, self.groups.len()),
            (Kind::Connection, self.connections.len()),
            (Kind::Synapses, self.synapses.len()),
            (Kind::SpikeMonitor, self.spike_monitors.len()),
            (Kind::StateMonitor, self.state_monitors.len()),
            (Kind::RateMonitor, self.rate_monitors.len()),
            (Kind::PoissonInput, self.poisson_inputs.len()),
            (Kind::RunRegularly, self.run_regularly.len()),
            (Kind::NetworkOperation, self.network_operations.len()),
        ];
        lists
            .into_iter()
            .flat_map(|(kind, n)| (0..n).map(move |index| ObjectId { kind, index }))
    }

    /// The object's name.
    pub fn object_name(&self, id: ObjectId) -> String {
        match id.kind {
            Kind::Group => self.groups[id.index].name().to_string(),
            Kind::Connection => self.connections[id.index].name.clone(),
            Kind::Synapses => self.synapses[id.index].spec.name.clone(),
            Kind::SpikeMonitor => self.spike_monitors[id.index].name.clone(),
            Kind::StateMonitor => self.state_monitors[id.index].name.clone(),
            Kind::RateMonitor => self.rate_monitors[id.index].name.clone(),
            Kind::PoissonInput => self.poisson_inputs[id.index].name.clone(),
            Kind::RunRegularly => self.run_regularly[id.index].name.clone(),
            Kind::NetworkOperation => self.network_operations[id.index].name.clone(),
        }
    }

    /// The object an operation is part of (Brian 2's "part of" column): code run
    /// regularly is part of its group or synapses.
    fn part_of(&self, id: ObjectId) -> String {
        match id.kind {
            Kind::RunRegularly => match self.run_regularly[id.index].owner {
                super::CodeOwner::Neurons(r) => self.groups[r.group].name().to_string(),
                super::CodeOwner::Synapses(k) => self.synapses[k].spec.name.clone(),
            },
            _ => self.object_name(id),
        }
    }

    /// Whether an object takes part in the coming run: a member of the network, or code
    /// (`run_regularly`) of a member (Brian 2: contained objects go with their owner).
    pub fn takes_part(&self, members: &super::Members, id: ObjectId) -> bool {
        match id.kind {
            Kind::RunRegularly => match self.run_regularly[id.index].owner {
                super::CodeOwner::Neurons(r) => members.group(r.group),
                super::CodeOwner::Synapses(k) => members.synapse(k),
            },
            _ => members.has_object(id),
        }
    }

    /// The sorted operations of the objects taking part in a run (Brian 2's
    /// `sorted_objects`): by slot position, order, then name.
    pub fn operations(
        &self,
        members: &super::Members,
        clocks: &HashMap<ObjectId, usize>,
    ) -> Result<Vec<Operation>, String> {
        let schedule = &self.schedule;
        let mut ops = Vec::new();
        let mut push = |id: ObjectId,
                        part: Part,
                        name: String,
                        when: &str,
                        order: i32|
         -> Result<(), String> {
            let position = slot_position(schedule, when).ok_or_else(|| {
                format!(
                    "{}: '{when}' is not a slot of the schedule ({})",
                    self.object_name(id),
                    schedule.join(", ")
                )
            })?;
            let s = self.scheduling(id);
            let clock = match part {
                // Summed variables are written on the target's clock, pathways run on
                // the source's clock (Brian 2).
                Part::Summed => {
                    let t = self.synapses[id.index].spec.target.group;
                    clocks[&ObjectId {
                        kind: Kind::Group,
                        index: t,
                    }]
                }
                Part::Pathways => {
                    let src = self.synapses[id.index].spec.source.group;
                    clocks[&ObjectId {
                        kind: Kind::Group,
                        index: src,
                    }]
                }
                _ => clocks[&id],
            };
            ops.push(Operation {
                object: id,
                part,
                name,
                owner: self.part_of(id),
                clock,
                when: when.to_string(),
                position,
                order,
                active: s.active,
            });
            Ok(())
        };
        for id in self.object_ids().filter(|id| self.takes_part(members, *id)) {
            let s = self.scheduling(id);
            let name = self.object_name(id);
            let when1 =
                |default: &str| s.when.as_ref().map_or(default.to_string(), |w| w.0.clone());
            match id.kind {
                Kind::Group => match &self.groups[id.index] {
                    Group::Neurons(g) => {
                        push(
                            id,
                            Part::StateUpdate,
                            format!("{name}_stateupdater"),
                            "groups",
                            s.order,
                        )?;
                        if g.spec.threshold.is_some() {
                            let (when, order) = g.event_slot(None, s.order);
                            push(
                                id,
                                Part::Threshold,
                                format!("{name}_spike_thresholder"),
                                &when,
                                order,
                            )?;
                        }
                        if g.has_reset() {
                            let (when, order) = g.reset_slot(None, s.order);
                            push(
                                id,
                                Part::Reset,
                                format!("{name}_spike_resetter"),
                                &when,
                                order,
                            )?;
                        }
                        for (e, ev) in g.events.iter().enumerate() {
                            let (when, order) = g.event_slot(Some(e), s.order);
                            push(
                                id,
                                Part::EventThreshold(e),
                                format!("{name}_{}_thresholder", ev.name),
                                &when,
                                order,
                            )?;
                            if ev.code.is_some() {
                                let (when, order) = g.reset_slot(Some(e), s.order);
                                push(
                                    id,
                                    Part::EventReset(e),
                                    format!("{name}_{}_resetter", ev.name),
                                    &when,
                                    order,
                                )?;
                            }
                        }
                    }
                    _ => push(id, Part::Threshold, name, &when1("thresholds"), s.order)?,
                },
                Kind::Synapses => {
                    let syn = &self.synapses[id.index];
                    if syn.has_summed() {
                        let target = ObjectId {
                            kind: Kind::Group,
                            index: syn.spec.target.group,
                        };
                        let order = self.scheduling(target).order - 1;
                        push(
                            id,
                            Part::Summed,
                            format!("{name}_summed_variable"),
                            "groups",
                            order,
                        )?;
                    }
                    if syn.has_clock_driven() {
                        push(
                            id,
                            Part::SynapsesStateUpdate,
                            format!("{name}_stateupdater"),
                            "groups",
                            s.order,
                        )?;
                    }
                    push(id, Part::Pathways, format!("{name}_pre"), "synapses", -1)?;
                }
                Kind::SpikeMonitor | Kind::RateMonitor => {
                    let source = if id.kind == Kind::SpikeMonitor {
                        self.spike_monitors[id.index].source.group
                    } else {
                        self.rate_monitors[id.index].source.group
                    };
                    let src = ObjectId {
                        kind: Kind::Group,
                        index: source,
                    };
                    let (part, default_when, default_order) = if id.kind == Kind::SpikeMonitor {
                        // After the thresholder of the recorded event (Brian 2: its slot,
                        // order + 1).
                        let src_order = self.scheduling(src).order;
                        let (w, o) = match &self.groups[source] {
                            Group::Neurons(g) => {
                                g.event_slot(self.spike_monitors[id.index].event_index, src_order)
                            }
                            _ => (
                                self.scheduling(src)
                                    .when
                                    .map_or("thresholds".into(), |w| w.0),
                                src_order,
                            ),
                        };
                        (Part::SpikeRecord, w, o + 1)
                    } else {
                        (Part::RateRecord, "end".to_string(), 0)
                    };
                    let (when, order) = match &s.when {
                        Some(w) => (w.0.clone(), s.order),
                        None => (default_when, default_order),
                    };
                    push(id, part, name, &when, order)?;
                }
                Kind::StateMonitor => {
                    let own = self.state_monitors[id.index].when.0.clone();
                    push(id, Part::StateRecord, name, &when1(&own), s.order)?
                }
                Kind::Connection => push(id, Part::Propagate, name, &when1("synapses"), s.order)?,
                Kind::PoissonInput => {
                    push(id, Part::PoissonInput, name, &when1("synapses"), s.order)?
                }
                Kind::RunRegularly => push(id, Part::RunRegularly, name, &when1("start"), s.order)?,
                Kind::NetworkOperation => {
                    push(id, Part::NetworkOperation, name, &when1("start"), s.order)?
                }
            }
        }
        ops.sort_by(|a, b| {
            (a.position, a.order)
                .cmp(&(b.position, b.order))
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(ops)
    }

    /// Brian 2's `scheduling_summary()`: one row per operation, in running order.
    pub fn scheduling_summary(
        &self,
        members: &super::Members,
        clocks: &HashMap<ObjectId, usize>,
    ) -> Result<String, String> {
        let ops = self.operations(members, clocks)?;
        let rows: Vec<[String; 6]> = ops
            .iter()
            .map(|op| {
                let c = &self.clocks[op.clock];
                [
                    format!("{} ({})", op.name, op.owner),
                    op.part.label().to_string(),
                    format!(
                        "{} (dt={})",
                        c.name,
                        crate::units::Quantity::new(c.dt, crate::units::Dimension::TIME)
                    ),
                    op.when.clone(),
                    op.order.to_string(),
                    if op.active { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect();
        let head = ["object", "part", "clock", "when", "order", "active"].map(String::from);
        let mut widths = head.clone().map(|h| h.len());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |r: &[String; 6]| {
            r.iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = vec![line(&head)];
        out.push(widths.map(|w| "-".repeat(w)).join("  "));
        out.extend(rows.iter().map(line));
        Ok(out.join("\n"))
    }
}
