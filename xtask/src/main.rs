//! Project tasks.
//!
//! - `cargo run -p xtask -- codegen`: regenerate the Rust tables and model from
//!   `schemas/lheo-2.3.schema`.
//! - `cargo run -p xtask -- check-xsd [XSD] [GML]`: compare the description with the official
//!   XSD and GML (defaults: `../shared/lheo/…`).
//!
//! `cargo test -p xtask` fails when the generated files are stale or the description drifts
//! from the XSD.

mod codegen;
mod description;
mod xsd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn load() -> Result<description::Description, String> {
    let path = root().join("schemas/lheo-2.3.schema");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    description::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The generated files: path relative to the root, content.
fn generated(d: &description::Description) -> Vec<(&'static str, String)> {
    vec![
        ("lheo/src/schema/generated.rs", codegen::schema_tables(d)),
        ("lheo/src/model/generated.rs", codegen::model(d)),
        ("lheo/src/reader/build_generated.rs", codegen::builder(d)),
        ("lheo/src/writer/generated.rs", codegen::writer(d)),
        ("lheo/src/model/walk_generated.rs", codegen::walker(d)),
    ]
}

/// Formats Rust source with rustfmt (stdin → stdout); returns the input if rustfmt fails.
fn rustfmt(src: String) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return src };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(src.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap_or(src),
        _ => src,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => load().and_then(|d| {
            for (path, src) in generated(&d) {
                let full = root().join(path);
                std::fs::write(&full, rustfmt(src))
                    .map_err(|e| format!("{}: {e}", full.display()))?;
                println!("wrote {path}");
            }
            Ok(())
        }),
        Some("check-xsd") => load().and_then(|d| {
            let xsd = args
                .get(1)
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("../shared/lheo/lheo-2.3.xsd"));
            let gml = args
                .get(2)
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("../shared/lheo/lheo-gml-2.3.xml"));
            let problems = xsd::compare(&d, &xsd, &gml)?;
            if problems.is_empty() {
                println!(
                    "schemas/lheo-2.3.schema agrees with {} and {}",
                    xsd.display(),
                    gml.display()
                );
                Ok(())
            } else {
                Err(problems.join("\n"))
            }
        }),
        _ => Err("usage: cargo run -p xtask -- codegen | check-xsd [XSD] [GML]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_up_to_date() {
        let d = load().unwrap();
        for (path, src) in generated(&d) {
            let on_disk = std::fs::read_to_string(root().join(path)).unwrap_or_default();
            assert!(
                on_disk == rustfmt(src),
                "{path} is stale: run `cargo run -p xtask -- codegen`"
            );
        }
    }

    #[test]
    fn description_agrees_with_the_official_xsd_and_gml() {
        let xsd = root().join("../shared/lheo/lheo-2.3.xsd");
        let gml = root().join("../shared/lheo/lheo-gml-2.3.xml");
        if !xsd.exists() || !gml.exists() {
            assert!(
                std::env::var("LHEO_REQUIRE_ORACLE").as_deref() != Ok("1"),
                "../shared/lheo is required (LHEO_REQUIRE_ORACLE=1)"
            );
            eprintln!("skipped: ../shared/lheo/ not found");
            return;
        }
        let problems = xsd::compare(&load().unwrap(), &xsd, &gml).unwrap();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
