//! `lheo diff` on two feeds: the input after a 4-byte header, and the same bytes with the
//! range the header names cut out (a record removed, a text shortened, a tag broken…). The
//! streaming comparison (skimming first reading, sparse later ones) never panics, and where
//! both sides read as documents it gives the in-memory comparison's changes.
#![no_main]

use lheo::diff::{diff_collect, diff_documents, DiffOptions, XmlSource};
use lheo::reader::read_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((header, old)) = data.split_first_chunk::<4>() else { return };
    let at = usize::from(u16::from_le_bytes([header[0], header[1]])) % (old.len() + 1);
    let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
    let mut new = old[..at].to_vec();
    new.extend_from_slice(&old[(at + len).min(old.len())..]);
    let options = DiffOptions::default();
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(old)),
        &XmlSource::new(|| Ok(&new[..])),
        &options,
    );
    let (Ok(o), Ok(n)) = (read_document(old), read_document(&new[..])) else {
        return;
    };
    let Ok(in_memory) = diff_documents(&o, &n, &options) else {
        return;
    };
    match streamed {
        Ok(streamed) => assert_eq!(streamed, in_memory, "streaming and in-memory differ"),
        Err(e) => panic!("two readable feeds do not compare: {e}"),
    }
});
