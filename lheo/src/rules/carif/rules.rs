//! The CARIF rules on the facts of one formation (CARIF-DOUBLON, across formations, is in
//! [`super::doublon`]).

use chrono::{Months, NaiveDate};

use super::facts::{FormationFacts, Loc, CAPITALS};
use super::text;
use crate::diagnostic::{Rule, Severity};
use crate::model::{Date, ModalitesEntreesSorties, Precision, TypeValidationBlocs};
use crate::schema;

/// A finding about the element at `loc`, before it gets its path and position.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub code: Rule,
    pub loc: Loc,
    /// A severity other than the catalogue's.
    pub severity: Option<Severity>,
    pub fr: String,
    pub en: String,
}

pub(crate) fn finding(code: Rule, loc: Loc, fr: String, en: String) -> Finding {
    Finding {
        code,
        loc,
        severity: None,
        fr,
        en,
    }
}

/// Below this many hours in total, an action's sessions are short (OFeli Normandie).
pub(crate) const SHORT_HOURS: i64 = 35;
/// `duree-cycle` of an apprenticeship action, in years.
pub(crate) const CYCLE_YEARS: std::ops::RangeInclusive<i64> = 1..=5;

pub(crate) fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A full, real calendar day.
pub(crate) fn full_day(d: &Date) -> Option<NaiveDate> {
    (d.precision() == Precision::Day)
        .then(|| d.to_naive())
        .flatten()
}

fn name(e: crate::schema::ElementId) -> &'static str {
    schema::element(e).name
}

/// Runs every per-formation CARIF rule.
pub(crate) fn check(f: &FormationFacts, today: NaiveDate, out: &mut Vec<Finding>) {
    texts(f, out);
    for action in &f.actions {
        hours(action, out);
        incomplete(action, out);
    }
    sessions(f, out);
    archiving(f, today, out);
    apprenticeship(f, out);
}

/// CARIF-MAJUSCULES, CARIF-CARACTERES.
fn texts(f: &FormationFacts, out: &mut Vec<Finding>) {
    for t in &f.texts {
        let s = f.str(&t.text);
        let element = name(t.element);
        if CAPITALS.contains(&t.element) && text::in_capitals(s) {
            let (n, up) = text::letters(s);
            let percent = up * 100 / n.max(1);
            out.push(finding(
                Rule::CarifMajuscules,
                t.loc,
                format!("{element} écrit en majuscules ({up} lettres sur {n} en capitales, {percent} %) : attendu en minuscules accentuées, une majuscule en début de phrase"),
                format!("{element} written in capitals ({up} of {n} letters upper case, {percent} %): lower case with accents expected, a capital at the start of sentences"),
            ));
        }
        let (count, kinds) = text::debris(s);
        if count > 0 {
            let fr: Vec<String> = kinds
                .iter()
                .map(|(k, shown)| format!("{} « {shown} »", k.fr()))
                .collect();
            let en: Vec<String> = kinds
                .iter()
                .map(|(k, shown)| format!("{} \"{shown}\"", k.en()))
                .collect();
            out.push(finding(
                Rule::CarifCaracteres,
                t.loc,
                format!("{element} : {count} caractère(s) ou balise(s) parasite(s), dont {} ; attendu du texte brut, sans balises HTML ni caractères spéciaux", fr.join(", ")),
                format!("{element}: {count} stray character(s) or tag(s), among them {}; plain text expected, without HTML tags or special characters", en.join(", ")),
            ));
        }
    }
}

/// CARIF-HEURES-ZERO, CARIF-HEURES-TOTAL.
fn hours(a: &super::facts::ActionFacts, out: &mut Vec<Finding>) {
    for (field, e) in [
        (&a.heures_centre, "nombre-heures-centre"),
        (&a.heures_entreprise, "nombre-heures-entreprise"),
        (&a.heures_total, "nombre-heures-total"),
    ] {
        if let Some((loc, 0)) = field {
            out.push(finding(
                Rule::CarifHeuresZero,
                *loc,
                format!("{e} vaut 0 : ne pas mettre zéro, laisser l'élément absent quand il n'y a pas d'heures"),
                format!("{e} is 0: leave the element out when there are no hours instead of 0"),
            ));
        }
    }
    let given = |h: &Option<(Loc, i64)>| h.map(|(_, n)| n).filter(|&n| n > 0);
    let (centre, entreprise) = (given(&a.heures_centre), given(&a.heures_entreprise));
    if centre.is_none() && entreprise.is_none() {
        return;
    }
    let sum = centre.unwrap_or(0) + entreprise.unwrap_or(0);
    let parts_fr = match (centre, entreprise) {
        (Some(c), Some(e)) => format!("{c} h en centre et {e} h en entreprise"),
        (Some(c), None) => format!("{c} h en centre"),
        (None, Some(e)) => format!("{e} h en entreprise"),
        (None, None) => String::new(),
    };
    let parts_en = match (centre, entreprise) {
        (Some(c), Some(e)) => format!("{c} h in centre and {e} h in company"),
        (Some(c), None) => format!("{c} h in centre"),
        (None, Some(e)) => format!("{e} h in company"),
        (None, None) => String::new(),
    };
    match a.heures_total {
        None => out.push(finding(
            Rule::CarifHeuresTotal,
            a.loc,
            format!("action sans nombre-heures-total alors qu'elle indique {parts_fr} : attendu le total, {sum} h au moins"),
            format!("action without nombre-heures-total while it gives {parts_en}: the total, at least {sum} h, is expected"),
        )),
        Some((loc, t)) if t > 0 && t < sum => out.push(finding(
            Rule::CarifHeuresTotal,
            loc,
            format!("nombre-heures-total {t} h, moins que {parts_fr} : attendu {sum} h au moins"),
            format!("nombre-heures-total {t} h, less than {parts_en}: at least {sum} h expected"),
        )),
        Some(_) => {}
    }
}

/// CARIF-ACTION-INCOMPLETE.
fn incomplete(a: &super::facts::ActionFacts, out: &mut Vec<Finding>) {
    let hours_given = [&a.heures_centre, &a.heures_entreprise]
        .iter()
        .any(|h| h.is_some_and(|(_, n)| n > 0));
    // Hours given without a total are CARIF-HEURES-TOTAL's.
    let no_total = a.heures_total.is_none() && !hours_given;
    // Training entirely remote (modalites-enseignement 2) takes place nowhere.
    let no_place = a.lieux == 0 && !a.a_distance;
    let (fr, en) = match (no_total, no_place) {
        (true, true) => (
            "nombre-heures-total ni lieu-de-formation",
            "neither nombre-heures-total nor lieu-de-formation",
        ),
        (true, false) => ("nombre-heures-total", "no nombre-heures-total"),
        (false, true) => ("lieu-de-formation", "no lieu-de-formation"),
        (false, false) => return,
    };
    out.push(finding(
        Rule::CarifActionIncomplete,
        a.loc,
        format!("action sans {fr} : la durée et les lieux sont attendus avant qu'une session reçoive son numéro Carif"),
        format!("action with {en}: durations and places are expected before a session gets its Carif number"),
    ));
}

/// Whether a session of permanent entries covers one calendar year: from 01/01 or 02/01 to
/// 30/12 or 31/12 of that year, or up to 31/03 of the next.
pub(crate) fn is_annual(debut: NaiveDate, fin: NaiveDate) -> bool {
    use chrono::Datelike;
    let y = debut.year();
    let starts = debut.month() == 1 && (debut.day() == 1 || debut.day() == 2);
    let earliest_end = NaiveDate::from_ymd_opt(y, 12, 30);
    let latest_end = NaiveDate::from_ymd_opt(y + 1, 3, 31);
    starts && earliest_end.is_some_and(|e| fin >= e) && latest_end.is_some_and(|l| fin <= l)
}

/// CARIF-SESSION-ANNUELLE and CARIF-SESSIONS-COURTES, in one pass over the sessions.
fn sessions(f: &FormationFacts, out: &mut Vec<Finding>) {
    let mut counts = vec![0usize; f.actions.len()];
    for s in &f.sessions {
        let Some(action) = f.actions.get(s.action as usize) else {
            continue;
        };
        if let Some(n) = counts.get_mut(s.action as usize) {
            *n += 1;
        }
        if action.entrees_sorties != ModalitesEntreesSorties::Permanentes {
            continue;
        }
        let (Some(d), Some(e)) = (full_day(&s.debut), full_day(&s.fin)) else {
            continue;
        };
        if !is_annual(d, e) {
            out.push(finding(
                Rule::CarifSessionAnnuelle,
                s.periode,
                format!("session à entrées/sorties permanentes du {} au {} : attendu une session annuelle, du 01/01 (ou 02/01) au 31/12 (ou 30/12) d'une même année, ou jusqu'au 31/03 de l'année suivante", fr_date(d), fr_date(e)),
                format!("session with permanent entries from {d} to {e}: one annual session expected, from 01/01 (or 02/01) to 31/12 (or 30/12) of one year, or up to 31/03 of the next"),
            ));
        }
    }
    for (action, sessions) in f.actions.iter().zip(counts) {
        let Some((_, total)) = action.heures_total else {
            continue;
        };
        if action.entrees_sorties == ModalitesEntreesSorties::DatesFixes
            && total > 0
            && total < SHORT_HOURS
            && sessions >= 2
        {
            out.push(finding(
                Rule::CarifSessionsCourtes,
                action.loc,
                format!("action de {total} h (moins de {SHORT_HOURS} h) en {sessions} sessions à dates fixes : attendu une session unique annuelle (du 01/01 au 31/12) à entrées/sorties permanentes"),
                format!("action of {total} h (under {SHORT_HOURS} h) in {sessions} fixed-date sessions: one annual session (01/01 to 31/12) with permanent entries expected"),
            ));
        }
    }
}

/// CARIF-ARCHIVAGE: the day the base archives the formation, a month after its last session
/// ends (`None` when a session's end is unknown).
pub(crate) fn archiving_day(f: &FormationFacts) -> Option<(NaiveDate, NaiveDate)> {
    let mut last: Option<NaiveDate> = None;
    for s in &f.sessions {
        let (_, end) = s.fin.span()?;
        last = Some(last.map_or(end, |l| l.max(end)));
    }
    let last = last?;
    Some((last, last.checked_add_months(Months::new(1))?))
}

fn archiving(f: &FormationFacts, today: NaiveDate, out: &mut Vec<Finding>) {
    let Some((last, day)) = archiving_day(f) else {
        return;
    };
    if today > day {
        out.push(finding(
            Rule::CarifArchivage,
            f.loc,
            format!("toutes les sessions sont terminées, la dernière le {} : la base archive la formation un mois après, le {}, et ne la publie plus (aujourd'hui : {}) ; attendu au moins une session à venir", fr_date(last), fr_date(day), fr_date(today)),
            format!("every session has ended, the last one on {last}: the base archives the formation a month later, on {day}, and no longer publishes it (today: {today}); at least one upcoming session expected"),
        ));
    } else if today
        .checked_add_months(Months::new(1))
        .is_some_and(|limit| day <= limit)
    {
        out.push(Finding {
            severity: Some(Severity::Info),
            ..finding(
                Rule::CarifArchivage,
                f.loc,
                format!("la dernière session se termine le {} : la base archivera la formation le {} ; ajoutez les sessions à venir pour qu'elle reste publiée", fr_date(last), fr_date(day)),
                format!("the last session ends on {last}: the base will archive the formation on {day}; add the upcoming sessions to keep it published"),
            )
        });
    }
}

/// CARIF-APPRENTISSAGE-*.
fn apprenticeship(f: &FormationFacts, out: &mut Vec<Finding>) {
    if !f.is_apprenticeship() {
        return;
    }
    // One certification.
    let certified: Vec<&super::facts::CertificationFacts> = f
        .certifications
        .iter()
        .filter(|c| f.codes(c).next().is_some())
        .collect();
    match certified.as_slice() {
        [] => out.push(finding(
            Rule::CarifApprentissageCertification,
            f.loc,
            "formation en apprentissage sans certification (code RNCP, RS ou Certif Info) : attendu une certification, une seule".into(),
            "apprenticeship formation without a certification (RNCP, RS or Certif Info code): one certification, only one, expected".into(),
        )),
        [_] => {}
        [_, second, ..] => out.push(finding(
            Rule::CarifApprentissageCertification,
            second.loc,
            format!("formation en apprentissage avec {} certifications : attendu une seule (créer une formation par certification, ex. une par option du diplôme)", certified.len()),
            format!("apprenticeship formation with {} certifications: only one expected (one formation per certification, e.g. one per option of the diploma)", certified.len()),
        )),
    }
    let flags = f.apprenticeship();
    // Duration of the cycle, per apprenticeship action: the valid ones, for the years.
    let mut durations: Vec<Option<i64>> = vec![None; f.actions.len()];
    for (a, action) in f.actions.iter().enumerate() {
        if !flags.action(a as u32) {
            continue;
        }
        match action.duree_cycle {
            None => out.push(finding(
                Rule::CarifApprentissageDureeCycle,
                action.loc,
                "action en apprentissage sans duree-cycle : attendu la durée du cycle en années, de 1 à 5".into(),
                "apprenticeship action without duree-cycle: the cycle's length in years, 1 to 5, expected".into(),
            )),
            Some((loc, d)) if !CYCLE_YEARS.contains(&d) => out.push(finding(
                Rule::CarifApprentissageDureeCycle,
                loc,
                format!("duree-cycle {d} : attendu de 1 à 5 ans"),
                format!("duree-cycle {d}: 1 to 5 years expected"),
            )),
            Some((_, d)) => {
                if let Some(slot) = durations.get_mut(a) {
                    *slot = Some(d);
                }
            }
        }
    }
    // Years of the apprenticeship cycles (the facts list years in cycle order).
    let mut years = f.annees.iter().peekable();
    for (c, cycle) in f.cycles.iter().enumerate() {
        let c = c as u32;
        let mut own = Vec::new();
        while let Some(y) = years.next_if(|y| y.cycle <= c) {
            if y.cycle == c {
                own.push(y);
            }
        }
        if !FormationFacts::is_apprenticeship_cycle(cycle) {
            continue;
        }
        if own.is_empty() {
            out.push(finding(
                Rule::CarifApprentissageAnnee,
                cycle.loc,
                "cycle en apprentissage sans annee-cycle : attendu l'année (ou les années) du cycle accessible(s) en apprentissage".into(),
                "apprenticeship cycle without annee-cycle: the year(s) of the cycle open to apprenticeship expected".into(),
            ));
        }
        let duree = f
            .sessions
            .get(cycle.session as usize)
            .and_then(|s| durations.get(s.action as usize).copied().flatten());
        if let Some(d) = duree {
            for y in own.into_iter().filter(|y| y.value > d) {
                out.push(finding(
                    Rule::CarifApprentissageAnnee,
                    y.loc,
                    format!("annee-cycle {} au-delà de la durée du cycle de l'action ({d} an(s)) : attendu de 1 à {d}", y.value),
                    format!("annee-cycle {} beyond the action's cycle length ({d} year(s)): 1 to {d} expected", y.value),
                ));
            }
        }
    }
    // Competence blocks of the apprenticeship sessions.
    for b in f.blocs.iter().filter(|b| flags.session(b.session)) {
        if b.validation != TypeValidationBlocs::Totale {
            let code = crate::model::Dictionary::code(b.validation);
            let label = crate::model::Dictionary::label(b.validation);
            out.push(finding(
                Rule::CarifApprentissageBlocs,
                b.loc,
                format!("session en apprentissage avec une validation des blocs de compétences {code} ({label}) : attendu 1, validation totale"),
                format!("apprenticeship session with competence-block validation {code}: 1, total validation, expected"),
            ));
        }
    }
}
