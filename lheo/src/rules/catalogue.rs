//! The rule catalogue: every diagnostic code the library can emit, with its profile, severity
//! and a one-line description in French and English. `lheo rules` prints it; the codes are a
//! public contract (CI pipelines filter on them) and never change meaning.

use serde::Serialize;

use crate::diagnostic::Severity;

/// A validation profile. Each profile includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Exactly what the official LHEO 2.3 XSD accepts.
    Xsd,
    /// The XSD plus what the LHEO specification says beyond it (the default).
    Lheo,
    /// `lheo` plus the France Travail rules on recruitment modalities and addresses.
    FranceTravail,
}

impl Profile {
    /// Every profile, from the smallest.
    pub const ALL: [Profile; 3] = [Profile::Xsd, Profile::Lheo, Profile::FranceTravail];

    /// The name used on the command line: `xsd`, `lheo`, `france-travail`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Xsd => "xsd",
            Profile::Lheo => "lheo",
            Profile::FranceTravail => "france-travail",
        }
    }

    /// The profile named `name`.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// `true` when this profile runs the checks of `other`.
    pub fn includes(self, other: Profile) -> bool {
        self >= other
    }
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable code.
    pub code: &'static str,
    /// The smallest profile that runs the rule.
    pub profile: Profile,
    /// Severity of its diagnostics.
    pub severity: Severity,
    /// One line, in French.
    pub description_fr: &'static str,
    /// One line, in English.
    pub description_en: &'static str,
}

const fn entry(
    code: &'static str,
    profile: Profile,
    severity: Severity,
    description_fr: &'static str,
    description_en: &'static str,
) -> Rule {
    Rule {
        code,
        profile,
        severity,
        description_fr,
        description_en,
    }
}

use Profile::{Lheo, Xsd};
use Severity::{Error, Info, Warning};

/// Every rule, grouped by profile.
pub static RULES: &[Rule] = &[
    entry(
        "XML-MALFORME",
        Xsd,
        Error,
        "le fichier n'est pas un XML bien formé",
        "the file is not well-formed XML",
    ),
    entry(
        "XML-ENCODAGE",
        Xsd,
        Error,
        "encodage illisible ou non pris en charge",
        "unreadable or unsupported encoding",
    ),
    entry(
        "XML-DTD",
        Xsd,
        Error,
        "DTD et entités refusées (aucune entité n'est résolue)",
        "DTDs and entities are refused (no entity is resolved)",
    ),
    entry(
        "XML-LIMITE",
        Xsd,
        Error,
        "limite de sécurité dépassée (profondeur, taille de texte)",
        "safety limit exceeded (depth, text size)",
    ),
    entry(
        "XSD-RACINE",
        Xsd,
        Error,
        "l'élément racine n'est pas un élément déclaré par le XSD LHEO 2.3",
        "the root element is not an element the LHEO 2.3 XSD declares",
    ),
    entry(
        "XSD-ELEMENT-INCONNU",
        Xsd,
        Error,
        "élément qui n'existe pas en LHEO 2.3 (nom inconnu ou autre espace de noms)",
        "element that does not exist in LHEO 2.3 (unknown name or another namespace)",
    ),
    entry(
        "XSD-ELEMENT-INATTENDU",
        Xsd,
        Error,
        "élément à une place où le schéma ne l'admet pas (ordre, nombre)",
        "element where the schema does not allow it (order, count)",
    ),
    entry(
        "XSD-ELEMENT-MANQUANT",
        Xsd,
        Error,
        "élément obligatoire absent (signalé avant l'élément suivant, ou sur le parent)",
        "required element missing (reported before the next element, or on the parent)",
    ),
    entry(
        "XSD-TEXTE-INTERDIT",
        Xsd,
        Error,
        "texte ou section CDATA dans un élément qui ne contient que des éléments",
        "text or CDATA section in an element that holds only elements",
    ),
    entry(
        "XSD-CONTENU-SIMPLE",
        Xsd,
        Error,
        "élément enfant dans un élément qui ne contient que du texte",
        "child element in an element that holds only text",
    ),
    entry(
        "XSD-ATTRIBUT-INCONNU",
        Xsd,
        Error,
        "attribut non admis sur cet élément (xml:lang et attributs préfixés compris, sauf sur extra)",
        "attribute not allowed on this element (xml:lang and prefixed attributes too, except on extra)",
    ),
    entry(
        "XSD-LONGUEUR",
        Xsd,
        Error,
        "longueur du texte hors des bornes du schéma",
        "text length outside the schema's bounds",
    ),
    entry(
        "XSD-MOTIF",
        Xsd,
        Error,
        "valeur qui ne suit pas le motif du schéma (date AAAAMMJJ)",
        "value not matching the schema's pattern (date AAAAMMJJ)",
    ),
    entry(
        "XSD-CODE",
        Xsd,
        Error,
        "code absent du dictionnaire",
        "code not in the dictionary",
    ),
    entry(
        "XSD-ENTIER",
        Xsd,
        Error,
        "nombre entier (xs:long) mal écrit",
        "malformed integer (xs:long)",
    ),
    entry(
        "XSD-DATETIME",
        Xsd,
        Error,
        "horodatage (xs:dateTime) mal écrit",
        "malformed timestamp (xs:dateTime)",
    ),
    entry(
        "XSD-URI",
        Xsd,
        Error,
        "URI (xs:anyURI) mal formée",
        "malformed URI (xs:anyURI)",
    ),
    entry(
        "XSD-ID",
        Xsd,
        Error,
        "identifiant @id ou @idref qui n'est pas un nom XML (NCName)",
        "@id or @idref that is not an XML name (NCName)",
    ),
    entry(
        "XSD-ID-DOUBLON",
        Xsd,
        Error,
        "@id déjà utilisé dans le document (xml:id compris)",
        "@id already used in the document (xml:id included)",
    ),
    entry(
        "XSD-XSI",
        Xsd,
        Error,
        "attribut xsi: refusé (xsi:nil ; xsi:type autre que le type propre de l'élément)",
        "xsi: attribute refused (xsi:nil; xsi:type other than the element's own type)",
    ),
    entry(
        "LHEO-VERSION",
        Lheo,
        Info,
        "document LHEO 2.0 à 2.2 lu comme LHEO 2.3",
        "LHEO 2.0–2.2 document read as LHEO 2.3",
    ),
    entry(
        "LHEO-RACINE",
        Lheo,
        Warning,
        "un document LHEO a pour racine lheo, lheo-index ou lheo-plus",
        "an LHEO document's root is lheo, lheo-index or lheo-plus",
    ),
    entry(
        "LHEO-NON-VERIFIE",
        Lheo,
        Info,
        "règles métier non vérifiées sur une formation dont la structure est invalide",
        "business rules skipped on a formation whose structure is invalid",
    ),
    entry(
        "LHEO-DATE",
        Lheo,
        Error,
        "date impossible (les conventions 00000000, AAAAMM00, AAAA0000 sont admises)",
        "impossible date (00000000, AAAAMM00, AAAA0000 are allowed)",
    ),
    entry(
        "LHEO-PERIODE",
        Lheo,
        Error,
        "période dont le début est après la fin",
        "period starting after it ends",
    ),
    entry(
        "LHEO-HEURE",
        Lheo,
        Error,
        "heure mal écrite (attendu 14h15, 9h ou 12h)",
        "malformed hour (expected 14h15, 9h or 12h)",
    ),
    entry(
        "LHEO-BORNES",
        Lheo,
        Error,
        "nombre hors des bornes LHEO (ex. nb-places 0 à 99999)",
        "number outside the LHEO bounds (e.g. nb-places 0 to 99999)",
    ),
    entry(
        "LHEO-IDREF",
        Lheo,
        Error,
        "@idref qui ne désigne aucun @id du document",
        "@idref pointing at no @id of the document",
    ),
    entry(
        "LHEO-SIRET",
        Lheo,
        Warning,
        "SIRET dont la clé de contrôle (Luhn) est fausse",
        "SIRET whose check digit (Luhn) is wrong",
    ),
];

/// Every rule of every profile: the structural and LHEO rules ([`RULES`]), the France
/// Travail ones ([`super::france_travail::RULES`]), the referential ones
/// ([`crate::referentiels::RULES`], run once a referential is given), then the workbook ones.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    RULES
        .iter()
        .chain(super::france_travail::RULES.iter())
        .chain(crate::referentiels::RULES.iter())
        .chain(WORKBOOK_RULES.iter())
}

#[cfg(feature = "workbook")]
use crate::workbook::RULES as WORKBOOK_RULES;
/// No workbook support: no workbook rules.
#[cfg(not(feature = "workbook"))]
const WORKBOOK_RULES: &[Rule] = &[];

/// The catalogue entry for `code`.
pub fn rule(code: &str) -> Option<&'static Rule> {
    all().find(|r| r.code == code)
}

/// The rules a profile runs.
pub fn rules_for(profile: Profile) -> impl Iterator<Item = &'static Rule> {
    all().filter(move |r| profile.includes(r.profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = all().map(|r| r.code).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn france_travail_codes_are_in_the_catalogue() {
        assert_eq!(
            rule("FT-RDV-PLAGE").map(|r| r.profile),
            Some(Profile::FranceTravail)
        );
        assert_eq!(
            rules_for(Profile::FranceTravail)
                .filter(|r| r.code.starts_with("FT-"))
                .count(),
            19
        );
        assert_eq!(
            rules_for(Profile::Lheo)
                .filter(|r| r.code.starts_with("FT-"))
                .count(),
            0
        );
    }

    #[test]
    fn profiles_include_smaller_ones() {
        assert!(Profile::FranceTravail.includes(Profile::Xsd));
        assert!(!Profile::Xsd.includes(Profile::Lheo));
        assert_eq!(
            Profile::from_name("france-travail"),
            Some(Profile::FranceTravail)
        );
        assert!(rules_for(Profile::Xsd).all(|r| r.profile == Profile::Xsd));
    }
}
