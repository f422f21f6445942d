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
//! another action) is one `changed` with [`Change::moved`].
//!
//! The pairing rule, applied to the `formation`s of a feed, the `action`s of a formation, the
//! `session`s of an action, the `recrutement`s of a session… alike:
//!
//! 1. an entity whose `@numero` occurs exactly once on each side is paired with the other
//!    side's entity of that `numero`, wherever it stands;
//! 2. the others (no `numero`, or a `numero` that occurs more than once on a side) are
//!    grouped by `numero` (all the ones without form one group); within a group, an entity
//!    is first paired with an entity of identical content (so a reordering is no change),
//!    then the remaining ones are paired in document order (position);
//! 3. what is left is added (only in the new feed) or removed (only in the old one).
//!
//! **Reporting.** A change is reported at the most specific entity: a session's new end date
//! is a change of that session (field `periode/fin`), not of its formation. An added or
//! removed entity is one change (its children are not listed).
//!
//! **Scale.** [`diff`] reads each side first to keep, per record, its `numero` and a hash
//! (pairs with equal hashes are unchanged), then reads only the records that differ to
//! compare them. On XML, the first reading hashes the records' bytes without building them;
//! records whose bytes differ are hashed by content before pairing, so another indentation
//! or attribute order is still no change, only slower to find. Memory is proportional to the
//! number of records (about 100 bytes per record, plus its `numero`), not to their size, so
//! two gigabyte feeds compare in tens of megabytes.
//!
//! **Not a validator.** A record is built into the model only when it is compared: one the
//! model cannot take is an error if it changed, was added or removed, or was written otherwise
//! on the two sides; the same bytes on both sides are unchanged without being built. Validate
//! the feeds (`lheo validate`) to check them.
//!
//! ```
//! use lheo::diff::{diff_documents, ChangeKind, DiffOptions};
//! use lheo::reader::read_document;
//!
//! let old = std::fs::read("../fixtures/exemple.xml")?;
//! let old = read_document(&old[..])?;
//! let mut new = old.clone();
//! if let lheo::Document::Lheo(l) = &mut new {
//!     l.offres.formation[0].action[0].session[0].periode.fin = "20991231".parse::<lheo::Date>()?.into();
//! }
//! let diff = diff_documents(&old, &new, &DiffOptions::default())?;
//! assert_eq!(diff.summary.changed, 1);
//! let change = &diff.changes[0];
//! assert_eq!((change.kind, change.entity), (ChangeKind::Changed, "session"));
//! assert_eq!(change.fields[0].path, "periode/fin");
//! assert_eq!(change.fields[0].new.as_deref(), Some("20991231"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod change;
mod engine;
mod entity;
mod error;
mod extras;
mod ignore;
mod json;
mod matching;
mod prepare;
mod record;
mod source;
mod walker;

use crate::error::Error;
pub use change::{Change, ChangeKind, Fallback, FieldChange, RecordRef, Summary};
pub use error::Side;
pub use ignore::Ignore;
pub use json::JsonChange;
#[doc(hidden)]
pub use source::Skimmed;
pub use source::{xml_file, DocumentSource, RecordStream, Source, SourceRecord, XmlSource};

use crate::model::Document;
use entity::Policy;
use ignore::IgnoreSet;

/// Options of a comparison.
///
/// ```
/// use lheo::diff::{DiffOptions, Ignore};
///
/// let ignore: Ignore = "horodatage-export".parse()?;
/// let options = DiffOptions::default().with_ignore(vec![ignore]).with_exact_whitespace(true);
/// assert!(options.exact_whitespace);
/// # Ok::<(), lheo::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Elements and attributes left out (`--ignore`).
    pub ignore: Vec<Ignore>,
    /// Compare texts exactly, whitespace included. By default, runs of whitespace count as
    /// one space and leading and trailing whitespace is ignored.
    pub exact_whitespace: bool,
    /// Memory, in bytes, for old records met before their new partner when the two feeds
    /// order their records differently. Default 256 MiB.
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
    /// These options leaving out `ignore` (elements and attributes).
    pub fn with_ignore(mut self, ignore: Vec<Ignore>) -> Self {
        self.ignore = ignore;
        self
    }

    /// These options comparing texts exactly (`true`) or with whitespace collapsed.
    pub fn with_exact_whitespace(mut self, exact: bool) -> Self {
        self.exact_whitespace = exact;
        self
    }

    /// These options with `bytes` of memory for records met out of order.
    pub fn with_pending_budget(mut self, bytes: usize) -> Self {
        self.pending_budget = bytes;
        self
    }

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
/// let mut n = 0;
/// let summary = diff(&xml_file(feed), &xml_file(feed), &DiffOptions::default(), &mut |_| {
///     n += 1;
///     Ok(())
/// })?;
/// assert!(summary.is_empty() && n == 0);
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
