//! `lheo.iter_formations` and `lheo.iter_records`: the records of a feed, one at a time.

use std::io::BufRead;
use std::sync::Mutex;

use lheo::reader::Reader;
use lheo::{Diagnostic, ErrorKind, Lang, Record, Rule};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{self, detached, Failure};
use crate::input::Source;
use crate::todict;

type FeedReader = Reader<Box<dyn BufRead + Send>>;

struct State {
    reader: FeedReader,
    /// The root was found to be LHEO 2.x.
    checked: bool,
}

impl State {
    /// The next item of the reader, and the error of a root that is not LHEO 2.x.
    fn next(&mut self) -> Option<Result<Record, lheo::Error>> {
        let item = self.reader.next();
        if !self.checked {
            if let Some(root) = self.reader.root() {
                if self.reader.version().is_none() {
                    return Some(Err(lheo::Error::from(Diagnostic::new(
                        Rule::XsdRacine,
                        format!(
                            "l'élément racine « {root} » n'est pas dans un espace de noms LHEO 2.0 à 2.3 : ce n'est pas un flux LHEO"
                        ),
                        format!(
                            "the root element \"{root}\" is not in an LHEO 2.0 to 2.3 namespace: this is not an LHEO feed"
                        ),
                    ))));
                }
                self.checked = true;
            }
        }
        item
    }
}

/// The records of a feed, read one at a time (an iterator: `for f in
/// lheo.iter_formations(path)`). A record that does not fit LHEO raises
/// `InvalidDataError` and the iteration can go on with the next one; a feed that cannot be
/// read further (not well-formed, truncated) raises `UnreadableInputError` and ends.
#[pyclass(module = "lheo")]
pub struct RecordIterator {
    state: Mutex<Option<State>>,
    file: String,
    lang: Lang,
    /// Yield only `formation` records, as dicts (else `(name, dict)` for every record).
    formations: bool,
}

#[pymethods]
impl RecordIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        loop {
            let Ok(mut guard) = self.state.try_lock() else {
                return Err(PyRuntimeError::new_err(
                    "cet itérateur est déjà lu par un autre fil d'exécution",
                ));
            };
            let Some(state) = guard.as_mut() else {
                return Ok(None);
            };
            let item = detached(py, || Ok(state.next()));
            let record = match item {
                Ok(None) => {
                    *guard = None;
                    return Ok(None);
                }
                Ok(Some(Ok(record))) => record,
                Ok(Some(Err(e))) => {
                    if e.kind() != ErrorKind::Structure {
                        *guard = None;
                    }
                    return Err(errors::from_lheo(py, &e, self.lang, Some(&self.file)));
                }
                Err(f) => {
                    *guard = None;
                    return Err(f.into_py(py, self.lang, Some(&self.file)));
                }
            };
            drop(guard);
            if self.formations {
                if let Record::Formation(f) = &record {
                    return Ok(Some(
                        todict::element_to_py(py, "formation", f.as_ref())?.unbind(),
                    ));
                }
                continue;
            }
            let (name, dict) = todict::record_to_py(py, &record)?;
            return Ok(Some(
                PyTuple::new(py, [name.into_pyobject(py)?.into_any(), dict])?
                    .into_any()
                    .unbind(),
            ));
        }
    }
}

fn open(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    lang: &str,
    formations: bool,
) -> PyResult<RecordIterator> {
    let lang = errors::lang(lang)?;
    let src = Source::extract(source)?;
    let file = src.name(py);
    let reader = detached(py, move || -> Result<FeedReader, Failure> {
        let opened = src.open()?;
        let input: Box<dyn BufRead + Send> = if opened.workbook {
            // A workbook is read whole (as workbooks are), then streamed as its document.
            Box::new(std::io::Cursor::new(opened.workbook_xml()?))
        } else {
            opened.reader
        };
        Ok(Reader::new(input)?)
    })
    .map_err(|f| f.into_py(py, lang, Some(&file)))?;
    Ok(RecordIterator {
        state: Mutex::new(Some(State {
            reader,
            checked: false,
        })),
        file,
        lang,
        formations,
    })
}

/// The `formation`s of a feed (LHEO 2.0–2.3), one dict at a time: memory holds one record,
/// whatever the size of the feed. Other records (the organisations of an `lheo-plus`, the
/// summaries of an `lheo-index`) are skipped: `iter_records` gives them all.
#[pyfunction]
#[pyo3(signature = (source, *, lang = "fr"))]
pub fn iter_formations(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    lang: &str,
) -> PyResult<RecordIterator> {
    open(py, source, lang, true)
}

/// Every record of a feed as `(element name, dict)`: `("formation", {...})`,
/// `("resume-offre", {...})`, `("organisme-formation-responsable", {...})`… one at a time.
#[pyfunction]
#[pyo3(signature = (source, *, lang = "fr"))]
pub fn iter_records(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    lang: &str,
) -> PyResult<RecordIterator> {
    open(py, source, lang, false)
}
