//! A record's events captured compactly: all strings end to end in one buffer, events as small
//! fixed-size entries. Capturing costs a few copies, not an allocation per element, so the
//! parsing thread can hand records to another thread that builds them: the model straight
//! from the capture ([`RecordLog::to_record`]: each start event knows where its element ends,
//! so the builders walk the capture in place), or a tree ([`RecordLog::to_node`]).
//!
//! A capture can also be *projected* ([`RecordLog::projected`]): only the elements of a set
//! keep their attributes and text, the element-only ones that may hold one of them are bare
//! start and end events (enough to know where each kept element is), and the others (text
//! elements, elements that cannot hold a kept one, `extras`, elements outside LHEO) are left
//! out. A
//! consumer that reads a few values of each record (the France Travail rules) reads them from
//! [`RecordLog::items`] at a fraction of the cost of a tree.

use std::borrow::Cow;

use super::events::{Namespaces, NsId, Position, StartTag};
use super::tree::{Child, Node};
use super::RecordNode;

mod view;

use crate::model::{QName, XmlAttribute};
use crate::schema::{self, ElementId, ElementSet, NAMESPACE_2_3};
#[cfg(test)]
pub(crate) use view::{captures, real_feeds};

/// A slice of [`RecordLog::strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span(u32, u32);

impl Span {
    /// The LHEO 2.3 namespace, not copied into the strings: most names are in it. Only a
    /// namespace span can be it, and only [`RecordLog::to_node`] reads namespaces.
    const LHEO: Span = Span(u32::MAX, 0);
    /// No string: the local name of an element the schema declares (its name is the
    /// schema's).
    const NONE: Span = Span(0, 0);
}

#[derive(Debug, Clone, Copy)]
enum LogEvent {
    Start {
        id: Option<ElementId>,
        ns: Option<Span>,
        local: Span,
        attributes: u32,
        pos: Position,
        /// Index of the element's end event ([`OPEN`] until it is read).
        end: u32,
    },
    Attribute {
        ns: Option<Span>,
        local: Span,
        value: Span,
    },
    Text(Span),
    End,
}

/// The events of one record, ready to become its tree ([`RecordLog::into_node`]).
#[derive(Debug, Clone, Default)]
pub struct RecordLog {
    strings: String,
    events: Vec<LogEvent>,
    /// The open elements while capturing.
    open: Vec<Open>,
    /// Projected capture: the elements whose attributes and text are kept, and those that
    /// may hold one (kept bare).
    only: Option<(ElementSet, ElementSet)>,
    /// Projected capture: depth inside an element left out (`extras`, foreign elements).
    skipped: u32,
    /// Absolute path of the record, e.g. `/lheo/offres/formation[3]`.
    pub path: String,
    /// The record's number, title and line, once it is complete (for its findings).
    pub record: Option<std::sync::Arc<crate::diagnostic::RecordRef>>,
}

/// The most room ([`RecordLog::room`]) a capture given back to a reader may hold: the
/// buffers of an outsized record are let go, not kept for the rest of the reading.
pub(crate) const MAX_SPARE_ROOM: usize = 4 << 20;

/// The end index of a start event whose end was not read.
const OPEN: u32 = u32::MAX;

/// An open element while capturing.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Index of its start event.
    at: u32,
    id: Option<ElementId>,
    /// Free content (inside an `extra`): indentation is kept as is, not dropped as in
    /// element-only content.
    free: bool,
    /// Its text is captured (always, unless the capture is projected).
    kept: bool,
}

/// One event of a captured record ([`RecordLog::items`]).
#[derive(Debug, Clone, Copy)]
pub enum LogItem<'a> {
    /// A start tag.
    Start(LogStart<'a>),
    /// Character data of the innermost open element (several may follow each other).
    Text(&'a str),
    /// The end of the innermost open element.
    End,
}

/// A captured start tag.
#[derive(Debug, Clone, Copy)]
pub struct LogStart<'a> {
    log: &'a RecordLog,
    /// Index of the start event in the log.
    at: usize,
    attributes: usize,
    /// The element's declaration (`None` outside LHEO or for an unknown name).
    pub id: Option<ElementId>,
    /// Where the start tag is.
    pub pos: Position,
}

impl<'a> LogStart<'a> {
    /// The value of the unprefixed attribute `name`, if kept.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        let log = self.log;
        log.events
            .iter()
            .skip(self.at + 1)
            .take(self.attributes)
            .find_map(|e| match *e {
                LogEvent::Attribute {
                    ns: None,
                    local,
                    value,
                } if log.str(local) == name => Some(log.str(value)),
                _ => None,
            })
    }
}

fn element_only(id: Option<ElementId>) -> bool {
    id.is_some_and(|i| schema::element(i).content.is_element_only())
}

impl RecordLog {
    /// An empty log for the record at `path`.
    pub fn new(path: String) -> Self {
        RecordLog {
            path,
            ..RecordLog::default()
        }
    }

    /// An empty projected log for the record at `path`: only the elements of `only` (and the
    /// record's root element) keep their attributes and text; the elements that may hold one
    /// of them (`holders`: [`ElementSet::with_holders`] of `only`) are bare start and end
    /// events; other elements (those that cannot hold one, `extras`, elements outside LHEO)
    /// are left out with their content. Such a log is for [`RecordLog::items`], not for
    /// [`RecordLog::to_node`].
    pub fn projected(path: String, only: ElementSet, holders: ElementSet) -> Self {
        RecordLog {
            path,
            only: Some((only, holders)),
            ..RecordLog::default()
        }
    }

    /// The bytes this log's buffers hold room for (what recycling it keeps).
    pub(crate) fn room(&self) -> usize {
        self.strings.capacity()
            + self.events.capacity() * std::mem::size_of::<LogEvent>()
            + self.open.capacity() * std::mem::size_of::<Open>()
    }

    /// This log emptied, for the record at `path` (projected on `only` and its `holders` as
    /// [`RecordLog::projected`] is, or whole): the log [`RecordLog::new`] or
    /// [`RecordLog::projected`] gives, with the room this one took (a reader recycles the
    /// captures its caller is done with, so that capturing does not grow buffers again).
    pub(crate) fn reuse(self, path: String, only: Option<(ElementSet, ElementSet)>) -> Self {
        let RecordLog {
            mut strings,
            mut events,
            mut open,
            only: _,
            skipped: _,
            path: _,
            record: _,
        } = self;
        strings.clear();
        events.clear();
        open.clear();
        RecordLog {
            strings,
            events,
            open,
            only,
            skipped: 0,
            path,
            record: None,
        }
    }

    /// The captured events, in document order.
    pub fn items(&self) -> impl Iterator<Item = LogItem<'_>> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || loop {
            let at = i;
            let event = *self.events.get(at)?;
            i += 1;
            match event {
                LogEvent::Start {
                    id,
                    attributes,
                    pos,
                    ..
                } => {
                    i += attributes as usize;
                    return Some(LogItem::Start(LogStart {
                        log: self,
                        at,
                        attributes: attributes as usize,
                        id,
                        pos,
                    }));
                }
                LogEvent::Attribute { .. } => {}
                LogEvent::Text(span) => return Some(LogItem::Text(self.str(span))),
                LogEvent::End => return Some(LogItem::End),
            }
        })
    }

    fn push(&mut self, s: &str) -> Span {
        let start = self.strings.len() as u32;
        self.strings.push_str(s);
        Span(start, s.len() as u32)
    }

    fn str(&self, span: Span) -> &str {
        self.strings
            .get(span.0 as usize..(span.0 + span.1) as usize)
            .unwrap_or("")
    }

    /// The room this log took (events, bytes of strings): [`RecordLog::reserve`] it for the
    /// next record to capture it without growing.
    pub fn sizes(&self) -> (usize, usize) {
        (self.events.len(), self.strings.len())
    }

    /// Reserves room for `sizes` (see [`RecordLog::sizes`]).
    pub fn reserve(&mut self, (events, strings): (usize, usize)) {
        self.events.reserve(events);
        self.strings.reserve(strings);
    }

    /// `true` until the record's root element has closed.
    pub fn is_open(&self) -> bool {
        !self.open.is_empty() || self.skipped > 0
    }

    /// Records a start tag whose declaration (`id`, in the document's LHEO namespace
    /// `lheo_ns`: [`crate::check::declared`]) the reader looked up (same reading of namespaces
    /// as [`Node::from_start`]).
    pub(crate) fn start(
        &mut self,
        tag: &StartTag,
        id: Option<ElementId>,
        lheo_ns: Option<NsId>,
        namespaces: &Namespaces,
    ) {
        if let Some(only) = self.only {
            return self.start_projected(tag, id, only);
        }
        let ns_span = |log: &mut RecordLog, n: Option<NsId>| {
            n.map(|n| {
                if Some(n) == lheo_ns {
                    Span::LHEO
                } else {
                    log.push(namespaces.uri(n))
                }
            })
        };
        let ns = ns_span(self, tag.ns);
        let local = match id {
            Some(_) => Span::NONE,
            None => self.push(tag.local()),
        };
        let at = self.events.len() as u32;
        self.events.push(LogEvent::Start {
            id,
            ns,
            local,
            attributes: tag.attributes.len() as u32,
            pos: tag.pos,
            end: OPEN,
        });
        for a in &tag.attributes {
            let ns = ns_span(self, a.ns);
            let local = self.push(a.local());
            let value = self.push(&a.value);
            self.events.push(LogEvent::Attribute { ns, local, value });
        }
        let free = self
            .open
            .last()
            .is_some_and(|o| o.free || o.id == Some(schema::id::EXTRA));
        self.open.push(Open {
            at,
            id,
            free,
            kept: true,
        });
    }

    /// [`RecordLog::start`] of a projected log: names come from `id`, and only the kept
    /// elements' unprefixed attributes are recorded.
    fn start_projected(
        &mut self,
        tag: &StartTag,
        id: Option<ElementId>,
        (only, holders): (ElementSet, ElementSet),
    ) {
        let root = self.open.is_empty();
        if self.skipped > 0 || (!root && id.is_none_or(|i| i == schema::id::EXTRAS)) {
            self.skipped += 1;
            return;
        }
        let kept = root || id.is_some_and(|i| only.contains(i));
        // An element that cannot hold a kept one (a text element among them) is left out
        // whole, unless it sits in a kept text element (a child there is an error worth
        // seeing).
        if !kept
            && id.is_some_and(|i| !holders.contains(i))
            && !self
                .open
                .last()
                .is_some_and(|o| o.kept && !element_only(o.id))
        {
            self.skipped += 1;
            return;
        }
        let at = self.events.len();
        self.events.push(LogEvent::Start {
            id,
            ns: None,
            local: Span::NONE,
            attributes: 0,
            pos: tag.pos,
            end: OPEN,
        });
        if kept {
            let mut n = 0;
            for a in tag.attributes.iter().filter(|a| a.ns.is_none()) {
                let local = self.push(a.local());
                let value = self.push(&a.value);
                self.events.push(LogEvent::Attribute {
                    ns: None,
                    local,
                    value,
                });
                n += 1;
            }
            if let Some(LogEvent::Start { attributes, .. }) = self.events.get_mut(at) {
                *attributes = n;
            }
        }
        self.open.push(Open {
            at: at as u32,
            id,
            free: false,
            kept,
        });
    }

    /// Records character data of the innermost open element; `blank`: the XML reader found it
    /// white space only (it is not scanned again).
    pub fn text(&mut self, text: &str, blank: bool) {
        let open = self.open.last();
        if self.skipped > 0 || open.is_some_and(|o| !o.kept) {
            return;
        }
        let indentation = blank && open.is_some_and(|o| !o.free && element_only(o.id));
        if text.is_empty() || indentation {
            return;
        }
        let span = self.push(text);
        self.events.push(LogEvent::Text(span));
    }

    /// Records the end of the innermost open element.
    pub fn end(&mut self) {
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        if let Some(open) = self.open.pop() {
            let here = self.events.len() as u32;
            if let Some(LogEvent::Start { end, .. }) = self.events.get_mut(open.at as usize) {
                *end = here;
            }
        }
        self.events.push(LogEvent::End);
    }

    /// Builds the record's tree.
    pub fn into_node(self) -> RecordNode {
        let node = self.to_node();
        RecordNode {
            node,
            path: self.path,
        }
    }

    /// Builds the tree of the captured events.
    pub fn to_node(&self) -> Node {
        let name = |ns: Option<Span>, local: Span, static_local: Option<&'static str>| QName {
            namespace: ns.map(|s| match (s, self.str(s)) {
                (Span::LHEO, _) | (_, NAMESPACE_2_3) => Cow::Borrowed(NAMESPACE_2_3),
                (_, other) => Cow::Owned(other.to_owned()),
            }),
            local: match static_local {
                Some(l) => Cow::Borrowed(l),
                None => Cow::Owned(self.str(local).to_owned()),
            },
        };
        let mut stack: Vec<Node> = Vec::new();
        let mut done = None;
        let mut i = 0;
        while i < self.events.len() {
            match self.events[i] {
                LogEvent::Start {
                    id,
                    ns,
                    local,
                    attributes,
                    pos,
                    ..
                } => {
                    let mut node = Node {
                        id,
                        name: name(ns, local, id.map(|i| schema::element(i).name)),
                        attributes: Vec::with_capacity(attributes as usize),
                        children: Vec::new(),
                        pos,
                    };
                    for e in self.events.iter().skip(i + 1).take(attributes as usize) {
                        if let LogEvent::Attribute { ns, local, value } = *e {
                            let known = if ns.is_none() {
                                super::tree::known_attribute(self.str(local))
                            } else {
                                None
                            };
                            node.attributes.push(XmlAttribute {
                                name: name(ns, local, known),
                                value: self.str(value).to_owned(),
                            });
                        }
                    }
                    i += attributes as usize;
                    stack.push(node);
                }
                LogEvent::Attribute { .. } => {}
                LogEvent::Text(span) => {
                    if let Some(top) = stack.last_mut() {
                        top.push_text(self.str(span));
                    }
                }
                LogEvent::End => {
                    if let Some(node) = stack.pop() {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(Child::Element(node)),
                            None => done = Some(node),
                        }
                    }
                }
            }
            i += 1;
        }
        done.or_else(|| stack.into_iter().next())
            .unwrap_or_else(|| Node {
                id: None,
                name: QName::local(""),
                attributes: Vec::new(),
                children: Vec::new(),
                pos: Position::default(),
            })
    }
}
