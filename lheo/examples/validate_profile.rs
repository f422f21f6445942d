//! Recipe: validate a feed with a profile.
//!
//! `validate` checks a document in one pass: the structure exactly as the official XSD
//! (profile `xsd`), the LHEO specification's rules (`lheo`, the default), and a partner's
//! business rules (`france-travail`); a `Severity::Error` makes the
//! feed invalid. Every finding is a `Diagnostic` with a stable code,
//! a severity, a French and an English message, its line and column and the element's path.
//! A feed that cannot be read at all (not XML, truncated) gets a report too: its finding says
//! why. Date rules compare with "today": set it for reproducible reports.
//!
//! ```sh
//! cargo run -p lheo --example validate_profile -- fixtures/france-travail/FT-RDV-PLAGE.xml france-travail
//! ```

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use chrono::NaiveDate;
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::{Lang, Profile};

/// Validates the feed at `path` with `profile`, as on day `today`, and prints its findings.
pub fn check(path: &Path, profile: Profile, today: NaiveDate) -> Result<Report, lheo::Error> {
    let file = File::open(path)?;
    let options = ValidateOptions::new(profile).with_today(today);
    let report = validate(BufReader::new(file), &options);

    let counts = report.counts();
    println!(
        "{} ({}, profile {}): {} error(s), {} warning(s)",
        path.display(),
        report.version.map_or("?", |v| v.as_str()),
        profile.name(),
        counts.error,
        counts.warning
    );
    for d in &report.diagnostics {
        // Errors make the feed invalid; warnings and infos do not.
        let place = d.line().map(|l| format!("line {l} ")).unwrap_or_default();
        println!(
            "  {} {} {place}{}: {}",
            d.severity,
            d.code(),
            d.path,
            d.text(Lang::En)
        );
    }
    Ok(report)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "fixtures/exemple.xml".into());
    let profile = match args.next() {
        Some(name) => Profile::from_name(&name).ok_or(format!("unknown profile {name}"))?,
        None => Profile::Lheo,
    };
    let today = chrono::Local::now().date_naive();
    let report = check(Path::new(&path), profile, today)?;
    std::process::exit(if report.is_valid() { 0 } else { 1 });
}
