//! Lexer and recursive-descent parser for Brian's expressions and statements.
//!
//! Python's grammar as Brian uses it: `or` < `and` < `not` < comparisons < `+ -` <
//! `* / // %` < unary `-`/`+` < `**` (right-associative; `-x**2` is `-(x**2)`, `2**-1`
//! works). Number literals follow Python: `.5`, `1.`, `1e-3`.

use super::ast::*;
use super::ExprError;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Span,
}

const OPERATORS: [&str; 22] = [
    "**", "//", "+=", "-=", "*=", "/=", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/",
    "%", "<", ">", "=", "!", ":",
];

fn lex(src: &str, base: usize) -> Result<Vec<Token>, ExprError> {
    lex_local(src)
        .map(|toks| {
            toks.into_iter()
                .map(|t| Token {
                    span: t.span.offset(base),
                    ..t
                })
                .collect()
        })
        .map_err(|e| e.offset(base))
}

fn lex_local(src: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit()))
        {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text = &src[start..i];
            let v: f64 = text.parse().map_err(|_| {
                ExprError::syntax(format!("malformed number '{text}'"), Span::new(start, i))
            })?;
            out.push(Token {
                tok: Tok::Num(v),
                span: Span::new(start, i),
            });
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(src[start..i].to_string()),
                span: Span::new(start, i),
            });
            continue;
        }
        let tok = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            _ => None,
        };
        if let Some(tok) = tok {
            i += 1;
            out.push(Token {
                tok,
                span: Span::new(start, i),
            });
            continue;
        }
        if let Some(op) = OPERATORS.iter().find(|op| src[i..].starts_with(*op)) {
            i += op.len();
            out.push(Token {
                tok: Tok::Op(op),
                span: Span::new(start, i),
            });
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        return Err(ExprError::syntax(
            format!("unexpected character '{ch}'"),
            Span::new(i, i + ch.len_utf8()),
        ));
    }
    out.push(Token {
        tok: Tok::End,
        span: Span::new(src.len(), src.len()),
    });
    Ok(out)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos]
    }
    fn next(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s == w)
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.or()
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.and()?;
        while self.is_word("or") || self.is_op("||") {
            self.next();
            let rhs = self.and()?;
            lhs = Expr::binary(BinOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.not()?;
        while self.is_word("and") || self.is_op("&&") {
            self.next();
            let rhs = self.not()?;
            lhs = Expr::binary(BinOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.is_word("not") || self.is_op("!") {
            let t = self.next();
            let a = self.not()?;
            let span = t.span.join(a.span);
            return Ok(Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(a)), span));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let lhs = self.sum()?;
        let op = match &self.peek().tok {
            Tok::Op("<") => BinOp::Lt,
            Tok::Op("<=") => BinOp::Le,
            Tok::Op(">") => BinOp::Gt,
            Tok::Op(">=") => BinOp::Ge,
            Tok::Op("==") => BinOp::Eq,
            Tok::Op("!=") => BinOp::Ne,
            _ => return Ok(lhs),
        };
        self.next();
        let rhs = self.sum()?;
        Ok(Expr::binary(op, lhs, rhs))
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.product()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.product()?;
            lhs = Expr::binary(op, lhs, rhs);
        }
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                Tok::Op("//") => BinOp::FloorDiv,
                Tok::Op("%") => BinOp::Mod,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.unary()?;
            lhs = Expr::binary(op, lhs, rhs);
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.is_op("-") {
            let t = self.next();
            let a = self.unary()?;
            let span = t.span.join(a.span);
            return Ok(Expr::new(ExprKind::Unary(UnaryOp::Neg, Box::new(a)), span));
        }
        if self.is_op("+") {
            self.next();
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, ExprError> {
        let base = self.atom()?;
        if self.is_op("**") {
            self.next();
            let exponent = self.unary()?;
            return Ok(Expr::binary(BinOp::Pow, base, exponent));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let t = self.next();
        match t.tok {
            Tok::Num(v) => Ok(Expr::new(ExprKind::Number(v), t.span)),
            Tok::Ident(name) => {
                match name.as_str() {
                    "True" | "true" => return Ok(Expr::new(ExprKind::Bool(true), t.span)),
                    "False" | "false" => return Ok(Expr::new(ExprKind::Bool(false), t.span)),
                    _ => {}
                }
                if self.peek().tok == Tok::LParen {
                    self.next();
                    let mut args = Vec::new();
                    if self.peek().tok != Tok::RParen {
                        loop {
                            args.push(self.expr()?);
                            if self.peek().tok == Tok::Comma {
                                self.next();
                            } else {
                                break;
                            }
                        }
                    }
                    let close = self.next();
                    if close.tok != Tok::RParen {
                        return Err(ExprError::syntax(
                            format!("expected ')' to close the call of '{name}'"),
                            close.span,
                        ));
                    }
                    return Ok(Expr::new(
                        ExprKind::Call(name, args),
                        t.span.join(close.span),
                    ));
                }
                Ok(Expr::new(ExprKind::Name(name), t.span))
            }
            Tok::LParen => {
                let inner = self.expr()?;
                let close = self.next();
                if close.tok != Tok::RParen {
                    return Err(ExprError::syntax("expected ')'".into(), close.span));
                }
                Ok(Expr::new(inner.kind, t.span.join(close.span)))
            }
            Tok::End => Err(ExprError::syntax(
                "the expression ends too early".into(),
                t.span,
            )),
            _ => Err(ExprError::syntax(
                format!("unexpected {}", describe(&t.tok)),
                t.span,
            )),
        }
    }

    fn expect_end(&self) -> Result<(), ExprError> {
        let t = self.peek();
        if t.tok == Tok::End {
            Ok(())
        } else {
            Err(ExprError::syntax(
                format!(
                    "unexpected {} after the end of the expression",
                    describe(&t.tok)
                ),
                t.span,
            ))
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(v) => format!("number {v}"),
        Tok::Ident(s) => format!("name '{s}'"),
        Tok::Op(o) => format!("'{o}'"),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::End => "end of input".into(),
    }
}

/// Parses one expression, e.g. `v > -50*mV` or `(ge+gi-(v+49*mV))/(20*ms)`.
pub fn parse_expr(src: &str) -> Result<Expr, ExprError> {
    parse_expr_at(src, 0)
}

/// Parses an expression that starts at byte `base` of a larger text; spans index that text.
pub fn parse_expr_at(src: &str, base: usize) -> Result<Expr, ExprError> {
    let mut p = Parser {
        toks: lex(src, base)?,
        pos: 0,
    };
    let e = p.expr()?;
    p.expect_end()?;
    Ok(e)
}

/// Parses code: statements separated by newlines or `;`, e.g. "v = 0*mV\nvt += 3*mV".
/// Blank lines and `#` comments are skipped.
pub fn parse_statements(src: &str) -> Result<Vec<Statement>, ExprError> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let mut part_offset = offset;
        for part in line.split_inclusive(';') {
            let text = part.trim_end_matches([';', '\n', '\r']);
            let text = text.split('#').next().unwrap_or("");
            if !text.trim().is_empty() {
                out.push(parse_statement(text, part_offset)?);
            }
            part_offset += part.len();
        }
        offset += line.len();
    }
    Ok(out)
}

fn parse_statement(src: &str, base: usize) -> Result<Statement, ExprError> {
    let toks = lex(src, base)?;
    let (target, tspan) =
        match &toks[0].tok {
            Tok::Ident(n) => (n.clone(), toks[0].span),
            _ => return Err(ExprError::syntax(
                "a statement must start with the name of the variable it sets, as in 'v = 0*mV'"
                    .into(),
                toks[0].span,
            )),
        };
    let op = match &toks[1].tok {
        Tok::Op("=") => AssignOp::Set,
        Tok::Op("+=") => AssignOp::Add,
        Tok::Op("-=") => AssignOp::Sub,
        Tok::Op("*=") => AssignOp::Mul,
        Tok::Op("/=") => AssignOp::Div,
        _ => {
            return Err(ExprError::syntax(
                format!("expected '=', '+=', '-=', '*=' or '/=' after '{target}'"),
                toks[1].span,
            ))
        }
    };
    let mut p = Parser { toks, pos: 2 };
    let value = p.expr()?;
    p.expect_end()?;
    let span = tspan.join(value.span);
    Ok(Statement {
        target,
        op,
        value,
        span,
    })
}
