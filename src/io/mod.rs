//! Saved data that NumPy and pandas read: `.npy` and `.npz` (NumPy's own formats) and
//! `.csv` with a header, each keeping its units. Knows nothing of Rhai.
//!
//! What is stored: numbers in a readable unit (the unit an array was divided by, as in
//! `M.t/ms`, otherwise the display unit Brian would print, e.g. `mV`), so that
//! `np.load("v.npy")` gives millivolts, not 0.065-style SI values. The unit goes
//! into a side file `<path>.json` for `.npy` and `.npz` (`{"unit": "ms", "dimension": "s",
//! "scale": 0.001}`: SI value = stored value × scale, dimension in SI base units) and into
//! the header of a `.csv` (`t (ms)`). [`load`] reads all three back and restores the units.
//!
//! Whole numbers without units (indices, counts) are stored as int64, the rest as float64.

mod csv;
mod meta;
mod npy;
pub mod record;

use crate::units::{best_unit, lookup, Dimension, QuantityArray};
use std::path::{Path, PathBuf};

/// Everything that can go wrong reading or writing data files.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("cannot save to {0:?}: use a file name ending in .npy, .npz or .csv")]
    UnknownFormat(String),
    #[error("{0}")]
    Unsupported(String),
}

impl IoError {
    fn file(path: &Path, source: std::io::Error) -> IoError {
        IoError::File {
            path: path.display().to_string(),
            source,
        }
    }

    fn format(path: &Path, message: impl Into<String>) -> IoError {
        IoError::Format {
            path: path.display().to_string(),
            message: message.into(),
        }
    }
}

/// Stored numbers: float64, or int64 for indices and counts.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    F64(Vec<f64>),
    I64(Vec<i64>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::F64(v) => v.len(),
            Data::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_f64(&self) -> Vec<f64> {
        match self {
            Data::F64(v) => v.clone(),
            Data::I64(v) => v.iter().map(|&x| x as f64).collect(),
        }
    }
}

/// How stored numbers relate to quantities: SI value = stored × `scale`, of dimension `dim`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// As written in headers: `"ms"`, `"mV"`, `""` for plain numbers.
    pub text: String,
    pub dim: Dimension,
    pub scale: f64,
}

impl Unit {
    /// Plain numbers.
    pub fn one() -> Unit {
        Unit {
            text: String::new(),
            dim: Dimension::DIMENSIONLESS,
            scale: 1.0,
        }
    }

    /// The unit Brian would display values of `dim` in, judged by their largest magnitude.
    pub fn readable(dim: Dimension, si_values: &[f64]) -> Unit {
        if dim.is_dimensionless() {
            return Unit::one();
        }
        let scale = si_values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let (text, factor) = best_unit(dim, scale);
        Unit {
            text,
            dim,
            scale: factor,
        }
    }

    /// An SI value in this unit. A conversion is rounded to 15 significant digits, which
    /// removes its binary noise (0.0101 s is 10.1 ms, not 10.100000000000001 ms).
    pub fn from_si(&self, v: f64) -> f64 {
        if self.scale == 1.0 || !v.is_finite() {
            return v;
        }
        round_15(v / self.scale)
    }

    /// Parses a unit as written in a header: `ms`, `mV`, `V/s`, `m^2 kg s^-3 A^-1`, or
    /// nothing (plain numbers).
    pub fn parse(text: &str) -> Option<Unit> {
        let t = text.trim();
        if t.is_empty() || t == "1" {
            return Some(Unit::one());
        }
        let (num, den) = match t.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (t, None),
        };
        let mut scale = 1.0;
        let mut dim = Dimension::DIMENSIONLESS;
        for (part, sign) in [(num, 1.0), (den.unwrap_or(""), -1.0)] {
            for factor in part.split_whitespace() {
                let (sym, p) = match factor.split_once('^') {
                    Some((s, e)) => (s, e.parse::<f64>().ok()?),
                    None => (factor, 1.0),
                };
                let (value, d) = symbol(sym)?;
                scale *= value.powf(sign * p);
                dim = dim * d.powf(sign * p);
            }
        }
        Some(Unit {
            text: t.to_string(),
            dim,
            scale,
        })
    }
}

/// One named array: 1-D (`shape == [n]`) or 2-D (`[rows, cols]`, row-major).
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Data,
    pub unit: Unit,
}

impl Field {
    /// SI values of dimension `dim`, stored in a readable unit.
    pub fn from_si(name: &str, shape: Vec<usize>, si: &[f64], dim: Dimension) -> Field {
        let unit = Unit::readable(dim, si);
        let data = Data::F64(si.iter().map(|v| unit.from_si(*v)).collect());
        Field {
            name: name.to_string(),
            shape,
            data,
            unit,
        }
    }

    /// Integers without units (indices, counts).
    pub fn ints(name: &str, values: Vec<i64>) -> Field {
        Field {
            name: name.to_string(),
            shape: vec![values.len()],
            data: Data::I64(values),
            unit: Unit::one(),
        }
    }

    /// An array from a script: numbers divided by a unit keep that unit; whole numbers
    /// without units become int64; other quantities are stored in a readable unit.
    pub fn from_array(default_name: &str, a: &QuantityArray) -> Field {
        let name = a.name().unwrap_or(default_name);
        let shape = vec![a.len()];
        if let Some(u) = a.divided_by() {
            if a.dim.is_dimensionless() {
                return Field {
                    name: name.to_string(),
                    shape,
                    data: Data::F64(a.values.to_vec()),
                    unit: Unit {
                        text: u.text.clone(),
                        dim: u.dim,
                        scale: u.factor,
                    },
                };
            }
        }
        if a.dim.is_dimensionless() && !a.is_empty() && a.values.iter().all(|v| is_whole(*v)) {
            let mut f = Field::ints(name, a.values.iter().map(|&v| v as i64).collect());
            f.shape = shape;
            return f;
        }
        Field::from_si(name, shape, &a.values, a.dim)
    }

    /// A 2-D array of SI values from rows (which must be of equal length).
    pub fn from_rows(name: &str, rows: &[Vec<f64>], dim: Dimension) -> Result<Field, IoError> {
        let cols = rows.first().map_or(0, Vec::len);
        if let Some((k, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(IoError::Unsupported(format!(
                "cannot save {name}: row {k} has {} values, row 0 has {cols}",
                r.len()
            )));
        }
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Ok(Field::from_si(name, vec![rows.len(), cols], &flat, dim))
    }

    /// The values in SI units (row-major for 2-D fields).
    pub fn si_values(&self) -> Vec<f64> {
        let s = self.unit.scale;
        match &self.data {
            Data::F64(v) => v.iter().map(|x| x * s).collect(),
            Data::I64(v) => v.iter().map(|&x| x as f64 * s).collect(),
        }
    }

    /// A 1-D field as an array with units, named after the field.
    pub fn to_array(&self) -> QuantityArray {
        QuantityArray::new(self.si_values(), self.unit.dim).named(self.name.clone())
    }

    /// Rows of SI values of a 2-D field (a 1-D field is one row).
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        let v = self.si_values();
        match self.shape[..] {
            [_, cols] if cols > 0 => v.chunks(cols).map(<[f64]>::to_vec).collect(),
            [rows, 0] => vec![Vec::new(); rows],
            _ => vec![v],
        }
    }

    /// `name (unit)`, or the name alone for plain numbers: a CSV header cell.
    pub fn header(&self) -> String {
        if self.unit.text.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.unit.text)
        }
    }
}

/// A unit symbol as displays write it (`V`, `mV`, `kg`, `Hz`) or any of Brian's unit names:
/// its SI factor and dimension.
fn symbol(sym: &str) -> Option<(f64, Dimension)> {
    use crate::units::registry::{BASE_UNITS, PREFIXES};
    if let Some(q) = lookup(sym) {
        return Some((q.value, q.dim));
    }
    BASE_UNITS.iter().find_map(|u| {
        let prefix = sym.strip_suffix(u.symbol)?;
        let f = if prefix.is_empty() {
            1.0
        } else {
            PREFIXES.iter().find(|(p, _)| *p == prefix)?.1
        };
        Some((f * u.factor, u.dim))
    })
}

/// `x` rounded to 15 significant digits. Scaling by an exact power of ten (10^0..10^22)
/// and dividing back gives the double nearest to the rounded decimal, without formatting.
fn round_15(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let k = 14 - x.abs().log10().floor() as i32;
    if (0..=22).contains(&k) {
        let p = 10f64.powi(k);
        (x * p).round() / p
    } else if (-22..0).contains(&k) {
        let p = 10f64.powi(-k);
        (x / p).round() * p
    } else {
        format!("{x:.14e}").parse().unwrap_or(x)
    }
}

fn is_whole(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0
}

/// What a file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    /// One array, 1-D or 2-D.
    Array(Field),
    /// Columns of equal length, e.g. a SpikeMonitor's `i` and `t` (one row per spike).
    Table(Vec<Field>),
    /// Several named arrays of any shapes, e.g. all of a monitor's fields (`.npz`).
    Arrays(Vec<Field>),
}

/// The file formats, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Npy,
    Npz,
    Csv,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format, IoError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "npy" => Ok(Format::Npy),
            "npz" => Ok(Format::Npz),
            "csv" => Ok(Format::Csv),
            _ => Err(IoError::UnknownFormat(path.display().to_string())),
        }
    }
}

/// The side file holding the units of `path`: `<path>.json`.
pub fn side_file(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

/// Writes `content` to `path` in the format its extension names; returns the files written
/// (the data file, then the side file with units for `.npy` and `.npz`).
pub fn save(path: &Path, content: &Saved) -> Result<Vec<PathBuf>, IoError> {
    check_shapes(content)?;
    let format = Format::of(path)?;
    let meta = match format {
        Format::Npy => npy::write_npy(path, content)?,
        Format::Npz => npy::write_npz(path, content)?,
        Format::Csv => {
            csv::write(path, content)?;
            return Ok(vec![path.to_path_buf()]);
        }
    };
    let side = side_file(path);
    std::fs::write(&side, meta).map_err(|e| IoError::file(&side, e))?;
    Ok(vec![path.to_path_buf(), side])
}

/// Reads a file written by [`save`] (or by NumPy, pandas and friends); units come from
/// the side `.json` file or the CSV header when present, otherwise values are plain numbers.
pub fn load(path: &Path) -> Result<Saved, IoError> {
    match Format::of(path)? {
        Format::Npy => npy::read_npy(path),
        Format::Npz => npy::read_npz(path),
        Format::Csv => csv::read(path),
    }
}

fn check_shapes(content: &Saved) -> Result<(), IoError> {
    let fields = match content {
        Saved::Array(f) => std::slice::from_ref(f),
        Saved::Table(fs) | Saved::Arrays(fs) => fs.as_slice(),
    };
    for f in fields {
        let n: usize = f.shape.iter().product();
        if f.shape.is_empty() || f.shape.len() > 2 || n != f.data.len() {
            return Err(IoError::Unsupported(format!(
                "{}: shape {:?} does not match its {} values",
                f.name,
                f.shape,
                f.data.len()
            )));
        }
    }
    if let Saved::Table(fs) = content {
        if let Some(f) = fs
            .iter()
            .find(|f| f.shape.len() != 1 || f.shape[0] != fs[0].shape[0])
        {
            return Err(IoError::Unsupported(format!(
                "the columns of a table must be 1-D and of equal length ({} has shape {:?}, {} has {:?})",
                f.name, f.shape, fs[0].name, fs[0].shape
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
