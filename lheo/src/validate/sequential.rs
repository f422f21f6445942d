//! Validation in one pass on the calling thread, the record rule sets on a second one.

use std::io::BufRead;

use super::findings::{RecordFindings, Setup};
use super::{internal_error, sort_diagnostics, Report, ValidateOptions};
use crate::check::Checker;
use crate::reader::log::RecordLog;
use crate::reader::{Reader, Step};
use crate::rules::record::{self, RecordRules};

/// Validates in one pass (the record rule sets on a second thread).
pub(super) fn validate<R: BufRead>(
    input: R,
    options: &ValidateOptions,
    mut rules: Vec<Box<dyn RecordRules>>,
    read: Setup,
    progress: &mut dyn FnMut(u64),
) -> Report {
    let checker = Checker::with_max_diagnostics(read.profile, read.limits.max_diagnostics);
    let mut reader = match Reader::compose(input, read.limits, read.build, Some(checker)) {
        Ok(r) => r,
        Err(e) => {
            return Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: vec![crate::reader::decode_error(e)],
                referentiels: Vec::new(),
            };
        }
    };
    // The record rules run on a second thread: the main one parses and checks the structure,
    // the worker applies the rule sets to each captured record, in document order.
    let (mut diagnostics, record_findings) = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<RecordLog>(64);
        let max = options.limits.max_diagnostics;
        let worker = (!rules.is_empty()).then(|| {
            scope.spawn(move || {
                let mut findings = RecordFindings::new(max);
                for log in receive.iter() {
                    findings.check(&mut rules, &log);
                }
                findings.finish(&mut rules)
            })
        });
        let mut diagnostics = Vec::new();
        let mut last = 0u64;
        let mut send = worker.is_some().then_some(send);
        loop {
            let step = reader.advance();
            let done = matches!(step, Step::Done);
            if let (Step::Captured(log), Some(tx)) = (step, &send) {
                if tx.send(log).is_err() {
                    send = None;
                }
            }
            let offset = reader.offset();
            if offset >= last + (1 << 20) || done {
                progress(offset);
                last = offset;
            }
            diagnostics.extend(reader.take_diagnostics());
            if done {
                break;
            }
        }
        drop(send);
        let found = match worker.map(|w| w.join()) {
            Some(Ok(found)) => found,
            Some(Err(payload)) => vec![internal_error(
                ("fil des règles des enregistrements", "record rules thread"),
                &record::panic_message(payload.as_ref()),
            )],
            None => Vec::new(),
        };
        (diagnostics, found)
    });
    diagnostics.extend(record_findings);
    sort_diagnostics(&mut diagnostics);
    Report {
        profile: options.profile,
        version: reader.version(),
        root: reader.root().map(str::to_owned),
        encoding: Some(reader.encoding()),
        diagnostics,
        referentiels: Vec::new(),
    }
}
