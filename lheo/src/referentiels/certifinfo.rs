//! Certif Info (Réseau des Carif-Oref and Onisep, data.gouv.fr « Référentiel national des
//! certifications »): `opendata-certifinfo-JJMMAAAA.csv`, Windows-1252 with a few stray UTF-8
//! sequences, `;`, no quoting (values hold literal `"`). `Code_Diplome` is the number
//! `code-CERTIFINFO` holds. The open data lists live records only: a number missing from it
//! may be archived rather than wrong, hence a warning.

use std::io::BufRead;

use chrono::NaiveDate;

use super::input::{self, CsvDialect};
use super::load::{Part, Peek};
use super::tables::CodeSet;
use super::Error;

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
    let dialect = CsvDialect {
        delimiter: b';',
        quoting: false,
    };
    let mut rdr = input::csv_reader(input, dialect).map_err(|e| Error::referentiel_io(file, &e))?;
    let header = rdr
        .byte_headers()
        .map_err(|e| input::csv_error(file, &e))?
        .clone();
    let [code_i] = input::header_indexes(&header, ["Code_Diplome"]);
    let Some(code_i) = code_i else {
        return Err(Error::referentiel(
            file,
            "colonne Code_Diplome attendue",
            "column Code_Diplome expected",
        ));
    };
    let mut set = CodeSet::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(input::csv_error(file, &e)),
        }
        if let Some(n) = record
            .get(code_i)
            .and_then(|c| super::code::certifinfo(&input::text(c)))
        {
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
