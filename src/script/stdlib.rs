//! The Rhai modules shipped inside the binary (stdlib/*.rhai, `import "neurons" as nm;`),
//! the module resolver that serves them (other names are files relative to the importing
//! script, as Rhai's own file resolver finds them), and the Rust helpers the modules call:
//! the analysis kernels of `crate::analysis` over recorded spikes and rates, parameter
//! maps checked against the valid names, and values written into code strings.

use super::api::monitors::{RateMonitorHandle, SpikeMonitorHandle};
use super::convert::{err, to_quantity, RResult};
use super::{Shared, SimState};
use crate::analysis::{self, Window};
use crate::units::{Dimension, ElementKind, Quantity, QuantityArray};
use rhai::module_resolvers::FileModuleResolver;
use rhai::{
    Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Module, ModuleResolver, Position,
    Scope,
};

type SharedModule = rhai::Shared<Module>;
use std::cell::RefCell;
use std::collections::HashMap;

/// The stdlib modules: (name as imported, Rhai source).
const SOURCES: &[(&str, &str)] = &[
    ("neurons", include_str!("../../stdlib/neurons.rhai")),
    ("analysis", include_str!("../../stdlib/analysis.rhai")),
    ("plots", include_str!("../../stdlib/plots.rhai")),
];

/// The stdlib modules' names and sources, for `help()` (their `///` comments document
/// every function).
pub fn stdlib_sources() -> &'static [(&'static str, &'static str)] {
    SOURCES
}

/// Serves `import "neurons"` and the other stdlib modules from the binary (compiled once
/// per engine); any other name is a file relative to the importing script (`import
/// "mylib"` reads `mylib.rhai` beside it), as Rhai's default resolver does.
pub struct StdlibResolver {
    files: FileModuleResolver,
    cache: RefCell<HashMap<String, SharedModule>>,
}

impl StdlibResolver {
    pub fn new() -> StdlibResolver {
        StdlibResolver {
            files: FileModuleResolver::new(),
            cache: RefCell::new(HashMap::new()),
        }
    }

    fn stdlib(&self, engine: &Engine, name: &str, pos: Position) -> Option<RResult<SharedModule>> {
        let source = SOURCES.iter().find(|(n, _)| *n == name)?.1;
        if let Some(m) = self.cache.borrow().get(name) {
            return Some(Ok(m.clone()));
        }
        let in_module = |e: Box<EvalAltResult>| {
            Box::new(EvalAltResult::ErrorInModule(name.to_string(), e, pos))
        };
        let built = engine
            .compile(source)
            .map_err(|e| in_module(e.into()))
            .and_then(|mut ast| {
                ast.set_source(format!("stdlib/{name}.rhai"));
                Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(in_module)
            })
            .map(SharedModule::from);
        if let Ok(m) = &built {
            self.cache.borrow_mut().insert(name.to_string(), m.clone());
        }
        Some(built)
    }

    fn not_found(path: &str, pos: Position) -> Box<EvalAltResult> {
        let names: Vec<&str> = SOURCES.iter().map(|(n, _)| *n).collect();
        let hint = crate::expr::closest(path, names.iter().copied())
            .map(|h| format!(" (did you mean \"{h}\"?)"))
            .unwrap_or_default();
        Box::new(EvalAltResult::ErrorRuntime(
            format!(
                "no module \"{path}\"{hint}: it is not a stdlib module ({}) and there is no file {path}.rhai beside the script",
                names.join(", ")
            )
            .into(),
            pos,
        ))
    }
}

impl Default for StdlibResolver {
    fn default() -> Self {
        StdlibResolver::new()
    }
}

impl ModuleResolver for StdlibResolver {
    fn resolve_raw(
        &self,
        engine: &Engine,
        global: &mut rhai::GlobalRuntimeState,
        scope: &mut Scope,
        path: &str,
        pos: Position,
    ) -> RResult<SharedModule> {
        if let Some(m) = self.stdlib(engine, path, pos) {
            return m;
        }
        self.files
            .resolve_raw(engine, global, scope, path, pos)
            .map_err(|e| match *e {
                EvalAltResult::ErrorModuleNotFound(p, at) => Self::not_found(&p, at),
                other => Box::new(other),
            })
    }

    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> RResult<SharedModule> {
        if let Some(m) = self.stdlib(engine, path, pos) {
            return m;
        }
        self.files
            .resolve(engine, source, path, pos)
            .map_err(|e| match *e {
                EvalAltResult::ErrorModuleNotFound(p, at) => Self::not_found(&p, at),
                other => Box::new(other),
            })
    }
}

/// A spike monitor's recording window: `()` for the time it recorded (ending where its
/// last run ended), a time `T` for `[0, T)`, or `#{ start, end }` (either may be left
/// out: the recording's own).
fn spike_window(st: &SimState, m: &SpikeMonitorHandle, w: &Dynamic) -> RResult<Window> {
    let recorded = || -> RResult<Window> {
        let d = st.runs.recorded.get(&m.0).copied().unwrap_or(0.0);
        let end = st.runs.recorded_end.get(&m.0).copied().unwrap_or(0.0);
        if d <= 0.0 {
            return err(format!(
                "SpikeMonitor '{}' has not recorded yet: run the network first, or give the window (a duration or #{{ start, end }})",
                st.net.spike_monitors[m.0].name
            ));
        }
        Ok(Window {
            start: end - d,
            end,
        })
    };
    window_from(w, recorded)
}

fn window_from(w: &Dynamic, default: impl Fn() -> RResult<Window>) -> RResult<Window> {
    let time = |d: &Dynamic, what: &str| -> RResult<f64> {
        let q = to_quantity(d, what)?;
        q.in_dim(Dimension::TIME, what)
            .map_err(|e| e.to_string().into())
    };
    let out = if w.is_unit() {
        default()?
    } else if let Some(map) = w.read_lock::<Map>() {
        for k in map.keys() {
            if k != "start" && k != "end" {
                return err(format!(
                    "the window has no entry '{k}'; it takes start and end (times)"
                ));
            }
        }
        let (start, end) = match (map.get("start"), map.get("end")) {
            (Some(s), Some(e)) => (time(s, "the window's start")?, time(e, "the window's end")?),
            (s, e) => {
                let d = default()?;
                (
                    s.map(|s| time(s, "the window's start"))
                        .transpose()?
                        .unwrap_or(d.start),
                    e.map(|e| time(e, "the window's end"))
                        .transpose()?
                        .unwrap_or(d.end),
                )
            }
        };
        Window { start, end }
    } else {
        Window {
            start: 0.0,
            end: time(w, "the window (a duration or #{ start, end })")?,
        }
    };
    if !(out.end > out.start) {
        return err(format!(
            "the window from {} to {} is empty",
            Quantity::new(out.start, Dimension::TIME),
            Quantity::new(out.end, Dimension::TIME)
        ));
    }
    Ok(out)
}

fn bin_width(b: &Dynamic, w: Window) -> RResult<f64> {
    let q = to_quantity(b, "the bin width")?;
    let bin = q
        .in_dim(Dimension::TIME, "the bin width")
        .map_err(|e| -> Box<EvalAltResult> { e.to_string().into() })?;
    if !(bin > 0.0) {
        return err(format!("the bin width should be positive, got {q}"));
    }
    if w.bins(bin) == 0 {
        return err(format!(
            "the bin width {q} is longer than the window ({})",
            Quantity::new(w.duration(), Dimension::TIME)
        ));
    }
    Ok(bin)
}

fn times(v: Vec<f64>) -> QuantityArray {
    QuantityArray::new(v, Dimension::TIME)
}

fn hertz(v: Vec<f64>) -> QuantityArray {
    QuantityArray::new(v, Dimension::TIME.powf(-1.0))
}

fn ints(v: Vec<u64>) -> QuantityArray {
    QuantityArray::new(
        v.into_iter().map(|c| c as f64).collect(),
        Dimension::DIMENSIONLESS,
    )
    .with_kind(ElementKind::Int)
}

/// A monitor's data within its window: (neurons, indices, times, window).
fn with_spikes<T>(
    shared: &Shared,
    m: &SpikeMonitorHandle,
    w: &Dynamic,
    f: impl FnOnce(usize, &[u32], &[f64], Window) -> RResult<T>,
) -> RResult<T> {
    let st = shared.borrow();
    let window = spike_window(&st, m, w)?;
    let mon = super::api::monitors::recorded(&st.net.spike_monitors[m.0], "spike times")?;
    f(mon.source.len, mon.i.as_slice(), mon.t.as_slice(), window)
}

/// Merges `overrides` into `defaults`; a key that is not a default is an error naming it
/// and the valid ones.
fn merge_params(what: &str, defaults: Map, overrides: Map) -> RResult<Map> {
    let mut out = defaults;
    for (k, v) in overrides {
        let key = k.strip_prefix("__brian_").unwrap_or(&k).to_string();
        if !out.contains_key(key.as_str()) {
            let mut valid: Vec<String> = out.keys().map(|k| k.to_string()).collect();
            valid.sort();
            let hint = crate::expr::closest(&key, valid.iter().map(String::as_str))
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            return err(format!(
                "{what}: unknown parameter '{key}'{hint}; the valid ones are: {}",
                valid.join(", ")
            ));
        }
        out.insert(key.into(), v);
    }
    Ok(out)
}

/// `code` with every whole identifier that is a key of `values` replaced by the value as
/// code (its SI value times base units, exact to the last bit).
fn code_with_values(code: &str, values: &Map) -> RResult<String> {
    let mut out = String::with_capacity(code.len());
    let chars: Vec<char> = code.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        let starts = (c.is_alphabetic() || c == '_')
            && (k == 0
                || !(chars[k - 1].is_alphanumeric() || chars[k - 1] == '_' || chars[k - 1] == '.'));
        if !starts {
            out.push(c);
            k += 1;
            continue;
        }
        let mut e = k;
        while e < chars.len() && (chars[e].is_alphanumeric() || chars[e] == '_') {
            e += 1;
        }
        let word: String = chars[k..e].iter().collect();
        match values.get(word.as_str()) {
            Some(v) => out.push_str(&crate::equations::value_code(to_quantity(
                v,
                &format!("the value of '{word}'"),
            )?)),
            None => out.push_str(&word),
        }
        k = e;
    }
    Ok(out)
}

/// Registers the module resolver and the helpers the stdlib modules call (`__stdlib_*`,
/// not meant for scripts: the modules' functions are the documented surface).
pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.set_module_resolver(StdlibResolver::new());

    engine.register_fn(
        "__stdlib_params",
        |what: ImmutableString, defaults: Map, overrides: Map| {
            merge_params(&what, defaults, overrides)
        },
    );
    engine.register_fn("__stdlib_code", |code: ImmutableString, values: Map| {
        code_with_values(&code, &values)
    });
    engine.register_fn("__stdlib_value", |v: Dynamic| -> RResult<String> {
        Ok(crate::equations::value_code(to_quantity(&v, "the value")?))
    });

    let s = shared.clone();
    engine.register_fn(
        "__stdlib_window",
        move |m: SpikeMonitorHandle, w: Dynamic| -> RResult<Map> {
            let st = s.borrow();
            let w = spike_window(&st, &m, &w)?;
            let mut out = Map::new();
            out.insert(
                "start".into(),
                Dynamic::from(Quantity::new(w.start, Dimension::TIME)),
            );
            out.insert(
                "end".into(),
                Dynamic::from(Quantity::new(w.end, Dimension::TIME)),
            );
            Ok(out)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_firing_rates",
        move |m: SpikeMonitorHandle, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                Ok(hertz(analysis::firing_rates(n, i, t, w)))
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_intervals",
        move |m: SpikeMonitorHandle, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                Ok(times(analysis::intervals(n, i, t, w)))
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_cv_isi",
        move |m: SpikeMonitorHandle, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| Ok(analysis::cv_isi(n, i, t, w)))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_cv_per_neuron",
        move |m: SpikeMonitorHandle, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                let v = analysis::cv_per_neuron(n, i, t, w)
                    .into_iter()
                    .map(|c| c.unwrap_or(f64::NAN))
                    .collect();
                Ok(QuantityArray::new(v, Dimension::DIMENSIONLESS))
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_fano_factor",
        move |m: SpikeMonitorHandle, bin: Dynamic, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                let bin = bin_width(&bin, w)?;
                let c = analysis::binned_counts(n, i, t, w, bin);
                if c.first().map_or(0, Vec::len) < 2 {
                    return err("the Fano factor needs at least two bins in the window");
                }
                Ok(analysis::fano_factor(&c))
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_correlation",
        move |m: SpikeMonitorHandle, bin: Dynamic, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                let bin = bin_width(&bin, w)?;
                let c = analysis::binned_counts(n, i, t, w, bin);
                if c.first().map_or(0, Vec::len) < 2 {
                    return err("a spike count correlation needs at least two bins in the window");
                }
                Ok(analysis::mean_correlation(&c))
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_correlation_matrix",
        move |m: SpikeMonitorHandle, bin: Dynamic, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                let bin = bin_width(&bin, w)?;
                let c = analysis::binned_counts(n, i, t, w, bin);
                Ok(analysis::correlation_matrix(&c)
                    .into_iter()
                    .map(|row| Dynamic::from(QuantityArray::new(row, Dimension::DIMENSIONLESS)))
                    .collect::<Array>())
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_psth",
        move |m: SpikeMonitorHandle, bin: Dynamic, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, _, t, w| {
                let bin = bin_width(&bin, w)?;
                let c = analysis::psth_counts(t, w, bin);
                let edges = (0..c.len()).map(|k| w.start + k as f64 * bin).collect();
                let rate = c
                    .iter()
                    .map(|&c| c as f64 / (bin * n.max(1) as f64))
                    .collect();
                let mut out = Map::new();
                out.insert("t".into(), Dynamic::from(times(edges)));
                out.insert("count".into(), Dynamic::from(ints(c)));
                out.insert("rate".into(), Dynamic::from(hertz(rate)));
                Ok(out)
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_isi_histogram",
        move |m: SpikeMonitorHandle, bins: Dynamic, w: Dynamic| {
            with_spikes(&s, &m, &w, |n, i, t, w| {
                let isi = analysis::intervals(n, i, t, w);
                let top = isi.iter().copied().fold(0.0, f64::max);
                let edges: Vec<f64> = if let Ok(k) = bins.as_int() {
                    if k < 1 {
                        return err(format!("the number of bins should be positive, got {k}"));
                    }
                    let top = if top > 0.0 { top } else { 1e-3 };
                    (0..=k).map(|j| top * j as f64 / k as f64).collect()
                } else {
                    let q = to_quantity(&bins, "the bins (a number of bins or a bin width)")?;
                    let width = q
                        .in_dim(Dimension::TIME, "the bin width")
                        .map_err(|e| -> Box<EvalAltResult> { e.to_string().into() })?;
                    if !(width > 0.0) {
                        return err(format!("the bin width should be positive, got {q}"));
                    }
                    let k = ((top / width).floor() as usize + 1).max(1);
                    (0..=k).map(|j| j as f64 * width).collect()
                };
                let count = analysis::histogram(&isi, &edges);
                let mut out = Map::new();
                out.insert("edges".into(), Dynamic::from(times(edges)));
                out.insert("count".into(), Dynamic::from(ints(count)));
                Ok(out)
            })
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "__stdlib_spectrum",
        move |r: RateMonitorHandle, w: Dynamic| -> RResult<Map> {
            let st = s.borrow();
            let mon = &st.net.rate_monitors[r.0];
            let (t, rate) = (mon.t.as_slice(), mon.rate.as_slice());
            if t.len() < 2 {
                return err(format!(
                    "PopulationRateMonitor '{}' has fewer than two samples: run the network first",
                    mon.name
                ));
            }
            let dt = (t[t.len() - 1] - t[0]) / (t.len() - 1) as f64;
            let all = Window {
                start: t[0],
                end: t[t.len() - 1] + dt,
            };
            let w = window_from(&w, || Ok(all))?;
            let x: Vec<f64> = t
                .iter()
                .zip(rate)
                .filter(|(t, _)| **t >= w.start - 1e-3 * dt && **t < w.end - 1e-3 * dt)
                .map(|(_, r)| *r)
                .collect();
            if x.len() < 2 {
                return err("the window holds fewer than two samples of the rate");
            }
            let (f, p) = analysis::periodogram(&x, dt);
            let peak = analysis::peak_frequency(&f, &p);
            let mut out = Map::new();
            out.insert("frequency".into(), Dynamic::from(hertz(f)));
            out.insert("power".into(), Dynamic::from(hertz(p)));
            out.insert(
                "peak".into(),
                Dynamic::from(Quantity::new(peak, Dimension::TIME.powf(-1.0))),
            );
            Ok(out)
        },
    );
}

/// After an evaluation (a REPL line, a script): the modules its top-level `import "x" as
/// y;` statements imported stay available as `y::...` to later evaluations of the
/// session (Rhai keeps imports only for the evaluation that made them).
pub fn keep_imports(engine: &mut Engine, ast: &rhai::AST) {
    let source = ast.source().map(str::to_string);
    for stmt in ast.statements() {
        let rhai::Stmt::Import(x, pos) = stmt else {
            continue;
        };
        let (rhai::Expr::StringConstant(path, _), alias) = (&x.0, &x.1) else {
            continue;
        };
        if alias.name.is_empty() {
            continue;
        }
        let resolved = engine
            .module_resolver()
            .resolve(engine, source.as_deref(), path, *pos);
        if let Ok(module) = resolved {
            engine.register_static_module(alias.name.as_str(), module);
        }
    }
}
