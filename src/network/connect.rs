//! Brian 2's `Synapses.connect`: all to all, with a probability, a condition in `i` and
//! `j` (compiled, evaluated a block of rows at a time), explicit pairs, `j` as an
//! expression of `i`, and a multiplicity `n`.

use super::namespace::Values;
use super::synapses::Synapses;
use super::{Network, NetworkError};
use rand::Rng;

/// How to connect.
#[derive(Clone, Debug, Default)]
pub struct ConnectRule {
    /// A condition in i, j and neuron variables (`"i != j"`); all pairs when absent.
    pub condition: Option<String>,
    /// Probability of each allowed pair.
    pub p: f64,
    /// Synapses per chosen pair.
    pub n: usize,
    /// Explicit pairs (source and target indices).
    pub pairs: Option<(Vec<usize>, Vec<usize>)>,
    /// The target as an expression of the source index (`"i"` for one-to-one).
    pub j: Option<String>,
}

impl Network {
    /// Adds synapses to `self.synapses[s]` following `rule`; returns how many were added.
    pub fn connect(
        &mut self,
        s: usize,
        rule: &ConnectRule,
        externals: &Values,
    ) -> Result<usize, NetworkError> {
        let dt = self.default_dt();
        let spec = self.synapses[s].spec.clone();
        let (n_pre, n_post) = (spec.source.len, spec.target.len);
        let other = |m: String| NetworkError::Other(format!("{}: connect: {m}", spec.name));
        if !(0.0..=1.0).contains(&rule.p) {
            return Err(other(format!("p must lie between 0 and 1, got {}", rule.p)));
        }
        if rule.pairs.is_none() && rule.j.is_none() && rule.condition.is_none() && rule.n <= 1 {
            // With a probability alone: straight into the synapses (no list of pairs
            // beside them), rows in order, the same draws as below.
            let Network { synapses, rng, .. } = self;
            let syn = &mut synapses[s];
            let before = syn.pre.len();
            if rule.p < 1.0 {
                // The expected count and six standard deviations: a vector that doubles
                // as it fills would hold up to twice the synapses at its peak.
                let mean = n_pre as f64 * n_post as f64 * rule.p;
                let want = (mean + 6.0 * mean.sqrt() + 16.0).min(u32::MAX as f64) as usize;
                syn.pre.reserve_exact(want);
                syn.post.reserve_exact(want);
            }
            for i in 0..n_pre {
                random_targets(n_post, rule.p, rng, |j| {
                    syn.pre.push(i as u32);
                    syn.post.push(j as u32);
                });
            }
            syn.added();
            return Ok(syn.pre.len() - before);
        }
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        if let Some((is, js)) = &rule.pairs {
            if is.len() != js.len() {
                return Err(other(format!(
                    "{} source indices but {} target indices",
                    is.len(),
                    js.len()
                )));
            }
            for (&i, &j) in is.iter().zip(js) {
                if i >= n_pre || j >= n_post {
                    return Err(other(format!(
                        "the pair ({i}, {j}) is outside {n_pre} sources and {n_post} targets"
                    )));
                }
                pairs.push((i as u32, j as u32));
            }
        } else if let Some(jexpr) = &rule.j {
            let is: Vec<u32> = (0..n_pre as u32).collect();
            let (js, _) = Synapses::evaluate_pairs(
                jexpr,
                &is,
                &vec![0; n_pre],
                &spec,
                &mut self.groups,
                dt,
                externals,
                &mut self.rng,
            )?;
            for (&i, &j) in is.iter().zip(&js) {
                if j < 0.0 || j >= n_post as f64 || j.fract() != 0.0 {
                    return Err(other(format!(
                        "j = {jexpr} gives {j} for i = {i}, outside the {n_post} targets"
                    )));
                }
                if rule.p >= 1.0 || self.rng.random::<f64>() < rule.p {
                    pairs.push((i, j as u32));
                }
            }
        } else {
            // Rows in blocks of about a million candidate pairs.
            let block = (1_000_000 / n_post.max(1)).max(1);
            let mut row = 0;
            while row < n_pre {
                let rows = block.min(n_pre - row);
                match &rule.condition {
                    Some(cond) => {
                        let is: Vec<u32> = (row..row + rows)
                            .flat_map(|i| std::iter::repeat_n(i as u32, n_post))
                            .collect();
                        let js: Vec<u32> = (0..rows).flat_map(|_| 0..n_post as u32).collect();
                        let (ok, _) = Synapses::evaluate_pairs(
                            cond,
                            &is,
                            &js,
                            &spec,
                            &mut self.groups,
                            dt,
                            externals,
                            &mut self.rng,
                        )?;
                        for ((&i, &j), &c) in is.iter().zip(&js).zip(&ok) {
                            if c != 0.0 && (rule.p >= 1.0 || self.rng.random::<f64>() < rule.p) {
                                pairs.push((i, j));
                            }
                        }
                    }
                    None => {
                        for i in row..row + rows {
                            random_targets(n_post, rule.p, &mut self.rng, |j| {
                                pairs.push((i as u32, j as u32))
                            });
                        }
                    }
                }
                row += rows;
            }
        }
        let n = rule.n.max(1);
        if n > 1 {
            pairs = pairs
                .into_iter()
                .flat_map(|pr| std::iter::repeat_n(pr, n))
                .collect();
        }
        self.synapses[s].add(&pairs);
        Ok(pairs.len())
    }
}

impl Network {
    /// Evaluates an expression in `i`, `j` and the neurons' variables for every synapse of
    /// `self.synapses[s]`, checking its unit (delays given as strings).
    pub fn synapse_values(
        &mut self,
        s: usize,
        code: &str,
        dim: crate::units::Dimension,
        externals: &Values,
    ) -> Result<Vec<f64>, NetworkError> {
        let dt = self.default_dt();
        let syn = &self.synapses[s];
        let (pre, post, spec) = (syn.pre.clone(), syn.post.clone(), syn.spec.clone());
        let (values, got) = Synapses::evaluate_pairs(
            code,
            &pre,
            &post,
            &spec,
            &mut self.groups,
            dt,
            externals,
            &mut self.rng,
        )?;
        if got != dim && !(got.is_dimensionless() && values.iter().all(|v| *v == 0.0)) {
            return Err(NetworkError::Other(format!(
                "{}: '{code}' has units of {got}, but {dim} is needed",
                spec.name
            )));
        }
        Ok(values)
    }
}

/// Calls `f` with each target chosen with probability `p`, in increasing order, by
/// geometric skips (cost proportional to the number chosen).
pub fn random_targets(n: usize, p: f64, rng: &mut impl Rng, mut f: impl FnMut(usize)) {
    if p <= 0.0 {
        return;
    }
    if p >= 1.0 {
        (0..n).for_each(f);
        return;
    }
    let log_q = (1.0 - p).ln();
    let mut j = 0usize;
    loop {
        let skip = ((1.0 - rng.random::<f64>()).ln() / log_q).floor();
        if !skip.is_finite() || skip >= (n - j) as f64 {
            return;
        }
        j += skip as usize;
        f(j);
        j += 1;
        if j >= n {
            return;
        }
    }
}
