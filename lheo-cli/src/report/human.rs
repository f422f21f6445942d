//! The human report: cargo/rustc-style diagnostics, in French by default.
//!
//! ```text
//! erreur[XSD-ELEMENT-MANQUANT]: élément obligatoire « objectif-formation » absent
//!   --> offres.xml:12:5
//!    |
//! 12 |     <formation numero="F1">
//!    |     ^
//!    = chemin : /lheo/offres/formation[1]
//!
//! offres.xml : invalide (1 erreur, 0 avertissement)
//! ```
//!
//! The column after the file name is the library's (a byte column, the same as in JSON); the
//! caret is placed under the character it designates.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use lheo::{Counts, Diagnostic, Lang, Location, Severity};

use super::{passes, sanitize};
use crate::source::{Excerpt, Excerpts};

/// How many diagnostics are printed per file before "… et N autres".
pub const DEFAULT_LIMIT: usize = 200;

/// Settings of the human report.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// Language of the fixed words (messages come from the diagnostics in this language too).
    pub lang: Lang,
    /// ANSI colours.
    pub color: bool,
    /// Diagnostics printed per file.
    pub limit: usize,
    /// `--deny-warnings`: warnings make a file fail.
    pub deny_warnings: bool,
}

/// The styles in use (all plain without colour).
struct Styles {
    error: Style,
    warning: Style,
    info: Style,
    bold: Style,
    gutter: Style,
    good: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        if !color {
            let plain = Style::new();
            return Styles {
                error: plain,
                warning: plain,
                info: plain,
                bold: plain,
                gutter: plain,
                good: plain,
            };
        }
        Styles {
            error: AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
            warning: AnsiColor::BrightYellow.on_default().effects(Effects::BOLD),
            info: AnsiColor::BrightCyan.on_default().effects(Effects::BOLD),
            bold: Style::new().effects(Effects::BOLD),
            gutter: AnsiColor::BrightBlue.on_default().effects(Effects::BOLD),
            good: AnsiColor::BrightGreen.on_default().effects(Effects::BOLD),
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// The name of a severity in `lang`.
fn severity_name(severity: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => severity.french(),
        Lang::En => severity.as_str(),
    }
}

/// Writes the diagnostics of one file (at most `options.limit`, then a count of the others).
pub fn write_diagnostics(
    out: &mut dyn Write,
    name: &str,
    diagnostics: &[Diagnostic],
    excerpts: &Excerpts,
    options: &HumanOptions,
) -> io::Result<()> {
    for d in diagnostics.iter().take(options.limit) {
        let excerpt = match d.location {
            Location::Xml { line, column } => excerpts.get(&(line, column)),
            _ => None,
        };
        write_diagnostic(out, name, d, excerpt, options)?;
        writeln!(out)?;
    }
    if diagnostics.len() > options.limit {
        let more = diagnostics.len() - options.limit;
        let st = Styles::new(options.color);
        let text = match options.lang {
            Lang::Fr => format!(
                "… et {more} {} (--format json les donne tous)",
                plural(more, "autre diagnostic", "autres diagnostics")
            ),
            Lang::En => format!(
                "… and {more} more {} (--format json lists them all)",
                plural(more, "diagnostic", "diagnostics")
            ),
        };
        writeln!(
            out,
            "{}{text}{}\n",
            st.bold.render(),
            st.bold.render_reset()
        )?;
    }
    Ok(())
}

/// Writes one diagnostic, with the source excerpt when there is one.
pub fn write_diagnostic(
    out: &mut dyn Write,
    name: &str,
    d: &Diagnostic,
    excerpt: Option<&Excerpt>,
    options: &HumanOptions,
) -> io::Result<()> {
    let st = Styles::new(options.color);
    let sev = st.severity(d.severity);
    let (b, r) = (st.bold.render(), st.bold.render_reset());
    let (g, gr) = (st.gutter.render(), st.gutter.render_reset());
    writeln!(
        out,
        "{}{}[{}]{}{b}: {}{r}",
        sev.render(),
        severity_name(d.severity, options.lang),
        d.code(),
        sev.render_reset(),
        sanitize(d.text(options.lang)),
    )?;
    let name = sanitize(name);
    let width = match d.location {
        Location::Xml { line, .. } => line.to_string().len(),
        _ => 1,
    };
    let pad = " ".repeat(width);
    match &d.location {
        Location::Xml { line, column } => {
            writeln!(out, "{pad}{g}-->{gr} {name}:{line}:{column}")?;
            // An empty line (an empty file, say) shows nothing worth a caret.
            if let Some(ex) = excerpt.filter(|ex| !ex.text.trim().is_empty()) {
                let (text, caret) = display_excerpt(ex);
                writeln!(out, "{pad} {g}|{gr}")?;
                writeln!(out, "{g}{line} |{gr} {text}")?;
                writeln!(
                    out,
                    "{pad} {g}|{gr} {}{}^{}",
                    " ".repeat(caret),
                    sev.render(),
                    sev.render_reset()
                )?;
            }
        }
        Location::Cell { sheet, cell } => {
            let (sheet, cell) = (sanitize(sheet), sanitize(cell));
            writeln!(out, "{pad}{g}-->{gr} {name}:{sheet}!{cell}")?;
        }
        Location::None => writeln!(out, "{pad}{g}-->{gr} {name}")?,
    }
    if !d.path.is_empty() {
        let label = match options.lang {
            Lang::Fr => "chemin :",
            Lang::En => "path:",
        };
        writeln!(out, "{pad} {g}={gr} {b}{label}{r} {}", sanitize(&d.path))?;
    }
    Ok(())
}

/// The excerpt as printed (tabs as 4 spaces, control characters replaced) and the caret's
/// display column (0-based).
fn display_excerpt(ex: &Excerpt) -> (String, usize) {
    let mut text = String::with_capacity(ex.text.len());
    let mut caret = 0;
    for (i, c) in ex.text.char_indices() {
        if i == ex.caret {
            caret = text.chars().count();
        }
        match c {
            '\t' => text.push_str("    "),
            c if c.is_control() => text.push('\u{FFFD}'),
            c => text.push(c),
        }
    }
    if ex.caret >= ex.text.len() {
        caret = text.chars().count();
    }
    (text, caret)
}

/// `1 erreur`, `2 erreurs`, `0 erreur` (French: 0 and 1 are singular).
fn count_fr(n: usize, singular: &str, plural_form: &str) -> String {
    format!("{n} {}", if n <= 1 { singular } else { plural_form })
}

/// `1 error`, `0 errors`.
fn count_en(n: usize, singular: &str, plural_form: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural_form })
}

fn plural<'a>(n: usize, singular: &'a str, plural_form: &'a str) -> &'a str {
    if n <= 1 {
        singular
    } else {
        plural_form
    }
}

/// `3 erreurs, 1 avertissement` (and the infos when there are some).
pub fn counts_text(counts: &Counts, lang: Lang) -> String {
    let mut parts = match lang {
        Lang::Fr => vec![
            count_fr(counts.error, "erreur", "erreurs"),
            count_fr(counts.warning, "avertissement", "avertissements"),
        ],
        Lang::En => vec![
            count_en(counts.error, "error", "errors"),
            count_en(counts.warning, "warning", "warnings"),
        ],
    };
    if counts.info > 0 {
        parts.push(match lang {
            Lang::Fr => count_fr(counts.info, "info", "infos"),
            Lang::En => count_en(counts.info, "info", "infos"),
        });
    }
    parts.join(", ")
}

/// The summary line of one file: `offres.xml : valide (0 erreur, 1 avertissement)`.
pub fn write_summary(
    out: &mut dyn Write,
    name: &str,
    counts: &Counts,
    options: &HumanOptions,
) -> io::Result<()> {
    let st = Styles::new(options.color);
    let ok = passes(counts, options.deny_warnings);
    let (verdict, style) = match (ok, counts.error, options.lang) {
        (true, _, Lang::Fr) => ("valide", st.good),
        (true, _, Lang::En) => ("valid", st.good),
        (false, 0, Lang::Fr) => (
            "refusé, avertissements interdits par --deny-warnings",
            st.error,
        ),
        (false, 0, Lang::En) => ("rejected, warnings denied by --deny-warnings", st.error),
        (false, _, Lang::Fr) => ("invalide", st.error),
        (false, _, Lang::En) => ("invalid", st.error),
    };
    let sep = match options.lang {
        Lang::Fr => " :",
        Lang::En => ":",
    };
    writeln!(
        out,
        "{}{sep} {}{verdict}{} ({})",
        sanitize(name),
        style.render(),
        style.render_reset(),
        counts_text(counts, options.lang)
    )
}

/// The closing line after several files: `3 fichiers : 2 valides, 1 invalide, 0 illisible`.
pub fn write_total(
    out: &mut dyn Write,
    valid: usize,
    invalid: usize,
    unreadable: usize,
    options: &HumanOptions,
) -> io::Result<()> {
    let total = valid + invalid + unreadable;
    let st = Styles::new(options.color);
    let mut parts = match options.lang {
        Lang::Fr => vec![
            count_fr(valid, "valide", "valides"),
            count_fr(invalid, "invalide", "invalides"),
        ],
        Lang::En => vec![format!("{valid} valid"), format!("{invalid} invalid")],
    };
    if unreadable > 0 {
        parts.push(match options.lang {
            Lang::Fr => count_fr(unreadable, "illisible", "illisibles"),
            Lang::En => format!("{unreadable} unreadable"),
        });
    }
    let head = match options.lang {
        Lang::Fr => format!("{} :", count_fr(total, "fichier", "fichiers")),
        Lang::En => format!("{}:", count_en(total, "file", "files")),
    };
    writeln!(
        out,
        "{}{head}{} {}",
        st.bold.render(),
        st.bold.render_reset(),
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(lang: Lang) -> HumanOptions {
        HumanOptions {
            lang,
            color: false,
            limit: DEFAULT_LIMIT,
            deny_warnings: false,
        }
    }

    #[test]
    fn a_diagnostic_reads_like_rustc() {
        let d = Diagnostic::new(
            lheo::Rule::XsdElementManquant,
            "élément absent",
            "missing element",
        )
        .at_line(12, 5)
        .with_path("/lheo/offres/formation[1]");
        let ex = Excerpt {
            text: "    <formation>".into(),
            caret: 4,
        };
        let mut out = Vec::new();
        write_diagnostic(&mut out, "f.xml", &d, Some(&ex), &options(Lang::Fr)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "erreur[XSD-ELEMENT-MANQUANT]: élément absent\n  --> f.xml:12:5\n   |\n12 |     <formation>\n   |     ^\n   = chemin : /lheo/offres/formation[1]\n"
        );
    }

    #[test]
    fn carets_count_characters_and_tabs() {
        let ex = Excerpt {
            text: "\t<a é=\"é\"><b>".into(),
            caret: "\t<a é=\"é\">".len(),
        };
        let (text, caret) = display_excerpt(&ex);
        assert_eq!(&text.chars().skip(caret).collect::<String>(), "<b>");
    }

    #[test]
    fn summaries_in_both_languages() {
        let mut out = Vec::new();
        let c = Counts {
            error: 0,
            warning: 1,
            info: 0,
        };
        write_summary(&mut out, "a.xml", &c, &options(Lang::Fr)).unwrap();
        let c = Counts {
            error: 3,
            warning: 2,
            info: 1,
        };
        write_summary(&mut out, "b.xml", &c, &options(Lang::En)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.xml : valide (0 erreur, 1 avertissement)\nb.xml: invalid (3 errors, 2 warnings, 1 info)\n"
        );
    }
}
