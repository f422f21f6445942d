//! Shared strings written into their cells, before a large trusted `.xlsx` is read.
//!
//! A workbook re-saved by Excel or LibreOffice keeps its text in one table of shared strings
//! (`xl/sharedStrings.xml`), which calamine holds whole in memory, once per thread reading it:
//! some 90 MB for each of the two threads of a 1 GB feed's workbook. When that table is large
//! ([`INLINE_AT`]), the workbook is first copied with each string written into the cells that
//! use it (`t="inlineStr"`, as `lheo export` writes cells), the strings looked up on disk
//! ([`store`]): the reading then holds no table.
//!
//! The copy changes nothing calamine reads: each `<si>`'s content (runs, phonetic runs,
//! entities, CDATA) is written as it was inside the cell's `<is>`, which calamine reads with
//! the same code; every other part and every other byte of a sheet is copied as it was. What
//! the copy does not expect (an index that is not plain digits or past the table, a table
//! not where calamine looks for it, text in another encoding…) leaves the workbook as it is,
//! read as before.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::ops::Range;

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::spool::Spool;
use crate::check::types::is_xml_space;

mod store;

use store::{Store, StoreWriter};

/// Shared strings part (unpacked bytes) from which a trusted workbook is copied with its
/// strings in its cells.
pub(super) const INLINE_AT: u64 = 16 << 20;

/// The path of the shared strings part calamine reads (`xl/` is where the workbook part is in
/// every workbook Excel or LibreOffice writes; the copy is made only then).
const SHARED: &str = "xl/sharedstrings.xml";
const WORKBOOK: &str = "xl/workbook.xml";

/// Why a copy is not made.
enum Skip {
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
/// least `at` bytes unpacked (`None`: read it as it is). Fails only when the copy cannot be
/// written.
pub(super) fn inline_shared_strings<R: Read + Seek>(
    input: &mut R,
    at: u64,
) -> io::Result<Option<Spool>> {
    match copy(input, at) {
        Ok(copied) => Ok(Some(copied)),
        Err(Skip::AsIs) => Ok(None),
        Err(Skip::Io(e)) => Err(e),
    }
}

fn copy<R: Read + Seek>(input: &mut R, at: u64) -> Result<Spool, Skip> {
    let mut zip = zip::ZipArchive::new(input)?;
    let shared = shared_part(&mut zip, at)?;
    let mut store = read_table(BufReader::new(zip.by_index(shared)?))?;
    let named = tempfile::Builder::new()
        .prefix(".lheo-inline-")
        .tempfile()?;
    let mut out = zip::ZipWriter::new(BufWriter::with_capacity(256 << 10, named.reopen()?));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for i in 0..zip.len() {
        if i == shared {
            let name = zip.by_index_raw(i)?.name()?.into_owned();
            out.start_file(name, zip::write::SimpleFileOptions::default())?;
            out.write_all(EMPTY_TABLE)?;
        } else if is_worksheet(&mut zip, i) {
            let part = zip.by_index(i)?;
            out.start_file(part.name()?.into_owned(), stored)?;
            // Buffered: the archive's writer counts and sums every write.
            let mut sheet = BufWriter::with_capacity(256 << 10, &mut out);
            rewrite_sheet(
                BufReader::with_capacity(64 << 10, part),
                &mut store,
                &mut sheet,
            )?;
            sheet.flush()?;
        } else {
            out.raw_copy_file(zip.by_index_raw(i)?)?;
        }
    }
    let mut file = out.finish()?;
    file.flush()?;
    drop(file);
    Ok(Spool::from_temp_file(named)?)
}

/// The shared strings part left in the copy: an empty table.
const EMPTY_TABLE: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>"#;

/// The index of the shared strings part, when it is where calamine reads it, alone of its
/// name, and at least `at` bytes.
fn shared_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, at: u64) -> Result<usize, Skip> {
    let mut shared = None;
    let mut workbook = false;
    for i in 0..zip.len() {
        let name = match zip.name_for_index(i) {
            Some(Ok(name)) => name.to_ascii_lowercase(),
            _ => return Err(Skip::AsIs),
        };
        if name == WORKBOOK {
            workbook = true;
        }
        if name.ends_with("sharedstrings.xml") {
            if name != SHARED || shared.is_some() {
                return Err(Skip::AsIs);
            }
            shared = Some(i);
        }
    }
    match shared {
        Some(i) if workbook && zip.by_index_raw(i)?.size() >= at => Ok(i),
        _ => Err(Skip::AsIs),
    }
}

/// An XML reader as calamine's, except that empty elements stay empty (they are copied).
fn xml_reader<R: BufRead>(input: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = false;
    reader
}

/// Whether the declaration says another encoding than UTF-8 (the copy writes UTF-8).
fn other_encoding(decl: &quick_xml::events::BytesDecl<'_>) -> bool {
    match decl.encoding() {
        None => false,
        Some(Ok(e)) => !e.eq_ignore_ascii_case("utf-8"),
        Some(Err(_)) => true,
    }
}

/// Whether part `i` is a sheet (its root element is `worksheet`).
fn is_worksheet<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, i: usize) -> bool {
    let Ok(part) = zip.by_index(i) else {
        return false;
    };
    let mut reader = xml_reader(BufReader::with_capacity(4 << 10, part));
    let mut buf = Vec::new();
    for _ in 0..16 {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => return e.local_name().as_ref() == "worksheet",
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Text(_)) => {}
            _ => return false,
        }
    }
    false
}

/// Reads the table of shared strings as calamine reads it: each `<si>` (at any depth) after
/// the `<sst>` start and before its end, its content up to the first end tag of its name.
fn read_table<R: BufRead>(input: R) -> Result<Store, Skip> {
    let mut reader = xml_reader(input);
    let mut table = Table {
        store: StoreWriter::new()?,
        state: TableState::Before,
        content: quick_xml::Writer::new(Vec::new()),
        depth: 0,
    };
    let mut buf = Vec::new();
    while table.state != TableState::Done {
        buf.clear();
        let event = reader.read_event_into(&mut buf)?;
        table.on(event)?;
    }
    Ok(table.store.finish()?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TableState {
    /// Before `<sst>`.
    Before,
    /// In the table, between strings.
    Between,
    /// In a string (the name of its element).
    In(String),
    /// After `</sst>`.
    Done,
}

/// The table's reading: one handler per event.
struct Table {
    store: StoreWriter,
    state: TableState,
    /// The current string's content, as written.
    content: quick_xml::Writer<Vec<u8>>,
    /// Elements open in the current string.
    depth: u32,
}

impl Table {
    fn on(&mut self, event: Event<'_>) -> Result<(), Skip> {
        match event {
            Event::Eof => Err(Skip::AsIs),
            Event::Decl(d) if other_encoding(&d) => Err(Skip::AsIs),
            Event::Start(e) => self.on_start(e),
            Event::Empty(e) => self.on_empty(e),
            Event::End(e) => self.on_end(e),
            other => self.keep(other),
        }
    }

    fn on_start(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match &self.state {
            TableState::Before if e.local_name().as_ref() == "sst" => {
                self.state = TableState::Between;
                Ok(())
            }
            TableState::Between if e.local_name().as_ref() == "si" => {
                self.state = TableState::In(e.name().as_ref().to_owned());
                self.content.get_mut().clear();
                self.depth = 0;
                Ok(())
            }
            TableState::In(_) => {
                refuse_is(e.name().as_ref())?;
                self.depth += 1;
                self.keep(Event::Start(e))
            }
            _ => Ok(()),
        }
    }

    fn on_empty(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match &self.state {
            // `<sst/>`: a table without strings.
            TableState::Before if e.local_name().as_ref() == "sst" => {
                self.state = TableState::Done;
                Ok(())
            }
            TableState::Between if e.local_name().as_ref() == "si" => {
                self.store.push(b"")?;
                Ok(())
            }
            TableState::In(_) => {
                refuse_is(e.name().as_ref())?;
                self.keep(Event::Empty(e))
            }
            _ => Ok(()),
        }
    }

    fn on_end(&mut self, e: BytesEnd<'_>) -> Result<(), Skip> {
        let name = e.name();
        match &self.state {
            TableState::Between if e.local_name().as_ref() == "sst" => {
                self.state = TableState::Done;
                Ok(())
            }
            TableState::In(si) if si.as_str() == name.as_ref() => {
                // Only a balanced content is copied into a cell.
                if self.depth != 0 {
                    return Err(Skip::AsIs);
                }
                self.store.push(self.content.get_ref())?;
                self.state = TableState::Between;
                Ok(())
            }
            TableState::In(_) => {
                refuse_is(name.as_ref())?;
                self.depth = self.depth.checked_sub(1).ok_or(Skip::AsIs)?;
                self.keep(Event::End(e))
            }
            _ => Ok(()),
        }
    }

    /// Copies an event of a string's content (others are left, as calamine leaves them).
    fn keep(&mut self, event: Event<'_>) -> Result<(), Skip> {
        if matches!(self.state, TableState::In(_)) {
            self.content.write_event(event)?;
        }
        Ok(())
    }
}

/// A string's content copied into `<is>` must not close it.
fn refuse_is(name: &str) -> Result<(), Skip> {
    if name == "is" {
        Err(Skip::AsIs)
    } else {
        Ok(())
    }
}

/// Copies a sheet, each cell of type `s` given its string (`t="inlineStr"`, `<is>`).
fn rewrite_sheet<R: BufRead, W: Write>(input: R, store: &mut Store, out: W) -> Result<(), Skip> {
    let mut reader = xml_reader(input);
    let mut sheet = Sheet {
        out: quick_xml::Writer::new(out),
        store,
        cell: Cell::Outside,
        value: String::new(),
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Eof => return Ok(()),
            event => sheet.on(event)?,
        }
    }
}

/// Where a sheet's reading is, as to cells of type `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Outside,
    /// In a `<c t="s">`.
    Shared,
    /// In its `<v>`.
    Value,
}

/// A sheet's copy: one handler per event.
struct Sheet<'s, W: Write> {
    out: quick_xml::Writer<W>,
    store: &'s mut Store,
    cell: Cell,
    /// The text of the `<v>` being read.
    value: String,
}

impl<W: Write> Sheet<'_, W> {
    fn on(&mut self, event: Event<'_>) -> Result<(), Skip> {
        match event {
            Event::Decl(d) if other_encoding(&d) => Err(Skip::AsIs),
            Event::Start(e) => self.on_start(e),
            Event::Empty(e) => self.on_empty(e),
            Event::Text(t) if self.cell == Cell::Value => {
                self.value.push_str(&t);
                Ok(())
            }
            Event::End(e) => self.on_end(e),
            // Anything else in a `<v>` (entities, CDATA…): calamine reads only plain text.
            _ if self.cell == Cell::Value => Err(Skip::AsIs),
            event => self.copy(event),
        }
    }

    fn on_start(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        let local = e.local_name();
        match (self.cell, local.as_ref()) {
            (Cell::Outside, "c") => match shared_type(&e)? {
                Some(value) => {
                    // The tag as it was, of type `inlineStr`.
                    let tag: &str = &e;
                    let out = self.out.get_mut();
                    out.write_all(b"<")?;
                    out.write_all(&tag.as_bytes()[..value.start])?;
                    out.write_all(b"inlineStr")?;
                    out.write_all(&tag.as_bytes()[value.end..])?;
                    out.write_all(b">")?;
                    self.cell = Cell::Shared;
                    Ok(())
                }
                None => self.copy(Event::Start(e)),
            },
            (Cell::Shared, "v") => {
                self.cell = Cell::Value;
                self.value.clear();
                Ok(())
            }
            (Cell::Shared, "c" | "is") | (Cell::Value, _) => Err(Skip::AsIs),
            _ => self.copy(Event::Start(e)),
        }
    }

    fn on_empty(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match (self.cell, e.local_name().as_ref()) {
            (Cell::Shared, "c" | "is") | (Cell::Value, _) => Err(Skip::AsIs),
            // `<v/>` in a shared cell, or `<c t="s"/>`: no value either way.
            _ => self.copy(Event::Empty(e)),
        }
    }

    fn on_end(&mut self, e: BytesEnd<'_>) -> Result<(), Skip> {
        match (self.cell, e.local_name().as_ref()) {
            (Cell::Value, "v") => {
                self.cell = Cell::Shared;
                self.inline_value()
            }
            // calamine would read on to the end of the `<v>`.
            (Cell::Value, _) => Err(Skip::AsIs),
            (Cell::Shared, "c") => {
                self.cell = Cell::Outside;
                self.copy(Event::End(e))
            }
            _ => self.copy(Event::End(e)),
        }
    }

    /// Writes the string the `<v>` just read names, as `<is>` (nothing for an empty `<v>`:
    /// calamine reads no value from it either).
    fn inline_value(&mut self) -> Result<(), Skip> {
        if self.value.is_empty() {
            return Ok(());
        }
        let index = plain_index(&self.value).ok_or(Skip::AsIs)?;
        if index >= self.store.count() {
            return Err(Skip::AsIs);
        }
        let out = self.out.get_mut();
        out.write_all(b"<is>")?;
        self.store.copy(index, out)?;
        out.write_all(b"</is>")?;
        Ok(())
    }

    fn copy(&mut self, event: Event<'_>) -> Result<(), Skip> {
        Ok(self.out.write_event(event)?)
    }
}

/// The index a `<v>` of a shared cell names, when it is plain digits without a leading zero.
fn plain_index(v: &str) -> Option<u64> {
    let v = v.as_bytes();
    if v.len() > 18 || !v.iter().all(u8::is_ascii_digit) || (v.len() > 1 && v[0] == b'0') {
        return None;
    }
    Some(v.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
}

/// Where the value of a `<c>`'s `t` attribute is in its start tag (`c r="A1" t="s"`), when
/// the value is exactly `s` (a shared string); `None` for another cell.
fn shared_type(tag: &str) -> Result<Option<Range<usize>>, Skip> {
    let b = tag.as_bytes();
    let space = |i: usize| b.get(i).is_some_and(|c| is_xml_space(char::from(*c)));
    // The element's name, then `key = 'value'`s.
    let mut i = b
        .iter()
        .position(|c| is_xml_space(char::from(*c)))
        .unwrap_or(b.len());
    let mut found = None;
    loop {
        while space(i) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let key = i;
        while i < b.len() && b[i] != b'=' && !space(i) {
            i += 1;
        }
        let key = &b[key..i];
        while space(i) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Err(Skip::AsIs);
        }
        i += 1;
        while space(i) {
            i += 1;
        }
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(Skip::AsIs),
        };
        let start = i + 1;
        let len = b
            .get(start..)
            .and_then(|rest| rest.iter().position(|&c| c == quote))
            .ok_or(Skip::AsIs)?;
        if key == b"t" {
            if found.is_some() {
                return Err(Skip::AsIs);
            }
            found = Some(start..start + len);
        }
        i = start + len + 1;
    }
    match found {
        Some(value) if &b[value.clone()] == b"s" => Ok(Some(value)),
        // `t="&#115;"` and the like: not looked at.
        Some(value) if b[value.clone()].contains(&b'&') => Err(Skip::AsIs),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests;
