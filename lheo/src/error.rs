//! The library's one error type, [`Error`]: what stopped an operation (reading, writing,
//! converting, comparing), in French and English, with the place in the input where one is
//! known.
//!
//! Findings about a document's content are [`Diagnostic`]s in a report; an `Error` is what
//! prevents the operation from going on. When the input cannot be read as LHEO (not
//! well-formed, an unsupported encoding, a safety limit, not LHEO 2.x), the error carries the
//! finding that says so ([`Error::diagnostic`]), with its stable code.
//!
//! ```
//! use lheo::{Error, ErrorKind};
//!
//! let e = lheo::read_document(&b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>"[..])
//!     .unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::Invalid);
//! assert_eq!(e.diagnostic().map(|d| d.code()), Some("XML-MALFORME"));
//! assert!(e.location().is_some());
//! fn is_send_sync<T: Send + Sync + std::error::Error>(_: &T) {}
//! is_send_sync(&e);
//! ```

use std::fmt;
use std::io;

use crate::diagnostic::{Diagnostic, Lang, Location, Message};

/// What kind of error stopped an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input or writing the output failed ([`Error::io`] gives the I/O error).
    Io,
    /// The input cannot be read as LHEO: not well-formed XML, an unsupported encoding, a
    /// safety limit, not LHEO 2.x ([`Error::diagnostic`] gives the finding and its code).
    Invalid,
    /// The document is LHEO XML whose structure does not fit the model (`validate` tells
    /// every reason).
    Structure,
    /// The model holds what the output cannot carry (a character XML forbids, a text longer
    /// than a workbook cell, more rows than a sheet holds…).
    Unwritable,
    /// A value the library cannot take: an ill-formed date or hour, an `--ignore` pattern,
    /// an unknown root name.
    Argument,
    /// Two documents that cannot be compared (different roots).
    DifferentRoots,
    /// An input gave other content when read again (modified while being read).
    Changed,
    /// A bug: a worker thread panicked. The operation did not complete.
    Internal,
    /// A referential file that cannot be loaded: not one lheo knows, malformed, or over a
    /// safety limit ([`Error::file`] names it; unreadable files are [`ErrorKind::Io`]).
    Referentiel,
}

/// Which of two inputs (the two sides of a comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The old feed (first argument).
    Old,
    /// The new feed (second argument).
    New,
}

impl Side {
    /// `ancien flux` / `old feed`, …
    pub fn name(self, lang: Lang) -> &'static str {
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

/// The library's error: what stopped an operation, in French and English, with the place in
/// the input where one is known.
///
/// Its [`Display`](fmt::Display) is the French message; [`Error::text`] gives either
/// language. It is `Send + Sync` and small (one pointer).
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Message,
    location: Location,
    diagnostic: Option<Diagnostic>,
    side: Option<Side>,
    file: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind`, with its message in French and English.
    pub(crate) fn new(kind: ErrorKind, fr: impl Into<String>, en: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: Message {
                    fr: fr.into(),
                    en: en.into(),
                },
                location: Location::None,
                diagnostic: None,
                side: None,
                file: None,
                source: None,
            }),
        }
    }

    /// The error for an input that cannot be read as LHEO: the finding that says why.
    pub(crate) fn invalid(d: Diagnostic) -> Self {
        let mut e = Error::new(
            ErrorKind::Invalid,
            d.message.fr.clone(),
            d.message.en.clone(),
        );
        e.inner.location = d.location.clone();
        e.inner.diagnostic = Some(d);
        e
    }

    /// Replaces the message.
    pub(crate) fn with_message(mut self, fr: impl Into<String>, en: impl Into<String>) -> Self {
        self.inner.message = Message {
            fr: fr.into(),
            en: en.into(),
        };
        self
    }

    /// Sets where the error is.
    pub(crate) fn at(mut self, location: Location) -> Self {
        self.inner.location = location;
        self
    }

    /// Sets the input the error comes from.
    pub(crate) fn on(mut self, side: Side) -> Self {
        self.inner.side = Some(side);
        self
    }

    /// The error for a referential `file` that cannot be loaded, and why (without the file):
    /// its text is `référentiel « file » : why`.
    pub(crate) fn referentiel(
        file: impl Into<String>,
        fr: impl AsRef<str>,
        en: impl AsRef<str>,
    ) -> Self {
        let file = file.into();
        let mut e = Error::new(
            ErrorKind::Referentiel,
            format!("référentiel « {file} » : {}", fr.as_ref()),
            format!("referential \"{file}\": {}", en.as_ref()),
        );
        e.inner.file = Some(file);
        e
    }

    /// The error for a referential `file` that cannot be read.
    pub(crate) fn referentiel_io(file: impl Into<String>, e: &io::Error) -> Self {
        let mut error = Error::referentiel(
            file,
            format!("lecture impossible ({e})"),
            format!("cannot be read ({e})"),
        )
        .caused_by(io::Error::new(e.kind(), e.to_string()));
        error.inner.kind = ErrorKind::Io;
        error
    }

    /// Sets the underlying error.
    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// What kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message in `lang`, on one line (without the location: see [`Error::location`]).
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.inner.message.fr,
            Lang::En => &self.inner.message.en,
        }
    }

    /// Where in the input, when known (a line and column, or a workbook cell).
    pub fn location(&self) -> Option<&Location> {
        match &self.inner.location {
            Location::None => None,
            l => Some(l),
        }
    }

    /// For [`ErrorKind::Invalid`]: the finding that says why the input cannot be read.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        self.inner.diagnostic.as_ref()
    }

    /// Which input of a comparison, when the error is about one.
    pub fn side(&self) -> Option<Side> {
        self.inner.side
    }

    /// The file the error is about, when it is not the input of the operation (a
    /// referential, as given; a member of an archive as `archive.zip:member.csv`).
    pub fn file(&self) -> Option<&str> {
        self.inner.file.as_deref()
    }

    /// For [`ErrorKind::Io`]: the I/O error.
    pub fn io(&self) -> Option<&io::Error> {
        self.inner.source.as_ref()?.downcast_ref::<io::Error>()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message.fr);
        if let Some(l) = self.location() {
            d.field("location", l);
        }
        if let Some(diagnostic) = &self.inner.diagnostic {
            d.field("code", &diagnostic.code());
        }
        if let Some(side) = self.inner.side {
            d.field("side", &side);
        }
        if let Some(file) = &self.inner.file {
            d.field("file", file);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message.fr)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.diagnostic {
            Some(d) => Some(d),
            None => self
                .inner
                .source
                .as_deref()
                .map(|s| s as &(dyn std::error::Error + 'static)),
        }
    }
}

impl From<io::Error> for Error {
    /// An I/O error; one the writer raises for what XML cannot carry
    /// ([`io::ErrorKind::InvalidData`]) is [`ErrorKind::Unwritable`].
    fn from(e: io::Error) -> Self {
        let kind = if e.kind() == io::ErrorKind::InvalidData {
            ErrorKind::Unwritable
        } else {
            ErrorKind::Io
        };
        let (fr, en) = match kind {
            ErrorKind::Unwritable => (
                format!("écriture impossible : {e}"),
                format!("cannot write: {e}"),
            ),
            _ => (
                format!("erreur d'entrée-sortie : {e}"),
                format!("I/O error: {e}"),
            ),
        };
        Error::new(kind, fr, en).caused_by(e)
    }
}

impl From<Diagnostic> for Error {
    /// The error for an input that cannot be read, from the finding that says why.
    fn from(d: Diagnostic) -> Self {
        Error::invalid(d)
    }
}

/// `Result` with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Rule;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn is_send_sync_and_small() {
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn an_invalid_input_carries_its_finding() {
        let d =
            Diagnostic::new(Rule::XmlMalforme, "fin inattendue", "unexpected end").at_line(3, 7);
        let e = Error::from(d);
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.to_string(), "fin inattendue");
        assert_eq!(e.text(Lang::En), "unexpected end");
        assert_eq!(e.location(), Some(&Location::Xml { line: 3, column: 7 }));
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains("XML-MALFORME")));
    }

    #[test]
    fn io_errors_keep_their_cause() {
        let e = Error::from(io::Error::new(io::ErrorKind::NotFound, "absent"));
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(e.io().map(io::Error::kind), Some(io::ErrorKind::NotFound));
        let e = Error::from(io::Error::new(io::ErrorKind::InvalidData, "U+FFFE"));
        assert_eq!(e.kind(), ErrorKind::Unwritable);
    }

    #[test]
    fn referential_errors_name_their_file() {
        let e = Error::referentiel("rome.csv", "colonne absente", "missing column");
        assert_eq!(e.kind(), ErrorKind::Referentiel);
        assert_eq!(e.file(), Some("rome.csv"));
        assert_eq!(e.to_string(), "référentiel « rome.csv » : colonne absente");
        assert_eq!(e.text(Lang::En), "referential \"rome.csv\": missing column");
        let absent = io::Error::new(io::ErrorKind::NotFound, "absent");
        let e = Error::referentiel_io("nsf.csv", &absent);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(e.io().map(io::Error::kind), Some(io::ErrorKind::NotFound));
        assert_eq!(
            e.text(Lang::En),
            "referential \"nsf.csv\": cannot be read (absent)"
        );
    }
}
