//! The HTML report in a real browser: Chromium from the distribution's packages, headless,
//! driven through chromedriver (WebDriver, over loopback). The page renders, shows the counts
//! and the codes, its filters and links work; the report of a big feed opens
//! (100 MB with `scripts/html-report.sh`).
//!
//! Skipped with a printed reason when chromium or chromedriver is absent, failed instead with
//! `LHEO_REQUIRE_ORACLE=1` (CI installs them: `.ci/run`). Chromium runs without network
//! services and with a fresh profile; the page itself forbids any request (its
//! Content-Security-Policy), and these tests check that nothing else is loaded.

mod common;

use std::fs::{self, File};
use std::io::BufWriter;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::{data_dir, lheo_in};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// A program of the distribution, by name.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// chromedriver, started on a free port of the loopback, and the chromium it drives.
struct Driver {
    child: Child,
    port: u16,
    chromium: PathBuf,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn driver() -> Option<Driver> {
    let chromium = program("chromium").or_else(|| program("chromium-browser"));
    let chromedriver = program("chromedriver");
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let reason = "chromium or chromedriver is not installed (Debian: chromium chromium-driver)";
        if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
            panic!("LHEO_REQUIRE_ORACLE=1 but {reason}");
        }
        eprintln!("skipped: {reason}");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = StdCommand::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        port,
        chromium,
        profile: tempfile::tempdir().unwrap(),
    };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver does not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(driver)
}

impl Driver {
    /// A headless Chromium session: no network services, a fresh profile.
    async fn browser(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": self.chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,1600",
                    format!("--user-data-dir={}", self.profile.path().display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session")
    }
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Runs a script in the page and returns its value.
async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect(script)
}

/// `document.readyState` once it is `complete`, or as it is after 30 s: WebDriver's `goto`
/// can return while a large page is still loading.
async fn ready_state(c: &Client) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = js(c, "return document.readyState;").await;
        if state == "complete" || Instant::now() > deadline {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn visible(c: &Client) -> u64 {
    let v = js(c, "return document.getElementById('visible').value;").await;
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("#visible is {v}"))
}

/// What the page loaded besides itself (it needs nothing).
async fn requests(c: &Client) -> Value {
    js(
        c,
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });",
    )
    .await
}

/// `n` offers of `valide-2.3.xml` numbered `F-0000`…; the one numbered `bad` is titled
/// « Soudeur & chaudronnier » and lacks the INSEE code of its first address.
fn offers(n: usize, bad: usize) -> String {
    let valid = fs::read_to_string(data_dir().join("valide-2.3.xml")).unwrap();
    let start = valid.find("    <formation ").unwrap();
    let end = valid.find("</formation>").unwrap() + "</formation>\n".len();
    let mut feed = valid[..start].to_owned();
    for i in 0..n {
        let mut o = valid[start..end].replace("numero=\"F-0001\"", &format!("numero=\"F-{i:04}\""));
        if i == bad {
            o = o.replace(
                "<intitule-formation>Français langue d'intégration</intitule-formation>",
                "<intitule-formation>Soudeur &amp; chaudronnier</intitule-formation>",
            );
            let insee = "<code-INSEE-commune>75102</code-INSEE-commune>";
            let at = o.find(insee).unwrap();
            o.replace_range(at..at + insee.len(), "");
        }
        feed.push_str(&o);
    }
    feed.push_str(&valid[end..]);
    feed
}

/// `lheo validate --format html ARGS… FILE` into `FILE.html`; the page's path.
fn html_report(dir: &Path, file: &str, args: &[&str]) -> PathBuf {
    let page = dir.join(format!("{file}.html"));
    let out = lheo_in(dir)
        .args(["validate", "--format", "html"])
        .args(args)
        .arg(file)
        .output()
        .expect("lheo runs");
    assert!(out.status.code() == Some(1), "{out:?}");
    fs::write(&page, &out.stdout).unwrap();
    page
}

#[tokio::test(flavor = "current_thread")]
async fn the_page_shows_counts_and_codes_and_its_filters_and_links_work() {
    let Some(driver) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("flux.xml"), offers(40, 7)).unwrap();
    let page = html_report(
        dir.path(),
        "flux.xml",
        &["--profile", "france-travail", "--today", "2025-06-01"],
    );
    let c = driver.browser().await;
    c.goto(&url(&page)).await.unwrap();

    // The verdict, the totals, the codes.
    let title = c.title().await.unwrap();
    assert_eq!(title, "Rapport de validation LHEO : invalide");
    let totals = c.find(Locator::Id("totals")).await.unwrap();
    assert_eq!(totals.text().await.unwrap(), "1 erreur, 40 avertissements");
    let codes = c.find_all(Locator::Css("table.rules code")).await.unwrap();
    let mut shown_codes = Vec::new();
    for code in codes {
        shown_codes.push(code.text().await.unwrap());
    }
    assert_eq!(shown_codes, ["FT-ADR-INSEE", "FT-SESSION-MODALITE"]);
    assert_eq!(visible(&c).await, 41);
    // The offer with the error comes first, open, named by its number and title.
    let first = c
        .find(Locator::Css("details.group summary .record"))
        .await
        .unwrap();
    assert_eq!(
        first.text().await.unwrap(),
        "formation n° F-0007 « Soudeur & chaudronnier », ligne 550"
    );
    let error = c.find(Locator::Css(".finding[data-s=e]")).await.unwrap();
    assert!(error.is_displayed().await.unwrap());
    assert!(
        error.text().await.unwrap().contains("<adresse>"),
        "the offending line is shown"
    );

    // Severity: without warnings, only the error.
    let warnings = c
        .find(Locator::Css("input[name=sev][value=w]"))
        .await
        .unwrap();
    warnings.click().await.unwrap();
    assert_eq!(visible(&c).await, 1);
    let a_warning = c.find(Locator::Css(".finding[data-s=w]")).await.unwrap();
    assert!(!a_warning.is_displayed().await.unwrap());
    warnings.click().await.unwrap();
    assert_eq!(visible(&c).await, 41);

    // Rule.
    let rule = c.find(Locator::Id("rule")).await.unwrap();
    rule.select_by_value("FT-ADR-INSEE").await.unwrap();
    assert_eq!(visible(&c).await, 1);
    rule.select_by_value("").await.unwrap();
    assert_eq!(visible(&c).await, 41);

    // Text: an offer's number finds its findings (the heading is searched too).
    let text = c.find(Locator::Id("text")).await.unwrap();
    text.send_keys("f-0012").await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(visible(&c).await, 1);
    text.clear().await.unwrap();
    text.send_keys("aucune trouvaille possible").await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(visible(&c).await, 0);
    let nothing = c.find(Locator::Id("nothing")).await.unwrap();
    assert!(nothing.is_displayed().await.unwrap());
    text.clear().await.unwrap();
    js(
        &c,
        "document.getElementById('text').dispatchEvent(new Event('input'));",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(visible(&c).await, 41);

    // A rule's link leads to its findings: the rule is selected, its first finding shown
    // (in a section that was closed).
    let last = c
        .find(Locator::Css("details.group:last-of-type"))
        .await
        .unwrap();
    assert_eq!(last.attr("open").await.unwrap(), None);
    let link = c
        .find(Locator::Css("a.rule-link[data-rule=FT-SESSION-MODALITE]"))
        .await
        .unwrap();
    let target = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    assert_eq!(
        rule.prop("value").await.unwrap().as_deref(),
        Some("FT-SESSION-MODALITE")
    );
    assert_eq!(visible(&c).await, 40);
    let finding = c
        .find(Locator::Id(target.trim_start_matches('#')))
        .await
        .unwrap();
    assert!(finding.is_displayed().await.unwrap());
    assert_eq!(
        c.current_url().await.unwrap().fragment(),
        Some(&target[1..])
    );

    assert_eq!(requests(&c).await, json!([]));
    c.close().await.unwrap();
}

/// The page of a big generated feed: `LHEO_HTML_PAGE` (a page made beforehand, such as the
/// 100 MB feed's of `scripts/html-report.sh`), else made here from `LHEO_HTML_FORMATIONS`
/// generated formations (600 by default, about 10 MB: the debug build of the test stays
/// quick; the script measures the 100 MB one with the release build). Returns the page and
/// the number of formations (0 when not known).
fn big_page(dir: &Path) -> (PathBuf, u64) {
    if let Some(page) = std::env::var_os("LHEO_HTML_PAGE") {
        let formations = std::env::var("LHEO_HTML_FORMATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        return (PathBuf::from(page), formations);
    }
    let formations: u64 = std::env::var("LHEO_HTML_FORMATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let feed = dir.join("national.xml");
    // Generated as the benchmarks' feeds are (seed 1, dated 2026-01-05), validated as if it
    // were 2099: every recruitment meeting is in the past, an error in every offer.
    let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let options = lheo::generate::GenerateOptions::new(formations)
        .with_seed(1)
        .with_today(today);
    lheo::generate::Generator::new(options)
        .write(BufWriter::new(File::create(&feed).unwrap()))
        .unwrap();
    let started = Instant::now();
    let page = html_report(
        dir,
        "national.xml",
        &["--profile", "france-travail", "--today", "2099-01-01"],
    );
    eprintln!(
        "{formations} formations, {} bytes: HTML of {} bytes made in {:.1?} (debug build)",
        fs::metadata(&feed).unwrap().len(),
        fs::metadata(&page).unwrap().len(),
        started.elapsed()
    );
    (page, formations)
}

#[tokio::test(flavor = "current_thread")]
async fn the_report_of_a_big_feed_opens_with_its_caps_and_filters() {
    let Some(driver) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (page, formations) = big_page(dir.path());
    let bytes = fs::metadata(&page).unwrap().len();

    let c = driver.browser().await;
    let started = Instant::now();
    c.goto(&url(&page)).await.unwrap();
    let ready = ready_state(&c).await;
    let opened = started.elapsed();
    assert_eq!(ready, "complete");
    let shown = visible(&c).await;
    let errors = js(
        &c,
        "return +document.getElementById('totals').dataset.error;",
    )
    .await;
    let errors = errors.as_u64().unwrap();
    assert!(errors >= formations.max(1), "{errors} errors");
    // Caps per rule: a thousand findings of each rule at most, the rest counted and named.
    let rules = js(
        &c,
        "return document.querySelectorAll('table.rules tbody tr').length;",
    )
    .await;
    let rules = rules.as_u64().unwrap();
    let findings = js(&c, "return document.querySelectorAll('.finding').length;").await;
    assert_eq!(findings.as_u64(), Some(shown));
    assert!(
        shown > 0 && shown <= 1000 * rules,
        "{shown} shown, {rules} rules"
    );
    if errors > 1000 {
        let notes = c.find(Locator::Css("ul.left-out")).await.unwrap();
        assert!(notes.text().await.unwrap().contains("non affichés"));
    }
    // The first offer with an error is open: the error's code shows under the offer's numero.
    // (The document's own section comes first: on a feed with more than 10 000 findings it
    // holds XML-LIMITE, which says how many more there are.)
    let offer = c
        .find(Locator::Css(
            "details.group[open]:has(.finding[data-s=e][data-r^=\"FT-\"])",
        ))
        .await
        .unwrap();
    let heading = offer.find(Locator::Css("summary .record")).await.unwrap();
    let heading = heading.text().await.unwrap();
    assert!(
        heading.starts_with("formation n° ") && heading.contains(" « "),
        "{heading}"
    );
    let first = offer
        .find(Locator::Css(".finding[data-s=e] code.code"))
        .await
        .unwrap();
    assert!(first.is_displayed().await.unwrap());
    let code = first.text().await.unwrap();
    assert!(code.starts_with("FT-"), "{code}");
    // A filter on the whole page answers.
    let started = Instant::now();
    let rule = c.find(Locator::Id("rule")).await.unwrap();
    rule.select_by_value(&code).await.unwrap();
    let filtered = visible(&c).await;
    let filter = started.elapsed();
    assert!(filtered > 0 && filtered <= 1000 && filtered <= shown);
    assert_eq!(requests(&c).await, json!([]));
    c.close().await.unwrap();
    eprintln!(
        "HTML {bytes} bytes, {errors} errors, {shown} findings shown: opened in {opened:.1?}, \
         filtered by {code} ({filtered}) in {filter:.1?}; first error under {heading}"
    );
}
