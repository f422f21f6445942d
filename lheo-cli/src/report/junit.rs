//! `--format junit`: JUnit XML for GitLab and Jenkins test reports.
//!
//! One `testsuite` per file, one `testcase` per rule of the profile (plus any other code that
//! was reported), named `CODE : description`. Test names are therefore the same from one run
//! to the next, so CI tools can follow a rule's history and show "28 passed, 1 failed".
//! A rule with errors (or, with `--deny-warnings`, warnings) gets a `<failure>` whose text
//! lists every finding (`ligne:colonne : message (chemin)`); warnings and infos that do not
//! fail are listed in `<system-out>`. Nothing is capped.

use std::fmt::Write as _;
use std::io::{self, Write};

use lheo::rules::{catalogue, Rule};
use lheo::{Diagnostic, Lang, Location, Severity};

use super::FileReport;

/// Escapes text for XML content and double-quoted attribute values; characters XML 1.0 cannot
/// carry become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One rule's findings in one file.
struct Case<'a> {
    code: &'a str,
    description: String,
    diagnostics: Vec<&'a Diagnostic>,
}

impl Case<'_> {
    fn fails(&self, deny_warnings: bool) -> bool {
        self.diagnostics.iter().any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        })
    }
}

fn cases<'a>(file: &'a FileReport, lang: Lang) -> Vec<Case<'a>> {
    let describe = |r: Rule| r.description(lang).to_owned();
    // Workbook rules only make test cases for workbooks, referential rules only with
    // referentials.
    let lower = file.name.to_ascii_lowercase();
    let workbook = [".xlsx", ".xls", ".ods"].iter().any(|e| lower.ends_with(e));
    let referentiels = !file.report.referentiels.is_empty();
    let mut cases: Vec<Case> = catalogue::rules_for(file.report.profile)
        .filter(|r| workbook || !r.code().starts_with("CLASSEUR-"))
        .filter(|r| referentiels || !r.code().starts_with("REF-"))
        .map(|r| Case {
            code: r.code(),
            description: describe(r),
            diagnostics: Vec::new(),
        })
        .collect();
    for d in &file.report.diagnostics {
        match cases.iter_mut().find(|c| c.code == d.code()) {
            Some(case) => case.diagnostics.push(d),
            None => cases.push(Case {
                code: d.code(),
                description: catalogue::rule(d.code()).map(describe).unwrap_or_default(),
                diagnostics: vec![d],
            }),
        }
    }
    cases
}

/// `12:5 : message (chemin)` for one finding.
fn finding_line(d: &Diagnostic, lang: Lang) -> String {
    let mut s = String::new();
    let sep = match lang {
        Lang::Fr => " : ",
        Lang::En => ": ",
    };
    match &d.location {
        Location::Xml { line, column } => {
            let _ = write!(s, "{line}:{column}{sep}");
        }
        Location::Cell { sheet, cell } => {
            let _ = write!(s, "{sheet}!{cell}{sep}");
        }
        Location::None => {}
    }
    let _ = write!(s, "[{}] {}", d.severity.as_str(), d.text(lang));
    if !d.path.is_empty() {
        let _ = write!(s, " ({})", d.path);
    }
    s
}

/// Writes the JUnit report of `files`.
pub fn write(
    out: &mut dyn Write,
    files: &[FileReport],
    lang: Lang,
    deny_warnings: bool,
) -> io::Result<()> {
    let all: Vec<(&FileReport, Vec<Case>)> = files.iter().map(|f| (f, cases(f, lang))).collect();
    let tests: usize = all.iter().map(|(_, c)| c.len()).sum();
    let failures: usize = all
        .iter()
        .map(|(_, c)| c.iter().filter(|c| c.fails(deny_warnings)).count())
        .sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="lheo validate" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for (file, cases) in &all {
        let name = escape(&file.name);
        let suite_failures = cases.iter().filter(|c| c.fails(deny_warnings)).count();
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{suite_failures}" errors="0" skipped="0">"#,
            cases.len()
        )?;
        writeln!(out, "    <properties>")?;
        writeln!(
            out,
            r#"      <property name="profile" value="{}"/>"#,
            file.report.profile.name()
        )?;
        writeln!(
            out,
            r#"      <property name="version" value="{}"/>"#,
            file.report.version.map_or("", |v| v.as_str())
        )?;
        writeln!(out, "    </properties>")?;
        for case in cases {
            let title = if case.description.is_empty() {
                case.code.to_owned()
            } else {
                format!("{} : {}", case.code, case.description)
            };
            write!(
                out,
                r#"    <testcase classname="{name}" name="{}""#,
                escape(&title)
            )?;
            if case.diagnostics.is_empty() {
                writeln!(out, "/>")?;
                continue;
            }
            writeln!(out, ">")?;
            let body: String = case
                .diagnostics
                .iter()
                .map(|d| finding_line(d, lang) + "\n")
                .collect();
            if case.fails(deny_warnings) {
                let n = case.diagnostics.len();
                let first = case.diagnostics[0].text(lang);
                let message = match (n, lang) {
                    (1, _) => first.to_owned(),
                    (_, Lang::Fr) => format!("{first} (et {} autres)", n - 1),
                    (_, Lang::En) => format!("{first} (and {} more)", n - 1),
                };
                let worst = case
                    .diagnostics
                    .iter()
                    .map(|d| d.severity)
                    .max()
                    .unwrap_or(Severity::Error);
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    worst.as_str(),
                    escape(&message),
                    escape(&body)
                )?;
            } else {
                writeln!(out, "      <system-out>{}</system-out>", escape(&body))?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c\"'\u{1b}[31m"),
            "a&lt;b&gt;&amp;&quot;c&quot;'\u{FFFD}[31m"
        );
    }
}
