//! The jobs themselves, run on a blocking thread over the received file: validate (the JSON
//! report of `lheo validate --format json`), convert to LHEO 2.3 (`lheo import`), export as a
//! workbook (`lheo export`). Each reads the upload through a [`Cancellable`] reader and
//! writes its output, if any, to another nameless temporary file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use lheo::validate::{validate, Report, ValidateOptions};
use lheo::{ErrorKind, Lang};

use super::error::ApiError;
use super::jobs::{Cancel, Cancellable};
use crate::report::{json, FileReport};

/// What a received file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// XML (LHEO or not: the reader says what is wrong).
    Xml,
    /// A workbook (`.xlsx`, `.ods`: a zip archive; `.xls`: an OLE compound file).
    Workbook,
}

/// Recognises the upload by its first bytes (not by its name); 415 for what lheo cannot read.
pub fn recognise(file: &mut File) -> Result<Kind, ApiError> {
    let mut head = [0u8; 512];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => {
                return Err(ApiError::internal(format!(
                    "fichier temporaire illisible : {e}"
                )))
            }
        }
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| ApiError::internal(format!("fichier temporaire illisible : {e}")))?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Kind::Workbook);
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return Err(ApiError::unsupported(
            "fichier compressé (gzip) : décompressez-le puis envoyez le flux XML",
        ));
    }
    let text = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace());
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if utf16 || text == Some(b'<') {
        return Ok(Kind::Xml);
    }
    let what = if head.starts_with(b"%PDF") {
        "un document PDF"
    } else if head.contains(&0) {
        "un fichier binaire"
    } else {
        "du texte qui n'est pas du XML"
    };
    Err(ApiError::unsupported(format!(
        "ce fichier est {what} : lheo lit les flux LHEO 2.0 à 2.3 (XML) et les classeurs \
         (.xlsx, .xls, .ods) faits avec « lheo export » ou « lheo template »"
    )))
}

/// The validation report of the upload.
pub fn report(
    mut file: File,
    kind: Kind,
    options: &ValidateOptions,
    cancel: &Cancel,
) -> Result<Report, ApiError> {
    match kind {
        Kind::Xml => Ok(validate(
            BufReader::with_capacity(64 * 1024, cancel.reader(file)),
            options,
        )),
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
        let conversion = lheo::convert::convert(
            BufReader::with_capacity(64 * 1024, cancel.reader(file)),
            &mut writer,
            options,
        )
        .map_err(|e| ApiError::internal(format!("conversion impossible : {}", e.text(Lang::Fr))))?;
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
    let mut out = temp(dir)?;
    let exported = {
        let mut writer = BufWriter::with_capacity(64 * 1024, &mut out);
        lheo::workbook::export(
            BufReader::with_capacity(64 * 1024, cancel.reader(file)),
            &mut writer,
        )
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
