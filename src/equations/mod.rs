//! Brian's equation language: `dv/dt = expr : unit (flags)`, subexpressions
//! `name = expr : unit`, parameters `name : unit`. Parsing keeps spans into the original
//! text; checking (units, unknown names, cycles) needs a namespace and is done when the
//! network prepares a run. Integration is not here (that is `integrate`).

mod check;
mod parse;
mod substitute;

pub use check::{check_equations, subexpression_order};
pub use parse::parse_equations;
pub use substitute::{substitute, value_code, Replacement};

use crate::expr::{Expr, ExprError, Span};
use crate::units::Dimension;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EquationKind {
    Differential,
    Subexpression,
    Parameter,
}

/// The type after the colon: a unit (float), `boolean` or `integer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarType {
    Float,
    Boolean,
    Integer,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Equation {
    pub name: String,
    pub kind: EquationKind,
    /// The right-hand side (none for parameters); spans index the whole equations text.
    pub expr: Option<Expr>,
    pub dim: Dimension,
    pub var_type: VarType,
    pub flags: Vec<String>,
    /// Span of the whole line in the equations text.
    pub span: Span,
}

impl Equation {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// A parsed set of equations, in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Equations {
    pub equations: Vec<Equation>,
    pub text: String,
}

impl Equations {
    /// Whether `name` is declared `integer` (it keeps whole values, Brian 2 truncates).
    pub fn is_integer(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|e| e.var_type == VarType::Integer)
    }

    pub fn get(&self, name: &str) -> Option<&Equation> {
        self.equations.iter().find(|e| e.name == name)
    }
    pub fn differential(&self) -> impl Iterator<Item = &Equation> {
        self.equations
            .iter()
            .filter(|e| e.kind == EquationKind::Differential)
    }
    pub fn subexpressions(&self) -> impl Iterator<Item = &Equation> {
        self.equations
            .iter()
            .filter(|e| e.kind == EquationKind::Subexpression)
    }
    /// Variables with storage: differential variables and parameters, in order written.
    pub fn state_variables(&self) -> impl Iterator<Item = &Equation> {
        self.equations
            .iter()
            .filter(|e| e.kind != EquationKind::Subexpression)
    }
    /// The names of all noise terms (`xi`, `xi_1`, ...) used in the equations.
    pub fn noise_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for eq in &self.equations {
            if let Some(e) = &eq.expr {
                for n in e.names() {
                    if is_noise_name(&n) && !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
        out
    }
}

/// `xi` and `xi_<name>` are white-noise terms (unit second**-0.5).
pub fn is_noise_name(name: &str) -> bool {
    name == "xi" || name.starts_with("xi_")
}

/// An equation error: which line of the equations, where in it, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("in the equation '{line_text}': {error}")]
pub struct EquationError {
    pub line_text: String,
    pub error: ExprError,
}

impl EquationError {
    pub fn new(text: &str, error: ExprError) -> EquationError {
        let start = text[..error.span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |k| k + 1);
        let end = text[start..].find('\n').map_or(text.len(), |k| start + k);
        EquationError {
            line_text: text[start..end].trim().to_string(),
            error,
        }
    }
}
