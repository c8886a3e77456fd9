//! Conversions between the cores' byte offsets and LSP positions in the negotiated encoding.

use std::ops::Range as ByteRange;

use line_index::LineIndex;
use tower_lsp_server::ls_types::{Position, Range};

use crate::syntax::PositionEncoding;
use crate::syntax::position::{LinePosition, position_of};

pub fn to_position(text: &str, index: &LineIndex, offset: usize, enc: PositionEncoding) -> Position {
    let p = position_of(text, index, offset, enc);
    Position { line: p.line, character: p.column }
}

pub fn to_range(text: &str, index: &LineIndex, range: &ByteRange<usize>, enc: PositionEncoding) -> Range {
    Range { start: to_position(text, index, range.start, enc), end: to_position(text, index, range.end, enc) }
}

pub fn from_position(p: Position) -> LinePosition {
    LinePosition { line: p.line, column: p.character }
}
