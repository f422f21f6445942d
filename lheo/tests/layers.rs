//! The layers of the library: `scripts/module-deps.py` lists the top-level modules of
//! `lheo/src` and the `crate::` paths each one uses, and finds no cycle between them (a lower
//! layer never names a higher one). The script is also run on small crates made here, so that
//! a cycle it should find is found.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace folder")
        .to_path_buf()
}

/// Runs the script with `args`; `None` (after saying why) when there is no Python.
fn script(args: &[&str]) -> Option<Output> {
    let path = workspace().join("scripts/module-deps.py");
    match Command::new("python3").arg(&path).args(args).output() {
        Ok(out) => Some(out),
        Err(e) => {
            support::missing(&format!("python3 cannot run {}: {e}", path.display()));
            None
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes a crate made of `files` (path under `src/`, contents) into a new folder.
fn small_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, code) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, code).expect("file");
    }
    dir
}

#[test]
fn the_library_has_no_cycle_between_its_top_level_modules() {
    let Some(out) = script(&["--paths"]) else {
        return;
    };
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    // Every top-level module is listed, with what it uses.
    let lib = std::fs::read_to_string(workspace().join("lheo/src/lib.rs")).expect("lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    assert!(modules.len() >= 10, "{modules:?}");
    for m in &modules {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{m} -> "))),
            "{m} not listed:\n{stdout}"
        );
    }
    // The bottom layers name no higher one.
    for (module, line) in [
        ("xml", "xml -> (nothing)"),
        ("schema", "schema -> (nothing)"),
    ] {
        assert!(stdout.lines().any(|l| l == line), "{module}:\n{stdout}");
    }
    assert!(
        stdout.contains("crate::xml::"),
        "paths are listed:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("{} top-level modules, no cycle", modules.len())),
        "{stdout}"
    );
    assert!(
        !text(&out.stderr).contains("unresolved"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_cycle_is_found_and_named() {
    let dir = small_crate(&[
        (
            "src/lib.rs",
            "mod a;\npub mod b;\nmod c;\npub use c::Thing;\n",
        ),
        // a -> b through a group, b -> c through a re-export of the root, c -> a.
        (
            "src/a.rs",
            "use crate::{b::one, c as _};\npub fn two() {}\n",
        ),
        (
            "src/b/mod.rs",
            "// crate::a in a comment is not a dependency\npub fn one() -> crate::Thing { \
             let _ = \"crate::a\"; crate::Thing }\n",
        ),
        (
            "src/c.rs",
            "pub struct Thing;\nfn f() { crate::a::two() }\n",
        ),
    ]);
    let src = dir.path().join("src");
    let Some(out) = script(&["--src", src.to_str().expect("UTF-8 path")]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("a -> b, c"), "{stdout}");
    assert!(stdout.contains("b -> c"), "{stdout}");
    assert!(stdout.contains("c -> a"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cycle between a, b, c: a -> b; a -> c; b -> c; c -> a"),
        "{stderr}"
    );
}

#[test]
fn layers_in_one_direction_pass() {
    let dir = small_crate(&[
        ("src/lib.rs", "mod low;\nmod high;\npub use low::*;\n"),
        (
            "src/low.rs",
            "/// Links to [`crate::high`] are docs, not code.\npub struct Low;\n",
        ),
        (
            "src/high/mod.rs",
            "mod inner;\nuse crate::Low;\npub fn f(_: Low) {}\n",
        ),
        ("src/high/inner.rs", "use crate::low::Low as _;\n"),
    ]);
    let src = dir.path().join("src");
    let Some(out) = script(&["--src", src.to_str().expect("UTF-8 path")]) else {
        return;
    };
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("high -> low"), "{stdout}");
    assert!(stdout.contains("low -> (nothing)"), "{stdout}");
    assert!(stdout.contains("2 top-level modules, no cycle"), "{stdout}");
}
