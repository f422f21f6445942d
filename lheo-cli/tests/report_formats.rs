//! `lheo validate --format sarif|gitlab|csv|html`, checked against the outside world: the
//! published SARIF 2.1.0 schema and GitLab Code Quality fields (`../shared/schemas/`), the
//! `csv` crate and LibreOffice then calamine for the CSV, and, for every format, the same
//! findings as `--format json`.
//!
//! Tests that need `../shared/` or LibreOffice skip with a printed reason when they are
//! absent, and fail instead with `LHEO_REQUIRE_ORACLE=1` (CI).

mod common;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use common::{data_dir, lheo_in, output, workspace};
use serde_json::Value;

/// Skips (`None`) with a printed reason, or fails under `LHEO_REQUIRE_ORACLE=1`.
fn absent(reason: String) -> Option<PathBuf> {
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("LHEO_REQUIRE_ORACLE=1 but {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}

/// A schema of `../shared/schemas/`.
fn shared_schema(name: &str) -> Option<jsonschema::Validator> {
    let path = workspace().join("../shared/schemas").join(name);
    let Ok(text) = fs::read_to_string(&path) else {
        absent(format!("{} is absent", path.display()));
        return None;
    };
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles"),
    )
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// A working folder with the inputs of these tests: a feed with errors, warnings and infos in
/// two offers (one titled with `;`, quotes and a formula, one on a single line after accented
/// text), a malformed one, and a valid one.
struct Inputs {
    dir: tempfile::TempDir,
}

const ONE_LINE: &str = "une ligne.xml";

impl Inputs {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let invalide = fs::read_to_string(workspace().join("fixtures/invalide.xml")).unwrap();
        let tricky = invalide.replacen(
            "<intitule-formation>Titre professionnel Cuisinier</intitule-formation>",
            "<intitule-formation>Cuisinier ; \"chef\" &amp; =commis</intitule-formation>",
            1,
        );
        assert_ne!(tricky, invalide);
        let tricky = tricky.replacen("numero=\"76_F0004410\"", "numero=\"=1+1\"", 1);
        fs::write(dir.path().join("invalide.xml"), tricky).unwrap();
        // One line: byte and character columns differ after « é ».
        let one_line: String = invalide.lines().map(str::trim).collect::<Vec<_>>().join("");
        fs::write(dir.path().join(ONE_LINE), one_line).unwrap();
        for name in ["malforme.xml", "valide-2.3.xml"] {
            fs::copy(data_dir().join(name), dir.path().join(name)).unwrap();
        }
        Inputs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `lheo validate --format FORMAT` on every input: (exit code, stdout).
    fn run(&self, format: &str) -> (i32, String) {
        let (code, stdout, stderr) = output(lheo_in(self.path()).args([
            "validate",
            "--format",
            format,
            "--profile",
            "france-travail",
            "--today",
            "2025-06-01",
            "invalide.xml",
            ONE_LINE,
            "malforme.xml",
            "valide-2.3.xml",
        ]));
        assert_eq!(stderr, "", "{format}");
        (code, stdout)
    }

    /// The JSON report of the same run, the reference.
    fn json(&self) -> Value {
        let (code, stdout) = self.run("json");
        assert_eq!(code, 1);
        serde_json::from_str(&stdout).unwrap()
    }
}

/// Every finding of the JSON report, with its file: (file, code, severity, line).
fn json_findings(json: &Value) -> Vec<(String, String, String, Option<u64>)> {
    let mut all = Vec::new();
    for f in json["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            all.push((
                f["file"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
                d["line"].as_u64(),
            ));
        }
    }
    all
}

#[test]
fn sarif_matches_the_oasis_schema_and_holds_every_finding() {
    let Some(validator) = shared_schema("sarif-schema-2.1.0.json") else {
        return;
    };
    let inputs = Inputs::new();
    let json = inputs.json();
    let (code, stdout) = inputs.run("sarif");
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid(&validator, &sarif, "SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let artifacts: Vec<&str> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        artifacts,
        [
            "invalide.xml",
            "une%20ligne.xml",
            "malforme.xml",
            "valide-2.3.xml"
        ]
    );
    let results = run["results"].as_array().unwrap();
    let expected = json_findings(&json);
    assert_eq!(results.len(), expected.len());
    for (r, (file, code, severity, line)) in results.iter().zip(&expected) {
        assert_eq!(r["ruleId"], code.as_str());
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], code.as_str());
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        let level = match severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        let physical = &r["locations"][0]["physicalLocation"];
        let index = physical["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(
            json["files"][index]["file"].as_str(),
            Some(file.as_str()),
            "{r}"
        );
        assert_eq!(physical["region"]["startLine"].as_u64(), *line);
        assert!(!r["partialFingerprints"]["lheo/v1"].is_null());
    }
    // The rules of the profile are described even without findings.
    assert!(rules.iter().any(|r| r["id"] == "FT-RDV-PLAGE"));
    // Findings in an offer name it.
    assert!(results
        .iter()
        .any(|r| r["properties"]["record"]["numero"] == "=1+1"));
}

#[test]
fn sarif_columns_count_characters_where_lheo_counts_bytes() {
    let inputs = Inputs::new();
    let json = inputs.json();
    let (_, stdout) = inputs.run("sarif");
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let one_line = &json["files"][1];
    assert_eq!(one_line["file"], ONE_LINE);
    let text = fs::read_to_string(inputs.path().join(ONE_LINE)).unwrap();
    let results: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1)
        .collect();
    let diagnostics = one_line["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    let mut differ = 0;
    for (r, d) in results.iter().zip(diagnostics) {
        let bytes = d["column"].as_u64().unwrap() as usize;
        let chars = r["locations"][0]["physicalLocation"]["region"]["startColumn"]
            .as_u64()
            .unwrap() as usize;
        assert_eq!(text[..bytes - 1].chars().count() + 1, chars);
        differ += usize::from(bytes != chars);
    }
    assert!(differ > 0, "the feed has accents before its findings");
}

#[test]
fn gitlab_matches_the_code_quality_fields_and_fingerprints_survive_moved_lines() {
    let Some(validator) = shared_schema("gitlab-codequality.schema.json") else {
        return;
    };
    let inputs = Inputs::new();
    let json = inputs.json();
    let (code, stdout) = inputs.run("gitlab");
    assert_eq!(code, 1);
    let issues: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid(&validator, &issues, "GitLab Code Quality");
    let issues = issues.as_array().unwrap();
    let expected = json_findings(&json);
    assert_eq!(issues.len(), expected.len());
    for (i, (file, code, severity, line)) in issues.iter().zip(&expected) {
        assert_eq!(i["check_name"], code.as_str());
        assert_eq!(i["location"]["path"], file.as_str());
        assert_eq!(
            i["location"]["lines"]["begin"].as_u64(),
            Some(line.unwrap_or(1))
        );
        let mapped = match severity.as_str() {
            "error" => "critical",
            "warning" => "major",
            _ => "info",
        };
        assert_eq!(i["severity"], mapped);
    }
    let prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let unique: HashSet<&&str> = prints.iter().collect();
    assert_eq!(unique.len(), prints.len(), "fingerprints are unique");

    // The same run again: the same fingerprints. Then a valid offer inserted before the
    // others of invalide.xml: every line and offer index moves, no fingerprint changes.
    let (_, again) = inputs.run("gitlab");
    assert_eq!(again, stdout);
    let path = inputs.path().join("invalide.xml");
    let feed = fs::read_to_string(&path).unwrap();
    let valid = fs::read_to_string(data_dir().join("valide-2.3.xml")).unwrap();
    let offer = &valid[valid.find("    <formation ").unwrap()..];
    let offer = &offer[..offer.find("</formation>").unwrap() + "</formation>\n".len()];
    let at = feed.find("<formation ").unwrap();
    let moved = format!("{}{offer}\n\n{}", &feed[..at], &feed[at..]);
    fs::write(&path, moved).unwrap();
    let (_, after) = inputs.run("gitlab");
    let after: Value = serde_json::from_str(&after).unwrap();
    let after: Vec<(&str, u64)> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["location"]["path"] == "invalide.xml")
        .map(|i| {
            (
                i["fingerprint"].as_str().unwrap(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect();
    let before: Vec<(&str, u64)> = issues
        .iter()
        .filter(|i| i["location"]["path"] == "invalide.xml")
        .map(|i| {
            (
                i["fingerprint"].as_str().unwrap(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect();
    // The inserted offer has findings of its own (France Travail): the old ones are all there.
    for (print, line) in &before {
        let moved = after.iter().find(|(p, _)| p == print);
        let (_, new_line) = moved.unwrap_or_else(|| panic!("{print} lost"));
        assert!(new_line > line, "{line} → {new_line}");
    }
}

/// The CSV report's rows, read by the `csv` crate as a spreadsheet would (`;`, quotes).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the CSV starts with a UTF-8 byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_is_one_row_per_finding_for_a_french_spreadsheet() {
    let inputs = Inputs::new();
    let json = inputs.json();
    let out = lheo_in(inputs.path())
        .args([
            "validate",
            "--format=csv",
            "--profile=france-travail",
            "--today=2025-06-01",
            "invalide.xml",
            ONE_LINE,
            "malforme.xml",
            "valide-2.3.xml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0],
        [
            "fichier",
            "numéro de l'offre",
            "intitulé de l'offre",
            "code",
            "gravité",
            "ligne",
            "chemin",
            "message"
        ]
    );
    let mut expected = Vec::new();
    for f in json["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            expected.push((f, d));
        }
    }
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (f, d)) in rows[1..].iter().zip(&expected) {
        assert_eq!(row.len(), 8, "{row:?}");
        assert_eq!(row[0], f["file"].as_str().unwrap());
        let record = &d["record"];
        let numero = record["numero"].as_str().unwrap_or("");
        let numero = if numero.starts_with('=') {
            format!("'{numero}")
        } else {
            numero.to_owned()
        };
        assert_eq!(row[1], numero);
        let title = record["title"].as_str().unwrap_or("");
        assert_eq!(row[2], title);
        assert_eq!(row[3], d["code"].as_str().unwrap());
        let severity = match d["severity"].as_str().unwrap() {
            "error" => "erreur",
            "warning" => "avertissement",
            _ => "info",
        };
        assert_eq!(row[4], severity);
        assert_eq!(
            row[5],
            d["line"]
                .as_u64()
                .map(|l| l.to_string())
                .unwrap_or_default()
        );
        assert_eq!(row[6], d["path"].as_str().unwrap_or(""));
        assert!(row[7].contains(d["message"].as_str().unwrap()), "{row:?}");
    }
    // `;`, quotes and `&` in a title survive; a number that would be a formula is defused.
    assert!(rows
        .iter()
        .any(|r| r[2] == "Cuisinier ; \"chef\" & =commis" && r[1] == "'=1+1"));

    // English headers with --lang en.
    let out = lheo_in(inputs.path())
        .args(["validate", "--format=csv", "--lang=en", "valide-2.3.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], "offer number");
}

/// LibreOffice Calc, headless, when it is installed.
fn soffice() -> Option<PathBuf> {
    let found = StdCommand::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        Some(PathBuf::from("soffice"))
    } else {
        absent("LibreOffice (soffice) is not installed".to_owned())
    }
}

#[test]
fn csv_opened_by_libreoffice_reads_back_through_calamine_cell_for_cell() {
    use calamine::{open_workbook, Data, Reader, Xlsx};

    let Some(soffice) = soffice() else {
        return;
    };
    let inputs = Inputs::new();
    let out = lheo_in(inputs.path())
        .args([
            "validate",
            "--format=csv",
            "--profile=france-travail",
            "--today=2025-06-01",
            "invalide.xml",
            "malforme.xml",
        ])
        .output()
        .unwrap();
    let csv_path = inputs.path().join("rapport.csv");
    fs::write(&csv_path, &out.stdout).unwrap();
    let rows = csv_rows(&out.stdout);
    // A spreadsheet opens it as the French Excel does: `;` between fields, `"` around them,
    // UTF-8, the first line as any other; formulas are not evaluated.
    let profile = tempfile::tempdir().unwrap();
    let status = StdCommand::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--infilter=CSV:59,34,76,1,,1036,false,false,true,false,false,0,false",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(inputs.path())
        .arg(&csv_path)
        .output()
        .expect("soffice runs");
    let xlsx = inputs.path().join("rapport.xlsx");
    assert!(
        xlsx.is_file(),
        "LibreOffice did not convert the CSV: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut workbook: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), rows.len());
    for (r, row) in rows.iter().enumerate() {
        for (c, expected) in row.iter().enumerate() {
            let cell = sheet.get((r, c)).cloned().unwrap_or(Data::Empty);
            let text = match cell {
                Data::Empty => String::new(),
                Data::Float(f) if f.fract() == 0.0 => format!("{}", f as i64),
                Data::Int(i) => i.to_string(),
                other => other.to_string(),
            };
            assert_eq!(&text, expected, "row {r}, column {c}");
        }
    }
    // The BOM is not read as part of the first header.
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("fichier".into())));
}

#[test]
fn html_is_one_page_that_needs_nothing_from_elsewhere() {
    let inputs = Inputs::new();
    let (code, page) = inputs.run("html");
    assert_eq!(code, 1);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(page.contains("Content-Security-Policy"));
    // Nothing loaded from elsewhere: no URL, no external script, style or font.
    for needle in [
        "http://",
        "https://",
        "src=",
        "@import",
        "url(",
        "<link",
        "@font-face",
    ] {
        assert!(!page.contains(needle), "{needle}");
    }
    // Input text is escaped: the title's quotes and `&`.
    assert!(page.contains("Cuisinier ; &quot;chef&quot; &amp; =commis"));
    assert!(!page.contains("<intitule-formation>"));
    // Verdict, totals, every code of the JSON report in the rule table, every file.
    let json = inputs.json();
    assert!(page.contains("<span class=\"word\">invalide</span>"));
    for f in json["files"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        assert!(page.contains(name), "{name}");
        for d in f["diagnostics"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            assert!(
                page.contains(&format!("data-rule=\"{code}\"")),
                "{code} in the rule table"
            );
        }
    }
    let total: usize = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["diagnostics"].as_array().unwrap().len())
        .sum();
    assert_eq!(page.matches("<div class=\"finding ").count(), total);
}

#[test]
fn o_writes_the_report_to_a_file_and_the_summary_to_the_terminal() {
    let inputs = Inputs::new();
    let (code, stdout, stderr) = output(lheo_in(inputs.path()).args([
        "validate",
        "--format",
        "html",
        "-o",
        "rapport.html",
        "invalide.xml",
        "valide-2.3.xml",
    ]));
    assert_eq!((code, stderr.as_str()), (1, ""));
    let page = fs::read_to_string(inputs.path().join("rapport.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    // The terminal: each file's verdict, the total, where the report is.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].starts_with("invalide.xml : invalide ("),
        "{stdout}"
    );
    assert!(lines[1].starts_with("valide-2.3.xml : valide"), "{stdout}");
    assert!(lines[2].starts_with("2 fichiers :"), "{stdout}");
    assert_eq!(lines[3], "rapport html écrit dans « rapport.html »");
    // Nothing else is left in the folder (no temporary file).
    let mut names: Vec<String> = fs::read_dir(inputs.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "invalide.xml",
            "malforme.xml",
            "rapport.html",
            ONE_LINE,
            "valide-2.3.xml"
        ]
    );

    // Every format goes to the file as it would to the standard output.
    let (_, json_stdout, _) =
        output(lheo_in(inputs.path()).args(["validate", "--format=json", "invalide.xml"]));
    let (code, _, _) = output(lheo_in(inputs.path()).args([
        "validate",
        "--format=json",
        "--output=rapport.json",
        "invalide.xml",
    ]));
    assert_eq!(code, 1);
    assert_eq!(
        fs::read_to_string(inputs.path().join("rapport.json")).unwrap(),
        json_stdout
    );
    // The human report in a file has no colours; the terminal has the summary only.
    let (code, stdout, _) =
        output(lheo_in(inputs.path()).args(["validate", "-o", "rapport.txt", "invalide.xml"]));
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let text = fs::read_to_string(inputs.path().join("rapport.txt")).unwrap();
    assert!(!text.contains('\u{1b}') && text.contains("invalide.xml : invalide"));

    // Refused before anything is read, exit 2, the file untouched: an input, a folder, a
    // folder that does not exist.
    let before = fs::read(inputs.path().join("invalide.xml")).unwrap();
    for (target, says) in [
        ("invalide.xml", "fichier d'entrée"),
        (".", "dossier"),
        ("absent/rapport.html", "n'existe pas"),
    ] {
        let (code, stdout, stderr) = output(lheo_in(inputs.path()).args([
            "validate",
            "--format=html",
            "-o",
            target,
            "invalide.xml",
        ]));
        assert_eq!(code, 2, "{target}");
        assert_eq!(stdout, "", "{target}");
        assert!(
            stderr.starts_with("lheo: ") && stderr.contains(says),
            "{stderr}"
        );
    }
    assert_eq!(
        fs::read(inputs.path().join("invalide.xml")).unwrap(),
        before
    );
}
