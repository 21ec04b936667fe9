//! Comma-separated values with a header naming each column and its unit (`t (ms)`), as
//! pandas' `read_csv` and NumPy's `genfromtxt(names=True)` expect.

use super::{Data, Field, IoError, Saved, Unit};
use std::io::{BufWriter, Write};
use std::path::Path;

fn number(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else if v == 0.0 || (1e-4..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn cell(data: &Data, k: usize) -> String {
    match data {
        Data::F64(v) => number(v[k]),
        Data::I64(v) => v[k].to_string(),
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The text of one column's cell in a given row.
type Cell<'a> = Box<dyn Fn(usize) -> String + 'a>;

pub(super) fn write(path: &Path, content: &Saved) -> Result<(), IoError> {
    let (header, rows, cells): (Vec<String>, usize, Vec<Cell<'_>>) = match content {
        Saved::Array(f) if f.shape.len() == 2 => {
            let (rows, cols) = (f.shape[0], f.shape[1]);
            let header = (0..cols)
                .map(|j| {
                    let name = format!("{}[{j}]", f.name);
                    if f.unit.text.is_empty() {
                        name
                    } else {
                        format!("{name} ({})", f.unit.text)
                    }
                })
                .collect();
            let cells = (0..cols)
                .map(|j| Box::new(move |r: usize| cell(&f.data, r * cols + j)) as Cell<'_>)
                .collect();
            (header, rows, cells)
        }
        Saved::Array(f) => (
            vec![f.header()],
            f.data.len(),
            vec![Box::new(move |r| cell(&f.data, r))],
        ),
        Saved::Table(fs) | Saved::Arrays(fs) => {
            let rows = fs.first().map_or(0, |f| f.data.len());
            if let Some(f) = fs
                .iter()
                .find(|f| f.shape.len() != 1 || f.data.len() != rows)
            {
                return Err(IoError::Unsupported(format!(
                        "a .csv file holds columns of equal length, but {} has shape {:?} and {} has {rows} values: save them as .npz",
                        f.name, f.shape, fs[0].name
                    )));
            }
            let header = fs.iter().map(Field::header).collect();
            let cells = fs
                .iter()
                .map(|f| Box::new(move |r| cell(&f.data, r)) as Cell<'_>)
                .collect();
            (header, rows, cells)
        }
    };
    let file = std::fs::File::create(path).map_err(|e| IoError::file(path, e))?;
    let mut out = BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        let h: Vec<String> = header.iter().map(|s| quote(s)).collect();
        writeln!(out, "{}", h.join(","))?;
        let mut line = String::new();
        for r in 0..rows {
            line.clear();
            for (k, c) in cells.iter().enumerate() {
                if k > 0 {
                    line.push(',');
                }
                line.push_str(&c(r));
            }
            writeln!(out, "{line}")?;
        }
        out.flush()
    };
    write().map_err(|e| IoError::file(path, e))
}

/// Splits one CSV line into cells (double quotes group, `""` is a quote).
fn split(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

/// `t (ms)` into the name `t` and the unit ms; a header without a unit is plain numbers.
fn column(header: &str, path: &Path) -> Result<(String, Unit), IoError> {
    let h = header.trim();
    if let Some(open) = h.rfind(" (").filter(|_| h.ends_with(')')) {
        let unit_text = &h[open + 2..h.len() - 1];
        let unit = Unit::parse(unit_text).ok_or_else(|| {
            IoError::format(
                path,
                format!("column '{h}': '{unit_text}' is not a unit brian knows"),
            )
        })?;
        return Ok((h[..open].trim().to_string(), unit));
    }
    Ok((h.to_string(), Unit::one()))
}

pub(super) fn read(path: &Path) -> Result<Saved, IoError> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::file(path, e))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((_, head)) = lines.next() else {
        return Err(IoError::format(path, "the file is empty"));
    };
    let cols: Vec<(String, Unit)> = split(head)
        .iter()
        .map(|h| column(h, path))
        .collect::<Result<_, _>>()?;
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); cols.len()];
    for (n, line) in lines {
        let cells = split(line);
        if cells.len() != cols.len() {
            return Err(IoError::format(
                path,
                format!(
                    "line {} has {} values, the header names {} columns",
                    n + 1,
                    cells.len(),
                    cols.len()
                ),
            ));
        }
        for (k, c) in cells.iter().enumerate() {
            let c = c.trim();
            let v = if c.is_empty() {
                f64::NAN
            } else {
                c.parse::<f64>().map_err(|_| {
                    IoError::format(
                        path,
                        format!(
                            "line {}, column '{}': '{c}' is not a number",
                            n + 1,
                            cols[k].0
                        ),
                    )
                })?
            };
            values[k].push(v);
        }
    }
    let fields = cols
        .into_iter()
        .zip(values)
        .map(|((name, unit), v)| Field {
            name,
            shape: vec![v.len()],
            data: Data::F64(v),
            unit,
        })
        .collect();
    Ok(Saved::Table(fields))
}
