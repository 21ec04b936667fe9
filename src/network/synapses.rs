//! Brian 2's Synapses: per-synapse state (parameters, clock-driven and event-driven
//! variables, summed variables), pathways of code run when the source (`on_pre`) or the
//! target (`on_post`) spikes, per-synapse or per-pathway delays, built by `connect` and
//! indexed by source and target before a run.
//!
//! Synaptic code reads three kinds of arrays: the synapse's own, the presynaptic
//! neuron's (`x_pre`) and the postsynaptic neuron's (`x_post`, or plain `x` when the
//! synapses have no such variable: Brian's implicit post). Each compiled block gathers
//! what it reads into contiguous arrays, runs one kernel over them and scatters back.
//! When the code only adds to neuron variables (`v_post += w`) and never reads them, the
//! kernel computes each synapse's increment and the scatter adds them to the neuron in
//! synapse order, which is exactly what running the synapses one after another does
//! (`((v + w0) + w1) + ...`); otherwise the code runs synapse by synapse.
//!
//! A neuron variable flagged `(unless refractory)` ignores these writes while its neuron
//! is refractory (Brian 2's conditional write): increments are skipped for refractory
//! targets, and code run synapse by synapse assigns `_where(not_refractory, new, old)`.

use super::namespace::Values;
use super::spike_queue::SpikeQueue;
use super::{Group, GroupRef, NetworkError};
use crate::equations::{
    parse_equations, subexpression_order, EquationError, EquationKind, Equations,
};
use crate::eval::{compile_statements, Binding, Copied, Elements, Kernel, Scratch};
use crate::expr::{
    check_statement, infer, parse_expr, parse_statements, AssignOp, Expr, ExprError, NameInfo,
    Namespace, Statement,
};
use crate::integrate::{state_update, Context};
use crate::units::{Dimension, Quantity};
use rand::rngs::SmallRng;
use std::cell::RefCell;

/// Brian 2's per-synapse counts.
const COUNTS: [&str; 2] = ["N_incoming", "N_outgoing"];

/// Whether `code` uses the identifier `name`.
fn mentions(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(k, _)| {
        let before = code[..k].chars().next_back();
        let after = code[k + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

/// Everything a user says about a Synapses object.
#[derive(Clone, Debug, Default)]
pub struct SynapsesSpec {
    /// Brian 2's `namespace=`: names this object's code sees before the run's namespace.
    pub namespace: Option<Values>,
    pub source: GroupRef,
    pub target: GroupRef,
    pub model: String,
    /// (pathway name, code) triggered by source spikes.
    pub on_pre: Vec<(String, String)>,
    /// (pathway name, code) triggered by target spikes.
    pub on_post: Vec<(String, String)>,
    /// A delay for every `on_pre` pathway, in seconds.
    pub delay: Option<f64>,
    /// (pathway name, event) for pathways triggered by a custom event of their side's
    /// group instead of its spikes (Brian 2's `on_event`).
    pub on_event: Vec<(String, String)>,
    pub method: Option<String>,
    pub name: String,
}

/// Where the values of one kernel array come from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Space {
    Synapse(usize),
    Pre(usize),
    Post(usize),
    PreIndex,
    PostIndex,
    /// An output written by the code (summed variables), not stored anywhere.
    Output,
    /// Each synapse's increment of a presynaptic or postsynaptic neuron variable, added to
    /// the neuron after the kernel ran.
    PreAdd(usize),
    PostAdd(usize),
}

/// A compiled block of synaptic code and how to feed it.
#[derive(Clone, Debug)]
struct SynapticCode {
    kernel: Kernel,
    slots: Vec<Space>,
    /// Written neuron variables are not only added to: run synapse by synapse.
    sequential: bool,
    /// Per slot: writes to it skip refractory neurons.
    masked: Vec<bool>,
    /// Code that only adds synaptic variables or constants to neuron variables (`ge +=
    /// w`, `v += J`): per increment slot, in store order, what is added. The additions
    /// are made straight from the synapse arrays, in the same order as the kernel's
    /// scatter would make them, so with the same bits.
    direct: Option<Vec<(usize, Increment)>>,
}

/// What a direct pathway adds to a neuron variable for a synapse.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Increment {
    /// The synapse's value of a synaptic variable.
    Synapse(usize),
    Constant(f64),
}

/// Synaptic code compiled for `run_regularly`.
pub(super) struct CompiledCode(SynapticCode);

/// Delays of a pathway.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Delay {
    /// The same delay for every synapse, in seconds.
    Homogeneous(f64),
    /// One delay per synapse, in seconds.
    PerSynapse(Vec<f64>),
}

pub struct Pathway {
    pub name: String,
    pub code: String,
    /// Triggered by the target's spikes (`on_post`) rather than the source's.
    pub on_post: bool,
    pub delay: Delay,
    /// The triggering event of the side's group (`spike` unless `on_event` says).
    pub event: String,
    /// Its number among that group's custom events (`None`: spikes), as of `prepare`.
    event_index: Option<usize>,
    queue: SpikeQueue,
    steps: Vec<u32>,
    homogeneous_steps: Option<usize>,
    compiled: Option<SynapticCode>,
}

/// The variables of a neuron group as synaptic code sees them.
#[derive(Clone, Debug, Default)]
pub(super) struct SideVars {
    names: Vec<String>,
    dims: Vec<Dimension>,
    /// The equation declaring each variable (for `(constant)` and `integer`).
    decls: Vec<Option<crate::equations::Equation>>,
    /// Whether writes to each variable are skipped for refractory neurons.
    conditional: Vec<bool>,
    group: usize,
    start: usize,
    n: usize,
}

impl SideVars {
    pub(super) fn of(groups: &[Group], r: GroupRef) -> SideVars {
        let mut s = SideVars {
            group: r.group,
            start: r.start,
            n: r.len,
            ..Default::default()
        };
        if let Some(Group::Neurons(g)) = groups.get(r.group) {
            for (k, name) in g.array_names.iter().enumerate() {
                s.dims.push(g.var_dim(name).unwrap_or_default());
                s.names.push(name.clone());
                s.decls.push(g.eqs.get(name).cloned());
                s.conditional.push(g.is_conditional_write(k));
            }
        }
        s
    }
    fn find(&self, name: &str) -> Option<(usize, Dimension)> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|k| (k, self.dims[k]))
    }
}

pub struct Synapses {
    pub spec: SynapsesSpec,
    pub eqs: Equations,
    /// Presynaptic and postsynaptic neuron of each synapse (local to source and target).
    pub pre: Vec<u32>,
    pub post: Vec<u32>,
    /// Stored per-synapse variables: parameters and differential variables, `lastupdate`.
    pub array_names: Vec<String>,
    pub arrays: Vec<Vec<f64>>,
    pub pathways: Vec<Pathway>,
    /// Synapses by presynaptic and by postsynaptic neuron (built in `prepare`; the
    /// latter only for `on_post` pathways).
    by_pre: SideIndex,
    by_post: SideIndex,
    update: Option<SynapticCode>,
    method: Option<&'static str>,
    /// (postsynaptic variable index, code computing `_summed`).
    summed: Vec<(usize, SynapticCode)>,
    local: Vec<Vec<f64>>,
    /// The variables of the source and target as of the last `prepare`, so that running
    /// does not rebuild them every step.
    sides: std::sync::Arc<(SideVars, SideVars)>,
}

/// Resolution of a name in synaptic code.
#[derive(Clone, Copy)]
enum Resolved {
    Slot(Space, Dimension),
    Time,
    Constant(Quantity),
    /// A subexpression of the synapses' model (computed in the code itself).
    Sub(Dimension),
}

struct SynNamespace<'a> {
    syn: &'a Synapses,
    pre: &'a SideVars,
    post: &'a SideVars,
    dt: f64,
    externals: &'a Values,
}

impl SynNamespace<'_> {
    fn resolve_name(&self, name: &str) -> Option<Resolved> {
        if name == "_summed" {
            return Some(Resolved::Slot(Space::Output, Dimension::DIMENSIONLESS));
        }
        if let Some(k) = self.syn.array_names.iter().position(|n| n == name) {
            let dim = if name == "lastupdate" {
                Dimension::TIME
            } else {
                self.syn.eqs.get(name).map(|e| e.dim).unwrap_or_default()
            };
            return Some(Resolved::Slot(Space::Synapse(k), dim));
        }
        if let Some(e) = self.syn.eqs.get(name) {
            return Some(Resolved::Sub(e.dim));
        }
        match name {
            "i" => return Some(Resolved::Slot(Space::PreIndex, Dimension::DIMENSIONLESS)),
            "j" => return Some(Resolved::Slot(Space::PostIndex, Dimension::DIMENSIONLESS)),
            "t" => return Some(Resolved::Time),
            "dt" => return Some(Resolved::Constant(Quantity::new(self.dt, Dimension::TIME))),
            "N_pre" => {
                return Some(Resolved::Constant(Quantity::dimensionless(
                    self.pre.n as f64,
                )))
            }
            "N_post" => {
                return Some(Resolved::Constant(Quantity::dimensionless(
                    self.post.n as f64,
                )))
            }
            "N" => {
                return Some(Resolved::Constant(Quantity::dimensionless(
                    self.syn.pre.len() as f64,
                )))
            }
            _ => {}
        }
        if let Some(base) = name.strip_suffix("_pre") {
            if let Some((k, d)) = self.pre.find(base) {
                return Some(Resolved::Slot(Space::Pre(k), d));
            }
        }
        if let Some(base) = name.strip_suffix("_post") {
            if let Some((k, d)) = self.post.find(base) {
                return Some(Resolved::Slot(Space::Post(k), d));
            }
        }
        if let Some((k, d)) = self.post.find(name) {
            return Some(Resolved::Slot(Space::Post(k), d));
        }
        self.externals.resolve(name).map(Resolved::Constant)
    }
}

impl Namespace for SynNamespace<'_> {
    fn function(&self, name: &str) -> Option<(Vec<Dimension>, Dimension)> {
        self.externals.function(name)
    }

    fn resolve(&self, name: &str) -> Option<NameInfo> {
        Some(match self.resolve_name(name)? {
            Resolved::Slot(_, d) | Resolved::Sub(d) => NameInfo::Variable(d),
            Resolved::Time => NameInfo::Variable(Dimension::TIME),
            Resolved::Constant(q) => NameInfo::Constant(q),
        })
    }
    fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .syn
            .eqs
            .equations
            .iter()
            .map(|e| e.name.clone())
            .collect();
        out.extend(self.pre.names.iter().map(|n| format!("{n}_pre")));
        out.extend(self.post.names.iter().map(|n| format!("{n}_post")));
        out.extend(self.post.names.iter().cloned());
        out.extend(["i", "j", "t", "dt"].map(String::from));
        if self.syn.var_index("lastupdate").is_some() {
            out.push("lastupdate".into());
        }
        out.extend(self.externals.suggestions());
        out
    }
}

impl SynNamespace<'_> {
    /// The neuron variable a statement writes, if it writes one.
    fn neuron_target(&self, st: &Statement) -> Option<Space> {
        match self.resolve_name(&st.target) {
            Some(Resolved::Slot(s @ (Space::Pre(_) | Space::Post(_)), _)) => Some(s),
            _ => None,
        }
    }

    /// Whether two neuron slots may be the same array (the same variable, or the same
    /// variable seen as `_pre` and `_post` of a group connected to itself).
    fn aliases(&self, a: Space, b: Space) -> bool {
        match (a, b) {
            (Space::Pre(x), Space::Post(y)) | (Space::Post(y), Space::Pre(x)) => {
                x == y && self.pre.group == self.post.group
            }
            _ => a == b,
        }
    }

    /// Whether writes to a neuron slot are skipped for refractory neurons.
    fn conditional(&self, slot: Space) -> bool {
        match slot {
            Space::Pre(k) | Space::PreAdd(k) => self.pre.conditional.get(k) == Some(&true),
            Space::Post(k) | Space::PostAdd(k) => self.post.conditional.get(k) == Some(&true),
            _ => false,
        }
    }

    /// Compiles statements, allocating kernel arrays for what they read and write.
    fn compile(&self, code: &[Statement]) -> Result<SynapticCode, ExprError> {
        // Synapse by synapse unless neuron variables are only added to (once each) and
        // never read.
        let targets: Vec<Space> = code.iter().filter_map(|s| self.neuron_target(s)).collect();
        let mut sequential = code.iter().any(|st| {
            self.neuron_target(st).is_some() && !matches!(st.op, AssignOp::Add | AssignOp::Sub)
        });
        for (k, &t) in targets.iter().enumerate() {
            sequential |= targets[..k].iter().any(|&u| self.aliases(t, u));
        }
        for st in code {
            for n in st.value.names() {
                if let Some(Resolved::Slot(s, _)) = self.resolve_name(&n) {
                    sequential |= targets.iter().any(|&t| self.aliases(s, t));
                }
            }
        }
        let code: Vec<Statement> = code
            .iter()
            .map(|st| {
                let Some(slot) = self.neuron_target(st) else {
                    return st.clone();
                };
                if !sequential {
                    // `v_post += e` becomes the increment `e` (`-= e`: `-(e)`, the same
                    // number added), added in synapse order by the scatter.
                    let (name, k) = match slot {
                        Space::Pre(k) => ("_inc_pre_", k),
                        Space::Post(k) => ("_inc_post_", k),
                        _ => unreachable!("a neuron slot"),
                    };
                    let value = match st.op {
                        AssignOp::Sub => Expr::negate(st.value.clone()),
                        _ => st.value.clone(),
                    };
                    return Statement {
                        target: format!("{name}{k}"),
                        op: AssignOp::Set,
                        span: st.span,
                        value,
                    };
                }
                if !self.conditional(slot) {
                    return st.clone();
                }
                let flag = match slot {
                    Space::Pre(_) => "not_refractory_pre",
                    _ => "not_refractory_post",
                };
                Statement {
                    target: st.target.clone(),
                    op: AssignOp::Set,
                    span: st.span,
                    value: Expr::call(
                        "_where",
                        vec![Expr::name(flag), st.as_assignment(), Expr::name(&st.target)],
                    ),
                }
            })
            .collect();
        let slots: RefCell<Vec<Space>> = RefCell::new(Vec::new());
        let bind = |name: &str| -> Option<Binding> {
            let increment = |prefix: &str| name.strip_prefix(prefix)?.parse::<usize>().ok();
            let space = if let Some(k) = increment("_inc_pre_") {
                Space::PreAdd(k)
            } else if let Some(k) = increment("_inc_post_") {
                Space::PostAdd(k)
            } else {
                match self.resolve_name(name)? {
                    Resolved::Slot(space, _) => space,
                    Resolved::Time => return Some(Binding::Scalar(0)),
                    Resolved::Constant(q) => return Some(Binding::Constant(q.value)),
                    Resolved::Sub(_) => return None,
                }
            };
            let mut s = slots.borrow_mut();
            let k = s.iter().position(|x| *x == space).unwrap_or_else(|| {
                s.push(space);
                s.len() - 1
            });
            Some(Binding::Array(k))
        };
        let tables = self.externals.tables();
        let kernel = compile_statements(
            &code,
            &crate::eval::WithTables {
                bind,
                tables: &tables,
            },
        )?;
        let slots = slots.into_inner();
        let masked = slots.iter().map(|&s| self.conditional(s)).collect();
        let direct = kernel.as_copies().and_then(|copies| {
            copies
                .into_iter()
                .map(|(k, from)| {
                    if !matches!(slots[k], Space::PreAdd(_) | Space::PostAdd(_)) {
                        return None;
                    }
                    let inc = match from {
                        Copied::Constant(c) => Increment::Constant(c),
                        Copied::Array(a) => match slots[a] {
                            Space::Synapse(v) => Increment::Synapse(v),
                            _ => return None,
                        },
                    };
                    Some((k, inc))
                })
                .collect::<Option<Vec<_>>>()
        });
        Ok(SynapticCode {
            kernel,
            slots,
            sequential,
            masked,
            direct,
        })
    }
}

impl Synapses {
    /// A Synapses object with no synapses yet. As in Brian 2, an empty code string makes
    /// no pathway, and `delay` is the delay of the pathway named `pre` (the `on_pre` code
    /// given as a string), which must exist.
    pub fn new(spec: SynapsesSpec) -> Result<Synapses, NetworkError> {
        let eqs = parse_equations(&spec.model).map_err(|e| NetworkError::Equation {
            object: spec.name.clone(),
            error: e,
        })?;
        if spec.delay.is_some() && !spec.on_pre.iter().any(|(n, c)| n == "pre" && !c.is_empty()) {
            return Err(NetworkError::Other(format!(
                "{}: cannot set the delay for the pathway 'pre': there is no such pathway (give on_pre code, or set the delay of a named pathway with S.<name>.delay)",
                spec.name
            )));
        }
        if let Some((p, _)) = spec.on_event.iter().find(|(p, _)| {
            !spec
                .on_pre
                .iter()
                .chain(&spec.on_post)
                .any(|(n, c)| n == p && !c.is_empty())
        }) {
            return Err(NetworkError::Other(format!(
                "{}: on_event names the pathway '{p}', which has no code (give it in on_pre or on_post)",
                spec.name
            )));
        }
        let mut array_names: Vec<String> = eqs.state_variables().map(|e| e.name.clone()).collect();
        // Brian 2 stores `lastupdate` (8 bytes a synapse) only for event-driven equations.
        if eqs
            .equations
            .iter()
            .any(|e| e.kind == EquationKind::Differential && e.has_flag("event-driven"))
        {
            array_names.push("lastupdate".into());
        }
        // Brian 2's N_incoming / N_outgoing (synapses onto this synapse's target neuron,
        // from its source neuron): stored only where the synapses' code reads them, counted
        // after every connect (`added`); scripts read them either way (`values`).
        for name in COUNTS {
            let code = std::iter::once(spec.model.as_str()).chain(
                spec.on_pre
                    .iter()
                    .chain(&spec.on_post)
                    .map(|(_, c)| c.as_str()),
            );
            if code.into_iter().any(|c| mentions(c, name)) {
                array_names.push(name.into());
            }
        }
        let arrays = array_names.iter().map(|_| Vec::new()).collect();
        let mut pathways = Vec::new();
        for (on_post, list) in [(false, &spec.on_pre), (true, &spec.on_post)] {
            for (name, code) in list.iter().filter(|(_, c)| !c.is_empty()) {
                let delay = if on_post || name != "pre" {
                    0.0
                } else {
                    spec.delay.unwrap_or(0.0)
                };
                let event = spec
                    .on_event
                    .iter()
                    .find(|(p, _)| p == name)
                    .map_or("spike".to_string(), |(_, e)| e.clone());
                pathways.push(Pathway {
                    name: name.clone(),
                    code: code.clone(),
                    on_post,
                    delay: Delay::Homogeneous(delay),
                    event,
                    event_index: None,
                    queue: SpikeQueue::default(),
                    steps: Vec::new(),
                    homogeneous_steps: None,
                    compiled: None,
                });
            }
        }
        Ok(Synapses {
            spec,
            eqs,
            pre: Vec::new(),
            post: Vec::new(),
            array_names,
            arrays,
            pathways,
            by_pre: SideIndex::default(),
            by_post: SideIndex::default(),
            update: None,
            method: None,
            summed: Vec::new(),
            local: Vec::new(),
            sides: Default::default(),
        })
    }

    pub fn len(&self) -> usize {
        self.pre.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pre.is_empty()
    }

    pub fn var_index(&self, name: &str) -> Option<usize> {
        self.array_names.iter().position(|n| n == name)
    }

    pub fn var_dim(&self, name: &str) -> Option<Dimension> {
        if name == "lastupdate" {
            return self.var_index(name).map(|_| Dimension::TIME);
        }
        if COUNTS.contains(&name) {
            return self.var_index(name).map(|_| Dimension::DIMENSIONLESS);
        }
        self.eqs
            .get(name)
            .filter(|e| e.kind != EquationKind::Subexpression)
            .map(|e| e.dim)
    }

    /// The integration method of the clock-driven equations, chosen at the last run.
    pub fn method(&self) -> Option<&'static str> {
        self.method
    }

    /// Adds synapses (local pre and post indices); new variables start at 0.
    pub fn add(&mut self, pairs: &[(u32, u32)]) {
        // Exactly: a doubling vector would hold up to twice the synapses at its peak.
        self.pre.reserve_exact(pairs.len());
        self.post.reserve_exact(pairs.len());
        for &(i, j) in pairs {
            self.pre.push(i);
            self.post.push(j);
        }
        self.added();
    }

    /// Heap bytes per synapse of the connectivity, per-synapse variables, delays and
    /// indices (capacity, not length: what the process holds).
    pub fn bytes_per_synapse(&self) -> f64 {
        let n = self.pre.len().max(1) as f64;
        let u32s = |v: &Vec<u32>| v.capacity() * 4;
        let index = |x: &SideIndex| u32s(&x.indptr) + x.order.as_ref().map_or(0, u32s);
        let mut bytes = u32s(&self.pre) + u32s(&self.post);
        bytes += self.arrays.iter().map(|a| a.capacity() * 8).sum::<usize>();
        bytes += index(&self.by_pre) + index(&self.by_post);
        for p in &self.pathways {
            bytes += u32s(&p.steps);
            if let Delay::PerSynapse(d) = &p.delay {
                bytes += d.capacity() * 8;
            }
        }
        bytes as f64 / n
    }

    /// After synapses were pushed to `pre` and `post`: their variables start at 0, their
    /// delays as the last one.
    pub(super) fn added(&mut self) {
        let n = self.pre.len();
        for a in &mut self.arrays {
            a.resize(n, 0.0);
        }
        for p in &mut self.pathways {
            if let Delay::PerSynapse(d) = &mut p.delay {
                let fill = d.last().copied().unwrap_or(0.0);
                d.resize(n, fill);
            }
        }
        for name in COUNTS {
            if let Some(k) = self.var_index(name) {
                self.arrays[k] = self.count(name);
            }
        }
    }

    /// Brian 2's `N_incoming` (synapses onto each synapse's target neuron) or
    /// `N_outgoing` (from its source neuron), per synapse.
    pub fn count(&self, name: &str) -> Vec<f64> {
        let side = if name == "N_incoming" {
            &self.post
        } else {
            &self.pre
        };
        let n = side.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
        let mut per = vec![0u32; n];
        for &x in side {
            per[x as usize] += 1;
        }
        side.iter().map(|&x| f64::from(per[x as usize])).collect()
    }

    /// The pathway `name` ("pre", "post", or a named one), for delays.
    pub fn pathway_mut(&mut self, name: &str) -> Option<&mut Pathway> {
        self.pathways.iter_mut().find(|p| p.name == name)
    }

    fn namespace<'a>(
        &'a self,
        pre: &'a SideVars,
        post: &'a SideVars,
        dt: f64,
        externals: &'a Values,
    ) -> SynNamespace<'a> {
        SynNamespace {
            syn: self,
            pre,
            post,
            dt,
            externals,
        }
    }

    fn code_error(&self, what: &str, text: &str, error: ExprError) -> NetworkError {
        NetworkError::Code {
            object: self.spec.name.clone(),
            what: what.into(),
            text: text.into(),
            error,
        }
    }

    /// Statements computing the model's (non-summed) subexpressions.
    fn subexpression_code(&self) -> Vec<Statement> {
        subexpression_order(&self.eqs)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| {
                let e = self.eqs.get(n)?;
                if e.has_flag("summed") {
                    return None;
                }
                let v = e.expr.clone()?;
                Some(Statement {
                    target: n.clone(),
                    op: AssignOp::Set,
                    span: v.span,
                    value: v,
                })
            })
            .collect()
    }

    /// Updates of the event-driven variables from `lastupdate` to `t`: the exact solution of
    /// `dx/dt = A x + B` with constant A (Brian 2 requires them to be solvable this way).
    fn event_driven_code(&self, ns: &SynNamespace) -> Result<Vec<Statement>, NetworkError> {
        let mut code = Vec::new();
        let elapsed = Expr::binary(
            crate::expr::BinOp::Sub,
            Expr::name("t"),
            Expr::name("lastupdate"),
        );
        for eq in self
            .eqs
            .differential()
            .filter(|e| e.has_flag("event-driven"))
        {
            let x = eq.name.as_str();
            let rhs = eq.expr.clone().unwrap_or(Expr::number(0.0));
            let fail = |why: String| {
                self.code_error(
                    "model",
                    &self.spec.model,
                    ExprError::other(format!("the event-driven equation for {x} {why}"), eq.span),
                )
            };
            let form = crate::integrate::linear::decompose(&rhs, &[x])
                .map_err(|w| fail(format!("is not linear: {w}")))?;
            let b = form.rest.unwrap_or(Expr::number(0.0));
            let new = match &form.coefs[0] {
                None => Expr::binary(
                    crate::expr::BinOp::Add,
                    Expr::name(x),
                    Expr::binary(crate::expr::BinOp::Mul, b, elapsed.clone()),
                ),
                Some(a) => {
                    if crate::expr::const_eval(a, ns).is_none() {
                        return Err(fail(format!(
                            "has a coefficient of {x}, '{a}', that is not constant"
                        )));
                    }
                    let (an, ban) = (format!("_A_{x}"), format!("_BA_{x}"));
                    code.push(Statement {
                        target: an.clone(),
                        op: AssignOp::Set,
                        span: eq.span,
                        value: a.clone(),
                    });
                    code.push(Statement {
                        target: ban.clone(),
                        op: AssignOp::Set,
                        span: eq.span,
                        value: Expr::binary(crate::expr::BinOp::Div, b, Expr::name(&an)),
                    });
                    let decay = Expr::call(
                        "exp",
                        vec![Expr::binary(
                            crate::expr::BinOp::Mul,
                            Expr::name(&an),
                            elapsed.clone(),
                        )],
                    );
                    Expr::binary(
                        crate::expr::BinOp::Add,
                        Expr::negate(Expr::name(&ban)),
                        Expr::binary(
                            crate::expr::BinOp::Mul,
                            Expr::binary(crate::expr::BinOp::Add, Expr::name(x), Expr::name(&ban)),
                            decay,
                        ),
                    )
                }
            };
            code.push(Statement {
                target: x.to_string(),
                op: AssignOp::Set,
                span: eq.span,
                value: new,
            });
        }
        Ok(code)
    }

    /// Checks and compiles all code; builds the indices by source and target and the
    /// delays in steps.
    pub(super) fn prepare(
        &mut self,
        groups: &[Group],
        dt: f64,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let pre = SideVars::of(groups, self.spec.source);
        let post = SideVars::of(groups, self.spec.target);
        let name = self.spec.name.clone();
        for eq in &self.eqs.equations {
            if eq.kind == EquationKind::Differential
                && !eq.has_flag("event-driven")
                && !eq.has_flag("clock-driven")
            {
                let e = ExprError::other(format!("the differential equation for {} needs the flag (clock-driven) or (event-driven)", eq.name), eq.span);
                return Err(NetworkError::Equation {
                    object: name,
                    error: EquationError::new(&self.eqs.text, e),
                });
            }
        }
        let ns = self.namespace(&pre, &post, dt, externals);
        crate::equations::check_equations(&self.eqs, &ns).map_err(|e| NetworkError::Equation {
            object: name.clone(),
            error: e,
        })?;

        // Clock-driven equations, integrated every step; event-driven ones stay still there.
        let mut clock_eqs = self.eqs.clone();
        for e in &mut clock_eqs.equations {
            if e.has_flag("event-driven") {
                e.kind = EquationKind::Parameter;
                e.expr = None;
            }
            if e.has_flag("summed") {
                e.kind = EquationKind::Parameter;
                e.expr = None;
            }
        }
        let ctx = Context {
            eqs: &clock_eqs,
            ns: &ns,
            held: Vec::new(),
        };
        let su = state_update(&ctx, self.spec.method.as_deref()).map_err(|e| {
            NetworkError::Integration {
                object: name.clone(),
                error: e,
            }
        })?;
        let update = if su.code.is_empty() {
            None
        } else {
            Some(
                ns.compile(&su.code)
                    .map_err(|e| self.code_error("state update", &self.spec.model, e))?,
            )
        };
        let method = (su.method != "none").then_some(su.method);

        // Summed variables: `x_post = expr : unit (summed)` writes the sum into x of the target.
        let mut summed = Vec::new();
        for eq in self.eqs.subexpressions().filter(|e| e.has_flag("summed")) {
            let base = eq.name.strip_suffix("_post").unwrap_or(&eq.name);
            let Some((k, dim)) = post.find(base) else {
                let e = ExprError::other(format!("the summed variable '{}' must name a variable of the target group, as in 'x_post = ... : unit (summed)'", eq.name), eq.span);
                return Err(NetworkError::Equation {
                    object: name,
                    error: EquationError::new(&self.eqs.text, e),
                });
            };
            if dim != eq.dim {
                let e = ExprError::other(
                    format!(
                        "'{}' is in {}, but the target variable '{base}' is in {dim}",
                        eq.name, eq.dim
                    ),
                    eq.span,
                );
                return Err(NetworkError::Equation {
                    object: name,
                    error: EquationError::new(&self.eqs.text, e),
                });
            }
            let mut code = self.subexpression_code();
            let value = eq.expr.clone().unwrap_or(Expr::number(0.0));
            code.push(Statement {
                target: "_summed".into(),
                op: AssignOp::Set,
                span: value.span,
                value,
            });
            summed.push((
                k,
                ns.compile(&code)
                    .map_err(|e| self.code_error("summed variable", &eq.name, e))?,
            ));
        }

        let event = self.event_driven_code(&ns)?;
        let mut compiled = Vec::new();
        for p in &self.pathways {
            let what = if p.on_post {
                "on_post code"
            } else {
                "on_pre code"
            };
            let stmts = parse_statements(&p.code).map_err(|e| self.code_error(what, &p.code, e))?;
            for s in &stmts {
                let dim = match ns.resolve_name(&s.target) {
                    Some(Resolved::Slot(Space::Synapse(_) | Space::Pre(_) | Space::Post(_), d)) => {
                        d
                    }
                    _ => {
                        let msg = format!(
                            "'{}' is not a variable of the synapses or of the neurons they connect",
                            s.target
                        );
                        return Err(self.code_error(what, &p.code, ExprError::other(msg, s.span)));
                    }
                };
                check_statement(s, dim, &ns).map_err(|e| self.code_error(what, &p.code, e))?;
            }
            let mut all = event.clone();
            all.extend(self.subexpression_code());
            for st in &stmts {
                let decl = match ns.resolve_name(&st.target) {
                    Some(Resolved::Slot(Space::Synapse(_), _)) => self.eqs.get(&st.target).cloned(),
                    Some(Resolved::Slot(Space::Pre(k), _)) => pre.decls.get(k).cloned().flatten(),
                    Some(Resolved::Slot(Space::Post(k), _)) => post.decls.get(k).cloned().flatten(),
                    _ => None,
                };
                all.push(
                    super::namespace::writable(decl.as_ref(), st)
                        .map_err(|e| self.code_error(what, &p.code, e))?,
                );
            }
            if !event.is_empty() {
                all.push(Statement {
                    target: "lastupdate".into(),
                    op: AssignOp::Set,
                    span: Default::default(),
                    value: Expr::name("t"),
                });
            }
            compiled.push(
                ns.compile(&all)
                    .map_err(|e| self.code_error(what, &p.code, e))?,
            );
        }

        // Indices by source and by target (counting sort, stable in synapse order).
        self.by_pre = index_by(&self.pre, pre.n);
        self.by_post = if self.pathways.iter().any(|p| p.on_post) {
            index_by(&self.post, post.n)
        } else {
            SideIndex::default()
        };
        let to_steps = |d: f64| (d / dt + 0.5).floor().max(0.0) as u32;
        for p in &mut self.pathways {
            let side = if p.on_post {
                self.spec.target
            } else {
                self.spec.source
            };
            p.event_index = match groups.get(side.group) {
                Some(Group::Neurons(g)) => g.event_index(&p.event).map_err(|e| {
                    NetworkError::Other(format!(
                        "{}: the pathway '{}' is triggered by '{}': {e}",
                        name, p.name, p.event
                    ))
                })?,
                _ if p.event == "spike" => None,
                Some(g) => {
                    return Err(NetworkError::Other(format!(
                        "{}: the pathway '{}' is triggered by '{}', but {} has only spikes",
                        name,
                        p.name,
                        p.event,
                        g.name()
                    )))
                }
                None => None,
            };
        }
        for (p, code) in self.pathways.iter_mut().zip(compiled) {
            p.compiled = Some(code);
            match &p.delay {
                Delay::Homogeneous(d) => {
                    let s = to_steps(*d) as usize;
                    p.homogeneous_steps = Some(s);
                    p.queue.ensure(s);
                }
                Delay::PerSynapse(ds) => {
                    p.steps = ds.iter().map(|&d| to_steps(d)).collect();
                    p.homogeneous_steps = None;
                    p.queue
                        .ensure(p.steps.iter().copied().max().unwrap_or(0) as usize);
                }
            }
        }
        self.sides = std::sync::Arc::new((pre.clone(), post.clone()));
        self.update = update;
        self.method = method;
        self.summed = summed;
        Ok(())
    }

    /// Sets a variable from code per synapse (`"rand()*w_max"`, with `i`, `j`).
    #[allow(clippy::too_many_arguments)]
    pub fn set_with_code(
        &mut self,
        var: &str,
        text: &str,
        condition: Option<&str>,
        groups: &mut [Group],
        dt: f64,
        externals: &Values,
        rng: &mut SmallRng,
    ) -> Result<(), NetworkError> {
        let pre = SideVars::of(groups, self.spec.source);
        let post = SideVars::of(groups, self.spec.target);
        let expr = parse_expr(text).map_err(|e| self.code_error("assignment", text, e))?;
        let stmt = Statement {
            target: var.to_string(),
            op: AssignOp::Set,
            span: expr.span,
            value: expr,
        };
        let code = {
            let ns = self.namespace(&pre, &post, dt, externals);
            let dim = self.var_dim(var).ok_or_else(|| {
                NetworkError::Other(format!("'{var}' is not a variable of {}", self.spec.name))
            })?;
            check_statement(&stmt, dim, &ns).map_err(|e| self.code_error("assignment", text, e))?;
            let mut all = self.subexpression_code();
            let mut stmt = super::namespace::keep_whole(self.eqs.get(var), stmt);
            if let Some(c) = condition {
                // Brian 2's `S.w["cond"] = ...`: the other synapses keep their value.
                let what = "condition of the assignment";
                let cond = parse_expr(c).map_err(|e| self.code_error(what, c, e))?;
                let d = crate::expr::infer(&cond, &ns).map_err(|e| self.code_error(what, c, e))?;
                if !d.is_dimensionless() {
                    let msg = "an index string must be a condition, as in 'i > j'";
                    return Err(self.code_error(what, c, ExprError::other(msg, cond.span)));
                }
                stmt.value = Expr::call("_where", vec![cond, stmt.value, Expr::name(var)]);
            }
            all.push(stmt);
            ns.compile(&all)
                .map_err(|e| self.code_error("assignment", text, e))?
        };
        let n = self.len();
        let mut scratch = Scratch::default();
        self.execute(
            &code,
            Ids::Range(n),
            &pre,
            &post,
            groups,
            0.0,
            rng,
            &mut scratch,
        );
        Ok(())
    }

    /// Evaluates an expression for pairs (`connect` conditions, `j` as a function of `i`,
    /// delays given as strings); returns its value per pair and its dimension.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn evaluate_pairs(
        code: &str,
        pairs_pre: &[u32],
        pairs_post: &[u32],
        spec: &SynapsesSpec,
        groups: &mut [Group],
        dt: f64,
        externals: &Values,
        rng: &mut SmallRng,
    ) -> Result<(Vec<f64>, Dimension), NetworkError> {
        let expr = parse_expr(code).map_err(|error| NetworkError::Code {
            object: spec.name.clone(),
            what: "connect".into(),
            text: code.into(),
            error,
        })?;
        Self::evaluate_pairs_with(
            code,
            expr,
            &[],
            pairs_pre,
            pairs_post,
            spec,
            groups,
            dt,
            externals,
            rng,
        )
    }

    /// [`Synapses::evaluate_pairs`] for a parsed expression, with extra per-pair
    /// dimensionless variables (a generator's inner variable, its result index).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn evaluate_pairs_with(
        code: &str,
        expr: Expr,
        extras: &[(&str, &[f64])],
        pairs_pre: &[u32],
        pairs_post: &[u32],
        spec: &SynapsesSpec,
        groups: &mut [Group],
        dt: f64,
        externals: &Values,
        rng: &mut SmallRng,
    ) -> Result<(Vec<f64>, Dimension), NetworkError> {
        let model: String = extras.iter().map(|(n, _)| format!("{n} : 1\n")).collect();
        let mut probe = Synapses::new(SynapsesSpec {
            model,
            on_pre: Vec::new(),
            on_post: Vec::new(),
            on_event: Vec::new(),
            delay: None,
            ..spec.clone()
        })?;
        probe.pre = pairs_pre.to_vec();
        probe.post = pairs_post.to_vec();
        probe.arrays = if extras.is_empty() {
            vec![vec![0.0; pairs_pre.len()]]
        } else {
            probe
                .array_names
                .iter()
                .map(|a| {
                    extras
                        .iter()
                        .find(|(n, _)| n == a)
                        .expect("an extra")
                        .1
                        .to_vec()
                })
                .collect()
        };
        let pre = SideVars::of(groups, spec.source);
        let post = SideVars::of(groups, spec.target);
        let (compiled, dim) = {
            let ns = probe.namespace(&pre, &post, dt, externals);
            let dim = infer(&expr, &ns).map_err(|e| probe.code_error("connect", code, e))?;
            let stmt = Statement {
                target: "_summed".into(),
                op: AssignOp::Set,
                span: expr.span,
                value: expr,
            };
            (
                ns.compile(&[stmt])
                    .map_err(|e| probe.code_error("connect", code, e))?,
                dim,
            )
        };
        let mut scratch = Scratch::default();
        let n = pairs_pre.len();
        let values = probe.execute(
            &compiled,
            Ids::Range(n),
            &pre,
            &post,
            groups,
            0.0,
            rng,
            &mut scratch,
        );
        Ok((values.unwrap_or_else(|| vec![0.0; n]), dim))
    }

    /// Runs compiled code over synapses; returns the `_summed` output if the code has one.
    #[allow(clippy::too_many_arguments)]
    fn execute(
        &mut self,
        code: &SynapticCode,
        ids: Ids,
        pre: &SideVars,
        post: &SideVars,
        groups: &mut [Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) -> Option<Vec<f64>> {
        let n = ids.len();
        if n == 0 {
            return code.slots.contains(&Space::Output).then(Vec::new);
        }
        if let Some(direct) = &code.direct {
            for &(k, inc) in direct {
                self.add_direct(code.slots[k], code.masked[k], inc, ids, pre, post, groups);
            }
            return None;
        }
        let mut local = std::mem::take(&mut self.local);
        local.resize_with(code.slots.len(), Vec::new);
        let written: Vec<usize> = code.kernel.written_arrays().collect();
        let scalars = [t];
        let chunk = if code.sequential { 1 } else { n };
        let mut output = Vec::new();
        let mut start = 0;
        while start < n {
            let len = chunk.min(n - start);
            self.gather(code, ids, start, len, pre, post, groups, &mut local);
            code.kernel.run(
                &mut local,
                Elements::Range(0, len),
                &scalars,
                rng,
                scratch,
                |_| {},
            );
            for &k in &written {
                self.scatter(
                    code.slots[k],
                    code.masked[k],
                    ids,
                    start,
                    &local[k],
                    pre,
                    post,
                    groups,
                );
            }
            if let Some(k) = code.slots.iter().position(|s| *s == Space::Output) {
                output.extend_from_slice(&local[k][..len]);
            }
            start += len;
        }
        self.local = local;
        code.slots.contains(&Space::Output).then_some(output)
    }

    #[allow(clippy::too_many_arguments)]
    fn gather(
        &self,
        code: &SynapticCode,
        ids: Ids,
        start: usize,
        len: usize,
        pre: &SideVars,
        post: &SideVars,
        groups: &[Group],
        local: &mut [Vec<f64>],
    ) {
        for (slot, out) in code.slots.iter().zip(local.iter_mut()) {
            out.clear();
            let ids = (start..start + len).map(|m| ids.get(m));
            match *slot {
                Space::Synapse(k) => out.extend(ids.map(|s| self.arrays[k][s])),
                Space::PreIndex => out.extend(ids.map(|s| self.pre[s] as f64)),
                Space::PostIndex => out.extend(ids.map(|s| self.post[s] as f64)),
                Space::Pre(k) => {
                    let arr = neuron_array(groups, pre, k);
                    out.extend(ids.map(|s| arr[pre.start + self.pre[s] as usize]));
                }
                Space::Post(k) => {
                    let arr = neuron_array(groups, post, k);
                    out.extend(ids.map(|s| arr[post.start + self.post[s] as usize]));
                }
                Space::Output | Space::PreAdd(_) | Space::PostAdd(_) => out.resize(len, 0.0),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scatter(
        &mut self,
        slot: Space,
        masked: bool,
        ids: Ids,
        start: usize,
        values: &[f64],
        pre: &SideVars,
        post: &SideVars,
        groups: &mut [Group],
    ) {
        let ids = (start..start + values.len()).map(|m| ids.get(m));
        let (side, index, k) = match slot {
            Space::Synapse(k) => {
                for (s, &v) in ids.zip(values) {
                    self.arrays[k][s] = v;
                }
                return;
            }
            Space::Pre(k) | Space::PreAdd(k) => (pre, &self.pre, k),
            Space::Post(k) | Space::PostAdd(k) => (post, &self.post, k),
            _ => return,
        };
        let Some(Group::Neurons(g)) = groups.get_mut(side.group) else {
            return;
        };
        g.note_write(k);
        let neuron = |s: usize| side.start + index[s] as usize;
        match slot {
            // Code run synapse by synapse: the new value (refractoriness was applied by
            // the code itself).
            Space::Pre(_) | Space::Post(_) => {
                let arr = &mut g.arrays[k];
                for (s, &v) in ids.zip(values) {
                    arr[neuron(s)] = v;
                }
            }
            // Increments, added one synapse after another (no test while no neuron can
            // be refractory).
            _ if !masked || !g.maybe_refractory() => {
                let arr = &mut g.arrays[k];
                for (s, &inc) in ids.zip(values) {
                    arr[neuron(s)] += inc;
                }
            }
            _ => {
                // A guarded variable is a state variable, stored before `not_refractory`.
                let last = g.arrays.len() - 1;
                let (vars, nr) = g.arrays.split_at_mut(last);
                let (arr, nr) = (&mut vars[k], &nr[0]);
                for (s, &inc) in ids.zip(values) {
                    let n = neuron(s);
                    if nr[n] != 0.0 {
                        arr[n] += inc;
                    }
                }
            }
        }
    }

    /// A direct pathway's increments of one neuron variable (`slot`), synapse after
    /// synapse: what [`Synapses::scatter`] adds after the kernel copied them.
    #[allow(clippy::too_many_arguments)]
    fn add_direct(
        &self,
        slot: Space,
        masked: bool,
        inc: Increment,
        ids: Ids,
        pre: &SideVars,
        post: &SideVars,
        groups: &mut [Group],
    ) {
        let (side, index, k) = match slot {
            Space::PreAdd(k) => (pre, &self.pre, k),
            Space::PostAdd(k) => (post, &self.post, k),
            _ => return,
        };
        let Some(Group::Neurons(g)) = groups.get_mut(side.group) else {
            return;
        };
        g.note_write(k);
        let (arr, nr) = if masked && g.maybe_refractory() {
            // A guarded variable is a state variable, stored before `not_refractory`.
            let last = g.arrays.len() - 1;
            let (vars, nr) = g.arrays.split_at_mut(last);
            (&mut vars[k][side.start..], Some(&nr[0][side.start..]))
        } else {
            (&mut g.arrays[k][side.start..], None)
        };
        fn each(ids: Ids, index: &[u32], mut f: impl FnMut(usize, usize)) {
            match ids {
                Ids::Range(n) => index[..n]
                    .iter()
                    .enumerate()
                    .for_each(|(s, &j)| f(s, j as usize)),
                Ids::List(l) => l
                    .iter()
                    .for_each(|&s| f(s as usize, index[s as usize] as usize)),
            }
        }
        match (inc, nr) {
            (Increment::Constant(c), None) => each(ids, index, |_, j| arr[j] += c),
            (Increment::Synapse(v), None) => {
                let w = &self.arrays[v];
                each(ids, index, |s, j| arr[j] += w[s]);
            }
            (inc, Some(nr)) => {
                let w: &[f64] = match inc {
                    Increment::Synapse(v) => &self.arrays[v],
                    Increment::Constant(_) => &[],
                };
                each(ids, index, |s, j| {
                    if nr[j] != 0.0 {
                        arr[j] += match inc {
                            Increment::Synapse(_) => w[s],
                            Increment::Constant(c) => c,
                        };
                    }
                });
            }
        }
    }

    /// Summed variables: each target neuron's variable becomes the sum over its synapses.
    /// Whether the synapses write summed variables (after `prepare`).
    pub(super) fn has_summed(&self) -> bool {
        !self.summed.is_empty()
    }

    /// Whether the synapses have clock-driven equations to integrate (after `prepare`).
    pub(super) fn has_clock_driven(&self) -> bool {
        self.update.is_some()
    }

    pub(super) fn update_summed(
        &mut self,
        groups: &mut [Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        if self.summed.is_empty() {
            return;
        }
        let sides = std::sync::Arc::clone(&self.sides);
        let (pre, post) = (&sides.0, &sides.1);
        let summed = std::mem::take(&mut self.summed);
        for (k, code) in &summed {
            let values = self
                .execute(
                    code,
                    Ids::Range(self.len()),
                    pre,
                    post,
                    groups,
                    t,
                    rng,
                    scratch,
                )
                .unwrap_or_default();
            if let Some(Group::Neurons(g)) = groups.get_mut(post.group) {
                g.note_write(*k);
                let arr = &mut g.arrays[*k][post.start..post.start + post.n];
                arr.fill(0.0);
                for (s, v) in values.iter().enumerate() {
                    arr[self.post[s] as usize] += v;
                }
            }
        }
        self.summed = summed;
    }

    /// Clock-driven synaptic equations, one step.
    pub(super) fn update_state(
        &mut self,
        groups: &mut [Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        let Some(code) = self.update.take() else {
            return;
        };
        let sides = std::sync::Arc::clone(&self.sides);
        let (pre, post) = (&sides.0, &sides.1);
        self.execute(
            &code,
            Ids::Range(self.len()),
            pre,
            post,
            groups,
            t,
            rng,
            scratch,
        );
        self.update = Some(code);
    }

    /// Queues this step's spikes (source or target, by pathway) and runs the code of the
    /// synapses due now. Pre pathways run before post pathways, as in Brian 2.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn propagate(
        &mut self,
        spikes: &[Vec<u32>],
        groups: &mut [Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
        due: &mut Vec<u32>,
    ) {
        if self.pathways.is_empty() || self.is_empty() {
            return;
        }
        let sides = std::sync::Arc::clone(&self.sides);
        let (pre, post) = (&sides.0, &sides.1);
        for on_post in [false, true] {
            for p in 0..self.pathways.len() {
                if self.pathways[p].on_post != on_post {
                    continue;
                }
                let side = if on_post {
                    self.spec.target
                } else {
                    self.spec.source
                };
                let index = if on_post { &self.by_post } else { &self.by_pre };
                let (lo, hi) = (side.start as u32, (side.start + side.len) as u32);
                let path = &mut self.pathways[p];
                let events: &[u32] = match (path.event_index, groups.get(side.group)) {
                    (Some(e), Some(Group::Neurons(g))) => g.event_list(e),
                    _ => &spikes[side.group],
                };
                for &n in events.iter().filter(|&&s| s >= lo && s < hi) {
                    let k = (n - lo) as usize;
                    let (a, b) = (index.indptr[k] as usize, index.indptr[k + 1] as usize);
                    match (&index.order, path.homogeneous_steps) {
                        (Some(order), Some(d)) => path.queue.push(d, order[a..b].iter().copied()),
                        (None, Some(d)) => path.queue.push(d, a as u32..b as u32),
                        (order, None) => (a..b)
                            .map(|m| order.as_ref().map_or(m as u32, |o| o[m]))
                            .for_each(|s| path.queue.push_one(path.steps[s as usize] as usize, s)),
                    }
                }
                path.queue.pop_into(due);
                if due.is_empty() {
                    continue;
                }
                let Some(code) = self.pathways[p].compiled.take() else {
                    continue;
                };
                self.execute(&code, Ids::List(due), pre, post, groups, t, rng, scratch);
                self.pathways[p].compiled = Some(code);
            }
        }
    }

    /// Compiles statements over the synapses (and the neurons they connect) to run on
    /// all synapses (`run_regularly`): conditional writes to neuron variables as for
    /// pathways.
    pub(super) fn compile_code(
        &self,
        what: &str,
        text: &str,
        groups: &[Group],
        dt: f64,
        externals: &Values,
    ) -> Result<CompiledCode, NetworkError> {
        let pre = SideVars::of(groups, self.spec.source);
        let post = SideVars::of(groups, self.spec.target);
        let ns = self.namespace(&pre, &post, dt, externals);
        let stmts = parse_statements(text).map_err(|e| self.code_error(what, text, e))?;
        let mut all = self.subexpression_code();
        for st in &stmts {
            let (dim, decl) = match ns.resolve_name(&st.target) {
                Some(Resolved::Slot(Space::Synapse(_), d)) => {
                    (d, self.eqs.get(&st.target).cloned())
                }
                Some(Resolved::Slot(Space::Pre(k), d)) => (d, pre.decls.get(k).cloned().flatten()),
                Some(Resolved::Slot(Space::Post(k), d)) => {
                    (d, post.decls.get(k).cloned().flatten())
                }
                _ => {
                    let msg = format!(
                        "'{}' is not a variable of the synapses or of the neurons they connect",
                        st.target
                    );
                    return Err(self.code_error(what, text, ExprError::other(msg, st.span)));
                }
            };
            check_statement(st, dim, &ns).map_err(|e| self.code_error(what, text, e))?;
            all.push(
                super::namespace::writable(decl.as_ref(), st)
                    .map_err(|e| self.code_error(what, text, e))?,
            );
        }
        Ok(CompiledCode(
            ns.compile(&all)
                .map_err(|e| self.code_error(what, text, e))?,
        ))
    }

    /// Runs compiled code (`compile_code`) on every synapse.
    pub(super) fn run_code(
        &mut self,
        code: &CompiledCode,
        groups: &mut [Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        let sides = std::sync::Arc::clone(&self.sides);
        let (pre, post) = (&sides.0, &sides.1);
        let n = self.len();
        self.execute(&code.0, Ids::Range(n), pre, post, groups, t, rng, scratch);
    }

    pub fn reinit_queues(&mut self) {
        self.pathways.iter_mut().for_each(|p| p.queue.clear());
    }
}

fn neuron_array<'g>(groups: &'g [Group], side: &SideVars, k: usize) -> &'g [f64] {
    match groups.get(side.group) {
        Some(Group::Neurons(g)) => &g.arrays[k],
        _ => &[],
    }
}

/// Synapses selected for a run of code.
#[derive(Clone, Copy)]
enum Ids<'a> {
    Range(usize),
    List(&'a [u32]),
}

impl Ids<'_> {
    fn len(&self) -> usize {
        match self {
            Ids::Range(n) => *n,
            Ids::List(l) => l.len(),
        }
    }
    fn get(&self, m: usize) -> usize {
        match self {
            Ids::Range(_) => m,
            Ids::List(l) => l[m] as usize,
        }
    }
}

/// CSR-style index: for each neuron, the synapses it belongs to (in synapse order).
/// The synapses of each neuron of one side: those of neuron k are `order[indptr[k]..
/// indptr[k + 1]]`, in synapse order; `order` is `None` when the synapses are already
/// sorted by that side (the usual case for the source: then they are
/// `indptr[k]..indptr[k + 1]` themselves, and no index is stored).
#[derive(Clone, Debug, Default)]
struct SideIndex {
    indptr: Vec<u32>,
    order: Option<Vec<u32>>,
}

fn index_by(side: &[u32], n: usize) -> SideIndex {
    let mut indptr = vec![0u32; n + 1];
    for &k in side {
        indptr[k as usize + 1] += 1;
    }
    for k in 0..n {
        indptr[k + 1] += indptr[k];
    }
    if side.windows(2).all(|w| w[0] <= w[1]) {
        return SideIndex {
            indptr,
            order: None,
        };
    }
    let mut next = indptr.clone();
    let mut order = vec![0u32; side.len()];
    for (s, &k) in side.iter().enumerate() {
        order[next[k as usize] as usize] = s as u32;
        next[k as usize] += 1;
    }
    SideIndex {
        indptr,
        order: Some(order),
    }
}

/// What `store()` keeps of a Synapses object: connectivity, variables, delays, queues.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct SynapsesState {
    pre: Vec<u32>,
    post: Vec<u32>,
    arrays: Vec<Vec<f64>>,
    pathways: Vec<(Delay, SpikeQueue)>,
}

impl Synapses {
    pub(super) fn state(&self) -> SynapsesState {
        SynapsesState {
            pre: self.pre.clone(),
            post: self.post.clone(),
            arrays: self.arrays.clone(),
            pathways: self
                .pathways
                .iter()
                .map(|p| (p.delay.clone(), p.queue.clone()))
                .collect(),
        }
    }

    pub(super) fn set_state(&mut self, s: SynapsesState) {
        self.pre = s.pre;
        self.post = s.post;
        self.arrays = s.arrays;
        for (p, (delay, queue)) in self.pathways.iter_mut().zip(s.pathways) {
            p.delay = delay;
            p.queue = queue;
        }
    }
}

// Reading variables: the synapses' rows of the variables table (Brian 2's `Variables` of
// a Synapses object) and their values, with subexpressions and the neuron variables the
// synapses refer to computed by the same gather-and-kernel path as synaptic code.

use super::variables::{VarIndex, VarKind, Variable};

/// Compiled code computing variables of synapses (subexpressions, `v_post`, ...) for
/// chosen synapses from the current state; a StateMonitor compiles one per run.
pub(super) struct SynapseReader {
    /// One block of code per variable, each with its output in a `_summed` slot.
    codes: Vec<SynapticCode>,
    sides: (SideVars, SideVars),
    ids: Vec<u32>,
    local: Vec<Vec<f64>>,
    out: Vec<Vec<f64>>,
}

impl SynapseReader {
    /// Computes the values of the chosen synapses of `syn` from its state and the
    /// neurons' in `groups` at time `t`.
    pub(super) fn read(
        &mut self,
        syn: &Synapses,
        groups: &[Group],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        let (pre, post) = (&self.sides.0, &self.sides.1);
        let len = self.ids.len();
        for (code, out) in self.codes.iter().zip(self.out.iter_mut()) {
            self.local.resize_with(code.slots.len(), Vec::new);
            syn.gather(
                code,
                Ids::List(&self.ids),
                0,
                len,
                pre,
                post,
                groups,
                &mut self.local,
            );
            code.kernel.run(
                &mut self.local,
                Elements::Range(0, len),
                &[t],
                rng,
                scratch,
                |_| {},
            );
            out.clear();
            if let Some(k) = code.slots.iter().position(|s| *s == Space::Output) {
                out.extend_from_slice(&self.local[k][..len]);
            }
        }
    }

    /// The values of the k-th variable computed by the last `read`.
    pub(super) fn output(&self, k: usize) -> &[f64] {
        &self.out[k]
    }
}

impl Synapses {
    /// Every variable of the synapses: the model's (summed variables excepted: their name
    /// is the target's variable), `lastupdate`, `i`, `j`, `N`, `N_pre`, `N_post`, `delay`
    /// (with a `pre` pathway), then the source's variables as `x_pre`, the target's as
    /// `x_post` and, where the synapses have no variable of that name, as plain `x`.
    pub fn variables(&self, groups: &[Group]) -> Vec<Variable> {
        let row = |name: &str, dim, kind, var_type, index, array| Variable {
            name: name.to_string(),
            dim,
            kind,
            flags: Vec::new(),
            var_type,
            shared: index == VarIndex::Shared,
            index,
            array,
        };
        let mut out: Vec<Variable> = self
            .eqs
            .equations
            .iter()
            .filter(|e| !e.has_flag("summed"))
            .map(|e| Variable {
                flags: e.flags.clone(),
                ..row(
                    &e.name,
                    e.dim,
                    match e.kind {
                        EquationKind::Differential => VarKind::State,
                        EquationKind::Parameter => VarKind::Parameter,
                        EquationKind::Subexpression => VarKind::Subexpression,
                    },
                    e.var_type,
                    if e.has_flag("shared") {
                        VarIndex::Shared
                    } else {
                        VarIndex::Element
                    },
                    self.var_index(&e.name),
                )
            })
            .collect();
        use crate::equations::VarType;
        let none = Dimension::DIMENSIONLESS;
        if self.var_index("lastupdate").is_some() {
            out.push(row(
                "lastupdate",
                Dimension::TIME,
                VarKind::LastUpdate,
                VarType::Float,
                VarIndex::Element,
                self.var_index("lastupdate"),
            ));
        }
        for name in ["i", "j"] {
            out.push(row(
                name,
                none,
                VarKind::Index,
                VarType::Integer,
                VarIndex::Element,
                None,
            ));
        }
        for name in COUNTS {
            out.push(row(
                name,
                none,
                VarKind::Count,
                VarType::Integer,
                VarIndex::Element,
                self.var_index(name),
            ));
        }
        for name in ["N", "N_pre", "N_post"] {
            out.push(row(
                name,
                none,
                VarKind::Size,
                VarType::Integer,
                VarIndex::Shared,
                None,
            ));
        }
        if self.pathways.iter().any(|p| p.name == "pre") {
            out.push(row(
                "delay",
                Dimension::TIME,
                VarKind::Delay,
                VarType::Float,
                VarIndex::Element,
                None,
            ));
        }
        for (side, suffix, index) in [
            (self.spec.source, "_pre", VarIndex::Pre),
            (self.spec.target, "_post", VarIndex::Post),
        ] {
            let Some(Group::Neurons(g)) = groups.get(side.group) else {
                continue;
            };
            let mut bare = Vec::new();
            for v in g.variables() {
                let Some(a) = v.array else { continue };
                let reference = Variable {
                    name: format!("{}{suffix}", v.name),
                    kind: VarKind::Reference,
                    index,
                    shared: false,
                    array: Some(a),
                    ..v
                };
                if index == VarIndex::Post {
                    bare.push(Variable {
                        name: reference.name[..reference.name.len() - suffix.len()].to_string(),
                        ..reference.clone()
                    });
                }
                out.push(reference);
            }
            for v in bare {
                if !out.iter().any(|o| o.name == v.name) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// A row of the table by name.
    pub fn variable(&self, name: &str, groups: &[Group]) -> Option<Variable> {
        self.variables(groups).into_iter().find(|v| v.name == name)
    }

    /// The values of a variable for every synapse at time `t` (seconds), in SI units: one
    /// value for shared variables and sizes. Subexpressions and the neuron variables the
    /// synapses refer to (`v_post`) are computed from the current state with the script's
    /// values (`externals`).
    pub fn values(
        &self,
        name: &str,
        groups: &[Group],
        t: f64,
        dt: f64,
        externals: &Values,
    ) -> Result<(Vec<f64>, Dimension), NetworkError> {
        let var = self.variable(name, groups).ok_or_else(|| {
            NetworkError::Other(format!("{} has no variable '{name}'", self.spec.name))
        })?;
        let as_f64 = |v: &[u32]| v.iter().map(|&x| x as f64).collect();
        let side_len = |r: GroupRef| r.len as f64;
        let values = match (var.kind, name) {
            (VarKind::Index, "i") => as_f64(&self.pre),
            (VarKind::Index, _) => as_f64(&self.post),
            (VarKind::Count, _) => self.count(name),
            (VarKind::Size, "N") => vec![self.len() as f64],
            (VarKind::Size, "N_pre") => vec![side_len(self.spec.source)],
            (VarKind::Size, _) => vec![side_len(self.spec.target)],
            (VarKind::Delay, _) => {
                let p = self.pathways.iter().find(|p| p.name == "pre");
                match p.map(|p| &p.delay) {
                    Some(Delay::PerSynapse(d)) => d.clone(),
                    Some(Delay::Homogeneous(d)) => vec![*d; self.len()],
                    None => Vec::new(),
                }
            }
            (VarKind::Subexpression | VarKind::Reference, _) => {
                let ids: Vec<u32> = (0..self.len() as u32).collect();
                let mut reader = self.reader(&[name.to_string()], ids, groups, dt, externals)?;
                let mut rng = rand::SeedableRng::seed_from_u64(0);
                reader.read(self, groups, t, &mut rng, &mut Scratch::default());
                reader.output(0).to_vec()
            }
            _ => {
                let a = var.array.expect("a stored variable");
                if var.shared {
                    let v = self.arrays[a].first().copied().ok_or_else(|| {
                        NetworkError::Other(format!(
                            "{}: the shared variable '{name}' has no value while there are no synapses (connect them first)",
                            self.spec.name
                        ))
                    })?;
                    vec![v]
                } else {
                    self.arrays[a].clone()
                }
            }
        };
        Ok((values, var.dim))
    }

    /// Compiles the code computing the variables `names` (subexpressions, references to
    /// neuron variables, or stored ones) of the synapses `ids` from the current state, with
    /// the time step `dt` and the script's values; a StateMonitor does this once per run.
    pub(super) fn reader(
        &self,
        names: &[String],
        ids: Vec<u32>,
        groups: &[Group],
        dt: f64,
        externals: &Values,
    ) -> Result<SynapseReader, NetworkError> {
        if let Some(bad) = ids.iter().find(|&&s| s as usize >= self.len()) {
            return Err(NetworkError::Other(format!(
                "{}: there is no synapse {bad} (it has {} synapses)",
                self.spec.name,
                self.len()
            )));
        }
        let pre = SideVars::of(groups, self.spec.source);
        let post = SideVars::of(groups, self.spec.target);
        let codes = {
            let ns = self.namespace(&pre, &post, dt, externals);
            names
                .iter()
                .map(|name| {
                    let mut code = self.subexpression_code();
                    code.push(Statement {
                        target: "_summed".into(),
                        op: AssignOp::Set,
                        span: Default::default(),
                        value: Expr::name(name),
                    });
                    ns.compile(&code)
                        .map_err(|e| self.code_error("variable", name, e))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(SynapseReader {
            out: vec![Vec::new(); codes.len()],
            codes,
            sides: (pre, post),
            ids,
            local: Vec::new(),
        })
    }
}
