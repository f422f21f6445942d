//! Receiving the file: the request body as it is, or the first file of a `multipart/form-data`
//! form, streamed to a private temporary file as it arrives, the size limit enforced while
//! reading (nothing is ever held whole in memory).
//!
//! The temporary file has no name (`O_TMPFILE` on Linux, else created and unlinked at once
//! by the `tempfile` crate): nobody else can open it, and the system frees it when the
//! request's last handle closes, whether the request ended normally, by an error, by a client
//! that disconnected or by a crash.
//!
//! A refused request still reads (and drops) a bounded part of what the client is sending, so
//! that the client gets the answer instead of a reset connection; a client that announced
//! `Expect: 100-continue` has sent nothing and is answered at once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::error::ApiError;

/// What a refused request may still read and drop before it is answered.
const DRAIN_BYTES: u64 = 64 << 20;
/// How long a refused request may still read before it is answered.
const DRAIN_TIME: Duration = Duration::from_secs(10);
/// The largest form field other than the file (`profile`, `today`, …).
const MAX_FIELD: usize = 1024;

/// A received file.
#[derive(Debug)]
pub struct Upload {
    /// The content, at its start.
    pub file: File,
    /// The file name the client gave (multipart `filename`), if any.
    pub name: Option<String>,
    /// The form's other fields (multipart only).
    pub fields: HashMap<String, String>,
}

/// Receives the file of `request` into a temporary file in `dir`, refusing (413) more than
/// `limit` bytes.
pub async fn receive(request: Request, dir: &Path, limit: u64) -> Result<Upload, ApiError> {
    let headers = request.headers().clone();
    if let Some(length) = content_length(&headers) {
        if length > limit {
            drain(request.into_body(), &headers).await;
            return Err(ApiError::too_large(limit));
        }
    }
    let file = tempfile::tempfile_in(dir).map_err(|e| {
        ApiError::internal(format!(
            "impossible de créer un fichier temporaire dans « {} » : {e}",
            dir.display()
        ))
    })?;
    let mut sink = Sink {
        file: tokio::fs::File::from_std(file),
        size: 0,
        limit,
    };
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let (name, fields) = if is_form {
        receive_form(request, &mut sink).await?
    } else {
        let mut stream = request.into_body().into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| interrupted(&e))?;
            if let Err(e) = sink.write(&chunk).await {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    drain_stream(stream, 0).await;
                }
                return Err(e);
            }
        }
        (None, HashMap::new())
    };
    if sink.size == 0 {
        return Err(ApiError::bad_request(if is_form {
            "aucun fichier reçu : le formulaire doit contenir un champ fichier non vide (« fichier »)"
        } else {
            "aucun fichier reçu : envoyez le fichier comme corps de la requête, ou dans un formulaire multipart (champ « fichier »)"
        }));
    }
    let mut file = sink.finish().await?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| ApiError::internal(format!("fichier temporaire illisible : {e}")))?;
    Ok(Upload { file, name, fields })
}

/// The first file of a form, and its other (small) fields.
async fn receive_form(
    request: Request,
    sink: &mut Sink,
) -> Result<(Option<String>, HashMap<String, String>), ApiError> {
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::bad_request(format!("formulaire illisible : {}", e.body_text())))?;
    let mut name = None;
    let mut fields = HashMap::new();
    let mut got_file = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::bad_request(format!(
                    "formulaire illisible : {}",
                    e.body_text()
                )))
            }
        };
        let field_name = field.name().unwrap_or_default().to_owned();
        let is_file =
            field.file_name().is_some() || matches!(field_name.as_str(), "fichier" | "file");
        if is_file && !got_file {
            got_file = true;
            name = field.file_name().map(str::to_owned);
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if let Err(e) = sink.write(&chunk).await {
                            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                                let mut dropped = 0u64;
                                let started = tokio::time::Instant::now();
                                while let Ok(Some(c)) = field.chunk().await {
                                    dropped += c.len() as u64;
                                    if dropped > DRAIN_BYTES || started.elapsed() > DRAIN_TIME {
                                        break;
                                    }
                                }
                            }
                            return Err(e);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Err(ApiError::bad_request(format!(
                            "envoi interrompu ou formulaire illisible : {}",
                            e.body_text()
                        )))
                    }
                }
            }
        } else {
            let text = field.text().await.map_err(|e| {
                ApiError::bad_request(format!("formulaire illisible : {}", e.body_text()))
            })?;
            if text.len() > MAX_FIELD {
                return Err(ApiError::bad_request(format!(
                    "le champ « {} » du formulaire est trop long",
                    super::sanitize(&field_name)
                )));
            }
            fields.insert(field_name, text);
        }
    }
    Ok((name, fields))
}

/// The temporary file being written, and the limit.
struct Sink {
    file: tokio::fs::File,
    size: u64,
    limit: u64,
}

impl Sink {
    async fn write(&mut self, chunk: &Bytes) -> Result<(), ApiError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(ApiError::too_large(self.limit));
        }
        self.file.write_all(chunk).await.map_err(|e| {
            ApiError::internal(format!("écriture du fichier temporaire impossible : {e}"))
        })
    }

    async fn finish(mut self) -> Result<File, ApiError> {
        self.file.flush().await.map_err(|e| {
            ApiError::internal(format!("écriture du fichier temporaire impossible : {e}"))
        })?;
        Ok(self.file.into_std().await)
    }
}

/// The announced body size, if any.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `true` when the client waits for `100 Continue` before sending the body.
fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

/// Reads and drops a bounded part of a refused request's body (see the module's docs).
pub async fn drain(body: Body, headers: &HeaderMap) {
    if expects_continue(headers) {
        return;
    }
    drain_stream(body.into_data_stream(), 0).await;
}

async fn drain_stream(mut stream: axum::body::BodyDataStream, mut dropped: u64) {
    let started = tokio::time::Instant::now();
    while let Ok(Some(Ok(chunk))) =
        tokio::time::timeout_at(started + DRAIN_TIME, stream.next()).await
    {
        dropped += chunk.len() as u64;
        if dropped > DRAIN_BYTES {
            break;
        }
    }
}

/// A body that could not be read to its end: the client stopped sending.
fn interrupted(e: &axum::Error) -> ApiError {
    ApiError::bad_request(format!("envoi interrompu avant la fin du fichier : {e}"))
}
