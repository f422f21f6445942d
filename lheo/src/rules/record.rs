//! Rule sets that read whole records: the hook [`crate::validate`] runs them through.
//!
//! The reader captures each record (`formation`, `resume-offre`, …) as a compact log of its
//! events ([`RecordLog`]), projected on the elements the rule sets read; validation hands the
//! captures to the profile's rule sets ([`record_rules`]) in document order, on a thread of
//! their own or, for a document read in parts on worker threads, on the worker that read the
//! record. A rule set implements [`RecordRules`]:
//!
//! - [`RecordRules::reads`]: the elements whose attributes and text it reads (the capture
//!   keeps only those, plus the element-only ones that lead to them);
//! - [`RecordRules::check`]: the findings of one record;
//! - cross-record rules (a value unique in the file): a rule set checking part of a document
//!   ([`Scope::Part`]) cannot tell a duplicate, so it gives a [`Finding::Unique`]; the rule set
//!   that sees the whole document decides it in document order ([`RecordRules::resolve`]);
//! - [`RecordRules::finish`]: findings only the end of the document can tell.
//!
//! **Adding a rule set** (a profile's, or the referentials'): implement [`RecordRules`] for
//! it, and push it in [`record_rules`] when the profile or the [`Context`] asks for it. Its
//! rules go in the [catalogue](crate::diagnostic::catalogue).

use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Profile};
use crate::reader::log::RecordLog;
use crate::referentiels::{Coverage, RefChecker, Referentiels};
use crate::schema::ElementSet;

/// What the rule sets may depend on besides the document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub(crate) struct Context {
    /// "Today", for date rules.
    pub today: NaiveDate,
    /// The rentrée the `parcoursup` profile checks (`None`: the first 1 August on or after
    /// `today`).
    pub rentree: Option<i32>,
    /// Test hook: a rule set that panics on the first record is added to every list.
    pub panic: bool,
    /// The referentials codes are checked against (the `REF-*` rules, with any profile).
    pub referentiels: Option<Arc<Referentiels>>,
}

impl Context {
    /// The context of a validation on `today`, without referentials.
    pub fn new(today: NaiveDate) -> Self {
        Context {
            today,
            rentree: None,
            panic: false,
            referentiels: None,
        }
    }

    /// The same context, with `referentiels` (none when `None` or empty).
    pub fn with_referentiels(mut self, referentiels: Option<Arc<Referentiels>>) -> Self {
        self.referentiels = referentiels.filter(|r| !r.is_empty());
        self
    }
}

/// Whether a rule set sees every record of the document, or part of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every record, in document order: cross-record rules are decided on the spot.
    Whole,
    /// The records of one part of the document (read on a worker thread): cross-record
    /// findings are [`Finding::Unique`], for the whole-document rule set to decide.
    Part,
}

/// A value that must be unique in the document, met by a rule set of [`Scope::Part`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unique {
    /// The value.
    pub value: String,
    /// How to name where it is, in the finding of a later duplicate.
    pub place: String,
    /// What it identifies (for the message), e.g. `ISC`.
    pub what: &'static str,
}

/// A finding of a record rule set.
#[derive(Debug, Clone)]
pub(crate) enum Finding {
    /// A finding as it is.
    Final(Diagnostic),
    /// A finding if the value was met before in the document (its message is written by
    /// [`RecordRules::resolve`]); nothing otherwise.
    Unique(Diagnostic, Unique),
}

/// A set of rules on whole records. See the [module documentation](self).
pub(crate) trait RecordRules: Send {
    /// The elements whose attributes and text the rules read (`None`: the whole record).
    fn reads(&self) -> Option<ElementSet>;

    /// Checks one captured record: findings with absolute paths and positions, in order.
    fn check(&mut self, record: &RecordLog, out: &mut Vec<Finding>);

    /// Decides a [`Finding::Unique`] of a rule set of [`Scope::Part`], in document order: the
    /// finding when the value was met before, `None` otherwise (the value is now met).
    fn resolve(&mut self, finding: Diagnostic, unique: Unique) -> Option<Diagnostic>;

    /// The end of the document: findings only the whole document tells.
    fn finish(&mut self, _out: &mut Vec<Diagnostic>) {}
}

/// The record rule sets `profile` runs, for `scope`.
pub(crate) fn record_rules(
    profile: Profile,
    context: &Context,
    scope: Scope,
) -> Vec<Box<dyn RecordRules>> {
    let mut sets: Vec<Box<dyn RecordRules>> = Vec::new();
    if profile.includes(Profile::FranceTravail) {
        sets.push(Box::new(super::france_travail::FranceTravail::for_scope(
            context.today,
            scope,
        )));
    }
    if profile.includes(Profile::Parcoursup) {
        sets.push(Box::new(super::parcoursup::Parcoursup::for_scope(
            context.today,
            context.rentree,
            scope,
        )));
    } else if profile.includes(Profile::Carif) {
        sets.push(Box::new(super::carif::Carif::for_scope(
            context.today,
            scope,
        )));
    }
    if let Some(refs) = &context.referentiels {
        sets.push(Box::new(
            RefChecker::shared(refs.clone()).with_coverage(Coverage::for_profile(profile)),
        ));
    }
    if context.panic {
        sets.push(Box::new(Panicking));
    }
    sets
}

/// Test hook: a rule set that panics (see `ValidateOptions::inject_panic`).
struct Panicking;

impl RecordRules for Panicking {
    fn reads(&self) -> Option<ElementSet> {
        Some(ElementSet::new(&[]))
    }

    #[allow(clippy::panic)]
    fn check(&mut self, record: &RecordLog, _out: &mut Vec<Finding>) {
        panic!("panique injectée (test) sur {}", record.path);
    }

    fn resolve(&mut self, _finding: Diagnostic, _unique: Unique) -> Option<Diagnostic> {
        None
    }
}

/// The message of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panique".to_owned()
    }
}

/// Runs `set` on `record` (checking it, and with `resolve`, deciding its
/// [`Finding::Unique`]s on the spot), catching a panic: its message.
pub(crate) fn check_caught(
    set: &mut dyn RecordRules,
    record: &RecordLog,
    out: &mut Vec<Finding>,
) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| set.check(record, out)))
        .map_err(|p| panic_message(p.as_ref()))
}

/// [`RecordRules::resolve`], catching a panic: its message.
pub(crate) fn resolve_caught(
    set: &mut dyn RecordRules,
    finding: Diagnostic,
    unique: Unique,
) -> Result<Option<Diagnostic>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        set.resolve(finding, unique)
    }))
    .map_err(|p| panic_message(p.as_ref()))
}

/// What the captures must keep for `sets`: `None` for whole records, or the union of what
/// they read.
pub(crate) fn capture_of(sets: &[Box<dyn RecordRules>]) -> Option<ElementSet> {
    let mut union = ElementSet::new(&[]);
    for set in sets {
        union = union.union(&set.reads()?);
    }
    Some(union)
}
