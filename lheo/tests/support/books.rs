//! Workbook test helpers, shared by the tests that read workbooks back with calamine
//! (included with `#[path = "support/books.rs"]`: they need the workbook feature).
#![allow(dead_code)]

use calamine::{Data, Range};
use lheo::Document;

/// A sheet's cells as rows, from `A1` to its last used cell (empty cells as `Data::Empty`).
pub fn grid(range: &Range<Data>) -> Vec<Vec<Data>> {
    let (h, w) = range
        .end()
        .map_or((0, 0), |(r, c)| (r as usize + 1, c as usize + 1));
    (0..h)
        .map(|r| {
            (0..w)
                .map(|c| {
                    range
                        .get_value((r as u32, c as u32))
                        .cloned()
                        .unwrap_or(Data::Empty)
                })
                .collect()
        })
        .collect()
}

/// Panics, showing the first line where they differ as written, unless `got` is `want`.
/// `labels` name the two lines of the message (`"want: "`, `"got:  "`).
pub fn assert_same_model(name: &str, labels: (&str, &str), want: &Document, got: &Document) {
    if got == want {
        return;
    }
    let a = lheo::writer::to_string(want);
    let b = lheo::writer::to_string(got);
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    panic!(
        "{name}: models differ at line {line}:\n{}{}\n{}{}",
        labels.0,
        a.lines().nth(line).unwrap_or(""),
        labels.1,
        b.lines().nth(line).unwrap_or("")
    );
}
