//! Go source documents: text, tree-sitter tree, line index and position encodings.
//!
//! Everything here works in byte offsets, as tree-sitter does; conversion to the
//! client's line/column encoding happens only at the LSP boundary via [`position`].

pub mod document;
pub mod go;
pub mod parse;
pub mod position;

pub use document::{Document, EditError, TextChange};
pub use parse::parse_go;
pub use position::{LinePosition, PositionEncoding};
