//! A guard in front of the LSP transport: passes on only well-framed messages
//! whose body is JSON, and drops (with a log line) everything else.
//!
//! tower-lsp-server's reader stops for good at the first message it cannot
//! decode, which would end the session over one bad byte. Here garbage between
//! messages is skipped up to the next `Content-Length` header, a body that is
//! not a JSON-RPC message is dropped, and an oversized body is skipped without
//! being held.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Bodies larger than this are skipped: far above any real document (a 10 MB
/// Go file is about 11 MB of JSON).
const MAX_BODY: usize = 256 << 20;
/// Header lines longer than this are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;

/// Copies LSP messages from `input` to `output` until `input` ends or `output`
/// is closed, dropping what the transport could not decode.
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
        if length > MAX_BODY {
            eprintln!("leakls: dropped a {length}-byte message (larger than {MAX_BODY} bytes)");
            if tokio::io::copy(&mut (&mut reader).take(length as u64), &mut tokio::io::sink()).await.is_err() {
                break;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            break;
        }
        if !is_jsonrpc_message(&body) {
            eprintln!("leakls: dropped a message that is not a JSON-RPC request or response ({length} bytes)");
            continue;
        }
        let header = format!("Content-Length: {length}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
            break;
        }
        if output.flush().await.is_err() {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Whether the transport can decode `body`: a JSON-RPC request, notification or response.
fn is_jsonrpc_message(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok() || serde_json::from_slice::<Response>(body).is_ok()
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

    #[tokio::test]
    async fn passes_valid_messages_and_drops_the_rest() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "{}{}garbage line\r\n{}Content-Length: nope\r\n\r\n{}{}",
            frame("{not json"),
            frame(r#"{"valid json": "but not JSON-RPC"}"#),
            frame(good),
            frame(r#"{"jsonrpc":"2.0","id":1,"result":null}"#),
            "Content-Length: 99999999999\r\n\r\n"
        );
        let out = run(input.as_bytes()).await;
        assert_eq!(out, format!("{}{}", frame(good), frame(r#"{"jsonrpc":"2.0","id":1,"result":null}"#)));
    }

    #[tokio::test]
    async fn truncated_input_ends_cleanly() {
        assert_eq!(run(b"Content-Length: 50\r\n\r\n{\"a\":").await, "");
        assert_eq!(run(b"Content-Le").await, "");
    }
}
