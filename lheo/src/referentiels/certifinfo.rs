//! Certif Info (Réseau des Carif-Oref and Onisep, data.gouv.fr « Référentiel national des
//! certifications »): `opendata-certifinfo-JJMMAAAA.csv`, Windows-1252 with a few stray UTF-8
//! sequences, `;`, no quoting (values hold literal `"`). `Code_Diplome` is the number
//! `code-CERTIFINFO` holds. The open data lists live records only: a number missing from it
//! may be archived rather than wrong, hence a warning.

use std::io::BufRead;

use chrono::NaiveDate;

use super::input::{self, CsvDialect, Rows};
use super::load::{Part, Peek};
use super::tables::CodeSet;
use super::Error;

/// How Certif Info writes its CSV: `;`, no quoting (values hold literal `"`).
const DIALECT: CsvDialect = CsvDialect {
    delimiter: b';',
    quoting: false,
};

/// What a Certif Info file is.
pub(super) fn recognise(peek: &Peek<'_>) -> Option<Part> {
    let columns = input::columns(&peek.header, ';');
    let has = |c: &str| columns.iter().any(|x| x.eq_ignore_ascii_case(c));
    (has("Code_Diplome") && has("Libelle_Diplome")).then_some(Part::CertifInfo)
}

/// The date in `opendata-certifinfo-01012025.csv`.
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    let lower = name.to_ascii_lowercase();
    let rest = &lower[lower.find("certifinfo")? + "certifinfo".len()..];
    let digits: String = rest
        .trim_start_matches(['-', '_'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 8)
        .then(|| NaiveDate::parse_from_str(&digits, "%d%m%Y").ok())
        .flatten()
}

/// Reads the `Code_Diplome` numbers.
pub fn read<R: BufRead>(input: R, file: &str) -> Result<CodeSet, Error> {
    let mut rows = Rows::open(input, file, DIALECT, ["Code_Diplome"], 1)?;
    let mut set = CodeSet::default();
    while let Some(row) = rows.next_row()? {
        if let Some(n) = row.text(0).and_then(|c| super::code::certifinfo(&c)) {
            set.push(n);
        }
    }
    set.finish();
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_quotes() {
        assert_eq!(
            date_in_name("opendata-certifinfo-01092026.csv"),
            NaiveDate::from_ymd_opt(2026, 9, 1)
        );
        assert_eq!(date_in_name("certif_info.csv"), None);
        let csv = b"Code_Diplome;Libelle_Diplome;Code_Scolarit\xe9\r\n83148;Titre \"travaux\r\n1879;DU l\x92an;x\r\n";
        let set = read(&csv[..], "f").unwrap();
        assert!(set.contains(83148) && set.contains(1879));
        assert_eq!(set.len(), 2);
    }
}
