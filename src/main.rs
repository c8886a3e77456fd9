//! The `leakls` command: a language server (`serve`) and command-line front ends
//! (`check`, `rules`, `explain`, `dump`) over the same analysis and runtime cores.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use leakls::cli;

#[derive(Parser)]
#[command(name = "leakls", version, about = "Find, fix and watch goroutine leaks in Go code")]
struct Cli {
    /// Speak LSP over stdio (what editor clients pass; same as `leakls serve`).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdio.
    Serve {
        /// Accepted for clients that always pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Check Go files and directories for goroutine leaks.
    Check(cli::check::CheckArgs),
    /// List the rules with their default severity.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule name, e.g. unreceived-send.
        rule: String,
    },
    /// Load goroutine dumps (files or live pprof URLs) and rank where goroutines wait.
    Dump(cli::dump::DumpArgs),
}

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(Command::Serve { .. }) => serve(),
        None if args.stdio => serve(),
        None => {
            eprintln!("leakls: no command given; try `leakls --help`");
            ExitCode::from(2)
        }
        Some(Command::Check(check)) => cli::check::run(&check),
        Some(Command::Rules) => cli::explain::list_rules(),
        Some(Command::Explain { rule }) => cli::explain::explain(&rule),
        Some(Command::Dump(dump)) => cli::dump::run(&dump),
    }
}

fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("leakls: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let end = runtime.block_on(leakls::server::serve_stdio());
    // Blocking work still running (the stdin reader, a dump read from a FIFO, an
    // analysis) is not waited for: `exit` ends the process at once.
    runtime.shutdown_background();
    end.exit_code()
}
