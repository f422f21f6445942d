//! The page (`GET /`): French, one HTML file with its style (`/lheo.css`) and script
//! (`/lheo.js`) served by this server, nothing from elsewhere (it works offline and behind a
//! proxy). A strict Content-Security-Policy forbids inline scripts and any other origin, and
//! the script puts every text that comes from a file or a report into the page as text,
//! never as HTML.
//!
//! The report is drawn by the script from the JSON report (`renderReport` in `lheo.js`).

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{human_size, Config, Server};

const INDEX: &str = include_str!("page/index.html");
const STYLE: &str = include_str!("page/lheo.css");
const SCRIPT: &str = include_str!("page/lheo.js");

/// The page, filled in once at start-up with the profiles and limits.
#[derive(Debug)]
pub struct Page {
    html: String,
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
                format!(
                    "<option value=\"{}\"{selected}>{} — {}</option>",
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
        Page { html }
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

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's routes.
pub fn routes() -> Router<Server> {
    Router::new()
        .route("/", get(index))
        .route(
            "/lheo.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
        .route(
            "/lheo.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
}

async fn index(axum::extract::State(server): axum::extract::State<Server>) -> Response {
    asset_owned(server.page.html.clone(), "text/html; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    asset_owned(body.to_owned(), content_type)
}

fn asset_owned(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
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
        assert!(!page.html.contains("{{"));
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
