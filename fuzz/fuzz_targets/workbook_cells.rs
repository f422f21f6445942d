//! The workbook reader on sheets whose cell references, rows, dimensions and repetitions are
//! arbitrary: the first byte picks the format (`.xlsx`, `.ods`, `.xls`), the rest is the
//! body of one sheet named `formation` — the `<sheetData>` XML of an `.xlsx`, the
//! `<table:table>` content of an `.ods`, the BIFF records of an `.xls` sheet — wrapped into a
//! well-formed workbook by the builders of the limits tests. Reading must end with a result
//! (a `CLASSEUR-LIMITE` finding when over the limits), never a panic, an abort or a blow-up
//! of memory (`-rss_limit_mb`).
#![no_main]

#[path = "../../lheo/tests/support/bombs.rs"]
mod bombs;

use std::io::Cursor;

use lheo::workbook::read_workbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&format, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    let book = match format % 3 {
        0 => bombs::xlsx(&[("formation", text.into_owned())], &["a".into(), "bb".into()], None),
        1 => bombs::ods(&format!(r#"<table:table table:name="formation">{text}</table:table>"#)),
        _ => bombs::xls("formation", &[body.to_vec()]),
    };
    if let Ok(imported) = read_workbook(Cursor::new(book)) {
        for d in &imported.diagnostics {
            assert!(!d.message.fr.is_empty() && !d.message.en.is_empty(), "{d:?}");
        }
    }
});
