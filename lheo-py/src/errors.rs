//! The exceptions of the package, and the conversion of the library's errors (and of panics)
//! into them.

use std::panic::{catch_unwind, AssertUnwindSafe};

use lheo::input::GzipError;
use lheo::{ErrorKind, Lang, Location};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::{create_exception, PyErr};

create_exception!(
    lheo,
    LheoError,
    PyException,
    "Base class of the errors of lheo. Attributes: `message` (in the language asked for), \
     `code` (the stable code of the finding that stopped reading, e.g. `XML-MALFORME`, or \
     None), `line`, `column`, `sheet`, `cell` (where, when known), `file`."
);
create_exception!(
    lheo,
    UnreadableInputError,
    LheoError,
    "The input cannot be read: a missing or unreadable file, not well-formed XML, an \
     encoding lheo cannot decode, a safety limit, or a file that is not an LHEO 2.x feed nor \
     an lheo workbook."
);
create_exception!(
    lheo,
    InvalidDataError,
    LheoError,
    "The data does not fit LHEO: a document or dict the model cannot take, or a feed with \
     errors where a valid one is needed (convert, import_xlsx). `diagnostics` lists every \
     finding (lheo.Diagnostic), `report` is the whole report when there is one."
);

/// The language asked for: `"fr"` (default) or `"en"`.
pub fn lang(lang: &str) -> PyResult<Lang> {
    match lang {
        "fr" => Ok(Lang::Fr),
        "en" => Ok(Lang::En),
        other => Err(PyValueError::new_err(format!(
            "lang « {other} » inconnu : « fr » ou « en »"
        ))),
    }
}

/// Where, in words: ` : ligne 3, colonne 5` or `: line 3, column 5`, ` (Feuille!B2)`.
pub fn place(location: Option<&Location>, lang: Lang) -> String {
    match (location, lang) {
        (Some(Location::Xml { line, column }), Lang::Fr) => {
            format!("ligne {line}, colonne {column} : ")
        }
        (Some(Location::Xml { line, column }), Lang::En) => {
            format!("line {line}, column {column}: ")
        }
        (Some(Location::Cell { sheet, cell }), Lang::Fr) => format!("{sheet}!{cell} : "),
        (Some(Location::Cell { sheet, cell }), Lang::En) => format!("{sheet}!{cell}: "),
        _ => String::new(),
    }
}

/// A file name prefix: `« flux.xml » : ` / `"flux.xml": `.
pub fn named(file: Option<&str>, lang: Lang) -> String {
    match (file, lang) {
        (Some(f), Lang::Fr) => format!("« {f} » : "),
        (Some(f), Lang::En) => format!("\"{f}\": "),
        (None, _) => String::new(),
    }
}

/// An error of the library as the exception of its kind.
pub fn from_lheo(py: Python<'_>, e: &lheo::Error, lang: Lang, file: Option<&str>) -> PyErr {
    let text = e.text(lang);
    // Some errors of the library say their line already (« ligne 20 : élément … »).
    let place = if text.starts_with("ligne ") || text.starts_with("line ") {
        String::new()
    } else {
        place(e.location(), lang)
    };
    let gzip = e.io().and_then(GzipError::of).map(GzipError::text);
    let message = match (e.io(), file) {
        _ if gzip.is_some() => {
            let (fr, en) = gzip.clone().unwrap_or_default();
            let text = if lang == Lang::Fr { fr } else { en };
            format!("{}{text}", named(file, lang))
        }
        (Some(io), Some(file)) if e.kind() == ErrorKind::Io => {
            let (fr, en) = lheo::input::io_words(io);
            match lang {
                Lang::Fr => format!("impossible de lire « {file} » : {fr}"),
                Lang::En => format!("cannot read \"{file}\": {en}"),
            }
        }
        _ => format!("{}{place}{text}", named(file, lang)),
    };
    let err = match e.kind() {
        _ if gzip.is_some() => UnreadableInputError::new_err(message.clone()),
        ErrorKind::Io | ErrorKind::Invalid | ErrorKind::Changed | ErrorKind::Referentiel => {
            UnreadableInputError::new_err(message.clone())
        }
        ErrorKind::Structure | ErrorKind::Unwritable => InvalidDataError::new_err(message.clone()),
        ErrorKind::Argument => PyValueError::new_err(message.clone()),
        _ => LheoError::new_err(message.clone()),
    };
    let code = e.diagnostic().map(|d| d.code());
    annotate(py, &err, &message, code, e.location(), file);
    err
}

/// Sets the attributes of an exception of lheo (`message`, `code`, place, `file`).
pub fn annotate(
    py: Python<'_>,
    err: &PyErr,
    message: &str,
    code: Option<&str>,
    location: Option<&Location>,
    file: Option<&str>,
) {
    let value = err.value(py);
    let (mut line, mut column, mut sheet, mut cell) = (None, None, None, None);
    match location {
        Some(Location::Xml { line: l, column: c }) => {
            line = Some(*l);
            column = Some(*c);
        }
        Some(Location::Cell { sheet: s, cell: c }) => {
            sheet = Some(s.as_str());
            cell = Some(c.as_str());
        }
        _ => {}
    }
    // Setting attributes on a fresh exception instance cannot fail but for lack of memory,
    // in which case the exception still says what went wrong.
    let _ = value.setattr("message", message);
    let _ = value.setattr("code", code);
    let _ = value.setattr("line", line);
    let _ = value.setattr("column", column);
    let _ = value.setattr("sheet", sheet);
    let _ = value.setattr("cell", cell);
    let _ = value.setattr("file", file);
    if !value.hasattr("diagnostics").unwrap_or(true) {
        let _ = value.setattr("diagnostics", PyList::empty(py));
    }
    for absent in ["report", "path"] {
        if !value.hasattr(absent).unwrap_or(true) {
            let _ = value.setattr(absent, py.None());
        }
    }
}

/// An exception of `kind` with a message and no place.
pub fn error_with<E: pyo3::PyTypeInfo>(py: Python<'_>, message: String) -> PyErr {
    let err = PyErr::new::<E, _>(message.clone());
    annotate(py, &err, &message, None, None, None);
    err
}

/// What went wrong in Rust code run on behalf of Python.
pub enum Failure {
    /// An error of the library.
    Lheo(lheo::Error),
    /// A Python exception (raised by a file object, or built already).
    Py(PyErr),
    /// A panic: a bug of lheo.
    Panic(String),
    /// An input the package itself refuses (French, English): `UnreadableInputError`.
    Unreadable(String, String),
    /// An input lheo does not read: the sentence of `lheo::input` that completes
    /// « FICHIER » est … / "FILE" is ….
    Refused(lheo::Message),
    /// A document with errors where a valid one is needed: `what` says what was refused
    /// (French, English), the report has every finding.
    Findings {
        /// What was refused, e.g. « conversion refusée, aucun fichier écrit ».
        what: (String, String),
        /// The findings.
        report: Box<lheo::validate::Report>,
    },
}

impl From<lheo::Error> for Failure {
    fn from(e: lheo::Error) -> Self {
        Failure::Lheo(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if let Some(gzip) = GzipError::of(&e) {
            let (fr, en) = gzip.text();
            return Failure::Unreadable(fr, en);
        }
        Failure::Lheo(lheo::Error::from(e))
    }
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Py(e)
    }
}

impl Failure {
    /// The exception for this failure.
    pub fn into_py(self, py: Python<'_>, lang: Lang, file: Option<&str>) -> PyErr {
        match self {
            Failure::Lheo(e) => from_lheo(py, &e, lang, file),
            Failure::Py(e) => e,
            Failure::Panic(what) => internal(py, &what, lang),
            Failure::Refused(sentence) => {
                let name = file.unwrap_or("<bytes>");
                let message = match lang {
                    Lang::Fr => format!("« {name} » est {}", sentence.fr),
                    Lang::En => format!("\"{name}\" is {}", sentence.en),
                };
                let err = UnreadableInputError::new_err(message.clone());
                annotate(py, &err, &message, None, None, file);
                err
            }
            Failure::Unreadable(fr, en) => {
                let text = if lang == Lang::Fr { fr } else { en };
                let message = format!("{}{text}", named(file, lang));
                let err = UnreadableInputError::new_err(message.clone());
                annotate(py, &err, &message, None, None, file);
                err
            }
            Failure::Findings { what, report } => findings(py, &report, what, lang, file),
        }
    }
}

/// `InvalidDataError` for a report with errors: the message names the first error and how
/// many there are; `diagnostics` and `report` carry them all.
pub fn findings(
    py: Python<'_>,
    report: &lheo::validate::Report,
    what: (String, String),
    lang: Lang,
    file: Option<&str>,
) -> PyErr {
    let counts = report.counts();
    let first = report
        .diagnostics
        .iter()
        .find(|d| d.severity == lheo::Severity::Error);
    let (what, first_text) = match lang {
        Lang::Fr => (what.0, "première erreur"),
        Lang::En => (what.1, "first error"),
    };
    let mut message = format!("{}{what}", named(file, lang));
    let errors = match (lang, counts.error) {
        (Lang::Fr, 1) => " (1 erreur".to_owned(),
        (Lang::Fr, n) => format!(" ({n} erreurs"),
        (Lang::En, 1) => " (1 error".to_owned(),
        (Lang::En, n) => format!(" ({n} errors"),
    };
    message.push_str(&errors);
    if let Some(d) = first {
        let path = if d.path.is_empty() {
            String::new()
        } else {
            format!(" [{}]", d.path)
        };
        let sep = if lang == Lang::Fr { " : " } else { ": " };
        message.push_str(&format!(
            " ; {first_text}{sep}{}{}{}{path}",
            place(Some(&d.location), lang),
            d.code(),
            format_args!("{sep}{}", d.text(lang)),
        ));
    }
    message.push(')');
    let err = InvalidDataError::new_err(message.clone());
    let name = file.unwrap_or("<document>");
    let code = first.map(|d| d.code());
    let location = first.map(|d| &d.location);
    match crate::report::Report::new(py, report, name, lang, false) {
        Ok(r) => {
            let value = err.value(py);
            if let Ok(list) = r.diagnostics_list(py) {
                let _ = value.setattr("diagnostics", list);
            }
            let _ = value.setattr("report", r);
        }
        Err(e) => return e,
    }
    annotate(py, &err, &message, code, location, file);
    err
}

/// The exception for a panic: a bug of lheo, never a crash of the interpreter.
pub fn internal(py: Python<'_>, what: &str, lang: Lang) -> PyErr {
    let message = match lang {
        Lang::Fr => format!(
            "erreur interne de lheo ({what}) : l'opération n'a pas abouti, merci de la signaler"
        ),
        Lang::En => format!("internal lheo error ({what}): the operation failed, please report it"),
    };
    error_with::<LheoError>(py, message)
}

/// Runs `f`, turning a panic into [`Failure::Panic`].
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(Failure::Panic(what))
        }
    }
}

/// Runs `f` without the GIL (other Python threads run meanwhile), panics caught.
pub fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, Failure> + Send,
) -> Result<T, Failure> {
    py.detach(|| guard(f))
}
