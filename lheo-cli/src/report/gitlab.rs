//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues), for the merge
//! request widget and the pipeline's Code Quality tab.
//!
//! Each finding is an issue: `description` (`CODE : message — formation n° F1 « title »`),
//! `check_name` (the rule's code), `fingerprint`, `severity` (an error is `critical`, a
//! warning `major`, an info `info`), `categories`, and `location` (`path`: the file as given;
//! `lines.begin`: the line, 1 for a finding with no line, such as a workbook's). Every
//! finding is listed.
//!
//! The fingerprint says which finding it is from one run to the next, even when lines move
//! (an offer added above): it is a SHA-256 of the file name, the code, the record (its element
//! and `@numero`, or its path when it has none), the element path inside the record, the
//! message with its numbers blanked out (some messages quote a line), and the rank of the
//! finding among those that share all of this.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use lheo::{Diagnostic, Lang, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::FileReport;
use crate::report::human::record_name;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// Code Quality's severity for ours.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// What identifies a finding without its line: see the module documentation.
fn identity(file: &str, d: &Diagnostic) -> String {
    let mut key = String::with_capacity(128);
    key.push_str("lheo/v1\0");
    key.push_str(file);
    key.push('\0');
    key.push_str(d.code());
    key.push('\0');
    let mut path = d.path.as_str();
    if let Some(r) = d.record.as_deref() {
        key.push_str(r.element);
        key.push('\0');
        match &r.numero {
            Some(n) => {
                key.push_str("numero=");
                key.push_str(n);
            }
            None => key.push_str(&r.path),
        }
        path = path.strip_prefix(r.path.as_str()).unwrap_or(path);
    }
    key.push('\0');
    key.push_str(path);
    key.push('\0');
    let mut digits = false;
    for c in d.message.fr.chars() {
        if c.is_ascii_digit() {
            if !digits {
                key.push('#');
            }
            digits = true;
        } else {
            digits = false;
            key.push(c);
        }
    }
    key
}

/// The fingerprint of each finding of `file`, in order (see the module documentation).
pub fn fingerprints(file: &FileReport) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    file.report
        .diagnostics
        .iter()
        .map(|d| {
            let key = identity(&file.name, d);
            let rank = seen.entry(key.clone()).or_insert(0);
            *rank += 1;
            let mut hasher = Sha256::new();
            hasher.update(key.as_bytes());
            hasher.update(rank.to_le_bytes());
            let mut hex = String::with_capacity(64);
            for byte in hasher.finalize() {
                let _ = write!(hex, "{byte:02x}");
            }
            hex
        })
        .collect()
}

/// Writes the Code Quality report of `files`.
pub fn write(out: &mut dyn Write, files: &[FileReport], lang: Lang) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in files {
        let fingerprints = fingerprints(file);
        for (d, fingerprint) in file.report.diagnostics.iter().zip(fingerprints) {
            let mut description = format!("{} : {}", d.code(), d.text(lang));
            if let Some(r) = d.record.as_deref() {
                let _ = write!(description, " — {}", record_name(r, lang));
            }
            issues.push(Issue {
                kind: "issue",
                description,
                check_name: d.code(),
                fingerprint,
                severity: severity(d.severity),
                categories: ["Bug Risk"],
                location: IssueLocation {
                    path: &file.name,
                    lines: Lines {
                        begin: d.line().unwrap_or(1).max(1),
                    },
                },
            });
        }
    }
    serde_json::to_writer(&mut *out, &issues).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lheo::validate::{validate, ValidateOptions};
    use lheo::{Location, Profile, RecordRef, Rule};

    use super::*;

    fn in_offer(line: u32, formation: u32, message: &str) -> Diagnostic {
        let record = Arc::new(RecordRef {
            element: "formation",
            numero: Some("F1".into()),
            title: None,
            location: Location::Xml { line, column: 1 },
            path: format!("/lheo/offres/formation[{formation}]"),
        });
        Diagnostic::new(Rule::LheoPeriode, message, message)
            .at_line(line + 3, 5)
            .with_path(format!("/lheo/offres/formation[{formation}]/action[1]"))
            .in_record(record)
    }

    fn file(diagnostics: Vec<Diagnostic>) -> FileReport {
        let mut report = validate(&b""[..], &ValidateOptions::new(Profile::Xsd));
        report.diagnostics = diagnostics;
        FileReport {
            name: "flux.xml".into(),
            report,
        }
    }

    #[test]
    fn fingerprints_ignore_lines_and_offer_positions_but_tell_findings_apart() {
        let before = file(vec![
            in_offer(10, 1, "début 20260101 après la fin (ligne 12)"),
            in_offer(10, 1, "début 20260101 après la fin (ligne 12)"),
        ]);
        // An offer added above: every line and the offer's index moved.
        let after = file(vec![
            in_offer(90, 2, "début 20260101 après la fin (ligne 92)"),
            in_offer(90, 2, "début 20260101 après la fin (ligne 92)"),
        ]);
        let (a, b) = (fingerprints(&before), fingerprints(&after));
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        assert_eq!(a[0].len(), 64);
        let other = file(vec![in_offer(10, 1, "autre chose")]);
        assert_ne!(fingerprints(&other)[0], a[0]);
    }
}
