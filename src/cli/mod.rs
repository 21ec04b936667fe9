//! brian-script: run a script file, or open a REPL. Errors are printed as
//! `file:line:column` with the line and a caret, and make the process exit with 1.

mod open;
mod repl;
pub mod sweep;

use crate::script::Session;
use clap::Parser;
use std::path::{Path, PathBuf};

/// Run Brian scripts (.rhai): spiking neural network simulations with units.
#[derive(Parser, Debug)]
#[command(name = "brian-script", version, about)]
pub struct Args {
    /// The script to run; without one, an interactive session (REPL) starts.
    pub script: Option<PathBuf>,
    /// Draw no figures (for tests and sweeps).
    #[arg(long)]
    pub no_plots: bool,
    /// Write figures into this directory instead of next to the script.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Seed the random number generator before the script runs.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Open each figure written in the image viewer (xdg-open, open) when a display exists.
    #[arg(long)]
    pub open: bool,
    /// Print no run summaries.
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads for one network's state updates and threshold scans (default:
    /// BRIAN_NUM_THREADS, or all cores). Groups too small to split run on one thread.
    /// Results are the same bits for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// The number of threads: `--threads`, else BRIAN_NUM_THREADS, else all cores.
pub fn thread_count(given: Option<usize>) -> Result<usize, String> {
    let n = match given {
        Some(n) => n,
        None => match std::env::var("BRIAN_NUM_THREADS") {
            Ok(v) => v.trim().parse().map_err(|_| {
                format!("BRIAN_NUM_THREADS should be a number of threads, got '{v}'")
            })?,
            Err(_) => std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
    };
    if n == 0 {
        return Err("the number of threads must be at least 1".into());
    }
    Ok(n)
}

/// Runs the command line; returns the process exit code.
pub fn main_with(args: Args) -> i32 {
    install_ctrl_c(args.script.is_some());
    match &args.script {
        Some(path) => run_file(path, &args),
        None => repl::run(&args),
    }
}

/// Ctrl-C stops a run before its next step (the run's callback reads the flag). Outside a
/// run, a script ends at once with status 130; the REPL's line editor reads Ctrl-C as a
/// key (no signal), so it keeps its own behaviour there.
fn install_ctrl_c(script: bool) {
    use crate::script::api::run_report::{INTERRUPT, IN_RUN};
    use std::sync::atomic::Ordering;
    let installed = ctrlc::set_handler(move || {
        INTERRUPT.store(true, Ordering::SeqCst);
        if script && !IN_RUN.load(Ordering::SeqCst) {
            eprintln!("interrupted (Ctrl-C)");
            std::process::exit(130);
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will not stop runs: {e}");
    }
}

fn session_for(dir: PathBuf, stem: String, args: &Args) -> Session {
    let session = Session::new(args.out_dir.clone().unwrap_or(dir), stem);
    {
        let mut st = session.state.borrow_mut();
        st.no_plots = args.no_plots;
        st.quiet = args.quiet;
        if let Some(s) = args.seed {
            st.net.seed(s);
        }
        match thread_count(args.threads)
            .and_then(|n| st.net.set_threads(n).map_err(|e| e.to_string()))
        {
            Ok(()) => {}
            Err(e) => eprintln!("warning: {e}; running on one thread"),
        }
    }
    session
}

fn run_file(path: &Path, args: &Args) -> i32 {
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return 1;
        }
    };
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "script".into());
    let mut session = session_for(dir, stem, args);
    let name = path.display().to_string();
    let mut opener = open::Opener::new(args.open);
    let code = match session.eval(&source, Some(&name)) {
        Ok(_) => {
            // A figure drawn but never shown is still written, as a script's last plot.
            if let Err(e) = session.state.borrow_mut().show_pending() {
                eprintln!("{name}: error: {e}");
                1
            } else {
                0
            }
        }
        Err(e) => {
            eprintln!("{}", e.render(&name, &source));
            if crate::script::api::run_report::interrupted() {
                130
            } else {
                1
            }
        }
    };
    // Figures written before an error are worth a look too.
    opener.open_new(&session.state.borrow().figures_written);
    code
}
