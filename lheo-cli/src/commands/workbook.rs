//! What `export`, `template`, `import` and `validate` share for workbooks: recognising a
//! workbook by its extension, reading one into a validated report, and writing files
//! atomically (a temporary file in the output's folder, renamed once complete).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use lheo::validate::ValidateOptions;
use lheo::workbook::Imported;

use super::validate::{ExcerptSource, Validated};
use crate::error::Failure;
use crate::report::FileReport;

/// Extensions read as workbooks.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// `true` when `path` names a workbook (by its extension).
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads and validates a workbook: the workbook's own problems and the document's findings,
/// every one at `sheet!cell`.
pub fn validate_workbook(
    path: &Path,
    options: &ValidateOptions,
) -> Result<(Validated, Imported), Failure> {
    let meta = fs::metadata(path).map_err(|e| Failure::read(path, &e))?;
    if meta.is_dir() {
        return Err(Failure::read(
            path,
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    let file = fs::File::open(path).map_err(|e| Failure::read(path, &e))?;
    let imported =
        lheo::workbook::read_workbook(io::BufReader::new(file)).map_err(|e| match e.io() {
            Some(io) => Failure::read(path, io),
            None => Failure::new(
                format!("impossible de lire « {} » : {e}", path.display()),
                format!("cannot read \"{}\": {e}", path.display()),
            ),
        })?;
    let report = imported.validate(options);
    let name = path.display().to_string();
    Ok((
        Validated {
            file: FileReport {
                name: name.clone(),
                report,
            },
            display: name,
            excerpts: ExcerptSource::None,
        },
        imported,
    ))
}

/// The folder `output` goes in (`.` for a bare file name).
pub fn output_folder(output: &Path) -> PathBuf {
    match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses an output that cannot be written: `-`, a folder, the input itself, a folder that
/// does not exist.
pub fn check_output(output: &Path, input: Option<&Path>) -> Result<(), Failure> {
    if output.as_os_str() == "-" {
        return Err(Failure::new(
            "« - » (sortie standard) n'est pas accepté : donnez un nom de fichier avec -o",
            "\"-\" (standard output) is not accepted: give a file name with -o",
        ));
    }
    if output.is_dir() {
        return Err(Failure::write(
            output,
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    if let Some(input) = input {
        let same = match (fs::canonicalize(input), fs::canonicalize(output)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(Failure::new(
                format!(
                    "la sortie « {} » est le fichier d'entrée : lheo n'écrase jamais son entrée",
                    output.display()
                ),
                format!(
                    "the output \"{}\" is the input file: lheo never overwrites its input",
                    output.display()
                ),
            ));
        }
    }
    let folder = output_folder(output);
    if !folder.is_dir() {
        return Err(Failure::new(
            format!(
                "impossible d'écrire « {} » : le dossier « {} » n'existe pas",
                output.display(),
                folder.display()
            ),
            format!(
                "cannot write \"{}\": the folder \"{}\" does not exist",
                output.display(),
                folder.display()
            ),
        ));
    }
    Ok(())
}

/// Writes `output` through a temporary file in the same folder, renamed once `write`
/// succeeded; on error the temporary file is removed and `output` is left as it was.
pub fn write_atomically<E>(
    output: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), E>,
    io_error: impl Fn(io::Error) -> E,
) -> Result<(), E> {
    let folder = output_folder(output);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lheo-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(&folder).map_err(&io_error)?;
    {
        let mut w = BufWriter::with_capacity(64 * 1024, temp.as_file());
        write(&mut w)?;
        w.flush().map_err(&io_error)?;
    }
    temp.as_file().sync_all().map_err(&io_error)?;
    temp.persist(output).map_err(|e| io_error(e.error))?;
    Ok(())
}
