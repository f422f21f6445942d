//! Tree → model: the helpers the generated `FromNode` impls use, and the hand-written ones
//! (simple fields, extras).

use super::tree::{Child, Node};
use crate::model::{
    Attributes, Document, Extra, Extras, ExtrasItem, Field, Lheo, LheoIndex, LheoPlus, SimpleValue,
    XmlElement, XmlNode,
};
use crate::schema::{self, id};

/// Why a tree could not become a model value: the structure is not LHEO (the checker reports
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
    fn at(n: &Node, reason: &'static str) -> Self {
        BuildError {
            line: n.pos.line,
            element: n.name.local.to_string(),
            reason,
        }
    }

    /// An element the parent's content model does not allow.
    pub fn unexpected(n: &Node) -> Self {
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

/// Builds a model value from a tree node.
pub trait FromNode: Sized {
    /// Builds `Self` from `n`.
    fn from_node(n: &Node) -> Result<Self, BuildError>;
}

/// Sets an optional single child, refusing a second occurrence.
pub fn put<T: FromNode>(slot: &mut Option<T>, n: &Node) -> Result<(), BuildError> {
    if slot.is_some() {
        return Err(BuildError::at(n, "élément répété"));
    }
    *slot = Some(T::from_node(n)?);
    Ok(())
}

/// Unwraps a required child.
pub fn required<T>(parent: &Node, slot: Option<T>, _name: &'static str) -> Result<T, BuildError> {
    slot.ok_or_else(|| BuildError::at(parent, "élément obligatoire manquant"))
}

impl Node {
    /// The standard attributes; any other unprefixed attribute is refused unless the element
    /// declares it (`href`, …).
    pub fn attributes(&self) -> Result<Attributes, BuildError> {
        let mut attrs = Attributes::default();
        let allowed = self
            .id
            .map(|i| schema::element(i).extra_attributes)
            .unwrap_or(&[]);
        for a in &self.attributes {
            let ok = a.name.namespace.is_none()
                && (attrs.set(&a.name.local, a.value.clone())
                    || allowed.contains(&a.name.local.as_ref()));
            if !ok && !is_xsi_schema_location(a) {
                return Err(BuildError::at(self, "attribut non admis"));
            }
        }
        Ok(attrs)
    }
}

fn is_xsi_schema_location(a: &crate::model::XmlAttribute) -> bool {
    a.name.namespace.as_deref() == Some("http://www.w3.org/2001/XMLSchema-instance")
        && matches!(
            a.name.local.as_ref(),
            "schemaLocation" | "noNamespaceSchemaLocation"
        )
}

impl Node {
    /// The child elements of an element-only element. Text other than whitespace cannot be
    /// kept by the model, so it is refused rather than dropped.
    pub fn element_children(&self) -> Result<impl Iterator<Item = &Node>, BuildError> {
        let stray = self.children.iter().any(|c| match c {
            Child::Text(t) => !crate::model::trim_xml(t).is_empty(),
            Child::Element(_) => false,
        });
        if stray {
            return Err(BuildError::at(
                self,
                "texte dans un élément qui ne contient que des éléments",
            ));
        }
        Ok(self.elements())
    }
}

impl<T: SimpleValue> FromNode for Field<T> {
    fn from_node(n: &Node) -> Result<Self, BuildError> {
        if n.elements().next().is_some() {
            return Err(BuildError::at(n, "élément enfant dans un élément texte"));
        }
        // The usual case, one text child, is parsed where it is (no copy but the value's).
        let value = match n.children.as_slice() {
            [Child::Text(t)] => T::parse_text(t),
            _ => T::from_text(n.text()),
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
impl FromNode for Document {
    fn from_node(n: &Node) -> Result<Self, BuildError> {
        Ok(match n.id {
            Some(id::LHEO) => Document::Lheo(Lheo::from_node(n)?),
            Some(id::LHEO_INDEX) => Document::LheoIndex(LheoIndex::from_node(n)?),
            Some(id::LHEO_PLUS) => Document::LheoPlus(LheoPlus::from_node(n)?),
            _ => {
                return Err(BuildError::at(
                    n,
                    "racine autre que lheo, lheo-index ou lheo-plus",
                ))
            }
        })
    }
}

impl FromNode for Extras {
    fn from_node(n: &Node) -> Result<Self, BuildError> {
        let mut items = Vec::new();
        for c in n.element_children()? {
            items.push(match c.id {
                Some(id::EXTRAS) => ExtrasItem::Extras(Extras::from_node(c)?),
                Some(id::EXTRA) => ExtrasItem::Extra(Extra::from_node(c)?),
                _ => return Err(BuildError::unexpected(c)),
            });
        }
        Ok(Extras {
            attrs: n.attributes()?,
            items,
        })
    }
}

impl FromNode for Extra {
    fn from_node(n: &Node) -> Result<Self, BuildError> {
        let mut attrs = Attributes::default();
        let mut other_attributes = Vec::new();
        for a in &n.attributes {
            if a.name.namespace.is_some() || !attrs.set(&a.name.local, a.value.clone()) {
                other_attributes.push(a.clone());
            }
        }
        Ok(Extra {
            attrs,
            other_attributes,
            content: n.children.iter().map(raw).collect(),
        })
    }
}

/// Free XML content, kept as is.
pub fn raw(c: &Child) -> XmlNode {
    match c {
        Child::Text(t) => XmlNode::Text(t.clone()),
        Child::Element(e) => XmlNode::Element(XmlElement {
            name: e.name.clone(),
            attributes: e.attributes.clone(),
            children: e.children.iter().map(raw).collect(),
        }),
    }
}
