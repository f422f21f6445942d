//! The rule catalogue: every rule the library checks, each with its stable code, the smallest
//! profile that runs it, its severity and a one-line description in French and English.
//!
//! It is the one source of these facts: a [`Diagnostic`](super::Diagnostic) refers to its
//! [`Rule`] (so an unknown code cannot be written: it does not compile), `lheo rules` prints
//! the table, the JSON Schemas of the reports take their enumerations from it (a test holds
//! them together), and the documentation of each [`Rule`] variant is its entry. The codes are a
//! public contract (CI pipelines filter on them) and never change meaning.
//!
//! **Adding a rule** is one entry in the table at the end of this file:
//!
//! ```text
//! CarifIntituleCourt = entry(
//!     "CARIF-INTITULE-COURT",   // the code: PREFIX-WORDS, in capitals
//!     Carif,                    // the smallest profile that runs it (a `Profile` variant)
//!     Warning,                  // its severity (`Error`, `Warning` or `Info`)
//!     "description en français", // one line each, without a final period
//!     "description in English",
//! ),
//! ```
//!
//! then emit it with `Diagnostic::new(Rule::CarifIntituleCourt, fr, en)`.
//!
//! ```
//! use lheo::rules::{catalogue, Profile, Rule};
//! use lheo::Severity;
//!
//! let rule = Rule::FtRdvPlage;
//! assert_eq!(rule.code(), "FT-RDV-PLAGE");
//! assert_eq!(rule.profile(), Profile::FranceTravail);
//! assert_eq!(rule.severity(), Severity::Error);
//! assert_eq!(catalogue::rule("FT-RDV-PLAGE"), Some(rule));
//! assert!(catalogue::rules_for(Profile::Xsd).all(|r| r.profile() == Profile::Xsd));
//! ```

use std::fmt;

use serde::{Serialize, Serializer};

use super::{Lang, Severity};

/// A validation profile. `xsd` ⊂ `lheo`; `france-travail` and `carif` each add their rules to
/// `lheo`; `parcoursup` adds its rules to `carif` ([`Profile::includes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Profile {
    /// Exactly what the official LHEO 2.3 XSD accepts.
    Xsd,
    /// The XSD plus what the LHEO specification says beyond it (the default).
    Lheo,
    /// `lheo` plus the France Travail rules on recruitment modalities and addresses.
    FranceTravail,
    /// `lheo` plus what the Carif-Oref guides ask before publishing (OFeli, DOKELIO).
    Carif,
    /// `carif` plus the conditions of the automatic import of apprenticeship offers into
    /// Parcoursup.
    Parcoursup,
}

impl Profile {
    /// Every profile, from the smallest.
    pub const ALL: [Profile; 5] = [
        Profile::Xsd,
        Profile::Lheo,
        Profile::FranceTravail,
        Profile::Carif,
        Profile::Parcoursup,
    ];

    /// The name used on the command line: `xsd`, `lheo`, `france-travail`, `carif`,
    /// `parcoursup`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Xsd => "xsd",
            Profile::Lheo => "lheo",
            Profile::FranceTravail => "france-travail",
            Profile::Carif => "carif",
            Profile::Parcoursup => "parcoursup",
        }
    }

    /// The profile named `name`.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// `true` when this profile runs the checks of `other`: every profile includes `xsd`,
    /// every one but `xsd` includes `lheo`, `parcoursup` includes `carif`; `france-travail`
    /// and `carif` do not include each other.
    pub fn includes(self, other: Profile) -> bool {
        use Profile::*;
        match (self, other) {
            _ if self == other => true,
            (_, Xsd) => true,
            (Xsd, _) => false,
            (_, Lheo) => true,
            (Parcoursup, Carif) => true,
            _ => false,
        }
    }
}

/// A catalogue entry's facts.
#[derive(Debug)]
struct Entry {
    code: &'static str,
    profile: Profile,
    severity: Severity,
    fr: &'static str,
    en: &'static str,
}

/// Declares the [`Rule`] enum from the table: one variant per entry, documented by it.
macro_rules! catalogue {
    ($(
        $variant:ident = entry(
            $code:literal,
            $profile:ident,
            $severity:ident,
            $fr:literal,
            $en:literal $(,)?
        ),
    )*) => {
        /// A rule of the catalogue: the identity of every [`Diagnostic`](super::Diagnostic).
        /// Its facts (code, profile, severity, descriptions) are its catalogue entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $(
                #[doc = concat!("`", $code, "` (", stringify!($severity), "): ", $en, ".")]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            const fn entry(self) -> &'static Entry {
                match self {
                    $(Rule::$variant => &Entry {
                        code: $code,
                        profile: Profile::$profile,
                        severity: Severity::$severity,
                        fr: $fr,
                        en: $en,
                    },)*
                }
            }
        }
    };
}

impl Rule {
    /// The stable code, e.g. `FT-RDV-PLAGE`.
    pub const fn code(self) -> &'static str {
        self.entry().code
    }

    /// The smallest profile that runs the rule.
    pub const fn profile(self) -> Profile {
        self.entry().profile
    }

    /// The severity of its diagnostics (a diagnostic may say otherwise, e.g. an info beside a
    /// warning rule).
    pub const fn severity(self) -> Severity {
        self.entry().severity
    }

    /// One line, in `lang`.
    pub const fn description(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.entry().fr,
            Lang::En => self.entry().en,
        }
    }
}

impl fmt::Display for Rule {
    /// The code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    /// The code, as a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Every rule of every profile, in catalogue order.
pub fn all() -> impl Iterator<Item = Rule> {
    Rule::ALL.iter().copied()
}

/// The rule whose code is `code`.
pub fn rule(code: &str) -> Option<Rule> {
    all().find(|r| r.code() == code)
}

/// The rules a profile runs.
pub fn rules_for(profile: Profile) -> impl Iterator<Item = Rule> {
    all().filter(move |r| profile.includes(r.profile()))
}

catalogue! {
    XmlMalforme = entry(
        "XML-MALFORME",
        Xsd,
        Error,
        "le fichier n'est pas un XML bien formé",
        "the file is not well-formed XML",
    ),
    XmlEncodage = entry(
        "XML-ENCODAGE",
        Xsd,
        Error,
        "encodage illisible ou non pris en charge",
        "unreadable or unsupported encoding",
    ),
    XmlDtd = entry(
        "XML-DTD",
        Xsd,
        Error,
        "DTD et entités refusées (aucune entité n'est résolue)",
        "DTDs and entities are refused (no entity is resolved)",
    ),
    XmlLimite = entry(
        "XML-LIMITE",
        Xsd,
        Error,
        "limite de sécurité dépassée (profondeur, taille de texte)",
        "safety limit exceeded (depth, text size)",
    ),
    ErreurInterne = entry(
        "ERREUR-INTERNE",
        Xsd,
        Error,
        "erreur interne de lheo (un fil de travail a paniqué) : la vérification est incomplète, signalez-la",
        "internal lheo error (a worker thread panicked): the check is incomplete, please report it",
    ),
    XsdRacine = entry(
        "XSD-RACINE",
        Xsd,
        Error,
        "l'élément racine n'est pas un élément déclaré par le XSD LHEO 2.3",
        "the root element is not an element the LHEO 2.3 XSD declares",
    ),
    XsdElementInconnu = entry(
        "XSD-ELEMENT-INCONNU",
        Xsd,
        Error,
        "élément qui n'existe pas en LHEO 2.3 (nom inconnu ou autre espace de noms)",
        "element that does not exist in LHEO 2.3 (unknown name or another namespace)",
    ),
    XsdElementInattendu = entry(
        "XSD-ELEMENT-INATTENDU",
        Xsd,
        Error,
        "élément à une place où le schéma ne l'admet pas (ordre, nombre)",
        "element where the schema does not allow it (order, count)",
    ),
    XsdElementManquant = entry(
        "XSD-ELEMENT-MANQUANT",
        Xsd,
        Error,
        "élément obligatoire absent (signalé avant l'élément suivant, ou sur le parent)",
        "required element missing (reported before the next element, or on the parent)",
    ),
    XsdTexteInterdit = entry(
        "XSD-TEXTE-INTERDIT",
        Xsd,
        Error,
        "texte ou section CDATA dans un élément qui ne contient que des éléments",
        "text or CDATA section in an element that holds only elements",
    ),
    XsdContenuSimple = entry(
        "XSD-CONTENU-SIMPLE",
        Xsd,
        Error,
        "élément enfant dans un élément qui ne contient que du texte",
        "child element in an element that holds only text",
    ),
    XsdAttributInconnu = entry(
        "XSD-ATTRIBUT-INCONNU",
        Xsd,
        Error,
        "attribut non admis sur cet élément (xml:lang et attributs préfixés compris, sauf sur extra)",
        "attribute not allowed on this element (xml:lang and prefixed attributes too, except on extra)",
    ),
    XsdLongueur = entry(
        "XSD-LONGUEUR",
        Xsd,
        Error,
        "longueur du texte hors des bornes du schéma",
        "text length outside the schema's bounds",
    ),
    XsdMotif = entry(
        "XSD-MOTIF",
        Xsd,
        Error,
        "valeur qui ne suit pas le motif du schéma (date AAAAMMJJ)",
        "value not matching the schema's pattern (date AAAAMMJJ)",
    ),
    XsdCode = entry(
        "XSD-CODE",
        Xsd,
        Error,
        "code absent du dictionnaire",
        "code not in the dictionary",
    ),
    XsdEntier = entry(
        "XSD-ENTIER",
        Xsd,
        Error,
        "nombre entier (xs:long) mal écrit",
        "malformed integer (xs:long)",
    ),
    XsdDatetime = entry(
        "XSD-DATETIME",
        Xsd,
        Error,
        "horodatage (xs:dateTime) mal écrit",
        "malformed timestamp (xs:dateTime)",
    ),
    XsdUri = entry(
        "XSD-URI",
        Xsd,
        Error,
        "URI (xs:anyURI) mal formée",
        "malformed URI (xs:anyURI)",
    ),
    XsdId = entry(
        "XSD-ID",
        Xsd,
        Error,
        "identifiant @id ou @idref qui n'est pas un nom XML (NCName)",
        "@id or @idref that is not an XML name (NCName)",
    ),
    XsdIdDoublon = entry(
        "XSD-ID-DOUBLON",
        Xsd,
        Error,
        "@id déjà utilisé dans le document (xml:id compris)",
        "@id already used in the document (xml:id included)",
    ),
    XsdXsi = entry(
        "XSD-XSI",
        Xsd,
        Error,
        "attribut xsi: refusé (xsi:nil ; xsi:type autre que le type propre de l'élément)",
        "xsi: attribute refused (xsi:nil; xsi:type other than the element's own type)",
    ),
    LheoVersion = entry(
        "LHEO-VERSION",
        Lheo,
        Info,
        "document LHEO 2.0 à 2.2 lu comme LHEO 2.3",
        "LHEO 2.0–2.2 document read as LHEO 2.3",
    ),
    LheoRacine = entry(
        "LHEO-RACINE",
        Lheo,
        Warning,
        "un document LHEO a pour racine lheo, lheo-index ou lheo-plus",
        "an LHEO document's root is lheo, lheo-index or lheo-plus",
    ),
    LheoNonVerifie = entry(
        "LHEO-NON-VERIFIE",
        Lheo,
        Info,
        "règles métier non vérifiées sur une formation dont la structure est invalide",
        "business rules skipped on a formation whose structure is invalid",
    ),
    LheoDate = entry(
        "LHEO-DATE",
        Lheo,
        Error,
        "date impossible (les conventions 00000000, AAAAMM00, AAAA0000 sont admises)",
        "impossible date (00000000, AAAAMM00, AAAA0000 are allowed)",
    ),
    LheoPeriode = entry(
        "LHEO-PERIODE",
        Lheo,
        Error,
        "période dont le début est après la fin",
        "period starting after it ends",
    ),
    LheoHeure = entry(
        "LHEO-HEURE",
        Lheo,
        Error,
        "heure mal écrite (attendu 14h15, 9h ou 12h)",
        "malformed hour (expected 14h15, 9h or 12h)",
    ),
    LheoBornes = entry(
        "LHEO-BORNES",
        Lheo,
        Error,
        "nombre hors des bornes LHEO (ex. nb-places 0 à 99999)",
        "number outside the LHEO bounds (e.g. nb-places 0 to 99999)",
    ),
    LheoIdref = entry(
        "LHEO-IDREF",
        Lheo,
        Error,
        "@idref qui ne désigne aucun @id du document",
        "@idref pointing at no @id of the document",
    ),
    LheoSiret = entry(
        "LHEO-SIRET",
        Lheo,
        Warning,
        "SIRET dont la clé de contrôle (Luhn) est fausse",
        "SIRET whose check digit (Luhn) is wrong",
    ),
    // France Travail (profile france-travail): OFeli user guide, « ZOOM sur les Modalités de
    // recrutement ». Their codes are a public contract.
    FtRecNumero = entry(
        "FT-REC-NUMERO",
        FranceTravail,
        Error,
        "un recrutement 7/8/9 a un @numero non vide, unique dans le fichier",
        "a 7/8/9 recrutement has a non-empty @numero, unique in the file",
    ),
    FtRecEtat = entry(
        "FT-REC-ETAT",
        FranceTravail,
        Error,
        "une session avec un recrutement 7/8/9 a etat-recrutement = 1 (ouvert)",
        "a session with a 7/8/9 recrutement has etat-recrutement = 1 (open)",
    ),
    FtIscPlaces = entry(
        "FT-ISC-PLACES",
        FranceTravail,
        Error,
        "ISC : nb-places présent, de 1 à 999",
        "ISC: nb-places present, 1 to 999",
    ),
    FtIscPeriode = entry(
        "FT-ISC-PERIODE",
        FranceTravail,
        Error,
        "ISC : periode présente avec des dates debut et fin réelles",
        "ISC: periode present with real debut and fin dates",
    ),
    FtIscDebut = entry(
        "FT-ISC-DEBUT",
        FranceTravail,
        Error,
        "ISC : debut strictement avant la fin de la session",
        "ISC: debut strictly before the session's fin",
    ),
    FtIscChevauchement = entry(
        "FT-ISC-CHEVAUCHEMENT",
        FranceTravail,
        Error,
        "ISC : les périodes d'une même session ne se chevauchent pas",
        "ISC: the periods of one session do not overlap",
    ),
    FtRdvMax = entry(
        "FT-RDV-MAX",
        FranceTravail,
        Error,
        "au plus 120 RDVI + ICO dans une session",
        "at most 120 RDVI + ICO in one session",
    ),
    FtRdvPlaces = entry(
        "FT-RDV-PLACES",
        FranceTravail,
        Error,
        "RDVI/ICO : nb-places présent, de 1 à 299",
        "RDVI/ICO: nb-places present, 1 to 299",
    ),
    FtRdvDate = entry(
        "FT-RDV-DATE",
        FranceTravail,
        Error,
        "RDVI/ICO : periode présente, sur un seul jour (debut = fin)",
        "RDVI/ICO: periode present, one day (debut = fin)",
    ),
    FtRdvPasse = entry(
        "FT-RDV-PASSE",
        FranceTravail,
        Error,
        "RDVI/ICO : date aujourd'hui ou plus tard (--today)",
        "RDVI/ICO: date today or later (--today)",
    ),
    FtRdvApresFin = entry(
        "FT-RDV-APRES-FIN",
        FranceTravail,
        Error,
        "RDVI/ICO : date au plus tard la fin de la session",
        "RDVI/ICO: date no later than the session's fin",
    ),
    FtRdvHeures = entry(
        "FT-RDV-HEURES",
        FranceTravail,
        Error,
        "RDVI/ICO : heure-debut et heure-fin présentes et bien écrites (14h15, 9h, 12h)",
        "RDVI/ICO: heure-debut and heure-fin present and well-formed (14h15, 9h, 12h)",
    ),
    FtRdvPlage = entry(
        "FT-RDV-PLAGE",
        FranceTravail,
        Error,
        "RDVI/ICO : début à 7h00 ou après, fin à 20h00 ou avant, fin après le début",
        "RDVI/ICO: start at 7h00 or later, end at 20h00 or earlier, end after start",
    ),
    FtRdvAdresse = entry(
        "FT-RDV-ADRESSE",
        FranceTravail,
        Warning,
        "RDVI/ICO sur place (a-distance ≠ 1) avec une adresse ; à distance sans adresse : adresse fictive en aval (info)",
        "on-site RDVI/ICO (a-distance ≠ 1) has an address; remote without address: fictive address downstream (info)",
    ),
    FtAdrLigne = entry(
        "FT-ADR-LIGNE",
        FranceTravail,
        Error,
        "toute adresse : première ligne non vide",
        "every adresse: first ligne not blank",
    ),
    FtAdrVille = entry(
        "FT-ADR-VILLE",
        FranceTravail,
        Error,
        "toute adresse : ville non vide",
        "every adresse: ville not blank",
    ),
    FtAdrCodepostal = entry(
        "FT-ADR-CODEPOSTAL",
        FranceTravail,
        Error,
        "toute adresse : codepostal alphanumérique, différent de 00000",
        "every adresse: codepostal alphanumeric, not 00000",
    ),
    FtAdrInsee = entry(
        "FT-ADR-INSEE",
        FranceTravail,
        Error,
        "toute adresse : code-INSEE-commune présent, alphanumérique, différent de 00000",
        "every adresse: code-INSEE-commune present, alphanumeric, not 00000",
    ),
    FtSessionModalite = entry(
        "FT-SESSION-MODALITE",
        FranceTravail,
        Warning,
        "une session propose au moins une modalité 7, 8 ou 9 (sinon pas de candidature en ligne)",
        "a session offers at least one of 7, 8 or 9 (else no online application)",
    ),
    // Workbooks, checked whatever the profile: a workbook that loses data cannot be imported.
    ClasseurIllisible = entry(
        "CLASSEUR-ILLISIBLE",
        Xsd,
        Error,
        "classeur : le fichier n'est pas un classeur lisible (.xlsx, .xls, .ods)",
        "workbook: the file is not a readable workbook (.xlsx, .xls, .ods)",
    ),
    ClasseurFeuille = entry(
        "CLASSEUR-FEUILLE",
        Xsd,
        Error,
        "classeur : feuille inconnue dont les données seraient perdues",
        "workbook: unknown sheet whose data would be lost",
    ),
    ClasseurColonne = entry(
        "CLASSEUR-COLONNE",
        Xsd,
        Error,
        "classeur : colonne inconnue, en double, sans en-tête, ou colonne de clé parente absente",
        "workbook: unknown, duplicate or headerless column, or missing parent key column",
    ),
    ClasseurDate = entry(
        "CLASSEUR-DATE",
        Xsd,
        Error,
        "classeur : date impossible (ni date Excel, ni jj/mm/aaaa, aaaa-mm-jj, aaaammjj)",
        "workbook: impossible date (neither an Excel date nor dd/mm/yyyy, yyyy-mm-dd, yyyymmdd)",
    ),
    ClasseurCode = entry(
        "CLASSEUR-CODE",
        Xsd,
        Error,
        "classeur : ni un code ni un libellé du dictionnaire de la colonne",
        "workbook: neither a code nor a label of the column's dictionary",
    ),
    ClasseurValeur = entry(
        "CLASSEUR-VALEUR",
        Xsd,
        Error,
        "classeur : cellule en erreur (#N/A, #REF!…)",
        "workbook: error cell (#N/A, #REF!…)",
    ),
    ClasseurCle = entry(
        "CLASSEUR-CLE",
        Xsd,
        Error,
        "classeur : clé de ligne en double dans une feuille",
        "workbook: duplicate row key in a sheet",
    ),
    ClasseurOrpheline = entry(
        "CLASSEUR-ORPHELINE",
        Xsd,
        Error,
        "classeur : ligne rattachée à une ligne parente qui n'existe pas",
        "workbook: row attached to a parent row that does not exist",
    ),
    ClasseurChemin = entry(
        "CLASSEUR-CHEMIN",
        Xsd,
        Error,
        "classeur : chemin des feuilles attributs ou extras impossible sous l'élément de la ligne",
        "workbook: path of the attributs or extras sheet not possible below the row's element",
    ),
    ClasseurExtras = entry(
        "CLASSEUR-EXTRAS",
        Xsd,
        Error,
        "classeur : XML d'extras mal formé",
        "workbook: ill-formed extras XML",
    ),
    ClasseurRacine = entry(
        "CLASSEUR-RACINE",
        Xsd,
        Error,
        "classeur : plus d'une ligne dans la feuille du document (lheo)",
        "workbook: more than one row in the document's sheet (lheo)",
    ),
    // Profiles carif and parcoursup (rules::carif, rules::parcoursup): what the Carif-Oref
    // guides and the Parcoursup annex ask; each description names its guide and section.
    CarifMajuscules = entry(
        "CARIF-MAJUSCULES",
        Carif,
        Warning,
        "intitulé, objectif ou contenu écrit en majuscules (8 lettres ou plus, 80 % ou plus en capitales) ; attendu en minuscules accentuées (OFeli Normandie, « Recommandations pour la rédaction de votre offre » : « Écrire en minuscules accentuées » ; DOKELIO « numéro Carif », étape 2 : « éviter la saisie en majuscule »)",
        "intitule, objectif or contenu written in capitals (8 letters or more, 80 % or more upper case); lower case with accents expected (OFeli Normandie, « Recommandations pour la rédaction de votre offre »; DOKELIO « numéro Carif », step 2)",
    ),
    CarifCaracteres = entry(
        "CARIF-CARACTERES",
        Carif,
        Warning,
        "texte libre avec des restes de copier-coller : caractères de contrôle, U+FFFD, caractères à usage privé (puces Word), balises ou entités HTML écrites comme texte (OFeli Normandie, « Objectifs et programme » : « Attention aux caractères spéciaux quand vous réalisez des copier-coller »)",
        "free text with copy-paste debris: control characters, U+FFFD, private-use characters (Word bullets), HTML tags or entities written as text (OFeli Normandie, « Objectifs et programme »: beware of special characters when copying and pasting)",
    ),
    CarifHeuresZero = entry(
        "CARIF-HEURES-ZERO",
        Carif,
        Warning,
        "nombre-heures-centre, -entreprise ou -total à 0 : laisser l'élément absent (OFeli Normandie, « Durée de la session » : « ne pas mettre zéro ! »)",
        "nombre-heures-centre, -entreprise or -total equal to 0: leave the element out (OFeli Normandie, « Durée de la session »: « ne pas mettre zéro ! »)",
    ),
    CarifHeuresTotal = entry(
        "CARIF-HEURES-TOTAL",
        Carif,
        Warning,
        "nombre-heures-total absent alors que des heures en centre ou en entreprise sont données, ou plus petit que leur somme (OFeli Normandie, « Durée de la session » : « le système calcule automatiquement la durée totale en fonction des heures en centre et en entreprise. La durée totale est obligatoire »)",
        "nombre-heures-total missing while centre or company hours are given, or smaller than their sum (OFeli Normandie, « Durée de la session »: the total is computed from centre and company hours and is required)",
    ),
    CarifSessionAnnuelle = entry(
        "CARIF-SESSION-ANNUELLE",
        Carif,
        Warning,
        "action à entrées/sorties permanentes dont une session ne couvre pas une année civile (début le 01/01 ou le 02/01, fin le 30/12 ou le 31/12, ou jusqu'au 31/03 de l'année suivante) (OFeli Centre-Val de Loire, « Comment saisir une formation récurrente ? » ; OFeli Normandie, « Sessions courtes » et « Dates de la session » : « du 02/01/année N au 30/12/année N en entrées et sorties permanentes »)",
        "action with permanent entries whose session does not cover one calendar year (start 01/01 or 02/01, end 30/12 or 31/12, or up to 31/03 of the next year) (OFeli Centre-Val de Loire, « Comment saisir une formation récurrente ? »; OFeli Normandie, « Sessions courtes » and « Dates de la session »: 02/01 to 30/12 with permanent entries)",
    ),
    CarifSessionsCourtes = entry(
        "CARIF-SESSIONS-COURTES",
        Carif,
        Warning,
        "action de moins de 35 heures au total en plusieurs sessions à dates fixes : attendu une session unique annuelle à entrées/sorties permanentes (OFeli Normandie, « Sessions courtes » : « vous devez créer une session unique annuelle (du 01/01/…. Au 31/12/…) »)",
        "action under 35 hours in total with several fixed-date sessions: one annual session with permanent entries expected (OFeli Normandie, « Sessions courtes »)",
    ),
    CarifDoublon = entry(
        "CARIF-DOUBLON",
        Carif,
        Warning,
        "deux formations du même organisme responsable (SIRET) préparent la même certification (code RNCP, RS ou Certif Info), en apprentissage toutes deux ou non : signalé sur la seconde, qui nomme la première (FAQ DOKELIO, « Mon action de formation est considérée comme un \"doublon\", pourquoi ? » : « une certification = une seule action de formation » ; une formation en apprentissage à part : OFeli Normandie, « Annexe » : « Contrat d'apprentissage : merci de créer une formation spécifique à ce dispositif (pas de mélange avec les autres dispositifs) »)",
        "two formations of the same responsible organisation (SIRET) prepare the same certification (RNCP, RS or Certif Info code), both in apprenticeship or both not: reported on the second, naming the first (DOKELIO FAQ, « doublon »: one certification = one training action; apprenticeship apart: OFeli Normandie, « Annexe »: a formation of its own for the apprenticeship contract, not mixed with other schemes)",
    ),
    CarifArchivage = entry(
        "CARIF-ARCHIVAGE",
        Carif,
        Warning,
        "toutes les sessions d'une formation sont terminées depuis plus d'un mois (--today) : la base l'archive et ne la publie plus ; info quand l'archivage tombe dans le mois qui vient (FAQ DOKELIO, « J'ai reçu un mail m'indiquant l'archivage de mon action de formation dans 10 jours » : « Une action de formation s'archive automatiquement un mois après la date de fin de sa dernière session »)",
        "every session of a formation ended more than a month ago (--today): the base archives it and no longer publishes it; info when archiving falls within the coming month (DOKELIO FAQ, « J'ai reçu un mail m'indiquant l'archivage … »: archived one month after the end of its last session)",
    ),
    CarifActionIncomplete = entry(
        "CARIF-ACTION-INCOMPLETE",
        Carif,
        Warning,
        "action sans nombre-heures-total, ou sans lieu-de-formation sans être entièrement à distance : durées et lieux sont attendus avant qu'une session reçoive son numéro Carif (DOKELIO, « Les trois étapes … numéro Carif », étape 3 : « les dates de début et de fin, les durées, les tarifs, les effectifs et les lieux »)",
        "action without nombre-heures-total, or without lieu-de-formation while not entirely remote: durations and places are expected before a session gets its Carif number (DOKELIO « numéro Carif », step 3)",
    ),
    CarifApprentissageCertification = entry(
        "CARIF-APPRENTISSAGE-CERTIFICATION",
        Carif,
        Error,
        "formation en apprentissage sans certification ou avec plusieurs (OFeli Normandie, « Certification/diplôme associé à la formation » : « indiquez une seule certification »)",
        "apprenticeship formation with no certification or several (OFeli Normandie, « Certification/diplôme associé à la formation »: one certification only)",
    ),
    CarifApprentissageDureeCycle = entry(
        "CARIF-APPRENTISSAGE-DUREE-CYCLE",
        Carif,
        Error,
        "action en apprentissage sans duree-cycle, ou avec une durée hors de 1 à 5 ans (OFeli Normandie, « Durée de cycle (obligatoire pour l'apprentissage) » : « comprise entre 1 et 5 ans »)",
        "apprenticeship action without duree-cycle, or with one outside 1 to 5 years (OFeli Normandie, « Durée de cycle (obligatoire pour l'apprentissage) »)",
    ),
    CarifApprentissageAnnee = entry(
        "CARIF-APPRENTISSAGE-ANNEE",
        Carif,
        Error,
        "cycle en apprentissage sans annee-cycle, ou avec une année au-delà de la duree-cycle de l'action (OFeli Normandie, « Cycles de l'alternance » : « À renseigner obligatoirement pour l'apprentissage »)",
        "apprenticeship cycle without annee-cycle, or with a year beyond the action's duree-cycle (OFeli Normandie, « Cycles de l'alternance »: required for apprenticeship)",
    ),
    CarifApprentissageBlocs = entry(
        "CARIF-APPRENTISSAGE-BLOCS",
        Carif,
        Warning,
        "session en apprentissage dont la validation des blocs de compétences n'est pas totale (validation-blocs ≠ 1) (OFeli Normandie, « Blocs de compétences » : « pour l'apprentissage, sélectionnez obligatoirement « Validation totale » »)",
        "apprenticeship session whose competence-block validation is not total (validation-blocs ≠ 1) (OFeli Normandie, « Blocs de compétences »)",
    ),
    ParcoursupRentree = entry(
        "PARCOURSUP-RENTREE",
        Parcoursup,
        Error,
        "formation en apprentissage sans session qui commence entre le 1er août de la rentrée (--rentree AAAA ; par défaut le premier 1er août à partir de --today) et le 31 juillet suivant (annexe Parcoursup, « Protocole de référencement » : « Une session formation ouverte pour la rentrée » ; le catalogue national de l'apprentissage applique la même fenêtre)",
        "apprenticeship formation without a session starting between 1 August of the rentrée (--rentree YYYY; by default the first 1 August from --today on) and the next 31 July (Parcoursup annex, « Protocole de référencement »: a session open for the rentrée; the national apprenticeship catalogue applies the same window)",
    ),
    ParcoursupUai = entry(
        "PARCOURSUP-UAI",
        Parcoursup,
        Error,
        "organisme formateur d'une action en apprentissage (à défaut, l'organisme responsable) sans code UAI, ou dont la lettre clé est fausse (7 chiffres modulo 23, lettres sans I, O, Q) (catalogue national de l'apprentissage : l'UAI doit être valide ; lettre clé calculée comme son validateUAI, mission-apprentissage/catalogue-apprentissage)",
        "training organisation of an apprenticeship action (failing one, the responsible organisation) without a UAI code, or with a wrong check letter (7 digits modulo 23, letters without I, O, Q) (national apprenticeship catalogue: the UAI must be valid; check letter computed as its validateUAI, mission-apprentissage/catalogue-apprentissage)",
    ),
    ParcoursupNda = entry(
        "PARCOURSUP-NDA",
        Parcoursup,
        Error,
        "formation en apprentissage dont le numero-activite n'a pas 11 chiffres ou n'est que des zéros (annexe Parcoursup, « Protocole de référencement » : « Un organisme ayant déclaré son activité à la DREETS »)",
        "apprenticeship formation whose numero-activite is not 11 digits or only zeros (Parcoursup annex, « Protocole de référencement »: an organisation that declared its activity to the DREETS)",
    ),
    ParcoursupRncp = entry(
        "PARCOURSUP-RNCP",
        Parcoursup,
        Error,
        "certification d'une formation en apprentissage sans code RNCP : elle n'est pas importée ; avec --referentiels, l'enregistrement doit aussi être actif sur la période (REF-RNCP-INACTIF) (annexe Parcoursup, « Protocole de référencement » : « Un enregistrement RNCP actif sur la période de formation déclarée »)",
        "certification of an apprenticeship formation without an RNCP code: it is not imported; with --referentiels the registration must also be active over the period (REF-RNCP-INACTIF) (Parcoursup annex, « Protocole de référencement »: an RNCP registration active over the training period)",
    ),
    // Referentials (lheo::referentiels), checked with every profile once one is given.
    RefRncpInconnu = entry(
        "REF-RNCP-INCONNU",
        Xsd,
        Error,
        "code-RNCP (écrit 24508 ou RNCP24508) absent du référentiel RNCP (avec --referentiels)",
        "code-RNCP (written 24508 or RNCP24508) absent from the RNCP referential (with --referentiels)",
    ),
    RefRncpInactif = entry(
        "REF-RNCP-INACTIF",
        Xsd,
        Error,
        "fiche RNCP inactive, ou enregistrement terminé avant le début d'une session de la formation ; avec le profil parcoursup, avant sa fin (annexe Parcoursup, « Un enregistrement RNCP actif sur la période de formation déclarée ») (avec --referentiels)",
        "RNCP fiche inactive, or registration ended before a session of the formation starts; under the parcoursup profile, before it ends (Parcoursup annex: an RNCP registration active over the declared training period) (with --referentiels)",
    ),
    RefRsInconnu = entry(
        "REF-RS-INCONNU",
        Xsd,
        Error,
        "code-RS (écrit 5080 ou RS5080) absent du référentiel RS (avec --referentiels)",
        "code-RS (written 5080 or RS5080) absent from the RS referential (with --referentiels)",
    ),
    RefRsInactif = entry(
        "REF-RS-INACTIF",
        Xsd,
        Error,
        "fiche RS inactive, ou enregistrement terminé avant le début d'une session de la formation ; avec le profil parcoursup, avant sa fin (avec --referentiels)",
        "RS fiche inactive, or registration ended before a session of the formation starts; under the parcoursup profile, before it ends (with --referentiels)",
    ),
    RefBlocInconnu = entry(
        "REF-BLOC-INCONNU",
        Xsd,
        Error,
        "code-bloc qui n'est pas un bloc de la certification à laquelle il se rapporte (avec --referentiels)",
        "code-bloc that is not a bloc of the certification it refers to (with --referentiels)",
    ),
    RefRomeInconnu = entry(
        "REF-ROME-INCONNU",
        Xsd,
        Warning,
        "code-ROME absent du ROME 4.0 (avec --referentiels)",
        "code-ROME absent from ROME 4.0 (with --referentiels)",
    ),
    RefCertifinfoInconnu = entry(
        "REF-CERTIFINFO-INCONNU",
        Xsd,
        Warning,
        "code-CERTIFINFO absent de Certif Info, qui ne liste que les certifications en vigueur (avec --referentiels)",
        "code-CERTIFINFO absent from Certif Info, which lists live certifications only (with --referentiels)",
    ),
    RefNsfInconnu = entry(
        "REF-NSF-INCONNU",
        Xsd,
        Warning,
        "code-NSF absent de la table des groupes NSF (avec --referentiels)",
        "code-NSF absent from the NSF groups table (with --referentiels)",
    ),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = all().map(Rule::code).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn descriptions_are_one_line_without_final_period() {
        for r in all() {
            for lang in [Lang::Fr, Lang::En] {
                let d = r.description(lang);
                assert!(
                    !d.is_empty() && !d.contains('\n') && !d.ends_with('.'),
                    "{r}: {d}"
                );
            }
        }
    }

    #[test]
    fn france_travail_codes_are_in_the_catalogue() {
        assert_eq!(
            rule("FT-RDV-PLAGE").map(Rule::profile),
            Some(Profile::FranceTravail)
        );
        assert_eq!(
            rules_for(Profile::FranceTravail)
                .filter(|r| r.code().starts_with("FT-"))
                .count(),
            19
        );
        assert_eq!(
            rules_for(Profile::Lheo)
                .filter(|r| r.code().starts_with("FT-"))
                .count(),
            0
        );
    }

    #[test]
    fn carif_and_parcoursup_codes_are_in_the_catalogue() {
        assert_eq!(
            rule("CARIF-DOUBLON").map(Rule::profile),
            Some(Profile::Carif)
        );
        assert_eq!(
            rule("PARCOURSUP-UAI").map(Rule::profile),
            Some(Profile::Parcoursup)
        );
        let count = |p, prefix: &str| {
            rules_for(p)
                .filter(|r| r.code().starts_with(prefix))
                .count()
        };
        assert_eq!(count(Profile::Carif, "CARIF-"), 13);
        assert_eq!(count(Profile::Carif, "PARCOURSUP-"), 0);
        assert_eq!(count(Profile::Carif, "FT-"), 0);
        assert_eq!(count(Profile::Parcoursup, "CARIF-"), 13);
        assert_eq!(count(Profile::Parcoursup, "PARCOURSUP-"), 4);
        assert_eq!(count(Profile::FranceTravail, "CARIF-"), 0);
        assert_eq!(count(Profile::Lheo, "CARIF-"), 0);
    }

    #[test]
    fn profiles_include_smaller_ones() {
        assert!(Profile::FranceTravail.includes(Profile::Xsd));
        assert!(!Profile::Xsd.includes(Profile::Lheo));
        assert_eq!(
            Profile::from_name("france-travail"),
            Some(Profile::FranceTravail)
        );
        assert!(rules_for(Profile::Xsd).all(|r| r.profile() == Profile::Xsd));
        for p in Profile::ALL {
            assert!(p.includes(Profile::Xsd) && p.includes(p));
            assert_eq!(Profile::from_name(p.name()), Some(p));
        }
        assert!(Profile::Parcoursup.includes(Profile::Carif));
        assert!(Profile::Carif.includes(Profile::Lheo));
        assert!(!Profile::Carif.includes(Profile::FranceTravail));
        assert!(!Profile::FranceTravail.includes(Profile::Carif));
        assert!(!Profile::Carif.includes(Profile::Parcoursup));
        assert!(!Profile::Lheo.includes(Profile::Carif));
    }
}
