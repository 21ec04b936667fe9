//! Scheduling in Brian 2's names: `Clock(dt)`, the `when`, `order`, `dt` and `clock`
//! options every object takes, `active`, and `scheduling_summary()`.

use super::super::convert::*;
use super::super::{Shared, SimState};
use super::monitors::{RateMonitorHandle, SpikeMonitorHandle, StateMonitorHandle};
use super::network::{ConnectionHandle, GroupHandle, PoissonInputHandle};
use super::synapses::SynapsesHandle;
use crate::network::{ObjectId, When};
use crate::units::{Dimension, Quantity};
use rhai::{Dynamic, Engine, ImmutableString, Map};

/// A clock of the network (Brian 2's `Clock(dt)`).
#[derive(Clone, Debug)]
pub struct ClockHandle(pub usize);

/// The options that place an object in the schedule; constructors accept them.
pub const SCHEDULING_KEYS: [&str; 4] = ["when", "order", "dt", "clock"];

/// Applies `when`, `order`, `dt` and `clock` from an object's options. `when` is only
/// for objects with one operation (monitors, inputs, connections); groups and synapses
/// take `order`, `dt` and `clock`.
pub fn apply(st: &mut SimState, id: ObjectId, opts: &Map, takes_when: bool) -> RResult<()> {
    let what = st.net.object_name(id);
    let when = match opts.get("when") {
        Some(_) if !takes_when => {
            return err(format!(
                "{what}: 'when' is not an option of this object (its parts run in their own slots); use 'order'"
            ))
        }
        Some(w) => {
            let w = to_string(w, "when")?;
            Some(When::from_slot(&w).ok_or_else(|| {
                format!("{what}: when: '{w}' is not a slot; use one of start, groups, thresholds, synapses, resets, end (or before_/after_ them)")
            })?)
        }
        None => None,
    };
    let order = opts.get("order").map(|o| to_int(o, "order")).transpose()?;
    let dt = opts
        .get("dt")
        .map(|d| to_si(d, Dimension::TIME, "dt"))
        .transpose()?;
    if let Some(dt) = dt {
        if !(dt > 0.0) || !dt.is_finite() {
            return err(format!("{what}: dt must be a positive, finite time"));
        }
    }
    let clock = match opts.get("clock") {
        Some(c) => Some(
            c.clone()
                .try_cast::<ClockHandle>()
                .ok_or_else(|| format!("{what}: clock must be a Clock, not {}", describe(c)))?
                .0,
        ),
        None => None,
    };
    if dt.is_some() && clock.is_some() {
        return err(format!("{what}: give either dt or clock, not both"));
    }
    let s = st.net.scheduling_mut(id);
    if when.is_some() {
        s.when = when;
    }
    if let Some(o) = order {
        s.order = i32::try_from(o).map_err(|_| format!("{what}: order {o} is too large"))?;
    }
    if dt.is_some() {
        s.dt = dt;
    }
    if clock.is_some() {
        s.clock = clock;
    }
    Ok(())
}

/// The object a handle stands for, if it is one the schedule runs (as the magic
/// network identifies it).
pub fn object_of(d: &Dynamic) -> Option<ObjectId> {
    super::super::magic::ObjectId::of(d).map(|o| o.core())
}

/// `active`, `order` and `when` read and set on every kind of object.
fn register_placement<T: Clone + Send + Sync + 'static>(engine: &mut Engine, shared: &Shared) {
    let id = |h: &T| object_of(&Dynamic::from(h.clone())).expect("a scheduled object");
    let s = shared.clone();
    engine.register_get("active", move |h: &mut T| {
        s.borrow().net.scheduling(id(h)).active
    });
    let s = shared.clone();
    engine.register_set("active", move |h: &mut T, on: bool| {
        s.borrow_mut().net.scheduling_mut(id(h)).active = on;
    });
    let s = shared.clone();
    engine.register_get("order", move |h: &mut T| {
        s.borrow().net.scheduling(id(h)).order as rhai::INT
    });
    let s = shared.clone();
    engine.register_set("order", move |h: &mut T, o: rhai::INT| -> RResult<()> {
        let o = i32::try_from(o).map_err(|_| format!("order {o} is too large"))?;
        s.borrow_mut().net.scheduling_mut(id(h)).order = o;
        Ok(())
    });
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<ClockHandle>("Clock");
    let make = |shared: &Shared, dt: Dynamic, name: Option<String>| -> RResult<ClockHandle> {
        let dt = to_si(&dt, Dimension::TIME, "the dt of a Clock")?;
        let mut st = shared.borrow_mut();
        if let Some(n) = name.as_deref() {
            if st.net.clocks.iter().any(|c| c.name == n) {
                return err(format!("a clock named '{n}' exists already"));
            }
        }
        let name = match name {
            Some(n) => n,
            None => st.net.unused_clock_name("clock"),
        };
        let k = st.net.add_clock(&name, dt).map_err(|e| e.to_string())?;
        Ok(ClockHandle(k))
    };
    let s = shared.clone();
    engine.register_fn("Clock", move |dt: Dynamic| make(&s, dt, None));
    let s = shared.clone();
    engine.register_fn(
        "Clock",
        move |dt: Dynamic, opts: Map| -> RResult<ClockHandle> {
            super::network::check_keys(&opts, &["name"], "Clock")?;
            let name = opts.get("name").map(|n| to_string(n, "name")).transpose()?;
            make(&s, dt, name)
        },
    );
    let s = shared.clone();
    engine.register_get("dt", move |c: &mut ClockHandle| {
        Quantity::new(s.borrow().net.clocks[c.0].dt, Dimension::TIME)
    });
    let s = shared.clone();
    engine.register_set(
        "dt",
        move |c: &mut ClockHandle, v: Dynamic| -> RResult<()> {
            let dt = to_si(&v, Dimension::TIME, "dt")?;
            s.borrow_mut().net.clocks[c.0]
                .set_dt(dt)
                .map_err(Into::into)
        },
    );
    let s = shared.clone();
    engine.register_get("t", move |c: &mut ClockHandle| {
        Quantity::new(s.borrow().net.clocks[c.0].t(), Dimension::TIME)
    });
    let s = shared.clone();
    engine.register_get("name", move |c: &mut ClockHandle| -> ImmutableString {
        s.borrow().net.clocks[c.0].name.clone().into()
    });
    let s = shared.clone();
    engine.register_fn("to_string", move |c: &mut ClockHandle| -> String {
        let st = s.borrow();
        let c = &st.net.clocks[c.0];
        format!(
            "Clock(dt={}, name='{}')",
            Quantity::new(c.dt, Dimension::TIME),
            c.name
        )
    });
    register_placement::<GroupHandle>(engine, shared);
    register_placement::<ConnectionHandle>(engine, shared);
    register_placement::<SynapsesHandle>(engine, shared);
    register_placement::<SpikeMonitorHandle>(engine, shared);
    register_placement::<StateMonitorHandle>(engine, shared);
    register_placement::<RateMonitorHandle>(engine, shared);
    register_placement::<PoissonInputHandle>(engine, shared);
    register_placement::<super::network_operation::NetworkOperationHandle>(engine, shared);
}
