//! Line counting and the per-event size limit, under the XML parser.

use std::io::{self, BufRead, Read};

/// Counts lines as the parser consumes bytes, and refuses to buffer an event (a tag or a text
/// node) larger than a limit, so hostile input cannot make memory grow.
pub struct Counting<R> {
    inner: R,
    /// Bytes consumed so far.
    offset: u64,
    /// 1-based line of the next byte.
    line: u32,
    /// Offset of the first byte of the current line.
    line_start: u64,
    /// Bytes consumed since the last [`Counting::mark`].
    since_mark: u64,
    /// Maximum for `since_mark`.
    limit: u64,
}

/// Error message used when the per-event limit is exceeded.
pub const LIMIT_MESSAGE: &str = "lheo: event size limit exceeded";

impl<R: BufRead> Counting<R> {
    /// Wraps `inner`; an event may span at most `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Self {
        Counting {
            inner,
            offset: 0,
            line: 1,
            line_start: 0,
            since_mark: 0,
            limit,
        }
    }

    /// The current position: (line, 1-based byte column, byte offset).
    pub fn position(&self) -> (u32, u32, u64) {
        let col = (self.offset - self.line_start + 1).min(u64::from(u32::MAX)) as u32;
        (self.line, col, self.offset)
    }

    /// Starts a new event for the size limit.
    pub fn mark(&mut self) {
        self.since_mark = 0;
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since_mark > self.limit {
            return Err(io::Error::other(LIMIT_MESSAGE));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let consumed = &buf[..amt.min(buf.len())];
            for i in memchr::memchr_iter(b'\n', consumed) {
                self.line = self.line.saturating_add(1);
                self.line_start = self.offset + i as u64 + 1;
            }
        }
        self.inner.consume(amt);
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
        c.consume(4);
        assert_eq!(c.position(), (2, 2, 4));
        c.consume(3);
        assert_eq!(c.position(), (3, 2, 7));
    }

    #[test]
    fn refuses_oversized_events() {
        let data = vec![b'x'; 64];
        let mut c = Counting::new(&data[..], 10);
        c.consume(11);
        assert!(c.fill_buf().is_err());
        c.mark();
        assert!(c.fill_buf().is_ok());
    }
}
