//! The findings of the event layer, in French and English: the reader's own malformed-XML
//! findings and quick-xml's errors described.

use quick_xml::events::attributes::AttrError;

use super::chars::invalid_char;
use super::{Position, XmlError, XmlErrorKind};

pub(super) fn malformed(pos: Position, fr: impl Into<String>, en: impl Into<String>) -> XmlError {
    XmlError::new(XmlErrorKind::Malformed, pos, fr, en)
}

/// Refuses `text` (read at `pos`) if it has a character XML 1.0 does not allow.
pub(super) fn check_chars(text: &str, pos: Position) -> Result<(), XmlError> {
    match invalid_char(text) {
        Some(c) => Err(malformed(
            pos,
            format!("caractère interdit en XML (U+{:04X})", c as u32),
            format!("character not allowed in XML (U+{:04X})", c as u32),
        )),
        None => Ok(()),
    }
}

/// The finding for an XML declaration (or an `<?xml` processing instruction) at `pos` that is
/// not at the start of the input.
#[cold]
pub(super) fn misplaced_declaration(pos: Position) -> XmlError {
    malformed(
        pos,
        "déclaration XML ailleurs qu'au début du fichier",
        "XML declaration not at the start of the file",
    )
}

/// A French and an English sentence for a parser error.
pub(super) fn describe_parse_error(e: &quick_xml::Error) -> (String, String) {
    match e {
        quick_xml::Error::Syntax(s) => describe_syntax_error(s),
        quick_xml::Error::IllFormed(i) => describe_ill_formed(i),
        quick_xml::Error::InvalidAttr(a) => describe_attribute_error(a),
        other => (
            format!("XML mal formé ({other})"),
            format!("malformed XML: {other}"),
        ),
    }
}

/// A French and an English sentence for two strings.
fn pair(fr: &str, en: &str) -> (String, String) {
    (fr.to_owned(), en.to_owned())
}

/// A French and an English sentence for markup quick-xml could not read.
fn describe_syntax_error(s: &quick_xml::errors::SyntaxError) -> (String, String) {
    use quick_xml::errors::SyntaxError as S;
    match s {
        S::InvalidBangMarkup => pair(
            "balisage « <! » inconnu (attendu un commentaire, une section CDATA ou un DOCTYPE)",
            "unknown \"<!\" markup (expected a comment, a CDATA section or a DOCTYPE)",
        ),
        S::UnclosedPI => pair(
            "instruction de traitement « <? » non fermée",
            "unclosed processing instruction \"<?\"",
        ),
        S::UnclosedXmlDecl => pair("déclaration XML non fermée", "unclosed XML declaration"),
        S::UnclosedComment => pair(
            "commentaire « <!-- » non fermé",
            "unclosed comment \"<!--\"",
        ),
        S::UnclosedDoctype => pair("DOCTYPE non fermé", "unclosed DOCTYPE"),
        S::UnclosedCData => pair("section CDATA non fermée", "unclosed CDATA section"),
        S::UnclosedTag => pair(
            "balise non fermée (« > » manquant : fichier tronqué ?)",
            "unclosed tag (missing \">\": truncated file?)",
        ),
        S::UnclosedSingleQuotedAttributeValue | S::UnclosedDoubleQuotedAttributeValue => pair(
            "valeur d'attribut non fermée (guillemet manquant)",
            "unclosed attribute value (missing quote)",
        ),
    }
}

/// A French and an English sentence for end tag `found` while `expected` is open.
pub(super) fn mismatched_end_tag(found: &str, expected: &str) -> (String, String) {
    (
        format!("balise fermante « </{found}> » alors que « <{expected}> » est ouvert"),
        format!("end tag \"</{found}>\" while \"<{expected}>\" is open"),
    )
}

/// A French and an English sentence for end tag `name` while no element is open.
pub(super) fn unmatched_end_tag(name: &str) -> (String, String) {
    (
        format!("balise fermante « </{name}> » sans balise ouvrante"),
        format!("end tag \"</{name}>\" without a start tag"),
    )
}

/// A French and an English sentence for markup quick-xml read but XML does not allow.
fn describe_ill_formed(i: &quick_xml::errors::IllFormedError) -> (String, String) {
    use quick_xml::errors::IllFormedError as I;
    match i {
        I::MismatchedEndTag { expected, found } => mismatched_end_tag(found, expected),
        I::UnmatchedEndTag(name) => unmatched_end_tag(name),
        I::MissingEndTag(name) => (
            format!("l'élément « {name} » n'est pas fermé"),
            format!("element \"{name}\" is not closed"),
        ),
        I::DoubleHyphenInComment => pair(
            "« -- » interdit dans un commentaire",
            "\"--\" not allowed in a comment",
        ),
        I::UnclosedReference => pair(
            "« & » isolé : écrire &amp; (ou une référence complète comme &lt;)",
            "lone \"&\": write &amp; (or a complete reference like &lt;)",
        ),
        I::MissingDeclVersion(_) | I::UnknownVersion => pair(
            "déclaration XML sans version 1.x",
            "XML declaration without a 1.x version",
        ),
        I::MissingDoctypeName => pair("DOCTYPE sans nom", "DOCTYPE without a name"),
    }
}

/// A French and an English sentence for a malformed attribute.
fn describe_attribute_error(a: &AttrError) -> (String, String) {
    match a {
        AttrError::ExpectedEq(_) => pair("attribut sans « = »", "attribute without \"=\""),
        AttrError::ExpectedValue(_) | AttrError::UnquotedValue(_) => pair(
            "valeur d'attribut manquante ou sans guillemets",
            "attribute value missing or unquoted",
        ),
        AttrError::Duplicated(..) => pair("attribut en double", "duplicate attribute"),
        AttrError::ExpectedQuote(..) => pair(
            "valeur d'attribut non fermée (guillemet manquant)",
            "unclosed attribute value (missing quote)",
        ),
    }
}

/// The finding for attribute `key` written twice in one start tag (at `pos`).
pub(super) fn duplicate(key: &str, pos: Position) -> XmlError {
    malformed(
        pos,
        format!("attribut « {key} » en double"),
        format!("duplicate attribute \"{key}\""),
    )
}

/// The finding for a malformed attribute of a start tag at `pos` (duplicates are the reader's
/// own finding: [`duplicate`]).
pub(super) fn attribute_error(e: AttrError, pos: Position) -> XmlError {
    let (fr, en) = describe_parse_error(&quick_xml::Error::InvalidAttr(e));
    malformed(pos, fr, en)
}
