//! The Rhai binding layer: the only module (with `cli` and `bin`) that names rhai. It keeps
//! one simulation state per session, registers Brian's names (`api/`), resolves unit names
//! as variables, and takes a snapshot of the calling scope's values wherever model code is
//! compiled or evaluated (Brian's namespace rule): at `run()` and friends (custom syntax,
//! which sees the caller's scope) and whenever a variable holding a Brian object is read
//! (its methods and setters compile code).

pub mod api;
pub mod convert;
pub mod magic;
mod run;
pub mod stdlib;
pub use run::run_members;

use crate::network::{Network, Values};
use crate::plot::Figure;
use crate::units::{lookup, Quantity};
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position, Scope, Token, AST};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Everything a script session owns besides the Rhai engine.
pub struct SimState {
    pub net: Network,
    /// Values of the variables of the scope that last called into Brian (`run()`, or
    /// reading a variable holding a Brian object), replaced at each such call.
    pub script_values: Values,
    /// Which network each object has run in; the magic network's time.
    pub runs: magic::Runs,
    /// Values given with `namespace: #{...}`.
    pub figure: Figure,
    pub figures_written: Vec<PathBuf>,
    /// Where figures go and how they are named: `<stem>_fig<N>.png`.
    pub out_dir: PathBuf,
    pub stem: String,
    pub no_plots: bool,
    pub quiet: bool,
    /// Whether the note that devices change nothing was printed (api/device.rs).
    pub device_noted: bool,
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
    /// The closures of the core's network operations, by index.
    pub network_operations: Vec<api::network_operation::ScriptOperation>,
    /// During a run: the time of the current step (as a network operation sees it) and
    /// the id of the network running.
    pub running: Option<(f64, u64)>,
    /// A network operation called `stop()`.
    pub stop_requested: bool,
    /// Seconds per code object of each network's last run, if it was profiled.
    pub profiles: HashMap<u64, Vec<(String, f64)>>,
}

/// A cheap identity of a figure's content, to tell whether it changed since it was saved.
fn figure_fingerprint(f: &Figure) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{f:?}").hash(&mut h);
    format!("{:x}", h.finish())
}

pub type Shared = Rc<RefCell<SimState>>;

/// Prints a warning on stderr.
pub fn warn(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "warning: {text}");
}

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
            runs: magic::Runs::new(),
            figure: Figure::new(),
            figures_written: Vec::new(),
            out_dir,
            stem,
            no_plots: false,
            quiet: false,
            device_noted: false,
            counters: HashMap::new(),
            subgroup_cursor: HashMap::new(),
            log: Vec::new(),
            params: HashMap::new(),
            params_used: Default::default(),
            results: Vec::new(),
            sweeping: false,
            saved_figure: None,
            last_snippet: None,
            network_operations: Vec::new(),
            running: None,
            stop_requested: false,
            profiles: HashMap::new(),
        }
    }

    /// The names code strings of group `group` see: its own `namespace:` over the
    /// script's variables.
    pub fn group_namespace(&self, group: usize) -> Values {
        let v = self.namespace_values();
        match self.net.groups.get(group) {
            Some(crate::network::Group::Neurons(ng)) => {
                v.overlaid(ng.spec.namespace.as_ref()).into_owned()
            }
            _ => v,
        }
    }

    /// The names code strings of Synapses `index` see: its own `namespace:` over the
    /// script's variables.
    pub fn synapses_namespace(&self, index: usize) -> Values {
        let v = self.namespace_values();
        match self.net.synapses.get(index) {
            Some(s) => v.overlaid(s.spec.namespace.as_ref()).into_owned(),
            None => v,
        }
    }

    /// The namespace models see: the script's variables (an object's own `namespace:`
    /// entries are laid over these for that object, see `Values::overlaid`).
    pub fn namespace_values(&self) -> Values {
        self.script_values.clone()
    }

    /// Sets the default clock's dt; the magic network's time must be a multiple of it.
    pub fn set_dt(&mut self, dt: f64) -> convert::RResult<()> {
        self.not_running("setting dt")?;
        self.net.set_t(self.runs.magic_t);
        self.net
            .set_default_dt(dt)
            .map_err(|e| e.to_string().into())
    }

    /// Brian 1's `reinit()`: the magic network back to time 0, recorded data emptied.
    pub fn reinit(&mut self) {
        self.net.reinit();
        self.runs.magic_t = 0.0;
        self.runs.recorded.clear();
        self.runs.recorded_end.clear();
    }

    /// `store()` of the magic network: its objects are collected as for `run()`.
    pub fn magic_store(
        &mut self,
        name: &str,
        file: Option<&str>,
        collected: &[magic::ObjectId],
    ) -> convert::RResult<()> {
        magic::plan_magic(self, collected)?;
        self.net.set_t(self.runs.magic_t);
        self.store(name, file)
    }

    /// `restore()` of the magic network: its state and time as stored.
    pub fn magic_restore(
        &mut self,
        name: &str,
        file: Option<&str>,
        random: bool,
        collected: &[magic::ObjectId],
    ) -> convert::RResult<()> {
        magic::plan_magic(self, collected)?;
        self.net.set_t(self.runs.magic_t);
        let out = self.restore(name, file, random);
        self.runs.magic_t = self.net.t();
        out
    }

    /// Stores the core's state (at the core's current time) under `name`, in memory or
    /// in `file` (with the time each SpikeMonitor has recorded).
    pub fn store(&mut self, name: &str, file: Option<&str>) -> convert::RResult<()> {
        self.not_running("store()")?;
        let Some(file) = file else {
            self.net.store(name);
            self.runs.remember_recorded(name);
            return Ok(());
        };
        let recorded = (0..self.net.spike_monitors.len())
            .map(|k| self.runs.recorded.get(&k).copied().unwrap_or(0.0))
            .collect();
        let end = (0..self.net.spike_monitors.len())
            .map(|k| self.runs.recorded_end.get(&k).copied().unwrap_or(0.0))
            .collect();
        let extra = [
            (RECORDED_KEY.to_string(), recorded),
            (RECORDED_END_KEY.to_string(), end),
        ]
        .into();
        self.net
            .store_to_file(name, std::path::Path::new(file), extra)
            .map_err(|e| e.to_string().into())
    }

    /// Restores the core's state stored under `name`, in memory or in `file`.
    pub fn restore(
        &mut self,
        name: &str,
        file: Option<&str>,
        random: bool,
    ) -> convert::RResult<()> {
        self.not_running("restore()")?;
        let Some(file) = file else {
            self.net
                .restore(name, random)
                .map_err(|e| -> Box<EvalAltResult> { e.to_string().into() })?;
            self.runs.recall_recorded(name);
            return Ok(());
        };
        let extra = self
            .net
            .restore_from_file(name, std::path::Path::new(file), random)
            .map_err(|e| -> Box<EvalAltResult> { e.to_string().into() })?;
        let recorded = extra.get(RECORDED_KEY).cloned().unwrap_or_default();
        self.runs.recorded = recorded.into_iter().enumerate().collect();
        let end = extra.get(RECORDED_END_KEY).cloned().unwrap_or_default();
        self.runs.recorded_end = end.into_iter().enumerate().collect();
        Ok(())
    }

    /// Brian 2's `scheduling_summary()` of a set of objects: their operations in the
    /// order the next run takes them.
    pub fn summary_of(
        &mut self,
        objects: &std::collections::BTreeSet<magic::ObjectId>,
    ) -> convert::RResult<String> {
        let flags = magic::flags_of(&self.net, objects);
        self.net.members = crate::network::Members { only: Some(flags) };
        let ns = self.namespace_values();
        let out = self.net.summary(&ns);
        self.net.members = crate::network::Members::default();
        out.map_err(|e| e.to_string().into())
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
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "could not make the folder {} for figures: {e}",
                    dir.display()
                )
            })?;
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

/// Takes the numeric values (and TimedArrays) of a scope as the script's values, in place
/// of the previous ones: names are resolved from the scope that calls into Brian, as it is
/// at the moment of the call (Brian 2's frame).
fn snapshot(scope: &Scope, state: &Shared) {
    let mut values = Values::new();
    for (name, _, value) in scope.iter_raw() {
        let q = if let Some(q) = value.read_lock::<Quantity>() {
            Some(*q)
        } else if let Ok(i) = value.as_int() {
            Some(Quantity::dimensionless(i as f64))
        } else if let Ok(f) = value.as_float() {
            Some(Quantity::dimensionless(f))
        } else {
            None
        };
        // A later variable of the same name hides an earlier one, whatever it holds.
        values.remove(name);
        values.timed_arrays.remove(name);
        if let Some(q) = q {
            values.insert(name.to_string(), q);
        } else if let Some(ta) = value.read_lock::<crate::network::namespace::TimedArray>() {
            values.timed_arrays.insert(name.to_string(), ta.clone());
        }
    }
    // A weight closure run by a native function may read a Brian object while the state
    // is borrowed: the snapshot of the outer call stays.
    if let Ok(mut st) = state.try_borrow_mut() {
        st.script_values = values;
    }
}

/// The time each SpikeMonitor has recorded, kept in a store file beside the state.
const RECORDED_KEY: &str = "script: spike monitors' recorded seconds";
/// The time each SpikeMonitor's last run ended (the end of its recording window).
const RECORDED_END_KEY: &str = "script: spike monitors' recording end";

/// Plain functions that need the calling scope (Brian 2's frame): the token mapper turns
/// `run(...)` (not `x.run(...)`) into the custom syntax `__brian_run(...)`, whose callback
/// sees the scope.
const FRAME_FUNCTIONS: &[&str] = &[
    "run",
    "collect",
    "store",
    "restore",
    "start_scope",
    "scheduling_summary",
];

fn hidden_key(name: &str) -> String {
    format!("__brian_{name}")
}

/// The parser of `name(a, b, ...)` as custom syntax: any number of expressions. The
/// position of the name (seen by the token mapper just before) is kept in the state, for
/// errors.
fn parse_call(
    symbols: &[ImmutableString],
    look_ahead: &str,
    state: &mut Dynamic,
    name_pos: Position,
) -> Result<Option<ImmutableString>, rhai::ParseError> {
    if symbols.len() == 1 {
        // Kept as numbers: Rhai hashes the state when the call is inside a closure.
        let (line, col) = (name_pos.line(), name_pos.position());
        *state = Dynamic::from_array(vec![
            Dynamic::from(line.unwrap_or(0) as rhai::INT),
            Dynamic::from(col.unwrap_or(0) as rhai::INT),
        ]);
    }
    // `()` is one token.
    let next = match symbols.last().map(|s| s.as_str()) {
        _ if symbols.len() == 1 && look_ahead == "()" => "()",
        _ if symbols.len() == 1 => "(",
        Some("(") | Some(",") if look_ahead == ")" => ")",
        Some("(") | Some(",") => "$expr$",
        Some("$expr$") if look_ahead == "," => ",",
        Some("$expr$") => ")",
        _ => return Ok(None),
    };
    Ok(Some(next.into()))
}

/// The position [`parse_call`] kept as `[line, column]`.
fn position_of(state: &Dynamic) -> Position {
    let n = |k: usize| {
        state
            .read_lock::<rhai::Array>()
            .and_then(|a| a.get(k).and_then(|v| v.as_int().ok()))
            .unwrap_or(0)
    };
    match (n(0), n(1)) {
        (0, _) => Position::NONE,
        (line, col) => Position::new(line as u16, col as u16),
    }
}

/// What the frame functions do with the arguments and the objects of the calling scope.
fn frame_call(
    shared: &Shared,
    engine: &Engine,
    name: &str,
    args: Vec<Dynamic>,
    scope: &Scope,
) -> convert::RResult<Dynamic> {
    use api::explicit_network::{self as en, NetworkHandle};
    let collected = || {
        let st = shared.borrow();
        magic::collect(scope, &st)
    };
    let ids = || {
        collected()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>()
    };
    let text = |v: &Dynamic, what: &str| convert::to_string(v, what);
    let no_more = |k: usize| -> convert::RResult<()> {
        if args.len() > k {
            return convert::err(format!(
                "{name}() takes at most {k} argument{}, got {}",
                if k == 1 { "" } else { "s" },
                args.len()
            ));
        }
        Ok(())
    };
    // `run(net, d)`, `store(net)`...: the method of an explicit network.
    if let Some(net) = args
        .first()
        .and_then(|a| a.clone().try_cast::<NetworkHandle>())
    {
        let rest = &args[1..];
        return match name {
            "run" if rest.len() <= 2 && !rest.is_empty() => {
                en::run(shared, engine, &net, rest[0].clone(), rest.get(1).cloned())
                    .map(|_| Dynamic::UNIT)
            }
            "scheduling_summary" if rest.is_empty() => en::summary(shared, &net).map(Dynamic::from),
            "store" if rest.len() <= 2 => {
                let n = rest.first().map(|v| text(v, "the name")).transpose()?;
                let f = rest.get(1).map(|v| text(v, "the file name")).transpose()?;
                en::store(
                    shared,
                    &net,
                    n.as_deref().unwrap_or("default"),
                    f.as_deref(),
                )
                .map(|_| Dynamic::UNIT)
            }
            "restore" if rest.len() <= 3 => {
                let n = rest.first().map(|v| text(v, "the name")).transpose()?;
                let (f, o) = restore_file_and_options(&rest[rest.len().min(1)..])?;
                en::restore(
                    shared,
                    &net,
                    n.as_deref().unwrap_or("default"),
                    f.as_deref(),
                    o,
                )
                .map(|_| Dynamic::UNIT)
            }
            _ => convert::err(format!(
                "{name}() does not take a Network and these arguments"
            )),
        };
    }
    match name {
        "run" => {
            if args.is_empty() || args.len() > 2 {
                return convert::err(format!(
                    "run() takes the duration and an options map, got {} arguments",
                    args.len()
                ));
            }
            let d = convert::to_si(
                &args[0],
                crate::units::Dimension::TIME,
                "the duration of run()",
            )?;
            let opts = api::run_report::options_arg(args.get(1))?;
            let ids = ids();
            run::magic_run(shared, engine, d, &ids, opts)?;
            Ok(Dynamic::UNIT)
        }
        "collect" => {
            no_more(0)?;
            Ok(Dynamic::from_array(
                collected().into_iter().map(|(_, h)| h).collect(),
            ))
        }
        "scheduling_summary" => {
            no_more(0)?;
            let ids: std::collections::BTreeSet<_> = ids().into_iter().collect();
            shared.borrow_mut().summary_of(&ids).map(Dynamic::from)
        }
        "start_scope" => {
            no_more(0)?;
            let mut st = shared.borrow_mut();
            let SimState { runs, net, .. } = &mut *st;
            runs.start_scope(net);
            Ok(Dynamic::UNIT)
        }
        "store" => {
            no_more(2)?;
            let n = args.first().map(|v| text(v, "the name")).transpose()?;
            let f = args.get(1).map(|v| text(v, "the file name")).transpose()?;
            let ids = ids();
            shared.borrow_mut().magic_store(
                n.as_deref().unwrap_or("default"),
                f.as_deref(),
                &ids,
            )?;
            Ok(Dynamic::UNIT)
        }
        "restore" => {
            no_more(3)?;
            let n = args.first().map(|v| text(v, "the name")).transpose()?;
            let (f, o) = restore_file_and_options(&args[args.len().min(1)..])?;
            let random = en::restore_random_state(&o)?;
            let ids = ids();
            shared.borrow_mut().magic_restore(
                n.as_deref().unwrap_or("default"),
                f.as_deref(),
                random,
                &ids,
            )?;
            Ok(Dynamic::UNIT)
        }
        _ => convert::err(format!("unknown function {name}()")),
    }
}

/// `restore(name, [filename], [#{restore_random_state: ...}])`: the arguments after the
/// name.
fn restore_file_and_options(rest: &[Dynamic]) -> convert::RResult<(Option<String>, rhai::Map)> {
    let (file, opts) = match rest {
        [] => (None, None),
        [a] if a.is_map() => (None, Some(a)),
        [a] => (Some(a), None),
        [a, b] => (Some(a), Some(b)),
        _ => return convert::err("restore() takes a name, a file name and options"),
    };
    let file = file
        .map(|v| convert::to_string(v, "restore's file name"))
        .transpose()?;
    let opts = match opts {
        Some(m) => m
            .clone()
            .try_cast::<rhai::Map>()
            .ok_or("restore's options should be a map")?,
        None => rhai::Map::new(),
    };
    Ok((file, opts))
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
                // A Brian object's methods and setters (`G.v = "..."`, `S.connect(...)`,
                // `net.run(...)`) compile code with the names of the scope they are
                // called from: reading the object's variable takes the snapshot.
                if magic::is_entry_value(v) {
                    snapshot(ctx.scope(), &s);
                }
                return Ok(None);
            }
            if name == "defaultclock" {
                return Ok(Some(Dynamic::from(api::network::DefaultClock)));
            }
            if name == "device" {
                return Ok(Some(Dynamic::from(api::device::Device)));
            }
            if name == "plt" {
                return Ok(Some(Dynamic::from(api::plot::Pyplot)));
            }
            // Brian 2's constants (`from brian2 import *` brings NumPy's).
            let constant = match name {
                "pi" => Some(std::f64::consts::PI),
                "e" => Some(std::f64::consts::E),
                "inf" => Some(f64::INFINITY),
                "nan" => Some(f64::NAN),
                _ => None,
            };
            if let Some(c) = constant {
                return Ok(Some(Dynamic::from(c)));
            }
            // Brian 2's physical constants (`from brian2.units.constants import *`).
            Ok(lookup(name)
                .or_else(|| crate::units::physical_constant(name))
                .map(Dynamic::from))
        });
        // `run(...)` and the other frame functions become custom syntax, which sees the
        // calling scope; `x.run(...)` stays a method call.
        let after_dot = std::cell::Cell::new(false);
        let name_pos = Rc::new(std::cell::Cell::new(Position::NONE));
        let np = name_pos.clone();
        // Rhai reads `-x**2` as `(-x)**2`, Python as `-(x**2)`: warn where a script writes
        // a unary minus, one name or number, then `**`.
        let minus = std::cell::Cell::new((0u8, Position::NONE));
        #[allow(deprecated)]
        engine.on_parse_token(move |token, pos, _| {
            let number = matches!(token, Token::IntegerConstant(_) | Token::FloatConstant(_));
            minus.set(match (minus.get(), &token) {
                ((2, at), Token::PowerOf) => {
                    warn(&format!(
                        "line {}, column {}: Rhai reads -x**y as (-x)**y (Python and Brian \
                         2: -(x**y)); write -(x**y) or (-x)**y to say which",
                        at.line().unwrap_or(0),
                        at.position().unwrap_or(0)
                    ));
                    (0, Position::NONE)
                }
                ((1, at), Token::Identifier(_)) => (2, at),
                ((1, at), _) if number => (2, at),
                (_, Token::UnaryMinus) => (1, pos),
                _ if number && format!("{token:?}").contains("(-") => (2, pos),
                _ => (0, Position::NONE),
            });
            let keep = after_dot.replace(matches!(
                token,
                Token::Period | Token::Elvis | Token::Fn | Token::Let | Token::Const
            ));
            match &token {
                Token::Identifier(id) if !keep && FRAME_FUNCTIONS.contains(&id.as_str()) => {
                    np.set(pos);
                    Token::Identifier(Box::new(hidden_key(id).into()))
                }
                _ => token,
            }
        });
        for &name in FRAME_FUNCTIONS {
            let s = state.clone();
            let np = name_pos.clone();
            engine.register_custom_syntax_with_state_raw(
                hidden_key(name),
                move |symbols, look_ahead, st| parse_call(symbols, look_ahead, st, np.get()),
                false,
                move |ctx, inputs, pos| {
                    let args = inputs
                        .iter()
                        .map(|e| ctx.eval_expression_tree(e))
                        .collect::<Result<Vec<_>, _>>()?;
                    snapshot(ctx.scope(), &s);
                    frame_call(&s, ctx.engine(), name, args, ctx.scope()).map_err(|mut e| {
                        if e.position().is_none() {
                            e.set_position(position_of(pos));
                        }
                        e
                    })
                },
            );
        }
        engine.on_print(say);
        // Ctrl-C (the CLI's handler sets the flag) stops script code between runs too, as
        // a long loop in the REPL; inside a run the loop stops at the end of the step.
        engine.on_progress(|_| {
            use std::sync::atomic::Ordering;
            let run_report = &api::run_report::INTERRUPT;
            (run_report.load(Ordering::Relaxed) && !api::run_report::IN_RUN.load(Ordering::Relaxed))
                .then(|| Dynamic::from(api::run_report::INTERRUPTED))
        });
        api::units::register(&mut engine, &state);
        api::arrays::register(&mut engine, &state);
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
        api::network_operation::register(&mut engine, &state);
        api::profiling::register(&mut engine, &state);
        api::device::register(&mut engine, &state);
        stdlib::register(&mut engine, &state);
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
        stdlib::keep_imports(&mut self.engine, &ast);
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
