//! Every fix verified on a real leaking program: `testdata/fixcheck/<case>/` holds small Go
//! commands (stdlib only, `go 1.22` modules) that each run one leaky code path a few times and
//! then print Go 1.27's `goroutineleak` profile (goroutines the garbage collector proved can
//! never run again) on stdout and the `goroutine` profile (every live goroutine) on stderr.
//!
//! For each program, in a copy in a temporary directory: build and run it, and check that the
//! goroutines wait where expected, proven leaked; check that `leakls check --format json`
//! reports the leak with the expected fix; apply that fix (`leakls check --fix` for safe fixes,
//! whose result must equal the fix's own edits; the JSON edits for unsafe ones); then check
//! that the result is gofmt-clean and no longer reported, rebuild, rerun, and check that the
//! goroutines are gone and nothing leaks. After a case's last fix leakls reports nothing.
//!
//! Not every rule has a runtime-visible goroutine leak. A goroutine ranging over a ticker's
//! channel keeps being woken by the ticker, so the garbage collector can never prove it
//! leaked: `loop_without_exit_over_a_ticker` counts it in the goroutine profile instead.
//! Stopping the ticker does not end such a loop (a stopped ticker's channel is not closed), so
//! ticker-not-stopped's fix comes after loop-without-exit's. ticker-not-stopped, time-tick-leak
//! and time-after-in-loop are about timers, not goroutines, and since Go 1.23 an unreferenced
//! timer is collected whether or not it was stopped (Go 1.27 removed the `asynctimerchan`
//! setting that kept the old behaviour for `go 1.22` modules), so this toolchain cannot show
//! them leaking at all.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use leakls::runtime::{Limits, Source, load_bytes};
use serde_json::Value;

/// Where the goroutines of a leak wait.
struct Wait {
    /// The function of the frame they wait in, as the profile prints it.
    function: &'static str,
    /// A snippet of the line of `main.go` they wait on; `None` when they wait in the standard
    /// library (the context package's own goroutine).
    line: Option<&'static str>,
    /// How many the program leaves there.
    count: u64,
}

struct Step {
    rule: &'static str,
    fix: &'static str,
    safe: bool,
}

struct Case {
    dir: &'static str,
    waits: &'static [Wait],
    /// The garbage collector proves the waiting goroutines leaked.
    proven: bool,
    steps: &'static [Step],
}

const fn fix(rule: &'static str, fix: &'static str, safe: bool) -> Step {
    Step { rule, fix, safe }
}

const fn at(function: &'static str, line: &'static str, count: u64) -> Wait {
    Wait { function, line: Some(line), count }
}

const fn proven(dir: &'static str, waits: &'static [Wait], steps: &'static [Step]) -> Case {
    Case { dir, waits, proven: true, steps }
}

fn fixcheck(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fixcheck").join(dir)
}

/// One run of a program: its two profiles.
struct Run {
    /// `total N` of the goroutineleak profile.
    leaked_total: u64,
    leaked: Option<Source>,
    alive: Source,
    text: String,
}

impl Run {
    fn leaked_at(&self, function: &str, line: Option<u32>) -> u64 {
        self.leaked.as_ref().map_or(0, |s| count_at(s, function, line))
    }

    fn alive_in(&self, function: &str) -> u64 {
        count_at(&self.alive, function, None)
    }
}

/// Goroutines with a frame in `function` (at `line` of a `main.go`, when given).
fn count_at(source: &Source, function: &str, line: Option<u32>) -> u64 {
    source
        .groups
        .iter()
        .filter(|g| {
            g.frames
                .iter()
                .any(|f| f.function == function && line.is_none_or(|l| f.line == l && f.file.ends_with("/main.go")))
        })
        .map(|g| g.count)
        .sum()
}

fn total_of(profile: &str, name: &str) -> u64 {
    let header = profile.lines().next().unwrap_or_default();
    header
        .strip_prefix(&format!("{name} profile: total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{name} profile: total N` header in:\n{profile}"))
}

fn build_and_run(dir: &Path) -> Run {
    let bin = dir.join("prog");
    let out = support::go_command().current_dir(dir).args(["build", "-o"]).arg(&bin).arg(".").output().unwrap();
    assert!(
        out.status.success(),
        "go build in {} failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(dir.join("main.go")).unwrap()
    );
    // Profiles go to files: no pipe to drain while waiting with a deadline.
    let (stdout, stderr) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let mut child = Command::new(&bin)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not exit within 30 s", dir.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let leak_text = std::fs::read_to_string(&stdout).unwrap();
    let alive_text = std::fs::read_to_string(&stderr).unwrap();
    assert!(status.success(), "{} failed ({status}):\n{leak_text}\n{alive_text}", dir.display());
    let leaked_total = total_of(&leak_text, "goroutineleak");
    total_of(&alive_text, "goroutine");
    // A profile with no records is not a dump to the loader.
    let leaked = (leaked_total > 0).then(|| {
        let source = load_bytes("goroutineleak", leak_text.as_bytes(), Limits::default()).unwrap();
        assert!(source.leak_checked);
        assert_eq!(source.groups.iter().map(|g| g.count).sum::<u64>(), leaked_total, "{leak_text}");
        source
    });
    let alive = load_bytes("goroutine", alive_text.as_bytes(), Limits::default()).unwrap();
    Run { leaked_total, leaked, alive, text: format!("{leak_text}\n{alive_text}") }
}

fn leakls_json(dir: &Path) -> Vec<Value> {
    let out =
        Command::new(support::leakls()).current_dir(dir).args(["check", "--format", "json", "."]).output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "leakls check: {}", String::from_utf8_lossy(&out.stderr));
    match serde_json::from_slice(&out.stdout).unwrap() {
        Value::Array(findings) => findings,
        other => panic!("not an array of findings: {other}"),
    }
}

/// Byte offset of a 1-based line and 1-based byte column.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text.split_inclusive('\n').take(line as usize - 1).map(str::len).sum();
    start + column as usize - 1
}

/// Applies a fix's JSON edits (1-based lines and byte columns, end exclusive).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let n = |k: &str| e[k].as_u64().unwrap_or_else(|| panic!("edit without {k}: {e}"));
            let start = offset(text, n("line"), n("column"));
            let end = offset(text, n("end_line"), n("end_column"));
            (start, end, e["new_text"].as_str().unwrap())
        })
        .collect();
    spans.sort_by_key(|&(start, end, _)| (start, end));
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlapping edits: {edits:?}");
    }
    let mut out = text.to_string();
    for (start, end, new_text) in spans.into_iter().rev() {
        out.replace_range(start..end, new_text);
    }
    out
}

/// 1-based line of the only line of `text` containing `snippet`.
fn line_of(text: &str, snippet: &str) -> u32 {
    let lines: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.contains(snippet)).map(|(i, _)| i + 1).collect();
    match lines.as_slice() {
        [one] => *one as u32,
        _ => panic!("`{snippet}` should be on exactly one line, found on {lines:?}:\n{text}"),
    }
}

/// The goroutines wait where the case says, proven leaked when it says so.
fn assert_waiting(case: &Case, dir: &Path, run: &Run, when: &str) {
    let source = std::fs::read_to_string(dir.join("main.go")).unwrap();
    for wait in case.waits {
        let line = wait.line.map(|snippet| line_of(&source, snippet));
        let leaked = if case.proven { wait.count } else { 0 };
        assert_eq!(
            run.leaked_at(wait.function, line),
            leaked,
            "{}: leaked in {} {when}:\n{}",
            case.dir,
            wait.function,
            run.text
        );
        assert_eq!(
            run.alive_in(wait.function),
            wait.count,
            "{}: alive in {} {when}:\n{}",
            case.dir,
            wait.function,
            run.text
        );
    }
    let leaked: u64 = if case.proven { case.waits.iter().map(|w| w.count).sum() } else { 0 };
    assert_eq!(run.leaked_total, leaked, "{}: goroutineleak total {when}:\n{}", case.dir, run.text);
}

fn assert_gofmt(dir: &Path, when: &str) {
    let out = Command::new(support::gofmt()).current_dir(dir).args(["-l", "main.go"]).output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "gofmt would change main.go {when}:\n{}{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(dir.join("main.go")).unwrap()
    );
}

fn verify(case: &Case) {
    let tmp = tempfile::Builder::new().prefix(case.dir).tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let dir = tmp.path();
    for name in ["go.mod", "main.go"] {
        std::fs::copy(fixcheck(case.dir).join(name), dir.join(name)).unwrap();
    }
    assert_gofmt(dir, "as written");
    assert_waiting(case, dir, &build_and_run(dir), "before any fix");

    for (i, step) in case.steps.iter().enumerate() {
        let findings = leakls_json(dir);
        let of_rule: Vec<&Value> = findings.iter().filter(|f| f["rule"] == step.rule).collect();
        let [finding] = of_rule.as_slice() else {
            panic!("{}: expected one {} finding, got {findings:#?}", case.dir, step.rule);
        };
        let fixes = finding["fixes"].as_array().unwrap();
        let chosen = fixes
            .iter()
            .find(|f| f["title"] == step.fix)
            .unwrap_or_else(|| panic!("{}: no fix `{}` in {finding:#}", case.dir, step.fix));
        let expected = if step.safe { "safe" } else { "unsafe" };
        assert_eq!(chosen["applicability"], expected, "{}: {}", case.dir, step.fix);

        let before = std::fs::read_to_string(dir.join("main.go")).unwrap();
        let edited = apply_edits(&before, chosen["edits"].as_array().unwrap());
        if step.safe {
            // `--fix` applies the finding's first safe fix: it must be this one, with these edits.
            let first_safe = fixes.iter().find(|f| f["applicability"] == "safe").unwrap();
            assert_eq!(first_safe["title"], step.fix, "{}: --fix would apply another fix", case.dir);
            let out = Command::new(support::leakls())
                .current_dir(dir)
                .args(["check", "--fix", "--enable", step.rule, "."])
                .output()
                .unwrap();
            assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
            let fixed = std::fs::read_to_string(dir.join("main.go")).unwrap();
            assert_eq!(fixed, edited, "{}: --fix and the JSON edits of `{}` differ", case.dir, step.fix);
        } else {
            std::fs::write(dir.join("main.go"), &edited).unwrap();
        }

        assert_gofmt(dir, &format!("after `{}`", step.fix));
        let left = leakls_json(dir);
        // After the last fix nothing is left to report; before that, at least not this rule.
        let last = i + 1 == case.steps.len();
        let clean = if last { left.is_empty() } else { left.iter().all(|f| f["rule"] != step.rule) };
        assert!(clean, "{}: reported after `{}`:\n{left:#?}\n{edited}", case.dir, step.fix);
        let run = build_and_run(dir);
        let when = format!("after `{}`", step.fix);
        assert_eq!(run.leaked_total, 0, "{}: still leaking {when}:\n{}\n{edited}", case.dir, run.text);
        for wait in case.waits {
            let alive = run.alive_in(wait.function);
            assert_eq!(alive, 0, "{}: goroutines left in {} {when}:\n{}\n{edited}", case.dir, wait.function, run.text);
        }
    }
}

macro_rules! cases {
    ($($name:ident: $case:expr;)*) => {
        $(
            #[test]
            fn $name() {
                const CASE: Case = $case;
                verify(&CASE);
            }
        )*
    };
}

cases! {
    unreceived_send_buffer_the_channel: proven(
        "unreceived-send-buffer",
        &[at("main.lookupWithTimeout.func1", "result <- slowLookup(key)", 3)],
        &[fix("unreceived-send", "Buffer the channel", true)],
    );
    unreceived_send_stop_when_ctx_is_done: proven(
        "unreceived-send-ctx",
        &[at("main.firstAnswer.func1", "answers <- query(ctx, i)", 6)],
        &[fix("unreceived-send", "Stop sending when ctx is done", true)],
    );
    unreceived_send_stop_when_the_request_is_done: proven(
        "unreceived-send-request",
        &[at("main.quoteHandler.func1", "result <- quote{price, err}", 3)],
        &[fix("unreceived-send", "Stop sending when r.Context() is done", false)],
    );
    unreceived_send_buffer_for_every_goroutine: proven(
        "unreceived-send-each",
        &[at("main.fastest.func1", "copies <- download(m)", 6)],
        &[fix("unreceived-send", "Buffer the channel for every goroutine: `len(mirrors)`", true)],
    );
    unreceived_send_return_after_the_first_send: proven(
        "unreceived-send-double",
        &[at("main.parseAsync.func1", "out <- parsed{keys: keys}", 3)],
        &[fix("unreceived-send", "Return after the first send", false)],
    );
    unsent_receive_close_when_the_function_returns: proven(
        "unsent-receive",
        &[at("main.runJob.func1", "<-finished", 3)],
        &[fix("unsent-receive", "Close `finished` when `runJob` returns", true)],
    );
    range_never_closed_close_when_the_function_returns: proven(
        "range-never-closed",
        &[at("main.processBatch.func1", "for j := range queue", 6)],
        &[fix("range-never-closed", "Close `queue` when `processBatch` returns", true)],
    );
    range_never_closed_close_after_the_last_send: proven(
        "range-never-closed-wait",
        &[at("main.processBatch.func1", "for j := range queue", 6), at("main.processBatch", "wg.Wait()", 3)],
        &[fix("range-never-closed", "Close `queue` after the last send", true)],
    );
    range_never_closed_close_when_the_producer_returns: proven(
        "range-never-closed-producer",
        &[at("main.sumOfSquares", "for sq := range squares", 3)],
        &[fix("range-never-closed", "Close `squares` when the producer goroutine returns", true)],
    );
    loop_without_exit_stop_when_ctx_is_done: proven(
        "loop-without-exit",
        &[at("main.consume", "e := <-events", 3)],
        &[fix("loop-without-exit", "Stop the loop when `ctx` is done", true)],
    );
    loop_without_exit_over_a_ticker: Case {
        dir: "loop-without-exit-ticker",
        waits: &[at("main.startJanitor.func1", "for range t.C", 3)],
        // The ticker keeps waking the goroutine: alive, never provably leaked.
        proven: false,
        // One fix wires both: `defer t.Stop()` in the goroutine and the loop's `ctx.Done()` case.
        steps: &[fix("loop-without-exit", "Stop `t` and the loop when `ctx` is done", false)],
    };
    waitgroup_done_skipped_defer_done: proven(
        "waitgroup-done-skipped",
        &[at("main.processAll", "wg.Wait()", 3)],
        &[fix("waitgroup-done-skipped", "Call `wg.Done()` with defer at the start of the goroutine", true)],
    );
    waitgroup_done_skipped_wait_after_the_loop: proven(
        "waitgroup-wait-in-loop",
        &[at("main.processAll", "wg.Wait()", 3)],
        &[fix("waitgroup-done-skipped", "Move `wg.Wait()` after the loop", false)],
    );
    // A lost cancel leaks a goroutine only when the parent is not one of the context package's
    // own types: then WithCancel starts one that waits for either context to end. The GC proves
    // it leaked once the parent is unreachable (a dropped connection). A WithTimeout child stays
    // reachable from its timer until the deadline, and a standard parent only holds the child in
    // its children map: memory, not a goroutine.
    lost_cancel_defer_cancel: proven(
        "lost-cancel",
        &[Wait { function: "context.(*cancelCtx).propagateCancel.func2", line: None, count: 3 }],
        &[fix("lost-cancel", "Add `defer cancel()`", true)],
    );
    lost_cancel_name_the_discarded_cancel: proven(
        "lost-cancel-discarded",
        &[Wait { function: "context.(*cancelCtx).propagateCancel.func2", line: None, count: 9 }],
        &[fix("lost-cancel", "Name the cancel function and add `defer cancel()`", false)],
    );
    blocked_forever_wait_for_ctx: proven(
        "blocked-forever",
        &[at("main.holdLease.func1", "\t\tselect {}", 3)],
        &[fix("blocked-forever", "Wait for `ctx` to be done instead", false)],
    );
    background_context_use_the_request_context: proven(
        "background-context",
        &[at("main.logWhenDone", "<-ctx.Done()", 3)],
        &[fix("background-context", "Use `r.Context()` (the goroutine then stops when it is cancelled)", false)],
    );
}
