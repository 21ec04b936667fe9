//! Brian 2's generator syntax for `connect`: `"k for k in range(i-3, i+4) if k >= 0"`,
//! `"k for k in sample(N_post, p=0.1)"`, `"k for k in sample(N_post, size=5)"`, and a
//! bare expression (`"i"`, `"i+1 if i < N_pre-1"`), which is one element per index.

use super::NetworkError;

/// What the inner variable runs over.
#[derive(Clone, Debug, PartialEq)]
pub enum Iterator {
    /// `range(low, high, step)`: every element.
    Range,
    /// `sample(low, high, step, p=...)`: each element with probability p.
    SampleP(String),
    /// `sample(low, high, step, size=...)`: that many distinct elements.
    SampleSize(String),
}

/// A parsed generator: `element for inner in iterator(low, high, step) if condition`.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    pub element: String,
    pub inner: String,
    pub iterator: Iterator,
    pub low: String,
    pub high: String,
    pub step: String,
    pub condition: Option<String>,
}

fn error(text: &str, why: &str) -> NetworkError {
    NetworkError::Other(format!(
        "cannot read the generator '{text}': {why} (Brian 2's syntax is 'k for k in range(i-3, i+4) if k >= 0', or 'k for k in sample(N_post, p=0.1)')"
    ))
}

/// Byte offsets of `word` (surrounded by spaces) outside parentheses and brackets.
fn top_level(text: &str, word: &str) -> Vec<usize> {
    let pat = format!(" {word} ");
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut out = Vec::new();
    for (k, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ => {}
        }
        if depth == 0 && text[k..].starts_with(&pat) {
            out.push(k);
        }
    }
    out
}

/// Splits call arguments at top-level commas.
fn arguments(text: &str) -> Vec<String> {
    let mut depth = 0i32;
    let mut out = vec![String::new()];
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().expect("one").push(c);
    }
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

impl Generator {
    /// Whether a `j`/`i` string uses generator syntax (has a `for`).
    pub fn is_generator(text: &str) -> bool {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == "for")
    }

    /// Parses `text`; a bare expression (with an optional `if`) is one element.
    pub fn parse(text: &str) -> Result<Generator, NetworkError> {
        let t = text.trim();
        if !Self::is_generator(t) {
            let ifs = top_level(t, "if");
            return match ifs.as_slice() {
                [] => Ok(Generator::single(t, None)),
                [k] => Ok(Generator::single(&t[..*k], Some(t[k + 4..].trim()))),
                _ => Err(error(t, "more than one 'if'")),
            };
        }
        let fors = top_level(t, "for");
        let [f] = fors.as_slice() else {
            return Err(error(t, "it needs exactly one 'for'"));
        };
        let element = t[..*f].trim().to_string();
        let rest = &t[f + 5..];
        let ins = top_level(rest, "in");
        let Some(&k) = ins.first() else {
            return Err(error(t, "no 'in' after 'for'"));
        };
        let inner = rest[..k].trim().to_string();
        if inner.is_empty() || !inner.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(error(t, &format!("'{inner}' is not a variable name")));
        }
        let rest = rest[k + 4..].trim();
        let (call, condition) = match top_level(rest, "if").as_slice() {
            [] => (rest, None),
            [k] => (rest[..*k].trim(), Some(rest[k + 4..].trim().to_string())),
            _ => return Err(error(t, "more than one 'if'")),
        };
        let Some(open) = call.find('(') else {
            return Err(error(t, "the iterator must be range(...) or sample(...)"));
        };
        if !call.ends_with(')') {
            return Err(error(t, "the iterator's call is not closed"));
        }
        let func = call[..open].trim();
        let args = arguments(&call[open + 1..call.len() - 1]);
        let (positional, keywords): (Vec<&String>, Vec<&String>) =
            args.iter().filter(|a| !a.is_empty()).partition(|a| {
                !a.contains('=')
                    || a.contains("==")
                    || a.contains("<=")
                    || a.contains(">=")
                    || a.contains("!=")
            });
        let (low, high, step) = match positional.as_slice() {
            [h] => ("0".to_string(), h.to_string(), "1".to_string()),
            [l, h] => (l.to_string(), h.to_string(), "1".to_string()),
            [l, h, s] => (l.to_string(), h.to_string(), s.to_string()),
            _ => {
                return Err(error(
                    t,
                    &format!("{func}() takes one to three positional arguments"),
                ))
            }
        };
        let keyword = |name: &str| {
            keywords.iter().find_map(|k| {
                let (a, b) = k.split_once('=')?;
                (a.trim() == name).then(|| b.trim().to_string())
            })
        };
        for k in &keywords {
            let name = k.split_once('=').map_or("", |(a, _)| a.trim());
            if !(func == "sample" && (name == "p" || name == "size")) {
                return Err(error(t, &format!("{func}() has no argument '{name}'")));
            }
        }
        let iterator = match func {
            "range" => Iterator::Range,
            "sample" => match (keyword("p"), keyword("size")) {
                (Some(p), None) => Iterator::SampleP(p),
                (None, Some(s)) => Iterator::SampleSize(s),
                _ => return Err(error(t, "sample() needs one of p=... or size=...")),
            },
            other => {
                return Err(error(
                    t,
                    &format!("the iterator '{other}' is not range or sample"),
                ))
            }
        };
        Ok(Generator {
            element,
            inner,
            iterator,
            low,
            high,
            step,
            condition,
        })
    }

    fn single(element: &str, condition: Option<&str>) -> Generator {
        Generator {
            element: element.trim().to_string(),
            inner: "_".into(),
            iterator: Iterator::Range,
            low: "0".into(),
            high: "1".into(),
            step: "1".into(),
            condition: condition.map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_read_as_brian_2_writes_them() {
        let g = Generator::parse("k for k in range(i-3, i+4) if k >= 0 and k < N_post").unwrap();
        assert_eq!(g.element, "k");
        assert_eq!(g.inner, "k");
        assert_eq!(
            (g.low.as_str(), g.high.as_str(), g.step.as_str()),
            ("i-3", "i+4", "1")
        );
        assert_eq!(g.condition.as_deref(), Some("k >= 0 and k < N_post"));
        let g = Generator::parse("k for k in sample(N_post, p=0.1*i/N_pre)").unwrap();
        assert_eq!(g.iterator, Iterator::SampleP("0.1*i/N_pre".into()));
        assert_eq!(g.high, "N_post");
        let g = Generator::parse("i+k for k in sample(0, 10, 2, size=i//2)").unwrap();
        assert_eq!(g.iterator, Iterator::SampleSize("i//2".into()));
        assert_eq!(
            (g.low.as_str(), g.high.as_str(), g.step.as_str()),
            ("0", "10", "2")
        );
        let g = Generator::parse("i+1 if i < N_pre-1").unwrap();
        assert_eq!((g.element.as_str(), g.high.as_str()), ("i+1", "1"));
        assert_eq!(g.condition.as_deref(), Some("i < N_pre-1"));
        assert!(Generator::parse("k for k in zip(1)").is_err());
        assert!(Generator::parse("k for k in sample(10)").is_err());
        assert!(Generator::parse("k for k in range(10, q=1)").is_err());
        assert!(!Generator::is_generator("i + 1"));
        assert!(Generator::is_generator("k for k in range(3)"));
    }
}
