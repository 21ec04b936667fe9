//! Brian 2's `Clock`: a time step and an integer step counter. A network runs every clock
//! its objects use; the clocks advance together in time order (at each iteration the
//! clocks at the earliest time tick, all of them if several are at that time).

/// Two times closer than this fraction of a time step are the same time (Brian 2's
/// `Clock.epsilon_dt`).
pub const EPSILON_DT: f64 = 1e-4;

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub name: String,
    /// The time step in seconds.
    pub dt: f64,
    /// The current step: the clock's time is `timestep * dt`.
    pub timestep: u64,
    /// The first step the current run does not take.
    pub(super) i_end: u64,
    /// The time step before the last change of `dt`, until a run checks the change.
    pub(super) old_dt: Option<f64>,
    /// Made for an object's `dt:` option (not a `Clock(...)` of the script).
    pub auto: bool,
}

impl Clock {
    pub fn new(name: impl Into<String>, dt: f64) -> Clock {
        Clock {
            name: name.into(),
            dt,
            timestep: 0,
            i_end: 0,
            old_dt: None,
            auto: false,
        }
    }

    /// The clock's time in seconds.
    pub fn t(&self) -> f64 {
        self.timestep as f64 * self.dt
    }

    /// The step of time `t`: exact when `t` is a step within `EPSILON_DT`, else the
    /// next step up, so that consecutive runs never repeat a step (Brian 2).
    pub fn timestep_of(&self, t: f64) -> u64 {
        let i = (t / self.dt).round();
        let exact = i * self.dt;
        let k = if exact == t || (exact - t).abs() / self.dt <= EPSILON_DT {
            i
        } else {
            (t / self.dt).ceil()
        };
        k.max(0.0) as u64
    }

    /// Changes the time step; a run checks that its start time is a step of the new dt.
    pub fn set_dt(&mut self, dt: f64) -> Result<(), String> {
        if !(dt > 0.0) || !dt.is_finite() {
            return Err(format!(
                "{}: dt must be a positive, finite time, got {dt} s",
                self.name
            ));
        }
        if self.old_dt.is_none() && dt != self.dt {
            self.old_dt = Some(self.dt);
        }
        self.dt = dt;
        Ok(())
    }

    /// Sets the steps of a run from `start` to `end` (seconds). A changed dt must
    /// represent the start time (Brian 2 raises, it does not move the time).
    pub fn set_interval(&mut self, start: f64, end: f64) -> Result<(), String> {
        if let Some(old) = self.old_dt.take() {
            let old_t = (start / old).round() * old;
            let new_t = (start / self.dt).round() * self.dt;
            if (new_t - old_t).abs() / self.dt > EPSILON_DT {
                return Err(format!(
                    "cannot set {}.dt from {} to {}: the time {} is not a multiple of {}",
                    self.name,
                    show_time(old),
                    show_time(self.dt),
                    show_time(start),
                    show_time(self.dt)
                ));
            }
        }
        self.timestep = self.timestep_of(start);
        self.i_end = self.timestep_of(end);
        Ok(())
    }

    /// Whether two clocks are at the same time (within `EPSILON_DT` of the smaller dt).
    pub fn same_time(&self, other: &Clock) -> bool {
        (self.t() - other.t()).abs() / self.dt.min(other.dt) < EPSILON_DT
    }

    /// Whether the clock has steps left in the current run.
    pub(super) fn running(&self) -> bool {
        self.timestep < self.i_end
    }
}

fn show_time(t: f64) -> String {
    crate::units::Quantity::new(t, crate::units::Dimension::TIME).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestep_rounds_up_unless_exact() {
        let c = Clock::new("c", 1e-3);
        assert_eq!(c.timestep_of(0.5e-3), 1);
        assert_eq!(c.timestep_of(2e-3), 2);
        assert_eq!(c.timestep_of(3e-3 + 1e-9), 3);
        assert_eq!(c.timestep_of(0.0), 0);
    }

    #[test]
    fn changing_dt_off_the_grid_is_refused_at_the_run() {
        let mut c = Clock::new("defaultclock", 1e-4);
        c.set_interval(0.0, 1.1e-3).unwrap();
        c.set_dt(2e-4).unwrap();
        assert!(c.set_interval(1.1e-3, 2e-3).is_err());
        let mut c = Clock::new("defaultclock", 1e-4);
        c.set_dt(2e-4).unwrap();
        c.set_interval(1.0e-3, 2e-3).unwrap();
        assert_eq!((c.timestep, c.i_end), (5, 10));
    }
}
