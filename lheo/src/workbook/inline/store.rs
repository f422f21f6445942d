//! The shared strings of a workbook, on disk: each `<si>`'s content as it was written (XML),
//! read back by index through a bounded cache of blocks. Whatever the table's size, it holds
//! at most [`BLOCKS`] blocks of [`BLOCK`] bytes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

const _: () = assert!(BLOCKS.is_power_of_two());

/// Bytes read from disk at a time.
const BLOCK: u64 = 4 << 10;
/// Blocks held at most (4 MiB; a power of two): each block has one place in the cache, where it replaces
/// the one before (the strings of neighbouring rows are neighbours in the table, so a
/// block is used for a while, then rarely).
const BLOCKS: usize = 1024;

/// The two files of a store: the strings one after the other, and where each starts (eight
/// little-endian bytes per string, then where the last one ends).
const STRINGS: usize = 0;
const OFFSETS: usize = 1;

/// Writes a [`Store`], one string after the other.
pub(super) struct StoreWriter {
    strings: BufWriter<File>,
    offsets: BufWriter<File>,
    len: u64,
    count: u64,
}

impl StoreWriter {
    /// An empty store, in two anonymous temporary files (gone when it is dropped).
    pub(super) fn new() -> io::Result<Self> {
        let mut offsets = BufWriter::with_capacity(64 << 10, tempfile::tempfile()?);
        offsets.write_all(&0u64.to_le_bytes())?;
        Ok(StoreWriter {
            strings: BufWriter::with_capacity(256 << 10, tempfile::tempfile()?),
            offsets,
            len: 0,
            count: 0,
        })
    }

    /// Appends the next string: `parts` one after the other.
    pub(super) fn push(&mut self, parts: &[&[u8]]) -> io::Result<()> {
        for part in parts {
            self.strings.write_all(part)?;
            self.len += part.len() as u64;
        }
        self.offsets.write_all(&self.len.to_le_bytes())?;
        self.count += 1;
        Ok(())
    }

    /// The store written, ready to be read.
    pub(super) fn finish(self) -> io::Result<Store> {
        let strings = self.strings.into_inner().map_err(|e| e.into_error())?;
        let offsets = self.offsets.into_inner().map_err(|e| e.into_error())?;
        Ok(Store {
            files: Arc::new([strings, offsets]),
            lens: [self.len, (self.count + 1) * 8],
            count: self.count,
            cache: (0..BLOCKS).map(|_| None).collect(),
        })
    }
}

/// Strings read back by index, through a cache of blocks.
pub(super) struct Store {
    /// Read at a position (never moved): shared by the stores of other threads.
    files: Arc<[File; 2]>,
    lens: [u64; 2],
    count: u64,
    /// Each block's place holds it, or another of the same place, or nothing.
    cache: Vec<Option<(u64, Box<[u8]>)>>,
}

impl Store {
    /// The same strings, with a cache of its own (for another thread); `None` where files
    /// cannot be read at a position by two threads at once.
    pub(super) fn share(&self) -> Option<Store> {
        cfg!(any(unix, windows)).then(|| Store {
            files: Arc::clone(&self.files),
            lens: self.lens,
            count: self.count,
            cache: (0..BLOCKS).map(|_| None).collect(),
        })
    }

    /// How many strings the store holds.
    pub(super) fn count(&self) -> u64 {
        self.count
    }

    /// String `index` (below [`Store::count`]), in `out` (cleared first).
    pub(super) fn read(&mut self, index: u64, out: &mut Vec<u8>) -> io::Result<()> {
        let start = self.offset(index)?;
        let end = self.offset(index + 1)?;
        out.clear();
        self.range(STRINGS, start, end, &mut |bytes| {
            out.extend_from_slice(bytes);
            Ok(())
        })
    }

    /// Where string `index` starts (the end of the last one at `count`).
    fn offset(&mut self, index: u64) -> io::Result<u64> {
        let mut bytes = [0u8; 8];
        let mut at = 0;
        let start = index * 8;
        self.range(OFFSETS, start, start + 8, &mut |part| {
            bytes[at..at + part.len()].copy_from_slice(part);
            at += part.len();
            Ok(())
        })?;
        Ok(u64::from_le_bytes(bytes))
    }

    /// Gives bytes `start..end` of file `file` to `sink`, a block's part at a time.
    fn range(
        &mut self,
        file: usize,
        mut start: u64,
        end: u64,
        sink: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        if end > self.lens[file] || start > end {
            return Err(io::Error::other("chaîne partagée hors du fichier"));
        }
        while start < end {
            let n = start / BLOCK;
            let block = self.block(file, n)?;
            let from = (start - n * BLOCK) as usize;
            let to = (end.min((n + 1) * BLOCK) - n * BLOCK) as usize;
            let part = block
                .get(from..to)
                .ok_or_else(|| io::Error::other("bloc de chaînes partagées trop court"))?;
            sink(part)?;
            start = (n + 1) * BLOCK;
        }
        Ok(())
    }

    /// Block `n` of file `file`, from the cache or the disk.
    fn block(&mut self, file: usize, n: u64) -> io::Result<&[u8]> {
        let key = n * 2 + file as u64;
        // Fibonacci hashing: neighbouring blocks of both files at scattered places.
        let place = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BLOCKS.ilog2())) as usize;
        if !matches!(&self.cache[place], Some((k, _)) if *k == key) {
            let bytes = self.load(file, n)?;
            self.cache[place] = Some((key, bytes));
        }
        match &self.cache[place] {
            Some((_, bytes)) => Ok(bytes),
            None => Err(io::Error::other("bloc de chaînes partagées perdu")),
        }
    }

    /// Reads block `n` of file `file` from the disk.
    fn load(&mut self, file: usize, n: u64) -> io::Result<Box<[u8]>> {
        let start = n * BLOCK;
        let len = self.lens[file].saturating_sub(start).min(BLOCK) as usize;
        let mut bytes = vec![0u8; len].into_boxed_slice();
        read_exact_at(&self.files[file], &mut bytes, start)?;
        Ok(bytes)
    }
}

/// Fills `buf` from `file` at `at`, without moving the file's position.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

/// Fills `buf` from `file` at `at` (Windows reads at a position, moving it: each store
/// reads at its own positions).
#[cfg(windows)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => done += n,
        }
    }
    Ok(())
}

/// Fills `buf` from `file` at `at` (one thread only: see [`Store::share`]).
#[cfg(not(any(unix, windows)))]
fn read_exact_at(mut file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    use std::io::{Read, Seek};
    file.seek(io::SeekFrom::Start(at))?;
    file.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings of every length around the block's size, read back in any order, more of them
    /// than the cache holds.
    #[test]
    fn every_string_reads_back_whatever_the_order() -> io::Result<()> {
        let strings: Vec<Vec<u8>> = (0..3000u64)
            .map(|i| {
                let len = match i % 7 {
                    0 => 0,
                    1 => BLOCK as usize - 1,
                    2 => BLOCK as usize + 3,
                    3 => 2 * BLOCK as usize + 1,
                    _ => (i * 37 % 500) as usize,
                };
                (0..len).map(|k| (k as u64 * 31 + i) as u8).collect()
            })
            .collect();
        let mut writer = StoreWriter::new()?;
        for s in &strings {
            let (a, b) = s.split_at(s.len() / 3);
            writer.push(&[a, b])?;
        }
        let first = writer.finish()?;
        assert_eq!(first.count(), strings.len() as u64);
        // Read by a store shared as another thread reads it.
        let mut store = first.share().expect("positional reads");
        drop(first);
        let order = (0..strings.len() as u64)
            .rev()
            .chain((0..strings.len() as u64).map(|i| i * 1013 % strings.len() as u64));
        let mut out = Vec::new();
        for i in order {
            store.read(i, &mut out)?;
            assert_eq!(out, strings[i as usize], "string {i}");
        }
        assert!(store.cache.iter().flatten().count() <= BLOCKS);
        assert!(store.read(strings.len() as u64, &mut out).is_err());
        Ok(())
    }
}
