//! NSF, Nomenclature des spécialités de formation: the BCN table `N_GROUPE_SPECIALITE` (the
//! 3-digit groups `code-NSF` holds), as exported by the BCN (`;`, no quoting, Windows-1252 or
//! UTF-8 with a byte order mark). Other BCN tables are recognised and left aside: no LHEO 2.3
//! element carries a CFD (`N_FORMATION_DIPLOME`).

use std::io::BufRead;

use super::input::{self, CsvDialect, Rows};
use super::load::{Part, Peek};
use super::tables::CodeSet;
use super::Error;

/// How the BCN writes its CSV: `;`, no quoting.
const DIALECT: CsvDialect = CsvDialect {
    delimiter: b';',
    quoting: false,
};

/// What a BCN file is.
pub(super) fn recognise(peek: &Peek<'_>) -> Option<Part> {
    let columns = input::columns(&peek.header, ';');
    let first = columns.first().map(String::as_str).unwrap_or("");
    let has = |c: &str| columns.iter().any(|x| x == c);
    if first == "GROUPE_SPECIALITE" && has("DOMAINE_SPECIALITE") {
        return Some(Part::Nsf);
    }
    let bcn = columns.len() > 3 && has("DATE_OUVERTURE") && has("DATE_FERMETURE");
    if bcn && first == "FORMATION_DIPLOME" {
        return Some(Part::Ignored {
            fr: "table BCN N_FORMATION_DIPLOME (codes CFD) : aucun élément LHEO 2.3 ne porte de CFD, elle ne sert pas".into(),
            en: "BCN table N_FORMATION_DIPLOME (CFD codes): no LHEO 2.3 element carries a CFD, it is not used".into(),
        });
    }
    bcn.then(|| Part::Ignored {
        fr: format!("table BCN ({first}) dont lheo ne se sert pas (seule N_GROUPE_SPECIALITE sert, pour code-NSF)"),
        en: format!("BCN table ({first}) that lheo does not use (only N_GROUPE_SPECIALITE is used, for code-NSF)"),
    })
}

/// Reads the `GROUPE_SPECIALITE` codes.
pub fn read<R: BufRead>(input: R, file: &str) -> Result<CodeSet, Error> {
    let mut rows = Rows::open(input, file, DIALECT, ["GROUPE_SPECIALITE"], 1)?;
    let mut set = CodeSet::default();
    while let Some(row) = rows.next_row()? {
        if let Some(n) = row.text(0).and_then(|c| super::code::nsf(&c)) {
            set.push(u32::from(n));
        }
    }
    set.finish();
    Ok(set)
}
