//! Profile `france-travail`: the rules France Travail (Kairos, AUDE Formation, Ouiform) applies
//! since 16 May 2023 to recruitment modalities 7 (ISC, inscription sur candidature),
//! 8 (RDVI, entretien ou rendez-vous individuel) and 9 (ICO, information collective), and to
//! addresses. Source: OFeli user guide (Carif-Oref de Normandie, 2025), « ZOOM sur les
//! Modalités de recrutement ».
//!
//! The rules work on the model, so they apply to feeds and to formations built in code alike.
//! One [`FranceTravail`] checks one file: `@numero` uniqueness spans every formation it sees.
//! `lheo validate` gives them only the values they read, taken from a capture of each record
//! ([`FranceTravail::check_captured`], [`READS`]), which costs far less than a whole model.
//!
//! ```
//! use chrono::NaiveDate;
//! use lheo::rules::france_travail::FranceTravail;
//! use lheo::{Formation, ModaliteRecrutement, Recrutement, Rule};
//!
//! let mut formation = Formation::default();
//! let mut action = lheo::Action::default();
//! let mut session = lheo::Session::default();
//! session.recrutement.push(Recrutement {
//!     modalite_recrutement: ModaliteRecrutement::EntretienRdvIndividuel.into(),
//!     ..Recrutement::default()
//! });
//! action.session.push(session);
//! formation.action.push(action);
//!
//! let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let findings = FranceTravail::new(today).check_formation(&formation);
//! assert!(findings.iter().any(|d| d.rule == Rule::FtRecNumero));
//! assert!(findings.iter().any(|d| d.rule == Rule::FtRdvDate));
//! assert!(findings.iter().all(|d| d.rule != Rule::FtRdvPasse)); // no date: only FT-RDV-DATE
//! ```

use chrono::NaiveDate;

use super::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::walk::{Value, Visitor, Walk};
use crate::model::{
    Adresse, Booleen, Date, Dictionary, EtatRecrutement, Formation, Heure, ModaliteRecrutement,
    Precision,
};
use crate::reader::{BuildError, Record, RecordNode};
use crate::xml::position::Position;

mod capture;
mod facts;
mod numeros;

use super::record::{Finding, RecordRules, Scope, Unique};
use crate::reader::log::RecordLog;
use crate::schema::ElementSet;

use facts::{AdresseFacts, RecrutementFacts, SessionFacts};

#[doc(hidden)]
pub use capture::READS;

/// The France Travail rules as a record rule set: on projected captures ([`READS`]);
/// `@numero` uniqueness across the file is a cross-record rule.
impl RecordRules for FranceTravail {
    fn reads(&self) -> Option<ElementSet> {
        Some(READS)
    }

    fn check(&mut self, record: &RecordLog, out: &mut Vec<Finding>) {
        let found = self.check_captured(record);
        let mut uniques = self.take_placeholders().into_iter();
        for d in found {
            if FranceTravail::is_placeholder(&d) {
                if let Some((value, place, what)) = uniques.next() {
                    out.push(Finding::Unique(d, Unique { value, place, what }));
                }
            } else {
                out.push(Finding::Final(d));
            }
        }
    }

    fn resolve(&mut self, finding: Diagnostic, unique: Unique) -> Option<Diagnostic> {
        self.resolve_placeholder(finding, (unique.value, unique.place, unique.what))
    }
}

/// Places for an ISC.
const ISC_PLACES: std::ops::RangeInclusive<i64> = 1..=999;
/// Places for an RDVI or ICO.
const RDV_PLACES: std::ops::RangeInclusive<i64> = 1..=299;
/// RDVI + ICO per session.
const RDV_MAX: usize = 120;
/// Earliest start and latest end of an RDVI/ICO, in minutes.
const RDV_EARLIEST: u16 = 7 * 60;
const RDV_LATEST: u16 = 20 * 60;

/// The checker of the France Travail rules over one file.
#[derive(Debug, Clone)]
pub struct FranceTravail {
    today: NaiveDate,
    /// Recruitment numeros seen, with where they were first seen (compact: memory stays
    /// flat on gigabyte feeds).
    numeros: numeros::NumeroIndex,
    /// Records seen (for the "first seen" message).
    record: String,
    /// Deferred mode ([`FranceTravail::deferred`]): the @numero of each placeholder
    /// finding, with where it is and the recruitment's kind, in order.
    deferred: Option<Vec<(String, String, &'static str)>>,
    /// Reads captured records ([`FranceTravail::check_captured`]), buffers kept.
    collector: capture::Collector,
}

/// Stands for the "first used" place in a placeholder finding of deferred mode.
const FIRST_PLACEHOLDER: &str = "\u{1}";

/// The three modalities France Travail consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Isc,
    Rdvi,
    Ico,
}

impl Kind {
    fn of(r: &RecrutementFacts) -> Option<Kind> {
        match r.modalite {
            ModaliteRecrutement::InscriptionSurCandidature => Some(Kind::Isc),
            ModaliteRecrutement::EntretienRdvIndividuel => Some(Kind::Rdvi),
            ModaliteRecrutement::InformationCollective => Some(Kind::Ico),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Isc => "ISC",
            Kind::Rdvi => "RDVI",
            Kind::Ico => "ICO",
        }
    }
}

/// A finding with a path relative to the record.
fn finding(rule: Rule, path: &str, fr: String, en: String) -> Diagnostic {
    Diagnostic::new(rule, fr, en).with_path(path)
}

/// How a record is named in "first used" messages: its path, and its `@numero` if any.
fn record_label(path: &str, numero: Option<&str>) -> String {
    match numero {
        Some(n) => format!("{path} @numero={n}"),
        None => path.to_owned(),
    }
}

/// Makes a finding's path (relative to the record at `record`) absolute, and puts it at `pos`.
fn place(d: &mut Diagnostic, record: &str, pos: Position) {
    d.location = Location::Xml {
        line: pos.line,
        column: pos.column,
    };
    d.path = if d.path.is_empty() {
        record.to_owned()
    } else {
        format!("{record}/{}", d.path)
    };
}

/// The messages of a duplicate @numero (`kind`: ISC, RDVI, ICO).
fn duplicate_numero(kind: &str, n: &str, first: &str) -> (String, String) {
    (
        format!(
            "{kind} : @numero « {n} » déjà utilisé ({first}) ; il doit être unique dans le fichier"
        ),
        format!("{kind}: @numero \"{n}\" already used ({first}); it must be unique in the file"),
    )
}

/// The last day a (possibly partial) date may stand for.
fn last_day(d: &Date) -> Option<NaiveDate> {
    d.span().map(|(_, last)| last)
}

/// A full, real calendar day.
fn full_day(d: &Date) -> Option<NaiveDate> {
    (d.precision() == Precision::Day)
        .then(|| d.to_naive())
        .flatten()
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn alphanumeric_code(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()) && t != "00000"
}

impl FranceTravail {
    /// A checker where "today" is `today` (RDVI/ICO dates must not be in the past).
    pub fn new(today: NaiveDate) -> Self {
        FranceTravail {
            today,
            numeros: numeros::NumeroIndex::default(),
            record: String::new(),
            deferred: None,
            collector: capture::Collector::default(),
        }
    }

    /// The engine of a record rule set of `scope` ([`FranceTravail::deferred`] for a part).
    pub(crate) fn for_scope(today: NaiveDate, scope: Scope) -> Self {
        match scope {
            Scope::Whole => FranceTravail::new(today),
            Scope::Part => FranceTravail::deferred(today),
        }
    }

    /// An engine for part of a file (a document read in pieces, on several threads): each
    /// `@numero` gives a placeholder `FT-REC-NUMERO` finding, which
    /// [`FranceTravail::resolve_placeholder`] of the engine that sees the whole file, in
    /// document order, turns into a finding (a duplicate) or drops.
    pub fn deferred(today: NaiveDate) -> Self {
        FranceTravail {
            deferred: Some(Vec::new()),
            ..FranceTravail::new(today)
        }
    }

    /// Deferred mode: the @numero, place and recruitment kind of each placeholder found so
    /// far, in order.
    pub fn take_placeholders(&mut self) -> Vec<(String, String, &'static str)> {
        self.deferred
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Whether a finding is a placeholder of deferred mode.
    pub fn is_placeholder(d: &Diagnostic) -> bool {
        d.rule == Rule::FtRecNumero && d.message.en.contains(FIRST_PLACEHOLDER)
    }

    /// Resolves a placeholder found at `here` for `numero` (of a `kind` recruitment, as
    /// [`FranceTravail::take_placeholders`] gives them): the finding when the numero was used
    /// before (in this engine's view of the file), `None` otherwise (it is recorded).
    pub fn resolve_placeholder(
        &mut self,
        mut placeholder: Diagnostic,
        (numero, here, kind): (String, String, &'static str),
    ) -> Option<Diagnostic> {
        let first = self.numeros.first_use(&numero, &here)?;
        let (fr, en) = duplicate_numero(kind, &numero, &first);
        placeholder.message.fr = fr;
        placeholder.message.en = en;
        Some(placeholder)
    }

    /// Checks a record read as a tree ([`crate::reader::Reader::next_node`]):
    /// [`FranceTravail::check_record`] on its model, labelled with its path and `@numero`, with
    /// absolute paths and the positions of the elements the findings point at (the nearest
    /// one that exists). Fails when the tree does not build into the model.
    pub fn check_node(&mut self, node: &RecordNode) -> Result<Vec<Diagnostic>, BuildError> {
        let record = node.to_record()?;
        let label = record_label(&node.path, node.node.attr("numero").as_deref());
        let mut found = self.check_record(&record, &label);
        for d in &mut found {
            let mut target = &node.node;
            for seg in d.path.split('/').filter(|s| !s.is_empty()) {
                match target.find(seg) {
                    Some(n) => target = n,
                    None => break,
                }
            }
            place(d, &node.path, target.pos);
        }
        Ok(found)
    }

    /// Checks a record; paths in the diagnostics are relative to the record.
    pub fn check_record(&mut self, record: &Record, label: &str) -> Vec<Diagnostic> {
        self.record = label.to_owned();
        let mut out = Vec::new();
        match record {
            Record::Formation(f) => return self.check_formation_labelled(f, label),
            Record::ResumeOffre(r) => self.addresses(r.as_ref(), &mut out),
            Record::ResumeOrganisme(r) => self.addresses(r.as_ref(), &mut out),
            Record::Organisme(o) => self.addresses(o.as_ref(), &mut out),
        }
        out
    }

    /// Checks a formation; paths in the diagnostics are relative to it
    /// (`action[1]/session[2]/recrutement[1]`).
    pub fn check_formation(&mut self, formation: &Formation) -> Vec<Diagnostic> {
        let label = formation
            .attrs
            .numero
            .clone()
            .map(|n| format!("formation {n}"))
            .unwrap_or_else(|| "formation".into());
        self.check_formation_labelled(formation, &label)
    }

    fn check_formation_labelled(&mut self, formation: &Formation, label: &str) -> Vec<Diagnostic> {
        self.record = label.to_owned();
        let mut out = Vec::new();
        for (i, action) in formation.action.iter().enumerate() {
            for (j, session) in action.session.iter().enumerate() {
                let path = format!("action[{}]/session[{}]", i + 1, j + 1);
                self.session(&SessionFacts::from(session), &path, &mut out);
            }
        }
        self.addresses(formation, &mut out);
        out
    }

    fn session(&mut self, session: &SessionFacts, path: &str, out: &mut Vec<Diagnostic>) {
        let session_fin = &session.fin;
        let mut isc_periods: Vec<(NaiveDate, NaiveDate, String)> = Vec::new();
        let mut rdv = 0;
        let mut any = false;
        for (k, r) in session.recrutements.iter().enumerate() {
            let Some(kind) = Kind::of(r) else { continue };
            any = true;
            let rpath = format!("{path}/recrutement[{}]", k + 1);
            self.numero(r, kind, &rpath, out);
            match kind {
                Kind::Isc => {
                    if let Some(p) = self.isc(r, session_fin, &rpath, out) {
                        isc_periods.push((p.0, p.1, rpath));
                    }
                }
                Kind::Rdvi | Kind::Ico => {
                    rdv += 1;
                    self.rdv(r, kind, session_fin, &rpath, out);
                }
            }
        }
        if any && session.etat != Some(EtatRecrutement::Ouvert) {
            let found = session.etat.map_or("absent".to_string(), |e| {
                format!("{} ({})", e.code(), e.label())
            });
            let found_en = session
                .etat
                .map_or("missing".to_string(), |e| e.code().to_string());
            out.push(finding(
                Rule::FtRecEtat,
                path,
                format!("session avec un recrutement 7/8/9 : etat-recrutement {found}, attendu 1 (ouvert)"),
                format!("session with a 7/8/9 recrutement: etat-recrutement {found_en}, expected 1 (open)"),
            ));
        }
        if !any {
            out.push(finding(
                Rule::FtSessionModalite,
                path,
                "session sans modalité de recrutement 7 (ISC), 8 (RDVI) ni 9 (ICO) : aucune candidature en ligne possible chez France Travail".into(),
                "session without recruitment modality 7 (ISC), 8 (RDVI) or 9 (ICO): no online application possible at France Travail".into(),
            ));
        }
        if rdv > RDV_MAX {
            out.push(finding(
                Rule::FtRdvMax,
                path,
                format!("{rdv} RDVI et ICO dans la session : au plus {RDV_MAX}"),
                format!("{rdv} RDVI and ICO in the session: at most {RDV_MAX}"),
            ));
        }
        isc_periods.sort_by_key(|(debut, fin, _)| (*debut, *fin));
        for w in 0..isc_periods.len() {
            for x in w + 1..isc_periods.len() {
                let (a, b) = (&isc_periods[w], &isc_periods[x]);
                let overlap = (a.0 < b.1 && b.0 < a.1) || (a.0 == b.0 && a.1 == b.1);
                if overlap {
                    out.push(finding(
                        Rule::FtIscChevauchement,
                        &b.2,
                        format!(
                            "ISC du {} au {} : chevauche l'ISC du {} au {} ({})",
                            fr_date(b.0),
                            fr_date(b.1),
                            fr_date(a.0),
                            fr_date(a.1),
                            a.2
                        ),
                        format!(
                            "ISC from {} to {}: overlaps the ISC from {} to {} ({})",
                            b.0, b.1, a.0, a.1, a.2
                        ),
                    ));
                }
            }
        }
    }

    fn numero(&mut self, r: &RecrutementFacts, kind: Kind, path: &str, out: &mut Vec<Diagnostic>) {
        let name = kind.name();
        match r.numero.as_deref().map(str::trim) {
            None | Some("") => out.push(finding(
                Rule::FtRecNumero,
                path,
                format!("{name} sans @numero : France Travail identifie chaque recrutement par son numéro"),
                format!("{name} without @numero: France Travail identifies each recruitment by its number"),
            )),
            Some(n) => {
                let here = format!("{} / {path}", self.record);
                if let Some(deferred) = &mut self.deferred {
                    // Messages are written once the placeholder is resolved.
                    out.push(finding(
                        Rule::FtRecNumero,
                        path,
                        String::new(),
                        FIRST_PLACEHOLDER.to_owned(),
                    ));
                    deferred.push((n.to_owned(), here, name));
                } else if let Some(first) = self.numeros.first_use(n, &here) {
                    let (fr, en) = duplicate_numero(name, n, &first);
                    out.push(finding(Rule::FtRecNumero, path, fr, en));
                }
            }
        }
    }

    /// ISC rules; returns the period when it is usable for the overlap check.
    fn isc(
        &self,
        r: &RecrutementFacts,
        session_fin: &Date,
        path: &str,
        out: &mut Vec<Diagnostic>,
    ) -> Option<(NaiveDate, NaiveDate)> {
        places(r, Kind::Isc, ISC_PLACES, Rule::FtIscPlaces, path, out);
        let Some((debut, fin)) = &r.periode else {
            out.push(finding(
                Rule::FtIscPeriode,
                path,
                "ISC sans periode : attendu des dates debut et fin".into(),
                "ISC without periode: debut and fin dates expected".into(),
            ));
            return None;
        };
        let (Some(d), Some(f)) = (full_day(debut), full_day(fin)) else {
            out.push(finding(
                Rule::FtIscPeriode,
                &format!("{path}/periode"),
                format!(
                    "ISC : periode du {} au {}, attendu deux dates réelles AAAAMMJJ",
                    debut.to_french(),
                    fin.to_french()
                ),
                format!("ISC: periode from {debut} to {fin}, two real AAAAMMJJ dates expected"),
            ));
            return None;
        };
        if let Some(last) = last_day(session_fin) {
            if d >= last {
                out.push(finding(
                    Rule::FtIscDebut,
                    &format!("{path}/periode/debut"),
                    format!("ISC : début des candidatures le {}, pas avant la fin de la session ({}) ; attendu strictement avant", fr_date(d), session_fin.to_french()),
                    format!("ISC: applications open on {d}, not before the session ends ({session_fin}); expected strictly before"),
                ));
            }
        }
        (d <= f).then_some((d, f))
    }

    fn rdv(
        &self,
        r: &RecrutementFacts,
        kind: Kind,
        session_fin: &Date,
        path: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let name = kind.name();
        places(r, kind, RDV_PLACES, Rule::FtRdvPlaces, path, out);
        // The date: one real day.
        let day = match &r.periode {
            None => {
                out.push(finding(
                    Rule::FtRdvDate,
                    path,
                    format!("{name} sans periode : attendu la date du rendez-vous (debut = fin)"),
                    format!(
                        "{name} without periode: the appointment date is expected (debut = fin)"
                    ),
                ));
                None
            }
            Some((debut, fin)) => match (full_day(debut), full_day(fin)) {
                (Some(d), Some(f)) if d == f => Some(d),
                _ => {
                    out.push(finding(
                        Rule::FtRdvDate,
                        &format!("{path}/periode"),
                        format!("{name} : periode du {} au {}, attendu un seul jour réel (debut = fin)", debut.to_french(), fin.to_french()),
                        format!("{name}: periode from {debut} to {fin}, one real day expected (debut = fin)"),
                    ));
                    None
                }
            },
        };
        let when = day.map(fr_date).unwrap_or_default();
        let label = if when.is_empty() {
            name.to_string()
        } else {
            format!("{name} du {when}")
        };
        let label_en = day.map_or(name.to_string(), |d| format!("{name} on {d}"));
        if let Some(d) = day {
            if d < self.today {
                out.push(finding(
                    Rule::FtRdvPasse,
                    &format!("{path}/periode/debut"),
                    format!("{label} : date passée (aujourd'hui : {}) ; attendu aujourd'hui ou plus tard", fr_date(self.today)),
                    format!("{label_en}: date in the past (today: {}); today or later expected", self.today),
                ));
            }
            if let Some(last) = last_day(session_fin) {
                if d > last {
                    out.push(finding(
                        Rule::FtRdvApresFin,
                        &format!("{path}/periode/debut"),
                        format!("{label} : après la fin de la session ({}) ; attendu au plus tard ce jour-là", session_fin.to_french()),
                        format!("{label_en}: after the session ends ({session_fin}); expected no later than that day"),
                    ));
                }
            }
        }
        // Hours.
        let parse = |h: &Option<String>| h.as_ref().map(|h| (h.clone(), h.parse::<Heure>()));
        match (parse(&r.heure_debut), parse(&r.heure_fin)) {
            (Some((_, Ok(start))), Some((_, Ok(end)))) => {
                let mut problems_fr = Vec::new();
                let mut problems_en = Vec::new();
                if start.minutes() < RDV_EARLIEST {
                    problems_fr.push(format!("heure de début {start} avant 7h00"));
                    problems_en.push(format!("start {start} before 7h00"));
                }
                if end.minutes() > RDV_LATEST {
                    problems_fr.push(format!("heure de fin {end} après 20h00"));
                    problems_en.push(format!("end {end} after 20h00"));
                }
                if end <= start {
                    problems_fr.push(format!("fin {end} pas après le début {start}"));
                    problems_en.push(format!("end {end} not after start {start}"));
                }
                if !problems_fr.is_empty() {
                    out.push(finding(
                        Rule::FtRdvPlage,
                        path,
                        format!("{label} : {}", problems_fr.join(", ")),
                        format!("{label_en}: {}", problems_en.join(", ")),
                    ));
                }
            }
            (debut, fin) => {
                let describe = |h: Option<(String, Result<Heure, _>)>, which: &str| match h {
                    None => Some((format!("{which} absente"), format!("{which} missing"))),
                    Some((raw, Err(_))) => Some((
                        format!("{which} « {raw} » mal écrite"),
                        format!("{which} \"{raw}\" malformed"),
                    )),
                    Some((_, Ok(_))) => None,
                };
                let parts: Vec<(String, String)> =
                    [describe(debut, "heure-debut"), describe(fin, "heure-fin")]
                        .into_iter()
                        .flatten()
                        .collect();
                out.push(finding(
                    Rule::FtRdvHeures,
                    path,
                    format!(
                        "{label} : {} ; attendu 14h15, 9h ou 12h",
                        parts
                            .iter()
                            .map(|p| p.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!(
                        "{label_en}: {}; expected 14h15, 9h or 12h",
                        parts
                            .iter()
                            .map(|p| p.1.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        // Address.
        if !r.adresse {
            let remote = r.a_distance == Some(Booleen::Oui);
            if remote {
                out.push(
                    finding(
                        Rule::FtRdvAdresse,
                        path,
                        format!("{label} à distance sans adresse : France Travail affichera l'adresse fictive « Lieu de formation à distance, 75000 Paris »"),
                        format!("remote {label_en} without address: France Travail will show the fictive address \"Lieu de formation à distance, 75000 Paris\""),
                    )
                    .with_severity(Severity::Info),
                );
            } else {
                out.push(finding(
                    Rule::FtRdvAdresse,
                    path,
                    format!("{label} sur place (a-distance ≠ 1) sans adresse : indiquez où se tient le rendez-vous"),
                    format!("on-site {label_en} (a-distance ≠ 1) without address: say where the appointment takes place"),
                ));
            }
        }
    }

    /// FT-ADR-* on every `adresse` below `root`.
    fn addresses(&self, root: &dyn Walk, out: &mut Vec<Diagnostic>) {
        struct Addresses<'o> {
            /// The path of the current node, and where each level starts in it.
            path: String,
            starts: Vec<usize>,
            out: &'o mut Vec<Diagnostic>,
        }
        impl Visitor for Addresses<'_> {
            fn enter(
                &mut self,
                name: &'static str,
                index: Option<usize>,
                value: Value<'_>,
            ) -> bool {
                self.starts.push(self.path.len());
                crate::check::push_segment(&mut self.path, name, index);
                match value.downcast::<Adresse>() {
                    Some(a) => {
                        check_adresse(&AdresseFacts::from(a), &self.path, self.out);
                        false
                    }
                    None => matches!(value, Value::Element(..)),
                }
            }

            fn leave(&mut self, _: &'static str) {
                if let Some(start) = self.starts.pop() {
                    self.path.truncate(start);
                }
            }
        }
        root.walk_children(&mut Addresses {
            path: String::new(),
            starts: Vec::new(),
            out,
        });
    }
}

fn places(
    r: &RecrutementFacts,
    kind: Kind,
    range: std::ops::RangeInclusive<i64>,
    rule: Rule,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    let name = kind.name();
    let (lo, hi) = (*range.start(), *range.end());
    match &r.nb_places {
        None => out.push(finding(
            rule,
            path,
            format!("{name} sans nb-places : attendu de {lo} à {hi}"),
            format!("{name} without nb-places: {lo} to {hi} expected"),
        )),
        Some(n) if !range.contains(n) => out.push(finding(
            rule,
            &format!("{path}/nb-places"),
            format!("{name} : nb-places {n} hors de {lo} à {hi}"),
            format!("{name}: nb-places {n} outside {lo} to {hi}"),
        )),
        Some(_) => {}
    }
}

fn check_adresse(a: &AdresseFacts, path: &str, out: &mut Vec<Diagnostic>) {
    if blank(&a.ligne) {
        out.push(finding(
            Rule::FtAdrLigne,
            &format!("{path}/ligne[1]"),
            "adresse : première ligne vide ; attendu le numéro et la voie".into(),
            "adresse: first ligne blank; street expected".into(),
        ));
    }
    if blank(&a.ville) {
        out.push(finding(
            Rule::FtAdrVille,
            &format!("{path}/ville"),
            "adresse : ville vide".into(),
            "adresse: ville blank".into(),
        ));
    }
    if !alphanumeric_code(&a.codepostal) {
        out.push(finding(
            Rule::FtAdrCodepostal,
            &format!("{path}/codepostal"),
            format!("adresse : codepostal « {} » ; attendu 5 caractères alphanumériques, différent de 00000", a.codepostal),
            format!("adresse: codepostal \"{}\"; 5 alphanumeric characters expected, not 00000", a.codepostal),
        ));
    }
    match &a.code_insee_commune {
        None => out.push(finding(Rule::FtAdrInsee, path, "adresse sans code-INSEE-commune : attendu le code INSEE de la commune".into(), "adresse without code-INSEE-commune: the town's INSEE code is expected".into())),
        Some(c) if !alphanumeric_code(c) => out.push(finding(
            Rule::FtAdrInsee,
            &format!("{path}/code-INSEE-commune"),
            format!("adresse : code-INSEE-commune « {c} » ; attendu 5 caractères alphanumériques, différent de 00000"),
            format!("adresse: code-INSEE-commune \"{c}\"; 5 alphanumeric characters expected, not 00000"),
        )),
        Some(_) => {}
    }
}

fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Field, Periode, Recrutement, Session};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default()
    }

    fn date(s: &str) -> Field<Date> {
        Field::new(s.parse().unwrap_or_default())
    }

    fn adresse() -> Adresse {
        Adresse {
            ligne: vec!["1 rue de la Gare".into()],
            codepostal: "67000".into(),
            ville: "Strasbourg".into(),
            code_insee_commune: Some("67482".into()),
            ..Adresse::default()
        }
    }

    fn rdv(
        numero: &str,
        modalite: ModaliteRecrutement,
        day: &str,
        start: &str,
        end: &str,
    ) -> Recrutement {
        Recrutement {
            attrs: crate::Attributes::with_numero(numero).into(),
            modalite_recrutement: modalite.into(),
            a_distance: Some(Booleen::Non.into()),
            adresse: Some(adresse()),
            nb_places: Some(10.into()),
            periode: Some(Periode {
                debut: date(day),
                fin: date(day),
                ..Periode::default()
            }),
            heure_debut: Some(start.into()),
            heure_fin: Some(end.into()),
            ..Recrutement::default()
        }
    }

    fn isc(numero: &str, debut: &str, fin: &str) -> Recrutement {
        Recrutement {
            attrs: crate::Attributes::with_numero(numero).into(),
            modalite_recrutement: ModaliteRecrutement::InscriptionSurCandidature.into(),
            nb_places: Some(10.into()),
            periode: Some(Periode {
                debut: date(debut),
                fin: date(fin),
                ..Periode::default()
            }),
            ..Recrutement::default()
        }
    }

    fn formation(recrutements: Vec<Recrutement>) -> Formation {
        let session = Session {
            periode: Periode {
                debut: date("20270301"),
                fin: date("20270630"),
                ..Periode::default()
            },
            adresse_inscription: crate::model::AdresseInscription {
                adresse: adresse(),
                ..Default::default()
            },
            etat_recrutement: Some(EtatRecrutement::Ouvert.into()),
            recrutement: recrutements,
            ..Session::default()
        };
        Formation {
            action: vec![Action {
                session: vec![session],
                ..Action::default()
            }],
            ..Formation::default()
        }
    }

    fn codes(recrutements: Vec<Recrutement>) -> Vec<&'static str> {
        let mut ft = FranceTravail::new(today());
        let mut out: Vec<&str> = ft
            .check_formation(&formation(recrutements))
            .iter()
            .map(|d| d.code())
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn a_good_rdvi_passes() {
        assert!(codes(vec![rdv(
            "R1",
            ModaliteRecrutement::EntretienRdvIndividuel,
            "20270110",
            "9h",
            "10h"
        )])
        .is_empty());
    }

    #[test]
    fn place_boundaries() {
        for (n, ok) in [(0, false), (1, true), (999, true), (1000, false)] {
            let mut r = isc("I1", "20270104", "20270131");
            r.nb_places = Some(n.into());
            assert_eq!(codes(vec![r]).is_empty(), ok, "ISC {n}");
        }
        for (n, ok) in [(0, false), (1, true), (299, true), (300, false)] {
            let mut r = rdv(
                "R1",
                ModaliteRecrutement::InformationCollective,
                "20270110",
                "9h",
                "10h",
            );
            r.nb_places = Some(n.into());
            assert_eq!(codes(vec![r]).is_empty(), ok, "ICO {n}");
        }
    }

    #[test]
    fn at_most_120_rdv_per_session() {
        let make = |n: usize| -> Vec<Recrutement> {
            (0..n)
                .map(|i| {
                    rdv(
                        &format!("R{i}"),
                        ModaliteRecrutement::EntretienRdvIndividuel,
                        "20270110",
                        "9h",
                        "10h",
                    )
                })
                .collect()
        };
        assert!(codes(make(120)).is_empty());
        assert_eq!(codes(make(121)), ["FT-RDV-MAX"]);
    }

    #[test]
    fn hour_boundaries() {
        let m = ModaliteRecrutement::EntretienRdvIndividuel;
        assert!(codes(vec![rdv("R1", m, "20270110", "7h00", "20h00")]).is_empty());
        assert_eq!(
            codes(vec![rdv("R1", m, "20270110", "6h59", "8h")]),
            ["FT-RDV-PLAGE"]
        );
        assert_eq!(
            codes(vec![rdv("R1", m, "20270110", "19h", "20h01")]),
            ["FT-RDV-PLAGE"]
        );
        assert_eq!(
            codes(vec![rdv("R1", m, "20270110", "10h", "10h")]),
            ["FT-RDV-PLAGE"]
        );
        // An unreadable hour is FT-RDV-HEURES, not also FT-RDV-PLAGE.
        assert_eq!(
            codes(vec![rdv("R1", m, "20270110", "6:30", "8h")]),
            ["FT-RDV-HEURES"]
        );
    }

    #[test]
    fn date_boundaries() {
        let m = ModaliteRecrutement::InformationCollective;
        assert!(
            codes(vec![rdv("R1", m, "20270104", "9h", "10h")]).is_empty(),
            "today is fine"
        );
        assert_eq!(
            codes(vec![rdv("R1", m, "20270103", "9h", "10h")]),
            ["FT-RDV-PASSE"]
        );
        assert!(
            codes(vec![rdv("R1", m, "20270630", "9h", "10h")]).is_empty(),
            "the session's last day is fine"
        );
        assert_eq!(
            codes(vec![rdv("R1", m, "20270701", "9h", "10h")]),
            ["FT-RDV-APRES-FIN"]
        );
        // A missing date is FT-RDV-DATE, not also FT-RDV-PASSE.
        let mut r = rdv("R1", m, "20270110", "9h", "10h");
        r.periode = None;
        assert_eq!(codes(vec![r]), ["FT-RDV-DATE"]);
    }

    #[test]
    fn isc_periods_touching_and_overlapping() {
        assert!(
            codes(vec![
                isc("I1", "20270104", "20270131"),
                isc("I2", "20270131", "20270228")
            ])
            .is_empty(),
            "touching"
        );
        assert_eq!(
            codes(vec![
                isc("I1", "20270104", "20270131"),
                isc("I2", "20270130", "20270228")
            ]),
            ["FT-ISC-CHEVAUCHEMENT"]
        );
        assert_eq!(
            codes(vec![isc("I1", "20270630", "20270705")]),
            ["FT-ISC-DEBUT"]
        );
        assert!(codes(vec![isc("I1", "20270629", "20270705")]).is_empty());
    }

    #[test]
    fn remote_rdv_without_address_is_info() {
        let mut r = rdv(
            "R1",
            ModaliteRecrutement::EntretienRdvIndividuel,
            "20270110",
            "9h",
            "10h",
        );
        r.adresse = None;
        r.a_distance = Some(Booleen::Oui.into());
        let mut ft = FranceTravail::new(today());
        let found = ft.check_formation(&formation(vec![r.clone()]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].code(), found[0].severity),
            ("FT-RDV-ADRESSE", Severity::Info)
        );
        r.a_distance = None;
        let found = FranceTravail::new(today()).check_formation(&formation(vec![r]));
        assert_eq!(
            (found[0].code(), found[0].severity),
            ("FT-RDV-ADRESSE", Severity::Warning)
        );
    }

    #[test]
    fn numeros_are_unique_across_formations() {
        let mut ft = FranceTravail::new(today());
        let r = rdv(
            "R1",
            ModaliteRecrutement::EntretienRdvIndividuel,
            "20270110",
            "9h",
            "10h",
        );
        assert!(ft.check_formation(&formation(vec![r.clone()])).is_empty());
        let again = ft.check_formation(&formation(vec![r]));
        assert_eq!(
            again.iter().map(|d| d.code()).collect::<Vec<_>>(),
            ["FT-REC-NUMERO"]
        );
        // The message names where the numero was first used, as it was written.
        let first = "formation / action[1]/session[1]/recrutement[1]";
        assert!(
            again[0]
                .message
                .en
                .contains(&format!("already used ({first})")),
            "{}",
            again[0].message.en
        );
    }
}
