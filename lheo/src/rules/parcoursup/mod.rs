//! Profile `parcoursup`: the `carif` rules plus the conditions an apprenticeship offer must
//! meet to be imported automatically into Parcoursup through the national apprenticeship
//! catalogue. Source: the Parcoursup annex for apprenticeship providers (« Annexe :
//! référencement des OFSA - ouverture PARCOURSUP », SAIO de Créteil with the Carif-Oref
//! Île-de-France, 2023), « Protocole de référencement », and the national catalogue's own
//! checks (the rentrée window, the UAI check letter: [`uai`]).
//!
//! The PARCOURSUP rules apply to apprenticeship formations only: a formation with a session
//! whose `cycle` has `type-cycle` 1 or `alternance/type-alternance` 1.
//!
//! What needs the RNCP referential (PARCOURSUP-RNCP's « enregistrement actif sur la période
//! de formation déclarée ») is checked with referentials (`--referentiels`,
//! [`ValidateOptions::with_referentiels`](crate::validate::ValidateOptions::with_referentiels)):
//! under this profile `REF-RNCP-INACTIF` asks the registration to cover each session of the
//! formation to its end
//! ([`Coverage::WholeSession`](crate::referentiels::Coverage::WholeSession)), where the other
//! profiles ask it to cover the session's start. Without referentials, PARCOURSUP-RNCP checks
//! that the certification has an RNCP code. On a formation built in code:
//! `RefChecker::new(&refs).with_coverage(Coverage::for_profile(Profile::Parcoursup))`.
//!
//! ```
//! use chrono::NaiveDate;
//! use lheo::model::{Action, Certification, Cycle, Field, Session, TypeCycle};
//! use lheo::rules::parcoursup::Parcoursup;
//! use lheo::Formation;
//!
//! let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! // The coming rentrée: 1 August 2027 to 31 July 2028.
//! assert_eq!(Parcoursup::new(today, None).rentree(), 2027);
//! assert_eq!(Parcoursup::new(today, Some(2026)).rentree(), 2026);
//!
//! // An apprenticeship formation built in code, its diploma known by its Certif Info number
//! // only, its organisation without UAI code.
//! let mut session = Session::default();
//! session.periode.debut = Field::new("20270901".parse().unwrap());
//! session.periode.fin = Field::new("20290630".parse().unwrap());
//! session.cycle.push(Cycle {
//!     type_cycle: TypeCycle::ContratApprentissage.into(),
//!     ..Cycle::default()
//! });
//! let mut formation = Formation::default();
//! formation.certification.push(Certification {
//!     code_certifinfo: Some("108930".into()),
//!     ..Certification::default()
//! });
//! formation.action.push(Action {
//!     session: vec![session],
//!     ..Action::default()
//! });
//! let found = Parcoursup::new(today, None).check_formation(&formation);
//! let codes: Vec<_> = found.iter().map(|d| d.code()).collect();
//! assert!(codes.contains(&"PARCOURSUP-RNCP"), "{codes:?}");
//! assert!(codes.contains(&"PARCOURSUP-UAI"), "{codes:?}");
//! ```

pub mod uai;

use chrono::{Datelike, NaiveDate};

use super::carif::facts::FormationFacts;
use super::carif::{finding, fr_date, Carif, Finding};
use super::catalogue::Rule;
use crate::diagnostic::Diagnostic;
use crate::model::Formation;
use crate::reader::log::RecordLog;
use crate::reader::{BuildError, RecordNode};
use crate::rules::record::{Finding as RecordFinding, RecordRules, Scope, Unique};
use crate::schema::ElementSet;

/// The rentrée of `today`: the year of the first 1 August on or after it.
pub fn rentree_of(today: NaiveDate) -> i32 {
    if (today.month(), today.day()) <= (8, 1) {
        today.year()
    } else {
        today.year() + 1
    }
}

/// The sessions a rentrée takes: starting from 1 August of its year to 31 July of the next.
pub fn rentree_window(rentree: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(rentree, 8, 1)?,
        NaiveDate::from_ymd_opt(rentree + 1, 7, 31)?,
    ))
}

/// The checker of the CARIF and PARCOURSUP rules over one file: a [`Carif`] that also checks
/// the apprenticeship formations against Parcoursup's conditions.
#[derive(Debug, Clone)]
pub struct Parcoursup(Carif);

impl Parcoursup {
    /// A checker where "today" is `today` and the rentrée is `rentree` (default:
    /// [`rentree_of`] `today`).
    pub fn new(today: NaiveDate, rentree: Option<i32>) -> Self {
        let mut carif = Carif::new(today);
        carif.parcoursup = Some(rentree.unwrap_or_else(|| rentree_of(today)));
        Parcoursup(carif)
    }

    /// The engine for a validation's [`Scope`].
    pub(crate) fn for_scope(today: NaiveDate, rentree: Option<i32>, scope: Scope) -> Self {
        let mut carif = Carif::for_scope(today, scope);
        carif.parcoursup = Some(rentree.unwrap_or_else(|| rentree_of(today)));
        Parcoursup(carif)
    }

    /// The rentrée checked: the sessions starting from 1 August of this year to 31 July of
    /// the next.
    pub fn rentree(&self) -> i32 {
        self.0.parcoursup.unwrap_or_default()
    }

    /// [`Carif::check_formation`] with the PARCOURSUP rules.
    pub fn check_formation(&mut self, formation: &Formation) -> Vec<Diagnostic> {
        self.0.check_formation(formation)
    }

    /// [`Carif::check_node`] with the PARCOURSUP rules.
    #[doc(hidden)]
    pub fn check_node(&mut self, node: &RecordNode) -> Result<Vec<Diagnostic>, BuildError> {
        self.0.check_node(node)
    }

    /// [`Carif::check_captured`] with the PARCOURSUP rules.
    #[doc(hidden)]
    pub fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        self.0.check_captured(log)
    }
}

impl RecordRules for Parcoursup {
    fn reads(&self) -> Option<ElementSet> {
        self.0.reads()
    }

    fn check(&mut self, record: &RecordLog, out: &mut Vec<RecordFinding>) {
        self.0.check(record, out);
    }

    fn resolve(&mut self, finding: Diagnostic, unique: Unique) -> Option<Diagnostic> {
        RecordRules::resolve(&mut self.0, finding, unique)
    }
}

/// Runs the PARCOURSUP rules on an apprenticeship formation.
pub(crate) fn check(f: &FormationFacts, rentree: i32, out: &mut Vec<Finding>) {
    if !f.is_apprenticeship() {
        return;
    }
    rentree_session(f, rentree, out);
    uai_codes(f, out);
    nda(f, out);
    rncp(f, out);
}

/// PARCOURSUP-RENTREE.
fn rentree_session(f: &FormationFacts, rentree: i32, out: &mut Vec<Finding>) {
    let Some((first, last)) = rentree_window(rentree) else {
        return;
    };
    let flags = f.apprenticeship();
    let starts: Vec<_> = f
        .sessions
        .iter()
        .enumerate()
        .filter(|(s, _)| flags.session(*s as u32))
        .map(|(_, s)| s.debut)
        .collect();
    let open = starts.iter().any(|d| {
        d.span()
            .is_some_and(|(from, to)| from >= first && to <= last)
    });
    if open {
        return;
    }
    let shown: Vec<String> = starts.iter().take(3).map(|d| d.to_french()).collect();
    let shown_en: Vec<String> = starts
        .iter()
        .take(3)
        .map(|d| {
            d.to_naive()
                .map_or_else(|| d.to_string(), |n| n.to_string())
        })
        .collect();
    let more = if starts.len() > 3 { ", …" } else { "" };
    out.push(finding(
        Rule::ParcoursupRentree,
        f.loc,
        format!(
            "aucune session en apprentissage ne commence entre le {} et le {} (rentrée {rentree}) : débuts {}{more} ; attendu au moins une session ouverte pour la rentrée",
            fr_date(first),
            fr_date(last),
            shown.join(", ")
        ),
        format!(
            "no apprenticeship session starts between {first} and {last} (rentrée {rentree}): starts {}{more}; at least one session open for the rentrée expected",
            shown_en.join(", ")
        ),
    ));
}

/// PARCOURSUP-UAI.
fn uai_codes(f: &FormationFacts, out: &mut Vec<Finding>) {
    let bad = |out: &mut Vec<Finding>, who_fr: &str, who_en: &str, loc, code: &str| {
        match uai::check(code) {
        Ok(()) => {}
        Err(uai::UaiError::Format) => out.push(finding(
            Rule::ParcoursupUai,
            loc,
            format!("{who_fr} : code UAI « {code} » mal formé ; attendu 7 chiffres et une lettre clé (ex. 0750654D)"),
            format!("{who_en}: malformed UAI code \"{code}\"; 7 digits and a check letter expected (e.g. 0750654D)"),
        )),
        Err(uai::UaiError::CheckLetter(expected)) => out.push(finding(
            Rule::ParcoursupUai,
            loc,
            format!("{who_fr} : code UAI « {code} » dont la lettre clé est fausse ; attendu {}{expected}", code.trim().get(..7).unwrap_or("")),
            format!("{who_en}: UAI code \"{code}\" with a wrong check letter; {}{expected} expected", code.trim().get(..7).unwrap_or("")),
        )),
    }
    };
    let flags = f.apprenticeship();
    // Formateurs of apprenticeship actions (the facts list them in action order).
    let mut trained = vec![false; f.actions.len()];
    for o in &f.formateurs {
        if let Some(t) = trained.get_mut(o.action as usize) {
            *t = true;
        }
        if !flags.action(o.action) {
            continue;
        }
        match &o.uai {
            None => out.push(finding(
                Rule::ParcoursupUai,
                o.loc,
                "organisme-formateur d'une action en apprentissage sans code-UAI-formateur : attendu le code UAI de l'établissement (7 chiffres et une lettre clé)".into(),
                "organisme-formateur of an apprenticeship action without code-UAI-formateur: the establishment's UAI code (7 digits and a check letter) expected".into(),
            )),
            Some((loc, code)) => bad(out, "organisme formateur", "training organisation", *loc, f.str(code)),
        }
    }
    // An apprenticeship action without organisme-formateur: the responsible organisation
    // trains, by default (checked once).
    let untrained = (0..f.actions.len())
        .any(|a| flags.action(a as u32) && !trained.get(a).copied().unwrap_or(false));
    if let (true, Some(resp)) = (untrained, f.responsable) {
        match &f.uai_responsable {
            None => out.push(finding(
                Rule::ParcoursupUai,
                resp,
                "action en apprentissage sans organisme-formateur, et organisme responsable sans code-UAI-organisme-formation : attendu le code UAI de l'établissement qui forme".into(),
                "apprenticeship action without organisme-formateur, and responsible organisation without code-UAI-organisme-formation: the UAI code of the training establishment expected".into(),
            )),
            Some((loc, code)) => bad(out, "organisme responsable", "responsible organisation", *loc, f.str(code)),
        }
    }
}

/// PARCOURSUP-NDA.
fn nda(f: &FormationFacts, out: &mut Vec<Finding>) {
    let Some((loc, span)) = &f.numero_activite else {
        return;
    };
    let nda = f.str(span).trim();
    let digits = nda.len() == 11 && nda.bytes().all(|b| b.is_ascii_digit());
    let (fr, en) = if !digits {
        ("n'a pas 11 chiffres", "is not 11 digits")
    } else if nda.bytes().all(|b| b == b'0') {
        ("n'est que des zéros", "is only zeros")
    } else {
        return;
    };
    out.push(finding(
        Rule::ParcoursupNda,
        *loc,
        format!("numero-activite « {nda} » {fr} : attendu le numéro de déclaration d'activité (11 chiffres) enregistré auprès de la DREETS"),
        format!("numero-activite \"{nda}\" {en}: the activity declaration number (11 digits) registered with the DREETS expected"),
    ));
}

/// PARCOURSUP-RNCP (without referentials).
fn rncp(f: &FormationFacts, out: &mut Vec<Finding>) {
    for c in &f.certifications {
        let mut codes = f.codes(c).peekable();
        if codes.peek().is_none() {
            continue;
        }
        let written: Vec<String> = codes
            .map(|(k, code)| format!("{} {code}", k.name()))
            .collect();
        if c.rncp.as_ref().is_some_and(|s| !f.str(s).trim().is_empty()) {
            continue;
        }
        out.push(finding(
            Rule::ParcoursupRncp,
            c.loc,
            format!("certification sans code RNCP ({}) : Parcoursup n'importe pas une formation en apprentissage sans enregistrement RNCP ; attendu le code RNCP de la certification", written.join(", ")),
            format!("certification without an RNCP code ({}): Parcoursup does not import an apprenticeship formation without an RNCP registration; the certification's RNCP code expected", written.join(", ")),
        ));
    }
}
