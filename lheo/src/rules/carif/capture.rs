//! The Carif-Oref and Parcoursup rules on a projected capture of a record ([`READS`]), the way
//! `lheo validate` runs them: no tree of the whole record, no model.
//!
//! A capture projected on [`READS`] holds the record's element-only skeleton (the elements
//! that may hold one the rules read) and the text of the elements the rules read. [`Arena`] turns it into a small tree (one flat table of nodes,
//! kept from one record to the next), and [`Arena::facts`] reads the [`FormationFacts`] off it,
//! the values [`FormationFacts::from_formation`] takes from a model, with the elements a
//! finding may point at (their paths and positions come from the arena). The rules then run
//! on those facts unchanged, so a record gives the findings a model built from it gives
//! (`tests/carif.rs` holds the two against each other).
//!
//! When a value the rules read would not build (missing, repeated, or not of its type, e.g.
//! `duree-cycle` « deux »), the record is reported unverified (`LHEO-NON-VERIFIE`), as a record
//! whose model does not build. Errors elsewhere in the record are the structural checker's
//! business: the rules still run.

use std::ops::Range;

use super::facts::{
    ActionFacts, AnneeFacts, BlocsFacts, CertificationFacts, CycleFacts, FormateurFacts,
    FormationFacts, Loc, Locate, SessionFacts, Span, TextFact, FREE_TEXTS,
};
use crate::model::{Date, ModalitesEnseignement, SimpleValue};
use crate::reader::log::{LogItem, RecordLog};
use crate::reader::BuildError;
use crate::schema::{self, id, ElementId, ElementSet};
use crate::xml::position::Position;

/// The elements whose text the Carif-Oref and Parcoursup rules read: a capture projected on
/// them ([`Build::Captures`](crate::reader::Build::Captures)) is all
/// [`super::Carif::check_captured`] needs (the element-only elements that may hold one of them
/// come with any projected capture): the free texts (`facts::FREE_TEXTS`) and the codes, numbers and dates below.
pub static READS: ElementSet = FREE_TEXTS.union(&ElementSet::new(&[
    // Certifications.
    id::CODE_RNCP,
    id::CODE_CERTIFINFO,
    id::CODE_RS,
    // Organisations.
    id::NUMERO_ACTIVITE,
    id::SIRET,
    id::CODE_UAI,
    // Actions and sessions.
    id::MODALITES_ENSEIGNEMENT,
    id::MODALITES_ENTREES_SORTIES,
    id::DUREE_CYCLE,
    id::NOMBRE_HEURES_CENTRE,
    id::NOMBRE_HEURES_ENTREPRISE,
    id::NOMBRE_HEURES_TOTAL,
    id::DEBUT,
    id::FIN,
    id::TYPE_CYCLE,
    id::ANNEE_CYCLE,
    id::TYPE_ALTERNANCE,
    id::VALIDATION_BLOCS,
]));

/// No node.
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node {
    id: Option<ElementId>,
    pos: Position,
    parent: u32,
    first: u32,
    last: u32,
    next: u32,
    /// 1-based rank among the parent's children of the same name ([`Arena::rank`]).
    index: u32,
    /// Its text in [`Arena::text`].
    text: Range<u32>,
}

/// A captured record as a small tree; kept from one record to the next for its buffers.
#[derive(Debug, Clone, Default)]
pub(super) struct Arena {
    nodes: Vec<Node>,
    text: String,
    stack: Vec<u32>,
    /// The record's `@numero`.
    numero: Option<String>,
}

const MISSING: &str = "élément obligatoire manquant";
const REPEATED: &str = "élément répété";
const INVALID: &str = "valeur invalide";

impl Arena {
    /// Reads one record's capture.
    pub fn read(&mut self, log: &RecordLog) {
        self.nodes.clear();
        self.text.clear();
        self.stack.clear();
        self.numero = None;
        for item in log.items() {
            match item {
                LogItem::Start(start) => {
                    if self.nodes.is_empty() {
                        self.numero = start.attr("numero").map(str::to_owned);
                    }
                    self.start(start.id, start.pos);
                }
                LogItem::Text(t) => self.push_text(t),
                LogItem::End => {
                    self.stack.pop();
                }
            }
        }
    }

    fn start(&mut self, id: Option<ElementId>, pos: Position) {
        let at = self.nodes.len() as u32;
        let parent = self.stack.last().copied().unwrap_or(NONE);
        let text = self.text.len() as u32;
        self.nodes.push(Node {
            id,
            pos,
            parent,
            first: NONE,
            last: NONE,
            next: NONE,
            index: 1,
            text: text..text,
        });
        if let Some(p) = self.nodes.get_mut(parent as usize) {
            let last = std::mem::replace(&mut p.last, at);
            if p.first == NONE {
                p.first = at;
            }
            if let Some(l) = self.nodes.get_mut(last as usize) {
                l.next = at;
            }
        }
        self.stack.push(at);
    }

    fn push_text(&mut self, t: &str) {
        let Some(&top) = self.stack.last() else {
            return;
        };
        let end = self.text.len() as u32;
        if let Some(n) = self.nodes.get_mut(top as usize) {
            // The text of a text element is one run; text around children is not read.
            if n.text.end == end && n.first == NONE {
                self.text.push_str(t);
                n.text.end = self.text.len() as u32;
            }
        }
    }

    fn node(&self, n: u32) -> Option<&Node> {
        self.nodes.get(n as usize)
    }

    fn children(&self, n: u32) -> impl Iterator<Item = (u32, Option<ElementId>)> + '_ {
        let mut c = self.node(n).map_or(NONE, |n| n.first);
        std::iter::from_fn(move || {
            let node = self.node(c)?;
            let at = c;
            c = node.next;
            Some((at, node.id))
        })
    }

    /// The text of node `n`: a span of [`Arena::text`], which [`Arena::facts`] hands over to
    /// the facts as their [`FormationFacts::strings`] (texts are not copied again).
    fn span(&self, n: u32) -> Span {
        self.node(n).map_or(0..0, |n| n.text.clone())
    }

    fn error(&self, n: u32, reason: &'static str) -> BuildError {
        let node = self.node(n);
        BuildError {
            line: node.map_or(0, |n| n.pos.line),
            element: node
                .and_then(|n| n.id)
                .map_or("", |i| schema::element(i).name)
                .to_owned(),
            reason,
        }
    }

    fn parse<T: SimpleValue>(&self, n: u32, out: &FormationFacts) -> Result<T, BuildError> {
        T::parse_text(out.str(&self.span(n))).ok_or_else(|| self.error(n, INVALID))
    }

    /// The record's element and position.
    pub fn root(&self) -> Option<(Option<ElementId>, Position)> {
        self.nodes.first().map(|n| (n.id, n.pos))
    }

    /// The record's `@numero`.
    pub fn numero(&self) -> Option<&str> {
        self.numero.as_deref()
    }

    /// The facts of the captured formation (`Ok(false)` when the record is not a formation).
    /// The arena's texts become the facts' strings: [`Arena::give_back`] returns them.
    pub fn facts(&mut self, out: &mut FormationFacts) -> Result<bool, BuildError> {
        out.clear();
        if self.root().map(|r| r.0) != Some(Some(id::FORMATION)) {
            return Ok(false);
        }
        std::mem::swap(&mut self.text, &mut out.strings);
        self.rank();
        out.loc = 0;
        if let Some(n) = &self.numero {
            out.numero = Some(out.push_str(n));
        }
        for (c, cid) in self.children(0) {
            match cid {
                Some(id::CERTIFICATION) => self.certification(c, out)?,
                Some(id::ACTION) => self.action(c, out)?,
                Some(id::ORGANISME_FORMATION_RESPONSABLE) => self.responsable(c, out)?,
                Some(e) => self.free_text(c, e, out),
                None => {}
            }
        }
        Ok(true)
    }

    /// Ranks every node among its parent's children of the same name (for paths), in one pass.
    fn rank(&mut self) {
        let mut seen: Vec<(Option<ElementId>, u32)> = Vec::new();
        for p in 0..self.nodes.len() {
            seen.clear();
            let mut c = self.nodes.get(p).map_or(NONE, |n| n.first);
            while let Some(node) = self.nodes.get_mut(c as usize) {
                node.index = match seen.iter_mut().find(|(id, _)| *id == node.id) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        seen.push((node.id, 1));
                        1
                    }
                };
                c = node.next;
            }
        }
    }

    /// Takes back the texts [`Arena::facts`] lent to `out`.
    pub fn give_back(&mut self, out: &mut FormationFacts) {
        if self.text.is_empty() {
            std::mem::swap(&mut self.text, &mut out.strings);
            self.rank();
        }
    }

    fn free_text(&self, n: u32, e: ElementId, out: &mut FormationFacts) {
        if FREE_TEXTS.contains(e) {
            let text = self.span(n);
            out.texts.push(TextFact {
                loc: n,
                element: e,
                text,
            });
        }
    }

    /// Sets an optional value once.
    fn once<T>(&self, slot: &mut Option<T>, n: u32, value: T) -> Result<(), BuildError> {
        match slot.replace(value) {
            Some(_) => Err(self.error(n, REPEATED)),
            None => Ok(()),
        }
    }

    fn certification(&self, n: u32, out: &mut FormationFacts) -> Result<(), BuildError> {
        let mut c = CertificationFacts {
            loc: n,
            ..CertificationFacts::default()
        };
        for (k, kid) in self.children(n) {
            let slot = match kid {
                Some(id::CODE_RNCP) => &mut c.rncp,
                Some(id::CODE_CERTIFINFO) => &mut c.certifinfo,
                Some(id::CODE_RS) => &mut c.rs,
                _ => continue,
            };
            let span = self.span(k);
            self.once(slot, k, span)?;
        }
        out.certifications.push(c);
        Ok(())
    }

    fn responsable(&self, n: u32, out: &mut FormationFacts) -> Result<(), BuildError> {
        if out.responsable.replace(n).is_some() {
            return Err(self.error(n, REPEATED));
        }
        let (mut numero, mut siret, mut uai) = (None, None, None);
        for (k, kid) in self.children(n) {
            match kid {
                Some(id::NUMERO_ACTIVITE) => {
                    let span = self.span(k);
                    self.once(&mut numero, k, (k, span))?;
                }
                Some(id::SIRET_ORGANISME_FORMATION) => {
                    if let Some(s) = self.only_child(k, id::SIRET)? {
                        let span = self.span(s);
                        self.once(&mut siret, k, span)?;
                    }
                }
                Some(id::CODE_UAI_ORGANISME_FORMATION) => {
                    if let Some(u) = self.only_child(k, id::CODE_UAI)? {
                        let span = self.span(u);
                        self.once(&mut uai, k, (u, span))?;
                    }
                }
                _ => {}
            }
        }
        if numero.is_none() || siret.is_none() {
            return Err(self.error(n, MISSING));
        }
        out.numero_activite = numero;
        out.siret = siret;
        out.uai_responsable = uai;
        Ok(())
    }

    /// The child `child` of `n`, if any (an error when repeated).
    fn only_child(&self, n: u32, child: ElementId) -> Result<Option<u32>, BuildError> {
        let mut found = None;
        for (k, kid) in self.children(n) {
            if kid == Some(child) {
                self.once(&mut found, k, k)?;
            }
        }
        Ok(found)
    }

    fn action(&self, n: u32, out: &mut FormationFacts) -> Result<(), BuildError> {
        let action = out.actions.len() as u32;
        let mut a = ActionFacts {
            loc: n,
            ..ActionFacts::default()
        };
        let (mut entrees, mut enseignement) = (None, None);
        // Sessions and formateurs are read after the action's own values (their facts are in
        // tables of their own).
        for (k, kid) in self.children(n) {
            let number = match kid {
                Some(id::DUREE_CYCLE) => &mut a.duree_cycle,
                Some(id::NOMBRE_HEURES_CENTRE) => &mut a.heures_centre,
                Some(id::NOMBRE_HEURES_ENTREPRISE) => &mut a.heures_entreprise,
                Some(id::NOMBRE_HEURES_TOTAL) => &mut a.heures_total,
                Some(id::MODALITES_ENTREES_SORTIES) => {
                    let v = self.parse(k, out)?;
                    self.once(&mut entrees, k, v)?;
                    continue;
                }
                Some(id::MODALITES_ENSEIGNEMENT) => {
                    let v: ModalitesEnseignement = self.parse(k, out)?;
                    self.once(&mut enseignement, k, v)?;
                    continue;
                }
                Some(id::LIEU_DE_FORMATION) => {
                    a.lieux += 1;
                    continue;
                }
                _ => continue,
            };
            let v = self.parse(k, out)?;
            self.once(number, k, (k, v))?;
        }
        a.entrees_sorties = entrees.ok_or_else(|| self.error(n, MISSING))?;
        a.a_distance = enseignement.ok_or_else(|| self.error(n, MISSING))?
            == ModalitesEnseignement::EntierementADistance;
        out.actions.push(a);
        for (k, kid) in self.children(n) {
            match kid {
                Some(id::SESSION) => self.session(k, action, out)?,
                Some(id::ORGANISME_FORMATEUR) => {
                    let mut uai = None;
                    for (c, cid) in self.children(k) {
                        if cid == Some(id::CODE_UAI_FORMATEUR) {
                            if let Some(u) = self.only_child(c, id::CODE_UAI)? {
                                let span = self.span(u);
                                self.once(&mut uai, c, (u, span))?;
                            }
                        }
                    }
                    out.formateurs.push(FormateurFacts {
                        action,
                        loc: k,
                        uai,
                    });
                }
                Some(e) => self.free_text(k, e, out),
                None => {}
            }
        }
        Ok(())
    }

    fn session(&self, n: u32, action: u32, out: &mut FormationFacts) -> Result<(), BuildError> {
        let session = out.sessions.len() as u32;
        let periode = self
            .only_child(n, id::PERIODE)?
            .ok_or_else(|| self.error(n, MISSING))?;
        let (mut debut, mut fin): (Option<Date>, Option<Date>) = (None, None);
        for (k, kid) in self.children(periode) {
            let slot = match kid {
                Some(id::DEBUT) => &mut debut,
                Some(id::FIN) => &mut fin,
                _ => continue,
            };
            let v = self.parse(k, out)?;
            self.once(slot, k, v)?;
        }
        let (Some(debut), Some(fin)) = (debut, fin) else {
            return Err(self.error(periode, MISSING));
        };
        out.sessions.push(SessionFacts {
            action,
            periode,
            debut,
            fin,
        });
        for (k, kid) in self.children(n) {
            match kid {
                Some(id::MODALITES_INSCRIPTION) => {
                    self.free_text(k, id::MODALITES_INSCRIPTION, out)
                }
                Some(id::RECRUTEMENT) => {
                    for (c, cid) in self.children(k) {
                        if cid == Some(id::COMMENTAIRE) {
                            self.free_text(c, id::COMMENTAIRE, out);
                        }
                    }
                }
                Some(id::BLOCS_COMPETENCES) => {
                    let v = self
                        .only_child(k, id::VALIDATION_BLOCS)?
                        .ok_or_else(|| self.error(k, MISSING))?;
                    out.blocs.push(BlocsFacts {
                        session,
                        loc: v,
                        validation: self.parse(v, out)?,
                    });
                }
                Some(id::CYCLE) => self.cycle(k, session, out)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn cycle(&self, n: u32, session: u32, out: &mut FormationFacts) -> Result<(), BuildError> {
        let cycle = out.cycles.len() as u32;
        let t = self
            .only_child(n, id::TYPE_CYCLE)?
            .ok_or_else(|| self.error(n, MISSING))?;
        let alternance = match self.only_child(n, id::ALTERNANCE)? {
            Some(a) => {
                let t = self
                    .only_child(a, id::TYPE_ALTERNANCE)?
                    .ok_or_else(|| self.error(a, MISSING))?;
                Some(self.parse(t, out)?)
            }
            None => None,
        };
        out.cycles.push(CycleFacts {
            session,
            loc: n,
            type_cycle: self.parse(t, out)?,
            alternance,
        });
        for (k, kid) in self.children(n) {
            if kid == Some(id::ANNEE_CYCLE) {
                out.annees.push(AnneeFacts {
                    cycle,
                    loc: k,
                    value: self.parse(k, out)?,
                });
            }
        }
        Ok(())
    }
}

impl Locate for Arena {
    fn path(&self, loc: Loc) -> String {
        let mut chain = Vec::new();
        let mut n = loc;
        while let Some(node) = self.node(n) {
            if node.parent == NONE {
                break;
            }
            chain.push(n);
            n = node.parent;
        }
        let mut path = String::new();
        for &c in chain.iter().rev() {
            let (Some(node), Some(parent)) =
                (self.node(c), self.node(c).and_then(|c| self.node(c.parent)))
            else {
                continue;
            };
            match (parent.id, node.id) {
                (Some(p), Some(e)) => {
                    super::facts::push_segment(&mut path, p, e, node.index as usize)
                }
                (None, Some(e)) => {
                    if !path.is_empty() {
                        path.push('/');
                    }
                    path.push_str(schema::element(e).name);
                }
                (_, None) => {}
            }
        }
        path
    }

    fn position(&self, loc: Loc) -> Option<Position> {
        self.node(loc).map(|n| n.pos)
    }
}

#[cfg(test)]
mod projection {
    use super::*;

    /// A projected capture keeps the elements that may hold one of [`READS`], bare: every
    /// element-only element whose presence the arena reads is one of them.
    #[test]
    fn the_skeleton_the_arena_reads_is_captured() {
        let captured = READS.with_holders();
        for i in [
            id::FORMATION,
            id::ACTION,
            id::SESSION,
            id::PERIODE,
            id::RECRUTEMENT,
            id::ALTERNANCE,
            id::CYCLE,
            id::ANNEE_CYCLE,
            id::BLOCS_COMPETENCES,
            id::VALIDATION_BLOCS,
            id::CERTIFICATION,
            id::LIEU_DE_FORMATION,
            id::ORGANISME_FORMATEUR,
            id::ORGANISME_FORMATION_RESPONSABLE,
        ] {
            assert!(captured.contains(i), "{}", schema::element(i).name);
        }
        // What holds none of them is left out whole.
        for i in [id::TELFIXE, id::WEB, id::NUMTEL] {
            assert!(!captured.contains(i), "{}", schema::element(i).name);
        }
    }
}
