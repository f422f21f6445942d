//! The workbook reader on arbitrary bytes (a zip archive, or not): `read_workbook` must give
//! a result (diagnostics at cells, or an error), never panic; what reads is validated with
//! every profile and written as a feed.
#![no_main]

use std::io::Cursor;

use lheo::rules::Profile;
use lheo::validate::ValidateOptions;
use lheo::workbook::read_workbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = read_workbook(Cursor::new(data)) else {
        return;
    };
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
