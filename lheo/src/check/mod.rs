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
//! use lheo::internal::Checker;
//! use lheo::rules::Profile;
//!
//! let mut checker = Checker::new(Profile::Xsd);
//! assert_eq!(checker.error_count(), 0);
//! assert_eq!(checker.path(), "");
//! ```

mod attrs;
mod children;
mod content;
pub mod ids;
mod lheo;
pub(crate) mod records;
pub mod types;
mod uri;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::diagnostic::Profile;
use crate::diagnostic::Rule;
use crate::diagnostic::{Counts, Diagnostic, Severity};
use crate::model::Date;
use crate::schema::{self, id, Content, ElementId};
use crate::xml::events::{Namespaces, NsId, Position, StartTag, XML_NS, XSI_NS};
use content::SeqState;

/// The LHEO declaration of `tag`'s element in a document whose LHEO namespace is `lheo_ns`:
/// `None` for an element outside it, or one LHEO does not declare.
pub(crate) fn declared(tag: &StartTag, lheo_ns: Option<NsId>) -> Option<ElementId> {
    match lheo_ns {
        Some(ns) if tag.ns == Some(ns) => schema::element_id(tag.local()),
        _ => None,
    }
}

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

/// The name of an element being opened, for its path segment.
#[derive(Debug, Clone, Copy)]
enum Name<'a> {
    /// The name of this declaration (the element was declared by its name).
    Declared(ElementId),
    /// This local name.
    Local(&'a str),
}

/// An open element. Frames are reused from one element to the next (no allocation per event).
#[derive(Debug, Clone, PartialEq)]
struct Frame {
    mode: Mode,
    /// The element's path segment, written into [`Checker::path`] only when a finding needs
    /// it: the declaration whose name the element has, or else `name`.
    declared_name: Option<ElementId>,
    /// The element's name (cut at [`MAX_PATH_SEGMENT`] bytes) when `declared_name` is `None`,
    /// else empty.
    name: String,
    /// The index shown after the name in the path (`action[2]`).
    index: Option<u32>,
    /// Position of the start tag.
    pos: Position,
    /// Occurrences per particle (or choice alternative), for path indexes.
    seen: Vec<u32>,
    /// Occurrences of children not in the content model, by name, for path indexes.
    named: Vec<(String, u32)>,
    /// Index of `named` by name, once it is longer than [`SCANNED_NAMES`] (free content with
    /// thousands of distinct child names must not make checking quadratic).
    named_index: HashMap<String, usize>,
    /// Matching state of a sequence or choice.
    seq: SeqState,
    /// An error about the children of this element was reported.
    content_error: bool,
    /// Content-model findings held until the element ends (no cascades).
    held: children::Held,
    /// The element's findings are held (see [`children`]).
    provisional: bool,
    /// Text was reported as not allowed here.
    text_reported: bool,
    /// Profile lheo: `debut` and `fin` of a `periode`, when valid.
    dates: [Option<Date>; 2],
}

impl Frame {
    fn new() -> Self {
        Frame {
            mode: Mode::Skip,
            declared_name: None,
            name: String::new(),
            index: None,
            pos: Position::default(),
            seen: Vec::new(),
            named: Vec::new(),
            named_index: HashMap::new(),
            seq: SeqState::default(),
            content_error: false,
            held: children::Held::default(),
            provisional: false,
            text_reported: false,
            dates: [None; 2],
        }
    }

    fn reset(&mut self, mode: Mode, name: Name<'_>, index: Option<u32>, pos: Position) {
        self.mode = mode;
        self.name.clear();
        match name {
            Name::Declared(id) => self.declared_name = Some(id),
            Name::Local(local) => {
                self.declared_name = None;
                if local.len() <= MAX_PATH_SEGMENT {
                    self.name.push_str(local);
                } else {
                    let mut cut = MAX_PATH_SEGMENT;
                    while !local.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    self.name.push_str(&local[..cut]);
                    self.name.push('…');
                }
            }
        }
        self.index = index;
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
        self.named_index.clear();
        self.seq = SeqState::default();
        self.content_error = false;
        self.held.clear();
        self.provisional = false;
        self.text_reported = false;
        self.dates = [None; 2];
    }

    /// Counts a child named `local` that is not in the content model; returns its index.
    fn count_named(&mut self, local: &str) -> u32 {
        let found = if self.named.len() <= SCANNED_NAMES {
            self.named.iter().position(|(name, _)| name == local)
        } else {
            if self.named_index.is_empty() {
                for (i, (name, _)) in self.named.iter().enumerate() {
                    self.named_index.insert(name.clone(), i);
                }
            }
            let found = self.named_index.get(local).copied();
            if found.is_none() {
                self.named_index.insert(local.to_owned(), self.named.len());
            }
            found
        };
        if let Some((_, n)) = found.and_then(|i| self.named.get_mut(i)) {
            *n += 1;
            return *n;
        }
        self.named.push((local.to_owned(), 1));
        1
    }
}

/// Appends a segment to a path: `/` unless it is the first, the element's name, and `[n]`
/// when its index is shown (`action[2]`, `periode`).
pub(crate) fn push_segment(path: &mut String, name: &str, index: Option<usize>) {
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(name);
    if let Some(n) = index {
        push_index(path, u32::try_from(n).unwrap_or(u32::MAX));
    }
}

/// Appends a child's segment to an absolute path: `/`, its name, and `[n]` when its index is
/// shown.
fn push_child(path: &mut String, name: &str, index: Option<u32>) {
    path.push('/');
    path.push_str(name);
    if let Some(n) = index {
        push_index(path, n);
    }
}

/// Appends `[n]` to a path (without the formatting machinery).
#[inline]
fn push_index(path: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    path.push('[');
    for &d in &digits[i..] {
        path.push(char::from(d));
    }
    path.push(']');
}

/// Distinct child names of one element searched one by one; past this, an index.
const SCANNED_NAMES: usize = 16;

/// Bytes of an element name kept in a path segment; longer names are cut (with `…`).
const MAX_PATH_SEGMENT: usize = 128;
/// Length past which deeper path segments are written `…`: paths are copied into diagnostics
/// and pending references, and hostile nesting of long names must not multiply memory.
const MAX_PATH: usize = 1024;

/// Keeps at most a number of diagnostics; the others are counted by severity and summed up in
/// one last diagnostic (`XML-LIMITE`, of the highest severity left out, so the verdict does
/// not change). Without it, hostile input (a tag with a million unknown attributes, a million
/// unknown elements) turns each few bytes of input into a few hundred bytes of findings.
#[derive(Debug, Clone)]
pub struct DiagnosticBudget {
    max: usize,
    kept: usize,
    omitted: Counts,
    summarized: bool,
}

impl DiagnosticBudget {
    /// A budget of `max` diagnostics.
    pub fn new(max: usize) -> Self {
        DiagnosticBudget {
            max,
            kept: 0,
            omitted: Counts::default(),
            summarized: false,
        }
    }

    /// Whether to keep one more diagnostic of `severity` (if not, it is counted).
    pub fn admit(&mut self, severity: Severity) -> bool {
        if self.kept < self.max {
            self.kept += 1;
            return true;
        }
        self.omitted.add(severity);
        false
    }

    /// Counts diagnostics left out elsewhere (by a budget of part of the same document).
    pub fn omit(&mut self, omitted: Counts) {
        self.omitted.error += omitted.error;
        self.omitted.warning += omitted.warning;
        self.omitted.info += omitted.info;
    }

    /// The diagnostics left out so far, by severity.
    pub fn omitted(&self) -> Counts {
        self.omitted
    }

    /// The diagnostic that sums up the ones not kept; `None` if all were kept (or if it was
    /// already given).
    pub fn summary(&mut self) -> Option<Diagnostic> {
        let o = self.omitted;
        let total = o.error + o.warning + o.info;
        if total == 0 || self.summarized {
            return None;
        }
        self.summarized = true;
        let max = self.max;
        let mut d = Diagnostic::new(
            Rule::XmlLimite,
            format!(
                "plus de {max} constats : les {total} suivants ne sont pas détaillés ({} erreurs, {} avertissements, {} infos)",
                o.error, o.warning, o.info
            ),
            format!(
                "more than {max} findings: the next {total} are not detailed ({} errors, {} warnings, {} infos)",
                o.error, o.warning, o.info
            ),
        );
        d.severity = if o.error > 0 {
            Severity::Error
        } else if o.warning > 0 {
            Severity::Warning
        } else {
            Severity::Info
        };
        Some(d)
    }
}

/// An `@idref` waiting for the end of the document (profile lheo).
#[derive(Debug, Clone, PartialEq)]
struct PendingRef {
    value: String,
    pos: Position,
    path: String,
    element: &'static str,
    /// The record the reference is in (see [`records`]).
    record: Option<std::sync::Arc<crate::diagnostic::RecordRef>>,
}

/// The structural checker: feed it every event, collect diagnostics.
#[derive(Debug, Clone)]
pub struct Checker {
    profile: Profile,
    doc: Option<DocumentInfo>,
    diagnostics: Vec<Diagnostic>,
    /// How many diagnostics are kept.
    budget: DiagnosticBudget,
    errors: usize,
    /// The path of the open elements, as far as a finding needed it: the segments of the
    /// first `path_depth` frames (see [`Checker::current_path`]).
    path: String,
    /// How many open elements `path` holds the segments of.
    path_depth: usize,
    /// The length of `path` before the segment of each of its elements.
    path_lens: Vec<usize>,
    frames: Vec<Frame>,
    depth: usize,
    /// Text of the innermost element of simple content.
    text: String,
    /// Scratch buffer (collapsed values).
    scratch: String,
    /// Identifiers seen so far.
    id_state: ids::IdState,
    /// When reading part of a document: identifiers deferred (see [`ids`]).
    deferred: Option<ids::IdLog>,
    /// Findings held inside open elements that may be set aside (see [`children`]).
    provisional: Vec<Vec<Diagnostic>>,
}

impl Checker {
    /// A checker for `profile`.
    pub fn new(profile: Profile) -> Self {
        Checker::with_max_diagnostics(
            profile,
            crate::xml::limits::Limits::default().max_diagnostics,
        )
    }

    /// The profile checked.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// A checker for `profile` that keeps at most `max` diagnostics (see
    /// [`DiagnosticBudget`]; [`Checker::error_count`] still counts every error).
    pub fn with_max_diagnostics(profile: Profile, max: usize) -> Self {
        Checker {
            profile,
            doc: None,
            diagnostics: Vec::new(),
            budget: DiagnosticBudget::new(max),
            errors: 0,
            path: String::new(),
            path_depth: 0,
            path_lens: Vec::new(),
            frames: Vec::new(),
            depth: 0,
            text: String::new(),
            scratch: String::new(),
            id_state: ids::IdState::default(),
            deferred: None,
            provisional: Vec::new(),
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
    fn report(&mut self, rule: Rule, fr: String, en: String, pos: Position) {
        let d = Diagnostic::new(rule, fr, en)
            .at_line(pos.line, pos.column)
            .with_path(self.current_path());
        self.keep(d);
    }

    /// Counts a finding, and keeps it within the budget.
    fn keep(&mut self, d: Diagnostic) {
        // Identifiers are facts about the whole document (and read in order by worker
        // threads): their findings are never held with an element's.
        let held = (d.rule != Rule::XsdIdDoublon)
            .then_some(())
            .and_then(|()| self.provisional.last_mut());
        if let Some(held) = held {
            held.push(d);
            if held.len() > children::MAX_HELD {
                self.flush_held();
            }
            return;
        }
        if d.severity == Severity::Error {
            self.errors += 1;
        }
        if self.budget.admit(d.severity) {
            self.diagnostics.push(d);
        }
    }

    /// Opens a frame for the element named `local` (its path segment is written when a
    /// finding needs it).
    fn open(&mut self, mode: Mode, local: &str, index: Option<u32>, pos: Position) {
        self.open_named(mode, Name::Local(local), index, pos);
    }

    /// Opens a frame for an element declared by its name: `id`'s.
    fn open_declared(&mut self, id: ElementId, index: Option<u32>, pos: Position) {
        self.open_named(Mode::Strict(id), Name::Declared(id), index, pos);
    }

    fn open_named(&mut self, mode: Mode, name: Name<'_>, index: Option<u32>, pos: Position) {
        if self.depth == self.frames.len() {
            self.add_frame();
        }
        self.frames[self.depth].reset(mode, name, index, pos);
        self.depth += 1;
    }

    /// One more frame, once per depth reached (out of the way of the frame reused per element).
    #[cold]
    #[inline(never)]
    fn add_frame(&mut self) {
        self.frames.push(Frame::new());
    }

    /// The path of the innermost open element, its segments written from the open frames
    /// that [`Checker::path`] does not hold yet (past [`MAX_PATH`] bytes, each is `/…`).
    fn current_path(&mut self) -> &str {
        while self.path_depth < self.depth {
            let frame = &self.frames[self.path_depth];
            let len = self.path.len();
            if self.path_lens.len() == self.path_depth {
                self.path_lens.push(len);
            } else {
                self.path_lens[self.path_depth] = len;
            }
            if len >= MAX_PATH {
                self.path.push_str("/…");
            } else {
                let name = match frame.declared_name {
                    Some(id) => schema::element(id).name,
                    None => &frame.name,
                };
                push_child(&mut self.path, name, frame.index);
            }
            self.path_depth += 1;
        }
        &self.path
    }

    /// The LHEO declaration of `tag`'s element in the document being checked.
    fn declared(&self, tag: &StartTag) -> Option<ElementId> {
        declared(tag, self.doc.and_then(|d| d.lheo_ns))
    }

    /// A start tag whose LHEO declaration the reader looked up (`declared`, as
    /// [`declared`] gives it: not looked up again); `namespaces` reads its namespace ids.
    pub(crate) fn start(
        &mut self,
        tag: &StartTag,
        namespaces: &Namespaces,
        declared: Option<ElementId>,
    ) {
        debug_assert_eq!(declared, self.declared(tag));
        self.dispatch_start(tag, namespaces, declared);
        if self.doc.is_some_and(|d| d.lheo_ns.is_some())
            && tag.attributes.iter().any(|a| a.ns == Some(XML_NS))
        {
            self.note_xml_ids(tag);
        }
    }

    fn dispatch_start(
        &mut self,
        tag: &StartTag,
        namespaces: &Namespaces,
        declared: Option<ElementId>,
    ) {
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        if self.depth == 0 {
            self.start_root(tag, declared, lheo_ns);
            self.check_root_namespace(tag, namespaces);
            return;
        }
        let parent = self.depth - 1;
        let mode = self.frames[parent].mode;
        match mode {
            Mode::Skip => {
                let n = self.frames[parent].count_named(tag.local());
                self.open(Mode::Skip, tag.local(), Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            Mode::Lax => self.start_lax(tag, declared, namespaces),
            Mode::Text => {
                let frame = &mut self.frames[parent];
                let n = frame.count_named(tag.local());
                let first = !frame.content_error;
                frame.content_error = true;
                if first {
                    let at = frame.pos;
                    let q = &tag.qname;
                    self.report(
                        Rule::XsdContenuSimple,
                        format!("élément « {q} » interdit ici : son parent a un type simple (xsi:type)"),
                        format!("element \"{q}\" not allowed here: its parent has a simple type (xsi:type)"),
                        at,
                    );
                }
                self.open(Mode::Skip, tag.local(), Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            Mode::Strict(pid) => match schema::element(pid).content {
                Content::Simple(_) => {
                    let frame = &mut self.frames[parent];
                    let n = frame.count_named(tag.local());
                    let first = !frame.content_error;
                    frame.content_error = true;
                    if first {
                        // libxml2 names the element of simple content, not the child.
                        let at = frame.pos;
                        let p = schema::element(pid).name;
                        let q = &tag.qname;
                        self.report(
                            Rule::XsdContenuSimple,
                            format!("élément « {q} » interdit dans « {p} », qui ne contient que du texte"),
                            format!("element \"{q}\" not allowed in \"{p}\", which holds text only"),
                            at,
                        );
                    }
                    self.open(Mode::Skip, tag.local(), Some(n), tag.pos);
                    self.collect_other_ids(tag);
                }
                Content::Any => self.start_lax(tag, declared, namespaces),
                Content::Sequence(particles) => self.start_in_sequence(tag, declared, particles),
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
                Rule::XsdRacine,
                format!("espace de noms « {uri} » : le XSD LHEO 2.3 déclare exactement « {ns23} » (le profil lheo lit ce document comme du 2.3)"),
                format!("namespace \"{uri}\": the LHEO 2.3 XSD declares exactly \"{ns23}\" (the lheo profile reads this document as 2.3)"),
                tag.pos,
            );
        }
    }

    fn start_root(&mut self, tag: &StartTag, declared: Option<ElementId>, lheo_ns: Option<NsId>) {
        match (lheo_ns, declared) {
            (None, _) => self.open(Mode::Skip, tag.local(), None, tag.pos),
            (Some(_), None) => {
                self.open(Mode::Skip, tag.local(), None, tag.pos);
                let r = tag.local();
                self.report(
                    Rule::XsdRacine,
                    format!("élément racine « {r} » inconnu : le XSD LHEO 2.3 ne le déclare pas (attendu lheo, lheo-index ou lheo-plus)"),
                    format!("root element \"{r}\" is unknown: the LHEO 2.3 XSD does not declare it (expected lheo, lheo-index or lheo-plus)"),
                    tag.pos,
                );
            }
            (Some(_), Some(id)) => {
                self.open_declared(id, None, tag.pos);
                if self.lheo_profile() && !schema::document_roots().contains(&id) {
                    let r = tag.local();
                    self.report(
                        Rule::LheoRacine,
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
        let n = self.frames[parent].count_named(tag.local());
        if let Some(id) = declared {
            self.open_declared(id, Some(n), tag.pos);
            self.check_declared_start(tag, id);
            return;
        }
        match self.xsi_type(tag, namespaces) {
            attrs::XsiType::Absent | attrs::XsiType::Lax => {
                self.open(Mode::Lax, tag.local(), Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            attrs::XsiType::Unchecked => {
                self.open(Mode::Text, tag.local(), Some(n), tag.pos);
                self.collect_other_ids(tag);
            }
            attrs::XsiType::Element { id, subtype } => {
                self.open(Mode::Strict(id), tag.local(), Some(n), tag.pos);
                self.check_attributes(tag, id, subtype);
            }
            attrs::XsiType::Invalid(fr, en) => {
                self.open(Mode::Skip, tag.local(), Some(n), tag.pos);
                self.report(Rule::XsdXsi, fr, en, tag.pos);
                self.collect_other_ids(tag);
            }
        }
    }

    /// Opens a strictly validated element: checks `xsi:type` and its attributes.
    fn check_declared_start(&mut self, tag: &StartTag, id: ElementId) {
        if tag
            .attributes
            .iter()
            .any(|a| a.ns == Some(XSI_NS) && a.local() == "type")
        {
            self.check_own_xsi_type(tag, id);
        }
        self.check_attributes(tag, id, false);
    }

    /// Character data inside the current element; `blank`: the XML reader found it white
    /// space only (it is not scanned again).
    pub fn text(&mut self, text: &str, cdata: bool, blank: bool, pos: Position) {
        debug_assert_eq!(blank, types::is_blank(text));
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
                if frame.text_reported || (!cdata && blank) {
                    return;
                }
                frame.text_reported = true;
                let at = if frame.content_error { pos } else { frame.pos };
                let name = schema::element(id).name;
                let (fr, en) = if cdata && blank {
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
                self.report(Rule::XsdTexteInterdit, fr, en, at);
            }
        }
    }

    /// The end of the current element.
    pub fn end(&mut self, pos: Position) {
        let Some(top) = self.depth.checked_sub(1) else {
            return;
        };
        self.end_run(top);
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
        if self.frames[top].provisional {
            self.close_held(top);
        }
        self.depth = top;
        if self.path_depth > top {
            self.path.truncate(self.path_lens[top]);
            self.path_depth = top;
        }
    }

    /// The end of the document: document-level checks (e.g. `@idref` targets).
    pub fn finish(&mut self) {
        if !self.lheo_profile() {
            return;
        }
        let pending = std::mem::take(&mut self.id_state.idrefs);
        for r in pending {
            if self.id_state.ids.contains_key(&r.value)
                || self.id_state.other_ids.contains(&r.value)
            {
                continue;
            }
            let d = Diagnostic::new(
                Rule::LheoIdref,
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
            let d = match r.record {
                Some(record) => d.in_record(record),
                None => d,
            };
            self.keep(d);
        }
    }

    /// Once the document is read: the diagnostic that sums up the findings left out past the
    /// budget, if any (given once).
    pub fn take_overflow(&mut self) -> Option<Diagnostic> {
        self.budget.summary()
    }

    /// Takes the diagnostics found so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The number of errors found so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Whether checking on from `self` or from `other` finds the same: every piece of state
    /// a later event reads is compared, but the findings so far, their budget and the
    /// identifiers (which a checker reading part of a document defers: see [`ids`]).
    pub fn same_as(&self, other: &Checker) -> bool {
        self.profile == other.profile
            && self.doc == other.doc
            && self.depth == other.depth
            && self.frames[..self.depth] == other.frames[..other.depth]
            && self.text == other.text
    }

    /// The state after `n` more `child` elements of the innermost element, as if each had been
    /// read without a finding that changes its parent (the start state of a segment of a
    /// document read in pieces: [`Checker::same_as`] tells afterwards whether it was right).
    pub fn after_children(&mut self, child: ElementId, n: u32) {
        let Some(top) = self.depth.checked_sub(1) else {
            return;
        };
        let frame = &mut self.frames[top];
        let Mode::Strict(pid) = frame.mode else {
            return;
        };
        if let Content::Sequence(particles) = schema::element(pid).content {
            if let Some(j) = content::particle_of(particles, child) {
                frame.seen[j] += n;
                if frame.seq.at == j && frame.seq.count > 0 {
                    frame.seq.count += n;
                } else {
                    frame.seq = SeqState { at: j, count: n };
                }
            }
        }
    }

    /// The declaration of the innermost open element, when it is validated strictly.
    pub fn innermost(&self) -> Option<ElementId> {
        let top = self.depth.checked_sub(1)?;
        match self.frames[top].mode {
            Mode::Strict(id) => Some(id),
            _ => None,
        }
    }

    /// Sets how many diagnostics are kept from now on (see [`DiagnosticBudget`]).
    pub fn set_max_diagnostics(&mut self, max: usize) {
        self.budget = DiagnosticBudget::new(max);
    }

    /// Path of the innermost open element, e.g. `/lheo/offres/formation[2]`.
    pub fn path(&mut self) -> &str {
        self.current_path()
    }
}
