//! Extensions (`extras`/`extra`, LHEO's "cercle 3"): kept as XML subtrees, nothing lost.

use std::borrow::Cow;

use super::Attributes;

/// An `extras` element: a container of `extra` elements and nested `extras`.
///
/// ```
/// use lheo::{Extra, Extras};
///
/// let extras = Extras::new("flux-intercarif")
///     .with(Extra::text("date-export", "20251101"))
///     .with(Extra::text("heure-export", "062847"));
/// assert_eq!(extras.items.len(), 2);
/// assert_eq!(extras.find_text("date-export"), Some("20251101".into()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Extras {
    /// Attributes of the `extras` element (usually `info`).
    pub attrs: Attributes,
    /// Children in document order.
    pub items: Vec<ExtrasItem>,
}

/// A child of [`Extras`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExtrasItem {
    /// A nested `extras`.
    Extras(Extras),
    /// An `extra`.
    Extra(Extra),
}

/// An `extra` element: any attributes and any content (text and elements), kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Extra {
    /// The LHEO attributes (`info`, `numero`, …).
    pub attrs: Attributes,
    /// Other attributes (`extra` accepts any attribute).
    pub other_attributes: Vec<XmlAttribute>,
    /// Mixed content in document order.
    pub content: Vec<XmlNode>,
}

/// A node of free XML content inside an `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum XmlNode {
    /// An element.
    Element(XmlElement),
    /// Character data (entities resolved; CDATA sections become text).
    Text(String),
}

/// An element of free XML content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XmlElement {
    /// Expanded name.
    pub name: QName,
    /// Attributes (namespace declarations excluded).
    pub attributes: Vec<XmlAttribute>,
    /// Children in document order.
    pub children: Vec<XmlNode>,
}

/// An expanded XML name: namespace URI (if any) and local name.
///
/// Names in an LHEO 2.x namespace are read as LHEO 2.3 names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI, `None` for no namespace.
    pub namespace: Option<Cow<'static, str>>,
    /// Local name.
    pub local: Cow<'static, str>,
}

/// An attribute of free XML content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XmlAttribute {
    /// Expanded name (unprefixed attributes have no namespace).
    pub name: QName,
    /// Normalised value.
    pub value: String,
}

impl Extras {
    /// An empty `extras` with attribute `info` set.
    pub fn new(info: impl Into<String>) -> Self {
        Extras {
            attrs: Attributes {
                info: Some(info.into()),
                ..Attributes::default()
            },
            items: Vec::new(),
        }
    }

    /// Adds an `extra` and returns `self`.
    pub fn with(mut self, extra: Extra) -> Self {
        self.items.push(ExtrasItem::Extra(extra));
        self
    }

    /// The `extra` children (not nested ones).
    pub fn extras(&self) -> impl Iterator<Item = &Extra> {
        self.items.iter().filter_map(|i| match i {
            ExtrasItem::Extra(e) => Some(e),
            ExtrasItem::Extras(_) => None,
        })
    }

    /// The text of the first direct `extra` whose `info` is `info`.
    pub fn find_text(&self, info: &str) -> Option<String> {
        self.extras()
            .find(|e| e.attrs.info.as_deref() == Some(info))
            .map(Extra::text_content)
    }
}

impl Extra {
    /// An `extra` with attribute `info` and text content.
    pub fn text(info: impl Into<String>, text: impl Into<String>) -> Self {
        Extra {
            attrs: Attributes {
                info: Some(info.into()),
                ..Attributes::default()
            },
            other_attributes: Vec::new(),
            content: vec![XmlNode::Text(text.into())],
        }
    }

    /// The concatenated text of the content (elements' text included).
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        for n in &self.content {
            n.collect_text(&mut out);
        }
        out
    }
}

impl XmlNode {
    fn collect_text(&self, out: &mut String) {
        match self {
            XmlNode::Text(t) => out.push_str(t),
            XmlNode::Element(e) => {
                for c in &e.children {
                    c.collect_text(out);
                }
            }
        }
    }
}

impl QName {
    /// A name in no namespace.
    pub fn local(local: impl Into<String>) -> Self {
        QName {
            namespace: None,
            local: Cow::Owned(local.into()),
        }
    }

    /// A name in the LHEO 2.3 namespace.
    pub fn lheo(local: impl Into<String>) -> Self {
        QName {
            namespace: Some(Cow::Borrowed(crate::schema::NAMESPACE_2_3)),
            local: Cow::Owned(local.into()),
        }
    }
}
