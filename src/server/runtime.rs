//! Runtime evidence in the editor: goroutine dumps loaded by command, turned into
//! diagnostics (source `leakls-runtime`), inlay hints, code lenses and hovers.
//!
//! The runtime core does the reading, grouping, trends and mapping; this module
//! only keeps the series, answers the commands and converts annotations to LSP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeLens, Command, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents, InlayHint,
    InlayHintLabel, Location, MarkupContent, MarkupKind, NumberOrString, Position, Range, Uri,
};

use super::documents::OpenDocument;
use crate::analysis::packages::Packages;
use crate::analysis::wait_picture::{Site, WaitPicture, WaitPictures};
use crate::runtime::{
    Annotator, FetchOptions, FileAnnotations, FrameClassifier, Limits, LineAnnotation, Series, Snapshot, Source,
    Verdict, Workspace, fetch, load_path, thousands,
};
use crate::syntax::PositionEncoding;

pub const SOURCE: &str = "leakls-runtime";

/// The `runtime` table of the editor settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct RuntimeSettings {
    /// Package prefixes skipped like the standard library when finding where
    /// goroutines wait (a logging or RPC wrapper, say).
    pub library_prefixes: Vec<String>,
    /// Default poll interval for `leakls.watch` when none is given.
    pub watch_interval_seconds: f64,
    /// Largest dump accepted from a URL or file, in bytes: on the wire, and
    /// once inflated.
    pub max_bytes: u64,
    /// Timeout of one URL fetch.
    pub timeout_seconds: f64,
    /// Follow redirects to another scheme, host or port (by default only those
    /// within the same origin are followed).
    pub follow_redirects_to_other_hosts: bool,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        RuntimeSettings {
            library_prefixes: Vec::new(),
            watch_interval_seconds: 10.0,
            max_bytes: 256 << 20,
            timeout_seconds: 30.0,
            follow_redirects_to_other_hosts: false,
        }
    }
}

impl RuntimeSettings {
    fn fetch_options(&self) -> FetchOptions {
        let limits = Limits { max_bytes: self.max_bytes, ..Limits::default() };
        FetchOptions {
            timeout: Duration::from_secs_f64(self.timeout_seconds.clamp(0.5, 600.0)),
            max_body: self.max_bytes,
            limits,
            redirects_to_other_hosts: self.follow_redirects_to_other_hosts,
        }
    }
}

/// What the commands return and `leakls/runtimeStatus` announces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeStatus {
    /// Groups in the newest snapshot.
    pub groups: usize,
    /// Workspace lines where goroutines wait.
    pub hot_spots: usize,
    pub watching: bool,
    pub snapshots: usize,
}

#[derive(Default)]
struct Loaded {
    series: Series,
    annotator: Arc<Annotator>,
}

/// `leakls/runtimeStatus`: sent whenever the runtime overlay changes, for status bars.
pub enum RuntimeStatusNotification {}

impl tower_lsp_server::ls_types::notification::Notification for RuntimeStatusNotification {
    type Params = RuntimeStatus;
    const METHOD: &'static str = "leakls/runtimeStatus";
}

/// The series of loaded snapshots and what they say about the workspace.
#[derive(Default)]
pub struct RuntimeOverlay {
    loaded: Mutex<Loaded>,
    watch: Mutex<Option<tokio::task::AbortHandle>>,
}

/// Reads one dump: an `http(s)://` URL or a file path.
pub fn read_dump(input: &str, settings: &RuntimeSettings) -> Result<Source, String> {
    let options = settings.fetch_options();
    if input.contains("://") {
        fetch(input, &options).map_err(|e| format!("{input}: {e}"))
    } else {
        // The loader's errors already name the file.
        load_path(std::path::Path::new(input), options.limits).map_err(|e| e.to_string())
    }
}

impl RuntimeOverlay {
    fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a snapshot to the series and re-annotates the workspace. Returns the
    /// snapshot's warnings (a partial dump says so here), for the user to see.
    pub fn push(&self, source: Source, roots: &[PathBuf], settings: &RuntimeSettings) -> Vec<String> {
        let workspace = Workspace::new(roots);
        let classifier =
            FrameClassifier { modules: workspace.module_paths(), library_prefixes: settings.library_prefixes.clone() };
        let mut snapshot = Snapshot::merge(vec![source]);
        snapshot.classify(&classifier);
        let warnings = snapshot.warnings.clone();
        let mut loaded = self.lock();
        loaded.series.push(snapshot);
        loaded.annotator = Arc::new(Annotator::new(&loaded.series, &workspace));
        warnings
    }

    pub fn clear(&self) {
        *self.lock() = Loaded::default();
    }

    pub fn annotator(&self) -> Arc<Annotator> {
        self.lock().annotator.clone()
    }

    pub fn set_watch(&self, handle: Option<tokio::task::AbortHandle>) {
        let mut watch = self.watch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = watch.take() {
            old.abort();
        }
        *watch = handle;
    }

    pub fn status(&self) -> RuntimeStatus {
        let watching = self.watch.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_some_and(|h| !h.is_finished());
        let loaded = self.lock();
        let hot_spots = loaded.annotator.files().filter_map(|f| loaded.annotator.file(f)).map(|a| a.lines.len()).sum();
        RuntimeStatus {
            groups: loaded.series.latest().map_or(0, |s| s.groups.len()),
            hot_spots,
            watching,
            snapshots: loaded.series.snapshots.len(),
        }
    }
}

/// The annotations of an open document, with each line moved to where it is now
/// (and those whose line was edited since the dump was loaded left out).
pub fn current_lines<'a>(open: &OpenDocument, annotations: &'a FileAnnotations) -> Vec<(u32, &'a LineAnnotation)> {
    annotations
        .lines
        .iter()
        .filter_map(|a| {
            let anchored = a.line.checked_sub(1)?;
            Some((open.lines_since_anchor.map(anchored)?, a))
        })
        .collect()
}

fn severity(a: &LineAnnotation) -> DiagnosticSeverity {
    if a.proven_leaked {
        DiagnosticSeverity::ERROR
    } else if matches!(a.verdict, Some(Verdict::Growing | Verdict::Elevated)) {
        DiagnosticSeverity::WARNING
    } else {
        DiagnosticSeverity::INFORMATION
    }
}

/// The range of a line's code: first non-blank character to the end of the line.
fn line_range(open: &OpenDocument, line: u32, enc: PositionEncoding) -> Option<Range> {
    let index = open.doc.line_index();
    let text = open.doc.text();
    let span = index.line(line)?;
    let (start, end) = (usize::from(span.start()), usize::from(span.end()));
    let content = text.get(start..end)?.trim_end_matches(['\n', '\r']);
    let indent = content.len() - content.trim_start().len();
    let range = (start + indent)..(start + content.len());
    Some(super::convert::to_range(text, index, &range, enc))
}

/// What each annotated line of a document waits on, by its current (0-based)
/// line: the static picture, or why it is not known.
pub type Pictures = HashMap<u32, Result<WaitPicture, String>>;

/// The pictures of a document's annotated lines, from the package model of its
/// current text; `texts` gives the text of the package's other files.
pub fn pictures(
    open: &OpenDocument,
    annotations: &FileAnnotations,
    packages: &Packages,
    texts: &dyn Fn(&Path) -> Option<String>,
) -> Pictures {
    let lines = current_lines(open, annotations);
    let Some(path) = open.path.as_deref().filter(|_| !lines.is_empty()) else {
        return lines.iter().map(|(l, _)| (*l, Err("the document is not a file".to_string()))).collect();
    };
    let (pkg, file) = packages.package_model(path, open.doc.text(), open.doc.tree());
    let mut pictures = WaitPictures::new(&pkg, texts);
    lines.into_iter().map(|(line, _)| (line, pictures.at(file, line + 1))).collect()
}

/// A site of a picture as an LSP location (the text is the editor's or the disk's).
fn site_location(
    site: &Site,
    texts: &dyn Fn(&Path) -> Option<String>,
    indexes: &mut HashMap<PathBuf, Option<(String, line_index::LineIndex)>>,
    enc: PositionEncoding,
) -> Option<Location> {
    let (text, index) = indexes
        .entry(site.file.clone())
        .or_insert_with(|| {
            let text = texts(&site.file)?;
            let index = line_index::LineIndex::new(&text);
            Some((text, index))
        })
        .as_ref()?;
    let uri = Uri::from_file_path(&site.file)?;
    Some(Location { uri, range: super::convert::to_range(text, index, &site.range, enc) })
}

/// Related information for a runtime diagnostic: every site its picture names
/// (so "go to" works in any client), or one line saying why there is none.
fn picture_related(
    location: Location,
    picture: Option<&Result<WaitPicture, String>>,
    texts: &dyn Fn(&Path) -> Option<String>,
    enc: PositionEncoding,
) -> Vec<DiagnosticRelatedInformation> {
    match picture {
        Some(Ok(picture)) => {
            let mut indexes = HashMap::new();
            let mut related: Vec<DiagnosticRelatedInformation> = picture
                .sites()
                .into_iter()
                .filter_map(|(site, message)| {
                    Some(DiagnosticRelatedInformation {
                        location: site_location(site, texts, &mut indexes, enc)?,
                        message,
                    })
                })
                .collect();
            for missing in picture.objects.iter().flat_map(|o| &o.missing) {
                related.push(DiagnosticRelatedInformation { location: location.clone(), message: missing.clone() });
            }
            related
        }
        Some(Err(why)) => {
            vec![DiagnosticRelatedInformation { location, message: format!("what it waits on is not known: {why}") }]
        }
        None => Vec::new(),
    }
}

/// Runtime diagnostics for a document. `static_lines` are the lines (0-based) of
/// its static findings with their messages, so both sides can point at each other.
pub fn diagnostics(
    uri: &Uri,
    open: &OpenDocument,
    annotations: &FileAnnotations,
    static_findings: &[(u32, Range, String)],
    pictures: &Pictures,
    texts: &dyn Fn(&Path) -> Option<String>,
    enc: PositionEncoding,
) -> Vec<Diagnostic> {
    current_lines(open, annotations)
        .into_iter()
        .filter_map(|(line, a)| {
            let range = line_range(open, line, enc)?;
            let mut related: Vec<_> = static_findings
                .iter()
                .filter(|(l, _, _)| *l == line)
                .map(|(_, r, message)| DiagnosticRelatedInformation {
                    location: Location { uri: uri.clone(), range: *r },
                    message: format!("leakls finds a leak here: {message}"),
                })
                .collect();
            let here = Location { uri: uri.clone(), range };
            related.extend(picture_related(here, pictures.get(&line), texts, enc));
            Some(Diagnostic {
                range,
                severity: Some(severity(a)),
                code: a.verdict.map(|v| NumberOrString::String(v.as_str().replace(' ', "-"))),
                source: Some(SOURCE.to_string()),
                message: a.message.clone(),
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            })
        })
        .collect()
}

/// "confirmed at runtime" related information for a static finding on an annotated line.
pub fn confirmation(
    uri: &Uri,
    open: &OpenDocument,
    annotations: &FileAnnotations,
    line: u32,
    enc: PositionEncoding,
) -> Option<DiagnosticRelatedInformation> {
    let (_, a) = current_lines(open, annotations).into_iter().find(|(l, _)| *l == line)?;
    Some(DiagnosticRelatedInformation {
        location: Location { uri: uri.clone(), range: line_range(open, line, enc)? },
        message: format!(
            "confirmed at runtime: {} goroutine{} here",
            thousands(a.count),
            if a.count == 1 { "" } else { "s" }
        ),
    })
}

/// One hint at the end of each annotated line: the count.
pub fn inlay_hints(
    open: &OpenDocument,
    annotations: &FileAnnotations,
    visible: Range,
    enc: PositionEncoding,
) -> Vec<InlayHint> {
    current_lines(open, annotations)
        .into_iter()
        .filter(|(line, _)| *line >= visible.start.line && *line <= visible.end.line)
        .filter_map(|(line, a)| {
            let end = line_range(open, line, enc)?.end;
            let verdict = a.verdict.map(|v| format!(", {}", v.as_str())).unwrap_or_default();
            Some(InlayHint {
                position: end,
                label: InlayHintLabel::String(format!("{} goroutines{verdict}", thousands(a.count))),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

/// The annotated lines of each function declaration, by the declaration's start byte.
fn lines_by_function<'a>(
    open: &OpenDocument,
    annotations: &'a FileAnnotations,
) -> Vec<(usize, Vec<(u32, &'a LineAnnotation)>)> {
    let text = open.doc.text();
    let index = open.doc.line_index();
    let mut functions: Vec<(usize, Vec<(u32, &LineAnnotation)>)> = Vec::new();
    for (line, a) in current_lines(open, annotations) {
        let Some(span) = index.line(line) else { continue };
        let start = usize::from(span.start());
        let offset = start + (text[start..].len() - text[start..].trim_start().len());
        let Some(node) = open.doc.tree().root_node().descendant_for_byte_range(offset, offset) else { continue };
        let mut decl = Some(node);
        while let Some(n) = decl {
            if matches!(n.kind(), "function_declaration" | "method_declaration") {
                break;
            }
            decl = n.parent();
        }
        let Some(decl) = decl else { continue };
        match functions.iter_mut().find(|(start, _)| *start == decl.start_byte()) {
            Some((_, lines)) => lines.push((line, a)),
            None => functions.push((decl.start_byte(), vec![(line, a)])),
        }
    }
    functions
}

/// The command a runtime code lens runs, with the document's URI and the line
/// of the function declaration: the server shows [`function_goroutines`].
pub const SHOW_GOROUTINES: &str = "leakls.showGoroutines";

/// A lens on each function declaration holding annotated lines, with its total;
/// running it lists the lines ([`function_goroutines`]).
pub fn code_lenses(
    uri: &Uri,
    open: &OpenDocument,
    annotations: &FileAnnotations,
    enc: PositionEncoding,
) -> Vec<CodeLens> {
    let (text, index) = (open.doc.text(), open.doc.line_index());
    lines_by_function(open, annotations)
        .into_iter()
        .map(|(start, lines)| {
            let count = lines.iter().map(|(_, a)| a.count).fold(0, u64::saturating_add);
            let pos = super::convert::to_position(text, index, start, enc);
            let title = format!(
                "{} goroutines waiting in this function ({} line{})",
                thousands(count),
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            );
            let arguments = vec![serde_json::json!(uri.as_str()), serde_json::json!(pos.line)];
            CodeLens {
                range: Range { start: pos, end: pos },
                command: Some(Command { title, command: SHOW_GOROUTINES.to_string(), arguments: Some(arguments) }),
                data: None,
            }
        })
        .collect()
}

/// A picture as text lines, sites by file name (a package is one directory).
fn picture_lines(picture: &Result<WaitPicture, String>) -> Vec<String> {
    let show = |s: &Site| {
        let name = s.file.file_name().map_or_else(|| s.file.display().to_string(), |n| n.to_string_lossy().into());
        format!("{name}:{}", s.line)
    };
    match picture {
        Ok(picture) => picture.text_lines(&show),
        Err(why) => vec![format!("what it waits on is not known: {why}")],
    }
}

/// What waits in the function declared on `line` (0-based), one annotated line
/// per row with what it waits on; None when nothing does.
pub fn function_goroutines(
    open: &OpenDocument,
    annotations: &FileAnnotations,
    pictures: &Pictures,
    line: u32,
) -> Option<String> {
    let index = open.doc.line_index();
    let (start, lines) = lines_by_function(open, annotations)
        .into_iter()
        .find(|(start, _)| index.line_col(line_index::TextSize::new(*start as u32)).line == line)?;
    let root = open.doc.tree().root_node();
    let mut cursor = root.walk();
    let name = root
        .named_children(&mut cursor)
        .find(|d| d.start_byte() == start)
        .and_then(|d| d.child_by_field_name("name"))
        .map_or("this function", |n| &open.doc.text()[n.byte_range()]);
    let mut out = format!("Goroutines waiting in {name}:");
    for (line, a) in lines {
        out.push_str(&format!("\n  line {}: {}", line + 1, a.message));
        for text in pictures.get(&line).map(picture_lines).unwrap_or_default() {
            out.push_str(&format!("\n    {text}"));
        }
    }
    Some(out)
}

/// The annotation's hover, and what the line waits on.
pub fn hover(
    open: &OpenDocument,
    annotations: &FileAnnotations,
    pictures: &Pictures,
    position: Position,
) -> Option<Hover> {
    let (line, a) = current_lines(open, annotations).into_iter().find(|(l, _)| *l == position.line)?;
    let mut value = a.hover();
    if let Some(picture) = pictures.get(&line) {
        value.push_str("\n---\n\n**What it waits on** (from the package's source)\n\n```text\n");
        for text in picture_lines(picture) {
            value.push_str(&text);
            value.push('\n');
        }
        value.push_str("```\n");
    }
    Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: None })
}
