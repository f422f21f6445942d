//! The recruitment `@numero`s a file has used so far, with where each was first used: the
//! index of France Travail's uniqueness rule (`FT-REC-NUMERO`), compact so that validation
//! memory stays flat on gigabyte feeds.
//!
//! A numero is not kept as text: it is kept as a digest ([`crate::rules::digest`]), with where
//! it was first used as two indexes: one in the labels of the records that used numeros
//! (consecutive uses in one record share their label, the labels are one string), one in the
//! few distinct paths within a record (`action[1]/session[2]/recrutement[1]`). A map entry
//! takes 16 bytes (about 27 per numero with the map's slack), a record's label its length
//! plus 4, against some 150 bytes per numero for the texts (about 10 MB more per million
//! numeros instead of 100 MB).

use std::collections::HashMap;

use crate::rules::digest::{DigestMap, Labels, Lookup, Slot};

/// [`Slot::tag`] of a path beyond the first 65 535 distinct ones.
const OVERFLOW: u16 = u16::MAX;

/// The numeros used so far, with where each was first used.
#[derive(Debug, Clone, Default)]
pub(super) struct NumeroIndex {
    /// Per numero, where it was first used: [`Slot::value`] is the index of the record's
    /// label in `labels`, [`Slot::tag`] the index of the path in `paths` ([`OVERFLOW`]: the
    /// path is in `overflow` under the entry's key).
    seen: DigestMap,
    /// The labels of the records that used a numero, one after the other.
    labels: Labels,
    /// The distinct places within a record, with their index in `paths`.
    path_ids: HashMap<Box<str>, u16>,
    paths: Vec<Box<str>>,
    /// The paths of the entries whose path is [`OVERFLOW`], by key.
    overflow: HashMap<u64, Box<str>>,
}

impl NumeroIndex {
    /// Records that `numero` is used at `place` (`"{record label} / {path in the record}"`):
    /// `None` the first time, where it was first used otherwise (the first place is kept).
    pub fn first_use(&mut self, numero: &str, place: &str) -> Option<String> {
        match self.seen.find(numero) {
            Lookup::Found { key, slot } => Some(self.place(key, slot)),
            Lookup::Vacant(vacant) => {
                let (record, path) = self.intern(vacant.key(), place);
                self.seen.insert(vacant, record, path);
                None
            }
        }
    }

    /// Numeros recorded.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// `place` as two indexes (kept under `key`): its record label (shared with the previous
    /// use when it is the same record) and its path within the record.
    fn intern(&mut self, key: u64, place: &str) -> (u32, u16) {
        // Paths within a record have no spaces: the record label is what stands before the
        // last " / " (a place without one is all label).
        let (label, path) = match place.rfind(" / ") {
            Some(at) => place.split_at(at),
            None => (place, ""),
        };
        let record = self.labels.push_or_last(label);
        let path = match self.path_ids.get(path) {
            Some(&id) => id,
            None if self.paths.len() < usize::from(OVERFLOW) => {
                let id = self.paths.len() as u16;
                self.paths.push(path.into());
                self.path_ids.insert(path.into(), id);
                id
            }
            None => {
                self.overflow.insert(key, path.into());
                OVERFLOW
            }
        };
        (record, path)
    }

    /// The place `slot` (under `key`) stands for, as it was given.
    fn place(&self, key: u64, slot: Slot) -> String {
        let path = if slot.tag == OVERFLOW {
            self.overflow.get(&key).map_or("", |p| &**p)
        } else {
            self.paths.get(usize::from(slot.tag)).map_or("", |p| &**p)
        };
        let mut place = self.labels.get(slot.value as usize).to_owned();
        place.push_str(path);
        place
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_place_is_kept_and_given_back_as_it_was() {
        let mut index = NumeroIndex::default();
        let a = "/lheo/offres/formation[1] @numero=F1 / action[1]/session[1]/recrutement[1]";
        let b = "/lheo/offres/formation[1] @numero=F1 / action[1]/session[2]/recrutement[1]";
        let c = "/lheo/offres/formation[2] @numero=F / 2 / action[1]/session[1]/recrutement[1]";
        assert_eq!(index.first_use("R1", a), None);
        assert_eq!(index.first_use("R2", b), None);
        assert_eq!(index.first_use("R1", c).as_deref(), Some(a));
        assert_eq!(index.first_use("R2", c).as_deref(), Some(b));
        assert_eq!(index.first_use("R3", c), None);
        assert_eq!(index.first_use("R3", a).as_deref(), Some(c));
        // A place without a path, or anything else, comes back as it was given.
        assert_eq!(index.first_use("R4", "formation F9"), None);
        assert_eq!(index.first_use("R4", a).as_deref(), Some("formation F9"));
        assert_eq!(index.first_use("", ""), None);
        assert_eq!(index.first_use("", a).as_deref(), Some(""));
        assert_eq!(index.len(), 5);
        // One label per record, one entry per distinct path.
        assert_eq!(index.labels.len(), 4);
        assert_eq!(index.paths.len(), 3);
    }

    #[test]
    fn many_numeros_stay_apart() {
        let mut index = NumeroIndex::default();
        for i in 0..100_000 {
            let place = format!(
                "/lheo/offres/formation[{}] / recrutement[{}]",
                i / 10,
                i % 10
            );
            assert_eq!(index.first_use(&format!("R{i}"), &place), None, "R{i}");
        }
        for i in (0..100_000).step_by(997) {
            let first = format!(
                "/lheo/offres/formation[{}] / recrutement[{}]",
                i / 10,
                i % 10
            );
            assert_eq!(
                index.first_use(&format!("R{i}"), "x").as_deref(),
                Some(&*first)
            );
        }
        assert_eq!(index.labels.len(), 10_000);
        assert_eq!(index.paths.len(), 10);
    }

    #[test]
    fn a_key_collision_keeps_both_numeros() {
        let mut index = NumeroIndex::default();
        // Another numero under "B"'s 64-bit key, as a collision would put it.
        let (key, check) = index.seen.digest("B");
        let (record, _) = index.intern(key, "other");
        index.seen.force(key, !check, record);
        assert_eq!(index.first_use("B", "there"), None);
        assert_eq!(index.first_use("B", "again").as_deref(), Some("there"));
        assert_eq!(index.seen.len(), 2);
    }

    #[test]
    fn paths_beyond_the_table_are_kept_apart() {
        let mut index = NumeroIndex::default();
        let n = usize::from(OVERFLOW) + 10;
        for i in 0..n {
            let place = format!("formation / recrutement[{i}]");
            assert_eq!(index.first_use(&format!("R{i}"), &place), None);
        }
        assert_eq!(index.paths.len(), usize::from(OVERFLOW));
        assert_eq!(index.overflow.len(), 10);
        for i in [0, n / 2, n - 1] {
            let first = format!("formation / recrutement[{i}]");
            assert_eq!(
                index.first_use(&format!("R{i}"), "x").as_deref(),
                Some(&*first)
            );
        }
    }
}
