//! Low-level XML output: indentation, escaping, namespaces of free content.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use crate::model::{
    Attributes, Extra, Extras, ExtrasItem, Field, SimpleValue, XmlAttribute, XmlElement, XmlNode,
};
use crate::schema::NAMESPACE_2_3;

/// Writes `self` as the element `name`.
pub trait WriteXml {
    /// Writes the element.
    fn write_xml<W: Write>(&self, name: &str, w: &mut XmlWriter<W>) -> io::Result<()>;
}

/// An indenting XML writer over any `Write`. Output is deterministic: same model, same bytes.
pub struct XmlWriter<W: Write> {
    out: W,
    depth: usize,
    /// A start tag is written up to its attributes; `>` or `/>` is still to come.
    tag_open: bool,
    indent: bool,
}

use super::escape::check_ncname;
pub use super::escape::{escape_attr, escape_text};

/// The XML namespace, bound to the prefix `xml`.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of namespace declarations, never used by names.
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl<W: Write> XmlWriter<W> {
    /// A writer that indents with two spaces.
    pub fn new(out: W) -> Self {
        XmlWriter {
            out,
            depth: 0,
            tag_open: false,
            indent: true,
        }
    }

    /// A writer that indents with two spaces, its elements nested `depth` deep: it writes
    /// what a writer at that depth writes (a record written apart, then put in place with
    /// [`XmlWriter::raw`]).
    pub(crate) fn at_depth(out: W, depth: usize) -> Self {
        XmlWriter {
            depth,
            ..XmlWriter::new(out)
        }
    }

    /// How deep the next element is nested.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// Writes `bytes` as they are, where the next element goes: what a writer
    /// [`at_depth`](XmlWriter::at_depth) this one's depth wrote.
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.finish_tag()?;
        self.out.write_all(bytes)
    }

    /// The underlying output.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes the XML declaration.
    pub fn declaration(&mut self) -> io::Result<()> {
        self.out
            .write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    }

    fn finish_tag(&mut self) -> io::Result<()> {
        if self.tag_open {
            self.out.write_all(b">")?;
            self.tag_open = false;
        }
        Ok(())
    }

    fn newline(&mut self) -> io::Result<()> {
        /// A newline and the indentation of up to 16 levels, written in one call.
        const INDENT: &[u8; 33] = b"\n                                ";
        if self.indent {
            let mut levels = self.depth;
            let first = levels.min(16);
            self.out.write_all(&INDENT[..1 + 2 * first])?;
            levels -= first;
            while levels > 0 {
                let n = levels.min(16);
                self.out.write_all(&INDENT[1..1 + 2 * n])?;
                levels -= n;
            }
        }
        Ok(())
    }

    /// Writes `</name>`.
    fn end_tag(&mut self, name: &str) -> io::Result<()> {
        self.out.write_all(b"</")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b">")
    }

    /// Writes a start tag up to its attributes: the standard ones (`attrs`, in schema order),
    /// then those of `extra` that are set.
    fn start_tag_of<'v>(
        &mut self,
        name: &str,
        attrs: impl Iterator<Item = (&'static str, &'v str)>,
        extra: &[(&str, Option<&str>)],
    ) -> io::Result<()> {
        self.finish_tag()?;
        self.newline()?;
        self.out.write_all(b"<")?;
        self.out.write_all(name.as_bytes())?;
        if self.depth == 0 {
            write!(self.out, " xmlns=\"{NAMESPACE_2_3}\"")?;
        }
        for (k, v) in attrs {
            self.attribute(k, v)?;
        }
        for (k, v) in extra {
            if let Some(v) = v {
                self.attribute(k, v)?;
            }
        }
        Ok(())
    }

    fn attribute(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.out.write_all(b" ")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b"=\"")?;
        escape_attr(value, &mut self.out)?;
        self.out.write_all(b"\"")
    }

    /// Opens a complex element; children follow, then [`XmlWriter::close`].
    pub fn open(
        &mut self,
        name: &str,
        attrs: &Attributes,
        extra: &[(&str, Option<&str>)],
    ) -> io::Result<()> {
        self.open_of(name, attrs.iter(), extra)
    }

    /// [`XmlWriter::open`] with the standard attributes given as `(name, value)` in schema
    /// order (what [`Attributes::iter`] gives).
    pub(crate) fn open_of<'v>(
        &mut self,
        name: &str,
        attrs: impl Iterator<Item = (&'static str, &'v str)>,
        extra: &[(&str, Option<&str>)],
    ) -> io::Result<()> {
        self.start_tag_of(name, attrs, extra)?;
        self.tag_open = true;
        self.depth += 1;
        Ok(())
    }

    /// Closes the element opened last (as `<x/>` when it has no children).
    pub fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.tag_open {
            self.tag_open = false;
            return self.out.write_all(b"/>");
        }
        self.newline()?;
        self.end_tag(name)
    }

    /// Writes a simple element with its text.
    pub fn simple(&mut self, name: &str, attrs: &Attributes, text: &str) -> io::Result<()> {
        self.simple_of(name, attrs.iter(), text)
    }

    /// [`XmlWriter::simple`] with the standard attributes given as `(name, value)` in schema
    /// order.
    pub(crate) fn simple_of<'v>(
        &mut self,
        name: &str,
        attrs: impl Iterator<Item = (&'static str, &'v str)>,
        text: &str,
    ) -> io::Result<()> {
        self.start_tag_of(name, attrs, &[])?;
        self.out.write_all(b">")?;
        escape_text(text, &mut self.out)?;
        self.end_tag(name)
    }

    /// Ends the document with a newline and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        self.finish_tag()?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// Writes free content (inside `extra`) exactly, without indentation. `default_ns` is the
    /// default namespace in scope.
    fn free_node(&mut self, node: &XmlNode, default_ns: Option<&str>) -> io::Result<()> {
        match node {
            XmlNode::Text(t) => escape_text(t, &mut self.out),
            XmlNode::Element(e) => self.free_element(e, default_ns),
        }
    }

    /// Writes attributes of free content, declaring prefixes for namespaced ones. Names that
    /// are not XML names, namespace declarations and repeated attributes are refused (they
    /// would make the output ill-formed or change its meaning).
    fn free_attributes(&mut self, attributes: &[XmlAttribute]) -> io::Result<()> {
        // Prefixes by namespace and names seen: linear in the number of attributes (an
        // `extra` may carry a million).
        let mut prefixes: HashMap<&str, usize> = HashMap::new();
        let mut seen: HashSet<(Option<&str>, &str)> = HashSet::with_capacity(attributes.len());
        for a in attributes {
            check_ncname(&a.name.local)?;
            let ns = a.name.namespace.as_deref();
            if !seen.insert((ns, &a.name.local))
                || (ns.is_none() && a.name.local == "xmlns")
                || matches!(ns, Some(XMLNS_NS | ""))
            {
                return Err(invalid(format!(
                    "l'attribut « {} » ne peut pas s'écrire (répété, ou déclaration d'espace de noms)",
                    a.name.local
                )));
            }
            match ns {
                None => write!(self.out, " {}=\"", a.name.local)?,
                Some(XML_NS) => write!(self.out, " xml:{}=\"", a.name.local)?,
                Some(uri) => {
                    let i = match prefixes.get(uri) {
                        Some(&i) => i,
                        None => {
                            let i = prefixes.len();
                            prefixes.insert(uri, i);
                            write!(self.out, " xmlns:a{i}=\"")?;
                            escape_attr(uri, &mut self.out)?;
                            self.out.write_all(b"\"")?;
                            i
                        }
                    };
                    write!(self.out, " a{i}:{}=\"", a.name.local)?;
                }
            }
            escape_attr(&a.value, &mut self.out)?;
            self.out.write_all(b"\"")?;
        }
        Ok(())
    }

    fn free_element(&mut self, e: &XmlElement, default_ns: Option<&str>) -> io::Result<()> {
        let ns = e.name.namespace.as_deref();
        check_ncname(&e.name.local)?;
        if matches!(ns, Some(XML_NS | XMLNS_NS)) {
            return Err(invalid(format!(
                "l'élément « {} » ne peut pas être dans un espace de noms réservé",
                e.name.local
            )));
        }
        write!(self.out, "<{}", e.name.local)?;
        if ns != default_ns {
            self.out.write_all(b" xmlns=\"")?;
            escape_attr(ns.unwrap_or(""), &mut self.out)?;
            self.out.write_all(b"\"")?;
        }
        self.free_attributes(&e.attributes)?;
        if e.children.is_empty() {
            return self.out.write_all(b"/>");
        }
        self.out.write_all(b">")?;
        for c in &e.children {
            self.free_node(c, ns)?;
        }
        write!(self.out, "</{}>", e.name.local)
    }
}

impl<T: SimpleValue> WriteXml for Field<T> {
    fn write_xml<W: Write>(&self, name: &str, w: &mut XmlWriter<W>) -> io::Result<()> {
        w.simple(name, &self.attrs, &self.value.to_text())
    }
}

impl WriteXml for Extras {
    fn write_xml<W: Write>(&self, name: &str, w: &mut XmlWriter<W>) -> io::Result<()> {
        w.open(name, &self.attrs, &[])?;
        for item in &self.items {
            match item {
                ExtrasItem::Extras(x) => x.write_xml("extras", w)?,
                ExtrasItem::Extra(x) => x.write_xml("extra", w)?,
            }
        }
        w.close(name)
    }
}

impl WriteXml for Extra {
    fn write_xml<W: Write>(&self, name: &str, w: &mut XmlWriter<W>) -> io::Result<()> {
        let clash = self
            .other_attributes
            .iter()
            .find(|a| a.name.namespace.is_none() && self.attrs.get(&a.name.local).is_some());
        if let Some(a) = clash {
            return Err(invalid(format!(
                "l'attribut « {} » de extra est donné deux fois",
                a.name.local
            )));
        }
        w.start_tag_of(name, self.attrs.iter(), &[])?;
        w.free_attributes(&self.other_attributes)?;
        if self.content.is_empty() {
            return w.out.write_all(b"/>");
        }
        w.out.write_all(b">")?;
        for n in &self.content {
            w.free_node(n, Some(NAMESPACE_2_3))?;
        }
        write!(w.out, "</{name}>")
    }
}
