//! `lheo referentiels PATH…`: what the referential files hold (kind, format, date, entries,
//! size), so that a person can check a download before validating with `--referentiels`, as
//! lines or as JSON (`schemas/referentiels.schema.json`); and the loading `validate` and
//! `import` share.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use lheo::referentiels::{Kind, Referentiels, Source};
use lheo::Lang;
use serde::Serialize;

use super::{print_failure, stdout_error};
use crate::cli::{ReferentielsArgs, ReferentielsFormat};
use crate::error::{Failure, Outcome};
use lheo::validate::JsonReferentiel;

/// What is not checked, and why: (name, French, English).
const NOT_CHECKED: &[(&str, &str, &str)] = &[(
    "Formacode V14",
    "Centre Inffo ne publie pas de format de fichier exploitable",
    "Centre Inffo publishes no usable file format",
)];

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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// What a referential holds, in one line: `RNCP : export CSV France Compétences du
/// 22/02/2024, 7 fiches (0 actives), 6 blocs, 5 170 octets`.
pub fn describe(source: &Source, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let sep = if fr { " : " } else { ": " };
    let mut line = format!("{}{sep}{}", source.kind.name(), source.format.label());
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
    if let Some(active) = source.active {
        let active = grouped(active as u64, lang);
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

/// [`describe`], and for an edition a newer one replaced, by which.
pub fn describe_use(source: &Source, lang: Lang) -> String {
    let mut line = describe(source, lang);
    if let Some(by) = &source.superseded_by {
        line.push_str(&match lang {
            Lang::Fr => format!(" : remplacé par l'édition plus récente « {by} », non utilisé"),
            Lang::En => format!(": superseded by the newer edition \"{by}\", not used"),
        });
    }
    line
}

/// The referentials a validation used, one line each (`Référentiel RNCP : export CSV…`), for
/// the human report.
pub fn write_used(out: &mut dyn Write, sources: &[Source], lang: Lang) -> io::Result<()> {
    let label = match lang {
        Lang::Fr => "Référentiel",
        Lang::En => "Referential",
    };
    for s in sources {
        writeln!(out, "{label} {}", describe_use(s, lang))?;
    }
    Ok(())
}

/// Writes what was recognised.
fn write(out: &mut dyn Write, refs: &Referentiels, lang: Lang) -> io::Result<()> {
    let fr = lang == Lang::Fr;
    for s in refs.sources() {
        writeln!(out, "{}", describe_use(s, lang))?;
        for f in &s.files {
            writeln!(out, "    {f}")?;
        }
    }
    for i in refs.ignored() {
        let why = if fr { &i.fr } else { &i.en };
        let (label, sep) = if fr {
            ("ignoré", " : ")
        } else {
            ("ignored", ": ")
        };
        writeln!(out, "{label}{sep}{}{sep}{why}", i.file)?;
    }
    for (name, why_fr, why_en) in NOT_CHECKED {
        if fr {
            writeln!(out, "{name} : non vérifié ({why_fr}).")?;
        } else {
            writeln!(out, "{name}: not checked ({why_en}).")?;
        }
    }
    Ok(())
}

/// `lheo referentiels --format json`.
#[derive(Serialize)]
struct JsonReferentiels<'a> {
    referentiels: Vec<JsonReferentiel<'a>>,
    ignored: Vec<JsonNamed<'a>>,
    not_checked: Vec<JsonNamed<'a>>,
}

/// A file or a referential, and why it is listed.
#[derive(Serialize)]
struct JsonNamed<'a> {
    name: &'a str,
    reason: &'a str,
}

/// Writes what was recognised as one JSON document.
fn write_json(out: &mut dyn Write, refs: &Referentiels, lang: Lang) -> io::Result<()> {
    let fr = lang == Lang::Fr;
    let doc = JsonReferentiels {
        referentiels: refs.sources().iter().map(JsonReferentiel::new).collect(),
        ignored: refs
            .ignored()
            .iter()
            .map(|i| JsonNamed {
                name: &i.file,
                reason: if fr { &i.fr } else { &i.en },
            })
            .collect(),
        not_checked: NOT_CHECKED
            .iter()
            .map(|(name, why_fr, why_en)| JsonNamed {
                name,
                reason: if fr { why_fr } else { why_en },
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
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
    let written = match args.format {
        ReferentielsFormat::Human => write(&mut out, &refs, lang),
        ReferentielsFormat::Json => write_json(&mut out, &refs, lang),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) => stdout_error(&e, Outcome::Success, lang),
    }
}
