//! An open Go document: text, tree, line index and version, kept in step on every edit.

use line_index::LineIndex;
use tree_sitter::{InputEdit, Point, Tree};

use super::parse::parse_go;
use super::position::{LinePosition, PositionEncoding, line_count, offset_of};

/// One change from the client: a range edit, or the whole text when `range` is None.
#[derive(Debug, Clone)]
pub struct TextChange {
    pub range: Option<(LinePosition, LinePosition)>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The range starts or ends on a line past the end of the document.
    OutOfBounds { line: u32, lines: u32 },
    /// The range ends before it starts.
    Inverted,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::OutOfBounds { line, lines } => {
                write!(f, "edit range line {line} is past the end of a {lines}-line document")
            }
            EditError::Inverted => write!(f, "edit range ends before it starts"),
        }
    }
}

impl std::error::Error for EditError {}

#[derive(Clone)]
pub struct Document {
    text: String,
    tree: Tree,
    line_index: LineIndex,
    version: i32,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let tree = parse_go(&text, None);
        let line_index = LineIndex::new(&text);
        Document { text, tree, line_index, version }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    /// Applies the client's changes in order, then re-parses incrementally once.
    /// On error the document is left as it was before the failing change's batch.
    pub fn apply_changes(
        &mut self,
        changes: &[TextChange],
        version: i32,
        enc: PositionEncoding,
    ) -> Result<(), EditError> {
        let mut staged = self.clone();
        for change in changes {
            staged.apply_one(change, enc)?;
        }
        staged.tree = parse_go(&staged.text, Some(&staged.tree));
        staged.version = version;
        *self = staged;
        Ok(())
    }

    fn apply_one(&mut self, change: &TextChange, enc: PositionEncoding) -> Result<(), EditError> {
        let Some((start, end)) = change.range else {
            self.text = change.text.clone();
            // A full replacement shares nothing worth reusing with the old tree.
            self.tree = parse_go(&self.text, None);
            self.line_index = LineIndex::new(&self.text);
            return Ok(());
        };
        let lines = line_count(&self.line_index);
        for pos in [start, end] {
            // Line == lines is the position just past a trailing newline; allow it.
            if pos.line > lines {
                return Err(EditError::OutOfBounds { line: pos.line, lines });
            }
        }
        if end < start {
            return Err(EditError::Inverted);
        }
        let start_byte = offset_of(&self.text, &self.line_index, start, enc);
        let old_end_byte = offset_of(&self.text, &self.line_index, end, enc).max(start_byte);
        let start_position = point_at(&self.text, start_byte);
        let old_end_position = point_at(&self.text, old_end_byte);
        self.text.replace_range(start_byte..old_end_byte, &change.text);
        let new_end_byte = start_byte + change.text.len();
        let new_end_position = point_at(&self.text, new_end_byte);
        self.tree.edit(&InputEdit {
            start_byte,
            old_end_byte,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position,
        });
        self.line_index = LineIndex::new(&self.text);
        Ok(())
    }
}

/// tree-sitter's point for a byte offset: row and *byte* column.
fn point_at(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point { row, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> LinePosition {
        LinePosition { line, column }
    }

    fn edit(start: LinePosition, end: LinePosition, text: &str) -> TextChange {
        TextChange { range: Some((start, end)), text: text.to_string() }
    }

    fn sexp(doc: &Document) -> String {
        doc.tree().root_node().to_sexp()
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new("package p\n\nfunc f() {\n\tx := 1\n}\n".into(), 1);
        let changes = [
            edit(pos(3, 6), pos(3, 7), "\"☃😀\""),
            edit(pos(4, 1), pos(4, 1), "\n\nfunc g() { go f() }\n"),
            edit(pos(0, 8), pos(0, 9), "main"),
        ];
        doc.apply_changes(&changes, 2, PositionEncoding::Utf16).unwrap();
        let fresh = Document::new(doc.text().to_string(), 2);
        assert_eq!(doc.text(), "package main\n\nfunc f() {\n\tx := \"☃😀\"\n}\n\nfunc g() { go f() }\n\n");
        assert_eq!(sexp(&doc), sexp(&fresh));
        assert_eq!(doc.version(), 2);
    }

    #[test]
    fn utf16_and_utf8_ranges_hit_the_same_bytes() {
        let text = "package p\n\nvar s = \"😀x\"\n";
        for (enc, col) in [(PositionEncoding::Utf16, 11), (PositionEncoding::Utf8, 13)] {
            let mut doc = Document::new(text.into(), 1);
            doc.apply_changes(&[edit(pos(2, col), pos(2, col + 1), "y")], 2, enc).unwrap();
            assert_eq!(doc.text(), "package p\n\nvar s = \"😀y\"\n", "{enc:?}");
        }
    }

    #[test]
    fn out_of_bounds_edit_is_rejected_and_leaves_the_document_alone() {
        let mut doc = Document::new("package p\n".into(), 1);
        let err = doc.apply_changes(
            &[edit(pos(1, 0), pos(1, 0), "x"), edit(pos(7, 0), pos(9, 0), "y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(err, Err(EditError::OutOfBounds { line: 7, lines: 2 }));
        assert_eq!(doc.text(), "package p\n");
        assert_eq!(doc.version(), 1);
        let inverted = doc.apply_changes(&[edit(pos(0, 5), pos(0, 1), "")], 3, PositionEncoding::Utf16);
        assert_eq!(inverted, Err(EditError::Inverted));
    }

    #[test]
    fn full_text_change_replaces_everything() {
        let mut doc = Document::new("package p\n".into(), 1);
        doc.apply_changes(&[TextChange { range: None, text: "package q\n".into() }], 5, PositionEncoding::Utf8)
            .unwrap();
        assert_eq!(doc.text(), "package q\n");
        assert_eq!(sexp(&doc), sexp(&Document::new("package q\n".into(), 5)));
    }
}
