//! The reader's own findings: a root that is not LHEO 2.3, an input it cannot decode, the
//! fatal errors of the XML layer, a record too large to build.

use super::Version;
use crate::diagnostic::{Diagnostic, Rule};
use crate::schema::{ElementId, NAMESPACE_2_3};
use crate::xml::decode::DecodeError;
use crate::xml::error::{XmlError, XmlErrorKind};
use crate::xml::limits::Limits;
use crate::xml::position::Position;

/// Why a root is not LHEO 2.x, in words a person understands (French, English).
pub(super) fn not_lheo_2_text(root: &str, uri: Option<&str>) -> (String, String) {
    match uri {
        None => (
            format!("l'élément racine « {root} » n'a pas d'espace de noms : ce n'est pas du LHEO 2.x (attendu xmlns=\"{NAMESPACE_2_3}\")"),
            format!("the root element \"{root}\" has no namespace: this is not LHEO 2.x (expected xmlns=\"{NAMESPACE_2_3}\")"),
        ),
        // An EDOF catalogue, an LHEO 1.x feed: said as every command says it (`crate::input`).
        Some(u) if u.contains("moncompteformation") => {
            let (fr, en) = edof(u);
            (format!("ce document est {fr}"), format!("this document is {en}"))
        }
        Some(u) if u.contains("lheo.org/1.") => {
            let (fr, en) = lheo_1(root, Some(u));
            (format!("ce document est {fr}"), format!("this document is {en}"))
        }
        Some(u) => (
            format!("l'élément racine « {root} » est dans l'espace de noms « {u} », pas dans celui de LHEO 2.x"),
            format!("the root element \"{root}\" is in namespace \"{u}\", not an LHEO 2.x namespace"),
        ),
    }
}

/// An EDOF catalogue (root in the namespace `namespace`), as a noun phrase (French,
/// English): the reader and [`crate::input`] say it alike.
pub(crate) fn edof(namespace: &str) -> (String, String) {
    (
        format!("un catalogue EDOF de la Caisse des Dépôts (Mon Compte Formation, espace de noms « {namespace} ») : ce format n'est pas du LHEO 2.x"),
        format!("a Caisse des Dépôts EDOF catalogue (Mon Compte Formation, namespace \"{namespace}\"): this format is not LHEO 2.x"),
    )
}

/// An LHEO 1.x document (its root, and namespace if any), as a noun phrase (French,
/// English): the reader and [`crate::input`] say it alike.
pub(crate) fn lheo_1(root: &str, namespace: Option<&str>) -> (String, String) {
    let (fr, en) = match namespace {
        Some(ns) => (
            format!("espace de noms « {ns} »"),
            format!("namespace \"{ns}\""),
        ),
        None => (format!("racine « {root} »"), format!("root \"{root}\"")),
    };
    (
        format!("un document LHEO 1.x ({fr}) : cette ancienne version n'est pas lue, demandez à son émetteur un export LHEO 2.x"),
        format!("an LHEO 1.x document ({en}): this old version is not read, ask its sender for an LHEO 2.x export"),
    )
}

/// The finding for a root that is not LHEO 2.x.
pub(super) fn not_lheo_2(root: &str, uri: Option<&str>) -> Diagnostic {
    let (fr, en) = not_lheo_2_text(root, uri);
    Diagnostic::new(Rule::XsdRacine, fr, en)
}

/// The note for a 2.0–2.2 document read as 2.3 (profile `lheo` and above).
pub(super) fn read_as_2_3(v: Version) -> Diagnostic {
    Diagnostic::new(
        Rule::LheoVersion,
        format!("document LHEO {} lu comme LHEO 2.3 (la 2.3 ne fait qu'ajouter des éléments et assouplir des cardinalités)", v.as_str()),
        format!("LHEO {} document read as LHEO 2.3 (2.3 only adds elements and relaxes cardinalities)", v.as_str()),
    )
}

/// The finding for a 2.0–2.2 root under profile `xsd`: the 2.3 XSD does not declare it.
pub(super) fn not_in_the_xsd(v: Version) -> Diagnostic {
    Diagnostic::new(
        Rule::XsdRacine,
        format!("l'élément racine est dans l'espace de noms LHEO {} ; le XSD 2.3 ne le déclare pas (le profil lheo, par défaut, lit ce document comme du 2.3)", v.as_str()),
        format!("the root element is in the LHEO {} namespace, which the 2.3 XSD does not declare (the default lheo profile reads it as 2.3)", v.as_str()),
    )
}

/// The fatal finding for a record with more elements than the limit: its tree would take
/// hundreds of bytes per element (a few bytes of input each).
pub(super) fn record_too_large(record: ElementId, limits: &Limits, pos: Position) -> Diagnostic {
    let name = crate::schema::element(record).name;
    let max = limits.max_record_elements;
    Diagnostic::new(
        Rule::XmlLimite,
        format!("« {name} » de plus de {max} éléments : refusé (limite de sécurité, chaque enregistrement est construit en mémoire)"),
        format!("\"{name}\" with more than {max} elements: refused (safety limit, each record is built in memory)"),
    )
    .at_line(pos.line, pos.column)
}

/// The finding for an input whose encoding cannot be read.
pub fn decode_error(e: DecodeError) -> Diagnostic {
    match e {
        DecodeError::Io(io) => Diagnostic::new(
            Rule::XmlEncodage,
            format!("lecture impossible : {io}"),
            format!("cannot read: {io}"),
        ),
        other => Diagnostic::new(
            Rule::XmlEncodage,
            other.to_string(),
            format!("unsupported encoding: {other}"),
        ),
    }
}

/// The finding for a fatal error of the XML layer.
pub(crate) fn xml_error(e: XmlError) -> Diagnostic {
    let rule = match e.kind {
        XmlErrorKind::Malformed => Rule::XmlMalforme,
        XmlErrorKind::Encoding => Rule::XmlEncodage,
        XmlErrorKind::Dtd => Rule::XmlDtd,
        XmlErrorKind::Limit => Rule::XmlLimite,
    };
    Diagnostic::new(rule, e.fr, e.en).at_line(e.pos.line, e.pos.column)
}
