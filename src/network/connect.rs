//! Brian 2's `Synapses.connect`: all to all, with a probability, a condition in `i` and
//! `j` (compiled, evaluated a block of rows at a time), explicit pairs, `j` as an
//! expression of `i`, and a multiplicity `n`.

use super::generator::{Generator, Iterator};
use super::namespace::Values;
use super::synapses::{Synapses, SynapsesSpec};
use super::{Network, NetworkError};
use crate::expr::{parse_expr, Expr};
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
    /// The target as an expression or generator over the source index (`"i"` for
    /// one-to-one, `"k for k in range(i-3, i+4)"`).
    pub j: Option<String>,
    /// The source as an expression or generator over the target index.
    pub i: Option<String>,
    /// The probability as an expression of `i`, `j` and neuron variables.
    pub p_expr: Option<String>,
    /// The number of synapses per pair as an expression.
    pub n_expr: Option<String>,
    /// Pairs outside the groups are dropped instead of refused.
    pub skip_if_invalid: bool,
}

impl Network {
    /// Adds synapses to `self.synapses[s]` following `rule`; returns how many were added.
    pub fn connect(
        &mut self,
        s: usize,
        rule: &ConnectRule,
        externals: &Values,
    ) -> Result<usize, NetworkError> {
        let spec = self.synapses[s].spec.clone();
        let (n_pre, n_post) = (spec.source.len, spec.target.len);
        let other = |m: String| NetworkError::Other(format!("{}: connect: {m}", spec.name));
        if !(0.0..=1.0).contains(&rule.p) {
            return Err(other(format!("p must lie between 0 and 1, got {}", rule.p)));
        }
        if let Some(c) = &rule.condition {
            if Generator::is_generator(c) {
                return Err(other(format!(
                    "a generator expression was given as the condition: write connect(#{{ j: \"{c}\" }}) instead of connect(\"{c}\")"
                )));
            }
        }
        let generator = match (&rule.i, &rule.j) {
            (Some(_), Some(_)) => return Err(other("i and j cannot both be expressions".into())),
            (Some(g), None) => Some((g, false)),
            (None, Some(g)) => Some((g, true)),
            (None, None) => None,
        };
        if let Some((text, over_pre)) = generator {
            if rule.condition.is_some() || rule.pairs.is_some() {
                return Err(other(
                    "generator syntax for i or j cannot be combined with a condition or with index arrays".into(),
                ));
            }
            if rule.p != 1.0 || rule.p_expr.is_some() {
                return Err(other(
                    "generator syntax cannot be combined with p (write sample(N_post, p=...) in the generator, or rand() < p in its condition)".into(),
                ));
            }
            let g = Generator::parse(text).map_err(|e| other(e.to_string()))?;
            return self.connect_generator(s, &g, over_pre, rule, externals);
        }
        if rule.pairs.is_none()
            && rule.condition.is_none()
            && rule.p_expr.is_none()
            && rule.n_expr.is_none()
            && rule.n <= 1
        {
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
        } else {
            // Rows in blocks of about a million candidate pairs.
            let block = (1_000_000 / n_post.max(1)).max(1);
            let mut row = 0;
            while row < n_pre {
                let rows = block.min(n_pre - row);
                match (&rule.condition, &rule.p_expr) {
                    (None, None) => {
                        for i in row..row + rows {
                            random_targets(n_post, rule.p, &mut self.rng, |j| {
                                pairs.push((i as u32, j as u32))
                            });
                        }
                    }
                    (cond, p_expr) => {
                        let is: Vec<u32> = (row..row + rows)
                            .flat_map(|i| std::iter::repeat_n(i as u32, n_post))
                            .collect();
                        let js: Vec<u32> = (0..rows).flat_map(|_| 0..n_post as u32).collect();
                        let ok = match cond {
                            Some(c) => self.pair_values(c, &is, &js, &spec, externals)?,
                            None => vec![1.0; is.len()],
                        };
                        let ps = match p_expr {
                            Some(p) => self.pair_values(p, &is, &js, &spec, externals)?,
                            None => Vec::new(),
                        };
                        for (k, (&i, &j)) in is.iter().zip(&js).enumerate() {
                            let p = ps.get(k).copied().unwrap_or(rule.p);
                            if ok[k] != 0.0 && (p >= 1.0 || self.rng.random::<f64>() < p) {
                                pairs.push((i, j));
                            }
                        }
                    }
                }
                row += rows;
            }
        }
        let pairs = self.multiply(pairs, rule, &spec, externals)?;
        self.synapses[s].add(&pairs);
        Ok(pairs.len())
    }

    /// Repeats each pair `n` times (`n` a number or an expression of the pair).
    fn multiply(
        &mut self,
        pairs: Vec<(u32, u32)>,
        rule: &ConnectRule,
        spec: &SynapsesSpec,
        externals: &Values,
    ) -> Result<Vec<(u32, u32)>, NetworkError> {
        let counts = match &rule.n_expr {
            Some(e) => {
                let is: Vec<u32> = pairs.iter().map(|p| p.0).collect();
                let js: Vec<u32> = pairs.iter().map(|p| p.1).collect();
                let ns = self.pair_values(e, &is, &js, spec, externals)?;
                if let Some(bad) = ns.iter().find(|v| **v < 0.0 || !v.is_finite()) {
                    return Err(NetworkError::Other(format!(
                        "{}: connect: n = {e} gives {bad}; the number of synapses cannot be negative",
                        spec.name
                    )));
                }
                ns.into_iter().map(|v| v as usize).collect()
            }
            None if rule.n == 1 => return Ok(pairs),
            None => vec![rule.n; pairs.len()],
        };
        Ok(pairs
            .into_iter()
            .zip(counts)
            .flat_map(|(pr, n)| std::iter::repeat_n(pr, n))
            .collect())
    }

    /// An expression's value per pair.
    fn pair_values(
        &mut self,
        code: &str,
        is: &[u32],
        js: &[u32],
        spec: &SynapsesSpec,
        externals: &Values,
    ) -> Result<Vec<f64>, NetworkError> {
        let dt = self.default_dt();
        Ok(Synapses::evaluate_pairs(
            code,
            is,
            js,
            spec,
            &mut self.groups,
            dt,
            externals,
            &mut self.rng,
        )?
        .0)
    }

    /// Brian 2's generator syntax: for each outer index (`i` for a `j` generator), the
    /// inner variable runs over `range(...)` or a `sample(...)` of it, the element gives
    /// the other index, and the `if` condition filters. Indices outside the group are
    /// refused, or dropped with `skip_if_invalid`; as in Brian 2, a condition that reads
    /// the result index or its side's variables sees only valid indices, and one that
    /// does not may itself filter out invalid ones.
    fn connect_generator(
        &mut self,
        s: usize,
        g: &Generator,
        over_pre: bool,
        rule: &ConnectRule,
        externals: &Values,
    ) -> Result<usize, NetworkError> {
        let dt = self.default_dt();
        let spec = self.synapses[s].spec.clone();
        let name = spec.name.clone();
        let other = |m: String| NetworkError::Other(format!("{name}: connect: {m}"));
        let (n_pre, n_post) = (spec.source.len, spec.target.len);
        let (n_outer, n_result) = if over_pre {
            (n_pre, n_post)
        } else {
            (n_post, n_pre)
        };
        let (result_name, result_suffix, outer_suffix) = if over_pre {
            ("j", "_post", "_pre")
        } else {
            ("i", "_pre", "_post")
        };
        let result_group = if over_pre { spec.target } else { spec.source };
        let result_vars = side_names(&self.groups, result_group);
        let parse = |text: &str| {
            parse_expr(text).map_err(|error| NetworkError::Code {
                object: name.clone(),
                what: "connect".into(),
                text: text.into(),
                error,
            })
        };
        // An unsuffixed neuron variable means the postsynaptic one, as in Brian 2.
        let reads_result = |e: &Expr| {
            e.names().iter().any(|n| {
                n == result_name
                    || (n.ends_with(result_suffix) && n != "N_pre" && n != "N_post")
                    || (over_pre && !n.ends_with(outer_suffix) && result_vars.contains(n))
            })
        };
        let inner = if g.inner == "_" {
            "gen_inner_"
        } else {
            g.inner.as_str()
        };
        let rename = |e: Expr| {
            if g.inner == "_" {
                e.substitute(&|n| (n == "_").then(|| Expr::name("gen_inner_")))
            } else {
                e
            }
        };
        // Pairs for code that sees the outer index (and, where given, the result index).
        let sides = |outer: &[u32], result: &[u32]| -> (Vec<u32>, Vec<u32>) {
            if over_pre {
                (outer.to_vec(), result.to_vec())
            } else {
                (result.to_vec(), outer.to_vec())
            }
        };
        let outer_all: Vec<u32> = (0..n_outer as u32).collect();
        let zeros = vec![0u32; n_outer];
        // Bounds, probability and size: one value per outer index.
        let mut per_outer = |text: &str, what: &str| -> Result<Vec<f64>, NetworkError> {
            let e = rename(parse(text)?);
            if e.mentions(inner) || reads_result(&e) {
                return Err(other(format!(
                    "the {what} '{text}' of the generator depends on the {} index or on the iterator",
                    if over_pre { "postsynaptic" } else { "presynaptic" }
                )));
            }
            let (a, b) = sides(&outer_all, &zeros);
            Ok(Synapses::evaluate_pairs_with(
                text,
                e,
                &[],
                &a,
                &b,
                &spec,
                &mut self.groups,
                dt,
                externals,
                &mut self.rng,
            )?
            .0)
        };
        let low = per_outer(&g.low, "lower bound")?;
        let high = per_outer(&g.high, "upper bound")?;
        let step = per_outer(&g.step, "step")?;
        let amount = match &g.iterator {
            Iterator::Range => None,
            Iterator::SampleP(p) => Some(per_outer(p, "probability")?),
            Iterator::SampleSize(k) => Some(per_outer(k, "sample size")?),
        };
        let element = rename(parse(&g.element)?);
        if reads_result(&element) {
            return Err(other(format!(
                "the element '{}' of the generator cannot depend on {result_name}",
                g.element
            )));
        }
        let condition = g.condition.as_deref().map(parse).transpose()?.map(rename);
        let checked_first = condition.as_ref().is_some_and(reads_result);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut o = 0usize;
        while o < n_outer {
            // Candidates of a block of outer indices: (outer, inner value).
            let mut outer: Vec<u32> = Vec::new();
            let mut ks: Vec<f64> = Vec::new();
            while o < n_outer && ks.len() < 1_000_000 {
                let (lo, hi, st) = (low[o] as i64, high[o] as i64, step[o] as i64);
                if st == 0 {
                    return Err(other(format!("the step of '{}' is zero", g.step)));
                }
                let count = if st > 0 {
                    (hi - lo - 1).div_euclid(st) + 1
                } else {
                    (lo - hi - 1).div_euclid(-st) + 1
                }
                .max(0) as usize;
                let push = |m: usize| {
                    outer.push(o as u32);
                    ks.push((lo + m as i64 * st) as f64);
                };
                match (&g.iterator, &amount) {
                    (Iterator::SampleP(_), Some(p)) => {
                        random_targets(count, p[o], &mut self.rng, push)
                    }
                    (Iterator::SampleSize(_), Some(size)) => {
                        let want = size[o];
                        let want = if want < 0.0 || want > count as f64 {
                            if !rule.skip_if_invalid {
                                return Err(other(format!(
                                    "requested sample size {want} is {} the population size {count} (for {} = {o})",
                                    if want < 0.0 { "negative, not within" } else { "bigger than" },
                                    if over_pre { "i" } else { "j" }
                                )));
                            }
                            want.clamp(0.0, count as f64)
                        } else {
                            want
                        } as usize;
                        let mut chosen =
                            rand::seq::index::sample(&mut self.rng, count, want).into_vec();
                        chosen.sort_unstable();
                        chosen.into_iter().for_each(push);
                    }
                    _ => (0..count).for_each(push),
                }
                o += 1;
            }
            if ks.is_empty() {
                continue;
            }
            let extras_k = [(inner, ks.as_slice())];
            let (a, b) = sides(&outer, &vec![0; outer.len()]);
            let result: Vec<f64> = if element.kind == crate::expr::ExprKind::Name(inner.to_string())
            {
                ks.clone()
            } else {
                Synapses::evaluate_pairs_with(
                    &g.element,
                    element.clone(),
                    &extras_k,
                    &a,
                    &b,
                    &spec,
                    &mut self.groups,
                    dt,
                    externals,
                    &mut self.rng,
                )?
                .0
            };
            let valid = |r: f64| r >= 0.0 && r < n_result as f64;
            let invalid = |r: f64, o: u32| {
                other(format!(
                    "the generator gives {result_name} = {r} for {} = {o}, outside the range 0 to {}{}",
                    if over_pre { "i" } else { "j" },
                    n_result as i64 - 1,
                    if checked_first { ", and its condition reads the result index" } else { "" }
                ))
            };
            let mut keep: Vec<bool> = vec![true; ks.len()];
            if checked_first {
                for (k, &r) in result.iter().enumerate() {
                    if !valid(r) {
                        if !rule.skip_if_invalid {
                            return Err(invalid(r, outer[k]));
                        }
                        keep[k] = false;
                    }
                }
            }
            if let Some(c) = &condition {
                let idx: Vec<usize> = (0..ks.len()).filter(|&k| keep[k]).collect();
                let sub_outer: Vec<u32> = idx.iter().map(|&k| outer[k]).collect();
                let sub_result: Vec<u32> = idx
                    .iter()
                    .map(|&k| {
                        if valid(result[k]) {
                            result[k] as u32
                        } else {
                            0
                        }
                    })
                    .collect();
                let sub_k: Vec<f64> = idx.iter().map(|&k| ks[k]).collect();
                let (a, b) = sides(&sub_outer, &sub_result);
                let ok = Synapses::evaluate_pairs_with(
                    g.condition.as_deref().unwrap_or(""),
                    c.clone(),
                    &[(inner, sub_k.as_slice())],
                    &a,
                    &b,
                    &spec,
                    &mut self.groups,
                    dt,
                    externals,
                    &mut self.rng,
                )?
                .0;
                for (&k, v) in idx.iter().zip(ok) {
                    keep[k] = v != 0.0;
                }
            }
            for k in 0..ks.len() {
                if !keep[k] {
                    continue;
                }
                let r = result[k];
                if !valid(r) || r.fract() != 0.0 {
                    if rule.skip_if_invalid && r.fract() == 0.0 {
                        continue;
                    }
                    return Err(invalid(r, outer[k]));
                }
                pairs.push(if over_pre {
                    (outer[k], r as u32)
                } else {
                    (r as u32, outer[k])
                });
            }
        }
        let pairs = self.multiply(pairs, rule, &spec, externals)?;
        self.synapses[s].add(&pairs);
        Ok(pairs.len())
    }
}

/// The names of a neuron group's variables and subexpressions.
fn side_names(groups: &[super::Group], r: super::GroupRef) -> Vec<String> {
    match groups.get(r.group) {
        Some(super::Group::Neurons(g)) => g
            .array_names
            .iter()
            .cloned()
            .chain(g.eqs.equations.iter().map(|e| e.name.clone()))
            .collect(),
        _ => Vec::new(),
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
