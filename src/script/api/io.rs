//! Saving and loading data in scripts: `save(M, "spikes.npz")`, `save(M.t/ms, "t.npy")`,
//! `load("t.npy")`. The formats live in `crate::io`; this file only converts values.
//! Relative paths resolve against the script's directory (or `--out-dir`), like figures.

use super::super::convert::*;
use super::super::{say, Shared};
use super::monitors::{RateMonitorHandle, SpikeMonitorHandle, StateMonitorHandle};
use super::network::Matrix;
use crate::io::record::{self, Layout};
use crate::io::{Field, Format, Saved};
use crate::units::QuantityArray;
use rhai::{Array, Dynamic, Engine, ImmutableString, Map};
use std::path::Path;

/// Anything `save` accepts, as fields to write.
fn to_saved(shared: &Shared, x: &Dynamic, format: Format) -> RResult<Saved> {
    let layout = match format {
        Format::Npz => Layout::Fields,
        Format::Npy | Format::Csv => Layout::Table,
    };
    let st = shared.borrow();
    if let Some(m) = x.clone().try_cast::<SpikeMonitorHandle>() {
        let mon = st
            .net
            .spike_monitors
            .get(m.0)
            .ok_or("this SpikeMonitor no longer exists")?;
        if !mon.record {
            // Only the counts were kept: an .npz holds them; a table of spikes would be empty.
            if layout == Layout::Fields {
                let count = Field::ints("count", mon.count.iter().map(|&c| c as i64).collect());
                return Ok(Saved::Arrays(vec![count]));
            }
            super::monitors::recorded(
                mon,
                "indices and times to save as a table (an .npz file holds its counts)",
            )?;
        }
        return Ok(record::spike_monitor(mon, layout));
    }
    if let Some(m) = x.clone().try_cast::<StateMonitorHandle>() {
        let mon = st
            .net
            .state_monitors
            .get(m.0)
            .ok_or("this StateMonitor no longer exists")?;
        let dims = record::state_dims(&st.net, mon);
        return Ok(record::state_monitor(mon, &dims, layout));
    }
    if let Some(m) = x.clone().try_cast::<RateMonitorHandle>() {
        let mon = st
            .net
            .rate_monitors
            .get(m.0)
            .ok_or("this PopulationRateMonitor no longer exists")?;
        return Ok(record::rate_monitor(mon, layout));
    }
    drop(st);
    if let Some(map) = x.clone().try_cast::<Map>() {
        let fields = map
            .iter()
            .map(|(k, v)| field(k, v))
            .collect::<RResult<Vec<_>>>()?;
        if fields.is_empty() {
            return err("there is nothing to save in an empty map");
        }
        return Ok(Saved::Arrays(fields));
    }
    Ok(Saved::Array(field("values", x)?))
}

/// One array: an array with units, a matrix, or a Rhai array of numbers or of rows.
fn field(name: &str, x: &Dynamic) -> RResult<Field> {
    if let Some(m) = x.clone().try_cast::<Matrix>() {
        return Field::from_rows(name, &m.rows(), m.dim).map_err(|e| e.to_string().into());
    }
    if let Some(a) = x.clone().try_cast::<Array>() {
        if a.iter().any(|r| r.is_array() || r.is::<QuantityArray>()) {
            let rows = a
                .iter()
                .map(|r| to_qarray(r, "a row"))
                .collect::<RResult<Vec<_>>>()?;
            let dim = rows.first().map(|r| r.dim).unwrap_or_default();
            if let Some(r) = rows.iter().find(|r| r.dim != dim) {
                return err(format!(
                    "the rows of {name} have different units ({dim} and {})",
                    r.dim
                ));
            }
            let rows: Vec<Vec<f64>> = rows.into_iter().map(|r| r.values.into_vec()).collect();
            return Field::from_rows(name, &rows, dim).map_err(|e| e.to_string().into());
        }
    }
    if x.is::<QuantityArray>() || x.is_array() {
        return Ok(Field::from_array(name, &to_qarray(x, name)?));
    }
    err(format!(
        "save() writes monitors, arrays, matrices and maps of them, not {}",
        describe(x)
    ))
}

fn save(shared: &Shared, x: Dynamic, path: &str) -> RResult<()> {
    let p = shared.borrow().resolve_output(path);
    let format = Format::of(&p).map_err(|e| e.to_string())?;
    let content = to_saved(shared, &x, format)?;
    let written = crate::io::save(&p, &content).map_err(|e| e.to_string())?;
    if !shared.borrow().quiet {
        say(&format!("wrote {}", written[0].display()));
    }
    Ok(())
}

/// A loaded field as a script value: a 1-D array with units, or a matrix.
fn field_value(f: &Field) -> RResult<Dynamic> {
    Ok(if f.shape.len() == 2 {
        Dynamic::from(Matrix::from_rows(&f.to_rows(), f.unit.dim)?)
    } else {
        Dynamic::from(f.to_array())
    })
}

fn load(shared: &Shared, path: &str) -> RResult<Dynamic> {
    let p = shared.borrow().resolve_output(path);
    let saved = crate::io::load(Path::new(&p)).map_err(|e| e.to_string())?;
    Ok(match saved {
        Saved::Array(f) => field_value(&f)?,
        Saved::Table(fs) | Saved::Arrays(fs) => {
            let mut m = Map::new();
            for f in &fs {
                m.insert(f.name.as_str().into(), field_value(f)?);
            }
            Dynamic::from(m)
        }
    })
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    let s = shared.clone();
    engine.register_fn("save", move |x: Dynamic, path: ImmutableString| {
        save(&s, x, &path)
    });
    let s = shared.clone();
    engine.register_fn("load", move |path: ImmutableString| load(&s, &path));
}
