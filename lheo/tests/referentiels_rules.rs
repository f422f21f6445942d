//! The `REF-*` rules on the fixtures of `fixtures/referentiels/`, against the real samples of
//! `../shared/referentiels/` (the RNCP and RS XML fixtures, ROME v460, Certif Info, NSF): each
//! code fires on its own fixture and on no other; codes written without prefix, with spaces,
//! in lower case are found; the streaming path (captures, one or several threads) and the
//! model path agree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lheo::reader::read_document;
use lheo::referentiels::{Coverage, Kind, RefChecker, Referentiels};
use lheo::rules::Profile;
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::{Document, Severity};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/referentiels")
}

fn referentiels() -> Option<Arc<Referentiels>> {
    let Some(shared) = support::shared_dir() else {
        support::missing("the shared reference folder is absent");
        return None;
    };
    let dir = shared.join("referentiels");
    let paths = [
        dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml"),
        dir.join("france_competences_xml/export_fiches_RS_fixture.xml"),
        dir.join("rome/unix_referentiel_code_rome_v460_utf8.csv"),
        dir.join("certifinfo/opendata-certifinfo-01012025.head50.csv"),
        dir.join("bcn/n_groupe_specialite_.csv"),
    ];
    Some(Arc::new(Referentiels::load(&paths).expect("samples load")))
}

fn options(refs: &Arc<Referentiels>, profile: Profile, threads: usize) -> ValidateOptions {
    ValidateOptions::new(profile)
        .with_referentiels(Some(refs.clone()))
        .with_threads(threads)
}

fn run(path: &Path, options: &ValidateOptions) -> Report {
    let bytes = std::fs::read(path).unwrap();
    validate(&bytes[..], options)
}

fn ref_codes(report: &Report) -> Vec<&'static str> {
    let mut codes: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code().starts_with("REF-"))
        .map(|d| d.code())
        .collect();
    codes.dedup();
    codes
}

/// The fixtures and the one code each should give (`None` for `valide.xml`).
fn cases() -> Vec<(PathBuf, Option<String>)> {
    let mut out: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let code = stem
                .starts_with("REF-")
                .then(|| stem.trim_end_matches("-expiree").to_owned());
            (p, code)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_code_fires_on_its_own_fixture_and_on_no_other() {
    let Some(refs) = referentiels() else { return };
    let cases = cases();
    assert_eq!(cases.len(), 10);
    let mut seen = std::collections::BTreeSet::new();
    for profile in [Profile::Xsd, Profile::Lheo, Profile::FranceTravail] {
        for (path, code) in &cases {
            let report = run(path, &options(&refs, profile, 1));
            let expected: Vec<&str> = code.iter().map(String::as_str).collect();
            assert_eq!(ref_codes(&report), expected, "{}", path.display());
            // Nothing else is wrong with the fixtures (France Travail rules aside).
            let others: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| !d.code().starts_with("REF-") && !d.code().starts_with("FT-"))
                .collect();
            assert!(others.is_empty(), "{}: {others:?}", path.display());
            seen.extend(expected.iter().map(|c| c.to_string()));
        }
    }
    // Every REF rule of the catalogue has its fixture.
    let catalogue: std::collections::BTreeSet<String> = lheo::rules::catalogue::all()
        .map(|r| r.code())
        .filter(|c| c.starts_with("REF-"))
        .map(str::to_string)
        .collect();
    assert_eq!(catalogue.len(), 8);
    assert_eq!(seen, catalogue);
}

#[test]
fn without_referentials_no_rule_runs() {
    let Some(_) = referentiels() else { return };
    for (path, _) in cases() {
        let report = run(&path, &ValidateOptions::new(Profile::Lheo));
        assert!(ref_codes(&report).is_empty(), "{}", path.display());
        assert!(report.referentiels.is_empty());
    }
    // A referential of another kind does not check these codes.
    let shared = support::shared_dir().unwrap();
    let nsf_only = Arc::new(
        Referentiels::load(&[shared.join("referentiels/bcn/n_groupe_specialite_.csv")]).unwrap(),
    );
    let report = run(
        &fixtures().join("REF-RNCP-INCONNU.xml"),
        &options(&nsf_only, Profile::Lheo, 1),
    );
    assert!(ref_codes(&report).is_empty());
    assert_eq!(report.referentiels.len(), 1);
    assert_eq!(report.referentiels[0].kind, Kind::Nsf);
}

#[test]
fn findings_say_what_and_where() {
    let Some(refs) = referentiels() else { return };
    let opts = options(&refs, Profile::Lheo, 1);
    let one = |name: &str| {
        let report = run(&fixtures().join(name), &opts);
        let d = report
            .diagnostics
            .into_iter()
            .find(|d| d.code().starts_with("REF-"))
            .unwrap();
        (d.severity, d.path.clone(), d.message.fr.clone(), d.line())
    };
    let (sev, path, msg, line) = one("REF-RNCP-INACTIF-expiree.xml");
    assert_eq!(sev, Severity::Error);
    assert_eq!(path, "/lheo/offres/formation[1]/certification[1]/code-RNCP");
    assert!(line.is_some());
    for part in [
        "RNCP35809",
        "31/08/2026",
        "action[1]/session[1]",
        "07/09/2026",
    ] {
        assert!(msg.contains(part), "{part} in {msg}");
    }
    let (_, _, msg, _) = one("REF-RNCP-INACTIF.xml");
    assert!(
        msg.contains("inactive") && msg.contains("31/08/2024"),
        "{msg}"
    );
    let (_, path, msg, _) = one("REF-BLOC-INCONNU.xml");
    assert!(
        path.ends_with("blocs-competences[1]/bloc-competences[2]/code-bloc"),
        "{path}"
    );
    assert!(
        msg.contains("RNCP37488") && msg.contains("mais de RNCP35809"),
        "{msg}"
    );
    let (sev, _, msg, _) = one("REF-ROME-INCONNU.xml");
    assert_eq!(sev, Severity::Warning);
    assert!(msg.contains("A1500") && msg.contains("v460"), "{msg}");
    let (sev, _, msg, _) = one("REF-CERTIFINFO-INCONNU.xml");
    assert_eq!(sev, Severity::Warning);
    assert!(msg.contains("en vigueur"), "{msg}");
    let (_, _, msg, _) = one("REF-RNCP-INCONNU.xml");
    assert!(msg.contains("RNCP99999"), "{msg}");
}

#[test]
fn the_report_lists_the_referentials() {
    let Some(refs) = referentiels() else { return };
    let report = run(
        &fixtures().join("valide.xml"),
        &options(&refs, Profile::Lheo, 1),
    );
    assert!(report.is_valid(), "{:?}", report.diagnostics);
    let kinds: Vec<_> = report.referentiels.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, Kind::ALL);
    assert!(report
        .referentiels
        .iter()
        .all(|s| s.bytes > 0 && s.entries > 0));
}

/// One feed with every fixture's formation, many times over (several chunks).
fn big_feed() -> String {
    let mut formations = String::new();
    for _ in 0..40 {
        for (path, _) in cases() {
            let text = std::fs::read_to_string(path).unwrap();
            let start = text.find("<formation").unwrap();
            let end = text.rfind("</formation>").unwrap() + "</formation>".len();
            formations.push_str(&text[start..end]);
            formations.push('\n');
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>\n{formations}</offres></lheo>\n"
    )
}

#[test]
fn threads_give_the_report_of_one_pass() {
    let Some(refs) = referentiels() else { return };
    let feed = big_feed();
    let one = validate(feed.as_bytes(), &options(&refs, Profile::FranceTravail, 1));
    let mut many = options(&refs, Profile::FranceTravail, 3);
    many.chunk_bytes = 4096;
    let parallel = validate(feed.as_bytes(), &many);
    assert!(ref_codes(&one).len() > 8);
    assert_eq!(one.diagnostics, parallel.diagnostics);
}

#[test]
fn the_model_path_agrees_with_the_capture_path() {
    let Some(refs) = referentiels() else { return };
    for (path, _) in cases() {
        let bytes = std::fs::read(&path).unwrap();
        let report = validate(&bytes[..], &options(&refs, Profile::Lheo, 1));
        let captured: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code().starts_with("REF-"))
            .map(|d| {
                let relative = d.path.trim_start_matches("/lheo/offres/formation[1]/");
                (d.code(), relative.to_owned(), d.message.fr.clone())
            })
            .collect();
        let Document::Lheo(doc) = read_document(&bytes[..]).unwrap() else {
            panic!("lheo document expected")
        };
        let found: Vec<_> = RefChecker::new(&refs)
            .check_formation(&doc.offres.formation[0])
            .into_iter()
            .map(|d| (d.code(), d.path, d.message.fr.to_string()))
            .collect();
        assert_eq!(captured, found, "{}", path.display());
    }
}

#[test]
fn parcoursup_asks_for_the_whole_session() {
    let Some(refs) = referentiels() else { return };
    // RNCP35809 ends on 31/08/2026: a session from 01/01/2026 to 30/06/2027 starts while it is
    // registered, and ends after.
    let text = std::fs::read_to_string(fixtures().join("REF-RNCP-INACTIF-expiree.xml"))
        .unwrap()
        .replace("<debut>20260907</debut>", "<debut>20260105</debut>");
    let Document::Lheo(doc) = read_document(text.as_bytes()).unwrap() else {
        panic!("lheo document expected")
    };
    let formation = &doc.offres.formation[0];
    assert!(RefChecker::new(&refs).check_formation(formation).is_empty());
    let whole = RefChecker::new(&refs)
        .with_coverage(Coverage::WholeSession)
        .check_formation(formation);
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].code(), "REF-RNCP-INACTIF");
    assert!(
        whole[0].message.fr.contains("toute la période"),
        "{}",
        whole[0].message.fr
    );
    // The data Parcoursup's rule reads, without the rule.
    let fiche = refs.rncp().unwrap().lookup("RNCP35809").unwrap();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert!(fiche.covers(day(2026, 1, 5), day(2026, 8, 31)));
    assert!(!fiche.covers(day(2026, 1, 5), day(2027, 6, 30)));
}

#[test]
fn a_code_of_an_older_rome_is_named() {
    let Some(shared) = support::shared_dir() else {
        support::missing("the shared reference folder is absent");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let older = tmp.path().join("unix_referentiel_code_rome_v459_utf8.csv");
    std::fs::write(
        &older,
        "\"code_rome\",\"libelle_rome\",\"code_rome_parent\"\n\"A1500\",\"Soins aux animaux\",\"A1500\"\n",
    )
    .unwrap();
    let current = shared.join("referentiels/rome/unix_referentiel_code_rome_v460_utf8.csv");
    let refs = Arc::new(Referentiels::load(&[&current, &older]).unwrap());
    let rome: Vec<_> = refs
        .sources()
        .iter()
        .filter(|s| s.kind == Kind::Rome)
        .collect();
    assert_eq!(rome.len(), 2);
    assert_eq!(
        rome.iter()
            .find(|s| s.is_used())
            .unwrap()
            .version
            .as_deref(),
        Some("v460")
    );
    let report = run(
        &fixtures().join("REF-ROME-INCONNU.xml"),
        &options(&refs, Profile::Lheo, 1),
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "REF-ROME-INCONNU")
        .unwrap();
    assert!(
        d.message.fr.contains("version plus ancienne du ROME v459"),
        "{}",
        d.message.fr
    );
}
