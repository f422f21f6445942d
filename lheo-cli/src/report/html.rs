//! `--format html`: one self-contained page (inline style and script, no font, image or
//! request from elsewhere; its Content-Security-Policy forbids them) that a person opens by
//! double-click, and that `lheo serve` shows as it is.
//!
//! The page: the verdict and totals; per file, a table per rule (code, severity, description,
//! count, shown, first place; a code links to its findings), then one collapsible section per
//! record (numero, title, line; records with errors first), each finding with its source
//! line and a caret. Filters by severity, rule and text hide what does not match, without a
//! request. It stays usable on 100 000 findings: caps per rule (the rest counted and named),
//! sections collapsed past the first ones, one index built once by the script.
//!
//! [`render`] is the reusable part: a report in memory to HTML, its excerpts given by the
//! caller (read from a file by `lheo validate`, from the request by `lheo serve`).

use std::fmt::Write as _;
use std::io::{self, Write};

use lheo::referentiels::Source;
use lheo::validate::Report;
use lheo::{Counts, Diagnostic, Lang, Location, Severity};

use super::human::{
    counts_text, counts_text_nonzero, display_excerpt, record_name, record_place, record_short_name,
};
use super::view::{FileView, Group, Shown};
use super::{passes, severity_name};
use crate::source::Excerpts;

/// The page's style.
const STYLE: &str = include_str!("html/report.css");
/// The page's script (filters, links from the rule table).
const SCRIPT: &str = include_str!("html/report.js");

/// Record sections open when the page opens (the first ones: those with errors come first).
const OPEN_SECTIONS: usize = 20;

/// One file of the page.
pub struct HtmlFile<'a> {
    /// The name shown (path as given, `<entrée standard>`…).
    pub name: &'a str,
    /// What the library found.
    pub report: &'a Report,
    /// What is shown of it.
    pub view: FileView<'a>,
    /// The source lines of the findings shown, by (line, column) (empty: no excerpts).
    pub excerpts: Excerpts,
}

impl<'a> HtmlFile<'a> {
    /// The file `name` as `shown` shows `report`; `excerpts` reads the source lines of the
    /// places it is given (see [`FileView::places`]).
    pub fn new(
        name: &'a str,
        report: &'a Report,
        shown: &Shown,
        excerpts: impl FnOnce(&[(u32, u32)]) -> Excerpts,
    ) -> Self {
        let view = FileView::new(&report.diagnostics, shown);
        let excerpts = excerpts(&view.places());
        HtmlFile {
            name,
            report,
            view,
            excerpts,
        }
    }
}

/// Settings of the page.
#[derive(Debug, Clone, Copy)]
pub struct HtmlOptions<'a> {
    /// Language of the page and of the messages.
    pub lang: Lang,
    /// What is shown (`--severity`, `--max-per-rule`), for the notes on what is not.
    pub shown: Shown,
    /// `--deny-warnings`: warnings make a file fail.
    pub deny_warnings: bool,
    /// Files given that could not be read (named in the verdict).
    pub unreadable: usize,
    /// The referentials the codes were checked against.
    pub referentiels: &'a [Source],
}

/// The page's fixed words in one language.
struct Words {
    title: &'static str,
    valid: &'static str,
    invalid: &'static str,
    denied: &'static str,
    unreadable: &'static str,
    files: &'static str,
    file: &'static str,
    profile: &'static str,
    rules: &'static str,
    rule_header: [&'static str; 6],
    filters: &'static str,
    severity_filter: &'static str,
    rule_filter: &'static str,
    all_rules: &'static str,
    text_filter: &'static str,
    text_placeholder: &'static str,
    open_all: &'static str,
    close_all: &'static str,
    visible: &'static str,
    outside: &'static str,
    path: &'static str,
    no_finding: &'static str,
    referentiels: &'static str,
    generated: &'static str,
    nothing_matches: &'static str,
}

const FR: Words = Words {
    title: "Rapport de validation LHEO",
    valid: "valide",
    invalid: "invalide",
    denied: "refusé (avertissements interdits par --deny-warnings)",
    unreadable: "illisible",
    files: "Fichiers",
    file: "fichier",
    profile: "profil",
    rules: "Par règle",
    rule_header: [
        "règle",
        "gravité",
        "description",
        "nombre",
        "affichés",
        "premier endroit",
    ],
    filters: "Filtres",
    severity_filter: "Gravité",
    rule_filter: "Règle",
    all_rules: "toutes",
    text_filter: "Texte",
    text_placeholder: "numéro, intitulé, message, chemin…",
    open_all: "Tout déplier",
    close_all: "Tout replier",
    visible: "constats affichés",
    outside: "hors des offres (le document)",
    path: "chemin",
    no_finding: "Aucun constat.",
    referentiels: "Référentiels utilisés",
    generated: "Rapport produit par lheo",
    nothing_matches: "Aucun constat ne correspond aux filtres.",
};

const EN: Words = Words {
    title: "LHEO validation report",
    valid: "valid",
    invalid: "invalid",
    denied: "rejected (warnings denied by --deny-warnings)",
    unreadable: "unreadable",
    files: "Files",
    file: "file",
    profile: "profile",
    rules: "By rule",
    rule_header: [
        "rule",
        "severity",
        "description",
        "count",
        "shown",
        "first place",
    ],
    filters: "Filters",
    severity_filter: "Severity",
    rule_filter: "Rule",
    all_rules: "all",
    text_filter: "Text",
    text_placeholder: "number, title, message, path…",
    open_all: "Open all",
    close_all: "Close all",
    visible: "findings shown",
    outside: "outside records (the document)",
    path: "path",
    no_finding: "No finding.",
    referentiels: "Referentials used",
    generated: "Report made by lheo",
    nothing_matches: "No finding matches the filters.",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// Escapes text for HTML content and quoted attribute values; control characters (a hostile
/// feed's terminal escapes) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A one-letter class for a severity (`e`, `w`, `i`), used by the style and the filters.
fn sev_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "e",
        Severity::Warning => "w",
        Severity::Info => "i",
    }
}

fn total(counts: &Counts) -> usize {
    counts.error + counts.warning + counts.info
}

/// Writes the page for `files`.
pub fn render(out: &mut dyn Write, files: &[HtmlFile], options: &HtmlOptions) -> io::Result<()> {
    let w = words(options.lang);
    let lang = options.lang;
    let mut counts = Counts::default();
    let mut failing = 0;
    for f in files {
        let c = f.report.counts();
        counts.error += c.error;
        counts.warning += c.warning;
        counts.info += c.info;
        if !passes(&c, options.deny_warnings) {
            failing += 1;
        }
    }
    let ok = failing == 0 && options.unreadable == 0;
    let verdict = if ok { w.valid } else { w.invalid };
    let html_lang = match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"lheo {}\">\n<title>{} : {}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n",
        env!("CARGO_PKG_VERSION"),
        escape(w.title),
        escape(verdict),
    )?;
    let names: Vec<String> = files.iter().map(|f| escape(f.name)).collect();
    writeln!(
        out,
        "<body>\n<header class=\"verdict {}\" id=\"verdict\">\n<h1>{}</h1>\n\
         <p class=\"big\"><span class=\"word\">{}</span> <span class=\"counts\" id=\"totals\" \
         data-error=\"{}\" data-warning=\"{}\" data-info=\"{}\">{}</span></p>\n<p>{}</p>\n</header>",
        if ok { "ok" } else { "ko" },
        escape(w.title),
        escape(verdict),
        counts.error,
        counts.warning,
        counts.info,
        escape(&counts_text(&counts, lang)),
        names.join(", "),
    )?;
    write_filters(out, files, lang)?;
    writeln!(out, "<main>")?;
    if files.len() > 1 || options.unreadable > 0 {
        write_file_list(out, files, options, w)?;
    }
    let mut sections = 0;
    for (i, f) in files.iter().enumerate() {
        write_file(out, i, f, options, w, &mut sections)?;
    }
    writeln!(
        out,
        "<p class=\"nothing\" id=\"nothing\" hidden>{}</p>\n</main>",
        escape(w.nothing_matches)
    )?;
    writeln!(out, "<footer>")?;
    if !options.referentiels.is_empty() {
        writeln!(out, "<h2>{}</h2>\n<ul>", escape(w.referentiels))?;
        for s in options.referentiels {
            writeln!(
                out,
                "<li>{}</li>",
                escape(&crate::commands::referentiels::describe_use(s, lang))
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "<p>{} {}.</p>\n</footer>\n<script>\n{SCRIPT}</script>\n</body>\n</html>",
        escape(w.generated),
        env!("CARGO_PKG_VERSION")
    )
}

/// The filter bar: severities, rules, text; the count of findings shown.
fn write_filters(out: &mut dyn Write, files: &[HtmlFile], lang: Lang) -> io::Result<()> {
    let w = words(lang);
    let mut codes: Vec<&'static str> = files
        .iter()
        .flat_map(|f| f.view.rules.iter().map(|r| r.rule.code()))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    write!(
        out,
        "<nav class=\"filters\" id=\"filters\" aria-label=\"{}\">\n<fieldset><legend>{}</legend>",
        escape(w.filters),
        escape(w.severity_filter)
    )?;
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        write!(
            out,
            "<label class=\"sev-{c}\"><input type=\"checkbox\" name=\"sev\" value=\"{c}\" checked> {}</label>",
            escape(severity_name(s, lang)),
            c = sev_class(s)
        )?;
    }
    write!(
        out,
        "</fieldset>\n<label>{} <select id=\"rule\"><option value=\"\">{}</option>",
        escape(w.rule_filter),
        escape(w.all_rules)
    )?;
    for c in codes {
        write!(out, "<option value=\"{c}\">{c}</option>")?;
    }
    writeln!(
        out,
        "</select></label>\n<label>{} <input type=\"search\" id=\"text\" placeholder=\"{}\"></label>\n\
         <button type=\"button\" id=\"open-all\">{}</button> <button type=\"button\" id=\"close-all\">{}</button>\n\
         <output id=\"visible\" aria-live=\"polite\"></output> <span class=\"muted\">{}</span>\n</nav>",
        escape(w.text_filter),
        escape(w.text_placeholder),
        escape(w.open_all),
        escape(w.close_all),
        escape(w.visible),
    )
}

/// The list of files, when there are several: verdict and counts, a link to each.
fn write_file_list(
    out: &mut dyn Write,
    files: &[HtmlFile],
    options: &HtmlOptions,
    w: &Words,
) -> io::Result<()> {
    writeln!(
        out,
        "<section class=\"files\"><h2>{}</h2>\n<table>",
        escape(w.files)
    )?;
    for (i, f) in files.iter().enumerate() {
        let c = f.report.counts();
        let (class, verdict) = file_verdict(&c, options.deny_warnings, w);
        writeln!(
            out,
            "<tr><td><a href=\"#f{i}\">{}</a></td><td class=\"{class}\">{}</td><td>{}</td></tr>",
            escape(f.name),
            escape(verdict),
            escape(&counts_text(&c, options.lang)),
        )?;
    }
    if options.unreadable > 0 {
        writeln!(
            out,
            "<tr><td>{} {}</td><td class=\"ko\">{}</td><td></td></tr>",
            options.unreadable,
            escape(w.file),
            escape(w.unreadable)
        )?;
    }
    writeln!(out, "</table></section>")
}

fn file_verdict(c: &Counts, deny_warnings: bool, w: &Words) -> (&'static str, &'static str) {
    match (passes(c, deny_warnings), c.error) {
        (true, _) => ("ok", w.valid),
        (false, 0) => ("ko", w.denied),
        (false, _) => ("ko", w.invalid),
    }
}

/// One file: its heading, its table per rule, the notes on what is not shown, its records.
fn write_file(
    out: &mut dyn Write,
    i: usize,
    f: &HtmlFile,
    options: &HtmlOptions,
    w: &Words,
    sections: &mut usize,
) -> io::Result<()> {
    let lang = options.lang;
    let counts = f.view.counts;
    let (class, verdict) = file_verdict(&counts, options.deny_warnings, w);
    writeln!(
        out,
        "<section class=\"file\" id=\"f{i}\">\n<h2>{} <span class=\"{class}\">{}</span> \
         <span class=\"muted\">({}{}, {} {})</span></h2>",
        escape(f.name),
        escape(verdict),
        escape(&counts_text(&counts, lang)),
        f.report
            .version
            .map(|v| format!(", LHEO {}", v.as_str()))
            .unwrap_or_default(),
        escape(w.profile),
        f.report.profile.name(),
    )?;
    if total(&counts) == 0 {
        return writeln!(out, "<p>{}</p>\n</section>", escape(w.no_finding));
    }
    write_rule_table(out, i, f, options, w)?;
    write_left_out(out, f, options)?;
    writeln!(out, "<div class=\"groups\">")?;
    for (g, group) in f.view.groups.iter().enumerate() {
        write_group(out, i, g, group, f, options, w, *sections < OPEN_SECTIONS)?;
        *sections += 1;
    }
    writeln!(out, "</div>\n</section>")
}

/// The id of a finding's element: `f{file}-d{index in the report}`.
fn finding_id(file: usize, index: usize) -> String {
    format!("f{file}-d{index}")
}

fn write_rule_table(
    out: &mut dyn Write,
    i: usize,
    f: &HtmlFile,
    options: &HtmlOptions,
    w: &Words,
) -> io::Result<()> {
    let lang = options.lang;
    write!(
        out,
        "<h3>{}</h3>\n<table class=\"rules\">\n<thead><tr>",
        escape(w.rules)
    )?;
    for h in w.rule_header {
        write!(out, "<th scope=\"col\">{}</th>", escape(h))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for row in &f.view.rules {
        let d = row.first;
        let mut place = match &d.location {
            Location::Xml { line, .. } => match lang {
                Lang::Fr => format!("ligne {line}"),
                Lang::En => format!("line {line}"),
            },
            Location::Cell { sheet, cell } => format!("{sheet}!{cell}"),
            Location::None => String::new(),
        };
        if let Some(r) = &d.record {
            if !place.is_empty() {
                place.push_str(", ");
            }
            place.push_str(&record_short_name(r, lang));
        }
        let code = row.rule.code();
        // The first finding shown of the rule is where its link leads (none: not shown).
        let target = row.first_shown.map(|index| finding_id(i, index));
        let code_cell = match &target {
            Some(id) => format!("<a href=\"#{id}\" class=\"rule-link\" data-rule=\"{code}\"><code>{code}</code></a>"),
            None => format!("<code>{code}</code>"),
        };
        let shown = if row.shown < row.count {
            format!("<strong>{}</strong>", row.shown)
        } else {
            row.shown.to_string()
        };
        writeln!(
            out,
            "<tr class=\"sev-{}\"><td>{code_cell}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{shown}</td><td>{}</td></tr>",
            sev_class(row.severity),
            escape(severity_name(row.severity, lang)),
            escape(row.rule.description(lang)),
            row.count,
            escape(&place),
        )?;
    }
    writeln!(out, "</tbody></table>")
}

/// What the caps and `--severity` leave out, said once per rule.
fn write_left_out(out: &mut dyn Write, f: &HtmlFile, options: &HtmlOptions) -> io::Result<()> {
    let lang = options.lang;
    let mut notes = Vec::new();
    for row in &f.view.rules {
        let capped = row.capped(&options.shown);
        if capped == 0 {
            continue;
        }
        notes.push(match lang {
            Lang::Fr => format!(
                "{} : {} sur {} affichés ; {capped} non affichés (--max-per-rule 0 pour tout afficher)",
                row.rule.code(),
                row.shown,
                row.count
            ),
            Lang::En => format!(
                "{}: {} of {} shown; {capped} not shown (--max-per-rule 0 shows them all)",
                row.rule.code(),
                row.shown,
                row.count
            ),
        });
    }
    let below = f.view.below;
    if total(&below) > 0 {
        let wanted = options.shown.severity.as_str();
        notes.push(match lang {
            Lang::Fr => format!(
                "{} non affichés (--severity {wanted})",
                counts_text(&below, lang)
            ),
            Lang::En => format!(
                "{} not shown (--severity {wanted})",
                counts_text(&below, lang)
            ),
        });
    }
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "<ul class=\"left-out\">")?;
    for n in notes {
        writeln!(out, "<li>{}</li>", escape(&n))?;
    }
    writeln!(out, "</ul>")
}

/// One record's section (or the document's own findings).
#[allow(clippy::too_many_arguments)]
fn write_group(
    out: &mut dyn Write,
    file: usize,
    g: usize,
    group: &Group,
    f: &HtmlFile,
    options: &HtmlOptions,
    w: &Words,
    open: bool,
) -> io::Result<()> {
    let lang = options.lang;
    let title = match group.record {
        Some(r) => {
            let mut t = record_name(r, lang);
            if let Some(place) = record_place(r, lang) {
                t.push_str(", ");
                t.push_str(&place);
            }
            t
        }
        None => w.outside.to_owned(),
    };
    let mut summary = String::new();
    for (n, s) in [
        (group.counts.error, Severity::Error),
        (group.counts.warning, Severity::Warning),
        (group.counts.info, Severity::Info),
    ] {
        if n > 0 {
            let mut one = Counts::default();
            match s {
                Severity::Error => one.error = n,
                Severity::Warning => one.warning = n,
                Severity::Info => one.info = n,
            }
            let _ = write!(
                summary,
                " <span class=\"badge sev-{}\">{}</span>",
                sev_class(s),
                escape(&counts_text_nonzero(&one, lang))
            );
        }
    }
    writeln!(
        out,
        "<details class=\"group sev-{}\" id=\"f{file}-g{g}\"{}>\n<summary><span class=\"record\">{}</span>{summary}</summary>",
        sev_class(group.worst()),
        if open { " open" } else { "" },
        escape(&title),
    )?;
    for (index, d) in &group.findings {
        write_finding(out, file, *index, d, f, options, w)?;
    }
    writeln!(out, "</details>")
}

fn write_finding(
    out: &mut dyn Write,
    file: usize,
    index: usize,
    d: &Diagnostic,
    f: &HtmlFile,
    options: &HtmlOptions,
    w: &Words,
) -> io::Result<()> {
    let lang = options.lang;
    let sev = sev_class(d.severity);
    let place = match &d.location {
        Location::Xml { line, column } => format!("{}:{line}:{column}", f.name),
        Location::Cell { sheet, cell } => format!("{}:{sheet}!{cell}", f.name),
        Location::None => f.name.to_owned(),
    };
    write!(
        out,
        "<div class=\"finding sev-{sev}\" id=\"{}\" data-s=\"{sev}\" data-r=\"{}\">\
         <p class=\"head\"><span class=\"sev\">{}</span><code class=\"code\">{}</code> {}</p>\
         <p class=\"loc\">{}",
        finding_id(file, index),
        d.code(),
        escape(severity_name(d.severity, lang)),
        d.code(),
        escape(d.text(lang)),
        escape(&place),
    )?;
    if !d.path.is_empty() {
        write!(
            out,
            " · {} <code>{}</code>",
            escape(w.path),
            escape(&d.path)
        )?;
    }
    write!(out, "</p>")?;
    if let Location::Xml { line, column } = d.location {
        if let Some(ex) = f
            .excerpts
            .get(&(line, column))
            .filter(|ex| !ex.text.trim().is_empty())
        {
            let (text, caret) = display_excerpt(ex);
            write!(
                out,
                "<pre class=\"src\"><span class=\"ln\">{line}</span>{}\n<span class=\"ln\"></span>{}<span class=\"caret\">^</span></pre>",
                escape(&text),
                " ".repeat(caret),
            )?;
        }
    }
    writeln!(out, "</div>")
}
