//! Model → comparison events: entities and fields with their paths, the ignore rules and the
//! whitespace policy applied. The content hashes (pass 1) and the entity trees (pass 2) both
//! come from these events, so they agree by construction.
//!
//! An *entity* is an element the schema allows to repeat within its parent and that has
//! element content (`formation`, `action`, `session`, `recrutement`, `organisme-formateur`,
//! `contact-formation`, `lieu-de-formation`, …): the generated walk gives such elements a
//! position, which is how they are recognised here, so the list follows the schema tables.
//! Everything else is a *field* of the nearest entity: a value at a path relative to it
//! (`periode/fin`, `adresse-inscription/adresse/ligne[2]`, `@horodatage-modification`).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::extras::flatten_extras;
use super::ignore::IgnoreSet;
use crate::model::walk::{Value, Visitor};
use crate::model::Attributes;

/// Receives the comparison events of a walk.
pub(crate) trait Sink {
    /// An entity starts; `path` is its absolute element path.
    fn begin_entity(&mut self, name: &'static str, numero: Option<&str>, path: &str);
    /// The current entity ends.
    fn end_entity(&mut self);
    /// A field of the current entity. `collapse`: compare with whitespace collapsed.
    fn field(&mut self, path: &str, value: &str, label: Option<&'static str>, collapse: bool);
}

/// What an open element is to the walker.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// An entity: where its path starts in `abs`.
    Entity { start: usize, abs_len: usize },
    /// A field-holding element: the length of `abs` before it and the field count at entry.
    Element { abs_len: usize, fields: usize },
    /// An element left out by an ignore rule, or a leaf already reported.
    Done { abs_len: usize },
}

/// A [`Visitor`] turning a model walk into [`Sink`] events.
pub(crate) struct Walker<'a, S: Sink> {
    pub(crate) sink: &'a mut S,
    ignore: IgnoreSet<'a>,
    collapse: bool,
    /// Element names from the root.
    names: Vec<&'static str>,
    /// The absolute path of the current element.
    abs: String,
    frames: Vec<Frame>,
    /// Where the current entity's path starts in `abs` (its fields are relative to it).
    entity_start: usize,
    fields: usize,
}

impl<'a, S: Sink> Walker<'a, S> {
    /// A walker for an element whose parent is at `parent_path` (e.g. `/lheo/offres`; empty
    /// for a root).
    pub(crate) fn new(
        sink: &'a mut S,
        ignore: IgnoreSet<'a>,
        collapse: bool,
        parent_path: &str,
    ) -> Self {
        let names = parent_path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| static_name(s.split('[').next().unwrap_or(s)))
            .collect();
        Walker {
            sink,
            ignore,
            collapse,
            names,
            abs: parent_path.to_owned(),
            frames: Vec::new(),
            entity_start: 0,
            fields: 0,
        }
    }

    /// The attributes of the current element (its name is the last of `names`).
    fn attributes<'v>(&mut self, attrs: impl Iterator<Item = (&'static str, &'v str)>) {
        for (name, value) in attrs {
            if self.ignore.attribute(&self.names, name) {
                continue;
            }
            let abs_len = self.abs.len();
            self.abs.push_str("/@");
            self.abs.push_str(name);
            self.fields += 1;
            let path = rel_path(&self.abs, self.entity_start);
            self.sink.field(path, value, None, self.collapse);
            self.abs.truncate(abs_len);
        }
    }
}

/// The part of `abs` after the entity's own path (which ends at `entity_start`).
fn rel_path(abs: &str, entity_start: usize) -> &str {
    abs.get(entity_start + 1..).unwrap_or("")
}

/// The standard attributes that are set, in schema order (without the name lookups of
/// [`Attributes::get`]).
fn attr_pairs(a: &Attributes) -> impl Iterator<Item = (&'static str, &str)> {
    a.slots()
        .into_iter()
        .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
}

/// `true` for the elements compared as entities: those with element content that the schema
/// lets repeat in some parent (so `organisme-formation-responsable`, single in a formation
/// but repeated in `lheo-plus`, is one everywhere).
pub(crate) fn is_entity(name: &str) -> bool {
    use crate::schema::{element_id, Content, ELEMENTS};
    use std::sync::OnceLock;
    static ENTITIES: OnceLock<Vec<bool>> = OnceLock::new();
    let table = ENTITIES.get_or_init(|| {
        let mut t = vec![false; ELEMENTS.len()];
        for e in ELEMENTS.iter() {
            if let Content::Sequence(particles) = e.content {
                for p in particles {
                    let child = crate::schema::element(p.element);
                    let complex = matches!(child.content, Content::Sequence(_));
                    if complex && p.max != Some(1) {
                        t[p.element.0 as usize] = true;
                    }
                }
            }
        }
        t
    });
    element_id(name).is_some_and(|id| table.get(id.0 as usize).copied().unwrap_or(false))
}

/// Element names of a parent path are names of the schema; others (never produced by the
/// reader's record paths) are kept under a placeholder, which only affects ignore rules.
fn static_name(name: &str) -> &'static str {
    crate::schema::element_id(name).map_or("?", |id| crate::schema::element(id).name)
}

impl<S: Sink> Visitor for Walker<'_, S> {
    fn enter(&mut self, name: &'static str, index: Option<usize>, value: Value<'_>) -> bool {
        let abs_len = self.abs.len();
        self.names.push(name);
        let _ = match index {
            Some(i) => write!(self.abs, "/{name}[{i}]"),
            None => write!(self.abs, "/{name}"),
        };
        if self.ignore.element(&self.names) {
            self.frames.push(Frame::Done { abs_len });
            return false;
        }
        match value {
            Value::Element(_, attrs) => {
                // A complex element the schema lets repeat here is an entity; one that is
                // single here is one if it repeats elsewhere (organisme-formation-responsable).
                let entity = self.frames.is_empty() || index.is_some() || is_entity(name);
                if entity {
                    let start = self.entity_start;
                    self.entity_start = self.abs.len();
                    self.frames.push(Frame::Entity { start, abs_len });
                    self.sink
                        .begin_entity(name, attrs.numero.as_deref(), &self.abs);
                } else {
                    self.frames.push(Frame::Element {
                        abs_len,
                        fields: self.fields,
                    });
                }
                self.attributes(attr_pairs(attrs));
                self.attributes(value.extra_attributes().into_iter());
                true
            }
            Value::Extras(extras) => {
                let path = rel_path(&self.abs, self.entity_start).to_owned();
                let mut names = self.names.clone();
                let collapse = self.collapse;
                let count = flatten_extras(
                    extras,
                    &path,
                    &mut names,
                    &self.ignore,
                    collapse,
                    &mut |p, v, c| self.sink.field(p, v, None, c),
                );
                self.fields += count;
                self.frames.push(Frame::Done { abs_len });
                false
            }
            leaf => {
                let (text, label, collapse) = match leaf {
                    Value::Text(f) => (Cow::Borrowed(f.value.as_str()), None, self.collapse),
                    Value::Code { code, label, .. } => (Cow::Borrowed(code), Some(label), false),
                    other => (other.text().unwrap_or_default(), None, false),
                };
                self.fields += 1;
                let path = rel_path(&self.abs, self.entity_start);
                self.sink.field(path, &text, label, collapse);
                self.attributes(attr_pairs(leaf.attrs()));
                self.frames.push(Frame::Done { abs_len });
                false
            }
        }
    }

    fn leave(&mut self, _name: &'static str) {
        self.names.pop();
        match self.frames.pop() {
            Some(Frame::Entity { start, abs_len }) => {
                self.sink.end_entity();
                self.entity_start = start;
                self.abs.truncate(abs_len);
            }
            Some(Frame::Element { abs_len, fields }) => {
                // An element that holds nothing compared still counts by its presence.
                if self.fields == fields {
                    self.fields += 1;
                    let path = rel_path(&self.abs, self.entity_start);
                    self.sink.field(path, "", None, false);
                }
                self.abs.truncate(abs_len);
            }
            Some(Frame::Done { abs_len }) => self.abs.truncate(abs_len),
            None => {}
        }
    }
}

/// Collapses XML whitespace (trim, runs → one space), borrowing when nothing changes.
pub(crate) fn collapse(s: &str) -> Cow<'_, str> {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut clean = true;
    let mut prev_space = true; // a leading space is not clean
    for b in s.bytes() {
        match b {
            b'\t' | b'\r' | b'\n' => {
                clean = false;
                break;
            }
            b' ' if prev_space => {
                clean = false;
                break;
            }
            _ => prev_space = b == b' ',
        }
    }
    let clean = clean && !s.ends_with(' ');
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split(ws).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_follow_the_schema() {
        for name in [
            "formation",
            "action",
            "session",
            "recrutement",
            "organisme-formateur",
            "organisme-formation-responsable",
            "contact-formation",
            "lieu-de-formation",
            "resume-offre",
        ] {
            assert!(is_entity(name), "{name}");
        }
        for name in [
            "periode",
            "adresse",
            "coordonnees",
            "extras",
            "code-public-vise",
            "x",
        ] {
            assert!(!is_entity(name), "{name}");
        }
    }

    #[test]
    fn collapsing() {
        assert!(matches!(collapse("a b"), Cow::Borrowed("a b")));
        assert_eq!(collapse("  a \n\t b  "), "a b");
        assert_eq!(collapse("a\nb"), "a b");
        assert_eq!(collapse(" "), "");
    }
}
