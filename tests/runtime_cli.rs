//! `leakls dump` through the library (`cli::dump::run_to`) over the sample
//! corpus: the ranked table, JSON, exit codes and mapping onto a workspace.

mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use leakls::cli::dump::{DumpArgs, run_to};
use leakls::cli::output::Style;

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: DumpArgs,
}

fn sample(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/dumps").join(rel).display().to_string()
}

/// A workspace shaped like the service that produced the samples.
fn leakyshop_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module example.com/leakyshop\n\ngo 1.27\n").unwrap();
    for file in
        ["internal/orders/orders.go", "internal/search/search.go", "internal/pool/pool.go", "cmd/leakyshop/main.go"]
    {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "package x\n").unwrap();
    }
    dir
}

fn dump(root: &Path, extra: &[&str]) -> (ExitCode, String, String) {
    let mut argv = vec!["dump".to_string(), "--root".to_string(), root.display().to_string()];
    argv.extend(extra.iter().map(|s| s.to_string()));
    let args = Wrapper::try_parse_from(argv).unwrap().args;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_to(&args, Style::plain(), false, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn one_snapshot_with_the_leak_profile_is_a_table_and_exit_1() {
    let ws = leakyshop_workspace();
    let (code, out, err) =
        dump(ws.path(), &[&sample("mixed/t0.goroutine.debug2.txt.gz"), &sample("mixed/t0.goroutineleak.debug1.txt")]);
    assert_eq!(code, ExitCode::from(1), "{err}");
    assert!(out.starts_with("4,219 goroutines in 43 groups; goroutineleak: 3,465 proven leaked"), "{out}");
    let search = out.lines().find(|l| l.contains("internal/search/search.go:36")).unwrap();
    assert!(search.contains("1,176") && search.contains("chan send") && search.contains("proven leak"), "{search}");
    assert!(search.contains("search.First[...].func1"), "{search}");
    // Frames outside the workspace keep their printed path.
    assert!(out.contains("/app/leakyshop/internal/batch/batch.go:40"), "{out}");
    // The top group's stack follows the table.
    assert!(out.contains("1,176 goroutines [chan send] at internal/search/search.go:36"), "{out}");
    assert!(out.contains("    label route: /search (1,176)"), "{out}");
    assert!(!out.contains('\x1b'));
}

#[test]
fn a_time_series_gives_verdicts() {
    let ws = leakyshop_workspace();
    let files: Vec<String> = ["ts00-070412", "ts04-070612", "ts08-070812", "ts12-071013", "ts14-071113"]
        .iter()
        .map(|ts| sample(&format!("timeseries/{ts}.goroutine.debug1.txt")))
        .collect();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (code, out, err) = dump(ws.path(), &args);
    assert_eq!(code, ExitCode::from(1), "{err}");
    assert!(out.contains("(latest of 5 snapshots)"), "{out}");
    let leak = out.lines().find(|l| l.contains("internal/orders/orders.go:56")).unwrap();
    assert!(leak.contains("growing 107 -> 915 -> 1,561"), "{leak}");
    let pool = out.lines().find(|l| l.contains("internal/pool/pool.go:30")).unwrap();
    assert!(pool.contains("steady pool"), "{pool}");
    // The spike is gone in the latest snapshot, so it has no row.
    assert!(!out.contains("cmd/leakyshop/main.go:287"), "{out}");
}

#[test]
fn json_output_and_a_healthy_exit() {
    let ws = leakyshop_workspace();
    let (code, out, _) = dump(ws.path(), &["--format", "json", &sample("crash/panic.gotraceback-all.stderr.txt")]);
    assert_eq!(code, ExitCode::SUCCESS);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["snapshots"][0]["total"], 5);
    let groups = report["groups"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["state"] == "running" && g["location"] == "/app/leakyshop/cmd/crash-panic/main.go:22")
    );
}

#[test]
fn unreadable_inputs_exit_2() {
    let ws = leakyshop_workspace();
    let missing = ws.path().join("missing.txt").display().to_string();
    let (code, _, err) = dump(ws.path(), &[&missing]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("missing.txt"), "{err}");
    let noise = ws.path().join("noise.txt");
    std::fs::write(&noise, "just a log line\nand another\n").unwrap();
    let (code, _, err) = dump(ws.path(), &[&noise.display().to_string()]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("not a goroutine dump"), "{err}");
    let (code, _, err) = dump(ws.path(), &[&sample("mixed/t0.goroutine.debug1.txt"), &missing]);
    assert_eq!(code, ExitCode::from(2), "{err}");
}

#[test]
fn the_dump_subcommand_of_the_binary() {
    let ws = leakyshop_workspace();
    let out = std::process::Command::new(support::leakls())
        .args(["dump", "--root"])
        .arg(ws.path())
        .arg(sample("mixed/t0.goroutine.debug2.txt.gz"))
        .arg(sample("mixed/t0.goroutineleak.debug0.pb.gz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Piped: plain text, no colour codes.
    assert!(stdout.starts_with("4,219 goroutines in 43 groups; goroutineleak: 3,465 proven leaked"), "{stdout}");
    assert!(!stdout.contains('\x1b'));
    let usage = std::process::Command::new(support::leakls()).args(["dump", "--every", "soon"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

/// Every error names its input and says what to do; wide counts keep the table aligned.
#[test]
fn errors_name_their_input_and_wide_counts_stay_aligned() {
    let ws = leakyshop_workspace();
    let dir = ws.path().display().to_string();
    let (code, _, err) = dump(ws.path(), &[&dir]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains(&format!("{dir}: is a directory; give the path of a dump file")), "{err}");

    let gz = std::fs::read(sample("mixed/t0.goroutine.debug2.txt.gz")).unwrap();
    let cut = ws.path().join("cut.txt.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let (_, _, err) = dump(ws.path(), &[&cut.display().to_string()]);
    assert!(err.contains("cut.txt.gz: input ends early (the gzip data is truncated"), "{err}");
    assert!(err.contains("partial"), "{err}");
    let (_, out, _) = dump(ws.path(), &["--format", "json", &cut.display().to_string()]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["snapshots"][0]["partial"], true);

    let wide = ws.path().join("wide.txt");
    std::fs::write(
        &wide,
        "goroutine profile: total 12345678901\n12345678901 @ 0x1 0x2\n#\t0x1\tmain.worker+0x1\t/app/main.go:10\n\n",
    )
    .unwrap();
    let (_, out, _) = dump(ws.path(), &[&wide.display().to_string()]);
    let header = out.lines().find(|l| l.contains("COUNT")).unwrap();
    let row = out.lines().find(|l| l.starts_with("12,345,678,901  ")).unwrap();
    assert_eq!(header.find("STATE"), row.find(" -  ").map(|i| i + 1), "{out}");
}
