//! `lheo rules`: the rule catalogue (`lheo::rules::catalogue::all`, France Travail, Carif-Oref
//! and Parcoursup rules included), as an aligned table or as JSON (`schemas/rules.schema.json`).

use std::io::{self, Write};

use lheo::rules::{catalogue, Rule};
use lheo::{Lang, Severity};
use serde::Serialize;

use super::stdout_error;
use crate::cli::{RulesArgs, RulesFormat};
use crate::error::Outcome;

#[derive(Serialize)]
struct JsonRules<'a> {
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    code: &'a str,
    profile: &'static str,
    severity: Severity,
    description: &'a str,
}

/// Runs `lheo rules`.
pub fn run(args: RulesArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    let profile = args.profile.map(|p| p.profile());
    let rules: Vec<Rule> = match profile {
        Some(p) => catalogue::rules_for(p).collect(),
        None => catalogue::all().collect(),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        RulesFormat::Human => write_table(&mut out, &rules, lang),
        RulesFormat::Json => write_json(&mut out, &rules, lang),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) => stdout_error(&e, Outcome::Success, lang),
    }
}

/// An aligned table: code, profile, severity, description.
pub fn write_table(out: &mut dyn Write, rules: &[Rule], lang: Lang) -> io::Result<()> {
    let header = match lang {
        Lang::Fr => ["CODE", "PROFIL", "GRAVITÉ", "DESCRIPTION"],
        Lang::En => ["CODE", "PROFILE", "SEVERITY", "DESCRIPTION"],
    };
    let rows: Vec<[&str; 4]> = rules
        .iter()
        .map(|r| {
            let severity = match lang {
                Lang::Fr => r.severity().french(),
                Lang::En => r.severity().as_str(),
            };
            [r.code(), r.profile().name(), severity, r.description(lang)]
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|row| row[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    for row in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i < 3 {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `{"rules": [{"code", "profile", "severity", "description"}]}`.
pub fn write_json(out: &mut dyn Write, rules: &[Rule], lang: Lang) -> io::Result<()> {
    let doc = JsonRules {
        rules: rules
            .iter()
            .map(|r| JsonRule {
                code: r.code(),
                profile: r.profile().name(),
                severity: r.severity(),
                description: r.description(lang),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
