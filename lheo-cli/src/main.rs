//! `lheo`: validate, import and describe LHEO 2.3 feeds. See DESIGN.md, "CLI contract".
//!
//! Exit codes: 0 no error, 1 findings, 2 could not run.

mod cleanup;
mod cli;
mod commands;
mod error;
mod output;
mod progress;
mod report;
mod serve;
mod source;
mod sync_behind;
mod usage;

use std::panic;
use std::process::ExitCode;
use std::sync::Mutex;

use cli::Command;
use error::{Failure, Outcome};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The message of the last panic on the main thread.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() -> ExitCode {
    // Usage errors: one message in the user's language, exit 2; --help and --version exit 0.
    let cli = usage::parse();
    // `lheo serve` handles Ctrl-C and SIGTERM itself (a graceful stop; its temporary files
    // have no name to remove).
    if !matches!(cli.command, Command::Serve(_)) {
        cleanup::on_signals();
    }
    let lang = cli.command.lang();
    // A panic is a defect of lheo: it is said in one line, temporary files are removed and
    // the exit code is 2, never a backtrace (worker threads' panics are the library's to
    // report, as errors).
    panic::set_hook(Box::new(|info| {
        if std::thread::current().name() == Some("main") {
            let place = info
                .location()
                .map(|l| format!(" ({}:{})", l.file(), l.line()))
                .unwrap_or_default();
            let text = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    info.payload()
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                })
                .unwrap_or_default();
            if let Ok(mut p) = PANIC.lock() {
                *p = Some(format!("{text}{place}"));
            }
        }
    }));
    let outcome = panic::catch_unwind(|| run(cli.command));
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(_) => {
            cleanup::remove_all();
            let text = PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_default();
            commands::print_failure(&internal(&text), lang);
            ExitCode::from(Outcome::Failure.code())
        }
    }
}

fn run(command: Command) -> Outcome {
    match command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Template(args) => commands::template::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Referentiels(args) => commands::referentiels::run(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// The one line for a panic.
fn internal(text: &str) -> Failure {
    if text.contains("StorageFull") || text.contains("No space left") {
        return Failure::new(
            "écriture impossible : disque plein",
            "cannot write: no space left on device",
        );
    }
    Failure::new(
        format!("erreur interne ({text}) : c'est un défaut de lheo, merci de le signaler avec la commande lancée"),
        format!("internal error ({text}): this is a defect of lheo, please report it with the command you ran"),
    )
}
