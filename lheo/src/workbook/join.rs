//! Joining a workbook's rows to their parents without holding them.
//!
//! The export writes each sheet's rows in the order of the document: the rows of a child
//! sheet grouped by parent, in the order of the parent sheet's rows, and keys that grow
//! (`1`, `1.1`, `1.2`, `2`, … in [`key_cmp`]'s order). A workbook read back in that order is
//! joined as it is assembled: each sheet is a cursor over its rows (their keys in a spool, on
//! disk beyond a few megabytes), a parent takes from each child sheet's cursor the rows that
//! name it. Whether the workbook is in that order is checked once every sheet is read
//! ([`children_in_order`], and [`found`] for the rows of the `attributs` and `extras`
//! sheets), before anything is assembled; a workbook
//! that is not (rows sorted or moved in Excel, keys typed by hand) is joined in memory,
//! through maps of its keys.

use std::cmp::Ordering;
use std::io::{self, Read, Write};

use super::spool::{put_text, read_text, Spool, SpoolReader, SpoolWriter};

/// The order of keys: runs of digits compare as numbers (`2` before `10`), other text by
/// bytes; keys that this order finds equal (`01` and `1`) then compare by bytes, so that
/// only equal keys are equal.
pub fn key_cmp(a: &str, b: &str) -> Ordering {
    natural(a.as_bytes(), b.as_bytes()).then_with(|| a.cmp(b))
}

fn natural(mut a: &[u8], mut b: &[u8]) -> Ordering {
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, ra) = digits(a);
                let (nb, rb) = digits(b);
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

/// A run of digits without its leading zeros, and what follows it.
fn digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    let (run, rest) = s.split_at(end);
    let zeros = run.iter().take_while(|&&c| c == b'0').count();
    (&run[zeros..], rest)
}

/// A row of an entity sheet, as the keys spool holds it: its row, where its values are in
/// the value spool, its key and its parent's key (empty when none).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// 0-based row in the sheet.
    pub row: u32,
    /// Offset of its values in the value spool.
    pub at: u64,
    /// Length of its values in bytes.
    pub len: u32,
    /// Its key.
    pub key: String,
    /// Its parent's key.
    pub parent: String,
}

/// Writes a row's record to the keys spool (what [`KeyCursor`] reads back as a
/// [`KeyRecord`]).
pub fn put_key(
    out: &mut SpoolWriter,
    (row, at, len): (u32, u64, u32),
    key: &str,
    parent: &str,
) -> io::Result<()> {
    out.write_all(&row.to_le_bytes())?;
    out.write_all(&at.to_le_bytes())?;
    out.write_all(&len.to_le_bytes())?;
    put_text(out, key)?;
    put_text(out, parent)
}

/// Where a sheet's records are in the keys spool: the offset of the first and their number.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Offset of the first record.
    pub start: u64,
    /// Number of records.
    pub count: u32,
}

/// The records of one sheet, in order, read from the keys spool.
pub struct KeyCursor<'a> {
    reader: SpoolReader<'a>,
    left: u32,
    peeked: Option<KeyRecord>,
}

impl<'a> KeyCursor<'a> {
    /// A cursor over `segment` of `keys`.
    pub fn new(keys: &'a Spool, segment: Segment) -> io::Result<Self> {
        let mut reader = keys.reader()?;
        reader.seek_to(segment.start)?;
        Ok(KeyCursor {
            reader,
            left: segment.count,
            peeked: None,
        })
    }

    /// The next record, left to be taken.
    pub fn peek(&mut self) -> io::Result<Option<&KeyRecord>> {
        if self.peeked.is_none() && self.left > 0 {
            self.left -= 1;
            self.peeked = Some(self.read()?);
        }
        Ok(self.peeked.as_ref())
    }

    /// Takes the next record.
    pub fn take(&mut self) -> io::Result<Option<KeyRecord>> {
        self.peek()?;
        Ok(self.peeked.take())
    }

    fn read(&mut self) -> io::Result<KeyRecord> {
        let mut fixed = [0u8; 16];
        self.reader.read_exact(&mut fixed)?;
        let word =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let mut at = [0u8; 8];
        at.copy_from_slice(&fixed[4..12]);
        Ok(KeyRecord {
            row: word(0),
            at: u64::from_le_bytes(at),
            len: word(12),
            key: read_text(&mut self.reader)?,
            parent: read_text(&mut self.reader)?,
        })
    }
}

/// Whether every row of the child sheet (`child`) names, in order, a row of its parent sheet
/// (`parent`): the child's parent keys never go back in [`key_cmp`]'s order and each is a
/// key of the parent sheet, whose keys grow.
pub fn children_in_order(keys: &Spool, child: Segment, parent: Segment) -> io::Result<bool> {
    let mut parents = KeyCursor::new(keys, parent)?;
    let mut children = KeyCursor::new(keys, child)?;
    while let Some(row) = children.take()? {
        if !found(&mut parents, &row.parent)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Moves `rows` forward to the row keyed `key`: `false` when there is none ahead (an
/// unknown key, or a key behind).
pub fn found(rows: &mut KeyCursor<'_>, key: &str) -> io::Result<bool> {
    if key.is_empty() {
        return Ok(false);
    }
    loop {
        let Some(row) = rows.peek()? else {
            return Ok(false);
        };
        if row.key.is_empty() {
            rows.take()?;
            continue;
        }
        match key_cmp(key, &row.key) {
            Ordering::Less => return Ok(false),
            Ordering::Equal => return Ok(true),
            Ordering::Greater => {
                rows.take()?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_as_the_export_numbers_them() {
        let mut keys = vec![
            "10", "2", "1.10", "1.2", "1", "01", "a", "1.1.1", "b2", "b10",
        ];
        keys.sort_by(|a, b| key_cmp(a, b));
        assert_eq!(
            keys,
            ["01", "1", "1.1.1", "1.2", "1.10", "2", "10", "a", "b2", "b10"]
        );
        assert_eq!(key_cmp("1", "01"), Ordering::Greater);
        assert_eq!(key_cmp("1.1", "1.1"), Ordering::Equal);
    }

    fn spool(sheets: &[&[(&str, &str)]]) -> (Spool, Vec<Segment>) {
        let mut out = SpoolWriter::new();
        let mut segments = Vec::new();
        for rows in sheets {
            let start = out.position();
            for (i, (key, parent)) in rows.iter().enumerate() {
                put_key(&mut out, (i as u32 + 1, 7, 3), key, parent).unwrap();
            }
            segments.push(Segment {
                start,
                count: rows.len() as u32,
            });
        }
        (out.finish().unwrap(), segments)
    }

    #[test]
    fn records_read_back_as_written() {
        let (keys, s) = spool(&[&[("1", ""), ("2", "")], &[("1.1", "1")]]);
        let mut c = KeyCursor::new(&keys, s[1]).unwrap();
        let r = c.take().unwrap().unwrap();
        assert_eq!(
            (r.row, r.at, r.len, &*r.key, &*r.parent),
            (1, 7, 3, "1.1", "1")
        );
        assert!(c.take().unwrap().is_none());
    }

    #[test]
    fn children_are_in_order_only_when_each_names_a_parent_ahead() {
        let parents: &[(&str, &str)] = &[("1", ""), ("2", ""), ("", ""), ("10", "")];
        let cases: [(&[(&str, &str)], bool); 6] = [
            (&[("1.1", "1"), ("1.2", "1"), ("10.1", "10")], true),
            (&[], true),
            (&[("2.1", "2"), ("1.1", "1")], false),
            (&[("3.1", "3")], false),
            (&[("x", "")], false),
            (&[("11.1", "11")], false),
        ];
        for (children, ordered) in cases {
            let (keys, s) = spool(&[parents, children]);
            assert_eq!(
                children_in_order(&keys, s[1], s[0]).unwrap(),
                ordered,
                "{children:?}"
            );
        }
        let (keys, s) = spool(&[parents]);
        let all_found = |named: &[&str]| {
            let mut rows = KeyCursor::new(&keys, s[0]).unwrap();
            named.iter().all(|k| found(&mut rows, k).unwrap())
        };
        assert!(all_found(&["1", "1", "2", "10"]));
        assert!(!all_found(&["2", "1"]));
        assert!(!all_found(&[""]));
    }
}
