//! Element → model: the view the generated builders read ([`NodeView`], over a tree's
//! [`Node`] or a record's capture), the helpers they use, and the hand-written builders (simple
//! fields, extras).

use std::borrow::Cow;

use super::tree::{Child, Node};
use crate::model::{
    Attributes, Document, Extra, Extras, ExtrasItem, Field, Lheo, LheoIndex, LheoPlus, QName,
    Record, SimpleValue, XmlAttribute, XmlElement, XmlNode,
};
use crate::schema::{self, id, ElementId, NAMESPACE_2_3};
use crate::xml::position::Position;

/// Why an element could not become a model value: the structure is not LHEO (the checker reports
/// the details; this only says where the builder stopped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ligne {line} : élément « {element} » : {reason}")]
pub struct BuildError {
    /// Line of the element.
    pub line: u32,
    /// Element name.
    pub element: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl BuildError {
    fn at<'a, N: NodeView<'a>>(n: N, reason: &'static str) -> Self {
        BuildError {
            line: n.pos().line,
            element: n.local().to_owned(),
            reason,
        }
    }

    /// An element the parent's content model does not allow.
    pub fn unexpected<'a, N: NodeView<'a>>(n: N) -> Self {
        BuildError::at(n, "élément inattendu")
    }
}

impl BuildError {
    /// The reason in English.
    fn reason_en(&self) -> &'static str {
        match self.reason {
            "élément inattendu" => "unexpected element",
            "élément répété" => "repeated element",
            "élément obligatoire manquant" => "required element missing",
            "attribut non admis" => "attribute not allowed",
            "texte dans un élément qui ne contient que des éléments" => {
                "text in an element that holds only elements"
            }
            "élément enfant dans un élément texte" => "child element in a text element",
            "valeur invalide" => "invalid value",
            "racine autre que lheo, lheo-index ou lheo-plus" => {
                "root other than lheo, lheo-index or lheo-plus"
            }
            _ => "structure not allowed",
        }
    }
}

impl From<BuildError> for crate::Error {
    /// A structure the model cannot take ([`ErrorKind::Structure`](crate::ErrorKind)), at
    /// the element's line.
    fn from(e: BuildError) -> Self {
        let en = format!(
            "line {}: element \"{}\": {}",
            e.line,
            e.element,
            e.reason_en()
        );
        crate::Error::new(crate::ErrorKind::Structure, e.to_string(), en).at(crate::Location::Xml {
            line: e.line,
            column: 1,
        })
    }
}

/// A child of an element, as a [`NodeView`] reads it.
#[derive(Debug, Clone, Copy)]
pub enum ViewChild<'a, N> {
    /// A child element.
    Element(N),
    /// Character data (adjacent pieces may follow each other: they are one text).
    Text(&'a str),
}

impl<N> ViewChild<'_, N> {
    /// Text other than white space: what an element-only element cannot hold (the model
    /// refuses it rather than drop it).
    pub(crate) fn is_stray_text(&self) -> bool {
        matches!(self, ViewChild::Text(t) if !crate::model::trim_xml(t).is_empty())
    }
}

/// An attribute, as a [`NodeView`] reads it.
#[derive(Debug, Clone, Copy)]
pub struct ViewAttribute<'a> {
    /// Namespace URI (LHEO 2.0–2.2 read as 2.3), `None` for an unprefixed attribute.
    pub namespace: Option<&'a str>,
    /// Local name.
    pub local: &'a str,
    /// Value.
    pub value: &'a str,
}

impl ViewAttribute<'_> {
    /// The attribute as the model keeps free content's attributes.
    fn to_xml(self) -> XmlAttribute {
        let known = match self.namespace {
            None => super::tree::known_attribute(self.local),
            Some(_) => None,
        };
        XmlAttribute {
            name: QName {
                namespace: self.namespace.map(namespace),
                local: match known {
                    Some(name) => Cow::Borrowed(name),
                    None => Cow::Owned(self.local.to_owned()),
                },
            },
            value: self.value.to_owned(),
        }
    }
}

/// A namespace URI as the model keeps it: LHEO's borrowed from the schema, others copied.
pub(crate) fn namespace(uri: &str) -> Cow<'static, str> {
    if uri == NAMESPACE_2_3 {
        Cow::Borrowed(NAMESPACE_2_3)
    } else {
        Cow::Owned(uri.to_owned())
    }
}

/// An element as the model builders read it: a node of a tree ([`Node`]), or an element of a
/// record's capture read in place (no tree built). The builders only ask for the element's
/// declaration, position, name, children and attributes; the rest (text, the standard
/// attributes, refusing stray text) is derived here once for both.
pub trait NodeView<'a>: Copy {
    /// The LHEO declaration, when the element is in LHEO's namespace and declared.
    fn id(self) -> Option<ElementId>;
    /// Where the start tag is.
    fn pos(self) -> Position;
    /// The local name.
    fn local(self) -> &'a str;
    /// The expanded name, as the model keeps free content's names.
    fn name(self) -> QName;
    /// The children, in document order.
    fn children(self) -> impl Iterator<Item = ViewChild<'a, Self>>;
    /// The attributes (namespace declarations excluded).
    fn xml_attributes(self) -> impl Iterator<Item = ViewAttribute<'a>>;

    /// The child elements of an element-only element. Text other than whitespace cannot be
    /// kept by the model, so it is refused rather than dropped.
    fn element_children(self) -> Result<impl Iterator<Item = Self>, BuildError> {
        if self.children().any(|c| c.is_stray_text()) {
            return Err(BuildError::at(
                self,
                "texte dans un élément qui ne contient que des éléments",
            ));
        }
        Ok(self.elements())
    }

    /// The child elements.
    fn elements(self) -> impl Iterator<Item = Self> {
        self.children().filter_map(|c| match c {
            ViewChild::Element(e) => Some(e),
            ViewChild::Text(_) => None,
        })
    }

    /// The concatenated text children (not descendants): borrowed when there is one.
    fn text(self) -> Cow<'a, str> {
        let mut texts = self.children().filter_map(|c| match c {
            ViewChild::Text(t) => Some(t),
            ViewChild::Element(_) => None,
        });
        let Some(first) = texts.next() else {
            return Cow::Borrowed("");
        };
        let Some(second) = texts.next() else {
            return Cow::Borrowed(first);
        };
        let mut all = String::from(first);
        all.push_str(second);
        texts.for_each(|t| all.push_str(t));
        Cow::Owned(all)
    }

    /// Value of the unprefixed attribute `name`.
    fn attr(self, name: &str) -> Option<String> {
        self.attr_value(name).map(str::to_owned)
    }

    /// Value of the unprefixed attribute `name`, borrowed.
    fn attr_value(self, name: &str) -> Option<&'a str> {
        self.xml_attributes()
            .find(|a| a.namespace.is_none() && a.local == name)
            .map(|a| a.value)
    }

    /// The standard attributes; any other unprefixed attribute is refused unless the element
    /// declares it (`href`, …).
    fn attributes(self) -> Result<Attributes, BuildError> {
        let mut attrs = Attributes::default();
        admit(self, |_, name, value| attrs.set(name, value))?;
        Ok(attrs)
    }

    /// [`NodeView::attributes`], borrowed (the attributes the element declares beyond them
    /// are left to [`NodeView::attr_value`], `xsi:schemaLocation` is left out); `None` where
    /// [`NodeView::attributes`] refuses one.
    fn standard_attributes(self) -> Option<Standard> {
        let mut standard = Standard::default();
        admits(self, |at, name, _| standard.set(name, at)).then_some(standard)
    }
}

/// [`admits`], with the error that refuses the element's attributes.
fn admit<'a, N: NodeView<'a>>(
    n: N,
    keep: impl FnMut(usize, &'a str, &'a str) -> bool,
) -> Result<(), BuildError> {
    if admits(n, keep) {
        Ok(())
    } else {
        Err(BuildError::at(n, "attribut non admis"))
    }
}

/// Goes over the attributes of `n` as the model admits them: an unprefixed standard one goes
/// to `keep` with its place among the attributes (`keep` says whether the name is one), an
/// unprefixed one the element declares (`href`, …) or `xsi:schemaLocation` is left; `false`
/// at the first other one. The element's declaration is looked at only for an attribute
/// `keep` does not take (most elements have none).
#[inline]
fn admits<'a, N: NodeView<'a>>(
    n: N,
    mut keep: impl FnMut(usize, &'a str, &'a str) -> bool,
) -> bool {
    let declares = |local: &str| {
        n.id()
            .is_some_and(|i| schema::element(i).extra_attributes.contains(&local))
    };
    n.xml_attributes().enumerate().all(|(at, a)| {
        (a.namespace.is_none() && (keep(at, a.local, a.value) || declares(a.local)))
            || is_xsi_schema_location(a)
    })
}

/// The standard attributes of an element, as places in its attributes: for each of
/// [`Attributes::NAMES`] set, where it is among [`NodeView::xml_attributes`] (most elements
/// have none; the values are read from the element again by [`Standard::iter`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Standard {
    at: [u8; Attributes::NAMES.len()],
    present: u16,
}

impl Standard {
    /// The set attributes of `n` (the element this was made from), as `(name, value)` in
    /// schema order (what [`Attributes::iter`] gives).
    pub fn iter<'a, N: NodeView<'a>>(self, n: N) -> impl Iterator<Item = (&'static str, &'a str)> {
        let mut left = self.present;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            let i = left.trailing_zeros() as usize;
            left &= left - 1;
            let value = n.xml_attributes().nth(usize::from(*self.at.get(i)?))?.value;
            Some((*Attributes::NAMES.get(i)?, value))
        })
    }

    /// Notes that the standard attribute `name` is the element's attribute number `at`;
    /// `false` when `name` is not one of [`Attributes::NAMES`] (as [`Attributes::set`]).
    /// [`admit`] stops at the first attribute it refuses, and admits at most 16 (each standard
    /// one, the element's own, `xsi:schemaLocation`: an XML tag holds each name once), so `at`
    /// stays far below 256.
    fn set(&mut self, name: &str, at: usize) -> bool {
        let Some(i) = Attributes::NAMES.iter().position(|&s| s == name) else {
            return false;
        };
        // Out of range (cannot happen, see above): refused, so that the view is written
        // through the model rather than without the attribute.
        let (Some(slot), Ok(at)) = (self.at.get_mut(i), u8::try_from(at)) else {
            return false;
        };
        *slot = at;
        self.present |= 1 << i;
        true
    }
}

fn is_xsi_schema_location(a: ViewAttribute<'_>) -> bool {
    a.namespace == Some(crate::xml::events::XSI_NS_URI)
        && matches!(a.local, "schemaLocation" | "noNamespaceSchemaLocation")
}

impl<'a> NodeView<'a> for &'a Node {
    fn id(self) -> Option<ElementId> {
        self.id
    }

    fn pos(self) -> Position {
        self.pos
    }

    fn local(self) -> &'a str {
        &self.name.local
    }

    fn name(self) -> QName {
        self.name.clone()
    }

    fn children(self) -> impl Iterator<Item = ViewChild<'a, Self>> {
        self.children.iter().map(|c| match c {
            Child::Element(e) => ViewChild::Element(e),
            Child::Text(t) => ViewChild::Text(t),
        })
    }

    fn xml_attributes(self) -> impl Iterator<Item = ViewAttribute<'a>> {
        self.attributes.iter().map(|a| ViewAttribute {
            namespace: a.name.namespace.as_deref(),
            local: &a.name.local,
            value: &a.value,
        })
    }
}

/// Builds a model value from an element (the generated builders and the ones below).
pub trait FromView: Sized {
    /// Builds `Self` from `n`.
    fn from_view<'a, N: NodeView<'a>>(n: N) -> Result<Self, BuildError>;
}

/// Builds a model value from a tree node.
pub trait FromNode: Sized {
    /// Builds `Self` from `n`.
    fn from_node(n: &Node) -> Result<Self, BuildError>;
}

impl<T: FromView> FromNode for T {
    fn from_node(n: &Node) -> Result<Self, BuildError> {
        T::from_view(n)
    }
}

/// Sets an optional single child, refusing a second occurrence.
pub fn put<'a, T: FromView, N: NodeView<'a>>(slot: &mut Option<T>, n: N) -> Result<(), BuildError> {
    if slot.is_some() {
        return Err(BuildError::at(n, "élément répété"));
    }
    *slot = Some(T::from_view(n)?);
    Ok(())
}

/// Unwraps a required child.
pub fn required<'a, T, N: NodeView<'a>>(
    parent: N,
    slot: Option<T>,
    _name: &'static str,
) -> Result<T, BuildError> {
    slot.ok_or_else(|| BuildError::at(parent, "élément obligatoire manquant"))
}

/// The typed record of a record's root element (`formation`, `resume-offre`,
/// `resume-organisme`, else `organisme-formation-responsable`).
pub(crate) fn record<'a, N: NodeView<'a>>(n: N) -> Result<Record, BuildError> {
    use crate::model::{Formation, OrganismeFormationResponsable, ResumeOffre, ResumeOrganisme};
    Ok(match n.id() {
        Some(id::FORMATION) => Record::Formation(Box::new(Formation::from_view(n)?)),
        Some(id::RESUME_OFFRE) => Record::ResumeOffre(Box::new(ResumeOffre::from_view(n)?)),
        Some(id::RESUME_ORGANISME) => {
            Record::ResumeOrganisme(Box::new(ResumeOrganisme::from_view(n)?))
        }
        _ => Record::Organisme(Box::new(OrganismeFormationResponsable::from_view(n)?)),
    })
}

impl<T: SimpleValue> FromView for Field<T> {
    fn from_view<'a, N: NodeView<'a>>(n: N) -> Result<Self, BuildError> {
        if n.elements().next().is_some() {
            return Err(BuildError::at(n, "élément enfant dans un élément texte"));
        }
        // The usual case, one text child, is parsed where it is (no copy but the value's).
        let value = match n.text() {
            Cow::Borrowed(t) => T::parse_text(t),
            Cow::Owned(t) => T::from_text(t),
        };
        let value = value.ok_or_else(|| BuildError::at(n, "valeur invalide"))?;
        Ok(Field {
            value,
            attrs: n.attributes()?.into(),
        })
    }
}

/// A whole document, or the [`Reader`](super::Reader)'s envelope (a document without its
/// records), from its root element.
impl FromView for Document {
    fn from_view<'a, N: NodeView<'a>>(n: N) -> Result<Self, BuildError> {
        Ok(match n.id() {
            Some(id::LHEO) => Document::Lheo(Lheo::from_view(n)?),
            Some(id::LHEO_INDEX) => Document::LheoIndex(LheoIndex::from_view(n)?),
            Some(id::LHEO_PLUS) => Document::LheoPlus(LheoPlus::from_view(n)?),
            _ => {
                return Err(BuildError::at(
                    n,
                    "racine autre que lheo, lheo-index ou lheo-plus",
                ))
            }
        })
    }
}

impl FromView for Extras {
    fn from_view<'a, N: NodeView<'a>>(n: N) -> Result<Self, BuildError> {
        let mut items = Vec::new();
        for c in n.element_children()? {
            items.push(match c.id() {
                Some(id::EXTRAS) => ExtrasItem::Extras(Extras::from_view(c)?),
                Some(id::EXTRA) => ExtrasItem::Extra(Extra::from_view(c)?),
                _ => return Err(BuildError::unexpected(c)),
            });
        }
        Ok(Extras {
            attrs: n.attributes()?,
            items,
        })
    }
}

impl FromView for Extra {
    fn from_view<'a, N: NodeView<'a>>(n: N) -> Result<Self, BuildError> {
        let mut attrs = Attributes::default();
        let mut other_attributes = Vec::new();
        for a in n.xml_attributes() {
            if a.namespace.is_some() || !attrs.set(a.local, a.value) {
                other_attributes.push(a.to_xml());
            }
        }
        Ok(Extra {
            attrs,
            other_attributes,
            content: content(n),
        })
    }
}

/// The free XML content of `n`, kept as is (adjacent text merged).
fn content<'a, N: NodeView<'a>>(n: N) -> Vec<XmlNode> {
    let mut out = Vec::new();
    for c in n.children() {
        match c {
            ViewChild::Text(t) => match out.last_mut() {
                Some(XmlNode::Text(s)) => s.push_str(t),
                _ => out.push(XmlNode::Text(t.to_owned())),
            },
            ViewChild::Element(e) => out.push(XmlNode::Element(XmlElement {
                name: e.name(),
                attributes: e.xml_attributes().map(ViewAttribute::to_xml).collect(),
                children: content(e),
            })),
        }
    }
    out
}
