//! Where a report goes: the standard output, or with `-o FILE` a file written atomically.
//!
//! The file is checked before anything is read (not a folder, not one of the inputs, its
//! folder exists), written to a temporary file in its own folder, and renamed over `FILE` once
//! the report is complete: a CI job never keeps half a report, and an older report is replaced
//! only by a whole one. A new file gets the usual permissions (`0666` less the umask), a
//! replaced one keeps its own.
//!
//! This is the report's own small part of output safety; when the shared output module of
//! `lheo import`/`export` lands, the checks move there.

use std::fs::{self, File, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Failure;

/// A checked report file, not written yet.
#[derive(Debug)]
pub struct ReportFile {
    /// The name as given.
    path: PathBuf,
    /// The folder it is in (where the temporary file goes).
    folder: PathBuf,
    /// The permissions of the file it replaces.
    permissions: Option<fs::Permissions>,
}

/// Same file (device and inode; elsewhere the canonical path).
#[cfg(unix)]
fn same_file(a: &Metadata, _: &Path, b: &Metadata, _: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, a: &Path, _: &Metadata, b: &Path) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Checks `path` as the report file of a run reading `inputs`, before anything is read.
pub fn check(path: &Path, inputs: &[PathBuf]) -> Result<ReportFile, Failure> {
    let name = path.display();
    let mut permissions = None;
    if let Ok(meta) = fs::metadata(path) {
        if meta.is_dir() {
            return Err(Failure::new(
                format!("« {name} » est un dossier : donnez un nom de fichier pour le rapport (-o {name}/rapport.html)"),
                format!("\"{name}\" is a directory: give a file name for the report (-o {name}/report.html)"),
            ));
        }
        if !meta.is_file() {
            return Err(Failure::new(
                format!("« {name} » n'est pas un fichier ordinaire : le rapport est écrit dans un fichier ordinaire, remplacé en une fois"),
                format!("\"{name}\" is not a regular file: the report is written to a regular file, replaced at once"),
            ));
        }
        for input in inputs {
            if fs::metadata(input).is_ok_and(|m| same_file(&meta, path, &m, input)) {
                return Err(Failure::new(
                    format!("« {name} » est un fichier à valider : le rapport ne l'écrase pas, choisissez un autre nom"),
                    format!("\"{name}\" is a file to validate: the report does not overwrite it, choose another name"),
                ));
            }
        }
        permissions = Some(meta.permissions());
    }
    // A symbolic link is replaced by its target's new content: write next to the target.
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
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
    Ok(ReportFile {
        path: target,
        folder,
        permissions,
    })
}

/// A report file being written.
pub struct Writing {
    temp: BufWriter<tempfile::NamedTempFile>,
    file: ReportFile,
}

impl ReportFile {
    /// Starts writing: a temporary file in the report's folder.
    pub fn create(self) -> io::Result<Writing> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".lheo-rapport-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Masked by the umask, like any new file.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(&self.folder)?;
        Ok(Writing {
            temp: BufWriter::with_capacity(256 * 1024, temp),
            file: self,
        })
    }
}

impl Writing {
    /// Renames the complete report over the file. Dropped without this, the temporary file
    /// is removed and the file is left as it was.
    pub fn finish(self) -> io::Result<()> {
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        if let Some(p) = &self.file.permissions {
            fs::set_permissions(temp.path(), p.clone())?;
        }
        temp.as_file().sync_all()?;
        temp.persist(&self.file.path).map_err(|e| e.error)?;
        if let Ok(dir) = File::open(&self.file.folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Where the report is written: the standard output, or a report file.
pub enum Sink {
    /// The standard output (locked for the whole run).
    Stdout(io::StdoutLock<'static>),
    /// A report file (`-o`).
    File(Writing),
}

impl Sink {
    /// The report file's name, if the report goes to one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Sink::Stdout(_) => None,
            Sink::File(w) => Some(&w.file.path),
        }
    }

    /// Ends the report: flushes the standard output, or puts the complete file in place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Sink::Stdout(mut out) => out.flush(),
            Sink::File(w) => w.finish(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(w) => w.temp.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.write_all(buf),
            Sink::File(w) => w.temp.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            // The file is flushed once, when it is complete.
            Sink::File(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_folders_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let input = d.join("flux.xml");
        fs::write(&input, "<lheo/>").unwrap();
        assert!(check(&input, std::slice::from_ref(&input)).is_err());
        assert!(check(d, &[]).is_err());
        assert!(check(&d.join("absent/rapport.html"), &[]).is_err());
        #[cfg(unix)]
        {
            fs::hard_link(&input, d.join("dur.xml")).unwrap();
            assert!(check(&d.join("dur.xml"), std::slice::from_ref(&input)).is_err());
            assert!(check(Path::new("/dev/null"), &[]).is_err());
        }
        assert!(check(&d.join("rapport.html"), std::slice::from_ref(&input)).is_ok());
    }

    #[test]
    fn the_report_replaces_the_file_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rapport.html");
        fs::write(&out, "ancien").unwrap();
        // Dropped unfinished: nothing changes, nothing is left.
        let mut w = check(&out, &[]).unwrap().create().unwrap();
        w.temp.write_all(b"partiel").unwrap();
        drop(w);
        assert_eq!(fs::read_to_string(&out).unwrap(), "ancien");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut w = check(&out, &[]).unwrap().create().unwrap();
        w.temp.write_all(b"nouveau").unwrap();
        w.finish().unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "nouveau");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_report_is_readable_by_others_as_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rapport.csv");
        let mut w = check(&out, &[]).unwrap().create().unwrap();
        w.temp.write_all(b"x").unwrap();
        w.finish().unwrap();
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        // Not a temporary file's 0600: 0666 less the umask (Linux says which).
        let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|u| u32::from_str_radix(u.trim(), 8).ok());
        match umask {
            Some(umask) => assert_eq!(mode, 0o666 & !umask, "{mode:o}"),
            None => assert_ne!(mode, 0o600),
        }
    }
}
