//! Brian 1's Connection: a sparse weight matrix from a source range onto one variable of a
//! target range, built row by row (or as triplets) and frozen into CSR (sprs, u32 indices:
//! 12 bytes per synapse), with a homogeneous delay or one delay per synapse.

use super::spike_queue::SpikeQueue;
use super::GroupRef;
use rand::rngs::SmallRng;
use sprs::CsMatI;

pub struct Connection {
    pub source: GroupRef,
    pub target: GroupRef,
    /// Index of the target variable among the target group's arrays.
    pub target_var: usize,
    pub target_var_name: String,
    /// Rows: source neurons (local to `source`); columns: target neurons (local to `target`).
    pub weights: CsMatI<f64, u32>,
    pub delay: ConnectionDelay,
    /// The longest delay allowed (Brian 1's `max_delay`), checked when the network runs.
    pub max_delay: Option<f64>,
    /// Homogeneous delay in whole steps (Brian 1 floors delay/dt), set when preparing.
    pub(super) delay_steps: usize,
    /// Per-synapse delays in steps, aligned with the weights' storage.
    pub(super) synapse_steps: Vec<u32>,
    /// Due items: spiking source neurons (homogeneous delay) or synapse positions in the
    /// weight storage (per-synapse delays).
    pub(super) queue: SpikeQueue,
    pub name: String,
}

/// Delays of a Connection, in seconds.
#[derive(Clone, Debug)]
pub enum ConnectionDelay {
    Homogeneous(f64),
    /// One delay per synapse, in the order of the weights' storage (row by row).
    PerSynapse(Vec<f64>),
}

/// How a weight is given for a pair (i, j) of local indices. A function gets the
/// network's random generator (a script's `rand()` in a weight closure draws from it).
pub enum WeightFn<'a> {
    Constant(f64),
    Function(&'a mut dyn FnMut(usize, usize, &mut SmallRng) -> Result<f64, String>),
}

impl WeightFn<'_> {
    pub fn at(&mut self, i: usize, j: usize, rng: &mut SmallRng) -> Result<f64, String> {
        match self {
            WeightFn::Constant(w) => Ok(*w),
            WeightFn::Function(f) => f(i, j, rng),
        }
    }
}

/// Builds CSR rows one source neuron at a time, without sorting.
pub struct RowBuilder {
    pub ncols: usize,
    indptr: Vec<u32>,
    indices: Vec<u32>,
    data: Vec<f64>,
}

impl RowBuilder {
    pub fn new(ncols: usize) -> RowBuilder {
        RowBuilder {
            ncols,
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        }
    }
    pub fn push(&mut self, j: u32, w: f64) {
        self.indices.push(j);
        self.data.push(w);
    }
    pub fn end_row(&mut self) {
        self.indptr.push(self.indices.len() as u32);
    }
    /// A matrix of `nrows` empty rows (a connection filled later by connect_*).
    pub fn finish_empty(mut self, nrows: usize) -> CsMatI<f64, u32> {
        for _ in 0..nrows {
            self.end_row();
        }
        self.finish()
    }
    pub fn finish(self) -> CsMatI<f64, u32> {
        let nrows = self.indptr.len() - 1;
        CsMatI::new((nrows, self.ncols), self.indptr, self.indices, self.data)
    }
}

/// Random connectivity: each pair present with probability `p`, drawn by geometric skips
/// so building costs O(number of synapses), not O(rows * cols). A row's targets are drawn
/// before its weights.
pub fn random_rows(
    nrows: usize,
    ncols: usize,
    p: f64,
    weight: &mut WeightFn,
    rng: &mut SmallRng,
    skip_self: Option<usize>,
) -> Result<CsMatI<f64, u32>, String> {
    if !(0.0..=1.0).contains(&p) {
        return Err(format!(
            "the connection probability must lie in [0, 1], got {p}"
        ));
    }
    let mut b = RowBuilder::new(ncols);
    let mut targets = Vec::new();
    for i in 0..nrows {
        targets.clear();
        super::connect::random_targets(ncols, p, rng, |j| {
            if skip_self.is_none_or(|off| off + i != j) {
                targets.push(j);
            }
        });
        for &j in &targets {
            b.push(j as u32, weight.at(i, j, rng)?);
        }
        b.end_row();
    }
    Ok(b.finish())
}

/// All-to-all connectivity.
pub fn full_rows(
    nrows: usize,
    ncols: usize,
    weight: &mut WeightFn,
    rng: &mut SmallRng,
) -> Result<CsMatI<f64, u32>, String> {
    let mut b = RowBuilder::new(ncols);
    for i in 0..nrows {
        for j in 0..ncols {
            b.push(j as u32, weight.at(i, j, rng)?);
        }
        b.end_row();
    }
    Ok(b.finish())
}

/// Neuron i onto neuron i.
pub fn one_to_one_rows(
    n: usize,
    weight: &mut WeightFn,
    rng: &mut SmallRng,
) -> Result<CsMatI<f64, u32>, String> {
    let mut b = RowBuilder::new(n);
    for i in 0..n {
        b.push(i as u32, weight.at(i, i, rng)?);
        b.end_row();
    }
    Ok(b.finish())
}

impl Connection {
    pub fn new(
        source: GroupRef,
        target: GroupRef,
        target_var: usize,
        target_var_name: String,
        weights: CsMatI<f64, u32>,
        delay: ConnectionDelay,
        name: String,
    ) -> Connection {
        Connection {
            source,
            target,
            target_var,
            target_var_name,
            weights,
            delay,
            max_delay: None,
            delay_steps: 0,
            synapse_steps: Vec::new(),
            queue: SpikeQueue::default(),
            name,
        }
    }

    /// Converts delays to steps for the time step `dt` (Brian 1 floors them) and checks
    /// them against `max_delay`.
    pub(super) fn prepare(&mut self, dt: f64) -> Result<(), String> {
        let steps = |d: f64| (d / dt + 1e-9).floor().max(0.0) as u32;
        let longest = match &self.delay {
            ConnectionDelay::Homogeneous(d) => *d,
            ConnectionDelay::PerSynapse(ds) => {
                if ds.len() != self.weights.nnz() {
                    return Err(format!(
                        "{}: {} delays for {} synapses",
                        self.name,
                        ds.len(),
                        self.weights.nnz()
                    ));
                }
                ds.iter().copied().fold(0.0, f64::max)
            }
        };
        if let Some(max) = self.max_delay {
            if longest > max + 1e-12 {
                return Err(format!(
                    "{}: a delay of {longest} s exceeds max_delay = {max} s",
                    self.name
                ));
            }
        }
        match &self.delay {
            ConnectionDelay::Homogeneous(d) => {
                self.delay_steps = steps(*d) as usize;
                self.synapse_steps.clear();
                self.queue.ensure(self.delay_steps);
            }
            ConnectionDelay::PerSynapse(ds) => {
                self.synapse_steps = ds.iter().map(|&d| steps(d)).collect();
                self.queue
                    .ensure(self.synapse_steps.iter().copied().max().unwrap_or(0) as usize);
            }
        }
        Ok(())
    }

    /// Queues this step's spikes of the source (local indices) and delivers what is due
    /// onto the target variable; with `not_refractory` flags of the target neurons (a
    /// variable flagged `(unless refractory)`), refractory neurons receive nothing.
    pub(super) fn step(
        &mut self,
        spikes: impl Iterator<Item = u32>,
        due: &mut Vec<u32>,
        target: &mut [f64],
        not_refractory: Option<&[f64]>,
        threads: Option<&crate::eval::Threads>,
    ) {
        if self.synapse_steps.is_empty() {
            self.queue.push(self.delay_steps, spikes);
            self.queue.pop_into(due);
            self.propagate(due, target, not_refractory, threads);
            return;
        }
        let indptr = self.weights.indptr();
        let indptr = indptr.raw_storage();
        for i in spikes {
            for k in indptr[i as usize]..indptr[i as usize + 1] {
                self.queue
                    .push_one(self.synapse_steps[k as usize] as usize, k);
            }
        }
        self.queue.pop_into(due);
        let (indices, data) = (self.weights.indices(), self.weights.data());
        for &k in due.iter() {
            let j = indices[k as usize] as usize;
            if not_refractory.is_none_or(|nr| nr[j] != 0.0) {
                target[j] += data[k as usize];
            }
        }
    }

    /// Adds the synapses of `block` (rows: `src_offset..`, columns `tgt_offset..` within this
    /// connection's source and target), replacing none: Brian 1's connect_* on subgroups.
    pub fn add_block(&mut self, block: &CsMatI<f64, u32>, src_offset: usize, tgt_offset: usize) {
        let (nr, nc) = self.weights.shape();
        let mut tri = sprs::TriMatI::<f64, u32>::new((nr, nc));
        for (w, (i, j)) in self.weights.iter() {
            tri.add_triplet(i as usize, j as usize, *w);
        }
        for (w, (i, j)) in block.iter() {
            tri.add_triplet(i as usize + src_offset, j as usize + tgt_offset, *w);
        }
        // Duplicate pairs are summed, as adding to Brian 1's construction matrix did.
        self.weights = tri.to_csr();
    }

    /// Sets the weight of the existing synapse (i, j) (local indices); the structure stays
    /// as built, so there must be a synapse there.
    pub fn set_weight(&mut self, i: usize, j: usize, w: f64) -> Result<(), String> {
        let (nr, nc) = self.weights.shape();
        if i >= nr || j >= nc {
            return Err(format!(
                "{}: ({i}, {j}) is outside its {nr}x{nc} weight matrix",
                self.name
            ));
        }
        let indptr = self.weights.indptr().raw_storage().to_vec();
        let (lo, hi) = (indptr[i] as usize, indptr[i + 1] as usize);
        let k = self.weights.indices()[lo..hi]
            .iter()
            .position(|&c| c as usize == j)
            .ok_or_else(|| {
                format!(
                    "{}: there is no synapse from {i} to {j}, so its weight cannot be set (the connection's structure is fixed when it is built; create it with connect_* or a weight there)",
                    self.name
                )
            })?;
        self.weights.data_mut()[lo + k] = w;
        Ok(())
    }

    /// The weights as a dense matrix (rows: source neurons), absent synapses as 0.
    pub fn dense(&self) -> Vec<Vec<f64>> {
        let (nr, nc) = self.weights.shape();
        let mut rows = vec![vec![0.0; nc]; nr];
        for (w, (i, j)) in self.weights.iter() {
            rows[i as usize][j as usize] += *w;
        }
        rows
    }

    /// Brian 1's `C.W = M`: new weights for the existing synapses from a dense matrix of
    /// the connection's shape, in `dim` (the target variable's unit is `target_dim`; zeros
    /// and infinities need no unit). Entries that differ from the current weights must be
    /// synapses; a refused change changes nothing.
    pub fn set_dense(
        &mut self,
        rows: &[Vec<f64>],
        dim: crate::units::Dimension,
        target_dim: crate::units::Dimension,
    ) -> Result<(), String> {
        let (nr, nc) = self.weights.shape();
        if rows.len() != nr || rows.iter().any(|r| r.len() != nc) {
            return Err(format!(
                "{}: W is {nr}x{nc}; the new weights have another shape",
                self.name
            ));
        }
        let unit_free = dim.is_dimensionless()
            && rows
                .iter()
                .flatten()
                .all(|v| crate::units::is_unit_free(*v));
        if dim != target_dim && !unit_free {
            return Err(format!(
                "{}: the weights are in {target_dim}, the new values have units of {dim}",
                self.name
            ));
        }
        let current = self.dense();
        let mut changes = Vec::new();
        for (i, (new, old)) in rows.iter().zip(&current).enumerate() {
            for (j, (&a, &b)) in new.iter().zip(old).enumerate() {
                if a != b {
                    changes.push((i, j, a));
                }
            }
        }
        let before = self.weights.clone();
        for (i, j, w) in changes {
            if let Err(e) = self.set_weight(i, j, w) {
                self.weights = before;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Number of synapses.
    pub fn len(&self) -> usize {
        self.weights.nnz()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.nnz() == 0
    }

    /// Bytes used per synapse by the frozen matrix (indices and weights, not row pointers).
    pub fn bytes_per_synapse(&self) -> f64 {
        let nnz = self.weights.nnz().max(1) as f64;
        let bytes = std::mem::size_of_val(self.weights.indices())
            + std::mem::size_of_val(self.weights.data())
            + std::mem::size_of_val(self.weights.indptr().raw_storage());
        bytes as f64 / nnz
    }

    /// Adds the weights of spiking rows onto the target variable (skipping refractory
    /// targets when their flags are given).
    pub(super) fn propagate(
        &self,
        spikes: &[u32],
        target: &mut [f64],
        not_refractory: Option<&[f64]>,
        threads: Option<&crate::eval::Threads>,
    ) {
        let indptr = self.weights.indptr();
        let indptr = indptr.raw_storage();
        let indices = self.weights.indices();
        let data = self.weights.data();
        let events: usize = spikes
            .iter()
            .map(|&i| (indptr[i as usize + 1] - indptr[i as usize]) as usize)
            .sum();
        if let Some(th) = threads.filter(|t| t.count() > 1 && events >= PARALLEL_EVENTS) {
            // Each thread adds into its own range of target neurons, going through the
            // spikes in the same order: every neuron gets the same sums in the same order
            // as on one thread.
            let ptr = TargetPtr(target.as_mut_ptr());
            let ptr = &ptr;
            th.for_parts(target.len(), |_, lo, hi| {
                // SAFETY: the parts' ranges lo..hi are disjoint and within `target`,
                // which the caller holds mutably for the whole call.
                let part = unsafe { std::slice::from_raw_parts_mut(ptr.0.add(lo), hi - lo) };
                for &i in spikes {
                    let (a, b) = (indptr[i as usize] as usize, indptr[i as usize + 1] as usize);
                    let cols = &indices[a..b];
                    // Rows are sorted by target (CSR).
                    let s = cols.partition_point(|&j| (j as usize) < lo);
                    let e = cols.partition_point(|&j| (j as usize) < hi);
                    for (&j, &w) in cols[s..e].iter().zip(&data[a + s..a + e]) {
                        let j = j as usize;
                        if not_refractory.is_none_or(|nr| nr[j] != 0.0) {
                            part[j - lo] += w;
                        }
                    }
                }
            });
            return;
        }
        for &i in spikes {
            let (a, b) = (indptr[i as usize] as usize, indptr[i as usize + 1] as usize);
            let row = indices[a..b].iter().zip(&data[a..b]);
            match not_refractory {
                None => row.for_each(|(&j, &w)| target[j as usize] += w),
                Some(nr) => row
                    .filter(|(&j, _)| nr[j as usize] != 0.0)
                    .for_each(|(&j, &w)| target[j as usize] += w),
            }
        }
    }
}

/// Fewer synaptic events than this in a step are added on one thread.
const PARALLEL_EVENTS: usize = 4096;

/// The target array shared by the threads of a propagation (each writes its own range).
struct TargetPtr(*mut f64);
unsafe impl Sync for TargetPtr {}
