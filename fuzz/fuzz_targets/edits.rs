//! Random edit sequences, in UTF-8 and UTF-16 positions, applied incrementally:
//! the text must stay valid and the tree must equal a fresh parse of the text.
#![no_main]

use leakls::syntax::{Document, LinePosition, PositionEncoding, TextChange};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Edit {
    start: (u8, u8),
    end: (u8, u8),
    text: String,
    full: bool,
}

#[derive(Arbitrary, Debug)]
struct Session {
    initial: String,
    utf16: bool,
    edits: Vec<Edit>,
}

fuzz_target!(|session: Session| {
    let enc = if session.utf16 { PositionEncoding::Utf16 } else { PositionEncoding::Utf8 };
    let mut doc = Document::new(session.initial, 0);
    for (version, edit) in session.edits.into_iter().take(64).enumerate() {
        let pos = |(line, column): (u8, u8)| LinePosition { line: u32::from(line), column: u32::from(column) };
        let range = (!edit.full).then(|| (pos(edit.start), pos(edit.end)));
        // Out-of-range and inverted edits are refused and must leave the document as it was.
        let before = doc.text().to_string();
        if doc.apply_changes(&[TextChange { range, text: edit.text }], version as i32 + 1, enc).is_err() {
            assert_eq!(doc.text(), before);
        }
    }
    let fresh = Document::new(doc.text().to_string(), 0);
    assert_eq!(doc.tree().root_node().to_sexp(), fresh.tree().root_node().to_sexp());
});
