//! Profile `carif`: what the Carif-Oref guides ask of an offer before it is published, beyond
//! the XSD and the LHEO specification. Sources (in `../shared/guides/`): the OFeli user
//! guides of the Carif-Oref de Normandie and of the GIP Alfa Centre-Val de Loire, the DOKELIO
//! Île-de-France FAQ (Défi métiers, 2023) and its note on the « numéro Carif » (2017). Each
//! rule's description in [`RULES`] names its guide and section.
//!
//! The rules work on what they read of a formation (a few values, [`facts`]), taken from the
//! model ([`Carif::check_formation`]: formations built in code) or from a capture of each
//! record ([`Carif::check_captured`], [`READS`]: `lheo validate`). One [`Carif`] checks one
//! file: CARIF-DOUBLON compares the formations of an organisation across the file, keeping
//! per organisation (SIRET) the certifications seen and the first formation of each.
//!
//! ```
//! use chrono::NaiveDate;
//! use lheo::rules::carif::Carif;
//! use lheo::Formation;
//!
//! let mut formation = Formation::default();
//! formation.intitule_formation = "CARISTE EN ENTREPÔT LOGISTIQUE".into();
//! let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let findings = Carif::new(today).check_formation(&formation);
//! assert!(findings.iter().any(|d| d.code == "CARIF-MAJUSCULES"));
//! ```

mod capture;
mod doublon;
pub(crate) mod facts;
mod rules;
pub(crate) mod text;

use chrono::NaiveDate;

use super::catalogue::{Profile, Rule};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::Formation;
use crate::reader::log::RecordLog;
use crate::reader::{BuildError, Position, Record, RecordNode};
use facts::{FormationFacts, Loc, Locate, ModelPaths};
pub(crate) use rules::{finding, fr_date, Finding};

pub use capture::READS;
pub use doublon::DoublonEntry;

/// The CARIF rules, in the catalogue's format. Their codes are a public contract.
pub static RULES: &[Rule] = &[
    carif(
        "CARIF-MAJUSCULES",
        Severity::Warning,
        "intitulé, objectif ou contenu écrit en majuscules (8 lettres ou plus, 80 % ou plus en capitales) ; attendu en minuscules accentuées (OFeli Normandie, « Recommandations pour la rédaction de votre offre » : « Écrire en minuscules accentuées » ; DOKELIO « numéro Carif », étape 2 : « éviter la saisie en majuscule »)",
        "intitule, objectif or contenu written in capitals (8 letters or more, 80 % or more upper case); lower case with accents expected (OFeli Normandie, « Recommandations pour la rédaction de votre offre »; DOKELIO « numéro Carif », step 2)",
    ),
    carif(
        "CARIF-CARACTERES",
        Severity::Warning,
        "texte libre avec des restes de copier-coller : caractères de contrôle, U+FFFD, caractères à usage privé (puces Word), balises ou entités HTML écrites comme texte (OFeli Normandie, « Objectifs et programme » : « Attention aux caractères spéciaux quand vous réalisez des copier-coller »)",
        "free text with copy-paste debris: control characters, U+FFFD, private-use characters (Word bullets), HTML tags or entities written as text (OFeli Normandie, « Objectifs et programme »: beware of special characters when copying and pasting)",
    ),
    carif(
        "CARIF-HEURES-ZERO",
        Severity::Warning,
        "nombre-heures-centre, -entreprise ou -total à 0 : laisser l'élément absent (OFeli Normandie, « Durée de la session » : « ne pas mettre zéro ! »)",
        "nombre-heures-centre, -entreprise or -total equal to 0: leave the element out (OFeli Normandie, « Durée de la session »: « ne pas mettre zéro ! »)",
    ),
    carif(
        "CARIF-HEURES-TOTAL",
        Severity::Warning,
        "nombre-heures-total absent alors que des heures en centre ou en entreprise sont données, ou plus petit que leur somme (OFeli Normandie, « Durée de la session » : « le système calcule automatiquement la durée totale en fonction des heures en centre et en entreprise. La durée totale est obligatoire »)",
        "nombre-heures-total missing while centre or company hours are given, or smaller than their sum (OFeli Normandie, « Durée de la session »: the total is computed from centre and company hours and is required)",
    ),
    carif(
        "CARIF-SESSION-ANNUELLE",
        Severity::Warning,
        "action à entrées/sorties permanentes dont une session ne couvre pas une année civile (début le 01/01 ou le 02/01, fin le 30/12 ou le 31/12, ou jusqu'au 31/03 de l'année suivante) (OFeli Centre-Val de Loire, « Comment saisir une formation récurrente ? » ; OFeli Normandie, « Sessions courtes »)",
        "action with permanent entries whose session does not cover one calendar year (start 01/01 or 02/01, end 30/12 or 31/12, or up to 31/03 of the next year) (OFeli Centre-Val de Loire, « Comment saisir une formation récurrente ? »; OFeli Normandie, « Sessions courtes »)",
    ),
    carif(
        "CARIF-SESSIONS-COURTES",
        Severity::Warning,
        "action de moins de 35 heures au total en plusieurs sessions à dates fixes : attendu une session unique annuelle à entrées/sorties permanentes (OFeli Normandie, « Sessions courtes » : « vous devez créer une session unique annuelle (du 01/01/…. Au 31/12/…) »)",
        "action under 35 hours in total with several fixed-date sessions: one annual session with permanent entries expected (OFeli Normandie, « Sessions courtes »)",
    ),
    carif(
        "CARIF-DOUBLON",
        Severity::Warning,
        "deux formations du même organisme responsable (SIRET) préparent la même certification (code RNCP, RS ou Certif Info), en apprentissage toutes deux ou non : signalé sur la seconde, qui nomme la première (FAQ DOKELIO, « Mon action de formation est considérée comme un \"doublon\", pourquoi ? » : « une certification = une seule action de formation »)",
        "two formations of the same responsible organisation (SIRET) prepare the same certification (RNCP, RS or Certif Info code), both in apprenticeship or both not: reported on the second, naming the first (DOKELIO FAQ, « doublon »: one certification = one training action)",
    ),
    carif(
        "CARIF-ARCHIVAGE",
        Severity::Warning,
        "toutes les sessions d'une formation sont terminées depuis plus d'un mois (--today) : la base l'archive et ne la publie plus ; info quand l'archivage tombe dans le mois qui vient (FAQ DOKELIO : « Une action de formation s'archive automatiquement un mois après la date de fin de sa dernière session »)",
        "every session of a formation ended more than a month ago (--today): the base archives it and no longer publishes it; info when archiving falls within the coming month (DOKELIO FAQ: archived one month after the end of its last session)",
    ),
    carif(
        "CARIF-ACTION-INCOMPLETE",
        Severity::Warning,
        "action sans nombre-heures-total, ou sans lieu-de-formation sans être entièrement à distance : durées et lieux sont attendus avant qu'une session reçoive son numéro Carif (DOKELIO, « Les trois étapes … numéro Carif », étape 3 : « les dates de début et de fin, les durées, les tarifs, les effectifs et les lieux »)",
        "action without nombre-heures-total, or without lieu-de-formation while not entirely remote: durations and places are expected before a session gets its Carif number (DOKELIO « numéro Carif », step 3)",
    ),
    carif(
        "CARIF-APPRENTISSAGE-CERTIFICATION",
        Severity::Error,
        "formation en apprentissage sans certification ou avec plusieurs (OFeli Normandie, « Certification/diplôme associé à la formation » : « indiquez une seule certification »)",
        "apprenticeship formation with no certification or several (OFeli Normandie, « Certification/diplôme associé à la formation »: one certification only)",
    ),
    carif(
        "CARIF-APPRENTISSAGE-DUREE-CYCLE",
        Severity::Error,
        "action en apprentissage sans duree-cycle, ou avec une durée hors de 1 à 5 ans (OFeli Normandie, « Durée de cycle (obligatoire pour l'apprentissage) » : « comprise entre 1 et 5 ans »)",
        "apprenticeship action without duree-cycle, or with one outside 1 to 5 years (OFeli Normandie, « Durée de cycle (obligatoire pour l'apprentissage) »)",
    ),
    carif(
        "CARIF-APPRENTISSAGE-ANNEE",
        Severity::Error,
        "cycle en apprentissage sans annee-cycle, ou avec une année au-delà de la duree-cycle de l'action (OFeli Normandie, « Cycles de l'alternance » : « À renseigner obligatoirement pour l'apprentissage »)",
        "apprenticeship cycle without annee-cycle, or with a year beyond the action's duree-cycle (OFeli Normandie, « Cycles de l'alternance »: required for apprenticeship)",
    ),
    carif(
        "CARIF-APPRENTISSAGE-BLOCS",
        Severity::Warning,
        "session en apprentissage dont la validation des blocs de compétences n'est pas totale (validation-blocs ≠ 1) (OFeli Normandie, « Blocs de compétences » : « pour l'apprentissage, sélectionnez obligatoirement « Validation totale » »)",
        "apprenticeship session whose competence-block validation is not total (validation-blocs ≠ 1) (OFeli Normandie, « Blocs de compétences »)",
    ),
];

const fn carif(
    code: &'static str,
    severity: Severity,
    description_fr: &'static str,
    description_en: &'static str,
) -> Rule {
    Rule {
        code,
        profile: Profile::Carif,
        severity,
        description_fr,
        description_en,
    }
}

/// Stands for the message of a placeholder finding of deferred mode.
const PLACEHOLDER: &str = "\u{1}";

/// The checker of the CARIF rules (and, for [`super::parcoursup::Parcoursup`], of the
/// PARCOURSUP ones) over one file.
#[derive(Debug, Clone)]
pub struct Carif {
    today: NaiveDate,
    /// The rentrée the PARCOURSUP rules check (`None`: CARIF rules only).
    pub(crate) parcoursup: Option<i32>,
    index: doublon::Index,
    /// Deferred mode ([`Carif::deferred`]): the entry of each placeholder finding, in order.
    deferred: Option<Vec<DoublonEntry>>,
    /// Formations checked so far (to name a formation built in code).
    checked: usize,
    /// Buffers kept from one record to the next.
    arena: capture::Arena,
    facts: FormationFacts,
}

impl Carif {
    /// A checker where "today" is `today` (CARIF-ARCHIVAGE).
    pub fn new(today: NaiveDate) -> Self {
        Carif {
            today,
            parcoursup: None,
            index: doublon::Index::default(),
            deferred: None,
            checked: 0,
            arena: capture::Arena::default(),
            facts: FormationFacts::default(),
        }
    }

    /// An engine for part of a file (a document read in pieces, on several threads): each
    /// formation with a SIRET and a certification gives a placeholder `CARIF-DOUBLON`
    /// finding, which [`Carif::resolve_placeholder`] of the engine that sees the whole file,
    /// in document order, turns into a finding (a duplicate) or drops.
    pub fn deferred(today: NaiveDate) -> Self {
        Carif {
            deferred: Some(Vec::new()),
            ..Carif::new(today)
        }
    }

    /// Deferred mode: the entry of each placeholder found so far, in order.
    pub fn take_placeholders(&mut self) -> Vec<DoublonEntry> {
        self.deferred
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Whether a finding is a placeholder of deferred mode.
    pub fn is_placeholder(d: &Diagnostic) -> bool {
        d.code == "CARIF-DOUBLON" && d.message.en == PLACEHOLDER
    }

    /// Resolves a placeholder with its entry (as [`Carif::take_placeholders`] gives them), in
    /// document order: the finding when an earlier formation of the organisation prepares
    /// the same certification, `None` otherwise (the formation is recorded).
    pub fn resolve_placeholder(
        &mut self,
        placeholder: Diagnostic,
        entry: DoublonEntry,
    ) -> Option<Diagnostic> {
        self.doublon(&entry).map(|mut d| {
            if d.location == Location::None {
                d.location = placeholder.location;
            }
            d
        })
    }

    /// The rules' name in messages.
    fn rules_name(&self) -> (&'static str, &'static str) {
        if self.parcoursup.is_some() {
            ("Carif-Oref et Parcoursup", "Carif-Oref and Parcoursup")
        } else {
            ("Carif-Oref", "Carif-Oref")
        }
    }

    /// Checks a formation built in code; paths in the diagnostics are relative to it
    /// (`action[1]/session[2]/cycle[1]`), and CARIF-DOUBLON compares it with the formations
    /// this checker saw before.
    pub fn check_formation(&mut self, formation: &Formation) -> Vec<Diagnostic> {
        self.checked += 1;
        let (facts, paths) = FormationFacts::from_formation(formation);
        let label = match &formation.attrs.numero {
            Some(n) => format!("la formation {n}"),
            None => format!("la formation vérifiée en {}e", self.checked),
        };
        self.check_facts(&facts, &paths, "", None, label)
    }

    /// Checks a record read as a tree ([`crate::reader::Reader::next_node`]): the rules on its
    /// model, labelled and placed like [`Carif::check_captured`] (absolute paths, the positions
    /// of the elements the findings point at). Fails when the tree does not build into the
    /// model; records other than formations have nothing to check.
    pub fn check_node(&mut self, node: &RecordNode) -> Result<Vec<Diagnostic>, BuildError> {
        let Record::Formation(formation) = node.to_record()? else {
            return Ok(Vec::new());
        };
        self.checked += 1;
        let (facts, paths) = FormationFacts::from_formation(&formation);
        let label = match node.node.attr("numero") {
            Some(n) => format!("la formation {n} ({})", node.path),
            None => format!("la formation {}", node.path),
        };
        let locate = InTree {
            paths: &paths,
            tree: &node.node,
        };
        Ok(self.check_facts(&facts, &locate, &node.path, Some(node.node.pos), label))
    }

    /// Checks a record captured by the reader (whole, or projected on [`READS`]): the findings
    /// [`Carif::check_formation`] gives on its model, with absolute paths
    /// (`/lheo/offres/formation[3]/action[1]/…`) and the positions of the elements they point
    /// at. Records other than formations have nothing to check.
    pub fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        let mut arena = std::mem::take(&mut self.arena);
        let mut facts = std::mem::take(&mut self.facts);
        arena.read(log);
        let root = arena.root().map(|r| r.1).unwrap_or_default();
        let found = match arena.facts(&mut facts) {
            Ok(false) => Vec::new(),
            Ok(true) => {
                self.checked += 1;
                let label = match arena.numero() {
                    Some(n) => format!("la formation {n} ({})", log.path),
                    None => format!("la formation {}", log.path),
                };
                self.check_facts(&facts, &arena, &log.path, Some(root), label)
            }
            Err(e) => vec![self.unverified(&log.path, &e, root)],
        };
        arena.give_back(&mut facts);
        self.arena = arena;
        self.facts = facts;
        found
    }

    fn check_facts(
        &mut self,
        facts: &FormationFacts,
        locate: &dyn Locate,
        record: &str,
        root: Option<Position>,
        label: String,
    ) -> Vec<Diagnostic> {
        let mut findings = Vec::new();
        rules::check(facts, self.today, &mut findings);
        if let Some(rentree) = self.parcoursup {
            super::parcoursup::check(facts, rentree, &mut findings);
        }
        let mut out: Vec<Diagnostic> = findings
            .into_iter()
            .map(|f| {
                let path = locate.path(f.loc);
                let mut d = Diagnostic::new(f.code, f.fr, f.en).with_path(absolute(record, &path));
                if let Some(s) = f.severity {
                    d = d.with_severity(s);
                }
                if let Some(p) = locate.position(f.loc) {
                    d = d.at_line(p.line, p.column);
                }
                d
            })
            .collect();
        if let Some(entry) = DoublonEntry::of(facts, locate, record, label) {
            match &mut self.deferred {
                Some(pending) => {
                    let mut d = Diagnostic::new("CARIF-DOUBLON", String::new(), PLACEHOLDER)
                        .with_path(absolute(record, ""));
                    if let Some(p) = root {
                        d = d.at_line(p.line, p.column);
                    }
                    out.push(d);
                    pending.push(entry);
                }
                None => out.extend(self.doublon(&entry)),
            }
        }
        out
    }

    /// CARIF-DOUBLON for a formation, in document order.
    fn doublon(&mut self, entry: &DoublonEntry) -> Option<Diagnostic> {
        let dup = self.index.absorb(entry)?;
        let code = dup.code;
        // The code as written, with its kind when it does not say it (`RNCP38362`, `RNCP 474`).
        let kind = code.kind().name();
        let written = code.written();
        let shown = if written
            .to_uppercase()
            .starts_with(&kind.to_uppercase().replace(' ', ""))
        {
            written.to_owned()
        } else {
            format!("{kind} {written}")
        };
        let (appr_fr, appr_en) = if dup.apprenticeship {
            (", en apprentissage toutes deux", ", both in apprenticeship")
        } else {
            ("", "")
        };
        let mut d = Diagnostic::new(
            "CARIF-DOUBLON",
            format!(
                "même organisme responsable (SIRET {}) et même certification ({shown}) que {}{appr_fr} : une certification = une seule action de formation ; attendu des sessions ajoutées à la formation existante plutôt qu'une nouvelle formation",
                dup.siret, dup.first
            ),
            format!(
                "same responsible organisation (SIRET {}) and same certification ({shown}) as {}{appr_en}: one certification = one training action; sessions added to the existing formation expected instead of a new formation",
                dup.siret,
                english_label(dup.first)
            ),
        )
        .with_path(code.path().to_owned());
        if let Some(p) = code.position() {
            d = d.at_line(p.line, p.column);
        }
        Some(d)
    }

    /// The finding for a record the rules could not read.
    fn unverified(&self, path: &str, e: &BuildError, pos: Position) -> Diagnostic {
        let (fr, en) = self.rules_name();
        Diagnostic::new(
            "LHEO-NON-VERIFIE",
            format!("règles {fr} non vérifiées sur {path} : structure invalide ({e})"),
            format!(
                "{en} rules skipped on {path}: invalid structure (line {}: {})",
                e.line, e.element
            ),
        )
        .at_line(pos.line, pos.column)
        .with_path(path.to_owned())
    }
}

/// The elements of a formation built from a tree: paths from the model, positions from the
/// tree (the nearest element that exists along the path).
struct InTree<'a> {
    paths: &'a ModelPaths,
    tree: &'a crate::reader::tree::Node,
}

impl Locate for InTree<'_> {
    fn path(&self, loc: Loc) -> String {
        self.paths.path(loc)
    }

    fn position(&self, loc: Loc) -> Option<Position> {
        let path = self.paths.path(loc);
        let mut target = self.tree;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            match target.find(seg) {
                Some(n) => target = n,
                None => break,
            }
        }
        Some(target.pos)
    }
}

/// A path relative to `record` made absolute (`record` empty: left relative).
fn absolute(record: &str, path: &str) -> String {
    match (record.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => record.to_owned(),
        (false, false) => format!("{record}/{path}"),
    }
}

/// A formation's label ([`Carif::check_formation`], [`Carif::check_captured`]) in English.
fn english_label(label: &str) -> String {
    match label.strip_prefix("la formation vérifiée en ") {
        Some(n) => format!("formation no. {} checked", n.trim_end_matches('e')),
        None => label.replacen("la formation", "the formation", 1),
    }
}
