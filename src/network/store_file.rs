//! Brian 2's `store(name, filename)` / `restore(name, filename)`: snapshots in a file that
//! a later process reads. As in Brian 2, one file holds several named snapshots (storing
//! under a name replaces that name's snapshot and keeps the others).
//!
//! Format: the 16 bytes `BRIAN-RS-STATE\n\0`, a little-endian u32 format version, then
//! the snapshots as postcard (serde; floats keep their exact bits, NaN and inf included).
//! Each snapshot carries a description of the network it was taken from (every object's
//! kind, name and size, every group's and synapses' variable names, each monitor's
//! variables, the clocks' names), checked against the restoring network before anything
//! is changed, so that a file of another network is an error naming what differs.
//!
//! The random generator (rand 0.9's `SmallRng`, xoshiro256++ on 64-bit machines) has no
//! serde support in rand 0.9 (only its private inner generator has), and no accessor of
//! its state: the state words are read from its `Debug` form, and the generator rebuilt
//! from them is compared (`PartialEq`) with the original before anything is written, so
//! a change of that form in a later rand is an error at `store`, never a wrong stream.

use super::super::synapses::SynapsesState;
use super::super::{Clock, ConnectionDelay, Group, Network, NetworkError, SpikeQueue};
use super::Snapshot;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

const MAGIC: &[u8; 16] = b"BRIAN-RS-STATE\n\0";
/// Bumped whenever the layout below changes; a file of another version is refused.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize, Default)]
struct FileContents {
    states: BTreeMap<String, FileState>,
}

#[derive(Serialize, Deserialize)]
struct FileState {
    description: Description,
    data: FileSnapshot,
    /// Values the caller keeps with the snapshot (the script layer: the time each
    /// SpikeMonitor has recorded, for its run summary).
    extra: BTreeMap<String, Vec<f64>>,
}

/// What must match between the stored network and the restoring one.
#[derive(Serialize, Deserialize, PartialEq, Clone, Debug)]
struct Description {
    clocks: Vec<String>,
    /// (kind, name, size, variable names)
    groups: Vec<(String, String, usize, Vec<String>)>,
    /// (name, source, target, target variable)
    connections: Vec<(String, String, String, String)>,
    /// (name, source, target, variable names, pathway names)
    synapses: Vec<SynapsesDescription>,
    /// (name, source, event, variables)
    spike_monitors: Vec<(String, String, String, Vec<String>)>,
    /// (name, source, variables, number of recorded indices)
    state_monitors: Vec<(String, String, Vec<String>, usize)>,
    /// (name, source)
    rate_monitors: Vec<(String, String)>,
}

/// (name, source, target, variable names, pathway names)
type SynapsesDescription = (String, String, String, Vec<String>, Vec<String>);

#[derive(Serialize, Deserialize)]
struct FileClock {
    name: String,
    dt: f64,
    timestep: u64,
    i_end: u64,
    old_dt: Option<f64>,
    auto: bool,
}

#[derive(Serialize, Deserialize)]
enum FileDelay {
    Homogeneous(f64),
    PerSynapse(Vec<f64>),
}

#[derive(Serialize, Deserialize)]
struct FileConnection {
    shape: (usize, usize),
    csr: bool,
    indptr: Vec<u32>,
    indices: Vec<u32>,
    data: Vec<f64>,
    delay: FileDelay,
    queue: SpikeQueue,
}

#[derive(Serialize, Deserialize)]
struct FileSnapshot {
    clocks: Vec<FileClock>,
    t: f64,
    /// The generator's state words (see the module's notes).
    rng: Vec<u64>,
    groups: Vec<Vec<Vec<f64>>>,
    connections: Vec<FileConnection>,
    synapses: Vec<SynapsesState>,
    spike_monitors: Vec<super::Events>,
    state_monitors: Vec<super::Traces>,
    rate_monitors: Vec<(Vec<f64>, Vec<f64>)>,
}

fn err(msg: String) -> NetworkError {
    NetworkError::Other(msg)
}

/// The state words of a `SmallRng`, checked by rebuilding the generator from them.
fn rng_words(rng: &SmallRng) -> Result<Vec<u64>, NetworkError> {
    let debug = format!("{rng:?}");
    let words: Option<Vec<u64>> = debug
        .split_once("s: [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .and_then(|(list, _)| list.split(',').map(|w| w.trim().parse().ok()).collect());
    match words {
        Some(w) if rebuild_rng(&w).as_ref() == Some(rng) => Ok(w),
        _ => Err(err(format!(
            "store: cannot read the random generator's state from this version of rand ({debug}); the file was not written"
        ))),
    }
}

/// `SmallRng::from_seed` takes the state words as little-endian bytes.
fn rebuild_rng(words: &[u64]) -> Option<SmallRng> {
    let width = if cfg!(target_pointer_width = "64") {
        8
    } else {
        4
    };
    if words.len() * width > 32 || words.iter().all(|&w| w == 0) {
        return None;
    }
    let mut seed = [0u8; 32];
    for (k, w) in words.iter().enumerate() {
        seed[k * width..(k + 1) * width].copy_from_slice(&w.to_le_bytes()[..width]);
    }
    Some(SmallRng::from_seed(seed))
}

fn read_file(path: &Path) -> Result<FileContents, NetworkError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read '{shown}': {e}")))?;
    if bytes.len() < 20 || &bytes[..16] != MAGIC {
        return Err(err(format!(
            "'{shown}' is not a file written by store(name, filename)"
        )));
    }
    let version = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(err(format!(
            "'{shown}' was written in version {version} of the store file format; this program reads version {FORMAT_VERSION}"
        )));
    }
    postcard::from_bytes(&bytes[20..])
        .map_err(|e| err(format!("'{shown}' is damaged or incomplete ({e})")))
}

/// The first difference between two descriptions, in words.
fn difference(stored: &Description, here: &Description) -> String {
    fn list<T: PartialEq + std::fmt::Debug>(
        what: &str,
        a: &[T],
        b: &[T],
        show: impl Fn(&T) -> String,
    ) -> Option<String> {
        if a == b {
            return None;
        }
        for k in 0..a.len().max(b.len()) {
            match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) if x != y => {
                    return Some(format!(
                        "{what} number {} is {} in the file but {} here",
                        k + 1,
                        show(x),
                        show(y)
                    ))
                }
                (Some(x), None) => {
                    return Some(format!(
                        "the file has {} {what}s, this network {} (the file's {} is missing here)",
                        a.len(),
                        b.len(),
                        show(x)
                    ))
                }
                (None, Some(y)) => {
                    return Some(format!(
                        "the file has {} {what}s, this network {} ({} is not in the file)",
                        a.len(),
                        b.len(),
                        show(y)
                    ))
                }
                _ => {}
            }
        }
        None
    }
    let names = |v: &[String]| format!("[{}]", v.join(", "));
    list("clock", &stored.clocks, &here.clocks, |c| format!("'{c}'"))
        .or_else(|| {
            list(
                "group",
                &stored.groups,
                &here.groups,
                |(kind, name, n, vars)| {
                    format!(
                        "{kind} '{name}' of {n} neurons with variables {}",
                        names(vars)
                    )
                },
            )
        })
        .or_else(|| {
            list(
                "Connection",
                &stored.connections,
                &here.connections,
                |(name, s, t, v)| format!("'{name}' from '{s}' to '{t}' on '{v}'"),
            )
        })
        .or_else(|| {
            list(
                "Synapses object",
                &stored.synapses,
                &here.synapses,
                |(name, s, t, vars, paths)| {
                    format!(
                        "'{name}' from '{s}' to '{t}' with variables {} and pathways {}",
                        names(vars),
                        names(paths)
                    )
                },
            )
        })
        .or_else(|| {
            list(
                "SpikeMonitor/EventMonitor",
                &stored.spike_monitors,
                &here.spike_monitors,
                |(name, s, e, vars)| format!("'{name}' of '{s}' ({e}) recording {}", names(vars)),
            )
        })
        .or_else(|| {
            list(
                "StateMonitor",
                &stored.state_monitors,
                &here.state_monitors,
                |(name, s, vars, n)| {
                    format!("'{name}' of '{s}' recording {} of {n} indices", names(vars))
                },
            )
        })
        .or_else(|| {
            list(
                "PopulationRateMonitor",
                &stored.rate_monitors,
                &here.rate_monitors,
                |(name, s)| format!("'{name}' of '{s}'"),
            )
        })
        .unwrap_or_else(|| "the networks differ".into())
}

impl Network {
    /// `G`, or `G[a:b]` for a subgroup.
    fn ref_name(&self, r: super::super::GroupRef) -> String {
        let g = self.groups.get(r.group).map(|g| (g.name(), g.len()));
        match g {
            Some((name, n)) if r.start == 0 && r.len == n => name.to_string(),
            Some((name, _)) => format!("{name}[{}:{}]", r.start, r.start + r.len),
            None => format!("group number {}", r.group + 1),
        }
    }

    fn describe(&self) -> Description {
        Description {
            clocks: self.clocks.iter().map(|c| c.name.clone()).collect(),
            groups: self
                .groups
                .iter()
                .map(|g| match g {
                    Group::Neurons(ng) => (
                        "NeuronGroup".to_string(),
                        g.name().to_string(),
                        g.len(),
                        ng.array_names.clone(),
                    ),
                    Group::Poisson(p) => (
                        "PoissonGroup".into(),
                        p.name.clone(),
                        p.rates.len(),
                        vec!["rates".into()],
                    ),
                    Group::Generator(_) => (
                        "SpikeGeneratorGroup".into(),
                        g.name().to_string(),
                        g.len(),
                        Vec::new(),
                    ),
                })
                .collect(),
            connections: self
                .connections
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        self.ref_name(c.source),
                        self.ref_name(c.target),
                        c.target_var_name.clone(),
                    )
                })
                .collect(),
            synapses: self
                .synapses
                .iter()
                .map(|s| {
                    (
                        s.spec.name.clone(),
                        self.ref_name(s.spec.source),
                        self.ref_name(s.spec.target),
                        s.array_names.clone(),
                        s.pathways.iter().map(|p| p.name.clone()).collect(),
                    )
                })
                .collect(),
            spike_monitors: self
                .spike_monitors
                .iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        self.ref_name(m.source),
                        m.event.clone(),
                        m.variables.clone(),
                    )
                })
                .collect(),
            state_monitors: self
                .state_monitors
                .iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        self.ref_name(m.source),
                        m.vars.clone(),
                        m.record.len(),
                    )
                })
                .collect(),
            rate_monitors: self
                .rate_monitors
                .iter()
                .map(|m| (m.name.clone(), self.ref_name(m.source)))
                .collect(),
        }
    }

    /// Brian 2's `store(name, filename)`: the current state is written to `path` under
    /// `name`, keeping the other names the file holds. `extra` is kept beside it and
    /// handed back by [`Network::restore_from_file`].
    pub fn store_to_file(
        &mut self,
        name: &str,
        path: &Path,
        extra: BTreeMap<String, Vec<f64>>,
    ) -> Result<(), NetworkError> {
        let mut contents = if path.exists() {
            read_file(path).map_err(|e| {
                err(format!(
                    "store: {e}; it was left as it is (choose another file name)"
                ))
            })?
        } else {
            FileContents::default()
        };
        let s = self.snapshot();
        let data = FileSnapshot {
            clocks: s
                .clocks
                .into_iter()
                .map(|c| FileClock {
                    name: c.name,
                    dt: c.dt,
                    timestep: c.timestep,
                    i_end: c.i_end,
                    old_dt: c.old_dt,
                    auto: c.auto,
                })
                .collect(),
            t: s.t,
            rng: rng_words(&s.rng)?,
            groups: s.groups,
            connections: s
                .connections
                .into_iter()
                .map(|(w, d, queue)| FileConnection {
                    shape: (w.rows(), w.cols()),
                    csr: w.is_csr(),
                    indptr: w.indptr().raw_storage().to_vec(),
                    indices: w.indices().to_vec(),
                    data: w.data().to_vec(),
                    delay: match d {
                        ConnectionDelay::Homogeneous(x) => FileDelay::Homogeneous(x),
                        ConnectionDelay::PerSynapse(v) => FileDelay::PerSynapse(v),
                    },
                    queue,
                })
                .collect(),
            synapses: s.synapses,
            spike_monitors: s.spike_monitors,
            state_monitors: s.state_monitors,
            rate_monitors: s.rate_monitors,
        };
        contents.states.insert(
            name.to_string(),
            FileState {
                description: self.describe(),
                data,
                extra,
            },
        );
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let body = postcard::to_stdvec(&contents)
            .map_err(|e| err(format!("store: cannot encode the state: {e}")))?;
        bytes.extend_from_slice(&body);
        // Written beside and renamed, so that a failed write leaves the old file whole.
        let shown = path.display();
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, &bytes)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| err(format!("store: cannot write '{shown}': {e}")))
    }

    /// Brian 2's `restore(name, filename)`: the state stored in `path` under `name`, for
    /// a network with the same objects (kinds, names, sizes, variables). Returns the
    /// `extra` values stored with it.
    pub fn restore_from_file(
        &mut self,
        name: &str,
        path: &Path,
        restore_random_state: bool,
    ) -> Result<BTreeMap<String, Vec<f64>>, NetworkError> {
        let shown = path.display();
        let mut contents = read_file(path).map_err(|e| err(format!("restore: {e}")))?;
        let Some(state) = contents.states.remove(name) else {
            let names: Vec<String> = contents.states.keys().map(|k| format!("'{k}'")).collect();
            return Err(err(format!(
                "restore: '{shown}' holds no state stored under the name '{name}' (it holds {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        };
        let here = self.describe();
        if state.description != here {
            return Err(err(format!(
                "restore: '{shown}' was stored (as '{name}') for a different network: {}",
                difference(&state.description, &here)
            )));
        }
        let d = state.data;
        let rng = if restore_random_state {
            rebuild_rng(&d.rng).ok_or_else(|| {
                err(format!(
                    "restore: the random generator's state in '{shown}' does not fit this machine's generator"
                ))
            })?
        } else {
            self.rng.clone()
        };
        let mut connections = Vec::with_capacity(d.connections.len());
        for (k, c) in d.connections.into_iter().enumerate() {
            let built = if c.csr {
                sprs::CsMatI::try_new(c.shape, c.indptr, c.indices, c.data)
            } else {
                sprs::CsMatI::try_new_csc(c.shape, c.indptr, c.indices, c.data)
            };
            let w = built.map_err(|(.., e)| {
                err(format!(
                    "restore: the weights of Connection '{}' in '{shown}' are damaged ({e})",
                    self.connections[k].name
                ))
            })?;
            let delay = match c.delay {
                FileDelay::Homogeneous(x) => ConnectionDelay::Homogeneous(x),
                FileDelay::PerSynapse(v) => ConnectionDelay::PerSynapse(v),
            };
            connections.push((w, delay, c.queue));
        }
        let snapshot = Snapshot {
            clocks: d
                .clocks
                .into_iter()
                .map(|c| Clock {
                    name: c.name,
                    dt: c.dt,
                    timestep: c.timestep,
                    i_end: c.i_end,
                    old_dt: c.old_dt,
                    auto: c.auto,
                })
                .collect(),
            t: d.t,
            rng,
            groups: d.groups,
            connections,
            synapses: d.synapses,
            spike_monitors: d.spike_monitors,
            state_monitors: d.state_monitors,
            rate_monitors: d.rate_monitors,
        };
        self.apply(snapshot, name, restore_random_state)?;
        Ok(state.extra)
    }
}
