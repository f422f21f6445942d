//! `--format json`: one JSON document on stdout, described by
//! `schemas/validate-report.schema.json`.
//!
//! ```json
//! {"files": [{"file": "feed.xml", "version": "2.3", "profile": "lheo", "valid": false,
//!   "counts": {"error": 1, "warning": 0, "info": 0},
//!   "diagnostics": [{"code": "XSD-ELEMENT-MANQUANT", "severity": "error", "message": "…",
//!     "line": 120, "column": 7, "path": "/lheo/offres/formation[1]"}]}]}
//! ```
//!
//! Fields, one by one:
//! - `file`: the path as given on the command line, or `<stdin>`;
//! - `version`: the LHEO version read from the root namespace (`"2.0"` … `"2.3"`), `null` when
//!   the document is not LHEO 2.x;
//! - `profile`: the profile used (`xsd`, `lheo`, `france-travail`);
//! - `valid`: `true` when the file adds nothing to the exit code (no error, and no warning
//!   with `--deny-warnings`);
//! - `counts`: diagnostics by severity (always complete);
//! - `diagnostics`: every finding, sorted by position: `code` (stable, see `lheo rules`),
//!   `severity` (`error`, `warning`, `info`), `message` (in `--lang`), `line` and `column`
//!   (1-based; the column counts bytes) for XML, `sheet` and `cell` for a workbook, neither
//!   when the finding has no place (an empty file), and `path` (the element path, `null` when
//!   unknown), and `record`: the record the finding is in (`null` outside records), with its
//!   `element` (`formation`, `resume-offre`…), `numero` and `title` (`intitule-formation`, or
//!   `raison-sociale` for an organisation; `null` when absent), where it starts (`line`, or
//!   `sheet` and `cell` in a workbook) and its `path`.
//!
//! Files that could not be read at all are not listed: they are reported on stderr and the
//! exit code is 2.

use std::io::{self, Write};

use lheo::{Counts, Diagnostic, Lang, Location, RecordRef, Severity};
use serde::Serialize;

use super::{passes, FileReport};

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    version: Option<&'static str>,
    profile: &'static str,
    valid: bool,
    counts: Counts,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    path: Option<&'a str>,
    record: Option<JsonRecord<'a>>,
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    element: &'a str,
    numero: Option<&'a str>,
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    path: &'a str,
}

impl<'a> JsonRecord<'a> {
    fn new(r: &'a RecordRef) -> Self {
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
    fn new(d: &'a Diagnostic, lang: Lang) -> Self {
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

/// Writes the JSON report of `files` (one document, one line, then a newline).
pub fn write(
    out: &mut dyn Write,
    files: &[FileReport],
    lang: Lang,
    deny_warnings: bool,
) -> io::Result<()> {
    let report = JsonReport {
        files: files
            .iter()
            .map(|f| {
                let counts = f.report.counts();
                JsonFile {
                    file: &f.name,
                    version: f.report.version.map(|v| v.as_str()),
                    profile: f.report.profile.name(),
                    valid: passes(&counts, deny_warnings),
                    counts,
                    diagnostics: f
                        .report
                        .diagnostics
                        .iter()
                        .map(|d| JsonDiagnostic::new(d, lang))
                        .collect(),
                }
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}
