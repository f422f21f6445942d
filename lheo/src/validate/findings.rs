//! What validation and conversion share: how the reader is set up, and the findings of the
//! record rule sets, kept within one budget in document order.

use super::{in_rules, internal_error};
use crate::check::{Checker, DiagnosticBudget};
use crate::diagnostic::{Counts, Diagnostic, Profile};
use crate::reader::log::RecordLog;
use crate::reader::records::named;
use crate::reader::{Build, Limits, ReaderState};
use crate::rules::record::{self, Finding, RecordRules};
use crate::xml::decode::InputEncoding;

/// How validation reads: the reader's limits and what it builds, the checker's profile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    pub limits: Limits,
    pub profile: Profile,
    pub build: Build,
}

impl Setup {
    /// The state at the start of a document, its checker keeping at most `max` findings.
    pub fn start(&self, encoding: InputEncoding, max: usize) -> ReaderState {
        let checker = Checker::with_max_diagnostics(self.profile, max);
        ReaderState::new(self.limits, self.build, Some(checker), encoding)
    }
}

/// The findings of record rule sets, kept within one budget in document order.
pub(crate) struct RecordFindings {
    budget: DiagnosticBudget,
    kept: Vec<Diagnostic>,
    scratch: Vec<Finding>,
    /// The rule sets that panicked (not run again).
    dead: Vec<bool>,
}

impl RecordFindings {
    pub fn new(max: usize) -> Self {
        RecordFindings {
            budget: DiagnosticBudget::new(max),
            kept: Vec::new(),
            scratch: Vec::new(),
            dead: Vec::new(),
        }
    }

    /// Counts findings a budget of part of the document left out.
    pub fn omit(&mut self, omitted: Counts) {
        self.budget.omit(omitted);
    }

    /// Keeps `d` if the budget admits it (a panic's finding, always).
    pub fn keep(&mut self, d: Diagnostic) {
        if self.budget.admit(d.severity) || d.rule == crate::diagnostic::Rule::ErreurInterne {
            self.kept.push(d);
        }
    }

    /// Runs every rule set of the whole document on `log`.
    pub fn check(&mut self, rules: &mut [Box<dyn RecordRules>], log: &RecordLog) {
        self.dead.resize(rules.len(), false);
        for (i, set) in rules.iter_mut().enumerate() {
            if self.dead[i] {
                continue;
            }
            let mut found = std::mem::take(&mut self.scratch);
            let mut outcome = record::check_caught(set.as_mut(), log, &mut found);
            for f in found.drain(..) {
                match in_record(f, log) {
                    Finding::Final(d) => self.keep(d),
                    Finding::Unique(d, unique) => {
                        match record::resolve_caught(set.as_mut(), d, unique) {
                            Ok(Some(d)) => self.keep(d),
                            Ok(None) => {}
                            Err(e) => outcome = Err(e),
                        }
                    }
                }
            }
            self.scratch = found;
            if let Err(message) = outcome {
                self.dead[i] = true;
                self.panicked(&in_rules(&log.path), &message);
            }
        }
    }

    /// Decides a [`Finding::Unique`] of part of the document with the whole document's set
    /// `i`.
    pub fn resolve(
        &mut self,
        rules: &mut [Box<dyn RecordRules>],
        i: usize,
        d: Diagnostic,
        unique: record::Unique,
    ) {
        self.dead.resize(rules.len(), false);
        let Some(set) = rules.get_mut(i).filter(|_| !self.dead[i]) else {
            return;
        };
        let path = d.path.clone();
        match record::resolve_caught(set.as_mut(), d, unique) {
            Ok(Some(d)) => self.keep(d),
            Ok(None) => {}
            Err(message) => {
                self.dead[i] = true;
                self.panicked(&in_rules(&path), &message);
            }
        }
    }

    /// Keeps the finding for a panic.
    fn panicked(&mut self, (fr, en): &(String, String), message: &str) {
        self.keep(internal_error((fr, en), message));
    }

    /// The end of the document: the rule sets' last findings, and the budget's summary.
    pub fn finish(mut self, rules: &mut [Box<dyn RecordRules>]) -> Vec<Diagnostic> {
        let mut last = Vec::new();
        for set in rules.iter_mut() {
            set.finish(&mut last);
        }
        for d in last {
            self.keep(d);
        }
        self.kept.extend(self.budget.summary());
        self.kept
    }
}

/// A record rule set's finding, naming the record it was found in.
pub(crate) fn in_record(f: Finding, log: &RecordLog) -> Finding {
    match f {
        Finding::Final(d) => Finding::Final(named(d, log.record.as_ref())),
        Finding::Unique(d, unique) => Finding::Unique(named(d, log.record.as_ref()), unique),
    }
}
