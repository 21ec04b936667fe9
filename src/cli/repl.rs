//! The interactive session: rustyline with history, multi-line input (an input continues
//! while brackets, braces or backticks are open) and completion of names.

use super::{session_for, Args};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::path::PathBuf;

/// Names offered for completion: Brian's functions, units, and the session's variables.
struct Names {
    words: Vec<String>,
}

const BRIAN_NAMES: &[&str] = &[
    "NeuronGroup",
    "Connection",
    "PoissonGroup",
    "SpikeGeneratorGroup",
    "PulsePacket",
    "SpikeMonitor",
    "StateMonitor",
    "EmpiricalThreshold",
    "Equations",
    "run",
    "seed",
    "set_dt",
    "defaultclock",
    "raster_plot",
    "plot",
    "imshow",
    "hist",
    "subplot",
    "figure",
    "title",
    "xlabel",
    "ylabel",
    "legend",
    "xlim",
    "ylim",
    "savefig",
    "show",
    "save",
    "load",
    "zeros",
    "ones",
    "rand",
    "randn",
    "linspace",
    "arange",
    "sum",
    "mean",
    "std",
    "min",
    "max",
    "exp",
    "log",
    "sqrt",
    "abs",
    "clip",
    "len",
    "to_array",
    "print",
    "subgroup",
    "connect_full",
    "connect_random",
    "connect_one_to_one",
    "spike_trains",
    "num_spikes",
];

impl Completer for Names {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |k| k + 1);
        let word = &line[start..pos];
        if word.is_empty() {
            return Ok((start, Vec::new()));
        }
        let mut out: Vec<Pair> = self
            .words
            .iter()
            .filter(|w| w.starts_with(word))
            .map(|w| Pair {
                display: w.clone(),
                replacement: w.clone(),
            })
            .collect();
        out.sort_by(|a, b| {
            a.display
                .len()
                .cmp(&b.display.len())
                .then(a.display.cmp(&b.display))
        });
        out.truncate(50);
        Ok((start, out))
    }
}
impl Hinter for Names {
    type Hint = String;
}
impl Highlighter for Names {}
impl Validator for Names {}
impl Helper for Names {}

/// Whether an input is complete: brackets balanced and no open backtick string.
fn is_complete(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_backtick = false;
    let mut in_quote = false;
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '`' if !in_quote => in_backtick = !in_backtick,
            '"' if !in_backtick && prev != '\\' => in_quote = !in_quote,
            '(' | '[' | '{' if !in_backtick && !in_quote => depth += 1,
            ')' | ']' | '}' if !in_backtick && !in_quote => depth -= 1,
            _ => {}
        }
        prev = c;
    }
    depth <= 0 && !in_backtick && !in_quote
}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".brian_history"))
}

pub fn run(args: &Args) -> i32 {
    let mut session = session_for(PathBuf::from("."), "repl".into(), args);
    let mut words: Vec<String> = BRIAN_NAMES.iter().map(|s| s.to_string()).collect();
    words.extend(crate::network::namespace::unit_names().map(String::from));
    let mut editor: Editor<Names, rustyline::history::DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return 1;
        }
    };
    editor.set_helper(Some(Names {
        words: words.clone(),
    }));
    if let Some(h) = history_path() {
        let _ = editor.load_history(&h);
    }
    println!(
        "brian {} — Brian spiking network simulator. Type Brian script lines; Ctrl-D quits.",
        env!("CARGO_PKG_VERSION")
    );
    let mut buffer = String::new();
    let mut opener = super::open::Opener::new(args.open);
    loop {
        let prompt = if buffer.is_empty() { ">>> " } else { "... " };
        match editor.readline(prompt) {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                if !is_complete(&buffer) {
                    continue;
                }
                let input = std::mem::take(&mut buffer);
                if input.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(input.trim_end());
                // A Ctrl-C pressed before this line is not meant for its runs.
                crate::script::api::run_report::clear_interrupt();
                match session.eval(&input, None) {
                    Ok(v) if !v.is_unit() => println!("{}", display(&session, v)),
                    Ok(_) => {}
                    Err(e) => eprintln!("{}", e.render("<input>", &input)),
                }
                opener.open_new(&session.state.borrow().figures_written);
                // Variables defined so far complete too.
                let mut names = words.clone();
                names.extend(session.scope.iter_raw().map(|(n, _, _)| n.to_string()));
                editor.set_helper(Some(Names { words: names }));
            }
            Err(ReadlineError::Interrupted) => buffer.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    if let Some(h) = history_path() {
        let _ = editor.save_history(&h);
    }
    let _ = session.state.borrow_mut().show_pending();
    opener.open_new(&session.state.borrow().figures_written);
    0
}

/// Shows a value as `print` would, through the registered `to_string` (which `call_fn`
/// does not see: it only calls script functions).
fn display(session: &crate::script::Session, v: rhai::Dynamic) -> String {
    let mut scope = rhai::Scope::new();
    scope.push("__value", v.clone());
    session
        .engine
        .eval_with_scope::<String>(&mut scope, "to_string(__value)")
        .unwrap_or_else(|_| v.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn multi_line_input_waits_for_closing_brackets() {
        assert!(!super::is_complete("let eqs = `\ndv/dt = -v/tau : volt"));
        assert!(super::is_complete("let eqs = `\ndv/dt = -v/tau : volt`;"));
        assert!(!super::is_complete("let G = NeuronGroup(10, eqs, #{"));
        assert!(super::is_complete("print(\"(\")"));
    }
}
