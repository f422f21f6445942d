//! The command line in the user's language: usage errors and help in French, in English with
//! `--lang en` or an English locale (`LC_ALL`, `LC_MESSAGES` or `LANG` starting with `en`).
//!
//! clap writes its own messages in English: in French they go through [`French`], a clap
//! [`ErrorFormatter`] that says the same things from the error's context (the argument, the
//! value, the suggestions, the usage line). The help texts of the arguments are written in
//! French in `cli.rs`; [`english`] gives the command their English texts from [`ENGLISH`].
//! An argument added to `cli.rs` needs its line there (a test lists the missing ones).

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{ArgMatches, Command, CommandFactory, FromArgMatches};
use lheo::Lang;

use crate::cli::Cli;

/// The language of the messages before the arguments are parsed: `--lang` if given, else
/// the locale.
pub fn detect(args: &[OsString]) -> Lang {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().and_then(|v| v.to_str()),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match value {
            Some("en") => return Lang::En,
            Some("fr") => return Lang::Fr,
            _ => {}
        }
    }
    from_locale()
}

/// The language the locale asks for: English when the first of `LC_ALL`, `LC_MESSAGES` and
/// `LANG` that is set starts with `en`, French otherwise.
pub fn from_locale() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty());
    match locale {
        Some(l) if l.starts_with("en") => Lang::En,
        _ => Lang::Fr,
    }
}

/// Parses the command line of this process; on a usage error, prints it in the user's
/// language and exits with code 2 (help and version: printed, exit 0).
pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    match parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

/// A command line that was not run: a usage error, or a request for help or the version.
pub enum Stopped {
    /// In French.
    Fr(clap::error::Error<French>),
    /// In English.
    En(clap::Error),
}

impl Stopped {
    /// What is printed, without colours.
    #[cfg(test)]
    pub fn text(&self) -> String {
        match self {
            Stopped::Fr(e) => e.render().to_string(),
            Stopped::En(e) => e.render().to_string(),
        }
    }

    /// The exit code: 2 for a usage error, 0 for help and version.
    #[cfg(test)]
    pub fn code(&self) -> i32 {
        match self {
            Stopped::Fr(e) => e.exit_code(),
            Stopped::En(e) => e.exit_code(),
        }
    }

    /// Prints (help and version on stdout, errors on stderr) and exits.
    pub fn exit(self) -> ! {
        match self {
            Stopped::Fr(e) => e.exit(),
            Stopped::En(e) => e.exit(),
        }
    }
}

/// Parses `args` (program name first), with errors in the language they ask for.
pub fn parse_from(args: &[OsString]) -> Result<Cli, Stopped> {
    let lang = detect(args);
    let mut command = Cli::command();
    if lang == Lang::En {
        command = english(command);
    }
    let matched: Result<ArgMatches, clap::Error> = command.try_get_matches_from_mut(args);
    matched
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|error| match lang {
            Lang::Fr => Stopped::Fr(error.apply::<French>()),
            Lang::En => Stopped::En(error),
        })
}

/// Why a value parser refused a value, in both languages (English when displayed by clap).
#[derive(Debug, Clone, Copy)]
pub struct Bilingual {
    /// French.
    pub fr: &'static str,
    /// English.
    pub en: &'static str,
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en)
    }
}

impl std::error::Error for Bilingual {}

/// Usage errors in French.
pub struct French;

fn quoted(v: &ContextValue) -> Option<String> {
    match v {
        ContextValue::String(s) => Some(format!("« {s} »")),
        ContextValue::Strings(v) => Some(
            v.iter()
                .map(|s| format!("« {s} »"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::StyledStr(s) => Some(format!("« {s} »")),
        _ => None,
    }
}

fn list(v: Option<&ContextValue>) -> Vec<String> {
    match v {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A clap tip in French, for the tips clap gives (English otherwise).
fn tip(text: &str) -> String {
    let french = |s: &str| {
        s.split('\'')
            .enumerate()
            .map(|(i, part)| {
                if i % 2 == 1 {
                    format!("« {part} »")
                } else {
                    part.to_owned()
                }
            })
            .collect::<String>()
    };
    for (en, fr) in [
        (
            "a similar subcommand exists: ",
            "une commande proche existe : ",
        ),
        (
            "some similar subcommands exist: ",
            "des commandes proches existent : ",
        ),
        (
            "a similar argument exists: ",
            "un argument proche existe : ",
        ),
        (
            "some similar arguments exist: ",
            "des arguments proches existent : ",
        ),
        ("a similar value exists: ", "une valeur proche existe : "),
        (
            "some similar values exist: ",
            "des valeurs proches existent : ",
        ),
    ] {
        if let Some(rest) = text.strip_prefix(en) {
            return format!("{fr}{}", french(rest));
        }
    }
    if let Some(rest) = text.strip_prefix("to pass ") {
        if let Some((arg, fix)) = rest.split_once(" as a value, use ") {
            return format!(
                "pour passer {} comme valeur, écrivez {}",
                french(arg),
                french(fix)
            );
        }
    }
    text.to_owned()
}

/// The reason a value was refused by its parser, in French when it is one of Rust's.
fn reason(source: &str) -> String {
    match source {
        "invalid digit found in string" => "nombre entier attendu".to_owned(),
        "number too large to fit in target type" => "nombre trop grand".to_owned(),
        "cannot parse integer from empty string" => "nombre entier attendu".to_owned(),
        other => other.to_owned(),
    }
}

impl ErrorFormatter for French {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let get = |k| error.get(k);
        let arg = get(ContextKind::InvalidArg)
            .and_then(quoted)
            .unwrap_or_default();
        let value = match get(ContextKind::InvalidValue) {
            Some(ContextValue::String(s)) => s.clone(),
            _ => String::new(),
        };
        let mut s = String::from("erreur : ");
        match error.kind() {
            ErrorKind::UnknownArgument => {
                let _ = write!(s, "argument {arg} inattendu");
            }
            ErrorKind::InvalidSubcommand => {
                let sub = get(ContextKind::InvalidSubcommand)
                    .and_then(quoted)
                    .unwrap_or_default();
                let _ = write!(s, "commande {sub} inconnue");
            }
            ErrorKind::InvalidValue if value.is_empty() => {
                let _ = write!(s, "une valeur est attendue après {arg}");
            }
            ErrorKind::InvalidValue => {
                let _ = write!(s, "valeur « {value} » invalide pour {arg}");
                let valid = list(get(ContextKind::ValidValue));
                if !valid.is_empty() {
                    let _ = write!(s, "\n  [valeurs possibles : {}]", valid.join(", "));
                }
            }
            ErrorKind::ValueValidation => {
                let _ = write!(s, "valeur « {value} » invalide pour {arg}");
                if let Some(source) = std::error::Error::source(error) {
                    let why = match source.downcast_ref::<Bilingual>() {
                        Some(b) => b.fr.to_owned(),
                        None => reason(&source.to_string()),
                    };
                    let _ = write!(s, " : {why}");
                }
            }
            ErrorKind::MissingRequiredArgument => {
                s.push_str("argument obligatoire absent :");
                for a in list(get(ContextKind::InvalidArg)) {
                    let _ = write!(s, "\n  {a}");
                }
            }
            ErrorKind::MissingSubcommand => {
                s.push_str("il manque la commande");
                let valid = list(get(ContextKind::ValidSubcommand));
                if !valid.is_empty() {
                    let _ = write!(s, "\n  [commandes : {}]", valid.join(", "));
                }
            }
            ErrorKind::ArgumentConflict => {
                let prior = get(ContextKind::PriorArg);
                match prior {
                    Some(p) if quoted(p).as_deref() == Some(arg.as_str()) => {
                        let _ = write!(s, "{arg} ne peut être donné qu'une fois");
                    }
                    Some(p) => {
                        let _ = write!(
                            s,
                            "{arg} ne peut pas être donné avec {}",
                            quoted(p).unwrap_or_default()
                        );
                    }
                    None => {
                        let _ = write!(s, "{arg} ne peut pas être donné avec les autres arguments");
                    }
                }
            }
            ErrorKind::NoEquals => {
                let _ = write!(s, "{arg} demande sa valeur après un signe égal (=)");
            }
            ErrorKind::TooManyValues => {
                let _ = write!(s, "valeur « {value} » de trop pour {arg}");
            }
            ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
                let _ = write!(s, "nombre de valeurs incorrect pour {arg}");
            }
            ErrorKind::InvalidUtf8 => {
                s.push_str("un argument n'est pas de l'UTF-8 valide");
            }
            other => {
                s.push_str(other.as_str().unwrap_or("argument invalide"));
            }
        }
        let mut tips: Vec<String> = Vec::new();
        for kind in [
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedArg,
            ContextKind::SuggestedValue,
        ] {
            if let Some(v) = get(kind).and_then(quoted) {
                tips.push(format!("vouliez-vous dire {v} ?"));
            }
        }
        if let Some(ContextValue::StyledStrs(suggested)) = get(ContextKind::Suggested) {
            tips.extend(suggested.iter().map(|t| tip(&t.to_string())));
        }
        if !tips.is_empty() {
            s.push('\n');
            for t in tips {
                let _ = write!(s, "\n  astuce : {t}");
            }
        }
        if let Some(ContextValue::StyledStr(usage)) = get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.trim_start_matches("Usage:").trim_start();
            let _ = write!(s, "\n\nUtilisation : {usage}");
        }
        s.push_str("\n\nPour plus d'informations, essayez « --help ».\n");
        StyledStr::from(s)
    }
}

/// The English help text of each argument, by command and argument id (`""`: every command).
pub const ENGLISH: &[(&str, &str, &str)] = &[
    ("", "help", "Print help"),
    ("", "version", "Print version"),
    ("", "lang", "Language of the messages: fr (French, the default) or en (English)"),
    ("", "force", "Write the output even if its extension does not match what is written"),
    ("", "quiet", "Print only the summary line (human format)"),
    (
        "",
        "profile",
        "Validation profile: xsd (the official schema alone), lheo (xsd + LHEO specification, the default), france-travail (lheo + France Travail rules), carif (lheo + the Carif-Oref guides), parcoursup (carif + Parcoursup's conditions for apprenticeship)",
    ),
    (
        "validate",
        "files",
        "Files to validate (LHEO XML, plain or gzip, or workbooks); \"-\" reads the standard input (the default when it is not a terminal)",
    ),
    (
        "validate",
        "format",
        "Report format: human (readable, the default), json (one JSON document), junit (XML for GitLab/Jenkins), html (a self-contained page), sarif (SARIF 2.1.0), gitlab (GitLab Code Quality), csv (for Excel: UTF-8, \";\")",
    ),
    (
        "validate",
        "severity",
        "Lowest severity shown: error, warning or info (the default). Counts and the exit code do not change",
    ),
    (
        "validate",
        "max_per_rule",
        "Findings shown per rule (human: 20 by default, html: 1000; 0: all); the others are counted. Never a global cap that would hide an error",
    ),
    (
        "validate",
        "output",
        "Write the report to this file (replaced at once, when complete); the terminal then shows each file's summary",
    ),
    ("validate", "today", "Today's date for the date rules (default: the local date)"),
    (
        "validate",
        "rentree",
        "Rentrée the parcoursup profile checks: sessions starting from 1 August YYYY to 31 July YYYY+1 (default: the first 1 August from today on)",
    ),
    ("validate", "deny_warnings", "Treat warnings as errors (exit code 1)"),
    (
        "validate",
        "threads",
        "Threads reading the records (0: one per core, at most 4; 1: a single pass on the main thread). The report is the same whatever the number",
    ),
    ("validate", "chunk_bytes", "Size of the record chunks each thread reads, in bytes (tuning)"),
    (
        "import",
        "input",
        "Feed to import: LHEO 2.0 to 2.3 (XML, plain or gzip) or a workbook (.xlsx, .xls, .ods); \"-\" reads the standard input",
    ),
    (
        "import",
        "output",
        "LHEO 2.3 file to write (.xml, or .xml.gz compressed; never an input); written only if the input is valid",
    ),
    (
        "rules",
        "profile",
        "Only the rules of this profile: xsd, lheo, france-travail, carif or parcoursup (a profile includes the ones it extends); all rules by default",
    ),
    ("rules", "format", "Format: human (a table, the default) or json"),
    (
        "export",
        "input",
        "Feed to export: LHEO 2.0 to 2.3 (XML, plain or gzip); \"-\" reads the standard input",
    ),
    ("export", "output", "Workbook to write (.xlsx); written only if the export succeeds"),
    ("template", "output", "Template workbook to write (.xlsx)"),
    (
        "diff",
        "old",
        "Old feed: LHEO 2.0 to 2.3 (XML, plain or gzip) or a workbook; \"-\" reads the standard input",
    ),
    (
        "diff",
        "new",
        "New feed: LHEO 2.0 to 2.3 (XML, plain or gzip) or a workbook; \"-\" reads the standard input",
    ),
    ("diff", "format", "Format: human (readable, the default) or json (one JSON document)"),
    (
        "",
        "referentiels",
        "Also check the codes (RNCP, RS, blocs, ROME, Certif Info, NSF) against these referentials: files as downloaded (zipped or not) or folders; repeatable",
    ),
    (
        "referentiels",
        "paths",
        "Files as downloaded (zipped or not), or folders holding them",
    ),
    (
        "referentiels",
        "format",
        "Format: human (one line per referential, the default) or json (one JSON document)",
    ),
    (
        "diff",
        "ignore",
        "Do not compare this attribute or element (repeatable): a name (horodatage-export, @datemaj, extras) or a path of names (session/etat-recrutement, formation/@horodatage-modification, /lheo/@horodatage-export)",
    ),
    (
        "diff",
        "exact_whitespace",
        "Compare texts space for space (by default, runs of spaces and line breaks count as one space, and leading and trailing spaces are ignored)",
    ),
    (
        "serve",
        "bind",
        "Address and port to listen on; 127.0.0.1:8080 by default (this machine only); 0.0.0.0:8080 to be reached from the network (behind a reverse proxy)",
    ),
    ("serve", "max_upload", "Largest file accepted (512MB by default; units kB, MB, GB, KiB, MiB, GiB)"),
    ("serve", "jobs", "Files processed at once (default: the number of cores)"),
    (
        "serve",
        "queue",
        "Requests admitted to wait for a job (default: 4 per job); beyond, the server answers 503 (busy)",
    ),
    ("serve", "timeout", "Longest time of a request, upload included, in seconds (300 by default)"),
    (
        "serve",
        "temp_dir",
        "Folder of the temporary files (default: the system's, TMPDIR or /tmp); they have no name there and go away at the end of each request",
    ),
];

/// The English descriptions of the commands.
const ABOUT: &[(&str, &str)] = &[
    ("validate", "Check one or more LHEO feeds (XSD structure and the profile's rules)"),
    ("import", "Convert an LHEO 2.0 to 2.3 feed or a workbook to LHEO 2.3 (after validation)"),
    ("rules", "List the rules checked (code, profile, severity, description)"),
    ("export", "Export an LHEO feed as an editable Excel workbook (.xlsx), re-importable without loss"),
    ("template", "Write an empty template workbook (headers, documentation, lists, one example row)"),
    ("diff", "Compare two feeds: formations, actions, sessions, recruitments… added, removed or changed, field by field"),
    ("referentiels", "Say what referential files (RNCP, RS, ROME, Certif Info, NSF) hold: kind, date, number of entries, to check a download"),
    ("serve", "Open a web page to drop a feed or a workbook and read the report, and an HTTP API for scripts (http://127.0.0.1:8080/ by default)"),
];

const ENGLISH_TEMPLATE: &str =
    "{before-help}{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}";

fn english_help(command: &str, id: &str) -> Option<&'static str> {
    ENGLISH
        .iter()
        .find(|(c, a, _)| *c == command && *a == id)
        .or_else(|| ENGLISH.iter().find(|(c, a, _)| c.is_empty() && *a == id))
        .map(|(_, _, help)| *help)
}

/// The command with its English texts.
pub fn english(command: Command) -> Command {
    let translate = |cmd: Command, name: &str| {
        let ids: Vec<String> = cmd
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect();
        let mut cmd = cmd.help_template(ENGLISH_TEMPLATE);
        for id in ids {
            if let Some(help) = english_help(name, &id) {
                cmd = cmd.mut_arg(id, |a| a.help(help));
            }
        }
        cmd
    };
    let mut command = translate(command, "")
        .about("Validate, import, export and describe LHEO 2.3 feeds (training offers)")
        .subcommand_help_heading("Commands")
        .subcommand_value_name("COMMAND")
        .after_help("Exit codes: 0 = no error, 1 = errors found, 2 = could not run.\nExample: lheo validate offres.xml");
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            let sub = translate(sub, &name);
            match ABOUT.iter().find(|(n, _)| *n == name) {
                Some((_, about)) => sub.about(*about),
                None => sub,
            }
        });
    }
    command
        .mut_subcommand("diff", |d| {
            d.after_help("Exit codes: 0 = same data, 1 = differences, 2 = could not compare.\nExample: lheo diff hier.xml aujourdhui.xml --ignore horodatage-export")
        })
        .mut_subcommand("referentiels", |r| {
            r.after_help("Exit codes: 0 = everything recognised, 2 = a file is not a referential or cannot be read.\nExample: lheo referentiels export-fiches-csv-2026-08-26.zip RefRomeCsv.zip")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_comes_from_lang_then_the_locale() {
        assert_eq!(
            detect(&args(&["lheo", "validate", "--lang", "en"])),
            Lang::En
        );
        assert_eq!(
            detect(&args(&["lheo", "validate", "--lang=en", "x"])),
            Lang::En
        );
        assert_eq!(detect(&args(&["lheo", "--lang", "fr", "x"])), Lang::Fr);
    }

    #[test]
    fn every_argument_has_its_english_help() {
        let command = Cli::command();
        let mut missing = Vec::new();
        for sub in command.get_subcommands() {
            assert!(
                ABOUT.iter().any(|(n, _)| *n == sub.get_name()),
                "{} has no English description in usage::ABOUT",
                sub.get_name()
            );
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if english_help(sub.get_name(), id).is_none() {
                    missing.push(format!("{} {id}", sub.get_name()));
                }
            }
        }
        assert!(missing.is_empty(), "add to usage::ENGLISH: {missing:?}");
    }

    #[test]
    fn french_usage_errors() {
        let Err(e) = parse_from(&args(&["lheo", "import", "x.xml"])) else {
            panic!("parsed")
        };
        let text = e.text();
        assert!(
            text.starts_with("erreur : argument obligatoire absent :\n  --output <SORTIE.xml>"),
            "{text}"
        );
        assert!(text.contains("Utilisation : lheo import"), "{text}");
        assert_eq!(e.code(), 2);
        let Err(e) = parse_from(&args(&["lheo", "validat"])) else {
            panic!("parsed")
        };
        let text = e.text();
        assert!(text.contains("commande « validat » inconnue"), "{text}");
        assert!(
            text.contains("astuce : vouliez-vous dire « validate » ?"),
            "{text}"
        );
    }
}
