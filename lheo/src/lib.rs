//! # lheo
//!
//! The toolkit for **LHEO 2.3**, the XML language of French training offers (`formation` >
//! `action` > `session` > `recrutement`, plus the organisations responsible for them).
//!
//! - [`model`]: one Rust type per LHEO element, lossless (attributes, `extras` kept as XML);
//!   dictionaries are enums implementing [`Dictionary`] (code and French label); dates are
//!   [`Date`]s that keep the `00` conventions. A feed streams as [`Record`]s.
//! - [`input`]: what a file is, by its content (LHEO XML plain or gzip, a workbook, or what
//!   else, with the sentence that says so).
//! - [`reader`]: streaming reading of LHEO 2.0–2.3 ([`reader::Reader`], an iterator of
//!   records) and [`read_document`] for small files.
//! - [`writer`]: deterministic LHEO 2.3 output, whole or record by record.
//! - [`validate`]: structural checking equal to the official XSD (profile `xsd`), the LHEO
//!   specification's rules (profile `lheo`) and the profiles' business rules
//!   ([`rules`]), every finding a [`Diagnostic`] of a [`Rule`] of the catalogue.
//! - [`diff`]: what changed between two feeds; `workbook`: Excel workbooks (feature
//!   `workbook`, on by default); [`generate`]: synthetic feeds.
//! - [`schema`]: the schema facts as tables, generated from the project's description of
//!   LHEO 2.3.
//!
//! Every operation that can fail returns the one [`Error`] type. The [`cookbook`] shows the
//! library at work: stream, validate, build, convert, compare, export and import feeds, and
//! check their codes against the referentials.
//!
//! ```
//! use lheo::reader::read_document;
//! use lheo::validate::{validate, ValidateOptions};
//! use lheo::{Document, Dictionary};
//!
//! let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
//! <lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="F1">
//!   <domaine-formation><code-FORMACODE ref="V12">15235</code-FORMACODE></domaine-formation>
//!   <intitule-formation>Français langue d'intégration</intitule-formation>
//!   <objectif-formation>Apprendre le français.</objectif-formation>
//!   <resultats-attendus>Attestation.</resultats-attendus>
//!   <contenu-formation>Cours de niveau A1 à B1.</contenu-formation>
//!   <certifiante>0</certifiante>
//!   <contact-formation><coordonnees><nom>Accueil</nom></coordonnees></contact-formation>
//!   <parcours-de-formation>1</parcours-de-formation>
//!   <code-niveau-entree>1</code-niveau-entree>
//!   <action>
//!     <rythme-formation>Temps plein</rythme-formation>
//!     <code-public-vise ref="V12">80056</code-public-vise>
//!     <niveau-entree-obligatoire>0</niveau-entree-obligatoire>
//!     <modalites-alternance>Aucune</modalites-alternance>
//!     <modalites-enseignement>0</modalites-enseignement>
//!     <conditions-specifiques>Aucune</conditions-specifiques>
//!     <prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>
//!     <modalites-entrees-sorties>0</modalites-entrees-sorties>
//!     <session>
//!       <periode><debut>20270104</debut><fin>20270630</fin></periode>
//!       <adresse-inscription><adresse><ligne>1 rue de la Paix</ligne>
//!         <codepostal>67000</codepostal><ville>Strasbourg</ville></adresse></adresse-inscription>
//!     </session>
//!   </action>
//!   <organisme-formation-responsable>
//!     <numero-activite>42670000067</numero-activite>
//!     <SIRET-organisme-formation><SIRET>73282932000074</SIRET></SIRET-organisme-formation>
//!     <nom-organisme>Centre de formation</nom-organisme>
//!     <raison-sociale>Centre de formation SA</raison-sociale>
//!     <coordonnees-organisme><coordonnees><nom>Siège</nom></coordonnees></coordonnees-organisme>
//!     <contact-organisme><coordonnees><nom>Accueil</nom></coordonnees></contact-organisme>
//!   </organisme-formation-responsable>
//! </formation></offres></lheo>"#;
//!
//! let report = validate(xml.as_bytes(), &ValidateOptions::default());
//! assert!(report.is_valid(), "{:?}", report.diagnostics);
//!
//! let Document::Lheo(doc) = read_document(xml.as_bytes())? else { unreachable!() };
//! let formation = &doc.offres.formation[0];
//! assert_eq!(formation.attrs.numero.as_deref(), Some("F1"));
//! assert_eq!(formation.certifiante.value.label(), "non");
//! # Ok::<(), lheo::Error>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod check;
pub mod convert;
pub mod cookbook;
mod diagnostic;
pub mod diff;
mod error;
pub mod generate;
pub mod input;
pub mod model;
pub mod reader;
pub mod referentiels;
pub mod rules;
pub mod schema;
pub mod validate;
#[cfg(feature = "workbook")]
#[cfg_attr(docsrs, doc(cfg(feature = "workbook")))]
pub mod workbook;
pub mod writer;
mod xml;

pub use diagnostic::{
    Counts, Diagnostic, Lang, Location, Message, Profile, RecordRef, Rule, Severity,
};
pub use error::{Error, ErrorKind, Result, Side};
pub use model::*;
pub use reader::read_document;

/// Internals the tests and fuzz targets reach: not part of the API, no semver promise.
#[doc(hidden)]
pub mod internal {
    pub use crate::check::{ids, Checker, DiagnosticBudget, DocumentInfo};
    pub use crate::reader::log::{LogItem, LogStart, RecordLog};
    pub use crate::reader::tree::{Child, Node};
    pub use crate::reader::{
        Build, BuildError, FromNode, ReaderState, RecordNode, Step, PAUSE_EVENTS,
    };
    pub use crate::referentiels::sample as referentiels_sample;
    pub use crate::rules::france_travail::READS;
    pub use crate::validate::{sort_diagnostics, InjectedPanic};
    #[cfg(feature = "workbook")]
    pub use crate::workbook::cell_ref;
    #[cfg(feature = "workbook")]
    pub use crate::workbook::{cells, doc as workbook_doc, layout, WorkbookWriter, EXAMPLE};
    pub use crate::xml::position::Position;
    pub use crate::xml::{counting, decode, error as xml_error, events, split};
}
