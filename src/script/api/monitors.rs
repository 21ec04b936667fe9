//! Recording objects in scripts: SpikeMonitor and StateMonitor, with Brian 1 and Brian 2
//! accessors.

use super::super::convert::*;
use super::super::Shared;
use super::network::{check_keys, next_name, GroupHandle, Matrix};
use super::synapses::SynapsesHandle;
use crate::network::GroupRef;
use crate::network::{PopulationRateMonitor, SpikeMonitor, StateMonitor, When, Window};
use crate::units::{Dimension, ElementKind, Quantity, QuantityArray, SharedVec, WeakVec};
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, INT};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct SpikeMonitorHandle(pub usize);

#[derive(Clone, Debug)]
pub struct StateMonitorHandle(pub usize);

#[derive(Clone, Debug)]
pub struct RateMonitorHandle(pub usize);

/// What a StateMonitor records: neurons of a group, or synapses.
enum Recorded {
    Group(GroupHandle),
    Synapses(SynapsesHandle),
}

fn state_monitor(
    shared: &Shared,
    source: Recorded,
    vars: Dynamic,
    opts: Map,
) -> RResult<StateMonitorHandle> {
    check_keys(
        &opts,
        &["record", "when", "order", "dt", "clock", "timestep", "name"],
        "StateMonitor",
    )?;
    let names: Vec<String> = if vars.as_bool() == Ok(true) {
        // Brian 2's variables=True: every name of the equations (lastspike and
        // not_refractory with refractoriness).
        let st = shared.borrow();
        match &source {
            Recorded::Group(g) => {
                let ng = st
                    .net
                    .neurons(g.0)
                    .ok_or("a StateMonitor records a NeuronGroup or Synapses")?;
                let mut names: Vec<String> =
                    ng.eqs.equations.iter().map(|e| e.name.clone()).collect();
                if ng.spec.refractory.is_some() || ng.spec.refractory_code.is_some() {
                    names.extend(["lastspike".to_string(), "not_refractory".to_string()]);
                }
                names
            }
            Recorded::Synapses(h) => {
                let syn = &st.net.synapses[h.0];
                // Summed variables belong to the target group.
                syn.eqs
                    .equations
                    .iter()
                    .filter(|e| !e.has_flag("summed"))
                    .map(|e| e.name.clone())
                    .collect()
            }
        }
    } else if vars.is_string() {
        vec![to_string(&vars, "the variable")?]
    } else if let Some(a) = vars.clone().try_cast::<Array>() {
        a.iter()
            .map(|v| to_string(v, "a variable name"))
            .collect::<RResult<_>>()?
    } else {
        return err("StateMonitor needs a variable name, a list of names, or true (all)");
    };
    let mut st = shared.borrow_mut();
    // The recorded range; every name must be a variable of the source's table (stored,
    // subexpression, `i`, `N`, ...; for synapses also the neurons' `v_post`, ...).
    let (range, synapses, table, owner) = match &source {
        Recorded::Group(g) => {
            let ng = st
                .net
                .neurons(g.0)
                .ok_or("a StateMonitor records a NeuronGroup or Synapses")?;
            (g.0, None, ng.variables(), ng.spec.name.clone())
        }
        Recorded::Synapses(h) => {
            let syn = &st.net.synapses[h.0];
            (
                GroupRef {
                    group: 0,
                    start: 0,
                    len: syn.len(),
                },
                Some(h.0),
                syn.variables(&st.net.groups),
                syn.spec.name.clone(),
            )
        }
    };
    for n in &names {
        if !table.iter().any(|v| &v.name == n) {
            let known: Vec<&str> = table.iter().map(|v| v.name.as_str()).collect();
            let hint = crate::expr::closest(n, known.iter().copied())
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            return err(format!(
                "{owner} has no variable '{n}' to record{hint}; its variables are: {}",
                known.join(", ")
            ));
        }
    }
    let g = GroupHandle(range);
    let record: Vec<usize> = match opts.get("record") {
        None => (0..g.0.len).collect(),
        Some(r) if r.is_bool() => {
            if r.as_bool().unwrap_or(false) {
                (0..g.0.len).collect()
            } else {
                Vec::new()
            }
        }
        Some(r) if r.is_int() => vec![to_int(r, "record")? as usize],
        Some(r) => to_indices(r, "record")?,
    };
    if let Some(bad) = record.iter().find(|&&k| k >= g.0.len) {
        return err(format!(
            "cannot record neuron {bad} of a group of {}",
            g.0.len
        ));
    }
    let when = match opts
        .get("when")
        .map(|w| to_string(w, "when"))
        .transpose()?
        .as_deref()
    {
        None => When::start(),
        Some(slot) => When::from_slot(slot).ok_or_else(|| {
            format!("StateMonitor when: '{slot}' is not a slot; use one of start, groups, thresholds, synapses, resets, end (or before_/after_ them)")
        })?,
    };
    // Brian 2's `dt` gives the monitor a clock of its own; Brian 1's `timestep` records
    // every k-th tick of the source's clock.
    let own_dt = opts
        .get("dt")
        .map(|d| to_si(d, Dimension::TIME, "dt"))
        .transpose()?;
    let every = match opts.get("timestep") {
        Some(_) if own_dt.is_some() => return err("StateMonitor: give dt or timestep, not both"),
        Some(k) => match to_int(k, "timestep")? {
            k if k >= 1 => k as u64,
            k => {
                return err(format!(
                    "StateMonitor: timestep must be at least 1, got {k}"
                ))
            }
        },
        None => 1,
    };
    let name = match opts.get("name") {
        Some(n) => to_string(n, "name")?,
        None => next_name(&mut st, "statemonitor"),
    };
    let monitor = StateMonitor::of_variables(g.0, synapses, names, record, when, every, name);
    st.net.state_monitors.push(monitor);
    let index = st.net.state_monitors.len() - 1;
    let id = crate::network::ObjectId {
        kind: crate::network::Kind::StateMonitor,
        index,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(StateMonitorHandle(index))
}

/// Refuses a monitor of a group that never spikes, as Brian 2 does: a group needs a
/// threshold to have spikes (Poisson and generator groups always have them).
fn check_spikes(shared: &Shared, g: &GroupHandle, what: &str) -> RResult<()> {
    let st = shared.borrow();
    match st.net.neurons(g.0) {
        Some(ng) if ng.spec.threshold.is_none() => err(format!(
            "{what}: the recorded group '{}' has no spikes: it has no threshold (did you forget to set a 'threshold'?)",
            ng.spec.name
        )),
        _ => Ok(()),
    }
}

fn spike_monitor(shared: &Shared, g: GroupHandle, opts: Map) -> RResult<SpikeMonitorHandle> {
    check_keys(
        &opts,
        &["record", "name", "when", "order", "variables"],
        "SpikeMonitor",
    )?;
    if opts.contains_key("order") && !opts.contains_key("when") {
        // Brian 2: without `when` the monitor runs right after the source's threshold.
        return err("SpikeMonitor: cannot give order without when");
    }
    check_spikes(shared, &g, "SpikeMonitor")?;
    let record = match opts.get("record") {
        Some(r) => r.as_bool().map_err(|_| {
            format!(
                "SpikeMonitor: record should be true or false (whether indices and times are kept), got {}",
                describe(r)
            )
        })?,
        None => true,
    };
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "spikemonitor"),
    };
    let mut m = SpikeMonitor::new(g.0, name);
    m.record = record;
    st.net.spike_monitors.push(m);
    let index = st.net.spike_monitors.len() - 1;
    super::run_control::record_variables(&mut st, index, opts.get("variables"))?;
    let id = crate::network::ObjectId {
        kind: crate::network::Kind::SpikeMonitor,
        index,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(SpikeMonitorHandle(index))
}

/// The monitor, if it keeps indices and times; `what` is what the script asked for.
pub(crate) fn recorded<'a>(m: &'a SpikeMonitor, what: &str) -> RResult<&'a SpikeMonitor> {
    if m.record {
        Ok(m)
    } else {
        err(format!(
            "SpikeMonitor '{}' has no {what}: it was created with record: false, which keeps only count and num_spikes (indices and times have not been recorded; set record to true to record them)",
            m.name
        ))
    }
}

fn rate_monitor(shared: &Shared, g: GroupHandle, opts: Map) -> RResult<RateMonitorHandle> {
    check_keys(&opts, &["name"], "PopulationRateMonitor")?;
    check_spikes(shared, &g, "PopulationRateMonitor")?;
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "populationratemonitor"),
    };
    st.net
        .rate_monitors
        .push(PopulationRateMonitor::new(g.0, name));
    Ok(RateMonitorHandle(st.net.rate_monitors.len() - 1))
}

/// The dimension of a recorded variable, from the source's variables table.
fn var_dim(shared: &Shared, m: &StateMonitor, var: &str) -> Dimension {
    let st = shared.borrow();
    match m.synapses {
        Some(k) => st.net.synapses[k]
            .variable(var, &st.net.groups)
            .map(|v| v.dim),
        None => st
            .net
            .neurons(m.source)
            .and_then(|g| g.variable(var))
            .map(|v| v.dim),
    }
    .unwrap_or_default()
}

/// Recorded arrays a script reads in another form than they are stored (spike indices
/// and counts as numbers, a StateMonitor's time-major recording one row per element),
/// converted once for each recording and kept: reading `M.i[k]` or `M.v[j][k]` in a loop
/// converts once, not at every read. An entry is used only while its source is the
/// same, unchanged array (recording, restoring or reinit make a new one: [`WeakVec`]).
#[derive(Default)]
struct Converted {
    spike_i: HashMap<usize, (WeakVec<u32>, SharedVec<f64>)>,
    spike_count: HashMap<usize, (WeakVec<u64>, SharedVec<f64>)>,
    /// (monitor, variable): the recording element-major.
    state: HashMap<(usize, usize), (WeakVec<f64>, SharedVec<f64>)>,
}

/// The conversion of `source` kept under `key`, made if missing or out of date.
fn converted<K: std::hash::Hash + Eq, T>(
    cache: &mut HashMap<K, (WeakVec<T>, SharedVec<f64>)>,
    key: K,
    source: &SharedVec<T>,
    convert: impl FnOnce(&SharedVec<T>) -> Vec<f64>,
) -> SharedVec<f64> {
    if let Some((of, values)) = cache.get(&key) {
        if of.is_of(source) {
            return values.clone();
        }
    }
    let values = SharedVec::from_vec(convert(source));
    cache.insert(key, (source.downgrade(), values.clone()));
    values
}

/// A StateMonitor's variable `var` element-major (one row per recorded element), from
/// the cache.
fn element_major(
    cache: &RefCell<Converted>,
    mon: &StateMonitor,
    m: usize,
    var: usize,
) -> SharedVec<f64> {
    converted(
        &mut cache.borrow_mut().state,
        (m, var),
        mon.recording(var),
        |_| mon.element_major(var),
    )
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    let cache: Rc<RefCell<Converted>> = Default::default();
    engine.register_type_with_name::<SpikeMonitorHandle>("SpikeMonitor");
    engine.register_type_with_name::<StateMonitorHandle>("StateMonitor");
    engine.register_type_with_name::<RateMonitorHandle>("PopulationRateMonitor");

    let s = shared.clone();
    engine.register_fn("SpikeMonitor", move |g: GroupHandle| {
        spike_monitor(&s, g, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("SpikeMonitor", move |g: GroupHandle, o: Map| {
        spike_monitor(&s, g, o)
    });
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_get(
        "i",
        move |m: &mut SpikeMonitorHandle| -> RResult<QuantityArray> {
            let st = s.borrow();
            let mon = recorded(&st.net.spike_monitors[m.0], "i")?;
            let i = converted(&mut c.borrow_mut().spike_i, m.0, &mon.i, |i| {
                i.iter().map(|&i| f64::from(i)).collect()
            });
            Ok(QuantityArray::shared(i, Dimension::DIMENSIONLESS)
                .with_kind(ElementKind::Int)
                .named("i"))
        },
    );
    let s = shared.clone();
    engine.register_get(
        "t",
        move |m: &mut SpikeMonitorHandle| -> RResult<QuantityArray> {
            let st = s.borrow();
            let mon = recorded(&st.net.spike_monitors[m.0], "t")?;
            Ok(QuantityArray::shared(mon.t.clone(), Dimension::TIME).named("t"))
        },
    );
    // Brian 2's `i, t = M.it`: Rhai has no tuple unpacking, so `let it = M.it;` and
    // `it[0]`, `it[1]`.
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_get("it", move |m: &mut SpikeMonitorHandle| -> RResult<Array> {
        let st = s.borrow();
        let mon = recorded(&st.net.spike_monitors[m.0], "i")?;
        let i = converted(&mut c.borrow_mut().spike_i, m.0, &mon.i, |i| {
            i.iter().map(|&i| f64::from(i)).collect()
        });
        let mon = recorded(&st.net.spike_monitors[m.0], "t")?;
        Ok(vec![
            Dynamic::from(
                QuantityArray::shared(i, Dimension::DIMENSIONLESS)
                    .with_kind(ElementKind::Int)
                    .named("i"),
            ),
            Dynamic::from(QuantityArray::shared(mon.t.clone(), Dimension::TIME).named("t")),
        ])
    });
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_get("count", move |m: &mut SpikeMonitorHandle| {
        let st = s.borrow();
        let mon = &st.net.spike_monitors[m.0];
        let count = converted(&mut c.borrow_mut().spike_count, m.0, &mon.count, |n| {
            n.iter().map(|&n| n as f64).collect()
        });
        QuantityArray::shared(count, Dimension::DIMENSIONLESS)
            .with_kind(ElementKind::Int)
            .named("count")
    });
    let s = shared.clone();
    engine.register_get("num_spikes", move |m: &mut SpikeMonitorHandle| {
        s.borrow().net.spike_monitors[m.0].num_spikes() as INT
    });
    let s = shared.clone();
    engine.register_get("nspikes", move |m: &mut SpikeMonitorHandle| {
        s.borrow().net.spike_monitors[m.0].num_spikes() as INT
    });
    let s = shared.clone();
    engine.register_fn(
        "spike_trains",
        move |m: &mut SpikeMonitorHandle| -> RResult<Array> {
            let st = s.borrow();
            let mon = recorded(&st.net.spike_monitors[m.0], "spike_trains()")?;
            Ok(mon
                .spike_trains()
                .into_iter()
                .map(|tr| Dynamic::from(QuantityArray::new(tr, Dimension::TIME)))
                .collect())
        },
    );
    let s = shared.clone();
    engine.register_get(
        "spikes",
        move |m: &mut SpikeMonitorHandle| -> RResult<Array> {
            let st = s.borrow();
            let mon = recorded(&st.net.spike_monitors[m.0], "spikes")?;
            Ok(mon
                .i
                .iter()
                .zip(&mon.t)
                .map(|(&i, &t)| {
                    let pair: Array = vec![
                        Dynamic::from_int(i as INT),
                        Dynamic::from(crate::units::Quantity::new(t, Dimension::TIME)),
                    ];
                    Dynamic::from(pair)
                })
                .collect())
        },
    );
    // Recorded data are read-only: `M.t[0] = x` reads M.t, changes the copy and writes it
    // back through a setter, which refuses (without one, Rhai drops the change silently).
    for prop in ["i", "t", "count", "num_spikes", "nspikes", "spikes"] {
        engine.register_set(
            prop,
            move |_: &mut SpikeMonitorHandle, _: Dynamic| -> RResult<()> {
                err(format!(
                    "SpikeMonitor.{prop} is recorded data and cannot be changed"
                ))
            },
        );
    }
    let s = shared.clone();
    engine.register_fn("len", move |m: &mut SpikeMonitorHandle| {
        s.borrow().net.spike_monitors[m.0].source.len as INT
    });

    let s = shared.clone();
    engine.register_fn("StateMonitor", move |g: GroupHandle, v: Dynamic| {
        state_monitor(&s, Recorded::Group(g), v, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("StateMonitor", move |g: GroupHandle, v: Dynamic, o: Map| {
        state_monitor(&s, Recorded::Group(g), v, o)
    });
    let s = shared.clone();
    engine.register_fn("StateMonitor", move |g: SynapsesHandle, v: Dynamic| {
        state_monitor(&s, Recorded::Synapses(g), v, Map::new())
    });
    let s = shared.clone();
    engine.register_fn(
        "StateMonitor",
        move |g: SynapsesHandle, v: Dynamic, o: Map| state_monitor(&s, Recorded::Synapses(g), v, o),
    );
    let s = shared.clone();
    engine.register_fn("PopulationRateMonitor", move |g: GroupHandle| {
        rate_monitor(&s, g, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("PopulationRateMonitor", move |g: GroupHandle, o: Map| {
        rate_monitor(&s, g, o)
    });
    for prop in ["t", "rate"] {
        engine.register_set(
            prop,
            move |_: &mut RateMonitorHandle, _: Dynamic| -> RResult<()> {
                err(format!(
                    "PopulationRateMonitor.{prop} is recorded data and cannot be changed"
                ))
            },
        );
    }
    let s = shared.clone();
    engine.register_get("t", move |m: &mut RateMonitorHandle| {
        QuantityArray::shared(s.borrow().net.rate_monitors[m.0].t.clone(), Dimension::TIME)
            .named("t")
    });
    let s = shared.clone();
    engine.register_get("rate", move |m: &mut RateMonitorHandle| {
        QuantityArray::shared(
            s.borrow().net.rate_monitors[m.0].rate.clone(),
            Dimension::TIME.inverse(),
        )
        .named("rate")
    });
    let s = shared.clone();
    engine.register_fn(
        "smooth_rate",
        move |m: &mut RateMonitorHandle, o: Map| -> RResult<QuantityArray> {
            check_keys(&o, &["window", "width"], "smooth_rate")?;
            // Brian 2: a named window with a width, or an array of weights without one.
            if let Some(w) = o.get("window").filter(|w| !w.is_string()) {
                if o.contains_key("width") {
                    return err("smooth_rate: a width goes with a named window (\"gaussian\" or \"flat\"), not with an array of weights");
                }
                let weights = to_qarray(w, "the window")?.values.into_vec();
                if weights.len() % 2 != 1 {
                    return err(format!(
                        "smooth_rate: the window must have an odd number of values, not {}",
                        weights.len()
                    ));
                }
                let st = s.borrow();
                let dt = st.net.default_dt();
                return Ok(QuantityArray::new(
                    st.net.rate_monitors[m.0].smooth_rate(Window::Custom(weights), 0.0, dt),
                    Dimension::TIME.inverse(),
                ));
            }
            let window = match o
                .get("window")
                .map(|w| to_string(w, "window"))
                .transpose()?
                .as_deref()
            {
                None | Some("gaussian") => Window::Gaussian,
                Some("flat") => Window::Flat,
                Some(other) => {
                    return err(format!(
                        "smooth_rate: unknown window '{other}' (use \"gaussian\" or \"flat\")"
                    ))
                }
            };
            let width = to_si(
                o.get("width")
                    .ok_or("smooth_rate needs a width, e.g. #{ width: 1*ms }")?,
                Dimension::TIME,
                "width",
            )?;
            let st = s.borrow();
            let dt = st.net.default_dt();
            if !(width > 0.0) || !width.is_finite() {
                return err(format!(
                    "smooth_rate: the width must be a positive time, not {}",
                    Quantity::new(width, Dimension::TIME)
                ));
            }
            Ok(QuantityArray::new(
                st.net.rate_monitors[m.0].smooth_rate(window, width, dt),
                Dimension::TIME.inverse(),
            ))
        },
    );
    for prop in ["t", "times"] {
        let s = shared.clone();
        engine.register_get(prop, move |m: &mut StateMonitorHandle| {
            QuantityArray::shared(
                s.borrow().net.state_monitors[m.0].t().clone(),
                Dimension::TIME,
            )
            .named("t")
        });
    }
    // Brian 1: M[k] is the trace of neuron k (which must be recorded), first variable.
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_indexer_get(
        move |m: &mut StateMonitorHandle, k: INT| -> RResult<QuantityArray> {
            let st = s.borrow();
            let mon = &st.net.state_monitors[m.0];
            let pos = mon
                .record
                .iter()
                .position(|&r| r as INT == k)
                .ok_or_else(|| {
                    format!(
                        "neuron {k} is not recorded by this StateMonitor (recorded: {:?})",
                        mon.record
                    )
                })?;
            let var = mon.vars[0].clone();
            let steps = mon.len();
            let values = element_major(&c, mon, m.0, 0).slice(pos * steps..(pos + 1) * steps);
            drop(st);
            let dim = var_dim(&s, &s.borrow().net.state_monitors[m.0], &var);
            let mut trace = QuantityArray::shared(values, dim).named(var.as_str());
            if let Some(l) = trace.label.as_mut() {
                l.trace = Some((m.0, pos));
            }
            Ok(trace)
        },
    );
    // Brian 2: M[k].v, M[k].t (Rhai reads a missing property `.v` as the indexer ["v"]).
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_indexer_get(
        move |a: &mut QuantityArray, var: ImmutableString| -> RResult<QuantityArray> {
            // Brian 2's `G.v["v > -50*mV"]`: the values where the condition holds.
            if let Some(crate::units::VariableSource::Group {
                group, start, len, ..
            }) = a.label.as_ref().and_then(|l| l.source.clone())
            {
                let mut st = s.borrow_mut();
                let externals = st.namespace_values();
                let (t, dt) = (st.net.t(), st.net.default_dt());
                let net = &mut st.net;
                let Some(crate::network::Group::Neurons(ng)) = net.groups.get_mut(group) else {
                    return err("only a NeuronGroup's variables take a condition string");
                };
                let picked = ng
                    .indices_where(&var, (start, len), t, dt, &externals, &mut net.rng)
                    .map_err(|e| e.to_string())?;
                return Ok(QuantityArray::new(
                    picked.iter().map(|&k| a.values[k]).collect(),
                    a.dim,
                ));
            }
            // Brian 2's `S.w["i > j"]`: the synapses' values where the condition holds.
            if let Some(crate::units::VariableSource::Synapses { index, .. }) =
                a.label.as_ref().and_then(|l| l.source.clone())
            {
                let mut st = s.borrow_mut();
                let syn = &st.net.synapses[index];
                if let Some(n) = crate::expr::parse_expr(&var).ok().and_then(|e| {
                    e.names()
                        .into_iter()
                        .find(|n| n != "i" && n != "j" && syn.var_index(n).is_some())
                }) {
                    return err(format!(
                        "S.x[\"{var}\"]: a condition read from synapses may use i, j and the \
                         neurons' variables (x_pre, x_post), not the synaptic variable '{n}' \
                         (yet); select with a mask instead: S.x[S.{n} > ...]"
                    ));
                }
                let externals = st.namespace_values();
                let mask = st
                    .net
                    .synapse_values(index, &var, Dimension::DIMENSIONLESS, &externals)
                    .map_err(|e| e.to_string())?;
                return Ok(QuantityArray::new(
                    (0..a.len().min(mask.len()))
                        .filter(|&k| mask[k] != 0.0)
                        .map(|k| a.values[k])
                        .collect(),
                    a.dim,
                )
                .with_kind(a.kind));
            }
            let Some((m, pos)) = a.label.as_ref().and_then(|l| l.trace) else {
                return err(format!(
                    "an array has no property '{var}' (only a StateMonitor's trace M[k] \
                     has its recorded variables: M[k].{var}; a group's variable takes a \
                     condition string: G.v[\"v > 0*mV\"])"
                ));
            };
            let st = s.borrow();
            let mon = &st.net.state_monitors[m];
            if var == "t" || var == "times" {
                return Ok(QuantityArray::shared(mon.t().clone(), Dimension::TIME).named("t"));
            }
            let v = mon
                .var_position(&var)
                .ok_or_else(|| format!("this StateMonitor records {:?}, not '{var}'", mon.vars))?;
            let steps = mon.len();
            let values = element_major(&c, mon, m, v).slice(pos * steps..(pos + 1) * steps);
            drop(st);
            let dim = var_dim(&s, &s.borrow().net.state_monitors[m], &var);
            let mut trace = QuantityArray::shared(values, dim).named(var.as_str());
            if let Some(l) = trace.label.as_mut() {
                l.trace = Some((m, pos));
            }
            Ok(trace)
        },
    );
    for prop in ["t", "times"] {
        engine.register_set(
            prop,
            move |_: &mut StateMonitorHandle, _: Dynamic| -> RResult<()> {
                err(format!(
                    "StateMonitor.{prop} is recorded data and cannot be changed"
                ))
            },
        );
    }
    engine.register_indexer_set(
        |_: &mut StateMonitorHandle, k: INT, _: Dynamic| -> RResult<()> {
            err(format!(
                "the trace M[{k}] of a StateMonitor is recorded data and cannot be changed"
            ))
        },
    );
    engine.register_indexer_set(
        |_: &mut StateMonitorHandle, var: ImmutableString, _: Dynamic| -> RResult<()> {
            err(format!(
                "StateMonitor.{var} is recorded data and cannot be changed"
            ))
        },
    );
    // Brian 2: M.v is a matrix, one row per recorded neuron.
    let (s, c) = (shared.clone(), cache.clone());
    engine.register_indexer_get(
        move |m: &mut StateMonitorHandle, var: ImmutableString| -> RResult<Matrix> {
            let st = s.borrow();
            let mon = &st.net.state_monitors[m.0];
            let v = mon
                .var_position(&var)
                .ok_or_else(|| format!("this StateMonitor records {:?}, not '{var}'", mon.vars))?;
            let (width, steps) = (mon.record.len(), mon.len());
            let data = element_major(&c, mon, m.0, v);
            drop(st);
            let dim = var_dim(&s, &s.borrow().net.state_monitors[m.0], &var);
            Ok(Matrix::from_data(data, width, steps, dim))
        },
    );
}
