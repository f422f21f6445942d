//! Why the XML layer stopped: a fatal error, with its position and a message in French and
//! English. The layers above turn it into a finding with a stable code.

use std::fmt;

use super::position::Position;

/// What kind of fatal error the XML layer met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum XmlErrorKind {
    /// Not well-formed XML.
    Malformed,
    /// Bytes that are not valid in the document's encoding, or an unsupported encoding.
    Encoding,
    /// A DTD that declares entities (refused: no entity is ever resolved).
    Dtd,
    /// A safety limit was exceeded (nesting depth, size of a tag or a text).
    Limit,
}

/// A fatal error of the XML layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// What kind of error.
    pub kind: XmlErrorKind,
    /// Where (1-based line and column).
    pub pos: Position,
    /// What is wrong, in French.
    pub fr: String,
    /// What is wrong, in English.
    pub en: String,
}

impl XmlError {
    /// An error of `kind` at `pos`.
    pub fn new(
        kind: XmlErrorKind,
        pos: Position,
        fr: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        XmlError {
            kind,
            pos,
            fr: fr.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.fr)
    }
}

impl std::error::Error for XmlError {}
