//! Writes a synthetic LHEO 2.3 feed of any size.
//!
//! ```text
//! cargo run --release --example generate -- --formations 1000 --seed 7 -o feed.xml
//! ```
//!
//! The feed is valid against the official XSD, the LHEO rules and (unless `--no-france-travail`)
//! the France Travail rules; the same arguments always give the same bytes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator, Root};

const USAGE: &str = "\
Génère un flux LHEO 2.3 synthétique, valide (XSD, règles LHEO et France Travail).

Usage : generate --formations N [--seed S] [--root lheo|lheo-index|lheo-plus]
                 [--today AAAA-MM-JJ] [--no-france-travail] [-o FICHIER] [--quiet]

  --formations N        nombre de formations (de resume-offre pour lheo-index)
  --seed S              graine aléatoire (défaut 0) : mêmes arguments, mêmes octets
  --root R              élément racine (défaut lheo)
  --today AAAA-MM-JJ    date de référence des rendez-vous de recrutement (défaut : aujourd'hui)
  --no-france-travail   ne pas imposer les règles France Travail (modalités 7, 8, 9)
  -o, --output FICHIER  fichier de sortie (défaut : sortie standard)
  -q, --quiet           pas de bilan sur la sortie d'erreur
  -h, --help            cette aide";

struct Args {
    options: GenerateOptions,
    output: Option<String>,
    quiet: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut options = GenerateOptions::default();
    let mut formations = None;
    let mut output = None;
    let mut quiet = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} attend une valeur"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--formations" | "-n" => {
                let v = value("--formations")?;
                formations = Some(
                    v.parse()
                        .map_err(|_| format!("--formations : « {v} » n'est pas un nombre"))?,
                );
            }
            "--seed" => {
                let v = value("--seed")?;
                options.seed = v
                    .parse()
                    .map_err(|_| format!("--seed : « {v} » n'est pas un nombre"))?;
            }
            "--root" => {
                options.root = value("--root")?
                    .parse::<Root>()
                    .map_err(|e| e.to_string())?
            }
            "--today" => {
                let v = value("--today")?;
                options.today = NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| format!("--today : « {v} » n'est pas une date AAAA-MM-JJ"))?;
            }
            "--no-france-travail" => options.france_travail = false,
            "-o" | "--output" => output = Some(value("--output")?),
            "-q" | "--quiet" => quiet = true,
            other => return Err(format!("argument inconnu « {other} »")),
        }
    }
    options.formations = formations.ok_or("--formations est obligatoire")?;
    Ok(Some(Args {
        options,
        output,
        quiet,
    }))
}

fn run(args: Args) -> io::Result<()> {
    let generator = Generator::new(args.options);
    let start = Instant::now();
    let summary = match &args.output {
        Some(path) => generator.write(BufWriter::new(File::create(path)?))?,
        None => generator.write(io::stdout().lock())?,
    };
    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let mb = summary.bytes as f64 / 1e6;
        eprintln!(
            "{} formations, {} actions, {} sessions, {} recrutements : {:.1} Mo en {:.2} s ({:.0} Mo/s)",
            summary.formations,
            summary.actions,
            summary.sessions,
            summary.recrutements,
            mb,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 }
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("erreur : {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (`| head`) is a normal end.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(io::stderr(), "erreur : {e}");
                ExitCode::from(2)
            }
        },
    }
}
