//! The `LanguageServer` implementation: routes LSP messages to the cores.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::code_actions::{fix_all, fix_all_kind, quick_fixes};
use super::convert::from_position;
use super::diagnostics::{findings, reanalyse, to_diagnostic};
use super::documents::{DocumentStore, OpenDocument, Untracked};
use super::framing::{DROPPED_REQUEST, DroppedMessage};
use super::runtime::{self, RuntimeOverlay, RuntimeStatusNotification};
use super::session::Session;
use super::settings::EditorSettings;
use crate::analysis::config::CONFIG_FILE;
use crate::analysis::files::{ContextCache, too_large};
use crate::analysis::incremental::IncrementalAnalysis;
use crate::analysis::packages::Packages;
use crate::runtime::FileAnnotations;
use crate::syntax::{EditError, PositionEncoding, TextChange};

/// Server state shared by handlers and the analysis workers.
pub(crate) struct State {
    docs: DocumentStore,
    encoding: RwLock<PositionEncoding>,
    settings: RwLock<EditorSettings>,
    /// Per-directory module and rule settings; replaced when settings or config files change.
    contexts: RwLock<Arc<ContextCache>>,
    /// Wakes each open document's analysis worker.
    workers: DashMap<Uri, mpsc::Sender<()>>,
    roots: RwLock<Vec<PathBuf>>,
    /// Package summaries for cross-file and cross-package rules.
    packages: Arc<Packages>,
    /// Loaded goroutine dumps.
    runtime: RuntimeOverlay,
    /// Whether the client accepts `workspace/inlayHint/refresh` and `workspace/codeLens/refresh`.
    refresh_hints: RwLock<bool>,
    refresh_lenses: RwLock<bool>,
    /// Whether the client takes `window/workDoneProgress/create`.
    work_done_progress: RwLock<bool>,
    /// Whether the client lets the server register file watchers.
    watch_files: RwLock<bool>,
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write<T>(lock: &RwLock<T>, value: T) {
    *lock.write().unwrap_or_else(|e| e.into_inner()) = value;
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
    session: Arc<Session>,
}

impl Backend {
    pub(crate) fn new(client: Client, session: Arc<Session>) -> Self {
        let state = State {
            docs: DocumentStore::default(),
            encoding: RwLock::new(PositionEncoding::Utf16),
            settings: RwLock::default(),
            contexts: RwLock::new(Arc::new(ContextCache::new(Default::default(), Vec::new()))),
            workers: DashMap::new(),
            roots: RwLock::default(),
            packages: Arc::default(),
            runtime: RuntimeOverlay::default(),
            refresh_hints: RwLock::new(false),
            refresh_lenses: RwLock::new(false),
            work_done_progress: RwLock::new(false),
            watch_files: RwLock::new(false),
        };
        Backend { client, state: Arc::new(state), session }
    }

    /// Applies new editor settings; returns the problems to show.
    fn apply_settings(&self, value: Option<&serde_json::Value>) -> Vec<String> {
        let (settings, mut problems) = EditorSettings::from_json(value);
        let contexts = ContextCache::new(settings.rules(), read(&self.state.roots));
        // Validate the rule keys now, so a typo is reported at once.
        let (_, rule_problems) = settings.rules().to_settings();
        problems.extend(rule_problems);
        write(&self.state.contexts, Arc::new(contexts));
        write(&self.state.settings, settings);
        problems
    }

    fn start_worker(&self, uri: Uri) {
        let (tx, mut rx) = mpsc::channel::<()>(1);
        let _ = tx.try_send(());
        self.state.workers.insert(uri.clone(), tx);
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let mut analysis = IncrementalAnalysis::default();
            while rx.recv().await.is_some() {
                analysis = analyze_and_publish(&state, &client, &uri, analysis).await;
            }
        });
    }

    fn schedule(&self, uri: &Uri) {
        if let Some(tx) = self.state.workers.get(uri) {
            // Full means a wake-up is already pending: the burst coalesces into it.
            let _ = tx.try_send(());
        }
    }

    fn schedule_all(&self) {
        for uri in self.state.docs.uris() {
            self.schedule(&uri);
        }
    }

    fn annotated(&self, uri: &Uri) -> Option<(super::documents::OpenDocument, Arc<crate::runtime::Annotator>)> {
        Some((self.state.docs.get(uri)?, self.state.runtime.annotator()))
    }

    /// After the overlay changed: re-anchor open buffers, republish, refresh
    /// hints and lenses, announce the status, and return it.
    async fn runtime_changed(&self) -> serde_json::Value {
        runtime_changed(&self.client, &self.state).await
    }

    async fn show_problems(&self, problems: Vec<String>) {
        for p in problems {
            self.client.show_message(MessageType::WARNING, format!("leakls: {p}")).await;
        }
    }

    /// Runs `work` on the blocking pool, off the loop that reads requests, and
    /// waits for it unless the client's input ends first (the work is then
    /// abandoned: it may be blocked for good, reading a FIFO).
    async fn off_loop<T: Send + 'static>(&self, what: &str, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        tokio::select! {
            done = tokio::task::spawn_blocking(work) => done.map_err(|e| Error {
                message: format!("leakls: {what} failed: {e}").into(),
                ..Error::internal_error()
            }),
            _ = self.session.input_closed() => Err(Error::request_cancelled()),
        }
    }

    /// Stops analysing a document the server cannot follow any more: clears its
    /// diagnostics and, once per cause, tells the user what happened and what to do.
    async fn untrack(&self, uri: &Uri, why: Untracked, message: String) {
        self.state.workers.remove(uri);
        let newly = self.state.docs.untrack(uri, why);
        self.client.publish_diagnostics(uri.clone(), Vec::new(), None).await;
        if newly {
            self.client.show_message(MessageType::WARNING, message).await;
        } else {
            self.client.log_message(MessageType::WARNING, message).await;
        }
    }

    /// Marks a document out of sync: the server's text may not be the editor's.
    async fn lose_track(&self, uri: &Uri, cause: &str) {
        let message = format!(
            "leakls: lost track of {} ({cause}); its leakls diagnostics are cleared until you close and reopen it",
            display_name(uri)
        );
        self.untrack(uri, Untracked::OutOfSync, message).await;
    }

    /// Skips a document over the size limit, or returns false when it is within it.
    async fn skip_if_too_large(&self, uri: &Uri, len: usize) -> bool {
        let limit = read(&self.state.settings).max_file_size_mib;
        let Some(why) = too_large(len as u64, limit) else { return false };
        let message = format!(
            "leakls: {} is not analysed: {why} (the `maxFileSizeMib` setting raises the limit)",
            display_name(uri)
        );
        self.untrack(uri, Untracked::TooLarge, message).await;
        true
    }

    /// `leakls/droppedRequest`: the stand-in for a request that could not be
    /// decoded; answered with an error saying why.
    pub(crate) async fn dropped_request(&self, dropped: DroppedMessage) -> Result<()> {
        Err(dropped_error(&dropped))
    }

    /// `leakls/droppedNotification`: the stand-in for any other message that
    /// could not be decoded. A lost edit or open makes its document out of sync;
    /// a message that cannot be placed makes every document suspect.
    pub(crate) async fn dropped_notification(&self, dropped: DroppedMessage) {
        let method = dropped.method.as_deref().unwrap_or("a message");
        let about_document =
            matches!(dropped.method.as_deref(), Some("textDocument/didChange" | "textDocument/didOpen"));
        match dropped.uri.as_deref().map(str::parse::<Uri>) {
            Some(Ok(uri)) if about_document => {
                let cause = format!("its `{method}` could not be read: {}", dropped.reason);
                self.lose_track(&uri, &cause).await;
            }
            _ if about_document || dropped.method.is_none() => {
                self.state.docs.suspect_all();
                let message = format!("leakls: dropped {method} that could not be read: {}", dropped.reason);
                self.client.log_message(MessageType::WARNING, message).await;
            }
            _ => {
                let message = format!("leakls: dropped `{method}`, which could not be read: {}", dropped.reason);
                self.client.log_message(MessageType::WARNING, message).await;
            }
        }
    }

    /// Applies an edit to a document being analysed. Any edit that cannot be
    /// applied, or may follow a lost one, makes the document out of sync.
    async fn change_tracked(&self, uri: &Uri, changes: &[TextChange], version: i32) {
        let replaces_all = changes.iter().any(|c| c.range.is_none());
        if let Some(before) = self.state.docs.take_suspicion(uri)
            && !replaces_all
            && version != before.saturating_add(1)
        {
            let cause = format!(
                "a message that could not be read was dropped, and the next edit skips from version {before} to {version}"
            );
            return self.lose_track(uri, &cause).await;
        }
        let enc = read(&self.state.encoding);
        let outcome = guarded("applying an edit", || {
            self.state.docs.update(uri, |open| -> std::result::Result<usize, EditError> {
                open.doc.apply_changes(changes, version, enc)?;
                for c in changes {
                    match c.range {
                        Some((start, end)) => {
                            open.lines_since_anchor.record((start.line, start.column), end.line, &c.text)
                        }
                        None => open.lines_since_anchor.lose_all(),
                    }
                }
                Ok(open.doc.text().len())
            })
        });
        match outcome {
            Ok(Some(Ok(len))) => {
                if !self.skip_if_too_large(uri, len).await {
                    self.schedule(uri);
                }
            }
            // A panic was logged by `guarded`; the staged edit never replaced the document.
            Err(_) => self.lose_track(uri, "an edit could not be applied").await,
            Ok(Some(Err(e))) => self.lose_track(uri, &format!("an edit could not be applied: {e}")).await,
            Ok(None) => {}
        }
    }

    /// Brings back an untracked document when a change replaces its whole text.
    async fn change_untracked(&self, uri: &Uri, changes: &[TextChange], version: i32) {
        let Some(last_full) = changes.iter().rposition(|c| c.range.is_none()) else {
            let message = format!("leakls: ignored an edit to {}, which is not analysed", uri.as_str());
            return self.client.log_message(MessageType::INFO, message).await;
        };
        if self.skip_if_too_large(uri, changes[last_full].text.len()).await {
            return;
        }
        self.state.docs.open(uri.clone(), changes[last_full].text.clone(), version);
        self.start_worker(uri.clone());
        let after = &changes[last_full + 1..];
        if !after.is_empty() {
            self.change_tracked(uri, after, version).await;
        }
    }
}

/// The error reply to a request that could not be decoded.
fn dropped_error(dropped: &DroppedMessage) -> Error {
    let method = dropped.method.as_deref().unwrap_or("request");
    Error {
        message: format!("leakls could not read this `{method}` request: {}", dropped.reason).into(),
        ..Error::invalid_request()
    }
}

/// Files' texts as the editor sees them: `open`'s own, another open buffer's,
/// else the disk's.
fn editor_texts<'a>(state: &'a State, open: &'a OpenDocument) -> impl Fn(&Path) -> Option<String> + 'a {
    move |path| {
        if open.path.as_deref() == Some(path) {
            return Some(open.doc.text().to_string());
        }
        state.docs.text_at(path).or_else(|| std::fs::read_to_string(path).ok())
    }
}

/// The pictures of what an open document's annotated lines wait on.
fn pictures_of(state: &State, open: &OpenDocument, annotations: &FileAnnotations) -> runtime::Pictures {
    runtime::pictures(open, annotations, &state.packages, &editor_texts(state, open))
}

/// A document as the user knows it: its path, or its URI when it has none.
fn display_name(uri: &Uri) -> String {
    uri.to_file_path().map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string())
}

/// Analyses the current version off the async executor and publishes, unless the
/// document moved on meanwhile (the pending wake-up will analyse the new one).
/// Returns the analysis to keep for the next version (a fresh one after a
/// failure, which loses what was kept).
async fn analyze_and_publish(
    state: &Arc<State>,
    client: &Client,
    uri: &Uri,
    mut analysis: IncrementalAnalysis,
) -> IncrementalAnalysis {
    let Some(open) = state.docs.get(uri) else { return analysis };
    let contexts = read(&state.contexts);
    let enc = read(&state.encoding);
    let version = open.doc.version();
    let for_task = uri.clone();
    let packages = state.packages.clone();
    let annotator = state.runtime.annotator();
    let for_texts = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let (found, summary_changed) = reanalyse(&mut analysis, &open, &contexts, &packages);
        let mut diagnostics = found.iter().map(|f| to_diagnostic(&for_task, &open, f, enc)).collect::<Vec<_>>();
        if let Some(annotations) = open.path.as_deref().and_then(|p| annotator.file(p)) {
            let static_lines: Vec<_> =
                diagnostics.iter().map(|d| (d.range.start.line, d.range, d.message.clone())).collect();
            for d in &mut diagnostics {
                if let Some(confirmed) = runtime::confirmation(&for_task, &open, annotations, d.range.start.line, enc) {
                    d.related_information.get_or_insert_with(Vec::new).push(confirmed);
                }
            }
            let texts = editor_texts(&for_texts, &open);
            let pictures = runtime::pictures(&open, annotations, &packages, &texts);
            diagnostics.extend(runtime::diagnostics(
                &for_task,
                &open,
                annotations,
                &static_lines,
                &pictures,
                &texts,
                enc,
            ));
        }
        (diagnostics, summary_changed, analysis)
    })
    .await;
    match result {
        Ok((diagnostics, summary_changed, analysis)) => {
            if summary_changed {
                // Dependants (callers in other files and packages) get a fresh look.
                for other in state.docs.uris() {
                    if &other != uri
                        && let Some(tx) = state.workers.get(&other)
                    {
                        let _ = tx.try_send(());
                    }
                }
            }
            if state.docs.version(uri) == Some(version) {
                client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
            }
            analysis
        }
        Err(e) => {
            client.log_message(MessageType::ERROR, format!("leakls: analysis of {} failed: {e}", uri.as_str())).await;
            IncrementalAnalysis::default()
        }
    }
}

const LOAD_DUMP: &str = "leakls.loadDump";
const WATCH: &str = "leakls.watch";
const STOP_WATCHING: &str = "leakls.stopWatching";
const CLEAR_DUMP: &str = "leakls.clearDump";
const COMMANDS: [&str; 5] = [LOAD_DUMP, WATCH, STOP_WATCHING, CLEAR_DUMP, runtime::SHOW_GOROUTINES];

/// Where dump frames are mapped: the workspace folders, or, for a client that
/// sent none, the modules of the open documents.
fn effective_roots(state: &State) -> Vec<PathBuf> {
    let roots = read(&state.roots);
    if !roots.is_empty() {
        return roots;
    }
    let mut roots: Vec<PathBuf> = state
        .docs
        .uris()
        .iter()
        .filter_map(|u| state.docs.get(u)?.path)
        .filter_map(|p| crate::analysis::GoModule::find(&p).map(|m| m.root).or_else(|| p.parent().map(PathBuf::from)))
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

async fn runtime_changed(client: &Client, state: &Arc<State>) -> serde_json::Value {
    state.docs.reanchor_all();
    for uri in state.docs.uris() {
        if let Some(tx) = state.workers.get(&uri) {
            let _ = tx.try_send(());
        }
    }
    // Requests to the client are never awaited in a handler (they could wedge the connection).
    let (hints, lenses) = (read(&state.refresh_hints), read(&state.refresh_lenses));
    let refresher = client.clone();
    tokio::spawn(async move {
        if hints {
            let _ = refresher.inlay_hint_refresh().await;
        }
        if lenses {
            let _ = refresher.code_lens_refresh().await;
        }
    });
    let status = state.runtime.status();
    client.send_notification::<RuntimeStatusNotification>(status.clone()).await;
    serde_json::to_value(status).unwrap_or_default()
}

/// Polls `url` every `every` until aborted. A failure is shown once until the
/// next success, not on every poll.
async fn watch_loop(client: Client, state: Arc<State>, url: String, every: Duration) {
    let mut last_error: Option<String> = None;
    loop {
        let settings = read(&state.settings).runtime;
        let target = url.clone();
        let fetched =
            tokio::task::spawn_blocking(move || runtime::read_dump(&target, &settings).map(|s| (s, settings))).await;
        match fetched {
            Ok(Ok((source, settings))) => {
                last_error = None;
                for warning in state.runtime.push(source, &effective_roots(&state), &settings) {
                    client.log_message(MessageType::WARNING, format!("leakls: watching {url}: {warning}")).await;
                }
                runtime_changed(&client, &state).await;
            }
            Ok(Err(message)) => {
                if last_error.as_deref() != Some(message.as_str()) {
                    client.show_message(MessageType::WARNING, format!("leakls: watching {url}: {message}")).await;
                }
                last_error = Some(message);
            }
            Err(e) => client.log_message(MessageType::ERROR, format!("leakls: watch poll failed: {e}")).await,
        }
        tokio::time::sleep(every).await;
    }
}

/// Asks the client to report changes to Go files, modules and leakls.toml on
/// disk (`workspace/didChangeWatchedFiles`): summaries and settings follow them.
async fn watch_workspace_files(client: Client) {
    let watchers = ["**/*.go", "**/go.mod", "**/go.work", "**/leakls.toml"]
        .into_iter()
        .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "leakls/watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(e) = client.register_capability(vec![registration]).await {
        client.log_message(MessageType::WARNING, format!("leakls: cannot watch files: {e}")).await;
    }
}

/// Files summarised per step of workspace indexing, between progress reports.
const INDEX_BATCH: usize = 64;

/// Summarises every Go file of the workspace in the background, so cross-package
/// lookups are warm, reporting `$/progress`. One blocking thread at a time: the
/// other core stays free for the files the user has open.
async fn index_workspace(client: Client, state: Arc<State>) {
    let roots = read(&state.roots);
    if roots.is_empty() {
        return;
    }
    let token = NumberOrString::String("leakls/indexing".to_string());
    let progress_allowed = read(&state.work_done_progress)
        && client
            .send_request::<request::WorkDoneProgressCreate>(WorkDoneProgressCreateParams { token: token.clone() })
            .await
            .is_ok();
    let Ok((files, _)) = tokio::task::spawn_blocking(move || crate::analysis::files::go_files(&roots)).await else {
        return;
    };
    let progress = if progress_allowed {
        Some(client.progress(token, "leakls: indexing").with_percentage(0).begin().await)
    } else {
        None
    };
    let total = files.len();
    let mut done = 0;
    for batch in files.chunks(INDEX_BATCH) {
        let batch_size = batch.len();
        let batch = batch.to_vec();
        let packages = state.packages.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for file in &batch {
                packages.index_file(file);
            }
        })
        .await;
        done += batch_size;
        if let Some(p) = &progress {
            p.report_with_message(format!("{done}/{total} files"), (done * 100 / total.max(1)) as u32).await;
        }
    }
    if let Some(p) = progress {
        p.finish_with_message(format!("indexed {total} Go files")).await;
    }
}

/// Runs a request's synchronous work, turning a panic (a bug) into an error
/// response and a log line instead of taking the whole server down.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("leakls: {what} failed: {detail}");
        Error { message: format!("leakls: {what} failed: {detail}").into(), ..Error::internal_error() }
    })
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)] // root_uri is what older clients send
    if roots.is_empty()
        && let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(p.into_owned());
    }
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let dropped = params.initialization_options.as_ref().and_then(|o| o.get(DROPPED_REQUEST));
        if let Some(dropped) = dropped.and_then(|d| serde_json::from_value::<DroppedMessage>(d.clone()).ok()) {
            // The stand-in for an `initialize` the guard could not decode: refused,
            // so the client can send a good one.
            return Err(dropped_error(&dropped));
        }
        let offered =
            params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let enc = PositionEncoding::negotiate(offered.iter().map(|e| e.as_str()));
        write(&self.state.encoding, enc);
        write(&self.state.roots, roots_of(&params));
        let workspace_caps = params.capabilities.workspace.as_ref();
        let hints = workspace_caps.and_then(|w| w.inlay_hint.as_ref()).and_then(|h| h.refresh_support).unwrap_or(false);
        let lenses = workspace_caps.and_then(|w| w.code_lens.as_ref()).and_then(|c| c.refresh_support).unwrap_or(false);
        write(&self.state.refresh_hints, hints);
        write(&self.state.refresh_lenses, lenses);
        let progress = params.capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        write(&self.state.work_done_progress, progress);
        let watch = workspace_caps
            .and_then(|w| w.did_change_watched_files)
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        write(&self.state.watch_files, watch);
        let problems = self.apply_settings(params.initialization_options.as_ref());
        if !problems.is_empty() {
            let client = self.client.clone();
            // Not awaited here: the client may not read messages before it has our answer.
            tokio::spawn(async move {
                for p in problems {
                    client.show_message(MessageType::WARNING, format!("leakls: {p}")).await;
                }
            });
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::from(enc.as_str())),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                    ..Default::default()
                })),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..Default::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "leakls".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if read(&self.state.watch_files) {
            // Spawned: a request to the client is never awaited inside a handler.
            tokio::spawn(watch_workspace_files(self.client.clone()));
        }
        tokio::spawn(index_workspace(self.client.clone(), self.state.clone()));
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.shut_down();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if self.skip_if_too_large(&doc.uri, doc.text.len()).await {
            return;
        }
        self.state.docs.open(doc.uri.clone(), doc.text, doc.version);
        self.start_worker(doc.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changes: Vec<TextChange> = params
            .content_changes
            .into_iter()
            .map(|c| TextChange {
                range: c.range.map(|r| (from_position(r.start), from_position(r.end))),
                text: c.text,
            })
            .collect();
        let version = params.text_document.version;
        if self.state.docs.version(&uri).is_some() {
            self.change_tracked(&uri, &changes, version).await;
        } else if self.state.docs.untracked(&uri).is_some() {
            self.change_untracked(&uri, &changes, version).await;
        } else {
            // Clients open before they edit: the `didOpen` was lost.
            self.lose_track(&uri, "it was edited without being opened").await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(path) = self.state.docs.get(&uri).and_then(|d| d.path) {
            self.state.packages.close_file(&path);
        }
        self.state.docs.close(&uri);
        self.state.workers.remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let problems = self.apply_settings(Some(&params.settings));
        self.schedule_all();
        self.show_problems(problems).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let config_changed = params.changes.iter().any(|c| {
            let path = c.uri.as_str();
            path.ends_with(CONFIG_FILE) || path.ends_with("go.mod") || path.ends_with("go.work")
        });
        for change in &params.changes {
            if let Some(path) = change.uri.to_file_path() {
                self.state.packages.invalidate(&path);
            }
        }
        if config_changed {
            // Cached modules and configs may be stale: start over.
            let rules = read(&self.state.settings).rules();
            write(&self.state.contexts, Arc::new(ContextCache::new(rules, read(&self.state.roots))));
            self.state.packages.clear();
        }
        self.schedule_all();
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        // Out of sync or not analysed: no edit is computed from text the server is not sure of.
        let Some(open) = self.state.docs.get(&uri) else { return Ok(None) };
        let contexts = read(&self.state.contexts);
        let enc = read(&self.state.encoding);
        let packages = self.state.packages.clone();
        let actions = self
            .off_loop("code actions", move || {
                let mut actions = guarded("quick fixes", || quick_fixes(&params, &open))?;
                let found = findings(&open, &contexts, &packages);
                actions.extend(fix_all(&params, &open, &found, enc));
                Ok(actions)
            })
            .await??;
        Ok(Some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        let args = params.arguments;
        let settings = read(&self.state.settings).runtime;
        match params.command.as_str() {
            LOAD_DUMP => {
                let Some(input) = args.first().and_then(|a| a.as_str()).map(str::to_string) else {
                    return Err(Error::invalid_params(
                        "leakls.loadDump takes one argument: a file path or an http(s) URL",
                    ));
                };
                let loaded = self
                    .off_loop("loading the dump", move || runtime::read_dump(&input, &settings).map(|s| (s, settings)))
                    .await?;
                match loaded {
                    Ok((source, settings)) => {
                        let warnings = self.state.runtime.push(source, &effective_roots(&self.state), &settings);
                        if !warnings.is_empty() {
                            self.client
                                .show_message(MessageType::WARNING, format!("leakls: {}", warnings.join("; ")))
                                .await;
                        }
                        Ok(Some(self.runtime_changed().await))
                    }
                    // The error response is what clients show; a message as well would show it twice.
                    Err(message) => {
                        Err(Error { message: format!("leakls: {message}").into(), ..Error::invalid_params("") })
                    }
                }
            }
            WATCH => {
                let Some(url) = args.first().and_then(|a| a.as_str()).map(str::to_string) else {
                    return Err(Error::invalid_params("leakls.watch takes a URL and an optional interval in seconds"));
                };
                let seconds = args.get(1).and_then(|a| a.as_f64()).unwrap_or(settings.watch_interval_seconds);
                let every = Duration::from_secs_f64(seconds.clamp(0.2, 86_400.0));
                let task = tokio::spawn(watch_loop(self.client.clone(), self.state.clone(), url, every));
                self.state.runtime.set_watch(Some(task.abort_handle()));
                Ok(Some(self.runtime_changed().await))
            }
            STOP_WATCHING => {
                self.state.runtime.set_watch(None);
                Ok(Some(self.runtime_changed().await))
            }
            CLEAR_DUMP => {
                self.state.runtime.set_watch(None);
                self.state.runtime.clear();
                Ok(Some(self.runtime_changed().await))
            }
            runtime::SHOW_GOROUTINES => {
                let uri = args.first().and_then(|a| a.as_str()).and_then(|u| u.parse::<Uri>().ok());
                let line = args.get(1).and_then(|a| a.as_u64()).and_then(|l| u32::try_from(l).ok());
                let (Some(uri), Some(line)) = (uri, line) else {
                    return Err(Error::invalid_params("leakls.showGoroutines takes a document URI and a line"));
                };
                let Some((open, annotator)) = self.annotated(&uri) else {
                    return Err(Error::invalid_params(format!("{} is not open", uri.as_str())));
                };
                let listing = guarded("listing goroutines", || {
                    open.path
                        .as_deref()
                        .and_then(|p| annotator.file(p))
                        .and_then(|a| runtime::function_goroutines(&open, a, &pictures_of(&self.state, &open, a), line))
                })?;
                let message =
                    listing.unwrap_or_else(|| "No goroutines from the loaded dumps wait in this function.".to_string());
                self.client.show_message(MessageType::INFO, &message).await;
                Ok(Some(serde_json::Value::String(message)))
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some((open, annotator)) = self.annotated(&params.text_document.uri) else { return Ok(None) };
        let enc = read(&self.state.encoding);
        guarded("inlay hints", || {
            open.path
                .as_deref()
                .and_then(|p| annotator.file(p))
                .map(|a| runtime::inlay_hints(&open, a, params.range, enc))
        })
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some((open, annotator)) = self.annotated(&params.text_document.uri) else { return Ok(None) };
        let enc = read(&self.state.encoding);
        guarded("code lenses", || {
            open.path
                .as_deref()
                .and_then(|p| annotator.file(p))
                .map(|a| runtime::code_lenses(&params.text_document.uri, &open, a, enc))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some((open, annotator)) = self.annotated(&position.text_document.uri) else { return Ok(None) };
        guarded("hover", || {
            open.path
                .as_deref()
                .and_then(|p| annotator.file(p))
                .and_then(|a| runtime::hover(&open, a, &pictures_of(&self.state, &open, a), position.position))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn a_panic_becomes_an_error_response() {
        let failed = guarded("exploding", || -> u32 { panic!("boom") });
        let message = failed.unwrap_err().message;
        assert!(message.contains("exploding failed: boom"), "{message}");
        assert_eq!(guarded("fine", || 7).unwrap(), 7);
    }
}
