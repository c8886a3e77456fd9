//! A guard in front of the LSP transport: passes on well-framed messages the
//! transport can decode, and puts a small stand-in in place of every other one,
//! so that nothing the client sent is lost without the server knowing.
//!
//! tower-lsp-server's reader stops for good at the first message it cannot
//! decode, which would end the session over one bad byte. Here garbage between
//! messages is skipped up to the next `Content-Length` header, and a message
//! that is not a JSON-RPC message, holds a number or string the transport cannot
//! read (`1e400`, a lone `\ud800`), is larger than [`MAX_MESSAGE_BYTES`] or holds
//! more than [`MAX_MESSAGE_VALUES`] JSON values, or is a document notification
//! whose parameters do not fit, is replaced by a stand-in the backend answers:
//! - a request whose id can be read becomes [`DROPPED_REQUEST`] with that id (or,
//!   for `initialize`, the only request taken before initialization, an
//!   `initialize` carrying [`DROPPED_REQUEST`] in its options), which gets an
//!   error reply saying what was wrong;
//! - anything else becomes the notification [`DROPPED_NOTIFICATION`], naming the
//!   method and document when they can be read, so a lost edit marks its
//!   document out of sync instead of leaving the server on stale text.
//!
//! Stand-ins take the place of the lost message in the stream, so the backend
//! sees them in order with the edits around them.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Id, Request, Response};
use tower_lsp_server::ls_types::{DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams};

/// Bodies larger than this are refused unread: room for a file at the largest
/// `maxFileSizeMib` default with every character escaped several times over.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// JSON values (numbers, strings, arrays, objects) a message may hold: the
/// transport decodes a message into a tree of them, 32 bytes and more each, so a
/// body of small numbers costs twenty times its size. A real edit with thousands
/// of changes holds a few hundred thousand.
pub const MAX_MESSAGE_VALUES: usize = 1_000_000;
/// Header lines longer than this are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;
/// How much of a refused oversized body is read to find out what it was.
const PROBE_BYTES: usize = 64 << 10;

/// The stand-in for a request the transport could not decode.
pub const DROPPED_REQUEST: &str = "leakls/droppedRequest";
/// The stand-in for any other message the transport could not decode.
pub const DROPPED_NOTIFICATION: &str = "leakls/droppedNotification";

/// What a stand-in says about the message it replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DroppedMessage {
    /// The method, when it could be read.
    pub method: Option<String>,
    /// The document the message was about (`params.textDocument.uri`), when it could be read.
    pub uri: Option<String>,
    /// Why the message was dropped.
    pub reason: String,
}

/// Copies LSP messages from `input` to `output` until `input` ends or `output`
/// is closed, replacing what the transport could not decode by stand-ins.
pub async fn forward_valid_messages<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let length = match read_headers(&mut reader).await {
            Ok(Some(length)) => length,
            Ok(None) => break,
            Err(()) => continue,
        };
        let forwarded = if length > MAX_MESSAGE_BYTES {
            let mut start = Vec::with_capacity(PROBE_BYTES);
            let skipped = async {
                (&mut reader).take(PROBE_BYTES as u64).read_to_end(&mut start).await?;
                let rest = (length - start.len()) as u64;
                let copied = tokio::io::copy(&mut (&mut reader).take(rest), &mut tokio::io::sink()).await?;
                Ok::<bool, std::io::Error>(copied == rest)
            };
            // Input that ends inside the body is the end of the session, not a message.
            if !matches!(skipped.await, Ok(true)) {
                break;
            }
            let reason = format!(
                "the message is {} bytes, larger than the {MAX_MESSAGE_BYTES}-byte limit of leakls",
                thousands(length)
            );
            stand_in(&start, reason)
        } else {
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).await.is_err() {
                break;
            }
            match check(&body) {
                Ok(()) => Some(body),
                Err(reason) => stand_in(&body, reason),
            }
        };
        let Some(body) = forwarded else { continue };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
            break;
        }
        if output.flush().await.is_err() {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Whether the transport and the backend can decode `body`: a JSON-RPC request,
/// notification or response within [`MAX_MESSAGE_VALUES`], whose parameters fit
/// when it is a document notification (the transport drops those silently).
fn check(body: &[u8]) -> Result<(), String> {
    let mut budget = MAX_MESSAGE_VALUES + 1;
    let mut counter = serde_json::Deserializer::from_slice(body);
    if let Err(e) = (CountValues { budget: &mut budget }).deserialize(&mut counter) {
        return Err(if budget == 0 {
            format!("the message holds more than {} JSON values, the limit of leakls", thousands(MAX_MESSAGE_VALUES))
        } else {
            format!("the message is not valid JSON: {e}")
        });
    }
    let request = match serde_json::from_slice::<Request>(body) {
        Ok(request) => request,
        Err(e) => {
            return match serde_json::from_slice::<Response>(body) {
                Ok(_) => Ok(()),
                Err(_) => Err(format!("the message is not a JSON-RPC request or response: {e}")),
            };
        }
    };
    let Some(params) = request.params() else { return Ok(()) };
    let fits = match request.method() {
        "textDocument/didOpen" => DidOpenTextDocumentParams::deserialize(params).err(),
        "textDocument/didChange" => DidChangeTextDocumentParams::deserialize(params).err(),
        "textDocument/didClose" => DidCloseTextDocumentParams::deserialize(params).err(),
        _ => None,
    };
    match fits {
        None => Ok(()),
        Some(e) => Err(format!("its parameters do not fit `{}`: {e}", request.method())),
    }
}

/// The stand-in for a dropped message, from what can be read of it (the whole
/// body, or the start of an oversized one). None for a response: nothing waits
/// for it, and the log line is all there is to say.
fn stand_in(body: &[u8], reason: String) -> Option<Vec<u8>> {
    let probe = Probe::read(body);
    eprintln!(
        "leakls: dropped a message ({}): {reason}",
        probe.method.as_deref().map_or_else(|| format!("{} bytes read", body.len()), |m| format!("`{m}`"))
    );
    let dropped = DroppedMessage { method: probe.method, uri: probe.uri, reason };
    let message = match (probe.id, dropped.method.as_deref()) {
        (Some(id), Some("initialize")) => json!({
            "jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": {DROPPED_REQUEST: dropped}},
        }),
        (Some(id), Some(_)) => json!({"jsonrpc": "2.0", "id": id, "method": DROPPED_REQUEST, "params": dropped}),
        (Some(_), None) => return None,
        (None, _) => json!({"jsonrpc": "2.0", "method": DROPPED_NOTIFICATION, "params": dropped}),
    };
    serde_json::to_vec(&message).ok()
}

fn thousands(n: usize) -> String {
    crate::runtime::thousands(n as u64)
}

/// What can be read of a message the transport cannot decode: its id, method
/// and document, when they come before whatever broke it.
#[derive(Debug, Default, PartialEq)]
struct Probe {
    id: Option<Id>,
    method: Option<String>,
    uri: Option<String>,
}

impl Probe {
    /// Reads `bytes` (a whole body or its start) up to the first thing it cannot
    /// read, keeping what came before. Values it does not need are skipped
    /// unchecked, so a bad number or escape elsewhere does not hide them.
    fn read(bytes: &[u8]) -> Probe {
        let mut probe = Probe::default();
        let _ = serde_json::Deserializer::from_slice(bytes).deserialize_map(MessageFields(&mut probe));
        probe
    }
}

struct MessageFields<'a>(&'a mut Probe);

impl<'de> Visitor<'de> for MessageFields<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => self.0.id = Some(map.next_value()?),
                "method" => self.0.method = Some(map.next_value()?),
                "params" => map.next_value_seed(StringAt { path: &["textDocument", "uri"], out: &mut self.0.uri })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Finds the string at `path` (object keys) inside a value, skipping the rest.
struct StringAt<'a> {
    path: &'static [&'static str],
    out: &'a mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for StringAt<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            *self.out = Some(String::deserialize(deserializer)?);
            Ok(())
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for StringAt<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an object with `{}`", self.path[0])
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.path[0] {
                map.next_value_seed(StringAt { path: &self.path[1..], out: &mut *self.out })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    // Anything but an object holds nothing to find.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Walks a JSON value without building it, taking one from `budget` per value,
/// and fails when it takes the last: the size of the tree the transport would
/// build, known before it builds it.
struct CountValues<'a> {
    budget: &'a mut usize,
}

impl CountValues<'_> {
    fn take<E: serde::de::Error>(&mut self) -> Result<(), E> {
        *self.budget -= 1;
        if *self.budget == 0 {
            return Err(E::custom("too many values"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for CountValues<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountValues<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.take()?;
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(CountValues { budget: &mut *self.budget })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.take()?;
        while seq.next_element_seed(CountValues { budget: &mut *self.budget })?.is_some() {}
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(mut self, _: &str) -> Result<(), E> {
        self.take()
    }

    fn visit_f64<E: serde::de::Error>(mut self, _: f64) -> Result<(), E> {
        self.take()
    }

    fn visit_i64<E: serde::de::Error>(mut self, _: i64) -> Result<(), E> {
        self.take()
    }

    fn visit_u64<E: serde::de::Error>(mut self, _: u64) -> Result<(), E> {
        self.take()
    }

    fn visit_bool<E: serde::de::Error>(mut self, _: bool) -> Result<(), E> {
        self.take()
    }

    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.take()
    }
}

/// Reads header lines up to the blank line. Ok(None) at end of input; Err(())
/// for a malformed header block, after which reading resumes at the next line.
async fn read_headers<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Result<Option<usize>, ()> {
    let mut length = None;
    let mut saw_any = false;
    loop {
        let mut line = Vec::new();
        let n = match (&mut *reader).take(MAX_HEADER_LINE as u64 + 1).read_until(b'\n', &mut line).await {
            Ok(n) => n,
            Err(_) => return Ok(None),
        };
        if n == 0 {
            return Ok(None);
        }
        if line.len() > MAX_HEADER_LINE || !line.ends_with(b"\n") {
            // Garbage without line breaks: skip it and look for a fresh header.
            return Err(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_any {
                continue;
            }
            return length.map(Some).ok_or(());
        }
        saw_any = true;
        match text.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                length = Some(value.trim().parse::<usize>().map_err(|_| ())?);
            }
            Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
            // Anything else is not a header: drop this block.
            _ => return Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        forward_valid_messages(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The bodies of the framed messages in `out`.
    fn bodies(out: &str) -> Vec<serde_json::Value> {
        let mut rest = out;
        let mut found = Vec::new();
        while let Some((header, after)) = rest.split_once("\r\n\r\n") {
            let length: usize = header.trim_start_matches("Content-Length: ").parse().unwrap();
            found.push(serde_json::from_str(&after[..length]).unwrap());
            rest = &after[length..];
        }
        found
    }

    #[tokio::test]
    async fn passes_valid_messages_and_skips_garbage() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let response = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let input = format!("{}garbage line\r\n{}Content-Length: nope\r\n\r\n{}", frame(good), frame(response), "");
        assert_eq!(run(input.as_bytes()).await, format!("{}{}", frame(good), frame(response)));
    }

    #[tokio::test]
    async fn undecodable_messages_become_stand_ins() {
        let input = [
            frame("{not json"),
            frame(r#"{"valid json": "but not JSON-RPC"}"#),
            // A lone surrogate in the text, a number no f64 holds.
            frame(
                r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"\ud800"}],"textDocument":{"uri":"file:///a.go","version":2}}}"#,
            ),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":"initialize","params":{"processId":1e400}}"#),
            frame(r#"{"jsonrpc":"2.0","id":"x","method":"textDocument/hover","params":{"n":1e400}}"#),
            // Valid JSON-RPC whose edit does not fit (a line past u32).
            frame(
                r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///b.go","version":3},"contentChanges":[{"range":{"start":{"line":5000000000,"character":0},"end":{"line":0,"character":0}},"text":""}]}}"#,
            ),
            // A broken response: nothing stands in for it.
            frame(r#"{"jsonrpc":"2.0","id":3,"result":1e400}"#),
        ]
        .concat();
        let out = bodies(&run(input.as_bytes()).await);
        let methods: Vec<_> = out.iter().map(|m| m["method"].as_str().unwrap()).collect();
        assert_eq!(
            methods,
            [
                DROPPED_NOTIFICATION,
                DROPPED_NOTIFICATION,
                DROPPED_NOTIFICATION,
                "initialize",
                DROPPED_REQUEST,
                DROPPED_NOTIFICATION
            ]
        );
        assert_eq!(out[0]["params"]["method"], serde_json::Value::Null);
        assert_eq!(out[2]["params"]["method"], "textDocument/didChange");
        assert_eq!(out[2]["params"]["uri"], "file:///a.go");
        assert_eq!(out[3]["id"], 7);
        let reason = out[3]["params"]["initializationOptions"][DROPPED_REQUEST]["reason"].as_str().unwrap();
        assert!(reason.contains("number out of range"), "{reason}");
        assert_eq!(out[4]["id"], "x");
        assert_eq!(out[4]["params"]["method"], "textDocument/hover");
        assert_eq!(out[5]["params"]["uri"], "file:///b.go");
        assert!(out[5]["params"]["reason"].as_str().unwrap().contains("textDocument/didChange"), "{}", out[5]);
    }

    #[tokio::test]
    async fn oversized_and_value_heavy_messages_are_refused() {
        let big_text = "x".repeat(MAX_MESSAGE_BYTES);
        let oversized = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"file:///a.go","version":2}},"contentChanges":[{{"text":"{big_text}"}}]}}}}"#
        );
        let numbers = vec!["1"; MAX_MESSAGE_VALUES + 1].join(",");
        let many_values = format!(r#"{{"jsonrpc":"2.0","id":4,"method":"workspace/symbol","params":[{numbers}]}}"#);
        let out = bodies(&run([frame(&oversized), frame(&many_values)].concat().as_bytes()).await);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["params"]["uri"], "file:///a.go");
        assert!(out[0]["params"]["reason"].as_str().unwrap().contains("larger than the"), "{}", out[0]);
        assert_eq!(out[1]["id"], 4);
        assert!(out[1]["params"]["reason"].as_str().unwrap().contains("more than 1,000,000 JSON values"), "{}", out[1]);
    }

    #[tokio::test]
    async fn truncated_input_ends_cleanly() {
        assert_eq!(run(b"Content-Length: 50\r\n\r\n{\"a\":").await, "");
        assert_eq!(run(b"Content-Le").await, "");
        assert_eq!(run(b"Content-Length: 99999999999\r\n\r\n").await, "");
    }
}
