//! Profile `lheo`, element-level rules: each rule fires on a minimal case and stays silent on
//! its boundary-valid twin; none fires on a value the XSD already refuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use lheo::Severity;

const NS: &str = "xmlns=\"http://lheo.gouv.fr/2.3\"";

/// Codes found in profile `lheo` (the root warning LHEO-RACINE left out unless asked).
fn codes(xml: &str) -> Vec<&'static str> {
    validate(xml.as_bytes(), &ValidateOptions::new(Profile::Lheo))
        .diagnostics
        .into_iter()
        .map(|d| d.code())
        .filter(|c| *c != "LHEO-RACINE")
        .collect()
}

fn fires(code: &str, bad: &str, good: &str) {
    let b = codes(bad);
    assert!(b.contains(&code), "{code} should fire on {bad}: {b:?}");
    assert_eq!(
        b.iter().filter(|c| c.starts_with("XSD-")).count(),
        0,
        "{bad}: {b:?}"
    );
    let g = codes(good);
    assert!(g.is_empty(), "nothing should fire on {good}: {g:?}");
}

fn periode(debut: &str, fin: &str) -> String {
    format!("<periode {NS}><debut>{debut}</debut><fin>{fin}</fin></periode>")
}

#[test]
fn lheo_date() {
    fires(
        "LHEO-DATE",
        &periode("20230229", "20230301"),
        &periode("20240229", "20240301"),
    );
    fires(
        "LHEO-DATE",
        &periode("20231300", "20240000"),
        &periode("20231200", "20240000"),
    );
    fires(
        "LHEO-DATE",
        &periode("00000100", "20240000"),
        &periode("00000000", "20240000"),
    );
    fires(
        "LHEO-DATE",
        &periode("20230431", "20230501"),
        &periode("20230430", "20230501"),
    );
}

#[test]
fn lheo_periode() {
    fires(
        "LHEO-PERIODE",
        &periode("20230102", "20230101"),
        &periode("20230101", "20230101"),
    );
    // Partial dates: a month ends on its last day, a year on 31 December.
    fires(
        "LHEO-PERIODE",
        &periode("20230401", "20230300"),
        &periode("20230331", "20230300"),
    );
    fires(
        "LHEO-PERIODE",
        &periode("20240101", "20230000"),
        &periode("20231231", "20230000"),
    );
    // Unknown dates compare with nothing.
    assert!(codes(&periode("20990101", "00000000")).is_empty());
}

#[test]
fn lheo_heure() {
    let h = |v: &str| format!("<heure-debut {NS}>{v}</heure-debut>");
    fires("LHEO-HEURE", &h("24h"), &h("23h"));
    fires("LHEO-HEURE", &h("9h60"), &h("9h59"));
    fires("LHEO-HEURE", &h("14:15"), &h("14h15"));
    fires("LHEO-HEURE", &h("9h5"), &h("09h00"));
    fires("LHEO-HEURE", &h("123h"), &h("12h"));
}

#[test]
fn lheo_bornes() {
    let n = |v: &str| format!("<nb-places {NS}>{v}</nb-places>");
    fires("LHEO-BORNES", &n("100000"), &n("99999"));
    fires("LHEO-BORNES", &n("-1"), &n("0"));
    let d = |v: &str| format!("<duree-cycle {NS}>{v}</duree-cycle>");
    fires("LHEO-BORNES", &d("100"), &d("99"));
}

#[test]
fn lheo_siret_is_a_warning() {
    let s = |v: &str| format!("<SIRET {NS}>{v}</SIRET>");
    fires("LHEO-SIRET", &s("73282932000075"), &s("73282932000074"));
    // La Poste: the digit sum is a multiple of 5.
    fires("LHEO-SIRET", &s("35600000000011"), &s("35600000000010"));
    let report = validate(
        s("73282932000075").as_bytes(),
        &ValidateOptions::new(Profile::Lheo),
    );
    let d = report.diagnostics.iter().find(|d| d.code() == "LHEO-SIRET");
    assert_eq!(d.map(|d| d.severity), Some(Severity::Warning));
    assert!(report.is_valid());
}

#[test]
fn lheo_idref() {
    let doc = |idref: &str| {
        format!("<periode {NS}><debut id=\"d1\">20230101</debut><fin idref=\"{idref}\">20230101</fin></periode>")
    };
    fires("LHEO-IDREF", &doc("d2"), &doc(" d1 "));
    // Forward references and identifiers in free content count.
    let forward = format!(
        "<extras {NS}><extra><ligne idref=\"x\">a</ligne></extra><extra><zz id=\"x\"/></extra></extras>"
    );
    assert!(codes(&forward).is_empty(), "{:?}", codes(&forward));
    // Not an XSD error.
    let xsd = validate(doc("d2").as_bytes(), &ValidateOptions::new(Profile::Xsd));
    assert!(xsd.diagnostics.is_empty());
}

#[test]
fn lheo_racine() {
    let racine = |xml: &str| {
        validate(xml.as_bytes(), &ValidateOptions::new(Profile::Lheo))
            .diagnostics
            .into_iter()
            .filter(|d| d.code() == "LHEO-RACINE")
            .count()
    };
    assert_eq!(racine(&periode("20230101", "20230101")), 1);
    assert_eq!(racine(&format!("<lheo-index {NS}/>")), 0);
    assert_eq!(racine(&format!("<lheo {NS}><offres/></lheo>")), 0);
    // Profile xsd accepts any declared element as root.
    let xsd = validate(
        periode("20230101", "20230101").as_bytes(),
        &ValidateOptions::new(Profile::Xsd),
    );
    assert!(xsd.diagnostics.is_empty());
}

#[test]
fn values_the_xsd_refuses_are_reported_once() {
    let only = |xml: &str, code: &str| {
        let c = codes(xml);
        assert_eq!(c, [code], "{xml}");
    };
    only(&periode("2020010a", "20200101"), "XSD-MOTIF");
    only(
        &format!("<nb-places {NS}> 100000</nb-places>"),
        "XSD-ENTIER",
    );
    only(
        &format!("<heure-debut {NS}>1</heure-debut>"),
        "XSD-LONGUEUR",
    );
    only(
        &format!("<SIRET {NS}>7328293200007</SIRET>"),
        "XSD-LONGUEUR",
    );
}
