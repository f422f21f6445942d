//! A small element tree for one record (a `formation`, a `resume-offre`, …) or the envelope
//! of a document: what the model builder and the rules' locations read.

use super::events::{Namespaces, NsId, Position, StartTag};
use std::borrow::Cow;

use crate::model::{Attributes, QName, XmlAttribute};
use crate::schema::{self, ElementId, NAMESPACE_2_3};

/// The static name of an attribute LHEO declares somewhere.
pub(crate) fn known_attribute(local: &str) -> Option<&'static str> {
    Attributes::NAMES
        .iter()
        .chain(["href", "file", "datemaj", "datecrea"].iter())
        .find(|n| **n == local)
        .copied()
}

/// An element of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// LHEO declaration, when the element is in the document's LHEO namespace and declared.
    pub id: Option<ElementId>,
    /// Expanded name (LHEO 2.x namespaces read as 2.3).
    pub name: QName,
    /// Attributes (namespace declarations excluded).
    pub attributes: Vec<XmlAttribute>,
    /// Children in document order.
    pub children: Vec<Child>,
    /// Where the start tag is.
    pub pos: Position,
}

/// A child of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Child {
    /// An element.
    Element(Node),
    /// Text (adjacent text merged).
    Text(String),
}

impl Node {
    /// A node for a start tag. `lheo_ns` is the document's LHEO namespace.
    pub fn from_start(tag: &StartTag, lheo_ns: Option<NsId>, namespaces: &Namespaces) -> Node {
        // LHEO 2.0–2.2 namespaces are read as 2.3, for attributes (in free content) too.
        let resolve = |n: NsId| -> Cow<'static, str> {
            if Some(n) == lheo_ns {
                Cow::Borrowed(NAMESPACE_2_3)
            } else {
                Cow::Owned(namespaces.uri(n).to_owned())
            }
        };
        let id = crate::check::declared(tag, lheo_ns);
        // Names the schema knows are borrowed from its tables: no allocation per element.
        let local = match id {
            Some(i) => Cow::Borrowed(schema::element(i).name),
            None => Cow::Owned(tag.local().to_owned()),
        };
        Node {
            id,
            name: QName {
                namespace: tag.ns.map(resolve),
                local,
            },
            attributes: tag
                .attributes
                .iter()
                .map(|a| XmlAttribute {
                    name: QName {
                        namespace: a.ns.map(resolve),
                        local: match (a.ns, known_attribute(a.local())) {
                            (None, Some(name)) => Cow::Borrowed(name),
                            _ => Cow::Owned(a.local().to_owned()),
                        },
                    },
                    value: a.value.clone(),
                })
                .collect(),
            children: Vec::new(),
            pos: tag.pos,
        }
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// The concatenated text children (not descendants).
    pub fn text(&self) -> String {
        // The usual case, one text child, needs one copy.
        if let [Child::Text(t)] = self.children.as_slice() {
            return t.clone();
        }
        let mut out = String::new();
        for c in &self.children {
            if let Child::Text(t) = c {
                out.push_str(t);
            }
        }
        out
    }

    /// Value of the unprefixed attribute `name`.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.attributes
            .iter()
            .find(|a| a.name.namespace.is_none() && a.name.local == name)
            .map(|a| a.value.clone())
    }

    /// Appends text, merging with a preceding text child.
    pub fn push_text(&mut self, text: &str) {
        if let Some(Child::Text(t)) = self.children.last_mut() {
            t.push_str(text);
        } else {
            self.children.push(Child::Text(text.to_owned()));
        }
    }

    /// The node at `path` below this one: segments `name` or `name[i]` (1-based among
    /// same-named siblings), separated by `/`.
    pub fn find(&self, path: &str) -> Option<&Node> {
        let mut node = self;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            let (name, index) = match seg.split_once('[') {
                Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()?),
                None => (seg, 1),
            };
            node = node
                .elements()
                .filter(|c| c.name.local == name)
                .nth(index.checked_sub(1)?)?;
        }
        Some(node)
    }
}
