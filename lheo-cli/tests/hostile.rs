//! Hostile and broken input through the `lheo` binary: exit 1 with the diagnostic's code and
//! a French message for bad content, exit 2 for paths that cannot be read or written, never a
//! panic, nothing written on failure, nothing read from outside the file.
//!
//! Memory is bounded by the operating system, not measured: on Linux each run gets an address
//! space limit (`ulimit -v`, see [`LIMIT_KIB`]); a run that needed more would die on an
//! allocation failure instead of exiting 1, and the test would fail. Big inputs are generated
//! in temporary folders. The library-level cases are in `lheo/tests/hostile.rs`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

// Runs are under the address-space limit (`common::LIMIT_KIB`, the 50 MB inputs included).
use common::{assert_matches_schema, encoded_variants, fixture, names, run_limited as run_in};

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("present")
}

const NS: &str = "http://lheo.gouv.fr/2.3";
const SECRET: &str = "SECRET-77ab02-DO-NOT-LEAK";

fn lheo_with(inner: &str) -> String {
    format!("<lheo xmlns=\"{NS}\"><offres>{inner}</offres></lheo>")
}

/// The hostile inputs, by file name, with the code and a piece of the French message each
/// must be refused with. `dir` holds the secret file that external entities point at.
fn hostile_inputs(dir: &Path) -> Vec<(&'static str, Vec<u8>, &'static str, &'static str)> {
    let secret = dir.join("secret.txt");
    fs::write(&secret, SECRET).expect("secret");
    let dtd = dir.join("evil.dtd");
    fs::write(&dtd, format!("<!ENTITY leak \"{SECRET}\">")).expect("dtd");
    let (secret, dtd) = (secret.display(), dtd.display());

    let mut laughs = String::from("<!DOCTYPE lheo [<!ENTITY l0 \"lol\">");
    for i in 1..=9 {
        laughs.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    laughs.push_str("]>");
    laughs.push_str(&lheo_with("&l9;"));

    let mut big_text = format!("<lheo xmlns=\"{NS}\"><offres><formation>").into_bytes();
    big_text.resize(big_text.len() + 50 * 1024 * 1024, b'x');
    big_text.extend_from_slice(b"</formation></offres></lheo>");

    let n = 100_000;
    let deep = format!(
        "<lheo xmlns=\"{NS}\">{}{}</lheo>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );

    let exemple = fixture("exemple.xml");
    let mut bad_utf8 = format!("<lheo xmlns=\"{NS}\">\n<offres>\n<formation>").into_bytes();
    bad_utf8.extend_from_slice(b"caf\xE9</formation></offres></lheo>");
    let attributes: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();

    vec![
        ("laughs.xml", laughs.into_bytes(), "XML-DTD", "entités"),
        (
            "xxe.xml",
            format!(
                "<!DOCTYPE lheo [<!ENTITY xxe SYSTEM \"file://{secret}\">]>{}",
                lheo_with("<formation>&xxe;</formation>")
            )
            .into_bytes(),
            "XML-DTD",
            "aucune entité n'est résolue",
        ),
        (
            "passwd.xml",
            format!(
                "<!DOCTYPE lheo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
                lheo_with("&xxe;")
            )
            .into_bytes(),
            "XML-DTD",
            "entités",
        ),
        (
            "parametre.xml",
            format!(
                "<!DOCTYPE lheo [<!ENTITY % pe SYSTEM \"file://{dtd}\"> %pe;]>{}",
                lheo_with("&leak;")
            )
            .into_bytes(),
            "XML-DTD",
            "entités",
        ),
        (
            "dtd-externe.xml",
            format!(
                "<!DOCTYPE lheo SYSTEM \"file://{dtd}\">{}",
                lheo_with("&leak;")
            )
            .into_bytes(),
            "XML-MALFORME",
            "entité « &leak; » non définie",
        ),
        (
            "tronque.xml",
            exemple[..find(&exemple, b"</formation>")].to_vec(),
            "XML-MALFORME",
            "fichier tronqué",
        ),
        ("utf8-invalide.xml", bad_utf8, "XML-ENCODAGE", "ISO-8859-1"),
        (
            "profond.xml",
            deep.into_bytes(),
            "XML-LIMITE",
            "imbrication de plus de 512 éléments",
        ),
        (
            "texte-50-mo.xml",
            big_text,
            "XML-LIMITE",
            "de plus de 16 Mo",
        ),
        (
            "attributs.xml",
            lheo_with(&format!("<formation{attributes}/>")).into_bytes(),
            "XML-LIMITE",
            "plus de 10000 constats",
        ),
    ]
}

/// One megabyte of random bytes.
fn garbage() -> Vec<u8> {
    let mut garbage = Vec::with_capacity(1 << 20);
    let mut x: u32 = 0x9E37_79B9;
    for _ in 0..(1 << 20) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push((x >> 8) as u8);
    }
    garbage
}

/// Files that are not feeds at all, with what every command says they are (exit 2).
fn not_feeds() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("vide.xml", Vec::new(), "est un fichier vide"),
        ("binaire.xml", garbage(), "est un fichier binaire"),
    ]
}

#[test]
fn files_that_are_not_feeds_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes, said) in not_feeds() {
        fs::write(dir.path().join(name), &bytes).expect("write input");
        for args in [
            vec!["validate", name],
            vec!["validate", "--format", "json", name],
            vec!["import", name, "-o", "sortie.xml"],
            vec!["export", name, "-o", "sortie.xlsx"],
            vec!["diff", name, name],
        ] {
            let (status, stdout, stderr) = run_in(dir.path(), &args);
            assert_eq!(status, 2, "{args:?}: {stdout}{stderr}");
            assert!(stderr.contains(&format!("« {name} » {said}")), "{stderr}");
        }
        // The same on the standard input.
        let out = Command::new(env!("CARGO_BIN_EXE_lheo"))
            .args(["validate", "-"])
            .stdin(fs::File::open(dir.path().join(name)).expect("open input"))
            .output()
            .expect("lheo runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("« <entrée standard> » {said}")),
            "{stderr}"
        );
    }
    let mut expected = vec!["binaire.xml".to_owned(), "vide.xml".to_owned()];
    expected.sort();
    assert_eq!(names(dir.path()), expected);
}

#[test]
fn hostile_feeds_exit_1_with_a_clear_diagnostic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = hostile_inputs(dir.path());
    for (name, bytes, _, _) in &inputs {
        fs::write(dir.path().join(name), bytes).expect("write input");
    }
    for (name, _, code, fr) in &inputs {
        // Human report: the code, the French message, the file; a summary line.
        let (status, stdout, stderr) = run_in(dir.path(), &["validate", name]);
        assert_eq!(status, 1, "{name}: {stdout}{stderr}");
        assert!(stdout.contains(&format!("[{code}]")), "{name}: {stdout}");
        assert!(stdout.contains(fr), "{name}: « {fr} » not in {stdout}");
        assert!(stdout.contains(&format!("{name} : invalide")), "{stdout}");
        assert!(
            !stdout.contains(SECRET) && !stdout.contains("root:x:"),
            "{stdout}"
        );
        // JSON report, every profile, in English.
        for profile in ["xsd", "lheo", "france-travail"] {
            let (status, stdout, stderr) = run_in(
                dir.path(),
                &[
                    "validate",
                    "--format",
                    "json",
                    "--lang",
                    "en",
                    "--profile",
                    profile,
                    name,
                ],
            );
            assert_eq!(status, 1, "{name} {profile}: {stderr}");
            let json = assert_matches_schema("validate-report.schema.json", &stdout);
            let file = &json["files"][0];
            assert_eq!(file["valid"], false);
            let diagnostics = file["diagnostics"].as_array().expect("diagnostics");
            assert!(
                diagnostics.iter().any(|d| d["code"] == *code),
                "{name} {profile}: {stdout:.500}"
            );
            assert!(!stdout.contains(SECRET), "{name}: leaked");
        }
        // JUnit report: well-formed XML whatever the input held.
        let (status, stdout, _) = run_in(dir.path(), &["validate", "--format", "junit", name]);
        assert_eq!(status, 1, "{name}");
        let junit = roxmltree::Document::parse(&stdout)
            .unwrap_or_else(|e| panic!("{name}: JUnit not well-formed ({e})"));
        assert!(
            junit.descendants().any(|n| n.has_tag_name("failure")),
            "{name}"
        );
    }
    // Only what the test wrote is in the folder.
    let mut expected: Vec<String> = inputs.iter().map(|(n, ..)| n.to_string()).collect();
    expected.extend(["evil.dtd".to_owned(), "secret.txt".to_owned()]);
    expected.sort();
    assert_eq!(names(dir.path()), expected);
}

#[test]
fn hostile_feeds_on_the_standard_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = hostile_inputs(dir.path());
    for (name, bytes, code, _) in inputs
        .iter()
        .filter(|(n, ..)| matches!(*n, "laughs.xml" | "profond.xml" | "xxe.xml"))
    {
        let path = dir.path().join(name);
        fs::write(&path, bytes).expect("write input");
        let out = Command::new(env!("CARGO_BIN_EXE_lheo"))
            .args(["validate", "-"])
            .env("NO_COLOR", "1")
            .stdin(fs::File::open(&path).expect("open input"))
            .output()
            .expect("lheo runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        assert!(stdout.contains(&format!("[{code}]")), "{name}: {stdout}");
    }
}

#[test]
fn a_failed_import_writes_nothing_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = hostile_inputs(dir.path());
    fs::write(dir.path().join("sortie.xml"), "ancienne sortie").expect("old output");
    for (name, bytes, code, _) in inputs.iter().filter(|(n, ..)| {
        matches!(
            *n,
            "laughs.xml" | "tronque.xml" | "texte-50-mo.xml" | "profond.xml" | "xxe.xml"
        )
    }) {
        fs::write(dir.path().join(name), bytes).expect("write input");
        for out in ["sortie.xml", "nouvelle.xml"] {
            let (status, stdout, stderr) = run_in(dir.path(), &["import", name, "-o", out]);
            assert_eq!(status, 1, "{name}: {stdout}{stderr}");
            assert!(stdout.contains(&format!("[{code}]")), "{name}: {stdout}");
            assert!(
                stderr.contains(&format!("« {out} » n'a pas été écrit")),
                "{stderr}"
            );
        }
        assert!(!dir.path().join("nouvelle.xml").exists(), "{name}");
        assert_eq!(
            fs::read_to_string(dir.path().join("sortie.xml")).expect("old output"),
            "ancienne sortie"
        );
        // No temporary file left behind.
        assert!(
            names(dir.path()).iter().all(|n| !n.starts_with('.')),
            "{:?}",
            names(dir.path())
        );
    }
}

#[test]
fn unreadable_paths_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("dossier.xml")).expect("folder");
    for args in [
        &["validate", "absent.xml"][..],
        &["validate", "dossier.xml"],
        &["validate", "--format", "json", "absent.xml"],
        &["import", "absent.xml", "-o", "s.xml"],
        &["import", "dossier.xml", "-o", "s.xml"],
        &["export", "absent.xml", "-o", "s.xlsx"],
        &["export", "dossier.xml", "-o", "s.xlsx"],
        &["validate", "absent.xlsx"],
    ] {
        let (status, stdout, stderr) = run_in(dir.path(), args);
        assert_eq!(status, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.starts_with("lheo: impossible de lire"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(names(dir.path()), ["dossier.xml"]);
}

#[test]
fn no_command_writes_onto_its_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("flux.xml"), fixture("exemple.xml")).expect("feed");
    let (status, ..) = run_in(dir.path(), &["export", "flux.xml", "-o", "flux.xlsx"]);
    assert_eq!(status, 0);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("flux.xml", dir.path().join("lien.xml")).expect("symlink");
        fs::hard_link(dir.path().join("flux.xlsx"), dir.path().join("dur.xlsx")).expect("link");
    }
    let before: Vec<(String, Vec<u8>)> = names(dir.path())
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.path().join(&n)).expect("read");
            (n, bytes)
        })
        .collect();
    let mut cases = vec![
        vec!["import", "flux.xml", "-o", "flux.xml"],
        vec!["import", "flux.xml", "-o", "./flux.xml"],
        vec!["import", "flux.xlsx", "-o", "flux.xlsx"],
        vec!["export", "flux.xml", "-o", "flux.xml"],
        vec!["export", "flux.xlsx", "-o", "flux.xlsx"],
    ];
    if cfg!(unix) {
        cases.push(vec!["import", "flux.xml", "-o", "lien.xml"]);
        cases.push(vec!["export", "lien.xml", "-o", "flux.xml"]);
        cases.push(vec!["import", "flux.xlsx", "-o", "dur.xlsx"]);
    }
    for args in &cases {
        let (status, stdout, stderr) = run_in(dir.path(), args);
        assert_eq!(status, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.starts_with("lheo: "), "{args:?}: {stderr}");
    }
    for (name, bytes) in before {
        assert_eq!(
            fs::read(dir.path().join(&name)).expect("read"),
            bytes,
            "{name}"
        );
    }
}

#[test]
fn unusual_but_legal_feeds_validate_and_import_like_the_plain_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = String::from_utf8(fixture("exemple.xml")).expect("UTF-8");
    let variants = encoded_variants(&plain);
    for (name, bytes) in &variants {
        fs::write(dir.path().join(name), bytes).expect("write variant");
        let (status, stdout, stderr) = run_in(
            dir.path(),
            &[
                "validate",
                "--profile",
                "france-travail",
                "--today",
                "2026-01-15",
                name,
            ],
        );
        assert_eq!(status, 0, "{name}: {stdout}{stderr}");
        let out = format!("sortie-{name}");
        let (status, stdout, stderr) = run_in(dir.path(), &["import", name, "-o", &out]);
        assert_eq!(status, 0, "{name}: {stdout}{stderr}");
    }
    // Every variant imports to the same bytes.
    let expected = fs::read(dir.path().join("sortie-plain.xml")).expect("plain output");
    for (name, _) in &variants {
        let got = fs::read(dir.path().join(format!("sortie-{name}"))).expect("output");
        assert!(got == expected, "{name} imports differently");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn endless_devices_are_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    for device in ["/dev/zero", "/dev/urandom"] {
        for args in [
            vec!["validate", device],
            vec!["validate", "--format", "json", device],
            vec!["import", device, "-o", "sortie.xml"],
            vec!["export", device, "-o", "sortie.xlsx"],
            vec!["diff", device, device],
        ] {
            let (status, stdout, stderr) = run_in(dir.path(), &args);
            assert_eq!(status, 2, "{args:?}: {stdout}{stderr}");
            assert!(
                stderr.contains("est un fichier binaire"),
                "{args:?}: {stderr}"
            );
        }
    }
    assert!(names(dir.path()).is_empty());
}
