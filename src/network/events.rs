//! Custom events (Brian 2's `events`, `run_on_event`, `set_event_schedule`): a
//! NeuronGroup may name conditions besides its threshold; each is checked by an operation
//! of its own (`<group>_<event>_thresholder`, slot `after_thresholds` by default), may run
//! code on the neurons that had it (`<group>_<event>_resetter`, `after_resets`), can
//! trigger synaptic pathways (`on_event`) and be recorded by an EventMonitor (a
//! SpikeMonitor is one on the built-in event `spike`).
//!
//! As in Brian 2, an event's condition is not combined with `not_refractory` (only the
//! spike threshold is), and code run on an event, like the reset, writes `(unless
//! refractory)` variables also in refractory neurons.

use super::schedule::When;
use super::{Group, Network, NeuronGroup, SpikeMonitor};
use crate::eval::{Elements, Kernel};

/// Where an event's operation runs: a slot and, unless the group's, an order.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub when: When,
    pub order: Option<i32>,
}

/// A named condition of a NeuronGroup besides its threshold.
pub struct CustomEvent {
    pub name: String,
    pub condition: String,
    /// Where the condition is checked (default: `after_thresholds`, the group's order).
    pub check: Option<Slot>,
    /// Code run on the neurons with the event (`run_on_event`).
    pub code: Option<String>,
    /// Where that code runs (default: `after_resets`, the group's order).
    pub code_at: Option<Slot>,
    pub(super) threshold: Option<Kernel>,
    pub(super) reset: Option<Kernel>,
    /// The neurons that had the event at its latest check (indices in the whole group).
    pub(super) current: Vec<u32>,
}

impl CustomEvent {
    pub fn new(name: impl Into<String>, condition: impl Into<String>) -> CustomEvent {
        CustomEvent {
            name: name.into(),
            condition: condition.into(),
            check: None,
            code: None,
            code_at: None,
            threshold: None,
            reset: None,
            current: Vec::new(),
        }
    }
}

/// Brian 2's rule for event names: an identifier, not `spike` (the threshold's).
pub fn check_event_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ident {
        return Err(format!(
            "'{name}' cannot be the name of an event: use letters, digits and _"
        ));
    }
    if name == "spike" {
        return Err(
            "'spike' is the event of the threshold: give the condition as 'threshold'".into(),
        );
    }
    Ok(())
}

impl NeuronGroup {
    /// The event called `name`: `None` for `spike` (the threshold), else its number.
    pub fn event_index(&self, name: &str) -> Result<Option<usize>, String> {
        if name == "spike" {
            if self.spec.threshold.is_none() {
                return Err(format!(
                    "{} has no event 'spike': it has no threshold (did you forget to set a 'threshold'?)",
                    self.spec.name
                ));
            }
            return Ok(None);
        }
        if let Some(k) = self.events.iter().position(|e| e.name == name) {
            return Ok(Some(k));
        }
        let mut names: Vec<&str> = self.events.iter().map(|e| e.name.as_str()).collect();
        if self.spec.threshold.is_some() {
            names.insert(0, "spike");
        }
        let known = if names.is_empty() {
            "it has none (give events: #{ name: \"condition\" } when creating it)".to_string()
        } else {
            format!("its events are {}", names.join(", "))
        };
        Err(format!("{} has no event '{name}'; {known}", self.spec.name))
    }

    /// The slot and order of the check of an event (`None`: the threshold).
    pub fn event_slot(&self, event: Option<usize>, group_order: i32) -> (String, i32) {
        let (slot, default) = match event {
            None => (&self.spike_check, "thresholds"),
            Some(e) => (&self.events[e].check, "after_thresholds"),
        };
        match slot {
            Some(s) => (s.when.0.clone(), s.order.unwrap_or(group_order)),
            None => (default.to_string(), group_order),
        }
    }

    /// The slot and order of the code run on an event (`None`: the reset).
    pub fn reset_slot(&self, event: Option<usize>, group_order: i32) -> (String, i32) {
        let (slot, default) = match event {
            None => (&self.spike_code_at, "resets"),
            Some(e) => (&self.events[e].code_at, "after_resets"),
        };
        match slot {
            Some(s) => (s.when.0.clone(), s.order.unwrap_or(group_order)),
            None => (default.to_string(), group_order),
        }
    }

    /// Brian 2's `run_on_event`: code run on the neurons with the event, by default in
    /// `after_resets` (also for `spike`, whose reset given to the group runs in `resets`).
    /// One piece of code per event.
    pub fn run_on_event(
        &mut self,
        event: &str,
        code: &str,
        when: Option<When>,
        order: Option<i32>,
    ) -> Result<(), String> {
        let taken = |g: &NeuronGroup| {
            format!(
                "{}: cannot add code for the event '{event}': code for this event has already been added",
                g.spec.name
            )
        };
        let slot = Some(Slot {
            when: when.unwrap_or(When("after_resets".into())),
            order,
        });
        match self.event_index(event)? {
            None => {
                if self.spec.reset.is_some() {
                    return Err(taken(self));
                }
                self.spec.reset = Some(super::Reset::Code(code.to_string()));
                self.spike_code_at = slot;
            }
            Some(e) => {
                if self.events[e].code.is_some() {
                    return Err(taken(self));
                }
                self.events[e].code = Some(code.to_string());
                self.events[e].code_at = slot;
            }
        }
        Ok(())
    }

    /// Brian 2's `set_event_schedule`: where an event's condition is checked (default
    /// `after_thresholds`, the group's order).
    pub fn set_event_schedule(
        &mut self,
        event: &str,
        when: Option<When>,
        order: Option<i32>,
    ) -> Result<(), String> {
        let slot = Some(Slot {
            when: when.unwrap_or(When("after_thresholds".into())),
            order,
        });
        match self.event_index(event)? {
            None => self.spike_check = slot,
            Some(e) => self.events[e].check = slot,
        }
        Ok(())
    }

    /// The neurons that had event `e` at its latest check (`None`: not a custom event).
    pub(super) fn event_list(&self, e: usize) -> &[u32] {
        &self.events[e].current
    }
}

impl Network {
    /// Checks the condition of custom event `e` of group `k`.
    pub(super) fn event_threshold(&mut self, k: usize, e: usize, t: f64) {
        let Group::Neurons(ng) = &mut self.groups[k] else {
            return;
        };
        let n = ng.spec.n;
        let CustomEvent {
            threshold, current, ..
        } = &mut ng.events[e];
        current.clear();
        if let Some(th) = threshold.as_ref() {
            th.run(
                &mut ng.arrays,
                Elements::Range(0, n),
                &[t],
                &mut self.rng,
                &mut self.scratch,
                |j| current.push(j),
            );
        }
    }

    /// Runs the code of custom event `e` of group `k` on the neurons that had it.
    pub(super) fn event_reset(&mut self, k: usize, e: usize, t: f64) {
        let Group::Neurons(ng) = &mut self.groups[k] else {
            return;
        };
        let CustomEvent { reset, current, .. } = &ng.events[e];
        if current.is_empty() {
            return;
        }
        if let Some(code) = reset.as_ref() {
            code.run(
                &mut ng.arrays,
                Elements::Indices(current),
                &[t],
                &mut self.rng,
                &mut self.scratch,
                |_| {},
            );
        }
    }

    /// An EventMonitor (or SpikeMonitor) records its event of this step.
    pub(super) fn record_events(&mut self, k: usize, t: f64) {
        let m = &mut self.spike_monitors[k];
        let g = m.source.group;
        let events: &[u32] = match (m.event_index, &self.groups[g]) {
            (Some(e), Group::Neurons(ng)) => ng.event_list(e),
            _ => &self.spikes[g],
        };
        m.record(events, t);
        if !m.var_indices.is_empty() {
            if let Group::Neurons(ng) = &self.groups[g] {
                m.record_values(&ng.arrays, events);
            }
        }
    }
}

impl SpikeMonitor {
    /// Values of the recorded variables at this step's events (indices in the whole group).
    fn record_values(&mut self, arrays: &[Vec<f64>], events: &[u32]) {
        let (lo, hi) = (
            self.source.start as u32,
            (self.source.start + self.source.len) as u32,
        );
        let start = events.partition_point(|&s| s < lo);
        let inside = &events[start..];
        let end = inside.partition_point(|&s| s < hi);
        for (values, &a) in self.values.iter_mut().zip(&self.var_indices) {
            values
                .vec_mut()
                .extend(inside[..end].iter().map(|&s| arrays[a][s as usize]));
        }
    }

    /// Records the values of `variables` (stored arrays of the source) at each event.
    pub fn set_variables(&mut self, variables: Vec<(String, usize)>) {
        let (names, idx): (Vec<String>, Vec<usize>) = variables.into_iter().unzip();
        self.values = vec![crate::units::SharedVec::new(); names.len()];
        self.variables = names;
        self.var_indices = idx;
    }

    /// The values of a recorded variable at each event, in recording order.
    pub fn variable_values(&self, name: &str) -> Option<&crate::units::SharedVec<f64>> {
        self.variables
            .iter()
            .position(|v| v == name)
            .map(|k| &self.values[k])
    }
}
