//! Which record a finding belongs to: the [`RecordTracker`] follows the events and names the
//! record being read (its element, `@numero`, title, line and path), so that every finding
//! inside a record carries a [`RecordRef`] — staff find offers by number and title.
//!
//! It costs a depth comparison per event inside a record: element names are looked up only
//! in the envelope (outside records, a few elements per document) and among a record's own
//! children, until its title is found.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location, RecordRef};
use crate::schema::{self, id, ElementId};
use crate::schema::{record_parent, RECORD_ELEMENTS};
use crate::xml::events::{NsId, Position, StartTag};

/// Characters of a title kept (longer titles are cut with `…`).
const MAX_TITLE: usize = 160;
/// Bytes of a `@numero` kept (longer ones are cut with `…`).
const MAX_NUMERO: usize = 160;

/// An open element outside records.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outer {
    id: Option<ElementId>,
    local: String,
    /// Records met so far among its children (for the record's path index).
    records: u32,
}

/// The record being read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Open {
    /// Depth of the record element (0 for the root).
    depth: usize,
    element: ElementId,
    numero: Option<String>,
    pos: Position,
    path: String,
    /// The title element's name (`intitule-formation`, `raison-sociale`).
    title_element: &'static str,
    title: Option<String>,
    /// Shared once made (a finding was attached before the end).
    made: Option<Arc<RecordRef>>,
}

/// Names `record` in `d` (unless it names one already).
pub fn named(mut d: Diagnostic, record: Option<&Arc<RecordRef>>) -> Diagnostic {
    if d.record.is_none() {
        d.record = record.cloned();
    }
    d
}

/// Follows the events of a document and tells which record is being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTracker {
    /// Open elements.
    depth: usize,
    /// The depth of the open record's children (`usize::MAX` when no record is open): the
    /// events below it only cost a comparison.
    child_depth: usize,
    /// Inside the open record's title element.
    in_title: bool,
    outer: Vec<Outer>,
    open: Option<Open>,
}

impl Default for RecordTracker {
    fn default() -> Self {
        RecordTracker {
            depth: 0,
            child_depth: usize::MAX,
            in_title: false,
            outer: Vec::new(),
            open: None,
        }
    }
}

/// The title child of a record element.
fn title_element(record: ElementId) -> &'static str {
    match record {
        id::FORMATION | id::RESUME_OFFRE => "intitule-formation",
        _ => "raison-sociale",
    }
}

/// `text` cut to at most `max` bytes on a character boundary, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl RecordTracker {
    /// A start tag, in the namespace `lheo_ns` read as LHEO. Returns `true` when it opens a
    /// record.
    #[inline]
    pub fn start(&mut self, tag: &StartTag, lheo_ns: Option<NsId>) -> bool {
        let depth = self.depth;
        self.depth += 1;
        if depth > self.child_depth {
            return false;
        }
        self.start_other(depth, tag, lheo_ns)
    }

    /// A start tag of a record's child, or outside records.
    fn start_other(&mut self, depth: usize, tag: &StartTag, lheo_ns: Option<NsId>) -> bool {
        if let Some(open) = &mut self.open {
            if open.title.is_none()
                && tag.ns.is_some()
                && tag.ns == lheo_ns
                && tag.local() == open.title_element
            {
                self.in_title = true;
                open.title = Some(String::new());
            }
            return false;
        }
        let declared = crate::check::declared(tag, lheo_ns);
        let parent = self.outer.last().and_then(|p| p.id);
        let record = declared.filter(|r| {
            RECORD_ELEMENTS.contains(r) && parent.is_some() && record_parent(*r) == parent
        });
        let Some(element) = record else {
            self.outer.push(Outer {
                id: declared,
                local: tag.local().to_owned(),
                records: 0,
            });
            return false;
        };
        let mut path = String::new();
        for o in &self.outer {
            path.push('/');
            path.push_str(&o.local);
        }
        let n = match self.outer.last_mut() {
            Some(parent) => {
                parent.records += 1;
                parent.records
            }
            None => 1,
        };
        path.push('/');
        path.push_str(schema::element(element).name);
        path.push_str(&format!("[{n}]"));
        let numero = tag
            .attributes
            .iter()
            .find(|a| a.ns.is_none() && a.local() == "numero")
            .map(|a| cut(a.value.trim(), MAX_NUMERO))
            .filter(|n| !n.is_empty());
        self.open = Some(Open {
            depth,
            element,
            numero,
            pos: tag.pos,
            path,
            title_element: title_element(element),
            title: None,
            made: None,
        });
        self.child_depth = depth + 1;
        true
    }

    /// Whether text is wanted (inside a record's title).
    #[inline]
    pub fn wants_text(&self) -> bool {
        self.in_title
    }

    /// Text inside the title.
    pub fn text(&mut self, text: &str) {
        if let Some(title) = self.open.as_mut().and_then(|o| o.title.as_mut()) {
            if title.len() < 4 * MAX_TITLE {
                title.push_str(text);
            }
        }
    }

    /// The end of an element. Returns the record when it closes one.
    #[inline]
    pub fn end(&mut self) -> Option<Arc<RecordRef>> {
        self.depth = self.depth.saturating_sub(1);
        // Most ends: deep inside a record, or a child of it other than its title.
        if self.depth > self.child_depth || (self.depth == self.child_depth && !self.in_title) {
            return None;
        }
        self.end_other()
    }

    /// The end of a record, of its title, or of an element outside records.
    fn end_other(&mut self) -> Option<Arc<RecordRef>> {
        if self.open.is_none() {
            self.outer.pop();
            return None;
        }
        if self.depth == self.child_depth {
            // The title's end: a reference made before it is made again, with the title.
            self.in_title = false;
            if let Some(open) = &mut self.open {
                open.made = None;
            }
            return None;
        }
        let made = self.current();
        self.open = None;
        self.child_depth = usize::MAX;
        self.in_title = false;
        made
    }

    /// The record being read, as known so far (its title may come later: the reference is
    /// made again once the title is read).
    pub fn current(&mut self) -> Option<Arc<RecordRef>> {
        let in_title = self.in_title;
        let open = self.open.as_mut()?;
        if let Some(made) = &open.made {
            return Some(made.clone());
        }
        let title = open
            .title
            .as_deref()
            .filter(|_| !in_title)
            .map(|t| {
                let mut short = String::with_capacity(t.len().min(4 * MAX_TITLE));
                for (i, word) in t.split_whitespace().enumerate() {
                    if i > 0 {
                        short.push(' ');
                    }
                    short.push_str(word);
                }
                match short.char_indices().nth(MAX_TITLE) {
                    Some((cut, _)) => {
                        short.truncate(cut);
                        short.push('…');
                        short
                    }
                    None => short,
                }
            })
            .filter(|t| !t.is_empty());
        let made = Arc::new(RecordRef {
            element: schema::element(open.element).name,
            numero: open.numero.clone(),
            title,
            location: Location::Xml {
                line: open.pos.line,
                column: open.pos.column,
            },
            path: open.path.clone(),
        });
        open.made = Some(made.clone());
        Some(made)
    }

    /// The state after `n` more records in the innermost open element (see
    /// [`ReaderState::after_records`](super::ReaderState::after_records)).
    pub fn after_records(&mut self, n: u32) {
        if let Some(o) = self.outer.last_mut() {
            o.records += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Profile;
    use crate::validate::{validate, ValidateOptions};

    fn record_of(d: &Diagnostic) -> (&str, Option<&str>, Option<&str>, Option<u32>) {
        let r = d.record.as_deref().expect("a record");
        let line = match r.location {
            Location::Xml { line, .. } => Some(line),
            _ => None,
        };
        (r.element, r.numero.as_deref(), r.title.as_deref(), line)
    }

    const FEED: &str = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>
<formation numero=" F1 "><domaine-formation><zz/></domaine-formation>
<intitule-formation>Soudeur
  &amp; chaudronnier</intitule-formation></formation>
<formation><intitule-formation>Sans numéro</intitule-formation><zz/></formation>
</offres><zz/></lheo>"#;

    #[test]
    fn findings_name_their_record_in_every_profile_and_thread_count() {
        for profile in [Profile::Xsd, Profile::Lheo, Profile::FranceTravail] {
            for threads in [1, 2] {
                let options = ValidateOptions {
                    threads,
                    chunk_bytes: 16,
                    ..ValidateOptions::new(profile)
                };
                let report = validate(FEED.as_bytes(), &options);
                let inconnus: Vec<_> = report
                    .diagnostics
                    .iter()
                    .filter(|d| d.code() == "XSD-ELEMENT-INCONNU")
                    .collect();
                assert_eq!(inconnus.len(), 3, "{profile:?} {:#?}", report.diagnostics);
                // Before the title is read, the finding still gets it.
                assert_eq!(
                    record_of(inconnus[0]),
                    (
                        "formation",
                        Some("F1"),
                        Some("Soudeur & chaudronnier"),
                        Some(2)
                    )
                );
                assert_eq!(
                    record_of(inconnus[1]),
                    ("formation", None, Some("Sans numéro"), Some(5))
                );
                assert_eq!(
                    inconnus[1].record.as_ref().map(|r| r.path.as_str()),
                    Some("/lheo/offres/formation[2]")
                );
                // Outside records: none.
                assert!(inconnus[2].record.is_none());
            }
        }
    }

    #[test]
    fn references_and_identifiers_name_their_record() {
        let xml = r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>
<formation numero="A"><intitule-formation id="x">Un</intitule-formation></formation>
<formation numero="B"><intitule-formation id="x" idref="nulle-part">Deux</intitule-formation></formation>
</offres></lheo>"#;
        for threads in [1, 2] {
            let options = ValidateOptions {
                threads,
                chunk_bytes: 16,
                ..ValidateOptions::new(Profile::Lheo)
            };
            let report = validate(xml.as_bytes(), &options);
            for code in ["XSD-ID-DOUBLON", "LHEO-IDREF"] {
                let d = report
                    .diagnostics
                    .iter()
                    .find(|d| d.code() == code)
                    .unwrap_or_else(|| panic!("{code}: {:#?}", report.diagnostics));
                assert_eq!(
                    record_of(d),
                    ("formation", Some("B"), Some("Deux"), Some(3))
                );
            }
        }
    }

    #[test]
    fn long_titles_and_numbers_are_cut() {
        let long = "é".repeat(400);
        let xml = format!(
            r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="{long}"><intitule-formation>{long}</intitule-formation><zz/></formation></offres></lheo>"#
        );
        let report = validate(xml.as_bytes(), &ValidateOptions::new(Profile::Xsd));
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code() == "XSD-ELEMENT-INCONNU")
            .expect("finding");
        let r = d.record.as_deref().expect("record");
        assert_eq!(r.title.as_deref().map(|t| t.chars().count()), Some(161));
        assert!(r.numero.as_deref().is_some_and(|n| n.len() <= 163));
    }
}
