//! ROME 4.0 (France Travail, data.gouv.fr « Répertoire Opérationnel des Métiers et des
//! Emplois (ROME) », Licence Ouverte): the file `unix_referentiel_code_rome_v4NN_utf8.csv` of
//! `RefRomeCsv.zip`, the zip itself, or the folder it unpacks to. UTF-8, `,`, every value
//! quoted; `v460` is version 60. No code is inactive: a code in the file is current. The
//! zip's `version.txt` gives the publication date. `code_rome_parent` names the ROME V3 fiche
//! each 4.0 code descends from (the 532 V3 codes are all kept as parents).

use std::io::BufRead;

use super::input::{self, CsvDialect, Rows};
use super::load::{Part, Peek};
use super::Error;

/// One ROME code: five bytes (`A1201`).
type Code = [u8; 5];

/// The ROME codes of one version.
#[derive(Debug, Clone, Default)]
pub struct Rome {
    /// (code, V3 parent), sorted by code.
    codes: Vec<(Code, Code)>,
    /// The version (`460` for `v460`), from the file name.
    version: Option<u32>,
    /// Codes only found in older versions that were given too, with their version.
    older: Vec<(Code, Option<u32>)>,
}

fn code(s: &str) -> Option<Code> {
    let c = super::code::rome(s)?;
    c.as_bytes().try_into().ok()
}

fn text(c: &Code) -> &str {
    std::str::from_utf8(c).unwrap_or("")
}

impl Rome {
    /// The version number, as in the file name (`460` for `v460`, which France Travail calls
    /// version 60).
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` when there is no code.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Whether `written` (cleaned, see [how codes are read](crate::referentiels#how-codes-are-read)) is a code of this version.
    pub fn contains(&self, written: &str) -> bool {
        code(written).is_some_and(|c| self.codes.binary_search_by_key(&c, |e| e.0).is_ok())
    }

    /// The ROME V3 fiche a 4.0 code descends from (`code_rome_parent`).
    pub fn parent(&self, written: &str) -> Option<&str> {
        let c = code(written)?;
        let i = self.codes.binary_search_by_key(&c, |e| e.0).ok()?;
        Some(text(&self.codes[i].1))
    }

    /// When `written` is not in this version but was in an older one given too: that
    /// version (`Some(None)` when the older file gave none).
    pub fn older_version_of(&self, written: &str) -> Option<Option<u32>> {
        let c = code(written)?;
        self.older
            .binary_search_by_key(&c, |e| e.0)
            .ok()
            .map(|i| self.older[i].1)
    }

    /// Keeps the codes of `older` this version lacks, to name them when a feed uses one.
    pub(crate) fn remember(&mut self, older: &Rome) {
        for &(c, _) in &older.codes {
            if self.codes.binary_search_by_key(&c, |e| e.0).is_err() {
                self.older.push((c, older.version));
            }
        }
        self.older.extend(
            older
                .older
                .iter()
                .filter(|(c, _)| self.codes.binary_search_by_key(c, |e| e.0).is_err()),
        );
        self.older.sort_by_key(|e| e.0);
        self.older.dedup_by_key(|e| e.0);
    }
}

/// The version in a ROME file name: `460` in `unix_referentiel_code_rome_v460_utf8.csv`.
pub fn version_in_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    lower.split(['_', '-', '.']).find_map(|part| {
        part.strip_prefix('v')
            .filter(|d| d.len() >= 2 && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse().ok())
    })
}

/// What a ROME file is.
pub(super) fn recognise(peek: &Peek<'_>) -> Option<Part> {
    let columns = input::columns(&peek.header, ',');
    let has = |c: &str| columns.iter().any(|x| x == c);
    if has("code_rome") && has("libelle_rome") {
        return Some(Part::Rome);
    }
    if peek.header.starts_with("Numero de version") || peek.header.starts_with("Numéro de version")
    {
        return Some(Part::RomeVersion);
    }
    let lower = peek.name.to_ascii_lowercase();
    if lower.starts_with("unix_") && lower.ends_with(".csv") {
        return Some(Part::Ignored {
            fr: "fichier du ROME dont lheo ne se sert pas (seul unix_referentiel_code_rome sert)"
                .into(),
            en: "ROME file that lheo does not use (only unix_referentiel_code_rome is used)".into(),
        });
    }
    None
}

/// Reads `unix_referentiel_code_rome_*.csv`.
pub fn read<R: BufRead>(input: R, file: &str, name: &str) -> Result<Rome, Error> {
    let dialect = CsvDialect {
        delimiter: b',',
        quoting: true,
    };
    let mut rows = Rows::open(input, file, dialect, ["code_rome", "code_rome_parent"], 1)?;
    let mut codes = Vec::new();
    while let Some(row) = rows.next_row()? {
        let Some(c) = row.text(0).and_then(|c| code(&c)) else {
            continue;
        };
        let parent = row.text(1).and_then(|p| code(&p)).unwrap_or(c);
        codes.push((c, parent));
    }
    codes.sort();
    codes.dedup_by_key(|e| e.0);
    codes.shrink_to_fit();
    Ok(Rome {
        codes,
        version: version_in_name(name),
        older: Vec::new(),
    })
}

/// Reads the zip's `version.txt`: `Numero de version : 61` and `Date de publication :
/// 15/06/2026`.
pub fn read_version<R: BufRead>(input: R) -> (Option<u32>, Option<chrono::NaiveDate>) {
    let mut bytes = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::Read::take(input, 64 * 1024), &mut bytes);
    let text = input::text(&bytes);
    let mut version = None;
    let mut date = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.to_lowercase();
        if key.contains("version") {
            version = value.trim().parse().ok();
        } else if key.contains("date") {
            date = super::code::date(value);
        }
    }
    (version, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_versions_and_parents() {
        let csv = "\"code_rome\",\"libelle_rome\",\"code_rome_parent\"\n\"A1101\",\"Conducteur, engins\",\"A1101\"\n\"A1102\",\"X\",\"A1101\"\n";
        let mut rome = read(
            csv.as_bytes(),
            "f",
            "unix_referentiel_code_rome_v460_utf8.csv",
        )
        .unwrap();
        assert_eq!(rome.version(), Some(460));
        assert!(rome.contains("a1102"));
        assert_eq!(rome.parent("A1102"), Some("A1101"));
        assert!(!rome.contains("A1103"));
        let older = read(
            "\"code_rome\",\"libelle_rome\"\n\"A1103\",\"Y\"\n".as_bytes(),
            "g",
            "v459",
        )
        .unwrap();
        rome.remember(&older);
        assert_eq!(rome.older_version_of("A1103"), Some(Some(459)));
        assert_eq!(rome.older_version_of("A1102"), None);
        let (v, d) =
            read_version("Numero de version : 61\nDate de publication : 15/06/2026\n".as_bytes());
        assert_eq!(
            (v, d.map(|d| d.to_string())),
            (Some(61), Some("2026-06-15".into()))
        );
    }
}
