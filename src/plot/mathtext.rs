//! A small subset of matplotlib's mathtext: text between `$...$` may use TeX names of
//! Greek letters and common symbols (`\tau`, `\mu`, `\Delta`, `\pm`, `\times`, `\infty`),
//! sub- and superscripts (`V_m`, `x^2`, `10^{-3}`, `g_{\mathrm{syn}}`), groups in braces
//! and the font commands `\mathrm`, `\mathit`, `\mathbf`, `\text`, `\mathdefault`
//! (their contents are set in the normal face: only DejaVu Sans is embedded, so math
//! letters stay upright where matplotlib slants them). Outside `$...$` text is literal,
//! and `\$` is a dollar sign; an odd number of unescaped `$` leaves the text literal, as
//! matplotlib does.
//!
//! The result is a list of [`Piece`]s: runs of plain Unicode text at baseline level 0,
//! +1 (superscript) or -1 (subscript), which the renderer sets at 70% size and shifted.

/// A run of text at one baseline level.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub text: String,
    /// 0: on the baseline, > 0: superscript, < 0: subscript (nesting adds up).
    pub level: i32,
}

/// Size of a script relative to its base, as TeX's (and mathtext's) 0.7.
pub(crate) const SCRIPT_SCALE: f64 = 0.7;

/// Whether `s` has math to typeset (an even, non-zero number of unescaped `$`).
pub(crate) fn has_math(s: &str) -> bool {
    let n = dollars(s);
    n > 0 && n.is_multiple_of(2)
}

fn dollars(s: &str) -> usize {
    let b = s.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'$' && (i == 0 || b[i - 1] != b'\\'))
        .count()
}

/// The pieces of `s`; text without math is one piece (with `\$` unescaped only when
/// there is math, as in matplotlib).
pub(crate) fn parse(s: &str) -> Vec<Piece> {
    if !has_math(s) {
        return vec![Piece {
            text: s.to_string(),
            level: 0,
        }];
    }
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'$') => {
                plain.push('$');
                i += 2;
            }
            '$' => {
                push(&mut out, std::mem::take(&mut plain), 0);
                let end = (i + 1..chars.len())
                    .find(|&k| chars[k] == '$' && chars[k - 1] != '\\')
                    .unwrap_or(chars.len());
                let mut p = MathParser {
                    c: &chars[i + 1..end],
                    i: 0,
                    out: &mut out,
                };
                p.sequence(0, false);
                i = end + 1;
            }
            c => {
                plain.push(c);
                i += 1;
            }
        }
    }
    push(&mut out, plain, 0);
    if out.is_empty() {
        out.push(Piece {
            text: String::new(),
            level: 0,
        });
    }
    out
}

/// The text of `s` without levels (for measuring or when levels do not matter).
#[cfg(test)]
pub(crate) fn flatten(s: &str) -> String {
    parse(s).into_iter().map(|p| p.text).collect()
}

fn push(out: &mut Vec<Piece>, text: String, level: i32) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.level == level => last.text.push_str(&text),
        _ => out.push(Piece { text, level }),
    }
}

struct MathParser<'a, 'o> {
    c: &'a [char],
    i: usize,
    out: &'o mut Vec<Piece>,
}

impl MathParser<'_, '_> {
    /// Reads atoms until the end (or a closing brace when `group`), at `level`.
    fn sequence(&mut self, level: i32, group: bool) {
        while self.i < self.c.len() {
            let ch = self.c[self.i];
            match ch {
                '}' if group => {
                    self.i += 1;
                    return;
                }
                '^' | '_' => {
                    self.i += 1;
                    let l = level + if ch == '^' { 1 } else { -1 };
                    self.atom(l);
                }
                _ => self.atom(level),
            }
        }
    }

    /// One atom: a character, a command (with its argument) or a braced group.
    fn atom(&mut self, level: i32) {
        let Some(&ch) = self.c.get(self.i) else {
            return;
        };
        self.i += 1;
        match ch {
            '{' => self.sequence(level, true),
            '\\' => {
                let start = self.i;
                while self.i < self.c.len() && self.c[self.i].is_ascii_alphabetic() {
                    self.i += 1;
                }
                if self.i == start {
                    // \, \; \! \  \{ \} \_ \% ...
                    let Some(&c) = self.c.get(self.i) else {
                        return;
                    };
                    self.i += 1;
                    let text = match c {
                        ',' | ';' | ':' | ' ' => " ".to_string(),
                        '!' => String::new(),
                        c => c.to_string(),
                    };
                    push(self.out, text, level);
                    return;
                }
                let name: String = self.c[start..self.i].iter().collect();
                match name.as_str() {
                    "mathrm" | "mathit" | "mathbf" | "mathsf" | "mathdefault" | "text"
                    | "textrm" | "rm" | "it" | "bf" | "operatorname" => {
                        self.skip_spaces();
                        if self.c.get(self.i) == Some(&'{') {
                            self.i += 1;
                            // Text commands keep their spaces.
                            let keep = name.starts_with("text") || name == "operatorname";
                            if keep {
                                self.literal_group(level);
                            } else {
                                self.sequence(level, true);
                            }
                        }
                    }
                    "left" | "right" | "displaystyle" => {}
                    "quad" => push(self.out, "\u{2003}".into(), level),
                    "qquad" => push(self.out, "\u{2003}\u{2003}".into(), level),
                    _ => {
                        let text = symbol(&name)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("\\{name}"));
                        push(self.out, text, level);
                    }
                }
            }
            // TeX ignores spaces in math.
            ' ' => {}
            '~' => push(self.out, "\u{a0}".into(), level),
            '-' => push(self.out, "\u{2212}".into(), level),
            '*' => push(self.out, "\u{2217}".into(), level),
            '\'' => push(self.out, "\u{2032}".into(), level),
            c => push(self.out, c.to_string(), level),
        }
    }

    fn literal_group(&mut self, level: i32) {
        let mut depth = 0;
        let mut text = String::new();
        while let Some(&c) = self.c.get(self.i) {
            self.i += 1;
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                c => text.push(c),
            }
        }
        push(self.out, text, level);
    }

    fn skip_spaces(&mut self) {
        while self.c.get(self.i) == Some(&' ') {
            self.i += 1;
        }
    }
}

/// Unicode for a TeX command name.
fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" => "ϵ",
        "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "vartheta" => "ϑ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "varpi" => "ϖ",
        "rho" => "ρ",
        "varrho" => "ϱ",
        "sigma" => "σ",
        "varsigma" => "ς",
        "tau" => "τ",
        "upsilon" => "υ",
        "phi" => "ϕ",
        "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Xi" => "Ξ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Upsilon" => "Υ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "pm" => "±",
        "mp" => "∓",
        "times" => "×",
        "div" => "÷",
        "cdot" => "·",
        "circ" => "∘",
        "degree" => "°",
        "infty" => "∞",
        "partial" => "∂",
        "nabla" => "∇",
        "sum" => "∑",
        "prod" => "∏",
        "int" => "∫",
        "sqrt" => "√",
        "approx" => "≈",
        "sim" => "∼",
        "simeq" => "≃",
        "propto" => "∝",
        "neq" | "ne" => "≠",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "ll" => "≪",
        "gg" => "≫",
        "equiv" => "≡",
        "to" | "rightarrow" => "→",
        "leftarrow" => "←",
        "Rightarrow" => "⇒",
        "leftrightarrow" => "↔",
        "uparrow" => "↑",
        "downarrow" => "↓",
        "in" => "∈",
        "ell" => "ℓ",
        "hbar" => "ℏ",
        "prime" => "′",
        "ldots" | "dots" => "…",
        "cdots" => "⋯",
        "langle" => "⟨",
        "rangle" => "⟩",
        "percent" => "%",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, level: i32) -> Piece {
        Piece {
            text: text.into(),
            level,
        }
    }

    #[test]
    fn greek_and_scripts() {
        assert_eq!(parse(r"$\tau$ (ms)"), vec![p("τ (ms)", 0)]);
        assert_eq!(parse("$V_m$"), vec![p("V", 0), p("m", -1)]);
        assert_eq!(parse("$x^2$"), vec![p("x", 0), p("2", 1)]);
        assert_eq!(parse(r"$\mu$A"), vec![p("μA", 0)]);
        assert_eq!(parse("$10^{-3}$"), vec![p("10", 0), p("−3", 1)]);
        assert_eq!(
            parse(r"$g_{\mathrm{syn}}$ (nS)"),
            vec![p("g", 0), p("syn", -1), p(" (nS)", 0)]
        );
        assert_eq!(
            parse(r"$\Delta t$ = $t_{post} - t_{pre}$"),
            vec![p("Δt = t", 0), p("post", -1), p("−t", 0), p("pre", -1)]
        );
        assert_eq!(parse("$x_i^2$"), vec![p("x", 0), p("i", -1), p("2", 1)]);
        assert_eq!(flatten(r"$\text{rate } r$"), "rate r");
    }

    #[test]
    fn literal_text_and_dollars() {
        assert_eq!(parse("cost: $5"), vec![p("cost: $5", 0)]);
        assert_eq!(parse(r"a \$ b $\alpha$"), vec![p("a $ b α", 0)]);
        assert_eq!(parse("no math_here"), vec![p("no math_here", 0)]);
        assert!(!has_math("$"));
        assert!(has_math("$a$"));
        // Unknown commands stay visible rather than vanish; trailing ^ or \ is harmless.
        assert_eq!(flatten(r"$\foo x^$"), r"\foox");
        assert_eq!(parse("$$"), vec![p("", 0)]);
    }
}
