//! The export on arbitrary bytes: `workbook::export` ends with a workbook or an error (a
//! feed the layout cannot place, ill-formed XML…), never a panic. A feed the official schema
//! accepts is read back from its workbook: the import must find nothing and give the model of
//! the feed, the spaces around code-like values dropped as the import drops them.
#![no_main]

#[path = "../../lheo/tests/support/codes.rs"]
mod codes;

use std::io::Cursor;

use lheo::reader::read_document;
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use lheo::workbook::{self, read_workbook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut xlsx = Vec::new();
    if workbook::export(data, &mut xlsx).is_err() {
        return;
    }
    if !validate(data, &ValidateOptions::new(Profile::Xsd)).is_valid() {
        return;
    }
    let Ok(before) = read_document(data) else {
        panic!("a valid feed that exports does not read into the model");
    };
    let imported = read_workbook(Cursor::new(&xlsx)).expect("the exported workbook reads");
    assert!(imported.is_ok(), "{:#?}", imported.diagnostics);
    let after = imported
        .document()
        .expect("the exported workbook's document");
    let (want, got) = (
        lheo::writer::to_string(&codes::trim_codes(&before)),
        lheo::writer::to_string(&after),
    );
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the workbook gives another feed, line {line}:\n{:?}\n{:?}",
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
});
