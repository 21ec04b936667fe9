//! A run: the time-step loop over the sorted operations, every clock from its first step
//! at or after the start to its first step at or after the end. A run can pause at a
//! network operation (script code) and be resumed: [`Network::begin_run`],
//! [`Network::resume`], [`Network::finish_run`]. [`Network::run_with`] drives a run that
//! has no network operations in one call.

use super::schedule::{Kind, ObjectId, Operation, Part};
use super::{Network, NetworkError, Tick, Values};
use std::time::Instant;

/// Counters of one run, for reports and benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunStats {
    pub steps: u64,
    pub spikes: u64,
    pub seconds: f64,
    /// The run was stopped before its end (Brian 2's `Network.stop()`).
    pub stopped: bool,
}

/// Where a run is, as its callback sees it before each step (see [`Network::run_with`]).
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// The time of the step about to be taken (the time reached so far).
    pub t: f64,
    pub t_start: f64,
    pub t_end: f64,
    /// Steps taken so far in this run.
    pub steps: u64,
    /// When the run's loop started (wall time).
    pub started: Instant,
}

/// What a run's callback tells the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    /// End the run now, before the next step: the network's time is the time reached,
    /// state and recorded data as they are.
    Stop,
}

/// Why [`Network::resume`] returned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pause {
    /// Network operation `index` is due at time `t`: the caller runs its code, then
    /// resumes (the rest of the step follows).
    Operation { index: usize, t: f64 },
    /// The run has ended (or was stopped): call [`Network::finish_run`].
    Done,
}

/// A run in progress: its sorted operations, clocks, counters and where it paused.
pub struct RunState {
    ops: Vec<Operation>,
    /// The clocks of the run (the default clock always).
    used: Vec<usize>,
    /// Which clocks tick in the current step.
    ticking: Vec<bool>,
    t_start: f64,
    t_end: f64,
    started: Instant,
    stats: RunStats,
    since_check: u32,
    /// Paused inside a step: the next operation of that step.
    next_op: Option<usize>,
    /// The clock at the earliest time, in the current step.
    first: usize,
    /// A stop was asked for: the run ends at the end of the current step.
    stop: bool,
    /// Seconds spent in each operation (`run(..., profile)`); a network operation is
    /// charged from its pause to the next resume.
    profile: Option<Vec<f64>>,
    paused_at: Option<(usize, Instant)>,
    /// The clock whose time each operation's code sees as `t`: its own, except for
    /// `run_regularly` code, which sees its owner's clock (Brian 2: the code reads the
    /// group's `t`, e.g. 3.8 ms at a 0.25 ms operation's 3.75 ms tick).
    t_clock: Vec<usize>,
}

impl RunState {
    /// Ends the run at the end of the current step (Brian 2's `Network.stop()`).
    pub fn stop(&mut self) {
        self.stop = true;
    }

    pub fn t_start(&self) -> f64 {
        self.t_start
    }
}

impl Network {
    /// Runs for `duration` seconds from the network's time, every clock from its first
    /// step at or after the start to its first step at or after the end (Brian 2 rounds
    /// the end time, not each run's length).
    pub fn run(&mut self, duration: f64, externals: &Values) -> Result<RunStats, NetworkError> {
        self.run_with(duration, externals, &mut |_| Control::Continue)
    }

    /// [`Network::run`] with a callback called before every step. It should be cheap:
    /// read a flag, look at the wall clock every few hundred steps. Returning
    /// [`Control::Stop`] ends the run there, as Brian 2's `Network.stop()`. A network
    /// operation taking part is an error: its caller runs it with [`Network::resume`].
    pub fn run_with(
        &mut self,
        duration: f64,
        externals: &Values,
        on_step: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<RunStats, NetworkError> {
        let mut run = self.begin_run(duration, externals, false)?;
        match self.resume(&mut run, on_step)? {
            Pause::Done => self.finish_run(run),
            Pause::Operation { index, .. } => Err(NetworkError::Other(format!(
                "{}: a network operation needs a caller that runs its code (Network::resume)",
                self.network_operations[index].name
            ))),
        }
    }

    /// Prepares a run of `duration` seconds from the network's time: compiles the code,
    /// sorts the operations, sets the clocks. `profile` times every operation.
    pub fn begin_run(
        &mut self,
        duration: f64,
        externals: &Values,
        profile: bool,
    ) -> Result<RunState, NetworkError> {
        if !(duration >= 0.0) || !duration.is_finite() {
            return Err(NetworkError::Other(format!(
                "run() needs a positive, finite duration, got {duration} s"
            )));
        }
        let clocks = self.prepare(externals)?;
        let act = self.members.clone();
        let mut ops = self
            .operations(&act, &clocks)
            .map_err(NetworkError::Other)?;
        ops.retain(|op| op.active);
        let t_clock: Vec<usize> = ops
            .iter()
            .map(|op| match op.part {
                Part::RunRegularly => {
                    let owner = match self.run_regularly[op.object.index].owner {
                        super::CodeOwner::Neurons(r) => ObjectId {
                            kind: Kind::Group,
                            index: r.group,
                        },
                        super::CodeOwner::Synapses(k) => ObjectId {
                            kind: Kind::Synapses,
                            index: k,
                        },
                    };
                    clocks.get(&owner).copied().unwrap_or(op.clock)
                }
                _ => op.clock,
            })
            .collect();
        let (t_start, t_end) = (self.t, self.t + duration);
        let mut used: Vec<usize> = clocks
            .iter()
            .filter(|(id, _)| self.takes_part(&act, **id))
            .map(|(_, &c)| c)
            .collect();
        used.push(0);
        used.sort_unstable();
        used.dedup();
        for &c in &used {
            self.clocks[c]
                .set_interval(t_start, t_end)
                .map_err(NetworkError::Other)?;
        }
        // StateMonitors reserve this run's recordings at once (time-major, final size).
        for (k, m) in self.state_monitors.iter_mut().enumerate() {
            if act.state_monitor(k) {
                let id = ObjectId {
                    kind: Kind::StateMonitor,
                    index: k,
                };
                let c = &self.clocks[clocks[&id]];
                m.reserve_run(c.timestep, c.i_end);
            }
        }
        // Spikes of an earlier run (or of groups outside this network) are not this run's.
        self.spikes.iter_mut().for_each(Vec::clear);
        self.profiling = None;
        Ok(RunState {
            profile: profile.then(|| vec![0.0; ops.len()]),
            ops,
            ticking: vec![false; self.clocks.len()],
            used,
            t_start,
            t_end,
            started: Instant::now(),
            stats: RunStats::default(),
            since_check: 0,
            next_op: None,
            first: 0,
            stop: false,
            paused_at: None,
            t_clock,
        })
    }

    /// Runs steps until the run ends or a network operation is due. `on_step` is called
    /// before every step, as in [`Network::run_with`].
    pub fn resume(
        &mut self,
        run: &mut RunState,
        on_step: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Pause, NetworkError> {
        if let Some((k, since)) = run.paused_at.take() {
            if let Some(p) = &mut run.profile {
                p[k] += since.elapsed().as_secs_f64();
            }
        }
        loop {
            let start_op = match run.next_op.take() {
                Some(i) => i,
                None => {
                    if run.stop {
                        run.stats.stopped = true;
                        return Ok(Pause::Done);
                    }
                    // The clocks at the earliest time tick together.
                    let first = *run
                        .used
                        .iter()
                        .min_by(|&&a, &&b| self.clocks[a].t().total_cmp(&self.clocks[b].t()))
                        .expect("the default clock is always used");
                    if !self.clocks[first].running() {
                        return Ok(Pause::Done);
                    }
                    let progress = Progress {
                        t: self.clocks[first].t(),
                        t_start: run.t_start,
                        t_end: run.t_end,
                        steps: run.stats.steps,
                        started: run.started,
                    };
                    if on_step(&progress) == Control::Stop {
                        run.stats.stopped = true;
                        return Ok(Pause::Done);
                    }
                    if run.used.len() > 1 {
                        for &c in &run.used {
                            run.ticking[c] = self.clocks[c].same_time(&self.clocks[first]);
                        }
                    } else {
                        run.ticking[first] = true;
                    }
                    run.first = first;
                    0
                }
            };
            for (i, op) in run.ops.iter().enumerate().skip(start_op) {
                if !run.ticking[op.clock] {
                    continue;
                }
                let c = &self.clocks[op.clock];
                let tick = Tick {
                    t: self.clocks[run.t_clock[i]].t(),
                    dt: c.dt,
                    step: c.timestep,
                };
                if op.part == Part::NetworkOperation {
                    self.refresh_links(); // the script may read them
                    run.next_op = Some(i + 1);
                    run.paused_at = Some((i, Instant::now()));
                    // Brian 2's `net.t` during a run: the time of the current step.
                    self.t = self.clocks[run.first].t();
                    return Ok(Pause::Operation {
                        index: op.object.index,
                        t: tick.t,
                    });
                }
                match &mut run.profile {
                    None => run.stats.spikes += self.execute(op, tick),
                    Some(p) => {
                        let t0 = Instant::now();
                        run.stats.spikes += self.execute(op, tick);
                        p[i] += t0.elapsed().as_secs_f64();
                    }
                }
            }
            for &c in &run.used {
                if run.ticking[c] {
                    self.clocks[c].timestep += 1;
                }
            }
            run.stats.steps += 1;
            run.since_check += 1;
            if run.since_check == 1000 {
                run.since_check = 0;
                self.check_finite(self.clocks[run.first].t())?;
            }
        }
    }

    /// Ends a run [`Network::resume`] returned `Done` for: sets the network's time (the
    /// end, or where a stopped run got to) and checks the state for NaN.
    pub fn finish_run(&mut self, run: RunState) -> Result<RunStats, NetworkError> {
        self.refresh_links();
        let mut stats = run.stats;
        if stats.stopped {
            // Brian 2: the time of the earliest clock's next step.
            let reached = run
                .used
                .iter()
                .map(|&c| self.clocks[c].t())
                .fold(f64::INFINITY, f64::min);
            self.t = reached;
            self.check_finite(reached)?;
        } else {
            self.t = run.t_end;
            self.check_finite(self.clocks[0].t())?;
        }
        if let Some(p) = run.profile {
            // Brian 2's profiling info: seconds per code object, the longest first.
            let mut by_name: Vec<(String, f64)> = Vec::new();
            for (op, s) in run.ops.iter().zip(p) {
                match by_name.iter_mut().find(|(n, _)| *n == op.name) {
                    Some((_, t)) => *t += s,
                    None => by_name.push((op.name.clone(), s)),
                }
            }
            by_name.sort_by(|a, b| b.1.total_cmp(&a.1));
            self.profiling = Some(by_name);
        }
        stats.seconds = run.started.elapsed().as_secs_f64();
        Ok(stats)
    }

    /// Seconds per operation of the last run made with `profile` (Brian 2's
    /// `Network.profiling_info`), the longest first; `None` if it was not profiled.
    pub fn profiling_info(&self) -> Option<&[(String, f64)]> {
        self.profiling.as_deref()
    }
}
