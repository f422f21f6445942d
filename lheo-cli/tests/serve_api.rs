//! `lheo serve`: the HTTP API over loopback, against the built binary. Each endpoint, each
//! error status, the size limit (one byte over: 413 and nothing left), a client that leaves
//! mid-upload, the time limit, the queue (503), the access log and the graceful stop.

mod serve_support;

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use serve_support::*;

const TODAY: &str = "2026-06-01";

#[test]
fn health_and_rules() {
    let server = Served::start(&["--jobs", "2", "--queue", "3"]);
    let health = get(&server.url("/health"));
    assert_eq!(health.status, 200);
    let json = health.json();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["jobs"], 2);
    assert_eq!(json["queue"], 3);

    let rules = get(&server.url("/api/rules"));
    assert_eq!(rules.status, 200);
    assert!(rules.content_type.starts_with("application/json"));
    let cli_rules = cli(&workspace(), &["rules", "--format", "json"], None);
    assert_eq!(rules.text(), String::from_utf8(cli_rules).unwrap());
    assert!(rules.text().contains("FT-RDV-PLAGE"));
}

#[test]
fn validate_answers_the_report_of_the_cli() {
    let server = Served::start(&[]);
    for profile in lheo::Profile::ALL.map(lheo::Profile::name) {
        for name in ["invalide.xml", "exemple.xml", "exemple-2.2.xml"] {
            let path = fixture(name);
            let body = std::fs::read(&path).unwrap();
            let url = server.url(&format!("/api/validate?profile={profile}&today={TODAY}"));
            let answer = post(&url, &body);
            assert_eq!(answer.status, 200, "{}", answer.text());
            assert!(answer.content_type.starts_with("application/json"));
            // The same document as `lheo validate - --format json`.
            let expected = cli(
                &workspace(),
                &[
                    "validate",
                    "-",
                    "--format",
                    "json",
                    "--profile",
                    profile,
                    "--today",
                    TODAY,
                ],
                Some(&path),
            );
            assert_eq!(
                answer.text(),
                String::from_utf8(expected).unwrap(),
                "{profile} {name}"
            );

            // As a form, the report names the file as the CLI does when given its name.
            let form = post_form(
                &server.url("/api/validate"),
                name,
                &body,
                &[("profile", profile), ("today", TODAY)],
            );
            assert_eq!(form.status, 200, "{}", form.text());
            let expected = cli(
                &workspace().join("fixtures"),
                &[
                    "validate",
                    name,
                    "--format",
                    "json",
                    "--profile",
                    profile,
                    "--today",
                    TODAY,
                ],
                None,
            );
            assert_eq!(form.text(), String::from_utf8(expected).unwrap());
        }
    }
    // A gzip-compressed feed: the same report as the plain one.
    let plain = std::fs::read(fixture("invalide.xml")).unwrap();
    let gz = Command::new("gzip")
        .arg("-c")
        .arg(fixture("invalide.xml"))
        .output()
        .expect("gzip runs");
    let compressed = post(&server.url("/api/validate"), &gz.stdout);
    assert_eq!(compressed.status, 200, "{}", compressed.text());
    assert_eq!(
        compressed.body,
        post(&server.url("/api/validate"), &plain).body
    );
    let invalid = post(
        &server.url("/api/validate"),
        &std::fs::read(fixture("invalide.xml")).unwrap(),
    )
    .json();
    assert_eq!(invalid["files"][0]["valid"], false);
    let codes: Vec<&str> = invalid["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"XSD-CODE"), "{codes:?}");
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}

#[test]
fn validate_answers_html_and_csv_as_the_cli_writes_them() {
    let server = Served::start(&[]);
    let cases = [
        ("invalide.xml", "lheo", None),
        ("exemple.xml", "france-travail", None),
        ("exemple-2.2.xml", "carif", None),
        ("parcoursup/conforme.xml", "parcoursup", Some("2026")),
        ("parcoursup/conforme.xml", "parcoursup", Some("2030")),
    ];
    for (name, profile, rentree) in cases {
        let path = fixture(name);
        if !path.exists() {
            panic!("fixture {name} missing");
        }
        let file_name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let body = std::fs::read(&path).unwrap();
        let mut fields = vec![("profile", profile), ("today", TODAY)];
        let mut args = vec!["validate", file_name.as_str(), "--profile", profile];
        args.extend(["--today", TODAY]);
        if let Some(year) = rentree {
            fields.push(("rentree", year));
            args.extend(["--rentree", year]);
        }
        let json = post_form(&server.url("/api/validate"), &file_name, &body, &fields).json();
        let valid = json["files"][0]["valid"].as_bool().unwrap();
        for (format, content_type) in [
            ("html", "text/html"),
            ("csv", "text/csv"),
            ("json", "application/json"),
        ] {
            let mut fields = fields.clone();
            fields.push(("format", format));
            let answer = post_form(&server.url("/api/validate"), &file_name, &body, &fields);
            assert_eq!(answer.status, 200, "{name} {format}: {}", answer.text());
            assert!(answer.content_type.starts_with(content_type), "{format}");
            let mut cli_args = args.clone();
            cli_args.extend(["--format", format]);
            let expected = cli(path.parent().unwrap(), &cli_args, None);
            assert!(!expected.is_empty());
            assert!(
                answer.body == expected,
                "{name} {profile} {rentree:?} --format {format}: the server's report differs from the CLI's"
            );
            // The verdict in headers, whatever the format.
            assert_eq!(
                answer.header("x-lheo-valid"),
                Some(if valid { "true" } else { "false" })
            );
            assert_eq!(
                answer.header("x-lheo-errors").map(str::to_owned),
                Some(json["files"][0]["counts"]["error"].to_string()),
                "{format}"
            );
            assert_eq!(answer.header("x-lheo-profile"), Some(profile));
        }
    }
    // The HTML report carries its own strict policy; its excerpts are the upload's lines.
    let html = post_form(
        &server.url("/api/validate?format=html"),
        "invalide.xml",
        &std::fs::read(fixture("invalide.xml")).unwrap(),
        &[],
    );
    let csp = html.header("content-security-policy").unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(
        html.text().contains("class=\"src\""),
        "source lines under findings"
    );
    // A body without a name: the reports name it as the CLI names its standard input.
    for format in ["html", "csv", "json"] {
        let answer = post(
            &server.url(&format!("/api/validate?format={format}&today={TODAY}")),
            &std::fs::read(fixture("invalide.xml")).unwrap(),
        );
        let expected = cli(
            &workspace(),
            &["validate", "-", "--format", format, "--today", TODAY],
            Some(&fixture("invalide.xml")),
        );
        assert!(
            answer.body == expected,
            "{format} of a body differs from `lheo validate -`"
        );
    }
    // The rentrée changes what parcoursup says.
    let conforme = std::fs::read(fixture("parcoursup/conforme.xml")).unwrap();
    let report = |year: &str| {
        post(
            &server.url(&format!(
                "/api/validate?profile=parcoursup&today={TODAY}&rentree={year}"
            )),
            &conforme,
        )
        .json()
    };
    assert_ne!(report("2026"), report("2031"), "rentree is read");
    // An unknown format: 400 in French, naming those there are.
    let unknown = post(
        &server.url("/api/validate?format=pdf"),
        &std::fs::read(fixture("exemple.xml")).unwrap(),
    );
    assert_eq!(unknown.status, 400);
    let message = unknown.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("format « pdf » inconnu") && message.contains("html"),
        "{message}"
    );
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}

#[test]
fn convert_answers_lheo_2_3_or_422_with_the_report() {
    let server = Served::start(&[]);
    let feed = std::fs::read(fixture("exemple-2.2.xml")).unwrap();
    let answer = post_form(&server.url("/api/convert"), "exemple-2.2.xml", &feed, &[]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.content_type.starts_with("application/xml"));
    assert_eq!(
        answer.disposition.as_deref(),
        Some("attachment; filename=\"exemple-2.2-lheo-2.3.xml\"")
    );
    let xml = answer.text();
    assert!(xml.contains("xmlns=\"http://lheo.gouv.fr/2.3\""), "{xml}");
    // The same bytes as `lheo import`.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out.xml");
    let status = Command::new(env!("CARGO_BIN_EXE_lheo"))
        .args(["import"])
        .arg(fixture("exemple-2.2.xml"))
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    assert_eq!(xml.as_bytes(), std::fs::read(&target).unwrap());

    let invalid = std::fs::read(fixture("invalide.xml")).unwrap();
    let refused = post(&server.url("/api/convert"), &invalid);
    assert_eq!(refused.status, 422);
    let json = refused.json();
    assert_eq!(json["code"], "FLUX-INVALIDE");
    assert!(json["message"].as_str().unwrap().contains("erreur"));
    assert_eq!(json["report"]["files"][0]["valid"], false);
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}

#[test]
fn export_answers_a_workbook_that_validates_like_the_feed() {
    let server = Served::start(&[]);
    let feed = std::fs::read(fixture("exemple.xml")).unwrap();
    let answer = post_form(&server.url("/api/export"), "exemple.xml", &feed, &[]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.content_type.contains("spreadsheetml"));
    assert!(answer
        .disposition
        .as_deref()
        .unwrap()
        .contains("exemple.xlsx"));
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(answer.body.clone()))
            .expect("calamine reads the workbook");
    let sheets = book.sheet_names();
    assert!(sheets.iter().any(|s| s == "formation"), "{sheets:?}");
    let range = book.worksheet_range("formation").unwrap();
    assert!(range.height() >= 2, "a header and at least one formation");

    // The workbook sent back is validated at its cells; exporting it again is refused (415).
    let report = post_form(
        &server.url("/api/validate"),
        "exemple.xlsx",
        &answer.body,
        &[],
    );
    assert_eq!(report.status, 200, "{}", report.text());
    assert_eq!(report.json()["files"][0]["file"], "exemple.xlsx");
    let again = post(&server.url("/api/export"), &answer.body);
    assert_eq!(again.status, 415, "{}", again.text());
    // Converting the workbook gives LHEO 2.3.
    let converted = post(&server.url("/api/convert"), &answer.body);
    assert_eq!(converted.status, 200, "{}", converted.text());
    assert!(converted.text().contains("http://lheo.gouv.fr/2.3"));

    // A malformed feed cannot be exported: 422.
    let broken = post(
        &server.url("/api/export"),
        b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>",
    );
    assert_eq!(broken.status, 422, "{}", broken.text());
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}

#[test]
fn bad_requests_are_400_415_404_405_in_french() {
    let server = Served::start(&[]);
    let feed = std::fs::read(fixture("exemple.xml")).unwrap();
    for (query, word) in [
        ("profile=inconnu", "profil inconnu"),
        ("today=31/01/2026", "AAAA-MM-JJ"),
        ("lang=de", "langue"),
        ("rentree=demain", "rentrée"),
    ] {
        let answer = post(&server.url(&format!("/api/validate?{query}")), &feed);
        assert_eq!(answer.status, 400, "{query}");
        let json = answer.json();
        assert_eq!(json["status"], 400);
        assert!(json["message"].as_str().unwrap().contains(word), "{json}");
    }
    let empty = post(&server.url("/api/validate"), b"");
    assert_eq!(empty.status, 400);
    assert!(empty.json()["message"]
        .as_str()
        .unwrap()
        .contains("aucun fichier"));
    let form_without_file = post_form(&server.url("/api/validate"), "vide.xml", b"", &[]);
    assert_eq!(form_without_file.status, 400);

    for (body, word) in [
        (&b"%PDF-1.7 ..."[..], "PDF"),
        ("numero;intitule\nF1;Maçon\n".as_bytes(), "fichier CSV"),
    ] {
        let answer = post(&server.url("/api/validate"), body);
        assert_eq!(answer.status, 415, "{word}");
        assert!(answer.json()["message"].as_str().unwrap().contains(word));
    }
    // A compressed file that cannot be decompressed: 400.
    let broken = post(
        &server.url("/api/validate"),
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2],
    );
    assert_eq!(broken.status, 400, "{}", broken.text());
    let missing = get(&server.url("/nulle-part"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "INTROUVABLE");
    let wrong = get(&server.url("/api/validate"));
    assert_eq!(wrong.status, 405);
    assert!(wrong.content_type.starts_with("application/json"));
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}

#[test]
fn one_byte_over_the_limit_is_413_and_leaves_nothing() {
    let server = Served::start(&["--max-upload", "2000"]);
    let mut feed = std::fs::read(fixture("minimal.xml")).unwrap();
    feed.resize(2000, b' ');
    // Exactly the limit: accepted.
    let at = post(&server.url("/api/validate"), &feed);
    assert_eq!(at.status, 200, "{}", at.text());
    // One byte over, as a body (announced length): 413.
    feed.push(b' ');
    let over = post(&server.url("/api/validate"), &feed);
    assert_eq!(over.status, 413);
    let json = over.json();
    assert_eq!(json["code"], "TROP-VOLUMINEUX");
    assert!(json["message"]
        .as_str()
        .unwrap()
        .contains("taille maximale"));
    // One byte over in a form (the limit is enforced on the file while reading it).
    let mut big = vec![b' '; 2001];
    big[..feed.len().min(2001)].copy_from_slice(&feed[..feed.len().min(2001)]);
    let form = post_form(&server.url("/api/validate"), "gros.xml", &big, &[]);
    assert_eq!(form.status, 413);
    // Chunked, without an announced length: counted while reading.
    let mut request = format!(
        "POST /api/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        feed.len()
    )
    .into_bytes();
    request.extend_from_slice(&feed);
    request.extend_from_slice(b"\r\n0\r\n\r\n");
    let (status, body) = raw(server.addr, &request);
    assert_eq!(status, 413, "{body}");
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
    assert_eq!(std::fs::read_dir(server.temp.path()).unwrap().count(), 0);
}

#[test]
fn a_client_that_leaves_mid_upload_leaves_nothing() {
    let server = Served::start(&[]);
    let feed = std::fs::read(fixture("exemple.xml")).unwrap();
    for form in [false, true] {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        let head = if form {
            format!(
                "POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"f.xml\"\r\n\r\n",
                10 * feed.len()
            )
        } else {
            format!(
                "POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                10 * feed.len()
            )
        };
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&feed).unwrap();
        stream.flush().unwrap();
        // The server holds a temporary file while the upload goes on.
        let until = std::time::Instant::now() + Duration::from_secs(5);
        while server.leftovers().is_empty() && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !server.leftovers().is_empty(),
            "the upload is being received"
        );
        drop(stream);
        assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
    }
    // The server still answers, and logged the abandoned requests (an interrupted body is a
    // 400 nobody reads, or `-` when the request was dropped first).
    assert_eq!(get(&server.url("/health")).status, 200);
    let log = server.wait_log("\"POST /api/validate\"", 2);
    let abandoned = log
        .lines()
        .filter(|l| {
            l.contains("\"POST /api/validate\" 400") || l.contains("\"POST /api/validate\" -")
        })
        .count();
    assert_eq!(abandoned, 2, "{log}");
}

#[test]
fn busy_is_503_and_slow_requests_hit_the_time_limit() {
    let server = Served::start(&["--jobs", "1", "--queue", "0", "--timeout", "2"]);
    // A slow upload takes the only place.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.write_all(
        b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n<lheo",
    )
    .unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while server.leftovers().is_empty() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let feed = std::fs::read(fixture("exemple.xml")).unwrap();
    let busy = post(&server.url("/api/validate"), &feed);
    assert_eq!(busy.status, 503);
    assert_eq!(busy.json()["code"], "OCCUPE");
    // The slow one is cut at the time limit: 503, and its file is gone.
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut slow, &mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("DELAI-DEPASSE"), "{answer}");
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
    // The place is free again.
    assert_eq!(post(&server.url("/api/validate"), &feed).status, 200);
}

#[test]
fn one_log_line_per_request_and_a_graceful_stop() {
    let server = Served::start(&[]);
    let feed = std::fs::read(fixture("exemple.xml")).unwrap();
    assert_eq!(
        post(&server.url("/api/validate?name=secret.xml"), &feed).status,
        200
    );
    assert_eq!(get(&server.url("/health")).status, 200);
    let log = server.wait_log("/health", 1);
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("127.0.0.1")).collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].contains("\"POST /api/validate?name=secret.xml\" 200"),
        "{log}"
    );
    assert!(lines[1].contains("\"GET /health\" 200"), "{log}");
    assert!(
        !log.contains("formation"),
        "the log never holds the file's content"
    );
    let status = server.stop();
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_page_is_french_self_contained_and_strict() {
    let server = Served::start(&[]);
    let page = get(&server.url("/"));
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let html = page.text();
    assert!(html.contains("<html lang=\"fr\">"));
    for profile in ["xsd", "lheo", "france-travail", "carif", "parcoursup"] {
        assert!(
            html.contains(&format!("<option value=\"{profile}\"")),
            "{profile}"
        );
    }
    // Nothing from elsewhere: every src and href is a relative address (the page works
    // under a reverse proxy's path prefix too).
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let value = part.split('"').next().unwrap();
            assert!(
                !value.contains(':') && !value.starts_with("//"),
                "{attr}{value}"
            );
        }
    }
    for asset in ["/lheo.css", "/lheo.js"] {
        let a = get(&server.url(asset));
        assert_eq!(a.status, 200, "{asset}");
        assert!(
            !a.text().contains("http://") && !a.text().contains("https://"),
            "{asset}"
        );
    }
    let response = client().get(&server.url("/")).call().unwrap();
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self' 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // The report's frame: sandboxed (its script never reaches the page), labelled.
    assert!(
        html.contains("<iframe id=\"rapport\" title=\"Rapport de validation"),
        "{html}"
    );
    assert!(html.contains("sandbox=\"allow-scripts\""));
    assert!(html.contains("<label for=\"rentree\">"));
}
