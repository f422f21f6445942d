//! `lheo referentiels PATH…` and `--referentiels` on `validate` and `import`, with the real
//! samples of `../shared/referentiels/`.

mod common;

use std::path::PathBuf;

use common::{assert_matches_schema, lheo_in, output, workspace};

fn samples() -> Option<PathBuf> {
    let dir = workspace().join("../shared/referentiels");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("LHEO_REQUIRE_ORACLE=1 but {} is absent", dir.display());
    }
    eprintln!("skipped: {} is absent", dir.display());
    None
}

fn run_in_workspace(args: &[&str]) -> (i32, String, String) {
    output(lheo_in(&workspace()).args(args))
}

fn s(p: PathBuf) -> String {
    p.display().to_string()
}

#[test]
fn referentiels_says_what_was_recognised() {
    let Some(dir) = samples() else { return };
    let zip = s(dir.join("france_competences_csv/export-fiches-csv-2024-02-22.continuity_fix.zip"));
    let rome = s(dir.join("rome"));
    let (code, out, err) = run_in_workspace(&["referentiels", &zip, &rome]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "RNCP : export CSV France Compétences du 22/02/2024, 7 fiches (0 actives), 6 blocs"
        ),
        "{out}"
    );
    assert!(
        out.contains("RS : export CSV France Compétences du 22/02/2024, 2 fiches (2 actives)"),
        "{out}"
    );
    assert!(out.contains("1\u{202f}584 codes"), "{out}");
    assert!(
        out.contains("ignoré : ") && out.contains("VoixdAccès"),
        "{out}"
    );
    assert!(out.contains("Formacode V14 : non vérifié"), "{out}");

    let (code, out, _) = run_in_workspace(&["referentiels", "--lang", "en", &zip]);
    assert_eq!(code, 0);
    assert!(
        out.contains("RNCP : export CSV France Compétences of 2024-02-22"),
        "{out}"
    );
}

#[test]
fn an_unrecognised_file_is_named() {
    let Some(dir) = samples() else { return };
    let md = s(dir.join("SOURCES.md"));
    let tmp = tempfile::tempdir().unwrap();
    let out_xml = s(tmp.path().join("out.xml"));
    for args in [
        vec!["referentiels", md.as_str()],
        vec![
            "validate",
            "--referentiels",
            md.as_str(),
            "fixtures/minimal.xml",
        ],
        vec![
            "import",
            "--referentiels",
            md.as_str(),
            "fixtures/minimal.xml",
            "-o",
            out_xml.as_str(),
        ],
    ] {
        let (code, out, err) = run_in_workspace(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.starts_with("lheo: référentiel «"), "{err}");
        assert!(
            err.contains("SOURCES.md") && err.contains("non reconnu"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(!tmp.path().join("out.xml").exists());
}

#[test]
fn validate_json_lists_the_referentials() {
    let Some(dir) = samples() else { return };
    let xml = s(dir.join("france_competences_xml"));
    let zip = s(dir.join("france_competences_csv/export-fiches-csv-2024-02-22.sample.zip"));
    let (code, out, err) = run_in_workspace(&[
        "validate",
        "--format",
        "json",
        "--referentiels",
        &xml,
        "--referentiels",
        &zip,
        "fixtures/referentiels/REF-RS-INACTIF.xml",
        "fixtures/referentiels/valide.xml",
    ]);
    assert_eq!(code, 1, "{err}");
    let json = assert_matches_schema("validate-report.schema.json", &out);
    let files = json["files"].as_array().unwrap();
    // The CSV export (dated 2024-02-22) replaces the undated XML fixtures: RS5000 is active
    // in it, inactive in the XML one (a newer state), so the finding comes from the CSV.
    let refs = files[0]["referentiels"].as_array().unwrap();
    let used: Vec<_> = refs
        .iter()
        .filter(|r| r["used"] == true)
        .map(|r| (r["kind"].as_str().unwrap(), r["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        used,
        [
            ("rncp", "france-competences-csv"),
            ("rs", "france-competences-csv")
        ]
    );
    let old = refs.iter().find(|r| r["used"] == false).unwrap();
    assert_eq!(old["superseded_by"], zip.as_str());
    assert_eq!(old["date"], serde_json::Value::Null);
    assert_eq!(
        refs.iter().find(|r| r["used"] == true).unwrap()["date"],
        "2024-02-22"
    );
    let codes: Vec<_> = files[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // RS5000 is ACTIVE (until 24/05/2024) in the CSV sample: its session (2027) starts after.
    assert_eq!(codes, ["REF-RS-INACTIF"]);
    let message = files[0]["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("24/05/2024"), "{message}");
}

#[test]
fn import_refuses_a_feed_with_referential_errors() {
    let Some(dir) = samples() else { return };
    let xml = s(dir.join("france_competences_xml"));
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.xml");
    let good = tmp.path().join("good.xml");
    let (code, out, _) = run_in_workspace(&[
        "import",
        "--referentiels",
        &xml,
        "fixtures/referentiels/REF-RNCP-INCONNU.xml",
        "-o",
        &s(bad.clone()),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REF-RNCP-INCONNU"), "{out}");
    assert!(!bad.exists());
    let (code, out, err) = run_in_workspace(&[
        "import",
        "--referentiels",
        &xml,
        "fixtures/referentiels/valide.xml",
        "-o",
        &s(good.clone()),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(good.exists());
}
