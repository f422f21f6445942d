//! `lheo import INPUT -o OUTPUT.xml`: converts an LHEO 2.0–2.3 feed (plain or gzip) or a
//! workbook to LHEO 2.3 (`.xml`, or `.xml.gz` compressed), a thin client of `lheo::convert`.
//!
//! The input is recognised by its content ([`crate::source`]: what lheo does not read is
//! refused with the sentence that says what it is) and read once, as it streams: the library
//! checks it with the profile (`lheo` by default) and writes LHEO 2.3 as it goes. With any
//! error, the diagnostics are printed like `lheo validate` prints them, the exit code is 1 and
//! no output file is created. The output is checked and written as [`crate::output`] says:
//! never an input (whatever its name: links included), never half-written; a read error or a
//! file that changed while it was read leaves nothing (exit 2). Memory is bounded by the
//! largest record (`formation`, …), not by the file.

use std::io::{self, Write};
use std::path::Path;

use lheo::convert::{convert_with_progress, Conversion};
use lheo::validate::ValidateOptions;
use lheo::Lang;

use super::validate::{print_human, ExcerptSource, Validated};
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ImportArgs;
use crate::error::{Failure, Outcome};
use crate::output::{self, Written};
use crate::progress::Progress;
use crate::report::human::{self, HumanOptions};
use crate::report::FileReport;
use crate::source::{self, Input, Passes, Source};

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

/// Why the writing of the output stopped.
enum Stop {
    /// The input has findings: nothing written (exit 1).
    NotWritten,
    /// Reading failed, or the file changed while it was read (exit 2).
    Failed(Failure),
    /// The library could not write (an I/O error, or what the output cannot carry).
    Error(lheo::Error),
}

fn import(args: &ImportArgs, lang: Lang) -> Result<Outcome, Failure> {
    let profile = args.profile.profile.profile();
    let input = Input::from_arg(args.input.clone());
    let inputs: Vec<_> = source::identity(&input).into_iter().collect();
    let output = output::check(
        &args.output,
        Written::Feed,
        args.force.force,
        "lheo import",
        &inputs,
    )?;
    // One reading: a stream is copied as it is read, only for the excerpts of the report.
    let passes = Passes::One { keep_copy: true };
    let mut source = Source::open(&input, passes, output.folder(), lang)?;
    source.refuse_unreadable()?;

    let options = ValidateOptions::new(profile)
        .with_referentiels(super::referentiels::load(&args.referentiels.referentiels)?);
    let human_options = HumanOptions {
        lang,
        color: stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: false,
        severity: lheo::Severity::Info,
    };
    let display = source.display().to_owned();
    let pass = source.pass()?;
    let tracker = pass.tracker();
    let bar = Progress::new(&display, source.size(), true, lang);
    // The bar follows the bytes read from the input, whatever the library does with them.
    tracker.set_progress(bar.bar());

    // One pass: the library checks and converts into a temporary file, kept only when the
    // whole document was written and the input was read to its end unchanged.
    let mut conversion: Option<Conversion> = None;
    let written = output.write(
        |w| {
            let converted = convert_with_progress(pass, w, &options, &mut |_| {});
            source.end(&tracker).map_err(Stop::Failed)?;
            let c = converted.map_err(Stop::Error)?;
            let complete = c.written;
            conversion = Some(c);
            if complete {
                Ok(())
            } else {
                Err(Stop::NotWritten)
            }
        },
        |e| Stop::Error(lheo::Error::from(e)),
    );
    bar.finish();
    if let Err(Stop::Failed(f)) = written {
        return Err(f);
    }
    if let Some(c) = &conversion {
        if c.from_workbook {
            // A file the workbook reader cannot open is said as every command says it.
            super::workbook::refuse_unreadable(&display, &c.report.diagnostics)?;
        }
    }

    let stdout = io::stdout();
    let mut out = stdout.lock();
    if let Some(c) = &conversion {
        let validated = Validated {
            file: FileReport {
                name: source.machine_name().to_owned(),
                report: c.report.clone(),
            },
            display: display.clone(),
            excerpts: if c.from_workbook {
                ExcerptSource::None
            } else {
                source.lines()
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
        Err(Stop::Failed(f)) => return Err(f),
        Err(Stop::NotWritten) => {
            print_not_written(output.shown(), lang);
            return Ok(Outcome::Findings);
        }
        Err(Stop::Error(e)) => {
            if let Some(io) = e.io() {
                return Err(Failure::write(output.shown(), io));
            }
            // The model or the writer cannot carry the document: say it plainly.
            print_failure(
                &Failure::new(
                    format!("« {display} » ne peut pas être converti : {e}"),
                    format!("\"{display}\" cannot be converted: {}", e.text(Lang::En)),
                ),
                lang,
            );
            print_not_written(output.shown(), lang);
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
    let o = output.shown().display();
    let done = match lang {
        Lang::Fr => format!("« {display} » ({from}) importé dans « {o} » (LHEO 2.3)"),
        Lang::En => format!("\"{display}\" ({from}) imported into \"{o}\" (LHEO 2.3)"),
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
