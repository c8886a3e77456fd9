//! The identifiers of a file by name, indexed one top-level declaration at a
//! time, when first asked about.
//!
//! Following a channel by name looked at every node of the function that made
//! it, once per channel: with a channel made at every level of nested code, that
//! is quadratic in the nesting depth. Here a declaration is walked once, and the
//! identifiers of a name inside a node are one binary search away.

use std::cell::OnceCell;
use std::collections::HashMap;

use tree_sitter::Node;

use super::go::{self, NodeKind, text};

pub struct Identifiers<'t> {
    source: &'t str,
    /// The root's children, in source order.
    declarations: Vec<Node<'t>>,
    /// By declaration: its identifiers by name, in source order.
    indexed: Vec<OnceCell<HashMap<&'t str, Vec<Node<'t>>>>>,
}

impl<'t> Identifiers<'t> {
    pub fn of(root: Node<'t>, source: &'t str) -> Self {
        let mut cursor = root.walk();
        let declarations: Vec<Node<'t>> = root.children(&mut cursor).collect();
        let indexed = declarations.iter().map(|_| OnceCell::new()).collect();
        Identifiers { source, declarations, indexed }
    }

    /// The identifiers spelled `name` inside `scope`, in source order (as
    /// [`go::idents_named`]).
    pub fn named(&self, scope: Node<'t>, name: &str) -> std::borrow::Cow<'_, [Node<'t>]> {
        let at = self.declarations.partition_point(|d| d.end_byte() <= scope.start_byte());
        let inside = |d: &&Node| d.start_byte() <= scope.start_byte() && scope.end_byte() <= d.end_byte();
        let Some(declaration) = self.declarations.get(at).filter(inside) else {
            // Not under one declaration (the root itself, or another tree).
            return go::idents_named(scope, self.source, name).into();
        };
        let by_name = self.indexed[at].get_or_init(|| self.index(*declaration));
        let Some(idents) = by_name.get(name) else { return Vec::new().into() };
        let from = idents.partition_point(|i| i.start_byte() < scope.start_byte());
        let to = idents.partition_point(|i| i.end_byte() <= scope.end_byte());
        idents[from..to.max(from)].into()
    }

    /// The top-level declaration that holds `node`.
    pub fn declaration_of(&self, node: Node<'t>) -> Option<Node<'t>> {
        let at = self.declarations.partition_point(|d| d.end_byte() <= node.start_byte());
        self.declarations
            .get(at)
            .copied()
            .filter(|d| d.start_byte() <= node.start_byte() && node.end_byte() <= d.end_byte())
    }

    fn index(&self, declaration: Node<'t>) -> HashMap<&'t str, Vec<Node<'t>>> {
        let mut by_name: HashMap<&'t str, Vec<Node<'t>>> = HashMap::new();
        go::walk(declaration, |n| {
            if n.kind_name() == "identifier" {
                by_name.entry(text(n, self.source)).or_default().push(n);
            }
            go::Walk::Continue
        });
        by_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_walking_the_scope() {
        let src = "package p\nvar ch = 1\nfunc f(ch chan int) {\n\tgo func() {\n\t\tch <- 1\n\t}()\n\t<-ch\n}\nfunc g() { ch := 2; _ = ch }\n";
        let tree = crate::syntax::parse::parse_go(src, None);
        let identifiers = Identifiers::of(tree.root_node(), src);
        let mut scopes = Vec::new();
        go::walk(tree.root_node(), |n| {
            scopes.push(n);
            go::Walk::Continue
        });
        for scope in scopes {
            for name in ["ch", "f", "g", "int", "missing"] {
                assert_eq!(
                    identifiers.named(scope, name).to_vec(),
                    go::idents_named(scope, src, name),
                    "{name} in {scope:?}"
                );
            }
        }
    }
}
