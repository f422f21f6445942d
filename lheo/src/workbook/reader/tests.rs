//! Joined in order or by keys, a workbook gives the same document and the same findings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use calamine::Reader as _;

use super::*;
use crate::generate::{GenerateOptions, Generator, Root};

/// A generated feed (formations, actions, sessions, extras) exported to a workbook.
fn exported(root: Root, formations: u64) -> Vec<u8> {
    exported_with(root, formations, 11)
}

/// [`exported`], generated with `seed`.
fn exported_with(root: Root, formations: u64, seed: u64) -> Vec<u8> {
    let options = GenerateOptions::new(formations)
        .with_seed(seed)
        .with_root(root)
        .with_today(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
    let xml = Generator::new(options).to_xml_string();
    let mut xlsx = Vec::new();
    super::super::export(xml.as_bytes(), &mut xlsx).unwrap();
    xlsx
}

/// The sheets of `xlsx` read to be joined in order (`in_order`) or by keys.
fn read(xlsx: &[u8], in_order: bool) -> Result<Sheets, Stop> {
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(xlsx)).unwrap();
    let names = book.sheet_names();
    let mut budget = Budget::new(Limits::default());
    read_sheets_joined(
        names,
        &mut budget,
        &mut |budget, name, _, rows| xlsx_sheet(&mut book, name, budget, false, rows),
        in_order,
    )
}

/// The document assembled, and the findings, as text.
fn assembled(sheets: Sheets) -> (String, String) {
    let imported = sheets.spooled().unwrap();
    let xml = String::from_utf8(imported.xml.to_vec().unwrap()).unwrap();
    (xml, format!("{:#?}", imported.diagnostics))
}

#[test]
fn an_exported_workbook_is_joined_in_order_as_by_keys() {
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        let xlsx = exported(root, 15);
        let Ok(in_order) = read(&xlsx, true) else {
            panic!("{root:?}: an exported workbook is joined in order");
        };
        assert!(matches!(in_order.joined, Joined::InOrder { .. }));
        assert!(in_order
            .sheets
            .iter()
            .all(|s| s.by_key.is_empty() && s.rows.is_empty()));
        let by_keys = read(&xlsx, false).ok().unwrap();
        assert!(matches!(by_keys.joined, Joined::ByKeys(_)));
        let (a, b) = (assembled(in_order), assembled(by_keys));
        assert!(
            a.0.contains("<session") && a.0.contains("<extras"),
            "{root:?}"
        );
        assert_eq!(a, b, "{root:?}");
    }
}

/// `xlsx` with its sheet `sheet` rewritten by `edit` (its cells, row by row).
fn edited(xlsx: &[u8], sheet: &str, edit: impl Fn(&mut Vec<Vec<Data>>)) -> Vec<u8> {
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(xlsx)).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let mut rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        if name == sheet {
            edit(&mut rows);
        }
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::Empty => {}
                    Data::DateTime(d) => {
                        ws.write_number_with_format(r, c, d.as_f64(), &date)
                            .unwrap();
                    }
                    other => {
                        ws.write_string(r, c, plain(other)).unwrap();
                    }
                }
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_out_of_order_is_joined_by_keys() {
    let xlsx = exported(Root::Lheo, 6);
    let same = edited(&xlsx, "", |_| {});
    assert!(
        read(&same, true).is_ok(),
        "rewritten unchanged: still in order"
    );
    type Edit = fn(&mut Vec<Vec<Data>>);
    let cases: [(&str, Edit); 4] = [
        // Two formations swapped: their keys no longer grow.
        ("formation", |rows| rows.swap(1, 2)),
        // The sessions of two actions swapped: parents named out of order.
        ("session", |rows| {
            let last = rows.len() - 1;
            rows.swap(1, last);
        }),
        // The last attribute of a sheet before the first, of another row of that sheet.
        ("attributs", |rows| {
            let (first, last) = (1..rows.len())
                .find_map(|i| {
                    let last = rows.iter().rposition(|r| r[0] == rows[i][0])?;
                    (rows[last][1] != rows[i][1]).then_some((i, last))
                })
                .unwrap();
            let row = rows.remove(last);
            rows.insert(first, row);
        }),
        // A key typed by hand, out of the export's numbering.
        ("action", |rows| rows[1][1] = Data::String("Z".into())),
    ];
    for (sheet, edit) in cases {
        let book = edited(&xlsx, sheet, edit);
        assert!(
            matches!(read(&book, true), Err(Stop::Disordered)),
            "{sheet}: joined by keys"
        );
        let by_keys = read(&book, false).ok().unwrap().spooled().unwrap();
        // Read through the public entry, the workbook is read again and joined by keys.
        let imported = read_workbook(Cursor::new(&book)).unwrap();
        let same = |a: &[Diagnostic], b: &[Diagnostic]| {
            assert_eq!(a.len(), b.len(), "{sheet}: {a:#?}\n{b:#?}");
            for (a, b) in a.iter().zip(b) {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{sheet}");
            }
        };
        same(&imported.diagnostics, &by_keys.diagnostics);
        assert!(!imported.xml.is_empty(), "{sheet}");
        assert_eq!(
            imported.xml.to_vec().unwrap(),
            by_keys.xml.to_vec().unwrap(),
            "{sheet}"
        );
    }
}

/// Sheets of a workbook `edit` may change (the root's and the documentation's aside).
const EDITABLE: [&str; 8] = [
    "formation",
    "action",
    "session",
    "recrutement",
    "contact-formation",
    "lieu-de-formation",
    "attributs",
    "extras",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Whatever is edited (two rows swapped, a key changed, a row's parent changed or
    /// emptied, the column of keys or parents' keys removed), reading
    /// a workbook (joined in order when it can be, else read again and joined by keys) gives
    /// the document and findings of joining it by keys.
    #[test]
    fn a_workbook_reads_as_joined_by_keys_whatever_the_edit(
        seed in 0u64..1000,
        formations in 1u64..6,
        sheet in 0..EDITABLE.len(),
        a in 1usize..40,
        b in 1usize..40,
        edit in 0..5u8,
    ) {
        let xlsx = exported_with(Root::Lheo, formations, seed);
        let book = edited(&xlsx, EDITABLE[sheet], |rows| {
            let n = rows.len();
            if n < 2 {
                return;
            }
            let (a, b) = (1 + a % (n - 1), 1 + b % (n - 1));
            match edit {
                0 => rows.swap(a, b),
                // The key (the second column of an entity sheet) or the sheet named.
                1 => rows[a][1] = rows[b][1].clone(),
                // The parent's key (the first column), or the sheet named.
                2 => rows[a][0] = rows[b][0].clone(),
                3 => rows[a][0] = Data::Empty,
                // The first column removed.
                _ => {
                    for row in rows.iter_mut() {
                        row.remove(0);
                    }
                }
            }
        });
        let by_keys = read(&book, false).ok().unwrap().spooled().unwrap();
        let imported = read_workbook(Cursor::new(&book)).unwrap();
        let text = |d: &[Diagnostic]| d.iter().map(|d| format!("{d:?}\n")).collect::<String>();
        proptest::prop_assert_eq!(text(&imported.diagnostics), text(&by_keys.diagnostics));
        proptest::prop_assert_eq!(imported.xml.to_vec().unwrap(), by_keys.xml.to_vec().unwrap());
    }
}
