//! `lheo import INPUT -o OUTPUT.xml`: reads an LHEO 2.0–2.3 feed (plain or gzip) or a
//! workbook and writes it as LHEO 2.3 (`.xml`, or `.xml.gz` compressed).
//!
//! The input is validated first (profile `lheo` by default); with any error, the diagnostics
//! are printed like `lheo validate` prints them, the exit code is 1 and no output file is
//! created. The output is checked and written as [`crate::output`] says: never an input,
//! never half-written.
//!
//! The conversion streams: memory is bounded by the largest record (`formation`, …), not by
//! the file. It reads the input three times: validation, then the envelope (root attributes
//! and trailing `extras`, which the writer needs before the first record), then the records;
//! a stream (the standard input, a pipe) is copied first ([`crate::source`]). Input and
//! output handling (`import`, `import_workbook`) stay apart from the conversion
//! (`envelope_of`, `convert_records`), which works on readers.

use std::io::{self, BufRead, Write};
use std::path::Path;

use lheo::reader::{FromNode, ReadOptions, Reader};
use lheo::validate::ValidateOptions;
use lheo::writer::StreamWriter;
use lheo::{Diagnostic, Document, Lang, Severity};

use super::validate::{print_human, validate_source};
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::ImportArgs;
use crate::error::{Failure, Outcome};
use crate::output::{self, Output, Written};
use crate::report::human::{self, HumanOptions};
use crate::source::{self, Input, Pass, Passes, Source};

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
    let input = Input::from_arg(args.input.clone());
    let inputs: Vec<_> = source::identity(&input).into_iter().collect();
    let output = output::check(
        &args.output,
        Written::Feed,
        args.force.force,
        "lheo import",
        &inputs,
    )?;
    let mut source = Source::open(&input, Passes::Several, output.folder(), lang)?;
    source.refuse_unreadable()?;

    let options = ValidateOptions::new(profile);
    let human_options = HumanOptions {
        lang,
        color: stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: false,
    };
    if source.workbook().is_some() {
        return import_workbook(&mut source, &output, &options, &human_options);
    }
    let validated = validate_source(&mut source, &options, lang, true)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = print_human(&mut out, &validated, &human_options, false);
    if let Err(e) = printed.and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Failure, lang));
    }
    if !validated.file.report.is_valid() {
        print_not_written(output.shown(), lang);
        return Ok(Outcome::Findings);
    }

    let converted = envelope(&mut source).and_then(|head| {
        output.write(
            |w| convert(&mut source, output.shown(), &head, w),
            |e| ConvertError::Failed(Failure::write(output.shown(), &e)),
        )
    });
    let name = source.display().to_owned();
    match converted {
        Ok(()) => {}
        Err(ConvertError::Failed(f)) => return Err(f),
        Err(ConvertError::Refused(refusal)) => {
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
            print_not_written(output.shown(), lang);
            return Ok(Outcome::Findings);
        }
    }
    let from = validated
        .file
        .report
        .version
        .map_or_else(|| "LHEO".to_owned(), |v| format!("LHEO {}", v.as_str()));
    let o = output.shown().display();
    let done = match lang {
        Lang::Fr => format!("« {name} » ({from}) importé dans « {o} » (LHEO 2.3)"),
        Lang::En => format!("\"{name}\" ({from}) imported into \"{o}\" (LHEO 2.3)"),
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
    source: &mut Source,
    output: &Output,
    options: &ValidateOptions,
    human_options: &HumanOptions,
) -> Result<Outcome, Failure> {
    let lang = human_options.lang;
    let (validated, imported) = super::workbook::validate_workbook(source, options)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = print_human(&mut out, &validated, human_options, false);
    if let Err(e) = printed.and_then(|()| out.flush()) {
        return Ok(stdout_error(&e, Outcome::Failure, lang));
    }
    if !validated.file.report.is_valid() {
        print_not_written(output.shown(), lang);
        return Ok(Outcome::Findings);
    }
    let written = output.write(
        |w| imported.write_feed(w).map(|_| ()),
        lheo::workbook::WorkbookError::Io,
    );
    let name = source.display();
    match written {
        Ok(()) => {}
        Err(lheo::workbook::WorkbookError::Io(e)) => {
            return Err(Failure::write(output.shown(), &e))
        }
        Err(e) => {
            print_failure(
                &Failure::new(
                    format!("« {name} » ne peut pas être converti : {e}"),
                    format!("\"{name}\" cannot be converted: {e}"),
                ),
                lang,
            );
            print_not_written(output.shown(), lang);
            return Ok(Outcome::Findings);
        }
    }
    let o = output.shown().display();
    let done = match lang {
        Lang::Fr => format!("« {name} » (classeur) importé dans « {o} » (LHEO 2.3)"),
        Lang::En => format!("\"{name}\" (workbook) imported into \"{o}\" (LHEO 2.3)"),
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

/// One more reading of the input, and its end (a read error, a file that changed).
fn reading<T>(
    source: &mut Source,
    read: impl FnOnce(Pass) -> Result<T, ConvertError>,
) -> Result<T, ConvertError> {
    let pass = source.pass().map_err(ConvertError::Failed)?;
    let tracker = pass.tracker();
    let result = read(pass);
    source.end(&tracker).map_err(ConvertError::Failed)?;
    result
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
fn envelope(source: &mut Source) -> Result<Document, ConvertError> {
    reading(source, envelope_of)
}

fn envelope_of(input: impl BufRead) -> Result<Document, ConvertError> {
    let options = ReadOptions {
        check: None,
        build: true,
        stream_records: true,
        ..ReadOptions::default()
    };
    let mut reader = Reader::with_options(input, options)
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
    source: &mut Source,
    output: &Path,
    head: &Document,
    out: &mut (dyn Write + Send),
) -> Result<(), ConvertError> {
    reading(source, |input| convert_records(input, output, head, out))
}

fn convert_records(
    input: impl BufRead,
    output: &Path,
    head: &Document,
    out: &mut (dyn Write + Send),
) -> Result<(), ConvertError> {
    let write_error = |e: io::Error| {
        if e.kind() == io::ErrorKind::InvalidData {
            // The writer refuses what XML cannot carry rather than write ill-formed output.
            unconvertible(e)
        } else {
            ConvertError::Failed(Failure::write(output, &e))
        }
    };
    let mut reader =
        Reader::new(input).map_err(|d| ConvertError::Refused(Refusal::Invalid(Box::new(d))))?;
    let mut writer = StreamWriter::new(out, head).map_err(write_error)?;
    while let Some(record) = reader.next_record() {
        let record = record.map_err(unconvertible)?;
        writer.write_record(&record).map_err(write_error)?;
    }
    stopped(&mut reader)?;
    writer.finish().map_err(write_error)?;
    Ok(())
}
