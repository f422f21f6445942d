//! Exit codes and the one-line failures that end in exit code 2.

use std::fmt;
use std::io;
use std::path::Path;

use lheo::Lang;

/// The process exit status, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// 0: no error (warnings allowed unless `--deny-warnings`).
    Success,
    /// 1: findings (errors, or warnings with `--deny-warnings`).
    Findings,
    /// 2: could not run (usage, unreadable file, I/O).
    Failure,
}

impl Outcome {
    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Findings => 1,
            Outcome::Failure => 2,
        }
    }
}

/// Something that stopped a command: printed as one line on stderr, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    fr: String,
    en: String,
}

impl Failure {
    /// A failure with a French and an English text.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Failure {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// `path` could not be read.
    pub fn read(path: &Path, error: &io::Error) -> Self {
        let (fr, en) = lheo::input::io_words(error);
        let name = path.display();
        Failure::new(
            format!("impossible de lire « {name} » : {fr}"),
            format!("cannot read \"{name}\": {en}"),
        )
    }

    /// `path` could not be written.
    pub fn write(path: &Path, error: &io::Error) -> Self {
        let (fr, en) = lheo::input::io_words(error);
        let name = path.display();
        Failure::new(
            format!("impossible d'écrire « {name} » : {fr}"),
            format!("cannot write \"{name}\": {en}"),
        )
    }

    /// The input `name` changed while it was read, or between two readings.
    pub fn changed(name: &str) -> Self {
        Failure::new(
            format!("« {name} » a changé pendant sa lecture (fichier en cours d'écriture ou remplacé ?) : relancez la commande une fois le fichier complet"),
            format!("\"{name}\" changed while it was read (a file being written or replaced?): run the command again once the file is complete"),
        )
    }

    /// The standard output could not be written.
    pub fn stdout(error: &io::Error) -> Self {
        let (fr, en) = lheo::input::io_words(error);
        Failure::new(
            format!("impossible d'écrire sur la sortie standard : {fr}"),
            format!("cannot write to the standard output: {en}"),
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_ordered() {
        assert!(Outcome::Failure > Outcome::Findings);
        assert_eq!(
            [Outcome::Success, Outcome::Failure, Outcome::Findings]
                .into_iter()
                .max(),
            Some(Outcome::Failure)
        );
    }

    #[test]
    fn io_errors_read_well() {
        let e = io::Error::from(io::ErrorKind::NotFound);
        let f = Failure::read(Path::new("x.xml"), &e);
        assert_eq!(
            f.text(Lang::Fr),
            "impossible de lire « x.xml » : fichier introuvable"
        );
        assert_eq!(f.text(Lang::En), "cannot read \"x.xml\": file not found");
    }
}
