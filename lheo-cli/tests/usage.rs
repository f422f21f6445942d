//! Usage errors and help in the user's language: French by default, English with `--lang en`
//! or an English locale (`LANG=en_GB.UTF-8`…), exit code 2 for an error, 0 for help.

mod common;

use std::fmt::Write as _;

use common::{lheo, output};

/// Exit code, stdout and stderr of `lheo args` with `env` set.
fn transcript(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = lheo();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = output(&mut cmd);
    let mut s = format!("$ lheo {}\nexit: {code}\n", args.join(" "));
    if !stdout.is_empty() {
        let _ = write!(s, "--- stdout\n{stdout}");
    }
    if !stderr.is_empty() {
        let _ = write!(s, "--- stderr\n{stderr}");
    }
    s
}

/// Usage errors of each kind.
const ERRORS: [&[&str]; 6] = [
    &["import", "offres.xlsx"],
    &["validat", "offres.xml"],
    &["validate", "--profil", "xsd", "offres.xml"],
    &["validate", "--format", "xml", "offres.xml"],
    &["validate", "--today", "31/01/2027", "offres.xml"],
    &["diff", "hier.xml"],
];

#[test]
fn usage_errors_in_french() {
    let mut all = String::new();
    for args in ERRORS {
        let t = transcript(args, &[]);
        assert!(t.contains("exit: 2\n--- stderr\nerreur : "), "{t}");
        assert!(
            t.contains("Pour plus d'informations, essayez « --help »."),
            "{t}"
        );
        assert!(!t.contains("error:") && !t.contains("Usage:"), "{t}");
        all.push_str(&t);
        all.push('\n');
    }
    insta::assert_snapshot!("usage_errors_fr", all);
}

#[test]
fn usage_errors_in_english() {
    let mut all = String::new();
    for args in ERRORS {
        let mut english = args.to_vec();
        english.extend(["--lang", "en"]);
        let t = transcript(&english, &[]);
        assert!(t.contains("exit: 2\n--- stderr\nerror: "), "{t}");
        assert!(t.contains("For more information, try '--help'."), "{t}");
        all.push_str(&t);
        all.push('\n');
        // The locale says the same.
        let by_locale = transcript(args, &[("LANG", "en_GB.UTF-8")]);
        assert!(by_locale.contains("--- stderr\nerror: "), "{by_locale}");
    }
    insta::assert_snapshot!("usage_errors_en", all);
}

#[test]
fn help_in_each_language() {
    let fr = transcript(&["import", "--help"], &[]);
    assert!(fr.starts_with("$ lheo import --help\nexit: 0\n"), "{fr}");
    assert!(fr.contains("\nUtilisation : lheo import"), "{fr}");
    assert!(fr.contains("Afficher l'aide"), "{fr}");
    let en = transcript(&["import", "--help"], &[("LC_ALL", "en_US.UTF-8")]);
    assert!(en.contains("\nUsage: lheo import"), "{en}");
    assert!(en.contains("Print help"), "{en}");
    assert!(en.contains("never an input"), "{en}");
    // --lang fr wins over an English locale; LC_ALL over LANG.
    let t = transcript(
        &["import", "--help", "--lang", "fr"],
        &[("LANG", "en_US.UTF-8")],
    );
    assert!(t.contains("Utilisation :"), "{t}");
    let t = transcript(
        &["import", "--help"],
        &[("LANG", "en_US.UTF-8"), ("LC_ALL", "fr_FR.UTF-8")],
    );
    assert!(t.contains("Utilisation :"), "{t}");
    insta::assert_snapshot!("help_en", en);
}

#[test]
fn the_locale_sets_the_language_of_every_message() {
    let (code, _, stderr) = output(
        lheo()
            .args(["validate", "absent.xml"])
            .env("LANG", "en_US.UTF-8"),
    );
    assert_eq!(code, 2);
    assert_eq!(stderr, "lheo: cannot read \"absent.xml\": file not found\n");
}
