//! Running kernels over arrays, chunk by chunk.

use super::random::{self, Ids};
use super::{Func, Instr, Kernel, Src, CHUNK};
use crate::expr::BinOp;
use rand::rngs::SmallRng;
use rand::RngCore;

/// Reusable register memory for running kernels (one per thread).
#[derive(Default)]
pub struct Scratch {
    regs: Vec<[f64; CHUNK]>,
    /// Registers that are views of a chunk of an array (loaded values read in place
    /// instead of copied), null otherwise; see `Kernel::run_serial`.
    views: Views,
    /// Per instruction: the array chunk it writes in place, or null (optimize.rs).
    outs: Outs,
    /// The network's threads, if it has more than one (parallel.rs).
    pub threads: Option<super::parallel::Threads>,
}

pub(super) fn apply_bin(op: BinOp, x: f64, y: f64) -> f64 {
    let b = |c: bool| f64::from(u8::from(c));
    match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::FloorDiv => (x / y).floor(),
        BinOp::Mod => x.rem_euclid(y),
        BinOp::Pow => pow(x, y),
        BinOp::Lt => b(x < y),
        BinOp::Le => b(x <= y),
        BinOp::Gt => b(x > y),
        BinOp::Ge => b(x >= y),
        BinOp::Eq => b(x == y),
        BinOp::Ne => b(x != y),
        BinOp::And => b(x != 0.0 && y != 0.0),
        BinOp::Or => b(x != 0.0 || y != 0.0),
    }
}

#[inline]
fn pow(x: f64, y: f64) -> f64 {
    if y == 2.0 {
        x * x
    } else if y == 3.0 {
        x * x * x
    } else if y.fract() == 0.0 && y.abs() < 64.0 {
        x.powi(y as i32)
    } else {
        x.powf(y)
    }
}

/// `exp` written so that a loop over it compiles to SIMD instructions (the C library's is
/// a call per element, which made it half of a Hodgkin-Huxley step). Cody-Waite reduction
/// `x = k ln2 + r` with |r| <= ln2/2, the Taylor polynomial of degree 13 (truncation error
/// below 1e-17), then the scaling by `2^k` in two halves so that subnormal results round
/// once. Within 2 ulp of the correctly rounded value (tested against the C library);
/// overflow gives inf, underflow 0, NaN stays NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // Adding 1.5 * 2^52 rounds to an integer, held in the low bits of the sum.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let x = x.clamp(-746.0, 710.0);
    let k = (x * LOG2E + ROUND) - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Estrin's scheme: a shallow tree of independent multiply-adds instead of a chain of
    // thirteen, so consecutive elements overlap in the pipeline.
    const C: [f64; 14] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = (C[0] + C[1] * r) + (C[2] + C[3] * r) * r2;
    let q1 = (C[4] + C[5] * r) + (C[6] + C[7] * r) * r2;
    let q2 = (C[8] + C[9] * r) + (C[10] + C[11] * r) * r2;
    let q3 = C[12] + C[13] * r;
    let p = (q0 + q1 * r4) + (q2 + q3 * r4) * r8;
    // 2^k = 2^k1 * 2^k2 with k1 = round(k/2): both factors are normal numbers.
    let k1 = (k * 0.5 + ROUND) - ROUND;
    let k2 = k - k1;
    let scale = |e: f64| {
        let bits = (e + ROUND).to_bits().wrapping_sub(ROUND.to_bits());
        f64::from_bits(bits.wrapping_add(1023) << 52)
    };
    p * scale(k1) * scale(k2)
}

/// `(exp(x) - 1) / x`, 1 at 0, written (as [`exp`]) so that a loop over it compiles to
/// SIMD instructions. For |x| < 1 the Taylor series of exprel itself, to degree 17
/// (truncation below 1e-17); elsewhere `(exp(x) - 1) / x`, where exp(x) - 1 loses at
/// most a few ulp. Within 4 ulp of the correctly rounded value (tested against expm1).
#[inline(always)]
pub fn exprel(x: f64) -> f64 {
    // 1/(k+1)! for k = 0..17.
    const C: [f64; 18] = {
        let mut c = [1.0; 18];
        let mut k = 1;
        while k < 18 {
            c[k] = c[k - 1] / (k as f64 + 1.0);
            k += 1;
        }
        c
    };
    let x2 = x * x;
    let x4 = x2 * x2;
    let x8 = x4 * x4;
    let x16 = x8 * x8;
    let q0 = (C[0] + C[1] * x) + (C[2] + C[3] * x) * x2;
    let q1 = (C[4] + C[5] * x) + (C[6] + C[7] * x) * x2;
    let q2 = (C[8] + C[9] * x) + (C[10] + C[11] * x) * x2;
    let q3 = (C[12] + C[13] * x) + (C[14] + C[15] * x) * x2;
    let q4 = C[16] + C[17] * x;
    let series = ((q0 + q1 * x4) + (q2 + q3 * x4) * x8) + q4 * x16;
    let direct = (exp(x) - 1.0) / x;
    if x.abs() < 1.0 || x.is_nan() {
        series
    } else if x == f64::INFINITY {
        x
    } else {
        direct
    }
}

pub(super) fn apply_func(f: Func, x: f64) -> f64 {
    match f {
        Func::Exp => exp(x),
        Func::Log => x.ln(),
        Func::Log10 => x.log10(),
        Func::Sqrt => x.sqrt(),
        Func::Abs => x.abs(),
        Func::Sign => {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
        Func::Sin => x.sin(),
        Func::Cos => x.cos(),
        Func::Tan => x.tan(),
        Func::Sinh => x.sinh(),
        Func::Cosh => x.cosh(),
        Func::Tanh => x.tanh(),
        Func::Arcsin => x.asin(),
        Func::Arccos => x.acos(),
        Func::Arctan => x.atan(),
        Func::Exprel => exprel(x),
        Func::Expm1 => x.exp_m1(),
        Func::Log1p => x.ln_1p(),
        Func::Floor => x.floor(),
        Func::Ceil => x.ceil(),
        Func::Int => x.trunc(),
        Func::Neg => -x,
        Func::Not => f64::from(u8::from(x == 0.0)),
    }
}

/// Brian's `timestep(t, dt)`: the integer step of time t, robust to rounding.
pub fn timestep(t: f64, dt: f64) -> f64 {
    ((t + 1e-3 * dt) / dt).floor()
}

/// An operand seen from inside a chunk.
enum V<'a> {
    A(&'a [f64]),
    S(f64),
    /// The destination's own old values: an instruction that writes an array's chunk in
    /// place and reads it too (each element is read before it is written).
    D,
}

/// Per register: the start of the array chunk it stands for, or null.
#[derive(Default)]
struct Views(Vec<*const f64>);
// SAFETY: the pointers are only followed inside `Kernel::run_serial`, on the thread that
// set them, while the arrays they point into are borrowed by that call.
unsafe impl Send for Views {}

/// Per instruction: the start of the array chunk it writes, or null.
#[derive(Default)]
struct Outs(Vec<*mut f64>);
// SAFETY: as for Views.
unsafe impl Send for Outs {}

/// Splits the register file into the destination and read access to the others. The
/// destination is the register, or the array chunk at `out` when the instruction writes
/// in place (optimize.rs).
fn split<'a>(
    regs: &'a mut [[f64; CHUNK]],
    dst: u32,
    views: &'a [*const f64],
    out: *mut f64,
    len: usize,
) -> (&'a mut [f64], Reader<'a>) {
    let (lo, rest) = regs.split_at_mut(dst as usize);
    let (d, hi) = rest.split_first_mut().expect("destination register exists");
    let d = if out.is_null() {
        &mut d[..len]
    } else {
        // SAFETY: `out` is the start of a chunk of `len` elements of an array that
        // run_serial holds mutably; operands that view the same chunk are read as `V::D`
        // (through this slice), never through a second slice.
        unsafe { std::slice::from_raw_parts_mut(out, len) }
    };
    (
        d,
        Reader {
            lo,
            hi,
            dst,
            views,
            out,
        },
    )
}

struct Reader<'a> {
    lo: &'a [[f64; CHUNK]],
    hi: &'a [[f64; CHUNK]],
    dst: u32,
    views: &'a [*const f64],
    out: *mut f64,
}

impl Reader<'_> {
    fn get(&self, s: Src, scalars: &[f64], len: usize) -> V<'_> {
        match s {
            Src::Const(c) => V::S(c),
            Src::Scalar(k) => V::S(scalars[k as usize]),
            Src::Reg(r) => {
                debug_assert_ne!(r, self.dst, "a destination never aliases an operand");
                let view = self.views[r as usize];
                if !view.is_null() {
                    if std::ptr::eq(view, self.out) {
                        return V::D;
                    }
                    // SAFETY: set by run_serial to a chunk of at least `len` elements of
                    // an array it holds borrowed; no instruction writes that chunk while
                    // a register still views its old values (optimize.rs).
                    return V::A(unsafe { std::slice::from_raw_parts(view, len) });
                }
                let reg = if r < self.dst {
                    &self.lo[r as usize]
                } else {
                    &self.hi[(r - self.dst - 1) as usize]
                };
                V::A(&reg[..len])
            }
        }
    }
}

#[inline(always)]
fn map1(d: &mut [f64], a: V, f: impl Fn(f64) -> f64) {
    match a {
        V::A(x) => d.iter_mut().zip(x).for_each(|(d, &x)| *d = f(x)),
        V::S(c) => d.fill(f(c)),
        V::D => d.iter_mut().for_each(|d| *d = f(*d)),
    }
}

#[inline(always)]
fn map2(d: &mut [f64], a: V, b: V, f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (V::A(x), V::A(y)) => d
            .iter_mut()
            .zip(x.iter().zip(y))
            .for_each(|(d, (&x, &y))| *d = f(x, y)),
        (V::A(x), V::S(c)) => d.iter_mut().zip(x).for_each(|(d, &x)| *d = f(x, c)),
        (V::S(c), V::A(y)) => d.iter_mut().zip(y).for_each(|(d, &y)| *d = f(c, y)),
        (V::S(c), V::S(e)) => d.fill(f(c, e)),
        (V::D, V::A(y)) => d.iter_mut().zip(y).for_each(|(d, &y)| *d = f(*d, y)),
        (V::A(x), V::D) => d.iter_mut().zip(x).for_each(|(d, &x)| *d = f(x, *d)),
        (V::D, V::S(c)) => d.iter_mut().for_each(|d| *d = f(*d, c)),
        (V::S(c), V::D) => d.iter_mut().for_each(|d| *d = f(c, *d)),
        (V::D, V::D) => d.iter_mut().for_each(|d| *d = f(*d, *d)),
    }
}

/// `a*b + c` element by element; the forms linear updates take have their own loops.
#[inline(always)]
fn mul_add(d: &mut [f64], a: V, b: V, c: V) {
    let f = |a: f64, b: f64, c: f64| a * b + c;
    match (a, b, c) {
        (V::S(a), V::A(b), V::A(c)) => d
            .iter_mut()
            .zip(b.iter().zip(c))
            .for_each(|(d, (&b, &c))| *d = f(a, b, c)),
        (V::S(a), V::A(b), V::S(c)) => d.iter_mut().zip(b).for_each(|(d, &b)| *d = f(a, b, c)),
        (V::S(a), V::D, V::S(c)) => d.iter_mut().for_each(|d| *d = f(a, *d, c)),
        (V::S(a), V::D, V::A(c)) => d.iter_mut().zip(c).for_each(|(d, &c)| *d = f(a, *d, c)),
        (V::S(a), V::A(b), V::D) => d.iter_mut().zip(b).for_each(|(d, &b)| *d = f(a, b, *d)),
        (V::A(a), V::A(b), V::A(c)) => d
            .iter_mut()
            .zip(a.iter().zip(b.iter().zip(c)))
            .for_each(|(d, (&a, (&b, &c)))| *d = f(a, b, c)),
        (V::A(a), V::A(b), V::S(c)) => d
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(d, (&a, &b))| *d = f(a, b, c)),
        (a, b, c) => {
            for (k, d) in d.iter_mut().enumerate() {
                let old = *d;
                let at = |v: &V| match v {
                    V::A(x) => x[k],
                    V::S(c) => *c,
                    V::D => old,
                };
                *d = f(at(&a), at(&b), at(&c));
            }
        }
    }
}

/// One element of an operand; `old` is the destination's value before the instruction.
fn scalar_of(v: &V, k: usize, old: f64) -> f64 {
    match v {
        V::A(x) => x[k],
        V::S(c) => *c,
        V::D => old,
    }
}

/// Runs a kernel's instructions over one chunk. Where the processor has AVX-512 or AVX2,
/// the same code is compiled for it: eight or four lanes instead of two, the same
/// operations in the same order (no fused multiply-add), so the same bits.
#[allow(clippy::too_many_arguments)]
fn run_chunk(
    instrs: &[Instr],
    regs: &mut [[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    draw: Draw,
    tables: &[std::sync::Arc<super::Table>],
    views: &mut [*const f64],
    outs: &[*mut f64],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor supports AVX-512F, checked just above.
            unsafe { run_chunk_avx512(instrs, regs, len, scalars, draw, tables, views, outs) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            unsafe { run_chunk_avx2(instrs, regs, len, scalars, draw, tables, views, outs) };
            return;
        }
    }
    for (instr, &out) in instrs.iter().zip(outs) {
        run_instr(instr, regs, len, scalars, draw, tables, views, out);
    }
}

/// What random instructions of a chunk draw from: the key of the kernel's run and the
/// elements of the chunk (see random.rs).
#[derive(Clone, Copy)]
struct Draw<'a> {
    key: u64,
    ids: Ids<'a>,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
unsafe fn run_chunk_avx2(
    instrs: &[Instr],
    regs: &mut [[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    draw: Draw,
    tables: &[std::sync::Arc<super::Table>],
    views: &mut [*const f64],
    outs: &[*mut f64],
) {
    for (instr, &out) in instrs.iter().zip(outs) {
        run_instr(instr, regs, len, scalars, draw, tables, views, out);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn run_chunk_avx512(
    instrs: &[Instr],
    regs: &mut [[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    draw: Draw,
    tables: &[std::sync::Arc<super::Table>],
    views: &mut [*const f64],
    outs: &[*mut f64],
) {
    for (instr, &out) in instrs.iter().zip(outs) {
        run_instr(instr, regs, len, scalars, draw, tables, views, out);
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn run_instr(
    instr: &Instr,
    regs: &mut [[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    draw: Draw,
    tables: &[std::sync::Arc<super::Table>],
    views: &mut [*const f64],
    out: *mut f64,
) {
    let dst = instr.dst();
    run_op(instr, regs, len, scalars, draw, tables, views, out);
    // The register now holds computed values, not the array's (or, written in place, is
    // a view of the array's new values).
    views[dst as usize] = out;
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn run_op(
    instr: &Instr,
    regs: &mut [[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    draw: Draw,
    tables: &[std::sync::Arc<super::Table>],
    views: &[*const f64],
    out: *mut f64,
) {
    let (d, r) = split(regs, instr.dst(), views, out, len);
    match *instr {
        Instr::Table { table, t, i, .. } => {
            let tab = &tables[table as usize];
            map2(d, r.get(t, scalars, len), r.get(i, scalars, len), |t, i| {
                tab.at(t, i)
            });
        }
        Instr::Bin { op, a, b, .. } => {
            let (a, b) = (r.get(a, scalars, len), r.get(b, scalars, len));
            match op {
                BinOp::Add => map2(d, a, b, |x, y| x + y),
                BinOp::Sub => map2(d, a, b, |x, y| x - y),
                BinOp::Mul => map2(d, a, b, |x, y| x * y),
                BinOp::Div => map2(d, a, b, |x, y| x / y),
                BinOp::Pow => map2(d, a, b, pow),
                BinOp::Gt => map2(d, a, b, |x, y| f64::from(u8::from(x > y))),
                BinOp::Lt => map2(d, a, b, |x, y| f64::from(u8::from(x < y))),
                op => map2(d, a, b, |x, y| apply_bin(op, x, y)),
            }
        }
        Instr::MulAdd { a, b, c, .. } => {
            let (a, b, c) = (
                r.get(a, scalars, len),
                r.get(b, scalars, len),
                r.get(c, scalars, len),
            );
            mul_add(d, a, b, c);
        }
        Instr::Func { f, a, .. } => {
            let a = r.get(a, scalars, len);
            match f {
                Func::Exp => map1(d, a, exp),
                Func::Exprel => map1(d, a, exprel),
                Func::Neg => map1(d, a, |x| -x),
                f => map1(d, a, |x| apply_func(f, x)),
            }
        }
        Instr::Clip { a, lo, hi, .. } => {
            let (a, lo, hi) = (
                r.get(a, scalars, len),
                r.get(lo, scalars, len),
                r.get(hi, scalars, len),
            );
            for (k, d) in d.iter_mut().enumerate() {
                let old = *d;
                *d = scalar_of(&a, k, old)
                    .max(scalar_of(&lo, k, old))
                    .min(scalar_of(&hi, k, old));
            }
        }
        Instr::Where { cond, a, b, .. } => {
            let (c, a, b) = (
                r.get(cond, scalars, len),
                r.get(a, scalars, len),
                r.get(b, scalars, len),
            );
            for (k, d) in d.iter_mut().enumerate() {
                let old = *d;
                *d = if scalar_of(&c, k, old) != 0.0 {
                    scalar_of(&a, k, old)
                } else {
                    scalar_of(&b, k, old)
                };
            }
        }
        Instr::Timestep { t, dt, .. } => {
            map2(d, r.get(t, scalars, len), r.get(dt, scalars, len), timestep);
        }
        Instr::Rand { stream, .. } => {
            random::fill_uniform(random::stream_seed(draw.key, stream), draw.ids, d)
        }
        Instr::Randn { stream, .. } => {
            random::fill_normal(random::stream_seed(draw.key, stream), draw.ids, d)
        }
        Instr::Copy { a, .. } => {
            map1(d, r.get(a, scalars, len), |x| x);
        }
    }
}

/// Fewer elements than this are compared on one thread (a comparison costs about
/// 0.1 ns an element).
const PARALLEL_SCAN: usize = 32768;

/// Which elements a kernel runs over.
#[derive(Clone, Copy)]
pub enum Elements<'a> {
    /// `start..start+n` of every array.
    Range(usize, usize),
    /// The given indices (gathered and scattered).
    Indices(&'a [u32]),
}

impl Kernel {
    /// Runs the kernel over elements of `arrays`; for a condition, calls `hit(index)` for
    /// every element where it is true. Indices passed to `hit` and the value of `i` are
    /// `index_offset` plus the element's position.
    pub fn run(
        &self,
        arrays: &mut [Vec<f64>],
        elements: Elements,
        scalars: &[f64],
        rng: &mut SmallRng,
        scratch: &mut Scratch,
        mut hit: impl FnMut(u32),
    ) {
        if let Elements::Range(start, n) = elements {
            if self.runs_in_parallel(scratch.threads.as_ref(), n) {
                let threads = scratch.threads.as_mut().expect("checked");
                match self.direct_comparison(scalars) {
                    None => self.run_parallel(threads, arrays, start, n, scalars, rng, &mut hit),
                    // A comparison costs little per element: split only large groups.
                    Some(_) if n < PARALLEL_SCAN => {
                        self.run_serial(arrays, elements, 0, scalars, rng, scratch, &mut hit)
                    }
                    Some((k, op, bound)) => {
                        let arr = &arrays[k][start..start + n];
                        threads.for_parts_with_hits(
                            n,
                            |lo, hi, hits| {
                                let mut push = |j: u32| hits.push(j + (start + lo) as u32);
                                scan_comparison(
                                    &arr[lo..hi],
                                    Elements::Range(0, hi - lo),
                                    op,
                                    bound,
                                    &mut push,
                                )
                            },
                            &mut hit,
                        );
                    }
                }
                return;
            }
        }
        self.run_serial(arrays, elements, 0, scalars, rng, scratch, &mut hit);
    }

    /// [`Kernel::run`] on this thread. `arrays` may be parts of the group's arrays
    /// starting at element `offset`: positions in `elements` are within them, and `i`
    /// and the hits are `offset` plus the position.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_serial<A: AsRef<[f64]> + AsMut<[f64]>>(
        &self,
        arrays: &mut [A],
        elements: Elements,
        offset: usize,
        scalars: &[f64],
        rng: &mut SmallRng,
        scratch: &mut Scratch,
        hit: &mut impl FnMut(u32),
    ) {
        let mut hit = |j: u32| hit(j + offset as u32);
        if let Some((k, op, bound)) = self.direct_comparison(scalars) {
            // A threshold like `v > -50*mV`: compare the array in place, no copies; one
            // loop per comparison so each is vectorised.
            scan_comparison(arrays[k].as_ref(), elements, op, bound, &mut hit);
            return;
        }
        if scratch.regs.len() < self.n_regs {
            scratch.regs.resize(self.n_regs, [0.0; CHUNK]);
        }
        scratch.views.0.clear();
        scratch.views.0.resize(self.n_regs, std::ptr::null());
        scratch.outs.0.clear();
        scratch
            .outs
            .0
            .resize(self.instrs.len(), std::ptr::null_mut());
        let regs = &mut scratch.regs[..];
        let views = &mut scratch.views.0[..];
        let outs = &mut scratch.outs.0[..];
        // Over a range, some results go straight into their arrays; over gathered
        // indices everything goes through registers.
        let stores = match elements {
            Elements::Range(..) => &self.range_stores,
            Elements::Indices(_) => &self.stores,
        };
        let total = match elements {
            Elements::Range(_, n) => n,
            Elements::Indices(ix) => ix.len(),
        };
        // One draw from the network's generator keys every random number of this run.
        let key = if self.uses_random { rng.next_u64() } else { 0 };
        let mut pos = 0;
        while pos < total {
            let len = CHUNK.min(total - pos);
            let ids = match elements {
                // Random numbers are keyed by the element in the whole group.
                Elements::Range(start, _) => Ids::Range(offset + start + pos),
                Elements::Indices(ix) => Ids::List(&ix[pos..pos + len]),
            };
            match elements {
                Elements::Range(start, _) => {
                    let s = start + pos;
                    // Loaded values are read in place: the register is a view of the
                    // array's chunk until an instruction writes it. Every pointer into
                    // an array comes from one mutable borrow of it.
                    for &(a, r) in &self.loads {
                        views[r as usize] = arrays[a].as_mut()[s..s + len].as_mut_ptr();
                    }
                    for p in &self.in_place {
                        outs[p.instr as usize] = arrays[p.array].as_mut()[s..s + len].as_mut_ptr();
                    }
                    for p in &self.in_place {
                        // A view of the same chunk must be the very same pointer (V::D).
                        if let Some(&(_, r)) = self.loads.iter().find(|(a, _)| *a == p.array) {
                            views[r as usize] = outs[p.instr as usize];
                        }
                    }
                    if let Some(r) = self.index_reg {
                        for (k, x) in regs[r as usize][..len].iter_mut().enumerate() {
                            *x = (offset + s + k) as f64;
                        }
                    }
                }
                Elements::Indices(ix) => {
                    let ix = &ix[pos..pos + len];
                    for &(a, r) in &self.loads {
                        let arr = arrays[a].as_ref();
                        for (x, &j) in regs[r as usize][..len].iter_mut().zip(ix) {
                            *x = arr[j as usize];
                        }
                    }
                    if let Some(r) = self.index_reg {
                        for (x, &j) in regs[r as usize][..len].iter_mut().zip(ix) {
                            *x = (offset + j as usize) as f64;
                        }
                    }
                }
            }
            run_chunk(
                &self.instrs,
                regs,
                len,
                scalars,
                Draw { key, ids },
                &self.tables,
                views,
                outs,
            );
            // A stored or tested register still a view (a value passed through
            // unchanged) becomes a copy before the arrays are written.
            let result_reg = match self.result {
                Some(Src::Reg(r)) => Some(r),
                _ => None,
            };
            for r in stores.iter().map(|&(_, r)| r).chain(result_reg) {
                let view = std::mem::replace(&mut views[r as usize], std::ptr::null());
                if !view.is_null() {
                    // SAFETY: as in Reader::get; the arrays are not written yet.
                    let src = unsafe { std::slice::from_raw_parts(view, len) };
                    regs[r as usize][..len].copy_from_slice(src);
                }
            }
            views.iter_mut().for_each(|v| *v = std::ptr::null());
            match elements {
                Elements::Range(start, _) => {
                    let s = start + pos;
                    for &(a, r) in stores {
                        arrays[a].as_mut()[s..s + len].copy_from_slice(&regs[r as usize][..len]);
                    }
                    if let Some(res) = self.result {
                        emit_hits(res, regs, len, scalars, |k| hit((s + k) as u32));
                    }
                }
                Elements::Indices(ix) => {
                    let ix = &ix[pos..pos + len];
                    for &(a, r) in &self.stores {
                        let arr = arrays[a].as_mut();
                        for (x, &j) in regs[r as usize][..len].iter().zip(ix) {
                            arr[j as usize] = *x;
                        }
                    }
                    if let Some(res) = self.result {
                        emit_hits(res, regs, len, scalars, |k| hit(ix[k]));
                    }
                }
            }
            pos += len;
        }
    }
}

impl Kernel {
    /// Evaluates a compiled expression for one element (arrays hold one value each) and
    /// stores its value in `out`; used where values are needed pair by pair.
    pub fn run_value(
        &self,
        arrays: &mut [Vec<f64>],
        rng: &mut SmallRng,
        scratch: &mut Scratch,
        out: &mut f64,
    ) {
        self.run(arrays, Elements::Range(0, 1), &[0.0], rng, scratch, |_| {});
        *out = match self.result {
            Some(Src::Const(c)) => c,
            Some(Src::Reg(r)) => scratch.regs[r as usize][0],
            _ => 0.0,
        };
    }
}

/// [`scan`] with comparison `op` against `bound`. Over a range, where the processor has
/// AVX-512 or AVX2, the blocks of 16 are compared with vector compares that give a bit
/// mask directly (what the compiler does not find on its own); the comparisons are the
/// ordered ones of Rust's `>`, `>=`, `<`, `<=` (NaN compares false).
fn scan_comparison(
    arr: &[f64],
    elements: Elements,
    op: BinOp,
    bound: f64,
    hit: &mut impl FnMut(u32),
) {
    #[cfg(target_arch = "x86_64")]
    if let Elements::Range(start, n) = elements {
        use std::arch::x86_64::{_CMP_GE_OQ, _CMP_GT_OQ, _CMP_LE_OQ, _CMP_LT_OQ};
        let arr = &arr[start..start + n];
        macro_rules! wide {
            ($f:ident) => {
                match op {
                    // SAFETY: the processor supports the instructions, checked by the caller.
                    BinOp::Gt => return unsafe { $f::<_CMP_GT_OQ>(arr, start, bound, hit) },
                    BinOp::Ge => return unsafe { $f::<_CMP_GE_OQ>(arr, start, bound, hit) },
                    BinOp::Lt => return unsafe { $f::<_CMP_LT_OQ>(arr, start, bound, hit) },
                    BinOp::Le => return unsafe { $f::<_CMP_LE_OQ>(arr, start, bound, hit) },
                    _ => {}
                }
            };
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            wide!(scan_avx512);
        } else if std::arch::is_x86_feature_detected!("avx2") {
            wide!(scan_avx2);
        }
    }
    match op {
        BinOp::Gt => scan(arr, elements, |x| x > bound, hit),
        BinOp::Ge => scan(arr, elements, |x| x >= bound, hit),
        BinOp::Lt => scan(arr, elements, |x| x < bound, hit),
        BinOp::Le => scan(arr, elements, |x| x <= bound, hit),
        _ => scan(arr, elements, |x| apply_bin(op, x, bound) != 0.0, hit),
    }
}

/// Calls `hit(base + j)` for the bits `j` of `mask`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn hits_of_mask(mut mask: u32, base: usize, hit: &mut impl FnMut(u32)) {
    while mask != 0 {
        hit((base + mask.trailing_zeros() as usize) as u32);
        mask &= mask - 1;
    }
}

/// The tail after the last whole block, element by element, with the same predicate.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn scan_tail<const P: i32>(tail: &[f64], base: usize, bound: f64, hit: &mut impl FnMut(u32)) {
    use std::arch::x86_64::{_CMP_GE_OQ, _CMP_GT_OQ, _CMP_LE_OQ};
    for (j, &x) in tail.iter().enumerate() {
        let yes = match P {
            _CMP_GT_OQ => x > bound,
            _CMP_GE_OQ => x >= bound,
            _CMP_LE_OQ => x <= bound,
            _ => x < bound,
        };
        if yes {
            hit((base + j) as u32);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn scan_avx512<const P: i32>(
    arr: &[f64],
    start: usize,
    bound: f64,
    hit: &mut impl FnMut(u32),
) {
    use std::arch::x86_64::*;
    let b = _mm512_set1_pd(bound);
    let mut blocks = arr.chunks_exact(16);
    let mut base = start;
    for block in &mut blocks {
        // SAFETY: a block holds 16 elements: two unaligned loads of 8.
        let (x0, x1) = unsafe {
            (
                _mm512_loadu_pd(block.as_ptr()),
                _mm512_loadu_pd(block.as_ptr().add(8)),
            )
        };
        let mask = u32::from(_mm512_cmp_pd_mask::<P>(x0, b))
            | (u32::from(_mm512_cmp_pd_mask::<P>(x1, b)) << 8);
        hits_of_mask(mask, base, hit);
        base += 16;
    }
    scan_tail::<P>(blocks.remainder(), base, bound, hit);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn scan_avx2<const P: i32>(
    arr: &[f64],
    start: usize,
    bound: f64,
    hit: &mut impl FnMut(u32),
) {
    use std::arch::x86_64::*;
    let b = _mm256_set1_pd(bound);
    let mut blocks = arr.chunks_exact(16);
    let mut base = start;
    for block in &mut blocks {
        let p = block.as_ptr();
        // SAFETY: a block holds 16 elements: four unaligned loads of 4.
        let m = |k: usize| unsafe {
            _mm256_movemask_pd(_mm256_cmp_pd::<P>(_mm256_loadu_pd(p.add(4 * k)), b)) as u32
        };
        let mask = m(0) | (m(1) << 4) | (m(2) << 8) | (m(3) << 12);
        hits_of_mask(mask, base, hit);
        base += 16;
    }
    scan_tail::<P>(blocks.remainder(), base, bound, hit);
}

/// Calls `hit` for the elements of `arr` where `test` holds, testing blocks of 16 with a
/// branch-free reduction first (spikes are rare).
#[inline(always)]
fn scan(arr: &[f64], elements: Elements, test: impl Fn(f64) -> bool, hit: &mut impl FnMut(u32)) {
    match elements {
        Elements::Range(start, n) => {
            // A bit mask of each block of 16: compares and a mask extraction, no branch
            // per element (spikes are rare).
            let arr = &arr[start..start + n];
            let mut blocks = arr.chunks_exact(16);
            let mut base = start;
            for block in &mut blocks {
                let mut mask = 0u32;
                for (j, &x) in block.iter().enumerate() {
                    mask |= u32::from(test(x)) << j;
                }
                while mask != 0 {
                    hit((base + mask.trailing_zeros() as usize) as u32);
                    mask &= mask - 1;
                }
                base += 16;
            }
            for (j, &x) in blocks.remainder().iter().enumerate() {
                if test(x) {
                    hit((base + j) as u32);
                }
            }
        }
        Elements::Indices(ix) => ix
            .iter()
            .filter(|&&j| test(arr[j as usize]))
            .for_each(|&j| hit(j)),
    }
}

impl Kernel {
    /// The array, comparison and bound when the kernel is one comparison of an array with a
    /// constant or scalar and writes nothing (most thresholds).
    fn direct_comparison(&self, scalars: &[f64]) -> Option<(usize, BinOp, f64)> {
        let (
            Some(Src::Reg(res)),
            [Instr::Bin {
                op,
                dst,
                a: Src::Reg(ra),
                b,
            }],
        ) = (self.result, &self.instrs[..])
        else {
            return None;
        };
        if *dst != res
            || !op.is_comparison()
            || !self.stores.is_empty()
            || self.index_reg == Some(*ra)
        {
            return None;
        }
        let bound = match *b {
            Src::Const(c) => c,
            Src::Scalar(k) => scalars[k as usize],
            Src::Reg(_) => return None,
        };
        let &(k, _) = self.loads.iter().find(|(_, r)| r == ra)?;
        Some((k, *op, bound))
    }
}

fn emit_hits(
    res: Src,
    regs: &[[f64; CHUNK]],
    len: usize,
    scalars: &[f64],
    mut hit: impl FnMut(usize),
) {
    let all = match res {
        Src::Reg(r) => {
            // Spikes are rare: test blocks of 16 with a branch-free reduction (which the
            // compiler vectorises) and only look inside the blocks that have one.
            for (b, block) in regs[r as usize][..len].chunks(16).enumerate() {
                if block.iter().fold(false, |any, &x| any | (x != 0.0)) {
                    for (k, &x) in block.iter().enumerate() {
                        if x != 0.0 {
                            hit(b * 16 + k);
                        }
                    }
                }
            }
            return;
        }
        Src::Const(c) => c != 0.0,
        Src::Scalar(k) => scalars[k as usize] != 0.0,
    };
    if all {
        (0..len).for_each(hit);
    }
}
