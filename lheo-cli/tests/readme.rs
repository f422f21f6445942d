//! The READMEs say what the command does: their `console` blocks run and print what they
//! show (trycmd), and every `lheo …` line of their other blocks is a command line `lheo`
//! accepts.
//!
//! Each README is copied into a temporary folder beside a `<name>.in/` folder that links to
//! the repository's `fixtures/` and `lheo-cli/`, so the commands run as in the repository's
//! root and the files they write stay in the temporary folder; `../shared` links to the
//! reference material beside the repository. Where that material is absent, the examples
//! that use it are not run (said on the output; a failure with `LHEO_REQUIRE_ORACLE=1`). A `console` block is a
//! sequence: `$ lheo …` lines, `? 1` for an exit code other than 0, then what the command
//! prints (stdout and stderr together); `...` on a line of its own stands for any lines,
//! `[..]` for the rest of a line.
//!
//! **When an output changes** (a message reworded, a new finding), regenerate the examples
//! and review the difference:
//!
//! ```sh
//! TRYCMD=overwrite cargo test -p lheo-cli --test readme
//! git diff README.md lheo-cli/README.md
//! ```
//!
//! The overwrite keeps the `...` and `[..]` elisions where it can; put back by hand any it
//! expanded.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::workspace;

/// The READMEs checked, by path in the repository.
const READMES: [&str; 2] = ["README.md", "lheo-cli/README.md"];

/// Copies `readme` into `dir` as `name`, beside `name.in/` (the folder its commands run in)
/// and `shared` (the reference material, `../shared` from there).
fn stage(dir: &Path, readme: &str) -> PathBuf {
    let name = readme.replace('/', "-");
    let staged = dir.join(&name);
    let shared = workspace().join("../shared");
    let text = fs::read_to_string(workspace().join(readme)).unwrap();
    if shared.is_dir() {
        #[cfg(unix)]
        if !dir.join("shared").exists() {
            std::os::unix::fs::symlink(&shared, dir.join("shared")).unwrap();
        }
        fs::write(&staged, text).unwrap();
    } else {
        assert!(
            std::env::var("LHEO_REQUIRE_ORACLE").as_deref() != Ok("1"),
            "{} is absent: the README examples that use it cannot run",
            shared.display()
        );
        println!(
            "{}: the examples that use ../shared/ are not run ({} is absent)",
            readme,
            shared.display()
        );
        fs::write(&staged, without_shared_examples(&text)).unwrap();
    }
    let run_in = staged.with_extension("in");
    fs::create_dir(&run_in).unwrap();
    for linked in ["fixtures", "lheo-cli"] {
        #[cfg(unix)]
        std::os::unix::fs::symlink(workspace().join(linked), run_in.join(linked)).unwrap();
        #[cfg(not(unix))]
        let _ = linked;
    }
    staged
}

#[cfg(unix)]
#[test]
fn console_examples_print_what_the_readmes_show() {
    let dir = tempfile::tempdir().unwrap();
    let staged: Vec<(PathBuf, &str)> = READMES.iter().map(|r| (stage(dir.path(), r), *r)).collect();
    {
        let cases = trycmd::TestCases::new();
        cases
            .register_bin("lheo", PathBuf::from(env!("CARGO_BIN_EXE_lheo")))
            .env("NO_COLOR", "1")
            // French, whatever the machine's locale.
            .env("LC_ALL", "C.UTF-8");
        for (path, _) in &staged {
            cases.case(path);
        }
        cases.run();
    }
    if std::env::var("TRYCMD").as_deref() == Ok("overwrite") {
        // Without the reference material, the staged copies lack some examples.
        assert!(
            workspace().join("../shared").is_dir(),
            "TRYCMD=overwrite needs ../shared/"
        );
        for (path, readme) in &staged {
            fs::copy(path, workspace().join(readme)).unwrap();
        }
    }
}

/// `markdown` with its `console` blocks that use `../shared/` turned into `text` blocks.
fn without_shared_examples(markdown: &str) -> String {
    let mut out = String::new();
    let mut block: Vec<&str> = Vec::new();
    let mut in_console = false;
    for line in markdown.lines() {
        if in_console {
            block.push(line);
            if line.starts_with("```") {
                let uses_shared = block.iter().any(|l| l.contains("../shared/"));
                for (i, l) in block.drain(..).enumerate() {
                    let l = if i == 0 && uses_shared { "```text" } else { l };
                    out.push_str(l);
                    out.push('\n');
                }
                in_console = false;
            }
            continue;
        }
        if line.trim_end() == "```console" {
            in_console = true;
            block.push(line);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    for l in block {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// The `lheo …` lines of the blocks that are not run: synopses (`text`) and scripts (`sh`).
fn command_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        if let Some(info) = line.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(info.trim().to_owned()),
            };
            continue;
        }
        let Some(lang) = &block else { continue };
        if lang == "console" || lang.starts_with("rust") {
            continue;
        }
        let code = line.split('#').next().unwrap_or("").trim();
        let code = code
            .strip_prefix("cargo run --release -- ")
            .map(|rest| format!("lheo {rest}"))
            .unwrap_or_else(|| code.to_owned());
        if code.starts_with("lheo ") {
            lines.push(code);
        }
    }
    lines
}

#[test]
fn every_command_line_of_the_readmes_is_accepted() {
    let mut seen = 0;
    for readme in READMES {
        let text = fs::read_to_string(workspace().join(readme)).unwrap();
        for line in command_lines(&text) {
            // Synopses: keep the command and the options named, drop the placeholders.
            let words: Vec<String> = line
                .split_whitespace()
                .skip(1)
                .take_while(|w| !w.contains(['|', '>', ';']))
                .filter(|w| !w.starts_with('[') && !w.contains('…'))
                .map(str::to_owned)
                .collect();
            let mut cmd = common::lheo();
            cmd.args(&words).arg("--help");
            let (code, stdout, stderr) = common::output(&mut cmd);
            assert_eq!(code, 0, "{readme}: `{line}` ({words:?}): {stdout}{stderr}");
            seen += 1;
        }
        // The first lines: the two commands a newcomer needs.
        let first: Vec<&str> = text.lines().skip(2).take(4).collect();
        if readme == "README.md" {
            assert!(
                first[0].starts_with("```sh")
                    && first[1].starts_with("cargo run --release -- validate fixtures/")
                    && first[2].starts_with("cargo test --workspace"),
                "{first:?}"
            );
        }
    }
    assert!(seen >= 8, "{seen} command lines");
    // `cargo install --path lheo-cli` installs a binary named lheo.
    let manifest = fs::read_to_string(workspace().join("lheo-cli/Cargo.toml")).unwrap();
    assert!(manifest.contains("[[bin]]\nname = \"lheo\""), "{manifest}");
}

#[test]
fn examples_that_need_shared_can_be_set_aside() {
    let md = "a\n```console\n$ lheo validate x.xml\nok\n```\n```console\n$ lheo validate --referentiels ../shared/r x.xml\n? 1\n```\nb\n";
    let out = without_shared_examples(md);
    assert_eq!(
        out,
        "a\n```console\n$ lheo validate x.xml\nok\n```\n```text\n$ lheo validate --referentiels ../shared/r x.xml\n? 1\n```\nb\n"
    );
}
