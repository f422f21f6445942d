//! Import streams the sheets and joins child rows to their parents by key, whatever the order
//! of the rows: a workbook whose rows are shuffled, one whose sheet XML lists its rows out of
//! order, and one re-saved by LibreOffice (shared strings, its own styles and row order) give
//! the very feed of the workbook `lheo export` wrote — read by the library and as `lheo
//! import --trust-workbook` reads it (sheets on two threads).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/books.rs"]
mod books;
mod support;

use std::collections::VecDeque;
use std::io::{Cursor, Read, Write};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::reader::read_document;
use lheo::workbook::{self, read_workbook};
use lheo::Document;
use rust_xlsxwriter::{Format, Workbook};

/// A generated feed with several formations, actions, sessions, addresses and extras.
fn feed(root: Root) -> (Vec<u8>, Document) {
    let options = GenerateOptions::new(12)
        .with_seed(5)
        .with_root(root)
        .with_today(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
    let xml = Generator::new(options).to_xml_string().into_bytes();
    let doc = read_document(&xml[..]).unwrap();
    (xml, doc)
}

fn export(xml: &[u8]) -> Vec<u8> {
    let mut xlsx = Vec::new();
    workbook::export(xml, &mut xlsx).unwrap();
    xlsx
}

/// Imports `xlsx` and checks it gives `want`.
/// With the default limits and with the budgets lifted (`--trust-workbook`: a workbook out of
/// the export's order is then joined by keys sorted on disk, not in memory; a table of shared
/// strings written into the cells first).
fn imports_as(name: &str, xlsx: &[u8], want: &Document) {
    let imported = read_workbook(Cursor::new(xlsx)).unwrap();
    assert!(imported.is_ok(), "{name}: {:#?}", imported.diagnostics);
    let got = imported.document().unwrap();
    books::assert_same_model(name, ("want: ", "got:  "), want, &got);
    let trusted = workbook::read_workbook_with(Cursor::new(xlsx), &workbook::Limits::trusted());
    let trusted = trusted.unwrap();
    assert_eq!(
        format!("{:?}", trusted.diagnostics),
        format!("{:?}", imported.diagnostics),
        "{name}: trusted"
    );
    assert_eq!(
        trusted.xml.to_vec().unwrap(),
        imported.xml.to_vec().unwrap(),
        "{name}: trusted"
    );
    // As `lheo import --trust-workbook` reads it: spooled, the bounds scanned and the sheets
    // read on two threads, the document converted as it is assembled.
    let mut converted = Vec::new();
    let conversion = lheo::convert::convert_with_limits(
        Cursor::new(xlsx),
        &mut converted,
        &lheo::validate::ValidateOptions::default(),
        &workbook::Limits::trusted(),
        &mut |_| {},
    )
    .unwrap();
    assert!(
        conversion.from_workbook && conversion.written,
        "{name}: converted"
    );
    let feed = imported.write_feed(Vec::new()).unwrap();
    assert!(converted == feed, "{name}: converted on two threads");
    // Its shared strings, if any, written into its cells first (as for a large table).
    let mut inlined = Vec::new();
    lheo::convert::convert_with_limits(
        Cursor::new(xlsx),
        &mut inlined,
        &lheo::validate::ValidateOptions::default(),
        &workbook::Limits::trusted().with_inline_strings_at(0),
        &mut |_| {},
    )
    .unwrap();
    assert!(inlined == feed, "{name}: shared strings inlined");
}

/// Every sheet of `xlsx` as rows of cells (calamine), in the workbook's order.
fn sheets(xlsx: &[u8]) -> Vec<(String, Vec<Vec<Data>>, bool)> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    let visible: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible != calamine::SheetVisible::Visible))
        .collect();
    visible
        .into_iter()
        .map(|(name, hidden)| {
            let range = book.worksheet_range(&name).unwrap();
            let grid = books::grid(&range);
            (name, grid, hidden)
        })
        .collect()
}

/// Writes sheets back (text and numbers as they were).
fn write(sheets: &[(String, Vec<Vec<Data>>, bool)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (name, grid, hidden) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        if *hidden {
            ws.set_hidden(true);
        }
        for (r, row) in grid.iter().enumerate() {
            for (c, d) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match d {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    Data::Bool(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                    Data::DateTime(dt) => {
                        ws.write_number_with_format(r, c, dt.as_f64(), &date)
                            .unwrap();
                    }
                    Data::Empty => {}
                    other => panic!("unexpected cell {other:?}"),
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The rows of one group, with their places in the sheet.
type Group = (String, VecDeque<(usize, Vec<Data>)>);

/// The body rows of a sheet shuffled, except that rows of the same `group` (the rows of one
/// parent: their order is the document's order) keep their order among themselves: a random
/// interleaving of the groups. Returns the rows and how many moved.
fn interleaved(
    body: Vec<Vec<Data>>,
    group: impl Fn(&[Data]) -> String,
    rng: &mut Rng,
) -> (Vec<Vec<Data>>, usize) {
    let mut groups: Vec<Group> = Vec::new();
    for (i, row) in body.into_iter().enumerate() {
        let g = group(&row);
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, rows)) => rows.push_back((i, row)),
            None => groups.push((g, VecDeque::from([(i, row)]))),
        }
    }
    let mut out = Vec::new();
    let mut moved = 0;
    while !groups.is_empty() {
        let k = rng.below(groups.len());
        let (i, row) = groups[k].1.pop_front().unwrap();
        if i != out.len() {
            moved += 1;
        }
        out.push(row);
        if groups[k].1.is_empty() {
            groups.remove(k);
        }
    }
    (out, moved)
}

#[test]
fn shuffled_rows_and_sheets_give_the_same_feed() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        let (xml, want) = feed(root);
        let mut book = sheets(&export(&xml));
        let mut moved = 0;
        for (name, grid, _) in &mut book {
            // `extras` continue on the next rows when long: their order is kept.
            if ["documentation", "listes", "extras"].contains(&name.as_str()) || grid.len() < 3 {
                continue;
            }
            // The rows of one parent (in `attributs`, of one row: sheet and key) keep their
            // order: it is the document's.
            let own = format!("#{name}");
            let parent = grid[0].iter().position(|h| match h {
                Data::String(h) => h.starts_with('#') && *h != own,
                _ => false,
            });
            let side = name == "attributs";
            let body: Vec<Vec<Data>> = grid.drain(1..).collect();
            let group = |row: &[Data]| {
                let cell = |c: usize| match row.get(c) {
                    Some(Data::String(s)) => s.clone(),
                    Some(other) => format!("{other:?}"),
                    None => String::new(),
                };
                match (side, parent) {
                    (true, _) => format!("{}\u{0}{}", cell(0), cell(1)),
                    (false, Some(p)) => cell(p),
                    (false, None) => String::new(),
                }
            };
            let (rows, n) = interleaved(body, group, &mut rng);
            moved += n;
            grid.extend(rows);
        }
        assert!(moved > 20, "{root:?}: only {moved} rows moved");
        // Child sheets first, the document's last: keys are joined whatever the order.
        book.reverse();
        imports_as(&format!("{root:?} shuffled"), &write(&book), &want);
    }
}

/// Rewrites the `<row>` elements of every worksheet of `xlsx` in reverse order (header
/// last): the cells stream out of order, and the reader must read such a sheet whole.
fn rows_reversed_in_xml(xlsx: &[u8]) -> (Vec<u8>, usize) {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut reversed = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(bytes).unwrap();
            if let (Some(a), Some(b)) = (text.find("<row "), text.rfind("</row>")) {
                let b = b + "</row>".len();
                let rows: Vec<String> = text[a..b]
                    .split_inclusive("</row>")
                    .map(str::to_owned)
                    .collect();
                if rows.len() > 2 {
                    reversed += 1;
                }
                let mut all = text[..a].to_owned();
                all.extend(rows.into_iter().rev());
                all.push_str(&text[b..]);
                bytes = all.into_bytes();
            } else {
                bytes = text.into_bytes();
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    (out.finish().unwrap().into_inner(), reversed)
}

#[test]
fn rows_out_of_order_in_the_sheet_xml_give_the_same_feed() {
    let (xml, want) = feed(Root::Lheo);
    let (xlsx, reversed) = rows_reversed_in_xml(&export(&xml));
    assert!(reversed >= 3, "only {reversed} sheets reordered");
    imports_as("rows reversed in the XML", &xlsx, &want);
}

#[test]
fn a_workbook_resaved_by_libreoffice_gives_the_same_feed() {
    let soffice = Command::new("soffice").arg("--version").output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        support::missing("LibreOffice (soffice) is not installed");
        return;
    }
    let (xml, want) = feed(Root::Lheo);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("offres.xlsx");
    std::fs::write(&input, export(&xml)).unwrap();
    let out = dir.path().join("out");
    // A profile of its own: another LibreOffice running does not block this one.
    let profile = format!("file://{}", dir.path().join("profile").display());
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let resaved = out.join("offres.xlsx");
    assert!(
        resaved.is_file(),
        "soffice wrote nothing: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&resaved).unwrap();
    assert!(
        has_shared_strings(&bytes),
        "LibreOffice's workbook has no shared strings"
    );
    imports_as("re-saved by LibreOffice", &bytes, &want);
}

/// Whether an `.xlsx` keeps its texts in a shared strings table that cells refer to.
fn has_shared_strings(xlsx: &[u8]) -> bool {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut sheet = String::new();
    let Ok(mut part) = zip.by_name("xl/worksheets/sheet2.xml") else {
        return false;
    };
    part.read_to_string(&mut sheet).unwrap();
    drop(part);
    zip.by_name("xl/sharedStrings.xml").is_ok() && sheet.contains("t=\"s\"")
}
