//! The jobs themselves, run on a blocking thread over the received file: validate (the report
//! of `lheo validate --format json|html|csv`, written by the same renderers), convert to LHEO
//! 2.3 (`lheo import`), export as a workbook (`lheo export`). Each reads the upload through a
//! [`Cancellable`] reader and writes its output to another nameless temporary file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use lheo::validate::{validate, Report, ValidateOptions};
use lheo::{ErrorKind, Lang, Severity};

use super::error::ApiError;
use super::jobs::{Cancel, Cancellable};
use crate::report::html::{self, HtmlFile, HtmlOptions};
use crate::report::view::{Shown, HTML_PER_RULE};
use crate::report::{csv, json, FileReport};
use crate::source::Excerpts;

/// The formats of the validation report the API answers (`format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `lheo validate --format json` (the default).
    Json,
    /// `lheo validate --format html`: the page the server's own page shows.
    Html,
    /// `lheo validate --format csv`: `;`-separated, with a byte order mark, for Excel.
    Csv,
}

impl Format {
    /// Every format, by its name in `format=`.
    pub const ALL: [(&'static str, Format); 3] = [
        ("json", Format::Json),
        ("html", Format::Html),
        ("csv", Format::Csv),
    ];

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, f)| f)
    }

    /// Its `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// What a received file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// LHEO XML, plain or gzip-compressed (the reader says what is wrong with it, if anything).
    Xml,
    /// A workbook (`.xlsx`, `.xls`, `.ods`).
    Workbook,
}

/// Recognises the upload by its content (`lheo::input`, as every command does); 415 with
/// lheo's sentence for what it cannot read, 400 for a compressed file that cannot be
/// decompressed.
pub fn recognise(file: &mut File) -> Result<Kind, ApiError> {
    let recognised = match lheo::input::open(BufReader::new(&mut *file)) {
        Ok(opened) => opened.recognised().clone(),
        Err(e) => {
            return Err(ApiError::bad_request(format!(
                "fichier compressé illisible : {e}"
            )))
        }
    };
    file.seek(SeekFrom::Start(0))
        .map_err(|e| ApiError::internal(format!("fichier temporaire illisible : {e}")))?;
    if let Some(refusal) = recognised.refusal() {
        return Err(ApiError::unsupported(format!(
            "le fichier envoyé est {}",
            refusal.fr
        )));
    }
    Ok(match recognised.workbook() {
        Some(_) => Kind::Workbook,
        None => Kind::Xml,
    })
}

/// The upload's content, decompressed when it is gzip, read until the request is gone.
fn content(
    file: File,
    cancel: &Cancel,
) -> Result<lheo::input::Opened<BufReader<Cancellable<File>>>, ApiError> {
    lheo::input::open(BufReader::with_capacity(64 * 1024, cancel.reader(file)))
        .map_err(|e| ApiError::bad_request(format!("fichier compressé illisible : {e}")))
}

/// The validation report of the upload.
pub fn report(
    mut file: File,
    kind: Kind,
    options: &ValidateOptions,
    cancel: &Cancel,
) -> Result<Report, ApiError> {
    match kind {
        Kind::Xml => Ok(validate(content(file, cancel)?, options)),
        Kind::Workbook => {
            let imported = lheo::workbook::read_workbook(BufReader::new(SeekableCancellable(
                cancel.reader(&mut file),
            )))
            .map_err(|e| {
                ApiError::bad_request(format!("classeur illisible : {}", e.text(Lang::Fr)))
            })?;
            Ok(imported.validate(options))
        }
    }
}

/// The JSON document `lheo validate --format json` prints for this report.
pub fn report_json(report: Report, name: &str, lang: Lang) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    json::write(
        &mut out,
        &[FileReport {
            name: name.to_owned(),
            report,
        }],
        lang,
        false,
    )
    .map_err(|e| ApiError::internal(format!("rapport JSON impossible : {e}")))?;
    Ok(out)
}

/// The report in `format`, in a temporary file at its start. For HTML, `lines` is the upload
/// again (XML): the source lines under the findings are read from it, as `lheo validate`
/// reads them from its input.
pub fn render(
    report: Report,
    name: &str,
    lang: Lang,
    format: Format,
    lines: Option<File>,
    dir: &Path,
    cancel: &Cancel,
) -> Result<File, ApiError> {
    let mut out = temp(dir)?;
    {
        let mut writer = BufWriter::with_capacity(64 * 1024, &mut out);
        let files = [FileReport {
            name: name.to_owned(),
            report,
        }];
        match format {
            Format::Json => json::write(&mut writer, &files, lang, false),
            Format::Csv => csv::write(&mut writer, &files, lang),
            Format::Html => {
                // What `lheo validate --format html` shows without --severity and
                // --max-per-rule.
                let shown = Shown {
                    severity: Severity::Info,
                    per_rule: Some(HTML_PER_RULE),
                };
                let page = HtmlFile::new(name, &files[0].report, &shown, |places| {
                    lines
                        .map(|file| excerpts(file, places, cancel))
                        .unwrap_or_default()
                });
                let options = HtmlOptions {
                    lang,
                    shown,
                    deny_warnings: false,
                    unreadable: 0,
                    referentiels: &[],
                };
                html::render(&mut writer, &[page], &options)
            }
        }
        .and_then(|()| writer.flush())
        .map_err(|e| ApiError::internal(format!("rapport impossible à écrire : {e}")))?;
    }
    if cancel.is_cancelled() {
        return Err(ApiError::bad_request("requête abandonnée"));
    }
    rewind(out)
}

/// The source lines at `places` (line, column) of the upload, decompressed and decoded as the
/// reader did; none when it cannot be read again.
fn excerpts(mut file: File, places: &[(u32, u32)], cancel: &Cancel) -> Excerpts {
    if places.is_empty() || file.seek(SeekFrom::Start(0)).is_err() {
        return Excerpts::new();
    }
    let Ok(content) = lheo::input::open(BufReader::with_capacity(64 * 1024, cancel.reader(file)))
    else {
        return Excerpts::new();
    };
    match lheo::reader::utf8(content) {
        Ok((utf8, _)) => crate::source::excerpts(utf8, places).unwrap_or_default(),
        Err(_) => Excerpts::new(),
    }
}

/// The upload converted to LHEO 2.3, in a temporary file at its start; 422 with the report when
/// the feed has errors.
pub fn convert(
    file: File,
    name: &str,
    options: &ValidateOptions,
    dir: &Path,
    cancel: &Cancel,
) -> Result<File, ApiError> {
    let mut out = temp(dir)?;
    let conversion = {
        let mut writer = BufWriter::with_capacity(64 * 1024, &mut out);
        let conversion = lheo::convert::convert(content(file, cancel)?, &mut writer, options)
            .map_err(|e| {
                ApiError::internal(format!("conversion impossible : {}", e.text(Lang::Fr)))
            })?;
        writer
            .flush()
            .map_err(|e| ApiError::internal(format!("écriture impossible : {e}")))?;
        conversion
    };
    if cancel.is_cancelled() {
        return Err(ApiError::bad_request("requête abandonnée"));
    }
    if !conversion.written {
        let counts = conversion.report.counts();
        let json = report_json(conversion.report, name, Lang::Fr)?;
        return Err(ApiError::invalid_feed(
            format!(
                "le flux a {} erreur{} : il n'est converti en LHEO 2.3 que sans erreur (voir le rapport)",
                counts.error,
                if counts.error > 1 { "s" } else { "" }
            ),
            String::from_utf8(json).ok(),
        ));
    }
    rewind(out)
}

/// The upload (LHEO XML) exported as a workbook, in a temporary file at its start.
pub fn export(file: File, dir: &Path, cancel: &Cancel) -> Result<File, ApiError> {
    let input = content(file, cancel)?;
    let mut out = temp(dir)?;
    let exported = {
        let mut writer = BufWriter::with_capacity(64 * 1024, &mut out);
        // The sheets' own temporary files go to the server's temporary folder too.
        let options = lheo::workbook::ExportOptions::default().with_tempdir(dir);
        lheo::workbook::export_with(input, &mut writer, &options)
            .and_then(|summary| writer.flush().map(|()| summary).map_err(lheo::Error::from))
    };
    if cancel.is_cancelled() {
        return Err(ApiError::bad_request("requête abandonnée"));
    }
    match exported {
        Ok(_) => rewind(out),
        Err(e) => match (e.kind(), e.diagnostic()) {
            (_, Some(d)) => Err(ApiError::invalid_feed(
                format!(
                    "le flux ne peut pas être exporté : [{}] {}",
                    d.code(),
                    d.text(Lang::Fr)
                ),
                None,
            )),
            (ErrorKind::Io, _) | (ErrorKind::Internal, _) => Err(ApiError::internal(format!(
                "export impossible : {}",
                e.text(Lang::Fr)
            ))),
            _ => Err(ApiError::invalid_feed(
                format!("le flux ne peut pas être exporté : {}", e.text(Lang::Fr)),
                None,
            )),
        },
    }
}

/// A nameless temporary file in `dir`.
fn temp(dir: &Path) -> Result<File, ApiError> {
    tempfile::tempfile_in(dir).map_err(|e| {
        ApiError::internal(format!(
            "impossible de créer un fichier temporaire dans « {} » : {e}",
            dir.display()
        ))
    })
}

fn rewind(mut file: File) -> Result<File, ApiError> {
    file.seek(SeekFrom::Start(0))
        .map_err(|e| ApiError::internal(format!("fichier temporaire illisible : {e}")))?;
    Ok(file)
}

/// A cancellable reader over a file that can also seek (workbooks are read at random).
struct SeekableCancellable<'a>(Cancellable<&'a mut File>);

impl Read for SeekableCancellable<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Seek for SeekableCancellable<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.get_mut().seek(pos)
    }
}
