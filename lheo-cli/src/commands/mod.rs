//! The commands: one module each.

pub mod import;
pub mod rules;
pub mod validate;

use std::io::{self, IsTerminal, Write};

use lheo::rules::{catalogue, france_travail, Profile, Rule};
use lheo::Lang;

use crate::error::{Failure, Outcome};

/// Every rule the library can report, from the smallest profile: the catalogue, then the
/// profile rules that live beside it (France Travail), each code once.
pub fn all_rules() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = catalogue::RULES.iter().collect();
    for rule in france_travail::RULES {
        if !rules.iter().any(|r| r.code == rule.code) {
            rules.push(rule);
        }
    }
    rules.sort_by_key(|r| r.profile);
    rules
}

/// The rules `profile` runs (a profile includes the smaller ones).
pub fn rules_for(profile: Profile) -> Vec<&'static Rule> {
    all_rules()
        .into_iter()
        .filter(|r| profile.includes(r.profile))
        .collect()
}

/// The entry for `code`.
pub fn rule(code: &str) -> Option<&'static Rule> {
    all_rules().into_iter().find(|r| r.code == code)
}

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
