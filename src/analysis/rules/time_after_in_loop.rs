//! `time-after-in-loop`: `case <-time.After(d):` in a `select` inside a loop, in a
//! module for a Go version before 1.23, where every pass that another case wins
//! leaves a timer in memory until it fires.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct TimeAfterInLoop;

static META: RuleMeta = RuleMeta {
    name: "time-after-in-loop",
    summary: "time.After as a select case in a loop (go.mod before Go 1.23): each abandoned timer stays until it fires",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/time-after-in-loop.md"),
    requires: Requires { goroutines: false, any_text: &["After("] },
};

impl Rule for TimeAfterInLoop {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.time.is_empty() {
            return;
        }
        // Since Go 1.23 a timer nobody references is collected before it fires, so
        // nothing piles up. An unknown version most likely means a current toolchain.
        if cx.go_version.is_none_or(|v| v.at_least(1, 23)) {
            return;
        }
        let src = cx.source;
        // Names given to new locals, per function.
        let mut names = HashMap::new();
        for &call in cx.calls() {
            if !go::is_pkg_call(call, src, &cx.imports.time, &["After"]) {
                continue;
            }
            let Some(case) = after_case(call) else {
                continue;
            };
            let Some(select) = case.parent() else {
                continue;
            };
            let Some(lp) = go::enclosing_loop(select) else {
                continue;
            };
            // A loop that runs a fixed number of times abandons at most that many
            // timers per call, like as many `time.After` calls written out.
            if go::constant_iterations(lp, src).is_some() {
                continue;
            }
            if !another_case_stays(select, case, lp, src) {
                continue;
            }
            let interval = go::call_args(call).first().map_or("d", |a| text(*a, src)).to_string();
            let message = format!(
                "`time.After` in a loop starts a timer on every pass: when another case wins, the timer stays in memory for `{interval}` (before Go 1.23 it is not collected until it fires)"
            );
            let mut finding = Finding::new(META.name, META.default_severity, call.byte_range(), message);
            if let Some(fix) = timer_fix(cx, call, select, lp, &mut names) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// The select case whose communication is `<-time.After(d)` (optionally assigned).
fn after_case(call: Node) -> Option<Node> {
    let recv = call.parent()?;
    if go::receive_operand(recv) != Some(call) {
        return None;
    }
    let stmt = recv.parent().filter(|s| s.kind_name() == "receive_statement")?;
    let case = stmt.parent().filter(|c| c.kind_name() == "communication_case")?;
    (case.child_by_field_name("communication") == Some(stmt)).then_some(case)
}

/// Whether some other case of the select (or its `default`) can finish without
/// leaving the loop, so the loop comes round again and abandons the timer.
fn another_case_stays(select: Node, after: Node, lp: Node, src: &str) -> bool {
    let exits = go::loop_leaving_jumps(lp, src, &|n| n.parent());
    go::named_children(select).into_iter().any(|other| {
        if other == after || !matches!(other.kind_name(), "communication_case" | "default_case") {
            return false;
        }
        let last = go::named_children(other)
            .into_iter()
            .find(|n| n.kind_name() == "statement_list")
            .and_then(|list| go::named_children(list).into_iter().rev().find(|n| n.kind_name() != "comment"));
        // A case whose last statement leaves the loop ends the waiting for good.
        !last.is_some_and(|stmt| exits.contains(&stmt))
    })
}

/// One `time.NewTimer` before the loop, stopped when the function returns, and
/// re-armed right before the select. Before Go 1.23 `Reset` on a timer that fired
/// while another case won leaves the stale value in the channel, so the timer is
/// stopped and its channel drained without blocking first (it may be empty if the
/// timeout case itself received it).
fn timer_fix(
    cx: &FileContext,
    call: Node,
    select: Node,
    lp: Node,
    names: &mut HashMap<usize, Vec<String>>,
) -> Option<Fix> {
    let src = cx.source;
    let args = go::call_args(call);
    let [interval] = args.as_slice() else {
        return None;
    };
    let interval = *interval;
    // The interval is now evaluated before the loop and again before each select.
    let invariant = go::is_pure_expression(interval, src, &cx.imports)
        && go::identifiers(interval, src).iter().all(|name| !go::writes_to(lp, src, name));
    // A loop inside another loop would defer a Stop per outer pass.
    if !invariant || go::enclosing_loop(lp).is_some() {
        return None;
    }
    let outer_loop = lp.parent().filter(|p| p.kind_name() == "labeled_statement").unwrap_or(lp);
    let loop_line = starts_line(src, outer_loop)?;
    let select_line = starts_line(src, select)?;
    if outer_loop.parent().map(|p| p.kind_name()) != Some("statement_list")
        || select.parent().map(|p| p.kind_name()) != Some("statement_list")
    {
        return None;
    }
    let pkg = call.child_by_field_name("function")?.child_by_field_name("operand").map(|o| text(o, src))?;
    let func = go::enclosing_function(call)?;
    let taken = names.entry(func.id()).or_default();
    let name = go::fresh_name(func, src, "timer", taken);
    taken.push(name.clone());
    let d = text(interval, src);
    let li = go::indent_at(src, lp.start_byte());
    let si = go::indent_at(src, select.start_byte());
    Some(Fix {
        title: format!("Reuse one timer: `{name} := {pkg}.NewTimer({d})` before the loop"),
        edits: vec![
            TextEdit::insert(loop_line, format!("{li}{name} := {pkg}.NewTimer({d})\n{li}defer {name}.Stop()\n")),
            TextEdit::insert(
                select_line,
                format!(
                    "{si}if !{name}.Stop() {{\n{si}\tselect {{\n{si}\tcase <-{name}.C:\n{si}\tdefault:\n{si}\t}}\n{si}}}\n{si}{name}.Reset({d})\n"
                ),
            ),
            TextEdit::replace(call.byte_range(), format!("{name}.C")),
        ],
        applicability: Applicability::Safe,
    })
}

/// The start of the line of `node` when only indentation precedes it there.
fn starts_line(src: &str, node: Node) -> Option<usize> {
    let start = go::line_start(src, node.start_byte());
    src[start..node.start_byte()].trim().is_empty().then_some(start)
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
        TimeAfterInLoop.check(&cx, &mut out);
        out
    }

    const CONSUME: &str = "package p\n\nimport \"time\"\n\nfunc f(in <-chan int, d time.Duration) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(d):\n\t\t\treturn\n\t\t}\n\t}\n}\n";

    #[test]
    fn reported_before_go_1_23_only() {
        let found = findings(CONSUME, Some(GoVersion::new(1, 22)));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].fixes[0].applicability, Applicability::Safe);
        assert!(findings(CONSUME, Some(GoVersion::new(1, 23))).is_empty());
        assert!(findings(CONSUME, None).is_empty());
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        for src in [
            "package p\nimport \"time\"\nfunc f() { for { select { case <-time.After(",
            "package p\nimport \"time\"\nfunc f() { for { select { case <-time.After(d): default",
        ] {
            findings(src, Some(GoVersion::new(1, 20)));
        }
    }

    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&TimeAfterInLoop);
    }
}
