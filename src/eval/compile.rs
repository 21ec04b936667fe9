//! From abstract code to [`Kernel`]: register allocation, constant folding, negations
//! folded into neighbouring operations, and common subexpressions computed once.
//!
//! Every rewrite here is exact in IEEE arithmetic (`a + (-b)` is `a - b`, `(-a)*b` is
//! `-(a*b)`, a value computed twice is the same value), so a kernel gives the same bits
//! as a naive evaluation of the abstract code.

use super::{Binding, Bindings, Func, Instr, Kernel, Src};
use crate::expr::{BinOp, Expr, ExprError, ExprKind, Statement, UnaryOp};
use std::collections::HashMap;

/// An operand as the common-subexpression table sees it: registers by the value they
/// hold, not by their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Operand {
    Const(u64),
    Scalar(u32),
    Value(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OpKey {
    Bin(BinOp),
    Func(Func),
    Clip,
    Where,
    Timestep,
    Table(u32),
}

/// A pure instruction without its destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    op: OpKey,
    args: [Option<Operand>; 3],
}

struct Compiler<'a> {
    bindings: &'a dyn Bindings,
    instrs: Vec<Instr>,
    n_regs: u32,
    free: Vec<u32>,
    /// Arrays loaded into registers at the start of each chunk, by binding position.
    loads: HashMap<usize, u32>,
    /// The register holding each array's current value (its load register until the
    /// code assigns the array; then the register of the assigned value).
    current: HashMap<usize, u32>,
    /// Arrays the code assigns, in order; stored from their current register.
    written: Vec<usize>,
    /// Temporaries assigned by earlier statements (a register may hold the negation).
    temps: HashMap<String, Val>,
    index_reg: Option<u32>,
    uses_random: bool,
    /// Random instructions emitted so far: each draws from a stream of its own.
    streams: u32,
    /// Tables (TimedArrays) the code looks up, by position.
    tables: Vec<std::sync::Arc<super::Table>>,
    /// The value number held by each register, while it holds it.
    reg_value: Vec<Option<u32>>,
    next_value: u32,
    /// Pure instructions already emitted: their key, result register and value number.
    /// An entry is valid while the register still holds that value; a released register
    /// that is asked for again is taken back from the free list.
    computed: HashMap<Key, (u32, u32)>,
}

/// A compiled value: `neg` means the value is the negation of what `src` holds (applied
/// lazily, usually absorbed by the next operation); `owned` registers are intermediates
/// that may be reused once read.
#[derive(Clone, Copy, Debug)]
struct Val {
    src: Src,
    owned: bool,
    neg: bool,
}

impl Val {
    fn fixed(src: Src) -> Val {
        Val {
            src,
            owned: false,
            neg: false,
        }
    }
    fn constant(c: f64) -> Val {
        Val::fixed(Src::Const(c))
    }
    /// Whether this is the constant `c`, bit for bit (so -0 is not 0).
    fn is_const(&self, c: f64) -> bool {
        matches!(self.src, Src::Const(x) if x.to_bits() == c.to_bits())
    }
    fn negated(self) -> Val {
        match self.src {
            Src::Const(c) => Val::constant(-c),
            _ => Val {
                neg: !self.neg,
                ..self
            },
        }
    }
    /// The same value with its negation flag cleared; the caller accounts for it.
    fn magnitude(self) -> Val {
        Val { neg: false, ..self }
    }
}

fn with_dst(instr: Instr, d: u32) -> Instr {
    match instr {
        Instr::Bin { op, a, b, .. } => Instr::Bin { op, dst: d, a, b },
        Instr::MulAdd { a, b, c, .. } => Instr::MulAdd { dst: d, a, b, c },
        Instr::Func { f, a, .. } => Instr::Func { f, dst: d, a },
        Instr::Clip { a, lo, hi, .. } => Instr::Clip { dst: d, a, lo, hi },
        Instr::Where { cond, a, b, .. } => Instr::Where { dst: d, cond, a, b },
        Instr::Timestep { t, dt, .. } => Instr::Timestep { dst: d, t, dt },
        Instr::Rand { stream, .. } => Instr::Rand { dst: d, stream },
        Instr::Randn { stream, .. } => Instr::Randn { dst: d, stream },
        Instr::Copy { a, .. } => Instr::Copy { dst: d, a },
        Instr::Table { table, t, i, .. } => Instr::Table {
            dst: d,
            table,
            t,
            i,
        },
    }
}

impl<'a> Compiler<'a> {
    fn new(bindings: &'a dyn Bindings) -> Self {
        Compiler {
            bindings,
            instrs: Vec::new(),
            n_regs: 0,
            free: Vec::new(),
            loads: HashMap::new(),
            current: HashMap::new(),
            written: Vec::new(),
            temps: HashMap::new(),
            index_reg: None,
            uses_random: false,
            streams: 0,
            tables: Vec::new(),
            reg_value: Vec::new(),
            next_value: 0,
            computed: HashMap::new(),
        }
    }

    fn fresh_value(&mut self) -> u32 {
        self.next_value += 1;
        self.next_value - 1
    }

    fn set_value(&mut self, r: u32, value: Option<u32>) {
        let r = r as usize;
        if self.reg_value.len() <= r {
            self.reg_value.resize(r + 1, None);
        }
        self.reg_value[r] = value;
    }

    /// A register never used before (arrays and `i` are loaded into these at the start
    /// of each chunk, so they must not have served as temporaries).
    fn new_reg(&mut self) -> u32 {
        self.n_regs += 1;
        let r = self.n_regs - 1;
        let v = self.fresh_value();
        self.set_value(r, Some(v));
        r
    }

    /// A register about to be written: whatever it held is forgotten.
    fn alloc(&mut self) -> u32 {
        let r = self.free.pop().unwrap_or_else(|| {
            self.n_regs += 1;
            self.n_regs - 1
        });
        self.set_value(r, None);
        r
    }

    fn release(&mut self, v: Val) {
        if let (true, Src::Reg(r)) = (v.owned, v.src) {
            self.free.push(r);
        }
    }

    /// The register of an array's current value, loaded at the start of each chunk if
    /// the code reads it before assigning it.
    fn array_reg(&mut self, k: usize) -> u32 {
        if let Some(&r) = self.current.get(&k) {
            return r;
        }
        let r = self.new_reg();
        self.loads.insert(k, r);
        self.current.insert(k, r);
        r
    }

    fn operand(&self, s: Src) -> Operand {
        match s {
            Src::Const(c) => Operand::Const(c.to_bits()),
            Src::Scalar(k) => Operand::Scalar(k),
            Src::Reg(r) => Operand::Value(
                self.reg_value[r as usize].expect("a register that is read holds a value"),
            ),
        }
    }

    fn key(&self, instr: &Instr) -> Option<Key> {
        let o = |s: Src| Some(self.operand(s));
        let (op, mut args) = match *instr {
            Instr::Bin { op, a, b, .. } => (OpKey::Bin(op), [o(a), o(b), None]),
            Instr::Func { f, a, .. } => (OpKey::Func(f), [o(a), None, None]),
            Instr::Clip { a, lo, hi, .. } => (OpKey::Clip, [o(a), o(lo), o(hi)]),
            Instr::Where { cond, a, b, .. } => (OpKey::Where, [o(cond), o(a), o(b)]),
            Instr::Timestep { t, dt, .. } => (OpKey::Timestep, [o(t), o(dt), None]),
            Instr::Table { table, t, i, .. } => (OpKey::Table(table), [o(t), o(i), None]),
            Instr::Rand { .. }
            | Instr::Randn { .. }
            | Instr::Copy { .. }
            | Instr::MulAdd { .. } => return None,
        };
        if let OpKey::Bin(BinOp::Add | BinOp::Mul | BinOp::Eq | BinOp::Ne) = op {
            // Commutative, bit for bit.
            if args[0] > args[1] {
                args.swap(0, 1);
            }
        }
        Some(Key { op, args })
    }

    fn name(&mut self, name: &str, e: &Expr) -> Result<Val, ExprError> {
        if let Some(&v) = self.temps.get(name) {
            return Ok(Val { owned: false, ..v });
        }
        match self.bindings.bind(name) {
            Some(Binding::Array(k)) => Ok(Val::fixed(Src::Reg(self.array_reg(k)))),
            Some(Binding::Scalar(k)) => Ok(Val::fixed(Src::Scalar(k as u32))),
            Some(Binding::Constant(c)) => Ok(Val::constant(c)),
            Some(Binding::Index) => {
                let r = match self.index_reg {
                    Some(r) => r,
                    None => {
                        let r = self.new_reg();
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

    /// Emits an instruction (given with a placeholder destination) over plain operands,
    /// or reuses the register of an identical earlier one. Operands are released after
    /// the destination is allocated, so a destination never aliases an operand.
    fn emit(&mut self, operands: &[Val], instr: Instr) -> Val {
        debug_assert!(operands.iter().all(|v| !v.neg), "operands are plain");
        let key = self.key(&instr);
        if let Some(&(r, value)) = key.as_ref().and_then(|k| self.computed.get(k)) {
            if self.reg_value[r as usize] == Some(value) {
                for v in operands {
                    self.release(*v);
                }
                // A released register still holding the value is taken back.
                if let Some(k) = self.free.iter().position(|&f| f == r) {
                    self.free.swap_remove(k);
                    return Val {
                        src: Src::Reg(r),
                        owned: true,
                        neg: false,
                    };
                }
                return Val::fixed(Src::Reg(r));
            }
        }
        let dst = self.alloc();
        self.instrs.push(with_dst(instr, dst));
        for v in operands {
            self.release(*v);
        }
        let value = self.fresh_value();
        self.set_value(dst, Some(value));
        if let Some(k) = key {
            self.computed.insert(k, (dst, value));
        }
        Val {
            src: Src::Reg(dst),
            owned: true,
            neg: false,
        }
    }

    /// Applies a pending negation.
    fn plain(&mut self, v: Val) -> Val {
        if !v.neg {
            return v;
        }
        let m = v.magnitude();
        self.emit(
            &[m],
            Instr::Func {
                f: Func::Neg,
                dst: 0,
                a: m.src,
            },
        )
    }

    fn expr(&mut self, e: &Expr) -> Result<Val, ExprError> {
        Ok(match &e.kind {
            ExprKind::Number(v) => Val::constant(*v),
            ExprKind::Bool(b) => Val::constant(f64::from(u8::from(*b))),
            ExprKind::Name(n) => self.name(n, e)?,
            ExprKind::Unary(UnaryOp::Neg, a) => self.expr(a)?.negated(),
            ExprKind::Unary(UnaryOp::Not, a) => {
                let a = self.expr(a)?;
                let a = self.plain(a);
                if let Src::Const(c) = a.src {
                    return Ok(Val::constant(super::exec::apply_func(Func::Not, c)));
                }
                self.emit(
                    &[a],
                    Instr::Func {
                        f: Func::Not,
                        dst: 0,
                        a: a.src,
                    },
                )
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                self.binary(*op, a, b)
            }
            ExprKind::Call(f, args) => self.call(f, args, e)?,
        })
    }

    fn bin(&mut self, op: BinOp, a: Val, b: Val) -> Val {
        self.emit(
            &[a, b],
            Instr::Bin {
                op,
                dst: 0,
                a: a.src,
                b: b.src,
            },
        )
    }

    /// A binary operation: constants folded, the identities `x*1`, `x/1`, `x-0`, `x+(-0)`,
    /// `x*-1` applied, and negations moved where they cost nothing.
    fn binary(&mut self, op: BinOp, a: Val, b: Val) -> Val {
        if let (Src::Const(x), Src::Const(y)) = (a.src, b.src) {
            return Val::constant(super::exec::apply_bin(op, x, y));
        }
        match op {
            BinOp::Add | BinOp::Sub => {
                let b = if op == BinOp::Sub { b.negated() } else { b };
                // Now the value is a + b, each possibly negated. Only -0 is an exact
                // identity of addition (0 + -0 is +0), and `x - 0` arrives here as it.
                if a.is_const(-0.0) {
                    return b;
                }
                if b.is_const(-0.0) {
                    return a;
                }
                let (ma, mb) = (a.magnitude(), b.magnitude());
                match (a.neg, b.neg) {
                    (false, false) => self.bin(BinOp::Add, ma, mb),
                    (false, true) => self.bin(BinOp::Sub, ma, mb),
                    (true, false) => self.bin(BinOp::Sub, mb, ma),
                    // Not -(a+b): for a = -b that is -0 where (-a)+(-b) is +0.
                    (true, true) => {
                        let a = self.plain(a);
                        self.bin(BinOp::Sub, a, mb)
                    }
                }
            }
            BinOp::Mul | BinOp::Div => {
                if b.is_const(1.0) {
                    return a;
                }
                if b.is_const(-1.0) {
                    return a.negated();
                }
                if op == BinOp::Mul {
                    if a.is_const(1.0) {
                        return b;
                    }
                    if a.is_const(-1.0) {
                        return b.negated();
                    }
                }
                let (mut ma, mut mb) = (a.magnitude(), b.magnitude());
                let mut neg = a.neg != b.neg;
                // A constant operand absorbs the sign.
                if neg {
                    if let Src::Const(c) = ma.src {
                        ma = Val::constant(-c);
                        neg = false;
                    } else if let Src::Const(c) = mb.src {
                        mb = Val::constant(-c);
                        neg = false;
                    }
                }
                let v = self.bin(op, ma, mb);
                if neg {
                    v.negated()
                } else {
                    v
                }
            }
            _ => {
                let a = self.plain(a);
                let b = self.plain(b);
                self.bin(op, a, b)
            }
        }
    }

    fn call(&mut self, f: &str, args: &[Expr], e: &Expr) -> Result<Val, ExprError> {
        let mut vals: Vec<Val> = Vec::with_capacity(args.len());
        for a in args {
            let v = self.expr(a)?;
            vals.push(self.plain(v));
        }
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
                if !args.is_empty() {
                    return Err(arity_error());
                }
                self.uses_random = true;
                let stream = self.streams;
                self.streams += 1;
                let instr = if f == "rand" {
                    Instr::Rand { dst: 0, stream }
                } else {
                    Instr::Randn { dst: 0, stream }
                };
                self.emit(&[], instr)
            }
            "clip" => {
                let [a, lo, hi] = vals[..] else {
                    return Err(arity_error());
                };
                if let Some(c) = &consts {
                    return Ok(Val::constant(c[0].max(c[1]).min(c[2])));
                }
                self.emit(
                    &vals,
                    Instr::Clip {
                        dst: 0,
                        a: a.src,
                        lo: lo.src,
                        hi: hi.src,
                    },
                )
            }
            "_where" => {
                let [c, a, b] = vals[..] else {
                    return Err(arity_error());
                };
                if let Src::Const(c) = c.src {
                    let (keep, drop) = if c != 0.0 { (a, b) } else { (b, a) };
                    self.release(drop);
                    return Ok(keep);
                }
                self.emit(
                    &vals,
                    Instr::Where {
                        dst: 0,
                        cond: c.src,
                        a: a.src,
                        b: b.src,
                    },
                )
            }
            "timestep" => {
                let [t, dt] = vals[..] else {
                    return Err(arity_error());
                };
                if let Some(c) = &consts {
                    return Ok(Val::constant(super::exec::timestep(c[0], c[1])));
                }
                self.emit(
                    &vals,
                    Instr::Timestep {
                        dst: 0,
                        t: t.src,
                        dt: dt.src,
                    },
                )
            }
            _ if self.bindings.table(f).is_some() && !is_builtin(f) => {
                let mut table = self.bindings.table(f).expect("checked");
                // Brian 2 rounds the time for the reader's own time step.
                if let Some(super::Binding::Constant(dt)) = self.bindings.bind("dt") {
                    let k = table.rounding_for(dt);
                    if k != table.k {
                        let mut t = (*table).clone();
                        t.k = k;
                        table = std::sync::Arc::new(t);
                    }
                }
                let columns = table.columns;
                let (t, i) = match (vals[..].to_vec().as_slice(), columns) {
                    ([t], 0) => (*t, Val::constant(0.0)),
                    ([t, i], c) if c > 0 => (*t, *i),
                    _ => {
                        let want = if columns == 0 { "(t)" } else { "(t, i)" };
                        return Err(ExprError::other(
                            format!("{f} is called as {f}{want}"),
                            e.span,
                        ));
                    }
                };
                let k = match self
                    .tables
                    .iter()
                    .position(|x| std::sync::Arc::ptr_eq(x, &table))
                {
                    Some(k) => k,
                    None => {
                        self.tables.push(table);
                        self.tables.len() - 1
                    }
                } as u32;
                self.emit(
                    &vals,
                    Instr::Table {
                        dst: 0,
                        table: k,
                        t: t.src,
                        i: i.src,
                    },
                )
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
                    return Ok(Val::constant(super::exec::apply_func(func, c)));
                }
                self.emit(
                    &vals,
                    Instr::Func {
                        f: func,
                        dst: 0,
                        a: a.src,
                    },
                )
            }
        })
    }

    /// Compiles one statement; `dying` are the temporaries nothing reads after it.
    fn statement(&mut self, s: &Statement, dying: &[String]) -> Result<(), ExprError> {
        // `x = _x_new` where the temporary dies here: the array takes over its register
        // instead of copying it.
        let mut adopted = None;
        if let (Some(Binding::Array(_)), ExprKind::Name(n)) =
            (self.bindings.bind(&s.target), &s.as_assignment().kind)
        {
            if let Some(t) = self.temps.get(n).copied() {
                if dying.contains(n) && matches!(t.src, Src::Reg(_)) && t.owned {
                    self.temps.remove(n);
                    adopted = Some(t);
                }
            }
        }
        let value = match adopted {
            Some(v) => v,
            None => self.expr(&s.as_assignment())?,
        };
        match self.bindings.bind(&s.target) {
            Some(Binding::Array(k)) => {
                let value = self.plain(value);
                let old = self.current.get(&k).copied();
                let r = match value.src {
                    // A fresh intermediate becomes the array's register: no copy.
                    Src::Reg(r) if value.owned || Some(r) == old => r,
                    src => {
                        let dst = self.alloc();
                        self.instrs.push(Instr::Copy { dst, a: src });
                        let held = match src {
                            Src::Reg(v) => self.reg_value[v as usize],
                            _ => None,
                        };
                        let held = held.unwrap_or_else(|| self.fresh_value());
                        self.set_value(dst, Some(held));
                        dst
                    }
                };
                self.current.insert(k, r);
                // The previous value's register, unless it is loaded each chunk.
                if let Some(old) = old.filter(|o| Some(o) != self.loads.get(&k)) {
                    self.free.push(old);
                }
                if !self.written.contains(&k) {
                    self.written.push(k);
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
                let kept = match value.src {
                    Src::Reg(_) if value.owned => value,
                    Src::Reg(_) if value.neg => self.plain(value),
                    Src::Reg(_) => {
                        // A copy, so that later writes to the source do not change it.
                        let dst = self.alloc();
                        self.instrs.push(Instr::Copy { dst, a: value.src });
                        let held = self.operand(value.src);
                        let Operand::Value(held) = held else {
                            unreachable!("a register operand")
                        };
                        self.set_value(dst, Some(held));
                        Val {
                            src: Src::Reg(dst),
                            owned: true,
                            neg: false,
                        }
                    }
                    _ => value,
                };
                if let Some(old) = self.temps.insert(s.target.clone(), kept) {
                    if old.src != kept.src {
                        self.release(Val { owned: true, ..old });
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(self, result: Option<Src>) -> Kernel {
        let mut loads: Vec<(usize, u32)> = self.loads.into_iter().collect();
        loads.sort();
        let stores = self.written.iter().map(|k| (*k, self.current[k])).collect();
        let mut kernel = Kernel {
            instrs: self.instrs,
            n_regs: self.n_regs as usize,
            loads,
            stores,
            in_place: Vec::new(),
            range_stores: Vec::new(),
            index_reg: self.index_reg,
            result,
            uses_random: self.uses_random,
            tables: self.tables,
        };
        kernel.optimize();
        kernel
    }
}

/// Brian's own functions, which no table may hide.
fn is_builtin(f: &str) -> bool {
    crate::expr::FUNCTIONS.iter().any(|(n, _)| *n == f) || f == "_where"
}

/// The pseudo-target that holds a condition's value while compiling.
const RESULT: &str = "<condition>";

/// Whether a name is a temporary of the code (bound to nothing outside it).
fn is_temporary(name: &str, bindings: &dyn Bindings) -> bool {
    name == RESULT || bindings.bind(name).is_none()
}

fn draws_random(e: &Expr) -> bool {
    e.calls("rand") || e.calls("randn")
}

/// Drops assignments to temporaries that nothing reads afterwards (a threshold's prelude
/// computes every subexpression, most of which the condition does not need), unless they
/// draw random numbers, which would change the random stream.
fn without_dead_code(code: Vec<Statement>, bindings: &dyn Bindings) -> Vec<Statement> {
    let mut live: std::collections::HashSet<String> = Default::default();
    let mut keep = vec![false; code.len()];
    for (k, s) in code.iter().enumerate().rev() {
        let value = s.as_assignment();
        let needed = !is_temporary(&s.target, bindings)
            || s.target == RESULT
            || live.contains(&s.target)
            || draws_random(&value);
        if needed {
            keep[k] = true;
            live.remove(&s.target);
            live.extend(value.names());
        }
    }
    code.into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect()
}

/// A subexpression worth computing once: an operation (not a name, number or free
/// negation), free of random numbers, not folded to a constant anyway.
fn shareable(e: &Expr, bindings: &dyn Bindings) -> bool {
    let operation = match &e.kind {
        ExprKind::Binary(..) | ExprKind::Unary(UnaryOp::Not, _) => true,
        ExprKind::Call(f, _) => f != "rand" && f != "randn",
        _ => false,
    };
    operation
        && !draws_random(e)
        && e.names()
            .iter()
            .any(|n| !matches!(bindings.bind(n), Some(Binding::Constant(_))))
}

/// Identifies a subexpression together with the versions of the names it reads, so that
/// two occurrences separated by an assignment to one of them are not confused.
fn share_key(e: &Expr, versions: &HashMap<String, u32>) -> String {
    let mut key = e.to_string();
    for n in e.names() {
        key.push_str(&format!(" {n}#{}", versions.get(&n).copied().unwrap_or(0)));
    }
    key
}

/// Pure subexpressions the code computes more than once with the same inputs become
/// temporaries, computed once before their first use.
fn with_shared_subexpressions(code: Vec<Statement>, bindings: &dyn Bindings) -> Vec<Statement> {
    fn visit(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        match &e.kind {
            ExprKind::Unary(_, a) => visit(a, f),
            ExprKind::Binary(_, a, b) => {
                visit(a, f);
                visit(b, f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| visit(a, f)),
            _ => {}
        }
        f(e);
    }
    let mut versions: HashMap<String, u32> = HashMap::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in &code {
        visit(&s.as_assignment(), &mut |e| {
            if shareable(e, bindings) {
                *counts.entry(share_key(e, &versions)).or_default() += 1;
            }
        });
        *versions.entry(s.target.clone()).or_default() += 1;
    }
    if counts.values().all(|&c| c < 2) {
        return code;
    }

    struct Rewriter<'b> {
        bindings: &'b dyn Bindings,
        versions: HashMap<String, u32>,
        counts: HashMap<String, usize>,
        names: HashMap<String, String>,
        out: Vec<Statement>,
    }
    impl Rewriter<'_> {
        fn rewrite(&mut self, e: &Expr) -> Expr {
            let kind = match &e.kind {
                ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(self.rewrite(a))),
                ExprKind::Binary(op, a, b) => {
                    ExprKind::Binary(*op, Box::new(self.rewrite(a)), Box::new(self.rewrite(b)))
                }
                ExprKind::Call(f, args) => {
                    ExprKind::Call(f.clone(), args.iter().map(|a| self.rewrite(a)).collect())
                }
                _ => return e.clone(),
            };
            let rewritten = Expr::new(kind, e.span);
            if !shareable(e, self.bindings) {
                return rewritten;
            }
            let key = share_key(e, &self.versions);
            if self.counts.get(&key).copied().unwrap_or(0) < 2 {
                return rewritten;
            }
            if let Some(n) = self.names.get(&key) {
                return Expr::new(ExprKind::Name(n.clone()), e.span);
            }
            // A space keeps the name apart from every name code can write.
            let name = format!("_shared {}", self.names.len());
            self.out.push(Statement {
                target: name.clone(),
                op: crate::expr::AssignOp::Set,
                span: e.span,
                value: rewritten,
            });
            self.names.insert(key, name.clone());
            Expr::new(ExprKind::Name(name), e.span)
        }
    }
    let mut r = Rewriter {
        bindings,
        versions: HashMap::new(),
        counts,
        names: HashMap::new(),
        out: Vec::with_capacity(code.len()),
    };
    for s in &code {
        let value = r.rewrite(&s.as_assignment());
        r.out.push(Statement {
            target: s.target.clone(),
            op: crate::expr::AssignOp::Set,
            span: s.span,
            value,
        });
        *r.versions.entry(s.target.clone()).or_default() += 1;
    }
    r.out
}

/// For each statement, the temporaries whose values nothing reads after it.
fn last_uses(code: &[Statement], bindings: &dyn Bindings) -> Vec<Vec<String>> {
    let mut live: std::collections::HashSet<String> = Default::default();
    let mut dies = vec![Vec::new(); code.len()];
    for (k, s) in code.iter().enumerate().rev() {
        if s.target != RESULT && !live.contains(&s.target) {
            dies[k].push(s.target.clone());
        }
        live.remove(&s.target);
        for n in s.as_assignment().names() {
            // A temporary read by its own reassignment is released by that.
            let first_read_from_the_end = live.insert(n.clone());
            if first_read_from_the_end && n != s.target && is_temporary(&n, bindings) {
                dies[k].push(n);
            }
        }
    }
    dies
}

fn compile(
    code: &[Statement],
    cond: Option<&Expr>,
    bindings: &dyn Bindings,
) -> Result<Kernel, ExprError> {
    let mut all: Vec<Statement> = code.to_vec();
    if let Some(cond) = cond {
        all.push(Statement {
            target: RESULT.into(),
            op: crate::expr::AssignOp::Set,
            span: cond.span,
            value: cond.clone(),
        });
    }
    let all = without_dead_code(all, bindings);
    let all = with_shared_subexpressions(all, bindings);
    let dies = last_uses(&all, bindings);
    let mut c = Compiler::new(bindings);
    let mut result = None;
    for (s, dying) in all.iter().zip(dies) {
        if s.target == RESULT {
            let v = c.expr(&s.value)?;
            result = Some(c.plain(v).src);
            continue;
        }
        c.statement(s, &dying)?;
        for name in dying {
            if let Some(old) = c.temps.remove(&name) {
                c.release(Val { owned: true, ..old });
            }
        }
    }
    Ok(c.finish(result))
}

/// Compiles statements executed in order; array targets are stored after the last one.
pub fn compile_statements(
    code: &[Statement],
    bindings: &dyn Bindings,
) -> Result<Kernel, ExprError> {
    compile(code, None, bindings)
}

/// Compiles a condition (e.g. a threshold) after optional preparatory statements.
pub fn compile_condition(
    prelude: &[Statement],
    cond: &Expr,
    bindings: &dyn Bindings,
) -> Result<Kernel, ExprError> {
    compile(prelude, Some(cond), bindings)
}
