//! Exporting a feed as a workbook, one record at a time.

use std::io::{BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};

use super::writer::WorkbookWriter;
use crate::check::Checker;
use crate::error::Error;
use crate::reader::{Build, Built, Limits, Reader};
use crate::rules::Profile;
use crate::schema::{self, ElementId};
use crate::{Diagnostic, Rule, Severity};

/// Options of [`export_with`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ExportOptions {
    /// Check the feed's structure with this profile on the way. Its findings are returned
    /// in [`ExportSummary::findings`]: a feed with errors is exported all the same (to be
    /// fixed in the workbook). `None` (the default) checks nothing.
    pub check: Option<Profile>,
    /// Folder for the sheets' temporary files (the system's temporary folder by default).
    pub tempdir: Option<PathBuf>,
}

impl ExportOptions {
    /// These options, checking the feed with `profile` on the way.
    pub fn with_check(mut self, profile: Profile) -> Self {
        self.check = Some(profile);
        self
    }

    /// These options, with the sheets' temporary files in `dir`.
    pub fn with_tempdir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.tempdir = Some(dir.into());
        self
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportSummary {
    /// Records (`formation`, `resume-offre`, …).
    pub records: u64,
    /// With [`ExportOptions::check`]: what the checker found, in document order.
    pub findings: Vec<Diagnostic>,
}

/// Exports an LHEO 2.x document read from `input` as a workbook written to `out`, streaming:
/// one record at a time in memory.
///
/// Fails on a document the reader cannot read (ill-formed XML, not LHEO 2.x) and on anything
/// the workbook could not carry (an element the schema does not allow where it is).
pub fn export<R: BufRead, W: Write + Send>(input: R, out: W) -> Result<ExportSummary, Error> {
    export_with(input, out, &ExportOptions::default())
}

/// [`export`] with options: check the feed on the way (its findings do not stop the
/// export), keep temporary files in a folder of the caller's choice.
///
/// ```
/// use lheo::workbook::{export_with, ExportOptions};
/// use lheo::rules::Profile;
///
/// // A feed with an error (`certifiante` is 0 or 1) is exported, and the error reported.
/// let xml = std::fs::read_to_string("../fixtures/minimal.xml").unwrap_or_default();
/// if !xml.is_empty() {
///     let xml = xml.replace("<certifiante>0</certifiante>", "<certifiante>oui</certifiante>");
///     let summary = export_with(xml.as_bytes(), Vec::new(), &ExportOptions::default().with_check(Profile::Lheo))?;
///     assert_eq!(summary.records, 1);
///     assert_eq!(summary.findings[0].code(), "XSD-CODE");
/// }
/// # Ok::<(), lheo::Error>(())
/// ```
pub fn export_with<R: BufRead, W: Write + Send>(
    input: R,
    out: W,
    options: &ExportOptions,
) -> Result<ExportSummary, Error> {
    // The workbook library panics when a sheet's temporary file cannot be written (a full
    // disk): that is an I/O error here.
    match panic::catch_unwind(AssertUnwindSafe(|| export_inner(input, out, options))) {
        Ok(result) => result,
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

/// The error of a panic of the workbook library: an I/O error (a full disk, most often).
fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    let text = crate::rules::record::panic_message(payload);
    let kind = if text.contains("StorageFull") || text.contains("No space left") {
        std::io::ErrorKind::StorageFull
    } else {
        std::io::ErrorKind::Other
    };
    Error::from(std::io::Error::new(kind, text))
}

fn fatal(d: Diagnostic) -> Error {
    Error::invalid(d)
}

fn export_inner<R: BufRead, W: Write + Send>(
    input: R,
    out: W,
    options: &ExportOptions,
) -> Result<ExportSummary, Error> {
    let limits = Limits::default();
    let checker = options
        .check
        .map(|profile| Checker::with_max_diagnostics(profile, limits.max_diagnostics));
    let mut reader =
        Reader::compose(input, limits, Build::Captures(None), checker).map_err(|e| match e {
            crate::xml::decode::DecodeError::Io(io) => Error::from(io),
            other => fatal(crate::reader::decode_error(other)),
        })?;
    let tempdir = options.tempdir.as_deref();
    let mut summary = ExportSummary::default();
    // The reader's own errors (ill-formed XML, limits) stop the export; the checker's are
    // findings.
    let mut collect = |reader: &mut Reader<R>, last: bool| -> Result<(), Error> {
        let (own, checked) = if last {
            (reader.take_diagnostics(), Vec::new())
        } else {
            reader.take_diagnostics_apart()
        };
        summary.findings.extend(checked);
        for d in own {
            if d.severity == Severity::Error && (options.check.is_none() || reader.failed()) {
                return Err(fatal(d));
            }
            summary.findings.push(d);
        }
        Ok(())
    };
    // Two threads: this one reads, checks and captures each record; the other one flattens
    // the captures, read in place, into the sheets (the workbook library's share of the work).
    let (read, written) = std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<(ElementId, Built)>(IN_FLIGHT);
        let sheets = std::thread::Builder::new()
            .name("lheo-export".to_owned())
            .spawn_scoped(scope, move || write_records(receive, out, tempdir));
        let Ok(sheets) = sheets else {
            // No thread to be had (a process limit): say it rather than export without one.
            let e = std::io::Error::other("no thread for the workbook writer");
            return (Ok(()), Err(Error::from(e)));
        };
        let read = loop {
            let next = reader.until_record();
            if let Err(e) = collect(&mut reader, false) {
                break Err(e);
            }
            let Some(record) = next else { break Ok(()) };
            let root = reader
                .root()
                .and_then(schema::element_id)
                .unwrap_or(schema::id::LHEO);
            if send.send((root, record)).is_err() {
                // The writer stopped: it failed, and its error comes with its end.
                break Ok(());
            }
        };
        drop(send);
        let written = match sheets.join() {
            Ok(written) => written,
            Err(payload) => Err(panic_error(payload.as_ref())),
        };
        (read, written)
    });
    // The writer's error first: it is about an earlier record than the reader's (which stops
    // sending at its own), as when one thread did both, whatever the timing.
    let (writer, out, records) = match (read, written) {
        (_, Err(e)) | (Err(e), _) => return Err(e),
        (Ok(()), Ok(written)) => written,
    };
    collect(&mut reader, true)?;
    if reader.version().is_none() {
        let root = reader.root().unwrap_or("");
        return Err(fatal(Diagnostic::new(
            Rule::XsdRacine,
            format!("« {root} » n'est pas un document LHEO 2.x"),
            format!("\"{root}\" is not an LHEO 2.x document"),
        )));
    }
    let Some(envelope) = reader.envelope() else {
        return Err(fatal(Diagnostic::new(
            Rule::XmlMalforme,
            "document vide",
            "empty document",
        )));
    };
    let writer = match (writer, out) {
        (Some(w), _) => *w,
        (None, Some(o)) => {
            WorkbookWriter::with_tempdir(o, envelope.id.unwrap_or(schema::id::LHEO), tempdir)?
        }
        (None, None) => return Err(Error::from(std::io::Error::other("no output"))),
    };
    writer.finish(envelope)?;
    summary.records = records;
    crate::validate::sort_diagnostics(&mut summary.findings);
    Ok(summary)
}

/// Records the reading thread may build ahead of the writing one.
const IN_FLIGHT: usize = 32;

/// The writer of the sheets (created with the first record: it needs the document's root),
/// the output when there was no record, and the records written.
type Written<W> = (Option<Box<WorkbookWriter<W>>>, Option<W>, u64);

/// The writing thread: each record received goes into the sheets, until the reading thread
/// hangs up, or the first error.
fn write_records<W: Write + Send>(
    receive: Receiver<(ElementId, Built)>,
    out: W,
    tempdir: Option<&Path>,
) -> Result<Written<W>, Error> {
    let mut writer: Option<Box<WorkbookWriter<W>>> = None;
    let mut out = Some(out);
    let mut records = 0;
    for (root, record) in receive {
        if writer.is_none() {
            if let Some(o) = out.take() {
                writer = Some(Box::new(WorkbookWriter::with_tempdir(o, root, tempdir)?));
            }
        }
        if let Some(w) = writer.as_mut() {
            match &record {
                Built::Log(log) => w.write_captured(log)?,
                Built::Node(tree) => w.write_node(&tree.node)?,
            }
            records += 1;
        }
    }
    Ok((writer, out, records))
}
