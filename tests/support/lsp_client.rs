//! An LSP client for tests: in-process over `tokio::io::duplex`, as typos-lsp
//! tests its server, or over the stdio of a `leakls serve` child process.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};

pub struct TestClient {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    reader: BufReader<Box<dyn AsyncRead + Unpin + Send>>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pub notifications: VecDeque<Value>,
    /// Requests the server sent to the client (each answered with a null result).
    pub server_requests: Vec<Value>,
}

/// Long enough for a 10 MB file analysed by a debug build on a loaded CI machine;
/// a hang still fails the test.
pub const TIMEOUT: Duration = Duration::from_secs(90);

impl TestClient {
    /// Starts a server and initializes it, offering the given position encodings.
    pub async fn start(encodings: &[&str], init_options: Value) -> (Self, Value) {
        Self::start_with(json!({
            "capabilities": {"general": {"positionEncodings": encodings}},
            "initializationOptions": init_options,
        }))
        .await
    }

    /// Starts a server and initializes it with these `initialize` params.
    pub async fn start_with(params: Value) -> (Self, Value) {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(leakls::server::serve(server_read, server_write));
        let mut client = Self::from_stream(client_side);
        let result = client.request("initialize", params).await;
        client.notify("initialized", json!({})).await;
        (client, result)
    }

    /// A client on one end of a stream whose other end a server serves; nothing sent yet.
    pub fn from_stream(stream: DuplexStream) -> Self {
        let (read, write) = tokio::io::split(stream);
        Self::from_parts(Box::new(read), Box::new(write))
    }

    /// A client reading the server's output from `read` and writing its input to `write`.
    pub fn from_parts(read: Box<dyn AsyncRead + Unpin + Send>, write: Box<dyn AsyncWrite + Unpin + Send>) -> Self {
        TestClient {
            writer: write,
            reader: BufReader::new(read),
            next_id: 1,
            notifications: VecDeque::new(),
            server_requests: Vec::new(),
        }
    }

    pub async fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        self.send_raw(&body).await;
    }

    /// Closes the server's input (dropping the writer closes a child's stdin).
    pub fn close_input(&mut self) {
        self.writer = Box::new(tokio::io::sink());
    }

    /// Writes bytes with no framing at all.
    pub async fn writer_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    pub async fn send_raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(header.as_bytes()).await.unwrap();
        self.writer.write_all(body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// Sends a request and returns its whole response message.
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        loop {
            let msg = self.read().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.stash(msg).await;
        }
    }

    /// Sends a request and returns its result, panicking on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let msg = self.request_raw(method, params).await;
        assert!(msg.get("error").is_none(), "{method} failed: {msg}");
        msg["result"].clone()
    }

    /// Keeps notifications; answers the server's own requests with an empty result.
    async fn stash(&mut self, msg: Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() {
            let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": null});
            self.send(&reply).await;
            self.server_requests.push(msg);
        } else if msg.get("method").is_some() {
            self.notifications.push_back(msg);
        }
    }

    /// Reads one message (panics after a timeout: a hang is a failure).
    pub async fn read(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, self.read_message()).await.expect("timed out waiting for the server")
    }

    async fn read_message(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "server closed the connection");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = Some(v.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; length.expect("Content-Length header")];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Waits for a notification matching `pred`, looking at stashed ones first.
    pub async fn wait_notification(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notifications.iter().position(&pred) {
            return self.notifications.remove(i).unwrap();
        }
        loop {
            let msg = self.read().await;
            if msg.get("method").is_some() && msg.get("id").is_none() && pred(&msg) {
                return msg;
            }
            self.stash(msg).await;
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let msg = self
            .wait_notification(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            })
            .await;
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub async fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "go", "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }
}

/// Applies LSP text edits (UTF-16 or UTF-8 columns) to `text`, as a client would.
pub fn apply_edits(text: &str, edits: &[Value], utf16: bool) -> String {
    let index = line_index::LineIndex::new(text);
    let enc = if utf16 { leakls::syntax::PositionEncoding::Utf16 } else { leakls::syntax::PositionEncoding::Utf8 };
    let offset = |p: &Value| {
        let pos = leakls::syntax::LinePosition {
            line: p["line"].as_u64().unwrap() as u32,
            column: p["character"].as_u64().unwrap() as u32,
        };
        leakls::syntax::position::offset_of(text, &index, pos, enc)
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string()))
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}
