//! `lheo`: validate, import and describe LHEO 2.3 feeds. See DESIGN.md, "CLI contract".
//!
//! Exit codes: 0 no error, 1 findings, 2 could not run.

mod cli;
mod commands;
mod error;
mod progress;
mod report;
mod serve;
mod source;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with code 2; --help and --version exit 0.
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Template(args) => commands::template::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Referentiels(args) => commands::referentiels::run(args),
        Command::Serve(args) => serve::run(args),
    };
    ExitCode::from(outcome.code())
}
