//! Statistics of recorded spikes and rates: firing rates, inter-spike intervals, Fano
//! factors, spike count correlations, PSTHs and power spectra. Plain functions over
//! slices (spike indices and times in seconds, rates in Hz); the script layer's
//! `analysis` module (stdlib/analysis.rhai) wraps them. Every statistic is defined in the
//! doc comment of its function, in the words of docs/stdlib.md.

/// A time window `[start, end)` in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub start: f64,
    pub end: f64,
}

impl Window {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }

    fn contains(&self, t: f64) -> bool {
        t >= self.start && t < self.end
    }

    /// The number of whole bins of width `bin` in the window (a bin that ends within
    /// 1e-9 of a bin width of the end counts as whole).
    pub fn bins(&self, bin: f64) -> usize {
        ((self.duration() / bin) + 1e-9).floor().max(0.0) as usize
    }
}

/// Spikes per neuron within the window.
pub fn counts(n: usize, i: &[u32], t: &[f64], w: Window) -> Vec<u64> {
    let mut c = vec![0u64; n];
    for (&k, &s) in i.iter().zip(t) {
        if w.contains(s) {
            c[k as usize] += 1;
        }
    }
    c
}

/// Firing rate of each neuron in Hz: its spikes within the window over the window's
/// duration.
pub fn firing_rates(n: usize, i: &[u32], t: &[f64], w: Window) -> Vec<f64> {
    let d = w.duration();
    counts(n, i, t, w)
        .into_iter()
        .map(|c| c as f64 / d)
        .collect()
}

/// Each neuron's spike times within the window, in order.
pub fn trains(n: usize, i: &[u32], t: &[f64], w: Window) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); n];
    for (&k, &s) in i.iter().zip(t) {
        if w.contains(s) {
            out[k as usize].push(s);
        }
    }
    for tr in &mut out {
        // Monitors record in time order; sorting only guards against merged data.
        if tr.windows(2).any(|p| p[1] < p[0]) {
            tr.sort_by(f64::total_cmp);
        }
    }
    out
}

/// The inter-spike intervals of every neuron, pooled (neuron 0's first, in time order).
pub fn intervals(n: usize, i: &[u32], t: &[f64], w: Window) -> Vec<f64> {
    trains(n, i, t, w)
        .iter()
        .flat_map(|tr| tr.windows(2).map(|p| p[1] - p[0]))
        .collect()
}

/// Mean and population variance (NumPy's `var`, ddof = 0).
fn mean_var(x: &[f64]) -> (f64, f64) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let v = x.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / x.len() as f64;
    (m, v)
}

/// The coefficient of variation of each neuron's inter-spike intervals within the window,
/// `std(ISI)/mean(ISI)` with the population standard deviation (NumPy's `std`, ddof = 0);
/// `None` for a neuron with fewer than two intervals (three spikes).
pub fn cv_per_neuron(n: usize, i: &[u32], t: &[f64], w: Window) -> Vec<Option<f64>> {
    trains(n, i, t, w)
        .iter()
        .map(|tr| {
            let isi: Vec<f64> = tr.windows(2).map(|p| p[1] - p[0]).collect();
            (isi.len() >= 2).then(|| {
                let (m, v) = mean_var(&isi);
                v.sqrt() / m
            })
        })
        .collect()
}

/// The mean over neurons with at least two intervals of [`cv_per_neuron`]; NaN if none.
pub fn cv_isi(n: usize, i: &[u32], t: &[f64], w: Window) -> f64 {
    let cvs: Vec<f64> = cv_per_neuron(n, i, t, w).into_iter().flatten().collect();
    if cvs.is_empty() {
        return f64::NAN;
    }
    cvs.iter().sum::<f64>() / cvs.len() as f64
}

/// Spike counts of each neuron (rows) in consecutive whole bins of width `bin` from the
/// window's start (columns); spikes after the last whole bin are not counted.
pub fn binned_counts(n: usize, i: &[u32], t: &[f64], w: Window, bin: f64) -> Vec<Vec<f64>> {
    let k = w.bins(bin);
    let mut c = vec![vec![0.0; k]; n];
    for (&j, &s) in i.iter().zip(t) {
        if !w.contains(s) {
            continue;
        }
        let b = ((s - w.start) / bin).floor() as usize;
        if b < k {
            c[j as usize][b] += 1.0;
        }
    }
    c
}

/// The Fano factor of each neuron's binned counts, `var/mean` (ddof = 0); `None` for a
/// neuron without spikes in the bins.
pub fn fano_per_neuron(counts: &[Vec<f64>]) -> Vec<Option<f64>> {
    counts
        .iter()
        .map(|c| {
            let (m, v) = mean_var(c);
            (m > 0.0).then(|| v / m)
        })
        .collect()
}

/// The mean of [`fano_per_neuron`] over neurons with spikes; NaN if none.
pub fn fano_factor(counts: &[Vec<f64>]) -> f64 {
    let f: Vec<f64> = fano_per_neuron(counts).into_iter().flatten().collect();
    if f.is_empty() {
        return f64::NAN;
    }
    f.iter().sum::<f64>() / f.len() as f64
}

/// The mean Pearson correlation coefficient of the binned counts over all pairs of
/// distinct neurons whose counts vary; NaN with fewer than two such neurons. Computed in
/// O(neurons × bins): with z-scored count vectors `z_k` (divided by the square root of the
/// number of bins), `sum over pairs of r = (|sum_k z_k|^2 - n) / 2`.
pub fn mean_correlation(counts: &[Vec<f64>]) -> f64 {
    let bins = counts.first().map_or(0, Vec::len);
    let mut sum = vec![0.0; bins];
    let mut n = 0usize;
    for c in counts {
        let (m, v) = mean_var(c);
        if !(v > 0.0) {
            continue;
        }
        let scale = 1.0 / (v * bins as f64).sqrt();
        for (s, x) in sum.iter_mut().zip(c) {
            *s += (x - m) * scale;
        }
        n += 1;
    }
    if n < 2 {
        return f64::NAN;
    }
    let total: f64 = sum.iter().map(|s| s * s).sum();
    (total - n as f64) / (n as f64 * (n as f64 - 1.0))
}

/// The pairwise Pearson correlation matrix of the binned counts (NaN in the rows and
/// columns of neurons whose counts do not vary; 1 on the diagonal otherwise).
pub fn correlation_matrix(counts: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let bins = counts.first().map_or(0, Vec::len);
    let z: Vec<Option<Vec<f64>>> = counts
        .iter()
        .map(|c| {
            let (m, v) = mean_var(c);
            (v > 0.0).then(|| {
                let s = 1.0 / (v * bins as f64).sqrt();
                c.iter().map(|x| (x - m) * s).collect()
            })
        })
        .collect();
    z.iter()
        .map(|a| {
            z.iter()
                .map(|b| match (a, b) {
                    (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| x * y).sum(),
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect()
}

/// Spikes of all neurons in consecutive whole bins of width `bin` from the window's start.
pub fn psth_counts(t: &[f64], w: Window, bin: f64) -> Vec<u64> {
    let k = w.bins(bin);
    let mut c = vec![0u64; k];
    for &s in t {
        if !w.contains(s) {
            continue;
        }
        let b = ((s - w.start) / bin).floor() as usize;
        if b < k {
            c[b] += 1;
        }
    }
    c
}

/// A histogram of `values` over the bin `edges` (ascending): bin k holds
/// `edges[k] <= x < edges[k+1]`, the last bin also its right edge (NumPy's `histogram`).
pub fn histogram(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let nb = edges.len().saturating_sub(1);
    let mut c = vec![0u64; nb];
    if nb == 0 {
        return c;
    }
    for &x in values {
        if x < edges[0] || x > edges[nb] {
            continue;
        }
        let k = edges.partition_point(|&e| e <= x);
        c[(k.max(1) - 1).min(nb - 1)] += 1;
    }
    c
}

/// The one-sided periodogram of a signal sampled every `dt` seconds, mean removed:
/// frequencies `k/(N dt)` for `k = 0..=N/2` and power `c_k |X_k|^2 dt / N` with
/// `X_k = sum_n (x_n - mean) exp(-2 pi i k n / N)`, `c_k = 2` except at 0 and at the
/// Nyquist frequency (even N), so that the powers times the frequency step sum to the
/// signal's variance (Parseval). For a rate in Hz the power is in Hz (Hz²/Hz).
pub fn periodogram(x: &[f64], dt: f64) -> (Vec<f64>, Vec<f64>) {
    let n = x.len();
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let mut re: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut im = vec![0.0; n];
    dft(&mut re, &mut im);
    let half = n / 2;
    let freq = (0..=half).map(|k| k as f64 / (n as f64 * dt)).collect();
    let power = (0..=half)
        .map(|k| {
            let c = if k == 0 || (n.is_multiple_of(2) && k == half) {
                1.0
            } else {
                2.0
            };
            c * (re[k] * re[k] + im[k] * im[k]) * dt / n as f64
        })
        .collect();
    (freq, power)
}

/// The frequency of the largest power above zero frequency; NaN for fewer than two.
pub fn peak_frequency(freq: &[f64], power: &[f64]) -> f64 {
    power
        .iter()
        .enumerate()
        .skip(1)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(f64::NAN, |(k, _)| freq[k])
}

/// In-place discrete Fourier transform of any length: radix-2 for powers of two,
/// Bluestein's chirp transform (through power-of-two FFTs) otherwise.
fn dft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    if n <= 1 {
        return;
    }
    if n.is_power_of_two() {
        fft2(re, im, false);
        return;
    }
    let m = (2 * n - 1).next_power_of_two();
    // w_k = exp(-i pi k^2 / n), with k^2 taken mod 2n to keep the angle small.
    let chirp: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let k2 = (k as u128 * k as u128 % (2 * n as u128)) as f64;
            let a = -std::f64::consts::PI * k2 / n as f64;
            (a.cos(), a.sin())
        })
        .collect();
    let (mut ar, mut ai) = (vec![0.0; m], vec![0.0; m]);
    for k in 0..n {
        let (c, s) = chirp[k];
        ar[k] = re[k] * c - im[k] * s;
        ai[k] = re[k] * s + im[k] * c;
    }
    let (mut br, mut bi) = (vec![0.0; m], vec![0.0; m]);
    for k in 0..n {
        let (c, s) = chirp[k];
        br[k] = c;
        bi[k] = -s;
        if k > 0 {
            br[m - k] = c;
            bi[m - k] = -s;
        }
    }
    fft2(&mut ar, &mut ai, false);
    fft2(&mut br, &mut bi, false);
    for k in 0..m {
        let (r, i) = (ar[k] * br[k] - ai[k] * bi[k], ar[k] * bi[k] + ai[k] * br[k]);
        ar[k] = r;
        ai[k] = i;
    }
    fft2(&mut ar, &mut ai, true);
    for k in 0..n {
        let (c, s) = chirp[k];
        let (r, i) = (ar[k] / m as f64, ai[k] / m as f64);
        re[k] = r * c - i * s;
        im[k] = r * s + i * c;
    }
}

/// Iterative radix-2 FFT of a power-of-two length (unnormalised; `inverse` flips the sign
/// of the exponent).
fn fft2(re: &mut [f64], im: &mut [f64], inverse: bool) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut len = 2;
    while len <= n {
        let a = sign * 2.0 * std::f64::consts::PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (a * k as f64).sin_cos();
                let (p, q) = (start + k, start + k + len / 2);
                let (xr, xi) = (re[q] * c - im[q] * s, re[q] * s + im[q] * c);
                re[q] = re[p] - xr;
                im[q] = im[p] - xi;
                re[p] += xr;
                im[p] += xi;
            }
        }
        len <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(x: &[f64]) -> Vec<(f64, f64)> {
        let n = x.len();
        (0..n)
            .map(|k| {
                x.iter().enumerate().fold((0.0, 0.0), |(r, i), (j, v)| {
                    let a = -2.0 * std::f64::consts::PI * (k * j) as f64 / n as f64;
                    (r + v * a.cos(), i + v * a.sin())
                })
            })
            .collect()
    }

    #[test]
    fn the_transform_matches_the_definition_for_any_length() {
        for n in [1usize, 2, 3, 5, 8, 12, 17, 64, 100] {
            let x: Vec<f64> = (0..n).map(|k| ((k * 7 + 3) % 11) as f64 - 4.0).collect();
            let (mut re, mut im) = (x.clone(), vec![0.0; n]);
            dft(&mut re, &mut im);
            for (k, (r, i)) in naive(&x).into_iter().enumerate() {
                assert!(
                    (re[k] - r).abs() < 1e-9 && (im[k] - i).abs() < 1e-9,
                    "n={n} k={k}"
                );
            }
        }
    }

    #[test]
    fn the_periodogram_sums_to_the_variance() {
        for n in [100usize, 101, 128] {
            let x: Vec<f64> = (0..n).map(|k| ((k * k) % 13) as f64).collect();
            let dt = 1e-3;
            let (f, p) = periodogram(&x, dt);
            let df = f[1] - f[0];
            let var = mean_var(&x).1;
            let total: f64 = p.iter().sum::<f64>() * df;
            assert!(
                (total - var).abs() < 1e-9 * var.max(1.0),
                "n={n}: {total} vs {var}"
            );
        }
    }

    #[test]
    fn histograms_follow_numpy() {
        let c = histogram(&[0.0, 0.5, 1.0, 1.5, 2.0, 3.0], &[0.0, 1.0, 2.0]);
        assert_eq!(c, vec![2, 3]);
    }

    #[test]
    fn the_mean_correlation_equals_the_mean_over_the_matrix() {
        let counts = vec![
            vec![1.0, 0.0, 3.0, 2.0, 1.0],
            vec![0.0, 1.0, 2.0, 2.0, 0.0],
            vec![2.0, 2.0, 2.0, 2.0, 2.0],
            vec![4.0, 1.0, 0.0, 1.0, 3.0],
        ];
        let m = correlation_matrix(&counts);
        let mut s = 0.0;
        let mut pairs = 0;
        for (a, row) in m.iter().enumerate() {
            for (b, r) in row.iter().enumerate() {
                if a != b && !r.is_nan() {
                    s += r;
                    pairs += 1;
                }
            }
        }
        assert_eq!(pairs, 6);
        assert!((mean_correlation(&counts) - s / 6.0).abs() < 1e-12);
        assert!((m[0][0] - 1.0).abs() < 1e-12);
    }
}
