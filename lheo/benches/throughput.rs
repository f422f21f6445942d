//! The physical floor of validation: a bare quick-xml event loop against
//! `validate --profile xsd` on the same bytes, in one run (`cargo bench -p lheo --bench
//! throughput`, or `scripts/bench.sh`, which runs it on its feed).
//!
//! ```text
//! cargo bench -p lheo --bench throughput -- [FEED.xml] [RUNS]
//! ```
//!
//! Without a feed, one of 600 formations (about 10 MB) is generated in memory. The file is read
//! into memory first, so that every contender reads the same bytes from memory (no disk, no
//! page cache in the measure). For each of RUNS rounds (default 5) the contenders run in turn:
//!
//! - `quick-xml`: `quick_xml::Reader::read_event_into` over every event, nothing else (what
//!   any XML tool pays at least);
//! - `lheo XML layer`: lheo's own event reader (well-formedness, namespaces, characters, line
//!   numbers; every element dropping its white space between tags, as the schema's
//!   element-only content does), nothing above it: what the validation pays before the
//!   reader, the checker and the schema;
//! - `lheo xsd, 1 thread`: [`lheo::validate::validate`] with the `xsd` profile and one thread;
//! - `lheo xsd, default threads`: the same with the default threads (what `lheo validate`
//!   does).
//!
//! Printed: the best time of each, its throughput in MB/s (10^6 bytes) and its share of the
//! quick-xml throughput. Issue 18's target: `lheo xsd, 1 thread` at 40 % of `quick-xml` or more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use lheo::generate::{GenerateOptions, Generator};
use lheo::internal::events::{BlankText, Limits, XmlEvent, XmlReader};
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use quick_xml::events::Event;

/// Counts the events of `bytes` with a bare quick-xml loop.
fn quick_xml_events(bytes: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut events = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("quick-xml: {e}"),
        }
        buf.clear();
    }
    events
}

/// Counts the events of `bytes` read by lheo's XML layer alone, white space between tags
/// dropped in every element.
fn lheo_xml_events(bytes: &[u8]) -> u64 {
    let mut reader = XmlReader::new(bytes, Limits::default());
    let mut events = 0u64;
    loop {
        match reader.next_event() {
            Ok(XmlEvent::Eof) => break,
            Ok(XmlEvent::Start(..)) => reader.set_blank_text(BlankText::Drop),
            Ok(_) => {}
            Err(e) => panic!("lheo XML layer: {e:?}"),
        }
        events += 1;
    }
    events
}

/// Validates `bytes` with the `xsd` profile on `threads` threads (0: the default); the count
/// of findings.
fn lheo_xsd(bytes: &[u8], threads: usize) -> usize {
    let options = ValidateOptions::new(Profile::Xsd).with_threads(threads);
    validate(bytes, &options).diagnostics.len()
}

fn main() {
    // `cargo bench` passes `--bench`: only the other arguments count.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (name, bytes) = match args.first() {
        Some(path) => (
            path.clone(),
            std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")),
        ),
        None => {
            let generator = Generator::new(
                GenerateOptions::new(600)
                    .with_seed(1)
                    .with_today(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            );
            (
                "generated feed (600 formations)".to_owned(),
                generator.to_xml_string().into_bytes(),
            )
        }
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let mb = bytes.len() as f64 / 1e6;
    let events = quick_xml_events(&bytes);
    let findings = lheo_xsd(&bytes, 1);
    println!(
        "{name}: {mb:.1} MB, {events} events, {findings} findings (xsd); best of {runs} rounds"
    );

    let mut best = [f64::INFINITY; 4];
    for _ in 0..runs {
        let timed = |f: &dyn Fn()| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        };
        let t = [
            timed(&|| {
                std::hint::black_box(quick_xml_events(std::hint::black_box(&bytes)));
            }),
            timed(&|| {
                std::hint::black_box(lheo_xml_events(std::hint::black_box(&bytes)));
            }),
            timed(&|| {
                std::hint::black_box(lheo_xsd(std::hint::black_box(&bytes), 1));
            }),
            timed(&|| {
                std::hint::black_box(lheo_xsd(std::hint::black_box(&bytes), 0));
            }),
        ];
        for (b, t) in best.iter_mut().zip(t) {
            *b = b.min(t);
        }
    }
    let floor = mb / best[0];
    let names = [
        "quick-xml event loop",
        "lheo XML layer",
        "lheo xsd, 1 thread",
        "lheo xsd, default threads",
    ];
    println!(
        "{:<28} {:>9} {:>9} {:>12}",
        "contender", "seconds", "MB/s", "vs quick-xml"
    );
    for (name, t) in names.iter().zip(best) {
        let rate = mb / t;
        println!(
            "{name:<28} {t:>9.3} {rate:>9.1} {:>11.0} %",
            100.0 * rate / floor
        );
    }
}
