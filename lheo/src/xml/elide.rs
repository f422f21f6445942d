//! An input with some elements cut short.
//!
//! [`Elided`] passes the bytes of an input through, except in the spans it is given (each an
//! element, from its start tag's `<` to just past its end tag, as an earlier reading of the
//! same bytes found it): there it gives the element's start tag made empty
//! (`<formation numero="F1">…</formation>` becomes `<formation numero="F1"/>`). A reading that
//! needs only some records of a document thus goes past the others without tokenising them,
//! while still meeting each of them, in its place, with its attributes and namespace
//! declarations.
//!
//! The spans are trusted to be elements of these very bytes; what can be checked is checked
//! (a span starts with `<`, its start tag ends inside it, spans come in order), and a failed
//! check is an [`io::ErrorKind::InvalidData`] error: the input changed since it was read.

use std::io::{self, BufRead, Read};

/// The longest start tag kept (its attributes included); a longer one is an error.
const MAX_TAG: usize = 1 << 20;

/// An input whose elements at the given spans are replaced by their empty start tags. See
/// the [module documentation](self).
pub struct Elided<R> {
    inner: R,
    /// Spans to cut short, in document order, as (start, end) byte offsets.
    spans: Vec<(u64, u64)>,
    /// Index of the next span.
    next: usize,
    /// Offset in the input of `inner`'s next byte.
    at: u64,
    /// The empty start tag being given, and how much of it was given.
    tag: Vec<u8>,
    given: usize,
}

/// What [`Elided::fill_buf`] hands out.
enum Avail {
    /// The first bytes of the inner buffer (none: the end of the input).
    Inner(usize),
    /// The rest of the empty start tag.
    Tag,
}

impl<R: BufRead> Elided<R> {
    /// `inner`, whose elements at `spans` (sorted, disjoint byte offsets of the input:
    /// the start tag's `<`, just past the end tag) are replaced by their empty start tags.
    pub fn new(inner: R, spans: Vec<(u64, u64)>) -> Self {
        Elided {
            inner,
            spans,
            next: 0,
            at: 0,
            tag: Vec::new(),
            given: 0,
        }
    }

    /// Moves on until there are bytes to hand out (or the end).
    fn prepare(&mut self) -> io::Result<Avail> {
        loop {
            if self.given < self.tag.len() {
                return Ok(Avail::Tag);
            }
            let Some(&(start, end)) = self.spans.get(self.next) else {
                return Ok(Avail::Inner(self.inner.fill_buf()?.len()));
            };
            if self.at < start {
                let available = self.inner.fill_buf()?.len();
                let before = usize::try_from(start - self.at).unwrap_or(usize::MAX);
                return Ok(Avail::Inner(available.min(before)));
            }
            if self.at > start || end <= start {
                return Err(changed());
            }
            self.cut(end)?;
        }
    }

    /// At a span's start: keeps its start tag made empty, drops the rest up to `end`.
    fn cut(&mut self, end: u64) -> io::Result<()> {
        self.tag.clear();
        self.given = 0;
        let mut quote = None;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Err(changed());
            }
            let close = tag_end(buf, &mut quote);
            let take = close.map_or(buf.len(), |i| i + 1);
            self.tag.extend_from_slice(&buf[..take]);
            self.inner.consume(take);
            self.at += take as u64;
            if self.tag.len() > MAX_TAG || self.at > end || self.tag[0] != b'<' {
                return Err(changed());
            }
            if close.is_some() {
                break;
            }
        }
        if !self.tag.ends_with(b"/>") {
            self.tag.pop();
            self.tag.extend_from_slice(b"/>");
        }
        while self.at < end {
            let available = self.inner.fill_buf()?.len();
            if available == 0 {
                return Err(changed());
            }
            let n = available.min(usize::try_from(end - self.at).unwrap_or(usize::MAX));
            self.inner.consume(n);
            self.at += n as u64;
        }
        self.next += 1;
        Ok(())
    }
}

/// The index of the `>` that ends a tag in `buf`, outside attribute values; `quote` carries
/// the open quote from one buffer to the next.
fn tag_end(buf: &[u8], quote: &mut Option<u8>) -> Option<usize> {
    for (i, &b) in buf.iter().enumerate() {
        match *quote {
            Some(q) if b == q => *quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => *quote = Some(b),
            None if b == b'>' => return Some(i),
            None => {}
        }
    }
    None
}

/// Why the spans do not fit the bytes: the input changed since the reading that found them.
#[derive(Debug)]
pub(crate) struct Changed;

impl std::fmt::Display for Changed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("le document a changé depuis sa première lecture")
    }
}

impl std::error::Error for Changed {}

impl Changed {
    /// Whether `e` is this error.
    pub(crate) fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<Changed>())
    }
}

fn changed() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Changed)
}

impl<R: BufRead> Read for Elided<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        super::decode::read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Elided<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.prepare()? {
            Avail::Inner(n) => Ok(&self.inner.fill_buf()?[..n]),
            Avail::Tag => Ok(&self.tag[self.given..]),
        }
    }

    fn consume(&mut self, amt: usize) {
        if self.given < self.tag.len() {
            self.given = (self.given + amt).min(self.tag.len());
        } else {
            self.inner.consume(amt);
            self.at += amt as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elide(doc: &str, spans: &[(&str, &str)], chunk: usize) -> io::Result<String> {
        let spans = spans
            .iter()
            .map(|(from, to)| {
                let start = doc.find(from).unwrap_or(0) as u64;
                let end = (doc.find(to).unwrap_or(0) + to.len()) as u64;
                (start, end)
            })
            .collect();
        let input = io::BufReader::with_capacity(chunk, doc.as_bytes());
        let mut out = String::new();
        Elided::new(input, spans).read_to_string(&mut out)?;
        Ok(out)
    }

    const DOC: &str = "<a><f n='1>'><x/></f>\n<f n=\"2\"><y>t</y></f><f n='3'/><f>z</f></a>";

    #[test]
    fn spans_become_empty_start_tags_whatever_the_buffer_size() {
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let out = elide(
                DOC,
                &[("<f n='1", "</f>\n"), ("<f n=\"2", "</y></f>")],
                chunk,
            );
            assert_eq!(
                out.ok().as_deref(),
                Some("<a><f n='1>'/><f n=\"2\"/><f n='3'/><f>z</f></a>"),
                "buffer of {chunk}"
            );
        }
    }

    #[test]
    fn an_empty_element_stays_as_it_is_and_no_span_passes_all() {
        let out = elide(DOC, &[("<f n='3'", "<f n='3'/>")], 5);
        assert_eq!(out.ok().as_deref(), Some(DOC));
        assert_eq!(elide(DOC, &[], 5).ok().as_deref(), Some(DOC));
    }

    #[test]
    fn spans_that_do_not_fit_the_bytes_are_an_error() {
        // Not at a `<`.
        let e = elide(DOC, &[("f n='1", "</f>\n")], 8);
        assert!(e.is_err_and(|e| Changed::is(&e)));
        // Past the end of the input.
        let input = io::BufReader::new(DOC.as_bytes());
        let mut out = Vec::new();
        let len = DOC.len() as u64;
        let e = Elided::new(input, vec![(3, len + 10)]).read_to_end(&mut out);
        assert_eq!(e.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
        // Out of order.
        let input = io::BufReader::new(DOC.as_bytes());
        let e = Elided::new(input, vec![(22, 40), (3, 8)]).read_to_end(&mut out);
        assert_eq!(e.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
    }
}
