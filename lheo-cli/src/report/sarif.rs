//! `--format sarif`: SARIF 2.1.0 (OASIS), for code-scanning tools (GitHub code scanning,
//! GitLab, IDE viewers).
//!
//! One run of the tool `lheo` over every file given: the driver lists the rules of the
//! profile (and any other rule that was reported) with their descriptions and default
//! levels; each finding is a result with its `ruleId`, `level` (`error`, `warning`, `note` for
//! an info), message (in `--lang`), a `physicalLocation` (the file as a relative URI
//! reference, `region.startLine`/`startColumn` in XML; the column counts bytes, as in every
//! lheo report) and a `logicalLocation` (the element path). A workbook finding has no region:
//! its `sheet` and `cell` are in the result's `properties`, with the `record` it is in (as
//! in `--format json`). `partialFingerprints["lheo/v1"]` is the same as `--format gitlab`'s
//! fingerprint. Every finding is listed (`--severity` and `--max-per-rule` shape the human
//! and HTML reports only).

use std::collections::HashMap;
use std::io::{self, Write};

use lheo::rules::{catalogue, Rule};
use lheo::validate::JsonRecord;
use lheo::{Lang, Location, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::Serialize;

use super::{gitlab, FileReport};

/// The schema the document names.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Characters escaped in a file name made a URI reference: what is not allowed in a path
/// segment (RFC 3986), but `/`.
const URI_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor<'a> {
    id: &'static str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    profile: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [ResultLocation<'a>; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "ResultProperties::is_empty")]
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "lheo/v1")]
    lheo: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<JsonRecord<'a>>,
}

impl ResultProperties<'_> {
    fn is_empty(&self) -> bool {
        self.sheet.is_none() && self.cell.is_none() && self.record.is_none()
    }
}

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a URI reference (relative names stay relative; `\` becomes `/`).
pub fn uri(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    utf8_percent_encode(&slashed, URI_PATH).to_string()
}

/// The rules of the run: those of `files`' profile, then any other one reported.
fn rules(files: &[FileReport]) -> Vec<Rule> {
    let mut rules: Vec<Rule> = match files.first() {
        Some(f) => catalogue::rules_for(f.report.profile).collect(),
        None => Vec::new(),
    };
    for f in files {
        for d in &f.report.diagnostics {
            if !rules.contains(&d.rule) {
                rules.push(d.rule);
            }
        }
    }
    rules
}

/// Writes the SARIF log of `files`; `columns[i]` gives the character column of the byte
/// columns of file `i` (see [`super::columns`]; a place it lacks keeps its byte column).
pub fn write(
    out: &mut dyn Write,
    files: &[FileReport],
    columns: &[HashMap<(u32, u32), u32>],
    lang: Lang,
) -> io::Result<()> {
    let no_columns = HashMap::new();
    let rules = rules(files);
    let descriptors = rules
        .iter()
        .map(|r| RuleDescriptor {
            id: r.code(),
            short_description: Text {
                text: r.description(lang),
            },
            full_description: Text {
                text: r.description(lang),
            },
            default_configuration: Configuration {
                level: level(r.severity()),
            },
            properties: RuleProperties {
                profile: r.profile().name(),
            },
        })
        .collect();
    let mut results = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let fingerprints = gitlab::fingerprints(file);
        let columns = columns.get(index).unwrap_or(&no_columns);
        for (d, fingerprint) in file.report.diagnostics.iter().zip(fingerprints) {
            let (region, sheet, cell) = match &d.location {
                Location::Xml { line, column } => (
                    Some(Region {
                        start_line: (*line).max(1),
                        start_column: columns
                            .get(&(*line, *column))
                            .copied()
                            .unwrap_or(*column)
                            .max(1),
                    }),
                    None,
                    None,
                ),
                Location::Cell { sheet, cell } => (None, Some(sheet.as_str()), Some(cell.as_str())),
                Location::None => (None, None, None),
            };
            let logical_locations = if d.path.is_empty() {
                Vec::new()
            } else {
                vec![LogicalLocation {
                    fully_qualified_name: &d.path,
                    kind: "element",
                }]
            };
            results.push(SarifResult {
                rule_id: d.code(),
                rule_index: rules.iter().position(|r| *r == d.rule).unwrap_or(0),
                level: level(d.severity),
                message: Text { text: d.text(lang) },
                locations: [ResultLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(&file.name),
                            index: Some(index),
                        },
                        region,
                    },
                    logical_locations,
                }],
                partial_fingerprints: Fingerprints { lheo: fingerprint },
                properties: ResultProperties {
                    sheet,
                    cell,
                    record: d.record.as_deref().map(JsonRecord::new),
                },
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "lheo",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: descriptors,
                },
            },
            artifacts: files
                .iter()
                .map(|f| Artifact {
                    location: ArtifactLocation {
                        uri: uri(&f.name),
                        index: None,
                    },
                })
                .collect(),
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_uri_references() {
        assert_eq!(uri("flux/offres 2026.xml"), "flux/offres%202026.xml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri(r"C:\flux\été.xml"), "C:/flux/%C3%A9t%C3%A9.xml");
    }
}
