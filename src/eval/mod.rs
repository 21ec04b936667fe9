//! Compiles abstract code (statements and conditions from `expr`) into kernels that run
//! over whole arrays, a chunk of [`CHUNK`] elements at a time, with constants folded.
//! This is the only place that knows how statements execute; nothing is interpreted per
//! element and no script code runs here.

mod compile;
mod exec;
mod optimize;
mod parallel;
mod pool;
mod random;

pub use compile::{compile_condition, compile_statements};
pub use exec::{timestep, Elements, Scratch};
pub use parallel::Threads;

use crate::expr::BinOp;

/// Elements processed per instruction; small enough that a kernel's registers stay in L1/L2.
pub const CHUNK: usize = 256;

/// What a name in abstract code is bound to when a kernel is compiled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Binding {
    /// An array with one value per element (state variable), by position in the arrays
    /// slice given at run time.
    Array(usize),
    /// A value shared by all elements that changes between runs of the kernel (`t`), by
    /// position in the scalars slice given at run time.
    Scalar(usize),
    /// A compile-time constant (units, script constants, `dt`, `N`), folded.
    Constant(f64),
    /// The element's index `i`.
    Index,
}

/// Resolves names to bindings while compiling; names assigned by the code itself and not
/// bound are temporaries (registers).
pub trait Bindings {
    fn bind(&self, name: &str) -> Option<Binding>;
    /// A table of values over time callable as a function (Brian's TimedArray).
    fn table(&self, _name: &str) -> Option<std::sync::Arc<Table>> {
        None
    }
}

/// Values sampled every `dt` from time 0, looked up as Brian 2's TimedArray does: the
/// sample of the step containing `t`, where `t` is first rounded to 1/`k` of the table's
/// step (`k` a power of two at least 8 times the table's dt over the reader's dt, Brian 2's
/// `_find_K`, so that times a rounding error below a sample boundary find that sample);
/// the first before 0 and the last after the end. With `columns > 0` each time holds one
/// value per column (`ta(t, i)`), row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub values: Vec<f64>,
    pub columns: usize,
    pub dt: f64,
    /// Sub-steps per sample the time is rounded to (8 for a reader on the table's dt).
    pub k: f64,
}

impl Table {
    /// Brian 2's `_find_K(group_dt, dt)`: the rounding for a reader stepping by `group_dt`.
    pub fn rounding_for(&self, group_dt: f64) -> f64 {
        let k = (8.0 * self.dt / group_dt).log2().ceil().exp2();
        if k.is_finite() {
            k.max(1.0)
        } else {
            1.0
        }
    }

    pub fn at(&self, t: f64, i: f64) -> f64 {
        let width = self.columns.max(1);
        let rows = self.values.len() / width;
        if rows == 0 {
            return f64::NAN;
        }
        // Brian 2: (int)((t/epsilon + 0.5)/K) with epsilon = dt/K.
        let step = ((t * self.k / self.dt + 0.5) / self.k).trunc();
        let k = if step.is_nan() {
            0.0
        } else {
            step.clamp(0.0, (rows - 1) as f64)
        } as usize;
        let c = if self.columns == 0 {
            0
        } else {
            i.clamp(0.0, (self.columns - 1) as f64) as usize
        };
        self.values[k * width + c]
    }
}

/// Bindings from a closure plus named tables.
pub struct WithTables<'a, F> {
    pub bind: F,
    pub tables: &'a std::collections::HashMap<String, std::sync::Arc<Table>>,
}

impl<F: Fn(&str) -> Option<Binding>> Bindings for WithTables<'_, F> {
    fn bind(&self, name: &str) -> Option<Binding> {
        (self.bind)(name)
    }
    fn table(&self, name: &str) -> Option<std::sync::Arc<Table>> {
        self.tables.get(name).cloned()
    }
}

impl<F: Fn(&str) -> Option<Binding>> Bindings for F {
    fn bind(&self, name: &str) -> Option<Binding> {
        self(name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Src {
    Reg(u32),
    Const(f64),
    Scalar(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Func {
    Exp,
    Log,
    Log10,
    Sqrt,
    Abs,
    Sign,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Arcsin,
    Arccos,
    Arctan,
    Exprel,
    Expm1,
    Log1p,
    Floor,
    Ceil,
    Int,
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Instr {
    Bin {
        op: BinOp,
        dst: u32,
        a: Src,
        b: Src,
    },
    /// `a*b + c`, rounded after the product and after the sum (as a `Mul` then an
    /// `Add`: no hardware fused multiply-add), made by optimize.rs.
    MulAdd {
        dst: u32,
        a: Src,
        b: Src,
        c: Src,
    },
    Func {
        f: Func,
        dst: u32,
        a: Src,
    },
    Clip {
        dst: u32,
        a: Src,
        lo: Src,
        hi: Src,
    },
    Where {
        dst: u32,
        cond: Src,
        a: Src,
        b: Src,
    },
    Timestep {
        dst: u32,
        t: Src,
        dt: Src,
    },
    /// Uniform numbers in [0, 1), from the kernel's random stream number `stream`.
    Rand {
        dst: u32,
        stream: u32,
    },
    /// Standard normal numbers, from the kernel's random stream number `stream`.
    Randn {
        dst: u32,
        stream: u32,
    },
    Copy {
        dst: u32,
        a: Src,
    },
    /// A lookup in the kernel's table `table` at time `t` (and column `i`).
    Table {
        dst: u32,
        table: u32,
        t: Src,
        i: Src,
    },
}

impl Instr {
    /// The register the instruction writes.
    fn dst(&self) -> u32 {
        match *self {
            Instr::Bin { dst, .. }
            | Instr::MulAdd { dst, .. }
            | Instr::Func { dst, .. }
            | Instr::Clip { dst, .. }
            | Instr::Where { dst, .. }
            | Instr::Timestep { dst, .. }
            | Instr::Rand { dst, .. }
            | Instr::Randn { dst, .. }
            | Instr::Copy { dst, .. }
            | Instr::Table { dst, .. } => dst,
        }
    }
}

/// Compiled abstract code: loads arrays into registers, runs instructions chunk by chunk,
/// stores what was assigned. For conditions, `result` holds the truth value.
#[derive(Clone, Debug)]
pub struct Kernel {
    instrs: Vec<Instr>,
    n_regs: usize,
    loads: Vec<(usize, u32)>,
    stores: Vec<(usize, u32)>,
    /// Instructions that write an array's chunk directly when the kernel runs over a
    /// range (optimize.rs), and the stores left to copy then.
    in_place: Vec<optimize::InPlace>,
    range_stores: Vec<(usize, u32)>,
    index_reg: Option<u32>,
    result: Option<Src>,
    uses_random: bool,
    tables: Vec<std::sync::Arc<Table>>,
}

impl Kernel {
    /// Number of instructions per element, a measure of its cost.
    pub fn len(&self) -> usize {
        self.instrs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.instrs.is_empty() && self.stores.is_empty()
    }
    /// Whether the kernel draws random numbers (`rand()`, `randn()`, noise).
    pub fn uses_random(&self) -> bool {
        self.uses_random
    }
    /// The arrays (by binding position) the kernel writes.
    pub fn written_arrays(&self) -> impl Iterator<Item = usize> + '_ {
        self.stores.iter().map(|(a, _)| *a)
    }

    /// For a kernel that computes nothing, only copies: each stored array (by binding
    /// position, in store order) with the array or constant whose values it receives.
    /// `None` when the kernel computes anything, draws random numbers or has a result.
    pub fn as_copies(&self) -> Option<Vec<(usize, Copied)>> {
        if self.uses_random || self.result.is_some() || self.index_reg.is_some() {
            return None;
        }
        let mut value: Vec<Option<Copied>> = vec![None; self.n_regs];
        for &(array, reg) in &self.loads {
            value[reg as usize] = Some(Copied::Array(array));
        }
        for instr in &self.instrs {
            let Instr::Copy { dst, a } = *instr else {
                return None;
            };
            value[dst as usize] = match a {
                Src::Const(c) => Some(Copied::Constant(c)),
                Src::Reg(r) => Some(value[r as usize]?),
                Src::Scalar(_) => return None,
            };
        }
        self.stores
            .iter()
            .map(|&(array, reg)| Some((array, value[reg as usize]?)))
            .collect()
    }
}

/// Where a copying kernel's stored values come from ([`Kernel::as_copies`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Copied {
    /// The array bound at this position (its values as the kernel starts).
    Array(usize),
    Constant(f64),
}

#[cfg(test)]
mod tests;
