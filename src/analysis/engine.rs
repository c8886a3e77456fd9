//! Runs the enabled rules over one file and post-processes their findings.

use std::collections::HashMap;
use std::path::Path;

use tree_sitter::Tree;

use super::finding::{Finding, Fix, Severity};
use super::go::in_error;
use super::gomod::GoVersion;
use super::packages::Packages;
use super::rules::{FileContext, all_rules};
use super::suppression::is_suppressed;

/// Which rules run and at which severity. The default runs every rule at its
/// default severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSettings {
    /// Rules turned off by name.
    pub disabled: std::collections::BTreeSet<String>,
    /// Severity overrides by rule name.
    pub severity: HashMap<String, Severity>,
    /// `tests.failurePaths = "report"`: findings that only happen after a test
    /// has failed keep their rule's severity instead of becoming hints.
    pub report_test_failure_paths: bool,
}

impl RuleSettings {
    pub fn is_enabled(&self, rule: &str) -> bool {
        !self.disabled.contains(rule)
    }
}

pub struct AnalysisInput<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub path: Option<&'a Path>,
    pub go_version: Option<GoVersion>,
    pub settings: &'a RuleSettings,
    /// Package summaries for following calls into other files and packages.
    pub packages: Option<&'a Packages>,
}

/// Whether the file carries Go's generated-code marker before its package clause.
pub fn is_generated(source: &str) -> bool {
    source
        .lines()
        .take_while(|l| !l.starts_with("package "))
        .any(|l| l.starts_with("// Code generated ") && l.trim_end().ends_with(" DO NOT EDIT."))
}

/// Runs every enabled rule. Findings inside ERROR nodes and suppressed findings
/// are dropped; the rest come back sorted by position.
pub fn analyze(input: &AnalysisInput) -> Vec<Finding> {
    if is_generated(input.source) {
        return Vec::new();
    }
    let cx = FileContext::new(input.source, input.tree, input.path, input.go_version, input.packages);
    finish(input.source, input.tree, run_rules(&cx, input.settings, Rules::All))
}

/// Which rules a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    All,
    /// Those whose findings in a function depend only on what its analysis looks at.
    FunctionLocal,
    /// Those that query the package model (see [`crate::analysis::Rule::package_wide`]).
    PackageWide,
}

/// The enabled rules' findings over `cx`, at the configured severities, before
/// [`finish`].
pub(crate) fn run_rules(cx: &FileContext, settings: &RuleSettings, which: Rules) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in all_rules() {
        let meta = rule.meta();
        let wanted = match which {
            Rules::All => true,
            Rules::FunctionLocal => !rule.package_wide(),
            Rules::PackageWide => rule.package_wide(),
        };
        if !wanted || !settings.is_enabled(meta.name) || !meta.requires.met_by(cx) {
            continue;
        }
        let start = findings.len();
        rule.check(cx, &mut findings);
        for f in &mut findings[start..] {
            if let Some(&severity) = settings.severity.get(meta.name) {
                f.severity = severity;
            }
            if f.test_failure_path && !settings.report_test_failure_paths {
                f.severity = Severity::Hint;
            }
        }
    }
    findings
}

/// Drops findings inside ERROR nodes and suppressed ones, then sorts by position
/// and removes duplicates.
pub(crate) fn finish(source: &str, tree: &Tree, mut findings: Vec<Finding>) -> Vec<Finding> {
    let root = tree.root_node();
    // Finding a finding's node descends from the root: only worth it when there are errors.
    let has_errors = root.has_error();
    findings.retain(|f| {
        let in_error_node =
            has_errors && root.descendant_for_byte_range(f.range.start, f.range.end).is_some_and(|n| in_error(root, n));
        !in_error_node && !is_suppressed(source, f)
    });
    findings.sort_by(|a, b| (a.range.start, a.rule).cmp(&(b.range.start, b.rule)));
    findings.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
    findings
}

/// The fixes that can be applied together: a fix whose edits overlap an edit of
/// an earlier fix (or fall outside the text) is left out whole.
pub fn compatible_fixes<'f>(source_len: usize, fixes: &[&'f Fix]) -> Vec<&'f Fix> {
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    let mut chosen = Vec::new();
    for fix in fixes {
        let conflicts = fix.edits.iter().any(|e| {
            e.range.end > source_len
                || e.range.start > e.range.end
                || taken.iter().any(|t| {
                    let overlap = e.range.start < t.end && t.start < e.range.end;
                    // Two edits at one point (an insertion beside another edit) have no defined order.
                    let same_point = e.range.start == t.start && (e.range.is_empty() || t.is_empty());
                    overlap || same_point
                })
        });
        if conflicts {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.range.clone()));
        chosen.push(*fix);
    }
    chosen
}

/// Applies the fixes that can be applied together (see [`compatible_fixes`]).
/// Returns the new text and the number of fixes applied.
pub fn apply_fixes(source: &str, fixes: &[&Fix]) -> (String, usize) {
    let chosen = compatible_fixes(source.len(), fixes);
    let mut edits: Vec<_> = chosen.iter().flat_map(|f| &f.edits).collect();
    // Apply from the end so earlier offsets stay valid.
    edits.sort_by(|a, b| b.range.start.cmp(&a.range.start).then(b.range.end.cmp(&a.range.end)));
    let mut out = source.to_string();
    for e in edits {
        out.replace_range(e.range.clone(), &e.new_text);
    }
    (out, chosen.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::finding::{Applicability, TextEdit};

    /// A function whose channel is used at the bottom of, and at every level of,
    /// `depth` nested blocks, ifs and loops.
    fn nested(depth: usize) -> String {
        let blocks = format!("{}for v := range ch {{ _ = v }}\n{}", "{ ".repeat(depth), "} ".repeat(depth));
        let ifs = format!("{}{}", "if x { <-ch\n".repeat(depth), "}".repeat(depth));
        let loops = format!("{}ch <- 1\n{}", "for x { ".repeat(depth), "}".repeat(depth));
        format!(
            "package p\n\nfunc f(x bool) {{\n\tch := make(chan int)\n\tgo func() {{ ch <- 1 }}()\n\t{blocks}\n\t{ifs}\n\t{loops}\n}}\n"
        )
    }

    /// Goroutine literals nested in loops and ifs nested in literals, with a
    /// channel made at every level and one used at every level.
    fn nested_goroutines(depth: usize) -> String {
        let open = "for x { if x { c := make(chan int); go func() { c <- 1; <-ch\nselect { case <-ch: }\nfor v := range ch { _ = v }\n";
        format!(
            "package p\n\nfunc f(x bool) {{\n\tch := make(chan int)\n{}{}\n}}\n",
            open.repeat(depth),
            "}() } }\n".repeat(depth)
        )
    }

    /// The fastest of a few analyses of `source` (parsing is not timed).
    fn analysis_time(source: &str) -> std::time::Duration {
        let tree = crate::syntax::parse_go(source, None);
        let settings = RuleSettings::default();
        let input =
            AnalysisInput { source, tree: &tree, path: None, go_version: None, settings: &settings, packages: None };
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                analyze(&input);
                started.elapsed()
            })
            .min()
            .expect("three runs")
    }

    /// Rules that walked up the tree from nested nodes made analysis quadratic
    /// (and worse) in the nesting depth: 8k levels took 60 times 1k levels.
    #[test]
    fn analysis_time_grows_linearly_with_nesting_depth() {
        let times: Vec<_> = [1_000, 2_000, 4_000, 8_000].iter().map(|&d| analysis_time(&nested(d))).collect();
        let ratio = times[3].as_secs_f64() / times[0].as_secs_f64().max(1e-6);
        // Linear growth gives 8; quadratic 64.
        assert!(ratio < 16.0, "8k levels took {ratio:.1}x the time of 1k levels: {times:?}");
    }

    /// Rules that walked up from, or through, every nested goroutine literal made
    /// analysis of literals nested in loops and ifs cubic: 400 levels took a minute.
    #[test]
    fn analysis_time_grows_linearly_with_nested_goroutines() {
        let times: Vec<_> = [250, 500, 1_000, 2_000].iter().map(|&d| analysis_time(&nested_goroutines(d))).collect();
        let ratio = times[3].as_secs_f64() / times[0].as_secs_f64().max(1e-6);
        // Linear growth gives 8; quadratic 64.
        assert!(ratio < 16.0, "2,000 levels took {ratio:.1}x the time of 250 levels: {times:?}");
    }

    fn fix(edits: Vec<TextEdit>) -> Fix {
        Fix { title: "t".into(), edits, applicability: Applicability::Safe }
    }

    #[test]
    fn applies_non_overlapping_fixes_and_skips_conflicts() {
        let a = fix(vec![TextEdit::replace(0..1, "A")]);
        let b = fix(vec![TextEdit::replace(0..2, "B"), TextEdit::insert(4, "!")]);
        let c = fix(vec![TextEdit::insert(3, "-")]);
        let (out, n) = apply_fixes("abcd", &[&a, &b, &c]);
        assert_eq!((out.as_str(), n), ("Abc-d", 2));
    }

    #[test]
    fn generated_files_are_recognised() {
        assert!(is_generated("// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage p\n"));
        assert!(!is_generated("package p\n// Code generated by x. DO NOT EDIT.\n"));
    }
}
