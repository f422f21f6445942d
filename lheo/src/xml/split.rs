//! Cutting a document into segments that can be read on several threads.
//!
//! [`Splitter`] reads the UTF-8 bytes of a document and cuts them, without parsing, into
//! [`Segment`]s: bytes to read in sequence (the prolog, the envelope, what follows the
//! records) and [`Chunk`]s of complete records (`formation`, `resume-offre`, …) to read
//! elsewhere. It only knows tags, comments, CDATA sections and processing instructions well
//! enough to find the records' start tags at their container's level; anything it does not
//! follow (a DOCTYPE, a stray `<`) ends the cutting, and the rest of the document comes as
//! bytes to read in sequence. Cutting is a guess the readers check: a chunk that does not hold
//! complete records, or whose records leave their container in another state than assumed,
//! is read again in sequence (see [`crate::validate`]).

use std::io::{self, BufRead};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Buffers of read chunks kept for reuse.
const POOL: usize = 4;
/// The most bytes one [`Splitter::fill`] takes from the input: an input that hands out all it
/// has at once (bytes in memory) would otherwise be copied whole into the buffer, and what
/// follows each cut copied again (quadratic time, twice the memory).
const READ_AT_MOST: usize = 256 << 10;

impl Drop for Chunk {
    fn drop(&mut self) {
        if let Some(pool) = &self.recycle {
            let _ = pool.try_send(std::mem::take(&mut self.bytes));
        }
    }
}

/// A piece of the document, in order.
#[derive(Debug)]
pub enum Segment {
    /// Bytes to read in sequence.
    Seq(Vec<u8>),
    /// Complete records, in one container.
    Chunk(Chunk),
    /// The input failed here (after the bytes of the previous segments).
    Error(io::Error),
}

/// Complete records, cut at the `<` of the first one's start tag.
#[derive(Debug)]
pub struct Chunk {
    /// Where the buffer goes back once the chunk is read (so that the next chunks reuse it).
    recycle: Option<SyncSender<Vec<u8>>>,
    /// The bytes: records and what lies between them, up to the next record or the end of
    /// the records.
    pub bytes: Vec<u8>,
    /// A number for the run of records (between two [`Segment::Seq`]s) the chunk belongs to.
    pub run: u32,
    /// Records of the same run before this chunk.
    pub records_before: u32,
    /// Records in this chunk.
    pub records: u32,
    /// 1-based line of the first byte.
    pub line: u32,
    /// Offset of the first byte of that line.
    pub line_start: u64,
    /// Offset of the first byte in the document.
    pub offset: u64,
}

/// Whether an element named `local` (second argument) in one named `parent` (first argument)
/// is a record: the splitter cuts between records only. Judged by name; the readers check
/// namespaces.
pub type IsRecord = fn(parent: &str, local: &[u8]) -> bool;

/// Deepest level whose element name is kept.
const NAMED_LEVELS: usize = 4;

/// What the splitter is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Outside a run of records: bytes go out in sequence.
    Sequence,
    /// Inside a run of records, at `container` depth.
    Records { container: usize },
    /// Gave up cutting: the rest goes out in sequence.
    Opaque,
}

/// What a lexed construct was.
enum Lexed {
    /// A start tag: its local name, whether it is an empty-element tag.
    Start { local: (usize, usize), empty: bool },
    /// An end tag.
    End,
    /// A comment, CDATA section or processing instruction.
    Other,
    /// More bytes are needed.
    Incomplete,
    /// Not followed: stop cutting.
    Unknown,
}

/// What [`Splitter::skip_record`] did.
enum Skip {
    /// Moved on.
    Done,
    /// More bytes are needed.
    More,
}

/// What a handler of [`Splitter::step`] decided.
enum Next {
    /// Segments to send.
    Emit(Vec<Segment>),
    /// The input is over.
    Done,
    /// Cut on.
    Continue,
}

impl Next {
    /// Segments to send, if any.
    fn emit_any(out: Vec<Segment>) -> Self {
        if out.is_empty() {
            Next::Continue
        } else {
            Next::Emit(out)
        }
    }
}

/// Cuts a document into segments. See the [module documentation](self).
pub struct Splitter<R> {
    input: R,
    /// Bytes read and not sent yet; `buf[0]` is at document offset `base`.
    buf: Vec<u8>,
    base: u64,
    /// Index in `buf` of the next byte to lex.
    pos: usize,
    eof: bool,
    mode: Mode,
    depth: usize,
    /// Local names of the open elements, down to [`NAMED_LEVELS`].
    names: Vec<String>,
    /// The chunk being filled: records in it, and in its run before it.
    records: u32,
    records_before: u32,
    run: u32,
    /// Position of `buf[0]`: line, offset of that line's first byte.
    line: u32,
    line_start: u64,
    chunk_bytes: usize,
    max_chunk_bytes: usize,
    /// Index in `buf` of the start tag of the last record seen.
    record_start: usize,
    /// The end tag of the records of the current run (`</formation`, as written).
    record_end: Option<memchr::memmem::Finder<'static>>,
    /// Buffers of chunks already read, and where chunks send theirs back.
    pool: Receiver<Vec<u8>>,
    recycle: SyncSender<Vec<u8>>,
    is_record: IsRecord,
}

impl<R: BufRead> Splitter<R> {
    /// Cuts `input` (UTF-8) into chunks of about `chunk_bytes`; a chunk that grows past
    /// `max_chunk_bytes` (one huge record) is given up, and its bytes read in sequence.
    /// `is_record` tells the records, which chunks hold.
    pub fn new(input: R, chunk_bytes: usize, max_chunk_bytes: usize, is_record: IsRecord) -> Self {
        let (recycle, pool) = sync_channel(POOL);
        Splitter {
            is_record,
            pool,
            recycle,
            input,
            buf: Vec::new(),
            base: 0,
            pos: 0,
            eof: false,
            mode: Mode::Sequence,
            depth: 0,
            names: Vec::new(),
            records: 0,
            records_before: 0,
            run: 0,
            line: 1,
            line_start: 0,
            chunk_bytes: chunk_bytes.max(1),
            max_chunk_bytes: max_chunk_bytes.max(chunk_bytes),
            record_start: 0,
            record_end: None,
        }
    }

    /// Cuts the whole input, handing each segment to `send` in order; stops early when `send`
    /// returns `false`.
    pub fn run(mut self, send: &mut dyn FnMut(Segment) -> bool) {
        loop {
            match self.step() {
                Ok(Some(segments)) => {
                    for s in segments {
                        if !send(s) {
                            return;
                        }
                    }
                }
                Ok(None) => {
                    if !self.buf.is_empty() {
                        let rest = std::mem::take(&mut self.buf);
                        send(Segment::Seq(rest));
                    }
                    return;
                }
                Err(e) => {
                    // What was read before the error goes out first, in sequence.
                    if !self.buf.is_empty() {
                        let rest = std::mem::take(&mut self.buf);
                        if !send(Segment::Seq(rest)) {
                            return;
                        }
                    }
                    send(Segment::Error(e));
                    return;
                }
            }
        }
    }

    /// Reads more input into `buf`; `false` at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let data = loop {
            match self.input.fill_buf() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if data.is_empty() {
            self.eof = true;
            return Ok(false);
        }
        let n = data.len().min(READ_AT_MOST);
        self.buf.extend_from_slice(&data[..n]);
        self.input.consume(n);
        Ok(true)
    }

    /// Takes `buf[..end]` out, moving the position past it.
    fn cut(&mut self, end: usize) -> Vec<u8> {
        // The buffer itself goes out; what follows `end` (usually less than a read) moves to a
        // recycled one.
        let mut rest = self.pool.try_recv().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(&self.buf[end..]);
        let mut taken = std::mem::replace(&mut self.buf, rest);
        taken.truncate(end);
        // Counted in bulk (memchr counts without stopping at each match), the last found from
        // the end.
        if let Some(i) = memchr::memrchr(b'\n', &taken) {
            let count = memchr::memchr_iter(b'\n', &taken).count();
            self.line = self
                .line
                .saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
            self.line_start = self.base + i as u64 + 1;
        }
        self.base += end as u64;
        self.pos = self.pos.saturating_sub(end);
        self.record_start = self.record_start.saturating_sub(end);
        taken
    }

    /// The chunk of `buf[..end]`.
    fn chunk(&mut self, end: usize) -> Segment {
        let (line, line_start, offset) = (self.line, self.line_start, self.base);
        let bytes = self.cut(end);
        let chunk = Chunk {
            recycle: Some(self.recycle.clone()),
            bytes,
            run: self.run,
            records_before: self.records_before,
            records: self.records,
            line,
            line_start,
            offset,
        };
        self.records_before += self.records;
        self.records = 0;
        Segment::Chunk(chunk)
    }

    /// Cuts on until segments are ready (`None` at the end of the input): one handler per
    /// state and per construct met.
    fn step(&mut self) -> io::Result<Option<Vec<Segment>>> {
        loop {
            let next = match self.mode {
                Mode::Opaque => self.on_opaque()?,
                Mode::Records { container } if self.depth == container + 1 => {
                    self.on_record_body()?
                }
                _ => self.on_markup()?,
            };
            match next {
                Next::Emit(out) => return Ok(Some(out)),
                Next::Done => return Ok(None),
                Next::Continue => {}
            }
        }
    }

    /// Not cutting any more: every byte goes out in sequence.
    fn on_opaque(&mut self) -> io::Result<Next> {
        if self.pos < self.buf.len() {
            self.pos = self.buf.len();
            let all = self.buf.len();
            return Ok(Next::Emit(vec![Segment::Seq(self.cut(all))]));
        }
        Ok(if self.fill()? {
            Next::Continue
        } else {
            Next::Done
        })
    }

    /// Inside a record of a run: jump to its end tag.
    fn on_record_body(&mut self) -> io::Result<Next> {
        if let Skip::Done = self.skip_record()? {
            return Ok(Next::Continue);
        }
        if let Some(out) = self.give_up_huge_chunk() {
            return Ok(Next::Emit(out));
        }
        if !self.fill()? {
            let at = self.record_start;
            return Ok(Next::Emit(self.opaque(at)));
        }
        Ok(Next::Continue)
    }

    /// Outside records: the next construct, lexed and handed to its handler.
    fn on_markup(&mut self) -> io::Result<Next> {
        let Some(lt) = memchr::memchr(b'<', &self.buf[self.pos..]).map(|i| self.pos + i) else {
            return self.on_text_to_end();
        };
        let (lexed, end) = self.lex(lt);
        Ok(match lexed {
            Lexed::Incomplete => return self.on_incomplete(lt),
            Lexed::Unknown => Next::Emit(self.opaque(lt)),
            Lexed::Other => {
                self.pos = end;
                Next::Continue
            }
            Lexed::End => Next::emit_any(self.on_end_tag(lt, end)),
            Lexed::Start { local, empty } => {
                Next::emit_any(self.on_start_tag(lt, end, local, empty))
            }
        })
    }

    /// No `<` in the bytes read: they are text; read more.
    fn on_text_to_end(&mut self) -> io::Result<Next> {
        self.pos = self.buf.len();
        if let Some(out) = self.flush_sequence(self.buf.len()) {
            return Ok(Next::Emit(out));
        }
        Ok(if self.fill()? {
            Next::Continue
        } else {
            Next::Done
        })
    }

    /// A construct at `lt` not read whole yet.
    fn on_incomplete(&mut self, lt: usize) -> io::Result<Next> {
        if let Some(out) = self.flush_sequence(lt) {
            return Ok(Next::Emit(out));
        }
        if let Some(out) = self.give_up_huge_chunk() {
            return Ok(Next::Emit(out));
        }
        if !self.fill()? {
            // A construct cut by the end of the input: the readers say what is wrong.
            return Ok(Next::Emit(self.opaque(lt)));
        }
        Ok(Next::Continue)
    }

    /// An end tag at `lt`, ending before `end`: closing the container ends the run.
    fn on_end_tag(&mut self, lt: usize, end: usize) -> Vec<Segment> {
        let before = self.base;
        let mut out = Vec::new();
        if let Mode::Records { container } = self.mode {
            if self.depth == container {
                out.extend(self.end_run(lt));
            }
        }
        let removed = (self.base - before) as usize;
        self.depth = self.depth.saturating_sub(1);
        self.names.truncate(self.depth.min(NAMED_LEVELS));
        self.pos = end - removed;
        out
    }

    /// A start tag at `lt`, ending before `end`: a record starts a run or a chunk, another
    /// element beside records ends the run.
    fn on_start_tag(
        &mut self,
        lt: usize,
        end: usize,
        local: (usize, usize),
        empty: bool,
    ) -> Vec<Segment> {
        let name = &self.buf[local.0..local.1];
        let is_record = self.depth >= 1
            && self.depth <= NAMED_LEVELS
            && self.names.len() == self.depth
            && (self.is_record)(&self.names[self.depth - 1], name);
        let before = self.base;
        let mut out = Vec::new();
        match self.mode {
            Mode::Sequence if is_record => {
                if lt > 0 {
                    out.push(Segment::Seq(self.cut(lt)));
                }
                self.mode = Mode::Records {
                    container: self.depth,
                };
                self.run += 1;
                self.records = 1;
                self.records_before = 0;
            }
            Mode::Records { container } if self.depth == container => {
                if is_record {
                    if lt >= self.chunk_bytes {
                        out.push(self.chunk(lt));
                    }
                    self.records += 1;
                } else {
                    out.extend(self.end_run(lt));
                }
            }
            _ => {}
        }
        let removed = (self.base - before) as usize;
        if is_record {
            self.remember_record(lt - removed, local.1 - removed);
        }
        if !empty {
            if self.depth < NAMED_LEVELS {
                let (a, b) = (local.0 - removed, local.1 - removed);
                self.names
                    .push(String::from_utf8_lossy(&self.buf[a..b]).into_owned());
            }
            self.depth += 1;
        }
        self.pos = end - removed;
        out
    }

    /// A record's start tag at `lt`, its name ending at `name_end`: where it starts, and the
    /// end tag to search for (built again only when the name changes).
    fn remember_record(&mut self, lt: usize, name_end: usize) {
        self.record_start = lt;
        let qname = &self.buf[lt + 1..name_end];
        let same = self
            .record_end
            .as_ref()
            .is_some_and(|f| &f.needle()[2..] == qname);
        if !same {
            let mut needle = b"</".to_vec();
            needle.extend_from_slice(qname);
            self.record_end = Some(memchr::memmem::Finder::new(&needle).into_owned());
        }
    }

    /// Inside a record: jumps to the end of its end tag, found by name. Records do not nest,
    /// and an end tag cannot hide in text; one inside a comment, a CDATA section or free
    /// content (`extra`) makes a chunk end where its reader does not expect it to, which the
    /// reader tells ([`crate::reader::Reader::broken`]).
    fn skip_record(&mut self) -> io::Result<Skip> {
        let Some(finder) = &self.record_end else {
            return Ok(Skip::More);
        };
        let n = finder.needle().len();
        let Some(i) = finder.find(&self.buf[self.pos..]) else {
            // Keep the bytes a match could start in.
            self.pos = self.buf.len().saturating_sub(n).max(self.pos);
            return Ok(Skip::More);
        };
        let at = self.pos + i + n;
        match self.buf.get(at) {
            None => Ok(Skip::More),
            Some(b'>') => {
                self.close_record(at + 1);
                Ok(Skip::Done)
            }
            Some(b' ' | b'\t' | b'\r' | b'\n') => match memchr::memchr(b'>', &self.buf[at..]) {
                Some(j) => {
                    self.close_record(at + j + 1);
                    Ok(Skip::Done)
                }
                None => Ok(Skip::More),
            },
            Some(_) => {
                // A longer name (`</formation-x`): search on.
                self.pos = at;
                Ok(Skip::Done)
            }
        }
    }

    /// The record's end tag ends before `end`.
    fn close_record(&mut self, end: usize) {
        self.depth -= 1;
        self.names.truncate(self.depth.min(NAMED_LEVELS));
        self.pos = end;
    }

    /// In sequence mode, sends the bytes before `end` (so that memory stays bounded).
    fn flush_sequence(&mut self, end: usize) -> Option<Vec<Segment>> {
        if self.mode == Mode::Sequence && end >= self.chunk_bytes {
            return Some(vec![Segment::Seq(self.cut(end))]);
        }
        None
    }

    /// A chunk past the maximum (a huge record): its records before the current one go out
    /// as a chunk, the rest in sequence until the next run.
    fn give_up_huge_chunk(&mut self) -> Option<Vec<Segment>> {
        let Mode::Records { .. } = self.mode else {
            return None;
        };
        if self.buf.len() < self.max_chunk_bytes {
            return None;
        }
        self.mode = Mode::Sequence;
        let all = self.pos;
        Some(vec![Segment::Seq(self.cut(all))])
    }

    /// The end of a run of records at `lt`: its last chunk.
    fn end_run(&mut self, lt: usize) -> Vec<Segment> {
        self.mode = Mode::Sequence;
        if self.records > 0 {
            vec![self.chunk(lt)]
        } else {
            Vec::new()
        }
    }

    /// Gives up cutting at `lt`: the current chunk (if any) goes out, the rest in sequence.
    fn opaque(&mut self, lt: usize) -> Vec<Segment> {
        let mut out = Vec::new();
        if let Mode::Records { container } = self.mode {
            // Inside a record, the chunk ends before it: the record goes in sequence.
            let end = if self.depth == container {
                lt
            } else {
                self.record_start
            };
            if self.depth != container {
                self.records = self.records.saturating_sub(1);
            }
            out.extend(self.end_run(end));
        }
        self.mode = Mode::Opaque;
        out
    }

    /// Lexes the construct at `buf[lt] == b'<'`; returns it and the index just past it.
    fn lex(&self, lt: usize) -> (Lexed, usize) {
        let b = &self.buf[lt..];
        let Some(&next) = b.get(1) else {
            return (Lexed::Incomplete, lt);
        };
        let find = |from: usize, pat: &[u8]| -> (Lexed, usize) {
            match memchr::memmem::find(&b[from..], pat) {
                Some(i) => (Lexed::Other, lt + from + i + pat.len()),
                None => (Lexed::Incomplete, lt),
            }
        };
        match next {
            b'!' => {
                if b.len() < 9 {
                    return (Lexed::Incomplete, lt);
                }
                if b.starts_with(b"<!--") {
                    find(4, b"-->")
                } else if b.starts_with(b"<![CDATA[") {
                    find(9, b"]]>")
                } else {
                    (Lexed::Unknown, lt)
                }
            }
            b'?' => find(2, b"?>"),
            b'/' => match memchr::memchr(b'>', &b[2..]) {
                Some(i) => {
                    let name = &b[2..2 + i];
                    if name.iter().any(|&c| matches!(c, b'<' | b'"' | b'\'')) {
                        (Lexed::Unknown, lt)
                    } else {
                        (Lexed::End, lt + 2 + i + 1)
                    }
                }
                None => (Lexed::Incomplete, lt),
            },
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                // The name, then attributes with quoted values (which may hold `>`).
                let name_end = b[1..]
                    .iter()
                    .position(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
                    .map(|i| i + 1);
                let Some(name_end) = name_end else {
                    return (Lexed::Incomplete, lt);
                };
                let qname = &b[1..name_end];
                if qname
                    .iter()
                    .any(|&c| matches!(c, b'<' | b'"' | b'\'' | b'='))
                {
                    return (Lexed::Unknown, lt);
                }
                let local_start = qname.iter().rposition(|&c| c == b':').map_or(1, |i| i + 2);
                let mut i = name_end;
                loop {
                    let Some(j) = memchr::memchr3(b'>', b'"', b'\'', &b[i..]) else {
                        return (Lexed::Incomplete, lt);
                    };
                    let at = i + j;
                    match b[at] {
                        b'>' => {
                            if b[i..at].contains(&b'<') {
                                return (Lexed::Unknown, lt);
                            }
                            let empty = at > 0 && b[at - 1] == b'/';
                            return (
                                Lexed::Start {
                                    local: (lt + local_start, lt + name_end),
                                    empty,
                                },
                                lt + at + 1,
                            );
                        }
                        quote => match memchr::memchr(quote, &b[at + 1..]) {
                            Some(k) => i = at + 1 + k + 1,
                            None => return (Lexed::Incomplete, lt),
                        },
                    }
                }
            }
            _ => (Lexed::Unknown, lt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// Bytes in memory, handed out all at once (as `&[u8]` does), counting what was consumed.
    struct AllAtOnce<'a> {
        bytes: &'a [u8],
        consumed: Rc<Cell<usize>>,
    }

    impl io::Read for AllAtOnce<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = io::Read::read(&mut self.bytes, out)?;
            self.consumed.set(self.consumed.get() + n);
            Ok(n)
        }
    }

    impl BufRead for AllAtOnce<'_> {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            Ok(self.bytes)
        }
        fn consume(&mut self, amt: usize) {
            self.bytes = &self.bytes[amt..];
            self.consumed.set(self.consumed.get() + amt);
        }
    }

    fn formation(parent: &str, local: &[u8]) -> bool {
        parent == "offres" && local == b"formation"
    }

    /// An input that hands out all it has at once is read ahead by a bounded amount, not
    /// whole: otherwise each cut copied the rest of the document (quadratic time on bytes
    /// in memory, the Python package's and the server's case).
    #[test]
    fn read_ahead_is_bounded_whatever_the_input_hands_out() {
        let record = format!("<formation numero=\"F\">{}</formation>\n", "x".repeat(500));
        let mut doc = String::from("<lheo><offres>\n");
        while doc.len() < 8 << 20 {
            doc.push_str(&record);
        }
        doc.push_str("</offres></lheo>\n");
        let consumed = Rc::new(Cell::new(0));
        let input = AllAtOnce {
            bytes: doc.as_bytes(),
            consumed: consumed.clone(),
        };
        let splitter = Splitter::new(input, 64 << 10, 1 << 20, formation);
        let (mut sent, mut chunks, mut ahead) = (0usize, 0, 0usize);
        splitter.run(&mut |segment| {
            ahead = ahead.max(consumed.get() - sent);
            sent += match &segment {
                Segment::Seq(bytes) => bytes.len(),
                Segment::Chunk(chunk) => {
                    chunks += 1;
                    chunk.bytes.len()
                }
                Segment::Error(_) => 0,
            };
            true
        });
        assert_eq!(sent, doc.len(), "every byte handed out once");
        assert!(chunks > 100, "cut into chunks: {chunks}");
        assert!(
            ahead <= READ_AT_MOST + (64 << 10) + record.len(),
            "read {ahead} bytes ahead of what was handed out"
        );
    }
}
