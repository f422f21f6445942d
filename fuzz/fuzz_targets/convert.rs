//! Differential: converting on worker threads against converting on one thread, on arbitrary
//! bytes.
//!
//! The first byte chooses the chunk size (1 to 256 bytes, so that records are cut into many
//! chunks). With `threads: 2` (records built and serialised on the workers, written in order
//! by the calling thread) the conversion must give what `threads: 1` gives: the same outcome
//! (error or not), the same report, which is also `validate`'s, and, when written, the same
//! bytes, which are those of `read_document` then `write_document`. A workbook (the input is
//! read as one when it starts like a zip or an OLE file) is converted while its document is
//! assembled: the report must be the one of `read_workbook` then `Imported::validate`, and
//! the bytes written those of `Imported::write_feed`.
#![no_main]

use lheo::convert::convert;
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common/report.rs"]
mod report;
use report::render;

/// The outcome of a conversion: its report, whether it read a workbook, whether it wrote, and
/// what it wrote.
type Outcome = Result<(String, bool, bool, u64, Vec<u8>), String>;

fn converted(xml: &[u8], options: &ValidateOptions) -> Outcome {
    let mut out = Vec::new();
    convert(xml, &mut out, options)
        .map(|c| {
            let out = if c.written { out } else { Vec::new() };
            (render(&c.report), c.from_workbook, c.written, c.records, out)
        })
        .map_err(|e| format!("{:?}", e.kind()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, xml)) = data.split_first() else {
        return;
    };
    let chunk_bytes = usize::from(first) + 1;
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).expect("date");
    for profile in [Profile::Xsd, Profile::Lheo] {
        let one = ValidateOptions::new(profile).with_today(today).with_threads(1);
        let two = one.clone().with_threads(2).with_chunk_bytes(chunk_bytes);
        let a = converted(xml, &one);
        let b = converted(xml, &two);
        assert_eq!(a, b, "{profile:?}, chunks of {chunk_bytes} bytes");
        if let Ok((report, true, written, _, out)) = &a {
            let imported = lheo::workbook::read_workbook(std::io::Cursor::new(xml))
                .expect("a workbook the conversion read reads");
            assert_eq!(
                report,
                &render(&imported.validate(&one)),
                "{profile:?}: the report of read_workbook then validate"
            );
            if *written {
                let expected = imported.write_feed(Vec::new()).expect("writes");
                assert_eq!(out, &expected, "{profile:?}: the bytes of write_feed");
            }
        }
        if let Ok((report, false, written, _, out)) = &a {
            assert_eq!(report, &render(&validate(xml, &one)), "{profile:?}: validate's report");
            if *written {
                let doc = lheo::read_document(xml).expect("a written input reads");
                let mut expected = Vec::new();
                lheo::writer::write_document(&doc, &mut expected).expect("writes");
                assert_eq!(out, &expected, "{profile:?}: the bytes of read + write");
            }
        }
    }
});
