//! A sheet's cells as read: only the cells that hold something, by row, so that a sheet whose
//! last cell is far away (`XFD1048576`) costs what its cells cost, not rows × columns.

use std::collections::BTreeMap;

use calamine::{Data, Range};

/// A sheet's non-empty cells with absolute (0-based) positions.
#[derive(Debug, Default)]
pub struct Grid {
    /// Rows in order, each with its cells in column order.
    rows: BTreeMap<u32, Vec<(u32, Data)>>,
}

static EMPTY: Data = Data::Empty;

impl Grid {
    /// Adds a cell; a later cell at the same place replaces the earlier one (as calamine
    /// does). Empty cells are not kept.
    pub fn push(&mut self, row: u32, col: u32, value: Data) {
        if matches!(value, Data::Empty) {
            return;
        }
        self.rows.entry(row).or_default().push((col, value));
    }

    /// Sorts each row once every cell is pushed.
    pub fn finish(mut self) -> Self {
        for cells in self.rows.values_mut() {
            // Stable: of two cells at one place, the last pushed is kept.
            cells.sort_by_key(|(c, _)| *c);
            let mut kept: Vec<(u32, Data)> = Vec::with_capacity(cells.len());
            for (c, v) in cells.drain(..) {
                match kept.last_mut() {
                    Some(last) if last.0 == c => last.1 = v,
                    _ => kept.push((c, v)),
                }
            }
            *cells = kept;
        }
        self
    }

    /// The non-empty cells of a range read by calamine.
    pub fn from_range(range: &Range<Data>) -> Self {
        let mut g = Grid::default();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            g.push(r0 + r as u32, c0 + c as u32, v.clone());
        }
        g.finish()
    }

    /// The rows that hold a cell, in order, each with its cells in column order.
    pub fn rows(&self) -> impl Iterator<Item = (u32, &[(u32, Data)])> + '_ {
        self.rows.iter().map(|(r, cells)| (*r, cells.as_slice()))
    }

    /// The rows that hold a cell, in order.
    pub fn all_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.keys().copied()
    }

    /// The cell at (row, col), `Empty` when absent.
    pub fn get(&self, row: u32, col: usize) -> &Data {
        let Some(cells) = self.rows.get(&row) else {
            return &EMPTY;
        };
        let Ok(col) = u32::try_from(col) else {
            return &EMPTY;
        };
        match cells.binary_search_by_key(&col, |(c, _)| *c) {
            Ok(i) => &cells[i].1,
            Err(_) => &EMPTY,
        }
    }
}
