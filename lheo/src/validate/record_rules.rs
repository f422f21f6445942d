//! The rules a profile runs on each captured record, after the structural checker: France
//! Travail, Carif-Oref, Parcoursup. One engine per file (or per piece of a file read on a
//! worker thread, in deferred mode: its cross-record findings are placeholders the engine of
//! the whole file resolves in document order).

use chrono::NaiveDate;

use super::ValidateOptions;
use crate::diagnostic::Diagnostic;
use crate::reader::log::RecordLog;
use crate::rules::carif::{Carif, DoublonEntry, READS as CARIF_READS};
use crate::rules::france_travail::{FranceTravail, READS as FT_READS};
use crate::rules::parcoursup::Parcoursup;
use crate::rules::Profile;
use crate::schema::ElementSet;

/// The record rules of a profile.
#[derive(Debug, Clone)]
pub(super) enum RecordRules {
    FranceTravail(FranceTravail),
    Carif(Carif),
    Parcoursup(Parcoursup),
}

/// The placeholders a deferred engine found, in order, to resolve.
#[derive(Debug, Default)]
pub(super) enum Pending {
    #[default]
    None,
    FranceTravail(std::vec::IntoIter<(String, String, &'static str)>),
    Carif(std::vec::IntoIter<DoublonEntry>),
}

impl RecordRules {
    /// What a capture of each record needs to keep for `profile`'s record rules (`None`: the
    /// profile has none).
    pub fn reads(profile: Profile) -> Option<&'static ElementSet> {
        match profile {
            Profile::FranceTravail => Some(&FT_READS),
            Profile::Carif | Profile::Parcoursup => Some(&CARIF_READS),
            Profile::Xsd | Profile::Lheo => None,
        }
    }

    /// The engine for `profile` with `options`' dates (`deferred`: for part of a file).
    pub fn new(profile: Profile, options: &ValidateOptions, deferred: bool) -> Option<Self> {
        Self::with_dates(profile, options.today(), options.rentree, deferred)
    }

    /// The engine for `profile`, "today" being `today`.
    pub fn with_dates(
        profile: Profile,
        today: NaiveDate,
        rentree: Option<i32>,
        deferred: bool,
    ) -> Option<Self> {
        Some(match (profile, deferred) {
            (Profile::FranceTravail, false) => Self::FranceTravail(FranceTravail::new(today)),
            (Profile::FranceTravail, true) => Self::FranceTravail(FranceTravail::deferred(today)),
            (Profile::Carif, false) => Self::Carif(Carif::new(today)),
            (Profile::Carif, true) => Self::Carif(Carif::deferred(today)),
            (Profile::Parcoursup, false) => Self::Parcoursup(Parcoursup::new(today, rentree)),
            (Profile::Parcoursup, true) => Self::Parcoursup(Parcoursup::deferred(today, rentree)),
            (Profile::Xsd | Profile::Lheo, _) => return None,
        })
    }

    /// Checks a captured record.
    pub fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        match self {
            Self::FranceTravail(r) => r.check_captured(log),
            Self::Carif(r) => r.check_captured(log),
            Self::Parcoursup(r) => r.check_captured(log),
        }
    }

    /// Whether a finding is a placeholder of deferred mode.
    pub fn is_placeholder(d: &Diagnostic) -> bool {
        FranceTravail::is_placeholder(d) || Carif::is_placeholder(d)
    }

    /// Deferred mode: the placeholders found so far, in order.
    pub fn take_placeholders(&mut self) -> Pending {
        match self {
            Self::FranceTravail(r) => Pending::FranceTravail(r.take_placeholders().into_iter()),
            Self::Carif(r) => Pending::Carif(r.take_placeholders().into_iter()),
            Self::Parcoursup(r) => Pending::Carif(r.take_placeholders().into_iter()),
        }
    }

    /// Resolves a placeholder with the next of `pending`, in document order.
    pub fn resolve(&mut self, d: Diagnostic, pending: &mut Pending) -> Option<Diagnostic> {
        match (self, pending) {
            (Self::FranceTravail(r), Pending::FranceTravail(p)) => {
                r.resolve_placeholder(d, p.next()?)
            }
            (Self::Carif(r), Pending::Carif(p)) => r.resolve_placeholder(d, p.next()?),
            (Self::Parcoursup(r), Pending::Carif(p)) => r.resolve_placeholder(d, p.next()?),
            _ => None,
        }
    }
}
