//! Bytes written once and read back several times: in memory while they are few, in a
//! temporary file beyond [`SPILL_AT`], so that importing a workbook of any size holds a few
//! megabytes of them, never the whole document.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};

/// Beyond this many bytes, a spool moves to a temporary file.
pub const SPILL_AT: usize = 2 << 20;

/// Bytes written once, then read as often as needed, in memory or in
/// a temporary file deleted when the last clone of the spool is dropped.
#[derive(Debug, Clone, Default)]
pub struct Spool {
    memory: Vec<u8>,
    file: Option<Arc<tempfile::NamedTempFile>>,
    len: u64,
}

impl Spool {
    /// The spool holding `bytes`, in memory.
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        Spool {
            len: bytes.len() as u64,
            memory: bytes,
            file: None,
        }
    }

    /// The spool holding the bytes of `file`, a temporary file written whole (deleted when
    /// the last clone of the spool is dropped).
    pub(super) fn from_temp_file(file: tempfile::NamedTempFile) -> io::Result<Self> {
        let len = file.as_file().metadata()?.len();
        Ok(Spool {
            memory: Vec::new(),
            file: Some(Arc::new(file)),
            len,
        })
    }

    /// Whether the spool holds no byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of bytes held.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the bytes are in a temporary file (else in memory).
    pub fn is_spilled(&self) -> bool {
        self.file.is_some()
    }

    /// A reader of the bytes from the start, buffered (each reader has its own position).
    pub fn reader(&self) -> io::Result<SpoolReader<'_>> {
        Ok(match &self.file {
            Some(file) => SpoolReader::File(BufReader::with_capacity(64 << 10, file.reopen()?), 0),
            None => SpoolReader::Memory(&self.memory[..], 0),
        })
    }

    /// Every byte, in memory (for small documents and tests).
    pub fn to_vec(&self) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        self.reader()?.read_to_end(&mut out)?;
        Ok(out)
    }
}

/// A reader of a [`Spool`].
#[derive(Debug)]
pub enum SpoolReader<'a> {
    /// The bytes in memory, and the position.
    Memory(&'a [u8], usize),
    /// The temporary file, and the position.
    File(BufReader<File>, u64),
}

impl SpoolReader<'_> {
    /// Where the reader is, from the start.
    pub(super) fn position(&self) -> u64 {
        match self {
            SpoolReader::Memory(_, at) => *at as u64,
            SpoolReader::File(_, at) => *at,
        }
    }

    /// Moves to `offset` from the start (cheap when it is where the reader is).
    pub fn seek_to(&mut self, offset: u64) -> io::Result<()> {
        match self {
            SpoolReader::Memory(bytes, at) => {
                *at = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                Ok(())
            }
            SpoolReader::File(file, at) => {
                if *at != offset {
                    let delta = i128::from(offset) - i128::from(*at);
                    match i64::try_from(delta) {
                        Ok(delta) => file.seek_relative(delta)?,
                        Err(_) => {
                            file.seek(SeekFrom::Start(offset))?;
                        }
                    }
                    *at = offset;
                }
                Ok(())
            }
        }
    }
}

impl Seek for SpoolReader<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let here = self.position();
        let target = match (pos, &mut *self) {
            (SeekFrom::Start(offset), _) => Some(offset),
            (SeekFrom::Current(delta), _) => here.checked_add_signed(delta),
            (SeekFrom::End(delta), SpoolReader::Memory(bytes, _)) => {
                (bytes.len() as u64).checked_add_signed(delta)
            }
            (SeekFrom::End(delta), SpoolReader::File(file, at)) => {
                *at = file.seek(SeekFrom::End(delta))?;
                return Ok(*at);
            }
        };
        let target = target.ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "position before the start")
        })?;
        self.seek_to(target)?;
        Ok(self.position())
    }
}

impl Read for SpoolReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            SpoolReader::Memory(bytes, at) => {
                let n = (&bytes[*at..]).read(buf)?;
                *at += n;
                Ok(n)
            }
            SpoolReader::File(file, at) => {
                let n = file.read(buf)?;
                *at += n as u64;
                Ok(n)
            }
        }
    }
}

impl BufRead for SpoolReader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            SpoolReader::Memory(bytes, at) => Ok(&bytes[*at..]),
            SpoolReader::File(file, _) => file.fill_buf(),
        }
    }

    fn consume(&mut self, amt: usize) {
        match self {
            SpoolReader::Memory(bytes, at) => *at = (*at + amt).min(bytes.len()),
            SpoolReader::File(file, at) => {
                file.consume(amt);
                *at += amt as u64;
            }
        }
    }
}

/// Writes a [`Spool`]: in memory up to [`SPILL_AT`] bytes, then into a temporary file.
#[derive(Debug)]
pub struct SpoolWriter {
    memory: Vec<u8>,
    file: Option<(tempfile::NamedTempFile, io::BufWriter<File>)>,
    len: u64,
    /// Beyond this many bytes, the spool moves to a temporary file.
    spill_at: usize,
}

impl Default for SpoolWriter {
    fn default() -> Self {
        SpoolWriter::spilling_at(SPILL_AT)
    }
}

impl SpoolWriter {
    /// An empty writer.
    pub fn new() -> Self {
        SpoolWriter::default()
    }

    /// An empty writer that moves to a temporary file beyond `bytes` (not [`SPILL_AT`]: for
    /// spools that are many at once).
    pub fn spilling_at(bytes: usize) -> Self {
        SpoolWriter {
            memory: Vec::new(),
            file: None,
            len: 0,
            spill_at: bytes,
        }
    }

    /// Bytes written so far (the offset of the next one).
    pub fn position(&self) -> u64 {
        self.len
    }

    /// The spool written.
    pub fn finish(self) -> io::Result<Spool> {
        Ok(match self.file {
            Some((named, mut out)) => {
                out.flush()?;
                drop(out);
                Spool {
                    memory: Vec::new(),
                    file: Some(Arc::new(named)),
                    len: self.len,
                }
            }
            None => Spool {
                len: self.len,
                memory: self.memory,
                file: None,
            },
        })
    }
}

impl Write for SpoolWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.file.is_none() && self.memory.len() + buf.len() > self.spill_at {
            let named = tempfile::Builder::new().prefix(".lheo-spool-").tempfile()?;
            let mut out = io::BufWriter::with_capacity(256 << 10, named.reopen()?);
            out.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some((named, out));
        }
        match &mut self.file {
            Some((_, out)) => out.write_all(buf)?,
            None => self.memory.extend_from_slice(buf),
        }
        self.len += buf.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some((_, out)) => out.flush(),
            None => Ok(()),
        }
    }
}

/// Writes `n` as 4 little-endian bytes (the records the workbook reader spools).
pub(super) fn put_u32(out: &mut impl Write, n: usize) -> io::Result<()> {
    let n = u32::try_from(n).map_err(io::Error::other)?;
    out.write_all(&n.to_le_bytes())
}

/// Writes `text`, after its length ([`put_u32`]).
pub(super) fn put_text(out: &mut impl Write, text: &str) -> io::Result<()> {
    put_u32(out, text.len())?;
    out.write_all(text.as_bytes())
}

/// Reads what [`put_u32`] wrote.
pub(super) fn read_u32(input: &mut impl Read) -> io::Result<u32> {
    read_array(input).map(u32::from_le_bytes)
}

/// The next `N` bytes.
fn read_array<const N: usize>(input: &mut impl Read) -> io::Result<[u8; N]> {
    let mut b = [0u8; N];
    input.read_exact(&mut b)?;
    Ok(b)
}

/// Reads what [`put_text`] wrote.
pub(super) fn read_text(input: &mut impl Read) -> io::Result<String> {
    let mut bytes = vec![0u8; read_u32(input)? as usize];
    input.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes a row of cells, as the workbook reader spools them: its number, its cells' count,
/// then each cell's column and value (of any kind, read back as it was: [`read_row`]).
pub(super) fn put_row(out: &mut impl Write, r: u32, cells: &[(u32, Data)]) -> io::Result<()> {
    put_u32(out, r as usize)?;
    put_u32(out, cells.len())?;
    for (col, value) in cells {
        put_u32(out, *col as usize)?;
        put_data(out, value)?;
    }
    Ok(())
}

// The kinds of values, as spooled.
const EMPTY: u8 = 0;
const INT: u8 = 1;
const FLOAT: u8 = 2;
const STRING: u8 = 3;
const BOOL: u8 = 4;
const DATE_TIME: u8 = 5;
const DATE_TIME_ISO: u8 = 6;
const DURATION_ISO: u8 = 7;
const ERROR: u8 = 8;

/// The errors a cell may hold, by their spooled code (their index).
const ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

/// A date's flags: a duration, of the 1904 date system.
const DURATION: u8 = 1;
const DATE_1904: u8 = 2;

fn put_data(out: &mut impl Write, value: &Data) -> io::Result<()> {
    match value {
        Data::Empty => out.write_all(&[EMPTY]),
        Data::Int(n) => {
            out.write_all(&[INT])?;
            out.write_all(&n.to_le_bytes())
        }
        Data::Float(f) => {
            out.write_all(&[FLOAT])?;
            out.write_all(&f.to_bits().to_le_bytes())
        }
        Data::String(s) => {
            out.write_all(&[STRING])?;
            put_text(out, s)
        }
        Data::Bool(b) => out.write_all(&[BOOL, u8::from(*b)]),
        Data::DateTime(dt) => {
            let kind = if dt.is_duration() {
                ExcelDateTimeType::TimeDelta
            } else {
                ExcelDateTimeType::DateTime
            };
            let mut flags = if dt.is_duration() { DURATION } else { 0 };
            // The date system is not readable, only comparable.
            if is_1904(dt, kind) {
                flags |= DATE_1904;
            }
            out.write_all(&[DATE_TIME, flags])?;
            out.write_all(&dt.as_f64().to_bits().to_le_bytes())
        }
        Data::DateTimeIso(s) => {
            out.write_all(&[DATE_TIME_ISO])?;
            put_text(out, s)
        }
        Data::DurationIso(s) => {
            out.write_all(&[DURATION_ISO])?;
            put_text(out, s)
        }
        Data::Error(e) => {
            let code = ERRORS.iter().position(|x| x == e).unwrap_or(0);
            out.write_all(&[ERROR, code as u8])
        }
    }
}

/// Whether a date is of the 1904 date system (a NaN is equal to no date: its debug form
/// tells).
pub(super) fn is_1904(dt: &ExcelDateTime, kind: ExcelDateTimeType) -> bool {
    let value = dt.as_f64();
    if value.is_nan() {
        return format!("{dt:?}").contains("is_1904: true");
    }
    *dt == ExcelDateTime::new(value, kind, true)
}

fn read_u8(input: &mut impl Read) -> io::Result<u8> {
    read_array::<1>(input).map(|[b]| b)
}

fn read_u64(input: &mut impl Read) -> io::Result<u64> {
    read_array(input).map(u64::from_le_bytes)
}

fn read_data(input: &mut impl Read) -> io::Result<Data> {
    Ok(match read_u8(input)? {
        INT => Data::Int(read_u64(input)? as i64),
        FLOAT => Data::Float(f64::from_bits(read_u64(input)?)),
        STRING => Data::String(read_text(input)?),
        BOOL => Data::Bool(read_u8(input)? != 0),
        DATE_TIME => {
            let flags = read_u8(input)?;
            let value = f64::from_bits(read_u64(input)?);
            let kind = if flags & DURATION != 0 {
                ExcelDateTimeType::TimeDelta
            } else {
                ExcelDateTimeType::DateTime
            };
            Data::DateTime(ExcelDateTime::new(value, kind, flags & DATE_1904 != 0))
        }
        DATE_TIME_ISO => Data::DateTimeIso(read_text(input)?),
        DURATION_ISO => Data::DurationIso(read_text(input)?),
        ERROR => Data::Error(ERRORS[usize::from(read_u8(input)?) % ERRORS.len()].clone()),
        _ => Data::Empty,
    })
}

/// Reads what [`put_row`] wrote: the row's number, its cells in `cells`.
pub(super) fn read_row(input: &mut impl Read, cells: &mut Vec<(u32, Data)>) -> io::Result<u32> {
    let r = read_u32(input)?;
    cells.clear();
    for _ in 0..read_u32(input)? {
        let col = read_u32(input)?;
        cells.push((col, read_data(input)?));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_stays_in_memory_large_spills_and_reads_back() {
        let mut w = SpoolWriter::new();
        w.write_all(b"abc").unwrap();
        let s = w.finish().unwrap();
        assert!(!s.is_spilled());
        assert_eq!(s.to_vec().unwrap(), b"abc");

        // A lower threshold spills sooner, and reads back the same.
        let mut w = SpoolWriter::spilling_at(4);
        w.write_all(b"abc").unwrap();
        w.write_all(b"de").unwrap();
        let s = w.finish().unwrap();
        assert!(s.is_spilled());
        assert_eq!(s.to_vec().unwrap(), b"abcde");

        let mut w = SpoolWriter::new();
        let block: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        for _ in 0..9 {
            w.write_all(&block).unwrap();
        }
        assert_eq!(w.position(), 9 << 20);
        let s = w.finish().unwrap();
        assert!(s.is_spilled());
        assert_eq!(s.len(), 9 << 20);
        let all = s.to_vec().unwrap();
        assert_eq!(all.len(), 9 << 20);
        assert_eq!(&all[(8 << 20) + 5..(8 << 20) + 8], &block[5..8]);
        // Two readers, independent positions; seek_to forwards and backwards.
        let mut a = s.reader().unwrap();
        let mut b = s.reader().unwrap();
        a.seek_to(3 << 20).unwrap();
        let mut x = [0u8; 4];
        a.read_exact(&mut x).unwrap();
        assert_eq!(x, block[..4]);
        b.read_exact(&mut x).unwrap();
        assert_eq!(x, block[..4]);
        a.seek_to(10).unwrap();
        a.read_exact(&mut x).unwrap();
        assert_eq!(x, block[10..14]);
    }
}
