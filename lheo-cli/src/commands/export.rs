//! `lheo export FEED.xml -o FEED.xlsx`: the feed as a workbook, streamed record by record
//! (memory stays flat on a gigabyte feed). The workbook is written atomically; on any error
//! no file is left.

use std::io::{self, Write};

use lheo::workbook;
use lheo::ErrorKind;
use lheo::Lang;

use super::workbook::{check_output, write_atomically};
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ExportArgs;
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::human::{self, HumanOptions};
use crate::source::{self, Input};

/// Runs `lheo export`.
pub fn run(args: ExportArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    let (input, output) = (&args.input, &args.output);
    if input.as_os_str() == "-" {
        print_failure(
            &Failure::new(
                "lheo export lit un fichier : « - » (entrée standard) n'est pas accepté",
                "lheo export reads a file: \"-\" (standard input) is not accepted",
            ),
            lang,
        );
        return Outcome::Failure;
    }
    if let Err(f) = check_output(output, Some(input)) {
        print_failure(&f, lang);
        return Outcome::Failure;
    }
    let display = input.display().to_string();
    let mut opened = match source::open(&Input::File(input.clone()), false) {
        Ok(o) => o,
        Err(f) => {
            print_failure(&f, lang);
            return Outcome::Failure;
        }
    };
    let bar = Progress::new(&display, opened.size, true, lang);
    opened.reader.get_mut().set_progress(bar.bar());
    let mut records = 0;
    let result = write_atomically(
        output,
        |w| {
            records = workbook::export(&mut opened.reader, w)?.records;
            Ok(())
        },
        lheo::Error::from,
    );
    bar.finish();
    if let Some(e) = opened.tracker.take_error() {
        print_failure(&Failure::read(input, &e), lang);
        return Outcome::Failure;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match result {
        Ok(()) => {
            let (i, o) = (input.display(), output.display());
            let done = match lang {
                Lang::Fr => format!("« {i} » exporté dans « {o} » ({records} enregistrements)"),
                Lang::En => format!("\"{i}\" exported into \"{o}\" ({records} records)"),
            };
            match writeln!(out, "{done}").and_then(|()| out.flush()) {
                Ok(()) => Outcome::Success,
                Err(e) => stdout_error(&e, Outcome::Success, lang),
            }
        }
        Err(e) => match (e.kind(), e.diagnostic(), e.io()) {
            (_, Some(d), _) => {
                let options = HumanOptions {
                    lang,
                    color: stdout_color(),
                    limit: human::DEFAULT_LIMIT,
                    deny_warnings: false,
                    severity: lheo::Severity::Info,
                };
                if let Err(e) = human::write_diagnostic(&mut out, &display, d, None, &options)
                    .and_then(|()| out.flush())
                {
                    return stdout_error(&e, Outcome::Findings, lang);
                }
                not_written(output, lang);
                Outcome::Findings
            }
            (ErrorKind::Unwritable, ..) => {
                print_failure(
                    &Failure::new(
                        format!("« {display} » ne peut pas être exporté : {e}"),
                        format!("\"{display}\" cannot be exported: {e}"),
                    ),
                    lang,
                );
                not_written(output, lang);
                Outcome::Findings
            }
            (_, _, Some(io)) => {
                print_failure(&Failure::write(output, io), lang);
                Outcome::Failure
            }
            _ => {
                print_failure(
                    &Failure::new(
                        format!("impossible d'écrire « {} » : {e}", output.display()),
                        format!("cannot write \"{}\": {e}", output.display()),
                    ),
                    lang,
                );
                Outcome::Failure
            }
        },
    }
}

fn not_written(output: &std::path::Path, lang: Lang) {
    print_failure(
        &Failure::new(
            format!("« {} » n'a pas été écrit", output.display()),
            format!("\"{}\" was not written", output.display()),
        ),
        lang,
    );
}
