//! `leakls check` throughput on a large Go tree, against baselines measured in
//! the same run:
//!
//! - a single-threaded tree-sitter parse of every file (no analysis);
//! - a single-threaded parse plus analysis (what the rules add to parsing);
//! - `leakls check` as the CLI runs it (both cores, parse plus analysis);
//! - optionally `go vet std` with a cold build cache (`LEAKLS_BENCH_GO_VET=1`).
//!
//! Run: `cargo bench --bench throughput` (corpus: `$(go env GOROOT)/src` without
//! `testdata`, or `LEAKLS_BENCH_CORPUS=<dir>`). Files are read into memory first,
//! so disk speed is not measured. Figures are printed as ratios.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::files::go_files;
use leakls::analysis::{AnalysisInput, GoVersion, analyze};
use leakls::syntax::parse_go;
use rayon::prelude::*;

fn go_binary() -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/go");
    if local.is_file() { local } else { PathBuf::from("go") }
}

/// `cargo test --all-targets` runs benchmarks without `--bench`: then a quick
/// pass over the rule fixtures checks the benchmark still works.
fn smoke_test() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

fn corpus() -> PathBuf {
    if smoke_test() {
        return Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    }
    if let Some(dir) = std::env::var_os("LEAKLS_BENCH_CORPUS") {
        return PathBuf::from(dir);
    }
    let out =
        Command::new(go_binary()).args(["env", "GOROOT"]).output().expect("go env GOROOT (run scripts/test.sh once)");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("src")
}

fn analyze_one(source: &str, settings: &RuleSettings) -> usize {
    let tree = parse_go(source, None);
    let input = AnalysisInput {
        source,
        tree: &tree,
        path: None,
        go_version: GoVersion::parse("1.22"),
        settings,
        packages: None,
    };
    analyze(&input).len()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not use.
    let root = corpus();
    // The whole tree, vendored code included (named roots are walked even though
    // `check` skips vendor/ by default), as the 6,827-file figure counts it.
    let roots: Vec<PathBuf> =
        [root.clone(), root.join("vendor"), root.join("cmd/vendor")].into_iter().filter(|p| p.is_dir()).collect();
    let (files, _) = go_files(&roots);
    let sources: Vec<String> = files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    println!("corpus: {} ({} files, {:.1} MB)", root.display(), sources.len(), bytes as f64 / 1e6);
    if smoke_test() {
        println!("(a smoke test on the rule fixtures, unoptimised: the figures below say nothing about speed)");
    }
    let runs = if smoke_test() {
        1
    } else {
        std::env::var("LEAKLS_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3)
    };
    let settings = RuleSettings::default();

    let (parse_only, _) =
        best_of(runs, || sources.iter().map(|s| parse_go(s, None).root_node().child_count()).sum::<usize>());
    let (serial_check, findings) = best_of(runs, || sources.iter().map(|s| analyze_one(s, &settings)).sum::<usize>());
    let (parallel_check, _) = best_of(runs, || sources.par_iter().map(|s| analyze_one(s, &settings)).sum::<usize>());

    let mb = bytes as f64 / 1e6;
    let line = |name: &str, d: Duration| {
        println!(
            "{name:<44} {:>8.2} s  {:>6.1} MB/s  {:.2}x parse-only",
            d.as_secs_f64(),
            mb / d.as_secs_f64(),
            d.as_secs_f64() / parse_only.as_secs_f64()
        );
    };
    line("parse only, 1 thread (baseline)", parse_only);
    line("parse + analysis, 1 thread", serial_check);
    line(&format!("leakls check, {} threads", rayon::current_num_threads()), parallel_check);
    println!("findings: {findings}");
    println!(
        "budgets: check <= 0.65x parse-only: {:.2}x; analysis adds <= 30% to parsing: {:+.0}%",
        parallel_check.as_secs_f64() / parse_only.as_secs_f64(),
        (serial_check.as_secs_f64() / parse_only.as_secs_f64() - 1.0) * 100.0
    );

    if std::env::var_os("LEAKLS_BENCH_GO_VET").is_some() && !smoke_test() {
        let cache = tempfile::tempdir().expect("temp dir");
        let start = Instant::now();
        let status = Command::new(go_binary())
            .args(["vet", "std"])
            .env("GOCACHE", cache.path())
            .env("GOFLAGS", "")
            .env("GOTOOLCHAIN", "local")
            .status()
            .expect("go vet std");
        let vet = start.elapsed();
        println!(
            "go vet std (cold cache, exit {}): {:.1} s; leakls check is {:.1}x faster",
            status.code().unwrap_or(-1),
            vet.as_secs_f64(),
            vet.as_secs_f64() / parallel_check.as_secs_f64()
        );
    }
}
