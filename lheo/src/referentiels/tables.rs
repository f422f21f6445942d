//! Compact tables: sorted vectors of numbers, texts end to end in one string. A full RNCP
//! export (30 000 fiches, 55 000 blocs) takes a few megabytes and answers in a binary search.

use chrono::NaiveDate;

/// Which repertory of France Compétences a fiche belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Repertoire {
    /// Répertoire national des certifications professionnelles (`RNCP…`).
    Rncp,
    /// Répertoire spécifique (`RS…`).
    Rs,
}

impl Repertoire {
    /// `RNCP` or `RS`: the prefix of its numbers.
    pub fn prefix(self) -> &'static str {
        match self {
            Repertoire::Rncp => "RNCP",
            Repertoire::Rs => "RS",
        }
    }

    /// Reads `RNCP24508` or `RS5080` (as France Compétences writes them).
    pub fn split(numero: &str) -> Option<(Repertoire, u32)> {
        let n = numero.trim();
        if let Some(d) = n.strip_prefix("RNCP") {
            return super::code::number(d).map(|n| (Repertoire::Rncp, n));
        }
        n.strip_prefix("RS")
            .and_then(super::code::number)
            .map(|n| (Repertoire::Rs, n))
    }
}

/// One fiche of the RNCP or the RS, as a rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fiche<'a> {
    /// Its repertory.
    pub repertoire: Repertoire,
    /// Its number (`24508` for `RNCP24508`).
    pub number: u32,
    /// `Actif` = `ACTIVE` (CSV) or `ACTIF` = `Oui` (XML) on the day of the export.
    pub active: bool,
    /// `Date_Fin_Enregistrement`: the last day of the registration (the fiche becomes inactive
    /// the day after), when known.
    pub end_of_registration: Option<NaiveDate>,
    /// Its title (`Intitule`).
    pub title: &'a str,
}

impl Fiche<'_> {
    /// `RNCP24508`.
    pub fn code(&self) -> String {
        format!("{}{}", self.repertoire.prefix(), self.number)
    }

    /// Whether the registration is still open on `day`: the fiche is active and its
    /// registration has not ended before `day` (a fiche whose end date is unknown counts as
    /// open while active).
    pub fn registered_on(&self, day: NaiveDate) -> bool {
        self.active && self.end_of_registration.is_none_or(|end| end >= day)
    }

    /// Whether the registration covers every day from `first` to `last` (the fiche is active
    /// and its registration ends on `last` or later): what Parcoursup asks of a session.
    pub fn covers(&self, first: NaiveDate, last: NaiveDate) -> bool {
        first <= last && self.registered_on(last)
    }
}

#[derive(Debug, Clone, Copy)]
struct Row {
    number: u32,
    title: (u32, u32),
    end: Option<NaiveDate>,
    active: bool,
}

/// The fiches of one repertory (RNCP or RS), with their blocs de compétences when the
/// referential gives them.
#[derive(Debug, Clone)]
pub struct Certifications {
    repertoire: Repertoire,
    rows: Vec<Row>,
    texts: String,
    /// `(fiche, bloc code span)`, sorted by fiche then code; `None` when the referential has
    /// no bloc file (a Standard CSV alone).
    blocs: Option<Vec<(u32, (u32, u32))>>,
    /// Indexes into `blocs`, sorted by code.
    by_code: Vec<u32>,
}

impl Certifications {
    /// An empty table.
    pub(crate) fn new(repertoire: Repertoire) -> Self {
        Certifications {
            repertoire,
            rows: Vec::new(),
            texts: String::new(),
            blocs: None,
            by_code: Vec::new(),
        }
    }

    fn push_text(&mut self, s: &str) -> (u32, u32) {
        let start = self.texts.len() as u32;
        self.texts.push_str(s);
        (start, s.len() as u32)
    }

    fn text(&self, (start, len): (u32, u32)) -> &str {
        self.texts
            .get(start as usize..(start + len) as usize)
            .unwrap_or("")
    }

    /// Adds a fiche (call [`Certifications::finish`] after the last one).
    pub(crate) fn push(&mut self, number: u32, title: &str, active: bool, end: Option<NaiveDate>) {
        let title = self.push_text(title);
        self.rows.push(Row {
            number,
            title,
            end,
            active,
        });
    }

    /// Adds a bloc of fiche `number` (code as written in the referential, cleaned).
    pub(crate) fn push_bloc(&mut self, number: u32, code: &str) {
        let code = self.push_text(&super::code::clean(code));
        self.blocs.get_or_insert_with(Vec::new).push((number, code));
    }

    /// Says the referential has a bloc file, even if it lists no bloc of this repertory.
    pub(crate) fn expect_blocs(&mut self) {
        self.blocs.get_or_insert_with(Vec::new);
    }

    /// Sorts the tables; a fiche listed twice keeps its first row.
    pub(crate) fn finish(&mut self) {
        self.rows.sort_by_key(|r| r.number);
        self.rows.dedup_by_key(|r| r.number);
        self.rows.shrink_to_fit();
        if let Some(mut blocs) = self.blocs.take() {
            let texts = &self.texts;
            let text = |s: (u32, u32)| texts.get(s.0 as usize..(s.0 + s.1) as usize).unwrap_or("");
            blocs.sort_by(|a, b| (a.0, text(a.1)).cmp(&(b.0, text(b.1))));
            blocs.dedup_by(|a, b| a.0 == b.0 && text(a.1) == text(b.1));
            blocs.shrink_to_fit();
            let mut by_code: Vec<u32> = (0..blocs.len() as u32).collect();
            by_code.sort_by(|&a, &b| text(blocs[a as usize].1).cmp(text(blocs[b as usize].1)));
            self.by_code = by_code;
            self.blocs = Some(blocs);
        }
        self.texts.shrink_to_fit();
    }

    /// RNCP or RS.
    pub fn repertoire(&self) -> Repertoire {
        self.repertoire
    }

    /// The number of fiches.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// `true` when there is no fiche.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of active fiches.
    pub fn active(&self) -> usize {
        self.rows.iter().filter(|r| r.active).count()
    }

    /// The number of blocs, `None` when the referential gives none (no bloc file).
    pub fn blocs(&self) -> Option<usize> {
        self.blocs.as_ref().map(Vec::len)
    }

    fn fiche(&self, row: &Row) -> Fiche<'_> {
        Fiche {
            repertoire: self.repertoire,
            number: row.number,
            active: row.active,
            end_of_registration: row.end,
            title: self.text(row.title),
        }
    }

    /// The fiche numbered `number`.
    pub fn get(&self, number: u32) -> Option<Fiche<'_>> {
        self.rows
            .binary_search_by_key(&number, |r| r.number)
            .ok()
            .map(|i| self.fiche(&self.rows[i]))
    }

    /// The fiche a code written in a feed stands for (`24508`, `RNCP24508`, see
    /// [how codes are read](crate::referentiels#how-codes-are-read)).
    pub fn lookup(&self, written: &str) -> Option<Fiche<'_>> {
        let n = match self.repertoire {
            Repertoire::Rncp => super::code::rncp(written),
            Repertoire::Rs => super::code::rs(written),
        }?;
        self.get(n)
    }

    /// Every fiche, by number.
    pub fn iter(&self) -> impl Iterator<Item = Fiche<'_>> + '_ {
        self.rows.iter().map(|r| self.fiche(r))
    }

    /// The bloc codes of fiche `number` (`None` when the referential has no blocs).
    pub fn blocs_of(&self, number: u32) -> Option<impl Iterator<Item = &str> + '_> {
        let blocs = self.blocs.as_ref()?;
        let start = blocs.partition_point(|b| b.0 < number);
        let end = blocs.partition_point(|b| b.0 <= number);
        Some(blocs[start..end].iter().map(|b| self.text(b.1)))
    }

    /// Whether `bloc` (cleaned, see [how codes are read](crate::referentiels#how-codes-are-read)) is a bloc of fiche `number`.
    pub fn has_bloc(&self, number: u32, bloc: &str) -> bool {
        self.blocs_of(number)
            .is_some_and(|mut blocs| blocs.any(|b| b == bloc))
    }

    /// The fiches `bloc` (cleaned) belongs to.
    pub fn owners_of_bloc(&self, bloc: &str) -> Vec<u32> {
        let Some(blocs) = &self.blocs else {
            return Vec::new();
        };
        let code = |i: &u32| self.text(blocs[*i as usize].1);
        let start = self.by_code.partition_point(|i| code(i) < bloc);
        self.by_code[start..]
            .iter()
            .take_while(|i| code(i) == bloc)
            .map(|&i| blocs[i as usize].0)
            .collect()
    }

    /// Bytes of memory the table holds (about).
    pub fn heap_size(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>()
            + self.texts.capacity()
            + self.blocs.as_ref().map_or(0, |b| b.capacity() * 12)
            + self.by_code.capacity() * 4
    }
}

/// A set of numeric codes (Certif Info numbers, NSF groups).
#[derive(Debug, Clone, Default)]
pub struct CodeSet {
    codes: Vec<u32>,
}

impl CodeSet {
    pub(crate) fn push(&mut self, code: u32) {
        self.codes.push(code);
    }

    pub(crate) fn finish(&mut self) {
        self.codes.sort_unstable();
        self.codes.dedup();
        self.codes.shrink_to_fit();
    }

    /// Whether `code` is in the set.
    pub fn contains(&self, code: u32) -> bool {
        self.codes.binary_search(&code).is_ok()
    }

    /// The number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` when there is no code.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiches_and_blocs() {
        let mut t = Certifications::new(Repertoire::Rncp);
        let end = NaiveDate::from_ymd_opt(2025, 8, 31);
        t.push(509, "CAP", false, end);
        t.push(24508, "Titre", true, end);
        t.push_bloc(509, "RNCP509BC02");
        t.push_bloc(509, "rncp509bc01");
        t.push_bloc(24508, "RNCP24508BC01");
        t.finish();
        assert_eq!(t.len(), 2);
        assert_eq!(t.lookup("RNCP 24508").map(|f| f.title), Some("Titre"));
        assert!(t.lookup("RS24508").is_none());
        assert!(t.has_bloc(509, "RNCP509BC01"));
        assert!(!t.has_bloc(24508, "RNCP509BC01"));
        assert_eq!(t.owners_of_bloc("RNCP509BC02"), [509]);
        assert!(t.owners_of_bloc("RNCP1BC01").is_empty());
        let f = t.get(24508).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        assert!(f.registered_on(day(8, 31)));
        assert!(!f.registered_on(day(9, 1)));
        assert!(f.covers(day(1, 1), day(8, 31)));
        assert!(!f.covers(day(1, 1), day(9, 1)));
        assert!(!t.get(509).unwrap().registered_on(day(1, 1)));
    }
}
