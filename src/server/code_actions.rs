//! Code actions: the quick fixes carried by each diagnostic, and
//! `source.fixAll.leakls`, which applies every safe fix of the file at once.

use std::collections::HashMap;

use serde::Deserialize;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, Range, TextEdit as LspTextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::{DiagnosticData, SOURCE, fix_data};
use super::documents::OpenDocument;
use crate::analysis::engine::compatible_fixes;
use crate::analysis::{Applicability, Finding};
use crate::syntax::PositionEncoding;
use crate::syntax::position::line_count;

pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.leakls")
}

fn wants(only: Option<&Vec<CodeActionKind>>, kind: &CodeActionKind) -> bool {
    // `only: ["source"]` covers `source.fixAll.leakls`: kinds are hierarchical.
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str())))
    })
}

fn edit(uri: &Uri, edits: Vec<LspTextEdit>) -> WorkspaceEdit {
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

/// Bounds on a diagnostic's `data`, which the client hands back and could have
/// forged: leakls's own diagnostics carry a few fixes (the suppression comment
/// included) of a few edits each.
const MAX_FIXES: usize = 8;
const MAX_EDITS_PER_FIX: usize = 64;
/// No fix of leakls adds more text than the document holds, plus this much.
const FIX_TEXT_SLACK: usize = 64 << 10;

/// Quick fixes rebuilt from the `data` of the request's leakls diagnostics.
/// Diagnostics computed for an older version are skipped: their ranges no longer
/// fit the text, and fresh ones are on their way. So is `data` that leakls
/// cannot have written (see [`MAX_FIXES`]).
pub fn quick_fixes(params: &CodeActionParams, open: &OpenDocument) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    if !wants(params.context.only.as_ref(), &CodeActionKind::QUICKFIX) {
        return out;
    }
    for diag in &params.context.diagnostics {
        if diag.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(data) = diag.data.as_ref().and_then(|d| DiagnosticData::deserialize(d).ok()) else {
            continue;
        };
        if data.version != open.doc.version() || !could_be_ours(&data, open) {
            continue;
        }
        // One copy of the diagnostic without its data, whatever the data held.
        let bare = without_data(diag);
        for (i, fix) in data.fixes.into_iter().enumerate() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![bare.clone()]),
                edit: Some(edit(&params.text_document.uri, fix.edits)),
                is_preferred: Some(i == 0 && fix.applicability == Applicability::Safe),
                ..Default::default()
            }));
        }
    }
    out
}

/// Whether `data` is within what leakls writes for this document: a few fixes
/// of a few edits, inside the text, adding no more than it holds.
fn could_be_ours(data: &DiagnosticData, open: &OpenDocument) -> bool {
    let lines = line_count(open.doc.line_index());
    let text_limit = open.doc.text().len() + FIX_TEXT_SLACK;
    let inside = |r: &Range| r.start <= r.end && r.end.line <= lines;
    data.fixes.len() <= MAX_FIXES
        && data.fixes.iter().all(|fix| {
            fix.edits.len() <= MAX_EDITS_PER_FIX
                && fix.edits.iter().all(|e| inside(&e.range))
                && fix.edits.iter().map(|e| e.new_text.len()).sum::<usize>() <= text_limit
        })
}

/// A copy of `diag` without its `data`, which is never copied.
fn without_data(diag: &Diagnostic) -> Diagnostic {
    Diagnostic {
        range: diag.range,
        severity: diag.severity,
        code: diag.code.clone(),
        code_description: diag.code_description.clone(),
        source: diag.source.clone(),
        message: diag.message.clone(),
        related_information: diag.related_information.clone(),
        tags: diag.tags.clone(),
        data: None,
    }
}

/// One action applying the first safe fix of every finding that does not clash
/// with another; unsafe fixes are never applied in bulk.
pub fn fix_all(
    params: &CodeActionParams,
    open: &OpenDocument,
    findings: &[Finding],
    enc: PositionEncoding,
) -> Option<CodeActionOrCommand> {
    let kind = fix_all_kind();
    if !wants(params.context.only.as_ref(), &kind) {
        return None;
    }
    let safe: Vec<_> =
        findings.iter().filter_map(|f| f.fixes.iter().find(|x| x.applicability == Applicability::Safe)).collect();
    let chosen = compatible_fixes(open.doc.text().len(), &safe);
    if chosen.is_empty() {
        return None;
    }
    let edits = chosen.iter().flat_map(|f| fix_data(open, f, enc).edits).collect();
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Fix all safe leakls findings ({})", chosen.len()),
        kind: Some(kind),
        edit: Some(edit(&params.text_document.uri, edits)),
        ..Default::default()
    }))
}
