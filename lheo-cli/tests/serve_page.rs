//! `lheo serve`: the page driven in headless Chromium through its WebDriver (chromedriver),
//! as a person would: choose a file, run with the keyboard, read the verdict and, in the
//! report (the page `lheo validate --format html` writes, in its frame), a known error code
//! with its offer, use the report's filters; download the report (HTML, CSV, JSON: the CLI's
//! bytes), the converted feed and the workbook, and check them with the outside world
//! (xmllint against the official XSD, calamine). A file name holding HTML is shown as text,
//! never run.
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
                "--lang=fr-FR",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false,
                "intl.accept_languages": "fr-FR,fr",
            },
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a Chromium session")
}

/// Waits until `dir` holds one complete download whose name ends with `suffix`, and returns it.
fn wait_download(dir: &Path, suffix: &str) -> PathBuf {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let partial = names.iter().any(|n| n.ends_with(".crdownload"));
        let found: Vec<&String> = names.iter().filter(|n| n.ends_with(suffix)).collect();
        if !partial && found.len() == 1 {
            return dir.join(found[0]);
        }
        assert!(found.len() <= 1, "several downloads {suffix}: {names:?}");
        assert!(Instant::now() < until, "no download {suffix}: {names:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Clicks the button `id` and returns the download whose name ends with `suffix` (moved
/// aside so that the next one with the same ending is told apart).
async fn download(c: &Client, id: &str, dir: &Path, suffix: &str) -> PathBuf {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let path = wait_download(dir, suffix);
    let kept = dir.join("gardés");
    std::fs::create_dir_all(&kept).unwrap();
    let moved = kept.join(path.file_name().unwrap());
    std::fs::rename(&path, &moved).unwrap();
    moved
}

const TODAY: &str = "2026-06-01";

/// The visible texts of the page whose contrast with their background is under 4.5:1, as
/// `text (ratio)`.
const CONTRAST: &str = r#"
const rgb = (s) => { const m = s.match(/[\d.]+/g).map(Number); return m.length > 3 ? m : m.concat([1]); };
const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
const low = [];
for (const e of document.body.querySelectorAll('*')) {
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || !e.offsetParent && getComputedStyle(e).position !== 'fixed') continue;
  if (e.closest('.skip')) continue;
  const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) low.push(e.textContent.trim().slice(0, 40) + ' (' + ratio.toFixed(2) + ')');
}
return low;
"#;

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
        "const p = document.getElementById('profil'); p.value = arguments[0]; \
         p.dispatchEvent(new Event('change')); \
         document.getElementById('date').value = arguments[1]; \
         document.getElementById('resultat').hidden = true;",
        vec![json!(profile), json!(TODAY)],
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

/// Runs `f` inside the report's frame, once its findings are drawn.
async fn in_report<T>(c: &Client, f: impl AsyncFnOnce(&Client) -> T) -> T {
    c.find(Locator::Id("rapport"))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("footer"))
        .await
        .expect("the report in its frame");
    let out = f(c).await;
    c.enter_parent_frame().await.unwrap();
    out
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
    // A file name that is HTML: it must be shown as text, on the page and in the report.
    let hostile = work.path().join("<b id=\"injecte\">gras<\\b>.xml");
    let hostile = if std::fs::copy(fixture("invalide.xml"), &hostile).is_ok() {
        hostile
    } else {
        let plain = work.path().join("<b id=\"injecte\">gras.xml");
        std::fs::copy(fixture("invalide.xml"), &plain).unwrap();
        plain
    };
    let hostile_name = hostile.file_name().unwrap().to_str().unwrap().to_owned();
    let c = browser(&driver, &downloads, &work.path().join("chromium")).await;
    c.goto(&server.url("/")).await.unwrap();

    // Every profile is offered; every control has a label; the rentrée is asked for where
    // the profile checks it.
    let profiles = c
        .execute(
            "return [...document.querySelectorAll('#profil option')].map(o => o.value);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        profiles,
        json!(["xsd", "lheo", "france-travail", "carif", "parcoursup"])
    );
    let unlabelled = c
        .execute(
            "return [...document.querySelectorAll('input, select, iframe')].filter(e => \
               !(e.labels && e.labels.length) && !e.title).map(e => e.id);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled, json!([]), "controls without a label");
    let rentree_shown = |profile: &'static str| {
        let c = c.clone();
        async move {
            c.execute(
                "const p = document.getElementById('profil'); p.value = arguments[0]; \
                 p.dispatchEvent(new Event('change')); \
                 const field = document.getElementById('champ-rentree'); \
                 return getComputedStyle(field).display !== 'none' && field.offsetHeight > 0;",
                vec![json!(profile)],
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(rentree_shown("parcoursup").await, json!(true));
    assert_eq!(rentree_shown("carif").await, json!(false));
    assert_eq!(rentree_shown("lheo").await, json!(false));

    // An invalid feed: the verdict, then in the report a known error code with its offer.
    let verdict = check(&c, &hostile, "lheo").await;
    assert!(verdict.starts_with("Flux invalide"), "{verdict}");
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
    let (word, offer, injected_in_report, named) = in_report(&c, async |c: &Client| {
        let word = c
            .find(Locator::Css("#verdict .word"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let offer = c
            .execute(
                "const f = document.querySelector('.finding[data-r=\"XSD-CODE\"]'); \
                 return f.closest('details').querySelector('summary .record').textContent;",
                vec![],
            )
            .await
            .unwrap();
        let injected = c
            .execute("return document.getElementById('injecte') !== null", vec![])
            .await
            .unwrap();
        let named = c
            .find(Locator::Css("header"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (word, offer, injected, named)
    })
    .await;
    assert_eq!(word, "invalide");
    let offer = offer.as_str().unwrap_or_default().to_owned();
    assert!(
        offer.contains("76_F0004410") || offer.contains("formation[1]") || offer.contains("n° 1"),
        "the offer of XSD-CODE: {offer}"
    );
    assert_eq!(injected_in_report, json!(false));
    assert!(named.contains("<b id=\"injecte\">"), "{named}");

    // The report's own filters work in its frame (its script runs under the page's policy):
    // the rule XSD-CODE alone, then the text of the offer.
    let (wanted, shown, others_hidden) = in_report(&c, async |c: &Client| {
        let counted = c
            .execute(
                "const s = document.getElementById('rule'); s.value = 'XSD-CODE'; \
                 s.dispatchEvent(new Event('change')); \
                 const all = [...document.querySelectorAll('.finding')]; \
                 return [all.filter(f => f.dataset.r === 'XSD-CODE').length, \
                         Number(document.getElementById('visible').value), \
                         all.filter(f => f.dataset.r !== 'XSD-CODE').every(f => f.hidden)];",
                vec![],
            )
            .await
            .unwrap();
        (counted[0].clone(), counted[1].clone(), counted[2].clone())
    })
    .await;
    assert!(wanted.as_u64().unwrap() > 0);
    assert_eq!(shown, wanted, "the rule filter shows that rule's findings");
    assert_eq!(others_hidden, json!(true));

    // Contrast: every text of the page (verdict, buttons enabled or not, help) is at least
    // 4.5:1 against its background (WCAG AA).
    let low = c.execute(CONTRAST, vec![]).await.unwrap();
    assert_eq!(low, json!([]), "texts under 4.5:1");

    // The converted feed is not offered while the feed has errors.
    let flux = c.find(Locator::Id("telecharger-flux")).await.unwrap();
    assert_eq!(
        flux.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    // The report downloads: the bytes `lheo validate --format …` writes for the same file.
    for (id, suffix, format) in [
        ("telecharger-html", "-rapport.html", "html"),
        ("telecharger-csv", "-rapport.csv", "csv"),
        ("telecharger-json", "-rapport.json", "json"),
    ] {
        let got = download(&c, id, &downloads, suffix).await;
        let expected = cli(
            hostile.parent().unwrap(),
            &[
                "validate",
                &hostile_name,
                "--format",
                format,
                "--today",
                TODAY,
            ],
            None,
        );
        assert!(
            std::fs::read(&got).unwrap() == expected,
            "{id}: the download differs from `lheo validate --format {format}`"
        );
    }

    // A valid feed: the verdict, then the converted feed and the workbook.
    let verdict = check(&c, &fixture("exemple-2.2.xml"), "lheo").await;
    assert!(verdict.starts_with("Flux valide"), "{verdict}");
    let feed = download(
        &c,
        "telecharger-flux",
        &downloads,
        "exemple-2.2-lheo-2.3.xml",
    )
    .await;
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
    let book = download(&c, "telecharger-classeur", &downloads, "exemple-2.2.xlsx").await;
    use calamine::Reader as _;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(&book).expect("calamine reads it");
    let range = workbook
        .worksheet_range("formation")
        .expect("a formation sheet");
    assert!(range.height() >= 2, "a header and the formations");
    let json_report = download(
        &c,
        "telecharger-json",
        &downloads,
        "exemple-2.2-rapport.json",
    )
    .await;
    let parsed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json_report).unwrap()).unwrap();
    assert_eq!(parsed["files"][0]["valid"], true);

    // Parcoursup with a rentrée: the frame shows that profile's report.
    let verdict = check(
        &c,
        &fixture("parcoursup/PARCOURSUP-RENTREE.xml"),
        "parcoursup",
    )
    .await;
    assert!(verdict.starts_with("Flux"), "{verdict}");
    let profile = c
        .find(Locator::Id("resume"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(profile.contains("profil « parcoursup »"), "{profile}");

    // A screenshot for the README when asked (LHEO_SCREENSHOT=path).
    if let Ok(path) = std::env::var("LHEO_SCREENSHOT") {
        let verdict = check(&c, &fixture("invalide.xml"), "lheo").await;
        assert!(verdict.starts_with("Flux invalide"));
        in_report(&c, async |_: &Client| ()).await;
        c.execute(
            "document.activeElement.blur(); \
             window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .unwrap();
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
    assert!(server.wait_clean().is_empty(), "{:?}", server.leftovers());
}
