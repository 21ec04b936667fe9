//! Passes over a compiled kernel that remove passes over memory without changing a bit
//! of the results:
//!
//! - **fused multiply-add**: a product used once, by the addition that follows it, becomes
//!   one `MulAdd` instruction (`a*b + c`, rounded twice as before: no hardware FMA), so a
//!   linear update `c1*v + c2*ge + c3*gi + c4` reads and writes its registers half as often;
//! - **stores in place**: the instruction that computes a variable's new value writes it
//!   straight into the array's chunk when nothing after it reads the old value there,
//!   instead of into a register copied out at the end of the chunk.

use super::{Instr, Kernel, Src};
use crate::expr::BinOp;

/// An instruction that writes its result into the chunk of an array (see exec.rs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct InPlace {
    pub instr: u32,
    pub array: usize,
}

impl Instr {
    /// The operands the instruction reads.
    pub(super) fn srcs(&self) -> Vec<Src> {
        match *self {
            Instr::Bin { a, b, .. } => vec![a, b],
            Instr::MulAdd { a, b, c, .. } => vec![a, b, c],
            Instr::Func { a, .. } | Instr::Copy { a, .. } => vec![a],
            Instr::Clip { a, lo, hi, .. } => vec![a, lo, hi],
            Instr::Where { cond, a, b, .. } => vec![cond, a, b],
            Instr::Timestep { t, dt, .. } => vec![t, dt],
            Instr::Table { t, i, .. } => vec![t, i],
            Instr::Rand { .. } | Instr::Randn { .. } => vec![],
        }
    }

    fn reads(&self, r: u32) -> bool {
        self.srcs().contains(&Src::Reg(r))
    }
}

impl Kernel {
    /// Runs the passes; called once when the kernel is compiled.
    pub(super) fn optimize(&mut self) {
        self.fuse_multiply_add();
        self.find_in_place_stores();
    }

    /// The registers read after the last instruction: stored ones and the result.
    fn read_at_end(&self) -> Vec<u32> {
        let mut regs: Vec<u32> = self.stores.iter().map(|&(_, r)| r).collect();
        if let Some(Src::Reg(r)) = self.result {
            regs.push(r);
        }
        regs
    }

    /// Whether register `r` written by instruction `k` is read by nothing but
    /// instruction `k + 1` before it is written again (or the kernel ends).
    fn used_once_next(&self, k: usize, r: u32) -> bool {
        for instr in self.instrs.iter().skip(k + 2) {
            if instr.reads(r) {
                return false;
            }
            if instr.dst() == r {
                return true;
            }
        }
        !self.read_at_end().contains(&r)
    }

    fn fuse_multiply_add(&mut self) {
        let mut k = 0;
        while k + 1 < self.instrs.len() {
            let fused = match (self.instrs[k], self.instrs[k + 1]) {
                (
                    Instr::Bin {
                        op: BinOp::Mul,
                        dst: t,
                        a,
                        b,
                    },
                    Instr::Bin {
                        op,
                        dst,
                        a: x,
                        b: y,
                    },
                ) if self.used_once_next(k, t) => {
                    let p = Src::Reg(t);
                    // x + p and p + x are the same bits; p - c is p + (-c) exactly.
                    let c = match op {
                        BinOp::Add if x == p && y != p => Some(y),
                        BinOp::Add if y == p && x != p => Some(x),
                        BinOp::Sub if x == p && y != p => match y {
                            Src::Const(c) => Some(Src::Const(-c)),
                            _ => None,
                        },
                        _ => None,
                    };
                    // The destination never aliases an operand (exec.rs relies on it).
                    c.filter(|&c| ![a, b, c].contains(&Src::Reg(dst)))
                        .map(|c| Instr::MulAdd { dst, a, b, c })
                }
                _ => None,
            };
            if let Some(f) = fused {
                self.instrs[k] = f;
                self.instrs.remove(k + 1);
            }
            k += 1;
        }
    }

    fn find_in_place_stores(&mut self) {
        let end = self.read_at_end();
        let mut found = Vec::new();
        for &(array, r) in &self.stores {
            let Some(w) = self.instrs.iter().rposition(|i| i.dst() == r) else {
                continue;
            };
            // The register that is a view of the array's old values, if it is loaded.
            let old = self
                .loads
                .iter()
                .find(|&&(a, _)| a == array)
                .map(|&(_, l)| l);
            let safe = match old {
                None => true,
                Some(l) => {
                    // Follow the view: it stays one until an instruction writes its
                    // register. Instruction `w` itself may read it (it reads each
                    // element before writing it); nothing after `w` may.
                    let mut alive = true;
                    let mut ok = true;
                    for (k, instr) in self.instrs.iter().enumerate() {
                        if alive && k > w && instr.reads(l) {
                            ok = false;
                            break;
                        }
                        if instr.dst() == l {
                            alive = false;
                        }
                    }
                    ok && !(alive && end.contains(&l))
                }
            };
            // Two stores of one register: the second copies from the first's array.
            if safe && !found.iter().any(|f: &InPlace| f.instr as usize == w) {
                found.push(InPlace {
                    instr: w as u32,
                    array,
                });
            }
        }
        self.range_stores = self
            .stores
            .iter()
            .filter(|&&(a, _)| !found.iter().any(|f| f.array == a))
            .copied()
            .collect();
        self.in_place = found;
    }
}
