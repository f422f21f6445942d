//! Validation reports as JSON: the document `lheo validate --format json` prints, described
//! by `schemas/validate-report.schema.json`.
//!
//! ```
//! use lheo::validate::{validate, JsonReport, ValidateOptions};
//! use lheo::Lang;
//!
//! let report = validate(&b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres/></lheo>"[..],
//!     &ValidateOptions::default());
//! let json = JsonReport::new(vec![report.to_json("feed.xml", Lang::En, false)]);
//! let text = serde_json::to_string(&json).unwrap();
//! assert!(text.starts_with(r#"{"files":[{"file":"feed.xml","version":"2.3","profile":"lheo","valid":false"#));
//! assert!(text.contains(r#""code":"XSD-ELEMENT-MANQUANT""#));
//! ```

use serde::Serialize;

use super::Report;
use crate::diagnostic::{Counts, Diagnostic, Lang, Location, RecordRef, Severity};

/// The whole document: one entry per file.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonReport<'a> {
    /// The files, in the order given.
    pub files: Vec<JsonFile<'a>>,
}

impl<'a> JsonReport<'a> {
    /// The document of `files`.
    pub fn new(files: Vec<JsonFile<'a>>) -> Self {
        JsonReport { files }
    }
}

/// One file's report.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonFile<'a> {
    /// The file's name (as the caller names it, e.g. `<stdin>`).
    pub file: &'a str,
    /// The LHEO version read from the root namespace; `null` when not LHEO 2.x.
    pub version: Option<&'static str>,
    /// The profile used.
    pub profile: &'static str,
    /// `true` when the file passes: no error, and no warning when warnings are denied.
    pub valid: bool,
    /// Diagnostics by severity (always complete).
    pub counts: Counts,
    /// The referentials codes were checked against (`--referentiels`), absent without any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referentiels: Vec<JsonReferentiel<'a>>,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// A referential used (or superseded by a newer edition), as `--format json` lists it (and
/// `lheo referentiels --format json`).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonReferentiel<'a> {
    /// The referential's kind (`rncp`, `rs`, `rome`, …).
    pub kind: &'static str,
    /// The file format it was read from.
    pub format: &'static str,
    /// The files it was read from.
    pub files: &'a [String],
    /// The edition's date, when known.
    pub date: Option<String>,
    /// The edition's version, when known.
    pub version: Option<&'a str>,
    /// Entries (fiches, codes).
    pub entries: usize,
    /// Active fiches (RNCP, RS).
    pub active: Option<usize>,
    /// Blocs of competences (RNCP, RS).
    pub blocs: Option<usize>,
    /// Bytes read.
    pub bytes: u64,
    /// `false` when a newer edition of the same referential was given.
    pub used: bool,
    /// The newer edition's files, when superseded.
    pub superseded_by: Option<&'a str>,
}

impl<'a> JsonReferentiel<'a> {
    /// The JSON form of a loaded referential's description.
    pub fn new(s: &'a crate::referentiels::Source) -> Self {
        JsonReferentiel {
            kind: s.kind.id(),
            format: s.format.id(),
            files: &s.files,
            date: s.date.map(|d| d.to_string()),
            version: s.version.as_deref(),
            entries: s.entries,
            active: s.active,
            blocs: s.blocs,
            bytes: s.bytes,
            used: s.is_used(),
            superseded_by: s.superseded_by.as_deref(),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonDiagnostic<'a> {
    /// The rule's stable code.
    pub code: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// The message, in the language asked for.
    pub message: &'a str,
    /// 1-based line, for a finding in XML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in bytes), for a finding in XML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The sheet, for a finding in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<&'a str>,
    /// The cell (e.g. `D12`), for a finding in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<&'a str>,
    /// The element path; `null` when unknown.
    pub path: Option<&'a str>,
    /// The record (offer, organisation) the finding is in; `null` outside records.
    pub record: Option<JsonRecord<'a>>,
}

/// The record a finding is in: staff find an offer by its number and title.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonRecord<'a> {
    /// The record's element: `formation`, `resume-offre`, `resume-organisme` or
    /// `organisme-formation-responsable`.
    pub element: &'static str,
    /// Its `@numero`; `null` when it has none.
    pub numero: Option<&'a str>,
    /// Its title (`intitule-formation`, or `raison-sociale` for an organisation); `null` when
    /// it has none.
    pub title: Option<&'a str>,
    /// The 1-based line of its start tag, in XML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The sheet of its row, in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<&'a str>,
    /// The cell of its row, in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<&'a str>,
    /// Its element path, e.g. `/lheo/offres/formation[3]`.
    pub path: &'a str,
}

impl<'a> JsonRecord<'a> {
    /// The JSON form of `r`.
    pub fn new(r: &'a RecordRef) -> Self {
        let (mut line, mut sheet, mut cell) = (None, None, None);
        match &r.location {
            Location::Xml { line: l, .. } => line = Some(*l),
            Location::Cell { sheet: s, cell: c } => {
                sheet = Some(s.as_str());
                cell = Some(c.as_str());
            }
            Location::None => {}
        }
        JsonRecord {
            element: r.element,
            numero: r.numero.as_deref(),
            title: r.title.as_deref(),
            line,
            sheet,
            cell,
            path: &r.path,
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    /// The JSON form of `d`, its message in `lang`.
    pub fn new(d: &'a Diagnostic, lang: Lang) -> Self {
        let (mut line, mut column, mut sheet, mut cell) = (None, None, None, None);
        match &d.location {
            Location::Xml { line: l, column: c } => {
                line = Some(*l);
                column = Some(*c);
            }
            Location::Cell { sheet: s, cell: c } => {
                sheet = Some(s.as_str());
                cell = Some(c.as_str());
            }
            Location::None => {}
        }
        JsonDiagnostic {
            code: d.code(),
            severity: d.severity,
            message: d.text(lang),
            line,
            column,
            sheet,
            cell,
            path: (!d.path.is_empty()).then_some(d.path.as_str()),
            record: d.record.as_deref().map(JsonRecord::new),
        }
    }
}

impl Report {
    /// `true` when the report passes: no error, and no warning if `deny_warnings`.
    pub fn passes(&self, deny_warnings: bool) -> bool {
        let counts = self.counts();
        counts.error == 0 && !(deny_warnings && counts.warning > 0)
    }

    /// The JSON form of this report for the file named `file`, messages in `lang`.
    pub fn to_json<'a>(&'a self, file: &'a str, lang: Lang, deny_warnings: bool) -> JsonFile<'a> {
        JsonFile {
            file,
            version: self.version.map(|v| v.as_str()),
            profile: self.profile.name(),
            valid: self.passes(deny_warnings),
            counts: self.counts(),
            referentiels: self.referentiels.iter().map(JsonReferentiel::new).collect(),
            diagnostics: self
                .diagnostics
                .iter()
                .map(|d| JsonDiagnostic::new(d, lang))
                .collect(),
        }
    }
}
