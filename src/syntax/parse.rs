//! Parsing Go with tree-sitter-go.

use std::cell::RefCell;
use tree_sitter::{Language, Parser, Tree};

/// The tree-sitter-go grammar.
pub fn go_language() -> Language {
    tree_sitter_go::LANGUAGE.into()
}

thread_local! {
    // A parser per thread: `Parser` is cheap to reuse and costly to set up, and
    // rayon workers and the blocking pool each keep their own.
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser.set_language(&go_language()).expect("tree-sitter-go grammar is ABI-compatible with the tree-sitter core");
    parser
}

/// Parses `text`, reusing `old` (already edited with `Tree::edit`) for an incremental parse.
pub fn parse_go(text: &str, old: Option<&Tree>) -> Tree {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        // `parse` returns None only without a language or after a cancelled/timed-out
        // parse; we set neither, so a fresh parser is only a defensive fallback.
        match parser.parse(text, old) {
            Some(tree) => tree,
            None => {
                *parser = new_parser();
                parser.parse(text, None).expect("parser with a language always yields a tree")
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_loads_and_parses() {
        // Guards against an ABI mismatch between tree-sitter and tree-sitter-go,
        // which compiles fine and only fails here at run time.
        let tree = parse_go("package main\n\nfunc main() {}\n", None);
        assert_eq!(tree.root_node().kind(), "source_file");
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn newer_syntax_yields_error_nodes_not_failure() {
        // Go 1.26 `new(expr)` and Go 1.27 generic methods are not in the grammar yet.
        let src = "package p\n\nfunc (r *R) N[T any](n T) T { return n }\n\nvar x = new(42)\n";
        let tree = parse_go(src, None);
        assert_eq!(tree.root_node().kind(), "source_file");
    }
}
