//! `lheo diff OLD NEW`: what changed between two feeds (exit 0 same data, 1 differences,
//! 2 could not compare).
//!
//! Either side may be LHEO XML (2.0 to 2.3) or a workbook; the standard input (`-`, one side
//! only) is copied to a temporary file first, since each side is read twice (see
//! `lheo::diff::engine`). A progress bar follows the bytes read when the feeds are large and
//! stderr is a terminal.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use lheo::diff::{self, DiffOptions, Ignore, Side, Source, XmlSource};
use lheo::ErrorKind;
use lheo::Lang;

use super::workbook::is_workbook;
use super::{print_failure, stdout_color, stdout_error};
use crate::cli::{DiffArgs, DiffFormat};
use crate::error::{Failure, Outcome};
use crate::progress::Progress;
use crate::report::diff_human::{HumanDiff, HumanDiffOptions};
use crate::report::diff_json::JsonDiff;
use crate::source::Input;

/// One side, ready to be read (twice).
enum Prepared {
    /// An XML file (or the copy of the standard input).
    Xml {
        path: PathBuf,
        size: u64,
        _copy: Option<tempfile::NamedTempFile>,
    },
    /// A workbook, turned into LHEO 2.3 XML in memory.
    Workbook(Vec<u8>),
}

/// A file reader that moves the progress bar.
struct Counted {
    file: File,
    bar: Option<ProgressBar>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

fn prepare(input: &Input, lang: Lang) -> Result<Prepared, Failure> {
    let path = match input {
        Input::Stdin => {
            let mut copy = tempfile::NamedTempFile::new()
                .map_err(|e| Failure::write(Path::new("<fichier temporaire>"), &e))?;
            let name = PathBuf::from(input.display_name(lang));
            io::copy(&mut io::stdin().lock(), copy.as_file_mut())
                .map_err(|e| Failure::read(&name, &e))?;
            let size = copy.as_file().metadata().map(|m| m.len()).unwrap_or(0);
            return Ok(Prepared::Xml {
                path: copy.path().to_path_buf(),
                size,
                _copy: Some(copy),
            });
        }
        Input::File(p) => p,
    };
    let meta = std::fs::metadata(path).map_err(|e| Failure::read(path, &e))?;
    if meta.is_dir() {
        return Err(Failure::read(
            path,
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    // Opening now gives the usual message for an unreadable file.
    File::open(path).map_err(|e| Failure::read(path, &e))?;
    if is_workbook(path) {
        return workbook(path);
    }
    Ok(Prepared::Xml {
        path: path.clone(),
        size: meta.len(),
        _copy: None,
    })
}

/// Reads a workbook into LHEO XML; a workbook with errors cannot be compared.
fn workbook(path: &Path) -> Result<Prepared, Failure> {
    let name = path.display();
    let file = File::open(path).map_err(|e| Failure::read(path, &e))?;
    let imported =
        lheo::workbook::read_workbook(BufReader::new(file)).map_err(|e| match e.io() {
            Some(io) => Failure::read(path, io),
            None => Failure::new(
                format!("impossible de lire « {name} » : {e}"),
                format!("cannot read \"{name}\": {e}"),
            ),
        })?;
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

/// The source of a prepared side.
fn source<'p>(p: &'p Prepared, bar: Option<ProgressBar>) -> Box<dyn Source + 'p> {
    match p {
        Prepared::Xml { path, .. } => {
            let path = path.clone();
            Box::new(XmlSource::new(move || {
                File::open(&path).map(|file| {
                    BufReader::with_capacity(
                        256 * 1024,
                        Counted {
                            file,
                            bar: bar.clone(),
                        },
                    )
                })
            }))
        }
        Prepared::Workbook(xml) => Box::new(XmlSource::new(move || Ok(&xml[..]))),
    }
}

fn size(p: &Prepared) -> u64 {
    match p {
        Prepared::Xml { size, .. } => *size,
        Prepared::Workbook(xml) => xml.len() as u64,
    }
}

/// A comparison error as a one-line failure naming the file.
fn failure(e: &lheo::Error, old: &str, new: &str) -> Failure {
    let name = |side: Side| if side == Side::Old { old } else { new };
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
