//! Fixture tests in the style of Go's analysistest.
//!
//! `testdata/rules/<rule>/**/*.go` hold Go packages. A `// want "regexp"` comment on
//! a line says the rule must report a finding starting on that line whose message
//! matches; findings without a matching want fail the test as much as wants
//! without a finding. `<file>.go.golden` holds the file after each finding's first
//! fix is applied. Set `LEAKLS_UPDATE_GOLDEN=1` to rewrite goldens.
//!
//! A second test runs the real `gofmt -l` and `go vet` over every fixture package
//! and over the same packages with the goldens swapped in.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::packages::Packages;
use leakls::analysis::{AnalysisInput, GoModule, all_rules, analyze, apply_fixes};
use leakls::syntax::parse_go;
use regex::Regex;

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "go") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The wants of a file: line (1-based) -> regexps.
fn wants(source: &str) -> BTreeMap<usize, Vec<Regex>> {
    let quoted = Regex::new(r#""((?:[^"\\]|\\.)*)"|`([^`]*)`"#).unwrap();
    let mut out = BTreeMap::new();
    for (i, line) in source.lines().enumerate() {
        let Some(at) = line.find("// want ") else { continue };
        let patterns = quoted
            .captures_iter(&line[at + "// want ".len()..])
            .map(|c| {
                let raw = match (c.get(1), c.get(2)) {
                    (Some(q), _) => q.as_str().replace("\\\"", "\"").replace("\\\\", "\\"),
                    (_, Some(b)) => b.as_str().to_string(),
                    _ => unreachable!(),
                };
                Regex::new(&raw).unwrap_or_else(|e| panic!("bad want regexp on line {}: {e}", i + 1))
            })
            .collect::<Vec<_>>();
        out.insert(i + 1, patterns);
    }
    out
}

fn only(rule: &str) -> RuleSettings {
    RuleSettings {
        disabled: all_rules().iter().map(|r| r.meta().name.to_string()).filter(|n| n != rule).collect(),
        ..Default::default()
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count() + 1
}

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    for rule in all_rules() {
        let dir = rules_dir().join(rule.meta().name);
        let files = go_files(&dir);
        assert!(!files.is_empty(), "no fixtures in {}", dir.display());
        let sources: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
        assert!(sources.iter().any(|s| s.contains("// want ")), "{} has no positive fixture", rule.meta().name);
    }
}

#[test]
fn fixtures_report_exactly_the_wanted_findings_and_fix_to_the_goldens() {
    let update = std::env::var_os("LEAKLS_UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for rule in all_rules() {
        let name = rule.meta().name;
        let settings = only(name);
        let packages = Packages::default();
        for file in go_files(&rules_dir().join(name)) {
            let source = std::fs::read_to_string(&file).unwrap();
            let tree = parse_go(&source, None);
            let module = GoModule::find(&file);
            let findings = analyze(&AnalysisInput {
                source: &source,
                tree: &tree,
                path: Some(&file),
                go_version: module.and_then(|m| m.go_version),
                settings: &settings,
                packages: Some(&packages),
            });
            let display = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
            let mut wanted = wants(&source);
            for f in &findings {
                let line = line_of(&source, f.range.start);
                let matched = wanted.get_mut(&line).and_then(|res| {
                    let i = res.iter().position(|re| re.is_match(&f.message))?;
                    Some(res.remove(i))
                });
                if matched.is_none() {
                    failures.push(format!("{display}:{line}: unexpected finding: {}", f.message));
                }
            }
            for (line, res) in wanted {
                for re in res {
                    failures.push(format!("{display}:{line}: no finding matching {:?}", re.as_str()));
                }
            }
            let fixes: Vec<_> = findings.iter().filter_map(|f| f.fixes.first()).collect();
            let (fixed, _) = apply_fixes(&source, &fixes);
            let golden_path = file.with_extension("go.golden");
            if update {
                if fixed != source {
                    std::fs::write(&golden_path, &fixed).unwrap();
                } else if golden_path.exists() {
                    std::fs::remove_file(&golden_path).unwrap();
                }
                continue;
            }
            match std::fs::read_to_string(&golden_path) {
                Ok(golden) if golden != fixed => {
                    failures.push(format!("{display}: fixes differ from the golden file:\n{fixed}"));
                }
                Ok(_) => {}
                Err(_) if fixed != source => {
                    failures.push(format!("{display}: fixes apply but there is no golden file"))
                }
                Err(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Extra `go vet` flags for a fixture module's original files, from a `vetflags`
/// file beside its go.mod (for rules whose positive cases vet itself reports).
fn vet_flags(module: &Path) -> Vec<String> {
    std::fs::read_to_string(module.join("vetflags"))
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

fn run_checked(cmd: &mut std::process::Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.trim().is_empty() {
        return Err(format!("{what} failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

#[test]
fn fixtures_and_goldens_are_gofmt_and_vet_clean() {
    let mut failures = Vec::new();
    let mut modules: Vec<PathBuf> =
        go_files(&rules_dir()).iter().filter_map(|f| GoModule::find(f).map(|m| m.root)).collect();
    modules.sort();
    modules.dedup();
    assert!(!modules.is_empty());
    for module in modules {
        assert!(module.starts_with(rules_dir()), "fixture outside a fixture module: {}", module.display());
        let tmp = tempfile::tempdir().unwrap();
        let originals = tmp.path().join("original");
        let fixed = tmp.path().join("fixed");
        for file in walk_all(&module) {
            let rel = file.strip_prefix(&module).unwrap();
            let name = rel.to_string_lossy();
            if name.ends_with(".go.golden") {
                let target = fixed.join(rel.with_extension(""));
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(&file, target).unwrap();
                continue;
            }
            for root in [&originals, &fixed] {
                let target = root.join(rel);
                if root == &fixed && target.exists() {
                    continue; // the golden already took this place
                }
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(&file, &target).unwrap();
            }
        }
        let rel = module.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
        // Without goldens the fixed tree is the fixtures again: a module of findings
        // that have no fix is vetted once, with its flags.
        let has_goldens = walk_all(&module).iter().any(|f| {
            f.to_string_lossy().ends_with(".go.golden") && GoModule::find(f).is_some_and(|m| m.root == module)
        });
        let passes = [(&originals, "fixtures", vet_flags(&module)), (&fixed, "goldens", Vec::new())];
        for (root, label, flags) in passes.into_iter().take(if has_goldens { 2 } else { 1 }) {
            let gofmt = run_checked(std::process::Command::new(support::gofmt()).arg("-l").arg(root), "gofmt -l");
            let vet =
                run_checked(support::go_command().current_dir(root).arg("vet").args(&flags).arg("./..."), "go vet");
            for r in [gofmt, vet] {
                if let Err(e) = r {
                    failures.push(format!("{rel} ({label}): {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn walk_all(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_all(&path));
        } else {
            out.push(path);
        }
    }
    out
}
