//! Groups, connections and running, in Brian's names: NeuronGroup, PoissonGroup,
//! SpikeGeneratorGroup, PulsePacket, Connection, run, seed, defaultclock.

use super::super::convert::*;
use super::super::{Shared, SimState};
use crate::network::*;
use crate::units::{Dimension, Quantity, QuantityArray};
use rand::Rng;
use rand_distr::StandardNormal;
use rhai::{Dynamic, Engine, FnPtr, ImmutableString, Map, NativeCallContext, INT};

/// A group or subgroup as scripts see it.
#[derive(Clone, Debug)]
pub struct GroupHandle(pub GroupRef);

#[derive(Clone, Debug)]
pub struct ConnectionHandle(pub usize);

#[derive(Clone, Debug)]
pub struct PoissonInputHandle(pub usize);

/// A threshold object (EmpiricalThreshold).
#[derive(Clone, Debug)]
pub struct ThresholdObject(pub Threshold);

/// `defaultclock`, whose `dt` can be read and set.
#[derive(Clone, Debug)]
pub struct DefaultClock;

/// A 2-D array (weight matrices, monitor traces): rows of equal length, one unit.
#[derive(Clone, Debug)]
pub struct Matrix {
    pub rows: Vec<Vec<f64>>,
    pub dim: Dimension,
}

pub(super) fn check_keys(opts: &Map, allowed: &[&str], what: &str) -> RResult<()> {
    for k in opts.keys() {
        if !allowed.contains(&k.as_str()) {
            let hint = crate::expr::closest(k, allowed.iter().copied())
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            return err(format!(
                "{what} has no option '{k}'{hint}; its options are: {}",
                allowed.join(", ")
            ));
        }
    }
    Ok(())
}

/// Brian 2's automatic names: `base`, then `base_1`, `base_2`, ..., skipping names that
/// objects already have (a script may have chosen one).
pub(super) fn next_name(st: &mut SimState, base: &str) -> String {
    loop {
        let c = st.counters.entry(base.to_string()).or_insert(0);
        *c += 1;
        let name = if *c == 1 {
            base.to_string()
        } else {
            format!("{base}_{}", *c - 1)
        };
        if !st.net.object_names().contains(&name.as_str()) {
            return name;
        }
    }
}

fn neuron_group(shared: &Shared, n: INT, model: String, opts: Map) -> RResult<GroupHandle> {
    check_keys(
        &opts,
        &[
            "N",
            "model",
            "threshold",
            "reset",
            "refractory",
            "method",
            "implicit",
            "freeze",
            "compile",
            "name",
            "namespace",
            "dt",
            "order",
            "clock",
            "events",
        ],
        "NeuronGroup",
    )?;
    if n < 0 {
        return err(format!(
            "a NeuronGroup needs a non-negative number of neurons, got {n}"
        ));
    }
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "neurongroup"),
    };
    let mut spec = NeuronGroupSpec {
        n: n as usize,
        model,
        name,
        events: super::run_control::events_option(opts.get("events"))?,
        ..Default::default()
    };
    if let Some(th) = opts.get("threshold") {
        spec.threshold = Some(if let Some(t) = th.clone().try_cast::<ThresholdObject>() {
            t.0
        } else if th.is_string() {
            Threshold::Condition(to_string(th, "threshold")?)
        } else {
            Threshold::Value(to_quantity(th, "threshold")?)
        });
    }
    if let Some(r) = opts.get("reset") {
        spec.reset = Some(if r.is_string() {
            Reset::Code(to_string(r, "reset")?)
        } else {
            Reset::Value(to_quantity(r, "reset")?)
        });
    }
    if let Some(r) = opts.get("refractory") {
        if r.is_string() {
            spec.refractory_code = Some(to_string(r, "refractory")?);
        } else {
            spec.refractory = Some(to_si(r, Dimension::TIME, "refractory")?);
        }
    }
    if let Some(d) = opts.get("dt") {
        spec.dt = Some(to_si(d, Dimension::TIME, "dt")?);
    }
    if let Some(m) = opts.get("method") {
        spec.method = Some(to_string(m, "method")?);
    }
    if let Some(i) = opts.get("implicit") {
        if to_bool(i, "implicit")? && spec.method.is_none() {
            spec.method = Some("exponential_euler".into());
        }
    }
    if let Some(ns) = opts.get("namespace") {
        let map = ns
            .clone()
            .try_cast::<Map>()
            .ok_or("namespace should be a map of names to values")?;
        for (k, v) in map {
            let q = to_quantity(&v, &format!("namespace entry '{k}'"))?;
            st.explicit_namespace.insert(k.to_string(), q);
        }
    }
    let group = NeuronGroup::new(spec).map_err(|e| e.to_string())?;
    let g = st.net.add_group(Group::Neurons(group));
    let id = ObjectId {
        kind: Kind::Group,
        index: g.group,
    };
    super::schedule::apply(&mut st, id, &opts, false)?;
    Ok(GroupHandle(g))
}

/// Reads a variable of a (sub)group (Brian 2's variables: state variables, parameters,
/// subexpressions computed from the state, `i` local to the subgroup, `N`; shared ones
/// as one value; `v_` gives the values without units).
fn get_var(shared: &Shared, g: &GroupHandle, name: &str) -> RResult<Dynamic> {
    let st = shared.borrow();
    let r = g.0;
    match &st.net.groups[r.group] {
        Group::Neurons(ng) => {
            let (base, unitless) = match name.strip_suffix('_') {
                Some(b) if ng.variable(name).is_none() && ng.variable(b).is_some() => (b, true),
                _ => (name, false),
            };
            let var = ng.variable(base).ok_or_else(|| unknown_var(ng, name))?;
            let externals = st.namespace_values();
            let (values, dim) = ng
                .values(
                    base,
                    (r.start, r.len),
                    st.net.t(),
                    st.net.default_dt(),
                    &externals,
                )
                .map_err(|e| e.to_string())?;
            let dim = if unitless {
                Dimension::DIMENSIONLESS
            } else {
                dim
            };
            if var.shared {
                let v = values.first().copied().unwrap_or(0.0);
                return Ok(match var.var_type {
                    crate::equations::VarType::Integer if unitless || dim.is_dimensionless() => {
                        Dynamic::from(v as INT)
                    }
                    _ => Dynamic::from(Quantity::new(v, dim)),
                });
            }
            Ok(Dynamic::from(QuantityArray::new(values, dim)))
        }
        Group::Poisson(p) if name == "rates" => Ok(Dynamic::from(QuantityArray::new(
            p.rates[r.start..r.start + r.len].to_vec(),
            Dimension::TIME.inverse(),
        ))),
        other => err(format!("{} has no variable '{name}'", other.name())),
    }
}

fn unknown_var(ng: &NeuronGroup, name: &str) -> Box<rhai::EvalAltResult> {
    let names: Vec<&str> = ng.array_names.iter().map(String::as_str).collect();
    let hint = crate::expr::closest(name, names.iter().copied())
        .map(|h| format!(" (did you mean '{h}'?)"))
        .unwrap_or_default();
    format!(
        "{} has no variable '{name}'{hint}; its variables are: {}",
        ng.spec.name,
        names.join(", ")
    )
    .into()
}

/// Writes a variable: a quantity, an array, a number, or a code string like
/// `"-60*mV + 10*mV*rand()"` evaluated per neuron.
fn set_var(shared: &Shared, g: &GroupHandle, name: &str, value: Dynamic) -> RResult<()> {
    let mut st = shared.borrow_mut();
    let r = g.0;
    let dt = st.net.default_dt();
    let externals = st.namespace_values();
    let SimState { net, .. } = &mut *st;
    let rng = &mut net.rng;
    let Group::Neurons(ng) = &mut net.groups[r.group] else {
        return err(format!(
            "cannot set '{name}': only a NeuronGroup has state variables"
        ));
    };
    let k = ng.var_index(name).ok_or_else(|| unknown_var(ng, name))?;
    let dim = ng.var_dim(name).unwrap_or_default();
    if value.is_string() {
        let code = to_string(&value, name)?;
        return ng
            .set_with_code(name, &code, (r.start, r.len), dt, &externals, rng)
            .map_err(|e| e.to_string().into());
    }
    let what = format!("the value for '{name}'");
    // `G.flag = true` for a boolean variable (stored as 1 or 0), as Brian 2's True.
    let value = value
        .as_bool()
        .map_or(value, |b| Dynamic::from_float(f64::from(u8::from(b))));
    let arr = to_qarray(&value, &what)?;
    let unit_free =
        arr.dim.is_dimensionless() && arr.values.iter().all(|v| crate::units::is_unit_free(*v));
    if arr.dim != dim && !unit_free {
        return err(format!(
            "{what} has units of {}, but '{name}' is in {dim}",
            arr.dim
        ));
    }
    let dst = &mut ng.arrays[k][r.start..r.start + r.len];
    match arr.len() {
        1 => dst.fill(arr.values[0]),
        n if n == dst.len() => dst.copy_from_slice(&arr.values),
        n => {
            return err(format!(
                "{what} has {n} values, but the group has {} neurons",
                dst.len()
            ))
        }
    }
    Ok(())
}

fn subgroup(g: &GroupHandle, start: usize, len: usize) -> RResult<GroupHandle> {
    let r = g.0;
    if start + len > r.len {
        return err(format!(
            "a subgroup of {len} neurons from {start} does not fit in a group of {}",
            r.len
        ));
    }
    Ok(GroupHandle(GroupRef {
        group: r.group,
        start: r.start + start,
        len,
    }))
}

/// A row index of a matrix; negative ones count from the end, as numpy's.
fn matrix_row(m: &Matrix, i: INT) -> RResult<usize> {
    let n = m.rows.len() as INT;
    let k = if i < 0 { i + n } else { i };
    if k < 0 || k >= n {
        return err(format!("row {i} is out of range ({n} rows)"));
    }
    Ok(k as usize)
}

/// A number of neurons, which cannot be negative.
fn count(n: INT, what: &str) -> RResult<usize> {
    usize::try_from(n)
        .map_err(|_| format!("{what} needs a non-negative number of neurons, got {n}").into())
}

/// Brian 1's weight, prepared before the synapses are built.
enum WeightSource {
    Constant(f64),
    /// A script closure `|i, j| ...`.
    Closure(FnPtr),
    /// A string in `i` and `j`, compiled once.
    Code(crate::eval::Kernel),
}

/// Reads a weight given as a quantity, a closure of (i, j), or a string in i and j, and
/// checks the units of a quantity or string against the target variable.
fn weight_source(
    shared: &Shared,
    weight: &Dynamic,
    target_dim: Dimension,
) -> RResult<WeightSource> {
    if let Some(f) = weight.clone().try_cast::<FnPtr>() {
        return Ok(WeightSource::Closure(f));
    }
    if !weight.is_string() {
        return Ok(WeightSource::Constant(to_si(
            weight,
            target_dim,
            "the weight",
        )?));
    }
    let text = to_string(weight, "weight")?;
    let fail = |e: crate::expr::ExprError| -> Box<rhai::EvalAltResult> {
        format!("in the weight '{text}': {e}").into()
    };
    let expr = crate::expr::parse_expr(&text).map_err(fail)?;
    let ns = PairNamespace(shared.borrow().namespace_values());
    let dim = crate::expr::infer(&expr, &ns).map_err(fail)?;
    if dim != target_dim {
        return err(format!(
            "the weight '{text}' has units of {dim}, but the target variable is in {target_dim}"
        ));
    }
    let bind = |n: &str| match n {
        "i" => Some(crate::eval::Binding::Array(0)),
        "j" => Some(crate::eval::Binding::Array(1)),
        _ => ns
            .constant(n)
            .map(|q| crate::eval::Binding::Constant(q.value)),
    };
    Ok(WeightSource::Code(
        crate::eval::compile_condition(&[], &expr, &bind).map_err(fail)?,
    ))
}

/// Names in a weight string: `i` and `j`, then the one external resolver.
struct PairNamespace(crate::network::Values);

impl PairNamespace {
    fn constant(&self, name: &str) -> Option<Quantity> {
        self.0.resolve(name)
    }
}

impl crate::expr::Namespace for PairNamespace {
    fn resolve(&self, name: &str) -> Option<crate::expr::NameInfo> {
        match name {
            "i" | "j" => Some(crate::expr::NameInfo::Variable(Dimension::DIMENSIONLESS)),
            _ => self.constant(name).map(crate::expr::NameInfo::Constant),
        }
    }
    fn names(&self) -> Vec<String> {
        let mut names = self.0.suggestions();
        names.extend(["i".to_string(), "j".to_string()]);
        names
    }
}

/// Builds a block of synapses with `build`, giving it the weight of each pair. The random
/// generator is taken out of the shared state meanwhile, because a closure weight runs
/// script code that may itself borrow the state.
fn build_weights<R>(
    ctx: &NativeCallContext,
    shared: &Shared,
    weight: &Dynamic,
    target_dim: Dimension,
    mut build: impl FnMut(&mut WeightFn, &mut rand::rngs::SmallRng) -> Result<R, String>,
) -> RResult<R> {
    let source = weight_source(shared, weight, target_dim)?;
    let placeholder = rand::SeedableRng::seed_from_u64(0);
    let mut rng = std::mem::replace(&mut shared.borrow_mut().net.rng, placeholder);
    let out = match &source {
        WeightSource::Constant(w) => build(&mut WeightFn::Constant(*w), &mut rng),
        WeightSource::Closure(f) => {
            let mut call = |i: usize, j: usize| -> Result<f64, String> {
                let v: Dynamic = f
                    .call_within_context(ctx, (i as INT, j as INT))
                    .map_err(|e| format!("the weight function failed for ({i}, {j}): {e}"))?;
                let q = to_quantity(&v, "the weight").map_err(|e| e.to_string())?;
                q.in_dim(target_dim, "the weight")
                    .map_err(|e| e.to_string())
            };
            build(&mut WeightFn::Function(&mut call), &mut rng)
        }
        WeightSource::Code(kernel) => {
            let mut scratch = crate::eval::Scratch::default();
            let mut code_rng: rand::rngs::SmallRng = rand::SeedableRng::seed_from_u64(rng.random());
            let mut call = |i: usize, j: usize| -> Result<f64, String> {
                let mut arrays = vec![vec![i as f64], vec![j as f64]];
                let mut out = 0.0;
                kernel.run_value(&mut arrays, &mut code_rng, &mut scratch, &mut out);
                Ok(out)
            };
            build(&mut WeightFn::Function(&mut call), &mut rng)
        }
    };
    shared.borrow_mut().net.rng = rng;
    out.map_err(|e| e.into())
}

fn connection(
    ctx: &NativeCallContext,
    shared: &Shared,
    src: GroupHandle,
    tgt: GroupHandle,
    var: Option<String>,
    opts: Map,
) -> RResult<ConnectionHandle> {
    check_keys(
        &opts,
        &[
            "weight",
            "sparseness",
            "delay",
            "max_delay",
            "structure",
            "name",
        ],
        "Connection",
    )?;
    let (var, dim, var_index) = {
        let st = shared.borrow();
        let Some(ng) = st.net.neurons(tgt.0) else {
            return err("the target of a Connection must be a NeuronGroup");
        };
        let var = match var {
            Some(v) => v,
            None => ng
                .first_variable()
                .ok_or("the target group has no state variable")?
                .to_string(),
        };
        let k = ng.var_index(&var).ok_or_else(|| unknown_var(ng, &var))?;
        (var.clone(), ng.var_dim(&var).unwrap_or_default(), k)
    };
    // Brian 1's storage choice; all are stored as CSR here (a structure fixed when built).
    if let Some(v) = opts.get("structure") {
        let text = to_string(v, "structure")?;
        if !["sparse", "dense", "dynamic"].contains(&text.as_str()) {
            return err(format!(
                "Connection: structure should be 'sparse', 'dense' or 'dynamic', got '{text}'"
            ));
        }
    }
    let max_delay = opts
        .get("max_delay")
        .map(|d| to_si(d, Dimension::TIME, "max_delay"))
        .transpose()?;
    let (rows, cols) = (src.0.len, tgt.0.len);
    let weights = match (opts.get("weight"), opts.get("sparseness")) {
        (Some(w), Some(p)) => {
            let p = to_quantity(p, "sparseness")?
                .to_f64("sparseness")
                .map_err(|e| e.to_string())?;
            build_weights(ctx, shared, w, dim, |wf, rng| {
                random_rows(rows, cols, p, wf, rng, None)
            })?
        }
        (Some(w), None) => build_weights(ctx, shared, w, dim, |wf, _| full_rows(rows, cols, wf))?,
        (None, Some(_)) => return err("a Connection with sparseness needs a weight"),
        (None, None) => RowBuilder::new(cols).finish_empty(rows),
    };
    let delay = connection_delay(ctx, shared, opts.get("delay"), &weights)?;
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "connection"),
    };
    let mut c = Connection::new(src.0, tgt.0, var_index, var, weights, delay, name);
    c.max_delay = max_delay;
    st.net.connections.push(c);
    Ok(ConnectionHandle(st.net.connections.len() - 1))
}

/// Brian 1's delays: a quantity for all synapses; a closure of (i, j), a string in i and j,
/// or `[min, max]` (uniformly distributed, Brian 1's tuple) for one delay per synapse.
fn connection_delay(
    ctx: &NativeCallContext,
    shared: &Shared,
    delay: Option<&Dynamic>,
    weights: &sprs::CsMatI<f64, u32>,
) -> RResult<ConnectionDelay> {
    let Some(d) = delay else {
        return Ok(ConnectionDelay::Homogeneous(0.0));
    };
    let pairs: Vec<(usize, usize)> = weights
        .iter()
        .map(|(_, (i, j))| (i as usize, j as usize))
        .collect();
    if d.is_array() || d.is::<QuantityArray>() {
        let range = to_qarray(d, "the delay range")?;
        if range.len() != 2 {
            return err("a delay given as an array must be [min, max], as Brian 1's (min, max)");
        }
        if range.dim != Dimension::TIME {
            return err(format!(
                "the delay range should be in seconds, got units of {}",
                range.dim
            ));
        }
        let (lo, hi) = (range.values[0], range.values[1]);
        let rng = &mut shared.borrow_mut().net.rng;
        return Ok(ConnectionDelay::PerSynapse(
            pairs
                .iter()
                .map(|_| lo + (hi - lo) * rng.random::<f64>())
                .collect(),
        ));
    }
    if d.is_string() || d.clone().try_cast::<FnPtr>().is_some() {
        let values = build_weights(ctx, shared, d, Dimension::TIME, |wf, _| {
            pairs
                .iter()
                .map(|&(i, j)| wf.at(i, j))
                .collect::<Result<Vec<f64>, String>>()
        })?;
        return Ok(ConnectionDelay::PerSynapse(values));
    }
    Ok(ConnectionDelay::Homogeneous(to_si(
        d,
        Dimension::TIME,
        "delay",
    )?))
}

/// Brian 1's connect_* on parts of a connection's source and target.
/// Brian 1's connectivity patterns for connect_*.
enum Pattern {
    Full,
    Random(f64),
    OneToOne,
}

fn connect_part(
    ctx: &NativeCallContext,
    shared: &Shared,
    c: &ConnectionHandle,
    src: &GroupHandle,
    tgt: &GroupHandle,
    pattern: Pattern,
    weight: Dynamic,
) -> RResult<()> {
    let (cs, ct, dim) = {
        let st = shared.borrow();
        let conn = &st.net.connections[c.0];
        if matches!(conn.delay, ConnectionDelay::PerSynapse(_)) {
            return err("connect_* cannot add to a Connection with one delay per synapse; give weight and delay when creating it");
        }
        let dim = st
            .net
            .neurons(conn.target)
            .and_then(|g| g.var_dim(&conn.target_var_name))
            .unwrap_or_default();
        (conn.source, conn.target, dim)
    };
    let inside = |outer: GroupRef, inner: GroupRef| {
        inner.group == outer.group
            && inner.start >= outer.start
            && inner.start + inner.len <= outer.start + outer.len
    };
    if !inside(cs, src.0) {
        return err("the source of connect_* must be a part of the connection's source group");
    }
    if !inside(ct, tgt.0) {
        return err("the target of connect_* must be a part of the connection's target group");
    }
    let (rows, cols) = (src.0.len, tgt.0.len);
    let block = match pattern {
        Pattern::Full => {
            build_weights(ctx, shared, &weight, dim, |wf, _| full_rows(rows, cols, wf))?
        }
        Pattern::Random(p) => build_weights(ctx, shared, &weight, dim, |wf, rng| {
            random_rows(rows, cols, p, wf, rng, None)
        })?,
        Pattern::OneToOne => {
            if rows != cols {
                return err(format!(
                    "connect_one_to_one needs groups of equal size, got {rows} and {cols}"
                ));
            }
            build_weights(ctx, shared, &weight, dim, |wf, _| one_to_one_rows(rows, wf))?
        }
    };
    let mut st = shared.borrow_mut();
    st.net.connections[c.0].add_block(&block, src.0.start - cs.start, tgt.0.start - ct.start);
    Ok(())
}

/// Brian 2's SpikeGeneratorGroup: given indices and times, binned to the step containing
/// them, repeated every `period` if one is given.
fn spike_generator(
    shared: &Shared,
    n: INT,
    indices: Dynamic,
    times: Dynamic,
    opts: Map,
) -> RResult<GroupHandle> {
    check_keys(&opts, &["period", "name"], "SpikeGeneratorGroup")?;
    count(n, "a SpikeGeneratorGroup")?;
    let idx = to_indices(&indices, "the indices")?;
    let times = to_qarray(&times, "the times")?;
    if times.dim != Dimension::TIME
        && !(times.dim.is_dimensionless() && times.values.iter().all(|v| *v == 0.0))
    {
        return err(format!(
            "the spike times should be in seconds, got units of {}",
            times.dim
        ));
    }
    if idx.len() != times.len() {
        return err(format!("{} indices but {} times", idx.len(), times.len()));
    }
    if let Some(bad) = idx.iter().find(|&&i| i >= n.max(0) as usize) {
        return err(format!(
            "index {bad} is out of range for a SpikeGeneratorGroup of {n} neurons"
        ));
    }
    let period = match opts.get("period") {
        Some(p) => to_si(p, Dimension::TIME, "period")?,
        None => 0.0,
    };
    if period > 0.0 && times.values.iter().any(|&t| t >= period) {
        return err("all spike times of a SpikeGeneratorGroup with a period must be shorter than the period");
    }
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "spikegeneratorgroup"),
    };
    let spikes = times
        .values
        .iter()
        .zip(&idx)
        .map(|(&t, &i)| (t, i as u32))
        .collect();
    let group = SpikeGeneratorGroup::new(n.max(0) as usize, spikes, period, name);
    Ok(GroupHandle(st.net.add_group(Group::Generator(group))))
}

fn kind_name(g: &Group) -> &'static str {
    match g {
        Group::Neurons(_) => "NeuronGroup",
        Group::Poisson(_) => "PoissonGroup",
        Group::Generator(_) => "SpikeGeneratorGroup",
    }
}

fn pulse_packet(shared: &Shared, t: Dynamic, n: INT, sigma: Dynamic) -> RResult<GroupHandle> {
    count(n, "a PulsePacket")?;
    let t = to_si(&t, Dimension::TIME, "t")?;
    let sigma = to_si(&sigma, Dimension::TIME, "sigma")?;
    let mut st = shared.borrow_mut();
    let spikes: Vec<(f64, u32)> = (0..n.max(0) as u32)
        .map(|i| (t + sigma * st.net.rng.sample::<f64, _>(StandardNormal), i))
        .filter(|(t, _)| *t >= 0.0)
        .collect();
    let name = next_name(&mut st, "pulsepacket");
    Ok(GroupHandle(st.net.add_group(Group::Generator(
        SpikeGeneratorGroup::new(n.max(0) as usize, spikes, 0.0, name),
    ))))
}

/// Brian 2's `PoissonInput(target, var, N, rate, weight)`, with `when` and `order`.
fn poisson_input(
    shared: &Shared,
    target: GroupHandle,
    var: &str,
    n: INT,
    (rate, weight): (Dynamic, Dynamic),
    opts: Map,
) -> RResult<PoissonInputHandle> {
    check_keys(&opts, &["when", "order", "name"], "PoissonInput")?;
    let mut st = shared.borrow_mut();
    let ng = st
        .net
        .neurons(target.0)
        .ok_or("the target of a PoissonInput must be a NeuronGroup")?;
    let k = ng.var_index(var).ok_or_else(|| unknown_var(ng, var))?;
    let dim = ng.var_dim(var).unwrap_or_default();
    let rate = to_si(
        &rate,
        Dimension::TIME.inverse(),
        "the rate of a PoissonInput",
    )?;
    let weight = to_si(&weight, dim, &format!("the weight onto '{var}'"))?;
    if n < 0 {
        return err(format!(
            "a PoissonInput needs a non-negative number of inputs, got {n}"
        ));
    }
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "poissoninput"),
    };
    st.net.poisson_inputs.push(PoissonInput {
        target: target.0,
        target_var: k,
        n: n as u64,
        rate,
        weight,
        name,
    });
    let index = st.net.poisson_inputs.len() - 1;
    let id = ObjectId {
        kind: Kind::PoissonInput,
        index,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(PoissonInputHandle(index))
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<GroupHandle>("NeuronGroup");
    engine.register_type_with_name::<ConnectionHandle>("Connection");
    engine.register_type_with_name::<PoissonInputHandle>("PoissonInput");
    engine.register_type_with_name::<Matrix>("Matrix");
    engine.register_type_with_name::<ThresholdObject>("EmpiricalThreshold");
    engine.register_type_with_name::<DefaultClock>("Clock");

    let s = shared.clone();
    engine.register_fn("NeuronGroup", move |n: INT, model: ImmutableString| {
        neuron_group(&s, n, model.to_string(), Map::new())
    });
    let s = shared.clone();
    engine.register_fn(
        "NeuronGroup",
        move |n: INT, model: ImmutableString, opts: Map| {
            neuron_group(&s, n, model.to_string(), opts)
        },
    );
    let s = shared.clone();
    engine.register_fn("NeuronGroup", move |opts: Map| {
        let n = to_int(opts.get("N").ok_or("NeuronGroup(#{...}) needs N")?, "N")?;
        let model = to_string(
            opts.get("model").ok_or("NeuronGroup(#{...}) needs model")?,
            "model",
        )?;
        neuron_group(&s, n, model, opts)
    });
    engine.register_fn("Equations", |text: ImmutableString| text);
    engine.register_fn(
        "EmpiricalThreshold",
        |opts: Map| -> RResult<ThresholdObject> {
            check_keys(
                &opts,
                &["threshold", "refractory", "state"],
                "EmpiricalThreshold",
            )?;
            // Brian 1's state: the compared variable; the group's first variable here.
            if let Some(v) = opts.get("state") {
                if v.as_int() != Ok(0) {
                    return err(format!(
                        "EmpiricalThreshold compares the group's first variable (state 0); state {} is not supported",
                        describe(v)
                    ));
                }
            }
            let threshold = to_quantity(
                opts.get("threshold")
                    .ok_or("EmpiricalThreshold needs threshold")?,
                "threshold",
            )?;
            let refractory = match opts.get("refractory") {
                Some(r) => to_si(r, Dimension::TIME, "refractory")?,
                None => 1e-3,
            };
            Ok(ThresholdObject(Threshold::Empirical {
                threshold,
                refractory,
            }))
        },
    );

    engine.register_fn("len", |g: &mut GroupHandle| g.0.len as INT);
    for f in ["to_string", "to_debug"] {
        let s = shared.clone();
        engine.register_fn(f, move |g: &mut GroupHandle| {
            let st = s.borrow();
            let group = &st.net.groups[g.0.group];
            let part = if g.0.len == group.len() {
                String::new()
            } else {
                format!(", neurons {}..{}", g.0.start, g.0.start + g.0.len)
            };
            let vars = group
                .as_neurons()
                .map(|n| format!(", variables {}", n.array_names.join(", ")))
                .unwrap_or_default();
            format!(
                "<{} '{}' of {} neurons{part}{vars}>",
                kind_name(group),
                group.name(),
                group.len()
            )
        });
        let s = shared.clone();
        engine.register_fn(f, move |c: &mut ConnectionHandle| {
            let st = s.borrow();
            let c = &st.net.connections[c.0];
            format!(
                "<Connection '{}' onto {}: {} synapses>",
                c.name,
                c.target_var_name,
                c.len()
            )
        });
    }
    let s = shared.clone();
    engine.register_fn(
        "subgroup",
        move |g: &mut GroupHandle, n: INT| -> RResult<GroupHandle> {
            // Brian 1: consecutive subgroups are carved from the front of what is left.
            let st = s.borrow();
            count(n, "subgroup")?;
            let key = (g.0.group, g.0.start);
            let used = *st.subgroup_cursor.get(&key).unwrap_or(&0);
            drop(st);
            let sub = subgroup(g, used, n.max(0) as usize)?;
            s.borrow_mut()
                .subgroup_cursor
                .insert(key, used + n.max(0) as usize);
            Ok(sub)
        },
    );
    engine.register_indexer_get(|g: &mut GroupHandle, r: std::ops::Range<INT>| {
        subgroup(
            g,
            r.start.max(0) as usize,
            (r.end - r.start).max(0) as usize,
        )
    });
    let s = shared.clone();
    engine.register_indexer_get(move |g: &mut GroupHandle, name: &str| get_var(&s, g, name));
    let s = shared.clone();
    engine.register_indexer_set(move |g: &mut GroupHandle, name: &str, v: Dynamic| {
        set_var(&s, g, name, v)
    });
    let s = shared.clone();
    engine.register_get("method", move |g: &mut GroupHandle| -> RResult<String> {
        let st = s.borrow();
        let ng = st
            .net
            .neurons(g.0)
            .ok_or("only a NeuronGroup has an integration method")?;
        match ng.method() {
            Some((m, [])) => Ok(m.to_string()),
            Some((m, notes)) => Ok(format!("{m} ({})", notes.join("; "))),
            None => err("the integration method is chosen at run(); run first"),
        }
    });
    let s = shared.clone();
    engine.register_fn("rest", move |g: &mut GroupHandle| -> RResult<()> {
        let mut st = s.borrow_mut();
        let dt = st.net.default_dt();
        let ns = st.namespace_values();
        let ng = st
            .net
            .neurons_mut(g.0)
            .ok_or("only a NeuronGroup has a resting state")?;
        ng.rest(dt, &ns).map_err(|e| e.to_string().into())
    });

    let s = shared.clone();
    engine.register_fn(
        "PoissonGroup",
        move |n: INT, rates: Dynamic| -> RResult<GroupHandle> {
            count(n, "a PoissonGroup")?;
            if rates.is_string() {
                // An expression in t and i, checked to be in Hz and compiled at run().
                let code = to_string(&rates, "the rates")?;
                let mut st = s.borrow_mut();
                let name = next_name(&mut st, "poissongroup");
                let group = PoissonGroup::with_code(n.max(0) as usize, code, name);
                return Ok(GroupHandle(st.net.add_group(Group::Poisson(group))));
            }
            let arr = to_qarray(&rates, "the rates")?;
            let hz = Dimension::TIME.inverse();
            if arr.dim != hz
                && !(arr.dim.is_dimensionless() && arr.values.iter().all(|v| *v == 0.0))
            {
                return err(format!(
                    "the rates of a PoissonGroup should be in Hz, got units of {}",
                    arr.dim
                ));
            }
            let n = n.max(0) as usize;
            let values = match arr.len() {
                1 => vec![arr.values[0]; n],
                k if k == n => arr.values,
                k => return err(format!("PoissonGroup of {n} neurons got {k} rates")),
            };
            let mut st = s.borrow_mut();
            let name = next_name(&mut st, "poissongroup");
            Ok(GroupHandle(st.net.add_group(Group::Poisson(
                PoissonGroup::new(values, name),
            ))))
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "SpikeGeneratorGroup",
        move |n: INT, indices: Dynamic, times: Dynamic| {
            spike_generator(&s, n, indices, times, Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "SpikeGeneratorGroup",
        move |n: INT, indices: Dynamic, times: Dynamic, o: Map| {
            spike_generator(&s, n, indices, times, o)
        },
    );
    let s = shared.clone();
    engine.register_fn("PulsePacket", move |t: Dynamic, n: INT, sigma: Dynamic| {
        pulse_packet(&s, t, n, sigma)
    });
    let s = shared.clone();
    engine.register_fn("PulsePacket", move |opts: Map| -> RResult<GroupHandle> {
        check_keys(&opts, &["t", "n", "sigma"], "PulsePacket")?;
        let get = |k: &str| {
            opts.get(k)
                .cloned()
                .ok_or_else(|| -> Box<rhai::EvalAltResult> {
                    format!("PulsePacket needs {k}").into()
                })
        };
        pulse_packet(&s, get("t")?, to_int(&get("n")?, "n")?, get("sigma")?)
    });

    let s = shared.clone();
    engine.register_fn(
        "Connection",
        move |ctx: NativeCallContext, a: GroupHandle, b: GroupHandle| {
            connection(&ctx, &s, a, b, None, Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "Connection",
        move |ctx: NativeCallContext, a: GroupHandle, b: GroupHandle, v: ImmutableString| {
            connection(&ctx, &s, a, b, Some(v.to_string()), Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "Connection",
        move |ctx: NativeCallContext,
              a: GroupHandle,
              b: GroupHandle,
              v: ImmutableString,
              o: Map| connection(&ctx, &s, a, b, Some(v.to_string()), o),
    );
    let s = shared.clone();
    engine.register_fn(
        "Connection",
        move |ctx: NativeCallContext, a: GroupHandle, b: GroupHandle, o: Map| {
            let var = o.get("state").map(|v| to_string(v, "state")).transpose()?;
            let mut o = o;
            o.remove("state");
            connection(&ctx, &s, a, b, var, o)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "connect_full",
        move |ctx: NativeCallContext,
              c: &mut ConnectionHandle,
              a: GroupHandle,
              b: GroupHandle,
              w: Dynamic| connect_part(&ctx, &s, c, &a, &b, Pattern::Full, w),
    );
    let s = shared.clone();
    engine.register_fn(
        "connect_full",
        move |ctx: NativeCallContext, c: &mut ConnectionHandle, o: Map| -> RResult<()> {
            check_keys(&o, &["weight"], "connect_full")?;
            let (src, tgt) = {
                let st = s.borrow();
                let conn = &st.net.connections[c.0];
                (GroupHandle(conn.source), GroupHandle(conn.target))
            };
            let w = o
                .get("weight")
                .cloned()
                .ok_or("connect_full needs a weight")?;
            connect_part(&ctx, &s, c, &src, &tgt, Pattern::Full, w)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "connect_random",
        move |ctx: NativeCallContext,
              c: &mut ConnectionHandle,
              a: GroupHandle,
              b: GroupHandle,
              p: Dynamic,
              w: Dynamic| {
            let p = to_quantity(&p, "the probability")?
                .to_f64("the probability")
                .map_err(|e| e.to_string())?;
            connect_part(&ctx, &s, c, &a, &b, Pattern::Random(p), w)
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "connect_one_to_one",
        move |ctx: NativeCallContext,
              c: &mut ConnectionHandle,
              a: GroupHandle,
              b: GroupHandle,
              w: Dynamic| connect_part(&ctx, &s, c, &a, &b, Pattern::OneToOne, w),
    );
    let s = shared.clone();
    engine.register_get("W", move |c: &mut ConnectionHandle| -> Matrix {
        let st = s.borrow();
        let conn = &st.net.connections[c.0];
        let dim = st
            .net
            .neurons(conn.target)
            .and_then(|g| g.var_dim(&conn.target_var_name))
            .unwrap_or_default();
        let (nr, nc) = conn.weights.shape();
        let mut rows = vec![vec![0.0; nc]; nr];
        for (w, (i, j)) in conn.weights.iter() {
            rows[i as usize][j as usize] += *w;
        }
        Matrix { rows, dim }
    });
    // `C.W[i][j] = w` reads W, changes the copy and writes it back through this setter,
    // which changes the weights of existing synapses (setting one that is absent is an
    // error naming it; the structure stays as built).
    let s = shared.clone();
    engine.register_set(
        "W",
        move |c: &mut ConnectionHandle, m: Matrix| -> RResult<()> {
            let mut st = s.borrow_mut();
            let dim = {
                let conn = &st.net.connections[c.0];
                st.net
                    .neurons(conn.target)
                    .and_then(|g| g.var_dim(&conn.target_var_name))
                    .unwrap_or_default()
            };
            let conn = &mut st.net.connections[c.0];
            let (nr, nc) = conn.weights.shape();
            if m.rows.len() != nr || m.rows.iter().any(|r| r.len() != nc) {
                return err(format!(
                    "{}: W is {nr}x{nc}; the new weights have another shape",
                    conn.name
                ));
            }
            let unit_free = m.dim.is_dimensionless()
                && m.rows
                    .iter()
                    .flatten()
                    .all(|v| crate::units::is_unit_free(*v));
            if m.dim != dim && !unit_free {
                return err(format!(
                    "{}: the weights are in {dim}, the new values have units of {}",
                    conn.name, m.dim
                ));
            }
            let mut current = vec![vec![0.0; nc]; nr];
            for (w, (i, j)) in conn.weights.iter() {
                current[i as usize][j as usize] += *w;
            }
            // Check every change first so that a refused one changes nothing.
            let mut changes = Vec::new();
            for (i, (new, old)) in m.rows.iter().zip(&current).enumerate() {
                for (j, (&a, &b)) in new.iter().zip(old).enumerate() {
                    if a != b {
                        changes.push((i, j, a));
                    }
                }
            }
            let before = conn.weights.clone();
            for (i, j, w) in changes {
                if let Err(e) = conn.set_weight(i, j, w) {
                    conn.weights = before;
                    return err(e);
                }
            }
            Ok(())
        },
    );
    let s = shared.clone();
    engine.register_fn("len", move |c: &mut ConnectionHandle| {
        s.borrow().net.connections[c.0].len() as INT
    });
    engine.register_fn("todense", |m: &mut Matrix| m.clone());
    engine.register_fn("len", |m: &mut Matrix| m.rows.len() as INT);
    engine.register_indexer_get(|m: &mut Matrix, i: INT| -> RResult<QuantityArray> {
        let k = matrix_row(m, i)?;
        Ok(QuantityArray::new(m.rows[k].clone(), m.dim))
    });
    engine.register_indexer_set(|m: &mut Matrix, i: INT, row: Dynamic| -> RResult<()> {
        let dim = m.dim;
        let k = matrix_row(m, i)?;
        let dst = &mut m.rows[k];
        let new = to_qarray(&row, "the row")?;
        let unit_free =
            new.dim.is_dimensionless() && new.values.iter().all(|v| crate::units::is_unit_free(*v));
        if new.dim != dim && !unit_free {
            return err(format!(
                "the row has units of {}, but the matrix is in {dim}",
                new.dim
            ));
        }
        match new.len() {
            1 => dst.fill(new.values[0]),
            k if k == dst.len() => dst.copy_from_slice(&new.values),
            k => {
                return err(format!(
                    "the row has {k} values, but the matrix has {} columns",
                    dst.len()
                ))
            }
        }
        Ok(())
    });
    engine.register_fn("to_string", |m: &mut Matrix| {
        format!(
            "<{}x{} matrix in {}>",
            m.rows.len(),
            m.rows.first().map_or(0, Vec::len),
            m.dim
        )
    });

    let s = shared.clone();
    engine.register_fn(
        "PoissonInput",
        move |target: GroupHandle,
              var: ImmutableString,
              n: INT,
              rate: Dynamic,
              weight: Dynamic|
              -> RResult<PoissonInputHandle> {
            poisson_input(&s, target, &var, n, (rate, weight), Map::new())
        },
    );
    let s = shared.clone();
    engine.register_fn(
        "PoissonInput",
        move |target: GroupHandle,
              var: ImmutableString,
              n: INT,
              rate: Dynamic,
              weight: Dynamic,
              opts: Map|
              -> RResult<PoissonInputHandle> {
            poisson_input(&s, target, &var, n, (rate, weight), opts)
        },
    );
    let s = shared.clone();
    engine.register_fn("reinit", move || s.borrow_mut().reinit());
    let s = shared.clone();
    engine.register_fn("seed", move |n: INT| s.borrow_mut().net.seed(n as u64));
    let s = shared.clone();
    engine.register_get("dt", move |_: &mut DefaultClock| {
        Quantity::new(s.borrow().net.default_dt(), Dimension::TIME)
    });
    let s = shared.clone();
    engine.register_set(
        "dt",
        move |_: &mut DefaultClock, v: Dynamic| -> RResult<()> {
            let dt = to_si(&v, Dimension::TIME, "dt")?;
            s.borrow_mut().set_dt(dt)
        },
    );
    let s = shared.clone();
    engine.register_fn("set_dt", move |v: Dynamic| -> RResult<()> {
        let dt = to_si(&v, Dimension::TIME, "dt")?;
        s.borrow_mut().set_dt(dt)
    });
    let s = shared.clone();
    engine.register_get("t", move |_: &mut DefaultClock| {
        Quantity::new(s.borrow().runs.magic_t, Dimension::TIME)
    });
    // `run()`, `store()`, `restore()` see the calling scope: custom syntax in script/mod.rs.
}

/// Brian 2's TimedArray: `TimedArray(values, dt)` with values an array (one value per time
/// step of `dt`) or a 2-D array (rows: times, columns: neurons, used as `ta(t, i)`).
pub fn register_timed_array(engine: &mut Engine) {
    use crate::network::namespace::TimedArray;
    engine.register_type_with_name::<TimedArray>("TimedArray");
    engine.register_fn(
        "TimedArray",
        |values: Dynamic, dt: Dynamic| -> RResult<TimedArray> {
            let dt = to_si(&dt, Dimension::TIME, "the dt of a TimedArray")?;
            if !(dt > 0.0) {
                return err("the dt of a TimedArray must be positive");
            }
            let (values, columns, dim) = if let Some(m) = values.clone().try_cast::<Matrix>() {
                let columns = m.rows.first().map_or(0, Vec::len);
                (m.rows.concat(), columns, m.dim)
            } else if values.clone().try_cast::<rhai::Array>().is_some_and(|a| {
                a.first()
                    .is_some_and(|r| r.is_array() || r.is::<QuantityArray>())
            }) {
                let rows: Vec<QuantityArray> = values
                    .clone()
                    .cast::<rhai::Array>()
                    .iter()
                    .map(|r| to_qarray(r, "a row of the TimedArray"))
                    .collect::<RResult<_>>()?;
                let columns = rows[0].len();
                if rows
                    .iter()
                    .any(|r| r.len() != columns || r.dim != rows[0].dim)
                {
                    return err("the rows of a 2-D TimedArray must have the same length and unit");
                }
                let dim = rows[0].dim;
                (
                    rows.into_iter().flat_map(|r| r.values).collect(),
                    columns,
                    dim,
                )
            } else {
                let a = to_qarray(&values, "the values of a TimedArray")?;
                (a.values, 0, a.dim)
            };
            if values.is_empty() {
                return err("a TimedArray needs at least one value");
            }
            let table = crate::eval::Table {
                values,
                columns,
                dt,
            };
            Ok(TimedArray {
                table: std::sync::Arc::new(table),
                dim,
            })
        },
    );
    engine.register_fn("to_string", |t: &mut TimedArray| {
        let rows = t.table.values.len() / t.table.columns.max(1);
        format!(
            "<TimedArray of {rows} values every {} in {}>",
            Quantity::new(t.table.dt, Dimension::TIME),
            t.dim
        )
    });
}
