//! The HTTP API for scripts: `POST /api/validate`, `POST /api/convert`, `POST /api/export`,
//! `GET /api/rules`, `GET /health`. A file is sent as the request body or as the first file
//! of a `multipart/form-data` form; parameters come in the query string (or as form fields):
//! `profile` (default `lheo`), `today` (`AAAA-MM-JJ`, for date rules), `rentree` (`AAAA`, the
//! Parcoursup school year), `name` (the file name written in the report, default `<stdin>` as
//! `lheo validate -` says), `lang` (`fr`, `en`: the report's messages, default `lheo serve
//! --lang`; the API's own errors are in French) and, for `/api/validate`, `format` (`json` by
//! default, `html`, `csv`: what `lheo validate --format …` writes).
//!
//! Every validation answer says its verdict in headers too, whatever its format:
//! `X-Lheo-Valid` (`true`, `false`), `X-Lheo-Errors`, `X-Lheo-Warnings`, `X-Lheo-Infos`,
//! `X-Lheo-Profile` and, when the feed says it, `X-Lheo-Version`.

use std::fs::File;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lheo::validate::ValidateOptions;
use lheo::{Lang, Profile};
use serde::Deserialize;

use super::error::ApiError;
use super::jobs::CancelOnDrop;
use super::upload::{self, Upload};
use super::work::{self, Format, Kind};
use super::Server;

/// The query string of an upload.
#[derive(Debug, Default, Deserialize)]
struct Query {
    profile: Option<String>,
    today: Option<String>,
    name: Option<String>,
    lang: Option<String>,
    rentree: Option<String>,
    format: Option<String>,
}

/// The parameters, checked.
#[derive(Debug, Clone)]
struct Params {
    profile: Profile,
    today: Option<NaiveDate>,
    name: Option<String>,
    lang: Lang,
    rentree: Option<i32>,
    format: Format,
}

impl Params {
    fn options(&self) -> ValidateOptions {
        // One thread per job: `--jobs` is the number of cores the server takes.
        let mut options = ValidateOptions::new(self.profile).with_threads(1);
        if let Some(today) = self.today {
            options = options.with_today(today);
        }
        if let Some(rentree) = self.rentree {
            options = options.with_rentree(rentree);
        }
        options
    }

    /// The name written in reports: the form's file name, `name`, or `<stdin>`.
    fn report_name(&self, upload: &Upload) -> String {
        self.name
            .clone()
            .or_else(|| upload.name.clone())
            .unwrap_or_else(|| "<stdin>".to_owned())
    }
}

/// Reads and checks the query string, then the form fields that override it.
fn params(request: &Request) -> Result<Query, ApiError> {
    let query = request.uri().query().unwrap_or("");
    axum::extract::Query::<Query>::try_from_uri(request.uri())
        .map(|q| q.0)
        .map_err(|_| {
            ApiError::bad_request(format!(
                "paramètres illisibles « {} » : attendus profile, today (AAAA-MM-JJ), rentree, name, lang, format",
                super::sanitize(query)
            ))
        })
}

fn check(query: Query, upload: &Upload, default_lang: Lang) -> Result<Params, ApiError> {
    let field = |key: &str, value: Option<String>| upload.fields.get(key).cloned().or(value);
    let profile = match field("profile", query.profile) {
        None => Profile::Lheo,
        Some(name) if name.is_empty() => Profile::Lheo,
        Some(name) => Profile::from_name(&name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "profil inconnu « {} » : profils possibles : {}",
                super::sanitize(&name),
                Profile::ALL.map(Profile::name).join(", ")
            ))
        })?,
    };
    let today = match field("today", query.today) {
        None => None,
        Some(d) if d.is_empty() => None,
        Some(d) => Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(format!(
                "date « {} » illisible : attendue au format AAAA-MM-JJ (ex. 2025-03-31)",
                super::sanitize(&d)
            ))
        })?),
    };
    let lang = match field("lang", query.lang).as_deref() {
        None | Some("") => default_lang,
        Some("fr") => Lang::Fr,
        Some("en") => Lang::En,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "langue « {} » inconnue : fr ou en",
                super::sanitize(other)
            )))
        }
    };
    let rentree = match field("rentree", query.rentree) {
        None => None,
        Some(y) if y.is_empty() => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=9998).contains(y))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "rentrée « {} » illisible : attendue une année (ex. 2027)",
                        super::sanitize(&y)
                    ))
                })?,
        ),
    };
    let format = match field("format", query.format) {
        None => Format::Json,
        Some(f) if f.is_empty() => Format::Json,
        Some(f) => Format::from_name(&f).ok_or_else(|| {
            ApiError::bad_request(format!(
                "format « {} » inconnu : formats possibles : {}",
                super::sanitize(&f),
                Format::ALL.map(|(n, _)| n).join(", ")
            ))
        })?,
    };
    let name = field("name", query.name).filter(|n| !n.is_empty());
    Ok(Params {
        profile,
        today,
        name,
        lang,
        rentree,
        format,
    })
}

/// What a POST asks for.
#[derive(Debug, Clone, Copy)]
enum Operation {
    Validate,
    Convert,
    Export,
}

/// `POST /api/validate`: the report (JSON by default; `format=html|csv`).
pub async fn validate(State(server): State<Server>, request: Request) -> Response {
    handle(server, request, Operation::Validate).await
}

/// `POST /api/convert`: the feed in LHEO 2.3 (422 with the report when it has errors).
pub async fn convert(State(server): State<Server>, request: Request) -> Response {
    handle(server, request, Operation::Convert).await
}

/// `POST /api/export`: the feed as a workbook.
pub async fn export(State(server): State<Server>, request: Request) -> Response {
    handle(server, request, Operation::Export).await
}

async fn handle(server: Server, request: Request, operation: Operation) -> Response {
    match run(server, request, operation).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn run(server: Server, request: Request, operation: Operation) -> Result<Response, ApiError> {
    let query = params(&request)?;
    let Some(admission) = server.jobs.admit() else {
        let headers = request.headers().clone();
        upload::drain(request.into_body(), &headers).await;
        return Err(ApiError::busy());
    };
    // Dropped when this request ends, however it ends: the job then stops reading.
    let cancel = CancelOnDrop::default();
    let config = &server.config;
    let upload = upload::receive(request, &config.temp_dir, config.max_upload).await?;
    let params = check(query, &upload, config.lang)?;
    let name = params.report_name(&upload);
    let unnamed = params.name.is_none() && upload.name.is_none();
    let download = params
        .name
        .clone()
        .or(upload.name.clone())
        .unwrap_or_default();
    let dir = config.temp_dir.clone();
    let mut file = upload.file;
    let options = params.options();
    let lang = params.lang;
    let format = params.format;
    let job = move |cancel: &super::jobs::Cancel| -> Result<Response, ApiError> {
        let kind = work::recognise(&mut file)?;
        match operation {
            Operation::Validate => {
                // The HTML report shows the source lines under the findings: the upload is
                // read again for them.
                let lines = match (format, kind) {
                    (Format::Html, Kind::Xml) => file.try_clone().ok(),
                    _ => None,
                };
                let report = work::report(file, kind, &options, cancel)?;
                let verdict = verdict_headers(&report);
                // Reports for people name an unnamed upload as the CLI names its standard
                // input (`<entrée standard>`); machine reports say `<stdin>`.
                let name = match (format, unnamed) {
                    (Format::Html, true) => crate::source::Input::Stdin.display_name(lang),
                    _ => name,
                };
                let out = work::render(report, &name, lang, format, lines, &dir, cancel)?;
                let mut response = stream(out, format.content_type());
                let headers = response.headers_mut();
                headers.extend(verdict);
                if format == Format::Html {
                    // The report's own policy: its inline style and script, nothing else.
                    headers.insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(super::page::REPORT_POLICY),
                    );
                }
                Ok(response)
            }
            Operation::Convert => {
                let out = work::convert(file, &name, &options, &dir, cancel)?;
                Ok(attachment(
                    out,
                    &download,
                    "-lheo-2.3.xml",
                    "application/xml; charset=utf-8",
                ))
            }
            Operation::Export => {
                if kind == Kind::Workbook {
                    return Err(ApiError::unsupported(
                        "ce fichier est déjà un classeur : l'export lit un flux LHEO (XML)",
                    ));
                }
                let out = work::export(file, &dir, cancel)?;
                Ok(attachment(
                    out,
                    &download,
                    ".xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ))
            }
        }
    };
    server.jobs.run(admission, cancel.token(), job).await?
}

/// The verdict of a report as headers: `X-Lheo-Valid`, `X-Lheo-Errors`, `X-Lheo-Warnings`,
/// `X-Lheo-Infos`, `X-Lheo-Profile`, `X-Lheo-Version`.
fn verdict_headers(report: &lheo::validate::Report) -> HeaderMap {
    let counts = report.counts();
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    };
    put("x-lheo-valid", (counts.error == 0).to_string());
    put("x-lheo-errors", counts.error.to_string());
    put("x-lheo-warnings", counts.warning.to_string());
    put("x-lheo-infos", counts.info.to_string());
    put("x-lheo-profile", report.profile.name().to_owned());
    if let Some(v) = report.version {
        put("x-lheo-version", v.as_str().to_owned());
    }
    headers
}

/// A file answered as it is read, with its length.
fn stream(file: File, content_type: &'static str) -> Response {
    let length = file.metadata().map(|m| m.len()).ok();
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        tokio::fs::File::from_std(file),
        64 * 1024,
    ));
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(length) = length.and_then(|l| HeaderValue::from_str(&l.to_string()).ok()) {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    response
}

/// A file answered for download, named after the upload (`offres.xml` →
/// `offres-lheo-2.3.xml`).
fn attachment(file: File, name: &str, extension: &str, content_type: &'static str) -> Response {
    let stem = download_stem(name);
    let mut response = stream(file, content_type);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}{extension}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A safe file name stem from the upload's name: its last component without the extensions
/// lheo reads (`.xml`, `.gz`, `.xlsx`…), ASCII letters, digits, `-`, `_` and inner `.` only
/// (`flux` when nothing is left).
pub(crate) fn download_stem(name: &str) -> String {
    let mut base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    loop {
        let lower = base.to_ascii_lowercase();
        let Some(ext) = [".gz", ".xml", ".xlsx", ".xlsm", ".xls", ".ods"]
            .into_iter()
            .find(|e| lower.ends_with(e))
        else {
            break;
        };
        base = &base[..base.len() - ext.len()];
    }
    let stem: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let stem = stem.trim_matches('.');
    if stem.trim_matches(['_', '.']).is_empty() {
        "flux".to_owned()
    } else {
        stem.to_owned()
    }
}

/// `GET /api/rules`: the catalogue, as `lheo rules --format json` prints it.
pub async fn rules(State(server): State<Server>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        server.rules_json.clone(),
    )
        .into_response()
}

/// `GET /health`: the server is up; its limits and free places.
pub async fn health(State(server): State<Server>) -> Response {
    let body = serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "jobs": server.config.jobs,
        "queue": server.config.queue,
        "max_upload": server.config.max_upload,
        "timeout_seconds": server.config.timeout.as_secs(),
    });
    axum::Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::download_stem;

    #[test]
    fn download_names_are_safe() {
        assert_eq!(download_stem("offres.xml"), "offres");
        assert_eq!(download_stem("exemple-2.2.XML"), "exemple-2.2");
        assert_eq!(download_stem("../../etc/passwd"), "passwd");
        assert_eq!(download_stem("a\"b;c.xml.gz"), "a_b_c");
        assert_eq!(download_stem(""), "flux");
        assert_eq!(download_stem("..."), "flux");
        assert_eq!(download_stem("été 2026.xlsx"), "_t__2026");
    }
}
