//! Converting a feed to LHEO 2.3: any LHEO 2.0–2.3 XML document, or a workbook, checked with a
//! profile and written as LHEO 2.3, in one pass over the input.
//!
//! [`convert`] reads the input once: the structural checker and the profile's record rules
//! see every event while each record is written at once, so memory is bounded by
//! the largest record (plus the few chunks in flight), never by the file. It reads as
//! [`validate`](crate::validate::validate) does, on [`ValidateOptions::threads`] threads:
//! worker threads read chunks of records and serialise each record (straight from what was
//! read, as its model would be written; through the model where it would reorder or refuse
//! something), and the calling thread writes them in document order: the same bytes and the
//! same report as on one thread. The output is
//! complete only when the document is valid for the profile ([`Conversion::written`]):
//! with any error, what was written is a partial document to discard. Write to a temporary
//! file and keep it only when `written` is `true` (the `lheo import` command does so).
//!
//! A workbook (`.xlsx`, `.ods`, `.xls`, recognised by its content; `.xlsb` is refused) is read
//! within [`crate::workbook::Limits`], as workbooks are, checked with every finding at its cell,
//! then written.
//!
//! ```
//! use lheo::convert::convert;
//! use lheo::validate::ValidateOptions;
//!
//! let feed_2_2 = r#"<lheo xmlns="http://www.lheo.org/2.2"><offres>
//!   <formation numero="F1"><domaine-formation><code-FORMACODE ref="V12">15235</code-FORMACODE>
//!   </domaine-formation><intitule-formation>Français</intitule-formation>
//!   <objectif-formation>Apprendre.</objectif-formation><resultats-attendus>Attestation.</resultats-attendus>
//!   <contenu-formation>Cours.</contenu-formation><certifiante>0</certifiante>
//!   <contact-formation><coordonnees><nom>Accueil</nom></coordonnees></contact-formation>
//!   <parcours-de-formation>1</parcours-de-formation><code-niveau-entree>1</code-niveau-entree>
//!   <action><rythme-formation>Temps plein</rythme-formation><code-public-vise ref="V12">80056</code-public-vise>
//!   <niveau-entree-obligatoire>0</niveau-entree-obligatoire><modalites-alternance>Aucune</modalites-alternance>
//!   <modalites-enseignement>0</modalites-enseignement><conditions-specifiques>Aucune</conditions-specifiques>
//!   <prise-en-charge-frais-possible>1</prise-en-charge-frais-possible><modalites-entrees-sorties>0</modalites-entrees-sorties>
//!   <session><periode><debut>20270104</debut><fin>20270630</fin></periode>
//!   <adresse-inscription><adresse><ligne>1 rue de la Paix</ligne><codepostal>67000</codepostal>
//!   <ville>Strasbourg</ville></adresse></adresse-inscription></session></action>
//!   <organisme-formation-responsable><numero-activite>42670000067</numero-activite>
//!   <SIRET-organisme-formation><SIRET>73282932000074</SIRET></SIRET-organisme-formation>
//!   <nom-organisme>Centre</nom-organisme><raison-sociale>Centre SA</raison-sociale>
//!   <coordonnees-organisme><coordonnees><nom>Siège</nom></coordonnees></coordonnees-organisme>
//!   <contact-organisme><coordonnees><nom>Accueil</nom></coordonnees></contact-organisme>
//!   </organisme-formation-responsable></formation></offres></lheo>"#;
//!
//! let mut out = Vec::new();
//! let conversion = convert(feed_2_2.as_bytes(), &mut out, &ValidateOptions::default())?;
//! assert!(conversion.written, "{:?}", conversion.report.diagnostics);
//! assert_eq!(conversion.records, 1);
//! let xml = String::from_utf8(out).unwrap();
//! assert!(xml.contains(r#"<lheo xmlns="http://lheo.gouv.fr/2.3">"#));
//! # Ok::<(), lheo::Error>(())
//! ```

use std::io::{BufRead, Write};

use crate::error::{Error, ErrorKind};
use crate::model::Document;
use crate::reader::log::RecordLog;
use crate::reader::tree::Node;
use crate::reader::FromNode;
use crate::rules::record;
use crate::validate::{validate_with_work, RecordWork, Report, ValidateOptions};
use crate::writer::{record_depth, serialize_from, Containers, FeedWriter, Serialized};

/// What a conversion did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Conversion {
    /// The findings of the profile on the input (workbook findings at their cells).
    pub report: Report,
    /// `true` when the output holds the whole document: the input is valid for the profile
    /// and nothing failed. With `false`, discard the output.
    pub written: bool,
    /// Records written (`formation`, `resume-offre`, …).
    pub records: u64,
    /// The input was a workbook (else LHEO XML).
    pub from_workbook: bool,
}

/// Converts `input` (LHEO 2.0–2.3 XML or a workbook) to LHEO 2.3 written to `out`, checking it
/// with `options` on the way. See the [module documentation](self).
///
/// Fails when writing fails, or when a document valid for the profile cannot be written (a
/// bug: the report has the findings of anything the model cannot take). An input that
/// cannot be read is not an error: its report says why, and nothing is written.
pub fn convert<R: BufRead + Send, W: Write + Send>(
    input: R,
    out: W,
    options: &ValidateOptions,
) -> Result<Conversion, Error> {
    convert_with_progress(input, out, options, &mut |_| {})
}

/// [`convert`], calling `progress` with the number of bytes read from time to time.
pub fn convert_with_progress<R: BufRead + Send, W: Write + Send>(
    mut input: R,
    out: W,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Conversion, Error> {
    if is_workbook(&mut input)? {
        #[cfg(feature = "workbook")]
        return convert_workbook(input, out, options, &crate::workbook::Limits::default());
        #[cfg(not(feature = "workbook"))]
        return convert_workbook(input, out, options);
    }
    convert_xml(input, out, options, progress)
}

/// [`convert_with_progress`], a workbook read within `limits` (raise them for a large
/// workbook you trust: reading an `.xlsx` keeps a flat memory whatever its size).
#[cfg(feature = "workbook")]
pub fn convert_with_limits<R: BufRead + Send, W: Write + Send>(
    mut input: R,
    out: W,
    options: &ValidateOptions,
    limits: &crate::workbook::Limits,
    progress: &mut dyn FnMut(u64),
) -> Result<Conversion, Error> {
    if is_workbook(&mut input)? {
        return convert_workbook(input, out, options, limits);
    }
    convert_xml(input, out, options, progress)
}

/// Whether the input starts like a workbook: a zip archive (`.xlsx`, `.xlsb`, `.ods`) or an
/// OLE compound file (`.xls`). LHEO XML starts with `<`, a byte order mark or blanks.
fn is_workbook<R: BufRead>(input: &mut R) -> Result<bool, Error> {
    let head = loop {
        match input.fill_buf() {
            Ok(head) => break head,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::from(e)),
        }
    };
    Ok(head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]))
}

/// A workbook: its sheets read, its document converted as XML is while it is assembled,
/// every finding at its cell.
#[cfg(feature = "workbook")]
fn convert_workbook<R: BufRead, W: Write + Send>(
    mut input: R,
    out: W,
    options: &ValidateOptions,
    limits: &crate::workbook::Limits,
) -> Result<Conversion, Error> {
    // A workbook is read from several places at once: copied first, in memory when small,
    // else to a temporary file.
    let mut copy = crate::workbook::SpoolWriter::new();
    std::io::copy(&mut input, &mut copy)?;
    let copy = copy.finish()?;
    // The document the workbook describes, converted as an XML feed is (one pass, records
    // on worker threads) as it is assembled; its findings then moved to their cells.
    let (imported, converted) = crate::workbook::stream_spooled_workbook(&copy, limits, |xml| {
        convert_xml(xml, out, options, &mut |_| {})
    })?;
    let Some(converted) = converted else {
        // Nothing to write: the report alone.
        return Ok(Conversion {
            report: imported.validate(options),
            written: false,
            records: 0,
            from_workbook: true,
        });
    };
    let mut conversion = converted?;
    conversion.report = imported.located(conversion.report);
    conversion.written = conversion.written && imported.is_ok();
    conversion.from_workbook = true;
    Ok(conversion)
}

/// Without workbook support, a workbook is an input lheo cannot read.
#[cfg(not(feature = "workbook"))]
fn convert_workbook<R: BufRead, W: Write>(
    _input: R,
    _out: W,
    options: &ValidateOptions,
) -> Result<Conversion, Error> {
    let d = crate::Diagnostic::new(
        crate::Rule::ClasseurIllisible,
        "classeur : cette version de lheo est construite sans les classeurs (fonctionnalité « workbook »)",
        "workbook: this build of lheo has no workbook support (feature \"workbook\")",
    );
    Ok(Conversion {
        report: Report::unreadable(options.profile, d),
        written: false,
        records: 0,
        from_workbook: true,
    })
}

/// The conversion's work on each record, on the thread that reads it: serialised as LHEO 2.3
/// from its capture ([`serialize_from`]; the calling thread puts the bytes in place, in order).
struct Serialize;

/// The records of a chunk (or one record read in sequence), serialised one after the other.
#[derive(Default)]
struct Pieces {
    bytes: Vec<u8>,
    records: Vec<Piece>,
}

/// One record of [`Pieces`]: its path, where its bytes end, and where they go (or why it
/// could not be serialised; the records after it in the part are not).
struct Piece {
    path: String,
    end: usize,
    serialized: Result<Serialized, Error>,
}

impl RecordWork for Serialize {
    type Part = Pieces;

    /// Room for the chunk's records as written again: about the bytes read.
    fn part(&self, bytes: usize) -> Pieces {
        Pieces {
            bytes: Vec::with_capacity(bytes + bytes / 8),
            records: Vec::new(),
        }
    }

    fn record(&self, log: &RecordLog, part: &mut Pieces) {
        if part.records.last().is_some_and(|p| p.serialized.is_err()) {
            return;
        }
        let path = log.path.clone();
        let depth = record_depth(&path);
        let start = part.bytes.len();
        let bytes = &mut part.bytes;
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            serialize_from(log.root(), depth, bytes)
        }));
        let serialized = built.unwrap_or_else(|payload| {
            Err(Error::new(
                ErrorKind::Internal,
                format!(
                    "la conversion d'un enregistrement a échoué (erreur interne : {})",
                    record::panic_message(payload.as_ref())
                ),
                format!(
                    "converting a record failed (internal error: {})",
                    record::panic_message(payload.as_ref())
                ),
            ))
        });
        if serialized.is_err() {
            part.bytes.truncate(start);
        }
        part.records.push(Piece {
            path,
            end: part.bytes.len(),
            serialized,
        });
    }
}

/// What the writing ends with.
struct Written<W: Write> {
    feed: FeedWriter<W>,
    /// Why writing stopped, if it did.
    failed: Option<Error>,
    records: u64,
    containers: Containers,
}

/// Records of a part written together: consecutive ones of the same kind in the same
/// container, so that a chunk's bytes reach the output in one write (a large one goes past
/// the output's buffer without another copy).
struct Run {
    /// The envelope so far, when the run starts a container.
    envelope: Option<Document>,
    serialized: Serialized,
    /// The run's bytes in the part.
    start: usize,
    end: usize,
    records: u64,
}

impl<W: Write> Written<W> {
    /// Puts the records of `part` in place; `envelope` gives the envelope read before them.
    /// After a failure, nothing more is written.
    fn take(&mut self, part: Pieces, envelope: &dyn Fn() -> Option<Node>) {
        let mut run: Option<Run> = None;
        let mut start = 0;
        for piece in part.records {
            let (from, to) = (start, piece.end);
            start = piece.end;
            if self.failed.is_some() {
                break;
            }
            // The first record of a container: the writer needs the envelope so far.
            let first = self.containers.first_of_container(&piece.path);
            match (piece.serialized, run.as_mut()) {
                (Ok(s), Some(r)) if !first && r.serialized == s => {
                    r.end = to;
                    r.records += 1;
                }
                (serialized, _) => {
                    self.write_run(run.take(), &part.bytes);
                    match serialized {
                        Ok(serialized) => {
                            run = Some(Run {
                                envelope: first
                                    .then(|| envelope().and_then(|n| Document::from_node(&n).ok()))
                                    .flatten(),
                                serialized,
                                start: from,
                                end: to,
                                records: 1,
                            })
                        }
                        // A failure of the run before it comes first.
                        Err(e) => {
                            self.failed.get_or_insert(e);
                        }
                    }
                }
            }
        }
        self.write_run(run, &part.bytes);
    }

    /// Writes the records of `run`, unless writing failed before.
    fn write_run(&mut self, run: Option<Run>, bytes: &[u8]) {
        let Some(run) = run else { return };
        if self.failed.is_some() {
            return;
        }
        let bytes = bytes.get(run.start..run.end).unwrap_or_default();
        match self
            .feed
            .write_serialized(run.envelope.as_ref(), &run.serialized, bytes)
        {
            Ok(()) => self.records += run.records,
            Err(e) => self.failed = Some(e),
        }
    }
}

/// LHEO XML: one pass, read as `lheo validate` reads (records on worker threads); each record
/// is serialised where it is read, and written in order on the calling thread.
fn convert_xml<R: BufRead + Send, W: Write>(
    input: R,
    out: W,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Conversion, Error> {
    let mut w = Written {
        feed: FeedWriter::new(out),
        failed: None,
        records: 0,
        containers: Containers::default(),
    };
    let (report, envelope) = validate_with_work(
        input,
        options,
        true,
        progress,
        &Serialize,
        &mut |part, envelope| w.take(part, envelope),
    );
    let mut conversion = Conversion {
        report,
        written: false,
        records: w.records,
        from_workbook: false,
    };
    if !conversion.report.is_valid() {
        return Ok(conversion);
    }
    if let Some(e) = w.failed {
        return Err(e);
    }
    let Some(envelope) = envelope else {
        return Ok(conversion);
    };
    let envelope = Document::from_node(&envelope)?;
    w.feed.finish(&envelope)?;
    conversion.written = true;
    Ok(conversion)
}
