//! Import: rows become an LHEO 2.3 document, written as XML with one start tag per line, and
//! a map from each line back to the cell it came from, so that every finding of the checker
//! and of the rules can be shown at `sheet!cell`.
//!
//! Elements carry compact origins (sheet number, row, column) rather than names: a workbook
//! of thousands of formations becomes a tree of millions of elements.

use std::io::{self, Read, Write};
use std::sync::Mutex;

use super::layout::{self, Step};
use super::spool::{Spool, SpoolWriter};
use super::writer::cell_ref;
use crate::diagnostic::Location;
use crate::schema::{self, Content, ElementId};
use crate::writer::xml::{escape_attr, escape_text};

/// A cell of the workbook: sheet number (in the workbook's order), 0-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Sheet number; [`Origin::NONE`] for nowhere.
    pub sheet: u16,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u16,
}

impl Origin {
    /// Nowhere (a document without a row of its own).
    pub const NONE: Origin = Origin {
        sheet: u16::MAX,
        row: 0,
        col: 0,
    };

    /// The cell in `row`, at column `col`.
    pub fn new(sheet: usize, row: u32, col: usize) -> Origin {
        Origin {
            sheet: u16::try_from(sheet).unwrap_or(u16::MAX),
            row,
            col: u16::try_from(col).unwrap_or(u16::MAX),
        }
    }

    /// The location, with the sheet names of the workbook.
    pub fn location(&self, names: &[String]) -> Location {
        match names.get(usize::from(self.sheet)) {
            Some(sheet) => Location::Cell {
                sheet: sheet.clone(),
                cell: cell_ref(self.row, usize::from(self.col)),
            },
            None => Location::None,
        }
    }
}

/// An element being assembled.
#[derive(Debug, Clone)]
pub struct Element {
    /// Its declaration.
    pub element: ElementId,
    /// Its 1-based rank among same-named siblings (ordering).
    pub index: u32,
    /// Attributes, in the order set.
    pub attrs: Vec<(&'static str, String)>,
    /// Text (simple content).
    pub text: Option<String>,
    /// Child elements.
    pub children: Vec<Element>,
    /// Its `extras`, as XML text, with where each comes from.
    pub extras: Vec<(String, Origin)>,
    /// Where it comes from.
    pub origin: Origin,
    /// The row it belongs to (sheet number, row), to find the cell of a missing required
    /// child.
    pub row: Option<(u16, u32)>,
    /// Records built only when written (one at a time: memory holds one record's tree):
    /// their element and (sheet, row) for the builder given to [`to_xml`].
    pub lazy: Vec<(ElementId, usize, usize)>,
    /// A required child added because nothing filled it: `Some(true)` when its column is in
    /// the sheet (the cell is empty), `Some(false)` when the column is missing.
    pub required: Option<bool>,
}

impl Element {
    /// An empty element.
    pub fn new(element: ElementId, index: u32, origin: Origin, row: Option<(u16, u32)>) -> Self {
        Element {
            element,
            index,
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
            extras: Vec::new(),
            origin,
            row,
            lazy: Vec::new(),
            required: None,
        }
    }

    /// The descendant at `steps`, created (with `origin`) where missing.
    pub fn at(&mut self, steps: &[Step], origin: Origin) -> &mut Element {
        let mut node = self;
        for s in steps {
            let pos = node
                .children
                .iter()
                .position(|e| e.element == s.element && e.index == s.index);
            let pos = match pos {
                Some(p) => p,
                None => {
                    let row = node.row;
                    node.children
                        .push(Element::new(s.element, s.index, origin, row));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[pos];
        }
        node
    }

    /// Adds a child entity (a row of a child sheet) below the containers of `via`.
    pub fn add_entity(&mut self, via: &[ElementId], mut child: Element) {
        let containers: Vec<Step> = via[..via.len().saturating_sub(1)]
            .iter()
            .map(|&e| Step {
                element: e,
                index: 1,
            })
            .collect();
        let origin = self.origin;
        let parent = self.at(&containers, origin);
        let count = parent
            .children
            .iter()
            .filter(|e| e.element == child.element)
            .count();
        child.index = count as u32 + 1;
        parent.children.push(child);
    }
}

impl Element {
    /// Adds a record (a row of a sheet directly below the document's) to be built when
    /// written, below the containers of `via`.
    pub fn add_lazy(&mut self, via: &[ElementId], sheet: usize, row: usize) {
        let Some((&element, containers)) = via.split_last() else {
            return;
        };
        let steps: Vec<Step> = containers
            .iter()
            .map(|&e| Step {
                element: e,
                index: 1,
            })
            .collect();
        let origin = self.origin;
        self.at(&steps, origin).lazy.push((element, sheet, row));
    }
}

/// Builds a record from its (sheet, row).
pub type RecordBuilder<'a> = &'a dyn Fn(usize, usize) -> io::Result<Element>;

/// Entries of a [`LineMap`] block.
const BLOCK: usize = 1024;

/// A [`LineMap`] block decoded: its number and entries.
type Decoded = (usize, Vec<(u32, Origin)>);

/// Lines of the assembled XML → cells: an entry (line, cell) where the cell changes, kept
/// delta-encoded in blocks of 1 024 entries in a spool (a temporary file for a large
/// workbook: a few bytes per element, out of memory), with the first line of each block in
/// memory. The block read last is kept decoded (findings come in line order).
#[derive(Debug, Default)]
pub struct LineMap {
    blocks: Spool,
    /// For each block: its first line and its offset in `blocks`.
    index: Vec<(u32, u64)>,
    names: Vec<String>,
    /// Lines of required simple elements that nothing filled (added so that the checker
    /// finds them at their cell), in order, and whether their column is in the sheet.
    empty: Vec<(u32, bool, &'static str)>,
    /// The block decoded last.
    last: Mutex<Option<Decoded>>,
}

impl Clone for LineMap {
    fn clone(&self) -> Self {
        LineMap {
            blocks: self.blocks.clone(),
            index: self.index.clone(),
            names: self.names.clone(),
            empty: self.empty.clone(),
            last: Mutex::new(None),
        }
    }
}

impl LineMap {
    /// The cell a line of the XML comes from.
    pub fn locate(&self, line: u32) -> Option<Location> {
        let block = self
            .index
            .partition_point(|(l, _)| *l <= line)
            .checked_sub(1)?;
        let mut last = self.last.lock().ok()?;
        if last.as_ref().map(|(b, _)| *b) != Some(block) {
            *last = Some((block, self.decode(block).ok()?));
        }
        let entries = &last.as_ref()?.1;
        let i = entries
            .partition_point(|(l, _)| *l <= line)
            .checked_sub(1)?;
        Some(entries[i].1.location(&self.names))
    }

    /// The entries of block `block`.
    fn decode(&self, block: usize) -> io::Result<Vec<(u32, Origin)>> {
        let (_, start) = self.index[block];
        let end = self
            .index
            .get(block + 1)
            .map_or(self.blocks.len(), |(_, o)| *o);
        let mut bytes = vec![0u8; usize::try_from(end - start).map_err(io::Error::other)?];
        let mut reader = self.blocks.reader()?;
        reader.seek_to(start)?;
        reader.read_exact(&mut bytes)?;
        let mut rest = &bytes[..];
        let mut next = || -> io::Result<u64> {
            let mut value = 0u64;
            for shift in (0..64).step_by(7) {
                let (&b, tail) = rest
                    .split_first()
                    .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
                rest = tail;
                value |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    return Ok(value);
                }
            }
            Err(io::Error::from(io::ErrorKind::InvalidData))
        };
        let mut entries = Vec::with_capacity(BLOCK);
        let (mut line, mut row) = (0u64, 0i64);
        while entries.len() < BLOCK {
            let Ok(delta) = next() else { break };
            line += delta;
            let zig = next()?;
            row += ((zig >> 1) as i64) ^ -((zig & 1) as i64);
            let col = next()?;
            let sheet = next()?;
            entries.push((
                u32::try_from(line).map_err(io::Error::other)?,
                Origin {
                    sheet: u16::try_from(sheet).map_err(io::Error::other)?,
                    row: u32::try_from(row).map_err(io::Error::other)?,
                    col: u16::try_from(col).map_err(io::Error::other)?,
                },
            ));
        }
        Ok(entries)
    }

    /// Whether `line` holds a required value that nothing filled: its element's name, and
    /// `true` when its cell is empty, `false` when its column is missing.
    pub fn empty_required(&self, line: u32) -> Option<(&'static str, bool)> {
        self.empty
            .binary_search_by_key(&line, |(l, _, _)| *l)
            .ok()
            .map(|i| (self.empty[i].2, self.empty[i].1))
    }
}

/// Writes the entries of a [`LineMap`], block by block.
#[derive(Debug, Default)]
struct LineMapWriter {
    blocks: SpoolWriter,
    index: Vec<(u32, u64)>,
    pending: Vec<(u32, Origin)>,
    last: Option<Origin>,
}

impl LineMapWriter {
    fn push(&mut self, line: u32, origin: Origin) -> io::Result<()> {
        if self.last == Some(origin) {
            return Ok(());
        }
        self.last = Some(origin);
        self.pending.push((line, origin));
        if self.pending.len() == BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let Some(&(first, _)) = self.pending.first() else {
            return Ok(());
        };
        self.index.push((first, self.blocks.position()));
        let mut bytes = Vec::with_capacity(self.pending.len() * 6);
        let mut put = |mut v: u64| loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                bytes.push(b);
                break;
            }
            bytes.push(b | 0x80);
        };
        let (mut line, mut row) = (0u32, 0i64);
        for (l, o) in self.pending.drain(..) {
            put(u64::from(l - line));
            line = l;
            let delta = i64::from(o.row) - row;
            row = i64::from(o.row);
            put(((delta << 1) ^ (delta >> 63)) as u64);
            put(u64::from(o.col));
            put(u64::from(o.sheet));
        }
        self.blocks.write_all(&bytes)
    }

    fn finish(
        mut self,
        names: Vec<String>,
        empty: Vec<(u32, bool, &'static str)>,
    ) -> io::Result<LineMap> {
        self.flush()?;
        Ok(LineMap {
            blocks: self.blocks.finish()?,
            index: self.index,
            names,
            empty,
            last: Mutex::new(None),
        })
    }
}

/// Finds the column of a value in a sheet, when the workbook has that column.
pub trait CellFinder {
    /// The column of `steps` (below the entity of sheet number `sheet`).
    fn column(&self, sheet: u16, steps: &[Step]) -> Option<usize>;
}

/// The XML writer that counts lines.
struct Out<'a> {
    xml: &'a mut dyn Write,
    line: u32,
    starts: LineMapWriter,
    empty: Vec<(u32, bool, &'static str)>,
    finder: &'a dyn CellFinder,
    records: RecordBuilder<'a>,
}

impl Out<'_> {
    fn mark(&mut self, origin: Origin) -> io::Result<()> {
        self.starts.push(self.line, origin)
    }

    /// Writes `s`, counting its line breaks.
    fn push(&mut self, s: &[u8]) -> io::Result<()> {
        self.line += memchr::memchr_iter(b'\n', s).count() as u32;
        self.xml.write_all(s)
    }

    /// Writes markup without a line break (names, brackets, quotes).
    fn put(&mut self, s: &[u8]) -> io::Result<()> {
        debug_assert!(!s.contains(&b'\n'));
        self.xml.write_all(s)
    }

    /// Ends a line.
    fn newline(&mut self) -> io::Result<()> {
        self.line += 1;
        self.xml.write_all(b"\n")
    }

    /// Writes `</name>` and ends the line.
    fn close(&mut self, name: &str) -> io::Result<()> {
        self.put(b"</")?;
        self.put(name.as_bytes())?;
        self.put(b">")?;
        self.newline()
    }

    /// Writes `s` escaped: an attribute's value (its line breaks as references), or text
    /// (its line breaks kept, counted).
    fn escaped(&mut self, s: &str, attr: bool) -> io::Result<()> {
        if attr {
            escape_attr(s, &mut self.xml)
        } else {
            self.line += memchr::memchr_iter(b'\n', s.as_bytes()).count() as u32;
            escape_text(s, &mut self.xml)
        }
    }
}

/// Writes `root` as an LHEO 2.3 document, the tree consumed as it goes. `names` are the
/// workbook's sheet names (for the line map). Writes the XML to `xml`; returns the line map.
pub fn to_xml(
    root: Element,
    finder: &dyn CellFinder,
    names: Vec<String>,
    records: RecordBuilder<'_>,
    xml: &mut dyn Write,
) -> io::Result<LineMap> {
    let mut out = Out {
        xml,
        line: 1,
        starts: LineMapWriter::default(),
        empty: Vec::new(),
        finder,
        records,
    };
    out.put(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    out.newline()?;
    element(&mut out, root, true, &mut Vec::new())?;
    out.starts.finish(names, out.empty)
}

/// Adds the required children an element lacks (empty: the checker then says what to fill,
/// at the cell to fill) and orders children as the schema does. `steps` is the path of `e`
/// below its row's entity.
fn complete(e: &mut Element, finder: &dyn CellFinder, steps: &mut Vec<Step>) {
    let Content::Sequence(particles) = schema::element(e.element).content else {
        return;
    };
    for p in particles {
        if p.element == schema::id::EXTRAS || layout::is_entity(p) {
            continue;
        }
        for index in 1..=p.min {
            let exists = e
                .children
                .iter()
                .any(|x| x.element == p.element && x.index == index);
            if !exists {
                let step = Step {
                    element: p.element,
                    index,
                };
                let cell = e.row.and_then(|(sheet, row)| {
                    steps.push(step);
                    let col = finder.column(sheet, steps);
                    steps.pop();
                    col.map(|c| Origin::new(usize::from(sheet), row, c))
                });
                let origin = cell.unwrap_or(e.origin);
                e.at(&[step], origin).required = Some(cell.is_some());
            }
        }
    }
    let element = e.element;
    let order = |x: &Element| {
        (
            schema::particle(element, x.element).map_or(usize::MAX, |(i, _)| i),
            x.index,
        )
    };
    // Mostly in order already: checked first, each child's place looked up once.
    if !e.children.is_sorted_by_key(order) {
        e.children.sort_by_cached_key(order);
    }
}

fn element(out: &mut Out<'_>, mut e: Element, root: bool, steps: &mut Vec<Step>) -> io::Result<()> {
    complete(&mut e, out.finder, steps);
    let name = schema::element(e.element).name;
    out.mark(e.origin)?;
    out.put(b"<")?;
    out.put(name.as_bytes())?;
    if root {
        out.put(b" xmlns=\"")?;
        out.put(schema::NAMESPACE_2_3.as_bytes())?;
        out.put(b"\"")?;
    }
    for (a, v) in &e.attrs {
        out.put(b" ")?;
        out.put(a.as_bytes())?;
        out.put(b"=\"")?;
        out.escaped(v, true)?;
        out.put(b"\"")?;
    }
    if let Some(t) = &e.text {
        out.put(b">")?;
        out.escaped(t, false)?;
    } else if e.children.is_empty() && e.extras.is_empty() && e.lazy.is_empty() {
        if layout::is_complex(e.element) {
            out.put(b"/>")?;
            out.newline()?;
        } else {
            if let Some(column) = e.required {
                out.empty.push((out.line, column, name));
            }
            out.put(b">")?;
            out.close(name)?;
        }
        return Ok(());
    } else {
        out.put(b">")?;
        out.newline()?;
        let at = |x: ElementId| schema::particle(e.element, x).map_or(usize::MAX, |(i, _)| i);
        let extras_at = at(schema::id::EXTRAS);
        let lazy_at = e.lazy.first().map_or(usize::MAX, |(x, _, _)| at(*x));
        let extras = std::mem::take(&mut e.extras);
        let lazy = std::mem::take(&mut e.lazy);
        let (mut extras_done, mut lazy_done) = (extras.is_empty(), lazy.is_empty());
        let children = std::mem::take(&mut e.children);
        let row = e.row;
        let mut pending = |out: &mut Out<'_>, before: usize| -> io::Result<()> {
            let mut blocks = [(extras_at, 0), (lazy_at, 1)];
            blocks.sort();
            for (pos, which) in blocks {
                if pos >= before {
                    continue;
                }
                if which == 0 && !extras_done {
                    raw(out, &extras)?;
                    extras_done = true;
                } else if which == 1 && !lazy_done {
                    for (k, &(_, sheet, r)) in lazy.iter().enumerate() {
                        let mut record = (out.records)(sheet, r)?;
                        record.index = k as u32 + 1;
                        element(out, record, false, &mut Vec::new())?;
                    }
                    lazy_done = true;
                }
            }
            Ok(())
        };
        for x in children {
            pending(out, at(x.element))?;
            if x.row == row {
                steps.push(Step {
                    element: x.element,
                    index: x.index,
                });
                element(out, x, false, steps)?;
                steps.pop();
            } else {
                // Another row's entity: its paths start again from it.
                element(out, x, false, &mut Vec::new())?;
            }
        }
        pending(out, usize::MAX)?;
        if !extras_done {
            raw(out, &extras)?;
        }
    }
    out.close(name)
}

fn raw(out: &mut Out<'_>, extras: &[(String, Origin)]) -> io::Result<()> {
    for (xml, origin) in extras {
        out.mark(*origin)?;
        out.push(xml.as_bytes())?;
        out.newline()?;
    }
    Ok(())
}
