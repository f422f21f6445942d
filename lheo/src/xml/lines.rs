//! Line numbers of a buffer of the input, from the indexes of its line feeds: found once per
//! buffer (one fast scan), counted when a position is asked for (not byte by byte).

/// Where the lines of one buffer of the input start, and how far they are counted.
#[derive(Debug)]
pub(crate) struct Lines {
    /// 1-based line of the last position counted.
    line: u32,
    /// Offset in the document of the first byte of that line.
    line_start: u64,
    /// Indexes of the line feeds of the buffer.
    newlines: Vec<u32>,
    /// How many of `newlines` are counted.
    passed: usize,
    /// The index of the first line feed not counted (`usize::MAX` when none is left): a
    /// position up to it is on the current line, the common case, told by one comparison.
    next: usize,
}

impl Lines {
    /// Lines from `line` (1-based), which starts at document offset `line_start`; no buffer
    /// indexed yet.
    pub(crate) fn new(line: u32, line_start: u64) -> Self {
        Lines {
            line,
            line_start,
            newlines: Vec::new(),
            passed: 0,
            next: usize::MAX,
        }
    }

    /// Indexes the line feeds of a new buffer, `bytes` (count the previous buffer to its end
    /// first). A buffer holds at most `u32::MAX` bytes.
    pub(crate) fn index(&mut self, bytes: &[u8]) {
        self.passed = 0;
        self.newlines.clear();
        self.newlines
            .extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32));
        self.next = self.newline(0);
    }

    /// The index of line feed `i` of the buffer, `usize::MAX` past the last one.
    #[inline(always)]
    fn newline(&self, i: usize) -> usize {
        self.newlines.get(i).map_or(usize::MAX, |&at| at as usize)
    }

    /// Counts the lines up to index `pos` of the buffer, whose byte `pos` is at document
    /// offset `offset` (`pos` never goes back within a buffer).
    #[inline(always)]
    pub(crate) fn count(&mut self, pos: usize, offset: u64) {
        if pos > self.next {
            self.cross(pos, offset);
        }
    }

    /// Counts the line feeds before index `pos` (one at least).
    #[inline(never)]
    fn cross(&mut self, pos: usize, offset: u64) {
        let start = self.passed;
        let mut passed = start + 1;
        while self.newline(passed) < pos {
            passed += 1;
        }
        let count = u32::try_from(passed - start).unwrap_or(u32::MAX);
        self.line = self.line.saturating_add(count);
        let at = self.newline(passed - 1) as u64 + 1;
        self.line_start = offset - pos as u64 + at;
        self.passed = passed;
        self.next = self.newline(passed);
    }

    /// The position of index `pos` of the buffer, at document offset `offset`: (line,
    /// 1-based byte column, offset).
    #[inline(always)]
    pub(crate) fn position(&mut self, pos: usize, offset: u64) -> (u32, u32, u64) {
        self.count(pos, offset);
        let col = (offset - self.line_start + 1).min(u64::from(u32::MAX)) as u32;
        (self.line, col, offset)
    }

    /// Offset of the first byte of the line of index `pos` (at document offset `offset`).
    pub(crate) fn line_start(&mut self, pos: usize, offset: u64) -> u64 {
        self.count(pos, offset);
        self.line_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_across_buffers() {
        // "ab\ncd" then "\nef\n" from offset 5, starting at line 3 (offset 100 of the document
        // for the first byte, on a line that started at 98).
        let mut lines = Lines::new(3, 98);
        lines.index(b"ab\ncd");
        assert_eq!(lines.position(0, 100), (3, 3, 100));
        assert_eq!(lines.position(2, 102), (3, 5, 102));
        assert_eq!(lines.position(3, 103), (4, 1, 103));
        assert_eq!(lines.position(5, 105), (4, 3, 105));
        lines.index(b"\nef\n");
        assert_eq!(lines.position(0, 105), (4, 3, 105));
        assert_eq!(lines.position(4, 109), (6, 1, 109));
        assert_eq!(lines.line_start(4, 109), 109);
    }
}
