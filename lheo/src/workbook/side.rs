//! The `attributs` and `extras` sheets: one row per attribute (or `extras` element) of an
//! entity, named by its sheet and key. Their rows are spooled as they are read (a sheet of
//! any size holds a few megabytes in memory), then checked once every entity sheet is read.

use std::collections::HashSet;
use std::io::{self, Read, Write};

use calamine::Data;

use super::assemble::Origin;
use super::layout::{self, Layout, Step, Target};
use super::reader::{at, blank, cell_at, diag, plain, SheetData};
use super::spool::{
    put_row, put_text, put_u32, read_row, read_text, read_u32, Spool, SpoolReader, SpoolWriter,
};
use crate::diagnostic::{Diagnostic, Rule};
use crate::schema::{self, id, ElementId};

/// A side row (`attributs`, `extras`) after checks.
#[derive(Debug, Clone)]
pub(super) struct Side {
    /// Index of its entity sheet among the sheets read.
    pub sheet: usize,
    /// Index of its entity's row (when joined by keys; 0 when joined in order).
    pub row: usize,
    /// Its entity's key.
    pub key: Box<str>,
    /// Where its value goes below the entity.
    pub target: Target,
    /// Its value.
    pub value: String,
    /// Its value's cell.
    pub origin: Origin,
}

/// A side sheet as read: its header row, and its other rows (blank ones left out) in a spool
/// (`R`: a [`SpoolWriter`] while the sheet is read, then the [`Spool`]).
pub(super) struct SideRows<R = Spool> {
    /// Number of the sheet in the workbook.
    pub number: usize,
    /// Its name.
    pub name: String,
    header: Vec<(u32, Data)>,
    /// One past the last column with a cell.
    cols: usize,
    /// Columns with a cell below the header.
    below: HashSet<u32>,
    rows: R,
}

impl SideRows<SpoolWriter> {
    /// An empty sheet, number `number` of the workbook.
    pub fn new(number: usize, name: &str) -> Self {
        SideRows {
            number,
            name: name.to_owned(),
            header: Vec::new(),
            cols: 0,
            below: HashSet::new(),
            rows: SpoolWriter::new(),
        }
    }

    /// Row `r` (its non-empty cells in column order); rows come in order, once each.
    pub fn row(&mut self, r: u32, cells: &[(u32, Data)]) -> io::Result<()> {
        if let Some((c, _)) = cells.last() {
            self.cols = self.cols.max(*c as usize + 1);
        }
        if r == 0 {
            self.header = cells.to_vec();
            return Ok(());
        }
        self.below.extend(cells.iter().map(|(c, _)| *c));
        if blank(cells) {
            return Ok(());
        }
        put_row(&mut self.rows, r, cells)
    }

    /// The sheet read.
    pub fn finish(self) -> io::Result<SideRows> {
        Ok(SideRows {
            number: self.number,
            name: self.name,
            header: self.header,
            cols: self.cols,
            below: self.below,
            rows: self.rows.finish()?,
        })
    }
}

impl SideRows {
    /// Gives each row below the header, in order, to `each` (its cells in column order).
    fn for_each(
        &self,
        mut each: impl FnMut(u32, &[(u32, Data)]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut input = self.rows.reader()?;
        let mut cells: Vec<(u32, Data)> = Vec::new();
        while input.position() < self.rows.len() {
            let r = read_row(&mut input, &mut cells)?;
            // A string as it is, another value as its text (what is read of it).
            for (_, value) in &mut cells {
                if !matches!(value, Data::String(_)) {
                    *value = Data::String(plain(value));
                }
            }
            each(r, &cells)?;
        }
        Ok(())
    }
}

/// How a side row finds its entity's row: `(index of the sheet, sheet, key)` → row index
/// (`None`: no such key).
pub(super) type KeyRow<'a> =
    &'a mut dyn FnMut(usize, &SheetData, &str) -> io::Result<Option<usize>>;

/// Reads the `attributs` or `extras` sheet (`extras`), its rows joined to their entity
/// by `key_row`: gives each side row checked, in order, to `emit`.
pub(super) fn read_side(
    layout: &Layout,
    sheets: &[SheetData],
    side: &SideRows,
    extras: bool,
    diagnostics: &mut Vec<Diagnostic>,
    key_row: KeyRow<'_>,
    emit: &mut dyn FnMut(Side) -> io::Result<()>,
) -> io::Result<()> {
    let (number, name) = (side.number, side.name.as_str());
    let headers = if extras {
        layout::EXTRAS_HEADERS
    } else {
        layout::ATTRIBUTS_HEADERS
    };
    let mut cols = [None; 4];
    for c in 0..side.cols {
        let h = plain(cell_at(&side.header, c));
        match headers.iter().position(|x| *x == h) {
            Some(i) if cols[i].is_none() => cols[i] = Some(c),
            _ if h.is_empty() && !side.below.contains(&(c as u32)) => {}
            _ => diagnostics.push(diag(
                Rule::ClasseurColonne,
                at(name, 0, c),
                format!("colonne « {h} » inconnue ou en double dans la feuille « {name} » (colonnes : {})", headers.join(", ")),
                format!("unknown or duplicate column \"{h}\" in sheet \"{name}\" (columns: {})", headers.join(", ")),
            )),
        }
    }
    // An `extras` value may go on over the next rows: it is checked once whole.
    let mut pending: Option<Side> = None;
    let mut done = |s: Side, diagnostics: &mut Vec<Diagnostic>| {
        if !extras {
            return emit(s);
        }
        match check_extras(&s.value) {
            Ok(()) => emit(s),
            Err(why) => {
                diagnostics.push(diag(
                    Rule::ClasseurExtras,
                    at(name, s.origin.row, usize::from(s.origin.col)),
                    format!("XML des extras illisible : {why}"),
                    format!("unreadable extras XML: {why}"),
                ));
                Ok(())
            }
        }
    };
    side.for_each(|r, cells| {
        let get = |i: usize| cols[i].map(|c| (plain(cell_at(cells, c)), c));
        let (sheet_name, sheet_col) = get(0).unwrap_or_default();
        let (key, key_col) = get(1).unwrap_or_default();
        let (path, path_col) = get(2).unwrap_or_default();
        let value_col = cols[3].unwrap_or(3);
        let value = match cell_at(cells, value_col) {
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
            return Ok(());
        };
        let sheet = &sheets[si];
        let row = if layout.sheets[sheet.layout].parent.is_none() && key.is_empty() {
            Some(0)
        } else {
            key_row(si, sheet, &key)?
        };
        let Some(row) = row else {
            diagnostics.push(diag(
                Rule::ClasseurOrpheline,
                at(name, r, key_col),
                format!("aucune ligne de la feuille « {sheet_name} » n'a la clé « {key} » : cette ligne ne se rattache à rien"),
                format!("no row of sheet \"{sheet_name}\" has the key \"{key}\": this row belongs to nothing"),
            ));
            return Ok(());
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
                return Ok(());
            }
        };
        let origin = Origin::new(number, r, value_col);
        if extras {
            if let Some(last) = &mut pending {
                if last.sheet == si
                    && last.row == row
                    && *last.key == *key
                    && last.target == target
                    && !value.trim_start().starts_with("<extras")
                {
                    last.value.push_str(&value);
                    return Ok(());
                }
            }
        }
        let side = Side {
            sheet: si,
            row,
            key: key.into(),
            target,
            value,
            origin,
        };
        if !extras {
            return done(side, diagnostics);
        }
        match pending.replace(side) {
            Some(last) => done(last, diagnostics),
            None => Ok(()),
        }
    })?;
    if let Some(last) = pending {
        done(last, diagnostics)?;
    }
    Ok(())
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

/// Side rows joined in order: spooled as checked, with where each sheet's are (in order).
pub(super) struct SideSpool {
    spool: Spool,
    /// For each entity sheet, the offsets of its side rows, in order.
    pub by_sheet: Vec<Vec<u64>>,
}

/// Writes a [`SideSpool`].
pub(super) struct SideSpoolWriter {
    out: SpoolWriter,
    by_sheet: Vec<Vec<u64>>,
}

impl SideSpoolWriter {
    /// An empty spool for `sheets` entity sheets.
    pub fn new(sheets: usize) -> Self {
        SideSpoolWriter {
            out: SpoolWriter::new(),
            by_sheet: vec![Vec::new(); sheets],
        }
    }

    /// Adds a side row.
    pub fn push(&mut self, side: &Side) -> io::Result<()> {
        let Some(offsets) = self.by_sheet.get_mut(side.sheet) else {
            return Err(io::Error::other("feuille inconnue"));
        };
        offsets.push(self.out.position());
        let out = &mut self.out;
        put_u32(out, side.sheet)?;
        put_text(out, &side.key)?;
        put_u32(out, side.target.steps.len())?;
        for step in &side.target.steps {
            out.write_all(&step.element.0.to_le_bytes())?;
            out.write_all(&step.index.to_le_bytes())?;
        }
        put_text(out, side.target.attribute.unwrap_or(""))?;
        put_text(out, &side.value)?;
        out.write_all(&side.origin.sheet.to_le_bytes())?;
        out.write_all(&side.origin.row.to_le_bytes())?;
        out.write_all(&side.origin.col.to_le_bytes())
    }

    /// The spool written.
    pub fn finish(self) -> io::Result<SideSpool> {
        Ok(SideSpool {
            spool: self.out.finish()?,
            by_sheet: self.by_sheet,
        })
    }
}

impl SideSpool {
    /// A reader of the spool.
    pub fn reader(&self) -> io::Result<SpoolReader<'_>> {
        self.spool.reader()
    }

    /// The side row at `at`, of an entity sheet whose entity is `entity`.
    pub fn get(input: &mut SpoolReader<'_>, at: u64, entity: ElementId) -> io::Result<Side> {
        input.seek_to(at)?;
        let sheet = read_u32(input)? as usize;
        let key = read_text(input)?.into_boxed_str();
        let mut steps = Vec::new();
        for _ in 0..read_u32(input)? {
            let mut b = [0u8; 6];
            input.read_exact(&mut b)?;
            steps.push(Step {
                element: ElementId(u16::from_le_bytes([b[0], b[1]])),
                index: u32::from_le_bytes([b[2], b[3], b[4], b[5]]),
            });
        }
        let mut target = Target {
            steps,
            attribute: None,
        };
        let attribute = read_text(input)?;
        if !attribute.is_empty() {
            target.attribute = Some(
                layout::attribute_name(target.element(entity), &attribute)
                    .ok_or_else(|| io::Error::other("attribut inconnu"))?,
            );
        }
        let value = read_text(input)?;
        let mut b = [0u8; 8];
        input.read_exact(&mut b)?;
        let origin = Origin {
            sheet: u16::from_le_bytes([b[0], b[1]]),
            row: u32::from_le_bytes([b[2], b[3], b[4], b[5]]),
            col: u16::from_le_bytes([b[6], b[7]]),
        };
        Ok(Side {
            sheet,
            row: 0,
            key,
            target,
            value,
            origin,
        })
    }
}
