//! Identifiers across the document: `xs:ID` uniqueness (with libxml2's `xml:id`), and the
//! `@idref`s the profile lheo resolves at the end.
//!
//! A checker reading part of a document on another thread cannot tell a duplicate: it
//! *defers* its identifiers ([`Checker::defer_ids`]). Each one becomes a placeholder finding
//! and an [`IdEvent`] in its [`IdLog`]; the checker that follows the whole document in order
//! replays the log ([`Checker::merge_id_log`]) and turns each placeholder into the finding a
//! single pass gives, or nothing.

use std::collections::{HashMap, HashSet};

use super::{value, Checker, PendingRef};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::xml::position::Position;

/// The identifiers seen so far in a document.
#[derive(Debug, Clone, Default)]
pub struct IdState {
    /// `xs:ID` values of strictly validated elements, with the line of their element.
    pub(super) ids: HashMap<String, u32>,
    /// `xml:id` values: libxml2's parser registers them as IDs before validation, so an
    /// `xs:ID` equal to one is a duplicate (they are only allowed in lax content).
    pub(super) xml_ids: HashSet<String>,
    /// Profile lheo: `@id` values of other elements (lax or skipped).
    pub(super) other_ids: HashSet<String>,
    /// Profile lheo: `@idref` values to resolve at the end.
    pub(super) idrefs: Vec<PendingRef>,
}

/// An identifier met by a checker that defers them.
#[derive(Debug, Clone)]
pub enum IdEvent {
    /// An `xs:ID` attribute of a strictly validated element.
    Id {
        /// The value (whitespace trimmed).
        value: String,
        /// The attribute's name as written.
        qname: String,
        /// The element's name.
        element: &'static str,
        /// Where the element is.
        pos: Position,
        /// Its path.
        path: String,
    },
    /// An `xml:id` attribute.
    XmlId {
        /// The value.
        value: String,
        /// The element's name as written.
        tag: String,
        /// Where the element is.
        pos: Position,
        /// Its path.
        path: String,
    },
}

/// What a checker that defers its identifiers saw of them, in order.
#[derive(Debug, Clone, Default)]
pub struct IdLog {
    events: Vec<IdEvent>,
    other_ids: Vec<String>,
    pub(super) idrefs: Vec<PendingRef>,
}

/// Marks a placeholder finding; the event's index follows.
const PLACEHOLDER: char = '\u{1}';

impl IdState {
    /// The finding a single pass gives for `event`, recording the identifier.
    fn apply(&mut self, event: IdEvent) -> Option<Diagnostic> {
        match event {
            IdEvent::Id {
                value,
                qname: q,
                element: name,
                pos,
                path,
            } => {
                let idv = &value;
                let (fr, en) = if self.xml_ids.contains(idv) {
                    (
                        format!("@{q} « {idv} » de « {name} » : un xml:id du document a déjà cette valeur (libxml2 les compte parmi les identifiants)"),
                        format!("@{q} \"{idv}\" of \"{name}\": an xml:id of the document has this value (libxml2 counts them as identifiers)"),
                    )
                } else if let Some(first) = self.ids.get(idv) {
                    (
                        format!("@{q} « {idv} » de « {name} » déjà utilisé ligne {first} : un @id est unique dans le document"),
                        format!("@{q} \"{idv}\" of \"{name}\" already used on line {first}: an @id is unique in the document"),
                    )
                } else {
                    self.ids.insert(value, pos.line);
                    return None;
                };
                Some(
                    Diagnostic::new(Rule::XsdIdDoublon, fr, en)
                        .at_line(pos.line, pos.column)
                        .with_path(path),
                )
            }
            IdEvent::XmlId {
                value,
                tag,
                pos,
                path,
            } => {
                let found = self.ids.get(&value).map(|first| {
                    let shown = value::excerpt(&value);
                    Diagnostic::new(
                        Rule::XsdIdDoublon,
                        format!("xml:id « {shown} » de « {tag} » : déjà utilisé par un @id ligne {first} (libxml2 compte les xml:id parmi les identifiants)"),
                        format!("xml:id \"{shown}\" of \"{tag}\": already used by an @id on line {first} (libxml2 counts xml:id values as identifiers)"),
                    )
                    .at_line(pos.line, pos.column)
                    .with_path(path)
                });
                if !self.xml_ids.contains(&value) {
                    self.xml_ids.insert(value);
                }
                found
            }
        }
    }
}

impl Checker {
    /// Defers identifiers from now on (a checker reading part of a document): see the
    /// [module documentation](self).
    pub fn defer_ids(&mut self) {
        self.deferred = Some(IdLog::default());
    }

    /// The log of a checker that defers its identifiers.
    pub fn take_id_log(&mut self) -> Option<IdLog> {
        self.deferred.take()
    }

    /// Gives this checker the identifiers of `other` (the checker that follows the whole
    /// document), whose state this checker takes over.
    pub fn take_ids_from(&mut self, other: &mut Checker) {
        self.id_state = std::mem::take(&mut other.id_state);
    }

    /// The index of the [`IdEvent`] a placeholder finding stands for.
    pub fn id_placeholder(d: &Diagnostic) -> Option<usize> {
        if d.rule != Rule::XsdIdDoublon {
            return None;
        }
        d.message.fr.strip_prefix(PLACEHOLDER)?.parse().ok()
    }

    /// Replays what a deferring checker saw after what this one saw: the identifiers that
    /// are not placeholders' (`@id`s of elements not validated strictly, `@idref`s).
    pub fn merge_id_log(&mut self, log: &mut IdLog) {
        for v in log.other_ids.drain(..) {
            self.id_state.other_ids.insert(v);
        }
        self.id_state.idrefs.append(&mut log.idrefs);
    }

    /// The finding for the placeholder of event `index` of `log`, in document order.
    pub fn resolve_id_placeholder(&mut self, log: &mut IdLog, index: usize) -> Option<Diagnostic> {
        let event = log.events.get_mut(index)?;
        let event = std::mem::replace(
            event,
            IdEvent::XmlId {
                value: String::new(),
                tag: String::new(),
                pos: Position::default(),
                path: String::new(),
            },
        );
        self.id_state.apply(event)
    }

    /// An identifier: checked now, or deferred.
    pub(super) fn identifier(&mut self, event: IdEvent) {
        if let Some(log) = &mut self.deferred {
            let index = log.events.len();
            if let IdEvent::Id { value, pos, .. } = &event {
                // Kept for the @idref that follow in this part (a reference is resolved at the
                // end anyway).
                self.id_state.ids.entry(value.clone()).or_insert(pos.line);
            }
            log.events.push(event);
            // Not counted: the checker that replays the log counts what it becomes.
            self.diagnostics.push(Diagnostic::new(
                Rule::XsdIdDoublon,
                format!("{PLACEHOLDER}{index}"),
                String::new(),
            ));
            return;
        }
        if let Some(d) = self.id_state.apply(event) {
            self.keep(d);
        }
    }

    /// An `@id` of an element that is not validated strictly (profile lheo).
    pub(super) fn other_id(&mut self, v: &str) {
        if !self.id_state.other_ids.contains(v) {
            self.id_state.other_ids.insert(v.to_owned());
            if let Some(log) = &mut self.deferred {
                log.other_ids.push(v.to_owned());
            }
        }
    }

    /// An `@idref` whose target is not known yet (profile lheo).
    pub(super) fn pending_ref(&mut self, r: PendingRef) {
        match &mut self.deferred {
            Some(log) => log.idrefs.push(r),
            None => self.id_state.idrefs.push(r),
        }
    }
}
