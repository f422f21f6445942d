//! Codes checked against the official referentials: RNCP and RS (with their blocs de
//! compétences), ROME 4.0, Certif Info and NSF.
//!
//! The XSD only checks a code's shape. A feed may carry a ROME `R0000` written because the
//! schema wants one, an RNCP number whose registration ended before the session starts, or the
//! bloc codes of another certification. The referentials are open data, downloaded as files:
//!
//! | referential | file, as downloaded (data.gouv.fr dataset) | LHEO elements checked |
//! |---|---|---|
//! | RNCP, RS | `export-fiches-csv-AAAA-MM-JJ.zip` or its CSV files, or `export-fiches-rncp-v4-1-…zip` / `export-fiches-rs-v4-1-…zip` (« Répertoire national des certifications professionnelles et répertoire spécifique », France Compétences) | `code-RNCP`, `code-RS`, `reference-code-RNCP`, `reference-code-RS`, `code-bloc` |
//! | ROME 4.0 | `RefRomeCsv.zip` or its `unix_referentiel_code_rome_v4NN_utf8.csv` (« Répertoire Opérationnel des Métiers et des Emplois (ROME) », France Travail) | `code-ROME` |
//! | Certif Info | `opendata-certifinfo-JJMMAAAA.csv` (« Référentiel national des certifications », Réseau des Carif-Oref) | `code-CERTIFINFO`, `reference-code-CERTIFINFO` |
//! | NSF | the BCN table `N_GROUPE_SPECIALITE` (CSV export of the BCN) | `code-NSF` |
//!
//! Each file is recognised by its content and name, zipped or not ([`Loader`]); a file that is
//! none of these is an error that names it. Given twice in two versions, a referential's newest
//! edition is used and the older one is listed as superseded ([`Source::superseded_by`]).
//! Formacode V14 is not among them: Centre Inffo publishes no file format for it that we could
//! find (no column names, no encoding, no sample), so `code-FORMACODE` is not checked.
//!
//! The rules (codes `REF-*`, below) run with every profile as soon as a referential is given
//! (`lheo validate --referentiels PATH`, [`crate::validate::ValidateOptions::with_referentiels`]),
//! or on a [`Formation`](crate::Formation) built in code ([`RefChecker`]); the report lists the
//! referentials used ([`Source`]: kind, date, version, entries, size), like a conformity
//! certificate.
//!
//! ```
//! use lheo::referentiels::{Kind, Loader, Referentiels};
//!
//! let standard = "\"Id_Fiche\";\"Numero_Fiche\";\"Intitule\";\"Date_Fin_Enregistrement\";\"Actif\"\r\n\
//!                 \"1\";\"RNCP24508\";\"Titre\";\"31/08/2027\";\"ACTIVE\"\r\n";
//! let mut loader = Loader::new();
//! loader.add_reader("export_fiches_CSV_Standard_2025_06_01.csv", std::io::Cursor::new(standard))?;
//! let refs: Referentiels = loader.finish()?;
//! let rncp = refs.rncp().expect("RNCP loaded");
//! let fiche = rncp.lookup("24508").expect("known");
//! assert!(fiche.active);
//! assert_eq!(refs.source(Kind::Rncp).and_then(|s| s.date).map(|d| d.to_string()).as_deref(), Some("2025-06-01"));
//! # Ok::<(), lheo::Error>(())
//! ```
//!
//! # Rules
//!
//! A rule runs only when its referential is given (ROME codes are not checked without ROME).
//!
//! | code | severity | rule |
//! |---|---|---|
//! | `REF-RNCP-INCONNU` | error | `code-RNCP` or `reference-code-RNCP` absent from the RNCP |
//! | `REF-RNCP-INACTIF` | error | the fiche is inactive, or its registration ended before a session of the formation starts (Parcoursup: before it ends, see [`Coverage`]) |
//! | `REF-RS-INCONNU`, `REF-RS-INACTIF` | error | the same for `code-RS` |
//! | `REF-BLOC-INCONNU` | error | a `code-bloc` that is not a bloc of the certification its `blocs-competences` refers to |
//! | `REF-ROME-INCONNU` | warning | `code-ROME` absent from ROME 4.0 |
//! | `REF-CERTIFINFO-INCONNU` | warning | `code-CERTIFINFO` absent from Certif Info (which lists live records only) |
//! | `REF-NSF-INCONNU` | warning | `code-NSF` absent from the NSF groups |
//!
//! A `reference-code-*` that repeats a code of the record's `certification` is reported once,
//! at the `certification`. When the certification a `blocs-competences` refers to is unknown,
//! its blocs are not checked (the unknown reference is the finding).
//!
//! On a [`Formation`](crate::Formation) built in code:
//!
//! ```
//! use lheo::referentiels::{Loader, RefChecker};
//! use lheo::{Certification, Formation};
//!
//! let standard = "\"Numero_Fiche\";\"Intitule\";\"Date_Fin_Enregistrement\";\"Actif\"\r\n\
//!                 \"RNCP509\";\"CAP\";\"31/08/2023\";\"INACTIVE\"\r\n";
//! let mut loader = Loader::new();
//! loader.add_reader("export_fiches_CSV_Standard_2024_02_22.csv", std::io::Cursor::new(standard))?;
//! let refs = loader.finish()?;
//!
//! let mut formation = Formation::default();
//! formation.certification.push(Certification { code_rncp: Some("509".into()), ..Default::default() });
//! formation.certification.push(Certification { code_rncp: Some("RNCP 1".into()), ..Default::default() });
//! let found = RefChecker::new(&refs).check_formation(&formation);
//! let codes: Vec<_> = found.iter().map(|d| d.code()).collect();
//! assert_eq!(codes, ["REF-RNCP-INACTIF", "REF-RNCP-INCONNU"]);
//! assert_eq!(found[1].path, "certification[2]/code-RNCP");
//! # Ok::<(), lheo::Error>(())
//! ```
//!
//! # How codes are read
//!
//! Feeds write the same code in several ways: Carif-Oref feeds write `code-RNCP` as `24508`,
//! others as `RNCP24508`; people add spaces or type lower case. Every code is first *cleaned*:
//! white space anywhere is removed (spaces, tabs, no-break spaces) and letters are upper-cased.
//! Then, per element:
//!
//! | element | accepted after cleaning | compared as |
//! |---|---|---|
//! | `code-RNCP`, `reference-code-RNCP` | `RNCP24508` or `24508` | the number (`RNCP024508` = `RNCP24508`) |
//! | `code-RS`, `reference-code-RS` | `RS5080` or `5080` | the number |
//! | `code-CERTIFINFO`, `reference-code-CERTIFINFO` | digits | the number |
//! | `code-bloc` | `RNCP29497BC01` (or `29497BC01`, read as `RNCP29497BC01`) | the text |
//! | `code-ROME` | a letter `A`–`N` and 4 digits (`a1201` is `A1201`) | the text |
//! | `code-NSF` | 3 digits | the number |
//!
//! A code that does not have the accepted shape is not in the referential: it is reported
//! as unknown (`REF-*-INCONNU`), with a message saying what shape was expected. A code of the
//! other repertory (`RS5080` written in `code-RNCP`) is named as such.

mod certifinfo;
mod code;
mod france_competences;
mod input;
mod load;
mod nsf;
mod rome;
pub(crate) mod rules;
#[doc(hidden)]
pub mod sample;
mod tables;

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Error;
pub use input::Limits;
pub use load::Loader;
pub use rome::Rome;
pub use rules::{Coverage, RefChecker};
pub use tables::{Certifications, CodeSet, Fiche, Repertoire};

/// A kind of referential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// RNCP fiches (France Compétences).
    Rncp,
    /// RS fiches (France Compétences).
    Rs,
    /// ROME 4.0 codes (France Travail).
    Rome,
    /// Certif Info numbers (Réseau des Carif-Oref).
    CertifInfo,
    /// NSF groups (BCN `N_GROUPE_SPECIALITE`).
    Nsf,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 5] = [
        Kind::Rncp,
        Kind::Rs,
        Kind::Rome,
        Kind::CertifInfo,
        Kind::Nsf,
    ];

    /// Its name for people: `RNCP`, `RS`, `ROME`, `Certif Info`, `NSF`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Rncp => "RNCP",
            Kind::Rs => "RS",
            Kind::Rome => "ROME",
            Kind::CertifInfo => "Certif Info",
            Kind::Nsf => "NSF",
        }
    }

    /// Its name for machines: `rncp`, `rs`, `rome`, `certifinfo`, `nsf`.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Rncp => "rncp",
            Kind::Rs => "rs",
            Kind::Rome => "rome",
            Kind::CertifInfo => "certifinfo",
            Kind::Nsf => "nsf",
        }
    }
}

/// The file format a referential was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// France Compétences CSV export (zip or its CSV files).
    FranceCompetencesCsv,
    /// France Compétences XML export (V4.1).
    FranceCompetencesXml,
    /// ROME 4.0 `unix_referentiel_code_rome` CSV.
    RomeCsv,
    /// Certif Info open-data CSV.
    CertifInfoCsv,
    /// BCN `N_GROUPE_SPECIALITE` CSV.
    BcnNsf,
}

impl Format {
    /// A short description, in French.
    pub fn label(self) -> &'static str {
        match self {
            Format::FranceCompetencesCsv => "export CSV France Compétences",
            Format::FranceCompetencesXml => "export XML France Compétences",
            Format::RomeCsv => "ROME 4.0 (unix_referentiel_code_rome)",
            Format::CertifInfoCsv => "Certif Info (open data)",
            Format::BcnNsf => "BCN N_GROUPE_SPECIALITE",
        }
    }

    /// `france-competences-csv`, `france-competences-xml`, `rome-csv`, `certifinfo-csv`,
    /// `bcn-nsf`.
    pub fn id(self) -> &'static str {
        match self {
            Format::FranceCompetencesCsv => "france-competences-csv",
            Format::FranceCompetencesXml => "france-competences-xml",
            Format::RomeCsv => "rome-csv",
            Format::CertifInfoCsv => "certifinfo-csv",
            Format::BcnNsf => "bcn-nsf",
        }
    }
}

/// A referential read: what a report says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its kind.
    pub kind: Kind,
    /// The format it was read from.
    pub format: Format,
    /// The files it was read from, as given (an archive, or the CSV files taken out of one).
    pub files: Vec<String>,
    /// The date of the edition, from the file name (`export-fiches-csv-2026-08-26.zip`,
    /// `opendata-certifinfo-01092026.csv`) or ROME's `version.txt`; `None` when the name does
    /// not give it.
    pub date: Option<NaiveDate>,
    /// The version, when the file gives one (`V4.1` for the XML export, `v460` for ROME).
    pub version: Option<String>,
    /// Entries: fiches, codes.
    pub entries: usize,
    /// Active fiches (RNCP and RS), `None` for the other kinds.
    pub active: Option<usize>,
    /// Blocs de compétences (RNCP and RS), `None` when the files give none.
    pub blocs: Option<usize>,
    /// Size of the files, in bytes.
    pub bytes: u64,
    /// Not used: a newer edition of the same kind was given (the first file of that one).
    pub superseded_by: Option<String>,
}

impl Source {
    /// `true` when this edition is the one the rules use.
    pub fn is_used(&self) -> bool {
        self.superseded_by.is_none()
    }
}

/// A file recognised and left aside (e.g. the other eight CSV files of the France
/// Compétences export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The file.
    pub file: String,
    /// Why, in French.
    pub fr: String,
    /// Why, in English.
    pub en: String,
}

/// The referentials loaded: at most one edition of each kind.
#[derive(Clone, Default)]
pub struct Referentiels {
    rncp: Option<Certifications>,
    rs: Option<Certifications>,
    rome: Option<Rome>,
    certifinfo: Option<CodeSet>,
    nsf: Option<CodeSet>,
    sources: Vec<Source>,
    ignored: Vec<Ignored>,
}

impl std::fmt::Debug for Referentiels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Referentiels")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Referentiels {
    /// Loads files and folders (see [`Loader::add_path`]).
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Referentiels, Error> {
        let mut loader = Loader::new();
        for p in paths {
            loader.add_path(p.as_ref())?;
        }
        loader.finish()
    }

    fn set(&mut self, kind: Kind, data: load::Data) {
        use load::Data;
        match (kind, data) {
            (Kind::Rncp, Data::Certifications(c)) => self.rncp = Some(c),
            (Kind::Rs, Data::Certifications(c)) => self.rs = Some(c),
            (Kind::Rome, Data::Rome(r)) => self.rome = Some(r),
            (Kind::CertifInfo, Data::Codes(c)) => self.certifinfo = Some(c),
            (Kind::Nsf, Data::Codes(c)) => self.nsf = Some(c),
            _ => {}
        }
    }

    /// `true` when no referential is loaded.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Every referential read, in kind order, the superseded ones first within a kind.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The edition used for `kind`.
    pub fn source(&self, kind: Kind) -> Option<&Source> {
        self.sources.iter().find(|s| s.kind == kind && s.is_used())
    }

    /// Files recognised and left aside.
    pub fn ignored(&self) -> &[Ignored] {
        &self.ignored
    }

    /// The RNCP fiches (what Parcoursup's « enregistrement RNCP actif sur la période » needs).
    pub fn rncp(&self) -> Option<&Certifications> {
        self.rncp.as_ref()
    }

    /// The RS fiches.
    pub fn rs(&self) -> Option<&Certifications> {
        self.rs.as_ref()
    }

    /// The fiches of `repertoire`.
    pub fn certifications(&self, repertoire: Repertoire) -> Option<&Certifications> {
        match repertoire {
            Repertoire::Rncp => self.rncp(),
            Repertoire::Rs => self.rs(),
        }
    }

    /// The ROME codes.
    pub fn rome(&self) -> Option<&Rome> {
        self.rome.as_ref()
    }

    /// The Certif Info numbers.
    pub fn certifinfo(&self) -> Option<&CodeSet> {
        self.certifinfo.as_ref()
    }

    /// The NSF groups.
    pub fn nsf(&self) -> Option<&CodeSet> {
        self.nsf.as_ref()
    }
}
