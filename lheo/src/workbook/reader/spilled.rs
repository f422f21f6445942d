//! Joining a workbook out of the export's order without holding its keys: each sheet's keys
//! are sorted on disk ([`crate::workbook::sort`]) into an index (key → row), child rows are
//! joined to their parents by merging their sorted parent keys with the parent sheet's index,
//! and the `attributs` and `extras` rows likewise. The rows are then written again to a keys
//! spool in the document's order, each keyed by its own index, and assembled as a workbook
//! in order is ([`super::assembly`]).
//!
//! The findings are the keyed join's, in its order: a duplicate key where the row's reading
//! put it, side rows' in their order, orphans in their sheet's order. Memory holds 4 bytes per
//! row (its place in the document), and, while one sheet is joined, 24 bytes per row of that
//! sheet: never a key.

use super::*;
use crate::workbook::sort::{Record, Sorted, Sorter};

/// No row (a row left out of the document, a key not found).
const NONE: u32 = u32::MAX;

/// A row's key, to find the duplicates and to index the sheet; sorted by key ([`key_cmp`],
/// the order [`join::found`] reads an index in), then row.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct KeyAt {
    /// The key.
    pub key: String,
    /// Index of the row among the sheet's rows read.
    pub ri: u32,
    /// The row (0-based).
    pub r: u32,
    /// Findings of the sheet's rows before this row's.
    pub found: u32,
}

impl Ord for KeyAt {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        key_cmp(&self.key, &other.key).then(self.ri.cmp(&other.ri))
    }
}

impl PartialOrd for KeyAt {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Record for KeyAt {
    fn put(&self, out: &mut SpoolWriter) -> std::io::Result<()> {
        put_text(out, &self.key)?;
        for n in [self.ri, self.r, self.found] {
            put_u32(out, n as usize)?;
        }
        Ok(())
    }

    fn get(input: &mut SpoolReader<'_>) -> std::io::Result<Self> {
        Ok(KeyAt {
            key: read_text(input)?,
            ri: read_u32(input)?,
            r: read_u32(input)?,
            found: read_u32(input)?,
        })
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.key.len()
    }
}

/// A key looked up: in a sheet (`si`), the `n`-th lookup (a child row's parent key, a side
/// row's key); sorted by sheet, key ([`key_cmp`]) and number.
#[derive(Debug, PartialEq, Eq)]
struct Lookup {
    si: u32,
    key: String,
    n: u32,
}

impl Ord for Lookup {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.si
            .cmp(&other.si)
            .then_with(|| key_cmp(&self.key, &other.key))
            .then(self.n.cmp(&other.n))
    }
}

impl PartialOrd for Lookup {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Record for Lookup {
    fn put(&self, out: &mut SpoolWriter) -> std::io::Result<()> {
        put_u32(out, self.si as usize)?;
        put_text(out, &self.key)?;
        put_u32(out, self.n as usize)
    }

    fn get(input: &mut SpoolReader<'_>) -> std::io::Result<Self> {
        Ok(Lookup {
            si: read_u32(input)?,
            key: read_text(input)?,
            n: read_u32(input)?,
        })
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.key.len()
    }
}

/// Each sheet's index: its keys sorted, each with the first row that has it, as records of
/// the keys spool (the row's index as their `row`), read by a [`KeyCursor`].
pub(super) struct Index {
    out: SpoolWriter,
}

impl Index {
    /// An empty index.
    pub fn new() -> Self {
        Index {
            out: SpoolWriter::new(),
        }
    }

    /// Indexes a sheet's sorted keys (`keys`, in column `col`): returns where its index is,
    /// and the findings of duplicate keys with the number of findings of the sheet's rows
    /// before each.
    pub fn sheet(
        &mut self,
        keys: Option<(Sorted<KeyAt>, usize)>,
        name: &str,
    ) -> std::io::Result<(Segment, Vec<(u32, Diagnostic)>)> {
        let mut segment = Segment {
            start: self.out.position(),
            count: 0,
        };
        let mut duplicates: Vec<(u32, u32, Diagnostic)> = Vec::new();
        let Some((mut sorted, col)) = keys else {
            return Ok((segment, Vec::new()));
        };
        let mut merge = sorted.merge()?;
        let mut first: Option<KeyAt> = None;
        while let Some(k) = merge.next()? {
            match &first {
                Some(f) if f.key == k.key => {
                    let found = duplicate_key(name, k.r, col, &k.key, f.r + 1);
                    duplicates.push((k.found, k.ri, found));
                }
                _ => {
                    join::put_key(&mut self.out, (k.ri, 0, 0), &k.key, "")?;
                    segment.count += 1;
                    first = Some(k);
                }
            }
        }
        duplicates.sort_by_key(|d| (d.0, d.1));
        Ok((
            segment,
            duplicates.into_iter().map(|(f, _, d)| (f, d)).collect(),
        ))
    }

    /// The index written.
    pub fn finish(self) -> std::io::Result<Spool> {
        self.out.finish()
    }
}

/// Puts the findings of duplicate keys among the findings of the sheet's rows (from
/// `start`), each before the findings of its row.
pub(super) fn insert_duplicates(
    diagnostics: &mut Vec<Diagnostic>,
    start: usize,
    duplicates: Vec<(u32, Diagnostic)>,
) {
    if duplicates.is_empty() {
        return;
    }
    let rows = diagnostics.split_off(start.min(diagnostics.len()));
    let mut rows = rows.into_iter().enumerate().peekable();
    for (before, d) in duplicates {
        while let Some((_, r)) = rows.next_if(|(i, _)| *i < before as usize) {
            diagnostics.push(r);
        }
        diagnostics.push(d);
    }
    diagnostics.extend(rows.map(|(_, r)| r));
}

/// Answers lookups (`n`: the lookup's number, below `count`, of a key in sheet `si`): the
/// row of each in its sheet's index (`sheets[si].index` in `index`), `NONE` when the key is
/// not there; `miss` is given each key not found, in the order of the keys.
fn answer(
    sheets: &[SheetData],
    index: &Spool,
    mut lookups: Sorted<Lookup>,
    count: usize,
    miss: &mut dyn FnMut(u32, String),
) -> std::io::Result<Vec<u32>> {
    let mut answers = vec![NONE; count];
    let mut merge = lookups.merge()?;
    // The index of the sheet of the lookups being answered.
    let mut cursor: Option<(u32, KeyCursor<'_>)> = None;
    while let Some(l) = merge.next()? {
        if cursor.as_ref().is_none_or(|c| c.0 != l.si) {
            cursor = match sheets.get(l.si as usize) {
                Some(s) => Some((l.si, KeyCursor::new(index, s.index)?)),
                None => None,
            };
        }
        let mut found = NONE;
        if let Some((_, c)) = &mut cursor {
            if join::found(c, &l.key)? {
                found = c.peek()?.map_or(NONE, |r| r.row);
            }
        }
        match answers.get_mut(l.n as usize) {
            Some(a) if found != NONE => *a = found,
            _ => miss(l.n, l.key),
        }
    }
    Ok(answers)
}

/// The rows of each sheet, written again in the document's order, each keyed by its index.
pub(super) struct Rejoined {
    /// The rows, by sheet (each sheet's segment is set in its [`SheetData::keys`]).
    pub keys: Spool,
    /// For each sheet, the place of each row among the sheet's rows in the document (`NONE`
    /// when it is not in it).
    pub ranks: Vec<Vec<u32>>,
    /// The findings of the assembly: rows beyond the document's, orphans.
    pub later: Vec<Diagnostic>,
    /// Each sheet's index (side rows look their keys up in it).
    index: Spool,
    /// Bytes of records the sorts hold in memory.
    run_bytes: usize,
}

/// The key a row of `s` gets once rejoined: its index (the document's row: none).
fn own_key(layout: &Layout, s: &SheetData, ri: u32) -> String {
    match layout.sheets[s.layout].parent {
        None => String::new(),
        Some(_) => ri.to_string(),
    }
}

/// A row read back from the keys spool: its row, where its values are.
type RowAt = (u32, u64, u32);

/// A row placed in the document: the place of its parent among its sheet's rows, its index,
/// its parent's index (`NONE`: the document).
type Placed = (u32, u32, u32);

/// Joins the rows of `sheets` (their keys in `keys`, indexed in `index`): writes them in the
/// document's order, as [`super::assembly`] takes them joined in order. Parent sheets come
/// before their children in the layout, so that each row's parent is placed before it.
pub(super) fn rejoin(
    layout: &Layout,
    sheets: &mut [SheetData],
    keys: &Spool,
    index: Spool,
    names: &[String],
    run_bytes: usize,
) -> std::io::Result<Rejoined> {
    let mut out = SpoolWriter::new();
    let mut ranks: Vec<Vec<u32>> = vec![Vec::new(); sheets.len()];
    let mut later = Vec::new();
    let mut orphans: Vec<Vec<Diagnostic>> = vec![Vec::new(); sheets.len()];
    let mut order: Vec<usize> = (0..sheets.len()).collect();
    order.sort_by_key(|&si| sheets[si].layout);
    let mut written = vec![Segment::default(); sheets.len()];
    for si in order {
        let s = &sheets[si];
        let parent = layout.sheets[s.layout].parent;
        let ps = parent.and_then(|p| sheets.iter().position(|x| x.layout == p));
        // Rows of a child sheet (with its column of parent keys) look their parents up.
        let joins = parent.is_some_and(|p| p != 0) && s.has_parent_col;
        let in_sheet = joins.then(|| ps.map_or(NONE, |ps| ps as u32));
        let SheetRows {
            rows,
            lookups,
            orphans: empty,
        } = read_rows(keys, s.keys, in_sheet, run_bytes)?;
        let placed: Vec<Placed> = match parent {
            None => {
                for &(row, _, _) in rows.iter().skip(1) {
                    later.push(beyond_document(&s.name, row));
                }
                rows.first().map(|_| (0, 0, NONE)).into_iter().collect()
            }
            Some(0) => (0..rows.len() as u32).map(|ri| (ri, ri, NONE)).collect(),
            // The missing column is reported once, with the sheet's columns.
            Some(_) if !joins => Vec::new(),
            Some(p) => {
                let parents = ps.map(|ps| &ranks[ps][..]);
                let found = (lookups, empty, rows.len());
                let (placed, misses) = to_parents(sheets, &index, found, parents)?;
                let pname = &layout.sheets[p].name;
                for (ri, pkey) in misses {
                    let row = rows.get(ri as usize).map_or(0, |r| r.0);
                    let loc = Origin::new(s.number, row, s.parent_col.unwrap_or(0));
                    orphans[si].push(orphan(pname, &pkey, loc.location(names)));
                }
                placed
            }
        };
        let start = out.position();
        let mut rank = vec![NONE; rows.len()];
        for (place, &(_, ri, pri)) in placed.iter().enumerate() {
            rank[ri as usize] = place as u32;
            let parent_key = match ps {
                Some(ps) if pri != NONE => own_key(layout, &sheets[ps], pri),
                _ => String::new(),
            };
            let key = own_key(layout, s, ri);
            join::put_key(&mut out, rows[ri as usize], &key, &parent_key)?;
        }
        written[si] = Segment {
            start,
            count: placed.len() as u32,
        };
        ranks[si] = rank;
    }
    for (s, segment) in sheets.iter_mut().zip(written) {
        s.keys = segment;
    }
    later.extend(orphans.into_iter().flatten());
    Ok(Rejoined {
        keys: out.finish()?,
        ranks,
        later,
        index,
        run_bytes,
    })
}

/// Rows whose parent is not found: their index, their parent's key.
type Orphans = Vec<(u32, String)>;

/// A sheet's rows read back from the keys spool, with their parents' keys to look up.
struct SheetRows {
    /// The rows, in the order they were read.
    rows: Vec<RowAt>,
    /// The parent keys to look up (the `n` of each: the row's index).
    lookups: Sorter<Lookup>,
    /// The rows with an empty parent key.
    orphans: Orphans,
}

/// Reads a sheet's rows (`segment` of the keys spool); with `parents_in` (the index of the
/// parent sheet, `NONE` when the workbook lacks it), their parent keys are to be looked up.
fn read_rows(
    keys: &Spool,
    segment: Segment,
    parents_in: Option<u32>,
    run_bytes: usize,
) -> std::io::Result<SheetRows> {
    let mut read = SheetRows {
        rows: Vec::with_capacity(segment.count as usize),
        lookups: Sorter::new(run_bytes),
        orphans: Vec::new(),
    };
    let mut cursor = KeyCursor::new(keys, segment)?;
    while let Some(k) = cursor.take()? {
        let ri = read.rows.len() as u32;
        read.rows.push((k.row, k.at, k.len));
        match parents_in {
            Some(_) if k.parent.is_empty() => read.orphans.push((ri, k.parent)),
            Some(si) => read.lookups.push(Lookup {
                si,
                key: k.parent,
                n: ri,
            })?,
            None => {}
        }
    }
    Ok(read)
}

/// Joins `count` rows to their parents, from their parent keys to look up (`lookups`) and the
/// rows without one (`empty`); `parents` is the place of each row of the parent sheet in the
/// document (`None` when the workbook lacks that sheet). Returns the rows placed, in the
/// document's order (by their parent's place, then in the sheet's order), and the rows whose
/// parent is not found (orphans), in the sheet's order, with their parent's key. A row whose
/// parent is found but not in the document is in neither (nor was it in the keyed join).
fn to_parents(
    sheets: &[SheetData],
    index: &Spool,
    (lookups, empty, count): (Sorter<Lookup>, Orphans, usize),
    parents: Option<&[u32]>,
) -> std::io::Result<(Vec<Placed>, Orphans)> {
    let mut misses = empty;
    let mut miss = |n, key| misses.push((n, key));
    let found = answer(sheets, index, lookups.finish()?, count, &mut miss)?;
    let mut placed = Vec::new();
    for (ri, &pri) in found.iter().enumerate() {
        let place = parents.and_then(|ranks| ranks.get(pri as usize).copied());
        if let Some(place) = place.filter(|&p| p != NONE) {
            placed.push((place, ri as u32, pri));
        }
    }
    placed.sort_unstable();
    misses.sort_unstable_by_key(|m| m.0);
    Ok((placed, misses))
}

impl Rejoined {
    /// Reads a side sheet's rows (`rows`; `extras`: the `extras` sheet) joined by sorted keys:
    /// their keys are looked up first (a reading whose findings are dropped), then the rows
    /// are read again with the answers (their findings to `diagnostics`), each kept row
    /// spooled with its entity's new key, in the document's order.
    pub fn side_spool(
        &self,
        layout: &Layout,
        sheets: &[SheetData],
        rows: Option<SideRows>,
        extras: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> std::io::Result<SideSpool> {
        let mut out = SideSpoolWriter::new(sheets.len());
        // The place of each sheet's side rows' entity, beside their offsets in `out`.
        let mut places = vec![Vec::new(); sheets.len()];
        if let Some(rows) = rows {
            let mut lookups = Sorter::new(self.run_bytes);
            let mut count = 0u32;
            let mut failed = None;
            let mut ask = |si: usize, _: &SheetData, key: &str| {
                let lookup = Lookup {
                    si: si as u32,
                    key: key.to_owned(),
                    n: count,
                };
                count += 1;
                if let Err(e) = lookups.push(lookup) {
                    failed.get_or_insert(e);
                }
                Ok(Some(0))
            };
            // Which rows look a key up does not depend on the answers: the same rows will again.
            let mut dropped = Vec::new();
            read_side(
                layout,
                sheets,
                &rows,
                extras,
                &mut dropped,
                &mut ask,
                &mut |_| Ok(()),
            )?;
            if let Some(e) = failed {
                return Err(e);
            }
            let lookups = lookups.finish()?;
            let answers = answer(sheets, &self.index, lookups, count as usize, &mut |_, _| {})?;
            let mut next = answers.into_iter();
            let mut key_row = |_: usize, _: &SheetData, _: &str| {
                Ok(next.next().filter(|&ri| ri != NONE).map(|ri| ri as usize))
            };
            let mut emit = |mut side: Side| {
                let place = self
                    .ranks
                    .get(side.sheet)
                    .and_then(|r| r.get(side.row))
                    .copied()
                    .unwrap_or(NONE);
                if place == NONE {
                    return Ok(()); // its row is not in the document: neither is it
                }
                side.key = own_key(layout, &sheets[side.sheet], side.row as u32).into();
                out.push(&side)?;
                places[side.sheet].push(place);
                Ok(())
            };
            read_side(
                layout,
                sheets,
                &rows,
                extras,
                diagnostics,
                &mut key_row,
                &mut emit,
            )?;
        }
        let mut spool = out.finish()?;
        // By the place of their entity, in the side sheet's order for an entity.
        for (offsets, places) in spool.by_sheet.iter_mut().zip(places) {
            let mut both: Vec<(u32, u64)> =
                places.into_iter().zip(offsets.iter().copied()).collect();
            both.sort_by_key(|b| b.0);
            *offsets = both.into_iter().map(|b| b.1).collect();
        }
        Ok(spool)
    }
}
