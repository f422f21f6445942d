//! `lheo export FEED.xml -o FEED.xlsx`: the feed as a workbook, streamed record by record
//! (memory stays flat on a gigabyte feed).
//!
//! A feed with errors is exported all the same, so that it can be fixed in the workbook: its
//! findings (profile `lheo`) are printed as warnings and the exit code is 0. Refused: what is
//! not an LHEO 2.x feed (exit 2, with the sentence that says what it is), ill-formed XML or
//! content the workbook cannot hold (exit 1, with the finding). The workbook is written as
//! [`crate::output`] says: never onto an input, never half-written.

use std::io::{self, Write};

use lheo::rules::Profile;
use lheo::workbook::{self, ExportOptions};
use lheo::{Diagnostic, ErrorKind, Lang, Severity};

use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ExportArgs;
use crate::error::{Failure, Outcome};
use crate::output::{self, Written};
use crate::progress::Progress;
use crate::report::human::{self, HumanOptions};
use crate::report::view::FileView;
use crate::source::{self, Input, Lines, Passes, Source};

/// Runs `lheo export`.
pub fn run(args: ExportArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    match export(&args, lang) {
        Ok(outcome) => outcome,
        Err(f) => {
            print_failure(&f, lang);
            Outcome::Failure
        }
    }
}

/// Why the writing of the workbook stopped.
enum Stop {
    Workbook(lheo::Error),
    Failed(Failure),
}

/// `n` records, in words.
pub fn records(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Fr => plural(n as usize, "enregistrement", "enregistrements", lang),
        Lang::En => plural(n as usize, "record", "records", lang),
    }
}

fn export(args: &ExportArgs, lang: Lang) -> Result<Outcome, Failure> {
    let input = Input::from_arg(args.input.clone());
    let inputs: Vec<_> = source::identity(&input).into_iter().collect();
    let output = output::check(
        &args.output,
        Written::Workbook,
        args.force.force,
        "lheo export",
        &inputs,
    )?;
    let passes = Passes::One { keep_copy: true };
    let mut source = Source::open(&input, passes, output.folder(), lang)?;
    source.refuse_unreadable()?;
    let name = source.display().to_owned();
    if source.workbook().is_some() {
        return Err(Failure::new(
            format!("« {name} » est déjà un classeur : lheo export fait un classeur d'un flux XML ; pour vérifier ce classeur : lheo validate {name} ; pour en faire un flux : lheo import {name} -o offres.xml"),
            format!("\"{name}\" is a workbook already: lheo export makes a workbook of an XML feed; to check this workbook: lheo validate {name}; to make a feed of it: lheo import {name} -o offres.xml"),
        ));
    }
    let pass = source.pass()?;
    let tracker = pass.tracker();
    let bar = Progress::new(&name, source.size(), true, lang);
    tracker.set_progress(bar.bar());
    let options = ExportOptions::default()
        .with_check(Profile::Lheo)
        .with_tempdir(output.folder());
    let mut summary = None;
    // The input is checked before the workbook replaces the output: a read error or a file
    // that changed while it was read leaves nothing.
    let result = output.write(
        |w| {
            let exported = workbook::export_with(pass, w, &options);
            source.end(&tracker).map_err(Stop::Failed)?;
            summary = Some(exported.map_err(Stop::Workbook)?);
            Ok(())
        },
        |e| Stop::Workbook(lheo::Error::from(e)),
    );
    bar.finish();
    let result = match result {
        Err(Stop::Failed(f)) => return Err(f),
        Err(Stop::Workbook(e)) => Err(e),
        Ok(()) => Ok(()),
    };

    let human_options = HumanOptions {
        lang,
        color: stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: false,
        severity: Severity::Info,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let shown = output.shown().display();
    match result {
        Ok(()) => {
            let summary = summary.unwrap_or_default();
            let (errors, warnings) = count(&summary.findings);
            let findings: Vec<Diagnostic> = summary.findings.into_iter().map(as_warning).collect();
            let mut done = match lang {
                Lang::Fr => format!(
                    "« {name} » exporté dans « {shown} » ({})",
                    records(summary.records, lang)
                ),
                Lang::En => format!(
                    "\"{name}\" exported into \"{shown}\" ({})",
                    records(summary.records, lang)
                ),
            };
            if errors + warnings > 0 {
                done.push_str(&match lang {
                    Lang::Fr => format!(" ; le flux a {} et {} (ci-dessus, en avertissements) : corrigez-les dans le classeur, puis lheo import {shown} -o flux.xml", plural(errors, "erreur", "erreurs", lang), plural(warnings, "avertissement", "avertissements", lang)),
                    Lang::En => format!("; the feed has {} and {} (above, as warnings): fix them in the workbook, then lheo import {shown} -o flux.xml", plural(errors, "error", "errors", lang), plural(warnings, "warning", "warnings", lang)),
                });
            }
            let printed =
                print_findings(&mut out, &name, &findings, &source.lines(), &human_options);
            match printed
                .and_then(|()| writeln!(out, "{done}"))
                .and_then(|()| out.flush())
            {
                Ok(()) => Ok(Outcome::Success),
                Err(e) => Ok(stdout_error(&e, Outcome::Success, lang)),
            }
        }
        Err(e) => match (e.kind(), e.diagnostic(), e.io()) {
            (_, Some(d), _) => {
                if let Err(e) = human::write_diagnostic(&mut out, &name, d, None, &human_options)
                    .and_then(|()| out.flush())
                {
                    return Ok(stdout_error(&e, Outcome::Findings, lang));
                }
                not_written(output.shown(), lang);
                Ok(Outcome::Findings)
            }
            (ErrorKind::Unwritable, ..) => {
                print_failure(
                    &Failure::new(
                        format!("« {name} » ne peut pas être exporté : {e}"),
                        format!("\"{name}\" cannot be exported: {e}"),
                    ),
                    lang,
                );
                not_written(output.shown(), lang);
                Ok(Outcome::Findings)
            }
            (_, _, Some(io)) => Err(Failure::write(output.shown(), io)),
            _ => Err(Failure::new(
                format!("impossible d'écrire « {shown} » : {e}"),
                format!("cannot write \"{shown}\": {e}"),
            )),
        },
    }
}

/// The findings, printed like `lheo validate` prints them, without its summary line.
fn print_findings(
    out: &mut dyn Write,
    name: &str,
    findings: &[Diagnostic],
    lines: &Lines,
    options: &HumanOptions,
) -> io::Result<()> {
    let view = FileView::new(findings, &options.shown());
    let excerpts = lines.excerpts_at(&view.places());
    human::write_view(out, name, &view, &excerpts, options)
}

/// A finding shown as a warning: for `export`, nothing in the feed stops the workbook.
fn as_warning(mut d: Diagnostic) -> Diagnostic {
    if d.severity == Severity::Error {
        d.severity = Severity::Warning;
    }
    d
}

fn count(findings: &[Diagnostic]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

fn plural(n: usize, one: &str, many: &str, lang: Lang) -> String {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    format!("{n} {}", if singular { one } else { many })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(records(1, Lang::Fr), "1 enregistrement");
        assert_eq!(records(0, Lang::Fr), "0 enregistrement");
        assert_eq!(records(2, Lang::Fr), "2 enregistrements");
        assert_eq!(records(1, Lang::En), "1 record");
        assert_eq!(records(0, Lang::En), "0 records");
        assert_eq!(plural(0, "erreur", "erreurs", Lang::Fr), "0 erreur");
        assert_eq!(plural(1, "erreur", "erreurs", Lang::Fr), "1 erreur");
        assert_eq!(plural(3, "erreur", "erreurs", Lang::Fr), "3 erreurs");
        assert_eq!(plural(0, "error", "errors", Lang::En), "0 errors");
        assert_eq!(plural(1, "error", "errors", Lang::En), "1 error");
    }
}
