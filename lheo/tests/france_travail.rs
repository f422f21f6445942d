//! The France Travail profile on its fixtures: every rule fires on its own fixture and on no
//! other; the compliant feed has no finding at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use lheo::rules::{catalogue, Profile};
use lheo::validate::{validate, Report, ValidateOptions};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/france-travail")
}

fn run(name: &str) -> Report {
    let path = fixtures().join(format!("{name}.xml"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut options = ValidateOptions::new(Profile::FranceTravail);
    options.today = NaiveDate::from_ymd_opt(2027, 1, 4);
    validate(&bytes[..], &options)
}

#[test]
fn the_compliant_feed_has_no_finding() {
    let report = run("conforme");
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn every_rule_fires_on_its_fixture_and_only_there() {
    let rules: Vec<_> = catalogue::all()
        .filter(|r| r.profile() == Profile::FranceTravail)
        .collect();
    assert_eq!(rules.len(), 19);
    for rule in rules {
        let report = run(rule.code());
        let codes: BTreeSet<&str> = report.diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(
            codes,
            BTreeSet::from([rule.code()]),
            "fixture {}: {:#?}",
            rule,
            report.diagnostics
        );
        let d = &report.diagnostics[0];
        assert_eq!(d.severity, rule.severity(), "{rule}");
        assert!(
            d.line().is_some_and(|l| l > 1),
            "{}: located {:?}",
            rule,
            d.location
        );
        assert!(
            d.path.starts_with("/lheo/offres/formation[1]/"),
            "{}: {}",
            rule,
            d.path
        );
    }
}

#[test]
fn one_diagnostic_per_offending_element() {
    let report = run("FT-RDV-PLAGE");
    assert_eq!(report.diagnostics.len(), 1);
    let d = &report.diagnostics[0];
    assert_eq!(
        d.message.fr,
        "RDVI du 15/01/2027 : heure de début 6h30 avant 7h00"
    );
    assert_eq!(
        d.path,
        "/lheo/offres/formation[1]/action[1]/session[1]/recrutement[3]"
    );
}
