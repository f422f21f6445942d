//! Outputs, for every command that writes one (`import`, `export`, `template`): refused
//! before anything is read when they cannot be written safely, then written atomically.
//!
//! Refused (exit 2): `-`; a name whose extension does not match what is written, unless
//! `--force`; a folder, a device, a FIFO or a socket; a symbolic link whose target is not a
//! regular file; a file that is one of the command's inputs under another name (same device
//! and inode: symbolic and hard links included); a folder that does not exist.
//!
//! Written: to a temporary file in the output's own folder (so that a full `$TMPDIR` does not
//! matter and the final rename is atomic), renamed over the output once complete. An
//! existing output is replaced only then, keeping its permissions; a symbolic link to a
//! regular file is followed (its target is replaced). On any error, or on Ctrl-C, the
//! temporary file is removed and the output is left as it was (see [`crate::cleanup`]).

use std::fs::{self, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cleanup::TempFile;
use crate::error::Failure;
use crate::sync_behind::{SyncBehind, SYNC_EVERY};

/// What a command writes, and so the extensions its output may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// An Excel workbook: `.xlsx`.
    Workbook,
    /// An LHEO feed: `.xml`, or `.xml.gz` (compressed with gzip).
    Feed,
    /// A validation report (`lheo validate -o`): any name, its format is `--format`'s
    /// (`.gz` compresses it).
    Report,
}

/// A file's identity: device and inode (on Unix; elsewhere, its canonical path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId(Identity);

#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

impl FileId {
    /// The identity of the file `meta` describes, found at `path`.
    #[cfg(unix)]
    pub fn of(_path: &Path, meta: &Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId((meta.dev(), meta.ino()))
    }

    /// The identity of the file `meta` describes, found at `path`.
    #[cfg(not(unix))]
    pub fn of(path: &Path, _meta: &Metadata) -> FileId {
        FileId(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// A checked output.
#[derive(Debug)]
pub struct Output {
    /// The name as given, for messages.
    shown: PathBuf,
    /// The file replaced: the name given, or the target of a symbolic link.
    target: PathBuf,
    /// The folder of `target`, where the temporary file goes.
    folder: PathBuf,
    /// Compress with gzip (`.gz`).
    gzip: bool,
    /// The permissions of the file replaced, if any.
    permissions: Option<fs::Permissions>,
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Checks `output` for a command (`lheo import`, …) that writes `written` and reads
/// `inputs`, before anything is read.
pub fn check(
    output: &Path,
    written: Written,
    force: bool,
    command: &str,
    inputs: &[FileId],
) -> Result<Output, Failure> {
    let name = output.display();
    if output.as_os_str() == "-" {
        return Err(Failure::new(
            format!("{command} écrit un fichier : « - » (la sortie standard) n'est pas accepté, donnez un nom de fichier avec -o"),
            format!("{command} writes a file: \"-\" (the standard output) is not accepted, give a file name with -o"),
        ));
    }
    let mut target = output.to_path_buf();
    let mut permissions = None;
    match fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Failure::write(output, &e)),
        Ok(link) => {
            let meta = if link.file_type().is_symlink() {
                let meta = fs::metadata(output).map_err(|_| {
                    Failure::new(
                        format!("« {name} » est un lien symbolique vers un fichier qui n'existe pas : donnez le nom d'un fichier"),
                        format!("\"{name}\" is a symbolic link to a file that does not exist: give a file name"),
                    )
                })?;
                target = fs::canonicalize(output).map_err(|e| Failure::write(output, &e))?;
                meta
            } else {
                link
            };
            refuse_special(output, &meta)?;
            if inputs.contains(&FileId::of(&target, &meta)) {
                return Err(Failure::new(
                    format!("« {name} » est un fichier d'entrée de la commande (sous ce nom ou par un lien) : {command} n'écrase jamais ses entrées, choisissez un autre nom de sortie"),
                    format!("\"{name}\" is an input of the command (under this name or through a link): {command} never overwrites its inputs, choose another output name"),
                ));
            }
            permissions = Some(meta.permissions());
        }
    }
    let lower = lower_name(output);
    let fits = match written {
        Written::Workbook => lower.ends_with(".xlsx"),
        Written::Feed => lower.ends_with(".xml") || lower.ends_with(".xml.gz"),
        Written::Report => true,
    };
    if !fits && !force {
        let (fr, en) = match written {
            Written::Workbook => (
                "un classeur Excel, son nom doit finir par .xlsx",
                "an Excel workbook, its name must end in .xlsx",
            ),
            Written::Feed => (
                "un flux LHEO 2.3, son nom doit finir par .xml (ou .xml.gz pour le compresser)",
                "an LHEO 2.3 feed, its name must end in .xml (or .xml.gz to compress it)",
            ),
            Written::Report => ("un rapport", "a report"),
        };
        return Err(Failure::new(
            format!(
                "« {name} » : {command} écrit {fr} (--force pour écrire sous ce nom quand même)"
            ),
            format!("\"{name}\": {command} writes {en} (--force to write under this name anyway)"),
        ));
    }
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(Failure::new(
            format!(
                "impossible d'écrire « {name} » : le dossier « {} » n'existe pas",
                folder.display()
            ),
            format!(
                "cannot write \"{name}\": the folder \"{}\" does not exist",
                folder.display()
            ),
        ));
    }
    Ok(Output {
        shown: output.to_path_buf(),
        gzip: lower.ends_with(".gz"),
        target,
        folder,
        permissions,
    })
}

/// Refuses what is not a regular file.
fn refuse_special(output: &Path, meta: &Metadata) -> Result<(), Failure> {
    let name = output.display();
    if meta.is_dir() {
        return Err(Failure::new(
            format!("« {name} » est un dossier : donnez un nom de fichier (par exemple « {name}/offres… »)"),
            format!("\"{name}\" is a directory: give a file name (for instance \"{name}/offres…\")"),
        ));
    }
    if meta.is_file() {
        return Ok(());
    }
    let (fr, en) = special_kind(meta);
    Err(Failure::new(
        format!("« {name} » est {fr}, pas un fichier ordinaire : lheo n'écrit que dans un fichier ordinaire, qu'il remplace en une fois"),
        format!("\"{name}\" is {en}, not a regular file: lheo only writes regular files, which it replaces at once"),
    ))
}

#[cfg(unix)]
fn special_kind(meta: &Metadata) -> (&'static str, &'static str) {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        ("un tube nommé (FIFO)", "a named pipe (FIFO)")
    } else if t.is_socket() {
        ("une socket", "a socket")
    } else if t.is_char_device() || t.is_block_device() {
        ("un périphérique", "a device")
    } else {
        ("un fichier spécial", "a special file")
    }
}

#[cfg(not(unix))]
fn special_kind(_: &Metadata) -> (&'static str, &'static str) {
    ("un fichier spécial", "a special file")
}

impl Output {
    /// The name as given.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The folder the output is written in (temporary files of the writing go there too).
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Writes the output: `write` fills a temporary file in the output's folder (compressed
    /// when the name ends in `.gz`), which then replaces the output. On any error nothing is
    /// left and the output is as it was. `io_error` turns this function's own I/O errors into
    /// the caller's error type.
    pub fn write<E>(
        &self,
        write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), E>,
        io_error: impl Fn(io::Error) -> E,
    ) -> Result<(), E> {
        let label: String = self
            .shown
            .file_name()
            .map(|n| n.to_string_lossy().chars().take(80).collect())
            .unwrap_or_default();
        let temp = TempFile::create_in(&self.folder, &label, ".tmp").map_err(&io_error)?;
        {
            // Synced as it grows: the final sync then waits for the last megabytes only.
            let mut synced = SyncBehind::new(temp.file(), SYNC_EVERY);
            let mut buffered = BufWriter::with_capacity(256 * 1024, &mut synced);
            if self.gzip {
                let mut gz =
                    flate2::write::GzEncoder::new(&mut buffered, flate2::Compression::default());
                write(&mut gz)?;
                gz.finish().map_err(&io_error)?;
            } else {
                write(&mut buffered)?;
            }
            buffered.flush().map_err(&io_error)?;
            drop(buffered);
            synced.finish().map_err(&io_error)?;
        }
        if let Some(p) = &self.permissions {
            fs::set_permissions(temp.path(), p.clone()).map_err(&io_error)?;
        }
        temp.file().sync_all().map_err(&io_error)?;
        temp.persist(&self.target).map_err(&io_error)?;
        // The rename itself is durable once the folder is synced (best effort).
        if let Ok(dir) = fs::File::open(&self.folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// [`Output::write`] for callers whose errors are [`Failure`]s.
    #[cfg(test)]
    pub fn write_or_fail(
        &self,
        write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.write(write, |e| Failure::write(&self.shown, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(paths: &[&Path]) -> Vec<FileId> {
        paths
            .iter()
            .map(|p| FileId::of(p, &fs::metadata(p).unwrap()))
            .collect()
    }

    #[test]
    fn extensions_follow_what_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, written, ok) in [
            ("a.xlsx", Written::Workbook, true),
            ("A.XLSX", Written::Workbook, true),
            ("a.xml", Written::Workbook, false),
            ("a.xml", Written::Feed, true),
            ("a.xml.gz", Written::Feed, true),
            ("a.xlsx", Written::Feed, false),
            ("a", Written::Feed, false),
        ] {
            let r = check(&d.join(name), written, false, "lheo x", &[]);
            assert_eq!(r.is_ok(), ok, "{name}");
            assert!(check(&d.join(name), written, true, "lheo x", &[]).is_ok());
        }
        let e = check(
            &d.join("a.xml"),
            Written::Workbook,
            false,
            "lheo export",
            &[],
        );
        assert!(e.unwrap_err().text(lheo::Lang::Fr).contains("--force"));
    }

    #[test]
    fn inputs_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let input = d.join("flux.xml");
        fs::write(&input, "<lheo/>").unwrap();
        let inputs = ids(&[&input]);
        assert!(check(&input, Written::Feed, false, "lheo import", &inputs).is_err());
        assert!(check(d, Written::Feed, true, "lheo import", &[]).is_err());
        #[cfg(unix)]
        {
            fs::hard_link(&input, d.join("dur.xml")).unwrap();
            assert!(check(&d.join("dur.xml"), Written::Feed, false, "i", &inputs).is_err());
            std::os::unix::fs::symlink(&input, d.join("lien.xml")).unwrap();
            assert!(check(&d.join("lien.xml"), Written::Feed, false, "i", &inputs).is_err());
            std::os::unix::fs::symlink("absent.xml", d.join("casse.xml")).unwrap();
            assert!(check(&d.join("casse.xml"), Written::Feed, false, "i", &[]).is_err());
            assert!(check(Path::new("/dev/null"), Written::Feed, true, "i", &[]).is_err());
        }
    }

    #[test]
    fn writing_replaces_at_once_and_failures_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = d.join("sortie.xml");
        fs::write(&out, "ancien").unwrap();
        let o = check(&out, Written::Feed, false, "lheo import", &[]).unwrap();
        let failed: Result<(), Failure> = o.write_or_fail(|w| {
            w.write_all(b"partiel")
                .map_err(|e| Failure::write(&out, &e))?;
            Err(Failure::new("non", "no"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&out).unwrap(), "ancien");
        assert_eq!(fs::read_dir(d).unwrap().count(), 1);
        o.write_or_fail(|w| {
            w.write_all(b"nouveau")
                .map_err(|e| Failure::write(&out, &e))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "nouveau");

        let gz = d.join("sortie.xml.gz");
        let o = check(&gz, Written::Feed, false, "lheo import", &[]).unwrap();
        o.write_or_fail(|w| w.write_all(b"<lheo/>").map_err(|e| Failure::write(&gz, &e)))
            .unwrap();
        let mut text = String::new();
        io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(fs::File::open(&gz).unwrap()),
            &mut text,
        )
        .unwrap();
        assert_eq!(text, "<lheo/>");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_regular_file_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("vrai.xml"), "ancien").unwrap();
        std::os::unix::fs::symlink("vrai.xml", d.join("lien.xml")).unwrap();
        let o = check(&d.join("lien.xml"), Written::Feed, false, "i", &[]).unwrap();
        o.write_or_fail(|w| w.write_all(b"neuf").map_err(|e| Failure::write(d, &e)))
            .unwrap();
        assert!(fs::symlink_metadata(d.join("lien.xml"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(d.join("vrai.xml")).unwrap(), "neuf");
    }
}
