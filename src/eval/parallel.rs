//! A kernel over a range of elements split between threads: each thread runs the same
//! instructions on its own contiguous part of every array, with its own registers, and
//! the hits (a threshold's spikes) are handed on part by part, in element order. Each
//! element's arithmetic is the same as on one thread, and random numbers depend on the
//! run's key and the element alone (random.rs), so the results are the same bits for any
//! thread count.

use super::exec::Scratch;
use super::{Elements, Kernel};
use rand::rngs::SmallRng;
use std::sync::Arc;

/// Fewer elements than this per thread are not worth the threads' start (a few µs).
pub const MIN_PER_THREAD: usize = 8192;

/// The thread pool of a network and the registers of each of its threads.
pub struct Threads {
    pool: Arc<rayon::ThreadPool>,
    parts: Vec<Part>,
}

#[derive(Default)]
struct Part {
    scratch: Scratch,
    hits: Vec<u32>,
}

impl Threads {
    /// A pool of `n` threads (n >= 2).
    pub fn new(n: usize) -> Result<Threads, String> {
        // The calling thread works too (`in_place_scope`): the pool has the others.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(2) - 1)
            .thread_name(|k| format!("brian-{k}"))
            .build()
            .map_err(|e| format!("cannot start {n} threads: {e}"))?;
        Ok(Threads {
            pool: Arc::new(pool),
            parts: (0..n).map(|_| Part::default()).collect(),
        })
    }

    pub fn count(&self) -> usize {
        self.parts.len()
    }

    /// Runs `f(part, lo, hi)` for contiguous parts `lo..hi` of `0..n` on the pool, each
    /// part on its own thread.
    pub fn for_parts(&self, n: usize, f: impl Fn(usize, usize, usize) + Sync) {
        let k = self.parts.len().min(n.div_ceil(MIN_PER_THREAD)).max(1);
        let bounds: Vec<usize> = (0..=k).map(|p| p * n / k).collect();
        self.pool.in_place_scope(|s| {
            for p in 1..k {
                let (lo, hi, f) = (bounds[p], bounds[p + 1], &f);
                s.spawn(move |_| f(p, lo, hi));
            }
            f(0, bounds[0], bounds[1]);
        });
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
        let k = threads.parts.len().min(n.div_ceil(MIN_PER_THREAD)).max(1);
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
        let pool = Arc::clone(&threads.pool);
        let parts = &mut threads.parts[..k];
        // Each part draws the run's key from a copy of the generator: the same key for
        // all, as one thread would draw it; the generator then moves on by that draw.
        let gens: Vec<SmallRng> = (0..k).map(|_| rng.clone()).collect();
        if self.uses_random {
            use rand::RngCore;
            rng.next_u64();
        }
        let (shared, used, bounds) = (&shared, &used, &bounds);
        let work = |p: usize, part: &mut Part, mut r: SmallRng| {
            let (lo, hi) = (bounds[p], bounds[p + 1]);
            // SAFETY: the parts' ranges are disjoint, so the slices of different threads
            // never overlap; the arrays stay alive and unresized while the scope runs
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
        };
        let work = &work;
        // Part 0 on this thread, the others on the pool's.
        pool.in_place_scope(|s| {
            let mut gens = gens.into_iter();
            let (first, rest) = parts.split_first_mut().expect("at least one part");
            let g0 = gens.next().expect("a generator per part");
            for ((p, part), r) in rest.iter_mut().enumerate().zip(gens) {
                s.spawn(move |_| work(p + 1, part, r));
            }
            work(0, first, g0);
        });
        for part in parts.iter() {
            part.hits.iter().for_each(|&j| hit(j));
        }
    }
}
