//! A change as JSON: one element of the `changes` list that `lheo diff --format json` prints
//! (described by `schemas/diff-report.schema.json`).
//!
//! ```
//! use lheo::diff::{diff_collect, DiffOptions, JsonChange, XmlSource};
//!
//! let old = r#"<lheo xmlns="http://lheo.gouv.fr/2.3" horodatage-export="2025-01-01T00:00:00Z"><offres/></lheo>"#;
//! let new = r#"<lheo xmlns="http://lheo.gouv.fr/2.3" horodatage-export="2025-01-02T00:00:00Z"><offres/></lheo>"#;
//! let diff = diff_collect(
//!     &XmlSource::new(|| Ok(old.as_bytes())),
//!     &XmlSource::new(|| Ok(new.as_bytes())),
//!     &DiffOptions::default(),
//! )?;
//! let json = serde_json::to_string(&JsonChange::new(&diff.changes[0])).unwrap();
//! assert!(json.starts_with(r#"{"kind":"changed","entity":"lheo","key":null,"path":"/lheo""#));
//! # Ok::<(), lheo::Error>(())
//! ```

use serde::Serialize;

use super::{Change, FieldChange, RecordRef};

/// One change in the JSON form of `lheo diff --format json`: `kind`, `entity`, `key`, `path`,
/// `old_path` (when different), `moved` (only when true), `fallback` (only when it applied),
/// `record` and `fields`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonChange<'a> {
    /// `added`, `removed` or `changed`.
    pub kind: &'static str,
    /// The entity's element name.
    pub entity: &'static str,
    /// Its `numero`, `null` when it has none.
    pub key: Option<&'a str>,
    /// Its element path (in the new feed; in the old one for a removed entity).
    pub path: &'a str,
    /// Its path in the old feed, for a changed entity whose path differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<&'a str>,
    /// The entity changed parent within its record.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// `numero-absent` or `numero-duplicate` when the fallback pairing applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<&'static str>,
    /// The record it belongs to.
    pub record: &'a RecordRef,
    /// The entity's own differing fields (empty for added and removed entities).
    pub fields: &'a [FieldChange],
}

impl<'a> JsonChange<'a> {
    /// The JSON form of `c`.
    pub fn new(c: &'a Change) -> Self {
        JsonChange {
            kind: c.kind.as_str(),
            entity: c.entity,
            key: c.key.as_deref(),
            path: &c.path,
            old_path: c.old_path.as_deref(),
            moved: c.moved,
            fallback: c.fallback.map(|f| f.as_str()),
            record: &c.record,
            fields: &c.fields,
        }
    }
}
