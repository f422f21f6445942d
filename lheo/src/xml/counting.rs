//! Line counting and the per-event size limit, under the XML parser.

use std::hash::Hasher;
use std::io::{self, BufRead, Read};

use xxhash_rust::xxh3::Xxh3Default;

use super::lines::Lines;

/// The buffer under the parser: counts lines as the parser consumes bytes, and refuses to
/// buffer an event (a tag or a text node) larger than a limit, so hostile input cannot make
/// memory grow. It reads from any `Read` into its own buffer, so the parser's many small
/// `fill_buf`/`consume` calls stay cheap.
pub struct Counting<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Bytes consumed so far.
    offset: u64,
    /// The lines of `buf[..end]` (counted when a position is asked for, or before the buffer
    /// is refilled: not on every `consume`).
    lines: Lines,
    /// Bytes consumed since the last [`Counting::mark`].
    since_mark: u64,
    /// Maximum for `since_mark`.
    limit: u64,
    /// A hash of the bytes consumed since the last [`Counting::take_digest`], once asked for
    /// ([`Counting::digest_from_here`]); boxed, as XXH3's state is large and seldom used.
    digest: Option<Box<Xxh3Default>>,
    /// Index in `buf` up to which consumed bytes are in `digest`.
    digested: usize,
    /// Whether `digest` started where it was asked to ([`Counting::restart_digest_at`]).
    exact: bool,
}

/// Where hashing restarts at document offset `offset` in a buffer whose first byte is at
/// offset `base` and whose first `pos` bytes are read: (its index, `true`), or (0, `false`)
/// when the buffer no longer holds that offset (the next digest is then unknown).
pub(crate) fn restart_index(offset: u64, base: u64, pos: usize) -> (usize, bool) {
    match offset.checked_sub(base).map(usize::try_from) {
        Some(Ok(at)) if at <= pos => (at, true),
        _ => (0, false),
    }
}

/// Error message used when the per-event limit is exceeded.
pub const LIMIT_MESSAGE: &str = "lheo: event size limit exceeded";

impl<R: Read> Counting<R> {
    /// Wraps `inner`; an event may span at most `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Self {
        Counting {
            inner,
            buf: vec![0; 32 * 1024].into_boxed_slice(),
            pos: 0,
            end: 0,
            offset: 0,
            lines: Lines::new(1, 0),
            since_mark: 0,
            limit,
            digest: None,
            digested: 0,
            exact: true,
        }
    }

    /// Wraps `inner`, which starts at `line` (1-based), in a line that starts at byte
    /// `line_start`, at byte `offset` of the document.
    pub fn resume(inner: R, limit: u64, line: u32, line_start: u64, offset: u64) -> Self {
        let mut c = Counting::new(inner, limit);
        c.lines = Lines::new(line, line_start);
        c.offset = offset;
        c
    }

    /// Offset of the first byte of the current line.
    pub fn line_start(&mut self) -> u64 {
        self.lines.line_start(self.pos, self.offset)
    }

    /// The current position: (line, 1-based byte column, byte offset). Asked after every
    /// event: inlined, so that asking is cheap.
    #[inline(always)]
    pub fn position(&mut self) -> (u32, u32, u64) {
        self.lines.position(self.pos, self.offset)
    }

    /// Bytes consumed so far.
    #[inline(always)]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Starts hashing the bytes consumed from here on (see [`Counting::take_digest`]).
    pub fn digest_from_here(&mut self) {
        self.digest = Some(Box::new(Xxh3Default::new()));
        self.digested = self.pos;
        self.exact = true;
    }

    /// When hashing: hashes from `offset` on instead, forgetting the bytes before it. An offset
    /// no longer in the buffer (before the last refill) makes the next digest unknown.
    pub fn restart_digest_at(&mut self, offset: u64) {
        let Some(h) = &mut self.digest else { return };
        h.reset();
        (self.digested, self.exact) =
            restart_index(offset, self.offset - self.pos as u64, self.pos);
    }

    /// A hash of the bytes consumed since the last call (or since
    /// [`Counting::digest_from_here`] or [`Counting::restart_digest_at`]); `None` when not
    /// hashing, or when the start asked for was gone.
    pub fn take_digest(&mut self) -> Option<u64> {
        let h = self.digest.as_mut()?;
        h.write(&self.buf[self.digested..self.pos]);
        self.digested = self.pos;
        let digest = h.finish();
        h.reset();
        std::mem::replace(&mut self.exact, true).then_some(digest)
    }

    /// The bytes buffered and not consumed yet (nothing more is read).
    #[inline(always)]
    pub fn ahead(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Consumes `n` bytes of [`Counting::ahead`] that belong to no event (white space the
    /// reader drops), unless they are more than an event may span (they are then left to be
    /// read, and refused, as an event); whether it did.
    #[inline(always)]
    pub fn skip(&mut self, n: usize) -> bool {
        if n > self.end - self.pos || n as u64 > self.limit {
            return false;
        }
        self.pos += n;
        self.offset += n as u64;
        true
    }

    /// Starts a new event for the size limit.
    pub fn mark(&mut self) {
        self.since_mark = 0;
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        super::decode::read_buffered(self, out)
    }
}

impl<R: Read> Counting<R> {
    /// Refills the buffer once the parser consumed it all (counts its lines first, finds the
    /// line feeds of the new bytes).
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> io::Result<()> {
        if let Some(h) = &mut self.digest {
            h.write(&self.buf[self.digested..self.pos]);
        }
        self.digested = 0;
        self.lines.count(self.pos, self.offset);
        self.pos = 0;
        let read = loop {
            match self.inner.read(&mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        // On an error the buffer is empty (and its old line feeds forgotten).
        self.end = *read.as_ref().unwrap_or(&0);
        self.lines.index(&self.buf[..self.end]);
        read.map(|_| ())
    }
}

impl<R: Read> BufRead for Counting<R> {
    /// The bytes not consumed yet (the parser asks many times per event: inlined, the refill
    /// apart).
    #[inline(always)]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since_mark > self.limit {
            return Err(io::Error::other(LIMIT_MESSAGE));
        }
        if self.pos >= self.end {
            self.refill()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    #[inline(always)]
    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.end - self.pos);
        self.pos += amt;
        self.offset += amt as u64;
        self.since_mark += amt as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns() {
        let mut c = Counting::new(&b"ab\ncd\nef"[..], 100);
        assert_eq!(c.fill_buf().unwrap().len(), 8);
        c.consume(4);
        assert_eq!(c.position(), (2, 2, 4));
        c.consume(3);
        assert_eq!(c.position(), (3, 2, 7));
    }

    #[test]
    fn digests_the_bytes_consumed_between_two_takes_across_refills() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut c = Counting::new(&data[..], u64::MAX);
        assert_eq!(c.take_digest(), None);
        c.fill_buf().unwrap();
        c.consume(10);
        c.digest_from_here();
        let cuts = [10usize, 11, 5_000, 40_000, 40_001, 99_999];
        let mut at = 10;
        for pair in cuts.windows(2) {
            while at < pair[1] {
                let n = c.fill_buf().unwrap().len().min(pair[1] - at).min(777);
                c.consume(n);
                at += n;
            }
            let mut want = Xxh3Default::new();
            want.write(&data[pair[0]..pair[1]]);
            assert_eq!(c.take_digest(), Some(want.finish()), "{pair:?}");
        }
        // From an offset still in the buffer: the bytes from there.
        c.restart_digest_at(99_990);
        c.consume(1);
        let mut want = Xxh3Default::new();
        want.write(&data[99_990..100_000]);
        assert_eq!(c.take_digest(), Some(want.finish()));
        // From one gone with an earlier buffer: unknown, once.
        c.restart_digest_at(10);
        assert_eq!(c.take_digest(), None);
        assert!(c.take_digest().is_some());
    }

    #[test]
    fn refuses_oversized_events() {
        let data = [b'x'; 64];
        let mut c = Counting::new(&data[..], 10);
        c.fill_buf().unwrap();
        c.consume(11);
        assert!(c.fill_buf().is_err());
        c.mark();
        assert!(c.fill_buf().is_ok());
    }
}
