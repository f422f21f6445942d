//! Cell values: how a simple element's text becomes a cell (export), and how a cell, typed by
//! a person or by Excel, becomes the element's text again (import).
//!
//! Export writes codes and free text as text cells, integers as numbers, full dates as real
//! dates (shown `jj/mm/aaaa`) and partial or impossible dates as their eight digits.
//!
//! Import forgives what people and Excel do: dates as Excel dates or as `jj/mm/aaaa`,
//! `aaaa-mm-jj`, `aaaammjj` (also `mm/aaaa`, `aaaa`), numbers that lost their leading zeros
//! (`1000` for a five-character `codepostal`), a SIRET turned into a float, French labels
//! instead of codes, hours typed `14:15`, stray spaces around codes. It refuses what would
//! lose data: an impossible date, a code outside its dictionary.

use std::borrow::Cow;

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use crate::model::{parse_xs_long, Date, Precision};
use crate::schema::{self, Base, Format, SimpleType};

/// A cell to write; its text borrowed from the record where it can be (a feed has millions
/// of cells, and the workbook library copies each one again).
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue<'a> {
    /// A text cell.
    Text(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// A date, shown `jj/mm/aaaa`.
    Date(NaiveDate),
}

/// Largest integer a spreadsheet number holds exactly.
const EXACT_INTEGER: i64 = 1 << 53;

/// The cell for the text of an element of type `st`.
pub fn export_value<'a>(st: &SimpleType, text: Cow<'a, str>) -> CellValue<'a> {
    if st.format == Some(Format::Date) {
        if let Ok(d) = crate::model::trim_xml(&text).parse::<Date>() {
            if let Some(day) = d.to_naive() {
                if d.year() >= 1900 {
                    return CellValue::Date(day);
                }
            }
            return CellValue::Text(d.to_string().into());
        }
        return CellValue::Text(text);
    }
    if st.base == Base::Long {
        if let Some(n) = parse_xs_long(&text) {
            if n.abs() < EXACT_INTEGER {
                return CellValue::Number(n as f64);
            }
            return CellValue::Text(n.to_string().into());
        }
        return CellValue::Text(text);
    }
    if st.dict.is_some() {
        return CellValue::Text(trimmed(text));
    }
    CellValue::Text(text)
}

/// `text` without XML white space at either end, borrowed when it was.
fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(t) => Cow::Borrowed(crate::model::trim_xml(t)),
        Cow::Owned(t) => Cow::Owned(crate::model::trim_xml(&t).to_owned()),
    }
}

/// `true` when Excel would take typed text as a formula (or a sign): such cells get the
/// quote prefix, so editing them keeps them text.
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// What a cell became on import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Nothing (an empty cell).
    Empty,
    /// The element's text.
    Text(String),
}

/// Why a cell cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellProblem {
    /// Not a possible date.
    Date(String),
    /// A code (or label) outside the dictionary.
    Code {
        /// What the cell holds.
        found: String,
        /// The dictionary's name.
        dict: &'static str,
    },
    /// An Excel error value (`#N/A`, `#REF!`…).
    Error(String),
}

/// `true` when the type holds codes rather than free text (dictionaries, numbers, dates,
/// hours, fixed-length or short strings): import drops the spaces around such values, as
/// people type them by mistake. Free text is kept exactly.
pub fn is_code_like(st: &SimpleType) -> bool {
    st.base != Base::String
        || st.dict.is_some()
        || st.format.is_some()
        || st.pattern.is_some()
        || st.length.is_some()
        || (st.min_length.is_some() && st.min_length == st.max_length)
        || st.max_length.is_some_and(|m| m <= 14)
}

/// A number as the integer text it stands for, when it is one.
fn integer_text(f: f64) -> Option<String> {
    (f.fract() == 0.0 && f.abs() < 1e17).then(|| format!("{}", f as i64))
}

/// A number as text: an integer without `.0`, else the shortest form.
fn number_text(f: f64) -> String {
    integer_text(f).unwrap_or_else(|| f.to_string())
}

/// Pads a string of digits with leading zeros up to the type's minimum length (`1000` →
/// `01000` for a `codepostal`).
fn pad_digits(st: &SimpleType, digits: String) -> String {
    let want = st.length.or(st.min_length).unwrap_or(0) as usize;
    if digits.len() < want && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}{digits}", "0".repeat(want - digits.len()))
    } else {
        digits
    }
}

/// The calendar day of an Excel serial number (1900 date system).
pub fn excel_day(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = serial.floor() as i64;
    // Excel counts a 29 February 1900 that never was: serials before it are one day off.
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// An Excel time fraction as an LHEO hour (`0.59375` → `14h15`).
fn hour_of_fraction(f: f64) -> Option<String> {
    let frac = f.fract();
    if !(0.0..1.0).contains(&frac) {
        return None;
    }
    let minutes = (frac * 24.0 * 60.0).round() as u32;
    let (h, m) = (minutes / 60, minutes % 60);
    Some(if m == 0 {
        format!("{h}h")
    } else {
        format!("{h}h{m:02}")
    })
}

/// `aaaammjj` of a calendar day.
fn lheo_date(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// Parses a date typed as text. `Ok(None)` when the text is not a date form at all.
fn parse_date_text(t: &str) -> Result<String, ()> {
    let t = t.trim();
    let lower = t.to_lowercase();
    if lower == "inconnue" || lower == "inconnu" {
        return Ok("00000000".into());
    }
    // Eight digits: an LHEO date as written, kept as is when the XSD pattern accepts it
    // (the `lheo` profile checks the calendar).
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let b = t.as_bytes();
        let ok =
            matches!(b[4], b'0' | b'1' | b'9') && matches!(b[6], b'0' | b'1' | b'2' | b'3' | b'9');
        return if ok { Ok(t.to_owned()) } else { Err(()) };
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let full = |y: u32, m: u32, d: u32| -> Result<String, ()> {
        let y = i32::try_from(y).map_err(|_| ())?;
        NaiveDate::from_ymd_opt(y, m, d)
            .filter(|_| (1000..=9999).contains(&y))
            .map(lheo_date)
            .ok_or(())
    };
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y).ok_or(())?;
            if y >= 1000 {
                Ok(format!("{y:04}0000"))
            } else {
                Err(())
            }
        }
        [a, b] if b.len() == 4 && a.len() <= 2 => {
            let (m, y) = (num(a).ok_or(())?, num(b).ok_or(())?);
            if (1..=12).contains(&m) && y >= 1000 {
                Ok(format!("{y:04}{m:02}00"))
            } else {
                Err(())
            }
        }
        [a, b, c] if a.len() == 4 => full(num(a).ok_or(())?, num(b).ok_or(())?, num(c).ok_or(())?),
        [a, b, c] if c.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
            full(num(c).ok_or(())?, num(b).ok_or(())?, num(a).ok_or(())?)
        }
        _ => Err(()),
    }
}

/// Lower case, accents dropped, spaces collapsed: how labels are compared.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            '’' | '`' => '\'',
            '\u{a0}' | '\t' | '\n' | '\r' => ' ',
            c => c,
        };
        if c == ' ' && (out.ends_with(' ') || out.is_empty()) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The code a dictionary cell stands for: the code itself, its French label, or the
/// drop-down's `code - label`.
fn dictionary_code(dict: &'static schema::DictDecl, typed: &str) -> Option<&'static str> {
    let t = typed.trim();
    if let Some((c, _)) = dict.entries.iter().find(|(c, _)| *c == t) {
        return Some(c);
    }
    if let Some((code, _)) = t.split_once(" - ") {
        if let Some((c, _)) = dict.entries.iter().find(|(c, _)| *c == code.trim()) {
            return Some(c);
        }
    }
    let folded = fold(t);
    if folded.is_empty() {
        return None;
    }
    let mut found = dict.entries.iter().filter(|(_, l)| fold(l) == folded);
    match (found.next(), found.next()) {
        (Some((c, _)), None) => Some(c),
        // Two codes with one label (dict-AIS "Perfectionnement…"): the first, as documented.
        (Some((c, _)), Some(_)) => Some(c),
        _ => {
            if let Some(rest) = folded.strip_prefix("oui").or(folded.strip_prefix("vrai")) {
                if rest.is_empty() && dict.name == "dict-boolean" {
                    return Some("1");
                }
            }
            None
        }
    }
}

/// The text of an element of type `st` from a cell.
pub fn import_value(st: &SimpleType, cell: &Data) -> Result<Imported, CellProblem> {
    let text: Cow<'_, str> = match cell {
        Data::Empty => return Ok(Imported::Empty),
        Data::Error(e) => return Err(CellProblem::Error(e.to_string())),
        Data::String(s) => Cow::Borrowed(s.as_str()),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Bool(b) => Cow::Borrowed(if *b { "1" } else { "0" }),
        Data::Float(f) => {
            if st.format == Some(Format::Date) {
                return excel_day(*f)
                    .map(|d| Imported::Text(lheo_date(d)))
                    .ok_or_else(|| CellProblem::Date(number_text(*f)));
            }
            if st.format == Some(Format::Heure) && f.fract() != 0.0 && *f < 1.0 {
                return hour_of_fraction(*f)
                    .map(Imported::Text)
                    .ok_or_else(|| CellProblem::Error(number_text(*f)));
            }
            Cow::Owned(match integer_text(*f) {
                Some(i) if st.base == Base::String && st.dict.is_none() => pad_digits(st, i),
                Some(i) => i,
                None => f.to_string(),
            })
        }
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if st.format == Some(Format::Heure) {
                return hour_of_fraction(serial)
                    .map(Imported::Text)
                    .ok_or_else(|| CellProblem::Error(number_text(serial)));
            }
            let day = excel_day(serial).ok_or_else(|| CellProblem::Date(number_text(serial)))?;
            if st.format == Some(Format::Date) {
                return Ok(Imported::Text(lheo_date(day)));
            }
            Cow::Owned(day.format("%d/%m/%Y").to_string())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s.as_str()),
    };
    if st.format == Some(Format::Date) {
        if text.trim().is_empty() {
            return Ok(Imported::Empty);
        }
        let iso = text.split('T').next().unwrap_or(&text);
        return parse_date_text(iso)
            .map(Imported::Text)
            .map_err(|()| CellProblem::Date(text.trim().to_owned()));
    }
    if let Some(d) = st.dict {
        let dict = schema::dict(d);
        if text.trim().is_empty() {
            return Ok(Imported::Empty);
        }
        return dictionary_code(dict, &text)
            .map(|c| Imported::Text(c.to_owned()))
            .ok_or_else(|| CellProblem::Code {
                found: text.trim().to_owned(),
                dict: dict.name,
            });
    }
    if st.format == Some(Format::Heure) {
        let t = text.trim();
        if let Some((h, m)) = t.split_once(':') {
            if let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.get(..2).unwrap_or(m).parse::<u32>()) {
                return Ok(Imported::Text(if m == 0 {
                    format!("{h}h")
                } else {
                    format!("{h}h{m:02}")
                }));
            }
        }
    }
    if st.base == Base::Long {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Imported::Empty);
        }
        return Ok(Imported::Text(match parse_xs_long(t) {
            Some(n) => n.to_string(),
            None => t.to_owned(),
        }));
    }
    if is_code_like(st) {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Imported::Empty);
        }
        return Ok(Imported::Text(t.to_owned()));
    }
    if text.is_empty() {
        return Ok(Imported::Empty);
    }
    Ok(Imported::Text(text.into_owned()))
}

/// `true` for the precision a date cell shows as a real date.
pub fn is_full_date(text: &str) -> bool {
    text.parse::<Date>()
        .is_ok_and(|d| d.precision() == Precision::Day && d.to_naive().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{element, id, Content};

    fn st(e: crate::schema::ElementId) -> &'static SimpleType {
        match element(e).content {
            Content::Simple(st) => st,
            _ => unreachable!(),
        }
    }

    fn text(e: crate::schema::ElementId, d: Data) -> Result<Imported, CellProblem> {
        import_value(st(e), &d)
    }

    fn ok(s: &str) -> Result<Imported, CellProblem> {
        Ok(Imported::Text(s.to_owned()))
    }

    #[test]
    fn dates_in_every_form() {
        for (typed, lheo) in [
            ("15/09/2025", "20250915"),
            ("5/9/2025", "20250905"),
            ("2025-09-15", "20250915"),
            ("20250915", "20250915"),
            ("20250900", "20250900"),
            ("09/2025", "20250900"),
            ("2025", "20250000"),
            ("00000000", "00000000"),
            (" 15/09/2025 ", "20250915"),
            ("2025-09-15T00:00:00", "20250915"),
        ] {
            assert_eq!(
                text(id::DEBUT, Data::String(typed.into())),
                ok(lheo),
                "{typed}"
            );
        }
        assert_eq!(text(id::DEBUT, Data::Float(45915.0)), ok("20250915"));
        // Eight digits the XSD accepts are kept as written (a feed's `20230231` survives the
        // round trip; the `lheo` profile reports it at its cell).
        assert_eq!(
            text(id::DEBUT, Data::String("20230231".into())),
            ok("20230231")
        );
        for bad in [
            "31/02/2025",
            "2025-13-01",
            "demain",
            "32/01/2025",
            "20254501",
        ] {
            assert!(
                matches!(
                    text(id::DEBUT, Data::String(bad.into())),
                    Err(CellProblem::Date(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn leading_zeros_come_back() {
        assert_eq!(text(id::CODEPOSTAL, Data::Float(1000.0)), ok("01000"));
        assert_eq!(
            text(id::CODEPOSTAL, Data::String(" 75001 ".into())),
            ok("75001")
        );
        assert_eq!(
            text(id::SIRET, Data::Float(73282932000074.0)),
            ok("73282932000074")
        );
        assert_eq!(
            text(id::SIRET, Data::Float(1234567890123.0)),
            ok("01234567890123")
        );
    }

    #[test]
    fn labels_and_codes() {
        assert_eq!(text(id::MODALITE_RECRUTEMENT, Data::Float(8.0)), ok("8"));
        assert_eq!(
            text(
                id::MODALITE_RECRUTEMENT,
                Data::String("Information collective".into())
            ),
            ok("9")
        );
        assert_eq!(
            text(
                id::MODALITE_RECRUTEMENT,
                Data::String("7 - inscription sur candidature".into())
            ),
            ok("7")
        );
        assert_eq!(text(id::CERTIFIANTE, Data::String("Oui".into())), ok("1"));
        assert!(matches!(
            text(id::MODALITE_RECRUTEMENT, Data::String("12".into())),
            Err(CellProblem::Code { .. })
        ));
    }

    #[test]
    fn free_text_is_kept_as_typed() {
        let t = " Cours du soir\navec pause ";
        assert_eq!(text(id::CONTENU_FORMATION, Data::String(t.into())), ok(t));
    }

    #[test]
    fn hours() {
        assert_eq!(
            text(id::HEURE_DEBUT, Data::String("14:15".into())),
            ok("14h15")
        );
        assert_eq!(text(id::HEURE_DEBUT, Data::Float(0.375)), ok("9h"));
    }

    #[test]
    fn export_types() {
        assert_eq!(
            export_value(st(id::DEBUT), "20250915".into()),
            CellValue::Date(NaiveDate::from_ymd_opt(2025, 9, 15).unwrap())
        );
        assert_eq!(
            export_value(st(id::DEBUT), "20250900".into()),
            CellValue::Text("20250900".into())
        );
        assert_eq!(
            export_value(st(id::NB_PLACES), "12".into()),
            CellValue::Number(12.0)
        );
        assert_eq!(
            export_value(st(id::CODEPOSTAL), "01000".into()),
            CellValue::Text("01000".into())
        );
        // A code loses its spaces, borrowed from the record when its text was.
        let code = " 1\n";
        match export_value(st(id::CODE_NIVEAU_ENTREE), code.into()) {
            CellValue::Text(Cow::Borrowed(t)) => assert!(t == "1" && code.contains(t)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            export_value(st(id::CODE_NIVEAU_ENTREE), Cow::Owned(code.to_owned())),
            CellValue::Text("1".into())
        );
        // Free text is kept as it is, spaces included.
        assert_eq!(
            export_value(st(id::INTITULE_FORMATION), " a ".into()),
            CellValue::Text(" a ".into())
        );
        assert!(
            looks_like_formula("=SOMME(A1)")
                && looks_like_formula("-5")
                && !looks_like_formula("5")
        );
    }
}
