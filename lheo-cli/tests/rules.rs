//! `lheo rules`: the catalogue as a table or JSON, filtered by profile.

mod common;

use common::{assert_matches_schema, run};

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn json_matches_its_schema_for_every_profile() {
    let mut sizes = Vec::new();
    let profiles = ["xsd", "lheo", "france-travail", "carif", "parcoursup"];
    for profile in profiles {
        for lang in ["fr", "en"] {
            let (code, stdout, stderr) = run(&[
                "rules",
                "--format",
                "json",
                "--profile",
                profile,
                "--lang",
                lang,
            ]);
            assert_eq!(code, 0, "{stderr}");
            let json = assert_matches_schema("rules.schema.json", &stdout);
            let rules = json["rules"].as_array().unwrap();
            assert!(!rules.is_empty());
            if lang == "fr" {
                sizes.push(rules.len());
            }
        }
    }
    // Each profile includes the ones it extends: xsd < lheo < france-travail, lheo < carif <
    // parcoursup.
    let [xsd, lheo, ft, carif, parcoursup] = sizes[..] else {
        panic!("{sizes:?}");
    };
    assert!(
        xsd < lheo && lheo < ft && lheo < carif && carif < parcoursup,
        "{sizes:?}"
    );

    let (_, stdout, _) = run(&["rules", "--format", "json"]);
    let all = assert_matches_schema("rules.schema.json", &stdout);
    // Every rule: lheo's, France Travail's, Parcoursup's (with carif's), workbook rules aside.
    assert!(all["rules"].as_array().unwrap().len() >= parcoursup + ft - lheo);
    let all = codes(&all);
    for code in [
        "XML-MALFORME",
        "XSD-ELEMENT-MANQUANT",
        "LHEO-VERSION",
        "FT-RDV-PLAGE",
        "CARIF-DOUBLON",
        "PARCOURSUP-UAI",
    ] {
        assert!(all.iter().any(|c| c == code), "{code} missing");
    }
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "codes are listed once");
}

#[test]
fn xsd_lists_only_xsd_rules() {
    let (_, stdout, _) = run(&["rules", "--format", "json", "--profile", "xsd"]);
    let json = assert_matches_schema("rules.schema.json", &stdout);
    assert!(json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["profile"] == "xsd"));
}

#[test]
fn the_table_is_aligned_in_french_and_english() {
    let (code, stdout, _) = run(&["rules", "--profile", "lheo"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("CODE"), "{stdout}");
    assert!(lines[0].contains("GRAVITÉ"), "{stdout}");
    let col = |line: &str, word: &str| line.find(word).map(|b| line[..b].chars().count());
    let profile_col = col(lines[0], "PROFIL").unwrap();
    for line in &lines[1..] {
        let (first, _) = line.split_once(' ').unwrap();
        let rest = &line[first.len()..];
        let offset = first.chars().count() + rest.len() - rest.trim_start().len();
        assert_eq!(offset, profile_col, "{line}");
    }
    assert!(stdout.contains("élément obligatoire absent"), "{stdout}");
    insta::assert_snapshot!("rules_lheo_fr", stdout);

    let (_, stdout, _) = run(&["rules", "--profile", "xsd", "--lang", "en"]);
    assert!(
        stdout.lines().next().unwrap().contains("SEVERITY"),
        "{stdout}"
    );
    assert!(stdout.contains("required element missing"), "{stdout}");
    insta::assert_snapshot!("rules_xsd_en", stdout);
}
