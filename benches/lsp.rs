//! End-to-end server latency through an in-process LSP client.
//!
//! - keystrokes: typing into a 10,000-line Go file (insert and delete inside a
//!   goroutine body), at a typing pace and as fast as possible; the time from
//!   sending `didChange` to receiving `publishDiagnostics` for that version;
//! - scale: start-up on a workspace the size of the Go source tree, the time to
//!   the first diagnostics of an open file while the workspace is indexed, the
//!   indexing time, and the process's peak memory.
//!
//! Run: `cargo bench --bench lsp` (workspace: `$(go env GOROOT)/src`, or
//! `LEAKLS_BENCH_CORPUS=<dir>`).

// The tests' client, shared rather than copied; the benchmark uses part of it.
#[allow(dead_code)]
#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_client::TestClient;
use serde_json::json;

const URI: &str = "file:///bench/big.go";

/// A 10,000-line file of goroutine-heavy functions; the typing happens inside
/// the goroutine of the middle one.
fn big_file() -> (String, u32) {
    let mut text = String::from("package bench\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\n");
    let mut i = 0;
    let mut target_line = 0;
    while text.lines().count() < 10_000 {
        if i == 250 {
            target_line = text.lines().count() as u32 + 3;
        }
        text.push_str(&format!(
            "func work{i}(ctx context.Context) (int, error) {{\n\tresult := make(chan int, 1)\n\tgo func() {{\n\t\tresult <- {i}\n\t}}()\n\tselect {{\n\tcase v := <-result:\n\t\treturn v, nil\n\tcase <-time.After(time.Second):\n\t\treturn 0, ctx.Err()\n\t}}\n}}\n\n"
        ));
        i += 1;
    }
    (text, target_line)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<40} n={:<4} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
}

/// Alternately types `x` after the send and deletes it again.
fn keystroke(version: i64, line: u32) -> serde_json::Value {
    let at = json!({"line": line, "character": 14});
    if version % 2 == 0 {
        json!([{"range": {"start": at, "end": at}, "text": "x"}])
    } else {
        json!([{"range": {"start": at, "end": {"line": line, "character": 15}}, "text": ""}])
    }
}

async fn keystrokes() {
    let (text, line) = big_file();
    println!("keystrokes into a {}-line, {:.0} KB file", text.lines().count(), text.len() as f64 / 1e3);
    let (mut client, _) = TestClient::start(&["utf-16"], json!(null)).await;
    client.open(URI, &text, 1).await;
    client.diagnostics(URI, 1).await;

    // A typing pace: one key every 80 ms.
    let mut paced = Vec::new();
    let mut version = 1;
    for _ in 0..if smoke_test() { 4 } else { 120 } {
        version += 1;
        let sent = Instant::now();
        client.change(URI, version, keystroke(version, line)).await;
        client.diagnostics(URI, version).await;
        paced.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    report("typing pace (80 ms between keys)", paced);

    // As fast as possible: bursts of 20 keys; the latest version must be published.
    let mut bursts = Vec::new();
    for _ in 0..if smoke_test() { 2 } else { 20 } {
        let sent = Instant::now();
        for _ in 0..20 {
            version += 1;
            client.change(URI, version, keystroke(version, line)).await;
        }
        client.diagnostics(URI, version).await;
        bursts.push(sent.elapsed());
    }
    report("burst of 20 keys, to the last version", bursts);
}

/// `cargo test --all-targets` runs benchmarks without `--bench`: then a few
/// keystrokes and a small workspace check the benchmark still works.
fn smoke_test() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

fn corpus() -> PathBuf {
    if smoke_test() {
        return Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/leaky-service");
    }
    if let Some(dir) = std::env::var_os("LEAKLS_BENCH_CORPUS") {
        return PathBuf::from(dir);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/go");
    let go = if local.is_file() { local } else { PathBuf::from("go") };
    let out = std::process::Command::new(go).args(["env", "GOROOT"]).output().expect("go env GOROOT");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("src")
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn scale() {
    let root = corpus();
    let open = if smoke_test() { root.join("quotes.go") } else { root.join("net/http/server.go") };
    let text = std::fs::read_to_string(&open).expect("the opened file in the corpus");
    let uri = format!("file://{}", open.display());
    let started = Instant::now();
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"window": {"workDoneProgress": true}, "general": {"positionEncodings": ["utf-16"]}},
        "workspaceFolders": [{"uri": format!("file://{}", root.display()), "name": "go"}],
    }))
    .await;
    client.open(&uri, &text, 1).await;
    client.diagnostics(&uri, 1).await;
    let first = started.elapsed();
    let end = client.wait_notification(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end").await;
    let indexed = started.elapsed();
    println!("workspace {} ", root.display());
    println!("  first diagnostics for {}: {:.0} ms (budget 500 ms)", open.display(), first.as_secs_f64() * 1e3);
    println!("  indexing finished after {:.1} s: {}", indexed.as_secs_f64(), end["params"]["value"]["message"]);
    println!("  peak memory (VmHWM): {:.0} MB (budget 1 GB)", peak_rss_mb());
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(keystrokes());
    runtime.block_on(scale());
}
