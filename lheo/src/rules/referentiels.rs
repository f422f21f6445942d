//! The referential rules (`REF-*`, [`crate::referentiels`]) as a record rule set: validation
//! runs a [`RefChecker`] on every captured record once referentials are given, with any
//! profile.

use super::record::{Finding, RecordRules, Unique};
use crate::diagnostic::Diagnostic;
use crate::reader::log::RecordLog;
use crate::referentiels::rules::READS;
use crate::referentiels::RefChecker;
use crate::schema::ElementSet;

impl RecordRules for RefChecker<'static> {
    fn reads(&self) -> Option<ElementSet> {
        Some(READS)
    }

    fn check(&mut self, record: &RecordLog, out: &mut Vec<Finding>) {
        out.extend(self.check_captured(record).into_iter().map(Finding::Final));
    }

    /// Never asked: every finding is [`Finding::Final`] (a code is checked on its own).
    fn resolve(&mut self, finding: Diagnostic, _unique: Unique) -> Option<Diagnostic> {
        Some(finding)
    }
}
