//! Brian 2's explicit `Network(...)`: a set of objects run together with `net.run()`,
//! leaving out everything else. `run()` alone keeps running every object (Brian's
//! "magic" network). All networks share the default clock.

use super::super::convert::*;
use super::super::Shared;
use super::monitors::{RateMonitorHandle, SpikeMonitorHandle, StateMonitorHandle};
use super::network::{ConnectionHandle, GroupHandle, PoissonInputHandle};
use super::synapses::SynapsesHandle;
use crate::network::{MemberFlags, Members};
use crate::units::{Dimension, Quantity};
use rhai::{Array, Dynamic, Engine, ImmutableString};

/// The objects of an explicit network.
#[derive(Clone, Debug, Default)]
pub struct NetworkHandle {
    objects: Vec<Dynamic>,
}

/// Adds an object (or a list of them), checking that it is something a network runs.
fn add(net: &mut NetworkHandle, obj: Dynamic) -> RResult<()> {
    if let Some(list) = obj.clone().try_cast::<Array>() {
        return list.into_iter().try_for_each(|o| add(net, o));
    }
    let known = obj.is::<GroupHandle>()
        || obj.is::<ConnectionHandle>()
        || obj.is::<SynapsesHandle>()
        || obj.is::<SpikeMonitorHandle>()
        || obj.is::<StateMonitorHandle>()
        || obj.is::<RateMonitorHandle>()
        || obj.is::<PoissonInputHandle>();
    if !known {
        return err(format!(
            "a Network holds groups, connections, synapses, monitors and inputs, not {}",
            describe(&obj)
        ));
    }
    net.objects.push(obj);
    Ok(())
}

fn flags(shared: &Shared, net: &NetworkHandle) -> MemberFlags {
    let st = shared.borrow();
    let n = &st.net;
    let mut f = MemberFlags {
        groups: vec![false; n.groups.len()],
        connections: vec![false; n.connections.len()],
        synapses: vec![false; n.synapses.len()],
        spike_monitors: vec![false; n.spike_monitors.len()],
        state_monitors: vec![false; n.state_monitors.len()],
        rate_monitors: vec![false; n.rate_monitors.len()],
        poisson_inputs: vec![false; n.poisson_inputs.len()],
    };
    for o in &net.objects {
        if let Some(g) = o.clone().try_cast::<GroupHandle>() {
            f.groups[g.0.group] = true;
        } else if let Some(c) = o.clone().try_cast::<ConnectionHandle>() {
            f.connections[c.0] = true;
        } else if let Some(s) = o.clone().try_cast::<SynapsesHandle>() {
            f.synapses[s.0] = true;
        } else if let Some(m) = o.clone().try_cast::<SpikeMonitorHandle>() {
            f.spike_monitors[m.0] = true;
        } else if let Some(m) = o.clone().try_cast::<StateMonitorHandle>() {
            f.state_monitors[m.0] = true;
        } else if let Some(m) = o.clone().try_cast::<RateMonitorHandle>() {
            f.rate_monitors[m.0] = true;
        } else if let Some(p) = o.clone().try_cast::<PoissonInputHandle>() {
            f.poisson_inputs[p.0] = true;
        }
    }
    f
}

fn run(shared: &Shared, net: &NetworkHandle, duration: Dynamic) -> RResult<()> {
    let duration = to_si(&duration, Dimension::TIME, "the duration of run()")?;
    let members = Members {
        only: Some(flags(shared, net)),
    };
    let mut st = shared.borrow_mut();
    st.net.members = members;
    let result = st.run(duration);
    st.net.members = Members::default();
    result
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<NetworkHandle>("Network");
    engine.register_fn("Network", NetworkHandle::default);
    engine.register_fn("Network", |a: Dynamic| -> RResult<NetworkHandle> {
        let mut n = NetworkHandle::default();
        add(&mut n, a)?;
        Ok(n)
    });
    // Brian 2 takes any number of objects; Rhai functions have fixed arities.
    engine.register_fn(
        "Network",
        |a: Dynamic, b: Dynamic| -> RResult<NetworkHandle> {
            let mut n = NetworkHandle::default();
            [a, b].into_iter().try_for_each(|o| add(&mut n, o))?;
            Ok(n)
        },
    );
    engine.register_fn(
        "Network",
        |a: Dynamic, b: Dynamic, c: Dynamic| -> RResult<NetworkHandle> {
            let mut n = NetworkHandle::default();
            [a, b, c].into_iter().try_for_each(|o| add(&mut n, o))?;
            Ok(n)
        },
    );
    engine.register_fn(
        "Network",
        |a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| -> RResult<NetworkHandle> {
            let mut n = NetworkHandle::default();
            [a, b, c, d].into_iter().try_for_each(|o| add(&mut n, o))?;
            Ok(n)
        },
    );
    engine.register_fn(
        "Network",
        |a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic| -> RResult<NetworkHandle> {
            let mut n = NetworkHandle::default();
            [a, b, c, d, e]
                .into_iter()
                .try_for_each(|o| add(&mut n, o))?;
            Ok(n)
        },
    );
    engine.register_fn("add", |n: &mut NetworkHandle, o: Dynamic| add(n, o));
    engine.register_fn("len", |n: &mut NetworkHandle| n.objects.len() as rhai::INT);
    let s = shared.clone();
    engine.register_fn("run", move |n: &mut NetworkHandle, d: Dynamic| {
        run(&s, n, d)
    });
    let s = shared.clone();
    engine.register_fn(
        "store",
        move |_: &mut NetworkHandle, name: ImmutableString| s.borrow_mut().net.store(&name),
    );
    let s = shared.clone();
    engine.register_fn("store", move |_: &mut NetworkHandle| {
        s.borrow_mut().net.store("default")
    });
    let s = shared.clone();
    engine.register_fn(
        "restore",
        move |_: &mut NetworkHandle, name: ImmutableString| -> RResult<()> {
            s.borrow_mut()
                .net
                .restore(&name, false)
                .map_err(|e| e.to_string().into())
        },
    );
    let s = shared.clone();
    engine.register_fn("restore", move |_: &mut NetworkHandle| -> RResult<()> {
        s.borrow_mut()
            .net
            .restore("default", false)
            .map_err(|e| e.to_string().into())
    });
    let s = shared.clone();
    engine.register_get("t", move |_: &mut NetworkHandle| {
        Quantity::new(s.borrow().net.t(), Dimension::TIME)
    });
}
