//! The rule catalogue is the one source of the rules' facts: the JSON Schemas of the reports
//! (`schemas/`) agree with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lheo::rules::{catalogue, Profile};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn profile_names() -> Vec<&'static str> {
    Profile::ALL.iter().map(|p| p.name()).collect()
}

#[test]
fn the_schemas_list_the_catalogue_profiles() {
    let rules = schema("rules.schema.json");
    let item = &rules["properties"]["rules"]["items"]["properties"];
    assert_eq!(
        strings(&item["profile"]["enum"]),
        profile_names(),
        "rules.schema.json: the profile enum is not Profile::ALL"
    );
    let report = schema("validate-report.schema.json");
    // Wherever the schema keeps it: the `enum` that lists profiles.
    let profile = find_enum(&report, "xsd").unwrap_or(&Value::Null);
    assert_eq!(
        strings(profile),
        profile_names(),
        "validate-report.schema.json: the profile enum is not Profile::ALL"
    );
}

/// The first `enum` array holding `member`.
fn find_enum<'a>(v: &'a Value, member: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => {
            if let Some(e) = m.get("enum") {
                if strings(e).contains(&member) {
                    return Some(e);
                }
            }
            m.values().find_map(|x| find_enum(x, member))
        }
        Value::Array(a) => a.iter().find_map(|x| find_enum(x, member)),
        _ => None,
    }
}

#[test]
fn every_code_fits_the_schemas_pattern() {
    for name in ["rules.schema.json", "validate-report.schema.json"] {
        let schema = schema(name);
        let pattern = find_pattern(&schema).unwrap_or_else(|| panic!("{name}: no code pattern"));
        assert_eq!(pattern, "^[A-Z0-9]+(-[A-Z0-9]+)+$", "{name}");
    }
    // The pattern, checked by hand: capitals and digits, words joined by dashes.
    for rule in catalogue::all() {
        let code = rule.code();
        assert!(
            code.split('-').count() >= 2
                && code.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())),
            "{code}"
        );
    }
}

/// The pattern of the `code` property.
fn find_pattern(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) => {
            if let Some(p) = m
                .get("code")
                .and_then(|c| c.get("pattern"))
                .and_then(Value::as_str)
            {
                return Some(p);
            }
            m.values().find_map(find_pattern)
        }
        Value::Array(a) => a.iter().find_map(find_pattern),
        _ => None,
    }
}

#[test]
fn each_family_of_codes_has_its_profile() {
    for rule in catalogue::all() {
        let code = rule.code();
        let family = code.split('-').next().unwrap_or("");
        let expected = match family {
            "XML" | "XSD" | "CLASSEUR" | "REF" => Some(Profile::Xsd),
            "LHEO" => Some(Profile::Lheo),
            "FT" => Some(Profile::FranceTravail),
            _ => None,
        };
        if let Some(p) = expected {
            assert_eq!(rule.profile(), p, "{code}");
        }
        assert_eq!(catalogue::rule(code), Some(rule));
    }
}
