//! Sorting more records than memory should hold: runs of records sorted in memory, written
//! one after the other to a [`Spool`] (a temporary file beyond a few megabytes), then merged.
//!
//! The workbook reader sorts keys with it to join the rows of a workbook out of the export's
//! order without holding the keys (see [`super::reader`]). The `extsort` crate does the same
//! but brings `rayon` and, to build, `skeptic`: merging runs of a spool we already have is a
//! few dozen lines.

use std::io;

use super::spool::{Spool, SpoolReader, SpoolWriter};

/// Bytes of records held in memory before they are sorted and written as a run.
pub const RUN_BYTES: usize = 8 << 20;

/// A record to sort: written to and read back from a spool.
pub trait Record: Sized + Ord {
    /// Writes the record.
    fn put(&self, out: &mut SpoolWriter) -> io::Result<()>;
    /// Reads a record [`Record::put`] wrote.
    fn get(input: &mut SpoolReader<'_>) -> io::Result<Self>;
    /// About how many bytes the record holds in memory.
    fn size(&self) -> usize;
}

/// Takes records in any order; [`Sorter::finish`] gives them sorted.
pub struct Sorter<T> {
    held: Vec<T>,
    bytes: usize,
    run_bytes: usize,
    out: SpoolWriter,
    /// The runs written: where each starts, and its number of records.
    runs: Vec<(u64, u64)>,
}

impl<T: Record> Sorter<T> {
    /// A sorter holding up to about `run_bytes` of records at a time.
    pub fn new(run_bytes: usize) -> Self {
        Sorter {
            held: Vec::new(),
            bytes: 0,
            run_bytes: run_bytes.max(1),
            out: SpoolWriter::new(),
            runs: Vec::new(),
        }
    }

    /// Adds a record.
    pub fn push(&mut self, record: T) -> io::Result<()> {
        self.bytes += record.size();
        self.held.push(record);
        if self.bytes >= self.run_bytes {
            self.write_run()?;
        }
        Ok(())
    }

    fn write_run(&mut self) -> io::Result<()> {
        self.held.sort();
        let start = self.out.position();
        for record in &self.held {
            record.put(&mut self.out)?;
        }
        self.runs.push((start, self.held.len() as u64));
        self.held.clear();
        self.bytes = 0;
        Ok(())
    }

    /// The records, sorted (ties in the order they came: each run is sorted stably and runs
    /// are merged in order).
    pub fn finish(mut self) -> io::Result<Sorted<T>> {
        self.held.sort();
        Ok(Sorted {
            held: self.held,
            spool: self.out.finish()?,
            runs: self.runs,
        })
    }
}

/// Records sorted by a [`Sorter`]; [`Sorted::merge`] reads them in order.
pub struct Sorted<T> {
    /// The last run, in memory.
    held: Vec<T>,
    spool: Spool,
    runs: Vec<(u64, u64)>,
}

impl<T: Record> Sorted<T> {
    /// Reads the records in order (once: the records held in memory are taken).
    pub fn merge(&mut self) -> io::Result<Merge<'_, T>> {
        let mut held = std::mem::take(&mut self.held);
        held.reverse();
        let mut merge = Merge {
            readers: Vec::with_capacity(self.runs.len()),
            heads: Vec::with_capacity(self.runs.len() + 1),
            held,
        };
        for &(start, count) in &self.runs {
            let mut reader = self.spool.reader()?;
            reader.seek_to(start)?;
            merge.readers.push((reader, count));
            let i = merge.readers.len() - 1;
            let head = merge.read(i)?;
            merge.heads.push(head);
        }
        let last = merge.held.pop();
        merge.heads.push(last);
        Ok(merge)
    }
}

/// Reads [`Sorted`] records in order ([`Merge::next`]).
pub struct Merge<'a, T> {
    /// Each run's reader and its records left.
    readers: Vec<(SpoolReader<'a>, u64)>,
    /// Each source's next record: the runs', then the next of those held.
    heads: Vec<Option<T>>,
    /// The last run, in memory, reversed (its next record last).
    held: Vec<T>,
}

impl<T: Record> Merge<'_, T> {
    /// The next record, `None` after the last; of equal records, the earlier run's first.
    pub fn next(&mut self) -> io::Result<Option<T>> {
        let mut best: Option<(usize, &T)> = None;
        for (i, head) in self.heads.iter().enumerate() {
            if let Some(h) = head {
                if best.is_none_or(|(_, b)| h < b) {
                    best = Some((i, h));
                }
            }
        }
        let Some((b, _)) = best else {
            return Ok(None);
        };
        let next = if b < self.readers.len() {
            self.read(b)?
        } else {
            self.held.pop()
        };
        Ok(std::mem::replace(&mut self.heads[b], next))
    }

    /// Reads the next record of run `i`.
    fn read(&mut self, i: usize) -> io::Result<Option<T>> {
        let (reader, left) = &mut self.readers[i];
        if *left == 0 {
            return Ok(None);
        }
        *left -= 1;
        T::get(reader).map(Some)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::workbook::spool::{put_text, put_u32, read_text, read_u32};

    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    struct Item(String, u32);

    impl Record for Item {
        fn put(&self, out: &mut SpoolWriter) -> io::Result<()> {
            put_text(out, &self.0)?;
            put_u32(out, self.1 as usize)
        }
        fn get(input: &mut SpoolReader<'_>) -> io::Result<Self> {
            Ok(Item(read_text(input)?, read_u32(input)?))
        }
        fn size(&self) -> usize {
            self.0.len() + 32
        }
    }

    fn sorted(items: &[Item], run_bytes: usize) -> Vec<Item> {
        let mut sorter = Sorter::new(run_bytes);
        for item in items {
            sorter.push(item.clone()).unwrap();
        }
        let mut sorted = sorter.finish().unwrap();
        let mut merge = sorted.merge().unwrap();
        let mut out = Vec::new();
        while let Some(item) = merge.next().unwrap() {
            out.push(item);
        }
        out
    }

    #[test]
    fn records_come_back_sorted_from_one_run_or_many() {
        let items: Vec<Item> = (0..5000u32)
            .map(|i| Item(format!("k{}", (i * 7919) % 613), i))
            .collect();
        let mut expected = items.clone();
        expected.sort();
        for run_bytes in [usize::MAX, 1 << 20, 4096, 40, 1] {
            assert_eq!(sorted(&items, run_bytes), expected, "{run_bytes}");
        }
        assert!(sorted(&[], 1).is_empty());
    }

    #[test]
    fn runs_beyond_the_spill_size_go_to_a_file() {
        let big = "x".repeat(1000);
        let items: Vec<Item> = (0..4000u32).rev().map(|i| Item(big.clone(), i)).collect();
        let mut sorter = Sorter::new(100_000);
        for item in &items {
            sorter.push(item.clone()).unwrap();
        }
        let mut sorted = sorter.finish().unwrap();
        assert!(sorted.spool.is_spilled() && sorted.runs.len() > 30);
        let mut merge = sorted.merge().unwrap();
        let mut n = 0;
        while let Some(item) = merge.next().unwrap() {
            assert_eq!(item.1, n);
            n += 1;
        }
        assert_eq!(n, 4000);
    }
}
