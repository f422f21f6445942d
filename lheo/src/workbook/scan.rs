//! Pre-scans of a workbook's bytes, before the workbook library (calamine) reads it: what it
//! would allocate is computed here, from the same XML events, and checked against
//! [`Limits`](super::Limits) — cell references and dimensions against Excel's bounds
//! (calamine turns a reference past `XFD1048576` into a rows × columns allocation, and
//! overflows on longer ones), repeated rows and columns of `.ods` sheets expanded as calamine
//! expands them, shared strings of `.xlsx` counted. Nothing here holds more than one XML event.

use std::io::{BufRead, BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};

use super::limits::{Budget, Exceeded};

type XmlReader<R> = quick_xml::Reader<BufReader<R>>;

/// An XML reader configured as calamine configures its own (same events, same errors).
fn xml_reader<R: Read>(input: R) -> XmlReader<R> {
    let mut r = quick_xml::Reader::from_reader(BufReader::new(input));
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// A cell reference (`B7`, any case) as 0-based (row, column), saturating; `None` when it is
/// not letters then digits (calamine refuses those itself).
pub fn parse_ref(r: &str) -> Option<(u64, u64)> {
    let r = r.as_bytes();
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &r[letters..];
    if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = r[..letters].iter().fold(0u64, |acc, b| {
        acc.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    });
    let row = digits.iter().fold(0u64, |acc, b| {
        acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    Some((row.checked_sub(1)?, col - 1))
}

/// A row number (`r` of `<row>`): 0-based, saturating; `None` when not digits.
pub fn parse_row(r: &str) -> Option<u64> {
    let r = r.as_bytes();
    if r.is_empty() || !r.iter().all(u8::is_ascii_digit) {
        return None;
    }
    r.iter()
        .fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
        .checked_sub(1)
}

/// A count attribute: its leading digits (after an optional `+`), saturating.
fn parse_count(v: &str) -> Option<u64> {
    let v = v.as_bytes();
    let v = v.strip_prefix(b"+").unwrap_or(v);
    let digits: Vec<u8> = v.iter().copied().take_while(u8::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| {
        digits.iter().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
    })
}

fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value)
}

fn local_attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value)
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

/// Checks a reference (`A1`) or a dimension (`A1:C9`) against Excel's bounds.
fn check_dimension(budget: &Budget, v: &str) -> Result<(), Exceeded> {
    let mut ends = Vec::new();
    for part in v.split(':') {
        match parse_ref(part) {
            Some((row, col)) => {
                budget.position(row, col)?;
                ends.push((row, col));
            }
            None => return Ok(()),
        }
    }
    if let [(r0, c0), (r1, c1)] = ends[..] {
        if r1 < r0 || c1 < c0 {
            return Err(budget.refuse(
                format!("plage « {v} » à l'envers"),
                format!("range \"{v}\" is reversed"),
            ));
        }
    }
    Ok(())
}

/// Scans the parts of an `.xlsx` archive. Every part that starts as XML is scanned (whatever
/// its name: the workbook's relationships may point a sheet anywhere): positions of `<row>`
/// and `<c>` computed as calamine computes them, `ref`s of `<dimension>` and `<f>`, shared
/// strings counted (`uniqueCount`, which calamine reserves, and each `<si>`).
pub fn xlsx<R: Read + Seek>(input: &mut R, budget: &mut Budget) -> Result<(), Exceeded> {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut buffered = BufReader::new(part);
        if !starts_as_xml(&mut buffered) {
            continue;
        }
        budget.sheet(format!("partie « {name} »"));
        xlsx_part(xml_reader(buffered), budget)?;
    }
    Ok(())
}

/// Whether the content starts with `<` (after a byte-order mark and white space).
pub fn starts_as_xml<R: Read>(r: &mut BufReader<R>) -> bool {
    let Ok(head) = r.fill_buf() else {
        return false;
    };
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

fn xlsx_part<R: Read>(mut xml: XmlReader<R>, budget: &mut Budget) -> Result<(), Exceeded> {
    let mut buf = Vec::new();
    let (mut row, mut col) = (0u64, 0u64);
    let (mut in_si, mut si_bytes) = (false, 0u64);
    loop {
        buf.clear();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            // calamine stops at the same error.
            return Ok(());
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) => match e.local_name().as_ref() {
                "row" => {
                    if let Some(r) = attr(&e, "r") {
                        if let Some(r) = parse_row(&r) {
                            budget.position(r, 0)?;
                            row = r;
                        }
                    }
                }
                "c" => {
                    if let Some(r) = attr(&e, "r") {
                        if let Some((r, c)) = parse_ref(&r) {
                            row = r;
                            col = c;
                        }
                    }
                    budget.position(row, col)?;
                    col = col.saturating_add(1);
                }
                "dimension" => {
                    if let Some(v) = attr(&e, "ref") {
                        check_dimension(budget, &v)?;
                    }
                }
                "f" => {
                    if let Some(v) = attr(&e, "ref") {
                        check_dimension(budget, &v)?;
                    }
                }
                "sst" => {
                    if let Some(n) = attr(&e, "uniqueCount").and_then(|v| parse_count(&v)) {
                        if n > budget.limits().max_cells {
                            return Err(budget.refuse(
                                format!("{n} textes partagés annoncés, plus que les {} cellules admises", budget.limits().max_cells),
                                format!("{n} shared strings announced, more than the {} cells allowed", budget.limits().max_cells),
                            ));
                        }
                    }
                }
                "si" => {
                    in_si = true;
                    si_bytes = 0;
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "row" => {
                    row = row.saturating_add(1);
                    col = 0;
                }
                "si" if in_si => {
                    in_si = false;
                    budget.add(1, si_bytes)?;
                }
                _ => {}
            },
            Event::Text(t) if in_si => si_bytes = si_bytes.saturating_add(t.len() as u64),
            Event::GeneralRef(_) if in_si => si_bytes = si_bytes.saturating_add(4),
            _ => {}
        }
    }
}

/// Scans `content.xml` of an `.ods` archive: each named table's rectangle as calamine builds
/// it (repeated rows and columns expanded, capped as calamine caps them), and the text its
/// cells would hold (each repeated cell its own copy; `<text:s text:c="…"/>` spaces counted).
pub fn ods<R: Read + Seek>(input: &mut R, budget: &mut Budget) -> Result<(), Exceeded> {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = xml_reader(content);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Err(_) | Ok(Event::Eof) => return Ok(()),
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table" => {
                if let Some(name) = attr(&e, "table:name") {
                    budget.sheet(format!("feuille « {name} »"));
                    ods_table(&mut xml, budget)?;
                }
            }
            Ok(_) => {}
        }
    }
}

/// calamine's caps on an `.ods` sheet.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// A row of an `.ods` table as calamine stores it.
#[derive(Default)]
struct OdsRow {
    /// Cells pushed (up to the last non-empty one).
    width: u64,
    /// First non-empty column.
    first: Option<u64>,
    /// Text bytes of the row (one copy).
    bytes: u64,
}

fn ods_table<R: Read>(xml: &mut XmlReader<R>, budget: &mut Budget) -> Result<(), Exceeded> {
    let mut buf = Vec::new();
    let mut total_rows = 0u64;
    let mut raw_cells = 0u64;
    // (row repeats, row) of the rows read; only the span from the first to the last
    // non-empty row is kept (its height and the widest extent).
    let (mut height_before, mut height) = (0u64, 0u64);
    let mut pending_height = 0u64;
    let (mut col_min, mut col_max) = (u64::MAX, 0u64);
    let mut bytes = 0u64;
    let mut seen_content = false;
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => break,
        };
        match event {
            // calamine loops for ever on a table that never ends.
            Event::Eof => return Err(unended(budget)),
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = attr(&e, "table:number-rows-repeated")
                    .and_then(|v| parse_count(&v))
                    .unwrap_or(1);
                let capped = repeats.min(ODS_MAX_ROWS.saturating_sub(total_rows));
                total_rows = total_rows.saturating_add(capped);
                let row = ods_row(xml, budget)?;
                raw_cells = raw_cells.saturating_add(row.width);
                budget.position(total_rows.saturating_sub(1).min(ODS_MAX_ROWS - 1), 0)?;
                match row.first {
                    Some(first) => {
                        seen_content = true;
                        col_min = col_min.min(first);
                        col_max = col_max.max(row.width - 1);
                        height = height.saturating_add(pending_height).saturating_add(capped);
                        pending_height = 0;
                        bytes = bytes.saturating_add(row.bytes.saturating_mul(capped));
                    }
                    None if seen_content => pending_height = pending_height.saturating_add(capped),
                    None => height_before = height_before.saturating_add(capped),
                }
                let width = if seen_content {
                    col_max + 1 - col_min
                } else {
                    0
                };
                let dense = height.saturating_mul(width);
                // calamine holds the rows read and the rectangle built from them at once.
                let held = dense.saturating_add(raw_cells);
                if held > budget.limits().max_sheet_cells || bytes > budget.limits().max_sheet_bytes
                {
                    budget.add(held, bytes)?;
                }
            }
            _ => {}
        }
    }
    let _ = height_before;
    let width = if seen_content {
        col_max + 1 - col_min
    } else {
        0
    };
    budget.add(
        height.saturating_mul(width).saturating_add(raw_cells),
        bytes,
    )
}

/// Reads one `table:table-row` as calamine's `read_row` does.
fn ods_row<R: Read>(xml: &mut XmlReader<R>, budget: &Budget) -> Result<OdsRow, Exceeded> {
    let mut row = OdsRow::default();
    let mut buf = Vec::new();
    let mut pending_empty = 0u64;
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(row),
        };
        match event {
            Event::Eof => return Ok(row),
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(row),
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeats = attr(&e, "table:number-columns-repeated")
                    .and_then(|v| parse_count(&v))
                    .unwrap_or(1);
                let (empty, cell_bytes) = ods_cell(xml, &e, budget)?;
                let capped_empty = pending_empty.min(ODS_MAX_COLUMNS.saturating_sub(row.width));
                row.width = row.width.saturating_add(capped_empty);
                pending_empty = 0;
                let capped = repeats.min(ODS_MAX_COLUMNS.saturating_sub(row.width));
                if empty {
                    pending_empty = capped;
                } else {
                    if capped > 0 && row.first.is_none() {
                        row.first = Some(row.width);
                    }
                    row.width = row.width.saturating_add(capped);
                    row.bytes = row.bytes.saturating_add(cell_bytes.saturating_mul(capped));
                }
                if row.width > 0 {
                    budget.position(0, row.width - 1)?;
                }
            }
            _ => {}
        }
    }
}

/// Reads one cell to its end: whether calamine sees it as empty (no value, no formula), and
/// an upper bound of the text it holds.
fn ods_cell<R: Read>(
    xml: &mut XmlReader<R>,
    e: &BytesStart<'_>,
    budget: &Budget,
) -> Result<(bool, u64), Exceeded> {
    let mut empty = true;
    let mut bytes = 0u64;
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "office:value"
            | "office:string-value"
            | "office:date-value"
            | "office:time-value"
            | "office:boolean-value" => {
                empty = false;
                bytes = bytes.saturating_add(a.value.len() as u64);
            }
            "office:value-type" if a.value == "string" => empty = false,
            "table:formula" if !a.value.is_empty() => {
                empty = false;
                bytes = bytes.saturating_add(a.value.len() as u64);
            }
            _ => {}
        }
    }
    let name = e.name().as_ref().to_owned();
    let mut buf = Vec::new();
    // As calamine: a text cell without value attribute is read up to the first end of a
    // cell (any depth), skipping annotations up to their end; any other cell up to the end
    // tag that closes it (by name and depth). What follows counts as cells of the row.
    let attrs: Vec<_> = e.attributes().with_checks(false).flatten().collect();
    let text = attrs
        .iter()
        .any(|a| a.key.as_ref() == "office:value-type" && a.value == "string")
        && !attrs.iter().any(|a| {
            matches!(
                a.key.as_ref(),
                "office:value"
                    | "office:string-value"
                    | "office:date-value"
                    | "office:time-value"
                    | "office:boolean-value"
            )
        });
    let mut depth = 0u32;
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok((empty, bytes)),
        };
        match event {
            Event::Eof => return Ok((empty, bytes)),
            Event::End(end)
                if text
                    && matches!(
                        end.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                return Ok((empty, bytes))
            }
            Event::End(end) if !text && end.name().as_ref() == name => {
                if depth == 0 {
                    return Ok((empty, bytes));
                }
                depth -= 1;
            }
            Event::Start(s) if !text && s.name().as_ref() == name => depth += 1,
            Event::Start(s) if text && s.name().as_ref() == "office:annotation" => loop {
                buf.clear();
                match xml.read_event_into(&mut buf) {
                    Ok(Event::End(end)) if end.name().as_ref() == "office:annotation" => break,
                    // calamine loops for ever on an annotation that never ends.
                    Ok(Event::Eof) => return Err(unended(budget)),
                    Err(_) => return Ok((empty, bytes)),
                    Ok(_) => {}
                }
            },
            Event::Start(s) => {
                if s.name().as_ref() == "text:s" {
                    let n = local_attr(&s, "c")
                        .and_then(|v| parse_count(&v))
                        .unwrap_or(1);
                    bytes = bytes.saturating_add(n);
                } else {
                    bytes = bytes.saturating_add(1);
                }
            }
            Event::Text(t) => bytes = bytes.saturating_add(t.len() as u64),
            Event::GeneralRef(r) => bytes = bytes.saturating_add(r.len() as u64 + 2),
            _ => {}
        }
        if bytes > budget.limits().max_sheet_bytes {
            return Ok((empty, bytes));
        }
    }
}

/// A table or annotation that never ends (calamine would read it for ever).
fn unended(budget: &Budget) -> Exceeded {
    budget.refuse(
        "tableau ou annotation sans fin (contenu tronqué)".into(),
        "table or annotation without an end (truncated content)".into(),
    )
}

/// A BIFF record: its type, its data and the data of the `CONTINUE` records after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// The records of a BIFF stream from its start, as calamine walks them (`CONTINUE` records
/// joined to the one before); stops at the first truncated record.
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        let mut cont = Vec::new();
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = usize::from(u16_at(stream, 2)?);
            cont.push(stream.get(4..4 + len)?);
            stream = &stream[4 + len..];
        }
        Some(Record { typ, data, cont })
    })
}

/// Upper bounds of the UTF-8 length of each string of an `SST` record (a string whose
/// characters are one byte each takes at most 2 bytes a character, else 3).
fn sst_lengths(r: &Record<'_>) -> Vec<u64> {
    let mut parts = std::iter::once(r.data).chain(r.cont.iter().copied());
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let unique = u32_at(first, 4).unwrap_or(0);
    let mut out = Vec::new();
    let mut part = first.get(8..).unwrap_or(&[]);
    // Bytes still to skip (rich runs, phonetic data) before the next string.
    let mut skip = 0usize;
    while (out.len() as u64) < u64::from(unique) {
        while skip > 0 || part.is_empty() {
            if part.is_empty() {
                match parts.next() {
                    Some(p) => part = p,
                    None => return out,
                }
                continue;
            }
            let n = skip.min(part.len());
            part = &part[n..];
            skip -= n;
        }
        let (Some(cch), Some(&flags)) = (u16_at(part, 0), part.get(2)) else {
            return out;
        };
        let mut at = 3;
        let runs = if flags & 0x8 != 0 {
            at += 2;
            usize::from(u16_at(part, 3).unwrap_or(0))
        } else {
            0
        };
        let ext = if flags & 0x4 != 0 {
            let v = u32_at(part, at).unwrap_or(0) as usize;
            at += 4;
            v
        } else {
            0
        };
        let mut high = flags & 0x1 != 0;
        out.push(u64::from(cch) * if high { 3 } else { 2 });
        part = part.get(at..).unwrap_or(&[]);
        // The characters, which may go on in the next CONTINUE record after a flags byte.
        let mut left = usize::from(cch);
        while left > 0 {
            let width = if high { 2 } else { 1 };
            let here = (part.len() / width).min(left);
            part = &part[here * width..];
            left -= here;
            if left > 0 {
                match parts.next() {
                    Some(p) if !p.is_empty() => {
                        high = p[0] & 0x1 != 0;
                        part = &p[1..];
                        if high {
                            if let Some(last) = out.last_mut() {
                                *last = u64::from(cch) * 3;
                            }
                        }
                    }
                    _ => return out,
                }
            }
        }
        skip = runs * 4 + ext;
    }
    out
}

/// Scans the workbook stream of an `.xls` file (BIFF): the sheets calamine will read (their
/// positions checked), and in each, what calamine allocates — the rectangle of its cells
/// and formulas, the `DIMENSIONS` it reserves — and the text its cells hold.
pub fn xls<R: Read + Seek>(input: &mut R, budget: &mut Budget) -> Result<(), Exceeded> {
    let Ok(mut file) = cfb::CompoundFile::open(&mut *input) else {
        return Ok(());
    };
    let name = if file.is_stream("/Workbook") {
        "/Workbook"
    } else if file.is_stream("/Book") {
        "/Book"
    } else {
        return Ok(());
    };
    let Ok(stream) = file.open_stream(name) else {
        return Ok(());
    };
    let max = budget.limits().max_bytes;
    let mut bytes = Vec::new();
    if stream
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .is_err()
    {
        return Ok(());
    }
    if bytes.len() as u64 > max {
        budget.sheet("flux du classeur");
        return Err(budget.refuse(
            format!("plus de {max} octets"),
            format!("more than {max} bytes"),
        ));
    }
    let mut sheets = Vec::new();
    let mut strings = Vec::new();
    for r in records(&bytes) {
        match r.typ {
            0x0085 => {
                // BoundSheet8: the sheet's position, state and kind, then its name.
                let pos = u32_at(r.data, 0).map(|p| p as usize);
                let sheet_name = r.data.get(8..).map(text).unwrap_or_default();
                match pos {
                    Some(p) if r.data.len() >= 6 && p <= bytes.len() => {
                        sheets.push((p, sheet_name))
                    }
                    _ => {
                        budget.sheet(format!("feuille « {sheet_name} »"));
                        return Err(budget.refuse(
                            "feuille déclarée hors du fichier".into(),
                            "sheet declared outside the file".into(),
                        ));
                    }
                }
            }
            0x00FC => strings = sst_lengths(&r),
            0x000A => break,
            _ => {}
        }
    }
    for (pos, sheet_name) in sheets {
        budget.sheet(format!("feuille « {sheet_name} »"));
        xls_sheet(&bytes[pos..], &strings, budget)?;
    }
    Ok(())
}

/// The rectangle of a set of positions.
#[derive(Default)]
struct Bounds(Option<(u64, u64, u64, u64)>);

impl Bounds {
    fn add(&mut self, row: u64, col: u64) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
        })
    }
}

fn xls_sheet(stream: &[u8], strings: &[u64], budget: &mut Budget) -> Result<(), Exceeded> {
    let (mut cells, mut formulas) = (Bounds::default(), Bounds::default());
    let mut reserved = 0u64;
    let mut bytes = 0u64;
    let mut formula_pos = (0u64, 0u64);
    let (mut seen_bof, mut depth) = (false, 0usize);
    for r in records(stream) {
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let pos = || Some((u64::from(u16_at(r.data, 0)?), u64::from(u16_at(r.data, 2)?)));
        match r.typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x000A => break,
            0x0200 => {
                // DIMENSIONS, read as calamine reads it (it reserves rows × columns).
                let (rf, rl, mut cf, cl) = match r.data.len() {
                    10 => (
                        u64::from(u16_at(r.data, 0).unwrap_or(0)),
                        u64::from(u16_at(r.data, 2).unwrap_or(0)),
                        u64::from(u16_at(r.data, 4).unwrap_or(0)),
                        u64::from(u16_at(r.data, 6).unwrap_or(0)),
                    ),
                    14 | 16 => (
                        u64::from(u32_at(r.data, 0).unwrap_or(0)),
                        u64::from(u32_at(r.data, 4).unwrap_or(0)),
                        u64::from(u16_at(r.data, 8).unwrap_or(0)),
                        u64::from(u16_at(r.data, 10).unwrap_or(0)),
                    ),
                    _ => continue,
                };
                if 0xFF < cf || cl < cf {
                    cf = 0;
                }
                let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                if end_r < rf || end_c < cf {
                    return Err(budget.refuse(
                        "dimensions impossibles (fin avant début)".into(),
                        "impossible dimensions (end before start)".into(),
                    ));
                }
                budget.position(end_r, end_c)?;
                reserved = reserved.max((end_r - rf + 1).saturating_mul(end_c - cf + 1));
            }
            0x0203 | 0x027E | 0x0205 => {
                if let Some((row, col)) = pos() {
                    budget.position(row, col)?;
                    cells.add(row, col);
                }
            }
            0x0204 | 0x00D6 => {
                if let Some((row, col)) = pos() {
                    budget.position(row, col)?;
                    cells.add(row, col);
                    bytes = bytes.saturating_add(3 * r.data.len() as u64);
                }
            }
            0x00FD => {
                if let (Some((row, col)), Some(i)) = (pos(), u32_at(r.data, 6)) {
                    if let Some(&len) = strings.get(i as usize) {
                        budget.position(row, col)?;
                        cells.add(row, col);
                        bytes = bytes.saturating_add(len);
                    }
                }
            }
            0x00BD => {
                // MULRK: a row, its first column, then the last column in the last 2 bytes.
                let last = r
                    .data
                    .len()
                    .checked_sub(2)
                    .and_then(|at| u16_at(r.data, at));
                if let (Some((row, first)), Some(last)) = (pos(), last) {
                    let last = u64::from(last);
                    if last >= first {
                        budget.position(row, last)?;
                        cells.add(row, first);
                        cells.add(row, last);
                    }
                }
            }
            0x0006 => {
                if let Some((row, col)) = pos() {
                    budget.position(row, col)?;
                    formula_pos = (row, col);
                    cells.add(row, col);
                    formulas.add(row, col);
                    bytes = bytes.saturating_add(3 * r.data.len() as u64 + 64);
                }
            }
            0x0207 => {
                cells.add(formula_pos.0, formula_pos.1);
                bytes = bytes.saturating_add(3 * r.data.len() as u64);
            }
            _ => {}
        }
    }
    budget.add(
        reserved
            .saturating_add(cells.cells())
            .saturating_add(formulas.cells()),
        bytes,
    )
}
