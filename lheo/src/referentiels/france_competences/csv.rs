//! The CSV export: UTF-8 (a byte order mark is tolerated), `;`, every value quoted, values
//! that hold line breaks (a real CSV reader is needed: the Standard file of 2026 has 36 000
//! lines for 30 484 fiches), dates `JJ/MM/AAAA`, `Actif` = `ACTIVE` | `INACTIVE`.

use std::io::BufRead;

use crate::referentiels::code;
use crate::referentiels::input::{CsvDialect, Rows};
use crate::referentiels::tables::{Certifications, Repertoire};
use crate::Error;

const DIALECT: CsvDialect = CsvDialect {
    delimiter: b';',
    quoting: true,
};

/// Reads the `Standard` file into the RNCP and RS tables.
pub fn read_standard<R: BufRead>(
    input: R,
    file: &str,
) -> Result<(Certifications, Certifications), Error> {
    let mut rows = Rows::open(
        input,
        file,
        DIALECT,
        [
            "Numero_Fiche",
            "Actif",
            "Intitule",
            "Date_Fin_Enregistrement",
        ],
        2,
    )?;
    let mut rncp = Certifications::new(Repertoire::Rncp);
    let mut rs = Certifications::new(Repertoire::Rs);
    while let Some(row) = rows.next_row()? {
        let text = |k: usize| row.text(k).unwrap_or_default();
        let Some((repertoire, number)) = Repertoire::split(&text(0)) else {
            // A row without a fiche number (there is none in real exports): nothing to check
            // a code against.
            continue;
        };
        let active = text(1).trim() == "ACTIVE";
        let end = code::date(&text(3));
        let title = text(2);
        let table = match repertoire {
            Repertoire::Rncp => &mut rncp,
            Repertoire::Rs => &mut rs,
        };
        table.push(number, title.trim(), active, end);
    }
    Ok((rncp, rs))
}

/// Reads the `Blocs_De_Compétences` file: (repertory, fiche number, bloc code).
pub fn read_blocs<R: BufRead>(
    input: R,
    file: &str,
) -> Result<Vec<(Repertoire, u32, String)>, Error> {
    let mut rows = Rows::open(
        input,
        file,
        DIALECT,
        ["Numero_Fiche", "Bloc_Competences_Code"],
        2,
    )?;
    let mut out = Vec::new();
    while let Some(row) = rows.next_row()? {
        let (Some(n), Some(b)) = (row.text(0), row.text(1)) else {
            continue;
        };
        let Some((repertoire, number)) = Repertoire::split(&n) else {
            continue;
        };
        if !b.trim().is_empty() {
            out.push((repertoire, number, b.into_owned()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_values_and_bom() {
        let csv = "\u{feff}\"Id_Fiche\";\"Numero_Fiche\";\"Intitule\";\"Date_Fin_Enregistrement\";\"Actif\"\r\n\
                   \"1\";\"RNCP1\";\"Titre\r\nsur deux lignes; avec \"\"guillemets\"\"\";\"31/08/2025\";\"ACTIVE\"\r\n\
                   \"2\";\"RS2\";\"Autre\";;\"INACTIVE\"\r\n";
        let (rncp, rs) = read_standard(csv.as_bytes(), "t.csv").unwrap();
        let f = rncp.get(1).unwrap();
        assert!(f.active);
        assert_eq!(f.title, "Titre\r\nsur deux lignes; avec \"guillemets\"");
        assert_eq!(
            f.end_of_registration.map(|d| d.to_string()).as_deref(),
            Some("2025-08-31")
        );
        let g = rs.get(2).unwrap();
        assert!(!g.active && g.end_of_registration.is_none());
    }

    #[test]
    fn a_standard_file_needs_its_columns() {
        let e = read_standard("\"A\";\"B\"\r\n".as_bytes(), "x.csv").unwrap_err();
        assert!(e.to_string().contains("Numero_Fiche"), "{e}");
    }
}
