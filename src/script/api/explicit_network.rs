//! Brian 2's explicit `Network(...)`: a set of objects run together with `net.run()`,
//! leaving out everything else, with its own time `net.t`. `run()` alone runs Brian's
//! "magic" network (see `script::magic`).

use super::super::convert::*;
use super::super::magic::{self, ObjectId};
use super::super::Shared;
use crate::units::{Dimension, Quantity};
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, NativeCallContext};
use std::any::TypeId;
use std::cell::RefCell;
use std::rc::Rc;

/// The most objects `Network(...)` takes as separate arguments (arrays of any length
/// count as one).
pub const MAX_ARGS: usize = 12;

/// An explicit network: its objects, its id and its time. Copies of the handle are the
/// same network.
#[derive(Clone, Debug)]
pub struct NetworkHandle(Rc<RefCell<NetworkState>>);

#[derive(Debug)]
struct NetworkState {
    id: u64,
    t: f64,
    objects: Vec<ObjectId>,
    /// Brian 2's `net.schedule`: the slots of a step, if not the default.
    schedule: Option<Vec<String>>,
}

impl NetworkHandle {
    pub fn id(&self) -> u64 {
        self.0.borrow().id
    }

    fn new(shared: &Shared) -> NetworkHandle {
        let id = shared.borrow_mut().runs.new_id();
        NetworkHandle(Rc::new(RefCell::new(NetworkState {
            id,
            t: 0.0,
            objects: Vec::new(),
            schedule: None,
        })))
    }
}

/// Adds an object (or a list of them), checking that it is something a network runs and
/// that it has not run yet (Brian 2 refuses to add an object that has been simulated).
fn add(shared: &Shared, net: &NetworkHandle, obj: Dynamic) -> RResult<()> {
    if let Some(list) = obj.clone().try_cast::<Array>() {
        return list.into_iter().try_for_each(|o| add(shared, net, o));
    }
    let Some(id) = ObjectId::of(&obj) else {
        return err(format!(
            "a Network holds groups, connections, synapses, monitors and inputs, not {}",
            describe(&obj)
        ));
    };
    let st = shared.borrow();
    if st.runs.has_run(id) {
        return err(format!(
            "{} has already been simulated, cannot add it to the network (Brian 2 refuses it too); create the network before running its objects",
            id.name(&st.net)
        ));
    }
    let mut n = net.0.borrow_mut();
    if !n.objects.contains(&id) {
        n.objects.push(id);
    }
    Ok(())
}

/// Switches the core to the network's time and schedule; returns the schedule to put
/// back with [`leave`].
fn enter(st: &mut super::super::SimState, net: &NetworkHandle) -> Option<Vec<String>> {
    let (t, schedule) = {
        let n = net.0.borrow();
        (n.t, n.schedule.clone())
    };
    st.net.set_t(t);
    schedule.map(|s| std::mem::replace(&mut st.net.schedule, s))
}

/// Puts the default schedule back and reads the network's time.
fn leave(st: &mut super::super::SimState, net: &NetworkHandle, default: Option<Vec<String>>) {
    if let Some(d) = default {
        st.net.schedule = d;
    }
    net.0.borrow_mut().t = st.net.t();
}

/// Switches the core to the network's time, applies `f`, and reads the time back.
fn with_time<R>(
    shared: &Shared,
    net: &NetworkHandle,
    f: impl FnOnce(&mut super::super::SimState) -> RResult<R>,
) -> RResult<R> {
    let mut st = shared.borrow_mut();
    let default = enter(&mut st, net);
    let out = f(&mut st);
    leave(&mut st, net, default);
    out
}

pub fn run(
    shared: &Shared,
    engine: &Engine,
    net: &NetworkHandle,
    duration: Dynamic,
    opts: Option<Dynamic>,
) -> RResult<()> {
    let duration = to_si(&duration, Dimension::TIME, "the duration of run()")?;
    let opts = super::run_report::options_arg(opts.as_ref())?;
    let (objects, id) = {
        let n = net.0.borrow();
        (n.objects.clone(), n.id)
    };
    // The network's time and schedule while it runs (as `with_time`, but the state is
    // not borrowed during the run: network operations read and write it).
    let (flags, default) = {
        let mut st = shared.borrow_mut();
        st.not_running("run()")?;
        let plan = magic::plan_explicit(&mut st, &objects, id)?;
        if plan.empty {
            // Brian 2 runs nothing, and the network's time stays.
            return Ok(());
        }
        (plan.flags, enter(&mut st, net))
    };
    let out = super::super::run_members(shared, engine, duration, flags, id, opts);
    leave(&mut shared.borrow_mut(), net, default);
    out
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<NetworkHandle>("Network");
    // Brian 2 takes any number of objects; Rhai functions have fixed arities.
    for n in 0..=MAX_ARGS {
        let s = shared.clone();
        engine.register_raw_fn(
            "Network",
            vec![TypeId::of::<Dynamic>(); n],
            move |_: NativeCallContext, args: &mut [&mut Dynamic]| -> RResult<NetworkHandle> {
                let net = NetworkHandle::new(&s);
                for a in args.iter_mut() {
                    add(&s, &net, (**a).clone())?;
                }
                Ok(net)
            },
        );
    }
    let s = shared.clone();
    engine.register_fn(
        "scheduling_summary",
        move |n: &mut NetworkHandle| -> RResult<String> { summary(&s, n) },
    );
    engine.register_get("schedule", |n: &mut NetworkHandle| -> Array {
        match &n.0.borrow().schedule {
            Some(s) => s.iter().map(|x| Dynamic::from(x.clone())).collect(),
            None => crate::network::schedule::DEFAULT_SCHEDULE
                .iter()
                .map(|x| Dynamic::from(x.to_string()))
                .collect(),
        }
    });
    engine.register_set(
        "schedule",
        |n: &mut NetworkHandle, v: Dynamic| -> RResult<()> {
            if v.is_unit() {
                n.0.borrow_mut().schedule = None;
                return Ok(());
            }
            let list = v
                .try_cast::<Array>()
                .ok_or("net.schedule takes a list of slot names (or () for the default)")?;
            let names = list
                .iter()
                .map(|x| to_string(x, "a slot name"))
                .collect::<RResult<Vec<String>>>()?;
            crate::network::schedule::check_schedule(&names)?;
            n.0.borrow_mut().schedule = Some(names);
            Ok(())
        },
    );
    let s = shared.clone();
    engine.register_fn("add", move |n: &mut NetworkHandle, o: Dynamic| {
        add(&s, n, o)
    });
    engine.register_fn("len", |n: &mut NetworkHandle| {
        n.0.borrow().objects.len() as rhai::INT
    });
    let s = shared.clone();
    engine.register_fn("objects", move |n: &mut NetworkHandle| -> Array {
        let st = s.borrow();
        n.0.borrow()
            .objects
            .iter()
            .map(|o| Dynamic::from(o.name(&st.net)))
            .collect()
    });
    for f in ["to_string", "to_debug"] {
        let s = shared.clone();
        engine.register_fn(f, move |n: &mut NetworkHandle| {
            let st = s.borrow();
            let n = n.0.borrow();
            let names: Vec<String> = n.objects.iter().map(|o| o.name(&st.net)).collect();
            format!(
                "<Network at t = {} of {}>",
                Quantity::new(n.t, Dimension::TIME),
                names.join(", ")
            )
        });
    }
    let s = shared.clone();
    engine.register_fn(
        "run",
        // By value: a network operation may read the network (`net.t`) during the run.
        move |ctx: NativeCallContext, n: NetworkHandle, d: Dynamic| {
            run(&s, ctx.engine(), &n, d, None)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "run",
        move |ctx: NativeCallContext, n: NetworkHandle, d: Dynamic, o: Dynamic| {
            run(&s, ctx.engine(), &n, d, Some(o))
        },
    );
    // Brian 2's `net.stop()`: the network's run in progress ends at the end of the step.
    let s = shared.clone();
    engine.register_fn("stop", move |n: &mut NetworkHandle| {
        let mut st = s.borrow_mut();
        if st.running.is_some_and(|(_, id)| id == n.0.borrow().id) {
            st.stop_requested = true;
        }
    });
    let s = shared.clone();
    engine.register_fn(
        "store",
        move |n: &mut NetworkHandle, name: ImmutableString| store(&s, n, &name, None),
    );
    let s = shared.clone();
    engine.register_fn(
        "store",
        move |n: &mut NetworkHandle, name: ImmutableString, file: ImmutableString| {
            store(&s, n, &name, Some(&file))
        },
    );
    let s = shared.clone();
    engine.register_fn("store", move |n: &mut NetworkHandle| {
        store(&s, n, "default", None)
    });
    let s = shared.clone();
    engine.register_fn(
        "restore",
        move |n: &mut NetworkHandle, name: ImmutableString| restore(&s, n, &name, None, Map::new()),
    );
    let s = shared.clone();
    engine.register_fn(
        "restore",
        move |n: &mut NetworkHandle, name: ImmutableString, file: ImmutableString| {
            restore(&s, n, &name, Some(&file), Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "restore",
        move |n: &mut NetworkHandle, name: ImmutableString, file: ImmutableString, o: Map| {
            restore(&s, n, &name, Some(&file), o)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "restore",
        move |n: &mut NetworkHandle, name: ImmutableString, o: Map| restore(&s, n, &name, None, o),
    );
    let s = shared.clone();
    engine.register_fn("restore", move |n: &mut NetworkHandle| {
        restore(&s, n, "default", None, Map::new())
    });
    let s = shared.clone();
    engine.register_get("t", move |n: &mut NetworkHandle| {
        let n = n.0.borrow();
        let t = match s.borrow().running {
            // Brian 2: during a run, the time of the current step.
            Some((t, id)) if id == n.id => t,
            _ => n.t,
        };
        Quantity::new(t, Dimension::TIME)
    });
}

/// Brian 2's `scheduling_summary(net)`: the network's operations in running order.
pub fn summary(shared: &Shared, net: &NetworkHandle) -> RResult<String> {
    let objects = net.0.borrow().objects.iter().copied().collect();
    with_time(shared, net, |st| st.summary_of(&objects))
}

/// `net.store(name)`, `net.store(name, filename)`: the state, at the network's time.
pub fn store(shared: &Shared, net: &NetworkHandle, name: &str, file: Option<&str>) -> RResult<()> {
    with_time(shared, net, |st| st.store(name, file))
}

/// `net.restore(name)`, `net.restore(name, filename)`: the state and the network's time
/// as stored.
pub fn restore(
    shared: &Shared,
    net: &NetworkHandle,
    name: &str,
    file: Option<&str>,
    opts: Map,
) -> RResult<()> {
    let random = restore_random_state(&opts)?;
    with_time(shared, net, |st| st.restore(name, file, random))
}

/// Reads `#{ restore_random_state: bool }`.
pub fn restore_random_state(opts: &Map) -> RResult<bool> {
    super::network::check_keys(opts, &["restore_random_state"], "restore")?;
    match opts.get("restore_random_state") {
        Some(v) => to_bool(v, "restore_random_state"),
        None => Ok(false),
    }
}
