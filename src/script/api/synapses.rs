//! Brian 2's Synapses in scripts: construction with a model and on_pre/on_post code,
//! `connect`, per-synapse variables (`S.w`, `S.i`, `S.j`), delays (`S.delay`,
//! `S.pre.delay`, `S.post.delay`).

use super::super::convert::*;
use super::super::Shared;
use super::network::{check_keys, next_name, GroupHandle};
use crate::network::{Assigned, ConnectRule, DelayValue, Synapses, SynapsesSpec};
use crate::units::{Dimension, QuantityArray};
use rhai::{Dynamic, Engine, ImmutableString, Map, INT};

#[derive(Clone, Debug)]
pub struct SynapsesHandle(pub usize);

/// One pathway of a Synapses object (`S.pre`, `S.post`), for its delay.
#[derive(Clone, Debug)]
pub struct PathwayHandle(pub usize, pub String);

/// `on_pre: "v += w"` or `on_pre: #{ pre: "...", pre2: "..." }`.
fn pathways(v: Option<&Dynamic>, default: &str) -> RResult<Vec<(String, String)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    if let Some(map) = v.clone().try_cast::<Map>() {
        return map
            .iter()
            .map(|(k, c)| {
                Ok((
                    k.to_string(),
                    to_string(c, &format!("the code of pathway '{k}'"))?,
                ))
            })
            .collect();
    }
    Ok(vec![(
        default.to_string(),
        to_string(v, &format!("on_{default}"))?,
    )])
}

fn synapses(
    shared: &Shared,
    src: GroupHandle,
    tgt: GroupHandle,
    model: Option<String>,
    opts: Map,
) -> RResult<SynapsesHandle> {
    check_keys(
        &opts,
        &[
            "model",
            "on_pre",
            "on_post",
            "pre",
            "post",
            "delay",
            "method",
            "name",
            "order",
            "dt",
            "clock",
            "on_event",
            "namespace",
        ],
        "Synapses",
    )?;
    let model = match (model, opts.get("model")) {
        (Some(m), _) => m,
        (None, Some(m)) => to_string(m, "model")?,
        (None, None) => String::new(),
    };
    let mut on_pre = pathways(opts.get("on_pre").or(opts.get("pre")), "pre")?;
    let on_post = pathways(opts.get("on_post").or(opts.get("post")), "post")?;
    on_pre.sort();
    let on_event = super::run_control::on_event_option(opts.get("on_event"))?;
    let delay = match opts.get("delay") {
        Some(d) => Some(to_si(d, Dimension::TIME, "delay")?),
        None => None,
    };
    let method = opts
        .get("method")
        .map(|m| to_string(m, "method"))
        .transpose()?;
    let mut st = shared.borrow_mut();
    let namespace = super::network::namespace_option(&opts)?;
    let spiking = |code: &[(String, String)]| {
        code.iter()
            .any(|(p, _)| !super::run_control::custom_event_pathway(&on_event, p))
    };
    st.net
        .check_synapse_groups(src.0, tgt.0, spiking(&on_pre), spiking(&on_post))
        .map_err(|e| e.to_string())?;
    let name = match opts.get("name") {
        Some(n) => to_string(n, "name")?,
        None => next_name(&mut st, "synapses"),
    };
    let spec = SynapsesSpec {
        source: src.0,
        target: tgt.0,
        model,
        on_pre,
        on_post,
        delay,
        on_event,
        method,
        name,
        namespace,
    };
    let syn = Synapses::new(spec).map_err(|e| e.to_string())?;
    st.net.synapses.push(syn);
    let index = st.net.synapses.len() - 1;
    let id = crate::network::ObjectId {
        kind: crate::network::Kind::Synapses,
        index,
    };
    super::schedule::apply(&mut st, id, &opts, false)?;
    Ok(SynapsesHandle(index))
}

/// An index argument of `connect`: an integer, or an array of them.
fn index_argument(d: &Dynamic, what: &str) -> RResult<Vec<usize>> {
    if let Ok(k) = d.as_int() {
        return match usize::try_from(k) {
            Ok(k) => Ok(vec![k]),
            Err(_) => err(format!("connect: {what} must not be negative, got {k}")),
        };
    }
    to_indices(d, what)
}

fn connect(shared: &Shared, s: &SynapsesHandle, opts: Map) -> RResult<()> {
    check_keys(
        &opts,
        &["condition", "p", "n", "i", "j", "skip_if_invalid"],
        "connect",
    )?;
    let mut rule = ConnectRule {
        p: 1.0,
        n: 1,
        ..Default::default()
    };
    if let Some(c) = opts.get("condition") {
        match c.as_bool() {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(_) => rule.condition = Some(to_string(c, "condition")?),
        }
    }
    if let Some(p) = opts.get("p") {
        if p.is_string() {
            rule.p_expr = Some(to_string(p, "p")?);
        } else {
            rule.p = to_quantity(p, "p")?
                .to_f64("p")
                .map_err(|e| e.to_string())?;
        }
    }
    if let Some(n) = opts.get("n") {
        if n.is_string() {
            rule.n_expr = Some(to_string(n, "n")?);
        } else {
            rule.n = match to_int(n, "n")? {
                k if k >= 0 => k as usize,
                k => return err(format!("connect: n must not be negative, got {k}")),
            };
        }
    }
    if let Some(b) = opts.get("skip_if_invalid") {
        rule.skip_if_invalid = b
            .as_bool()
            .map_err(|_| "connect: skip_if_invalid must be true or false")?;
    }
    match (opts.get("i"), opts.get("j")) {
        (Some(i), _) if i.is_string() => rule.i = Some(to_string(i, "i")?),
        (_, Some(j)) if j.is_string() => rule.j = Some(to_string(j, "j")?),
        (Some(i), Some(j)) => {
            let (mut is, mut js) = (index_argument(i, "i")?, index_argument(j, "j")?);
            // Broadcast a single index against an array, as NumPy does.
            if is.len() == 1 && js.len() > 1 {
                is = vec![is[0]; js.len()];
            } else if js.len() == 1 && is.len() > 1 {
                js = vec![js[0]; is.len()];
            }
            rule.pairs = Some((is, js))
        }
        (None, None) => {}
        _ => return err("connect needs both i and j as indices, or one of them as an expression or generator of the other"),
    }
    if opts.get("i").is_some_and(|d| d.is_string()) && opts.contains_key("j") {
        return err("connect: generator syntax for i cannot be combined with a j argument");
    }
    if opts.get("j").is_some_and(|d| d.is_string()) && opts.contains_key("i") {
        return err("connect: generator syntax for j cannot be combined with an i argument");
    }
    if rule.skip_if_invalid && rule.pairs.is_some() {
        return err("connect: skip_if_invalid works with string expressions only, as in Brian 2");
    }
    if rule.condition.is_some() && (rule.pairs.is_some() || rule.i.is_some() || rule.j.is_some()) {
        return err("connect: a condition cannot be combined with i or j arguments");
    }
    let mut st = shared.borrow_mut();
    let ns = st.synapses_namespace(s.0);
    st.net.connect(s.0, &rule, &ns).map_err(|e| e.to_string())?;
    Ok(())
}

/// Reads a variable through the synapses' variables table: per-synapse arrays (`w`,
/// `i`, `j`, `delay`, subexpressions, the neurons' `v_post`, ...), shared values and sizes
/// (`N`, `N_pre`, `N_post`) as one value, and `w_` without units.
fn get_var(shared: &Shared, s: &SynapsesHandle, name: &str) -> RResult<Dynamic> {
    let st = shared.borrow();
    let syn = &st.net.synapses[s.0];
    let groups = &st.net.groups;
    let (base, unitless) = match name.strip_suffix('_') {
        Some(b) if syn.variable(name, groups).is_none() && syn.variable(b, groups).is_some() => {
            (b, true)
        }
        _ => (name, false),
    };
    let var = syn
        .variable(base, groups)
        .ok_or_else(|| unknown_read(syn, groups, name))?;
    let externals = st.synapses_namespace(s.0);
    let (values, dim) = syn
        .values(base, groups, st.net.t(), st.net.default_dt(), &externals)
        .map_err(|e| e.to_string())?;
    let mut out = super::network::variable_value(&var, values, dim, unitless);
    if let Some(a) = out
        .write_lock::<QuantityArray>()
        .as_deref_mut()
        .filter(|_| !unitless)
    {
        a.label.get_or_insert_with(Default::default).source =
            Some(crate::units::VariableSource::Synapses {
                index: s.0,
                name: base.to_string(),
            });
    }
    Ok(out)
}

fn unknown_read(
    syn: &Synapses,
    groups: &[crate::network::Group],
    name: &str,
) -> Box<rhai::EvalAltResult> {
    let table = syn.variables(groups);
    let names: Vec<&str> = table.iter().map(|v| v.name.as_str()).collect();
    let hint = crate::expr::closest(name, names.iter().copied())
        .map(|h| format!(" (did you mean '{h}'?)"))
        .unwrap_or_default();
    format!(
        "{} has no variable '{name}'{hint}; its variables are: {}",
        syn.spec.name,
        names.join(", ")
    )
    .into()
}

/// A value written into every synapse: a code string, or a quantity or array.
fn assigned(value: &Dynamic, what: &str) -> RResult<Assigned> {
    Ok(if value.is_string() {
        Assigned::Code(to_string(value, what)?)
    } else {
        Assigned::Values(to_qarray(value, what)?)
    })
}

fn set_delay(shared: &Shared, s: usize, pathway: &str, value: Dynamic) -> RResult<()> {
    let delay = if value.is_string()
        || value.clone().try_cast::<QuantityArray>().is_some()
        || value.is_array()
    {
        DelayValue::PerSynapse(assigned(&value, "the delay")?)
    } else {
        DelayValue::Homogeneous(to_quantity(&value, "the delay")?)
    };
    let mut st = shared.borrow_mut();
    let ns = st.synapses_namespace(s);
    st.net
        .set_synapse_delay(s, pathway, &delay, &ns)
        .map_err(|e| e.to_string().into())
}

fn set_var(shared: &Shared, s: &SynapsesHandle, name: &str, value: Dynamic) -> RResult<()> {
    if name == "delay" {
        return set_delay(shared, s.0, "pre", value);
    }
    let what = if value.is_string() {
        name.to_string()
    } else {
        format!("the value for '{name}'")
    };
    let value = assigned(&value, &what)?;
    let mut st = shared.borrow_mut();
    let ns = st.synapses_namespace(s.0);
    st.net
        .set_synapse_variable(s.0, name, &value, &ns)
        .map_err(|e| e.to_string().into())
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<SynapsesHandle>("Synapses");
    engine.register_type_with_name::<PathwayHandle>("SynapticPathway");
    // Brian 2's Synapses(G, model=...): without a target, the source is the target.
    let sh = shared.clone();
    engine.register_fn("Synapses", move |a: GroupHandle| {
        synapses(&sh, a.clone(), a, None, Map::new())
    });
    let sh = shared.clone();
    engine.register_fn("Synapses", move |a: GroupHandle, o: Map| {
        synapses(&sh, a.clone(), a, None, o)
    });
    engine.register_fn(
        "Synapses",
        |_: GroupHandle, m: ImmutableString| -> RResult<SynapsesHandle> {
            err(format!(
                "Synapses(G, \"{m}\"): the second argument is the target group, as in \
                 Brian 2; write Synapses(G, G, \"{m}\") or Synapses(G, #{{ model: \"{m}\" }})"
            ))
        },
    );
    let sh = shared.clone();
    engine.register_fn("Synapses", move |a: GroupHandle, b: GroupHandle| {
        synapses(&sh, a, b, None, Map::new())
    });
    let sh = shared.clone();
    engine.register_fn("Synapses", move |a: GroupHandle, b: GroupHandle, o: Map| {
        synapses(&sh, a, b, None, o)
    });
    let sh = shared.clone();
    engine.register_fn(
        "Synapses",
        move |a: GroupHandle, b: GroupHandle, m: ImmutableString| {
            synapses(&sh, a, b, Some(m.to_string()), Map::new())
        },
    );
    let sh = shared.clone();
    engine.register_fn(
        "Synapses",
        move |a: GroupHandle, b: GroupHandle, m: ImmutableString, o: Map| {
            synapses(&sh, a, b, Some(m.to_string()), o)
        },
    );
    let sh = shared.clone();
    engine.register_fn("connect", move |s: &mut SynapsesHandle| {
        connect(&sh, s, Map::new())
    });
    let sh = shared.clone();
    engine.register_fn("connect", move |s: &mut SynapsesHandle, o: Map| {
        connect(&sh, s, o)
    });
    let sh = shared.clone();
    engine.register_fn(
        "connect",
        move |s: &mut SynapsesHandle, c: ImmutableString| {
            let mut o = Map::new();
            o.insert("condition".into(), Dynamic::from(c));
            connect(&sh, s, o)
        },
    );
    let sh = shared.clone();
    engine.register_fn(
        "connect",
        move |s: &mut SynapsesHandle, c: ImmutableString, mut o: Map| {
            if o.contains_key("condition") {
                return err("connect: the condition is given twice (as the first argument and as condition:)");
            }
            o.insert("condition".into(), Dynamic::from(c));
            connect(&sh, s, o)
        },
    );
    let sh = shared.clone();
    engine.register_fn("connect", move |s: &mut SynapsesHandle, c: bool| {
        let mut o = Map::new();
        o.insert("condition".into(), Dynamic::from(c));
        connect(&sh, s, o)
    });
    for f in ["to_string", "to_debug"] {
        let sh = shared.clone();
        engine.register_fn(f, move |s: &mut SynapsesHandle| {
            let st = sh.borrow();
            let syn = &st.net.synapses[s.0];
            format!(
                "<Synapses '{}': {} synapses, variables {}>",
                syn.spec.name,
                syn.len(),
                syn.array_names.join(", ")
            )
        });
    }
    let sh = shared.clone();
    engine.register_fn("len", move |s: &mut SynapsesHandle| {
        sh.borrow().net.synapses[s.0].len() as INT
    });
    let sh = shared.clone();
    engine.register_indexer_get(move |s: &mut SynapsesHandle, name: &str| get_var(&sh, s, name));
    let sh = shared.clone();
    engine.register_indexer_set(move |s: &mut SynapsesHandle, name: &str, v: Dynamic| {
        set_var(&sh, s, name, v)
    });
    for side in ["pre", "post"] {
        engine.register_get(side, move |s: &mut SynapsesHandle| {
            PathwayHandle(s.0, side.to_string())
        });
    }
    let sh = shared.clone();
    engine.register_get(
        "delay",
        move |p: &mut PathwayHandle| -> RResult<QuantityArray> {
            let st = sh.borrow();
            let delays = st
                .net
                .synapse_delays(p.0, &p.1)
                .map_err(|e| e.to_string())?;
            Ok(QuantityArray::new(delays, Dimension::TIME))
        },
    );
    let sh = shared.clone();
    engine.register_set("delay", move |p: &mut PathwayHandle, v: Dynamic| {
        set_delay(&sh, p.0, &p.1, v)
    });
}
