//! The XML reader and the structural checker on arbitrary bytes, with every profile.
//!
//! Whatever the input, `validate` must return a report (no panic, no hang, bounded memory);
//! a fatal reading error is a diagnostic like any other finding.
#![no_main]

use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    for profile in Profile::ALL {
        let options = ValidateOptions::new(profile).with_today(today.expect("date"));
        let report = validate(data, &options);
        // Every finding carries a code and a message in both languages.
        for d in &report.diagnostics {
            assert!(!d.code().is_empty());
            assert!(!d.message.fr.is_empty() && !d.message.en.is_empty());
        }
    }
});
