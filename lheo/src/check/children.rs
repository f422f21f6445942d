//! Children of element-only content: matching a child against its parent's sequence or
//! choice, and explaining what is wrong (unknown, unexpected, misplaced, missing elements).
//!
//! One mistake is one finding, never a cascade:
//! - a child that jumps over required siblings not seen yet is *held* (a [`Jump`]); when one
//!   of them comes later, the jumper was misplaced: matching resumes from before it, and one
//!   finding says where it belongs (« doit venir après … »);
//! - what is missing is decided when the element ends: a child present anywhere in the
//!   element (even misplaced) is never reported missing, and the missing children of one place
//!   are one finding that lists them;
//! - a required child an unexpected element was reported in place of (« attendu « X » ») is
//!   not reported missing again.
//!
//! On a document with a single mistake this gives at most the findings libxml2 gives, at the
//! line it names (`tests/xsd_oracle.rs`).

use super::content::{self, SeqState, Step};
use super::{Checker, Mode, Position};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::schema::{self, Content, ElementId, Particle};
use crate::xml::events::StartTag;

/// A child accepted after siblings that may still come.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Recent {
    /// The state before the child.
    before: SeqState,
    /// The child's particle.
    to: usize,
    /// Where the child is, and its path index.
    pos: Position,
    index: Option<u32>,
    /// Required siblings were among those it went past (libxml2 then refuses the jumper
    /// itself; past optional ones only, it refuses the sibling that comes too late).
    required: bool,
}

/// A child accepted after required siblings that were not seen (yet). Its subtree is
/// checked, its findings held until the parent ends: the child may turn out misplaced or
/// stray, and libxml2 says nothing about the content of an element it does not expect.
#[derive(Debug, Clone, PartialEq)]
struct Jump {
    at: Recent,
    /// The findings inside the child, once it closed.
    findings: Vec<Diagnostic>,
}

/// A child set aside: not where it belongs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Aside {
    particle: usize,
    pos: Position,
    index: Option<u32>,
    /// `None`: misplaced (a sibling it jumped over came later); `Some(k)`: stray, standing
    /// where particle `k` was expected (which never came).
    instead_of: Option<usize>,
}

/// Unexpected children one after the other: one finding, that names the followers.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    first: Diagnostic,
    more: Vec<String>,
    /// Followers not named (past [`RUN_NAMES`]).
    unnamed: usize,
}

/// Followers named in the finding of a run of unexpected children.
const RUN_NAMES: usize = 5;

/// The content-model findings of one element, held until it ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Held {
    /// The children that went past required siblings, in order.
    jumps: Vec<Jump>,
    /// The last child that went past siblings (required or not).
    last: Option<Recent>,
    asides: Vec<Aside>,
    /// The required child a finding already said was expected (not reported missing).
    explained: Option<usize>,
    /// The unexpected children since the last accepted one.
    run: Option<Box<Run>>,
}

impl Held {
    #[inline]
    pub(super) fn clear(&mut self) {
        if !self.jumps.is_empty() {
            self.jumps.clear();
        }
        if !self.asides.is_empty() {
            self.asides.clear();
        }
        if self.run.is_some() {
            self.run = None;
        }
        self.last = None;
        self.explained = None;
    }
}

/// Findings held inside one element before they are flushed (a bound for hostile input).
pub(super) const MAX_HELD: usize = 1000;

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
        let frame = &mut self.frames[parent];
        frame.content_error = true;
        if let Some(run) = &mut frame.held.run {
            // One more after an unexpected child: named in its finding.
            if run.more.len() < RUN_NAMES {
                run.more.push(tag.qname.clone());
            } else {
                run.unnamed += 1;
            }
            self.open(
                Mode::Skip,
                tag.local(),
                Some(index).filter(|&n| n > 0),
                tag.pos,
            );
            self.collect_other_ids(tag);
            return;
        }
        if let Content::Sequence(particles) = schema::element(pid).content {
            if frame.held.explained.is_none() {
                frame.held.explained = content::first_required(particles, frame.seq);
            }
        }
        let expected = self.expected_words(parent, pid);
        let p = schema::element(pid).name;
        self.open(
            Mode::Skip,
            tag.local(),
            Some(index).filter(|&n| n > 0),
            tag.pos,
        );
        let q = &tag.qname;
        let lheo_ns = self.doc.and_then(|d| d.lheo_ns);
        let (code, fr, en) = match (declared, why) {
            (None, _) => {
                let (fr_ns, en_ns) = match tag.ns {
                    None if schema::element_id(tag.local()).is_some() => (
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
        let first = Diagnostic::new(code, fr, en)
            .at_line(tag.pos.line, tag.pos.column)
            .with_path(self.current_path());
        self.frames[parent].held.run = Some(Box::new(Run {
            first,
            more: Vec::new(),
            unnamed: 0,
        }));
        self.collect_other_ids(tag);
    }

    /// The finding of the unexpected children of frame `top` since its last accepted child.
    #[inline]
    pub(super) fn end_run(&mut self, top: usize) {
        if self.frames[top].held.run.is_some() {
            self.write_run(top);
        }
    }

    #[cold]
    #[inline(never)]
    fn write_run(&mut self, top: usize) {
        let Some(run) = self.frames[top].held.run.take() else {
            return;
        };
        let Run {
            first: mut d,
            more,
            unnamed,
        } = *run;
        if !more.is_empty() {
            let names: Vec<&str> = more.iter().map(String::as_str).collect();
            let (mut fr, mut en) = content::all(&names);
            if unnamed > 0 {
                fr = format!("{fr} et {unnamed} autres");
                en = format!("{en} and {unnamed} more");
            }
            d.message
                .fr
                .push_str(&format!(" (suivi de {fr}, non admis non plus)"));
            d.message
                .en
                .push_str(&format!(" (followed by {en}, not allowed either)"));
        }
        self.keep(d);
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
        particles: &'static [Particle],
    ) {
        let parent = self.depth - 1;
        let Some(id) = declared else {
            let n = self.frames[parent].count_named(tag.local());
            self.unexpected(tag, None, n, Unexpected::NotAllowed);
            return;
        };
        let Some(j) = content::particle_of(particles, id) else {
            let n = self.frames[parent].count_named(tag.local());
            self.unexpected(tag, declared, n, Unexpected::NotAllowed);
            return;
        };
        let frame = &mut self.frames[parent];
        frame.seen[j] += 1;
        let index = (particles[j].max != Some(1)).then_some(frame.seen[j]);
        let before = frame.seq;
        let step = content::push_at(particles, &mut frame.seq, j);
        let held = match step {
            Step::Ok if self.frames[parent].seq.at <= before.at + usize::from(before.count > 0) => {
                false
            }
            Step::Ok | Step::Skipped { .. } => {
                self.jumped(parent, particles, before, tag.pos, index)
            }
            Step::TooMany(k) | Step::OutOfOrder(k) => {
                match self.resolve_jump(parent, particles, k, tag, id, index) {
                    Some(held) => held,
                    None => {
                        let why = match step {
                            Step::TooMany(j) => {
                                Unexpected::TooMany(particles[j].max.unwrap_or(u32::MAX))
                            }
                            _ => {
                                let at = self.frames[parent].seq.at;
                                Unexpected::OutOfOrder(schema::element(particles[at].element).name)
                            }
                        };
                        self.unexpected(tag, declared, index.unwrap_or(0), why);
                        return;
                    }
                }
            }
            Step::NotAllowed => {
                self.unexpected(tag, declared, index.unwrap_or(0), Unexpected::NotAllowed);
                return;
            }
        };
        self.end_run(parent);
        self.open_declared(id, index, tag.pos);
        if held {
            self.frames[self.depth - 1].provisional = true;
            self.provisional.push(Vec::new());
        }
        self.check_declared_start(tag, id);
    }

    /// A child accepted at the current particle of frame `parent`, after `before`: noted when
    /// it went past siblings that may still come, held when required ones were among them.
    /// Returns whether it is held.
    fn jumped(
        &mut self,
        parent: usize,
        particles: &[Particle],
        before: SeqState,
        pos: Position,
        index: Option<u32>,
    ) -> bool {
        let frame = &mut self.frames[parent];
        let to = frame.seq.at;
        let first = before.at + usize::from(before.count > 0);
        if to <= first {
            return false;
        }
        let explained = frame.held.explained;
        let required = content::missing(particles, before.at, before.count, to)
            .any(|k| frame.seen[k] == 0 && Some(k) != explained);
        let at = Recent {
            before,
            to,
            pos,
            index,
            required,
        };
        frame.held.last = Some(at);
        if required {
            frame.content_error = true;
            frame.held.jumps.push(Jump {
                at,
                findings: Vec::new(),
            });
        }
        required
    }

    /// A child of particle `k` that cannot follow the last jump of frame `parent`.
    ///
    /// When the jumper went past required siblings: if this child is the sibling it jumped
    /// over, the jumper was misplaced; if the child belongs before the jumper (or is of its
    /// kind) while that sibling never came, the jumper is a stray standing in its place.
    /// Either way the jumper is set aside (its findings dropped, one finding at its end).
    ///
    /// When it went past optional siblings only, this child is the one out of place (as
    /// libxml2 says): one finding here, and the jumper stands.
    ///
    /// Then matching resumes from before the jumper with this child. `None` when the child is
    /// not explained so; otherwise whether the child is held in turn.
    fn resolve_jump(
        &mut self,
        parent: usize,
        particles: &[Particle],
        k: usize,
        tag: &StartTag,
        id: ElementId,
        index: Option<u32>,
    ) -> Option<bool> {
        let frame = &mut self.frames[parent];
        let jump = frame.held.last?;
        let before_jumper = k >= jump.before.at && k < jump.to;
        if !jump.required {
            if !before_jumper {
                return None;
            }
            let mut state = jump.before;
            if !matches!(
                content::push(particles, &mut state, id),
                Step::Ok | Step::Skipped { .. }
            ) {
                return None;
            }
            frame.content_error = true;
            frame.held.last = frame.held.jumps.last().map(|j| j.at);
            frame.seq = state;
            let jumper = schema::element(particles[jump.to].element).name;
            self.report_here(parent, tag, index, jumper);
            return Some(self.jumped(parent, particles, jump.before, tag.pos, index));
        }
        let explained = frame.held.explained;
        // The first sibling the jumper jumped over that had not come (this child counts as
        // not come before it).
        let skipped =
            content::missing(particles, jump.before.at, jump.before.count, jump.to).find(|&j| {
                (frame.seen[j] == 0 || (j == k && frame.seen[j] == 1)) && Some(j) != explained
            });
        let instead_of = if skipped == Some(k) || (skipped.is_none() && before_jumper) {
            None
        } else if before_jumper || k == jump.to {
            skipped
        } else {
            return None;
        };
        let mut state = jump.before;
        if !matches!(
            content::push(particles, &mut state, id),
            Step::Ok | Step::Skipped { .. }
        ) {
            return None;
        }
        frame.held.jumps.pop();
        frame.held.last = frame.held.jumps.last().map(|j| j.at);
        frame.held.asides.push(Aside {
            particle: jump.to,
            pos: jump.pos,
            index: jump.index,
            instead_of,
        });
        if instead_of.is_some() && frame.held.explained.is_none() {
            frame.held.explained = instead_of;
        }
        frame.seq = state;
        Some(self.jumped(parent, particles, jump.before, tag.pos, index))
    }

    /// One finding at a child of frame `parent` that comes after `jumper` but belongs before.
    fn report_here(&mut self, parent: usize, tag: &StartTag, index: Option<u32>, jumper: &str) {
        let Mode::Strict(pid) = self.frames[parent].mode else {
            return;
        };
        let p = schema::element(pid).name;
        let q = &tag.qname;
        let (fr, en) = (
            format!("élément « {q} » mal placé dans « {p} » : il doit venir avant « {jumper} »"),
            format!("element \"{q}\" out of order in \"{p}\": it belongs before \"{jumper}\""),
        );
        self.report_misplaced(tag.local(), index, fr, en, tag.pos);
    }

    /// A misplaced child's finding, at the path of the child `name` (with its `index`) of the
    /// innermost open element: the open elements' path, then the child's segment.
    fn report_misplaced(
        &mut self,
        name: &str,
        index: Option<u32>,
        fr: String,
        en: String,
        pos: Position,
    ) {
        let len = self.current_path().len();
        super::push_child(&mut self.path, name, index);
        self.report(Rule::XsdElementInattendu, fr, en, pos);
        self.path.truncate(len);
    }

    /// The end of an element whose findings are held (a jumper): they go to its jump.
    pub(super) fn close_held(&mut self, top: usize) {
        let findings = self.provisional.pop().unwrap_or_default();
        let parent = top.checked_sub(1).and_then(|p| self.frames.get_mut(p));
        match parent.and_then(|f| f.held.jumps.last_mut()) {
            Some(jump) => jump.findings = findings,
            None => findings.into_iter().for_each(|d| self.keep(d)),
        }
    }

    /// Too many findings held inside a jumper: they are kept as if it stood.
    pub(super) fn flush_held(&mut self) {
        if let Some(findings) = self.provisional.pop() {
            for d in findings {
                self.keep(d);
            }
            self.provisional.push(Vec::new());
        }
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
            let n = self.frames[parent].count_named(tag.local());
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
        self.end_run(parent);
        self.open_declared(id, Some(n), tag.pos);
        self.check_declared_start(tag, id);
    }

    pub(super) fn check_end_of_sequence(
        &mut self,
        top: usize,
        id: ElementId,
        particles: &'static [Particle],
        end: Position,
    ) {
        let frame = &self.frames[top];
        let state = frame.seq;
        // libxml2 names the parent's start tag; after another content error it says nothing
        // more, so the finding goes to the end tag, after the first one.
        let at = if frame.content_error { end } else { frame.pos };
        let mut explained = frame.held.explained;
        if !frame.held.jumps.is_empty() || !frame.held.asides.is_empty() {
            self.end_held(top, particles, &mut explained);
        }
        let missing = self.unseen(top, particles, state, particles.len(), &mut explained);
        if missing.is_empty() {
            return;
        }
        let p = schema::element(id).name;
        let (names, words) = missing_words(particles, &missing);
        let (fr, en) = match content::previous_present(particles, state, missing[0]) {
            Some(a) => (
                format!("{} dans « {p} » : {} après « {a} »", names.0, words.0),
                format!("{} in \"{p}\": {} after \"{a}\"", names.1, words.1),
            ),
            None => {
                let (fr, en) = if missing.len() == 1 {
                    ("obligatoire", "required")
                } else {
                    ("obligatoires", "required")
                };
                (
                    format!("{} dans « {p} » ({fr})", names.0),
                    format!("{} in \"{p}\" ({en})", names.1),
                )
            }
        };
        self.report(Rule::XsdElementManquant, fr, en, at);
    }

    /// The findings of the children of frame `top` set aside or held (see [`Held`]).
    #[cold]
    fn end_held(&mut self, top: usize, particles: &[Particle], explained: &mut Option<usize>) {
        let Mode::Strict(id) = self.frames[top].mode else {
            return;
        };
        let p = schema::element(id).name;
        // Written once for the findings below (`not_its_kind` reads it).
        self.current_path();
        let mut asides = std::mem::take(&mut self.frames[top].held.asides);
        let mut jumps = std::mem::take(&mut self.frames[top].held.jumps);
        for a in &asides {
            self.report_aside(top, particles, p, *a);
        }
        for jump in &mut jumps {
            let findings = std::mem::take(&mut jump.findings);
            let j = jump.at;
            let mut missing = self.unseen(top, particles, j.before, j.to, explained);
            let name = schema::element(particles[j.to].element).name;
            if !missing.is_empty() && findings.iter().any(|d| not_its_kind(d, &self.path, name)) {
                // A broken element where a required one is missing: it stands in its place
                // (one finding, as libxml2 gives; its content is not the missing one's).
                let aside = Aside {
                    particle: j.to,
                    pos: j.pos,
                    index: j.index,
                    instead_of: Some(missing.remove(0)),
                };
                self.report_aside(top, particles, p, aside);
            } else {
                for d in findings {
                    self.keep(d);
                }
            }
            if missing.is_empty() {
                continue;
            }
            let next = schema::element(particles[j.to].element).name;
            let after = content::previous_present(particles, j.before, missing[0])
                .map(|a| (format!(", après « {a} »"), format!(", after \"{a}\"")))
                .unwrap_or_default();
            let (names, words) = missing_words(particles, &missing);
            let (fr, en) = (
                format!(
                    "{} dans « {p} » : {} avant « {next} »{}",
                    names.0, words.0, after.0
                ),
                format!(
                    "{} in \"{p}\": {} before \"{next}\"{}",
                    names.1, words.1, after.1
                ),
            );
            self.report(Rule::XsdElementManquant, fr, en, j.pos);
        }
        // The emptied lists go back, with their room.
        asides.clear();
        jumps.clear();
        let held = &mut self.frames[top].held;
        held.asides = asides;
        held.jumps = jumps;
    }

    /// The required particles of frame `top` left unsatisfied between `from` and `to` that
    /// occur nowhere in the element, but the `explained` one (taken when met).
    fn unseen(
        &self,
        top: usize,
        particles: &[Particle],
        from: SeqState,
        to: usize,
        explained: &mut Option<usize>,
    ) -> Vec<usize> {
        let seen = &self.frames[top].seen;
        content::missing(particles, from.at, from.count, to)
            .filter(|&k| seen[k] == 0)
            .filter(|&k| {
                if *explained == Some(k) {
                    *explained = None;
                    return false;
                }
                true
            })
            .collect()
    }

    /// One finding for a child set aside (see [`Checker::resolve_jump`]), at the child.
    fn report_aside(&mut self, top: usize, particles: &[Particle], p: &str, a: Aside) {
        let q = schema::element(particles[a.particle].element).name;
        let (fr, en) = match a.instead_of {
            Some(k) => {
                let r = schema::element(particles[k].element).name;
                (
                    format!("élément « {q} » inattendu à cet endroit de « {p} » : attendu « {r} »"),
                    format!("element \"{q}\" not expected here in \"{p}\": expected \"{r}\""),
                )
            }
            None => {
                let seen = &self.frames[top].seen;
                let after = (0..a.particle)
                    .rev()
                    .find(|&k| seen[k] > 0)
                    .map(|k| schema::element(particles[k].element).name);
                match after {
                    Some(x) => (
                        format!(
                            "élément « {q} » mal placé dans « {p} » : il doit venir après « {x} »"
                        ),
                        format!(
                            "element \"{q}\" out of order in \"{p}\": it belongs after \"{x}\""
                        ),
                    ),
                    None => (
                        format!("élément « {q} » mal placé dans « {p} »"),
                        format!("element \"{q}\" out of order in \"{p}\""),
                    ),
                }
            }
        };
        self.report_misplaced(q, a.index, fr, en, a.pos);
    }
}

/// Whether a finding says that the content of the child `name` of the element at `parent`
/// is not of its kind (what a misnamed element gives: text where elements go, elements
/// where text goes, children it does not have). Problems further down, or of values, are
/// not: they are the element's own.
fn not_its_kind(d: &Diagnostic, parent: &str, name: &str) -> bool {
    let shape = matches!(
        d.rule,
        Rule::XsdElementInconnu
            | Rule::XsdElementInattendu
            | Rule::XsdTexteInterdit
            | Rule::XsdContenuSimple
    );
    let Some(rest) = d
        .path
        .strip_prefix(parent)
        .and_then(|r| r.strip_prefix('/'))
        .and_then(|r| r.strip_prefix(name))
    else {
        return false;
    };
    // `name`, `name[2]`, then at most one more segment (a direct child).
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']').map_or("", |(_, after)| after),
        None => rest,
    };
    let direct = rest.is_empty() || rest.strip_prefix('/').is_some_and(|r| !r.contains('/'));
    shape && d.severity == Severity::Error && direct
}

/// `élément « a » manquant` / `éléments « a » et « b » manquants`, and `attendu`/`attendus`.
fn missing_words(
    particles: &[Particle],
    missing: &[usize],
) -> ((String, String), (&'static str, &'static str)) {
    let names: Vec<&str> = missing
        .iter()
        .map(|&k| schema::element(particles[k].element).name)
        .collect();
    let (fr, en) = content::all(&names);
    if names.len() == 1 {
        (
            (
                format!("élément {fr} manquant"),
                format!("element {en} missing"),
            ),
            ("attendu", "expected"),
        )
    } else {
        (
            (
                format!("éléments {fr} manquants"),
                format!("elements {en} missing"),
            ),
            ("attendus", "expected"),
        )
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

#[cfg(test)]
mod tests {
    use crate::rules::Profile;
    use crate::validate::{validate, ValidateOptions};

    /// `(code, line, path, message)` of every finding of `<adresse>inner</adresse>`, one child
    /// per line from line 2.
    fn adresse(children: &[&str]) -> Vec<(&'static str, u32, String, String)> {
        let xml = format!(
            "<adresse xmlns=\"http://lheo.gouv.fr/2.3\">\n{}\n</adresse>",
            children.join("\n")
        );
        validate(xml.as_bytes(), &ValidateOptions::new(Profile::Xsd))
            .diagnostics
            .into_iter()
            .map(|d| {
                (
                    d.code(),
                    d.line().unwrap_or(0),
                    d.path,
                    d.message.fr.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_misplaced_element_is_one_finding_at_it() {
        let d = adresse(&[
            "<ville>Paris</ville>",
            "<ligne>1 rue de la Paix</ligne>",
            "<codepostal>75002</codepostal>",
        ]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].0, d[0].1, d[0].2.as_str()),
            ("XSD-ELEMENT-INATTENDU", 2, "/adresse/ville")
        );
        assert!(
            d[0].3.contains("doit venir après « codepostal »"),
            "{}",
            d[0].3
        );
    }

    #[test]
    fn missing_children_of_one_place_are_one_finding() {
        let d = adresse(&["<ville>Paris</ville>"]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].3,
            "éléments « ligne » et « codepostal » manquants dans « adresse » : attendus avant « ville »"
        );
        let empty = adresse(&[]);
        assert_eq!(empty.len(), 1, "{empty:#?}");
        assert!(empty[0]
            .3
            .starts_with("éléments « ligne », « codepostal » et « ville » manquants"));
    }

    #[test]
    fn an_element_present_later_is_never_missing() {
        // `codepostal` comes after `ville`: out of place, not missing.
        let d = adresse(&[
            "<ligne>1 rue de la Paix</ligne>",
            "<ville>Paris</ville>",
            "<departement>75</departement>",
            "<codepostal>75002</codepostal>",
        ]);
        assert!(d.iter().all(|x| x.0 != "XSD-ELEMENT-MANQUANT"), "{d:#?}");
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn a_misnamed_element_stands_for_the_missing_one() {
        // `codepostal` written `ville`: one finding, no « codepostal » missing.
        let d = adresse(&[
            "<ligne>1 rue de la Paix</ligne>",
            "<ville>75002</ville>",
            "<ville>Paris</ville>",
        ]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].1, 3);
        assert!(d[0].3.contains("attendu « codepostal »"), "{}", d[0].3);
    }

    #[test]
    fn unexpected_children_in_a_row_are_one_finding() {
        let d = adresse(&[
            "<ligne>1 rue de la Paix</ligne>",
            "<a/>",
            "<b/>",
            "<c/>",
            "<codepostal>75002</codepostal>",
            "<ville>Paris</ville>",
            "<d/>",
        ]);
        assert_eq!(
            d.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
            [("XSD-ELEMENT-INCONNU", 3), ("XSD-ELEMENT-INCONNU", 8)],
            "{d:#?}"
        );
        assert!(
            d[0].3
                .ends_with("(suivi de « b » et « c », non admis non plus)"),
            "{}",
            d[0].3
        );
    }

    #[test]
    fn past_optional_siblings_the_late_one_is_out_of_place() {
        // As libxml2 says: `departement` comes too late, after `code-INSEE-commune`.
        let d = adresse(&[
            "<ligne>1 rue de la Paix</ligne>",
            "<codepostal>75002</codepostal>",
            "<ville>Paris</ville>",
            "<code-INSEE-commune>75102</code-INSEE-commune>",
            "<departement>75</departement>",
        ]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].1, d[0].2.as_str()), (6, "/adresse/departement"));
        assert!(
            d[0].3.contains("doit venir avant « code-INSEE-commune »"),
            "{}",
            d[0].3
        );
    }
}
