//! Writing outputs: a file is written to a temporary file beside it and renamed at the end,
//! only when the operation succeeded (a failed conversion leaves no file, and an existing
//! file is replaced whole or not at all); the input is never overwritten.

use std::fs;
use std::io::{self, BufWriter, Seek, Write};
use std::path::Path;

use crate::errors::Failure;
use crate::input::{Dest, PyWriter};

/// Runs `write` on the output `dest`, and keeps what it wrote when it returns `keep` = true.
/// `input` is the input's path, which the output must not be.
pub fn produce<T>(
    dest: &Dest,
    input: Option<&Path>,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(T, bool), Failure>,
) -> Result<(T, bool), Failure> {
    match dest {
        Dest::Path(path) => {
            refuse_input(path, input)?;
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".lheo-")
                .tempfile_in(folder)?;
            let (value, keep) = {
                let mut out = BufWriter::new(tmp.as_file_mut());
                let r = write(&mut out)?;
                out.flush()?;
                r
            };
            if keep {
                tmp.as_file().sync_all()?;
                set_permissions(tmp.path(), path)?;
                tmp.persist(path).map_err(|e| e.error)?;
            }
            Ok((value, keep))
        }
        Dest::File(obj) => {
            // Spooled to a temporary file first: nothing reaches the file object unless the
            // whole output is good.
            let mut tmp = tempfile::tempfile()?;
            let (value, keep) = {
                let mut out = BufWriter::new(&mut tmp);
                let r = write(&mut out)?;
                out.flush()?;
                r
            };
            if keep {
                tmp.rewind()?;
                let mut to = pyo3::Python::attach(|py| PyWriter(obj.clone_ref(py)));
                io::copy(&mut tmp, &mut to)?;
                to.flush()?;
            }
            Ok((value, keep))
        }
    }
}

/// Refuses an output that is the input file.
fn refuse_input(output: &Path, input: Option<&Path>) -> Result<(), Failure> {
    let Some(input) = input else { return Ok(()) };
    let same = match (fs::canonicalize(output), fs::canonicalize(input)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Failure::Lheo(lheo::Error::from(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "la sortie « {} » est l'entrée : lheo n'écrase jamais son entrée",
                output.display()
            ),
        ))));
    }
    Ok(())
}

/// A new file gets the usual permissions (rw-r--r--), a replaced one keeps its own (a
/// temporary file is created readable by its owner only).
fn set_permissions(tmp: &Path, target: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(target)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        fs::set_permissions(tmp, fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (tmp, target);
    Ok(())
}
