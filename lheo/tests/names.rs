//! XML names: the reader and the writer accept exactly the names `xmllint` (libxml2, XML 1.0
//! fifth edition) accepts, as element and as attribute names in `extras` (differential test
//! over the boundaries of every `NameStartChar` and `NameChar` range).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use lheo::reader::read_document;
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use lheo::writer::write_document;

/// Code points at and around the bounds of the fifth edition's name ranges.
fn candidates() -> Vec<char> {
    let bounds: &[u32] = &[
        0x2D, 0x2E, 0x30, 0x39, 0x41, 0x5A, 0x5F, 0x61, 0x7A, 0xB7, 0xC0, 0xD6, 0xD7, 0xD8, 0xF6,
        0xF7, 0xF8, 0x2FF, 0x300, 0x301, 0x36F, 0x370, 0x37D, 0x37E, 0x37F, 0x1FFF, 0x2000, 0x200B,
        0x200C, 0x200D, 0x200E, 0x203E, 0x203F, 0x2040, 0x2041, 0x206F, 0x2070, 0x218F, 0x2190,
        0x2BFF, 0x2C00, 0x2FEF, 0x2FF0, 0x3000, 0x3001, 0xD7FF, 0xE000, 0xF8FF, 0xF900, 0xFDCF,
        0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD, 0x10000, 0xEFFFF, 0xF0000, 0xFFFFD, 0x10FFFF,
    ];
    let mut out = Vec::new();
    for &b in bounds {
        for u in [b.saturating_sub(1), b, b + 1] {
            if let Some(c) = char::from_u32(u) {
                // `:` is a matter of Namespaces in XML (where lheo, like a schema
                // validator, refuses what plain `xmllint --noout` only warns about).
                if !out.contains(&c) && !c.is_control() && c != ':' {
                    out.push(c);
                }
            }
        }
    }
    out
}

fn document(name: &str, as_attribute: bool) -> String {
    let minimal = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/minimal.xml"
    ))
    .expect("fixtures/minimal.xml");
    let extras = if as_attribute {
        format!("<extras><extra {name}=\"1\">x</extra></extras>")
    } else {
        format!("<extras><extra><{name}>x</{name}></extra></extras>")
    };
    minimal.replacen("</formation>", &format!("{extras}</formation>"), 1)
}

/// `xmllint --noout` accepts `doc` (well-formed and namespace-well-formed).
fn xmllint_accepts(docs: &[String]) -> Vec<bool> {
    docs.iter()
        .map(|doc| {
            let mut child = Command::new("xmllint")
                .args(["--noout", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("xmllint runs");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(doc.as_bytes())
                .expect("write to xmllint");
            child.wait().expect("xmllint ends").success()
        })
        .collect()
}

#[test]
fn names_as_xmllint() {
    if support::oracle(true).is_none() {
        return;
    }
    let mut cases = Vec::new();
    for c in candidates() {
        for name in [format!("{c}"), format!("a{c}")] {
            for as_attribute in [false, true] {
                cases.push((name.clone(), as_attribute, document(&name, as_attribute)));
            }
        }
    }
    let docs: Vec<String> = cases.iter().map(|c| c.2.clone()).collect();
    let verdicts = xmllint_accepts(&docs);
    let mut wrong = Vec::new();
    for ((name, as_attribute, doc), xmllint) in cases.iter().zip(verdicts) {
        let report = validate(doc.as_bytes(), &ValidateOptions::new(Profile::Xsd));
        let ours = !report
            .diagnostics
            .iter()
            .any(|d| d.code().starts_with("XML-"));
        let read = read_document(doc.as_bytes());
        if ours != xmllint || read.is_ok() != xmllint {
            wrong.push(format!(
                "{:?} (U+{:04X}) as {}: xmllint {xmllint}, validate {ours}, read {}",
                name,
                name.chars().last().map_or(0, |c| c as u32),
                if *as_attribute {
                    "attribute"
                } else {
                    "element"
                },
                read.is_ok()
            ));
            continue;
        }
        if let Ok(document) = read {
            // What is read is written back, and reads the same.
            let mut out = Vec::new();
            match write_document(&document, &mut out) {
                Ok(()) => assert_eq!(read_document(&out[..]).ok(), Some(document), "{name:?}"),
                Err(e) => wrong.push(format!("{name:?}: read but not written: {e}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
