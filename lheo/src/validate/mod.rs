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

mod findings;
mod json;
mod parallel;
mod sequential;
mod work;

pub(crate) use findings::{RecordFindings, Setup};
pub use json::{JsonDiagnostic, JsonFile, JsonRecord, JsonReferentiel, JsonReport};
pub(crate) use work::{RecordWork, Take};

use std::io::BufRead;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::{Counts, Diagnostic, Location, Severity};
use crate::error::Error;
use crate::model::{Document, Formation, Lheo};
use crate::reader::{Build, Limits, Version};
use crate::referentiels::{Referentiels, Source};
use crate::rules::record::{self, Context, Scope};
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
    /// The rentrée the `parcoursup` profile checks (sessions starting from 1 August of this
    /// year to 31 July of the next; default: the first 1 August on or after "today").
    pub rentree: Option<i32>,
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
            rentree: None,
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

    /// These options with the rentrée the `parcoursup` profile checks: sessions starting from
    /// 1 August `rentree` to 31 July `rentree + 1`.
    pub fn with_rentree(mut self, rentree: i32) -> Self {
        self.rentree = Some(rentree);
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

    /// What the record rule sets depend on.
    pub(crate) fn context(&self) -> Context {
        let mut context = Context::new(self.today()).with_referentiels(self.referentiels.clone());
        context.rentree = self.rentree;
        context.panic = self.inject_panic == Some(InjectedPanic::RecordRules);
        context
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

impl Report {
    /// The report of an input that could not be read from its start (`d` says why).
    pub(crate) fn unreadable(profile: Profile, d: Diagnostic) -> Report {
        Report {
            profile,
            version: None,
            root: None,
            encoding: None,
            diagnostics: vec![d],
            referentiels: Vec::new(),
        }
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

/// Validates a document held in memory (built in code, or read and changed): it is written
/// as LHEO 2.3 ([`write_document`](crate::writer::write_document)) and the bytes are checked,
/// so the paths in the findings are those of the document, and their lines those of its
/// written form.
///
/// Fails when the model holds what XML cannot carry (a character XML forbids, an ill-formed
/// name in `extras`).
///
/// ```
/// use lheo::validate::{validate_document, ValidateOptions};
/// use lheo::{Document, Lheo, Profile};
///
/// let empty = Document::Lheo(Lheo::default());
/// let report = validate_document(&empty, &ValidateOptions::new(Profile::Xsd))?;
/// assert!(!report.is_valid()); // offres needs at least one formation
/// # Ok::<(), lheo::Error>(())
/// ```
pub fn validate_document(doc: &Document, options: &ValidateOptions) -> Result<Report, Error> {
    let mut xml = Vec::new();
    crate::writer::write_document(doc, &mut xml)?;
    Ok(validate(&xml[..], options))
}

/// Validates one formation held in memory, as the only offer of an `lheo` document (see
/// [`validate_document`]): paths start with `/lheo/offres/formation[1]`.
pub fn validate_formation(
    formation: &Formation,
    options: &ValidateOptions,
) -> Result<Report, Error> {
    let mut lheo = Lheo::default();
    lheo.offres.formation.push(formation.clone());
    validate_document(&Document::Lheo(lheo), options)
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
    let work = work::NoWork;
    let (report, _) = validate_with_work(input, options, false, progress, &work, &mut |(), _| {});
    report
}

/// Validates a document as [`validate_with_progress`] does, doing `work` on each record
/// (every record is captured whole when `capture_all`, else only for the record rules) and
/// handing its parts to `take` in document order. Returns the report and the envelope read
/// (`None` when the document did not end, or nothing built it).
pub(crate) fn validate_with_work<R: BufRead + Send, W: RecordWork>(
    input: R,
    options: &ValidateOptions,
    capture_all: bool,
    progress: &mut dyn FnMut(u64),
    work: &W,
    take: Take<'_, W::Part>,
) -> (Report, Option<crate::reader::tree::Node>) {
    let context = options.context();
    let rules = record::record_rules(options.profile, &context, Scope::Whole);
    let read = Setup {
        limits: options.limits,
        profile: options.profile,
        // With record rule sets, each record is captured for them; else nothing is built.
        build: if capture_all {
            Build::Captures(None)
        } else if !rules.is_empty() {
            Build::Captures(record::capture_of(&rules))
        } else {
            Build::Nothing
        },
    };
    let threads = options.threads();
    let (mut report, envelope) = if threads <= 1 && !capture_all {
        (
            sequential::validate(input, options, rules, read, progress),
            None,
        )
    } else {
        match crate::xml::decode::Utf8Input::new(input) {
            Ok((utf8, encoding)) => {
                let start = parallel::Start {
                    read,
                    encoding,
                    rules,
                    progress,
                    work,
                    take,
                };
                if threads > 1 {
                    parallel::validate(utf8, options, &context, start)
                } else {
                    parallel::validate_alone(utf8, options, start)
                }
            }
            Err(e) => (
                Report::unreadable(options.profile, crate::reader::decode_error(e)),
                None,
            ),
        }
    };
    if let Some(refs) = &options.referentiels {
        report.referentiels = refs.sources().to_vec();
    }
    (report, envelope)
}
