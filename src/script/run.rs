//! A run from a script: the magic network's or an explicit network's members, driven
//! through the core's pausable loop so that network operations (script closures) run
//! with the state released, then reported (summary line, progress, profiling).

use super::api::network_operation::ScriptOperation;
use super::api::run_report::{RunOptions, RunReporter, INTERRUPTED};
use super::convert::{self, RResult};
use super::{magic, say, warn, Shared, SimState};
use crate::network::{MemberFlags, Members, NetworkError, Pause, RunState, RunStats};
use crate::units::{Dimension, Quantity};
use rhai::{Engine, EvalAltResult};

/// What a run in progress needs besides the core's state.
pub struct ScriptRun {
    core: RunState,
    report: RunReporter,
    t0: f64,
    duration: f64,
    started: std::time::Instant,
    /// A network operation called `stop()`.
    stopped_by_script: bool,
    /// The network running.
    id: u64,
}

/// Why a run ended early.
enum Failure {
    Network(Box<NetworkError>),
    Script(Box<EvalAltResult>),
}

/// Brian 2's `run()`: the objects collected from the calling scope, from the magic
/// network's time (0 when they are all new).
pub fn magic_run(
    shared: &Shared,
    engine: &Engine,
    duration: f64,
    collected: &[magic::ObjectId],
    opts: RunOptions,
) -> RResult<()> {
    let (flags, id) = {
        let mut st = shared.borrow_mut();
        st.not_running("run()")?;
        let plan = magic::plan_magic(&mut st, collected)?;
        if plan.empty {
            warn("run(): no Brian object is held by a variable of this scope; nothing was simulated (as in Brian 2)");
            return Ok(());
        }
        let t = st.runs.magic_t;
        st.net.set_t(t);
        (plan.flags, plan.id)
    };
    let out = run_members(shared, engine, duration, flags, id, opts);
    let mut st = shared.borrow_mut();
    st.runs.magic_t = st.net.t();
    out
}

/// Runs the objects flagged in `members` (of network `id`) for `duration` from the
/// core's current time.
pub fn run_members(
    shared: &Shared,
    engine: &Engine,
    duration: f64,
    members: MemberFlags,
    id: u64,
    opts: RunOptions,
) -> RResult<()> {
    shared.borrow_mut().net.members = Members {
        only: Some(members),
    };
    let out = drive(shared, engine, duration, id, opts);
    shared.borrow_mut().net.members = Members::default();
    out
}

/// The loop of a script's run: the core runs until a network operation is due, the
/// closure runs with nothing borrowed, and the core resumes.
fn drive(
    shared: &Shared,
    engine: &Engine,
    duration: f64,
    id: u64,
    opts: RunOptions,
) -> RResult<()> {
    let mut run = shared.borrow_mut().begin(duration, id, opts)?;
    let ended = loop {
        let pause = {
            let mut st = shared.borrow_mut();
            let ScriptRun { core, report, .. } = &mut run;
            st.net.resume(core, &mut |p| report.on_step(p))
        };
        match pause {
            Err(e) => break Err(Failure::Network(Box::new(e))),
            Ok(Pause::Done) => break Ok(()),
            Ok(Pause::Operation { index, t }) => {
                let op: ScriptOperation = {
                    let mut st = shared.borrow_mut();
                    st.running = Some((t, id));
                    st.network_operations[index].clone()
                };
                if let Err(e) = op.call(engine, t) {
                    break Err(Failure::Script(explain(e)));
                }
                let mut st = shared.borrow_mut();
                if std::mem::take(&mut st.stop_requested) {
                    run.core.stop();
                    run.stopped_by_script = true;
                }
            }
        }
    };
    shared.borrow_mut().end(run, ended)
}

/// Rhai's "data race" inside a network operation: the closure read a variable the call
/// running it holds (`net.run(T)` holds `net`).
fn explain(e: Box<EvalAltResult>) -> Box<EvalAltResult> {
    fn inner(e: &EvalAltResult) -> Option<&EvalAltResult> {
        match e {
            EvalAltResult::ErrorInFunctionCall(_, _, e, _) => inner(e).or(Some(e)),
            _ => None,
        }
    }
    let race = |e: &EvalAltResult| matches!(e, EvalAltResult::ErrorDataRace(..));
    if race(&e) || inner(&e).is_some_and(race) {
        let pos = e.position();
        return Box::new(EvalAltResult::ErrorRuntime(
            "a network operation read a variable that the call running it holds: `net.run(T)` holds `net` for the run, so read `t` (the closure's argument) or `defaultclock.t`, or write `run(net, T)`".into(),
            pos,
        ));
    }
    e
}

impl SimState {
    /// An error if a run is in progress (a network operation calling what only works
    /// between runs).
    pub fn not_running(&self, what: &str) -> RResult<()> {
        if self.running.is_some() {
            return convert::err(format!(
                "{what} cannot be called during a run (from a network_operation); call it between runs"
            ));
        }
        Ok(())
    }

    fn begin(&mut self, duration: f64, id: u64, opts: RunOptions) -> RResult<ScriptRun> {
        let ns = self.namespace_values();
        let t0 = self.net.t();
        let profile = opts.profile;
        let core = match self.net.begin_run(duration, &ns, profile) {
            Ok(c) => c,
            Err(e) => {
                self.last_snippet = e.snippet(&self.net);
                return Err(e.to_string().into());
            }
        };
        self.running = Some((t0, id));
        self.stop_requested = false;
        Ok(ScriptRun {
            core,
            report: RunReporter::start(opts, t0, duration),
            t0,
            duration,
            started: std::time::Instant::now(),
            stopped_by_script: false,
            id,
        })
    }

    /// Ends a run: the core's time and checks, the progress report, the summary line.
    fn end(&mut self, run: ScriptRun, ended: Result<(), Failure>) -> RResult<()> {
        self.running = None;
        self.stop_requested = false;
        let ScriptRun {
            core,
            report,
            t0,
            duration,
            started,
            stopped_by_script,
            id,
        } = run;
        let result: Result<RunStats, Failure> = match ended {
            Ok(()) => self
                .net
                .finish_run(core)
                .map_err(|e| Failure::Network(Box::new(e))),
            Err(f) => Err(f),
        };
        // Brian 2 erases the profile of an earlier run.
        match self.net.profiling_info() {
            Some(p) if result.is_ok() => self.profiles.insert(id, p.to_vec()),
            _ => self.profiles.remove(&id),
        };
        report.finish(
            started.elapsed().as_secs_f64(),
            self.net.t(),
            result.is_ok(),
        );
        // The time each SpikeMonitor of the run has recorded, for its mean rate.
        let elapsed = self.net.t() - t0;
        let running: Vec<usize> = (0..self.net.spike_monitors.len())
            .filter(|&k| self.net.members.spike_monitor(k))
            .collect();
        for &k in &running {
            *self.runs.recorded.entry(k).or_insert(0.0) += elapsed;
            self.runs.recorded_end.insert(k, self.net.t());
        }
        let stats = match result {
            Ok(stats) => stats,
            Err(Failure::Network(e)) => {
                self.last_snippet = e.snippet(&self.net);
                return Err(e.to_string().into());
            }
            Err(Failure::Script(e)) => return Err(e),
        };
        let q = |t: f64| Quantity::new(t, Dimension::TIME);
        let mut line = format!(
            "run: {} simulated in {:.3} s ({} steps), {} spikes",
            q(duration),
            stats.seconds,
            stats.steps,
            stats.spikes
        );
        if stats.stopped {
            let why = if stopped_by_script {
                "stopped by stop()"
            } else {
                INTERRUPTED
            };
            line = format!(
                "run: {why} at t = {}, {} into a run of {} ({} steps), {} spikes",
                q(self.net.t()),
                q(self.net.t() - t0),
                q(duration),
                stats.steps,
                stats.spikes
            );
        }
        // Per-monitor rates for small scripts; a chain of ten monitors gets only the total.
        for &k in running.iter().filter(|_| running.len() <= 3) {
            let m = &self.net.spike_monitors[k];
            let n = m.source.len.max(1);
            let t = self.runs.recorded.get(&k).copied().unwrap_or(0.0);
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
        if stats.stopped && !stopped_by_script {
            // Ctrl-C: state and recorded data are kept; the script (not the REPL) ends here.
            self.log.push(line.clone());
            return Err(line.into());
        }
        if !self.quiet {
            say(&line);
        }
        self.log.push(line);
        Ok(())
    }
}
