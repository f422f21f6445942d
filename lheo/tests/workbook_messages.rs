//! Workbook messages people read (issue 12, item 4): an empty required cell says so, code
//! errors list the allowed codes with their labels, unknown columns are named as typed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/bombs.rs"]
mod bombs;

use std::io::Cursor;

use lheo::validate::ValidateOptions;
use lheo::workbook::read_workbook;
use lheo::{Diagnostic, Location};

fn text(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
}

fn row(n: u32, cells: &[(&str, &str)]) -> String {
    let cells: String = cells
        .iter()
        .map(|(col, v)| text(&format!("{col}{n}"), v))
        .collect();
    format!(r#"<row r="{n}">{cells}</row>"#)
}

fn findings(sheet: String) -> Vec<Diagnostic> {
    let book = bombs::xlsx(&[("formation", sheet)], &[], None);
    let imported = read_workbook(Cursor::new(book)).expect("reads");
    imported.validate(&ValidateOptions::default()).diagnostics
}

fn at<'a>(d: &'a [Diagnostic], cell: &str) -> Vec<&'a Diagnostic> {
    d.iter()
        .filter(|d| matches!(&d.location, Location::Cell { cell: c, .. } if c == cell))
        .collect()
}

#[test]
fn an_empty_required_cell_says_so() {
    let sheet = row(
        1,
        &[
            ("A", "@numero"),
            ("B", "certifiante"),
            ("C", "intitule-formation"),
        ],
    ) + &row(2, &[("A", "F1"), ("C", "Anglais")]);
    let d = findings(sheet);
    let b2 = at(&d, "B2");
    assert_eq!(b2.len(), 1, "{d:?}");
    assert_eq!(
        b2[0].message.fr,
        "cellule vide : valeur obligatoire (certifiante)"
    );
    assert!(!d.iter().any(|d| d.message.fr.contains("«  »")), "{d:?}");
    // Without the column: the message says the column is missing.
    let sheet = row(1, &[("A", "@numero")]) + &row(2, &[("A", "F1")]);
    let d = findings(sheet);
    assert!(
        d.iter().any(|d| d.message.fr
            == "valeur obligatoire absente (certifiante) : ajoutez sa colonne à la feuille (voir la feuille documentation)"),
        "{d:?}"
    );
}

#[test]
fn code_errors_list_codes_with_labels() {
    let sheet = row(1, &[("A", "@numero"), ("B", "certifiante")])
        + &row(2, &[("A", "F1"), ("B", "peut-être")]);
    let d = findings(sheet);
    let b2 = at(&d, "B2");
    assert!(!b2.is_empty(), "{d:?}");
    assert!(
        b2[0].message.fr.contains("0 (non), 1 (oui)"),
        "{}",
        b2[0].message.fr
    );
}

#[test]
fn unknown_columns_are_named_as_typed() {
    let sheet = row(1, &[("A", "@numero"), ("B", "Commentaire interne")])
        + &row(2, &[("A", "F1"), ("B", "x")]);
    let d = findings(sheet);
    let b1 = at(&d, "B1");
    assert_eq!(b1.len(), 1, "{d:?}");
    assert!(
        b1[0].message.fr.contains("« Commentaire interne »"),
        "{}",
        b1[0].message.fr
    );
    assert!(
        !b1[0].message.fr.contains("Commentaireinterne"),
        "{}",
        b1[0].message.fr
    );
}
