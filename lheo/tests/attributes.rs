//! Attributes in linear time (issue 19): one `extra` with a great many attributes reads,
//! writes and goes through a workbook and back, and repeated names are still refused. A
//! watchdog turns a quadratic regression (minutes) into a failure instead of a hang; the
//! timings themselves belong to the benchmarks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::mpsc;
use std::time::Duration;

use lheo::reader::read_document;
use lheo::writer::write_document;

fn feed(attributes: usize) -> String {
    let minimal = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/minimal.xml"
    ))
    .expect("fixtures/minimal.xml");
    let attrs: String = (0..attributes)
        .map(|i| match i % 10 {
            0 => format!(" xmlns:p{i}=\"urn:n{}\" p{i}:b{i}=\"v\"", i % 7),
            _ => format!(" a{i}=\"{i}\""),
        })
        .collect();
    minimal.replacen(
        "</formation>",
        &format!("<extras><extra{attrs}>x</extra></extras></formation>"),
        1,
    )
}

/// Runs `f` on another thread; fails when it takes more than `limit`.
fn within(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => worker.join().expect("worker"),
        Err(mpsc::RecvTimeoutError::Disconnected) => worker.join().expect("worker panicked"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("not done in {limit:?}: quadratic?"),
    }
}

#[test]
fn an_extra_with_many_attributes_round_trips() {
    within(Duration::from_secs(120), || {
        let xml = feed(200_000);
        let doc = read_document(xml.as_bytes()).expect("reads");
        let mut out = Vec::new();
        write_document(&doc, &mut out).expect("writes");
        assert_eq!(read_document(&out[..]).expect("reads again"), doc);
    });
}

#[cfg(feature = "workbook")]
#[test]
fn an_extra_with_many_attributes_goes_through_a_workbook() {
    use lheo::workbook;
    use std::io::Cursor;
    within(Duration::from_secs(120), || {
        let xml = feed(20_000);
        let doc = read_document(xml.as_bytes()).expect("reads");
        let mut xlsx = Vec::new();
        workbook::export(xml.as_bytes(), &mut xlsx).expect("exports");
        let imported = workbook::read_workbook(Cursor::new(xlsx)).expect("imports");
        assert!(imported.is_ok(), "{:?}", imported.diagnostics);
        assert_eq!(imported.document().expect("document"), doc);
    });
}

#[test]
fn repeated_attributes_are_still_refused() {
    let xml = feed(3).replacen("a1=\"1\"", "a1=\"1\" a1=\"2\"", 1);
    assert!(read_document(xml.as_bytes()).is_err());
}
