//! What changed between two feeds: entities added, removed and changed, field by field.
//!
//! The comparison is on the model, not the bytes: indentation, attribute order, encodings,
//! the LHEO version (a 2.2 feed and its 2.3 upgrade carry the same data) and, by default,
//! whitespace inside texts make no difference.
//!
//! **Pairing.** Entities are paired level by level by `@numero`: the records of the feed
//! (`formation`s; `organisme-formation-responsable`s of an `lheo-plus`; summaries of an
//! `lheo-index`), then within each paired entity its repeatable children (`action`s of a
//! formation, `session`s of an action, `recrutement`s of a session, `organisme-formateur`s,
//! `contact-formation`s, `lieu-de-formation`s, …: every element the schema lets repeat and
//! that has element content). Where `numero` is absent or not unique among siblings, the
//! fallback pairs identical contents, then positions, and each change says so
//! ([`Fallback`]). An entity that moved to another parent of the same record (a session to
//! another action) is one `changed` with [`Change::moved`]. See [`matching`] for the rule.
//!
//! **Reporting.** A change is reported at the most specific entity: a session's new end date
//! is a change of that session (field `periode/fin`), not of its formation. An added or
//! removed entity is one change (its children are not listed).
//!
//! **Scale.** [`diff`] reads each side twice (see [`engine`]): memory is proportional to the
//! number of records, not to their size, so two gigabyte feeds compare in tens of megabytes.
//!
//! ```
//! use lheo::diff::{diff_documents, ChangeKind, DiffOptions};
//! use lheo::reader::read_document;
//!
//! let old = std::fs::read("../fixtures/exemple.xml").unwrap_or_default();
//! if !old.is_empty() {
//!     let old = read_document(&old[..])?;
//!     let mut new = old.clone();
//!     if let lheo::Document::Lheo(l) = &mut new {
//!         l.offres.formation[0].action[0].session[0].periode.fin = "20991231".parse::<lheo::Date>().unwrap().into();
//!     }
//!     let diff = diff_documents(&old, &new, &DiffOptions::default())?;
//!     assert_eq!(diff.summary.changed, 1);
//!     let change = &diff.changes[0];
//!     assert_eq!((change.kind, change.entity), (ChangeKind::Changed, "session"));
//!     assert_eq!(change.fields[0].path, "periode/fin");
//!     assert_eq!(change.fields[0].new.as_deref(), Some("20991231"));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod change;
pub mod engine;
mod entity;
mod error;
mod extras;
mod ignore;
pub mod matching;
mod prepare;
mod record;
mod source;
mod walker;

use crate::error::Error;
pub use change::{Change, ChangeKind, Fallback, FieldChange, RecordRef, Summary};
pub use error::Side;
pub use ignore::Ignore;
pub use source::{xml_file, DocumentSource, RecordStream, Source, SourceRecord, XmlSource};

use crate::model::Document;
use entity::Policy;
use ignore::IgnoreSet;

/// Options of a comparison.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Elements and attributes left out (`--ignore`).
    pub ignore: Vec<Ignore>,
    /// Compare texts exactly, whitespace included. By default, runs of whitespace count as
    /// one space and leading and trailing whitespace is ignored.
    pub exact_whitespace: bool,
    /// Memory, in bytes, for old records met before their new partner when the two feeds
    /// order their records differently (see [`engine`]). Default 256 MiB.
    pub pending_budget: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            ignore: Vec::new(),
            exact_whitespace: false,
            pending_budget: 256 << 20,
        }
    }
}

impl DiffOptions {
    fn policy(&self) -> Policy<'_> {
        Policy {
            ignore: IgnoreSet::new(&self.ignore),
            collapse: !self.exact_whitespace,
        }
    }
}

/// The outcome of [`diff_collect`] and [`diff_documents`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The changes, in the new feed's order (removed entities where the old feed had them).
    pub changes: Vec<Change>,
    /// Their count by kind.
    pub summary: Summary,
}

impl Diff {
    /// `true` when both sides carry the same data.
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }
}

/// Compares `old` and `new`, passing each change to `sink` as soon as it is known (the list
/// is never held in memory). Returns the counts.
///
/// ```
/// use lheo::diff::{diff, xml_file, DiffOptions};
///
/// let feed = "../fixtures/exemple.xml";
/// if std::path::Path::new(feed).exists() {
///     let mut n = 0;
///     let summary = diff(&xml_file(feed), &xml_file(feed), &DiffOptions::default(), &mut |_| {
///         n += 1;
///         Ok(())
///     })?;
///     assert!(summary.is_empty() && n == 0);
/// }
/// # Ok::<(), lheo::Error>(())
/// ```
pub fn diff(
    old: &dyn Source,
    new: &dyn Source,
    options: &DiffOptions,
    sink: &mut dyn FnMut(Change) -> std::io::Result<()>,
) -> Result<Summary, Error> {
    engine::run(old, new, options.policy(), options.pending_budget, sink)
}

/// Compares `old` and `new` and returns every change.
pub fn diff_collect(
    old: &dyn Source,
    new: &dyn Source,
    options: &DiffOptions,
) -> Result<Diff, Error> {
    let mut changes = Vec::new();
    let summary = diff(old, new, options, &mut |c| {
        changes.push(c);
        Ok(())
    })?;
    Ok(Diff { changes, summary })
}

/// Compares two documents held in memory.
pub fn diff_documents(
    old: &Document,
    new: &Document,
    options: &DiffOptions,
) -> Result<Diff, Error> {
    diff_collect(&DocumentSource(old), &DocumentSource(new), options)
}
