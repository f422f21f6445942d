//! Workbooks over their limits (issue 19): a cell reference past Excel's last column, ranges
//! far apart, repeated rows and columns, amplified shared strings — each one
//! `CLASSEUR-LIMITE` finding, found before the cells are read, in `.xlsx`, `.ods` and `.xls`
//! alike. The same files go through the binary under an address-space limit in
//! `lheo-cli/tests/workbook_bombs.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/bombs.rs"]
mod bombs;

use std::io::Cursor;

use lheo::workbook::{read_workbook, read_workbook_with, Imported, Limits};

fn read(bytes: Vec<u8>) -> Imported {
    read_workbook(Cursor::new(bytes)).expect("a result, not an error")
}

fn codes(i: &Imported) -> Vec<&'static str> {
    i.diagnostics.iter().map(|d| d.code()).collect()
}

/// The workbook is refused with exactly one `CLASSEUR-LIMITE` whose French message holds
/// `fr`, and nothing is read of it.
fn refused(i: &Imported, fr: &str) {
    assert_eq!(codes(i), ["CLASSEUR-LIMITE"], "{:?}", i.diagnostics);
    let msg = &i.diagnostics[0].message.fr;
    assert!(msg.contains(fr), "{msg}");
    assert!(i.xml.is_empty());
}

fn cell(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
}

#[test]
fn a_reference_past_the_last_column_is_refused() {
    let sheet = format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        cell("A1", "x"),
        cell("ZZZZZZ2", "y")
    );
    refused(
        &read(bombs::xlsx(&[("formation", sheet)], &[], None)),
        "colonne n° 321272406",
    );
}

#[test]
fn references_that_overflow_are_refused() {
    for (r, fr) in [
        ("ZZZZZZZZZZZZZZ1", "au-delà de la dernière colonne"),
        ("A99999999999999999999", "au-delà de la dernière ligne"),
        ("XFE1", "colonne n° 16385"),
        ("A1048577", "ligne 1048577"),
    ] {
        let sheet = format!(r#"<row r="1">{}</row>"#, cell(r, "x"));
        refused(&read(bombs::xlsx(&[("formation", sheet)], &[], None)), fr);
    }
    let rows = r#"<row r="99999999999"><c><v>1</v></c></row>"#.to_owned();
    refused(
        &read(bombs::xlsx(&[("formation", rows)], &[], None)),
        "dernière ligne",
    );
    // Cells without a reference count from the last one, as Excel does.
    let wide = r#"<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>"#.to_owned();
    refused(
        &read(bombs::xlsx(&[("formation", wide)], &[], None)),
        "colonne n° 16385",
    );
}

#[test]
fn reversed_ranges_are_refused() {
    let dim = r#"<row r="1"><c r="A1"><f t="shared" ref="B5:A1" si="0">1</f><v>1</v></c></row>"#;
    refused(
        &read(bombs::xlsx(&[("formation", dim.into())], &[], None)),
        "à l'envers",
    );
}

#[test]
fn cells_far_apart_cost_what_their_cells_cost() {
    // A1 and XFD1048576: 17 billion cells as a rectangle, two as cells.
    let sheet = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        cell("A1", "@numero"),
        cell("XFD1048576", "loin")
    );
    let i = read(bombs::xlsx(&[("formation", sheet)], &[], None));
    assert!(
        !codes(&i).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        i.diagnostics
    );
    assert!(
        codes(&i).contains(&"CLASSEUR-COLONNE"),
        "{:?}",
        i.diagnostics
    );
    assert!(
        i.diagnostics
            .iter()
            .any(|d| format!("{:?}", d.location).contains("XFD1048576")),
        "{:?}",
        i.diagnostics
    );
}

#[test]
fn shared_strings_repeated_in_many_cells_are_counted_each_time() {
    // 40 KB of text in 4 000 cells: 160 MB once read, from a file of a few kilobytes.
    let long: String = (0..40_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let cells: String = (1..=4000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let book = bombs::xlsx(&[("formation", cells)], &[long], None);
    assert!(book.len() < 200_000, "{}", book.len());
    refused(&read(book), "octets de texte");
}

#[test]
fn announced_shared_strings_are_checked_before_they_are_reserved() {
    let book = bombs::xlsx(
        &[("formation", String::new())],
        &["a".into()],
        Some("99999999999999"),
    );
    refused(&read(book), "textes partagés annoncés");
}

#[test]
fn cell_budget_and_its_option() {
    let cells: String = (1..=50)
        .map(|r| {
            format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>"#)
        })
        .collect();
    let book = bombs::xlsx(&[("formation", cells)], &[], None);
    let mut small = Limits::default();
    small.max_sheet_cells = 60;
    let i = read_workbook_with(Cursor::new(book.clone()), &small).expect("result");
    refused(&i, "plus de 60 cellules dans une feuille");
    assert!(i.diagnostics[0]
        .message
        .fr
        .contains("feuille « formation »"));
    let i = read_workbook_with(Cursor::new(book), &Limits::default()).expect("result");
    assert!(
        !codes(&i).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        i.diagnostics
    );
}

#[test]
fn rows_holding_cells_are_counted_in_every_format() {
    // Nearly empty rows: few cells, but each one an offer with all it requires.
    let book = bombs::xlsx(
        &[("formation", bombs::nearly_empty_rows(60_000))],
        &[],
        None,
    );
    assert!(book.len() < 1_000_000, "{}", book.len());
    refused(
        &read(book),
        "plus de 40000 lignes remplies dans le classeur",
    );
    let ten = Limits::default().with_max_data_rows(10);
    let rows = |n: u32| bombs::xlsx(&[("formation", bombs::nearly_empty_rows(n))], &[], None);
    // The header and 9 rows: within; the header and 10: over.
    let within = read_workbook_with(Cursor::new(rows(9)), &ten).expect("result");
    assert!(
        !codes(&within).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        within.diagnostics
    );
    let over = read_workbook_with(Cursor::new(rows(10)), &ten).expect("result");
    refused(&over, "plus de 10 lignes remplies");
    // Rows of several sheets add up.
    let two = bombs::xlsx(
        &[
            ("formation", bombs::nearly_empty_rows(5)),
            ("action", bombs::nearly_empty_rows(5)),
        ],
        &[],
        None,
    );
    refused(
        &read_workbook_with(Cursor::new(two), &ten).expect("result"),
        "lignes remplies",
    );
    // .ods and .xls count the rows calamine read.
    let table: String = (0..11)
        .map(|r| {
            format!(
                "<table:table-row>{}</table:table-row>",
                bombs::ods_text(&format!("F{r}"))
            )
        })
        .collect();
    let ods = bombs::ods(&format!(
        r#"<table:table table:name="formation">{table}</table:table>"#
    ));
    refused(
        &read_workbook_with(Cursor::new(ods), &ten).expect("result"),
        "lignes remplies",
    );
    let cells: Vec<Vec<u8>> = (0..11).map(|r| bombs::xls_number(r, 0, 1.0)).collect();
    let xls = bombs::xls("formation", &cells);
    refused(
        &read_workbook_with(Cursor::new(xls), &ten).expect("result"),
        "lignes remplies",
    );
    let cells: Vec<Vec<u8>> = (0..10).map(|r| bombs::xls_number(r, 0, 1.0)).collect();
    let xls = bombs::xls("formation", &cells);
    let i = read_workbook_with(Cursor::new(xls), &ten).expect("result");
    assert!(
        !codes(&i).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        i.diagnostics
    );
}

#[test]
fn a_formula_without_saved_value_is_a_finding() {
    let sheet = format!(
        r#"<row r="1">{}</row><row r="2"><c r="A2"><f>CONCATENATE("F","1")</f></c></row>"#,
        cell("A1", "@numero")
    );
    let i = read(bombs::xlsx(&[("formation", sheet)], &[], None));
    let d = i
        .diagnostics
        .iter()
        .find(|d| d.code() == "CLASSEUR-FORMULE")
        .unwrap_or_else(|| panic!("{:?}", i.diagnostics));
    assert_eq!(
        d.location,
        lheo::Location::Cell {
            sheet: "formation".into(),
            cell: "A2".into()
        }
    );
    assert!(d.message.fr.contains("formule sans valeur enregistrée"));
    // With its saved value, the formula's value is read.
    let sheet = format!(
        r#"<row r="1">{}</row><row r="2"><c r="A2" t="str"><f>CONCATENATE("F","1")</f><v>F1</v></c></row>"#,
        cell("A1", "@numero")
    );
    let i = read(bombs::xlsx(&[("formation", sheet)], &[], None));
    assert!(
        !codes(&i).contains(&"CLASSEUR-FORMULE"),
        "{:?}",
        i.diagnostics
    );
    assert!(String::from_utf8_lossy(&i.xml.to_vec().unwrap()).contains("numero=\"F1\""));
}

#[test]
fn ods_repeated_rows_and_columns_are_expanded_before_reading() {
    let bomb = r#"<table:table table:name="formation"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
    let book = bombs::ods(bomb);
    assert!(book.len() < 2_000, "{}", book.len());
    refused(&read(book), "cellules");
    // Spaces: one element, a billion characters.
    let spaces = r#"<table:table table:name="formation"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row></table:table>"#;
    refused(&read(bombs::ods(spaces)), "octets de texte");
    // A long text repeated on many columns and rows.
    let long: String = "x".repeat(30_000);
    let repeated = format!(
        r#"<table:table table:name="formation"><table:table-row table:number-rows-repeated="100"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row></table:table>"#
    );
    refused(&read(bombs::ods(&repeated)), "octets de texte");
}

#[test]
fn ods_within_limits_reads() {
    // Trailing empty cells and rows, as LibreOffice writes them, cost nothing.
    let table = format!(
        r#"<table:table table:name="formation"><table:table-row>{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row><table:table-row>{}<table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        bombs::ods_text("@numero") + &bombs::ods_text("intitule-formation"),
        bombs::ods_text("F1"),
    );
    let i = read(bombs::ods(&table));
    assert!(
        !codes(&i).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        i.diagnostics
    );
    assert!(
        String::from_utf8_lossy(&i.xml.to_vec().unwrap()).contains("numero=\"F1\""),
        "{}",
        String::from_utf8_lossy(&i.xml.to_vec().unwrap())
    );
}

#[test]
fn xls_cells_past_the_last_column_and_huge_dimensions_are_refused() {
    let far = bombs::xls(
        "formation",
        &[
            bombs::xls_number(0, 0, 1.0),
            bombs::xls_number(65535, 65535, 2.0),
        ],
    );
    refused(&read(far), "colonne n° 65536");
    let dims = bombs::xls(
        "formation",
        &[bombs::xls_dimensions(0, 4_000_000_000, 0, 200)],
    );
    refused(&read(dims), "ligne");
    let reversed = bombs::xls("formation", &[bombs::xls_dimensions(10, 5, 0, 1)]);
    refused(&read(reversed), "fin avant début");
    // Within bounds but a rectangle larger than the budget.
    let wide = bombs::xls(
        "formation",
        &[
            bombs::xls_number(0, 0, 1.0),
            bombs::xls_number(60000, 255, 2.0),
        ],
    );
    refused(&read(wide), "cellules");
}

#[test]
fn xls_within_limits_reads() {
    let ok = bombs::xls(
        "formation",
        &[bombs::xls_number(0, 0, 1.0), bombs::xls_number(1, 0, 2.0)],
    );
    let i = read(ok);
    assert!(
        !codes(&i).contains(&"CLASSEUR-LIMITE"),
        "{:?}",
        i.diagnostics
    );
    assert!(
        !codes(&i).contains(&"CLASSEUR-ILLISIBLE"),
        "{:?}",
        i.diagnostics
    );
}

/// Inputs the `workbook_cells` fuzz target found (`lheo/tests/data/fuzz/workbook_cells/`): the
/// first byte picks the format as in the target, the rest is the sheet's body. Each must
/// give a result (calamine looped for ever on an `.ods` table that never ends).
#[test]
fn workbook_cells_fuzz_findings() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/workbook_cells");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("findings") {
        let data = std::fs::read(entry.expect("entry").path()).expect("finding");
        seen += 1;
        let Some((&format, body)) = data.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(body);
        let book = match format % 3 {
            0 => bombs::xlsx(
                &[("formation", text.into_owned())],
                &["a".into(), "bb".into()],
                None,
            ),
            1 => bombs::ods(&format!(
                r#"<table:table table:name="formation">{text}</table:table>"#
            )),
            _ => bombs::xls("formation", &[body.to_vec()]),
        };
        let _ = read(book);
    }
    assert!(seen > 0, "no input under tests/data/fuzz/workbook_cells");
}

/// Converts `xlsx` with `limits` (the conversion copies the workbook to a spool and, with the
/// budgets lifted, scans it beside the reading of its sheets).
fn converted(xlsx: &[u8], limits: &Limits) -> (lheo::convert::Conversion, Vec<u8>) {
    let mut out = Vec::new();
    let conversion = lheo::convert::convert_with_limits(
        xlsx,
        &mut out,
        &lheo::validate::ValidateOptions::default(),
        limits,
        &mut |_| {},
    )
    .expect("a conversion");
    (conversion, out)
}

/// Some pseudo-random hexadecimal text: a workbook of it packs badly (a large spool).
fn noise(bytes: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b"0123456789abcdef"[(x & 15) as usize])
        })
        .collect()
}

#[test]
fn trusted_conversion_scans_beside_the_reading_and_refuses_what_a_scan_first_refuses() {
    // A dimension past the last column (which the streamed reading does not look at), cells
    // past Excel's bounds, a reversed shared formula range; small workbooks (a spool in
    // memory) and one of several megabytes (a spool in a temporary file).
    let filler = format!(r#"<row r="3">{}</row>"#, cell("B3", &noise(6 << 20)));
    let mut cases = Vec::new();
    for extra in ["", filler.as_str()] {
        for sheet in [
            format!(
                r#"<dimension ref="A1:XFE9"/><row r="1">{}</row>{extra}"#,
                cell("A1", "@numero")
            ),
            format!(r#"<row r="1">{}</row>{extra}"#, cell("XFE1", "x")),
            format!(
                r#"<row r="1"><c r="A1"><f t="shared" ref="B5:A1" si="0">1</f><v>1</v></c></row>{extra}"#
            ),
        ] {
            cases.push(bombs::xlsx(&[("formation", sheet)], &[], None));
        }
    }
    assert!(cases.iter().any(|c| c.len() > lheo::workbook::SPILL_AT));
    let trusted = Limits::trusted();
    for xlsx in &cases {
        let first = read_workbook_with(Cursor::new(xlsx.clone()), &trusted).unwrap();
        assert_eq!(
            codes(&first),
            ["CLASSEUR-LIMITE"],
            "{:?}",
            first.diagnostics
        );
        let (conversion, out) = converted(xlsx, &trusted);
        assert!(!conversion.written && out.is_empty());
        assert_eq!(conversion.report.diagnostics, first.diagnostics);
    }
}

#[test]
fn trusted_conversion_of_a_large_workbook_is_the_conversion_within_limits() {
    // More than SPILL_AT bytes of workbook (its spool in a temporary file), under the
    // default budgets: with and without them, the same report and the same feed.
    let xml = lheo::generate::Generator::new(
        lheo::generate::GenerateOptions::new(800)
            .with_seed(3)
            .with_today(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
    )
    .to_xml_string();
    let mut xlsx = Vec::new();
    lheo::workbook::export(xml.as_bytes(), &mut xlsx).unwrap();
    assert!(
        xlsx.len() > lheo::workbook::SPILL_AT,
        "{} bytes",
        xlsx.len()
    );
    let (within, within_out) = converted(&xlsx, &Limits::default());
    let (trusted, trusted_out) = converted(&xlsx, &Limits::trusted());
    assert!(within.written, "{:?}", within.report.diagnostics);
    assert!(trusted.written);
    assert_eq!(within.records, 800);
    assert_eq!(trusted.records, 800);
    assert_eq!(within.report.diagnostics, trusted.report.diagnostics);
    assert!(within_out == trusted_out);
    let direct = read_workbook_with(Cursor::new(xlsx), &Limits::trusted()).unwrap();
    assert!(lheo::read_document(&within_out[..]).unwrap() == direct.document().unwrap());
}
