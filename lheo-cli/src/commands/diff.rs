//! `lheo diff OLD NEW`: what changed between two feeds (exit 0 same data, 1 differences,
//! 2 could not compare).
//!
//! Either side may be LHEO XML (2.0 to 2.3, plain or gzip) or a workbook; a stream (the
//! standard input `-`, one side only, a pipe, `<(…)`) is copied to a temporary file first,
//! since each side is read twice (see `lheo::diff::engine`), and a file that changes between
//! the readings is refused. A progress bar follows the bytes read when the feeds are large and
//! stderr is a terminal.

use std::io::{self, BufRead, Read, Write};
use std::sync::Mutex;

use indicatif::ProgressBar;
use lheo::diff::{self, DiffOptions, Ignore, Side, Source as Source_, XmlSource};
use lheo::ErrorKind;
use lheo::Lang;

use super::{print_failure, stdout_color, stdout_error};
use crate::cli::{DiffArgs, DiffFormat};
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::diff_human::{HumanDiff, HumanDiffOptions};
use crate::report::diff_json::JsonDiff;
use crate::source::{Input, Pass, Passes, Source, Tracker};

/// One side, ready to be read (twice).
enum Prepared {
    /// XML (a file, or the copy of a stream), plain or gzip.
    Xml(Box<Mutex<Source>>),
    /// A workbook, turned into LHEO 2.3 XML in memory.
    Workbook(Vec<u8>),
}

fn prepare(input: &Input, lang: Lang) -> Result<Prepared, Failure> {
    let mut source = Source::open(input, Passes::Several, &std::env::temp_dir(), lang)?;
    source.refuse_unreadable()?;
    if source.workbook().is_some() {
        return workbook(&mut source);
    }
    Ok(Prepared::Xml(Box::new(Mutex::new(source))))
}

/// Reads a workbook into LHEO XML; a workbook with errors cannot be compared.
fn workbook(source: &mut Source) -> Result<Prepared, Failure> {
    let imported = super::workbook::read(source)?;
    let name = source.display();
    if let Some(d) = imported
        .diagnostics
        .iter()
        .find(|d| d.severity == lheo::Severity::Error)
    {
        let place = match &d.location {
            lheo::Location::Cell { sheet, cell } => format!("{sheet}!{cell} : "),
            _ => String::new(),
        };
        return Err(Failure::new(
            format!(
                "« {name} » : le classeur a des erreurs ({place}{}) ; lheo validate {name} les liste toutes",
                d.text(Lang::Fr)
            ),
            format!(
                "\"{name}\": the workbook has errors ({}{}); lheo validate {name} lists them all",
                place.replace(" : ", ": "),
                d.text(Lang::En)
            ),
        ));
    }
    Ok(Prepared::Workbook(imported.xml))
}

/// A side's reading, which moves the progress bar and, once read to its end, checks that
/// the file did not change.
struct Reading<'p> {
    pass: Pass,
    source: &'p Mutex<Source>,
    tracker: Tracker,
    done: bool,
}

impl Read for Reading<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::source::read_buffered(self, buf)
    }
}

impl BufRead for Reading<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let empty = self.pass.fill_buf()?.is_empty();
        if empty && !self.done {
            self.done = true;
            if let Ok(source) = self.source.lock() {
                source.end(&self.tracker).map_err(io::Error::other)?;
            }
        }
        self.pass.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.pass.consume(amt);
    }
}

/// The source of a prepared side.
fn source<'p>(p: &'p Prepared, bar: Option<ProgressBar>) -> Box<dyn Source_ + 'p> {
    match p {
        Prepared::Xml(source) => Box::new(XmlSource::new(move || {
            let mut guard = source
                .lock()
                .map_err(|_| io::Error::other("source inaccessible"))?;
            let pass = guard.pass().map_err(io::Error::other)?;
            let tracker = pass.tracker();
            tracker.set_progress(bar.clone());
            drop(guard);
            Ok(Reading {
                pass,
                source,
                tracker,
                done: false,
            })
        })),
        Prepared::Workbook(xml) => Box::new(XmlSource::new(move || Ok(&xml[..]))),
    }
}

fn size(p: &Prepared) -> u64 {
    match p {
        Prepared::Xml(source) => source.lock().ok().and_then(|s| s.size()).unwrap_or(0),
        Prepared::Workbook(xml) => xml.len() as u64,
    }
}

/// A comparison error as a one-line failure naming the file.
fn failure(e: &lheo::Error, old: &str, new: &str) -> Failure {
    let name = |side: Side| if side == Side::Old { old } else { new };
    // A reading of ours that failed (a file that changed, a damaged gzip archive).
    if let Some(f) = e
        .io()
        .and_then(|io| io.get_ref())
        .and_then(|inner| inner.downcast_ref::<Failure>())
    {
        return f.clone();
    }
    match (e.kind(), e.side()) {
        (ErrorKind::Changed, Some(side)) => Failure::new(
            format!(
                "« {} » a changé pendant la comparaison (fichier en cours d'écriture ?)",
                name(side)
            ),
            format!(
                "\"{}\" changed during the comparison (file being written?)",
                name(side)
            ),
        ),
        (_, Some(side)) => Failure::new(
            format!("« {} » : {}", name(side), e.text(Lang::Fr)),
            format!("\"{}\": {}", name(side), e.text(Lang::En)),
        ),
        _ => Failure::new(e.text(Lang::Fr), e.text(Lang::En)),
    }
}

fn ignore_rules(rules: &[String]) -> Result<Vec<Ignore>, Failure> {
    rules
        .iter()
        .map(|r| {
            r.parse::<Ignore>()
                .map_err(|e| Failure::new(e.text(Lang::Fr), e.text(Lang::En)))
        })
        .collect()
}

/// Runs `lheo diff`.
pub fn run(args: DiffArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    match compare(args, lang) {
        Ok(outcome) => outcome,
        Err(f) => {
            print_failure(&f, lang);
            Outcome::Failure
        }
    }
}

fn compare(args: DiffArgs, lang: Lang) -> Result<Outcome, Failure> {
    let options = DiffOptions::default()
        .with_ignore(ignore_rules(&args.ignore)?)
        .with_exact_whitespace(args.exact_whitespace);
    let (old_in, new_in) = (Input::from_arg(args.old), Input::from_arg(args.new));
    if old_in == Input::Stdin && new_in == Input::Stdin {
        return Err(Failure::new(
            "« - » (l'entrée standard) ne peut être donné qu'une fois",
            "\"-\" (the standard input) can be given only once",
        ));
    }
    let (old_name, new_name) = (old_in.display_name(lang), new_in.display_name(lang));
    let old = prepare(&old_in, lang)?;
    let new = prepare(&new_in, lang)?;

    // Each side is read twice at most: the bar counts all four readings.
    let total = 2 * (size(&old) + size(&new));
    let label = match lang {
        Lang::Fr => format!("{old_name} et {new_name}"),
        Lang::En => format!("{old_name} and {new_name}"),
    };
    let progress = Progress::new(&label, Some(total), !args.quiet, lang);
    let bar = progress.bar();
    let (old_src, new_src) = (source(&old, bar.clone()), source(&new, bar));

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match args.format {
        DiffFormat::Human => {
            let mut w = HumanDiff::new(
                &mut out,
                HumanDiffOptions {
                    lang,
                    color: stdout_color(),
                    quiet: args.quiet,
                },
            );
            let summary = diff::diff(&*old_src, &*new_src, &options, &mut |c| w.change(&c));
            summary.and_then(|s| {
                w.finish(&s, &old_name, &new_name)
                    .map(|()| s)
                    .map_err(lheo::Error::from)
            })
        }
        DiffFormat::Json => {
            let machine = |i: &Input| i.machine_name();
            let mut w = JsonDiff::new(&mut out, &machine(&old_in), &machine(&new_in));
            let summary = diff::diff(&*old_src, &*new_src, &options, &mut |c| w.change(&c));
            summary.and_then(|s| w.finish(&s).map(|()| s).map_err(lheo::Error::from))
        }
    };
    progress.finish();
    match result {
        Ok(summary) => {
            let outcome = if summary.is_empty() {
                Outcome::Success
            } else {
                Outcome::Findings
            };
            match out.flush() {
                Ok(()) => Ok(outcome),
                Err(e) => Ok(stdout_error(&e, outcome, lang)),
            }
        }
        // Writing the report failed (no side: neither feed is at fault).
        Err(e) if e.side().is_none() && e.io().is_some() => match e.io() {
            Some(io) => Ok(stdout_error(io, Outcome::Findings, lang)),
            None => Err(failure(&e, &old_name, &new_name)),
        },
        Err(e) => {
            let _ = out.flush();
            Err(failure(&e, &old_name, &new_name))
        }
    }
}
