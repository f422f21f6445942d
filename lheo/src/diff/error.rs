//! Why a comparison could not be made.

use std::fmt;
use std::io;

use crate::diagnostic::{Diagnostic, Lang};
use crate::reader::BuildError;

/// Which side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The old feed (first argument).
    Old,
    /// The new feed (second argument).
    New,
}

impl Side {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Side::Old, Lang::Fr) => "ancien flux",
            (Side::New, Lang::Fr) => "nouveau flux",
            (Side::Old, Lang::En) => "old feed",
            (Side::New, Lang::En) => "new feed",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Lang::Fr))
    }
}

/// Why a [`Source`](super::Source) could not give its records.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Not readable XML, or not LHEO 2.x (the reader's diagnostic, with its line).
    #[error("{}", .0.message.fr)]
    Read(Diagnostic),
    /// A record does not fit the model (`lheo validate` tells why).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Reading failed.
    #[error("erreur de lecture : {0}")]
    Io(#[from] io::Error),
    /// Another source's own error (e.g. a workbook's), French and English.
    #[error("{fr}")]
    Other {
        /// French text.
        fr: String,
        /// English text.
        en: String,
    },
}

impl SourceError {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (SourceError::Read(d), _) => {
                let place = d.line().map(|l| match lang {
                    Lang::Fr => format!("ligne {l} : "),
                    Lang::En => format!("line {l}: "),
                });
                format!("{}{}", place.unwrap_or_default(), d.text(lang))
            }
            (SourceError::Build(e), Lang::Fr) => format!(
                "{e} (la structure n'est pas celle de LHEO 2.3 : lheo validate en donne le détail)"
            ),
            (SourceError::Build(e), Lang::En) => format!(
                "line {}: element \"{}\": the structure is not LHEO 2.3 (lheo validate tells why)",
                e.line, e.element
            ),
            (SourceError::Io(e), Lang::Fr) => format!("erreur de lecture : {e}"),
            (SourceError::Io(e), Lang::En) => format!("read error: {e}"),
            (SourceError::Other { fr, .. }, Lang::Fr) => fr.clone(),
            (SourceError::Other { en, .. }, Lang::En) => en.clone(),
        }
    }
}

/// Why [`diff`](super::diff) could not compare two feeds.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// One side could not be read.
    #[error("{side} : {error}")]
    Source {
        /// Which side.
        side: Side,
        /// What went wrong.
        #[source]
        error: SourceError,
    },
    /// The two documents have different roots (`lheo` and `lheo-index`, …).
    #[error("les deux documents n'ont pas la même racine ({old} et {new}) : rien à comparer")]
    DifferentRoots {
        /// The old document's root.
        old: String,
        /// The new document's root.
        new: String,
    },
    /// A side gave other records on the second reading than on the first (the file was
    /// modified during the comparison).
    #[error("{0} : le contenu a changé pendant la comparaison (fichier modifié ?)")]
    SourceChanged(Side),
    /// The receiver of the changes failed (e.g. writing the report).
    #[error("écriture du résultat impossible : {0}")]
    Sink(#[source] io::Error),
}

impl DiffError {
    /// The message in `lang`, on one line.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (DiffError::Source { side, error }, Lang::Fr) => {
                format!("{} : {}", side.name(lang), error.text(lang))
            }
            (DiffError::Source { side, error }, Lang::En) => {
                format!("{}: {}", side.name(lang), error.text(lang))
            }
            (DiffError::DifferentRoots { old, new }, Lang::En) => format!(
                "the two documents have different roots ({old} and {new}): nothing to compare"
            ),
            (DiffError::SourceChanged(side), Lang::En) => format!(
                "{}: the content changed during the comparison (file modified?)",
                side.name(lang)
            ),
            (DiffError::Sink(e), Lang::En) => format!("cannot write the result: {e}"),
            (other, _) => other.to_string(),
        }
    }
}
