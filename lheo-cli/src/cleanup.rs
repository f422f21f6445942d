//! Temporary files that never outlive their run: each one is registered while it exists,
//! locked while its process lives, and named so that a later run recognises it.
//!
//! - On Ctrl-C, SIGTERM or SIGHUP, a handler thread removes every registered file, then the
//!   process ends with 128 + the signal number (130 for Ctrl-C).
//! - A process killed outright (SIGKILL, a crash, a power cut) cannot clean up: its files,
//!   named `.lheo-<pid>-<random>-<what>`, stay locked (`flock`) only while it lives, so the
//!   next run that writes in the same folder removes those whose lock it can take.
//! - A panic on the main thread removes them too (see `main.rs`).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Files to remove if the process is interrupted.
static REGISTERED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Folders already swept for leftovers during this run.
static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// The start of every temporary file name.
pub const PREFIX: &str = ".lheo-";

/// Leftovers younger than this are left alone when their process may still be alive.
const STALE_SECONDS: u64 = 60;

/// A temporary file in a folder of the caller's choice, removed when dropped, when the
/// process is interrupted, or by a later run if the process was killed.
#[derive(Debug)]
pub struct TempFile {
    file: File,
    path: Option<tempfile::TempPath>,
}

impl TempFile {
    /// Creates `.lheo-<pid>-<random>-<what><suffix>` in `folder` with the permissions of a
    /// new file (it becomes an output), after removing the leftovers of killed runs there.
    pub fn create_in(folder: &Path, what: &str, suffix: &str) -> io::Result<TempFile> {
        TempFile::create(folder, what, suffix, true)
    }

    /// [`TempFile::create_in`] readable by its owner only: a private copy of an input.
    pub fn private_in(folder: &Path, what: &str, suffix: &str) -> io::Result<TempFile> {
        TempFile::create(folder, what, suffix, false)
    }

    fn create(folder: &Path, what: &str, suffix: &str, shared: bool) -> io::Result<TempFile> {
        sweep(folder);
        let prefix = format!("{PREFIX}{}-", std::process::id());
        let suffix = format!("-{what}{suffix}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(&suffix).rand_bytes(8);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if shared { 0o666 } else { 0o600 };
            builder.permissions(fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = shared;
        // Registered under the lock it is created under: an interruption that comes between
        // the two would find the file on disk but not in the list, and leave it.
        let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
        let (file, path) = builder.tempfile_in(folder)?.into_parts();
        registered.push(path.to_path_buf());
        drop(registered);
        lock(&file);
        Ok(TempFile {
            file,
            path: Some(path),
        })
    }

    /// The file, open for reading and writing.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The file, mutably.
    pub fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Renames the file to `target` (same folder: atomic), which it replaces.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        let Some(path) = self.path.take() else {
            return Err(io::Error::other("temporary file already gone"));
        };
        let registered = path.to_path_buf();
        match path.persist(target) {
            Ok(()) => {
                unregister(&registered);
                Ok(())
            }
            Err(e) => {
                self.path = Some(e.path);
                Err(e.error)
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let registered = path.to_path_buf();
            drop(path); // removes the file
            unregister(&registered);
        }
    }
}

fn unregister(path: &Path) {
    if let Ok(mut r) = REGISTERED.lock() {
        r.retain(|p| p != path);
    }
}

/// Removes every registered file (on an interruption or a panic).
pub fn remove_all() {
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    for path in registered.drain(..) {
        let _ = fs::remove_file(path);
    }
}

#[cfg(unix)]
fn lock(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this process owns; failure only means no lock.
    unsafe {
        libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB);
    }
}

#[cfg(not(unix))]
fn lock(_: &File) {}

/// `true` when no process holds the lock of `file`.
#[cfg(unix)]
fn unlocked(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: as in `lock`; the lock taken here goes with the descriptor.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

/// `true` when process `pid` is gone.
#[cfg(unix)]
fn gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}

/// The process id in a temporary file's name, for names of this module's pattern.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let (pid, rest) = rest.split_once('-')?;
    (rest.len() > 8).then_some(())?;
    pid.parse().ok()
}

/// Removes, once per run and folder, the temporary files of runs that were killed: unlocked,
/// and either their process is gone or they are older than a minute.
pub fn sweep(folder: &Path) {
    let key = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    match SWEPT.lock() {
        Ok(mut swept) => {
            if !swept.get_or_insert_with(HashSet::new).insert(key) {
                return;
            }
        }
        Err(_) => return,
    }
    #[cfg(unix)]
    {
        let Ok(entries) = fs::read_dir(folder) else {
            return;
        };
        let me = std::process::id();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(owner) else {
                continue;
            };
            if pid == me {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.file_type().is_file() {
                continue;
            }
            let old = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age.as_secs() >= STALE_SECONDS);
            let Ok(file) = File::open(&path) else {
                continue;
            };
            if unlocked(&file) && (old || gone(pid)) {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Starts the thread that removes the temporary files on Ctrl-C, SIGTERM and SIGHUP, then
/// ends the process with 128 + the signal.
#[cfg(unix)]
pub fn on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signaux".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                remove_all();
                std::process::exit(128 + signal);
            }
        });
}

#[cfg(not(unix))]
pub fn on_signals() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recognised() {
        assert_eq!(owner(".lheo-4242-AbCdEfGh-sortie.tmp"), Some(4242));
        assert_eq!(owner(".lheo-x-AbCdEfGh-sortie.tmp"), None);
        assert_eq!(owner("lheo-4242-AbCdEfGh"), None);
    }

    #[test]
    fn a_temporary_file_goes_away_unless_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let temp = TempFile::create_in(dir.path(), "essai", ".tmp").unwrap();
        let path = temp.path().to_path_buf();
        assert!(path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(PREFIX));
        assert!(REGISTERED.lock().unwrap().contains(&path));
        drop(temp);
        assert!(!path.exists());
        assert!(!REGISTERED.lock().unwrap().contains(&path));

        let temp = TempFile::create_in(dir.path(), "essai", ".tmp").unwrap();
        let target = dir.path().join("final.txt");
        temp.persist(&target).unwrap();
        assert!(target.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn private_copies_are_for_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let copy = TempFile::private_in(dir.path(), "entree", ".copie").unwrap();
        let mode = fs::metadata(copy.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    #[cfg(unix)]
    #[test]
    fn leftovers_of_dead_runs_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A dead process: pid 0x7FFFFFF0 does not exist; nobody holds the lock.
        let dead = dir.path().join(".lheo-2147483632-AbCdEfGh-sortie.xml.tmp");
        fs::write(&dead, "partiel").unwrap();
        // A live one: this very process, holding the lock.
        let live = TempFile::create_in(dir.path(), "vivant", ".tmp").unwrap();
        // A young file of a process that exists (init), not locked: perhaps being created.
        let young = dir.path().join(".lheo-1-AbCdEfGh-sortie.xml.tmp");
        fs::write(&young, "partiel").unwrap();
        SWEPT
            .lock()
            .unwrap()
            .get_or_insert_with(HashSet::new)
            .clear();
        sweep(dir.path());
        assert!(!dead.exists());
        assert!(live.path().exists());
        assert!(young.exists());
    }
}
