//! Tests of the checker on small documents, through the public validation entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lheo::validate::{validate, ValidateOptions};
use lheo::{Diagnostic, Profile};

const NS: &str = "xmlns=\"http://lheo.gouv.fr/2.3\"";
const XSI: &str = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

fn run(xml: &str, profile: Profile) -> Vec<Diagnostic> {
    validate(xml.as_bytes(), &ValidateOptions::new(profile)).diagnostics
}

/// `(code, line, path)` of every diagnostic in profile xsd.
fn xsd(xml: &str) -> Vec<(&'static str, u32, String)> {
    run(xml, Profile::Xsd)
        .into_iter()
        .map(|d| (d.code(), d.line().unwrap_or(0), d.path))
        .collect()
}

fn codes(xml: &str) -> Vec<&'static str> {
    xsd(xml).into_iter().map(|(c, _, _)| c).collect()
}

fn periode(inner: &str) -> String {
    format!("<periode {NS}>{inner}</periode>")
}

#[test]
fn any_global_element_is_a_validation_root() {
    assert!(codes(&periode("<debut>20200101</debut><fin>20200101</fin>")).is_empty());
    assert_eq!(codes(&format!("<zzz {NS}/>")), ["XSD-RACINE"]);
    assert!(codes("<zzz xmlns=\"urn:other\"><a/></zzz>") == ["XSD-RACINE"]);
    let near = "<ligne xmlns=\"https://lheo.gouv.fr/2.3/\">x</ligne>";
    assert_eq!(codes(near), ["XSD-RACINE"]);
    assert!(!run(near, Profile::Lheo)
        .iter()
        .any(|d| d.code() == "XSD-RACINE"));
}

#[test]
fn sequences_report_missing_unexpected_and_unknown() {
    let d = xsd(&format!("<periode {NS}>\n<fin>20200101</fin>\n</periode>"));
    assert_eq!(d, [("XSD-ELEMENT-MANQUANT", 2, "/periode".to_owned())]);
    let d = xsd(&format!(
        "<periode {NS}>\n<debut>20200101</debut>\n</periode>"
    ));
    assert_eq!(d, [("XSD-ELEMENT-MANQUANT", 1, "/periode".to_owned())]);
    let d = xsd(&format!(
        "<periode {NS}>\n<debut>20200101</debut>\n<debut>20200101</debut>\n<fin>20200101</fin>\n<zz/>\n</periode>"
    ));
    assert_eq!(
        d,
        [
            ("XSD-ELEMENT-INATTENDU", 3, "/periode/debut".to_owned()),
            ("XSD-ELEMENT-INCONNU", 5, "/periode/zz[1]".to_owned()),
        ]
    );
    let d = xsd(&format!(
        "<periode {NS}>\n<fin>20200101</fin>\n<debut>2020</debut>\n</periode>"
    ));
    // `fin` came before `debut`: one finding at `fin`, and `debut` is checked.
    assert_eq!(
        d.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
        [("XSD-ELEMENT-INATTENDU", 2), ("XSD-MOTIF", 3)]
    );
}

#[test]
fn missing_children_after_another_error_go_to_the_end_tag() {
    let d = xsd(&format!("<periode {NS}>\n<zz/>\n</periode>"));
    assert_eq!(d[0].0, "XSD-ELEMENT-INCONNU");
    assert_eq!(d[0].1, 2);
    assert!(d[1..]
        .iter()
        .all(|x| x.0 == "XSD-ELEMENT-MANQUANT" && x.1 == 3));
}

#[test]
fn text_in_element_only_content() {
    assert_eq!(
        codes(&periode("x<debut>20200101</debut><fin>20200101</fin>")),
        ["XSD-TEXTE-INTERDIT"]
    );
    assert_eq!(
        codes(&periode(
            "<debut>20200101</debut><![CDATA[ ]]><fin>20200101</fin>"
        )),
        ["XSD-TEXTE-INTERDIT"]
    );
    assert!(codes(&periode(
        " \n\t<debut>20200101</debut>&#32;<fin>20200101</fin>"
    ))
    .is_empty());
    assert!(codes(&periode(
        "<debut><![CDATA[20200101]]></debut><fin> 20200101\n</fin>"
    ))
    .is_empty());
}

#[test]
fn simple_content_refuses_children() {
    assert_eq!(
        codes(&periode("<debut>20200101</debut><fin><x/>20200101</fin>")),
        ["XSD-CONTENU-SIMPLE"]
    );
}

#[test]
fn values_by_type() {
    let np = |v: &str| codes(&format!("<nb-places {NS}>{v}</nb-places>"));
    assert!(np("+0012").is_empty());
    assert_eq!(np(" 12"), ["XSD-ENTIER"]);
    assert_eq!(np(""), ["XSD-ENTIER"]);
    let cert = |v: &str| codes(&format!("<certifiante {NS}>{v}</certifiante>"));
    assert!(cert("\n 1 ").is_empty());
    assert_eq!(cert("2"), ["XSD-CODE"]);
    assert_eq!(
        codes(&periode("<debut>2020010a</debut><fin>20200101</fin>")),
        ["XSD-MOTIF"]
    );
    assert_eq!(codes(&format!("<ligne {NS}></ligne>")), ["XSD-LONGUEUR"]);
    assert!(codes(&format!("<ligne {NS}> </ligne>")).is_empty());
}

#[test]
fn attributes() {
    let c = codes(&format!(
        "<periode {NS} {XSI} xsi:foo='1' xml:lang='fr' bar='x' id=' a1 ' xsi:schemaLocation='x'><debut id='a1'>20200101</debut><fin idref=' a b' uri='#a#b' horodatage-creation='2023-02-29T10:00:00Z'>20200101</fin></periode>"
    ));
    assert_eq!(
        c,
        [
            "XSD-ATTRIBUT-INCONNU",
            "XSD-ATTRIBUT-INCONNU",
            "XSD-ATTRIBUT-INCONNU",
            "XSD-ID-DOUBLON",
            "XSD-ID",
            "XSD-URI",
            "XSD-DATETIME"
        ]
    );
    assert_eq!(
        codes(&format!("<periode {NS} {XSI} xsi:nil='false'><debut>20200101</debut><fin>20200101</fin></periode>")),
        ["XSD-XSI"]
    );
}

#[test]
fn xsi_type_names_the_own_type_only() {
    let p = |t: &str| {
        codes(&format!(
            "<periode {NS} {XSI} xmlns:l='http://lheo.gouv.fr/2.3' xsi:type='{t}'><debut>20200101</debut><fin>20200101</fin></periode>"
        ))
    };
    assert!(p("l:periode-type").is_empty());
    assert!(p("periode-type").is_empty());
    assert_eq!(p("l:periode-subtype"), ["XSD-XSI"]);
    assert_eq!(p("zz:periode-type"), ["XSD-XSI"]);
    assert_eq!(p(" periode-type "), ["XSD-XSI"]);
}

#[test]
fn extra_is_lax() {
    let e = |inner: &str| codes(&format!("<extras {NS} {XSI}>{inner}</extras>"));
    assert!(
        e("<extra a='1' xml:lang='x'>text<zz q='1'><yy xsi:nil='true'/></zz></extra>").is_empty()
    );
    assert_eq!(e("<extra><ligne></ligne></extra>"), ["XSD-LONGUEUR"]);
    assert_eq!(
        e("<extra><zz><ligne></ligne></zz></extra>"),
        ["XSD-LONGUEUR"]
    );
    assert_eq!(e("<extra xsi:nil='true'/>"), ["XSD-XSI"]);
    assert_eq!(e("<extra id='1a'/>"), ["XSD-ID"]);
    assert!(e("<extra id='a'><zz id='a'/></extra>").is_empty());
    assert_eq!(
        e("<extra id='a'><ligne id='a'>x</ligne></extra>"),
        ["XSD-ID-DOUBLON"]
    );
    assert_eq!(
        e("<extra><zz xsi:type='ligne-type'></zz></extra>"),
        ["XSD-LONGUEUR"]
    );
    assert_eq!(e("<extra><zz xsi:type='zzz-type'/></extra>"), ["XSD-XSI"]);
    let xs = "xmlns:xs='http://www.w3.org/2001/XMLSchema'";
    assert!(e(&format!(
        "<extra><zz {xs} xsi:type='xs:string'>a</zz></extra>"
    ))
    .is_empty());
    assert_eq!(
        e(&format!(
            "<extra><zz {xs} xsi:type='xs:string'><a/></zz></extra>"
        )),
        ["XSD-CONTENU-SIMPLE"]
    );
    assert!(e(&format!(
        "<extra><zz {xs} xsi:type='xs:anyType'><a/></zz></extra>"
    ))
    .is_empty());
    assert_eq!(e("x<extra/>"), ["XSD-TEXTE-INTERDIT"]);
    assert_eq!(
        e("<extra><extras>text</extras></extra>"),
        ["XSD-TEXTE-INTERDIT"]
    );
}

#[test]
fn paths_index_repeatable_and_undeclared_children() {
    let xml = format!(
        "<extras {NS}><extra/><extras><extra><a/><a><ligne/></a></extra></extras></extras>"
    );
    let d = xsd(&xml);
    assert_eq!(d[0].2, "/extras/extras[1]/extra[1]/a[2]/ligne[1]");
}

#[test]
fn profile_lheo_rules() {
    let l = |xml: &str| -> Vec<&'static str> {
        run(xml, Profile::Lheo)
            .into_iter()
            .map(|d| d.code())
            .filter(|c| *c != "LHEO-RACINE")
            .collect()
    };
    assert_eq!(
        l(&periode("<debut>20230231</debut><fin>20230300</fin>")),
        ["LHEO-DATE"]
    );
    assert_eq!(
        l(&periode("<debut>20230401</debut><fin>20230300</fin>")),
        ["LHEO-PERIODE"]
    );
    assert!(l(&periode("<debut>20230331</debut><fin>20230300</fin>")).is_empty());
    assert_eq!(
        l(&format!("<heure-debut {NS}>24h</heure-debut>")),
        ["LHEO-HEURE"]
    );
    assert_eq!(
        l(&format!("<nb-places {NS}>100000</nb-places>")),
        ["LHEO-BORNES"]
    );
    assert_eq!(
        l(&format!("<SIRET {NS}>73282932000075</SIRET>")),
        ["LHEO-SIRET"]
    );
    assert_eq!(
        l(&periode(
            "<debut idref='x'>20230101</debut><fin>20230101</fin>"
        )),
        ["LHEO-IDREF"]
    );
    assert!(l(&periode(
        "<debut idref='x'>20230101</debut><fin id='x'>20230101</fin>"
    ))
    .is_empty());
    let racine = run(
        &periode("<debut>20230101</debut><fin>20230101</fin>"),
        Profile::Lheo,
    );
    assert_eq!(
        racine.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["LHEO-RACINE"]
    );
}
