//! The Neovim client (editors/nvim) in real Neovim 0.11, headless: the shipped
//! `lsp/leakls.lua` and `plugin/leakls.lua` on the runtimepath, the leakls
//! binary of this build, a temp copy of the editor fixture module. The Lua
//! scripts in editors/nvim/test print the LSP log when they fail.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NVIM_TIMEOUT: Duration = Duration::from_secs(90);

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs one test script against a fresh copy of the fixture module; returns the module dir.
fn run_script(script: &str, workdir: &Path) -> PathBuf {
    let module = workdir.join("leakydemo");
    copy_dir(&editors().join("testdata/leakydemo"), &module);
    // Each run has its own state (the LSP log), config and data: nothing of the user's is read.
    let xdg = |name: &str| {
        let dir = workdir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    };
    let mut child = Command::new(support::tool("nvim"))
        .args(["--headless", "--clean", "-l"])
        .arg(editors().join("nvim/test").join(script))
        .arg(editors().join("nvim"))
        .arg(support::leakls())
        .arg(support::gofmt())
        .arg(&module)
        .env("XDG_STATE_HOME", xdg("state"))
        .env("XDG_CONFIG_HOME", xdg("config"))
        .env("XDG_DATA_HOME", xdg("data"))
        .env("XDG_CACHE_HOME", xdg("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > NVIM_TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    match status {
        Some(status) if status.success() && stdout.trim_end().ends_with("PASS") => module,
        Some(status) => panic!("{script} failed ({status}):\n{stdout}\n--- stderr\n{stderr}"),
        None => panic!("{script} did not finish in {NVIM_TIMEOUT:?}:\n{stdout}\n--- stderr\n{stderr}"),
    }
}

#[test]
fn neovim_applies_the_quick_fixes_and_the_file_is_clean() {
    let workdir = tempfile::tempdir().unwrap();
    let module = run_script("quickfix_test.lua", workdir.path());
    // What Neovim wrote to disk, not only what it held in the buffer.
    let written = std::fs::read_to_string(module.join("main.go")).unwrap();
    assert!(written.contains("result := make(chan string, 1)\n"), "{written}");
    assert!(written.contains("t := time.NewTicker(time.Millisecond)\n\tdefer t.Stop()\n"), "{written}");
    // Only the fixture's rules: rules added later may find more in it.
    let check = Command::new(support::leakls())
        .args(["check", "--enable", "unreceived-send,ticker-not-stopped"])
        .arg(module.join("main.go"))
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn neovim_commands_load_and_watch_a_goroutine_dump() {
    let workdir = tempfile::tempdir().unwrap();
    run_script("runtime_test.lua", workdir.path());
}

#[test]
fn the_lsp_config_is_what_the_readme_documents() {
    let config = std::fs::read_to_string(editors().join("nvim/lsp/leakls.lua")).unwrap();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for line in ["cmd = { 'leakls', 'serve' },", "filetypes = { 'go' },", "root_markers = { 'go.mod', '.git' },"] {
        assert!(config.contains(line), "lsp/leakls.lua lacks {line}");
        assert!(readme.contains(line), "README.md's Neovim section lacks {line}");
    }
}
