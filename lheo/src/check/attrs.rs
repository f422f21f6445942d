//! Attributes: the standard set and each element's extras, their XSD types, `xsi:*`, and the
//! document-wide `xs:ID` table.

use super::{ids, types, value, Checker, PendingRef};
use crate::diagnostic::Rule;
use crate::schema::{self, id, AttrType, Content, ElementId, STD_ATTRIBUTES};
use crate::xml::events::{is_ncname, Attribute, Namespaces, StartTag, XML_NS, XSI_NS};

const XS_NS_URI: &str = "http://www.w3.org/2001/XMLSchema";

/// The XSD 1.0 built-in simple types, by local name.
const XS_BUILTINS: &[&str] = &[
    "anySimpleType",
    "string",
    "normalizedString",
    "token",
    "language",
    "Name",
    "NCName",
    "ID",
    "IDREF",
    "IDREFS",
    "ENTITY",
    "ENTITIES",
    "NMTOKEN",
    "NMTOKENS",
    "boolean",
    "decimal",
    "integer",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "nonNegativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
    "float",
    "double",
    "duration",
    "dateTime",
    "time",
    "date",
    "gYearMonth",
    "gYear",
    "gMonthDay",
    "gDay",
    "gMonth",
    "hexBinary",
    "base64Binary",
    "anyURI",
    "QName",
    "NOTATION",
];

/// What an `xsi:type` on an element of lax content asks for.
#[derive(Debug)]
pub(super) enum XsiType {
    /// No `xsi:type`.
    Absent,
    /// `xs:anyType`: lax as before.
    Lax,
    /// A built-in simple type: text only, its value not checked.
    Unchecked,
    /// The type of an LHEO element (`X-type`), or its base without attributes (`X-subtype`).
    Element {
        /// The element whose type it is.
        id: ElementId,
        /// `X-subtype`: no attribute allowed.
        subtype: bool,
    },
    /// Not a type of the schema (French, English).
    Invalid(String, String),
}

fn xsi_type_attr(tag: &StartTag) -> Option<&Attribute> {
    tag.attributes
        .iter()
        .find(|a| a.ns == Some(XSI_NS) && a.local() == "type")
}

/// A QName value split in (prefix, local), when well formed.
fn split_qname(v: &str) -> Option<(&str, &str)> {
    let (p, l) = v.split_once(':').unwrap_or(("", v));
    ((p.is_empty() || is_ncname(p)) && is_ncname(l)).then_some((p, l))
}

impl Checker {
    /// Reads `xsi:type` on an undeclared element of lax content.
    pub(super) fn xsi_type(&self, tag: &StartTag, namespaces: &Namespaces) -> XsiType {
        let Some(attr) = xsi_type_attr(tag) else {
            return XsiType::Absent;
        };
        let v = &attr.value;
        let invalid = |why_fr: &str, why_en: &str| {
            XsiType::Invalid(
                format!("xsi:type « {v} » sur « {} » : {why_fr}", tag.qname),
                format!("xsi:type \"{v}\" on \"{}\": {why_en}", tag.qname),
            )
        };
        let Some((prefix, local)) = split_qname(v) else {
            return invalid(
                "ce n'est pas un nom qualifié (QName)",
                "not a qualified name (QName)",
            );
        };
        let Some(ns) = tag.xsi_type_ns else {
            return invalid(
                &format!("préfixe « {prefix} » non déclaré"),
                &format!("prefix \"{prefix}\" is not declared"),
            );
        };
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        if ns.is_some() && ns == lheo_ns {
            if let Some(id) = local.strip_suffix("-type").and_then(schema::element_id) {
                return XsiType::Element { id, subtype: false };
            }
            if let Some(id) = local.strip_suffix("-subtype").and_then(schema::element_id) {
                if id != id::EXTRA {
                    return XsiType::Element { id, subtype: true };
                }
            }
        } else if ns.is_some_and(|n| namespaces.uri(n) == XS_NS_URI) {
            if local == "anyType" {
                return XsiType::Lax;
            }
            if XS_BUILTINS.contains(&local) {
                return XsiType::Unchecked;
            }
        }
        invalid(
            "aucun type du schéma LHEO 2.3 ne porte ce nom",
            "no type of the LHEO 2.3 schema has this name",
        )
    }

    /// On a declared element, `xsi:type` may only name the element's own type.
    pub(super) fn check_own_xsi_type(&mut self, tag: &StartTag, id: ElementId) {
        let Some(attr) = xsi_type_attr(tag) else {
            return;
        };
        let name = schema::element(id).name;
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        let own = split_qname(&attr.value)
            .is_some_and(|(_, local)| local.strip_suffix("-type") == Some(name))
            && tag
                .xsi_type_ns
                .is_some_and(|ns| ns.is_some() && ns == lheo_ns);
        if !own {
            let v = &attr.value;
            self.report(
                Rule::XsdXsi,
                format!("xsi:type « {v} » refusé sur « {name} » : seul son propre type ({name}-type, dans l'espace de noms LHEO) est admis"),
                format!("xsi:type \"{v}\" refused on \"{name}\": only its own type ({name}-type, in the LHEO namespace) is allowed"),
                tag.pos,
            );
        }
    }

    /// Checks the attributes of a strictly validated element (`subtype`: validated by its
    /// `X-subtype`, which has no attribute).
    pub(super) fn check_attributes(&mut self, tag: &StartTag, id: ElementId, subtype: bool) {
        let any = matches!(schema::element(id).content, Content::Any);
        let name = schema::element(id).name;
        for a in &tag.attributes {
            let q = &a.qname;
            match a.ns {
                Some(XSI_NS) => match a.local() {
                    "schemaLocation" | "noNamespaceSchemaLocation" | "type" => {}
                    "nil" => self.report(
                        Rule::XsdXsi,
                        format!("{q} interdit sur « {name} » : aucun élément LHEO n'est annulable (nillable)"),
                        format!("{q} not allowed on \"{name}\": no LHEO element is nillable"),
                        tag.pos,
                    ),
                    _ if any => {}
                    _ => self.unknown_attribute(a, id, tag),
                },
                Some(_) if any => {}
                Some(_) => self.unknown_attribute(a, id, tag),
                None => {
                    let t = if subtype {
                        None
                    } else {
                        schema::attribute_type(id, a.local())
                    };
                    match t {
                        Some(t) => self.check_attribute_value(a, t, id, tag),
                        None if any => {}
                        None => self.unknown_attribute(a, id, tag),
                    }
                }
            }
        }
    }

    fn unknown_attribute(&mut self, a: &Attribute, id: ElementId, tag: &StartTag) {
        let q = &a.qname;
        let name = schema::element(id).name;
        let (fr, en) = if a.ns.is_some() {
            (
                format!("attribut « {q} » non admis sur « {name} » : le schéma LHEO n'admet aucun attribut préfixé (hors xsi:schemaLocation)"),
                format!("attribute \"{q}\" not allowed on \"{name}\": the LHEO schema allows no prefixed attribute (but xsi:schemaLocation)"),
            )
        } else {
            let mut allowed: Vec<&str> = STD_ATTRIBUTES.iter().map(|(n, _)| *n).collect();
            allowed.extend(schema::element(id).extra_attributes);
            let allowed = allowed.join(", ");
            (
                format!("attribut « {q} » non admis sur « {name} » (admis : {allowed})"),
                format!("attribute \"{q}\" not allowed on \"{name}\" (allowed: {allowed})"),
            )
        };
        self.report(Rule::XsdAttributInconnu, fr, en, tag.pos);
    }

    fn check_attribute_value(&mut self, a: &Attribute, t: AttrType, id: ElementId, tag: &StartTag) {
        let name = schema::element(id).name;
        let v = &a.value;
        if t == AttrType::String {
            return;
        }
        let shown = value::excerpt(v);
        let q = &a.qname;
        match t {
            AttrType::String => {}
            AttrType::Id => match types::ncname_trimmed(v) {
                None => self.report(
                    Rule::XsdId,
                    format!("@{q} « {shown} » de « {name} » n'est pas un identifiant XML (NCName : une lettre ou « _ » d'abord, ni espace ni « : »)"),
                    format!("@{q} \"{shown}\" of \"{name}\" is not an XML identifier (NCName: a letter or \"_\" first, no space nor \":\")"),
                    tag.pos,
                ),
                Some(idv) => {
                    let path = self.current_path().to_owned();
                    self.identifier(ids::IdEvent::Id {
                        value: idv.to_owned(),
                        qname: q.to_string(),
                        element: name,
                        pos: tag.pos,
                        path,
                    });
                }
            },
            AttrType::IdRef => match types::ncname_trimmed(v) {
                None => self.report(
                    Rule::XsdId,
                    format!("@{q} « {shown} » de « {name} » n'est pas un identifiant XML (NCName : une lettre ou « _ » d'abord, ni espace ni « : »)"),
                    format!("@{q} \"{shown}\" of \"{name}\" is not an XML identifier (NCName: a letter or \"_\" first, no space nor \":\")"),
                    tag.pos,
                ),
                Some(r) => {
                    // Backward references resolve at once; only forward ones wait.
                    let known = self.id_state.ids.contains_key(r)
                        || self.id_state.other_ids.contains(r);
                    if self.lheo_profile() && !known {
                        let path = self.current_path().to_owned();
                        self.pending_ref(PendingRef {
                            value: r.to_owned(),
                            pos: tag.pos,
                            path,
                            element: name,
                            record: None,
                        });
                    }
                }
            },
            AttrType::DateTime => {
                if !types::is_datetime(v) {
                    let hint = if v.trim_matches(types::is_xml_space) != v.as_str() {
                        (" ; les espaces autour sont refusés", "; surrounding spaces are refused")
                    } else {
                        ("", "")
                    };
                    self.report(
                        Rule::XsdDatetime,
                        format!("@{q} « {shown} » de « {name} » : attendu un horodatage AAAA-MM-JJThh:mm:ss (fraction et fuseau Z ou +01:00 facultatifs), date réelle{}", hint.0),
                        format!("@{q} \"{shown}\" of \"{name}\": expected a timestamp YYYY-MM-DDThh:mm:ss (optional fraction and time zone Z or +01:00), a real date{}", hint.1),
                        tag.pos,
                    );
                }
            }
            AttrType::AnyUri => {
                if !types::is_any_uri(v) {
                    self.report(
                        Rule::XsdUri,
                        format!("@{q} « {shown} » de « {name} » n'est pas une URI valide (échappement % mal formé, « : » ou « # » mal placé, crochets…)"),
                        format!("@{q} \"{shown}\" of \"{name}\" is not a valid URI (malformed % escape, misplaced \":\" or \"#\", brackets…)"),
                        tag.pos,
                    );
                }
            }
        }
    }

    /// Records the `xml:id` of an element; one equal to an `xs:ID` already seen is a duplicate
    /// for libxml2, whose parser registers every `xml:id` as an identifier.
    pub(super) fn note_xml_ids(&mut self, tag: &StartTag) {
        for a in &tag.attributes {
            if a.ns != Some(XML_NS) || a.local() != "id" {
                continue;
            }
            let event = ids::IdEvent::XmlId {
                value: a.value.clone(),
                tag: tag.qname.clone(),
                pos: tag.pos,
                path: self.current_path().to_owned(),
            };
            self.identifier(event);
        }
    }

    /// Profile lheo: remembers the `@id` of an element that is not validated strictly, so that
    /// `@idref` pointing at it is not reported.
    pub(super) fn collect_other_ids(&mut self, tag: &StartTag) {
        if !self.lheo_profile() {
            return;
        }
        for a in &tag.attributes {
            if a.ns.is_none() && a.local() == "id" {
                let v = a.value.trim_matches(types::is_xml_space);
                if !v.is_empty() {
                    self.other_id(v);
                }
            }
        }
    }
}
