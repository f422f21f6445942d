//! France Compétences' daily export of the RNCP and the RS (data.gouv.fr, « Répertoire
//! national des certifications professionnelles et répertoire spécifique », Licence Ouverte
//! 2.0), in either of its two flavours:
//!
//! - the CSV export `export-fiches-csv-AAAA-MM-JJ.zip`, or the CSV files taken out of it: the
//!   `Standard` file (one row per fiche, RNCP and RS mixed: number, title, `Actif`,
//!   `Date_Fin_Enregistrement`) and the `Blocs_De_Compétences` file; the other eight are not
//!   needed ([`csv`]);
//! - the XML export `export-fiches-rncp-v4-1-AAAA-MM-JJ.zip` or `export-fiches-rs-v4-1-…`
//!   (one XML file each), with the same facts and the blocs ([`xml`]).

pub mod csv;
pub mod xml;

use super::load::{Part, Peek};

/// What a France Compétences file is, from its name and first line.
pub(super) fn recognise(peek: &Peek<'_>) -> Option<Part> {
    let columns = super::input::columns(&peek.header, ';');
    let has = |c: &str| columns.iter().any(|x| x.eq_ignore_ascii_case(c));
    if has("Numero_Fiche") {
        if has("Actif") && has("Intitule") {
            return Some(Part::FcStandard);
        }
        if has("Bloc_Competences_Code") {
            return Some(Part::FcBlocs);
        }
        return Some(Part::Ignored {
            fr: "fichier de l'export CSV France Compétences dont lheo ne se sert pas (seuls Standard et Blocs_De_Compétences servent)".into(),
            en: "file of the France Compétences CSV export that lheo does not use (only Standard and Blocs_De_Compétences are used)".into(),
        });
    }
    xml::is_export(peek.head).then_some(Part::FcXml)
}
