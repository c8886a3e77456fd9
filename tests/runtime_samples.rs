//! The shared Go 1.27.3 dump samples (copied into testdata/dumps) against their
//! documented ground truth: group counts, goroutines per waiting line, leak
//! marks, merged formats, crash output and verdicts across the time series.

use std::path::PathBuf;

use leakls::runtime::{Format, Group, Limits, Profile, Series, Snapshot, Source, Verb, Verdict, load_path};

fn sample(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/dumps").join(rel)
}

fn load(rel: &str) -> Source {
    load_path(&sample(rel), Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn snapshot(rels: &[&str]) -> Snapshot {
    Snapshot::merge(rels.iter().map(|r| load(r)).collect())
}

/// Groups whose waiting frame is `file_suffix:line`.
fn waiting_at<'a>(groups: &'a [Group], file_suffix: &str, line: u32) -> impl Iterator<Item = &'a Group> {
    let file_suffix = file_suffix.to_string();
    groups.iter().filter(move |g| g.waiting_frame().is_some_and(|f| f.file.ends_with(&file_suffix) && f.line == line))
}

/// Goroutines waiting at `file_suffix:line`, optionally only in `state`.
fn count_at(groups: &[Group], file_suffix: &str, line: u32, state: Option<&str>) -> u64 {
    waiting_at(groups, file_suffix, line)
        .filter(|g| state.is_none_or(|s| g.state.as_ref().is_some_and(|st| st.to_string() == s)))
        .map(|g| g.count)
        .sum()
}

fn leaked_at(groups: &[Group], file_suffix: &str, line: u32) -> u64 {
    waiting_at(groups, file_suffix, line).map(|g| g.leaked).sum()
}

/// (file suffix, line, state, goroutines in mixed/t0, in variants/nolabels), from dumps/README.md.
const GROUND_TRUTH: &[(&str, u32, &str, u64, u64)] = &[
    ("internal/search/search.go", 36, "chan send", 1176, 94),
    ("internal/orders/orders.go", 56, "chan send", 1037, 101),
    ("internal/batch/batch.go", 40, "chan send", 488, 29),
    ("internal/pool/pool.go", 30, "chan receive", 482, 52),
    ("internal/metrics/metrics.go", 29, "select", 236, 31),
    ("internal/cache/cache.go", 28, "sync.Mutex.Lock", 183, 22),
    ("internal/orders/orders.go", 82, "chan receive", 148, 14),
    ("internal/batch/batch.go", 44, "sync.WaitGroup.Wait", 106, 6),
    ("internal/cache/cache.go", 74, "sync.RWMutex.RLock", 89, 10),
    ("internal/blob/blob.go", 38, "select", 73, 4),
    ("internal/stream/stream.go", 19, "chan send (nil chan)", 3, 3),
    ("internal/stream/stream.go", 22, "chan receive (nil chan)", 3, 3),
    ("cmd/leakyshop/main.go", 240, "chan receive (nil chan)", 3, 3),
    ("internal/batch/batch.go", 73, "sync.WaitGroup.Wait", 1, 1),
    ("internal/parser/parser.go", 20, "chan receive", 3, 3),
    ("internal/codec.v2/codec.go", 18, "select", 4, 4),
    ("internal/cache/cache.go", 96, "sync.Cond.Wait", 4, 4),
    ("internal/stream/stream.go", 34, "chan receive, locked to thread", 1, 1),
    ("internal/pool/pool.go", 47, "chan send", 1, 1),
    ("internal/search/search.go", 56, "chan receive", 1, 1),
    ("internal/stream/stream.go", 26, "select (no cases)", 1, 1),
    ("cmd/leakyshop/main.go", 70, "chan receive", 1, 1),
    ("internal/legacy/legacy.go", 82, "sleep", 3, 3),
    ("internal/legacy/legacy.go", 22, "syscall", 1, 1),
    ("internal/metrics/metrics.go", 45, "chan receive", 1, 1),
    ("cmd/leakyshop/main.go", 103, "IO wait", 1, 1),
];

#[test]
fn debug2_groups_and_counts_match_ground_truth() {
    let t0 = load("mixed/t0.goroutine.debug2.txt.gz");
    assert_eq!((t0.info.format, t0.info.goroutines, t0.groups.len()), (Format::Traceback, 4219, 43));
    assert!(t0.warnings.is_empty(), "{:?}", t0.warnings);
    assert!(!t0.leak_checked);
    let nolabels = load("variants/nolabels.goroutine.debug2.txt.gz");
    assert_eq!((nolabels.info.goroutines, nolabels.groups.len()), (421, 42));
    for &(file, line, state, in_t0, in_nolabels) in GROUND_TRUTH {
        assert_eq!(count_at(&t0.groups, file, line, Some(state)), in_t0, "t0 {file}:{line} [{state}]");
        assert_eq!(
            count_at(&nolabels.groups, file, line, Some(state)),
            in_nolabels,
            "nolabels {file}:{line} [{state}]"
        );
    }
    // A few of /session's reporters were caught runnable: a separate group.
    assert_eq!(count_at(&t0.groups, "internal/metrics/metrics.go", 29, Some("runnable")), 5);
    assert!(nolabels.groups.iter().all(|g| g.labels.is_empty()));
}

#[test]
fn labels_from_go_1_27_headers_become_facets() {
    let t0 = load("mixed/t0.goroutine.debug2.txt.gz");
    let fanout = waiting_at(&t0.groups, "cmd/leakyshop/main.go", 240).next().unwrap();
    let facets: Vec<(&str, &str, u64)> = fanout
        .labels
        .iter()
        .flat_map(|f| f.values.iter().map(move |(v, n)| (f.key.as_str(), v.as_str(), *n)))
        .collect();
    assert_eq!(facets, [("job", "reindex", 3), ("tenant", "acme corp", 3)]);
    assert_eq!(fanout.creator.as_deref(), Some("sync.(*WaitGroup).Go"));
    let orders = waiting_at(&t0.groups, "internal/orders/orders.go", 56).next().unwrap();
    let route = orders.labels.iter().find(|f| f.key == "route").unwrap();
    assert_eq!(route.values, [("/orders/{sku}".to_string(), 1037)]);
    assert_eq!(orders.verb, Some(Verb::ChanSend));
    assert_eq!(orders.frames[0].function, "example.com/leakyshop/internal/orders.(*Service).PlaceOrder.func1");
    assert_eq!(orders.creators.iter().map(|c| c.line).collect::<Vec<_>>(), [54]);
    assert!(orders.ids.len() <= 8 && !orders.ids.is_empty());
}

#[test]
fn leak_marks_minutes_and_the_goroutineleak_profile() {
    let t4m = load("mixed/t4m.goroutine.debug2.txt.gz");
    assert!(t4m.leak_checked);
    assert_eq!(t4m.groups.iter().map(|g| g.leaked).sum::<u64>(), 3465);
    assert_eq!(t4m.groups.iter().map(|g| g.minutes.with_minutes).sum::<u64>(), 2656);
    let mutex = waiting_at(&t4m.groups, "internal/cache/cache.go", 28).next().unwrap();
    assert_eq!((mutex.minutes.min, mutex.minutes.max), (Some(1), Some(3)));

    let leak2 = load("mixed/t0.goroutineleak.debug2.txt.gz");
    assert_eq!(leak2.info.profile, Profile::GoroutineLeak);
    assert_eq!(leak2.info.goroutines, 4219);
    assert_eq!(leak2.groups.iter().map(|g| g.leaked).sum::<u64>(), 3465);
    assert_eq!(leaked_at(&leak2.groups, "internal/search/search.go", 36), 1176);
    // Waits reachable from globals, timers and I/O are never flagged.
    for (file, line) in [
        ("internal/metrics/metrics.go", 29),
        ("internal/cache/cache.go", 28),
        ("internal/blob/blob.go", 38),
        ("cmd/leakyshop/main.go", 70),
    ] {
        assert_eq!(leaked_at(&leak2.groups, file, line), 0, "{file}:{line}");
    }
    assert_eq!(leaked_at(&leak2.groups, "internal/parser/parser.go", 20), 2);
}

#[test]
fn count_profiles_and_protobuf_profiles() {
    let d1 = load("mixed/t0.goroutine.debug1.txt");
    assert_eq!(
        (d1.info.format, d1.info.profile.clone(), d1.info.goroutines),
        (Format::Counted, Profile::Goroutine, 4219)
    );
    assert_eq!(count_at(&d1.groups, "internal/metrics/metrics.go", 29, None), 241);
    let mutex = waiting_at(&d1.groups, "internal/cache/cache.go", 28).next().unwrap();
    assert_eq!((mutex.state.clone(), mutex.verb), (None, Some(Verb::MutexLock)));

    let d0 = load("mixed/t0.goroutine.debug0.pb.gz");
    assert_eq!((d0.info.format, d0.info.profile.clone()), (Format::Proto, Profile::Goroutine));
    assert_eq!(count_at(&d0.groups, "internal/search/search.go", 36, None), 1176);
    let search = waiting_at(&d0.groups, "internal/search/search.go", 36).next().unwrap();
    assert_eq!(search.verb, Some(Verb::ChanSend));
    assert_eq!(
        search.frames.iter().find(|f| f.file.ends_with("search.go")).unwrap().function,
        "example.com/leakyshop/internal/search.First[...].func1"
    );
    assert_eq!(search.labels.iter().find(|f| f.key == "route").unwrap().values, [("/search".to_string(), 1176)]);

    for rel in ["mixed/t0.goroutineleak.debug1.txt", "mixed/t0.goroutineleak.debug0.pb.gz"] {
        let leak = load(rel);
        assert_eq!(
            (leak.info.profile.clone(), leak.info.goroutines, leak.leak_checked),
            (Profile::GoroutineLeak, 3465, true),
            "{rel}"
        );
    }
    let bulk = load("bulk/bulk100k.goroutine.debug1.txt");
    assert_eq!(bulk.info.goroutines, 154_052);
    for (file, line, n) in [
        ("search.go", 36, 76_000),
        ("orders.go", 56, 18_000),
        ("batch.go", 40, 16_000),
        ("pool.go", 30, 14_000),
        ("cache.go", 28, 8_000),
    ] {
        assert_eq!(count_at(&bulk.groups, file, line, None), n, "{file}:{line}");
    }
    assert_eq!(load("bulk/bulk100k.goroutineleak.debug1.txt").info.goroutines, 143_131);
    assert_eq!(load("bulk/bulk100k.goroutine.debug0.pb.gz").info.goroutines, 154_052);
    assert_eq!(load("bulk/bulk100k.goroutineleak.debug0.pb.gz").info.goroutines, 143_131);

    let delta = load("mixed/t4m.goroutine.delta10s.pb.gz");
    assert!(delta.warnings.iter().any(|w| w.contains("delta profile")), "{:?}", delta.warnings);
}

#[test]
fn formats_taken_together_merge_into_one_snapshot() {
    let merged = snapshot(&[
        "mixed/t0.goroutine.debug2.txt.gz",
        "mixed/t0.goroutine.debug1.txt",
        "mixed/t0.goroutine.debug0.pb.gz",
        "mixed/t0.goroutineleak.debug1.txt",
        "mixed/t0.goroutineleak.debug0.pb.gz",
    ]);
    assert_eq!((merged.total, merged.groups.len(), merged.sources.len()), (4219, 43, 5));
    assert!(merged.leak_checked);
    assert!(merged.warnings.is_empty(), "{:?}", merged.warnings);
    assert_eq!(merged.groups.iter().map(|g| g.leaked).sum::<u64>(), 3465);
    assert_eq!(leaked_at(&merged.groups, "internal/metrics/metrics.go", 29), 0);
    assert_eq!(leaked_at(&merged.groups, "internal/orders/orders.go", 56), 1037);

    // Without header labels (tracebacklabels=0), debug=1 supplies them.
    let merged = snapshot(&["variants/nolabels.goroutine.debug2.txt.gz", "variants/nolabels.goroutine.debug1.txt"]);
    let orders = waiting_at(&merged.groups, "internal/orders/orders.go", 56).next().unwrap();
    let route = orders.labels.iter().find(|f| f.key == "route").unwrap();
    assert_eq!(route.values, [("/orders/{sku}".to_string(), 101)]);
    assert!(orders.state.is_some());
}

#[test]
fn sigquit_trimpath_and_ancestor_variants() {
    let system = load("variants/system.sigquit.stderr.txt.gz");
    assert_eq!(system.info.goroutines, 438);
    assert!(system.preamble.iter().any(|l| l == "SIGQUIT: quit"));
    assert!(system.groups.iter().any(|g| g.state.as_ref().is_some_and(|s| s.reason == "force gc (idle)")));
    // Runtime frames above the program do not split groups: same shapes as debug=2.
    let search = waiting_at(&system.groups, "internal/search/search.go", 36).next().unwrap();
    assert_eq!(search.frames[0].function, "runtime.gopark");
    assert_eq!(search.verb, Some(Verb::ChanSend));
    assert_eq!(waiting_at(&system.groups, "internal/search/search.go", 36).count(), 1);

    let trim = load("variants/trimpath.goroutine.debug2.txt.gz");
    assert_eq!(trim.info.goroutines, 436);
    let orders = waiting_at(&trim.groups, "example.com/leakyshop/internal/orders/orders.go", 56).next().unwrap();
    assert_eq!(orders.state.as_ref().unwrap().reason, "chan send");
    assert_eq!(load("variants/trimpath.sigquit.stderr.txt.gz").info.goroutines, 443);

    let ancestors = load("variants/ancestors.goroutine.debug2.txt.gz");
    assert_eq!((ancestors.info.goroutines, ancestors.skipped_lines), (429, 0));
    // Ancestor frames are not part of the stack: no group's frames end in main.main but goroutine 1's.
    let ends_in_main =
        ancestors.groups.iter().filter(|g| g.frames.last().is_some_and(|f| f.function == "main.main")).count();
    assert_eq!(ends_in_main, 1);
}

#[test]
fn crash_output() {
    let panic = load("crash/panic.gotraceback-all.stderr.txt");
    assert_eq!(panic.info.goroutines, 5);
    assert_eq!(panic.preamble[0], "panic: assignment to entry in nil map");
    let running = panic.groups.iter().find(|g| g.state.as_ref().unwrap().reason == "running").unwrap();
    let frame = running.waiting_frame().unwrap();
    assert_eq!((frame.file.ends_with("crash-panic/main.go"), frame.line), (true, 22));
    assert_eq!(running.creators[0].line, 35);
    assert_eq!(load("crash/panic.gotraceback-single.stderr.txt").info.goroutines, 1);

    let deadlock = load("crash/deadlock.stderr.txt");
    assert_eq!(deadlock.info.goroutines, 4);
    assert_eq!(&deadlock.preamble[..2], ["0", "fatal error: all goroutines are asleep - deadlock!"]);
    assert_eq!(count_at(&deadlock.groups, "crash-deadlock/main.go", 12, Some("chan send")), 2);
    assert_eq!(count_at(&deadlock.groups, "crash-deadlock/main.go", 35, Some("sync.WaitGroup.Wait")), 1);

    let overflow = load("crash/stackoverflow.stderr.txt");
    assert_eq!(overflow.info.goroutines, 5);
    let deep = overflow.groups.iter().find(|g| g.elided.is_some()).unwrap();
    assert_eq!(deep.elided.unwrap().count, 9_586_861);
    // Recursing at :17, caught in the prologue at :13.
    assert_eq!(deep.waiting_frame().unwrap().line, 13);
    assert!(deep.frames.iter().filter(|f| f.line == 17).count() >= 49);

    let busy = load("crash/busy-otherthreads.gotraceback-all.dontfreezetheworld.stderr.txt");
    assert_eq!((busy.info.goroutines, busy.skipped_lines), (4, 0));
    let spinners = busy.groups.iter().find(|g| g.frames.is_empty()).unwrap();
    assert_eq!((spinners.count, spinners.creators[0].line), (3, 26));

    let text = load("crash/synctest-test-timeout.txt");
    let json = load("crash/synctest-test-timeout.json");
    assert_eq!(json.info.format, Format::TestJson);
    assert_eq!((text.info.goroutines, json.info.goroutines), (9, 9));
    assert_eq!(text.groups, json.groups);
    let body = waiting_at(&text.groups, "internal/checkout/checkout_test.go", 29).next().unwrap();
    assert_eq!(body.state.as_ref().unwrap().to_string(), "chan receive, synctest bubble");
    assert!(text.groups.iter().any(|g| g.state.as_ref().unwrap().reason == "sleep (durable)"));

    for rel in
        ["crash/repanic.stderr.txt", "crash/repanic-nested.stderr.txt", "crash/throw-concurrent-map-writes.stderr.txt"]
    {
        assert_eq!(load(rel).info.goroutines, 1, "{rel}");
    }
    assert_eq!(load("crash/cgo-block.sigquit.stderr.txt").info.goroutines, 10);
}

fn timeseries(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sample("timeseries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("ts") && name.contains(&format!(".goroutine.{kind}")) && !name.starts_with("ts-")
        })
        .collect();
    files.sort();
    files
}

fn verdict_at(series: &Series, file: &str, line: u32) -> Vec<(Option<Verdict>, Vec<u64>)> {
    series
        .tracks
        .iter()
        .filter(|t| series.group(t).waiting_frame().is_some_and(|f| f.file.ends_with(file) && f.line == line))
        .map(|t| (t.verdict, t.counts.clone()))
        .collect()
}

#[test]
fn time_series_tells_leak_from_spike_from_pool() {
    let files = timeseries("debug1");
    assert_eq!(files.len(), 15);
    let mut series = Series::new();
    for f in &files {
        series.push(Snapshot::merge(vec![load_path(f, Limits::default()).unwrap()]));
    }
    let leak = verdict_at(&series, "internal/orders/orders.go", 56);
    assert_eq!(leak.len(), 1);
    assert_eq!(leak[0].0, Some(Verdict::Growing));
    assert_eq!(leak[0].1, [107, 211, 312, 414, 521, 614, 721, 815, 915, 1026, 1136, 1234, 1344, 1454, 1561]);
    let pool = verdict_at(&series, "internal/pool/pool.go", 30);
    assert_eq!(pool, [(Some(Verdict::SteadyPool), vec![64; 15])]);
    let spike = verdict_at(&series, "cmd/leakyshop/main.go", 287);
    assert_eq!(spike[0].0, Some(Verdict::Spike));
    assert_eq!(&spike[0].1[..4], [1630, 0, 0, 1612]);

    // The leak profile taken at the end names exactly the leaking goroutines.
    let last = files.last().unwrap();
    let mut with_leak = Series::new();
    for f in &files[..files.len() - 1] {
        with_leak.push(Snapshot::merge(vec![load_path(f, Limits::default()).unwrap()]));
    }
    with_leak.push(Snapshot::merge(vec![
        load_path(last, Limits::default()).unwrap(),
        load("timeseries/ts-final.goroutineleak.debug1.txt"),
    ]));
    let leak = verdict_at(&with_leak, "internal/orders/orders.go", 56);
    assert_eq!(leak[0].0, Some(Verdict::ProvenLeak));
    let proven: Vec<_> = with_leak.tracks.iter().filter(|t| t.verdict == Some(Verdict::ProvenLeak)).collect();
    assert_eq!(proven.len(), 1);
    assert_eq!(with_leak.group(proven[0]).leaked, 1561);
}

#[test]
fn time_series_from_debug2_uses_minutes() {
    let files = timeseries("debug2");
    assert_eq!(files.len(), 15);
    let mut series = Series::new();
    for f in &files {
        series.push(Snapshot::merge(vec![load_path(f, Limits::default()).unwrap()]));
    }
    let leak = verdict_at(&series, "internal/orders/orders.go", 56);
    let growing: Vec<_> = leak.iter().filter(|(v, _)| *v == Some(Verdict::Growing)).collect();
    assert_eq!(growing.len(), 1, "{leak:?}");
    assert_eq!(*growing[0].1.last().unwrap(), 1561);
    let latest = series.latest().unwrap();
    let group = waiting_at(&latest.groups, "internal/orders/orders.go", 56).next().unwrap();
    assert_eq!((group.minutes.min, group.minutes.max, group.minutes.with_minutes), (Some(1), Some(7), 1561 - 154));
    for (verdict, counts) in verdict_at(&series, "cmd/leakyshop/main.go", 287) {
        assert_eq!(verdict, Some(Verdict::Spike), "{counts:?}");
    }
    let pool = verdict_at(&series, "internal/pool/pool.go", 30);
    let steady: u64 = pool.iter().filter(|(v, _)| *v == Some(Verdict::SteadyPool)).map(|(_, c)| c[14]).sum();
    assert!(steady >= 60, "{pool:?}");
}
