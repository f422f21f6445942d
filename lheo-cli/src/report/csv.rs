//! `--format csv`: one row per finding, for a spreadsheet.
//!
//! UTF-8 with a byte order mark and `;` between fields, so that Excel in a French locale opens
//! it as columns by double-click (it reads the BOM as UTF-8 and `;` is its list separator
//! there); fields are quoted as RFC 4180 says when they hold `;`, a quote or a line break.
//!
//! Columns: file, offer numero, offer title, code, severity, line (or `sheet!cell` in a
//! workbook), element path, message — headed in the language of `--lang`. Every finding is
//! listed (neither `--severity` nor `--max-per-rule` apply: filter in the spreadsheet).
//!
//! Text that comes from the feed (an offer's number or title) and would start with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'`, so that a spreadsheet never runs
//! it as a formula.

use std::borrow::Cow;
use std::io::{self, Write};

use lheo::{Lang, Location};

use super::{severity_name, FileReport};

/// The byte order mark that tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header row in `lang`.
pub fn header(lang: Lang) -> [&'static str; 8] {
    match lang {
        Lang::Fr => [
            "fichier",
            "numéro de l'offre",
            "intitulé de l'offre",
            "code",
            "gravité",
            "ligne",
            "chemin",
            "message",
        ],
        Lang::En => [
            "file",
            "offer number",
            "offer title",
            "code",
            "severity",
            "line",
            "path",
            "message",
        ],
    }
}

/// `text`, with a `'` in front when a spreadsheet would read it as a formula.
pub fn defuse(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Writes the CSV report of `files`.
pub fn write(out: &mut dyn Write, files: &[FileReport], lang: Lang) -> io::Result<()> {
    out.write_all(BOM)?;
    let mut csv = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    csv.write_record(header(lang))?;
    for file in files {
        for d in &file.report.diagnostics {
            let record = d.record.as_deref();
            let place = match &d.location {
                Location::Xml { line, .. } => line.to_string(),
                Location::Cell { sheet, cell } => format!("{sheet}!{cell}"),
                Location::None => String::new(),
            };
            let numero = record.and_then(|r| r.numero.as_deref()).unwrap_or("");
            let title = record.and_then(|r| r.title.as_deref()).unwrap_or("");
            csv.write_record([
                defuse(&file.name).as_ref(),
                &defuse(numero),
                &defuse(title),
                d.code(),
                severity_name(d.severity, lang),
                &place,
                &defuse(&d.path),
                &defuse(d.text(lang)),
            ])?;
        }
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-2"), "'-2");
        assert_eq!(defuse("F-0001"), "F-0001");
        assert_eq!(defuse(""), "");
    }
}
