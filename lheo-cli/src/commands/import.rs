//! `lheo import INPUT -o OUTPUT.xml`: converts an LHEO 2.0–2.3 feed or a workbook to
//! LHEO 2.3, a thin client of `lheo::convert`.
//!
//! The library reads the input once, checks it with the profile (`lheo` by default) and
//! writes LHEO 2.3 as it goes; the command gives it a temporary file in the output's folder,
//! renamed once complete. With any error, the diagnostics are printed like `lheo validate`
//! prints them, the exit code is 1 and no output file is created: the output is never seen
//! half-written, and an existing output is replaced only by a complete one. The input is never
//! overwritten, even through another name (symbolic or hard link). Memory is bounded by the
//! largest record (`formation`, …), not by the file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use lheo::convert::{convert_with_progress, Conversion};
use lheo::validate::ValidateOptions;
use lheo::Lang;

use super::validate::{print_human, ExcerptSource, Validated};
use super::workbook::write_atomically;
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ImportArgs;
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::human::{self, HumanOptions};
use crate::report::FileReport;
use crate::source::{self, Input};

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

    let options = ValidateOptions::new(profile)
        .with_referentiels(super::referentiels::load(&args.referentiels.referentiels)?);
    let human_options = HumanOptions {
        lang,
        color: stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: false,
        severity: lheo::Severity::Info,
    };

    // One pass: the library checks and converts into a temporary file, kept only when the
    // whole document was written (`None`: not written because of findings).
    let from = Input::File(input.clone());
    let display = from.display_name(lang);
    let mut opened = source::open(&from, false)?;
    let bar = Progress::new(&display, opened.size, true, lang);
    opened.reader.get_mut().set_progress(bar.bar());
    let mut conversion: Option<Conversion> = None;
    let written = write_atomically(
        output,
        |w| {
            let c = convert_with_progress(&mut opened.reader, w, &options, &mut |_| {})
                .map_err(Some)?;
            let complete = c.written;
            conversion = Some(c);
            if complete {
                Ok(())
            } else {
                Err(None)
            }
        },
        |e| Some(lheo::Error::from(e)),
    );
    bar.finish();
    if let Some(error) = opened.tracker.take_error() {
        return Err(Failure::read(input, &error));
    }

    let stdout = io::stdout();
    let mut out = stdout.lock();
    if let Some(c) = &conversion {
        let validated = Validated {
            file: FileReport {
                name: from.machine_name(),
                report: c.report.clone(),
            },
            display: display.clone(),
            excerpts: if c.from_workbook {
                ExcerptSource::None
            } else {
                ExcerptSource::File(input.clone())
            },
        };
        let printed = print_human(&mut out, &validated, &human_options, false).and_then(|()| {
            super::referentiels::write_used(&mut out, &validated.file.report.referentiels, lang)
        });
        if let Err(e) = printed.and_then(|()| out.flush()) {
            return Ok(stdout_error(&e, Outcome::Failure, lang));
        }
    }
    match written {
        Ok(()) => {}
        Err(None) => {
            print_not_written(output, lang);
            return Ok(Outcome::Findings);
        }
        Err(Some(e)) => {
            if let Some(io) = e.io() {
                return Err(Failure::write(output, io));
            }
            // The model or the writer cannot carry the document: say it plainly.
            print_failure(
                &Failure::new(
                    format!("« {display} » ne peut pas être converti : {e}"),
                    format!("\"{display}\" cannot be converted: {e}"),
                ),
                lang,
            );
            print_not_written(output, lang);
            return Ok(Outcome::Findings);
        }
    }
    let from = match &conversion {
        Some(c) if c.from_workbook => match lang {
            Lang::Fr => "classeur".to_owned(),
            Lang::En => "workbook".to_owned(),
        },
        Some(c) => c
            .report
            .version
            .map_or_else(|| "LHEO".to_owned(), |v| format!("LHEO {}", v.as_str())),
        None => "LHEO".to_owned(),
    };
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
