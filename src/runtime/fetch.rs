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
    /// Follow redirects to another scheme, host or port too (by default only
    /// redirects within the same origin are followed).
    pub redirects_to_other_hosts: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            max_body: 256 << 20,
            limits: Limits::default(),
            redirects_to_other_hosts: false,
        }
    }
}

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Characters of an error page quoted in a [`FetchError::Status`].
const QUOTED_BODY_CHARS: usize = 200;

#[derive(Debug)]
pub enum FetchError {
    /// Not an `http://` URL (TLS is not supported: pprof endpoints are local).
    BadUrl(String),
    /// Could not connect, or the connection failed or timed out.
    Transport(String),
    /// A non-200 answer, with the start of the first line of its body.
    Status { status: u16, body: String },
    /// An HTML page: usually the pprof index instead of a profile.
    Html,
    /// The body exceeded `max_body` bytes.
    TooLarge(u64),
    /// A redirect that was not followed: to another origin, without a
    /// `Location`, or one too many.
    Redirect { to: Option<String>, why: &'static str },
    /// The body ended early or was cut by the size cap: a partial live dump
    /// would look like a drop in goroutines, so nothing is loaded.
    Partial(String),
    /// The body is not a goroutine dump.
    NotADump(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::BadUrl(why) => write!(f, "bad URL: {why}"),
            FetchError::Transport(why) => {
                write!(f, "request failed: {why}; check that the program runs and serves net/http/pprof there")
            }
            FetchError::Status { status, body } if body.is_empty() => write!(f, "server answered HTTP {status}"),
            FetchError::Status { status, body } => write!(f, "server answered HTTP {status}: {body}"),
            FetchError::Html => f.write_str(
                "server answered with an HTML page, not a dump; ask for a profile, e.g. /debug/pprof/goroutine?debug=2",
            ),
            FetchError::TooLarge(cap) => write!(
                f,
                "response larger than {cap} bytes; stopped (raise runtime.maxBytes, or ask for debug=1 counts)"
            ),
            FetchError::Redirect { to: Some(to), why } => write!(f, "redirected to {to}: {why}"),
            FetchError::Redirect { to: None, why } => write!(f, "redirect not followed: {why}"),
            FetchError::Partial(why) => write!(f, "incomplete dump, nothing loaded: {why}; fetch it again"),
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

/// Fetches and parses one dump, following redirects within the same scheme,
/// host and port (others only with `redirects_to_other_hosts`); a source that
/// was redirected says where to in a warning. A body cut by the timeout, by
/// either cap or by a broken gzip stream is an error: a partial live dump would
/// be mistaken for a drop in goroutines.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Source, FetchError> {
    if !url.starts_with("http://") {
        return Err(FetchError::BadUrl(format!("{url}: only http:// URLs are supported")));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut target = url.to_string();
    let mut redirects = 0;
    let response = loop {
        let response = agent
            .get(&target)
            .header("Accept-Encoding", "gzip")
            .call()
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        if !response.status().is_redirection() {
            break response;
        }
        let location = response.headers().get("location").and_then(|v| v.to_str().ok());
        let Some(next) = location.map(|l| resolve(&target, l)) else {
            return Err(FetchError::Redirect { to: None, why: "the answer has no Location" });
        };
        if !options.redirects_to_other_hosts && origin(&next) != origin(&target) {
            return Err(FetchError::Redirect {
                to: Some(next),
                why: "another scheme, host or port; give that URL if you trust it",
            });
        }
        redirects += 1;
        if redirects > MAX_REDIRECTS {
            return Err(FetchError::Redirect { to: Some(next), why: "too many redirects" });
        }
        target = next;
    };
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let mut body = Capped { inner: response.into_body().into_reader(), remaining: options.max_body };
    if status != 200 {
        let mut text = Vec::new();
        let _ = (&mut body).take(4096).read_to_end(&mut text);
        return Err(FetchError::Status { status, body: quoted_first_line(&text) });
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
    // The loader names its input; the caller names the URL once.
    let unnamed =
        |why: String| why.strip_prefix(url).and_then(|w| w.strip_prefix(": ")).map_or(why.clone(), str::to_string);
    let mut source = source.map_err(|e| match e {
        LoadError::Io(e) => FetchError::Transport(unnamed(e.to_string())),
        LoadError::NotADump(why) => FetchError::NotADump(unnamed(why)),
    })?;
    if source.partial {
        return Err(FetchError::Partial(source.warnings.join("; ")));
    }
    if target != url {
        source.warnings.push(format!("redirected to {target}"));
    }
    Ok(source)
}

/// The start of an error page's first line, without control characters.
fn quoted_first_line(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let first = text.lines().next().unwrap_or("").trim();
    let mut quoted: String = first.chars().filter(|c| !c.is_control()).take(QUOTED_BODY_CHARS).collect();
    if first.chars().count() > QUOTED_BODY_CHARS {
        quoted.push_str("...");
    }
    quoted
}

/// A `Location` made absolute against the URL that answered with it.
fn resolve(base: &str, location: &str) -> String {
    let location = location.trim();
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(authority_path) = location.strip_prefix("//") {
        return format!("{scheme}://{authority_path}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = rest[authority.len()..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{scheme}://{authority}{dir}{location}")
}

/// Scheme, host and port (80 when not given for http) of a URL.
fn origin(url: &str) -> Option<(String, String, u16)> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    Some((scheme, uri.host()?.to_ascii_lowercase(), uri.port_u16().unwrap_or(default_port)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_url() {
        let base = "http://127.0.0.1:6060/debug/pprof/goroutine?debug=2";
        assert_eq!(resolve(base, "/x?debug=1"), "http://127.0.0.1:6060/x?debug=1");
        assert_eq!(resolve(base, "goroutineleak?debug=1"), "http://127.0.0.1:6060/debug/pprof/goroutineleak?debug=1");
        assert_eq!(resolve(base, "//other:80/y"), "http://other:80/y");
        assert_eq!(resolve(base, "http://evil.example/z"), "http://evil.example/z");
        assert_eq!(origin("http://LOCALHOST/a"), origin("http://localhost:80/b"));
        assert_ne!(origin("http://localhost:6060/a"), origin("http://localhost:6061/a"));
    }

    #[test]
    fn error_pages_are_quoted_briefly() {
        let page = format!("{}\nsecond line", "x".repeat(5000));
        assert_eq!(quoted_first_line(page.as_bytes()), format!("{}...", "x".repeat(QUOTED_BODY_CHARS)));
        assert_eq!(quoted_first_line(b"boom\x1b[31m red\n"), "boom[31m red");
    }
}
