//! The Rhai binding layer: the only module (with `cli` and `bin`) that names rhai. It keeps
//! one simulation state per session, registers Brian's names (`api/`), resolves unit names
//! as variables, and takes a snapshot of the script's values whenever `run()` is called so
//! that equations can use them (Brian's namespace rule).

pub mod api;
pub mod convert;

use crate::network::{Network, Values};
use crate::plot::Figure;
use crate::units::{lookup, Quantity};
use rhai::debugger::{BreakPoint, DebuggerCommand};
use rhai::{Dynamic, Engine, EvalAltResult, Position, Scope, AST};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Everything a script session owns besides the Rhai engine.
pub struct SimState {
    pub net: Network,
    /// Values of the script's variables, as of the last call to `run()`.
    pub script_values: Values,
    /// Values given with `namespace: #{...}`.
    pub explicit_namespace: Values,
    pub figure: Figure,
    pub figures_written: Vec<PathBuf>,
    /// Where figures go and how they are named: `<stem>_fig<N>.png`.
    pub out_dir: PathBuf,
    pub stem: String,
    pub no_plots: bool,
    pub quiet: bool,
    pub counters: HashMap<String, usize>,
    /// Brian 1's consecutive subgroups: how much of each group has been handed out.
    pub subgroup_cursor: HashMap<(usize, usize), usize>,
    /// Summaries of each run, for the CLI and tests.
    pub log: Vec<String>,
    /// Parameter values given by a sweep (text, parsed by `param()`).
    pub params: HashMap<String, String>,
    /// Which of them the script asked for (a sweep parameter no script reads is an error).
    pub params_used: std::collections::HashSet<String>,
    /// What the script reported with `result()`, in order.
    pub results: Vec<(String, String)>,
    /// Inside a sweep run: results are collected, not printed.
    pub sweeping: bool,
    /// What the figure looked like when last saved by `savefig` (a fingerprint).
    saved_figure: Option<String>,
    /// The model text the last error points into, for the error report.
    pub last_snippet: Option<crate::network::Snippet>,
}

/// A cheap identity of a figure's content, to tell whether it changed since it was saved.
fn figure_fingerprint(f: &Figure) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{f:?}").hash(&mut h);
    format!("{:x}", h.finish())
}

pub type Shared = Rc<RefCell<SimState>>;

/// Prints a line on stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{text}");
}

impl SimState {
    pub fn new(out_dir: PathBuf, stem: String) -> SimState {
        SimState {
            net: Network::new(),
            script_values: Values::new(),
            explicit_namespace: Values::new(),
            figure: Figure::new(),
            figures_written: Vec::new(),
            out_dir,
            stem,
            no_plots: false,
            quiet: false,
            counters: HashMap::new(),
            subgroup_cursor: HashMap::new(),
            log: Vec::new(),
            params: HashMap::new(),
            params_used: Default::default(),
            results: Vec::new(),
            sweeping: false,
            saved_figure: None,
            last_snippet: None,
        }
    }

    /// The namespace models see: explicit entries win over the script's variables.
    pub fn namespace_values(&self) -> Values {
        let mut v = self.script_values.clone();
        v.extend(self.explicit_namespace.iter().map(|(k, q)| (k.clone(), *q)));
        v.timed_arrays
            .extend(self.explicit_namespace.timed_arrays.clone());
        v
    }

    pub fn set_dt(&mut self, dt: f64) -> convert::RResult<()> {
        self.net
            .set_default_dt(dt)
            .map_err(|e| e.to_string().into())
    }

    pub fn run(&mut self, duration: f64) -> convert::RResult<()> {
        let ns = self.namespace_values();
        let stats = match self.net.run(duration, &ns) {
            Ok(stats) => stats,
            Err(e) => {
                self.last_snippet = e.snippet(&self.net);
                return Err(e.to_string().into());
            }
        };
        let mut line = format!(
            "run: {} simulated in {:.3} s ({} steps), {} spikes",
            Quantity::new(duration, crate::units::Dimension::TIME),
            stats.seconds,
            stats.steps,
            stats.spikes
        );
        // Per-monitor rates for small scripts; a chain of ten monitors gets only the total.
        for m in self
            .net
            .spike_monitors
            .iter()
            .filter(|_| self.net.spike_monitors.len() <= 3)
        {
            let n = m.source.len.max(1);
            let t = self.net.t();
            if t > 0.0 {
                line.push_str(&format!(
                    "; {}: {} spikes, {:.2} Hz mean rate over {} neurons",
                    m.name,
                    m.num_spikes(),
                    m.num_spikes() as f64 / (n as f64 * t),
                    n
                ));
            }
        }
        if !self.quiet {
            say(&line);
        }
        self.log.push(line);
        Ok(())
    }

    pub fn new_figure(&mut self) {
        if !self.figure.is_empty() {
            // An unsaved figure is kept by writing it, as pyplot keeps it open for show().
            let _ = self.show();
        }
        self.figure = Figure::new();
    }

    pub fn resolve_output(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.out_dir.join(p)
        }
    }

    pub fn save_figure(&mut self, path: &Path) -> convert::RResult<()> {
        if self.no_plots {
            return Ok(());
        }
        self.figure
            .save(path)
            .map_err(|e| format!("could not write the figure {}: {e}", path.display()))?;
        say(&format!("wrote {}", path.display()));
        self.figures_written.push(path.to_path_buf());
        self.saved_figure = Some(figure_fingerprint(&self.figure));
        Ok(())
    }

    /// At the end of a script: a figure drawn but never shown is written, unless it was
    /// saved with `savefig` and not changed since.
    pub fn show_pending(&mut self) -> convert::RResult<()> {
        if self.saved_figure.as_deref() == Some(figure_fingerprint(&self.figure).as_str()) {
            return Ok(());
        }
        self.show()
    }

    /// Writes the pending figure as `<stem>_fig<N>.png` and starts a new one.
    pub fn show(&mut self) -> convert::RResult<()> {
        if self.figure.is_empty() {
            return Ok(());
        }
        let n = self.counters.entry("figure".into()).or_insert(0);
        *n += 1;
        let path = self.out_dir.join(format!("{}_fig{}.png", self.stem, n));
        let result = self.save_figure(&path);
        self.figure = Figure::new();
        self.saved_figure = None;
        result
    }
}

/// A script session: an engine with Brian's names, a scope that persists between
/// evaluations (the REPL), and the simulation state.
pub struct Session {
    pub engine: Engine,
    pub scope: Scope<'static>,
    pub state: Shared,
    /// Functions defined by earlier inputs (REPL), kept so later lines can call them.
    functions: AST,
}

/// Takes the script's numeric values from a scope into the simulation's namespace.
fn snapshot(scope: &Scope, state: &Shared) {
    let mut st = state.borrow_mut();
    for (name, _, value) in scope.iter_raw() {
        if let Some(q) = value.clone().try_cast::<Quantity>() {
            st.script_values.insert(name.to_string(), q);
        } else if let Ok(i) = value.as_int() {
            st.script_values
                .insert(name.to_string(), Quantity::dimensionless(i as f64));
        } else if let Ok(f) = value.as_float() {
            st.script_values
                .insert(name.to_string(), Quantity::dimensionless(f));
        } else if let Some(ta) = value
            .clone()
            .try_cast::<crate::network::namespace::TimedArray>()
        {
            st.script_values.timed_arrays.insert(name.to_string(), ta);
        }
    }
}

impl Session {
    pub fn new(out_dir: PathBuf, stem: String) -> Session {
        let state: Shared = Rc::new(RefCell::new(SimState::new(out_dir, stem)));
        let mut engine = Engine::new();
        engine.set_max_expr_depths(256, 256);
        // Unit names and `defaultclock` are variables everywhere, also inside `fn` bodies;
        // a script variable of the same name wins.
        let s = state.clone();
        #[allow(deprecated)]
        engine.on_var(move |name, _, ctx| {
            if let Some(v) = ctx.scope().get(name) {
                // `net.run(...)` is a method call, which the debugger's break points do not
                // see: reading a Network variable takes the namespace snapshot instead.
                if v.is::<api::explicit_network::NetworkHandle>() {
                    snapshot(ctx.scope(), &s);
                }
                return Ok(None);
            }
            if name == "defaultclock" {
                return Ok(Some(Dynamic::from(api::network::DefaultClock)));
            }
            Ok(lookup(name).map(Dynamic::from))
        });
        // Brian's namespace rule: values visible where run() is called feed the equations.
        let s = state.clone();
        #[allow(deprecated)]
        engine.register_debugger(
            |_, mut debugger| {
                for name in ["run", "rest", "NeuronGroup"] {
                    debugger
                        .break_points_mut()
                        .push(BreakPoint::AtFunctionName {
                            name: name.into(),
                            enabled: true,
                        });
                }
                debugger
            },
            move |ctx, _event, _node, _source, _pos| {
                snapshot(ctx.scope(), &s);
                Ok(DebuggerCommand::Continue)
            },
        );
        engine.on_print(say);
        api::units::register(&mut engine, &state);
        api::network::register(&mut engine, &state);
        api::network::register_timed_array(&mut engine);
        api::synapses::register(&mut engine, &state);
        api::explicit_network::register(&mut engine, &state);
        api::schedule::register(&mut engine, &state);
        api::sweep::register(&mut engine, &state);
        api::monitors::register(&mut engine, &state);
        api::plot::register(&mut engine, &state);
        api::io::register(&mut engine, &state);
        api::run_control::register(&mut engine, &state);
        Session {
            engine,
            scope: {
                // A variable, not a constant, so that `defaultclock.dt = ...` can set it.
                let mut scope = Scope::new();
                scope.push("defaultclock", api::network::DefaultClock);
                scope
            },
            state,
            functions: AST::empty(),
        }
    }

    /// Evaluates script text in the session's scope; functions it defines stay available.
    pub fn eval(&mut self, source: &str, name: Option<&str>) -> Result<Dynamic, ScriptError> {
        let mut ast = self
            .engine
            .compile_with_scope(&self.scope, source)
            .map_err(|e| ScriptError::from_parse(e, source))?;
        if let Some(n) = name {
            ast.set_source(n);
        }
        let merged = self.functions.merge(&ast);
        self.functions = merged.clone_functions_only();
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &merged);
        result.map_err(|e| {
            let mut err = ScriptError::from_eval(*e, source);
            err.snippet = self.state.borrow_mut().last_snippet.take();
            err
        })
    }
}

/// A script failure with its position (line and column, 1-based) and message.
#[derive(Debug, Clone)]
pub struct ScriptError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The equation or code line the error is in, when it is in one.
    pub snippet: Option<crate::network::Snippet>,
}

impl ScriptError {
    fn at(message: String, pos: Position) -> ScriptError {
        ScriptError {
            message,
            line: pos.line(),
            column: pos.position(),
            snippet: None,
        }
    }

    fn from_parse(e: rhai::ParseError, _source: &str) -> ScriptError {
        let pos = e.position();
        ScriptError::at(format!("syntax error: {}", e.err_type()), pos)
    }

    fn from_eval(e: EvalAltResult, _source: &str) -> ScriptError {
        let pos = e.position();
        let message = match &e {
            EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
            EvalAltResult::ErrorInFunctionCall(f, _, inner, _) => {
                let inner_msg = match &**inner {
                    EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
                    other => other.to_string(),
                };
                format!("in {f}(): {inner_msg}")
            }
            other => {
                let mut s = other.to_string();
                if let Some(k) = s.rfind(" (line ") {
                    s.truncate(k);
                }
                s
            }
        };
        ScriptError::at(message, pos)
    }

    /// `file:line:column: error: message`, the line, and a caret under the column.
    pub fn render(&self, file: &str, source: &str) -> String {
        let caret = |l: usize, c: usize, len: usize| {
            let text = source.lines().nth(l.saturating_sub(1)).unwrap_or("");
            format!(
                "{l:>5} | {text}\n      | {}{}",
                " ".repeat(c.saturating_sub(1)),
                "^".repeat(len.max(1))
            )
        };
        // An error inside an equation or code string: point at it in the script, and at
        // the call that found it.
        if let Some((l, c, len)) = self.snippet.as_ref().and_then(|s| find_snippet(source, s)) {
            let mut out = format!(
                "{file}:{l}:{c}: error: {}\n{}",
                self.message,
                caret(l, c, len)
            );
            if let Some(cl) = self.line {
                let cc = self.column.unwrap_or(1);
                out.push_str(&format!(
                    "\n{file}:{cl}:{cc}: note: found when running this\n{}",
                    caret(cl, cc, 1)
                ));
            }
            return out;
        }
        match (self.line, self.column) {
            (Some(l), col) => {
                let c = col.unwrap_or(1);
                format!(
                    "{file}:{l}:{c}: error: {}\n{}",
                    self.message,
                    caret(l, c, 1)
                )
            }
            _ => format!("{file}: error: {}", self.message),
        }
    }
}

/// The script line and column (1-based) of a model line, when the script contains it
/// exactly once (as a quoted string first, so that a short threshold like "v" is found
/// where it is written, not inside another word).
fn find_snippet(source: &str, s: &crate::network::Snippet) -> Option<(usize, usize, usize)> {
    let trimmed = s.line.trim();
    if trimmed.is_empty() {
        return None;
    }
    let lead = s.line.len() - s.line.trim_start().len();
    let quoted = [
        format!("\"{trimmed}\""),
        format!("`{trimmed}`"),
        format!("`{trimmed}"),
        trimmed.to_string(),
    ];
    for (k, needle) in quoted.iter().enumerate() {
        let shift = usize::from(k < 3);
        let mut found = source.lines().enumerate().flat_map(|(n, l)| {
            l.match_indices(needle.as_str())
                .map(move |(c, _)| (n + 1, c))
        });
        if let Some((line, col)) = found.next() {
            if found.next().is_none() {
                return Some((line, col + shift + s.column.saturating_sub(lead) + 1, s.len));
            }
        }
    }
    None
}
