//! Entity trees and content hashes, built from the walker's events.
//!
//! Pass 1 only hashes (nothing kept but one number per record); pass 2 keeps the tree of the
//! records that differ. Both hash the same way: an entity's hash covers its name, its fields
//! (paths and compared values) and its child entities' hashes, not its own position, so an
//! entity moved among its siblings keeps its hash. The fields and children are summed, not
//! chained: their order does not count, as it does not when two entities are compared (fields
//! by path, children paired by `numero` or content). Attributes written in another order, or
//! children in another order, leave the hash as it is; the order of repeated elements is in
//! their fields' paths (`ligne[2]`).

use xxhash_rust::xxh3::xxh3_64_with_seed;

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
    /// For each open entity: its name, and the sum of its fields' and children's hashes.
    hashers: Vec<(&'static str, u64)>,
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

/// Seeds telling a field's hash from a child's.
const FIELD: u64 = 0;
const CHILD: u64 = 1;

/// The hash of a field, `path` holding `value`.
fn field_hash(path: &str, value: &str) -> u64 {
    xxh3_64_with_seed(value.as_bytes(), xxh3_64_with_seed(path.as_bytes(), FIELD))
}

impl Sink for Builder {
    fn begin_entity(&mut self, name: &'static str, numero: Option<&str>, path: &str) {
        self.hashers.push((name, 0));
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
        let Some((name, sum)) = self.hashers.pop() else {
            return;
        };
        let hash = xxh3_64_with_seed(name.as_bytes(), sum);
        match self.hashers.last_mut() {
            Some((_, parent)) => {
                *parent = parent.wrapping_add(xxh3_64_with_seed(&hash.to_le_bytes(), CHILD));
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
        if let Some((_, sum)) = self.hashers.last_mut() {
            *sum = sum.wrapping_add(field_hash(path, &compared));
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
