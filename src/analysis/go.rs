//! Helpers over tree-sitter-go syntax trees shared by the rules.
//!
//! The rules are syntactic: they see names, not types. These helpers keep the
//! name-based reasoning in one place (which identifier is a use of which local,
//! which call is `time.NewTicker` under the file's import name for `time`).

use tree_sitter::Node;

/// The source text of a node. Invalid ranges (never produced by tree-sitter on the
/// text it parsed) give "" rather than a panic.
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
    matches!(node.kind(), "function_declaration" | "method_declaration" | "func_literal")
}

pub fn is_loop(node: Node) -> bool {
    node.kind() == "for_statement"
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

/// Walks `node` without entering nested function literals: what runs in this
/// function's own goroutine.
pub fn walk_own<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    walk(node, |n| {
        if n != node && n.kind() == "func_literal" {
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
        if n.kind() == kind {
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

/// Whether the node lies in (or is) an ERROR node: such parts of the tree are
/// not trusted for findings.
pub fn in_error(node: Node) -> bool {
    let mut cur = Some(node);
    while let Some(n) = cur {
        if n.is_error() || n.is_missing() {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// The function's name: the declared name for functions and methods, None for literals.
pub fn function_name<'s>(func: Node, src: &'s str) -> Option<&'s str> {
    func.child_by_field_name("name").map(|n| text(n, src))
}

/// The package name from the `package` clause.
pub fn package_name<'s>(root: Node, src: &'s str) -> Option<&'s str> {
    named_children(root)
        .into_iter()
        .find(|n| n.kind() == "package_clause")
        .and_then(|clause| named_children(clause).into_iter().next())
        .map(|ident| text(ident, src))
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
        if !matches!(decl.kind(), "parameter_declaration" | "variadic_parameter_declaration") {
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
    let decl = named_children(list).into_iter().find(|n| n.kind() == "parameter_declaration")?;
    let name = decl.child_by_field_name("name").map(|n| text(n, src)).unwrap_or("_");
    let ty = decl.child_by_field_name("type").map(|t| text(t, src)).unwrap_or("");
    Some(Param { name, ty, index: 0 })
}

/// Whether the function declares results (then a bare `return` is not valid Go).
pub fn has_results(func: Node) -> bool {
    func.child_by_field_name("result").is_some()
}

/// Local names under which the file imports package `path` (usually one; the last
/// path element unless aliased). Blank and dot imports give no name.
pub fn import_names(root: Node, src: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for spec in descendants_of_kind(root, "import_spec") {
        let Some(p) = spec.child_by_field_name("path") else { continue };
        let quoted = text(p, src);
        if quoted.trim_matches(|c| c == '"' || c == '`') != path {
            continue;
        }
        match spec.child_by_field_name("name") {
            Some(alias) if alias.kind() == "package_identifier" => out.push(text(alias, src).to_string()),
            Some(_) => {}
            None => out.push(path.rsplit('/').next().unwrap_or(path).to_string()),
        }
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
        Imports {
            time: import_names(root, src, "time"),
            context: import_names(root, src, "context"),
            http: import_names(root, src, "net/http"),
            sync: import_names(root, src, "sync"),
        }
    }
}

/// For `pkg.Name(...)` returns `(Some("pkg"), "Name")`, for `name(...)` returns
/// `(None, "name")`; other callees (method values on calls, index expressions) give None.
pub fn callee<'s>(call: Node, src: &'s str) -> Option<(Option<&'s str>, &'s str)> {
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "identifier" => Some((None, text(function, src))),
        "selector_expression" => {
            let operand = function.child_by_field_name("operand")?;
            let field = function.child_by_field_name("field")?;
            if operand.kind() == "identifier" { Some((Some(text(operand, src)), text(field, src))) } else { None }
        }
        _ => None,
    }
}

/// Whether `call` is `pkg.name(...)` for one of the file's import names of a package.
pub fn is_pkg_call(call: Node, src: &str, pkg_names: &[String], names: &[&str]) -> bool {
    if call.kind() != "call_expression" {
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
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Whether `node` is the identifier `name`.
pub fn is_ident(node: Node, src: &str, name: &str) -> bool {
    node.kind() == "identifier" && text(node, src) == name
}

/// If `node` is `<-X` (a receive expression), returns X.
pub fn receive_operand(node: Node) -> Option<Node> {
    if node.kind() != "unary_expression" {
        return None;
    }
    let op = node.child_by_field_name("operator")?;
    if op.kind() != "<-" {
        return None;
    }
    node.child_by_field_name("operand")
}

/// The statement containing `node`: the ancestor whose parent is a statement list.
pub fn statement_of(node: Node) -> Option<Node> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        if parent.kind() == "statement_list" {
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
        if n.kind() != "comment" {
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

/// 1-based line number of a byte offset (for messages).
pub fn line_number(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Names declared by a declaration statement (`a, b := ...`, `var a = ...`,
/// `a, b = ...` for assignments), each with the expression assigned to it when
/// the right-hand side has one value per name.
pub fn declared<'t>(stmt: Node<'t>) -> Vec<(Node<'t>, Option<Node<'t>>)> {
    match stmt.kind() {
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
        if n.kind() == "identifier" && text(n, src) == name {
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
    let mut current = Some(func);
    while let Some(f) = current {
        if let Some(found) = context_local_before(f, at, src, imports) {
            return Some(found);
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
        if f.kind() != "func_literal" {
            break;
        }
        current = enclosing_function(f);
    }
    None
}

fn context_local_before(func: Node, at: Node, src: &str, imports: &Imports) -> Option<String> {
    let body = body(func)?;
    let mut found = None;
    walk_own(body, |n| {
        if n.start_byte() >= at.start_byte() || !matches!(n.kind(), "short_var_declaration" | "var_declaration") {
            return;
        }
        // Only declarations whose scope still covers `at`.
        if let Some(block) = n.parent().and_then(|p| p.parent())
            && !contains(block, at)
        {
            return;
        }
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
            let is_ctx_call = value.kind() == "call_expression"
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
            if is_ctx_call && name.kind() == "identifier" && text(name, src) != "_" {
                found = Some(text(name, src).to_string());
            }
        }
    });
    found
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
        match n.kind() {
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
    if for_stmt.kind() != "for_statement" {
        return false;
    }
    let has_header = named_children(for_stmt).iter().any(|c| c.kind() != "block" && c.kind() != "comment");
    if has_header {
        return false;
    }
    let Some(body) = for_stmt.child_by_field_name("body") else { return false };
    let label = for_stmt
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| text(l, src));
    let mut exits = false;
    walk(body, |n| {
        if exits || n.kind() == "func_literal" {
            return Walk::SkipChildren;
        }
        match n.kind() {
            "return_statement" | "goto_statement" => exits = true,
            "call_expression" if matches!(callee(n, src), Some((None, "panic"))) => exits = true,
            "break_statement" => match n.named_child(0) {
                Some(target) => exits |= Some(text(target, src)) == label,
                None => exits |= breaks_out_of(n, for_stmt),
            },
            _ => {}
        }
        Walk::Continue
    });
    !exits
}

/// Whether an unlabelled `break` at `brk` targets `loop` (no closer breakable statement).
fn breaks_out_of(brk: Node, loop_node: Node) -> bool {
    let mut cur = brk.parent();
    while let Some(n) = cur {
        if n == loop_node {
            return true;
        }
        if matches!(
            n.kind(),
            "for_statement" | "select_statement" | "expression_switch_statement" | "type_switch_statement"
        ) {
            return false;
        }
        cur = n.parent();
    }
    false
}

/// The statements inside `loop_node` (a `for` statement) that leave it: `return`,
/// a `goto` or labelled `break`/`continue` whose label is not declared inside the
/// loop (a `continue` naming the loop itself stays in it), and a `break` that
/// targets the loop (unlabelled outside any nested `for`, `select` or `switch`, or
/// naming the loop's label). `panic` is not an exit: a panicking goroutine ends the
/// program unless recovered. Nested function literals are not looked into.
pub fn loop_exits<'t>(loop_node: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    if loop_node.kind() != "for_statement" {
        return out;
    }
    let Some(body) = loop_node.child_by_field_name("body") else {
        return out;
    };
    let own_label = loop_node
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| text(l, src));
    let mut inner_labels = Vec::new();
    walk_own(body, |n| {
        if n.kind() == "labeled_statement"
            && let Some(l) = n.child_by_field_name("label")
        {
            inner_labels.push(text(l, src));
        }
    });
    walk_own(body, |n| {
        let target = || n.named_child(0).map(|l| text(l, src));
        let leaves = match n.kind() {
            "return_statement" => true,
            "goto_statement" => target().is_some_and(|l| !inner_labels.contains(&l)),
            "continue_statement" => target().is_some_and(|l| Some(l) != own_label && !inner_labels.contains(&l)),
            "break_statement" => match target() {
                Some(l) => !inner_labels.contains(&l),
                None => breaks_out_of(n, loop_node),
            },
            _ => false,
        };
        if leaves {
            out.push(n);
        }
    });
    out
}

/// A name based on `base` that no identifier inside `scope` uses and that is not in
/// `taken` (names already handed out for other fixes there): `base`, then `base2`,
/// `base3`, ... A new local declared in a function cannot break code of that function
/// when it differs from every name the function mentions.
pub fn fresh_name(scope: Node, src: &str, base: &str, taken: &[String]) -> String {
    let mut in_use = std::collections::HashSet::new();
    walk(scope, |n| {
        if matches!(n.kind(), "identifier" | "package_identifier" | "type_identifier" | "label_name") {
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
        match n.kind() {
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
    match parent.kind() {
        "inc_statement" | "dec_statement" | "var_spec" | "const_spec" => true,
        "unary_expression" => parent.child_by_field_name("operator").is_some_and(|op| op.kind() == "&"),
        "expression_list" => parent.parent().is_some_and(|holder| {
            matches!(
                holder.kind(),
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
    let header = named_children(lp).into_iter().find(|c| matches!(c.kind(), "for_clause" | "range_clause"))?;
    let bound = match header.kind() {
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
    (bound.kind() == "int_literal").then(|| text(bound, src).parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    #[test]
    fn walk_visits_every_node_once_and_prunes() {
        let src = "package p\nfunc f() { go func() { x() }(); y() }\n";
        let tree = parse_go(src, None);
        let mut calls = Vec::new();
        walk_own(tree.root_node(), |n| {
            if n.kind() == "call_expression" {
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

    #[test]
    fn loop_exits_follow_break_targets_and_labels() {
        let src = "package p\nfunc f() {\nouter:\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t\tbreak\n\t\tcase <-b:\n\t\t\tbreak outer\n\t\t}\n\t\tfor {\n\t\t\tbreak\n\t\t}\n\tinner:\n\t\tfor {\n\t\t\tcontinue inner\n\t\t}\n\t\tcontinue outer\n\t\tgo func() { return }()\n\t\tpanic(1)\n\t}\n\tfor {\n\t\tif x {\n\t\t\tbreak\n\t\t}\n\t\treturn\n\t}\n}\n";
        let tree = parse_go(src, None);
        let loops: Vec<_> = descendants_of_kind(tree.root_node(), "for_statement");
        let exits = |i: usize| loop_exits(loops[i], src).iter().map(|n| text(*n, src).to_string()).collect::<Vec<_>>();
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
