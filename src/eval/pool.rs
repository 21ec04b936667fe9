//! The network's worker threads: a fork-join pool whose workers wait for work by spinning.
//!
//! A time step has several short parallel regions (state updates, thresholds, spike
//! propagation) a few microseconds apart. A pool whose idle workers sleep (rayon's do so
//! after a few microseconds) is woken through the kernel for every region: about 40 us on
//! this project's 2-core VM, more than splitting a 64000-neuron update saves. Here, as
//! with OpenMP's active wait policy, an idle worker spins on the job counter for
//! [`SPIN`] before it sleeps; during a run the next region always comes sooner, so no
//! region pays for a wake-up. Between runs the workers sleep and cost nothing.
//!
//! A job is a function of the part number, called once for each part `1..parts` on the
//! workers (part `k` on worker `k - 1`) while the caller runs part 0; [`Pool::run`]
//! returns when all parts are done, so the function may borrow from the caller's stack.

use crossbeam_utils::CachePadded;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long an idle worker spins before it sleeps.
const SPIN: Duration = Duration::from_millis(2);

/// A job's function with its lifetime erased; valid while `Pool::run` waits.
#[derive(Clone, Copy)]
struct Job {
    f: *const (dyn Fn(usize) + Sync),
    parts: usize,
    /// The epoch this job was handed out with: a worker that reads the job takes its
    /// epoch as seen, so it never runs one job twice (a worker outside the last job's
    /// parts may read the next job before it has seen the epoch bump).
    epoch: u64,
}

struct Shared {
    /// Bumped (after `job` is written) to hand out a job.
    epoch: CachePadded<AtomicU64>,
    /// Parts not yet finished by the workers.
    pending: CachePadded<AtomicUsize>,
    job: Mutex<Option<Job>>,
    /// Workers asleep, and the condition they sleep on (guarded by `sleep_lock`).
    sleeping: AtomicUsize,
    sleep_lock: Mutex<()>,
    wake: Condvar,
    panicked: AtomicBool,
    stop: AtomicBool,
}

// SAFETY: the job pointer is only followed while `Pool::run` keeps its target alive, and
// the function it points to is `Sync`.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// `threads - 1` workers plus the calling thread.
pub struct Pool {
    shared: Arc<Shared>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl Pool {
    /// A pool with `threads - 1` workers (the caller is the other thread).
    pub fn new(threads: usize) -> Result<Pool, String> {
        let shared = Arc::new(Shared {
            epoch: CachePadded::new(AtomicU64::new(0)),
            pending: CachePadded::new(AtomicUsize::new(0)),
            job: Mutex::new(None),
            sleeping: AtomicUsize::new(0),
            sleep_lock: Mutex::new(()),
            wake: Condvar::new(),
            panicked: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        });
        let mut workers = Vec::new();
        for w in 0..threads.saturating_sub(1) {
            let s = Arc::clone(&shared);
            let handle = std::thread::Builder::new()
                .name(format!("brian-{w}"))
                .spawn(move || worker(&s, w + 1))
                .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
            workers.push(handle);
        }
        Ok(Pool { shared, workers })
    }

    /// The number of threads, the caller's included.
    pub fn threads(&self) -> usize {
        self.workers.len() + 1
    }

    /// Calls `f(k)` for every part `k` in `0..parts` (at most [`Pool::threads`]), part 0
    /// on this thread, and returns when all are done. A panic in a part is raised here.
    pub fn run(&self, parts: usize, f: &(dyn Fn(usize) + Sync)) {
        assert!(parts <= self.threads(), "more parts than threads");
        if parts <= 1 {
            if parts == 1 {
                f(0);
            }
            return;
        }
        let s = &*self.shared;
        // SAFETY (of the erasure): this function does not return before `pending` is 0,
        // i.e. before every worker that read the job has finished calling it.
        let f: *const (dyn Fn(usize) + Sync) = unsafe { std::mem::transmute(f) };
        let epoch = s.epoch.load(Ordering::Relaxed) + 1;
        *s.job.lock().expect("job lock") = Some(Job { f, parts, epoch });
        s.pending.store(parts - 1, Ordering::Relaxed);
        s.epoch.store(epoch, Ordering::SeqCst);
        if s.sleeping.load(Ordering::SeqCst) > 0 {
            let _guard = s.sleep_lock.lock().expect("sleep lock");
            s.wake.notify_all();
        }
        // SAFETY: `f` is the caller's function, alive for this call.
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { (*f)(0) }));
        let mut spins = 0u32;
        while s.pending.load(Ordering::Acquire) != 0 {
            spins = spins.saturating_add(1);
            if spins < 1 << 14 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        if let Err(p) = mine {
            std::panic::resume_unwind(p);
        }
        if s.panicked.swap(false, Ordering::AcqRel) {
            panic!("a worker thread panicked");
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        {
            let _guard = self.shared.sleep_lock.lock().expect("sleep lock");
            self.shared.wake.notify_all();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn worker(s: &Shared, part: usize) {
    // Epoch 0 has no job; a worker that starts after the first job still runs it.
    let mut seen = 0;
    loop {
        // Wait for the next job: spin, then sleep.
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            if s.stop.load(Ordering::Relaxed) {
                return;
            }
            if s.epoch.load(Ordering::Acquire) != seen {
                break;
            }
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(1024) || start.elapsed() < SPIN {
                std::hint::spin_loop();
                continue;
            }
            let guard = s.sleep_lock.lock().expect("sleep lock");
            s.sleeping.fetch_add(1, Ordering::SeqCst);
            let guard = s
                .wake
                .wait_while(guard, |_| {
                    s.epoch.load(Ordering::SeqCst) == seen && !s.stop.load(Ordering::SeqCst)
                })
                .expect("sleep lock");
            s.sleeping.fetch_sub(1, Ordering::SeqCst);
            drop(guard);
        }
        let job = *s.job.lock().expect("job lock");
        let Some(job) = job else { continue };
        if job.epoch == seen {
            continue;
        }
        seen = job.epoch;
        if part < job.parts {
            // SAFETY: `Pool::run` keeps the function alive until `pending` reaches 0,
            // which this part's decrement below is needed for.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
                (*job.f)(part)
            }));
            if r.is_err() {
                s.panicked.store(true, Ordering::Release);
            }
            s.pending.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_runs_once_per_job_and_borrows_work() {
        let pool = Pool::new(3).unwrap();
        for round in 0..2000usize {
            let hits: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
            let parts = 1 + round % 3;
            pool.run(parts, &|k| {
                hits[k].fetch_add(round + 1, Ordering::Relaxed);
            });
            for (k, h) in hits.iter().enumerate() {
                let want = if k < parts { round + 1 } else { 0 };
                assert_eq!(h.load(Ordering::Relaxed), want, "round {round}, part {k}");
            }
            if round == 1000 {
                // Long enough for the workers to go to sleep: they must wake up.
                std::thread::sleep(SPIN * 3);
            }
        }
    }

    #[test]
    fn a_panic_in_a_part_reaches_the_caller_and_the_pool_stays_usable() {
        let pool = Pool::new(2).unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.run(2, &|k| assert!(k == 0, "part {k} fails"));
        }));
        assert!(r.is_err());
        let n = AtomicUsize::new(0);
        pool.run(2, &|_| {
            n.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(n.load(Ordering::Relaxed), 2);
    }
}
