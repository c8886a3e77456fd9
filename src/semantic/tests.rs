//! Model tests in the style of rust-analyzer's hir tests: Go files in, the
//! objects with their operations and the resolved goroutine starts out, as a
//! snapshot (`src/semantic/snapshots/`; `INSTA_UPDATE=always cargo test` rewrites them).

use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::syntax::parse_go;

fn package(files: &[(&str, &str)]) -> (Package, Vec<String>) {
    let facts = files
        .iter()
        .map(|(name, src)| Arc::new(file_facts(src, &parse_go(src, None), Arc::from(Path::new(name)))))
        .collect();
    (Package::new(facts), files.iter().map(|(_, s)| s.to_string()).collect())
}

fn line(src: &str, at: usize) -> usize {
    src[..at].matches('\n').count() + 1
}

fn func_name(pkg: &Package, f: FuncRef) -> String {
    let function = pkg.function(f);
    match (&function.name, &function.receiver_type, function.parent) {
        (Some(n), Some(t), _) => format!("({t}).{n}"),
        (Some(n), None, _) => n.clone(),
        (None, _, Some(p)) => format!("{}.func", func_name(pkg, FuncRef { file: f.file, func: p })),
        _ => "?".into(),
    }
}

fn place_name(pkg: &Package, place: &Place) -> String {
    match place {
        Place::Local { file, local } => {
            let f = FuncRef { file: *file, func: local.func.func };
            format!("{}:{}", func_name(pkg, f), pkg.function(f).locals[local.local as usize].name)
        }
        Place::Field { owner, name } => format!("{owner}.{name}"),
        Place::Global(name) => format!("var {name}"),
        Place::TimerChannel(inner) => format!("{}.C", place_name(pkg, inner)),
        Place::Done(inner) => format!("{}.Done()", place_name(pkg, inner)),
    }
}

/// The package's synchronisation objects, their operations and its goroutine starts.
fn describe(pkg: &Package, sources: &[String]) -> String {
    let mut out = String::new();
    for place in pkg.places() {
        let Some(kind) = pkg.place_type(place).and_then(|t| t.sync_kind()) else { continue };
        let uses = pkg.uses(place);
        let escapes = if uses.escapes { " (escapes)" } else { "" };
        writeln!(out, "{} {kind:?}{escapes}", place_name(pkg, place)).unwrap();
        for r in &uses.ops {
            let op = pkg.op(*r);
            let src = &sources[r.file as usize];
            let mut notes = Vec::new();
            if let Some(l) = op.in_loop {
                notes.push(format!("loop@{}", line(src, pkg.loop_of(r.file, l).range.start)));
            }
            if op.deferred {
                notes.push("deferred".into());
            }
            let kind = match &op.kind {
                OpKind::Receive { form: ReceiveForm::Select(c) } | OpKind::Send { select: Some(c) } => {
                    let select = pkg.select(r.file, c.select);
                    let others: Vec<String> = select
                        .cases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i as u32 != c.case)
                        .map(|(_, case)| {
                            let on = case.receives.as_ref().and_then(|v| pkg.place_of(r.file, v));
                            let exit = if case.leaves_function {
                                " returns"
                            } else if case.leaves_loop {
                                " leaves loop"
                            } else {
                                ""
                            };
                            format!("{}{exit}", on.map(|p| place_name(pkg, &p)).unwrap_or("?".into()))
                        })
                        .collect();
                    let verb = if matches!(op.kind, OpKind::Send { .. }) { "send" } else { "receive" };
                    format!(
                        "{verb} in select [{}]{}",
                        others.join(", "),
                        if select.has_default { " default" } else { "" }
                    )
                }
                other => format!("{other:?}"),
            };
            let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) };
            writeln!(
                out,
                "  {}:{} {} {kind}{notes}",
                pkg.files[r.file as usize].path.display(),
                line(src, op.range.start),
                func_name(pkg, pkg.op_function(*r))
            )
            .unwrap();
        }
    }
    for (call, started) in pkg.goroutine_starts() {
        let src = &sources[call.file as usize];
        let target = started.map(|f| func_name(pkg, f)).unwrap_or("unknown".into());
        writeln!(
            out,
            "go at {}:{} runs {target}",
            pkg.files[call.file as usize].path.display(),
            line(src, pkg.call(call).range.start)
        )
        .unwrap();
    }
    out
}

const SERVER: &str = r#"package hub

import (
	"context"
	"time"
)

type Event struct{ Name string }

type base struct {
	quit chan struct{}
}

// Hub fans events out to subscribers until Stop.
type Hub struct {
	base
	events  chan Event
	cancel  context.CancelFunc
	ticker  *time.Ticker
	Results chan Event
}

func NewHub(ctx context.Context) *Hub {
	h := &Hub{events: make(chan Event), base: base{quit: make(chan struct{})}}
	ctx, h.cancel = context.WithCancel(ctx)
	h.ticker = time.NewTicker(time.Second)
	go h.run(ctx)
	return h
}

func (h *Hub) stream() <-chan Event { return h.events }

func (h *Hub) run(ctx context.Context) {
	defer h.ticker.Stop()
	for {
		select {
		case <-h.quit:
			return
		case <-ctx.Done():
			return
		case e := <-h.stream():
			_ = e
		case <-h.ticker.C:
		}
	}
}

func (h *Hub) Publish(e Event) {
	h.events <- e
}

func (h *Hub) Stop() {
	close(h.quit)
	h.cancel()
}
"#;

const WORKERS: &str = r#"package hub

import "sync"

func drain(jobs <-chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for range jobs {
	}
}

func fanOut(n int) {
	jobs := make(chan int, 4)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go drain(jobs, &wg)
	}
	start := func() { jobs <- 1 }
	go start()
	wg.Wait()
}
"#;

#[test]
fn objects_operations_and_goroutines_of_a_package() {
    let (pkg, sources) = package(&[("hub.go", SERVER), ("workers.go", WORKERS)]);
    insta::assert_snapshot!(describe(&pkg, &sources));
}

#[test]
fn syntactic_types_follow_constructors_fields_and_embedding() {
    let (pkg, _) = package(&[("hub.go", SERVER)]);
    let ctor = pkg.function_named("NewHub").unwrap();
    let h = pkg.function(ctor).locals.iter().position(|l| l.name == "h").unwrap() as u32;
    let h = Value::Local(LocalRef { func: FuncRef { file: 0, func: ctor.func }, local: h });
    assert_eq!(pkg.type_of(0, &h).and_then(|t| t.local_name().map(str::to_string)).as_deref(), Some("Hub"));
    // `h.quit` is promoted from the embedded `base`.
    let quit = Value::Select(Box::new(h.clone()), "quit".into());
    assert_eq!(pkg.place_of(0, &quit), Some(Place::Field { owner: "base".into(), name: "quit".into() }));
    // Unknown stays unknown: a field the type does not have.
    assert_eq!(pkg.place_of(0, &Value::Select(Box::new(h), "missing".into())), None);
    // Exported fields escape the package.
    assert!(pkg.uses(&Place::Field { owner: "Hub".into(), name: "Results".into() }).escapes);
}

#[test]
fn ambiguous_declarations_are_unknown() {
    let a = "package p\n\nfunc run(c chan int) { <-c }\n";
    let b = "package p\n\nfunc run(c chan int) { c <- 1 }\n\nfunc start(c chan int) { go run(c) }\n";
    let (pkg, _) = package(&[("a.go", a), ("b.go", b)]);
    assert_eq!(pkg.goroutine_starts()[0].1, None, "run is declared twice (build tags): unresolved");
}

#[test]
fn deep_nesting_marks_the_package_truncated_instead_of_overflowing() {
    let depth = 5_000;
    let src = format!("package p\n\nfunc f(c chan int) {{\n{}c <- 1\n{}}}\n", "{\n".repeat(depth), "}\n".repeat(depth));
    let (pkg, _) = package(&[("deep.go", &src)]);
    assert!(pkg.truncated);
}
