//! pyplot-like figures in scripts: figure, subplot, plot, raster_plot, imshow, hist,
//! labels and limits, savefig, show. Drawing is done by the `plot` module from recorded
//! data; this file only converts arguments.

use super::super::convert::*;
use super::super::Shared;
use super::monitors::SpikeMonitorHandle;
use super::network::Matrix;
use crate::plot::{
    default_raster_labels, Axes, AxisUnit, Color, LinePattern, LineStyle, MAX_FIGURE_SIDE,
};
use crate::units::{best_unit, Dimension, QuantityArray};
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, INT};

fn values(d: &Dynamic, what: &str) -> RResult<Vec<f64>> {
    Ok(to_qarray(d, what)?.values.into_vec())
}

/// Tells kinds of quantities apart for [`AxisUnit`]: the SI base form of the dimension.
fn unit_key(dim: Dimension) -> String {
    dim.base_form()
}

/// Numbers to draw on one axis, and the label they suggest.
struct AxisData {
    values: Vec<f64>,
    label: Option<String>,
}

/// Prepares data for the x (`x == true`) or y axis of `ax`: a quantity array is shown in
/// the axis' unit, or a readable one (volts as mV) which the axis then keeps; an array
/// divided by a unit (`M.t/ms`) is drawn as given. The label is "name (unit)", the unit
/// alone for unnamed arrays, the name alone for plain numbers ("neuron index").
fn axis_data(ax: &mut Axes, x: bool, d: &Dynamic, what: &str) -> RResult<AxisData> {
    let a = to_qarray(d, what)?;
    let name = a.name().map(|n| match n {
        "i" => "neuron index".to_string(),
        n => n.to_string(),
    });
    let with_unit = |text: &str| match &name {
        Some(n) => format!("{n} ({text})"),
        None => text.to_string(),
    };
    if a.dim.is_dimensionless() {
        let label = match a.divided_by() {
            Some(u) => {
                if ax.axis_unit(x).is_none() {
                    ax.set_axis_unit(
                        x,
                        AxisUnit {
                            key: unit_key(u.dim),
                            text: u.text.clone(),
                            factor: u.factor,
                        },
                    );
                }
                Some(with_unit(&u.text))
            }
            None => name.clone(),
        };
        return Ok(AxisData {
            values: a.values.into_vec(),
            label,
        });
    }
    let key = unit_key(a.dim);
    let unit = match ax.axis_unit(x) {
        Some(u) if u.key == key => u.clone(),
        _ => {
            let scale = a
                .values
                .iter()
                .filter(|v| v.is_finite())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            let (text, factor) = best_unit(a.dim, scale);
            let u = AxisUnit { key, text, factor };
            if ax.axis_unit(x).is_none() {
                ax.set_axis_unit(x, u.clone());
            }
            u
        }
    };
    Ok(AxisData {
        values: a.values.iter().map(|v| v / unit.factor).collect(),
        label: Some(with_unit(&unit.text)),
    })
}

/// Gives an axis the label its data suggest, unless the user labelled it; data with
/// different names sharing a unit leave just the unit ("v (mV)" and "vt (mV)": "mV").
fn label_axis(ax: &mut Axes, x: bool, label: Option<String>) {
    let Some(label) = label else { return };
    if !ax.label_is_default(x) {
        return;
    }
    let current = if x { ax.get_xlabel() } else { ax.get_ylabel() }.map(str::to_string);
    let shown = match current {
        None => label,
        Some(c) if c == label => return,
        Some(c) => match (unit_of(&c), unit_of(&label)) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            _ => return,
        },
    };
    ax.default_label(x, &shown);
}

/// "ms" from "t (ms)" or "ms".
fn unit_of(label: &str) -> Option<&str> {
    match label.rfind(" (") {
        Some(k) if label.ends_with(')') => Some(&label[k + 2..label.len() - 1]),
        _ if !label.contains(' ') => Some(label),
        _ => None,
    }
}

fn style(opts: &Map) -> RResult<LineStyle> {
    let mut st = match opts.get("fmt") {
        Some(f) => LineStyle::from_fmt(&to_string(f, "fmt")?).map_err(|e| e.to_string())?,
        None => LineStyle::default(),
    };
    for (k, v) in opts {
        match k.as_str() {
            "label" => st = st.with_label(to_string(v, "label")?),
            "color" | "c" => {
                let c = to_string(v, "color")?;
                st = st.with_color(Color::parse(&c).ok_or_else(|| format!("unknown color '{c}'"))?);
            }
            "linestyle" | "ls" => {
                let text = to_string(v, "linestyle")?;
                let pattern = match text.as_str() {
                    "solid" => LinePattern::Solid,
                    "dashed" => LinePattern::Dashed,
                    "dotted" => LinePattern::Dotted,
                    "dashdot" => LinePattern::DashDot,
                    "none" | "None" | "" | " " => LinePattern::None,
                    fmt => match LineStyle::from_fmt(fmt) {
                        Ok(f) if f.color.is_none() && f.marker.is_none() => f.linestyle,
                        _ => return err(format!("unknown linestyle '{text}'; use '-', '--', ':', '-.', 'solid', 'dashed', 'dotted', 'dashdot' or 'none'")),
                    },
                };
                st = st.with_linestyle(pattern);
            }
            "marker" => {
                let text = to_string(v, "marker")?;
                match LineStyle::from_fmt(&text).ok().and_then(|f| f.marker) {
                    Some(m) if text.chars().count() == 1 => st = st.with_marker(m),
                    _ => return err(format!("unknown marker '{text}'; use one of . o s ^ D + x")),
                }
            }
            "markersize" | "ms" => st = st.with_markersize(to_quantity(v, "markersize")?.value),
            "linewidth" | "lw" => st = st.with_linewidth(to_quantity(v, "linewidth")?.value),
            "fmt" => {}
            _ => {
                return super::network::check_keys(
                    opts,
                    &[
                        "label",
                        "color",
                        "c",
                        "linestyle",
                        "ls",
                        "linewidth",
                        "lw",
                        "marker",
                        "markersize",
                        "ms",
                        "fmt",
                    ],
                    "plot()",
                )
                .map(|_| st)
            }
        }
    }
    Ok(st)
}

fn raster(shared: &Shared, monitors: Vec<SpikeMonitorHandle>, opts: Map) -> RResult<()> {
    super::network::check_keys(&opts, &["showgrouplines"], "raster_plot")?;
    let mut st = shared.borrow_mut();
    let group_lines = match opts.get("showgrouplines") {
        Some(v) => to_bool(v, "showgrouplines")?,
        None => false,
    };
    let t_end_ms = st.net.t() * 1e3;
    let several = monitors.len() > 1;
    let mut series = Vec::new();
    let sizes: Vec<usize> = monitors
        .iter()
        .map(|m| st.net.spike_monitors[m.0].source.len)
        .collect();
    if sizes.is_empty() {
        return err("raster_plot needs at least one SpikeMonitor");
    }
    for (k, m) in monitors.iter().enumerate() {
        let mon = super::monitors::recorded(&st.net.spike_monitors[m.0], "spike times to plot")?;
        let n = mon.source.len.max(1) as f64;
        let times: Vec<f64> = mon.t.iter().map(|t| t * 1e3).collect();
        // Brian 1: with several monitors, neuron n of m from monitor k sits at k + n/m.
        let ys: Vec<f64> = mon
            .i
            .iter()
            .map(|&i| {
                if several {
                    k as f64 + i as f64 / n
                } else {
                    i as f64
                }
            })
            .collect();
        series.push((times, ys));
    }
    let fig = &mut st.figure;
    let ax = fig.current_axes();
    for (times, ys) in series {
        ax.raster_styled(
            times,
            ys,
            LineStyle::default()
                .with_color(Color::BLACK)
                .with_markersize(3.0),
        )
        .map_err(|e| e.to_string())?;
    }
    // Brian 1 shows every neuron of the monitored group, spiking or not; group lines mark
    // every boundary, 0 to the number of groups, with a margin so the outer ones show.
    let top = if several {
        monitors.len() as f64
    } else {
        sizes[0] as f64
    };
    if group_lines && several {
        for k in 0..=monitors.len() {
            ax.hline(k as f64, LineStyle::default());
        }
        ax.ylim(-0.05 * top, 1.05 * top);
    } else {
        ax.ylim(0.0, top);
    }
    if t_end_ms > 0.0 {
        ax.xlim(0.0, t_end_ms);
    }
    if ax.axis_unit(true).is_none() {
        ax.set_axis_unit(
            true,
            AxisUnit {
                key: unit_key(Dimension::TIME),
                text: "ms".into(),
                factor: 1e-3,
            },
        );
    }
    if several && !ax.has_ylabel() {
        ax.default_label(false, "Group number");
    }
    default_raster_labels(ax);
    Ok(())
}

fn monitors_of(d: &Dynamic) -> RResult<Vec<SpikeMonitorHandle>> {
    if let Some(m) = d.clone().try_cast::<SpikeMonitorHandle>() {
        return Ok(vec![m]);
    }
    if let Some(a) = d.clone().try_cast::<Array>() {
        return a
            .iter()
            .map(|x| {
                x.clone().try_cast::<SpikeMonitorHandle>().ok_or_else(|| {
                    format!("raster_plot needs SpikeMonitors, got {}", describe(x)).into()
                })
            })
            .collect();
    }
    err(format!(
        "raster_plot needs a SpikeMonitor or a list of them, got {}",
        describe(d)
    ))
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    let s = shared.clone();
    engine.register_fn("raster_plot", move |m: Dynamic| {
        raster(&s, monitors_of(&m)?, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("raster_plot", move |m: Dynamic, o: Map| {
        raster(&s, monitors_of(&m)?, o)
    });
    // Each drawing function takes optional keyword options; the shorter forms pass none.
    let s = shared.clone();
    engine.register_fn("plot", move |x: Dynamic, y: Dynamic| {
        plot_xy(&s, Some(x), y, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("plot", move |x: Dynamic, y: Dynamic, o: Map| {
        plot_xy(&s, Some(x), y, o)
    });
    // matplotlib's positional format string: plot(x, y, ".k"), plot(x, y, "-b", #{...}).
    let s = shared.clone();
    engine.register_fn(
        "plot",
        move |x: Dynamic, y: Dynamic, fmt: ImmutableString| {
            let mut o = Map::new();
            o.insert("fmt".into(), fmt.into());
            plot_xy(&s, Some(x), y, o)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "plot",
        move |x: Dynamic, y: Dynamic, fmt: ImmutableString, mut o: Map| {
            o.insert("fmt".into(), fmt.into());
            plot_xy(&s, Some(x), y, o)
        },
    );
    let s = shared.clone();
    engine.register_fn("plot", move |y: Dynamic| plot_xy(&s, None, y, Map::new()));
    // plot(y, ".k"): y against its index, with a format string.
    let s = shared.clone();
    engine.register_fn("plot", move |y: Dynamic, fmt: ImmutableString| {
        let mut o = Map::new();
        o.insert("fmt".into(), fmt.into());
        plot_xy(&s, None, y, o)
    });
    let s = shared.clone();
    engine.register_fn("tight_layout", move || s.borrow_mut().figure.tight_layout());
    let s = shared.clone();
    engine.register_fn("imshow", move |m: Dynamic, o: Map| imshow(&s, m, o));
    let s = shared.clone();
    engine.register_fn("imshow", move |m: Dynamic| imshow(&s, m, Map::new()));
    let s = shared.clone();
    engine.register_fn("hist", move |v: Dynamic, o: Map| hist(&s, v, o));
    let s = shared.clone();
    engine.register_fn("hist", move |v: Dynamic| hist(&s, v, Map::new()));
    // matplotlib's positional bins: hist(x, 20), hist(x, edges).
    let s = shared.clone();
    engine.register_fn("hist", move |v: Dynamic, bins: Dynamic| -> RResult<()> {
        if bins.is_map() {
            return hist(&s, v, bins.cast::<Map>());
        }
        let mut o = Map::new();
        o.insert("bins".into(), bins);
        hist(&s, v, o)
    });
    let s = shared.clone();
    engine.register_fn("subplot", move |code: INT| -> RResult<()> {
        s.borrow_mut()
            .figure
            .subplot_code(code.max(0) as usize)
            .map(|_| ())
            .map_err(|e| e.to_string().into())
    });
    let s = shared.clone();
    engine.register_fn("subplot", move |r: INT, c: INT, i: INT| -> RResult<()> {
        s.borrow_mut()
            .figure
            .subplot(r.max(0) as usize, c.max(0) as usize, i.max(0) as usize)
            .map(|_| ())
            .map_err(|e| e.to_string().into())
    });
    for (name, f) in [("title", 0), ("xlabel", 1), ("ylabel", 2)] {
        let s = shared.clone();
        engine.register_fn(name, move |text: ImmutableString| {
            let mut st = s.borrow_mut();
            let ax = st.figure.current_axes();
            match f {
                0 => ax.title(&text),
                1 => ax.xlabel(&text),
                _ => ax.ylabel(&text),
            }
        });
    }
    for (name, x) in [("xlim", true), ("ylim", false)] {
        let s = shared.clone();
        engine.register_fn(name, move |lo: Dynamic, hi: Dynamic| -> RResult<()> {
            let mut st = s.borrow_mut();
            let ax = st.figure.current_axes();
            // Limits with units are converted like data: `xlim(0*ms, 50*ms)`.
            let lo = to_quantity(&lo, "the lower limit")?;
            let hi = to_quantity(&hi, "the upper limit")?;
            lo.check_same(&hi, "set limits between")
                .map_err(|e| e.to_string())?;
            let dim = if lo.is_dimensionless() {
                hi.dim
            } else {
                lo.dim
            };
            let both = Dynamic::from(QuantityArray::new(vec![lo.value, hi.value], dim));
            let v = axis_data(ax, x, &both, "the limits")?.values;
            if x {
                ax.xlim(v[0], v[1])
            } else {
                ax.ylim(v[0], v[1])
            }
            Ok(())
        });
    }
    let s = shared.clone();
    engine.register_fn("legend", move || {
        s.borrow_mut().figure.current_axes().legend()
    });
    let s = shared.clone();
    engine.register_fn("figure", move || s.borrow_mut().new_figure());
    let s = shared.clone();
    engine.register_fn("figure", move |o: Map| -> RResult<()> {
        let (size, dpi) = figure_options(&o, "figure", (8.0, 6.0), 100.0)?;
        let mut st = s.borrow_mut();
        st.new_figure();
        st.figure.set_dpi(dpi);
        st.figure.set_size(size.0, size.1);
        Ok(())
    });
    let s = shared.clone();
    engine.register_fn("savefig", move |path: ImmutableString| -> RResult<()> {
        let mut st = s.borrow_mut();
        let p = st.resolve_output(&path);
        st.save_figure(&p)
    });
    // savefig(path, #{ dpi: 200 }) renders the same figure (same inches) at another
    // resolution; width and height (inches) change its size for this file only.
    let s = shared.clone();
    engine.register_fn(
        "savefig",
        move |path: ImmutableString, o: Map| -> RResult<()> {
            let mut st = s.borrow_mut();
            let (w, h) = st.figure.size();
            let dpi = st.figure.dpi();
            let inches = (f64::from(w) / dpi, f64::from(h) / dpi);
            let (size, new_dpi) = figure_options(&o, "savefig", inches, dpi)?;
            st.figure.set_dpi(new_dpi);
            st.figure.set_size(size.0, size.1);
            let p = st.resolve_output(&path);
            let result = st.save_figure(&p);
            st.figure.set_dpi(dpi);
            st.figure.set_size(w, h);
            result
        },
    );
    let s = shared.clone();
    engine.register_fn("show", move || -> RResult<()> { s.borrow_mut().show() });
}

/// Size in pixels and dpi from `figsize: [w, h]` (inches; also `width`, `height` for
/// savefig) and `dpi`, with defaults.
fn figure_options(o: &Map, what: &str, inches: (f64, f64), dpi: f64) -> RResult<((u32, u32), f64)> {
    let allowed: &[&str] = if what == "figure" {
        &["figsize", "dpi"]
    } else {
        &["dpi", "width", "height", "figsize"]
    };
    super::network::check_keys(o, allowed, &format!("{what}()"))?;
    let number = |k: &str, default: f64| -> RResult<f64> {
        match o.get(k) {
            Some(v) => {
                let x = to_quantity(v, k)?.to_f64(k).map_err(|e| e.to_string())?;
                if x > 0.0 && x.is_finite() {
                    Ok(x)
                } else {
                    err(format!("{what}(): {k} must be a positive number, got {x}"))
                }
            }
            None => Ok(default),
        }
    };
    let dpi = number("dpi", dpi)?;
    let (mut w, mut h) = inches;
    if let Some(fs) = o.get("figsize") {
        let v = values(fs, "figsize")?;
        match v[..] {
            [a, b] if a > 0.0 && b > 0.0 => (w, h) = (a, b),
            _ => {
                return err(format!(
                    "{what}(): figsize should be [width, height] in inches, got {v:?}"
                ))
            }
        }
    }
    let (w, h) = (number("width", w)?, number("height", h)?);
    let px = |inches: f64| {
        (inches * dpi)
            .round()
            .clamp(1.0, f64::from(MAX_FIGURE_SIDE)) as u32
    };
    Ok(((px(w), px(h)), dpi))
}

/// `plot(x, y)`, or `plot(y)` against the sample index.
fn plot_xy(shared: &Shared, x: Option<Dynamic>, y: Dynamic, opts: Map) -> RResult<()> {
    let st = style(&opts)?;
    let mut state = shared.borrow_mut();
    let ax = state.figure.current_axes();
    // matplotlib draws each column of a 2-D y as its own line.
    if let Some(m) = y.clone().try_cast::<super::network::Matrix>() {
        let n = m.nrows;
        let x = match x {
            Some(x) => axis_data(ax, true, &x, "x")?,
            None => AxisData {
                values: (0..n).map(|k| k as f64).collect(),
                label: None,
            },
        };
        if x.values.len() != n {
            return err(format!(
                "plot(): x has {} values but y has {n} rows (plot(x, M) draws each column of M against x; M.T transposes)",
                x.values.len()
            ));
        }
        let d = m.data.as_slice();
        for j in 0..m.ncols {
            let col: Vec<f64> = (0..n).map(|k| d[k * m.ncols + j]).collect();
            ax.plot(x.values.clone(), col, st.clone())
                .map_err(|e| -> Box<rhai::EvalAltResult> { e.to_string().into() })?;
        }
        label_axis(ax, true, x.label);
        return Ok(());
    }
    let y = axis_data(ax, false, &y, "y")?;
    let x = match x {
        Some(x) => axis_data(ax, true, &x, "x")?,
        None => AxisData {
            values: (0..y.values.len()).map(|k| k as f64).collect(),
            label: None,
        },
    };
    ax.plot(x.values, y.values, st)
        .map_err(|e| -> Box<rhai::EvalAltResult> { e.to_string().into() })?;
    label_axis(ax, true, x.label);
    label_axis(ax, false, y.label);
    Ok(())
}

fn imshow(shared: &Shared, m: Dynamic, opts: Map) -> RResult<()> {
    super::network::check_keys(
        &opts,
        &["origin", "colorbar", "interpolation", "aspect"],
        "imshow()",
    )?;
    // Cells are drawn as flat squares: matplotlib's 'nearest' (or 'none').
    if let Some(v) = opts.get("interpolation") {
        let text = to_string(v, "interpolation")?;
        if !["nearest", "none"].contains(&text.as_str()) {
            return err(format!(
                "imshow(): interpolation '{text}' is not available; images are drawn with 'nearest'"
            ));
        }
    }
    let aspect = match opts.get("aspect") {
        Some(v) => match to_string(v, "aspect")?.as_str() {
            "equal" => Some(true),
            "auto" => Some(false),
            other => {
                return err(format!(
                    "imshow(): aspect should be 'equal' or 'auto', got '{other}'"
                ))
            }
        },
        None => None,
    };
    let (mut rows, dim) = matrix_rows(&m)?;
    // Values with units are shown in a readable unit, named beside the colour bar.
    let unit = (!dim.is_dimensionless()).then(|| {
        let scale = rows
            .iter()
            .flatten()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |a, v| a.max(v.abs()));
        let (text, factor) = best_unit(dim, scale);
        rows.iter_mut().flatten().for_each(|v| *v /= factor);
        text
    });
    let lower = match opts.get("origin") {
        Some(v) => match to_string(v, "origin")?.as_str() {
            "lower" => true,
            "upper" => false,
            other => {
                return err(format!(
                    "imshow(): origin should be 'upper' or 'lower', got '{other}'"
                ))
            }
        },
        None => false,
    };
    let colorbar = match opts.get("colorbar") {
        Some(v) => to_bool(v, "colorbar")?,
        None => false,
    };
    let mut st = shared.borrow_mut();
    let ax = st.figure.current_axes();
    ax.imshow(rows, lower, colorbar)
        .map_err(|e| -> Box<rhai::EvalAltResult> { e.to_string().into() })?;
    if let Some(equal) = aspect {
        ax.set_equal_aspect(equal);
    }
    if let Some(u) = unit {
        ax.colorbar_label(&u);
    }
    Ok(())
}

fn hist(shared: &Shared, v: Dynamic, opts: Map) -> RResult<()> {
    super::network::check_keys(&opts, &["bins"], "hist()")?;
    let mut state = shared.borrow_mut();
    let ax = state.figure.current_axes();
    let data = axis_data(ax, true, &v, "values")?;
    let drawn = match opts.get("bins") {
        // numpy's bins=edges: an array of bin edges in the values' unit.
        Some(b) if b.is_array() || b.is::<QuantityArray>() => {
            let edges = axis_data(ax, true, b, "bins")?;
            ax.hist_edges(data.values, edges.values)
        }
        Some(b) => match to_int(b, "bins")? {
            k if k >= 1 => ax.hist(data.values, k as usize),
            k => return err(format!("hist(): bins must be at least 1, got {k}")),
        },
        None => ax.hist(data.values, 10),
    };
    drawn.map_err(|e| -> Box<rhai::EvalAltResult> { e.to_string().into() })?;
    label_axis(ax, true, data.label);
    Ok(())
}

/// Rows of SI values and their dimension.
fn matrix_rows(m: &Dynamic) -> RResult<(Vec<Vec<f64>>, Dimension)> {
    if let Some(m) = m.clone().try_cast::<Matrix>() {
        return Ok((m.rows(), m.dim));
    }
    if let Some(a) = m.clone().try_cast::<Array>() {
        let rows = a
            .iter()
            .map(|r| to_qarray(r, "a row"))
            .collect::<RResult<Vec<_>>>()?;
        let dim = rows.first().map(|r| r.dim).unwrap_or_default();
        if let Some(r) = rows.iter().find(|r| r.dim != dim) {
            return err(format!(
                "the rows of the image have different units ({dim} and {})",
                r.dim
            ));
        }
        return Ok((rows.into_iter().map(|r| r.values.into_vec()).collect(), dim));
    }
    err(format!(
        "imshow needs a 2-D array (a weight matrix or a list of rows), got {}",
        describe(m)
    ))
}
