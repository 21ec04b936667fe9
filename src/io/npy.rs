//! NumPy's `.npy` (one array) and `.npz` (a zip of `.npy` files, as `np.savez` writes it),
//! through the npyz crate; the units go to a side `.json` file (see `meta`).

use super::{meta, side_file, Data, Field, IoError, Saved, Unit};
use npyz::{DType, NpyFile, Order, TypeChar, WriterBuilder};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

fn write_field<W: Write>(out: W, shape: &[usize], data: &Data) -> std::io::Result<()> {
    let shape: Vec<u64> = shape.iter().map(|&n| n as u64).collect();
    match data {
        Data::F64(v) => {
            let mut w = npyz::WriteOptions::<f64>::new()
                .default_dtype()
                .shape(&shape)
                .writer(out)
                .begin_nd()?;
            w.extend(v.iter().copied())?;
            w.finish()
        }
        Data::I64(v) => {
            let mut w = npyz::WriteOptions::<i64>::new()
                .default_dtype()
                .shape(&shape)
                .writer(out)
                .begin_nd()?;
            w.extend(v.iter().copied())?;
            w.finish()
        }
    }
}

/// A table as one 2-D float64 array: a row per entry, a column per field.
fn table_data(fs: &[Field]) -> (Vec<usize>, Data) {
    let rows = fs.first().map_or(0, |f| f.shape[0]);
    let cols: Vec<Vec<f64>> = fs.iter().map(|f| f.data.to_f64()).collect();
    let mut flat = Vec::with_capacity(rows * fs.len());
    for r in 0..rows {
        flat.extend(cols.iter().map(|c| c[r]));
    }
    (vec![rows, fs.len()], Data::F64(flat))
}

/// Writes a `.npy` file; returns the side file's text.
pub(super) fn write_npy(path: &Path, content: &Saved) -> Result<String, IoError> {
    let create = || File::create(path).map_err(|e| IoError::file(path, e));
    let (shape, data, json) = match content {
        Saved::Array(f) => (f.shape.clone(), f.data.clone(), meta::single(f)),
        Saved::Table(fs) => {
            let (shape, data) = table_data(fs);
            (shape, data, meta::table(fs))
        }
        Saved::Arrays(fs) if fs.len() == 1 => (
            fs[0].shape.clone(),
            fs[0].data.clone(),
            meta::single(&fs[0]),
        ),
        Saved::Arrays(fs) => {
            return Err(IoError::Unsupported(format!(
                "a .npy file holds one array, not {} ({}): save them as .npz",
                fs.len(),
                names(fs)
            )))
        }
    };
    let mut out = BufWriter::new(create()?);
    write_field(&mut out, &shape, &data)
        .and_then(|_| out.flush())
        .map_err(|e| IoError::file(path, e))?;
    Ok(json)
}

fn names(fs: &[Field]) -> String {
    fs.iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a `.npz` archive, one uncompressed `<name>.npy` entry per array (as
/// `np.savez`); returns the side file's text.
pub(super) fn write_npz(path: &Path, content: &Saved) -> Result<String, IoError> {
    let fields: &[Field] = match content {
        Saved::Array(f) => std::slice::from_ref(f),
        Saved::Table(fs) | Saved::Arrays(fs) => fs,
    };
    let file = File::create(path).map_err(|e| IoError::file(path, e))?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(fields.iter().any(|f| f.data.len() > 200_000_000));
    let zerr = |e: zip::result::ZipError| IoError::format(path, e.to_string());
    for f in fields {
        zip.start_file(format!("{}.npy", f.name), options)
            .map_err(zerr)?;
        write_field(&mut zip, &f.shape, &f.data).map_err(|e| IoError::file(path, e))?;
    }
    let mut inner = zip.finish().map_err(zerr)?;
    inner.flush().map_err(|e| IoError::file(path, e))?;
    Ok(meta::archive(fields))
}

/// Reads one array: its shape (0-D arrays become 1-D of length 1) and row-major data.
fn read_array<R: Read>(r: R, path: &Path, what: &str) -> Result<(Vec<usize>, Data), IoError> {
    let bad = |m: String| IoError::format(path, m);
    let npy = NpyFile::new(r).map_err(|e| bad(format!("{what} is not a NumPy array: {e}")))?;
    let mut shape: Vec<usize> = npy.shape().iter().map(|&n| n as usize).collect();
    if shape.is_empty() {
        shape.push(1);
    }
    if shape.len() > 2 {
        return Err(bad(format!(
            "{what} has {} dimensions {shape:?}; arrays of 1 or 2 dimensions can be loaded",
            shape.len()
        )));
    }
    let fortran = npy.order() == Order::Fortran;
    let DType::Plain(ts) = npy.dtype() else {
        return Err(bad(format!(
            "{what} is a structured array ({}); plain numbers can be loaded",
            npy.dtype().descr()
        )));
    };
    let io = |e: std::io::Error| IoError::file(path, e);
    let ints = |v: Vec<i64>| Data::I64(v);
    let data = match (ts.type_char(), ts.size_field()) {
        (TypeChar::Float, 8) => Data::F64(npy.into_vec::<f64>().map_err(io)?),
        (TypeChar::Float, 4) => Data::F64(
            npy.into_vec::<f32>()
                .map_err(io)?
                .into_iter()
                .map(f64::from)
                .collect(),
        ),
        (TypeChar::Int, 8) => ints(npy.into_vec::<i64>().map_err(io)?),
        (TypeChar::Int, 4) => ints(conv(npy.into_vec::<i32>().map_err(io)?)),
        (TypeChar::Int, 2) => ints(conv(npy.into_vec::<i16>().map_err(io)?)),
        (TypeChar::Int, 1) => ints(conv(npy.into_vec::<i8>().map_err(io)?)),
        (TypeChar::Uint, 8) => Data::F64(
            npy.into_vec::<u64>()
                .map_err(io)?
                .into_iter()
                .map(|v| v as f64)
                .collect(),
        ),
        (TypeChar::Uint, 4) => ints(conv(npy.into_vec::<u32>().map_err(io)?)),
        (TypeChar::Uint, 2) => ints(conv(npy.into_vec::<u16>().map_err(io)?)),
        (TypeChar::Uint, 1) => ints(conv(npy.into_vec::<u8>().map_err(io)?)),
        (TypeChar::Bool, 1) => ints(
            npy.into_vec::<bool>()
                .map_err(io)?
                .into_iter()
                .map(i64::from)
                .collect(),
        ),
        _ => {
            return Err(bad(format!(
                "{what} holds {} values; numbers (float, int, uint, bool) can be loaded",
                ts
            )))
        }
    };
    let data = if fortran && shape.len() == 2 {
        transpose(data, shape[0], shape[1])
    } else {
        data
    };
    Ok((shape, data))
}

fn conv<T: Into<i64>>(v: Vec<T>) -> Vec<i64> {
    v.into_iter().map(Into::into).collect()
}

/// Column-major `rows x cols` data to row-major.
fn transpose(data: Data, rows: usize, cols: usize) -> Data {
    fn t<T: Copy>(v: &[T], rows: usize, cols: usize) -> Vec<T> {
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| v[c * rows + r]))
            .collect()
    }
    match data {
        Data::F64(v) => Data::F64(t(&v, rows, cols)),
        Data::I64(v) => Data::I64(t(&v, rows, cols)),
    }
}

fn read_side(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(side_file(path)).ok()?;
    meta::parse(&text)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "values".into())
}

pub(super) fn read_npy(path: &Path) -> Result<Saved, IoError> {
    let file = File::open(path).map_err(|e| IoError::file(path, e))?;
    let (shape, data) = read_array(BufReader::new(file), path, "the file")?;
    let side = read_side(path);
    // A table written by save(): one column per field, each with its unit.
    if let Some(cols) = side
        .as_ref()
        .and_then(|s| s.get("columns"))
        .and_then(|c| c.as_array())
    {
        if shape.len() == 2 && shape[1] == cols.len() {
            let (rows, ncols) = (shape[0], shape[1]);
            let flat = data.to_f64();
            let fields = cols
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let values: Vec<f64> = (0..rows).map(|r| flat[r * ncols + k]).collect();
                    let name = c
                        .get("name")
                        .and_then(|n| n.as_str())
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("column{k}"));
                    let unit = meta::unit_from(c).unwrap_or_else(Unit::one);
                    Field {
                        name,
                        shape: vec![rows],
                        data: Data::F64(values),
                        unit,
                    }
                })
                .collect();
            return Ok(Saved::Table(fields));
        }
    }
    let name = side
        .as_ref()
        .and_then(|s| s.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| stem(path));
    let unit = side
        .as_ref()
        .and_then(meta::unit_from)
        .unwrap_or_else(Unit::one);
    Ok(Saved::Array(Field {
        name,
        shape,
        data,
        unit,
    }))
}

pub(super) fn read_npz(path: &Path) -> Result<Saved, IoError> {
    let file = File::open(path).map_err(|e| IoError::file(path, e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| IoError::format(path, format!("not a .npz archive: {e}")))?;
    let side = read_side(path);
    let mut fields = Vec::new();
    for k in 0..zip.len() {
        let entry = zip
            .by_index(k)
            .map_err(|e| IoError::format(path, e.to_string()))?;
        let entry_name = entry
            .name()
            .map_err(|e| IoError::format(path, e.to_string()))?
            .to_string();
        let Some(name) = entry_name.strip_suffix(".npy").map(str::to_string) else {
            continue;
        };
        let (shape, data) = read_array(entry, path, &format!("entry '{name}'"))?;
        let unit = side
            .as_ref()
            .and_then(|s| s.get(&name))
            .and_then(meta::unit_from)
            .unwrap_or_else(Unit::one);
        fields.push(Field {
            name,
            shape,
            data,
            unit,
        });
    }
    Ok(Saved::Arrays(fields))
}
