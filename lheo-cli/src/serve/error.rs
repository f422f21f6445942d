//! The API's errors: a status and one French sentence, answered as JSON
//! (`{"status": 413, "code": "TROP-VOLUMINEUX", "message": "…"}`), with the report when a
//! conversion is refused because the feed has errors.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a request was not answered with what it asked for.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// The validation report (already JSON), for a conversion refused because of findings.
    report: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Serialize)]
struct Body<'a> {
    status: u16,
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a serde_json::value::RawValue>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            report: None,
        }
    }

    /// 400: the request cannot be read (parameters, missing file, unreadable workbook).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "REQUETE-ILLISIBLE", message)
    }

    /// 413: the file is larger than `--max-upload`.
    pub fn too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TROP-VOLUMINEUX",
            format!(
                "le fichier dépasse la taille maximale acceptée par ce serveur ({})",
                super::human_size(limit)
            ),
        )
    }

    /// 415: not something lheo reads (or not for this operation).
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "TYPE-NON-PRIS-EN-CHARGE",
            message,
        )
    }

    /// 422: the feed has errors, so it cannot be converted or exported; `report` is the JSON
    /// validation report, when there is one.
    pub fn invalid_feed(message: impl Into<String>, report: Option<String>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "FLUX-INVALIDE", message);
        e.report = report.and_then(|r| serde_json::value::RawValue::from_string(r).ok());
        e
    }

    /// 503: every job and queue place is taken.
    pub fn busy() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "OCCUPE",
            "le serveur traite déjà le maximum de fichiers : réessayez dans un moment",
        )
    }

    /// 503: the request took longer than `--timeout`.
    pub fn timed_out(seconds: u64) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "DELAI-DEPASSE",
            format!("le traitement a dépassé la durée maximale d'une requête ({seconds} s)"),
        )
    }

    /// 500: a bug (a panic in a job, an output that could not be written).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "ERREUR-INTERNE", message)
    }

    /// 404: no such page.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "INTROUVABLE",
            "cette adresse n'existe pas : la page est à « / », l'API sous « /api/ »",
        )
    }

    /// 405: the method does not fit the address.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHODE-NON-ADMISE",
            "méthode non admise pour cette adresse (les envois se font par POST)",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            status: self.status.as_u16(),
            code: self.code,
            message: &self.message,
            report: self.report.as_deref(),
        };
        let mut text = serde_json::to_string(&body).unwrap_or_else(|_| {
            format!(
                r#"{{"status":{},"code":"{}"}}"#,
                self.status.as_u16(),
                self.code
            )
        });
        text.push('\n');
        let mut response = (self.status, text).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}
