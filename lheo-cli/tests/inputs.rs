//! Inputs as people have them: every command recognises what it is given by its content,
//! whatever its name and on the standard input.
//!
//! - Files `lheo` does not read (a CSV or TSV export, an EDOF catalogue, an LHEO 1.x feed,
//!   other XML, a web page, a PDF, JSON, a zip archive, an empty file) get the same one
//!   sentence from every command, by name, renamed and on stdin: what the file is and what
//!   lheo reads (exit 2, nothing written, never an XML parse error).
//! - A gzip-compressed feed validates, imports, exports and diffs like the plain one.
//! - A workbook is a workbook whatever its name and on stdin; `xls` and `ods` (made from the
//!   template by LibreOffice, `fixtures/modele.xls`, `fixtures/modele.ods`) read like `xlsx`.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::{data_dir, encoded_variants, fixture, lheo_in, names, output, workspace};

/// A file `lheo` does not read, and the start of what is said about it.
struct NotAFeed {
    name: String,
    bytes: Vec<u8>,
    said: &'static str,
}

fn zip_holding(name: &str, content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file(name, options).unwrap();
    zip.write_all(content).unwrap();
    zip.finish().unwrap().into_inner()
}

fn not_feeds() -> Vec<NotAFeed> {
    let case = |name: &str, bytes: Vec<u8>, said| NotAFeed {
        name: name.to_owned(),
        bytes,
        said,
    };
    let mut cases = vec![
        case(
            "offres.csv",
            "numero;intitule;ville\nF1;Maçon & carreleur;Caen\nF2;Plombier <débutant>;Rouen\n"
                .into(),
            "est un fichier CSV (valeurs séparées par des points-virgules), pas un flux LHEO",
        ),
        case(
            "offres.tsv",
            "numero\tintitule\nF1\tMaçon & co\n".into(),
            "est un fichier TSV (valeurs séparées par des tabulations)",
        ),
        case(
            "edof.xml",
            fs::read(data_dir().join("edof.xml")).unwrap(),
            "est un catalogue EDOF de la Caisse des Dépôts",
        ),
        case(
            "lheo-1.3.xml",
            fs::read(data_dir().join("lheo-1.3.xml")).unwrap(),
            "est un document LHEO 1.x",
        ),
        case(
            "rss.xml",
            b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>".to_vec(),
            "est un document XML dont la racine est « rss »",
        ),
        case(
            "page.html",
            b"<!DOCTYPE html>\n<html lang=fr><head><title>Offres</title></head></html>".to_vec(),
            "est une page web (HTML)",
        ),
        case(
            "catalogue.pdf",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec(),
            "est un document PDF",
        ),
        case(
            "offres.json",
            br#"{"offres": [{"numero": "F1"}]}"#.to_vec(),
            "est un document JSON",
        ),
        case(
            "export.zip",
            zip_holding("export/offres.xml", b"<lheo/>"),
            "est une archive zip qui contient « export/offres.xml »",
        ),
        case("vide.xml", Vec::new(), "est un fichier vide"),
    ];
    // The real CSV exports of the shared corpus, where it is.
    let corpus = workspace().join("../shared/corpus/real/spreadsheets");
    if let Ok(entries) = fs::read_dir(&corpus) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            cases.push(case(
                &name,
                fs::read(e.path()).unwrap(),
                "est un fichier CSV (valeurs séparées par",
            ));
        }
    }
    cases
}

/// Runs `lheo args` in `dir`, with `stdin` as its standard input.
fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut cmd = lheo_in(dir);
    cmd.args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    output(&mut cmd)
}

#[test]
fn every_command_says_what_a_file_is_by_name_renamed_and_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(data_dir().join("valide-2.3.xml"), d.join("valide.xml")).unwrap();
    for case in not_feeds() {
        fs::write(d.join(&case.name), &case.bytes).unwrap();
        fs::write(d.join("flux.xml"), &case.bytes).unwrap();
        fs::write(d.join("classeur.xlsx"), &case.bytes).unwrap();
        let before = names(d);
        for (given, shown, stdin) in [
            (case.name.as_str(), case.name.as_str(), None),
            ("flux.xml", "flux.xml", None),
            ("classeur.xlsx", "classeur.xlsx", None),
            ("-", "<entrée standard>", Some(&case.bytes[..])),
        ] {
            for args in [
                vec!["validate", given],
                vec!["validate", "--format", "json", given],
                vec!["import", given, "-o", "sortie.xml"],
                vec!["export", given, "-o", "sortie.xlsx"],
                vec!["diff", given, "valide.xml"],
            ] {
                let (code, stdout, stderr) = run(d, &args, stdin);
                let what = format!("{}: {args:?}", case.name);
                assert_eq!(code, 2, "{what}: {stdout}{stderr}");
                // JSON is always one document: the file refused is not in it.
                let expected = if args[1] == "--format" {
                    "{\"files\":[]}\n"
                } else {
                    ""
                };
                assert_eq!(stdout, expected, "{what}");
                let expected = format!("lheo: « {shown} » {}", case.said);
                assert!(stderr.starts_with(&expected), "{what}: {stderr}");
                assert!(
                    stderr.contains("lheo lit les flux LHEO 2.0 à 2.3"),
                    "{stderr}"
                );
                assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
                assert!(!stderr.contains("isolé"), "{stderr}");
            }
        }
        // In English too.
        let (code, _, stderr) = run(d, &["validate", "--lang", "en", "flux.xml"], None);
        assert_eq!(code, 2);
        assert!(stderr.starts_with("lheo: \"flux.xml\" is "), "{stderr}");
        assert!(
            stderr.contains("lheo reads LHEO 2.0 to 2.3 feeds"),
            "{stderr}"
        );
        assert_eq!(names(d), before, "{}: something was written", case.name);
        fs::remove_file(d.join(&case.name)).unwrap();
    }
}

#[test]
fn a_csv_is_told_how_to_become_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("offres.csv"), "a;b\n1;Maçon & co\n").unwrap();
    let (code, _, stderr) = run(dir.path(), &["import", "offres.csv", "-o", "o.xml"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pour saisir des offres dans un tableur, partez du modèle (lheo template -o modele.xlsx)"),
        "{stderr}"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out).unwrap();
    out
}

/// The JSON report of `validate`, without the file names.
fn json_report(dir: &Path, file: &str, stdin: Option<&[u8]>) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = run(
        dir,
        &[
            "validate",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            file,
        ],
        stdin,
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{file}: {e}: {stderr}"));
    v["files"][0]["file"] = serde_json::Value::Null;
    (code, v)
}

#[test]
fn a_gzip_feed_reads_like_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixtures = workspace().join("fixtures");
    for name in ["exemple.xml", "invalide.xml", "exemple-2.2.xml"] {
        let plain = fs::read(fixtures.join(name)).unwrap();
        let packed = gzip(&plain);
        fs::write(d.join(name), &plain).unwrap();
        let gz = format!("{name}.gz");
        fs::write(d.join(&gz), &packed).unwrap();
        fs::write(d.join("sans-extension"), &packed).unwrap();

        // The same report, by name, renamed, on stdin.
        let expected = json_report(d, name, None);
        assert_eq!(json_report(d, &gz, None), expected, "{gz}");
        assert_eq!(json_report(d, "sans-extension", None), expected, "{gz}");
        assert_eq!(
            json_report(d, "-", Some(&packed)),
            expected,
            "{gz} on stdin"
        );
        // Human reports show the lines of the decompressed text.
        let (_, human_plain, _) = run(d, &["validate", name], None);
        let (_, human_gz, _) = run(d, &["validate", &gz], None);
        assert_eq!(human_gz.replace(&gz, name), human_plain, "{gz}");

        // The same import, plain or compressed on either side.
        let (code, ..) = run(d, &["import", name, "-o", "a.xml"], None);
        if code == 0 {
            for (input, out, stdin) in [
                (gz.as_str(), "b.xml", None),
                ("-", "c.xml", Some(&packed[..])),
                (gz.as_str(), "d.xml.gz", None),
            ] {
                let (code, stdout, stderr) = run(d, &["import", input, "-o", out], stdin);
                assert_eq!(code, 0, "{gz}: {stdout}{stderr}");
                let mut got = fs::read(d.join(out)).unwrap();
                if out.ends_with(".gz") {
                    got = gunzip(&got);
                }
                assert!(got == fs::read(d.join("a.xml")).unwrap(), "{gz} -> {out}");
            }
            // The same data: no difference, in any pairing.
            for (old, new) in [(name, gz.as_str()), (gz.as_str(), "d.xml.gz")] {
                let (code, stdout, stderr) = run(d, &["diff", old, new], None);
                assert_eq!(code, 0, "{old} {new}: {stdout}{stderr}");
            }
        } else {
            let (code_gz, ..) = run(d, &["import", &gz, "-o", "b.xml"], None);
            assert_eq!(code_gz, code, "{gz}");
        }
        // The same export (a feed with errors is exported too).
        let (code, stdout, stderr) = run(d, &["export", &gz, "-o", "e.xlsx"], None);
        assert_eq!(code, 0, "{gz}: {stdout}{stderr}");
        let (code, stdout_plain, _) = run(d, &["export", name, "-o", "f.xlsx"], None);
        assert_eq!(code, 0);
        assert_eq!(
            stdout.replace(&gz, name).replace("e.xlsx", "f.xlsx"),
            stdout_plain
        );
        for f in ["a.xml", "b.xml", "c.xml", "d.xml.gz", "e.xlsx", "f.xlsx"] {
            let _ = fs::remove_file(d.join(f));
        }
    }
}

#[test]
fn damaged_gzip_is_unreadable_and_a_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = fs::read(workspace().join("fixtures/exemple.xml")).unwrap();
    let packed = gzip(&plain);
    fs::write(d.join("tronque.xml.gz"), &packed[..packed.len() / 2]).unwrap();
    for args in [
        vec!["validate", "tronque.xml.gz"],
        vec!["import", "tronque.xml.gz", "-o", "s.xml"],
        vec!["export", "tronque.xml.gz", "-o", "s.xlsx"],
        vec!["diff", "tronque.xml.gz", "tronque.xml.gz"],
    ] {
        let (code, stdout, stderr) = run(d, &args, None);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains(
                "impossible de lire « tronque.xml.gz » : archive gzip tronquée (elle s'arrête avant sa fin) : téléchargez-la de nouveau"
            ),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(names(d), ["tronque.xml.gz"]);
    // In English too, whichever side of diff it is on.
    fs::copy(
        workspace().join("fixtures/exemple.xml"),
        d.join("exemple.xml"),
    )
    .unwrap();
    let (code, _, stderr) = run(
        d,
        &["diff", "exemple.xml", "tronque.xml.gz", "--lang", "en"],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "lheo: cannot read \"tronque.xml.gz\": truncated gzip archive (it stops before its end): download it again\n"
    );
}

#[test]
fn a_workbook_is_a_workbook_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, ..) = run(d, &["template", "-o", "modele.xlsx"], None);
    assert_eq!(code, 0);
    let bytes = fs::read(d.join("modele.xlsx")).unwrap();
    fs::write(d.join("offres.xml"), &bytes).unwrap();
    for (given, stdin) in [
        ("modele.xlsx", None),
        ("offres.xml", None),
        ("-", Some(&bytes[..])),
    ] {
        let (code, stdout, stderr) = run(d, &["validate", given], stdin);
        assert_eq!(code, 0, "{given}: {stdout}{stderr}");
        assert!(stdout.contains(": valide (0 erreur"), "{stdout}");
        let (code, stdout, stderr) = run(d, &["import", given, "-o", "sortie.xml"], stdin);
        assert_eq!(code, 0, "{given}: {stdout}{stderr}");
        let (code, stdout, stderr) = run(d, &["diff", given, "sortie.xml"], stdin);
        assert_eq!(code, 0, "{given}: {stdout}{stderr}");
        // export makes a workbook of a feed: it says what to do with a workbook instead.
        let (code, _, stderr) = run(d, &["export", given, "-o", "autre.xlsx"], stdin);
        assert_eq!(code, 2);
        assert!(stderr.contains("est déjà un classeur"), "{stderr}");
    }
    // No private copy is left behind.
    assert_eq!(names(d), ["modele.xlsx", "offres.xml", "sortie.xml"]);
}

/// `bytes`, written as `name` and as `renamed`, then given by name, renamed and on the
/// standard input: `validate` says valid, `import` writes `expected`.
fn reads_like(dir: &Path, name: &str, renamed: &str, bytes: &[u8], expected: &[u8]) {
    fs::write(dir.join(name), bytes).unwrap();
    fs::write(dir.join(renamed), bytes).unwrap();
    for (given, stdin) in [(name, None), (renamed, None), ("-", Some(bytes))] {
        let (code, stdout, stderr) = run(dir, &["validate", given], stdin);
        assert_eq!(code, 0, "{name} as {given}: {stdout}{stderr}");
        let (code, stdout, stderr) = run(dir, &["import", given, "-o", "sortie.xml"], stdin);
        assert_eq!(code, 0, "{name} as {given}: {stdout}{stderr}");
        assert!(
            fs::read(dir.join("sortie.xml")).unwrap() == expected,
            "{name} as {given} imports differently"
        );
    }
}

#[test]
fn xls_and_ods_read_like_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, ..) = run(d, &["template", "-o", "modele.xlsx"], None);
    assert_eq!(code, 0);
    let (code, ..) = run(d, &["import", "modele.xlsx", "-o", "depuis-xlsx.xml"], None);
    assert_eq!(code, 0);
    let expected = fs::read(d.join("depuis-xlsx.xml")).unwrap();
    for name in ["modele.ods", "modele.xls"] {
        reads_like(d, name, "renomme.xml", &fixture(name), &expected);
    }
}

#[test]
fn a_feed_in_any_encoding_reads_the_same_by_name_renamed_and_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = String::from_utf8(fixture("exemple.xml")).unwrap();
    fs::write(d.join("exemple.xml"), &plain).unwrap();
    let (code, ..) = run(d, &["import", "exemple.xml", "-o", "attendu.xml"], None);
    assert_eq!(code, 0);
    let expected = fs::read(d.join("attendu.xml")).unwrap();
    for (name, bytes) in encoded_variants(&plain) {
        reads_like(d, name, "renomme.txt", &bytes, &expected);
    }
}
