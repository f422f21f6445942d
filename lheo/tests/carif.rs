//! The `carif` and `parcoursup` profiles on their fixtures: the compliant feeds have no
//! finding; every rule fires on its own fixture and on no other (under both profiles); the
//! fixtures are valid against the official XSD. The rules on a projected capture of each
//! record (what `lheo validate` runs) give the findings they give on the model, on the
//! fixtures, the real corpus, generated feeds and mutants; on worker threads they give the
//! single pass's report, CARIF-DOUBLON included. The README's table of the rules follows the
//! catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::internal::RecordLog;
use lheo::reader::{Build, Limits, ReadOptions, Reader, RecordNode, Step};
use lheo::rules::carif::{self, Carif};
use lheo::rules::parcoursup::{self, Parcoursup};
use lheo::rules::{Profile, Rule};
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::{Diagnostic, Severity};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
}

fn fixtures(profile: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../fixtures/{profile}"))
}

fn options(profile: Profile) -> ValidateOptions {
    ValidateOptions::new(profile).with_today(today())
}

fn run(dir: &str, name: &str, profile: Profile) -> Report {
    let path = fixtures(dir).join(format!("{name}.xml"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    validate(&bytes[..], &options(profile))
}

fn codes(report: &Report) -> BTreeSet<&'static str> {
    report.diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn the_compliant_feeds_have_no_finding() {
    for (dir, profile) in [
        ("carif", Profile::Carif),
        ("carif", Profile::Parcoursup),
        ("parcoursup", Profile::Parcoursup),
        ("parcoursup", Profile::Carif),
    ] {
        let report = run(dir, "conforme", profile);
        assert!(
            report.diagnostics.is_empty(),
            "{dir} under {profile:?}: {:#?}",
            report.diagnostics
        );
    }
}

/// The CARIF and PARCOURSUP rules, with the folder of their fixtures.
fn all_rules() -> impl Iterator<Item = (&'static str, Rule)> {
    lheo::rules::catalogue::all().filter_map(|r| match r.profile() {
        Profile::Carif => Some(("carif", r)),
        Profile::Parcoursup => Some(("parcoursup", r)),
        _ => None,
    })
}

#[test]
fn every_rule_fires_on_its_fixture_and_only_there() {
    for (dir, rule) in all_rules() {
        let mut profiles = vec![Profile::Parcoursup];
        if dir == "carif" {
            profiles.push(Profile::Carif);
        }
        for profile in profiles {
            let report = run(dir, rule.code(), profile);
            assert_eq!(
                codes(&report),
                BTreeSet::from([rule.code()]),
                "fixture {} under {profile:?}: {:#?}",
                rule.code(),
                report.diagnostics
            );
            for d in &report.diagnostics {
                assert_eq!(d.severity, rule.severity(), "{}", rule.code());
                assert!(
                    d.line().is_some_and(|l| l > 1),
                    "{}: located {:?}",
                    rule.code(),
                    d.location
                );
                assert!(
                    d.path.starts_with("/lheo/offres/formation["),
                    "{}: {}",
                    rule.code(),
                    d.path
                );
                assert!(
                    !d.message.fr.is_empty()
                        && !d.message.en.is_empty()
                        && d.message.fr != d.message.en,
                    "{}: {:?}",
                    rule.code(),
                    d.message
                );
            }
        }
        // A PARCOURSUP fixture is an apprenticeship feed the CARIF rules accept.
        if dir == "parcoursup" {
            let report = run(dir, rule.code(), Profile::Carif);
            assert!(
                report.diagnostics.is_empty(),
                "{} under Carif: {:#?}",
                rule.code(),
                report.diagnostics
            );
        }
        // Outside its profile, the rule is not run.
        let report = run(dir, rule.code(), Profile::Lheo);
        assert!(
            report.diagnostics.is_empty(),
            "{}: {:#?}",
            rule.code(),
            report.diagnostics
        );
    }
    // Every fixture is there, and nothing else.
    for dir in ["carif", "parcoursup"] {
        let mut names: Vec<String> = std::fs::read_dir(fixtures(dir))
            .unwrap()
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".xml").map(str::to_owned)
            })
            .filter(|n| n != "conforme")
            .collect();
        names.sort();
        let mut expected: Vec<String> = all_rules()
            .filter(|(d, _)| *d == dir)
            .map(|(_, r)| r.code().to_owned())
            .collect();
        expected.sort();
        assert_eq!(names, expected, "fixtures/{dir}");
    }
}

/// The README's table of the CARIF and PARCOURSUP rules lists the catalogue's codes, in its
/// order, with their severities (CARIF-ARCHIVAGE: "warning / info").
#[test]
fn the_readme_table_follows_the_catalogue() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md");
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let code = cells.get(1)?;
            (code.starts_with("CARIF-") || code.starts_with("PARCOURSUP-")).then(|| {
                (
                    code.to_string(),
                    cells.get(2).copied().unwrap_or("").to_owned(),
                )
            })
        })
        .collect();
    let expected: Vec<(String, String)> = all_rules()
        .map(|(_, r)| {
            let severity = match r.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let severity = if r == Rule::CarifArchivage {
                format!("{severity} / info")
            } else {
                severity.to_owned()
            };
            (r.code().to_owned(), severity)
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn the_fixtures_are_valid_against_the_xsd() {
    let Some(oracle) = support::oracle(true) else {
        return;
    };
    let mut files = Vec::new();
    for dir in ["carif", "parcoursup"] {
        support::xml_files(&fixtures(dir), &mut files);
    }
    files.sort();
    let docs: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let refs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
    for (f, result) in files.iter().zip(oracle.validate_all(&refs)) {
        assert!(result.is_ok(), "{}: {result:?}", f.display());
    }
    // One per rule, the two compliant feeds, and the two of `parcoursup/referentiels/`.
    assert_eq!(files.len(), all_rules().count() + 4);
}

#[test]
fn messages_say_what_was_found_and_what_is_expected() {
    let report = run("carif", "CARIF-DOUBLON", Profile::Carif);
    let d = &report.diagnostics[0];
    assert_eq!(d.path, "/lheo/offres/formation[2]/certification[1]");
    assert_eq!(
        d.message.fr,
        "même organisme responsable (SIRET 73282932000074) et même certification \
         (RNCP38362) que la formation F1 (/lheo/offres/formation[1]) : une certification = une \
         seule action de formation ; attendu des sessions ajoutées à la formation existante \
         plutôt qu'une nouvelle formation"
    );
    let report = run("parcoursup", "PARCOURSUP-UAI", Profile::Parcoursup);
    let d = &report.diagnostics[0];
    assert_eq!(
        d.path,
        "/lheo/offres/formation[2]/action[1]/organisme-formateur[1]/code-UAI-formateur/code-UAI"
    );
    assert_eq!(
        d.message.fr,
        "organisme formateur : code UAI « 0750654E » dont la lettre clé est fausse ; attendu \
         0750654D"
    );
    assert_eq!(
        d.message.en,
        "training organisation: UAI code \"0750654E\" with a wrong check letter; 0750654D \
         expected"
    );
}

// --- The capture against the model -------------------------------------------------------

/// The records as projected captures, as `lheo validate` reads them, or whole.
fn captures(xml: &[u8], projected: bool) -> Vec<RecordLog> {
    let build = Build::Captures(projected.then_some(carif::READS));
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

fn trees(xml: &[u8]) -> Vec<RecordNode> {
    let Ok(mut reader) = Reader::with_options(xml, ReadOptions::default()) else {
        return Vec::new();
    };
    std::iter::from_fn(|| reader.next_node()).collect()
}

/// Compares the two paths on every record of `xml`, for both profiles (fresh engines: a
/// record whose model does not build is left out of the model's, and of the captures' to
/// keep CARIF-DOUBLON in step); returns (records compared, findings).
fn assert_equivalent(name: &str, xml: &[u8]) -> (usize, usize) {
    let logs = captures(xml, true);
    let whole = captures(xml, false);
    let nodes = trees(xml);
    assert_eq!(logs.len(), nodes.len(), "{name}: records");
    assert_eq!(whole.len(), nodes.len(), "{name}: records");
    let (mut records, mut findings) = (0, 0);
    for rentree in [None, Some(2026)] {
        let mut model = Parcoursup::new(today(), rentree);
        let mut projected = Parcoursup::new(today(), rentree);
        let mut whole_engine = Parcoursup::new(today(), rentree);
        for ((log, whole), node) in logs.iter().zip(&whole).zip(&nodes) {
            assert_eq!(log.path, node.path, "{name}");
            let Ok(expected) = model.check_node(node) else {
                continue;
            };
            let expected = support::render_diagnostics(&expected);
            for (kind, log, engine) in [
                ("projected", log, &mut projected),
                ("whole", whole, &mut whole_engine),
            ] {
                let got = support::render_diagnostics(&engine.check_captured(log));
                assert!(
                    expected == got,
                    "{name}, {}:\n--- model\n{expected}--- {kind} capture\n{got}",
                    node.path
                );
            }
            records += 1;
            findings += expected.lines().count();
        }
    }
    (records, findings)
}

fn assert_files(files: &[PathBuf]) -> (usize, usize) {
    files.iter().fold((0, 0), |(records, findings), f| {
        let (r, n) = assert_equivalent(&f.display().to_string(), &std::fs::read(f).unwrap());
        (records + r, findings + n)
    })
}

#[test]
fn capture_and_model_agree_on_the_fixtures() {
    let mut files = Vec::new();
    support::xml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures"),
        &mut files,
    );
    let (records, findings) = assert_files(&files);
    assert!(
        records > 40 && findings > 40,
        "{records} records, {findings} findings"
    );
}

#[test]
fn capture_and_model_agree_on_the_real_corpus() {
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

fn generated(root: Root, formations: u64, seed: u64) -> String {
    let mut out = Vec::new();
    Generator::new(
        GenerateOptions::new(formations)
            .with_seed(seed)
            .with_root(root)
            .with_today(today())
            .with_france_travail(seed.is_multiple_of(2)),
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
fn capture_and_model_agree_on_generated_feeds_and_mutants() {
    let (mut records, mut findings) = (0, 0);
    let mut check = |name: &str, xml: &str| {
        let (r, n) = assert_equivalent(name, xml.as_bytes());
        records += r;
        findings += n;
    };
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        for seed in [1, 2] {
            check(&format!("{root:?} seed {seed}"), &generated(root, 12, seed));
        }
    }
    let base = generated(Root::Lheo, 16, 4);
    let mutants: &[(&str, &str)] = &[
        (
            "<intitule-formation>",
            "<intitule-formation>FORMATION EN MAJUSCULES ",
        ),
        (
            "<objectif-formation>",
            "<objectif-formation>&lt;p&gt;&amp;nbsp;\u{f0b7}",
        ),
        ("<nombre-heures-total>", "<nombre-heures-total>0"),
        ("<nombre-heures-centre>", "<nombre-heures-centre>9"),
        (
            "<modalites-entrees-sorties>0<",
            "<modalites-entrees-sorties>1<",
        ),
        ("<type-cycle>0<", "<type-cycle>1<"),
        ("<duree-cycle>", "<duree-cycle>1"),
        ("<annee-cycle>", "<annee-cycle>7"),
        ("<validation-blocs>1<", "<validation-blocs>2<"),
        ("<code-UAI>", "<code-UAI>X"),
        ("<numero-activite>", "<numero-activite>A"),
        ("<code-RNCP>", "<code-CERTIFINFO>"),
        ("</code-RNCP>", "</code-CERTIFINFO>"),
        ("<SIRET>", "<SIRET>1"),
        ("<fin>2027", "<fin>2026"),
        ("<debut>", "<debut>   "),
        ("<duree-cycle>", "<duree-cycle>deux"),
        ("<cycle>", "<cycle><type-cycle>1</type-cycle>"),
        (
            "</session>",
            "<extras><extra><cycle><type-cycle>1</type-cycle></cycle></extra></extras></session>",
        ),
        (
            "<lieu-de-formation>",
            "<lieu-de-formation><lieu-de-formation/>",
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

// --- Threads -------------------------------------------------------------------------------

#[test]
fn worker_threads_give_the_single_pass_report() {
    // Formations of two organisations, each certification prepared again further on: the
    // duplicates span chunks.
    let base = generated(Root::Lheo, 60, 7);
    let dup = std::fs::read_to_string(fixtures("carif").join("CARIF-DOUBLON.xml")).unwrap();
    let start = dup.find("<formation ").unwrap();
    let end = dup.rfind("</formation>").unwrap() + "</formation>".len();
    let formations = &dup[start..end];
    let body = format!("{formations}{}", formations.repeat(3));
    let xml = base
        .replacen("<offres>", &format!("<offres>{body}"), 1)
        .replace("</offres>", &format!("{body}</offres>"));
    for profile in [Profile::Carif, Profile::Parcoursup] {
        let one = validate(xml.as_bytes(), &options(profile).with_threads(1));
        let doublons = one
            .diagnostics
            .iter()
            .filter(|d| d.code() == "CARIF-DOUBLON")
            .count();
        assert!(doublons >= 14, "{doublons} CARIF-DOUBLON");
        for chunk_bytes in [700, 4096, 30_000] {
            let many = validate(
                xml.as_bytes(),
                &options(profile)
                    .with_threads(3)
                    .with_chunk_bytes(chunk_bytes),
            );
            assert_eq!(
                support::render_report(&one),
                support::render_report(&many),
                "{profile:?}, chunks of {chunk_bytes}"
            );
        }
    }
}

// --- Unverified records --------------------------------------------------------------------

fn validate_formations(body: &str, profile: Profile) -> Vec<Diagnostic> {
    let xml = format!(r#"<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>{body}</offres></lheo>"#);
    validate(xml.as_bytes(), &options(profile))
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.code().starts_with("CARIF-")
                || d.code().starts_with("PARCOURSUP-")
                || d.code() == "LHEO-NON-VERIFIE"
        })
        .collect()
}

fn conforme() -> String {
    std::fs::read_to_string(fixtures("carif").join("conforme.xml")).unwrap()
}

/// The compliant feed's formations, with `from` replaced by `to` once.
fn conforme_with(from: &str, to: &str) -> String {
    let xml = conforme();
    assert!(xml.contains(from), "{from}");
    let start = xml.find("<formation ").unwrap();
    let end = xml.rfind("</formation>").unwrap() + "</formation>".len();
    xml[start..end].replacen(from, to, 1)
}

#[test]
fn a_value_the_rules_read_that_does_not_build_leaves_the_record_unverified() {
    for (from, to) in [
        ("<duree-cycle>2<", "<duree-cycle>deux<"),
        ("<type-cycle>1<", "<type-cycle>3<"),
        ("<validation-blocs>1<", "<validation-blocs>1</validation-blocs><validation-blocs>1<"),
        ("<debut>20270301</debut>", ""),
        (
            "<numero-activite>42670000067</numero-activite>",
            "<numero-activite>42670000067</numero-activite><numero-activite>42670000068</numero-activite>",
        ),
    ] {
        let found = validate_formations(&conforme_with(from, to), Profile::Parcoursup);
        assert!(
            found.iter().any(|d| d.code() == "LHEO-NON-VERIFIE"),
            "{from} → {to}: {found:#?}"
        );
        let unverified = found.iter().find(|d| d.code() == "LHEO-NON-VERIFIE").unwrap();
        assert!(
            unverified
                .message
                .fr
                .starts_with("règles Carif-Oref et Parcoursup non vérifiées sur /lheo/offres/formation["),
            "{}",
            unverified.message.fr
        );
    }
}

#[test]
fn values_in_extras_or_out_of_place_are_not_read() {
    // A cycle in extras, a duree-cycle under a session (unknown there): not the model's.
    let found = validate_formations(
        &conforme_with(
            "</session>",
            "<extras><extra><cycle><type-cycle>1</type-cycle></cycle></extra></extras></session>",
        ),
        Profile::Parcoursup,
    );
    assert!(found.is_empty(), "{found:#?}");
}

// --- Boundaries, on formations built in code ------------------------------------------------

mod boundaries {
    use super::*;
    use lheo::model::{
        Action, Certification, Cycle, Date, Field, Formation, ModalitesEntreesSorties, Periode,
        Session, TypeCycle,
    };

    fn date(s: &str) -> Field<Date> {
        Field::new(s.parse().unwrap())
    }

    fn session(debut: &str, fin: &str) -> Session {
        Session {
            periode: Periode {
                debut: date(debut),
                fin: date(fin),
                ..Periode::default()
            },
            ..Session::default()
        }
    }

    /// A formation the CARIF rules accept: one action of 540 h with a place, one session.
    fn formation() -> Formation {
        let mut f = Formation {
            intitule_formation: "Agent magasinier".into(),
            ..Formation::default()
        };
        f.organisme_formation_responsable.numero_activite = "42670000067".into();
        f.organisme_formation_responsable
            .siret_organisme_formation
            .siret = "73282932000074".into();
        f.action.push(Action {
            lieu_de_formation: vec![Default::default()],
            nombre_heures_total: Some(540.into()),
            session: vec![session("20270301", "20270630")],
            ..Action::default()
        });
        f
    }

    fn carif_codes(f: &Formation, today: NaiveDate) -> Vec<(&'static str, Severity)> {
        Carif::new(today)
            .check_formation(f)
            .iter()
            .map(|d| (d.code(), d.severity))
            .collect()
    }

    #[test]
    fn the_base_formation_passes() {
        assert_eq!(carif_codes(&formation(), today()), []);
    }

    #[test]
    fn capitals_7_vs_8_letters_and_79_vs_80_percent() {
        for (title, fires) in [
            ("BTS MCO", false),
            ("CARISTE 489", false), // 7 letters
            ("CARISTES 489", true), // 8 letters
            (
                &format!("{}{}", "A".repeat(79), "b".repeat(21)) as &str,
                false,
            ),
            (&format!("{}{}", "A".repeat(80), "b".repeat(20)), true),
        ] {
            let mut f = formation();
            f.intitule_formation = title.into();
            let found = carif_codes(&f, today());
            assert_eq!(
                found == [("CARIF-MAJUSCULES", Severity::Warning)],
                fires,
                "{title}: {found:?}"
            );
        }
    }

    #[test]
    fn an_entirely_remote_action_needs_no_place() {
        let mut f = formation();
        f.action[0].lieu_de_formation.clear();
        assert_eq!(
            carif_codes(&f, today()),
            [("CARIF-ACTION-INCOMPLETE", Severity::Warning)]
        );
        f.action[0].modalites_enseignement =
            lheo::model::ModalitesEnseignement::EntierementADistance.into();
        assert_eq!(carif_codes(&f, today()), []);
        f.action[0].modalites_enseignement = lheo::model::ModalitesEnseignement::Mixte.into();
        assert_eq!(
            carif_codes(&f, today()),
            [("CARIF-ACTION-INCOMPLETE", Severity::Warning)]
        );
    }

    #[test]
    fn short_sessions_34_vs_35_hours() {
        for (hours, fires) in [(34, true), (35, false), (1, true)] {
            let mut f = formation();
            f.action[0].nombre_heures_total = Some(hours.into());
            f.action[0].session.push(session("20270901", "20270930"));
            let found = carif_codes(&f, today());
            assert_eq!(
                found == [("CARIF-SESSIONS-COURTES", Severity::Warning)],
                fires,
                "{hours} h: {found:?}"
            );
            assert!(fires || found.is_empty(), "{hours} h: {found:?}");
        }
        // One session only: nothing to gather.
        let mut f = formation();
        f.action[0].nombre_heures_total = Some(20.into());
        assert_eq!(carif_codes(&f, today()), []);
    }

    #[test]
    fn annual_session_ends_31_12_or_up_to_31_03_not_01_04() {
        for (debut, fin, fires) in [
            ("20270101", "20271231", false),
            ("20270102", "20271230", false),
            ("20270101", "20271229", true),
            ("20270101", "20280331", false),
            ("20270101", "20280401", true),
            ("20270103", "20271231", true),
            ("20270201", "20271231", true),
        ] {
            let mut f = formation();
            f.action[0].modalites_entrees_sorties = ModalitesEntreesSorties::Permanentes.into();
            f.action[0].session = vec![session(debut, fin)];
            let found = carif_codes(&f, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
            assert_eq!(
                found == [("CARIF-SESSION-ANNUELLE", Severity::Warning)],
                fires,
                "{debut}–{fin}: {found:?}"
            );
            assert!(fires || found.is_empty(), "{debut}–{fin}: {found:?}");
        }
    }

    #[test]
    fn archiving_a_month_after_the_last_end() {
        // The last session ends on 30/06/2027: archived on 30/07/2027.
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        for (today, expected) in [
            (d(2027, 6, 29), None),
            (d(2027, 6, 30), Some(Severity::Info)), // archiving within a month
            (d(2027, 7, 29), Some(Severity::Info)), // the day before
            (d(2027, 7, 30), Some(Severity::Info)), // the day itself
            (d(2027, 7, 31), Some(Severity::Warning)),
            (d(2030, 1, 1), Some(Severity::Warning)),
        ] {
            let found = carif_codes(&formation(), today);
            let expected: Vec<_> = expected
                .map(|s| ("CARIF-ARCHIVAGE", s))
                .into_iter()
                .collect();
            assert_eq!(found, expected, "today {today}");
        }
        // An unknown end: no archiving date.
        let mut f = formation();
        f.action[0].session.push(session("20270101", "00000000"));
        assert_eq!(carif_codes(&f, d(2030, 1, 1)), []);
    }

    /// An apprenticeship formation: one certification, a two-year cycle, year 1.
    fn apprenticeship(duree: i64) -> Formation {
        let mut f = formation();
        f.certification.push(Certification {
            code_rncp: Some("RNCP38362".into()),
            ..Certification::default()
        });
        f.action[0].duree_cycle = Some(duree.into());
        f.action[0].session = vec![session("20270901", "20290630")];
        f.action[0].session[0].cycle.push(Cycle {
            type_cycle: TypeCycle::ContratApprentissage.into(),
            annee_cycle: vec![1.into()],
            ..Cycle::default()
        });
        f
    }

    #[test]
    fn cycle_length_1_and_5_vs_0_and_6() {
        for (duree, fires) in [(0, true), (1, false), (5, false), (6, true)] {
            let found = carif_codes(&apprenticeship(duree), today());
            assert_eq!(
                found == [("CARIF-APPRENTISSAGE-DUREE-CYCLE", Severity::Error)],
                fires,
                "{duree}: {found:?}"
            );
            assert!(fires || found.is_empty(), "{duree}: {found:?}");
        }
        // No duree-cycle: that rule only, not also the year's.
        let mut f = apprenticeship(2);
        f.action[0].duree_cycle = None;
        f.action[0].session[0].cycle[0].annee_cycle = vec![3.into()];
        assert_eq!(
            carif_codes(&f, today()),
            [("CARIF-APPRENTISSAGE-DUREE-CYCLE", Severity::Error)]
        );
        // A year beyond the cycle, and a cycle without year.
        let mut f = apprenticeship(2);
        f.action[0].session[0].cycle[0].annee_cycle = vec![2.into(), 3.into()];
        assert_eq!(
            carif_codes(&f, today()),
            [("CARIF-APPRENTISSAGE-ANNEE", Severity::Error)]
        );
        f.action[0].session[0].cycle[0].annee_cycle.clear();
        assert_eq!(
            carif_codes(&f, today()),
            [("CARIF-APPRENTISSAGE-ANNEE", Severity::Error)]
        );
    }

    fn parcoursup_codes(f: &Formation, rentree: Option<i32>) -> Vec<&'static str> {
        Parcoursup::new(today(), rentree)
            .check_formation(f)
            .iter()
            .map(|d| d.code())
            .collect()
    }

    /// An apprenticeship formation Parcoursup takes (trained by its responsible organisation,
    /// whose UAI is valid).
    fn for_parcoursup(debut: &str) -> Formation {
        let mut f = apprenticeship(2);
        f.action[0].session[0].periode.debut = date(debut);
        f.organisme_formation_responsable
            .code_uai_organisme_formation = Some(lheo::model::CodeUaiOrganismeFormation {
            code_uai: "0750654D".into(),
            ..Default::default()
        });
        f
    }

    #[test]
    fn the_rentree_window_first_and_last_day() {
        // --today 2027-01-04: the rentrée 2027, from 01/08/2027 to 31/07/2028.
        for (debut, fires) in [
            ("20270731", true),
            ("20270801", false),
            ("20280731", false),
            ("20280801", true),
            ("20270900", false), // September 2027
            ("20270000", true),  // some day of 2027
            ("00000000", true),
        ] {
            let found = parcoursup_codes(&for_parcoursup(debut), None);
            assert_eq!(found == ["PARCOURSUP-RENTREE"], fires, "{debut}: {found:?}");
            assert!(fires || found.is_empty(), "{debut}: {found:?}");
        }
        // --rentree 2026.
        assert_eq!(
            parcoursup_codes(&for_parcoursup("20270801"), Some(2026)),
            ["PARCOURSUP-RENTREE"]
        );
        assert!(parcoursup_codes(&for_parcoursup("20260801"), Some(2026)).is_empty());
    }

    #[test]
    fn the_default_rentree_is_the_first_1_august_from_today() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(parcoursup::rentree_of(d(2027, 1, 4)), 2027);
        assert_eq!(parcoursup::rentree_of(d(2027, 8, 1)), 2027);
        assert_eq!(parcoursup::rentree_of(d(2027, 8, 2)), 2028);
        assert_eq!(parcoursup::rentree_of(d(2027, 12, 31)), 2028);
    }

    #[test]
    fn parcoursup_rules_apply_to_apprenticeship_formations_only() {
        let mut f = formation();
        f.organisme_formation_responsable.numero_activite = "00000000000".into();
        assert!(parcoursup_codes(&f, None).is_empty());
        let mut f = for_parcoursup("20270901");
        f.organisme_formation_responsable.numero_activite = "00000000000".into();
        assert_eq!(parcoursup_codes(&f, None), ["PARCOURSUP-NDA"]);
        f.organisme_formation_responsable.numero_activite = "4267000006A".into();
        assert_eq!(parcoursup_codes(&f, None), ["PARCOURSUP-NDA"]);
    }

    #[test]
    fn doublon_across_formations_built_in_code() {
        let mut engine = Carif::new(today());
        let mut f = formation();
        f.certification.push(Certification {
            code_rncp: Some("35185".into()),
            ..Certification::default()
        });
        f.attrs.numero = Some("F1".into());
        assert!(engine.check_formation(&f).is_empty());
        let mut g = f.clone();
        g.attrs.numero = Some("F2".into());
        g.certification[0].code_rncp = Some("RNCP35185".into());
        let found = engine.check_formation(&g);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].code(), "CARIF-DOUBLON");
        assert_eq!(found[0].path, "certification[1]");
        assert!(
            found[0].message.fr.contains("que la formation F1"),
            "{}",
            found[0].message.fr
        );
        // A formation naming its certification twice is no duplicate of itself.
        let mut twice = f.clone();
        twice.attrs.numero = Some("F3".into());
        twice.certification[0].code_rncp = Some("RNCP40000".into());
        twice.certification.push(twice.certification[0].clone());
        assert!(engine.check_formation(&twice).is_empty());
        // Another organisation: no duplicate.
        let mut h = f.clone();
        h.organisme_formation_responsable
            .siret_organisme_formation
            .siret = "41234567800004".into();
        assert!(engine.check_formation(&h).is_empty());
    }
}

// --- The real corpus, as reviewed -----------------------------------------------------------

/// What the `parcoursup` profile (so `carif` too: no feed of the corpus is an apprenticeship
/// one) says of each real feed on 2 December 2026: each finding read against the feed (see
/// the CHANGELOG and the README's section on the profiles).
#[test]
fn the_real_corpus_gets_the_reviewed_findings() {
    let Some(shared) = support::shared_dir() else {
        return support::missing("../shared not found");
    };
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            "anotea-intercarif-anonymise-2.2.xml",
            &[("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]")],
        ),
        ("edof-cdc-exemple-catalogue-v7r0-iso8859-1.xml", &[]),
        (
            "intercarif-centre-etoile-plaquiste-2.2.xml",
            &[
                ("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]"),
                (
                    "CARIF-ACTION-INCOMPLETE",
                    "/lheo/offres/formation[1]/action[1]",
                ),
                (
                    "CARIF-SESSION-ANNUELLE",
                    "/lheo/offres/formation[1]/action[2]/session[1]/periode",
                ),
            ],
        ),
        (
            "intercarif-grandest-fli-2.3-anonymise.xml",
            &[
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/objectif-formation",
                ),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/contenu-formation",
                ),
                (
                    "CARIF-ACTION-INCOMPLETE",
                    "/lheo/offres/formation[1]/action[1]",
                ),
                (
                    "CARIF-SESSION-ANNUELLE",
                    "/lheo/offres/formation[1]/action[1]/session[1]/periode",
                ),
            ],
        ),
        ("intercarif-lheo-index-resume-single-2.2.xml", &[]),
        ("intercarif-lheo-index-resumes-paris-2.2.xml", &[]),
        (
            "intercarif-occitanie-daeu-2.2.xml",
            &[
                ("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]"),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/objectif-formation",
                ),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/action[1]/conditions-specifiques",
                ),
            ],
        ),
        (
            "intercarif-poec-gestionnaire-paie-2.2.xml",
            &[("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]")],
        ),
        (
            "intercarif-trouvermaformation-financeur16-2.2.xml",
            &[
                ("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]"),
                (
                    "CARIF-SESSION-ANNUELLE",
                    "/lheo/offres/formation[1]/action[1]/session[1]/periode",
                ),
            ],
        ),
        (
            "onisep-bts-nrc-2.2.xml",
            &[
                ("CARIF-ARCHIVAGE", "/lheo/offres/formation[1]"),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/objectif-formation",
                ),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/resultats-attendus",
                ),
                (
                    "CARIF-CARACTERES",
                    "/lheo/offres/formation[1]/contenu-formation",
                ),
                (
                    "CARIF-ACTION-INCOMPLETE",
                    "/lheo/offres/formation[1]/action[1]",
                ),
            ],
        ),
    ];
    let mut files = Vec::new();
    support::xml_files(&shared.join("corpus/real"), &mut files);
    files.sort();
    let mut seen = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(f).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let report = validate(
            &bytes[..],
            &ValidateOptions::new(Profile::Parcoursup).with_today(day),
        );
        let got: Vec<(&str, &str)> = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.code().starts_with("CARIF-")
                    || d.code().starts_with("PARCOURSUP-")
                    || d.code() == "LHEO-NON-VERIFIE"
            })
            .map(|d| (d.code(), d.path.as_str()))
            .collect();
        let want = expected
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, w)| *w);
        if expected.iter().any(|(n, _)| *n == name) {
            seen += 1;
        }
        assert_eq!(got, want, "{name}");
        // Under carif: the same, no Parcoursup finding being possible without apprenticeship.
        let carif = validate(
            &bytes[..],
            &ValidateOptions::new(Profile::Carif).with_today(day),
        );
        assert_eq!(
            carif
                .diagnostics
                .iter()
                .filter(|d| d.code().starts_with("CARIF-"))
                .count(),
            want.len(),
            "{name}"
        );
    }
    assert_eq!(seen, expected.len(), "corpus files");
}
