//! Structural checking equal to the official XSD (profile `xsd`), plus the element-level rules
//! of the LHEO specification (profile `lheo`), on the event stream.
//!
//! PLACEHOLDER: the full checker replaces this module.

use crate::diagnostic::Diagnostic;
use crate::reader::events::{Namespaces, NsId, Position, StartTag};
use crate::rules::Profile;

/// How the document's namespaces are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The namespace treated as LHEO 2.3 (the root's, when it is an LHEO 2.x namespace).
    pub lheo_ns: Option<NsId>,
    /// `true` when the root is in the 2.3 namespace itself (not 2.0–2.2 read as 2.3).
    pub is_2_3: bool,
}

/// The structural checker: feed it every event, collect diagnostics.
pub struct Checker {
    profile: Profile,
    doc: Option<DocumentInfo>,
    diagnostics: Vec<Diagnostic>,
    path: String,
}

impl Checker {
    /// A checker for `profile`.
    pub fn new(profile: Profile) -> Self {
        Checker {
            profile,
            doc: None,
            diagnostics: Vec::new(),
            path: String::new(),
        }
    }

    /// Tells how to read namespaces; called once, before the root's [`Checker::start`].
    pub fn set_document(&mut self, info: DocumentInfo) {
        self.doc = Some(info);
    }

    /// A start tag; `namespaces` reads its namespace ids.
    pub fn start(&mut self, tag: &StartTag, namespaces: &Namespaces) {
        let _ = (tag, namespaces, self.profile);
    }

    /// Character data inside the current element.
    pub fn text(&mut self, text: &str, cdata: bool, pos: Position) {
        let _ = (text, cdata, pos);
    }

    /// The end of the current element.
    pub fn end(&mut self, pos: Position) {
        let _ = pos;
    }

    /// The end of the document: document-level checks (e.g. `@idref` targets).
    pub fn finish(&mut self) {}

    /// Takes the diagnostics found so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The number of errors found so far.
    pub fn error_count(&self) -> usize {
        0
    }

    /// Path of the innermost open element, e.g. `/lheo/offres/formation[2]`.
    pub fn path(&self) -> &str {
        &self.path
    }
}
