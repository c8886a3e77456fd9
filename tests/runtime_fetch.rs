//! Fetching dumps from misbehaving endpoints: tiny 127.0.0.1 servers that
//! answer HTML, errors, too much, forever, or gzip.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use leakls::runtime::{FetchError, FetchOptions, Format, fetch};

const DUMP: &str = "goroutine 1 [chan send]:\nmain.worker()\n\t/src/main.go:10 +0x1\ncreated by main.main in goroutine 1\n\t/src/main.go:5 +0x2\n\n";

/// Serves one connection with `respond`, after reading the request head.
fn serve(respond: impl FnOnce(&mut TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        respond(&mut stream);
    });
    format!("http://{addr}/debug/pprof/goroutine?debug=2")
}

fn respond_with(status: &str, headers: &str, body: Vec<u8>) -> impl FnOnce(&mut TcpStream) + Send + 'static {
    let status = status.to_string();
    let headers = headers.to_string();
    move |s: &mut TcpStream| {
        let head = format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&body);
    }
}

fn options() -> FetchOptions {
    FetchOptions { timeout: Duration::from_millis(800), max_body: 64 << 10, ..FetchOptions::default() }
}

#[test]
fn a_plain_dump_and_a_gzip_encoded_one() {
    let url = serve(respond_with("200 OK", "Content-Type: text/plain; charset=utf-8\r\n", DUMP.as_bytes().to_vec()));
    let source = fetch(&url, &options()).unwrap();
    assert_eq!((source.info.format, source.info.goroutines), (Format::Traceback, 1));

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(DUMP.repeat(3).as_bytes()).unwrap();
    let url = serve(respond_with("200 OK", "Content-Encoding: gzip\r\n", gz.finish().unwrap()));
    assert_eq!(fetch(&url, &options()).unwrap().info.goroutines, 3);
}

#[test]
fn html_error_status_and_non_dumps_are_clear_errors() {
    let url = serve(respond_with(
        "200 OK",
        "Content-Type: text/html; charset=utf-8\r\n",
        b"<html>pprof index</html>".to_vec(),
    ));
    assert!(matches!(fetch(&url, &options()), Err(FetchError::Html)));

    let url = serve(respond_with("404 Not Found", "Content-Type: text/plain\r\n", b"404 page not found\n".to_vec()));
    match fetch(&url, &options()) {
        Err(FetchError::Status { status: 404, body }) => assert_eq!(body, "404 page not found"),
        other => panic!("{other:?}"),
    }

    let url = serve(respond_with("200 OK", "", b"hello, world\n".to_vec()));
    let err = fetch(&url, &options()).unwrap_err();
    assert!(matches!(err, FetchError::NotADump(_)), "{err}");
    assert!(err.to_string().contains("not a goroutine dump"), "{err}");

    assert!(matches!(fetch("https://127.0.0.1:1/x", &options()), Err(FetchError::BadUrl(_))));
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    assert!(matches!(fetch(&format!("http://{closed}/x"), &options()), Err(FetchError::Transport(_))));
}

#[test]
fn oversized_bodies_are_cut_at_the_cap() {
    let url = serve(respond_with("200 OK", "", DUMP.repeat(2000).into_bytes()));
    assert!(matches!(fetch(&url, &options()), Err(FetchError::TooLarge(65536))));
}

#[test]
fn a_server_that_streams_forever_hits_the_timeout() {
    let url = serve(|s: &mut TcpStream| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let started = Instant::now();
        // Trickle goroutines until the client hangs up (bounded in time regardless).
        while started.elapsed() < Duration::from_secs(10) {
            let chunk = format!("{:x}\r\n{DUMP}\r\n", DUMP.len());
            if s.write_all(chunk.as_bytes()).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let started = Instant::now();
    let options = FetchOptions { max_body: 1 << 30, ..options() };
    let err = fetch(&url, &options).unwrap_err();
    assert!(matches!(err, FetchError::Transport(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Serves `responses` to successive connections, whatever they ask for.
fn serve_each(responses: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}

fn redirect_to(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").into_bytes()
}

fn ok_dump() -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{DUMP}", DUMP.len()).into_bytes()
}

#[test]
fn redirects_stay_on_the_same_host_unless_allowed_and_say_where_they_went() {
    // Same scheme, host and port: followed, and the source says where it went.
    let origin = serve_each(vec![redirect_to("/debug/pprof/goroutine?debug=2&moved=1"), ok_dump()]);
    let source = fetch(&format!("{origin}/old"), &options()).unwrap();
    let moved = format!("redirected to {origin}/debug/pprof/goroutine?debug=2&moved=1");
    assert!(source.warnings.contains(&moved), "{:?}", source.warnings);

    // Another port is another origin: refused, naming where it pointed.
    let elsewhere = serve_each(vec![ok_dump()]);
    let target = format!("{elsewhere}/debug/pprof/goroutine?debug=2");
    let origin = serve_each(vec![redirect_to(&target)]);
    match fetch(&format!("{origin}/x"), &options()) {
        Err(e @ FetchError::Redirect { .. }) => assert!(e.to_string().contains(&target), "{e}"),
        other => panic!("{other:?}"),
    }
    // Allowed by the setting: followed.
    let origin = serve_each(vec![redirect_to(&target)]);
    let allowed = FetchOptions { redirects_to_other_hosts: true, ..options() };
    let source = fetch(&format!("{origin}/x"), &allowed).unwrap();
    assert!(source.warnings.contains(&format!("redirected to {target}")), "{:?}", source.warnings);
}

#[test]
fn a_gzip_body_cut_short_or_at_the_cap_is_an_error() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(DUMP.repeat(500).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let url = serve(respond_with("200 OK", "", gz[..gz.len() / 2].to_vec()));
    let err = fetch(&url, &options()).unwrap_err();
    assert!(matches!(err, FetchError::Partial(_)), "{err}");
    assert!(err.to_string().contains("gzip data is truncated"), "{err}");
    assert!(!err.to_string().contains(&url), "the caller names the URL, once: {err}");

    // Inflated past the cap.
    let url = serve(respond_with("200 OK", "", gz.clone()));
    let capped =
        FetchOptions { limits: leakls::runtime::Limits { max_bytes: 4096, ..Default::default() }, ..options() };
    let err = fetch(&url, &capped).unwrap_err();
    assert!(matches!(err, FetchError::Partial(_)), "{err}");
}

#[test]
fn error_pages_are_quoted_briefly() {
    let page = format!("{}\nsecond line\n", "internal error ".repeat(300));
    let url = serve(respond_with("500 Internal Server Error", "", page.into_bytes()));
    match fetch(&url, &options()) {
        Err(FetchError::Status { status: 500, body }) => {
            assert!(body.len() <= 210 && body.starts_with("internal error") && body.ends_with("..."), "{body}")
        }
        other => panic!("{other:?}"),
    }
    let url = serve(respond_with("200 OK", "", b"\x1f\x8bnot really gzip".to_vec()));
    let err = fetch(&url, &options()).unwrap_err();
    assert!(!err.to_string().contains(&url), "named once, by the caller: {err}");
}
