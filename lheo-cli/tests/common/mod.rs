//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;

/// `lheo-cli/tests/data`: small inputs written for these tests.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("lheo-cli sits in the workspace")
        .to_path_buf()
}

/// The locale variables `lheo` takes its language from: removed, so that messages are in
/// French whatever the machine's locale.
pub const LOCALE: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// The `lheo` binary, run from `tests/data` (so that reports show short relative names), with
/// colours off and nothing inherited that changes its output (messages in French).
pub fn lheo() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lheo"));
    cmd.current_dir(data_dir())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    for var in LOCALE {
        cmd.env_remove(var);
    }
    cmd
}

/// Address space allowed to one run of [`limited`] on Linux, in KiB.
pub const LIMIT_KIB: u64 = 512 * 1024;

/// `lheo` run from `dir` under an address-space limit on Linux (`ulimit -v`, [`LIMIT_KIB`]):
/// a run that needed more memory dies on an allocation failure instead of taking the
/// machine, and the test fails. Colours off, messages in French whatever the locale.
pub fn limited(dir: &Path) -> StdCommand {
    let bin = env!("CARGO_BIN_EXE_lheo");
    let mut cmd = if cfg!(target_os = "linux") {
        let mut c = StdCommand::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" \"$@\""))
            .arg(bin);
        c
    } else {
        StdCommand::new(bin)
    };
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    for var in LOCALE {
        cmd.env_remove(var);
    }
    cmd
}

/// `lheo` run from `dir`.
pub fn lheo_in(dir: &Path) -> Command {
    let mut cmd = lheo();
    cmd.current_dir(dir);
    cmd
}

/// Runs `lheo args…` from `tests/data` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    output(lheo().args(args))
}

/// Runs a prepared command and returns (exit code, stdout, stderr).
pub fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("lheo runs");
    (
        out.status.code().expect("lheo exits with a code"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// A JSON Schema of `schemas/`, itself checked against the draft 2020-12 meta-schema.
pub fn schema(name: &str) -> jsonschema::Validator {
    let path = workspace().join("schemas").join(name);
    let text = std::fs::read_to_string(&path).expect("schema readable");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("{name} is not a valid JSON Schema: {e}");
    }
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Asserts that `json` (one document) validates against the schema `name`.
pub fn assert_matches_schema(name: &str, json: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {json}"));
    let validator = schema(name);
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{json}");
    value
}

/// The official XSD and `xmllint`, when both are here. Without them, prints why and returns
/// `None`; with `LHEO_REQUIRE_ORACLE=1` (CI), fails instead.
pub fn oracle() -> Option<PathBuf> {
    let xsd = workspace().join("../shared/lheo/lheo-2.3.xsd");
    let xmllint = StdCommand::new("xmllint").arg("--version").output().is_ok();
    let reason = if !xsd.is_file() {
        format!("{} is absent", xsd.display())
    } else if !xmllint {
        "xmllint is not installed".to_owned()
    } else {
        return Some(xsd);
    };
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("LHEO_REQUIRE_ORACLE=1 but {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}

/// Validates `file` with `xmllint --schema xsd`; panics with its output when invalid.
pub fn assert_xmllint_valid(xsd: &Path, file: &Path) {
    let out = StdCommand::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(file)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "xmllint rejects {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Exit code, stdout and stderr of a finished run; a run killed by a signal (an allocation
/// failure under [`limited`]) or that panicked fails the test.
pub fn outcome(out: &std::process::Output) -> (i32, String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("lheo was killed ({:?}): {stderr}", out.status));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, stdout, stderr)
}

/// `lheo args` in `dir` under [`limited`]: (exit code, stdout, stderr).
pub fn run_limited(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(&limited(dir).args(args).output().expect("lheo runs"))
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A file of the repository's `fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(workspace().join("fixtures").join(name)).expect("fixture")
}

/// A feed of `n` copies of the formation of `fixtures/minimal.xml` (about 2.2 KB each).
pub fn repeated_feed(n: usize) -> String {
    let minimal = String::from_utf8(fixture("minimal.xml")).expect("UTF-8");
    let start = minimal.find("<formation>").expect("a formation");
    let end = minimal.rfind("</formation>").expect("a formation") + "</formation>".len();
    format!(
        "{}{}{}",
        &minimal[..start],
        minimal[start..end].repeat(n),
        &minimal[end..]
    )
}

/// `text` in UTF-16 with its byte order mark.
pub fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// The same feed (`plain`, declared UTF-8) in every form XML allows: with a BOM, in UTF-16
/// both ways, in ISO-8859-1 (characters beyond as references), with CRLF line ends, without
/// declaration.
pub fn encoded_variants(plain: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut latin1 = Vec::new();
    for c in plain
        .replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1)
        .chars()
    {
        match u8::try_from(u32::from(c)) {
            Ok(b) => latin1.push(b),
            Err(_) => latin1.extend(format!("&#{};", u32::from(c)).into_bytes()),
        }
    }
    let utf16_text = plain.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    let no_decl = plain[plain.find("?>").expect("declaration") + 2..].trim_start();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain.as_bytes());
    vec![
        ("plain.xml", plain.as_bytes().to_vec()),
        ("bom.xml", bom),
        ("utf16le.xml", utf16(&utf16_text, false)),
        ("utf16be.xml", utf16(&utf16_text, true)),
        ("latin1.xml", latin1),
        ("crlf.xml", plain.replace('\n', "\r\n").into_bytes()),
        ("sans-declaration.xml", no_decl.as_bytes().to_vec()),
    ]
}
