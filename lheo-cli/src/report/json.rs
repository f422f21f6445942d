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
//! - `referentiels` (only with `--referentiels`): the referentials the codes were checked
//!   against, like a conformity certificate: `kind` (`rncp`, `rs`, `rome`, `certifinfo`,
//!   `nsf`), `format`, `files`, `date` (`AAAA-MM-JJ`, `null` when the file name gives none),
//!   `version`, `entries`, `active` (RNCP, RS), `blocs`, `bytes`, `used` and `superseded_by`
//!   (an older edition given too is listed, not used);
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

use lheo::validate::JsonReport;
use lheo::Lang;

use super::FileReport;

/// Writes the JSON report of `files` (one document, one line, then a newline); its types are
/// the library's (`lheo::validate::JsonReport`).
pub fn write(
    out: &mut dyn Write,
    files: &[FileReport],
    lang: Lang,
    deny_warnings: bool,
) -> io::Result<()> {
    let report = JsonReport::new(
        files
            .iter()
            .map(|f| f.report.to_json(&f.name, lang, deny_warnings))
            .collect(),
    );
    serde_json::to_writer(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}
