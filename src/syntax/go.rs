//! Helpers over tree-sitter-go syntax trees shared by the semantic model and the rules.
//!
//! They see names, not types. These helpers keep the
//! name-based reasoning in one place (which identifier is a use of which local,
//! which call is `time.NewTicker` under the file's import name for `time`).

use std::sync::LazyLock;

use tree_sitter::Node;

/// The source text of a node. Invalid ranges (never produced by tree-sitter on the
/// text it parsed) give "" rather than a panic.
/// Whether the text may hold a `go` statement: the word `go` followed by white
/// space or `(` (in a comment or string too, which only costs a closer look).
pub fn mentions_go_statement(source: &str) -> bool {
    let bytes = source.as_bytes();
    word_occurrences(source, "go").any(|at| {
        let selector = at.checked_sub(1).is_some_and(|i| bytes[i] == b'.');
        !selector && bytes.get(at + 2).is_some_and(|b| b.is_ascii_whitespace() || *b == b'(')
    })
}

/// Byte offsets where `word` occurs in `source` as a whole word (comments and
/// strings included).
pub fn word_occurrences<'s>(source: &'s str, word: &'s str) -> impl Iterator<Item = usize> + 's {
    let bytes = source.as_bytes();
    let in_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(bytes, word.as_bytes()).filter(move |&at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + word.len()).copied();
        !before.is_some_and(in_word) && !after.is_some_and(in_word)
    })
}

/// Every node kind's name, by kind id.
static KIND_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let go = crate::syntax::parse::go_language();
    (0..go.node_kind_count() as u16).map(|id| go.node_kind_for_id(id).unwrap_or("")).collect()
});

/// A node's kind by table lookup. `Node::kind` asks the C library and then
/// measures and checks the name it gets, on every call; the rules call it on
/// nearly every node they walk.
pub trait NodeKind {
    fn kind_name(&self) -> &'static str;
}

impl NodeKind for Node<'_> {
    #[inline]
    fn kind_name(&self) -> &'static str {
        match KIND_NAMES.get(usize::from(self.kind_id())) {
            Some(name) => name,
            None => self.kind(),
        }
    }
}

pub fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// Whether a node starts a new function body (and with it a new goroutine boundary
/// when it is the operand of `go`).
pub fn is_function(node: Node) -> bool {
    matches!(node.kind_name(), "function_declaration" | "method_declaration" | "func_literal")
}

pub fn is_loop(node: Node) -> bool {
    node.kind_name() == "for_statement"
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    Continue,
    SkipChildren,
}

/// Pre-order walk over `node` and its descendants. `visit` can prune a subtree.
/// Iterative, so deeply nested (or hostile) input cannot overflow the stack.
pub fn walk<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>) -> Walk) {
    let mut cursor = node.walk();
    let mut descend = visit(node) == Walk::Continue;
    loop {
        if descend && cursor.goto_first_child() {
            descend = visit(cursor.node()) == Walk::Continue;
            continue;
        }
        loop {
            if cursor.node() == node {
                return;
            }
            if cursor.goto_next_sibling() {
                descend = visit(cursor.node()) == Walk::Continue;
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Pre-order walk over `node`'s descendants, each with its ancestors up to
/// `node` (nearest last): what a visit needs of the parents without asking
/// tree-sitter, whose `Node::parent` descends from the root.
pub fn walk_with_ancestors<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>])) {
    let mut cursor = node.walk();
    let mut ancestors = vec![node];
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let current = cursor.node();
        visit(current, &ancestors);
        if cursor.goto_first_child() {
            ancestors.push(current);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            ancestors.pop();
            if ancestors.is_empty() {
                return;
            }
        }
    }
}

/// Walks `node` without entering nested function literals: what runs in this
/// function's own goroutine.
pub fn walk_own<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    walk(node, |n| {
        if n != node && n.kind_name() == "func_literal" {
            return Walk::SkipChildren;
        }
        visit(n);
        Walk::Continue
    });
}

/// All descendants of `node` (itself included) of the given kind.
pub fn descendants_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(node, |n| {
        if n.kind_name() == kind {
            out.push(n);
        }
        Walk::Continue
    });
    out
}

/// All function declarations, methods and function literals in the tree.
pub fn functions<'t>(root: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(root, |n| {
        if is_function(n) {
            out.push(n);
        }
        Walk::Continue
    });
    out
}

pub fn enclosing_function(node: Node) -> Option<Node> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// Whether `node` sits inside a loop that is itself inside `within` (and not
/// across a function boundary).
pub fn in_loop_within(node: Node, within: Node) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n == within || is_function(n) {
            return false;
        }
        if is_loop(n) {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// Whether `ancestor` contains `node` (or is it).
pub fn contains(ancestor: Node, node: Node) -> bool {
    ancestor.start_byte() <= node.start_byte() && node.end_byte() <= ancestor.end_byte()
}

/// Whether `node` (of the tree under `root`) lies in (or is) an ERROR or
/// MISSING node: such parts of the tree are not trusted for findings. Looked
/// for from the root down, linear in the depth, where walking up would be
/// quadratic (`Node::parent` descends from the root each time).
pub fn in_error(root: Node, node: Node) -> bool {
    if !root.has_error() {
        return false;
    }
    let mut cur = root;
    loop {
        if cur.is_error() || cur.is_missing() {
            return true;
        }
        match cur.child_with_descendant(node) {
            Some(child) if cur != node => cur = child,
            _ => return false,
        }
    }
}

/// The function's name: the declared name for functions and methods, None for literals.
pub fn function_name<'s>(func: Node, src: &'s str) -> Option<&'s str> {
    func.child_by_field_name("name").map(|n| text(n, src))
}

/// How a message names a function: `` `name` `` for a declaration or method,
/// "the function literal at line N" for a literal.
pub fn describe_function(func: Node, src: &str) -> String {
    match function_name(func, src) {
        Some(name) => format!("`{name}`"),
        None => format!("the function literal at line {}", line_of(func)),
    }
}

/// The package name from the `package` clause.
pub fn package_name<'s>(root: Node, src: &'s str) -> Option<&'s str> {
    file_header(root)
        .into_iter()
        .find(|n| n.kind_name() == "package_clause")
        .and_then(|clause| named_children(clause).into_iter().next())
        .map(|ident| text(ident, src))
}

/// The package clause, imports and comments that open a file: Go allows them
/// nowhere else, so looking no further keeps lookups cheap in long files.
pub fn file_header(root: Node) -> Vec<Node> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .take_while(|n| matches!(n.kind_name(), "package_clause" | "import_declaration" | "comment"))
        .collect()
}

/// The body block of a function node.
pub fn body(func: Node) -> Option<Node> {
    func.child_by_field_name("body")
}

/// A parameter: its name and its type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'s> {
    pub name: &'s str,
    pub ty: &'s str,
    pub index: usize,
}

/// The function's parameters in order (`a, b int` gives two), variadic ones included.
pub fn params<'s>(func: Node, src: &'s str) -> Vec<Param<'s>> {
    let mut out = Vec::new();
    let Some(list) = func.child_by_field_name("parameters") else { return out };
    let mut index = 0;
    for decl in named_children(list) {
        if !matches!(decl.kind_name(), "parameter_declaration" | "variadic_parameter_declaration") {
            continue;
        }
        let ty = decl.child_by_field_name("type").map(|t| text(t, src)).unwrap_or("");
        let mut cursor = decl.walk();
        let names: Vec<Node> = decl.children_by_field_name("name", &mut cursor).collect();
        if names.is_empty() {
            out.push(Param { name: "_", ty, index });
            index += 1;
        }
        for name in names {
            out.push(Param { name: text(name, src), ty, index });
            index += 1;
        }
    }
    out
}

/// The receiver of a method, as a parameter.
pub fn receiver<'s>(func: Node, src: &'s str) -> Option<Param<'s>> {
    let list = func.child_by_field_name("receiver")?;
    let decl = named_children(list).into_iter().find(|n| n.kind_name() == "parameter_declaration")?;
    let name = decl.child_by_field_name("name").map(|n| text(n, src)).unwrap_or("_");
    let ty = decl.child_by_field_name("type").map(|t| text(t, src)).unwrap_or("");
    Some(Param { name, ty, index: 0 })
}

/// Whether the function declares results (then a bare `return` is not valid Go).
pub fn has_results(func: Node) -> bool {
    func.child_by_field_name("result").is_some()
}

/// Local names under which `specs` import package `path` (usually one; the last
/// path element unless aliased). Blank and dot imports give no name.
fn names_importing(specs: &[Node], src: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for &spec in specs {
        let Some(p) = spec.child_by_field_name("path") else { continue };
        let quoted = text(p, src);
        if quoted.trim_matches(|c| c == '"' || c == '`') != path {
            continue;
        }
        match spec.child_by_field_name("name") {
            Some(alias) if alias.kind_name() == "package_identifier" => out.push(text(alias, src).to_string()),
            Some(_) => {}
            None => out.push(path.rsplit('/').next().unwrap_or(path).to_string()),
        }
    }
    out
}

/// The file's import specs. Imports sit only in top-level declarations, so this
/// looks no deeper (a walk of the whole tree costs a third of a parse).
pub fn import_specs(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for decl in file_header(root).into_iter().filter(|n| n.kind_name() == "import_declaration") {
        for child in named_children(decl) {
            match child.kind_name() {
                "import_spec" => out.push(child),
                "import_spec_list" => {
                    out.extend(named_children(child).into_iter().filter(|n| n.kind_name() == "import_spec"))
                }
                _ => {}
            }
        }
    }
    out
}

/// The type specs of the file's top-level `type` declarations (types declared
/// inside functions are left out: looking for them would cost a walk of the whole tree).
pub fn top_level_type_specs(root: Node) -> Vec<Node> {
    type_specs_in(&named_children(root))
}

/// The type specs of those of `decls` that are type declarations.
pub fn type_specs_in<'t>(decls: &[Node<'t>]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for decl in decls.iter().filter(|n| n.kind_name() == "type_declaration") {
        out.extend(named_children(*decl).into_iter().filter(|n| n.kind_name() == "type_spec"));
    }
    out
}

/// The imports rules ask about, resolved once per file.
#[derive(Debug, Clone, Default)]
pub struct Imports {
    pub time: Vec<String>,
    pub context: Vec<String>,
    pub http: Vec<String>,
    pub sync: Vec<String>,
}

impl Imports {
    pub fn of(root: Node, src: &str) -> Self {
        let specs = import_specs(root);
        Imports {
            time: names_importing(&specs, src, "time"),
            context: names_importing(&specs, src, "context"),
            http: names_importing(&specs, src, "net/http"),
            sync: names_importing(&specs, src, "sync"),
        }
    }
}

/// For `pkg.Name(...)` returns `(Some("pkg"), "Name")`, for `name(...)` returns
/// `(None, "name")`; other callees (method values on calls, index expressions) give None.
pub fn callee<'s>(call: Node, src: &'s str) -> Option<(Option<&'s str>, &'s str)> {
    let function = call.child_by_field_name("function")?;
    match function.kind_name() {
        "identifier" => Some((None, text(function, src))),
        "selector_expression" => {
            let operand = function.child_by_field_name("operand")?;
            let field = function.child_by_field_name("field")?;
            if operand.kind_name() == "identifier" { Some((Some(text(operand, src)), text(field, src))) } else { None }
        }
        _ => None,
    }
}

/// Whether `call` is `pkg.name(...)` for one of the file's import names of a package.
pub fn is_pkg_call(call: Node, src: &str, pkg_names: &[String], names: &[&str]) -> bool {
    if call.kind_name() != "call_expression" {
        return false;
    }
    match callee(call, src) {
        Some((Some(pkg), name)) => pkg_names.iter().any(|p| p == pkg) && names.contains(&name),
        _ => false,
    }
}

/// The arguments of a call expression.
pub fn call_args(call: Node) -> Vec<Node> {
    call.child_by_field_name("arguments").map(named_children).unwrap_or_default()
}

/// Unwraps parentheses around an expression.
pub fn unparen(mut node: Node) -> Node {
    while node.kind_name() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Whether `node` is the identifier `name`.
pub fn is_ident(node: Node, src: &str, name: &str) -> bool {
    node.kind_name() == "identifier" && text(node, src) == name
}

/// If `node` is `<-X` (a receive expression), returns X.
pub fn receive_operand(node: Node) -> Option<Node> {
    if node.kind_name() != "unary_expression" {
        return None;
    }
    let op = node.child_by_field_name("operator")?;
    if op.kind_name() != "<-" {
        return None;
    }
    node.child_by_field_name("operand")
}

/// The statement containing `node`: the ancestor whose parent is a statement list.
pub fn statement_of(node: Node) -> Option<Node> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        if parent.kind_name() == "statement_list" {
            return Some(cur);
        }
        if is_function(parent) {
            return None;
        }
        cur = parent;
    }
}

/// The statement after `stmt` in its statement list.
pub fn next_statement(stmt: Node) -> Option<Node> {
    let mut next = stmt.next_named_sibling();
    while let Some(n) = next {
        if n.kind_name() != "comment" {
            return Some(n);
        }
        next = n.next_named_sibling();
    }
    None
}

/// Byte offset of the start of the line holding `offset`.
pub fn line_start(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset just past the end of the line holding `offset` (after its `\n`, or the text end).
pub fn line_end(src: &str, offset: usize) -> usize {
    src[offset.min(src.len())..].find('\n').map_or(src.len(), |i| offset + i + 1)
}

/// The leading whitespace of the line holding `offset`.
pub fn indent_at(src: &str, offset: usize) -> &str {
    let start = line_start(src, offset);
    let rest = &src[start..];
    let len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..len]
}

/// 1-based line where `node` starts (for messages). tree-sitter keeps it: a
/// count of the line breaks before it would cost the file's size per message,
/// and a file's findings grow with the file.
pub fn line_of(node: Node) -> usize {
    node.start_position().row + 1
}

/// 1-based line where `node` ends.
pub fn end_line_of(node: Node) -> usize {
    node.end_position().row + 1
}

/// 1-based line of a byte offset inside `within` (for messages): the line of
/// the smallest node there, plus the line breaks between its start and the offset.
pub fn line_at(within: Node, src: &str, offset: usize) -> usize {
    let node = within.descendant_for_byte_range(offset, offset).unwrap_or(within);
    let (from, base) = if node.start_byte() <= offset { (node.start_byte(), line_of(node)) } else { (0, 1) };
    base + src.as_bytes()[from..offset.min(src.len())].iter().filter(|&&b| b == b'\n').count()
}

/// Names declared by a declaration statement (`a, b := ...`, `var a = ...`,
/// `a, b = ...` for assignments), each with the expression assigned to it when
/// the right-hand side has one value per name.
pub fn declared<'t>(stmt: Node<'t>) -> Vec<(Node<'t>, Option<Node<'t>>)> {
    match stmt.kind_name() {
        "short_var_declaration" | "assignment_statement" => {
            let (Some(left), Some(right)) = (stmt.child_by_field_name("left"), stmt.child_by_field_name("right"))
            else {
                return Vec::new();
            };
            let lefts = named_children(left);
            let rights = named_children(right);
            lefts
                .iter()
                .enumerate()
                .map(|(i, l)| (*l, if lefts.len() == rights.len() { rights.get(i).copied() } else { None }))
                .collect()
        }
        "var_declaration" => {
            let mut out = Vec::new();
            for spec in descendants_of_kind(stmt, "var_spec") {
                let mut cursor = spec.walk();
                let names: Vec<Node> = spec.children_by_field_name("name", &mut cursor).collect();
                let values = spec.child_by_field_name("value").map(named_children).unwrap_or_default();
                for (i, name) in names.iter().enumerate() {
                    let value = if names.len() == values.len() { values.get(i).copied() } else { None };
                    out.push((*name, value));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Identifier nodes named `name` inside `scope`, excluding struct field names and
/// selector fields (`x.name`), which tree-sitter already gives other kinds.
pub fn idents_named<'t>(scope: Node<'t>, src: &str, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(scope, |n| {
        if n.kind_name() == "identifier" && text(n, src) == name {
            out.push(n);
        }
        Walk::Continue
    });
    out
}

/// Whether a function literal or declaration rebinds `name` as one of its
/// parameters (so uses inside it refer to something else).
pub fn shadows_as_param(func: Node, src: &str, name: &str) -> bool {
    params(func, src).iter().any(|p| p.name == name)
}

/// The expression that gives a `context.Context` in scope at `at`, inside `func`
/// and the functions enclosing it: a `context.Context` parameter, a local
/// assigned from a `context.*` call or a `.Context()` call, or `r.Context()` for an
/// `*http.Request` parameter `r`. Only names declared before `at` count.
pub fn context_in_scope(func: Node, at: Node, src: &str, imports: &Imports) -> Option<String> {
    context_in_scope_with(func, at, src, imports, &mut enclosing_function, &mut |f| {
        context_locals(f, src, imports, &|n| n.parent())
    })
}

/// As [`context_in_scope`], with each function's [`context_locals`] from
/// `locals_of`, and the next function to look in after a literal from
/// `outer_of`: the enclosing one, or a function further out when those between
/// can give no context. Callers may keep both: asked from deep in nested
/// literals, each walk of a body or up the literals would be repeated for every
/// place asked about.
pub fn context_in_scope_with<'t>(
    func: Node<'t>,
    at: Node<'t>,
    src: &str,
    imports: &Imports,
    outer_of: &mut dyn FnMut(Node<'t>) -> Option<Node<'t>>,
    locals_of: &mut dyn FnMut(Node<'t>) -> Vec<ContextLocal<'t>>,
) -> Option<String> {
    let mut current = Some(func);
    while let Some(f) = current {
        // The last one declared before `at` whose scope still covers it.
        let local = locals_of(f)
            .into_iter()
            .rev()
            .find(|l| l.declaration.start_byte() < at.start_byte() && l.scope.is_none_or(|block| contains(block, at)));
        if let Some(local) = local {
            return Some(local.name);
        }
        for p in params(f, src) {
            if p.name != "_" && is_context_type(p.ty, imports) {
                return Some(p.name.to_string());
            }
        }
        for p in params(f, src) {
            if p.name != "_" && is_request_type(p.ty, imports) {
                return Some(format!("{}.Context()", p.name));
            }
        }
        if f.kind_name() != "func_literal" {
            break;
        }
        current = outer_of(f);
    }
    None
}

/// Whether a context can come from `func` itself: a local given one, or a
/// `context.Context` or `*http.Request` parameter.
pub fn gives_context(func: Node, src: &str, imports: &Imports, locals: &[ContextLocal]) -> bool {
    !locals.is_empty()
        || params(func, src)
            .iter()
            .any(|p| p.name != "_" && (is_context_type(p.ty, imports) || is_request_type(p.ty, imports)))
}

/// A local given a context in a function's own body: `ctx := r.Context()`,
/// `ctx, cancel := context.WithCancel(parent)`.
#[derive(Debug, Clone)]
pub struct ContextLocal<'t> {
    pub declaration: Node<'t>,
    /// The block the declaration is in, where the name can be used.
    pub scope: Option<Node<'t>>,
    pub name: String,
}

/// The locals given a context in `func`'s own body, in source order.
pub fn context_locals<'t>(
    func: Node<'t>,
    src: &str,
    imports: &Imports,
    parent_of: ParentOf<'_, 't>,
) -> Vec<ContextLocal<'t>> {
    let mut locals = Vec::new();
    let Some(body) = body(func) else { return locals };
    walk_own(body, |n| {
        if !matches!(n.kind_name(), "short_var_declaration" | "var_declaration") {
            return;
        }
        let scope = parent_of(n).and_then(parent_of);
        let mut pairs = declared(n);
        // `ctx, cancel := context.WithCancel(parent)`: one call gives the first name its context.
        if let [(first, None), ..] = pairs.as_slice() {
            let right = n.child_by_field_name("right").map(named_children).unwrap_or_default();
            if let [call] = right.as_slice() {
                pairs = vec![(*first, Some(*call))];
            }
        }
        for (name, value) in pairs {
            let Some(value) = value else {
                continue;
            };
            let value = unparen(value);
            let is_ctx_call = value.kind_name() == "call_expression"
                && (is_pkg_call(
                    value,
                    src,
                    &imports.context,
                    &[
                        "WithCancel",
                        "WithTimeout",
                        "WithDeadline",
                        "WithCancelCause",
                        "WithValue",
                        "WithoutCancel",
                        "WithTimeoutCause",
                        "WithDeadlineCause",
                    ],
                ) || matches!(callee(value, src), Some((Some(_), "Context"))));
            if is_ctx_call && name.kind_name() == "identifier" && text(name, src) != "_" {
                locals.push(ContextLocal { declaration: n, scope, name: text(name, src).to_string() });
            }
        }
    });
    locals
}

pub fn is_context_type(ty: &str, imports: &Imports) -> bool {
    imports.context.iter().any(|c| ty == format!("{c}.Context"))
}

pub fn is_request_type(ty: &str, imports: &Imports) -> bool {
    imports.http.iter().any(|h| ty == format!("*{h}.Request"))
}

/// Whether the statements of `node` can leave the enclosing function or loop:
/// a `return`, a `panic(...)`, a `goto`, or a labelled `break`/`continue` (which
/// target an outer statement). Nested function literals are not looked into.
pub fn leaves<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut exit = None;
    walk_own(node, |n| {
        if exit.is_some() {
            return;
        }
        match n.kind_name() {
            "return_statement" | "goto_statement" => exit = Some(n),
            "break_statement" | "continue_statement" if n.named_child(0).is_some() => exit = Some(n),
            "call_expression" if matches!(callee(n, src), Some((None, "panic"))) => exit = Some(n),
            _ => {}
        }
    });
    exit
}

/// Whether a `for` loop can never end: no condition or clause, and no `return`,
/// `goto`, `panic` or `break` that leaves it (a plain `break` inside a nested
/// `select`, `switch` or loop only leaves that statement).
pub fn loop_never_exits(for_stmt: Node, src: &str) -> bool {
    loop_never_exits_with(for_stmt, src, &|n| n.parent())
}

/// As [`loop_never_exits`], with the parents from `parent_of`.
pub fn loop_never_exits_with<'t>(for_stmt: Node<'t>, src: &str, parent_of: ParentOf<'_, 't>) -> bool {
    if for_stmt.kind_name() != "for_statement" {
        return false;
    }
    let has_header = named_children(for_stmt).iter().any(|c| c.kind_name() != "block" && c.kind_name() != "comment");
    if has_header {
        return false;
    }
    let Some(body) = for_stmt.child_by_field_name("body") else { return false };
    let label = loop_label(for_stmt, src, parent_of);
    let mut exits = false;
    walk(body, |n| {
        if exits || n.kind_name() == "func_literal" {
            return Walk::SkipChildren;
        }
        match n.kind_name() {
            "return_statement" | "goto_statement" => exits = true,
            "call_expression" if matches!(callee(n, src), Some((None, "panic"))) => exits = true,
            "break_statement" => match n.named_child(0) {
                Some(target) => exits |= Some(text(target, src)) == label,
                None => exits |= breaks_out_of(n, for_stmt, parent_of),
            },
            _ => {}
        }
        Walk::Continue
    });
    !exits
}

/// Whether an unlabelled `break` at `brk` targets `loop` (no closer breakable statement).
fn breaks_out_of<'t>(brk: Node<'t>, loop_node: Node<'t>, parent_of: ParentOf<'_, 't>) -> bool {
    let mut cur = parent_of(brk);
    while let Some(n) = cur {
        if n == loop_node {
            return true;
        }
        if matches!(
            n.kind_name(),
            "for_statement" | "select_statement" | "expression_switch_statement" | "type_switch_statement"
        ) {
            return false;
        }
        cur = parent_of(n);
    }
    false
}

/// The label of a labelled loop (`outer: for ...`).
fn loop_label<'s, 't>(for_stmt: Node<'t>, src: &'s str, parent_of: ParentOf<'_, 't>) -> Option<&'s str> {
    parent_of(for_stmt)
        .filter(|p| p.kind_name() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| text(l, src))
}

/// Whether `func` is `main` of package main or an `init` function: code that runs
/// for the life of the process.
pub fn is_process_entry(func: Node, root: Node, src: &str) -> bool {
    if func.kind_name() != "function_declaration" {
        return false;
    }
    match function_name(func, src) {
        Some("init") => true,
        Some("main") => package_name(root, src) == Some("main"),
        _ => false,
    }
}

/// Whether `func` takes a `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`:
/// a test, or a helper of one.
pub fn takes_testing(func: Node, src: &str) -> bool {
    params(func, src).iter().any(|p| matches!(p.ty, "*testing.T" | "*testing.B" | "*testing.F" | "testing.TB"))
}

/// Whether `func` is a top-level test, benchmark, fuzz target or `TestMain`: a
/// `TestX`/`BenchmarkX`/`FuzzX` function whose one parameter is a `*testing.T/B/F/M`.
pub fn is_test_entry(func: Node, src: &str) -> bool {
    if func.kind_name() != "function_declaration" {
        return false;
    }
    let Some(name) = function_name(func, src) else {
        return false;
    };
    let testing_param = match params(func, src).as_slice() {
        [p] => p.ty.starts_with('*') && [".T", ".B", ".F", ".M"].iter().any(|t| p.ty.ends_with(t)),
        _ => false,
    };
    testing_param && ["Test", "Benchmark", "Fuzz"].iter().any(|prefix| name.starts_with(prefix))
}

/// The call a `go` statement makes.
pub fn go_call(go_statement: Node) -> Option<Node> {
    named_children(go_statement).into_iter().find(|n| n.kind_name() == "call_expression")
}

/// The `go` statement that runs the literal `func`: `go func(...) { ... }(...)`.
pub fn go_statement_of(func: Node) -> Option<Node> {
    if func.kind_name() != "func_literal" {
        return None;
    }
    let call = func.parent()?;
    if call.kind_name() != "call_expression" || call.child_by_field_name("function") != Some(func) {
        return None;
    }
    call.parent().filter(|g| g.kind_name() == "go_statement")
}

/// The functions and methods this file starts as goroutines by name: `go name(...)`
/// and `go x.name(...)`. Methods are matched by name only, whatever their receiver.
#[derive(Debug, Default)]
pub struct GoroutineEntries<'s> {
    functions: Vec<&'s str>,
    methods: Vec<&'s str>,
}

impl<'s> GoroutineEntries<'s> {
    /// From the file's `go` statements (see `FileContext::go_statements`).
    pub fn of(go_statements: &[Node], src: &'s str) -> Self {
        let mut entries = GoroutineEntries::default();
        for &stmt in go_statements {
            let Some(call) = go_call(stmt) else {
                continue;
            };
            let Some(function) = call.child_by_field_name("function").map(unparen) else {
                continue;
            };
            match function.kind_name() {
                "identifier" => entries.functions.push(text(function, src)),
                "selector_expression" => {
                    if let Some(field) = function.child_by_field_name("field") {
                        entries.methods.push(text(field, src));
                    }
                }
                _ => {}
            }
        }
        entries
    }

    /// Whether `func` runs as a goroutine of its own: the literal of a `go`
    /// statement, or a declared function or method that this file starts with `go`.
    pub fn runs_as_goroutine(&self, func: Node, src: &str) -> bool {
        match func.kind_name() {
            "func_literal" => go_statement_of(func).is_some(),
            "function_declaration" => function_name(func, src).is_some_and(|n| self.functions.contains(&n)),
            "method_declaration" => function_name(func, src).is_some_and(|n| self.methods.contains(&n)),
            _ => false,
        }
    }
}

/// Whether a call never returns to the statement after it: `panic`, `os.Exit`,
/// `runtime.Goexit`, `log.Panic*` and any `Fatal*` function or method (log,
/// testing, loggers).
pub fn never_returns(call: Node, src: &str) -> bool {
    if call.kind_name() != "call_expression" {
        return false;
    }
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    if function.kind_name() == "identifier" {
        return text(function, src) == "panic";
    }
    if function.kind_name() != "selector_expression" {
        return false;
    }
    let field = function.child_by_field_name("field").map_or("", |f| text(f, src));
    let operand = function.child_by_field_name("operand").map_or("", |o| text(o, src));
    field.starts_with("Fatal")
        || matches!((operand, field), ("os", "Exit") | ("runtime", "Goexit"))
        || (operand == "log" && field.starts_with("Panic"))
}

/// The `}` token that closes a block, when the source has one.
pub fn closing_brace(block: Node) -> Option<Node> {
    let last = block.child(block.child_count().checked_sub(1)?)?;
    (last.kind_name() == "}" && !last.is_missing()).then_some(last)
}

/// Where a line can go first in a block: just past the line of its `{`, when
/// nothing but whitespace follows the brace on that line.
pub fn after_opening_line(src: &str, block: Node) -> Option<usize> {
    let open = block.child(0).filter(|c| c.kind_name() == "{")?;
    let end = line_end(src, open.end_byte());
    src.get(open.end_byte()..end)?.trim().is_empty().then_some(end)
}

/// `func` and, for a function literal, the functions it is nested in, innermost
/// first: the functions whose parameters and locals are in scope inside `func`.
pub fn nesting(func: Node) -> impl Iterator<Item = Node> {
    std::iter::successors(Some(func), |f| if f.kind_name() == "func_literal" { enclosing_function(*f) } else { None })
}

/// Where a statement goes first in `block` (a function literal's body spanning
/// lines), with the indentation of its first statement: the insertion of
/// `statement` on a line of its own. None for a block on one line or an empty one.
pub fn first_statement_insert(src: &str, block: Node, statement: &str) -> Option<(usize, String)> {
    let open_line_end = line_end(src, block.start_byte());
    if open_line_end > block.end_byte() || src[block.start_byte() + 1..open_line_end].trim() != "" {
        return None;
    }
    let first = named_children(block).into_iter().next()?;
    Some((open_line_end, format!("{}{statement}\n", indent_at(src, first.start_byte()))))
}

/// Just past the line on which `node` ends, when nothing but whitespace or a
/// comment follows it there: where a line can go after a statement.
pub fn after_line_of(src: &str, node: Node) -> Option<usize> {
    let end = line_end(src, node.end_byte());
    let rest = src.get(node.end_byte()..end)?.trim();
    (rest.is_empty() || rest.starts_with("//")).then_some(end)
}

/// A way out of a statement list that passes no "use" (see [`exits_skipping`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip<'t> {
    /// A `return` statement, at any depth.
    Return(Node<'t>),
    /// A `break` or `continue` that leaves the statement list.
    Jump(Node<'t>),
    /// Falling off the end of the statement list.
    End,
}

/// The ways out of the statement list `list`, starting after the statement `after`
/// (from its top when None), along which no statement satisfies `is_use`. A
/// compound statement is followed branch by branch (`if`/`else`, `switch`,
/// `select`, loops); any other statement containing a use ends the path. Loops are
/// conservative: a loop whose body holds a use anywhere ends the path after it.
/// Calls that never return ([`never_returns`]) end a path without an exit.
///
/// None when the paths cannot be followed syntactically: `goto`, labelled
/// `break`/`continue`, `fallthrough`, or syntax errors.
pub fn exits_skipping<'t>(
    list: Node<'t>,
    after: Option<Node<'t>>,
    src: &str,
    is_use: &dyn Fn(Node<'t>) -> bool,
) -> Option<Vec<Skip<'t>>> {
    let paths = Paths { src, is_use };
    let stmts = named_children(list).into_iter().filter(|s| after.is_none_or(|a| s.start_byte() >= a.end_byte()));
    let flow = paths.sequence(stmts, Targets::default())?;
    let mut exits = flow.exits;
    if flow.falls_through {
        exits.push(Skip::End);
    }
    Some(exits)
}

/// What a statement does to a path that enters it without a use.
struct Flow<'t> {
    exits: Vec<Skip<'t>>,
    /// Control can reach the statement's end with no use on the way.
    falls_through: bool,
    /// An unlabelled `break` aimed at the innermost enclosing switch, select or loop is reached.
    breaks: bool,
}

impl Flow<'_> {
    fn through() -> Self {
        Flow { exits: Vec::new(), falls_through: true, breaks: false }
    }

    /// A path that ends here: it used the value, or cannot go on.
    fn stopped() -> Self {
        Flow { exits: Vec::new(), falls_through: false, breaks: false }
    }
}

/// Which statements inside the analysed list an unlabelled `break`/`continue` targets.
#[derive(Clone, Copy, Default)]
struct Targets {
    breakable: bool,
    in_loop: bool,
}

struct Paths<'a, 't> {
    src: &'a str,
    is_use: &'a dyn Fn(Node<'t>) -> bool,
}

impl<'t> Paths<'_, 't> {
    fn uses(&self, node: Option<Node<'t>>) -> bool {
        node.is_some_and(|n| (self.is_use)(n))
    }

    fn sequence(&self, stmts: impl IntoIterator<Item = Node<'t>>, targets: Targets) -> Option<Flow<'t>> {
        let mut flow = Flow::through();
        for stmt in stmts {
            if stmt.kind_name() == "comment" {
                continue;
            }
            let f = self.statement(stmt, targets)?;
            flow.exits.extend(f.exits);
            flow.breaks |= f.breaks;
            if !f.falls_through {
                flow.falls_through = false;
                break;
            }
        }
        Some(flow)
    }

    /// The statements of a block, or of a case clause (its statement list child).
    fn body(&self, node: Option<Node<'t>>, targets: Targets) -> Option<Flow<'t>> {
        let Some(node) = node else {
            return Some(Flow::through());
        };
        let list = named_children(node).into_iter().find(|n| n.kind_name() == "statement_list");
        self.sequence(list.map(named_children).unwrap_or_default(), targets)
    }

    fn statement(&self, stmt: Node<'t>, targets: Targets) -> Option<Flow<'t>> {
        if stmt.has_error() || stmt.is_missing() {
            return None;
        }
        match stmt.kind_name() {
            "block" => self.body(Some(stmt), targets),
            "if_statement" => {
                if self.uses(stmt.child_by_field_name("initializer"))
                    || self.uses(stmt.child_by_field_name("condition"))
                {
                    return Some(Flow::stopped());
                }
                let mut flow = self.body(stmt.child_by_field_name("consequence"), targets)?;
                let alternative = match stmt.child_by_field_name("alternative") {
                    Some(alt) if alt.kind_name() == "if_statement" => self.statement(alt, targets)?,
                    Some(alt) => self.body(Some(alt), targets)?,
                    None => Flow::through(),
                };
                flow.exits.extend(alternative.exits);
                flow.falls_through |= alternative.falls_through;
                flow.breaks |= alternative.breaks;
                Some(flow)
            }
            "expression_switch_statement" | "type_switch_statement" => {
                if ["initializer", "value", "alias"].iter().any(|f| self.uses(stmt.child_by_field_name(f))) {
                    return Some(Flow::stopped());
                }
                let cases: Vec<Node> = named_children(stmt)
                    .into_iter()
                    .filter(|c| matches!(c.kind_name(), "expression_case" | "type_case" | "default_case"))
                    .collect();
                let has_default = cases.iter().any(|c| c.kind_name() == "default_case");
                self.cases(&cases, !has_default, targets, "value")
            }
            "select_statement" => {
                let cases: Vec<Node> = named_children(stmt)
                    .into_iter()
                    .filter(|c| matches!(c.kind_name(), "communication_case" | "default_case"))
                    .collect();
                // `select {}` never goes on.
                self.cases(&cases, false, targets, "communication")
            }
            "for_statement" => {
                let body = stmt.child_by_field_name("body");
                let header: Vec<Node> = named_children(stmt)
                    .into_iter()
                    .filter(|c| Some(*c) != body && c.kind_name() != "comment")
                    .collect();
                if header.iter().any(|h| (self.is_use)(*h)) {
                    return Some(Flow::stopped());
                }
                let inner = self.body(body, Targets { breakable: true, in_loop: true })?;
                // A `break` reached unused on the first iteration leaves unused. Leaving
                // through the header is only followed when the body never uses: which
                // iteration did is beyond a syntactic walk.
                let falls_through = inner.breaks || (!header.is_empty() && !self.uses(body));
                Some(Flow { exits: inner.exits, falls_through, breaks: false })
            }
            "labeled_statement" => {
                let inner = named_children(stmt)
                    .into_iter()
                    .find(|c| c.kind_name() != "label_name" && c.kind_name() != "comment");
                match inner {
                    Some(inner) => self.statement(inner, targets),
                    None => Some(Flow::through()),
                }
            }
            "return_statement" => {
                if (self.is_use)(stmt) {
                    return Some(Flow::stopped());
                }
                Some(Flow { exits: vec![Skip::Return(stmt)], falls_through: false, breaks: false })
            }
            "break_statement" | "continue_statement" => {
                if stmt.named_child(0).is_some() {
                    return None;
                }
                let is_break = stmt.kind_name() == "break_statement";
                if is_break && targets.breakable {
                    Some(Flow { exits: Vec::new(), falls_through: false, breaks: true })
                } else if !is_break && targets.in_loop {
                    // Back to the loop's head; its body is followed once.
                    Some(Flow::stopped())
                } else {
                    Some(Flow { exits: vec![Skip::Jump(stmt)], falls_through: false, breaks: false })
                }
            }
            "goto_statement" | "fallthrough_statement" => None,
            _ if (self.is_use)(stmt) => Some(Flow::stopped()),
            "expression_statement" if stmt.named_child(0).is_some_and(|c| never_returns(c, self.src)) => {
                Some(Flow::stopped())
            }
            _ => Some(Flow::through()),
        }
    }

    /// The clauses of a switch or select. `may_skip`: no clause need run (a switch
    /// without `default`).
    fn cases(&self, cases: &[Node<'t>], may_skip: bool, targets: Targets, head_field: &str) -> Option<Flow<'t>> {
        let mut flow = Flow { exits: Vec::new(), falls_through: may_skip, breaks: false };
        let inner = Targets { breakable: true, in_loop: targets.in_loop };
        for case in cases {
            if self.uses(case.child_by_field_name(head_field)) {
                continue;
            }
            let f = self.body(Some(*case), inner)?;
            flow.exits.extend(f.exits);
            flow.falls_through |= f.falls_through || f.breaks;
        }
        Some(flow)
    }
}

/// Whether `call` ends the goroutine or the process without returning:
/// `panic`, `os.Exit`, `runtime.Goexit`, and any `Fatal`, `Fatalf`, `Fatalln` or
/// `FailNow` method or function (the `log` package's, a logger's, `testing.T`'s).
/// Names only: a user method called `Fatal` that returns counts too, which can
/// only hide a finding.
pub fn is_exiting_call(call: Node, src: &str) -> bool {
    if call.kind_name() != "call_expression" {
        return false;
    }
    match callee(call, src) {
        Some((Some(pkg), "Exit")) => pkg == "os",
        Some((Some(pkg), "Goexit")) => pkg == "runtime",
        Some((None, "panic")) => true,
        Some((_, name)) => matches!(name, "Fatal" | "Fatalf" | "Fatalln" | "FailNow"),
        None => {
            // `s.log.Fatal(...)`: a method on a field.
            let field = call
                .child_by_field_name("function")
                .filter(|f| f.kind_name() == "selector_expression")
                .and_then(|f| f.child_by_field_name("field"));
            field.is_some_and(|f| matches!(text(f, src), "Fatal" | "Fatalf" | "Fatalln" | "FailNow"))
        }
    }
}

/// The statements that leave a `for` loop: `return`, `goto`, calls that end the
/// goroutine or the process ([`is_exiting_call`]), a `break` that targets the
/// loop, a labelled `break` whose label is not declared inside the loop (so it
/// targets this loop or an outer one), and a labelled `continue` to an outer
/// loop. Nested function literals
/// are not looked into. The loop's own condition is not an exit here.
pub fn loop_exits<'t>(for_stmt: Node<'t>, src: &str) -> Vec<Node<'t>> {
    loop_exits_with(for_stmt, src, &|n| n.parent())
}

/// A node's parent: tree-sitter's own descends from the root, so callers that
/// keep the parents of a tree give theirs.
pub type ParentOf<'a, 't> = &'a dyn Fn(Node<'t>) -> Option<Node<'t>>;

/// As [`loop_exits`], with the parents from `parent_of`.
pub fn loop_exits_with<'t>(for_stmt: Node<'t>, src: &str, parent_of: ParentOf<'_, 't>) -> Vec<Node<'t>> {
    let mut exits = Vec::new();
    let Some(body) = for_stmt.child_by_field_name("body") else {
        return exits;
    };
    // `continue` to the loop's own label goes round again; any other outer label leaves.
    let own_label = loop_label(for_stmt, src, parent_of);
    let mut inner_labels = Vec::new();
    walk_own(body, |n| {
        if n.kind_name() == "labeled_statement"
            && let Some(label) = n.child_by_field_name("label")
        {
            inner_labels.push(text(label, src));
        }
    });
    walk_own(body, |n| match n.kind_name() {
        "return_statement" => exits.push(n),
        // A `goto` to a label inside the loop stays in it.
        "goto_statement" if n.named_child(0).is_none_or(|l| !inner_labels.contains(&text(l, src))) => exits.push(n),
        "call_expression" if is_exiting_call(n, src) => exits.push(n),
        "break_statement" | "continue_statement" => match n.named_child(0) {
            Some(label) if n.kind_name() == "continue_statement" && Some(text(label, src)) == own_label => {}
            Some(label) if !inner_labels.contains(&text(label, src)) => exits.push(n),
            Some(_) => {}
            None if n.kind_name() == "break_statement" && breaks_out_of(n, for_stmt, parent_of) => exits.push(n),
            None => {}
        },
        _ => {}
    });
    exits
}

/// The `//` comment lines directly above a declaration (its doc comment), joined
/// with newlines, without the comment markers.
pub fn doc_comment(decl: Node, src: &str) -> String {
    let mut lines = Vec::new();
    let mut prev = decl.prev_sibling();
    let mut expected_row = decl.start_position().row;
    while let Some(c) = prev {
        if c.kind_name() != "comment" || c.end_position().row + 1 != expected_row {
            break;
        }
        lines.push(text(c, src).trim_start_matches("//").trim_start_matches("/*").trim_end_matches("*/").trim());
        expected_row = c.start_position().row;
        prev = c.prev_sibling();
    }
    lines.reverse();
    lines.join("\n")
}
/// Just past the end of the line where `stmt` ends, when nothing but a comment
/// follows it there: where a statement inserted after it goes.
pub fn after_statement_line(src: &str, stmt: Node) -> Option<usize> {
    let at = line_end(src, stmt.end_byte().saturating_sub(1));
    let rest = src.get(stmt.end_byte()..at)?.trim();
    (rest.is_empty() || rest.starts_with("//")).then_some(at)
}

/// The statements inside `loop_node` (a `for` statement) that leave it: `return`,
/// a `goto` or labelled `break`/`continue` whose label is not declared inside the
/// loop (a `continue` naming the loop itself stays in it), and a `break` that
/// targets the loop (unlabelled outside any nested `for`, `select` or `switch`, or
/// naming the loop's label). `panic` is not an exit: a panicking goroutine ends the
/// program unless recovered. Nested function literals are not looked into.
pub fn loop_leaving_jumps<'t>(loop_node: Node<'t>, src: &str, parent_of: ParentOf<'_, 't>) -> Vec<Node<'t>> {
    if loop_node.kind_name() != "for_statement" {
        return Vec::new();
    }
    loop_exits_with(loop_node, src, parent_of).into_iter().filter(|n| n.kind_name() != "call_expression").collect()
}

/// A name based on `base` that no identifier inside `scope` uses and that is not in
/// `taken` (names already handed out for other fixes there): `base`, then `base2`,
/// `base3`, ... A new local declared in a function cannot break code of that function
/// when it differs from every name the function mentions.
pub fn fresh_name(scope: Node, src: &str, base: &str, taken: &[String]) -> String {
    let mut in_use = std::collections::HashSet::new();
    walk(scope, |n| {
        if matches!(n.kind_name(), "identifier" | "package_identifier" | "type_identifier" | "label_name") {
            in_use.insert(text(n, src));
        }
        Walk::Continue
    });
    let free = |name: &str| !in_use.contains(name) && !taken.iter().any(|t| t == name);
    if free(base) {
        return base.to_string();
    }
    (2..).map(|i| format!("{base}{i}")).find(|n| free(n)).unwrap_or_default()
}

/// Whether evaluating `expr` twice, or earlier than written, gives the same value
/// with no side effects: no calls except the conversion `time.Duration(x)` and the
/// builtins `len` and `cap`, no receives, no function literals.
pub fn is_pure_expression(expr: Node, src: &str, imports: &Imports) -> bool {
    let mut pure = true;
    walk(expr, |n| {
        match n.kind_name() {
            "call_expression" => {
                let conversion = is_pkg_call(n, src, &imports.time, &["Duration"])
                    || matches!(callee(n, src), Some((None, "len" | "cap")));
                pure &= conversion;
            }
            "func_literal" => pure = false,
            _ => pure &= receive_operand(n).is_none(),
        }
        if pure { Walk::Continue } else { Walk::SkipChildren }
    });
    pure
}

/// Whether code inside `scope` (nested function literals included) may change the
/// variable `name`: assigns or declares it, increments it, ranges into it or takes
/// its address.
pub fn writes_to(scope: Node, src: &str, name: &str) -> bool {
    idents_named(scope, src, name).into_iter().any(is_write)
}

/// Whether this identifier is written: assigned or declared, incremented, ranged or
/// received into, or has its address taken.
pub fn is_write(ident: Node) -> bool {
    let Some(parent) = ident.parent() else { return false };
    match parent.kind_name() {
        "inc_statement" | "dec_statement" | "var_spec" | "const_spec" => true,
        "unary_expression" => parent.child_by_field_name("operator").is_some_and(|op| op.kind_name() == "&"),
        "expression_list" => parent.parent().is_some_and(|holder| {
            matches!(
                holder.kind_name(),
                "assignment_statement" | "short_var_declaration" | "range_clause" | "receive_statement"
            ) && holder.child_by_field_name("left") == Some(parent)
        }),
        _ => false,
    }
}

/// The innermost `for` statement around `node` in the same function.
pub fn enclosing_loop(node: Node) -> Option<Node> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n) {
            return None;
        }
        if is_loop(n) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// The names an expression mentions: its identifiers, selector operands and
/// called functions included, field names not.
pub fn identifiers<'s>(expr: Node, src: &'s str) -> Vec<&'s str> {
    descendants_of_kind(expr, "identifier").into_iter().map(|i| text(i, src)).collect()
}

/// How many times a loop runs when its header says so with a literal:
/// `for i := 0; i < N; i++` or `for range N` (`for i := range N`) with an integer literal N.
pub fn constant_iterations(lp: Node, src: &str) -> Option<usize> {
    let header = named_children(lp).into_iter().find(|c| matches!(c.kind_name(), "for_clause" | "range_clause"))?;
    let bound = match header.kind_name() {
        "range_clause" => header.child_by_field_name("right")?,
        _ => {
            let init = header.child_by_field_name("initializer")?;
            let starts_at_zero = declared(init).first().and_then(|(_, v)| *v).is_some_and(|v| text(v, src) == "0");
            let cond = header.child_by_field_name("condition")?;
            let op = cond.child_by_field_name("operator").map(|o| text(o, src));
            if !starts_at_zero || op != Some("<") {
                return None;
            }
            cond.child_by_field_name("right")?
        }
    };
    (bound.kind_name() == "int_literal").then(|| text(bound, src).parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    #[test]
    fn walks_every_descendant_once_with_its_ancestors() {
        let src = "package p\nfunc f() {\n\tfor {\n\t\tif x { <-ch }\n\t}\n}\nvar v = 1\n";
        let tree = parse_go(src, None);
        let root = tree.root_node();
        let mut walked = Vec::new();
        walk_with_ancestors(root, |n, ancestors| {
            let expected: Vec<Node> = std::iter::successors(n.parent(), |p| p.parent()).collect();
            let expected: Vec<Node> = expected.into_iter().rev().collect();
            assert_eq!(ancestors, expected.as_slice(), "{n:?}");
            walked.push(n);
        });
        let mut all = Vec::new();
        walk(root, |n| {
            all.push(n);
            Walk::Continue
        });
        assert_eq!(walked, all[1..]);
    }

    #[test]
    fn word_occurrences_are_whole_words() {
        let src = "worker(x); workers; _worker; worker";
        assert_eq!(word_occurrences(src, "worker").collect::<Vec<_>>(), vec![0, 29]);
    }

    #[test]
    fn walk_visits_every_node_once_and_prunes() {
        let src = "package p\nfunc f() { go func() { x() }(); y() }\n";
        let tree = parse_go(src, None);
        let mut calls = Vec::new();
        walk_own(tree.root_node(), |n| {
            if n.kind_name() == "call_expression" {
                calls.push(text(n, src).to_string());
            }
        });
        // Everything but the inside of the func literal.
        assert_eq!(calls, vec!["func() { x() }()", "y()"]);
    }

    #[test]
    fn finds_context_in_scope() {
        let src = "package p\nimport (\n\t\"context\"\n\thttp \"net/http\"\n)\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tgo func() { work() }()\n}\nfunc g(ctx context.Context) { go func() {}() }\nfunc k() { c, cancel := context.WithCancel(context.Background()); defer cancel(); go func() {}() }\n";
        let tree = parse_go(src, None);
        let imports = Imports::of(tree.root_node(), src);
        let gos = descendants_of_kind(tree.root_node(), "go_statement");
        let ctx: Vec<_> =
            gos.iter().map(|g| context_in_scope(enclosing_function(*g).unwrap(), *g, src, &imports)).collect();
        assert_eq!(ctx, vec![Some("r.Context()".into()), Some("ctx".into()), Some("c".into())]);
    }

    #[test]
    fn aliased_imports_resolve() {
        let src = "package p\nimport (\n\tt \"time\"\n\t_ \"net/http\"\n\t\"context\"\n)\n";
        let tree = parse_go(src, None);
        let imports = Imports::of(tree.root_node(), src);
        assert_eq!(imports.time, vec!["t"]);
        assert!(imports.http.is_empty());
        assert_eq!(imports.context, vec!["context"]);
    }

    /// The exits of `f`'s body that skip every statement mentioning `done`, as
    /// (kind, line) pairs.
    fn skips(body: &str) -> Option<Vec<(&'static str, usize)>> {
        let src = format!("package p\nfunc f() {{\n{body}\n}}\n");
        let tree = parse_go(&src, None);
        let func = functions(tree.root_node())[0];
        let list =
            named_children(super::body(func).unwrap()).into_iter().find(|n| n.kind_name() == "statement_list").unwrap();
        let is_use = |n: Node| !idents_named(n, &src, "done").is_empty();
        let exits = exits_skipping(list, None, &src, &is_use)?;
        Some(
            exits
                .into_iter()
                .map(|e| match e {
                    Skip::Return(n) => ("return", line_of(n) - 2),
                    Skip::Jump(n) => ("jump", line_of(n) - 2),
                    Skip::End => ("end", 0),
                })
                .collect(),
        )
    }

    #[test]
    fn exits_skipping_follows_branches() {
        assert_eq!(skips("done()"), Some(vec![]));
        assert_eq!(skips("if a {\nreturn\n}\ndone()"), Some(vec![("return", 2)]));
        assert_eq!(skips("if a {\ndone()\n} else {\nreturn\n}"), Some(vec![("return", 4)]));
        assert_eq!(skips("if a {\ndone()\n} else {\ndone()\n}\nreturn"), Some(vec![]));
        assert_eq!(skips("switch {\ncase a:\nreturn\ndefault:\ndone()\n}"), Some(vec![("return", 3)]));
        assert_eq!(skips("switch {\ncase a:\ndone()\n}"), Some(vec![("end", 0)]));
        assert_eq!(skips("select {\ncase <-c:\nbreak\ncase <-d:\ndone()\n}"), Some(vec![("end", 0)]));
        assert_eq!(skips("select {}"), Some(vec![]));
        assert_eq!(skips("if a {\npanic(1)\n}\ndone()"), Some(vec![]));
    }

    #[test]
    fn exits_skipping_is_conservative_in_loops_and_jumps() {
        // A loop that uses somewhere is assumed to have used.
        assert_eq!(skips("for a {\nif b {\ncontinue\n}\ndone()\n}\nreturn"), Some(vec![]));
        // A return inside the loop before the use is reached on the first iteration.
        assert_eq!(skips("for a {\nif b {\nreturn\n}\ndone()\n}"), Some(vec![("return", 3)]));
        // A break reached unused leaves the loop unused.
        assert_eq!(skips("for {\nif b {\nbreak\n}\ndone()\n}\nreturn"), Some(vec![("return", 7)]));
        // An endless loop without break does not fall through.
        assert_eq!(skips("for {\nx()\n}"), Some(vec![]));
        assert_eq!(skips("for a {\nx()\n}"), Some(vec![("end", 0)]));
        assert_eq!(skips("L:\nfor {\nbreak L\n}"), None);
        assert_eq!(skips("goto L\nL:\ndone()"), None);
    }

    #[test]
    fn jumps_out_of_a_nested_list() {
        let src =
            "package p\nfunc f() {\n\tfor {\n\t\tx := 1\n\t\tif x > 0 {\n\t\t\tcontinue\n\t\t}\n\t\tdone()\n\t}\n}\n";
        let tree = parse_go(src, None);
        let decl = descendants_of_kind(tree.root_node(), "short_var_declaration")[0];
        let list = decl.parent().unwrap();
        let is_use = |n: Node| !idents_named(n, src, "done").is_empty();
        let exits = exits_skipping(list, Some(decl), src, &is_use).unwrap();
        assert!(matches!(exits.as_slice(), [Skip::Jump(n)] if n.kind_name() == "continue_statement"));
    }

    #[test]
    fn nesting_and_line_ends() {
        let src = "package p\nfunc f() {\n\tx := 1 // one\n\tgo func() { y(x) }()\n}\n";
        let tree = parse_go(src, None);
        let funcs = functions(tree.root_node());
        assert_eq!(nesting(funcs[1]).collect::<Vec<_>>(), vec![funcs[1], funcs[0]]);
        assert_eq!(nesting(funcs[0]).count(), 1);
        let decl = descendants_of_kind(tree.root_node(), "short_var_declaration")[0];
        assert_eq!(after_line_of(src, decl), Some(src.find("\tgo").unwrap()));
        let call = descendants_of_kind(tree.root_node(), "call_expression")[1];
        assert_eq!(after_line_of(src, call), None);
    }

    #[test]
    fn block_edges() {
        let src = "package p\nfunc f() {\n\tx()\n}\nfunc g() { y() }\n";
        let tree = parse_go(src, None);
        let bodies: Vec<Node> = functions(tree.root_node()).iter().map(|f| super::body(*f).unwrap()).collect();
        assert_eq!(after_opening_line(src, bodies[0]), Some(src.find("\tx()").unwrap()));
        assert_eq!(after_opening_line(src, bodies[1]), None);
        assert_eq!(closing_brace(bodies[0]).map(|b| b.start_byte()), Some(src.find("}\n").unwrap()));
        let broken = "package p\nfunc f() {\n\tx()\n";
        let tree = parse_go(broken, None);
        let body = super::body(functions(tree.root_node())[0]).unwrap();
        assert_eq!(closing_brace(body), None);
    }

    #[test]
    fn entries_and_names() {
        let src = "package main\nfunc main() { go work(); go s.loop(); go func() {}() }\nfunc init() {}\nfunc work() {}\nfunc (s *S) loop() {}\nfunc TestX(t *testing.T) {}\nfunc idle() { cancel := 1; cancel2 := 2 }\n";
        let tree = parse_go(src, None);
        let root = tree.root_node();
        let funcs = functions(root);
        let entries = GoroutineEntries::of(&descendants_of_kind(root, "go_statement"), src);
        let running: Vec<bool> = funcs.iter().map(|f| entries.runs_as_goroutine(*f, src)).collect();
        assert_eq!(running, vec![false, true, false, true, true, false, false]);
        assert!(is_process_entry(funcs[0], root, src) && is_process_entry(funcs[2], root, src));
        assert!(!is_process_entry(funcs[3], root, src));
        assert!(is_test_entry(funcs[5], src) && !is_test_entry(funcs[3], src));
        assert_eq!(fresh_name(funcs[6], src, "cancel", &[]), "cancel3");
        assert_eq!(fresh_name(funcs[6], src, "stop", &[]), "stop");
    }

    #[test]
    fn loop_exits_know_which_statement_a_break_leaves() {
        let src = "package p\nfunc f() {\n\
            outer:\n\
            \tfor {\n\
            \t\tfor {\n\
            \t\t\tselect {\n\
            \t\t\tcase <-a:\n\
            \t\t\t\tbreak\n\
            \t\t\tcase <-b:\n\
            \t\t\t\tcontinue outer\n\
            \t\t\t}\n\
            \t\tinner:\n\
            \t\t\tfor {\n\
            \t\t\t\tbreak inner\n\
            \t\t\t}\n\
            \t\t\tif bad() {\n\
            \t\t\t\tlog.Fatal(1)\n\
            \t\t\t}\n\
            \t\t}\n\
            \t}\n\
            }\n";
        let tree = parse_go(src, None);
        let loops = descendants_of_kind(tree.root_node(), "for_statement");
        let exits = |i: usize| loop_exits(loops[i], src).iter().map(|n| text(*n, src).to_string()).collect::<Vec<_>>();
        // The outer loop: `continue outer` targets it, the rest stay inside.
        assert_eq!(exits(0), vec!["log.Fatal(1)"]);
        // The middle loop: left by `continue outer` and the fatal call, not by the select's break.
        assert_eq!(exits(1), vec!["continue outer", "log.Fatal(1)"]);
        assert_eq!(exits(2), vec!["break inner"]);
    }

    #[test]
    fn doc_comments_are_the_adjacent_comment_lines() {
        let src = "package p\n\n// unrelated\n\n// run loops\n// forever.\nfunc run() {}\n";
        let tree = parse_go(src, None);
        let func = descendants_of_kind(tree.root_node(), "function_declaration")[0];
        assert_eq!(doc_comment(func, src), "run loops\nforever.");
    }

    #[test]
    fn statements_end_their_line_unless_code_follows() {
        let src = "package p\nfunc f() {\n\ta := 1 // one\n\tb := 2; c := 3\n}\n";
        let tree = parse_go(src, None);
        let decls = descendants_of_kind(tree.root_node(), "short_var_declaration");
        assert_eq!(after_statement_line(src, decls[0]), Some(src.find("\tb").unwrap()));
        assert_eq!(after_statement_line(src, decls[1]), None);
        assert_eq!(after_statement_line(src, decls[2]), Some(src.find('}').unwrap()));
    }

    #[test]
    fn loop_exits_follow_break_targets_and_labels() {
        let src = "package p\nfunc f() {\nouter:\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t\tbreak\n\t\tcase <-b:\n\t\t\tbreak outer\n\t\t}\n\t\tfor {\n\t\t\tbreak\n\t\t}\n\tinner:\n\t\tfor {\n\t\t\tcontinue inner\n\t\t}\n\t\tcontinue outer\n\t\tgo func() { return }()\n\t\tpanic(1)\n\t}\n\tfor {\n\t\tif x {\n\t\t\tbreak\n\t\t}\n\t\treturn\n\t}\n}\n";
        let tree = parse_go(src, None);
        let loops: Vec<_> = descendants_of_kind(tree.root_node(), "for_statement");
        let exits = |i: usize| {
            loop_leaving_jumps(loops[i], src, &|n| n.parent())
                .iter()
                .map(|n| text(*n, src).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(exits(0), vec!["break outer"]);
        assert_eq!(exits(1), vec!["break"]);
        assert!(exits(2).is_empty());
        assert_eq!(exits(3), vec!["break", "return"]);
    }

    #[test]
    fn fresh_names_avoid_every_identifier_and_taken_names() {
        let src = "package p\nfunc f(ticker int) { ticker2 := 1; _ = ticker2 }\n";
        let tree = parse_go(src, None);
        assert_eq!(fresh_name(tree.root_node(), src, "timer", &[]), "timer");
        assert_eq!(fresh_name(tree.root_node(), src, "ticker", &[]), "ticker3");
        assert_eq!(fresh_name(tree.root_node(), src, "ticker", &["ticker3".to_string()]), "ticker4");
    }

    #[test]
    fn constant_iterations_of_counted_loops() {
        let src = "package p\nfunc f() {\n\tfor i := 0; i < 3; i++ {}\n\tfor range 4 {}\n\tfor i := 1; i < 3; i++ {}\n\tfor i := 0; i <= 3; i++ {}\n\tfor i := 0; i < n; i++ {}\n}\n";
        let tree = parse_go(src, None);
        let counts: Vec<_> = descendants_of_kind(tree.root_node(), "for_statement")
            .iter()
            .map(|l| constant_iterations(*l, src))
            .collect();
        assert_eq!(counts, vec![Some(3), Some(4), None, None, None]);
    }

    #[test]
    fn pure_expressions_and_writes() {
        let src = "package p\nimport \"time\"\nfunc f(n int) {\n\tvar a = time.Duration(n) * time.Second + len(xs)\n\tvar b = next() + <-c\n\tfor i := range xs { n++; _ = &m; k, _ = g() }\n}\n";
        let tree = parse_go(src, None);
        let imports = Imports::of(tree.root_node(), src);
        let values: Vec<_> = descendants_of_kind(tree.root_node(), "var_spec")
            .iter()
            .map(|s| s.child_by_field_name("value").unwrap())
            .collect();
        assert!(is_pure_expression(values[0], src, &imports));
        assert!(!is_pure_expression(values[1], src, &imports));
        assert_eq!(identifiers(values[0], src), vec!["time", "n", "time", "len", "xs"]);
        let body = descendants_of_kind(tree.root_node(), "for_statement")[0];
        let inc = descendants_of_kind(body, "inc_statement")[0];
        assert_eq!(enclosing_loop(inc), Some(body));
        assert_eq!(enclosing_loop(body), None);
        assert_eq!(constant_iterations(body, src), None);
        for (name, written) in [("n", true), ("m", true), ("k", true), ("i", true), ("xs", false), ("c", false)] {
            assert_eq!(writes_to(body, src, name), written, "{name}");
        }
    }
}
