//! Fetching a dump from a live pprof endpoint
//! (`http://127.0.0.1:6060/debug/pprof/goroutine?debug=2`) with a timeout and a
//! size cap, parsing the body as it streams in.

use std::io::{self, Read};
use std::time::Duration;

use super::input::Limits;
use super::load::{LoadError, Source, load_reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    /// For the whole exchange, connect to last byte: a server that streams
    /// forever is cut off here.
    pub timeout: Duration,
    /// Bytes accepted on the wire (before any gzip inflation, which `limits`
    /// bounds separately).
    pub max_body: u64,
    pub limits: Limits,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions { timeout: Duration::from_secs(30), max_body: 256 << 20, limits: Limits::default() }
    }
}

#[derive(Debug)]
pub enum FetchError {
    /// Not an `http://` URL (TLS is not supported: pprof endpoints are local).
    BadUrl(String),
    /// Could not connect, or the connection failed or timed out.
    Transport(String),
    /// A non-200 answer, with the first line of its body.
    Status { status: u16, body: String },
    /// An HTML page: usually the pprof index instead of a profile.
    Html,
    /// The body exceeded `max_body` bytes.
    TooLarge(u64),
    /// The body is not a goroutine dump.
    NotADump(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::BadUrl(why) => write!(f, "bad URL: {why}"),
            FetchError::Transport(why) => write!(f, "request failed: {why}"),
            FetchError::Status { status, body } => write!(f, "server answered HTTP {status}: {body}"),
            FetchError::Html => f.write_str(
                "server answered with an HTML page, not a dump; ask for a profile, e.g. /debug/pprof/goroutine?debug=2",
            ),
            FetchError::TooLarge(cap) => write!(f, "response larger than {cap} bytes; stopped"),
            FetchError::NotADump(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for FetchError {}

/// Marks the point where the body cap was hit, so it can be told apart from
/// other read errors.
#[derive(Debug)]
struct BodyTooLarge;

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("response body over the size cap")
    }
}

impl std::error::Error for BodyTooLarge {}

/// A reader that fails once more than `remaining` bytes come through.
struct Capped<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(BodyTooLarge)),
            };
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

fn is_too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<BodyTooLarge>())
}

/// Fetches and parses one dump. A body cut by the timeout or the cap after
/// some goroutines were read is an error too: a partial live dump would be
/// mistaken for a drop in goroutines.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Source, FetchError> {
    if !url.starts_with("http://") {
        return Err(FetchError::BadUrl(format!("{url}: only http:// URLs are supported")));
    }
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(options.timeout)).http_status_as_error(false).build().into();
    let response =
        agent.get(url).header("Accept-Encoding", "gzip").call().map_err(|e| FetchError::Transport(e.to_string()))?;
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let mut body = Capped { inner: response.into_body().into_reader(), remaining: options.max_body };
    if status != 200 {
        let mut text = Vec::new();
        let _ = (&mut body).take(4096).read_to_end(&mut text);
        let first = String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_string();
        return Err(FetchError::Status { status, body: first });
    }
    if content_type.starts_with("text/html") {
        return Err(FetchError::Html);
    }
    // Parse from a reader that remembers the first I/O error: the parsers turn
    // read errors into "partial" warnings, but for a live fetch they are fatal.
    let mut failure: Option<io::Error> = None;
    let source = {
        let reader = ErrorTrap { inner: &mut body, failure: &mut failure };
        load_reader(url, reader, options.limits)
    };
    if let Some(e) = failure {
        return Err(if is_too_large(&e) {
            FetchError::TooLarge(options.max_body)
        } else {
            FetchError::Transport(format!("reading the body: {e}"))
        });
    }
    source.map_err(|e| match e {
        LoadError::Io(e) => FetchError::Transport(e.to_string()),
        LoadError::NotADump(why) => FetchError::NotADump(why),
    })
}

struct ErrorTrap<'a, R> {
    inner: R,
    failure: &'a mut Option<io::Error>,
}

impl<R: Read> Read for ErrorTrap<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => {
                let kind = e.kind();
                *self.failure = Some(e);
                Err(io::Error::new(kind, "fetch failed"))
            }
        }
    }
}
