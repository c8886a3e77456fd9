//! The shipped example: `leakls check` reports exactly the lines marked
//! `// LEAK: <rule>`, and the example is real Go that formats and vets clean.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn example_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/leaky-service")
}

#[test]
fn check_reports_every_seeded_leak_and_nothing_else() {
    let dir = example_dir();
    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "go") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
                if let Some(rule) = line.split("// LEAK: ").nth(1) {
                    expected.insert((name.clone(), i + 1, rule.trim().to_string()));
                }
            }
        }
    }
    assert!(expected.len() >= 4, "the example must seed leaks: {expected:?}");
    let out = Command::new(support::leakls()).args(["check", "--format", "json"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "findings exit with 1: {}", String::from_utf8_lossy(&out.stderr));
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let actual: BTreeSet<_> = findings
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
            (name, f["line"].as_u64().unwrap() as usize, f["rule"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn fix_removes_every_safely_fixable_leak() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    let out = Command::new(support::leakls()).args(["check", "--fix"]).arg(tmp.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed ") && stderr.contains("Buffer the channel"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{}{stderr}", String::from_utf8_lossy(&out.stdout));
    let gofmt = Command::new(support::gofmt()).arg("-l").arg(tmp.path()).output().unwrap();
    assert!(gofmt.status.success() && gofmt.stdout.is_empty(), "{}", String::from_utf8_lossy(&gofmt.stdout));
    let vet = support::go_command().current_dir(tmp.path()).args(["vet", "./..."]).output().unwrap();
    assert!(vet.status.success(), "{}", String::from_utf8_lossy(&vet.stderr));
}

#[test]
fn example_is_gofmt_and_vet_clean() {
    let gofmt = Command::new(support::gofmt()).arg("-l").arg(example_dir()).output().unwrap();
    assert!(gofmt.status.success() && gofmt.stdout.is_empty(), "{}", String::from_utf8_lossy(&gofmt.stdout));
    let vet = support::go_command().current_dir(example_dir()).args(["vet", "./..."]).output().unwrap();
    assert!(vet.status.success(), "{}", String::from_utf8_lossy(&vet.stderr));
}
