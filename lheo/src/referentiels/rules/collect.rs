//! The codes and session dates of one record, gathered from either a model value (a
//! [`Visitor`] over its walk) or a capture of the reader ([`RecordLog`], which `lheo validate`
//! makes while it reads): both feed the same [`Collector`] with enter / text / leave events,
//! so the rules see the same facts either way.

use crate::model::walk::{Value, Visitor};
use crate::model::{Date, SimpleValue};
use crate::reader::log::{LogItem, RecordLog};
use crate::schema::{self, id, ElementId, ElementSet};
use crate::xml::events::Position;

/// The elements the referential rules read (a capture projected on them is all
/// [`super::RefChecker::check_captured`] needs).
pub static READS: ElementSet = ElementSet::new(&[
    id::CERTIFICATION,
    id::CODE_RNCP,
    id::CODE_RS,
    id::CODE_CERTIFINFO,
    id::REFERENCE_CERTIFICATION,
    id::REFERENCE_CODE_RNCP,
    id::REFERENCE_CODE_RS,
    id::REFERENCE_CODE_CERTIFINFO,
    id::DOMAINE_FORMATION,
    id::CODE_ROME,
    id::CODE_NSF,
    id::SESSION,
    id::PERIODE,
    id::DEBUT,
    id::FIN,
    id::BLOCS_COMPETENCES,
    id::BLOC_COMPETENCES,
    id::CODE_BLOC,
]);

/// Which code an element holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Element {
    Rncp,
    Rs,
    CertifInfo,
    RefRncp,
    RefRs,
    RefCertifInfo,
    Rome,
    Nsf,
    Bloc,
}

impl Element {
    /// The LHEO element name.
    pub fn name(self) -> &'static str {
        match self {
            Element::Rncp => "code-RNCP",
            Element::Rs => "code-RS",
            Element::CertifInfo => "code-CERTIFINFO",
            Element::RefRncp => "reference-code-RNCP",
            Element::RefRs => "reference-code-RS",
            Element::RefCertifInfo => "reference-code-CERTIFINFO",
            Element::Rome => "code-ROME",
            Element::Nsf => "code-NSF",
            Element::Bloc => "code-bloc",
        }
    }
}

/// A code as written, with where it is.
#[derive(Debug, Clone)]
pub(super) struct CodeFact {
    pub element: Element,
    pub written: String,
    /// Path relative to the record (`certification[1]/code-RNCP`).
    pub path: String,
    pub pos: Option<Position>,
    /// The `blocs-competences` group a `code-bloc` (or its reference) belongs to.
    pub group: Option<usize>,
}

/// A `formation/action/session`: its path and its `periode`.
#[derive(Debug, Clone, Default)]
pub(super) struct SessionFact {
    pub path: String,
    pub debut: Option<Date>,
    pub fin: Option<Date>,
}

/// What the rules read in one record.
#[derive(Debug, Clone, Default)]
pub(super) struct Collected {
    pub codes: Vec<CodeFact>,
    pub sessions: Vec<SessionFact>,
    /// For each `blocs-competences`: how many groups (indexes into `codes` are by group).
    pub groups: usize,
    /// The record's own position.
    pub root: Option<Position>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Action,
    Session,
    SessionPeriode,
    Debut,
    Fin,
    BlocsCompetences,
    Code(Element),
    Extras,
    Other,
}

#[derive(Debug, Clone)]
struct Frame {
    name: &'static str,
    role: Role,
    path_len: usize,
    pos: Option<Position>,
}

/// Turns enter / text / leave events into [`Collected`]; buffers are kept from one record to
/// the next.
#[derive(Debug, Clone, Default)]
pub(super) struct Collector {
    pub out: Collected,
    stack: Vec<Frame>,
    path: String,
    text: String,
    /// The open `blocs-competences` group.
    group: Option<usize>,
    /// Capture adapter: same-named children seen by the open elements, for path indexes.
    counts: Vec<Vec<(ElementId, u32)>>,
}

impl Collector {
    pub fn reset(&mut self) {
        self.out.codes.clear();
        self.out.sessions.clear();
        self.out.groups = 0;
        self.out.root = None;
        self.stack.clear();
        self.path.clear();
        self.text.clear();
        self.group = None;
        self.counts.clear();
    }

    fn role(&self, name: &str) -> Role {
        let Some(parent) = self.stack.last() else {
            return Role::Root;
        };
        let grand = self.stack.len().checked_sub(2).map(|i| self.stack[i].name);
        match (parent.role, parent.name, name) {
            (Role::Extras, _, _) | (_, _, "extras") => Role::Extras,
            (Role::Root, _, "action") => Role::Action,
            (Role::Action, _, "session") => Role::Session,
            (Role::Session, _, "periode") => Role::SessionPeriode,
            (Role::SessionPeriode, _, "debut") => Role::Debut,
            (Role::SessionPeriode, _, "fin") => Role::Fin,
            (_, _, "blocs-competences") => Role::BlocsCompetences,
            (_, "certification", "code-RNCP") => Role::Code(Element::Rncp),
            (_, "certification", "code-RS") => Role::Code(Element::Rs),
            (_, "certification", "code-CERTIFINFO") => Role::Code(Element::CertifInfo),
            (_, "reference-certification", "reference-code-RNCP") => Role::Code(Element::RefRncp),
            (_, "reference-certification", "reference-code-RS") => Role::Code(Element::RefRs),
            (_, "reference-certification", "reference-code-CERTIFINFO") => {
                Role::Code(Element::RefCertifInfo)
            }
            (_, "domaine-formation", "code-ROME") => Role::Code(Element::Rome),
            (_, "domaine-formation", "code-NSF") => Role::Code(Element::Nsf),
            (_, "bloc-competences", "code-bloc") if grand == Some("blocs-competences") => {
                Role::Code(Element::Bloc)
            }
            _ => Role::Other,
        }
    }

    /// An element starts (`index`: its rank among same-named siblings, when paths show it).
    pub fn enter(&mut self, name: &'static str, index: Option<usize>, pos: Option<Position>) {
        let role = self.role(name);
        let path_len = self.path.len();
        if role == Role::Root {
            self.out.root = pos;
        } else if role != Role::Extras {
            crate::check::push_segment(&mut self.path, name, index);
        }
        match role {
            Role::Session => self.out.sessions.push(SessionFact {
                path: self.path.clone(),
                ..SessionFact::default()
            }),
            Role::BlocsCompetences => {
                self.group = Some(self.out.groups);
                self.out.groups += 1;
            }
            Role::Code(_) | Role::Debut | Role::Fin => self.text.clear(),
            _ => {}
        }
        self.stack.push(Frame {
            name,
            role,
            path_len,
            pos,
        });
    }

    /// Text of the innermost open element.
    pub fn text(&mut self, text: &str) {
        if let Some(Role::Code(_) | Role::Debut | Role::Fin) = self.stack.last().map(|f| f.role) {
            if self.text.len() < 4096 {
                self.text.push_str(text);
            }
        }
    }

    /// The innermost open element ends.
    pub fn leave(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame.role {
            Role::Code(element) => {
                let in_group = matches!(
                    element,
                    Element::Bloc | Element::RefRncp | Element::RefRs | Element::RefCertifInfo
                );
                // A reference belongs to a group only when its reference-certification is
                // the one of a blocs-competences.
                let group = match element {
                    Element::Bloc => self.group,
                    _ if in_group => self
                        .stack
                        .len()
                        .checked_sub(2)
                        .filter(|&i| self.stack[i].role == Role::BlocsCompetences)
                        .and(self.group),
                    _ => None,
                };
                self.out.codes.push(CodeFact {
                    element,
                    written: std::mem::take(&mut self.text),
                    path: self.path.clone(),
                    pos: frame.pos,
                    group,
                });
            }
            Role::Debut | Role::Fin => {
                let date = Date::parse_text(self.text.trim());
                if let Some(s) = self.out.sessions.last_mut() {
                    if frame.role == Role::Debut {
                        s.debut = date;
                    } else {
                        s.fin = date;
                    }
                }
            }
            Role::BlocsCompetences => self.group = None,
            _ => {}
        }
        self.path.truncate(frame.path_len);
    }

    /// Reads a captured record.
    pub fn read_log(&mut self, log: &RecordLog) {
        self.reset();
        for item in log.items() {
            match item {
                LogItem::Start(start) => {
                    let name = start.id.map_or("", |i| schema::element(i).name);
                    let index = self.capture_index(start.id);
                    self.counts.push(Vec::new());
                    self.enter(name, index, Some(start.pos));
                }
                LogItem::Text(t) => self.text(t),
                LogItem::End => {
                    self.counts.pop();
                    self.leave();
                }
            }
        }
    }

    /// The path index of a captured element: its rank among same-named siblings when its
    /// parent's schema allows several.
    fn capture_index(&mut self, id: Option<ElementId>) -> Option<usize> {
        let id = id?;
        let parent = self.stack.last().and_then(|f| schema::element_id(f.name))?;
        let (_, particle) = schema::particle(parent, id)?;
        if particle.max == Some(1) {
            return None;
        }
        let counts = self.counts.last_mut()?;
        let n = match counts.iter_mut().find(|(c, _)| *c == id) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counts.push((id, 1));
                1
            }
        };
        Some(n as usize)
    }
}

/// The model adapter: a walk of a record's children.
pub(super) struct ModelVisitor<'c>(pub &'c mut Collector);

impl Visitor for ModelVisitor<'_> {
    fn enter(&mut self, name: &'static str, index: Option<usize>, value: Value<'_>) -> bool {
        self.0.enter(name, index, None);
        if let Some(text) = value.text() {
            self.0.text(&text);
        }
        !matches!(value, Value::Extras(_))
    }

    fn leave(&mut self, _name: &'static str) {
        self.0.leave();
    }
}
