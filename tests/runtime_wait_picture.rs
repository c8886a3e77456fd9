//! Real Go: builds and runs `testdata/runtime/waitsvc` on 127.0.0.1, takes a
//! dump before any traffic and one after each of two traffic waves, and checks
//! what each leaking group waits on (the object, where it is made, its partner
//! lines and what they stop on first, the missing partner) in `leakls dump`'s
//! text and JSON and in the editor, against the `// mark:NAME` comments of the
//! service; and that a group absent from the first dump and at 120, then 240,
//! is growing (exit code 1).

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use clap::Parser;
use leakls::cli::dump::{DumpArgs, run_to};
use leakls::cli::output::Style;
use serde_json::{Value, json};
use support::lsp_client::TestClient;

/// `/quote` requests per wave: each leaves one goroutine blocked on its send.
const QUOTES_PER_WAVE: usize = 120;
/// Requests per wave to each of the other leaking routes.
const OTHERS_PER_WAVE: usize = 3;

fn service_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/runtime/waitsvc")
}

/// `// mark:NAME` -> (file name, 1-based line), over the service's files.
fn marks() -> HashMap<String, (String, u32)> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(service_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "go") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if let Some((_, mark)) = line.split_once("// mark:") {
                out.insert(mark.trim().to_string(), (name.clone(), i as u32 + 1));
            }
        }
    }
    out
}

/// `file:line` of a mark, as `leakls dump` prints it.
fn at(mark: &str) -> String {
    let (file, line) = &marks()[mark];
    format!("{file}:{line}")
}

fn line_of(mark: &str) -> u32 {
    marks()[mark].1
}

/// A running waitsvc, killed on drop.
struct Service {
    child: Child,
    base: String,
}

impl Service {
    fn start(binary: &Path) -> Service {
        let mut child =
            Command::new(binary).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("waitsvc starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Service { child, base: format!("http://{addr}") }
    }

    fn get(&self, path: &str) -> String {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent.get(format!("{}{path}", self.base)).call().unwrap_or_else(|e| panic!("{path}: {e}"));
        response.body_mut().read_to_string().unwrap()
    }

    /// One traffic wave: quotes from four clients at once, and a few requests
    /// to each other route; then a pause for the slow upstream calls to reach
    /// their send.
    fn wave(&self, wave: usize) {
        std::thread::scope(|scope| {
            for client in 0..4 {
                scope.spawn(move || {
                    for _ in 0..QUOTES_PER_WAVE / 4 {
                        assert!(self.get(&format!("/quote?symbol=c{client}")).contains("too slow"));
                    }
                });
            }
        });
        for i in 0..OTHERS_PER_WAVE {
            self.get("/index?docs=alpha+beta,gamma");
            self.get(&format!("/session?id=w{wave}s{i}"));
            self.get("/import?records=a,,b");
        }
        std::thread::sleep(Duration::from_millis(600));
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three `debug=2` dumps of waitsvc: before traffic, after one wave, after a
/// second, written to files; taken once per test binary.
struct Dumps {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

fn dumps() -> &'static Dumps {
    static TAKEN: OnceLock<Dumps> = OnceLock::new();
    TAKEN.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("waitsvc").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let binary = dir.path().join("waitsvc");
        let status =
            support::go_command().current_dir(service_dir()).arg("build").arg("-o").arg(&binary).arg(".").status();
        assert!(status.expect("go build runs").success(), "go build failed");
        let svc = Service::start(&binary);
        let mut files = Vec::new();
        for wave in 0..3 {
            if wave > 0 {
                svc.wave(wave);
            }
            let file = dir.path().join(format!("wave{wave}.txt"));
            std::fs::write(&file, svc.get("/debug/pprof/goroutine?debug=2")).unwrap();
            files.push(file);
        }
        Dumps { dir, files }
    })
}

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: DumpArgs,
}

fn dump(extra: &[&str]) -> (ExitCode, String) {
    let root = service_dir().display().to_string();
    let mut argv = vec!["dump".to_string(), "--root".into(), root];
    argv.extend(extra.iter().map(|s| s.to_string()));
    argv.extend(dumps().files.iter().map(|f| f.display().to_string()));
    let args = Wrapper::try_parse_from(argv).unwrap().args;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_to(&args, Style::plain(), false, &mut out, &mut err);
    assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    (code, String::from_utf8(out).unwrap())
}

/// The text printed under the stack of the group waiting at `mark`.
fn under_stack<'t>(text: &'t str, mark: &str) -> &'t str {
    let header = text
        .find(&format!("] at {}\n", at(mark)))
        .unwrap_or_else(|| panic!("no stack printed for {}:\n{text}", at(mark)));
    let rest = &text[header..];
    &rest[..rest.find("\n\n").unwrap_or(rest.len())]
}

#[test]
fn dump_text_prints_what_each_leak_waits_on() {
    let (code, text) = dump(&["--stacks", "4"]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    let quote_row = text.lines().find(|l| l.contains(&at("quote-send"))).unwrap();
    assert!(quote_row.contains(" 240 ") && quote_row.ends_with("growing 0 -> 120 -> 240"), "{quote_row}");

    let quote = under_stack(&text, "quote-send");
    for expected in [
        format!("waits to send on `result` (channel, made unbuffered at {})", at("quote-make")),
        format!("  receives from it: {} in QuoteClient.Quote", at("quote-receive")),
        format!("    can stop first: returns on case <-time.After(c.timeout): ({})", at("quote-timeout")),
        format!("static finding: {}: unreceived-send: ", at("quote-send")),
    ] {
        assert!(quote.contains(&format!("\n    {expected}")), "{expected:?} not in\n{quote}");
    }
    let index = under_stack(&text, "index-range");
    for expected in [
        format!("waits in a range over `Indexer.jobs` (channel, made unbuffered at {})", at("index-make")),
        format!("  sends on it: {} in Indexer.Submit", at("index-send")),
        "  missing: nothing in the package closes `Indexer.jobs`: the range ends only when it is closed".to_string(),
        format!("static finding: {}: range-never-closed: ", at("index-range")),
    ] {
        assert!(index.contains(&format!("\n    {expected}")), "{expected:?} not in\n{index}");
    }
    let session = under_stack(&text, "session-wait");
    for expected in [
        format!(
            "waits to receive from `ctx.Done()` (context, context.Background() passed by SessionStore.handleOpen at {})",
            at("session-go")
        ),
        "  missing: `ctx` is context.Background(): nothing can cancel it".to_string(),
        format!("static finding: {}: background-context: ", at("session-go")),
    ] {
        assert!(session.contains(&format!("\n    {expected}")), "{expected:?} not in\n{session}");
    }
    let import = under_stack(&text, "import-wait");
    for expected in [
        format!("waits in Wait on `wg` (WaitGroup, declared at {})", at("import-wg")),
        format!("  calls Done on it: {} in the function literal in importBatch", at("import-done")),
        format!("    can stop first: returns first at return ({})", at("import-skip")),
        format!("static finding: {}: waitgroup-done-skipped: ", at("import-done")),
    ] {
        assert!(import.contains(&format!("\n    {expected}")), "{expected:?} not in\n{import}");
    }
}

/// The JSON group waiting at `mark`.
fn group<'j>(report: &'j Value, mark: &str) -> &'j Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["location"] == at(mark))
        .unwrap_or_else(|| panic!("no group at {}", at(mark)))
}

fn site(file_line: &str) -> Value {
    let (file, line) = file_line.split_once(':').unwrap();
    json!({"file": file, "line": line.parse::<u32>().unwrap()})
}

#[test]
fn dump_json_carries_the_picture_and_the_series_from_zero() {
    let (code, text) = dump(&["--format", "json"]);
    assert_eq!(code, ExitCode::from(1));
    let report: Value = serde_json::from_str(&text).unwrap();

    let quote = group(&report, "quote-send");
    let n = QUOTES_PER_WAVE as u64;
    assert_eq!(quote["counts"], json!([0, n, 2 * n]));
    assert_eq!((&quote["verdict"], &quote["trend"]), (&json!("growing"), &json!("growing 0 -> 120 -> 240")));
    let object = &quote["waits_on"]["picture"]["objects"][0];
    assert_eq!(
        (&object["waiting"], &object["name"], &object["kind"]),
        (&json!("send"), &json!("result"), &json!("channel"))
    );
    assert_eq!(object["made"], json!([{"how": "made unbuffered", "at": site(&at("quote-make"))}]));
    let partner = &object["partners"][0];
    assert_eq!((&partner["does"], &partner["at"]), (&json!("receives from"), &site(&at("quote-receive"))));
    assert_eq!(partner["stops_first"][0]["at"], site(&at("quote-timeout")));
    assert_eq!(quote["waits_on"]["static_findings"][0]["rule"], "unreceived-send");

    let others = OTHERS_PER_WAVE as u64;
    let index = group(&report, "index-range");
    assert_eq!(index["counts"], json!([0, 2 * others, 4 * others]), "two workers per request");
    assert_eq!(index["verdict"], "growing");
    let object = &index["waits_on"]["picture"]["objects"][0];
    assert_eq!((&object["waiting"], &object["name"]), (&json!("range"), &json!("Indexer.jobs")));
    let partners = object["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 1, "{partners:?}");
    assert_eq!((&partners[0]["does"], &partners[0]["at"]), (&json!("sends on"), &site(&at("index-send"))));
    assert_eq!(partners[0]["stops_first"], json!([]));
    assert!(object["missing"][0].as_str().unwrap().starts_with("nothing in the package closes `Indexer.jobs`"));

    let session = group(&report, "session-wait");
    assert_eq!(session["counts"], json!([0, others, 2 * others]));
    let object = &session["waits_on"]["picture"]["objects"][0];
    assert_eq!((&object["kind"], &object["partners"]), (&json!("context"), &json!([])));
    assert_eq!(object["made"][0]["at"], site(&at("session-go")));
    assert_eq!(object["missing"], json!(["`ctx` is context.Background(): nothing can cancel it"]));

    let import = group(&report, "import-wait");
    assert_eq!(import["counts"], json!([0, others, 2 * others]));
    let object = &import["waits_on"]["picture"]["objects"][0];
    assert_eq!((&object["waiting"], &object["kind"]), (&json!("wait"), &json!("WaitGroup")));
    let done = object["partners"].as_array().unwrap().iter().find(|p| p["does"] == "calls Done on").unwrap();
    assert_eq!(done["at"], site(&at("import-done")));
    assert_eq!(done["stops_first"][0]["at"], site(&at("import-skip")));

    // A group with no frame in the workspace says why it has no picture.
    let outside = report["groups"].as_array().unwrap().iter().find(|g| g["in_workspace"] == false).unwrap();
    assert!(outside["waits_on"]["unknown"].as_str().is_some_and(|why| !why.is_empty()), "{outside}");
}

fn uri_of(file: &str) -> String {
    format!("file://{}", service_dir().canonicalize().unwrap().join(file).display())
}

/// The runtime diagnostic of `diags` on the line of `mark` (0-based in LSP).
fn runtime_diagnostic<'d>(diags: &'d [Value], mark: &str) -> &'d Value {
    diags
        .iter()
        .find(|d| d["source"] == "leakls-runtime" && d["range"]["start"]["line"] == line_of(mark) - 1)
        .unwrap_or_else(|| panic!("no runtime diagnostic at {}: {diags:?}", at(mark)))
}

/// Whether related information points at the line of `mark` with a message containing `text`.
fn relates(diagnostic: &Value, mark: &str, text: &str) -> bool {
    let (file, line) = &marks()[mark];
    diagnostic["relatedInformation"].as_array().unwrap().iter().any(|r| {
        r["location"]["uri"] == uri_of(file)
            && r["location"]["range"]["start"]["line"] == line - 1
            && r["message"].as_str().unwrap().contains(text)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_lists_partners_hovers_and_lenses() {
    let files = tokio::task::spawn_blocking(|| dumps().files.clone()).await.unwrap();
    let root = service_dir().canonicalize().unwrap();
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
        "workspaceFolders": [{"uri": format!("file://{}", root.display()), "name": "waitsvc"}],
    }))
    .await;
    let mut status = Value::Null;
    for file in &files {
        status = client
            .request("workspace/executeCommand", json!({"command": "leakls.loadDump", "arguments": [file]}))
            .await;
    }
    assert_eq!(status["snapshots"], 3);
    assert!(status["hotSpots"].as_u64().unwrap() >= 4, "{status}");
    let mut opened = HashMap::new();
    for file in ["quotes.go", "indexer.go", "sessions.go", "importer.go"] {
        let uri = uri_of(file);
        client.open(&uri, &std::fs::read_to_string(root.join(file)).unwrap(), 1).await;
        opened.insert(file, client.diagnostics(&uri, 1).await);
    }

    let quote = runtime_diagnostic(&opened["quotes.go"], "quote-send");
    assert_eq!(quote["code"], "growing");
    assert!(quote["message"].as_str().unwrap().ends_with("growing 0 -> 120 -> 240"), "{quote}");
    assert!(relates(quote, "quote-make", "`result` made unbuffered"), "{quote}");
    assert!(relates(quote, "quote-receive", "receives from `result` (QuoteClient.Quote)"), "{quote}");
    assert!(relates(quote, "quote-timeout", "can stop first: returns on case <-time.After(c.timeout):"), "{quote}");
    assert!(relates(quote, "quote-send", "leakls finds a leak here"), "{quote}");

    let index = runtime_diagnostic(&opened["indexer.go"], "index-range");
    assert!(relates(index, "index-send", "sends on `Indexer.jobs` (Indexer.Submit)"), "{index}");
    assert!(relates(index, "index-range", "nothing in the package closes `Indexer.jobs`"), "{index}");

    let session = runtime_diagnostic(&opened["sessions.go"], "session-wait");
    assert!(relates(session, "session-go", "context.Background() passed by SessionStore.handleOpen"), "{session}");
    assert!(relates(session, "session-wait", "`ctx` is context.Background(): nothing can cancel it"), "{session}");

    let import = runtime_diagnostic(&opened["importer.go"], "import-wait");
    assert!(relates(import, "import-done", "calls Done on `wg`"), "{import}");
    assert!(relates(import, "import-skip", "can stop first: returns first at return"), "{import}");

    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri_of("quotes.go")}, "position": {"line": line_of("quote-send") - 1, "character": 4}}),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("**What it waits on**"), "{markdown}");
    assert!(
        markdown.contains(&format!("  receives from it: {} in QuoteClient.Quote\n", at("quote-receive"))),
        "{markdown}"
    );

    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri_of("indexer.go")}})).await;
    let lens = &lenses.as_array().unwrap()[0]["command"];
    let listing = client
        .request("workspace/executeCommand", json!({"command": lens["command"], "arguments": lens["arguments"]}))
        .await;
    let listing = listing.as_str().unwrap();
    assert!(listing.contains("\n    waits in a range over `Indexer.jobs`"), "{listing}");
    assert!(listing.contains(&format!("\n      sends on it: {} in Indexer.Submit", at("index-send"))), "{listing}");
}

#[test]
fn dumps_are_taken_before_and_after_each_wave() {
    let dumps = dumps();
    assert!(dumps.dir.path().is_dir());
    assert_eq!(dumps.files.len(), 3);
    let first = std::fs::read_to_string(&dumps.files[0]).unwrap();
    assert!(!first.contains("QuoteClient"), "the first dump is taken before any traffic");
}
