//! `lheo export`, `lheo template`, `lheo import` and `lheo validate` of workbooks.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, Xlsx};
use common::{lheo_in, output, schema, workspace};

fn fixture(name: &str) -> std::path::PathBuf {
    workspace().join("fixtures").join(name)
}

fn sheet_names(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).unwrap();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    book.sheet_names()
}

#[test]
fn template_is_a_ready_to_fill_valid_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["template", "-o", "modele.xlsx"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("modèle écrit dans « modele.xlsx »"),
        "{stdout}"
    );
    let names = sheet_names(&dir.path().join("modele.xlsx"));
    for n in [
        "formation",
        "action",
        "session",
        "recrutement",
        "lheo",
        "attributs",
        "extras",
        "documentation",
        "listes",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    assert_eq!(names[0], "formation");
    let (code, stdout, _) = output(lheo_in(dir.path()).args([
        "validate",
        "--profile",
        "france-travail",
        "--today",
        "2026-06-01",
        "modele.xlsx",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "modele.xlsx : valide (0 erreur, 0 avertissement)\n");
}

#[test]
fn export_then_import_gives_the_feed_back() {
    let dir = tempfile::tempdir().unwrap();
    let feed = fixture("exemple.xml");
    let feed = feed.to_str().unwrap();
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["export", feed, "-o", "offres.xlsx"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("exporté dans « offres.xlsx » (2 enregistrements)"),
        "{stdout}"
    );
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "offres.xlsx", "-o", "depuis-classeur.xml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, _) = output(lheo_in(dir.path()).args(["import", feed, "-o", "depuis-xml.xml"]));
    assert_eq!(code, 0);
    let a = fs::read(dir.path().join("depuis-classeur.xml")).unwrap();
    let b = fs::read(dir.path().join("depuis-xml.xml")).unwrap();
    assert!(a == b, "the workbook's feed differs from the XML's");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A hand-made workbook with an unknown column, an impossible date and an orphan row.
fn three_problems(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("formation").unwrap();
    for (c, h) in ["#formation", "intitule-formation", "couleur"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["1", "Plaquiste", "bleu"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("session").unwrap();
    for (c, h) in ["#action", "#session", "periode/debut"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["9.9", "9.9.1", "31/02/2027"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn every_problem_of_a_workbook_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    three_problems(&dir.path().join("lot.xlsx"));
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "lot.xlsx", "-o", "lot.xml"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    for (code, at) in [
        ("CLASSEUR-COLONNE", "lot.xlsx:formation!C1"),
        ("CLASSEUR-DATE", "lot.xlsx:session!C2"),
        ("CLASSEUR-ORPHELINE", "lot.xlsx:session!A2"),
    ] {
        let pos = stdout
            .find(&format!("[{code}]"))
            .unwrap_or_else(|| panic!("{code}: {stdout}"));
        assert!(
            stdout[pos..].lines().nth(1).unwrap_or("").contains(at),
            "{code} at {at}: {stdout}"
        );
    }
    assert!(stderr.contains("« lot.xml » n'a pas été écrit"), "{stderr}");
    assert!(!dir.path().join("lot.xml").exists());
    insta::assert_snapshot!("workbook_three_problems", stdout);
}

#[test]
fn validate_json_gives_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    three_problems(&dir.path().join("lot.xlsx"));
    let (code, stdout, _) =
        output(lheo_in(dir.path()).args(["validate", "--format", "json", "lot.xlsx"]));
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let validator = schema("validate-report.schema.json");
    assert!(validator.is_valid(&json), "{stdout}");
    let diags = json["files"][0]["diagnostics"].as_array().unwrap();
    let found: Vec<(String, String, String)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["sheet"].as_str().unwrap_or("").to_owned(),
                d["cell"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for want in [
        ("CLASSEUR-COLONNE", "formation", "C1"),
        ("CLASSEUR-DATE", "session", "C2"),
        ("CLASSEUR-ORPHELINE", "session", "A2"),
    ] {
        let want = (want.0.to_owned(), want.1.to_owned(), want.2.to_owned());
        assert!(found.contains(&want), "{want:?} in {found:?}");
    }
    assert!(diags.iter().all(|d| d.get("line").is_none()));
}

#[test]
fn export_refuses_what_it_cannot_read_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("casse.xml"),
        "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>",
    )
    .unwrap();
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["export", "casse.xml", "-o", "casse.xlsx"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("[XML-MALFORME]"), "{stdout}");
    assert!(!dir.path().join("casse.xlsx").exists());
    let (code, _, stderr) =
        output(lheo_in(dir.path()).args(["export", "absent.xml", "-o", "x.xlsx"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("absent.xml"), "{stderr}");
}

/// People open workbooks in a spreadsheet program and save them again: a workbook re-saved by
/// LibreOffice gives the same feed. Runs when `soffice` is installed (not in CI: it prints
/// why and returns).
#[test]
fn a_workbook_saved_again_by_libreoffice_gives_the_same_feed() {
    let soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let feed = fixture("exemple.xml");
    let feed = feed.to_str().unwrap();
    let (code, _, _) = output(lheo_in(dir.path()).args(["export", feed, "-o", "offres.xlsx"]));
    assert_eq!(code, 0);
    let saved = std::process::Command::new("soffice")
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .args([
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            "lo",
            "offres.xlsx",
        ])
        .output()
        .unwrap();
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "lo/offres.xlsx", "-o", "a.xml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, _) = output(lheo_in(dir.path()).args(["import", feed, "-o", "b.xml"]));
    assert_eq!(code, 0);
    assert!(
        fs::read(dir.path().join("a.xml")).unwrap() == fs::read(dir.path().join("b.xml")).unwrap()
    );
}
