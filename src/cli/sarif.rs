//! `leakls check --format sarif`: SARIF 2.1.0 for code-scanning UIs, with rule
//! metadata and fixes.

use std::path::Path;

use serde_json::{Value, json};

use super::output::SourceLines;
use crate::analysis::files::FileReport;
use crate::analysis::{Severity, all_rules};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// Lines and columns in Unicode code points (the run declares `columnKind: unicodeCodePoints`).
fn region(lines: &SourceLines, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = lines.line_char(range.start);
    let (end_line, end_column) = lines.line_char(range.end);
    json!({"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column})
}

fn artifact(path: &Path, cwd: &Path) -> Value {
    let rel = super::display_path(path, cwd);
    let uri = rel.to_string_lossy().replace('\\', "/");
    if rel.is_absolute() {
        json!({"uri": format!("file://{uri}")})
    } else {
        json!({"uri": uri, "uriBaseId": "%SRCROOT%"})
    }
}

pub fn to_sarif(reports: &[FileReport], cwd: &Path) -> Value {
    let rules: Vec<Value> = all_rules()
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.name,
                "shortDescription": {"text": m.summary},
                "help": {"text": m.docs, "markdown": m.docs},
                "defaultConfiguration": {"level": level(m.default_severity)},
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let lines = SourceLines::new(&report.source);
        let location = |range: &std::ops::Range<usize>, path: &Path| json!({"physicalLocation": {"artifactLocation": artifact(path, cwd), "region": region(&lines, range)}});
        for f in &report.findings {
            let rule_index = all_rules().iter().position(|r| r.meta().name == f.rule);
            let related: Vec<Value> = f
                .related
                .iter()
                .filter(|r| r.path.is_none())
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = location(&r.range, &report.path);
                    loc["id"] = json!(i);
                    loc["message"] = json!({"text": r.message});
                    loc
                })
                .collect();
            let fixes: Vec<Value> = f
                .fixes
                .iter()
                .map(|x| {
                    let replacements: Vec<Value> = x
                        .edits
                        .iter()
                        .map(|e| json!({"deletedRegion": region(&lines, &e.range), "insertedContent": {"text": e.new_text}}))
                        .collect();
                    json!({
                        "description": {"text": format!("{} ({})", x.title, match x.applicability {
                            crate::analysis::Applicability::Safe => "safe",
                            crate::analysis::Applicability::Unsafe => "unsafe: review before applying",
                        })},
                        "artifactChanges": [{"artifactLocation": artifact(&report.path, cwd), "replacements": replacements}],
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location(&f.range, &report.path)],
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if !fixes.is_empty() {
                result["fixes"] = json!(fixes);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "leakls", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": format!("file://{}/", cwd.display())}},
            "results": results,
        }],
    })
}

/// GitHub Actions workflow commands, one `::error`/`::warning`/`::notice` per finding.
pub fn github_annotations(reports: &[FileReport], cwd: &Path) -> String {
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn escape_property(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for report in reports {
        let path = super::display_path(&report.path, cwd).display().to_string();
        let lines = SourceLines::new(&report.source);
        for f in &report.findings {
            let (line, col) = lines.line_char(f.range.start);
            let (end_line, end_col) = lines.line_char(f.range.end);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            out.push_str(&format!(
                "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                escape_property(&path),
                escape_property(&format!("leakls {}", f.rule)),
                escape_data(&f.message)
            ));
        }
    }
    out
}
