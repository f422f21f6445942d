//! Validation on several threads gives the report of a single pass, whatever the cut: the
//! fixtures, the real corpus, generated feeds of every root and hand-made corners (errors
//! between records, `@id`s across chunks, duplicate France Travail numeros, fatal errors
//! inside and between records, encodings), each validated with every profile in one pass and
//! with chunks of one record, a few records, and many.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};

const PROFILES: [Profile; 3] = [Profile::Xsd, Profile::Lheo, Profile::FranceTravail];

fn options(profile: Profile, threads: usize, chunk_bytes: usize) -> ValidateOptions {
    ValidateOptions::new(profile)
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"))
        .with_threads(threads)
        .with_chunk_bytes(chunk_bytes)
}

/// Asserts that every cut gives the single-pass report, for every profile.
fn assert_same(name: &str, xml: &[u8]) {
    for profile in PROFILES {
        let one = support::render_report(&validate(xml, &options(profile, 1, 1 << 20)));
        for (threads, chunk) in [(2, 1), (2, 300), (3, 5000), (2, 1 << 20)] {
            let many = support::render_report(&validate(xml, &options(profile, threads, chunk)));
            assert!(
                one == many,
                "{name}, {profile:?}, {threads} threads, chunks of {chunk} bytes:\n--- one pass\n{one}\n--- threads\n{many}"
            );
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn fixtures() {
    let mut files = Vec::new();
    support::xml_files(&workspace().join("fixtures"), &mut files);
    assert!(files.len() > 10, "fixtures not found");
    for f in files {
        let xml = std::fs::read(&f).unwrap();
        assert_same(&f.display().to_string(), &xml);
    }
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
    for f in files {
        let xml = std::fs::read(&f).unwrap();
        assert_same(&f.display().to_string(), &xml);
    }
}

fn generated(root: Root, formations: u64, seed: u64) -> String {
    let mut out = Vec::new();
    Generator::new(
        GenerateOptions::new(formations)
            .with_seed(seed)
            .with_root(root)
            .with_today(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
            .with_france_travail(true),
    )
    .write(&mut out)
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn generated_feeds() {
    for root in [Root::Lheo, Root::LheoIndex, Root::LheoPlus] {
        for seed in [1, 7] {
            let xml = generated(root, 12, seed);
            assert_same(&format!("{root:?} seed {seed}"), xml.as_bytes());
        }
    }
}

/// A generated feed with `edit` applied to its `n`-th formation (1-based).
fn edited(n: usize, edit: impl Fn(&str) -> String) -> String {
    let xml = generated(Root::Lheo, 8, 3);
    let mut starts: Vec<usize> = xml.match_indices("<formation").map(|(i, _)| i).collect();
    starts.push(xml.find("</offres>").unwrap());
    let (a, b) = (starts[n - 1], starts[n]);
    format!("{}{}{}", &xml[..a], edit(&xml[a..b]), &xml[b..])
}

#[test]
fn corners() {
    let cases: Vec<(&str, String)> = vec![
        // A finding that changes the container's state: the rest is read in sequence.
        (
            "unknown element between records",
            edited(3, |f| format!("<inconnu/>{f}")),
        ),
        (
            "text between records",
            edited(4, |f| format!("du texte{f}")),
        ),
        (
            "comment and PI between records",
            edited(2, |f| format!("<!-- > < --><?pi x?>{f}")),
        ),
        (
            "extras in offres",
            edited(8, |f| format!("{f}<extras><extra>x</extra></extras>")),
        ),
        // Ids and references across chunks.
        ("ids across records", {
            let a = edited(2, |f| {
                f.replacen("<intitule-formation", "<intitule-formation id=\"x1\"", 1)
            });
            let b = a.replacen("<objectif-formation", "<objectif-formation idref=\"x1\"", 1);
            b.replacen("<resultats-attendus", "<resultats-attendus id=\"x1\"", 3)
        }),
        (
            "dangling idref",
            edited(5, |f| {
                f.replacen(
                    "<intitule-formation",
                    "<intitule-formation idref=\"nulle-part\"",
                    1,
                )
            }),
        ),
        // France Travail: one numero used in several records.
        ("duplicate numeros", {
            let xml = generated(Root::Lheo, 8, 3);
            let re = "numero=\"";
            let mut out = String::new();
            let mut rest = xml.as_str();
            while let Some(i) = rest.find("<recrutement ") {
                let j = rest[i..].find(re).map(|j| i + j + re.len()).unwrap_or(i);
                out.push_str(&rest[..j]);
                rest = &rest[j..];
                if j > i {
                    let k = rest.find('"').unwrap();
                    out.push_str("REC-1");
                    rest = &rest[k..];
                } else {
                    out.push_str(&rest[..1]);
                    rest = &rest[1..];
                }
            }
            out.push_str(rest);
            out
        }),
        // Fatal errors inside a record, between records, at the end.
        (
            "mismatched end tag in a record",
            edited(4, |f| f.replacen("</intitule-formation>", "</intitule>", 1)),
        ),
        (
            "stray end tag between records",
            edited(6, |f| format!("</offres>{f}")),
        ),
        ("truncated", {
            let x = generated(Root::Lheo, 8, 3);
            x[..x.len() * 2 / 3].to_owned()
        }),
        (
            "undefined entity",
            edited(7, |f| {
                f.replacen("<intitule-formation>", "<intitule-formation>&nope;", 1)
            }),
        ),
        (
            "attribute value with >",
            edited(3, |f| {
                f.replacen("<formation", "<formation numero=\"a>b\"", 1)
            }),
        ),
        (
            "CDATA with tags",
            edited(2, |f| {
                f.replacen(
                    "<intitule-formation>",
                    "<intitule-formation><![CDATA[</formation><formation>]]>",
                    1,
                )
            }),
        ),
        (
            "record in another namespace",
            edited(5, |f| {
                f.replacen("<formation", "<formation xmlns=\"urn:autre\"", 1)
            }),
        ),
        (
            "prefixed records",
            generated(Root::Lheo, 6, 2)
                .replace(
                    "<formation",
                    "<l:formation xmlns:l=\"http://lheo.gouv.fr/2.3\"",
                )
                .replace("</formation>", "</l:formation>"),
        ),
        ("one line", generated(Root::Lheo, 6, 2).replace('\n', "")),
        ("CRLF", generated(Root::Lheo, 6, 2).replace('\n', "\r\n")),
        (
            "doctype",
            generated(Root::Lheo, 4, 2).replacen("<lheo", "<!DOCTYPE lheo>\n<lheo", 1),
        ),
        (
            "text after the root",
            format!("{}x", generated(Root::Lheo, 4, 2)),
        ),
        ("empty", String::new()),
        (
            "no records",
            "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres/></lheo>".to_owned(),
        ),
    ];
    for (name, xml) in &cases {
        assert_same(name, xml.as_bytes());
    }
    // Other encodings: transcoded before cutting.
    let latin1: Vec<u8> = generated(Root::Lheo, 6, 4)
        .replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    assert_same("ISO-8859-1", &latin1);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in generated(Root::Lheo, 6, 4).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_same("UTF-16", &utf16);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(generated(Root::Lheo, 6, 4).as_bytes());
    assert_same("UTF-8 BOM", &bom);
}

/// Inputs the `parallel` fuzz target found (first byte: the chunk size it used, less one).
#[test]
fn fuzz_findings() {
    let dir = workspace().join("lheo/tests/data/fuzz/parallel");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let Some((&first, xml)) = data.split_first() else {
            continue;
        };
        let chunk = usize::from(first) + 1;
        for profile in PROFILES {
            let one = support::render_report(&validate(xml, &options(profile, 1, 1 << 20)));
            let two = support::render_report(&validate(xml, &options(profile, 2, chunk)));
            assert!(
                one == two,
                "{}, {profile:?}:\n{one}\n---\n{two}",
                e.path().display()
            );
        }
        n += 1;
    }
    assert!(n > 0, "no inputs in {}", dir.display());
}

/// Past the budget of findings, the kept ones and the summary do not depend on the cut.
#[test]
fn budget() {
    let xml = edited(2, |f| {
        f.replace("<intitule-formation>", "<intitule-formation><x/>")
    });
    let many = xml.replace("</formation>", "<y/><y/><y/></formation>");
    for profile in PROFILES {
        let mut o1 = options(profile, 1, 1 << 20);
        o1.limits.max_diagnostics = 7;
        let mut o2 = options(profile, 2, 1);
        o2.limits.max_diagnostics = 7;
        let one = support::render_report(&validate(many.as_bytes(), &o1));
        let two = support::render_report(&validate(many.as_bytes(), &o2));
        assert_eq!(one, two, "{profile:?}");
        assert!(one.contains("XML-LIMITE"), "{one}");
    }
}
