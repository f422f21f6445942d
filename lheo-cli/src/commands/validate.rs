//! `lheo validate [FILE|-]...`: checks each input, prints a report, and exits with the worst
//! outcome (0 valid, 1 findings, 2 could not run).

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use lheo::validate::{validate, ValidateOptions};
use lheo::{Lang, Location};

use super::{print_failure, stdout_color, stdout_error};
use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::html::{self, HtmlFile, HtmlOptions};
use crate::report::human::{self, HumanOptions};
use crate::report::sink::{self, Sink};
use crate::report::view::{FileView, Shown, HTML_PER_RULE};
use crate::report::{columns, csv, gitlab, json, junit, passes, sarif, FileReport};
use crate::source::{self, Excerpts, Input};

/// Where the lines shown under diagnostics can be read again.
pub enum ExcerptSource {
    /// The input file itself.
    File(PathBuf),
    /// A copy of the standard input.
    Copy(tempfile::NamedTempFile),
    /// Nowhere: no excerpts.
    None,
}

/// One validated input.
pub struct Validated {
    /// The report, named for machines.
    pub file: FileReport,
    /// The name shown to people.
    pub display: String,
    /// Where to read excerpts from.
    pub excerpts: ExcerptSource,
}

/// Validates one input. `keep_copy` copies the standard input for excerpts; `progress`
/// allows a progress bar.
pub fn validate_input(
    input: &Input,
    options: &ValidateOptions,
    lang: Lang,
    keep_copy: bool,
    progress: bool,
) -> Result<Validated, Failure> {
    if let Input::File(p) = input {
        if super::workbook::is_workbook(p) {
            return super::workbook::validate_workbook(p, options).map(|(v, _)| v);
        }
    }
    let display = input.display_name(lang);
    let mut opened = source::open(input, keep_copy)?;
    let bar = Progress::new(&display, opened.size, progress, lang);
    // The bar follows the bytes read from the input (the library's own progress callback is
    // only called between records, which can be rare).
    opened.reader.get_mut().set_progress(bar.bar());
    let report = validate(opened.reader, options);
    bar.finish();
    if let Some(error) = opened.tracker.take_error() {
        let path = match input {
            Input::File(p) => p.clone(),
            Input::Stdin => PathBuf::from(&display),
        };
        return Err(Failure::read(&path, &error));
    }
    let excerpts = match (input, opened.copy) {
        (Input::File(p), _) => ExcerptSource::File(p.clone()),
        (Input::Stdin, Some(copy)) => ExcerptSource::Copy(copy),
        (Input::Stdin, None) => ExcerptSource::None,
    };
    Ok(Validated {
        file: FileReport {
            name: input.machine_name(),
            report,
        },
        display,
        excerpts,
    })
}

/// Prints one validated input for people: its diagnostics (unless `quiet`) and its summary.
pub fn print_human(
    out: &mut dyn Write,
    validated: &Validated,
    options: &HumanOptions,
    quiet: bool,
) -> io::Result<()> {
    let diagnostics = &validated.file.report.diagnostics;
    if !quiet {
        let view = FileView::new(diagnostics, &options.shown());
        let excerpts = excerpts(&validated.excerpts, &view.places());
        human::write_view(out, &validated.display, &view, &excerpts, options)?;
    }
    human::write_summary(
        out,
        &validated.display,
        &validated.file.report.counts(),
        options,
    )
}

/// The excerpts of `places` in the source `lines` (none when it cannot be read again).
fn excerpts(lines: &ExcerptSource, places: &[(u32, u32)]) -> Excerpts {
    match lines {
        ExcerptSource::File(p) => source::excerpts_from_file(p, places),
        ExcerptSource::Copy(c) => source::excerpts_from_file(c.path(), places),
        ExcerptSource::None => Excerpts::new(),
    }
}

/// The character columns of the byte columns `places` in the source `lines` (none when it
/// cannot be read again: see [`report::columns`](crate::report::columns)).
fn char_columns(lines: &ExcerptSource, places: &[(u32, u32)]) -> HashMap<(u32, u32), u32> {
    let path = match lines {
        ExcerptSource::File(p) => p.as_path(),
        ExcerptSource::Copy(c) => c.path(),
        ExcerptSource::None => return HashMap::new(),
    };
    if places.is_empty() {
        return HashMap::new();
    }
    let Ok(file) = std::fs::File::open(path) else {
        return HashMap::new();
    };
    match lheo::reader::utf8(io::BufReader::with_capacity(64 * 1024, file)) {
        Ok((utf8, _)) => columns::char_columns(utf8, places).unwrap_or_default(),
        Err(_) => HashMap::new(),
    }
}

/// The inputs to read: the arguments, or the standard input when there are none and it is
/// not a terminal.
fn inputs(files: Vec<PathBuf>) -> Result<Vec<Input>, Failure> {
    let inputs: Vec<Input> = if files.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Failure::new(
                "aucun fichier à valider : indiquez un ou plusieurs fichiers, ou « - » pour lire \
                 l'entrée standard (lheo validate --help)",
                "no file to validate: give one or more files, or \"-\" to read the standard \
                 input (lheo validate --help)",
            ));
        }
        vec![Input::Stdin]
    } else {
        files.into_iter().map(Input::from_arg).collect()
    };
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(Failure::new(
            "« - » (l'entrée standard) ne peut être donné qu'une fois",
            "\"-\" (the standard input) can be given only once",
        ));
    }
    Ok(inputs)
}

/// Runs `lheo validate`.
pub fn run(args: ValidateArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    let profile = args.profile.profile.profile();
    let inputs = match inputs(args.files) {
        Ok(i) => i,
        Err(f) => {
            print_failure(&f, lang);
            return Outcome::Failure;
        }
    };
    // `-o FILE`: checked before anything is read (`-o -` is the standard output).
    let mut out = match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        None => Sink::Stdout(io::stdout().lock()),
        Some(path) => {
            let files: Vec<PathBuf> = inputs
                .iter()
                .filter_map(|i| match i {
                    Input::File(p) => Some(p.clone()),
                    Input::Stdin => None,
                })
                .collect();
            let created = sink::check(path, &files)
                .and_then(|f| f.create().map_err(|e| Failure::write(path, &e)));
            match created {
                Ok(w) => Sink::File(w),
                Err(f) => {
                    print_failure(&f, lang);
                    return Outcome::Failure;
                }
            }
        }
    };
    let referentiels = match super::referentiels::load(&args.referentiels.referentiels) {
        Ok(r) => r,
        Err(f) => {
            print_failure(&f, lang);
            return Outcome::Failure;
        }
    };
    let mut options = ValidateOptions::new(profile)
        .with_threads(args.threads)
        .with_referentiels(referentiels);
    if let Some(today) = args.today {
        options = options.with_today(today);
    }
    if let Some(bytes) = args.chunk_bytes {
        options = options.with_chunk_bytes(bytes);
    }
    let to_file = out.path().map(Path::to_path_buf);
    let human = args.format == ReportFormat::Human;
    let human_options = HumanOptions {
        lang,
        color: human && to_file.is_none() && stdout_color(),
        limit: match args.max_per_rule {
            Some(0) => usize::MAX,
            Some(n) => n,
            None => human::DEFAULT_LIMIT,
        },
        deny_warnings: args.deny_warnings,
        severity: args.severity.severity(),
    };
    // Writing the report failed: on the standard output (a closed pipe ends quietly), or in
    // the report file (left as it was).
    let failed = |e: &io::Error, outcome: Outcome| match &to_file {
        None => stdout_error(e, outcome, lang),
        Some(path) => {
            print_failure(&Failure::write(path, e), lang);
            Outcome::Failure
        }
    };
    let mut outcome = Outcome::Success;
    let format = args.format;
    // The source lines are read again for excerpts (human, HTML) and columns (SARIF): a copy
    // of the standard input is kept for them.
    let rereads =
        matches!(format, ReportFormat::Html | ReportFormat::Sarif) || (human && !args.quiet);
    let mut files = Vec::new();
    let mut sources = Vec::new();
    // Each file's name and counts, for the terminal when the report goes to a file.
    let mut summaries = Vec::new();
    let (mut valid, mut invalid, mut unreadable) = (0, 0, 0);
    for input in &inputs {
        match validate_input(input, &options, lang, rereads, !args.quiet) {
            Ok(v) => {
                let counts = v.file.report.counts();
                if passes(&counts, args.deny_warnings) {
                    valid += 1;
                } else {
                    invalid += 1;
                    outcome = outcome.max(Outcome::Findings);
                }
                summaries.push((v.display.clone(), counts));
                if human {
                    // Print as we go: people see the first file's report while the next one is
                    // read.
                    let separate = !args.quiet && inputs.len() > 1;
                    if let Err(e) = print_human(&mut out, &v, &human_options, args.quiet)
                        .and_then(|()| if separate { writeln!(out) } else { Ok(()) })
                        .and_then(|()| out.flush())
                    {
                        return failed(&e, outcome);
                    }
                } else {
                    files.push(v.file);
                    sources.push((v.display, v.excerpts));
                }
            }
            Err(f) => {
                let _ = out.flush();
                print_failure(&f, lang);
                unreadable += 1;
                outcome = Outcome::Failure;
            }
        }
    }
    let referentiels = options
        .referentiels
        .as_deref()
        .map(|r| r.sources())
        .unwrap_or(&[]);
    if human && !args.quiet {
        // The referentials the codes were checked against, once for all the files.
        if let Err(e) = super::referentiels::write_used(&mut out, referentiels, lang) {
            return failed(&e, outcome);
        }
    }
    let written = match format {
        ReportFormat::Human if inputs.len() > 1 => {
            human::write_total(&mut out, valid, invalid, unreadable, &human_options)
        }
        ReportFormat::Human => Ok(()),
        ReportFormat::Json => json::write(&mut out, &files, lang, args.deny_warnings),
        ReportFormat::Junit => junit::write(&mut out, &files, lang, args.deny_warnings),
        ReportFormat::Csv => csv::write(&mut out, &files, lang),
        ReportFormat::Gitlab => gitlab::write(&mut out, &files, lang),
        ReportFormat::Sarif => {
            let columns: Vec<_> = files
                .iter()
                .zip(&sources)
                .map(|(f, (_, lines))| char_columns(lines, &xml_places(&f.report.diagnostics)))
                .collect();
            sarif::write(&mut out, &files, &columns, lang)
        }
        ReportFormat::Html => {
            let shown = Shown {
                severity: args.severity.severity(),
                per_rule: match args.max_per_rule {
                    Some(0) => None,
                    Some(n) => Some(n),
                    None => Some(HTML_PER_RULE),
                },
            };
            let pages: Vec<HtmlFile> = files
                .iter()
                .zip(&sources)
                .map(|(f, (display, lines))| {
                    HtmlFile::new(display, &f.report, &shown, |places| excerpts(lines, places))
                })
                .collect();
            let html_options = HtmlOptions {
                lang,
                shown,
                deny_warnings: args.deny_warnings,
                unreadable,
                referentiels,
            };
            html::render(&mut out, &pages, &html_options)
        }
    };
    if let Err(e) = written.and_then(|()| out.finish()) {
        return failed(&e, outcome);
    }
    if let Some(path) = &to_file {
        // The report is kept in its file; the terminal shows where, and each file's verdict.
        let terminal = HumanOptions {
            color: stdout_color(),
            ..human_options
        };
        let mut term = io::stdout().lock();
        let summary = summaries
            .iter()
            .try_for_each(|(name, counts)| human::write_summary(&mut term, name, counts, &terminal))
            .and_then(|()| {
                if inputs.len() > 1 {
                    human::write_total(&mut term, valid, invalid, unreadable, &terminal)
                } else {
                    Ok(())
                }
            })
            .and_then(|()| writeln!(term, "{}", report_written(format, path, lang)))
            .and_then(|()| term.flush());
        if let Err(e) = summary {
            return stdout_error(&e, outcome, lang);
        }
    }
    outcome
}

/// The places (line, column) of the findings in XML.
fn xml_places(diagnostics: &[lheo::Diagnostic]) -> Vec<(u32, u32)> {
    diagnostics
        .iter()
        .filter_map(|d| match d.location {
            Location::Xml { line, column } => Some((line, column)),
            _ => None,
        })
        .collect()
}

/// `rapport html écrit dans « rapport.html »`.
fn report_written(format: ReportFormat, path: &Path, lang: Lang) -> String {
    let name = format
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    match lang {
        Lang::Fr => format!("rapport {name} écrit dans « {} »", path.display()),
        Lang::En => format!("{name} report written to \"{}\"", path.display()),
    }
}
