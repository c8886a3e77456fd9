//! Hostile and broken clients: the server answers with errors or ignores, and
//! never crashes or hangs.

mod support;

use serde_json::{Value, json};
use support::lsp_client::TestClient;

const URI: &str = "file:///tmp/leakls-hostile/h.go";

const LEAKY: &str = "package p\n\nimport \"time\"\n\nfunc f() string {\n\tc := make(chan string)\n\tgo func() {\n\t\tc <- \"x\"\n\t}()\n\tselect {\n\tcase v := <-c:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn \"\"\n\t}\n}\n";

/// A request the server must still answer: proof it is alive.
async fn assert_alive(client: &mut TestClient) {
    let result = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "file:///nowhere.go"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .await;
    assert!(result.is_null());
}

#[tokio::test]
async fn malformed_json_and_unknown_methods() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    // Each of these would end tower-lsp-server's reader; the server drops them and goes on.
    client.send_raw(b"{this is not json").await;
    client.send_raw(br#"{"valid": "json, not JSON-RPC"}"#).await;
    client.send_raw(&[0xff, 0xfe, 0x00]).await;
    client.writer_raw(b"garbage between messages\r\n").await;
    let unknown = client.request_raw("leakls/doesNotExist", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    client.notify("$/unknownNotification", json!({"x": 1})).await;
    let bad_params = client.request_raw("textDocument/codeAction", json!({"nonsense": true})).await;
    assert_eq!(bad_params["error"]["code"], -32602);
    assert_alive(&mut client).await;
}

#[tokio::test]
async fn requests_before_initialize_are_refused() {
    let (client_side, server_side) = tokio::io::duplex(1 << 16);
    let (r, w) = tokio::io::split(server_side);
    tokio::spawn(leakls::server::serve(r, w));
    let mut raw = support::lsp_client::TestClient::from_stream(client_side);
    let early = raw
        .request_raw(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(early["error"]["code"], -32002, "{early}");
}

#[tokio::test]
async fn out_of_range_positions_are_clamped_or_ignored() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    client.diagnostics(URI, 1).await;
    let far = json!({"line": 4_000_000_000u32, "character": 4_000_000_000u32});
    let range = json!({"start": far, "end": far});
    client.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": far})).await;
    client.request("textDocument/inlayHint", json!({"textDocument": {"uri": URI}, "range": range})).await;
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": range, "context": {"diagnostics": []}}),
        )
        .await;
    // An inverted range in an edit is refused; the document stays as it was.
    let inverted = json!({"start": {"line": 3, "character": 0}, "end": {"line": 1, "character": 0}});
    client.change(URI, 2, json!([{"range": inverted, "text": "x"}])).await;
    client.change(URI, 3, json!([{"text": LEAKY}])).await;
    assert_eq!(client.diagnostics(URI, 3).await.len(), 1);
}

#[tokio::test]
async fn huge_and_binary_files_do_not_take_the_server_down() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    // About 6 MB of Go (under the 8 MiB file limit): many small functions, one leak at the end.
    let mut huge = String::from("package p\n\nimport \"time\"\n\n");
    let mut i = 0;
    while huge.len() < 6 << 20 {
        huge.push_str(&format!(
            "func f{i}(x int) int {{\n\tif x > {i} {{\n\t\treturn x - {i}\n\t}}\n\treturn x + {i}\n}}\n\n"
        ));
        i += 1;
    }
    huge.push_str(&LEAKY["package p\n\nimport \"time\"\n".len()..]);
    client.open("file:///tmp/leakls-hostile/huge.go", &huge, 1).await;
    assert_eq!(client.diagnostics("file:///tmp/leakls-hostile/huge.go", 1).await.len(), 1);
    // Control characters and NULs named .go.
    let binary: String = (0u8..=255).cycle().take(64 << 10).map(|b| char::from(b % 128)).collect();
    client.open("file:///tmp/leakls-hostile/binary.go", &binary, 1).await;
    assert!(client.diagnostics("file:///tmp/leakls-hostile/binary.go", 1).await.is_empty());
    // Deeply nested half-typed code.
    let nested = format!("package p\nfunc f() {{ {} }}", "go func() { ".repeat(5_000));
    client.open("file:///tmp/leakls-hostile/nested.go", &nested, 1).await;
    client.diagnostics("file:///tmp/leakls-hostile/nested.go", 1).await;
    assert_alive(&mut client).await;
}

#[tokio::test]
async fn a_thousand_rapid_edits_end_in_the_fresh_analysis() {
    let (mut client, _) = TestClient::start(&["utf-8"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    client.diagnostics(URI, 1).await;
    let line = LEAKY.lines().position(|l| l.contains("c <- \"x\"")).unwrap() as u64;
    let text = LEAKY.to_string();
    // Type and delete characters inside the goroutine, as fast as the pipe allows.
    for v in 2..1002i64 {
        let at = json!({"line": line, "character": 2});
        if v % 2 == 0 {
            client.change(URI, v, json!([{"range": {"start": at, "end": at}, "text": "_ = 1; "}])).await;
        } else {
            let end = json!({"line": line, "character": 9});
            client.change(URI, v, json!([{"range": {"start": at, "end": end}, "text": ""}])).await;
        }
    }
    // The last edit removed what the one before added: the text is the original.
    let diags = client.diagnostics(URI, 1001).await;
    let (mut fresh, _) = TestClient::start(&["utf-8"], Value::Null).await;
    fresh.open(URI, &text, 1).await;
    let expected = fresh.diagnostics(URI, 1).await;
    let strip = |d: &[Value]| d.iter().map(|x| (x["range"].clone(), x["message"].clone())).collect::<Vec<_>>();
    assert_eq!(strip(&diags), strip(&expected));
}

#[tokio::test]
async fn cancelled_requests_and_shutdown_during_analysis() {
    let (mut client, _) = TestClient::start(&["utf-8"], Value::Null).await;
    let mut big = LEAKY.to_string();
    for i in 0..20_000 {
        big.push_str(&format!("\nfunc g{i}() {{ go func() {{}}() }}\n"));
    }
    client.open(URI, &big, 1).await;
    // A request cancelled right after it is sent gets an answer or a cancellation error, never silence.
    client
        .send(&json!({"jsonrpc": "2.0", "id": 9001, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}}))
        .await;
    client.notify("$/cancelRequest", json!({"id": 9001})).await;
    let answer = loop {
        let msg = client.read().await;
        if msg["id"] == 9001 {
            break msg;
        }
    };
    assert!(answer.get("result").is_some() || answer["error"]["code"] == -32800, "{answer}");
    let shutdown = client.request_raw("shutdown", Value::Null).await;
    assert!(shutdown["error"].is_null(), "{shutdown}");
    client.notify("exit", Value::Null).await;
}

fn is_diagnostics_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn is_warning(m: &Value) -> bool {
    m["method"] == "window/showMessage" && m["params"]["type"] == 2
}

/// A didChange body inserting `text` (already JSON-escaped, so it can hold what
/// no encoder would write) at the start of the document.
fn raw_insert(uri: &str, version: i64, escaped_text: &str) -> Vec<u8> {
    format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":{version}}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}},"text":"{escaped_text}"}}]}}}}"#
    )
    .into_bytes()
}

fn code_action_params(uri: &str, diagnostics: &[Value]) -> Value {
    let zero = json!({"line": 0, "character": 0});
    json!({"textDocument": {"uri": uri}, "range": {"start": zero, "end": zero}, "context": {"diagnostics": diagnostics}})
}

/// After an edit the server could not follow: the next diagnostics for `uri`
/// clear it, one warning names the file, and code actions offer nothing, while
/// `published` (the diagnostics from before) still carry their fixes.
async fn assert_out_of_sync(client: &mut TestClient, uri: &str, published: &[Value]) {
    // Republished at the old version (another file's change asked for it) before the loss: not news.
    let old_version = &published[0]["data"]["version"];
    let next = client.wait_notification(|m| is_diagnostics_for(m, uri) && &m["params"]["version"] != old_version).await;
    assert_eq!(next["params"]["diagnostics"], json!([]), "{next}");
    let warning = client.wait_notification(is_warning).await;
    let text = warning["params"]["message"].as_str().unwrap();
    let file = uri.rsplit('/').next().unwrap();
    assert!(text.contains(file) && text.contains("reopen"), "{text}");
    let actions = client.request("textDocument/codeAction", code_action_params(uri, published)).await;
    assert!(actions.is_null(), "{actions}");
}

/// A full-text change brings an out-of-sync document back, and nothing warned twice.
async fn assert_replaced_text_comes_back(client: &mut TestClient, uri: &str, version: i64) {
    client.change(uri, version, json!([{"text": LEAKY}])).await;
    assert_eq!(client.diagnostics(uri, version).await.len(), 1);
    assert!(!client.notifications.iter().any(is_warning), "{:?}", client.notifications);
}

#[tokio::test]
async fn an_undecodable_edit_marks_the_document_out_of_sync() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let published = client.diagnostics(URI, 1).await;
    assert_eq!(published[0]["data"]["fixes"][0]["title"], "Buffer the channel");
    // Version 2 holds a lone surrogate: JSON the transport cannot decode.
    client.send_raw(&raw_insert(URI, 2, r"\ud800")).await;
    // Version 3 edits a text the server no longer has: applying it would corrupt code.
    client
        .change(
            URI,
            3,
            json!([{"range": {"start": {"line": 5, "character": 1}, "end": {"line": 5, "character": 2}}, "text": "r"}]),
        )
        .await;
    assert_out_of_sync(&mut client, URI, &published).await;
    // More edits to it are ignored without another warning, until the whole text comes.
    client
        .change(
            URI,
            4,
            json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]),
        )
        .await;
    assert_replaced_text_comes_back(&mut client, URI, 5).await;
}

#[tokio::test]
async fn an_edit_that_cannot_be_applied_marks_the_document_out_of_sync() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let published = client.diagnostics(URI, 1).await;
    // A range past the end of the text, then a line number no u32 holds.
    let far = json!({"line": 400, "character": 0});
    client.change(URI, 2, json!([{"range": {"start": far, "end": far}, "text": "x"}])).await;
    client.change(URI, 3, json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\n"}])).await;
    assert_out_of_sync(&mut client, URI, &published).await;
    assert_replaced_text_comes_back(&mut client, URI, 4).await;

    let other = "file:///tmp/leakls-hostile/other.go";
    client.open(other, LEAKY, 1).await;
    let published = client.diagnostics(other, 1).await;
    let huge_line = json!({"line": 5_000_000_000u64, "character": 0});
    client.change(other, 2, json!([{"range": {"start": huge_line, "end": huge_line}, "text": "x"}])).await;
    client.change(other, 3, json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\n"}])).await;
    assert_out_of_sync(&mut client, other, &published).await;
}

#[tokio::test]
async fn a_version_gap_after_an_unreadable_message_marks_the_document_out_of_sync() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    let steady = "file:///tmp/leakls-hostile/steady.go";
    client.open(URI, LEAKY, 1).await;
    client.open(steady, LEAKY, 1).await;
    let published = client.diagnostics(URI, 1).await;
    client.diagnostics(steady, 1).await;
    // Nothing can be read of this one, not even which document it was for.
    client.send_raw(b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"file:///tmp/leakls-hostile/h.go\xff").await;
    // The next edit of `steady` follows on from version 1: nothing was lost for it.
    client.change(steady, 2, json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\n"}])).await;
    assert_eq!(client.diagnostics(steady, 2).await.len(), 1);
    // The next edit of h.go skips version 2: it may have been the lost message.
    client.change(URI, 3, json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\n"}])).await;
    assert_out_of_sync(&mut client, URI, &published).await;
}

#[tokio::test]
async fn undecodable_requests_get_error_replies_and_initialize_can_be_retried() {
    let (client_side, server_side) = tokio::io::duplex(1 << 16);
    let (r, w) = tokio::io::split(server_side);
    tokio::spawn(leakls::server::serve(r, w));
    let mut raw = TestClient::from_stream(client_side);
    raw.send_raw(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":1e400,"capabilities":{}}}"#)
        .await;
    let refused = raw.read().await;
    assert_eq!(refused["id"], 1, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("initialize") && message.contains("number out of range"), "{message}");
    let result = raw.request("initialize", json!({"capabilities": {}})).await;
    assert!(result["capabilities"].is_object(), "{result}");
    raw.notify("initialized", json!({})).await;
    raw.send_raw(br#"{"jsonrpc":"2.0","id":"h","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.go"},"position":{"line":0,"character":"\udc00"}}}"#).await;
    let refused = raw.read().await;
    assert_eq!(refused["id"], "h", "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("textDocument/hover"), "{refused}");
    assert_alive(&mut raw).await;
}

#[tokio::test]
async fn oversized_messages_are_refused_with_an_error_naming_the_limit() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let published = client.diagnostics(URI, 1).await;
    // An edit over the message-size limit is read past, and its document marked.
    let huge = "x".repeat(65 << 20);
    client.send_raw(&raw_insert(URI, 2, &huge)).await;
    assert_out_of_sync(&mut client, URI, &published).await;
    // A request with a million and more values is refused before they are built.
    let values = vec!["0"; 1_200_000].join(",");
    let body = format!(r#"{{"jsonrpc":"2.0","id":77,"method":"workspace/symbol","params":{{"query":[{values}]}}}}"#);
    client.send_raw(body.as_bytes()).await;
    let refused = loop {
        let msg = client.read().await;
        if msg["id"] == 77 {
            break msg;
        }
    };
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("more than 1,000,000 JSON values"), "{message}");
    assert_alive(&mut client).await;
}

/// Forged quick-fix `data`: 10,000 fixes on one diagnostic, a fix editing past
/// the end of the text. Refused at once; real data still gives its fixes.
#[tokio::test]
async fn forged_code_action_data_is_bounded() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let published = client.diagnostics(URI, 1).await;
    let real = client.request("textDocument/codeAction", code_action_params(URI, &published)).await;
    let titles: Vec<_> = real.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect();
    assert!(titles.contains(&"Buffer the channel".to_string()), "{titles:?}");

    let edit =
        json!({"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 1}}, "newText": "x"});
    let fix = json!({"title": "forged", "applicability": "safe", "edits": [edit]});
    let mut many = published[0].clone();
    many["data"]["fixes"] = json!(vec![fix.clone(); 10_000]);
    let past_the_end = json!({"range": {"start": {"line": 900, "character": 0}, "end": {"line": 900, "character": 0}}, "newText": "x"});
    let mut outside = published[0].clone();
    outside["data"]["fixes"] = json!([{"title": "forged", "applicability": "safe", "edits": [past_the_end]}]);
    let answer = client.request("textDocument/codeAction", code_action_params(URI, &[many, outside])).await;
    let forged = answer.as_array().unwrap().iter().filter(|a| a["title"] == "forged").count();
    assert_eq!(forged, 0, "{answer}");
}

#[tokio::test]
async fn files_over_the_size_limit_are_skipped_with_a_message() {
    let (mut client, _) = TestClient::start(&["utf-16"], json!({"maxFileSizeMib": 1})).await;
    let big_uri = "file:///tmp/leakls-hostile/big.go";
    let mut big = LEAKY.to_string();
    while big.len() < 3 << 19 {
        big.push_str("\nfunc pad() { _ = 1 }\n");
    }
    client.open(big_uri, &big, 1).await;
    let next = client.wait_notification(|m| is_diagnostics_for(m, big_uri)).await;
    assert_eq!(next["params"]["diagnostics"], json!([]), "{next}");
    let warning = client.wait_notification(is_warning).await;
    let text = warning["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("big.go") && text.contains("over the 1 MiB limit") && text.contains("maxFileSizeMib"),
        "{text}"
    );
    assert!(client.request("textDocument/codeAction", code_action_params(big_uri, &[])).await.is_null());
    // A file under the limit is analysed as ever, and a full text under it brings big.go back.
    client.open(URI, LEAKY, 1).await;
    assert_eq!(client.diagnostics(URI, 1).await.len(), 1);
    client.change(big_uri, 2, json!([{"text": LEAKY}])).await;
    assert_eq!(client.diagnostics(big_uri, 2).await.len(), 1);
}

/// `leakls serve` as a child process, initialized, its stdio driven by a test client.
async fn spawn_server() -> (tokio::process::Child, TestClient) {
    let mut child = tokio::process::Command::new(support::leakls())
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (stdout, stdin) = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let mut client = TestClient::from_parts(Box::new(stdout), Box::new(stdin));
    client.request("initialize", json!({"capabilities": {}})).await;
    client.notify("initialized", json!({})).await;
    (child, client)
}

/// The exit code, failing the test when the process does not end.
async fn exit_code(child: &mut tokio::process::Child) -> Option<i32> {
    let status = tokio::time::timeout(support::lsp_client::TIMEOUT, child.wait()).await;
    status.expect("leakls serve did not exit").unwrap().code()
}

/// Starts a server loading a dump from a FIFO in `dir` that nobody writes to:
/// the read blocks for good.
async fn spawn_server_reading_a_fifo(dir: &std::path::Path) -> (tokio::process::Child, TestClient) {
    let path = dir.join("goroutines.fifo");
    let made = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success());
    let (child, mut client) = spawn_server().await;
    let arguments = [path.to_string_lossy()];
    let params = json!({"command": "leakls.loadDump", "arguments": arguments});
    client.send(&json!({"jsonrpc": "2.0", "id": 500, "method": "workspace/executeCommand", "params": params})).await;
    // Answered after the loading request started: the server is reading the FIFO.
    client.request("workspace/executeCommand", json!({"command": "leakls.clearDump", "arguments": []})).await;
    (child, client)
}

#[tokio::test]
async fn exit_without_shutdown_ends_the_process_with_code_1() {
    let (mut child, mut client) = spawn_server().await;
    client.notify("exit", Value::Null).await;
    // stdin stays open: `exit` alone must end the process.
    assert_eq!(exit_code(&mut child).await, Some(1));
}

#[tokio::test]
async fn exit_after_shutdown_ends_the_process_with_code_0_while_a_dump_read_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut client) = spawn_server_reading_a_fifo(dir.path()).await;
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    assert_eq!(exit_code(&mut child).await, Some(0));
}

#[tokio::test]
async fn end_of_input_ends_the_process_while_a_dump_read_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut client) = spawn_server_reading_a_fifo(dir.path()).await;
    client.close_input();
    assert_eq!(exit_code(&mut child).await, Some(1));
}

/// Peak resident memory of a process, in bytes (Linux).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

#[tokio::test]
async fn a_50_mb_json_array_costs_no_more_than_a_few_times_its_size() {
    let (mut child, mut client) = spawn_server().await;
    let values = vec!["1"; 25_000_000].join(",");
    let body = format!(r#"{{"jsonrpc":"2.0","id":90,"method":"workspace/symbol","params":{{"query":[{values}]}}}}"#);
    assert!(body.len() > 50_000_000);
    client.send_raw(body.as_bytes()).await;
    let refused = client.read().await;
    assert_eq!(refused["id"], 90, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("JSON values"), "{refused}");
    let peak = peak_rss(child.id().unwrap());
    // The body itself is read once (50 MB); decoding it would take gigabytes.
    assert!(peak < 250 << 20, "peak RSS {} MB", peak >> 20);
    client.notify("exit", Value::Null).await;
    exit_code(&mut child).await;
}

fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// A `leakls.toml` planted in a shared parent directory (say /tmp) must not
/// change the rules of a workspace below it; the workspace's own one does.
#[tokio::test]
async fn a_leakls_toml_above_the_workspace_is_not_read() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::write(parent.path().join("leakls.toml"), "disable = [\"unreceived-send\"]\n").unwrap();
    let ws = parent.path().join("ws");
    let outside = parent.path().join("elsewhere");
    for dir in [ws.join("pkg"), outside.clone()] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let (inside_uri, outside_uri) = (file_uri(&ws.join("pkg/h.go")), file_uri(&outside.join("o.go")));
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        "workspaceFolders": [{"uri": file_uri(&ws), "name": "ws"}],
    }))
    .await;
    client.open(&inside_uri, LEAKY, 1).await;
    assert_eq!(client.diagnostics(&inside_uri, 1).await.len(), 1);
    // A file in no workspace folder and no module: only its own directory counts.
    client.open(&outside_uri, LEAKY, 1).await;
    assert_eq!(client.diagnostics(&outside_uri, 1).await.len(), 1);
    std::fs::write(ws.join("leakls.toml"), "disable = [\"unreceived-send\"]\n").unwrap();
    let changed = json!({"changes": [{"uri": file_uri(&ws.join("leakls.toml")), "type": 1}]});
    client.notify("workspace/didChangeWatchedFiles", changed).await;
    client.wait_notification(|m| is_diagnostics_for(m, &inside_uri) && m["params"]["diagnostics"] == json!([])).await;
}

/// A service file of about `size` bytes: one type with many methods, each
/// racing a goroutine's send against its context (a leak leakls reports, naming
/// a line), as generated handlers or a long-grown server look.
fn service_file(size: usize) -> String {
    let mut text = String::from(
        "package svc\n\nimport \"context\"\n\ntype Server struct{ calls int }\n\nfunc (s *Server) call(i int) error { return nil }\n\n",
    );
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!(
            "func (s *Server) handle{i}(ctx context.Context) error {{\n\tresult := make(chan error)\n\tgo func() {{\n\t\tresult <- s.call({i})\n\t}}()\n\tselect {{\n\tcase err := <-result:\n\t\treturn err\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}}\n}}\n\n"
        ));
        i += 1;
    }
    text
}

/// The median time from a `didChange` typed into a method in the middle of a
/// `size`-byte file to its diagnostics.
async fn edit_cost(size: usize) -> std::time::Duration {
    let uri = "file:///tmp/leakls-hostile/svc.go";
    let (mut client, _) = TestClient::start(&["utf-8"], Value::Null).await;
    let text = service_file(size);
    let half = text.lines().count() / 2;
    let line = half + text.lines().skip(half).position(|l| l.starts_with("\tresult :=")).unwrap();
    let line = line as u64;
    let opened = std::time::Instant::now();
    client.open(uri, &text, 1).await;
    let found = client.diagnostics(uri, 1).await.len();
    eprintln!("{size}: opened in {:?}, {found} diagnostics", opened.elapsed());
    let mut costs = Vec::new();
    for v in 2..7i64 {
        let at = json!({"line": line, "character": 0});
        let change = if v % 2 == 0 {
            json!([{"range": {"start": at, "end": at}, "text": "\t_ = 1\n"}])
        } else {
            json!([{"range": {"start": at, "end": {"line": line + 1, "character": 0}}, "text": ""}])
        };
        let started = std::time::Instant::now();
        client.change(uri, v, change).await;
        client.diagnostics(uri, v).await;
        costs.push(started.elapsed());
    }
    costs.sort();
    costs[costs.len() / 2]
}

#[tokio::test]
async fn the_cost_of_an_edit_grows_no_faster_than_the_file() {
    let small = edit_cost(1 << 18).await;
    let large = edit_cost(1 << 20).await;
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    eprintln!("one edit: {small:?} at 256 KiB, {large:?} at 1 MiB ({ratio:.1}x)");
    // Four times the text: about 4 when linear, 16 when quadratic.
    assert!(ratio < 8.0, "an edit of a 1 MiB file cost {ratio:.1}x one of a 256 KiB file");
}
