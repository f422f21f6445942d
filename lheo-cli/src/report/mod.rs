//! Report formats for `lheo validate`, one module per format (like ripgrep's printers):
//! [`human`] and [`html`] for people ([`view`] says what they show), [`json`], [`junit`],
//! [`sarif`], [`gitlab`] and [`csv`] for machines and spreadsheets.

pub mod columns;
pub mod csv;
pub mod diff_human;
pub mod diff_json;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod view;

use lheo::validate::Report;
use lheo::{Counts, Lang, Severity};

/// The validation result of one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The name shown in machine-readable reports (path as given, or `<stdin>`).
    pub name: String,
    /// What the library found.
    pub report: Report,
}

/// `true` when a file with these counts passes: no error, and no warning with
/// `--deny-warnings`.
pub fn passes(counts: &Counts, deny_warnings: bool) -> bool {
    counts.error == 0 && !(deny_warnings && counts.warning > 0)
}

/// The name of a severity in `lang`: `erreur`, `avertissement`, `info` (`error`…).
pub fn severity_name(severity: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => severity.french(),
        Lang::En => severity.as_str(),
    }
}

/// Replaces control characters (terminal escapes in a hostile file, stray line breaks) so that
/// text from an input cannot disturb the terminal or the layout.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}
