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
use super::join::{self, key_cmp, KeyCursor, KeyRecord, Segment};
use super::layout::{
    self, Layout, PathError, Step, Target, ATTRIBUTS, DOCUMENTATION, EXTRAS, LISTES,
};
use super::limits::{Budget, Exceeded, Limits};
use super::scan;
use super::side::{read_side, Side, SideRows, SideRowsWriter, SideSpool, SideSpoolWriter};
use super::spool::{Spool, SpoolReader, SpoolWriter};
use super::writer::{cell_ref, column_name};
use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::error::Error;
use crate::schema::{self, id, ElementId};
use crate::validate::{validate, Report, ValidateOptions};
use crate::Document;

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
        use crate::reader::{FromNode, Reader};
        use crate::writer::{Containers, FeedWriter};
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
        while let Some(node) = reader.next_node() {
            let envelope = if containers.first_of_container(&node.path) {
                let so_far = reader.envelope_so_far();
                so_far.map(|n| Document::from_node(&n)).transpose()?
            } else {
                None
            };
            feed.write_record(envelope.as_ref(), &node.to_record()?)?;
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
    // when the input can be read twice, and its finding comes first, as if it had run first.
    let beside = again.filter(|_| kind == Kind::Xlsx && limits.budgets_lifted());
    // The workbook library is not ours: a panic in it (a bug on a hostile file) is an
    // unreadable workbook, not a crash.
    let read = |budget: &mut Budget| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            read_kind(kind, input, budget, beside.is_none())
        }))
    };
    let read = match beside {
        None => read(&mut budget),
        Some(spool) => std::thread::scope(|s| {
            let scan = s.spawn(|| scan_xlsx(spool, limits));
            let read = read(&mut budget);
            match scan.join() {
                Ok(Ok(())) => read,
                Ok(Err(stop)) => Ok(Err(stop)),
                Err(payload) => Err(payload),
            }
        }),
    };
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

/// Reads a workbook of `kind`, scanned first (`.xlsx`: unless `scan_xlsx` is `false`, when the
/// caller scans it).
fn read_kind<RS: Read + Seek>(
    kind: Kind,
    mut input: RS,
    budget: &mut Budget,
    scan_xlsx: bool,
) -> Result<Sheets, Stop> {
    use calamine::Reader as _;
    match kind {
        Kind::Xlsx => {
            if scan_xlsx {
                scan::xlsx(&mut input, budget)?;
            }
            input
                .seek(std::io::SeekFrom::Start(0))
                .map_err(|e| Stop::Fatal(e.into()))?;
            let mut book =
                calamine::Xlsx::new(input).map_err(|e| Stop::Unreadable(e.to_string()))?;
            let names = book.sheet_names();
            read_sheets(names, budget, &mut |budget, name, stream, rows| {
                if stream {
                    // Rows in order (as every writer writes them): one row held at a time.
                    let saved = budget.clone();
                    let read = xlsx_sheet(&mut book, name, budget, true, rows);
                    if matches!(read, Err(Stop::Unordered)) {
                        *budget = saved;
                    }
                    read
                } else {
                    let mut grid = Grid::default();
                    let lost = xlsx_sheet(&mut book, name, budget, false, &mut |r, cells| {
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
            })
        }
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
    /// Whether it has the column of its parent's key.
    has_parent_col: bool,
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
        let len = u32::try_from(text.len()).map_err(std::io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(text.as_bytes())?;
    }
    let len = u32::try_from(out.position() - at).map_err(std::io::Error::other)?;
    Ok((at, len))
}

/// Reads back the values [`put_values`] wrote at `at` (`len` bytes).
fn get_values(
    input: &mut SpoolReader<'_>,
    at: u64,
    len: u32,
) -> std::io::Result<Vec<(u16, String)>> {
    let mut values = Vec::new();
    if len == 0 {
        return Ok(values);
    }
    input.seek_to(at)?;
    let mut bytes = vec![0u8; len as usize];
    input.read_exact(&mut bytes)?;
    let mut rest = &bytes[..];
    while rest.len() >= 6 {
        let i = u16::from_le_bytes([rest[0], rest[1]]);
        let n = u32::from_le_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize;
        let text = rest.get(6..6 + n).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "valeurs tronquées")
        })?;
        let text = String::from_utf8(text.to_vec())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        values.push((i, text));
        rest = &rest[6 + n..];
    }
    Ok(values)
}

/// The cells of value columns, for the assembler.
struct Finder<'a> {
    sheets: &'a [SheetData],
}

impl CellFinder for Finder<'_> {
    fn column(&self, sheet: u16, steps: &[Step]) -> Option<usize> {
        let s = self
            .sheets
            .iter()
            .find(|s| s.number == usize::from(sheet))?;
        s.value_columns.get(steps).copied()
    }
}

/// Reads a sheet: `sheet(budget, name, stream, rows)` gives its rows in order to `rows` and
/// returns the cells whose formula has no saved value; with `stream`, it may stop with
/// [`Stop::Unordered`] (rows out of order), and is then called again without.
type SheetFn<'a> =
    dyn FnMut(&mut Budget, &str, bool, RowSink<'_>) -> Result<Vec<(u32, u32)>, Stop> + 'a;

/// Reads the sheets one by one (`sheet` reads one, row by row).
/// Entity sheets are read as they stream (their values go to a spool); the `attributs` and
/// `extras` sheets are held until every entity sheet is read.
/// Joined in order when the workbook allows it (see [`super::join`]), else read again and
/// joined by keys.
fn read_sheets(
    names: Vec<String>,
    budget: &mut Budget,
    sheet: &mut SheetFn<'_>,
) -> Result<Sheets, Stop> {
    let saved = budget.clone();
    match read_sheets_joined(names.clone(), budget, sheet, true) {
        Err(Stop::Disordered) => {
            *budget = saved;
            read_sheets_joined(names, budget, sheet, false)
        }
        read => read,
    }
}

/// Reads the sheets, to be joined in order (`in_order`: [`Stop::Disordered`] when they
/// cannot be) or by keys.
fn read_sheets_joined(
    names: Vec<String>,
    budget: &mut Budget,
    sheet: &mut SheetFn<'_>,
    in_order: bool,
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
    let mut keys = in_order.then(SpoolWriter::new);
    for (number, name) in names.iter().enumerate() {
        if name == DOCUMENTATION || name == LISTES {
            continue;
        }
        if let Some(i) = layout.sheet_index(name) {
            let mark = diagnostics.len();
            let start = keys.as_ref().map_or(0, SpoolWriter::position);
            let mut reader = EntityReader::new(layout, i, number, name, start);
            let mut rows = |r: u32, cells: &mut Vec<(u32, Data)>| {
                reader.row(r, cells, &mut values, keys.as_mut(), &mut diagnostics)
            };
            let formulas = match sheet(budget, name, true, &mut rows) {
                Err(Stop::Unordered) => {
                    diagnostics.truncate(mark);
                    let start = keys.as_ref().map_or(0, SpoolWriter::position);
                    reader = EntityReader::new(layout, i, number, name, start);
                    let mut rows = |r: u32, cells: &mut Vec<(u32, Data)>| {
                        reader.row(r, cells, &mut values, keys.as_mut(), &mut diagnostics)
                    };
                    sheet(budget, name, false, &mut rows)?
                }
                read => read?,
            };
            let mut before = formula_findings(name, &formulas);
            before.extend(reader.header_findings());
            diagnostics.splice(mark..mark, before);
            sheets.push(reader.finish(keys.as_mut())?);
            continue;
        }
        let side = name == ATTRIBUTS || name == EXTRAS;
        // Streamed (rows in order), else read again whole.
        let mut read = |budget: &mut Budget, stream: bool| {
            let mut rows = SideRowsWriter::new(number, name);
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
    if let Some(keys) = &keys {
        if !joinable(layout, &sheets, keys)? {
            return Err(Stop::Disordered);
        }
    }
    let mut lists = [ATTRIBUTS, EXTRAS].map(|name| side_rows.remove(name));
    let sides = match &keys {
        None => {
            let mut key_row =
                |_, sheet: &SheetData, key: &str| Ok(sheet.by_key.get(key).map(|&r| r as usize));
            let mut held = [Vec::new(), Vec::new()];
            for (i, rows) in lists.iter_mut().enumerate() {
                let Some(rows) = rows.take() else { continue };
                let list = &mut held[i];
                let mut emit = |side| {
                    list.push(side);
                    Ok(())
                };
                read_side(
                    layout,
                    &sheets,
                    &rows,
                    i == 1,
                    &mut diagnostics,
                    &mut key_row,
                    &mut emit,
                )?;
            }
            Sides::Held(held)
        }
        Some(keys) => {
            let mut spooled = Vec::new();
            for (i, rows) in lists.iter_mut().enumerate() {
                let mut out = SideSpoolWriter::new(sheets.len());
                if let Some(rows) = rows.take() {
                    if !side_rows_in_order(
                        layout,
                        &sheets,
                        keys,
                        &rows,
                        i == 1,
                        &mut diagnostics,
                        &mut out,
                    )? {
                        return Err(Stop::Disordered);
                    }
                }
                spooled.push(out.finish()?);
            }
            let mut spooled = spooled.into_iter();
            match (spooled.next(), spooled.next()) {
                (Some(a), Some(e)) => Sides::Spooled([a, e]),
                _ => {
                    return Err(Stop::Fatal(
                        std::io::Error::other("listes incomplètes").into(),
                    ))
                }
            }
        }
    };
    Ok(Sheets {
        root,
        layout,
        sheets,
        values,
        keys,
        sides,
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

/// The rows of the `attributs` and `extras` sheets.
enum Sides {
    /// In memory, joined by keys.
    Held([Vec<Side>; 2]),
    /// Spooled, joined in order.
    Spooled([SideSpool; 2]),
}

/// A workbook's sheets, read: what its document is assembled from.
pub(crate) struct Sheets {
    root: ElementId,
    layout: &'static Layout,
    sheets: Vec<SheetData>,
    values: Spool,
    /// The rows' keys, when joined in order (see [`super::join`]).
    keys: Option<Spool>,
    sides: Sides,
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

/// Reads an entity sheet row by row (row 0, the headers, first when the sheet has it).
struct EntityReader<'l> {
    sheet: &'l layout::SheetLayout,
    parent_name: Option<&'l str>,
    data: SheetData,
    key_col: Option<usize>,
    parent_col: Option<usize>,
    /// Whether the header row has been seen (or the first body row came without it).
    started: bool,
    /// For each column up to the last header, whether its header is empty.
    no_header: Vec<bool>,
    /// Findings about the headers, by column.
    headers: Vec<(usize, Diagnostic)>,
    /// Columns without a header that hold a value below it: the first such row.
    headerless: std::collections::BTreeMap<usize, u32>,
    /// One past the last column with a cell.
    cols: usize,
    /// Whether a body row holds more than blanks.
    filled: bool,
    /// The last key read (joined in order: keys must grow).
    last_key: Option<String>,
}

impl<'l> EntityReader<'l> {
    /// Reads sheet `number`, laid out as `layout.sheets[index]`; joined in order, its rows go
    /// to the keys spool from `keys_at`.
    fn new(layout: &'l Layout, index: usize, number: usize, name: &str, keys_at: u64) -> Self {
        let sheet = &layout.sheets[index];
        let parent_name = sheet
            .parent
            .filter(|&p| layout.sheets[p].parent.is_some())
            .map(|p| layout.sheets[p].name.as_str());
        EntityReader {
            sheet,
            parent_name,
            data: SheetData {
                layout: index,
                number,
                name: name.to_owned(),
                columns: Vec::new(),
                rows: Vec::new(),
                parents: Vec::new(),
                by_key: HashMap::new(),
                keys: Segment {
                    start: keys_at,
                    count: 0,
                },
                has_parent_col: false,
                value_columns: HashMap::new(),
            },
            key_col: None,
            parent_col: None,
            started: false,
            no_header: Vec::new(),
            headers: Vec::new(),
            headerless: std::collections::BTreeMap::new(),
            cols: 0,
            filled: false,
            last_key: None,
        }
    }

    /// Reads the header row.
    fn header(&mut self, cells: &[(u32, Data)]) {
        let entity = self.sheet.element;
        let name = self.data.name.clone();
        let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
        let mut headers: HashMap<String, usize> = HashMap::new();
        for c in 0..width {
            let header = plain(cell_at(cells, c));
            if header.is_empty() {
                self.no_header.push(true);
                continue;
            }
            self.no_header.push(false);
            let canonical = header.split_whitespace().collect::<String>();
            if let Some(first) = headers.insert(canonical.clone(), c) {
                self.headers.push((c, diag(
                    Rule::ClasseurColonne,
                    at(&name, 0, c),
                    format!("colonne « {header} » en double (déjà en {}) : une seule valeur peut être gardée", cell_ref(0, first)),
                    format!("duplicate column \"{header}\" (already at {}): only one value can be kept", cell_ref(0, first)),
                )));
                continue;
            }
            if let Some(k) = canonical.strip_prefix('#') {
                if k == name {
                    self.key_col = Some(c);
                    continue;
                }
                if Some(k) == self.parent_name {
                    self.parent_col = Some(c);
                    continue;
                }
            }
            let resolved = if canonical.starts_with('#') {
                Err(PathError::Malformed)
            } else {
                layout::resolve(entity, &canonical)
            };
            match resolved {
                Ok(t) if t.attribute.is_none() && t.simple_type(entity).is_none() => {
                    self.headers.push((
                        c,
                        unknown_column(
                            &name,
                            c,
                            &header,
                            &PathError::NotSimple(schema::element(t.element(entity)).name),
                            self.sheet,
                        ),
                    ));
                }
                Ok(t) => {
                    if t.attribute.is_none() {
                        self.data.value_columns.insert(t.steps.clone(), c);
                    }
                    self.data.columns.push((c, t));
                }
                Err(e) => {
                    self.headers
                        .push((c, unknown_column(&name, c, &header, &e, self.sheet)));
                }
            }
        }
    }

    /// Reads row `r` (its non-empty cells in column order): its values go to `spool`, its
    /// keys to `keys` when joined in order ([`Stop::Disordered`] when its key does not
    /// follow the last one).
    fn row(
        &mut self,
        r: u32,
        cells: &[(u32, Data)],
        spool: &mut SpoolWriter,
        keys: Option<&mut SpoolWriter>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), Stop> {
        if let Some((c, _)) = cells.last() {
            self.cols = self.cols.max(*c as usize + 1);
        }
        if !self.started {
            self.started = true;
            if r == 0 {
                self.header(cells);
                return Ok(());
            }
        }
        if r == 0 {
            return Ok(());
        }
        for (c, _) in cells.iter() {
            let c = *c as usize;
            if self.no_header.get(c).copied().unwrap_or(true) {
                self.headerless.entry(c).or_insert(r);
            }
        }
        let entity = self.sheet.element;
        let name = &self.data.name;
        let number = self.data.number;
        let blank_row = blank(cells);
        self.filled = self.filled || !blank_row;
        // The document's row has no key: spaces alone may be its values (a row read holds
        // a cell).
        if blank_row && self.sheet.parent.is_some() {
            return Ok(());
        }
        let key = self
            .key_col
            .map(|c| plain(cell_at(cells, c)))
            .filter(|k| !k.is_empty());
        if keys.is_some() {
            if let (Some(k), Some(last)) = (&key, &self.last_key) {
                if key_cmp(last, k) != std::cmp::Ordering::Less {
                    return Err(Stop::Disordered);
                }
            }
        } else if let (Some(k), Some(c)) = (&key, self.key_col) {
            if let Some(&first) = self.data.by_key.get(k.as_str()) {
                let first = self.data.rows[first as usize].row + 1;
                diagnostics.push(diag(
                    Rule::ClasseurCle,
                    at(name, r, c),
                    format!(
                        "clé « {k} » en double (déjà en ligne {first}) : chaque ligne a sa propre clé"
                    ),
                    format!(
                        "duplicate key \"{k}\" (already on row {first}): each row has its own key"
                    ),
                ));
            } else {
                let index = u32::try_from(self.data.rows.len()).unwrap_or(u32::MAX);
                self.data.by_key.insert(k.as_str().into(), index);
            }
        }
        let parent = self.parent_col.map(|c| {
            (
                plain(cell_at(cells, c)).into_boxed_str(),
                Origin::new(number, r, c),
            )
        });
        let mut values = Vec::new();
        for (i, (c, target)) in self.data.columns.iter().enumerate() {
            let cell = cell_at(cells, *c);
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            if target.attribute.is_some() {
                let text = match cell {
                    Data::Empty => continue,
                    Data::String(s) => s.clone(),
                    other => plain(other),
                };
                if !text.is_empty() {
                    values.push((i, text));
                }
                continue;
            }
            let Some(st) = target.simple_type(entity) else {
                continue;
            };
            match import_value(st, cell) {
                Ok(Cell::Empty) => {}
                Ok(Cell::Text(t)) => values.push((i, t)),
                Err(p) => {
                    diagnostics.push(cell_problem(p, at(name, r, *c), target.to_path(entity)))
                }
            }
        }
        let (at, len) = put_values(spool, &values)?;
        match keys {
            Some(keys) => {
                let record = KeyRecord {
                    row: r,
                    at,
                    len,
                    key: key.clone().unwrap_or_default(),
                    parent: parent.map(|(p, _)| p.into_string()).unwrap_or_default(),
                };
                join::put_key(keys, &record)?;
                self.data.keys.count += 1;
                if key.is_some() {
                    self.last_key = key;
                }
            }
            None => {
                self.data.rows.push(RowData { row: r, len, at });
                self.data.parents.push(parent);
            }
        }
        Ok(())
    }

    /// The findings about columns (headers, columns without a header, the missing parent
    /// column), in column order, as they go before the findings of the rows.
    fn header_findings(&mut self) -> Vec<Diagnostic> {
        let name = &self.data.name;
        let mut found = std::mem::take(&mut self.headers);
        for (&c, &r) in &self.headerless {
            found.push((c, diag(
                Rule::ClasseurColonne,
                at(name, r, c),
                format!("colonne {} sans en-tête : ses valeurs seraient perdues (mettez en ligne 1 le chemin LHEO de la colonne)", column_name(c)),
                format!("column {} has no header: its values would be lost (put the column's LHEO path in row 1)", column_name(c)),
            )));
        }
        found.sort_by_key(|(c, _)| *c);
        let mut found: Vec<Diagnostic> = found.into_iter().map(|(_, d)| d).collect();
        if let (Some(p), None) = (self.parent_name, self.parent_col) {
            if self.filled {
                found.push(diag(
                    Rule::ClasseurColonne,
                    at(name, 0, self.cols),
                    format!("colonne « #{p} » absente : chaque ligne de la feuille « {name} » doit dire à quelle ligne de la feuille « {p} » elle appartient"),
                    format!("column \"#{p}\" is missing: each row of sheet \"{name}\" must say which row of sheet \"{p}\" it belongs to"),
                ));
            }
        }
        found
    }

    /// The sheet read (its last rows in `keys`, joined in order).
    fn finish(mut self, keys: Option<&mut SpoolWriter>) -> std::io::Result<SheetData> {
        if self.sheet.parent.is_none() && self.data.rows.is_empty() && self.data.keys.count == 0 {
            // The document's row may be blank: the root still exists.
            let row = RowData {
                row: 1,
                len: 0,
                at: 0,
            };
            match keys {
                Some(keys) => {
                    let record = KeyRecord {
                        row: row.row,
                        ..KeyRecord::default()
                    };
                    join::put_key(keys, &record)?;
                    self.data.keys.count = 1;
                }
                None => {
                    self.data.rows.push(row);
                    self.data.parents.push(None);
                }
            }
        }
        self.data.has_parent_col = self.parent_col.is_some();
        self.data.rows.shrink_to_fit();
        Ok(self.data)
    }
}

fn unknown_column(
    sheet: &str,
    col: usize,
    header: &str,
    why: &PathError,
    layout: &layout::SheetLayout,
) -> Diagnostic {
    let entity = schema::element(layout.element).name;
    // Paths are read without their spaces: name the steps as they were typed.
    let mut why = why.to_string();
    for step in header.split('/') {
        let read: String = step.split_whitespace().collect();
        if read != step.trim() {
            why = why.replace(&format!("« {read} »"), &format!("« {} »", step.trim()));
        }
    }
    diag(
        Rule::ClasseurColonne,
        at(sheet, 0, col),
        format!("colonne « {header} » inconnue : {why} ; ses valeurs seraient perdues (les colonnes possibles de la feuille « {sheet} » sont des chemins sous « {entity} », voir la feuille documentation)"),
        format!("unknown column \"{header}\" ({why}); its values would be lost (the columns of sheet \"{sheet}\" are paths below \"{entity}\", see the documentation sheet)"),
    )
}

fn cell_problem(p: CellProblem, loc: Location, path: String) -> Diagnostic {
    match p {
        CellProblem::Date(found) => diag(
            Rule::ClasseurDate,
            loc,
            format!("date impossible « {found} » ({path}) : attendu jj/mm/aaaa, aaaa-mm-jj ou aaaammjj (mm/aaaa, aaaa ou 00000000 pour une date partielle)"),
            format!("impossible date \"{found}\" ({path}): expected dd/mm/yyyy, yyyy-mm-dd or yyyymmdd (mm/yyyy, yyyy or 00000000 for a partial date)"),
        ),
        CellProblem::Code { found, dict } => {
            let d = schema::DICTS.iter().find(|d| d.name == dict);
            let codes = d
                .map(|d| {
                    d.entries
                        .iter()
                        .map(|(c, l)| format!("{c} ({l})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let label = d.map_or("", |d| d.label);
            diag(
                Rule::ClasseurCode,
                loc,
                format!("« {found} » n'est ni un code ni un libellé de la liste « {label} » ({path}) : codes possibles {codes}"),
                format!("\"{found}\" is neither a code nor a label of the list \"{label}\" ({path}): possible codes {codes}"),
            )
        }
        CellProblem::Error(found) => diag(
            Rule::ClasseurValeur,
            loc,
            format!("la cellule contient l'erreur « {found} » ({path}) : remplacez-la par une valeur"),
            format!("the cell holds the error \"{found}\" ({path}): replace it with a value"),
        ),
    }
}

/// The children of each row: (parent sheet, parent row, child sheet, child row), sorted: the
/// children of a row are a slice, in sheet then row order. The document's children have the
/// parent sheet `u32::MAX`.
struct Children(Vec<(u32, u32, u32, u32)>);

impl Children {
    const ROOT: (u32, u32) = (u32::MAX, 0);

    fn of(&self, sheet: u32, row: u32) -> &[(u32, u32, u32, u32)] {
        let start = self.0.partition_point(|e| (e.0, e.1) < (sheet, row));
        let end = self.0.partition_point(|e| (e.0, e.1) <= (sheet, row));
        &self.0[start..end]
    }
}

/// Builds the document tree from the rows.
fn build(read: &mut Sheets, xml: &mut dyn std::io::Write) -> Result<LineMap, Error> {
    if read.keys.is_some() {
        return build_in_order(read, xml);
    }
    let layout = read.layout;
    let names = std::mem::take(&mut read.names);
    let diagnostics = &mut read.diagnostics;
    let sheets = &mut read.sheets[..];
    let values = &read.values;
    let Sides::Held([attributs, extras]) = &read.sides else {
        return Err(std::io::Error::other("lignes annexes non lues").into());
    };
    let by_layout: HashMap<usize, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.layout, i))
        .collect();
    let root_sheet = by_layout.get(&0).copied();
    if let Some(rs) = root_sheet {
        for extra in sheets[rs].rows.iter().skip(1) {
            diagnostics.push(diag(
                Rule::ClasseurRacine,
                at(&sheets[rs].name, extra.row, 0),
                format!(
                    "la feuille « {} » n'a qu'une ligne (le document) : cette ligne serait perdue",
                    sheets[rs].name
                ),
                format!(
                    "sheet \"{}\" has a single row (the document): this row would be lost",
                    sheets[rs].name
                ),
            ));
        }
    }
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut children = Vec::with_capacity(
        sheets
            .iter()
            .filter(|s| layout.sheets[s.layout].parent.is_some())
            .map(|s| s.rows.len())
            .sum(),
    );
    for (si, s) in sheets.iter().enumerate() {
        let Some(parent_layout) = layout.sheets[s.layout].parent else {
            continue;
        };
        let parent_sheet = by_layout.get(&parent_layout).copied();
        for (ri, parent) in s.parents.iter().enumerate() {
            if parent_layout == 0 {
                children.push((Children::ROOT.0, Children::ROOT.1, index(si), index(ri)));
                continue;
            }
            let Some((pkey, loc)) = parent else {
                continue; // the missing column is reported once
            };
            let found =
                parent_sheet.and_then(|ps| sheets[ps].by_key.get(&**pkey).map(|&pr| (ps, pr)));
            match found {
                Some((ps, pr)) => children.push((index(ps), pr, index(si), index(ri))),
                None => {
                    let pname = &layout.sheets[parent_layout].name;
                    let (fr, en) = if pkey.is_empty() {
                        (
                            format!("ligne orpheline : la colonne #{pname} est vide, la ligne ne se rattache à aucune ligne de la feuille « {pname} »"),
                            format!("orphan row: column #{pname} is empty, the row belongs to no row of sheet \"{pname}\""),
                        )
                    } else {
                        (
                            format!("ligne orpheline : aucune ligne de la feuille « {pname} » n'a la clé « {pkey} »"),
                            format!("orphan row: no row of sheet \"{pname}\" has the key \"{pkey}\""),
                        )
                    };
                    diagnostics.push(diag(Rule::ClasseurOrpheline, loc.location(&names), fr, en));
                }
            }
        }
    }
    children.sort_unstable();
    // The keys have done their work: what is left to assemble is rows and their values.
    for s in sheets.iter_mut() {
        s.by_key = HashMap::new();
        s.parents = Vec::new();
    }
    let sheets: &[SheetData] = sheets;
    let children = Children(children);
    let mut side: HashMap<(usize, usize), Vec<&Side>> = HashMap::new();
    for s in attributs.iter().chain(extras) {
        side.entry((s.sheet, s.row)).or_default().push(s);
    }
    let ctx = Build {
        layout,
        sheets,
        readers: std::cell::RefCell::new(readers(sheets, values)?),
        join: Join::Keys {
            children: &children,
            side: &side,
        },
    };
    let root_row = root_sheet
        .filter(|&rs| !sheets[rs].rows.is_empty())
        .map(|rs| (rs, sheets[rs].rows[0]));
    let mut lazy = Vec::new();
    for &(_, _, cs, cr) in children.of(Children::ROOT.0, Children::ROOT.1) {
        lazy.push((cs as usize, cr as usize));
    }
    ctx.document(root_row, lazy, names, xml)
}

/// Builds the document from rows joined in order (see [`super::join`]).
fn build_in_order(read: &mut Sheets, xml: &mut dyn std::io::Write) -> Result<LineMap, Error> {
    let layout = read.layout;
    let names = std::mem::take(&mut read.names);
    let sheets = &read.sheets[..];
    let keys = read
        .keys
        .as_ref()
        .ok_or_else(|| std::io::Error::other("clés absentes"))?;
    let Sides::Spooled(spools) = &read.sides else {
        return Err(std::io::Error::other("lignes annexes non lues").into());
    };
    let mut cursors = Vec::new();
    let mut child_sheets = Vec::new();
    for s in sheets {
        cursors.push(KeyCursor::new(keys, s.keys)?);
        child_sheets.push(
            (0..sheets.len())
                .filter(|&cs| layout.sheets[sheets[cs].layout].parent == Some(s.layout))
                .collect(),
        );
    }
    let ctx = Build {
        layout,
        sheets,
        readers: std::cell::RefCell::new(readers(sheets, &read.values)?),
        join: Join::InOrder {
            cursors: std::cell::RefCell::new(cursors),
            spools,
            sides: Box::new(std::cell::RefCell::new(SideCursors {
                readers: [spools[0].reader()?, spools[1].reader()?],
                taken: vec![[0, 0]; sheets.len()],
                peeked: sheets.iter().map(|_| [None, None]).collect(),
            })),
            child_sheets,
        },
    };
    let root_sheet = sheets
        .iter()
        .position(|s| layout.sheets[s.layout].parent.is_none());
    let root_row = match root_sheet {
        Some(rs) => ctx.next_row(rs)?.map(|(row, _)| (rs, row)),
        None => None,
    };
    let mut lazy = Vec::new();
    for (cs, s) in sheets.iter().enumerate() {
        if layout.sheets[s.layout].parent == Some(0) {
            lazy.extend((0..s.keys.count as usize).map(|cr| (cs, cr)));
        }
    }
    ctx.document(root_row, lazy, names, xml)
}

/// A reader of the value spool per sheet: rows in order are read sequentially.
fn readers<'a>(sheets: &[SheetData], values: &'a Spool) -> std::io::Result<Vec<SpoolReader<'a>>> {
    sheets.iter().map(|_| values.reader()).collect()
}

/// Where the side rows of each sheet are taken from, joined in order.
struct SideCursors<'a> {
    /// A reader of each spool.
    readers: [SpoolReader<'a>; 2],
    /// For each sheet, how many of its side rows of each spool are taken.
    taken: Vec<[usize; 2]>,
    /// For each sheet, its next side row of each spool, once read.
    peeked: Vec<[Option<Side>; 2]>,
}

/// How rows are joined to their parents.
enum Join<'a> {
    /// By keys, in memory.
    Keys {
        children: &'a Children,
        side: &'a HashMap<(usize, usize), Vec<&'a Side>>,
    },
    /// In order (see [`super::join`]).
    InOrder {
        /// Each sheet's rows, as they are taken.
        cursors: std::cell::RefCell<Vec<KeyCursor<'a>>>,
        /// The rows of the `attributs` and `extras` sheets.
        spools: &'a [SideSpool; 2],
        /// Where each sheet's side rows are taken from.
        sides: Box<std::cell::RefCell<SideCursors<'a>>>,
        /// For each sheet, its child sheets.
        child_sheets: Vec<Vec<usize>>,
    },
}

struct Build<'a> {
    layout: &'a Layout,
    sheets: &'a [SheetData],
    /// A reader of the value spool per sheet.
    readers: std::cell::RefCell<Vec<SpoolReader<'a>>>,
    join: Join<'a>,
}

impl<'a> Build<'a> {
    /// Writes the document: its row (sheet, row) if any, its records (sheet, row).
    fn document(
        &self,
        root_row: Option<(usize, RowData)>,
        lazy: Vec<(usize, usize)>,
        names: Vec<String>,
        xml: &mut dyn std::io::Write,
    ) -> Result<LineMap, Error> {
        let (layout, sheets) = (self.layout, self.sheets);
        let origin = root_row.map_or(Origin::NONE, |(rs, row)| {
            Origin::new(sheets[rs].number, row.row, 0)
        });
        let mut root = Element::new(layout.root, 1, origin, None);
        if let Some((rs, row)) = root_row {
            let sides = self.sides(rs, 0, "")?;
            self.fill(&mut root, rs, &row, &sides)?;
        }
        for (cs, cr) in lazy {
            root.add_lazy(&layout.sheets[sheets[cs].layout].via, cs, cr);
        }
        let finder = Finder { sheets };
        let records = |cs: usize, cr: usize| self.entity(cs, cr);
        Ok(assemble::to_xml(root, &finder, names, &records, xml)?)
    }

    /// Takes the next row of sheet `si` (joined in order): the row and its key.
    fn next_row(&self, si: usize) -> std::io::Result<Option<(RowData, String)>> {
        let Join::InOrder { cursors, .. } = &self.join else {
            return Ok(None);
        };
        let mut cursors = cursors.borrow_mut();
        let Some(cursor) = cursors.get_mut(si) else {
            return Ok(None);
        };
        Ok(cursor.take()?.map(|r| {
            (
                RowData {
                    row: r.row,
                    len: r.len,
                    at: r.at,
                },
                r.key,
            )
        }))
    }

    /// The record of row `ri` of sheet `si` (joined in order: the next row of the sheet).
    fn entity(&self, si: usize, ri: usize) -> std::io::Result<Element> {
        let b = self;
        let s = &b.sheets[si];
        let (row, key) = match &b.join {
            Join::Keys { .. } => (s.rows[ri], String::new()),
            Join::InOrder { .. } => b.next_row(si)?.ok_or_else(|| {
                std::io::Error::other(format!("feuille « {} » : ligne attendue", s.name))
            })?,
        };
        let number = u16::try_from(s.number).unwrap_or(u16::MAX);
        let mut e = Element::new(
            b.layout.sheets[s.layout].element,
            1,
            Origin::new(s.number, row.row, 0),
            Some((number, row.row)),
        );
        let sides = self.sides(si, ri, &key)?;
        self.fill(&mut e, si, &row, &sides)?;
        let via = |cs: usize| &b.layout.sheets[b.sheets[cs].layout].via;
        match &b.join {
            Join::Keys { children, .. } => {
                let index = u32::try_from(si).unwrap_or(u32::MAX);
                let row_index = u32::try_from(ri).unwrap_or(u32::MAX);
                for &(_, _, cs, cr) in children.of(index, row_index) {
                    let (cs, cr) = (cs as usize, cr as usize);
                    let child = self.entity(cs, cr)?;
                    e.add_entity(via(cs), child);
                }
            }
            Join::InOrder {
                cursors,
                child_sheets,
                ..
            } => {
                for &cs in &child_sheets[si] {
                    while cursors.borrow_mut()[cs]
                        .peek()?
                        .is_some_and(|r| r.parent == key)
                    {
                        let child = self.entity(cs, 0)?;
                        e.add_entity(via(cs), child);
                    }
                }
            }
        }
        Ok(e)
    }

    /// The side rows of row `ri` of sheet `si` (joined in order: of the next rows of the
    /// sheet's side rows, those keyed `key`).
    fn sides(
        &self,
        si: usize,
        ri: usize,
        key: &str,
    ) -> std::io::Result<Vec<std::borrow::Cow<'a, Side>>> {
        use std::borrow::Cow;
        match &self.join {
            Join::Keys { side, .. } => Ok(side
                .get(&(si, ri))
                .map(|list| list.iter().map(|&s| Cow::Borrowed(s)).collect())
                .unwrap_or_default()),
            Join::InOrder { spools, sides, .. } => {
                let entity = self.layout.sheets[self.sheets[si].layout].element;
                let cursors = &mut *sides.borrow_mut();
                let mut found = Vec::new();
                for (i, spool) in spools.iter().enumerate() {
                    let offsets = spool.by_sheet.get(si).map_or(&[][..], Vec::as_slice);
                    loop {
                        let taken = &mut cursors.taken[si][i];
                        let peeked = &mut cursors.peeked[si][i];
                        if peeked.is_none() {
                            let Some(&at) = offsets.get(*taken) else {
                                break;
                            };
                            *peeked = Some(SideSpool::get(&mut cursors.readers[i], at, entity)?);
                        }
                        match peeked.take() {
                            Some(side) if *side.key == *key => {
                                found.push(Cow::Owned(side));
                                *taken += 1;
                            }
                            other => {
                                *peeked = other;
                                break;
                            }
                        }
                    }
                }
                Ok(found)
            }
        }
    }

    /// Sets the values of `row` of sheet `si`, and its `attributs` and `extras` (`sides`).
    fn fill(
        &self,
        e: &mut Element,
        si: usize,
        row: &RowData,
        sides: &[std::borrow::Cow<'_, Side>],
    ) -> std::io::Result<()> {
        let sheet = &self.sheets[si];
        let values = {
            let mut readers = self.readers.borrow_mut();
            match readers.get_mut(si) {
                Some(reader) => get_values(reader, row.at, row.len)?,
                None => Vec::new(),
            }
        };
        for (i, text) in values {
            let Some((col, target)) = sheet.columns.get(usize::from(i)) else {
                continue;
            };
            let origin = Origin::new(sheet.number, row.row, *col);
            let node = e.at(&target.steps, origin);
            match target.attribute {
                Some(a) => node.attrs.push((a, text)),
                None => {
                    node.text = Some(text);
                    node.origin = origin;
                }
            }
        }
        for s in sides {
            let node = e.at(&s.target.steps, s.origin);
            let is_extras = s.value.trim_start().starts_with('<')
                && s.target.attribute.is_none()
                && layout::is_complex(node.element)
                && schema::particle(node.element, id::EXTRAS).is_some();
            match s.target.attribute {
                Some(a) => node.attrs.push((a, s.value.clone())),
                None if is_extras => node.extras.push((s.value.clone(), s.origin)),
                None => {
                    if !layout::is_complex(node.element) && node.text.is_none() {
                        node.text = Some(String::new());
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
