//! Code actions: the quick fixes carried by each diagnostic, and
//! `source.fixAll.leakls`, which applies every safe fix of the file at once.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, TextEdit as LspTextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::{DiagnosticData, SOURCE, fix_data};
use super::documents::OpenDocument;
use crate::analysis::engine::compatible_fixes;
use crate::analysis::{Applicability, Finding};
use crate::syntax::PositionEncoding;

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

/// Quick fixes rebuilt from the `data` of the request's leakls diagnostics.
/// Diagnostics computed for an older version are skipped: their ranges no longer
/// fit the text, and fresh ones are on their way.
pub fn quick_fixes(params: &CodeActionParams, version: i32) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    if !wants(params.context.only.as_ref(), &CodeActionKind::QUICKFIX) {
        return out;
    }
    for diag in &params.context.diagnostics {
        if diag.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(data) = diag.data.clone().and_then(|d| serde_json::from_value::<DiagnosticData>(d).ok()) else {
            continue;
        };
        if data.version != version {
            continue;
        }
        for (i, fix) in data.fixes.into_iter().enumerate() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![Diagnostic { data: None, ..diag.clone() }]),
                edit: Some(edit(&params.text_document.uri, fix.edits)),
                is_preferred: Some(i == 0 && fix.applicability == Applicability::Safe),
                ..Default::default()
            }));
        }
    }
    out
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
