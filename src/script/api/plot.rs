//! pyplot-like figures in scripts: figure, subplot, plot, raster_plot, imshow, hist,
//! labels and limits, savefig, show. Drawing is done by the `plot` module from recorded
//! data; this file only converts arguments.

use super::super::convert::*;
use super::super::Shared;
use super::monitors::SpikeMonitorHandle;
use super::network::Matrix;
use crate::plot::{default_raster_labels, Color, LineStyle};
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, FLOAT, INT};

fn values(d: &Dynamic, what: &str) -> RResult<Vec<f64>> {
    Ok(to_qarray(d, what)?.values)
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
                let f = LineStyle::from_fmt(&to_string(v, "linestyle")?).map_err(|e| e.to_string())?;
                st = st.with_linestyle(f.linestyle);
            }
            "linewidth" | "lw" => st = st.with_linewidth(to_quantity(v, "linewidth")?.value),
            "fmt" => {}
            other => return err(format!("plot() has no option '{other}'; its options are: label, color, linestyle, linewidth, fmt")),
        }
    }
    Ok(st)
}

fn raster(shared: &Shared, monitors: Vec<SpikeMonitorHandle>, opts: Map) -> RResult<()> {
    let mut st = shared.borrow_mut();
    let group_lines = match opts.get("showgrouplines") {
        Some(v) => to_bool(v, "showgrouplines")?,
        None => false,
    };
    let t_end_ms = st.net.clock.t() * 1e3;
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
        let mon = &st.net.spike_monitors[m.0];
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
                .with_markersize(2.0),
        )
        .map_err(|e| e.to_string())?;
    }
    if group_lines && several {
        for k in 1..monitors.len() {
            ax.hline(k as f64, LineStyle::default());
        }
    }
    // Brian 1 shows every neuron of the monitored group, spiking or not.
    ax.ylim(
        0.0,
        if several {
            monitors.len() as f64
        } else {
            sizes[0] as f64
        },
    );
    if t_end_ms > 0.0 {
        ax.xlim(0.0, t_end_ms);
    }
    default_raster_labels(ax);
    if !ax.has_ylabel() && several {
        ax.ylabel("Group number");
    }
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
    let s = shared.clone();
    engine.register_fn("plot", move |y: Dynamic| plot_xy(&s, None, y, Map::new()));
    let s = shared.clone();
    engine.register_fn("imshow", move |m: Dynamic, o: Map| imshow(&s, m, o));
    let s = shared.clone();
    engine.register_fn("imshow", move |m: Dynamic| imshow(&s, m, Map::new()));
    let s = shared.clone();
    engine.register_fn("hist", move |v: Dynamic, o: Map| hist(&s, v, o));
    let s = shared.clone();
    engine.register_fn("hist", move |v: Dynamic| hist(&s, v, Map::new()));
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
            let (lo, hi) = (
                to_quantity(&lo, "the lower limit")?.value,
                to_quantity(&hi, "the upper limit")?.value,
            );
            let mut st = s.borrow_mut();
            let ax = st.figure.current_axes();
            if x {
                ax.xlim(lo, hi)
            } else {
                ax.ylim(lo, hi)
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
    engine.register_fn("figure", move |_opts: Map| s.borrow_mut().new_figure());
    let s = shared.clone();
    engine.register_fn("savefig", move |path: ImmutableString| -> RResult<()> {
        let mut st = s.borrow_mut();
        let p = st.resolve_output(&path);
        st.save_figure(&p)
    });
    let s = shared.clone();
    engine.register_fn(
        "savefig",
        move |path: ImmutableString, o: Map| -> RResult<()> {
            let mut st = s.borrow_mut();
            let (w, h) = st.figure.size();
            let dpi = match o.get("dpi") {
                Some(d) => to_quantity(d, "dpi")?.value,
                None => 100.0,
            };
            let (wi, hi) = match (o.get("width"), o.get("height")) {
                (Some(a), Some(b)) => (
                    to_quantity(a, "width")?.value,
                    to_quantity(b, "height")?.value,
                ),
                _ => (w as FLOAT / 100.0, h as FLOAT / 100.0),
            };
            st.figure
                .set_size((wi * dpi).round() as u32, (hi * dpi).round() as u32);
            let p = st.resolve_output(&path);
            st.save_figure(&p)
        },
    );
    let s = shared.clone();
    engine.register_fn("show", move || -> RResult<()> { s.borrow_mut().show() });
}

/// `plot(x, y)`, or `plot(y)` against the sample index.
fn plot_xy(shared: &Shared, x: Option<Dynamic>, y: Dynamic, opts: Map) -> RResult<()> {
    let y = values(&y, "y")?;
    let x = match x {
        Some(x) => values(&x, "x")?,
        None => (0..y.len()).map(|k| k as f64).collect(),
    };
    let st = style(&opts)?;
    shared
        .borrow_mut()
        .figure
        .current_axes()
        .plot(x, y, st)
        .map_err(|e| e.to_string().into())
}

fn imshow(shared: &Shared, m: Dynamic, opts: Map) -> RResult<()> {
    for k in opts.keys() {
        if !["origin", "colorbar", "interpolation", "aspect"].contains(&k.as_str()) {
            return err(format!("imshow() has no option '{k}'; its options are: origin, colorbar, interpolation, aspect"));
        }
    }
    let rows = matrix_rows(&m)?;
    let lower = match opts.get("origin") {
        Some(v) => to_string(v, "origin")? == "lower",
        None => false,
    };
    let colorbar = match opts.get("colorbar") {
        Some(v) => to_bool(v, "colorbar")?,
        None => false,
    };
    shared
        .borrow_mut()
        .figure
        .current_axes()
        .imshow(rows, lower, colorbar)
        .map_err(|e| e.to_string().into())
}

fn hist(shared: &Shared, v: Dynamic, opts: Map) -> RResult<()> {
    for k in opts.keys() {
        if k.as_str() != "bins" {
            return err(format!("hist() has no option '{k}'; its option is: bins"));
        }
    }
    let bins = match opts.get("bins") {
        Some(b) => to_int(b, "bins")?.max(1) as usize,
        None => 10,
    };
    shared
        .borrow_mut()
        .figure
        .current_axes()
        .hist(values(&v, "values")?, bins)
        .map_err(|e| e.to_string().into())
}

fn matrix_rows(m: &Dynamic) -> RResult<Vec<Vec<f64>>> {
    if let Some(m) = m.clone().try_cast::<Matrix>() {
        return Ok(m.rows);
    }
    if let Some(a) = m.clone().try_cast::<Array>() {
        return a.iter().map(|r| values(r, "a row")).collect();
    }
    err(format!(
        "imshow needs a 2-D array (a weight matrix or a list of rows), got {}",
        describe(m)
    ))
}
