//! Inputs: files, the standard input and other streams (pipes, `<(…)`, devices), each
//! recognised by its content ([`lheo::input`]) and read as few times as the command needs.
//!
//! - A regular file is read where it is. Its size and modification time are noted when it is
//!   opened; a file that changes while it is read, or between two readings, is refused.
//! - Anything else is read once as it comes: by commands that read their input once
//!   (`validate`, `export`), as it streams (a copy is kept for the excerpts of `validate`);
//!   by commands that read it several times (`import`, `diff`), into a private copy first.
//!   Its first bytes are recognised before anything is copied, so that `/dev/zero` is refused
//!   at once.
//! - A workbook is recognised and read by its content, whatever its name: from the file
//!   itself, or from the copy of a stream.
//!
//! gzip-compressed inputs are decompressed as they are read. Byte counts (progress bars) and
//! the first read error follow the bytes read from the input itself.

mod excerpt;

use std::fs::{self, File, Metadata};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use lheo::input::{Opened, Recognised, WorkbookFormat};
use lheo::Lang;

pub use excerpt::{excerpts, excerpts_from_file, Excerpt, Excerpts};

use crate::cleanup::TempFile;
use crate::error::Failure;
use crate::output::FileId;

/// `Read::read` for a `BufRead`: copies from its buffer.
pub fn read_buffered<B: BufRead + ?Sized>(input: &mut B, out: &mut [u8]) -> io::Result<usize> {
    let available = input.fill_buf()?;
    let n = available.len().min(out.len());
    out[..n].copy_from_slice(&available[..n]);
    input.consume(n);
    Ok(n)
}

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file path, as given on the command line.
    File(PathBuf),
    /// The standard input (`-`).
    Stdin,
}

impl Input {
    /// `-` is the standard input, anything else a path.
    pub fn from_arg(arg: PathBuf) -> Input {
        if arg.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(arg)
        }
    }

    /// The name shown in reports: the path as given, or `<stdin>` / `<entrée standard>`.
    pub fn display_name(&self, lang: Lang) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => match lang {
                Lang::Fr => "<entrée standard>".to_owned(),
                Lang::En => "<stdin>".to_owned(),
            },
        }
    }

    /// The name in machine-readable reports (JSON, JUnit): the path as given, or `<stdin>`.
    pub fn machine_name(&self) -> String {
        self.display_name(Lang::En)
    }
}

/// Bytes read so far, the first I/O error and the progress bar, shared between the readers
/// of a [`Pass`] and its owner.
#[derive(Debug, Clone, Default)]
pub struct Tracker(Arc<TrackerState>);

#[derive(Debug, Default)]
struct TrackerState {
    bytes: AtomicU64,
    error: Mutex<Option<io::Error>>,
    progress: Mutex<Option<indicatif::ProgressBar>>,
}

impl Tracker {
    /// Takes the first read error, if any.
    pub fn take_error(&self) -> Option<io::Error> {
        self.0.error.lock().ok().and_then(|mut e| e.take())
    }

    /// Moves `bar` as bytes of the input are read, whatever is done with them.
    pub fn set_progress(&self, bar: Option<indicatif::ProgressBar>) {
        if let Ok(mut p) = self.0.progress.lock() {
            *p = bar;
        }
    }

    fn record(&self, e: &io::Error) {
        if e.kind() == io::ErrorKind::Interrupted {
            return;
        }
        if let Ok(mut slot) = self.0.error.lock() {
            if slot.is_none() {
                *slot = Some(match lheo::input::GzipError::of(e) {
                    Some(gz) => io::Error::new(io::ErrorKind::InvalidData, gz.clone()),
                    None => io::Error::new(e.kind(), e.to_string()),
                });
            }
        }
    }

    fn advance(&self, n: usize) {
        let bytes = self.0.bytes.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if let Ok(p) = self.0.progress.lock() {
            if let Some(bar) = p.as_ref() {
                bar.set_position(bytes);
            }
        }
    }
}

/// The raw input: counts bytes, remembers its first error, optionally copies what it reads.
struct Tracked {
    inner: Box<dyn Read + Send>,
    tracker: Tracker,
    copy: Option<File>,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.tracker.advance(n);
                if let Some(copy) = &mut self.copy {
                    if copy.write_all(&buf[..n]).is_err() {
                        // Excerpts are a comfort: without the copy, none are shown.
                        self.copy = None;
                    }
                }
                Ok(n)
            }
            Err(e) => {
                self.tracker.record(&e);
                Err(e)
            }
        }
    }
}

type Content = Opened<BufReader<Tracked>>;

/// One reading of an input: its content from the first byte, decompressed. Read errors,
/// including those of decompression, are also kept in its [`Tracker`].
pub struct Pass {
    content: Content,
    tracker: Tracker,
}

impl Pass {
    /// The tracker of this reading.
    pub fn tracker(&self) -> Tracker {
        self.tracker.clone()
    }
}

impl Read for Pass {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}

impl BufRead for Pass {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let tracker = &self.tracker;
        self.content.fill_buf().inspect_err(|e| tracker.record(e))
    }

    fn consume(&mut self, amt: usize) {
        self.content.consume(amt);
    }
}

fn pass(inner: Box<dyn Read + Send>, copy: Option<File>) -> io::Result<Pass> {
    let tracker = Tracker::default();
    let tracked = Tracked {
        inner,
        tracker: tracker.clone(),
        copy,
    };
    let content = lheo::input::open(BufReader::with_capacity(64 * 1024, tracked))
        .inspect_err(|e| tracker.record(e))?;
    Ok(Pass { content, tracker })
}

/// What a file was when it was opened: a different answer later means it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    id: FileId,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path, meta: &Metadata) -> Stamp {
        Stamp {
            id: FileId::of(path, meta),
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// How many times a command reads its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    /// Once (`validate`, `export`); `keep_copy` copies a stream as it is read, so that its
    /// lines can be shown afterwards.
    One {
        /// Copy a stream as it is read.
        keep_copy: bool,
    },
    /// More than once (`import`, `diff`): a stream is copied first.
    Several,
}

enum Store {
    /// A regular file, as it was when opened.
    File { path: PathBuf, stamp: Stamp },
    /// A private copy of a stream.
    Copy(TempFile),
    /// A stream, read once, and the copy made as it was read, if any.
    Stream(Option<TempFile>),
}

/// An input, recognised, ready to be read.
pub struct Source {
    display: String,
    machine: String,
    recognised: Recognised,
    size: Option<u64>,
    id: Option<FileId>,
    store: Store,
    first: Option<Pass>,
    /// Where private copies go.
    scratch: PathBuf,
    /// The workbook's file, when it is a copy.
    workbook: Option<TempFile>,
}

impl Source {
    /// Opens and recognises `input`. Private copies go to `scratch` (the output's folder for
    /// commands that write one, the temporary folder otherwise).
    pub fn open(
        input: &Input,
        passes: Passes,
        scratch: &Path,
        lang: Lang,
    ) -> Result<Source, Failure> {
        let display = input.display_name(lang);
        let failed = |e: &io::Error| Failure::read(Path::new(&display), e);
        let (reader, id): (Box<dyn Read + Send>, Option<FileId>) = match input {
            Input::File(path) => {
                let meta = fs::metadata(path).map_err(|e| failed(&e))?;
                if meta.is_dir() {
                    return Err(failed(&io::Error::from(io::ErrorKind::IsADirectory)));
                }
                let file = File::open(path).map_err(|e| failed(&e))?;
                if meta.is_file() {
                    let meta = file.metadata().map_err(|e| failed(&e))?;
                    let stamp = Stamp::of(path, &meta);
                    let first = pass(Box::new(file), None).map_err(|e| failed(&e))?;
                    return Ok(Source {
                        display,
                        machine: input.machine_name(),
                        recognised: first.content.recognised().clone(),
                        size: Some(stamp.len),
                        id: Some(stamp.id.clone()),
                        store: Store::File {
                            path: path.clone(),
                            stamp,
                        },
                        first: Some(first),
                        scratch: scratch.to_path_buf(),
                        workbook: None,
                    });
                }
                (Box::new(file), None)
            }
            Input::Stdin => (Box::new(io::stdin()), stdin_id()),
        };
        let mut source = match passes {
            Passes::One { keep_copy } => {
                let copy = keep_copy
                    .then(|| TempFile::private_in(scratch, "entree", ".copie").ok())
                    .flatten();
                let handle = copy.as_ref().and_then(|c| c.file().try_clone().ok());
                let first = pass(reader, handle).map_err(|e| failed(&e))?;
                Source {
                    display,
                    machine: String::new(),
                    recognised: first.content.recognised().clone(),
                    size: None,
                    id: None,
                    store: Store::Stream(copy),
                    first: Some(first),
                    scratch: scratch.to_path_buf(),
                    workbook: None,
                }
            }
            Passes::Several => Source::copied(display, reader, scratch)?,
        };
        source.id = id;
        source.machine = input.machine_name();
        Ok(source)
    }

    /// A stream copied to a private file, unless its first bytes show that it cannot be
    /// read (then nothing more is read).
    fn copied(
        display: String,
        mut reader: Box<dyn Read + Send>,
        scratch: &Path,
    ) -> Result<Source, Failure> {
        let failed = |e: &io::Error| Failure::read(Path::new(&display), e);
        let mut head = Vec::new();
        (&mut reader)
            .take(lheo::input::HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| failed(&e))?;
        let complete = head.len() < lheo::input::HEAD_BYTES;
        if !head.starts_with(&lheo::input::GZIP_MAGIC) {
            let recognised = Recognised {
                kind: lheo::input::recognise(&head, complete),
                gzip: false,
            };
            if !recognised.is_readable() {
                return Ok(Source {
                    display,
                    machine: String::new(),
                    recognised,
                    size: None,
                    id: None,
                    store: Store::Stream(None),
                    first: None,
                    scratch: scratch.to_path_buf(),
                    workbook: None,
                });
            }
        }
        let mut copy = TempFile::private_in(scratch, "entree", ".copie")
            .map_err(|e| Failure::write(scratch, &e))?;
        let written = copy
            .file_mut()
            .write_all(&head)
            .and_then(|()| io::copy(&mut reader, copy.file_mut()).map(|_| ()));
        if let Err(e) = written {
            // Reading and writing errors look alike here; say which side failed.
            let mut probe = [0u8; 1];
            return Err(match reader.read(&mut probe) {
                Err(read) => failed(&read),
                Ok(_) => Failure::write(copy.path(), &e),
            });
        }
        let file = File::open(copy.path()).map_err(|e| failed(&e))?;
        let size = file.metadata().map(|m| m.len()).ok();
        let first = pass(Box::new(file), None).map_err(|e| failed(&e))?;
        Ok(Source {
            display,
            machine: String::new(),
            recognised: first.content.recognised().clone(),
            size,
            id: None,
            store: Store::Copy(copy),
            first: Some(first),
            scratch: scratch.to_path_buf(),
            workbook: None,
        })
    }

    /// The name shown to people.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The name in machine-readable reports.
    pub fn machine_name(&self) -> &str {
        &self.machine
    }

    /// Its size in bytes (compressed, for gzip), when known.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Refuses an input `lheo` does not read, with the sentence that says what it is.
    pub fn refuse_unreadable(&self) -> Result<(), Failure> {
        match self.recognised.refusal() {
            None => Ok(()),
            Some(m) => {
                let name = &self.display;
                Err(Failure::new(
                    format!("« {name} » est {}", m.fr),
                    format!("\"{name}\" is {}", m.en),
                ))
            }
        }
    }

    /// The workbook format, when the input is a workbook.
    pub fn workbook(&self) -> Option<WorkbookFormat> {
        self.recognised.workbook()
    }

    /// A reading of the content from its first byte.
    pub fn pass(&mut self) -> Result<Pass, Failure> {
        if let Some(first) = self.first.take() {
            return Ok(first);
        }
        let failed = |e: &io::Error| Failure::read(Path::new(&self.display), e);
        let file = match &self.store {
            Store::File { path, stamp } => {
                let file = File::open(path).map_err(|e| failed(&e))?;
                let meta = file.metadata().map_err(|e| failed(&e))?;
                if Stamp::of(path, &meta) != *stamp {
                    return Err(Failure::changed(&self.display));
                }
                file
            }
            Store::Copy(copy) => File::open(copy.path()).map_err(|e| failed(&e))?,
            Store::Stream(_) => {
                return Err(Failure::new(
                    format!("« {} » ne peut être lu qu'une fois", self.display),
                    format!("\"{}\" can be read only once", self.display),
                ))
            }
        };
        pass(Box::new(file), None).map_err(|e| failed(&e))
    }

    /// After a reading: its read error, if any, or a file that changed since it was opened.
    pub fn end(&self, tracker: &Tracker) -> Result<(), Failure> {
        if let Some(e) = tracker.take_error() {
            return Err(Failure::read(Path::new(&self.display), &e));
        }
        self.unchanged()
    }

    /// Fails when the file changed since it was opened.
    pub fn unchanged(&self) -> Result<(), Failure> {
        if let Store::File { path, stamp } = &self.store {
            match fs::metadata(path) {
                Ok(meta) if Stamp::of(path, &meta) == *stamp => {}
                _ => return Err(Failure::changed(&self.display)),
            }
        }
        Ok(())
    }

    /// Where to read lines again for excerpts, while the source lives: the file, or the copy
    /// of a stream.
    pub fn lines(&self) -> Lines {
        match &self.store {
            Store::File { path, .. } => Lines::File(path.clone()),
            Store::Copy(copy) | Store::Stream(Some(copy)) => Lines::File(copy.path().to_path_buf()),
            Store::Stream(None) => Lines::None,
        }
    }

    /// Where to read lines again for excerpts, once the source is gone.
    pub fn into_lines(self) -> Lines {
        match self.store {
            Store::File { path, .. } => Lines::File(path),
            Store::Copy(copy) | Store::Stream(Some(copy)) => Lines::Copy(copy),
            Store::Stream(None) => Lines::None,
        }
    }

    /// A path to the workbook (read by its content, whatever its name): the file itself,
    /// the copy of a stream, or a private copy made now of a stream read once.
    pub fn workbook_path(&mut self) -> Result<PathBuf, Failure> {
        if self.workbook().is_none() {
            return Err(Failure::new(
                format!("« {} » n'est pas un classeur", self.display),
                format!("\"{}\" is not a workbook", self.display),
            ));
        }
        match &self.store {
            Store::File { path, .. } => return Ok(path.clone()),
            Store::Copy(copy) => return Ok(copy.path().to_path_buf()),
            Store::Stream(_) => {}
        }
        let mut copy = TempFile::private_in(&self.scratch, "classeur", ".copie")
            .map_err(|e| Failure::write(&self.scratch, &e))?;
        let mut pass = self.pass()?;
        let tracker = pass.tracker();
        let copied = io::copy(&mut pass, copy.file_mut());
        self.end(&tracker)?;
        copied.map_err(|e| Failure::write(copy.path(), &e))?;
        let path = copy.path().to_path_buf();
        self.workbook = Some(copy);
        Ok(path)
    }
}

/// Where the lines of an input can be read again (for the excerpts under diagnostics).
pub enum Lines {
    /// A file (the input, or a copy another owner keeps).
    File(PathBuf),
    /// A copy of a stream, kept with the lines.
    Copy(TempFile),
    /// Nowhere: no excerpts.
    None,
}

impl Lines {
    /// The excerpts of source lines at `places` (line, column) of the diagnostics shown.
    pub fn excerpts_at(&self, places: &[(u32, u32)]) -> Excerpts {
        match self.path() {
            Some(p) => excerpts_from_file(p, places),
            None => Excerpts::new(),
        }
    }

    /// The file that holds the lines, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Lines::File(p) => Some(p),
            Lines::Copy(c) => Some(c.path()),
            Lines::None => None,
        }
    }
}

/// The identity of `input`, for the output checks, without reading it: a regular file (also
/// through the standard input).
pub fn identity(input: &Input) -> Option<FileId> {
    match input {
        Input::File(path) => {
            let meta = fs::metadata(path).ok()?;
            meta.is_file().then(|| FileId::of(path, &meta))
        }
        Input::Stdin => stdin_id(),
    }
}

/// The identity of the standard input when it is a regular file (`lheo import - < f.xml`).
#[cfg(unix)]
fn stdin_id() -> Option<FileId> {
    let meta = fs::metadata("/dev/stdin").ok()?;
    meta.is_file()
        .then(|| FileId::of(Path::new("/dev/stdin"), &meta))
}

#[cfg(not(unix))]
fn stdin_id() -> Option<FileId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &Path, passes: Passes) -> Result<Source, Failure> {
        Source::open(
            &Input::File(path.to_path_buf()),
            passes,
            &std::env::temp_dir(),
            Lang::Fr,
        )
    }

    #[test]
    fn a_file_is_recognised_and_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flux.xml");
        fs::write(&path, "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"/>").unwrap();
        let mut s = source(&path, Passes::Several).unwrap();
        assert!(matches!(s.recognised.kind, lheo::input::Kind::Lheo(_)));
        for _ in 0..2 {
            let mut text = String::new();
            let mut p = s.pass().unwrap();
            p.read_to_string(&mut text).unwrap();
            s.end(&p.tracker()).unwrap();
            assert!(text.starts_with("<lheo"));
        }
    }

    #[test]
    fn a_file_that_changes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flux.xml");
        fs::write(&path, "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"/>").unwrap();
        let mut s = source(&path, Passes::Several).unwrap();
        let p = s.pass().unwrap();
        fs::write(
            &path,
            "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres/></lheo>",
        )
        .unwrap();
        let e = s.end(&p.tracker()).unwrap_err();
        assert!(
            e.text(Lang::Fr).contains("a changé pendant sa lecture"),
            "{e}"
        );
        assert!(s.pass().is_err());
    }

    #[test]
    fn a_csv_is_refused_with_its_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offres.xml");
        fs::write(&path, "numero;intitule\nF1;Maçon & co\n").unwrap();
        let s = source(&path, Passes::One { keep_copy: false }).unwrap();
        let e = s.refuse_unreadable().unwrap_err();
        assert!(e.text(Lang::Fr).starts_with("« "), "{e}");
        assert!(e.text(Lang::Fr).contains("» est un fichier CSV"), "{e}");
    }
}
