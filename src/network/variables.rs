//! A group's variables as one table (Brian 2's `Variables`): every name code and scripts
//! can read, with its dimension, kind, flags, type, index and storage, and the values of
//! any of them over a range of neurons (subexpressions computed from the current state).
//! The same rows describe Synapses (`Synapses::variables`, in synapses.rs) and what a
//! StateMonitor records. A `SubexpressionReader` is the compiled code that computes
//! subexpressions for chosen neurons: a StateMonitor compiles one per run, in `prepare`.

use super::neuron_group::NeuronGroup;
use super::{NetworkError, Values};
use crate::equations::{EquationKind, VarType};
use crate::eval::{compile_statements, Binding, Elements, Kernel, Scratch};
use crate::expr::{AssignOp, Expr, Statement};
use crate::units::Dimension;
use rand::rngs::SmallRng;
use std::cell::RefCell;

/// What a name of a group stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// A differential variable (`dv/dt = ...`).
    State,
    /// A parameter (`I : amp`).
    Parameter,
    /// A subexpression (`I_syn = ... : amp`), computed when read.
    Subexpression,
    /// An index: a neuron's `i` in its (sub)group; for synapses `i` and `j`, the
    /// presynaptic and postsynaptic neuron of each synapse.
    Index,
    /// A number of elements (shared): `N`; for synapses also `N_pre`, `N_post`.
    Size,
    /// `lastspike` and `not_refractory`, kept for refractoriness.
    Refractoriness,
    /// `lastupdate` of synapses (when their event-driven variables were last updated).
    LastUpdate,
    /// A synapse's delay (of its `pre` pathway).
    Delay,
    /// For synapses: `N_incoming` and `N_outgoing`, the synapses sharing each synapse's
    /// target or source neuron (counted from the connectivity; read-only).
    Count,
    /// For synapses: a variable of the source (`v_pre`) or target (`v_post`, or plain
    /// `v` when the synapses have no `v`) seen per synapse.
    Reference,
}

/// Which element a variable's value belongs to (Brian 2's index of a variable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarIndex {
    /// One value per neuron (or per synapse).
    Element,
    /// One value for the whole group.
    Shared,
    /// The synapse's presynaptic neuron.
    Pre,
    /// The synapse's postsynaptic neuron.
    Post,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: String,
    pub dim: Dimension,
    pub kind: VarKind,
    pub flags: Vec<String>,
    pub var_type: VarType,
    /// One value for the whole group (`(shared)` parameters, `N`).
    pub shared: bool,
    /// Whose value it is: the element's, shared, or (synapses) the pre/post neuron's.
    pub index: VarIndex,
    /// The stored array (`NeuronGroup::arrays`, `Synapses::arrays`; for references the
    /// source's or target's array), for stored variables.
    pub array: Option<usize>,
}

impl Variable {
    pub fn read_only(&self) -> bool {
        matches!(
            self.kind,
            VarKind::Subexpression | VarKind::Index | VarKind::Size
        ) || self.flags.iter().any(|f| f == "constant")
    }

    /// Whether reading the variable runs code (subexpressions, and for synapses the
    /// neuron variables they refer to).
    pub fn is_computed(&self) -> bool {
        matches!(self.kind, VarKind::Subexpression | VarKind::Reference)
    }
}

impl NeuronGroup {
    /// Every variable of the group: equations in the order written, then `i`, `N`,
    /// `lastspike`, `not_refractory`.
    pub fn variables(&self) -> Vec<Variable> {
        let mut out: Vec<Variable> = self
            .eqs
            .equations
            .iter()
            .map(|e| Variable {
                name: e.name.clone(),
                dim: e.dim,
                kind: match e.kind {
                    EquationKind::Differential => VarKind::State,
                    EquationKind::Parameter => VarKind::Parameter,
                    EquationKind::Subexpression => VarKind::Subexpression,
                },
                flags: e.flags.clone(),
                var_type: e.var_type,
                shared: e.has_flag("shared"),
                index: if e.has_flag("shared") {
                    VarIndex::Shared
                } else {
                    VarIndex::Element
                },
                array: self.array_names.iter().position(|n| n == &e.name),
            })
            .collect();
        let builtin = |name: &str, dim, kind, var_type, shared: bool, array| Variable {
            name: name.to_string(),
            dim,
            kind,
            flags: Vec::new(),
            var_type,
            shared,
            index: if shared {
                VarIndex::Shared
            } else {
                VarIndex::Element
            },
            array,
        };
        out.push(builtin(
            "i",
            Dimension::DIMENSIONLESS,
            VarKind::Index,
            VarType::Integer,
            false,
            None,
        ));
        out.push(builtin(
            "N",
            Dimension::DIMENSIONLESS,
            VarKind::Size,
            VarType::Integer,
            true,
            None,
        ));
        let k = self.array_names.len();
        out.push(builtin(
            "lastspike",
            Dimension::TIME,
            VarKind::Refractoriness,
            VarType::Float,
            false,
            Some(k - 2),
        ));
        out.push(builtin(
            "not_refractory",
            Dimension::DIMENSIONLESS,
            VarKind::Refractoriness,
            VarType::Boolean,
            false,
            Some(k - 1),
        ));
        out
    }

    /// A row of the table by name.
    pub fn variable(&self, name: &str) -> Option<Variable> {
        self.variables().into_iter().find(|v| v.name == name)
    }

    /// The values of a variable for neurons `start..start + len` of the group at time `t`
    /// (seconds), in SI units. As in Brian 2, `i` counts from 0 at `start` and `N` is the
    /// size of the range (a subgroup's own `i` and `N`), while a subexpression is the
    /// group's: computed from the current state with the group's `i` and `N` and the
    /// script's values (`externals`).
    pub fn values(
        &self,
        name: &str,
        (start, len): (usize, usize),
        t: f64,
        dt: f64,
        externals: &Values,
    ) -> Result<(Vec<f64>, Dimension), NetworkError> {
        let var = self.variable(name).ok_or_else(|| {
            NetworkError::Other(format!("{} has no variable '{name}'", self.spec.name))
        })?;
        let values = match var.kind {
            VarKind::Index => (0..len).map(|k| k as f64).collect(),
            VarKind::Size => vec![len as f64],
            _ if var.shared && var.array.is_some() => {
                let a = var.array.expect("a stored shared variable");
                vec![self.arrays[a].first().copied().unwrap_or(0.0)]
            }
            VarKind::Subexpression => {
                let neurons: Vec<usize> = (start..start + len).collect();
                let mut reader = self.subexpression_reader(&[name.to_string()], dt, externals)?;
                let mut rng = rand::SeedableRng::seed_from_u64(0);
                let mut scratch = Scratch::default();
                reader.read(&self.arrays, &neurons, t, &mut rng, &mut scratch);
                reader.output(0).to_vec()
            }
            _ => {
                let a = var.array.expect("a stored variable");
                self.arrays[a][start..start + len].to_vec()
            }
        };
        Ok((values, var.dim))
    }

    /// Compiles the code computing the subexpressions `names` (in this order) from the
    /// state, with the time step `dt` and the script's values; a StateMonitor does this
    /// once per run.
    pub(super) fn subexpression_reader(
        &self,
        names: &[String],
        dt: f64,
        externals: &Values,
    ) -> Result<SubexpressionReader, NetworkError> {
        let ns = super::namespace::GroupNamespace {
            eqs: &self.eqs,
            arrays: &self.array_names,
            n: self.spec.n,
            dt,
            externals,
        };
        let mut code = self.subexpression_code();
        for (k, name) in names.iter().enumerate() {
            if self
                .eqs
                .get(name)
                .is_none_or(|e| e.kind != EquationKind::Subexpression)
            {
                return Err(NetworkError::Other(format!(
                    "{}: '{name}' is not a subexpression",
                    self.spec.name
                )));
            }
            code.push(Statement {
                target: format!("{OUTPUT}{k}"),
                op: AssignOp::Set,
                span: Default::default(),
                value: Expr::name(name),
            });
        }
        let slots: RefCell<Vec<ReadSlot>> = RefCell::new(Vec::new());
        let bind = |n: &str| -> Option<Binding> {
            let slot = match n.strip_prefix(OUTPUT).and_then(|k| k.parse().ok()) {
                Some(k) => ReadSlot::Output(k),
                None => match ns.bind(n)? {
                    Binding::Array(a) => ReadSlot::Array(a),
                    Binding::Index => ReadSlot::Index,
                    other => return Some(other),
                },
            };
            let mut s = slots.borrow_mut();
            let k = s.iter().position(|x| *x == slot).unwrap_or_else(|| {
                s.push(slot);
                s.len() - 1
            });
            Some(Binding::Array(k))
        };
        let tables = externals.tables();
        let kernel = compile_statements(
            &code,
            &crate::eval::WithTables {
                bind,
                tables: &tables,
            },
        )
        .map_err(|e| self.code_error("subexpression", &names.join(", "), e))?;
        let slots = slots.into_inner();
        let outputs = (0..names.len())
            .map(|k| {
                slots
                    .iter()
                    .position(|s| *s == ReadSlot::Output(k))
                    .expect("every output is assigned")
            })
            .collect();
        Ok(SubexpressionReader {
            kernel,
            local: vec![Vec::new(); slots.len()],
            slots,
            outputs,
        })
    }
}

/// Names of the outputs of a reader's code (names with a leading underscore are not
/// user names, as in Brian 2).
const OUTPUT: &str = "_value_";

/// Where the values of one array of a reader's kernel come from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ReadSlot {
    /// A stored array of the group.
    Array(usize),
    /// The neuron's index in the group.
    Index,
    /// The k-th value computed.
    Output(usize),
}

/// Compiled code computing some of a group's subexpressions for chosen neurons from the
/// current state. It gathers the arrays the code reads for those neurons, runs one kernel
/// and keeps the outputs until the next `read`.
pub(super) struct SubexpressionReader {
    kernel: Kernel,
    slots: Vec<ReadSlot>,
    local: Vec<Vec<f64>>,
    /// The slot holding each output.
    outputs: Vec<usize>,
}

impl SubexpressionReader {
    /// Computes the values for `neurons` (indices in the whole group) from the group's
    /// `arrays` at time `t`.
    pub(super) fn read(
        &mut self,
        arrays: &[Vec<f64>],
        neurons: &[usize],
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut Scratch,
    ) {
        for (slot, out) in self.slots.iter().zip(self.local.iter_mut()) {
            out.clear();
            match *slot {
                ReadSlot::Array(a) => out.extend(neurons.iter().map(|&n| arrays[a][n])),
                ReadSlot::Index => out.extend(neurons.iter().map(|&n| n as f64)),
                ReadSlot::Output(_) => out.resize(neurons.len(), 0.0),
            }
        }
        self.kernel.run(
            &mut self.local,
            Elements::Range(0, neurons.len()),
            &[t],
            rng,
            scratch,
            |_| {},
        );
    }

    /// The values of the k-th subexpression computed by the last `read`.
    pub(super) fn output(&self, k: usize) -> &[f64] {
        &self.local[self.outputs[k]]
    }
}
