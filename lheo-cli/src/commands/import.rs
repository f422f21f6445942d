//! `lheo import INPUT -o OUTPUT.xml`: reads an LHEO 2.0–2.3 feed and writes it as LHEO 2.3.
//!
//! The input is validated first (profile `lheo` by default); with any error, the diagnostics
//! are printed like `lheo validate` prints them, the exit code is 1 and no output file is
//! created. The output is written to a temporary file in its own folder, then renamed: it is
//! never seen half-written, and an existing output is replaced only by a complete one. The
//! input is never overwritten, even through another name (symbolic or hard link).
//!
//! The conversion streams: memory is bounded by the largest record (`formation`, …), not by
//! the file. It reads the input three times: validation, then the envelope (root attributes
//! and trailing `extras`, which the writer needs before the first record), then the records.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use lheo::reader::{FromNode, ReadOptions, Reader};
use lheo::validate::ValidateOptions;
use lheo::writer::StreamWriter;
use lheo::{Diagnostic, Document, Lang, Severity};

use super::validate::{print_human, validate_input};
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ImportArgs;
use crate::error::{Failure, Outcome};
use crate::report::human::{self, HumanOptions};
use crate::source::Input;

/// Runs `lheo import`.
pub fn run(args: ImportArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    match import(&args, lang) {
        Ok(outcome) => outcome,
        Err(f) => {
            print_failure(&f, lang);
            Outcome::Failure
        }
    }
}

fn import(args: &ImportArgs, lang: Lang) -> Result<Outcome, Failure> {
    let profile = args.profile.profile.profile();
    let (input, output) = (&args.input, &args.output);
    check_paths(input, output)?;

    let options = ValidateOptions::new(profile);
    let human_options = HumanOptions {
        lang,
        color: stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: false,
    };
    if super::workbook::is_workbook(input) {
        return import_workbook(input, output, &options, &human_options);
    }
    let validated = validate_input(&Input::File(input.clone()), &options, lang, false, true)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = print_human(&mut out, &validated, &human_options, false);
    if let Err(e) = printed.and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Failure, lang));
    }
    if !validated.file.report.is_valid() {
        print_not_written(output, lang);
        return Ok(Outcome::Findings);
    }

    let converted = envelope(input)
        .and_then(|head| write_atomically(output, |w| convert(input, output, &head, w)));
    match converted {
        Ok(()) => {}
        Err(ConvertError::Failed(f)) => return Err(f),
        Err(ConvertError::Refused(refusal)) => {
            let name = input.display().to_string();
            let shown = match refusal {
                Refusal::Invalid(d) => {
                    human::write_diagnostic(&mut out, &name, &d, None, &human_options)
                        .and_then(|()| out.flush())
                }
                Refusal::Unconvertible(why) => {
                    // Should not happen to a document the checker accepts; say it plainly.
                    print_failure(
                        &Failure::new(
                            format!("« {name} » ne peut pas être converti : {why}"),
                            format!("\"{name}\" cannot be converted: {why}"),
                        ),
                        lang,
                    );
                    Ok(())
                }
            };
            if let Err(e) = shown {
                return Ok(stdout_error(&e, Outcome::Findings, lang));
            }
            print_not_written(output, lang);
            return Ok(Outcome::Findings);
        }
    }
    let from = validated
        .file
        .report
        .version
        .map_or_else(|| "LHEO".to_owned(), |v| format!("LHEO {}", v.as_str()));
    let (i, o) = (input.display(), output.display());
    let done = match lang {
        Lang::Fr => format!("« {i} » ({from}) importé dans « {o} » (LHEO 2.3)"),
        Lang::En => format!("\"{i}\" ({from}) imported into \"{o}\" (LHEO 2.3)"),
    };
    if let Err(e) = writeln!(out, "{done}").and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Success, lang));
    }
    Ok(Outcome::Success)
}

/// Imports a workbook: its rows become an LHEO 2.3 document, checked like any feed; with any
/// error (in the workbook or in the document), every finding is printed at its cell and
/// nothing is written.
fn import_workbook(
    input: &Path,
    output: &Path,
    options: &ValidateOptions,
    human_options: &HumanOptions,
) -> Result<Outcome, Failure> {
    let lang = human_options.lang;
    let (validated, imported) = super::workbook::validate_workbook(input, options)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = print_human(&mut out, &validated, human_options, false);
    if let Err(e) = printed.and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Failure, lang));
    }
    if !validated.file.report.is_valid() {
        print_not_written(output, lang);
        return Ok(Outcome::Findings);
    }
    let written = super::workbook::write_atomically(
        output,
        |w| imported.write_feed(w).map(|_| ()),
        lheo::workbook::WorkbookError::Io,
    );
    match written {
        Ok(()) => {}
        Err(lheo::workbook::WorkbookError::Io(e)) => return Err(Failure::write(output, &e)),
        Err(e) => {
            print_failure(
                &Failure::new(
                    format!("« {} » ne peut pas être converti : {e}", input.display()),
                    format!("\"{}\" cannot be converted: {e}", input.display()),
                ),
                lang,
            );
            print_not_written(output, lang);
            return Ok(Outcome::Findings);
        }
    }
    let (i, o) = (input.display(), output.display());
    let done = match lang {
        Lang::Fr => format!("« {i} » (classeur) importé dans « {o} » (LHEO 2.3)"),
        Lang::En => format!("\"{i}\" (workbook) imported into \"{o}\" (LHEO 2.3)"),
    };
    if let Err(e) = writeln!(out, "{done}").and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Success, lang));
    }
    Ok(Outcome::Success)
}

fn print_not_written(output: &Path, lang: Lang) {
    print_failure(
        &Failure::new(
            format!(
                "« {} » n'a pas été écrit : corrigez d'abord les erreurs ci-dessus",
                output.display()
            ),
            format!(
                "\"{}\" was not written: fix the errors above first",
                output.display()
            ),
        ),
        lang,
    );
}

/// Refuses what cannot work before reading anything: the standard input, an output that is
/// the input, an output folder that does not exist.
fn check_paths(input: &Path, output: &Path) -> Result<(), Failure> {
    if input.as_os_str() == "-" || output.as_os_str() == "-" {
        return Err(Failure::new(
            "lheo import lit un fichier et écrit un fichier : « - » (entrée ou sortie standard) \
             n'est pas accepté",
            "lheo import reads a file and writes a file: \"-\" (standard input or output) is \
             not accepted",
        ));
    }
    let input_meta = fs::metadata(input).map_err(|e| Failure::read(input, &e))?;
    if input_meta.is_dir() {
        return Err(Failure::read(
            input,
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    if let Ok(output_meta) = fs::metadata(output) {
        if output_meta.is_dir() {
            return Err(Failure::write(
                output,
                &io::Error::from(io::ErrorKind::IsADirectory),
            ));
        }
        if same_file(input, &input_meta, output, &output_meta) {
            return Err(Failure::new(
                format!(
                    "la sortie « {} » est le fichier d'entrée « {} » : lheo import n'écrase \
                     jamais son entrée, choisissez un autre nom de sortie",
                    output.display(),
                    input.display()
                ),
                format!(
                    "the output \"{}\" is the input file \"{}\": lheo import never overwrites \
                     its input, choose another output name",
                    output.display(),
                    input.display()
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

/// `true` when both paths name one file: the same inode (hard links, symbolic links), or the
/// same canonical path.
fn same_file(a: &Path, a_meta: &fs::Metadata, b: &Path, b_meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if a_meta.dev() == b_meta.dev() && a_meta.ino() == b_meta.ino() {
            return true;
        }
    }
    #[cfg(not(unix))]
    let _ = (a_meta, b_meta);
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The folder `output` goes in (`.` for a bare file name).
fn output_folder(output: &Path) -> PathBuf {
    match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Why an import stopped after validation.
enum ConvertError {
    /// The document cannot be converted (exit 1, no output).
    Refused(Refusal),
    /// Reading or writing failed (exit 2, no output).
    Failed(Failure),
}

/// A document the conversion refuses.
enum Refusal {
    /// A finding of the reader (a fatal XML error, say).
    Invalid(Box<Diagnostic>),
    /// The model or the writer cannot carry the document.
    Unconvertible(String),
}

/// Opens `input` for one more pass.
fn open(input: &Path) -> Result<BufReader<File>, ConvertError> {
    File::open(input)
        .map(|f| BufReader::with_capacity(64 * 1024, f))
        .map_err(|e| ConvertError::Failed(Failure::read(input, &e)))
}

/// The first error a reader stopped on, if any.
fn stopped<R: BufRead>(reader: &mut Reader<R>) -> Result<(), ConvertError> {
    match reader
        .take_diagnostics()
        .into_iter()
        .find(|d| d.severity == Severity::Error)
    {
        Some(d) => Err(ConvertError::Refused(Refusal::Invalid(Box::new(d)))),
        None => Ok(()),
    }
}

fn unconvertible(e: impl std::fmt::Display) -> ConvertError {
    ConvertError::Refused(Refusal::Unconvertible(e.to_string()))
}

/// First pass: the document without its records (root attributes, containers, trailing
/// `extras`), which the streaming writer needs before the first record.
fn envelope(input: &Path) -> Result<Document, ConvertError> {
    let options = ReadOptions {
        check: None,
        build: true,
        stream_records: true,
        ..ReadOptions::default()
    };
    let mut reader = Reader::with_options(open(input)?, options)
        .map_err(|d| ConvertError::Refused(Refusal::Invalid(Box::new(d))))?;
    while reader.next_node().is_some() {}
    stopped(&mut reader)?;
    let node = reader.envelope().ok_or_else(|| {
        ConvertError::Refused(Refusal::Invalid(Box::new(Diagnostic::new(
            lheo::Rule::XmlMalforme,
            "document vide",
            "empty document",
        ))))
    })?;
    Document::from_node(node).map_err(unconvertible)
}

/// Second pass: every record, one at a time, into the streaming writer.
fn convert(
    input: &Path,
    output: &Path,
    head: &Document,
    out: &mut BufWriter<&File>,
) -> Result<(), ConvertError> {
    let write_error = |e: io::Error| {
        if e.kind() == io::ErrorKind::InvalidData {
            // The writer refuses what XML cannot carry rather than write ill-formed output.
            unconvertible(e)
        } else {
            ConvertError::Failed(Failure::write(output, &e))
        }
    };
    let mut reader = Reader::new(open(input)?)
        .map_err(|d| ConvertError::Refused(Refusal::Invalid(Box::new(d))))?;
    let mut writer = StreamWriter::new(out, head).map_err(write_error)?;
    while let Some(record) = reader.next_record() {
        let record = record.map_err(unconvertible)?;
        writer.write_record(&record).map_err(write_error)?;
    }
    stopped(&mut reader)?;
    writer.finish().map_err(write_error)?;
    Ok(())
}

/// Writes `output` through a temporary file in the same folder, renamed once complete. On
/// any error the temporary file is removed and `output` is left as it was.
fn write_atomically(
    output: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), ConvertError>,
) -> Result<(), ConvertError> {
    let failed = |e: io::Error| ConvertError::Failed(Failure::write(output, &e));
    let folder = output_folder(output);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lheo-import-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like any new file (the umask applies), not the 0600 of temporary files.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(&folder).map_err(failed)?;
    {
        let mut w = BufWriter::with_capacity(64 * 1024, temp.as_file());
        write(&mut w)?;
        w.flush().map_err(failed)?;
    }
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(output).map_err(|e| failed(e.error))?;
    Ok(())
}
