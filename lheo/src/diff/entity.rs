//! Entity trees and content hashes, built from the walker's events.
//!
//! Pass 1 only hashes (nothing kept but one number per record); pass 2 keeps the tree of the
//! records that differ. Both hash the same way: an entity's hash covers its name, its fields
//! (paths and compared values, in document order) and its child entities' hashes, not its own
//! position, so an entity moved among its siblings keeps its hash.

use std::hash::Hasher;

use xxhash_rust::xxh3::Xxh3Default;

use super::ignore::IgnoreSet;
use super::walker::{collapse, Sink, Walker};
use crate::model::walk::{walk, Walk};

/// An entity of a record: a `formation`, an `action`, a `session`, a `recrutement`, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    /// Element name.
    pub name: &'static str,
    /// `@numero`, as written.
    pub numero: Option<String>,
    /// Absolute element path.
    pub path: String,
    /// Own fields (not those of child entities), in document order.
    pub fields: Vec<FieldEntry>,
    /// Child entities, in document order.
    pub children: Vec<Entity>,
    /// Content hash (see the module documentation).
    pub hash: u64,
}

/// A field of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldEntry {
    /// Path relative to the entity (`periode/fin`, `@numero`).
    pub path: String,
    /// Value as written.
    pub value: String,
    /// The value compared, when it differs from `value` (whitespace collapsed).
    pub compared: Option<String>,
    /// French label of a dictionary code.
    pub label: Option<&'static str>,
}

impl FieldEntry {
    /// The value that comparisons use.
    pub fn compared(&self) -> &str {
        self.compared.as_deref().unwrap_or(&self.value)
    }
}

/// Hashes, and with `keep` builds, the entities of one walk.
pub(crate) struct Builder {
    keep: bool,
    hashers: Vec<Xxh3Default>,
    open: Vec<Entity>,
    /// The root entity, once closed (with `keep`).
    pub root: Option<Entity>,
    /// The root's hash, once closed.
    pub root_hash: Option<u64>,
    /// Approximate heap size of the kept tree, in bytes.
    pub size: usize,
}

impl Builder {
    pub(crate) fn new(keep: bool) -> Self {
        Builder {
            keep,
            hashers: Vec::new(),
            open: Vec::new(),
            root: None,
            root_hash: None,
            size: 0,
        }
    }
}

fn hash_str(h: &mut Xxh3Default, s: &str) {
    h.write_usize(s.len());
    h.write(s.as_bytes());
}

impl Sink for Builder {
    fn begin_entity(&mut self, name: &'static str, numero: Option<&str>, path: &str) {
        let mut h = Xxh3Default::new();
        hash_str(&mut h, name);
        self.hashers.push(h);
        if self.keep {
            self.size += 96 + path.len() + numero.map_or(0, str::len);
            self.open.push(Entity {
                name,
                numero: numero.map(str::to_owned),
                path: path.to_owned(),
                fields: Vec::new(),
                children: Vec::new(),
                hash: 0,
            });
        }
    }

    fn end_entity(&mut self) {
        let Some(h) = self.hashers.pop() else { return };
        let hash = h.finish();
        match self.hashers.last_mut() {
            Some(parent) => {
                parent.write_u8(1);
                parent.write_u64(hash);
            }
            None => self.root_hash = Some(hash),
        }
        if let Some(mut e) = self.open.pop() {
            e.hash = hash;
            match self.open.last_mut() {
                Some(parent) => parent.children.push(e),
                None => self.root = Some(e),
            }
        }
    }

    fn field(&mut self, path: &str, value: &str, label: Option<&'static str>, ws: bool) {
        let compared = if ws { collapse(value) } else { value.into() };
        if let Some(h) = self.hashers.last_mut() {
            h.write_u8(0);
            hash_str(h, path);
            hash_str(h, &compared);
        }
        if let Some(e) = self.open.last_mut() {
            self.size += 72 + path.len() + value.len();
            let compared = match compared {
                std::borrow::Cow::Owned(c) => {
                    self.size += c.len();
                    Some(c)
                }
                std::borrow::Cow::Borrowed(_) => None,
            };
            e.fields.push(FieldEntry {
                path: path.to_owned(),
                value: value.to_owned(),
                compared,
                label,
            });
        }
    }
}

/// How a walk is done: ignore rules and whitespace policy.
#[derive(Clone, Copy)]
pub(crate) struct Policy<'a> {
    pub ignore: IgnoreSet<'a>,
    pub collapse: bool,
}

/// The outcome of walking one value.
pub(crate) struct Walked {
    pub hash: u64,
    pub tree: Option<Entity>,
    pub size: usize,
}

/// Walks `value` as element `name` at position `index` under `parent_path`.
pub(crate) fn walk_value<T: Walk>(
    policy: Policy<'_>,
    keep: bool,
    parent_path: &str,
    name: &'static str,
    index: Option<usize>,
    value: &T,
) -> Walked {
    let mut builder = Builder::new(keep);
    {
        let mut walker = Walker::new(&mut builder, policy.ignore, policy.collapse, parent_path);
        walk(&mut walker, name, index, value);
    }
    // A root left out by an ignore rule compares as an empty entity.
    let tree = match (keep, builder.root) {
        (true, None) => Some(Entity {
            name,
            numero: None,
            path: String::new(),
            fields: Vec::new(),
            children: Vec::new(),
            hash: 0,
        }),
        (_, root) => root,
    };
    Walked {
        hash: builder.root_hash.unwrap_or(0),
        tree,
        size: builder.size,
    }
}
