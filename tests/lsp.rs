//! In-process LSP tests: a client talks to the real server over `tokio::io::duplex`.

mod support;

use serde_json::{Value, json};
use support::lsp_client::{TestClient, apply_edits};

const URI: &str = "file:///tmp/leakls-test/handler.go";

use support::FETCH_WITH_TIMEOUT as LEAKY;

fn line_of(text: &str, needle: &str) -> u64 {
    text[..text.find(needle).unwrap()].matches('\n').count() as u64
}

async fn code_actions(client: &mut TestClient, diag: &Value, only: Option<Vec<&str>>) -> Vec<Value> {
    let mut context = json!({"diagnostics": [diag]});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let result = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": diag["range"], "context": context}),
        )
        .await;
    result.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn negotiates_utf8_when_offered_and_utf16_otherwise() {
    let (_, init) = TestClient::start(&["utf-16", "utf-8"], Value::Null).await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    let kinds = init["capabilities"]["codeActionProvider"]["codeActionKinds"].clone();
    assert_eq!(kinds, json!(["quickfix", "source.fixAll.leakls"]));
    let (_, init) = TestClient::start(&["utf-16"], Value::Null).await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let (_, init) = TestClient::start(&[], Value::Null).await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
}

#[tokio::test]
async fn quick_fix_removes_the_leak() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let diags = client.diagnostics(URI, 1).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["source"], "leakls");
    assert_eq!(d["code"], "unreceived-send");
    assert_eq!(d["severity"], 2);
    assert_eq!(d["range"]["start"]["line"], line_of(LEAKY, "result <- fetch"));
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(related[0]["location"]["range"]["start"]["line"], line_of(LEAKY, "case <-time.After"));
    assert!(d["data"]["fixes"].is_array());

    let actions = code_actions(&mut client, d, None).await;
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles[..2], ["Buffer the channel", "Stop sending when ctx is done"]);
    assert!(titles.contains(&"Suppress unreceived-send on this line"), "{titles:?}");
    assert!(titles.iter().any(|t| t.starts_with("Fix all safe leakls findings")), "{titles:?}");
    let buffer = &actions[0];
    assert_eq!(buffer["kind"], "quickfix");
    assert_eq!(buffer["isPreferred"], true);
    let edits = buffer["edit"]["changes"][URI].as_array().unwrap();
    let fixed = apply_edits(LEAKY, edits, true);
    assert!(fixed.contains("make(chan string, 1)"), "{fixed}");

    client.change(URI, 2, json!([{"text": fixed}])).await;
    assert_eq!(client.diagnostics(URI, 2).await, Vec::<Value>::new());
}

#[tokio::test]
async fn suppress_action_silences_the_diagnostic() {
    let (mut client, _) = TestClient::start(&["utf-8"], Value::Null).await;
    client.open(URI, LEAKY, 1).await;
    let diags = client.diagnostics(URI, 1).await;
    let actions = code_actions(&mut client, &diags[0], Some(vec!["quickfix"])).await;
    let suppress = actions.iter().find(|a| a["title"] == "Suppress unreceived-send on this line").unwrap();
    let fixed = apply_edits(LEAKY, suppress["edit"]["changes"][URI].as_array().unwrap(), false);
    client.change(URI, 2, json!([{"text": fixed}])).await;
    assert!(client.diagnostics(URI, 2).await.is_empty());
}

#[tokio::test]
async fn incremental_edits_add_and_remove_a_leak() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    let safe = LEAKY.replace("make(chan string)", "make(chan string, 1)");
    client.open(URI, &safe, 1).await;
    assert!(client.diagnostics(URI, 1).await.is_empty());
    // Delete ", 1": the channel becomes unbuffered.
    let line = line_of(&safe, "make(chan string, 1)");
    let col = safe.lines().nth(line as usize).unwrap().find(", 1)").unwrap() as u64 + 1; // +1 for the tab as one unit
    let start = json!({"line": line, "character": col - 1});
    let end = json!({"line": line, "character": col + 2});
    client.change(URI, 2, json!([{"range": {"start": start, "end": end}, "text": ""}])).await;
    assert_eq!(client.diagnostics(URI, 2).await.len(), 1);
    // Type it back, one character per change in a single notification.
    client
        .change(
            URI,
            3,
            json!([
                {"range": {"start": start, "end": start}, "text": ","},
                {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": " 1"},
            ]),
        )
        .await;
    assert!(client.diagnostics(URI, 3).await.is_empty());
}

#[tokio::test]
async fn columns_follow_the_negotiated_encoding() {
    // A wide string before the send, on the same line: UTF-8 and UTF-16 columns differ.
    let text = LEAKY.replace("\t\tresult <- fetch(u)", "\t\t_ = \"☃😀\"; result <- fetch(u)");
    let utf8_col =
        text.lines().nth(line_of(&text, "result <- fetch") as usize).unwrap().find("result <-").unwrap() as u64;
    for (enc, expected) in [("utf-8", utf8_col), ("utf-16", utf8_col - 4)] {
        let (mut client, _) = TestClient::start(&[enc], Value::Null).await;
        client.open(URI, &text, 1).await;
        let diags = client.diagnostics(URI, 1).await;
        assert_eq!(diags.len(), 1, "{enc}: {diags:?}");
        assert_eq!(diags[0]["range"]["start"]["character"], expected, "{enc}");
    }
}

#[tokio::test]
async fn fix_all_applies_only_safe_fixes() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    let text = format!(
        "{LEAKY}\nfunc poll(ctx context.Context) {{\n\tt := time.NewTicker(time.Second)\n\tfor {{\n\t\tselect {{\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t}}\n\t}}\n}}\n"
    );
    client.open(URI, &text, 1).await;
    assert_eq!(client.diagnostics(URI, 1).await.len(), 2);
    let result = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let actions = result.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.leakls");
    let fixed = apply_edits(&text, actions[0]["edit"]["changes"][URI].as_array().unwrap(), true);
    assert!(fixed.contains("make(chan string, 1)") && fixed.contains("defer t.Stop()"), "{fixed}");
    assert!(!fixed.contains("case <-ctx.Done():\n\t\t\treturn\n\t\t}"), "the unsafe ctx rewrite must not be applied");
    client.change(URI, 2, json!([{"text": fixed}])).await;
    assert!(client.diagnostics(URI, 2).await.is_empty());
}

#[tokio::test]
async fn bad_edits_put_documents_out_of_sync_and_the_server_keeps_answering() {
    let (mut client, _) = TestClient::start(&["utf-16"], Value::Null).await;
    client.change("file:///never/opened.go", 2, json!([{"text": "package x"}])).await;
    client.open(URI, LEAKY, 1).await;
    assert_eq!(client.diagnostics(URI, 1).await.len(), 1);
    let far = json!({"line": 9999, "character": 0});
    client.change(URI, 2, json!([{"range": {"start": far, "end": far}, "text": "x"}])).await;
    // The bad edit is not applied; a change of the whole text brings the document back.
    client.change(URI, 3, json!([{"text": LEAKY.replace("make(chan string)", "make(chan string, 1)")}])).await;
    assert!(client.diagnostics(URI, 3).await.is_empty());
    let warnings: Vec<_> = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .map(|n| n["params"]["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("/never/opened.go") && warnings[1].contains("lost track of"), "{warnings:?}");
}

#[tokio::test]
async fn settings_disable_rules_and_report_unknown_names() {
    let (mut client, _) = TestClient::start(&["utf-16"], json!({"disable": ["unreceived-send", "no-such-rule"]})).await;
    let shown = client.wait_notification(|m| m["method"] == "window/showMessage").await;
    assert!(shown["params"]["message"].as_str().unwrap().contains("no-such-rule"), "{shown}");
    client.open(URI, LEAKY, 1).await;
    assert!(client.diagnostics(URI, 1).await.is_empty());
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"leakls": {"severity": {"unreceived-send": "error"}}}}),
        )
        .await;
    let diags = client.diagnostics(URI, 1).await;
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["severity"], 1);
}

#[tokio::test]
async fn workspace_is_indexed_in_the_background_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..100 {
        let pkg = dir.path().join(format!("pkg{}", i % 7));
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join(format!("f{i}.go")),
            format!("package pkg{}\n\nfunc F{i}(c chan int) {{ c <- {i} }}\n", i % 7),
        )
        .unwrap();
    }
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"window": {"workDoneProgress": true}},
        "workspaceFolders": [{"uri": format!("file://{}", dir.path().display()), "name": "ws"}],
    }))
    .await;
    let begin =
        client.wait_notification(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin").await;
    assert_eq!(begin["params"]["token"], "leakls/indexing");
    let end = client.wait_notification(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end").await;
    assert_eq!(end["params"]["value"]["message"], "indexed 100 Go files");
}

#[tokio::test]
async fn findings_follow_goroutines_into_other_packages() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/range-never-closed/crosspkg");
    let main = fixture.join("cmd/app/main.go");
    let uri = format!("file://{}", main.display());
    let (mut client, _) = TestClient::start(&["utf-8"], Value::Null).await;
    client.open(&uri, &std::fs::read_to_string(&main).unwrap(), 1).await;
    let diags = client.diagnostics(&uri, 1).await;
    let drain =
        diags.iter().find(|d| d["message"].as_str().unwrap().contains("queue.Drain")).expect("queue.Drain finding");
    let elsewhere = drain["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["location"]["uri"].as_str().unwrap().ends_with("internal/queue/queue.go"))
        .expect("a related location in the queue package");
    assert_eq!(elsewhere["location"]["range"]["start"], json!({"line": 7, "character": 1}));
}

#[tokio::test]
async fn watched_files_refresh_summaries_and_recheck_dependants() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/range-never-closed/crosspkg");
    let dir = tempfile::tempdir().unwrap();
    for rel in ["go.mod", "internal/queue/queue.go", "cmd/app/main.go", "cmd/app/worker.go"] {
        let target = dir.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture.join(rel), &target).unwrap();
    }
    let main = dir.path().join("cmd/app/main.go");
    let uri = format!("file://{}", main.display());
    let (mut client, _) = TestClient::start_with(json!({
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        "workspaceFolders": [{"uri": format!("file://{}", dir.path().display()), "name": "ws"}],
    }))
    .await;
    client.open(&uri, &std::fs::read_to_string(&main).unwrap(), 1).await;
    let drain = |d: &Vec<Value>| d.iter().any(|x| x["message"].as_str().unwrap().contains("queue.Drain"));
    assert!(drain(&client.diagnostics(&uri, 1).await));
    // The server asked to be told about Go files changing on disk.
    while !client.server_requests.iter().any(|r| r["method"] == "client/registerCapability") {
        // Any round trip lets the server's pending request through.
        client
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
            )
            .await;
    }
    let registration = client.server_requests.iter().find(|r| r["method"] == "client/registerCapability").unwrap();
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(watchers.as_array().unwrap().iter().any(|w| w["globPattern"] == "**/*.go"), "{registration}");

    // `Drain` gains a way out: the caller's finding must go without touching main.go.
    let queue = dir.path().join("internal/queue/queue.go");
    let text = std::fs::read_to_string(&queue).unwrap().replace(
        "\tfor j := range jobs {\n\t\thandle(j)\n\t}\n}\n\n// DrainUntil",
        "\tfor j := range jobs {\n\t\tif j < 0 {\n\t\t\treturn\n\t\t}\n\t\thandle(j)\n\t}\n}\n\n// DrainUntil",
    );
    std::fs::write(&queue, text).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": format!("file://{}", queue.display()), "type": 2}]}),
        )
        .await;
    assert!(!drain(&client.diagnostics(&uri, 1).await));
}
