//! Goroutine dumps in the editor: commands, runtime diagnostics beside static
//! ones, inlay hints, code lenses, hovers, edits moving annotations, and watching
//! a live URL, through the in-process server.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::lsp_client::TestClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use support::FETCH_WITH_TIMEOUT as HANDLER;

/// Line (1-based) of the send and of the `go` statement in HANDLER.
const SEND_LINE: u32 = 13;
const GO_LINE: u32 = 12;

/// A debug=2 dump with `count` goroutines blocked on the send, `minutes` old.
fn dump(file: &Path, count: usize, minutes: u32) -> String {
    let mut out = String::from("goroutine 1 [running]:\nmain.main()\n\t/build/main.go:10 +0x1d\n\n");
    for i in 0..count {
        out.push_str(&format!(
            "goroutine {} [chan send, {minutes} minutes]:\nexample.com/svc.fetchWithTimeout.func1()\n\t{}:{SEND_LINE} +0x1e\ncreated by example.com/svc.fetchWithTimeout in goroutine 1\n\t{}:{GO_LINE} +0x67\n\n",
            100 + i,
            file.display(),
            file.display()
        ));
    }
    out
}

struct Workspace {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    file: std::path::PathBuf,
    uri: String,
}

fn workspace() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
    let file = root.join("handler.go");
    std::fs::write(&file, HANDLER).unwrap();
    let uri = format!("file://{}", file.display());
    Workspace { _dir: dir, root, file, uri }
}

async fn start(ws: &Workspace) -> TestClient {
    let (client, _) = TestClient::start_with(json!({
        "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
        "workspaceFolders": [{"uri": format!("file://{}", ws.root.display()), "name": "ws"}],
    }))
    .await;
    client
}

fn runtime_diags(diags: &[Value]) -> Vec<&Value> {
    diags.iter().filter(|d| d["source"] == "leakls-runtime").collect()
}

#[tokio::test]
async fn loaded_dump_annotates_lines_beside_static_findings() {
    let ws = workspace();
    let dump_path = ws.root.join("goroutines.txt");
    std::fs::write(&dump_path, dump(&ws.file, 3, 37)).unwrap();
    let mut client = start(&ws).await;
    client.open(&ws.uri, HANDLER, 1).await;
    assert_eq!(client.diagnostics(&ws.uri, 1).await.len(), 1);

    let status = client
        .request(
            "workspace/executeCommand",
            json!({"command": "leakls.loadDump", "arguments": [dump_path.to_str().unwrap()]}),
        )
        .await;
    assert_eq!(status["snapshots"], 1);
    assert_eq!(status["hotSpots"], 1);
    assert_eq!(status["watching"], false);
    let note = client.wait_notification(|m| m["method"] == "leakls/runtimeStatus").await;
    assert_eq!(note["params"], status);

    let diags = client.diagnostics(&ws.uri, 1).await;
    let runtime = runtime_diags(&diags);
    assert_eq!(runtime.len(), 1, "{diags:?}");
    let r = runtime[0];
    assert_eq!(r["range"]["start"]["line"], SEND_LINE - 1);
    assert_eq!(r["severity"], 3, "information by default");
    let message = r["message"].as_str().unwrap();
    assert!(message.starts_with("3 goroutines blocked here [chan send], at least 37 min"), "{message}");
    assert!(r["relatedInformation"][0]["message"].as_str().unwrap().starts_with("leakls finds a leak here"));
    let static_diag = diags.iter().find(|d| d["source"] == "leakls").unwrap();
    let confirmed = static_diag["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["message"] == "confirmed at runtime: 3 goroutines here");
    assert!(confirmed, "{static_diag}");

    let everything = json!({"start": {"line": 0, "character": 0}, "end": {"line": 100, "character": 0}});
    let hints =
        client.request("textDocument/inlayHint", json!({"textDocument": {"uri": ws.uri}, "range": everything})).await;
    let hints = hints.as_array().unwrap();
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0]["position"]["line"], SEND_LINE - 1);
    assert!(hints[0]["label"].as_str().unwrap().starts_with("3 goroutines"), "{hints:?}");

    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": ws.uri}})).await;
    let lenses = lenses.as_array().unwrap();
    assert_eq!(lenses.len(), 1);
    assert_eq!(lenses[0]["range"]["start"]["line"], 9, "on `func fetchWithTimeout`");
    assert!(lenses[0]["command"]["title"].as_str().unwrap().starts_with("3 goroutines waiting in this function"));
    // Running the lens (as Neovim's `vim.lsp.codelens.run()` does) lists the lines.
    let command = &lenses[0]["command"];
    let listing = client
        .request("workspace/executeCommand", json!({"command": command["command"], "arguments": command["arguments"]}))
        .await;
    let listing = listing.as_str().unwrap();
    assert!(listing.starts_with("Goroutines waiting in fetchWithTimeout:"), "{listing}");
    assert!(listing.contains(&format!("line {SEND_LINE}: ")), "{listing}");

    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ws.uri}, "position": {"line": SEND_LINE - 1, "character": 3}}),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("fetchWithTimeout"), "{markdown}");
    let nothing = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ws.uri}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(nothing.is_null());
}

#[tokio::test]
async fn annotations_move_with_edits_and_vanish_when_their_line_changes() {
    let ws = workspace();
    let dump_path = ws.root.join("goroutines.txt");
    std::fs::write(&dump_path, dump(&ws.file, 2, 5)).unwrap();
    let mut client = start(&ws).await;
    client.open(&ws.uri, HANDLER, 1).await;
    client.diagnostics(&ws.uri, 1).await;
    client
        .request(
            "workspace/executeCommand",
            json!({"command": "leakls.loadDump", "arguments": [dump_path.to_str().unwrap()]}),
        )
        .await;
    assert_eq!(runtime_diags(&client.diagnostics(&ws.uri, 1).await).len(), 1);

    // Two lines typed above the function: the annotation moves down by two.
    let top = json!({"line": 8, "character": 0});
    client.change(&ws.uri, 2, json!([{"range": {"start": top, "end": top}, "text": "// a\n// b\n"}])).await;
    let diags = client.diagnostics(&ws.uri, 2).await;
    let runtime = runtime_diags(&diags);
    assert_eq!(runtime.len(), 1);
    assert_eq!(runtime[0]["range"]["start"]["line"], SEND_LINE - 1 + 2);

    // Editing the annotated line itself drops the annotation rather than misplace it.
    let line = SEND_LINE - 1 + 2;
    let at = json!({"line": line, "character": 2});
    client.change(&ws.uri, 3, json!([{"range": {"start": at, "end": at}, "text": "_ = 1; "}])).await;
    assert!(runtime_diags(&client.diagnostics(&ws.uri, 3).await).is_empty());

    let status =
        client.request("workspace/executeCommand", json!({"command": "leakls.clearDump", "arguments": []})).await;
    assert_eq!(status["snapshots"], 0);
}

#[tokio::test]
async fn bad_inputs_are_reported_not_fatal() {
    let ws = workspace();
    let mut client = start(&ws).await;
    let missing = client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "leakls.loadDump", "arguments": ["/no/such/dump.txt"]}),
        )
        .await;
    let message = missing["error"]["message"].as_str().unwrap();
    assert_eq!(message.matches("/no/such/dump.txt").count(), 1, "named once: {message}");
    let no_args =
        client.request_raw("workspace/executeCommand", json!({"command": "leakls.loadDump", "arguments": []})).await;
    assert!(no_args["error"].is_object());
    let unknown =
        client.request_raw("workspace/executeCommand", json!({"command": "leakls.nope", "arguments": []})).await;
    assert!(unknown["error"].is_object());
    // Still alive.
    let status =
        client.request("workspace/executeCommand", json!({"command": "leakls.stopWatching", "arguments": []})).await;
    assert_eq!(status["watching"], false);
}

/// Serves `bodies` in turn (the last one repeatedly) over HTTP on 127.0.0.1.
async fn serve_dumps(bodies: Vec<String>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut served = 0usize;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let body = bodies[served.min(bodies.len() - 1)].clone();
            served += 1;
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        }
    });
    format!("http://{addr}/debug/pprof/goroutine?debug=2")
}

#[tokio::test]
async fn watching_a_url_builds_a_growing_series() {
    let ws = workspace();
    let url = serve_dumps(vec![dump(&ws.file, 2, 1), dump(&ws.file, 20, 3), dump(&ws.file, 200, 9)]).await;
    let mut client = start(&ws).await;
    client.open(&ws.uri, HANDLER, 1).await;
    client.diagnostics(&ws.uri, 1).await;
    let status =
        client.request("workspace/executeCommand", json!({"command": "leakls.watch", "arguments": [url, 0.2]})).await;
    assert_eq!(status["watching"], true);
    loop {
        let note = client.wait_notification(|m| m["method"] == "leakls/runtimeStatus").await;
        if note["params"]["snapshots"].as_u64().unwrap() >= 3 {
            break;
        }
    }
    let status =
        client.request("workspace/executeCommand", json!({"command": "leakls.stopWatching", "arguments": []})).await;
    assert_eq!(status["watching"], false);
    // A publish carries the grown count with a growing verdict, as a warning.
    let grown = client
        .wait_notification(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"].as_array().unwrap().iter().any(|d| {
                    d["source"] == "leakls-runtime" && d["message"].as_str().unwrap().starts_with("200 goroutines")
                })
        })
        .await;
    let diags = grown["params"]["diagnostics"].as_array().unwrap().clone();
    let runtime = runtime_diags(&diags);
    assert_eq!(runtime.len(), 1, "{diags:?}");
    let message = runtime[0]["message"].as_str().unwrap();
    assert!(message.starts_with("200 goroutines blocked here") && message.contains("growing"), "{message}");
    assert_eq!(runtime[0]["severity"], 2);
}

/// `runtime.maxBytes` caps dump files as it caps URLs, and a dump cut there is
/// loaded as a partial snapshot with a warning the user sees, never silently.
#[tokio::test]
async fn a_file_over_max_bytes_is_loaded_partial_with_a_warning() {
    let ws = workspace();
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
        "workspaceFolders": [{"uri": format!("file://{}", ws.root.display()), "name": "ws"}],
        "initializationOptions": {"runtime": {"maxBytes": 1 << 20}},
    }))
    .await;
    let big = dump(&ws.file, 12_000, 3);
    assert!(big.len() > 2 << 20 && big.len() < 4 << 20, "{}", big.len());
    let dump_path = ws.root.join("big.txt");
    std::fs::write(&dump_path, &big).unwrap();
    client
        .request(
            "workspace/executeCommand",
            json!({"command": "leakls.loadDump", "arguments": [dump_path.to_str().unwrap()]}),
        )
        .await;
    let shown = client.wait_notification(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 2).await;
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("big.txt") && message.contains("partial"), "{message}");
}
