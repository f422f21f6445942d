//! What a function is given to read: a path (`str`, `os.PathLike`), `bytes`/`bytearray`, or a
//! binary file object; and where it writes: a path or a binary file object.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use pyo3::{intern, IntoPyObjectExt};

use crate::errors::Failure;

/// Buffer size for files and file objects.
const BUFFER: usize = 256 * 1024;

/// An input.
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// Bytes held by Python.
    Bytes(PyBackedBytes),
    /// A binary file object (anything with `read(n)` returning bytes).
    File(Py<PyAny>),
}

impl Source {
    /// The input `obj` designates.
    pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
        let py = obj.py();
        if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            return Ok(Source::Bytes(obj.extract::<PyBackedBytes>()?));
        }
        if obj.is_instance_of::<PyString>() || obj.hasattr(intern!(py, "__fspath__"))? {
            return Ok(Source::Path(obj.extract::<PathBuf>()?));
        }
        if obj.hasattr(intern!(py, "read"))? {
            return Ok(Source::File(obj.clone().unbind()));
        }
        Err(PyTypeError::new_err(format!(
            "entrée : un chemin (str, os.PathLike), des bytes ou un fichier binaire sont attendus, \
             pas {}",
            type_name(obj)
        )))
    }

    /// The input's name in reports and messages: the path as given, the file object's
    /// `name`, or `<bytes>`.
    pub fn name(&self, py: Python<'_>) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Bytes(_) => "<bytes>".to_owned(),
            Source::File(f) => f
                .bind(py)
                .getattr(intern!(py, "name"))
                .ok()
                .and_then(|n| n.extract::<PathBuf>().ok())
                .map_or_else(|| "<flux>".to_owned(), |p| p.display().to_string()),
        }
    }

    /// The path, for a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Path(p) => Some(p),
            _ => None,
        }
    }

    /// A reader of the whole input, from its start (consumes the source).
    pub fn into_reader(self) -> io::Result<Box<dyn BufRead + Send>> {
        Ok(match self {
            Source::Path(p) => Box::new(BufReader::with_capacity(BUFFER, open_file(&p)?)),
            Source::Bytes(b) => Box::new(Cursor::new(b)),
            Source::File(f) => Box::new(BufReader::with_capacity(BUFFER, PyReader(f))),
        })
    }

    /// Opens the input and recognises it by its content (`lheo::input`: gzip read through,
    /// workbooks told apart); an input lheo does not read (CSV, EDOF, LHEO 1.x, HTML,
    /// PDF…) is refused with the library's sentence saying what it is.
    pub fn open(self) -> Result<Opened, Failure> {
        let opened = lheo::input::open(self.into_reader()?)?;
        if let Some(refusal) = opened.recognised().refusal() {
            return Err(Failure::Refused(refusal));
        }
        let workbook = opened.recognised().workbook().is_some();
        Ok(Opened {
            reader: Box::new(opened),
            workbook,
        })
    }
}

/// An input recognised by [`Source::open`]: its content from the first byte (decompressed
/// when it is gzip).
pub struct Opened {
    /// The content.
    pub reader: Box<dyn BufRead + Send>,
    /// The input is a workbook (xlsx, xlsb, xls, ods).
    pub workbook: bool,
}

impl Opened {
    /// The content of a workbook as the LHEO 2.3 document it holds; a workbook with errors
    /// is refused with every finding at its cell.
    pub fn workbook_xml(mut self) -> Result<Vec<u8>, Failure> {
        let mut bytes = Vec::new();
        self.reader.read_to_end(&mut bytes)?;
        let imported = lheo::workbook::read_workbook(Cursor::new(bytes))?;
        if !imported.is_ok() {
            return Err(Failure::Findings {
                what: (
                    "le classeur a des erreurs".to_owned(),
                    "the workbook has errors".to_owned(),
                ),
                report: Box::new(
                    imported.validate(&lheo::validate::ValidateOptions::new(lheo::Profile::Xsd)),
                ),
            });
        }
        Ok(imported.xml)
    }
}

/// Opens a file to read, refusing a directory with the usual error.
pub fn open_file(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    Ok(file)
}

/// The Python type name of `obj`.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// A binary file object read from Rust: each `read` takes the GIL for the time of one call
/// of the object's `read(n)`.
struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let chunk = self
                .0
                .bind(py)
                .call_method1(intern!(py, "read"), (buf.len(),))
                .map_err(|e| io::Error::other(e.to_string()))?;
            let Ok(bytes) = chunk.cast::<PyBytes>() else {
                // Not `InvalidData`, which the library takes for an output it cannot write.
                return Err(io::Error::other(format!(
                    "le fichier doit être ouvert en binaire (open(…, \"rb\")) : read() a rendu {}",
                    type_name(&chunk)
                )));
            };
            let data = bytes.as_bytes();
            if data.len() > buf.len() {
                return Err(io::Error::other("read(n) a rendu plus de n octets"));
            }
            buf[..data.len()].copy_from_slice(data);
            Ok(data.len())
        })
    }
}

/// Where a function writes: a path (written atomically) or a binary file object.
pub enum Dest {
    /// A file, replaced at the end only.
    Path(PathBuf),
    /// A binary file object (anything with `write(bytes)`).
    File(Py<PyAny>),
}

impl Dest {
    /// The destination `obj` designates.
    pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Dest> {
        let py = obj.py();
        if obj.is_instance_of::<PyString>() || obj.hasattr(intern!(py, "__fspath__"))? {
            return Ok(Dest::Path(obj.extract::<PathBuf>()?));
        }
        if obj.hasattr(intern!(py, "write"))? {
            return Ok(Dest::File(obj.clone().unbind()));
        }
        Err(PyTypeError::new_err(format!(
            "sortie : un chemin (str, os.PathLike) ou un fichier binaire ouvert en écriture est \
             attendu, pas {}",
            type_name(obj)
        )))
    }
}

/// A binary file object written from Rust (the GIL taken for each `write`).
pub struct PyWriter(pub Py<PyAny>);

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let bytes = PyBytes::new(py, buf).into_bound_py_any(py).map_err(to_io)?;
            self.0
                .bind(py)
                .call_method1(intern!(py, "write"), (bytes,))
                .map_err(to_io)?;
            Ok(buf.len())
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Python::attach(|py| {
            let f = self.0.bind(py);
            if f.hasattr(intern!(py, "flush")).unwrap_or(false) {
                f.call_method0(intern!(py, "flush")).map_err(to_io)?;
            }
            Ok(())
        })
    }
}

fn to_io(e: PyErr) -> io::Error {
    io::Error::other(e.to_string())
}
