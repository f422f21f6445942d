//! `lheo.Report` and `lheo.Diagnostic`: a validation report, built from the document
//! `lheo validate --format json` prints for one file (`lheo::validate::JsonFile`), so that
//! `Report.to_dict()` is that document.

use lheo::validate::Report as LheoReport;
use lheo::Lang;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A finding: `code` (stable, see `lheo.rules()`), `severity` (`"error"`, `"warning"`,
/// `"info"`), `message`, `line` and `column` (XML) or `sheet` and `cell` (workbook), `path`
/// (the element path), `record` (the offer it belongs to, as a dict, when known).
#[pyclass(module = "lheo", frozen)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `FT-RDV-PLAGE`.
    #[pyo3(get)]
    pub code: String,
    /// `error`, `warning` or `info`.
    #[pyo3(get)]
    pub severity: String,
    /// The message, in the language asked for.
    #[pyo3(get)]
    pub message: String,
    /// 1-based line, for a finding in XML.
    #[pyo3(get)]
    pub line: Option<u32>,
    /// 1-based column (in bytes), for a finding in XML.
    #[pyo3(get)]
    pub column: Option<u32>,
    /// The sheet, for a finding in a workbook.
    #[pyo3(get)]
    pub sheet: Option<String>,
    /// The cell, for a finding in a workbook.
    #[pyo3(get)]
    pub cell: Option<String>,
    /// The element path.
    #[pyo3(get)]
    pub path: Option<String>,
    /// The record (offer) the finding is in, when known.
    #[pyo3(get)]
    pub record: Option<Py<PyAny>>,
    dict: Py<PyDict>,
}

#[pymethods]
impl Diagnostic {
    /// The finding as in `lheo validate --format json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.dict.bind(py).copy()
    }

    fn __repr__(&self) -> String {
        let place = match (self.line, self.column, &self.sheet, &self.cell) {
            (Some(l), Some(c), _, _) => format!(" {l}:{c}"),
            (_, _, Some(s), Some(c)) => format!(" {s}!{c}"),
            _ => String::new(),
        };
        format!(
            "<Diagnostic {} {}{place}: {}>",
            self.severity, self.code, self.message
        )
    }

    fn __str__(&self) -> String {
        self.message.clone()
    }
}

impl Diagnostic {
    /// From one entry of the JSON document's `diagnostics`.
    fn from_json(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        fn get<'py, T: for<'a> FromPyObject<'a, 'py>>(
            d: &Bound<'py, PyDict>,
            key: &str,
        ) -> PyResult<Option<T>> {
            match d.get_item(key)? {
                Some(v) if !v.is_none() => v.extract::<T>().map(Some).map_err(Into::into),
                _ => Ok(None),
            }
        }
        Ok(Diagnostic {
            code: get(d, "code")?.unwrap_or_default(),
            severity: get(d, "severity")?.unwrap_or_default(),
            message: get(d, "message")?.unwrap_or_default(),
            line: get(d, "line")?,
            column: get(d, "column")?,
            sheet: get(d, "sheet")?,
            cell: get(d, "cell")?,
            path: get(d, "path")?,
            record: d
                .get_item("record")?
                .filter(|v| !v.is_none())
                .map(Bound::unbind),
            dict: d.copy()?.unbind(),
        })
    }
}

/// A validation report: `valid`, `counts`, `diagnostics`, `profile`, `version`, `file`, and
/// `to_dict()`, the document `lheo validate --format json` prints for one file.
#[pyclass(module = "lheo", frozen)]
pub struct Report {
    json: serde_json::Value,
    diagnostics: Py<PyList>,
    valid: bool,
}

#[pymethods]
impl Report {
    /// `True` when the file passes: no error (and no warning with `deny_warnings`).
    #[getter]
    fn valid(&self) -> bool {
        self.valid
    }

    /// Diagnostics by severity: `{"error": n, "warning": n, "info": n}`.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.json["counts"])?)
    }

    /// Every finding, sorted by position (a new list each time).
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.diagnostics.bind(py).iter())
    }

    /// The profile used.
    #[getter]
    fn profile(&self) -> Option<&str> {
        self.json["profile"].as_str()
    }

    /// The LHEO version read from the root namespace (`"2.3"`, `"2.2"`…), None when not
    /// LHEO 2.x.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.json["version"].as_str()
    }

    /// The file's name as given (`<bytes>` for bytes).
    #[getter]
    fn file(&self) -> Option<&str> {
        self.json["file"].as_str()
    }

    /// The document of `lheo validate --format json` for this file (a new dict each time).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.json)?)
    }

    fn __repr__(&self) -> String {
        let c = &self.json["counts"];
        format!(
            "<Report {} {}: {} ({} errors, {} warnings, {} infos)>",
            self.profile().unwrap_or("?"),
            self.file().unwrap_or("?"),
            if self.valid { "valid" } else { "invalid" },
            c["error"],
            c["warning"],
            c["info"]
        )
    }

    fn __len__(&self) -> usize {
        self.json["diagnostics"].as_array().map_or(0, Vec::len)
    }
}

impl Report {
    /// The report of the library as the Python object.
    pub fn new(
        py: Python<'_>,
        report: &LheoReport,
        file: &str,
        lang: Lang,
        deny_warnings: bool,
    ) -> PyResult<Report> {
        let json = serde_json::to_value(report.to_json(file, lang, deny_warnings))
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        let diagnostics = PyList::empty(py);
        if let Some(list) = json["diagnostics"].as_array() {
            for d in list {
                let d = pythonize::pythonize(py, d)?;
                let d = d.cast::<PyDict>()?;
                diagnostics.append(Py::new(py, Diagnostic::from_json(d)?)?)?;
            }
        }
        Ok(Report {
            valid: json["valid"].as_bool().unwrap_or(false),
            json,
            diagnostics: diagnostics.unbind(),
        })
    }

    /// The findings, for an exception that carries them.
    pub fn diagnostics_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.diagnostics(py)
    }
}
