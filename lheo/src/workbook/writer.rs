//! Writing workbooks (rust_xlsxwriter, constant-memory mode: each sheet streams its rows to
//! a temporary file, so memory stays flat whatever the number of formations).

use std::io::Write;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Formula, Workbook,
    Worksheet,
};

use super::cells::{looks_like_formula, CellValue};
use super::doc::sheet_docs;
use super::flatten::{Flat, Flattener, SideRow};
use super::layout::{self, ColumnKind, Layout, ATTRIBUTS, DOCUMENTATION, EXTRAS, LISTES};
use super::{too_long, too_many_rows};
use crate::diagnostic::Rule;
use crate::error::Error;
use crate::reader::log::RecordLog;
use crate::reader::tree::Node;
use crate::reader::NodeView;
use crate::reader::{ReadOptions, Reader, Record};
use crate::schema::{self, Base, ElementId, Format as SchemaFormat};

/// Last row index Excel has (0-based).
const LAST_ROW: u32 = 1_048_575;
/// The deflate level of the workbook's zip container (1 to 9; rust_xlsxwriter's default is
/// 6). `scripts/bench.sh` measures the export with it, and `examples/xlsx_floor.rs` the
/// workbook library alone.
pub const ZIP_LEVEL: u8 = 2;
/// Excel's limit on the characters of a cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// How a column's cells are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Key,
    Text,
    Integer,
    Date,
}

/// The formats of a workbook.
struct Formats {
    header: Format,
    key: Format,
    text: Format,
    text_quoted: Format,
    integer: Format,
    date: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        let text = Format::new().set_num_format("@");
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin)
                .set_num_format("@"),
            key: Format::new()
                .set_num_format("@")
                .set_background_color(Color::RGB(0xF2F2F2)),
            text_quoted: text.clone().set_quote_prefix(),
            text,
            integer: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            wrap: Format::new().set_text_wrap().set_num_format("@"),
        }
    }
}

/// A sheet being written.
struct SheetState {
    /// Index of the worksheet in the workbook.
    ws: usize,
    next_row: u32,
    columns: Vec<Shown>,
}

/// Writes a workbook record by record.
///
/// ```
/// use lheo::workbook::WorkbookWriter;
///
/// let xml = std::fs::read("../fixtures/minimal.xml")?;
/// let mut out = Vec::new();
/// let summary = lheo::workbook::export(&xml[..], &mut out)?;
/// assert_eq!(summary.records, 1);
/// assert!(out.starts_with(b"PK")); // a zip archive: .xlsx
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WorkbookWriter<W: Write + Send> {
    out: W,
    book: Workbook,
    flattener: Flattener,
    sheets: Vec<SheetState>,
    attributs: SheetState,
    extras: SheetState,
    formats: Formats,
    records: Vec<u64>,
}

/// The name of column `col` (0-based): `A`, `Z`, `AA`…
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell reference, `D12` for row 11 and column 3 (0-based).
pub fn cell_ref(row: u32, col: usize) -> String {
    format!("{}{}", column_name(col), row + 1)
}

fn shown(kind: &ColumnKind, entity: ElementId) -> Shown {
    match kind {
        ColumnKind::Key | ColumnKind::ParentKey => Shown::Key,
        ColumnKind::Attribute(_) => Shown::Text,
        ColumnKind::Value(t) => match t.simple_type(entity) {
            Some(st) if st.format == Some(SchemaFormat::Date) => Shown::Date,
            Some(st) if st.base == Base::Long => Shown::Integer,
            _ => Shown::Text,
        },
    }
}

/// A sensible width for a column.
fn width(header: &str, kind: &ColumnKind, entity: ElementId) -> f64 {
    let by_type: f64 = match kind {
        ColumnKind::Key | ColumnKind::ParentKey => 10.0,
        ColumnKind::Attribute(_) => 12.0,
        ColumnKind::Value(t) => match t.simple_type(entity) {
            Some(st) if st.format == Some(SchemaFormat::Date) => 12.0,
            Some(st) if st.dict.is_some() => 8.0,
            Some(st) if st.base == Base::Long => 8.0,
            Some(st) => (st.max_length.unwrap_or(60) as f64 / 5.0).clamp(10.0, 50.0),
            None => 12.0,
        },
    };
    let last = header.rsplit('/').next().unwrap_or(header);
    by_type.max((last.chars().count() as f64 + 2.0).min(30.0))
}

impl<W: Write + Send> WorkbookWriter<W> {
    /// A workbook for documents rooted at `root` (`lheo`, `lheo-index`, `lheo-plus`): every
    /// sheet with its headers, widths, formats and drop-downs, the documentation and the
    /// lists. Nothing is written to `out` before [`WorkbookWriter::finish`].
    pub fn new(out: W, root: ElementId) -> Result<Self, Error> {
        WorkbookWriter::with_tempdir(out, root, None)
    }

    /// [`WorkbookWriter::new`], with the temporary files of the sheets (one per sheet, never
    /// named, gone when the writer is) in `tempdir` rather than the system's temporary folder:
    /// put them where the workbook goes, and a full `$TMPDIR` does not matter.
    pub fn with_tempdir(
        out: W,
        root: ElementId,
        tempdir: Option<&std::path::Path>,
    ) -> Result<Self, Error> {
        let layout = Layout::of(root);
        let mut book = Workbook::new();
        // Deflate's fast level: the sheets compress about three times faster than at the
        // default level (6), in files about a fifth larger; compressing is the one part of an
        // export that runs after the feed is read.
        book.set_zip_compression_level(ZIP_LEVEL);
        if let Some(dir) = tempdir {
            book.set_tempdir(dir)?;
        }
        let formats = Formats::new();
        let mut ws_count = 0usize;
        let mut new_sheet = |book: &mut Workbook, name: &str| -> Result<usize, Error> {
            let ws = book.add_worksheet_with_constant_memory()?;
            ws.set_name(name)?;
            ws_count += 1;
            Ok(ws_count - 1)
        };
        let mut order: Vec<usize> = (1..layout.sheets.len()).collect();
        order.push(0);
        let mut sheets: Vec<Option<SheetState>> = (0..layout.sheets.len()).map(|_| None).collect();
        for &i in &order {
            let s = &layout.sheets[i];
            let ws = new_sheet(&mut book, &s.name)?;
            let columns = s
                .columns
                .iter()
                .map(|c| shown(&c.kind, s.element))
                .collect();
            sheets[i] = Some(SheetState {
                ws,
                next_row: 1,
                columns,
            });
        }
        let attributs = SheetState {
            ws: new_sheet(&mut book, ATTRIBUTS)?,
            next_row: 1,
            columns: vec![Shown::Text; 4],
        };
        let extras = SheetState {
            ws: new_sheet(&mut book, EXTRAS)?,
            next_row: 1,
            columns: vec![Shown::Text; 4],
        };
        let sheets: Vec<SheetState> = sheets.into_iter().flatten().collect();
        let mut w = WorkbookWriter {
            out,
            book,
            flattener: Flattener::new(layout),
            records: vec![0; sheets.len()],
            sheets,
            attributs,
            extras,
            formats,
        };
        w.prepare_sheets(layout)?;
        w.documentation(layout)?;
        w.lists()?;
        Ok(w)
    }

    fn prepare_sheets(&mut self, layout: &Layout) -> Result<(), Error> {
        let f = &self.formats;
        for (i, s) in layout.sheets.iter().enumerate() {
            let ws = self.book.worksheet_from_index(self.sheets[i].ws)?;
            let keys = s
                .columns
                .iter()
                .take_while(|c| matches!(c.kind, ColumnKind::Key | ColumnKind::ParentKey))
                .count();
            let docs = sheet_docs(layout, s);
            for (c, col) in s.columns.iter().enumerate() {
                let c16 = c as u16;
                ws.write_string_with_format(0, c16, &col.header, &f.header)?;
                if let Some(d) = docs.get(c) {
                    // Hovering a header shows what the column is, in French.
                    let mut text = format!("{}\n{}", d.label, d.kind);
                    if d.required {
                        text.push_str("\nobligatoire");
                    }
                    let note = rust_xlsxwriter::Note::new(truncate(&text, 1000))
                        .add_author_prefix(false)
                        .set_width(320)
                        .set_height(90);
                    ws.insert_note(0, c16, &note)?;
                }
                ws.set_column_width(c16, width(&col.header, &col.kind, s.element))?;
                let format = match self.sheets[i].columns[c] {
                    Shown::Key => &f.key,
                    Shown::Text => &f.text,
                    Shown::Integer => &f.integer,
                    Shown::Date => &f.date,
                };
                ws.set_column_format(c16, format)?;
                if let ColumnKind::Value(t) = &col.kind {
                    if let Some(dict) = t.simple_type(s.element).and_then(|st| st.dict) {
                        ws.add_data_validation(
                            1,
                            c16,
                            LAST_ROW,
                            c16,
                            &drop_down(dict.0 as usize)?,
                        )?;
                    }
                }
            }
            ws.set_freeze_panes(1, keys as u16)?;
        }
        for (state, headers, widths) in [
            (
                &self.attributs,
                layout::ATTRIBUTS_HEADERS,
                [24.0, 12.0, 50.0, 30.0],
            ),
            (
                &self.extras,
                layout::EXTRAS_HEADERS,
                [24.0, 12.0, 50.0, 80.0],
            ),
        ] {
            let ws = self.book.worksheet_from_index(state.ws)?;
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &f.header)?;
                ws.set_column_width(c as u16, widths[c])?;
                ws.set_column_format(c as u16, &f.text)?;
            }
            ws.set_freeze_panes(1, 0)?;
        }
        Ok(())
    }

    fn documentation(&mut self, layout: &Layout) -> Result<(), Error> {
        let f = &self.formats;
        let ws = self.book.add_worksheet();
        ws.set_name(DOCUMENTATION)?;
        let intro = [
            "Classeur LHEO 2.3 — une vue modifiable d'un flux, à réimporter avec « lheo import classeur.xlsx -o flux.xml ».",
            "Chaque feuille décrit un élément répétable (formation, action, session, recrutement…) ; la ligne 1 donne le chemin LHEO de chaque colonne, relatif à l'élément de la feuille (@ = attribut).",
            "Les colonnes #… relient une ligne à sa ligne parente : #action dans la feuille session contient la clé (#action) d'une ligne de la feuille action.",
            "Codes : tapez le code ou choisissez « code - libellé » dans la liste ; les libellés sont acceptés. Dates : jj/mm/aaaa, ou aaaammjj, mm/aaaa (jour inconnu), aaaa (mois inconnu), 00000000 (inconnue).",
            "La feuille attributs garde les autres attributs et les éléments présents mais vides ; la feuille extras garde les extensions (extras) en XML. Laissez-les telles quelles si vous ne les utilisez pas.",
        ];
        for (r, line) in intro.iter().enumerate() {
            ws.write_string(r as u32, 0, *line)?;
        }
        let top = intro.len() as u32 + 1;
        let headers = [
            "feuille",
            "colonne",
            "libellé",
            "type",
            "obligatoire",
            "valeurs autorisées",
            "description",
        ];
        let widths = [22.0, 40.0, 40.0, 30.0, 11.0, 50.0, 80.0];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(top, c as u16, *h, &f.header)?;
            ws.set_column_width(c as u16, widths[c])?;
        }
        let mut row = top + 1;
        for s in &layout.sheets {
            for d in sheet_docs(layout, s) {
                let cells = [
                    d.sheet.as_str(),
                    d.header.as_str(),
                    d.label.as_str(),
                    d.kind.as_str(),
                    if d.required { "oui" } else { "non" },
                    d.values.as_str(),
                    d.doc.as_str(),
                ];
                for (c, v) in cells.iter().enumerate() {
                    if !v.is_empty() {
                        let v = truncate(v, MAX_CELL_CHARS);
                        let fmt = if looks_like_formula(v) {
                            &f.text_quoted
                        } else {
                            &f.wrap
                        };
                        ws.write_string_with_format(row, c as u16, v, fmt)?;
                    }
                }
                row += 1;
            }
        }
        ws.autofilter(
            top,
            0,
            row.saturating_sub(1).max(top),
            headers.len() as u16 - 1,
        )?;
        ws.set_freeze_panes(top + 1, 2)?;
        Ok(())
    }

    fn lists(&mut self) -> Result<(), Error> {
        let f = &self.formats;
        let ws = self.book.add_worksheet();
        ws.set_name(LISTES)?;
        for (c, d) in schema::DICTS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, d.name, &f.header)?;
            for (r, (code, label)) in d.entries.iter().enumerate() {
                ws.write_string_with_format(
                    r as u32 + 1,
                    c as u16,
                    list_entry(code, label),
                    &f.text,
                )?;
            }
        }
        ws.set_hidden(true);
        Ok(())
    }

    /// Writes a record tree read by [`Reader::next_node`] (a `formation`, a
    /// `resume-offre`, …).
    pub fn write_node(&mut self, node: &Node) -> Result<(), Error> {
        self.write_element(node)
    }

    /// Writes a record captured by the reader, read in place (no tree built).
    pub(crate) fn write_captured(&mut self, log: &RecordLog) -> Result<(), Error> {
        self.write_element(log.root())
    }

    fn write_element<'a, N: NodeView<'a>>(&mut self, node: N) -> Result<(), Error> {
        let id = node.id().unwrap_or(schema::id::FORMATION);
        let Some(sheet) = self.flattener.record_sheet(id) else {
            return Err(Error::from(super::flatten::Unfit {
                line: node.pos().line,
                what: format!(
                    "« {} » n'est pas un enregistrement de ce document",
                    node.local()
                ),
            }));
        };
        self.records[sheet] += 1;
        let flat = self.flattener.record(sheet, self.records[sheet], node)?;
        self.write_flat(flat)
    }

    /// Writes a record of the model.
    pub fn write_record(&mut self, record: &Record) -> Result<(), Error> {
        let node = record_node(record)?;
        self.write_node(&node)
    }

    /// Writes the rows of `flat`; their text moves into the workbook library, which takes
    /// owned strings (text borrowed from the record is copied once, there).
    fn write_flat(&mut self, flat: Flat<'_>) -> Result<(), Error> {
        for row in flat.rows {
            let state = &mut self.sheets[row.sheet];
            let r = state.next_row;
            if r > LAST_ROW {
                let sheet = self.flattener.layout().sheets[row.sheet].name.clone();
                return Err(too_many_rows(&sheet));
            }
            state.next_row += 1;
            let ws = self.book.worksheet_from_index(state.ws)?;
            for (c, v) in row.cells {
                write_cell(ws, &self.formats, r, c, state.columns[c], v)?;
            }
        }
        for (rows, state) in [
            (flat.attributs, &mut self.attributs),
            (flat.extras, &mut self.extras),
        ] {
            for side in &rows {
                write_side(&mut self.book, &self.formats, state, side)?;
            }
        }
        Ok(())
    }

    /// Writes the root's row (from the document's envelope: the root element without its
    /// records, as [`Reader::envelope`] gives it), sets the filters and writes the file.
    pub fn finish(mut self, envelope: &Node) -> Result<W, Error> {
        let flat = self.flattener.root(envelope)?;
        self.write_flat(flat)?;
        let layout = self.flattener.layout();
        for (i, s) in layout.sheets.iter().enumerate() {
            let state = &self.sheets[i];
            let ws = self.book.worksheet_from_index(state.ws)?;
            let last = state.next_row.saturating_sub(1);
            ws.autofilter(0, 0, last, s.columns.len().saturating_sub(1) as u16)?;
        }
        for state in [&self.attributs, &self.extras] {
            let last = state.next_row.saturating_sub(1);
            self.book
                .worksheet_from_index(state.ws)?
                .autofilter(0, 0, last, 3)?;
        }
        self.book.save_to_writer(&mut self.out)?;
        Ok(self.out)
    }
}

fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: usize,
    shown: Shown,
    value: CellValue<'_>,
) -> Result<(), Error> {
    let c = col as u16;
    // A cell in its column's format is written without one: it takes the column's (the
    // same style in the file), and the workbook library does not look the format up (a hash
    // of the whole format per cell, a tenth of an export's time).
    match value {
        CellValue::Text(s) => {
            if s.is_empty() {
                return Ok(());
            }
            // Counted in UTF-16 units, as Excel counts; never more than the UTF-8 bytes, so
            // most texts need no count.
            if s.len() > MAX_CELL_CHARS && s.encode_utf16().count() > MAX_CELL_CHARS {
                return Err(too_long(cell_ref(row, col), s.chars().count()));
            }
            let format = if looks_like_formula(&s) {
                Some(&f.text_quoted)
            } else if matches!(shown, Shown::Key | Shown::Text) {
                None
            } else {
                Some(&f.text)
            };
            match format {
                Some(format) => ws.write_string_with_format(row, c, s, format)?,
                None => ws.write_string(row, c, s)?,
            };
        }
        CellValue::Number(n) if shown == Shown::Integer => {
            ws.write_number(row, c, n)?;
        }
        CellValue::Number(n) => {
            ws.write_number_with_format(row, c, n, &f.integer)?;
        }
        CellValue::Date(d) if shown == Shown::Date => {
            ws.write_number(row, c, excel_serial(d))?;
        }
        CellValue::Date(d) => {
            ws.write_number_with_format(row, c, excel_serial(d), &f.date)?;
        }
    }
    Ok(())
}

/// Writes a row of `attributs` or `extras`; XML longer than a cell continues on the next
/// rows (same sheet, key and path).
fn write_side(
    book: &mut Workbook,
    f: &Formats,
    state: &mut SheetState,
    side: &SideRow,
) -> Result<(), Error> {
    let ws = book.worksheet_from_index(state.ws)?;
    let chunks = split_cell(&side[3]);
    for chunk in chunks {
        let r = state.next_row;
        if r > LAST_ROW {
            let sheet = side[0].clone();
            return Err(too_many_rows(&format!("{sheet} (attributs/extras)")));
        }
        state.next_row += 1;
        for (c, v) in side[..3]
            .iter()
            .chain(std::iter::once(&chunk.to_owned()))
            .enumerate()
        {
            if v.is_empty() {
                continue;
            }
            // The sheet's columns are in the text format: a cell without one takes it.
            if looks_like_formula(v) {
                ws.write_string_with_format(r, c as u16, v, &f.text_quoted)?;
            } else {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    Ok(())
}

/// Splits text into pieces a cell holds (at least one piece, maybe empty).
fn split_cell(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let mut units = 0;
        let mut cut = rest.len();
        for (i, ch) in rest.char_indices() {
            units += ch.len_utf16();
            if units > MAX_CELL_CHARS {
                cut = i;
                break;
            }
        }
        out.push(&rest[..cut]);
        rest = &rest[cut..];
        if rest.is_empty() {
            return out;
        }
    }
}

/// At most `max` characters of `s`.
fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The drop-down entry of a code: `code - libellé`, at most 255 characters.
pub fn list_entry(code: &str, label: &str) -> String {
    let entry = format!("{code} - {label}");
    truncate(&entry, 255).to_owned()
}

fn drop_down(dict: usize) -> Result<DataValidation, Error> {
    let d = &schema::DICTS[dict];
    let col = column_name(dict);
    let formula = format!("={LISTES}!${col}$2:${col}${}", d.entries.len() + 1);
    Ok(DataValidation::new()
        .allow_list_formula(Formula::new(formula))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("Code hors liste")?
        .set_error_message(format!(
            "Ce n'est pas une valeur de la liste « {} » : tapez un code, un libellé, ou choisissez dans la liste.",
            d.label
        ))?)
}

/// The Excel serial number of a day (1900 date system).
fn excel_serial(d: chrono::NaiveDate) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - base).num_days() as f64
}

/// A record of the model as a tree, through its XML.
fn record_node(record: &Record) -> Result<Node, Error> {
    let mut xml = Vec::new();
    {
        let mut w = crate::writer::XmlWriter::new(&mut xml);
        for c in record.containers() {
            w.open(c, &crate::Attributes::default(), &[])?;
        }
        let name = record.name();
        match record {
            Record::Formation(f) => crate::writer::WriteXml::write_xml(f.as_ref(), name, &mut w)?,
            Record::ResumeOffre(r) => crate::writer::WriteXml::write_xml(r.as_ref(), name, &mut w)?,
            Record::ResumeOrganisme(r) => {
                crate::writer::WriteXml::write_xml(r.as_ref(), name, &mut w)?
            }
            Record::Organisme(o) => crate::writer::WriteXml::write_xml(o.as_ref(), name, &mut w)?,
        }
        for c in record.containers().iter().rev() {
            w.close(c)?;
        }
        w.finish()?;
    }
    let mut reader = Reader::with_options(&xml[..], ReadOptions::default())?;
    reader.next_node().map(|n| n.node).ok_or_else(|| {
        Error::invalid(crate::Diagnostic::new(
            Rule::XmlMalforme,
            "enregistrement vide",
            "empty record",
        ))
    })
}

/// Writes a whole document as a workbook.
pub fn write_document<W: Write + Send>(doc: &crate::Document, out: W) -> Result<(), Error> {
    let mut xml = Vec::new();
    crate::writer::write_document(doc, &mut xml)?;
    super::export(&xml[..], out).map(|_| ())
}
