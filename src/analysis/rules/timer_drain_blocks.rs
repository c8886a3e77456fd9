//! `timer-drain-blocks`: `if !t.Stop() { <-t.C }` after a `select` case that
//! already received from `t.C` without re-arming the timer. `Stop` then
//! returns false (the timer has fired) and the drain waits for a value that was
//! taken already: it blocks forever.

use std::ops::Range;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::node_at;
use crate::semantic::{OpKind, OpRef, Package, Place, ReceiveForm, SyncKind};

pub struct TimerDrainBlocks;

static META: RuleMeta = RuleMeta {
    name: "timer-drain-blocks",
    summary: "`if !t.Stop() { <-t.C }` where a select case already received from t.C without resetting the timer",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/timer-drain-blocks.md"),
    requires: Requires { goroutines: false, any_text: &[".Stop()"] },
};

impl Rule for TimerDrainBlocks {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        let file = cx.model_file();
        for (i, op) in pkg.files[file as usize].ops.iter().enumerate() {
            if op.kind != (OpKind::Receive { form: ReceiveForm::Plain }) {
                continue;
            }
            let Some(channel) = pkg.place_of(file, &op.target) else { continue };
            let Place::TimerChannel(timer) = &channel else { continue };
            let timer = (**timer).clone();
            if pkg.place_type(&timer).and_then(|t| t.sync_kind()) != Some(SyncKind::Timer) {
                continue;
            }
            let drain = OpRef { file, op: i as u32 };
            let Some(guard) = drain_guard(cx, pkg, drain, &timer) else { continue };
            let Some((taken, line)) = earlier_receive(cx, pkg, drain, &channel, &timer, guard) else { continue };
            // The timer as this code names it (`s.idle`).
            let drained = cx.source.get(op.range.clone()).unwrap_or_default();
            let t = drained.trim_start_matches("<-").trim().trim_end_matches(".C");
            let message = format!(
                "`<-{t}.C` blocks forever after `case <-{t}.C:` (line {line}) has taken the timer's value without resetting it: `{t}.Stop()` then returns false and the timer sends nothing more"
            );
            let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message)
                .with_related(taken, "receives the timer's value and does not reset the timer");
            if let Some(fix) = non_blocking_drain(cx, &op.range) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// The `if !t.Stop() { ... }` whose block holds the drain as a statement.
fn drain_guard<'t>(cx: &FileContext<'t>, pkg: &Package, drain: OpRef, timer: &Place) -> Option<Node<'t>> {
    let recv = node_at(cx, &pkg.op(drain).range, "unary_expression")?;
    let stmt = recv.parent().filter(|p| p.kind_name() == "expression_statement")?;
    let block = std::iter::successors(stmt.parent(), |n| n.parent()).find(|n| n.kind_name() != "statement_list")?;
    let guard = block.parent().filter(|p| p.kind_name() == "if_statement")?;
    if guard.child_by_field_name("consequence") != Some(block) {
        return None;
    }
    let cond = go::unparen(guard.child_by_field_name("condition")?);
    let negated = cond.kind_name() == "unary_expression"
        && cond.child_by_field_name("operator").is_some_and(|o| go::text(o, cx.source) == "!");
    let stop = go::unparen(cond.child_by_field_name("operand").filter(|_| negated)?);
    let stops_timer = pkg.ops_at(timer).iter().any(|r| {
        let op = pkg.op(*r);
        r.file == drain.file && op.range == stop.byte_range() && op.kind == OpKind::Method("Stop".into())
    });
    stops_timer.then_some(guard)
}

/// A `select` case of the same function that receives from the timer's
/// channel, does not re-arm the timer and does not leave, and runs before the
/// drain: earlier in the same straight-line code, or anywhere in the loop
/// both are in. Its header and line.
fn earlier_receive(
    cx: &FileContext,
    pkg: &Package,
    drain: OpRef,
    channel: &Place,
    timer: &Place,
    guard: Node,
) -> Option<(Range<usize>, usize)> {
    let drain_op = pkg.op(drain);
    let rearms: Vec<Range<usize>> = pkg
        .ops_at(timer)
        .iter()
        .filter(|r| r.file == drain.file && pkg.op(**r).func == drain_op.func)
        .filter(|r| {
            matches!(&pkg.op(**r).kind, OpKind::Method(m) if m == "Reset")
                || matches!(pkg.op(**r).kind, OpKind::Assign | OpKind::Make { .. } | OpKind::AssignAll)
        })
        .map(|r| pkg.op(*r).range.clone())
        .collect();
    let declared_at = pkg.declaration_of(timer).map(|(_, r)| r);
    // What runs after the drain, in the same case or block: re-arming there does not help the next drain.
    let own_region = std::iter::successors(guard.parent(), |n| n.parent())
        .find(|n| n.kind_name() == "communication_case")
        .map(|c| c.byte_range())
        .unwrap_or_else(|| guard.byte_range());
    pkg.ops_at(channel).iter().find_map(|r| {
        let op = pkg.op(*r);
        if r.file != drain.file || op.func != drain_op.func || *r == drain {
            return None;
        }
        let OpKind::Receive { form: ReceiveForm::Select(case) } = op.kind else { return None };
        let select = pkg.select(r.file, case.select);
        let taken = select.cases.get(case.case as usize)?;
        if taken.leaves_function {
            return None;
        }
        let case_node = case_node(cx, taken.range.start)?;
        if rearms.iter().any(|a| contains(&case_node.byte_range(), a)) {
            return None;
        }
        let path = match (select.in_loop, drain_op.in_loop) {
            // The next turn of the loop: any re-arming elsewhere in it may run in between,
            // and so does a timer made inside it.
            (Some(a), Some(b)) if a == b => {
                let body = pkg.loop_of(r.file, a).range.clone();
                let fresh_each_turn = declared_at.as_ref().is_some_and(|d| contains(&body, d));
                if taken.leaves_loop
                    || fresh_each_turn
                    || rearms.iter().any(|x| contains(&body, x) && !contains(&own_region, x))
                {
                    return None;
                }
                true
            }
            (a, b) if a == b => {
                let between = select.range.end..drain_op.range.start;
                select.range.end <= drain_op.range.start && !rearms.iter().any(|x| contains(&between, x))
            }
            _ => false,
        };
        path.then(|| (taken.range.clone(), case_node.start_position().row + 1))
    })
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The `case` of a `select` that starts at `start`.
fn case_node<'t>(cx: &FileContext<'t>, start: usize) -> Option<Node<'t>> {
    let inner = cx.tree.root_node().descendant_for_byte_range(start, start)?;
    std::iter::successors(Some(inner), |n| n.parent())
        .find(|n| n.kind_name() == "communication_case" && n.start_byte() == start)
}

/// The drain becomes a receive that does not wait (safe: when the value is
/// there it is taken as before; when it was taken already, nothing blocks).
fn non_blocking_drain(cx: &FileContext, recv: &Range<usize>) -> Option<Fix> {
    let node = node_at(cx, recv, "unary_expression")?;
    let stmt = node.parent().filter(|p| p.kind_name() == "expression_statement")?;
    let indent = go::indent_at(cx.source, stmt.start_byte());
    // Only a drain on a line of its own keeps gofmt's layout.
    if go::line_start(cx.source, stmt.start_byte()) + indent.len() != stmt.start_byte() {
        return None;
    }
    let text = go::text(node, cx.source);
    Some(Fix {
        title: "Drain the timer without blocking".into(),
        edits: vec![TextEdit::replace(
            stmt.byte_range(),
            format!("select {{\n{indent}case {text}:\n{indent}default:\n{indent}}}"),
        )],
        applicability: Applicability::Safe,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::TimerDrainBlocks);
    }
}
