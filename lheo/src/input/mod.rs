//! What a file is, by its content, whatever its name: LHEO XML (any encoding, plain or
//! gzip-compressed), an `lheo` workbook (xlsx, xls, ods), or one of the files people mistake
//! for a feed (a CSV export, an EDOF catalogue, an LHEO 1.x feed, a web page, a PDF…), each
//! with one sentence saying what it is and what `lheo` accepts.
//!
//! [`open`] reads the first bytes of an input (decompressing them when it is gzip), tells
//! what it is, and gives back a reader of the whole content, decompressed, from the first
//! byte: the input is read once, as it streams.
//!
//! ```
//! use std::io::Read;
//! use lheo::input::{open, Kind};
//!
//! let csv = "numero;intitule\nF1;Maçon & carreleur\n";
//! let opened = open(csv.as_bytes())?;
//! assert!(matches!(opened.kind(), Kind::Csv(b';')));
//! let refusal = opened.recognised().refusal().expect("lheo does not read CSV");
//! assert!(refusal.fr.contains("lheo template"));
//!
//! let feed = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>"#;
//! let mut opened = open(feed.as_bytes())?;
//! assert!(opened.recognised().refusal().is_none());
//! let mut text = String::new();
//! opened.read_to_string(&mut text)?; // the whole input, from its first byte
//! assert_eq!(text, feed);
//! # Ok::<(), std::io::Error>(())
//! ```

mod describe;
mod sniff;

use std::io::{self, BufRead, BufReader, Cursor, Read};

use crate::xml::gzip::GzipReader;
pub use crate::xml::gzip::{GzipError, GzipLimits, MAGIC as GZIP_MAGIC};
pub use describe::io_words;
pub use sniff::recognise;

use crate::reader::Version;

/// Bytes read ahead to recognise an input (decompressed bytes for gzip).
pub const HEAD_BYTES: usize = 64 * 1024;

/// A workbook format `lheo` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkbookFormat {
    /// Excel 2007 and later (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97–2003 (`.xls`).
    Xls,
    /// OpenDocument spreadsheet, LibreOffice (`.ods`).
    Ods,
}

impl WorkbookFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => "xlsx",
            WorkbookFormat::Xlsb => "xlsb",
            WorkbookFormat::Xls => "xls",
            WorkbookFormat::Ods => "ods",
        }
    }
}

/// What an input is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// XML for the LHEO reader: a root `lheo`, `lheo-index` or `lheo-plus`, or any root in an
    /// LHEO 2.x namespace (with the version), or XML whose root is not in the first bytes or
    /// cannot be read there (the reader then says what is wrong).
    Lheo(Option<Version>),
    /// A workbook.
    Workbook(WorkbookFormat),
    /// A catalogue in the EDOF format of the Caisse des Dépôts (Mon Compte Formation): its root
    /// is `lheo` but in another namespace and with another schema.
    Edof {
        /// The root's namespace.
        namespace: String,
    },
    /// An LHEO 1.x document (`http://www.lheo.org/1.…`, or the 1.x `lheo-leger` root).
    Lheo1 {
        /// The root element.
        root: String,
        /// Its namespace, if any.
        namespace: Option<String>,
    },
    /// Well-formed XML of another kind.
    OtherXml {
        /// The root element.
        root: String,
        /// Its namespace, if any.
        namespace: Option<String>,
    },
    /// A web page.
    Html,
    /// A PDF document.
    Pdf,
    /// Delimited text (CSV, TSV), with its separator.
    Csv(u8),
    /// A JSON document.
    Json,
    /// Text that is neither XML nor a table.
    Text,
    /// Nothing, or only spaces and line breaks.
    Empty,
    /// A zip archive that is not a workbook, with the first XML file it holds, if any.
    Zip {
        /// The name of an XML file inside, if the first bytes show one.
        xml: Option<String>,
    },
    /// An archive in another compression format (`bzip2`, `xz`, `7z`, `rar`, `zstd`, or gzip
    /// inside gzip).
    Archive(&'static str),
    /// A word-processing or presentation document (`Word (.docx)`, …).
    Document(&'static str),
    /// A workbook protected by a password (its content is encrypted).
    EncryptedWorkbook,
    /// An image (`PNG`, `JPEG`, `GIF`).
    Image(&'static str),
    /// Binary data of no known kind.
    Binary,
}

/// What [`open`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// The kind of the (decompressed) content.
    pub kind: Kind,
    /// `true` when the input is gzip-compressed.
    pub gzip: bool,
}

impl Recognised {
    /// `true` when `lheo` reads this input: LHEO XML (plain or gzip), or a workbook that is
    /// not compressed.
    pub fn is_readable(&self) -> bool {
        match self.kind {
            Kind::Lheo(_) => true,
            Kind::Workbook(_) => !self.gzip,
            _ => false,
        }
    }

    /// The workbook format, for a workbook `lheo` reads.
    pub fn workbook(&self) -> Option<WorkbookFormat> {
        match self.kind {
            Kind::Workbook(f) if !self.gzip => Some(f),
            _ => None,
        }
    }

    /// For an input `lheo` does not read, one sentence (French and English) saying what it
    /// is, what `lheo` reads, and what to do; `None` for a readable input. The sentence
    /// completes « FICHIER » est … (« un fichier CSV (valeurs séparées par …), pas un flux
    /// LHEO ; lheo lit … ») and "FILE" is … in English.
    pub fn refusal(&self) -> Option<crate::Message> {
        describe::refusal(self)
    }
}

/// An input being read: its content (decompressed when it is gzip) from the first byte,
/// after the first bytes were read to recognise it.
pub struct Opened<R: BufRead> {
    recognised: Recognised,
    content: Content<R>,
}

type Ahead<R> = io::Chain<Cursor<Vec<u8>>, R>;

enum Content<R: BufRead> {
    Plain(Ahead<R>),
    Gzip(Box<Ahead<BufReader<GzipReader<Ahead<R>>>>>),
}

impl<R: BufRead> Opened<R> {
    /// What the input is.
    pub fn recognised(&self) -> &Recognised {
        &self.recognised
    }

    /// The kind of its content.
    pub fn kind(&self) -> &Kind {
        &self.recognised.kind
    }
}

impl<R: BufRead> Read for Opened<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::xml::decode::read_buffered(self, buf)
    }
}

impl<R: BufRead> BufRead for Opened<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match &mut self.content {
            Content::Plain(r) => r.fill_buf(),
            Content::Gzip(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amt: usize) {
        match &mut self.content {
            Content::Plain(r) => r.consume(amt),
            Content::Gzip(r) => r.consume(amt),
        }
    }
}

/// Reads up to `max` bytes (fewer only at the end of the input).
fn read_head<R: Read>(input: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(max.min(8192));
    input.take(max as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Recognises `input` from its first bytes and returns it, ready to read from the start
/// (decompressed when it is gzip), with the default [`GzipLimits`].
pub fn open<R: BufRead>(input: R) -> io::Result<Opened<R>> {
    open_with(input, GzipLimits::default())
}

/// [`open`] with explicit gzip limits. Fails only when reading fails (an I/O error, or gzip
/// data that cannot be decompressed: see [`GzipError`]).
pub fn open_with<R: BufRead>(mut input: R, limits: GzipLimits) -> io::Result<Opened<R>> {
    let head = read_head(&mut input, HEAD_BYTES)?;
    let ahead = Cursor::new(head).chain(input);
    if !ahead.get_ref().0.get_ref().starts_with(&GZIP_MAGIC) {
        let head = ahead.get_ref().0.get_ref();
        let kind = recognise(head, head.len() < HEAD_BYTES);
        return Ok(Opened {
            recognised: Recognised { kind, gzip: false },
            content: Content::Plain(ahead),
        });
    }
    let mut decoded = BufReader::with_capacity(64 * 1024, GzipReader::with_limits(ahead, limits));
    let head = read_head(&mut decoded, HEAD_BYTES)?;
    // gzip inside gzip is recognised as an archive, and refused.
    let kind = recognise(&head, head.len() < HEAD_BYTES);
    Ok(Opened {
        recognised: Recognised { kind, gzip: true },
        content: Content::Gzip(Box::new(Cursor::new(head).chain(decoded))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn gzip_is_read_through_and_recognised_inside() {
        let feed = format!(
            "<lheo xmlns=\"http://www.lheo.org/2.2\"><offres>{}</offres></lheo>",
            "<formation/>".repeat(20_000)
        );
        let bytes = gzip(feed.as_bytes());
        let mut opened = open(&bytes[..]).unwrap();
        assert_eq!(
            opened.recognised(),
            &Recognised {
                kind: Kind::Lheo(Some(Version::V2_2)),
                gzip: true
            }
        );
        let mut text = String::new();
        opened.read_to_string(&mut text).unwrap();
        assert_eq!(text, feed);

        let bytes = gzip(b"a;b\n1;2\n");
        let csv = open(&bytes[..]).unwrap();
        let refusal = csv.recognised().refusal().unwrap();
        assert!(refusal
            .fr
            .starts_with("une archive gzip qui contient un fichier CSV"));
        let bytes = gzip(&gzip(b"<lheo/>"));
        let twice = open(&bytes[..]).unwrap();
        assert_eq!(twice.kind(), &Kind::Archive("gzip"));
    }

    #[test]
    fn a_short_input_is_read_whole() {
        let mut opened = open(&b"<lheo/>"[..]).unwrap();
        assert_eq!(opened.kind(), &Kind::Lheo(None));
        let mut all = Vec::new();
        opened.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"<lheo/>");
    }

    #[test]
    fn damaged_gzip_is_an_error_when_its_head_cannot_be_read() {
        let e = open(&b"\x1f\x8b\x08\x00garbage"[..]).err().unwrap();
        assert!(GzipError::of(&e).is_some(), "{e:?}");
    }
}
