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
    /// How lines moved since runtime annotations were anchored to this buffer.
    pub lines_since_anchor: LineShift,
}

/// Follows line numbers through edits, so annotations taken from a goroutine
/// dump (whose lines are those of the buffer when the dump was loaded) move with
/// their lines, and vanish when their line is edited, rather than land on the
/// wrong line.
#[derive(Clone, Debug, Default)]
pub struct LineShift {
    edits: Vec<LineEdit>,
    /// A full-text replacement: no line can be followed any more.
    lost: bool,
}

#[derive(Clone, Copy, Debug)]
enum LineEdit {
    /// Whole lines inserted before `at`: it and the lines below move down.
    Insert { at: u32, lines: u32 },
    /// Lines `start..=end` edited and replaced by `new_breaks + 1` lines.
    Replace { start: u32, end: u32, new_breaks: u32 },
}

impl LineShift {
    /// Records one range edit: `(start_line, start_column)` to `end_line`, replaced by `new_text`.
    pub fn record(&mut self, start: (u32, u32), end_line: u32, new_text: &str) {
        let new_breaks = new_text.matches('\n').count() as u32;
        // Typing a whole line above another (at column 0, ending in a newline)
        // does not touch the line below it.
        let edit = if start.1 == 0 && end_line == start.0 && new_text.ends_with('\n') {
            LineEdit::Insert { at: start.0, lines: new_breaks }
        } else {
            LineEdit::Replace { start: start.0, end: end_line.max(start.0), new_breaks }
        };
        self.edits.push(edit);
    }

    pub fn lose_all(&mut self) {
        self.lost = true;
    }

    /// Where a line of the anchored text is now (0-based), or None when its line was edited.
    pub fn map(&self, line: u32) -> Option<u32> {
        if self.lost {
            return None;
        }
        let mut line = i64::from(line);
        for edit in &self.edits {
            match *edit {
                LineEdit::Insert { at, lines } if line >= i64::from(at) => line += i64::from(lines),
                LineEdit::Replace { start, end, new_breaks } if line >= i64::from(start) => {
                    if line <= i64::from(end) {
                        return None;
                    }
                    line += i64::from(new_breaks) - i64::from(end - start);
                }
                _ => {}
            }
        }
        u32::try_from(line).ok()
    }
}

/// An open document the server does not analyse, and why. It comes back with
/// a `didOpen` or a change that replaces the whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Untracked {
    /// An edit could not be applied (or may have been lost): the server's text
    /// can differ from the editor's, and nothing may be computed from it.
    OutOfSync,
    /// Larger than the file-size limit; its text is not kept.
    TooLarge,
}

#[derive(Default)]
pub struct DocumentStore {
    docs: DashMap<Uri, OpenDocument>,
    untracked: DashMap<Uri, Untracked>,
    /// Documents open when a message the server could not read was dropped
    /// (without saying which document it was for), with their version then: the
    /// next edit must follow on directly, or an edit may have been lost.
    suspect: DashMap<Uri, i32>,
}

impl DocumentStore {
    pub fn open(&self, uri: Uri, text: String, version: i32) {
        self.untracked.remove(&uri);
        self.suspect.remove(&uri);
        let path = uri.to_file_path().map(|p| p.into_owned());
        self.docs.insert(
            uri,
            OpenDocument { doc: Document::new(text, version), path, lines_since_anchor: LineShift::default() },
        );
    }

    /// Stops analysing the document: its text is dropped. Returns whether it was
    /// not already untracked for that reason.
    pub fn untrack(&self, uri: &Uri, why: Untracked) -> bool {
        self.docs.remove(uri);
        self.suspect.remove(uri);
        self.untracked.insert(uri.clone(), why.clone()) != Some(why)
    }

    pub fn untracked(&self, uri: &Uri) -> Option<Untracked> {
        self.untracked.get(uri).map(|u| u.clone())
    }

    pub fn close(&self, uri: &Uri) {
        self.docs.remove(uri);
        self.untracked.remove(uri);
        self.suspect.remove(uri);
    }

    /// A message was dropped without saying for which document: every open one
    /// is suspect until its next edit.
    pub fn suspect_all(&self) {
        for entry in self.docs.iter() {
            self.suspect.insert(entry.key().clone(), entry.doc.version());
        }
    }

    /// Clears the document's suspicion; returns the version it was suspected at.
    pub fn take_suspicion(&self, uri: &Uri) -> Option<i32> {
        self.suspect.remove(uri).map(|(_, version)| version)
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

    /// Takes every open buffer's current lines as the new anchor for runtime annotations.
    pub fn reanchor_all(&self) {
        for mut entry in self.docs.iter_mut() {
            entry.lines_since_anchor = LineShift::default();
        }
    }

    /// The text of the open document at `path`, if one is.
    pub fn text_at(&self, path: &std::path::Path) -> Option<String> {
        self.docs.iter().find(|d| d.path.as_deref() == Some(path)).map(|d| d.doc.text().to_string())
    }

    /// The documents being analysed.
    pub fn uris(&self) -> Vec<Uri> {
        self.docs.iter().map(|e| e.key().clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::LineShift;

    #[test]
    fn lines_move_with_edits_and_edited_lines_vanish() {
        let mut shift = LineShift::default();
        shift.record((2, 4), 2, "a\nb\n"); // two line breaks typed inside line 2
        assert_eq!(shift.map(1), Some(1));
        assert_eq!(shift.map(2), None);
        assert_eq!(shift.map(5), Some(7));
        shift.record((0, 3), 3, ""); // lines 0..=3 joined into one: -3
        assert_eq!(shift.map(5), Some(4));
        assert_eq!(shift.map(1), None);
        shift.record((4, 0), 4, "// new\n"); // a line typed above line 4 leaves it alone
        assert_eq!(shift.map(5), Some(5));
        shift.lose_all();
        assert_eq!(shift.map(9), None);
    }
}
