//! The XML event layer: quick-xml underneath, plus what a conforming parser must check and
//! quick-xml leaves to us (namespaces, character ranges, names, prolog and epilog, entities),
//! line tracking and safety limits. Everything above (checker, tree builder) reads these events.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::attributes::{AttrError, Attribute as QAttribute};
use quick_xml::events::{BytesCData, BytesDecl, BytesPI, BytesRef, BytesStart, BytesText, Event};
use quick_xml::XmlVersion;

use super::counting::{Counting, LIMIT_MESSAGE};
use super::error::{XmlError, XmlErrorKind};
pub use super::limits::Limits;
pub use super::position::Position;

/// An interned namespace URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NsId(pub u32);

/// `http://www.w3.org/XML/1998/namespace`, bound to `xml`.
pub const XML_NS: NsId = NsId(0);
/// `http://www.w3.org/2001/XMLSchema-instance`.
pub const XSI_NS: NsId = NsId(1);
const XML_NS_URI: &str = "http://www.w3.org/XML/1998/namespace";
/// The XML Schema instance namespace (`xsi:`).
pub const XSI_NS_URI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XMLNS_NS_URI: &str = "http://www.w3.org/2000/xmlns/";

/// The namespace URIs seen in a document, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespaces {
    uris: Vec<String>,
    /// Id by URI: a document declaring thousands of namespaces must not make reading quadratic.
    ids: HashMap<String, u32>,
}

impl Namespaces {
    fn new(uris: &[&str]) -> Self {
        let mut namespaces = Namespaces::default();
        for uri in uris {
            namespaces.intern(uri);
        }
        namespaces
    }

    /// The URI of `id`.
    pub fn uri(&self, id: NsId) -> &str {
        self.uris
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    fn intern(&mut self, uri: &str) -> NsId {
        if let Some(&i) = self.ids.get(uri) {
            return NsId(i);
        }
        let id = self.uris.len() as u32;
        self.uris.push(uri.to_owned());
        self.ids.insert(uri.to_owned(), id);
        NsId(id)
    }
}

/// The namespace bindings in scope, innermost last. A document declares a handful: they are
/// searched from the end. Past [`Bindings::SCANNED`], an index by prefix answers instead, so
/// that thousands of declarations cannot make every element name cost thousands of
/// comparisons.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Bindings {
    /// (prefix, uri) in declaration order. The empty prefix is the default namespace; `None`
    /// uri = undeclared default namespace.
    list: Vec<(String, Option<NsId>)>,
    /// The bindings of each prefix, innermost last, with their place in `list`.
    index: HashMap<String, Vec<(Option<NsId>, usize)>>,
}

impl Bindings {
    /// Longest list searched element by element.
    const SCANNED: usize = 16;

    fn len(&self) -> usize {
        self.list.len()
    }

    fn push(&mut self, prefix: &str, ns: Option<NsId>) {
        let at = self.list.len();
        self.list.push((prefix.to_owned(), ns));
        self.index
            .entry(prefix.to_owned())
            .or_default()
            .push((ns, at));
    }

    /// Drops the bindings past the first `len` (none, for most elements: inlined then).
    #[inline]
    fn truncate(&mut self, len: usize) {
        if self.list.len() > len {
            self.drop_past(len);
        }
    }

    fn drop_past(&mut self, len: usize) {
        while self.list.len() > len {
            let Some((prefix, _)) = self.list.pop() else {
                break;
            };
            if let Some(stack) = self.index.get_mut(&prefix) {
                stack.pop();
                if stack.is_empty() {
                    self.index.remove(&prefix);
                }
            }
        }
    }

    fn lookup(&self, prefix: &str) -> Option<Option<NsId>> {
        if self.list.len() <= Self::SCANNED {
            return self
                .list
                .iter()
                .rev()
                .find(|(p, _)| p == prefix)
                .map(|(_, ns)| *ns);
        }
        self.index
            .get(prefix)
            .and_then(|stack| stack.last().map(|&(ns, _)| ns))
    }

    /// Whether `prefix` is bound by one of the last `n` bindings (those of the tag being read).
    fn among_last(&self, n: usize, prefix: &str) -> bool {
        let from = self.list.len().saturating_sub(n);
        if n <= Self::SCANNED {
            return self.list[from..].iter().any(|(p, _)| p == prefix);
        }
        self.index
            .get(prefix)
            .and_then(|stack| stack.last())
            .is_some_and(|&(_, at)| at >= from)
    }
}

/// An attribute of a start tag.
#[derive(Debug, Clone, Default)]
pub struct Attribute {
    /// Namespace (prefixed attributes only).
    pub ns: Option<NsId>,
    /// Local name.
    pub local: String,
    /// Name as written, for messages.
    pub qname: String,
    /// Value after entity resolution and attribute-value normalisation.
    pub value: String,
}

/// A start tag (also produced for an empty-element tag, followed by an end).
#[derive(Debug, Clone, Default)]
pub struct StartTag {
    /// Namespace of the element.
    pub ns: Option<NsId>,
    /// Local name.
    pub local: String,
    /// Name as written, for messages.
    pub qname: String,
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
    /// space between them (indentation). A CDATA section is handed out all the same.
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
pub struct XmlReader<R: BufRead> {
    reader: quick_xml::Reader<Counting<R>>,
    buf: Vec<u8>,
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
    /// [`XmlReader::text`] is white space only.
    text_blank: bool,
    text_pos: Position,
    pending: Pending,
    /// A fatal error held back behind the text before it (see [`XmlReader::text_then`]).
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

fn malformed(pos: Position, fr: impl Into<String>, en: impl Into<String>) -> XmlError {
    XmlError::new(XmlErrorKind::Malformed, pos, fr, en)
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

/// Refuses `text` (read at `pos`) if it has a character XML 1.0 does not allow.
fn check_chars(text: &str, pos: Position) -> Result<(), XmlError> {
    match invalid_char(text) {
        Some(c) => Err(malformed(
            pos,
            format!("caractère interdit en XML (U+{:04X})", c as u32),
            format!("character not allowed in XML (U+{:04X})", c as u32),
        )),
        None => Ok(()),
    }
}

/// The finding for an XML declaration (or an `<?xml` processing instruction) at `pos` that is
/// not at the start of the input.
#[cold]
fn misplaced_declaration(pos: Position) -> XmlError {
    malformed(
        pos,
        "déclaration XML ailleurs qu'au début du fichier",
        "XML declaration not at the start of the file",
    )
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

/// Bytes that may start a character XML 1.0 does not allow: controls other than tab and line
/// ends, and 0xEF (U+FFFE, U+FFFF).
static SUSPICIOUS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    t[0xEF] = true;
    t
};

/// What a text byte may need a closer look for (see [`TEXT_FLAGS`]).
const FLAG_INVALID: u8 = 1;
const FLAG_CR: u8 = 2;
const FLAG_GT: u8 = 4;
/// Not XML white space: the text is not blank.
const FLAG_NOT_BLANK: u8 = 8;

/// Flags of each byte in text: [`FLAG_INVALID`] for [`SUSPICIOUS`] bytes, [`FLAG_CR`] for
/// `\r`, [`FLAG_GT`] for `>`, [`FLAG_NOT_BLANK`] for all but space, tab, CR and LF.
static TEXT_FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if SUSPICIOUS[b] {
            t[b] |= FLAG_INVALID;
        }
        b += 1;
    }
    t[b'\r' as usize] |= FLAG_CR;
    t[b'>' as usize] |= FLAG_GT;
    let mut b = 0;
    while b < 256 {
        if !matches!(b as u8, b' ' | b'\t' | b'\r' | b'\n') {
            t[b] |= FLAG_NOT_BLANK;
        }
        b += 1;
    }
    t
};

/// The first character XML 1.0 does not allow, if any.
pub fn invalid_char(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    let suspicious = bytes.iter().any(|&b| SUSPICIOUS[usize::from(b)]);
    if !suspicious {
        return None;
    }
    s.chars().find(|&c| {
        let u = c as u32;
        (u < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || u == 0xFFFE || u == 0xFFFF
    })
}

pub use crate::xml::names::{is_ncname, is_xml_name};

/// A French and an English sentence for a parser error.
fn describe_parse_error(e: &quick_xml::Error) -> (String, String) {
    match e {
        quick_xml::Error::Syntax(s) => describe_syntax_error(s),
        quick_xml::Error::IllFormed(i) => describe_ill_formed(i),
        quick_xml::Error::InvalidAttr(a) => describe_attribute_error(a),
        other => (
            format!("XML mal formé ({other})"),
            format!("malformed XML: {other}"),
        ),
    }
}

/// A French and an English sentence for two strings.
fn pair(fr: &str, en: &str) -> (String, String) {
    (fr.to_owned(), en.to_owned())
}

/// A French and an English sentence for markup quick-xml could not read.
fn describe_syntax_error(s: &quick_xml::errors::SyntaxError) -> (String, String) {
    use quick_xml::errors::SyntaxError as S;
    match s {
        S::InvalidBangMarkup => pair(
            "balisage « <! » inconnu (attendu un commentaire, une section CDATA ou un DOCTYPE)",
            "unknown \"<!\" markup (expected a comment, a CDATA section or a DOCTYPE)",
        ),
        S::UnclosedPI => pair(
            "instruction de traitement « <? » non fermée",
            "unclosed processing instruction \"<?\"",
        ),
        S::UnclosedXmlDecl => pair("déclaration XML non fermée", "unclosed XML declaration"),
        S::UnclosedComment => pair(
            "commentaire « <!-- » non fermé",
            "unclosed comment \"<!--\"",
        ),
        S::UnclosedDoctype => pair("DOCTYPE non fermé", "unclosed DOCTYPE"),
        S::UnclosedCData => pair("section CDATA non fermée", "unclosed CDATA section"),
        S::UnclosedTag => pair(
            "balise non fermée (« > » manquant : fichier tronqué ?)",
            "unclosed tag (missing \">\": truncated file?)",
        ),
        S::UnclosedSingleQuotedAttributeValue | S::UnclosedDoubleQuotedAttributeValue => pair(
            "valeur d'attribut non fermée (guillemet manquant)",
            "unclosed attribute value (missing quote)",
        ),
    }
}

/// A French and an English sentence for markup quick-xml read but XML does not allow.
fn describe_ill_formed(i: &quick_xml::errors::IllFormedError) -> (String, String) {
    use quick_xml::errors::IllFormedError as I;
    match i {
        I::MismatchedEndTag { expected, found } => (
            format!("balise fermante « </{found}> » alors que « <{expected}> » est ouvert"),
            format!("end tag \"</{found}>\" while \"<{expected}>\" is open"),
        ),
        I::UnmatchedEndTag(name) => (
            format!("balise fermante « </{name}> » sans balise ouvrante"),
            format!("end tag \"</{name}>\" without a start tag"),
        ),
        I::MissingEndTag(name) => (
            format!("l'élément « {name} » n'est pas fermé"),
            format!("element \"{name}\" is not closed"),
        ),
        I::DoubleHyphenInComment => pair(
            "« -- » interdit dans un commentaire",
            "\"--\" not allowed in a comment",
        ),
        I::UnclosedReference => pair(
            "« & » isolé : écrire &amp; (ou une référence complète comme &lt;)",
            "lone \"&\": write &amp; (or a complete reference like &lt;)",
        ),
        I::MissingDeclVersion(_) | I::UnknownVersion => pair(
            "déclaration XML sans version 1.x",
            "XML declaration without a 1.x version",
        ),
        I::MissingDoctypeName => pair("DOCTYPE sans nom", "DOCTYPE without a name"),
    }
}

/// A French and an English sentence for a malformed attribute.
fn describe_attribute_error(a: &AttrError) -> (String, String) {
    match a {
        AttrError::ExpectedEq(_) => pair("attribut sans « = »", "attribute without \"=\""),
        AttrError::ExpectedValue(_) | AttrError::UnquotedValue(_) => pair(
            "valeur d'attribut manquante ou sans guillemets",
            "attribute value missing or unquoted",
        ),
        AttrError::Duplicated(..) => pair("attribut en double", "duplicate attribute"),
        AttrError::ExpectedQuote(..) => pair(
            "valeur d'attribut non fermée (guillemet manquant)",
            "unclosed attribute value (missing quote)",
        ),
    }
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// Whether `text` is only XML white space (`#x20 | #x9 | #xD | #xA`), or nothing.
#[inline]
pub fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The finding for attribute `key` written twice in one start tag (at `pos`).
fn duplicate(key: &str, pos: Position) -> XmlError {
    malformed(
        pos,
        format!("attribut « {key} » en double"),
        format!("duplicate attribute \"{key}\""),
    )
}

/// The finding for a malformed attribute of a start tag at `pos` (duplicates are the reader's
/// own finding: [`duplicate`]).
fn attribute_error(e: AttrError, pos: Position) -> XmlError {
    let (fr, en) = describe_parse_error(&quick_xml::Error::InvalidAttr(e));
    malformed(pos, fr, en)
}

/// The checked and normalised value of attribute `a` (named `key`).
#[inline]
fn attribute_value<'a>(
    a: &QAttribute<'a>,
    key: &str,
    pos: Position,
) -> Result<Cow<'a, str>, XmlError> {
    if !is_xml_name(key) {
        return Err(malformed(
            pos,
            format!("nom d'attribut invalide « {key} »"),
            format!("invalid attribute name \"{key}\""),
        ));
    }
    let raw = &*a.value;
    if raw.as_bytes().contains(&b'<') {
        return Err(malformed(
            pos,
            format!("« < » interdit dans la valeur de l'attribut « {key} »"),
            format!("\"<\" not allowed in the value of attribute \"{key}\""),
        ));
    }
    if let Some(c) = invalid_char(raw) {
        return Err(malformed(
            pos,
            format!(
                "caractère interdit (U+{:04X}) dans l'attribut « {key} »",
                c as u32
            ),
            format!(
                "character not allowed (U+{:04X}) in attribute \"{key}\"",
                c as u32
            ),
        ));
    }
    a.normalized_value(XmlVersion::Implicit1_0).map_err(|e| {
        malformed(
            pos,
            format!("valeur de l'attribut « {key} » : {e}"),
            format!("value of attribute \"{key}\": {e}"),
        )
    })
}

/// Whether an attribute `(ns, local)` is among `before`. A few attributes are compared one by
/// one; many (hostile input) go through a set, so that a tag with a million attributes is not
/// a trillion comparisons.
#[inline]
fn is_duplicate(
    before: &[Attribute],
    ns: Option<NsId>,
    local: &str,
    seen: &mut Option<HashSet<(Option<NsId>, String)>>,
) -> bool {
    if before.len() < Bindings::SCANNED {
        return before.iter().any(|a| a.ns == ns && a.local == local);
    }
    let set = seen.get_or_insert_with(|| before.iter().map(|a| (a.ns, a.local.clone())).collect());
    !set.insert((ns, local.to_owned()))
}

impl<R: BufRead> XmlReader<R> {
    /// Reads from `input` (which must yield UTF-8: see [`super::decode`]).
    pub fn new(input: R, limits: Limits) -> Self {
        XmlReader::from_state(input, limits, XmlState::start(), None)
    }

    /// Reads a segment of a document from `state` (where the previous segment stopped, or a
    /// state prepared for the segment's start). The end of `input` is the end of the segment:
    /// [`XmlEvent::Suspend`] instead of the end-of-document checks. With `fragment`, closing an
    /// element that was open when the segment started also suspends, and marks the segment
    /// [`broken`](XmlReader::broken).
    pub fn resume(input: R, limits: Limits, state: XmlState, fragment: bool) -> Self {
        let base = if fragment { state.open.len() } else { 0 };
        XmlReader::from_state(input, limits, state, Some(base))
    }

    /// Reads on from `state` to the end of the document.
    pub fn resume_to_end(input: R, limits: Limits, state: XmlState) -> Self {
        XmlReader::from_state(input, limits, state, None)
    }

    fn from_state(input: R, limits: Limits, state: XmlState, fragment: Option<usize>) -> Self {
        let counting = Counting::resume(
            input,
            limits.max_event_bytes,
            state.line,
            state.line_start,
            state.offset,
        );
        let mut reader = quick_xml::Reader::from_reader(counting);
        let config = reader.config_mut();
        config.expand_empty_elements = false;
        // End tags are matched here (against `open_names`), so that a segment may close
        // elements opened by an earlier one.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.check_comments = true;
        config.trim_text_start = false;
        config.trim_text_end = false;
        XmlReader {
            reader,
            buf: Vec::with_capacity(8 * 1024),
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
        }
    }

    /// The state to read the next segment from. Call it once [`XmlEvent::Suspend`] came.
    pub fn suspend(mut self) -> XmlState {
        let (line, _, offset) = self.reader.get_ref().position();
        let line_start = self.reader.get_ref().line_start();
        if !self.open.is_empty() {
            // Text inside the root was handed out at the segment's end.
            self.text.clear();
            self.text_pos = Position::default();
        }
        XmlState {
            phase: self.phase,
            seen_anything: self.seen_anything,
            open: self.open,
            open_names: self.open_names,
            bindings: self.bindings,
            namespaces: self.namespaces,
            text: self.text,
            text_pos: self.text_pos,
            line,
            line_start,
            offset,
        }
    }

    /// In fragment mode: whether the segment closed an element it did not open (it was not
    /// cut where its reader expected).
    pub fn broken(&self) -> bool {
        self.broken
    }

    /// The URI of an interned namespace.
    pub fn namespace(&self, id: NsId) -> &str {
        self.namespaces.uri(id)
    }

    /// Current nesting depth (open elements).
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Bytes of input consumed so far.
    pub fn offset(&self) -> u64 {
        self.reader.get_ref().position().2
    }

    /// Starts hashing the input consumed from here on (see [`XmlReader::take_digest`]).
    pub fn digest_input(&mut self) {
        self.reader.get_mut().digest_from_here();
    }

    /// When hashing the input: hashes from `offset` on instead (see
    /// [`Counting::restart_digest_at`]).
    pub fn restart_digest_at(&mut self, offset: u64) {
        self.reader.get_mut().restart_digest_at(offset);
    }

    /// A hash of the input consumed since the last call (or since
    /// [`XmlReader::digest_input`], [`XmlReader::restart_digest_at`]) and of the namespace
    /// bindings in scope: the same bytes read in the same scope hash the same. `None` when
    /// not hashing, or when the start asked for was gone.
    pub fn take_digest(&mut self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let bytes = self.reader.get_mut().take_digest()?;
        let mut h = std::hash::DefaultHasher::new();
        h.write_u64(bytes);
        for (prefix, ns) in &self.bindings.list {
            prefix.hash(&mut h);
            ns.map(|id| self.namespaces.uri(id)).hash(&mut h);
        }
        Some(h.finish())
    }

    #[inline(always)]
    fn here(&self) -> Position {
        let (line, column, _) = self.reader.get_ref().position();
        Position { line, column }
    }

    fn lookup(&self, prefix: &str) -> Option<Option<NsId>> {
        self.bindings.lookup(prefix)
    }

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
    fn check_text_size(&self) -> Result<(), XmlError> {
        if self.text.len() as u64 > self.limits.max_event_bytes {
            return Err(self.too_large(self.text_pos));
        }
        Ok(())
    }

    /// The next event, or a fatal diagnostic: first one an earlier call decided (held back
    /// behind a text, the end of an empty-element tag, the end of a finished document), else
    /// the next one read.
    ///
    /// Reading is one `match` on quick-xml's event kind, one handler per kind: character data
    /// (text, references, CDATA sections) is gathered by its handlers and handed out before the
    /// next tag; comments, processing instructions, the declaration and the DOCTYPE are checked
    /// and skipped; tags and the end of input produce the events.
    pub fn next_event(&mut self) -> Result<XmlEvent<'_>, XmlError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            next => return Ok(self.emit(next)),
        }
        if self.end_after_start {
            self.end_after_start = false;
            let pos = self.start.pos;
            return Ok(self.close(pos));
        }
        if self.phase == Phase::Done {
            return Ok(XmlEvent::Eof);
        }
        self.read_next()
    }

    /// Reads quick-xml events up to the next event of ours, one handler per kind.
    #[inline(always)]
    fn read_next(&mut self) -> Result<XmlEvent<'_>, XmlError> {
        if !std::mem::take(&mut self.carried_text) {
            self.text.clear();
            self.text_cdata = false;
            self.text_blank = true;
        }
        // The event borrows the buffer: take it out of `self` while events are handled.
        let mut buf = std::mem::take(&mut self.buf);
        loop {
            let before = self.here();
            let before_offset = self.reader.get_ref().offset();
            self.reader.get_mut().mark();
            buf.clear();
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(e) => {
                    let e = self.parse_error(e, before);
                    self.buf = buf;
                    return self.text_then(e);
                }
            };
            let empty = matches!(event, Event::Empty(_));
            // Where the event ends: only tags and the end of input need it.
            match event {
                Event::Text(t) => self.on_text(&t, before)?,
                Event::GeneralRef(r) => self.on_reference(&r, before)?,
                Event::CData(c) => self.on_cdata(&c, before)?,
                Event::Comment(c) => on_comment(&c, before)?,
                Event::PI(pi) => on_pi(&pi, before)?,
                Event::Decl(d) => self.on_decl(&d, before)?,
                Event::DocType(dt) => self.on_doctype(&dt, before)?,
                Event::Start(s) | Event::Empty(s) => {
                    self.start.offset = before_offset;
                    let started = self.on_start(&s, tag_position(before, self.here()));
                    drop(s);
                    let inside = match started {
                        Ok(inside) => inside,
                        Err(e) => {
                            self.buf = buf;
                            return self.text_then(e);
                        }
                    };
                    self.buf = buf;
                    // An empty-element tag's end follows its start.
                    let next = if empty {
                        Pending::StartThenEnd
                    } else {
                        Pending::Start
                    };
                    return Ok(self.flush_or(next, inside));
                }
                Event::End(e) => {
                    let ended = self.on_end(e.name().0, before);
                    drop(e);
                    let in_segment = match ended {
                        Ok(in_segment) => in_segment,
                        Err(e) => {
                            self.buf = buf;
                            return self.text_then(e);
                        }
                    };
                    self.buf = buf;
                    if !in_segment {
                        return Ok(XmlEvent::Suspend);
                    }
                    return Ok(self.flush_or(Pending::End(tag_position(before, self.here())), true));
                }
                Event::Eof if self.fragment.is_some() => {
                    self.buf = buf;
                    return Ok(self.on_segment_end());
                }
                Event::Eof => {
                    let ended = self.on_document_end(self.here());
                    self.buf = buf;
                    if let Err(e) = ended {
                        // Inside an unclosed root, the text before the end is handed out
                        // first, as a segment's end hands it out (same findings however the
                        // document was cut).
                        return self.text_then(e);
                    }
                    return Ok(self.flush_or(Pending::Eof, false));
                }
            }
            self.seen_anything = true;
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
        self.text_blank &= matches!(c, ' ' | '\t' | '\r' | '\n');
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

    /// A start tag or an empty-element tag at `pos`: opens its element. Returns whether it is
    /// inside the root (a text before it is then handed out first).
    #[inline(always)]
    fn on_start(&mut self, s: &BytesStart<'_>, pos: Position) -> Result<bool, XmlError> {
        self.seen_anything = true;
        let inside = !self.open.is_empty();
        self.begin_element(s, pos)?;
        Ok(inside)
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
                let expected = &self.open_names[open.name..];
                Err(malformed(
                    before,
                    format!("balise fermante « </{name}> » alors que « <{expected}> » est ouvert"),
                    format!("end tag \"</{name}>\" while \"<{expected}>\" is open"),
                ))
            }
            None => Err(malformed(
                before,
                format!("balise fermante « </{name}> » sans balise ouvrante"),
                format!("end tag \"</{name}>\" without a start tag"),
            )),
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

    /// Says what becomes of white-space-only text directly inside the innermost open element
    /// (call it after its [`XmlEvent::Start`]): inside an element marked
    /// [`BlankText::KeepBelow`], nothing changes.
    pub fn set_blank_text(&mut self, blank: BlankText) {
        if let Some(open) = self.open.last_mut() {
            if open.blank != BlankText::KeepBelow {
                open.blank = blank;
            }
        }
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

    /// Opens the element of start tag `s` at `pos`: fills [`XmlReader::start`] (names,
    /// namespaces, attributes) after the well-formedness and namespace checks.
    #[inline]
    fn begin_element(&mut self, s: &BytesStart<'_>, pos: Position) -> Result<(), XmlError> {
        self.check_element_allowed(pos)?;
        self.phase = Phase::Root;
        let qname = s.name().0;
        if !is_xml_name(qname) {
            return Err(malformed(
                pos,
                format!("nom d'élément invalide « {qname} »"),
                format!("invalid element name \"{qname}\""),
            ));
        }
        self.start.qname.clear();
        self.start.qname.push_str(qname);
        self.start.pos = pos;
        // `read_attributes` moves the last tag's attributes aside, to be reused.
        self.start.xsi_type_ns = None;
        let declared = self.read_attributes(s, pos)?;
        let blank = match self.open.last() {
            Some(parent) if parent.blank == BlankText::KeepBelow => BlankText::KeepBelow,
            _ => BlankText::Keep,
        };
        self.open.push(OpenElement {
            name: self.open_names.len(),
            declared,
            blank,
        });
        self.open_names.push_str(qname);
        self.resolve_element_name(qname, pos)?;
        self.resolve_attributes(pos)
    }

    /// Refuses an element where none may start: after non-blank text outside the root, after
    /// the root, or past the depth limit.
    #[inline]
    fn check_element_allowed(&self, pos: Position) -> Result<(), XmlError> {
        // Text outside the root must be whitespace.
        if self.open.is_empty() && !is_blank(&self.text) {
            return Err(malformed(
                self.text_pos,
                "texte hors de l'élément racine",
                "text outside the root element",
            ));
        }
        if self.phase == Phase::Epilog {
            return Err(malformed(
                pos,
                "contenu après la fin de l'élément racine (un document n'a qu'une racine)",
                "content after the root element ended (a document has one root)",
            ));
        }
        if self.open.len() >= self.limits.max_depth {
            return Err(XmlError::new(
                XmlErrorKind::Limit,
                pos,
                format!(
                    "imbrication de plus de {} éléments : refusée",
                    self.limits.max_depth
                ),
                format!(
                    "more than {} nested elements: refused",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// First pass over the attributes of `s`: checked, namespace declarations bound, the others
    /// kept (names not resolved yet). Returns how many namespaces the tag declares.
    #[inline]
    fn read_attributes(&mut self, s: &BytesStart<'_>, pos: Position) -> Result<usize, XmlError> {
        let mut declared = 0;
        // Attribute structs are reused from tag to tag (their strings keep their capacity).
        self.spare_attributes.append(&mut self.start.attributes);
        // Most tags have no attribute: no iterator for them.
        if is_blank(s.attributes_raw()) {
            return Ok(declared);
        }
        let mut attrs = s.attributes();
        // Duplicates are refused here (namespace declarations) and by `resolve_attributes`
        // (the others, by namespace and local name): quick-xml's check would allocate per tag.
        attrs.with_checks(false);
        for a in attrs {
            let a = a.map_err(|e| attribute_error(e, pos))?;
            let key = a.key.0;
            let value = attribute_value(&a, key, pos)?;
            if key == "xmlns" || key.starts_with("xmlns:") {
                self.declare_namespace(key, &value, declared, pos)?;
                declared += 1;
            } else {
                let mut attribute = self.spare_attributes.pop().unwrap_or_default();
                attribute.qname.clear();
                attribute.qname.push_str(key);
                attribute.value.clear();
                attribute.value.push_str(&value);
                attribute.local.clear();
                attribute.ns = None;
                self.start.attributes.push(attribute);
            }
        }
        Ok(declared)
    }

    /// Binds the prefix of namespace declaration `key` (`xmlns` or `xmlns:p`) to `value`, the
    /// tag having declared `before` namespaces already.
    fn declare_namespace(
        &mut self,
        key: &str,
        value: &str,
        before: usize,
        pos: Position,
    ) -> Result<(), XmlError> {
        let prefix = key.strip_prefix("xmlns:").unwrap_or("");
        if self.bindings.among_last(before, prefix) {
            return Err(duplicate(key, pos));
        }
        if prefix == "xmlns" || (prefix == "xml") != (value == XML_NS_URI) || value == XMLNS_NS_URI
        {
            return Err(malformed(
                pos,
                format!("déclaration d'espace de noms interdite « {key} »"),
                format!("forbidden namespace declaration \"{key}\""),
            ));
        }
        if value.is_empty() && !prefix.is_empty() {
            return Err(malformed(
                pos,
                format!("« {key} » ne peut pas être vide"),
                format!("\"{key}\" cannot be empty"),
            ));
        }
        let ns = if value.is_empty() {
            None
        } else {
            Some(self.namespaces.intern(value))
        };
        self.bindings.push(prefix, ns);
        Ok(())
    }

    /// The namespace and local name of the element being opened ([`XmlReader::start`]).
    #[inline]
    fn resolve_element_name(&mut self, qname: &str, pos: Position) -> Result<(), XmlError> {
        let colon = qname.as_bytes().iter().position(|&b| b == b':');
        let (prefix, local) = match colon {
            Some(c) => (&qname[..c], &qname[c + 1..]),
            None => ("", qname),
        };
        // Without a colon, the name is a local name (checked by `is_xml_name`).
        if colon.is_some()
            && (prefix.is_empty() || local.is_empty() || local.as_bytes().contains(&b':'))
        {
            return Err(malformed(
                pos,
                format!("nom qualifié invalide « {qname} »"),
                format!("invalid qualified name \"{qname}\""),
            ));
        }
        self.start.ns = match self.lookup(prefix) {
            Some(ns) => ns,
            None if prefix.is_empty() => None,
            None => {
                return Err(malformed(
                    pos,
                    format!("préfixe « {prefix} » non déclaré"),
                    format!("undeclared prefix \"{prefix}\""),
                ));
            }
        };
        self.start.local.clear();
        self.start.local.push_str(local);
        Ok(())
    }

    /// Second pass over the attributes: namespaces and local names resolved (the tag's own
    /// declarations are in scope), duplicates refused, `xsi:type`'s prefix bound.
    #[inline]
    fn resolve_attributes(&mut self, pos: Position) -> Result<(), XmlError> {
        let mut seen: Option<HashSet<(Option<NsId>, String)>> = None;
        for i in 0..self.start.attributes.len() {
            let attribute = &self.start.attributes[i];
            let key = attribute.qname.as_str();
            let (ns, local_at) = self.attribute_namespace(key, pos)?;
            let local = &key[local_at..];
            if is_duplicate(&self.start.attributes[..i], ns, local, &mut seen) {
                return Err(duplicate(key, pos));
            }
            if ns == Some(XSI_NS) && local == "type" {
                self.start.xsi_type_ns = self.xsi_type_binding(&attribute.value);
            }
            let Attribute {
                ns: a_ns,
                local: a_local,
                qname,
                ..
            } = &mut self.start.attributes[i];
            *a_ns = ns;
            a_local.push_str(&qname[local_at..]);
        }
        Ok(())
    }

    /// The namespace of attribute `key` and where its local name starts (unprefixed: no
    /// namespace).
    #[inline]
    fn attribute_namespace(
        &self,
        key: &str,
        pos: Position,
    ) -> Result<(Option<NsId>, usize), XmlError> {
        let Some(c) = key.as_bytes().iter().position(|&b| b == b':') else {
            return Ok((None, 0));
        };
        let (p, l) = (&key[..c], &key[c + 1..]);
        match self.bindings.lookup(p) {
            Some(Some(ns)) if !l.is_empty() && !l.as_bytes().contains(&b':') => {
                Ok((Some(ns), c + 1))
            }
            _ => Err(malformed(
                pos,
                format!("préfixe de l'attribut « {key} » non déclaré"),
                format!("undeclared prefix of attribute \"{key}\""),
            )),
        }
    }

    /// The namespace the prefix of an `xsi:type` QName `value` is bound to (`Some(None)`: no
    /// namespace; `None`: an undeclared prefix).
    fn xsi_type_binding(&self, value: &str) -> Option<Option<NsId>> {
        let prefix = value.split_once(':').map_or("", |(p, _)| p);
        match self.bindings.lookup(prefix) {
            Some(bound) => Some(bound),
            None if prefix.is_empty() => Some(None),
            None => None,
        }
    }
    fn parse_error(&self, e: quick_xml::Error, pos: Position) -> XmlError {
        if let quick_xml::Error::Io(io) = &e {
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
        if let quick_xml::Error::Encoding(_) = &e {
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
        let (fr, en) = describe_parse_error(&e);
        malformed(pos, fr, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(xml: &str) -> Result<Vec<String>, XmlError> {
        let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
        let mut out = Vec::new();
        loop {
            let s = match r.next_event()? {
                XmlEvent::Start(s, _) => {
                    let attrs: Vec<String> = s
                        .attributes
                        .iter()
                        .map(|a| format!("{}={}", a.local, a.value))
                        .collect();
                    format!(
                        "<{}:{}{}@{}",
                        s.ns.map(|n| n.0).unwrap_or(99),
                        s.local,
                        if attrs.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", attrs.join(" "))
                        },
                        s.pos.line
                    )
                }
                XmlEvent::End(_) => "/".into(),
                XmlEvent::Text { text, cdata, .. } => {
                    format!("{}{text:?}", if cdata { "C" } else { "T" })
                }
                XmlEvent::Eof | XmlEvent::Suspend => break,
            };
            out.push(s);
        }
        Ok(out)
    }

    /// The texts of `xml` with whether the reader tells them blank.
    fn blanks(xml: &str) -> Vec<(String, bool)> {
        let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
        let mut out = Vec::new();
        loop {
            match r.next_event() {
                Ok(XmlEvent::Text { text, blank, .. }) => out.push((text.to_owned(), blank)),
                Ok(XmlEvent::Eof | XmlEvent::Suspend) | Err(_) => return out,
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn texts_tell_whether_they_are_blank() {
        let got = blanks(
            "<a> \r\n\t<b/>x<b/> <!--c--> &#32;&#xA;<b/> &#65;<b/><![CDATA[ ]]><b/>\u{a0}<b/>  <![CDATA[y]]></a>",
        );
        let want = [
            (" \n\t", true),
            ("x", false),
            ("   \n", true),
            (" A", false),
            (" ", true),
            ("\u{a0}", false),
            ("  y", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(t, b)| (t.to_string(), *b)).collect();
        assert_eq!(got, want);
        for (text, blank) in &got {
            assert_eq!(*blank, is_blank(text), "{text:?}");
        }
    }

    #[test]
    fn basic_stream() {
        let e = events("<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" k=\"v&amp;\tw\"><b/>x&lt;<![CDATA[y]]><!--c-->z</a>\n").unwrap();
        assert_eq!(e, ["<2:a k=v& w@2", "<2:b@2", "/", "C\"x<yz\"", "/"]);
    }

    /// Attributes are reused from tag to tag: each tag has its own, whatever the tag before
    /// had (none, fewer, more, prefixed ones), and a tag without any has none.
    #[test]
    fn each_tag_has_its_own_attributes() {
        let e = events(
            "<a xmlns:p=\"urn:p\" x=\"1\"><b/><c p:y=\"2\" z=\"3\" w=\"4\"/><d  \n/><e z=\"5\"/><f></f></a>",
        )
        .unwrap();
        let starts: Vec<&String> = e.iter().filter(|s| s.starts_with('<')).collect();
        assert_eq!(
            starts,
            [
                "<99:a x=1@1",
                "<99:b@1",
                "<99:c y=2 z=3 w=4@1",
                "<99:d@2",
                "<99:e z=5@2",
                "<99:f@2"
            ]
        );
        let mut r = XmlReader::new(
            &b"<a p:y=\"2\" xmlns:p=\"urn:p\"><b q=\"1\"/></a>"[..],
            Limits::default(),
        );
        let Ok(XmlEvent::Start(a, _)) = r.next_event() else {
            panic!("a start tag");
        };
        assert_eq!(
            (a.attributes[0].ns.is_some(), a.attributes.len()),
            (true, 1)
        );
        let Ok(XmlEvent::Start(b, _)) = r.next_event() else {
            panic!("a start tag");
        };
        assert_eq!(
            (b.attributes[0].ns, b.attributes[0].local.as_str()),
            (None, "q")
        );
    }

    /// The events of `xml` with white space dropped in the elements named in `drop`, and kept
    /// below those named in `keep_below`.
    fn events_with_blank_text(xml: &str, drop: &[&str], keep_below: &[&str]) -> Vec<String> {
        let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
        let mut out = Vec::new();
        loop {
            let blank = match r.next_event().unwrap() {
                XmlEvent::Start(s, _) => {
                    out.push(format!("<{}", s.local));
                    if drop.contains(&s.local.as_str()) {
                        Some(BlankText::Drop)
                    } else if keep_below.contains(&s.local.as_str()) {
                        Some(BlankText::KeepBelow)
                    } else {
                        None
                    }
                }
                XmlEvent::End(_) => {
                    out.push("/".into());
                    None
                }
                XmlEvent::Text { text, cdata, .. } => {
                    out.push(format!("{}{text:?}", if cdata { "C" } else { "T" }));
                    None
                }
                XmlEvent::Eof | XmlEvent::Suspend => break,
            };
            if let Some(blank) = blank {
                r.set_blank_text(blank);
            }
        }
        out
    }

    /// White space is dropped only directly inside an element that asks for it, never when it
    /// comes with other text or a CDATA section, never below an element that keeps it.
    #[test]
    fn blank_text_is_dropped_where_asked() {
        let xml =
            "<a>\n <b>\n <c> </c>\n <d> x </d>&#32;<![CDATA[]]> <e>\n <b>\n </b> </e>\n </b>\n</a>";
        let kept = events_with_blank_text(xml, &[], &[]).join(" ");
        assert_eq!(
            kept,
            r#"<a T"\n " <b T"\n " <c T" " / T"\n " <d T" x " / C"  " <e T"\n " <b T"\n " / T" " / T"\n " / T"\n" /"#
        );
        // `b` drops its white space, except the text merged with a CDATA section; `c` does
        // not ask; below `e`, `b` asks in vain.
        let dropped = events_with_blank_text(xml, &["b", "a"], &["e"]).join(" ");
        assert_eq!(
            dropped,
            r#"<a <b <c T" " / <d T" x " / C"  " <e T"\n " <b T"\n " / T" " / / /"#
        );
    }

    #[test]
    fn line_of_a_start_tag_is_the_line_of_its_closing_bracket() {
        let e = events("<a\n>\n<b\n\nc=\"1\"\n>t</b></a>").unwrap();
        assert_eq!(e[2], "<99:b c=1@6");
    }

    #[test]
    fn malformed_inputs_are_refused() {
        for xml in [
            "",
            "   ",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "x<a/>",
            "<a/>x",
            "<a>&nbsp;</a>",
            "<a>&#0;</a>",
            "<a>\u{1}</a>",
            "<a b='<'/>",
            "<a b='1' b='2'/>",
            "<p:a/>",
            "<a p:b='1'/>",
            "<a>]]></a>",
            "<a><!-- a -- b --></a>",
            "<1a/>",
            "<a/><?xml version='1.0'?>",
            "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
            "<a xmlns:p=''/>",
        ] {
            assert!(events(xml).is_err(), "{xml:?} should be refused");
        }
    }

    /// Duplicate attributes are refused by name as written and by namespace and local name; a
    /// namespace declared twice in one tag too (among a few declarations or among many), not
    /// one declared again on a child.
    #[test]
    fn duplicate_attributes_and_declarations_are_refused() {
        let many: String = (0..40).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
        for (xml, key) in [
            ("<a b='1' c='' b='2'/>".to_owned(), "b"),
            (
                "<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>".to_owned(),
                "q:b",
            ),
            ("<a xmlns:p='u' xmlns:p='v'/>".to_owned(), "xmlns:p"),
            ("<a xmlns='u' b='1' xmlns='u'/>".to_owned(), "xmlns"),
            (format!("<a{many} xmlns:p7='urn:x'/>"), "xmlns:p7"),
        ] {
            let e = events(&xml).expect_err(&xml);
            assert!(
                e.fr.contains(&format!("attribut « {key} » en double")),
                "{xml}: {}",
                e.fr
            );
        }
        for xml in [
            "<a xmlns:p='u'><b xmlns:p='v' p:c='1'/><c xmlns='w' xmlns:p='u'/></a>".to_owned(),
            format!("<a{many}><b{many}/></a>"),
        ] {
            assert!(events(&xml).is_ok(), "{xml}");
        }
    }

    #[test]
    fn doctype_without_entities_is_accepted() {
        assert!(events("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>").is_ok());
    }

    #[test]
    fn depth_is_limited() {
        let xml = "<a>".repeat(600) + &"</a>".repeat(600);
        let err = events(&xml).unwrap_err();
        assert_eq!(err.kind, XmlErrorKind::Limit);
    }
}
