//! Brian 2's `run_regularly`: statements over a group's (or synapses') variables run on a
//! clock, an object of its own in the schedule (default slot `start`, order 0, the
//! owner's clock unless it has a `dt` of its own). The code is compiled in `prepare`, once
//! per run, against the namespace the owner's equations use, and runs as a kernel in the
//! loop. As Brian 2's generated code does, writes to variables flagged `(unless
//! refractory)` skip refractory neurons (conditional write).

use super::namespace::{GroupNamespace, Values};
use super::schedule::{Kind, ObjectId, When};
use super::synapses::CompiledCode;
use super::{Group, GroupRef, Network, NetworkError};
use crate::eval::{Elements, Kernel};
use crate::expr::{parse_statements, Expr};
use std::collections::HashMap;

/// Whose variables the code works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeOwner {
    /// A NeuronGroup or a subgroup of one (the code sees the subgroup alone).
    Neurons(GroupRef),
    /// Synapses, by position in `Network::synapses`.
    Synapses(usize),
}

enum Compiled {
    Neurons(Kernel),
    Synapses(CompiledCode),
}

pub struct RunRegularly {
    pub name: String,
    pub owner: CodeOwner,
    pub code: String,
    compiled: Option<Compiled>,
}

/// Where a `run_regularly` runs (Brian 2's arguments besides the code).
#[derive(Clone, Debug, Default)]
pub struct RunRegularlyOptions {
    /// Its own name; default `<owner>_run_regularly`, `<owner>_run_regularly_1`, ...
    pub name: Option<String>,
    /// The slot, default `start`.
    pub when: Option<When>,
    pub order: i32,
    /// A clock of its own with this step (named `<name>_clock`).
    pub dt: Option<f64>,
    /// A clock of the network.
    pub clock: Option<usize>,
}

impl Network {
    fn owner_name(&self, owner: CodeOwner) -> Result<String, NetworkError> {
        match owner {
            CodeOwner::Neurons(r) => match self.groups.get(r.group) {
                Some(Group::Neurons(g)) => Ok(g.spec.name.clone()),
                Some(g) => Err(NetworkError::Other(format!(
                    "{}: run_regularly needs a NeuronGroup or Synapses (this group has no variables to change)",
                    g.name()
                ))),
                None => Err(NetworkError::Other("run_regularly: no such group".into())),
            },
            CodeOwner::Synapses(k) => self
                .synapses
                .get(k)
                .map(|s| s.spec.name.clone())
                .ok_or_else(|| NetworkError::Other("run_regularly: no such synapses".into())),
        }
    }

    /// Adds `run_regularly` code to a group or synapses; returns its number. The code is
    /// checked when a run prepares (names are resolved then, as Brian 2 does).
    pub fn add_run_regularly(
        &mut self,
        owner: CodeOwner,
        code: &str,
        opts: RunRegularlyOptions,
    ) -> Result<usize, NetworkError> {
        let owner_name = self.owner_name(owner)?;
        // Statements are parsed now so that a syntax error points at the call.
        parse_statements(code).map_err(|e| NetworkError::Code {
            object: owner_name.clone(),
            what: "run_regularly code".into(),
            text: code.to_string(),
            error: e,
        })?;
        let name = match opts.name {
            Some(n) => {
                if self.run_regularly.iter().any(|r| r.name == n) {
                    return Err(NetworkError::Other(format!(
                        "run_regularly: the name '{n}' is taken by another run_regularly"
                    )));
                }
                n
            }
            None => {
                let base = format!("{owner_name}_run_regularly");
                let taken = |n: &str| self.run_regularly.iter().any(|r| r.name == n);
                if taken(&base) {
                    (1..)
                        .map(|k| format!("{base}_{k}"))
                        .find(|n| !taken(n))
                        .expect("a free name")
                } else {
                    base
                }
            }
        };
        if let Some(dt) = opts.dt {
            if !(dt > 0.0) || !dt.is_finite() {
                return Err(NetworkError::Other(format!(
                    "{name}: dt must be a positive, finite time, got {dt} s"
                )));
            }
            if opts.clock.is_some() {
                return Err(NetworkError::Other(format!(
                    "{name}: give either dt or clock, not both"
                )));
            }
        }
        if opts.clock.is_some_and(|c| c >= self.clocks.len()) {
            return Err(NetworkError::Other(format!("{name}: no such clock")));
        }
        // Brian 2: `dt` makes a clock of its own, `<name>_clock`.
        let clock = match opts.dt {
            Some(dt) => {
                let cname = self.unused_clock_name(&format!("{name}_clock"));
                Some(self.add_clock(&cname, dt)?)
            }
            None => opts.clock,
        };
        self.run_regularly.push(RunRegularly {
            name,
            owner,
            code: code.to_string(),
            compiled: None,
        });
        let index = self.run_regularly.len() - 1;
        let s = self.scheduling_mut(ObjectId {
            kind: Kind::RunRegularly,
            index,
        });
        s.when = opts.when;
        s.order = opts.order;
        s.clock = clock;
        Ok(index)
    }

    /// Compiles the code of every `run_regularly` taking part in the run, each with the
    /// time step of its clock.
    pub(super) fn prepare_run_regularly(
        &mut self,
        clocks: &HashMap<ObjectId, usize>,
        externals: &Values,
    ) -> Result<(), NetworkError> {
        let act = self.members.clone();
        let others: Vec<String> = self.object_names().iter().map(|n| n.to_string()).collect();
        for k in 0..self.run_regularly.len() {
            let id = ObjectId {
                kind: Kind::RunRegularly,
                index: k,
            };
            if !self.takes_part(&act, id) {
                continue;
            }
            let name = self.run_regularly[k].name.clone();
            if others.contains(&name) {
                return Err(NetworkError::Other(format!(
                    "all objects of a run need unique names; used more than once: '{name}'"
                )));
            }
            let dt = self.clocks[clocks[&id]].dt;
            let text = self.run_regularly[k].code.clone();
            let compiled = match self.run_regularly[k].owner {
                CodeOwner::Neurons(r) => {
                    let own = match self.groups.get(r.group) {
                        Some(Group::Neurons(ng)) => ng.spec.namespace.clone(),
                        _ => None,
                    };
                    let ns = externals.overlaid(own.as_ref());
                    Compiled::Neurons(self.compile_group_code(r, &text, dt, &ns)?)
                }
                CodeOwner::Synapses(s) => {
                    let ns = externals.overlaid(self.synapses[s].spec.namespace.as_ref());
                    Compiled::Synapses(self.synapses[s].compile_code(
                        "run_regularly code",
                        &text,
                        &self.groups,
                        dt,
                        &ns,
                    )?)
                }
            };
            self.run_regularly[k].compiled = Some(compiled);
        }
        Ok(())
    }

    /// Statements over the neurons of `r`, which see the subgroup alone (`i` from 0, `N`
    /// its size).
    fn compile_group_code(
        &self,
        r: GroupRef,
        text: &str,
        dt: f64,
        externals: &Values,
    ) -> Result<Kernel, NetworkError> {
        let Some(Group::Neurons(ng)) = self.groups.get(r.group) else {
            return Err(NetworkError::Other(
                "run_regularly needs a NeuronGroup".into(),
            ));
        };
        let what = "run_regularly code";
        let mut code = parse_statements(text).map_err(|e| ng.code_error(what, text, e))?;
        let mut subexprs = ng.subexpression_code();
        if r.start > 0 {
            let local_i = |n: &str| {
                (n == "i").then(|| {
                    Expr::binary(
                        crate::expr::BinOp::Sub,
                        Expr::name("i"),
                        Expr::number(r.start as f64),
                    )
                })
            };
            for s in code.iter_mut().chain(subexprs.iter_mut()) {
                s.value = s.value.substitute(&local_i);
            }
        }
        let ns = GroupNamespace {
            eqs: &ng.eqs,
            arrays: &ng.array_names,
            n: r.len,
            dt,
            externals,
        };
        let tables = externals.tables();
        let bind = crate::eval::WithTables {
            bind: |n: &str| ns.bind(n),
            tables: &tables,
        };
        ng.compile_code(what, text, &code, true, &ns, &bind, &subexprs)
    }

    /// Runs `run_regularly` number `k` at time `t`.
    pub(super) fn run_regularly_step(&mut self, k: usize, t: f64) {
        let rr = &self.run_regularly[k];
        match (&rr.compiled, rr.owner) {
            (Some(Compiled::Neurons(kernel)), CodeOwner::Neurons(r)) => {
                if let Some(Group::Neurons(ng)) = self.groups.get_mut(r.group) {
                    kernel.run(
                        &mut ng.arrays,
                        Elements::Range(r.start, r.len),
                        &[t],
                        &mut self.rng,
                        &mut self.scratch,
                        |_| {},
                    );
                }
            }
            (Some(Compiled::Synapses(code)), CodeOwner::Synapses(s)) => {
                self.synapses[s].run_code(
                    code,
                    &mut self.groups,
                    t,
                    &mut self.rng,
                    &mut self.scratch,
                );
            }
            _ => {}
        }
    }
}
