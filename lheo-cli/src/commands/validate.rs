//! `lheo validate [FILE|-]...`: checks each input, prints a report, and exits with the worst
//! outcome (0 valid, 1 findings, 2 could not run).

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use lheo::validate::{validate, ValidateOptions};
use lheo::{Diagnostic, Lang, Location};

use super::{print_failure, stdout_color, stdout_error};
use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::{Failure, Outcome};
use crate::output::{self, Written};
use crate::progress::Progress;
use crate::report::html::{self, HtmlFile, HtmlOptions};
use crate::report::human::{self, HumanOptions};
use crate::report::view::{FileView, Shown, HTML_PER_RULE};
use crate::report::{columns, csv, gitlab, json, junit, passes, sarif, FileReport};
use crate::source::{self, Input, Source};

/// Where the lines shown under diagnostics can be read again.
pub type ExcerptSource = source::Lines;

/// One validated input.
pub struct Validated {
    /// The report, named for machines.
    pub file: FileReport,
    /// The name shown to people.
    pub display: String,
    /// Where to read excerpts from.
    pub excerpts: ExcerptSource,
}

/// Validates one input. `keep_copy` copies a stream (the standard input, a pipe) for
/// excerpts; `progress` allows a progress bar.
pub fn validate_input(
    input: &Input,
    options: &ValidateOptions,
    lang: Lang,
    keep_copy: bool,
    progress: bool,
) -> Result<Validated, Failure> {
    let passes = source::Passes::One { keep_copy };
    let mut source = Source::open(input, passes, &std::env::temp_dir(), lang)?;
    let mut validated = validate_source(&mut source, options, lang, progress)?;
    if matches!(validated.excerpts, ExcerptSource::File(_)) {
        validated.excerpts = source.into_lines();
    }
    Ok(validated)
}

/// Validates an opened input (its next reading); the excerpts come from its file while it
/// lives. Inputs `lheo` does not read are refused with the sentence that says what they are.
pub fn validate_source(
    source: &mut Source,
    options: &ValidateOptions,
    lang: Lang,
    progress: bool,
) -> Result<Validated, Failure> {
    source.refuse_unreadable()?;
    if source.workbook().is_some() {
        return super::workbook::validate_workbook(source, options).map(|(v, _)| v);
    }
    let display = source.display().to_owned();
    let pass = source.pass()?;
    let tracker = pass.tracker();
    let bar = Progress::new(&display, source.size(), progress, lang);
    // The bar follows the bytes read from the input (the library's own progress callback is
    // only called between records, which can be rare).
    tracker.set_progress(bar.bar());
    let report = validate(pass, options);
    bar.finish();
    source.end(&tracker)?;
    Ok(Validated {
        file: FileReport {
            name: source.machine_name().to_owned(),
            report,
        },
        display,
        excerpts: source.lines(),
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
        let excerpts = validated.excerpts.excerpts_at(&view.places());
        human::write_view(out, &validated.display, &view, &excerpts, options)?;
    }
    human::write_summary(
        out,
        &validated.display,
        &validated.file.report.counts(),
        options,
    )
}

/// The character columns of the byte columns `places` in the source `lines` (none when it
/// cannot be read again: see [`report::columns`](crate::report::columns)).
fn char_columns(lines: &ExcerptSource, places: &[(u32, u32)]) -> HashMap<(u32, u32), u32> {
    let Some(path) = lines.path() else {
        return HashMap::new();
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
    let inputs = match inputs(args.files.clone()) {
        Ok(i) => i,
        Err(f) => {
            print_failure(&f, lang);
            return Outcome::Failure;
        }
    };
    // `-o FILE`: checked before anything is read (`-o -` is the standard output).
    let report_file = match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        None => None,
        Some(path) => {
            let ids: Vec<_> = inputs.iter().filter_map(source::identity).collect();
            match output::check(path, Written::Report, false, "lheo validate", &ids) {
                Ok(o) => Some(o),
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
    if let Some(rentree) = args.rentree {
        options = options.with_rentree(rentree);
    }
    let format = args.format;
    let human = format == ReportFormat::Human;
    let human_options = HumanOptions {
        lang,
        color: human && report_file.is_none() && stdout_color(),
        limit: match args.max_per_rule {
            Some(0) => usize::MAX,
            Some(n) => n,
            None => human::DEFAULT_LIMIT,
        },
        deny_warnings: args.deny_warnings,
        severity: args.severity.severity(),
    };
    let mut stdout = io::stdout().lock();
    // The human report goes to the terminal as each file is read, or, for a report file, is
    // kept here until the file is written.
    let mut kept: Vec<u8> = Vec::new();
    let mut outcome = Outcome::Success;
    // The source lines are read again for excerpts (human, HTML) and columns (SARIF): a copy
    // of the standard input is kept for them.
    let rereads =
        matches!(format, ReportFormat::Html | ReportFormat::Sarif) || (human && !args.quiet);
    let mut files = Vec::new();
    let mut sources = Vec::new();
    // Each file's name and counts, for the terminal when the report goes to a file.
    let mut summaries = Vec::new();
    let mut tally = Tally::default();
    for input in &inputs {
        match validate_input(input, &options, lang, rereads, !args.quiet) {
            Ok(v) => {
                let counts = v.file.report.counts();
                if passes(&counts, args.deny_warnings) {
                    tally.valid += 1;
                } else {
                    tally.invalid += 1;
                    outcome = outcome.max(Outcome::Findings);
                }
                summaries.push((v.display.clone(), counts));
                if human {
                    // Print as we go: people see the first file's report while the next one is
                    // read.
                    let separate = !args.quiet && inputs.len() > 1;
                    let out: &mut dyn Write = match report_file {
                        Some(_) => &mut kept,
                        None => &mut stdout,
                    };
                    if let Err(e) = print_human(out, &v, &human_options, args.quiet)
                        .and_then(|()| if separate { writeln!(out) } else { Ok(()) })
                        .and_then(|()| out.flush())
                    {
                        return stdout_error(&e, outcome, lang);
                    }
                } else {
                    files.push(v.file);
                    sources.push((v.display, v.excerpts));
                }
            }
            Err(f) => {
                let _ = stdout.flush();
                print_failure(&f, lang);
                tally.unreadable += 1;
                outcome = Outcome::Failure;
            }
        }
    }
    let referentiels = options
        .referentiels
        .as_deref()
        .map(|r| r.sources())
        .unwrap_or(&[]);
    let report = Report {
        args: &args,
        files: &files,
        sources: &sources,
        referentiels,
        human_options: &human_options,
        several: inputs.len() > 1,
        tally,
    };
    let Some(report_file) = report_file else {
        if let Err(e) = report.write(&mut stdout).and_then(|()| stdout.flush()) {
            return stdout_error(&e, outcome, lang);
        }
        return outcome;
    };
    let written = report_file.write(
        |w| {
            w.write_all(&kept)?;
            report.write(w)
        },
        |e| e,
    );
    if let Err(e) = written {
        print_failure(&Failure::write(report_file.shown(), &e), lang);
        return Outcome::Failure;
    }
    // The report is kept in its file; the terminal shows each file's verdict, and where.
    let terminal = HumanOptions {
        color: stdout_color(),
        ..human_options
    };
    let summary = summaries
        .iter()
        .try_for_each(|(name, counts)| human::write_summary(&mut stdout, name, counts, &terminal))
        .and_then(|()| {
            if inputs.len() > 1 {
                human::write_total(
                    &mut stdout,
                    tally.valid,
                    tally.invalid,
                    tally.unreadable,
                    &terminal,
                )
            } else {
                Ok(())
            }
        })
        .and_then(|()| {
            writeln!(
                stdout,
                "{}",
                report_written(format, report_file.shown(), lang)
            )
        })
        .and_then(|()| stdout.flush());
    if let Err(e) = summary {
        return stdout_error(&e, outcome, lang);
    }
    outcome
}

/// How many files were valid, invalid, unreadable.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    valid: usize,
    invalid: usize,
    unreadable: usize,
}

/// What is left to write once every file is read: the whole report (machine formats, HTML),
/// or the end of the human one.
struct Report<'a> {
    args: &'a ValidateArgs,
    files: &'a [FileReport],
    sources: &'a [(String, ExcerptSource)],
    referentiels: &'a [lheo::referentiels::Source],
    human_options: &'a HumanOptions,
    several: bool,
    tally: Tally,
}

impl Report<'_> {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let args = self.args;
        let lang = self.human_options.lang;
        let (files, sources) = (self.files, self.sources);
        match args.format {
            ReportFormat::Human => {
                if !args.quiet {
                    // The referentials the codes were checked against, once for all the files.
                    super::referentiels::write_used(out, self.referentiels, lang)?;
                }
                if self.several {
                    let t = self.tally;
                    human::write_total(out, t.valid, t.invalid, t.unreadable, self.human_options)?;
                }
                Ok(())
            }
            ReportFormat::Json => json::write(out, files, lang, args.deny_warnings),
            ReportFormat::Junit => junit::write(out, files, lang, args.deny_warnings),
            ReportFormat::Csv => csv::write(out, files, lang),
            ReportFormat::Gitlab => gitlab::write(out, files, lang),
            ReportFormat::Sarif => {
                let columns: Vec<_> = files
                    .iter()
                    .zip(sources)
                    .map(|(f, (_, lines))| char_columns(lines, &xml_places(&f.report.diagnostics)))
                    .collect();
                sarif::write(out, files, &columns, lang)
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
                    .zip(sources)
                    .map(|(f, (display, lines))| {
                        HtmlFile::new(display, &f.report, &shown, |places| {
                            lines.excerpts_at(places)
                        })
                    })
                    .collect();
                let html_options = HtmlOptions {
                    lang,
                    shown,
                    deny_warnings: args.deny_warnings,
                    unreadable: self.tally.unreadable,
                    referentiels: self.referentiels,
                };
                html::render(out, &pages, &html_options)
            }
        }
    }
}

/// The places (line, column) of the findings in XML.
fn xml_places(diagnostics: &[Diagnostic]) -> Vec<(u32, u32)> {
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
