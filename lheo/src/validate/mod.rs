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
use std::sync::Arc;

use chrono::NaiveDate;

use crate::check::Checker;
use crate::check::DiagnosticBudget;
use crate::diagnostic::{Counts, Diagnostic, Location, Severity};
use crate::reader::log::RecordLog;
use crate::reader::{Build, Limits, Reader, ReaderState, Step, Version};
use crate::referentiels::{Referentiels, Source};
use crate::rules::record::{self, Context, Finding, RecordRules, Scope};
use crate::rules::Profile;
use crate::xml::decode::InputEncoding;

/// What to check: a profile, and settings with defaults.
///
/// ```
/// use chrono::NaiveDate;
/// use lheo::validate::ValidateOptions;
/// use lheo::Profile;
///
/// let options = ValidateOptions::new(Profile::FranceTravail)
///     .with_today(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap())
///     .with_threads(1);
/// assert_eq!(options.profile, Profile::FranceTravail);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// Referentials to check codes against (the `REF-*` rules, with any profile).
    pub referentiels: Option<Arc<Referentiels>>,
    /// Test hook: where to panic on purpose (tests of the panic handling).
    #[doc(hidden)]
    pub inject_panic: Option<InjectedPanic>,
}

/// Test hook: where validation panics on purpose, to test that a panic becomes an
/// `ERREUR-INTERNE` finding (never a valid report).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjectedPanic {
    /// In a record rule set, on the first record (single pass and worker threads).
    RecordRules,
    /// In a worker thread reading a chunk of records (with several threads).
    Chunk,
    /// In the thread that cuts the document into chunks (with several threads).
    Splitter,
}

/// The finding for a panic (a bug): `place` says where, in French and English.
pub(crate) fn internal_error(place: (&str, &str), message: &str) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::Rule::ErreurInterne,
        format!(
            "erreur interne de lheo ({} : {message}) : la vérification est incomplète, merci de la signaler",
            place.0
        ),
        format!(
            "internal lheo error ({}: {message}): the check is incomplete, please report it",
            place.1
        ),
    )
}

/// Where a record rule set panicked.
fn in_rules(record: &str) -> (String, String) {
    (
        format!("règles des enregistrements, sur {record}"),
        format!("record rules, on {record}"),
    )
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
            inject_panic: None,
            referentiels: None,
        }
    }

    /// These options with "today" (for the date rules) set to `today`.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// These options with `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// These options with `threads` worker threads (0: one per core, at most 4; 1: one pass
    /// on the calling thread).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options with workers reading about `bytes` bytes of records at a time.
    pub fn with_chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes;
        self
    }

    /// These options with `referentiels` to check codes against (the `REF-*` rules, with
    /// any profile); `None` checks no code against a referential.
    pub fn with_referentiels(mut self, referentiels: Option<Arc<Referentiels>>) -> Self {
        self.referentiels = referentiels;
        self
    }

    /// Test hook: these options with a panic injected at `at`.
    #[doc(hidden)]
    pub fn with_injected_panic(mut self, at: InjectedPanic) -> Self {
        self.inject_panic = Some(at);
        self
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
    /// The referentials the codes were checked against (superseded editions included, marked
    /// so): kind, files, date, entries, size.
    pub referentiels: Vec<Source>,
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
#[doc(hidden)]
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
    let mut context = Context::new(options.today()).with_referentiels(options.referentiels.clone());
    context.panic = options.inject_panic == Some(InjectedPanic::RecordRules);
    let rules = record::record_rules(options.profile, &context, Scope::Whole);
    let capture = !rules.is_empty();
    let read = Setup {
        limits: options.limits,
        profile: options.profile,
        // With record rule sets, each record is captured for them; else nothing is built.
        build: if capture {
            Build::Captures(record::capture_of(&rules))
        } else {
            Build::Nothing
        },
    };
    let mut report = if options.threads() > 1 {
        match crate::xml::decode::Utf8Input::new(input) {
            Ok((utf8, encoding)) => {
                parallel::validate(utf8, encoding, options, &context, rules, read, progress)
            }
            Err(e) => Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: vec![crate::reader::decode_error(e)],
                referentiels: Vec::new(),
            },
        }
    } else {
        validate_sequential(input, options, rules, read, progress)
    };
    if let Some(refs) = &options.referentiels {
        report.referentiels = refs.sources().to_vec();
    }
    report
}

/// How validation reads: the reader's limits and what it builds, the checker's profile.
#[derive(Debug, Clone, Copy)]
struct Setup {
    limits: Limits,
    profile: Profile,
    build: Build,
}

impl Setup {
    /// The state at the start of a document, its checker keeping at most `max` findings.
    fn start(&self, encoding: InputEncoding, max: usize) -> ReaderState {
        let checker = Checker::with_max_diagnostics(self.profile, max);
        ReaderState::new(self.limits, self.build, Some(checker), encoding)
    }
}

/// The findings of record rule sets, kept within one budget in document order.
struct RecordFindings {
    budget: DiagnosticBudget,
    kept: Vec<Diagnostic>,
    scratch: Vec<Finding>,
    /// The rule sets that panicked (not run again).
    dead: Vec<bool>,
}

impl RecordFindings {
    fn new(max: usize) -> Self {
        RecordFindings {
            budget: DiagnosticBudget::new(max),
            kept: Vec::new(),
            scratch: Vec::new(),
            dead: Vec::new(),
        }
    }

    /// Counts findings a budget of part of the document left out.
    fn omit(&mut self, omitted: Counts) {
        self.budget.omit(omitted);
    }

    /// Keeps `d` if the budget admits it (a panic's finding, always).
    fn keep(&mut self, d: Diagnostic) {
        if self.budget.admit(d.severity) || d.rule == crate::diagnostic::Rule::ErreurInterne {
            self.kept.push(d);
        }
    }

    /// Runs every rule set of the whole document on `log`.
    fn check(&mut self, rules: &mut [Box<dyn RecordRules>], log: &RecordLog) {
        self.dead.resize(rules.len(), false);
        for (i, set) in rules.iter_mut().enumerate() {
            if self.dead[i] {
                continue;
            }
            let mut found = std::mem::take(&mut self.scratch);
            let mut outcome = record::check_caught(set.as_mut(), log, &mut found);
            for f in found.drain(..) {
                match f {
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
    fn resolve(
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

/// Validates in one pass (the record rule sets on a second thread).
fn validate_sequential<R: BufRead>(
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
