//! `waitgroup-done-skipped`: a goroutine that can finish without `wg.Done()`, and
//! `wg.Wait()` inside the loop that starts the goroutines it waits for. Either way
//! `Wait` blocks forever.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, GoroutineEntries, Skip, text};

pub struct WaitgroupDoneSkipped;

static META: RuleMeta = RuleMeta {
    name: "waitgroup-done-skipped",
    summary: "goroutine can finish without wg.Done(), or wg.Wait() inside the loop that starts the goroutines",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/waitgroup-done-skipped.md"),
    requires: Requires { goroutines: true, any_text: &["WaitGroup"] },
};

impl Rule for WaitgroupDoneSkipped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.sync.is_empty() {
            return;
        }
        let src = cx.source;
        let groups = WaitGroups::of(cx);
        let entries = GoroutineEntries::of(cx.go_statements(), src);
        for &func in cx.functions() {
            if entries.runs_as_goroutine(func, src) {
                check_goroutine(cx, &groups, func, out);
            }
            check_wait_in_loop(cx, &groups, func, out);
            check_never_done(cx, &groups, func, out);
        }
    }
}

/// What the file says about which expressions are `sync.WaitGroup`s.
struct WaitGroups<'a, 't> {
    src: &'a str,
    root: Node<'t>,
    sync: &'a [String],
    /// (struct type, field) pairs of this file whose field is a WaitGroup.
    fields: Vec<(&'a str, &'a str)>,
    /// Package-level WaitGroup variables of this file.
    globals: Vec<&'a str>,
}

impl<'a, 't> WaitGroups<'a, 't> {
    fn of(cx: &'a FileContext<'t>) -> Self {
        let src = cx.source;
        let root = cx.tree.root_node();
        let mut groups = WaitGroups { src, root, sync: &cx.imports.sync, fields: Vec::new(), globals: Vec::new() };
        for spec in cx.type_specs() {
            let (Some(name), Some(ty)) = (spec.child_by_field_name("name"), spec.child_by_field_name("type")) else {
                continue;
            };
            if ty.kind_name() != "struct_type" {
                continue;
            }
            for field in go::descendants_of_kind(ty, "field_declaration") {
                let Some(field_ty) = field.child_by_field_name("type") else {
                    continue;
                };
                if !groups.is_waitgroup_type(text(field_ty, src)) {
                    continue;
                }
                let mut cursor = field.walk();
                for field_name in field.children_by_field_name("name", &mut cursor) {
                    groups.fields.push((text(name, src), text(field_name, src)));
                }
            }
        }
        for decl in go::named_children(root).into_iter().filter(|n| n.kind_name() == "var_declaration") {
            for spec in go::descendants_of_kind(decl, "var_spec") {
                if spec.child_by_field_name("type").is_some_and(|t| groups.is_waitgroup_type(text(t, src))) {
                    let mut cursor = spec.walk();
                    groups.globals.extend(spec.children_by_field_name("name", &mut cursor).map(|n| text(n, src)));
                }
            }
        }
        groups
    }

    fn is_waitgroup_type(&self, ty: &str) -> bool {
        let ty = ty.strip_prefix('*').unwrap_or(ty);
        self.sync.iter().any(|s| ty.strip_prefix(s.as_str()).is_some_and(|rest| rest == ".WaitGroup"))
    }

    /// `sync.WaitGroup{}`, `&sync.WaitGroup{}` or `new(sync.WaitGroup)`.
    fn is_waitgroup_value(&self, value: Node) -> bool {
        let value = go::unparen(value);
        let address_of = value.kind_name() == "unary_expression"
            && value.child_by_field_name("operator").is_some_and(|o| o.kind_name() == "&");
        let value = if address_of { value.child_by_field_name("operand").unwrap_or(value) } else { value };
        match value.kind_name() {
            "composite_literal" => {
                value.child_by_field_name("type").is_some_and(|t| self.is_waitgroup_type(text(t, self.src)))
            }
            "call_expression" => {
                matches!(go::callee(value, self.src), Some((None, "new")))
                    && matches!(go::call_args(value).as_slice(), [t] if self.is_waitgroup_type(text(*t, self.src)))
            }
            _ => false,
        }
    }

    /// Whether `expr`, used in `func`, is a WaitGroup we can see declared: a local
    /// or parameter of `func` or the functions around it, a package variable, or a
    /// field of a struct of this file reached through a parameter or receiver.
    fn is_waitgroup(&self, expr: Node, func: Node) -> bool {
        match expr.kind_name() {
            "identifier" => {
                let name = text(expr, self.src);
                go::nesting(func).any(|f| self.declares_waitgroup(f, name)) || self.globals.contains(&name)
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) =
                    (expr.child_by_field_name("operand"), expr.child_by_field_name("field"))
                else {
                    return false;
                };
                if operand.kind_name() != "identifier" {
                    return false;
                }
                let holder = text(operand, self.src);
                let field = text(field, self.src);
                go::nesting(func).any(|f| {
                    go::receiver(f, self.src).into_iter().chain(go::params(f, self.src)).any(|p| {
                        let ty = p.ty.strip_prefix('*').unwrap_or(p.ty);
                        p.name == holder && self.fields.contains(&(ty, field))
                    })
                })
            }
            _ => false,
        }
    }

    fn declares_waitgroup(&self, func: Node, name: &str) -> bool {
        if go::params(func, self.src).iter().any(|p| p.name == name && self.is_waitgroup_type(p.ty)) {
            return true;
        }
        let Some(body) = go::body(func) else {
            return false;
        };
        let mut found = false;
        go::walk_own(body, |n| match n.kind_name() {
            "var_spec" => {
                let mut cursor = n.walk();
                let named = n.children_by_field_name("name", &mut cursor).any(|i| text(i, self.src) == name);
                found |=
                    named && n.child_by_field_name("type").is_some_and(|t| self.is_waitgroup_type(text(t, self.src)));
            }
            "short_var_declaration" => {
                found |= go::declared(n)
                    .iter()
                    .any(|(i, v)| text(*i, self.src) == name && v.is_some_and(|v| self.is_waitgroup_value(v)));
            }
            _ => {}
        });
        found
    }

    /// For `p.wg`, the method `m` of this file when it may touch the field: its
    /// body names the field or calls another method on its receiver. Methods not
    /// declared in this file may do anything.
    fn method_may_touch(&self, method: &str, field: &str) -> bool {
        let decls: Vec<Node> = go::named_children(self.root)
            .into_iter()
            .filter(|n| n.kind_name() == "method_declaration" && go::function_name(*n, self.src) == Some(method))
            .collect();
        if decls.is_empty() {
            return true;
        }
        decls.iter().any(|decl| {
            let recv = go::receiver(*decl, self.src).map(|r| r.name).unwrap_or("_");
            let Some(body) = go::body(*decl) else {
                return true;
            };
            go::descendants_of_kind(body, "selector_expression").iter().any(|sel| {
                let field_name = sel.child_by_field_name("field").map(|f| text(f, self.src));
                let on_recv = sel.child_by_field_name("operand").is_some_and(|o| go::is_ident(o, self.src, recv));
                let called = sel.parent().is_some_and(|p| p.kind_name() == "call_expression");
                field_name == Some(field) || (on_recv && called)
            })
        })
    }

    /// Whether `node` contains a use of the WaitGroup `wg` that may mark a
    /// goroutine done: anything but `wg.Add(...)` and `wg.Wait()`. For a field
    /// `p.wg`, handing `p` on or calling a method that may touch the field count too.
    fn may_mark_done(&self, node: Node, wg: &WaitGroupRef) -> bool {
        let src = self.src;
        let mut found = false;
        go::walk(node, |n| {
            if found {
                return go::Walk::SkipChildren;
            }
            match &wg.field {
                None => {
                    if go::is_ident(n, src, &wg.text) && !is_add_or_wait_operand(n, src) {
                        found = true;
                    }
                }
                Some((holder, field)) => {
                    if go::is_ident(n, src, holder) {
                        let sel = n.parent().filter(|p| {
                            p.kind_name() == "selector_expression" && p.child_by_field_name("operand") == Some(n)
                        });
                        found = match sel {
                            None => true,
                            Some(sel) => {
                                let name = sel.child_by_field_name("field").map_or("", |f| text(f, src));
                                let called = sel.parent().is_some_and(|c| {
                                    c.kind_name() == "call_expression" && c.child_by_field_name("function") == Some(sel)
                                });
                                (name == field && !is_add_or_wait_operand(sel, src))
                                    || (called && self.method_may_touch(name, field))
                            }
                        };
                    }
                }
            }
            go::Walk::Continue
        });
        found
    }
}

/// Whether `node` is the `X` of `X.Add(...)` or `X.Wait()`.
fn is_add_or_wait_operand(node: Node, src: &str) -> bool {
    method_called_on(node, src).is_some_and(|m| m == "Add" || m == "Wait")
}

/// For the `X` of a call `X.m(...)`, the method name `m`.
fn method_called_on<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let sel = node
        .parent()
        .filter(|p| p.kind_name() == "selector_expression" && p.child_by_field_name("operand") == Some(node))?;
    sel.parent().filter(|c| c.kind_name() == "call_expression" && c.child_by_field_name("function") == Some(sel))?;
    sel.child_by_field_name("field").map(|f| text(f, src))
}

/// A WaitGroup as written: `wg`, or `p.wg` (holder and field).
struct WaitGroupRef {
    text: String,
    field: Option<(String, String)>,
}

impl WaitGroupRef {
    fn of(expr: Node, src: &str) -> Option<Self> {
        match expr.kind_name() {
            "identifier" => Some(WaitGroupRef { text: text(expr, src).to_string(), field: None }),
            "selector_expression" => {
                let holder = text(expr.child_by_field_name("operand")?, src).to_string();
                let field = text(expr.child_by_field_name("field")?, src).to_string();
                Some(WaitGroupRef { text: format!("{holder}.{field}"), field: Some((holder, field)) })
            }
            _ => None,
        }
    }

    /// Whether `expr` writes this WaitGroup.
    fn is(&self, expr: Node, src: &str) -> bool {
        WaitGroupRef::of(expr, src).is_some_and(|other| other.text == self.text)
    }
}

/// Calls `X.<method>()` among `calls` (those in `func` or in a part of it) whose
/// `X` is a WaitGroup, with that `X`.
fn waitgroup_calls<'t>(
    groups: &WaitGroups<'_, 't>,
    func: Node<'t>,
    calls: &[Node<'t>],
    method: &str,
) -> Vec<(Node<'t>, Node<'t>)> {
    let src = groups.src;
    let mut out = Vec::new();
    for &n in calls {
        let function = n.child_by_field_name("function").filter(|f| f.kind_name() == "selector_expression");
        let named = function.and_then(|f| f.child_by_field_name("field")).is_some_and(|f| text(f, src) == method);
        if let Some(operand) = function.and_then(|f| f.child_by_field_name("operand")).filter(|_| named)
            && groups.is_waitgroup(operand, go::enclosing_function(n).unwrap_or(func))
        {
            out.push((n, operand));
        }
    }
    out
}

/// Whether `done` is `defer wg.Done()` right after a `wg.Add(...)` statement of
/// the same WaitGroup.
fn deferred_right_after_add(done: Node, wg: &WaitGroupRef, src: &str) -> bool {
    let Some(defer) = done.parent().filter(|p| p.kind_name() == "defer_statement") else { return false };
    let Some(add) = defer
        .prev_named_sibling()
        .filter(|p| p.kind_name() == "expression_statement")
        .and_then(|p| p.named_child(0))
        .filter(|c| c.kind_name() == "call_expression")
    else {
        return false;
    };
    add.child_by_field_name("function").is_some_and(|f| {
        f.kind_name() == "selector_expression"
            && f.child_by_field_name("field").is_some_and(|m| text(m, src) == "Add")
            && f.child_by_field_name("operand").is_some_and(|o| wg.is(o, src))
    })
}

fn check_goroutine<'t>(cx: &FileContext<'t>, groups: &WaitGroups<'_, 't>, func: Node<'t>, out: &mut Vec<Finding>) {
    let src = cx.source;
    let Some(body) = go::body(func) else { return };
    let Some(list) = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list") else {
        return;
    };
    let dones = waitgroup_calls(groups, func, cx.calls_in(body), "Done");
    let mut seen: Vec<String> = Vec::new();
    for &(_, operand) in &dones {
        let Some(wg) = WaitGroupRef::of(operand, src) else {
            continue;
        };
        if seen.contains(&wg.text) {
            continue;
        }
        seen.push(wg.text.clone());
        let calls: Vec<Node> = dones.iter().filter(|(_, o)| wg.is(*o, src)).map(|(c, _)| *c).collect();
        // Called from a closure (deferred or not) we do not follow: nothing to say. A
        // `defer wg.Done()` of the goroutine itself is a use where it is registered.
        if calls.iter().any(|c| go::enclosing_function(*c) != Some(func)) {
            continue;
        }
        // `wg.Add(1); defer wg.Done()` in the goroutine itself: the count it adds
        // is taken back when it returns, and a return before the Add added nothing.
        if calls.iter().all(|c| deferred_right_after_add(*c, &wg, src)) {
            continue;
        }
        let is_use = |n: Node| groups.may_mark_done(n, &wg);
        let Some(exits) = go::exits_skipping(list, None, src, &is_use) else {
            continue;
        };
        let Some(first) = exits.first() else { continue };
        let line = |e: &Skip| match e {
            Skip::Return(n) | Skip::Jump(n) => go::line_of(*n),
            Skip::End => go::end_line_of(body),
        };
        let how = match first {
            Skip::End => format!("can reach its end (line {}) without calling", line(first)),
            _ => format!("can return (line {}) without calling", line(first)),
        };
        let mut finding = Finding::new(
            META.name,
            META.default_severity,
            calls[0].byte_range(),
            format!("goroutine {how} `{}.Done()`: `{}.Wait()` then blocks forever", wg.text, wg.text),
        );
        for e in &exits {
            let range = match e {
                Skip::Return(n) | Skip::Jump(n) => n.byte_range(),
                Skip::End => go::closing_brace(body).map_or(body.end_byte()..body.end_byte(), |b| b.byte_range()),
            };
            finding = finding.with_related(range, format!("leaves without `{}.Done()`", wg.text));
        }
        if let [only] = calls.as_slice()
            && let Some(fix) = defer_done_fix(src, body, list, *only, &wg)
        {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The goroutine's only `Done` becomes `defer wg.Done()` at its top. That `Done`
/// must run where the goroutine ends: its last statement, a statement just
/// before a `return`, or a `defer wg.Done()` registered too late. Safe unless the
/// goroutine defers other calls: `Done` now runs after them, and one that waits
/// for whoever waits on the group would deadlock.
fn defer_done_fix(src: &str, body: Node, list: Node, done: Node, wg: &WaitGroupRef) -> Option<Fix> {
    let stmt = done.parent().filter(|s| matches!(s.kind_name(), "expression_statement" | "defer_statement"))?;
    let last = go::named_children(list).into_iter().rev().find(|n| n.kind_name() != "comment")?;
    let ends_goroutine = match stmt.kind_name() {
        "defer_statement" => stmt.parent() == Some(list),
        _ => last == stmt || go::next_statement(stmt).is_some_and(|n| n.kind_name() == "return_statement"),
    };
    if !ends_goroutine {
        return None;
    }
    let open_line_end = go::after_opening_line(src, body)?;
    let removal = remove_statement(src, stmt)?;
    let first = go::named_children(list).into_iter().next()?;
    let indent = go::indent_at(src, first.start_byte());
    let mut other_defers = false;
    go::walk_own(body, |n| other_defers |= n.kind_name() == "defer_statement" && n != stmt);
    Some(Fix {
        title: format!("Call `{}.Done()` with defer at the start of the goroutine", wg.text),
        edits: vec![TextEdit::insert(open_line_end, format!("{indent}defer {}.Done()\n", wg.text)), removal],
        applicability: if other_defers { Applicability::Unsafe } else { Applicability::Safe },
    })
}

/// A WaitGroup declared in `func` whose count is raised (`wg.Add(n)`, `n` a positive
/// literal) and waited for, while nothing can lower it: every use of the name in
/// the function, its literals included, is `wg.Add(...)` or `wg.Wait()` (no `Done`,
/// no `Go`, never passed on, copied or its address taken). `Wait` then blocks for good.
fn check_never_done<'t>(cx: &FileContext<'t>, groups: &WaitGroups<'_, 't>, func: Node<'t>, out: &mut Vec<Finding>) {
    let src = cx.source;
    let Some(body) = go::body(func) else { return };
    let mut declared = Vec::new();
    go::walk_own(body, |n| match n.kind_name() {
        "var_spec"
            if n.child_by_field_name("value").is_none()
                && n.child_by_field_name("type").is_some_and(|t| groups.is_waitgroup_type(text(t, src))) =>
        {
            let mut cursor = n.walk();
            declared.extend(n.children_by_field_name("name", &mut cursor));
        }
        "short_var_declaration" => {
            for (ident, value) in go::declared(n) {
                if value.is_some_and(|v| groups.is_waitgroup_value(v)) {
                    declared.push(ident);
                }
            }
        }
        _ => {}
    });
    for ident in declared {
        let name = text(ident, src);
        if name == "_" {
            continue;
        }
        let mut adds = Vec::new();
        let mut waits = Vec::new();
        let mut other = false;
        for &use_ in cx.identifiers().named(body, name).iter() {
            if use_ == ident {
                continue;
            }
            match method_called_on(use_, src) {
                Some("Add") => {
                    let call = use_.parent().and_then(|sel| sel.parent());
                    let arg = call.and_then(|c| match go::call_args(c).as_slice() {
                        [n] => Some(go::unparen(*n)),
                        _ => None,
                    });
                    // `Add(len(xs))` never lowers the count.
                    let length = arg.is_some_and(|a| matches!(go::callee(a, src), Some((None, "len"))));
                    match (call, arg) {
                        (Some(c), Some(a)) if a.kind_name() == "int_literal" && text(a, src) != "0" => adds.push(c),
                        (Some(_), Some(_)) if length => {}
                        _ => other = true,
                    }
                }
                Some("Wait") => waits.extend(use_.parent().and_then(|sel| sel.parent())),
                _ => other = true,
            }
        }
        let Some(first_add) = adds.first() else { continue };
        if other {
            continue;
        }
        for wait in waits.into_iter().filter(|w| w.start_byte() > first_add.end_byte()) {
            out.push(
                Finding::new(
                    META.name,
                    META.default_severity,
                    wait.byte_range(),
                    format!(
                        "`{}` blocks forever: nothing calls `{name}.Done()`, and `{}` on line {} raised the count",
                        text(wait, src),
                        text(*first_add, src),
                        go::line_of(*first_add)
                    ),
                )
                .with_related(first_add.byte_range(), format!("`{name}` waits for this count to drop to zero")),
            );
        }
    }
}

fn check_wait_in_loop<'t>(cx: &FileContext<'t>, groups: &WaitGroups<'_, 't>, func: Node<'t>, out: &mut Vec<Finding>) {
    let src = cx.source;
    let Some(body) = go::body(func) else { return };
    let own = |n: &Node| go::enclosing_function(*n) == Some(func);
    let waits: Vec<(Node, Node)> =
        waitgroup_calls(groups, func, cx.calls_in(body), "Wait").into_iter().filter(|(c, _)| own(c)).collect();
    let adds: Vec<(Node, Node)> =
        waitgroup_calls(groups, func, cx.calls_in(body), "Add").into_iter().filter(|(c, _)| own(c)).collect();
    for (wait, operand) in waits {
        let Some(wg) = WaitGroupRef::of(operand, src) else {
            continue;
        };
        // Only a Wait that runs on every iteration: a statement of the loop body itself.
        let Some(stmt) = wait.parent().filter(|s| s.kind_name() == "expression_statement") else {
            continue;
        };
        let Some(loop_stmt) = stmt
            .parent()
            .and_then(|l| l.parent())
            .and_then(|b| b.parent())
            .filter(|l| l.kind_name() == "for_statement")
        else {
            continue;
        };
        let starts = goroutines_using(groups, loop_stmt, &wg).into_iter().any(|g| g.end_byte() <= stmt.start_byte());
        if !starts {
            continue;
        }
        let wg_adds: Vec<Node> = adds.iter().filter(|(_, o)| wg.is(*o, src)).map(|(c, _)| *c).collect();
        let counted_before = wg_adds.iter().find(|a| a.end_byte() <= loop_stmt.start_byte());
        let counted_inside = wg_adds.iter().any(|a| go::contains(loop_stmt, *a));
        let Some(add) = counted_before.filter(|_| !counted_inside) else {
            continue;
        };
        let mut finding = Finding::new(
            META.name,
            META.default_severity,
            wait.byte_range(),
            format!(
                "`{}.Wait()` inside the loop that starts the goroutines blocks forever on the first iteration: `{}` on line {} counts goroutines later iterations start",
                wg.text,
                text(*add, src),
                go::line_of(*add)
            ),
        )
        .with_related(add.byte_range(), "the count is added before the loop".to_string());
        if let Some(fix) = wait_after_loop_fix(src, stmt, loop_stmt, &wg) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// `go` statements in the loop (not in nested closures) whose goroutine uses the WaitGroup.
fn goroutines_using<'t>(groups: &WaitGroups<'_, 't>, loop_stmt: Node<'t>, wg: &WaitGroupRef) -> Vec<Node<'t>> {
    let src = groups.src;
    let mut out = Vec::new();
    go::walk_own(loop_stmt, |n| {
        if n.kind_name() != "go_statement" {
            return;
        }
        let mentions = match &wg.field {
            None => !go::idents_named(n, src, &wg.text).is_empty(),
            Some(_) => groups.may_mark_done(n, wg),
        };
        if mentions {
            out.push(n);
        }
    });
    out
}

/// Moves the Wait to the line after the loop. Unsafe: the goroutines of all
/// iterations now run at once.
fn wait_after_loop_fix(src: &str, stmt: Node, loop_stmt: Node, wg: &WaitGroupRef) -> Option<Fix> {
    let removal = remove_statement(src, stmt)?;
    let outer = loop_stmt.parent().filter(|p| p.kind_name() == "labeled_statement").unwrap_or(loop_stmt);
    if outer.parent().map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let after = go::after_line_of(src, outer)?;
    let indent = go::indent_at(src, outer.start_byte());
    let mut edits = vec![removal];
    let waits_next = go::next_statement(outer).is_some_and(|n| text(n, src) == text(stmt, src));
    if !waits_next {
        edits.push(TextEdit::insert(after, format!("{indent}{}\n", text(stmt, src))));
    }
    Some(Fix {
        title: format!("Move `{}.Wait()` after the loop", wg.text),
        edits,
        applicability: Applicability::Unsafe,
    })
}

/// Deletes a statement that starts its line: the whole line, or, when a comment
/// follows it, the statement alone so the comment keeps its line.
fn remove_statement(src: &str, stmt: Node) -> Option<TextEdit> {
    let (start, end) = (go::line_start(src, stmt.start_byte()), go::line_end(src, stmt.start_byte()));
    if !src[start..stmt.start_byte()].trim().is_empty() || stmt.end_byte() > end {
        return None;
    }
    let rest = &src[stmt.end_byte()..end];
    if rest.trim().is_empty() {
        return Some(TextEdit::replace(start..end, ""));
    }
    let comment = rest.trim_start();
    comment
        .starts_with("//")
        .then(|| TextEdit::replace(stmt.start_byte()..stmt.end_byte() + (rest.len() - comment.len()), ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::testing;

    use crate::analysis::gomod::GoVersion;

    #[test]
    fn the_deferred_done_is_safe_unless_the_goroutine_defers_more() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/waitgroup-done-skipped/workers.go");
        let src = std::fs::read_to_string(path).unwrap();
        let tree = crate::syntax::parse_go(&src, None);
        let mut unsafe_fixes = Vec::new();
        let mut unfixed = Vec::new();
        for f in testing::check(&WaitgroupDoneSkipped, &src, GoVersion::parse("1.22")) {
            let node = tree.root_node().descendant_for_byte_range(f.range.start, f.range.end).unwrap();
            let outer = go::nesting(go::enclosing_function(node).unwrap()).last().unwrap();
            let name = go::function_name(outer, &src).unwrap().to_string();
            match f.fixes.first().map(|fix| fix.applicability) {
                Some(Applicability::Unsafe) => unsafe_fixes.push(name),
                Some(Applicability::Safe) => {}
                None => unfixed.push(name),
            }
        }
        // Drain moves a Wait; consume defers a log line; FetchAll's Done is in a
        // branch that falls through; Validate has two Done calls.
        assert_eq!(unsafe_fixes, vec!["Drain", "consume"]);
        assert_eq!(unfixed, vec!["FetchAll", "Validate"]);
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        testing::survives_truncation(&WaitgroupDoneSkipped);
    }
}
