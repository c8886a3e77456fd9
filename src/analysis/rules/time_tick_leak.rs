//! `time-tick-leak`: `time.Tick` in a function that returns, in a module for a Go
//! version before 1.23, where the ticker it starts can never be stopped nor
//! garbage collected.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct TimeTickLeak;

static META: RuleMeta = RuleMeta {
    name: "time-tick-leak",
    summary: "time.Tick in a function that returns (go.mod before Go 1.23): its ticker is never stopped or collected",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/time-tick-leak.md"),
    requires: Requires { goroutines: false, any_text: &["Tick("] },
};

impl Rule for TimeTickLeak {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.time.is_empty() {
            return;
        }
        // Since Go 1.23 an unreferenced ticker is collected. Without a known version
        // we cannot tell which runtime the code targets, so we stay silent.
        if cx.go_version.is_none_or(|v| v.at_least(1, 23)) {
            return;
        }
        let src = cx.source;
        let root = cx.tree.root_node();
        let package = go::package_name(root, src);
        // Names given to new locals, per function.
        let mut names = HashMap::new();
        for &call in cx.calls() {
            if !go::is_pkg_call(call, src, &cx.imports.time, &["Tick"]) {
                continue;
            }
            let Some(func) = go::enclosing_function(call) else {
                continue;
            };
            let Some(body) = go::body(func) else { continue };
            let Some(tick_use) = tick_use(src, func, call) else {
                continue;
            };
            let name = go::function_name(func, src);
            // A `time.Tick` evaluated on every pass of a loop leaks a ticker per pass,
            // however long the function runs. Otherwise the ticker lives as long as the
            // process in `main` and `init`, and as long as a function that never returns.
            let per_iteration = go::in_loop_within(tick_use.statement(call), body);
            let process_lifetime = func.kind_name() == "function_declaration"
                && (name == Some("init") || (name == Some("main") && package == Some("main")));
            if !per_iteration && (process_lifetime || never_returns(cx, body)) {
                continue;
            }
            let owner = name.map_or("the function literal".to_string(), |n| format!("`{n}`"));
            let message = if per_iteration {
                "`time.Tick` in a loop starts a new ticker on every iteration and none is ever stopped: before Go 1.23 they are never garbage collected".to_string()
            } else {
                format!(
                    "`time.Tick` starts a ticker that is never stopped: {owner} returns, and before Go 1.23 the ticker is never garbage collected"
                )
            };
            let mut finding = Finding::new(META.name, META.default_severity, call.byte_range(), message);
            if let Some(fix) = ticker_fix(cx, body, call, &tick_use, &mut names) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// How the function uses the channel `time.Tick` returns. Anything else (returned,
/// stored, passed on, captured by a closure) hands the ticker to code that may need
/// it for longer than this function runs, so it is not reported.
enum TickUse<'t> {
    /// `for ... := range time.Tick(d)`: the `for` statement.
    Range(Node<'t>),
    /// `<-time.Tick(d)`, as an expression or a select case.
    Receive,
    /// `c := time.Tick(d)` or `var c = time.Tick(d)` where this function only
    /// receives from or ranges over `c`: the declaration.
    Local(Node<'t>),
}

impl<'t> TickUse<'t> {
    /// The statement that evaluates the `time.Tick` call.
    fn statement(&self, call: Node<'t>) -> Node<'t> {
        match self {
            TickUse::Range(stmt) | TickUse::Local(stmt) => *stmt,
            TickUse::Receive => go::statement_of(call).unwrap_or(call),
        }
    }
}

fn tick_use<'t>(src: &str, func: Node<'t>, call: Node<'t>) -> Option<TickUse<'t>> {
    let parent = call.parent()?;
    if parent.kind_name() == "range_clause" && parent.child_by_field_name("right") == Some(call) {
        return parent.parent().filter(|f| f.kind_name() == "for_statement").map(TickUse::Range);
    }
    if go::receive_operand(parent) == Some(call) {
        return Some(TickUse::Receive);
    }
    if parent.kind_name() != "expression_list" {
        return None;
    }
    let holder = parent.parent()?;
    let stmt = match holder.kind_name() {
        "short_var_declaration" if holder.child_by_field_name("right") == Some(parent) => holder,
        "var_spec" if holder.child_by_field_name("value") == Some(parent) => {
            holder.parent().filter(|d| d.kind_name() == "var_declaration")?
        }
        _ => return None,
    };
    let pairs = go::declared(stmt);
    let [(ident, Some(value))] = pairs.as_slice() else {
        return None;
    };
    if *value != call || ident.kind_name() != "identifier" {
        return None;
    }
    let name = text(*ident, src);
    let body = go::body(func)?;
    let only_received = go::idents_named(body, src, name).into_iter().filter(|i| i != ident).all(|i| {
        go::enclosing_function(i) == Some(func)
            && i.parent().is_some_and(|p| {
                go::receive_operand(p) == Some(i)
                    || (p.kind_name() == "range_clause" && p.child_by_field_name("right") == Some(i))
            })
    });
    only_received.then_some(TickUse::Local(stmt))
}

/// Whether the function cannot return: its last statement is `select {}` or a loop
/// with no way out, such as `for range time.Tick(d)` with no `return` or `break`.
fn never_returns(cx: &FileContext, body: Node) -> bool {
    let src = cx.source;
    let Some(list) = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list") else {
        return false;
    };
    let Some(mut last) = go::named_children(list).into_iter().rev().find(|n| n.kind_name() != "comment") else {
        return false;
    };
    if last.kind_name() == "labeled_statement" {
        match go::named_children(last).into_iter().find(|n| n.kind_name() != "label_name") {
            Some(inner) => last = inner,
            None => return false,
        }
    }
    if last.kind_name() == "select_statement" {
        return go::named_children(last).iter().all(|c| c.kind_name() == "comment");
    }
    if last.kind_name() != "for_statement" || !go::loop_leaving_jumps(last, src, &|n| n.parent()).is_empty() {
        return false;
    }
    let header: Vec<Node> = go::named_children(last)
        .into_iter()
        .filter(|c| c.kind_name() != "block" && c.kind_name() != "comment")
        .collect();
    match header.as_slice() {
        [] => true,
        [clause] if clause.kind_name() == "range_clause" => {
            clause.child_by_field_name("right").is_some_and(|ch| is_ticker_channel(cx, body, ch))
        }
        _ => false,
    }
}

/// A channel that is never closed because a ticker or timer feeds it: `time.Tick(d)`,
/// `x.C`, or a local of `body` assigned from `time.Tick(d)`.
fn is_ticker_channel(cx: &FileContext, body: Node, ch: Node) -> bool {
    let src = cx.source;
    let ch = go::unparen(ch);
    match ch.kind_name() {
        "call_expression" => go::is_pkg_call(ch, src, &cx.imports.time, &["Tick"]),
        "selector_expression" => ch.child_by_field_name("field").is_some_and(|f| text(f, src) == "C"),
        "identifier" => {
            let mut from_tick = false;
            go::walk_own(body, |n| {
                if matches!(n.kind_name(), "short_var_declaration" | "var_declaration") {
                    from_tick |= go::declared(n).iter().any(|(name, value)| {
                        text(*name, src) == text(ch, src)
                            && value.is_some_and(|v| go::is_pkg_call(go::unparen(v), src, &cx.imports.time, &["Tick"]))
                    });
                }
            });
            from_tick
        }
        _ => false,
    }
}

/// `ticker := time.NewTicker(d)` and `defer ticker.Stop()` before the statement
/// that calls `time.Tick(d)`, which becomes `ticker.C`. A receive inside a loop
/// gets one ticker made before the loop instead of one per iteration.
fn ticker_fix(
    cx: &FileContext,
    body: Node,
    call: Node,
    tick_use: &TickUse,
    names: &mut HashMap<usize, Vec<String>>,
) -> Option<Fix> {
    let src = cx.source;
    let args = go::call_args(call);
    let [interval] = args.as_slice() else {
        return None;
    };
    let interval = *interval;
    let pkg = call.child_by_field_name("function")?.child_by_field_name("operand").map(|o| text(o, src))?;
    let statement = tick_use.statement(call);
    let (anchor, applicability) = match tick_use {
        TickUse::Receive if go::in_loop_within(statement, body) => {
            // One ticker for the whole loop: it ticks on its own schedule instead of
            // restarting with each wait, which a reviewer must accept.
            let lp = go::enclosing_loop(statement)?;
            let invariant = go::is_pure_expression(interval, src, &cx.imports)
                && go::identifiers(interval, src).iter().all(|name| !go::writes_to(lp, src, name));
            if !invariant || go::in_loop_within(lp, body) {
                return None;
            }
            (lp, Applicability::Unsafe)
        }
        TickUse::Receive => {
            // The interval is now evaluated before the rest of the statement.
            let pure = go::is_pure_expression(interval, src, &cx.imports);
            (statement, if pure { Applicability::Safe } else { Applicability::Unsafe })
        }
        // In a loop every pass defers another Stop until the function returns.
        _ if go::in_loop_within(statement, body) => (statement, Applicability::Unsafe),
        _ => (statement, Applicability::Safe),
    };
    let outer = anchor.parent().filter(|p| p.kind_name() == "labeled_statement").unwrap_or(anchor);
    if outer.parent().map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let line_start = go::line_start(src, outer.start_byte());
    if !src[line_start..outer.start_byte()].trim().is_empty() {
        return None;
    }
    let indent = go::indent_at(src, anchor.start_byte());
    let func = go::enclosing_function(call)?;
    let taken = names.entry(func.id()).or_default();
    let name = go::fresh_name(func, src, "ticker", taken);
    taken.push(name.clone());
    Some(Fix {
        title: format!("Use `{name} := {pkg}.NewTicker(...)` and stop it"),
        edits: vec![
            TextEdit::insert(
                line_start,
                format!("{indent}{name} := {pkg}.NewTicker({})\n{indent}defer {name}.Stop()\n", text(interval, src)),
            ),
            TextEdit::replace(call.byte_range(), format!("{name}.C")),
        ],
        applicability,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::gomod::GoVersion;
    use crate::syntax::parse_go;

    fn findings(src: &str, version: Option<GoVersion>) -> Vec<Finding> {
        let tree = parse_go(src, None);
        let cx = FileContext::new(src, &tree, None, version, None);
        let mut out = Vec::new();
        TimeTickLeak.check(&cx, &mut out);
        out
    }

    fn applicability(body: &str) -> Option<Applicability> {
        let src = format!("package p\n\nimport \"time\"\n\n{body}");
        let found = findings(&src, Some(GoVersion::new(1, 22)));
        assert_eq!(found.len(), 1, "{src}");
        found[0].fixes.first().map(|f| f.applicability)
    }

    #[test]
    fn fix_safety_follows_where_the_tick_is_evaluated() {
        let range = "func f(d time.Duration, done func() bool) {\n\tfor range time.Tick(d) {\n\t\tif done() {\n\t\t\treturn\n\t\t}\n\t}\n}\n";
        assert_eq!(applicability(range), Some(Applicability::Safe));
        let hoisted = "func f(d time.Duration, c <-chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-time.Tick(d):\n\t\tcase <-c:\n\t\t\treturn\n\t\t}\n\t}\n}\n";
        assert_eq!(applicability(hoisted), Some(Applicability::Unsafe));
        let impure = "func f(next func() time.Duration) {\n\t<-time.Tick(next())\n}\n";
        assert_eq!(applicability(impure), Some(Applicability::Unsafe));
        let varying = "func f(ds []time.Duration) {\n\tfor _, d := range ds {\n\t\t<-time.Tick(d)\n\t}\n}\n";
        assert_eq!(applicability(varying), None);
    }

    #[test]
    fn silent_from_go_1_23_and_without_a_version() {
        let src = "package p\n\nimport \"time\"\n\nfunc f() {\n\t<-time.Tick(time.Second)\n}\n";
        assert_eq!(findings(src, Some(GoVersion::new(1, 22))).len(), 1);
        assert!(findings(src, Some(GoVersion::new(1, 23))).is_empty());
        assert!(findings(src, None).is_empty());
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        for src in [
            "package p\nimport \"time\"\nfunc f() { for range time.Tick( {",
            "package p\nimport \"time\"\nfunc f() { c := time.Tick(); <-c",
            "package p\nimport \"time\"\nfunc f() { select { case <-time.Tick",
        ] {
            findings(src, Some(GoVersion::new(1, 20)));
        }
    }

    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&TimeTickLeak);
    }
}
