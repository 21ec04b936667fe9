//! NeuronGroup: state variables integrated by a compiled state update, a threshold, a reset
//! and refractoriness, Brian 2's semantics (Brian 1's value threshold/reset map onto them).

use super::namespace::{GroupNamespace, Values};
use super::NetworkError;
use crate::equations::{
    check_equations, parse_equations, subexpression_order, EquationError, EquationKind, Equations,
};
use crate::eval::{compile_condition, compile_statements, Elements, Kernel};
use crate::expr::{
    check_statement, infer, parse_expr, parse_statements, AssignOp, Expr, ExprError, Statement,
};
use crate::integrate::{state_update, Context};
use crate::units::{Dimension, Quantity};

/// When a neuron spikes.
#[derive(Clone, Debug, PartialEq)]
pub enum Threshold {
    /// A condition, `"v > -50*mV"`.
    Condition(String),
    /// Brian 1: the first variable exceeds a value.
    Value(Quantity),
    /// Brian 1's EmpiricalThreshold: crossing `threshold`, then deaf for `refractory`
    /// seconds; no reset.
    Empirical {
        threshold: Quantity,
        refractory: f64,
    },
}

/// What happens after a spike.
#[derive(Clone, Debug, PartialEq)]
pub enum Reset {
    /// Statements, `"v = 0*mV\nvt += 3*mV"`.
    Code(String),
    /// Brian 1: the first variable is set to a value.
    Value(Quantity),
}

/// Everything a user says about a NeuronGroup.
#[derive(Clone, Debug, Default)]
pub struct NeuronGroupSpec {
    pub n: usize,
    /// Brian 2's `namespace=`: names this group's code sees before the run's namespace.
    pub namespace: Option<Values>,
    pub model: String,
    pub threshold: Option<Threshold>,
    pub reset: Option<Reset>,
    /// Refractory period in seconds.
    pub refractory: Option<f64>,
    /// Refractoriness as an expression (Brian 2): a time (`"ref"`, per neuron) or a
    /// condition (`"v > -50*mV"`: the neuron leaves refractoriness once it is false).
    pub refractory_code: Option<String>,
    pub method: Option<String>,
    pub name: String,
    /// The group's own time step (a multiple of the network's), if not the network's.
    pub dt: Option<f64>,
    /// Custom events (Brian 2's `events`): (name, condition), checked after the threshold.
    pub events: Vec<(String, String)>,
}

/// Compiled, ready to step.
pub(super) struct Compiled {
    pub update: Kernel,
    pub threshold: Option<Kernel>,
    pub reset: Option<Kernel>,
    pub method: &'static str,
    pub notes: Vec<String>,
}

/// Refractoriness computed from the spikes rather than re-derived for every neuron every
/// step: the group keeps the set of refractory neurons (those with `not_refractory` 0)
/// and at each state update evaluates Brian 2's rule for them alone, which gives the same
/// `not_refractory` for every neuron as evaluating it for all (see `Rule`). The set is
/// rebuilt from `lastspike` and `not_refractory` by a full evaluation at the first update
/// of each run (so store/restore and values set between runs need nothing else) and after
/// code outside the group's threshold writes an array the rule depends on.
#[derive(Default)]
struct Refractoriness {
    rule: Rule,
    /// The refractory neurons, `set[head..]`; for `Rule::Steps` in the order of their
    /// last spike (ties by index), so that they leave from the front.
    set: Vec<u32>,
    head: usize,
    /// Whether the next state update rebuilds `set` with a full evaluation.
    stale: bool,
    /// Code of the network run during the step (reset, events, run_regularly) writes an
    /// array the rule depends on: every update evaluates the rule for all neurons.
    /// Set while compiling that code (which sees the group as `&self`), cleared by
    /// `prepare`.
    written_by_code: std::sync::atomic::AtomicBool,
    /// Per stored array: whether a write to it by other code makes `set` stale.
    watched: Vec<bool>,
    /// The stored arrays of the `(unless refractory)` variables, and their values in the
    /// refractory neurons while the state update runs.
    held: Vec<usize>,
    saved: Vec<f64>,
}

/// Brian 2's rule for `not_refractory`, evaluated at every state update.
#[derive(Default)]
enum Rule {
    /// No refractoriness.
    #[default]
    None,
    /// A refractory period of this many steps (`refractory` a time, or a string of
    /// constants): `not_refractory = timestep(t - lastspike, dt) >= steps`. Once true it
    /// stays true until the next spike, and neurons become free in the order they spiked.
    Steps(f64),
    /// A kernel assigning `not_refractory`: a time per neuron, `timestep(t - lastspike,
    /// dt) >= timestep(ref, dt)`, or a condition to leave, `not_refractory or not (cond)`.
    /// With `incremental`, it runs on the refractory neurons alone: a condition can only
    /// free a neuron, and a time of parameters and constants (no state variable, no `t`,
    /// no randomness) only grows more true as `t` grows, so the others keep 1. Otherwise
    /// (randomness, a time that changes during the run) it runs on all neurons.
    Kernel { kernel: Kernel, incremental: bool },
}

pub struct NeuronGroup {
    pub spec: NeuronGroupSpec,
    pub eqs: Equations,
    /// Names of the stored arrays: state variables, then `lastspike`, `not_refractory`.
    pub array_names: Vec<String>,
    pub arrays: Vec<Vec<f64>>,
    pub(super) compiled: Option<Compiled>,
    /// Whether spikes start a refractory period (a time or an expression).
    pub(super) refractory_active: bool,
    /// How `not_refractory` is kept up to date, and which neurons are refractory.
    refractoriness: Refractoriness,
    /// The time step of the group's clock, as of the last `prepare`.
    pub(super) dt: f64,
    /// Per stored array: writes from code other than the group's own reset and state
    /// update (synapses, inputs, connections, string assignments) are ignored while the
    /// neuron is refractory (Brian 2's `conditional_write = not_refractory`).
    pub(super) conditional: Vec<bool>,
    /// Custom events, in the order given (events.rs).
    pub events: Vec<super::events::CustomEvent>,
    /// Where the threshold and the reset run, if `set_event_schedule` / `run_on_event`
    /// moved them from `thresholds` / `resets`.
    pub(super) spike_check: Option<super::events::Slot>,
    pub(super) spike_code_at: Option<super::events::Slot>,
}

impl NeuronGroup {
    pub fn new(spec: NeuronGroupSpec) -> Result<NeuronGroup, EquationError> {
        let eqs = parse_equations(&spec.model)?;
        let mut array_names: Vec<String> = eqs.state_variables().map(|e| e.name.clone()).collect();
        array_names.push("lastspike".into());
        array_names.push("not_refractory".into());
        let n = spec.n;
        let mut arrays: Vec<Vec<f64>> = array_names.iter().map(|_| vec![0.0; n]).collect();
        let k = array_names.len();
        arrays[k - 2].fill(-1e9);
        arrays[k - 1].fill(1.0);
        let events = spec
            .events
            .iter()
            .map(|(name, cond)| super::events::CustomEvent::new(name, cond))
            .collect();
        Ok(NeuronGroup {
            spec,
            eqs,
            array_names,
            arrays,
            compiled: None,
            refractory_active: false,
            refractoriness: Refractoriness::default(),
            dt: 0.0,
            conditional: Vec::new(),
            events,
            spike_check: None,
            spike_code_at: None,
        })
        .map(|mut g| {
            g.conditional = g.conditional_writes();
            g
        })
    }

    /// Whether spikes make the neurons refractory (Brian 2: `refractory` was given).
    pub fn has_refractoriness(&self) -> bool {
        self.spec.refractory.is_some()
            || self.spec.refractory_code.is_some()
            || matches!(self.spec.threshold, Some(Threshold::Empirical { .. }))
    }

    /// The variables that ignore outside writes while refractory: those flagged
    /// `(unless refractory)`, and Brian 1's variable held at its reset value (Brian 1
    /// clamps it there for the refractory period, so input arriving then is lost). None
    /// without refractoriness, as in Brian 2.
    fn conditional_writes(&self) -> Vec<bool> {
        let refractory = self.has_refractoriness();
        let flagged = |name: &str| {
            self.eqs.get(name).is_some_and(|e| {
                e.kind == EquationKind::Differential && e.has_flag("unless refractory")
            })
        };
        let any_flag = self
            .eqs
            .differential()
            .any(|e| e.has_flag("unless refractory"));
        let held = match &self.spec.reset {
            Some(Reset::Value(_)) if !any_flag => self.first_variable().map(str::to_string),
            _ => None,
        };
        self.array_names
            .iter()
            .map(|n| refractory && (flagged(n) || held.as_deref() == Some(n.as_str())))
            .collect()
    }

    /// Whether writes to stored array `k` from outside the group are ignored while a
    /// neuron is refractory.
    pub fn is_conditional_write(&self, k: usize) -> bool {
        self.conditional.get(k).copied().unwrap_or(false)
    }

    /// The `not_refractory` flags (1 or 0 per neuron).
    pub fn not_refractory(&self) -> &[f64] {
        &self.arrays[self.arrays.len() - 1]
    }

    /// The state update of one step at time `t`: `not_refractory` brought up to date
    /// first, then the update, the `(unless refractory)` variables of refractory neurons
    /// kept at their values (Brian 2's conditional write).
    pub(super) fn state_update(
        &mut self,
        t: f64,
        rng: &mut rand::rngs::SmallRng,
        scratch: &mut crate::eval::Scratch,
    ) {
        self.refresh_refractoriness(t, rng, scratch);
        let n = self.len();
        let Some(c) = &self.compiled else { return };
        let r = &mut self.refractoriness;
        let refractory = &r.set[r.head..];
        let hold = !r.held.is_empty() && !refractory.is_empty();
        if hold {
            r.saved.clear();
            for &k in &r.held {
                let a = &self.arrays[k];
                r.saved.extend(refractory.iter().map(|&j| a[j as usize]));
            }
        }
        c.update.run(
            &mut self.arrays,
            Elements::Range(0, n),
            &[t],
            rng,
            scratch,
            |_| {},
        );
        if hold {
            let mut saved = r.saved.iter();
            for &k in &r.held {
                let a = &mut self.arrays[k];
                for (&j, &x) in refractory.iter().zip(&mut saved) {
                    a[j as usize] = x;
                }
            }
        }
    }

    /// Brian 2's refractoriness code at time `t`, `not_refractory = ...` by the group's
    /// rule, for the refractory neurons alone unless the set must be rebuilt.
    fn refresh_refractoriness(
        &mut self,
        t: f64,
        rng: &mut rand::rngs::SmallRng,
        scratch: &mut crate::eval::Scratch,
    ) {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.spec.n;
        let k = self.arrays.len();
        let dt = self.dt;
        let r = &mut self.refractoriness;
        let full = std::mem::take(&mut r.stale) || r.written_by_code.load(Relaxed);
        match &r.rule {
            Rule::None => {}
            &Rule::Steps(steps) => {
                let (rest, nr) = self.arrays.split_at_mut(k - 1);
                let (last, nr) = (&rest[k - 2], &mut nr[0]);
                let free = |l: f64| crate::eval::timestep(t - l, dt) >= steps;
                if full {
                    r.set.clear();
                    r.head = 0;
                    for (j, (x, &l)) in nr.iter_mut().zip(last.iter()).enumerate() {
                        let f = free(l);
                        *x = f64::from(u8::from(f));
                        if !f {
                            r.set.push(j as u32);
                        }
                    }
                    r.set.sort_by(|&a, &b| {
                        last[a as usize]
                            .total_cmp(&last[b as usize])
                            .then(a.cmp(&b))
                    });
                    // Spikes to come join the queue at its back, after every lastspike
                    // up to `t`; one later than `t` (set by a script) or not a number
                    // would stop the queue: evaluate for all neurons while it is there.
                    r.stale = r.set.iter().any(|&j| !(last[j as usize] <= t));
                } else {
                    while let Some(&j) = r.set.get(r.head) {
                        if !free(last[j as usize]) {
                            break;
                        }
                        nr[j as usize] = 1.0;
                        r.head += 1;
                    }
                    if r.head == r.set.len() {
                        r.set.clear();
                        r.head = 0;
                    } else if r.head >= 4096 && 2 * r.head >= r.set.len() {
                        r.set.drain(..r.head);
                        r.head = 0;
                    }
                }
            }
            Rule::Kernel {
                kernel,
                incremental,
            } => {
                if full || !incremental {
                    kernel.run(
                        &mut self.arrays,
                        Elements::Range(0, n),
                        &[t],
                        rng,
                        scratch,
                        |_| {},
                    );
                    r.set.clear();
                    r.head = 0;
                    let nr = &self.arrays[k - 1];
                    r.set
                        .extend((0..n as u32).filter(|&j| nr[j as usize] == 0.0));
                } else if !r.set.is_empty() {
                    kernel.run(
                        &mut self.arrays,
                        Elements::Indices(&r.set),
                        &[t],
                        rng,
                        scratch,
                        |_| {},
                    );
                    let nr = &self.arrays[k - 1];
                    r.set.retain(|&j| nr[j as usize] == 0.0);
                }
            }
        }
    }

    /// The threshold at time `t`: the neurons that spike go into `out` (sorted) and
    /// become refractory. With refractoriness, Brian 2's threshold is `cond and
    /// not_refractory`: the condition is tested on its own (a plain comparison scans
    /// the array) and its hits among refractory neurons dropped.
    pub(super) fn threshold(
        &mut self,
        t: f64,
        rng: &mut rand::rngs::SmallRng,
        scratch: &mut crate::eval::Scratch,
        out: &mut Vec<u32>,
    ) {
        let n = self.spec.n;
        let first = out.len();
        if let Some(th) = self.compiled.as_ref().and_then(|c| c.threshold.as_ref()) {
            th.run(
                &mut self.arrays,
                Elements::Range(0, n),
                &[t],
                rng,
                scratch,
                |j| out.push(j),
            );
        }
        if self.refractory_active && self.maybe_refractory() && out.len() > first {
            let nr = &self.arrays[self.arrays.len() - 1];
            let mut kept = first;
            for m in first..out.len() {
                let j = out[m];
                if nr[j as usize] != 0.0 {
                    out[kept] = j;
                    kept += 1;
                }
            }
            out.truncate(kept);
        }
        self.mark_spiked(&out[first..], t);
    }

    /// The reset code on the neurons that spiked.
    pub(super) fn reset(
        &mut self,
        spikes: &[u32],
        t: f64,
        rng: &mut rand::rngs::SmallRng,
        scratch: &mut crate::eval::Scratch,
    ) {
        if spikes.is_empty() {
            return;
        }
        if let Some(reset) = self.compiled.as_ref().and_then(|c| c.reset.as_ref()) {
            reset.run(
                &mut self.arrays,
                Elements::Indices(spikes),
                &[t],
                rng,
                scratch,
                |_| {},
            );
        }
    }

    /// Brian 2's thresholder: the neurons that spiked at time `t` become refractory now
    /// (`lastspike = t`, `not_refractory = False`), so code later in the same step (the
    /// synapses, the reset) already sees them refractory.
    pub fn mark_spiked(&mut self, spikes: &[u32], t: f64) {
        if !self.refractory_active {
            return;
        }
        let k = self.arrays.len();
        let (last, nr) = self.arrays.split_at_mut(k - 1);
        for &s in spikes {
            last[k - 2][s as usize] = t;
            nr[0][s as usize] = 0.0;
        }
        // They spiked after every neuron in the set (a spiking neuron was not refractory).
        self.refractoriness.set.extend_from_slice(spikes);
    }

    /// Whether some neuron may be refractory now (false only when none is).
    pub fn maybe_refractory(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let r = &self.refractoriness;
        !matches!(r.rule, Rule::None)
            && (r.set.len() > r.head || r.stale || r.written_by_code.load(Relaxed))
    }

    /// Code outside the group wrote stored array `k` during a run (synapses, inputs):
    /// if refractoriness depends on it, the next state update evaluates it anew for all
    /// neurons.
    pub(super) fn note_write(&mut self, k: usize) {
        if self.refractoriness.watched.get(k) == Some(&true) {
            self.refractoriness.stale = true;
        }
    }

    /// The neurons `start..start + len` of stored array `var` as a target of outside
    /// writes (connections, PoissonInput), with the `not_refractory` flags of the same
    /// neurons when those writes must be skipped for refractory neurons.
    pub fn write_target(
        &mut self,
        var: usize,
        start: usize,
        len: usize,
    ) -> (&mut [f64], Option<&[f64]>) {
        self.note_write(var);
        if !self.is_conditional_write(var) || !self.maybe_refractory() {
            return (&mut self.arrays[var][start..start + len], None);
        }
        // A guarded variable is a state variable, stored before `not_refractory`.
        let k = self.arrays.len();
        let (vars, nr) = self.arrays.split_at_mut(k - 1);
        (
            &mut vars[var][start..start + len],
            Some(&nr[0][start..start + len]),
        )
    }

    pub fn len(&self) -> usize {
        self.spec.n
    }

    /// Whether spikes run reset code or start a refractory period (after `prepare`).
    pub(super) fn has_reset(&self) -> bool {
        self.refractory_active || self.compiled.as_ref().is_some_and(|c| c.reset.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.spec.n == 0
    }

    pub fn var_index(&self, name: &str) -> Option<usize> {
        self.array_names.iter().position(|a| a == name)
    }

    /// The unit of a stored variable.
    pub fn var_dim(&self, name: &str) -> Option<Dimension> {
        match name {
            "lastspike" => Some(Dimension::TIME),
            "not_refractory" => Some(Dimension::DIMENSIONLESS),
            _ => self
                .eqs
                .get(name)
                .filter(|e| e.kind != EquationKind::Subexpression)
                .map(|e| e.dim),
        }
    }

    /// Brian 1's "first variable": the first one defined in the equations.
    pub fn first_variable(&self) -> Option<&str> {
        self.eqs.state_variables().next().map(|e| e.name.as_str())
    }

    /// The method chosen at the last preparation, with the reasons for skipping others.
    pub fn method(&self) -> Option<(&'static str, &[String])> {
        self.compiled
            .as_ref()
            .map(|c| (c.method, c.notes.as_slice()))
    }

    pub(super) fn code_error(&self, what: &str, text: &str, error: ExprError) -> NetworkError {
        NetworkError::Code {
            object: self.spec.name.clone(),
            what: what.to_string(),
            text: text.to_string(),
            error,
        }
    }

    /// Checks the model against the namespace and compiles its kernels.
    pub(super) fn prepare(
        &mut self,
        network_dt: f64,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        // The group's clock (its own `dt`, or the default clock) gives its time step.
        let dt = network_dt;
        self.dt = dt;
        // Brian 1's value threshold becomes a condition on a named constant with its unit.
        let mut local = externals.clone();
        if let Some(Threshold::Value(q)) | Some(Threshold::Empirical { threshold: q, .. }) =
            &self.spec.threshold
        {
            local.insert("_threshold".into(), *q);
        }
        if let Some(Reset::Value(q)) = &self.spec.reset {
            local.insert("_reset".into(), *q);
        }
        let externals = &local;
        let ns = GroupNamespace {
            eqs: &self.eqs,
            arrays: &self.array_names,
            n: self.spec.n,
            dt,
            externals,
        };
        let wrap_eq = |e: EquationError| NetworkError::Equation {
            object: self.spec.name.clone(),
            error: e,
        };
        check_equations(&self.eqs, &ns).map_err(wrap_eq)?;

        let mut refractory = self.spec.refractory;
        let threshold_text = match &self.spec.threshold {
            Some(Threshold::Condition(c)) => Some(c.clone()),
            Some(Threshold::Value(q)) => Some(format!(
                "{} > _threshold",
                self.first_variable_matching("threshold", q)?
            )),
            Some(Threshold::Empirical {
                threshold,
                refractory: r,
            }) => {
                refractory = Some(*r);
                Some(format!(
                    "{} > _threshold",
                    self.first_variable_matching("threshold", threshold)?
                ))
            }
            None => None,
        };
        let mut held: Vec<String> = Vec::new();
        let reset_code: Option<(String, Vec<Statement>)> = match &self.spec.reset {
            Some(Reset::Code(text)) => {
                let code = parse_statements(text).map_err(|e| self.code_error("reset", text, e))?;
                Some((text.clone(), code))
            }
            Some(Reset::Value(q)) => {
                let v = self.first_variable_matching("reset", q)?;
                let stmt = Statement {
                    target: v.clone(),
                    op: AssignOp::Set,
                    value: Expr::name("_reset"),
                    span: Default::default(),
                };
                // Brian 1: during the refractory period the variable is clamped at the reset
                // value, which is holding it still after the reset.
                let flagged = self
                    .eqs
                    .differential()
                    .any(|e| e.has_flag("unless refractory"));
                if refractory.is_some() && !flagged {
                    held.push(v);
                }
                Some((q.to_string(), vec![stmt]))
            }
            None => None,
        };
        held.extend(
            self.eqs
                .differential()
                .filter(|e| e.has_flag("unless refractory"))
                .map(|e| e.name.clone()),
        );
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind: |n: &str| ns.bind(n),
            tables: &tables,
        };
        let subexprs = self.subexpression_code();
        // Refractoriness: Brian 2's abstract code `not_refractory = ...`, run at the
        // start of every state update, kept as a rule the group evaluates for the
        // refractory neurons (see `Refractoriness`).
        let k = self.arrays.len();
        let mut watched = vec![false; k];
        let rule = match (&self.spec.refractory_code, refractory) {
            (Some(text), _) => self.refractory_rule(text, &ns, &bind, &subexprs, &mut watched)?,
            (None, Some(r)) => {
                watched[k - 2] = true;
                watched[k - 1] = true;
                Rule::Steps(crate::eval::timestep(r, dt))
            }
            (None, None) => Rule::None,
        };
        self.refractory_active = !matches!(rule, Rule::None);
        self.conditional = self.conditional_writes();
        let mut held: Vec<usize> = if self.refractory_active {
            held.iter().filter_map(|v| self.var_index(v)).collect()
        } else {
            Vec::new()
        };
        held.sort_unstable();
        held.dedup();
        // Spikes before this run, and values set since, are known only from the arrays.
        self.refractoriness = Refractoriness {
            rule,
            watched,
            held,
            stale: true,
            ..Default::default()
        };

        // The integrator holds no variable: the update keeps the `(unless refractory)`
        // variables of refractory neurons by itself.
        let ctx = Context {
            eqs: &self.eqs,
            ns: &ns,
            held: Vec::new(),
        };
        let su = state_update(&ctx, self.spec.method.as_deref()).map_err(|e| {
            NetworkError::Integration {
                object: self.spec.name.clone(),
                error: e,
            }
        })?;
        let update = compile_statements(&su.code, &bind)
            .map_err(|e| self.code_error("state update", &self.spec.model, e))?;

        let threshold = match &threshold_text {
            // Tested on its own: `threshold` drops the hits of refractory neurons.
            Some(text) => {
                Some(self.compile_condition_text("threshold", text, &ns, &bind, &subexprs)?)
            }
            None => None,
        };
        let reset = match &reset_code {
            Some((text, code)) => {
                Some(self.compile_code("reset", text, code, false, &ns, &bind, &subexprs)?)
            }
            None => None,
        };
        // Custom events: their conditions (not combined with not_refractory) and code.
        let mut event_kernels = Vec::with_capacity(self.events.len());
        for ev in &self.events {
            let what = format!("condition of the event '{}'", ev.name);
            let cond = self.compile_condition_text(&what, &ev.condition, &ns, &bind, &subexprs)?;
            let code = match &ev.code {
                Some(text) => {
                    let what = format!("code of the event '{}'", ev.name);
                    let stmts =
                        parse_statements(text).map_err(|e| self.code_error(&what, text, e))?;
                    Some(self.compile_code(&what, text, &stmts, false, &ns, &bind, &subexprs)?)
                }
                None => None,
            };
            event_kernels.push((cond, code));
        }
        for (ev, (cond, code)) in self.events.iter_mut().zip(event_kernels) {
            ev.threshold = Some(cond);
            ev.reset = code;
            ev.current.clear();
        }
        self.compiled = Some(Compiled {
            update,
            threshold,
            reset,
            method: su.method,
            notes: su.notes,
        });
        Ok(())
    }

    /// Compiles a condition (threshold, custom event) over the group's variables (the
    /// spike threshold's `and not_refractory` is applied by `threshold`).
    pub(super) fn compile_condition_text(
        &self,
        what: &str,
        text: &str,
        ns: &GroupNamespace,
        bind: &dyn crate::eval::Bindings,
        subexprs: &[Statement],
    ) -> Result<Kernel, NetworkError> {
        let cond = parse_expr(text).map_err(|e| self.code_error(what, text, e))?;
        let d = infer(&cond, ns).map_err(|e| self.code_error(what, text, e))?;
        if !d.is_dimensionless() {
            return Err(self.code_error(
                what,
                text,
                ExprError::other(
                    format!("a {what} must be a condition, but this has units of {d}"),
                    cond.span,
                ),
            ));
        }
        if !self.is_boolean(&cond) {
            let msg = format!("a {what} must be a condition, as in 'v > -50*mV' (a comparison, a boolean variable, or 'and'/'or'/'not' of them)");
            return Err(self.code_error(what, text, ExprError::other(msg, cond.span)));
        }
        compile_condition(subexprs, &cond, bind).map_err(|e| self.code_error(what, text, e))
    }

    /// Compiles statements over the group's variables (reset, event code, run_regularly):
    /// each target a state variable of matching units. With `conditional`, variables
    /// flagged `(unless refractory)` keep their value in refractory neurons (Brian 2's
    /// conditional write, which the reset and event code override).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn compile_code(
        &self,
        what: &str,
        text: &str,
        code: &[Statement],
        conditional: bool,
        ns: &GroupNamespace,
        bind: &dyn crate::eval::Bindings,
        subexprs: &[Statement],
    ) -> Result<Kernel, NetworkError> {
        let watched = &self.refractoriness.watched;
        if code.iter().any(|s| {
            self.var_index(&s.target)
                .is_some_and(|k| watched.get(k) == Some(&true))
        }) {
            self.refractoriness
                .written_by_code
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        for s in code {
            let Some(dim) = self.var_dim(&s.target) else {
                let msg = format!("'{}' is not a state variable of this group", s.target);
                return Err(self.code_error(what, text, ExprError::other(msg, s.span)));
            };
            check_statement(s, dim, ns).map_err(|e| self.code_error(what, text, e))?;
        }
        let mut all = subexprs.to_vec();
        for s in code {
            let mut s = super::namespace::writable(self.eqs.get(&s.target), s)
                .map_err(|e| self.code_error(what, text, e))?;
            if conditional
                && self
                    .var_index(&s.target)
                    .is_some_and(|k| self.is_conditional_write(k))
            {
                s.value = Expr::call(
                    "_where",
                    vec![
                        Expr::name("not_refractory"),
                        s.as_assignment(),
                        Expr::name(&s.target),
                    ],
                );
                s.op = AssignOp::Set;
            }
            all.push(s);
        }
        compile_statements(&all, bind).map_err(|e| self.code_error(what, text, e))
    }

    /// Whether an expression is a condition (Brian requires thresholds to be boolean).
    fn is_boolean(&self, e: &Expr) -> bool {
        use crate::expr::{BinOp, ExprKind, UnaryOp};
        match &e.kind {
            ExprKind::Bool(_) => true,
            ExprKind::Binary(op, a, b) => match op {
                BinOp::And | BinOp::Or => self.is_boolean(a) && self.is_boolean(b),
                op => op.is_comparison(),
            },
            ExprKind::Unary(UnaryOp::Not, _) => true,
            ExprKind::Name(n) => {
                n == "not_refractory"
                    || self
                        .eqs
                        .get(n)
                        .is_some_and(|eq| eq.var_type == crate::equations::VarType::Boolean)
            }
            _ => false,
        }
    }

    /// The rule of a refractoriness given as a string (see `Rule`), marking in `watched`
    /// the arrays whose change by other code the rule must see: a time of constants is a
    /// number of steps; a time of parameters and constants is evaluated for the
    /// refractory neurons alone, as is a condition; anything else for every neuron.
    fn refractory_rule(
        &self,
        text: &str,
        ns: &GroupNamespace,
        bind: &dyn crate::eval::Bindings,
        subexprs: &[Statement],
        watched: &mut [bool],
    ) -> Result<Rule, NetworkError> {
        let fail = |e: ExprError| self.code_error("refractory", text, e);
        let expr = parse_expr(text).map_err(fail)?;
        let dim = infer(&expr, ns).map_err(fail)?;
        let k = self.arrays.len();
        watched[k - 1] = true;
        if dim == Dimension::TIME {
            watched[k - 2] = true;
            if let Some(q) = crate::expr::const_eval(&expr, ns) {
                return Ok(Rule::Steps(crate::eval::timestep(q.value, self.dt)));
            }
        }
        let stmt = self.refractory_statement(text, ns)?;
        let mut code = subexprs.to_vec();
        code.push(stmt);
        let kernel = compile_statements(&code, bind).map_err(fail)?;
        let incremental = !kernel.uses_random()
            && (dim != Dimension::TIME
                || expr.names().iter().all(|n| match self.eqs.get(n) {
                    Some(e) => e.kind == EquationKind::Parameter,
                    None => {
                        matches!(n.as_str(), "i" | "N" | "dt") || ns.externals.resolve(n).is_some()
                    }
                }));
        if dim == Dimension::TIME {
            for n in expr.names() {
                if let Some(j) = self.var_index(&n) {
                    watched[j] = true;
                }
            }
        }
        Ok(Rule::Kernel {
            kernel,
            incremental,
        })
    }

    /// `not_refractory` from a refractoriness expression: a time gives
    /// `timestep(t - lastspike, dt) >= timestep(ref, dt)`, a condition
    /// `not_refractory or not (cond)` (Brian 2's rules).
    fn refractory_statement(
        &self,
        text: &str,
        ns: &GroupNamespace,
    ) -> Result<Statement, NetworkError> {
        let fail = |e: ExprError| self.code_error("refractory", text, e);
        let expr = parse_expr(text).map_err(fail)?;
        let dim = infer(&expr, ns).map_err(fail)?;
        let span = expr.span;
        let value = if dim == Dimension::TIME {
            let elapsed = Expr::binary(
                crate::expr::BinOp::Sub,
                Expr::name("t"),
                Expr::name("lastspike"),
            );
            Expr::binary(
                crate::expr::BinOp::Ge,
                Expr::call("timestep", vec![elapsed, Expr::name("dt")]),
                Expr::call("timestep", vec![expr, Expr::name("dt")]),
            )
        } else if dim.is_dimensionless() {
            let leaving = Expr::new(
                crate::expr::ExprKind::Unary(crate::expr::UnaryOp::Not, Box::new(expr)),
                span,
            );
            Expr::binary(
                crate::expr::BinOp::Or,
                Expr::name("not_refractory"),
                leaving,
            )
        } else {
            let msg = format!(
                "refractoriness must be a time or a condition, but this has units of {dim}"
            );
            return Err(fail(ExprError::other(msg, span)));
        };
        Ok(Statement {
            target: "not_refractory".into(),
            op: AssignOp::Set,
            span,
            value,
        })
    }

    /// Brian 1's value threshold and reset act on the first variable, whose unit the value
    /// must have.
    fn first_variable_matching(&self, what: &str, q: &Quantity) -> Result<String, NetworkError> {
        let v = self.first_variable().ok_or_else(|| {
            NetworkError::Other(format!(
                "{}: a {what} value needs a state variable",
                self.spec.name
            ))
        })?;
        let dim = self.var_dim(v).unwrap_or_default();
        q.in_dim(dim, &format!("the {what} value")).map_err(|e| {
            self.code_error(
                what,
                &q.to_string(),
                ExprError::units(e, Default::default()),
            )
        })?;
        Ok(v.to_string())
    }

    /// Statements computing the subexpressions, for code that reads them.
    pub(super) fn subexpression_code(&self) -> Vec<Statement> {
        let order = subexpression_order(&self.eqs).unwrap_or_default();
        order
            .iter()
            .filter_map(|name| {
                let e = self.eqs.get(name)?.expr.clone()?;
                Some(Statement {
                    target: name.clone(),
                    op: AssignOp::Set,
                    span: e.span,
                    value: e,
                })
            })
            .collect()
    }

    /// Sets a variable from code, e.g. `v = -60*mV + 10*mV*rand()`, for the neurons
    /// `range.0..range.0 + range.1` (a whole group or a subgroup). As in Brian 2, the code
    /// sees the subgroup alone: `i` counts from 0 at its first neuron and `N` is its size;
    /// and a variable flagged `(unless refractory)` keeps its value in refractory neurons
    /// (the assignment is generated code, which honours the conditional write).
    #[allow(clippy::too_many_arguments)]
    pub fn set_with_code(
        &mut self,
        var: &str,
        code: &str,
        condition: Option<&str>,
        range: (usize, usize),
        dt: f64,
        externals: &Values,
        rng: &mut rand::rngs::SmallRng,
    ) -> Result<(), NetworkError> {
        let (start, len) = range;
        if start + len > self.spec.n {
            return Err(NetworkError::Other(format!(
                "{}: neurons {start}..{} are outside its {} neurons",
                self.spec.name,
                start + len,
                self.spec.n
            )));
        }
        let ns = GroupNamespace {
            eqs: &self.eqs,
            arrays: &self.array_names,
            n: self.spec.n,
            dt,
            externals,
        };
        let expr = parse_expr(code).map_err(|e| self.code_error("assignment", code, e))?;
        let stmt = Statement {
            target: var.to_string(),
            op: AssignOp::Set,
            span: expr.span,
            value: expr,
        };
        let dim = self.var_dim(var).ok_or_else(|| {
            NetworkError::Other(format!(
                "'{var}' is not a state variable of {}",
                self.spec.name
            ))
        })?;
        check_statement(&stmt, dim, &ns).map_err(|e| self.code_error("assignment", code, e))?;
        let mut code_all = self.subexpression_code();
        let mut stmt = super::namespace::keep_whole(self.eqs.get(var), stmt);
        if let Some(text) = condition {
            // Brian 2's `G.v["cond"] = ...`: the others keep their value.
            let cond = self.index_condition("condition of the assignment", text, &ns)?;
            stmt.value = Expr::call("_where", vec![cond, stmt.value, Expr::name(var)]);
        }
        if self
            .var_index(var)
            .is_some_and(|k| self.is_conditional_write(k))
        {
            stmt.value = Expr::call(
                "_where",
                vec![Expr::name("not_refractory"), stmt.value, Expr::name(var)],
            );
        }
        // The code sees `i` and `N` local to the subgroup; the group's subexpressions keep
        // the group's own `i` and `N` (Brian 2).
        stmt.value = self.local_to(stmt.value, range);
        code_all.push(stmt);
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind: |n: &str| ns.bind(n),
            tables: &tables,
        };
        let k = compile_statements(&code_all, &bind)
            .map_err(|e| self.code_error("assignment", code, e))?;
        let mut scratch = crate::eval::Scratch::default();
        k.run(
            &mut self.arrays,
            Elements::Range(range.0, range.1),
            &[0.0],
            rng,
            &mut scratch,
            |_| {},
        );
        Ok(())
    }

    /// A string index (`G.v["v > -50*mV"]`) parsed and checked to be a condition.
    fn index_condition(
        &self,
        what: &str,
        text: &str,
        ns: &GroupNamespace,
    ) -> Result<Expr, NetworkError> {
        let cond = parse_expr(text).map_err(|e| self.code_error(what, text, e))?;
        let d = infer(&cond, ns).map_err(|e| self.code_error(what, text, e))?;
        if !d.is_dimensionless() || !self.is_boolean(&cond) {
            let msg = "an index string must be a condition, as in 'v > -50*mV' or 'i < 10'";
            return Err(self.code_error(what, text, ExprError::other(msg, cond.span)));
        }
        Ok(cond)
    }

    /// Code for the neurons `(start, len)` of the group: `i` and `N` local to them, as
    /// Brian 2's subgroups see them.
    fn local_to(&self, e: Expr, (start, len): (usize, usize)) -> Expr {
        if start == 0 && len == self.spec.n {
            return e;
        }
        let local = |n: &str| match n {
            "i" => Some(Expr::binary(
                crate::expr::BinOp::Sub,
                Expr::name("i"),
                Expr::number(start as f64),
            )),
            "N" => Some(Expr::number(len as f64)),
            _ => None,
        };
        e.substitute(&local)
    }

    /// Brian 2's `G.v["cond"]` read: the neurons of `range` (positions in the group)
    /// where the condition holds, `i` and `N` local to the range as in assignments.
    pub fn indices_where(
        &mut self,
        condition: &str,
        range: (usize, usize),
        t: f64,
        dt: f64,
        externals: &Values,
        rng: &mut rand::rngs::SmallRng,
    ) -> Result<Vec<usize>, NetworkError> {
        let (start, len) = range;
        let what = "condition of the index";
        let ns = GroupNamespace {
            eqs: &self.eqs,
            arrays: &self.array_names,
            n: self.spec.n,
            dt,
            externals,
        };
        let cond = self.index_condition(what, condition, &ns)?;
        let cond = self.local_to(cond, range);
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind: |n: &str| ns.bind(n),
            tables: &tables,
        };
        let k = compile_condition(&self.subexpression_code(), &cond, &bind)
            .map_err(|e| self.code_error(what, condition, e))?;
        let mut out = Vec::new();
        k.run(
            &mut self.arrays,
            Elements::Range(start, len),
            &[t],
            rng,
            &mut crate::eval::Scratch::default(),
            |j| out.push(j as usize - start),
        );
        Ok(out)
    }

    /// Brian 1's `rest()`: every differential variable at the fixed point of its linear
    /// dynamics (found with the exact method's linear analysis; parameters kept).
    pub fn rest(&mut self, dt: f64, externals: &Values) -> Result<(), NetworkError> {
        let vars: Vec<String> = self.eqs.differential().map(|e| e.name.clone()).collect();
        let refs: Vec<&str> = vars.iter().map(String::as_str).collect();
        let ns = GroupNamespace {
            eqs: &self.eqs,
            arrays: &self.array_names,
            n: self.spec.n,
            dt,
            externals,
        };
        let n = vars.len();
        let mut a = nalgebra::DMatrix::<f64>::zeros(n, n);
        let mut b = nalgebra::DVector::<f64>::zeros(n);
        for (i, x) in vars.iter().enumerate() {
            let rhs = self
                .eqs
                .get(x)
                .and_then(|e| e.expr.clone())
                .unwrap_or(Expr::number(0.0));
            let fail = |why: String| {
                NetworkError::Other(format!(
                    "{}: rest() needs linear equations with constant coefficients: {why}",
                    self.spec.name
                ))
            };
            let form = crate::integrate::linear::decompose(&rhs, &refs).map_err(fail)?;
            for (j, c) in form.coefs.iter().enumerate() {
                if let Some(c) = c {
                    a[(i, j)] = crate::expr::const_eval(c, &ns)
                        .ok_or_else(|| fail(format!("'{c}' is not constant")))?
                        .value;
                }
            }
            if let Some(r) = form.rest {
                b[i] = crate::expr::const_eval(&r, &ns)
                    .ok_or_else(|| fail(format!("'{r}' is not constant")))?
                    .value;
            }
        }
        let x = a.lu().solve(&(-b)).ok_or_else(|| {
            NetworkError::Other(format!(
                "{}: the equations have no unique resting point",
                self.spec.name
            ))
        })?;
        for (i, name) in vars.iter().enumerate() {
            let k = self.var_index(name).expect("state variable");
            self.arrays[k].fill(x[i]);
        }
        Ok(())
    }
}
