//! `blocked-forever`: statements that can never go on: `select {}`, a send or
//! receive on a channel that is nil for its whole scope, and an empty `for {}` in
//! a goroutine.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::ancestry::Ancestry;
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, GoroutineEntries, text};

pub struct BlockedForever;

static META: RuleMeta = RuleMeta {
    name: "blocked-forever",
    summary: "select {}, an operation on a never-assigned nil channel, or an empty for {} in a goroutine",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/blocked-forever.md"),
    requires: Requires { goroutines: false, any_text: &["select", "chan", "for {"] },
};

impl Rule for BlockedForever {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let src = cx.source;
        let root = cx.tree.root_node();
        let entries = GoroutineEntries::of(cx.go_statements(), src);
        let main_package = go::package_name(root, src) == Some("main");
        let test_file = cx.path.is_some_and(is_test_file);
        for &func in cx.functions() {
            // Blocking forever is how `main` keeps a server process alive.
            if go::is_process_entry(func, root, src) {
                continue;
            }
            let Some(body) = go::body(func) else { continue };
            let goroutine = runs_as_goroutine(cx, &entries, func);
            // Outside goroutines only `var` declarations (nil channels) matter: a
            // look at the text spares the walk of most function bodies.
            if !goroutine && !text(body, src).contains("var") {
                continue;
            }
            let mut nil_channels = Vec::new();
            go::walk_own(body, |n| match n.kind_name() {
                // Outside a goroutine, `select {}` parks the caller on purpose: a server
                // kept alive, a child process waiting to be killed, a stub of a peer
                // that never answers. In a test, parking a goroutine is the test's own
                // doing (deadlock detection, a hung peer).
                "select_statement" if goroutine && !test_file && is_empty_select(n) => {
                    out.push(empty_select(cx, func, n));
                }
                "select_statement" if goroutine && !test_file && never_ready_select(n, src) => {
                    out.push(Finding::new(
                        META.name,
                        META.default_severity,
                        n.byte_range(),
                        "goroutine blocks forever in this `select`: every case is on a channel made in place, which nothing else can reach",
                    ));
                }
                "send_statement" | "unary_expression"
                    if goroutine && !test_file && never_ready(n, src) && !in_select_case(cx.ancestry(), n) =>
                {
                    let what = if n.kind_name() == "send_statement" { "send on" } else { "receive from" };
                    out.push(Finding::new(
                        META.name,
                        META.default_severity,
                        n.byte_range(),
                        format!(
                            "goroutine blocks forever: {what} a channel made in place (`{}`), which nothing else can reach",
                            text(channel_operand(n).unwrap_or(n), src)
                        ),
                    ));
                }
                "for_statement" if goroutine && is_empty_endless_loop(n) => out.push(spin(cx, func, n)),
                "var_spec" => nil_channels.push(n),
                _ => {}
            });
            for spec in nil_channels {
                check_nil_channel(cx, spec, &entries, main_package, out);
            }
        }
    }
}

fn is_empty_select(select: Node) -> bool {
    go::named_children(select).iter().all(|c| c.kind_name() == "comment")
}

/// `for {}`: no header, nothing (but comments) in the body.
fn is_empty_endless_loop(for_stmt: Node) -> bool {
    let body = for_stmt.child_by_field_name("body");
    let header = go::named_children(for_stmt).into_iter().any(|c| Some(c) != body && c.kind_name() != "comment");
    !header && body.is_some_and(|b| go::named_children(b).iter().all(|c| c.kind_name() == "comment"))
}

fn empty_select<'t>(cx: &FileContext<'t>, func: Node<'t>, select: Node<'t>) -> Finding {
    let mut finding = Finding::new(
        META.name,
        META.default_severity,
        select.byte_range(),
        "goroutine blocks forever in `select {}`: nothing can wake it, so it never ends",
    );
    if let Some(fix) = wait_for_done_fix(cx, func, select) {
        finding = finding.with_fix(fix);
    }
    finding
}

/// Whether the file is a Go test file.
fn is_test_file(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with("_test.go"))
}

fn spin<'t>(cx: &FileContext<'t>, func: Node<'t>, for_stmt: Node<'t>) -> Finding {
    let mut finding = Finding::new(
        META.name,
        META.default_severity,
        for_stmt.byte_range(),
        "goroutine spins forever in an empty `for {}`: it never ends and keeps a CPU busy",
    );
    if let Some(fix) = wait_for_done_fix(cx, func, for_stmt) {
        finding = finding.with_fix(fix);
    }
    finding
}

/// Replaces a statement that never ends with a wait on the context in scope, so
/// the goroutine ends with it. Unsafe: it now ends. Only where the statement is a
/// statement of its own and the function has no results (the replacement is no
/// terminating statement).
fn wait_for_done_fix<'t>(cx: &FileContext<'t>, func: Node<'t>, stmt: Node<'t>) -> Option<Fix> {
    if go::has_results(func) || cx.ancestry().parent(stmt).map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let ctx = cx.context_in_scope(func, stmt)?;
    Some(Fix {
        title: format!("Wait for `{ctx}` to be done instead"),
        edits: vec![TextEdit::replace(stmt.byte_range(), format!("<-{ctx}.Done()"))],
        applicability: Applicability::Unsafe,
    })
}

/// Whether `func` runs as a goroutine: a literal started by a `go` statement, or a
/// function or method the file starts by name. The literal's statement is found
/// through the ancestry (tree-sitter's own parent lookup descends from the root).
fn runs_as_goroutine(cx: &FileContext, entries: &GoroutineEntries, func: Node) -> bool {
    match func.kind_name() {
        "func_literal" => cx.ancestry().go_statement_of(func).is_some(),
        _ => entries.runs_as_goroutine(func, cx.source),
    }
}

/// `var ch chan T` with no value, in a function: if nothing in its scope assigns
/// it, every send and receive on it outside a `select` blocks forever.
fn check_nil_channel(
    cx: &FileContext,
    spec: Node,
    entries: &GoroutineEntries,
    main_package: bool,
    out: &mut Vec<Finding>,
) {
    let src = cx.source;
    if spec.child_by_field_name("value").is_some()
        || spec.child_by_field_name("type").map(|t| t.kind_name()) != Some("channel_type")
    {
        return;
    }
    let up = cx.ancestry();
    let parent = |n| up.parent(n);
    let Some(scope) = parent(spec)
        .and_then(|p| if p.kind_name() == "var_spec_list" { parent(p) } else { Some(p) })
        .filter(|d| d.kind_name() == "var_declaration")
        .and_then(parent)
        .filter(|l| l.kind_name() == "statement_list")
        .and_then(parent)
    else {
        return;
    };
    let mut cursor = spec.walk();
    let names: Vec<Node> = spec.children_by_field_name("name", &mut cursor).collect();
    for name_node in names {
        let name = text(name_node, src);
        if name == "_" {
            continue;
        }
        let Some(ops) = blocking_ops(up, scope, spec, name, src) else {
            continue;
        };
        for op in ops {
            // `<-forever` on its own is `select {}` by another name: in a command's
            // functions it keeps the process serving.
            let waits_only = up.parent(op).is_some_and(|p| p.kind_name() == "expression_statement");
            let in_goroutine = up.enclosing_function(op).is_some_and(|f| runs_as_goroutine(cx, entries, f));
            if waits_only && main_package && !in_goroutine {
                continue;
            }
            let what = match op.kind_name() {
                "send_statement" => "send on",
                "range_clause" => "range over",
                _ => "receive from",
            };
            out.push(
                Finding::new(
                    META.name,
                    META.default_severity,
                    op.byte_range(),
                    format!(
                        "{what} `{name}` blocks forever: `{name}` is a nil channel (declared on line {} and never assigned)",
                        go::line_of(name_node)
                    ),
                )
                .with_related(spec.byte_range(), format!("`{name}` is declared without a value here")),
            );
        }
    }
}

/// The sends, receives and ranges on `name` in `scope` after its declaration,
/// outside `select` cases (where a nil channel just disables the case). None when
/// something may give `name` a value or another `name` is declared in the scope.
fn blocking_ops<'t>(
    up: &Ancestry<'t>,
    scope: Node<'t>,
    spec: Node<'t>,
    name: &str,
    src: &str,
) -> Option<Vec<Node<'t>>> {
    let mut ops = Vec::new();
    for ident in go::idents_named(scope, src, name) {
        if ident.start_byte() < spec.end_byte() {
            continue;
        }
        let parent = up.parent(ident)?;
        match parent.kind_name() {
            // Declared again (a shadow), a parameter, or assigned.
            "var_spec" | "parameter_declaration" | "variadic_parameter_declaration" | "const_spec" => return None,
            "expression_list" => {
                let holder = up.parent(parent)?;
                let on_left = holder.child_by_field_name("left") == Some(parent);
                if on_left
                    && matches!(
                        holder.kind_name(),
                        "assignment_statement" | "short_var_declaration" | "range_clause" | "receive_statement"
                    )
                {
                    return None;
                }
            }
            "unary_expression" if go::receive_operand(parent) != Some(ident) => {
                // `&ch`: someone may store through the pointer.
                return None;
            }
            "inc_statement" | "dec_statement" => return None,
            _ => {}
        }
        let sends = parent.kind_name() == "send_statement" && parent.child_by_field_name("channel") == Some(ident);
        let receives = go::receive_operand(parent) == Some(ident);
        let ranges = parent.kind_name() == "range_clause" && parent.child_by_field_name("right") == Some(ident);
        if (sends || receives || ranges) && !in_select_case(up, parent) {
            ops.push(parent);
        }
    }
    Some(ops)
}

/// The channel of a send or a receive.
fn channel_operand(op: Node) -> Option<Node> {
    match op.kind_name() {
        "send_statement" => op.child_by_field_name("channel").map(go::unparen),
        _ => go::receive_operand(op).map(go::unparen),
    }
}

/// Whether a send or receive can never go on: a receive from `make(chan T)` or
/// `make(chan T, n)` written in place (nobody else holds the channel, so nothing
/// is ever sent), or a send on an unbuffered one (nobody can receive).
fn never_ready(op: Node, src: &str) -> bool {
    let Some(channel) = channel_operand(op) else { return false };
    if !(channel.kind_name() == "call_expression"
        && matches!(go::callee(channel, src), Some((None, "make")))
        && go::call_args(channel).first().is_some_and(|t| t.kind_name() == "channel_type"))
    {
        return false;
    }
    match op.kind_name() {
        "send_statement" => match go::call_args(channel).as_slice() {
            [_] => true,
            [_, capacity] => text(*capacity, src) == "0",
            _ => false,
        },
        _ => true,
    }
}

/// A `select` without `default` whose every case sends or receives on a channel
/// made in place that can never be ready.
fn never_ready_select(select: Node, src: &str) -> bool {
    let cases: Vec<Node> = go::named_children(select).into_iter().filter(|c| c.kind_name() != "comment").collect();
    !cases.is_empty()
        && cases.iter().all(|case| {
            case.kind_name() == "communication_case"
                && case.child_by_field_name("communication").is_some_and(|comm| {
                    let op = match comm.kind_name() {
                        "receive_statement" => comm.child_by_field_name("right").map(go::unparen),
                        _ => Some(comm),
                    };
                    op.is_some_and(|op| never_ready(op, src))
                })
        })
}

/// Whether the operation is the communication of a `select` case.
fn in_select_case<'t>(up: &Ancestry<'t>, op: Node<'t>) -> bool {
    let mut cur = up.parent(op);
    // `case v := <-ch:` wraps the receive in a receive statement.
    while let Some(n) = cur {
        match n.kind_name() {
            "communication_case" => return true,
            "receive_statement" | "expression_list" => cur = up.parent(n),
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::testing;

    #[test]
    fn half_typed_code_does_not_panic() {
        testing::survives_truncation(&BlockedForever);
    }
}
