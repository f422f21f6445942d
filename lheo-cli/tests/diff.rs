//! `lheo diff`: exit codes, human and JSON reports (snapshots, JSON Schema), ignore rules,
//! standard input, LHEO 2.2 against its 2.3 import, and workbooks on either side.
//!
//! `tests/data/diff/ancien.xml` is the bundled example feed; `nouveau.xml` is the next day's
//! feed: one formation gone, one new, a session's end date moved, a recruitment slot
//! replaced, another with fewer places, an attribute and an extension changed, the
//! formations reordered, one re-indented with its attributes in another order.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use common::{assert_matches_schema, lheo, lheo_in, output, run};

fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    let mut s = format!("exit: {code}\n--- stdout\n{stdout}");
    if !stderr.is_empty() {
        let _ = write!(s, "--- stderr\n{stderr}");
    }
    s
}

const OLD: &str = "diff/ancien.xml";
const NEW: &str = "diff/nouveau.xml";

#[test]
fn identical_feeds_exit_0() {
    let (code, stdout, stderr) = run(&["diff", OLD, OLD]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(
        stdout,
        "Aucune différence : « diff/ancien.xml » et « diff/ancien.xml » portent les mêmes données.\n"
    );
    let (code, stdout, _) = run(&["diff", OLD, OLD, "--format", "json"]);
    assert_eq!(code, 0);
    let v = assert_matches_schema("diff-report.schema.json", &stdout);
    assert_eq!(v["changes"], serde_json::json!([]));
}

#[test]
fn human_report_grouped_by_formation() {
    let t = transcript(&["diff", OLD, NEW]);
    assert!(t.starts_with("exit: 1\n"), "{t}");
    assert!(
        t.contains("~ formation 28_F0012034 « Titre professionnel Secrétaire assistant »"),
        "{t}"
    );
    assert!(t.contains("  ~ session 28_S0078311 (action[1]/session[1])\n      periode/fin : 20271022 → 20271105"), "{t}");
    assert!(
        t.contains(": 2 ajouts, 2 suppressions, 6 modifications"),
        "{t}"
    );
    assert!(
        !t.contains("\u{1b}["),
        "no colour when not on a terminal: {t}"
    );
    insta::assert_snapshot!("diff_human", t);
}

#[test]
fn human_report_in_english() {
    let t = transcript(&[
        "diff",
        OLD,
        NEW,
        "--lang",
        "en",
        "--ignore",
        "horodatage-export",
    ]);
    assert!(t.starts_with("exit: 1\n"), "{t}");
    assert!(!t.contains("document (lheo)"), "{t}");
    insta::assert_snapshot!("diff_human_english", t);
}

#[test]
fn json_report_follows_its_schema() {
    let (code, stdout, stderr) = run(&["diff", OLD, NEW, "--format", "json"]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    let v = assert_matches_schema("diff-report.schema.json", &stdout);
    assert_eq!(
        v["summary"],
        serde_json::json!({"added": 2, "removed": 2, "changed": 6})
    );
    let session = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["entity"] == "session")
        .expect("the session change");
    assert_eq!(
        session["path"],
        "/lheo/offres/formation[2]/action[1]/session[1]"
    );
    assert_eq!(
        session["old_path"],
        "/lheo/offres/formation[1]/action[1]/session[1]"
    );
    assert_eq!(session["record"]["key"], "28_F0012034");
    assert_eq!(
        session["fields"],
        serde_json::json!([{"path": "periode/fin", "old": "20271022", "new": "20271105"}])
    );
    insta::assert_snapshot!("diff_json", stdout);
}

#[test]
fn ignore_rules_remove_noise_and_typos_are_refused() {
    let (code, stdout, _) = run(&[
        "diff",
        OLD,
        NEW,
        "--ignore",
        "horodatage-export",
        "--ignore",
        "formation/@datemaj",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v = assert_matches_schema("diff-report.schema.json", &stdout);
    assert_eq!(v["summary"]["changed"], 4, "{stdout}");

    let (code, stdout, stderr) = run(&["diff", OLD, NEW, "--ignore", "horodatage-exprt"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "lheo: règle --ignore « horodatage-exprt » : « horodatage-exprt » n'est pas un nom d'élément ni d'attribut de LHEO 2.3\n"
    );
}

#[test]
fn quiet_prints_the_summary_only() {
    let (code, stdout, _) = run(&["diff", OLD, NEW, "--quiet"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "Différences entre « diff/ancien.xml » et « diff/nouveau.xml » : 2 ajouts, 2 suppressions, 6 modifications\n"
    );
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let (code, stdout, stderr) = run(&["diff", OLD, "absent.xml"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "lheo: impossible de lire « absent.xml » : fichier introuvable\n"
    );
    let (code, stdout, stderr) = run(&["diff", "malforme.xml", OLD, "--format", "json"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.starts_with("lheo: « malforme.xml » : ligne 9 : "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, _, stderr) = run(&["diff", "lheo-1.3.xml", OLD]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&["diff", "-", "-"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn standard_input_on_either_side() {
    let old = std::fs::read(common::data_dir().join(OLD)).expect("fixture");
    let (code, stdout, stderr) =
        output(lheo().args(["diff", "-", NEW, "--quiet"]).write_stdin(old));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.starts_with("Différences entre « <entrée standard> » et"),
        "{stdout}"
    );
}

#[test]
fn a_2_2_feed_and_its_import_have_the_same_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let imported = dir.path().join("importe.xml");
    let src = common::data_dir().join("valide-2.2.xml");
    let (code, _, stderr) = output(lheo_in(dir.path()).args([
        "import",
        src.to_str().expect("path"),
        "-o",
        "importe.xml",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = output(lheo_in(dir.path()).args([
        "diff",
        src.to_str().expect("path"),
        imported.to_str().expect("path"),
        "--exact-whitespace",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

fn change_set(json: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn workbooks_on_either_side() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = common::data_dir();
    let (old, new) = (data.join(OLD), data.join(NEW));
    let (code, _, stderr) = output(lheo_in(dir.path()).args([
        "export",
        old.to_str().expect("path"),
        "-o",
        "ancien.xlsx",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let xlsx = dir.path().join("ancien.xlsx");
    let (code, stdout, stderr) = output(lheo().args(["diff", xlsx.to_str().expect("path"), OLD]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The workbook against the new feed: the changes the XML gives.
    let (code, from_xlsx, stderr) = output(lheo().args([
        "diff",
        xlsx.to_str().expect("path"),
        new.to_str().expect("path"),
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let (_, from_xml, _) = run(&["diff", OLD, NEW, "--format", "json"]);
    assert_eq!(change_set(&from_xlsx), change_set(&from_xml));
}
