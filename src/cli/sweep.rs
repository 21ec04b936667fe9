//! `brian-script sweep script.rhai --param tau=5ms,10ms --param we=1mV:3mV:5 --jobs 2
//! --out results/`: every combination run in parallel, one fresh session per run (Rhai
//! engines are not shared between threads), results in `results.csv` and, as runs finish,
//! `runs.jsonl`. A failing run is a row with its error; the others go on.

use crate::script::Session;
use crate::sweep::{append_jsonl, grid, parse_param, read_jsonl, run_all, write_csv, RunResult};
use clap::Parser;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Run a script for every combination of parameter values.
#[derive(Parser, Debug)]
#[command(name = "brian-script sweep")]
pub struct SweepArgs {
    /// The script; it reads parameters with param("name", default) and reports with
    /// result("name", value).
    pub script: PathBuf,
    /// A parameter and its values: name=a,b,c or name=start:stop:count (e.g. we=1mV:3mV:5).
    #[arg(
        long = "param",
        short = 'p',
        value_name = "NAME=VALUES",
        required = true
    )]
    pub params: Vec<String>,
    /// How many runs at once (default: the number of cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Directory for results.csv and runs.jsonl.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Seed every run with this seed (default: run k is seeded with k + 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Skip the combinations that already succeeded in OUT/runs.jsonl.
    #[arg(long)]
    pub resume: bool,
}

/// One run in a fresh session; the error is one line naming the script position.
fn run_one(
    path: &Path,
    source: &str,
    seed: u64,
    params: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut session = Session::new(std::env::temp_dir(), stem);
    {
        let mut st = session.state.borrow_mut();
        st.no_plots = true;
        st.quiet = true;
        st.sweeping = true;
        st.net.seed(seed);
        st.params = params.iter().cloned().collect::<HashMap<_, _>>();
    }
    let name = path.display().to_string();
    if let Err(e) = session.eval(source, Some(&name)) {
        let at = e
            .line
            .map(|l| format!(":{l}:{}", e.column.unwrap_or(1)))
            .unwrap_or_default();
        return Err(format!("{name}{at}: {}", e.message));
    }
    let st = session.state.borrow();
    if let Some((unused, _)) = params.iter().find(|(k, _)| !st.params_used.contains(k)) {
        return Err(format!(
            "the script never reads the parameter '{unused}' (param(\"{unused}\", default))"
        ));
    }
    Ok(st.results.clone())
}

pub fn run(args: SweepArgs) -> i32 {
    let source = match std::fs::read_to_string(&args.script) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.script.display());
            return 1;
        }
    };
    let specs: Result<Vec<_>, _> = args.params.iter().map(|p| parse_param(p)).collect();
    let specs = match specs {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return 1;
    }
    let jsonl = args.out.join("runs.jsonl");
    let all = grid(&specs);
    let previous: Vec<RunResult> = if args.resume {
        read_jsonl(&jsonl)
            .into_iter()
            .filter(|r| r.error.is_none())
            .collect()
    } else {
        Vec::new()
    };
    if !args.resume {
        let _ = std::fs::remove_file(&jsonl);
    }
    // Runs done before, matched to this grid by their parameter values (JSON keeps no order).
    let sorted = |p: &[(String, String)]| {
        let mut v = p.to_vec();
        v.sort();
        v
    };
    let previous: Vec<RunResult> = previous
        .into_iter()
        .filter_map(|mut r| {
            let k = all.iter().position(|p| sorted(p) == sorted(&r.params))?;
            r.index = k;
            r.params = all[k].clone();
            Some(r)
        })
        .collect();
    let todo: Vec<(usize, Vec<(String, String)>)> = all
        .iter()
        .enumerate()
        .filter(|(k, _)| !previous.iter().any(|r| r.index == *k))
        .map(|(k, p)| (k, p.clone()))
        .collect();
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!(
        "sweep: {} runs ({} to do) of {} on {jobs} threads",
        all.len(),
        todo.len(),
        args.script.display()
    );
    let finished = Mutex::new(previous.len());
    let total = all.len();
    let done = |r: &RunResult| {
        let mut n = finished.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        let params = r
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        match &r.error {
            None => {
                let res = r
                    .results
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                println!("[{}/{total}] {params}: {res} ({:.1} s)", *n, r.seconds);
            }
            Some(e) => println!("[{}/{total}] {params}: FAILED: {e}", *n),
        }
        if let Err(e) = append_jsonl(&jsonl, r) {
            eprintln!("warning: cannot append to {}: {e}", jsonl.display());
        }
    };
    let grid_todo: Vec<Vec<(String, String)>> = todo.iter().map(|(_, p)| p.clone()).collect();
    let indices: Vec<usize> = todo.iter().map(|(k, _)| *k).collect();
    let seed = args.seed;
    let mut rows = run_all(
        &grid_todo,
        jobs,
        |k, params| {
            run_one(
                &args.script,
                &source,
                seed.unwrap_or(indices[k] as u64 + 1),
                params,
            )
        },
        &done,
    );
    for r in &mut rows {
        r.index = indices[r.index];
    }
    rows.extend(previous);
    rows.sort_by_key(|r| r.index);
    let csv = args.out.join("results.csv");
    if let Err(e) = write_csv(&csv, &rows) {
        eprintln!("error: cannot write {}: {e}", csv.display());
        return 1;
    }
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    println!(
        "wrote {} ({} runs, {failed} failed)",
        csv.display(),
        rows.len()
    );
    i32::from(failed > 0)
}
