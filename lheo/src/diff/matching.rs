//! Pairing the old and new occurrences of one kind of entity within one parent (or of the
//! records of a feed).
//!
//! The rule, applied to the `formation`s of a feed, the `action`s of a formation, the
//! `session`s of an action, the `recrutement`s of a session, the `organisme-formateur`s, the
//! `contact-formation`s… alike:
//!
//! 1. an entity whose `@numero` occurs exactly once on each side is paired with the other
//!    side's entity of that `numero`, wherever it stands;
//! 2. the others (no `numero`, or a `numero` that occurs more than once on a side) are
//!    grouped by `numero` (all the ones without form one group); within a group, an entity
//!    is first paired with an entity of identical content (so a reordering is no change),
//!    then the remaining ones are paired in document order (position);
//! 3. what is left is added (only in the new feed) or removed (only in the old one).
//!
//! Changes coming from rule 2 or 3 in a group say which fallback applied
//! ([`super::Fallback`]).

use std::collections::{HashMap, VecDeque};

use super::Fallback;

/// What pairing needs of an entity: its `numero` and its content hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub key: Option<&'a str>,
    pub hash: u64,
}

/// The pairing of two lists of items (indices into them).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Matching {
    /// `(old, new, fallback)`, in the new list's order.
    pub pairs: Vec<(usize, usize, Option<Fallback>)>,
    /// New items without a partner, in order.
    pub added: Vec<(usize, Option<Fallback>)>,
    /// Old items without a partner, in order.
    pub removed: Vec<(usize, Option<Fallback>)>,
}

/// Pairs `old` and `new` items. See the [module documentation](self).
pub(crate) fn match_items(old: &[Item<'_>], new: &[Item<'_>]) -> Matching {
    let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
    for it in old {
        if let Some(k) = it.key {
            counts.entry(k).or_default().0 += 1;
        }
    }
    for it in new {
        if let Some(k) = it.key {
            counts.entry(k).or_default().1 += 1;
        }
    }
    let fallback = |key: Option<&str>| -> Option<Fallback> {
        match key {
            None => Some(Fallback::NumeroAbsent),
            Some(k) => match counts.get(k) {
                Some((o, n)) if *o > 1 || *n > 1 => Some(Fallback::NumeroDuplicate),
                _ => None,
            },
        }
    };

    // Rule 1: unique numeros.
    let mut unique_old: HashMap<&str, usize> = HashMap::new();
    // Rule 2 groups: key → (old indices, new indices).
    let mut groups: HashMap<Option<&str>, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, it) in old.iter().enumerate() {
        match fallback(it.key) {
            None => {
                if let Some(k) = it.key {
                    unique_old.insert(k, i);
                }
            }
            Some(_) => groups.entry(it.key).or_default().0.push(i),
        }
    }
    for (j, it) in new.iter().enumerate() {
        if fallback(it.key).is_some() {
            groups.entry(it.key).or_default().1.push(j);
        }
    }

    let mut old_partner: Vec<Option<usize>> = vec![None; old.len()];
    let mut new_partner: Vec<Option<(usize, Option<Fallback>)>> = vec![None; new.len()];
    for (j, it) in new.iter().enumerate() {
        if let (Some(k), None) = (it.key, fallback(it.key)) {
            if let Some(&i) = unique_old.get(k) {
                old_partner[i] = Some(j);
                new_partner[j] = Some((i, None));
            }
        }
    }
    for (key, (olds, news)) in &groups {
        let fb = fallback(*key);
        // Identical content first…
        let mut by_hash: HashMap<u64, VecDeque<usize>> = HashMap::new();
        for &i in olds {
            by_hash.entry(old[i].hash).or_default().push_back(i);
        }
        for &j in news {
            if let Some(i) = by_hash.get_mut(&new[j].hash).and_then(VecDeque::pop_front) {
                old_partner[i] = Some(j);
                new_partner[j] = Some((i, fb));
            }
        }
        // …then position among the rest.
        let rest_old: Vec<usize> = olds
            .iter()
            .copied()
            .filter(|&i| old_partner[i].is_none())
            .collect();
        let rest_new: Vec<usize> = news
            .iter()
            .copied()
            .filter(|&j| new_partner[j].is_none())
            .collect();
        for (&i, &j) in rest_old.iter().zip(rest_new.iter()) {
            old_partner[i] = Some(j);
            new_partner[j] = Some((i, fb));
        }
    }

    let mut m = Matching::default();
    for (j, p) in new_partner.iter().enumerate() {
        match p {
            Some((i, fb)) => m.pairs.push((*i, j, *fb)),
            None => m.added.push((j, fallback(new[j].key))),
        }
    }
    for (i, p) in old_partner.iter().enumerate() {
        if p.is_none() {
            m.removed.push((i, fallback(old[i].key)));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items<'a>(list: &[(Option<&'a str>, u64)]) -> Vec<Item<'a>> {
        list.iter().map(|&(key, hash)| Item { key, hash }).collect()
    }

    #[test]
    fn unique_numeros_pair_wherever_they_stand() {
        let old = items(&[(Some("A"), 1), (Some("B"), 2), (Some("C"), 3)]);
        let new = items(&[(Some("C"), 3), (Some("A"), 9), (Some("D"), 4)]);
        let m = match_items(&old, &new);
        assert_eq!(m.pairs, vec![(2, 0, None), (0, 1, None)]);
        assert_eq!(m.added, vec![(2, None)]);
        assert_eq!(m.removed, vec![(1, None)]);
    }

    #[test]
    fn without_numero_content_then_position() {
        let old = items(&[(None, 1), (None, 2), (None, 3)]);
        let new = items(&[(None, 3), (None, 7), (None, 1)]);
        let m = match_items(&old, &new);
        let fb = Some(Fallback::NumeroAbsent);
        // 3 and 1 by content; 2 ↔ 7 by position.
        assert_eq!(m.pairs, vec![(2, 0, fb), (1, 1, fb), (0, 2, fb)]);
        assert!(m.added.is_empty() && m.removed.is_empty());
    }

    #[test]
    fn duplicate_numeros_form_their_own_group() {
        let old = items(&[(Some("S"), 1), (Some("S"), 2), (Some("T"), 5)]);
        let new = items(&[(Some("S"), 2), (Some("T"), 6), (None, 8)]);
        let m = match_items(&old, &new);
        let dup = Some(Fallback::NumeroDuplicate);
        assert_eq!(m.pairs, vec![(1, 0, dup), (2, 1, None)]);
        assert_eq!(m.added, vec![(2, Some(Fallback::NumeroAbsent))]);
        assert_eq!(m.removed, vec![(0, dup)]);
    }
}
