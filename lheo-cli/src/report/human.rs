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
use lheo::{Counts, Diagnostic, Lang, Location, RecordRef, Severity};

use super::view::{FileView, Group, Shown};
use super::{passes, sanitize, severity_name};
use crate::source::{Excerpt, Excerpts};

/// Findings printed per rule when `--max-per-rule` is not given.
pub const DEFAULT_LIMIT: usize = super::view::HUMAN_PER_RULE;

/// Settings of the human report.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// Language of the fixed words (messages come from the diagnostics in this language too).
    pub lang: Lang,
    /// ANSI colours.
    pub color: bool,
    /// Findings printed per rule (`--max-per-rule`; `usize::MAX`: all of them).
    pub limit: usize,
    /// `--deny-warnings`: warnings make a file fail.
    pub deny_warnings: bool,
    /// The lowest severity printed (`--severity`; counts never change).
    pub severity: Severity,
}

impl HumanOptions {
    /// What these options show.
    pub fn shown(&self) -> Shown {
        Shown {
            severity: self.severity,
            per_rule: (self.limit != usize::MAX).then_some(self.limit),
        }
    }
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

/// Writes what `view` shows of the file `name`.
pub fn write_view(
    out: &mut dyn Write,
    name: &str,
    view: &FileView,
    excerpts: &Excerpts,
    options: &HumanOptions,
) -> io::Result<()> {
    let headed = view.groups.iter().any(|g| g.record.is_some());
    for group in &view.groups {
        if headed {
            write_group_heading(out, group, options)?;
        }
        for (_, d) in &group.findings {
            let excerpt = match d.location {
                Location::Xml { line, column } => excerpts.get(&(line, column)),
                _ => None,
            };
            write_diagnostic(out, name, d, excerpt, options)?;
            writeln!(out)?;
        }
    }
    write_left_out(out, view, options)?;
    if view.counts.error + view.counts.warning + view.counts.info > 1 {
        write_rule_table(out, name, view, options)?;
    }
    Ok(())
}

/// `formation n° F1 « Soudeur »` (the record's element, number and title), sanitized.
pub fn record_name(record: &RecordRef, lang: Lang) -> String {
    let numero = record.numero.as_deref().map(sanitize);
    let title = record.title.as_deref().map(sanitize);
    let mut s = record.element.to_owned();
    match (numero, lang) {
        (Some(n), Lang::Fr) => s.push_str(&format!(" n° {n}")),
        (Some(n), Lang::En) => s.push_str(&format!(" no. {n}")),
        (None, Lang::Fr) => s.push_str(" sans numéro"),
        (None, Lang::En) => s.push_str(" without number"),
    }
    match (title, lang) {
        (Some(t), Lang::Fr) => s.push_str(&format!(" « {t} »")),
        (Some(t), Lang::En) => s.push_str(&format!(" \"{t}\"")),
        (None, Lang::Fr) => s.push_str(" (sans intitulé)"),
        (None, Lang::En) => s.push_str(" (no title)"),
    }
    s
}

/// `formation n° F1`, or `formation[3]` without a number: a record named in a few words.
pub fn record_short_name(record: &RecordRef, lang: Lang) -> String {
    match (record.numero.as_deref(), lang) {
        (Some(n), Lang::Fr) => format!("{} n° {}", record.element, sanitize(n)),
        (Some(n), Lang::En) => format!("{} no. {}", record.element, sanitize(n)),
        (None, _) => {
            let last = record.path.rsplit('/').next().unwrap_or(record.element);
            sanitize(last).into_owned()
        }
    }
}

/// `ligne 12` or `cellule formation!A3`: where a record starts.
pub fn record_place(record: &RecordRef, lang: Lang) -> Option<String> {
    Some(match (&record.location, lang) {
        (Location::Xml { line, .. }, Lang::Fr) => format!("ligne {line}"),
        (Location::Xml { line, .. }, Lang::En) => format!("line {line}"),
        (Location::Cell { sheet, cell }, Lang::Fr) => {
            format!("cellule {}!{}", sanitize(sheet), sanitize(cell))
        }
        (Location::Cell { sheet, cell }, Lang::En) => {
            format!("cell {}!{}", sanitize(sheet), sanitize(cell))
        }
        (Location::None, _) => return None,
    })
}

/// The line that heads a record's findings:
/// `=== formation n° F1 « Soudeur », ligne 12 : 1 erreur, 0 avertissement`.
fn write_group_heading(
    out: &mut dyn Write,
    group: &Group,
    options: &HumanOptions,
) -> io::Result<()> {
    let st = Styles::new(options.color);
    let (b, r) = (st.bold.render(), st.bold.render_reset());
    let (g, gr) = (st.gutter.render(), st.gutter.render_reset());
    let title = match group.record {
        Some(record) => {
            let mut t = record_name(record, options.lang);
            if let Some(place) = record_place(record, options.lang) {
                t.push_str(", ");
                t.push_str(&place);
            }
            t
        }
        None => match options.lang {
            Lang::Fr => "hors des offres (le document)".to_owned(),
            Lang::En => "outside records (the document)".to_owned(),
        },
    };
    let sep = match options.lang {
        Lang::Fr => " :",
        Lang::En => ":",
    };
    writeln!(
        out,
        "{g}==={gr} {b}{title}{r}{sep} {}\n",
        counts_text_nonzero(&group.counts, options.lang)
    )
}

/// The notes on what is not shown: per rule past its cap, and below `--severity`.
fn write_left_out(out: &mut dyn Write, view: &FileView, options: &HumanOptions) -> io::Result<()> {
    let st = Styles::new(options.color);
    let (b, r) = (st.bold.render(), st.bold.render_reset());
    let shown = options.shown();
    let mut any = false;
    for row in &view.rules {
        let capped = row.capped(&shown);
        if capped == 0 {
            continue;
        }
        any = true;
        let severity = severity_name(row.severity, options.lang);
        let text = match options.lang {
            Lang::Fr => format!(
                "… et {capped} {} {} ({severity}) non {} : les {} premiers sont affichés (--max-per-rule 0 pour tout afficher)",
                plural(capped, "autre", "autres"),
                row.rule.code(),
                plural(capped, "affiché", "affichés"),
                row.shown,
            ),
            Lang::En => format!(
                "… and {capped} more {} ({severity}) not shown: the first {} are (--max-per-rule 0 shows them all)",
                row.rule.code(),
                row.shown,
            ),
        };
        writeln!(out, "{b}{text}{r}")?;
    }
    let below = view.below;
    if below.error + below.warning + below.info > 0 {
        any = true;
        let wanted = severity_name(shown.severity, Lang::En);
        let text = match options.lang {
            Lang::Fr => format!(
                "… et {} non affichés (--severity {wanted})",
                counts_text_nonzero(&below, options.lang)
            ),
            Lang::En => format!(
                "… and {} not shown (--severity {wanted})",
                counts_text_nonzero(&below, options.lang)
            ),
        };
        writeln!(out, "{b}{text}{r}")?;
    }
    if any {
        writeln!(out)?;
    }
    Ok(())
}

/// The table per rule: code, severity, count, shown, first place.
fn write_rule_table(
    out: &mut dyn Write,
    name: &str,
    view: &FileView,
    options: &HumanOptions,
) -> io::Result<()> {
    let st = Styles::new(options.color);
    let (b, r) = (st.bold.render(), st.bold.render_reset());
    let header = match options.lang {
        Lang::Fr => ["règle", "gravité", "nombre", "affichés", "premier endroit"],
        Lang::En => ["rule", "severity", "count", "shown", "first place"],
    };
    let name = sanitize(name);
    // The "shown" column only when a rule is not shown whole.
    let partial = view.rules.iter().any(|row| row.shown < row.count);
    let rows: Vec<(Severity, [String; 5])> = view
        .rules
        .iter()
        .map(|row| {
            let d = row.first;
            let mut place = match (&d.location, options.lang) {
                (Location::Xml { line, .. }, Lang::Fr) => format!("ligne {line}"),
                (Location::Xml { line, .. }, Lang::En) => format!("line {line}"),
                (Location::Cell { sheet, cell }, _) => {
                    format!("{}!{}", sanitize(sheet), sanitize(cell))
                }
                (Location::None, _) => name.to_string(),
            };
            if let Some(record) = &d.record {
                place.push_str(", ");
                place.push_str(&record_short_name(record, options.lang));
            }
            let cells = [
                row.rule.code().to_owned(),
                severity_name(row.severity, options.lang).to_owned(),
                row.count.to_string(),
                if partial {
                    row.shown.to_string()
                } else {
                    String::new()
                },
                place,
            ];
            (row.severity, cells)
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|(_, row)| row[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths = [
        width(0),
        width(1),
        width(2),
        if partial { width(3) } else { 0 },
    ];
    let line = |cells: [&str; 5]| {
        let shown = if partial {
            format!("{:>w$}  ", cells[3], w = widths[3])
        } else {
            String::new()
        };
        format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {shown}{}",
            cells[0],
            cells[1],
            cells[2],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
        )
    };
    let title = match (options.lang, view.records) {
        (Lang::Fr, 0) => "Par règle :".to_owned(),
        (Lang::Fr, n) => format!(
            "Par règle ({} {}) :",
            n,
            plural(n, "enregistrement concerné", "enregistrements concernés")
        ),
        (Lang::En, 0) => "By rule:".to_owned(),
        (Lang::En, n) => format!("By rule ({}):", count_en(n, "record", "records")),
    };
    writeln!(out, "{b}{title}{r}")?;
    writeln!(out, "{b}{}{r}", line(header).trim_end())?;
    for (severity, row) in &rows {
        let sev = st.severity(*severity);
        // Padded without escapes (widths count characters), then the severity coloured.
        let severity_cell = format!("{:<w$}", row[1], w = widths[1]);
        let rest = line([row[0].as_str(), "", &row[2], &row[3], &row[4]]);
        let (code_part, rest) = rest.split_at(widths[0] + 2);
        let rest = &rest[widths[1]..];
        writeln!(
            out,
            "{code_part}{}{severity_cell}{}{}",
            sev.render(),
            sev.render_reset(),
            rest.trim_end()
        )?;
    }
    writeln!(out)
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
pub fn display_excerpt(ex: &Excerpt) -> (String, usize) {
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

/// `3 000 avertissements` / `2 erreurs, 1 info`: the severities that have findings.
pub fn counts_text_nonzero(counts: &Counts, lang: Lang) -> String {
    let mut parts = Vec::new();
    for (n, fr, fr_pl, en, en_pl) in [
        (counts.error, "erreur", "erreurs", "error", "errors"),
        (
            counts.warning,
            "avertissement",
            "avertissements",
            "warning",
            "warnings",
        ),
        (counts.info, "info", "infos", "info", "infos"),
    ] {
        if n > 0 {
            parts.push(match lang {
                Lang::Fr => count_fr(n, fr, fr_pl),
                Lang::En => count_en(n, en, en_pl),
            });
        }
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
            severity: Severity::Info,
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

    #[test]
    fn records_are_named_by_number_and_title_in_both_languages() {
        let with = RecordRef {
            element: "formation",
            numero: Some("F1".into()),
            title: Some("Soudeur\x1b[31m".into()),
            location: Location::Xml { line: 4, column: 1 },
            path: "/lheo/offres/formation[1]".into(),
        };
        assert_eq!(
            record_name(&with, Lang::Fr),
            "formation n° F1 « Soudeur\u{FFFD}[31m »"
        );
        assert_eq!(record_place(&with, Lang::En).as_deref(), Some("line 4"));
        let without = RecordRef {
            element: "resume-organisme",
            location: Location::Cell {
                sheet: "organismes".into(),
                cell: "A3".into(),
            },
            path: "/lheo-index/resumes-organismes/resume-organisme[2]".into(),
            ..RecordRef::default()
        };
        assert_eq!(
            record_name(&without, Lang::En),
            "resume-organisme without number (no title)"
        );
        assert_eq!(record_short_name(&without, Lang::Fr), "resume-organisme[2]");
        assert_eq!(
            record_place(&without, Lang::Fr).as_deref(),
            Some("cellule organismes!A3")
        );
    }

    #[test]
    fn grouped_output_with_a_table_per_rule() {
        let r = std::sync::Arc::new(RecordRef {
            element: "formation",
            numero: Some("F1".into()),
            title: Some("Soudeur".into()),
            location: Location::Xml { line: 4, column: 1 },
            path: "/lheo/offres/formation[1]".into(),
        });
        let diagnostics = vec![
            Diagnostic::new(
                lheo::Rule::FtSessionModalite,
                "sans modalité",
                "no modality",
            )
            .at_line(5, 3)
            .in_record(r.clone()),
            Diagnostic::new(lheo::Rule::FtAdrInsee, "sans INSEE", "no INSEE")
                .at_line(6, 3)
                .in_record(r),
        ];
        let view = FileView::new(&diagnostics, &Shown::ALL);
        let mut out = Vec::new();
        write_view(
            &mut out,
            "f.xml",
            &view,
            &Excerpts::default(),
            &options(Lang::En),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "=== formation no. F1 \"Soudeur\", line 4: 1 error, 1 warning\n\n\
             error[FT-ADR-INSEE]: no INSEE\n --> f.xml:6:3\n\n\
             warning[FT-SESSION-MODALITE]: no modality\n --> f.xml:5:3\n\n\
             By rule (1 record):\n\
             rule                 severity  count  first place\n\
             FT-ADR-INSEE         error         1  line 6, formation no. F1\n\
             FT-SESSION-MODALITE  warning       1  line 5, formation no. F1\n\n"
        );
    }
}
