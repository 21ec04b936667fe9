//! A kernel over a range of elements split between threads: each thread runs the same
//! instructions on its own contiguous part of every array, with its own registers, and
//! the hits (a threshold's spikes) are handed on part by part, in element order. Each
//! element's arithmetic is the same as on one thread, and random numbers depend on the
//! run's key and the element alone (random.rs), so the results are the same bits for any
//! thread count.

use super::exec::Scratch;
use super::pool::Pool;
use super::{Elements, Kernel};
use rand::rngs::SmallRng;

/// Fewer elements than this per thread are not worth handing out (about a microsecond).
pub const MIN_PER_THREAD: usize = 4096;

/// The thread pool of a network and the registers of each of its threads.
pub struct Threads {
    pool: Pool,
    parts: Vec<Part>,
}

/// The threads' parts, each used by the one thread that runs that part.
struct Parts(*mut Part);
unsafe impl Sync for Parts {}

#[derive(Default)]
struct Part {
    scratch: Scratch,
    hits: Vec<u32>,
}

impl Threads {
    /// A pool of `n` threads (n >= 2).
    pub fn new(n: usize) -> Result<Threads, String> {
        Ok(Threads {
            pool: Pool::new(n.max(2))?,
            parts: (0..n.max(2)).map(|_| Part::default()).collect(),
        })
    }

    pub fn count(&self) -> usize {
        self.parts.len()
    }

    /// The number of parts `n` elements are split into.
    fn parts_for(&self, n: usize) -> usize {
        self.parts.len().min(n.div_ceil(MIN_PER_THREAD)).max(1)
    }

    /// Runs `f(part, lo, hi)` for contiguous parts `lo..hi` of `0..n` on the pool, each
    /// part on its own thread.
    pub fn for_parts(&self, n: usize, f: impl Fn(usize, usize, usize) + Sync) {
        let k = self.parts_for(n);
        self.pool.run(k, &|p| f(p, p * n / k, (p + 1) * n / k));
    }

    /// [`Threads::for_parts`] with each part's own hit list: `f(lo, hi, hits)`; then
    /// `hit` gets the hits of part 0, part 1, ... in order.
    pub fn for_parts_with_hits(
        &mut self,
        n: usize,
        f: impl Fn(usize, usize, &mut Vec<u32>) + Sync,
        hit: &mut impl FnMut(u32),
    ) {
        let k = self.parts_for(n);
        let parts = Parts(self.parts.as_mut_ptr());
        let parts = &parts;
        self.pool.run(k, &|p| {
            // SAFETY: part `p` is run by one thread, once.
            let part = unsafe { &mut *parts.0.add(p) };
            part.hits.clear();
            f(p * n / k, (p + 1) * n / k, &mut part.hits);
        });
        for part in &self.parts[..k] {
            part.hits.iter().for_each(|&j| hit(j));
        }
    }
}

/// The arrays shared by the threads, as raw parts; each thread makes slices of its own
/// range of the arrays the kernel touches.
struct Shared(Vec<(*mut f64, usize)>);
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

impl Kernel {
    /// Whether [`Kernel::run`] on `n` elements of a range splits them between threads.
    pub(super) fn runs_in_parallel(&self, threads: Option<&Threads>, n: usize) -> bool {
        threads.is_some_and(|t| t.count() > 1) && n >= 2 * MIN_PER_THREAD
    }

    /// [`Kernel::run`] over `start..start + n` split between the threads of `threads`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_parallel(
        &self,
        threads: &mut Threads,
        arrays: &mut [Vec<f64>],
        start: usize,
        n: usize,
        scalars: &[f64],
        rng: &mut SmallRng,
        hit: &mut impl FnMut(u32),
    ) {
        let k = threads.parts_for(n);
        let bounds: Vec<usize> = (0..=k).map(|p| start + p * n / k).collect();
        let used: Vec<bool> = (0..arrays.len())
            .map(|a| self.loads.iter().chain(&self.stores).any(|&(b, _)| b == a))
            .collect();
        // Every array the kernel touches covers the range (as on one thread, where a
        // shorter one would be an indexing error).
        for (a, arr) in arrays.iter().enumerate() {
            assert!(
                !used[a] || arr.len() >= start + n,
                "kernel array shorter than its range"
            );
        }
        let shared = Shared(
            arrays
                .iter_mut()
                .map(|v| (v.as_mut_ptr(), v.len()))
                .collect(),
        );
        // Each part draws the run's key from a copy of the generator: the same key for
        // all, as one thread would draw it; the generator then moves on by that draw.
        let gen = rng.clone();
        if self.uses_random {
            use rand::RngCore;
            rng.next_u64();
        }
        let (shared, used, bounds) = (&shared, &used, &bounds);
        let parts = Parts(threads.parts.as_mut_ptr());
        let parts = &parts;
        threads.pool.run(k, &|p| {
            // SAFETY: part `p` is run by one thread, once.
            let part = unsafe { &mut *parts.0.add(p) };
            let mut r = gen.clone();
            let (lo, hi) = (bounds[p], bounds[p + 1]);
            // SAFETY: the parts' ranges are disjoint, so the slices of different threads
            // never overlap; the arrays stay alive and unresized while the pool runs
            // (the caller holds them mutably).
            let mut mine: Vec<&mut [f64]> = shared
                .0
                .iter()
                .zip(used)
                .map(|(&(ptr, _), &u)| {
                    if u {
                        unsafe { std::slice::from_raw_parts_mut(ptr.add(lo), hi - lo) }
                    } else {
                        &mut [][..]
                    }
                })
                .collect();
            part.hits.clear();
            let hits = &mut part.hits;
            self.run_serial(
                &mut mine,
                Elements::Range(0, hi - lo),
                lo,
                scalars,
                &mut r,
                &mut part.scratch,
                &mut |j| hits.push(j),
            );
        });
        for part in &threads.parts[..k] {
            part.hits.iter().for_each(|&j| hit(j));
        }
    }
}
