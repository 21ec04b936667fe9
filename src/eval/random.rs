//! Random numbers for kernels (`rand()`, `randn()`, noise), counter-based: the number
//! an instruction gives element `g` (a neuron's or synapse's index) in one run of a
//! kernel is a function of the run's key (one draw from the network's generator), the
//! instruction and `g` alone. So it does not depend on which other elements run with
//! it, in which chunks or on which thread, and a whole chunk is generated at once.
//!
//! Uniform bits: SplitMix64's output function (Steele, Lea & Flood 2014, Stafford's
//! "mix13") on the Weyl sequence `seed + (g + 1) * GAMMA`, which is Java's
//! SplittableRandom from `seed` read at position `g`. Normals: Marsaglia & Tsang's
//! ziggurat (2000; the symmetric form of Doornik 2005) with 1024 layers, exact: about
//! 99.6% of draws are accepted by one multiplication and comparison, done for a whole
//! chunk as vector code; the others continue, element by element, on a stream of their
//! own (`Stream`), keyed by the element too. The same bits on every processor: integer
//! arithmetic, and IEEE operations in a fixed order (where the processor has AVX-512 the
//! chunk's hashing runs 8 lanes at a time, with the same operations).

use std::sync::LazyLock;

/// The Weyl increment of SplitMix64 (the golden ratio, odd).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
/// Keys of the per-element streams continuing rejected normals.
const SLOW: u64 = 0xD1B5_4A32_D192_ED03;
/// 1.0 as bits: or-ed with 52 random mantissa bits gives a number in [1, 2).
const ONE: u64 = 0x3FF0_0000_0000_0000;

#[inline(always)]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of instruction `stream` in the kernel run keyed `key`.
#[inline]
pub(super) fn stream_seed(key: u64, stream: u32) -> u64 {
    mix64(key ^ mix64(u64::from(stream).wrapping_add(1).wrapping_mul(GAMMA)))
}

#[inline(always)]
fn bits(seed: u64, g: u64) -> u64 {
    mix64(seed.wrapping_add(g.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// A uniform number in [0, 1) with 53 random bits.
#[inline(always)]
fn uniform(b: u64) -> f64 {
    (b >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A uniform number in (0, 1] (for logarithms).
#[inline(always)]
fn uniform_open0(b: u64) -> f64 {
    ((b >> 11) + 1) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// The elements of one chunk: `g0..g0 + len`, or given indices.
#[derive(Clone, Copy)]
pub(super) enum Ids<'a> {
    Range(usize),
    List(&'a [u32]),
}

impl Ids<'_> {
    #[inline(always)]
    fn get(&self, k: usize) -> u64 {
        match self {
            Ids::Range(g0) => (g0 + k) as u64,
            Ids::List(ix) => u64::from(ix[k]),
        }
    }
}

/// Uniform numbers in [0, 1) for the elements `ids`, into `out`.
pub(super) fn fill_uniform(seed: u64, ids: Ids, out: &mut [f64]) {
    for (k, o) in out.iter_mut().enumerate() {
        *o = uniform(bits(seed, ids.get(k)));
    }
}

/// Layers of the ziggurat: 1024, so that only about 0.4% of draws leave the fast path.
const LAYERS: usize = 1024;
/// Bits of a draw that choose the layer; the next bit is the sign, the top 52 `u`.
const LAYER_BITS: u32 = 10;

/// The ziggurat's layers: `x[i]` the right edge of layer `i` (`x[0]` the width of the
/// base layer's rectangle of equal area, `x[1] = r` where the tail starts, `x[LAYERS] =
/// 0`), `ratio[i] = x[i + 1] / x[i]` (below it a draw is inside the next layer up,
/// accepted at once), `f[i] = exp(-x[i]^2 / 2)`; `area` the area of every layer under
/// the unnormalised density `exp(-x^2 / 2)`.
struct Ziggurat {
    x: Vec<f64>,
    ratio: Vec<f64>,
    f: Vec<f64>,
    r: f64,
    #[cfg_attr(not(test), allow(dead_code))]
    area: f64,
}

/// The tables the fast path reads, of fixed size so that a masked layer index needs no
/// bounds check and the loop compiles to vector code.
struct Fast {
    x: [f64; LAYERS],
    ratio: [f64; LAYERS],
}

/// The layers for a tail start `r`: `Err(())` if they reach the top of the curve before
/// the last layer (r too small), else how much the top layer's area exceeds the others'.
fn layers(r: f64, n: usize) -> (Result<f64, ()>, Ziggurat) {
    let density = |x: f64| (-0.5 * x * x).exp();
    // The tail's area, integral of exp(-x^2/2) from r on: Simpson's rule on [r, r + 14]
    // (beyond, below 1e-45), 2^14 intervals (error far below 1e-17).
    let m = 1 << 14;
    let h = 14.0 / m as f64;
    let mut sum = density(r) + density(r + 14.0);
    for k in 1..m {
        sum += density(r + k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    let area = r * density(r) + sum * h / 3.0;
    let mut x = vec![0.0; n + 1];
    let mut f = vec![0.0; n + 1];
    x[0] = area / density(r);
    f[0] = density(x[0]);
    x[1] = r;
    f[1] = density(r);
    let mut ok = Ok(0.0);
    for i in 2..n {
        let y = area / x[i - 1] + f[i - 1];
        if y >= 1.0 {
            ok = Err(());
            break;
        }
        x[i] = (-2.0 * y.ln()).sqrt();
        f[i] = density(x[i]);
    }
    if ok.is_ok() {
        ok = Ok(x[n - 1] * (1.0 - f[n - 1]) - area);
    }
    x[n] = 0.0;
    f[n] = 1.0;
    let ratio = (0..n).map(|i| x[i + 1] / x[i]).collect();
    (
        ok,
        Ziggurat {
            x,
            ratio,
            f,
            r,
            area,
        },
    )
}

/// The ziggurat of `n` layers whose top layer closes: `r` by bisection (Marsaglia &
/// Tsang's condition, met to the last bits of `r`).
fn ziggurat(n: usize) -> Ziggurat {
    let (mut lo, mut hi) = (2.0, 6.0);
    loop {
        let mid = 0.5 * (lo + hi);
        if mid == lo || mid == hi {
            break;
        }
        match layers(mid, n).0 {
            // The layers reach the top too soon (too wide: r too small), or the top
            // layer is smaller than the others.
            Err(()) => lo = mid,
            Ok(excess) if excess < 0.0 => lo = mid,
            Ok(_) => hi = mid,
        }
    }
    layers(hi, n).1
}

static ZIGGURAT: LazyLock<Ziggurat> = LazyLock::new(|| ziggurat(LAYERS));
static FAST: LazyLock<Fast> = LazyLock::new(|| {
    let z = &*ZIGGURAT;
    Fast {
        x: z.x[..LAYERS].try_into().expect("LAYERS + 1 edges"),
        ratio: z.ratio[..].try_into().expect("LAYERS ratios"),
    }
});

/// One draw's fast path from 64 random bits: the layer `i` from the low bits, the sign
/// from the next, `u` in [0, 1) from the top 52; the value `u * x[i]` if accepted
/// (`u < ratio[i]`), else NaN.
#[inline(always)]
fn fast(z: &Fast, b: u64) -> f64 {
    let i = (b & (LAYERS as u64 - 1)) as usize;
    let u = f64::from_bits((b >> 12) | ONE) - 1.0;
    let x = u * z.x[i];
    let x = f64::from_bits(x.to_bits() | ((b >> LAYER_BITS) & 1) << 63);
    if u < z.ratio[i] {
        x
    } else {
        f64::NAN
    }
}

#[inline(always)]
fn fast_chunk(z: &Fast, seed: u64, ids: Ids, out: &mut [f64]) {
    match ids {
        Ids::Range(g0) => {
            for (k, o) in out.iter_mut().enumerate() {
                *o = fast(z, bits(seed, (g0 + k) as u64));
            }
        }
        Ids::List(ix) => {
            for (o, &g) in out.iter_mut().zip(ix) {
                *o = fast(z, bits(seed, u64::from(g)));
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn fast_chunk_avx512(z: &Fast, seed: u64, ids: Ids, out: &mut [f64]) {
    fast_chunk(z, seed, ids, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fast_chunk_avx2(z: &Fast, seed: u64, ids: Ids, out: &mut [f64]) {
    fast_chunk(z, seed, ids, out)
}

/// Standard normal numbers for the elements `ids`, into `out` (at most
/// [`super::CHUNK`] of them).
pub(super) fn fill_normal(seed: u64, ids: Ids, out: &mut [f64]) {
    let z = &*FAST;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the processor has these features, checked just above.
            unsafe { fast_chunk_avx512(z, seed, ids, out) };
        } else if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            unsafe { fast_chunk_avx2(z, seed, ids, out) };
        } else {
            fast_chunk(z, seed, ids, out);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    fast_chunk(z, seed, ids, out);
    // About one in a chunk of 256 draws continues: look into blocks of 16 that have one.
    for (b, block) in out.chunks_mut(16).enumerate() {
        if block.iter().fold(false, |any, x| any | x.is_nan()) {
            for (j, x) in block.iter_mut().enumerate() {
                if x.is_nan() {
                    let g = ids.get(b * 16 + j);
                    *x = slow(&ZIGGURAT, z, seed, g, bits(seed, g));
                }
            }
        }
    }
}

/// The rest of a draw whose fast path failed, on the element's own stream: the tail
/// beyond `R` (Marsaglia 1964) for the base layer, else the test under the curve in the
/// layer's wedge (with the kernels' `exp`, within 2 ulp); a rejected draw starts again
/// from new bits.
#[inline(never)]
fn slow(z: &Ziggurat, fz: &Fast, seed: u64, g: u64, first: u64) -> f64 {
    let mut s = Stream {
        seed: mix64((seed ^ SLOW).wrapping_add(g.wrapping_mul(GAMMA))),
        n: 0,
    };
    let mut b = first;
    loop {
        let x = fast(fz, b);
        if !x.is_nan() {
            return x;
        }
        let i = (b & (LAYERS as u64 - 1)) as usize;
        let u = f64::from_bits((b >> 12) | ONE) - 1.0;
        let negative = (b >> LAYER_BITS) & 1 == 1;
        if i == 0 {
            // The tail: x = r + e1/r with e1, e2 exponential, accepted if 2 e2 > e1^2/r^2.
            loop {
                let e1 = -uniform_open0(s.next()).ln() / z.r;
                let e2 = -uniform_open0(s.next()).ln();
                if 2.0 * e2 > e1 * e1 {
                    let t = z.r + e1;
                    return if negative { -t } else { t };
                }
            }
        }
        // Inside layer i, between x[i + 1] and x[i]: under the density with the
        // probability of the curve's height between the layer's bottom and top.
        let x = u * z.x[i];
        let y = z.f[i] + uniform(s.next()) * (z.f[i + 1] - z.f[i]);
        if y < super::exec::exp(-0.5 * x * x) {
            return if negative { -x } else { x };
        }
        #[cfg(test)]
        tests::RETRIES.with(|r| r.set(r.get() + 1));
        b = s.next();
    }
}

/// An element's own stream of bits (SplitMix64).
struct Stream {
    seed: u64,
    n: u64,
}

impl Stream {
    fn next(&mut self) -> u64 {
        self.n += 1;
        mix64(self.seed.wrapping_add(self.n.wrapping_mul(GAMMA)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard normal CDF (erfc from Numerical Recipes' Chebyshev fit, 1.2e-7).
    fn phi(x: f64) -> f64 {
        let z = x.abs() / std::f64::consts::SQRT_2;
        let t = 1.0 / (1.0 + 0.5 * z);
        let r = t
            * (-z * z - 1.265_512_23
                + t * (1.000_023_68
                    + t * (0.374_091_96
                        + t * (0.096_784_18
                            + t * (-0.186_288_06
                                + t * (0.278_868_07
                                    + t * (-1.135_203_98
                                        + t * (1.488_515_87
                                            + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
                .exp();
        if x >= 0.0 {
            1.0 - 0.5 * r
        } else {
            0.5 * r
        }
    }

    fn normals(n: usize, key: u64) -> Vec<f64> {
        let mut out = vec![0.0; n];
        for (c, chunk) in out.chunks_mut(super::super::CHUNK).enumerate() {
            fill_normal(
                stream_seed(key, 0),
                Ids::Range(c * super::super::CHUNK),
                chunk,
            );
        }
        out
    }

    #[test]
    fn the_ziggurat_layers_have_equal_areas_and_close_at_the_top() {
        let z = &*ZIGGURAT;
        for i in 1..LAYERS - 1 {
            // Layer i (between heights f[i] and f[i+1], width x[i]) has the common area.
            let area = z.x[i] * (z.f[i + 1] - z.f[i]);
            assert!((area - z.area).abs() < 1e-9 * z.area, "layer {i}: {area}");
        }
        // The top layer reaches the top of the curve with the same area.
        let top = z.x[LAYERS - 1] * (1.0 - z.f[LAYERS - 1]);
        assert!(
            (top - z.area).abs() < 1e-9 * z.area,
            "top {top} vs {}",
            z.area
        );
        // The base layer: the rectangle under f(r) and the tail beyond r.
        assert!((z.x[0] * z.f[1] - z.area).abs() < 1e-15);
        // With 256 layers, Marsaglia & Tsang's constants come out.
        let m = ziggurat(256);
        assert!((m.r - 3.654_152_885_361_009).abs() < 1e-12, "{}", m.r);
        assert!((m.area - 0.004_928_673_233_99).abs() < 1e-13, "{}", m.area);
    }

    #[test]
    fn normals_have_the_standard_normal_distribution() {
        let n = 2_000_000;
        let mut x = normals(n, 12345);
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        let m4 = x.iter().map(|v| (v - mean).powi(4)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) = 7e-4 for the mean, sqrt(2/n) = 1e-3 for the
        // variance, sqrt(96/n) = 7e-3 for the fourth moment; bounds at 5 of them.
        assert!(mean.abs() < 3.5e-3, "mean {mean}");
        assert!((var - 1.0).abs() < 5e-3, "variance {var}");
        assert!((m4 - 3.0).abs() < 3.5e-2, "fourth moment {m4}");
        // Kolmogorov-Smirnov: the 0.1% critical value is 1.95/sqrt(n).
        x.sort_by(f64::total_cmp);
        let d = x
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                let p = phi(v);
                (p - k as f64 / n as f64)
                    .abs()
                    .max(((k + 1) as f64 / n as f64 - p).abs())
            })
            .fold(0.0, f64::max);
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
        // The tail beyond R (drawn by the slow path): 2.58e-4 of draws, Poisson error.
        let r = ZIGGURAT.r;
        let tail = x.iter().filter(|v| v.abs() > r).count() as f64;
        let expect = 2.0 * (1.0 - phi(r)) * n as f64;
        assert!(
            (tail - expect).abs() < 5.0 * expect.sqrt().max(1.0),
            "{tail} beyond r = {r}, expected {expect}"
        );
        let far = x.iter().filter(|v| v.abs() > 4.5).count() as f64;
        let expect = 2.0 * (1.0 - phi(4.5)) * n as f64;
        assert!(
            (far - expect).abs() < 5.0 * expect.sqrt().max(1.0),
            "{far} beyond 4.5, expected {expect}"
        );
    }

    thread_local! {
        /// Draws rejected altogether (started again), counted by `slow`.
        pub(super) static RETRIES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn draws_are_rejected_as_often_as_the_ziggurat_exceeds_the_curve() {
        // An attempt is accepted where it falls under the curve: the half-Gaussian's area
        // sqrt(pi/2) out of the ziggurat's LAYERS * area; the retries per normal are
        // geometric with that probability (mean q/p, variance q/p^2).
        let z = &*ZIGGURAT;
        let p = (std::f64::consts::PI / 2.0).sqrt() / (LAYERS as f64 * z.area);
        let q = 1.0 - p;
        let n = 1 << 21;
        RETRIES.with(|r| r.set(0));
        normals(n, 4242);
        let retries = RETRIES.with(|r| r.get()) as f64;
        let (mean, sd) = (n as f64 * q / p, (n as f64 * q).sqrt() / p);
        assert!(
            (retries - mean).abs() < 5.0 * sd,
            "{retries} retries, expected {mean} +- {sd}"
        );
    }

    #[test]
    fn the_fast_path_accepts_as_the_layers_say() {
        // A draw in layer i is accepted at once with probability ratio[i]: on average
        // over the layers about 99.6%.
        let z = &*ZIGGURAT;
        let expect = z.ratio.iter().sum::<f64>() / LAYERS as f64;
        assert!(expect > 0.995 && expect < 0.998, "{expect}");
        let n = 1 << 20;
        let mut out = vec![0.0; super::super::CHUNK];
        let mut accepted = 0usize;
        for c in 0..n / super::super::CHUNK {
            fast_chunk(&FAST, 99, Ids::Range(c * super::super::CHUNK), &mut out);
            accepted += out.iter().filter(|x| !x.is_nan()).count();
        }
        let p = accepted as f64 / n as f64;
        let sd = (expect * (1.0 - expect) / n as f64).sqrt();
        assert!((p - expect).abs() < 5.0 * sd, "{p} vs {expect}");
    }

    #[test]
    fn an_elements_number_does_not_depend_on_the_others_in_its_chunk() {
        let seed = stream_seed(7, 3);
        let mut all = vec![0.0; 300];
        fill_normal(seed, Ids::Range(1000), &mut all[..256]);
        fill_normal(seed, Ids::Range(1256), &mut all[256..]);
        let ix: Vec<u32> = (0..300).rev().step_by(7).map(|k| 1000 + k).collect();
        let mut some = vec![0.0; ix.len()];
        fill_normal(seed, Ids::List(&ix), &mut some);
        for (&g, &v) in ix.iter().zip(&some) {
            assert_eq!(
                v.to_bits(),
                all[(g - 1000) as usize].to_bits(),
                "element {g}"
            );
        }
        let mut u = vec![0.0; 10];
        fill_uniform(seed, Ids::Range(5), &mut u);
        let mut w = vec![0.0; 1];
        fill_uniform(seed, Ids::List(&[9]), &mut w);
        assert_eq!(u[4], w[0]);
        assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let seed = stream_seed(11, 2);
        let ix: Vec<u32> = (0..256).map(|k| k * 37 % 1000).collect();
        for ids in [Ids::Range(512), Ids::List(&ix)] {
            let mut plain = vec![0.0; 256];
            fast_chunk(&FAST, seed, ids, &mut plain);
            #[cfg(target_arch = "x86_64")]
            for (name, has) in [
                ("avx2", std::arch::is_x86_feature_detected!("avx2")),
                (
                    "avx512",
                    std::arch::is_x86_feature_detected!("avx512dq")
                        && std::arch::is_x86_feature_detected!("avx512vl"),
                ),
            ] {
                if !has {
                    continue;
                }
                let mut v = vec![0.0; 256];
                // SAFETY: the processor has the features, checked above.
                unsafe {
                    if name == "avx2" {
                        fast_chunk_avx2(&FAST, seed, ids, &mut v);
                    } else {
                        fast_chunk_avx512(&FAST, seed, ids, &mut v);
                    }
                }
                for (a, b) in plain.iter().zip(&v) {
                    assert_eq!(a.to_bits(), b.to_bits(), "{name}");
                }
            }
        }
    }

    #[test]
    fn streams_and_keys_give_different_numbers() {
        let mut a = vec![0.0; 64];
        let mut b = vec![0.0; 64];
        let mut c = vec![0.0; 64];
        fill_normal(stream_seed(1, 0), Ids::Range(0), &mut a);
        fill_normal(stream_seed(1, 1), Ids::Range(0), &mut b);
        fill_normal(stream_seed(2, 0), Ids::Range(0), &mut c);
        let corr = |x: &[f64], y: &[f64]| x.iter().zip(y).filter(|(p, q)| p == q).count();
        assert_eq!(corr(&a, &b), 0);
        assert_eq!(corr(&a, &c), 0);
    }
}
