//! `blocking-select-default`: a loop's `select` watches a stop signal, but
//! its `default:` branch then waits on a channel outside any `select`. While
//! it waits, the stop signal is not watched: once the partner of that channel
//! has stopped, the loop never gets back to the signal.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::{blocks, channel_ops, describe_place, node_at};
use crate::semantic::{Op, OpKind, OpRef, Package, Place, Select, SyncKind};

pub struct BlockingSelectDefault;

static META: RuleMeta = RuleMeta {
    name: "blocking-select-default",
    summary: "the default branch of a loop's select blocks on a channel without watching the loop's stop signal",
    default_severity: Severity::Info,
    docs: include_str!("../../../docs/rules/blocking-select-default.md"),
    requires: Requires { goroutines: false, any_text: &["default:"] },
};

impl Rule for BlockingSelectDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        let file = cx.model_file();
        let facts = &pkg.files[file as usize];
        for select in facts.selects.iter().filter(|s| s.has_default && s.in_loop.is_some()) {
            // The case the loop stops on, and what it receives from.
            let Some((stop, signal)) = select.cases.iter().find_map(|c| {
                let on = c.receives.as_ref().filter(|_| c.leaves_loop || c.leaves_function)?;
                Some((c, pkg.place_of(file, on)))
            }) else {
                continue;
            };
            let Some(default) = default_branch(cx, select) else { continue };
            let blocked = (0..facts.ops.len() as u32).map(|op| OpRef { file, op }).find(|r| {
                let op = pkg.op(*r);
                op.func == select.func
                    && default.start <= op.range.start
                    && op.range.end <= default.end
                    && blocks(op)
                    && !hands_off_and_leaves(cx, &op.range)
                    && waits_on_live_partner(pkg, file, op, signal.as_ref())
            });
            let Some(blocked) = blocked else { continue };
            let op = pkg.op(blocked);
            let signal_text = cx.source.get(stop.range.clone()).unwrap_or_default().trim().trim_end_matches(':');
            let what = match op.kind {
                OpKind::Send { .. } => "sends",
                _ => "receives",
            };
            let channel = pkg.place_of(file, &op.target).map(|p| describe_place(pkg, &p)).unwrap_or_default();
            let message = format!(
                "the `default:` branch of a loop that stops on `{signal_text}` {what} on `{channel}` without watching that signal: once the other side of `{channel}` stops, the loop waits here forever"
            );
            let finding = Finding::new(META.name, META.default_severity, op.range.clone(), message)
                .with_related(stop.range.clone(), "the stop signal the loop no longer watches while it waits");
            out.push(finding);
        }
    }
}

/// The byte range of a select's `default:` branch.
fn default_branch(cx: &FileContext, select: &Select) -> Option<std::ops::Range<usize>> {
    let node = node_at(cx, &select.range, "select_statement")?;
    go::named_children(node).into_iter().find(|c| c.kind_name() == "default_case").map(|c| c.byte_range())
}

/// Whether the operation is a last hand-over: a statement followed, in the
/// same block, by a `return` or `break`. It runs once per goroutine, like any
/// result send; whether its partner takes it is the partner rules' question,
/// not a loop that stops watching its signal.
fn hands_off_and_leaves(cx: &FileContext, range: &std::ops::Range<usize>) -> bool {
    let Some(node) = cx.tree.root_node().descendant_for_byte_range(range.start, range.end) else { return false };
    let Some(stmt) = go::statement_of(node) else { return false };
    std::iter::successors(go::next_statement(stmt), |s| go::next_statement(*s))
        .any(|s| matches!(s.kind_name(), "return_statement" | "break_statement"))
}

/// Whether the blocking operation is on a channel of the package whose other
/// side exists and can stop: not the stop signal itself, not a timer or a
/// context, not a channel that is closed (a closed channel never blocks a
/// receive) or escapes, and for sends an unbuffered one.
fn waits_on_live_partner(pkg: &Package, file: u32, op: &Op, signal: Option<&Place>) -> bool {
    let Some(place) = pkg.place_of(file, &op.target) else { return false };
    if !matches!(place, Place::Local { .. } | Place::Field { .. } | Place::Global(_))
        || Some(&place) == signal
        || pkg.place_type(&place).and_then(|t| t.sync_kind()) != Some(SyncKind::Channel)
    {
        return false;
    }
    let ops = channel_ops(pkg, &place);
    if ops.escapes {
        return false;
    }
    if matches!(op.kind, OpKind::Send { .. }) {
        !ops.receives.is_empty() && pkg.initialisations(&place).only_unbuffered_makes()
    } else {
        !ops.sends.is_empty() && ops.closes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::BlockingSelectDefault);
    }
}
