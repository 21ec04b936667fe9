//! The expression and statement language shared by equations, thresholds, resets,
//! synaptic code and connection conditions: parsing to an AST with spans, dimension
//! inference and constant evaluation. Executes nothing over arrays (that is `eval`).

mod ast;
mod dims;
mod parser;

pub use ast::*;
pub use dims::{check_statement, const_eval, infer, NameInfo, Namespace, FUNCTIONS};
pub use parser::{parse_expr, parse_expr_at, parse_statements};

use crate::units::UnitError;

/// What went wrong in an expression, and where (a byte span into its text).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ExprError {
    pub kind: ExprErrorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprErrorKind {
    #[error("syntax error: {0}")]
    Syntax(String),
    #[error("unknown name '{name}'{}", hint.as_ref().map(|h| format!(" (did you mean '{h}'?)")).unwrap_or_default())]
    UnknownName { name: String, hint: Option<String> },
    #[error("unknown function '{name}'{}", hint.as_ref().map(|h| format!(" (did you mean '{h}'?)")).unwrap_or_default())]
    UnknownFunction { name: String, hint: Option<String> },
    #[error("{0}")]
    Units(#[from] UnitError),
    #[error("{0}")]
    Other(String),
}

impl ExprError {
    pub fn syntax(msg: String, span: Span) -> ExprError {
        ExprError {
            kind: ExprErrorKind::Syntax(msg),
            span,
        }
    }
    pub fn units(e: UnitError, span: Span) -> ExprError {
        ExprError {
            kind: ExprErrorKind::Units(e),
            span,
        }
    }
    pub fn other(msg: impl Into<String>, span: Span) -> ExprError {
        ExprError {
            kind: ExprErrorKind::Other(msg.into()),
            span,
        }
    }
    pub fn offset(mut self, by: usize) -> ExprError {
        self.span = self.span.offset(by);
        self
    }
}

/// The closest of `candidates` to `name`, for "did you mean" hints.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (name.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
