//! Linked variables (Brian 2's `linked_var`): a parameter declared `I : 1 (linked)` in a
//! NeuronGroup reads a variable of another group, `G.I = linked_var(source, "x")`.
//!
//! The target keeps its own array for the variable, and the network copies the source's
//! values into it before every operation of a run, at the end of a run and after every
//! assignment: whatever code, monitor or script reads `I` sees the source's value at that
//! moment, as Brian 2's reference to the source array gives. Scripts cannot write it.

use super::{Group, GroupRef, Network, NetworkError};
use crate::equations::EquationKind;

/// Which source element each target neuron reads.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkIndex {
    /// Neuron `i` reads source element `i` (groups of the same size).
    Same,
    /// Every neuron reads the source's only element (Brian 2's index "0").
    First,
    /// Neuron `i` reads source element `index[i]`.
    Array(Vec<usize>),
}

/// One linked variable: the target's stored array `target_array` of group `target` follows
/// `source_array` of the neurons `source` (a group or subgroup).
#[derive(Clone, Debug)]
pub struct Link {
    pub target: usize,
    pub target_array: usize,
    pub source: GroupRef,
    pub source_array: usize,
    pub index: LinkIndex,
}

impl Network {
    /// Links `var` of the NeuronGroup `target` to `source_var` of `source`, checking what
    /// Brian 2 checks: the flag, both units, the sizes (or an index array of the target's
    /// size into the source).
    pub fn link_variable(
        &mut self,
        target: GroupRef,
        var: &str,
        source: GroupRef,
        source_var: &str,
        index: Option<Vec<i64>>,
    ) -> Result<(), NetworkError> {
        let fail = |m: String| Err(NetworkError::Other(m));
        let Some(tg) = self.neurons(target) else {
            return fail(format!(
                "cannot link '{var}': only a NeuronGroup has linked variables"
            ));
        };
        let tname = tg.spec.name.clone();
        if target.start != 0 || target.len != tg.spec.n {
            return fail(format!(
                "cannot link '{var}' of a subgroup of '{tname}': link the whole group"
            ));
        }
        let Some(eq) = tg
            .eqs
            .get(var)
            .filter(|e| e.kind == EquationKind::Parameter)
        else {
            return fail(format!("'{tname}' has no parameter '{var}' to link"));
        };
        if !eq.has_flag("linked") {
            return fail(format!(
                "'{var}' of '{tname}' is not a linked variable: declare it as \
                 '{var} : {} (linked)' to link it",
                eq.dim
            ));
        }
        let tdim = eq.dim;
        let target_array = tg.var_index(var).expect("a parameter is stored");
        let n = tg.spec.n;
        let Some(sg) = self.neurons(source) else {
            return fail(format!(
                "cannot link '{var}' to '{source_var}': the source must be a NeuronGroup"
            ));
        };
        let sname = sg.spec.name.clone();
        let source_array = match sg.var_index(source_var) {
            Some(k)
                if sg
                    .eqs
                    .get(source_var)
                    .is_none_or(|e| e.kind != EquationKind::Subexpression) =>
            {
                k
            }
            _ if sg.eqs.get(source_var).is_some() => {
                return fail(format!(
                    "cannot link '{var}' to the subexpression '{source_var}' of '{sname}': \
                     only stored variables can be linked"
                ))
            }
            _ => return Err(super::build::unknown_variable(sg, source_var)),
        };
        let sdim = sg.var_dim(source_var).unwrap_or_default();
        if sdim != tdim {
            return fail(format!(
                "cannot link '{var}' of '{tname}' (in {tdim}) to '{source_var}' of '{sname}' \
                 (in {sdim}): the units differ"
            ));
        }
        let index = match index {
            Some(ix) => {
                if ix.len() != n {
                    return fail(format!(
                        "the index array for the linked variable '{var}' must have one entry \
                         per neuron of '{tname}' ({n}), not {}",
                        ix.len()
                    ));
                }
                if let Some(bad) = ix.iter().find(|&&k| k < 0 || k as usize >= source.len) {
                    return fail(format!(
                        "the index array for the linked variable '{var}' holds {bad}, outside \
                         the source's range 0 to {}",
                        source.len as i64 - 1
                    ));
                }
                LinkIndex::Array(ix.into_iter().map(|k| k as usize).collect())
            }
            None if source.len == 1 && n != 1 => LinkIndex::First,
            None if source.len == n => LinkIndex::Same,
            None => {
                return fail(format!(
                    "cannot link '{var}' to '{source_var}': the source has {} neurons and \
                     '{tname}' {n}; give an index array (linked_var(source, \"{source_var}\", \
                     #{{ index }})) to link groups of different sizes",
                    source.len
                ))
            }
        };
        self.links
            .retain(|l| !(l.target == target.group && l.target_array == target_array));
        self.links.push(Link {
            target: target.group,
            target_array,
            source,
            source_array,
            index,
        });
        self.refresh_links();
        Ok(())
    }

    /// Whether `var` of group `group` follows another group's variable.
    pub fn is_linked(&self, group: usize, var: &str) -> bool {
        let Some(Group::Neurons(ng)) = self.groups.get(group) else {
            return false;
        };
        ng.eqs.get(var).is_some_and(|e| e.has_flag("linked"))
    }

    /// Copies every source's current values into its linked variable.
    pub(super) fn refresh_links(&mut self) {
        for l in &self.links {
            let (src, dst): (&[f64], &mut [f64]) = if l.source.group == l.target {
                let Group::Neurons(g) = &mut self.groups[l.target] else {
                    continue;
                };
                let (a, b) = (l.source_array, l.target_array);
                if a < b {
                    let (lo, hi) = g.arrays.split_at_mut(b);
                    (&lo[a], &mut hi[0])
                } else {
                    let (lo, hi) = g.arrays.split_at_mut(a);
                    (&hi[0], &mut lo[b])
                }
            } else {
                let (s, t) = (l.source.group, l.target);
                let (sg, tg) = if s < t {
                    let (lo, hi) = self.groups.split_at_mut(t);
                    (&lo[s], &mut hi[0])
                } else {
                    let (lo, hi) = self.groups.split_at_mut(s);
                    (&hi[0], &mut lo[t])
                };
                let (Group::Neurons(sg), Group::Neurons(tg)) = (sg, tg) else {
                    continue;
                };
                (&sg.arrays[l.source_array], &mut tg.arrays[l.target_array])
            };
            let src = &src[l.source.start..l.source.start + l.source.len];
            match &l.index {
                LinkIndex::Same => dst.copy_from_slice(src),
                LinkIndex::First => dst.fill(src[0]),
                LinkIndex::Array(ix) => {
                    for (d, &k) in dst.iter_mut().zip(ix) {
                        *d = src[k];
                    }
                }
            }
        }
    }

    /// Brian 2's refusal to run a group whose linked variable has no source.
    pub(super) fn check_links(&self, active: impl Fn(usize) -> bool) -> Result<(), NetworkError> {
        for (k, g) in self.groups.iter().enumerate() {
            let Group::Neurons(ng) = g else { continue };
            if !active(k) {
                continue;
            }
            for e in ng.eqs.equations.iter().filter(|e| e.has_flag("linked")) {
                let a = ng.var_index(&e.name);
                if !self
                    .links
                    .iter()
                    .any(|l| l.target == k && Some(l.target_array) == a)
                {
                    return Err(NetworkError::Other(format!(
                        "the linked variable '{}' of '{}' has no link target: set it with \
                         {}.{} = linked_var(source, \"name\")",
                        e.name, ng.spec.name, ng.spec.name, e.name
                    )));
                }
            }
        }
        Ok(())
    }
}
