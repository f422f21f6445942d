//! A record's events captured compactly: all strings end to end in one buffer, events as small
//! fixed-size entries. Capturing costs a few copies, not an allocation per element, so the
//! parsing thread can hand records to another thread that builds their trees.

use std::borrow::Cow;

use super::events::{Namespaces, NsId, Position, StartTag};
use super::tree::{Child, Node};
use super::RecordNode;
use crate::model::{QName, XmlAttribute};
use crate::schema::{self, Content, ElementId, NAMESPACE_2_3};

/// A slice of [`RecordLog::strings`].
#[derive(Debug, Clone, Copy)]
struct Span(u32, u32);

#[derive(Debug, Clone, Copy)]
enum LogEvent {
    Start {
        id: Option<ElementId>,
        ns: Option<Span>,
        local: Span,
        attributes: u32,
        pos: Position,
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
    /// Ids of the open elements while capturing, and whether they are free content (inside an
    /// `extra`), to drop indentation in element-only content but nowhere else.
    open: Vec<(Option<ElementId>, bool)>,
    /// Absolute path of the record, e.g. `/lheo/offres/formation[3]`.
    pub path: String,
}

fn element_only(id: Option<ElementId>) -> bool {
    id.is_some_and(|i| {
        matches!(
            schema::element(i).content,
            Content::Sequence(_) | Content::Choice { .. }
        )
    })
}

impl RecordLog {
    /// An empty log for the record at `path`.
    pub fn new(path: String) -> Self {
        RecordLog {
            path,
            ..RecordLog::default()
        }
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

    /// `true` until the record's root element has closed.
    pub fn is_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// Records a start tag (same reading of namespaces as [`Node::from_start`]).
    pub fn start(&mut self, tag: &StartTag, lheo_ns: Option<NsId>, namespaces: &Namespaces) {
        let in_lheo = tag.ns.is_some() && tag.ns == lheo_ns;
        let id = if in_lheo {
            schema::element_id(&tag.local)
        } else {
            None
        };
        let ns_span = |log: &mut RecordLog, n: Option<NsId>| {
            n.map(|n| {
                if Some(n) == lheo_ns {
                    log.push(NAMESPACE_2_3)
                } else {
                    log.push(namespaces.uri(n))
                }
            })
        };
        let ns = ns_span(self, tag.ns);
        let local = self.push(&tag.local);
        self.events.push(LogEvent::Start {
            id,
            ns,
            local,
            attributes: tag.attributes.len() as u32,
            pos: tag.pos,
        });
        for a in &tag.attributes {
            let ns = ns_span(self, a.ns);
            let local = self.push(&a.local);
            let value = self.push(&a.value);
            self.events.push(LogEvent::Attribute { ns, local, value });
        }
        let free = self
            .open
            .last()
            .is_some_and(|(parent, free)| *free || *parent == Some(schema::id::EXTRA));
        self.open.push((id, free));
    }

    /// Records character data of the innermost open element.
    pub fn text(&mut self, text: &str) {
        let blank = text
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        let indentation = blank
            && self
                .open
                .last()
                .is_some_and(|(id, free)| !free && element_only(*id));
        if text.is_empty() || indentation {
            return;
        }
        let span = self.push(text);
        self.events.push(LogEvent::Text(span));
    }

    /// Records the end of the innermost open element.
    pub fn end(&mut self) {
        self.open.pop();
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
            namespace: ns.map(|s| match self.str(s) {
                NAMESPACE_2_3 => Cow::Borrowed(NAMESPACE_2_3),
                other => Cow::Owned(other.to_owned()),
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
