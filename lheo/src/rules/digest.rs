//! Compact indexes of what a file has used so far, for the rules that look across records
//! (France Travail's recruitment numeros, CARIF-DOUBLON's certifications): a value is kept as
//! an 80-bit digest, not as text, and where it was first used as small numbers, so that
//! validation memory stays flat on gigabyte feeds.
//!
//! A digest is a 64-bit key and a 16-bit check, from two hashers with random keys drawn for
//! each index. A map entry takes 16 bytes (about 27 per value with the map's slack). Two
//! different values are taken for one with a probability of about n² / 2⁸¹ for n values
//! (below 10⁻¹¹ for a million): the random keys make it so whatever the input. Two values
//! under one key (about one pair in 2⁶⁴) are both kept, the second under the next key.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

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

/// What an index keeps of a value: two numbers of the caller's (where it was first used),
/// and 16 more bits of digest. 8 bytes, so that an entry of the map takes 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// The caller's first number (an index in a [`Labels`], say).
    pub value: u32,
    /// The caller's second number.
    pub tag: u16,
    check: u16,
}

/// Where a value stands in a [`DigestMap`]: found with what was kept, or not yet there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Kept under `key`.
    Found { key: u64, slot: Slot },
    /// Not kept: [`DigestMap::insert`] keeps it.
    Vacant(Vacant),
}

/// The place of a value not kept yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Vacant {
    key: u64,
    check: u16,
}

impl Vacant {
    /// The key the value will be kept under.
    pub fn key(&self) -> u64 {
        self.key
    }
}

/// Values seen, by digest, with two numbers each.
#[derive(Debug, Clone, Default)]
pub(crate) struct DigestMap {
    keys: (RandomState, RandomState),
    seen: HashMap<u64, Slot, BuildHasherDefault<PassThrough>>,
}

impl DigestMap {
    /// The key and check of `value`: a hash from each hasher, the second cut to 16 bits.
    pub(crate) fn digest<T: Hash + ?Sized>(&self, value: &T) -> (u64, u16) {
        (
            self.keys.0.hash_one(value),
            (self.keys.1.hash_one(value) >> 48) as u16,
        )
    }

    /// Where `value` stands.
    pub fn find<T: Hash + ?Sized>(&self, value: &T) -> Lookup {
        let (mut key, check) = self.digest(value);
        loop {
            match self.seen.get(&key) {
                Some(&slot) if slot.check == check => return Lookup::Found { key, slot },
                // The same key for another value: the next key.
                Some(_) => key = key.wrapping_add(1),
                None => return Lookup::Vacant(Vacant { key, check }),
            }
        }
    }

    /// Keeps the value found `vacant`, with `value` and `tag`.
    pub fn insert(&mut self, vacant: Vacant, value: u32, tag: u16) {
        let slot = Slot {
            value,
            tag,
            check: vacant.check,
        };
        if let Entry::Vacant(e) = self.seen.entry(vacant.key) {
            e.insert(slot);
        }
    }

    /// Values kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Keeps a slot under `key` as another value would (tests of collisions).
    #[cfg(test)]
    pub fn force(&mut self, key: u64, check: u16, value: u32) {
        self.seen.insert(
            key,
            Slot {
                value,
                tag: 0,
                check,
            },
        );
    }
}

/// Texts one after the other in one string (a label takes its length plus 4 bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Labels {
    text: String,
    /// `ends[i]` is where the `i`-th text ends.
    ends: Vec<u32>,
}

impl Labels {
    /// Adds `label` and returns its index.
    pub fn push(&mut self, label: &str) -> u32 {
        self.text.push_str(label);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }

    /// Adds `label` and returns its index; the last label's index when it is the same text.
    pub fn push_or_last(&mut self, label: &str) -> u32 {
        match self.ends.len().checked_sub(1) {
            Some(last) if self.get(last) == label => u32::try_from(last).unwrap_or(u32::MAX),
            _ => self.push(label),
        }
    }

    /// The `i`-th label ("" beyond the last).
    pub fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(i).map_or(start, |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }

    /// Labels kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_once_inserted() {
        let mut map = DigestMap::default();
        let Lookup::Vacant(v) = map.find("R1") else {
            panic!("R1 found before it was kept")
        };
        map.insert(v, 7, 3);
        match map.find("R1") {
            Lookup::Found { slot, .. } => assert_eq!((slot.value, slot.tag), (7, 3)),
            other => panic!("R1 not found: {other:?}"),
        }
        assert!(matches!(map.find("R2"), Lookup::Vacant(_)));
        assert!(matches!(map.find(&("R1", 1u8)), Lookup::Vacant(_)));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn a_key_collision_keeps_both_values() {
        let mut map = DigestMap::default();
        let (key, check) = map.digest("B");
        map.force(key, !check, 1);
        let Lookup::Vacant(v) = map.find("B") else {
            panic!("B taken for the value under its key")
        };
        map.insert(v, 2, 0);
        match map.find("B") {
            Lookup::Found { key: k, slot } => assert_eq!((k, slot.value), (key.wrapping_add(1), 2)),
            other => panic!("B not found: {other:?}"),
        }
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn labels_are_shared_with_the_last_one_only() {
        let mut labels = Labels::default();
        assert_eq!(labels.push_or_last("a"), 0);
        assert_eq!(labels.push_or_last("a"), 0);
        assert_eq!(labels.push_or_last("bc"), 1);
        assert_eq!(labels.push_or_last("a"), 2);
        assert_eq!(labels.push_or_last(""), 3);
        assert_eq!(
            (0..5).map(|i| labels.get(i)).collect::<Vec<_>>(),
            ["a", "bc", "a", "", ""]
        );
        assert_eq!(labels.len(), 4);
    }

    #[test]
    fn an_entry_takes_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<(u64, Slot)>(), 16);
    }
}
