//! The abstract syntax of Brian's expression and statement language.

use std::fmt;

/// Byte offsets into the source text an expression was parsed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// Shifts a span parsed from a substring back into the enclosing text.
    pub fn offset(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Bool(bool),
    Name(String),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
    pub fn number(v: f64) -> Expr {
        Expr::new(ExprKind::Number(v), Span::default())
    }
    pub fn name(n: &str) -> Expr {
        Expr::new(ExprKind::Name(n.to_string()), Span::default())
    }
    pub fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
        let span = a.span.join(b.span);
        Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), span)
    }
    pub fn negate(a: Expr) -> Expr {
        let span = a.span;
        Expr::new(ExprKind::Unary(UnaryOp::Neg, Box::new(a)), span)
    }
    pub fn call(f: &str, args: Vec<Expr>) -> Expr {
        Expr::new(ExprKind::Call(f.to_string(), args), Span::default())
    }

    /// Visits every name the expression reads (not function names).
    pub fn visit_names(&self, f: &mut dyn FnMut(&str, Span)) {
        match &self.kind {
            ExprKind::Number(_) | ExprKind::Bool(_) => {}
            ExprKind::Name(n) => f(n, self.span),
            ExprKind::Unary(_, a) => a.visit_names(f),
            ExprKind::Binary(_, a, b) => {
                a.visit_names(f);
                b.visit_names(f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.visit_names(f)),
        }
    }

    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.visit_names(&mut |n, _| {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string())
            }
        });
        out
    }

    pub fn mentions(&self, name: &str) -> bool {
        let mut found = false;
        self.visit_names(&mut |n, _| found |= n == name);
        found
    }

    /// Replaces names by expressions (used to inline subexpressions and build RK stages).
    pub fn substitute(&self, f: &dyn Fn(&str) -> Option<Expr>) -> Expr {
        let kind = match &self.kind {
            ExprKind::Name(n) => match f(n) {
                Some(e) => return e,
                None => ExprKind::Name(n.clone()),
            },
            ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(a.substitute(f))),
            ExprKind::Binary(op, a, b) => {
                ExprKind::Binary(*op, Box::new(a.substitute(f)), Box::new(b.substitute(f)))
            }
            ExprKind::Call(name, args) => {
                ExprKind::Call(name.clone(), args.iter().map(|a| a.substitute(f)).collect())
            }
            k => k.clone(),
        };
        Expr::new(kind, self.span)
    }

    /// Whether the expression calls a function (e.g. `rand`) anywhere.
    pub fn calls(&self, fname: &str) -> bool {
        match &self.kind {
            ExprKind::Call(n, args) => n == fname || args.iter().any(|a| a.calls(fname)),
            ExprKind::Unary(_, a) => a.calls(fname),
            ExprKind::Binary(_, a, b) => a.calls(fname) || b.calls(fname),
            _ => false,
        }
    }
}

/// How a statement writes its target: `=`, `+=`, `-=`, `*=`, `/=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
    Mul,
    Div,
}

/// One line of abstract code: `v = expr`, `ge += w`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub target: String,
    pub op: AssignOp,
    pub value: Expr,
    pub span: Span,
}

impl Statement {
    /// The statement as a plain assignment (`v += w` becomes `v = v + w`).
    pub fn as_assignment(&self) -> Expr {
        let old = Expr::new(ExprKind::Name(self.target.clone()), self.span);
        let v = self.value.clone();
        match self.op {
            AssignOp::Set => v,
            AssignOp::Add => Expr::binary(BinOp::Add, old, v),
            AssignOp::Sub => Expr::binary(BinOp::Sub, old, v),
            AssignOp::Mul => Expr::binary(BinOp::Mul, old, v),
            AssignOp::Div => Expr::binary(BinOp::Div, old, v),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Number(v) => write!(f, "{v}"),
            ExprKind::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Unary(UnaryOp::Neg, a) => write!(f, "(-{a})"),
            ExprKind::Unary(UnaryOp::Not, a) => write!(f, "(not {a})"),
            ExprKind::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            ExprKind::Call(n, args) => {
                write!(f, "{n}(")?;
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}
