//! Children of element-only content: matching a child against its parent's sequence or
//! choice, and explaining what is wrong (unknown, unexpected, missing elements).

use super::content::{self, Step};
use super::{Checker, Mode, Position};
use crate::diagnostic::Rule;
use crate::schema::{self, Content, ElementId};
use crate::xml::events::StartTag;

impl Checker {
    /// Reports a child that cannot be here and opens it as skipped.
    fn unexpected(
        &mut self,
        tag: &StartTag,
        declared: Option<ElementId>,
        index: u32,
        why: Unexpected,
    ) {
        let parent = self.depth - 1;
        let pid = match self.frames[parent].mode {
            Mode::Strict(pid) => pid,
            _ => return,
        };
        self.frames[parent].content_error = true;
        let expected = self.expected_words(parent, pid);
        let p = schema::element(pid).name;
        self.open(
            Mode::Skip,
            &tag.local,
            Some(index).filter(|&n| n > 0),
            tag.pos,
        );
        let q = &tag.qname;
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        let (code, fr, en) = match (declared, why) {
            (None, _) => {
                let (fr_ns, en_ns) = match tag.ns {
                    None if schema::element_id(&tag.local).is_some() => (
                        " (sans espace de noms : ajoutez celui de LHEO)".to_owned(),
                        " (no namespace: put it in the LHEO namespace)".to_owned(),
                    ),
                    Some(ns) if Some(ns) != lheo_ns => {
                        (" (autre espace de noms)".to_owned(), " (another namespace)".to_owned())
                    }
                    _ => (String::new(), String::new()),
                };
                (
                    Rule::XsdElementInconnu,
                    format!("élément « {q} » inconnu en LHEO 2.3{fr_ns}, dans « {p} » : attendu {}", expected.0),
                    format!("element \"{q}\" does not exist in LHEO 2.3{en_ns}, in \"{p}\": expected {}", expected.1),
                )
            }
            (Some(_), Unexpected::TooMany(max)) => (
                Rule::XsdElementInattendu,
                format!("élément « {q} » en trop dans « {p} » : {max} au plus ; attendu ici {}", expected.0),
                format!("one \"{q}\" too many in \"{p}\": at most {max}; expected here {}", expected.1),
            ),
            (Some(_), Unexpected::OutOfOrder(before)) => (
                Rule::XsdElementInattendu,
                format!("élément « {q} » mal placé dans « {p} » : il doit venir avant « {before} » ; attendu ici {}", expected.0),
                format!("element \"{q}\" out of order in \"{p}\": it belongs before \"{before}\"; expected here {}", expected.1),
            ),
            (Some(_), Unexpected::NotAllowed) => (
                Rule::XsdElementInattendu,
                format!("élément « {q} » non admis dans « {p} » : attendu {}", expected.0),
                format!("element \"{q}\" not allowed in \"{p}\": expected {}", expected.1),
            ),
        };
        self.report(code, fr, en, tag.pos);
        self.collect_other_ids(tag);
    }

    /// What may come next in frame `parent`, in words.
    fn expected_words(&self, parent: usize, pid: ElementId) -> (String, String) {
        let (names, can_end) = match schema::element(pid).content {
            Content::Sequence(p) => content::expected(p, self.frames[parent].seq, 6),
            Content::Choice { children, .. } => (
                children.iter().map(|c| schema::element(*c).name).collect(),
                true,
            ),
            _ => (Vec::new(), true),
        };
        if names.is_empty() {
            return (
                "la fin de l'élément".into(),
                "the end of the element".into(),
            );
        }
        content::list(&names, can_end)
    }

    pub(super) fn start_in_sequence(
        &mut self,
        tag: &StartTag,
        declared: Option<ElementId>,
        pid: ElementId,
        particles: &'static [schema::Particle],
    ) {
        let parent = self.depth - 1;
        let Some(id) = declared else {
            let n = self.frames[parent].count_named(&tag.local);
            self.unexpected(tag, None, n, Unexpected::NotAllowed);
            return;
        };
        let index = match content::particle_of(particles, id) {
            Some(j) => {
                self.frames[parent].seen[j] += 1;
                let n = self.frames[parent].seen[j];
                (particles[j].max != Some(1)).then_some(n)
            }
            None => Some(self.frames[parent].count_named(&tag.local)),
        };
        let before = self.frames[parent].seq;
        let step = content::push(particles, &mut self.frames[parent].seq, id);
        match step {
            Step::Ok => {}
            Step::Skipped {
                from,
                from_count,
                to,
            } => {
                self.frames[parent].content_error = true;
                let p = schema::element(pid).name;
                let next = schema::element(particles[to].element).name;
                for k in content::missing(particles, from, from_count, to) {
                    let m = schema::element(particles[k].element).name;
                    let after = content::previous_present(particles, before, k)
                        .map(|a| (format!(", après « {a} »"), format!(", after \"{a}\"")))
                        .unwrap_or_default();
                    self.report(
                        Rule::XsdElementManquant,
                        format!(
                            "élément « {m} » manquant dans « {p} » : attendu avant « {next} »{}",
                            after.0
                        ),
                        format!(
                            "element \"{m}\" missing in \"{p}\": expected before \"{next}\"{}",
                            after.1
                        ),
                        tag.pos,
                    );
                }
            }
            Step::TooMany(j) => {
                let max = particles[j].max.unwrap_or(u32::MAX);
                self.unexpected(tag, declared, index.unwrap_or(0), Unexpected::TooMany(max));
                return;
            }
            Step::OutOfOrder(_) => {
                let before = schema::element(particles[self.frames[parent].seq.at].element).name;
                self.unexpected(
                    tag,
                    declared,
                    index.unwrap_or(0),
                    Unexpected::OutOfOrder(before),
                );
                return;
            }
            Step::NotAllowed => {
                self.unexpected(tag, declared, index.unwrap_or(0), Unexpected::NotAllowed);
                return;
            }
        }
        self.open(Mode::Strict(id), &tag.local, index, tag.pos);
        self.check_declared_start(tag, id);
    }

    pub(super) fn start_in_choice(
        &mut self,
        tag: &StartTag,
        declared: Option<ElementId>,
        max: Option<u32>,
        alts: &'static [ElementId],
    ) {
        let parent = self.depth - 1;
        let alt = declared.and_then(|id| alts.iter().position(|a| *a == id));
        let Some(k) = alt else {
            let n = self.frames[parent].count_named(&tag.local);
            self.unexpected(tag, declared, n, Unexpected::NotAllowed);
            return;
        };
        self.frames[parent].seen[k] += 1;
        let n = self.frames[parent].seen[k];
        let frame = &mut self.frames[parent];
        if max.is_some_and(|m| frame.seq.count >= m) {
            self.unexpected(tag, declared, n, Unexpected::TooMany(max.unwrap_or(0)));
            return;
        }
        frame.seq.count += 1;
        let id = alts[k];
        self.open(Mode::Strict(id), &tag.local, Some(n), tag.pos);
        self.check_declared_start(tag, id);
    }

    pub(super) fn check_end_of_sequence(
        &mut self,
        top: usize,
        id: ElementId,
        particles: &'static [schema::Particle],
        end: Position,
    ) {
        let frame = &self.frames[top];
        let state = frame.seq;
        // libxml2 names the parent's start tag; after another content error it says nothing
        // more, so the finding goes to the end tag, after the first one.
        let at = if frame.content_error { end } else { frame.pos };
        let p = schema::element(id).name;
        let missing: Vec<usize> =
            content::missing(particles, state.at, state.count, particles.len()).collect();
        for k in missing {
            let m = schema::element(particles[k].element).name;
            let after = content::previous_present(particles, state, k)
                .map(|a| {
                    (
                        format!(" : attendu après « {a} »"),
                        format!(": expected after \"{a}\""),
                    )
                })
                .unwrap_or_else(|| (" (obligatoire)".into(), " (required)".into()));
            self.report(
                Rule::XsdElementManquant,
                format!("élément « {m} » manquant dans « {p} »{}", after.0),
                format!("element \"{m}\" missing in \"{p}\"{}", after.1),
                at,
            );
        }
    }
}

/// Why a declared child cannot be where it is.
#[derive(Debug, Clone, Copy)]
enum Unexpected {
    TooMany(u32),
    /// It belongs before this element, already seen.
    OutOfOrder(&'static str),
    NotAllowed,
}
