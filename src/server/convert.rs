//! Conversions between the cores' byte offsets and LSP positions in the negotiated encoding.

use std::ops::Range as ByteRange;

use line_index::LineIndex;
use tower_lsp_server::ls_types::{Position, Range};

use crate::syntax::position::{LinePosition, offset_of, position_of};
use crate::syntax::PositionEncoding;

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

pub fn to_offset(text: &str, index: &LineIndex, p: Position, enc: PositionEncoding) -> usize {
    offset_of(text, index, from_position(p), enc)
}

pub fn to_byte_range(text: &str, index: &LineIndex, r: Range, enc: PositionEncoding) -> ByteRange<usize> {
    let start = to_offset(text, index, r.start, enc);
    let end = to_offset(text, index, r.end, enc).max(start);
    start..end
}
