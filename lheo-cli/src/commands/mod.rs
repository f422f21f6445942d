//! The commands: one module each.

pub mod diff;
pub mod export;
pub mod import;
pub mod referentiels;
pub mod rules;
pub mod template;
pub mod validate;
pub mod workbook;

use std::io::{self, IsTerminal, Write};

use lheo::Lang;

use crate::error::{Failure, Outcome};

/// `true` when human output on stdout may use colours: stdout is a terminal and `NO_COLOR`
/// is unset or empty (<https://no-color.org>).
pub fn stdout_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && io::stdout().is_terminal()
}

/// Prints a failure as one line on stderr: `lheo: …`.
pub fn print_failure(failure: &Failure, lang: Lang) {
    let _ = writeln!(io::stderr(), "lheo: {}", failure.text(lang));
}

/// What to do when writing to stdout fails: a closed pipe (`lheo validate … | head`) ends the
/// output quietly with the outcome so far; anything else is a failure.
pub fn stdout_error(error: &io::Error, outcome: Outcome, lang: Lang) -> Outcome {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return outcome;
    }
    print_failure(&Failure::stdout(error), lang);
    Outcome::Failure
}
