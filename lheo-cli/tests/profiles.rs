//! `lheo validate --profile carif|parcoursup` and `--rentree`, `lheo rules` for both profiles.

mod common;

use common::{assert_matches_schema, lheo_in, output, run, workspace};

fn fixture(profile: &str, name: &str) -> String {
    workspace()
        .join(format!("fixtures/{profile}/{name}.xml"))
        .display()
        .to_string()
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn compliant_feeds_pass_even_with_deny_warnings() {
    for (profile, dir) in [("carif", "carif"), ("parcoursup", "parcoursup")] {
        let (code, stdout, stderr) = run(&[
            "validate",
            "--profile",
            profile,
            "--today",
            "2027-01-04",
            "--deny-warnings",
            "--quiet",
            &fixture(dir, "conforme"),
        ]);
        assert_eq!(code, 0, "{profile}: {stdout}{stderr}");
    }
}

#[test]
fn json_reports_carry_the_codes_and_the_profile() {
    let (code, stdout, stderr) = run(&[
        "validate",
        "--profile",
        "parcoursup",
        "--today",
        "2027-01-04",
        "--format",
        "json",
        &fixture("parcoursup", "PARCOURSUP-UAI"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let json = assert_matches_schema("validate-report.schema.json", &stdout);
    assert_eq!(json["files"][0]["profile"], "parcoursup");
    assert_eq!(codes(&json), ["PARCOURSUP-UAI"]);
    // A warning alone leaves the exit code at 0, and 1 with --deny-warnings.
    for (deny, expected) in [(false, 0), (true, 1)] {
        let mut args = vec![
            "validate",
            "--profile",
            "carif",
            "--today",
            "2027-01-04",
            "--format",
            "json",
        ];
        if deny {
            args.push("--deny-warnings");
        }
        let path = fixture("carif", "CARIF-DOUBLON");
        args.push(&path);
        let (code, stdout, _) = run(&args);
        assert_eq!(code, expected, "deny {deny}");
        let json = assert_matches_schema("validate-report.schema.json", &stdout);
        assert_eq!(json["files"][0]["profile"], "carif");
        assert_eq!(codes(&json), ["CARIF-DOUBLON"]);
    }
}

#[test]
fn rentree_sets_the_window_of_parcoursup_rentree() {
    let path = fixture("parcoursup", "conforme");
    let with = |rentree: &str| {
        run(&[
            "validate",
            "--profile",
            "parcoursup",
            "--today",
            "2027-01-04",
            "--rentree",
            rentree,
            "--format",
            "json",
            &path,
        ])
    };
    let (code, stdout, _) = with("2027");
    assert_eq!(code, 0, "{stdout}");
    // Both apprenticeship formations start in 2027: none for the rentrée 2026.
    let (code, stdout, _) = with("2026");
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(codes(&json), ["PARCOURSUP-RENTREE", "PARCOURSUP-RENTREE"]);
    let message = json["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("entre le 01/08/2026 et le 31/07/2027 (rentrée 2026)"),
        "{message}"
    );
    // A year that is not one: usage error.
    let (code, _, stderr) = with("deux");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("année attendue sur quatre chiffres"),
        "{stderr}"
    );
}

#[test]
fn messages_in_english_and_findings_grouped_for_people() {
    let (code, stdout, _) = output(
        lheo_in(&workspace())
            .args([
                "validate",
                "--profile",
                "carif",
                "--today",
                "2027-01-04",
                "--lang",
                "en",
            ])
            .arg(fixture("carif", "CARIF-HEURES-TOTAL")),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("nombre-heures-total 500 h, less than 400 h in centre and 140 h in company: at least 540 h expected"),
        "{stdout}"
    );
    assert!(stdout.contains("CARIF-HEURES-TOTAL"), "{stdout}");
}

#[test]
fn rules_lists_each_profile_with_its_sources() {
    let listed = |profile: &str| -> Vec<serde_json::Value> {
        let (code, stdout, _) = run(&["rules", "--profile", profile, "--format", "json"]);
        assert_eq!(code, 0);
        let json = assert_matches_schema("rules.schema.json", &stdout);
        json["rules"].as_array().unwrap().clone()
    };
    let carif = listed("carif");
    let parcoursup = listed("parcoursup");
    let has = |rules: &[serde_json::Value], prefix: &str| {
        rules
            .iter()
            .filter(|r| r["code"].as_str().unwrap().starts_with(prefix))
            .count()
    };
    assert_eq!(has(&carif, "CARIF-"), 13);
    assert_eq!(has(&carif, "PARCOURSUP-"), 0);
    assert_eq!(has(&carif, "FT-"), 0);
    assert_eq!(has(&parcoursup, "CARIF-"), 13);
    assert_eq!(has(&parcoursup, "PARCOURSUP-"), 4);
    assert!(has(&carif, "XSD-") > 0 && has(&carif, "LHEO-") > 0);
    // Every description names its source: a guide or the national catalogue.
    for r in carif.iter().chain(&parcoursup) {
        let code = r["code"].as_str().unwrap();
        if code.starts_with("CARIF-") || code.starts_with("PARCOURSUP-") {
            let d = r["description"].as_str().unwrap();
            assert!(
                ["OFeli", "DOKELIO", "Parcoursup", "catalogue national"]
                    .iter()
                    .any(|s| d.contains(s)),
                "{code}: {d}"
            );
        }
    }
}

#[test]
fn parcoursup_with_referentiels_asks_the_rncp_registration_to_cover_the_session() {
    let rncp = "../shared/referentiels/france_competences_xml/export_fiches_RNCP_fixture.xml";
    if !workspace().join(rncp).is_file() {
        if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
            panic!("LHEO_REQUIRE_ORACLE=1 but {rncp} is absent");
        }
        eprintln!("skipped: {rncp} is absent");
        return;
    }
    let check = |profile: &str, name: &str| {
        let (code, stdout, stderr) = output(lheo_in(&workspace()).args([
            "validate",
            "--profile",
            profile,
            "--today",
            "2027-01-04",
            "--referentiels",
            rncp,
            "--deny-warnings",
            "--format",
            "json",
            &format!("fixtures/parcoursup/referentiels/{name}.xml"),
        ]));
        let json = assert_matches_schema("validate-report.schema.json", &stdout);
        (code, codes(&json), json, stderr)
    };
    // RNCP39568 is registered until 31/08/2029, past the session's end (30/06/2029).
    for profile in ["carif", "parcoursup"] {
        let (code, found, _, stderr) = check(profile, "conforme");
        assert_eq!(
            (code, found),
            (0, Vec::<String>::new()),
            "{profile}: {stderr}"
        );
    }
    // RNCP37488 ends on 31/08/2028: after the session starts (enough for carif), before it
    // ends (not for Parcoursup).
    let (code, found, _, stderr) = check("carif", "REF-RNCP-INACTIF");
    assert_eq!((code, found), (0, Vec::<String>::new()), "{stderr}");
    let (code, found, json, _) = check("parcoursup", "REF-RNCP-INACTIF");
    assert_eq!((code, found), (1, vec!["REF-RNCP-INACTIF".to_owned()]));
    let d = &json["files"][0]["diagnostics"][0];
    assert_eq!(
        d["path"],
        "/lheo/offres/formation[1]/certification[1]/code-RNCP"
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("enregistrement terminé le 31/08/2028, avant la fin de la session"),
        "{message}"
    );
    assert_eq!(json["files"][0]["referentiels"][0]["kind"], "rncp");
}
