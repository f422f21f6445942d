//! Outputs of `import`, `export` and `template`: what may be written to, and how.
//!
//! - An extension that does not match what is written is refused unless `--force`, and
//!   nothing is written; `template`/`export` onto an existing feed leave it byte-identical.
//! - Devices, FIFOs, sockets and folders are refused; a symbolic link is followed only to a
//!   regular file that is not an input; an input is never the output, whatever its name.
//! - Temporary files go to the output's folder: a full `$TMPDIR` does not matter; a full
//!   output folder is one French line and exit 2, never a panic, and nothing is left.
//! - Ctrl-C and SIGTERM remove the temporary files; the leftovers of a killed run are removed
//!   by the next run in the same folder.
//!
//! Every run is under an address-space limit (`common::limited`).

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, limited, names, outcome, repeated_feed as big_feed, run_limited as run};

/// Every file of `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    names(dir)
        .into_iter()
        .filter(|n| dir.join(n).is_file())
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

/// A folder with a feed (`flux.xml`), a workbook (`flux.xlsx`) and an old feed
/// (`offres.xml`).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("flux.xml"), fixture("exemple.xml")).unwrap();
    fs::write(dir.path().join("offres.xml"), fixture("minimal.xml")).unwrap();
    let (code, ..) = run(dir.path(), &["export", "flux.xml", "-o", "flux.xlsx"]);
    assert_eq!(code, 0);
    dir
}

#[test]
fn a_wrong_extension_is_refused_unless_forced() {
    let dir = folder();
    let d = dir.path();
    let before = snapshot(d);
    let cases: [(&[&str], &str); 6] = [
        (
            &["template", "-o", "offres.xml"],
            "lheo: « offres.xml » : lheo template écrit un classeur Excel, son nom doit finir par .xlsx (--force pour écrire sous ce nom quand même)\n",
        ),
        (
            &["export", "flux.xml", "-o", "offres.xml"],
            "lheo: « offres.xml » : lheo export écrit un classeur Excel, son nom doit finir par .xlsx (--force pour écrire sous ce nom quand même)\n",
        ),
        (
            &["import", "flux.xlsx", "-o", "sortie.xlsx"],
            "lheo: « sortie.xlsx » : lheo import écrit un flux LHEO 2.3, son nom doit finir par .xml (ou .xml.gz pour le compresser) (--force pour écrire sous ce nom quand même)\n",
        ),
        (
            &["template", "-o", "nouveau.xml"],
            "lheo: « nouveau.xml » : lheo template écrit un classeur Excel, son nom doit finir par .xlsx (--force pour écrire sous ce nom quand même)\n",
        ),
        (
            &["export", "flux.xml", "-o", "sans-extension"],
            "lheo: « sans-extension » : lheo export écrit un classeur Excel, son nom doit finir par .xlsx (--force pour écrire sous ce nom quand même)\n",
        ),
        (
            &["import", "flux.xml", "-o", "sortie.gz"],
            "lheo: « sortie.gz » : lheo import écrit un flux LHEO 2.3, son nom doit finir par .xml (ou .xml.gz pour le compresser) (--force pour écrire sous ce nom quand même)\n",
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = run(d, args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
    // Nothing written, the existing feed byte-identical.
    assert_eq!(snapshot(d), before);

    // With --force, the name is kept.
    let (code, _, stderr) = run(d, &["template", "-o", "modele.bin", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::read(d.join("modele.bin")).unwrap().starts_with(b"PK"));
    let (code, _, stderr) = run(d, &["import", "flux.xml", "-o", "sortie.txt", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::read(d.join("sortie.txt"))
        .unwrap()
        .starts_with(b"<?xml"));
    // In English.
    let (code, _, stderr) = run(d, &["template", "-o", "x.xml", "--lang", "en"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "lheo: \"x.xml\": lheo template writes an Excel workbook, its name must end in .xlsx (--force to write under this name anyway)\n"
    );
}

#[test]
fn import_writes_gzip_for_xml_gz() {
    let dir = folder();
    let d = dir.path();
    let (code, ..) = run(d, &["import", "flux.xml", "-o", "a.xml"]);
    assert_eq!(code, 0);
    let (code, ..) = run(d, &["import", "flux.xml", "-o", "b.XML.GZ"]);
    assert_eq!(code, 0);
    let packed = fs::read(d.join("b.XML.GZ")).unwrap();
    assert!(packed.starts_with(&[0x1F, 0x8B]));
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut text).unwrap();
    assert!(text == fs::read(d.join("a.xml")).unwrap());
}

#[test]
fn no_command_writes_onto_an_input_whatever_its_name() {
    let dir = folder();
    let d = dir.path();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("flux.xml", d.join("lien.xml")).unwrap();
        std::os::unix::fs::symlink("flux.xlsx", d.join("lien.xlsx")).unwrap();
        fs::hard_link(d.join("flux.xml"), d.join("dur.xml")).unwrap();
        fs::hard_link(d.join("flux.xlsx"), d.join("dur.xlsx")).unwrap();
    }
    let before = snapshot(d);
    let mut cases = vec![
        vec!["import", "flux.xml", "-o", "flux.xml"],
        vec!["import", "flux.xlsx", "-o", "./flux.xlsx", "--force"],
        vec!["export", "flux.xlsx", "-o", "flux.xlsx"],
        vec!["export", "flux.xml", "-o", "flux.xml", "--force"],
    ];
    if cfg!(unix) {
        cases.extend([
            vec!["import", "flux.xml", "-o", "lien.xml"],
            vec!["import", "flux.xml", "-o", "dur.xml"],
            vec!["import", "lien.xml", "-o", "dur.xml"],
            vec!["import", "flux.xlsx", "-o", "dur.xlsx", "--force"],
            vec!["export", "flux.xml", "-o", "dur.xml", "--force"],
            vec!["export", "dur.xml", "-o", "lien.xml", "--force"],
            // The standard input is a regular file here: it is an input too.
            vec!["import", "-", "-o", "dur.xml"],
            vec!["export", "-", "-o", "lien.xml", "--force"],
        ]);
    }
    for args in &cases {
        let stdin = fs::File::open(d.join("flux.xml")).unwrap();
        let out = limited(d).args(args).stdin(stdin).output().unwrap();
        let (code, stdout, stderr) = outcome(&out);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("est un fichier d'entrée de la commande (sous ce nom ou par un lien)"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(snapshot(d), before);
}

#[cfg(unix)]
#[test]
fn special_files_are_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = folder();
    let d = dir.path();
    let fifo = d.join("tube.xlsx");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let _socket = std::os::unix::net::UnixListener::bind(d.join("prise.xlsx")).unwrap();
    fs::create_dir(d.join("dossier.xlsx")).unwrap();
    std::os::unix::fs::symlink("/dev/null", d.join("null.xlsx")).unwrap();
    std::os::unix::fs::symlink("absent.xlsx", d.join("casse.xlsx")).unwrap();
    let cases = [
        ("/dev/null", "est un périphérique, pas un fichier ordinaire"),
        (
            "tube.xlsx",
            "est un tube nommé (FIFO), pas un fichier ordinaire",
        ),
        ("prise.xlsx", "est une socket, pas un fichier ordinaire"),
        ("dossier.xlsx", "est un dossier : donnez un nom de fichier"),
        ("null.xlsx", "est un périphérique, pas un fichier ordinaire"),
        (
            "casse.xlsx",
            "est un lien symbolique vers un fichier qui n'existe pas",
        ),
    ];
    for (out, said) in cases {
        for args in [
            vec!["template", "-o", out, "--force"],
            vec!["export", "flux.xml", "-o", out, "--force"],
            vec!["import", "flux.xml", "-o", out, "--force"],
        ] {
            let (code, stdout, stderr) = run(d, &args);
            assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
            assert!(
                stderr.contains(&format!("« {out} » {said}")),
                "{args:?}: {stderr}"
            );
        }
    }
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::metadata(d.join("prise.xlsx"))
        .unwrap()
        .file_type()
        .is_socket());
    assert!(fs::symlink_metadata(d.join("null.xlsx"))
        .unwrap()
        .is_symlink());
    assert!(!d.join("absent.xlsx").exists());

    // A link to a regular file that is not an input: its target is replaced, the link kept.
    fs::write(d.join("ancien.xlsx"), "ancien").unwrap();
    std::os::unix::fs::symlink("ancien.xlsx", d.join("vers-ancien.xlsx")).unwrap();
    let (code, _, stderr) = run(d, &["template", "-o", "vers-ancien.xlsx"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::symlink_metadata(d.join("vers-ancien.xlsx"))
        .unwrap()
        .is_symlink());
    assert!(fs::read(d.join("ancien.xlsx")).unwrap().starts_with(b"PK"));
}

/// `lheo args` in a private mount namespace where `mounted` is a `kib`-KiB tmpfs, or `None`
/// (with the reason printed) where that cannot be done (not root, no `unshare`).
fn with_small_disk(
    dir: &Path,
    mounted: &str,
    kib: u32,
    envs: &[(&str, &str)],
    args: &[&str],
) -> Option<(i32, String, String)> {
    fs::create_dir_all(dir.join(mounted)).unwrap();
    let probe = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no private mount namespace here (unshare -m): {probe:?}");
        return None;
    }
    let bin = env!("CARGO_BIN_EXE_lheo");
    let script = format!(
        "mount -t tmpfs -o size={kib}k tmpfs {mounted} || exit 99; \
         ulimit -v {} && \"$0\" \"$@\"; code=$?; ls -A {mounted} > {mounted}.restes; exit $code",
        common::LIMIT_KIB
    );
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["-m", "sh", "-c", &script, bin])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    if out.status.code() == Some(99) || out.status.code().is_none() {
        eprintln!(
            "skipped: cannot mount a tmpfs ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    Some(outcome(&out))
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_and_exit_2_and_a_full_tmpdir_does_not_matter() {
    let dir = folder();
    let d = dir.path();
    // A 400-formation feed: its workbook's sheets and its import are far larger than 64 KiB.
    fs::write(d.join("gros.xml"), big_feed(400)).unwrap();
    let cases: [&[&str]; 3] = [
        &["template", "-o", "plein/modele.xlsx"],
        &["export", "gros.xml", "-o", "plein/gros.xlsx"],
        &["import", "gros.xml", "-o", "plein/gros.xml"],
    ];
    for args in cases {
        let Some((code, stdout, stderr)) = with_small_disk(d, "plein", 64, &[], args) else {
            return;
        };
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.starts_with("lheo: impossible d'écrire « plein/"),
            "{stderr}"
        );
        assert!(
            stderr.trim_end().ends_with("disque plein"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let left = fs::read_to_string(d.join("plein.restes")).unwrap();
        assert_eq!(left, "", "{args:?} left {left}");
    }
    // $TMPDIR full (64 KiB), the output's folder roomy: it works.
    for args in [
        &["template", "-o", "modele.xlsx"][..],
        &["export", "gros.xml", "-o", "gros.xlsx"],
        &["import", "gros.xml", "-o", "gros-import.xml"],
    ] {
        let tmp = d.join("tmp-plein");
        let tmp = tmp.to_str().unwrap();
        let Some((code, stdout, stderr)) =
            with_small_disk(d, "tmp-plein", 64, &[("TMPDIR", tmp)], args)
        else {
            return;
        };
        assert_eq!(code, 0, "{args:?}: {stdout}{stderr}");
    }
    assert!(d.join("gros.xlsx").is_file() && d.join("modele.xlsx").is_file());
    assert!(
        names(d).iter().all(|n| !n.starts_with(".lheo-")),
        "{:?}",
        names(d)
    );
}

/// Starts `lheo args` in `dir`, waits until a temporary file of its appears there, and
/// returns the child.
#[cfg(unix)]
fn started_writing(dir: &Path, args: &[&str]) -> std::process::Child {
    let mut child = limited(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if names(dir).iter().any(|n| n.starts_with(".lheo-")) {
            return child;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{args:?} ended ({status}) before writing anything");
        }
        assert!(
            start.elapsed().as_secs() < 120,
            "{args:?}: no temporary file"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(unix)]
fn signal(child: &std::process::Child, sig: i32) {
    // SAFETY: sends a signal to a child process of this test.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_and_sigterm_remove_the_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("gros.xml"), big_feed(6000)).unwrap();
    fs::write(d.join("sortie.xlsx"), "ancien").unwrap();
    for (args, sig) in [
        (
            &["export", "gros.xml", "-o", "sortie.xlsx"][..],
            libc::SIGINT,
        ),
        (&["export", "gros.xml", "-o", "sortie.xlsx"], libc::SIGTERM),
        (&["import", "gros.xml", "-o", "sortie.xml"], libc::SIGINT),
    ] {
        let child = started_writing(d, args);
        signal(&child, sig);
        let out = child.wait_with_output().unwrap();
        // The process ends on its own (128 + the signal), not killed by it.
        assert_eq!(out.status.code(), Some(128 + sig), "{args:?}: {:?}", out);
        assert_eq!(names(d), ["gros.xml", "sortie.xlsx"], "{args:?}");
        assert_eq!(fs::read(d.join("sortie.xlsx")).unwrap(), b"ancien");
    }
}

#[cfg(unix)]
#[test]
fn the_leftovers_of_a_killed_run_are_removed_by_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("gros.xml"), big_feed(6000)).unwrap();
    let mut child = started_writing(d, &["export", "gros.xml", "-o", "sortie.xlsx"]);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let left: Vec<String> = names(d)
        .into_iter()
        .filter(|n| n.starts_with(".lheo-"))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains("-sortie.xlsx"), "{left:?}");
    let (code, _, stderr) = run(d, &["template", "-o", "modele.xlsx"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(names(d), ["gros.xml", "modele.xlsx"]);
}
