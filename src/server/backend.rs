//! The `LanguageServer` implementation: routes LSP messages to the cores.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::code_actions::{fix_all, fix_all_kind, quick_fixes};
use super::convert::from_position;
use super::diagnostics::{findings, to_diagnostic};
use super::documents::DocumentStore;
use super::settings::EditorSettings;
use crate::analysis::config::CONFIG_FILE;
use crate::analysis::files::ContextCache;
use crate::analysis::packages::Packages;
use crate::syntax::{PositionEncoding, TextChange};

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
}

impl Backend {
    pub fn new(client: Client) -> Self {
        let state = State {
            docs: DocumentStore::default(),
            encoding: RwLock::new(PositionEncoding::Utf16),
            settings: RwLock::default(),
            contexts: RwLock::new(Arc::new(ContextCache::new(Default::default()))),
            workers: DashMap::new(),
            roots: RwLock::default(),
            packages: Arc::default(),
        };
        Backend { client, state: Arc::new(state) }
    }

    /// Applies new editor settings; returns the problems to show.
    fn apply_settings(&self, value: Option<&serde_json::Value>) -> Vec<String> {
        let (settings, mut problems) = EditorSettings::from_json(value);
        let contexts = ContextCache::new(settings.rules());
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
            while rx.recv().await.is_some() {
                analyze_and_publish(&state, &client, &uri).await;
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

    async fn show_problems(&self, problems: Vec<String>) {
        for p in problems {
            self.client.show_message(MessageType::WARNING, format!("leakls: {p}")).await;
        }
    }
}

/// Analyses the current version off the async executor and publishes, unless the
/// document moved on meanwhile (the pending wake-up will analyse the new one).
async fn analyze_and_publish(state: &Arc<State>, client: &Client, uri: &Uri) {
    let Some(open) = state.docs.get(uri) else { return };
    let contexts = read(&state.contexts);
    let enc = read(&state.encoding);
    let version = open.doc.version();
    let for_task = uri.clone();
    let packages = state.packages.clone();
    let result = tokio::task::spawn_blocking(move || {
        // The buffer's own summary first: other files' findings may depend on it.
        let summary_changed =
            open.path.as_deref().is_some_and(|p| packages.update_open_file(p, open.doc.text(), open.doc.tree()));
        let diagnostics = findings(&open, &contexts, &packages)
            .iter()
            .map(|f| to_diagnostic(&for_task, &open, f, enc))
            .collect::<Vec<_>>();
        (diagnostics, summary_changed)
    })
    .await;
    match result {
        Ok((diagnostics, summary_changed)) => {
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
        }
        Err(e) => {
            client.log_message(MessageType::ERROR, format!("leakls: analysis of {} failed: {e}", uri.as_str())).await;
        }
    }
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
        let offered =
            params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let enc = PositionEncoding::negotiate(offered.iter().map(|e| e.as_str()));
        write(&self.state.encoding, enc);
        write(&self.state.roots, roots_of(&params));
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
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "leakls".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.state.docs.open(doc.uri.clone(), doc.text, doc.version);
        self.start_worker(doc.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let enc = read(&self.state.encoding);
        let changes: Vec<TextChange> = params
            .content_changes
            .into_iter()
            .map(|c| TextChange {
                range: c.range.map(|r| (from_position(r.start), from_position(r.end))),
                text: c.text,
            })
            .collect();
        let version = params.text_document.version;
        let outcome = self.state.docs.update(&uri, |open| open.doc.apply_changes(&changes, version, enc));
        match outcome {
            Some(Ok(())) => self.schedule(&uri),
            Some(Err(e)) => {
                self.client
                    .log_message(MessageType::WARNING, format!("leakls: ignored edit to {}: {e}", uri.as_str()))
                    .await;
            }
            None => {
                self.client
                    .log_message(MessageType::WARNING, format!("leakls: ignored edit to unopened {}", uri.as_str()))
                    .await;
            }
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
            write(&self.state.contexts, Arc::new(ContextCache::new(rules)));
            self.state.packages.clear();
        }
        self.schedule_all();
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(open) = self.state.docs.get(&uri) else { return Ok(None) };
        let mut actions = quick_fixes(&params, open.doc.version());
        let contexts = read(&self.state.contexts);
        let enc = read(&self.state.encoding);
        let packages = self.state.packages.clone();
        let fix_all_action = tokio::task::spawn_blocking(move || {
            let found = findings(&open, &contexts, &packages);
            fix_all(&params, &open, &found, enc)
        })
        .await
        .map_err(|e| Error {
            message: format!("leakls: code actions failed: {e}").into(),
            ..Error::internal_error()
        })?;
        actions.extend(fix_all_action);
        Ok(Some(actions))
    }
}
