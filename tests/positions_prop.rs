//! Property tests: byte offsets <-> line/column in UTF-8, UTF-16 and UTF-32,
//! checked against a direct count over the text.

use leakls::syntax::position::{line_count, offset_of, position_of};
use leakls::syntax::{LinePosition, PositionEncoding};
use line_index::LineIndex;
use proptest::prelude::*;

/// Text from pieces that stress the conversions: ASCII, 2-, 3- and 4-byte
/// characters, tabs, LF and CRLF line ends.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a"),
        Just("go "),
        Just("\t"),
        Just("\n"),
        Just("\r\n"),
        Just("é"),
        Just("日本"),
        Just("😀"),
        Just("☃"),
        Just("\u{200d}"),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

/// The position of `offset` counted directly.
fn model(text: &str, offset: usize, enc: PositionEncoding) -> LinePosition {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_text = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let column = match enc {
        PositionEncoding::Utf8 => line_text.len(),
        PositionEncoding::Utf16 => line_text.encode_utf16().count(),
        PositionEncoding::Utf32 => line_text.chars().count(),
    } as u32;
    LinePosition { line, column }
}

const ENCODINGS: [PositionEncoding; 3] = [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32];

proptest! {
    #[test]
    fn offsets_round_trip_and_match_a_direct_count(text in text()) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // The `\n` of a CRLF has no column of its own.
            if offset > 0 && text.as_bytes()[offset - 1] == b'\r' {
                continue;
            }
            for enc in ENCODINGS {
                let pos = position_of(&text, &index, offset, enc);
                prop_assert_eq!(pos, model(&text, offset, enc));
                prop_assert_eq!(offset_of(&text, &index, pos, enc), offset);
            }
        }
    }

    #[test]
    fn any_position_maps_to_a_char_boundary_in_range(text in text(), line in 0u32..40, column in 0u32..200) {
        let index = LineIndex::new(&text);
        for enc in ENCODINGS {
            let offset = offset_of(&text, &index, LinePosition { line, column }, enc);
            prop_assert!(offset <= text.len());
            prop_assert!(text.is_char_boundary(offset));
            if line >= line_count(&index) {
                prop_assert_eq!(offset, text.len());
            }
        }
    }
}
