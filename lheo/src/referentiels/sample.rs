//! Generated referentials in the published formats, for tests and benchmarks: a France
//! Compétences CSV export of any size (the real one has about 30 000 fiches and 55 000 blocs),
//! written as France Compétences writes it (zip of the ten CSV files with their names, `;`,
//! every value quoted, CRLF, some titles over two lines with quotes and `;` inside).
//!
//! ```
//! use lheo::referentiels::{sample, Loader};
//!
//! let zip = sample::france_competences_csv(100, "2026-08-26")?;
//! let mut loader = Loader::new();
//! loader.add_reader("export-fiches-csv-2026-08-26.zip", std::io::Cursor::new(zip))?;
//! let refs = loader.finish()?;
//! assert_eq!(refs.rncp().map(|t| t.len()), Some(84));
//! assert_eq!(refs.rs().map(|t| t.len()), Some(16));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// Fiche `i` of a generated export: its number and repertory (one in six is an RS fiche).
pub fn fiche(i: usize) -> (&'static str, usize) {
    if i % 6 == 5 {
        ("RS", 5000 + i)
    } else {
        ("RNCP", 30000 + i)
    }
}

/// Whether generated fiche `i` is active (one in four is).
pub fn active(i: usize) -> bool {
    i.is_multiple_of(4)
}

/// A France Compétences CSV export of `fiches` fiches dated `date` (`AAAA-MM-JJ`), as the
/// bytes of its zip. RNCP fiches have two blocs each (`RNCP<n>BC01`, `RNCP<n>BC02`).
pub fn france_competences_csv(fiches: usize, date: &str) -> zip::result::ZipResult<Vec<u8>> {
    let day = date.replace('-', "_");
    let mut standard = String::from("\"Id_Fiche\";\"Numero_Fiche\";\"Intitule\";\"Abrege_Libelle\";\"Abrege_Intitule\";\"Nomenclature_Europe_Niveau\";\"Nomenclature_Europe_Intitule\";\"Accessible_Nouvelle_Caledonie\";\"Accessible_Polynesie_Francaise\";\"Date_dernier_jo\";\"Date_Decision\";\"Date_Fin_Enregistrement\";\"Date_Effet\";\"Type_Enregistrement\";\"Validation_Partielle\";\"Actif\"\r\n");
    let mut blocs =
        String::from("\"Numero_Fiche\";\"Bloc_Competences_Code\";\"Bloc_Competences_Libelle\"\r\n");
    for i in 0..fiches {
        let (prefix, n) = fiche(i);
        let title = if i % 10 == 3 {
            format!("Titre professionnel d’agent n° {i}\r\n(ancien intitulé : « agent ; \"{i}\" »)")
        } else {
            format!("Titre professionnel d’agent n° {i}")
        };
        let year = 2020 + i % 10;
        let actif = if active(i) { "ACTIVE" } else { "INACTIVE" };
        let title = title.replace('"', "\"\"");
        standard.push_str(&format!(
            "\"{}\";\"{prefix}{n}\";\"{title}\";\"TP\";\"Titre professionnel\";\"NIV4\";\"Niveau 4\";\"Non\";\"Non\";\"01/09/{}\";;\"31/08/{year}\";;\"Enregistrement sur demande\";;\"{actif}\"\r\n",
            i + 1,
            year - 5
        ));
        if prefix == "RNCP" {
            for b in 1..=2 {
                blocs.push_str(&format!(
                    "\"RNCP{n}\";\"RNCP{n}BC0{b}\";\"Bloc {b} : réaliser l’activité n° {i}\"\r\n"
                ));
            }
        }
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let empty = |header: &str| format!("{header}\r\n");
    let members: [(&str, String); 10] = [
        ("Standard", standard),
        ("Blocs_De_Compétences", blocs),
        ("VoixdAccès", empty("\"Numero_Fiche\";\"Si_Jury\"")),
        ("Certificateurs", empty("\"Numero_Fiche\";\"Siret_Certificateur\";\"Nom_Certificateur\"")),
        ("Partenaires", empty("\"Numero_Fiche\";\"Nom_Partenaire\";\"Siret_Partenaire\";\"Habilitation_Partenaire\"")),
        ("Formacode", empty("\"Numero_Fiche\";\"Formacode_Code\";\"Formacode_Libelle\"")),
        ("Nsf", empty("\"Numero_Fiche\";\"Nsf_Code\";\"Nsf_Intitule\"")),
        ("Rome", empty("\"Numero_Fiche\";\"Codes_Rome_Code\";\"Codes_Rome_Libelle\"")),
        ("CCN", empty("\"Numero_Fiche\";\"Ccn_1_Numero\";\"Ccn_1_Libelle\"")),
        ("Ancienne_Nouvelle_Certification", empty("\"Numero_Fiche\";\"Ancienne_Certification\";\"Nouvelle_Certification\"")),
    ];
    for (part, content) in members {
        zip.start_file(format!("export_fiches_CSV_{part}_{day}.csv"), options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
