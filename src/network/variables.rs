//! A group's variables as one table (Brian 2's `Variables`): every name code and scripts
//! can read, with its dimension, kind, flags, type and storage, and the values of any of
//! them over a range of neurons (subexpressions computed from the current state).

use super::neuron_group::NeuronGroup;
use super::{NetworkError, Values};
use crate::equations::{EquationKind, VarType};
use crate::eval::{compile_statements, Elements};
use crate::expr::{AssignOp, Expr, ExprKind, Span, Statement};
use crate::units::Dimension;

/// What a name of a group stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// A differential variable (`dv/dt = ...`).
    State,
    /// A parameter (`I : amp`).
    Parameter,
    /// A subexpression (`I_syn = ... : amp`), computed when read.
    Subexpression,
    /// The neuron's index in the group (`i`).
    Index,
    /// The number of neurons (`N`, shared).
    Size,
    /// `lastspike` and `not_refractory`, kept for refractoriness.
    Refractoriness,
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
    /// The stored array (`NeuronGroup::arrays`), for stored variables.
    pub array: Option<usize>,
}

impl Variable {
    pub fn read_only(&self) -> bool {
        matches!(
            self.kind,
            VarKind::Subexpression | VarKind::Index | VarKind::Size
        ) || self.flags.iter().any(|f| f == "constant")
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
                array: self.array_names.iter().position(|n| n == &e.name),
            })
            .collect();
        let builtin = |name: &str, dim, kind, var_type, shared, array| Variable {
            name: name.to_string(),
            dim,
            kind,
            flags: Vec::new(),
            var_type,
            shared,
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

    /// The values of a variable for neurons `start..start + len` of the group (`i`
    /// counts from 0 at `start`, as in Brian 2's subgroups; `N` is the group's size), in
    /// SI units (`N` is the size of the range, a subgroup's size). Subexpressions are computed from the current state with the script's
    /// values (`externals`).
    pub fn values(
        &self,
        name: &str,
        (start, len): (usize, usize),
        dt: f64,
        externals: &Values,
    ) -> Result<(Vec<f64>, Dimension), NetworkError> {
        let var = self.variable(name).ok_or_else(|| {
            NetworkError::Other(format!("{} has no variable '{name}'", self.spec.name))
        })?;
        let values = match var.kind {
            VarKind::Index => (0..len).map(|k| k as f64).collect(),
            VarKind::Size => vec![len as f64],
            _ if var.shared => {
                let a = var.array.expect("a stored shared variable");
                vec![self.arrays[a].first().copied().unwrap_or(0.0)]
            }
            VarKind::Subexpression => {
                self.subexpression_values(name, (start, len), dt, externals)?
            }
            _ => {
                let a = var.array.expect("a stored variable");
                self.arrays[a][start..start + len].to_vec()
            }
        };
        Ok((values, var.dim))
    }

    fn subexpression_values(
        &self,
        name: &str,
        (start, len): (usize, usize),
        dt: f64,
        externals: &Values,
    ) -> Result<Vec<f64>, NetworkError> {
        // The subexpressions are computed into a copy of the state with one more array.
        let mut names = self.array_names.clone();
        names.push("_value".into());
        let ns = super::namespace::GroupNamespace {
            eqs: &self.eqs,
            arrays: &names,
            n: self.spec.n,
            dt,
            externals,
        };
        let span = Span { start: 0, end: 0 };
        let mut code = self.subexpression_code();
        code.push(Statement {
            target: "_value".into(),
            op: AssignOp::Set,
            span,
            value: Expr {
                kind: ExprKind::Name(name.to_string()),
                span,
            },
        });
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind: |n: &str| ns.bind(n),
            tables: &tables,
        };
        let kernel = compile_statements(&code, &bind)
            .map_err(|e| self.code_error("subexpression", name, e))?;
        let mut arrays = self.arrays.clone();
        arrays.push(vec![0.0; self.spec.n]);
        let mut rng = rand::SeedableRng::seed_from_u64(0);
        let mut scratch = crate::eval::Scratch::default();
        kernel.run(
            &mut arrays,
            Elements::Range(start, start + len),
            &[0.0],
            &mut rng,
            &mut scratch,
            |_| {},
        );
        let out = arrays.pop().expect("the value array");
        Ok(out[start..start + len].to_vec())
    }
}
