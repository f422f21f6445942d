//! Errors are never silent: the streaming reader ends a truncated feed with an `Err`, and a
//! panic in any worker of a validation (record rule sets, reading threads, the splitter) makes
//! the report fail with `ERREUR-INTERNE`, in the single pass and on worker threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator};
use lheo::reader::Reader;
use lheo::rules::Profile;
use lheo::validate::{validate, InjectedPanic, Report, ValidateOptions};
use lheo::{ErrorKind, Record};

/// A generated feed of `formations` formations.
fn feed(formations: u64) -> Vec<u8> {
    let options = GenerateOptions::new(formations).with_seed(7);
    let mut out = Vec::new();
    Generator::new(options)
        .write(&mut out)
        .expect("generated feed");
    out
}

#[test]
fn a_truncated_feed_ends_with_an_err() {
    let xml = feed(5);
    let cut = &xml[..xml.len() * 2 / 3];
    let items: Vec<Result<Record, lheo::Error>> =
        Reader::new(cut).expect("the start is readable").collect();
    assert!(items.len() >= 2, "some records before the cut");
    let (last, before) = items.split_last().expect("items");
    assert!(before.iter().all(Result::is_ok), "{before:?}");
    let e = last
        .as_ref()
        .expect_err("the truncated feed ends with an Err");
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e:?}");
    assert_eq!(e.diagnostic().map(|d| d.code()), Some("XML-MALFORME"));
    assert!(e.location().is_some(), "{e:?}");
    assert!(std::error::Error::source(e).is_some());

    // The loop an integrator writes stops on it.
    let mut reader = Reader::new(cut).expect("readable");
    let mut formations = 0;
    let stopped = loop {
        match reader.next() {
            Some(Ok(Record::Formation(_))) => formations += 1,
            Some(Ok(_)) => {}
            Some(Err(e)) => break Some(e),
            None => break None,
        }
    };
    assert!(stopped.is_some(), "a truncated feed is not complete");
    assert!(
        reader.next().is_none(),
        "the iterator ends after a fatal error"
    );
    assert_eq!(formations, before.len());

    // The whole feed reads to the end without an error.
    let whole: Result<Vec<Record>, _> = Reader::new(&xml[..]).expect("readable").collect();
    assert_eq!(whole.map(|r| r.len()).ok(), Some(5));
}

#[test]
fn unreadable_starts_are_errors_too() {
    let e = Reader::new(&b"<?xml version=\"1.0\" encoding=\"KLINGON\"?><lheo/>"[..])
        .err()
        .expect("an unknown encoding");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.diagnostic().map(|d| d.code()), Some("XML-ENCODAGE"));
}

fn options(profile: Profile, threads: usize, inject: Option<InjectedPanic>) -> ValidateOptions {
    let options = ValidateOptions::new(profile)
        .with_today(NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"))
        .with_threads(threads)
        .with_chunk_bytes(4096);
    match inject {
        Some(at) => options.with_injected_panic(at),
        None => options,
    }
}

fn internal_errors(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "ERREUR-INTERNE")
        .count()
}

/// Everything but the panic's finding.
fn without_internal(report: &Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code() != "ERREUR-INTERNE")
        .map(|d| format!("{d}"))
        .collect()
}

#[test]
fn a_panic_in_the_record_rules_fails_the_report() {
    let xml = feed(40);
    assert!(xml.len() > 3 * 4096, "the feed spans several chunks");
    for profile in [Profile::Lheo, Profile::FranceTravail] {
        let clean = validate(&xml[..], &options(profile, 1, None));
        assert!(
            profile != Profile::Lheo || clean.is_valid(),
            "the generated feed is valid"
        );
        assert_eq!(internal_errors(&clean), 0);
        for threads in [1, 2] {
            let report = validate(
                &xml[..],
                &options(profile, threads, Some(InjectedPanic::RecordRules)),
            );
            assert!(
                !report.is_valid(),
                "{profile:?}, {threads} threads: a panic is never valid"
            );
            assert!(
                internal_errors(&report) >= 1,
                "{} findings",
                report.diagnostics.len()
            );
            let d = report
                .diagnostics
                .iter()
                .find(|d| d.code() == "ERREUR-INTERNE")
                .expect("the panic's finding");
            assert!(
                d.message.fr.contains("panique injectée"),
                "{}",
                d.message.fr
            );
            assert!(
                d.message.en.contains("please report it"),
                "{}",
                d.message.en
            );
            // The other rule sets' and the checker's findings are all there.
            assert_eq!(without_internal(&report), without_internal(&clean));
        }
    }
}

#[test]
fn a_panic_in_a_reading_thread_fails_the_report() {
    let xml = feed(40);
    for profile in [Profile::Xsd, Profile::FranceTravail] {
        let clean = validate(&xml[..], &options(profile, 2, None));
        let report = validate(&xml[..], &options(profile, 2, Some(InjectedPanic::Chunk)));
        assert!(!report.is_valid(), "{profile:?}: a panic is never valid");
        assert_eq!(
            internal_errors(&report),
            1,
            "{} findings",
            report.diagnostics.len()
        );
        // The chunk is read again in sequence: nothing else is lost.
        assert_eq!(without_internal(&report), without_internal(&clean));
    }
}

#[test]
fn a_panic_in_the_splitter_fails_the_report() {
    let xml = feed(40);
    let report = validate(
        &xml[..],
        &options(Profile::Lheo, 2, Some(InjectedPanic::Splitter)),
    );
    assert!(!report.is_valid(), "a panic is never valid");
    assert_eq!(
        internal_errors(&report),
        1,
        "{} findings",
        report.diagnostics.len()
    );
}

/// An export whose first record cannot go into the workbook and whose input is ill-formed
/// further on fails with the first of the two, every time: the sheets are written on another
/// thread than the one that reads, and the error must not depend on which gets there first.
#[cfg(feature = "workbook")]
#[test]
fn an_export_fails_with_its_first_error_whatever_the_threads_do() {
    let xml = String::from_utf8(feed(60)).expect("UTF-8");
    let at = xml.find("</intitule-formation>").expect("a title");
    // An element inside the first title (text only: no column can hold it) …
    let mut broken = format!("{}<b>gras</b>{}", &xml[..at], &xml[at..]);
    // … and, in the last formation, a start tag that is not XML.
    let last = broken.rfind("<formation ").expect("a last formation");
    broken.insert_str(last + "<formation ".len(), "<<");
    let line = xml[..at].lines().count() as u32;
    for _ in 0..20 {
        let e =
            lheo::workbook::export(broken.as_bytes(), Vec::new()).expect_err("the export fails");
        let text = e.to_string();
        assert!(
            text.contains("élément dans un élément de contenu simple")
                && text.contains(&format!("ligne {line}")),
            "{text}"
        );
    }
}
