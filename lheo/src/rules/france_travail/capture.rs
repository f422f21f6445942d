//! The France Travail rules on a projected capture of a record ([`READS`]), the way
//! `lheo validate` runs them: no tree, no whole model.
//!
//! The rules read a few values: each session's end date, recruitment state and recruitments,
//! and every address. [`Collected`] takes them from the capture into the model's own types
//! (a [`Session`] with its `periode`, `etat-recrutement` and `recrutement`s, each [`Adresse`]
//! with its lines, postcode, town and INSEE code), with the paths the model's walk would give
//! and the position of each element a finding may point at. The rules then run on those values
//! unchanged, so a record gives the findings [`FranceTravail::check_record`] gives on its
//! model (`tests/france_travail.rs` holds the two against each other).
//!
//! When a value the rules read would not build (missing, repeated, or not of its type, e.g.
//! `nb-places` « douze »), the record is reported unverified (`LHEO-NON-VERIFIE`), as a
//! record whose model does not build. Errors elsewhere in the record are the structural
//! checker's business: the rules still run.

use super::facts::{AdresseFacts, RecrutementFacts, SessionFacts};
use super::FranceTravail;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{trim_xml, Date, SimpleValue};
use crate::reader::log::{LogItem, RecordLog};
use crate::reader::BuildError;
use crate::schema::{self, id, ElementId, ElementSet};
use crate::xml::position::Position;

/// The elements whose attributes or text the France Travail rules read (with the element-only
/// ones they build, whose stray text would not build either): a capture projected on them ([`Build::Captures`](crate::reader::Build::Captures)) is all [`FranceTravail::check_captured`]
/// needs.
pub static READS: ElementSet = ElementSet::new(&[
    id::SESSION,
    id::PERIODE,
    id::ADRESSE,
    id::RECRUTEMENT,
    id::ETAT_RECRUTEMENT,
    id::MODALITE_RECRUTEMENT,
    id::A_DISTANCE,
    id::NB_PLACES,
    id::HEURE_DEBUT,
    id::HEURE_FIN,
    id::DEBUT,
    id::FIN,
    id::LIGNE,
    id::CODEPOSTAL,
    id::VILLE,
    id::CODE_INSEE_COMMUNE,
]);

/// What an element is to the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The record's root element.
    Root,
    /// `formation/action`.
    Action,
    Session,
    /// A `periode` of the open session (`true`) or recruitment (`false`).
    Periode(bool),
    Recrutement,
    Adresse,
    /// A value the rules read.
    Leaf(Slot),
    /// `extras` and everything in it (free content, not the model's: not read). A projected
    /// capture leaves it out; a whole one has it.
    Extras,
    /// Anything else (an address may be below).
    Other,
}

/// Where a leaf's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Etat,
    Modalite,
    ADistance,
    NbPlaces,
    HeureDebut,
    HeureFin,
    Debut,
    Fin,
    Ligne,
    CodePostal,
    Ville,
    CodeInsee,
}

#[derive(Debug, Clone)]
struct Frame {
    id: Option<ElementId>,
    role: Role,
    pos: Position,
    /// Length of [`Collector::path`] before this element's segment.
    path_len: usize,
    /// Where this element's child counts start in [`Collector::counts`].
    counts: usize,
}

/// The values the rules read in one record, with their paths (relative to the record, as the
/// model's walk writes them: `action[1]/session[2]`).
#[derive(Debug, Clone, Default)]
struct Collected {
    /// The record's element and position.
    root: Option<(ElementId, Position)>,
    /// The record's `@numero`.
    numero: Option<String>,
    /// `formation/action/session`s, in document order.
    sessions: Vec<(String, SessionFacts)>,
    /// Every typed `adresse`, in document order.
    adresses: Vec<(String, AdresseFacts)>,
    /// Why the values do not build, if they do not.
    invalid: Option<BuildError>,
    /// Elements a finding may point at: `paths[start..end]` and position.
    targets: Vec<(usize, usize, Position)>,
    paths: String,
}

impl Collected {
    /// The position of the deepest element along `path` (relative to the record), as a tree
    /// lookup would find it; the record's own position if none.
    fn nearest(&self, path: &str) -> Position {
        let root = self.root.map(|r| r.1).unwrap_or_default();
        let mut prefix = path;
        loop {
            if let Some(t) = self
                .targets
                .iter()
                .find(|(s, e, _)| self.paths.get(*s..*e) == Some(prefix))
            {
                return t.2;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return root,
            }
        }
    }
}

/// Reads captures into [`Collected`]; kept from one record to the next for its buffers.
///
/// Values are built in place: the open session is the last of `out.sessions`, the open
/// recruitment the last of its `recrutement`, the open address the last of `out.adresses`
/// (the model's types are large: moving them costs more than filling them).
#[derive(Debug, Clone, Default)]
pub(super) struct Collector {
    out: Collected,
    stack: Vec<Frame>,
    /// Same-named children seen so far by the open elements (for path indexes).
    counts: Vec<(ElementId, u32)>,
    path: String,
    /// The text of the open leaf.
    text: String,
    in_session: bool,
    in_recrutement: bool,
    in_adresse: bool,
    /// The open `periode`: whether it is the session's, and whether its `debut` and `fin`
    /// were seen.
    periode: Option<(bool, bool, bool)>,
    /// Whether the open session has its `periode`, the open recruitment its
    /// `modalite-recrutement`, the open address a `ligne`, its `codepostal` and `ville`.
    session_periode: bool,
    modalite: bool,
    ligne: bool,
    codepostal: bool,
    ville: bool,
}

fn error(id: Option<ElementId>, pos: Position, reason: &'static str) -> BuildError {
    BuildError {
        line: pos.line,
        element: id.map_or("", |i| schema::element(i).name).to_owned(),
        reason,
    }
}

const MISSING: &str = "élément obligatoire manquant";
const REPEATED: &str = "élément répété";

/// Sets an optional value once.
fn put<T>(slot: &mut Option<T>, value: T) -> Result<(), &'static str> {
    match slot.replace(value) {
        Some(_) => Err(REPEATED),
        None => Ok(()),
    }
}

/// Marks a required value seen, once.
fn once(seen: &mut bool) -> Result<(), &'static str> {
    if std::mem::replace(seen, true) {
        Err(REPEATED)
    } else {
        Ok(())
    }
}

fn parse<T: SimpleValue>(text: &str) -> Result<T, &'static str> {
    T::parse_text(text).ok_or("valeur invalide")
}

impl Collector {
    /// Reads one record's capture.
    fn read(&mut self, log: &RecordLog) {
        let out = &mut self.out;
        out.root = None;
        out.numero = None;
        out.sessions.clear();
        out.adresses.clear();
        out.invalid = None;
        out.targets.clear();
        out.paths.clear();
        self.stack.clear();
        self.counts.clear();
        self.path.clear();
        self.in_session = false;
        self.in_recrutement = false;
        self.in_adresse = false;
        self.periode = None;
        for item in log.items() {
            if self.out.invalid.is_some() {
                break;
            }
            match item {
                LogItem::Start(start) => self.start(start.id, start.pos, |name| start.attr(name)),
                LogItem::Text(t) => self.text(t),
                LogItem::End => self.end(),
            }
        }
    }

    fn fail(&mut self, id: Option<ElementId>, pos: Position, reason: &'static str) {
        self.out.invalid.get_or_insert(error(id, pos, reason));
    }

    fn session(&mut self) -> Option<&mut SessionFacts> {
        let open = self.in_session;
        self.out
            .sessions
            .last_mut()
            .filter(|_| open)
            .map(|s| &mut s.1)
    }

    fn recrutement(&mut self) -> Option<&mut RecrutementFacts> {
        let open = self.in_recrutement;
        self.session()
            .and_then(|s| s.recrutements.last_mut())
            .filter(|_| open)
    }

    fn adresse(&mut self) -> Option<&mut AdresseFacts> {
        let open = self.in_adresse;
        self.out
            .adresses
            .last_mut()
            .filter(|_| open)
            .map(|a| &mut a.1)
    }

    fn role(&self, id: ElementId) -> Role {
        let Some(parent) = self.stack.last() else {
            return Role::Root;
        };
        let root = self.out.root.map(|r| r.0);
        match (parent.role, id) {
            (Role::Root, id::ACTION) if root == Some(id::FORMATION) => Role::Action,
            (Role::Action, id::SESSION) => Role::Session,
            (Role::Session, id::PERIODE) => Role::Periode(true),
            (Role::Session, id::ETAT_RECRUTEMENT) => Role::Leaf(Slot::Etat),
            (Role::Session, id::RECRUTEMENT) => Role::Recrutement,
            (Role::Recrutement, id::MODALITE_RECRUTEMENT) => Role::Leaf(Slot::Modalite),
            (Role::Recrutement, id::A_DISTANCE) => Role::Leaf(Slot::ADistance),
            (Role::Recrutement, id::NB_PLACES) => Role::Leaf(Slot::NbPlaces),
            (Role::Recrutement, id::HEURE_DEBUT) => Role::Leaf(Slot::HeureDebut),
            (Role::Recrutement, id::HEURE_FIN) => Role::Leaf(Slot::HeureFin),
            (Role::Recrutement, id::PERIODE) => Role::Periode(false),
            (Role::Periode(_), id::DEBUT) => Role::Leaf(Slot::Debut),
            (Role::Periode(_), id::FIN) => Role::Leaf(Slot::Fin),
            (Role::Adresse, id::LIGNE) => Role::Leaf(Slot::Ligne),
            (Role::Adresse, id::CODEPOSTAL) => Role::Leaf(Slot::CodePostal),
            (Role::Adresse, id::VILLE) => Role::Leaf(Slot::Ville),
            (Role::Adresse, id::CODE_INSEE_COMMUNE) => Role::Leaf(Slot::CodeInsee),
            (Role::Extras, _) | (_, id::EXTRAS) => Role::Extras,
            (Role::Leaf(_) | Role::Adresse, _) => Role::Other,
            (_, id::ADRESSE)
                if parent
                    .id
                    .is_some_and(|p| schema::particle(p, id::ADRESSE).is_some()) =>
            {
                Role::Adresse
            }
            _ => Role::Other,
        }
    }

    /// Appends an element's segment to [`Collector::path`].
    fn enter(&mut self, id: ElementId) {
        let Some(parent) = self.stack.last() else {
            return;
        };
        let index = match parent.id {
            Some(p) if schema::particle(p, id).is_some_and(|(_, p)| p.max != Some(1)) => {
                let counts = &mut self.counts[parent.counts..];
                Some(match counts.iter_mut().find(|(c, _)| *c == id) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        self.counts.push((id, 1));
                        1
                    }
                })
            }
            _ => None,
        };
        let index = index.map(|n| n as usize);
        crate::check::push_segment(&mut self.path, schema::element(id).name, index);
    }

    fn start<'a>(
        &mut self,
        id: Option<ElementId>,
        pos: Position,
        attr: impl Fn(&str) -> Option<&'a str>,
    ) {
        if let Some(parent) = self.stack.last() {
            if matches!(parent.role, Role::Leaf(_)) {
                let (pid, ppos) = (parent.id, parent.pos);
                return self.fail(pid, ppos, "élément enfant dans un élément texte");
            }
        }
        let role = match id {
            Some(i) => self.role(i),
            None if self.stack.is_empty() => Role::Root,
            None => Role::Other,
        };
        let path_len = self.path.len();
        if let Some(i) = id {
            self.enter(i);
        }
        match role {
            Role::Root => {
                self.out.root = id.map(|i| (i, pos));
                self.out.numero = attr("numero").map(str::to_owned);
            }
            Role::Session => {
                self.out
                    .sessions
                    .push((self.path.clone(), SessionFacts::default()));
                self.in_session = true;
                self.session_periode = false;
            }
            Role::Recrutement => {
                let numero = attr("numero").map(str::to_owned);
                if let Some(s) = self.session() {
                    s.recrutements.push(RecrutementFacts {
                        numero,
                        ..RecrutementFacts::default()
                    });
                }
                self.in_recrutement = true;
                self.modalite = false;
            }
            Role::Periode(of_session) => {
                let fresh = if of_session {
                    !std::mem::replace(&mut self.session_periode, true)
                } else {
                    self.recrutement()
                        .is_some_and(|r| r.periode.replace(Default::default()).is_none())
                };
                if !fresh {
                    return self.fail(id, pos, REPEATED);
                }
                self.periode = Some((of_session, false, false));
            }
            Role::Adresse => {
                self.out
                    .adresses
                    .push((self.path.clone(), AdresseFacts::default()));
                self.in_adresse = true;
                self.ligne = false;
                self.codepostal = false;
                self.ville = false;
            }
            Role::Leaf(_) => self.text.clear(),
            Role::Action | Role::Other | Role::Extras => {}
        }
        if !matches!(role, Role::Other | Role::Action | Role::Extras) {
            let start = self.out.paths.len();
            self.out.paths.push_str(&self.path);
            self.out.targets.push((start, self.out.paths.len(), pos));
        }
        self.stack.push(Frame {
            id,
            role,
            pos,
            path_len,
            counts: self.counts.len(),
        });
    }

    fn text(&mut self, text: &str) {
        let Some(top) = self.stack.last() else { return };
        match top.role {
            Role::Leaf(_) => self.text.push_str(text),
            Role::Session | Role::Recrutement | Role::Periode(_) | Role::Adresse
                if !trim_xml(text).is_empty() =>
            {
                let (id, pos) = (top.id, top.pos);
                self.fail(
                    id,
                    pos,
                    "texte dans un élément qui ne contient que des éléments",
                );
            }
            _ => {}
        }
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        self.path.truncate(frame.path_len);
        self.counts.truncate(frame.counts);
        let result = match frame.role {
            Role::Leaf(slot) => self.leaf(slot),
            Role::Periode(_) => match self.periode.take() {
                Some((_, true, true)) => Ok(()),
                _ => Err(MISSING),
            },
            Role::Recrutement => {
                self.in_recrutement = false;
                if self.modalite {
                    Ok(())
                } else {
                    Err(MISSING)
                }
            }
            Role::Adresse => {
                self.in_adresse = false;
                if !(self.codepostal && self.ville) {
                    Err(MISSING)
                } else if self
                    .stack
                    .last()
                    .is_some_and(|p| p.role == Role::Recrutement)
                {
                    match self.recrutement() {
                        Some(r) => once(&mut r.adresse),
                        None => Ok(()),
                    }
                } else {
                    Ok(())
                }
            }
            Role::Session => {
                self.in_session = false;
                if self.session_periode {
                    Ok(())
                } else {
                    Err(MISSING)
                }
            }
            Role::Root | Role::Action | Role::Other | Role::Extras => Ok(()),
        };
        if let Err(reason) = result {
            self.fail(frame.id, frame.pos, reason);
        }
    }

    /// Stores the open leaf's value.
    fn leaf(&mut self, slot: Slot) -> Result<(), &'static str> {
        let text = std::mem::take(&mut self.text);
        let result = self.store(slot, &text);
        self.text = text;
        result
    }

    fn store(&mut self, slot: Slot, text: &str) -> Result<(), &'static str> {
        match slot {
            Slot::Etat => match self.session() {
                Some(s) => put(&mut s.etat, parse(text)?),
                None => Ok(()),
            },
            Slot::Modalite => {
                let value = parse(text)?;
                once(&mut self.modalite)?;
                if let Some(r) = self.recrutement() {
                    r.modalite = value;
                }
                Ok(())
            }
            Slot::ADistance => match self.recrutement() {
                Some(r) => put(&mut r.a_distance, parse(text)?),
                None => Ok(()),
            },
            Slot::NbPlaces => match self.recrutement() {
                Some(r) => put(&mut r.nb_places, parse(text)?),
                None => Ok(()),
            },
            Slot::HeureDebut => match self.recrutement() {
                Some(r) => put(&mut r.heure_debut, text.to_owned()),
                None => Ok(()),
            },
            Slot::HeureFin => match self.recrutement() {
                Some(r) => put(&mut r.heure_fin, text.to_owned()),
                None => Ok(()),
            },
            Slot::Debut | Slot::Fin => {
                let value: Date = parse(text)?;
                let Some((of_session, debut, fin)) = &mut self.periode else {
                    return Ok(());
                };
                let is_debut = slot == Slot::Debut;
                once(if is_debut { debut } else { fin })?;
                if *of_session {
                    // The rules read the session's end only.
                    if let (false, Some(s)) = (is_debut, self.session()) {
                        s.fin = value;
                    }
                } else if let Some((d, f)) = self.recrutement().and_then(|r| r.periode.as_mut()) {
                    *(if is_debut { d } else { f }) = value;
                }
                Ok(())
            }
            Slot::Ligne => {
                if !std::mem::replace(&mut self.ligne, true) {
                    if let Some(a) = self.adresse() {
                        a.ligne = text.to_owned();
                    }
                }
                Ok(())
            }
            Slot::CodePostal => {
                once(&mut self.codepostal)?;
                if let Some(a) = self.adresse() {
                    a.codepostal = text.to_owned();
                }
                Ok(())
            }
            Slot::Ville => {
                once(&mut self.ville)?;
                if let Some(a) = self.adresse() {
                    a.ville = text.to_owned();
                }
                Ok(())
            }
            Slot::CodeInsee => match self.adresse() {
                Some(a) => put(&mut a.code_insee_commune, text.to_owned()),
                None => Ok(()),
            },
        }
    }
}

impl FranceTravail {
    /// Checks a record captured by the reader (whole, or projected on [`READS`]): the findings
    /// [`FranceTravail::check_record`] gives on its model, with absolute paths
    /// (`/lheo/offres/formation[3]/action[1]/…`) and the positions of the elements they point
    /// at.
    pub fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        let mut collector = std::mem::take(&mut self.collector);
        collector.read(log);
        let found = self.check_collected(&collector.out, &log.path);
        self.collector = collector;
        found
    }

    fn check_collected(&mut self, c: &Collected, record: &str) -> Vec<Diagnostic> {
        if let Some(e) = &c.invalid {
            let pos = c.root.map(|r| r.1).unwrap_or_default();
            return vec![unverified(record, e, pos)];
        }
        self.record = super::record_label(record, c.numero.as_deref());
        let mut found = Vec::new();
        for (path, session) in &c.sessions {
            self.session(session, path, &mut found);
        }
        for (path, adresse) in &c.adresses {
            super::check_adresse(adresse, path, &mut found);
        }
        for d in &mut found {
            let pos = c.nearest(&d.path);
            super::place(d, record, pos);
        }
        found
    }
}

/// The finding for a record the rules could not read.
fn unverified(path: &str, e: &BuildError, pos: Position) -> Diagnostic {
    Diagnostic::new(
        Rule::LheoNonVerifie,
        format!("règles France Travail non vérifiées sur {path} : structure invalide ({e})"),
        format!(
            "France Travail rules skipped on {path}: invalid structure (line {}: {})",
            e.line, e.element
        ),
    )
    .at_line(pos.line, pos.column)
    .with_path(path.to_owned())
}
