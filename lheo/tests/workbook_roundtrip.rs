//! Feed → workbook → feed is lossless: the model read back equals the model of the feed.
//! Fixtures, generated feeds covering every element of every root, the real corpus.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/books.rs"]
mod books;
#[path = "support/codes.rs"]
mod codes;
mod support;

use std::io::Cursor;

use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::reader::read_document;
use lheo::validate::ValidateOptions;
use lheo::workbook::{self, read_workbook};
use lheo::Document;

/// Exports `xml`, reads the workbook back, and checks the model is the same.
fn round_trip(name: &str, xml: &[u8]) -> Vec<u8> {
    let before = read_document(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut xlsx = Vec::new();
    workbook::export(xml, &mut xlsx).unwrap_or_else(|e| panic!("{name}: export: {e}"));
    let imported = read_workbook(Cursor::new(&xlsx)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(imported.is_ok(), "{name}: {:#?}", imported.diagnostics);
    let after = imported.document().unwrap_or_else(|e| {
        panic!(
            "{name}: {e}\n{}",
            String::from_utf8_lossy(&imported.xml.to_vec().unwrap())
        )
    });
    books::assert_same_model(name, ("before: ", "after:  "), &before, &after);
    xlsx
}

#[test]
fn fixtures_round_trip() {
    for f in ["exemple.xml", "minimal.xml", "exemple-2.2.xml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(f);
        let xml = std::fs::read(&path).unwrap();
        round_trip(f, &xml);
    }
}

#[test]
fn generated_feeds_of_every_root_round_trip() {
    for root in Root::ALL {
        for seed in 0..3 {
            let options = GenerateOptions::new(3)
                .with_seed(seed)
                .with_root(root)
                .with_today(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
            let xml = Generator::new(options).to_xml_string();
            round_trip(&format!("{root:?} seed {seed}"), xml.as_bytes());
        }
    }
}

#[test]
fn template_is_valid_for_every_profile() {
    let xlsx = workbook::template(Vec::new()).unwrap();
    let imported = read_workbook(Cursor::new(xlsx)).unwrap();
    assert!(imported.is_ok(), "{:#?}", imported.diagnostics);
    for profile in lheo::rules::Profile::ALL {
        let options = ValidateOptions::new(profile)
            .with_today(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"));
        let report = imported.validate(&options);
        assert!(report.is_valid(), "{profile:?}: {:#?}", report.diagnostics);
    }
    assert!(matches!(imported.document().unwrap(), Document::Lheo(_)));
}

/// Every feed of the real corpus that the library reads (the XSD-valid ones of SOURCES.md
/// among them) survives feed → workbook → feed.
#[test]
fn real_corpus_round_trips() {
    let Some(shared) = support::shared_dir() else {
        support::missing("../shared is absent: the real corpus cannot be read");
        return;
    };
    let dir = shared.join("corpus/real");
    let mut done = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("xml") {
            continue;
        }
        let xml = std::fs::read(&path).unwrap();
        if read_document(&xml[..]).is_err() {
            continue; // not LHEO 2.x (EDOF), or not buildable: refused by read_document too
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        round_trip(&name, &xml);
        done.push(name);
    }
    for valid in [
        "intercarif-grandest-fli-2.3-anonymise.xml",
        "onisep-bts-nrc-2.2.xml",
        "intercarif-centre-etoile-plaquiste-2.2.xml",
        "intercarif-occitanie-daeu-2.2.xml",
        "intercarif-poec-gestionnaire-paie-2.2.xml",
        "intercarif-trouvermaformation-financeur16-2.2.xml",
        "intercarif-lheo-index-resumes-paris-2.2.xml",
        "intercarif-lheo-index-resume-single-2.2.xml",
    ] {
        assert!(
            done.iter().any(|d| d == valid),
            "{valid} was not round-tripped: {done:?}"
        );
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;
    use support::strategies;

    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(16);
        ProptestConfig {
            cases,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// Random valid documents of the three kinds (every element can occur, extras with
        /// free XML in several namespaces) survive model → XML → workbook → model.
        #[test]
        fn random_documents_round_trip(doc in strategies::document()) {
            let xml = lheo::writer::to_string(&doc);
            let mut xlsx = Vec::new();
            workbook::export(xml.as_bytes(), &mut xlsx).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let imported = read_workbook(Cursor::new(xlsx)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(imported.is_ok(), "{:#?}", imported.diagnostics);
            let back = imported.document().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (a, b) = (lheo::writer::to_string(&codes::trim_codes(&doc)), lheo::writer::to_string(&back));
            // Streamed record by record from the trees it reads (written from the tree where
            // the model would write the same), the feed is the model's.
            let streamed = imported.write_feed(Vec::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(streamed == b.as_bytes(), "write_feed and the writer disagree");
            if a != b {
                let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
                prop_assert!(false, "differ at line {}:\n{:?}\n{:?}", line, a.lines().nth(line), b.lines().nth(line));
            }
        }
    }
}
