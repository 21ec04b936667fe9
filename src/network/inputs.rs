//! Input groups: PoissonGroup (independent Poisson spike trains) and SpikeGeneratorGroup
//! (given spikes, binned to the time step; PulsePacket is one).

use rand::rngs::SmallRng;
use rand::Rng;

pub struct PoissonGroup {
    /// Rates in Hz, one per neuron.
    pub rates: Vec<f64>,
    pub name: String,
    /// Rates given as an expression in `t` and `i` (`"10*Hz + 5*Hz*sin(2*pi*t/second)"`),
    /// evaluated every step.
    pub rate_code: Option<String>,
    kernel: Option<crate::eval::Kernel>,
    /// The rate expression has one value for all neurons (it mentions neither `i` nor
    /// `rand`/`randn`): evaluated once per step.
    uniform_code: bool,
    /// How constant rates are drawn, built by `prepare` for the run's dt.
    plan: Option<Plan>,
}

/// Spikes of neurons that each fire with probability `p_k` in a step, drawn at a cost that
/// grows with the spikes, not the neurons: the neurons are split into classes by the
/// power of two of their `p_k`; in a class every neuron is a candidate with probability
/// `bound` (the class's largest possible `p_k`), the candidates found by skipping
/// geometric gaps, and a candidate fires with probability `p_k / bound` (at least 1/2;
/// no draw when all of the class share one `p_k`). Each neuron so fires with probability
/// `p_k`, independently of the others and of other steps: Brian 2's `rand() < rates*dt`.
struct Plan {
    dt: f64,
    n: usize,
    /// Neurons with `p_k >= 1`: they fire at every step.
    always: Vec<u32>,
    classes: Vec<Class>,
}

struct Class {
    /// Probability of being a candidate, and `ln(1 - bound)`.
    bound: f64,
    log_miss: f64,
    /// The members, ascending (`None`: all neurons of the group).
    members: Option<Vec<u32>>,
    /// `p_k / bound` of each member, if they differ.
    accept: Option<Vec<f64>>,
}

/// Bernoulli probability of a rate in a step, as Brian 2 compares it: `rand() < p`.
fn step_probability(rate: f64, dt: f64) -> f64 {
    let p = rate * dt;
    if p > 0.0 {
        p
    } else {
        0.0 // negative and NaN rates never fire
    }
}

/// The number of misses before the next hit of a Bernoulli process whose probability of a
/// miss is `exp(log_miss)`, as a float (it may exceed any index): Geometric, from one
/// uniform draw by inversion.
fn geometric_gap(log_miss: f64, rng: &mut SmallRng) -> f64 {
    let v = 1.0 - rng.random::<f64>(); // in (0, 1]
    (v.ln() / log_miss).floor()
}

/// Calls `hit(k, rng)` for the positions k of `0..len`, ascending, that have an event when
/// each has one independently with probability 1 - exp(log_miss): geometric gaps, so
/// the cost grows with the events. `hit` may draw more numbers from `rng` (after the
/// gap that found it).
fn for_each_event(
    len: usize,
    log_miss: f64,
    rng: &mut SmallRng,
    mut hit: impl FnMut(usize, &mut SmallRng),
) {
    let mut pos = 0usize;
    while pos < len {
        let gap = geometric_gap(log_miss, rng);
        if gap >= (len - pos) as f64 {
            return;
        }
        pos += gap as usize;
        hit(pos, rng);
        pos += 1;
    }
}

impl Class {
    fn new(bound: f64, members: Option<Vec<u32>>, accept: Option<Vec<f64>>) -> Class {
        Class {
            bound,
            log_miss: (-bound).ln_1p(),
            members,
            accept,
        }
    }

    /// Pushes this step's spikes of the class's `len` members, ascending.
    fn draw(&self, len: usize, rng: &mut SmallRng, out: &mut Vec<u32>) {
        if self.bound <= 0.0 {
            return;
        }
        for_each_event(len, self.log_miss, rng, |pos, rng| {
            let fires = match &self.accept {
                None => true,
                Some(a) => rng.random::<f64>() < a[pos],
            };
            if fires {
                out.push(self.members.as_ref().map_or(pos as u32, |m| m[pos]));
            }
        });
    }
}

impl Plan {
    fn new(rates: &[f64], dt: f64) -> Plan {
        let n = rates.len();
        let probs: Vec<f64> = rates.iter().map(|&r| step_probability(r, dt)).collect();
        let always: Vec<u32> = (0..n as u32)
            .filter(|&k| probs[k as usize] >= 1.0)
            .collect();
        let mut classes = Vec::new();
        if always.is_empty() && probs.iter().all(|&p| p == probs[0]) {
            if n > 0 {
                classes.push(Class::new(probs[0], None, None));
            }
        } else {
            // Classes by the binary exponent of p: p in [2^e, 2^(e+1)).
            let mut by_exponent: std::collections::BTreeMap<i32, Vec<u32>> = Default::default();
            for (k, &p) in probs.iter().enumerate() {
                if p > 0.0 && p < 1.0 {
                    by_exponent
                        .entry(p.log2().floor() as i32)
                        .or_default()
                        .push(k as u32);
                }
            }
            for (e, members) in by_exponent {
                let first = probs[members[0] as usize];
                if members.iter().all(|&k| probs[k as usize] == first) {
                    classes.push(Class::new(first, Some(members), None));
                } else {
                    let bound = 2f64.powi(e + 1).min(1.0);
                    let accept = members.iter().map(|&k| probs[k as usize] / bound).collect();
                    classes.push(Class::new(bound, Some(members), Some(accept)));
                }
            }
        }
        Plan {
            dt,
            n,
            always,
            classes,
        }
    }

    fn draw(&self, rng: &mut SmallRng, out: &mut Vec<u32>) {
        let start = out.len();
        for c in &self.classes {
            let len = c.members.as_ref().map_or(self.n, Vec::len);
            c.draw(len, rng, out);
        }
        out.extend_from_slice(&self.always);
        if self.classes.len() + usize::from(!self.always.is_empty()) > 1 {
            out[start..].sort_unstable();
        }
    }
}

impl PoissonGroup {
    pub fn new(rates: Vec<f64>, name: String) -> PoissonGroup {
        PoissonGroup {
            rates,
            name,
            rate_code: None,
            kernel: None,
            uniform_code: false,
            plan: None,
        }
    }

    /// A group whose rates are an expression, checked to be in Hz when the network runs.
    pub fn with_code(n: usize, code: String, name: String) -> PoissonGroup {
        PoissonGroup {
            rates: vec![0.0; n],
            name,
            rate_code: Some(code),
            kernel: None,
            uniform_code: false,
            plan: None,
        }
    }

    /// Compiles the rate expression, if any; for constant rates, plans the draws of the
    /// run (the rates do not change during a run).
    pub(super) fn prepare(
        &mut self,
        dt: f64,
        externals: &super::Values,
    ) -> Result<(), super::NetworkError> {
        let Some(code) = &self.rate_code else {
            self.plan = Some(Plan::new(&self.rates, dt));
            return Ok(());
        };
        self.plan = None;
        use crate::expr::{NameInfo, Namespace};
        use crate::units::{Dimension, Quantity};
        struct Ns<'a>(&'a super::Values, f64, usize);
        impl Namespace for Ns<'_> {
            fn resolve(&self, name: &str) -> Option<NameInfo> {
                match name {
                    "t" => Some(NameInfo::Variable(Dimension::TIME)),
                    "i" => Some(NameInfo::Variable(Dimension::DIMENSIONLESS)),
                    "dt" => Some(NameInfo::Constant(Quantity::new(self.1, Dimension::TIME))),
                    "N" => Some(NameInfo::Constant(Quantity::dimensionless(self.2 as f64))),
                    _ => self.0.resolve(name).map(NameInfo::Constant),
                }
            }
            fn names(&self) -> Vec<String> {
                let mut v = self.0.suggestions();
                v.extend(["t", "i", "dt", "N"].map(String::from));
                v
            }
            // Brian 2's `rates='stimulus(t)'`: TimedArrays of the namespace.
            fn function(&self, name: &str) -> Option<(Vec<Dimension>, Dimension)> {
                self.0.function(name)
            }
        }
        let fail = |e: crate::expr::ExprError| super::NetworkError::Code {
            object: self.name.clone(),
            what: "rates".into(),
            text: code.clone(),
            error: e,
        };
        let expr = crate::expr::parse_expr(code).map_err(fail)?;
        let ns = Ns(externals, dt, self.rates.len());
        let dim = crate::expr::infer(&expr, &ns).map_err(fail)?;
        if dim != Dimension::TIME.inverse() {
            let e = crate::expr::ExprError::other(
                format!("the rates must be in Hz, but this has units of {dim}"),
                expr.span,
            );
            return Err(fail(e));
        }
        let stmt = crate::expr::Statement {
            target: "rates".into(),
            op: crate::expr::AssignOp::Set,
            span: expr.span,
            value: expr,
        };
        let bind = |n: &str| match n {
            "rates" => Some(crate::eval::Binding::Array(0)),
            "t" => Some(crate::eval::Binding::Scalar(0)),
            "i" => Some(crate::eval::Binding::Index),
            other => match ns.resolve(other) {
                Some(NameInfo::Constant(q)) => Some(crate::eval::Binding::Constant(q.value)),
                _ => None,
            },
        };
        self.uniform_code =
            !stmt.value.mentions("i") && !stmt.value.calls("rand") && !stmt.value.calls("randn");
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind,
            tables: &tables,
        };
        self.kernel = Some(crate::eval::compile_statements(&[stmt], &bind).map_err(fail)?);
        Ok(())
    }

    /// Re-evaluates rates given as an expression at time t (once for all neurons if the
    /// expression has one value for all).
    pub(super) fn update_rates(
        &mut self,
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut crate::eval::Scratch,
    ) {
        let Some(k) = &self.kernel else { return };
        let mut arrays = [std::mem::take(&mut self.rates)];
        let n = arrays[0].len();
        let evaluated = if self.uniform_code { n.min(1) } else { n };
        k.run(
            &mut arrays,
            crate::eval::Elements::Range(0, evaluated),
            &[t],
            rng,
            scratch,
            |_| {},
        );
        let [mut rates] = arrays;
        if self.uniform_code && n > 1 {
            let r = rates[0];
            rates[1..].fill(r);
        }
        self.rates = rates;
    }

    /// Spikes of this step: each neuron fires with probability rate*dt, independently
    /// (Brian 2's `rand() < rates*dt`), ascending. Constant rates use the plan `prepare`
    /// made (made here if the group has not been prepared for this dt); rates given as an
    /// expression are drawn from this step's values.
    pub fn spikes(&mut self, dt: f64, rng: &mut SmallRng, out: &mut Vec<u32>) {
        if self.kernel.is_some() {
            return self.code_spikes(dt, rng, out);
        }
        if !matches!(&self.plan, Some(p) if p.dt == dt && p.n == self.rates.len()) {
            self.plan = Some(Plan::new(&self.rates, dt));
        }
        if let Some(plan) = &self.plan {
            plan.draw(rng, out);
        }
    }

    /// Spikes for rates evaluated this step: one class for all neurons, bounded by the
    /// largest probability (all of them if it is one value for all).
    fn code_spikes(&self, dt: f64, rng: &mut SmallRng, out: &mut Vec<u32>) {
        let n = self.rates.len();
        if n == 0 {
            return;
        }
        if self.uniform_code {
            let p = step_probability(self.rates[0], dt);
            if p >= 1.0 {
                out.extend(0..n as u32);
            } else {
                Class::new(p, None, None).draw(n, rng, out);
            }
            return;
        }
        let bound = self
            .rates
            .iter()
            .map(|&r| step_probability(r, dt))
            .fold(0.0, f64::max)
            .min(1.0);
        if bound <= 0.0 {
            return;
        }
        let log_miss = (-bound).ln_1p();
        let mut pos = 0usize;
        loop {
            let gap = geometric_gap(log_miss, rng);
            if gap >= (n - pos) as f64 {
                return;
            }
            pos += gap as usize;
            let p = step_probability(self.rates[pos], dt);
            if p >= bound || rng.random::<f64>() < p / bound {
                out.push(pos as u32);
            }
            pos += 1;
            if pos == n {
                return;
            }
        }
    }
}

pub struct SpikeGeneratorGroup {
    pub n: usize,
    /// (time in seconds, neuron index), as given.
    pub spikes: Vec<(f64, u32)>,
    /// Repeat every `period` seconds (0: once).
    pub period: f64,
    pub name: String,
    /// (step, index) sorted, built for the current dt.
    binned: Vec<(u64, u32)>,
    binned_dt: f64,
}

impl SpikeGeneratorGroup {
    pub fn new(
        n: usize,
        mut spikes: Vec<(f64, u32)>,
        period: f64,
        name: String,
    ) -> SpikeGeneratorGroup {
        spikes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        SpikeGeneratorGroup {
            n,
            spikes,
            period,
            name,
            binned: Vec::new(),
            binned_dt: 0.0,
        }
    }

    /// Spikes falling in step `step` (Brian 2 bins spike times to the step containing them).
    pub fn spikes_at(&mut self, step: u64, dt: f64, out: &mut Vec<u32>) {
        if self.binned_dt != dt {
            self.binned = self
                .spikes
                .iter()
                .map(|&(t, i)| (crate::eval::timestep(t, dt) as u64, i))
                .collect();
            self.binned_dt = dt;
        }
        let local = if self.period > 0.0 {
            let period_steps = crate::eval::timestep(self.period, dt) as u64;
            if period_steps == 0 {
                return;
            }
            step % period_steps
        } else {
            step
        };
        let start = self.binned.partition_point(|&(s, _)| s < local);
        for &(s, i) in &self.binned[start..] {
            if s != local {
                break;
            }
            out.push(i);
        }
        out.dedup();
    }
}

/// Brian 2's PoissonInput: `n` independent Poisson inputs of rate `rate` onto one
/// variable of every target neuron, drawn as one binomial count per neuron and step
/// (no per-input objects), each adding `weight`.
pub struct PoissonInput {
    pub target: super::GroupRef,
    pub target_var: usize,
    pub n: u64,
    /// Hz.
    pub rate: f64,
    /// In the unit of the target variable.
    pub weight: f64,
    pub name: String,
}

/// Means `n*p` up to this draw Binomial(n, p) counts from a table of the distribution
/// function (one uniform each); larger ones use `rand_distr`'s Binomial.
const TABLE_MEAN: f64 = 64.0;

/// Below this chance that a target gets any input in a step, the targets that do are
/// found by skipping geometric gaps (cost per target with input, not per target).
const SKIP_BELOW: f64 = 0.2;

/// Binomial(n, p) for one step: its distribution function, for counts drawn by inversion.
struct CountTable {
    /// `cdf[k]` = P(count <= k); the last entry is 1 (the tail beyond it, below 1e-20,
    /// is far below the resolution of a uniform draw, 2^-53).
    cdf: Vec<f64>,
    /// ln P(count = 0) = n ln(1 - p).
    log_p0: f64,
}

impl CountTable {
    /// For `0 < p < 1` and `n*p <= TABLE_MEAN`.
    fn new(n: u64, p: f64) -> CountTable {
        let log_p0 = n as f64 * (-p).ln_1p();
        let ratio = p / (1.0 - p);
        let mut pmf = log_p0.exp();
        let mut sum = pmf;
        let mut cdf = vec![sum];
        let mean = n as f64 * p;
        let mut k = 0u64;
        // Up to where the terms, decreasing beyond the mean, are far below 2^-53.
        while k < n && !(k as f64 > mean + 1.0 && pmf < 1e-20 * sum) {
            k += 1;
            pmf *= (n - k + 1) as f64 / k as f64 * ratio;
            sum += pmf;
            cdf.push(sum);
        }
        *cdf.last_mut().expect("one entry at least") = 1.0;
        CountTable { cdf, log_p0 }
    }

    /// The count for a uniform `u` in [0, 1): the smallest k with `u < cdf[k]`, that is
    /// the number of entries at most `u` (a short table is counted without branches,
    /// a long one searched by halving).
    fn count(&self, u: f64) -> u64 {
        let body = &self.cdf[..self.cdf.len() - 1];
        if body.len() <= 32 {
            body.iter().map(|&c| u64::from(c <= u)).sum()
        } else {
            body.partition_point(|&c| c <= u) as u64
        }
    }
}

impl PoissonInput {
    /// Adds this step's input onto `target`; with `not_refractory` flags (a variable
    /// flagged `(unless refractory)`), refractory neurons get none. Their counts are drawn
    /// all the same, so the random stream does not depend on who is refractory.
    ///
    /// Each target's count is Binomial(n, rate*dt), independently. When few targets get
    /// any input (P(count > 0) below `SKIP_BELOW`), the next target that does is found
    /// with a geometric gap and its count drawn given that it is at least one, so the
    /// cost grows with the inputs, not the targets.
    pub(super) fn apply(
        &self,
        target: &mut [f64],
        not_refractory: Option<&[f64]>,
        dt: f64,
        rng: &mut SmallRng,
    ) {
        let p = (self.rate * dt).clamp(0.0, 1.0);
        if self.n == 0 || !(p > 0.0) {
            return;
        }
        let open = |j: usize| not_refractory.is_none_or(|nr| nr[j] != 0.0);
        let (n, w) = (self.n, self.weight);
        if p >= 1.0 {
            for (j, x) in target.iter_mut().enumerate() {
                if open(j) {
                    *x += n as f64 * w;
                }
            }
            return;
        }
        if n as f64 * p > TABLE_MEAN {
            let Ok(binomial) = rand_distr::Binomial::new(n, p) else {
                return;
            };
            for (j, x) in target.iter_mut().enumerate() {
                let k: u64 = rng.sample(binomial);
                if k > 0 && open(j) {
                    *x += k as f64 * w;
                }
            }
            return;
        }
        let table = CountTable::new(n, p);
        let p0 = table.cdf[0];
        let any = -table.log_p0.exp_m1(); // P(count > 0)
        if any >= SKIP_BELOW {
            for (j, x) in target.iter_mut().enumerate() {
                let u = rng.random::<f64>();
                if u < p0 {
                    continue;
                }
                let k = table.count(u);
                if open(j) {
                    *x += k as f64 * w;
                }
            }
            return;
        }
        for_each_event(target.len(), table.log_p0, rng, |j, rng| {
            // Given at least one input: u uniform in [p0, 1).
            let u = p0 + rng.random::<f64>() * any;
            let k = table.count(u).max(1);
            if open(j) {
                target[j] += k as f64 * w;
            }
        });
    }
}
