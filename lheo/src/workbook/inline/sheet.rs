//! A sheet copied with its shared strings in its cells: a `<c t="s">` becomes `t="str"` with
//! the string as its `<v>`, or `t="inlineStr"` with the string's content as its `<is>`;
//! every other byte is copied as it was.

use std::io::{BufRead, Write};
use std::ops::Range;

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::open::Open;
use super::store::Store;
use super::table::{CONTENT, VALUE};
use super::{other_encoding, xml_reader, Skip};
use crate::check::types::is_xml_space;

/// Copies a sheet to `out`, each cell of type `s` given its string.
pub(super) fn rewrite_sheet<R: BufRead, W: Write>(
    input: R,
    store: &mut Store,
    out: W,
) -> Result<(), Skip> {
    let mut reader = xml_reader(input);
    let mut sheet = Sheet {
        out: quick_xml::Writer::new(out),
        store,
        cell: Cell::Outside,
        tag: String::new(),
        kind: 0..0,
        open: Open::default(),
        v: String::new(),
        value: String::new(),
        string: Vec::new(),
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
    /// In a cell of another type (copied as it is: a cell in it, which calamine would read
    /// as text or refuse, leaves the workbook as it is).
    Plain,
    /// In a `<c t="s">` whose start tag is not written yet (its type depends on its string).
    Held,
    /// In a `<c t="s">` written as `t="inlineStr"`, its string not met yet.
    Inline,
    /// In its `<v>` (whether the start tag was held).
    Value(bool),
    /// After its string.
    Given,
}

/// A sheet's copy: one handler per event.
struct Sheet<'s, W: Write> {
    out: quick_xml::Writer<W>,
    store: &'s mut Store,
    cell: Cell,
    /// The held start tag of the cell, and where its type's value is in it.
    tag: String,
    kind: Range<usize>,
    /// The elements open in the cell (its own first).
    open: Open,
    /// The name of the `<v>` being read (calamine reads on to the end tag of that name), and
    /// its text.
    v: String,
    value: String,
    /// The string it names, as stored.
    string: Vec<u8>,
}

impl<W: Write> Sheet<'_, W> {
    fn on(&mut self, event: Event<'_>) -> Result<(), Skip> {
        match (self.cell, event) {
            (_, Event::Decl(d)) if other_encoding(&d) => Err(Skip::AsIs),
            (Cell::Value(_), Event::Text(t)) => {
                self.value.push_str(&t);
                Ok(())
            }
            (_, Event::Start(e)) => self.on_start(e),
            (_, Event::Empty(e)) => self.on_empty(e),
            (_, Event::End(e)) => self.on_end(e),
            // Anything else in a `<v>` (entities, CDATA…): calamine reads only plain text.
            (Cell::Value(_), _) => Err(Skip::AsIs),
            (_, event) => {
                self.release()?;
                self.copy(event)
            }
        }
    }

    fn on_start(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        let local = e.local_name();
        match (self.cell, local.as_ref()) {
            (Cell::Outside, "c") => match shared_type(&e)? {
                Some(kind) => {
                    self.open.push(e.name().as_ref());
                    self.tag.clear();
                    self.tag.push_str(&e);
                    self.kind = kind;
                    self.cell = Cell::Held;
                    Ok(())
                }
                None => {
                    self.open.push(e.name().as_ref());
                    self.cell = Cell::Plain;
                    self.copy(Event::Start(e))
                }
            },
            (Cell::Held | Cell::Inline, "v") => {
                self.cell = Cell::Value(self.cell == Cell::Held);
                self.v.clear();
                self.v.push_str(e.name().as_ref());
                self.value.clear();
                Ok(())
            }
            (Cell::Outside, _) => self.copy(Event::Start(e)),
            (Cell::Plain, _) if local.as_ref() != "c" => {
                self.open.push(e.name().as_ref());
                self.copy(Event::Start(e))
            }
            // A second value, a cell in a cell, a string already inline.
            (Cell::Given | Cell::Value(_), _) | (_, "c" | "is") => Err(Skip::AsIs),
            _ => {
                self.open.push(e.name().as_ref());
                self.release()?;
                self.copy(Event::Start(e))
            }
        }
    }

    fn on_empty(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match (self.cell, e.local_name().as_ref()) {
            (Cell::Outside, _) => self.copy(Event::Empty(e)),
            (Cell::Plain, "c") => Err(Skip::AsIs),
            (Cell::Plain, _) => self.copy(Event::Empty(e)),
            (Cell::Value(_) | Cell::Given, _) | (_, "c" | "is") => Err(Skip::AsIs),
            // `<v/>` in a shared cell: no value either way.
            _ => {
                self.release()?;
                self.copy(Event::Empty(e))
            }
        }
    }

    fn on_end(&mut self, e: BytesEnd<'_>) -> Result<(), Skip> {
        match (self.cell, e.local_name().as_ref()) {
            (Cell::Value(held), _) if e.name().as_ref() == self.v => {
                self.cell = Cell::Given;
                self.give(held)
            }
            // calamine would read on to the end of the `<v>`.
            (Cell::Value(_), _) => Err(Skip::AsIs),
            (Cell::Outside, _) => self.copy(Event::End(e)),
            _ => {
                // In a cell, each end tag ends the element last opened: calamine reads text
                // and strings up to an end tag of their name, not checking the others.
                if !self.open.pop_if(e.name().as_ref()) {
                    return Err(Skip::AsIs);
                }
                self.release()?;
                if self.open.is_empty() {
                    self.cell = Cell::Outside;
                }
                self.copy(Event::End(e))
            }
        }
    }

    /// Writes the string the `<v>` just read names: as the cell's value when it is one and the
    /// start tag was held, else as `<is>` (nothing for an empty `<v>`: calamine reads no value
    /// from it either).
    fn give(&mut self, held: bool) -> Result<(), Skip> {
        if self.value.is_empty() {
            return match held {
                true => self.write_tag("inlineStr"),
                false => Ok(()),
            };
        }
        let index = plain_index(&self.value).ok_or(Skip::AsIs)?;
        if index >= self.store.count() {
            return Err(Skip::AsIs);
        }
        let mut string = std::mem::take(&mut self.string);
        self.store.read(index, &mut string)?;
        let given = self.give_string(&string, held);
        self.string = string;
        given
    }

    /// Writes `string` as stored ([`VALUE`] or [`CONTENT`], then its bytes).
    fn give_string(&mut self, string: &[u8], held: bool) -> Result<(), Skip> {
        let (kind, body) = string.split_first().ok_or(Skip::AsIs)?;
        match (*kind, held) {
            (VALUE, true) => {
                self.write_tag("str")?;
                self.write(&[b"<v>", body, b"</v>"])
            }
            (VALUE, false) => self.write(&[b"<is><t xml:space=\"preserve\">", body, b"</t></is>"]),
            (CONTENT, _) => {
                if held {
                    self.write_tag("inlineStr")?;
                }
                self.write(&[b"<is>", body, b"</is>"])
            }
            _ => Err(Skip::AsIs),
        }
    }

    /// Writes the held start tag, of type `inlineStr`, before what comes in the cell.
    fn release(&mut self) -> Result<(), Skip> {
        if self.cell == Cell::Held {
            self.write_tag("inlineStr")?;
            self.cell = Cell::Inline;
        }
        Ok(())
    }

    /// Writes the held start tag as it was, of type `kind`.
    fn write_tag(&mut self, kind: &str) -> Result<(), Skip> {
        let tag = self.tag.as_bytes();
        let (before, after) = (&tag[..self.kind.start], &tag[self.kind.end..]);
        let out = self.out.get_mut();
        for part in [b"<", before, kind.as_bytes(), after, b">"] {
            out.write_all(part)?;
        }
        Ok(())
    }

    fn write(&mut self, parts: &[&[u8]]) -> Result<(), Skip> {
        let out = self.out.get_mut();
        for part in parts {
            out.write_all(part)?;
        }
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
    // The keys met (a repeated one, which calamine may count in place of `t`, or more keys
    // than a cell has, leave a shared cell as it is).
    let (mut keys, mut met, mut repeated) = ([&b""[..]; 8], 0, false);
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
        if keys[..met].contains(&key) || met == keys.len() {
            repeated = true;
        } else {
            keys[met] = key;
            met += 1;
        }
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
        Some(value) if &b[value.clone()] == b"s" => match repeated {
            false => Ok(Some(value)),
            true => Err(Skip::AsIs),
        },
        // `t="&#115;"` and the like: not looked at.
        Some(value) if b[value.clone()].contains(&b'&') => Err(Skip::AsIs),
        _ => Ok(None),
    }
}
