//! pyplot-like figures in scripts: figure, subplot, plot, raster_plot, imshow, hist,
//! labels and limits, savefig, show. Drawing is done by the `plot` module from recorded
//! data; this file only converts arguments.

use super::super::convert::*;
use super::super::Shared;
use super::super::SimState;
use super::monitors::SpikeMonitorHandle;
use super::network::Matrix;
use crate::plot::{
    default_raster_labels, Axes, AxisUnit, Color, Figure, HAlign, LegendLoc, LinePattern,
    LineStyle, Scale, Share, TextOptions, TextVAlign, MAX_FIGURE_SIDE,
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
                            auto: false,
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
            // A unit to suit the data, unless the user labelled the axis: then the
            // numbers are those matplotlib shows for Brian 2's quantities, in base units,
            // which is what such a label describes.
            let u = if ax.label_is_default(x) {
                let (text, factor) = best_unit(a.dim, scale);
                AxisUnit {
                    key,
                    text,
                    factor,
                    auto: true,
                }
            } else {
                base_unit(a.dim)
            };
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

/// Options `plot` and the line-like functions take (matplotlib's Line2D keywords).
const LINE_KEYS: &[&str] = &[
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
    "alpha",
    "markeredgecolor",
    "mec",
    "markerfacecolor",
    "mfc",
    "markeredgewidth",
    "mew",
    "fmt",
];

fn color_of(v: &Dynamic, what: &str) -> RResult<Color> {
    let c = to_string(v, what)?;
    Color::parse(&c).ok_or_else(|| format!("unknown color '{c}'").into())
}

/// A colour or `"none"` (marker faces and edges).
fn color_or_none(v: &Dynamic, what: &str) -> RResult<Option<Color>> {
    let c = to_string(v, what)?;
    if c.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Color::parse(&c)
        .map(Some)
        .ok_or_else(|| format!("unknown color '{c}'").into())
}

fn linestyle_of(v: &Dynamic) -> RResult<LinePattern> {
    let text = to_string(v, "linestyle")?;
    Ok(match text.as_str() {
        "solid" => LinePattern::Solid,
        "dashed" => LinePattern::Dashed,
        "dotted" => LinePattern::Dotted,
        "dashdot" => LinePattern::DashDot,
        "none" | "None" | "" | " " => LinePattern::None,
        fmt => match LineStyle::from_fmt(fmt) {
            Ok(f) if f.color.is_none() && f.marker.is_none() => f.linestyle,
            _ => return err(format!("unknown linestyle '{text}'; use '-', '--', ':', '-.', 'solid', 'dashed', 'dotted', 'dashdot' or 'none'")),
        },
    })
}

fn style(opts: &Map) -> RResult<LineStyle> {
    style_for(opts, LINE_KEYS, "plot()")
}

/// A line style from the keys of `opts` that are line keys; other keys must be in
/// `allowed` (the caller reads them).
fn style_for(opts: &Map, allowed: &[&str], what: &str) -> RResult<LineStyle> {
    super::network::check_keys(opts, allowed, what)?;
    let mut st = match opts.get("fmt") {
        Some(f) => LineStyle::from_fmt(&to_string(f, "fmt")?).map_err(|e| e.to_string())?,
        None => LineStyle::default(),
    };
    for (k, v) in opts {
        match k.as_str() {
            "label" => st = st.with_label(to_string(v, "label")?),
            "color" | "c" => st = st.with_color(color_of(v, "color")?),
            "linestyle" | "ls" => st = st.with_linestyle(linestyle_of(v)?),
            "marker" => {
                let text = to_string(v, "marker")?;
                match LineStyle::from_fmt(&text).ok().and_then(|f| f.marker) {
                    Some(m) if text.chars().count() == 1 => st = st.with_marker(m),
                    _ => {
                        return err(format!(
                            "unknown marker '{text}'; use one of . , o s ^ D + x | _"
                        ))
                    }
                }
            }
            "markersize" | "ms" => st = st.with_markersize(to_quantity(v, "markersize")?.value),
            "linewidth" | "lw" => st = st.with_linewidth(to_quantity(v, "linewidth")?.value),
            "alpha" => {
                let a = to_quantity(v, "alpha")?.value;
                if !(0.0..=1.0).contains(&a) {
                    return err(format!("alpha must be between 0 and 1, got {a}"));
                }
                st = st.with_alpha(a)
            }
            "markeredgecolor" | "mec" => st = st.with_mec(color_or_none(v, "markeredgecolor")?),
            "markerfacecolor" | "mfc" => st = st.with_mfc(color_or_none(v, "markerfacecolor")?),
            "markeredgewidth" | "mew" => st = st.with_mew(to_quantity(v, "markeredgewidth")?.value),
            _ => {}
        }
    }
    Ok(st)
}

/// What a drawing call acts on: the session, and an Axes handle (`ax.plot`) or the
/// current axes (`plot`, `plt.plot`).
type Tgt<'a> = (&'a Shared, Option<AxesHandle>);

/// `plt`: pyplot as an object, so that `plt.plot(...)` is `plot(...)`.
#[derive(Debug, Clone, Copy)]
pub struct Pyplot;

/// A figure (`fig` of `let r = subplots(); let fig = r[0];`, `gcf()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureHandle {
    id: u64,
}

/// One axes of a figure (`subplot(211)`, `gca()`, the axes of `subplots`): its
/// methods draw into it whichever axes is current.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxesHandle {
    fig: u64,
    index: usize,
}

/// `ax.spines`, indexed by side: `ax.spines["top"].set_visible(false)`.
#[derive(Debug, Clone, Copy)]
pub struct Spines(AxesHandle);

#[derive(Debug, Clone)]
pub struct Spine(AxesHandle, String);

/// `ax.transAxes`: text positions as fractions of the axes.
#[derive(Debug, Clone, Copy)]
pub struct AxesCoords;

const STALE: &str = "this figure is no longer the current one: figure(), subplots(), show() and close() start a new figure, and only the current one can still be drawn on";

fn figure_of(st: &mut SimState, h: Option<FigureHandle>) -> RResult<&mut Figure> {
    match h {
        Some(h) if h.id != st.figure.id() => err(STALE),
        _ => Ok(&mut st.figure),
    }
}

fn axes_in(fig: &mut Figure, h: Option<AxesHandle>) -> RResult<&mut Axes> {
    match h {
        None => Ok(fig.current_axes()),
        Some(h) => {
            if h.fig != fig.id() {
                return err(STALE);
            }
            fig.axes_mut(h.index)
                .ok_or_else(|| "these axes were removed (clf())".into())
        }
    }
}

/// Runs `f` on the target axes and every axes sharing its x (`x == true`) or y axis.
fn with_group(t: Tgt, x: bool, f: impl Fn(&mut Axes) -> RResult<()>) -> RResult<()> {
    let mut st = t.0.borrow_mut();
    let index = handle_of(&mut st.figure, t.1)?.index;
    for i in st.figure.share_group(index, x) {
        if let Some(ax) = st.figure.axes_mut(i) {
            f(ax)?;
        }
    }
    Ok(())
}

/// Runs `f` on the target axes.
fn with_axes<R>(t: Tgt, f: impl FnOnce(&mut Axes) -> RResult<R>) -> RResult<R> {
    let mut st = t.0.borrow_mut();
    f(axes_in(&mut st.figure, t.1)?)
}

fn handle_of(fig: &mut Figure, t: Option<AxesHandle>) -> RResult<AxesHandle> {
    match t {
        Some(h) => {
            axes_in(fig, Some(h))?;
            Ok(h)
        }
        None => {
            fig.current_axes();
            Ok(AxesHandle {
                fig: fig.id(),
                index: fig.current_index().unwrap_or(0),
            })
        }
    }
}

fn current_handle(shared: &Shared) -> AxesHandle {
    let mut st = shared.borrow_mut();
    handle_of(&mut st.figure, None).unwrap_or(AxesHandle { fig: 0, index: 0 })
}

fn plot_err(e: crate::plot::PlotError) -> Box<rhai::EvalAltResult> {
    e.to_string().into()
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
                auto: false,
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

/// Registers `$py` as a pyplot function (also `plt.$py`) and `$m` as an Axes method,
/// both running `$body` with `$t` the target: the current axes, or the handle's.
macro_rules! api {
    ($engine:expr, $shared:expr, $py:expr, $m:expr, |$t:ident $(, $a:ident : $ty:ty)*| -> $ret:ty $body:block) => {
        api!($engine, $shared, $py, $m, |$t $(, $a: $ty)*| { let r: $ret = $body; r })
    };
    ($engine:expr, $shared:expr, $py:expr, $m:expr, |$t:ident $(, $a:ident : $ty:ty)*| $body:expr) => {{
        let (py, m): (&str, &str) = ($py, $m);
        if !py.is_empty() {
            let s = $shared.clone();
            $engine.register_fn(py, move |$($a: $ty),*| {
                let $t: Tgt = (&s, None);
                $body
            });
            let s = $shared.clone();
            $engine.register_fn(py, move |_: Pyplot, $($a: $ty),*| {
                let $t: Tgt = (&s, None);
                $body
            });
        }
        if !m.is_empty() {
            let s = $shared.clone();
            $engine.register_fn(m, move |h: AxesHandle, $($a: $ty),*| {
                let $t: Tgt = (&s, Some(h));
                $body
            });
        }
    }};
}

/// A pyplot function that is also a `plt.` method, with no Axes method.
macro_rules! pyplot {
    ($engine:expr, $shared:expr, $py:expr, |$s:ident $(, $a:ident : $ty:ty)*| -> $ret:ty $body:block) => {
        pyplot!($engine, $shared, $py, |$s $(, $a: $ty)*| { let r: $ret = $body; r })
    };
    ($engine:expr, $shared:expr, $py:expr, |$s:ident $(, $a:ident : $ty:ty)*| $body:expr) => {{
        let sh = $shared.clone();
        $engine.register_fn($py, move |$($a: $ty),*| {
            let $s: &Shared = &sh;
            $body
        });
        let sh = $shared.clone();
        $engine.register_fn($py, move |_: Pyplot, $($a: $ty),*| {
            let $s: &Shared = &sh;
            $body
        });
    }};
}

fn fmt_opts(fmt: ImmutableString, mut o: Map) -> Map {
    o.insert("fmt".into(), fmt.into());
    o
}

/// Sets the scale of the target's x and/or y axis before plotting (loglog & co).
fn set_scales(t: Tgt, x: Option<Scale>, y: Option<Scale>) -> RResult<()> {
    if let Some(s) = x {
        with_group(t, true, |ax| {
            ax.set_scale(true, s);
            Ok(())
        })?;
    }
    if let Some(s) = y {
        with_group(t, false, |ax| {
            ax.set_scale(false, s);
            Ok(())
        })?;
    }
    Ok(())
}

// cargo fmt wraps some macro bodies in braces.
#[allow(unused_braces)]
pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<Pyplot>("pyplot");
    engine.register_type_with_name::<FigureHandle>("Figure");
    engine.register_type_with_name::<AxesHandle>("Axes");
    engine.register_type_with_name::<Spines>("Spines");
    engine.register_type_with_name::<Spine>("Spine");
    engine.register_type_with_name::<AxesCoords>("Transform");
    engine.register_fn("to_string", |_: &mut Pyplot| {
        "matplotlib.pyplot".to_string()
    });
    engine.register_fn("to_string", |f: &mut FigureHandle| {
        format!("Figure({})", f.id)
    });
    engine.register_fn("to_string", |a: &mut AxesHandle| {
        format!("Axes({} of figure {})", a.index + 1, a.fig)
    });
    engine.register_fn("to_debug", |a: &mut AxesHandle| {
        format!("Axes({} of figure {})", a.index + 1, a.fig)
    });
    engine.register_fn("==", |a: AxesHandle, b: AxesHandle| a == b);
    engine.register_fn("!=", |a: AxesHandle, b: AxesHandle| a != b);

    let s = shared.clone();
    engine.register_fn("raster_plot", move |m: Dynamic| {
        raster(&s, monitors_of(&m)?, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("raster_plot", move |m: Dynamic, o: Map| {
        raster(&s, monitors_of(&m)?, o)
    });

    // plot and its log-scale variants: (y), (y, fmt), (y, opts), (x, y), (x, y, fmt),
    // (x, y, opts), (x, y, fmt, opts).
    for (py, m, xs, ys) in [
        ("plot", "plot", None, None),
        ("loglog", "loglog", Some(Scale::Log), Some(Scale::Log)),
        ("semilogx", "semilogx", Some(Scale::Log), None),
        ("semilogy", "semilogy", None, Some(Scale::Log)),
    ] {
        api!(engine, shared, py, m, |t, y: Dynamic| {
            set_scales(t, xs, ys)?;
            plot_xy(t, None, y, Map::new())
        });
        api!(engine, shared, py, m, |t, a: Dynamic, b: Dynamic| {
            set_scales(t, xs, ys)?;
            if b.is_map() {
                return plot_xy(t, None, a, b.cast::<Map>());
            }
            if b.is_string() {
                let f = b.into_immutable_string().unwrap_or_default();
                return plot_xy(t, None, a, fmt_opts(f, Map::new()));
            }
            plot_xy(t, Some(a), b, Map::new())
        });
        api!(
            engine,
            shared,
            py,
            m,
            |t, x: Dynamic, y: Dynamic, o: Map| {
                set_scales(t, xs, ys)?;
                plot_xy(t, Some(x), y, o)
            }
        );
        api!(
            engine,
            shared,
            py,
            m,
            |t, x: Dynamic, y: Dynamic, f: ImmutableString| {
                set_scales(t, xs, ys)?;
                plot_xy(t, Some(x), y, fmt_opts(f, Map::new()))
            }
        );
        api!(
            engine,
            shared,
            py,
            m,
            |t, y: Dynamic, f: ImmutableString, o: Map| {
                set_scales(t, xs, ys)?;
                plot_xy(t, None, y, fmt_opts(f, o))
            }
        );
        api!(
            engine,
            shared,
            py,
            m,
            |t, x: Dynamic, y: Dynamic, f: ImmutableString, o: Map| {
                set_scales(t, xs, ys)?;
                plot_xy(t, Some(x), y, fmt_opts(f, o))
            }
        );
    }
    api!(
        engine,
        shared,
        "scatter",
        "scatter",
        |t, x: Dynamic, y: Dynamic| { scatter(t, x, y, Map::new()) }
    );
    api!(
        engine,
        shared,
        "scatter",
        "scatter",
        |t, x: Dynamic, y: Dynamic, o: Map| { scatter(t, x, y, o) }
    );
    api!(
        engine,
        shared,
        "imshow",
        "imshow",
        |t, m: Dynamic, o: Map| imshow(t, m, o)
    );
    api!(engine, shared, "imshow", "imshow", |t, m: Dynamic| imshow(
        t,
        m,
        Map::new()
    ));
    api!(engine, shared, "hist", "hist", |t, v: Dynamic| hist(
        t,
        v,
        Map::new()
    ));
    // matplotlib's positional bins: hist(x, 20), hist(x, edges).
    api!(
        engine,
        shared,
        "hist",
        "hist",
        |t, v: Dynamic, bins: Dynamic| {
            if bins.is_map() {
                return hist(t, v, bins.cast::<Map>());
            }
            let mut o = Map::new();
            o.insert("bins".into(), bins);
            hist(t, v, o)
        }
    );
    api!(
        engine,
        shared,
        "hist",
        "hist",
        |t, v: Dynamic, bins: Dynamic, o: Map| {
            let mut o = o;
            o.insert("bins".into(), bins);
            hist(t, v, o)
        }
    );
    for (py, horizontal) in [("axhline", true), ("axvline", false)] {
        api!(engine, shared, py, py, |t| axline(
            t,
            horizontal,
            None,
            Map::new()
        ));
        api!(engine, shared, py, py, |t, v: Dynamic| {
            if v.is_map() {
                return axline(t, horizontal, None, v.cast::<Map>());
            }
            axline(t, horizontal, Some(v), Map::new())
        });
        api!(engine, shared, py, py, |t, v: Dynamic, o: Map| {
            axline(t, horizontal, Some(v), o)
        });
    }
    for (py, vertical) in [("vlines", true), ("hlines", false)] {
        api!(
            engine,
            shared,
            py,
            py,
            |t, p: Dynamic, lo: Dynamic, hi: Dynamic| { lines(t, vertical, p, lo, hi, Map::new()) }
        );
        api!(
            engine,
            shared,
            py,
            py,
            |t, p: Dynamic, lo: Dynamic, hi: Dynamic, o: Map| { lines(t, vertical, p, lo, hi, o) }
        );
    }
    api!(
        engine,
        shared,
        "text",
        "text",
        |t, x: Dynamic, y: Dynamic, s: Dynamic| { text(t, x, y, s, Map::new()) }
    );
    api!(
        engine,
        shared,
        "text",
        "text",
        |t, x: Dynamic, y: Dynamic, s: Dynamic, o: Map| { text(t, x, y, s, o) }
    );
    api!(
        engine,
        shared,
        "errorbar",
        "errorbar",
        |t, x: Dynamic, y: Dynamic| { errorbar(t, x, y, Map::new()) }
    );
    api!(
        engine,
        shared,
        "errorbar",
        "errorbar",
        |t, x: Dynamic, y: Dynamic, e: Dynamic| {
            if e.is_map() {
                return errorbar(t, x, y, e.cast::<Map>());
            }
            let mut o = Map::new();
            o.insert("yerr".into(), e);
            errorbar(t, x, y, o)
        }
    );
    api!(
        engine,
        shared,
        "errorbar",
        "errorbar",
        |t, x: Dynamic, y: Dynamic, e: Dynamic, o: Map| {
            let mut o = o;
            o.insert("yerr".into(), e);
            errorbar(t, x, y, o)
        }
    );
    api!(
        engine,
        shared,
        "fill_between",
        "fill_between",
        |t, x: Dynamic, y1: Dynamic| { fill_between(t, x, y1, None, Map::new()) }
    );
    api!(
        engine,
        shared,
        "fill_between",
        "fill_between",
        |t, x: Dynamic, y1: Dynamic, y2: Dynamic| {
            if y2.is_map() {
                return fill_between(t, x, y1, None, y2.cast::<Map>());
            }
            fill_between(t, x, y1, Some(y2), Map::new())
        }
    );
    api!(
        engine,
        shared,
        "fill_between",
        "fill_between",
        |t, x: Dynamic, y1: Dynamic, y2: Dynamic, o: Map| { fill_between(t, x, y1, Some(y2), o) }
    );

    // Labels, limits, ticks, scales.
    for (py, m, which) in [
        ("title", "set_title", 0),
        ("xlabel", "set_xlabel", 1),
        ("ylabel", "set_ylabel", 2),
    ] {
        api!(engine, shared, py, m, |t, text: ImmutableString| {
            set_label(t, which, &text)
        });
        // Font options are accepted and checked but sizes stay matplotlib's defaults.
        api!(engine, shared, py, m, |t, text: ImmutableString, o: Map| {
            super::network::check_keys(&o, &["fontsize", "loc", "pad", "rotation"], "labels")?;
            set_label(t, which, &text)?;
            match o.get("rotation") {
                Some(r) => label_rotation(t, which, r),
                None => Ok(()),
            }
        });
    }
    for (py, m, x) in [("xlim", "set_xlim", true), ("ylim", "set_ylim", false)] {
        api!(
            engine,
            shared,
            py,
            m,
            |t, lo: Dynamic, hi: Dynamic| set_lim(t, x, lo, hi)
        );
        api!(engine, shared, py, m, |t, both: Dynamic| {
            let (lo, hi) = two_values(&both, if x { "xlim" } else { "ylim" })?;
            set_lim(t, x, lo, hi)
        });
    }
    for (py, m, x) in [
        ("xticks", "set_xticks", true),
        ("yticks", "set_yticks", false),
    ] {
        api!(engine, shared, py, m, |t, pos: Dynamic| set_ticks(
            t, x, pos, None
        ));
        api!(engine, shared, py, m, |t, pos: Dynamic, labels: Dynamic| {
            set_ticks(t, x, pos, Some(labels))
        });
    }
    api!(
        engine,
        shared,
        "ticklabel_format",
        "ticklabel_format",
        |t, o: Map| { ticklabel_format(t, o) }
    );
    for (py, m, x) in [
        ("xscale", "set_xscale", true),
        ("yscale", "set_yscale", false),
    ] {
        api!(engine, shared, py, m, |t, name: ImmutableString| {
            let scale = match name.as_str() {
                "log" => Scale::Log,
                "linear" => Scale::Linear,
                other => {
                    return err(format!(
                        "unknown scale '{other}': use 'linear' or 'log' (symlog and logit are not available)"
                    ))
                }
            };
            with_group(t, x, |ax| {
                ax.set_scale(x, scale);
                Ok(())
            })
        });
    }
    api!(engine, shared, "legend", "legend", |t| legend(
        t,
        None,
        Map::new()
    ));
    api!(engine, shared, "legend", "legend", |t, a: Dynamic| {
        if a.is_map() {
            return legend(t, None, a.cast::<Map>());
        }
        legend(t, Some(a), Map::new())
    });
    api!(
        engine,
        shared,
        "legend",
        "legend",
        |t, a: Dynamic, o: Map| { legend(t, Some(a), o) }
    );
    api!(engine, shared, "axis", "axis", |t, a: Dynamic| axis(t, a));
    api!(engine, shared, "twinx", "twinx", |t| -> RResult<
        AxesHandle,
    > {
        let mut st = t.0.borrow_mut();
        let fig = &mut st.figure;
        let h = handle_of(fig, t.1)?;
        let i = fig.twinx(h.index).map_err(plot_err)?;
        // The twin shows x in the parent's unit.
        let unit = fig
            .axes_mut(h.index)
            .and_then(|a| a.axis_unit(true).cloned());
        if let (Some(u), Some(ax)) = (unit, fig.axes_mut(i)) {
            ax.set_axis_unit(true, u);
        }
        Ok(AxesHandle {
            fig: fig.id(),
            index: i,
        })
    });
    api!(engine, shared, "", "set", |t, o: Map| axes_set(t, o));
    api!(engine, shared, "", "hide_spines", |t, sides: Array| {
        with_axes(t, |ax| {
            for side in &sides {
                ax.set_spine_visible(&to_string(side, "a spine")?, false)
                    .map_err(plot_err)?;
            }
            Ok(())
        })
    });
    engine.register_get("spines", |h: &mut AxesHandle| Spines(*h));
    engine.register_get("transAxes", |_: &mut AxesHandle| AxesCoords);
    engine.register_get("figure", |h: &mut AxesHandle| FigureHandle { id: h.fig });
    engine
        .register_indexer_get(|s: &mut Spines, side: ImmutableString| Spine(s.0, side.to_string()));
    let s = shared.clone();
    engine.register_fn(
        "set_visible",
        move |sp: Spine, visible: bool| -> RResult<()> {
            with_axes((&s, Some(sp.0)), |ax| {
                ax.set_spine_visible(&sp.1, visible).map_err(plot_err)
            })
        },
    );

    // Figures and axes.
    pyplot!(engine, shared, "subplot", |s,
                                        code: INT|
     -> RResult<AxesHandle> {
        select(s, |f| f.subplot_code(code.max(0) as usize).map(|_| ()))
    });
    pyplot!(engine, shared, "subplot", |s,
                                        r: INT,
                                        c: INT,
                                        i: Dynamic|
     -> RResult<AxesHandle> {
        let (r, c) = (r.max(0) as usize, c.max(0) as usize);
        if i.is_array() {
            let span = to_indices(&i, "the subplot span")?;
            let [first, last] = span[..] else {
                return err("subplot(rows, cols, [first, last]) takes two cell numbers");
            };
            return select(s, |f| f.subplot_span(r, c, first, last).map(|_| ()));
        }
        let i = to_int(&i, "the subplot index")?.max(0) as usize;
        select(s, |f| f.subplot(r, c, i).map(|_| ()))
    });
    let sh = shared.clone();
    engine.register_fn(
        "add_subplot",
        move |f: FigureHandle, r: INT, c: INT, i: INT| {
            check_figure(&sh, f)?;
            select(&sh, |fig| {
                fig.subplot(r.max(0) as usize, c.max(0) as usize, i.max(0) as usize)
                    .map(|_| ())
            })
        },
    );
    let sh = shared.clone();
    engine.register_fn("add_subplot", move |f: FigureHandle, code: INT| {
        check_figure(&sh, f)?;
        select(&sh, |fig| {
            fig.subplot_code(code.max(0) as usize).map(|_| ())
        })
    });
    pyplot!(engine, shared, "gca", |s| current_handle(s));
    pyplot!(engine, shared, "sca", |s, h: AxesHandle| -> RResult<()> {
        let mut st = s.borrow_mut();
        axes_in(&mut st.figure, Some(h))?;
        st.figure.set_current(h.index);
        Ok(())
    });
    pyplot!(engine, shared, "gcf", |s| FigureHandle {
        id: s.borrow().figure.id()
    });
    pyplot!(engine, shared, "subplots", |s| subplots(
        s,
        1,
        1,
        Map::new()
    ));
    pyplot!(engine, shared, "subplots", |s, a: Dynamic| {
        if a.is_map() {
            return subplots(s, 1, 1, a.cast::<Map>());
        }
        subplots(s, to_int(&a, "rows")?, 1, Map::new())
    });
    pyplot!(engine, shared, "subplots", |s, r: INT, c: INT| subplots(
        s,
        r,
        c,
        Map::new()
    ));
    pyplot!(engine, shared, "subplots", |s, r: INT, c: INT, o: Map| {
        subplots(s, r, c, o)
    });
    pyplot!(engine, shared, "subplots", |s, r: INT, o: Map| subplots(
        s, r, 1, o
    ));
    pyplot!(engine, shared, "figure", |s| new_figure(
        s,
        None,
        Map::new()
    ));
    pyplot!(engine, shared, "figure", |s, a: Dynamic| {
        if a.is_map() {
            return new_figure(s, None, a.cast::<Map>());
        }
        if a.is_string() {
            return err("figure(\"name\"): figures are numbered; use figure(n)");
        }
        new_figure(s, Some(to_int(&a, "the figure number")?), Map::new())
    });
    pyplot!(engine, shared, "figure", |s, n: INT, o: Map| new_figure(
        s,
        Some(n),
        o
    ));
    pyplot!(engine, shared, "suptitle", |s, text: ImmutableString| {
        s.borrow_mut().figure.suptitle(&text)
    });
    pyplot!(engine, shared, "suptitle", |s,
                                         text: ImmutableString,
                                         o: Map|
     -> RResult<()> {
        super::network::check_keys(&o, &["fontsize", "y"], "suptitle()")?;
        s.borrow_mut().figure.suptitle(&text);
        Ok(())
    });
    pyplot!(engine, shared, "tight_layout", |s| s
        .borrow_mut()
        .figure
        .tight_layout());
    pyplot!(engine, shared, "clf", |s| s.borrow_mut().figure.clear());
    pyplot!(engine, shared, "cla", |s| -> RResult<()> {
        let mut st = s.borrow_mut();
        let fig = &mut st.figure;
        let i = handle_of(fig, None)?.index;
        if let Some(ax) = fig.axes_mut(i) {
            *ax = ax.cleared();
        }
        Ok(())
    });
    pyplot!(engine, shared, "close", |s| close(s));
    pyplot!(engine, shared, "close", |s, what: Dynamic| -> RResult<()> {
        if let Some(f) = what.clone().try_cast::<FigureHandle>() {
            if f.id != s.borrow().figure.id() {
                return Ok(()); // already written or closed
            }
        } else if !(what.is_string() || what.is_int()) {
            return err(format!(
                "close() takes a figure, a number or \"all\", got {}",
                describe(&what)
            ));
        }
        close(s)
    });
    pyplot!(engine, shared, "savefig", |s,
                                        path: ImmutableString|
     -> RResult<()> {
        let mut st = s.borrow_mut();
        let p = st.resolve_output(&path);
        st.save_figure(&p)
    });
    // savefig(path, #{ dpi: 200 }) renders the same figure (same inches) at another
    // resolution; width and height (inches) change its size for this file only.
    pyplot!(
        engine,
        shared,
        "savefig",
        |s, path: ImmutableString, o: Map| savefig_with(s, &path, &o)
    );
    pyplot!(engine, shared, "show", |s| -> RResult<()> {
        s.borrow_mut().show()
    });

    // Figure methods.
    let sh = shared.clone();
    engine.register_fn("suptitle", move |f: FigureHandle, text: ImmutableString| {
        check_figure(&sh, f)?;
        sh.borrow_mut().figure.suptitle(&text);
        Ok::<(), Box<rhai::EvalAltResult>>(())
    });
    let sh = shared.clone();
    engine.register_fn("tight_layout", move |f: FigureHandle| {
        check_figure(&sh, f)?;
        sh.borrow_mut().figure.tight_layout();
        Ok::<(), Box<rhai::EvalAltResult>>(())
    });
    let sh = shared.clone();
    engine.register_fn("savefig", move |f: FigureHandle, path: ImmutableString| {
        check_figure(&sh, f)?;
        let mut st = sh.borrow_mut();
        let p = st.resolve_output(&path);
        st.save_figure(&p)
    });
    let sh = shared.clone();
    engine.register_fn(
        "savefig",
        move |f: FigureHandle, path: ImmutableString, o: Map| {
            check_figure(&sh, f)?;
            savefig_with(&sh, &path, &o)
        },
    );
    let sh = shared.clone();
    engine.register_fn(
        "set_size_inches",
        move |f: FigureHandle, w: Dynamic, h: Dynamic| {
            check_figure(&sh, f)?;
            let mut o = Map::new();
            o.insert("figsize".into(), Dynamic::from(vec![w, h]));
            let mut st = sh.borrow_mut();
            let dpi = st.figure.dpi();
            let (size, _) = figure_options(&o, "figure", (8.0, 6.0), dpi)?;
            st.figure.set_size(size.0, size.1);
            Ok::<(), Box<rhai::EvalAltResult>>(())
        },
    );
}

fn check_figure(shared: &Shared, f: FigureHandle) -> RResult<()> {
    figure_of(&mut shared.borrow_mut(), Some(f)).map(|_| ())
}

/// Selects (or creates) axes with `f` and returns their handle.
fn select(
    shared: &Shared,
    f: impl FnOnce(&mut Figure) -> Result<(), crate::plot::PlotError>,
) -> RResult<AxesHandle> {
    let mut st = shared.borrow_mut();
    f(&mut st.figure).map_err(plot_err)?;
    handle_of(&mut st.figure, None)
}

fn savefig_with(shared: &Shared, path: &str, o: &Map) -> RResult<()> {
    let mut st = shared.borrow_mut();
    let (w, h) = st.figure.size();
    let dpi = st.figure.dpi();
    let inches = (f64::from(w) / dpi, f64::from(h) / dpi);
    let (size, new_dpi) = figure_options(o, "savefig", inches, dpi)?;
    st.figure.set_dpi(new_dpi);
    st.figure.set_size(size.0, size.1);
    let p = st.resolve_output(path);
    let result = st.save_figure(&p);
    st.figure.set_dpi(dpi);
    st.figure.set_size(w, h);
    result
}

/// pyplot's `close()`: the current figure is dropped without being written.
fn close(shared: &Shared) -> RResult<()> {
    shared.borrow_mut().figure = Figure::new();
    Ok(())
}

/// `figure()`, `figure(n)`, `figure(#{ figsize, dpi })`: a new current figure (the one
/// pending is written first, as pyplot keeps it for show()); `figure(n)` naming the
/// current figure's number keeps it.
fn new_figure(shared: &Shared, number: Option<INT>, o: Map) -> RResult<FigureHandle> {
    let (size, dpi) = figure_options(&o, "figure", (8.0, 6.0), 100.0)?;
    let number = match number {
        Some(n) if n >= 1 => Some(n as usize),
        Some(n) => return err(format!("figure({n}): figure numbers start at 1")),
        None => None,
    };
    let mut st = shared.borrow_mut();
    if number.is_some() && st.figure.number() == number {
        if !o.is_empty() {
            st.figure.set_dpi(dpi);
            st.figure.set_size(size.0, size.1);
        }
        return Ok(FigureHandle { id: st.figure.id() });
    }
    st.new_figure();
    st.figure.set_dpi(dpi);
    st.figure.set_size(size.0, size.1);
    if let Some(n) = number {
        st.figure.set_number(n);
    }
    Ok(FigureHandle { id: st.figure.id() })
}

/// Parses matplotlib's `sharex` / `sharey` values.
fn share_of(o: &Map, key: &str) -> RResult<Share> {
    let Some(v) = o.get(key) else {
        return Ok(Share::None);
    };
    if let Ok(b) = v.as_bool() {
        return Ok(if b { Share::All } else { Share::None });
    }
    match to_string(v, key)?.as_str() {
        "all" => Ok(Share::All),
        "none" => Ok(Share::None),
        "row" => Ok(Share::Row),
        "col" => Ok(Share::Col),
        other => err(format!(
            "subplots(): {key} should be true, false, 'all', 'none', 'row' or 'col', got '{other}'"
        )),
    }
}

/// `subplots(rows, cols, #{ sharex, sharey, figsize, dpi, squeeze })`: a new figure
/// and its grid of axes, returned as `[fig, axes]` with matplotlib's squeezing: one
/// Axes for 1x1, a list for one row or column, a list of rows otherwise.
fn subplots(shared: &Shared, rows: INT, cols: INT, o: Map) -> RResult<Array> {
    super::network::check_keys(
        &o,
        &[
            "sharex",
            "sharey",
            "figsize",
            "dpi",
            "squeeze",
            "gridspec_kw",
        ],
        "subplots()",
    )?;
    if rows < 1 || cols < 1 {
        return err(format!(
            "subplots({rows}, {cols}): need at least one row and one column"
        ));
    }
    let (sharex, sharey) = (share_of(&o, "sharex")?, share_of(&o, "sharey")?);
    let squeeze = match o.get("squeeze") {
        Some(v) => to_bool(v, "squeeze")?,
        None => true,
    };
    let mut fo = Map::new();
    for k in ["figsize", "dpi"] {
        if let Some(v) = o.get(k) {
            fo.insert(k.into(), v.clone());
        }
    }
    let fig = new_figure(shared, None, fo)?;
    let (r, c) = (rows as usize, cols as usize);
    let ids = shared
        .borrow_mut()
        .figure
        .subplots(r, c, sharex, sharey)
        .map_err(plot_err)?;
    if let Some(g) = o.get("gridspec_kw") {
        let g = g.clone().try_cast::<Map>().ok_or_else(|| {
            format!(
                "subplots(): gridspec_kw should be a map such as #{{ height_ratios: [3, 1] }}, got {}",
                describe(g)
            )
        })?;
        super::network::check_keys(&g, &["height_ratios", "width_ratios"], "gridspec_kw")?;
        let ratios = |k: &str| -> RResult<Option<Vec<f64>>> {
            g.get(k)
                .map(|v| to_qarray(v, k).map(|a| a.values.to_vec()))
                .transpose()
        };
        let (hr, wr) = (ratios("height_ratios")?, ratios("width_ratios")?);
        shared
            .borrow_mut()
            .figure
            .set_grid_ratios(r, c, hr, wr)
            .map_err(plot_err)?;
    }
    let h = |i: usize| {
        Dynamic::from(AxesHandle {
            fig: fig.id,
            index: ids[i],
        })
    };
    let axes = if squeeze && r == 1 && c == 1 {
        h(0)
    } else if squeeze && (r == 1 || c == 1) {
        Dynamic::from((0..r * c).map(h).collect::<Array>())
    } else {
        Dynamic::from(
            (0..r)
                .map(|i| Dynamic::from((0..c).map(|j| h(i * c + j)).collect::<Array>()))
                .collect::<Array>(),
        )
    };
    Ok(vec![Dynamic::from(fig), axes])
}

fn set_label(t: Tgt, which: u8, text: &str) -> RResult<()> {
    with_axes(t, |ax| {
        match which {
            0 => ax.title(text),
            1 => ax.xlabel(text),
            _ => ax.ylabel(text),
        }
        // Data drawn in a unit chosen to suit them (`plot(M.t, M.v[0])`: ms and mV) go
        // back to base units once the user labels the axis, as matplotlib would show
        // them: a label such as "rate (Hz)" must not sit on numbers in kHz.
        let x = which == 1;
        if which != 0 {
            if let Some(u) = ax.axis_unit(x).filter(|u| u.auto).cloned() {
                ax.rescale_axis(x, u.factor);
                ax.set_axis_unit(x, base_unit_of(&u));
            }
        }
        Ok(())
    })
}

/// The SI unit of data of dimension `dim`, as an axis unit the user's label chose.
fn base_unit(dim: Dimension) -> AxisUnit {
    let (text, factor) = best_unit(dim, 1.0);
    let text = if factor == 1.0 {
        text
    } else {
        crate::units::dimension_name(dim)
    };
    AxisUnit {
        key: unit_key(dim),
        text,
        factor: 1.0,
        auto: false,
    }
}

/// [`base_unit`] for an axis unit (its dimension known only by its key).
fn base_unit_of(u: &AxisUnit) -> AxisUnit {
    AxisUnit {
        key: u.key.clone(),
        text: u.key.clone(),
        factor: 1.0,
        auto: false,
    }
}

/// matplotlib's `ticklabel_format(#{ axis, style, scilimits, useOffset })`. Tick labels
/// here never take an offset (matplotlib's `+1.28e3` corner text), so `useOffset: false`
/// is what they do anyway and `true` is refused.
fn ticklabel_format(t: Tgt, o: Map) -> RResult<()> {
    super::network::check_keys(
        &o,
        &["axis", "style", "scilimits", "useOffset"],
        "ticklabel_format",
    )?;
    let (x, y) = match o.get("axis") {
        None => (true, true),
        Some(a) => match to_string(a, "axis")?.as_str() {
            "both" => (true, true),
            "x" => (true, false),
            "y" => (false, true),
            other => {
                return err(format!(
                    "ticklabel_format: axis should be 'x', 'y' or 'both', got '{other}'"
                ))
            }
        },
    };
    if let Some(u) = o.get("useOffset") {
        if u.as_bool() != Ok(false) {
            return err(format!(
                "ticklabel_format: useOffset {u} is not drawn (tick labels never take an offset here); use useOffset: false or leave it out"
            ));
        }
    }
    let scilimits = match o.get("scilimits") {
        None => None,
        Some(v) => {
            let (a, b) = two_values(v, "scilimits")?;
            Some((
                to_int(&a, "scilimits")? as i32,
                to_int(&b, "scilimits")? as i32,
            ))
        }
    };
    let limits = match o.get("style").map(|s| to_string(s, "style")).transpose()? {
        None => match scilimits {
            None => return Ok(()),
            Some(l) => Some(l),
        },
        Some(s) => match s.as_str() {
            "plain" => None,
            "sci" | "scientific" => Some(scilimits.unwrap_or(crate::plot::DEFAULT_SCI_LIMITS)),
            other => {
                return err(format!(
                "ticklabel_format: style should be 'sci', 'scientific' or 'plain', got '{other}'"
            ))
            }
        },
    };
    with_axes(t, |ax| {
        if x {
            ax.sci_limits(true, limits);
        }
        if y {
            ax.sci_limits(false, limits);
        }
        Ok(())
    })
}

/// A label's `rotation`: the y label horizontal (`"horizontal"`, 0) or along the axis
/// (`"vertical"`, 90); x labels and titles only horizontal.
fn label_rotation(t: Tgt, which: u8, r: &Dynamic) -> RResult<()> {
    let horizontal = if let Ok(s) = r.clone().into_immutable_string() {
        match s.as_str() {
            "horizontal" => true,
            "vertical" => false,
            other => {
                return err(format!(
                    "rotation should be 'horizontal', 'vertical' or 0 or 90 degrees, got '{other}'"
                ))
            }
        }
    } else {
        let deg = to_si(r, Dimension::DIMENSIONLESS, "rotation")?;
        if deg == 0.0 {
            true
        } else if deg == 90.0 {
            false
        } else {
            return err(format!(
                "rotation: only 0 (horizontal) and 90 (vertical) degrees are drawn, got {deg}"
            ));
        }
    };
    match which {
        2 => with_axes(t, |ax| {
            ax.ylabel_horizontal(horizontal);
            Ok(())
        }),
        _ if horizontal => Ok(()),
        _ => err("rotation: titles and x labels are drawn horizontally only"),
    }
}

/// Two values from `[a, b]` (a list or an array with units).
fn two_values(d: &Dynamic, what: &str) -> RResult<(Dynamic, Dynamic)> {
    if let Some(a) = d.clone().try_cast::<Array>() {
        if let [a, b] = &a[..] {
            return Ok((a.clone(), b.clone()));
        }
    } else if let Some(q) = d.clone().try_cast::<QuantityArray>() {
        if q.values.len() == 2 {
            let one = |v: f64| Dynamic::from(crate::units::Quantity::new(v, q.dim));
            return Ok((one(q.values[0]), one(q.values[1])));
        }
    }
    err(format!(
        "{what} takes two limits, or a list of two, got {}",
        describe(d)
    ))
}

fn set_lim(t: Tgt, x: bool, lo: Dynamic, hi: Dynamic) -> RResult<()> {
    with_axes(t, |ax| {
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
    })
}

fn set_ticks(t: Tgt, x: bool, pos: Dynamic, labels: Option<Dynamic>) -> RResult<()> {
    with_axes(t, |ax| -> RResult<(Vec<f64>, Option<Vec<String>>)> {
        let pos = if pos
            .clone()
            .try_cast::<Array>()
            .is_some_and(|a| a.is_empty())
        {
            Vec::new()
        } else {
            axis_data(ax, x, &pos, "the tick positions")?.values
        };
        let labels = match labels {
            None => None,
            Some(l) => {
                // An array's elements label as NumPy's str() of each: integers
                // without a point, quantities with their units.
                let list = l.clone().try_cast::<Array>().or_else(|| {
                    l.clone().try_cast::<QuantityArray>().map(|q| {
                        (0..q.values.len())
                            .map(|k| crate::script::convert::element(&q, k))
                            .collect()
                    })
                });
                let Some(a) = list else {
                    return err(format!(
                        "tick labels should be a list of strings or an array, got {}",
                        describe(&l)
                    ));
                };
                Some(
                    a.iter()
                        .map(|s| {
                            if s.is_string() {
                                to_string(s, "a tick label")
                            } else {
                                Ok(s.to_string())
                            }
                        })
                        .collect::<RResult<Vec<_>>>()?,
                )
            }
        };
        Ok((pos, labels))
    })
    .and_then(|(pos, labels)| {
        with_group(t, x, |ax| {
            ax.set_ticks(x, pos.clone(), labels.clone())
                .map_err(plot_err)
        })
    })
}

fn scatter(t: Tgt, x: Dynamic, y: Dynamic, o: Map) -> RResult<()> {
    let mut lo = Map::new();
    let mut size = None;
    for (k, v) in &o {
        match k.as_str() {
            "s" => {
                let s = to_quantity(v, "s")?.value;
                if !(s >= 0.0) {
                    return err(format!("scatter(): s is an area in points², got {s}"));
                }
                size = Some(s.sqrt());
            }
            "c" if v.is_array() || v.is::<QuantityArray>() => {
                return err("scatter(): colours per point (c as an array) are not available; give one colour");
            }
            "edgecolors" | "edgecolor" => {
                lo.insert("mec".into(), v.clone());
            }
            "facecolors" => {
                lo.insert("mfc".into(), v.clone());
            }
            "linewidths" => {
                lo.insert("mew".into(), v.clone());
            }
            _ => {
                lo.insert(k.clone(), v.clone());
            }
        }
    }
    let mut st = style_for(&lo, LINE_KEYS, "scatter()")?;
    if let Some(ms) = size {
        st = st.with_markersize(ms);
    }
    let mut state = t.0.borrow_mut();
    let ax = axes_in(&mut state.figure, t.1)?;
    let y = axis_data(ax, false, &y, "y")?;
    let x = axis_data(ax, true, &x, "x")?;
    ax.scatter(x.values, y.values, st).map_err(plot_err)?;
    label_axis(ax, true, x.label);
    label_axis(ax, false, y.label);
    Ok(())
}

fn axline(t: Tgt, horizontal: bool, v: Option<Dynamic>, o: Map) -> RResult<()> {
    let mut lo = o.clone();
    let span_keys = if horizontal {
        ["xmin", "xmax"]
    } else {
        ["ymin", "ymax"]
    };
    let mut span = (0.0, 1.0);
    for (i, k) in span_keys.iter().enumerate() {
        if let Some(v) = lo.remove(*k) {
            let f = to_quantity(&v, k)?.value;
            if i == 0 {
                span.0 = f;
            } else {
                span.1 = f;
            }
        }
    }
    let name = if horizontal { "axhline()" } else { "axvline()" };
    let st = style_for(&lo, LINE_KEYS, name)?;
    with_axes(t, |ax| {
        let value = match &v {
            Some(v) => axis_data(ax, !horizontal, v, "the position")?.values,
            None => vec![0.0],
        };
        let [value] = value[..] else {
            return err(format!("{name} takes one position, got {}", value.len()));
        };
        ax.axline(horizontal, value, span, st);
        Ok(())
    })
}

/// Values on one axis, `n` long: an array, or one value repeated.
fn broadcast(ax: &mut Axes, x: bool, d: &Dynamic, n: usize, what: &str) -> RResult<Vec<f64>> {
    let v = axis_data(ax, x, d, what)?.values;
    match v.len() {
        1 => Ok(vec![v[0]; n]),
        k if k == n => Ok(v),
        k => err(format!("{what} has {k} values, the positions {n}")),
    }
}

fn lines(t: Tgt, vertical: bool, p: Dynamic, lo: Dynamic, hi: Dynamic, o: Map) -> RResult<()> {
    let mut lo_opts = Map::new();
    for (k, v) in &o {
        let k = match k.as_str() {
            "colors" => "color",
            "linestyles" => "linestyle",
            "linewidths" => "linewidth",
            k => k,
        };
        lo_opts.insert(k.into(), v.clone());
    }
    let name = if vertical { "vlines()" } else { "hlines()" };
    let keys: Vec<&str> = LINE_KEYS
        .iter()
        .copied()
        .filter(|k| !k.starts_with("marker") && !["ms", "mec", "mfc", "mew", "fmt"].contains(k))
        .collect();
    let st = style_for(&lo_opts, &keys, name)?;
    with_axes(t, |ax| {
        let pos = axis_data(ax, vertical, &p, "the positions")?.values;
        let n = pos.len();
        let a = broadcast(ax, !vertical, &lo, n, "the lower ends")?;
        let b = broadcast(ax, !vertical, &hi, n, "the upper ends")?;
        let drawn = if vertical {
            ax.segments(pos.clone(), a, pos, b, st)
        } else {
            ax.segments(a, pos.clone(), b, pos, st)
        };
        drawn.map_err(plot_err)
    })
}

fn text(t: Tgt, x: Dynamic, y: Dynamic, s: Dynamic, o: Map) -> RResult<()> {
    super::network::check_keys(
        &o,
        &[
            "fontsize",
            "size",
            "color",
            "c",
            "ha",
            "horizontalalignment",
            "va",
            "verticalalignment",
            "transform",
        ],
        "text()",
    )?;
    let s = if s.is_string() {
        to_string(&s, "the text")?
    } else {
        s.to_string()
    };
    let mut opts = TextOptions::default();
    for (k, v) in &o {
        match k.as_str() {
            "fontsize" | "size" => {
                opts.fontsize = match v.clone().into_string() {
                    Ok(name) => match name.as_str() {
                        "xx-small" => 5.79,
                        "x-small" => 6.94,
                        "small" => 8.33,
                        "medium" => 10.0,
                        "large" => 12.0,
                        "x-large" => 14.4,
                        "xx-large" => 17.28,
                        other => return err(format!("text(): unknown font size '{other}'")),
                    },
                    Err(_) => to_quantity(v, "fontsize")?.value,
                };
                if !(opts.fontsize > 0.0) {
                    return err("text(): fontsize must be positive");
                }
            }
            "color" | "c" => opts.color = color_of(v, "color")?,
            "ha" | "horizontalalignment" => {
                opts.ha = match to_string(v, "ha")?.as_str() {
                    "left" => HAlign::Left,
                    "center" => HAlign::Center,
                    "right" => HAlign::Right,
                    other => {
                        return err(format!(
                            "text(): ha should be 'left', 'center' or 'right', got '{other}'"
                        ))
                    }
                }
            }
            "va" | "verticalalignment" => {
                opts.va = match to_string(v, "va")?.as_str() {
                    "baseline" => TextVAlign::Baseline,
                    "bottom" => TextVAlign::Bottom,
                    "center" | "center_baseline" => TextVAlign::Center,
                    "top" => TextVAlign::Top,
                    other => {
                        return err(format!(
                    "text(): va should be 'baseline', 'bottom', 'center' or 'top', got '{other}'"
                ))
                    }
                }
            }
            "transform" => {
                opts.axes_coords = if v.is::<AxesCoords>() {
                    true
                } else {
                    match to_string(v, "transform")?.as_str() {
                        "axes" => true,
                        "data" => false,
                        other => return err(format!("text(): transform should be ax.transAxes, 'axes' or 'data', got '{other}'")),
                    }
                }
            }
            _ => {}
        }
    }
    with_axes(t, |ax| {
        let (x, y) = if opts.axes_coords {
            (to_quantity(&x, "x")?.value, to_quantity(&y, "y")?.value)
        } else {
            let one = |ax: &mut Axes, along: bool, d: &Dynamic| -> RResult<f64> {
                let v = axis_data(ax, along, d, "the position")?.values;
                match v[..] {
                    [v] => Ok(v),
                    _ => err("text() takes one x and one y"),
                }
            };
            (one(ax, true, &x)?, one(ax, false, &y)?)
        };
        ax.text(x, y, &s, opts);
        Ok(())
    })
}

/// Symmetric (`yerr: e`) or asymmetric (`yerr: [lower, upper]`) errors, `n` long.
fn errors(ax: &mut Axes, x: bool, d: &Dynamic, n: usize) -> RResult<(Vec<f64>, Vec<f64>)> {
    if let Some(a) = d.clone().try_cast::<Array>() {
        if a.len() == 2 && n != 2 && a.iter().all(|v| v.is_array() || v.is::<QuantityArray>()) {
            let lo = broadcast(ax, x, &a[0], n, "the lower errors")?;
            let hi = broadcast(ax, x, &a[1], n, "the upper errors")?;
            return Ok((lo, hi));
        }
    }
    // An error is a length on the axis: convert it without an offset.
    let e = broadcast(ax, x, d, n, "the errors")?;
    Ok((e.clone(), e))
}

fn errorbar(t: Tgt, x: Dynamic, y: Dynamic, o: Map) -> RResult<()> {
    let mut lo = Map::new();
    let (mut yerr, mut xerr, mut ecolor, mut capsize) = (None, None, None, 0.0);
    let mut elw = None;
    for (k, v) in &o {
        match k.as_str() {
            "yerr" => yerr = Some(v.clone()),
            "xerr" => xerr = Some(v.clone()),
            "ecolor" => ecolor = Some(color_of(v, "ecolor")?),
            "capsize" => capsize = to_quantity(v, "capsize")?.value,
            "elinewidth" => elw = Some(to_quantity(v, "elinewidth")?.value),
            "capthick" => {}
            _ => {
                lo.insert(k.clone(), v.clone());
            }
        }
    }
    let mut st = style_for(&lo, LINE_KEYS, "errorbar()")?;
    if let Some(w) = elw {
        st = st.with_linewidth(w);
    }
    let mut state = t.0.borrow_mut();
    let ax = axes_in(&mut state.figure, t.1)?;
    let yd = axis_data(ax, false, &y, "y")?;
    let xd = axis_data(ax, true, &x, "x")?;
    let n = xd.values.len();
    let yerr = yerr.map(|e| errors(ax, false, &e, n)).transpose()?;
    let xerr = xerr.map(|e| errors(ax, true, &e, n)).transpose()?;
    ax.errorbar(xd.values, yd.values, yerr, xerr, st, ecolor, capsize)
        .map_err(plot_err)?;
    label_axis(ax, true, xd.label);
    label_axis(ax, false, yd.label);
    Ok(())
}

fn fill_between(t: Tgt, x: Dynamic, y1: Dynamic, y2: Option<Dynamic>, o: Map) -> RResult<()> {
    super::network::check_keys(
        &o,
        &[
            "alpha",
            "color",
            "facecolor",
            "label",
            "linewidth",
            "lw",
            "edgecolor",
        ],
        "fill_between()",
    )?;
    let color = o
        .get("color")
        .or_else(|| o.get("facecolor"))
        .map(|c| color_of(c, "color"))
        .transpose()?;
    let alpha = o
        .get("alpha")
        .map(|a| to_quantity(a, "alpha").map(|q| q.value))
        .transpose()?;
    let label = o.get("label").map(|l| to_string(l, "label")).transpose()?;
    let mut state = t.0.borrow_mut();
    let ax = axes_in(&mut state.figure, t.1)?;
    let a = axis_data(ax, false, &y1, "y1")?;
    let xd = axis_data(ax, true, &x, "x")?;
    let n = xd.values.len();
    let b = match &y2 {
        Some(y2) => broadcast(ax, false, y2, n, "y2")?,
        None => vec![0.0; n],
    };
    let y1v = if a.values.len() == 1 {
        vec![a.values[0]; n]
    } else {
        a.values
    };
    ax.fill_between(xd.values, y1v, b, color, alpha, label)
        .map_err(plot_err)?;
    label_axis(ax, true, xd.label);
    label_axis(ax, false, a.label);
    Ok(())
}

fn legend(t: Tgt, labels: Option<Dynamic>, o: Map) -> RResult<()> {
    super::network::check_keys(
        &o,
        &["loc", "labels", "frameon", "fontsize", "numpoints", "ncol"],
        "legend()",
    )?;
    let loc = match o.get("loc") {
        Some(v) => {
            let text = if v.is_int() {
                v.to_string()
            } else {
                to_string(v, "loc")?
            };
            LegendLoc::parse(&text).ok_or_else(|| {
                format!("legend(): unknown loc '{text}'; use 'best', 'upper right', 'upper left', 'lower left', 'lower right', 'right', 'center left', 'center right', 'lower center', 'upper center' or 'center'")
            })?
        }
        None => LegendLoc::Best,
    };
    let labels = labels.or_else(|| o.get("labels").cloned());
    let labels = match labels {
        Some(l) => {
            let Some(a) = l.clone().try_cast::<Array>() else {
                return err(format!(
                    "legend() takes a list of labels, got {}",
                    describe(&l)
                ));
            };
            Some(
                a.iter()
                    .map(|s| to_string(s, "a legend label"))
                    .collect::<RResult<Vec<_>>>()?,
            )
        }
        None => None,
    };
    with_axes(t, |ax| {
        if let Some(l) = labels {
            ax.set_legend_labels(l);
        }
        ax.set_legend_loc(loc);
        ax.legend();
        Ok(())
    })
}

/// `axis("off")`, `axis("on")`, `axis("equal")`, `axis("scaled")`, `axis("tight")`,
/// `axis([x0, x1, y0, y1])`.
fn axis(t: Tgt, a: Dynamic) -> RResult<()> {
    if a.is_string() {
        let what = to_string(&a, "axis")?;
        return with_axes(t, |ax| {
            match what.as_str() {
                "off" => ax.set_axis_on(false),
                "on" => ax.set_axis_on(true),
                "equal" => ax.set_equal_datalim(true),
                "scaled" | "image" | "square" => ax.set_equal_aspect(true),
                "auto" | "normal" => {
                    ax.set_equal_datalim(false);
                    ax.set_equal_aspect(false);
                }
                "tight" => {
                    let ((x0, x1), (y0, y1)) = ax.data_limits();
                    ax.xlim(x0, x1);
                    ax.ylim(y0, y1);
                }
                other => {
                    return err(format!(
                        "axis('{other}'): use 'off', 'on', 'equal', 'scaled', 'tight', 'auto' or [xmin, xmax, ymin, ymax]"
                    ))
                }
            }
            Ok(())
        });
    }
    let v: Vec<Dynamic> = match a.clone().try_cast::<Array>() {
        Some(v) => v,
        None => match a.clone().try_cast::<QuantityArray>() {
            Some(q) => q
                .values
                .iter()
                .map(|&x| Dynamic::from(crate::units::Quantity::new(x, q.dim)))
                .collect(),
            None => {
                return err(format!(
                    "axis() takes a string or [xmin, xmax, ymin, ymax], got {}",
                    describe(&a)
                ))
            }
        },
    };
    let [x0, x1, y0, y1] = &v[..] else {
        return err(format!(
            "axis([xmin, xmax, ymin, ymax]) takes four limits, got {}",
            v.len()
        ));
    };
    set_lim(t, true, x0.clone(), x1.clone())?;
    set_lim(t, false, y0.clone(), y1.clone())
}

/// `ax.set(#{ xlabel, ylabel, title, xlim, ylim, xticks, yticks, xscale, yscale })`.
fn axes_set(t: Tgt, o: Map) -> RResult<()> {
    super::network::check_keys(
        &o,
        &[
            "xlabel",
            "ylabel",
            "title",
            "xlim",
            "ylim",
            "xticks",
            "yticks",
            "xscale",
            "yscale",
            "xticklabels",
            "yticklabels",
        ],
        "set()",
    )?;
    for (k, v) in &o {
        match k.as_str() {
            "title" => set_label(t, 0, &to_string(v, "title")?)?,
            "xlabel" => set_label(t, 1, &to_string(v, "xlabel")?)?,
            "ylabel" => set_label(t, 2, &to_string(v, "ylabel")?)?,
            "xlim" | "ylim" => {
                let (lo, hi) = two_values(v, k)?;
                set_lim(t, k == "xlim", lo, hi)?
            }
            "xticks" | "yticks" => {
                let x = k == "xticks";
                let labels = o
                    .get(if x { "xticklabels" } else { "yticklabels" })
                    .cloned();
                set_ticks(t, x, v.clone(), labels)?
            }
            "xscale" | "yscale" => {
                let scale = match to_string(v, k)?.as_str() {
                    "log" => Scale::Log,
                    "linear" => Scale::Linear,
                    other => return err(format!("set(): unknown {k} '{other}'")),
                };
                with_group(t, k == "xscale", |ax| {
                    ax.set_scale(k == "xscale", scale);
                    Ok(())
                })?
            }
            _ => {}
        }
    }
    if o.contains_key("xticklabels") && !o.contains_key("xticks")
        || o.contains_key("yticklabels") && !o.contains_key("yticks")
    {
        return err("set(): tick labels need their positions (xticks with xticklabels)");
    }
    Ok(())
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
fn plot_xy(t: Tgt, x: Option<Dynamic>, y: Dynamic, opts: Map) -> RResult<()> {
    let st = style(&opts)?;
    let mut state = t.0.borrow_mut();
    let ax = axes_in(&mut state.figure, t.1)?;
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

fn imshow(t: Tgt, m: Dynamic, opts: Map) -> RResult<()> {
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
    let mut st = t.0.borrow_mut();
    let ax = axes_in(&mut st.figure, t.1)?;
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

fn hist(t: Tgt, v: Dynamic, opts: Map) -> RResult<()> {
    super::network::check_keys(&opts, &["bins", "color", "alpha", "label"], "hist()")?;
    let color = opts
        .get("color")
        .map(|c| color_of(c, "color"))
        .transpose()?;
    let alpha = opts
        .get("alpha")
        .map(|a| to_quantity(a, "alpha").map(|q| q.value))
        .transpose()?;
    let label = opts
        .get("label")
        .map(|l| to_string(l, "label"))
        .transpose()?;
    let mut state = t.0.borrow_mut();
    let ax = axes_in(&mut state.figure, t.1)?;
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
    ax.style_last_hist(color, alpha, label);
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
