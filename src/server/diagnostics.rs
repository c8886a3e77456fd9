//! Findings to LSP diagnostics, and the per-document analysis worker.
//!
//! Each open document has one worker task fed by a channel of capacity one: a
//! lone edit is analysed at once, and a burst of edits made while an analysis
//! runs leaves one pending wake-up, so the burst is analysed once, at its latest
//! version. Results for a version that is no longer current are dropped. The
//! worker keeps its document's [`IncrementalAnalysis`], so an edit inside one
//! function redoes that function and what depends on it, not the whole file.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, TextEdit as LspTextEdit,
    Uri,
};

use super::convert::to_range;
use super::documents::OpenDocument;
use crate::analysis::files::ContextCache;
use crate::analysis::incremental::IncrementalAnalysis;
use crate::analysis::packages::Packages;
use crate::analysis::suppression::suppress_fix;
use crate::analysis::{AnalysisInput, Applicability, Finding, Fix, Severity, analyze};
use crate::syntax::PositionEncoding;

pub const SOURCE: &str = "leakls";

/// What a diagnostic carries in `data` so its code actions can be rebuilt
/// without re-running the analysis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub version: i32,
    pub fixes: Vec<FixData>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<LspTextEdit>,
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Runs `analyse` on a document snapshot with the settings for its directory.
fn with_input<R>(
    open: &OpenDocument,
    contexts: &ContextCache,
    packages: &Packages,
    analyse: impl FnOnce(&AnalysisInput) -> R,
) -> R {
    let (settings, go_version) = match &open.path {
        Some(p) => (contexts.settings_for(p), contexts.module_for(p).and_then(|m| m.go_version)),
        None => (Default::default(), None),
    };
    analyse(&AnalysisInput {
        source: open.doc.text(),
        tree: open.doc.tree(),
        path: open.path.as_deref(),
        go_version,
        settings: &settings,
        packages: Some(packages),
    })
}

/// Analyses a document snapshot with the settings for its directory.
pub fn findings(open: &OpenDocument, contexts: &ContextCache, packages: &Packages) -> Vec<Finding> {
    with_input(open, contexts, packages, analyze)
}

/// Analyses a new version of an open document, redoing only what its edits can
/// have changed, and records its summary for the files that use it. Returns the
/// findings and whether the summary's facts changed.
pub fn reanalyse(
    analysis: &mut IncrementalAnalysis,
    open: &OpenDocument,
    contexts: &ContextCache,
    packages: &Packages,
) -> (Vec<Finding>, bool) {
    let analysed = with_input(open, contexts, packages, |input| analysis.analyze(input));
    (analysed.findings, analysed.summary_facts_changed)
}

pub fn fix_data(open: &OpenDocument, fix: &Fix, enc: PositionEncoding) -> FixData {
    let (text, index) = (open.doc.text(), open.doc.line_index());
    FixData {
        title: fix.title.clone(),
        applicability: fix.applicability,
        edits: fix
            .edits
            .iter()
            .map(|e| LspTextEdit { range: to_range(text, index, &e.range, enc), new_text: e.new_text.clone() })
            .collect(),
    }
}

pub fn to_diagnostic(uri: &Uri, open: &OpenDocument, f: &Finding, enc: PositionEncoding) -> Diagnostic {
    let (text, index) = (open.doc.text(), open.doc.line_index());
    let related = f
        .related
        .iter()
        .map(|r| {
            // Related locations in other files carry their own path and ranges
            // into that file's text, read here to place them.
            let (uri, range) = match &r.path {
                Some(p) => {
                    let range = std::fs::read_to_string(p)
                        .map(|other| to_range(&other, &line_index::LineIndex::new(&other), &r.range, enc))
                        .unwrap_or_default();
                    (Uri::from_file_path(p).unwrap_or_else(|| uri.clone()), range)
                }
                None => (uri.clone(), to_range(text, index, &r.range, enc)),
            };
            DiagnosticRelatedInformation { location: Location { uri, range }, message: r.message.clone() }
        })
        .collect::<Vec<_>>();
    let mut fixes: Vec<FixData> = f.fixes.iter().map(|x| fix_data(open, x, enc)).collect();
    fixes.push(fix_data(open, &suppress_fix(text, f), enc));
    let data = DiagnosticData { version: open.doc.version(), fixes };
    Diagnostic {
        range: to_range(text, index, &f.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        data: serde_json::to_value(data).ok(),
        ..Default::default()
    }
}
