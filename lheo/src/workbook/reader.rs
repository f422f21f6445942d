//! Reading workbooks (calamine): sheets and columns are matched by name (in any order),
//! blank rows are skipped, values are read forgivingly (see [`super::cells`]); what would
//! lose data is a diagnostic at `sheet!cell`, all of them. The rows then become an LHEO 2.3
//! document ([`super::assemble`]).

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::{Data, Range};

use super::assemble::{self, CellFinder, Element, LineMap, Origin};
use super::cells::{import_value, CellProblem, Imported as Cell};
use super::layout::{
    self, Layout, PathError, Step, Target, ATTRIBUTS, DOCUMENTATION, EXTRAS, LISTES,
};
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
    /// The document, LHEO 2.3 XML (empty when the workbook could not be read at all).
    pub xml: Vec<u8>,
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
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Checks the document with `options` (profile, today) and returns every finding, the
    /// workbook's own first, each located at a cell. A finding on a cell the workbook already
    /// reported is left out (it is the same problem).
    pub fn validate(&self, options: &ValidateOptions) -> Report {
        let mut diagnostics = self.diagnostics.clone();
        let mut report = if self.xml.is_empty() {
            Report {
                profile: options.profile,
                version: None,
                root: None,
                encoding: None,
                diagnostics: Vec::new(),
                referentiels: Vec::new(),
            }
        } else {
            validate(&self.xml[..], options)
        };
        let flagged: Vec<Location> = self
            .diagnostics
            .iter()
            .map(|d| d.location.clone())
            .collect();
        for mut d in std::mem::take(&mut report.diagnostics) {
            self.relocate(&mut d);
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
        crate::reader::read_document(&self.xml[..])
    }
}

impl Imported {
    /// Writes the document as LHEO 2.3 to `out`, record by record (the same bytes as the
    /// library's writer gives for [`Imported::document`], without holding the whole model).
    /// Fails when the workbook has errors.
    pub fn write_feed<W: std::io::Write>(&self, out: W) -> Result<W, Error> {
        self.write_feed_counted(out).map(|(out, _)| out)
    }

    /// [`Imported::write_feed`], with the number of records written.
    pub(crate) fn write_feed_counted<W: std::io::Write>(&self, out: W) -> Result<(W, u64), Error> {
        use crate::reader::{FromNode, Reader};
        if let Some(d) = self
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
        {
            return Err(Error::invalid(d.clone()));
        }
        let invalid = Error::invalid;
        let stopped = |r: &mut Reader<&[u8]>| -> Result<(), Error> {
            match r
                .take_diagnostics()
                .into_iter()
                .find(|d| d.severity == Severity::Error)
            {
                Some(d) => Err(invalid(d)),
                None => Ok(()),
            }
        };
        let mut reader = Reader::new(&self.xml[..])?;
        while reader.next_node().is_some() {}
        stopped(&mut reader)?;
        let head = match reader.envelope() {
            Some(node) => Document::from_node(node)?,
            None => {
                return Err(invalid(Diagnostic::new(
                    Rule::XmlMalforme,
                    "document vide",
                    "empty document",
                )))
            }
        };
        let mut reader = Reader::new(&self.xml[..])?;
        let mut writer = crate::writer::StreamWriter::new(out, &head)?;
        let mut records = 0;
        while let Some(record) = reader.next_record() {
            writer.write_record(&record?)?;
            records += 1;
        }
        stopped(&mut reader)?;
        Ok((writer.finish()?, records))
    }
}

/// Reads a workbook: `.xlsx` (also `.xlsm`), `.xlsb`, `.ods` or `.xls`, recognised by its
/// content. Open the file in the caller (a `BufReader<File>`) or give the bytes (a `Cursor`).
///
/// A file that is not a readable workbook is not an error: the result has one
/// `CLASSEUR-ILLISIBLE` finding. Fails only when reading fails.
///
/// ```
/// let xlsx = lheo::workbook::template(Vec::new()).unwrap();
/// let imported = lheo::workbook::read_workbook(std::io::Cursor::new(xlsx)).unwrap();
/// assert!(imported.is_ok(), "{:?}", imported.diagnostics);
/// let report = imported.validate(&lheo::validate::ValidateOptions::default());
/// assert!(report.is_valid(), "{:?}", report.diagnostics);
/// ```
pub fn read_workbook<RS: Read + Seek>(mut input: RS) -> Result<Imported, Error> {
    if let Err(why) = check_archive(&mut input) {
        return Ok(unreadable(&why));
    }
    let format = format_of(&mut input)?;
    input.seek(std::io::SeekFrom::Start(0))?;
    let opened = match format {
        Format::Xls => calamine::open_workbook_from_rs::<calamine::Xls<RS>, RS>(input)
            .map(|mut book| read_sheets(&mut book))
            .map_err(|e| e.to_string()),
        Format::Xlsb => calamine::open_workbook_from_rs::<calamine::Xlsb<RS>, RS>(input)
            .map(|mut book| read_sheets(&mut book))
            .map_err(|e| e.to_string()),
        Format::Ods => calamine::open_workbook_from_rs::<calamine::Ods<RS>, RS>(input)
            .map(|mut book| read_sheets(&mut book))
            .map_err(|e| e.to_string()),
        Format::Xlsx => calamine::open_workbook_from_rs::<calamine::Xlsx<RS>, RS>(input)
            .map(|mut book| read_sheets(&mut book))
            .map_err(|e| e.to_string()),
    };
    opened.unwrap_or_else(|why| Ok(unreadable(&why)))
}

/// The formats of workbooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Excel 97–2003 (an OLE compound file).
    Xls,
    /// Excel binary workbook (a zip archive with `xl/workbook.bin`).
    Xlsb,
    /// OpenDocument spreadsheet (a zip archive of type `…opendocument.spreadsheet`).
    Ods,
    /// Excel workbook (a zip archive with `xl/workbook.xml`), and anything else.
    Xlsx,
}

/// The workbook format of `input`, from its content.
fn format_of<RS: Read + Seek>(input: &mut RS) -> Result<Format, Error> {
    input.seek(std::io::SeekFrom::Start(0))?;
    let mut magic = [0u8; 8];
    let mut got = 0;
    while got < magic.len() {
        match input.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::from(e)),
        }
    }
    if magic[..got].starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    input.seek(std::io::SeekFrom::Start(0))?;
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else {
        return Ok(Format::Xlsx);
    };
    if zip.index_for_name("xl/workbook.bin").is_some() {
        return Ok(Format::Xlsb);
    }
    let mut mimetype = String::new();
    if let Ok(part) = zip.by_name("mimetype") {
        let _ = part.take(128).read_to_string(&mut mimetype);
    }
    Ok(if mimetype.contains("opendocument.spreadsheet") {
        Format::Ods
    } else {
        Format::Xlsx
    })
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
        xml: Vec::new(),
        lines: LineMap::default(),
        diagnostics: vec![Diagnostic::new(
            Rule::ClasseurIllisible,
            format!("le fichier n'est pas un classeur lisible : {why}"),
            format!("the file is not a readable workbook: {why}"),
        )],
    }
}

/// Where a diagnostic goes.
fn at(sheet: &str, row: u32, col: usize) -> Location {
    Location::Cell {
        sheet: sheet.to_owned(),
        cell: cell_ref(row, col),
    }
}

fn diag(rule: Rule, loc: Location, fr: String, en: String) -> Diagnostic {
    let mut d = Diagnostic::new(rule, fr, en);
    d.location = loc;
    d
}

/// A cell's content as plain text (headers, keys, paths).
fn plain(d: &Data) -> String {
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

/// A sheet's cells with absolute positions.
struct Grid {
    range: Range<Data>,
}

impl Grid {
    fn rows(&self) -> u32 {
        self.range.end().map_or(0, |(r, _)| r + 1)
    }

    fn cols(&self) -> usize {
        self.range.end().map_or(0, |(_, c)| c as usize + 1)
    }

    fn get(&self, row: u32, col: usize) -> &Data {
        static EMPTY: Data = Data::Empty;
        self.range.get_value((row, col as u32)).unwrap_or(&EMPTY)
    }

    fn empty_row(&self, row: u32) -> bool {
        (0..self.cols()).all(|c| matches!(self.get(row, c), Data::Empty))
    }

    fn blank_row(&self, row: u32) -> bool {
        (0..self.cols()).all(|c| match self.get(row, c) {
            Data::Empty => true,
            Data::String(s) => s.trim().is_empty(),
            _ => false,
        })
    }
}

/// A row of an entity sheet.
struct RowData {
    row: u32,
    parent: Option<(String, Origin)>,
    /// (index in [`SheetData::columns`], text).
    values: Vec<(u16, String)>,
}

/// An entity sheet as read.
struct SheetData {
    layout: usize,
    /// Number of the sheet in the workbook.
    number: usize,
    name: String,
    /// The columns read: (column, target).
    columns: Vec<(usize, Target)>,
    rows: Vec<RowData>,
    by_key: HashMap<String, usize>,
    /// Value columns: steps → column.
    value_columns: HashMap<Vec<Step>, usize>,
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

/// A side row (`attributs`, `extras`) after checks.
struct Side {
    sheet: usize,
    row: usize,
    target: Target,
    value: String,
    origin: Origin,
}

fn read_sheets<RS: Read + Seek, B: calamine::Reader<RS>>(book: &mut B) -> Result<Imported, Error>
where
    B::Error: std::fmt::Display,
{
    let names = book.sheet_names();
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
    let mut side_grids: HashMap<&'static str, (usize, String, Grid)> = HashMap::new();
    for (number, name) in names.iter().enumerate() {
        let range = match book.worksheet_range(name) {
            Ok(r) => r,
            Err(e) => {
                return Ok(unreadable(&format!("feuille « {name} » : {e}")));
            }
        };
        let grid = Grid { range };
        if let Some(i) = layout.sheet_index(name) {
            sheets.push(read_entity_sheet(
                layout,
                i,
                number,
                name,
                &grid,
                &mut diagnostics,
            ));
        } else if name == ATTRIBUTS || name == EXTRAS {
            let key = if name == ATTRIBUTS { ATTRIBUTS } else { EXTRAS };
            side_grids.insert(key, (number, name.clone(), grid));
        } else if name == DOCUMENTATION || name == LISTES {
            continue;
        } else if (0..grid.rows()).any(|r| !grid.blank_row(r)) {
            diagnostics.push(diag(
                Rule::ClasseurFeuille,
                at(name, 0, 0),
                format!("feuille « {name} » inconnue : ses données seraient perdues (feuilles possibles : {})", sheet_list(layout)),
                format!("unknown sheet \"{name}\": its data would be lost (possible sheets: {})", sheet_list(layout)),
            ));
        }
    }
    let attributs = side_grids
        .get(ATTRIBUTS)
        .map(|(k, n, g)| read_side(layout, &sheets, *k, n, g, false, &mut diagnostics))
        .unwrap_or_default();
    let extras = side_grids
        .get(EXTRAS)
        .map(|(k, n, g)| read_side(layout, &sheets, *k, n, g, true, &mut diagnostics))
        .unwrap_or_default();
    drop(side_grids);
    let (xml, lines) = build(
        layout,
        &sheets,
        &attributs,
        &extras,
        names,
        &mut diagnostics,
    )?;
    Ok(Imported {
        root,
        xml,
        lines,
        diagnostics,
    })
}

fn sheet_list(layout: &Layout) -> String {
    layout
        .sheets
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_entity_sheet(
    layout: &Layout,
    index: usize,
    number: usize,
    name: &str,
    grid: &Grid,
    diagnostics: &mut Vec<Diagnostic>,
) -> SheetData {
    let sheet = &layout.sheets[index];
    let entity = sheet.element;
    let parent_name = sheet
        .parent
        .filter(|&p| layout.sheets[p].parent.is_some())
        .map(|p| layout.sheets[p].name.as_str());
    let mut data = SheetData {
        layout: index,
        number,
        name: name.to_owned(),
        columns: Vec::new(),
        rows: Vec::new(),
        by_key: HashMap::new(),
        value_columns: HashMap::new(),
    };
    let (mut key_col, mut parent_col) = (None, None);
    let mut columns: Vec<(usize, Target)> = Vec::new();
    let mut headers: HashMap<String, usize> = HashMap::new();
    let mut bad_columns: Vec<usize> = Vec::new();
    for c in 0..grid.cols() {
        let header = plain(grid.get(0, c));
        if header.is_empty() {
            // A column without a header: its values would be lost.
            if let Some(r) = (1..grid.rows()).find(|&r| !matches!(grid.get(r, c), Data::Empty)) {
                diagnostics.push(diag(
                    Rule::ClasseurColonne,
                    at(name, r, c),
                    format!("colonne {} sans en-tête : ses valeurs seraient perdues (mettez en ligne 1 le chemin LHEO de la colonne)", column_name(c)),
                    format!("column {} has no header: its values would be lost (put the column's LHEO path in row 1)", column_name(c)),
                ));
            }
            continue;
        }
        let canonical = header.split_whitespace().collect::<String>();
        if let Some(first) = headers.insert(canonical.clone(), c) {
            diagnostics.push(diag(
                Rule::ClasseurColonne,
                at(name, 0, c),
                format!("colonne « {header} » en double (déjà en {}) : une seule valeur peut être gardée", cell_ref(0, first)),
                format!("duplicate column \"{header}\" (already at {}): only one value can be kept", cell_ref(0, first)),
            ));
            bad_columns.push(c);
            continue;
        }
        if let Some(k) = canonical.strip_prefix('#') {
            if k == name {
                key_col = Some(c);
                continue;
            }
            if Some(k) == parent_name {
                parent_col = Some(c);
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
                diagnostics.push(unknown_column(
                    name,
                    c,
                    &header,
                    &PathError::NotSimple(schema::element(t.element(entity)).name),
                    sheet,
                ));
                bad_columns.push(c);
            }
            Ok(t) => {
                if t.attribute.is_none() {
                    data.value_columns.insert(t.steps.clone(), c);
                }
                columns.push((c, t));
            }
            Err(e) => {
                diagnostics.push(unknown_column(name, c, &header, &e, sheet));
                bad_columns.push(c);
            }
        }
    }
    if let (Some(p), None) = (parent_name, parent_col) {
        if (1..grid.rows()).any(|r| !grid.blank_row(r)) {
            diagnostics.push(diag(
                Rule::ClasseurColonne,
                at(name, 0, grid.cols()),
                format!("colonne « #{p} » absente : chaque ligne de la feuille « {name} » doit dire à quelle ligne de la feuille « {p} » elle appartient"),
                format!("column \"#{p}\" is missing: each row of sheet \"{name}\" must say which row of sheet \"{p}\" it belongs to"),
            ));
        }
    }
    for r in 1..grid.rows() {
        // The document's row has no key: spaces alone may be its values.
        let blank = if sheet.parent.is_none() {
            grid.empty_row(r)
        } else {
            grid.blank_row(r)
        };
        if blank {
            continue;
        }
        let key = key_col
            .map(|c| plain(grid.get(r, c)))
            .filter(|k| !k.is_empty());
        if let (Some(k), Some(c)) = (&key, key_col) {
            if let Some(&first) = data.by_key.get(k) {
                diagnostics.push(diag(
                    Rule::ClasseurCle,
                    at(name, r, c),
                    format!(
                        "clé « {k} » en double (déjà en ligne {}) : chaque ligne a sa propre clé",
                        data.rows[first].row + 1
                    ),
                    format!(
                        "duplicate key \"{k}\" (already on row {}): each row has its own key",
                        data.rows[first].row + 1
                    ),
                ));
            } else {
                data.by_key.insert(k.clone(), data.rows.len());
            }
        }
        let parent = parent_col.map(|c| (plain(grid.get(r, c)), Origin::new(number, r, c)));
        let mut values = Vec::new();
        for (i, (c, target)) in columns.iter().enumerate() {
            let cell = grid.get(r, *c);
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
        data.rows.push(RowData {
            row: r,
            parent,
            values,
        });
    }
    if sheet.parent.is_none() && data.rows.is_empty() {
        // The document's row may be blank: the root still exists.
        data.rows.push(RowData {
            row: 1,
            parent: None,
            values: Vec::new(),
        });
    }
    let _ = bad_columns;
    data.columns = columns;
    data
}

fn unknown_column(
    sheet: &str,
    col: usize,
    header: &str,
    why: &PathError,
    layout: &layout::SheetLayout,
) -> Diagnostic {
    let entity = schema::element(layout.element).name;
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
                .map(|d| d.entries.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "))
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

/// Reads the `attributs` or `extras` sheet.
fn read_side(
    layout: &Layout,
    sheets: &[SheetData],
    number: usize,
    name: &str,
    grid: &Grid,
    extras: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Side> {
    let headers = if extras {
        layout::EXTRAS_HEADERS
    } else {
        layout::ATTRIBUTS_HEADERS
    };
    let mut cols = [None; 4];
    for c in 0..grid.cols() {
        let h = plain(grid.get(0, c));
        match headers.iter().position(|x| *x == h) {
            Some(i) if cols[i].is_none() => cols[i] = Some(c),
            _ if h.is_empty() && (1..grid.rows()).all(|r| matches!(grid.get(r, c), Data::Empty)) => {}
            _ => diagnostics.push(diag(
                Rule::ClasseurColonne,
                at(name, 0, c),
                format!("colonne « {h} » inconnue ou en double dans la feuille « {name} » (colonnes : {})", headers.join(", ")),
                format!("unknown or duplicate column \"{h}\" in sheet \"{name}\" (columns: {})", headers.join(", ")),
            )),
        }
    }
    let mut out: Vec<Side> = Vec::new();
    let get = |r: u32, i: usize| cols[i].map(|c| (plain(grid.get(r, c)), c));
    for r in 1..grid.rows() {
        if grid.blank_row(r) {
            continue;
        }
        let (sheet_name, sheet_col) = get(r, 0).unwrap_or_default();
        let (key, key_col) = get(r, 1).unwrap_or_default();
        let (path, path_col) = get(r, 2).unwrap_or_default();
        let value_col = cols[3].unwrap_or(3);
        let value = match grid.get(r, value_col) {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => plain(other),
        };
        let Some(si) = sheets.iter().position(|s| s.name == sheet_name) else {
            let known = layout.sheet(&sheet_name).is_some();
            diagnostics.push(diag(
                Rule::ClasseurOrpheline,
                at(name, r, sheet_col),
                if known {
                    format!("la feuille « {sheet_name} » est absente du classeur : cette ligne ne se rattache à rien")
                } else {
                    format!("feuille « {sheet_name} » inconnue : cette ligne ne se rattache à rien")
                },
                format!("sheet \"{sheet_name}\" is not in the workbook: this row belongs to nothing"),
            ));
            continue;
        };
        let sheet = &sheets[si];
        let row = if layout.sheets[sheet.layout].parent.is_none() && key.is_empty() {
            Some(0)
        } else {
            sheet.by_key.get(&key).copied()
        };
        let Some(row) = row else {
            diagnostics.push(diag(
                Rule::ClasseurOrpheline,
                at(name, r, key_col),
                format!("aucune ligne de la feuille « {sheet_name} » n'a la clé « {key} » : cette ligne ne se rattache à rien"),
                format!("no row of sheet \"{sheet_name}\" has the key \"{key}\": this row belongs to nothing"),
            ));
            continue;
        };
        let entity = layout.sheets[sheet.layout].element;
        let target = if extras && path.is_empty() {
            Ok(Target {
                steps: Vec::new(),
                attribute: None,
            })
        } else {
            layout::resolve(entity, &path)
        };
        let target = match target {
            Ok(t)
                if extras
                    && (t.attribute.is_some()
                        || schema::particle(t.element(entity), id::EXTRAS).is_none()) =>
            {
                Err(format!(
                    "« {} » n'a pas d'extras",
                    schema::element(t.element(entity)).name
                ))
            }
            Ok(t) => Ok(t),
            Err(e) => Err(e.to_string()),
        };
        let target = match target {
            Ok(t) => t,
            Err(why) => {
                diagnostics.push(diag(
                    Rule::ClasseurChemin,
                    at(name, r, path_col),
                    format!(
                        "chemin « {path} » impossible sous « {} » : {why}",
                        schema::element(entity).name
                    ),
                    format!(
                        "path \"{path}\" is not possible below \"{}\": {why}",
                        schema::element(entity).name
                    ),
                ));
                continue;
            }
        };
        let origin = Origin::new(number, r, value_col);
        if extras {
            if let Some(last) = out.last_mut() {
                if last.sheet == si
                    && last.row == row
                    && last.target == target
                    && !value.trim_start().starts_with("<extras")
                {
                    last.value.push_str(&value);
                    continue;
                }
            }
        }
        out.push(Side {
            sheet: si,
            row,
            target,
            value,
            origin,
        });
    }
    if extras {
        out.retain(|s| match check_extras(&s.value) {
            Ok(()) => true,
            Err(why) => {
                diagnostics.push(diag(
                    Rule::ClasseurExtras,
                    at(name, s.origin.row, usize::from(s.origin.col)),
                    format!("XML des extras illisible : {why}"),
                    format!("unreadable extras XML: {why}"),
                ));
                false
            }
        });
    }
    out
}

/// Checks that `xml` is a sequence of well-formed `extras` elements.
fn check_extras(xml: &str) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0u32;
    let mut elements = 0;
    loop {
        match reader.read_event() {
            Err(e) => return Err(e.to_string()),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                if depth == 0 && e.name().0 != "extras" {
                    return Err("un élément « extras » est attendu".into());
                }
                depth += 1;
                elements += 1;
            }
            Ok(Event::Empty(e)) => {
                if depth == 0 && e.name().0 != "extras" {
                    return Err("un élément « extras » est attendu".into());
                }
                elements += 1;
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Text(t)) if depth == 0 => {
                if !t.into_inner().chars().all(|c| c.is_ascii_whitespace()) {
                    return Err("texte hors de l'élément « extras »".into());
                }
            }
            Ok(Event::DocType(_)) => return Err("DTD refusée".into()),
            Ok(Event::Decl(_)) | Ok(Event::PI(_)) if depth == 0 => {
                return Err("déclaration hors de l'élément « extras »".into())
            }
            Ok(_) if depth == 0 => return Err("contenu hors de l'élément « extras »".into()),
            Ok(_) => {}
        }
    }
    if depth != 0 {
        return Err("élément non fermé".into());
    }
    if elements == 0 {
        return Err("aucun élément « extras »".into());
    }
    Ok(())
}

/// Builds the document tree from the rows.
fn build(
    layout: &Layout,
    sheets: &[SheetData],
    attributs: &[Side],
    extras: &[Side],
    names: Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Vec<u8>, LineMap), Error> {
    // Children of each row: (child sheet, parent sheet, parent row) → rows.
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
    let mut children: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
    for (si, s) in sheets.iter().enumerate() {
        let Some(parent_layout) = layout.sheets[s.layout].parent else {
            continue;
        };
        let parent_sheet = by_layout.get(&parent_layout).copied();
        for (ri, row) in s.rows.iter().enumerate() {
            if parent_layout == 0 {
                children.entry((usize::MAX, 0)).or_default().push((si, ri));
                continue;
            }
            let Some((pkey, loc)) = &row.parent else {
                continue; // the missing column is reported once
            };
            let found = parent_sheet.and_then(|ps| sheets[ps].by_key.get(pkey).map(|&pr| (ps, pr)));
            match found {
                Some(p) => children.entry(p).or_default().push((si, ri)),
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
    let mut side: HashMap<(usize, usize), Vec<&Side>> = HashMap::new();
    for s in attributs.iter().chain(extras) {
        side.entry((s.sheet, s.row)).or_default().push(s);
    }
    let ctx = Build {
        layout,
        sheets,
        children: &children,
        side: &side,
    };
    let root_row = root_sheet
        .filter(|&rs| !sheets[rs].rows.is_empty())
        .map(|rs| (rs, 0));
    let origin = root_row.map_or(Origin::NONE, |(rs, r)| {
        Origin::new(sheets[rs].number, sheets[rs].rows[r].row, 0)
    });
    let mut root = Element::new(layout.root, 1, origin, None);
    if let Some((rs, r)) = root_row {
        ctx.fill(&mut root, rs, r);
    }
    for &(cs, cr) in children
        .get(&(usize::MAX, 0))
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        root.add_lazy(&layout.sheets[sheets[cs].layout].via, cs, cr);
    }
    let finder = Finder { sheets };
    let records = |cs: usize, cr: usize| ctx.entity(cs, cr);
    Ok(assemble::to_xml(root, &finder, names, &records)?)
}

struct Build<'a> {
    layout: &'a Layout,
    sheets: &'a [SheetData],
    children: &'a HashMap<(usize, usize), Vec<(usize, usize)>>,
    side: &'a HashMap<(usize, usize), Vec<&'a Side>>,
}

impl Build<'_> {
    fn entity(&self, si: usize, ri: usize) -> Element {
        let s = &self.sheets[si];
        let row = &s.rows[ri];
        let number = u16::try_from(s.number).unwrap_or(u16::MAX);
        let mut e = Element::new(
            self.layout.sheets[s.layout].element,
            1,
            Origin::new(s.number, row.row, 0),
            Some((number, row.row)),
        );
        self.fill(&mut e, si, ri);
        for &(cs, cr) in self
            .children
            .get(&(si, ri))
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let child = self.entity(cs, cr);
            e.add_entity(&self.layout.sheets[self.sheets[cs].layout].via, child);
        }
        e
    }

    /// Sets the values of row `ri` of sheet `si`, and its `attributs` and `extras`.
    fn fill(&self, e: &mut Element, si: usize, ri: usize) {
        let sheet = &self.sheets[si];
        let row = &sheet.rows[ri];
        for (i, text) in &row.values {
            let Some((col, target)) = sheet.columns.get(usize::from(*i)) else {
                continue;
            };
            let origin = Origin::new(sheet.number, row.row, *col);
            let node = e.at(&target.steps, origin);
            match target.attribute {
                Some(a) => node.attrs.push((a, text.clone())),
                None => {
                    node.text = Some(text.clone());
                    node.origin = origin;
                }
            }
        }
        for s in self.side.get(&(si, ri)).map(Vec::as_slice).unwrap_or(&[]) {
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
    }
}
