//! Per-line annotations (the API the editor layer uses) over the time-series
//! samples mapped onto a workspace shaped like the service that produced them.

use std::path::PathBuf;

use leakls::runtime::{Annotator, FrameClassifier, Limits, Series, Snapshot, Verb, Verdict, Workspace, load_path};

fn sample(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/dumps").join(rel)
}

#[test]
fn leak_lines_creators_and_function_totals() {
    let ws_dir = tempfile::tempdir().unwrap();
    let root = ws_dir.path();
    std::fs::write(root.join("go.mod"), "module example.com/leakyshop\n\ngo 1.27\n").unwrap();
    for file in ["internal/orders/orders.go", "internal/pool/pool.go", "cmd/leakyshop/main.go"] {
        std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        std::fs::write(root.join(file), "package x\n").unwrap();
    }
    let workspace = Workspace::new(&[root.to_path_buf()]);
    let classifier = FrameClassifier::new(workspace.module_paths());
    let mut series = Series::new();
    for ts in ["ts10-070912", "ts11-070942", "ts12-071013", "ts13-071043", "ts14-071113"] {
        let mut sources =
            vec![load_path(&sample(&format!("timeseries/{ts}.goroutine.debug2.txt.gz")), Limits::default()).unwrap()];
        if ts == "ts14-071113" {
            sources
                .push(load_path(&sample("timeseries/ts-final.goroutineleak.debug1.txt"), Limits::default()).unwrap());
        }
        let mut snapshot = Snapshot::merge(sources);
        snapshot.classify(&classifier);
        series.push(snapshot);
    }
    let annotator = Annotator::new(&series, &workspace);
    let orders = annotator.file(&root.join("internal/orders/orders.go")).expect("orders.go is annotated");
    let line = orders.lines.iter().find(|a| a.line == 56).unwrap();
    assert_eq!(
        (line.count, line.verb, line.verdict, line.proven_leaked),
        (1561, Some(Verb::ChanSend), Some(Verdict::ProvenLeak), true)
    );
    assert_eq!(line.state.as_deref(), Some("chan send"));
    assert_eq!(line.max_minutes, Some(7));
    assert_eq!(line.function, "example.com/leakyshop/internal/orders.(*Service).PlaceOrder.func1");
    assert!(
        line.message
            .starts_with("1,561 goroutines blocked here [chan send], at least 7 min, proven leaked, growing 1,136 -> "),
        "{}",
        line.message
    );
    let hover = line.hover();
    assert!(hover.contains("blocked sending on a channel"), "{hover}");
    assert!(
        hover.contains(
            "Created by `example.com/leakyshop/internal/orders.(*Service).PlaceOrder` at `internal/orders/orders.go:54`"
        ),
        "{hover}"
    );
    assert!(hover.contains("```text\nexample.com/leakyshop/internal/orders.(*Service).PlaceOrder.func1\n"), "{hover}");
    let creator = orders.creators.iter().find(|c| c.line == 54).unwrap();
    assert_eq!(creator.count, 1561);
    assert!(creator.message.starts_with("started 1,561 goroutines still alive [chan send]"), "{}", creator.message);
    let total = orders.functions.iter().find(|f| f.function == "(*Service).PlaceOrder").unwrap();
    assert_eq!((total.count, total.lines.as_slice()), (1561, &[56][..]));

    let pool = annotator.file(&root.join("internal/pool/pool.go")).unwrap();
    let workers = pool.lines.iter().find(|a| a.line == 30).unwrap();
    assert_eq!(workers.verdict, Some(Verdict::SteadyPool));
    assert!(!workers.proven_leaked);
    // The spike (main.go:287) is absent from the latest snapshot: no annotation.
    let main = annotator.file(&root.join("cmd/leakyshop/main.go"));
    assert!(main.is_none_or(|m| m.lines.iter().all(|a| a.line != 287)));
    // Nothing outside the workspace root is annotated.
    assert!(annotator.files().all(|f| f.starts_with(root.canonicalize().unwrap())));
}
