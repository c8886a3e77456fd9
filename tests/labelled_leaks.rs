//! The labelled leak programs of Go's own runtime tests
//! (`$GOROOT/src/runtime/testdata/testgoroutineleakprofile/{simple,commonpatterns}.go`,
//! checked by the runtime's `goroutineleak` profile tests): every leaking operation a
//! syntax-level analysis can see must be reported, at its exact line and by the
//! expected rule, and nothing else. Lines are found by searching the installed
//! toolchain's files for the statement inside its function, so the test survives
//! Go patch releases. `docs/triage/labelled-leaks.md` lists the labelled leaks that
//! are out of reach and why.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

fn leak_programs() -> PathBuf {
    let out = support::go_command().args(["env", "GOROOT"]).output().expect("go env GOROOT");
    assert!(out.status.success(), "go env GOROOT failed: {}", String::from_utf8_lossy(&out.stderr));
    let goroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    goroot.join("src/runtime/testdata/testgoroutineleakprofile")
}

/// The 1-based line of the first line after `func_header` (a line starting with
/// it) whose trimmed text is `statement`, inside that function.
fn line_of(source: &str, func_header: &str, statement: &str) -> usize {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(func_header))
        .unwrap_or_else(|| panic!("no line starting with {func_header:?}"));
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if line.starts_with('}') {
            break;
        }
        if line.trim() == statement {
            return i + 1;
        }
    }
    panic!("no statement {statement:?} in the function {func_header:?}")
}

/// (file, function header, statement, rule) for every labelled leak in reach.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // simple.go
    ("simple.go", "func NilRecv()", "<-c", "blocked-forever"),
    ("simple.go", "func NilSend()", "c <- 0", "blocked-forever"),
    ("simple.go", "func ChanRecv()", "<-make(chan int)", "blocked-forever"),
    ("simple.go", "func SelectNoCases()", "select {}", "blocked-forever"),
    ("simple.go", "func SelectNoCasesMain()", "<-ch", "unsent-receive"),
    ("simple.go", "func ChanSend()", "make(chan int) <- 0", "blocked-forever"),
    ("simple.go", "func Select()", "select {", "blocked-forever"),
    ("simple.go", "func WaitGroup()", "wg.Wait()", "waitgroup-done-skipped"),
    // commonpatterns.go: the LeakProf patterns
    ("commonpatterns.go", "func noCloseRange(", "for item := range ch {", "range-never-closed"),
    ("commonpatterns.go", "func doubleSend(", "ch <- struct{}{}", "unreceived-send"),
    ("commonpatterns.go", "func earlyReturn(", "ch <- struct{}{}", "unreceived-send"),
    ("commonpatterns.go", "func nCastLeak(", "ch <- struct{}{}", "unreceived-send"),
    ("commonpatterns.go", "func timeout(", "ch <- struct{}{}", "unreceived-send"),
];

/// Findings on operations that are not the labelled leak but can block for good
/// on another path of the same code (`docs/triage/labelled-leaks.md` says why).
const ALSO_REPORTED: &[(&str, &str, &str, &str)] = &[
    // `AddToQueue` after `Stop` waits for a receiver that has returned.
    ("commonpatterns.go", "func (w worker) AddToQueue(", "w.ch <- item", "partner-stops-first"),
];

#[test]
fn the_runtime_labelled_leaks_in_reach_are_reported_and_nothing_else() {
    let dir = leak_programs();
    let files = ["simple.go", "commonpatterns.go"];
    let mut expected = BTreeSet::new();
    for (file, func, statement, rule) in EXPECTED.iter().chain(ALSO_REPORTED) {
        let source =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()));
        expected.insert((file.to_string(), line_of(&source, func, statement), rule.to_string()));
    }
    // `doubleSend` sends twice: the finding is on the second send, the function's last statement.
    let double = std::fs::read_to_string(dir.join("commonpatterns.go")).unwrap();
    let first = line_of(&double, "func doubleSend(", "ch <- nil");
    assert!(expected.iter().any(|(f, l, _)| f == "commonpatterns.go" && *l > first));

    let out = std::process::Command::new(support::leakls())
        .args(["check", "--format", "json"])
        .args(files.iter().map(|f| dir.join(f)))
        .output()
        .expect("run leakls");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON findings");
    let found: BTreeSet<(String, usize, String)> = findings
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (file, f["line"].as_u64().unwrap() as usize, f["rule"].as_str().unwrap().to_string())
        })
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "labelled leaks not reported: {missing:?}\nfindings not in the list (update docs/triage/labelled-leaks.md too): {unexpected:?}"
    );
}
