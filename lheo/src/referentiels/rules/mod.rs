//! The `REF-*` rules: codes checked against the referentials loaded. A rule runs only when its
//! referential is given (ROME codes are not checked without ROME), with any profile.
//!
//! (The table of rules is in the module documentation of [`crate::referentiels`].)

mod collect;

use std::sync::Arc;

use chrono::NaiveDate;

pub use collect::READS;
use collect::{CodeFact, Collected, Collector, Element, ModelVisitor, SessionFact};

use super::code::{self, french_date};
use super::tables::{Fiche, Repertoire};
use super::{Kind, Referentiels};
use crate::diagnostic::{Diagnostic, Location, Profile, Rule};
use crate::model::walk::Walk;
use crate::model::Formation;
use crate::reader::log::RecordLog;
use crate::reader::Record;

/// What "registered over a session" means for `REF-RNCP-INACTIF` and `REF-RS-INACTIF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coverage {
    /// The registration must not have ended before the session starts (the OFeli guide: « vos
    /// dates de début de sessions devront obligatoirement être inférieures » to the end date).
    #[default]
    SessionStart,
    /// The registration must cover the whole session (Parcoursup: « un enregistrement RNCP
    /// actif sur la période de formation déclarée »).
    WholeSession,
}

impl Coverage {
    /// The coverage a profile asks for: [`Coverage::WholeSession`] for
    /// [`Profile::Parcoursup`] (its rule PARCOURSUP-RNCP), [`Coverage::SessionStart`] for the
    /// others.
    ///
    /// ```
    /// use lheo::referentiels::Coverage;
    /// use lheo::Profile;
    ///
    /// assert_eq!(Coverage::for_profile(Profile::Parcoursup), Coverage::WholeSession);
    /// assert_eq!(Coverage::for_profile(Profile::Carif), Coverage::SessionStart);
    /// ```
    pub fn for_profile(profile: Profile) -> Coverage {
        if profile.includes(Profile::Parcoursup) {
            Coverage::WholeSession
        } else {
            Coverage::SessionStart
        }
    }
}

/// Checks records against referentials.
#[derive(Debug, Clone)]
pub struct RefChecker<'r> {
    refs: Refs<'r>,
    coverage: Coverage,
    collector: Collector,
}

/// The referentials a [`RefChecker`] reads: borrowed, or shared with other threads.
#[derive(Debug, Clone)]
enum Refs<'r> {
    Borrowed(&'r Referentiels),
    Shared(Arc<Referentiels>),
}

impl std::ops::Deref for Refs<'_> {
    type Target = Referentiels;

    fn deref(&self) -> &Referentiels {
        match self {
            Refs::Borrowed(r) => r,
            Refs::Shared(r) => r,
        }
    }
}

fn finding(rule: Rule, path: &str, fr: String, en: String) -> Diagnostic {
    Diagnostic::new(rule, fr, en).with_path(path)
}

impl<'r> RefChecker<'r> {
    /// A checker of the referentials in `refs` (registration checked against session starts).
    pub fn new(refs: &'r Referentiels) -> Self {
        RefChecker {
            refs: Refs::Borrowed(refs),
            coverage: Coverage::default(),
            collector: Collector::default(),
        }
    }

    /// A checker that owns its share of `refs`, to keep or send to another thread (this is
    /// how validation runs it).
    pub fn shared(refs: Arc<Referentiels>) -> RefChecker<'static> {
        RefChecker {
            refs: Refs::Shared(refs),
            coverage: Coverage::default(),
            collector: Collector::default(),
        }
    }

    /// Another [`Coverage`] (Parcoursup: [`Coverage::WholeSession`]).
    pub fn with_coverage(mut self, coverage: Coverage) -> Self {
        self.coverage = coverage;
        self
    }

    /// Checks a formation; paths are relative to it (`certification[1]/code-RNCP`).
    pub fn check_formation(&mut self, formation: &Formation) -> Vec<Diagnostic> {
        self.check_walk(formation, "formation")
    }

    /// Checks a record; paths are relative to it.
    pub fn check_record(&mut self, record: &Record) -> Vec<Diagnostic> {
        let root: &dyn Walk = match record {
            Record::Formation(f) => f.as_ref(),
            Record::ResumeOffre(r) => r.as_ref(),
            Record::ResumeOrganisme(r) => r.as_ref(),
            Record::Organisme(o) => o.as_ref(),
        };
        self.check_walk(root, record.name())
    }

    fn check_walk(&mut self, root: &dyn Walk, name: &'static str) -> Vec<Diagnostic> {
        let mut collector = std::mem::take(&mut self.collector);
        collector.reset();
        collector.enter(name, None, None);
        root.walk_children(&mut ModelVisitor(&mut collector));
        collector.leave();
        let found = self.check_collected(&collector.out);
        self.collector = collector;
        found.into_iter().map(|(d, _)| d).collect()
    }

    /// Checks a record captured by the reader (whole, or projected on a set that holds
    /// [`READS`]): absolute paths (`/lheo/offres/formation[3]/certification[1]/code-RNCP`) and
    /// the positions of the codes.
    pub(crate) fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        let mut collector = std::mem::take(&mut self.collector);
        collector.read_log(log);
        let mut found = self.check_collected(&collector.out);
        let root = collector.out.root.unwrap_or_default();
        for (d, pos) in &mut found {
            let pos = pos.unwrap_or(root);
            d.location = Location::Xml {
                line: pos.line,
                column: pos.column,
            };
            d.path = if d.path.is_empty() {
                log.path.clone()
            } else {
                format!("{}/{}", log.path, d.path)
            };
        }
        self.collector = collector;
        found.into_iter().map(|(d, _)| d).collect()
    }

    /// The findings, each with the position of the code it is about (when captured).
    fn check_collected(
        &self,
        c: &Collected,
    ) -> Vec<(Diagnostic, Option<crate::xml::position::Position>)> {
        let mut out = Vec::new();
        for fact in &c.codes {
            let mut found = Vec::new();
            match fact.element {
                Element::Rncp | Element::Rs => self.certification(fact, &c.sessions, &mut found),
                Element::RefRncp | Element::RefRs => {
                    let declared = if fact.element == Element::RefRncp {
                        Element::Rncp
                    } else {
                        Element::Rs
                    };
                    if !repeats(c, fact, declared) {
                        self.certification(fact, &[], &mut found);
                    }
                }
                Element::CertifInfo => self.certifinfo(fact, &mut found),
                Element::RefCertifInfo => {
                    if !repeats(c, fact, Element::CertifInfo) {
                        self.certifinfo(fact, &mut found);
                    }
                }
                Element::Rome => self.rome(fact, &mut found),
                Element::Nsf => self.nsf(fact, &mut found),
                Element::Bloc => self.bloc(fact, c, &mut found),
            }
            out.extend(found.into_iter().map(|d| (d, fact.pos)));
        }
        out
    }

    /// « RNCP du 22/02/2024 », « ROME 4.0 v460 ».
    fn edition(&self, kind: Kind) -> (String, String) {
        let source = self.refs.source(kind);
        let name = match kind {
            Kind::Rome => "ROME 4.0",
            other => other.name(),
        };
        let version = source
            .and_then(|s| s.version.clone())
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        match source.and_then(|s| s.date) {
            Some(d) => (
                format!("{name}{version} du {}", french_date(d)),
                format!("{name}{version} of {d}"),
            ),
            None => (format!("{name}{version}"), format!("{name}{version}")),
        }
    }

    /// `code-RNCP`, `code-RS` and their references: known, then active over the sessions
    /// (`sessions` empty for a reference: its status is the declared code's business).
    fn certification(&self, fact: &CodeFact, sessions: &[SessionFact], out: &mut Vec<Diagnostic>) {
        let (repertoire, kind, unknown, inactive) = match fact.element {
            Element::Rncp | Element::RefRncp => (
                Repertoire::Rncp,
                Kind::Rncp,
                Rule::RefRncpInconnu,
                Rule::RefRncpInactif,
            ),
            _ => (
                Repertoire::Rs,
                Kind::Rs,
                Rule::RefRsInconnu,
                Rule::RefRsInactif,
            ),
        };
        let Some(table) = self.refs.certifications(repertoire) else {
            return;
        };
        let name = fact.element.name();
        let w = fact.written.as_str();
        let number = match repertoire {
            Repertoire::Rncp => code::rncp(w),
            Repertoire::Rs => code::rs(w),
        };
        let (ed_fr, ed_en) = self.edition(kind);
        let Some(number) = number else {
            let other = match repertoire {
                Repertoire::Rncp => code::rs(w)
                    .filter(|_| code::clean(w).starts_with("RS"))
                    .map(|_| "RS"),
                Repertoire::Rs => code::rncp(w)
                    .filter(|_| code::clean(w).starts_with("RNCP"))
                    .map(|_| "RNCP"),
            };
            let prefix = repertoire.prefix();
            let (fr, en) = match other {
                Some(o) => (
                    format!("{name} « {w} » : c'est un numéro {o}, pas un numéro {prefix}"),
                    format!("{name} \"{w}\": this is an {o} number, not an {prefix} number"),
                ),
                None => (
                    format!("{name} « {w} » n'est pas un numéro {prefix} (attendu {prefix} suivi de chiffres, ou des chiffres)"),
                    format!("{name} \"{w}\" is not an {prefix} number (expected {prefix} and digits, or digits)"),
                ),
            };
            out.push(finding(unknown, &fact.path, fr, en));
            return;
        };
        let prefix = repertoire.prefix();
        let Some(fiche) = table.get(number) else {
            out.push(finding(
                unknown,
                &fact.path,
                format!("{name} « {w} » ({prefix}{number}) absent du référentiel {ed_fr}"),
                format!("{name} \"{w}\" ({prefix}{number}) absent from the {ed_en} referential"),
            ));
            return;
        };
        if matches!(fact.element, Element::RefRncp | Element::RefRs) {
            return;
        }
        if !fiche.active {
            let end = fiche
                .end_of_registration
                .map(|d| {
                    (
                        format!(", enregistrement terminé le {}", french_date(d)),
                        format!(", registration ended on {d}"),
                    )
                })
                .unwrap_or_default();
            out.push(finding(
                inactive,
                &fact.path,
                format!(
                    "{} « {} » : fiche inactive dans le référentiel {ed_fr}{}",
                    fiche.code(),
                    fiche.title,
                    end.0
                ),
                format!(
                    "{} \"{}\": inactive fiche in the {ed_en} referential{}",
                    fiche.code(),
                    fiche.title,
                    end.1
                ),
            ));
            return;
        }
        for s in sessions {
            if let Some((fr, en)) = self.ended_before(&fiche, s) {
                out.push(finding(inactive, &fact.path, fr, en));
            }
        }
    }

    /// The messages when `fiche`'s registration does not reach the session as [`Coverage`]
    /// asks (only when it is certain: a partial date counts from its earliest day).
    fn ended_before(&self, fiche: &Fiche<'_>, s: &SessionFact) -> Option<(String, String)> {
        let end = fiche.end_of_registration?;
        let first_day =
            |d: &Option<crate::model::Date>| d.as_ref().and_then(|d| d.span()).map(|s| s.0);
        let (code, title) = (fiche.code(), fiche.title);
        match self.coverage {
            Coverage::SessionStart => {
                let debut: NaiveDate = first_day(&s.debut)?;
                (end < debut).then(|| {
                    (
                        format!("{code} « {title} » : enregistrement terminé le {}, avant le début de la session {} ({})", french_date(end), s.path, french_date(debut)),
                        format!("{code} \"{title}\": registration ended on {end}, before session {} starts ({debut})", s.path),
                    )
                })
            }
            Coverage::WholeSession => {
                let fin: NaiveDate = first_day(&s.fin)?;
                (end < fin).then(|| {
                    (
                        format!("{code} « {title} » : enregistrement terminé le {}, avant la fin de la session {} ({}) : il doit couvrir toute la période de formation", french_date(end), s.path, french_date(fin)),
                        format!("{code} \"{title}\": registration ended on {end}, before session {} ends ({fin}): it must cover the whole training period", s.path),
                    )
                })
            }
        }
    }

    fn certifinfo(&self, fact: &CodeFact, out: &mut Vec<Diagnostic>) {
        let Some(set) = self.refs.certifinfo() else {
            return;
        };
        let (name, w) = (fact.element.name(), fact.written.as_str());
        let (ed_fr, ed_en) = self.edition(Kind::CertifInfo);
        let (fr, en) = match code::certifinfo(w) {
            Some(n) if set.contains(n) => return,
            Some(_) => (
                format!("{name} « {w} » absent de {ed_fr} (l'open data ne liste que les certifications en vigueur : code archivé ou erroné)"),
                format!("{name} \"{w}\" absent from {ed_en} (the open data lists live certifications only: archived or wrong code)"),
            ),
            None => (
                format!("{name} « {w} » n'est pas un numéro Certif Info (attendu des chiffres)"),
                format!("{name} \"{w}\" is not a Certif Info number (expected digits)"),
            ),
        };
        out.push(finding(Rule::RefCertifinfoInconnu, &fact.path, fr, en));
    }

    fn rome(&self, fact: &CodeFact, out: &mut Vec<Diagnostic>) {
        let Some(rome) = self.refs.rome() else {
            return;
        };
        let w = fact.written.as_str();
        if rome.contains(w) {
            return;
        }
        let (ed_fr, ed_en) = self.edition(Kind::Rome);
        let (fr, en) = match (code::rome(w), rome.older_version_of(w)) {
            (None, _) => (
                format!(
                    "code-ROME « {w} » n'est pas un code ROME (une lettre de A à N et 4 chiffres)"
                ),
                format!("code-ROME \"{w}\" is not a ROME code (a letter A to N and 4 digits)"),
            ),
            (Some(c), Some(v)) => {
                let v = v.map(|v| format!(" v{v}")).unwrap_or_default();
                (
                    format!("code-ROME « {c} » : code d'une version plus ancienne du ROME{v}, absent du {ed_fr}"),
                    format!("code-ROME \"{c}\": code of an older ROME version{v}, absent from {ed_en}"),
                )
            }
            (Some(c), None) => (
                format!("code-ROME « {c} » absent du {ed_fr}"),
                format!("code-ROME \"{c}\" absent from {ed_en}"),
            ),
        };
        out.push(finding(Rule::RefRomeInconnu, &fact.path, fr, en));
    }

    fn nsf(&self, fact: &CodeFact, out: &mut Vec<Diagnostic>) {
        let Some(set) = self.refs.nsf() else {
            return;
        };
        let w = fact.written.as_str();
        let (fr, en) = match code::nsf(w) {
            Some(n) if set.contains(u32::from(n)) => return,
            Some(_) => (
                format!(
                    "code-NSF « {w} » absent de la table des groupes NSF (BCN N_GROUPE_SPECIALITE)"
                ),
                format!(
                    "code-NSF \"{w}\" absent from the NSF groups table (BCN N_GROUPE_SPECIALITE)"
                ),
            ),
            None => (
                format!("code-NSF « {w} » n'est pas un groupe NSF (attendu 3 chiffres)"),
                format!("code-NSF \"{w}\" is not an NSF group (expected 3 digits)"),
            ),
        };
        out.push(finding(Rule::RefNsfInconnu, &fact.path, fr, en));
    }

    /// A `code-bloc` against the certification its `blocs-competences` refers to.
    fn bloc(&self, fact: &CodeFact, c: &Collected, out: &mut Vec<Diagnostic>) {
        let Some(group) = fact.group else { return };
        let reference = |element: Element| {
            c.codes
                .iter()
                .find(|f| f.group == Some(group) && f.element == element)
        };
        let (repertoire, number) = if let Some(r) = reference(Element::RefRncp) {
            match code::rncp(&r.written) {
                Some(n) => (Repertoire::Rncp, n),
                None => return,
            }
        } else if let Some(r) = reference(Element::RefRs) {
            match code::rs(&r.written) {
                Some(n) => (Repertoire::Rs, n),
                None => return,
            }
        } else {
            return;
        };
        let Some(table) = self.refs.certifications(repertoire) else {
            return;
        };
        // Unknown references are their own finding; a referential without blocs checks none.
        if table.get(number).is_none() || table.blocs().is_none() {
            return;
        }
        let w = fact.written.as_str();
        let Some(bloc) = code::bloc(w) else {
            return;
        };
        if table.has_bloc(number, &bloc) {
            return;
        }
        let cert = format!("{}{number}", repertoire.prefix());
        let owners: Vec<String> = self
            .refs
            .rncp()
            .map(|t| t.owners_of_bloc(&bloc))
            .unwrap_or_default()
            .into_iter()
            .map(|n| format!("RNCP{n}"))
            .collect();
        let has_blocs = table
            .blocs_of(number)
            .is_some_and(|mut b| b.next().is_some());
        let (fr, en) = if !owners.is_empty() {
            (
                format!(
                    "code-bloc « {w} » : ce n'est pas un bloc de {cert} mais de {}",
                    owners.join(", ")
                ),
                format!(
                    "code-bloc \"{w}\": not a bloc of {cert} but of {}",
                    owners.join(", ")
                ),
            )
        } else if !has_blocs {
            (
                format!(
                    "code-bloc « {w} » : {cert} n'a aucun bloc de compétences dans le référentiel"
                ),
                format!("code-bloc \"{w}\": {cert} has no bloc de compétences in the referential"),
            )
        } else {
            (
                format!("code-bloc « {w} » : ce n'est pas un bloc de {cert}, ni d'aucune autre fiche du référentiel"),
                format!("code-bloc \"{w}\": not a bloc of {cert}, nor of any other fiche of the referential"),
            )
        };
        out.push(finding(Rule::RefBlocInconnu, &fact.path, fr, en));
    }
}

/// Whether a reference repeats a code the record declares in a `certification` (then it was
/// checked there).
fn repeats(c: &Collected, reference: &CodeFact, declared: Element) -> bool {
    let same = |a: &str, b: &str| match declared {
        Element::Rncp => code::rncp(a).is_some() && code::rncp(a) == code::rncp(b),
        Element::Rs => code::rs(a).is_some() && code::rs(a) == code::rs(b),
        _ => code::certifinfo(a).is_some() && code::certifinfo(a) == code::certifinfo(b),
    };
    c.codes
        .iter()
        .any(|f| f.element == declared && same(&f.written, &reference.written))
}
