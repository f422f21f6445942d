//! One access-log line per request on stderr: time, client, method, path and query (control
//! characters replaced), status, bytes announced, duration. Never the file's content.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

/// Logs `request` once it is answered (or dropped: a client that disconnects is logged with
/// status `-`).
pub async fn access(request: Request, next: Next) -> Response {
    let mut line = Line {
        started: Instant::now(),
        client: request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.to_string())
            .unwrap_or_else(|| "-".to_owned()),
        method: request.method().to_string(),
        target: super::sanitize(
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/"),
        ),
        length: request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned(),
        status: None,
    };
    let response = next.run(request).await;
    line.status = Some(response.status().as_u16());
    response
}

/// The line, written when dropped (so that an abandoned request is logged too).
struct Line {
    started: Instant,
    client: String,
    method: String,
    target: String,
    length: String,
    status: Option<u16>,
}

impl Drop for Line {
    fn drop(&mut self) {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
        let status = self
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        eprintln!(
            "{now} {} \"{} {}\" {status} {} {}ms",
            self.client,
            self.method,
            self.target,
            self.length,
            self.started.elapsed().as_millis()
        );
    }
}
