//! The XML event layer: quick-xml underneath, plus what a conforming parser must check and
//! quick-xml leaves to us (namespaces, character ranges, names, prolog and epilog, entities),
//! line tracking and safety limits. Everything above (checker, tree builder) reads these events.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::{BytesCData, BytesDecl, BytesPI, BytesRef, BytesStart, BytesText, Event};

use super::counting::LIMIT_MESSAGE;
use super::error::{XmlError, XmlErrorKind};
pub use super::limits::Limits;
pub use super::position::Position;

mod chars;
mod describe;
mod namespaces;
mod source;
mod tag;
#[cfg(test)]
mod tests;

pub use chars::{invalid_char, is_blank, is_xml_space, predefined_entity};
pub use namespaces::{Namespaces, NsId, XML_NS, XSI_NS, XSI_NS_URI};
pub use source::{Buffered, InMemory, Slice, Source, Span};

use chars::{FLAG_CR, FLAG_GT, FLAG_INVALID, FLAG_NOT_BLANK, TEXT_FLAGS};
use describe::{
    check_chars, describe_parse_error, malformed, mismatched_end_tag, misplaced_declaration,
    unmatched_end_tag,
};
use namespaces::{Bindings, XML_NS_URI};

/// An attribute of a start tag.
#[derive(Debug, Clone, Default)]
pub struct Attribute {
    /// Namespace (prefixed attributes only).
    pub ns: Option<NsId>,
    /// Name as written, for messages.
    pub qname: String,
    /// Where the local name starts in `qname` (after the prefix's colon, if any).
    pub local_at: usize,
    /// Value after entity resolution and attribute-value normalisation.
    pub value: String,
}

/// A start tag (also produced for an empty-element tag, followed by an end).
#[derive(Debug, Clone, Default)]
pub struct StartTag {
    /// Namespace of the element.
    pub ns: Option<NsId>,
    /// Name as written, for messages.
    pub qname: String,
    /// Where the local name starts in `qname` (after the prefix's colon, if any).
    pub local_at: usize,
    /// Attributes, namespace declarations excluded.
    pub attributes: Vec<Attribute>,
    /// Where the tag is.
    pub pos: Position,
    /// Byte offset of the tag's `<` in the (UTF-8) input.
    pub offset: u64,
    /// When the tag has an `xsi:type` attribute: the namespace the prefix of its QName value
    /// is bound to in the tag's scope (`Some(None)`: no namespace). `None` when the prefix is
    /// not declared, or when there is no `xsi:type`.
    pub xsi_type_ns: Option<Option<NsId>>,
}

/// The local name of `qname`, which starts at `local_at` (after the prefix's colon, if any).
#[inline]
fn local_of(qname: &str, local_at: usize) -> &str {
    qname.get(local_at..).unwrap_or_default()
}

impl StartTag {
    /// The local name (`qname` without its prefix).
    #[inline]
    pub fn local(&self) -> &str {
        local_of(&self.qname, self.local_at)
    }
}

impl Attribute {
    /// The local name (`qname` without its prefix).
    #[inline]
    pub fn local(&self) -> &str {
        local_of(&self.qname, self.local_at)
    }
}

/// One event of the document.
#[derive(Debug)]
pub enum XmlEvent<'a> {
    /// A start tag, with the namespace table to read its namespace ids.
    Start(&'a StartTag, &'a Namespaces),
    /// The end of the innermost open element.
    End(Position),
    /// Character data between tags: adjacent text, references and CDATA sections merged
    /// (comments and processing instructions are skipped).
    Text {
        /// The characters.
        text: &'a str,
        /// Whether a CDATA section contributed (libxml2 treats it as character content).
        cdata: bool,
        /// Whether the text is XML white space only (space, tab, line ends): known from the
        /// reading, so that consumers need not scan the text again.
        blank: bool,
        /// Where the text starts.
        pos: Position,
    },
    /// End of the document (only after the root element closed).
    Eof,
    /// End of a segment read in fragment mode ([`XmlReader::resume`]): reading may go on
    /// from [`XmlReader::suspend`] with the next segment.
    Suspend,
}

/// What the reader does with text made of XML white space only, directly inside an element
/// (its consumer says, once the element's start tag came: [`XmlReader::set_blank_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlankText {
    /// Handed out as any text (the default).
    #[default]
    Keep,
    /// Left out: the element holds elements only and its consumer has no use for the white
    /// space between them (indentation). A CDATA section is handed out all the same. White
    /// space that runs up to a start or an end tag is not even read
    /// ([`Source::skip_blank_to_tag`]).
    Drop,
    /// Handed out in this element and in every element inside it, whatever they ask (free
    /// content, kept as written).
    KeepBelow,
}

/// An open element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OpenElement {
    /// Where its qualified name starts in the names of the open elements.
    name: usize,
    /// How many namespace bindings its start tag declared.
    declared: usize,
    /// What becomes of white space directly inside it.
    blank: BlankText,
}

/// Where we are in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prolog,
    Root,
    Epilog,
    Done,
}

/// What the next call returns after a pending text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Start,
    StartThenEnd,
    End(Position),
    Eof,
    Suspend,
}

/// The state of an [`XmlReader`] between two segments of one document (see
/// [`XmlReader::suspend`]): a document can be read in pieces, each from the state the previous
/// one left, with the same events and positions as in one go.
#[derive(Debug, Clone)]
pub struct XmlState {
    phase: Phase,
    seen_anything: bool,
    open: Vec<OpenElement>,
    open_names: String,
    bindings: Bindings,
    namespaces: Namespaces,
    /// Text outside the root not yet checked (prolog or epilog).
    text: String,
    text_pos: Position,
    /// 1-based line of the next byte.
    pub line: u32,
    /// Offset of the first byte of the current line.
    pub line_start: u64,
    /// Bytes consumed so far.
    pub offset: u64,
}

impl XmlState {
    /// The state at the start of a document.
    pub fn start() -> Self {
        XmlState {
            phase: Phase::Prolog,
            seen_anything: false,
            open: Vec::new(),
            open_names: String::new(),
            bindings: {
                let mut b = Bindings::default();
                b.push("xml", Some(XML_NS));
                b
            },
            namespaces: Namespaces::new(&[XML_NS_URI, XSI_NS_URI]),
            text: String::new(),
            text_pos: Position::default(),
            line: 1,
            line_start: 0,
            offset: 0,
        }
    }

    /// Whether reading from `self` and from `other` gives the same events (positions
    /// included); the namespace table is left out, its ids only matter within a segment.
    pub fn same_as(&self, other: &XmlState) -> bool {
        self.phase == other.phase
            && self.seen_anything == other.seen_anything
            && self.open == other.open
            && self.open_names == other.open_names
            && self.bindings == other.bindings
            && self.text == other.text
            && self.text_pos == other.text_pos
            && self.line == other.line
            && self.line_start == other.line_start
            && self.offset == other.offset
    }

    /// Open elements.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Moves the position to where the next segment starts.
    pub fn set_position(&mut self, line: u32, line_start: u64, offset: u64) {
        self.line = line;
        self.line_start = line_start;
        self.offset = offset;
    }
}

/// Reads XML events from a UTF-8 input. Errors are fatal: they come as a diagnostic
/// (`XML-MALFORME`, `XML-DTD`, `XML-LIMITE`, `XML-ENCODAGE`) and reading stops.
///
/// Made of its [`Source`] of quick-xml events and a core that handles each of them.
pub struct XmlReader<S: Source> {
    src: S,
    core: Core,
}

/// The reader apart from its source: what the handlers of quick-xml's events work on.
struct Core {
    limits: Limits,
    phase: Phase,
    seen_anything: bool,
    /// Open elements (their qualified names are in `open_names`, for messages).
    open: Vec<OpenElement>,
    /// The qualified names of the open elements, end to end (`open` holds where each starts).
    open_names: String,
    /// Namespace bindings in scope.
    bindings: Bindings,
    namespaces: Namespaces,
    start: StartTag,
    text: String,
    text_cdata: bool,
    /// [`Core::text`] is white space only.
    text_blank: bool,
    text_pos: Position,
    pending: Pending,
    /// A fatal error held back behind the text before it (see [`Core::text_then`]).
    failed: Option<XmlError>,
    end_after_start: bool,
    /// Fragment mode: the depth the segment started at (see [`XmlReader::resume`]).
    fragment: Option<usize>,
    /// In fragment mode: the segment closed an element it did not open.
    broken: bool,
    /// Text carried over from the previous segment, not to be cleared by the first call.
    carried_text: bool,
    /// Attributes of earlier tags, reused.
    spare_attributes: Vec<Attribute>,
}

/// What reading one quick-xml event leads to.
enum Step {
    /// Read on (character data gathered, or markup checked and skipped).
    Next,
    /// A fatal error.
    Fail(XmlError),
    /// A fatal error, after the text before it (see [`Core::text_then`]).
    FailAfterText(XmlError),
    /// The event `Pending` stands for, after the text before it if any (and inside the root).
    Flush(Pending, bool),
    /// The segment suspends.
    Suspend,
    /// The end of a segment's input.
    SegmentEnd,
}

/// Where a tag read from `before` to `after` is reported: the line of its closing bracket (at
/// column 1 when the tag spans lines).
#[inline]
fn tag_position(before: Position, after: Position) -> Position {
    Position {
        line: after.line,
        column: if before.line == after.line {
            before.column
        } else {
            1
        },
    }
}

/// A comment (read at `before`): skipped once its characters are checked (quick-xml checks
/// `--`).
fn on_comment(c: &BytesText<'_>, before: Position) -> Result<(), XmlError> {
    check_chars(c, before)
}

/// A processing instruction (read at `before`): skipped, but an `<?xml` one is a misplaced XML
/// declaration.
fn on_pi(pi: &BytesPI<'_>, before: Position) -> Result<(), XmlError> {
    if pi.target().eq_ignore_ascii_case("xml") {
        return Err(misplaced_declaration(before));
    }
    Ok(())
}

pub use crate::xml::names::{is_ncname, is_xml_name};

impl<R: BufRead> XmlReader<Buffered<R>> {
    /// Reads from `input` (which must yield UTF-8: see [`super::decode`]).
    pub fn new(input: R, limits: Limits) -> Self {
        XmlReader::resume_to_end(input, limits, XmlState::start())
    }

    /// Reads a segment of a document from `state` (where the previous segment stopped, or a
    /// state prepared for the segment's start). The end of `input` is the end of the segment:
    /// [`XmlEvent::Suspend`] instead of the end-of-document checks. With `fragment`, closing an
    /// element that was open when the segment started also suspends, and marks the segment
    /// [`broken`](XmlReader::broken).
    pub fn resume(input: R, limits: Limits, state: XmlState, fragment: bool) -> Self {
        let src = Buffered::new(input, limits, &state);
        XmlReader::from_parts(src, limits, state, Some(fragment))
    }

    /// Reads on from `state` to the end of the document.
    pub fn resume_to_end(input: R, limits: Limits, state: XmlState) -> Self {
        let src = Buffered::new(input, limits, &state);
        XmlReader::from_parts(src, limits, state, None)
    }
}

impl<'a> XmlReader<InMemory<'a>> {
    /// Reads a segment of a document already in memory (UTF-8), as
    /// [`XmlReader::resume`] does, without a buffer to refill (see [`InMemory`]).
    pub fn resume_in_memory(
        bytes: &'a [u8],
        limits: Limits,
        state: XmlState,
        fragment: bool,
    ) -> Self {
        let src = InMemory::new(bytes, limits, &state);
        XmlReader::from_parts(src, limits, state, Some(fragment))
    }
}

impl<S: Source> XmlReader<S> {
    /// Reads `src` from `state`; with `fragment`, a segment (in fragment mode when `true`).
    fn from_parts(src: S, limits: Limits, state: XmlState, fragment: Option<bool>) -> Self {
        let fragment = fragment.map(|f| if f { state.open.len() } else { 0 });
        XmlReader {
            src,
            core: Core {
                limits,
                phase: state.phase,
                seen_anything: state.seen_anything,
                open: state.open,
                open_names: state.open_names,
                bindings: state.bindings,
                namespaces: state.namespaces,
                start: StartTag::default(),
                text_blank: is_blank(&state.text),
                text: state.text,
                text_cdata: false,
                text_pos: state.text_pos,
                pending: Pending::None,
                failed: None,
                end_after_start: false,
                fragment,
                broken: false,
                carried_text: true,
                spare_attributes: Vec::new(),
            },
        }
    }

    /// The state to read the next segment from. Call it once [`XmlEvent::Suspend`] came.
    pub fn suspend(mut self) -> XmlState {
        let (line, _, offset) = self.src.position();
        let line_start = self.src.line_start();
        let mut core = self.core;
        if !core.open.is_empty() {
            // Text inside the root was handed out at the segment's end.
            core.text.clear();
            core.text_pos = Position::default();
        }
        XmlState {
            phase: core.phase,
            seen_anything: core.seen_anything,
            open: core.open,
            open_names: core.open_names,
            bindings: core.bindings,
            namespaces: core.namespaces,
            text: core.text,
            text_pos: core.text_pos,
            line,
            line_start,
            offset,
        }
    }

    /// In fragment mode: whether the segment closed an element it did not open (it was not
    /// cut where its reader expected).
    pub fn broken(&self) -> bool {
        self.core.broken
    }

    /// The URI of an interned namespace.
    pub fn namespace(&self, id: NsId) -> &str {
        self.core.namespaces.uri(id)
    }

    /// Current nesting depth (open elements).
    pub fn depth(&self) -> usize {
        self.core.open.len()
    }

    /// Bytes of input consumed so far.
    pub fn offset(&self) -> u64 {
        self.src.offset()
    }

    /// Starts hashing the input consumed from here on (see [`XmlReader::take_digest`]).
    pub fn digest_input(&mut self) {
        self.src.digest_from_here();
    }

    /// When hashing the input: hashes from `offset` on instead (see
    /// [`Source::restart_digest_at`]).
    pub fn restart_digest_at(&mut self, offset: u64) {
        self.src.restart_digest_at(offset);
    }

    /// A hash of the input consumed since the last call (or since
    /// [`XmlReader::digest_input`], [`XmlReader::restart_digest_at`]) and of the namespace
    /// bindings in scope: the same bytes read in the same scope hash the same. `None` when
    /// not hashing, or when the start asked for was gone.
    pub fn take_digest(&mut self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let bytes = self.src.take_digest()?;
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        h.write_u64(bytes);
        for (prefix, ns) in self.core.bindings.iter() {
            prefix.hash(&mut h);
            ns.map(|id| self.core.namespaces.uri(id)).hash(&mut h);
        }
        Some(h.finish())
    }

    /// Says what becomes of white-space-only text directly inside the innermost open element
    /// (call it after its [`XmlEvent::Start`]): inside an element marked
    /// [`BlankText::KeepBelow`], nothing changes.
    pub fn set_blank_text(&mut self, blank: BlankText) {
        if let Some(open) = self.core.open.last_mut() {
            if open.blank != BlankText::KeepBelow {
                open.blank = blank;
            }
        }
    }

    /// The next event, or a fatal diagnostic: first one an earlier call decided (held back
    /// behind a text, the end of an empty-element tag, the end of a finished document), else
    /// the next one read.
    ///
    /// Reading is one `match` on quick-xml's event kind, one handler per kind
    /// ([`Core::on_event`]): character data (text, references, CDATA sections) is gathered by
    /// its handlers and handed out before the next tag; comments, processing instructions, the
    /// declaration and the DOCTYPE are checked and skipped; tags and the end of input produce
    /// the events.
    pub fn next_event(&mut self) -> Result<XmlEvent<'_>, XmlError> {
        if let Some(e) = self.core.failed.take() {
            return Err(e);
        }
        match std::mem::replace(&mut self.core.pending, Pending::None) {
            Pending::None => {}
            next => return Ok(self.core.emit(next)),
        }
        if self.core.end_after_start {
            self.core.end_after_start = false;
            let pos = self.core.start.pos;
            return Ok(self.core.close(pos));
        }
        if self.core.phase == Phase::Done {
            return Ok(XmlEvent::Eof);
        }
        self.read_next()
    }

    /// Reads quick-xml events up to the next event of ours.
    #[inline(always)]
    fn read_next(&mut self) -> Result<XmlEvent<'_>, XmlError> {
        let core = &mut self.core;
        if !std::mem::take(&mut core.carried_text) {
            core.text.clear();
            core.text_cdata = false;
            core.text_blank = true;
        }
        // White space up to a tag that would be dropped before it: not even read.
        if core.drops_blank_ahead() {
            self.src.skip_blank_to_tag();
        }
        loop {
            // The event borrows the source while the core handles it.
            let step = self.src.read(|event, span| core.on_event(event, span));
            return match step {
                Step::Next => continue,
                Step::Fail(e) => Err(e),
                Step::FailAfterText(e) => core.text_then(e),
                Step::Flush(next, inside) => Ok(core.flush_or(next, inside)),
                Step::Suspend => Ok(XmlEvent::Suspend),
                Step::SegmentEnd => Ok(core.on_segment_end()),
            };
        }
    }
}

impl Core {
    /// The error for a tag or a text larger than the limit.
    fn too_large(&self, pos: Position) -> XmlError {
        let mb = self.limits.max_event_bytes / (1024 * 1024);
        XmlError::new(
            XmlErrorKind::Limit,
            pos,
            format!("balise ou texte de plus de {mb} Mo : refusé"),
            format!("tag or text larger than {mb} MB: refused"),
        )
    }

    /// Refuses a text that grew past the limit: adjacent text, references and CDATA sections
    /// are merged, each of them under the limit of the buffer.
    #[inline(always)]
    fn check_text_size(&self) -> Result<(), XmlError> {
        if self.text.len() as u64 > self.limits.max_event_bytes {
            return Err(self.too_large(self.text_pos));
        }
        Ok(())
    }

    /// One quick-xml event (lying at `span`), one handler per kind.
    #[inline(always)]
    fn on_event(&mut self, event: &quick_xml::Result<Event<'_>>, span: Span) -> Step {
        let before = span.before;
        let event = match event {
            Ok(e) => e,
            Err(e) => return Step::FailAfterText(self.parse_error(e, before)),
        };
        let handled = match event {
            Event::Text(t) => self.on_text(t, before),
            Event::GeneralRef(r) => self.on_reference(r, before),
            Event::CData(c) => self.on_cdata(c, before),
            Event::Comment(c) => on_comment(c, before),
            Event::PI(pi) => on_pi(pi, before),
            Event::Decl(d) => self.on_decl(d, before),
            Event::DocType(dt) => self.on_doctype(dt, before),
            Event::Start(s) => return self.on_start(s, span, Pending::Start),
            // An empty-element tag's end follows its start.
            Event::Empty(s) => return self.on_start(s, span, Pending::StartThenEnd),
            Event::End(e) => {
                return match self.on_end(e.name().0, before) {
                    Ok(true) => Step::Flush(Pending::End(tag_position(before, span.after)), true),
                    Ok(false) => Step::Suspend,
                    Err(e) => Step::FailAfterText(e),
                };
            }
            Event::Eof if self.fragment.is_some() => return Step::SegmentEnd,
            Event::Eof => {
                return match self.on_document_end(span.after) {
                    // Inside an unclosed root, the text before the end is handed out first,
                    // as a segment's end hands it out (same findings however the document
                    // was cut).
                    Err(e) => Step::FailAfterText(e),
                    Ok(()) => Step::Flush(Pending::Eof, false),
                };
            }
        };
        match handled {
            Ok(()) => {
                self.seen_anything = true;
                Step::Next
            }
            Err(e) => Step::Fail(e),
        }
    }

    /// Character data: checked (forbidden characters, `]]>`), line ends read as XML 1.0 does,
    /// added to the text.
    #[inline(always)]
    fn on_text(&mut self, t: &BytesText<'_>, before: Position) -> Result<(), XmlError> {
        // One pass tells what needs a closer look (rare): a forbidden character, a CR (XML 1.0
        // line ends read as LF), a `>` (of `]]>`).
        let flags = t
            .as_bytes()
            .iter()
            .fold(0u8, |acc, &b| acc | TEXT_FLAGS[usize::from(b)]);
        let raw: Cow<'_, str> = if flags & FLAG_CR != 0 {
            t.xml10_content()
        } else {
            Cow::Borrowed(t)
        };
        if flags & FLAG_INVALID != 0 {
            check_chars(&raw, before)?;
        }
        self.text_blank &= flags & FLAG_NOT_BLANK == 0;
        let bytes = raw.as_bytes();
        if flags & FLAG_GT != 0
            && memchr::memchr_iter(b'>', bytes).any(|i| i >= 2 && &bytes[i - 2..i] == b"]]")
        {
            return Err(malformed(
                before,
                "« ]]> » interdit dans le texte",
                "\"]]>\" not allowed in text",
            ));
        }
        self.push_text(&raw, before)
    }

    /// A character or entity reference: a character reference to an allowed character, or one
    /// of the five predefined entities (there is no DTD), added to the text.
    fn on_reference(&mut self, r: &BytesRef<'_>, before: Position) -> Result<(), XmlError> {
        let c = if r.is_char_ref() {
            match r.resolve_char_ref() {
                Ok(Some(c)) if invalid_char(c.encode_utf8(&mut [0; 4])).is_none() => c,
                _ => {
                    return Err(malformed(
                        before,
                        format!("référence de caractère invalide « &{}; »", &**r),
                        format!("invalid character reference \"&{};\"", &**r),
                    ));
                }
            }
        } else {
            match predefined_entity(r) {
                Some(c) => c,
                None => {
                    return Err(malformed(
                        before,
                        format!(
                            "entité « &{}; » non définie (seules &amp; &lt; &gt; &apos; &quot; \
                             existent sans DTD)",
                            &**r
                        ),
                        format!("undefined entity \"&{};\"", &**r),
                    ));
                }
            }
        };
        self.text_blank &= is_xml_space(c);
        self.push_text(c.encode_utf8(&mut [0; 4]), before)
    }

    /// A CDATA section: checked, line ends read as XML 1.0 does, added to the text (which then
    /// counts as character content even when empty).
    fn on_cdata(&mut self, c: &BytesCData<'_>, before: Position) -> Result<(), XmlError> {
        let raw = c.xml10_content();
        check_chars(&raw, before)?;
        self.text_blank &= is_blank(&raw);
        self.push_text(&raw, before)?;
        self.text_cdata = true;
        Ok(())
    }

    /// Adds `s` (read at `before`) to the text, within the size limit.
    #[inline(always)]
    fn push_text(&mut self, s: &str, before: Position) -> Result<(), XmlError> {
        if self.text.is_empty() {
            self.text_pos = before;
        }
        self.text.push_str(s);
        self.check_text_size()
    }

    /// The XML declaration: only as the very first thing in the input, version 1.x.
    fn on_decl(&self, d: &BytesDecl<'_>, before: Position) -> Result<(), XmlError> {
        if self.seen_anything || before.line != 1 || before.column != 1 {
            return Err(misplaced_declaration(before));
        }
        match d.version() {
            Ok(v) if v.starts_with("1.") => Ok(()),
            _ => Err(malformed(
                before,
                "version XML inconnue dans la déclaration",
                "unknown XML version in the declaration",
            )),
        }
    }

    /// A DOCTYPE: only in the prolog, and never one that declares entities (none is resolved).
    fn on_doctype(&self, dt: &BytesText<'_>, before: Position) -> Result<(), XmlError> {
        if self.phase != Phase::Prolog {
            return Err(malformed(
                before,
                "DOCTYPE après le début du document",
                "DOCTYPE after the document started",
            ));
        }
        if dt.contains("<!ENTITY") {
            return Err(XmlError::new(
                XmlErrorKind::Dtd,
                before,
                "le DOCTYPE déclare des entités : refusé pour la sécurité (aucune entité n'est \
                 résolue)",
                "the DOCTYPE declares entities: refused for safety (no entity is resolved)",
            ));
        }
        Ok(())
    }

    /// A start tag or an empty-element tag lying at `span`: opens its element, then `next`
    /// comes (after the text before it, when the tag is inside the root).
    #[inline(always)]
    fn on_start(&mut self, s: &BytesStart<'_>, span: Span, next: Pending) -> Step {
        self.seen_anything = true;
        let inside = !self.open.is_empty();
        self.start.offset = span.offset;
        match self.begin_element(s, tag_position(span.before, span.after)) {
            Ok(()) => Step::Flush(next, inside),
            Err(e) => Step::FailAfterText(e),
        }
    }

    /// An end tag named `name` (read at `before`): it must close the innermost open element.
    /// Returns `false` when, in fragment mode, it closes an element the segment did not open
    /// (the segment is then [`broken`](XmlReader::broken) and suspends).
    #[inline(always)]
    fn on_end(&mut self, name: &str, before: Position) -> Result<bool, XmlError> {
        if self
            .fragment
            .is_some_and(|base| base > 0 && self.open.len() <= base)
        {
            self.broken = true;
            return Ok(false);
        }
        match self.open.last() {
            Some(open) if self.open_names[open.name..] == *name => Ok(true),
            Some(open) => {
                let (fr, en) = mismatched_end_tag(name, &self.open_names[open.name..]);
                Err(malformed(before, fr, en))
            }
            None => {
                let (fr, en) = unmatched_end_tag(name);
                Err(malformed(before, fr, en))
            }
        }
    }

    /// The end of a segment's input (fragment mode): suspends, after the text inside the root
    /// (segments are cut before a tag); outside it, the text is kept for the end-of-document
    /// checks. A segment that does not end at the depth it started at is broken.
    fn on_segment_end(&mut self) -> XmlEvent<'_> {
        if self
            .fragment
            .is_some_and(|base| base > 0 && self.open.len() != base)
        {
            self.broken = true;
            return XmlEvent::Suspend;
        }
        if self.open.is_empty() {
            return XmlEvent::Suspend;
        }
        self.flush_or(Pending::Suspend, true)
    }

    /// The end of the input (read up to `after`): the document must have had a root, closed
    /// it, and have nothing but white space after it.
    fn on_document_end(&mut self, after: Position) -> Result<(), XmlError> {
        match self.phase {
            Phase::Prolog => Err(malformed(
                after,
                "document vide : aucun élément racine",
                "empty document: no root element",
            )),
            Phase::Root => {
                let name = self
                    .open
                    .last()
                    .map(|open| &self.open_names[open.name..])
                    .unwrap_or_default();
                Err(malformed(
                    after,
                    format!(
                        "fin de fichier inattendue : l'élément « {name} » n'est pas fermé \
                         (fichier tronqué ?)"
                    ),
                    format!(
                        "unexpected end of file: element \"{name}\" is not closed (truncated \
                         file?)"
                    ),
                ))
            }
            _ if !is_blank(&self.text) => Err(malformed(
                self.text_pos,
                "texte après l'élément racine",
                "text after the root element",
            )),
            _ => {
                self.phase = Phase::Done;
                Ok(())
            }
        }
    }

    /// A fatal error at a tag after character data inside the root: the text is handed out
    /// first and the error on the next call, so that the text's findings do not depend on
    /// where a document was cut into segments (at the end of a segment, its text is handed
    /// out before the next segment's tag is read).
    fn text_then(&mut self, e: XmlError) -> Result<XmlEvent<'_>, XmlError> {
        if (!self.text.is_empty() || self.text_cdata) && !self.open.is_empty() {
            self.failed = Some(e);
            return Ok(XmlEvent::Text {
                text: &self.text,
                cdata: self.text_cdata,
                blank: self.text_blank,
                pos: self.text_pos,
            });
        }
        Err(e)
    }

    /// Returns the accumulated text first (if any, and `inside` the root), else `next` directly.
    /// An empty CDATA section still counts (libxml2 refuses it in element-only content).
    fn flush_or(&mut self, next: Pending, inside: bool) -> XmlEvent<'_> {
        if (!self.text.is_empty() || self.text_cdata) && inside && !self.drops_text(next) {
            self.pending = next;
            return XmlEvent::Text {
                text: &self.text,
                cdata: self.text_cdata,
                blank: self.text_blank,
                pos: self.text_pos,
            };
        }
        self.text.clear();
        self.emit(next)
    }

    /// Whether the text read before `next` is white space its element drops
    /// ([`BlankText::Drop`]). Before a start tag, that element is the one under the new one.
    #[inline(always)]
    fn drops_text(&self, next: Pending) -> bool {
        if !self.text_blank || self.text_cdata {
            return false;
        }
        let holder = match next {
            Pending::Start | Pending::StartThenEnd => self.open.len().checked_sub(2),
            _ => self.open.len().checked_sub(1),
        };
        holder
            .and_then(|i| self.open.get(i))
            .is_some_and(|o| o.blank == BlankText::Drop)
    }

    /// Whether white space read now, with no text before it, would be dropped before the next
    /// tag ([`Core::drops_text`]; its holder is the innermost open element, whether the tag
    /// ends it or starts a child): the source may then pass over it unread.
    #[inline(always)]
    fn drops_blank_ahead(&self) -> bool {
        self.text.is_empty() && self.drops_text(Pending::None)
    }

    /// The event `next` stands for (an empty-element tag's start also queues its end).
    #[inline(always)]
    fn emit(&mut self, next: Pending) -> XmlEvent<'_> {
        match next {
            Pending::Start => XmlEvent::Start(&self.start, &self.namespaces),
            Pending::StartThenEnd => {
                self.end_after_start = true;
                XmlEvent::Start(&self.start, &self.namespaces)
            }
            Pending::End(pos) => self.close(pos),
            Pending::Suspend => XmlEvent::Suspend,
            Pending::Eof | Pending::None => XmlEvent::Eof,
        }
    }

    /// Closes the innermost open element (inlined: its event is then written where the caller
    /// returns it, not copied there piece by piece).
    #[inline(always)]
    fn close(&mut self, pos: Position) -> XmlEvent<'_> {
        if let Some(open) = self.open.pop() {
            self.open_names.truncate(open.name);
            let keep = self.bindings.len() - open.declared;
            self.bindings.truncate(keep);
        }
        if self.open.is_empty() {
            self.phase = Phase::Epilog;
        }
        XmlEvent::End(pos)
    }

    fn parse_error(&self, e: &quick_xml::Error, pos: Position) -> XmlError {
        if let quick_xml::Error::Io(io) = e {
            if io.to_string().contains(LIMIT_MESSAGE) {
                return self.too_large(pos);
            }
            if io.kind() == std::io::ErrorKind::InvalidData {
                return XmlError::new(
                    XmlErrorKind::Encoding,
                    pos,
                    format!("octets invalides pour l'encodage du document : {io}"),
                    format!("invalid bytes for the document's encoding: {io}"),
                );
            }
        }
        if let quick_xml::Error::Encoding(_) = e {
            return XmlError::new(
                XmlErrorKind::Encoding,
                pos,
                "octets qui ne sont pas de l'UTF-8 valide : déclarez l'encodage réel du fichier \
                 (par exemple <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>) ou convertissez-le \
                 en UTF-8",
                "bytes that are not valid UTF-8: declare the file's actual encoding (for example \
                 <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>) or convert it to UTF-8",
            );
        }
        let (fr, en) = describe_parse_error(e);
        malformed(pos, fr, en)
    }
}
