//! Naming the record of the checker's findings: the reader marks where a record's findings
//! and `@idref`s start ([`Checker::record_mark`]), holds them while the record is open
//! ([`Checker::take_diagnostics_before`]) and names the record once it closes
//! ([`Checker::attach_record`]; see [`crate::reader::records`]).

use std::sync::Arc;

use super::Checker;
use crate::diagnostic::{Diagnostic, RecordRef};

/// Where the findings and pending references of the open record start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordMark {
    diagnostics: usize,
    refs: usize,
}

impl Checker {
    fn refs_len(&self) -> usize {
        match &self.deferred {
            Some(log) => log.idrefs.len(),
            None => self.id_state.idrefs.len(),
        }
    }

    /// Where the findings of a record that opens now start.
    pub fn record_mark(&self) -> RecordMark {
        RecordMark {
            diagnostics: self.diagnostics.len(),
            refs: self.refs_len(),
        }
    }

    /// Takes the findings before `mark`: those of the open record stay until it is named.
    pub fn take_diagnostics_before(&mut self, mark: &mut RecordMark) -> Vec<Diagnostic> {
        let n = mark.diagnostics.min(self.diagnostics.len());
        mark.diagnostics = 0;
        if n == 0 {
            return Vec::new();
        }
        self.diagnostics.drain(..n).collect()
    }

    /// Names `record` in the findings and pending references made since `mark`.
    pub fn attach_record(&mut self, mark: &RecordMark, record: &Arc<RecordRef>) {
        for d in self.diagnostics.iter_mut().skip(mark.diagnostics) {
            if d.record.is_none() {
                d.record = Some(record.clone());
            }
        }
        let refs = match &mut self.deferred {
            Some(log) => &mut log.idrefs,
            None => &mut self.id_state.idrefs,
        };
        for r in refs.iter_mut().skip(mark.refs) {
            if r.record.is_none() {
                r.record = Some(record.clone());
            }
        }
    }
}
