//! Real Go: builds `testdata/runtime/leaksvc` (plain and `-trimpath`), runs it
//! on 127.0.0.1, drives traffic in waves, captures every dump format over HTTP
//! and by SIGQUIT, and checks groups, counts, verdicts and mapped lines against
//! the `// mark:NAME` comments in its source.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Parser;
use leakls::cli::dump::{DumpArgs, run_to};
use leakls::cli::output::Style;
use leakls::runtime::{
    Annotator, FetchOptions, Format, FrameClassifier, Limits, Series, Snapshot, Source, Verb, Verdict, Workspace,
    fetch, load_bytes,
};

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/runtime").join(name)
}

/// Line numbers of the `// mark:NAME` comments in a Go file.
fn marks(file: &Path) -> HashMap<String, u32> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, name)) = line.split_once("// mark:") {
            out.insert(name.trim().to_string(), i as u32 + 1);
        }
    }
    out
}

struct Binaries {
    _dir: tempfile::TempDir,
    plain: PathBuf,
    trimmed: PathBuf,
}

/// Builds leaksvc once per test binary.
fn binaries() -> &'static Binaries {
    static BUILT: OnceLock<Binaries> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("leaksvc").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let plain = dir.path().join("leaksvc");
        let trimmed = dir.path().join("leaksvc-trimpath");
        for (out, extra) in [(&plain, None), (&trimmed, Some("-trimpath"))] {
            let mut cmd = support::go_command();
            cmd.current_dir(testdata("leaksvc")).arg("build");
            cmd.args(extra).arg("-o").arg(out).arg(".");
            let status = cmd.status().expect("go build runs");
            assert!(status.success(), "go build {extra:?} failed");
        }
        Binaries { _dir: dir, plain, trimmed }
    })
}

/// A running leaksvc, killed on drop.
struct Service {
    child: Child,
    base: String,
}

impl Service {
    fn start(binary: &Path) -> Service {
        let mut child =
            Command::new(binary).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("leaksvc starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Service { child, base: format!("http://{addr}") }
    }

    fn get(&self, path: &str, timeout: Duration) {
        let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(timeout)).build().into();
        // /lock never answers: the client gives up, the handler stays blocked.
        let _ = agent.get(format!("{}{path}", self.base)).call().map(|r| r.into_body().read_to_vec());
    }

    /// `n` requests to each leaking route, then a pause so started goroutines reach their wait.
    fn wave(&self, n: usize) {
        for _ in 0..n {
            for route in ["/orders", "/fanout", "/report"] {
                self.get(route, Duration::from_secs(5));
            }
            self.get("/lock", Duration::from_millis(150));
        }
        std::thread::sleep(Duration::from_millis(150));
    }

    fn capture(&self, path: &str) -> Source {
        fetch(&format!("{}{path}", self.base), &FetchOptions::default()).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Goroutines whose waiting frame is `file:line`.
fn at(snapshot: &Snapshot, file: &str, line: u32) -> u64 {
    snapshot
        .groups
        .iter()
        .filter(|g| g.waiting_frame().is_some_and(|f| f.file.ends_with(file) && f.line == line))
        .map(|g| g.count)
        .sum()
}

#[test]
fn waves_of_traffic_give_growing_proven_and_spike_verdicts_on_the_right_lines() {
    let source_dir = testdata("leaksvc");
    let main_go = source_dir.join("main.go");
    let mark = marks(&main_go);
    let svc = Service::start(&binaries().plain);
    let workspace = Workspace::new(std::slice::from_ref(&source_dir));
    let classifier = FrameClassifier::new(workspace.module_paths());
    let mut series = Series::new();
    let mut push = |sources: Vec<Source>| {
        let mut snapshot = Snapshot::merge(sources);
        snapshot.classify(&classifier);
        series.push(snapshot);
    };

    svc.wave(4);
    push(vec![svc.capture("/debug/pprof/goroutine?debug=2")]);
    svc.wave(4);
    svc.get("/spike", Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(100));
    push(vec![svc.capture("/debug/pprof/goroutine?debug=2")]);
    // The spike lets go after 700 ms.
    std::thread::sleep(Duration::from_millis(800));
    svc.wave(4);
    let proto = svc.capture("/debug/pprof/goroutine?debug=0");
    assert_eq!(proto.info.format, Format::Proto);
    let last = vec![
        svc.capture("/debug/pprof/goroutine?debug=2"),
        svc.capture("/debug/pprof/goroutine?debug=1"),
        proto,
        svc.capture("/debug/pprof/goroutineleak?debug=1"),
        svc.capture("/debug/pprof/goroutineleak?debug=0"),
    ];
    push(last);

    let latest = series.latest().unwrap();
    assert!(latest.leak_checked);
    assert_eq!(latest.sources.len(), 5);
    assert!(latest.warnings.is_empty(), "{:?}", latest.warnings);
    assert_eq!(at(latest, "main.go", mark["orders"]), 12);
    assert_eq!(at(latest, "main.go", mark["fanout"]), 24);
    assert_eq!(at(latest, "main.go", mark["pool"]), 24);
    assert_eq!(at(latest, "main.go", mark["lock"]), 12);

    let track_at = |name: &str| {
        series
            .tracks
            .iter()
            .filter(|t| series.group(t).waiting_frame().is_some_and(|f| f.line == mark[name]))
            .max_by_key(|t| t.counts.iter().sum::<u64>())
            .unwrap_or_else(|| panic!("no track at mark {name}"))
    };
    for (name, per_wave) in [("orders", 4), ("fanout", 8), ("pool", 8)] {
        let track = track_at(name);
        assert_eq!(track.counts, [per_wave, 2 * per_wave, 3 * per_wave], "{name}");
        assert_eq!((track.verdict, track.trend), (Some(Verdict::ProvenLeak), Some(Verdict::Growing)), "{name}");
        assert_eq!(series.group(track).leaked, 3 * per_wave, "{name}");
    }
    // A mutex reachable from a global: growing, but the runtime cannot prove it.
    let lock = track_at("lock");
    assert_eq!((lock.verdict, series.group(lock).leaked), (Some(Verdict::Growing), 0));
    assert_eq!(series.group(lock).verb, Some(Verb::MutexLock));
    let spike = track_at("spike");
    assert_eq!((spike.counts.as_slice(), spike.verdict), (&[0, 50, 0][..], Some(Verdict::Spike)));
    let healthy = track_at("healthy");
    assert!(healthy.counts.iter().all(|&c| (6..=8).contains(&c)), "{:?}", healthy.counts);
    assert!(!healthy.verdict.is_some_and(Verdict::is_alarming), "{:?}", healthy.verdict);

    // Go 1.27 header labels from pprof.Do.
    let orders = series.group(track_at("orders"));
    let route = orders.labels.iter().find(|f| f.key == "route").unwrap();
    assert_eq!(route.values, [("/orders".to_string(), 12)]);

    let annotator = Annotator::new(&series, &workspace);
    let file = annotator.file(&main_go).expect("main.go is annotated");
    let line = file.lines.iter().find(|a| a.line == mark["orders"]).unwrap();
    assert_eq!((line.count, line.verdict, line.proven_leaked), (12, Some(Verdict::ProvenLeak), true));
    assert!(
        line.message.starts_with("12 goroutines blocked here [chan send], proven leaked, growing 4 -> 8 -> 12"),
        "{}",
        line.message
    );
    let creator = file.creators.iter().find(|c| c.line == mark["go-orders"]).unwrap();
    assert_eq!(creator.count, 12);
    let pool_creator = file.creators.iter().find(|c| c.line == mark["go-pool"]).unwrap();
    assert_eq!(pool_creator.count, 24);
    assert!(file.functions.iter().any(|f| f.function == "First" && f.count == 24));
    assert!(annotator.files().all(|f| f.starts_with(source_dir.canonicalize().unwrap())));
}

#[test]
fn trimpath_builds_map_by_module_path() {
    let source_dir = testdata("leaksvc");
    let mark = marks(&source_dir.join("main.go"));
    let svc = Service::start(&binaries().trimmed);
    svc.wave(3);
    let source = svc.capture("/debug/pprof/goroutine?debug=2");
    let workspace = Workspace::new(std::slice::from_ref(&source_dir));
    let mut snapshot = Snapshot::merge(vec![source]);
    snapshot.classify(&FrameClassifier::new(workspace.module_paths()));
    let orders = snapshot.groups.iter().find(|g| g.waiting_frame().is_some_and(|f| f.line == mark["orders"])).unwrap();
    assert_eq!(orders.waiting_frame().unwrap().file, "example.com/leaksvc/main.go");
    let mut series = Series::new();
    series.push(snapshot);
    let annotator = Annotator::new(&series, &workspace);
    let file = annotator.file(&source_dir.join("main.go")).expect("mapped by module path");
    assert_eq!(file.lines.iter().find(|a| a.line == mark["fanout"]).unwrap().count, 6);
}

#[test]
fn sigquit_runtime_stack_and_panic_output() {
    let mark = marks(&testdata("leaksvc/main.go"));
    let mut svc = Service::start(&binaries().plain);
    svc.wave(2);

    let stack = svc.capture("/stack");
    assert_eq!(stack.info.format, Format::Traceback);
    assert_eq!(at(&Snapshot::merge(vec![stack]), "main.go", mark["fanout"]), 4);

    let quit = Command::new("kill").args(["-QUIT", &svc.child.id().to_string()]).status().unwrap();
    assert!(quit.success());
    let mut stderr = Vec::new();
    svc.child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    let source = load_bytes("sigquit", &stderr, Limits::default()).unwrap();
    assert!(source.preamble.iter().any(|l| l == "SIGQUIT: quit"), "{:?}", source.preamble);
    let snapshot = Snapshot::merge(vec![source]);
    assert_eq!(at(&snapshot, "main.go", mark["pool"]), 4);
    let orders = snapshot.groups.iter().find(|g| g.waiting_frame().is_some_and(|f| f.line == mark["orders"])).unwrap();
    assert_eq!((orders.count, orders.verb), (2, Some(Verb::ChanSend)));
    assert_eq!(orders.frames[0].function, "runtime.gopark");

    let crash = Command::new(&binaries().plain).arg("crash").env("GOTRACEBACK", "all").output().unwrap();
    assert!(!crash.status.success());
    let source = load_bytes("crash", &crash.stderr, Limits::default()).unwrap();
    assert!(source.preamble[0].starts_with("panic: assignment to entry in nil map"), "{:?}", source.preamble);
    let snapshot = Snapshot::merge(vec![source]);
    assert_eq!(at(&snapshot, "main.go", mark["orders"]), 3);
    assert_eq!(at(&snapshot, "main.go", mark["panic"]), 1);
}

#[test]
fn go_test_json_timeout_dump() {
    let dir = testdata("stucktest");
    let mark = marks(&dir.join("stuck_test.go"));
    let out = support::go_command().current_dir(&dir).args(["test", "-json", "-timeout", "1s", "."]).output().unwrap();
    assert!(!out.status.success());
    let source = load_bytes("go test -json", &out.stdout, Limits::default()).unwrap();
    assert_eq!(source.info.format, Format::TestJson);
    assert!(source.preamble.iter().any(|l| l.starts_with("panic: test timed out after 1s")), "{:?}", source.preamble);
    let snapshot = Snapshot::merge(vec![source]);
    assert_eq!(at(&snapshot, "stuck_test.go", mark["stuck-send"]), 1);
    assert_eq!(at(&snapshot, "stuck_test.go", mark["stuck-test"]), 1);
}

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: DumpArgs,
}

#[test]
fn watch_mode_polls_a_growing_service() {
    let source_dir = testdata("leaksvc");
    let mark = marks(&source_dir.join("main.go"));
    let svc = Service::start(&binaries().plain);
    let stop = AtomicBool::new(false);
    let (code, out, err) = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                svc.get("/orders", Duration::from_secs(5));
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        // Let the traffic start before the first poll.
        std::thread::sleep(Duration::from_millis(300));
        let url = format!("{}/debug/pprof/goroutine?debug=2", svc.base);
        let root = source_dir.display().to_string();
        let argv = ["dump", "--root", &root, "--watch", &url, "--every", "300ms", "--samples", "4"];
        let args = Wrapper::try_parse_from(argv).unwrap().args;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_to(&args, Style::plain(), false, &mut out, &mut err);
        stop.store(true, Ordering::Relaxed);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    });
    assert_eq!(code, ExitCode::from(1), "{out}\n{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("polled ")).count(), 4, "{err}");
    let row = out.lines().find(|l| l.contains(&format!("main.go:{}", mark["orders"]))).unwrap();
    assert!(row.contains("growing"), "{row}");
}
