//! Findings: every problem the library reports is a [`Diagnostic`].

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub mod catalogue;

pub use catalogue::{Profile, Rule};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: nothing to fix.
    Info,
    /// Should be fixed; does not make the feed invalid (unless `--deny-warnings`).
    Warning,
    /// Makes the feed invalid.
    Error,
}

impl Severity {
    /// `"error"`, `"warning"` or `"info"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// French name: `erreur`, `avertissement`, `info`.
    pub fn french(self) -> &'static str {
        match self {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Location {
    /// Not tied to a place (e.g. an empty file).
    #[default]
    None,
    /// A place in an XML document (1-based line and column).
    Xml {
        /// Line, counted like libxml2 does for elements: the line of the start tag's `>`.
        line: u32,
        /// Column of the start tag's `<` when it is on that line, else 1.
        column: u32,
    },
    /// A cell of a workbook.
    Cell {
        /// Sheet name.
        sheet: String,
        /// Cell reference, e.g. `D12`.
        cell: String,
    },
}

/// A message in French (the default) and English (`--lang en`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    /// French text.
    pub fr: String,
    /// English text.
    pub en: String,
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// French (default).
    #[default]
    Fr,
    /// English.
    En,
}

/// The record a finding belongs to (a `formation`, a `resume-offre`, an organisation…):
/// staff find an offer in their database by its number and title, not by its element path.
///
/// Shared by every finding of the record (one allocation per record with findings).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RecordRef {
    /// The record's element: `formation`, `resume-offre`, `resume-organisme` or
    /// `organisme-formation-responsable`.
    pub element: &'static str,
    /// Its `@numero`, when it has one.
    pub numero: Option<String>,
    /// Its title: `intitule-formation` for an offer, `raison-sociale` for an organisation
    /// (whitespace collapsed, long titles cut), when it has one.
    pub title: Option<String>,
    /// Where its start tag is (a cell for a workbook's records, when known).
    pub location: Location,
    /// Its element path, e.g. `/lheo/offres/formation[3]`.
    pub path: String,
}

/// One finding: a stable code, a severity, a message, a location and an element path.
///
/// ```
/// use lheo::{Diagnostic, Rule, Severity};
///
/// let d = Diagnostic::new(Rule::LheoPeriode, "début après la fin", "start after end")
///     .at_line(12, 5)
///     .with_path("/lheo/offres/formation[1]/action[1]/session[1]/periode");
/// assert_eq!(d.severity, Severity::Error);
/// assert_eq!(d.code(), "LHEO-PERIODE");
/// assert_eq!(d.line(), Some(12));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The rule of the [catalogue] it comes from; [`Diagnostic::code`] is its
    /// stable code (e.g. `XSD-ELEMENT-MANQUANT`, `FT-RDV-PLAGE`).
    pub rule: Rule,
    /// Severity (the rule's, unless the finding says otherwise).
    pub severity: Severity,
    /// What is wrong, the value found and what is expected (boxed: diagnostics travel in
    /// `Result`s and should stay small).
    pub message: Box<Message>,
    /// Where.
    pub location: Location,
    /// Element path, e.g. `/lheo/offres/formation[2]/action[1]/session[3]/periode/debut`.
    pub path: String,
    /// The record (offer) the finding is in, for a finding inside one.
    pub record: Option<Arc<RecordRef>>,
}

impl Diagnostic {
    /// A finding of `rule`, with the rule's severity.
    pub fn new(rule: Rule, fr: impl Into<String>, en: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity(),
            message: Box::new(Message {
                fr: fr.into(),
                en: en.into(),
            }),
            location: Location::None,
            path: String::new(),
            record: None,
        }
    }

    /// Sets the record the finding belongs to.
    pub fn in_record(mut self, record: Arc<RecordRef>) -> Self {
        self.record = Some(record);
        self
    }

    /// The rule's stable code, e.g. `FT-RDV-PLAGE`.
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets an XML location.
    pub fn at_line(mut self, line: u32, column: u32) -> Self {
        self.location = Location::Xml { line, column };
        self
    }

    /// Sets a workbook location.
    pub fn at_cell(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        self.location = Location::Cell {
            sheet: sheet.into(),
            cell: cell.into(),
        };
        self
    }

    /// Sets the element path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.message.fr,
            Lang::En => &self.message.en,
        }
    }

    /// The line, for an XML location.
    pub fn line(&self) -> Option<u32> {
        match self.location {
            Location::Xml { line, .. } => Some(line),
            _ => None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.rule)?;
        match &self.location {
            Location::Xml { line, column } => write!(f, " {line}:{column}")?,
            Location::Cell { sheet, cell } => write!(f, " {sheet}!{cell}")?,
            Location::None => {}
        }
        if !self.path.is_empty() {
            write!(f, " {}", self.path)?;
        }
        write!(f, ": {}", self.message.fr)
    }
}

/// A diagnostic is also an error: the finding that stops reading a document (see
/// [`Error::diagnostic`](crate::Error::diagnostic)).
impl std::error::Error for Diagnostic {}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

impl Counts {
    /// Counts `diagnostics`.
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut c = Counts::default();
        for d in diagnostics {
            c.add(d.severity);
        }
        c
    }

    /// Counts one more diagnostic of `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}
