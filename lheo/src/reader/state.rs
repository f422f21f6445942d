//! What a [`Reader`](super::Reader) knows about the document it reads, and keeps from one
//! segment of the document to the next ([`ReaderState`]).

use super::tree::Node;
use super::Version;
use crate::check::Checker;
use crate::diagnostic::Profile;
use crate::schema::{id, record_parent, ElementId, ElementSet, RECORD_ELEMENTS};
use crate::xml::decode::InputEncoding;
use crate::xml::events::{self, NsId};
use crate::xml::limits::Limits;

/// What a reader builds from what it reads (besides the findings of its checker, when it
/// has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Nothing: the events only go to the checker.
    Nothing,
    /// Each record as a tree, one at a time ([`Step::Record`](super::Step)); the rest of the
    /// document is the envelope.
    Trees,
    /// Each record as a compact capture ([`Step::Captured`](super::Step)), whole or projected
    /// on the elements of a set ([`RecordLog::projected`](super::log::RecordLog::projected)).
    Captures(Option<ElementSet>),
    /// No record apart: the whole document becomes one tree, the envelope.
    Document,
}

impl Build {
    /// Whether records are yielded one at a time.
    pub(super) fn streams(self) -> bool {
        matches!(self, Build::Trees | Build::Captures(_))
    }
}

/// An open element while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OpenElement {
    /// Its declaration.
    pub id: Option<ElementId>,
    /// How many record children it has had so far (records are the only repeated children
    /// of their containers that paths index).
    pub records: u32,
    /// Free content: inside an `extra`, where text is kept as is.
    pub free: bool,
}

/// What is known about the document, kept from one segment to the next.
#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub encoding: InputEncoding,
    pub limits: Limits,
    pub build: Build,
    pub checker: Option<Checker>,
    pub version: Option<Version>,
    pub lheo_ns: Option<NsId>,
    pub root: Option<String>,
    pub root_namespace: Option<String>,
    /// Open elements being built (envelope and current record).
    pub stack: Vec<Node>,
    /// Open element ids and per-name child counts, for record paths.
    pub ids: Vec<OpenElement>,
    pub envelope: Option<Node>,
    /// The record being built or captured (for messages).
    pub record: ElementId,
    /// The record being read, for the findings inside it.
    pub records: super::records::RecordTracker,
}

impl Doc {
    /// The document read so far without its records: the open elements nested, each with
    /// the children it already closed (the whole envelope once the input is exhausted).
    pub(super) fn envelope_so_far(&self) -> Option<Node> {
        let mut open = self.stack.iter().rev();
        let Some(innermost) = open.next() else {
            return self.envelope.clone();
        };
        let mut node = innermost.clone();
        for parent in open {
            let mut parent = parent.clone();
            parent.children.push(super::tree::Child::Element(node));
            node = parent;
        }
        Some(node)
    }

    /// Whether reading on from `self` or from `other` gives the same result.
    fn same_as(&self, other: &Doc) -> bool {
        self.version == other.version
            && self.lheo_ns == other.lheo_ns
            && self.root == other.root
            && self.root_namespace == other.root_namespace
            && self.stack == other.stack
            && self.ids == other.ids
            && self.envelope == other.envelope
            && self.records == other.records
            && match (&self.checker, &other.checker) {
                (Some(a), Some(b)) => a.same_as(b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The state of a [`Reader`](super::Reader) between two segments of a document (a document
/// read in pieces, e.g. on several threads: see [`crate::validate`]). Records are never open
/// at a segment's end: segments are cut before a record's start tag.
#[derive(Debug, Clone)]
pub struct ReaderState {
    /// The XML layer's state.
    pub(super) xml: events::XmlState,
    pub(super) doc: Doc,
}

impl ReaderState {
    /// Whether reading on from `self` or from `other` gives the same result: every piece of
    /// state a later event may read is compared (diagnostics and their budget excepted).
    pub fn same_as(&self, other: &ReaderState) -> bool {
        self.xml.same_as(&other.xml) && self.doc.same_as(&other.doc)
    }

    /// A fresh state: the start of a document in `encoding`, read within `limits`, building
    /// `build`, with `checker` (if any) following the events.
    pub fn new(
        limits: Limits,
        build: Build,
        checker: Option<Checker>,
        encoding: InputEncoding,
    ) -> Self {
        ReaderState {
            xml: events::XmlState::start(),
            doc: Doc {
                encoding,
                limits,
                build,
                checker,
                version: None,
                lheo_ns: None,
                root: None,
                root_namespace: None,
                stack: Vec::new(),
                ids: Vec::new(),
                envelope: None,
                record: id::FORMATION,
                records: super::records::RecordTracker::default(),
            },
        }
    }

    /// The document read so far without its records (see
    /// [`Reader::envelope_so_far`](super::Reader::envelope_so_far)).
    pub(crate) fn envelope_so_far(&self) -> Option<Node> {
        self.doc.envelope_so_far()
    }

    /// The input's encoding.
    pub(crate) fn encoding(&self) -> InputEncoding {
        self.doc.encoding
    }

    /// The profile checked, if any.
    pub fn profile(&self) -> Option<Profile> {
        self.doc.checker.as_ref().map(Checker::profile)
    }

    /// The checker's state, if checking.
    pub fn checker_mut(&mut self) -> Option<&mut Checker> {
        self.doc.checker.as_mut()
    }

    /// The record element of the innermost open element, when it is a record container
    /// (`offres`, `resumes-offres`, `resumes-organismes`, `lheo-plus`).
    pub fn record_element(&self) -> Option<ElementId> {
        let container = match self.doc.ids.last() {
            Some(o) => o.id,
            None => self.doc.checker.as_ref().and_then(Checker::innermost),
        }?;
        RECORD_ELEMENTS
            .into_iter()
            .find(|r| record_parent(*r) == Some(container))
    }

    /// Open elements.
    pub fn depth(&self) -> usize {
        self.xml.depth()
    }

    /// The state after `records` more complete records in the current container, each of
    /// them without findings that change the container's state: where a segment that starts
    /// `records` records later starts reading, at `line`/`line_start`/`offset`.
    pub fn after_records(&self, records: u32, line: u32, line_start: u64, offset: u64) -> Self {
        let mut next = self.clone();
        next.xml.set_position(line, line_start, offset);
        if records > 0 {
            let record = self.record_element().unwrap_or(id::FORMATION);
            if let Some(open) = next.doc.ids.last_mut() {
                open.records += records;
            }
            next.doc.records.after_records(records);
            if let Some(c) = &mut next.doc.checker {
                c.after_children(record, records);
            }
        }
        next
    }
}
