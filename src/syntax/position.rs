//! Conversion between byte offsets and line/column positions in the negotiated encoding.
//!
//! Columns in LSP count UTF-16 code units unless client and server agree on UTF-8.
//! Out-of-range lines and columns are clamped, never a panic: clients send stale
//! positions after fast edits.

use line_index::{LineCol, LineIndex, WideEncoding, WideLineCol};
use text_size::TextSize;

/// How columns are counted on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// Picks the encoding from what the client offers: UTF-8 when offered (no
    /// conversion needed), else UTF-32, else the protocol default UTF-16.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Self {
        let offered: Vec<&str> = offered.into_iter().collect();
        if offered.contains(&"utf-8") {
            PositionEncoding::Utf8
        } else if offered.contains(&"utf-32") {
            PositionEncoding::Utf32
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    fn wide(self) -> Option<WideEncoding> {
        match self {
            PositionEncoding::Utf8 => None,
            PositionEncoding::Utf16 => Some(WideEncoding::Utf16),
            PositionEncoding::Utf32 => Some(WideEncoding::Utf32),
        }
    }
}

/// A zero-based line and a column counted in some [`PositionEncoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinePosition {
    pub line: u32,
    pub column: u32,
}

/// Byte offset of the end of `line`'s content (before `\n` or `\r\n`).
fn line_content_end(text: &str, index: &LineIndex, line: u32) -> Option<usize> {
    let range = index.line(line)?;
    let start = usize::from(range.start());
    let mut end = usize::from(range.end());
    let bytes = text.as_bytes();
    if end > start && bytes.get(end - 1) == Some(&b'\n') {
        end -= 1;
    }
    if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    Some(end)
}

/// Converts a position to a byte offset. A line past the end maps to the end of the
/// text; a column past the end of its line maps to the end of that line; a column
/// inside a multi-byte character snaps back to the character's start.
pub fn offset_of(text: &str, index: &LineIndex, pos: LinePosition, enc: PositionEncoding) -> usize {
    let line_count = line_count(index);
    if pos.line >= line_count {
        return text.len();
    }
    let line_start = index.line(pos.line).map(|r| usize::from(r.start())).unwrap_or(text.len());
    let line_end = line_content_end(text, index, pos.line).unwrap_or(text.len());
    let utf8_col = match enc.wide() {
        None => pos.column as usize,
        Some(wide) => {
            let line_col = index.to_utf8(wide, WideLineCol { line: pos.line, col: pos.column });
            line_col.map(|lc| lc.col as usize).unwrap_or(usize::MAX)
        }
    };
    let mut offset = line_start.saturating_add(utf8_col).min(line_end);
    while offset > line_start && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Converts a byte offset to a position. Offsets past the end clamp to the end;
/// offsets inside a multi-byte character snap back to its start.
pub fn position_of(text: &str, index: &LineIndex, offset: usize, enc: PositionEncoding) -> LinePosition {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_col = index.try_line_col(TextSize::new(offset as u32)).unwrap_or(LineCol { line: 0, col: 0 });
    let column = match enc.wide() {
        None => line_col.col,
        Some(wide) => index.to_wide(wide, line_col).map(|w| w.col).unwrap_or(line_col.col),
    };
    LinePosition { line: line_col.line, column }
}

/// Number of lines, counting a final line without a newline (and an empty last line).
pub fn line_count(index: &LineIndex) -> u32 {
    index.try_line_col(index.len()).map_or(1, |end| end.line + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, enc: PositionEncoding) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // The `\n` of a CRLF is not addressable: columns clamp before the `\r`.
            if offset > 0 && text.as_bytes()[offset - 1] == b'\r' {
                continue;
            }
            let pos = position_of(text, &index, offset, enc);
            assert_eq!(offset_of(text, &index, pos, enc), offset, "{enc:?} at {offset}");
        }
    }

    const MIXED: &str = "package p\n\n// 日本語 comment 😀\nvar s = \"☃😀é\" // 🎉\r\nfunc f() {}\n";

    #[test]
    fn round_trips_on_every_char_boundary() {
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            round_trip(MIXED, enc);
        }
    }

    #[test]
    fn columns_differ_by_encoding_after_wide_chars() {
        let index = LineIndex::new(MIXED);
        let offset = MIXED.find("// 🎉").unwrap();
        // Line 3: `var s = "☃😀é" // 🎉`; before `//` sit ☃ (3 bytes, 1 unit), 😀 (4 bytes, 2 units), é (2 bytes, 1 unit).
        assert_eq!(position_of(MIXED, &index, offset, PositionEncoding::Utf8), LinePosition { line: 3, column: 20 });
        assert_eq!(position_of(MIXED, &index, offset, PositionEncoding::Utf16), LinePosition { line: 3, column: 15 });
        assert_eq!(position_of(MIXED, &index, offset, PositionEncoding::Utf32), LinePosition { line: 3, column: 14 });
        let cjk_end = MIXED.find(" comment").unwrap();
        assert_eq!(position_of(MIXED, &index, cjk_end, PositionEncoding::Utf16), LinePosition { line: 2, column: 6 });
        assert_eq!(position_of(MIXED, &index, cjk_end, PositionEncoding::Utf8), LinePosition { line: 2, column: 12 });
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new(MIXED);
        let far = LinePosition { line: 99, column: 0 };
        assert_eq!(offset_of(MIXED, &index, far, PositionEncoding::Utf16), MIXED.len());
        let long_col = LinePosition { line: 0, column: 500 };
        assert_eq!(offset_of(MIXED, &index, long_col, PositionEncoding::Utf8), "package p".len());
        // A column past a CRLF line's content clamps before the `\r`.
        let crlf_line = LinePosition { line: 3, column: 900 };
        let expected = MIXED.find("\r\n").unwrap();
        assert_eq!(offset_of(MIXED, &index, crlf_line, PositionEncoding::Utf16), expected);
        // A UTF-8 column inside `😀` snaps to its start.
        let inside = LinePosition { line: 2, column: 24 };
        let snapped = offset_of(MIXED, &index, inside, PositionEncoding::Utf8);
        assert!(MIXED.is_char_boundary(snapped));
        assert_eq!(position_of(MIXED, &index, usize::MAX, PositionEncoding::Utf16).line, 5);
    }

    #[test]
    fn negotiation_prefers_utf8() {
        assert_eq!(PositionEncoding::negotiate(["utf-16", "utf-8"]), PositionEncoding::Utf8);
        assert_eq!(PositionEncoding::negotiate(["utf-16"]), PositionEncoding::Utf16);
        assert_eq!(PositionEncoding::negotiate([]), PositionEncoding::Utf16);
    }
}
