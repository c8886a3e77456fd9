//! `ticker-not-stopped`: a `time.NewTicker` (or `time.NewTimer`) held in a local
//! that nothing stops, or that a `return` can skip the only `Stop` of.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct TickerNotStopped;

static META: RuleMeta = RuleMeta {
    name: "ticker-not-stopped",
    summary: "time.NewTicker or time.NewTimer in a local that is not stopped on every path",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/ticker-not-stopped.md"),
    requires: Requires { goroutines: false, any_text: &["NewTicker", "NewTimer"] },
};

impl Rule for TickerNotStopped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.time.is_empty() {
            return;
        }
        let src = cx.source;
        let root = cx.tree.root_node();
        let package = go::package_name(root, src);
        for &func in cx.functions() {
            let name = go::function_name(func, src);
            // The process's lifetime is the ticker's lifetime there.
            if func.kind_name() == "function_declaration"
                && (name == Some("init") || (name == Some("main") && package == Some("main")))
            {
                continue;
            }
            let Some(body) = go::body(func) else { continue };
            for created in creations(cx, body) {
                check_creation(cx, body, &created, out);
            }
        }
    }
}

struct Creation<'t> {
    name: String,
    ident: Node<'t>,
    call: Node<'t>,
    statement: Node<'t>,
    kind: TimeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeKind {
    Ticker,
    Timer,
}

fn creations<'t>(cx: &FileContext<'t>, body: Node<'t>) -> Vec<Creation<'t>> {
    let src = cx.source;
    let mut out = Vec::new();
    go::walk_own(body, |n| {
        if !matches!(n.kind_name(), "short_var_declaration" | "var_declaration") {
            return;
        }
        for (ident, value) in go::declared(n) {
            let Some(call) = value.map(go::unparen) else { continue };
            let kind = if go::is_pkg_call(call, src, &cx.imports.time, &["NewTicker"]) {
                TimeKind::Ticker
            } else if go::is_pkg_call(call, src, &cx.imports.time, &["NewTimer"]) {
                TimeKind::Timer
            } else {
                continue;
            };
            if ident.kind_name() == "identifier" && text(ident, src) != "_" {
                out.push(Creation { name: text(ident, src).to_string(), ident, call, statement: n, kind });
            }
        }
    });
    out
}

/// How the code after the creation treats the value.
#[derive(Default)]
struct Uses<'t> {
    /// The `x.Stop()` calls.
    stops: Vec<Node<'t>>,
    escapes: bool,
    /// Function literals run by `go` statements that use the value.
    goroutines: Vec<Node<'t>>,
    /// Whether any use sits outside those goroutines.
    used_outside_goroutine: bool,
}

fn uses<'t>(src: &str, body: Node<'t>, created: &Creation<'t>) -> Uses<'t> {
    let mut uses = Uses::default();
    for ident in go::idents_named(body, src, &created.name) {
        if ident == created.ident || ident.start_byte() < created.call.end_byte() {
            continue;
        }
        if let Some(func) = go::enclosing_function(ident)
            && func.kind_name() == "func_literal"
            && go::shadows_as_param(func, src, &created.name)
        {
            continue;
        }
        match classify(ident, src) {
            Use::Stop => uses.stops.extend(ident.parent().and_then(|sel| sel.parent())),
            Use::Escape => uses.escapes = true,
            Use::Plain => {}
        }
        match goroutine_literal(ident, body) {
            Some(lit) if !uses.goroutines.contains(&lit) => uses.goroutines.push(lit),
            Some(_) => {}
            None => uses.used_outside_goroutine = true,
        }
    }
    uses
}

enum Use {
    Stop,
    Escape,
    Plain,
}

fn classify(ident: Node, src: &str) -> Use {
    let Some(parent) = ident.parent() else { return Use::Plain };
    match parent.kind_name() {
        "selector_expression" if parent.child_by_field_name("operand") == Some(ident) => {
            let field = parent.child_by_field_name("field").map(|f| text(f, src));
            let called = parent.parent().is_some_and(|c| {
                c.kind_name() == "call_expression" && c.child_by_field_name("function") == Some(parent)
            });
            match (field, called) {
                (Some("Stop"), true) => Use::Stop,
                // `t.Stop` as a method value is handed to someone who will call it.
                (Some("Stop"), false) => Use::Escape,
                _ => Use::Plain,
            }
        }
        // Re-assigning the variable itself (`t = time.NewTicker(...)`) is not an escape.
        "expression_list" => {
            let holder = parent.parent();
            let is_left = holder.is_some_and(|h| {
                matches!(h.kind_name(), "assignment_statement" | "short_var_declaration")
                    && h.child_by_field_name("left") == Some(parent)
            });
            if is_left { Use::Plain } else { Use::Escape }
        }
        // Passed to a call, stored in a composite literal, sent, or its address taken.
        "argument_list" | "literal_element" | "keyed_element" | "literal_value" | "return_statement" | "var_spec"
        | "send_statement" | "unary_expression" => Use::Escape,
        _ => Use::Plain,
    }
}

/// The function literal of a `go` statement directly in `body` that contains `node`.
fn goroutine_literal<'t>(node: Node<'t>, body: Node<'t>) -> Option<Node<'t>> {
    let mut cur = node.parent();
    let mut last_literal = None;
    while let Some(n) = cur {
        if n == body {
            return None;
        }
        if n.kind_name() == "func_literal" {
            last_literal = Some(n);
        }
        if n.kind_name() == "go_statement" {
            // `go func() { ... }()`: the literal must be the called function.
            let call = go::named_children(n).into_iter().next()?;
            let function = call.child_by_field_name("function")?;
            return (Some(function) == last_literal).then_some(function);
        }
        cur = n.parent();
    }
    None
}

fn check_creation<'t>(cx: &FileContext<'t>, body: Node<'t>, created: &Creation<'t>, out: &mut Vec<Finding>) {
    let src = cx.source;
    let modern = cx.go_version.is_some_and(|v| v.at_least(1, 23));
    // Since Go 1.23 an unstopped timer is collected once unreferenced; before, it
    // lives until it fires. Either way it fires once, so it is a minor finding.
    if created.kind == TimeKind::Timer && modern {
        return;
    }
    let u = uses(src, body, created);
    if u.escapes {
        return;
    }
    // Since Go 1.23 a ticker nothing references is collected: one that only this
    // function uses goes when it returns, and stopping it is for clarity. One a
    // goroutine uses keeps firing as long as that goroutine holds it.
    let collected_on_return = modern && u.goroutines.is_empty();
    let (what, severity) = match created.kind {
        TimeKind::Ticker if collected_on_return => ("ticker", Severity::Hint),
        TimeKind::Ticker => ("ticker", META.default_severity),
        TimeKind::Timer => ("timer", Severity::Info),
    };
    let detail = match (created.kind, modern) {
        (TimeKind::Ticker, true) if collected_on_return => {
            "since Go 1.23 it is collected once the function returns, so stop it for clarity"
        }
        (TimeKind::Ticker, true) => "a goroutine keeps it referenced, so it keeps firing until that goroutine ends",
        (TimeKind::Ticker, false) => "before Go 1.23 an unstopped ticker is never garbage collected",
        (TimeKind::Timer, _) => "before Go 1.23 an unstopped timer stays in memory until it fires",
    };
    let mut finding = if u.stops.is_empty() {
        // A function that never returns keeps its ticker for good by design, and
        // so does a goroutine that loops on it for the rest of the process: the
        // ticker lives as long as that loop, which is the thing to judge (see
        // `loop-without-exit`), not the missing `Stop`.
        let endless_goroutine = match (u.goroutines.as_slice(), u.used_outside_goroutine) {
            ([lit], false) => go::body(*lit).is_some_and(|b| never_returns(b, &created.name, src)),
            _ => false,
        };
        if never_returns(body, &created.name, src) || endless_goroutine {
            return;
        }
        Finding::new(
            META.name,
            severity,
            created.call.byte_range(),
            format!("{what} `{}` is never stopped: {detail}", created.name),
        )
    } else {
        let skipping = returns_skipping_stop(src, body, created, &u);
        let Some(first) = skipping.first() else {
            return;
        };
        let mut f = Finding::new(
            META.name,
            severity,
            created.call.byte_range(),
            format!(
                "{what} `{}` is not stopped on every path: the return on line {} skips `{}.Stop()`; {detail}",
                created.name,
                go::line_of(*first),
                created.name
            ),
        );
        for r in &skipping {
            f = f.with_related(r.byte_range(), format!("returns without stopping `{}`", created.name));
        }
        for stop in &u.stops {
            f = f.with_related(stop.byte_range(), format!("`{}` is stopped only here", created.name));
        }
        f
    };
    if let Some(fix) = stop_fix(src, body, created, &u) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// The `return` statements that a path from the creation reaches without any `Stop`.
///
/// Conservative: it answers only when every `Stop` is a plain statement of the
/// creating function (not deferred, not in a closure, not in an expression such as
/// `if !t.Stop()`) and no goroutine uses the value; otherwise it finds nothing. See
/// `reached_without_stop` for the paths it trusts.
fn returns_skipping_stop<'t>(src: &str, body: Node<'t>, created: &Creation<'t>, u: &Uses<'t>) -> Vec<Node<'t>> {
    let func = go::enclosing_function(created.statement);
    let plain_statement = |stop: &Node<'t>| {
        go::enclosing_function(*stop) == func
            && stop.parent().is_some_and(|p| {
                p.kind_name() == "expression_statement" && p.parent().is_some_and(|l| l.kind_name() == "statement_list")
            })
    };
    if !u.goroutines.is_empty() || !u.stops.iter().all(plain_statement) {
        return Vec::new();
    }
    let Some(scope) = created.statement.parent() else { return Vec::new() };
    // A timer whose value was received has fired: there is nothing left to stop.
    let fired = |ret: Node| {
        created.kind == TimeKind::Timer
            && ancestors_within(ret, scope).any(|a| {
                a.kind_name() == "communication_case"
                    && a.child_by_field_name("communication")
                        .is_some_and(|c| receives_from_channel_field(c, src, &created.name))
            })
    };
    let mut out = Vec::new();
    go::walk_own(body, |n| {
        if n.kind_name() == "return_statement"
            && n.start_byte() > created.statement.end_byte()
            && go::contains(scope, n)
            && reached_without_stop(n, created.statement, &u.stops, src)
            && !fired(n)
        {
            out.push(n);
        }
    });
    out
}

/// Whether a path runs from `creation` to `ret` without a `Stop`: walking back from
/// `ret` through the statements before it and out through the blocks around it
/// (an `if` branch, a case, a loop body entered on its first pass), every statement
/// passed must let control through without a `Stop` until the creation is reached.
/// Statements it is unsure about end the search with "no": a loop without a
/// condition (control gets past it only through a `break`), a statement that
/// cannot complete (`return`, `panic(...)`, `break`), or anything holding a `Stop`
/// other than an `if` without `else` (its condition may be false).
fn reached_without_stop(ret: Node, creation: Node, stops: &[Node], src: &str) -> bool {
    let mut cur = ret;
    while let Some(parent) = cur.parent() {
        if go::is_function(parent) {
            return false;
        }
        if parent.kind_name() == "statement_list" {
            let mut prev = cur.prev_named_sibling();
            while let Some(stmt) = prev {
                if stmt == creation {
                    return true;
                }
                if stmt.kind_name() != "comment" && !passes_without_stop(stmt, creation, stops, src) {
                    return false;
                }
                prev = stmt.prev_named_sibling();
            }
        }
        cur = parent;
    }
    false
}

/// Whether control can go from before `stmt` to after it without running a `Stop`.
fn passes_without_stop(stmt: Node, creation: Node, stops: &[Node], src: &str) -> bool {
    if go::contains(stmt, creation) {
        return false;
    }
    if stmt.kind_name() == "labeled_statement" {
        return go::named_children(stmt).last().is_some_and(|inner| passes_without_stop(*inner, creation, stops, src));
    }
    // Every `Stop` is a plain statement, so none sits in the condition.
    if stmt.kind_name() == "if_statement" && stmt.child_by_field_name("alternative").is_none() {
        return true;
    }
    !stops.iter().any(|s| go::contains(stmt, *s)) && completes(stmt, src)
}

/// Whether a statement can complete normally (control goes on after it), judged
/// from its syntax; "no" when unsure.
fn completes(stmt: Node, src: &str) -> bool {
    match stmt.kind_name() {
        "return_statement" | "goto_statement" | "break_statement" | "continue_statement" | "fallthrough_statement" => {
            false
        }
        "expression_statement" => {
            !stmt.named_child(0).is_some_and(|c| matches!(go::callee(c, src), Some((None, "panic"))))
        }
        "for_statement" => go::named_children(stmt).iter().any(|c| match c.kind_name() {
            "range_clause" => true,
            "for_clause" => c.child_by_field_name("condition").is_some(),
            "block" | "comment" => false,
            _ => true,
        }),
        "labeled_statement" => go::named_children(stmt).last().is_some_and(|inner| completes(*inner, src)),
        "block" => list_completes(stmt, src),
        "if_statement" => match stmt.child_by_field_name("alternative") {
            None => true,
            Some(alt) => {
                stmt.child_by_field_name("consequence").is_some_and(|b| list_completes(b, src)) || completes(alt, src)
            }
        },
        "expression_switch_statement" | "type_switch_statement" => {
            let cases = go::named_children(stmt);
            !cases.iter().any(|c| c.kind_name() == "default_case") || cases.iter().any(|c| case_completes(*c, src))
        }
        "select_statement" => go::named_children(stmt).iter().any(|c| case_completes(*c, src)),
        _ => true,
    }
}

/// Whether the statements of a block (or a case) can run to their end.
fn list_completes(node: Node, src: &str) -> bool {
    let list = go::named_children(node).into_iter().find(|n| n.kind_name() == "statement_list");
    list.is_none_or(|l| {
        go::named_children(l)
            .into_iter()
            .rev()
            .find(|n| n.kind_name() != "comment")
            .is_none_or(|last| completes(last, src))
    })
}

fn case_completes(case: Node, src: &str) -> bool {
    matches!(case.kind_name(), "communication_case" | "default_case" | "expression_case" | "type_case")
        && list_completes(case, src)
}

fn ancestors_within<'t>(node: Node<'t>, scope: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    std::iter::successors(node.parent(), move |n| n.parent().filter(|_| *n != scope))
}

/// Whether a select communication is `<-name.C` (possibly assigned).
fn receives_from_channel_field(comm: Node, src: &str, name: &str) -> bool {
    let expr = match comm.kind_name() {
        "receive_statement" => comm.child_by_field_name("right"),
        _ => Some(comm),
    };
    expr.and_then(go::receive_operand).map(go::unparen).is_some_and(|ch| {
        ch.kind_name() == "selector_expression"
            && ch.child_by_field_name("operand").is_some_and(|o| go::is_ident(o, src, name))
            && ch.child_by_field_name("field").is_some_and(|f| text(f, src) == "C")
    })
}

/// Whether the function's last statement is a loop with no way out: `for { ... }`
/// or `for range name.C` (a ticker's channel is never closed) whose only exits end
/// the process (`os.Exit`, `log.Fatal`).
fn never_returns(body: Node, name: &str, src: &str) -> bool {
    let Some(list) = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list") else {
        return false;
    };
    let Some(last) = go::named_children(list).into_iter().rev().find(|n| n.kind_name() != "comment") else {
        return false;
    };
    if go::loop_never_exits(last, src) {
        return true;
    }
    if last.kind_name() != "for_statement" {
        return false;
    }
    let header: Vec<Node> =
        go::named_children(last).into_iter().filter(|c| !matches!(c.kind_name(), "block" | "comment")).collect();
    let over_ticker = match header.as_slice() {
        [] => true,
        [range] if range.kind_name() == "range_clause" => {
            range.child_by_field_name("right").map(go::unparen).is_some_and(|r| {
                r.kind_name() == "selector_expression"
                    && r.child_by_field_name("operand").is_some_and(|o| go::is_ident(o, src, name))
                    && r.child_by_field_name("field").is_some_and(|f| text(f, src) == "C")
            })
        }
        _ => false,
    };
    over_ticker
        && go::loop_exits(last, src).iter().all(|exit| {
            exit.kind_name() == "call_expression"
                && match go::callee(*exit, src) {
                    Some((Some("os"), "Exit")) => true,
                    Some((Some("log"), fatal)) => matches!(fatal, "Fatal" | "Fatalf" | "Fatalln"),
                    _ => false,
                }
        })
}

fn stop_fix(src: &str, body: Node, created: &Creation, u: &Uses) -> Option<Fix> {
    let stop = format!("defer {}.Stop()", created.name);
    // The goroutine that owns the ticker stops it when it finishes.
    if let ([lit], false) = (u.goroutines.as_slice(), u.used_outside_goroutine) {
        // Only when the literal's body spans lines; `{ ... }` on one line is left alone.
        let (at, line) = go::first_statement_insert(src, go::body(*lit)?, &stop)?;
        return Some(Fix {
            title: format!("Stop `{}` when the goroutine returns", created.name),
            edits: vec![TextEdit::insert(at, line)],
            applicability: Applicability::Safe,
        });
    }
    if created.statement.parent().map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let indent = go::indent_at(src, created.statement.start_byte());
    let at = go::line_end(src, created.statement.end_byte().saturating_sub(1));
    if !src[created.statement.end_byte()..at].trim().is_empty()
        && !src[created.statement.end_byte()..at].trim_start().starts_with("//")
    {
        return None;
    }
    // In a loop, `defer` runs at function exit, not per iteration: a reviewer must look.
    let in_loop = go::in_loop_within(created.statement, body);
    Some(Fix {
        title: format!("Add `{stop}`"),
        edits: vec![TextEdit::insert(at, format!("{indent}{stop}\n"))],
        applicability: if in_loop { Applicability::Unsafe } else { Applicability::Safe },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&TickerNotStopped);
    }
}
