//! The real feeds of `../shared/corpus/real/`: every one gets a report that matches the JSON
//! Schema, and `lheo import` either refuses it (exit 1, no output) or writes LHEO 2.3 that the
//! official XSD accepts, byte for byte what the library writes for the whole document. The
//! EDOF catalogue is not LHEO 2.x: every command refuses it at once (exit 2) and says so.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{assert_matches_schema, assert_xmllint_valid, lheo_in, oracle, output, workspace};

/// The corpus feeds, or `None` (with the reason printed) when the shared folder is absent.
fn corpus() -> Option<Vec<PathBuf>> {
    let dir = workspace().join("../shared/corpus/real");
    if !dir.is_dir() {
        if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
            panic!("LHEO_REQUIRE_ORACLE=1 but {} is absent", dir.display());
        }
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    Some(files)
}

fn is_edof(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("edof"))
}

#[test]
fn every_real_feed_gets_a_report_matching_the_schema() {
    let Some(files) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["validate".to_owned(), "--format=json".to_owned()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let edof = files.iter().filter(|f| is_edof(f)).count();
    let expected = if edof > 0 { 2 } else { 1 };
    let (code, stdout, stderr) = output(lheo_in(dir.path()).args(&args));
    assert_eq!(code, expected, "{stderr}");
    assert_eq!(
        stderr.matches("est un catalogue EDOF").count(),
        edof,
        "{stderr}"
    );
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    assert_eq!(json["files"].as_array().unwrap().len(), files.len() - edof);
    // Human output works on them too, without failing.
    args[1] = "--format=human".to_owned();
    let (code, _, stderr) = output(lheo_in(dir.path()).args(&args));
    assert_eq!(code, expected, "{stderr}");
}

#[test]
fn every_real_feed_imports_or_is_refused_cleanly() {
    let Some(files) = corpus() else { return };
    let xsd = oracle();
    let dir = tempfile::tempdir().unwrap();
    let mut imported = 0;
    for input in &files {
        let out = dir.path().join("sortie.xml");
        let _ = fs::remove_file(&out);
        let (code, stdout, stderr) = output(lheo_in(dir.path()).args([
            "import".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]));
        match code {
            0 => {
                imported += 1;
                let written = fs::read(&out).unwrap();
                let whole = lheo::reader::read_document(&fs::read(input).unwrap()[..])
                    .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
                let mut expected = Vec::new();
                lheo::writer::write_document(&whole, &mut expected).unwrap();
                assert!(
                    written == expected,
                    "{}: the streamed output differs from the whole-document output",
                    input.display()
                );
                if let Some(xsd) = &xsd {
                    assert_xmllint_valid(xsd, &out);
                }
            }
            1 => {
                assert!(!out.exists(), "{}: refused but written", input.display());
                assert!(stdout.contains("erreur["), "{}: {stdout}", input.display());
                assert!(stderr.contains("n'a pas été écrit"), "{stderr}");
            }
            2 if is_edof(input) => {
                assert!(!out.exists());
                assert!(stderr.contains("est un catalogue EDOF"), "{stderr}");
            }
            _ => panic!("{}: exit {code}: {stderr}", input.display()),
        }
        // No temporary file is left behind.
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "sortie.xml")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
    assert!(imported > 0, "no real feed could be imported");
}
