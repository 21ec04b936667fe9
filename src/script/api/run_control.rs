//! Run-time control in Brian 2's names: `run_regularly` on groups and synapses, custom
//! events (`events:` of a NeuronGroup, `run_on_event`, `set_event_schedule`, Synapses'
//! `on_event:`), `EventMonitor`, and SpikeMonitor variables.

use super::super::convert::*;
use super::super::Shared;
use super::monitors::SpikeMonitorHandle;
use super::network::{check_keys, next_name, GroupHandle};
use super::synapses::SynapsesHandle;
use crate::network::{
    check_event_name, CodeOwner, Group, Kind, ObjectId, RunRegularlyOptions, SpikeMonitor, When,
};
use crate::units::{Dimension, QuantityArray};
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, INT};

/// A `run_regularly` operation (Brian 2's CodeRunner), for its `active` flag.
#[derive(Clone, Debug)]
pub struct RunRegularlyHandle(pub usize);

fn slot(d: &Dynamic, what: &str) -> RResult<When> {
    let w = to_string(d, "when")?;
    When::from_slot(&w).ok_or_else(|| {
        format!("{what}: when: '{w}' is not a slot; use one of start, groups, thresholds, synapses, resets, end (or before_/after_ them)").into()
    })
}

fn order(d: &Dynamic) -> RResult<i32> {
    let o = to_int(d, "order")?;
    i32::try_from(o).map_err(|_| format!("order {o} is too large").into())
}

/// `events: #{ name: "condition", ... }` of a NeuronGroup.
pub fn events_option(v: Option<&Dynamic>) -> RResult<Vec<(String, String)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let map = v.clone().try_cast::<Map>().ok_or_else(|| {
        format!(
            "NeuronGroup: events should be a map of names to conditions, as #{{ gspike: \"g > 1\" }}, got {}",
            describe(v)
        )
    })?;
    map.iter()
        .map(|(name, cond)| {
            check_event_name(name).map_err(|e| format!("NeuronGroup: {e}"))?;
            Ok((
                name.to_string(),
                to_string(cond, &format!("the condition of the event '{name}'"))?,
            ))
        })
        .collect()
}

/// `on_event: #{ pathway: "event", ... }` of Synapses (or one event for the pathway `pre`).
pub fn on_event_option(v: Option<&Dynamic>) -> RResult<Vec<(String, String)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    if v.is_string() {
        return Ok(vec![("pre".into(), to_string(v, "on_event")?)]);
    }
    let map = v.clone().try_cast::<Map>().ok_or_else(|| {
        format!(
            "Synapses: on_event should be an event name or a map of pathways to events, as #{{ pre: \"spike\", gpath: \"gspike\" }}, got {}",
            describe(v)
        )
    })?;
    map.iter()
        .map(|(p, e)| {
            Ok((
                p.to_string(),
                to_string(e, &format!("the event of pathway '{p}'"))?,
            ))
        })
        .collect()
}

/// Whether a pathway of these Synapses is triggered by a custom event (which needs no
/// threshold of its group).
pub fn custom_event_pathway(on_event: &[(String, String)], pathway: &str) -> bool {
    on_event.iter().any(|(p, e)| p == pathway && e != "spike")
}

fn variable_names(v: &Dynamic) -> RResult<Vec<String>> {
    if v.is_string() {
        return Ok(vec![to_string(v, "the variable")?]);
    }
    if let Some(a) = v.clone().try_cast::<Array>() {
        return a.iter().map(|x| to_string(x, "a variable name")).collect();
    }
    err(format!(
        "the recorded variables should be a name or a list of names, got {}",
        describe(v)
    ))
}

/// Makes monitor `index` record `variables` (stored variables of its source) at its events.
pub fn record_variables(
    st: &mut super::super::SimState,
    index: usize,
    variables: Option<&Dynamic>,
) -> RResult<()> {
    let Some(v) = variables else { return Ok(()) };
    let names = variable_names(v)?;
    let m = &st.net.spike_monitors[index];
    let what = if m.event == "spike" {
        "SpikeMonitor"
    } else {
        "EventMonitor"
    };
    let Some(ng) = st.net.neurons(m.source) else {
        return err(format!(
            "{what}: only a NeuronGroup has variables to record at its events"
        ));
    };
    let mut vars = Vec::new();
    for n in names {
        if n == "i" || n == "t" {
            // Brian 2 always records them (unless record: false); M.i and M.t give them.
            continue;
        }
        let k = ng.var_index(&n).ok_or_else(|| {
            let hint = crate::expr::closest(&n, ng.array_names.iter().map(String::as_str))
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            format!(
                "{what}: '{n}' is not a stored variable of {}{hint}",
                ng.spec.name
            )
        })?;
        if vars.iter().any(|(v, _)| v == &n) {
            continue;
        }
        vars.push((n, k));
    }
    st.net.spike_monitors[index].set_variables(vars);
    Ok(())
}

fn event_monitor(
    shared: &Shared,
    g: GroupHandle,
    event: &str,
    variables: Option<Dynamic>,
    opts: Map,
) -> RResult<SpikeMonitorHandle> {
    check_keys(
        &opts,
        &["variables", "record", "when", "order", "name"],
        "EventMonitor",
    )?;
    if opts.contains_key("order") && !opts.contains_key("when") {
        return err("EventMonitor: cannot give order without when");
    }
    if variables.is_some() && opts.contains_key("variables") {
        return err("EventMonitor: give the variables once (argument or option)");
    }
    let variables = variables.or_else(|| opts.get("variables").cloned());
    let record = match opts.get("record") {
        Some(r) => to_bool(r, "record")?,
        None => true,
    };
    let mut st = shared.borrow_mut();
    let event_index = match &st.net.groups[g.0.group] {
        Group::Neurons(ng) => ng
            .event_index(event)
            .map_err(|e| format!("EventMonitor: {e}"))?,
        other if event == "spike" => {
            let _ = other;
            None
        }
        other => {
            return err(format!(
                "EventMonitor: {} has only the event 'spike', not '{event}'",
                other.name()
            ))
        }
    };
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "eventmonitor"),
    };
    let mut m = SpikeMonitor::new(g.0, name);
    m.record = record;
    m.event = event.to_string();
    m.event_index = event_index;
    st.net.spike_monitors.push(m);
    let index = st.net.spike_monitors.len() - 1;
    let result = record_variables(&mut st, index, variables.as_ref()).and_then(|_| {
        let id = ObjectId {
            kind: Kind::SpikeMonitor,
            index,
        };
        super::schedule::apply(&mut st, id, &opts, true)
    });
    if let Err(e) = result {
        st.net.spike_monitors.pop();
        return Err(e);
    }
    Ok(SpikeMonitorHandle(index))
}

/// `SpikeMonitor(G, "v")`, `SpikeMonitor(G, ["v", "w"], #{...})`: an EventMonitor on
/// `spike` with variables.
fn spike_monitor_with(
    shared: &Shared,
    g: GroupHandle,
    variables: Dynamic,
    mut opts: Map,
) -> RResult<SpikeMonitorHandle> {
    check_keys(&opts, &["record", "when", "order", "name"], "SpikeMonitor")?;
    if let Some(ng) = shared.borrow().net.neurons(g.0) {
        if ng.spec.threshold.is_none() {
            return err(format!(
                "SpikeMonitor: the recorded group '{}' has no spikes: it has no threshold (did you forget to set a 'threshold'?)",
                ng.spec.name
            ));
        }
    }
    if !opts.contains_key("name") {
        let name = next_name(&mut shared.borrow_mut(), "spikemonitor");
        opts.insert("name".into(), name.into());
    }
    event_monitor(shared, g, "spike", Some(variables), opts)
}

fn run_regularly(
    shared: &Shared,
    owner: CodeOwner,
    code: &str,
    opts: Map,
) -> RResult<RunRegularlyHandle> {
    check_keys(
        &opts,
        &["dt", "clock", "when", "order", "name"],
        "run_regularly",
    )?;
    let mut o = RunRegularlyOptions::default();
    if let Some(n) = opts.get("name") {
        o.name = Some(to_string(n, "name")?);
    }
    if let Some(w) = opts.get("when") {
        o.when = Some(slot(w, "run_regularly")?);
    }
    if let Some(k) = opts.get("order") {
        o.order = order(k)?;
    }
    if let Some(d) = opts.get("dt") {
        o.dt = Some(to_si(d, Dimension::TIME, "dt")?);
    }
    if let Some(c) = opts.get("clock") {
        let c = c
            .clone()
            .try_cast::<super::schedule::ClockHandle>()
            .ok_or_else(|| format!("run_regularly: clock must be a Clock, not {}", describe(c)))?;
        o.clock = Some(c.0);
    }
    let mut st = shared.borrow_mut();
    let k = st
        .net
        .add_run_regularly(owner, code, o)
        .map_err(|e| e.to_string())?;
    Ok(RunRegularlyHandle(k))
}

fn with_group<R>(
    shared: &Shared,
    g: &GroupHandle,
    f: impl FnOnce(&mut crate::network::NeuronGroup) -> Result<R, String>,
) -> RResult<R> {
    let mut st = shared.borrow_mut();
    let ng = st
        .net
        .neurons_mut(g.0)
        .ok_or("only a NeuronGroup has events")?;
    if g.0.start != 0 || g.0.len != ng.len() {
        return err(format!(
            "{}: events belong to the whole group, not to a subgroup",
            ng.spec.name
        ));
    }
    f(ng).map_err(Into::into)
}

fn event_options(opts: &Map, what: &str) -> RResult<(Option<When>, Option<i32>)> {
    check_keys(opts, &["when", "order"], what)?;
    let when = opts.get("when").map(|w| slot(w, what)).transpose()?;
    let order = opts.get("order").map(order).transpose()?;
    Ok((when, order))
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<RunRegularlyHandle>("CodeRunner");
    let s = shared.clone();
    engine.register_fn(
        "run_regularly",
        move |g: &mut GroupHandle, code: ImmutableString| {
            run_regularly(&s, CodeOwner::Neurons(g.0), &code, Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "run_regularly",
        move |g: &mut GroupHandle, code: ImmutableString, o: Map| {
            run_regularly(&s, CodeOwner::Neurons(g.0), &code, o)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "run_regularly",
        move |g: &mut SynapsesHandle, code: ImmutableString| {
            run_regularly(&s, CodeOwner::Synapses(g.0), &code, Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "run_regularly",
        move |g: &mut SynapsesHandle, code: ImmutableString, o: Map| {
            run_regularly(&s, CodeOwner::Synapses(g.0), &code, o)
        },
    );
    let id = |h: &RunRegularlyHandle| ObjectId {
        kind: Kind::RunRegularly,
        index: h.0,
    };
    let s = shared.clone();
    engine.register_get("active", move |h: &mut RunRegularlyHandle| {
        s.borrow().net.scheduling(id(h)).active
    });
    let s = shared.clone();
    engine.register_set("active", move |h: &mut RunRegularlyHandle, on: bool| {
        s.borrow_mut().net.scheduling_mut(id(h)).active = on;
    });
    let s = shared.clone();
    engine.register_get(
        "name",
        move |h: &mut RunRegularlyHandle| -> ImmutableString {
            s.borrow().net.run_regularly[h.0].name.clone().into()
        },
    );
    let s = shared.clone();
    engine.register_get(
        "when",
        move |h: &mut RunRegularlyHandle| -> ImmutableString {
            let st = s.borrow();
            st.net
                .scheduling(id(h))
                .when
                .map_or("start".into(), |w| w.0.into())
        },
    );
    let s = shared.clone();
    engine.register_get("order", move |h: &mut RunRegularlyHandle| {
        s.borrow().net.scheduling(id(h)).order as INT
    });
    let s = shared.clone();
    engine.register_fn("to_string", move |h: &mut RunRegularlyHandle| -> String {
        let st = s.borrow();
        let r = &st.net.run_regularly[h.0];
        format!("CodeRunner(name='{}', code='{}')", r.name, r.code)
    });

    // Custom events.
    let s = shared.clone();
    engine.register_fn(
        "run_on_event",
        move |g: &mut GroupHandle, event: ImmutableString, code: ImmutableString| {
            with_group(&s, g, |ng| ng.run_on_event(&event, &code, None, None))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "run_on_event",
        move |g: &mut GroupHandle,
              event: ImmutableString,
              code: ImmutableString,
              o: Map|
              -> RResult<()> {
            let (when, order) = event_options(&o, "run_on_event")?;
            with_group(&s, g, |ng| ng.run_on_event(&event, &code, when, order))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "set_event_schedule",
        move |g: &mut GroupHandle, event: ImmutableString| {
            with_group(&s, g, |ng| ng.set_event_schedule(&event, None, None))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "set_event_schedule",
        move |g: &mut GroupHandle, event: ImmutableString, when: ImmutableString| -> RResult<()> {
            let when = slot(&Dynamic::from(when), "set_event_schedule")?;
            with_group(&s, g, |ng| ng.set_event_schedule(&event, Some(when), None))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "set_event_schedule",
        move |g: &mut GroupHandle, event: ImmutableString, o: Map| -> RResult<()> {
            let (when, order) = event_options(&o, "set_event_schedule")?;
            with_group(&s, g, |ng| ng.set_event_schedule(&event, when, order))
        },
    );

    // EventMonitor (a SpikeMonitor on any event) and SpikeMonitor variables.
    let s = shared.clone();
    engine.register_fn(
        "EventMonitor",
        move |g: GroupHandle, event: ImmutableString| {
            event_monitor(&s, g, &event, None, Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "EventMonitor",
        move |g: GroupHandle, event: ImmutableString, v: Dynamic| match v.clone().try_cast::<Map>()
        {
            Some(o) => event_monitor(&s, g, &event, None, o),
            None => event_monitor(&s, g, &event, Some(v), Map::new()),
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "EventMonitor",
        move |g: GroupHandle, event: ImmutableString, v: Dynamic, o: Map| {
            event_monitor(&s, g, &event, Some(v), o)
        },
    );
    let s = shared.clone();
    engine.register_fn("SpikeMonitor", move |g: GroupHandle, v: ImmutableString| {
        spike_monitor_with(&s, g, Dynamic::from(v), Map::new())
    });
    let s = shared.clone();
    engine.register_fn("SpikeMonitor", move |g: GroupHandle, v: Array| {
        spike_monitor_with(&s, g, Dynamic::from(v), Map::new())
    });
    let s = shared.clone();
    engine.register_fn("SpikeMonitor", move |g: GroupHandle, v: Dynamic, o: Map| {
        spike_monitor_with(&s, g, v, o)
    });
    for prop in ["num_events", "event"] {
        engine.register_set(
            prop,
            move |_: &mut SpikeMonitorHandle, _: Dynamic| -> RResult<()> {
                err(format!("EventMonitor.{prop} cannot be changed"))
            },
        );
    }
    let s = shared.clone();
    engine.register_get("num_events", move |m: &mut SpikeMonitorHandle| {
        s.borrow().net.spike_monitors[m.0].num_spikes() as INT
    });
    let s = shared.clone();
    engine.register_get(
        "event",
        move |m: &mut SpikeMonitorHandle| -> ImmutableString {
            s.borrow().net.spike_monitors[m.0].event.clone().into()
        },
    );
    // M.v: the recorded values of v at each event (Rhai tries the indexer for a
    // property it has no getter for).
    let s = shared.clone();
    engine.register_indexer_get(
        move |m: &mut SpikeMonitorHandle, var: ImmutableString| -> RResult<QuantityArray> {
            let st = s.borrow();
            let mon = &st.net.spike_monitors[m.0];
            let values = mon.variable_values(&var).ok_or_else(|| {
                let kind = if mon.event == "spike" {
                    "SpikeMonitor"
                } else {
                    "EventMonitor"
                };
                if mon.variables.is_empty() {
                    format!("this {kind} records no variable '{var}' (it records none; give them when creating it, as {kind}(G, {}[\"{var}\"]))", if mon.event == "spike" { "" } else { "event, " })
                } else {
                    format!(
                        "this {kind} records {:?}, not '{var}'",
                        mon.variables
                    )
                }
            })?;
            let dim = st
                .net
                .neurons(mon.source)
                .and_then(|g| g.var_dim(&var))
                .unwrap_or_default();
            Ok(QuantityArray::shared(values.clone(), dim).named(var.as_str()))
        },
    );
    engine.register_indexer_set(
        |_: &mut SpikeMonitorHandle, var: ImmutableString, _: Dynamic| -> RResult<()> {
            err(format!("the recorded values {var} cannot be changed"))
        },
    );
}
