//! What the Carif-Oref and Parcoursup rules read of a formation: a few values per element,
//! in flat tables (kept from one record to the next, so that a capture costs no allocation
//! once the tables have grown), taken from the model ([`FormationFacts::from_formation`]) or
//! from a capture ([`super::capture`]).
//!
//! Every value comes with a [`Loc`], the element a finding about it points at; what a `Loc`
//! stands for depends on where the facts come from ([`Locate`]).

use std::ops::Range;

use crate::model::{
    Date, Formation, ModalitesEnseignement, ModalitesEntreesSorties, TypeAlternance, TypeCycle,
    TypeValidationBlocs,
};
use crate::schema::{self, id, ElementId, ElementSet};
use crate::xml::position::Position;

/// An element a finding may point at: an index into the source's table of elements.
pub(crate) type Loc = u32;

/// Where the elements a [`Loc`] designates are: their paths (relative to the record, as
/// `action[1]/session[2]`) and, for a capture, their positions.
pub(crate) trait Locate {
    /// The element's path relative to the record (empty for the record itself).
    fn path(&self, loc: Loc) -> String;
    /// The element's position in the document, when known.
    fn position(&self, loc: Loc) -> Option<Position>;
}

/// The free texts people write: checked for capitals ([`CAPITALS`]) and copy-paste debris.
pub(crate) const FREE_TEXTS: ElementSet = ElementSet::new(&[
    id::INTITULE_FORMATION,
    id::OBJECTIF_FORMATION,
    id::RESULTATS_ATTENDUS,
    id::CONTENU_FORMATION,
    id::RYTHME_FORMATION,
    id::INFO_PUBLIC_VISE,
    id::MODALITES_ALTERNANCE,
    id::CONDITIONS_SPECIFIQUES,
    id::RESTAURATION,
    id::HEBERGEMENT,
    id::TRANSPORT,
    id::ACCES_HANDICAPES,
    id::MODALITES_RECRUTEMENT,
    id::MODALITES_PEDAGOGIQUES,
    id::FRAIS_RESTANTS,
    id::DUREE_INDICATIVE,
    id::DETAIL_CONDITIONS_PRISE_EN_CHARGE,
    id::MODALITES_INSCRIPTION,
    id::COMMENTAIRE,
]);

/// The texts checked for capitals.
pub(crate) const CAPITALS: &[ElementId] = &[
    id::INTITULE_FORMATION,
    id::OBJECTIF_FORMATION,
    id::CONTENU_FORMATION,
];

/// A text of [`FormationFacts::strings`].
pub(crate) type Span = Range<u32>;

/// A free text.
#[derive(Debug, Clone)]
pub(crate) struct TextFact {
    pub loc: Loc,
    pub element: ElementId,
    pub text: Span,
}

/// A `certification`.
#[derive(Debug, Clone, Default)]
pub(crate) struct CertificationFacts {
    pub loc: Loc,
    pub rncp: Option<Span>,
    pub certifinfo: Option<Span>,
    pub rs: Option<Span>,
}

/// An `action`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActionFacts {
    pub loc: Loc,
    pub entrees_sorties: ModalitesEntreesSorties,
    /// `modalites-enseignement` 2: the training is entirely remote.
    pub a_distance: bool,
    pub duree_cycle: Option<(Loc, i64)>,
    pub heures_centre: Option<(Loc, i64)>,
    pub heures_entreprise: Option<(Loc, i64)>,
    pub heures_total: Option<(Loc, i64)>,
    /// How many `lieu-de-formation`.
    pub lieux: u32,
}

/// An `organisme-formateur` of an action.
#[derive(Debug, Clone)]
pub(crate) struct FormateurFacts {
    pub action: u32,
    pub loc: Loc,
    /// `code-UAI-formateur/code-UAI`, with its element.
    pub uai: Option<(Loc, Span)>,
}

/// A `session` of an action.
#[derive(Debug, Clone)]
pub(crate) struct SessionFacts {
    pub action: u32,
    /// `periode/debut` and `periode/fin`, with the `periode` element.
    pub periode: Loc,
    pub debut: Date,
    pub fin: Date,
}

/// A `cycle` of a session.
#[derive(Debug, Clone)]
pub(crate) struct CycleFacts {
    pub session: u32,
    pub loc: Loc,
    pub type_cycle: TypeCycle,
    /// `alternance/type-alternance`.
    pub alternance: Option<TypeAlternance>,
}

/// An `annee-cycle` of a cycle.
#[derive(Debug, Clone)]
pub(crate) struct AnneeFacts {
    pub cycle: u32,
    pub loc: Loc,
    pub value: i64,
}

/// A `blocs-competences` of a session.
#[derive(Debug, Clone)]
pub(crate) struct BlocsFacts {
    pub session: u32,
    /// The `validation-blocs` element.
    pub loc: Loc,
    pub validation: TypeValidationBlocs,
}

/// What the rules read of one formation.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormationFacts {
    /// The formation element.
    pub loc: Loc,
    /// Its `@numero`.
    pub numero: Option<Span>,
    /// The texts the spans point into.
    pub strings: String,
    pub texts: Vec<TextFact>,
    pub certifications: Vec<CertificationFacts>,
    /// `organisme-formation-responsable`.
    pub responsable: Option<Loc>,
    /// Its `SIRET-organisme-formation/SIRET`.
    pub siret: Option<Span>,
    /// Its `numero-activite`.
    pub numero_activite: Option<(Loc, Span)>,
    /// Its `code-UAI-organisme-formation/code-UAI`.
    pub uai_responsable: Option<(Loc, Span)>,
    pub actions: Vec<ActionFacts>,
    pub formateurs: Vec<FormateurFacts>,
    pub sessions: Vec<SessionFacts>,
    pub cycles: Vec<CycleFacts>,
    pub annees: Vec<AnneeFacts>,
    pub blocs: Vec<BlocsFacts>,
}

impl FormationFacts {
    /// Empties the tables, keeping their room.
    pub fn clear(&mut self) {
        self.loc = 0;
        self.numero = None;
        self.strings.clear();
        self.texts.clear();
        self.certifications.clear();
        self.responsable = None;
        self.siret = None;
        self.numero_activite = None;
        self.uai_responsable = None;
        self.actions.clear();
        self.formateurs.clear();
        self.sessions.clear();
        self.cycles.clear();
        self.annees.clear();
        self.blocs.clear();
    }

    /// Stores a text, returning its span.
    pub fn push_str(&mut self, s: &str) -> Span {
        let start = self.strings.len() as u32;
        self.strings.push_str(s);
        start..self.strings.len() as u32
    }

    /// Stores the text of `element` at `loc` as a free-text fact.
    fn push_text(&mut self, loc: Loc, element: ElementId, s: &str) {
        let text = self.push_str(s);
        self.texts.push(TextFact { loc, element, text });
    }

    /// The text of a span.
    pub fn str(&self, span: &Span) -> &str {
        self.strings
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Whether a cycle is an apprenticeship one: `type-cycle` 1 or `type-alternance` 1.
    pub fn is_apprenticeship_cycle(c: &CycleFacts) -> bool {
        c.type_cycle == TypeCycle::ContratApprentissage
            || c.alternance == Some(TypeAlternance::ContratApprentissage)
    }

    /// Which sessions and actions are apprenticeship ones (a session with an apprenticeship
    /// cycle, an action with such a session), in one pass over the cycles and sessions.
    pub fn apprenticeship(&self) -> Apprenticeship {
        let mut flags = Apprenticeship::default();
        if !self.is_apprenticeship() {
            return flags;
        }
        flags.sessions = vec![false; self.sessions.len()];
        flags.actions = vec![false; self.actions.len()];
        for c in self
            .cycles
            .iter()
            .filter(|c| Self::is_apprenticeship_cycle(c))
        {
            if let Some(s) = flags.sessions.get_mut(c.session as usize) {
                *s = true;
            }
        }
        for (s, session) in self.sessions.iter().enumerate() {
            if flags.sessions.get(s).copied().unwrap_or(false) {
                if let Some(a) = flags.actions.get_mut(session.action as usize) {
                    *a = true;
                }
            }
        }
        flags
    }

    /// Whether the formation is an apprenticeship formation: one of its sessions is.
    pub fn is_apprenticeship(&self) -> bool {
        self.cycles.iter().any(Self::is_apprenticeship_cycle)
    }

    /// The certification codes of a certification (RNCP, RS, Certif Info), trimmed, the
    /// empty ones left out.
    pub fn codes<'a>(
        &'a self,
        c: &'a CertificationFacts,
    ) -> impl Iterator<Item = (CodeKind, &'a str)> + 'a {
        [
            (CodeKind::Rncp, &c.rncp),
            (CodeKind::Rs, &c.rs),
            (CodeKind::CertifInfo, &c.certifinfo),
        ]
        .into_iter()
        .filter_map(|(kind, span)| {
            let code = span.as_ref().map(|s| self.str(s).trim())?;
            (!code.is_empty()).then_some((kind, code))
        })
    }

    /// The facts of a formation built in code, with the paths their [`Loc`]s stand for.
    pub fn from_formation(f: &Formation) -> (FormationFacts, ModelPaths) {
        let mut paths = ModelPaths(vec![String::new()]);
        let mut out = FormationFacts {
            numero: None,
            ..FormationFacts::default()
        };
        if let Some(n) = &f.attrs.numero {
            out.numero = Some(out.push_str(n));
        }
        let text = |out: &mut FormationFacts, paths: &mut ModelPaths, parent: Loc, e, s: &str| {
            let loc = paths.child(parent, id::FORMATION, e, 1);
            out.push_text(loc, e, s);
        };
        text(
            &mut out,
            &mut paths,
            0,
            id::INTITULE_FORMATION,
            &f.intitule_formation,
        );
        text(
            &mut out,
            &mut paths,
            0,
            id::OBJECTIF_FORMATION,
            &f.objectif_formation,
        );
        text(
            &mut out,
            &mut paths,
            0,
            id::RESULTATS_ATTENDUS,
            &f.resultats_attendus,
        );
        text(
            &mut out,
            &mut paths,
            0,
            id::CONTENU_FORMATION,
            &f.contenu_formation,
        );
        for (i, c) in f.certification.iter().enumerate() {
            let loc = paths.child(0, id::FORMATION, id::CERTIFICATION, i + 1);
            let mut span =
                |v: &Option<crate::model::Text>| v.as_ref().map(|t| out.push_str(&t.value));
            let (rncp, certifinfo, rs) = (
                span(&c.code_rncp),
                span(&c.code_certifinfo),
                span(&c.code_rs),
            );
            out.certifications.push(CertificationFacts {
                loc,
                rncp,
                certifinfo,
                rs,
            });
        }
        for (i, a) in f.action.iter().enumerate() {
            out.action_from_model(&mut paths, i, a);
        }
        let r = &f.organisme_formation_responsable;
        let resp = paths.child(0, id::FORMATION, id::ORGANISME_FORMATION_RESPONSABLE, 1);
        out.responsable = Some(resp);
        let na = paths.child(
            resp,
            id::ORGANISME_FORMATION_RESPONSABLE,
            id::NUMERO_ACTIVITE,
            1,
        );
        out.numero_activite = Some((na, out.push_str(&r.numero_activite)));
        out.siret = Some(out.push_str(&r.siret_organisme_formation.siret));
        if let Some(u) = &r.code_uai_organisme_formation {
            let parent = paths.child(
                resp,
                id::ORGANISME_FORMATION_RESPONSABLE,
                id::CODE_UAI_ORGANISME_FORMATION,
                1,
            );
            let loc = paths.child(parent, id::CODE_UAI_ORGANISME_FORMATION, id::CODE_UAI, 1);
            out.uai_responsable = Some((loc, out.push_str(&u.code_uai)));
        }
        (out, paths)
    }

    fn action_from_model(&mut self, paths: &mut ModelPaths, i: usize, a: &crate::model::Action) {
        let loc = paths.child(0, id::FORMATION, id::ACTION, i + 1);
        let action = self.actions.len() as u32;
        let number = |paths: &mut ModelPaths, e, v: &Option<crate::model::Field<i64>>| {
            v.as_ref()
                .map(|n| (paths.child(loc, id::ACTION, e, 1), n.value))
        };
        self.actions.push(ActionFacts {
            loc,
            entrees_sorties: a.modalites_entrees_sorties.value,
            a_distance: a.modalites_enseignement.value
                == ModalitesEnseignement::EntierementADistance,
            duree_cycle: number(paths, id::DUREE_CYCLE, &a.duree_cycle),
            heures_centre: number(paths, id::NOMBRE_HEURES_CENTRE, &a.nombre_heures_centre),
            heures_entreprise: number(
                paths,
                id::NOMBRE_HEURES_ENTREPRISE,
                &a.nombre_heures_entreprise,
            ),
            heures_total: number(paths, id::NOMBRE_HEURES_TOTAL, &a.nombre_heures_total),
            lieux: a.lieu_de_formation.len() as u32,
        });
        let texts: [(ElementId, Option<&str>); 13] = [
            (id::RYTHME_FORMATION, Some(&a.rythme_formation)),
            (
                id::INFO_PUBLIC_VISE,
                a.info_public_vise.as_deref().map(|s| s.as_str()),
            ),
            (id::MODALITES_ALTERNANCE, Some(&a.modalites_alternance)),
            (id::CONDITIONS_SPECIFIQUES, Some(&a.conditions_specifiques)),
            (
                id::RESTAURATION,
                a.restauration.as_deref().map(|s| s.as_str()),
            ),
            (
                id::HEBERGEMENT,
                a.hebergement.as_deref().map(|s| s.as_str()),
            ),
            (id::TRANSPORT, a.transport.as_deref().map(|s| s.as_str())),
            (
                id::ACCES_HANDICAPES,
                a.acces_handicapes.as_deref().map(|s| s.as_str()),
            ),
            (
                id::MODALITES_RECRUTEMENT,
                a.modalites_recrutement.as_deref().map(|s| s.as_str()),
            ),
            (
                id::MODALITES_PEDAGOGIQUES,
                a.modalites_pedagogiques.as_deref().map(|s| s.as_str()),
            ),
            (
                id::FRAIS_RESTANTS,
                a.frais_restants.as_deref().map(|s| s.as_str()),
            ),
            (
                id::DUREE_INDICATIVE,
                a.duree_indicative.as_deref().map(|s| s.as_str()),
            ),
            (
                id::DETAIL_CONDITIONS_PRISE_EN_CHARGE,
                a.detail_conditions_prise_en_charge
                    .as_deref()
                    .map(|s| s.as_str()),
            ),
        ];
        // Text facts follow document order: those before the sessions first.
        let (before, after) = texts.split_at(4);
        for (e, s) in before.iter() {
            if let Some(s) = s {
                self.push_text(paths.child(loc, id::ACTION, *e, 1), *e, s);
            }
        }
        for (j, s) in a.session.iter().enumerate() {
            self.session_from_model(paths, action, loc, j, s);
        }
        for (e, s) in after.iter() {
            if let Some(s) = s {
                self.push_text(paths.child(loc, id::ACTION, *e, 1), *e, s);
            }
        }
        for (k, o) in a.organisme_formateur.iter().enumerate() {
            let floc = paths.child(loc, id::ACTION, id::ORGANISME_FORMATEUR, k + 1);
            let uai = o.code_uai_formateur.as_ref().map(|u| {
                let parent = paths.child(floc, id::ORGANISME_FORMATEUR, id::CODE_UAI_FORMATEUR, 1);
                let l = paths.child(parent, id::CODE_UAI_FORMATEUR, id::CODE_UAI, 1);
                (l, self.push_str(&u.code_uai))
            });
            self.formateurs.push(FormateurFacts {
                action,
                loc: floc,
                uai,
            });
        }
    }

    fn session_from_model(
        &mut self,
        paths: &mut ModelPaths,
        action: u32,
        aloc: Loc,
        j: usize,
        s: &crate::model::Session,
    ) {
        let loc = paths.child(aloc, id::ACTION, id::SESSION, j + 1);
        let session = self.sessions.len() as u32;
        let periode = paths.child(loc, id::SESSION, id::PERIODE, 1);
        self.sessions.push(SessionFacts {
            action,
            periode,
            debut: s.periode.debut.value,
            fin: s.periode.fin.value,
        });
        if let Some(m) = &s.modalites_inscription {
            let t = paths.child(loc, id::SESSION, id::MODALITES_INSCRIPTION, 1);
            self.push_text(t, id::MODALITES_INSCRIPTION, m);
        }
        for (k, r) in s.recrutement.iter().enumerate() {
            if let Some(c) = &r.commentaire {
                let rloc = paths.child(loc, id::SESSION, id::RECRUTEMENT, k + 1);
                let t = paths.child(rloc, id::RECRUTEMENT, id::COMMENTAIRE, 1);
                self.push_text(t, id::COMMENTAIRE, c);
            }
        }
        for (k, b) in s.blocs_competences.iter().enumerate() {
            let bloc = paths.child(loc, id::SESSION, id::BLOCS_COMPETENCES, k + 1);
            self.blocs.push(BlocsFacts {
                session,
                loc: paths.child(bloc, id::BLOCS_COMPETENCES, id::VALIDATION_BLOCS, 1),
                validation: b.validation_blocs.value,
            });
        }
        for (k, c) in s.cycle.iter().enumerate() {
            let cloc = paths.child(loc, id::SESSION, id::CYCLE, k + 1);
            let cycle = self.cycles.len() as u32;
            self.cycles.push(CycleFacts {
                session,
                loc: cloc,
                type_cycle: c.type_cycle.value,
                alternance: c.alternance.as_ref().map(|a| a.type_alternance.value),
            });
            for (n, a) in c.annee_cycle.iter().enumerate() {
                self.annees.push(AnneeFacts {
                    cycle,
                    loc: paths.child(cloc, id::CYCLE, id::ANNEE_CYCLE, n + 1),
                    value: a.value,
                });
            }
        }
    }
}

/// The apprenticeship sessions and actions of a formation ([`FormationFacts::apprenticeship`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Apprenticeship {
    sessions: Vec<bool>,
    actions: Vec<bool>,
}

impl Apprenticeship {
    /// Whether session `s` is an apprenticeship session.
    pub fn session(&self, s: u32) -> bool {
        self.sessions.get(s as usize).copied().unwrap_or(false)
    }

    /// Whether action `a` has an apprenticeship session.
    pub fn action(&self, a: u32) -> bool {
        self.actions.get(a as usize).copied().unwrap_or(false)
    }
}

/// Which code a certification is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum CodeKind {
    Rncp,
    Rs,
    CertifInfo,
}

impl CodeKind {
    /// How the code is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::Rncp => "RNCP",
            CodeKind::Rs => "RS",
            CodeKind::CertifInfo => "Certif Info",
        }
    }
}

/// Appends the segment of `child` (the `index`-th of its name in `parent`, 1-based) to a
/// path: its name, with `[index]` when `parent` may hold several (`action[2]`, `periode`).
pub(crate) fn push_segment(path: &mut String, parent: ElementId, child: ElementId, index: usize) {
    let shown = schema::particle(parent, child).is_some_and(|(_, p)| p.max != Some(1));
    crate::check::push_segment(path, schema::element(child).name, shown.then_some(index));
}

/// The paths of the elements of a formation built in code: a [`Loc`] is an index.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelPaths(Vec<String>);

impl ModelPaths {
    /// A new element: the `index`-th `child` of `parent` (whose element is `parent_id`).
    fn child(&mut self, parent: Loc, parent_id: ElementId, child: ElementId, index: usize) -> Loc {
        let mut path = self.0.get(parent as usize).cloned().unwrap_or_default();
        push_segment(&mut path, parent_id, child, index);
        self.0.push(path);
        (self.0.len() - 1) as Loc
    }
}

impl Locate for ModelPaths {
    fn path(&self, loc: Loc) -> String {
        self.0.get(loc as usize).cloned().unwrap_or_default()
    }

    fn position(&self, _: Loc) -> Option<Position> {
        None
    }
}
