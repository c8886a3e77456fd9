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
mod session;
mod settings;

pub use backend::Backend;
pub use session::SessionEnd;

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

use session::Session;

/// Serves LSP on stdin/stdout until the client exits or its input ends.
pub async fn serve_stdio() -> SessionEnd {
    serve(tokio::io::stdin(), tokio::io::stdout()).await
}

/// Serves LSP over any byte streams (stdio in production, `tokio::io::duplex` in tests).
///
/// Returns at `exit`, whatever is still running: the caller ends the process
/// without waiting for blocking work (a dump read from a FIFO, a long analysis).
pub async fn serve<I, O>(input: I, output: O) -> SessionEnd
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let session = Arc::new(Session::default());
    let for_backend = session.clone();
    let (service, socket) = LspService::build(move |client| Backend::new(client, for_backend))
        .custom_method(framing::DROPPED_REQUEST, Backend::dropped_request)
        .custom_method(framing::DROPPED_NOTIFICATION, Backend::dropped_notification)
        .finish();
    // The transport reads a pipe fed only with messages it can decode.
    let (guarded, guard_input) = tokio::io::duplex(1 << 16);
    let server = Server::new(guarded, output, socket).serve(service);
    tokio::pin!(server);
    tokio::select! {
        _ = &mut server => return session.end(),
        _ = framing::forward_valid_messages(input, guard_input) => {}
    }
    // Input ended: nobody is left to answer, so work in flight is abandoned while
    // the transport handles what is left in the pipe.
    session.close_input();
    server.await;
    session.end()
}
