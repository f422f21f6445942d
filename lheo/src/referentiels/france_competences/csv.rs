//! The CSV export: UTF-8 (a byte order mark is tolerated), `;`, every value quoted, values
//! that hold line breaks (a real CSV reader is needed: the Standard file of 2026 has 36 000
//! lines for 30 484 fiches), dates `JJ/MM/AAAA`, `Actif` = `ACTIVE` | `INACTIVE`.

use std::io::BufRead;

use crate::referentiels::code;
use crate::referentiels::input::{self, CsvDialect};
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
    let mut rdr = input::csv_reader(input, DIALECT).map_err(|e| Error::referentiel_io(file, &e))?;
    let header = rdr
        .byte_headers()
        .map_err(|e| input::csv_error(file, &e))?
        .clone();
    let [numero, intitule, actif, fin] = input::header_indexes(
        &header,
        [
            "Numero_Fiche",
            "Intitule",
            "Actif",
            "Date_Fin_Enregistrement",
        ],
    );
    let (Some(numero), Some(actif)) = (numero, actif) else {
        return Err(Error::referentiel(
            file,
            "colonnes Numero_Fiche et Actif attendues dans le fichier Standard",
            "columns Numero_Fiche and Actif expected in the Standard file",
        ));
    };
    let mut rncp = Certifications::new(Repertoire::Rncp);
    let mut rs = Certifications::new(Repertoire::Rs);
    let mut record = ::csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(input::csv_error(file, &e)),
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or_default();
        let Some((repertoire, number)) = Repertoire::split(&input::text(field(Some(numero))))
        else {
            // A row without a fiche number (there is none in real exports): nothing to check
            // a code against.
            continue;
        };
        let active = input::text(field(Some(actif))).trim() == "ACTIVE";
        let end = code::date(&input::text(field(fin)));
        let title = input::text(field(intitule));
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
    let mut rdr = input::csv_reader(input, DIALECT).map_err(|e| Error::referentiel_io(file, &e))?;
    let header = rdr
        .byte_headers()
        .map_err(|e| input::csv_error(file, &e))?
        .clone();
    let [numero, bloc] = input::header_indexes(&header, ["Numero_Fiche", "Bloc_Competences_Code"]);
    let (Some(numero), Some(bloc)) = (numero, bloc) else {
        return Err(Error::referentiel(
            file,
            "colonnes Numero_Fiche et Bloc_Competences_Code attendues dans le fichier des blocs",
            "columns Numero_Fiche and Bloc_Competences_Code expected in the blocs file",
        ));
    };
    let mut out = Vec::new();
    let mut record = ::csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(input::csv_error(file, &e)),
        }
        let (Some(n), Some(b)) = (record.get(numero), record.get(bloc)) else {
            continue;
        };
        let Some((repertoire, number)) = Repertoire::split(&input::text(n)) else {
            continue;
        };
        let b = input::text(b);
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
