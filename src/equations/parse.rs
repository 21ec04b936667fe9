//! Parsing equation text into [`Equations`].

use super::{Equation, EquationError, EquationKind, Equations, VarType};
use crate::expr::{parse_expr_at, ExprError, Span};
use crate::units::{lookup, Dimension, Quantity};

const DIFFERENTIAL_FLAGS: &[&str] = &["unless refractory", "event-driven", "clock-driven"];
const PARAMETER_FLAGS: &[&str] = &[
    "constant",
    "shared",
    "linked",
    "summed",
    "unless refractory",
];
const SUBEXPRESSION_FLAGS: &[&str] = &["shared", "constant over dt", "summed"];

/// Parses Brian's equation text. Spans in the result and in errors index `text`.
pub fn parse_equations(text: &str) -> Result<Equations, EquationError> {
    let mut equations: Vec<Equation> = Vec::new();
    let mut offset = 0;
    // A definition may continue over several lines (Brian 2): it ends with the line that
    // has its ': unit'. `pending` is the text so far, comments and line breaks blanked
    // to spaces of the same length so that positions still index `text`.
    let mut pending: Option<(usize, String)> = None;
    let mut push = |start: usize, def: &str| -> Result<(), EquationError> {
        let eq = parse_line(def, start).map_err(|mut e| {
            let lines = text[start..start + def.len()].lines().count();
            if let (true, crate::expr::ExprErrorKind::Syntax(m)) = (lines > 1, &mut e.kind) {
                m.push_str(&format!(
                    " (this definition runs over {lines} lines: one continues until its ': unit'; is a ': unit' missing?)"
                ));
            }
            EquationError::new(text, e)
        })?;
        if equations.iter().any(|e| e.name == eq.name) {
            let e = ExprError::other(format!("'{}' is defined twice", eq.name), eq.span);
            return Err(EquationError::new(text, e));
        }
        equations.push(eq);
        Ok(())
    };
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let code = raw.split('#').next().unwrap_or("");
        let blanked = format!("{code}{}", " ".repeat(raw.len() - code.len()));
        let blanked = blanked.replace(['\n', '\r'], " ");
        let (start, mut def) = match pending.take() {
            Some(p) => p,
            None if code.trim().is_empty() => continue,
            None => (line_start, String::new()),
        };
        def.push_str(&blanked);
        if code.contains(':') {
            push(start, def.trim_end())?;
        } else {
            pending = Some((start, def));
        }
    }
    if let Some((start, def)) = pending {
        push(start, def.trim_end())?;
    }
    check_bare_xi(&equations).map_err(|e| EquationError::new(text, e))?;
    Ok(Equations {
        equations,
        text: text.to_string(),
    })
}

fn parse_line(line: &str, at: usize) -> Result<Equation, ExprError> {
    let lead = line.len() - line.trim_start().len();
    let span = Span::new(at + lead, at + line.len());
    let Some(colon) = line.rfind(':') else {
        return Err(ExprError::syntax(
            "an equation needs ': unit' at its end, as in 'dv/dt = -v/tau : volt'".into(),
            span,
        ));
    };
    let (lhs_rhs, unit_part) = (&line[..colon], &line[colon + 1..]);
    let (unit_text, flags, unit_at) = split_flags(unit_part, at + colon + 1)?;
    let unit_lead = unit_text.len() - unit_text.trim_start().len();
    let unit_span = Span::new(unit_at + unit_lead, unit_at + unit_text.trim_end().len());
    let (dim, var_type) = parse_unit(unit_text.trim(), unit_span)?;

    let (kind, name, expr) = if let Some(eq) = lhs_rhs.find('=') {
        let lhs = lhs_rhs[..eq].trim();
        let rhs = &lhs_rhs[eq + 1..];
        let expr = parse_expr_at(rhs, at + eq + 1)?;
        if let Some(name) = differential_name(lhs) {
            (EquationKind::Differential, name.to_string(), Some(expr))
        } else if is_identifier(lhs) {
            (EquationKind::Subexpression, lhs.to_string(), Some(expr))
        } else {
            return Err(ExprError::syntax(
                format!("'{lhs}' is neither 'dx/dt' nor a name"),
                Span::new(at + lead, at + eq),
            ));
        }
    } else {
        let name = lhs_rhs.trim();
        if !is_identifier(name) {
            return Err(ExprError::syntax(
                format!("'{name}' is not a valid parameter name"),
                span,
            ));
        }
        (EquationKind::Parameter, name.to_string(), None)
    };

    check_name(&name, span)?;
    let allowed = match kind {
        EquationKind::Differential => DIFFERENTIAL_FLAGS,
        EquationKind::Parameter => PARAMETER_FLAGS,
        EquationKind::Subexpression => SUBEXPRESSION_FLAGS,
    };
    for (flag, fspan) in &flags {
        if !allowed.contains(&flag.as_str()) {
            let what = match kind {
                EquationKind::Differential => "a differential equation",
                EquationKind::Parameter => "a parameter",
                EquationKind::Subexpression => "a subexpression",
            };
            return Err(ExprError::other(
                format!(
                    "the flag '{flag}' is not allowed on {what} (allowed: {})",
                    allowed.join(", ")
                ),
                *fspan,
            ));
        }
    }
    if var_type != VarType::Float && kind == EquationKind::Differential {
        return Err(ExprError::other(
            "a differential equation must have a unit, not boolean or integer",
            span,
        ));
    }
    Ok(Equation {
        name,
        kind,
        expr,
        dim,
        var_type,
        flags: flags.into_iter().map(|f| f.0).collect(),
        span,
    })
}

/// Brian 2's rule for the bare noise term: `xi` may appear in one differential equation
/// only (any number of times there), since it would be unclear whether two equations mean
/// the same noise or independent ones; `xi_<name>` says which (the same name in several
/// equations is the same noise).
fn check_bare_xi(equations: &[Equation]) -> Result<(), ExprError> {
    let mut first: Option<&str> = None;
    for eq in equations
        .iter()
        .filter(|e| e.kind == EquationKind::Differential)
    {
        let Some(expr) = &eq.expr else { continue };
        let mut at = None;
        expr.visit_names(&mut |n, span| {
            if n == "xi" && at.is_none() {
                at = Some(span);
            }
        });
        let Some(span) = at else { continue };
        match first {
            None => first = Some(&eq.name),
            Some(other) => {
                return Err(ExprError::other(
                    format!(
                        "the equation of '{}' uses 'xi', which the equation of '{other}' already uses; \
                         name the noise terms 'xi_...' to say whether they are the same noise \
                         (the same name in both) or independent noises (different names)",
                        eq.name
                    ),
                    span,
                ))
            }
        }
    }
    Ok(())
}

/// Names every group defines itself, which equations cannot define.
pub const RESERVED_NAMES: &[&str] = &["t", "dt", "xi", "i", "N", "lastspike", "not_refractory"];

/// Brian's rules for the names equations define: not a reserved name, not a noise term,
/// not a function, not starting with an underscore (generated code uses those).
fn check_name(name: &str, span: Span) -> Result<(), ExprError> {
    let why = if RESERVED_NAMES.contains(&name) {
        "it is defined by every group"
    } else if super::is_noise_name(name) {
        "names starting with 'xi_' are noise terms"
    } else if crate::expr::FUNCTIONS.iter().any(|(f, _)| *f == name) {
        "it is a function"
    } else if name.starts_with('_') {
        "names starting with '_' are reserved for generated code"
    } else {
        return Ok(());
    };
    Err(ExprError::other(
        format!("'{name}' cannot be defined in equations: {why}"),
        span,
    ))
}

fn differential_name(lhs: &str) -> Option<&str> {
    let s: String = lhs.chars().filter(|c| !c.is_whitespace()).collect();
    let body = s.strip_prefix('d')?.strip_suffix("/dt")?;
    if is_identifier(body) {
        let start = lhs.find(body)?;
        Some(&lhs[start..start + body.len()])
    } else {
        None
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

type Flags = Vec<(String, Span)>;

/// Splits "volt (unless refractory, constant)" into the unit and its flags.
fn split_flags(s: &str, at: usize) -> Result<(&str, Flags, usize), ExprError> {
    let trimmed = s.trim_end();
    if !trimmed.ends_with(')') {
        return Ok((s, Vec::new(), at));
    }
    // The flags group is the last parenthesis that does not belong to the unit.
    let Some(open) = trimmed.rfind('(') else {
        return Err(ExprError::syntax(
            "unbalanced ')' after the unit".into(),
            Span::new(at, at + s.len()),
        ));
    };
    let unit = &trimmed[..open];
    if unit.trim().is_empty() {
        // "(...)" alone is a parenthesised unit, not flags.
        return Ok((s, Vec::new(), at));
    }
    let inner = &trimmed[open + 1..trimmed.len() - 1];
    let mut flags = Vec::new();
    let mut pos = at + open + 1;
    for part in inner.split(',') {
        let name = part.trim();
        if !name.is_empty() {
            let start = pos + part.find(name).unwrap_or(0);
            flags.push((name.to_string(), Span::new(start, start + name.len())));
        }
        pos += part.len() + 1;
    }
    Ok((unit, flags, at))
}

/// Evaluates the unit after the colon: `volt`, `1`, `siemens/metre**2`, `boolean`.
fn parse_unit(text: &str, span: Span) -> Result<(Dimension, VarType), ExprError> {
    match text {
        "boolean" | "bool" => return Ok((Dimension::DIMENSIONLESS, VarType::Boolean)),
        "integer" | "int" => return Ok((Dimension::DIMENSIONLESS, VarType::Integer)),
        "" => return Err(ExprError::syntax("missing unit after ':'".into(), span)),
        _ => {}
    }
    let expr = parse_expr_at(text, span.start)?;
    struct Units;
    impl crate::expr::Namespace for Units {
        fn resolve(&self, name: &str) -> Option<crate::expr::NameInfo> {
            lookup(name).map(crate::expr::NameInfo::Constant)
        }
        fn names(&self) -> Vec<String> {
            [
                "volt", "second", "siemens", "amp", "farad", "metre", "hertz",
            ]
            .map(String::from)
            .to_vec()
        }
    }
    let q: Quantity = crate::expr::const_eval(&expr, &Units).ok_or_else(|| {
        let inner = crate::expr::infer(&expr, &Units).err();
        inner.unwrap_or_else(|| ExprError::other(format!("'{text}' is not a unit"), span))
    })?;
    if (q.value - 1.0).abs() > 1e-9 * q.value.abs().max(1.0) {
        return Err(ExprError::other(
            format!("the unit after ':' must be a base unit such as volt or siemens, not a scaled one like '{text}'"),
            span,
        ));
    }
    Ok((q.dim, VarType::Float))
}
