//! The page (`GET /`): French, one HTML file with its style (`/lheo.css`) and script
//! (`/lheo.js`) served by this server, nothing from elsewhere (it works offline and behind a
//! proxy). A strict Content-Security-Policy forbids inline scripts and any other origin, and
//! the script puts every text that comes from a file or a report into the page as text,
//! never as HTML.
//!
//! The report is the page `lheo validate --format html` writes ([`report::html::render`]),
//! asked of `/api/validate?format=html` and shown in a sandboxed frame (scripts allowed, no
//! access to this page) from a `blob:` address: the frame inherits this page's policy, which
//! allows the report's inline style and script by their SHA-256 (computed at start-up from the
//! renderer itself, so that they always match).
//!
//! [`report::html::render`]: crate::report::html::render

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{human_size, Config, Server};
use crate::report::html::escape;

const INDEX: &str = include_str!("page/index.html");
const STYLE: &str = include_str!("page/lheo.css");
const SCRIPT: &str = include_str!("page/lheo.js");

/// The policy of a report answered by `/api/validate?format=html`: the one its `<meta>` says.
pub const REPORT_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// The page, filled in once at start-up with the profiles and limits.
#[derive(Debug)]
pub struct Page {
    html: String,
    /// The Content-Security-Policy of the page and its assets.
    policy: HeaderValue,
}

/// The page's policy: its own script and style, the report's inline ones by hash, the report
/// in a `blob:` frame, requests to this server only.
fn policy() -> HeaderValue {
    let (style, script) = report_inline_parts();
    let hash = |text: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        )
    };
    let text = format!(
        "default-src 'none'; script-src 'self' {}; style-src 'self' {}; img-src 'self' data:; \
         connect-src 'self'; frame-src blob:; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'",
        hash(&script),
        hash(&style)
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("default-src 'none'"))
}

/// The text of the report page's inline `<style>` and `<script>`, as the renderer writes them
/// (an empty report is rendered once).
fn report_inline_parts() -> (String, String) {
    let mut page = Vec::new();
    let options = crate::report::html::HtmlOptions {
        lang: lheo::Lang::Fr,
        shown: crate::report::view::Shown {
            severity: lheo::Severity::Info,
            per_rule: None,
        },
        deny_warnings: false,
        unreadable: 0,
        referentiels: &[],
    };
    // Writing to a Vec cannot fail.
    let _ = crate::report::html::render(&mut page, &[], &options);
    let page = String::from_utf8_lossy(&page);
    let between = |open: &str, close: &str| {
        page.split_once(open)
            .and_then(|(_, rest)| rest.split_once(close))
            .map(|(inside, _)| inside.to_owned())
            .unwrap_or_default()
    };
    (
        between("<style>", "</style>"),
        between("<script>", "</script>"),
    )
}

impl Page {
    /// The page for this configuration.
    pub fn new(config: &Config) -> Page {
        let profiles: String = lheo::Profile::ALL
            .iter()
            .map(|p| {
                let selected = if *p == lheo::Profile::Lheo {
                    " selected"
                } else {
                    ""
                };
                // The rentrée date is asked for where the profile checks it.
                let rentree = if p.includes(lheo::Profile::Parcoursup) {
                    " data-rentree=\"1\""
                } else {
                    ""
                };
                format!(
                    "<option value=\"{}\"{selected}{rentree}>{} — {}</option>",
                    escape(p.name()),
                    escape(p.name()),
                    escape(profile_label(*p))
                )
            })
            .collect();
        let html = INDEX
            .replace("{{PROFILES}}", &profiles)
            .replace("{{MAX_UPLOAD}}", &escape(&human_size(config.max_upload)))
            .replace("{{MAX_UPLOAD_BYTES}}", &config.max_upload.to_string())
            .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"));
        Page {
            html,
            policy: policy(),
        }
    }
}

/// What a profile checks, for people.
fn profile_label(profile: lheo::Profile) -> &'static str {
    match profile.name() {
        "xsd" => "le schéma XSD officiel seul",
        "lheo" => "schéma + spécification LHEO (conseillé)",
        "france-travail" => "lheo + règles France Travail (recrutement, adresses)",
        "carif" => "lheo + règles des Carif-Oref avant publication",
        "parcoursup" => "carif + conditions Parcoursup (apprentissage)",
        _ => "profil de règles",
    }
}

/// The page's routes.
pub fn routes() -> Router<Server> {
    Router::new()
        .route("/", get(index))
        .route(
            "/lheo.css",
            get(|State(server): State<Server>| async move {
                asset(&server, STYLE.to_owned(), "text/css; charset=utf-8")
            }),
        )
        .route(
            "/lheo.js",
            get(|State(server): State<Server>| async move {
                asset(&server, SCRIPT.to_owned(), "text/javascript; charset=utf-8")
            }),
        )
}

async fn index(State(server): State<Server>) -> Response {
    asset(
        &server,
        server.page.html.clone(),
        "text/html; charset=utf-8",
    )
}

fn asset(server: &Server, body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, server.page.policy.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_profile_and_nothing_is_left_to_fill() {
        let config = Config {
            max_upload: 512_000_000,
            jobs: 1,
            queue: 1,
            timeout: std::time::Duration::from_secs(1),
            temp_dir: std::env::temp_dir(),
            lang: lheo::Lang::Fr,
        };
        let page = Page::new(&config);
        for p in lheo::Profile::ALL {
            assert!(page
                .html
                .contains(&format!("<option value=\"{}\"", p.name())));
        }
        assert!(page.html.contains("512 Mo"), "{}", page.html);
        assert!(page
            .html
            .contains("<option value=\"parcoursup\" data-rentree=\"1\">"));
        assert!(!page.html.contains("<option value=\"carif\" data-rentree"));
        let (style, script) = report_inline_parts();
        assert!(
            style.contains('{') && script.contains("function"),
            "{style}{script}"
        );
        let policy = page.policy.to_str().unwrap();
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(!page.html.contains("{{"));
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
