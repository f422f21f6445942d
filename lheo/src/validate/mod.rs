//! Validation: one pass over a document with the checker of a profile.
//!
//! ```
//! use lheo::validate::{validate, ValidateOptions};
//! use lheo::rules::Profile;
//!
//! let xml = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>"#;
//! let report = validate(xml.as_bytes(), &ValidateOptions::new(Profile::Xsd));
//! assert!(!report.is_valid()); // offres needs at least one formation
//! ```

mod parallel;

use std::io::BufRead;

use chrono::NaiveDate;

use crate::check::DiagnosticBudget;
use crate::diagnostic::{Counts, Diagnostic, Location, Severity};
use crate::reader::decode::InputEncoding;
use crate::reader::log::RecordLog;
use crate::reader::records::named;
use crate::reader::{Limits, ReadOptions, Reader, Step, Version};
use crate::rules::record::{self, Context, Finding, RecordRules, Scope};
use crate::rules::Profile;

/// What to check.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// The profile (default `lheo`).
    pub profile: Profile,
    /// "Today" for date rules (default: the local date).
    pub today: Option<NaiveDate>,
    /// Safety limits.
    pub limits: Limits,
    /// Worker threads reading records (0: one per core, at most 4; 1: read in one pass on the
    /// calling thread). The report is the same whatever the number.
    pub threads: usize,
    /// About how many bytes of records a worker reads at a time.
    pub chunk_bytes: usize,
}

impl ValidateOptions {
    /// Options for `profile`, other settings by default.
    pub fn new(profile: Profile) -> Self {
        ValidateOptions {
            profile,
            today: None,
            limits: Limits::default(),
            threads: 0,
            chunk_bytes: 256 * 1024,
        }
    }

    /// The number of worker threads to use.
    pub fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            n => n,
        }
    }

    /// The date rules compare with: `today`, or the local date.
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions::new(Profile::Lheo)
    }
}

/// The result of validating one document.
#[derive(Debug, Clone)]
pub struct Report {
    /// The profile used.
    pub profile: Profile,
    /// The LHEO version detected from the root namespace (`None` if not LHEO 2.x).
    pub version: Option<Version>,
    /// The root element's name, if the document has one.
    pub root: Option<String>,
    /// The input encoding.
    pub encoding: Option<InputEncoding>,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Counts by severity.
    pub fn counts(&self) -> Counts {
        Counts::of(&self.diagnostics)
    }

    /// `true` when there is no error.
    pub fn is_valid(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Sorts diagnostics by line and column, keeping the emission order for ties.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| match d.location {
        Location::Xml { line, column } => (line, column),
        _ => (0, 0),
    });
}

/// Validates a document read from `input`.
pub fn validate<R: BufRead + Send>(input: R, options: &ValidateOptions) -> Report {
    validate_with_progress(input, options, &mut |_| {})
}

/// Validates a document, calling `progress` with the number of bytes read from time to time.
///
/// With more than one [thread](ValidateOptions::threads), the records are read on worker
/// threads while the calling thread reads the rest; the report is the one of a single pass.
pub fn validate_with_progress<R: BufRead + Send>(
    input: R,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(u64),
) -> Report {
    let context = Context::new(options.today());
    let rules = record::record_rules(options.profile, &context, Scope::Whole);
    let capture = !rules.is_empty();
    let read = ReadOptions {
        limits: options.limits,
        check: Some(options.profile),
        build: capture,
        stream_records: true,
        capture_records: capture,
        capture_only: record::capture_of(&rules),
    };
    if options.threads() > 1 {
        return match crate::reader::decode::Utf8Input::new(input) {
            Ok((utf8, encoding)) => {
                parallel::validate(utf8, encoding, options, &context, rules, read, progress)
            }
            Err(e) => Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: vec![crate::reader::decode_error(e)],
            },
        };
    }
    validate_sequential(input, options, rules, read, progress)
}

/// The findings of record rule sets, kept within one budget in document order.
struct RecordFindings {
    budget: DiagnosticBudget,
    kept: Vec<Diagnostic>,
    scratch: Vec<Finding>,
}

impl RecordFindings {
    fn new(max: usize) -> Self {
        RecordFindings {
            budget: DiagnosticBudget::new(max),
            kept: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Counts findings a budget of part of the document left out.
    fn omit(&mut self, omitted: Counts) {
        self.budget.omit(omitted);
    }

    /// Keeps `d` if the budget admits it.
    fn keep(&mut self, d: Diagnostic) {
        if self.budget.admit(d.severity) {
            self.kept.push(d);
        }
    }

    /// Runs every rule set of the whole document on `log`.
    fn check(&mut self, rules: &mut [Box<dyn RecordRules>], log: &RecordLog) {
        for set in rules.iter_mut() {
            let mut found = std::mem::take(&mut self.scratch);
            set.check(log, &mut found);
            for f in found.drain(..) {
                match in_record(f, log) {
                    Finding::Final(d) => self.keep(d),
                    Finding::Unique(d, unique) => {
                        if let Some(d) = set.resolve(d, unique) {
                            self.keep(d);
                        }
                    }
                }
            }
            self.scratch = found;
        }
    }

    /// The end of the document: the rule sets' last findings, and the budget's summary.
    fn finish(mut self, rules: &mut [Box<dyn RecordRules>]) -> Vec<Diagnostic> {
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
fn in_record(f: Finding, log: &RecordLog) -> Finding {
    match f {
        Finding::Final(d) => Finding::Final(named(d, log.record.as_ref())),
        Finding::Unique(d, unique) => Finding::Unique(named(d, log.record.as_ref()), unique),
    }
}

/// Validates in one pass (the record rule sets on a second thread).
fn validate_sequential<R: BufRead>(
    input: R,
    options: &ValidateOptions,
    mut rules: Vec<Box<dyn RecordRules>>,
    read: ReadOptions,
    progress: &mut dyn FnMut(u64),
) -> Report {
    let mut reader = match Reader::with_options(input, read) {
        Ok(r) => r,
        Err(d) => {
            return Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: vec![d],
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
        let found = worker.and_then(|w| w.join().ok()).unwrap_or_default();
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
    }
}
