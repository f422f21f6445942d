//! Differential: the Carif-Oref and Parcoursup rules on a projected capture (what `lheo
//! validate` runs) against the rules on the record's model, on arbitrary bytes. For every record whose model
//! builds, both give the same findings, messages, paths and positions; on the others the
//! capture path must simply not panic.
#![no_main]

use lheo::reader::{Build, Limits, ReadOptions, Reader, Step};
use lheo::rules::carif::READS;
use lheo::rules::parcoursup::Parcoursup;
use lheo::Diagnostic;
use libfuzzer_sys::fuzz_target;

fn render(found: &[Diagnostic]) -> String {
    found
        .iter()
        .map(|d| {
            format!(
                "{} {:?} {:?} {} | {} | {}\n",
                d.code(),
                d.severity,
                d.location,
                d.path,
                d.message.fr,
                d.message.en
            )
        })
        .collect()
}

fuzz_target!(|xml: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap_or_default();
    let captured = Build::Captures(Some(READS));
    let (Ok(mut a), Ok(mut b)) = (
        Reader::compose(xml, Limits::default(), captured, None),
        Reader::with_options(xml, ReadOptions::default()),
    ) else {
        return;
    };
    let (mut on_capture, mut on_model) =
        (Parcoursup::new(today, None), Parcoursup::new(today, None));
    loop {
        let log = loop {
            match a.advance() {
                Step::Captured(log) => break Some(log),
                Step::Done => break None,
                _ => {}
            }
        };
        let (Some(log), Some(node)) = (log, b.next_node()) else {
            return;
        };
        if log.path != node.path {
            // A record nested in a record (invalid) is its own record when trees are built,
            // part of the outer one when captured: the rest is not comparable.
            return;
        }
        let Ok(expected) = on_model.check_node(&node) else {
            continue;
        };
        let got = on_capture.check_captured(&log);
        assert_eq!(render(&expected), render(&got), "{}", node.path);
    }
});
