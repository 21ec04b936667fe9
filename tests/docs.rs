//! Every ```rhai block in docs/*.md runs, headless and seeded, each in a fresh session; a
//! block that fails is reported with its file, line and the error. A block fenced as
//! ```rhai,no_run is skipped (for examples that need files or take long).

use brian::script::Session;
use std::path::PathBuf;

struct Block {
    file: String,
    line: usize,
    code: String,
    run: bool,
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir("docs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<Block> = None;
        for (k, line) in text.lines().enumerate() {
            let fence = line.trim_start();
            match current.take() {
                None => {
                    if let Some(info) = fence.strip_prefix("```rhai") {
                        current = Some(Block {
                            file: path.display().to_string(),
                            line: k + 2,
                            code: String::new(),
                            run: !info.contains("no_run"),
                        });
                    }
                }
                Some(mut b) => {
                    if fence.starts_with("```") {
                        out.push(b);
                    } else {
                        b.code.push_str(line);
                        b.code.push('\n');
                        current = Some(b);
                    }
                }
            }
        }
        assert!(
            current.is_none(),
            "{}: unclosed ```rhai block",
            path.display()
        );
    }
    out
}

#[test]
fn every_documentation_example_runs() {
    let out = std::env::temp_dir().join(format!("brian-test-docs-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let all = blocks();
    assert!(
        all.iter().any(|b| b.file.ends_with("equations.md")),
        "docs/equations.md has examples"
    );
    let mut failures = Vec::new();
    for b in all.iter().filter(|b| b.run) {
        let mut s = Session::new(out.clone(), "doc".into());
        {
            let mut st = s.state.borrow_mut();
            st.net.seed(1);
            st.no_plots = true;
            st.quiet = true;
        }
        let name = format!("{}:{}", b.file, b.line);
        if let Err(e) = s.eval(&b.code, Some(&name)) {
            failures.push(e.render(&name, &b.code));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} documentation examples failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
