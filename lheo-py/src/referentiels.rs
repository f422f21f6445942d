//! `lheo.Referentiels`: the official referentials (RNCP and RS with their blocs, ROME 4.0,
//! Certif Info, NSF) loaded once from their downloaded files, and the `referentiels`
//! argument of `validate`, `convert` and `import_xlsx` (`lheo validate --referentiels`).

use std::path::PathBuf;
use std::sync::Arc;

use lheo::validate::JsonReferentiel;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::{self, detached};
use crate::input::type_name;

/// Referentials loaded from their files, as downloaded (zipped or not), recognised by
/// content and name: `Referentiels(paths, *, lang="fr")` with a path (`str`,
/// `os.PathLike`, a file or a folder) or a list of paths, like `lheo referentiels PATH…`.
/// Give it as `referentiels=` to `validate`, `convert` or `import_xlsx` to run the `REF-*`
/// rules with any profile; load once, use for many feeds. `sources` describes what was
/// loaded. A file that is not a referential lheo knows raises `UnreadableInputError`.
#[pyclass(module = "lheo", frozen)]
pub struct Referentiels {
    inner: Arc<lheo::referentiels::Referentiels>,
}

#[pymethods]
impl Referentiels {
    #[new]
    #[pyo3(signature = (paths, *, lang = "fr"))]
    fn new(py: Python<'_>, paths: &Bound<'_, PyAny>, lang: &str) -> PyResult<Self> {
        let lang = errors::lang(lang)?;
        Ok(Referentiels {
            inner: load(py, paths, lang)?,
        })
    }

    /// What each file gave, as `lheo referentiels --format json` lists it: `{"kind",
    /// "format", "files", "date", "version", "entries", "active", "blocs", "bytes", "used",
    /// "superseded_by"}` (an older edition of a referential given twice is not used).
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let sources: Vec<JsonReferentiel<'_>> = self
            .inner
            .sources()
            .iter()
            .map(JsonReferentiel::new)
            .collect();
        Ok(pythonize::pythonize(py, &sources)?)
    }

    fn __repr__(&self) -> String {
        let kinds: Vec<&str> = self
            .inner
            .sources()
            .iter()
            .filter(|s| s.is_used())
            .map(|s| s.kind.id())
            .collect();
        format!("<Referentiels {}>", kinds.join(", "))
    }
}

/// One path or a list (any iterable but a string) of paths.
fn paths_of(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    let one = |o: &Bound<'_, PyAny>| -> PyResult<PathBuf> {
        if o.is_instance_of::<PyString>() || o.hasattr("__fspath__")? {
            return o.extract::<PathBuf>();
        }
        Err(PyTypeError::new_err(format!(
            "référentiels : un chemin (str, os.PathLike) ou une liste de chemins est attendu, \
             pas {}",
            type_name(o)
        )))
    };
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(vec![one(obj)?]);
    }
    if obj.hasattr("__iter__")? {
        return obj.try_iter()?.map(|o| one(&o?)).collect();
    }
    Err(PyTypeError::new_err(format!(
        "référentiels : un chemin (str, os.PathLike) ou une liste de chemins est attendu, pas {}",
        type_name(obj)
    )))
}

/// The `referentiels` argument: None, a `Referentiels`, or paths loaded for this call.
pub fn argument(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
    lang: lheo::Lang,
) -> PyResult<Option<Arc<lheo::referentiels::Referentiels>>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(loaded) = v.cast::<Referentiels>() {
        return Ok(Some(loaded.get().inner.clone()));
    }
    Ok(Some(load(py, v, lang)?))
}

/// Loads the referential files `paths` designates, without the GIL.
fn load(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    lang: lheo::Lang,
) -> PyResult<Arc<lheo::referentiels::Referentiels>> {
    let paths = paths_of(paths)?;
    detached(py, move || {
        Ok(Arc::new(lheo::referentiels::Referentiels::load(&paths)?))
    })
    .map_err(|f| f.into_py(py, lang, None))
}
