//! Open documents keyed by URI.

use std::path::PathBuf;

use dashmap::DashMap;
use tower_lsp_server::ls_types::Uri;

use crate::syntax::Document;

/// One open document and where it lives on disk (None for unsaved buffers).
#[derive(Clone)]
pub struct OpenDocument {
    pub doc: Document,
    pub path: Option<PathBuf>,
}

#[derive(Default)]
pub struct DocumentStore {
    docs: DashMap<Uri, OpenDocument>,
}

impl DocumentStore {
    pub fn open(&self, uri: Uri, text: String, version: i32) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        self.docs.insert(uri, OpenDocument { doc: Document::new(text, version), path });
    }

    pub fn close(&self, uri: &Uri) {
        self.docs.remove(uri);
    }

    /// A snapshot: the text is copied and the tree shares its nodes, so analysis
    /// runs without holding the map's lock.
    pub fn get(&self, uri: &Uri) -> Option<OpenDocument> {
        self.docs.get(uri).map(|d| d.clone())
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.get(uri).map(|d| d.doc.version())
    }

    /// Runs `f` on the document in place; None when it is not open.
    pub fn update<R>(&self, uri: &Uri, f: impl FnOnce(&mut OpenDocument) -> R) -> Option<R> {
        self.docs.get_mut(uri).map(|mut d| f(&mut d))
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.iter().map(|e| e.key().clone()).collect()
    }
}
