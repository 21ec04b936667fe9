//! Parameter sweeps: a grid of parameter values from command-line specifications, the runs
//! executed in parallel, and a results table that keeps every run, failed or not. Knows
//! nothing of scripts: the caller gives a function that performs one run.
//!
//! `tau=5ms,10ms,20ms` lists values; `we=1mV:3mV:5` is 5 values from 1 mV to 3 mV.
//! Values stay text here; the script layer parses them into quantities (`param()`), so a
//! sweep over any value a script understands needs nothing from this module.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// One swept parameter and its values (as text, e.g. "5ms").
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// Parses `name=v1,v2,...` or `name=start:stop:count` (count values, both ends included).
pub fn parse_param(spec: &str) -> Result<ParamSpec, String> {
    let (name, values) = spec.split_once('=').ok_or_else(|| {
        format!("a parameter is given as name=values, e.g. tau=5ms,10ms; got '{spec}'")
    })?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("'{name}' is not a parameter name"));
    }
    let parts: Vec<&str> = values.split(':').collect();
    let values = match parts.as_slice() {
        [list] => list
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
        [start, stop, count] => range(start.trim(), stop.trim(), count.trim())?,
        _ => {
            return Err(format!(
                "'{values}': use a list (a,b,c) or a range (start:stop:count)"
            ))
        }
    };
    if values.is_empty() {
        return Err(format!("the parameter '{name}' has no values"));
    }
    Ok(ParamSpec {
        name: name.to_string(),
        values,
    })
}

/// Splits "2.5mV" into (2.5, "mV"); the unit may be empty.
fn split_number(text: &str) -> Result<(f64, &str), String> {
    let end = text
        .char_indices()
        .find(|&(k, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '-'
                || c == '+'
                || ((c == 'e' || c == 'E')
                    && k > 0
                    && text[k + 1..]
                        .starts_with(|d: char| d.is_ascii_digit() || d == '-' || d == '+')))
        })
        .map_or(text.len(), |(k, _)| k);
    let number: f64 = text[..end]
        .parse()
        .map_err(|_| format!("'{text}' does not start with a number"))?;
    Ok((number, text[end..].trim()))
}

fn range(start: &str, stop: &str, count: &str) -> Result<Vec<String>, String> {
    let (a, unit_a) = split_number(start)?;
    let (b, unit_b) = split_number(stop)?;
    if unit_a != unit_b {
        return Err(format!(
            "the ends of a range need the same unit: '{start}' and '{stop}'"
        ));
    }
    let n: usize = count
        .parse()
        .map_err(|_| format!("the number of values '{count}' is not a whole number"))?;
    if n == 0 {
        return Err("a range needs at least one value".into());
    }
    Ok((0..n)
        .map(|k| {
            let v = if n == 1 {
                a
            } else {
                a + (b - a) * k as f64 / (n - 1) as f64
            };
            // Round away binary noise so the values read as typed (0.30000000000000004).
            let v: f64 = format!("{v:.12e}").parse().unwrap_or(v);
            format!("{v}{unit_a}")
        })
        .collect())
}

/// Every combination of the parameters' values, the first parameter varying slowest.
pub fn grid(params: &[ParamSpec]) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for p in params {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                p.values.iter().map(move |v| {
                    let mut row = prefix.clone();
                    row.push((p.name.clone(), v.clone()));
                    row
                })
            })
            .collect();
    }
    out
}

/// What one run gave: its results (name and text) or the error that stopped it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub index: usize,
    pub params: Vec<(String, String)>,
    pub results: Vec<(String, String)>,
    pub error: Option<String>,
    pub seconds: f64,
}

/// Runs `run` for every parameter combination on `jobs` threads. A run that fails or
/// panics becomes a row with its error; the others are unaffected. `done` is called as each
/// run finishes (for progress and incremental saving).
pub fn run_all<F>(
    grid: &[Vec<(String, String)>],
    jobs: usize,
    run: F,
    done: &(dyn Fn(&RunResult) + Sync),
) -> Vec<RunResult>
where
    F: Fn(usize, &[(String, String)]) -> Result<Vec<(String, String)>, String> + Sync,
{
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build();
    let work = |(index, params): (usize, &Vec<(String, String)>)| {
        let started = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(index, params)));
        let (results, error) = match outcome {
            Ok(Ok(r)) => (r, None),
            Ok(Err(e)) => (Vec::new(), Some(e)),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "the run panicked".into());
                (Vec::new(), Some(format!("internal error: {msg}")))
            }
        };
        let r = RunResult {
            index,
            params: params.clone(),
            results,
            error,
            seconds: started.elapsed().as_secs_f64(),
        };
        done(&r);
        r
    };
    let mut results: Vec<RunResult> = match pool {
        Ok(pool) => pool.install(|| grid.par_iter().enumerate().map(work).collect()),
        Err(_) => grid.iter().enumerate().map(work).collect(),
    };
    results.sort_by_key(|r| r.index);
    results
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes the table as CSV: run, the parameters, every result name seen, error, seconds.
pub fn write_csv(path: &Path, rows: &[RunResult]) -> std::io::Result<()> {
    let params: Vec<String> = rows
        .first()
        .map(|r| r.params.iter().map(|p| p.0.clone()).collect())
        .unwrap_or_default();
    let names: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| r.results.iter().map(|x| x.0.clone()))
        .collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut header = vec!["run".to_string()];
    header.extend(params.iter().cloned());
    header.extend(names.iter().cloned());
    header.extend(["error".to_string(), "seconds".to_string()]);
    writeln!(
        f,
        "{}",
        header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",")
    )?;
    for r in rows {
        let mut line = vec![r.index.to_string()];
        line.extend(r.params.iter().map(|p| csv_field(&p.1)));
        for n in &names {
            line.push(
                r.results
                    .iter()
                    .find(|x| &x.0 == n)
                    .map(|x| csv_field(&x.1))
                    .unwrap_or_default(),
            );
        }
        line.push(csv_field(r.error.as_deref().unwrap_or("")));
        line.push(format!("{:.3}", r.seconds));
        writeln!(f, "{}", line.join(","))?;
    }
    f.flush()
}

/// One JSON line per finished run, appended as runs finish, so that an interrupted sweep
/// loses nothing and `--resume` can skip what succeeded.
pub fn append_jsonl(path: &Path, r: &RunResult) -> std::io::Result<()> {
    let obj = serde_json::json!({
        "run": r.index,
        "params": r.params.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
        "results": r.results.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
        "error": r.error,
        "seconds": r.seconds,
    });
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "{obj}")
}

/// Successful runs recorded in a JSON-lines file, for `--resume`.
pub fn read_jsonl(path: &Path) -> Vec<RunResult> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let pairs = |v: &serde_json::Value| -> Vec<(String, String)> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|v| RunResult {
            index: v["run"].as_u64().unwrap_or(0) as usize,
            params: pairs(&v["params"]),
            results: pairs(&v["results"]),
            error: v["error"].as_str().map(String::from),
            seconds: v["seconds"].as_f64().unwrap_or(0.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_ranges() {
        let p = parse_param("tau=5ms,10ms, 20ms").unwrap();
        assert_eq!(p.values, vec!["5ms", "10ms", "20ms"]);
        let p = parse_param("we=1mV:3mV:5").unwrap();
        assert_eq!(p.values, vec!["1mV", "1.5mV", "2mV", "2.5mV", "3mV"]);
        let p = parse_param("x=0.1:0.3:3").unwrap();
        assert_eq!(p.values, vec!["0.1", "0.2", "0.3"]);
        assert!(parse_param("tau").unwrap_err().contains("name=values"));
        assert!(parse_param("we=1mV:3ms:5")
            .unwrap_err()
            .contains("same unit"));
    }

    #[test]
    fn grid_is_the_product_and_failures_keep_their_rows() {
        let params = [
            parse_param("a=1,2").unwrap(),
            parse_param("b=x,y,z").unwrap(),
        ];
        let g = grid(&params);
        assert_eq!(g.len(), 6);
        assert_eq!(
            g[1],
            vec![("a".into(), "1".into()), ("b".into(), "y".into())]
        );
        let rows = run_all(
            &g,
            2,
            |k, p| {
                if k == 3 {
                    return Err(format!("bad {}", p[1].1));
                }
                if k == 4 {
                    panic!("boom");
                }
                Ok(vec![("k".into(), k.to_string())])
            },
            &|_| {},
        );
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[3].error.as_deref(), Some("bad x"));
        assert_eq!(rows[4].error.as_deref(), Some("internal error: boom"));
        assert_eq!(rows[5].results, vec![("k".to_string(), "5".to_string())]);
    }
}
