//! Where [`XmlReader`](super::XmlReader) gets quick-xml's events from: any input read
//! through a buffer ([`Buffered`]), or bytes already in memory ([`Slice`]: no buffer to
//! refill, for the segments worker threads read).

use std::io::BufRead;

use quick_xml::events::Event;
use xxhash_rust::xxh3::xxh3_64;

use super::super::counting::{restart_index, Counting};
use super::super::lines::Lines;
use super::chars::blank_before_tag;
use super::{Limits, Position, XmlState};

/// Where an event lies in the document.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// The position of its first byte.
    pub before: Position,
    /// The position of the byte after it.
    pub after: Position,
    /// The offset of its first byte.
    pub offset: u64,
}

/// A source of quick-xml events with their positions (see [`Buffered`], [`Slice`],
/// [`InMemory`]).
pub trait Source {
    /// Reads the next event and hands it to `f` with where it lies (read as one step, so
    /// that the event may borrow the source while `f` runs; lent, not moved, so that it is not
    /// copied on the way).
    fn read<T>(&mut self, f: impl FnOnce(&quick_xml::Result<Event<'_>>, Span) -> T) -> T;

    /// Skips the XML white space ahead when a start or an end tag follows it directly (seen in
    /// what the source holds, and no longer than an event may be): white space the reader
    /// would drop, so that quick-xml does not make a text event of it. The next event's span
    /// starts at the tag, as it would have after that text.
    fn skip_blank_to_tag(&mut self);

    /// The current position: (line, 1-based byte column, offset).
    fn position(&mut self) -> (u32, u32, u64);

    /// The offset of the first byte of the current line.
    fn line_start(&mut self) -> u64;

    /// The current offset.
    fn offset(&self) -> u64;

    /// Starts hashing the bytes read from here on (see [`Source::take_digest`]).
    fn digest_from_here(&mut self);

    /// When hashing: hashes from `offset` on instead, forgetting the bytes before it; an
    /// offset the source no longer holds makes the next digest unknown.
    fn restart_digest_at(&mut self, offset: u64);

    /// A hash of the bytes read since the last call (or since the hashing started or
    /// restarted); `None` when not hashing, or when the start asked for was gone. The same
    /// bytes hash the same whatever the source.
    fn take_digest(&mut self) -> Option<u64>;
}

/// How the XML layer sets quick-xml up, whatever the source.
fn configure<R>(reader: &mut quick_xml::Reader<R>) {
    let config = reader.config_mut();
    config.expand_empty_elements = false;
    // End tags are matched by the XML layer (against the names of the open elements), so that
    // a segment may close elements opened by an earlier one.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = true;
    config.trim_text_start = false;
    config.trim_text_end = false;
}

/// Where the next event starts.
#[derive(Debug, Clone, Copy)]
struct Next {
    at: Position,
    offset: u64,
}

impl Next {
    /// At `(line, column, offset)`.
    #[inline(always)]
    fn new((line, column, offset): (u32, u32, u64)) -> Self {
        Next {
            at: Position { line, column },
            offset,
        }
    }

    /// Moves to `here`, where the event just read ends: that event's span.
    #[inline(always)]
    fn advance(&mut self, here: (u32, u32, u64)) -> Span {
        let next = Next::new(here);
        let span = Span {
            before: self.at,
            after: next.at,
            offset: self.offset,
        };
        *self = next;
        span
    }
}

/// Events read from any input through [`Counting`]'s buffer (which counts lines and refuses
/// an event larger than the limit): quick-xml copies each event into a buffer of its own.
pub struct Buffered<R: BufRead> {
    reader: quick_xml::Reader<Counting<R>>,
    buf: Vec<u8>,
    next: Next,
}

impl<R: BufRead> Buffered<R> {
    /// Reads `input` from where `state` stands (its line, the start of that line, its
    /// offset); an event may span at most `limits.max_event_bytes`.
    pub fn new(input: R, limits: Limits, state: &XmlState) -> Self {
        let mut counting = Counting::resume(
            input,
            limits.max_event_bytes,
            state.line,
            state.line_start,
            state.offset,
        );
        let next = counting.position();
        let mut reader = quick_xml::Reader::from_reader(counting);
        configure(&mut reader);
        Buffered {
            reader,
            buf: Vec::with_capacity(8 * 1024),
            next: Next::new(next),
        }
    }
}

impl<R: BufRead> Source for Buffered<R> {
    #[inline(always)]
    fn read<T>(&mut self, f: impl FnOnce(&quick_xml::Result<Event<'_>>, Span) -> T) -> T {
        self.reader.get_mut().mark();
        self.buf.clear();
        let event = self.reader.read_event_into(&mut self.buf);
        let here = self.reader.get_mut().position();
        let span = self.next.advance(here);
        f(&event, span)
    }

    #[inline(always)]
    fn skip_blank_to_tag(&mut self) {
        let counting = self.reader.get_mut();
        let n = blank_before_tag(counting.ahead());
        if n > 0 && counting.skip(n) {
            self.next = Next::new(counting.position());
        }
    }

    fn position(&mut self) -> (u32, u32, u64) {
        self.reader.get_mut().position()
    }

    fn line_start(&mut self) -> u64 {
        self.reader.get_mut().line_start()
    }

    fn offset(&self) -> u64 {
        self.reader.get_ref().offset()
    }

    fn digest_from_here(&mut self) {
        self.reader.get_mut().digest_from_here();
    }

    fn restart_digest_at(&mut self, offset: u64) {
        self.reader.get_mut().restart_digest_at(offset);
    }

    fn take_digest(&mut self) -> Option<u64> {
        self.reader.get_mut().take_digest()
    }
}

/// Events read from bytes in memory: no buffer to refill, no count of bytes per event (the
/// size limit of events is not checked: use it for bytes no longer than the limit,
/// [`InMemory`] chooses). Each event is copied into a buffer of its own: quick-xml checks the
/// UTF-8 of every event, and that check goes word by word only from an aligned address, which
/// the buffer's start is and an event in the input seldom is (the copy costs less than the
/// check it speeds up: about 4 % of the time of a validation on two threads).
pub struct Slice<'a> {
    at: Cursor<'a>,
    /// Where quick-xml copies each event (apart from `at`, which is asked where the event
    /// ends while the event borrows it).
    buf: Vec<u8>,
    next: Next,
    /// When hashing: the index in `bytes` the next digest starts at.
    digest: Option<usize>,
    /// Whether that start is where it was asked to be.
    exact: bool,
}

/// Where a [`Slice`] stands in its bytes.
struct Cursor<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
    bytes: &'a [u8],
    /// The document offset of `bytes[0]`.
    base: u64,
    lines: Lines,
}

impl Cursor<'_> {
    /// The index in `bytes` of the next byte to read.
    #[inline(always)]
    fn pos(&self) -> usize {
        self.bytes.len() - self.reader.get_ref().len()
    }

    /// The document offset of the next byte to read.
    #[inline(always)]
    fn offset(&self) -> u64 {
        self.base + self.pos() as u64
    }

    #[inline(always)]
    fn position(&mut self) -> (u32, u32, u64) {
        let (pos, offset) = (self.pos(), self.offset());
        self.lines.position(pos, offset)
    }

    fn line_start(&mut self) -> u64 {
        let (pos, offset) = (self.pos(), self.offset());
        self.lines.line_start(pos, offset)
    }
}

impl<'a> Slice<'a> {
    /// Reads `bytes` (UTF-8, at most `u32::MAX` of them) from where `state` stands.
    pub fn new(bytes: &'a [u8], state: &XmlState) -> Self {
        let offset = state.offset;
        let mut lines = Lines::new(state.line, state.line_start);
        lines.index(bytes);
        let next = lines.position(0, offset);
        let mut reader = quick_xml::Reader::from_reader(bytes);
        configure(&mut reader);
        Slice {
            at: Cursor {
                reader,
                bytes,
                base: offset,
                lines,
            },
            buf: Vec::with_capacity(4096),
            next: Next::new(next),
            digest: None,
            exact: true,
        }
    }
}

impl Source for Slice<'_> {
    #[inline(always)]
    fn read<T>(&mut self, f: impl FnOnce(&quick_xml::Result<Event<'_>>, Span) -> T) -> T {
        self.buf.clear();
        let event = self.at.reader.read_event_into(&mut self.buf);
        let here = self.at.position();
        let span = self.next.advance(here);
        f(&event, span)
    }

    #[inline(always)]
    fn skip_blank_to_tag(&mut self) {
        // The bytes are no longer than an event may be (see `InMemory`).
        let rest: &mut &[u8] = self.at.reader.get_mut();
        let n = blank_before_tag(rest);
        if n > 0 {
            *rest = &rest[n..];
            self.next = Next::new(self.at.position());
        }
    }

    #[inline(always)]
    fn position(&mut self) -> (u32, u32, u64) {
        self.at.position()
    }

    fn line_start(&mut self) -> u64 {
        self.at.line_start()
    }

    fn offset(&self) -> u64 {
        self.at.offset()
    }

    fn digest_from_here(&mut self) {
        self.digest = Some(self.at.pos());
        self.exact = true;
    }

    fn restart_digest_at(&mut self, offset: u64) {
        if self.digest.is_none() {
            return;
        }
        let (at, exact) = restart_index(offset, self.at.base, self.at.pos());
        self.digest = Some(at);
        self.exact = exact;
    }

    fn take_digest(&mut self) -> Option<u64> {
        let start = self.digest?;
        let pos = self.at.pos();
        let digest = xxh3_64(&self.at.bytes[start..pos]);
        self.digest = Some(pos);
        std::mem::replace(&mut self.exact, true).then_some(digest)
    }
}

/// Bytes of a segment in memory (UTF-8): [`Slice`] when no event in them can be larger
/// than the limit, else [`Buffered`] (which refuses such an event where reading it from a
/// file would), so that the findings do not depend on the source.
pub enum InMemory<'a> {
    /// The bytes are no longer than an event may be.
    Slice(Slice<'a>),
    /// The bytes are longer than an event may be: they go through [`Counting`].
    Buffered(Buffered<&'a [u8]>),
}

impl<'a> InMemory<'a> {
    /// Reads `bytes` (UTF-8) from where `state` stands; an event may span at most
    /// `limits.max_event_bytes`.
    pub fn new(bytes: &'a [u8], limits: Limits, state: &XmlState) -> Self {
        let len = bytes.len() as u64;
        if len <= limits.max_event_bytes && len <= u64::from(u32::MAX) {
            InMemory::Slice(Slice::new(bytes, state))
        } else {
            InMemory::Buffered(Buffered::new(bytes, limits, state))
        }
    }
}

impl Source for InMemory<'_> {
    #[inline(always)]
    fn read<T>(&mut self, f: impl FnOnce(&quick_xml::Result<Event<'_>>, Span) -> T) -> T {
        match self {
            InMemory::Slice(s) => s.read(f),
            InMemory::Buffered(s) => s.read(f),
        }
    }

    #[inline(always)]
    fn skip_blank_to_tag(&mut self) {
        match self {
            InMemory::Slice(s) => s.skip_blank_to_tag(),
            InMemory::Buffered(s) => s.skip_blank_to_tag(),
        }
    }

    fn position(&mut self) -> (u32, u32, u64) {
        match self {
            InMemory::Slice(s) => s.position(),
            InMemory::Buffered(s) => s.position(),
        }
    }

    fn line_start(&mut self) -> u64 {
        match self {
            InMemory::Slice(s) => s.line_start(),
            InMemory::Buffered(s) => s.line_start(),
        }
    }

    fn offset(&self) -> u64 {
        match self {
            InMemory::Slice(s) => s.offset(),
            InMemory::Buffered(s) => s.offset(),
        }
    }

    fn digest_from_here(&mut self) {
        match self {
            InMemory::Slice(s) => s.digest_from_here(),
            InMemory::Buffered(s) => s.digest_from_here(),
        }
    }

    fn restart_digest_at(&mut self, offset: u64) {
        match self {
            InMemory::Slice(s) => s.restart_digest_at(offset),
            InMemory::Buffered(s) => s.restart_digest_at(offset),
        }
    }

    fn take_digest(&mut self) -> Option<u64> {
        match self {
            InMemory::Slice(s) => s.take_digest(),
            InMemory::Buffered(s) => s.take_digest(),
        }
    }
}
