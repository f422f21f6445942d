//! The Python package `lheo`, on the public API of the `lheo` crate: streaming reading of
//! LHEO feeds as dicts (`iter_formations`, `read`), writing (`write`), validation
//! (`validate`), conversion (`convert`, `import_xlsx`, `export_xlsx`), comparison (`diff`),
//! the rule catalogue (`rules`), the dictionaries (`label`) and the referentials
//! (`Referentiels`).
//!
//! Built by maturin (`pip install ./lheo-py`); the dict shape is documented in
//! `lheo-py/README.md`. Every call that works on a feed releases the GIL while Rust works,
//! and a panic becomes an `lheo.LheoError`, never a crash of the interpreter.

mod api;
mod errors;
mod fromdict;
mod input;
mod output;
mod referentiels;
mod report;
mod stream;
mod todict;

use pyo3::prelude::*;

/// LHEO 2.3 for Python: read training-offer feeds as dicts, validate them (XSD, LHEO,
/// France Travail rules), write, convert, compare.
#[pymodule(name = "lheo")]
mod lheo_module {
    #[pymodule_export]
    use super::api::{
        convert, dictionaries, dictionary, diff, export_xlsx, generate, import_xlsx, label,
        panic_for_tests, read, rules, validate, write,
    };
    #[pymodule_export]
    use super::errors::{InvalidDataError, LheoError, UnreadableInputError};
    #[pymodule_export]
    use super::referentiels::Referentiels;
    #[pymodule_export]
    use super::report::{Diagnostic, Report};
    #[pymodule_export]
    use super::stream::{iter_formations, iter_records, RecordIterator};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("LHEO_VERSION", "2.3")?;
        Ok(())
    }
}
