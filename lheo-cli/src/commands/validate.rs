//! `lheo validate [FILE|-]...`: checks each input, prints a report, and exits with the worst
//! outcome (0 valid, 1 findings, 2 could not run).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use lheo::validate::{validate, ValidateOptions};
use lheo::Lang;

use super::{print_failure, stdout_color, stdout_error};
use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::human::{self, HumanOptions};
use crate::report::{json, junit, passes, FileReport};
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
        let shown = &diagnostics[..diagnostics.len().min(options.limit)];
        let excerpts = validated.excerpts.excerpts(shown);
        human::write_diagnostics(out, &validated.display, diagnostics, &excerpts, options)?;
    }
    human::write_summary(
        out,
        &validated.display,
        &validated.file.report.counts(),
        options,
    )
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
    let human = args.format == ReportFormat::Human;
    let human_options = HumanOptions {
        lang,
        color: human && stdout_color(),
        limit: human::DEFAULT_LIMIT,
        deny_warnings: args.deny_warnings,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut outcome = Outcome::Success;
    let mut reports = Vec::new();
    let (mut valid, mut invalid, mut unreadable) = (0, 0, 0);
    for input in &inputs {
        let keep_copy = human && !args.quiet;
        match validate_input(input, &options, lang, keep_copy, !args.quiet) {
            Ok(v) => {
                if passes(&v.file.report.counts(), args.deny_warnings) {
                    valid += 1;
                } else {
                    invalid += 1;
                    outcome = outcome.max(Outcome::Findings);
                }
                if human {
                    // Print as we go: people see the first file's report while the next one is
                    // read.
                    let separate = !args.quiet && inputs.len() > 1;
                    if let Err(e) = print_human(&mut out, &v, &human_options, args.quiet)
                        .and_then(|()| if separate { writeln!(out) } else { Ok(()) })
                        .and_then(|()| out.flush())
                    {
                        return stdout_error(&e, outcome, lang);
                    }
                } else {
                    reports.push(v.file);
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
    if human && !args.quiet {
        // The referentials the codes were checked against, once for all the files.
        let sources = options.referentiels.as_deref().map(|r| r.sources());
        if let Err(e) = super::referentiels::write_used(&mut out, sources.unwrap_or(&[]), lang) {
            return stdout_error(&e, outcome, lang);
        }
    }
    let written = match args.format {
        ReportFormat::Human if inputs.len() > 1 => {
            human::write_total(&mut out, valid, invalid, unreadable, &human_options)
        }
        ReportFormat::Human => Ok(()),
        ReportFormat::Json => json::write(&mut out, &reports, lang, args.deny_warnings),
        ReportFormat::Junit => junit::write(&mut out, &reports, lang, args.deny_warnings),
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        return stdout_error(&e, outcome, lang);
    }
    outcome
}
