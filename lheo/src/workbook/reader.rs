//! Reading workbooks (calamine): sheets and columns are matched by name (in any order),
//! blank rows are skipped, values are read forgivingly (see [`super::cells`]); what would
//! lose data is a diagnostic at `sheet!cell`, all of them. The rows then become an LHEO 2.3
//! document ([`super::assemble`]).

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::Data;

use super::assemble::{self, CellFinder, Element, LineMap, Origin};
use super::cells::{import_value, CellProblem, Imported as Cell};
use super::grid::Grid;
use super::join::{self, key_cmp, KeyCursor, Segment};
use super::layout::{
    self, Layout, PathError, Step, Target, ATTRIBUTS, DOCUMENTATION, EXTRAS, LISTES,
};
use super::limits::{Budget, Exceeded, Limits};
use super::side::{read_side, Side, SideRows, SideSpool, SideSpoolWriter};
use super::sort::{Sorted, Sorter, RUN_BYTES};
use super::spool::{put_text, put_u32, read_text, read_u32, Spool, SpoolReader, SpoolWriter};
use super::writer::{cell_ref, column_name};
use super::{bounds, inline, scan};
use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::error::Error;
use crate::schema::{self, id, ElementId};
use crate::validate::{validate, Report, ValidateOptions};
use crate::Document;

mod assembly;
mod entity;
mod prefetch;
mod spilled;
#[cfg(test)]
mod tests;

use assembly::build;
use entity::EntityReader;
use prefetch::Prefetch;
use spilled::KeyAt;

/// A workbook read back: the LHEO 2.3 document it describes, as XML, and the problems found.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The document root the workbook is for.
    pub root: ElementId,
    /// The document, LHEO 2.3 XML (empty when the workbook could not be read at all): in
    /// memory when small, else in a temporary file (deleted with the last clone).
    pub xml: Spool,
    /// Lines of `xml` → cells.
    pub lines: LineMap,
    /// The problems of the workbook itself (unknown columns, impossible dates, orphan rows,
    /// codes outside their dictionary…), each at its cell.
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    /// `true` when the workbook itself has no error (the document may still have some:
    /// see [`Imported::validate`]).
    pub fn is_ok(&self) -> bool {
        !has_error(&self.diagnostics)
    }

    /// Checks the document with `options` (profile, today) and returns every finding, the
    /// workbook's own first, each located at a cell. A finding on a cell where the workbook has
    /// an error is left out (it is the same problem).
    pub fn validate(&self, options: &ValidateOptions) -> Report {
        let report = if self.xml.is_empty() {
            Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: Vec::new(),
                referentiels: Vec::new(),
            }
        } else {
            match self.xml.reader() {
                Ok(xml) => validate(xml, options),
                Err(e) => Report::unreadable(
                    options.profile,
                    Diagnostic::new(
                        Rule::ClasseurIllisible,
                        format!("le document lu du classeur est illisible : {e}"),
                        format!("the document read from the workbook cannot be read: {e}"),
                    ),
                ),
            }
        };
        self.located(report)
    }

    /// `report`, the findings on [`Imported::xml`], located at their cells, after the
    /// workbook's own findings. A finding on a cell where the workbook has an error is left
    /// out (it is the same problem).
    pub(crate) fn located(&self, mut report: Report) -> Report {
        let mut diagnostics = self.diagnostics.clone();
        let flagged: Vec<Location> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.location.clone())
            .collect();
        let mut empty_cells: Vec<(Location, String)> = Vec::new();
        for mut d in std::mem::take(&mut report.diagnostics) {
            let empty = match d.location {
                Location::Xml { line, .. } => self.lines.empty_required(line),
                _ => None,
            };
            self.relocate(&mut d);
            let last = d
                .path
                .rsplit('/')
                .next()
                .and_then(|s| s.split('[').next())
                .unwrap_or("");
            let empty = empty.filter(|(name, _)| *name == last);
            if let (Some((element, column)), Location::Cell { .. }) = (empty, &d.location) {
                // One finding per empty required cell, saying so (not what the empty text
                // is not: « certifiante «  » absent du dictionnaire »).
                let key = (d.location.clone(), element.to_owned());
                if empty_cells.contains(&key) {
                    continue;
                }
                empty_cells.push(key);
                (d.message.fr, d.message.en) = if column {
                    (
                        format!("cellule vide : valeur obligatoire ({element})"),
                        format!("empty cell: a value is required ({element})"),
                    )
                } else {
                    (
                        format!("valeur obligatoire absente ({element}) : ajoutez sa colonne à la feuille (voir la feuille documentation)"),
                        format!("required value missing ({element}): add its column to the sheet (see the documentation sheet)"),
                    )
                };
            }
            if !(matches!(d.location, Location::Cell { .. }) && flagged.contains(&d.location)) {
                diagnostics.push(d);
            }
        }
        report.diagnostics = diagnostics;
        report.encoding = None;
        report
    }

    /// Moves a diagnostic located in [`Imported::xml`] to its cell (and its record to the
    /// record's cell).
    pub fn relocate(&self, d: &mut Diagnostic) {
        if let Location::Xml { line, .. } = d.location {
            if let Some(cell) = self.lines.locate(line) {
                d.location = cell;
            }
        }
        if let Some(record) = &mut d.record {
            if let Location::Xml { line, .. } = record.location {
                let mut moved = (**record).clone();
                moved.location = self.lines.locate(line).unwrap_or_default();
                *record = std::sync::Arc::new(moved);
            }
        }
    }

    /// The document, in the model. Fails when the workbook or the document has errors.
    pub fn document(&self) -> Result<Document, Error> {
        if let Some(d) = self
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
        {
            return Err(Error::invalid(d.clone()));
        }
        crate::reader::read_document(self.xml.reader()?)
    }
}

impl Imported {
    /// Writes the document as LHEO 2.3 to `out`, record by record (the same bytes as the
    /// library's writer gives for [`Imported::document`], without holding the whole model).
    /// Fails when the workbook has errors.
    pub fn write_feed<W: std::io::Write>(&self, out: W) -> Result<W, Error> {
        use crate::reader::{Built, FromNode, Reader};
        use crate::writer::{record_depth, serialize_from, Containers, FeedWriter};
        if let Some(d) = self
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
        {
            return Err(Error::invalid(d.clone()));
        }
        let invalid = Error::invalid;
        let stopped = |r: &mut Reader<SpoolReader<'_>>| -> Result<(), Error> {
            match r
                .take_diagnostics()
                .into_iter()
                .find(|d| d.severity == Severity::Error)
            {
                Some(d) => Err(invalid(d)),
                None => Ok(()),
            }
        };
        // One pass: the writer starts with the envelope read so far, and ends with the whole.
        let mut reader = Reader::new(self.xml.reader()?)?;
        let mut feed = FeedWriter::new(out);
        let mut containers = Containers::default();
        let mut bytes = Vec::new();
        while let Some(built) = reader.until_record() {
            // Each record written from its capture as its model would be (`lheo import`'s way).
            bytes.clear();
            let (path, serialized) = match &built {
                Built::Node(node) => (
                    &node.path,
                    serialize_from(&node.node, record_depth(&node.path), &mut bytes),
                ),
                Built::Log(log) => (
                    &log.path,
                    serialize_from(log.root(), record_depth(&log.path), &mut bytes),
                ),
            };
            let envelope = if containers.first_of_container(path) {
                let so_far = reader.envelope_so_far();
                so_far.map(|n| Document::from_node(&n)).transpose()?
            } else {
                None
            };
            feed.write_serialized(envelope.as_ref(), &serialized?, &bytes)?;
        }
        stopped(&mut reader)?;
        let envelope = match reader.envelope() {
            Some(node) => Document::from_node(node)?,
            None => {
                return Err(invalid(Diagnostic::new(
                    Rule::XmlMalforme,
                    "document vide",
                    "empty document",
                )))
            }
        };
        feed.finish(&envelope)
    }
}

/// Reads a workbook with the default [`Limits`]: `.xlsx` (also `.xlsm`), `.ods` or `.xls`,
/// recognised by its content (`.xlsb`, which cannot be checked before it is read, is refused).
/// Open the file in the caller (a `BufReader<File>`) or give the bytes (a `Cursor`).
///
/// A file that is not a readable workbook is not an error: the result has one
/// `CLASSEUR-ILLISIBLE` finding (`CLASSEUR-LIMITE` for a workbook over the limits). Fails only
/// when reading fails.
///
/// ```
/// let xlsx = lheo::workbook::template(Vec::new()).unwrap();
/// let imported = lheo::workbook::read_workbook(std::io::Cursor::new(xlsx)).unwrap();
/// assert!(imported.is_ok(), "{:?}", imported.diagnostics);
/// let report = imported.validate(&lheo::validate::ValidateOptions::default());
/// assert!(report.is_valid(), "{:?}", report.diagnostics);
/// ```
pub fn read_workbook<RS: Read + Seek>(input: RS) -> Result<Imported, Error> {
    read_workbook_with(input, &Limits::default())
}

/// Whether any of `diagnostics` is an error.
fn has_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Reads a workbook within `limits`: a workbook over them is one `CLASSEUR-LIMITE` finding,
/// found before its cells are read.
pub fn read_workbook_with<RS: Read + Seek>(input: RS, limits: &Limits) -> Result<Imported, Error> {
    match read_sheets_from(input, limits, None)? {
        Ok(sheets) => sheets.spooled(),
        Err(outcome) => Ok(outcome),
    }
}

/// Reads the sheets of a workbook, or says why they cannot be read (the `Err` outcome: an
/// unreadable workbook, one over the limits).
fn read_sheets_from<RS: Read + Seek>(
    mut input: RS,
    limits: &Limits,
    again: Option<&Spool>,
) -> Result<Result<Sheets, Imported>, Error> {
    if let Err(why) = check_archive(&mut input) {
        return Ok(Err(unreadable(&why)));
    }
    input.seek(std::io::SeekFrom::Start(0))?;
    let kind = kind(&mut input)?;
    input.seek(std::io::SeekFrom::Start(0))?;
    let mut budget = Budget::new(*limits);
    // With budgets, the pre-scan of an `.xlsx` comes first: it is what keeps a bomb from
    // being read. Without, it checks only Excel's bounds, which the streamed reading of the
    // sheets does not depend on (it checks each cell's itself): it runs beside the reading
    // when the input can be read twice (only when a look at the references does not settle
    // it), and its finding comes first, as if it had run first.
    let lifted = kind == Kind::Xlsx && limits.budgets_lifted();
    let beside = again.filter(|_| lifted);
    // The workbook library is not ours: a panic in it (a bug on a hostile file) is an
    // unreadable workbook, not a crash.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // A large table of shared strings is written into the cells first: calamine would
        // hold it whole (see [`inline`]).
        if lifted {
            if let Some(inlined) =
                inline::inline_shared_strings(&mut input, beside, limits.inline_strings_at)?
            {
                return read_kind(kind, inlined.reader()?, &mut budget, Some(&inlined));
            }
            input.seek(std::io::SeekFrom::Start(0))?;
        }
        read_kind(kind, input, &mut budget, beside)
    }));
    Ok(match read {
        Ok(Ok(sheets)) => Ok(sheets),
        Ok(Err(Stop::Limit(e))) => Err(over_limits(&e)),
        Ok(Err(Stop::Unreadable(why))) => Err(unreadable(&why)),
        Ok(Err(Stop::Fatal(e))) => return Err(e),
        Ok(Err(Stop::Unordered | Stop::Disordered)) => Err(unreadable("lignes dans le désordre")),
        Err(_) => Err(unreadable(FAILED)),
    })
}

/// Why a workbook is unreadable when the reading panicked.
const FAILED: &str = "le lecteur de classeurs a échoué sur ce fichier";

/// Reads a spooled workbook and gives its document to `consume`, which reads it on another
/// thread as this one assembles it (through a pipe: the document is never held or spooled
/// whole). The
/// [`Imported`] returned has the workbook's findings and the map of lines to cells, and an
/// empty `xml`. When the document is not streamed (`None`: the workbook is unreadable, over
/// its limits, or has errors of its own), the [`Imported`] is the whole one, as
/// [`read_workbook_with`] gives it.
pub(crate) fn stream_spooled_workbook<T>(
    spool: &Spool,
    limits: &Limits,
    consume: impl FnOnce(&mut std::io::BufReader<std::io::PipeReader>) -> T + Send,
) -> Result<(Imported, Option<T>), Error>
where
    T: Send,
{
    let sheets = match read_sheets_from(spool.reader()?, limits, Some(spool))? {
        Ok(sheets) => sheets,
        Err(outcome) => return Ok((outcome, None)),
    };
    if has_error(&sheets.diagnostics) {
        return Ok((sheets.spooled()?, None));
    }
    let (reader, writer) = std::io::pipe()?;
    std::thread::scope(|s| {
        // The document is assembled on this thread, which read the sheets: the memory their
        // reading freed is what assembling takes again.
        let consuming = s.spawn(move || {
            let mut input = std::io::BufReader::with_capacity(64 << 10, reader);
            let consumed = consume(&mut input);
            // Read to the end whatever `consume` left: the assembling never writes to a
            // closed pipe.
            std::io::copy(&mut input, &mut std::io::sink()).map(|_| consumed)
        });
        let assembled = {
            let mut xml = std::io::BufWriter::with_capacity(64 << 10, writer);
            sheets.assemble(&mut xml).and_then(|imported| {
                std::io::Write::flush(&mut xml)?;
                Ok(imported)
            })
        };
        // The writer is closed by now (dropped, even on a panic): the consumer sees the end.
        let consumed = match consuming.join() {
            Ok(consumed) => consumed?,
            Err(payload) => std::panic::resume_unwind(payload),
        };
        let imported = assembled?.unwrap_or_else(|| unreadable(FAILED));
        Ok((imported, Some(consumed)))
    })
}

/// The pre-scan of an `.xlsx` spool, on its own reader and budget.
fn scan_xlsx(spool: &Spool, limits: &Limits) -> Result<(), Stop> {
    let mut input = spool.reader()?;
    scan::xlsx(&mut input, &mut Budget::new(*limits))?;
    Ok(())
}

/// The kinds of workbooks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Ods,
    Xls,
    Xlsb,
    /// Not a workbook lheo reads (why).
    Unknown(String),
}

/// Recognises a workbook by its content.
fn kind<R: Read + Seek>(input: &mut R) -> Result<Kind, Error> {
    let mut head = [0u8; 8];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    if head[..n] == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return Ok(Kind::Xls);
    }
    input.seek(std::io::SeekFrom::Start(0))?;
    let zip = match zip::ZipArchive::new(&mut *input) {
        Ok(zip) => zip,
        // A zip archive's signature without a readable archive: damaged or truncated.
        Err(e) if head[..n].starts_with(b"PK") => {
            return Ok(Kind::Unknown(format!("archive zip illisible : {e}")))
        }
        Err(_) => return Ok(Kind::Unknown("ni .xlsx, ni .ods, ni .xls".into())),
    };
    let has = |name: &str| zip.index_for_name(name).is_some();
    Ok(if has("content.xml") || has("mimetype") {
        Kind::Ods
    } else if has("xl/workbook.bin") {
        Kind::Xlsb
    } else {
        Kind::Xlsx
    })
}

/// Why reading stopped.
enum Stop {
    /// Over the limits.
    Limit(Exceeded),
    /// Not a workbook that can be read (why).
    Unreadable(String),
    /// Reading failed (I/O).
    Fatal(Error),
    /// The rows of an `.xlsx` sheet do not come in order: the sheet is read again whole.
    Unordered,
    /// The workbook's rows cannot be joined in order (see [`super::join`]): it is read again,
    /// to be joined by keys.
    Disordered,
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Fatal(e.into())
    }
}

impl From<Exceeded> for Stop {
    fn from(e: Exceeded) -> Self {
        Stop::Limit(e)
    }
}

/// Reads a workbook of `kind`, scanned first. An `.xlsx` workbook that can be read `again`
/// (its spool, budgets lifted) is scanned by the caller beside the reading, and its sheets are
/// read on two threads ([`prefetch`]).
fn read_kind<RS: Read + Seek>(
    kind: Kind,
    mut input: RS,
    budget: &mut Budget,
    again: Option<&Spool>,
) -> Result<Sheets, Stop> {
    use calamine::Reader as _;
    match kind {
        Kind::Xlsx => match again {
            Some(spool) => read_xlsx_beside(input, budget, spool),
            None => {
                scan::xlsx(&mut input, budget)?;
                input
                    .seek(std::io::SeekFrom::Start(0))
                    .map_err(|e| Stop::Fatal(e.into()))?;
                let mut book =
                    calamine::Xlsx::new(input).map_err(|e| Stop::Unreadable(e.to_string()))?;
                let names = book.sheet_names();
                read_sheets(names, budget, &mut |budget, name, stream, rows| {
                    xlsx_rows(&mut book, name, budget, stream, rows)
                })
            }
        },
        Kind::Ods => {
            scan::ods(&mut input, budget)?;
            input
                .seek(std::io::SeekFrom::Start(0))
                .map_err(|e| Stop::Fatal(e.into()))?;
            let book = calamine::Ods::new(input).map_err(|e| Stop::Unreadable(e.to_string()))?;
            read_ranges(book, budget)
        }
        Kind::Xls => {
            scan::xls(&mut input, budget)?;
            input
                .seek(std::io::SeekFrom::Start(0))
                .map_err(|e| Stop::Fatal(e.into()))?;
            let book = calamine::Xls::new(input).map_err(|e| Stop::Unreadable(e.to_string()))?;
            read_ranges(book, budget)
        }
        Kind::Xlsb => Err(Stop::Unreadable(
            "classeur binaire (.xlsb), non pris en charge : enregistrez-le en .xlsx".into(),
        )),
        Kind::Unknown(why) => Err(Stop::Unreadable(why)),
    }
}

/// Reads an `.xlsx` workbook that can be read again from `spool` (budgets lifted): a second
/// thread reads sheets for this one, from the last backwards ([`prefetch`]), then checks
/// Excel's bounds (a look at the references, [`bounds::plain_references`], and the pre-scan
/// [`scan_xlsx`] when that look is not enough; the finding comes first, as if it had run
/// first).
fn read_xlsx_beside<RS: Read + Seek>(
    input: RS,
    budget: &mut Budget,
    spool: &Spool,
) -> Result<Sheets, Stop> {
    use calamine::Reader as _;
    let limits = *budget.limits();
    let prefetch = Prefetch::default();
    std::thread::scope(|s| {
        let beside = std::thread::Builder::new()
            .name("lheo-feuilles".into())
            .spawn_scoped(s, || {
                // Sheets first: read early, they shorten the reading; the bounds, checked
                // after, only decide at the end (the reading is safe without them here: its
                // positions are checked cell by cell, and nothing is allocated by them).
                prefetch.help(spool, limits);
                // Every reference plain and within the limits: the pre-scan would find nothing
                // the reading does not find itself.
                let plain = spool
                    .reader()
                    .is_ok_and(|mut input| bounds::plain_references(&mut input, &limits));
                if plain {
                    Ok(())
                } else {
                    scan_xlsx(spool, &limits)
                }
            })
            .map_err(|e| Stop::Fatal(e.into()))?;
        // A panic of the reading waits for the scan: the scan's finding comes first.
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            calamine::Xlsx::new(input)
                .map_err(|e| Stop::Unreadable(e.to_string()))
                .and_then(|mut book| read_prefetched(&mut book, budget, &prefetch))
        }));
        prefetch.stop();
        match (beside.join(), read) {
            (Ok(Err(stop)), _) => Err(stop),
            (Ok(Ok(())), Ok(read)) => read,
            (Err(payload), _) | (_, Err(payload)) => std::panic::resume_unwind(payload),
        }
    })
}

/// Reads the sheets of `book`, each either itself or as the helper of `prefetch` read it.
fn read_prefetched<RS: Read + Seek>(
    book: &mut calamine::Xlsx<RS>,
    budget: &mut Budget,
    prefetch: &Prefetch,
) -> Result<Sheets, Stop> {
    use calamine::Reader as _;
    let names = book.sheet_names();
    prefetch.start(&names);
    read_sheets(
        names,
        budget,
        &mut |budget, name, stream, rows| match prefetch.take(name) {
            Some(parsed) => parsed?.replay(rows),
            None => xlsx_rows(book, name, budget, stream, rows),
        },
    )
}

/// Reads an `.xlsx` sheet's rows in order: streamed when `stream` (one row held at a time;
/// [`Stop::Unordered`] when its rows are out of order, the budget as it was), else whole and
/// sorted.
fn xlsx_rows<RS: Read + Seek>(
    book: &mut calamine::Xlsx<RS>,
    name: &str,
    budget: &mut Budget,
    stream: bool,
    rows: RowSink<'_>,
) -> Result<Vec<(u32, u32)>, Stop> {
    if stream {
        // Rows in order (as every writer writes them): one row held at a time.
        let saved = budget.clone();
        let read = xlsx_sheet(book, name, budget, true, rows);
        if matches!(read, Err(Stop::Unordered)) {
            *budget = saved;
        }
        return read;
    }
    let mut grid = Grid::default();
    let lost = xlsx_sheet(book, name, budget, false, &mut |r, cells| {
        for (c, v) in cells.drain(..) {
            grid.push(r, c, v);
        }
        Ok(())
    })?;
    let grid = grid.finish();
    for (r, cells) in grid.rows() {
        rows(r, &mut cells.to_vec())?;
    }
    Ok(lost)
}

/// Gives a sheet's rows in order, each with its cells in column order (no empty cell).
type RowSink<'a> = &'a mut dyn FnMut(u32, &mut Vec<(u32, Data)>) -> Result<(), Stop>;

/// Streams the cells of an `.xlsx` sheet row by row to `rows`, within the budget; returns
/// the cells whose formula has no saved value. `rows` may be given a row again (out of order
/// rows: [`Stop::Unordered`] when it refuses them).
fn xlsx_sheet<RS: Read + Seek>(
    book: &mut calamine::Xlsx<RS>,
    name: &str,
    budget: &mut Budget,
    strict: bool,
    rows: RowSink<'_>,
) -> Result<Vec<(u32, u32)>, Stop> {
    let mut cells = match book.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(Stop::Unreadable(format!("feuille « {name} » : {e}"))),
    };
    budget.sheet(format!("feuille « {name} »"));
    let mut formulas = Vec::new();
    // Rows come in order: a row is counted when its first cell with a value comes.
    let mut last_row = None;
    let mut row: Vec<(u32, Data)> = Vec::new();
    let mut row_at = 0;
    loop {
        let cell = match cells.next_cell_with_formula_metadata() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(Stop::Unreadable(format!("feuille « {name} » : {e}"))),
        };
        let (r, col) = cell.pos;
        budget.position(u64::from(r), u64::from(col))?;
        let value = Data::from(cell.value);
        if matches!(value, Data::Empty) {
            if cell.formula.is_some() {
                formulas.push((r, col));
            }
            continue;
        }
        let bytes = match &value {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
            _ => 0,
        };
        budget.add(1, bytes as u64)?;
        if last_row != Some(r) {
            budget.add_rows(1)?;
            last_row = Some(r);
        }
        if r != row_at && !row.is_empty() {
            if r < row_at && strict {
                return Err(Stop::Unordered);
            }
            sorted(&mut row);
            rows(row_at, &mut row)?;
            row.clear();
        }
        row_at = r;
        row.push((col, value));
    }
    if !row.is_empty() {
        sorted(&mut row);
        rows(row_at, &mut row)?;
    }
    Ok(formulas)
}

/// Sorts a row's cells by column; of two cells at one place, the last is kept (as calamine
/// does).
fn sorted(row: &mut Vec<(u32, Data)>) {
    if row.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    row.sort_by_key(|(c, _)| *c);
    let mut kept: Vec<(u32, Data)> = Vec::with_capacity(row.len());
    for (c, v) in row.drain(..) {
        match kept.last_mut() {
            Some(last) if last.0 == c => last.1 = v,
            _ => kept.push((c, v)),
        }
    }
    *row = kept;
}

/// Reads the sheets of an `.ods` or `.xls` workbook (held whole by calamine: their size was
/// checked by the pre-scan).
fn read_ranges<RS: Read + Seek, B: calamine::Reader<RS>>(
    mut book: B,
    budget: &mut Budget,
) -> Result<Sheets, Stop>
where
    B::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    read_sheets(names, budget, &mut |budget, name, _, rows| {
        let range = book
            .worksheet_range(name)
            .map_err(|e| Stop::Unreadable(format!("feuille « {name} » : {e}")))?;
        let grid = Grid::from_range(&range);
        drop(range);
        budget.sheet(format!("feuille « {name} »"));
        budget.add_rows(grid.all_rows().count() as u64)?;
        let mut lost = Vec::new();
        if let Ok(formulas) = book.worksheet_formula(name) {
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            for (r, c, f) in formulas.used_cells() {
                let (r, c) = (r0 + r as u32, c0 + c as u32);
                if !f.is_empty() && matches!(grid.get(r, c as usize), Data::Empty) {
                    lost.push((r, c));
                }
            }
        }
        for (r, cells) in grid.rows() {
            rows(r, &mut cells.to_vec())?;
        }
        Ok(lost)
    })
}

fn over_limits(e: &Exceeded) -> Imported {
    Imported {
        root: id::LHEO,
        xml: Spool::default(),
        lines: LineMap::default(),
        diagnostics: vec![e.diagnostic()],
    }
}

/// Most bytes the parts of a workbook may unpack to, in all.
pub const MAX_UNPACKED: u64 = 4 << 30;
/// Largest unpacked/packed ratio accepted for a large part (real workbooks stay near 10–30).
const MAX_RATIO: u64 = 1000;

/// Refuses a zip bomb before anything is unpacked: a workbook (`.xlsx`, `.ods`: zip archives)
/// whose parts declare more than [`MAX_UNPACKED`] bytes, or a large part packed more than
/// a thousand times. Other files (`.xls`) are left to the workbook reader.
fn check_archive<R: Read + Seek>(input: &mut R) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > (64 << 20) && size / packed > MAX_RATIO {
            return Err(format!(
                "la partie « {} » se décompresse en {size} octets, {} fois sa taille : archive refusée (bombe zip ?)",
                part.name().unwrap_or_default(),
                size / packed
            ));
        }
    }
    if total > MAX_UNPACKED {
        return Err(format!(
            "l'archive se décompresse en {total} octets, plus que les {MAX_UNPACKED} admis : archive refusée"
        ));
    }
    Ok(())
}

fn unreadable(why: &str) -> Imported {
    Imported {
        root: id::LHEO,
        xml: Spool::default(),
        lines: LineMap::default(),
        diagnostics: vec![Diagnostic::new(
            Rule::ClasseurIllisible,
            format!("le fichier n'est pas un classeur lisible : {why}"),
            format!("the file is not a readable workbook: {why}"),
        )],
    }
}

/// Where a diagnostic goes.
pub(super) fn at(sheet: &str, row: u32, col: usize) -> Location {
    Location::Cell {
        sheet: sheet.to_owned(),
        cell: cell_ref(row, col),
    }
}

pub(super) fn diag(rule: Rule, loc: Location, fr: String, en: String) -> Diagnostic {
    let mut d = Diagnostic::new(rule, fr, en);
    d.location = loc;
    d
}

/// A row of the document's sheet (`sheet`) beyond its first, at row `row`.
fn beyond_document(sheet: &str, row: u32) -> Diagnostic {
    diag(
        Rule::ClasseurRacine,
        at(sheet, row, 0),
        format!(
            "la feuille « {sheet} » n'a qu'une ligne (le document) : cette ligne serait perdue"
        ),
        format!("sheet \"{sheet}\" has a single row (the document): this row would be lost"),
    )
}

/// A row of sheet `sheet` (row `row`, key in column `col`) whose key `key` a row before it
/// (row `first`, 1-based) already has.
fn duplicate_key(sheet: &str, row: u32, col: usize, key: &str, first: u32) -> Diagnostic {
    diag(
        Rule::ClasseurCle,
        at(sheet, row, col),
        format!("clé « {key} » en double (déjà en ligne {first}) : chaque ligne a sa propre clé"),
        format!("duplicate key \"{key}\" (already on row {first}): each row has its own key"),
    )
}

/// A row whose parent's key (`pkey`, in column `#{parent}` at `loc`) names no row of its
/// parent sheet `parent`.
fn orphan(parent: &str, pkey: &str, loc: Location) -> Diagnostic {
    let (fr, en) = if pkey.is_empty() {
        (
            format!("ligne orpheline : la colonne #{parent} est vide, la ligne ne se rattache à aucune ligne de la feuille « {parent} »"),
            format!("orphan row: column #{parent} is empty, the row belongs to no row of sheet \"{parent}\""),
        )
    } else {
        (
            format!(
                "ligne orpheline : aucune ligne de la feuille « {parent} » n'a la clé « {pkey} »"
            ),
            format!("orphan row: no row of sheet \"{parent}\" has the key \"{pkey}\""),
        )
    };
    diag(Rule::ClasseurOrpheline, loc, fr, en)
}

/// A cell's content as plain text (headers, keys, paths).
pub(super) fn plain(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// A row of an entity sheet; its values are in the workbook's value spool (see
/// [`put_values`]), so that memory holds a few dozen bytes per row, whatever the sheet holds.
#[derive(Debug, Clone, Copy)]
struct RowData {
    row: u32,
    /// Where its values are in the spool: offset and length in bytes.
    len: u32,
    at: u64,
}

/// An entity sheet as read.
pub(super) struct SheetData {
    /// Index of its layout in [`Layout::sheets`].
    pub layout: usize,
    /// Number of the sheet in the workbook.
    number: usize,
    /// Its name.
    pub name: String,
    /// The columns read: (column, target).
    columns: Vec<(usize, Target)>,
    rows: Vec<RowData>,
    /// The key of each row's parent and where it is, beside `rows` (until rows are joined).
    parents: Vec<Option<(Box<str>, Origin)>>,
    /// Row index by key (joined by keys).
    pub by_key: HashMap<Box<str>, u32>,
    /// Its rows in the keys spool (joined in order: `rows`, `parents` and `by_key` are then
    /// empty).
    keys: Segment,
    /// Joined by sorted keys: where its index is (see [`spilled::Index`]).
    index: Segment,
    /// Whether it has the column of its parent's key.
    has_parent_col: bool,
    /// The column of its parent's key.
    parent_col: Option<usize>,
    /// Value columns: steps → column.
    value_columns: HashMap<Vec<Step>, usize>,
}

/// Writes a row's values, (index in [`SheetData::columns`], text), to the spool: for each,
/// the index (2 bytes), the length (4 bytes) and the text. Returns where they are.
fn put_values(out: &mut SpoolWriter, values: &[(u16, String)]) -> std::io::Result<(u64, u32)> {
    use std::io::Write;
    let at = out.position();
    for (i, text) in values {
        out.write_all(&i.to_le_bytes())?;
        put_text(out, text)?;
    }
    let len = u32::try_from(out.position() - at).map_err(std::io::Error::other)?;
    Ok((at, len))
}

/// Reads a sheet: `sheet(budget, name, stream, rows)` gives its rows in order to `rows` and
/// returns the cells whose formula has no saved value; with `stream`, it may stop with
/// [`Stop::Unordered`] (rows out of order), and is then called again without.
type SheetFn<'a> =
    dyn FnMut(&mut Budget, &str, bool, RowSink<'_>) -> Result<Vec<(u32, u32)>, Stop> + 'a;

/// Reads the sheets one by one (`sheet` reads one, row by row).
/// Entity sheets are read as they stream (their values go to a spool); the `attributs` and
/// `extras` sheets are spooled until every entity sheet is read.
/// Joined in order when the workbook allows it (see [`super::join`]), else read again and
/// joined by keys: in memory when the limits keep the workbook small, else by keys sorted on
/// disk ([`spilled`]).
fn read_sheets(
    names: Vec<String>,
    budget: &mut Budget,
    sheet: &mut SheetFn<'_>,
) -> Result<Sheets, Stop> {
    let saved = budget.clone();
    match read_sheets_joined(names.clone(), budget, sheet, JoinBy::Order) {
        Err(Stop::Disordered) => {
            *budget = saved;
            let by = if budget.limits().max_data_rows > KEYS_IN_MEMORY {
                JoinBy::SortedKeys(RUN_BYTES)
            } else {
                JoinBy::KeysInMemory
            };
            read_sheets_joined(names, budget, sheet, by)
        }
        read => read,
    }
}

/// Up to this many rows (the limits' [`Limits::max_data_rows`]), a workbook out of the
/// export's order is joined by maps of its keys in memory (about 130 bytes a row); beyond,
/// by keys sorted on disk.
const KEYS_IN_MEMORY: u64 = 100_000;

/// How the rows of a workbook are joined to their parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JoinBy {
    /// In the export's order ([`super::join`]), or [`Stop::Disordered`].
    Order,
    /// By maps of keys in memory.
    KeysInMemory,
    /// By keys sorted on disk ([`spilled`]), in runs of this many bytes.
    SortedKeys(usize),
}

/// Reads the sheets, to be joined as `by` says ([`JoinBy::Order`]: [`Stop::Disordered`]
/// when they cannot be).
fn read_sheets_joined(
    names: Vec<String>,
    budget: &mut Budget,
    sheet: &mut SheetFn<'_>,
    by: JoinBy,
) -> Result<Sheets, Stop> {
    let root = if names.iter().any(|n| n == "lheo-index") {
        id::LHEO_INDEX
    } else if names.iter().any(|n| n == "lheo-plus") {
        id::LHEO_PLUS
    } else {
        id::LHEO
    };
    let layout = Layout::of(root);
    let mut diagnostics = Vec::new();
    let mut sheets: Vec<SheetData> = Vec::new();
    let mut side_rows: HashMap<&'static str, SideRows> = HashMap::new();
    let mut values = SpoolWriter::new();
    let mut keys = (by != JoinBy::KeysInMemory).then(SpoolWriter::new);
    let spill = match by {
        JoinBy::SortedKeys(run_bytes) => Some(run_bytes),
        _ => None,
    };
    let mut index = spilled::Index::new();
    for (number, name) in names.iter().enumerate() {
        if name == DOCUMENTATION || name == LISTES {
            continue;
        }
        if let Some(i) = layout.sheet_index(name) {
            let mark = diagnostics.len();
            let new_reader = |keys: &Option<SpoolWriter>| {
                let start = keys.as_ref().map_or(0, SpoolWriter::position);
                let reader = EntityReader::new(layout, i, number, name, start);
                match spill {
                    Some(run_bytes) => reader.spilling(run_bytes, mark),
                    None => reader,
                }
            };
            let mut reader = new_reader(&keys);
            let mut rows = |r: u32, cells: &mut Vec<(u32, Data)>| {
                reader.row(r, cells, &mut values, keys.as_mut(), &mut diagnostics)
            };
            let formulas = match sheet(budget, name, true, &mut rows) {
                Err(Stop::Unordered) => {
                    diagnostics.truncate(mark);
                    reader = new_reader(&keys);
                    let mut rows = |r: u32, cells: &mut Vec<(u32, Data)>| {
                        reader.row(r, cells, &mut values, keys.as_mut(), &mut diagnostics)
                    };
                    sheet(budget, name, false, &mut rows)?
                }
                read => read?,
            };
            let mut before = formula_findings(name, &formulas);
            before.extend(reader.header_findings());
            let rows_start = mark + before.len();
            diagnostics.splice(mark..mark, before);
            let (segment, duplicates) = index.sheet(reader.sorted_keys()?, name)?;
            spilled::insert_duplicates(&mut diagnostics, rows_start, duplicates);
            let mut data = reader.finish(keys.as_mut())?;
            data.index = segment;
            sheets.push(data);
            continue;
        }
        let side = name == ATTRIBUTS || name == EXTRAS;
        // Streamed (rows in order), else read again whole.
        let mut read = |budget: &mut Budget, stream: bool| {
            let mut rows = SideRows::new(number, name);
            let mut filled = false;
            let formulas = sheet(budget, name, stream, &mut |r, cells| {
                if side {
                    rows.row(r, cells)?;
                } else {
                    filled = filled || !blank(cells);
                }
                Ok(())
            })?;
            Ok::<_, Stop>((formulas, rows, filled))
        };
        let (formulas, rows, filled) = match read(budget, true) {
            Err(Stop::Unordered) => read(budget, false)?,
            read => read?,
        };
        diagnostics.extend(formula_findings(name, &formulas));
        if side {
            let key = if name == ATTRIBUTS { ATTRIBUTS } else { EXTRAS };
            side_rows.insert(key, rows.finish()?);
        } else if filled {
            diagnostics.push(diag(
                Rule::ClasseurFeuille,
                at(name, 0, 0),
                format!("feuille « {name} » inconnue : ses données seraient perdues (feuilles possibles : {})", sheet_list(layout)),
                format!("unknown sheet \"{name}\": its data would be lost (possible sheets: {})", sheet_list(layout)),
            ));
        }
    }
    let values = values.finish()?;
    let keys = keys.map(SpoolWriter::finish).transpose()?;
    let [attributs, extras] = [ATTRIBUTS, EXTRAS].map(|name| side_rows.remove(name));
    let joined = match (by, keys) {
        (JoinBy::Order, Some(keys)) => {
            if !joinable(layout, &sheets, &keys)? {
                return Err(Stop::Disordered);
            }
            let mut spooled = |rows: Option<SideRows>, extras: bool| {
                let mut out = SideSpoolWriter::new(sheets.len());
                if let Some(rows) = rows {
                    let (s, d) = (&sheets, &mut diagnostics);
                    if !side_rows_in_order(layout, s, &keys, &rows, extras, d, &mut out)? {
                        return Err(Stop::Disordered);
                    }
                }
                Ok(out.finish()?)
            };
            let sides = [spooled(attributs, false)?, spooled(extras, true)?];
            Joined::InOrder {
                keys,
                sides,
                later: Vec::new(),
            }
        }
        (JoinBy::SortedKeys(run_bytes), Some(keys)) => {
            let index = index.finish()?;
            let rejoined = spilled::rejoin(layout, &mut sheets, &keys, index, &names, run_bytes)?;
            drop(keys);
            let (s, d) = (&sheets, &mut diagnostics);
            let sides = [
                rejoined.side_spool(layout, s, attributs, false, d)?,
                rejoined.side_spool(layout, s, extras, true, d)?,
            ];
            Joined::InOrder {
                keys: rejoined.keys,
                sides,
                later: rejoined.later,
            }
        }
        _ => {
            let mut key_row =
                |_, sheet: &SheetData, key: &str| Ok(sheet.by_key.get(key).map(|&r| r as usize));
            let mut held = |rows: Option<SideRows>, extras: bool| {
                let mut list = Vec::new();
                if let Some(rows) = rows {
                    let mut emit = |side| {
                        list.push(side);
                        Ok(())
                    };
                    let (s, d) = (&sheets, &mut diagnostics);
                    read_side(layout, s, &rows, extras, d, &mut key_row, &mut emit)?;
                }
                Ok::<_, std::io::Error>(list)
            };
            Joined::ByKeys([held(attributs, false)?, held(extras, true)?])
        }
    };
    Ok(Sheets {
        root,
        layout,
        sheets,
        values,
        joined,
        names,
        diagnostics,
    })
}

/// Reads a side sheet's rows (`extras`: of the `extras` sheet) into `out`, each checked to
/// name a row of its sheet in order: `false` when one does not (the workbook is then joined
/// by keys).
fn side_rows_in_order(
    layout: &Layout,
    sheets: &[SheetData],
    keys: &Spool,
    rows: &SideRows,
    extras: bool,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut SideSpoolWriter,
) -> std::io::Result<bool> {
    let mut cursors: Vec<Option<KeyCursor<'_>>> = sheets.iter().map(|_| None).collect();
    let mut ordered = true;
    // Each key is checked where the keyed join looks it up: a key not found ahead (unknown,
    // or behind) and the workbook is joined by keys, with the findings of that join.
    let mut key_row = |si: usize, sheet: &SheetData, key: &str| {
        if ordered {
            ordered = layout.sheets[sheet.layout].parent.is_some() && {
                let cursor = match &mut cursors[si] {
                    Some(cursor) => cursor,
                    slot @ None => slot.insert(KeyCursor::new(keys, sheet.keys)?),
                };
                join::found(cursor, key)?
            };
        }
        Ok(Some(0))
    };
    let mut emit = |side: Side| out.push(&side);
    read_side(
        layout,
        sheets,
        rows,
        extras,
        diagnostics,
        &mut key_row,
        &mut emit,
    )?;
    Ok(ordered)
}

/// Whether sheets read to be joined in order can be (see [`super::join`]): the document's
/// sheet has a row at most, each row of a child sheet names a row of its parent sheet in
/// order (side rows are checked as they are read: [`side_rows_in_order`]).
fn joinable(layout: &Layout, sheets: &[SheetData], keys: &Spool) -> std::io::Result<bool> {
    let by_layout: HashMap<usize, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.layout, i))
        .collect();
    for s in sheets {
        match layout.sheets[s.layout].parent {
            None if s.keys.count > 1 => return Ok(false),
            None | Some(0) => {}
            Some(_) if s.keys.count == 0 => {}
            Some(p) => {
                let Some(&ps) = by_layout.get(&p) else {
                    return Ok(false);
                };
                if !s.has_parent_col || !join::children_in_order(keys, s.keys, sheets[ps].keys)? {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// How the rows are joined, with the rows of the `attributs` and `extras` sheets.
enum Joined {
    /// By keys, in memory (the side rows held).
    ByKeys([Vec<Side>; 2]),
    /// In order (see [`super::join`]): the rows' keys, the side rows spooled, and the
    /// findings the assembly adds (joined by sorted keys: the keyed join's).
    InOrder {
        keys: Spool,
        sides: [SideSpool; 2],
        later: Vec<Diagnostic>,
    },
}

/// A workbook's sheets, read: what its document is assembled from.
pub(crate) struct Sheets {
    root: ElementId,
    layout: &'static Layout,
    sheets: Vec<SheetData>,
    values: Spool,
    joined: Joined,
    names: Vec<String>,
    /// The findings so far.
    diagnostics: Vec<Diagnostic>,
}

impl Sheets {
    /// Assembles the document into `xml`: the [`Imported`] returned has an empty `xml`;
    /// `None` when assembling panicked (a bug: the workbook is then unreadable, [`FAILED`]).
    fn assemble(mut self, xml: &mut dyn std::io::Write) -> Result<Option<Imported>, Error> {
        let lines =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(&mut self, xml)));
        let Ok(lines) = lines else {
            return Ok(None);
        };
        Ok(Some(Imported {
            root: self.root,
            xml: Spool::default(),
            lines: lines?,
            diagnostics: self.diagnostics,
        }))
    }

    /// Assembles the document into a spool.
    fn spooled(self) -> Result<Imported, Error> {
        let mut xml = SpoolWriter::new();
        Ok(match self.assemble(&mut xml)? {
            Some(imported) => Imported {
                xml: xml.finish()?,
                ..imported
            },
            None => unreadable(FAILED),
        })
    }
}

/// The findings of formulas without a saved value.
fn formula_findings(name: &str, formulas: &[(u32, u32)]) -> Vec<Diagnostic> {
    formulas.iter().map(|&(r, c)| diag(
        Rule::ClasseurFormule,
        at(name, r, c as usize),
        "formule sans valeur enregistrée : sa valeur serait perdue (ouvrez et enregistrez le classeur dans Excel ou LibreOffice pour la calculer, ou remplacez la formule par sa valeur)".into(),
        "formula without a saved value: its value would be lost (open and save the workbook in Excel or LibreOffice to compute it, or replace the formula with its value)".into(),
    )).collect()
}

/// Whether a row (its non-empty cells) holds nothing but blank text.
pub(super) fn blank(cells: &[(u32, Data)]) -> bool {
    cells.iter().all(|(_, v)| match v {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// The cell at `col` of a row (its cells in column order).
pub(super) fn cell_at(cells: &[(u32, Data)], col: usize) -> &Data {
    static EMPTY: Data = Data::Empty;
    let Ok(col) = u32::try_from(col) else {
        return &EMPTY;
    };
    match cells.binary_search_by_key(&col, |(c, _)| *c) {
        Ok(i) => &cells[i].1,
        Err(_) => &EMPTY,
    }
}

fn sheet_list(layout: &Layout) -> String {
    layout
        .sheets
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
