//! Differential: validation on worker threads against the single pass, on arbitrary bytes.
//!
//! The first byte chooses the chunk size (1 to 256 bytes, so that records are cut into many
//! chunks); the report of `threads: 2` must be the one of `threads: 1`, with every profile.
#![no_main]

use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common/report.rs"]
mod report;
use report::render;

fuzz_target!(|data: &[u8]| {
    let Some((&first, xml)) = data.split_first() else {
        return;
    };
    let chunk_bytes = usize::from(first) + 1;
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    for profile in Profile::ALL {
        let one = ValidateOptions::new(profile).with_today(today.expect("date")).with_threads(1);
        let two = one.clone().with_threads(2).with_chunk_bytes(chunk_bytes);
        let a = render(&validate(xml, &one));
        let b = render(&validate(xml, &two));
        assert_eq!(a, b, "{profile:?}, chunks of {chunk_bytes} bytes");
    }
});
