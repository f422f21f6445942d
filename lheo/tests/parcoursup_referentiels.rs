//! PARCOURSUP-RNCP with the referentials: the Parcoursup annex asks for « un enregistrement
//! RNCP actif sur la période de formation déclarée ». Under the `parcoursup` profile the
//! registration must cover the whole session (`Coverage::WholeSession`); under every other
//! profile, its start (`Coverage::SessionStart`). Checked on `fixtures/parcoursup/referentiels/`
//! against the RNCP sample of `../shared/referentiels/`, on one and several threads, and on a
//! formation read into the model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use lheo::reader::read_document;
use lheo::referentiels::{Coverage, RefChecker, Referentiels};
use lheo::rules::Profile;
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::Document;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/parcoursup/referentiels")
        .join(format!("{name}.xml"))
}

/// The RNCP sample (RNCP37488 registered until 31/08/2028, RNCP39568 until 31/08/2029).
fn rncp() -> Option<Arc<Referentiels>> {
    let Some(shared) = support::shared_dir() else {
        support::missing("the shared reference folder is absent");
        return None;
    };
    let path = shared.join("referentiels/france_competences_xml/export_fiches_RNCP_fixture.xml");
    Some(Arc::new(
        Referentiels::load(&[path]).expect("the RNCP sample loads"),
    ))
}

fn run(name: &str, refs: &Arc<Referentiels>, profile: Profile, threads: usize) -> Report {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let options = ValidateOptions::new(profile)
        .with_today(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap())
        .with_referentiels(Some(refs.clone()))
        .with_threads(threads)
        .with_chunk_bytes(2000);
    validate(&bytes[..], &options)
}

#[test]
fn only_parcoursup_asks_for_the_whole_session() {
    for profile in Profile::ALL {
        let expected = if profile == Profile::Parcoursup {
            Coverage::WholeSession
        } else {
            Coverage::SessionStart
        };
        assert_eq!(Coverage::for_profile(profile), expected, "{profile:?}");
    }
}

#[test]
fn a_registration_ending_during_the_session_fails_parcoursup_only() {
    let Some(refs) = rncp() else { return };
    for threads in [1, 2] {
        // Registered over the whole session: nothing to say under any profile.
        for profile in Profile::ALL {
            let report = run("conforme", &refs, profile, threads);
            let refs_found: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.code().starts_with("REF-"))
                .collect();
            assert!(refs_found.is_empty(), "{profile:?}: {refs_found:#?}");
        }
        let report = run("conforme", &refs, Profile::Parcoursup, threads);
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        assert_eq!(report.referentiels.len(), 1);

        // RNCP37488 ends on 31/08/2028, the session runs from 01/09/2027 to 30/06/2029.
        let report = run("REF-RNCP-INACTIF", &refs, Profile::Parcoursup, threads);
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.path.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "REF-RNCP-INACTIF",
                "/lheo/offres/formation[1]/certification[1]/code-RNCP"
            )],
            "threads {threads}"
        );
        let d = &report.diagnostics[0];
        assert!(
            d.message
                .fr
                .contains("enregistrement terminé le 31/08/2028")
                && d.message.fr.contains("avant la fin de la session")
                && d.message.fr.contains("(30/06/2029)")
                && d.message.fr.contains("toute la période de formation"),
            "{}",
            d.message.fr
        );
        assert!(!report.is_valid());
        // Under the other profiles the session starts while the fiche is registered.
        for profile in [
            Profile::Xsd,
            Profile::Lheo,
            Profile::FranceTravail,
            Profile::Carif,
        ] {
            let report = run("REF-RNCP-INACTIF", &refs, profile, threads);
            assert!(
                !report
                    .diagnostics
                    .iter()
                    .any(|d| d.code().starts_with("REF-")),
                "{profile:?}: {:#?}",
                report.diagnostics
            );
        }
        let report = run("REF-RNCP-INACTIF", &refs, Profile::Carif, threads);
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }
}

#[test]
fn a_formation_in_code_gets_the_same_finding() {
    let Some(refs) = rncp() else { return };
    let bytes = std::fs::read(fixture("REF-RNCP-INACTIF")).unwrap();
    let Ok(Document::Lheo(doc)) = read_document(&bytes[..]) else {
        panic!("an lheo document expected")
    };
    let formation = &doc.offres.formation[0];
    let check = |profile| {
        RefChecker::new(&refs)
            .with_coverage(Coverage::for_profile(profile))
            .check_formation(formation)
            .into_iter()
            .map(|d| (d.code(), d.path))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        check(Profile::Parcoursup),
        [("REF-RNCP-INACTIF", "certification[1]/code-RNCP".to_owned())]
    );
    assert!(check(Profile::Carif).is_empty());
}
