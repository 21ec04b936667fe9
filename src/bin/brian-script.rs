//! The `brian-script` command: run a Brian script or open a REPL.

use clap::Parser;

fn main() {
    let args = brian::cli::Args::parse();
    std::process::exit(brian::cli::main_with(args));
}
