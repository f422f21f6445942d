//! `lheo diff --format json`: one JSON document on stdout, described by
//! `schemas/diff-report.schema.json`, written as the changes are found (one change per line,
//! so that a gigabyte comparison never holds its list in memory).
//!
//! ```json
//! {"old": "hier.xml", "new": "aujourdhui.xml", "changes": [
//! {"kind": "changed", "entity": "session", "key": "28_S0078311",
//!  "path": "/lheo/offres/formation[1]/action[1]/session[1]",
//!  "record": {"entity": "formation", "key": "28_F0012034", "path": "/lheo/offres/formation[1]",
//!             "title": "Titre professionnel Secrétaire assistant"},
//!  "fields": [{"path": "periode/fin", "old": "20271022", "new": "20271105"}]}
//! ],
//! "summary": {"added": 0, "removed": 0, "changed": 1}}
//! ```
//!
//! Fields of a change:
//! - `kind`: `added` (only in NEW), `removed` (only in OLD), `changed`;
//! - `entity`: the element name of the entity (`formation`, `action`, `session`,
//!   `recrutement`, `organisme-formateur`, `contact-formation`, …; the root, `lheo`, for the
//!   document's own attributes and `extras`);
//! - `key`: its `numero`, `null` when it has none;
//! - `path`: its element path in NEW (in OLD for a removed entity);
//! - `old_path` (changed only, when different): its path in OLD;
//! - `moved` (only when true): it changed parent within its formation;
//! - `fallback` (only when it applied): `numero-absent` or `numero-duplicate`, the entity was
//!   paired by identical content, then by position;
//! - `record`: the top-level entity it belongs to (`entity`, `key`, `path`, `title`), for
//!   grouping;
//! - `fields`: for `changed`, the entity's own differing fields: `path` relative to the
//!   entity, `old` and `new` as written (`null` when absent), `old_label`/`new_label` for
//!   dictionary codes. Empty for added and removed entities.

use std::io::{self, Write};

use lheo::diff::{Change, JsonChange, Summary};

/// Streams the JSON document. Nothing is written before the first change (or the summary),
/// so a comparison that fails early leaves stdout empty.
pub struct JsonDiff<'w> {
    out: &'w mut dyn Write,
    old: String,
    new: String,
    started: bool,
    first: bool,
}

impl<'w> JsonDiff<'w> {
    /// A document for the comparison of `old` with `new` (names as given).
    pub fn new(out: &'w mut dyn Write, old: &str, new: &str) -> Self {
        JsonDiff {
            out,
            old: old.to_owned(),
            new: new.to_owned(),
            started: false,
            first: true,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(self.out, "{{\"old\":")?;
            serde_json::to_writer(&mut *self.out, &self.old)?;
            write!(self.out, ",\"new\":")?;
            serde_json::to_writer(&mut *self.out, &self.new)?;
            write!(self.out, ",\"changes\":[")?;
        }
        Ok(())
    }

    /// Writes one change.
    pub fn change(&mut self, c: &Change) -> io::Result<()> {
        let json = JsonChange::new(c);
        self.start()?;
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut *self.out, &json)?;
        Ok(())
    }

    /// Ends the document with the summary.
    pub fn finish(mut self, summary: &Summary) -> io::Result<()> {
        self.start()?;
        if !self.first {
            self.out.write_all(b"\n")?;
        }
        write!(self.out, "],\"summary\":")?;
        serde_json::to_writer(&mut *self.out, summary)?;
        writeln!(self.out, "}}")
    }
}
