//! The referential readers (Certif Info, the BCN's NSF table, ROME, France Compétences' CSV
//! and XML exports, and the zip archives they come in) on arbitrary files: the input is a file
//! name, a line feed, then the file's bytes, given to `Loader::add_reader`. Expected: the
//! tables or an error, never a panic, a hang or a memory blow-up; and the same bytes stored in
//! a zip archive under that name read to the same tables (differential: the archive path
//! reads its members as the bare path reads files).
#![no_main]

use std::io::{Cursor, Write};

use lheo::referentiels::{Loader, Referentiels};
use libfuzzer_sys::fuzz_target;

/// Reads one file named `name`.
fn load(name: &str, bytes: &[u8]) -> Result<Referentiels, lheo::Error> {
    let mut loader = Loader::new();
    loader.add_reader(name, Cursor::new(bytes))?;
    loader.finish()
}

/// The tables read, as text (every table is `Debug`).
fn tables(refs: &Referentiels) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        refs.rncp(),
        refs.rs(),
        refs.rome(),
        refs.certifinfo(),
        refs.nsf()
    )
}

/// `bytes` as the one member, stored, of a zip archive.
fn zipped(name: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file(name, options).ok()?;
    zip.write_all(bytes).ok()?;
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some(newline) = data.iter().position(|&b| b == b'\n') else {
        return;
    };
    let Ok(name) = std::str::from_utf8(&data[..newline]) else {
        return;
    };
    let bytes = &data[newline + 1..];
    let bare = load(name, bytes);
    // Only plain files go into an archive: an archive in an archive is not read.
    let plain = !name.is_empty()
        && !name.contains(['/', '\\'])
        && !name.to_ascii_lowercase().ends_with(".zip")
        && !bytes.starts_with(b"PK");
    let Ok(bare) = bare else {
        return;
    };
    if !plain {
        return;
    }
    let Some(archive) = zipped(name, bytes) else {
        return;
    };
    match load("archive.zip", &archive) {
        Ok(refs) => assert_eq!(
            tables(&bare),
            tables(&refs),
            "the file and the same file in an archive read differently"
        ),
        Err(e) => panic!("read bare, refused in an archive: {e}"),
    }
});
