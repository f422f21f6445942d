//! Start tags: the checks and namespace resolution that open an element and fill
//! [`Core::start`] (its names, namespace declarations and attributes).

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::events::attributes::Attribute as QAttribute;
use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

use crate::xml::names::name_colon;

use super::chars::{invalid_char, is_blank};
use super::describe::{attribute_error, duplicate, malformed};
use super::namespaces::{Bindings, NsId, XMLNS_NS_URI, XML_NS_URI, XSI_NS};
use super::{
    is_xml_name, Attribute, BlankText, Core, OpenElement, Phase, Position, XmlError, XmlErrorKind,
};

/// The checked and normalised value of attribute `a` (named `key`).
#[inline]
fn attribute_value<'a>(
    a: &QAttribute<'a>,
    key: &str,
    pos: Position,
) -> Result<Cow<'a, str>, XmlError> {
    if !is_xml_name(key) {
        return Err(malformed(
            pos,
            format!("nom d'attribut invalide « {key} »"),
            format!("invalid attribute name \"{key}\""),
        ));
    }
    let raw = &*a.value;
    if raw.as_bytes().contains(&b'<') {
        return Err(malformed(
            pos,
            format!("« < » interdit dans la valeur de l'attribut « {key} »"),
            format!("\"<\" not allowed in the value of attribute \"{key}\""),
        ));
    }
    if let Some(c) = invalid_char(raw) {
        return Err(malformed(
            pos,
            format!(
                "caractère interdit (U+{:04X}) dans l'attribut « {key} »",
                c as u32
            ),
            format!(
                "character not allowed (U+{:04X}) in attribute \"{key}\"",
                c as u32
            ),
        ));
    }
    a.normalized_value(XmlVersion::Implicit1_0).map_err(|e| {
        malformed(
            pos,
            format!("valeur de l'attribut « {key} » : {e}"),
            format!("value of attribute \"{key}\": {e}"),
        )
    })
}

/// Whether an attribute `(ns, local)` is among `before`. A few attributes are compared one by
/// one; many (hostile input) go through a set, so that a tag with a million attributes is not
/// a trillion comparisons.
#[inline]
fn is_duplicate(
    before: &[Attribute],
    ns: Option<NsId>,
    local: &str,
    seen: &mut Option<HashSet<(Option<NsId>, String)>>,
) -> bool {
    if before.len() < Bindings::SCANNED {
        return before.iter().any(|a| a.ns == ns && a.local() == local);
    }
    let set = seen.get_or_insert_with(|| {
        before
            .iter()
            .map(|a| (a.ns, a.local().to_owned()))
            .collect()
    });
    !set.insert((ns, local.to_owned()))
}

impl Core {
    /// Opens the element of start tag `s` at `pos`: fills [`Core::start`] (names,
    /// namespaces, attributes) after the well-formedness and namespace checks.
    #[inline]
    pub(super) fn begin_element(
        &mut self,
        s: &BytesStart<'_>,
        pos: Position,
    ) -> Result<(), XmlError> {
        self.check_element_allowed(pos)?;
        self.phase = Phase::Root;
        let qname = s.name().0;
        let Some(colon) = name_colon(qname) else {
            return Err(malformed(
                pos,
                format!("nom d'élément invalide « {qname} »"),
                format!("invalid element name \"{qname}\""),
            ));
        };
        self.start.qname.clear();
        self.start.qname.push_str(qname);
        self.start.pos = pos;
        // `read_attributes` moves the last tag's attributes aside, to be reused.
        self.start.xsi_type_ns = None;
        let declared = self.read_attributes(s, pos)?;
        let blank = match self.open.last() {
            Some(parent) if parent.blank == BlankText::KeepBelow => BlankText::KeepBelow,
            _ => BlankText::Keep,
        };
        self.open.push(OpenElement {
            name: self.open_names.len(),
            declared,
            blank,
        });
        self.open_names.push_str(qname);
        self.resolve_element_name(qname, colon, pos)?;
        self.resolve_attributes(pos)
    }

    /// Refuses an element where none may start: after non-blank text outside the root, after
    /// the root, or past the depth limit.
    #[inline]
    fn check_element_allowed(&self, pos: Position) -> Result<(), XmlError> {
        // Text outside the root must be whitespace.
        if self.open.is_empty() && !is_blank(&self.text) {
            return Err(malformed(
                self.text_pos,
                "texte hors de l'élément racine",
                "text outside the root element",
            ));
        }
        if self.phase == Phase::Epilog {
            return Err(malformed(
                pos,
                "contenu après la fin de l'élément racine (un document n'a qu'une racine)",
                "content after the root element ended (a document has one root)",
            ));
        }
        if self.open.len() >= self.limits.max_depth {
            return Err(XmlError::new(
                XmlErrorKind::Limit,
                pos,
                format!(
                    "imbrication de plus de {} éléments : refusée",
                    self.limits.max_depth
                ),
                format!(
                    "more than {} nested elements: refused",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// First pass over the attributes of `s`: checked, namespace declarations bound, the others
    /// kept (names not resolved yet). Returns how many namespaces the tag declares.
    #[inline]
    fn read_attributes(&mut self, s: &BytesStart<'_>, pos: Position) -> Result<usize, XmlError> {
        let mut declared = 0;
        // Attribute structs are reused from tag to tag (their strings keep their capacity).
        self.spare_attributes.append(&mut self.start.attributes);
        // Most tags have no attribute: no iterator for them.
        if is_blank(s.attributes_raw()) {
            return Ok(declared);
        }
        let mut attrs = s.attributes();
        // Duplicates are refused here (namespace declarations) and by `resolve_attributes`
        // (the others, by namespace and local name): quick-xml's check would allocate per tag.
        attrs.with_checks(false);
        for a in attrs {
            let a = a.map_err(|e| attribute_error(e, pos))?;
            let key = a.key.0;
            let value = attribute_value(&a, key, pos)?;
            if key == "xmlns" || key.starts_with("xmlns:") {
                self.declare_namespace(key, &value, declared, pos)?;
                declared += 1;
            } else {
                let mut attribute = self.spare_attributes.pop().unwrap_or_default();
                attribute.qname.clear();
                attribute.qname.push_str(key);
                attribute.value.clear();
                attribute.value.push_str(&value);
                attribute.local_at = 0;
                attribute.ns = None;
                self.start.attributes.push(attribute);
            }
        }
        Ok(declared)
    }

    /// Binds the prefix of namespace declaration `key` (`xmlns` or `xmlns:p`) to `value`, the
    /// tag having declared `before` namespaces already.
    fn declare_namespace(
        &mut self,
        key: &str,
        value: &str,
        before: usize,
        pos: Position,
    ) -> Result<(), XmlError> {
        let prefix = key.strip_prefix("xmlns:").unwrap_or("");
        if self.bindings.among_last(before, prefix) {
            return Err(duplicate(key, pos));
        }
        if prefix == "xmlns" || (prefix == "xml") != (value == XML_NS_URI) || value == XMLNS_NS_URI
        {
            return Err(malformed(
                pos,
                format!("déclaration d'espace de noms interdite « {key} »"),
                format!("forbidden namespace declaration \"{key}\""),
            ));
        }
        if value.is_empty() && !prefix.is_empty() {
            return Err(malformed(
                pos,
                format!("« {key} » ne peut pas être vide"),
                format!("\"{key}\" cannot be empty"),
            ));
        }
        let ns = if value.is_empty() {
            None
        } else {
            Some(self.namespaces.intern(value))
        };
        self.bindings.push(prefix, ns);
        Ok(())
    }

    /// The namespace and local name of the element being opened ([`Core::start`]), its name
    /// `qname` having its first colon at `colon`.
    #[inline]
    fn resolve_element_name(
        &mut self,
        qname: &str,
        colon: Option<usize>,
        pos: Position,
    ) -> Result<(), XmlError> {
        let (prefix, local) = match colon {
            Some(c) => (&qname[..c], &qname[c + 1..]),
            None => ("", qname),
        };
        // Without a colon, the name is a local name (checked by `is_xml_name`).
        if colon.is_some()
            && (prefix.is_empty() || local.is_empty() || local.as_bytes().contains(&b':'))
        {
            return Err(malformed(
                pos,
                format!("nom qualifié invalide « {qname} »"),
                format!("invalid qualified name \"{qname}\""),
            ));
        }
        self.start.ns = match self.bindings.lookup(prefix) {
            Some(ns) => ns,
            None if prefix.is_empty() => None,
            None => {
                return Err(malformed(
                    pos,
                    format!("préfixe « {prefix} » non déclaré"),
                    format!("undeclared prefix \"{prefix}\""),
                ));
            }
        };
        self.start.local_at = colon.map_or(0, |c| c + 1);
        Ok(())
    }

    /// Second pass over the attributes: namespaces and local names resolved (the tag's own
    /// declarations are in scope), duplicates refused, `xsi:type`'s prefix bound.
    #[inline]
    fn resolve_attributes(&mut self, pos: Position) -> Result<(), XmlError> {
        let mut seen: Option<HashSet<(Option<NsId>, String)>> = None;
        for i in 0..self.start.attributes.len() {
            let attribute = &self.start.attributes[i];
            let key = attribute.qname.as_str();
            let (ns, local_at) = self.attribute_namespace(key, pos)?;
            let local = &key[local_at..];
            if is_duplicate(&self.start.attributes[..i], ns, local, &mut seen) {
                return Err(duplicate(key, pos));
            }
            if ns == Some(XSI_NS) && local == "type" {
                self.start.xsi_type_ns = self.xsi_type_binding(&attribute.value);
            }
            let attribute = &mut self.start.attributes[i];
            attribute.ns = ns;
            attribute.local_at = local_at;
        }
        Ok(())
    }

    /// The namespace of attribute `key` and where its local name starts (unprefixed: no
    /// namespace).
    #[inline]
    fn attribute_namespace(
        &self,
        key: &str,
        pos: Position,
    ) -> Result<(Option<NsId>, usize), XmlError> {
        let Some(c) = key.as_bytes().iter().position(|&b| b == b':') else {
            return Ok((None, 0));
        };
        let (p, l) = (&key[..c], &key[c + 1..]);
        match self.bindings.lookup(p) {
            Some(Some(ns)) if !l.is_empty() && !l.as_bytes().contains(&b':') => {
                Ok((Some(ns), c + 1))
            }
            _ => Err(malformed(
                pos,
                format!("préfixe de l'attribut « {key} » non déclaré"),
                format!("undeclared prefix of attribute \"{key}\""),
            )),
        }
    }

    /// The namespace the prefix of an `xsi:type` QName `value` is bound to (`Some(None)`: no
    /// namespace; `None`: an undeclared prefix).
    fn xsi_type_binding(&self, value: &str) -> Option<Option<NsId>> {
        let prefix = value.split_once(':').map_or("", |(p, _)| p);
        match self.bindings.lookup(prefix) {
            Some(bound) => Some(bound),
            None if prefix.is_empty() => Some(None),
            None => None,
        }
    }
}
