//! Why a referential could not be loaded.

use std::fmt;

use crate::diagnostic::Lang;

/// A referential file that could not be loaded: the file (as given, or `archive.zip:member`)
/// and why, in French and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file, as given (a member of an archive as `archive.zip:member.csv`).
    pub file: String,
    fr: String,
    en: String,
}

impl Error {
    /// An error about `file`.
    pub fn new(file: impl Into<String>, fr: impl Into<String>, en: impl Into<String>) -> Self {
        Error {
            file: file.into(),
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// An I/O error reading `file`.
    pub fn io(file: impl Into<String>, e: &std::io::Error) -> Self {
        Error::new(
            file,
            format!("lecture impossible ({e})"),
            format!("cannot be read ({e})"),
        )
    }

    /// Why, in `lang` (without the file).
    pub fn reason(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// One line, in `lang`: `référentiel « file » : why`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => format!("référentiel « {} » : {}", self.file, self.fr),
            Lang::En => format!("referential \"{}\": {}", self.file, self.en),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::Fr))
    }
}

impl std::error::Error for Error {}
