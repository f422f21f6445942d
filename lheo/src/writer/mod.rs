//! Writing LHEO 2.3 XML: deterministic, in schema order, valid against the official XSD when
//! the model is. [`write_document`] writes a whole document; [`StreamWriter`] writes one
//! record at a time, with the same bytes.
//!
//! Free content (`extras`) is written from the model, which keeps its elements, attributes,
//! text and namespaces exactly, but not two things of its markup: XML comments inside
//! `extras` are not kept (the reader drops them), and namespace prefixes are chosen again
//! (`a0`, `a1`… for attributes, a default namespace declaration for elements): the same
//! expanded names, other prefixes. Attributes are handled in linear time (an `extra` with a
//! million attributes is written in about a second).
//!
//! ```
//! use lheo::writer::write_document;
//! use lheo::{Document, Lheo};
//!
//! let mut out = Vec::new();
//! write_document(&Document::Lheo(Lheo::default()), &mut out).unwrap();
//! assert!(String::from_utf8(out).unwrap().contains("<lheo xmlns=\"http://lheo.gouv.fr/2.3\">"));
//! ```

mod escape;
#[allow(clippy::all)]
mod generated;
mod stream;
mod view;
pub(crate) mod xml;

use std::io::{self, Write};

use crate::model::Document;
pub use stream::StreamWriter;
pub(crate) use stream::{record_depth, serialize, Containers, FeedWriter, Serialized};
pub(crate) use view::serialize_from;
pub(crate) use xml::{WriteXml, XmlWriter};

/// Writes a whole document as LHEO 2.3.
///
/// Fails with [`io::ErrorKind::InvalidData`] when the model holds what XML cannot carry: a
/// character XML 1.0 forbids (controls other than tab and line breaks, U+FFFE, U+FFFF), or, in
/// free content (`extra`), a name that is not an XML name, a namespace declaration or a
/// repeated attribute. Models the reader builds never do.
pub fn write_document<W: Write>(doc: &Document, out: W) -> io::Result<()> {
    let mut w = XmlWriter::new(out);
    w.declaration()?;
    match doc {
        Document::Lheo(d) => d.write_xml("lheo", &mut w)?,
        Document::LheoIndex(d) => d.write_xml("lheo-index", &mut w)?,
        Document::LheoPlus(d) => d.write_xml("lheo-plus", &mut w)?,
    }
    w.finish()
}

/// The document as an LHEO 2.3 XML string.
///
/// Empty when the model cannot be written (see [`write_document`]); use [`write_document`] to
/// know why.
pub fn to_string(doc: &Document) -> String {
    let mut out = Vec::new();
    match write_document(doc, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}
