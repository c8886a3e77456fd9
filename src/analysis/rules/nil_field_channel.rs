//! `nil-field-channel`: a send, receive or `range` on a struct-field channel
//! that no code of the package ever initialises: a nil channel blocks forever.

use std::ops::Range;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::{blocks, field_channels, related_in};
use crate::semantic::Place;

pub struct NilFieldChannel;

static META: RuleMeta = RuleMeta {
    name: "nil-field-channel",
    summary: "an operation on a struct-field channel that nothing in the package initialises (nil blocks forever)",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/nil-field-channel.md"),
    requires: Requires { goroutines: false, any_text: &["<-", "range"] },
};

impl Rule for NilFieldChannel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for (place, ops) in field_channels(cx, pkg) {
            let Place::Field { owner, name } = place else { continue };
            if ops.escapes || !pkg.initialisations(place).never() {
                continue;
            }
            for r in ops.sends.iter().chain(&ops.receives).filter(|r| r.file == cx.model_file()) {
                let op = pkg.op(*r);
                // In a `select`, a nil channel only disables its case (often on purpose).
                if !blocks(op) || nil_checked(cx, &op.range) {
                    continue;
                }
                let message = format!(
                    "`{owner}.{name}` is never initialised in package `{}`: on a nil channel this blocks forever",
                    pkg.name
                );
                let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
                let declared = pkg.declaration_of(place);
                if let Some(related) = related_in(
                    cx,
                    pkg,
                    declared,
                    format!("`{name}` is declared here; no `make` is ever assigned to it"),
                ) {
                    finding.related.push(related);
                }
                out.push(finding);
            }
        }
    }
}

/// Whether the operation runs only inside `if <channel> != nil { ... }` (an
/// optional channel, a hook only tests set): then it never waits on nil.
fn nil_checked(cx: &FileContext, range: &Range<usize>) -> bool {
    let root = cx.tree.root_node();
    let Some(inner) = root.descendant_for_byte_range(range.start, range.end) else { return false };
    let Some(op) = std::iter::successors(Some(inner), |n| n.parent()).find(|n| n.byte_range() == *range) else {
        return false;
    };
    let channel = match op.kind_name() {
        "send_statement" => op.child_by_field_name("channel"),
        "unary_expression" => go::receive_operand(op),
        _ => None,
    };
    let Some(channel) = channel.map(go::unparen) else { return false };
    let channel = go::text(channel, cx.source);
    let mut node = op;
    while let Some(parent) = node.parent() {
        if go::is_function(parent) {
            return false;
        }
        if parent.kind_name() == "if_statement"
            && parent.child_by_field_name("consequence").is_some_and(|c| go::contains(c, op))
            && parent.child_by_field_name("condition").is_some_and(|c| ensures_not_nil(c, cx.source, channel))
        {
            return true;
        }
        node = parent;
    }
    false
}

/// Whether condition `cond` holds only when `expr != nil` (that comparison,
/// alone or in a chain of `&&`).
fn ensures_not_nil(cond: Node, src: &str, expr: &str) -> bool {
    let cond = go::unparen(cond);
    if cond.kind_name() != "binary_expression" {
        return false;
    }
    let (Some(op), Some(left), Some(right)) =
        (cond.child_by_field_name("operator"), cond.child_by_field_name("left"), cond.child_by_field_name("right"))
    else {
        return false;
    };
    match go::text(op, src) {
        "&&" => ensures_not_nil(left, src, expr) || ensures_not_nil(right, src, expr),
        "!=" => {
            let is = |n: Node, s: &str| go::text(go::unparen(n), src) == s;
            (is(left, expr) && is(right, "nil")) || (is(left, "nil") && is(right, expr))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::NilFieldChannel);
    }
}
