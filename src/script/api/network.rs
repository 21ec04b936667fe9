//! Groups, connections and running, in Brian's names: NeuronGroup, PoissonGroup,
//! SpikeGeneratorGroup, PulsePacket, Connection, run, seed, defaultclock.

use super::super::convert::*;
use super::super::{Shared, SimState};
use crate::network::*;
use crate::units::{Dimension, ElementKind, Quantity, QuantityArray};
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

/// A 2-D array (weight matrices, monitor traces): rows of equal length, one unit. The
/// values are shared by copies (O(1)), and a row `m[k]` is a view of them.
#[derive(Clone, Debug)]
pub struct Matrix {
    /// Row-major: element (k, j) at `k * ncols + j`.
    pub data: crate::units::SharedVec<f64>,
    pub nrows: usize,
    pub ncols: usize,
    pub dim: Dimension,
    /// NumPy's dtype kind, as for arrays.
    pub kind: ElementKind,
}

impl Matrix {
    /// A matrix of rows of equal length.
    pub fn from_rows(rows: &[Vec<f64>], dim: Dimension) -> RResult<Matrix> {
        let ncols = rows.first().map_or(0, Vec::len);
        if let Some(r) = rows.iter().find(|r| r.len() != ncols) {
            return err(format!(
                "the rows of a matrix must have equal lengths, got {ncols} and {}",
                r.len()
            ));
        }
        Ok(Matrix::from_data(
            rows.concat().into(),
            rows.len(),
            ncols,
            dim,
        ))
    }

    /// A matrix of `nrows` rows of `ncols` values, row-major in `data`.
    pub fn from_data(
        data: crate::units::SharedVec<f64>,
        nrows: usize,
        ncols: usize,
        dim: Dimension,
    ) -> Matrix {
        debug_assert_eq!(data.len(), nrows * ncols);
        Matrix {
            data,
            nrows,
            ncols,
            dim,
            kind: ElementKind::Float,
        }
    }

    /// The same matrix holding `kind` numbers.
    pub fn with_kind(mut self, kind: ElementKind) -> Matrix {
        self.kind = kind;
        self
    }

    /// All values, row after row, as an array (O(1)).
    pub fn flat(&self) -> QuantityArray {
        QuantityArray::shared(self.data.clone(), self.dim).with_kind(self.kind)
    }

    /// Row `k` (in range), a view of the matrix's values.
    pub fn row(&self, k: usize) -> crate::units::SharedVec<f64> {
        self.data.slice(k * self.ncols..(k + 1) * self.ncols)
    }

    /// The rows, copied.
    pub fn rows(&self) -> Vec<Vec<f64>> {
        (0..self.nrows).map(|k| self.row(k).to_vec()).collect()
    }
}

/// NumPy's print of a 2-D array: one bracketed row a line, the unit once at the end;
/// past 1000 values, the first and last three rows and columns.
impl std::fmt::Display for Matrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (unit, factor) = crate::units::display_unit(self.dim, self.kind, &self.data);
        let long = self.nrows * self.ncols > 1000;
        let pick = |n: usize| -> Vec<Option<usize>> {
            if long && n > 6 {
                (0..3)
                    .map(Some)
                    .chain([None])
                    .chain((n - 3..n).map(Some))
                    .collect()
            } else {
                (0..n).map(Some).collect()
            }
        };
        let rows: Vec<String> = pick(self.nrows)
            .into_iter()
            .map(|r| match r {
                None => "...".to_string(),
                Some(r) => {
                    let cells: Vec<String> = pick(self.ncols)
                        .into_iter()
                        .map(|c| match c {
                            None => "...".to_string(),
                            Some(c) => {
                                let v = self.data[r * self.ncols + c];
                                match self.kind {
                                    ElementKind::Int if v.is_finite() => format!("{v:.0}"),
                                    ElementKind::Bool => (v != 0.0).to_string(),
                                    _ => crate::units::format_number(v / factor),
                                }
                            }
                        })
                        .collect();
                    format!("[{}]", cells.join(", "))
                }
            })
            .collect();
        write!(f, "[{}]", rows.join(",\n "))?;
        if !unit.is_empty() {
            write!(f, " {unit}")?;
        }
        Ok(())
    }
}

/// An object's `namespace:` option (Brian 2's `namespace=`): names its code sees before
/// the script's, for that object alone.
pub(super) fn namespace_option(opts: &Map) -> RResult<Option<Values>> {
    let Some(ns) = opts.get("namespace") else {
        return Ok(None);
    };
    let map = ns
        .clone()
        .try_cast::<Map>()
        .ok_or("namespace should be a map of names to values")?;
    let mut values = Values::new();
    for (k, v) in map {
        if let Some(t) = v
            .clone()
            .try_cast::<crate::network::namespace::TimedArray>()
        {
            values.timed_arrays.insert(k.to_string(), t);
            continue;
        }
        let q = to_quantity(&v, &format!("namespace entry '{k}'"))?;
        values.insert(k.to_string(), q);
    }
    Ok(Some(values))
}

pub(super) fn check_keys(opts: &Map, allowed: &[&str], what: &str) -> RResult<()> {
    for k in opts.keys() {
        // The parser renames frame functions (`run`, `store`, ...) everywhere, also as
        // keys of a map: `#{ run: true }` arrives as `__brian_run`.
        let k = k.strip_prefix("__brian_").unwrap_or(k);
        if !allowed.contains(&k) {
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
    let n = count(n, "a NeuronGroup")?;
    let mut st = shared.borrow_mut();
    let name = match opts.get("name") {
        Some(v) => to_string(v, "name")?,
        None => next_name(&mut st, "neurongroup"),
    };
    let mut spec = NeuronGroupSpec {
        n,
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
    spec.namespace = namespace_option(&opts)?;
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
/// Brian 2's `G.get_states(vars, subexpressions, read_only_variables, units)`: a map from
/// each variable's name to its values (the group's clock too: `t`, `dt`,
/// `t_in_timesteps`). Without `vars`, Brian 2's choice: every variable but
/// subexpressions (unless asked), with the read-only `i`, `N` and clock values (unless not).
fn get_states(shared: &Shared, g: &GroupHandle, o: Map) -> RResult<Map> {
    check_keys(
        &o,
        &["vars", "subexpressions", "read_only_variables", "units"],
        "get_states",
    )?;
    let flag = |k: &str, default: bool| -> RResult<bool> {
        o.get(k).map_or(Ok(default), |v| {
            v.as_bool()
                .map_err(|_| format!("get_states: {k} must be true or false").into())
        })
    };
    let (subexpressions, read_only, units) = (
        flag("subexpressions", false)?,
        flag("read_only_variables", true)?,
        flag("units", true)?,
    );
    let names: Vec<String> = match o.get("vars") {
        Some(v) => to_qarray_names(v)?,
        None => {
            let st = shared.borrow();
            let ng = st
                .net
                .neurons(g.0)
                .ok_or("get_states: only a NeuronGroup has state variables here")?;
            let refractory = ng.spec.refractory.is_some() || ng.spec.refractory_code.is_some();
            let mut names: Vec<String> = Vec::new();
            for v in ng.variables() {
                let keep = match v.kind {
                    crate::network::VarKind::Subexpression => subexpressions,
                    crate::network::VarKind::Index | crate::network::VarKind::Size => read_only,
                    crate::network::VarKind::Refractoriness => refractory,
                    _ => true,
                };
                if keep {
                    names.push(v.name.clone());
                }
            }
            if read_only {
                names.extend(["t", "dt", "t_in_timesteps"].map(String::from));
            }
            names
        }
    };
    let mut out = Map::new();
    for name in names {
        let key = if units {
            name.clone()
        } else {
            format!("{name}_")
        };
        let v = match get_var(shared, g, &key) {
            Ok(v) => v,
            Err(_) if !units => get_var(shared, g, &name)?, // clock values and integers
            Err(e) => return Err(e),
        };
        out.insert(name.into(), v);
    }
    Ok(out)
}

fn to_qarray_names(v: &Dynamic) -> RResult<Vec<String>> {
    let a = v
        .clone()
        .try_cast::<rhai::Array>()
        .ok_or("get_states: vars must be a list of variable names")?;
    a.iter().map(|n| to_string(n, "a variable name")).collect()
}

/// Brian 2's `G.set_states(values)`: each entry assigned as `G.name = value`.
fn set_states(shared: &Shared, g: &GroupHandle, values: Map) -> RResult<()> {
    for (name, v) in values {
        set_var(shared, g, &name, v)?;
    }
    Ok(())
}

fn get_var(shared: &Shared, g: &GroupHandle, name: &str) -> RResult<Dynamic> {
    let st = shared.borrow();
    let r = g.0;
    // Brian 2's clock variables of a group: `G.t`, `G.dt`, `G.t_in_timesteps`.
    if let Some(Group::Neurons(ng)) = st.net.groups.get(r.group) {
        if matches!(name, "t" | "dt" | "t_in_timesteps") && ng.variable(name).is_none() {
            let dt = ng.spec.dt.unwrap_or_else(|| st.net.default_dt());
            let t = st.net.t();
            return Ok(match name {
                "t" => Dynamic::from(Quantity::new(t, Dimension::TIME)),
                "dt" => Dynamic::from(Quantity::new(dt, Dimension::TIME)),
                _ => Dynamic::from_int(crate::eval::timestep(t, dt) as INT),
            });
        }
    }
    match &st.net.groups[r.group] {
        Group::Neurons(ng) => {
            let (base, unitless) = match name.strip_suffix('_') {
                Some(b) if ng.variable(name).is_none() && ng.variable(b).is_some() => (b, true),
                _ => (name, false),
            };
            let var = ng.variable(base).ok_or_else(|| unknown_var(ng, name))?;
            let externals = st.group_namespace(r.group);
            let (values, dim) = ng
                .values(
                    base,
                    (r.start, r.len),
                    st.net.t(),
                    st.net.default_dt(),
                    &externals,
                )
                .map_err(|e| e.to_string())?;
            let mut out = variable_value(&var, values, dim, unitless);
            if let Some(a) = out
                .write_lock::<QuantityArray>()
                .as_deref_mut()
                .filter(|_| !unitless)
            {
                a.label.get_or_insert_with(Default::default).source =
                    Some(crate::units::VariableSource::Group {
                        group: r.group,
                        start: r.start,
                        len: r.len,
                        name: base.to_string(),
                    });
            }
            Ok(out)
        }
        Group::Poisson(p) if name == "rates" => Ok(Dynamic::from(QuantityArray::new(
            p.rates[r.start..r.start + r.len].to_vec(),
            Dimension::TIME.inverse(),
        ))),
        other => err(format!("{} has no variable '{name}'", other.name())),
    }
}

/// A variable's values as scripts see them: one value for a shared variable (an integer
/// for a dimensionless integer), else an array; `unitless` (`v_`) drops the unit.
pub(super) fn variable_value(
    var: &crate::network::Variable,
    values: Vec<f64>,
    dim: Dimension,
    unitless: bool,
) -> Dynamic {
    let dim = if unitless {
        Dimension::DIMENSIONLESS
    } else {
        dim
    };
    if var.shared {
        let v = values.first().copied().unwrap_or(0.0);
        return match var.var_type {
            crate::equations::VarType::Integer if dim.is_dimensionless() => Dynamic::from(v as INT),
            _ => Dynamic::from(Quantity::new(v, dim)),
        };
    }
    let kind = match var.var_type {
        crate::equations::VarType::Integer if dim.is_dimensionless() => ElementKind::Int,
        crate::equations::VarType::Boolean => ElementKind::Bool,
        _ => ElementKind::Float,
    };
    Dynamic::from(QuantityArray::new(values, dim).with_kind(kind))
}

fn unknown_var(ng: &NeuronGroup, name: &str) -> Box<rhai::EvalAltResult> {
    unknown_variable(ng, name).to_string().into()
}

/// Brian 2's `linked_var(source, "x")`, assigned to a `(linked)` parameter.
#[derive(Clone)]
pub struct LinkedVar {
    group: GroupRef,
    name: String,
    index: Option<Vec<i64>>,
}

fn linked_var(g: GroupHandle, name: &str, o: Map) -> RResult<LinkedVar> {
    check_keys(&o, &["index"], "linked_var")?;
    let index = o
        .get("index")
        .map(|ix| -> RResult<Vec<i64>> {
            let a = to_qarray(ix, "the index of linked_var")?;
            a.values
                .iter()
                .map(|&v| {
                    if v.fract() == 0.0 && v.is_finite() {
                        Ok(v as i64)
                    } else {
                        err(format!("linked_var: the index must hold integers, not {v}"))
                    }
                })
                .collect()
        })
        .transpose()?;
    Ok(LinkedVar {
        group: g.0,
        name: name.to_string(),
        index,
    })
}

/// Writes a variable: a quantity, an array, a number, or a code string like
/// `"-60*mV + 10*mV*rand()"` evaluated per neuron; a `linked_var` links it.
fn set_var(shared: &Shared, g: &GroupHandle, name: &str, value: Dynamic) -> RResult<()> {
    if let Some(l) = value.clone().try_cast::<LinkedVar>() {
        return shared
            .borrow_mut()
            .net
            .link_variable(g.0, name, l.group, &l.name, l.index)
            .map_err(|e| e.to_string().into());
    }
    // `G.flag = true` for a boolean variable (stored as 1 or 0), as Brian 2's True.
    let value = value
        .as_bool()
        .map_or(value, |b| Dynamic::from_float(f64::from(u8::from(b))));
    let value = if value.is_string() {
        Assigned::Code(to_string(&value, name)?)
    } else {
        Assigned::Values(to_qarray(&value, &format!("the value for '{name}'"))?)
    };
    let mut st = shared.borrow_mut();
    let externals = st.group_namespace(g.0.group);
    st.net
        .set_group_values(g.0, name, &value, &externals)
        .map_err(|e| e.to_string().into())
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
    let n = m.nrows as INT;
    let k = if i < 0 { i + n } else { i };
    if k < 0 || k >= n {
        return err(format!("row {i} is out of range ({n} rows)"));
    }
    Ok(k as usize)
}

/// A number of neurons, which cannot be negative.
fn count(n: INT, what: &str) -> RResult<usize> {
    crate::network::count(n, what, "neurons").map_err(|e| e.to_string().into())
}

/// A weight or per-synapse delay as the core takes it: a quantity, a string in i and j,
/// or a script closure `|i, j| ...` called per pair. The core hands the closure the
/// network's generator, put back into the shared state for the call so that `rand()` in
/// the closure draws from it.
fn pair_value<'a>(
    ctx: &'a NativeCallContext,
    shared: &'a Shared,
    v: &Dynamic,
) -> RResult<PairValue<'a>> {
    if let Some(f) = v.clone().try_cast::<FnPtr>() {
        return Ok(PairValue::function_with_rng(move |i, j, rng| {
            std::mem::swap(&mut shared.borrow_mut().net.rng, rng);
            let v: Result<Dynamic, _> = f.call_within_context(ctx, (i as INT, j as INT));
            std::mem::swap(&mut shared.borrow_mut().net.rng, rng);
            let v = v.map_err(|e| format!("the weight function failed for ({i}, {j}): {e}"))?;
            to_quantity(&v, "the weight").map_err(|e| e.to_string())
        }));
    }
    if v.is_string() {
        return Ok(PairValue::Code(to_string(v, "weight")?));
    }
    Ok(PairValue::Quantity(to_quantity(v, "the weight")?))
}

/// Runs `f` with the network's random generator taken out of the shared state, because
/// a closure weight runs script code that may itself borrow the state (the closure gets
/// the generator back for each call: `pair_value`).
fn with_rng<R>(shared: &Shared, f: impl FnOnce(&mut rand::rngs::SmallRng) -> R) -> R {
    let placeholder = rand::SeedableRng::seed_from_u64(0);
    let mut rng = std::mem::replace(&mut shared.borrow_mut().net.rng, placeholder);
    let out = f(&mut rng);
    shared.borrow_mut().net.rng = rng;
    out
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
            "when",
            "order",
        ],
        "Connection",
    )?;
    let mut spec = ConnectionSpec::new(src.0, tgt.0, "");
    spec.var = var;
    let target = shared
        .borrow()
        .net
        .connection_target(tgt.0, spec.var.as_deref())
        .map_err(|e| e.to_string())?;
    if let Some(v) = opts.get("structure") {
        spec.structure = Some(to_string(v, "structure")?);
    }
    if let Some(d) = opts.get("max_delay") {
        spec.max_delay = Some(to_si(d, Dimension::TIME, "max_delay")?);
    }
    if let Some(p) = opts.get("sparseness") {
        let p = to_quantity(p, "sparseness")?
            .to_f64("sparseness")
            .map_err(|e| e.to_string())?;
        spec.sparseness = Some(p);
    }
    if let Some(w) = opts.get("weight") {
        spec.weight = Some(pair_value(ctx, shared, w)?);
    }
    if let Some(d) = opts.get("delay") {
        spec.delay = Some(if d.is_array() || d.is::<QuantityArray>() {
            ConnectionDelaySpec::Uniform(to_qarray(d, "the delay range")?)
        } else if d.is_string() || d.clone().try_cast::<FnPtr>().is_some() {
            ConnectionDelaySpec::PerPair(pair_value(ctx, shared, d)?)
        } else {
            ConnectionDelaySpec::Homogeneous(to_quantity(d, "delay")?)
        });
    }
    if let Some(v) = opts.get("name") {
        spec.name = to_string(v, "name")?;
    }
    let ns = shared.borrow().namespace_values();
    let mut c = with_rng(shared, |rng| build_connection(spec, &target, &ns, rng))
        .map_err(|e| e.to_string())?;
    let mut st = shared.borrow_mut();
    if c.name.is_empty() {
        c.name = next_name(&mut st, "connection");
    }
    st.net.connections.push(c);
    let index = st.net.connections.len() - 1;
    let id = ObjectId {
        kind: Kind::Connection,
        index,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(ConnectionHandle(index))
}

/// Brian 1's connect_* on parts of a connection's source and target.
fn connect_part(
    ctx: &NativeCallContext,
    shared: &Shared,
    c: &ConnectionHandle,
    src: &GroupHandle,
    tgt: &GroupHandle,
    pattern: Pattern,
    weight: Dynamic,
) -> RResult<()> {
    let (dim, name, ns) = {
        let st = shared.borrow();
        let dim = st
            .net
            .connect_part_check(c.0, src.0, tgt.0)
            .map_err(|e| e.to_string())?;
        let name = st.net.connections[c.0].name.clone();
        (dim, name, st.namespace_values())
    };
    let mut w = pair_value(ctx, shared, &weight)?;
    let (rows, cols) = (src.0.len, tgt.0.len);
    let block = with_rng(shared, |rng| {
        connection_block(&name, pattern, rows, cols, &mut w, dim, &ns, rng)
    })
    .map_err(|e| e.to_string())?;
    shared
        .borrow_mut()
        .net
        .add_connection_block(c.0, &block, src.0, tgt.0);
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
    check_keys(
        &opts,
        &["period", "name", "when", "order", "dt", "clock"],
        "SpikeGeneratorGroup",
    )?;
    let n = count(n, "a SpikeGeneratorGroup")?;
    let idx = to_indices(&indices, "the indices")?;
    let times = to_qarray(&times, "the times")?;
    let period = match opts.get("period") {
        Some(p) => to_si(p, Dimension::TIME, "period")?,
        None => 0.0,
    };
    let name = opts.get("name").map(|v| to_string(v, "name")).transpose()?;
    let mut group = SpikeGeneratorGroup::from_arrays(n, &idx, &times, period, String::new())
        .map_err(|e| e.to_string())?;
    let mut st = shared.borrow_mut();
    group.name = name.unwrap_or_else(|| next_name(&mut st, "spikegeneratorgroup"));
    let g = st.net.add_group(Group::Generator(group));
    let id = ObjectId {
        kind: Kind::Group,
        index: g.group,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(GroupHandle(g))
}

/// Brian 2's PoissonGroup: rates as a quantity, an array, or an expression in t and i.
fn poisson_group(shared: &Shared, n: INT, rates: Dynamic, opts: Map) -> RResult<GroupHandle> {
    let mut keys: Vec<&str> = vec!["rates", "name"];
    keys.extend(super::schedule::SCHEDULING_KEYS);
    check_keys(&opts, &keys, "PoissonGroup")?;
    count(n, "a PoissonGroup")?;
    let name = opts.get("name").map(|v| to_string(v, "name")).transpose()?;
    let mut group = if rates.is_string() {
        // An expression in t and i, checked to be in Hz and compiled at run().
        let code = to_string(&rates, "the rates")?;
        PoissonGroup::with_code(n.max(0) as usize, code, String::new())
    } else {
        let arr = to_qarray(&rates, "the rates")?;
        PoissonGroup::from_rates(n.max(0) as usize, &arr, String::new())
            .map_err(|e| e.to_string())?
    };
    let mut st = shared.borrow_mut();
    group.name = name.unwrap_or_else(|| next_name(&mut st, "poissongroup"));
    let g = st.net.add_group(Group::Poisson(group));
    let id = ObjectId {
        kind: Kind::Group,
        index: g.group,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    Ok(GroupHandle(g))
}

fn kind_name(g: &Group) -> &'static str {
    match g {
        Group::Neurons(_) => "NeuronGroup",
        Group::Poisson(_) => "PoissonGroup",
        Group::Generator(_) => "SpikeGeneratorGroup",
    }
}

fn pulse_packet(shared: &Shared, t: Dynamic, n: INT, sigma: Dynamic) -> RResult<GroupHandle> {
    let n = count(n, "a PulsePacket")?;
    let t = to_si(&t, Dimension::TIME, "t")?;
    let sigma = to_si(&sigma, Dimension::TIME, "sigma")?;
    let mut st = shared.borrow_mut();
    let name = next_name(&mut st, "pulsepacket");
    Ok(GroupHandle(st.net.add_pulse_packet(t, n, sigma, name)))
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
    let rate = to_quantity(&rate, "the rate of a PoissonInput")?;
    let weight = to_quantity(&weight, &format!("the weight onto '{var}'"))?;
    let n = crate::network::count(n, "a PoissonInput", "inputs").map_err(|e| e.to_string())?;
    let mut st = shared.borrow_mut();
    let name = opts.get("name").map(|v| to_string(v, "name")).transpose()?;
    let index = st
        .net
        .add_poisson_input(
            target.0,
            var,
            n,
            rate,
            weight,
            name.clone().unwrap_or_default(),
        )
        .map_err(|e| e.to_string())?;
    if name.is_none() {
        let name = next_name(&mut st, "poissoninput");
        st.net.poisson_inputs[index].name = name;
    }
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
    engine.register_type_with_name::<LinkedVar>("LinkedVar");
    // Brian 2's string indices: `G.v["v > -50*mV"] = ...`, `S.w["i > j"] = "..."`. Rhai
    // reads `G.v`, sets the index on that array and writes the array back; the write
    // goes to the network here and the array takes the new values, so the write-back
    // changes nothing.
    let s = shared.clone();
    engine.register_indexer_set(
        move |a: &mut QuantityArray, cond: ImmutableString, v: Dynamic| -> RResult<()> {
            let Some(source) = a.label.as_ref().and_then(|l| l.source.clone()) else {
                return err(format!(
                    "a[\"{cond}\"] = ...: a condition string indexes a group's or synapses' \
                     variable (G.v[\"{cond}\"] = ...), not an array"
                ));
            };
            let v = v
                .as_bool()
                .map_or(v, |b| Dynamic::from_float(f64::from(u8::from(b))));
            let value = if v.is_string() {
                Assigned::Code(to_string(&v, "the value")?)
            } else {
                Assigned::Values(to_qarray(&v, "the value")?)
            };
            let mut st = s.borrow_mut();
            let (t, dt) = (st.net.t(), st.net.default_dt());
            let fresh = match &source {
                crate::units::VariableSource::Group {
                    group,
                    start,
                    len,
                    name,
                } => {
                    let r = GroupRef {
                        group: *group,
                        start: *start,
                        len: *len,
                    };
                    let externals = st.group_namespace(r.group);
                    st.net
                        .set_group_values_where(r, name, &cond, &value, &externals)
                        .map_err(|e| e.to_string())?;
                    let ng = st.net.neurons(r).ok_or("not a NeuronGroup")?;
                    ng.values(name, (r.start, r.len), t, dt, &externals)
                }
                crate::units::VariableSource::Synapses { index, name } => {
                    let externals = st.synapses_namespace(*index);
                    st.net
                        .set_synapse_variable_where(*index, name, &cond, &value, &externals)
                        .map_err(|e| e.to_string())?;
                    st.net.synapses[*index].values(name, &st.net.groups, t, dt, &externals)
                }
            };
            let (values, _) = fresh.map_err(|e| e.to_string())?;
            a.values = values.into();
            Ok(())
        },
    );
    engine.register_fn("linked_var", |g: GroupHandle, name: &str| {
        linked_var(g, name, Map::new())
    });
    engine.register_fn("linked_var", |g: GroupHandle, name: &str, o: Map| {
        linked_var(g, name, o)
    });
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
    engine.register_fn("NeuronGroup", move |n: INT, opts: Map| {
        let model = to_string(
            opts.get("model")
                .ok_or("NeuronGroup(N, #{...}) needs model (the equations)")?,
            "model",
        )?;
        neuron_group(&s, n, model, opts)
    });
    let s = shared.clone();
    engine.register_fn("NeuronGroup", move |opts: Map| {
        let n = to_int(opts.get("N").ok_or("NeuronGroup(#{...}) needs N")?, "N")?;
        let model = to_string(
            opts.get("model").ok_or("NeuronGroup(#{...}) needs model")?,
            "model",
        )?;
        neuron_group(&s, n, model, opts)
    });
    // Equations are their text, ending in a newline so that `+` joins them as Brian 2's
    // Equations objects; `Equations(eqs, #{ tau: 10*ms, g: "g_e" })` substitutes.
    let ends_in_newline = |text: &str| {
        let mut t = text.to_string();
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t
    };
    engine.register_fn("Equations", move |text: ImmutableString| {
        ends_in_newline(&text)
    });
    engine.register_fn(
        "Equations",
        move |text: ImmutableString, o: Map| -> RResult<String> {
            let mut reps = Vec::new();
            for (k, v) in &o {
                let r = if v.is_string() {
                    crate::equations::Replacement::Name(to_string(v, k)?)
                } else {
                    crate::equations::Replacement::Value(to_quantity(v, k)?)
                };
                reps.push((k.to_string(), r));
            }
            let out = crate::equations::substitute(&text, &reps)
                .map_err(|e| format!("Equations: {e}"))?;
            Ok(ends_in_newline(&out))
        },
    );
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
    // Python's slice rules, as Brian 2's `G[a:b]`: `G[3200..]`, `G[-800..]`.
    // Brian 2's G[3]: the subgroup of one neuron.
    engine.register_indexer_get(|g: &mut GroupHandle, k: INT| -> RResult<GroupHandle> {
        if k < 0 || k as usize >= g.0.len {
            return err(format!(
                "neuron {k} is outside the group's range 0 to {}",
                g.0.len as INT - 1
            ));
        }
        subgroup(g, k as usize, 1)
    });
    engine.register_indexer_get(|g: &mut GroupHandle, r: std::ops::Range<INT>| {
        let (s, e) = super::units::python_slice(r, g.0.len);
        subgroup(g, s, e - s)
    });
    let s = shared.clone();
    engine.register_indexer_get(move |g: &mut GroupHandle, name: &str| get_var(&s, g, name));
    let s = shared.clone();
    engine.register_fn("get_states", move |g: &mut GroupHandle| {
        get_states(&s, g, Map::new())
    });
    let s = shared.clone();
    engine.register_fn("get_states", move |g: &mut GroupHandle, o: Map| {
        get_states(&s, g, o)
    });
    let s = shared.clone();
    engine.register_fn("set_states", move |g: &mut GroupHandle, values: Map| {
        set_states(&s, g, values)
    });
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
        let ns = st.group_namespace(g.0.group);
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
            // Brian 2's keyword form: PoissonGroup(n, #{ rates: ..., ... }).
            match rates.clone().try_cast::<Map>() {
                Some(opts) => {
                    let r = opts
                        .get("rates")
                        .cloned()
                        .ok_or("PoissonGroup needs rates")?;
                    poisson_group(&s, n, r, opts)
                }
                None => poisson_group(&s, n, rates, Map::new()),
            }
        },
    );
    let s = shared.clone();
    engine.register_fn("PoissonGroup", move |n: INT, rates: Dynamic, opts: Map| {
        poisson_group(&s, n, rates, opts)
    });
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
    engine.register_get("W", move |c: &mut ConnectionHandle| -> RResult<Matrix> {
        let st = s.borrow();
        Matrix::from_rows(
            &st.net.connections[c.0].dense(),
            st.net.connection_weight_dim(c.0),
        )
    });
    // `C.W[i][j] = w` reads W, changes the copy and writes it back through this setter,
    // which changes the weights of existing synapses (setting one that is absent is an
    // error naming it; the structure stays as built).
    let s = shared.clone();
    engine.register_set(
        "W",
        move |c: &mut ConnectionHandle, m: Matrix| -> RResult<()> {
            s.borrow_mut()
                .net
                .set_connection_weights(c.0, &m.rows(), m.dim)
                .map_err(|e| e.to_string().into())
        },
    );
    let s = shared.clone();
    engine.register_fn("len", move |c: &mut ConnectionHandle| {
        s.borrow().net.connections[c.0].len() as INT
    });
    engine.register_fn("todense", |m: &mut Matrix| m.clone());
    // NumPy's `a.T`: the transpose.
    engine.register_get("T", |m: &mut Matrix| {
        let d = m.data.as_slice();
        let mut t = Vec::with_capacity(d.len());
        for j in 0..m.ncols {
            t.extend((0..m.nrows).map(|k| d[k * m.ncols + j]));
        }
        Matrix::from_data(t.into(), m.ncols, m.nrows, m.dim).with_kind(m.kind)
    });
    engine.register_fn("len", |m: &mut Matrix| m.nrows as INT);
    // A matrix times or divided by a number or quantity (M.v / mV), element by element.
    for op in ["*", "/"] {
        let scale = move |m: &Matrix, q: Quantity, matrix_first: bool| -> Matrix {
            let (data, dim): (Vec<f64>, Dimension) = match (op, matrix_first) {
                ("*", _) => (m.data.iter().map(|x| x * q.value).collect(), m.dim * q.dim),
                (_, true) => (m.data.iter().map(|x| x / q.value).collect(), m.dim / q.dim),
                _ => (m.data.iter().map(|x| q.value / x).collect(), q.dim / m.dim),
            };
            Matrix::from_data(data.into(), m.nrows, m.ncols, dim)
        };
        engine.register_fn(op, move |m: Matrix, q: Dynamic| -> RResult<Matrix> {
            Ok(scale(&m, to_quantity(&q, "the factor")?, true))
        });
        engine.register_fn(op, move |q: Dynamic, m: Matrix| -> RResult<Matrix> {
            Ok(scale(&m, to_quantity(&q, "the factor")?, false))
        });
    }
    engine.register_indexer_get(|m: &mut Matrix, i: INT| -> RResult<QuantityArray> {
        let k = matrix_row(m, i)?;
        Ok(QuantityArray::shared(m.row(k), m.dim).with_kind(m.kind))
    });
    engine.register_indexer_set(|m: &mut Matrix, i: INT, row: Dynamic| -> RResult<()> {
        let dim = m.dim;
        let k = matrix_row(m, i)?;
        let ncols = m.ncols;
        let dst = &mut m.data[k * ncols..(k + 1) * ncols];
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
    for ty in ["to_string", "to_debug"] {
        engine.register_fn(ty, |m: &mut Matrix| m.to_string());
    }

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
        let st = s.borrow();
        // During a run (in a network operation): the time of the current step.
        let t = st.running.map_or(st.runs.magic_t, |(t, _)| t);
        Quantity::new(t, Dimension::TIME)
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
            // Brian 2's keyword form, TimedArray(values, dt=...): #{ dt: ... }.
            let dt = match dt.clone().try_cast::<Map>() {
                Some(o) => {
                    check_keys(&o, &["dt"], "TimedArray")?;
                    o.get("dt")
                        .cloned()
                        .ok_or("TimedArray needs a dt, e.g. #{ dt: 1*ms }")?
                }
                None => dt,
            };
            let dt = to_si(&dt, Dimension::TIME, "the dt of a TimedArray")?;
            let table = if let Some(m) = values.clone().try_cast::<Matrix>() {
                let rows: Vec<QuantityArray> = (0..m.nrows)
                    .map(|k| QuantityArray::shared(m.row(k), m.dim))
                    .collect();
                TimedArray::from_rows(&rows, dt)
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
                TimedArray::from_rows(&rows, dt)
            } else {
                TimedArray::from_values(&to_qarray(&values, "the values of a TimedArray")?, dt)
            };
            table.map_err(|e| e.to_string().into())
        },
    );
    engine.register_fn("to_string", |t: &mut TimedArray| t.to_string());
    // Brian 2's `ta.values` (1-D: an array; 2-D: rows of times) and `ta.dt`.
    engine.register_get("values", |t: &mut TimedArray| -> Dynamic {
        let tb = &t.table;
        match tb.values.len().checked_div(tb.columns) {
            None => Dynamic::from(QuantityArray::new(tb.values.clone(), t.dim)),
            Some(rows) => Dynamic::from(Matrix::from_data(
                tb.values.clone().into(),
                rows,
                tb.columns,
                t.dim,
            )),
        }
    });
    engine.register_get("dt", |t: &mut TimedArray| {
        Quantity::new(t.table.dt, Dimension::TIME)
    });
}
