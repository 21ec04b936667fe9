//! The `brian-script` command: run a Brian script or open a REPL.

use clap::Parser;

fn main() {
    // `brian-script sweep ...` is the sweep command; anything else runs a script or the REPL.
    if std::env::args().nth(1).as_deref() == Some("sweep") {
        let args = brian::cli::sweep::SweepArgs::parse_from(std::env::args().skip(1));
        std::process::exit(brian::cli::sweep::run(args));
    }
    let args = brian::cli::Args::parse();
    std::process::exit(brian::cli::main_with(args));
}
