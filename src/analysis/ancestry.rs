//! The parent, enclosing function and enclosing loop of every node of a file
//! (or of some of its top-level declarations), found in one walk, and the
//! file's top-level functions by name.
//!
//! tree-sitter nodes keep no parent pointer: `Node::parent` descends from the
//! root every time, so walking up from a node at depth d costs O(d²), and rules
//! that walk up from nodes deep in nested code made analysis quadratic (or
//! worse) in the nesting depth. Here a walk up costs one lookup per step, and
//! the enclosing function and loop of a node are one lookup each.

use std::collections::HashMap;

use tree_sitter::Node;

use super::go;
use super::go::NodeKind;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Links {
    parent: u32,
    function: u32,
    /// The innermost loop around the node within its function.
    in_loop: u32,
    /// One past the pre-order index of the node's last descendant.
    end: u32,
}

pub struct Ancestry<'t> {
    /// Pre-order index by node id.
    index: HashMap<usize, u32, foldhash::fast::RandomState>,
    nodes: Vec<Node<'t>>,
    links: Vec<Links>,
    /// Every top-level function (false) and method (true) by name; None when
    /// the name is declared more than once.
    top_level: HashMap<(bool, String), Option<Node<'t>>, foldhash::fast::RandomState>,
    /// The root's children, in source order: a node outside the walked
    /// declarations finds its parent by descending from the one around it.
    children: Vec<Node<'t>>,
}

impl<'t> Ancestry<'t> {
    /// The ancestry of every node of the tree under `root`.
    pub fn of(root: Node<'t>, src: &str) -> Self {
        let mut cursor = root.walk();
        let children: Vec<Node<'t>> = root.children(&mut cursor).collect();
        Self::of_declarations(root, &children, src)
    }

    /// The ancestry of the nodes of the top-level declarations `decls` (in
    /// source order) only, so that an edit of one function costs a walk of
    /// that function. A node elsewhere is found by descending from the root's
    /// child around it: each step up costs a descent, linear in its depth.
    pub fn of_declarations(root: Node<'t>, decls: &[Node<'t>], src: &str) -> Self {
        let mut cursor = root.walk();
        let mut ancestry = Ancestry {
            index: HashMap::default(),
            nodes: Vec::new(),
            links: Vec::new(),
            top_level: HashMap::default(),
            children: root.children(&mut cursor).collect(),
        };
        ancestry.add(root, NONE);
        for &decl in decls {
            ancestry.add_subtree(decl);
        }
        ancestry.links[0].end = ancestry.nodes.len() as u32;
        for decl in go::named_children(root) {
            let is_method = match decl.kind_name() {
                "function_declaration" => false,
                "method_declaration" => true,
                _ => continue,
            };
            let Some(name) = go::function_name(decl, src) else { continue };
            ancestry
                .top_level
                .entry((is_method, name.to_string()))
                .and_modify(|twice| *twice = None)
                .or_insert(Some(decl));
        }
        ancestry
    }

    /// Adds a child of the root and everything under it.
    fn add_subtree(&mut self, top: Node<'t>) {
        let mut cursor = top.walk();
        // Pre-order indices of the nodes from `top` down to the cursor.
        let mut path: Vec<u32> = Vec::new();
        self.add(top, 0);
        loop {
            let current = self.nodes.len() as u32 - 1;
            if cursor.goto_first_child() {
                path.push(current);
                self.add(cursor.node(), current);
                continue;
            }
            loop {
                let Some(&parent) = path.last() else { return };
                if cursor.goto_next_sibling() {
                    self.add(cursor.node(), parent);
                    break;
                }
                cursor.goto_parent();
                path.pop();
                self.links[parent as usize].end = self.nodes.len() as u32;
            }
        }
    }

    /// The top-level function (or, with `is_method`, a method of any receiver)
    /// named `name`, when the file declares exactly one.
    pub fn top_level_function(&self, is_method: bool, name: &str) -> Option<Node<'t>> {
        // A borrowed key cannot look up a (bool, String) map without building one.
        self.top_level.get(&(is_method, name.to_string())).copied().flatten()
    }

    fn add(&mut self, node: Node<'t>, parent: u32) {
        let at = self.nodes.len() as u32;
        let (function, in_loop) = match self.links.get(parent as usize) {
            None => (NONE, NONE),
            Some(up) => {
                let parent_node = self.nodes[parent as usize];
                if go::is_function(parent_node) {
                    (parent, NONE)
                } else if go::is_loop(parent_node) {
                    (up.function, parent)
                } else {
                    (up.function, up.in_loop)
                }
            }
        };
        self.index.insert(node.id(), at);
        self.nodes.push(node);
        self.links.push(Links { parent, function, in_loop, end: at + 1 });
    }

    fn at(&self, node: Node) -> Option<&Links> {
        self.index.get(&node.id()).map(|&i| &self.links[i as usize])
    }

    fn node(&self, i: u32) -> Option<Node<'t>> {
        self.nodes.get(i as usize).copied()
    }

    pub fn root(&self) -> Node<'t> {
        self.nodes[0]
    }

    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.at(node) {
            Some(links) => self.node(links.parent),
            None => self.parent_outside(node),
        }
    }

    /// The parent of a node not walked: found from the root's child around it
    /// down (tree-sitter's `Node::parent` starts from the root, and scans all
    /// of its children, on every call).
    fn parent_outside(&self, node: Node<'t>) -> Option<Node<'t>> {
        let root = self.root();
        if node.id() == root.id() {
            return None;
        }
        let from = self.children.partition_point(|c| c.end_byte() < node.end_byte());
        let around = self.children[from..].iter().take_while(|c| c.start_byte() <= node.start_byte());
        // Zero-width nodes can touch two children: the first that holds it.
        for &top in around {
            if top == node {
                return Some(root);
            }
            let mut at = top;
            while let Some(next) = at.child_with_descendant(node) {
                if next == node {
                    return Some(at);
                }
                at = next;
            }
        }
        // Not a node of this tree: ask tree-sitter.
        node.parent()
    }

    /// `node`'s ancestors, nearest first.
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        std::iter::successors(self.parent(node), |n| self.parent(*n))
    }

    /// As [`go::enclosing_function`].
    pub fn enclosing_function(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.at(node) {
            Some(links) => self.node(links.function),
            None => self.ancestors(node).find(|n| go::is_function(*n)),
        }
    }

    /// The functions and literals around `node`, innermost first: one step each,
    /// however deep the code between them.
    pub fn enclosing_functions(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        std::iter::successors(self.enclosing_function(node), |f| self.enclosing_function(*f))
    }

    /// As [`go::go_statement_of`]: the `go` statement that runs the literal `func`.
    pub fn go_statement_of(&self, func: Node<'t>) -> Option<Node<'t>> {
        let call = self.parent(func).filter(|_| func.kind_name() == "func_literal")?;
        if call.kind_name() != "call_expression" || call.child_by_field_name("function") != Some(func) {
            return None;
        }
        self.parent(call).filter(|g| g.kind_name() == "go_statement")
    }

    /// As [`go::enclosing_loop`].
    pub fn enclosing_loop(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.at(node) {
            Some(links) => self.node(links.in_loop),
            None => self.ancestors(node).take_while(|n| !go::is_function(*n)).find(|n| go::is_loop(*n)),
        }
    }

    /// As [`go::in_loop_within`]: a loop encloses `node` below `within`, in
    /// `node`'s function.
    pub fn in_loop_within(&self, node: Node<'t>, within: Node<'t>) -> bool {
        let (Some(&n), Some(&w)) = (self.index.get(&node.id()), self.index.get(&within.id())) else {
            // As `go::in_loop_within`, with this ancestry's parents.
            return self.ancestors(node).take_while(|n| *n != within && !go::is_function(*n)).any(|n| go::is_loop(n));
        };
        let lp = self.links[n as usize].in_loop;
        if lp == NONE {
            return false;
        }
        // `within` on the way up from `node` to the loop (inclusive) hides it.
        let within_is_ancestor = w < n && n < self.links[w as usize].end;
        let within_under_loop = lp <= w && w < self.links[lp as usize].end;
        !(within_is_ancestor && within_under_loop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_walking_up() {
        let src = "package p\nfunc f(ch chan int) {\n\tfor {\n\t\tif true {\n\t\t\tgo func() {\n\t\t\t\tfor range ch {\n\t\t\t\t\t<-ch\n\t\t\t\t}\n\t\t\t}()\n\t\t}\n\t}\n}\n";
        let tree = crate::syntax::parse::parse_go(src, None);
        let ancestry = Ancestry::of(tree.root_node(), src);
        let mut nodes = Vec::new();
        go::walk(tree.root_node(), |n| {
            nodes.push(n);
            go::Walk::Continue
        });
        let first = go::named_children(tree.root_node())[0];
        let partial = Ancestry::of_declarations(tree.root_node(), &[first], src);
        for &n in &nodes {
            assert_eq!(partial.parent(n), n.parent(), "{n:?}");
            assert_eq!(partial.enclosing_function(n), go::enclosing_function(n));
            assert_eq!(partial.enclosing_loop(n), go::enclosing_loop(n));
            assert_eq!(ancestry.parent(n), n.parent());
            assert_eq!(ancestry.enclosing_function(n), go::enclosing_function(n));
            assert_eq!(ancestry.enclosing_loop(n), go::enclosing_loop(n));
            for &w in &nodes {
                assert_eq!(ancestry.in_loop_within(n, w), go::in_loop_within(n, w), "{n:?} within {w:?}");
                assert_eq!(partial.in_loop_within(n, w), go::in_loop_within(n, w), "{n:?} within {w:?}");
            }
        }
    }
}
