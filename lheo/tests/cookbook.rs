//! The cookbook's recipes (`lheo/examples/`, shown in `lheo::cookbook`) run here on the
//! fixtures, and what each one returns is checked: a recipe that stops working fails the tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

// Each recipe is compiled here as a module; its `main` (arguments, exit code) is left to
// `cargo run -p lheo --example NAME`.
#[allow(dead_code)]
#[path = "../examples/build_feed.rs"]
mod build_feed;
#[allow(dead_code)]
#[path = "../examples/convert.rs"]
mod convert;
#[allow(dead_code)]
#[path = "../examples/diff_feeds.rs"]
mod diff_feeds;
#[allow(dead_code)]
#[path = "../examples/referentiels.rs"]
mod referentiels;
#[allow(dead_code)]
#[path = "../examples/stream_feed.rs"]
mod stream_feed;
#[allow(dead_code)]
#[path = "../examples/validate_profile.rs"]
mod validate_profile;
#[cfg(feature = "workbook")]
#[allow(dead_code)]
#[path = "../examples/workbook.rs"]
mod workbook;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::validate::ValidateOptions;
use lheo::{read_document, Document, ErrorKind, Profile};

/// The recipes this file runs: every file of `lheo/examples/`.
const RECIPES: [&str; 7] = [
    "build_feed",
    "convert",
    "diff_feeds",
    "referentiels",
    "stream_feed",
    "validate_profile",
    "workbook",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("fixtures").join(name)
}

fn read(path: &Path) -> Document {
    read_document(&std::fs::read(path).unwrap()[..]).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
}

#[test]
fn every_recipe_is_run_here_and_shown_in_the_cookbook() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found,
        RECIPES,
        "a recipe of {} is not run here",
        dir.display()
    );
    let cookbook =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cookbook.rs"))
            .unwrap();
    for recipe in RECIPES {
        assert!(
            cookbook.contains(&format!("examples/{recipe}.rs")),
            "{recipe} is not in the cookbook"
        );
    }
}

#[test]
fn stream_a_feed() {
    let path = fixture("exemple.xml");
    let tally = stream_feed::tally(&path).unwrap();
    // Counted independently, on the XML tree.
    let text = std::fs::read_to_string(&path).unwrap();
    let tree = roxmltree::Document::parse(&text).unwrap();
    let count = |name: &str| {
        tree.descendants()
            .filter(|n| n.tag_name().name() == name)
            .count()
    };
    assert_eq!(tally.formations, count("formation"));
    assert_eq!(tally.sessions, count("session"));
    assert!(tally.formations > 1, "{tally:?}");
    assert_eq!(tally.version.as_deref(), Some("2.3"));

    // A truncated feed is an error, never a shorter feed.
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("coupe.xml");
    std::fs::write(&cut, &text.as_bytes()[..text.len() * 2 / 3]).unwrap();
    let e = stream_feed::tally(&cut).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e:?}");
    assert!(e.location().is_some(), "{e:?}");
    // And a missing file is an I/O error.
    let e = stream_feed::tally(&dir.path().join("absent.xml")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
}

#[test]
fn validate_with_a_profile() {
    let plage = fixture("france-travail/FT-RDV-PLAGE.xml");
    let report = validate_profile::check(&plage, Profile::FranceTravail, today()).unwrap();
    assert!(!report.is_valid());
    let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code()).collect();
    assert!(codes.contains(&"FT-RDV-PLAGE"), "{codes:?}");
    assert!(report.diagnostics.iter().all(|d| d.line().is_some()));
    // The France Travail rules are not part of the lheo profile.
    let report = validate_profile::check(&plage, Profile::Lheo, today()).unwrap();
    assert!(report
        .diagnostics
        .iter()
        .all(|d| !d.code().starts_with("FT-")));

    let conforme = fixture("france-travail/conforme.xml");
    let report = validate_profile::check(&conforme, Profile::FranceTravail, today()).unwrap();
    assert!(report.is_valid(), "{:?}", report.diagnostics);
}

#[test]
fn build_a_feed_in_code() {
    let (report, xml) = build_feed::build(Profile::FranceTravail, today()).unwrap();
    assert!(report.is_valid(), "{:?}", report.diagnostics);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    // What was written reads back as what was built.
    let Document::Lheo(lheo) = read_document(&xml[..]).unwrap() else {
        panic!("an lheo document");
    };
    assert_eq!(lheo.offres.formation, [build_feed::formation().unwrap()]);
    // A rule that depends on the day: the information meeting is past a month later.
    let later = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let (report, _) = build_feed::build(Profile::FranceTravail, later).unwrap();
    let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["FT-RDV-PASSE"]);
}

#[test]
fn convert_a_feed() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("exemple-2.2.xml");
    let output = dir.path().join("exemple-2.3.xml");
    let conversion = convert::to_2_3(&input, &output, &ValidateOptions::default()).unwrap();
    assert!(conversion.written, "{:?}", conversion.report.diagnostics);
    assert!(conversion.records > 0);
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(text.contains("xmlns=\"http://lheo.gouv.fr/2.3\""));
    assert_eq!(read(&output), read(&input));

    // An invalid feed: nothing is left behind, not even the partial file.
    let invalid = dir.path().join("invalide-2.3.xml");
    let conversion = convert::to_2_3(
        &fixture("invalide.xml"),
        &invalid,
        &ValidateOptions::default(),
    )
    .unwrap();
    assert!(!conversion.written);
    assert!(!conversion.report.is_valid());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["exemple-2.3.xml"]);
}

#[test]
fn diff_two_feeds() {
    let old = fixture("exemple.xml");
    let same = diff_feeds::compare(&old, &old).unwrap();
    assert!(same.is_empty(), "{same:?}");

    // A session's end date moves, and the export time changes (ignored by the recipe).
    let Document::Lheo(mut lheo) = read(&old) else {
        panic!("an lheo document");
    };
    lheo.offres.formation[0].action[0].session[0].periode.fin =
        "20991231".parse::<lheo::Date>().unwrap().into();
    lheo.offres.formation[0].attrs.horodatage_export = Some("2027-01-04T12:00:00".into());
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("nouveau.xml");
    lheo::writer::write_document(&Document::Lheo(lheo), std::fs::File::create(&new).unwrap())
        .unwrap();
    let summary = diff_feeds::compare(&old, &new).unwrap();
    assert_eq!((summary.added, summary.removed, summary.changed), (0, 0, 1));
}

#[cfg(feature = "workbook")]
#[test]
fn export_and_import_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let feed = fixture("exemple.xml");
    let xlsx = dir.path().join("exemple.xlsx");
    let document = workbook::round_trip(&feed, &xlsx).unwrap();
    assert_eq!(document, read(&feed));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}

#[test]
fn check_codes_against_referentials() {
    // A file that is not a referential is an error that names it (no shared data needed).
    let not_one = fixture("exemple.xml");
    let e = referentiels::check(
        &fixture("referentiels/valide.xml"),
        std::slice::from_ref(&not_one),
        Profile::Lheo,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Referentiel);
    assert_eq!(e.file(), Some(not_one.display().to_string().as_str()));

    let Some(shared) = support::shared_dir() else {
        support::missing("the shared reference folder is absent");
        return;
    };
    let dir = shared.join("referentiels");
    let paths = [
        dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml"),
        dir.join("rome/unix_referentiel_code_rome_v460_utf8.csv"),
    ];
    let ref_codes = |feed: &str| -> Vec<&'static str> {
        let report = referentiels::check(&fixture(feed), &paths, Profile::Lheo).unwrap();
        assert_eq!(report.referentiels.len(), 2, "{:?}", report.referentiels);
        report
            .diagnostics
            .iter()
            .map(|d| d.code())
            .filter(|c| c.starts_with("REF-"))
            .collect()
    };
    assert_eq!(ref_codes("referentiels/valide.xml"), Vec::<&str>::new());
    assert_eq!(
        ref_codes("referentiels/REF-RNCP-INCONNU.xml"),
        ["REF-RNCP-INCONNU"]
    );
    assert_eq!(
        ref_codes("referentiels/REF-ROME-INCONNU.xml"),
        ["REF-ROME-INCONNU"]
    );
}
