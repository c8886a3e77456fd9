//! The language server: a thin adapter from LSP to the analysis and runtime cores.
//!
//! Handlers mutate state synchronously before their first `.await` (tower-lsp-server
//! runs handlers concurrently, so any await point lets the next message in), hand
//! CPU work to the blocking pool, and never await a request to the client.

mod backend;
mod code_actions;
mod convert;
mod diagnostics;
mod documents;
mod framing;
mod runtime;
mod settings;

pub use backend::Backend;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client exits.
pub async fn serve_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}

/// Serves LSP over any byte streams (stdio in production, `tokio::io::duplex` in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(Backend::new).finish();
    // The transport reads a pipe fed only with messages it can decode.
    let (guarded, guard_input) = tokio::io::duplex(1 << 16);
    let server = Server::new(guarded, output, socket).serve(service);
    tokio::pin!(server);
    tokio::select! {
        _ = &mut server => return,
        _ = framing::forward_valid_messages(input, guard_input) => {}
    }
    // Input ended: the transport drains what is left and stops.
    server.await;
}
