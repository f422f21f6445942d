//! `lheo validate`: human, JSON and JUnit reports, exit codes, files and stdin.
//!
//! The inputs are in `tests/data/` and the commands run from there, so reports show short
//! relative names. `--today` is fixed wherever a date rule could apply.

mod common;

use std::fmt::Write as _;
use std::fs;

use common::{assert_matches_schema, data_dir, lheo, lheo_in, output, run};

/// Exit code, stdout and stderr in one snapshot.
fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    format_transcript(code, &stdout, &stderr)
}

fn format_transcript(code: i32, stdout: &str, stderr: &str) -> String {
    let mut s = format!("exit: {code}\n--- stdout\n{stdout}");
    if !stderr.is_empty() {
        let _ = write!(s, "--- stderr\n{stderr}");
    }
    s
}

// ---------------------------------------------------------------- human output, exit codes

#[test]
fn valid_file_exits_0() {
    let (code, stdout, stderr) = run(&["validate", "valide-2.3.xml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "valide-2.3.xml : valide (0 erreur, 0 avertissement)\n"
    );
    assert_eq!(stderr, "");
}

#[test]
fn malformed_xml_exits_1_with_the_line_and_a_caret() {
    let t = transcript(&["validate", "malforme.xml"]);
    assert!(t.starts_with("exit: 1\n"), "{t}");
    assert!(t.contains("erreur[XML-MALFORME]: "), "{t}");
    assert!(t.contains(" --> malforme.xml:9:"), "{t}");
    assert!(
        t.contains("9 |       <objectif-formation>Lire et écrire"),
        "{t}"
    );
    assert!(
        t.contains("malforme.xml : invalide (1 erreur, 0 avertissement)"),
        "{t}"
    );
    insta::assert_snapshot!("human_malformed", t);
}

#[test]
fn documents_that_are_not_lheo_2() {
    let t = transcript(&[
        "validate",
        "lheo-1.3.xml",
        "sans-espace-de-noms.xml",
        "edof.xml",
        "vide.xml",
    ]);
    // A feed without its namespace is a feed to fix (exit 1); an LHEO 1.x feed, an EDOF
    // catalogue and an empty file are not feeds at all: each is refused with what it is
    // (exit 2).
    assert!(t.starts_with("exit: 2\n"), "{t}");
    assert!(t.contains("sans-espace-de-noms.xml : invalide ("), "{t}");
    assert!(
        t.contains("lheo: « lheo-1.3.xml » est un document LHEO 1.x"),
        "{t}"
    );
    assert!(
        t.contains("lheo: « edof.xml » est un catalogue EDOF"),
        "{t}"
    );
    assert!(t.contains("lheo: « vide.xml » est un fichier vide"), "{t}");
    insta::assert_snapshot!("human_not_lheo_2", t);
}

#[test]
fn english_messages_with_lang_en() {
    let t = transcript(&[
        "validate",
        "--lang",
        "en",
        "sans-espace-de-noms.xml",
        "valide-2.2.xml",
    ]);
    assert!(t.contains("error[XSD-RACINE]: "), "{t}");
    assert!(t.contains("= path: /lheo"), "{t}");
    assert!(
        t.contains("sans-espace-de-noms.xml: invalid (1 error, 0 warnings)"),
        "{t}"
    );
    assert!(
        t.contains("valide-2.2.xml: valid (0 errors, 0 warnings, 1 info)"),
        "{t}"
    );
    assert!(t.contains("2 files: 1 valid, 1 invalid"), "{t}");
    insta::assert_snapshot!("human_english", t);
}

#[test]
fn a_2_2_feed_gets_a_version_note_and_stays_valid() {
    let t = transcript(&["validate", "valide-2.2.xml"]);
    assert!(t.starts_with("exit: 0\n"), "{t}");
    assert!(
        t.contains("info[LHEO-VERSION]: document LHEO 2.2 lu comme LHEO 2.3"),
        "{t}"
    );
    insta::assert_snapshot!("human_version_note", t);
}

#[test]
fn warnings_pass_unless_denied() {
    // Under france-travail the feed's session offers no 7/8/9 recruitment: one warning.
    let args = [
        "validate",
        "--profile",
        "france-travail",
        "--today",
        "2025-06-01",
        "valide-2.3.xml",
    ];
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("avertissement[FT-SESSION-MODALITE]"),
        "{stdout}"
    );
    assert!(stdout.contains("valide-2.3.xml : valide (0 erreur, 1 avertissement)"));

    let mut denied = args.to_vec();
    denied.push("--deny-warnings");
    let (code, stdout, _) = run(&denied);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains(
        "valide-2.3.xml : refusé, avertissements interdits par --deny-warnings (0 erreur, 1 avertissement)"
    ));
    insta::assert_snapshot!("human_deny_warnings", stdout);
}

#[test]
fn quiet_prints_only_summaries() {
    let t = transcript(&["validate", "-q", "malforme.xml", "valide-2.2.xml"]);
    assert_eq!(
        t,
        "exit: 1\n--- stdout\n\
         malforme.xml : invalide (1 erreur, 0 avertissement)\n\
         valide-2.2.xml : valide (0 erreur, 0 avertissement, 1 info)\n\
         2 fichiers : 1 valide, 1 invalide\n"
    );
}

#[test]
fn no_colour_when_not_a_terminal() {
    let mut cmd = lheo();
    cmd.env_remove("NO_COLOR")
        .args(["validate", "malforme.xml", "valide-2.2.xml"]);
    let (_, stdout, _) = output(&mut cmd);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
}

// ---------------------------------------------------------------- could not run: exit 2

#[test]
fn missing_file_is_one_clear_line_and_exit_2() {
    let t = transcript(&["validate", "absent.xml"]);
    assert_eq!(
        t,
        "exit: 2\n--- stdout\n--- stderr\nlheo: impossible de lire « absent.xml » : fichier introuvable\n"
    );
    let (code, _, stderr) = run(&["validate", "--lang", "en", "absent.xml"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "lheo: cannot read \"absent.xml\": file not found\n");
}

#[test]
fn a_directory_is_not_a_file() {
    let (code, stdout, stderr) = run(&["validate", "."]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "lheo: impossible de lire « . » : c'est un dossier, pas un fichier\n"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_exits_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.xml");
    fs::copy(data_dir().join("valide-2.3.xml"), &path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        eprintln!("skipped: running as a user who reads any file (root)");
        return;
    }
    let (code, _, stderr) = output(lheo_in(dir.path()).args(["validate", "secret.xml"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "lheo: impossible de lire « secret.xml » : permission refusée\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["validate", "--format", "xml", "valide-2.3.xml"],
        vec!["validate", "--profile", "pole-emploi", "valide-2.3.xml"],
        vec!["validate", "--today", "31/12/2025", "valide-2.3.xml"],
        vec!["validate", "--inconnu"],
        vec!["commande-inconnue"],
        vec![],
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(!stderr.is_empty(), "{args:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn help_is_in_french_and_version_prints() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Utilisation : lheo <COMMANDE>"), "{stdout}");
    assert!(stdout.contains("validate"), "{stdout}");
    let (code, stdout, _) = run(&["validate", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("--deny-warnings"), "{stdout}");
    assert!(
        stdout.contains("Traiter les avertissements comme des erreurs"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("lheo {}\n", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------- several files, stdin

#[test]
fn several_files_exit_with_the_worst() {
    assert_eq!(run(&["validate", "valide-2.3.xml", "valide-2.2.xml"]).0, 0);
    assert_eq!(run(&["validate", "valide-2.3.xml", "malforme.xml"]).0, 1);
    let (code, stdout, stderr) = run(&["validate", "malforme.xml", "absent.xml", "valide-2.3.xml"]);
    assert_eq!(code, 2);
    // The other files are still reported.
    assert!(stdout.contains("malforme.xml : invalide"), "{stdout}");
    assert!(stdout.contains("valide-2.3.xml : valide"), "{stdout}");
    assert!(
        stdout.ends_with("3 fichiers : 1 valide, 1 invalide, 1 illisible\n"),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "lheo: impossible de lire « absent.xml » : fichier introuvable\n"
    );
}

#[test]
fn stdin_with_dash_shows_excerpts_too() {
    let input = fs::read(data_dir().join("malforme.xml")).unwrap();
    let (code, stdout, stderr) = output(lheo().args(["validate", "-"]).write_stdin(input.clone()));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains(" --> <entrée standard>:9:"), "{stdout}");
    assert!(
        stdout.contains("9 |       <objectif-formation>"),
        "{stdout}"
    );
    assert!(
        stdout.contains("<entrée standard> : invalide (1 erreur"),
        "{stdout}"
    );
    insta::assert_snapshot!("human_stdin", stdout);

    // Without any file argument, a piped stdin is read.
    let (code, stdout, _) = output(lheo().args(["validate", "-q"]).write_stdin(input));
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "<entrée standard> : invalide (1 erreur, 0 avertissement)\n"
    );

    let valid = fs::read(data_dir().join("valide-2.3.xml")).unwrap();
    let (code, stdout, _) = output(
        lheo()
            .args(["validate", "--format", "json", "-"])
            .write_stdin(valid),
    );
    assert_eq!(code, 0);
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    assert_eq!(json["files"][0]["file"], "<stdin>");
}

#[test]
fn stdin_can_be_given_once() {
    let (code, _, stderr) = output(lheo().args(["validate", "-", "-"]).write_stdin("<a/>"));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "lheo: « - » (l'entrée standard) ne peut être donné qu'une fois\n"
    );
}

// ---------------------------------------------------------------- long inputs

/// A feed with `n` sessions whose registration address lacks its INSEE code: under
/// france-travail, one error and one warning per session.
fn many_findings(n: usize) -> String {
    let valid = fs::read_to_string(data_dir().join("valide-2.3.xml")).unwrap();
    let start = valid.find("        <session ").unwrap();
    let end = valid.find("</session>").unwrap() + "</session>\n".len();
    let session = valid[start..end].replace(
        "              <code-INSEE-commune>75102</code-INSEE-commune>\n",
        "",
    );
    let mut feed = valid[..start].to_owned();
    for _ in 0..n {
        feed.push_str(&session);
    }
    feed.push_str(&valid[end..]);
    feed
}

#[test]
fn human_output_is_capped_per_rule_but_counts_are_complete() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("gros.xml"), many_findings(150)).unwrap();
    let args = [
        "validate",
        "--profile",
        "france-travail",
        "--today",
        "2025-06-01",
        "gros.xml",
    ];
    let (code, stdout, _) = output(lheo_in(dir.path()).args(args));
    assert_eq!(code, 1);
    let shown = |stdout: &str, code: &str| stdout.matches(&format!("[{code}]: ")).count();
    // 20 of each rule, errors first.
    assert_eq!(shown(&stdout, "FT-ADR-INSEE"), 20, "{stdout}");
    assert_eq!(shown(&stdout, "FT-SESSION-MODALITE"), 20, "{stdout}");
    assert!(
        stdout.find("erreur[FT-ADR-INSEE]") < stdout.find("avertissement[FT-SESSION-MODALITE]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("… et 130 autres FT-ADR-INSEE (erreur) non affichés : les 20 premiers sont affichés (--max-per-rule 0 pour tout afficher)"),
        "{stdout}"
    );
    // The table per rule, then the totals.
    assert!(
        stdout.contains(
            "FT-ADR-INSEE         erreur            150        20  ligne 46, formation n° F-0001"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("gros.xml : invalide (150 erreurs, 150 avertissements)\n"),
        "{stdout}"
    );

    // --max-per-rule 0: everything; --max-per-rule 3: three of each.
    let (_, all, _) = output(lheo_in(dir.path()).args(args).args(["--max-per-rule", "0"]));
    assert_eq!(shown(&all, "FT-ADR-INSEE"), 150);
    assert_eq!(shown(&all, "FT-SESSION-MODALITE"), 150);
    assert!(!all.contains("non affichés"), "{all}");
    let (_, three, _) = output(lheo_in(dir.path()).args(args).args(["--max-per-rule", "3"]));
    assert_eq!(shown(&three, "FT-ADR-INSEE"), 3);

    // --severity error: no warning shown, the same counts and exit code.
    let (code, errors, _) = output(lheo_in(dir.path()).args(args).args(["--severity", "error"]));
    assert_eq!(code, 1);
    assert_eq!(shown(&errors, "FT-SESSION-MODALITE"), 0, "{errors}");
    assert!(
        errors.contains("… et 150 avertissements non affichés (--severity error)"),
        "{errors}"
    );
    assert!(errors.ends_with("gros.xml : invalide (150 erreurs, 150 avertissements)\n"));

    let mut json_args = args.to_vec();
    json_args.insert(1, "--format=json");
    let (_, stdout, _) = output(lheo_in(dir.path()).args(json_args));
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    assert_eq!(
        json["files"][0]["diagnostics"].as_array().unwrap().len(),
        300
    );
}

/// `n` offers (numbered `F-0000`…) of `valide-2.3.xml`, the one numbered `bad` without the
/// INSEE code of its addresses.
fn many_offers(n: usize, bad: usize) -> String {
    let valid = fs::read_to_string(data_dir().join("valide-2.3.xml")).unwrap();
    let start = valid.find("    <formation ").unwrap();
    let end = valid.find("</formation>").unwrap() + "</formation>\n".len();
    let offer = &valid[start..end];
    let mut feed = valid[..start].to_owned();
    for i in 0..n {
        let mut o = offer.replace("numero=\"F-0001\"", &format!("numero=\"F-{i:04}\""));
        if i == bad {
            o = o.replace(
                "<intitule-formation>Français langue d'intégration</intitule-formation>",
                "<intitule-formation>Soudeur &amp; chaudronnier</intitule-formation>",
            );
            let insee = "<code-INSEE-commune>75102</code-INSEE-commune>";
            let first = o.find(insee).unwrap();
            o.replace_range(first..first + insee.len(), "");
        }
        feed.push_str(&o);
    }
    feed.push_str(&valid[end..]);
    feed
}

#[test]
fn thousands_of_warnings_cannot_hide_an_error_which_is_shown_under_its_offer() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("national.xml"), many_offers(5000, 4321)).unwrap();
    let (code, stdout, _) = output(lheo_in(dir.path()).args([
        "validate",
        "--profile",
        "france-travail",
        "--today",
        "2025-06-01",
        "national.xml",
    ]));
    assert_eq!(code, 1, "{stdout}");
    let heading = stdout
        .lines()
        .find(|l| l.starts_with("=== formation n° F-4321"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        heading.starts_with("=== formation n° F-4321 « Soudeur & chaudronnier », ligne "),
        "{heading}"
    );
    // The offer with the error comes first, and the error right under its heading.
    let at = stdout.find(heading).unwrap();
    assert!(stdout[..at].find("[FT-").is_none(), "{stdout}");
    assert!(
        stdout[at..]
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("erreur[FT-ADR-INSEE]: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("… et 4980 autres FT-SESSION-MODALITE (avertissement) non affichés"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("national.xml : invalide (1 erreur, 5000 avertissements)\n"),
        "{stdout}"
    );
}

#[test]
fn a_very_long_line_is_shown_around_the_column() {
    // A one-line feed (as national exports often are) with an error at its end.
    let valid = fs::read_to_string(data_dir().join("valide-2.3.xml")).unwrap();
    let one_line: String = valid
        .lines()
        .skip(1)
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("");
    let broken = one_line.replace("</lheo>", "</lheo-fin>");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("une-ligne.xml"), &broken).unwrap();
    let (code, stdout, _) = output(lheo_in(dir.path()).args(["validate", "une-ligne.xml"]));
    assert_eq!(code, 1);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("1 | "))
        .unwrap_or_else(|| panic!("no excerpt: {stdout}"));
    assert!(line.starts_with("1 | …"), "{line}");
    assert!(line.chars().count() < 140, "{line}");
    assert!(line.contains("</lheo-fin>"), "{line}");
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_is_one_document_matching_its_schema() {
    let (code, stdout, stderr) = run(&[
        "validate",
        "--format",
        "json",
        "valide-2.3.xml",
        "valide-2.2.xml",
        "malforme.xml",
        "sans-espace-de-noms.xml",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "");
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["version"], "2.3");
    assert_eq!(files[1]["version"], "2.2");
    assert_eq!(files[1]["counts"]["info"], 1);
    assert_eq!(files[2]["valid"], false);
    assert_eq!(files[2]["diagnostics"][0]["code"], "XML-MALFORME");
    assert_eq!(files[2]["diagnostics"][0]["line"], 9);
    assert!(files[3]["version"].is_null());
    let pretty = serde_json::to_string_pretty(&json).unwrap();
    insta::assert_snapshot!("json_report", pretty);
}

#[test]
fn json_messages_follow_lang_and_valid_follows_deny_warnings() {
    let (code, stdout, _) = run(&[
        "validate",
        "--format",
        "json",
        "--lang",
        "en",
        "--profile",
        "france-travail",
        "--today",
        "2025-06-01",
        "--deny-warnings",
        "valide-2.3.xml",
    ]);
    assert_eq!(code, 1);
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    let file = &json["files"][0];
    assert_eq!(file["profile"], "france-travail");
    assert_eq!(file["valid"], false);
    assert_eq!(file["counts"]["warning"], 1);
    let d = &file["diagnostics"][0];
    assert_eq!(d["code"], "FT-SESSION-MODALITE");
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("session without"),
        "{d}"
    );
}

#[test]
fn json_leaves_unreadable_files_to_stderr() {
    let (code, stdout, stderr) = run(&[
        "validate",
        "--format",
        "json",
        "absent.xml",
        "valide-2.3.xml",
    ]);
    assert_eq!(code, 2);
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    assert_eq!(json["files"].as_array().unwrap().len(), 1);
    assert!(stderr.contains("absent.xml"), "{stderr}");
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_is_well_formed_with_one_suite_per_file() {
    let (code, stdout, _) = run(&[
        "validate",
        "--format",
        "junit",
        "valide-2.2.xml",
        "malforme.xml",
    ]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&stdout).expect("JUnit is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].attribute("name"), Some("valide-2.2.xml"));
    assert_eq!(suites[0].attribute("failures"), Some("0"));
    assert_eq!(suites[1].attribute("failures"), Some("1"));
    let failure = suites[1]
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    let case = failure.parent().unwrap();
    assert!(case.attribute("name").unwrap().starts_with("XML-MALFORME"));
    // The message, with its < and >, survived escaping.
    assert!(failure.text().unwrap().contains("</formation-objectif>"));
    insta::assert_snapshot!("junit_report", stdout);
}

#[test]
fn junit_warnings_fail_only_when_denied() {
    let base = [
        "validate",
        "--format",
        "junit",
        "--profile",
        "france-travail",
        "--today",
        "2025-06-01",
        "valide-2.3.xml",
    ];
    let (code, stdout, _) = run(&base);
    assert_eq!(code, 0);
    let doc = roxmltree::Document::parse(&stdout).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert!(stdout.contains("<system-out>"), "{stdout}");

    let mut denied = base.to_vec();
    denied.push("--deny-warnings");
    let (code, stdout, _) = run(&denied);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&stdout).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    assert!(stdout.contains(r#"<failure type="warning""#), "{stdout}");
}

#[test]
fn json_findings_name_their_offer_in_feeds_and_workbooks() {
    let feed = common::workspace().join("fixtures/france-travail/FT-RDV-PLAGE.xml");
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("offres.xlsx");
    let (code, _, stderr) = output(lheo().args([
        "export",
        feed.to_str().unwrap(),
        "-o",
        book.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(&[
        "validate",
        "--profile",
        "france-travail",
        "--today",
        "2026-11-01",
        "--format",
        "json",
        feed.to_str().unwrap(),
        book.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    for (file, place) in json["files"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["line", "cell"])
    {
        let findings = file["diagnostics"].as_array().unwrap();
        assert!(!findings.is_empty());
        for d in findings {
            let record = &d["record"];
            assert_eq!(record["element"], "formation", "{d}");
            assert_eq!(record["numero"], "FT-F1", "{d}");
            assert_eq!(
                record["title"], "Titre professionnel agent magasinier",
                "{d}"
            );
            assert_eq!(record["path"], "/lheo/offres/formation[1]", "{d}");
            assert!(!record[place].is_null(), "{d}");
        }
    }
}
