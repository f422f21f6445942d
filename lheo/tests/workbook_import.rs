//! Import is forgiving where people are and strict where data would be lost. Each edit is
//! tested alone, on a workbook the test writes with rust_xlsxwriter from the template's
//! example (read back with calamine), then imported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/books.rs"]
mod books;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use lheo::internal::EXAMPLE;
use lheo::reader::read_document;
use lheo::workbook::{self, read_workbook, Imported};
use lheo::{Diagnostic, Document, Location};
use rust_xlsxwriter::{Format, Workbook};

/// A workbook as a grid of cells per sheet.
#[derive(Clone)]
struct Book {
    sheets: Vec<(String, Vec<Vec<Data>>)>,
}

impl Book {
    /// The template's example, exported and read back with calamine.
    fn example() -> Book {
        let mut xlsx = Vec::new();
        workbook::export(EXAMPLE.as_bytes(), &mut xlsx).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
        let mut sheets = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            let grid = books::grid(&range);
            sheets.push((name, grid));
        }
        Book { sheets }
    }

    fn grid(&mut self, sheet: &str) -> &mut Vec<Vec<Data>> {
        &mut self.sheets.iter_mut().find(|(n, _)| n == sheet).unwrap().1
    }

    fn col(&mut self, sheet: &str, header: &str) -> usize {
        self.grid(sheet)[0]
            .iter()
            .position(|d| *d == Data::String(header.into()))
            .unwrap_or_else(|| panic!("{sheet}: no column {header}"))
    }

    /// Sets the cell of `header` in data row `row` (1 = first data row).
    fn set(&mut self, sheet: &str, header: &str, row: usize, value: Data) -> String {
        let c = self.col(sheet, header);
        let grid = self.grid(sheet);
        while grid.len() <= row {
            grid.push(vec![Data::Empty; grid[0].len()]);
        }
        grid[row][c] = value;
        cell(row, c)
    }

    /// Writes the workbook with rust_xlsxwriter (dates as real dates).
    fn write(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (name, grid) in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
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
                        Data::DateTime(dt) => {
                            ws.write_number_with_format(r, c, dt.as_f64(), &date)
                                .unwrap();
                        }
                        Data::Bool(b) => {
                            ws.write_boolean(r, c, *b).unwrap();
                        }
                        _ => {}
                    }
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn import(&self) -> Imported {
        read_workbook(Cursor::new(self.write())).unwrap()
    }
}

fn cell(row: usize, col: usize) -> String {
    lheo::internal::cell_ref(row as u32, col)
}

fn example_model() -> Document {
    read_document(EXAMPLE.as_bytes()).unwrap()
}

/// Imports `book` and checks the model is the example's, after `expect` applies to it.
fn same_model(book: &Book, expect: impl FnOnce(&mut lheo::Formation)) {
    let imported = book.import();
    assert!(imported.is_ok(), "{:#?}", imported.diagnostics);
    let mut want = example_model();
    let Document::Lheo(l) = &mut want else {
        unreachable!()
    };
    expect(&mut l.offres.formation[0]);
    assert_eq!(imported.document().unwrap(), want);
}

fn located(d: &Diagnostic) -> (String, &'static str) {
    match &d.location {
        Location::Cell { sheet, cell } => (format!("{sheet}!{cell}"), d.code()),
        other => (format!("{other:?}"), d.code()),
    }
}

#[test]
fn the_example_round_trips_unchanged() {
    same_model(&Book::example(), |_| {});
}

#[test]
fn reordered_columns() {
    let mut book = Book::example();
    for sheet in ["session", "formation", "recrutement"] {
        for row in book.grid(sheet).iter_mut() {
            row.reverse();
        }
    }
    same_model(&book, |_| {});
}

#[test]
fn blank_rows_and_reordered_sheets() {
    let mut book = Book::example();
    for sheet in ["formation", "action", "session"] {
        let grid = book.grid(sheet);
        let width = grid[0].len();
        grid.insert(1, vec![Data::Empty; width]);
        grid.push(vec![Data::String("   ".into()); width]);
        grid.push(vec![Data::Empty; width]);
    }
    book.sheets.reverse();
    same_model(&book, |_| {});
}

#[test]
fn dates_typed_as_text() {
    for typed in [
        "04/01/2027",
        "2027-01-04",
        "20270104",
        "4/1/2027",
        " 04/01/2027 ",
    ] {
        let mut book = Book::example();
        book.set("session", "periode/debut", 1, Data::String(typed.into()));
        same_model(&book, |_| {});
    }
}

#[test]
fn partial_dates_typed_as_text() {
    let mut book = Book::example();
    book.set("session", "periode/fin", 1, Data::String("06/2027".into()));
    same_model(&book, |f| {
        f.action[0].session[0].periode.fin.value = "20270600".parse().unwrap();
    });
}

#[test]
fn dates_as_plain_excel_numbers() {
    let mut book = Book::example();
    // 46391 is 4 January 2027 in Excel's calendar, in a cell without a date format.
    book.set("session", "periode/debut", 1, Data::Float(46391.0));
    same_model(&book, |_| {});
}

#[test]
fn numbers_that_lost_their_leading_zeros() {
    let mut book = Book::example();
    book.set(
        "session",
        "adresse-inscription/adresse/codepostal",
        1,
        Data::Float(1000.0),
    );
    same_model(&book, |f| {
        let a = &mut f.action[0].session[0].adresse_inscription.adresse;
        a.codepostal.value = "01000".into();
    });
}

#[test]
fn a_siret_excel_turned_into_a_float() {
    let mut book = Book::example();
    let header = "organisme-formation-responsable/SIRET-organisme-formation/SIRET";
    book.set("formation", header, 1, Data::Float(73282932000074.0));
    same_model(&book, |_| {});
    book.set("formation", header, 1, Data::Float(1282932000074.0));
    same_model(&book, |f| {
        let s = &mut f
            .organisme_formation_responsable
            .siret_organisme_formation
            .siret;
        s.value = "01282932000074".into();
    });
}

#[test]
fn french_labels_instead_of_codes() {
    let mut book = Book::example();
    book.set(
        "recrutement",
        "modalite-recrutement",
        1,
        Data::String("Information collective".into()),
    );
    book.set("formation", "certifiante", 1, Data::String("non".into()));
    book.set(
        "session",
        "etat-recrutement",
        1,
        Data::String("1 - ouvert".into()),
    );
    book.set("recrutement", "a-distance", 1, Data::Float(0.0));
    same_model(&book, |_| {});
}

#[test]
fn stray_spaces_around_codes() {
    let mut book = Book::example();
    book.set(
        "recrutement",
        "modalite-recrutement",
        1,
        Data::String(" 9 ".into()),
    );
    book.set(
        "session",
        "adresse-inscription/adresse/codepostal",
        1,
        Data::String(" 67000  ".into()),
    );
    book.set("recrutement", "nb-places", 1, Data::String(" 12 ".into()));
    same_model(&book, |_| {});
}

#[test]
fn hours_typed_as_times() {
    let mut book = Book::example();
    book.set("recrutement", "heure-debut", 1, Data::String("9:30".into()));
    same_model(&book, |_| {});
}

#[test]
fn an_unknown_column_is_an_error_at_its_header() {
    let mut book = Book::example();
    let grid = book.grid("session");
    let c = grid[0].len();
    grid[0].push(Data::String("periode/milieu".into()));
    grid[1].push(Data::String("x".into()));
    let imported = book.import();
    let found: Vec<_> = imported.diagnostics.iter().map(located).collect();
    assert_eq!(
        found,
        [(format!("session!{}", cell(0, c)), "CLASSEUR-COLONNE")]
    );
    assert!(imported.diagnostics[0]
        .message
        .fr
        .contains("periode/milieu"));
}

#[test]
fn an_impossible_date_is_an_error_at_its_cell() {
    let mut book = Book::example();
    let at = book.set(
        "session",
        "periode/debut",
        1,
        Data::String("31/02/2027".into()),
    );
    let imported = book.import();
    let found: Vec<_> = imported.diagnostics.iter().map(located).collect();
    assert_eq!(found, [(format!("session!{at}"), "CLASSEUR-DATE")]);
    assert!(imported.document().is_err());
}

#[test]
fn a_code_outside_its_dictionary_is_an_error_at_its_cell() {
    let mut book = Book::example();
    let at = book.set(
        "recrutement",
        "modalite-recrutement",
        1,
        Data::String("12".into()),
    );
    let imported = book.import();
    let found: Vec<_> = imported.diagnostics.iter().map(located).collect();
    assert_eq!(found, [(format!("recrutement!{at}"), "CLASSEUR-CODE")]);
}

#[test]
fn an_orphan_row_is_an_error_at_its_parent_key() {
    let mut book = Book::example();
    let at = book.set("session", "#action", 1, Data::String("7.1".into()));
    let imported = book.import();
    let found: Vec<_> = imported.diagnostics.iter().map(located).collect();
    assert_eq!(found, [(format!("session!{at}"), "CLASSEUR-ORPHELINE")]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut book = Book::example();
    let date = book.set(
        "session",
        "periode/fin",
        1,
        Data::String("2027-13-01".into()),
    );
    let grid = book.grid("formation");
    let c = grid[0].len();
    grid[0].push(Data::String("couleur".into()));
    grid[1].push(Data::String("bleu".into()));
    let orphan = book.set("recrutement", "#session", 1, Data::String("9.9.9".into()));
    let imported = book.import();
    let mut found: Vec<_> = imported.diagnostics.iter().map(located).collect();
    found.sort();
    let mut want = vec![
        (format!("session!{date}"), "CLASSEUR-DATE"),
        (format!("formation!{}", cell(0, c)), "CLASSEUR-COLONNE"),
        (format!("recrutement!{orphan}"), "CLASSEUR-ORPHELINE"),
    ];
    want.sort();
    assert_eq!(found, want);
    assert!(!imported.is_ok());
}

#[test]
fn the_documents_findings_point_at_cells() {
    // A valid workbook whose document breaks a rule: the finding is at the cell.
    let mut book = Book::example();
    let at = book.set("recrutement", "nb-places", 1, Data::Float(400.0));
    let imported = book.import();
    assert!(imported.is_ok());
    let options = lheo::validate::ValidateOptions::new(lheo::rules::Profile::FranceTravail)
        .with_today(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"));
    let report = imported.validate(&options);
    let found: Vec<_> = report.diagnostics.iter().map(located).collect();
    assert_eq!(found, [(format!("recrutement!{at}"), "FT-RDV-PLACES")]);
    // A required value left empty: the finding is at the empty cell to fill.
    let mut book = Book::example();
    let at = book.set(
        "session",
        "adresse-inscription/adresse/ville",
        1,
        Data::Empty,
    );
    let report = book
        .import()
        .validate(&lheo::validate::ValidateOptions::default());
    let cells: Vec<_> = report
        .diagnostics
        .iter()
        .map(located)
        .map(|(c, _)| c)
        .collect();
    assert!(
        cells.contains(&format!("session!{at}")),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn exported_cells_have_the_right_types() {
    let book = Book::example();
    let mut b = book.clone();
    let grid = b.grid("session");
    let header: Vec<String> = grid[0].iter().map(|d| d.to_string()).collect();
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    assert!(
        matches!(grid[1][at("periode/debut")], Data::DateTime(_)),
        "{:?}",
        grid[1][at("periode/debut")]
    );
    assert_eq!(
        grid[1][at("adresse-inscription/adresse/codepostal")],
        Data::String("67000".into())
    );
    assert_eq!(grid[1][at("etat-recrutement")], Data::String("1".into()));
    assert_eq!(grid[1][at("#session")], Data::String("1.1.1".into()));
    assert_eq!(grid[1][at("#action")], Data::String("1.1".into()));
    assert_eq!(grid[1][at("@numero")], Data::String("S-0001".into()));
    let rec = b.grid("recrutement");
    let nb = rec[0]
        .iter()
        .position(|d| *d == Data::String("nb-places".into()))
        .unwrap();
    assert_eq!(rec[1][nb], Data::Float(12.0));
}

#[test]
fn formula_like_text_stays_text() {
    let xml = EXAMPLE.replace(
        "<rythme-formation>Temps plein</rythme-formation>",
        "<rythme-formation>=HYPERLINK(\"http://x\")</rythme-formation>",
    );
    let mut xlsx = Vec::new();
    workbook::export(xml.as_bytes(), &mut xlsx).unwrap();
    // The cell is a string, never a formula.
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx.clone())).unwrap();
    let formulas = book.worksheet_formula("action").unwrap();
    assert!(formulas.used_cells().next().is_none());
    let range = book.worksheet_range("action").unwrap();
    assert!(range
        .used_cells()
        .any(|(_, _, d)| *d == Data::String("=HYPERLINK(\"http://x\")".into())));
    let imported = read_workbook(Cursor::new(xlsx)).unwrap();
    assert_eq!(
        imported.document().unwrap(),
        read_document(xml.as_bytes()).unwrap()
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    use std::io::Write;
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..200 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    let imported = read_workbook(Cursor::new(bytes)).unwrap();
    let codes: Vec<&str> = imported.diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["CLASSEUR-ILLISIBLE"]);
    assert!(
        imported.diagnostics[0].message.fr.contains("bombe zip"),
        "{}",
        imported.diagnostics[0].message.fr
    );
}

/// What a workbook does not carry (said in `lheo::workbook`'s documentation and the README):
/// XML comments inside `extras` are dropped and namespace prefixes are chosen again on output;
/// the namespaces, attributes, text and everything else come back as they were.
#[test]
fn extras_lose_comments_and_prefixes_and_keep_the_rest() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/exemple.xml");
    let original = std::fs::read_to_string(path).unwrap();
    let xml = original.replace(
        r#"<extra info="contrat-apprentissage">1</extra>"#,
        r#"<!-- avant --><extra info="contrat-apprentissage">1<!-- dedans --><cnt:suivi xmlns:cnt="urn:exemple:suivi" cnt:etat="ouvert">oui</cnt:suivi></extra>"#,
    );
    assert_ne!(
        xml, original,
        "fixtures/exemple.xml has no such extra any more"
    );
    let mut xlsx = Vec::new();
    workbook::export(xml.as_bytes(), &mut xlsx).unwrap();
    let imported = read_workbook(Cursor::new(xlsx)).unwrap();
    assert!(imported.is_ok(), "{:#?}", imported.diagnostics);
    let document = imported.document().unwrap();
    // The model holds no comments and no prefixes: the same model as the feed's.
    assert_eq!(document, read_document(xml.as_bytes()).unwrap());
    let written = lheo::writer::to_string(&document);
    assert!(
        !written.contains("avant") && !written.contains("dedans"),
        "{written}"
    );
    assert!(!written.contains("cnt:"), "{written}");
    assert!(written.contains("\"urn:exemple:suivi\""), "{written}");
    assert!(written.contains(">oui</"), "{written}");
    assert!(written.contains("=\"ouvert\""), "{written}");
}

/// `lheo::convert` of a workbook reads its document as the sheets are assembled (through a
/// pipe, on another thread): the report is the one of reading the workbook then validating
/// its document, the output the feed only when nothing is wrong — a valid workbook, an error
/// found while reading the sheets (a code outside its dictionary: nothing streamed), and an
/// error found while assembling (an orphan row: found after the document began to stream).
#[test]
fn converting_a_workbook_reports_what_reading_then_validating_reports() {
    let options = lheo::validate::ValidateOptions::default();
    let valid = Book::example();
    let mut bad_code = Book::example();
    bad_code.set(
        "recrutement",
        "modalite-recrutement",
        1,
        Data::String("12".into()),
    );
    let mut orphan = Book::example();
    orphan.set("session", "#action", 1, Data::String("7.1".into()));
    for (name, book, ok) in [
        ("valid", &valid, true),
        ("bad code", &bad_code, false),
        ("orphan", &orphan, false),
    ] {
        let xlsx = book.write();
        let imported = book.import();
        let want = imported.validate(&options);
        let mut out = Vec::new();
        let conversion = lheo::convert::convert(&xlsx[..], &mut out, &options).unwrap();
        assert!(conversion.from_workbook, "{name}");
        assert_eq!(conversion.report.diagnostics, want.diagnostics, "{name}");
        assert_eq!(conversion.written, ok, "{name}: {:?}", want.diagnostics);
        if ok {
            assert!(want.is_valid(), "{name}");
            assert_eq!(out, imported.write_feed(Vec::new()).unwrap(), "{name}");
            let formations = String::from_utf8_lossy(&out).matches("<formation ").count();
            assert!(formations > 0, "{name}");
            assert_eq!(conversion.records, formations as u64, "{name}");
        } else {
            assert!(!want.is_valid(), "{name}");
        }
    }
}
