//! `lheo::convert`: any supported input to LHEO 2.3 in one pass over the input, with the
//! report `validate` gives; `validate_document` and `validate_formation` on models in memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{self, BufRead, Read};
use std::path::Path;

use chrono::NaiveDate;
use lheo::convert::convert;
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::rules::Profile;
use lheo::validate::{validate, validate_document, validate_formation, ValidateOptions};
use lheo::writer::write_document;
use lheo::{read_document, Document, Formation};

/// A reader that counts the bytes it hands out: one pass reads each byte once.
struct Counted<R> {
    inner: R,
    consumed: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

fn options(profile: Profile) -> ValidateOptions {
    ValidateOptions::new(profile)
        .with_today(NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"))
        .with_threads(1)
}

/// What the library wrote before `convert`: the whole document read, then written.
fn expected(xml: &[u8]) -> Vec<u8> {
    let doc = read_document(xml).expect("readable");
    let mut out = Vec::new();
    write_document(&doc, &mut out).expect("written");
    out
}

/// Converts `xml`, checking that the input was read once and the report is validate's; the
/// same on one thread and on several with small chunks (records built and serialised on the
/// worker threads, put in place in order).
fn converted(name: &str, xml: &[u8], profile: Profile) -> lheo::convert::Conversion {
    let report = validate(xml, &options(profile));
    let mut last: Option<lheo::convert::Conversion> = None;
    for (threads, chunk) in [(1, 256 * 1024), (3, 700), (2, 5000)] {
        let name = format!("{name} ({threads} threads, chunks of {chunk} bytes)");
        let options = options(profile)
            .with_threads(threads)
            .with_chunk_bytes(chunk);
        let mut input = Counted {
            inner: xml,
            consumed: 0,
        };
        let mut out = Vec::new();
        let c = convert(&mut input, &mut out, &options).expect("no I/O error");
        assert_eq!(
            input.consumed,
            xml.len() as u64,
            "{name}: one pass over the input"
        );
        assert_eq!(
            support::render_report(&c.report),
            support::render_report(&report),
            "{name}: the report of validate"
        );
        assert_eq!(c.written, report.is_valid(), "{name}");
        if c.written {
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&expected(xml)),
                "{name}: the bytes of read + write"
            );
        }
        if let Some(before) = &last {
            assert_eq!(before.records, c.records, "{name}: records written");
        }
        last = Some(c);
    }
    last.expect("converted")
}

#[test]
fn generated_feeds_of_every_root() {
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        for seed in 0..3 {
            let options = GenerateOptions::new(4)
                .with_seed(seed)
                .with_root(root)
                .with_today(NaiveDate::from_ymd_opt(2027, 1, 15).expect("date"));
            let xml = Generator::new(options).to_xml_string();
            let c = converted(&format!("{root:?} {seed}"), xml.as_bytes(), Profile::Lheo);
            assert!(c.written, "{root:?} {seed}: {:?}", c.report.diagnostics);
            assert!(!c.from_workbook);
            assert!(c.records >= 4, "{root:?}: {} records", c.records);
        }
    }
}

#[test]
fn fixtures_with_every_profile() {
    let mut files = Vec::new();
    support::xml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures"),
        &mut files,
    );
    assert!(files.len() > 10, "fixtures not found");
    let mut written = 0;
    for f in &files {
        let xml = std::fs::read(f).expect("fixture");
        for profile in [Profile::Xsd, Profile::Lheo, Profile::FranceTravail] {
            if converted(&f.display().to_string(), &xml, profile).written {
                written += 1;
            }
        }
    }
    assert!(written > 5, "some fixtures convert");
}

#[test]
fn a_2_2_feed_becomes_2_3() {
    let xml =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/exemple-2.2.xml"))
            .expect("fixture");
    let c = converted("exemple-2.2", &xml, Profile::Lheo);
    assert!(c.written);
    assert_eq!(c.report.version.map(|v| v.as_str()), Some("2.2"));
    let mut out = Vec::new();
    convert(&xml[..], &mut out, &options(Profile::Lheo)).expect("converted");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains("xmlns=\"http://lheo.gouv.fr/2.3\""));
    assert!(validate(text.as_bytes(), &options(Profile::Xsd)).is_valid());
}

#[test]
fn invalid_and_truncated_inputs_are_not_written() {
    let xml = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/exemple.xml"))
        .expect("fixture");
    let truncated = &xml[..xml.len() / 2];
    let c = converted("truncated", truncated, Profile::Lheo);
    assert!(!c.written);
    assert!(c
        .report
        .diagnostics
        .iter()
        .any(|d| d.code() == "XML-MALFORME"));
    let c = converted("not LHEO", b"<catalogue xmlns=\"urn:x\"/>", Profile::Lheo);
    assert!(!c.written);
    let c = converted("empty", b"", Profile::Lheo);
    assert!(!c.written);
}

#[cfg(feature = "workbook")]
#[test]
fn a_workbook_converts_like_its_import() {
    let xml = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/exemple.xml"))
        .expect("fixture");
    let mut xlsx = Vec::new();
    lheo::workbook::export(&xml[..], &mut xlsx).expect("exported");
    let mut out = Vec::new();
    let c = convert(&xlsx[..], &mut out, &options(Profile::Lheo)).expect("converted");
    assert!(c.from_workbook);
    assert!(c.written, "{:?}", c.report.diagnostics);
    assert!(c.records >= 1);
    let imported = lheo::workbook::read_workbook(io::Cursor::new(&xlsx)).expect("read");
    assert_eq!(out, imported.write_feed(Vec::new()).expect("written"));
    assert_eq!(
        read_document(&out[..]).expect("readable"),
        read_document(&xml[..]).expect("readable")
    );
}

/// Built without the `workbook` feature, a workbook is an input lheo cannot read: a report
/// that says so, nothing written.
#[cfg(not(feature = "workbook"))]
#[test]
fn without_the_workbook_feature_a_workbook_is_refused() {
    let mut out = Vec::new();
    let c = convert(
        &b"PK\x03\x04 not much of an archive"[..],
        &mut out,
        &options(Profile::Lheo),
    )
    .expect("a report");
    assert!(c.from_workbook && !c.written);
    let codes: Vec<_> = c.report.diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["CLASSEUR-ILLISIBLE"]);
    assert!(c.report.diagnostics[0]
        .message
        .en
        .contains("feature \"workbook\""));
    assert!(out.is_empty());
}

#[test]
fn models_in_memory_validate_with_any_profile() {
    let xml = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/exemple.xml"))
        .expect("fixture");
    let doc = read_document(&xml[..]).expect("readable");
    for profile in [Profile::Xsd, Profile::Lheo, Profile::FranceTravail] {
        let report = validate_document(&doc, &options(profile)).expect("writable");
        let mut written = Vec::new();
        write_document(&doc, &mut written).expect("written");
        assert_eq!(
            support::render_report(&report),
            support::render_report(&validate(&written[..], &options(profile))),
            "{profile:?}"
        );
    }
    let Document::Lheo(lheo) = &doc else {
        panic!("an lheo document")
    };
    let formation = &lheo.offres.formation[0];
    let report = validate_formation(formation, &options(Profile::Lheo)).expect("writable");
    assert!(report.is_valid(), "{:?}", report.diagnostics);
    // An empty formation lacks its required elements: the paths name them.
    let report = validate_formation(&Formation::default(), &options(Profile::Xsd)).expect("ok");
    assert!(!report.is_valid());
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.path.starts_with("/lheo/offres/formation[1]")));
}
