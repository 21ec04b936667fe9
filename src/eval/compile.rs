//! From abstract code to [`Kernel`]: register allocation and constant folding.

use super::{Binding, Bindings, Func, Instr, Kernel, Src};
use crate::expr::{BinOp, Expr, ExprError, ExprKind, Statement, UnaryOp};
use std::collections::HashMap;

struct Compiler<'a> {
    bindings: &'a dyn Bindings,
    instrs: Vec<Instr>,
    n_regs: u32,
    free: Vec<u32>,
    /// Arrays loaded into registers, by binding position.
    arrays: HashMap<usize, u32>,
    stores: Vec<(usize, u32)>,
    /// Temporaries assigned by earlier statements.
    temps: HashMap<String, Src>,
    index_reg: Option<u32>,
    uses_random: bool,
}

/// A compiled value; `owned` registers are intermediates that may be reused once read.
#[derive(Clone, Copy)]
struct Val {
    src: Src,
    owned: bool,
}

impl Val {
    fn fixed(src: Src) -> Val {
        Val { src, owned: false }
    }
}

impl<'a> Compiler<'a> {
    fn new(bindings: &'a dyn Bindings) -> Self {
        Compiler {
            bindings,
            instrs: Vec::new(),
            n_regs: 0,
            free: Vec::new(),
            arrays: HashMap::new(),
            stores: Vec::new(),
            temps: HashMap::new(),
            index_reg: None,
            uses_random: false,
        }
    }

    fn alloc(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.n_regs += 1;
            self.n_regs - 1
        })
    }

    fn release(&mut self, v: Val) {
        if let (true, Src::Reg(r)) = (v.owned, v.src) {
            self.free.push(r);
        }
    }

    fn array_reg(&mut self, k: usize) -> u32 {
        if let Some(&r) = self.arrays.get(&k) {
            return r;
        }
        // Arrays are loaded at the start of each chunk: their register must not have
        // served as a temporary earlier in the code, so never take it from the free list.
        self.n_regs += 1;
        let r = self.n_regs - 1;
        self.arrays.insert(k, r);
        r
    }

    fn name(&mut self, name: &str, e: &Expr) -> Result<Val, ExprError> {
        if let Some(&src) = self.temps.get(name) {
            return Ok(Val::fixed(src));
        }
        match self.bindings.bind(name) {
            Some(Binding::Array(k)) => Ok(Val::fixed(Src::Reg(self.array_reg(k)))),
            Some(Binding::Scalar(k)) => Ok(Val::fixed(Src::Scalar(k as u32))),
            Some(Binding::Constant(c)) => Ok(Val::fixed(Src::Const(c))),
            Some(Binding::Index) => {
                let r = match self.index_reg {
                    Some(r) => r,
                    None => {
                        // Filled at the start of each chunk: a fresh register, as for arrays.
                        self.n_regs += 1;
                        let r = self.n_regs - 1;
                        self.index_reg = Some(r);
                        r
                    }
                };
                Ok(Val::fixed(Src::Reg(r)))
            }
            None => Err(ExprError::other(
                format!("'{name}' has no value here"),
                e.span,
            )),
        }
    }

    /// Emits an instruction writing a fresh register; operands are released after the
    /// destination is allocated, so a destination never aliases an operand.
    fn emit(&mut self, operands: &[Val], make: impl FnOnce(u32) -> Instr) -> Val {
        let dst = self.alloc();
        self.instrs.push(make(dst));
        for v in operands {
            self.release(*v);
        }
        Val {
            src: Src::Reg(dst),
            owned: true,
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<Val, ExprError> {
        Ok(match &e.kind {
            ExprKind::Number(v) => Val::fixed(Src::Const(*v)),
            ExprKind::Bool(b) => Val::fixed(Src::Const(f64::from(u8::from(*b)))),
            ExprKind::Name(n) => self.name(n, e)?,
            ExprKind::Unary(op, a) => {
                let a = self.expr(a)?;
                let f = if *op == UnaryOp::Neg {
                    Func::Neg
                } else {
                    Func::Not
                };
                if let Src::Const(c) = a.src {
                    return Ok(Val::fixed(Src::Const(super::exec::apply_func(f, c))));
                }
                self.emit(&[a], |dst| Instr::Func { f, dst, a: a.src })
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                if let Some(v) = fold_binary(*op, a, b) {
                    return Ok(v);
                }
                self.emit(&[a, b], |dst| Instr::Bin {
                    op: *op,
                    dst,
                    a: a.src,
                    b: b.src,
                })
            }
            ExprKind::Call(f, args) => self.call(f, args, e)?,
        })
    }

    fn call(&mut self, f: &str, args: &[Expr], e: &Expr) -> Result<Val, ExprError> {
        let vals: Vec<Val> = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<_, _>>()?;
        let consts: Option<Vec<f64>> = vals
            .iter()
            .map(|v| {
                if let Src::Const(c) = v.src {
                    Some(c)
                } else {
                    None
                }
            })
            .collect();
        let arity_error =
            || ExprError::other(format!("{f}() got {} argument(s)", args.len()), e.span);
        Ok(match f {
            "rand" | "randn" => {
                self.uses_random = true;
                let r = f == "rand";
                self.emit(&[], |dst| {
                    if r {
                        Instr::Rand { dst }
                    } else {
                        Instr::Randn { dst }
                    }
                })
            }
            "clip" => {
                let [a, lo, hi] = vals[..] else {
                    return Err(arity_error());
                };
                if let Some(c) = &consts {
                    return Ok(Val::fixed(Src::Const(c[0].max(c[1]).min(c[2]))));
                }
                self.emit(&vals, |dst| Instr::Clip {
                    dst,
                    a: a.src,
                    lo: lo.src,
                    hi: hi.src,
                })
            }
            "_where" => {
                let [c, a, b] = vals[..] else {
                    return Err(arity_error());
                };
                self.emit(&vals, |dst| Instr::Where {
                    dst,
                    cond: c.src,
                    a: a.src,
                    b: b.src,
                })
            }
            "timestep" => {
                let [t, dt] = vals[..] else {
                    return Err(arity_error());
                };
                self.emit(&vals, |dst| Instr::Timestep {
                    dst,
                    t: t.src,
                    dt: dt.src,
                })
            }
            _ => {
                let func = match f {
                    "exp" => Func::Exp,
                    "log" => Func::Log,
                    "log10" => Func::Log10,
                    "sqrt" => Func::Sqrt,
                    "abs" => Func::Abs,
                    "sign" => Func::Sign,
                    "sin" => Func::Sin,
                    "cos" => Func::Cos,
                    "tan" => Func::Tan,
                    "sinh" => Func::Sinh,
                    "cosh" => Func::Cosh,
                    "tanh" => Func::Tanh,
                    "arcsin" => Func::Arcsin,
                    "arccos" => Func::Arccos,
                    "arctan" => Func::Arctan,
                    "exprel" => Func::Exprel,
                    "expm1" => Func::Expm1,
                    "log1p" => Func::Log1p,
                    "floor" => Func::Floor,
                    "ceil" => Func::Ceil,
                    "int" => Func::Int,
                    _ => return Err(ExprError::other(format!("unknown function '{f}'"), e.span)),
                };
                let [a] = vals[..] else {
                    return Err(arity_error());
                };
                if let Src::Const(c) = a.src {
                    return Ok(Val::fixed(Src::Const(super::exec::apply_func(func, c))));
                }
                self.emit(&vals, |dst| Instr::Func {
                    f: func,
                    dst,
                    a: a.src,
                })
            }
        })
    }

    fn statement(&mut self, s: &Statement) -> Result<(), ExprError> {
        let value = self.expr(&s.as_assignment())?;
        match self.bindings.bind(&s.target) {
            Some(Binding::Array(k)) => {
                let r = self.array_reg(k);
                if value.src != Src::Reg(r) {
                    self.instrs.push(Instr::Copy {
                        dst: r,
                        a: value.src,
                    });
                }
                self.release(value);
                if !self.stores.iter().any(|(a, _)| *a == k) {
                    self.stores.push((k, r));
                }
            }
            Some(_) => {
                return Err(ExprError::other(
                    format!("'{}' cannot be assigned to", s.target),
                    s.span,
                ));
            }
            None => {
                // A temporary: keep its register (or constant) for later statements.
                let src = match value.src {
                    Src::Reg(_) if value.owned => value.src,
                    Src::Reg(_) => {
                        // A copy, so that later writes to the source do not change it.
                        let dst = self.alloc();
                        self.instrs.push(Instr::Copy { dst, a: value.src });
                        Src::Reg(dst)
                    }
                    other => other,
                };
                if let Some(Src::Reg(old)) = self.temps.insert(s.target.clone(), src) {
                    if Src::Reg(old) != src {
                        self.free.push(old);
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(self, result: Option<Src>) -> Kernel {
        let mut loads: Vec<(usize, u32)> = self.arrays.into_iter().collect();
        loads.sort();
        Kernel {
            instrs: self.instrs,
            n_regs: self.n_regs as usize,
            loads,
            stores: self.stores,
            index_reg: self.index_reg,
            result,
            uses_random: self.uses_random,
        }
    }
}

/// Folds constant operations and the identities `x*1`, `x+0`, `x-0`, `x/1`. The operand
/// that survives keeps its ownership (the other is a constant, which owns nothing), so an
/// intermediate register is neither released while still in use nor leaked.
fn fold_binary(op: BinOp, a: Val, b: Val) -> Option<Val> {
    use Src::Const;
    let is = |v: Val, c: f64| v.src == Const(c);
    match (op, a.src, b.src) {
        (_, Const(x), Const(y)) => Some(Val::fixed(Const(super::exec::apply_bin(op, x, y)))),
        (BinOp::Mul, _, _) if is(a, 1.0) => Some(b),
        (BinOp::Mul, _, _) if is(b, 1.0) => Some(a),
        (BinOp::Add, _, _) if is(a, 0.0) => Some(b),
        (BinOp::Add | BinOp::Sub, _, _) if is(b, 0.0) => Some(a),
        (BinOp::Div, _, _) if is(b, 1.0) => Some(a),
        _ => None,
    }
}

/// Compiles statements executed in order; array targets are stored after the last one.
pub fn compile_statements(
    code: &[Statement],
    bindings: &dyn Bindings,
) -> Result<Kernel, ExprError> {
    let mut c = Compiler::new(bindings);
    for s in code {
        c.statement(s)?;
    }
    Ok(c.finish(None))
}

/// Compiles a condition (e.g. a threshold) after optional preparatory statements.
pub fn compile_condition(
    prelude: &[Statement],
    cond: &Expr,
    bindings: &dyn Bindings,
) -> Result<Kernel, ExprError> {
    let mut c = Compiler::new(bindings);
    for s in prelude {
        c.statement(s)?;
    }
    let v = c.expr(cond)?;
    Ok(c.finish(Some(v.src)))
}
