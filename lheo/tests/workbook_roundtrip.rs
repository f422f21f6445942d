//! Feed → workbook → feed is lossless: the model read back equals the model of the feed.
//! Fixtures, generated feeds covering every element of every root, the real corpus.

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
    let after = imported
        .document()
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}", String::from_utf8_lossy(&imported.xml)));
    if before != after {
        let a = lheo::writer::to_string(&before);
        let b = lheo::writer::to_string(&after);
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{name}: models differ at line {line}:\nbefore: {}\nafter:  {}",
            a.lines().nth(line).unwrap_or(""),
            b.lines().nth(line).unwrap_or("")
        );
    }
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
            let options = GenerateOptions {
                formations: 3,
                seed,
                root,
                today: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
                ..GenerateOptions::default()
            };
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
        let options = ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
            ..ValidateOptions::new(profile)
        };
        let report = imported.validate(&options);
        assert!(report.is_valid(), "{profile:?}: {:#?}", report.diagnostics);
    }
    assert!(matches!(imported.document().unwrap(), Document::Lheo(_)));
}
