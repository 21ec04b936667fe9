//! Building objects from plain Rust values, with every check a script gets: Brian 1's
//! Connection (weights and delays as a quantity, a string in `i` and `j`, or a function of
//! `(i, j)`; random or full connectivity; `connect_*` on parts), Brian 2's input groups
//! (PoissonGroup, SpikeGeneratorGroup, PulsePacket, PoissonInput) and values written into
//! Synapses (`S.w = ...`, `S.delay = ...`). The script layer converts its values and
//! calls these; a Rust program calls them directly.

use super::connection::{full_rows, one_to_one_rows, random_rows, Connection};
use super::connection::{ConnectionDelay, RowBuilder, WeightFn};
use super::inputs::{PoissonGroup, PoissonInput, SpikeGeneratorGroup};
use super::namespace::Values;
use super::synapses::Delay;
use super::{Group, GroupRef, Network, NetworkError, NeuronGroup};
use crate::units::{is_unit_free, Dimension, Quantity, QuantityArray};
use rand::rngs::SmallRng;
use rand::Rng;
use rand_distr::StandardNormal;

fn other(object: &str, message: impl std::fmt::Display) -> NetworkError {
    NetworkError::Other(format!("{object}: {message}"))
}

/// An error naming the object when it has a name already (a script names objects once
/// they are built).
fn named(name: &str, message: String) -> NetworkError {
    if name.is_empty() {
        NetworkError::Other(message)
    } else {
        other(name, message)
    }
}

/// A count given as a signed number (a script's integer), which cannot be negative:
/// "`what` needs a non-negative number of `of`, got -3".
pub fn count(n: i64, what: &str, of: &str) -> Result<usize, NetworkError> {
    usize::try_from(n).map_err(|_| {
        NetworkError::Other(format!(
            "{what} needs a non-negative number of {of}, got {n}"
        ))
    })
}

/// The error for a name that is not a variable of `ng`, with a suggestion.
pub fn unknown_variable(ng: &NeuronGroup, name: &str) -> NetworkError {
    let names: Vec<&str> = ng.array_names.iter().map(String::as_str).collect();
    let hint = crate::expr::closest(name, names.iter().copied())
        .map(|h| format!(" (did you mean '{h}'?)"))
        .unwrap_or_default();
    NetworkError::Other(format!(
        "{} has no variable '{name}'{hint}; its variables are: {}",
        ng.spec.name,
        names.join(", ")
    ))
}

/// A value per pair `(i, j)` of local indices: a Connection's weight or its per-synapse
/// delay.
pub enum PairValue<'a> {
    /// The same value for every pair, checked against the target's unit.
    Quantity(Quantity),
    /// An expression in `i`, `j` and external names (`"-(1 + 0.01*j)*mV"`), unit-checked
    /// once and evaluated per pair.
    Code(String),
    /// A function of `(i, j)` (a script's closure; any Rust closure), whose values are
    /// checked against the target's unit.
    /// It gets the network's random generator, drawn from in the order of the pairs.
    Function(PairFn<'a>),
}

/// A function of `(i, j)` and the network's random generator.
pub type PairFn<'a> = Box<dyn FnMut(usize, usize, &mut SmallRng) -> Result<Quantity, String> + 'a>;

impl PairValue<'_> {
    /// A Rust closure of `(i, j)` as a pair value.
    pub fn function<'a>(
        mut f: impl FnMut(usize, usize) -> Result<Quantity, String> + 'a,
    ) -> PairValue<'a> {
        PairValue::Function(Box::new(move |i, j, _: &mut SmallRng| f(i, j)))
    }

    /// A Rust closure of `(i, j)` and the network's random generator (rows' targets are
    /// drawn before their weights).
    pub fn function_with_rng<'a>(
        f: impl FnMut(usize, usize, &mut SmallRng) -> Result<Quantity, String> + 'a,
    ) -> PairValue<'a> {
        PairValue::Function(Box::new(f))
    }
}

/// Delays of a Brian 1 Connection.
pub enum ConnectionDelaySpec<'a> {
    /// One delay for every synapse (Brian 1 floors `delay/dt` to whole steps).
    Homogeneous(Quantity),
    /// `[min, max]`: one delay per synapse drawn uniformly (Brian 1's `(min, max)`).
    Uniform(QuantityArray),
    /// One delay per synapse from a string or function of `(i, j)`.
    PerPair(PairValue<'a>),
}

/// Everything Brian 1's `Connection(source, target, state, weight=..., sparseness=...,
/// delay=..., max_delay=..., structure=...)` takes.
pub struct ConnectionSpec<'a> {
    pub source: GroupRef,
    pub target: GroupRef,
    /// The target variable; the target's first variable when `None` (Brian 1's state 0).
    pub var: Option<String>,
    /// Without a weight the connection starts empty (filled by `connect_*`).
    pub weight: Option<PairValue<'a>>,
    /// Probability of each pair; all pairs when `None`.
    pub sparseness: Option<f64>,
    pub delay: Option<ConnectionDelaySpec<'a>>,
    /// Seconds.
    pub max_delay: Option<f64>,
    /// Brian 1's storage choice (`"sparse"`, `"dense"`, `"dynamic"`), checked; all are
    /// stored as CSR.
    pub structure: Option<String>,
    pub name: String,
}

impl<'a> ConnectionSpec<'a> {
    /// A connection with nothing but its groups and name (Brian 1's defaults).
    pub fn new(source: GroupRef, target: GroupRef, name: &str) -> ConnectionSpec<'a> {
        ConnectionSpec {
            source,
            target,
            var: None,
            weight: None,
            sparseness: None,
            delay: None,
            max_delay: None,
            structure: None,
            name: name.to_string(),
        }
    }
}

/// The variable a Connection adds onto: its name, index among the target's arrays, unit.
#[derive(Clone, Debug)]
pub struct TargetVariable {
    pub name: String,
    pub index: usize,
    pub dim: Dimension,
}

/// Brian 1's connectivity patterns for `connect_*`.
#[derive(Clone, Copy, Debug)]
pub enum Pattern {
    Full,
    Random(f64),
    OneToOne,
}

/// A weight prepared before the synapses are built.
enum WeightSource<'s, 'a> {
    Constant(f64),
    Function(&'s mut PairFn<'a>),
    /// A string in `i` and `j`, compiled once.
    Code(crate::eval::Kernel),
}

/// Names in a weight string: `i` and `j`, then the one external resolver.
struct PairNamespace<'v>(&'v Values);

impl crate::expr::Namespace for PairNamespace<'_> {
    fn resolve(&self, name: &str) -> Option<crate::expr::NameInfo> {
        match name {
            "i" | "j" => Some(crate::expr::NameInfo::Variable(Dimension::DIMENSIONLESS)),
            _ => self.0.resolve(name).map(crate::expr::NameInfo::Constant),
        }
    }
    fn names(&self) -> Vec<String> {
        let mut names = self.0.suggestions();
        names.extend(["i".to_string(), "j".to_string()]);
        names
    }
}

/// Checks a pair value against the unit `target_dim` and prepares it.
fn weight_source<'s, 'a>(
    weight: &'s mut PairValue<'a>,
    target_dim: Dimension,
    externals: &Values,
) -> Result<WeightSource<'s, 'a>, String> {
    match weight {
        PairValue::Function(f) => Ok(WeightSource::Function(f)),
        PairValue::Quantity(q) => q
            .in_dim(target_dim, "the weight")
            .map(WeightSource::Constant)
            .map_err(|e| e.to_string()),
        PairValue::Code(text) => {
            let fail = |e: crate::expr::ExprError| format!("in the weight '{text}': {e}");
            let expr = crate::expr::parse_expr(text).map_err(fail)?;
            let ns = PairNamespace(externals);
            let dim = crate::expr::infer(&expr, &ns).map_err(fail)?;
            if dim != target_dim {
                return Err(format!(
                    "the weight '{text}' has units of {dim}, but the target variable is in {target_dim}"
                ));
            }
            let bind = |n: &str| match n {
                "i" => Some(crate::eval::Binding::Array(0)),
                "j" => Some(crate::eval::Binding::Array(1)),
                _ => externals
                    .resolve(n)
                    .map(|q| crate::eval::Binding::Constant(q.value)),
            };
            Ok(WeightSource::Code(
                crate::eval::compile_condition(&[], &expr, &bind).map_err(fail)?,
            ))
        }
    }
}

/// Runs `build` with the value of each pair (checked to be in `target_dim`). A string
/// draws the seed of its own generator (for `rand()`) from `rng` first.
pub fn with_pair_values<R>(
    value: &mut PairValue,
    target_dim: Dimension,
    externals: &Values,
    rng: &mut SmallRng,
    mut build: impl FnMut(&mut WeightFn, &mut SmallRng) -> Result<R, String>,
) -> Result<R, String> {
    match weight_source(value, target_dim, externals)? {
        WeightSource::Constant(w) => build(&mut WeightFn::Constant(w), rng),
        WeightSource::Function(f) => {
            let mut call = |i: usize, j: usize, rng: &mut SmallRng| -> Result<f64, String> {
                f(i, j, rng)?
                    .in_dim(target_dim, "the weight")
                    .map_err(|e| e.to_string())
            };
            build(&mut WeightFn::Function(&mut call), rng)
        }
        WeightSource::Code(kernel) => {
            let mut scratch = crate::eval::Scratch::default();
            let mut code_rng: SmallRng = rand::SeedableRng::seed_from_u64(rng.random());
            let mut call = |i: usize, j: usize, _: &mut SmallRng| -> Result<f64, String> {
                let mut arrays = vec![vec![i as f64], vec![j as f64]];
                let mut out = 0.0;
                kernel.run_value(&mut arrays, &mut code_rng, &mut scratch, &mut out);
                Ok(out)
            };
            build(&mut WeightFn::Function(&mut call), rng)
        }
    }
}

impl Network {
    /// The variable of `target` a Connection adds onto (`var`, or the first variable).
    pub fn connection_target(
        &self,
        target: GroupRef,
        var: Option<&str>,
    ) -> Result<TargetVariable, NetworkError> {
        let Some(ng) = self.neurons(target) else {
            return Err(NetworkError::Other(
                "the target of a Connection must be a NeuronGroup".into(),
            ));
        };
        let name = match var {
            Some(v) => v.to_string(),
            None => ng
                .first_variable()
                .ok_or_else(|| {
                    NetworkError::Other("the target group has no state variable".into())
                })?
                .to_string(),
        };
        let index = ng
            .var_index(&name)
            .ok_or_else(|| unknown_variable(ng, &name))?;
        let dim = ng.var_dim(&name).unwrap_or_default();
        Ok(TargetVariable { name, index, dim })
    }

    /// The unit of connection `c`'s weights (its target variable's).
    pub fn connection_weight_dim(&self, c: usize) -> Dimension {
        let conn = &self.connections[c];
        self.neurons(conn.target)
            .and_then(|g| g.var_dim(&conn.target_var_name))
            .unwrap_or_default()
    }

    /// `C.W = M` (see [`Connection::set_dense`]), in the unit of the target variable.
    pub fn set_connection_weights(
        &mut self,
        c: usize,
        rows: &[Vec<f64>],
        dim: Dimension,
    ) -> Result<(), NetworkError> {
        let target_dim = self.connection_weight_dim(c);
        self.connections[c]
            .set_dense(rows, dim, target_dim)
            .map_err(NetworkError::Other)
    }

    /// Builds and adds a Brian 1 Connection; returns its index in `connections`.
    pub fn add_connection(
        &mut self,
        spec: ConnectionSpec,
        externals: &Values,
    ) -> Result<usize, NetworkError> {
        let target = self.connection_target(spec.target, spec.var.as_deref())?;
        let c = build_connection(spec, &target, externals, &mut self.rng)?;
        self.connections.push(c);
        Ok(self.connections.len() - 1)
    }

    /// Checks that `src` and `tgt` lie within connection `c`'s source and target, for
    /// `connect_*`; returns the unit of its weights.
    pub fn connect_part_check(
        &self,
        c: usize,
        src: GroupRef,
        tgt: GroupRef,
    ) -> Result<Dimension, NetworkError> {
        let conn = &self.connections[c];
        if matches!(conn.delay, ConnectionDelay::PerSynapse(_)) {
            return Err(other(&conn.name, "connect_* cannot add to a Connection with one delay per synapse; give weight and delay when creating it"));
        }
        let inside = |outer: GroupRef, inner: GroupRef| {
            inner.group == outer.group
                && inner.start >= outer.start
                && inner.start + inner.len <= outer.start + outer.len
        };
        if !inside(conn.source, src) {
            return Err(other(
                &conn.name,
                "the source of connect_* must be a part of the connection's source group",
            ));
        }
        if !inside(conn.target, tgt) {
            return Err(other(
                &conn.name,
                "the target of connect_* must be a part of the connection's target group",
            ));
        }
        Ok(self.connection_weight_dim(c))
    }

    /// Brian 1's `C.connect_full/connect_random/connect_one_to_one(src, tgt, weight)`:
    /// adds synapses between parts of the connection's source and target.
    pub fn connect_part(
        &mut self,
        c: usize,
        src: GroupRef,
        tgt: GroupRef,
        pattern: Pattern,
        mut weight: PairValue,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let dim = self.connect_part_check(c, src, tgt)?;
        let name = self.connections[c].name.clone();
        let block = connection_block(
            &name,
            pattern,
            src.len,
            tgt.len,
            &mut weight,
            dim,
            externals,
            &mut self.rng,
        )?;
        self.add_connection_block(c, &block, src, tgt);
        Ok(())
    }

    /// Adds a block built by [`connection_block`] for the parts `src` and `tgt`.
    pub fn add_connection_block(
        &mut self,
        c: usize,
        block: &sprs::CsMatI<f64, u32>,
        src: GroupRef,
        tgt: GroupRef,
    ) {
        let conn = &mut self.connections[c];
        let (so, to) = (src.start - conn.source.start, tgt.start - conn.target.start);
        conn.add_block(block, so, to);
    }
}

/// The synapses of `connect_*` between groups of `rows` and `cols` neurons (`object`
/// names the connection in errors).
#[allow(clippy::too_many_arguments)]
pub fn connection_block(
    object: &str,
    pattern: Pattern,
    rows: usize,
    cols: usize,
    weight: &mut PairValue,
    dim: Dimension,
    externals: &Values,
    rng: &mut SmallRng,
) -> Result<sprs::CsMatI<f64, u32>, NetworkError> {
    if let Pattern::OneToOne = pattern {
        if rows != cols {
            return Err(other(
                object,
                format!("connect_one_to_one needs groups of equal size, got {rows} and {cols}"),
            ));
        }
    }
    with_pair_values(weight, dim, externals, rng, |wf, rng| match pattern {
        Pattern::Full => full_rows(rows, cols, wf, rng),
        Pattern::Random(p) => random_rows(rows, cols, p, wf, rng, None),
        Pattern::OneToOne => one_to_one_rows(rows, wf, rng),
    })
    .map_err(|e| other(object, e))
}

/// Builds (without adding) a Brian 1 Connection onto `target` (from
/// [`Network::connection_target`]): weights first, then delays, drawing from `rng` in
/// that order. A function weight may run code that needs the network, so this takes the
/// generator alone.
pub fn build_connection(
    mut spec: ConnectionSpec,
    target: &TargetVariable,
    externals: &Values,
    rng: &mut SmallRng,
) -> Result<Connection, NetworkError> {
    let object = if spec.name.is_empty() {
        "Connection".to_string()
    } else {
        spec.name.clone()
    };
    if let Some(text) = &spec.structure {
        if !["sparse", "dense", "dynamic"].contains(&text.as_str()) {
            return Err(NetworkError::Other(format!(
                "Connection: structure should be 'sparse', 'dense' or 'dynamic', got '{text}'"
            )));
        }
    }
    let (rows, cols) = (spec.source.len, spec.target.len);
    let dim = target.dim;
    let weights = match (spec.weight.as_mut(), spec.sparseness) {
        (Some(w), Some(p)) => with_pair_values(w, dim, externals, rng, |wf, rng| {
            random_rows(rows, cols, p, wf, rng, None)
        }),
        (Some(w), None) => with_pair_values(w, dim, externals, rng, |wf, rng| {
            full_rows(rows, cols, wf, rng)
        }),
        (None, Some(_)) => Err("a Connection with sparseness needs a weight".to_string()),
        (None, None) => Ok(RowBuilder::new(cols).finish_empty(rows)),
    }
    .map_err(|e| other(&object, e))?;
    let delay =
        connection_delay(spec.delay, &weights, externals, rng).map_err(|e| other(&object, e))?;
    let mut c = Connection::new(
        spec.source,
        spec.target,
        target.index,
        target.name.clone(),
        weights,
        delay,
        spec.name,
    );
    c.max_delay = spec.max_delay;
    Ok(c)
}

/// Brian 1's delays: a quantity for all synapses; a string or function of (i, j), or
/// `[min, max]` (uniformly distributed) for one delay per synapse, in storage order.
fn connection_delay(
    delay: Option<ConnectionDelaySpec>,
    weights: &sprs::CsMatI<f64, u32>,
    externals: &Values,
    rng: &mut SmallRng,
) -> Result<ConnectionDelay, String> {
    let Some(d) = delay else {
        return Ok(ConnectionDelay::Homogeneous(0.0));
    };
    let pairs: Vec<(usize, usize)> = weights
        .iter()
        .map(|(_, (i, j))| (i as usize, j as usize))
        .collect();
    match d {
        ConnectionDelaySpec::Homogeneous(q) => Ok(ConnectionDelay::Homogeneous(
            q.in_dim(Dimension::TIME, "delay")
                .map_err(|e| e.to_string())?,
        )),
        ConnectionDelaySpec::Uniform(range) => {
            if range.len() != 2 {
                return Err(
                    "a delay given as an array must be [min, max], as Brian 1's (min, max)".into(),
                );
            }
            if range.dim != Dimension::TIME {
                return Err(format!(
                    "the delay range should be in seconds, got units of {}",
                    range.dim
                ));
            }
            let (lo, hi) = (range.values[0], range.values[1]);
            Ok(ConnectionDelay::PerSynapse(
                pairs
                    .iter()
                    .map(|_| lo + (hi - lo) * rng.random::<f64>())
                    .collect(),
            ))
        }
        ConnectionDelaySpec::PerPair(mut value) => {
            let values =
                with_pair_values(&mut value, Dimension::TIME, externals, rng, |wf, rng| {
                    pairs.iter().map(|&(i, j)| wf.at(i, j, rng)).collect()
                })?;
            Ok(ConnectionDelay::PerSynapse(values))
        }
    }
}

impl PoissonGroup {
    /// A PoissonGroup of `n` neurons with one rate for all or one per neuron (in Hz; zeros
    /// may carry no unit).
    pub fn from_rates(
        n: usize,
        rates: &QuantityArray,
        name: String,
    ) -> Result<PoissonGroup, NetworkError> {
        let hz = Dimension::TIME.inverse();
        if rates.dim != hz
            && !(rates.dim.is_dimensionless() && rates.values.iter().all(|v| *v == 0.0))
        {
            return Err(named(
                &name,
                format!(
                    "the rates of a PoissonGroup should be in Hz, got units of {}",
                    rates.dim
                ),
            ));
        }
        let values = match rates.len() {
            1 => vec![rates.values[0]; n],
            k if k == n => rates.values.to_vec(),
            k => {
                return Err(named(
                    &name,
                    format!("PoissonGroup of {n} neurons got {k} rates"),
                ))
            }
        };
        Ok(PoissonGroup::new(values, name))
    }
}

impl SpikeGeneratorGroup {
    /// Brian 2's `SpikeGeneratorGroup(n, indices, times, period=...)`, checked: times in
    /// seconds, one per index, indices below `n`, times shorter than a (nonzero) period.
    pub fn from_arrays(
        n: usize,
        indices: &[usize],
        times: &QuantityArray,
        period: f64,
        name: String,
    ) -> Result<SpikeGeneratorGroup, NetworkError> {
        let fail = |m: String| Err(named(&name, m));
        if times.dim != Dimension::TIME
            && !(times.dim.is_dimensionless() && times.values.iter().all(|v| *v == 0.0))
        {
            return fail(format!(
                "the spike times should be in seconds, got units of {}",
                times.dim
            ));
        }
        if indices.len() != times.len() {
            return fail(format!(
                "{} indices but {} times",
                indices.len(),
                times.len()
            ));
        }
        if let Some(bad) = indices.iter().find(|&&i| i >= n) {
            return fail(format!(
                "index {bad} is out of range for a SpikeGeneratorGroup of {n} neurons"
            ));
        }
        if period > 0.0 && times.values.iter().any(|&t| t >= period) {
            return fail("all spike times of a SpikeGeneratorGroup with a period must be shorter than the period".into());
        }
        let spikes = times
            .values
            .iter()
            .zip(indices)
            .map(|(&t, &i)| (t, i as u32))
            .collect();
        Ok(SpikeGeneratorGroup::new(n, spikes, period, name))
    }

    /// Brian 1's PulsePacket: `n` neurons spiking once at `t + sigma * N(0, 1)` (seconds;
    /// drawn in neuron order from `rng`), negative times dropped.
    pub fn pulse_packet(
        t: f64,
        n: usize,
        sigma: f64,
        rng: &mut SmallRng,
        name: String,
    ) -> SpikeGeneratorGroup {
        let spikes: Vec<(f64, u32)> = (0..n as u32)
            .map(|i| (t + sigma * rng.sample::<f64, _>(StandardNormal), i))
            .filter(|(t, _)| *t >= 0.0)
            .collect();
        SpikeGeneratorGroup::new(n, spikes, 0.0, name)
    }
}

impl Network {
    /// Adds a PulsePacket (see [`SpikeGeneratorGroup::pulse_packet`]), drawing from the
    /// network's generator.
    pub fn add_pulse_packet(&mut self, t: f64, n: usize, sigma: f64, name: String) -> GroupRef {
        let g = SpikeGeneratorGroup::pulse_packet(t, n, sigma, &mut self.rng, name);
        self.add_group(Group::Generator(g))
    }

    /// Brian 2's `PoissonInput(target, var, n, rate, weight)`: checks the target, the
    /// variable and the units, and adds it; returns its index in `poisson_inputs`.
    pub fn add_poisson_input(
        &mut self,
        target: GroupRef,
        var: &str,
        n: usize,
        rate: Quantity,
        weight: Quantity,
        name: String,
    ) -> Result<usize, NetworkError> {
        let ng = self.neurons(target).ok_or_else(|| {
            named(
                &name,
                "the target of a PoissonInput must be a NeuronGroup".into(),
            )
        })?;
        let k = ng.var_index(var).ok_or_else(|| unknown_variable(ng, var))?;
        let dim = ng.var_dim(var).unwrap_or_default();
        let unit = |e: crate::units::UnitError| named(&name, e.to_string());
        let rate = rate
            .in_dim(Dimension::TIME.inverse(), "the rate of a PoissonInput")
            .map_err(unit)?;
        let weight = weight
            .in_dim(dim, &format!("the weight onto '{var}'"))
            .map_err(unit)?;
        self.poisson_inputs.push(PoissonInput {
            target,
            target_var: k,
            n: n as u64,
            rate,
            weight,
            name,
        });
        Ok(self.poisson_inputs.len() - 1)
    }
}

/// Values written into every synapse (or neuron): a code string evaluated per element, or
/// an array (one value for all, or one each).
#[derive(Clone, Debug)]
pub enum Assigned {
    Code(String),
    Values(QuantityArray),
}

/// A Synapses pathway's delay as written by `S.delay = ...`.
#[derive(Clone, Debug)]
pub enum DelayValue {
    Homogeneous(Quantity),
    PerSynapse(Assigned),
}

impl Network {
    fn synapse_unknown(&self, s: usize, name: &str) -> NetworkError {
        let syn = &self.synapses[s];
        let names: Vec<&str> = syn.array_names.iter().map(String::as_str).collect();
        let hint = crate::expr::closest(name, names.iter().copied())
            .map(|h| format!(" (did you mean '{h}'?)"))
            .unwrap_or_default();
        NetworkError::Other(format!(
            "{} has no variable '{name}'{hint}; its variables are: {}, i, j, delay",
            syn.spec.name,
            names.join(", ")
        ))
    }

    /// The delay of every synapse on a pathway (`"pre"`, `"post"`), in seconds.
    pub fn synapse_delays(&self, s: usize, pathway: &str) -> Result<Vec<f64>, NetworkError> {
        let syn = &self.synapses[s];
        let p = syn
            .pathways
            .iter()
            .find(|p| p.name == pathway)
            .ok_or_else(|| {
                NetworkError::Other(format!("{} has no pathway '{pathway}'", syn.spec.name))
            })?;
        Ok(match &p.delay {
            Delay::Homogeneous(d) => vec![*d; syn.len()],
            Delay::PerSynapse(d) => d.clone(),
        })
    }

    /// One value per synapse of `self.synapses[s]` from a code string (in `i`, `j` and the
    /// neurons' variables) or an array, checked to be in `dim`; `what` names it in errors.
    pub fn synapse_values_for(
        &mut self,
        s: usize,
        value: &Assigned,
        dim: Dimension,
        what: &str,
        externals: &Values,
    ) -> Result<Vec<f64>, NetworkError> {
        let n = self.synapses[s].len();
        let arr = match value {
            Assigned::Code(code) => return self.synapse_values(s, code, dim, externals),
            Assigned::Values(arr) => arr,
        };
        let name = &self.synapses[s].spec.name;
        if arr.dim != dim
            && !(arr.dim.is_dimensionless() && arr.values.iter().all(|v| is_unit_free(*v)))
        {
            return Err(other(
                name,
                format!("{what} has units of {}, but should be in {dim}", arr.dim),
            ));
        }
        match arr.len() {
            1 => Ok(vec![arr.values[0]; n]),
            k if k == n => Ok(arr.values.to_vec()),
            k => Err(other(
                name,
                format!("{what} has {k} values, but there are {n} synapses"),
            )),
        }
    }

    /// `S.pre.delay = ...`: one delay for the pathway or one per synapse.
    pub fn set_synapse_delay(
        &mut self,
        s: usize,
        pathway: &str,
        value: &DelayValue,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let delay = match value {
            DelayValue::PerSynapse(v) => Delay::PerSynapse(self.synapse_values_for(
                s,
                v,
                Dimension::TIME,
                "the delay",
                externals,
            )?),
            DelayValue::Homogeneous(q) => Delay::Homogeneous(
                q.in_dim(Dimension::TIME, "the delay")
                    .map_err(|e| NetworkError::Other(e.to_string()))?,
            ),
        };
        let syn = &mut self.synapses[s];
        let name = syn.spec.name.clone();
        let p = syn
            .pathway_mut(pathway)
            .ok_or_else(|| NetworkError::Other(format!("{name} has no pathway '{pathway}'")))?;
        p.delay = delay;
        Ok(())
    }

    /// Brian 2's `S.w["i > j"] = ...`: sets a Synapses variable (`delay` too) where the
    /// condition (an expression of the synapse, as connect conditions are) holds; the
    /// others keep their values. The value may be code (evaluated for every synapse, kept
    /// where the condition holds) or a number.
    pub fn set_synapse_variable_where(
        &mut self,
        s: usize,
        name: &str,
        condition: &str,
        value: &Assigned,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        if name == "i" || name == "j" {
            return self.set_synapse_variable(s, name, value, externals);
        }
        if name != "delay" {
            if self.synapses[s].var_index(name).is_none() {
                return Err(self.synapse_unknown(s, name));
            }
            let dt = self.default_dt();
            let mut local;
            let (code, ns) = match value {
                Assigned::Code(code) => (code.as_str(), externals),
                Assigned::Values(arr) if arr.len() == 1 => {
                    local = externals.clone();
                    local.insert("_value".into(), Quantity::new(arr.values[0], arr.dim));
                    ("_value", &local)
                }
                Assigned::Values(arr) => {
                    return Err(NetworkError::Other(format!(
                        "{}.{name}[\"{condition}\"] = ...: give one value or a code string, \
                         not {} values",
                        self.synapses[s].spec.name,
                        arr.len()
                    )))
                }
            };
            return self.synapses[s].set_with_code(
                name,
                code,
                Some(condition),
                &mut self.groups,
                dt,
                ns,
                &mut self.rng,
            );
        }
        // Delays are not in the synapses' code: the condition is evaluated per pair.
        let (t, dt) = (self.t(), self.default_dt());
        let (old, dim) = self.synapses[s].values(name, &self.groups, t, dt, externals)?;
        let mask = self.synapse_values(s, condition, Dimension::DIMENSIONLESS, externals)?;
        let new =
            self.synapse_values_for(s, value, dim, &format!("the value for '{name}'"), externals)?;
        let merged: Vec<f64> = mask
            .iter()
            .zip(new.iter().zip(&old))
            .map(|(m, (n, o))| if *m != 0.0 { *n } else { *o })
            .collect();
        let arr = QuantityArray::new(merged, dim);
        self.set_synapse_variable(s, name, &Assigned::Values(arr), externals)
    }

    /// `S.name = ...` for a Synapses variable (`delay`: the pre pathway's); `i` and `j`
    /// are fixed by `connect`.
    pub fn set_synapse_variable(
        &mut self,
        s: usize,
        name: &str,
        value: &Assigned,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        if name == "delay" {
            return self.set_synapse_delay(
                s,
                "pre",
                &DelayValue::PerSynapse(value.clone()),
                externals,
            );
        }
        if name == "N_incoming" || name == "N_outgoing" {
            return Err(NetworkError::Other(format!(
                "S.{name} counts the synapses of each synapse's {} neuron, set by connect(); \
                 it cannot be changed",
                if name == "N_incoming" {
                    "target"
                } else {
                    "source"
                }
            )));
        }
        if name == "i" || name == "j" {
            return Err(NetworkError::Other(format!(
                "S.{name} holds the synapses' {} neurons, set by connect(); it cannot be changed",
                if name == "i" { "source" } else { "target" }
            )));
        }
        let syn = &self.synapses[s];
        let k = syn
            .var_index(name)
            .ok_or_else(|| self.synapse_unknown(s, name))?;
        let dim = syn.var_dim(name).unwrap_or_default();
        if let Assigned::Code(code) = value {
            let dt = self.default_dt();
            return self.synapses[s].set_with_code(
                name,
                code,
                None,
                &mut self.groups,
                dt,
                externals,
                &mut self.rng,
            );
        }
        let mut values =
            self.synapse_values_for(s, value, dim, &format!("the value for '{name}'"), externals)?;
        // An integer variable keeps whole values: Brian 2 (NumPy) truncates.
        if self.synapses[s].eqs.is_integer(name) {
            values.iter_mut().for_each(|v| *v = v.trunc());
        }
        self.synapses[s].arrays[k] = values;
        Ok(())
    }
}

impl Network {
    /// `G.name = ...` on a (sub)group `r`: a code string evaluated per neuron (may call
    /// `rand()`, drawing from the network's generator), or one value for all or one per
    /// neuron, checked against the variable's unit.
    pub fn set_group_values(
        &mut self,
        r: GroupRef,
        name: &str,
        value: &Assigned,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        if self.is_linked(r.group, name) {
            return Err(NetworkError::Other(format!(
                "cannot set the linked variable '{name}' directly: link it to another \
                 group's variable with linked_var(source, \"name\")"
            )));
        }
        self.assign_group_values(r, name, None, value, externals)?;
        self.refresh_links(); // the assigned variable may be another group's link source
        Ok(())
    }

    /// Brian 2's `G.v["v > -50*mV"] = ...`: sets a variable where the condition (an
    /// expression of the neuron, `i` local to a subgroup) holds; the others keep theirs.
    /// The value is code or a single number.
    pub fn set_group_values_where(
        &mut self,
        r: GroupRef,
        name: &str,
        condition: &str,
        value: &Assigned,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        if self.is_linked(r.group, name) {
            return self.set_group_values(r, name, value, externals);
        }
        self.assign_group_values(r, name, Some(condition), value, externals)?;
        self.refresh_links();
        Ok(())
    }

    fn assign_group_values(
        &mut self,
        r: GroupRef,
        name: &str,
        condition: Option<&str>,
        value: &Assigned,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let dt = self.default_dt();
        let rng = &mut self.rng;
        let Group::Neurons(ng) = &mut self.groups[r.group] else {
            return Err(NetworkError::Other(format!(
                "cannot set '{name}': only a NeuronGroup has state variables"
            )));
        };
        let k = ng
            .var_index(name)
            .ok_or_else(|| unknown_variable(ng, name))?;
        let dim = ng.var_dim(name).unwrap_or_default();
        let arr = match (value, condition) {
            (Assigned::Code(code), _) => {
                return ng.set_with_code(
                    name,
                    code,
                    condition,
                    (r.start, r.len),
                    dt,
                    externals,
                    rng,
                )
            }
            // One value where a condition holds: the value as a named constant of the code.
            (Assigned::Values(arr), Some(cond)) => {
                if arr.len() != 1 {
                    return Err(NetworkError::Other(format!(
                        "{}.{name}[\"{cond}\"] = ...: give one value or a code string, not \
                         {} values",
                        ng.spec.name,
                        arr.len()
                    )));
                }
                let mut local = externals.clone();
                local.insert("_value".into(), Quantity::new(arr.values[0], arr.dim));
                return ng.set_with_code(
                    name,
                    "_value",
                    condition,
                    (r.start, r.len),
                    dt,
                    &local,
                    rng,
                );
            }
            (Assigned::Values(arr), None) => arr,
        };
        let what = format!("the value for '{name}'");
        let unit_free = arr.dim.is_dimensionless() && arr.values.iter().all(|v| is_unit_free(*v));
        if arr.dim != dim && !unit_free {
            return Err(NetworkError::Other(format!(
                "{what} has units of {}, but '{name}' is in {dim}",
                arr.dim
            )));
        }
        // An integer variable keeps whole values: Brian 2 (NumPy) truncates.
        let integer = ng.eqs.is_integer(name);
        let cast = |v: f64| if integer { v.trunc() } else { v };
        let dst = &mut ng.arrays[k][r.start..r.start + r.len];
        match arr.len() {
            1 => dst.fill(cast(arr.values[0])),
            n if n == dst.len() => dst
                .iter_mut()
                .zip(arr.values.iter())
                .for_each(|(d, &v)| *d = cast(v)),
            n => {
                return Err(NetworkError::Other(format!(
                    "{what} has {n} values, but the group has {} neurons",
                    dst.len()
                )))
            }
        }
        Ok(())
    }
}

impl Network {
    /// As Brian 2: a Synapses pathway triggered by spikes needs spikes of its group
    /// (`on_pre`: the source, `on_post`: the target), so a NeuronGroup there must have a
    /// threshold; `has_pre`/`has_post` say whether such pathways exist.
    pub fn check_synapse_groups(
        &self,
        source: GroupRef,
        target: GroupRef,
        has_pre: bool,
        has_post: bool,
    ) -> Result<(), NetworkError> {
        for (side, group, used) in [("source", source, has_pre), ("target", target, has_post)] {
            if let Some(ng) = self.neurons(group) {
                if used && ng.spec.threshold.is_none() {
                    return Err(NetworkError::Other(format!(
                        "Synapses: the {side} group '{}' has no spikes for on_{}: it has no threshold (did you forget to set a 'threshold'?)",
                        ng.spec.name,
                        if side == "source" { "pre" } else { "post" }
                    )));
                }
            }
        }
        Ok(())
    }
}
