//! Inputs that are not regular files, and files that change: every command reads a FIFO,
//! a process substitution `<(…)` and the standard input like the file (read once, or from a
//! private copy that is removed afterwards); a file that changes while it is read is refused;
//! a gzip bomb stops at the expansion bound. Every run is under an address-space limit
//! (`common::limited`).

#![cfg(unix)]

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{fixture, limited, names, outcome, repeated_feed, run_limited as run, LIMIT_KIB};

/// `lheo args` where `{}` in the arguments is a FIFO a thread fills with `bytes`.
fn through_fifo(dir: &Path, bytes: &[u8], args: &[&str]) -> (i32, String, String) {
    let fifo = dir.join("tube");
    let _ = fs::remove_file(&fifo);
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = {
        let (fifo, bytes) = (fifo.clone(), bytes.to_vec());
        std::thread::spawn(move || {
            // The reader may stop early (a refused input): a broken pipe is fine.
            if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = f.write_all(&bytes);
            }
        })
    };
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{}", fifo.to_str().unwrap()))
        .collect();
    let out = limited(dir).args(&args).output().unwrap();
    writer.join().unwrap();
    fs::remove_file(&fifo).unwrap();
    outcome(&out)
}

/// `lheo args` with `bytes` on its standard input.
fn through_stdin(dir: &Path, bytes: &[u8], args: &[&str]) -> (i32, String, String) {
    let mut child = limited(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    outcome(&out)
}

/// `lheo args` through bash, where `{}` is `<(cat FILE)`.
fn through_substitution(dir: &Path, file: &str, args: &[&str]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_lheo");
    let line: Vec<String> = args
        .iter()
        .map(|a| a.replace("{}", &format!("<(cat {file})")))
        .collect();
    let script = format!("ulimit -v {LIMIT_KIB}; \"{bin}\" {}", line.join(" "));
    let out = Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    outcome(&out)
}

#[test]
fn every_command_reads_fifos_substitutions_and_stdin_like_the_file() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let feed = fixture("exemple.xml");
    fs::write(d.join("flux.xml"), &feed).unwrap();
    let (code, ..) = run(d, &["export", "flux.xml", "-o", "flux.xlsx"]);
    assert_eq!(code, 0);
    let workbook = fs::read(d.join("flux.xlsx")).unwrap();
    let (code, ..) = run(d, &["import", "flux.xml", "-o", "attendu.xml"]);
    assert_eq!(code, 0);
    let expected = fs::read(d.join("attendu.xml")).unwrap();

    for (what, bytes, file) in [
        ("feed", &feed, "flux.xml"),
        ("workbook", &workbook, "flux.xlsx"),
    ] {
        let reference = run(d, &["validate", file]).1;
        for how in ["fifo", "stdin", "substitution"] {
            let go = |args: &[&str]| match how {
                "fifo" => through_fifo(d, bytes, args),
                "stdin" => through_stdin(
                    d,
                    bytes,
                    &args
                        .iter()
                        .map(|a| a.replace("{}", "-"))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                ),
                _ => through_substitution(d, file, args),
            };
            let label = format!("{what} by {how}");
            // validate: the same verdict.
            let (code, stdout, stderr) = go(&["validate", "{}"]);
            assert_eq!(code, 0, "{label}: {stdout}{stderr}");
            assert_eq!(
                stdout.split(" : ").nth(1),
                reference.split(" : ").nth(1),
                "{label}"
            );
            // import: the same feed, and no "valide" followed by a failure.
            let (code, stdout, stderr) = go(&["import", "{}", "-o", "sortie.xml"]);
            assert_eq!(code, 0, "{label}: {stdout}{stderr}");
            assert!(
                fs::read(d.join("sortie.xml")).unwrap() == expected,
                "{label}"
            );
            fs::remove_file(d.join("sortie.xml")).unwrap();
            // diff: no difference with the file.
            let (code, stdout, stderr) = go(&["diff", "{}", "flux.xml"]);
            assert_eq!(code, 0, "{label}: {stdout}{stderr}");
            // export: a feed becomes a workbook; a workbook is told to use import instead.
            let (code, stdout, stderr) = go(&["export", "{}", "-o", "sortie.xlsx"]);
            if what == "feed" {
                assert_eq!(code, 0, "{label}: {stdout}{stderr}");
                fs::remove_file(d.join("sortie.xlsx")).unwrap();
            } else {
                assert_eq!(code, 2, "{label}: {stdout}{stderr}");
                assert!(stderr.contains("est déjà un classeur"), "{stderr}");
            }
        }
    }
    // No private copy is left, here or in the temporary folder's names of this run.
    assert_eq!(names(d), ["attendu.xml", "flux.xlsx", "flux.xml"]);
}

#[test]
fn a_file_that_changes_while_it_is_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let feed = repeated_feed(6000);
    for args in [
        &["validate", "--threads", "1", "flux.xml"][..],
        &["import", "flux.xml", "-o", "sortie.xml"],
        &["export", "flux.xml", "-o", "sortie.xlsx"],
        &["diff", "flux.xml", "flux.xml"],
    ] {
        fs::write(d.join("flux.xml"), &feed).unwrap();
        let child = limited(d)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The producer appends while lheo reads (13 MB take it far longer than this).
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(d.join("flux.xml"))
            .unwrap();
        f.write_all(b"<!-- suite -->\n").unwrap();
        drop(f);
        let (code, stdout, stderr) = outcome(&child.wait_with_output().unwrap());
        assert_eq!(code, 2, "{args:?}: {stdout:.300}{stderr}");
        assert!(
            stderr.contains("« flux.xml » a changé pendant sa lecture"),
            "{args:?}: {stderr}"
        );
        assert_eq!(names(d), ["flux.xml"], "{args:?}");
    }
}

fn packed(head: &[u8], chunk: &[u8], total: usize, tail: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(head).unwrap();
    let block = chunk.repeat((1 << 20) / chunk.len());
    for _ in 0..total / block.len() {
        gz.write_all(&block).unwrap();
    }
    gz.write_all(tail).unwrap();
    gz.finish().unwrap()
}

#[test]
fn gzip_bombs_stop_at_a_limit_not_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 100 MiB of spaces and comments between records, then 50 MiB of text in one element,
    // each packed hundreds of times: read as they stream, they reach the reader's limit on
    // one text (16 MB, exit 1; diff cannot compare: exit 2), with memory flat. 100 MiB of
    // zeros are refused at once (binary).
    let mut chunk = vec![b' '; 1000];
    chunk.extend_from_slice(b"<!---->");
    let spaces = packed(
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>",
        &chunk,
        100 << 20,
        b"</offres></lheo>",
    );
    let text = packed(
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres><formation>",
        b"x",
        50 << 20,
        b"</formation></offres></lheo>",
    );
    let zeros = packed(b"", b"\0", 100 << 20, b"");
    for (name, bomb, code, said) in [
        ("espaces.xml.gz", &spaces, 1, "de plus de 16 Mo"),
        ("texte.xml.gz", &text, 1, "de plus de 16 Mo"),
        ("zeros.xml.gz", &zeros, 2, "contient un fichier binaire"),
    ] {
        assert!(bomb.len() < 400 << 10, "{name}: {}", bomb.len());
        fs::write(d.join(name), bomb).unwrap();
        for args in [
            &["validate", name][..],
            &["import", name, "-o", "sortie.xml"],
            &["export", name, "-o", "sortie.xlsx"],
            &["diff", name, name],
        ] {
            let (got, stdout, stderr) = run(d, args);
            let expected = if args[0] == "diff" { 2 } else { code };
            assert_eq!(got, expected, "{args:?}: {stdout:.300}{stderr}");
            assert!(
                stdout.contains(said) || stderr.contains(said),
                "{args:?}: {stdout:.300}{stderr}"
            );
        }
        fs::remove_file(d.join(name)).unwrap();
        assert!(names(d).is_empty(), "{:?}", names(d));
    }
}
