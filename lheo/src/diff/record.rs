//! Field-level comparison of two versions of one record (a `formation`, or the document's
//! envelope): entities paired level by level, changes at the most specific entity, and moves
//! between parents.
//!
//! After the pairing of each level ([`super::matching`]), entities left unpaired that carry a
//! `numero` unique among the record's unpaired entities of their kind on each side are
//! paired as a *move* (a session that went from one action to another): one `changed` with
//! `moved` set and the old path, instead of a removal and an addition.

use std::collections::HashMap;

use super::change::{Change, ChangeKind, FieldChange, RecordRef};
use super::entity::Entity;
use super::matching::{match_items, Item};
use super::Fallback;

/// What the comparison produces, before moves are resolved.
enum Slot {
    Change(Change),
    /// An unpaired new entity (index into `Ctx::added`).
    Added(usize),
    /// An unpaired old entity (index into `Ctx::removed`).
    Removed(usize),
}

/// Entities that may have moved are paired by kind and `numero`.
type MoveKey<'a> = (&'static str, &'a str);

struct Ctx<'a> {
    record: &'a RecordRef,
    added: Vec<(&'a Entity, Option<Fallback>)>,
    removed: Vec<(&'a Entity, Option<Fallback>)>,
    /// Added index → the slots of the move that replaced it.
    moves: HashMap<usize, Vec<Slot>>,
    /// Removed indices consumed by a move.
    consumed: Vec<bool>,
}

/// Compares `old` and `new`, two versions of the record `record` paired with `fallback`.
pub(crate) fn diff_record(
    old: &Entity,
    new: &Entity,
    fallback: Option<Fallback>,
    record: &RecordRef,
) -> Vec<Change> {
    let mut ctx = Ctx {
        record,
        added: Vec::new(),
        removed: Vec::new(),
        moves: HashMap::new(),
        consumed: Vec::new(),
    };
    let mut slots = Vec::new();
    ctx.pair(old, new, fallback, false, &mut slots);
    ctx.resolve_moves();
    let mut out = Vec::new();
    ctx.expand(slots, &mut out);
    out
}

impl<'a> Ctx<'a> {
    fn pair(
        &mut self,
        old: &'a Entity,
        new: &'a Entity,
        fallback: Option<Fallback>,
        moved: bool,
        out: &mut Vec<Slot>,
    ) {
        if old.hash == new.hash && !moved {
            return;
        }
        let fields = diff_fields(old, new);
        if !fields.is_empty() || moved {
            out.push(Slot::Change(Change {
                kind: ChangeKind::Changed,
                entity: new.name,
                key: new.numero.clone(),
                fallback,
                path: new.path.clone(),
                old_path: (old.path != new.path).then(|| old.path.clone()),
                moved,
                fields,
                record: self.record.clone(),
            }));
        }
        if old.hash == new.hash {
            return;
        }
        // Children, kind by kind, kinds in order of appearance.
        let mut kinds: Vec<&'static str> = Vec::new();
        for c in new.children.iter().chain(&old.children) {
            if !kinds.contains(&c.name) {
                kinds.push(c.name);
            }
        }
        for kind in kinds {
            let olds: Vec<&'a Entity> = old.children.iter().filter(|c| c.name == kind).collect();
            let news: Vec<&'a Entity> = new.children.iter().filter(|c| c.name == kind).collect();
            let item = |e: &&'a Entity| Item {
                key: e.numero.as_deref(),
                hash: e.hash,
            };
            let oi: Vec<Item<'_>> = olds.iter().map(item).collect();
            let ni: Vec<Item<'_>> = news.iter().map(item).collect();
            let m = match_items(&oi, &ni);
            let mut added = m.added.iter().peekable();
            for (i, j, fb) in m.pairs {
                while let Some(&&(a, afb)) = added.peek() {
                    if a > j {
                        break;
                    }
                    out.push(Slot::Added(self.added.len()));
                    self.added.push((news[a], afb));
                    added.next();
                }
                self.pair(olds[i], news[j], fb, false, out);
            }
            for &(a, afb) in added {
                out.push(Slot::Added(self.added.len()));
                self.added.push((news[a], afb));
            }
            for (r, rfb) in m.removed {
                out.push(Slot::Removed(self.removed.len()));
                self.removed.push((olds[r], rfb));
            }
        }
    }

    /// Pairs unpaired entities by a `numero` unique among the unpaired ones of their kind, on
    /// each side, until no new pair appears (a moved entity's children may pair in turn).
    fn resolve_moves(&mut self) {
        loop {
            self.consumed.resize(self.removed.len(), false);
            let mut by_key: HashMap<MoveKey<'a>, (Vec<usize>, Vec<usize>)> = HashMap::new();
            for (i, (e, _)) in self.added.iter().enumerate() {
                if let Some(k) = e.numero.as_deref() {
                    if !self.moves.contains_key(&i) {
                        by_key.entry((e.name, k)).or_default().0.push(i);
                    }
                }
            }
            for (i, (e, _)) in self.removed.iter().enumerate() {
                if let Some(k) = e.numero.as_deref() {
                    if !self.consumed[i] {
                        by_key.entry((e.name, k)).or_default().1.push(i);
                    }
                }
            }
            let mut pairs: Vec<(usize, usize)> = by_key
                .into_values()
                .filter(|(a, r)| a.len() == 1 && r.len() == 1)
                .map(|(a, r)| (a[0], r[0]))
                .collect();
            if pairs.is_empty() {
                return;
            }
            pairs.sort_unstable();
            for (a, r) in pairs {
                let (new, _) = self.added[a];
                let (old, _) = self.removed[r];
                self.consumed[r] = true;
                let mut slots = Vec::new();
                self.pair(old, new, None, true, &mut slots);
                self.moves.insert(a, slots);
            }
        }
    }

    fn expand(&mut self, slots: Vec<Slot>, out: &mut Vec<Change>) {
        for slot in slots {
            match slot {
                Slot::Change(c) => out.push(c),
                Slot::Added(a) => match self.moves.remove(&a) {
                    Some(inner) => self.expand(inner, out),
                    None => {
                        let (e, fb) = self.added[a];
                        out.push(self.entity_change(ChangeKind::Added, e, fb));
                    }
                },
                Slot::Removed(r) => {
                    if !self.consumed.get(r).copied().unwrap_or(false) {
                        let (e, fb) = self.removed[r];
                        out.push(self.entity_change(ChangeKind::Removed, e, fb));
                    }
                }
            }
        }
    }

    fn entity_change(&self, kind: ChangeKind, e: &Entity, fallback: Option<Fallback>) -> Change {
        Change {
            kind,
            entity: e.name,
            key: e.numero.clone(),
            fallback,
            path: e.path.clone(),
            old_path: None,
            moved: false,
            fields: Vec::new(),
            record: self.record.clone(),
        }
    }
}

/// The fields that differ between two versions of an entity: new ones in the new order, then
/// the ones gone, in the old order.
fn diff_fields(old: &Entity, new: &Entity) -> Vec<FieldChange> {
    let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(old.fields.len());
    for (i, f) in old.fields.iter().enumerate() {
        by_path.insert(f.path.as_str(), i);
    }
    let mut seen = vec![false; old.fields.len()];
    let mut out = Vec::new();
    for f in &new.fields {
        match by_path.get(f.path.as_str()) {
            Some(&i) => {
                seen[i] = true;
                let o = &old.fields[i];
                if o.compared() != f.compared() {
                    out.push(FieldChange {
                        path: f.path.clone(),
                        old: Some(o.value.clone()),
                        new: Some(f.value.clone()),
                        old_label: o.label,
                        new_label: f.label,
                    });
                }
            }
            None => out.push(FieldChange {
                path: f.path.clone(),
                old: None,
                new: Some(f.value.clone()),
                old_label: None,
                new_label: f.label,
            }),
        }
    }
    for (o, seen) in old.fields.iter().zip(seen) {
        if !seen {
            out.push(FieldChange {
                path: o.path.clone(),
                old: Some(o.value.clone()),
                new: None,
                old_label: o.label,
                new_label: None,
            });
        }
    }
    out
}
