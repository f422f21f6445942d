//! The recruitment `@numero`s a file has used so far, with where each was first used: the
//! index of France Travail's uniqueness rule (`FT-REC-NUMERO`), compact so that validation
//! memory stays flat on gigabyte feeds.
//!
//! A numero is not kept as text: it is kept as an 80-bit digest (a 64-bit key and a 16-bit
//! check, from two hashers with random keys drawn for each index), with where it was first
//! used as two indexes: one in the labels of the records that used numeros (consecutive uses
//! in one record share their label, the labels are one string), one in the few distinct paths
//! within a record (`action[1]/session[2]/recrutement[1]`). A map entry takes 16 bytes (about
//! 27 per numero with the map's slack), a record's label its length plus 4, against some 150
//! bytes per numero for the texts (about 10 MB more per million numeros instead of 100 MB). Two
//! different numeros are taken for one with a probability of about n² / 2⁸¹ for n numeros
//! (below 10⁻¹¹ for a million): the random keys make it so whatever the input.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// The map's own hasher: its keys are already hashes (of random keys), so it passes them on.
#[derive(Debug, Default, Clone, Copy)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); fold anything else all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Where a numero was first used: 8 bytes, so that an entry of the map takes 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct First {
    /// Index of the record's label in [`NumeroIndex::labels`].
    record: u32,
    /// Index in [`NumeroIndex::paths`]; [`OVERFLOW`]: the path is in
    /// [`NumeroIndex::overflow`] under the entry's key.
    path: u16,
    /// 16 more bits of digest (from the second hasher), told apart from the key's.
    check: u16,
}

/// [`First::path`] of a path beyond the first 65 535 distinct ones.
const OVERFLOW: u16 = u16::MAX;

/// The numeros used so far, with where each was first used.
#[derive(Debug, Clone, Default)]
pub(super) struct NumeroIndex {
    keys: (RandomState, RandomState),
    seen: HashMap<u64, First, BuildHasherDefault<PassThrough>>,
    /// The labels of the records that used a numero, one after the other (`ends[i]` is
    /// where the `i`-th ends).
    labels: String,
    ends: Vec<u32>,
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
        let mut key = self.keys.0.hash_one(numero);
        let check = (self.keys.1.hash_one(numero) >> 48) as u16;
        loop {
            match self.seen.entry(key) {
                Entry::Occupied(o) if o.get().check == check => {
                    let first = *o.get();
                    return Some(self.place(key, first));
                }
                // The same key for another numero (about one pair in 2⁶⁴): the next key.
                Entry::Occupied(_) => key = key.wrapping_add(1),
                Entry::Vacant(_) => break,
            }
        }
        let first = self.intern(key, place, check);
        self.seen.insert(key, first);
        None
    }

    /// Numeros recorded.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// `place` as a [`First`] under `key`: its record label (shared with the previous use when
    /// it is the same record) and its path within the record.
    fn intern(&mut self, key: u64, place: &str, check: u16) -> First {
        // Paths within a record have no spaces: the record label is what stands before the
        // last " / " (a place without one is all label).
        let (label, path) = match place.rfind(" / ") {
            Some(at) => place.split_at(at),
            None => (place, ""),
        };
        if self.ends.is_empty() || self.label(self.ends.len() - 1) != label {
            self.labels.push_str(label);
            self.ends
                .push(u32::try_from(self.labels.len()).unwrap_or(u32::MAX));
        }
        let record = u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX);
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
        First {
            record,
            path,
            check,
        }
    }

    /// The `i`-th record label.
    fn label(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(i).map_or(start, |&e| e as usize);
        self.labels.get(start..end).unwrap_or("")
    }

    /// The place `first` (under `key`) stands for, as it was given.
    fn place(&self, key: u64, first: First) -> String {
        let path = if first.path == OVERFLOW {
            self.overflow.get(&key).map_or("", |p| &**p)
        } else {
            self.paths.get(usize::from(first.path)).map_or("", |p| &**p)
        };
        let mut place = self.label(first.record as usize).to_owned();
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
        assert_eq!(index.ends.len(), 4);
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
        assert_eq!(index.ends.len(), 10_000);
        assert_eq!(index.paths.len(), 10);
    }

    #[test]
    fn a_key_collision_keeps_both_numeros() {
        let mut index = NumeroIndex::default();
        // Another numero under "B"'s 64-bit key, as a collision would put it.
        let key = index.keys.0.hash_one("B");
        let check = (index.keys.1.hash_one("B") >> 48) as u16;
        let other = index.intern(key, "other", !check);
        index.seen.insert(key, other);
        assert_eq!(index.first_use("B", "there"), None);
        assert_eq!(index.first_use("B", "again").as_deref(), Some("there"));
        assert_eq!(index.seen.len(), 2);
        assert_eq!(index.place(key, other), "other");
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

    #[test]
    fn an_entry_takes_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<(u64, First)>(), 16);
    }
}
