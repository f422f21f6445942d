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

use std::io::BufRead;

use chrono::NaiveDate;

use crate::diagnostic::{Counts, Diagnostic, Location, Severity};
use crate::reader::decode::InputEncoding;
use crate::reader::{Limits, ReadOptions, Reader, Version};
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
}

impl ValidateOptions {
    /// Options for `profile`, other settings by default.
    pub fn new(profile: Profile) -> Self {
        ValidateOptions {
            profile,
            today: None,
            limits: Limits::default(),
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
pub fn validate<R: BufRead>(input: R, options: &ValidateOptions) -> Report {
    validate_with_progress(input, options, &mut |_| {})
}

/// Validates a document, calling `progress` with the number of bytes read from time to time.
pub fn validate_with_progress<R: BufRead>(
    input: R,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(u64),
) -> Report {
    let read = ReadOptions {
        limits: options.limits,
        check: Some(options.profile),
        build: false,
        stream_records: true,
    };
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
    let mut diagnostics = Vec::new();
    let mut last = 0u64;
    loop {
        let more = reader.next_node().is_some();
        let offset = reader.offset();
        if offset >= last + (1 << 20) || !more {
            progress(offset);
            last = offset;
        }
        diagnostics.extend(reader.take_diagnostics());
        if !more {
            break;
        }
    }
    sort_diagnostics(&mut diagnostics);
    Report {
        profile: options.profile,
        version: reader.version(),
        root: reader.root().map(str::to_owned),
        encoding: Some(reader.encoding()),
        diagnostics,
    }
}
