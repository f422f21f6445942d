//! Shared strings written into their cells, before a large trusted `.xlsx` is read.
//!
//! A workbook re-saved by Excel or LibreOffice keeps its text in one table of shared strings
//! (`xl/sharedStrings.xml`), which calamine holds whole in memory while it reads the sheets
//! (on one thread beyond 16 MiB, not to hold it twice: see `prefetch`). A 1 GB feed's
//! workbook re-saved by LibreOffice: 201 MB of table, 188 MB at the peak. When
//! that table is large ([`Limits::inline_strings_at`](super::Limits::inline_strings_at)), the
//! workbook is first copied with each string written into the cells that use it, the strings
//! looked up on disk ([`store`]): the reading then holds no table, and reads the sheets on
//! two threads (that workbook: 57 MB).
//!
//! The copy changes nothing calamine reads: a string that is one `<t>` of text becomes the
//! cell's value (`t="str"`, `<v>`: the same text, read with the same unescaping), any other
//! (runs, phonetic runs, CDATA…) is written as it was inside the cell's `<is>`, which
//! calamine reads with the code it reads the table with ([`table`]); every other part and
//! every other byte of a sheet is copied as it was ([`sheet`]). What the copy does not
//! expect (an index that is not plain digits or past the table, a table not where calamine
//! looks for it, text in another encoding…) leaves the workbook as it is, read as before.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

use quick_xml::events::Event;

use super::spool::{Spool, SpoolWriter};

mod open;
mod share;
mod sheet;
mod store;
mod table;

use share::Share;
use sheet::rewrite_sheet;
use store::Store;
use table::read_table;

/// The path of the shared strings part calamine reads when the workbook part is in `xl/`, as
/// in every workbook Excel or LibreOffice writes (the copy is made only then), lowercase.
const SHARED: &str = "xl/sharedstrings.xml";
/// The package's relationships, where calamine finds the workbook part.
const PACKAGE_RELS: &str = "_rels/.rels";

/// Why a copy is not made.
pub(super) enum Skip {
    /// The workbook is read as it is.
    AsIs,
    /// Writing the copy failed.
    Io(io::Error),
}

impl From<io::Error> for Skip {
    fn from(e: io::Error) -> Self {
        Skip::Io(e)
    }
}

impl From<zip::result::ZipError> for Skip {
    fn from(_: zip::result::ZipError) -> Self {
        Skip::AsIs
    }
}

impl From<quick_xml::Error> for Skip {
    fn from(_: quick_xml::Error) -> Self {
        Skip::AsIs
    }
}

/// The `.xlsx` workbook `input` with its shared strings in its cells, when its table is at
/// least `at` bytes unpacked (`None`: read it as it is). When the workbook can be read again
/// from `again` (a spool of `input`), a second thread copies sheets too. Fails only when the
/// copy cannot be written.
pub(super) fn inline_shared_strings<R: Read + Seek>(
    input: &mut R,
    again: Option<&Spool>,
    at: u64,
) -> io::Result<Option<Spool>> {
    match copy(input, again, at) {
        Ok(copied) => Ok(Some(copied)),
        Err(Skip::AsIs) => Ok(None),
        Err(Skip::Io(e)) => Err(e),
    }
}

fn copy<R: Read + Seek>(input: &mut R, again: Option<&Spool>, at: u64) -> Result<Spool, Skip> {
    let mut zip = zip::ZipArchive::new(input)?;
    let shared = shared_part(&mut zip, at)?;
    let mut sheets = Vec::new();
    for i in 0..zip.len() {
        if i != shared && is_worksheet(&mut zip, i)? {
            sheets.push(i);
        }
    }
    let store = read_table(BufReader::new(zip.by_index(shared)?))?;
    let share = Share::new(sheets.len());
    let helper = again.zip(store.share());
    std::thread::scope(|s| {
        let helping = helper
            .map(|(spool, store)| {
                std::thread::Builder::new()
                    .name("lheo-chaines".into())
                    .spawn_scoped(s, || help(spool, store, &sheets, &share))
            })
            .transpose()?;
        let written = write_copy(&mut zip, shared, &sheets, store, &share);
        share.stop();
        if let Some(helping) = helping {
            if let Err(payload) = helping.join() {
                std::panic::resume_unwind(payload);
            }
        }
        written
    })
}

/// Writes the copy: the table emptied, each sheet copied here or taken from the helper,
/// every other part as it is.
fn write_copy<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    shared: usize,
    sheets: &[usize],
    mut store: Store,
    share: &Share,
) -> Result<Spool, Skip> {
    let named = tempfile::Builder::new()
        .prefix(".lheo-inline-")
        .tempfile()?;
    let mut out = zip::ZipWriter::new(BufWriter::with_capacity(256 << 10, named.reopen()?));
    for i in 0..zip.len() {
        if i == shared {
            let name = zip.by_index_raw(i)?.name()?.into_owned();
            out.start_file(name, zip::write::SimpleFileOptions::default())?;
            out.write_all(EMPTY_TABLE)?;
            continue;
        }
        let Some(k) = sheets.iter().position(|&sheet| sheet == i) else {
            out.raw_copy_file(zip.by_index_raw(i)?)?;
            continue;
        };
        match share.take(k)? {
            // The helper's sheet, packed: copied as it is.
            Some(copied) => {
                let mut archive = zip::ZipArchive::new(copied.reader()?)?;
                out.raw_copy_file(archive.by_index_raw(0)?)?;
            }
            None => write_sheet(zip.by_index(i)?, &mut store, &mut out)?,
        }
    }
    let mut file = out.finish()?;
    file.flush()?;
    drop(file);
    Ok(Spool::from_temp_file(named)?)
}

/// Writes the copy of the sheet `part` into the archive `out`, packed at deflate's fastest
/// level: the copy takes about the room of the workbook (stored, 6 times that: a temporary
/// file in memory where the temporary directory is).
fn write_sheet<W: Write + Seek>(
    part: zip::read::ZipFile<'_, impl Read>,
    store: &mut Store,
    out: &mut zip::ZipWriter<W>,
) -> Result<(), Skip> {
    let packed = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    out.start_file(part.name()?.into_owned(), packed)?;
    // Buffered: the archive's writer counts and sums every write.
    let mut sheet = BufWriter::with_capacity(256 << 10, out);
    rewrite_sheet(BufReader::with_capacity(64 << 10, part), store, &mut sheet)?;
    sheet.flush()?;
    Ok(())
}

/// The helper: copies sheets from the last, each into an archive of its own in a spool,
/// until none is left.
fn help(spool: &Spool, mut store: Store, sheets: &[usize], share: &Share) {
    let mut zip = match spool.reader().map(zip::ZipArchive::new) {
        Ok(Ok(zip)) => zip,
        _ => return,
    };
    while let Some(k) = share.claim_last() {
        let copied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let i = *sheets.get(k).ok_or(Skip::AsIs)?;
            let mut out = zip::ZipWriter::new_stream(SpoolWriter::new());
            write_sheet(zip.by_index(i)?, &mut store, &mut out)?;
            Ok(out.finish()?.into_inner().finish()?)
        }));
        match copied {
            Ok(copied) => share.give(k, copied),
            // The writing thread, which may wait for this sheet, learns of the failure; the
            // panic goes on at the join.
            Err(payload) => {
                share.give(k, Err(Skip::AsIs));
                std::panic::resume_unwind(payload);
            }
        }
    }
}

/// The shared strings part left in the copy: an empty table.
const EMPTY_TABLE: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>"#;

/// The index of the shared strings part, when it is where calamine reads it, alone of its
/// name, and at least `at` bytes.
fn shared_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, at: u64) -> Result<usize, Skip> {
    let mut shared = None;
    let mut rels = None;
    for i in 0..zip.len() {
        let name = match zip.name_for_index(i) {
            Some(Ok(name)) => name.to_ascii_lowercase(),
            _ => return Err(Skip::AsIs),
        };
        if name == PACKAGE_RELS {
            rels = Some(i);
        }
        if name.ends_with("sharedstrings.xml") {
            if name != SHARED || shared.is_some() {
                return Err(Skip::AsIs);
            }
            shared = Some(i);
        }
    }
    let (Some(shared), Some(rels)) = (shared, rels) else {
        return Err(Skip::AsIs);
    };
    if !workbook_in_xl(BufReader::new(zip.by_index(rels)?))? {
        return Err(Skip::AsIs);
    }
    if zip.by_index_raw(shared)?.size() >= at {
        Ok(shared)
    } else {
        Err(Skip::AsIs)
    }
}

/// Whether the package's relationships put the workbook part in `xl/`, as calamine reads
/// them (the last `officeDocument` relationship's target).
fn workbook_in_xl<R: BufRead>(input: R) -> Result<bool, Skip> {
    let mut reader = xml_reader(input);
    let mut buf = Vec::new();
    let mut target = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let attribute = |key: &str| {
                    e.attributes()
                        .with_checks(false)
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .map(|a| a.value.into_owned())
                };
                let document =
                    attribute("Type").is_some_and(|t| t.ends_with("/relationships/officeDocument"));
                if document {
                    target = attribute("Target").or(target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // A target with entities is not looked at.
    Ok(target.is_some_and(|t| {
        let dir = t.rfind('/').map_or("", |i| &t[..=i]);
        !t.contains('&')
            && dir
                .strip_prefix('/')
                .unwrap_or(dir)
                .eq_ignore_ascii_case("xl/")
    }))
}

/// An XML reader as calamine's, except that empty elements stay empty (they are copied).
pub(super) fn xml_reader<R: BufRead>(input: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = false;
    reader
}

/// Whether the declaration says another encoding than UTF-8 (the copy writes UTF-8).
pub(super) fn other_encoding(decl: &quick_xml::events::BytesDecl<'_>) -> bool {
    match decl.encoding() {
        None => false,
        Some(Ok(e)) => !e.eq_ignore_ascii_case("utf-8"),
        Some(Err(_)) => true,
    }
}

/// Whether part `i` is a sheet whose cells may refer to the table (its root element is a
/// `worksheet`, a `macrosheet` or a `dialogsheet`); a part that does not start as XML is
/// not. A document type, which calamine would pass over, leaves the workbook as it is.
fn is_worksheet<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, i: usize) -> Result<bool, Skip> {
    let Ok(part) = zip.by_index(i) else {
        return Ok(false);
    };
    let mut reader = xml_reader(BufReader::with_capacity(4 << 10, part));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Ok(matches!(
                    e.local_name().as_ref(),
                    "worksheet" | "macrosheet" | "dialogsheet"
                ))
            }
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Text(_)) => {}
            Ok(Event::DocType(_)) => return Err(Skip::AsIs),
            _ => return Ok(false),
        }
    }
}

#[cfg(test)]
mod tests;
