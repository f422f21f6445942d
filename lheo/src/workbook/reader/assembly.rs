//! Assembling the document from the rows read: joined in order (cursors over the keys
//! spool, see [`super::super::join`]) or by keys (maps in memory).

use super::*;

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
pub(super) fn build(read: &mut Sheets, xml: &mut dyn std::io::Write) -> Result<LineMap, Error> {
    match std::mem::replace(&mut read.joined, Joined::ByKeys(Default::default())) {
        Joined::ByKeys(sides) => build_by_keys(read, &sides, xml),
        Joined::InOrder { keys, sides, later } => {
            read.diagnostics.extend(later);
            build_in_order(read, &keys, &sides, xml)
        }
    }
}

/// Builds the document from rows joined by keys, with the side rows `sides`.
fn build_by_keys(
    read: &mut Sheets,
    [attributs, extras]: &[Vec<Side>; 2],
    xml: &mut dyn std::io::Write,
) -> Result<LineMap, Error> {
    let layout = read.layout;
    let names = std::mem::take(&mut read.names);
    let diagnostics = &mut read.diagnostics;
    let sheets = &mut read.sheets[..];
    let values = &read.values;
    let by_layout: HashMap<usize, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.layout, i))
        .collect();
    let root_sheet = by_layout.get(&0).copied();
    if let Some(rs) = root_sheet {
        for extra in sheets[rs].rows.iter().skip(1) {
            diagnostics.push(beyond_document(&sheets[rs].name, extra.row));
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
                    diagnostics.push(orphan(pname, pkey, loc.location(&names)));
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
fn build_in_order(
    read: &mut Sheets,
    keys: &Spool,
    spools: &[SideSpool; 2],
    xml: &mut dyn std::io::Write,
) -> Result<LineMap, Error> {
    let layout = read.layout;
    let names = std::mem::take(&mut read.names);
    let sheets = &read.sheets[..];
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
        let s = &self.sheets[si];
        let (row, key) = match &self.join {
            Join::Keys { .. } => (s.rows[ri], String::new()),
            Join::InOrder { .. } => self.next_row(si)?.ok_or_else(|| {
                std::io::Error::other(format!("feuille « {} » : ligne attendue", s.name))
            })?,
        };
        let number = u16::try_from(s.number).unwrap_or(u16::MAX);
        let mut e = Element::new(
            self.layout.sheets[s.layout].element,
            1,
            Origin::new(s.number, row.row, 0),
            Some((number, row.row)),
        );
        let sides = self.sides(si, ri, &key)?;
        self.fill(&mut e, si, &row, &sides)?;
        let via = |cs: usize| &self.layout.sheets[self.sheets[cs].layout].via;
        match &self.join {
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
                let SideCursors {
                    readers,
                    taken,
                    peeked,
                } = &mut *sides.borrow_mut();
                let mut found = Vec::new();
                for (i, spool) in spools.iter().enumerate() {
                    let offsets = spool.by_sheet.get(si).map_or(&[][..], Vec::as_slice);
                    let (taken, peeked) = (&mut taken[si][i], &mut peeked[si][i]);
                    loop {
                        if peeked.is_none() {
                            let Some(&at) = offsets.get(*taken) else {
                                break;
                            };
                            *peeked = Some(SideSpool::get(&mut readers[i], at, entity)?);
                        }
                        if peeked.as_ref().is_none_or(|side| *side.key != *key) {
                            break;
                        }
                        found.extend(peeked.take().map(Cow::Owned));
                        *taken += 1;
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
