//! Workbook bombs through the binary (issue 19): `validate`, `import` and `diff` of each
//! refuse it with `CLASSEUR-LIMITE` and stay under 200 MB of address space (`ulimit -v`:
//! a run that needed more would die on an allocation failure and the test would fail).
//! The files are built in `lheo/tests/support/bombs.rs`; the library-level cases are in
//! `lheo/tests/workbook_limits.rs`.

mod common;

#[path = "../../lheo/tests/support/bombs.rs"]
mod bombs;

use std::fs;
use std::path::Path;
use std::process::Command;

/// Address space allowed to one run, in KiB.
const LIMIT_KIB: u64 = 200 * 1024;

/// Runs `lheo args…` in `dir` under the address-space limit; returns (code, stdout+stderr).
fn run_limited(dir: &Path, args: &[&str]) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_lheo");
    let mut cmd = if cfg!(target_os = "linux") {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" \"$@\""))
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("lheo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("lheo {args:?} was killed ({:?}): {text}", out.status));
    assert!(!text.contains("panicked"), "{text}");
    (code, text)
}

fn bombs() -> Vec<(&'static str, Vec<u8>)> {
    let far = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>@numero</t></is></c></row><row r="2"><c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>"#.to_owned();
    let long: String = (0..40_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let shared: String = (1..=20_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    vec![
        (
            "lignes.xlsx",
            bombs::xlsx(
                &[("formation", bombs::nearly_empty_rows(60_000))],
                &[],
                None,
            ),
        ),
        (
            "colonne.xlsx",
            bombs::xlsx(&[("formation", far)], &[], None),
        ),
        (
            "partages.xlsx",
            bombs::xlsx(&[("formation", shared)], &[long], None),
        ),
        (
            "repetitions.ods",
            bombs::ods(
                r#"<table:table table:name="formation"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
            ),
        ),
        (
            "espaces.ods",
            bombs::ods(
                r#"<table:table table:name="formation"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
            ),
        ),
        (
            "loin.xls",
            bombs::xls(
                "formation",
                &[
                    bombs::xls_number(0, 0, 1.0),
                    bombs::xls_number(65535, 65535, 2.0),
                ],
            ),
        ),
        (
            "dimensions.xls",
            bombs::xls(
                "formation",
                &[bombs::xls_dimensions(0, 4_000_000_000, 0, 255)],
            ),
        ),
    ]
}

#[test]
fn workbook_bombs_are_refused_within_200_mb() {
    let dir = tempfile::tempdir().expect("temp dir");
    let template = dir.path().join("modele.xlsx");
    fs::write(
        &template,
        lheo::workbook::template(Vec::new()).expect("template"),
    )
    .expect("write");
    for (name, bytes) in bombs() {
        assert!(bytes.len() < 1_000_000, "{name}: {} bytes", bytes.len());
        fs::write(dir.path().join(name), &bytes).expect("write bomb");
        let (code, text) = run_limited(dir.path(), &["validate", name]);
        assert_eq!(code, 1, "validate {name}: {text}");
        assert!(text.contains("CLASSEUR-LIMITE"), "validate {name}: {text}");
        let (code, text) = run_limited(dir.path(), &["import", name, "-o", "sortie.xml"]);
        assert_ne!(code, 0, "import {name}: {text}");
        assert!(
            text.contains("CLASSEUR-LIMITE") || text.contains("classeur refusé"),
            "import {name}: {text}"
        );
        assert!(
            !dir.path().join("sortie.xml").exists(),
            "import {name} wrote an output"
        );
        let (code, text) = run_limited(dir.path(), &["diff", "modele.xlsx", name]);
        assert_ne!(code, 0, "diff {name}: {text}");
        assert!(
            text.contains("CLASSEUR-LIMITE") || text.contains("classeur refusé"),
            "diff {name}: {text}"
        );
    }
}

/// What the default limits admit stays under the same 200 MB: a workbook just under the row
/// budget, nearly empty rows each an offer missing every required element (the costliest
/// rows there are), is read and checked, not refused and not aborted.
#[test]
fn a_workbook_at_the_row_budget_is_read_within_200_mb() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = lheo::workbook::Limits::default().max_data_rows - 100;
    let book = bombs::xlsx(
        &[(
            "formation",
            bombs::nearly_empty_rows(u32::try_from(rows).expect("rows")),
        )],
        &[],
        None,
    );
    fs::write(dir.path().join("plein.xlsx"), book).expect("write");
    for args in [
        &["validate", "plein.xlsx"][..],
        &["import", "plein.xlsx", "-o", "sortie.xml"][..],
    ] {
        let (code, text) = run_limited(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {text}");
        assert!(!text.contains("CLASSEUR-LIMITE"), "{args:?}: {text}");
        assert!(text.contains("XSD-"), "{args:?}: {text}");
    }
}
