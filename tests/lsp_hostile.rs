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
    // About 10 MB of Go: many small functions, one leak at the end.
    let mut huge = String::from("package p\n\nimport \"time\"\n\n");
    let mut i = 0;
    while huge.len() < 10 << 20 {
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
