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
}

impl PoissonGroup {
    pub fn new(rates: Vec<f64>, name: String) -> PoissonGroup {
        PoissonGroup {
            rates,
            name,
            rate_code: None,
            kernel: None,
        }
    }

    /// A group whose rates are an expression, checked to be in Hz when the network runs.
    pub fn with_code(n: usize, code: String, name: String) -> PoissonGroup {
        PoissonGroup {
            rates: vec![0.0; n],
            name,
            rate_code: Some(code),
            kernel: None,
        }
    }

    /// Compiles the rate expression, if any.
    pub(super) fn prepare(
        &mut self,
        dt: f64,
        externals: &super::Values,
    ) -> Result<(), super::NetworkError> {
        let Some(code) = &self.rate_code else {
            return Ok(());
        };
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
        self.kernel = Some(crate::eval::compile_statements(&[stmt], &bind).map_err(fail)?);
        Ok(())
    }

    /// Re-evaluates rates given as an expression at time t.
    pub(super) fn update_rates(
        &mut self,
        t: f64,
        rng: &mut SmallRng,
        scratch: &mut crate::eval::Scratch,
    ) {
        let Some(k) = &self.kernel else { return };
        let mut arrays = [std::mem::take(&mut self.rates)];
        let n = arrays[0].len();
        k.run(
            &mut arrays,
            crate::eval::Elements::Range(0, n),
            &[t],
            rng,
            scratch,
            |_| {},
        );
        let [rates] = arrays;
        self.rates = rates;
    }

    /// Spikes of this step: each neuron fires with probability rate*dt.
    pub fn spikes(&self, dt: f64, rng: &mut SmallRng, out: &mut Vec<u32>) {
        for (k, &r) in self.rates.iter().enumerate() {
            if rng.random::<f64>() < r * dt {
                out.push(k as u32);
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

impl PoissonInput {
    /// Adds this step's input onto `target`; with `not_refractory` flags (a variable
    /// flagged `(unless refractory)`), refractory neurons get none. Their counts are drawn
    /// all the same, so the random stream does not depend on who is refractory.
    pub(super) fn apply(
        &self,
        target: &mut [f64],
        not_refractory: Option<&[f64]>,
        dt: f64,
        rng: &mut SmallRng,
    ) {
        let p = (self.rate * dt).clamp(0.0, 1.0);
        let Ok(binomial) = rand_distr::Binomial::new(self.n, p) else {
            return;
        };
        match not_refractory {
            None => {
                for x in target.iter_mut() {
                    let k: u64 = rng.sample(binomial);
                    if k > 0 {
                        *x += k as f64 * self.weight;
                    }
                }
            }
            Some(nr) => {
                for (x, &open) in target.iter_mut().zip(nr) {
                    let k: u64 = rng.sample(binomial);
                    if k > 0 && open != 0.0 {
                        *x += k as f64 * self.weight;
                    }
                }
            }
        }
    }
}
