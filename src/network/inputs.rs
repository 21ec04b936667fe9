//! Input groups: PoissonGroup (independent Poisson spike trains) and SpikeGeneratorGroup
//! (given spikes, binned to the time step; PulsePacket is one).

use rand::rngs::SmallRng;
use rand::Rng;

pub struct PoissonGroup {
    /// Rates in Hz, one per neuron.
    pub rates: Vec<f64>,
    pub name: String,
}

impl PoissonGroup {
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
