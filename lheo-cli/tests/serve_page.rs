//! `lheo serve`: the page driven in headless Chromium through its WebDriver (chromedriver),
//! as a person would: choose a file with the keyboard, run, read the verdict and a known error
//! code with its offer, download the converted feed and the workbook, and check them with the
//! outside world (xmllint against the official XSD, calamine). A file name holding HTML is
//! shown as text, never run.
//!
//! Skipped with a printed reason when Chromium, chromedriver, xmllint or `../shared/` is
//! missing; fails instead with `LHEO_REQUIRE_ORACLE=1`.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use serve_support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free loopback port, killed when dropped.
struct Driver(Child, u16);

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let until = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "chromedriver does not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver(child, port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser(driver: &Driver, downloads: &Path, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false,
            },
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a Chromium session")
}

/// Waits until `path` holds a complete download (no `.crdownload` left) and returns it.
fn wait_download(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let partial = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"));
        if path.exists() && !partial {
            return path;
        }
        let listing: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(Instant::now() < until, "no download {name}: {listing:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Chooses `file`, picks the profile and the date, runs with the keyboard, waits for the
/// verdict and returns its text.
async fn check(c: &Client, file: &Path, profile: &str) -> String {
    let input = c.find(Locator::Id("fichier")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    let chosen = c
        .find(Locator::Id("fichier-choisi"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(chosen.contains(&name), "{chosen}");
    c.execute(
        "document.getElementById('profil').value = arguments[0]; \
         document.getElementById('date').value = '2026-06-01';",
        vec![json!(profile)],
    )
    .await
    .unwrap();
    // The keyboard: focus the button and press Enter.
    let button = c.find(Locator::Id("verifier")).await.unwrap();
    c.execute("document.getElementById('verifier').focus()", vec![])
        .await
        .unwrap();
    button.send_keys(&Key::Enter.to_string()).await.unwrap();
    let verdict = c
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#resultat:not([hidden]) #verdict"))
        .await
        .expect("a verdict");
    verdict.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_checks_a_feed_and_gives_its_downloads() {
    let shared = workspace().join("../shared/lheo/lheo-2.3.xsd");
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if !available(Path::new(CHROMIUM).exists(), "Chromium (/usr/bin/chromium)")
        || !available(
            Path::new(CHROMEDRIVER).exists(),
            "chromedriver (/usr/bin/chromedriver)",
        )
        || !available(xmllint, "xmllint")
        || !available(shared.exists(), "../shared/lheo/lheo-2.3.xsd")
    {
        return;
    }
    let server = Served::start(&["--jobs", "2"]);
    let driver = Driver::start();
    let work = tempfile::tempdir().unwrap();
    let downloads = work.path().join("telechargements");
    std::fs::create_dir(&downloads).unwrap();
    // A file name that is HTML: it must be shown as text.
    let hostile = work.path().join("<b id=\"injecte\">gras<\\b>.xml");
    let hostile = if std::fs::copy(fixture("invalide.xml"), &hostile).is_ok() {
        hostile
    } else {
        let plain = work.path().join("<b id=\"injecte\">gras.xml");
        std::fs::copy(fixture("invalide.xml"), &plain).unwrap();
        plain
    };
    let c = browser(&driver, &downloads, &work.path().join("chromium")).await;
    c.goto(&server.url("/")).await.unwrap();

    // Every control has a label.
    let unlabelled = c
        .execute(
            "return [...document.querySelectorAll('input, select')].filter(e => \
               !(e.labels && e.labels.length)).map(e => e.id);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled, json!([]), "controls without a label");

    // An invalid feed: the verdict, a known error code with its offer.
    let verdict = check(&c, &hostile, "lheo").await;
    assert!(verdict.starts_with("Flux invalide"), "{verdict}");
    let report = c
        .find(Locator::Id("rapport"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(report.contains("[XSD-CODE]"), "{report}");
    assert!(report.contains("certifiante"), "{report}");
    let offer = c
        .execute(
            "const item = [...document.querySelectorAll('.constat')].find(e => \
               e.textContent.includes('[XSD-CODE]')); \
             return item.closest('.offre').querySelector('h3').textContent;",
            vec![],
        )
        .await
        .unwrap();
    let offer = offer.as_str().unwrap_or_default().to_owned();
    assert!(
        offer.contains("76_F0004410") || offer.contains("formation[1]") || offer.contains("n° 1"),
        "the offer of XSD-CODE: {offer}"
    );
    assert!(report.contains("Par règle"), "{report}");
    // The hostile name is text, not markup.
    let injected = c
        .execute("return document.getElementById('injecte') !== null", vec![])
        .await
        .unwrap();
    assert_eq!(injected, json!(false));
    let chosen = c
        .find(Locator::Id("fichier-choisi"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("<b id=\"injecte\">"), "{chosen}");
    // Filters: only warnings, then only errors.
    let flux = c.find(Locator::Id("telecharger-flux")).await.unwrap();
    assert_eq!(
        flux.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    c.execute(
        "const s = document.getElementById('filtre-gravite'); s.value = 'error'; \
         s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    let shown = c
        .find(Locator::Id("filtre-compte"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("affiché"), "{shown}");

    // A valid feed: the verdict, then the downloads.
    let verdict = check(&c, &fixture("exemple-2.2.xml"), "lheo").await;
    assert!(verdict.starts_with("Flux valide"), "{verdict}");
    c.find(Locator::Id("telecharger-flux"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let feed = wait_download(&downloads, "exemple-2.2-lheo-2.3.xml");
    let lint = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&shared)
        .arg(&feed)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&lint.stderr)
    );
    c.find(Locator::Id("telecharger-classeur"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let book = wait_download(&downloads, "exemple-2.2.xlsx");
    use calamine::Reader as _;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(&book).expect("calamine reads it");
    let range = workbook
        .worksheet_range("formation")
        .expect("a formation sheet");
    assert!(range.height() >= 2, "a header and the formations");
    c.find(Locator::Id("telecharger-json"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let json_report = wait_download(&downloads, "exemple-2.2-rapport.json");
    let parsed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json_report).unwrap()).unwrap();
    assert_eq!(parsed["files"][0]["valid"], true);

    // A screenshot for the README when asked (LHEO_SCREENSHOT=path).
    if let Ok(path) = std::env::var("LHEO_SCREENSHOT") {
        let verdict = check(&c, &fixture("invalide.xml"), "lheo").await;
        assert!(verdict.starts_with("Flux invalide"));
        c.execute(
            "document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .unwrap();
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}
