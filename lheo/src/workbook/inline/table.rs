//! The table of shared strings read as calamine reads it, each string stored for its cells:
//! as a value ([`VALUE`]: the text of its one `<t>`) or as content for `<is>` ([`CONTENT`]).

use std::io::BufRead;

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::open::Open;
use super::store::{Store, StoreWriter};
use super::{other_encoding, xml_reader, Skip};

/// A stored string that is text for a `<v>` (escaped as it was in its `<t>`).
pub(super) const VALUE: u8 = b'v';
/// A stored string that is content for an `<is>` (the `<si>`'s, as it was).
pub(super) const CONTENT: u8 = b'i';

/// Reads the table of shared strings as calamine reads it: each `<si>` (at any depth) after
/// the `<sst>` start and before its end, its content up to the first end tag of its name.
pub(super) fn read_table<R: BufRead>(input: R) -> Result<Store, Skip> {
    let mut reader = xml_reader(input);
    let mut table = Table {
        store: StoreWriter::new()?,
        state: State::Before,
        content: quick_xml::Writer::new(Vec::new()),
        open: Open::default(),
        shape: Shape::Nothing,
    };
    let mut buf = Vec::new();
    while table.state != State::Done {
        buf.clear();
        let event = reader.read_event_into(&mut buf)?;
        table.on(event)?;
    }
    Ok(table.store.finish()?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Before `<sst>`.
    Before,
    /// In the table, between strings.
    Between,
    /// In a string (the name of its element).
    In(String),
    /// After `</sst>`.
    Done,
}

/// What a string's content is so far: one `<t>` of text only (whether it keeps its spaces,
/// where its text starts and ends in the content) can be a cell's value. The `<t>` is the
/// only element open while it is read: its end is the next end tag (checked against
/// [`Table::open`]).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Nothing,
    InText(bool, usize),
    Text(bool, usize, usize),
    Other,
}

/// The table's reading: one handler per event.
struct Table {
    store: StoreWriter,
    state: State,
    /// The current string's content, as written.
    content: quick_xml::Writer<Vec<u8>>,
    /// Elements open in the current string (their names).
    open: Open,
    shape: Shape,
}

impl Table {
    fn on(&mut self, event: Event<'_>) -> Result<(), Skip> {
        match event {
            Event::Eof => Err(Skip::AsIs),
            Event::Decl(d) if other_encoding(&d) => Err(Skip::AsIs),
            Event::Start(e) => self.on_start(e),
            Event::Empty(e) => self.on_empty(e),
            Event::End(e) => self.on_end(e),
            // Text of the `<t>`, or text around it (which calamine leaves).
            Event::Text(_) | Event::GeneralRef(_) => self.keep(event),
            other => {
                self.shape = Shape::Other;
                self.keep(other)
            }
        }
    }

    fn on_start(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match &self.state {
            State::Before if e.local_name().as_ref() == "sst" => {
                self.state = State::Between;
                Ok(())
            }
            State::Between if e.local_name().as_ref() == "si" => {
                self.state = State::In(e.name().as_ref().to_owned());
                self.content.get_mut().clear();
                self.open.clear();
                self.shape = Shape::Nothing;
                Ok(())
            }
            State::In(si) => {
                refuse_closing(e.name().as_ref(), si)?;
                self.open.push(e.name().as_ref());
                let text = (self.shape == Shape::Nothing && self.open.len() == 1)
                    .then(|| plain_text_start(&e))
                    .flatten();
                self.keep(Event::Start(e.borrow()))?;
                self.shape = match text {
                    Some(preserve) => Shape::InText(preserve, self.content.get_ref().len()),
                    None => Shape::Other,
                };
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn on_empty(&mut self, e: BytesStart<'_>) -> Result<(), Skip> {
        match &self.state {
            // `<sst/>`: a table without strings.
            State::Before if e.local_name().as_ref() == "sst" => {
                self.state = State::Done;
                Ok(())
            }
            State::Between if e.local_name().as_ref() == "si" => {
                self.store.push(&[&[CONTENT]])?;
                Ok(())
            }
            State::In(si) => {
                // calamine reads an empty element as a start and an end: one named as the
                // string's would end it.
                refuse_closing(e.name().as_ref(), si)?;
                self.shape = Shape::Other;
                self.keep(Event::Empty(e))
            }
            _ => Ok(()),
        }
    }

    fn on_end(&mut self, e: BytesEnd<'_>) -> Result<(), Skip> {
        let name = e.name();
        match &self.state {
            State::Between if e.local_name().as_ref() == "sst" => {
                self.state = State::Done;
                Ok(())
            }
            State::In(si) if si.as_str() == name.as_ref() => {
                // Only a balanced content is copied into a cell.
                if !self.open.is_empty() {
                    return Err(Skip::AsIs);
                }
                let content = self.content.get_ref();
                match self.shape {
                    Shape::Text(preserve, start, end)
                        if value_reads_the_same(&content[start..end], preserve) =>
                    {
                        self.store.push(&[&[VALUE], &content[start..end]])?
                    }
                    _ => self.store.push(&[&[CONTENT], content])?,
                }
                self.state = State::Between;
                Ok(())
            }
            State::In(_) => {
                // Each end tag ends the element last opened (calamine does not check it: an
                // end tag of another name would end its string elsewhere).
                if !self.open.pop_if(name.as_ref()) {
                    return Err(Skip::AsIs);
                }
                let end = self.content.get_ref().len();
                self.shape = match &self.shape {
                    // The end tag just matched is the `<t>`'s.
                    Shape::InText(preserve, start) => Shape::Text(*preserve, *start, end),
                    _ => Shape::Other,
                };
                self.keep(Event::End(e))
            }
            _ => Ok(()),
        }
    }

    /// Copies an event of a string's content (others are left, as calamine leaves them).
    fn keep(&mut self, event: Event<'_>) -> Result<(), Skip> {
        if matches!(self.state, State::In(_)) {
            self.content.write_event(event)?;
        }
        Ok(())
    }
}

/// A string's content copied into `<is>` must not close it, nor hold an element named as
/// the string's (`si`).
fn refuse_closing(name: &str, si: &str) -> Result<(), Skip> {
    if name == "is" || name == si {
        Err(Skip::AsIs)
    } else {
        Ok(())
    }
}

/// A `<t>` whose only attribute, if any, is `xml:space="preserve"`: whether it keeps its
/// spaces (`None` for another element or other attributes).
fn plain_text_start(e: &BytesStart<'_>) -> Option<bool> {
    if e.local_name().as_ref() != "t" {
        return None;
    }
    let mut preserve = false;
    for a in e.attributes().with_checks(true) {
        let a = a.ok()?;
        if a.key.as_ref() != "xml:space" || a.value != "preserve" || preserve {
            return None;
        }
        preserve = true;
    }
    Some(preserve)
}

/// Whether the text of a `<t>` reads the same as a cell's value (`t="str"`), which calamine
/// reads as the `<t>` (line ends, entities, `_xHHHH_` escapes) but does not trim: not empty,
/// and, without `xml:space="preserve"`, no white space (or entity) at either end.
fn value_reads_the_same(text: &[u8], preserve: bool) -> bool {
    let (Some(first), Some(last)) = (text.first(), text.last()) else {
        return false;
    };
    let edge = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    preserve || !(edge(first) || edge(last) || *first == b'&' || *last == b';')
}
