//! The functions of the package.

use std::io::{BufReader, Cursor, Read};

use chrono::NaiveDate;
use lheo::diff::{DiffOptions, Ignore, JsonChange, XmlSource};
use lheo::rules::catalogue;
use lheo::validate::ValidateOptions;
use lheo::{Lang, Location, Profile};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::errors::{self, detached, Failure, InvalidDataError, UnreadableInputError};
use crate::fromdict;
use crate::input::{self, Dest, Source};
use crate::output::produce;
use crate::referentiels;
use crate::report::Report;
use crate::todict;

/// The profile named `name` (`xsd`, `lheo`, `france-travail`…).
fn profile(name: &str) -> PyResult<Profile> {
    Profile::ALL
        .iter()
        .copied()
        .find(|p| p.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
            PyValueError::new_err(format!(
                "profil « {name} » inconnu (profils : {})",
                names.join(", ")
            ))
        })
}

/// "Today": a `datetime.date` or a `str` `AAAA-MM-JJ`.
fn today(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<NaiveDate>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let text: String = if v.hasattr("isoformat")? {
        v.call_method0("isoformat")?.extract()?
    } else {
        v.extract().map_err(|_| {
            PyTypeError::new_err("today : une date (datetime.date) ou un texte AAAA-MM-JJ")
        })?
    };
    let day = text.get(..10).unwrap_or(&text);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| PyValueError::new_err(format!("today « {text} » : date AAAA-MM-JJ attendue")))
}

/// The options of `validate`, `convert` and `import_xlsx`.
fn options(
    py: Python<'_>,
    profile_name: &str,
    day: Option<&Bound<'_, PyAny>>,
    rentree: Option<i32>,
    refs: Option<&Bound<'_, PyAny>>,
    lang: Lang,
) -> PyResult<ValidateOptions> {
    let mut options = ValidateOptions::new(profile(profile_name)?)
        .with_referentiels(referentiels::argument(py, refs, lang)?);
    if let Some(year) = rentree {
        options = options.with_rentree(year);
    }
    if let Some(d) = today(day)? {
        options = options.with_today(d);
    }
    Ok(options)
}

/// Validates a feed (LHEO 2.0–2.3 XML or an lheo workbook) with a profile.
///
/// `source`: a path, bytes or a binary file object. `profile`: `"xsd"`, `"lheo"` (default),
/// `"france-travail"`, `"carif"`, `"parcoursup"`. `today`: the date for the date rules
/// (`datetime.date` or `"AAAA-MM-JJ"`, default the local date). `rentree`: the year of the
/// rentrée the `parcoursup` profile checks (sessions from 1 August of that year).
/// `referentiels`: a `lheo.Referentiels`, or the path(s) of referential files to load for
/// this call, to check codes against (the `REF-*` rules, with any profile; the report's
/// `to_dict()` then lists them). `lang`: `"fr"` or `"en"` for the messages.
/// `deny_warnings`: warnings make the file invalid. `name`: the file name in the report
/// (default: the path as given).
///
/// A document that is not well-formed, or not LHEO, gives a report with that finding; an
/// input that cannot be read at all (a missing file) raises `UnreadableInputError`.
// One parameter per Python keyword argument.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (source, profile = "lheo", *, today = None, rentree = None, referentiels = None, lang = "fr", deny_warnings = false, name = None))]
pub fn validate(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    profile: &str,
    today: Option<&Bound<'_, PyAny>>,
    rentree: Option<i32>,
    referentiels: Option<&Bound<'_, PyAny>>,
    lang: &str,
    deny_warnings: bool,
    name: Option<String>,
) -> PyResult<Report> {
    let lang = errors::lang(lang)?;
    let options = options(py, profile, today, rentree, referentiels, lang)?;
    let src = Source::extract(source)?;
    let file = name.unwrap_or_else(|| src.name(py));
    let report = detached(py, move || {
        let mut opened = src.open()?;
        if opened.workbook {
            let mut bytes = Vec::new();
            opened.reader.read_to_end(&mut bytes)?;
            let imported = lheo::workbook::read_workbook(Cursor::new(bytes))?;
            return Ok(imported.validate(&options));
        }
        Ok(lheo::validate::validate(opened.reader, &options))
    })
    .map_err(|f| f.into_py(py, lang, Some(&file)))?;
    Report::new(py, &report, &file, lang, deny_warnings)
}

/// Reads a whole document (LHEO 2.0–2.3 XML of any root, or an lheo workbook) as a dict
/// `{root: {...}}` in the package's dict shape (see the README). For large feeds, use
/// `iter_formations`.
///
/// Raises `UnreadableInputError` when the input cannot be read as LHEO and
/// `InvalidDataError` when its structure does not fit LHEO (a workbook with errors, an
/// element where the schema has none).
#[pyfunction]
#[pyo3(signature = (source, *, lang = "fr"))]
pub fn read<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    lang: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let lang = errors::lang(lang)?;
    let src = Source::extract(source)?;
    let file = src.name(py);
    let doc = detached(py, move || {
        let opened = src.open()?;
        if opened.workbook {
            return Ok(lheo::read_document(Cursor::new(opened.workbook_xml()?))?);
        }
        Ok(lheo::read_document(opened.reader)?)
    })
    .map_err(|f| f.into_py(py, lang, Some(&file)))?;
    todict::document_to_py(py, &doc)
}

/// Writes a document given as a dict `{root: {...}}` (the shape `read` gives) as LHEO 2.3,
/// to `dest` (a path, written atomically, or a binary file object), or returns the bytes
/// when `dest` is None.
///
/// Raises `InvalidDataError` when the dict does not fit LHEO 2.3: a key the schema does not
/// have where it stands, a list where one value is expected (or the reverse), anything the
/// official XSD refuses (a code outside its dictionary, a required element missing, a text
/// too long…). The message gives the element path; `diagnostics` lists every finding.
#[pyfunction]
#[pyo3(signature = (doc, dest = None, *, lang = "fr"))]
pub fn write<'py>(
    py: Python<'py>,
    doc: &Bound<'py, PyAny>,
    dest: Option<&Bound<'py, PyAny>>,
    lang: &str,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let lang = errors::lang(lang)?;
    let dest = dest
        .filter(|d| !d.is_none())
        .map(Dest::extract)
        .transpose()?;
    let xml = fromdict::document_to_xml(doc).map_err(|u| {
        let (text, path_word) = match lang {
            Lang::Fr => (u.fr, "à"),
            Lang::En => (u.en, "at"),
        };
        let message = format!("{text} ({path_word} {})", u.path);
        let err = InvalidDataError::new_err(message.clone());
        errors::annotate(py, &err, &message, None, None, None);
        let _ = err.value(py).setattr("path", u.path);
        err
    })?;
    let document = detached(py, move || {
        // The XSD's verdict first: a dict the schema refuses is not written, and every
        // reason is given with its element path (lines would be those of an intermediate
        // text, so there are none).
        let mut report =
            lheo::validate::validate(xml.as_bytes(), &ValidateOptions::new(Profile::Xsd));
        report
            .diagnostics
            .retain(|d| d.severity == lheo::Severity::Error);
        if !report.diagnostics.is_empty() {
            for d in &mut report.diagnostics {
                d.location = Location::None;
            }
            return Err(Failure::Findings {
                what: (
                    "le document ne tient pas dans LHEO 2.3".to_owned(),
                    "the document does not fit LHEO 2.3".to_owned(),
                ),
                report: Box::new(report),
            });
        }
        Ok(lheo::read_document(xml.as_bytes())?)
    })
    .map_err(|f| f.into_py(py, lang, None))?;
    match dest {
        None => {
            let mut out = Vec::new();
            detached(py, || {
                Ok(lheo::writer::write_document(&document, &mut out)?)
            })
            .map_err(|f| f.into_py(py, lang, None))?;
            Ok(Some(PyBytes::new(py, &out)))
        }
        Some(dest) => {
            detached(py, || {
                produce(&dest, None, |out| {
                    lheo::writer::write_document(&document, out)?;
                    Ok(((), true))
                })
            })
            .map_err(|f| f.into_py(py, lang, None))?;
            Ok(None)
        }
    }
}

/// The conversion shared by `convert` and `import_xlsx`.
fn convert_to(
    py: Python<'_>,
    src: Source,
    dest: &Bound<'_, PyAny>,
    options: ValidateOptions,
    lang: Lang,
    workbook_only: bool,
) -> PyResult<Report> {
    let dest = Dest::extract(dest)?;
    let file = src.name(py);
    let input_path = src.path().map(|p| p.to_path_buf());
    let report = detached(py, move || {
        let opened = src.open()?;
        if workbook_only && !opened.workbook {
            return Err(Failure::Unreadable(
                "ce n'est pas un classeur (xlsx, xls, ods) : pour un flux XML, lheo.convert"
                    .to_owned(),
                "this is not a workbook (xlsx, xls, ods): for an XML feed, lheo.convert".to_owned(),
            ));
        }
        let (report, written) = produce(&dest, input_path.as_deref(), |out| {
            let c = lheo::convert::convert(opened.reader, out, &options)?;
            Ok((c.report, c.written))
        })?;
        if !written {
            return Err(Failure::Findings {
                what: (
                    "conversion refusée, aucun fichier écrit".to_owned(),
                    "conversion refused, no file written".to_owned(),
                ),
                report: Box::new(report),
            });
        }
        Ok(report)
    })
    .map_err(|f| f.into_py(py, lang, Some(&file)))?;
    Report::new(py, &report, &file, lang, false)
}

/// Converts a feed (LHEO 2.0–2.3 XML or an lheo workbook) to LHEO 2.3, like `lheo import`:
/// checked with `profile` on the way, written to `dest` (a path, written atomically, never
/// the input; or a binary file object) only when it has no error. Returns the report
/// (warnings included); raises `InvalidDataError` (with `report` and `diagnostics`) and
/// writes nothing when the feed has errors. `profile`, `today`, `rentree`, `referentiels`:
/// as for `validate`.
// One parameter per Python keyword argument.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (source, dest, *, profile = "lheo", today = None, rentree = None, referentiels = None, lang = "fr"))]
pub fn convert(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    dest: &Bound<'_, PyAny>,
    profile: &str,
    today: Option<&Bound<'_, PyAny>>,
    rentree: Option<i32>,
    referentiels: Option<&Bound<'_, PyAny>>,
    lang: &str,
) -> PyResult<Report> {
    let lang = errors::lang(lang)?;
    let options = options(py, profile, today, rentree, referentiels, lang)?;
    convert_to(py, Source::extract(source)?, dest, options, lang, false)
}

/// Imports an lheo workbook (xlsx, xls, ods) as LHEO 2.3 XML, like `lheo import`: refused
/// (`InvalidDataError`, nothing written) when it has errors, every finding at its cell.
/// `profile`, `today`, `rentree`, `referentiels`: as for `validate`.
// One parameter per Python keyword argument.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (source, dest, *, profile = "lheo", today = None, rentree = None, referentiels = None, lang = "fr"))]
pub fn import_xlsx(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    dest: &Bound<'_, PyAny>,
    profile: &str,
    today: Option<&Bound<'_, PyAny>>,
    rentree: Option<i32>,
    referentiels: Option<&Bound<'_, PyAny>>,
    lang: &str,
) -> PyResult<Report> {
    let lang = errors::lang(lang)?;
    let options = options(py, profile, today, rentree, referentiels, lang)?;
    convert_to(py, Source::extract(source)?, dest, options, lang, true)
}

/// Exports a feed (LHEO 2.0–2.3 XML) as an lheo workbook (`.xlsx`), like `lheo export`,
/// streaming (memory stays flat). Returns the number of records written.
#[pyfunction]
#[pyo3(signature = (source, dest, *, lang = "fr"))]
pub fn export_xlsx(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    dest: &Bound<'_, PyAny>,
    lang: &str,
) -> PyResult<u64> {
    let lang = errors::lang(lang)?;
    let src = Source::extract(source)?;
    let dest = Dest::extract(dest)?;
    let file = src.name(py);
    let input_path = src.path().map(|p| p.to_path_buf());
    let (records, _) = detached(py, move || {
        let opened = src.open()?;
        if opened.workbook {
            return Err(Failure::Unreadable(
                "c'est déjà un classeur : lheo.export_xlsx prend un flux XML".to_owned(),
                "this is a workbook already: lheo.export_xlsx takes an XML feed".to_owned(),
            ));
        }
        produce(&dest, input_path.as_deref(), |out| {
            let summary = lheo::workbook::export(opened.reader, out)?;
            Ok((summary.records, true))
        })
    })
    .map_err(|f| f.into_py(py, lang, Some(&file)))?;
    Ok(records)
}

/// One side of a comparison, ready to be read twice.
enum Side {
    File(std::path::PathBuf),
    Bytes(Vec<u8>),
}

fn side(src: Source) -> Result<Side, Failure> {
    // A file is read twice by the comparison, from its path (through `lheo::input`, so a
    // gzip archive streams too); bytes, a file object or a workbook once, into memory.
    let path = src.path().map(|p| p.to_path_buf());
    let mut opened = src.open()?;
    if opened.workbook {
        return Ok(Side::Bytes(opened.workbook_xml()?));
    }
    if let Some(p) = path {
        return Ok(Side::File(p));
    }
    let mut bytes = Vec::new();
    opened.reader.read_to_end(&mut bytes)?;
    Ok(Side::Bytes(bytes))
}

/// Compares two feeds (XML of any LHEO 2.x version, or workbooks) and returns the document
/// `lheo diff --format json` prints: `{"old", "new", "changes": [...], "summary"}`.
///
/// `ignore`: element or attribute names (or paths) left out, e.g. `["horodatage-export"]`.
/// `exact_whitespace`: compare texts exactly (by default runs of whitespace count as one).
#[pyfunction]
#[pyo3(signature = (old, new, *, ignore = Vec::new(), exact_whitespace = false, lang = "fr"))]
pub fn diff<'py>(
    py: Python<'py>,
    old: &Bound<'py, PyAny>,
    new: &Bound<'py, PyAny>,
    ignore: Vec<String>,
    exact_whitespace: bool,
    lang: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let lang = errors::lang(lang)?;
    let mut patterns = Vec::new();
    for i in &ignore {
        let pattern: Ignore = i
            .parse()
            .map_err(|e: lheo::Error| errors::from_lheo(py, &e, lang, None))?;
        patterns.push(pattern);
    }
    let options = DiffOptions::default()
        .with_ignore(patterns)
        .with_exact_whitespace(exact_whitespace);
    let (old, new) = (Source::extract(old)?, Source::extract(new)?);
    let (old_name, new_name) = (old.name(py), new.name(py));
    let names = (old_name.clone(), new_name.clone());
    let result = detached(py, move || {
        Ok((|| {
            let sides = [
                side(old).map_err(|f| (f, names.0.clone()))?,
                side(new).map_err(|f| (f, names.1.clone()))?,
            ];
            let sources: Vec<Box<dyn lheo::diff::Source + '_>> = sides
                .iter()
                .map(|s| -> Box<dyn lheo::diff::Source + '_> {
                    match s {
                        Side::File(p) => Box::new(XmlSource::new(move || {
                            let file = input::open_file(p)?;
                            lheo::input::open(BufReader::with_capacity(256 * 1024, file))
                        })),
                        Side::Bytes(b) => {
                            Box::new(XmlSource::new(move || Ok(Cursor::new(b.as_slice()))))
                        }
                    }
                })
                .collect();
            lheo::diff::diff_collect(sources[0].as_ref(), sources[1].as_ref(), &options).map_err(
                |e| {
                    let name = match e.side() {
                        Some(lheo::Side::Old) => names.0.clone(),
                        Some(lheo::Side::New) => names.1.clone(),
                        None => String::new(),
                    };
                    (Failure::Lheo(e), name)
                },
            )
        })())
    });
    let diff = match result {
        Ok(Ok(d)) => d,
        Err(f) => return Err(f.into_py(py, lang, None)),
        Ok(Err((f, name))) => {
            let name = (!name.is_empty()).then_some(name);
            return Err(f.into_py(py, lang, name.as_deref()));
        }
    };
    let doc = PyDict::new(py);
    doc.set_item("old", old_name)?;
    doc.set_item("new", new_name)?;
    let changes = PyList::empty(py);
    for c in &diff.changes {
        changes.append(pythonize::pythonize(py, &JsonChange::new(c))?)?;
    }
    doc.set_item("changes", changes)?;
    doc.set_item("summary", pythonize::pythonize(py, &diff.summary)?)?;
    Ok(doc)
}

/// The rule catalogue, as `lheo rules --format json` lists it: `{"code", "profile",
/// "severity", "description"}` for every rule (of `profile` and the profiles it includes,
/// when given).
#[pyfunction]
#[pyo3(signature = (profile = None, *, lang = "fr"))]
pub fn rules<'py>(
    py: Python<'py>,
    profile: Option<&str>,
    lang: &str,
) -> PyResult<Bound<'py, PyList>> {
    let lang = errors::lang(lang)?;
    let rules: Vec<lheo::Rule> = match profile {
        Some(p) => catalogue::rules_for(self::profile(p)?).collect(),
        None => catalogue::all().collect(),
    };
    let list = PyList::empty(py);
    for r in rules {
        let d = PyDict::new(py);
        d.set_item("code", r.code())?;
        d.set_item("profile", r.profile().name())?;
        d.set_item("severity", r.severity().as_str())?;
        d.set_item("description", r.description(lang))?;
        list.append(d)?;
    }
    Ok(list)
}

fn dictionary_decl(name: &str) -> PyResult<&'static lheo::schema::DictDecl> {
    let wanted = if name.starts_with("dict-") {
        name.to_owned()
    } else {
        format!("dict-{name}")
    };
    lheo::schema::DICTS
        .iter()
        .find(|d| d.name == wanted)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "dictionnaire « {name} » inconnu (lheo.dictionaries() les nomme tous)"
            ))
        })
}

/// The French label of `code` in the dictionary `dictionary` (`"dict-modalite-recrutement"`,
/// or without `dict-`); None when the code is not in it. Raises `ValueError` for an unknown
/// dictionary.
#[pyfunction]
pub fn label(dictionary: &str, code: &str) -> PyResult<Option<&'static str>> {
    Ok(dictionary_decl(dictionary)?.label_of(code))
}

/// The dictionaries: `{name: French name}`.
#[pyfunction]
pub fn dictionaries(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for dict in &lheo::schema::DICTS {
        d.set_item(dict.name, dict.label)?;
    }
    Ok(d)
}

/// The codes of a dictionary and their French labels, in the GML's order: `{code: label}`.
#[pyfunction]
pub fn dictionary<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (code, label) in dictionary_decl(name)?.entries {
        d.set_item(*code, *label)?;
    }
    Ok(d)
}

/// Writes a synthetic LHEO 2.3 feed: valid against the official XSD, the LHEO rules and
/// (unless `france_travail=False`) the France Travail rules; the same arguments always give
/// the same bytes (`today` aside, which dates the recruitment appointments).
///
/// `formations`: how many `formation`s (`resume-offre`s for `root="lheo-index"`). `dest`: a
/// path (written atomically) or a binary file object; None returns the feed as bytes.
/// Returns the bytes, or for a `dest` what was written: `{"formations", "actions",
/// "sessions", "recrutements", "bytes"}`.
#[pyfunction]
#[pyo3(signature = (formations, dest = None, *, seed = 0, root = "lheo", today = None, france_travail = true))]
pub fn generate<'py>(
    py: Python<'py>,
    formations: u64,
    dest: Option<&Bound<'py, PyAny>>,
    seed: u64,
    root: &str,
    today: Option<&Bound<'py, PyAny>>,
    france_travail: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let root: lheo::generate::Root = root
        .parse()
        .map_err(|e: lheo::Error| errors::from_lheo(py, &e, Lang::Fr, None))?;
    let mut options = lheo::generate::GenerateOptions::new(formations)
        .with_seed(seed)
        .with_root(root)
        .with_france_travail(france_travail);
    if let Some(day) = self::today(today)? {
        options = options.with_today(day);
    }
    let generator = lheo::generate::Generator::new(options);
    let dest = dest
        .filter(|d| !d.is_none())
        .map(Dest::extract)
        .transpose()?;
    let Some(dest) = dest else {
        let mut out = Vec::new();
        detached(py, || Ok(generator.write(&mut out)?))
            .map_err(|f| f.into_py(py, Lang::Fr, None))?;
        return Ok(PyBytes::new(py, &out).into_any());
    };
    let (summary, _) = detached(py, || {
        produce(&dest, None, |out| Ok((generator.write(out)?, true)))
    })
    .map_err(|f| f.into_py(py, Lang::Fr, None))?;
    let d = PyDict::new(py);
    d.set_item("formations", summary.formations)?;
    d.set_item("actions", summary.actions)?;
    d.set_item("sessions", summary.sessions)?;
    d.set_item("recrutements", summary.recrutements)?;
    d.set_item("bytes", summary.bytes)?;
    Ok(d.into_any())
}

/// Raises `UnreadableInputError` for testing the package's exceptions (not public).
#[pyfunction]
#[pyo3(name = "_panic")]
pub fn panic_for_tests(py: Python<'_>) -> PyResult<()> {
    detached(py, || -> Result<(), Failure> { panic!("essai de panique") })
        .map_err(|f| f.into_py(py, Lang::Fr, None))?;
    Err(errors::error_with::<UnreadableInputError>(
        py,
        "inatteignable".to_owned(),
    ))
}
