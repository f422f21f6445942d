//! `lheo validate` runs the France Travail rules on a projected capture of each record
//! (`FranceTravail::check_captured` on `READS`). This holds it against the rules on the whole
//! model (`FranceTravail::check_record` on the record's tree), record by record, on the
//! fixtures, the real corpus, generated feeds of every root (following the rules or not) and
//! mutants of them: same findings, messages, paths and positions, from projected and from
//! whole captures. Records whose model does not build are reported unverified by the model
//! path; the capture path is checked on them by the hand-made cases below.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::internal::RecordLog;
use lheo::reader::{Build, Limits, ReadOptions, Reader, RecordNode, Step};
use lheo::rules::france_travail::{FranceTravail, READS};
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use lheo::Diagnostic;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// The records as projected captures, as `lheo validate` reads them, or whole.
fn captures(xml: &[u8], projected: bool) -> Vec<RecordLog> {
    let build = Build::Captures(projected.then_some(READS));
    let Ok(mut reader) = Reader::compose(xml, Limits::default(), build, None) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    loop {
        match reader.advance() {
            Step::Captured(log) => out.push(log),
            Step::Record(_) => panic!("a record was not captured"),
            Step::Pause => {}
            Step::Done => return out,
        }
    }
}

/// The records as trees.
fn trees(xml: &[u8]) -> Vec<RecordNode> {
    let Ok(mut reader) = Reader::with_options(xml, ReadOptions::default()) else {
        return Vec::new();
    };
    std::iter::from_fn(|| reader.next_node()).collect()
}

/// Compares the two paths on every record of `xml`; returns (records compared, findings).
fn assert_equivalent(name: &str, xml: &[u8]) -> (usize, usize) {
    let logs = captures(xml, true);
    let whole = captures(xml, false);
    let nodes = trees(xml);
    assert_eq!(logs.len(), nodes.len(), "{name}: records");
    assert_eq!(whole.len(), nodes.len(), "{name}: records");
    let today = today();
    let mut model_ft = FranceTravail::new(today);
    let (mut capture_ft, mut whole_ft) = (FranceTravail::new(today), FranceTravail::new(today));
    let (mut records, mut findings) = (0, 0);
    for ((log, whole), node) in logs.iter().zip(&whole).zip(&nodes) {
        assert_eq!(log.path, node.path, "{name}");
        let Ok(expected) = model_ft.check_node(node) else {
            continue;
        };
        let expected = support::render_diagnostics(&expected);
        for (kind, log, ft) in [
            ("projected", log, &mut capture_ft),
            ("whole", whole, &mut whole_ft),
        ] {
            let got = support::render_diagnostics(&ft.check_captured(log));
            assert!(
                expected == got,
                "{name}, {}:\n--- model\n{expected}--- {kind} capture\n{got}",
                node.path
            );
        }
        records += 1;
        findings += expected.lines().count();
    }
    (records, findings)
}

/// [`assert_equivalent`] on each file; returns the totals.
fn assert_files(files: &[PathBuf]) -> (usize, usize) {
    files.iter().fold((0, 0), |(records, findings), f| {
        let (r, n) = assert_equivalent(&f.display().to_string(), &std::fs::read(f).unwrap());
        (records + r, findings + n)
    })
}

#[test]
fn fixtures() {
    let mut files = Vec::new();
    support::xml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures"),
        &mut files,
    );
    assert!(files.len() > 10, "fixtures not found");
    let (records, findings) = assert_files(&files);
    // Every France Travail rule has its fixture: they all fire.
    assert!(
        records > 20 && findings > 20,
        "{records} records, {findings} findings"
    );
}

#[test]
fn real_corpus() {
    let Some(shared) = support::shared_dir() else {
        return support::missing("../shared not found");
    };
    let mut files = Vec::new();
    support::xml_files(&shared.join("corpus/real"), &mut files);
    if files.is_empty() {
        return support::missing("no real corpus");
    }
    let (records, findings) = assert_files(&files);
    assert!(
        records > 0 && findings > 0,
        "{records} records, {findings} findings"
    );
}

fn generated(root: Root, formations: u64, seed: u64, france_travail: bool) -> String {
    let mut out = Vec::new();
    Generator::new(
        GenerateOptions::new(formations)
            .with_seed(seed)
            .with_root(root)
            .with_today(today())
            .with_france_travail(france_travail),
    )
    .write(&mut out)
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// Replaces every `step`-th occurrence of `from` (from the `first`-th) with `to`.
fn mutate(xml: &str, from: &str, to: &str, first: usize, step: usize) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut n = 0;
    while let Some(i) = rest.find(from) {
        out.push_str(&rest[..i]);
        out.push_str(if n >= first && (n - first).is_multiple_of(step) {
            to
        } else {
            from
        });
        rest = &rest[i + from.len()..];
        n += 1;
    }
    out.push_str(rest);
    out
}

#[test]
fn generated_feeds_and_mutants() {
    let (mut records, mut findings) = (0, 0);
    let mut check = |name: &str, xml: &str| {
        let (r, n) = assert_equivalent(name, xml.as_bytes());
        records += r;
        findings += n;
    };
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        for (seed, france_travail) in [(1, true), (2, false), (3, false)] {
            let xml = generated(root, 12, seed, france_travail);
            check(&format!("{root:?} seed {seed}"), &xml);
        }
    }
    let base = generated(Root::Lheo, 12, 4, true);
    let mutants: &[(&str, &str)] = &[
        ("<nb-places>", "<nb-places>0"),
        ("<nb-places>", "<nb-places>99"),
        ("<etat-recrutement>1<", "<etat-recrutement>2<"),
        ("<modalite-recrutement>7<", "<modalite-recrutement>8<"),
        ("<modalite-recrutement>8<", "<modalite-recrutement>7<"),
        ("<modalite-recrutement>9<", "<modalite-recrutement>3<"),
        ("<heure-debut>", "<heure-debut>6h"),
        ("<heure-fin>", "<heure-fin>2"),
        ("<code-INSEE-commune>", "<code-INSEE-commune>0000"),
        ("<codepostal>", "<codepostal> "),
        ("<ville>", "<ville-inconnue/><ville>"),
        ("<ligne>", "<ligne> </ligne><ligne>"),
        ("<a-distance>0<", "<a-distance>1<"),
        ("numero=\"", "numero=\"X"),
        ("<debut>2027", "<debut>2026"),
        ("<fin>2027", "<fin>2026"),
        ("<debut>", "<debut>   "),
        (
            "</recrutement>",
            "</recrutement><extras><extra><adresse/></extra></extras>",
        ),
        (
            "<periode>",
            "<periode><debut>20270101</debut><fin>20270101</fin></periode><periode>",
        ),
    ];
    for (k, (from, to)) in mutants.iter().enumerate() {
        for (first, step) in [(0, 1), (k % 3, 3)] {
            let xml = mutate(&base, from, to, first, step);
            check(&format!("mutant {from} → {to} ({first}, {step})"), &xml);
        }
    }
    assert!(
        records > 500 && findings > 500,
        "{records} records, {findings} findings"
    );
}

/// `lheo validate --profile france-travail` on a one-formation feed.
fn validate_formation(formation: &str) -> Vec<Diagnostic> {
    let xml =
        format!(r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>{formation}</offres></lheo>"#);
    let options = ValidateOptions::new(Profile::FranceTravail).with_today(today());
    validate(xml.as_bytes(), &options)
        .diagnostics
        .into_iter()
        .filter(|d| d.code().starts_with("FT-") || d.code() == "LHEO-NON-VERIFIE")
        .collect()
}

const ADRESSE: &str = "<adresse><ligne>1 rue de la Gare</ligne><codepostal>67000</codepostal>\
    <ville>Strasbourg</ville><code-INSEE-commune>67482</code-INSEE-commune></adresse>";

fn session(recrutement: &str) -> String {
    format!(
        "<formation numero=\"F1\"><action><session><periode><debut>20270101</debut>\
         <fin>20271231</fin></periode><adresse-inscription>{ADRESSE}</adresse-inscription>\
         <etat-recrutement>1</etat-recrutement>{recrutement}</session></action></formation>"
    )
}

fn codes(found: &[Diagnostic]) -> Vec<&str> {
    found.iter().map(|d| d.code()).collect()
}

#[test]
fn a_value_the_rules_read_that_is_not_of_its_type_leaves_the_record_unverified() {
    let found = validate_formation(&session(
        "<recrutement numero=\"R1\"><modalite-recrutement>7</modalite-recrutement>\
         <nb-places>douze</nb-places></recrutement>",
    ));
    assert_eq!(codes(&found), ["LHEO-NON-VERIFIE"], "{found:#?}");
    assert_eq!(
        found[0].message.fr,
        "règles France Travail non vérifiées sur /lheo/offres/formation[1] : structure invalide \
         (ligne 1 : élément « nb-places » : valeur invalide)"
    );
    assert_eq!(found[0].path, "/lheo/offres/formation[1]");
}

#[test]
fn a_missing_or_repeated_value_leaves_the_record_unverified() {
    for recrutement in [
        "<recrutement numero=\"R1\"><nb-places>3</nb-places></recrutement>",
        "<recrutement numero=\"R1\"><modalite-recrutement>7</modalite-recrutement>\
         <nb-places>3</nb-places><nb-places>4</nb-places></recrutement>",
        "<recrutement numero=\"R1\"><modalite-recrutement>7</modalite-recrutement>\
         <periode><debut>20270101</debut></periode></recrutement>",
        "<recrutement numero=\"R1\"><modalite-recrutement>7<ligne/></modalite-recrutement>\
         </recrutement>",
        "<recrutement numero=\"R1\">texte<modalite-recrutement>7</modalite-recrutement>\
         </recrutement>",
    ] {
        let found = validate_formation(&session(recrutement));
        assert_eq!(
            codes(&found),
            ["LHEO-NON-VERIFIE"],
            "{recrutement}: {found:#?}"
        );
    }
}

#[test]
fn errors_the_rules_do_not_read_leave_them_running() {
    // An unknown element and a missing required element elsewhere in the record: the
    // structural checker reports them; the France Travail rules still run.
    let formation = session(
        "<recrutement><modalite-recrutement>8</modalite-recrutement><inconnu/></recrutement>",
    )
    .replace("<action>", "<action><autre-chose>x</autre-chose>");
    let found = validate_formation(&formation);
    let ft = codes(&found);
    assert!(ft.contains(&"FT-REC-NUMERO"), "{found:#?}");
    assert!(ft.contains(&"FT-RDV-DATE"), "{found:#?}");
    assert!(!ft.contains(&"LHEO-NON-VERIFIE"), "{found:#?}");
}

#[test]
fn addresses_are_found_where_the_model_has_them_and_not_in_extras() {
    let bad = "<adresse><ligne> </ligne><codepostal>00000</codepostal><ville>X</ville></adresse>";
    let formation = session("<recrutement numero=\"R1\"><modalite-recrutement>7</modalite-recrutement><nb-places>3</nb-places><periode><debut>20261201</debut><fin>20261210</fin></periode></recrutement>")
        .replace(
            "<adresse-inscription>",
            &format!("<adresse-inscription>{bad}<extras><extra>{bad}</extra></extras>"),
        )
        .replacen(ADRESSE, "", 1);
    let found = validate_formation(&formation);
    let mut paths: Vec<(&str, &str)> = found.iter().map(|d| (d.code(), d.path.as_str())).collect();
    paths.sort();
    let adresse = "/lheo/offres/formation[1]/action[1]/session[1]/adresse-inscription/adresse";
    assert_eq!(
        paths,
        [
            (
                "FT-ADR-CODEPOSTAL",
                format!("{adresse}/codepostal").as_str()
            ),
            ("FT-ADR-INSEE", adresse),
            ("FT-ADR-LIGNE", format!("{adresse}/ligne[1]").as_str()),
        ],
        "{found:#?}"
    );
}
