//! End-to-end server latency through an in-process LSP client.
//!
//! - keystrokes: typing a space and deleting it again inside a goroutine body,
//!   at a typing pace (a key every 80 ms) and in bursts of 20 keys; the time
//!   from sending `didChange` to receiving `publishDiagnostics` for that
//!   version (for a burst, from its first key to its last version). On each of:
//!   - a 15,000-line file generated in the shape of real service code (methods
//!     of store types, shared local names, select loops, WaitGroups, leaks:
//!     `tests/support/service_file.rs`);
//!   - the real files named by `LEAKLS_BENCH_FILES` (`:`-separated paths);
//!   - the old synthetic 10,000-line file of unique five-line functions, for
//!     comparison with earlier figures;
//! - first diagnostics: each file opened in a workspace of `LEAKLS_BENCH_CORPUS`
//!   plus the file's own directory, against a whole-file analysis of the same
//!   file (parse plus rules, with the package model) in the same run;
//! - scale: the Go source tree as workspace, first diagnostics for
//!   `net/http/server.go`, the indexing time and the peak memory.
//!
//! Run: `cargo bench --bench lsp` (workspace: `$(go env GOROOT)/src`, or
//! `LEAKLS_BENCH_CORPUS=<dir>`). The README lists the real files measured and
//! how to get them.

// The tests' client and file generator, shared rather than copied; the benchmark uses part of them.
#[allow(dead_code)]
#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "../tests/support/service_file.rs"]
mod service_file;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::packages::Packages;
use leakls::analysis::{AnalysisInput, analyze};
use leakls::syntax::parse_go;
use lsp_client::TestClient;
use serde_json::json;

/// A file typed into: where it lives and where the typing happens.
struct Subject {
    name: String,
    path: PathBuf,
    text: String,
    /// 0-based line and byte column of the first character of a statement inside a goroutine body.
    at: (u32, u32),
}

impl Subject {
    fn uri(&self) -> String {
        format!("file://{}", self.path.display())
    }

    fn lines(&self) -> usize {
        self.text.lines().count()
    }
}

/// The old benchmark's file: 10,000 lines of unique five-line functions.
fn synthetic_file() -> (String, u32) {
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

/// A generated file written into its own module under `dir`.
fn generated(dir: &Path, name: &str, (text, line): (String, u32)) -> Subject {
    let module = dir.join(name);
    std::fs::create_dir_all(&module).expect("a module directory");
    std::fs::write(module.join("go.mod"), "module example.com/bench\n\ngo 1.22\n").expect("go.mod");
    let path = module.join(format!("{name}.go"));
    std::fs::write(&path, &text).expect("the generated file");
    let at = (line, indentation(&text, line));
    Subject { name: format!("{name}.go (generated)"), path, text, at }
}

fn indentation(text: &str, line: u32) -> u32 {
    let line = text.lines().nth(line as usize).unwrap_or("");
    (line.len() - line.trim_start().len()) as u32
}

/// A real file: typing happens on the first statement of the `go func` nearest
/// its middle, or, in a file without one, on the function body line nearest it.
fn real(path: PathBuf) -> Subject {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let middle = lines.len() / 2;
    let nearest = |wanted: &dyn Fn(&str) -> bool| {
        (0..lines.len()).filter(|&i| wanted(lines[i])).min_by_key(|&i| i.abs_diff(middle))
    };
    let goroutine = nearest(&|l| l.trim_start().starts_with("go func") && l.trim_end().ends_with('{')).map(|i| i + 1);
    let statement = || nearest(&|l| l.starts_with('\t') && !l.trim().is_empty() && !l.trim_start().starts_with("//"));
    let line =
        goroutine.or_else(statement).unwrap_or_else(|| panic!("{}: no function body to type in", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let line = line as u32;
    Subject { name, at: (line, indentation(&text, line)), path, text }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(name: &str, mut samples: Vec<Duration>, budget: &str) {
    samples.sort();
    println!(
        "  {name:<38} n={:<4} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  ({budget})",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.95)),
        ms(*samples.last().unwrap())
    );
}

/// Alternately types a space at `at` and deletes it again.
fn keystroke(version: i64, (line, column): (u32, u32)) -> serde_json::Value {
    let start = json!({"line": line, "character": column});
    if version % 2 == 0 {
        json!([{"range": {"start": start, "end": start}, "text": " "}])
    } else {
        json!([{"range": {"start": start, "end": {"line": line, "character": column + 1}}, "text": ""}])
    }
}

/// The best of three whole-file analyses of `subject` as `leakls check` does
/// one file: parse, then every rule with the package model of its directory.
fn whole_file_analysis(subject: &Subject) -> Duration {
    let settings = RuleSettings::default();
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let packages = Packages::default();
            let tree = parse_go(&subject.text, None);
            let input = AnalysisInput {
                source: &subject.text,
                tree: &tree,
                path: Some(&subject.path),
                go_version: None,
                settings: &settings,
                packages: Some(&packages),
            };
            std::hint::black_box(analyze(&input));
            started.elapsed()
        })
        .min()
        .expect("three runs")
}

async fn keystrokes(subject: &Subject) {
    println!("{}: {} lines, {:.0} KB", subject.name, subject.lines(), subject.text.len() as f64 / 1e3);
    let (mut client, _) = TestClient::start(&["utf-8"], json!(null)).await;
    let uri = subject.uri();
    client.open(&uri, &subject.text, 1).await;
    client.diagnostics(&uri, 1).await;

    let mut paced = Vec::new();
    let mut version = 1;
    for _ in 0..if smoke_test() { 4 } else { 100 } {
        version += 1;
        let sent = Instant::now();
        client.change(&uri, version, keystroke(version, subject.at)).await;
        client.diagnostics(&uri, version).await;
        paced.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    report("typing pace (80 ms between keys)", paced, "budget p50 3 ms, p95 10 ms");

    let mut bursts = Vec::new();
    for _ in 0..if smoke_test() { 2 } else { 20 } {
        let sent = Instant::now();
        for _ in 0..20 {
            version += 1;
            client.change(&uri, version, keystroke(version, subject.at)).await;
        }
        client.diagnostics(&uri, version).await;
        bursts.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    report("burst of 20 keys, to the last version", bursts, "budget 30 ms after the last key");
}

/// Opens `subject` in a workspace of `corpus` and its own directory.
async fn first_diagnostics(corpus: &Path, subject: &Subject) {
    let started = Instant::now();
    let folders: Vec<_> = [corpus, subject.path.parent().unwrap()]
        .iter()
        .map(|d| json!({"uri": format!("file://{}", d.display()), "name": d.display().to_string()}))
        .collect();
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"window": {"workDoneProgress": true}, "general": {"positionEncodings": ["utf-8"]}},
        "workspaceFolders": folders,
    }))
    .await;
    let uri = subject.uri();
    client.open(&uri, &subject.text, 1).await;
    client.diagnostics(&uri, 1).await;
    let first = started.elapsed();
    let baseline = whole_file_analysis(subject);
    println!(
        "  first diagnostics in the workspace     {:>7.1} ms = {:.2}x a whole-file analysis ({:.1} ms) (budget 150 ms)",
        ms(first),
        first.as_secs_f64() / baseline.as_secs_f64(),
        ms(baseline)
    );
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

async fn scale(root: &Path) {
    let open = if smoke_test() { root.join("quotes.go") } else { root.join("net/http/server.go") };
    let Ok(text) = std::fs::read_to_string(&open) else {
        return println!("workspace {}: no {} to open, start-up not measured", root.display(), open.display());
    };
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
    println!("workspace {}", root.display());
    println!("  first diagnostics for {}: {:.0} ms", open.display(), ms(first));
    println!("  indexing finished after {:.1} s: {}", indexed.as_secs_f64(), end["params"]["value"]["message"]);
    println!("  peak memory (VmHWM): {:.0} MB (budget 1 GB)", peak_rss_mb());
}

fn main() {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let lines = if smoke_test() { 600 } else { 15_000 };
    let mut subjects = vec![generated(scratch.path(), "service", service_file::service_file(lines))];
    let real_files = std::env::var("LEAKLS_BENCH_FILES").unwrap_or_default();
    subjects.extend(real_files.split(':').filter(|p| !p.is_empty()).map(|p| real(PathBuf::from(p))));
    subjects.push(generated(scratch.path(), "synthetic", synthetic_file()));
    let corpus = corpus();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    for subject in &subjects {
        runtime.block_on(keystrokes(subject));
    }
    // After all typing: a server indexing a workspace keeps a core busy meanwhile.
    for subject in &subjects {
        println!("{}: opened in a workspace of {}", subject.name, corpus.display());
        runtime.block_on(first_diagnostics(&corpus, subject));
    }
    runtime.block_on(scale(&corpus));
}
