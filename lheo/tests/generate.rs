//! The synthetic feed generator and the bundled fixtures, held against an independent oracle
//! (`xmllint` with the official XSD) and against the LHEO and France Travail rules checked
//! here on the parsed tree.
//!
//! Tests that need `xmllint` or `../shared/` print why they skip; with `LHEO_REQUIRE_ORACLE=1`
//! (CI) they fail instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use lheo::generate::{GenerateOptions, Generator, Root};
use lheo::schema::{self, Content, ElementId, STD_ATTRIBUTES};
use lheo::Date;

const NS: &str = "http://lheo.gouv.fr/2.3";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn options(formations: u64, seed: u64, root: Root) -> GenerateOptions {
    GenerateOptions::new(formations)
        .with_seed(seed)
        .with_root(root)
        .with_today(today())
        .with_france_travail(true)
}

fn generate(o: GenerateOptions) -> String {
    let mut out = Vec::new();
    Generator::new(o).write(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `xmllint` and the official XSD, or `None` (after saying why) when absent.
fn oracle() -> Option<PathBuf> {
    let xsd = workspace().join("../shared/lheo/lheo-2.3.xsd");
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    let why = if !xmllint {
        "xmllint is not installed"
    } else if !xsd.exists() {
        "../shared/lheo/lheo-2.3.xsd is absent"
    } else {
        return Some(xsd);
    };
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("oracle required (LHEO_REQUIRE_ORACLE=1) but {why}");
    }
    eprintln!("skipped: {why}");
    None
}

/// Runs `xmllint --noout --schema` on `xml`; `Ok` when valid, else its messages.
fn xmllint(xsd: &Path, xml: &str) -> Result<(), String> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(xml.as_bytes()).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(file.path())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(workspace().join("fixtures").join(name)).unwrap()
}

#[test]
fn generated_feeds_are_valid_against_the_official_xsd() {
    let Some(xsd) = oracle() else { return };
    for root in Root::ALL {
        for (formations, seed) in [(1, 1), (3, 7), (25, 42), (3, 2027)] {
            let xml = generate(options(formations, seed, root));
            if let Err(e) = xmllint(&xsd, &xml) {
                panic!(
                    "{root}, {formations} formations, seed {seed}:\n{}",
                    head(&e)
                );
            }
        }
    }
    let mut o = options(25, 3, Root::Lheo);
    o.france_travail = false;
    xmllint(&xsd, &generate(o)).unwrap_or_else(|e| panic!("without France Travail: {}", head(&e)));
}

fn head(s: &str) -> String {
    s.lines().take(20).collect::<Vec<_>>().join("\n")
}

#[test]
fn fixtures_have_their_expected_verdicts() {
    let Some(xsd) = oracle() else { return };
    for name in ["exemple.xml", "minimal.xml"] {
        xmllint(&xsd, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {}", head(&e)));
    }
    let v22 = fixture("exemple-2.2.xml");
    assert!(v22.contains("xmlns=\"http://www.lheo.org/2.2\""));
    assert!(xmllint(&xsd, &v22).is_err(), "a 2.2 namespace is not 2.3");
    let swapped = v22.replace("http://www.lheo.org/2.2", NS);
    xmllint(&xsd, &swapped).unwrap_or_else(|e| panic!("exemple-2.2.xml as 2.3: {}", head(&e)));

    let e = xmllint(&xsd, &fixture("invalide.xml")).expect_err("invalide.xml must be invalid");
    // The structural mistakes: a missing required element and a code outside its dictionary.
    assert!(
        e.contains("Missing child element") || e.contains("is not expected"),
        "{e}"
    );
    assert!(e.contains("enumeration"), "{e}");
}

#[test]
fn the_minimal_fixture_has_only_required_elements() {
    let xml = fixture("minimal.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let id = schema::element_id(node.tag_name().name()).unwrap();
        if let Content::Sequence(particles) = schema::element(id).content {
            for p in particles {
                let name = schema::element(p.element).name;
                let n = node
                    .children()
                    .filter(|c| c.has_tag_name((NS, name)))
                    .count() as u32;
                assert_eq!(n, p.min, "{name} in {}", node.tag_name().name());
            }
        }
        assert_eq!(node.attributes().count(), 0, "{}", node.tag_name().name());
    }
}

/// Every element reachable from `root` in the schema.
fn reachable(root: ElementId) -> BTreeSet<&'static str> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        if !seen.insert(schema::element(id).name) {
            continue;
        }
        match schema::element(id).content {
            Content::Sequence(ps) => todo.extend(ps.iter().map(|p| p.element)),
            Content::Choice { children, .. } => todo.extend(children.iter().copied()),
            Content::Any | Content::Simple(_) => {}
        }
    }
    seen
}

#[test]
fn a_feed_of_a_few_formations_covers_every_reachable_element() {
    for (root, id) in [
        (Root::Lheo, schema::id::LHEO),
        (Root::LheoIndex, schema::id::LHEO_INDEX),
        (Root::LheoPlus, schema::id::LHEO_PLUS),
    ] {
        for seed in [0, 1, 99] {
            let xml = generate(options(3, seed, root));
            let doc = roxmltree::Document::parse(&xml).unwrap();
            let present: HashSet<&str> = doc
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().namespace() == Some(NS))
                .map(|n| n.tag_name().name())
                .collect();
            let missing: Vec<_> = reachable(id)
                .into_iter()
                .filter(|n| !present.contains(n))
                .collect();
            assert!(
                missing.is_empty(),
                "{root}, seed {seed}: missing {missing:?}"
            );
        }
    }
    assert!(reachable(schema::id::LHEO).len() > 150);
}

#[test]
fn every_attribute_and_kind_of_extension_appears() {
    let xml = generate(options(3, 5, Root::Lheo));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let mut attrs: HashSet<(&str, &str)> = HashSet::new();
    for n in doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(NS))
    {
        for a in n.attributes() {
            attrs.insert((n.tag_name().name(), a.name()));
        }
    }
    let names: HashSet<&str> = attrs.iter().map(|(_, a)| *a).collect();
    for (a, _) in STD_ATTRIBUTES {
        assert!(names.contains(a), "attribute {a} never written");
    }
    for e in reachable(schema::id::LHEO) {
        let decl = schema::element(schema::element_id(e).unwrap());
        for a in decl.extra_attributes {
            assert!(attrs.contains(&(e, *a)), "{e}/@{a} never written");
        }
    }
    let extras: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "extra")))
        .collect();
    let nested = doc.descendants().any(|n| {
        n.has_tag_name((NS, "extras")) && n.parent().is_some_and(|p| p.has_tag_name((NS, "extras")))
    });
    assert!(nested, "nested extras");
    let has = |f: &dyn Fn(roxmltree::Node) -> bool| extras.iter().any(|e| f(*e));
    assert!(
        has(&|e| e.children().all(|c| c.is_text()) && e.text().is_some()),
        "text extra"
    );
    assert!(
        has(&|e| e.children().any(|c| c.is_element()
            && c.tag_name()
                .namespace()
                .is_some_and(|n| n != NS && !n.is_empty()))),
        "foreign namespace"
    );
    assert!(
        has(&|e| e
            .children()
            .any(|c| c.is_element() && matches!(c.tag_name().namespace(), None | Some("")))),
        "no namespace"
    );
    assert!(
        has(&|e| e
            .children()
            .any(|c| c.is_element() && c.attributes().count() > 0)),
        "attributes in free XML"
    );
    assert!(
        has(&|e| e
            .children()
            .any(|c| c.is_text() && !c.text().unwrap_or("").trim().is_empty())
            && e.children().any(|c| c.is_element())),
        "mixed content"
    );
    assert!(
        has(&|e| e.children().any(|c| c.tag_name().namespace() == Some(NS))),
        "LHEO element in extra"
    );
    assert!(
        has(&|e| e
            .attributes()
            .any(|a| !STD_ATTRIBUTES.iter().any(|(n, _)| *n == a.name()))),
        "other attribute on extra"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    for root in Root::ALL {
        let a = generate(options(5, 11, root));
        let b = generate(options(5, 11, root));
        assert_eq!(a, b);
        assert_ne!(a, generate(options(5, 12, root)));
    }
    let g = Generator::new(options(2, 3, Root::Lheo));
    assert_eq!(g.to_xml_string(), g.to_xml_string());
}

/// A sink that counts bytes and remembers the largest single write.
#[derive(Default)]
struct Sink {
    bytes: u64,
    writes: u64,
    largest: usize,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.writes += 1;
        self.largest = self.largest.max(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn generation_streams_into_any_writer() {
    let mut sink = Sink::default();
    let start = std::time::Instant::now();
    let summary = Generator::new(options(2000, 1, Root::Lheo))
        .write(&mut sink)
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(summary.formations, 2000);
    assert_eq!(summary.bytes, sink.bytes);
    assert!(summary.sessions >= 2000 && summary.recrutements >= summary.sessions);
    // Flushed in buffer-sized chunks, never as one document-sized block.
    assert!(
        sink.writes > 10 && sink.largest <= 1 << 16,
        "{} writes, largest {}",
        sink.writes,
        sink.largest
    );
    eprintln!(
        "2000 formations: {:.1} MB in {secs:.2} s ({:.0} MB/s, unoptimised build)",
        sink.bytes as f64 / 1e6,
        sink.bytes as f64 / 1e6 / secs.max(1e-9)
    );
}

#[test]
fn a_failing_writer_is_an_error_not_a_panic() {
    struct Full(usize);
    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.0 < buf.len() {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disque plein"));
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let e = Generator::new(options(50, 1, Root::Lheo))
        .write(Full(100_000))
        .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::StorageFull);
}

// ---------------------------------------------------------------------------------------
// The LHEO and France Travail rules, checked independently of the library's rules.

type Node<'a, 'i> = roxmltree::Node<'a, 'i>;

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name((NS, name)))
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text())
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// `(first day, last day)` of an LHEO date; `None` for `00000000`.
fn span(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let d = date(s);
    assert!(d.is_valid(), "impossible date {s}");
    d.span()
}

fn hour(s: &str) -> u32 {
    let (h, m) = s.split_once('h').unwrap_or_else(|| panic!("hour {s}"));
    let ok = matches!((h.len(), m.len()), (1 | 2, 0) | (2, 2));
    assert!(
        ok && h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()),
        "hour {s}"
    );
    let (h, m): (u32, u32) = (
        h.parse().unwrap(),
        if m.is_empty() { 0 } else { m.parse().unwrap() },
    );
    assert!(h < 24 && m < 60, "hour {s}");
    h * 60 + m
}

fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0') * if i % 2 == 1 { 2 } else { 1 };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) && sum.is_multiple_of(10)
}

fn check_rules(xml: &str, today: NaiveDate) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut ids = HashSet::new();
    let mut idrefs = Vec::new();
    let mut numeros = HashSet::new();
    for n in doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(NS))
    {
        let name = n.tag_name().name();
        if let Some(id) = n.attribute("id") {
            assert!(ids.insert(id), "duplicate id {id}");
        }
        if let Some(r) = n.attribute("idref") {
            idrefs.push(r);
        }
        for (a, ty) in STD_ATTRIBUTES {
            if let (Some(v), schema::AttrType::DateTime) = (n.attribute(a), ty) {
                let ok = chrono::DateTime::parse_from_rfc3339(v).is_ok()
                    || chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f").is_ok();
                assert!(ok, "{name}/@{a} = {v}");
            }
        }
        let Some(id) = schema::element_id(name) else {
            continue;
        };
        if let Content::Simple(st) = schema::element(id).content {
            let v = n.text().unwrap_or("");
            if let Some((lo, hi)) = st.range {
                let x: i64 = v.trim().parse().unwrap();
                assert!((lo..=hi).contains(&x), "{name} = {x}");
            }
            match st.format {
                Some(schema::Format::Date) => assert!(date(v).is_valid(), "{name} = {v}"),
                Some(schema::Format::Heure) => {
                    hour(v);
                }
                None => {}
            }
        }
        match name {
            "periode" => {
                let (d, f) = (text(n, "debut").unwrap(), text(n, "fin").unwrap());
                if let (Some((d0, _)), Some((_, f1))) = (span(d), span(f)) {
                    assert!(d0 <= f1, "periode {d} > {f}");
                }
                if let (Some((_, d1)), Some((f0, _))) = (span(d), span(f)) {
                    assert!(d1 <= f0 || d == f, "periode {d}..{f} is ambiguous");
                }
            }
            "SIRET" => assert!(luhn(n.text().unwrap()), "SIRET {:?}", n.text()),
            "adresse" => {
                let ligne = text(n, "ligne").unwrap_or("");
                assert!(!ligne.trim().is_empty(), "blank first ligne");
                assert!(!text(n, "ville").unwrap_or("").trim().is_empty());
                for code in [text(n, "codepostal"), text(n, "code-INSEE-commune")] {
                    let c = code.expect("codepostal and code-INSEE-commune");
                    assert!(
                        c.chars().all(|c| c.is_ascii_alphanumeric()) && c != "00000",
                        "{c}"
                    );
                }
            }
            "session" => check_session(n, today, &mut numeros),
            _ => {}
        }
    }
    for r in idrefs {
        assert!(ids.contains(r), "idref {r} points at no id");
    }
}

fn check_session<'a>(s: Node<'a, '_>, today: NaiveDate, numeros: &mut HashSet<&'a str>) {
    let fin = span(text(child(s, "periode").unwrap(), "fin").unwrap())
        .unwrap()
        .1;
    let recs: Vec<_> = s
        .children()
        .filter(|c| c.has_tag_name((NS, "recrutement")))
        .collect();
    let by: HashMap<&str, Vec<Node>> = recs.iter().fold(HashMap::new(), |mut m, r| {
        m.entry(text(*r, "modalite-recrutement").unwrap())
            .or_default()
            .push(*r);
        m
    });
    let online = ["7", "8", "9"].iter().any(|m| by.contains_key(m));
    assert!(
        online,
        "session {:?} has no modality 7, 8 or 9",
        s.attribute("numero")
    );
    assert_eq!(text(s, "etat-recrutement"), Some("1"));
    for r in recs
        .iter()
        .filter(|r| matches!(text(**r, "modalite-recrutement"), Some("7" | "8" | "9")))
    {
        let numero = r.attribute("numero").unwrap_or("");
        assert!(
            !numero.is_empty() && numeros.insert(numero),
            "recrutement numero {numero:?}"
        );
    }
    let mut isc = Vec::new();
    for r in by.get("7").into_iter().flatten() {
        let places: u32 = text(*r, "nb-places").unwrap().parse().unwrap();
        assert!((1..=999).contains(&places));
        let p = child(*r, "periode").unwrap();
        let (d, f) = (
            date(text(p, "debut").unwrap()),
            date(text(p, "fin").unwrap()),
        );
        let (d, f) = (d.to_naive().unwrap(), f.to_naive().unwrap());
        assert!(d < fin && d <= f);
        isc.push((d, f));
    }
    isc.sort();
    assert!(
        isc.windows(2).all(|w| w[0].1 < w[1].0),
        "ISC periods overlap"
    );
    let rdv: Vec<_> = ["8", "9"]
        .iter()
        .flat_map(|m| by.get(m).into_iter().flatten())
        .collect();
    assert!(rdv.len() <= 120);
    for r in rdv {
        let places: u32 = text(*r, "nb-places").unwrap().parse().unwrap();
        assert!((1..=299).contains(&places));
        let p = child(*r, "periode").unwrap();
        let (d, f) = (text(p, "debut").unwrap(), text(p, "fin").unwrap());
        assert_eq!(d, f, "one day");
        let day = date(d).to_naive().unwrap();
        assert!(day >= today && day <= fin, "RDV on {day}");
        let (h1, h2) = (
            hour(text(*r, "heure-debut").unwrap()),
            hour(text(*r, "heure-fin").unwrap()),
        );
        assert!(h1 >= 7 * 60 && h2 <= 20 * 60 && h1 < h2);
        assert!(text(*r, "a-distance") == Some("1") || child(*r, "adresse").is_some());
    }
}

#[test]
fn generated_feeds_follow_the_lheo_and_france_travail_rules() {
    for root in Root::ALL {
        for seed in [0, 1, 2, 3, 42] {
            check_rules(&generate(options(25, seed, root)), today());
        }
    }
}

#[test]
fn the_example_fixture_follows_the_rules() {
    check_rules(
        &fixture("exemple.xml"),
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    );
}

#[test]
fn the_library_finds_no_error_in_generated_feeds() {
    use lheo::rules::Profile;
    use lheo::validate::{validate, ValidateOptions};
    for root in Root::ALL {
        let xml = generate(options(10, 8, root));
        let mut o = ValidateOptions::new(Profile::FranceTravail);
        o.today = Some(today());
        let report = validate(xml.as_bytes(), &o);
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity != lheo::Severity::Info)
            .map(|d| format!("{d:?}"))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{root}: {errors:#?}");
    }
}
