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
mod core;
mod findings;
pub(crate) mod log;
pub(crate) mod records;
mod state;
pub(crate) mod tree;

use std::io::BufRead;

pub use crate::xml::decode::InputEncoding;
pub use crate::xml::limits::Limits;
use crate::xml::{decode, events};
pub(crate) use build::{record as build_record, FromView, NodeView, ViewChild};
#[doc(hidden)]
pub use build::{BuildError, FromNode};
pub(crate) use findings::{decode_error, edof, lheo_1, xml_error};
#[doc(hidden)]
pub use state::{Build, ReaderState};

use self::core::Core;
use crate::check::Checker;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::error::Error;
use crate::model::Document;
pub use crate::model::Record;
use crate::schema::{id, ElementId, ElementSet, NAMESPACE_2_3};
use decode::{Prefixed, Utf8Input};
use events::{XmlEvent, XmlReader};
use tree::Node;

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

/// A record as a tree, with its absolute path (e.g. `/lheo/offres/formation[3]`).
#[doc(hidden)]
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
        build::record(&self.node)
    }
}

/// What [`Reader::advance`] met.
#[doc(hidden)]
#[derive(Debug)]
pub enum Step {
    /// A complete record ([`Build::Trees`]).
    Record(RecordNode),
    /// A complete record, captured ([`Build::Captures`]).
    Captured(log::RecordLog),
    /// Nothing yet: call again.
    Pause,
    /// The end of the document (or a fatal error).
    Done,
}

/// A record as [`Reader::advance`] built it: a tree, or a capture.
pub(crate) enum Built {
    Node(RecordNode),
    Log(log::RecordLog),
}

/// Events read between two [`Step::Pause`]s at most.
#[doc(hidden)]
pub const PAUSE_EVENTS: u32 = 1 << 16;

/// Options of a [`Reader`]: its safety limits.
///
/// ```
/// use lheo::reader::{Limits, ReadOptions};
///
/// let options = ReadOptions::default().with_limits(Limits::default().with_max_depth(64));
/// assert_eq!(options.limits.max_depth, 64);
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Safety limits (nesting depth, size of a tag or a text, elements of a record).
    pub limits: Limits,
}

impl ReadOptions {
    /// These options with `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// Streams the records of an LHEO document. See the [module documentation](self).
///
/// A reader is made of the XML layer's reader and a core that handles each event: it feeds
/// an optional [`Checker`] (validation) and builds what it was asked to ([`Build`]).
pub struct Reader<R: Input> {
    xml: XmlReader<R::Source>,
    core: Core,
    /// For a UTF-8 document read from its start: the length of its byte order mark, which
    /// turns offsets in the UTF-8 stream into offsets in the input.
    raw_shift: Option<u64>,
    /// Hashing the bytes of each record ([`Reader::digest_input`]).
    digesting: bool,
}

/// What a [`Reader`] reads: any [`BufRead`] (decoded to UTF-8 as it is read), or a segment of
/// a document already in memory ([`events::InMemory`], read without copying: what worker
/// threads read).
pub trait Input: sealed::Input {
    /// Where the reader's XML layer gets its events.
    #[doc(hidden)]
    type Source: events::Source;
}

mod sealed {
    /// Only the inputs of this module are [`super::Input`]s.
    pub trait Input {}
    impl<R: std::io::BufRead> Input for R {}
    impl Input for crate::xml::events::InMemory<'_> {}
}

impl<R: BufRead> Input for R {
    type Source = events::Buffered<Utf8Input<Prefixed<R>>>;
}

impl<'a> Input for events::InMemory<'a> {
    type Source = events::InMemory<'a>;
}

impl<R: BufRead> Reader<R> {
    /// A reader of records, without checking.
    ///
    /// Fails when the start of the input cannot be read or names an encoding lheo cannot
    /// decode.
    pub fn new(input: R) -> Result<Self, Error> {
        Reader::with_options(input, ReadOptions::default())
    }

    /// A reader of records with options.
    pub fn with_options(input: R, options: ReadOptions) -> Result<Self, Error> {
        // Records are captured: the typed ones are built from the capture in place, the
        // trees of [`Reader::next_node`] from it too.
        Reader::compose(input, options.limits, Build::Captures(None), None).map_err(|e| match e {
            decode::DecodeError::Io(io) => Error::from(io),
            other => Error::invalid(decode_error(other)),
        })
    }

    /// A reader that builds `build` and feeds `checker` (validation: see
    /// [`crate::validate`]); a failure is the input's decoding error.
    #[doc(hidden)]
    pub fn compose(
        input: R,
        limits: Limits,
        build: Build,
        checker: Option<Checker>,
    ) -> Result<Self, decode::DecodeError> {
        let (utf8, encoding, bom) = Utf8Input::sniffed(input)?;
        let state = ReaderState::new(limits, build, checker, encoding);
        let mut reader =
            Reader::from_state(state, |xml| XmlReader::resume_to_end(utf8, limits, xml));
        if encoding == InputEncoding::Utf8 {
            reader.raw_shift = Some(bom as u64);
        }
        Ok(reader)
    }

    /// Reads a segment of a document from `state`: `input` holds the segment's bytes (UTF-8),
    /// its end suspends reading (see [`Reader::suspend`]). With `fragment`, the segment must
    /// not close elements open at its start (see [`Reader::broken`]).
    #[doc(hidden)]
    pub fn resume(input: R, state: ReaderState, fragment: bool) -> Self {
        let limits = state.doc.limits;
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
    #[doc(hidden)]
    pub fn resume_to_end(input: R, state: ReaderState) -> Self {
        let limits = state.doc.limits;
        Reader::from_state(state, |xml| {
            XmlReader::resume_to_end(Utf8Input::Utf8(decode::resumed(input)), limits, xml)
        })
    }
}

impl<'a> Reader<events::InMemory<'a>> {
    /// Reads a segment of a document, its bytes (UTF-8) already in memory, as
    /// [`Reader::resume`] does, without a buffer to refill.
    #[doc(hidden)]
    pub fn resume_in_memory(bytes: &'a [u8], state: ReaderState, fragment: bool) -> Self {
        let limits = state.doc.limits;
        Reader::from_state(state, |xml| {
            XmlReader::resume_in_memory(bytes, limits, xml, fragment)
        })
    }
}

impl<R: Input> Reader<R> {
    fn from_state(
        state: ReaderState,
        xml: impl FnOnce(events::XmlState) -> XmlReader<R::Source>,
    ) -> Self {
        Reader {
            xml: xml(state.xml),
            core: Core::new(state.doc),
            raw_shift: None,
            digesting: false,
        }
    }

    /// Expects a segment of records (`record` elements at the current depth): anything else at
    /// their level ends the segment as [`broken`](Reader::broken).
    #[doc(hidden)]
    pub fn expect_records(&mut self, record: ElementId) {
        self.core.expect = Some((self.xml.depth(), record));
    }

    /// Once a segment ended ([`Reader::suspended`]): the state to read the next one from.
    #[doc(hidden)]
    pub fn suspend(self) -> ReaderState {
        ReaderState {
            xml: self.xml.suspend(),
            doc: self.core.doc,
        }
    }

    /// Gives back a capture ([`Step::Captured`]) the caller is done with: the next record is
    /// captured in its buffers, which do not grow again (the reader keeps one, unless it
    /// holds more than [`log::MAX_SPARE_ROOM`] bytes: an outsized record's are let go).
    pub(crate) fn recycle(&mut self, log: log::RecordLog) {
        if log.room() <= log::MAX_SPARE_ROOM {
            self.core.spare = Some(log);
        }
    }

    /// The capture given back last ([`Reader::recycle`]) and not reused yet, to give to the
    /// reader of the next segment.
    pub(crate) fn take_spare(&mut self) -> Option<log::RecordLog> {
        self.core.spare.take()
    }

    /// The identifiers a checker reading part of a document deferred (see
    /// [`crate::check::ids`]).
    #[doc(hidden)]
    pub fn take_id_log(&mut self) -> Option<crate::check::ids::IdLog> {
        self.core
            .doc
            .checker
            .as_mut()
            .and_then(Checker::take_id_log)
    }

    /// Whether the segment ended (as opposed to the document, or a fatal error).
    #[doc(hidden)]
    pub fn suspended(&self) -> bool {
        self.core.suspended
    }

    /// Whether the segment closed an element open at its start, or ended inside a record
    /// (it was not cut where its reader expected: see [`Reader::resume`]).
    #[doc(hidden)]
    pub fn broken(&self) -> bool {
        self.xml.broken()
            || self.core.not_a_record
            || self.core.capture.is_some()
            || self.core.record_depth.is_some()
    }

    /// Takes the reader's own diagnostics (fatal errors, version notes) and the checker's,
    /// apart (the checker's are the ones a [`DiagnosticBudget`](crate::check::DiagnosticBudget)
    /// counts).
    #[doc(hidden)]
    pub fn take_diagnostics_apart(&mut self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let checker = self.core.take_checker_diagnostics();
        (std::mem::take(&mut self.core.diagnostics), checker)
    }

    /// The detected encoding.
    pub fn encoding(&self) -> InputEncoding {
        self.core.doc.encoding
    }

    /// The LHEO version, once the root element has been read (`None` if not LHEO 2.x).
    pub fn version(&self) -> Option<Version> {
        self.core.doc.version
    }

    /// The root element's local name, once read.
    pub fn root(&self) -> Option<&str> {
        self.core.doc.root.as_deref()
    }

    /// Bytes of input read so far (for progress bars).
    pub fn offset(&self) -> u64 {
        self.xml.offset()
    }

    /// Where the record last read lies in the input: the offsets of its start tag's `<` and
    /// just past its end tag. Known for a UTF-8 document read from its start (the offsets of
    /// a transcoded one are those of its UTF-8 text), `None` otherwise.
    pub(crate) fn record_span(&self) -> Option<(u64, u64)> {
        let shift = self.raw_shift?;
        Some((self.core.record_offset + shift, self.xml.offset() + shift))
    }

    /// The `numero` attribute of the record last read, as its start tag has it.
    pub(crate) fn record_numero(&self) -> Option<&str> {
        self.core.record_numero.as_deref()
    }

    /// Starts hashing the bytes of each record (see [`Reader::take_digest`]).
    pub(crate) fn digest_input(&mut self) {
        self.digesting = true;
        self.xml.digest_input();
    }

    /// Once a record is read: a hash of its bytes (from its start tag's `<` to its end tag's
    /// `>`) and of the namespace bindings in scope. Equal hashes mean the same bytes read in
    /// the same scope, hence the same record. `None` when not hashing, and now and then when
    /// the record's start tag straddled two buffers of input.
    pub(crate) fn take_digest(&mut self) -> Option<u64> {
        self.xml.take_digest()
    }

    /// Takes the diagnostics found so far (checker findings, fatal errors, version notes).
    #[doc(hidden)]
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let checked = self.core.take_checker_diagnostics();
        let core = &mut self.core;
        core.diagnostics.extend(checked);
        if let Some(c) = &mut core.doc.checker {
            if core.finished && !core.suspended {
                core.diagnostics.extend(c.take_overflow());
            }
        }
        std::mem::take(&mut core.diagnostics)
    }

    /// `true` once a fatal error stopped reading.
    #[doc(hidden)]
    pub fn failed(&self) -> bool {
        self.core.failed
    }

    /// The document without its records, as a tree, once the stream is exhausted.
    #[doc(hidden)]
    pub fn envelope(&self) -> Option<&Node> {
        self.core.doc.envelope.as_ref()
    }

    /// The document read so far without its records: the open elements nested, each with
    /// the children it already closed (the whole envelope once the input is exhausted).
    pub(crate) fn envelope_so_far(&self) -> Option<Node> {
        self.core.doc.envelope_so_far()
    }

    /// The next record as a tree, or `None` at the end of the document (or after a fatal
    /// error, which is in [`Reader::take_diagnostics`]).
    #[doc(hidden)]
    pub fn next_node(&mut self) -> Option<RecordNode> {
        match self.until_record()? {
            Built::Node(node) => Some(node),
            Built::Log(log) => Some(log.into_node()),
        }
    }

    /// Reads past the next record without building it (a capture of its structure only, no
    /// text nor attributes), returning its path: `None` at the end of the document (or after a
    /// fatal error, as [`Reader::next_node`]). For a reader building [`Build::Trees`] or
    /// captures; the others build no record to skip.
    pub(crate) fn skip_node(&mut self) -> Option<String> {
        let build = self.core.doc.build;
        if matches!(build, Build::Trees | Build::Captures(_)) {
            self.core.doc.build = Build::Captures(Some(ElementSet::new(&[])));
        }
        let path = self.until_record().map(|r| match r {
            Built::Node(node) => node.path,
            Built::Log(log) => log.path,
        });
        self.core.doc.build = build;
        path
    }

    /// Reads until the next record, as it was built (a capture, with [`Build::Captures`]):
    /// `None` at the end of the document.
    pub(crate) fn until_record(&mut self) -> Option<Built> {
        loop {
            match self.advance() {
                Step::Record(node) => return Some(Built::Node(node)),
                Step::Captured(log) => return Some(Built::Log(log)),
                Step::Pause => {}
                Step::Done => return None,
            }
        }
    }

    /// Reads until the next record, the end, or a pause every [`PAUSE_EVENTS`] events (so a
    /// caller can report progress or collect diagnostics while a long stretch without
    /// records is read). Each event goes to its handler.
    #[doc(hidden)]
    pub fn advance(&mut self) -> Step {
        let mut budget = PAUSE_EVENTS;
        while !self.core.finished {
            budget -= 1;
            if budget == 0 {
                return Step::Pause;
            }
            let depth = self.xml.depth();
            let step = match self.xml.next_event() {
                Ok(XmlEvent::Start(tag, namespaces)) => {
                    let began = self.core.record_offset;
                    let step = self.core.on_start(tag, namespaces, depth);
                    self.xml.set_blank_text(self.core.blank_text);
                    if self.digesting && self.core.record_offset != began {
                        // A record starts: its digest covers its own bytes.
                        self.xml.restart_digest_at(self.core.record_offset);
                    }
                    step
                }
                Ok(XmlEvent::Text {
                    text,
                    cdata,
                    blank,
                    pos,
                }) => {
                    self.core.on_text(text, cdata, blank, pos);
                    None
                }
                Ok(XmlEvent::End(pos)) => self.core.on_end(pos),
                Ok(XmlEvent::Eof) => {
                    self.core.on_eof();
                    None
                }
                Ok(XmlEvent::Suspend) => {
                    self.core.on_suspend();
                    None
                }
                Err(e) => Some(self.core.stop(xml_error(e))),
            };
            if let Some(step) = step {
                return step;
            }
        }
        Step::Done
    }

    /// The next record built into the model, with its absolute path: `None` at the end of
    /// the document (or after a fatal error, as [`Reader::next_node`]).
    pub(crate) fn next_built(&mut self) -> Option<(String, Result<Record, BuildError>)> {
        Some(match self.until_record()? {
            Built::Node(node) => {
                let record = node.to_record();
                (node.path, record)
            }
            Built::Log(log) => {
                let record = log.to_record();
                (log.path, record)
            }
        })
    }

    /// The next typed record (the same as [`Iterator::next`]).
    pub fn next_record(&mut self) -> Option<Result<Record, Error>> {
        self.next()
    }
}

/// The input decoded to UTF-8 as the reader decodes it (by its byte order mark or its XML
/// declaration's encoding), with the encoding found: lines and columns in findings count in
/// this text (e.g. to show the excerpt a finding points at).
///
/// ```
/// use std::io::Read;
///
/// let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><lheo>\xe9t\xe9</lheo>";
/// let (mut text, encoding) = lheo::reader::utf8(&latin1[..])?;
/// let mut s = String::new();
/// text.read_to_string(&mut s)?;
/// assert!(s.ends_with("<lheo>été</lheo>"));
/// assert_eq!(encoding.name(), "ISO-8859-1");
/// # Ok::<(), lheo::Error>(())
/// ```
pub fn utf8<R: BufRead>(input: R) -> Result<(impl BufRead, InputEncoding), Error> {
    Utf8Input::new(input).map_err(|e| match e {
        decode::DecodeError::Io(io) => Error::from(io),
        other => Error::invalid(decode_error(other)),
    })
}

/// The records of the document, one at a time.
///
/// An item is `Err` when reading cannot go on (the input is not well-formed, a safety limit,
/// an I/O error: [`ErrorKind::Invalid`](crate::ErrorKind) or `Io`), after which the iterator
/// ends; or when one record does not fit the model ([`ErrorKind::Structure`](crate::ErrorKind)),
/// after which reading goes on with the next record. A truncated feed therefore ends with an
/// `Err`, never as if it were complete.
///
/// ```
/// use lheo::reader::Reader;
///
/// let truncated = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation>"#;
/// let items: Vec<_> = Reader::new(truncated.as_bytes())?.collect();
/// let last = items.last().and_then(|r| r.as_ref().err());
/// assert_eq!(last.and_then(|e| e.diagnostic()).map(|d| d.code()), Some("XML-MALFORME"));
/// # Ok::<(), lheo::Error>(())
/// ```
impl<R: Input> Iterator for Reader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_built() {
            Some((_, record)) => Some(record.map_err(Error::from)),
            None => self.core.fatal.take().map(|d| Err(Error::invalid(d))),
        }
    }
}

/// Reads a whole LHEO 2.x document (small files; use [`Reader`] for large ones).
///
/// ```
/// let xml = std::fs::read("../fixtures/minimal.xml")?;
/// let doc = lheo::reader::read_document(&xml[..])?;
/// assert!(matches!(doc, lheo::Document::Lheo(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_document<R: BufRead>(input: R) -> Result<Document, Error> {
    let mut reader =
        Reader::compose(input, Limits::default(), Build::Document, None).map_err(|e| match e {
            decode::DecodeError::Io(io) => Error::from(io),
            other => Error::invalid(decode_error(other)),
        })?;
    while reader.next_node().is_some() {}
    if let Some(d) = reader
        .take_diagnostics()
        .into_iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(Error::invalid(d));
    }
    let Some(envelope) = reader.core.doc.envelope.take() else {
        return Err(Error::invalid(Diagnostic::new(
            Rule::XmlMalforme,
            "document vide",
            "empty document",
        )));
    };
    if reader.version().is_none() {
        let root = reader.root().unwrap_or("");
        return Err(Error::invalid(findings::not_lheo_2(
            root,
            reader.core.doc.root_namespace.as_deref(),
        )));
    }
    Ok(match envelope.id {
        Some(id::LHEO) => Document::Lheo(crate::model::Lheo::from_node(&envelope)?),
        Some(id::LHEO_INDEX) => Document::LheoIndex(crate::model::LheoIndex::from_node(&envelope)?),
        Some(id::LHEO_PLUS) => Document::LheoPlus(crate::model::LheoPlus::from_node(&envelope)?),
        _ => {
            let root = envelope.name.local.clone();
            return Err(Error::invalid(Diagnostic::new(
                Rule::LheoRacine,
                format!("racine « {root} » : un document LHEO a pour racine lheo, lheo-index ou lheo-plus"),
                format!("root \"{root}\": an LHEO document's root is lheo, lheo-index or lheo-plus"),
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>
<formation numero="A"><intitule-formation>a</intitule-formation></formation>
<formation numero="B"><intitule-formation>b</intitule-formation><extras><extra/></extras></formation>
<formation numero="C"><intitule-formation>c</intitule-formation></formation>
</offres><extras info="e"/></lheo>"#;

    #[test]
    fn a_skipped_record_leaves_the_others_and_the_envelope_as_they_were() {
        let whole = || Reader::new(FEED.as_bytes());
        let Ok(mut all) = whole() else {
            panic!("the feed cannot be opened")
        };
        let nodes: Vec<RecordNode> = std::iter::from_fn(|| all.next_node()).collect();
        assert_eq!(nodes.len(), 3);
        let Ok(mut some) = whole() else {
            panic!("the feed cannot be opened")
        };
        let same = |got: Option<RecordNode>, want: &RecordNode| {
            let got = got.map(|n| (n.path, n.node));
            assert_eq!(got, Some((want.path.clone(), want.node.clone())));
        };
        same(some.next_node(), &nodes[0]);
        assert_eq!(
            some.skip_node().as_deref(),
            Some("/lheo/offres/formation[2]")
        );
        same(some.next_node(), &nodes[2]);
        assert_eq!(some.skip_node(), None);
        assert!(!some.failed());
        assert!(some.envelope().is_some());
        assert_eq!(some.envelope(), all.envelope());
    }

    /// The bytes of each record in the input, as [`Reader::record_span`] gives them.
    fn spans(input: &[u8]) -> Vec<Option<String>> {
        let Ok(mut reader) = Reader::new(input) else {
            panic!("the feed cannot be opened")
        };
        std::iter::from_fn(|| {
            reader.next_node()?;
            Some(reader.record_span().map(|(start, end)| {
                let bytes = input.get(start as usize..end as usize).unwrap_or_default();
                String::from_utf8_lossy(bytes).into_owned()
            }))
        })
        .collect()
    }

    #[test]
    fn record_spans_are_the_records_bytes_in_the_input() {
        let prefixed = FEED
            .replace("</", "</l:")
            .replace('<', "<l:")
            .replace("<l:/l:", "</l:")
            .replace(r#"xmlns="#, "xmlns:l=")
            .replacen("<l:formation ", r#"<l:formation x=">" "#, 1)
            .replacen(
                r#"<l:formation numero="C">"#,
                r#"<l:formation numero="C"/>"#,
                1,
            )
            .replacen(
                r#"<l:intitule-formation>c</l:intitule-formation></l:formation>"#,
                "",
                1,
            );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(prefixed.as_bytes());
        let got = spans(&bom);
        let first = r#"<l:formation x=">" numero="A"><l:intitule-formation>a</l:intitule-formation></l:formation>"#;
        assert_eq!(got.len(), 3, "{prefixed}");
        assert_eq!(got[0].as_deref(), Some(first));
        assert!(got[1]
            .as_deref()
            .is_some_and(|b| b.starts_with("<l:formation numero=\"B\">")
                && b.ends_with("</l:extras></l:formation>")));
        assert_eq!(got[2].as_deref(), Some(r#"<l:formation numero="C"/>"#));
        // Transcoded: the offsets are not the input's.
        let latin1 = format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{FEED}");
        assert_eq!(spans(latin1.as_bytes()), vec![None, None, None]);
    }
}
