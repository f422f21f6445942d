//! Reading LHEO: bytes → events → trees → model values, one record at a time.
//!
//! [`Reader`] streams the *records* of a document (each `formation` of an `lheo` feed, each
//! `resume-offre`/`resume-organisme` of an `lheo-index`, each `organisme-formation-responsable`
//! of an `lheo-plus`): memory is bounded by the largest record, not by the file. The rest of
//! the document (root attributes, `extras`) is the [`Reader::envelope`], complete once the
//! stream is exhausted. [`read_document`] reads a whole document at once.
//!
//! ```
//! use lheo::reader::Reader;
//!
//! let xml = r#"<lheo xmlns="http://www.lheo.org/2.2"><offres>…</offres></lheo>"#;
//! let reader = Reader::new(xml.as_bytes());
//! assert!(reader.is_ok()); // the version is known once the root is read
//! ```

mod build;
#[allow(clippy::all)]
mod build_generated;
pub mod log;
pub mod tree;

// The XML layer moved to `crate::xml`; its old paths stay for the transition.
pub use crate::xml::{counting, decode, events, split};

use std::io::BufRead;

pub use build::{BuildError, FromNode};
pub use events::{Limits, Position};

use crate::check::{Checker, DocumentInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Document, Formation, OrganismeFormationResponsable, ResumeOffre, ResumeOrganisme,
};
use crate::rules::Profile;
use crate::schema::{id, Content, ElementId, NAMESPACE_2_3};
use decode::{InputEncoding, Prefixed, Utf8Input};
use events::{NsId, XmlEvent, XmlReader};
use tree::{Child, Node};

/// The LHEO version of a document, from its root namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `http://lheo.gouv.fr/2.3`.
    V2_3,
    /// `http://www.lheo.org/2.2`, read as 2.3.
    V2_2,
    /// `http://www.lheo.org/2.1`, read as 2.3.
    V2_1,
    /// `http://www.lheo.org/2.0`, read as 2.3.
    V2_0,
}

impl Version {
    /// `"2.3"`, `"2.2"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2_3 => "2.3",
            Version::V2_2 => "2.2",
            Version::V2_1 => "2.1",
            Version::V2_0 => "2.0",
        }
    }

    /// The version whose root namespace is `uri`.
    pub fn from_namespace(uri: &str) -> Option<Version> {
        Some(match uri.trim_end_matches('/') {
            NAMESPACE_2_3 | "https://lheo.gouv.fr/2.3" => Version::V2_3,
            "http://www.lheo.org/2.2" | "http://lheo.org/2.2" => Version::V2_2,
            "http://www.lheo.org/2.1" | "http://lheo.org/2.1" => Version::V2_1,
            "http://www.lheo.org/2.0" | "http://lheo.org/2.0" => Version::V2_0,
            _ => return None,
        })
    }
}

/// Why a root is not LHEO 2.x, in words a person understands (French, English).
fn not_lheo_2(root: &str, uri: Option<&str>) -> (String, String) {
    match uri {
        None => (
            format!("l'élément racine « {root} » n'a pas d'espace de noms : ce n'est pas du LHEO 2.x (attendu xmlns=\"{NAMESPACE_2_3}\")"),
            format!("the root element \"{root}\" has no namespace: this is not LHEO 2.x (expected xmlns=\"{NAMESPACE_2_3}\")"),
        ),
        Some(u) if u.contains("lheo.org/1.") => (
            format!("document LHEO 1.x ({u}) : cette version n'est pas prise en charge, seules les versions 2.0 à 2.3 le sont"),
            format!("LHEO 1.x document ({u}): this version is not supported, only 2.0 to 2.3 are"),
        ),
        Some(u) if u.contains("moncompteformation") => (
            format!("document au format EDOF de la Caisse des Dépôts ({u}) : ce profil n'est pas du LHEO 2.3 (éléments obligatoires absents, autre schéma)"),
            format!("Caisse des Dépôts EDOF document ({u}): this profile is not LHEO 2.3 (required elements missing, another schema)"),
        ),
        Some(u) => (
            format!("l'élément racine « {root} » est dans l'espace de noms « {u} », pas dans celui de LHEO 2.x"),
            format!("the root element \"{root}\" is in namespace \"{u}\", not an LHEO 2.x namespace"),
        ),
    }
}

/// The fatal finding for a record with more elements than the limit: its tree would take
/// hundreds of bytes per element (a few bytes of input each).
fn record_too_large(record: ElementId, limits: &Limits, pos: events::Position) -> Diagnostic {
    let name = crate::schema::element(record).name;
    let max = limits.max_record_elements;
    Diagnostic::new(
        "XML-LIMITE",
        format!("« {name} » de plus de {max} éléments : refusé (limite de sécurité, chaque enregistrement est construit en mémoire)"),
        format!("\"{name}\" with more than {max} elements: refused (safety limit, each record is built in memory)"),
    )
    .at_line(pos.line, pos.column)
}

/// A record: the unit [`Reader`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A `formation` of `lheo/offres`.
    Formation(Box<Formation>),
    /// A `resume-offre` of `lheo-index/resumes-offres`.
    ResumeOffre(Box<ResumeOffre>),
    /// A `resume-organisme` of `lheo-index/resumes-organismes`.
    ResumeOrganisme(Box<ResumeOrganisme>),
    /// An `organisme-formation-responsable` of `lheo-plus`.
    Organisme(Box<OrganismeFormationResponsable>),
}

/// A record as a tree, with its absolute path (e.g. `/lheo/offres/formation[3]`).
#[derive(Debug, Clone)]
pub struct RecordNode {
    /// The element tree, with positions.
    pub node: Node,
    /// Absolute element path.
    pub path: String,
}

impl RecordNode {
    /// Builds the typed record.
    pub fn to_record(&self) -> Result<Record, BuildError> {
        Ok(match self.node.id {
            Some(id::FORMATION) => Record::Formation(Box::new(Formation::from_node(&self.node)?)),
            Some(id::RESUME_OFFRE) => {
                Record::ResumeOffre(Box::new(ResumeOffre::from_node(&self.node)?))
            }
            Some(id::RESUME_ORGANISME) => {
                Record::ResumeOrganisme(Box::new(ResumeOrganisme::from_node(&self.node)?))
            }
            _ => Record::Organisme(Box::new(OrganismeFormationResponsable::from_node(
                &self.node,
            )?)),
        })
    }
}

/// The record elements, each in its container (see [`record_parent`]).
pub(crate) const RECORD_ELEMENTS: [ElementId; 4] = [
    id::FORMATION,
    id::RESUME_OFFRE,
    id::RESUME_ORGANISME,
    id::ORGANISME_FORMATION_RESPONSABLE,
];

/// The parent a record element sits in.
pub(crate) fn record_parent(record: ElementId) -> Option<ElementId> {
    match record {
        id::FORMATION => Some(id::OFFRES),
        id::RESUME_OFFRE => Some(id::RESUMES_OFFRES),
        id::RESUME_ORGANISME => Some(id::RESUMES_ORGANISMES),
        id::ORGANISME_FORMATION_RESPONSABLE => Some(id::LHEO_PLUS),
        _ => None,
    }
}

/// An open element while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OpenElement {
    /// Its declaration.
    id: Option<ElementId>,
    /// How many record children it has had so far (records are the only repeated children
    /// of their containers that paths index).
    records: u32,
    /// Free content: inside an `extra`, where text is kept as is.
    free: bool,
}

/// What [`Reader::advance`] met.
#[derive(Debug)]
pub enum Step {
    /// A complete record.
    Record(RecordNode),
    /// A complete record, captured (with [`ReadOptions::capture_records`]).
    Captured(log::RecordLog),
    /// Nothing yet: call again.
    Pause,
    /// The end of the document (or a fatal error).
    Done,
}

/// Events read between two [`Step::Pause`]s at most.
pub const PAUSE_EVENTS: u32 = 1 << 16;

/// Options of a [`Reader`].
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Safety limits.
    pub limits: Limits,
    /// Run the structural checker of this profile on the way (diagnostics in
    /// [`Reader::take_diagnostics`]); `None` reads without checking.
    pub check: Option<Profile>,
    /// Build trees and records (turn off to only check).
    pub build: bool,
    /// Yield records one by one (`true`), or keep them in the envelope (`false`: the whole
    /// document becomes one tree).
    pub stream_records: bool,
    /// Yield records as [`Step::Captured`] logs (compact, built into trees elsewhere, e.g. on
    /// another thread) instead of trees. Needs `build` and `stream_records`.
    pub capture_records: bool,
    /// With `capture_records`: capture only what a reader of these elements needs
    /// ([`RecordLog::projected`](log::RecordLog::projected)), e.g.
    /// [`france_travail::READS`](crate::rules::france_travail::READS).
    pub capture_only: Option<&'static crate::schema::ElementSet>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            limits: Limits::default(),
            check: None,
            build: true,
            stream_records: true,
            capture_records: false,
            capture_only: None,
        }
    }
}

/// Streams the records of an LHEO document. See the [module documentation](self).
pub struct Reader<R: BufRead> {
    xml: XmlReader<Utf8Input<Prefixed<R>>>,
    encoding: InputEncoding,
    options: ReadOptions,
    checker: Option<Checker>,
    version: Option<Version>,
    lheo_ns: Option<NsId>,
    root: Option<String>,
    root_namespace: Option<String>,
    /// Open elements being built (envelope and current record).
    stack: Vec<Node>,
    /// Open element ids and per-name child counts, for record paths.
    ids: Vec<OpenElement>,
    envelope: Option<Node>,
    /// The record being captured (`capture_records`).
    capture: Option<log::RecordLog>,
    /// Room to reserve for the next capture ([`log::RecordLog::sizes`]).
    capture_sizes: (usize, usize),
    diagnostics: Vec<Diagnostic>,
    /// The record being built or captured (for messages).
    record: ElementId,
    /// The index of the record being built in `ids` (tree building, not capture).
    record_depth: Option<usize>,
    /// Elements of the record being built or captured, for [`Limits::max_record_elements`].
    record_elements: usize,
    finished: bool,
    failed: bool,
    /// The segment ended ([`XmlEvent::Suspend`]): [`Reader::suspend`] gives the state to read
    /// the next one from.
    suspended: bool,
    /// A segment of records ([`Reader::expect_records`]): the depth of their container and
    /// the record element.
    expect: Option<(usize, ElementId)>,
    /// In a segment of records, something else than a record met at their level.
    not_a_record: bool,
}

/// The state of a [`Reader`] between two segments of a document (a document read in pieces,
/// e.g. on several threads: see [`crate::validate`]). Records are never open at a segment's
/// end: segments are cut before a record's start tag.
#[derive(Debug, Clone)]
pub struct ReaderState {
    /// The XML layer's state.
    pub xml: events::XmlState,
    encoding: InputEncoding,
    options: ReadOptions,
    checker: Option<Checker>,
    version: Option<Version>,
    lheo_ns: Option<NsId>,
    root: Option<String>,
    root_namespace: Option<String>,
    stack: Vec<Node>,
    ids: Vec<OpenElement>,
    envelope: Option<Node>,
    record: ElementId,
}

impl ReaderState {
    /// Whether reading on from `self` or from `other` gives the same result: every piece of
    /// state a later event may read is compared (diagnostics and their budget excepted).
    pub fn same_as(&self, other: &ReaderState) -> bool {
        self.xml.same_as(&other.xml)
            && self.version == other.version
            && self.lheo_ns == other.lheo_ns
            && self.root == other.root
            && self.root_namespace == other.root_namespace
            && self.stack == other.stack
            && self.ids == other.ids
            && self.envelope == other.envelope
            && match (&self.checker, &other.checker) {
                (Some(a), Some(b)) => a.same_as(b),
                (None, None) => true,
                _ => false,
            }
    }

    /// A fresh state: the start of a document in `encoding`, read with `options`.
    pub fn new(options: ReadOptions, encoding: InputEncoding) -> Self {
        ReaderState {
            xml: events::XmlState::start(),
            encoding,
            options,
            checker: options
                .check
                .map(|p| Checker::with_max_diagnostics(p, options.limits.max_diagnostics)),
            version: None,
            lheo_ns: None,
            root: None,
            root_namespace: None,
            stack: Vec::new(),
            ids: Vec::new(),
            envelope: None,
            record: id::FORMATION,
        }
    }

    /// The profile checked, if any.
    pub fn profile(&self) -> Option<Profile> {
        self.options.check
    }

    /// The checker's state, if checking.
    pub fn checker_mut(&mut self) -> Option<&mut Checker> {
        self.checker.as_mut()
    }

    /// The record element of the innermost open element, when it is a record container
    /// (`offres`, `resumes-offres`, `resumes-organismes`, `lheo-plus`).
    pub fn record_element(&self) -> Option<ElementId> {
        let container = match self.ids.last() {
            Some(o) => o.id,
            None => self.checker.as_ref().and_then(Checker::innermost),
        }?;
        record_parent_of_container(container)
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
            if let Some(open) = next.ids.last_mut() {
                open.records += records;
            }
            if let Some(c) = &mut next.checker {
                c.after_children(record, records);
            }
        }
        next
    }
}

/// The finding for an input whose encoding cannot be read.
pub fn decode_error(e: decode::DecodeError) -> Diagnostic {
    match e {
        decode::DecodeError::Io(io) => Diagnostic::new(
            "XML-ENCODAGE",
            format!("lecture impossible : {io}"),
            format!("cannot read: {io}"),
        ),
        other => Diagnostic::new(
            "XML-ENCODAGE",
            other.to_string(),
            format!("unsupported encoding: {other}"),
        ),
    }
}

/// The record element of a container.
fn record_parent_of_container(container: ElementId) -> Option<ElementId> {
    RECORD_ELEMENTS
        .into_iter()
        .find(|r| record_parent(*r) == Some(container))
}

impl<R: BufRead> Reader<R> {
    /// A reader that builds records without checking.
    pub fn new(input: R) -> Result<Self, Diagnostic> {
        Reader::with_options(input, ReadOptions::default())
    }

    /// A reader with options.
    pub fn with_options(input: R, options: ReadOptions) -> Result<Self, Diagnostic> {
        let (utf8, encoding) = Utf8Input::new(input).map_err(decode_error)?;
        let state = ReaderState::new(options, encoding);
        Ok(Reader::from_state(state, |xml| {
            XmlReader::resume_to_end(utf8, options.limits, xml)
        }))
    }

    /// Reads a segment of a document from `state`: `input` holds the segment's bytes (UTF-8),
    /// its end suspends reading (see [`Reader::suspend`]). With `fragment`, the segment must
    /// not close elements open at its start (see [`Reader::broken`]).
    pub fn resume(input: R, state: ReaderState, fragment: bool) -> Self {
        let limits = state.options.limits;
        Reader::from_state(state, |xml| {
            XmlReader::resume(
                Utf8Input::Utf8(decode::resumed(input)),
                limits,
                xml,
                fragment,
            )
        })
    }

    /// Reads from `state` to the end of the document (`input`: the rest of it, UTF-8).
    pub fn resume_to_end(input: R, state: ReaderState) -> Self {
        let limits = state.options.limits;
        Reader::from_state(state, |xml| {
            XmlReader::resume_to_end(Utf8Input::Utf8(decode::resumed(input)), limits, xml)
        })
    }

    fn from_state(
        state: ReaderState,
        xml: impl FnOnce(events::XmlState) -> XmlReader<Utf8Input<Prefixed<R>>>,
    ) -> Self {
        Reader {
            xml: xml(state.xml),
            encoding: state.encoding,
            options: state.options,
            checker: state.checker,
            version: state.version,
            lheo_ns: state.lheo_ns,
            root: state.root,
            root_namespace: state.root_namespace,
            stack: state.stack,
            ids: state.ids,
            envelope: state.envelope,
            capture: None,
            capture_sizes: (0, 0),
            diagnostics: Vec::new(),
            record: state.record,
            record_depth: None,
            record_elements: 0,
            finished: false,
            failed: false,
            suspended: false,
            expect: None,
            not_a_record: false,
        }
    }

    /// Expects a segment of records (`record` elements at the current depth): anything else at
    /// their level ends the segment as [`broken`](Reader::broken).
    pub fn expect_records(&mut self, record: ElementId) {
        self.expect = Some((self.xml.depth(), record));
    }

    /// Once a segment ended ([`Reader::suspended`]): the state to read the next one from.
    pub fn suspend(self) -> ReaderState {
        ReaderState {
            xml: self.xml.suspend(),
            encoding: self.encoding,
            options: self.options,
            checker: self.checker,
            version: self.version,
            lheo_ns: self.lheo_ns,
            root: self.root,
            root_namespace: self.root_namespace,
            stack: self.stack,
            ids: self.ids,
            envelope: self.envelope,
            record: self.record,
        }
    }

    /// The identifiers a checker reading part of a document deferred (see
    /// [`crate::check::ids`]).
    pub fn take_id_log(&mut self) -> Option<crate::check::ids::IdLog> {
        self.checker.as_mut().and_then(Checker::take_id_log)
    }

    /// Whether the segment ended (as opposed to the document, or a fatal error).
    pub fn suspended(&self) -> bool {
        self.suspended
    }

    /// Whether the segment closed an element open at its start, or ended inside a record
    /// (it was not cut where its reader expected: see [`Reader::resume`]).
    pub fn broken(&self) -> bool {
        self.xml.broken()
            || self.not_a_record
            || self.capture.is_some()
            || self.record_depth.is_some()
    }

    /// Takes the reader's own diagnostics (fatal errors, version notes) and the checker's,
    /// apart (the checker's are the ones a [`DiagnosticBudget`](crate::check::DiagnosticBudget)
    /// counts).
    pub fn take_diagnostics_apart(&mut self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let checker = self
            .checker
            .as_mut()
            .map(Checker::take_diagnostics)
            .unwrap_or_default();
        (std::mem::take(&mut self.diagnostics), checker)
    }

    /// The detected encoding.
    pub fn encoding(&self) -> InputEncoding {
        self.encoding
    }

    /// The LHEO version, once the root element has been read (`None` if not LHEO 2.x).
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// The root element's local name, once read.
    pub fn root(&self) -> Option<&str> {
        self.root.as_deref()
    }

    /// Bytes of input read so far (for progress bars).
    pub fn offset(&self) -> u64 {
        self.xml.offset()
    }

    /// Takes the diagnostics found so far (checker findings, fatal errors, version notes).
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        if let Some(c) = &mut self.checker {
            self.diagnostics.extend(c.take_diagnostics());
            if self.finished && !self.suspended {
                self.diagnostics.extend(c.take_overflow());
            }
        }
        std::mem::take(&mut self.diagnostics)
    }

    /// The number of errors the checker has found so far.
    pub fn checker_errors(&self) -> usize {
        self.checker.as_ref().map_or(0, Checker::error_count)
            + self
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count()
    }

    /// `true` once a fatal error stopped reading.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The document without its records, once the stream is exhausted.
    pub fn envelope(&self) -> Option<&Node> {
        self.envelope.as_ref()
    }

    /// The next record as a tree, or `None` at the end of the document (or after a fatal
    /// error, which is in [`Reader::take_diagnostics`]).
    pub fn next_node(&mut self) -> Option<RecordNode> {
        loop {
            match self.advance() {
                Step::Record(node) => return Some(node),
                Step::Captured(log) => return Some(log.into_node()),
                Step::Pause => {}
                Step::Done => return None,
            }
        }
    }

    /// Reads until the next record, the end, or a pause every [`PAUSE_EVENTS`] events (so a
    /// caller can report progress or collect diagnostics while a long stretch without
    /// records is read).
    pub fn advance(&mut self) -> Step {
        let mut budget = PAUSE_EVENTS;
        while !self.finished {
            budget -= 1;
            if budget == 0 {
                return Step::Pause;
            }
            let depth = self.xml.depth();
            let event = match self.xml.next_event() {
                Ok(e) => e,
                Err(d) => {
                    self.diagnostics.push(d);
                    self.finished = true;
                    self.failed = true;
                    return Step::Done;
                }
            };
            match event {
                XmlEvent::Start(tag, namespaces) => {
                    if let Some((base, record)) = self.expect {
                        let in_lheo = tag.ns.is_some() && tag.ns == self.lheo_ns;
                        if depth == base
                            && !(in_lheo && crate::schema::element_id(&tag.local) == Some(record))
                        {
                            self.not_a_record = true;
                            self.finished = true;
                            self.suspended = true;
                            return Step::Done;
                        }
                    }
                    if self.root.is_none() {
                        let uri = tag.ns.map(|n| namespaces.uri(n).to_owned());
                        self.root = Some(tag.local.clone());
                        self.root_namespace.clone_from(&uri);
                        self.version = uri.as_deref().and_then(Version::from_namespace);
                        let profile = self.options.check;
                        match self.version {
                            Some(v) => {
                                self.lheo_ns = tag.ns;
                                if v != Version::V2_3
                                    && profile.is_some_and(|p| p.includes(Profile::Lheo))
                                {
                                    self.diagnostics.push(
                                        Diagnostic::new(
                                            "LHEO-VERSION",
                                            format!("document LHEO {} lu comme LHEO 2.3 (la 2.3 ne fait qu'ajouter des éléments et assouplir des cardinalités)", v.as_str()),
                                            format!("LHEO {} document read as LHEO 2.3 (2.3 only adds elements and relaxes cardinalities)", v.as_str()),
                                        )
                                        .at_line(tag.pos.line, tag.pos.column)
                                        .with_path(format!("/{}", tag.local)),
                                    );
                                }
                                if v != Version::V2_3 && profile == Some(Profile::Xsd) {
                                    self.diagnostics.push(
                                        Diagnostic::new(
                                            "XSD-RACINE",
                                            format!("l'élément racine est dans l'espace de noms LHEO {} ; le XSD 2.3 ne le déclare pas (le profil lheo, par défaut, lit ce document comme du 2.3)", v.as_str()),
                                            format!("the root element is in the LHEO {} namespace, which the 2.3 XSD does not declare (the default lheo profile reads it as 2.3)", v.as_str()),
                                        )
                                        .at_line(tag.pos.line, tag.pos.column)
                                        .with_path(format!("/{}", tag.local)),
                                    );
                                }
                            }
                            None => {
                                let (fr, en) = not_lheo_2(&tag.local, uri.as_deref());
                                if profile.is_some() {
                                    self.diagnostics.push(
                                        Diagnostic::new("XSD-RACINE", fr, en)
                                            .at_line(tag.pos.line, tag.pos.column)
                                            .with_path(format!("/{}", tag.local)),
                                    );
                                }
                            }
                        }
                        if let Some(c) = &mut self.checker {
                            c.set_document(DocumentInfo {
                                lheo_ns: self.lheo_ns,
                                is_2_3: self.version == Some(Version::V2_3),
                            });
                        }
                    }
                    if let Some(c) = &mut self.checker {
                        c.start(tag, namespaces);
                    }
                    if let Some(log) = &mut self.capture {
                        self.record_elements += 1;
                        if self.record_elements > self.options.limits.max_record_elements {
                            let d = record_too_large(self.record, &self.options.limits, tag.pos);
                            return self.stop(d);
                        }
                        log.start(tag, self.lheo_ns, namespaces);
                        continue;
                    }
                    if self.options.build
                        && self.options.capture_records
                        && self.options.stream_records
                    {
                        let in_lheo = tag.ns.is_some() && tag.ns == self.lheo_ns;
                        let id = if in_lheo {
                            crate::schema::element_id(&tag.local)
                        } else {
                            None
                        };
                        if let Some(OpenElement {
                            id: parent @ Some(_),
                            records,
                            ..
                        }) = self.ids.last_mut()
                        {
                            if id.and_then(record_parent) == *parent {
                                *records += 1;
                                let count = *records;
                                let mut path = String::new();
                                for n in &self.stack {
                                    path.push('/');
                                    path.push_str(&n.name.local);
                                }
                                let path = format!("{path}/{}[{count}]", tag.local);
                                let mut log = match self.options.capture_only {
                                    Some(only) => log::RecordLog::projected(path, only),
                                    None => log::RecordLog::new(path),
                                };
                                log.reserve(self.capture_sizes);
                                log.start(tag, self.lheo_ns, namespaces);
                                self.capture = Some(log);
                                self.record = id.unwrap_or(id::FORMATION);
                                self.record_elements = 1;
                                continue;
                            }
                        }
                    }
                    if self.options.build {
                        let node = Node::from_start(tag, self.lheo_ns, namespaces);
                        let mut free = false;
                        let depth = self.ids.len();
                        if let Some(parent) = self.ids.last_mut() {
                            if parent.id.is_some() && node.id.and_then(record_parent) == parent.id {
                                parent.records += 1;
                                self.record = node.id.unwrap_or(id::FORMATION);
                                self.record_depth = Some(depth);
                                self.record_elements = 0;
                            }
                            free = parent.free || parent.id == Some(id::EXTRA);
                        }
                        if self.record_depth.is_some() {
                            self.record_elements += 1;
                            if self.record_elements > self.options.limits.max_record_elements {
                                let d =
                                    record_too_large(self.record, &self.options.limits, tag.pos);
                                return self.stop(d);
                            }
                        }
                        self.ids.push(OpenElement {
                            id: node.id,
                            records: 0,
                            free,
                        });
                        self.stack.push(node);
                    }
                }
                XmlEvent::Text { text, cdata, pos } => {
                    if let Some(c) = &mut self.checker {
                        c.text(text, cdata, pos);
                    }
                    if let Some(log) = &mut self.capture {
                        log.text(text);
                    } else if let Some(top) = self.stack.last_mut() {
                        // Indentation between elements of element-only content carries nothing
                        // (free content inside `extra` is kept as is).
                        let free = self.ids.last().is_some_and(|o| o.free);
                        let element_only = !free
                            && top.id.is_some_and(|i| {
                                matches!(
                                    crate::schema::element(i).content,
                                    Content::Sequence(_) | Content::Choice { .. }
                                )
                            });
                        let blank = text
                            .bytes()
                            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
                        if !(blank && (element_only || text.is_empty())) {
                            top.push_text(text);
                        }
                    }
                }
                XmlEvent::End(pos) => {
                    if let Some(c) = &mut self.checker {
                        c.end(pos);
                    }
                    if let Some(log) = &mut self.capture {
                        log.end();
                        if !log.is_open() {
                            if let Some(log) = self.capture.take() {
                                // Room for the next record: as much as this one, a little more.
                                let (events, strings) = log.sizes();
                                self.capture_sizes = (events + events / 4, strings + strings / 4);
                                return Step::Captured(log);
                            }
                        }
                        continue;
                    }
                    if let Some(node) = self.stack.pop() {
                        if self.record_depth.is_some_and(|d| d + 1 == self.ids.len()) {
                            self.record_depth = None;
                        }
                        let parent_id = self.ids.len().checked_sub(2).and_then(|i| self.ids[i].id);
                        let is_record = self.options.stream_records
                            && parent_id.is_some()
                            && node.id.and_then(record_parent) == parent_id;
                        if is_record {
                            let path = self.record_path(&node.name.local);
                            self.ids.pop();
                            return Step::Record(RecordNode { node, path });
                        }
                        self.ids.pop();
                        match self.stack.last_mut() {
                            Some(parent) => parent.children.push(Child::Element(node)),
                            None => self.envelope = Some(node),
                        }
                    }
                }
                XmlEvent::Eof => {
                    if let Some(c) = &mut self.checker {
                        c.finish();
                    }
                    self.finished = true;
                }
                XmlEvent::Suspend => {
                    self.finished = true;
                    self.suspended = true;
                }
            }
        }
        Step::Done
    }

    /// Stops reading on a fatal finding.
    fn stop(&mut self, d: Diagnostic) -> Step {
        self.diagnostics.push(d);
        self.capture = None;
        self.finished = true;
        self.failed = true;
        Step::Done
    }

    /// The absolute path of a record that just closed (its parent is on top of `stack`).
    fn record_path(&self, local: &str) -> String {
        let mut path = String::new();
        for n in &self.stack {
            path.push('/');
            path.push_str(&n.name.local);
        }
        let count = self.ids.iter().rev().nth(1).map_or(1, |o| o.records);
        format!("{path}/{local}[{count}]")
    }

    /// The next typed record.
    pub fn next_record(&mut self) -> Option<Result<Record, BuildError>> {
        self.next_node().map(|n| n.to_record())
    }

    /// Reads to the end, checking only (no records kept). Returns the diagnostics.
    pub fn check_all(&mut self) -> Vec<Diagnostic> {
        while self.next_node().is_some() {}
        self.take_diagnostics()
    }
}

/// Why a document could not be read into the model.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not readable XML, or not LHEO 2.x.
    #[error("{}", .0.message.fr)]
    Invalid(Diagnostic),
    /// The structure does not fit the model.
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// Reads a whole LHEO 2.x document (small files; use [`Reader`] for large ones).
///
/// ```
/// let xml = std::fs::read("../fixtures/minimal.xml").unwrap_or_default();
/// if !xml.is_empty() {
///     let doc = lheo::reader::read_document(&xml[..]).unwrap();
///     assert!(matches!(doc, lheo::Document::Lheo(_)));
/// }
/// ```
pub fn read_document<R: BufRead>(input: R) -> Result<Document, ReadError> {
    let options = ReadOptions {
        stream_records: false,
        ..ReadOptions::default()
    };
    let mut reader = Reader::with_options(input, options).map_err(ReadError::Invalid)?;
    while reader.next_node().is_some() {}
    if let Some(d) = reader
        .take_diagnostics()
        .into_iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(ReadError::Invalid(d));
    }
    let Some(envelope) = reader.envelope.take() else {
        return Err(ReadError::Invalid(Diagnostic::new(
            "XML-MALFORME",
            "document vide",
            "empty document",
        )));
    };
    if reader.version.is_none() {
        let (fr, en) = not_lheo_2(
            reader.root().unwrap_or(""),
            reader.root_namespace.as_deref(),
        );
        return Err(ReadError::Invalid(Diagnostic::new("XSD-RACINE", fr, en)));
    }
    Ok(match envelope.id {
        Some(id::LHEO) => Document::Lheo(crate::model::Lheo::from_node(&envelope)?),
        Some(id::LHEO_INDEX) => Document::LheoIndex(crate::model::LheoIndex::from_node(&envelope)?),
        Some(id::LHEO_PLUS) => Document::LheoPlus(crate::model::LheoPlus::from_node(&envelope)?),
        _ => {
            let root = envelope.name.local.clone();
            return Err(ReadError::Invalid(Diagnostic::new(
                "LHEO-RACINE",
                format!("racine « {root} » : un document LHEO a pour racine lheo, lheo-index ou lheo-plus"),
                format!("root \"{root}\": an LHEO document's root is lheo, lheo-index or lheo-plus"),
            )));
        }
    })
}
