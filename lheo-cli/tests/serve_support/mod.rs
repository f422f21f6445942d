//! Helpers for the `lheo serve` tests: the built binary started on a free loopback port with a
//! temporary folder of its own (to check that nothing is left in it), an HTTP client, raw
//! requests over TCP, and the oracles' skip-or-fail rule.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("lheo-cli sits in the workspace")
        .to_path_buf()
}

/// A fixture of the workspace's `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace().join("fixtures").join(name)
}

/// `true` when oracles must be there (`LHEO_REQUIRE_ORACLE=1`): a missing one fails.
pub fn oracle_required() -> bool {
    std::env::var("LHEO_REQUIRE_ORACLE").is_ok_and(|v| v == "1")
}

/// Skips (prints why and returns `false`) or fails when `what` is missing.
pub fn available(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        !oracle_required(),
        "{what} is missing and LHEO_REQUIRE_ORACLE=1"
    );
    eprintln!("skipped: {what} is missing");
    false
}

/// A running `lheo serve`.
pub struct Served {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its temporary folder (`--temp-dir`).
    pub temp: tempfile::TempDir,
    log: Arc<Mutex<String>>,
}

impl Served {
    /// Starts `lheo serve --bind 127.0.0.1:0 --temp-dir … args…` and waits for its address.
    pub fn start(args: &[&str]) -> Served {
        let temp = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_lheo"))
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--temp-dir"])
            .arg(temp.path())
            .args(args)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lheo serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .expect("lheo serve prints its address")
            .expect("stdout is UTF-8");
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        std::thread::spawn(move || for _ in lines {});
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served {
            child: Some(child),
            addr,
            temp,
            log,
        }
    }

    /// `http://addr/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// What the server wrote on stderr so far (the access log).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Entries of the temporary folder, and the server's open files in it (nameless temporary
    /// files show as `folder/#123 (deleted)`).
    pub fn leftovers(&self) -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(self.temp.path())
            .expect("temp dir readable")
            .map(|e| e.expect("entry").path().display().to_string())
            .collect();
        let dir = self.temp.path().display().to_string();
        if let Ok(fds) = std::fs::read_dir(format!("/proc/{}/fd", self.pid())) {
            for fd in fds.flatten() {
                if let Ok(target) = std::fs::read_link(fd.path()) {
                    let target = target.display().to_string();
                    if target.starts_with(&dir) {
                        found.push(format!("open: {target}"));
                    }
                }
            }
        }
        found
    }

    /// Waits (5 s at most) until nothing is left in or open from the temporary folder; returns
    /// what is left.
    pub fn wait_clean(&self) -> Vec<String> {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let left = self.leftovers();
            if left.is_empty() || Instant::now() > until {
                return left;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (5 s at most) until the access log holds `n` lines with `needle`.
    pub fn wait_log(&self, needle: &str, n: usize) -> String {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.log();
            if log.lines().filter(|l| l.contains(needle)).count() >= n || Instant::now() > until {
                return log;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < until, "lheo serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP client that returns every status as a response.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// An answer: status, content type, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub disposition: Option<String>,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// The header `name` (lower case), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let disposition = header("content-disposition");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .expect("body readable");
    Answer {
        status,
        content_type,
        body,
        disposition,
        headers,
    }
}

/// `GET url`.
pub fn get(url: &str) -> Answer {
    answer(client().get(url).call().expect("request answered"))
}

/// `POST url` with `body` as the request body.
pub fn post(url: &str, body: &[u8]) -> Answer {
    answer(
        client()
            .post(url)
            .header("content-type", "application/octet-stream")
            .send(body)
            .expect("request answered"),
    )
}

/// `POST url` with a `multipart/form-data` form: the file (field `fichier`, named
/// `file_name`) and text fields.
pub fn post_form(url: &str, file_name: &str, content: &[u8], fields: &[(&str, &str)]) -> Answer {
    let boundary = "----lheo-test-7d1b2c";
    let mut body = Vec::new();
    for (name, value) in fields {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(content);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    answer(
        client()
            .post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .expect("request answered"),
    )
}

/// Sends raw bytes over a new connection and reads the answer's status line and body (the
/// connection is closed by the request's `Connection: close`).
pub fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).expect("request sent");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The `lheo` binary's output for `args`, run from `dir` with `stdin` as its input.
pub fn cli(dir: &Path, args: &[&str], stdin: Option<&Path>) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lheo"));
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    if let Some(path) = stdin {
        cmd.stdin(std::fs::File::open(path).expect("input readable"));
    }
    cmd.output().expect("lheo runs").stdout
}
