//! `read_document` on arbitrary bytes, and for what reads: write → read gives the same model,
//! and writing again gives the same bytes.
#![no_main]

use lheo::reader::read_document;
use lheo::writer::write_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = read_document(data) else { return };
    let mut first = Vec::new();
    if write_document(&doc, &mut first).is_err() {
        // The writer refuses what XML cannot carry (an error, not a panic).
        return;
    }
    let again = match read_document(&first[..]) {
        Ok(d) => d,
        Err(e) => panic!(
            "the written document does not read back: {e}\n{}",
            String::from_utf8_lossy(&first)
        ),
    };
    assert_eq!(doc, again, "read → write → read changed the model");
    let mut second = Vec::new();
    write_document(&again, &mut second).expect("the second write");
    assert!(first == second, "writing is not stable");
});
