//! `lheo serve`: a web page where staff drop a feed or a workbook and read the report, and an
//! HTTP API for scripts, built on axum (tokio, hyper).
//!
//! One module per job: [`api`] (the endpoints), [`upload`] (receiving a file into a private
//! temporary file, limit enforced while reading), [`jobs`] (bounded jobs and queue,
//! cancellation), [`work`] (validate, convert, export on a blocking thread), [`page`] (the
//! page, its style and script), [`log`] (one access-log line per request), [`error`] (JSON
//! errors with a French message).
//!
//! Safe to host: it listens on 127.0.0.1 unless told otherwise, keeps no file (uploads and
//! outputs live in nameless temporary files freed when the request ends), runs at most
//! `--jobs` jobs with at most `--queue` requests waiting (503 beyond), gives each request
//! `--timeout` seconds, and stops gracefully on SIGTERM or Ctrl-C (requests under way finish).

mod api;
mod error;
mod jobs;
mod log;
mod page;
mod upload;
mod work;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;

use crate::error::Outcome;
use error::ApiError;

/// `lheo serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exemples :\n  lheo serve                          page sur http://127.0.0.1:8080/ (cette machine seulement)\n  \
                  lheo serve --bind 0.0.0.0:8080 --jobs 4 --max-upload 1GB   pour tout un réseau, derrière un proxy inverse"
)]
pub struct ServeArgs {
    /// Adresse et port d'écoute ; par défaut 127.0.0.1:8080 (cette machine seulement) ;
    /// 0.0.0.0:8080 pour être joint depuis le réseau (derrière un proxy inverse).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADRESSE:PORT")]
    pub bind: SocketAddr,

    /// Taille maximale d'un fichier envoyé (par défaut 512MB ; unités kB, MB, GB, KiB, MiB,
    /// GiB).
    #[arg(long, default_value = "512MB", value_parser = parse_size, value_name = "TAILLE")]
    pub max_upload: u64,

    /// Fichiers traités en même temps (par défaut : le nombre de cœurs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,

    /// Requêtes admises en attente d'un traitement (par défaut : 4 par traitement) ; au-delà,
    /// le serveur répond 503 (occupé).
    #[arg(long, value_name = "N")]
    pub queue: Option<usize>,

    /// Durée maximale d'une requête, envoi compris, en secondes (par défaut 300).
    #[arg(long, default_value_t = 300, value_name = "SECONDES",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Dossier des fichiers temporaires (par défaut celui du système : TMPDIR ou /tmp) ; ils
    /// n'y ont pas de nom et disparaissent à la fin de chaque requête.
    #[arg(long, value_name = "DOSSIER")]
    pub temp_dir: Option<PathBuf>,

    /// The language of the reports' messages when a request does not say (`lang=`).
    #[command(flatten)]
    pub lang: crate::cli::LangArg,
}

/// `--max-upload`: `512MB`, `1GB`, `20MiB`, `1000` (bytes).
fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .ok()
        .filter(|&b| b > 0)
        .ok_or_else(|| {
            format!("taille attendue, comme 512MB, 1GB, 20MiB ou 1000 (octets), reçu « {text} »")
        })
}

/// A size for people, in French decimal units: `512 Mo`, `1,5 Go`, `999 octets`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["ko", "Mo", "Go", "To"];
    if bytes < 1000 {
        return format!("{bytes} octets");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text).replace('.', ",");
    format!("{text} {}", UNITS[unit])
}

/// Replaces control characters in text from a request before it goes into a message or the
/// log (the page shows messages as text, never as HTML).
pub(crate) fn sanitize(text: &str) -> String {
    let text: String = text.chars().take(200).collect();
    crate::report::sanitize(&text).into_owned()
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest upload in bytes.
    pub max_upload: u64,
    /// Jobs at once.
    pub jobs: usize,
    /// Requests waiting beyond the jobs.
    pub queue: usize,
    /// Time limit of a request.
    pub timeout: Duration,
    /// Where nameless temporary files go.
    pub temp_dir: PathBuf,
    /// The reports' language when a request does not say.
    pub lang: lheo::Lang,
}

impl Config {
    fn from_args(args: &ServeArgs) -> Config {
        let jobs = args.jobs.map(|j| j as usize).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        Config {
            max_upload: args.max_upload,
            jobs,
            queue: args.queue.unwrap_or(4 * jobs),
            timeout: Duration::from_secs(args.timeout),
            temp_dir: args.temp_dir.clone().unwrap_or_else(std::env::temp_dir),
            lang: args.lang.lang.lang(),
        }
    }
}

/// The state every request shares.
#[derive(Debug, Clone)]
pub struct Server(Arc<Shared>);

/// What [`Server`] holds.
#[derive(Debug)]
pub struct Shared {
    config: Config,
    jobs: jobs::Jobs,
    page: page::Page,
    rules_json: String,
}

impl std::ops::Deref for Server {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl Server {
    fn new(config: Config) -> Server {
        let rules: Vec<lheo::Rule> = lheo::rules::catalogue::all().collect();
        let mut rules_json = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = crate::commands::rules::write_json(&mut rules_json, &rules, lheo::Lang::Fr);
        Server(Arc::new(Shared {
            jobs: jobs::Jobs::new(config.jobs, config.queue),
            page: page::Page::new(&config),
            rules_json: String::from_utf8_lossy(&rules_json).into_owned(),
            config,
        }))
    }
}

/// The routes.
fn router(server: Server) -> Router {
    let api = Router::new()
        .route("/api/validate", post(api::validate))
        .route("/api/convert", post(api::convert))
        .route("/api/export", post(api::export))
        .route_layer(middleware::from_fn_with_state(server.clone(), time_limit))
        .route_layer(DefaultBodyLimit::disable());
    Router::new()
        .merge(api)
        .route("/api/rules", get(api::rules))
        .route("/health", get(api::health))
        .merge(page::routes())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(middleware::from_fn(log::access))
        .with_state(server)
}

/// The time limit of a request: past it, the request is answered 503 and its job stops.
async fn time_limit(State(server): State<Server>, request: Request, next: Next) -> Response {
    let limit = server.config.timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::timed_out(limit.as_secs()).into_response(),
    }
}

/// Runs `lheo serve` until SIGTERM or Ctrl-C.
pub fn run(args: ServeArgs) -> Outcome {
    let config = Config::from_args(&args);
    if !config.temp_dir.is_dir() {
        eprintln!(
            "lheo: le dossier des fichiers temporaires « {} » n'existe pas",
            config.temp_dir.display()
        );
        return Outcome::Failure;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(config.jobs + 16)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("lheo: impossible de démarrer le serveur : {e}");
            return Outcome::Failure;
        }
    };
    runtime.block_on(serve(args.bind, config))
}

async fn serve(bind: SocketAddr, config: Config) -> Outcome {
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("lheo: impossible d'écouter sur {bind} : {e}");
            return Outcome::Failure;
        }
    };
    let address = listener.local_addr().unwrap_or(bind);
    println!(
        "lheo serve : http://{address}/ ({} traitement{} à la fois, {} en attente, fichiers de {} au plus, {} s par requête) ; Ctrl-C pour arrêter",
        config.jobs,
        if config.jobs > 1 { "s" } else { "" },
        config.queue,
        human_size(config.max_upload),
        config.timeout.as_secs()
    );
    if !address.ip().is_loopback() {
        println!(
            "lheo serve : ouvert au réseau : placez-le derrière un proxy inverse (HTTPS, authentification si besoin)"
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let app = router(Server::new(config)).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    match served {
        Ok(()) => {
            eprintln!("lheo serve : arrêté");
            Outcome::Success
        }
        Err(e) => {
            eprintln!("lheo: le serveur s'est arrêté sur une erreur : {e}");
            Outcome::Failure
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("lheo serve : arrêt demandé ; les requêtes en cours se terminent");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("512MB"), Ok(512_000_000));
        assert_eq!(parse_size("20MiB"), Ok(20 << 20));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("beaucoup").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(human_size(999), "999 octets");
        assert_eq!(human_size(512_000_000), "512 Mo");
        assert_eq!(human_size(1_500_000_000), "1,5 Go");
        assert_eq!(human_size(20 << 20), "21 Mo");
    }
}
