//! The workbook reader on workbooks whose parts are arbitrary: the input is a list of parts
//! (`name\ncontent`, separated by `\n--lheo-part--\n`) packed into a zip archive without
//! compression, so that the fuzzer's mutations land in the sheets' XML rather than in
//! deflated bytes. Same expectations as the `workbook` target; and a workbook out of the
//! export's order joined by keys sorted on disk (limits allowing many rows) gives the same
//! document and findings as joined by keys in memory (the default limits); trusted, its
//! shared strings written into its cells first give the same as read by calamine.
#![no_main]

use std::io::{Cursor, Write};

use lheo::rules::Profile;
use lheo::validate::ValidateOptions;
use lheo::workbook::{read_workbook, read_workbook_with, Imported, Limits};
use libfuzzer_sys::fuzz_target;

const SEPARATOR: &[u8] = b"\n--lheo-part--\n";

fn parts(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some(i) = data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        out.push(&data[..i]);
        data = &data[i + SEPARATOR.len()..];
    }
    out.push(data);
    out
}

/// Two readings of one workbook give the same findings and document.
fn assert_same(a: &Imported, b: &Imported, readings: &str) {
    assert_eq!(
        format!("{:?}", a.diagnostics),
        format!("{:?}", b.diagnostics),
        "{readings} disagree"
    );
    assert_eq!(a.xml.to_vec().ok(), b.xml.to_vec().ok(), "{readings} disagree");
}

fuzz_target!(|data: &[u8]| {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for part in parts(data) {
        let Some(newline) = part.iter().position(|&b| b == b'\n') else {
            continue;
        };
        let Ok(name) = std::str::from_utf8(&part[..newline]) else {
            continue;
        };
        if zip.start_file(name, options).is_err() {
            continue;
        }
        if zip.write_all(&part[newline + 1..]).is_err() {
            return;
        }
    }
    let Ok(archive) = zip.finish() else { return };
    let archive = archive.into_inner();
    let Ok(imported) = read_workbook(Cursor::new(&archive)) else {
        return;
    };
    let many = Limits::default().with_max_data_rows(10_000_000);
    if let Ok(sorted) = read_workbook_with(Cursor::new(&archive), &many) {
        let limited = |d: &[lheo::Diagnostic]| d.iter().any(|d| d.rule.code() == "CLASSEUR-LIMITE");
        if !limited(&imported.diagnostics) && !limited(&sorted.diagnostics) {
            assert_same(&sorted, &imported, "joined by sorted keys and in memory");
        }
    }
    // Trusted, its shared strings written into its cells first or read by calamine: the same
    // document and findings.
    let trusted = Limits::trusted();
    if let (Ok(inlined), Ok(kept)) = (
        read_workbook_with(Cursor::new(&archive), &trusted.with_inline_strings_at(0)),
        read_workbook_with(Cursor::new(&archive), &trusted.with_inline_strings_at(u64::MAX)),
    ) {
        assert_same(&inlined, &kept, "shared strings inlined and kept");
    }
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    for profile in [Profile::Xsd, Profile::Lheo, Profile::FranceTravail] {
        let options = ValidateOptions::new(profile).with_today(today.expect("date"));
        let _ = imported.validate(&options);
    }
    if let Ok(doc) = imported.document() {
        let streamed = imported
            .write_feed(Vec::new())
            .expect("a readable document writes");
        assert_eq!(
            streamed,
            lheo::writer::to_string(&doc).into_bytes(),
            "write_feed and the writer disagree"
        );
    }
});
