//! What a comparison reports: [`Change`]s and their [`Summary`].

use serde::Serialize;

/// The kind of a [`Change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the new feed.
    Added,
    /// Only in the old feed.
    Removed,
    /// In both, with different fields (or moved to another parent).
    Changed,
}

impl ChangeKind {
    /// `"added"`, `"removed"` or `"changed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// Why an entity was not paired by its `@numero` alone (see the pairing rule in
/// [the module documentation](super)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fallback {
    /// The entity has no `numero`: paired by identical content, then by position among the
    /// entities of its kind without `numero` in the same parent.
    NumeroAbsent,
    /// Its `numero` occurs more than once among its siblings (on either side): paired by
    /// identical content, then by position among the entities sharing that `numero`.
    NumeroDuplicate,
}

impl Fallback {
    /// `"numero-absent"` or `"numero-duplicate"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Fallback::NumeroAbsent => "numero-absent",
            Fallback::NumeroDuplicate => "numero-duplicate",
        }
    }
}

/// A field that differs between the two sides of a changed entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FieldChange {
    /// The field's path relative to the entity: `periode/fin`, `@horodatage-modification`,
    /// `adresse-inscription/adresse/ligne[2]`, `extras[1]/extra[2]`.
    pub path: String,
    /// The old value as written, `None` when the field is new.
    pub old: Option<String>,
    /// The new value as written, `None` when the field is gone.
    pub new: Option<String>,
    /// The French label of the old value when it is a dictionary code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_label: Option<&'static str>,
    /// The French label of the new value when it is a dictionary code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_label: Option<&'static str>,
}

/// The record (top-level entity: `formation`, or the root `lheo` for the document itself)
/// a change belongs to, for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RecordRef {
    /// Element name (`formation`, `organisme-formation-responsable`, `resume-offre`,
    /// `resume-organisme`, or the root's name).
    pub entity: &'static str,
    /// Its `numero`.
    pub key: Option<String>,
    /// Its path (in the new feed, or in the old one when it was removed).
    pub path: String,
    /// What people call it: the `intitule-formation` of a formation, the name of an
    /// organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One difference, reported at the most specific entity it concerns: a session's new end
/// date is a change of that session, not of its formation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The entity's element name: `formation`, `action`, `session`, `recrutement`,
    /// `organisme-formateur`, `contact-formation`, … or the root (`lheo`) for the document's
    /// own attributes and `extras`.
    pub entity: &'static str,
    /// Its `numero`, when it has one.
    pub key: Option<String>,
    /// Set when it was paired (or found unpaired) by the fallback rule rather than by a
    /// unique `numero`.
    pub fallback: Option<Fallback>,
    /// Its element path: in the new feed, or in the old one for a removed entity.
    pub path: String,
    /// For a changed entity whose path differs in the old feed: that path.
    pub old_path: Option<String>,
    /// `true` when the entity changed parent (a session moved to another action of the
    /// formation): paired by a `numero` unique within the formation.
    pub moved: bool,
    /// For `changed`: the differing fields of the entity itself (not of its child
    /// entities, which have their own changes). Empty for added and removed entities.
    pub fields: Vec<FieldChange>,
    /// The record it belongs to.
    pub record: RecordRef,
}

/// The number of changes of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Summary {
    /// Added entities.
    pub added: u64,
    /// Removed entities.
    pub removed: u64,
    /// Changed entities.
    pub changed: u64,
}

impl Summary {
    /// Counts `change`.
    pub fn count(&mut self, change: &Change) {
        match change.kind {
            ChangeKind::Added => self.added += 1,
            ChangeKind::Removed => self.removed += 1,
            ChangeKind::Changed => self.changed += 1,
        }
    }

    /// `true` when there is no change at all.
    pub fn is_empty(&self) -> bool {
        self.added + self.removed + self.changed == 0
    }

    /// The total number of changes.
    pub fn total(&self) -> u64 {
        self.added + self.removed + self.changed
    }
}
