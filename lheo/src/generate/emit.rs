//! The XML output of the generator: indented, escaped, streaming straight to a `Write`.

use std::io::{self, Write};

use crate::schema::NAMESPACE_2_3;
use crate::writer::xml::{escape_attr, escape_text};

/// Writes elements one by one; nothing is buffered beyond the underlying writer.
pub(crate) struct Emitter<W: Write> {
    out: W,
    depth: usize,
    /// A start tag is written up to its attributes; `>` or `/>` is still to come.
    pending: bool,
    /// The open element holds text: its end tag follows on the same line.
    inline: bool,
}

impl<W: Write> Emitter<W> {
    pub(crate) fn new(out: W) -> Self {
        Emitter {
            out,
            depth: 0,
            pending: false,
            inline: false,
        }
    }

    /// The XML declaration.
    pub(crate) fn declaration(&mut self) -> io::Result<()> {
        self.out
            .write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    }

    fn finish_start(&mut self) -> io::Result<()> {
        if self.pending {
            self.pending = false;
            self.out.write_all(b">")?;
        }
        Ok(())
    }

    fn newline(&mut self) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        self.out.write_all(b"\n")?;
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    /// Opens element `name`; the root gets the LHEO 2.3 namespace.
    pub(crate) fn open(&mut self, name: &str) -> io::Result<()> {
        self.finish_start()?;
        if !self.inline {
            self.newline()?;
        }
        self.out.write_all(b"<")?;
        self.out.write_all(name.as_bytes())?;
        if self.depth == 0 {
            write!(self.out, " xmlns=\"{NAMESPACE_2_3}\"")?;
        }
        self.depth += 1;
        self.pending = true;
        self.inline = false;
        Ok(())
    }

    /// An attribute of the element just opened.
    pub(crate) fn attr(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.out.write_all(b" ")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b"=\"")?;
        escape_attr(value, &mut self.out)?;
        self.out.write_all(b"\"")
    }

    /// Text content of the open element (escaped).
    pub(crate) fn text(&mut self, text: &str) -> io::Result<()> {
        self.finish_start()?;
        self.inline = true;
        escape_text(text, &mut self.out)
    }

    /// Markup written as is (free content of `extra`, already well-formed).
    pub(crate) fn raw(&mut self, markup: &str) -> io::Result<()> {
        self.finish_start()?;
        self.inline = true;
        self.out.write_all(markup.as_bytes())
    }

    /// Closes the element opened last.
    pub(crate) fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.pending {
            self.pending = false;
            self.inline = false;
            return self.out.write_all(b"/>");
        }
        if !self.inline {
            self.newline()?;
        }
        self.inline = false;
        self.out.write_all(b"</")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b">")
    }

    /// Ends the document and hands the writer back.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.finish_start()?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_escapes() {
        let mut e = Emitter::new(Vec::new());
        e.declaration().unwrap();
        e.open("lheo").unwrap();
        e.open("offres").unwrap();
        e.open("x").unwrap();
        e.attr("info", "a\"b").unwrap();
        e.text("R&D <1>").unwrap();
        e.close("x").unwrap();
        e.open("vide").unwrap();
        e.close("vide").unwrap();
        e.close("offres").unwrap();
        e.close("lheo").unwrap();
        let s = String::from_utf8(e.finish().unwrap()).unwrap();
        assert_eq!(
            s,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\">\n  <offres>\n    <x info=\"a&quot;b\">R&amp;D &lt;1&gt;</x>\n    <vide/>\n  </offres>\n</lheo>\n"
        );
    }
}
