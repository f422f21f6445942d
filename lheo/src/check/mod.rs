//! Structural checking equal to the official XSD (profile `xsd`), plus the element-level rules
//! of the LHEO specification (profile `lheo`), on the event stream.
//!
//! The [`Checker`] follows XSD 1.0 as libxml2 applies it, so that its verdict is the one of
//! `xmllint --schema lheo-2.3.xsd`:
//! - any global element of the LHEO namespace may be the validation root;
//! - sequences are matched greedily; after an unexpected child its subtree is
//!   skipped, and matching goes on with the next siblings so that every finding is reported;
//! - element-only content refuses non-blank text and any CDATA section; simple content
//!   refuses child elements; values are checked by their built-in type and facets ([`types`]);
//! - attributes are typed (`xs:ID` unique in the document, `xs:IDREF`, `xs:dateTime`,
//!   `xs:anyURI`), `xsi:nil` is refused (nothing is nillable) and `xsi:type` may only name the
//!   element's own type;
//! - the content of `extra` is lax: LHEO elements that have a global declaration are validated
//!   strictly, anything else is accepted with its attributes and walked through.
//!
//! Lines are the ones libxml2 names: an element's start tag (the line of its `>`), the parent's
//! start tag for required children missing at its end.
//!
//! ```
//! use lheo::check::{Checker, DocumentInfo};
//! use lheo::rules::Profile;
//!
//! let checker = Checker::new(Profile::Xsd);
//! assert_eq!(checker.error_count(), 0);
//! assert_eq!(checker.path(), "");
//! ```

mod attrs;
mod children;
mod content;
mod lheo;
pub mod types;
mod uri;
mod value;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Date;
use crate::reader::events::{Namespaces, NsId, Position, StartTag, XML_NS, XSI_NS};
use crate::rules::Profile;
use crate::schema::{self, id, Content, ElementId};
use content::SeqState;

/// Every code the checker emits (all in the [rule catalogue](crate::rules::catalogue)).
pub const CODES: &[&str] = &[
    "XSD-RACINE",
    "XSD-ELEMENT-INCONNU",
    "XSD-ELEMENT-INATTENDU",
    "XSD-ELEMENT-MANQUANT",
    "XSD-TEXTE-INTERDIT",
    "XSD-CONTENU-SIMPLE",
    "XSD-ATTRIBUT-INCONNU",
    "XSD-LONGUEUR",
    "XSD-MOTIF",
    "XSD-CODE",
    "XSD-ENTIER",
    "XSD-DATETIME",
    "XSD-URI",
    "XSD-ID",
    "XSD-ID-DOUBLON",
    "XSD-XSI",
    "LHEO-RACINE",
    "LHEO-DATE",
    "LHEO-PERIODE",
    "LHEO-HEURE",
    "LHEO-BORNES",
    "LHEO-IDREF",
    "LHEO-SIRET",
];

/// How the document's namespaces are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The namespace treated as LHEO 2.3 (the root's, when it is an LHEO 2.x namespace).
    pub lheo_ns: Option<NsId>,
    /// `true` when the root is in the 2.3 namespace itself (not 2.0–2.2 read as 2.3).
    pub is_2_3: bool,
}

/// How an open element is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Validated against a declaration.
    Strict(ElementId),
    /// Lax content (`extra` and undeclared elements inside it): anything goes, declared LHEO
    /// children are validated strictly.
    Lax,
    /// Not checked (unexpected element, child of simple content, non-LHEO document).
    Skip,
    /// Free content given a built-in simple type by `xsi:type` (e.g. `xs:string`): text,
    /// no child element (the value itself is not checked).
    Text,
}

/// An open element. Frames are reused from one element to the next (no allocation per event).
#[derive(Debug)]
struct Frame {
    mode: Mode,
    /// Length of the path before this element's segment.
    path_len: usize,
    /// Position of the start tag.
    pos: Position,
    /// Occurrences per particle (or choice alternative), for path indexes.
    seen: Vec<u32>,
    /// Occurrences of children not in the content model, by name, for path indexes.
    named: Vec<(String, u32)>,
    /// Matching state of a sequence or choice.
    seq: SeqState,
    /// An error about the children of this element was reported.
    content_error: bool,
    /// Text was reported as not allowed here.
    text_reported: bool,
    /// Profile lheo: `debut` and `fin` of a `periode`, when valid.
    dates: [Option<Date>; 2],
}

impl Frame {
    fn new() -> Self {
        Frame {
            mode: Mode::Skip,
            path_len: 0,
            pos: Position::default(),
            seen: Vec::new(),
            named: Vec::new(),
            seq: SeqState::default(),
            content_error: false,
            text_reported: false,
            dates: [None; 2],
        }
    }

    fn reset(&mut self, mode: Mode, path_len: usize, pos: Position) {
        self.mode = mode;
        self.path_len = path_len;
        self.pos = pos;
        self.seen.clear();
        if let Mode::Strict(id) = mode {
            let n = match schema::element(id).content {
                Content::Sequence(p) => p.len(),
                Content::Choice { children, .. } => children.len(),
                _ => 0,
            };
            self.seen.resize(n, 0);
        }
        self.named.clear();
        self.seq = SeqState::default();
        self.content_error = false;
        self.text_reported = false;
        self.dates = [None; 2];
    }

    /// Counts a child named `local` that is not in the content model; returns its index.
    fn count_named(&mut self, local: &str) -> u32 {
        if let Some((_, n)) = self.named.iter_mut().find(|(name, _)| name == local) {
            *n += 1;
            return *n;
        }
        self.named.push((local.to_owned(), 1));
        1
    }
}

/// An `@idref` waiting for the end of the document (profile lheo).
#[derive(Debug)]
struct PendingRef {
    value: String,
    pos: Position,
    path: String,
    element: &'static str,
}

/// The structural checker: feed it every event, collect diagnostics.
pub struct Checker {
    profile: Profile,
    doc: Option<DocumentInfo>,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    path: String,
    frames: Vec<Frame>,
    depth: usize,
    /// Text of the innermost element of simple content.
    text: String,
    /// Scratch buffer (collapsed values).
    scratch: String,
    /// `xs:ID` values of strictly validated elements, with the line of their element.
    ids: HashMap<String, u32>,
    /// `xml:id` values: libxml2's parser registers them as IDs before validation, so an
    /// `xs:ID` equal to one is a duplicate (they are only allowed in lax content).
    xml_ids: HashSet<String>,
    /// Profile lheo: `@id` values of other elements (lax or skipped).
    other_ids: HashSet<String>,
    /// Profile lheo: `@idref` values to resolve at the end.
    idrefs: Vec<PendingRef>,
}

impl Checker {
    /// A checker for `profile`.
    pub fn new(profile: Profile) -> Self {
        Checker {
            profile,
            doc: None,
            diagnostics: Vec::new(),
            errors: 0,
            path: String::new(),
            frames: Vec::new(),
            depth: 0,
            text: String::new(),
            scratch: String::new(),
            ids: HashMap::new(),
            xml_ids: HashSet::new(),
            other_ids: HashSet::new(),
            idrefs: Vec::new(),
        }
    }

    /// Tells how to read namespaces; called once, before the root's [`Checker::start`].
    pub fn set_document(&mut self, info: DocumentInfo) {
        self.doc = Some(info);
    }

    fn lheo_profile(&self) -> bool {
        self.profile.includes(Profile::Lheo)
    }

    /// Records a finding at `pos` with the current path.
    fn report(&mut self, code: &'static str, fr: String, en: String, pos: Position) {
        let d = Diagnostic::new(code, fr, en)
            .at_line(pos.line, pos.column)
            .with_path(self.path.as_str());
        if d.severity == Severity::Error {
            self.errors += 1;
        }
        self.diagnostics.push(d);
    }

    /// Opens a frame and appends the element's path segment.
    fn open(&mut self, mode: Mode, local: &str, index: Option<u32>, pos: Position) {
        let path_len = self.path.len();
        self.path.push('/');
        self.path.push_str(local);
        if let Some(n) = index {
            let _ = write!(self.path, "[{n}]");
        }
        if self.depth == self.frames.len() {
            self.frames.push(Frame::new());
        }
        self.frames[self.depth].reset(mode, path_len, pos);
        self.depth += 1;
    }

    /// A start tag; `namespaces` reads its namespace ids.
    pub fn start(&mut self, tag: &StartTag, namespaces: &Namespaces) {
        self.dispatch_start(tag, namespaces);
        if self.doc.is_some_and(|d| d.lheo_ns.is_some())
            && tag.attributes.iter().any(|a| a.ns == Some(XML_NS))
        {
            self.note_xml_ids(tag);
        }
    }

    fn dispatch_start(&mut self, tag: &StartTag, namespaces: &Namespaces) {
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        let declared = match lheo_ns {
            Some(ns) if tag.ns == Some(ns) => schema::element_id(&tag.local),
            _ => None,
        };
        if self.depth == 0 {
            self.start_root(tag, declared, lheo_ns);
            self.check_root_namespace(tag, namespaces);
            return;
        }
        let parent = self.depth - 1;
        let mode = self.frames[parent].mode;
        match mode {
            Mode::Skip => {
                let n = self.frames[parent].count_named(&tag.local);
                self.open(Mode::Skip, &tag.local, Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            Mode::Lax => self.start_lax(tag, declared, namespaces),
            Mode::Text => {
                let frame = &mut self.frames[parent];
                let n = frame.count_named(&tag.local);
                let first = !frame.content_error;
                frame.content_error = true;
                if first {
                    let at = frame.pos;
                    let q = &tag.qname;
                    self.report(
                        "XSD-CONTENU-SIMPLE",
                        format!("élément « {q} » interdit ici : son parent a un type simple (xsi:type)"),
                        format!("element \"{q}\" not allowed here: its parent has a simple type (xsi:type)"),
                        at,
                    );
                }
                self.open(Mode::Skip, &tag.local, Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            Mode::Strict(pid) => match schema::element(pid).content {
                Content::Simple(_) => {
                    let frame = &mut self.frames[parent];
                    let n = frame.count_named(&tag.local);
                    let first = !frame.content_error;
                    frame.content_error = true;
                    if first {
                        // libxml2 names the element of simple content, not the child.
                        let at = frame.pos;
                        let p = schema::element(pid).name;
                        let q = &tag.qname;
                        self.report(
                            "XSD-CONTENU-SIMPLE",
                            format!("élément « {q} » interdit dans « {p} », qui ne contient que du texte"),
                            format!("element \"{q}\" not allowed in \"{p}\", which holds text only"),
                            at,
                        );
                    }
                    self.open(Mode::Skip, &tag.local, Some(n), tag.pos);
                    self.collect_other_ids(tag);
                }
                Content::Any => self.start_lax(tag, declared, namespaces),
                Content::Sequence(particles) => {
                    self.start_in_sequence(tag, declared, pid, particles)
                }
                Content::Choice {
                    max,
                    children: alts,
                    ..
                } => self.start_in_choice(tag, declared, max, alts),
            },
        }
    }

    /// Profile xsd: a root read as 2.3 whose namespace is not exactly the XSD's target
    /// namespace (`https://…`, a trailing `/`) is not declared for a validator.
    fn check_root_namespace(&mut self, tag: &StartTag, namespaces: &Namespaces) {
        let Some(doc) = self.doc else { return };
        let (Some(ns), true) = (doc.lheo_ns, doc.is_2_3) else {
            return;
        };
        let uri = namespaces.uri(ns);
        if self.profile == Profile::Xsd && uri != schema::NAMESPACE_2_3 {
            let ns23 = schema::NAMESPACE_2_3;
            self.report(
                "XSD-RACINE",
                format!("espace de noms « {uri} » : le XSD LHEO 2.3 déclare exactement « {ns23} » (le profil lheo lit ce document comme du 2.3)"),
                format!("namespace \"{uri}\": the LHEO 2.3 XSD declares exactly \"{ns23}\" (the lheo profile reads this document as 2.3)"),
                tag.pos,
            );
        }
    }

    fn start_root(&mut self, tag: &StartTag, declared: Option<ElementId>, lheo_ns: Option<NsId>) {
        match (lheo_ns, declared) {
            (None, _) => self.open(Mode::Skip, &tag.local, None, tag.pos),
            (Some(_), None) => {
                self.open(Mode::Skip, &tag.local, None, tag.pos);
                let r = &tag.local;
                self.report(
                    "XSD-RACINE",
                    format!("élément racine « {r} » inconnu : le XSD LHEO 2.3 ne le déclare pas (attendu lheo, lheo-index ou lheo-plus)"),
                    format!("root element \"{r}\" is unknown: the LHEO 2.3 XSD does not declare it (expected lheo, lheo-index or lheo-plus)"),
                    tag.pos,
                );
            }
            (Some(_), Some(id)) => {
                self.open(Mode::Strict(id), &tag.local, None, tag.pos);
                if self.lheo_profile() && !schema::document_roots().contains(&id) {
                    let r = &tag.local;
                    self.report(
                        "LHEO-RACINE",
                        format!("racine « {r} » : un document LHEO a pour racine lheo, lheo-index ou lheo-plus (le XSD admet tout élément déclaré)"),
                        format!("root \"{r}\": an LHEO document's root is lheo, lheo-index or lheo-plus (the XSD accepts any declared element)"),
                        tag.pos,
                    );
                }
                self.check_declared_start(tag, id);
            }
        }
    }

    /// A child of lax content (`extra`, or an undeclared element inside it).
    fn start_lax(&mut self, tag: &StartTag, declared: Option<ElementId>, namespaces: &Namespaces) {
        let parent = self.depth - 1;
        let n = self.frames[parent].count_named(&tag.local);
        if let Some(id) = declared {
            self.open(Mode::Strict(id), &tag.local, Some(n), tag.pos);
            self.check_declared_start(tag, id);
            return;
        }
        match self.xsi_type(tag, namespaces) {
            attrs::XsiType::Absent | attrs::XsiType::Lax => {
                self.open(Mode::Lax, &tag.local, Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            attrs::XsiType::Unchecked => {
                self.open(Mode::Text, &tag.local, Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            attrs::XsiType::Element { id, subtype } => {
                self.open(Mode::Strict(id), &tag.local, Some(n), tag.pos);
                self.check_attributes(tag, id, subtype);
            }
            attrs::XsiType::Invalid(fr, en) => {
                self.open(Mode::Skip, &tag.local, Some(n), tag.pos);
                self.report("XSD-XSI", fr, en, tag.pos);
                self.collect_other_ids(tag);
            }
        }
    }

    /// Opens a strictly validated element: checks `xsi:type` and its attributes.
    fn check_declared_start(&mut self, tag: &StartTag, id: ElementId) {
        if tag
            .attributes
            .iter()
            .any(|a| a.ns == Some(XSI_NS) && a.local == "type")
        {
            self.check_own_xsi_type(tag, id);
        }
        self.check_attributes(tag, id, false);
    }

    /// Character data inside the current element.
    pub fn text(&mut self, text: &str, cdata: bool, pos: Position) {
        let Some(top) = self.depth.checked_sub(1) else {
            return;
        };
        let Mode::Strict(id) = self.frames[top].mode else {
            return;
        };
        match schema::element(id).content {
            Content::Simple(_) => self.text.push_str(text),
            Content::Any => {}
            Content::Sequence(_) | Content::Choice { .. } => {
                let frame = &mut self.frames[top];
                if frame.text_reported || (!cdata && types::is_blank(text)) {
                    return;
                }
                frame.text_reported = true;
                let at = if frame.content_error { pos } else { frame.pos };
                let name = schema::element(id).name;
                let (fr, en) = if cdata && types::is_blank(text) {
                    (
                        format!("section CDATA interdite dans « {name} », qui ne contient que des éléments (même blanche, le schéma la refuse)"),
                        format!("CDATA section not allowed in \"{name}\", which holds elements only (even blank, the schema refuses it)"),
                    )
                } else {
                    let shown = value::excerpt(text.trim_matches(types::is_xml_space));
                    (
                        format!("texte « {shown} » interdit dans « {name} », qui ne contient que des éléments"),
                        format!("text \"{shown}\" not allowed in \"{name}\", which holds elements only"),
                    )
                };
                self.report("XSD-TEXTE-INTERDIT", fr, en, at);
            }
        }
    }

    /// The end of the current element.
    pub fn end(&mut self, pos: Position) {
        let Some(top) = self.depth.checked_sub(1) else {
            return;
        };
        if let Mode::Strict(id) = self.frames[top].mode {
            match schema::element(id).content {
                Content::Simple(st) => {
                    if !self.frames[top].content_error {
                        let text = std::mem::take(&mut self.text);
                        self.check_value(id, st, &text, top);
                        self.text = text;
                    }
                    self.text.clear();
                }
                Content::Sequence(particles) => self.check_end_of_sequence(top, id, particles, pos),
                _ => {}
            }
            if id == id::PERIODE && self.lheo_profile() {
                let frame = &self.frames[top];
                let (at, dates) = (frame.pos, frame.dates);
                self.check_periode(dates, at);
            }
        }
        self.depth = top;
        let len = self.frames[top].path_len;
        self.path.truncate(len);
    }

    /// The end of the document: document-level checks (e.g. `@idref` targets).
    pub fn finish(&mut self) {
        if !self.lheo_profile() {
            return;
        }
        let pending = std::mem::take(&mut self.idrefs);
        for r in pending {
            if self.ids.contains_key(&r.value) || self.other_ids.contains(&r.value) {
                continue;
            }
            let d = Diagnostic::new(
                "LHEO-IDREF",
                format!(
                    "@idref « {} » de « {} » ne désigne aucun @id du document",
                    r.value, r.element
                ),
                format!(
                    "@idref \"{}\" of \"{}\" points at no @id of the document",
                    r.value, r.element
                ),
            )
            .at_line(r.pos.line, r.pos.column)
            .with_path(r.path);
            if d.severity == Severity::Error {
                self.errors += 1;
            }
            self.diagnostics.push(d);
        }
    }

    /// Takes the diagnostics found so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The number of errors found so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Path of the innermost open element, e.g. `/lheo/offres/formation[2]`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests;
