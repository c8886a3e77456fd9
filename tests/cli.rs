//! The `leakls` command line: exit codes, output formats, config and bad files.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn leakls(args: &[&str], dir: &Path) -> Output {
    Command::new(support::leakls()).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

const LEAK: &str = "package p\n\nimport \"time\"\n\nfunc f() (string, error) {\n\tc := make(chan string)\n\tgo func() {\n\t\tc <- \"x\"\n\t}()\n\tselect {\n\tcase v := <-c:\n\t\treturn v, nil\n\tcase <-time.After(time.Second):\n\t\treturn \"\", nil\n\t}\n}\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module example.com/p\n\ngo 1.22\n").unwrap();
    std::fs::write(dir.path().join("leak.go"), LEAK).unwrap();
    dir
}

#[test]
fn exit_codes_follow_findings_and_errors() {
    let dir = workspace();
    let out = leakls(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("leak.go:8:3: unreceived-send: goroutine may block forever sending on `c`"), "{text}");
    assert!(text.contains("    safe fix: Buffer the channel"), "{text}");
    assert!(text.trim_end().ends_with("1 finding in 1 of 1 file (1 fixable with --fix)"), "{text}");

    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("ok.go"), "package p\n").unwrap();
    let out = leakls(&["check"], clean.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no leaks found in 1 file\n");

    assert_eq!(leakls(&["check", "missing-dir"], clean.path()).status.code(), Some(2));
    let unknown = leakls(&["check", "--disable", "no-such-rule"], clean.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn unreadable_and_non_utf8_files_are_reported_and_skipped() {
    let dir = workspace();
    std::fs::write(dir.path().join("binary.go"), [0xff, 0xfe, 0x00, 0x80]).unwrap();
    let out = leakls(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1), "the leak is still reported");
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary.go: not UTF-8 text, skipped"));
    let only_binary = tempfile::tempdir().unwrap();
    std::fs::write(only_binary.path().join("binary.go"), [0xff, 0xfe]).unwrap();
    assert_eq!(leakls(&["check"], only_binary.path()).status.code(), Some(2));
}

#[test]
fn config_file_and_flags_select_rules() {
    let dir = workspace();
    std::fs::write(dir.path().join("leakls.toml"), "disable = [\"unreceived-send\"]\n").unwrap();
    assert_eq!(leakls(&["check"], dir.path()).status.code(), Some(0));
    std::fs::write(dir.path().join("leakls.toml"), "[severity]\nunreceived-send = \"error\"\n").unwrap();
    let out = leakls(&["check", "--format", "json"], dir.path());
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(leakls(&["check", "--disable", "unreceived-send"], dir.path()).status.code(), Some(0));
    std::fs::write(dir.path().join("leakls.toml"), "disabled = []\n").unwrap();
    let bad = leakls(&["check"], dir.path());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown field `disabled`"), "{bad:?}");
}

#[test]
fn json_sarif_and_github_formats() {
    let dir = workspace();
    let json: serde_json::Value =
        serde_json::from_slice(&leakls(&["check", "--format", "json"], dir.path()).stdout).unwrap();
    let f = &json[0];
    assert_eq!((f["path"].as_str(), f["line"].as_u64(), f["column"].as_u64()), (Some("leak.go"), Some(8), Some(3)));
    assert_eq!(f["fixes"][0]["title"], "Buffer the channel");
    assert_eq!(f["fixes"][0]["applicability"], "safe");
    assert_eq!(f["fixes"][0]["edits"][0]["new_text"], ", 1");

    let sarif: serde_json::Value =
        serde_json::from_slice(&leakls(&["check", "--format", "sarif"], dir.path()).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
    assert_eq!(result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], ", 1");

    let github = String::from_utf8(leakls(&["check", "--format", "github"], dir.path()).stdout).unwrap();
    assert!(github.starts_with("::warning file=leak.go,line=8,col=3,"), "{github}");
    assert!(github.contains("title=leakls unreceived-send::goroutine may block"), "{github}");
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let rules = String::from_utf8(leakls(&["rules"], dir.path()).stdout).unwrap();
    assert!(rules.lines().any(|l| l.starts_with("unreceived-send ") && l.contains("warning")), "{rules}");
    let page = leakls(&["explain", "ticker-not-stopped"], dir.path());
    assert!(String::from_utf8_lossy(&page.stdout).starts_with("# ticker-not-stopped\n"));
    assert_eq!(leakls(&["explain", "nope"], dir.path()).status.code(), Some(2));
}

/// A write that fails half-way (here the file-size limit, the same failure as a
/// full disk, and reachable without root) leaves the original file as it was,
/// with no temporary file beside it.
#[test]
fn fix_that_cannot_be_written_leaves_the_file_untouched() {
    let dir = workspace();
    // Long enough that a truncating rewrite would be cut by the 512-byte limit.
    let padded = format!("{LEAK}\n{}", "// padding so the fixed file is over one block\n".repeat(40));
    let path = dir.path().join("leak.go");
    std::fs::write(&path, &padded).unwrap();
    let out = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" check --fix leak.go"])
        .arg(support::leakls())
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), padded, "the original must be untouched; stderr: {stderr}");
    assert!(stderr.contains("leak.go: cannot write fixes"), "{stderr}");
    assert!(stderr.contains("left unchanged"), "{stderr}");
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["go.mod", "leak.go"], "no temporary file is left behind");
    assert_eq!(out.status.code(), Some(2), "a fix that was not written is an I/O error");
}

#[cfg(unix)]
#[test]
fn fix_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let path = dir.path().join("leak.go");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = leakls(&["check", "--fix", "leak.go"], dir.path());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed "), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(std::fs::read_to_string(&path).unwrap(), LEAK);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
}

/// A FIFO named like a Go file and a symlink loop are reported as what they are.
#[cfg(unix)]
#[test]
fn fifos_and_symlink_loops_are_named_for_what_they_are() {
    let dir = workspace();
    assert!(Command::new("mkfifo").arg(dir.path().join("pipe.go")).status().unwrap().success());
    std::os::unix::fs::symlink("b.go", dir.path().join("a.go")).unwrap();
    std::os::unix::fs::symlink("a.go", dir.path().join("b.go")).unwrap();
    let out = leakls(&["check", "pipe.go"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pipe.go: not a regular file"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));
    let out = leakls(&["check", "."], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pipe.go: not a regular file"), "{stderr}");
    let out = leakls(&["check", "a.go"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a.go: a symlink loop"), "{stderr}");
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_message() {
    let dir = workspace();
    let mut big = LEAK.to_string();
    while big.len() < 3 << 19 {
        big.push_str("\nfunc pad() { _ = 1 }\n");
    }
    std::fs::write(dir.path().join("big.go"), &big).unwrap();
    let out = leakls(&["check", "--max-file-size-mib", "1"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("big.go: its 1.5 MiB are over the 1 MiB limit, skipped (--max-file-size-mib raises the limit)"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).trim_end().ends_with("1 finding in 1 of 1 file (1 fixable with --fix)")
    );
    let default = leakls(&["check"], dir.path());
    assert!(String::from_utf8_lossy(&default.stdout).contains("2 findings in 2 of 2 files"), "{default:?}");
}

#[test]
fn one_long_line_prints_a_short_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    // Minified: the whole file on one line, 240 KB of it around the leak.
    let one_line = format!(
        "package p; import \"time\"; var pad = `{}`; func f() (string, error) {{ c := make(chan string); go func() {{ c <- \"x\" }}(); select {{ case v := <-c: return v, nil; case <-time.After(time.Second): return \"\", nil }} }} /* {} */\n",
        "p".repeat(120_000),
        "q".repeat(120_000)
    );
    std::fs::write(dir.path().join("min.go"), one_line).unwrap();
    let out = leakls(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.len() < 4_000, "{} bytes of output", stdout.len());
    assert!(stdout.contains("1 | ...") && stdout.contains("c <- \"x\""), "{stdout}");
}

#[test]
fn leakls_toml_is_read_up_to_the_module_or_the_named_directory() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::write(parent.path().join("leakls.toml"), "disable = [\"unreceived-send\"]\n").unwrap();
    let ws = parent.path().join("ws");
    std::fs::create_dir_all(ws.join("pkg")).unwrap();
    std::fs::write(ws.join("pkg/leak.go"), LEAK).unwrap();
    // No module: the search stops at the directory named.
    assert_eq!(leakls(&["check", "ws"], parent.path()).status.code(), Some(1));
    assert_eq!(leakls(&["check", "."], &ws).status.code(), Some(1));
    assert_eq!(leakls(&["check", ws.to_str().unwrap()], parent.path()).status.code(), Some(1));
    // The module's own leakls.toml counts when a directory inside it is named.
    std::fs::write(ws.join("go.mod"), "module example.com/ws\n\ngo 1.22\n").unwrap();
    std::fs::write(ws.join("leakls.toml"), "disable = [\"unreceived-send\"]\n").unwrap();
    assert_eq!(leakls(&["check", "pkg"], &ws).status.code(), Some(0));
    assert_eq!(leakls(&["check", "ws/pkg/leak.go"], parent.path()).status.code(), Some(0));
}

#[test]
fn a_path_whose_go_files_are_all_ignored_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module example.com/p\n\ngo 1.22\n").unwrap();
    let generated = dir.path().join("gen");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(generated.join("leak.go"), LEAK).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "gen/\n").unwrap();
    let out = leakls(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".: all 1 .go file skipped by ignore rules") && stderr.contains("--no-ignore"), "{stderr}");
    let out = leakls(&["check", "--no-ignore", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
    // A path with files left to check says nothing.
    std::fs::write(dir.path().join("ok.go"), "package p\n").unwrap();
    let out = leakls(&["check", "."], dir.path());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ignore rules"));
}
