//! Shared test support: the reference material (`../shared`, `xmllint`), an independent
//! lossless comparison of two XML documents ([`compare`]), hand-made LHEO trees
//! ([`trees`]) and proptest strategies for random valid LHEO values ([`strategies`]).
//!
//! Tests that need the reference material call [`oracle`]: without it they print why and
//! return, unless `LHEO_REQUIRE_ORACLE=1`, where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

pub mod compare;
pub mod strategies;
pub mod trees;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `true` when `LHEO_REQUIRE_ORACLE=1`: missing reference material is a failure.
pub fn require_oracle() -> bool {
    std::env::var("LHEO_REQUIRE_ORACLE").is_ok_and(|v| v == "1")
}

/// Reports that a test cannot run: prints `reason`, or panics under `LHEO_REQUIRE_ORACLE=1`.
pub fn missing(reason: &str) {
    if require_oracle() {
        panic!("{reason} (and LHEO_REQUIRE_ORACLE=1)");
    }
    eprintln!("skipped: {reason}");
}

/// The shared reference folder (`LHEO_SHARED`, else `../shared` next to the workspace).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LHEO_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    dir.join("lheo/lheo-2.3.xsd").is_file().then_some(dir)
}

/// The reference material a test needs.
pub struct Oracle {
    /// The shared folder.
    pub shared: PathBuf,
    /// The official XSD.
    pub xsd: PathBuf,
    /// `xmllint` runs.
    pub xmllint: bool,
}

/// The shared folder, and whether `xmllint` is usable. `None` (after [`missing`]) when the
/// shared folder is absent, or when `need_xmllint` and `xmllint` is absent.
pub fn oracle(need_xmllint: bool) -> Option<Oracle> {
    let Some(shared) = shared_dir() else {
        missing("the shared reference folder (../shared/lheo/lheo-2.3.xsd) is absent");
        return None;
    };
    let xmllint = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if need_xmllint && !xmllint {
        missing("xmllint is not installed");
        return None;
    }
    Some(Oracle {
        xsd: shared.join("lheo/lheo-2.3.xsd"),
        shared,
        xmllint,
    })
}

impl Oracle {
    /// Every `.xml` file of `corpus/real` (sub-folders included), sorted.
    pub fn corpus(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "xml") {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.shared.join("corpus/real"), &mut out);
        out.sort();
        out
    }

    /// Validates documents against the official XSD with one `xmllint` run. Returns, for
    /// each document, `Ok` or xmllint's messages.
    pub fn validate_all(&self, docs: &[&[u8]]) -> Vec<Result<(), String>> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let paths: Vec<PathBuf> = (0..docs.len())
            .map(|i| dir.path().join(format!("doc{i}.xml")))
            .collect();
        for (p, d) in paths.iter().zip(docs) {
            let mut f = std::fs::File::create(p).expect("temporary file");
            f.write_all(d).expect("write temporary file");
        }
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&self.xsd)
            .args(&paths)
            .output()
            .expect("run xmllint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        paths
            .iter()
            .map(|p| {
                let name = p.display().to_string();
                let lines: Vec<&str> = stderr
                    .lines()
                    .filter(|l| l.starts_with(&name) && !l.ends_with(" validates"))
                    .collect();
                if lines.is_empty() && stderr.contains(&format!("{name} validates")) {
                    Ok(())
                } else {
                    Err(lines.join("\n"))
                }
            })
            .collect()
    }

    /// Validates one document against the official XSD.
    pub fn validate(&self, doc: &[u8]) -> Result<(), String> {
        self.validate_all(&[doc]).remove(0)
    }
}

/// The LHEO 2.x namespaces read as 2.3.
pub const OLD_NAMESPACES: [&str; 6] = [
    "http://www.lheo.org/2.2",
    "http://www.lheo.org/2.1",
    "http://www.lheo.org/2.0",
    "http://lheo.org/2.2",
    "http://lheo.org/2.1",
    "http://lheo.org/2.0",
];

/// `text` with its LHEO 2.0–2.2 namespace URIs swapped for 2.3 (as SOURCES.md does to
/// validate 2.2 feeds against the 2.3 XSD).
pub fn as_2_3(text: &str) -> String {
    let mut s = text.to_owned();
    for ns in OLD_NAMESPACES {
        s = s.replace(ns, lheo::schema::NAMESPACE_2_3);
    }
    s
}

/// The `.xml` files under `dir`, recursively, appended to `out` (none if `dir` is absent).
pub fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
}

/// Everything a list of diagnostics says (code, severity, location, path, both messages), a
/// line each: what the differential tests compare.
pub fn render_diagnostics(diagnostics: &[lheo::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {:?} {:?} {} | {} | {}\n",
                d.code(),
                d.severity,
                d.location,
                d.path,
                d.message.fr,
                d.message.en
            )
        })
        .collect()
}

/// Everything a report says, as text.
pub fn render_report(r: &lheo::validate::Report) -> String {
    format!(
        "{:?} {:?} {:?} {:?}\n{}",
        r.profile,
        r.version,
        r.root,
        r.encoding,
        render_diagnostics(&r.diagnostics)
    )
}
