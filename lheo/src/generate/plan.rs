//! Sessions and their recruitment, planned before they are written so that dates, hours and
//! places agree with each other, with the LHEO rules (a `periode` never ends before it
//! starts) and with the France Travail rules on modalities 7 (ISC), 8 (RDVI) and 9 (ICO).

use std::collections::VecDeque;

use chrono::{Datelike, NaiveDate, TimeDelta};

use super::codes::{Hour, Partial};
use super::data::Town;
use super::rng::Rng;

/// `date` moved by `days` (unchanged in the impossible case of an overflow).
pub(crate) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    TimeDelta::try_days(days)
        .and_then(|d| date.checked_add_signed(d))
        .unwrap_or(date)
}

/// The last day of the month of `date`.
pub(crate) fn month_end(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

/// The last day of the year of `date`.
pub(crate) fn year_end(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), 12, 31).unwrap_or(date)
}

/// One planned `recrutement`.
#[derive(Debug, Clone)]
pub(crate) struct RecPlan {
    /// Code of `dict-modalite-recrutement`.
    pub modalite: &'static str,
    /// `a-distance`, when written.
    pub a_distance: Option<bool>,
    /// Whether an `adresse` is written.
    pub adresse: bool,
    pub nb_places: Option<u32>,
    pub periode: Option<(NaiveDate, NaiveDate)>,
    pub heures: Option<(Hour, Hour)>,
    /// A link is written (`urlweb`): video call or online application.
    pub lien: bool,
}

impl RecPlan {
    fn documentary(modalite: &'static str) -> Self {
        RecPlan {
            modalite,
            a_distance: None,
            adresse: false,
            nb_places: None,
            periode: None,
            heures: None,
            lien: false,
        }
    }

    /// `true` for the modalities France Travail handles online (7, 8, 9).
    pub(crate) fn is_france_travail(&self) -> bool {
        matches!(self.modalite, "7" | "8" | "9")
    }
}

/// One planned `session`.
#[derive(Debug, Clone)]
pub(crate) struct SessionPlan {
    pub numero: String,
    pub town: &'static Town,
    pub debut: NaiveDate,
    pub fin: NaiveDate,
    pub debut_precision: Partial,
    /// `periode-inscription`.
    pub inscription: (NaiveDate, NaiveDate),
    /// `recrutement` elements still to write, in order.
    pub recs: VecDeque<RecPlan>,
    /// Number of `recrutement` elements planned.
    pub n_recs: u32,
    /// Number of `recrutement` elements written so far.
    pub written: u32,
    /// The session offers an online application (7/8/9): `etat-recrutement` is 1.
    pub ouvert: bool,
}

/// Plans a session starting around `today`. With `france_travail`, the session always offers
/// at least one of the modalities 7, 8, 9 and every rule France Travail applies holds.
pub(crate) fn plan_session(
    rng: &mut Rng,
    today: NaiveDate,
    france_travail: bool,
    numero: String,
    town: &'static Town,
) -> SessionPlan {
    let debut = add_days(today, rng.range(-60, 240));
    let mut fin = add_days(debut, rng.range(20, 300));
    let min_fin = add_days(today, 45);
    if fin < min_fin {
        fin = add_days(min_fin, rng.range(0, 90));
    }
    let debut_precision = if month_end(debut) < fin && rng.percent(12) {
        Partial::Month
    } else {
        Partial::Day
    };
    let insc_debut = add_days(debut, -rng.range(60, 120));
    let insc_fin = add_days(debut, -rng.range(1, 10)).max(insc_debut);

    let mut recs = VecDeque::new();
    if france_travail || rng.percent(70) {
        let (n_isc, n_ico, n_rdv) = match rng.below(10) {
            0..=3 => (rng.between(1, 2), 0, 0),
            4..=6 => (rng.between(0, 1), rng.between(1, 3), 0),
            7..=8 => (0, 0, rng.between(1, 2)),
            _ => (1, rng.between(1, 2), 1),
        };
        plan_isc(rng, debut, fin, n_isc, &mut recs);
        for i in 0..n_ico + n_rdv {
            if let Some(r) = plan_rdv(rng, today, debut, fin, i < n_ico) {
                recs.push_back(r);
            }
        }
        if france_travail && !recs.iter().any(RecPlan::is_france_travail) {
            plan_isc(rng, debut, fin, 1, &mut recs);
        }
    }
    if rng.percent(20) {
        let m = rng.pick(&["2", "3", "4", "5", "6"], "3");
        recs.push_back(RecPlan::documentary(m));
    }
    let ouvert = recs.iter().any(RecPlan::is_france_travail);
    SessionPlan {
        numero,
        town,
        debut,
        fin,
        debut_precision,
        inscription: (insc_debut, insc_fin),
        n_recs: recs.len() as u32,
        recs,
        written: 0,
        ouvert,
    }
}

impl SessionPlan {
    /// Makes sure the session has an on-site appointment (RDVI or ICO) that says whether it is
    /// remote: the elements only such a recruitment carries then appear in the feed.
    pub(crate) fn with_appointment(&mut self, rng: &mut Rng, today: NaiveDate) {
        let has = self
            .recs
            .iter()
            .any(|r| r.heures.is_some() && r.a_distance.is_some() && r.adresse);
        if has {
            return;
        }
        if let Some(mut r) = plan_rdv(rng, today, self.debut, self.fin, true) {
            r.a_distance = Some(false);
            r.adresse = true;
            r.lien = false;
            self.recs.push_back(r);
            self.n_recs += 1;
            self.ouvert = true;
        }
    }
}

/// ISC: real, non-overlapping application windows, each starting strictly before the
/// session's end (and ending by then).
fn plan_isc(rng: &mut Rng, debut: NaiveDate, fin: NaiveDate, n: u32, recs: &mut VecDeque<RecPlan>) {
    let last = add_days(fin, -1);
    let mut start = add_days(debut, -rng.range(45, 120));
    for _ in 0..n {
        if start > last {
            break;
        }
        let end = add_days(start, rng.range(14, 40)).min(last);
        let big = rng.percent(5);
        recs.push_back(RecPlan {
            modalite: "7",
            a_distance: rng.percent(40).then(|| rng.percent(30)),
            adresse: rng.percent(35),
            nb_places: Some(if big {
                rng.between(100, 999)
            } else {
                rng.between(8, 24)
            }),
            periode: Some((start, end)),
            heures: None,
            lien: rng.percent(50),
        });
        start = add_days(end, rng.range(1, 10));
    }
}

/// RDVI (8) or ICO (9): one day between today and the session's end, within 7h–20h, with an
/// address unless it is remote.
fn plan_rdv(
    rng: &mut Rng,
    today: NaiveDate,
    debut: NaiveDate,
    fin: NaiveDate,
    ico: bool,
) -> Option<RecPlan> {
    let lo = add_days(today, 7);
    let before_start = add_days(debut, -1);
    let hi = if before_start >= lo {
        before_start
    } else {
        fin
    };
    if hi < lo {
        return None;
    }
    let span = (hi - lo).num_days().min(90);
    let day = add_days(lo, rng.range(0, span));
    let (start, length) = if ico {
        (
            Hour::hm(rng.between(8, 15), 15 * rng.between(0, 3)),
            30 * rng.between(4, 6),
        )
    } else {
        (
            Hour::hm(rng.between(8, 17), 15 * rng.between(0, 3)),
            15 * rng.between(2, 4),
        )
    };
    let end = Hour {
        minutes: (start.minutes + length).min(20 * 60),
    };
    let remote = rng.percent(if ico { 25 } else { 10 });
    Some(RecPlan {
        modalite: if ico { "9" } else { "8" },
        a_distance: if remote {
            Some(true)
        } else {
            rng.percent(60).then_some(false)
        },
        adresse: !remote,
        nb_places: Some(if ico {
            rng.between(8, 30)
        } else {
            rng.between(1, 2)
        }),
        periode: Some((day, day)),
        heures: Some((start, end)),
        lien: remote,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::data::TOWNS;

    #[test]
    fn france_travail_plans_hold_the_rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut rng = Rng::new(3);
        for i in 0..2000 {
            let s = plan_session(&mut rng, today, true, format!("S{i}"), &TOWNS[0]);
            assert!(s.debut <= s.fin);
            assert!(s.ouvert && s.recs.iter().any(RecPlan::is_france_travail));
            let mut isc: Vec<_> = Vec::new();
            for r in &s.recs {
                match r.modalite {
                    "7" => {
                        let (a, b) = r.periode.unwrap();
                        assert!(a <= b && a < s.fin && b <= s.fin);
                        assert!((1..=999).contains(&r.nb_places.unwrap()));
                        isc.push((a, b));
                    }
                    "8" | "9" => {
                        let (a, b) = r.periode.unwrap();
                        assert_eq!(a, b);
                        assert!(a >= today && a <= s.fin);
                        assert!((1..=299).contains(&r.nb_places.unwrap()));
                        let (h1, h2) = r.heures.unwrap();
                        assert!(h1 >= Hour::hm(7, 0) && h2 <= Hour::hm(20, 0) && h1 < h2);
                        assert!(r.adresse || r.a_distance == Some(true));
                    }
                    _ => {}
                }
            }
            isc.sort();
            for w in isc.windows(2) {
                assert!(w[0].1 < w[1].0, "overlap in {}", s.numero);
            }
        }
    }

    #[test]
    fn month_and_year_ends() {
        let d = NaiveDate::from_ymd_opt(2028, 2, 10).unwrap();
        assert_eq!(month_end(d), NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
        let d = NaiveDate::from_ymd_opt(2027, 12, 10).unwrap();
        assert_eq!(month_end(d), NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
        assert_eq!(year_end(d), month_end(d));
    }
}
