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
        out.contains("RNCP: export CSV France Compétences of 2024-02-22"),
        "{out}"
    );
}

#[test]
fn referentiels_json_says_what_was_recognised() {
    let Some(dir) = samples() else { return };
    let zip = s(dir.join("france_competences_csv/export-fiches-csv-2024-02-22.continuity_fix.zip"));
    let xml = s(dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml"));
    let rome = s(dir.join("rome"));
    let (code, out, err) =
        run_in_workspace(&["referentiels", "--format", "json", &xml, &zip, &rome]);
    assert_eq!(code, 0, "{err}");
    let json = assert_matches_schema("referentiels.schema.json", &out);
    let refs = json["referentiels"].as_array().unwrap();
    let find = |kind: &str, used: bool| {
        refs.iter()
            .find(|r| r["kind"] == kind && r["used"] == used)
            .unwrap_or_else(|| panic!("{kind} used={used}: {out}"))
    };
    let rncp = find("rncp", true);
    assert_eq!(rncp["format"], "france-competences-csv");
    assert_eq!(rncp["date"], "2024-02-22");
    assert_eq!(rncp["entries"], 7);
    assert_eq!(rncp["blocs"], 6);
    assert_eq!(rncp["active"], 0);
    assert_eq!(rncp["files"][0], zip.as_str());
    // The undated XML export is older than the dated CSV one: listed, not used.
    let old = find("rncp", false);
    assert_eq!(old["format"], "france-competences-xml");
    assert_eq!(old["superseded_by"], zip.as_str());
    assert_eq!(old["active"], 9);
    assert_eq!(find("rs", true)["entries"], 2);
    let rome = find("rome", true);
    assert_eq!(rome["entries"], 1584);
    assert_eq!(rome["version"], "v460");
    assert_eq!(rome["active"], serde_json::Value::Null);
    let ignored = json["ignored"].as_array().unwrap();
    assert!(
        ignored
            .iter()
            .any(|i| i["name"].as_str().unwrap().contains("VoixdAccès")),
        "{out}"
    );
    assert_eq!(json["not_checked"][0]["name"], "Formacode V14");
    assert!(json["not_checked"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("ne publie pas"));

    let (code, out, _) =
        run_in_workspace(&["referentiels", "--format", "json", "--lang", "en", &zip]);
    assert_eq!(code, 0);
    let json = assert_matches_schema("referentiels.schema.json", &out);
    assert!(json["not_checked"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("publishes no"));
}

/// `lheo referentiels --format json` and `validate --format json` describe a referential
/// alike.
#[test]
fn both_schemas_describe_a_referential_alike() {
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(workspace().join("schemas").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let a = read("referentiels.schema.json");
    let b = read("validate-report.schema.json");
    assert!(a["$defs"]["referentiel"].is_object());
    assert_eq!(a["$defs"]["referentiel"], b["$defs"]["referentiel"]);
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
fn the_human_report_names_the_referentials_once() {
    let Some(dir) = samples() else { return };
    let xml = s(dir.join("france_competences_xml"));
    let zip = s(dir.join("france_competences_csv/export-fiches-csv-2024-02-22.sample.zip"));
    let files = [
        "fixtures/referentiels/REF-RS-INACTIF.xml",
        "fixtures/referentiels/valide.xml",
    ];
    let mut args = vec!["validate", "--referentiels", &xml, "--referentiels", &zip];
    args.extend(files);
    let (code, out, err) = run_in_workspace(&args);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("Référentiel "))
        .collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines.iter().any(|l| l.starts_with(
        "Référentiel RNCP : export CSV France Compétences du 22/02/2024, 7 fiches (0 actives), 6 blocs"
    )));
    assert!(lines.iter().any(|l| l
        .starts_with("Référentiel RNCP : export XML France Compétences V4.1")
        && l.ends_with(", non utilisé")));
    // After the files' reports, before the closing total.
    let last_summary = out.rfind("valide.xml : ").unwrap();
    let first = out.find("Référentiel ").unwrap();
    assert!(
        last_summary < first && first < out.find("2 fichiers").unwrap(),
        "{out}"
    );

    args.push("--quiet");
    let (_, out, _) = run_in_workspace(&args);
    assert!(!out.contains("Référentiel "), "{out}");
    let (_, out, _) = run_in_workspace(&["validate", files[1]]);
    assert!(!out.contains("Référentiel "), "{out}");

    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = run_in_workspace(&[
        "import",
        "--lang",
        "en",
        "--referentiels",
        &xml,
        files[1],
        "-o",
        &s(tmp.path().join("out.xml")),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Referential RS: export XML France Compétences V4.1 (no date in the file name), 8 fiches (6 active)"),
        "{out}"
    );
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
