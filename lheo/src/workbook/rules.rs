//! The diagnostic codes of workbooks, in the rule catalogue (`lheo rules`). They are checked
//! whatever the profile: a workbook that loses data cannot be imported.

use crate::diagnostic::Severity::Error;
use crate::rules::{Profile::Xsd, Rule};

const fn rule(code: &'static str, fr: &'static str, en: &'static str) -> Rule {
    Rule {
        code,
        profile: Xsd,
        severity: Error,
        description_fr: fr,
        description_en: en,
    }
}

/// The workbook rules.
pub static RULES: &[Rule] = &[
    rule(
        "CLASSEUR-ILLISIBLE",
        "classeur : le fichier n'est pas un classeur lisible (.xlsx, .xls, .ods)",
        "workbook: the file is not a readable workbook (.xlsx, .xls, .ods)",
    ),
    rule(
        "CLASSEUR-LIMITE",
        "classeur : au-delà des limites d'Excel ou du budget de cellules et d'octets (refusé avant lecture)",
        "workbook: beyond Excel's bounds or the budget of cells and bytes (refused before reading)",
    ),
    rule(
        "CLASSEUR-FEUILLE",
        "classeur : feuille inconnue dont les données seraient perdues",
        "workbook: unknown sheet whose data would be lost",
    ),
    rule(
        "CLASSEUR-COLONNE",
        "classeur : colonne inconnue, en double, sans en-tête, ou colonne de clé parente absente",
        "workbook: unknown, duplicate or headerless column, or missing parent key column",
    ),
    rule(
        "CLASSEUR-DATE",
        "classeur : date impossible (ni date Excel, ni jj/mm/aaaa, aaaa-mm-jj, aaaammjj)",
        "workbook: impossible date (neither an Excel date nor dd/mm/yyyy, yyyy-mm-dd, yyyymmdd)",
    ),
    rule(
        "CLASSEUR-CODE",
        "classeur : ni un code ni un libellé du dictionnaire de la colonne",
        "workbook: neither a code nor a label of the column's dictionary",
    ),
    rule(
        "CLASSEUR-VALEUR",
        "classeur : cellule en erreur (#N/A, #REF!…)",
        "workbook: error cell (#N/A, #REF!…)",
    ),
    rule(
        "CLASSEUR-FORMULE",
        "classeur : formule sans valeur enregistrée (sa valeur serait perdue)",
        "workbook: formula without a saved value (its value would be lost)",
    ),
    rule(
        "CLASSEUR-CLE",
        "classeur : clé de ligne en double dans une feuille",
        "workbook: duplicate row key in a sheet",
    ),
    rule(
        "CLASSEUR-ORPHELINE",
        "classeur : ligne rattachée à une ligne parente qui n'existe pas",
        "workbook: row attached to a parent row that does not exist",
    ),
    rule(
        "CLASSEUR-CHEMIN",
        "classeur : chemin des feuilles attributs ou extras impossible sous l'élément de la ligne",
        "workbook: path of the attributs or extras sheet not possible below the row's element",
    ),
    rule(
        "CLASSEUR-EXTRAS",
        "classeur : XML d'extras mal formé",
        "workbook: ill-formed extras XML",
    ),
    rule(
        "CLASSEUR-RACINE",
        "classeur : plus d'une ligne dans la feuille du document (lheo)",
        "workbook: more than one row in the document's sheet (lheo)",
    ),
];
