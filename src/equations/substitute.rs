//! Brian 2's `Equations(eqs, tau=10*ms, g="g_e")`: names in the equations replaced by
//! other names (model variables too, `dv/dt` becoming `dv_e/dt`) or by values (external
//! names only), as Brian 2's `Equations._substitute` does: whole identifiers in the
//! expressions, never in units or comments.

use super::parse_equations;
use crate::units::{Dimension, Quantity};

/// What a name is replaced by.
#[derive(Clone, Debug, PartialEq)]
pub enum Replacement {
    Name(String),
    Value(Quantity),
}

/// The equations `text` with `replacements` made; an error names the problem (a model
/// variable replaced by a value, a duplicate definition, an invalid identifier, equations
/// that no longer parse).
pub fn substitute(text: &str, replacements: &[(String, Replacement)]) -> Result<String, String> {
    if replacements.is_empty() {
        return Ok(text.to_string());
    }
    let eqs = parse_equations(text).map_err(|e| e.to_string())?;
    let defined: Vec<&str> = eqs.equations.iter().map(|e| e.name.as_str()).collect();
    for (old, new) in replacements {
        match new {
            Replacement::Value(_) if defined.contains(&old.as_str()) => {
                return Err(format!(
                    "cannot replace the model variable '{old}' with a value"
                ));
            }
            Replacement::Name(n) if defined.contains(&old.as_str()) => {
                if !is_identifier(n) {
                    return Err(format!("cannot rename '{old}' to '{n}': not a valid name"));
                }
                let renamed_away = replacements
                    .iter()
                    .any(|(o, r)| o == n && matches!(r, Replacement::Name(x) if x != n));
                if defined.contains(&n.as_str()) && !renamed_away {
                    return Err(format!(
                        "cannot replace the model variable '{old}' with '{n}': '{n}' is \
                         defined twice"
                    ));
                }
            }
            Replacement::Name(n) if !is_identifier(n) => {
                return Err(format!(
                    "cannot replace '{old}' with '{n}': not a valid name"
                ));
            }
            _ => {}
        }
    }
    let lookup = |name: &str| replacements.iter().find(|(o, _)| o == name).map(|(_, r)| r);
    let mut out = String::with_capacity(text.len());
    let (mut in_unit, mut in_comment) = (false, false);
    let chars: Vec<char> = text.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if c == '\n' {
            in_unit = false;
            in_comment = false;
        } else if c == '#' {
            in_comment = true;
        } else if c == ':' && !in_comment {
            in_unit = true;
        }
        let starts_word = (c.is_alphabetic() || c == '_')
            && (k == 0 || !(chars[k - 1].is_alphanumeric() || chars[k - 1] == '_'));
        if !starts_word || in_unit || in_comment {
            out.push(c);
            k += 1;
            continue;
        }
        let mut e = k;
        while e < chars.len() && (chars[e].is_alphanumeric() || chars[e] == '_') {
            e += 1;
        }
        let word: String = chars[k..e].iter().collect();
        // `dv/dt`: the derivative of a renamed variable.
        let rest: String = chars[e..chars.len().min(e + 8)].iter().collect();
        let derivative = word.len() > 1 && word.starts_with('d') && {
            let r = rest.trim_start();
            r.starts_with('/') && r[1..].trim_start().starts_with("dt")
        };
        match (
            derivative,
            lookup(&word),
            lookup(&word[1.min(word.len())..]),
        ) {
            (true, _, Some(Replacement::Name(n))) => {
                out.push('d');
                out.push_str(n);
            }
            (false, Some(Replacement::Name(n)), _) => out.push_str(n),
            (false, Some(Replacement::Value(q)), _) => out.push_str(&value_code(*q)),
            _ => out.push_str(&word),
        }
        k = e;
    }
    parse_equations(&out).map_err(|e| format!("the equations after the replacements: {e}"))?;
    Ok(out)
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// A quantity as code of the equation language: its SI value times the base units.
pub fn value_code(q: Quantity) -> String {
    const BASE: [&str; 7] = [
        "metre", "kilogram", "second", "amp", "kelvin", "mole", "candela",
    ];
    let mut s = format!("({:?}", q.value);
    let Dimension(p) = q.dim;
    for (name, power) in BASE.iter().zip(p) {
        if power == 1.0 {
            s.push_str(&format!("*{name}"));
        } else if power != 0.0 {
            s.push_str(&format!("*{name}**{power:?}"));
        }
    }
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Replacement {
        Replacement::Name(s.into())
    }

    #[test]
    fn names_and_values_replace_whole_identifiers_in_expressions_only() {
        let eqs = "dv/dt = (g*(E - v) + gv)/tau : volt # g is a conductance\ng : 1";
        let out = substitute(
            eqs,
            &[
                ("v".into(), name("v_e")),
                (
                    "tau".into(),
                    Replacement::Value(Quantity::new(0.01, Dimension::TIME)),
                ),
                ("g".into(), name("g_e")),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "dv_e/dt = (g_e*(E - v_e) + gv)/(0.01*second) : volt # g is a conductance\ng_e : 1"
        );
    }

    #[test]
    fn brian_2s_refusals() {
        let eqs = "dv/dt = -v/tau : 1\nw : 1";
        let q = Replacement::Value(Quantity::new(1.0, Dimension::DIMENSIONLESS));
        assert!(substitute(eqs, &[("v".into(), q)])
            .unwrap_err()
            .contains("with a value"));
        assert!(substitute(eqs, &[("v".into(), name("w"))])
            .unwrap_err()
            .contains("defined twice"));
        assert!(substitute(eqs, &[("v".into(), name("1x"))])
            .unwrap_err()
            .contains("not a valid name"));
        // Swapping two names is fine.
        let out = substitute(eqs, &[("v".into(), name("w")), ("w".into(), name("v"))]).unwrap();
        assert_eq!(out, "dw/dt = -w/tau : 1\nv : 1");
    }

    #[test]
    fn values_with_compound_units_stay_valid_code() {
        let q = Quantity::new(2e-9, Dimension([2.0, 1.0, -3.0, -1.0, 0.0, 0.0, 0.0]));
        assert_eq!(
            value_code(q),
            "(2e-9*metre**2.0*kilogram*second**-3.0*amp**-1.0)"
        );
    }
}
