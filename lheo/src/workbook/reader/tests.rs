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

/// The sheets of `xlsx` read to be joined as `by` says.
fn read(xlsx: &[u8], by: JoinBy) -> Result<Sheets, Stop> {
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(xlsx)).unwrap();
    let names = book.sheet_names();
    let mut budget = Budget::new(Limits::default());
    read_sheets_joined(
        names,
        &mut budget,
        &mut |budget, name, _, rows| xlsx_sheet(&mut book, name, budget, false, rows),
        by,
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
        let Ok(in_order) = read(&xlsx, JoinBy::Order) else {
            panic!("{root:?}: an exported workbook is joined in order");
        };
        assert!(matches!(in_order.joined, Joined::InOrder { .. }));
        assert!(in_order
            .sheets
            .iter()
            .all(|s| s.by_key.is_empty() && s.rows.is_empty()));
        let by_keys = read(&xlsx, JoinBy::KeysInMemory).ok().unwrap();
        assert!(matches!(by_keys.joined, Joined::ByKeys(_)));
        let sorted = read(&xlsx, JoinBy::SortedKeys(256)).ok().unwrap();
        let (a, b) = (assembled(in_order), assembled(by_keys));
        assert!(
            a.0.contains("<session") && a.0.contains("<extras"),
            "{root:?}"
        );
        assert_eq!(a, b, "{root:?}");
        assert_eq!(assembled(sorted), b, "{root:?}: by sorted keys");
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
        read(&same, JoinBy::Order).is_ok(),
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
            matches!(read(&book, JoinBy::Order), Err(Stop::Disordered)),
            "{sheet}: joined by keys"
        );
        let by_keys = read(&book, JoinBy::KeysInMemory)
            .ok()
            .unwrap()
            .spooled()
            .unwrap();
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
        for run_bytes in [1, 300, RUN_BYTES] {
            let sorted = read(&book, JoinBy::SortedKeys(run_bytes)).ok().unwrap();
            let sorted = sorted.spooled().unwrap();
            same(&sorted.diagnostics, &by_keys.diagnostics);
            assert_eq!(
                sorted.xml.to_vec().unwrap(),
                by_keys.xml.to_vec().unwrap(),
                "{sheet}: by sorted keys"
            );
        }
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
        edit in 0..7u8,
        run_bytes in 1usize..2000,
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
                // Every row but the header in the reverse order.
                4 => rows[1..].reverse(),
                // The key copied to every other row (duplicates throughout).
                5 => {
                    let key = rows[a][1].clone();
                    for row in rows.iter_mut().skip(1).step_by(2) {
                        row[1] = key.clone();
                    }
                }
                // The first column removed.
                _ => {
                    for row in rows.iter_mut() {
                        row.remove(0);
                    }
                }
            }
        });
        let by_keys = read(&book, JoinBy::KeysInMemory).ok().unwrap().spooled().unwrap();
        let imported = read_workbook(Cursor::new(&book)).unwrap();
        let text = |d: &[Diagnostic]| d.iter().map(|d| format!("{d:?}\n")).collect::<String>();
        proptest::prop_assert_eq!(text(&imported.diagnostics), text(&by_keys.diagnostics));
        proptest::prop_assert_eq!(imported.xml.to_vec().unwrap(), by_keys.xml.to_vec().unwrap());
        let sorted = read(&book, JoinBy::SortedKeys(run_bytes)).ok().unwrap().spooled().unwrap();
        proptest::prop_assert_eq!(text(&sorted.diagnostics), text(&by_keys.diagnostics));
        proptest::prop_assert_eq!(sorted.xml.to_vec().unwrap(), by_keys.xml.to_vec().unwrap());
    }
}

#[test]
fn a_duplicate_key_is_reported_where_the_keyed_join_reports_it() {
    let xlsx = exported(Root::Lheo, 3);
    // In the sessions: a key repeated, and values no date can be read from around it (and
    // in its row), so that the finding's place among the row findings shows.
    let book = edited(&xlsx, "session", |rows| {
        let date = rows[0]
            .iter()
            .position(|h| plain(h).contains("debut"))
            .unwrap();
        rows[3][1] = rows[1][1].clone();
        rows[5][1] = rows[1][1].clone();
        for r in [2, 3, 4, 5] {
            rows[r][date] = Data::String("pas une date".into());
        }
    });
    let by_keys = read(&book, JoinBy::KeysInMemory)
        .ok()
        .unwrap()
        .spooled()
        .unwrap();
    let rules: Vec<_> = by_keys.diagnostics.iter().map(|d| d.rule).collect();
    let first = rules.iter().position(|r| *r == Rule::ClasseurCle).unwrap();
    assert!(rules[..first].contains(&Rule::ClasseurDate), "{rules:?}");
    assert!(
        rules[first + 1..].contains(&Rule::ClasseurDate),
        "{rules:?}"
    );
    assert_eq!(rules.iter().filter(|r| **r == Rule::ClasseurCle).count(), 2);
    for run_bytes in [1, RUN_BYTES] {
        let sorted = read(&book, JoinBy::SortedKeys(run_bytes)).ok().unwrap();
        let sorted = sorted.spooled().unwrap();
        let text = |d: &[Diagnostic]| d.iter().map(|d| format!("{d:?}\n")).collect::<String>();
        assert_eq!(text(&sorted.diagnostics), text(&by_keys.diagnostics));
        assert_eq!(sorted.xml.to_vec().unwrap(), by_keys.xml.to_vec().unwrap());
    }
}

/// The sheets of `xlsx` read as `lheo import --trust-workbook` reads them, every one by the
/// helper ([`prefetch`]): read first, spooled, then replayed to the joining thread.
fn read_by_helper(xlsx: &[u8]) -> Result<Sheets, Stop> {
    let spool = Spool::from_vec(xlsx.to_vec());
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(xlsx)).unwrap();
    let prefetch = Prefetch::default();
    prefetch.start(&book.sheet_names());
    prefetch.help(&spool, Limits::trusted());
    let sheets = book.sheet_names().len() - 2;
    assert_eq!(
        prefetch.helped(),
        sheets,
        "every sheet but two is the helper's"
    );
    read_prefetched(&mut book, &mut Budget::new(Limits::trusted()), &prefetch)
}

/// The sheets of `xlsx` read by the joining thread alone, budgets lifted.
fn read_alone(xlsx: &[u8]) -> Result<Sheets, Stop> {
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(xlsx)).unwrap();
    let names = book.sheet_names();
    read_sheets(
        names,
        &mut Budget::new(Limits::trusted()),
        &mut |budget, name, stream, rows| xlsx_rows(&mut book, name, budget, stream, rows),
    )
}

#[test]
fn sheets_read_by_the_helper_give_the_same_document() {
    let xlsx = exported(Root::Lheo, 8);
    // Out of order: read again to be joined by keys (each sheet replayed twice).
    let swapped = edited(&xlsx, "session", |rows| {
        let last = rows.len() - 1;
        rows.swap(1, last);
    });
    // Two sheets, one unknown.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("formation").unwrap();
    ws.write_string(0, 0, "#formation").unwrap();
    ws.write_string(0, 1, "intitule-formation").unwrap();
    ws.write_string(1, 0, "1").unwrap();
    ws.write_string(1, 1, "Soudure").unwrap();
    ws.write_string(2, 0, "2").unwrap();
    ws.write_string(2, 1, "Menuiserie").unwrap();
    book.add_worksheet()
        .set_name("autre")
        .unwrap()
        .write_string(3, 2, "perdu")
        .unwrap();
    // The formation sheet's rows written last first: the helper gives it back (the joining
    // thread reads it whole).
    let odd = rows_reversed(&book.save_to_buffer().unwrap(), "xl/worksheets/sheet1.xml");
    assert!(matches!(
        read(&swapped, JoinBy::Order),
        Err(Stop::Disordered)
    ));
    for (name, xlsx) in [("exported", &xlsx), ("swapped", &swapped)] {
        let (alone, helped) = (read_alone(xlsx), read_by_helper(xlsx));
        let (Ok(alone), Ok(helped)) = (alone, helped) else {
            panic!("{name}: both read");
        };
        assert_eq!(assembled(alone), assembled(helped), "{name}");
    }
    // Fewer than three sheets: `read_by_helper`'s count does not hold; the helper reads one.
    let spool = Spool::from_vec(odd.clone());
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(&odd[..])).unwrap();
    let prefetch = Prefetch::default();
    prefetch.start(&book.sheet_names());
    prefetch.help(&spool, Limits::trusted());
    assert_eq!(prefetch.helped(), 1);
    let helped = read_prefetched(&mut book, &mut Budget::new(Limits::trusted()), &prefetch);
    let (Ok(alone), Ok(helped)) = (read_alone(&odd), helped) else {
        panic!("odd: both read");
    };
    let (alone, helped) = (assembled(alone), assembled(helped));
    assert!(alone.1.contains("« autre » inconnue"), "{}", alone.1);
    let (a, b) = (alone.0.find("Soudure"), alone.0.find("Menuiserie"));
    assert!(a.is_some() && a < b, "{}", alone.0);
    assert_eq!(alone, helped);
}

/// `xlsx` with the `<row>` elements of its `part` in reverse order.
fn rows_reversed(xlsx: &[u8], part: &str) -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = Vec::new();
        file.read_to_end(&mut text).unwrap();
        if name == part {
            let xml = String::from_utf8(text).unwrap();
            let (a, b) = (xml.find("<row ").unwrap(), xml.rfind("</row>").unwrap() + 6);
            let rows: Vec<&str> = xml[a..b].split_inclusive("</row>").collect();
            assert!(rows.len() > 2);
            let reversed: String = rows.into_iter().rev().collect();
            text = format!("{}{reversed}{}", &xml[..a], &xml[b..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A workbook with a table of shared strings (as Excel or LibreOffice saves one) gives the
/// same document and findings whether its strings are written into its cells first or not,
/// read whole or spooled on two threads, in order or joined by keys.
#[test]
fn a_workbook_with_its_strings_inlined_gives_the_same_document() {
    let xlsx = exported(Root::Lheo, 10);
    let shared = edited(&xlsx, "", |_| {});
    let swapped = edited(&xlsx, "session", |rows| {
        let last = rows.len() - 1;
        rows.swap(1, last);
    });
    for (name, book) in [("in order", shared), ("out of order", swapped)] {
        assert!(
            inline::inline_shared_strings(&mut Cursor::new(&book), None, 0)
                .unwrap()
                .is_some(),
            "{name}: inlined"
        );
        let read = |at: u64| {
            let limits = Limits::trusted().with_inline_strings_at(at);
            let whole = read_workbook_with(Cursor::new(&book), &limits).unwrap();
            let spool = Spool::from_vec(book.clone());
            let (streamed, document) = stream_spooled_workbook(&spool, &limits, |input| {
                let mut document = Vec::new();
                std::io::Read::read_to_end(input, &mut document).map(|_| document)
            })
            .unwrap();
            (
                whole.xml.to_vec().unwrap(),
                format!("{:#?}", whole.diagnostics),
                document.map(Result::unwrap),
                format!("{:#?}", streamed.diagnostics),
            )
        };
        let (kept, inlined) = (read(u64::MAX), read(0));
        assert!(kept.0.len() > 1000, "{name}: {:?}", kept.1);
        assert_eq!(kept.2.as_ref(), Some(&kept.0), "{name}: streamed");
        assert_eq!(inlined, kept, "{name}");
    }
}
