//! `lheo referentiels PATH…`: what the referential files hold (kind, format, date, entries,
//! size), so that a person can check a download before validating with `--referentiels`; and
//! the loading `validate` and `import` share.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use lheo::referentiels::{Kind, Referentiels, Source};
use lheo::Lang;

use super::{print_failure, stdout_error};
use crate::cli::ReferentielsArgs;
use crate::error::{Failure, Outcome};

/// Loads the referentials given with `--referentiels` (`None` when there are none).
pub fn load(paths: &[PathBuf]) -> Result<Option<Arc<Referentiels>>, Failure> {
    if paths.is_empty() {
        return Ok(None);
    }
    Referentiels::load(paths)
        .map(|r| Some(Arc::new(r)))
        .map_err(|e| Failure::new(e.text(Lang::Fr), e.text(Lang::En)))
}

/// `1 234 567` (French) or `1,234,567`.
fn grouped(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// What a referential holds, in one line: `RNCP : export CSV France Compétences du
/// 22/02/2024, 7 fiches (0 actives), 6 blocs, 5 170 octets`.
pub fn describe(source: &Source, refs: &Referentiels, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let mut line = format!("{} : {}", source.kind.name(), source.format.label());
    if let Some(v) = &source.version {
        line.push_str(&format!(" {v}"));
    }
    match (source.date, fr) {
        (Some(d), true) => line.push_str(&format!(" du {}", d.format("%d/%m/%Y"))),
        (Some(d), false) => line.push_str(&format!(" of {d}")),
        (None, true) => line.push_str(" (date non indiquée par le nom du fichier)"),
        (None, false) => line.push_str(" (no date in the file name)"),
    }
    let n = grouped(source.entries as u64, lang);
    let entries = match (source.kind, fr) {
        (Kind::Rncp | Kind::Rs, _) => format!("{n} fiches"),
        (Kind::Rome | Kind::CertifInfo, _) => format!("{n} codes"),
        (Kind::Nsf, true) => format!("{n} groupes"),
        (Kind::Nsf, false) => format!("{n} groups"),
    };
    line.push_str(&format!(", {entries}"));
    let table = match source.kind {
        Kind::Rncp => refs.rncp(),
        Kind::Rs => refs.rs(),
        _ => None,
    };
    if let (Some(t), true) = (table, source.is_used()) {
        let active = grouped(t.active() as u64, lang);
        line.push_str(&if fr {
            format!(" ({active} actives)")
        } else {
            format!(" ({active} active)")
        });
    }
    match (source.blocs, fr) {
        (Some(b), _) => line.push_str(&format!(", {} blocs", grouped(b as u64, lang))),
        (None, true) if matches!(source.kind, Kind::Rncp | Kind::Rs) => {
            line.push_str(", sans fichier des blocs (code-bloc non vérifié)")
        }
        (None, false) if matches!(source.kind, Kind::Rncp | Kind::Rs) => {
            line.push_str(", no blocs file (code-bloc not checked)")
        }
        _ => {}
    }
    let bytes = grouped(source.bytes, lang);
    line.push_str(&if fr {
        format!(", {bytes} octets")
    } else {
        format!(", {bytes} bytes")
    });
    line
}

/// Writes what was recognised.
fn write(out: &mut dyn Write, refs: &Referentiels, lang: Lang) -> io::Result<()> {
    let fr = lang == Lang::Fr;
    for s in refs.sources() {
        let mut line = describe(s, refs, lang);
        if let Some(by) = &s.superseded_by {
            line.push_str(&if fr {
                format!(" : remplacé par l'édition plus récente « {by} », non utilisé")
            } else {
                format!(": superseded by the newer edition \"{by}\", not used")
            });
        }
        writeln!(out, "{line}")?;
        for f in &s.files {
            writeln!(out, "    {f}")?;
        }
    }
    for i in refs.ignored() {
        let why = if fr { &i.fr } else { &i.en };
        let label = if fr { "ignoré" } else { "ignored" };
        writeln!(out, "{label} : {} : {why}", i.file)?;
    }
    if fr {
        writeln!(out, "Formacode V14 : non vérifié (Centre Inffo ne publie pas de format de fichier exploitable).")
    } else {
        writeln!(
            out,
            "Formacode V14: not checked (Centre Inffo publishes no usable file format)."
        )
    }
}

/// Runs `lheo referentiels`.
pub fn run(args: ReferentielsArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    let refs = match load(&args.paths) {
        Ok(Some(r)) => r,
        Ok(None) => return Outcome::Failure,
        Err(f) => {
            print_failure(&f, lang);
            return Outcome::Failure;
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match write(&mut out, &refs, lang).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) => stdout_error(&e, Outcome::Success, lang),
    }
}
