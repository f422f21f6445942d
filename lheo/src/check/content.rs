//! Content models: matching child elements against a sequence (or the `extras` choice), and
//! the words that explain a mismatch.
//!
//! Within every LHEO sequence the child names are distinct, so matching greedily, one child at
//! a time, is exact (the XSD's Unique Particle Attribution).

use crate::schema::{self, ElementId, Particle};

/// Where matching stands inside a sequence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqState {
    /// Index of the current particle.
    pub at: usize,
    /// Occurrences of the current particle so far.
    pub count: u32,
}

/// The outcome of offering a child element to a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Accepted.
    Ok,
    /// Accepted, but required particles in `from..to` were skipped (each one missing);
    /// `from_count` is how many times particle `from` had occurred.
    Skipped {
        /// First skipped particle.
        from: usize,
        /// Occurrences of particle `from` before the jump.
        from_count: u32,
        /// The particle that matched.
        to: usize,
    },
    /// The child's particle is full (`maxOccurs` reached).
    TooMany(usize),
    /// The child belongs before the current position.
    OutOfOrder(usize),
    /// The child is not part of this model.
    NotAllowed,
}

/// Offers `child` to a sequence; updates `state` when accepted.
pub fn push(particles: &[Particle], state: &mut SeqState, child: ElementId) -> Step {
    match particles.iter().position(|p| p.element == child) {
        Some(j) => push_at(particles, state, j),
        None => Step::NotAllowed,
    }
}

/// Offers a child of particle `j` to a sequence; updates `state` when accepted.
#[inline]
pub fn push_at(particles: &[Particle], state: &mut SeqState, j: usize) -> Step {
    if j < state.at {
        return Step::OutOfOrder(j);
    }
    if j == state.at {
        let full = particles[j].max.is_some_and(|m| state.count >= m);
        if full {
            return Step::TooMany(j);
        }
        state.count += 1;
        return Step::Ok;
    }
    let (from, from_count) = (state.at, state.count);
    *state = SeqState { at: j, count: 1 };
    if missing(particles, from, from_count, j).next().is_some() {
        Step::Skipped {
            from,
            from_count,
            to: j,
        }
    } else {
        Step::Ok
    }
}

/// The required particles in `from..to` left unsatisfied (`from` occurred `from_count` times).
pub fn missing(
    particles: &[Particle],
    from: usize,
    from_count: u32,
    to: usize,
) -> impl Iterator<Item = usize> + '_ {
    (from..to.min(particles.len())).filter(move |&k| {
        let have = if k == from { from_count } else { 0 };
        have < particles[k].min
    })
}

/// The elements that could come next, in order (at most `limit`), and whether the parent may
/// end here.
pub fn expected(
    particles: &[Particle],
    state: SeqState,
    limit: usize,
) -> (Vec<&'static str>, bool) {
    let mut names = Vec::new();
    for (k, p) in particles.iter().enumerate().skip(state.at) {
        let have = if k == state.at { state.count } else { 0 };
        if p.max.is_none_or(|m| have < m) && names.len() < limit {
            names.push(schema::element(p.element).name);
        }
        if have < p.min {
            return (names, false);
        }
    }
    (names, true)
}

/// `« a », « b » ou « c »` in French, `"a", "b" or "c"` in English.
pub fn list(names: &[&str], can_end: bool) -> (String, String) {
    let mut fr: Vec<String> = names.iter().map(|n| format!("« {n} »")).collect();
    let mut en: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    if can_end {
        fr.push("la fin de l'élément".into());
        en.push("the end of the element".into());
    }
    (join(&fr, " ou "), join(&en, " or "))
}

/// `« a », « b » et « c »` in French, `"a", "b" and "c"` in English.
pub fn all(names: &[&str]) -> (String, String) {
    let fr: Vec<String> = names.iter().map(|n| format!("« {n} »")).collect();
    let en: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    (join(&fr, " et "), join(&en, " and "))
}

/// The first required particle from `state` on that is not satisfied yet.
pub fn first_required(particles: &[Particle], state: SeqState) -> Option<usize> {
    (state.at..particles.len()).find(|&k| {
        let have = if k == state.at { state.count } else { 0 };
        have < particles[k].min
    })
}

fn join(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(", ")),
    }
}

/// The particle index of `child` in `particles`, if any.
pub fn particle_of(particles: &[Particle], child: ElementId) -> Option<usize> {
    particles.iter().position(|p| p.element == child)
}

/// The name of the last particle before `k` that occurred, for « attendu après … ».
pub fn previous_present(particles: &[Particle], state: SeqState, k: usize) -> Option<&'static str> {
    if state.count > 0 && state.at < k {
        return Some(schema::element(particles[state.at].element).name);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{id, Content};

    fn periode() -> &'static [Particle] {
        match schema::element(id::PERIODE).content {
            Content::Sequence(p) => p,
            _ => unreachable!(),
        }
    }

    #[test]
    fn greedy_matching() {
        let p = periode();
        let mut s = SeqState::default();
        assert_eq!(push(p, &mut s, id::DEBUT), Step::Ok);
        assert_eq!(push(p, &mut s, id::DEBUT), Step::TooMany(0));
        assert_eq!(push(p, &mut s, id::FIN), Step::Ok);
        assert_eq!(push(p, &mut s, id::DEBUT), Step::OutOfOrder(0));
        assert_eq!(push(p, &mut s, id::FORMATION), Step::NotAllowed);
        assert_eq!(expected(p, s, 5), (vec!["extras"], true));
    }

    #[test]
    fn skipping_a_required_element_is_reported() {
        let p = periode();
        let mut s = SeqState::default();
        assert_eq!(
            push(p, &mut s, id::FIN),
            Step::Skipped {
                from: 0,
                from_count: 0,
                to: 1
            }
        );
        assert_eq!(missing(p, 0, 0, 1).collect::<Vec<_>>(), [0]);
        let (fr, en) = list(&["debut"], false);
        assert_eq!(fr, "« debut »");
        assert_eq!(en, "\"debut\"");
        let (fr, _) = list(&["a", "b"], true);
        assert_eq!(fr, "« a », « b » ou la fin de l'élément");
    }
}
