//! `run(T, #{ report, report_period })`: Brian 2's progress reports, and stopping a run
//! on Ctrl-C. The core's loop only calls [`RunReporter::on_step`]; the printing is here.

use super::super::convert::*;
use super::network::check_keys;
use crate::network::{Control, Progress};
use crate::units::{Dimension, Quantity};
use rhai::Map;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set by the CLI's SIGINT handler: the run in progress stops before its next step.
pub static INTERRUPT: AtomicBool = AtomicBool::new(false);
/// True while a run's loop is going (the CLI's handler decides with it what Ctrl-C does).
pub static IN_RUN: AtomicBool = AtomicBool::new(false);

/// The message of a run stopped by Ctrl-C (the CLI recognises it by [`INTERRUPT`]).
pub const INTERRUPTED: &str = "interrupted (Ctrl-C)";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    /// No option given: a progress bar on a terminal's stderr once a run takes long.
    Auto,
    None,
    Stdout,
    Stderr,
}

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub report: Report,
    /// Wall time between two text reports, seconds (Brian 2's default: 10 s).
    pub period: f64,
    /// Time every operation (`profiling_summary()` shows it).
    pub profile: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            report: Report::Auto,
            period: 10.0,
            profile: false,
        }
    }
}

/// Reads the options map of `run(T, #{...})` / `net.run(T, #{...})`.
pub fn parse_options(opts: &Map) -> RResult<RunOptions> {
    check_keys(opts, &["report", "report_period", "profile"], "run()")?;
    let mut o = RunOptions::default();
    if let Some(r) = opts.get("report") {
        if r.is_unit() {
            o.report = Report::None;
        } else {
            o.report = match to_string(r, "run()'s report")?.as_str() {
                "text" | "stdout" => Report::Stdout,
                "stderr" => Report::Stderr,
                "none" => Report::None,
                other => {
                    return err(format!(
                        "run(): report '{other}' is not known; use \"text\", \"stdout\", \"stderr\" or \"none\""
                    ))
                }
            };
        }
    }
    if let Some(p) = opts.get("profile") {
        o.profile = to_bool(p, "run()'s profile")?;
    }
    if let Some(p) = opts.get("report_period") {
        let p = to_si(p, Dimension::TIME, "run()'s report_period")?;
        if !(p > 0.0) || !p.is_finite() {
            return err(format!(
                "run(): report_period must be a positive time, got {}",
                Quantity::new(p, Dimension::TIME)
            ));
        }
        o.period = p;
    }
    Ok(o)
}

/// Brian 2's `_format_time`: "3h 25m 45s", "2m 3s", "12s", "< 1s".
pub fn format_wall(seconds: f64) -> String {
    let mut rest = seconds;
    let mut text = String::new();
    for (div, letter) in [(86400.0, 'd'), (3600.0, 'h'), (60.0, 'm'), (1.0, 's')] {
        let n = (rest / div).trunc();
        rest -= n * div;
        if n > 0.0 || !text.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!("{}{letter}", n as i64));
        }
    }
    if text.is_empty() {
        text = "< 1s".into();
    }
    text
}

/// A time as Brian 2's `str()` shows it: in the prefixed second whose value is closest
/// to 10 on a log scale (0.64 s, 50. ms), which the REPL's display does not follow.
pub fn brian_time(t: f64) -> String {
    const UNITS: [(&str, f64); 7] = [
        ("fs", 1e-15),
        ("ps", 1e-12),
        ("ns", 1e-9),
        ("us", 1e-6),
        ("ms", 1e-3),
        ("s", 1.0),
        ("ks", 1e3),
    ];
    if t == 0.0 || !t.is_finite() {
        return format!("{} s", crate::units::format_number(t));
    }
    let dist = |f: f64| ((t.abs() / f).log10() - 1.0).powi(2);
    let (unit, f) = UNITS
        .iter()
        .copied()
        .min_by(|a, b| dist(a.1).total_cmp(&dist(b.1)))
        .expect("units");
    format!("{} {unit}", crate::units::format_number(t / f))
}

fn time(t: f64) -> String {
    brian_time(t)
}

/// Brian 2's TextReport line for a completed fraction.
pub fn text_line(elapsed: f64, completed: f64, duration: f64) -> String {
    let mut line = format!(
        "{} ({}%) simulated in {}",
        time(completed * duration),
        (completed * 100.0) as i64,
        format_wall(elapsed)
    );
    if completed < 1.0 {
        let remaining = if completed > 0.0 {
            ((1.0 - completed) / completed * elapsed).round()
        } else {
            f64::INFINITY
        };
        if remaining.is_finite() {
            line.push_str(&format!(
                ", estimated {} remaining.",
                format_wall(remaining)
            ));
        } else {
            line.push_str(", estimated remaining time unknown.");
        }
    }
    line
}

/// Steps between two looks at the wall clock.
const CHECK_EVERY: u64 = 256;
/// A run shows a progress bar (Auto, on a terminal) once it has taken this long.
const BAR_AFTER: f64 = 3.0;

/// Prints the reports of one run and stops it on Ctrl-C.
pub struct RunReporter {
    opts: RunOptions,
    t_start: f64,
    duration: f64,
    next_report: f64,
    bar: Option<indicatif::ProgressBar>,
    bar_possible: bool,
}

impl RunReporter {
    /// Prints the start line (Brian 2: "Starting simulation at t=... for a duration of ...").
    pub fn start(opts: RunOptions, t_start: f64, duration: f64) -> Self {
        let r = RunReporter {
            opts,
            t_start,
            duration,
            next_report: opts.period,
            bar: None,
            bar_possible: opts.report == Report::Auto && std::io::stderr().is_terminal(),
        };
        r.write(&format!(
            "Starting simulation at t={} for a duration of {}",
            time(t_start),
            time(duration)
        ));
        IN_RUN.store(true, Ordering::SeqCst);
        r
    }

    fn write(&self, line: &str) {
        match self.opts.report {
            Report::Stdout => {
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{line}");
                let _ = o.flush();
            }
            Report::Stderr => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
            Report::Auto | Report::None => {}
        }
    }

    fn completed(&self, t: f64) -> f64 {
        if self.duration > 0.0 {
            ((t - self.t_start) / self.duration).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }

    /// The run's callback: an atomic load every step, the wall clock every few hundred.
    pub fn on_step(&mut self, p: &Progress) -> Control {
        if INTERRUPT.load(Ordering::Relaxed) {
            return Control::Stop;
        }
        if !p.steps.is_multiple_of(CHECK_EVERY) || self.opts.report == Report::None {
            return Control::Continue;
        }
        let elapsed = p.started.elapsed().as_secs_f64();
        match self.opts.report {
            Report::Stdout | Report::Stderr if elapsed > self.next_report => {
                self.write(&text_line(elapsed, self.completed(p.t), self.duration));
                self.next_report = elapsed + self.opts.period;
            }
            Report::Auto if self.bar_possible => {
                if self.bar.is_none() && elapsed > BAR_AFTER {
                    let bar = indicatif::ProgressBar::new(1000).with_elapsed(p.started.elapsed());
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{bar:40} {percent:>3}% simulated, {msg}",
                        )
                        .expect("a valid template"),
                    );
                    bar.enable_steady_tick(Duration::from_millis(500));
                    self.bar = Some(bar);
                }
                if let Some(bar) = &self.bar {
                    // indicatif's own ETA misreads a bar that starts part-way.
                    let done = self.completed(p.t);
                    bar.set_position((done * 1000.0) as u64);
                    if done > 0.0 {
                        let left = ((1.0 - done) / done * elapsed).round();
                        bar.set_message(format!(
                            "{} elapsed, about {} remaining",
                            format_wall(elapsed),
                            format_wall(left)
                        ));
                    }
                }
            }
            _ => {}
        }
        Control::Continue
    }

    /// Prints the end line with the fraction the run completed.
    /// (Nothing when the run failed.)
    pub fn finish(self, elapsed: f64, t_reached: f64, ok: bool) {
        IN_RUN.store(false, Ordering::SeqCst);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !ok {
            return;
        }
        self.write(&text_line(
            elapsed,
            self.completed(t_reached),
            self.duration,
        ));
    }
}

/// Clears a Ctrl-C pressed before a run (the REPL does this before each line).
pub fn clear_interrupt() {
    INTERRUPT.store(false, Ordering::SeqCst);
}

/// Whether Ctrl-C stopped the last run.
pub fn interrupted() -> bool {
    INTERRUPT.load(Ordering::SeqCst)
}

/// The optional second argument of `run()`: an options map.
pub fn options_arg(arg: Option<&rhai::Dynamic>) -> RResult<RunOptions> {
    match arg {
        None => Ok(RunOptions::default()),
        Some(d) => match d.clone().try_cast::<Map>() {
            Some(m) => parse_options(&m),
            None => err(format!(
                "run()'s second argument should be an options map like #{{ report: \"text\" }}, got {}",
                d.type_name()
            )),
        },
    }
}
