//! The reader's state machine: one handler per XML event. The XML layer gives the events;
//! each handler feeds the checker (when there is one) and builds what the reader was asked to
//! build ([`Build`]): record trees, record captures, or the whole document.

use super::log::RecordLog;
use super::state::{Build, Doc, OpenElement};
use super::tree::{Child, Node};
use super::{findings, RecordNode, Step, Version};
use std::sync::Arc;

use crate::check::records::RecordMark;
use crate::check::{self, Checker, DocumentInfo};
use crate::diagnostic::{Diagnostic, Profile, RecordRef};
use crate::schema::{self, id, record_parent, ElementId};
use crate::xml::events::{BlankText, Namespaces, StartTag};
use crate::xml::position::Position;

/// The reader without its input: what it knows of the document, and what it is doing.
pub(super) struct Core {
    pub doc: Doc,
    /// The record being captured ([`Build::Captures`]).
    pub capture: Option<RecordLog>,
    /// Room to reserve for the next capture ([`RecordLog::sizes`]).
    pub capture_sizes: (usize, usize),
    /// A capture its caller is done with, whose buffers the next capture reuses
    /// ([`Reader::recycle`](super::Reader::recycle)).
    pub spare: Option<RecordLog>,
    /// A projected capture's set, and the elements that may hold one of them.
    pub holders: Option<(schema::ElementSet, schema::ElementSet)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The index of the record being built in `doc.ids` (tree building, not capture).
    pub record_depth: Option<usize>,
    /// Elements of the record being built or captured, for
    /// [`Limits::max_record_elements`](crate::xml::limits::Limits).
    pub record_elements: usize,
    pub finished: bool,
    pub failed: bool,
    /// The fatal finding reading stopped on, for the iterator (given once).
    pub fatal: Option<Diagnostic>,
    /// The segment ended ([`XmlEvent::Suspend`](crate::xml::events::XmlEvent)).
    pub suspended: bool,
    /// A segment of records: the depth of their container and the record element.
    pub expect: Option<(usize, ElementId)>,
    /// What the XML reader may do with white space directly inside the element whose start
    /// tag came last ([`Core::on_start`]).
    pub blank_text: BlankText,
    /// In a segment of records, something else than a record met at their level.
    pub not_a_record: bool,
    /// Where the checker's findings of the open record start.
    pub record_mark: Option<RecordMark>,
    /// Offset of the start tag of the last record begun (in the UTF-8 input).
    pub record_offset: u64,
    /// The `numero` attribute of the last record begun.
    pub record_numero: Option<Box<str>>,
}

impl Core {
    /// A reader's core, reading on from `doc`.
    pub fn new(doc: Doc) -> Self {
        Core {
            doc,
            capture: None,
            capture_sizes: (0, 0),
            spare: None,
            holders: None,
            diagnostics: Vec::new(),
            record_depth: None,
            record_elements: 0,
            finished: false,
            failed: false,
            fatal: None,
            suspended: false,
            expect: None,
            not_a_record: false,
            blank_text: BlankText::Keep,
            record_mark: None,
            record_offset: 0,
            record_numero: None,
        }
    }

    /// Stops reading on a fatal finding (inside a record: named with what is known of it).
    #[cold]
    pub fn stop(&mut self, mut d: Diagnostic) -> Step {
        if let Some(record) = self.doc.records.current() {
            self.name_record(&record);
            d.record = Some(record);
        }
        self.fatal = Some(d.clone());
        self.diagnostics.push(d);
        self.capture = None;
        self.finished = true;
        self.failed = true;
        Step::Done
    }

    /// A start tag, at `depth` open elements before it.
    #[inline(always)]
    pub fn on_start(
        &mut self,
        tag: &StartTag,
        namespaces: &Namespaces,
        depth: usize,
    ) -> Option<Step> {
        if self.leaves_segment(tag, depth) {
            self.blank_text = BlankText::Keep;
            return Some(Step::Done);
        }
        if self.doc.root.is_none() {
            self.on_root(tag, namespaces);
        }
        if self.doc.records.start(tag, self.doc.lheo_ns) {
            self.record_mark = self.doc.checker.as_ref().map(Checker::record_mark);
            self.record_offset = tag.offset;
            self.record_numero = tag
                .attributes
                .iter()
                .find(|a| a.ns.is_none() && a.local() == "numero")
                .map(|a| Box::from(a.value.as_str()));
        }
        // The element's declaration, looked up once for the checker and the capture.
        let declared = check::declared(tag, self.doc.lheo_ns);
        self.blank_text = blank_text(declared);
        if let Some(c) = &mut self.doc.checker {
            c.start(tag, namespaces, declared);
        }
        if self.capture.is_some() {
            return self.capture_start(tag, namespaces, declared);
        }
        let build = self.doc.build;
        match build {
            Build::Nothing => None,
            Build::Captures(only) if self.begin_capture(tag, namespaces, only, declared) => None,
            Build::Trees | Build::Captures(_) | Build::Document => {
                self.build_start(tag, namespaces)
            }
        }
    }

    /// In a segment of records ([`Reader::expect_records`](super::Reader::expect_records)):
    /// whether `tag` is something else than a record at their level, which ends the segment.
    fn leaves_segment(&mut self, tag: &StartTag, depth: usize) -> bool {
        let Some((base, record)) = self.expect else {
            return false;
        };
        if depth == base && check::declared(tag, self.doc.lheo_ns) != Some(record) {
            self.not_a_record = true;
            self.finished = true;
            self.suspended = true;
            return true;
        }
        false
    }

    /// The root element: its namespace gives the version (and the findings of a root that is
    /// not LHEO 2.3), and the checker learns how to read the document.
    #[cold]
    #[inline(never)]
    fn on_root(&mut self, tag: &StartTag, namespaces: &Namespaces) {
        let uri = tag.ns.map(|n| namespaces.uri(n).to_owned());
        self.doc.root = Some(tag.local().to_owned());
        self.doc.root_namespace.clone_from(&uri);
        self.doc.version = uri.as_deref().and_then(Version::from_namespace);
        let profile = self.doc.checker.as_ref().map(|c| c.profile());
        let at = |d: Diagnostic| {
            d.at_line(tag.pos.line, tag.pos.column)
                .with_path(format!("/{}", tag.local()))
        };
        match self.doc.version {
            Some(v) => {
                self.doc.lheo_ns = tag.ns;
                if v != Version::V2_3 && profile.is_some_and(|p| p.includes(Profile::Lheo)) {
                    self.diagnostics.push(at(findings::read_as_2_3(v)));
                }
                if v != Version::V2_3 && profile == Some(Profile::Xsd) {
                    self.diagnostics.push(at(findings::not_in_the_xsd(v)));
                }
            }
            None => {
                if profile.is_some() {
                    self.diagnostics
                        .push(at(findings::not_lheo_2(tag.local(), uri.as_deref())));
                }
            }
        }
        let info = DocumentInfo {
            lheo_ns: self.doc.lheo_ns,
            is_2_3: self.doc.version == Some(Version::V2_3),
        };
        if let Some(c) = &mut self.doc.checker {
            c.set_document(info);
        }
    }

    /// Counts an element of the record being built or captured; the fatal finding when there
    /// are too many.
    fn count_record_element(&mut self, pos: Position) -> Option<Step> {
        self.record_elements += 1;
        if self.record_elements > self.doc.limits.max_record_elements {
            let d = findings::record_too_large(self.doc.record, &self.doc.limits, pos);
            return Some(self.stop(d));
        }
        None
    }

    /// A start tag inside the record being captured.
    fn capture_start(
        &mut self,
        tag: &StartTag,
        namespaces: &Namespaces,
        declared: Option<ElementId>,
    ) -> Option<Step> {
        if let Some(stop) = self.count_record_element(tag.pos) {
            return Some(stop);
        }
        if let Some(log) = &mut self.capture {
            log.start(tag, declared, self.doc.lheo_ns, namespaces);
        }
        None
    }

    /// With [`Build::Captures`]: starts capturing if `tag` is a record in its container.
    fn begin_capture(
        &mut self,
        tag: &StartTag,
        namespaces: &Namespaces,
        only: Option<schema::ElementSet>,
        id: Option<ElementId>,
    ) -> bool {
        let Some(OpenElement {
            id: parent @ Some(_),
            records,
            ..
        }) = self.doc.ids.last_mut()
        else {
            return false;
        };
        if id.and_then(record_parent) != *parent {
            return false;
        }
        *records += 1;
        let count = *records;
        let mut path = String::new();
        for n in &self.doc.stack {
            path.push('/');
            path.push_str(&n.name.local);
        }
        let path = format!("{path}/{}[{count}]", tag.local());
        let projection = only.map(|only| {
            // Worked out once for the reading: the elements that may hold a kept one.
            let holders = match self.holders {
                Some((set, holders)) if set == only => holders,
                _ => {
                    let holders = only.with_holders();
                    self.holders = Some((only, holders));
                    holders
                }
            };
            (only, holders)
        });
        let mut log = match (self.spare.take(), projection) {
            (Some(spare), projection) => spare.reuse(path, projection),
            (None, Some((only, holders))) => RecordLog::projected(path, only, holders),
            (None, None) => RecordLog::new(path),
        };
        log.reserve(self.capture_sizes);
        log.start(tag, id, self.doc.lheo_ns, namespaces);
        self.capture = Some(log);
        self.doc.record = id.unwrap_or(id::FORMATION);
        self.record_elements = 1;
        true
    }

    /// A start tag of the tree being built (the envelope, or a record).
    fn build_start(&mut self, tag: &StartTag, namespaces: &Namespaces) -> Option<Step> {
        let node = Node::from_start(tag, self.doc.lheo_ns, namespaces);
        let mut free = false;
        let depth = self.doc.ids.len();
        if let Some(parent) = self.doc.ids.last_mut() {
            if parent.id.is_some() && node.id.and_then(record_parent) == parent.id {
                parent.records += 1;
                self.doc.record = node.id.unwrap_or(id::FORMATION);
                self.record_depth = Some(depth);
                self.record_elements = 0;
            }
            free = parent.free || parent.id == Some(id::EXTRA);
        }
        if self.record_depth.is_some() {
            if let Some(stop) = self.count_record_element(tag.pos) {
                return Some(stop);
            }
        }
        self.doc.ids.push(OpenElement {
            id: node.id,
            records: 0,
            free,
        });
        self.doc.stack.push(node);
        None
    }

    /// Character data (`blank`: white space only).
    #[inline(always)]
    pub fn on_text(&mut self, text: &str, cdata: bool, blank: bool, pos: Position) {
        if let Some(c) = &mut self.doc.checker {
            c.text(text, cdata, blank, pos);
        }
        if self.doc.records.wants_text() {
            self.doc.records.text(text);
        }
        if let Some(log) = &mut self.capture {
            log.text(text, blank);
            return;
        }
        let Some(top) = self.doc.stack.last_mut() else {
            return;
        };
        // Indentation between elements of element-only content carries nothing (free content
        // inside `extra` is kept as is).
        let free = self.doc.ids.last().is_some_and(|o| o.free);
        let element_only = !free
            && top
                .id
                .is_some_and(|i| schema::element(i).content.is_element_only());
        if !(blank && (element_only || text.is_empty())) {
            top.push_text(text);
        }
    }

    /// An end tag.
    #[inline(always)]
    pub fn on_end(&mut self, pos: Position) -> Option<Step> {
        if let Some(c) = &mut self.doc.checker {
            c.end(pos);
        }
        let closed = self.doc.records.end();
        if let Some(record) = &closed {
            self.name_record(record);
        }
        if let Some(log) = &mut self.capture {
            log.end();
            if log.is_open() {
                return None;
            }
            let mut log = self.capture.take()?;
            log.record = closed;
            // Room for the next record: as much as this one, a little more.
            let (events, strings) = log.sizes();
            self.capture_sizes = (events + events / 4, strings + strings / 4);
            return Some(Step::Captured(log));
        }
        let node = self.doc.stack.pop()?;
        if self
            .record_depth
            .is_some_and(|d| d + 1 == self.doc.ids.len())
        {
            self.record_depth = None;
        }
        let ids = &self.doc.ids;
        let parent_id = ids.len().checked_sub(2).and_then(|i| ids[i].id);
        let is_record = self.doc.build.streams()
            && parent_id.is_some()
            && node.id.and_then(record_parent) == parent_id;
        if is_record {
            let path = self.record_path(&node.name.local);
            self.doc.ids.pop();
            return Some(Step::Record(RecordNode { node, path }));
        }
        self.doc.ids.pop();
        match self.doc.stack.last_mut() {
            Some(parent) => parent.children.push(Child::Element(node)),
            None => self.doc.envelope = Some(node),
        }
        None
    }

    /// Names `record` in the checker's findings made since it opened.
    fn name_record(&mut self, record: &Arc<RecordRef>) {
        if let (Some(c), Some(mark)) = (&mut self.doc.checker, self.record_mark.take()) {
            c.attach_record(&mark, record);
        }
    }

    /// The checker's findings so far, but those of the open record (named once it closes).
    pub fn take_checker_diagnostics(&mut self) -> Vec<Diagnostic> {
        let Some(c) = &mut self.doc.checker else {
            return Vec::new();
        };
        match &mut self.record_mark {
            Some(mark) => c.take_diagnostics_before(mark),
            None => c.take_diagnostics(),
        }
    }

    /// The end of the document.
    pub fn on_eof(&mut self) {
        if let Some(c) = &mut self.doc.checker {
            c.finish();
        }
        self.finished = true;
    }

    /// The end of a segment.
    pub fn on_suspend(&mut self) {
        self.finished = true;
        self.suspended = true;
    }

    /// The absolute path of a record that just closed (its parent is on top of `stack`).
    fn record_path(&self, local: &str) -> String {
        let mut path = String::new();
        for n in &self.doc.stack {
            path.push('/');
            path.push_str(&n.name.local);
        }
        let count = self.doc.ids.iter().rev().nth(1).map_or(1, |o| o.records);
        format!("{path}/{local}[{count}]")
    }
}

/// What becomes of white space directly inside an element declared `declared`: every reader of
/// the events (checker, capture, tree) ignores it in element-only content, except in the free
/// content below `extra`, which is kept as written.
#[inline(always)]
fn blank_text(declared: Option<ElementId>) -> BlankText {
    match declared {
        Some(id::EXTRA) => BlankText::KeepBelow,
        Some(i) if schema::element(i).content.is_element_only() => BlankText::Drop,
        _ => BlankText::Keep,
    }
}
