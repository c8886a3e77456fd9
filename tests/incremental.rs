//! The incremental analysis must find exactly what a whole-file analysis finds.
//!
//! Every rule fixture and the example service are edited the way a user types:
//! characters and keywords typed at random places, spans and lines deleted,
//! lines duplicated. After each edit the file is analysed both ways, with the
//! findings, fixes, package summary and semantic facts compared. The edits are seeded, so a
//! failure names a reproducible step. `LEAKLS_INCREMENTAL_ROUNDS=<n>` runs n
//! times as many edits, with other seeds.

mod support;

use std::path::{Path, PathBuf};

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::incremental::{IncrementalAnalysis, Redone};
use leakls::analysis::packages::Packages;
use leakls::analysis::summary::PackageSummary;
use leakls::analysis::{AnalysisInput, GoVersion, analyze};
use leakls::semantic::{DeclarationCache, file_facts, file_facts_reusing};
use leakls::syntax::parse_go;
use support::edits::Rng;
use support::edits::edit;

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(go_files(&path));
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn whole_file_summary(text: &str, tree: &tree_sitter::Tree, path: &Path) -> PackageSummary {
    let mut summary = PackageSummary::default();
    summary.add_file(text, tree, path);
    summary
}

#[test]
fn incremental_analysis_matches_whole_file_analysis_under_random_edits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = go_files(&root.join("testdata/rules"));
    files.extend(go_files(&root.join("examples/leaky-service")));
    // Service code where names are shared between functions and types.
    let scratch = tempfile::tempdir().unwrap();
    let generated = scratch.path().join("service.go");
    std::fs::write(&generated, support::service_file::service_file(900).0).unwrap();
    files.push(generated);
    let settings = RuleSettings::default();
    let rounds: u64 = std::env::var("LEAKLS_INCREMENTAL_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    let (mut focused_runs, mut runs, mut reused_declarations) = (0, 0, 0);
    for (n, path) in
        (0..rounds).flat_map(|round| files.iter().enumerate().map(move |(n, p)| (n as u64 + 1000 * round, p)))
    {
        let original = std::fs::read_to_string(path).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n + 1));
        let packages = Packages::default();
        let mut incremental = IncrementalAnalysis::default();
        let mut declarations = DeclarationCache::default();
        let mut text = original.clone();
        let mut history = Vec::new();
        let mut last: Option<(String, tree_sitter::Tree)> = None;
        for step in 0..60 {
            // Every so often a fresh start from the original, so edits stay near valid Go.
            if step % 20 == 0 {
                text = original.clone();
                history.push("back to the original".to_string());
            } else {
                history.push(edit(&mut text, &mut rng));
            }
            // Parsed as the editor's documents are, reusing the last tree's unchanged nodes.
            let tree = match &last {
                Some((old_text, old_tree)) => reparse(old_text, old_tree, &text),
                None => parse_go(&text, None),
            };
            let input = AnalysisInput {
                source: &text,
                tree: &tree,
                path: Some(path),
                go_version: GoVersion::parse("1.22"),
                settings: &settings,
                packages: Some(&packages),
            };
            let analysed = incremental.analyze(&input);
            let expected = analyze(&input);
            runs += 1;
            focused_runs += usize::from(matches!(analysed.redone, Redone::Functions(_)));
            let context = || format!("{} after {:#?}\n--- text ---\n{text}", path.display(), &history);
            let reused = file_facts_reusing(&text, &tree, path.as_path().into(), &mut declarations);
            reused_declarations += declarations.reused();
            let read = file_facts(&text, &tree, path.as_path().into());
            if reused != read {
                let (reused, read) = (format!("{reused:#?}"), format!("{read:#?}"));
                let first = reused.lines().zip(read.lines()).position(|(a, b)| a != b).unwrap_or(0);
                let near = |s: &str| s.lines().skip(first.saturating_sub(8)).take(12).collect::<Vec<_>>().join("\n");
                panic!(
                    "facts read per declaration differ:\n{}\n--- read whole ---\n{}\n{}",
                    near(&reused),
                    near(&read),
                    context()
                );
            }
            if analysed.findings != expected {
                let missing: Vec<_> = expected.iter().filter(|f| !analysed.findings.contains(f)).collect();
                let extra: Vec<_> = analysed.findings.iter().filter(|f| !expected.contains(f)).collect();
                panic!(
                    "findings differ ({:?})\nmissing: {missing:#?}\nextra: {extra:#?}\n{}",
                    analysed.redone,
                    context()
                );
            }
            assert_eq!(
                *analysed.summary,
                whole_file_summary(&text, &tree, path),
                "summaries differ ({:?}): {}",
                analysed.redone,
                context()
            );
            last = Some((text.clone(), tree));
        }
    }
    println!("{focused_runs} of {runs} analyses were incremental, {reused_declarations} declarations' facts reused");
    assert!(reused_declarations > 2 * runs, "the facts of only {reused_declarations} declarations were reused");
    // The comparison means something only if most edits took the incremental path.
    assert!(focused_runs * 2 > runs, "only {focused_runs} of {runs} analyses were incremental");
}

/// Typing inside one method of a large file of service code redoes that method
/// and what reads it, not the functions that merely share its local names,
/// method names or field names (that made every keystroke a whole-file analysis).
#[test]
fn typing_in_a_method_redoes_only_what_reads_it() {
    let (original, line) = support::service_file::service_file(3_000);
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("service.go");
    let settings = RuleSettings::default();
    let packages = Packages::default();
    let mut incremental = IncrementalAnalysis::default();
    let line_start: usize = original.lines().take(line as usize).map(|l| l.len() + 1).sum();
    let at = line_start + original[line_start..].find('v').unwrap();
    let functions = original.matches("\nfunc ").count();
    // A space, a renamed local (`v` to `xv`), and back.
    for (step, text) in [original.clone(), edit_at(&original, at, " "), edit_at(&original, at, "x"), original.clone()]
        .iter()
        .enumerate()
    {
        let tree = parse_go(text, None);
        let input = AnalysisInput {
            source: text,
            tree: &tree,
            path: Some(&path),
            go_version: GoVersion::parse("1.22"),
            settings: &settings,
            packages: Some(&packages),
        };
        let analysed = incremental.analyze(&input);
        assert_eq!(analysed.findings, analyze(&input), "step {step}");
        if step > 0 {
            let Redone::Functions(n) = analysed.redone else {
                panic!("step {step} redid the whole file");
            };
            assert!(n * 10 <= functions, "step {step} redid {n} of {functions} functions");
        }
    }
}

/// `new` parsed with `old_tree` (of `old`) told of the edit between them.
fn reparse(old: &str, old_tree: &tree_sitter::Tree, new: &str) -> tree_sitter::Tree {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - start;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let point = |text: &str, at: usize| {
        let before = &text.as_bytes()[..at];
        let row = before.iter().filter(|c| **c == b'\n').count();
        let column = at - before.iter().rposition(|c| *c == b'\n').map_or(0, |i| i + 1);
        tree_sitter::Point { row, column }
    };
    let mut tree = old_tree.clone();
    tree.edit(&tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: a.len() - suffix,
        new_end_byte: b.len() - suffix,
        start_position: point(old, start),
        old_end_position: point(old, a.len() - suffix),
        new_end_position: point(new, b.len() - suffix),
    });
    parse_go(new, Some(&tree))
}

fn edit_at(text: &str, at: usize, insert: &str) -> String {
    format!("{}{insert}{}", &text[..at], &text[at..])
}
