//! `partner-stops-first`: the only receiver of an unbuffered channel is a
//! `select` loop that can leave on another signal (a stop channel, a context,
//! a timeout), and a send elsewhere does not wait on that signal; or the
//! other way round, the only sender is such a loop and a receive waits
//! without it. Once the partner has left, the operation blocks forever.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::{blocks, channel_ops, describe, describe_place, related_in};
use crate::semantic::{FuncRef, OpKind, OpRef, Package, Place, ReceiveForm, SelectCase, SyncKind, Value};

pub struct PartnerStopsFirst;

/// How deep calls are followed to find who stops the partner.
const CALL_DEPTH: usize = 4;

static META: RuleMeta = RuleMeta {
    name: "partner-stops-first",
    summary: "a channel operation whose only partner is a select loop that can leave on a signal the operation ignores",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/partner-stops-first.md"),
    requires: Requires { goroutines: false, any_text: &["<-"] },
};

impl Rule for PartnerStopsFirst {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for place in pkg.places_touching(cx.model_file()) {
            if !matches!(place, Place::Field { .. } | Place::Local { .. })
                || pkg.place_type(place).and_then(|t| t.sync_kind()) != Some(SyncKind::Channel)
                || !pkg.initialisations(place).only_unbuffered_makes()
            {
                continue;
            }
            let ops = channel_ops(pkg, place);
            if ops.escapes {
                continue;
            }
            // The receiver stops first: every send that ignores its exit blocks.
            if let Some(partner) = stopping_partner(pkg, place, &ops.receives) {
                for &r in ops.sends.iter().filter(|r| r.file == cx.model_file()) {
                    if let Some(f) = report(cx, pkg, place, r, &partner, Side::Send) {
                        out.push(f);
                    }
                }
            }
            // The sender stops first: receives that wait without its exit block,
            // unless something closes the channel.
            if ops.closes.is_empty()
                && let Some(partner) = stopping_partner(pkg, place, &ops.sends)
            {
                for &r in ops.receives.iter().filter(|r| r.file == cx.model_file()) {
                    if let Some(f) = report(cx, pkg, place, r, &partner, Side::Receive) {
                        out.push(f);
                    }
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Send,
    Receive,
}

/// The partner side of a channel when all its operations are cases of
/// `select` loops that can leave on another case.
struct Partner {
    /// The partner's operations.
    ops: Vec<OpRef>,
    /// What each such loop leaves on (None: a signal the model cannot name,
    /// such as a timeout), with the leaving case's header.
    exits: Vec<(Option<Place>, OpRef, std::ops::Range<usize>)>,
}

fn stopping_partner(pkg: &Package, place: &Place, partner_ops: &[OpRef]) -> Option<Partner> {
    if partner_ops.is_empty() {
        return None;
    }
    let mut exits = Vec::new();
    for &r in partner_ops {
        let case = select_case(pkg.op(r).kind.clone())?;
        let select = pkg.select(r.file, case.select);
        select.in_loop?;
        let leaving: Vec<_> = select
            .cases
            .iter()
            .enumerate()
            .filter(|(i, c)| *i as u32 != case.case && (c.leaves_loop || c.leaves_function))
            .filter_map(|(_, c)| {
                let on = c.receives.as_ref()?;
                let signal = pkg.place_of(r.file, on);
                (signal.as_ref() != Some(place)).then_some((signal, r, c.range.clone()))
            })
            .collect();
        if leaving.is_empty() {
            return None;
        }
        exits.extend(leaving);
    }
    Some(Partner { ops: partner_ops.to_vec(), exits })
}

fn select_case(kind: OpKind) -> Option<SelectCase> {
    match kind {
        OpKind::Send { select: Some(c) } | OpKind::Receive { form: ReceiveForm::Select(c) } => Some(c),
        _ => None,
    }
}

fn report(cx: &FileContext, pkg: &Package, place: &Place, r: OpRef, partner: &Partner, side: Side) -> Option<Finding> {
    let op = pkg.op(r);
    // Only an operation with no other way out: one in a `select` may wait on
    // the partner's exit, or on one of its own.
    if !blocks(op) {
        return None;
    }
    let own = pkg.op_function(r);
    // A callback runs when its holder decides, which may be only while the
    // partner lives; a partner in a callback may never run its loop at all.
    if !pkg.runs_visibly(own) || partner.ops.iter().any(|p| !pkg.runs_visibly(pkg.op_function(*p))) {
        return None;
    }
    // One goroutine on both sides is not a partner that stops first.
    if partner.ops.iter().any(|p| pkg.op_function(*p) == own) {
        return None;
    }
    // A function that itself sets off the partner's exit (closes its quit
    // channel, sends the error the partner leaves on, cancels its context)
    // decides that the partner stops after it.
    if partner.exits.iter().any(|(exit, _, _)| exit.as_ref().is_some_and(|e| sets_off(pkg, own, e))) {
        return None;
    }
    if builds_partner(pkg, place, own, partner) {
        return None;
    }
    let (first_exit, exit_op, exit_case) = partner.exits.first()?;
    let partner_function = pkg.op_function(*exit_op);
    let signal = match first_exit {
        Some(p) => format!("`{}`", describe_place(pkg, p)),
        None => "another case".to_string(),
    };
    let (verb, role, missing) = match side {
        Side::Send => ("sending on", "receiver", "receive"),
        Side::Receive => ("receiving from", "sender", "send"),
    };
    let message = format!(
        "{verb} `{}` blocks forever once its {role} stops: the only {role}, the loop in {}, leaves on {signal}, and this operation does not wait on it",
        describe_place(pkg, place),
        describe(pkg, partner_function),
    );
    let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
    let partner_op = pkg.op(*exit_op);
    let at = Some((exit_op.file, partner_op.range.clone()));
    if let Some(related) = related_in(cx, pkg, at, format!("the only {role}: after it leaves, nothing will {missing}"))
    {
        finding.related.push(related);
    }
    if let Some(related) = related_in(cx, pkg, Some((exit_op.file, exit_case.clone())), "the case it leaves on") {
        finding.related.push(related);
    }
    if side == Side::Send
        && let Some(Some(exit)) = partner.exits.iter().map(|(e, _, _)| e.clone()).find(Option::is_some)
        && let Some(fix) = select_fix(cx, pkg, r, &exit)
    {
        finding = finding.with_fix(fix);
    }
    Some(finding)
}

/// Whether function `f` closes or sends on the channel, or cancels the
/// context, that the signal `exit` stands for, itself, in a function literal
/// in it, or in a function it calls (a `defer stopAndWait(s)` that ends in
/// `close(s.quit)`), looking through the arguments a parameter is bound to.
/// A reader that reports its error and returns (`errs <- err`) is such a
/// function: its partner leaves once it took that error.
fn sets_off(pkg: &Package, f: FuncRef, exit: &Place) -> bool {
    let reached = pkg.reached_from(f, CALL_DEPTH);
    let in_f = |r: &OpRef| {
        let mut g = pkg.op_function(*r);
        loop {
            if reached.contains(&g) {
                return true;
            }
            match pkg.function(g).parent {
                Some(p) => g = FuncRef { file: g.file, func: p },
                None => return false,
            }
        }
    };
    let (object, stops): (&Place, fn(&OpKind) -> bool) = match exit {
        Place::Done(ctx) => (ctx, |k| matches!(k, OpKind::Call)),
        other => (other, |k| matches!(k, OpKind::Close | OpKind::Send { .. })),
    };
    let mut objects = vec![object.clone()];
    objects.extend(pkg.arguments_bound_to(object));
    objects.into_iter().any(|o| {
        let target = match exit {
            Place::Done(_) => match pkg.cancel_of(&o) {
                Some(cancel) => cancel,
                None => return false,
            },
            _ => o,
        };
        pkg.uses(&target).ops.iter().any(|r| stops(&pkg.op(*r).kind) && in_f(r))
    })
}

/// Whether `f` makes the channel field it operates on and the partner leaves
/// only on stop channels of the same type: a constructor that kicks the loop
/// it has just started. No one else can have stopped a value still being
/// built (and `f` closing one itself is [`sets_off`]).
fn builds_partner(pkg: &Package, place: &Place, f: FuncRef, partner: &Partner) -> bool {
    let Place::Field { owner, .. } = place else { return false };
    let makes_it =
        pkg.ops_at(place).iter().any(|r| matches!(pkg.op(*r).kind, OpKind::Make { .. }) && pkg.op_function(*r) == f);
    makes_it
        && partner.exits.iter().all(|(exit, _, _)| matches!(exit, Some(Place::Field { owner: o, .. }) if o == owner))
}

/// The exit signal as an expression in the sending method: `s.quit`,
/// `s.ctx.Done()`, when the sender's receiver reaches the same field.
fn signal_in(pkg: &Package, sender: FuncRef, exit: &Place) -> Option<String> {
    let mut method = sender;
    while let Some(parent) = pkg.function(method).parent {
        method = FuncRef { file: method.file, func: parent };
    }
    let function = pkg.function(method);
    if !function.has_receiver {
        return None;
    }
    let receiver = &function.locals[0].name;
    let ty = function.receiver_type.as_deref()?;
    let reaches = |p: &Place| match p {
        Place::Field { owner, name } => pkg.field(ty, name).is_some_and(|(o, _)| o == owner).then(|| name.clone()),
        _ => None,
    };
    match exit {
        Place::Field { .. } => Some(format!("{receiver}.{}", reaches(exit)?)),
        Place::Done(ctx) => Some(format!("{receiver}.{}.Done()", reaches(ctx)?)),
        _ => None,
    }
}

/// GFix's third strategy: the send waits on the receiver's exit signal too.
fn select_fix(cx: &FileContext, pkg: &Package, r: OpRef, exit: &Place) -> Option<Fix> {
    let op = pkg.op(r);
    let signal = signal_in(pkg, pkg.op_function(r), exit)?;
    let node = cx.tree.root_node().descendant_for_byte_range(op.range.start, op.range.end)?;
    let stmt = std::iter::successors(Some(node), |n| n.parent()).find(|n| n.kind_name() == "send_statement")?;
    if stmt.byte_range() != op.range || stmt.parent().is_none_or(|p| p.kind_name() != "statement_list") {
        return None;
    }
    // A signal the sender's own receiver names: the send must be able to see it.
    if !matches!(&op.target, Value::Select(..) | Value::Local(_)) {
        return None;
    }
    let send = go::text(stmt, cx.source);
    let indent = go::indent_at(cx.source, stmt.start_byte());
    Some(Fix {
        title: format!("Stop sending when `{signal}` fires"),
        edits: vec![TextEdit::replace(
            stmt.byte_range(),
            format!("select {{\n{indent}case {send}:\n{indent}case <-{signal}:\n{indent}}}"),
        )],
        applicability: Applicability::Unsafe,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::PartnerStopsFirst);
    }
}
