//! The schema walker: writes an element, its attributes and its content by following the
//! content models of [`crate::schema`], choosing how many times each child occurs within its
//! `minOccurs..maxOccurs`. Contexts (the formation's programme and organisation, the session's
//! plan, the current address or person) keep related values consistent.

use std::collections::VecDeque;
use std::io::{self, Write};

use super::codes;
use super::data::{self, Programme, Town};
use super::emit::Emitter;
use super::extras::ExtraKind;
use super::plan::{self, RecPlan, SessionPlan};
use super::rng::Rng;
use super::{GenerateOptions, Root, Summary};
use crate::schema::{self, id, Content, ElementId, Particle, ELEMENTS, STD_ATTRIBUTES};

/// A training organisation.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub nom: String,
    pub raison_sociale: String,
    pub domaine: String,
    pub siren: String,
    pub siret: String,
    pub numero_activite: String,
    pub uai: Option<String>,
    pub town: &'static Town,
}

impl Org {
    pub(crate) fn new(rng: &mut Rng, town: &'static Town) -> Org {
        let kind = rng.pick(data::ORG_KINDS, data::ORG_KINDS[0]);
        let s = codes::slug(town.ville, '-');
        let siren = codes::siren(rng);
        Org {
            nom: kind.nom.replace("{v}", town.ville),
            raison_sociale: kind.raison_sociale.replace("{v}", town.ville),
            domaine: kind.domaine.replace("{s}", &s),
            siret: codes::siret(rng, &siren),
            siren,
            numero_activite: codes::numero_activite(rng, town.region, town.departement),
            uai: kind.uai.then(|| codes::uai(rng, town.departement)),
            town,
        }
    }
}

/// What a `formation` (or `resume-offre`, `resume-organisme`, top-level organisation) is about.
#[derive(Debug)]
pub(crate) struct Unit {
    pub numero: String,
    pub prog: &'static Programme,
    pub org: Org,
    pub town: &'static Town,
    /// `@id`s of this formation's `certification` elements.
    pub cert_ids: Vec<String>,
    /// `@id`s of this formation's contacts.
    pub contact_ids: Vec<String>,
}

impl Unit {
    pub(crate) fn certifiante(&self) -> bool {
        self.prog.rncp.is_some() || self.prog.rs.is_some()
    }
}

/// The `action` being written.
#[derive(Debug)]
pub(crate) struct ActionCtx {
    pub numero: String,
    pub heures_centre: u32,
    pub heures_entreprise: u32,
    /// Price of an hour, in cents.
    pub prix_horaire: u32,
}

/// The person of the `coordonnees` being written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person {
    pub civilite: &'static str,
    pub prenom: &'static str,
    pub nom: &'static str,
}

impl Person {
    pub(crate) fn new(rng: &mut Rng) -> Person {
        let female = rng.percent(55);
        Person {
            civilite: if female { "Madame" } else { "Monsieur" },
            prenom: if female {
                rng.pick(data::FEMALE_NAMES, "Camille")
            } else {
                rng.pick(data::MALE_NAMES, "Thomas")
            },
            nom: rng.pick(data::LAST_NAMES, "Martin"),
        }
    }
}

/// The `adresse` being written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub town: &'static Town,
    pub numero: u32,
    pub street: &'static str,
}

/// A context replaced while an element is written, restored after it.
enum Saved {
    Nothing,
    Unit(Option<Unit>),
    Action(Option<ActionCtx>),
    Session(Option<SessionPlan>),
    Rec(Option<RecPlan>),
    Place(Option<Place>),
    Person(Option<Person>),
    Formateur(Option<Org>),
    Periode(Option<(String, String)>),
    Extras,
    Extra(Option<ExtraKind>),
}

/// Coverage of `extras` features, forced at their first opportunity.
pub(crate) mod feature {
    pub const NESTED: u8 = 1;
    pub const TEXT: u8 = 2;
    pub const FOREIGN: u8 = 4;
    pub const NO_NAMESPACE: u8 = 8;
    pub const MIXED: u8 = 16;
    pub const LHEO: u8 = 32;
    pub const ATTRIBUTES: u8 = 64;
    pub const ALL: u8 = 127;
}

/// The state of one generation.
pub(crate) struct Walker<'a, W: Write> {
    pub opts: &'a GenerateOptions,
    pub out: Emitter<W>,
    pub rng: Rng,
    /// Elements written at least once.
    pub seen: Vec<bool>,
    /// Standard attributes written at least once (indexed like `STD_ATTRIBUTES`).
    pub attr_seen: [bool; STD_ATTRIBUTES.len()],
    /// Element-specific attributes written at least once: bit `i` of entry `e` stands for
    /// `ELEMENTS[e].extra_attributes[i]`.
    pub extra_attr_seen: Vec<u32>,
    /// The `@ref` of elements whose documentation asks for the version of their nomenclature
    /// (FORMACODE `V14`, ROME `V4`).
    pub ref_version: Vec<Option<&'static str>>,
    /// Elements on which some standard attribute has a policy (see `attrs`).
    pub has_policy: Vec<bool>,
    pub features: u8,
    counter: u64,
    pub summary: Summary,
    pub path: Vec<ElementId>,
    /// Position of each element of `path` in its particle.
    nths: Vec<u32>,
    pub unit: Option<Unit>,
    pub action: Option<ActionCtx>,
    pub session: Option<SessionPlan>,
    pub rec: Option<RecPlan>,
    pub place: Option<Place>,
    pub person: Option<Person>,
    pub formateur: Option<Org>,
    /// Texts of `debut` and `fin` for the `periode` being written.
    pub periode: Option<(String, String)>,
    pub extra: Option<ExtraKind>,
    pub extras_depth: u32,
    /// `date` elements written so far (the first ones show the partial forms).
    pub dates: u32,
    /// Recent `@id`s, targets for `@idref`.
    pub recent_ids: VecDeque<String>,
    buf: String,
}

impl<'a, W: Write> Walker<'a, W> {
    pub(crate) fn new(opts: &'a GenerateOptions, out: W) -> Self {
        Walker {
            opts,
            out: Emitter::new(out),
            rng: Rng::new(opts.seed),
            seen: vec![false; ELEMENTS.len()],
            attr_seen: [false; STD_ATTRIBUTES.len()],
            extra_attr_seen: vec![0; ELEMENTS.len()],
            ref_version: ELEMENTS
                .iter()
                .map(|e| {
                    let asks = e.doc.contains("attribut 'ref'");
                    let rome = e.doc.contains("version du ROME");
                    asks.then_some(if rome { "V4" } else { "V14" })
                })
                .collect(),
            has_policy: Vec::new(),
            features: 0,
            counter: 0,
            summary: Summary::default(),
            path: Vec::with_capacity(16),
            nths: Vec::with_capacity(16),
            unit: None,
            action: None,
            session: None,
            rec: None,
            place: None,
            person: None,
            formateur: None,
            periode: None,
            extra: None,
            extras_depth: 0,
            dates: 0,
            recent_ids: VecDeque::with_capacity(33),
            buf: String::with_capacity(256),
        }
    }

    /// Writes the whole document.
    pub(crate) fn document(&mut self) -> io::Result<()> {
        self.has_policy = (0..ELEMENTS.len())
            .map(|i| self.attribute_policy(ElementId(i as u16)))
            .collect();
        self.out.declaration()?;
        let root = match self.opts.root {
            Root::Lheo => id::LHEO,
            Root::LheoIndex => id::LHEO_INDEX,
            Root::LheoPlus => id::LHEO_PLUS,
        };
        self.element(root, 0)
    }

    /// A fresh number, unique in the document.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The parent of the element whose attributes or simple value are being written.
    pub(crate) fn parent(&self) -> Option<ElementId> {
        self.path.last().copied()
    }

    /// Position of the parent in its own particle (e.g. which `bloc-competences`).
    pub(crate) fn parent_nth(&self) -> u32 {
        self.nths.last().copied().unwrap_or(0)
    }

    pub(crate) fn inside(&self, ancestor: ElementId) -> bool {
        self.path.contains(&ancestor)
    }

    /// Writes element `id`, the `nth` (from 0) of its particle.
    pub(crate) fn element(&mut self, id: ElementId, nth: u32) -> io::Result<()> {
        let decl = schema::element(id);
        if let Some(s) = self.seen.get_mut(usize::from(id.0)) {
            *s = true;
        }
        let saved = self.enter(id);
        self.out.open(decl.name)?;
        self.attributes(id, nth)?;
        if let Content::Simple(st) = decl.content {
            // The value is chosen with `parent()` naming the element's parent.
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            self.simple_value(id, nth, st, &mut buf);
            self.conform(st, &mut buf);
            self.out.text(&buf)?;
            self.buf = buf;
        } else {
            self.path.push(id);
            self.nths.push(nth);
            match decl.content {
                Content::Sequence(particles) => {
                    for p in particles {
                        let n = self.count(id, p);
                        for i in 0..n {
                            self.element(p.element, i)?;
                        }
                    }
                }
                Content::Choice { min, max, children } => self.extras_items(min, max, children)?,
                Content::Any => self.extra_content()?,
                Content::Simple(_) => {}
            }
            self.path.pop();
            self.nths.pop();
        }
        self.out.close(decl.name)?;
        self.leave(saved);
        Ok(())
    }

    /// Sets up the context of element `id` before it is written.
    fn enter(&mut self, id: ElementId) -> Saved {
        match id {
            id::FORMATION | id::RESUME_OFFRE | id::RESUME_ORGANISME => {
                if id != id::RESUME_ORGANISME {
                    self.summary.formations += 1;
                }
                let unit = self.new_unit();
                Saved::Unit(self.unit.replace(unit))
            }
            id::ORGANISME_FORMATION_RESPONSABLE if self.unit.is_none() => {
                let unit = self.new_unit();
                Saved::Unit(self.unit.replace(unit))
            }
            id::ACTION => {
                self.summary.actions += 1;
                let ctx = self.new_action();
                Saved::Action(self.action.replace(ctx))
            }
            id::SESSION => {
                self.summary.sessions += 1;
                let n = self.next_number();
                let region = self.unit.as_ref().map_or("11", |u| u.town.region);
                let town = match self.unit.as_ref().map(|u| u.town) {
                    Some(t) if self.rng.percent(85) => t,
                    Some(t) => self.town_in_region(t.region),
                    None => self.random_town(),
                };
                let p = plan::plan_session(
                    &mut self.rng,
                    self.opts.today,
                    self.opts.france_travail,
                    format!("{region}_S{n:07}"),
                    town,
                );
                let mut p = p;
                let covered = [
                    id::A_DISTANCE,
                    id::HEURE_DEBUT,
                    id::HEURE_FIN,
                    id::NB_PLACES,
                ]
                .iter()
                .all(|e| self.seen.get(usize::from(e.0)).copied().unwrap_or(true));
                if !covered {
                    p.with_appointment(&mut self.rng, self.opts.today);
                }
                Saved::Session(self.session.replace(p))
            }
            id::RECRUTEMENT => {
                self.summary.recrutements += 1;
                let next = self.session.as_mut().and_then(|s| s.recs.pop_front());
                let r = next.unwrap_or(RecPlan {
                    modalite: "0",
                    a_distance: None,
                    adresse: false,
                    nb_places: None,
                    periode: None,
                    heures: None,
                    lien: false,
                });
                Saved::Rec(self.rec.replace(r))
            }
            id::ADRESSE => {
                let town = self.address_town();
                let place = Place {
                    town,
                    numero: self.rng.between(1, 140),
                    street: self.rng.pick(data::STREETS, "rue Pasteur"),
                };
                Saved::Place(self.place.replace(place))
            }
            id::COORDONNEES => {
                let p = Person::new(&mut self.rng);
                Saved::Person(self.person.replace(p))
            }
            id::ORGANISME_FORMATEUR => {
                let org = match &self.unit {
                    Some(u) if self.rng.percent(35) => u.org.clone(),
                    Some(u) => {
                        let town = if self.rng.percent(70) {
                            u.town
                        } else {
                            self.random_town()
                        };
                        Org::new(&mut self.rng, town)
                    }
                    None => {
                        let town = self.random_town();
                        Org::new(&mut self.rng, town)
                    }
                };
                Saved::Formateur(self.formateur.replace(org))
            }
            id::PERIODE => {
                let p = self.periode_texts();
                Saved::Periode(self.periode.replace(p))
            }
            id::EXTRAS => {
                self.extras_depth += 1;
                Saved::Extras
            }
            id::EXTRA => {
                let kind = self.extra_kind();
                Saved::Extra(self.extra.replace(kind))
            }
            _ => Saved::Nothing,
        }
    }

    fn leave(&mut self, saved: Saved) {
        match saved {
            Saved::Nothing => {}
            Saved::Unit(u) => self.unit = u,
            Saved::Action(a) => self.action = a,
            Saved::Session(s) => self.session = s,
            Saved::Rec(r) => {
                if let Some(s) = self.session.as_mut() {
                    s.written += 1;
                }
                self.rec = r;
            }
            Saved::Place(p) => self.place = p,
            Saved::Person(p) => self.person = p,
            Saved::Formateur(o) => self.formateur = o,
            Saved::Periode(p) => self.periode = p,
            Saved::Extras => self.extras_depth = self.extras_depth.saturating_sub(1),
            Saved::Extra(k) => self.extra = k,
        }
    }

    pub(crate) fn random_town(&mut self) -> &'static Town {
        let i = self.rng.index(data::TOWNS.len());
        data::TOWNS.get(i).unwrap_or(&data::TOWNS[0])
    }

    /// A town of `region` (any town if the tables have none).
    fn town_in_region(&mut self, region: &str) -> &'static Town {
        let n = data::TOWNS.iter().filter(|t| t.region == region).count();
        let k = self.rng.index(n);
        match data::TOWNS.iter().filter(|t| t.region == region).nth(k) {
            Some(t) => t,
            None => self.random_town(),
        }
    }

    fn new_unit(&mut self) -> Unit {
        let n = self.next_number();
        let town = self.random_town();
        let i = self.rng.index(data::PROGRAMMES.len());
        let prog = data::PROGRAMMES.get(i).unwrap_or(&data::PROGRAMMES[0]);
        Unit {
            numero: format!("{}_F{n:07}", town.region),
            prog,
            org: Org::new(&mut self.rng, town),
            town,
            cert_ids: Vec::new(),
            contact_ids: Vec::new(),
        }
    }

    fn new_action(&mut self) -> ActionCtx {
        let n = self.next_number();
        let region = self.unit.as_ref().map_or("11", |u| u.town.region);
        let base = self.unit.as_ref().map_or(400, |u| u.prog.heures);
        let total = (i64::from(base) * self.rng.range(85, 115) / 100).max(7) as u32;
        let entreprise = if self.rng.percent(50) {
            total * self.rng.between(10, 30) / 100
        } else {
            0
        };
        ActionCtx {
            numero: format!("{region}_A{n:07}"),
            heures_centre: total - entreprise,
            heures_entreprise: entreprise,
            prix_horaire: self.rng.between(8, 24) * 100 + 50 * self.rng.between(0, 1),
        }
    }

    /// Where the `adresse` about to be written is.
    fn address_town(&mut self) -> &'static Town {
        if let Some(s) = &self.session {
            return s.town;
        }
        if let Some(o) = &self.formateur {
            return o.town;
        }
        match &self.unit {
            Some(u) if self.inside(id::ORGANISME_FORMATION_RESPONSABLE) => u.org.town,
            Some(u) if self.rng.percent(85) => u.town,
            _ => self.random_town(),
        }
    }

    /// The town that values like `codepostal` outside an `adresse` refer to.
    pub(crate) fn current_town(&self) -> &'static Town {
        if let Some(p) = &self.place {
            return p.town;
        }
        if let Some(s) = &self.session {
            return s.town;
        }
        self.unit.as_ref().map_or(&data::TOWNS[0], |u| u.town)
    }

    /// The organisation that contacts, e-mails and web sites belong to.
    pub(crate) fn current_org(&self) -> Option<&Org> {
        self.formateur
            .as_ref()
            .or_else(|| self.unit.as_ref().map(|u| &u.org))
    }

    /// How many times the child of `p` occurs in `parent`, always within the particle's bounds.
    fn count(&mut self, parent: ElementId, p: &Particle) -> u32 {
        let max = p.max.unwrap_or(u32::MAX);
        let n = match self.planned_count(parent, p.element) {
            Some(n) => n,
            None => {
                let n = self.realistic_count(parent, p);
                let unseen = !self
                    .seen
                    .get(usize::from(p.element.0))
                    .copied()
                    .unwrap_or(true);
                let extras_unfinished = p.element == id::EXTRAS
                    && self.features != feature::ALL
                    && self.extras_depth == 0;
                if n == 0 && (unseen || extras_unfinished) {
                    1
                } else {
                    n
                }
            }
        };
        n.max(p.min).min(max)
    }

    /// Counts imposed by the options and by plans: never changed for coverage.
    fn planned_count(&mut self, parent: ElementId, child: ElementId) -> Option<u32> {
        let formations = u32::try_from(self.opts.formations).unwrap_or(u32::MAX);
        let rec = self.rec.as_ref();
        Some(match (parent, child) {
            (id::OFFRES, id::FORMATION) | (id::RESUMES_OFFRES, id::RESUME_OFFRE) => formations,
            (id::LHEO_INDEX, id::RESUMES_OFFRES | id::RESUMES_ORGANISMES) => 1,
            (id::RESUMES_ORGANISMES, id::RESUME_ORGANISME) => formations.div_ceil(3),
            (id::LHEO_PLUS, id::LHEO) => 1,
            (id::LHEO_PLUS, id::ORGANISME_FORMATION_RESPONSABLE) => formations.div_ceil(4),
            (id::SESSION, id::RECRUTEMENT) => self.session.as_ref().map_or(0, |s| s.n_recs),
            (id::SESSION, id::ETAT_RECRUTEMENT) => match &self.session {
                Some(s) if s.ouvert && self.opts.france_travail => 1,
                _ => return None,
            },
            (id::RECRUTEMENT, id::A_DISTANCE) => u32::from(rec?.a_distance.is_some()),
            (id::RECRUTEMENT, id::ADRESSE) => u32::from(rec?.adresse),
            (id::RECRUTEMENT, id::NB_PLACES) => u32::from(rec?.nb_places.is_some()),
            (id::RECRUTEMENT, id::PERIODE) => u32::from(rec?.periode.is_some()),
            (id::RECRUTEMENT, id::HEURE_DEBUT | id::HEURE_FIN) => u32::from(rec?.heures.is_some()),
            (id::RECRUTEMENT, id::URLWEB) => u32::from(rec?.lien),
            (id::ADRESSE, id::CODE_INSEE_COMMUNE) if self.opts.france_travail => 1,
            (_, id::EXTRAS) if self.extras_depth >= 3 => 0,
            _ => return None,
        })
    }

    /// Counts that look like real feeds; `None` for the generic choice.
    fn realistic_count(&mut self, parent: ElementId, p: &Particle) -> u32 {
        let r = &mut self.rng;
        let prog = self.unit.as_ref().map(|u| u.prog);
        let certif = self.unit.as_ref().is_some_and(Unit::certifiante);
        let yes = |r: &mut Rng, pc: u32| u32::from(r.percent(pc));
        match (parent, p.element) {
            (_, id::EXTRAS) => u32::from(self.extras_depth == 0) * yes(r, 1),
            (id::FORMATION, id::ACTION) => 1 + yes(r, 25),
            (id::ACTION, id::SESSION) => r.between(1, 3),
            (id::FORMATION, id::CERTIFICATION) => u32::from(certif),
            (id::FORMATION, id::CODE_TYPE_FORMATION) => u32::from(!certif) * yes(r, 30),
            (
                id::FORMATION | id::ORGANISME_FORMATION_RESPONSABLE,
                id::CONTACT_FORMATION | id::CONTACT_ORGANISME,
            ) => 1 + yes(r, 20),
            (id::DOMAINE_FORMATION, id::CODE_FORMACODE) => {
                prog.map_or(1, |p| p.formacodes.len() as u32)
            }
            (id::DOMAINE_FORMATION, id::CODE_NSF) => 1,
            (id::DOMAINE_FORMATION, id::CODE_ROME) => prog.map_or(0, |p| p.romes.len() as u32),
            (
                id::CERTIFICATION | id::REFERENCE_CERTIFICATION,
                id::CODE_RNCP | id::REFERENCE_CODE_RNCP,
            ) => u32::from(prog.is_some_and(|p| p.rncp.is_some())),
            (
                id::CERTIFICATION | id::REFERENCE_CERTIFICATION,
                id::CODE_RS | id::REFERENCE_CODE_RS,
            ) => u32::from(prog.is_some_and(|p| p.rs.is_some())),
            (
                id::CERTIFICATION | id::REFERENCE_CERTIFICATION,
                id::CODE_CERTIFINFO | id::REFERENCE_CODE_CERTIFINFO,
            ) => u32::from(prog.is_some_and(|p| p.certifinfo.is_some())) * yes(r, 80),
            (id::SESSION, id::REFERENCE_CERTIFICATION) => {
                u32::from(self.unit.as_ref().is_some_and(|u| !u.cert_ids.is_empty())) * yes(r, 40)
            }
            (id::SESSION, id::BLOCS_COMPETENCES) => {
                u32::from(prog.is_some_and(|p| !p.blocs.is_empty())) * yes(r, 15)
            }
            (id::BLOCS_COMPETENCES, id::BLOC_COMPETENCES) => {
                prog.map_or(1, |p| p.blocs.len() as u32)
            }
            (id::SESSION, id::CYCLE) => yes(r, 5),
            (id::ACTION, id::CODE_PUBLIC_VISE) => r.between(1, 3),
            (id::ACTION, id::LIEU_DE_FORMATION) => 1 + yes(r, 10),
            (id::ACTION, id::ORGANISME_FORMATEUR) => yes(r, 60),
            (id::ACTION, id::ORGANISME_FINANCEUR) => yes(r, 70) * r.between(1, 2),
            (id::ACTION, id::LANGUE_FORMATION) => yes(r, 50),
            (id::ACTION, id::CODE_MODALITE_PEDAGOGIQUE) => yes(r, 40),
            (id::ACTION, id::EQUIPEMENT) => yes(r, 15) * r.between(1, 2),
            (id::ACTION, id::ENSEIGNEMENT) => yes(r, 8) * r.between(1, 3),
            // The first action lists three dates: unknown, a year, a month (see `values`).
            (id::ACTION, id::DATE_INFORMATION) if !self.seen[usize::from(id::DATE.0)] => 3,
            (id::ACTION, id::DATE_INFORMATION) => yes(r, 20) * r.between(1, 3),
            (
                id::ACTION,
                id::NOMBRE_HEURES_CENTRE | id::NOMBRE_HEURES_TOTAL | id::DUREE_INDICATIVE,
            ) => yes(r, 80),
            (id::ADRESSE, id::LIGNE) => 1 + yes(r, 25) + yes(r, 5),
            (id::ADRESSE, id::CODE_INSEE_COMMUNE) => yes(r, 85),
            (id::ADRESSE, id::DEPARTEMENT) => yes(r, 70),
            (id::ADRESSE, id::GEOLOCALISATION) => yes(r, 60),
            (id::COORDONNEES, id::NOM) => yes(r, 85),
            (id::COORDONNEES, id::PRENOM) => yes(r, 80),
            (id::COORDONNEES, id::TELFIXE) => yes(r, 70),
            (id::COORDONNEES, id::COURRIEL) => yes(r, 80),
            (id::COORDONNEES, id::LIGNE | id::PORTABLE | id::WEB) => yes(r, 15),
            (id::COORDONNEES, id::FAX) => yes(r, 5),
            (
                id::TELFIXE
                | id::PORTABLE
                | id::FAX
                | id::WEB
                | id::URL_FORMATION
                | id::URL_ACTION
                | id::URL_SESSION,
                _,
            ) => 1,
            (id::POTENTIEL, id::CODE_FORMACODE) => r.between(2, 6),
            _ => generic_count(r, p),
        }
    }
}

/// The generic choice: optional children about half of the time, a few repetitions.
fn generic_count(rng: &mut Rng, p: &Particle) -> u32 {
    let max = p.max.unwrap_or(u32::MAX);
    match (p.min, max) {
        (_, 0) => 0,
        (0, 1) => u32::from(rng.percent(45)),
        (0, m) => u32::from(rng.percent(35)) * rng.between(1, m.min(3)),
        (min, m) => rng.between(min, m.min(min + 2)),
    }
}
