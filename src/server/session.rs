//! What the transport loop and the backend share about the session itself: how
//! it ends, and the signal that abandons work nobody will wait for.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

pub struct Session {
    /// Set by `shutdown`: the exit code is then 0.
    shut_down: AtomicBool,
    /// True once the client's input has ended.
    input_closed: watch::Sender<bool>,
}

impl Default for Session {
    fn default() -> Self {
        Session { shut_down: AtomicBool::new(false), input_closed: watch::Sender::new(false) }
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionEnd {
    /// Whether `shutdown` came first.
    pub shut_down: bool,
}

impl SessionEnd {
    /// 0 after `shutdown`, 1 otherwise, as the LSP specification asks of `exit`
    /// (and, the same way, of input that ends without one).
    pub fn exit_code(self) -> ExitCode {
        if self.shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) }
    }
}

impl Session {
    pub fn shut_down(&self) {
        self.shut_down.store(true, Ordering::SeqCst);
    }

    pub fn end(&self) -> SessionEnd {
        SessionEnd { shut_down: self.shut_down.load(Ordering::SeqCst) }
    }

    pub fn close_input(&self) {
        self.input_closed.send_replace(true);
    }

    /// Resolves once the client's input has ended.
    pub async fn input_closed(&self) {
        let mut closed = self.input_closed.subscribe();
        let _ = closed.wait_for(|closed| *closed).await;
    }
}
