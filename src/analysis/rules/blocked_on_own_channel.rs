//! `blocked-on-own-channel`: the function that makes an unbuffered channel
//! blocks on it where nothing can ever be its partner: it sends on the fresh
//! channel before returning it (nobody else holds it yet), or it hands the
//! channel to goroutines and functions of the package that never do the other
//! side (a `done` that the worker never closes).

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::model_support::{blocks, buffer_of_one, channel_ops, describe, describe_place, related_in};
use crate::semantic::{FuncRef, OpKind, OpRef, Package, Place, SyncKind};

pub struct BlockedOnOwnChannel;

static META: RuleMeta = RuleMeta {
    name: "blocked-on-own-channel",
    summary: "a function blocks on the unbuffered channel it made, which nothing else can send on or receive from",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/blocked-on-own-channel.md"),
    requires: Requires { goroutines: false, any_text: &["make("] },
};

impl Rule for BlockedOnOwnChannel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for place in pkg.places_touching(cx.model_file()) {
            let Place::Local { file, local } = place else { continue };
            if *file != cx.model_file() || pkg.place_type(place).and_then(|t| t.sync_kind()) != Some(SyncKind::Channel)
            {
                continue;
            }
            let inits = pkg.initialisations(place);
            if !inits.only_unbuffered_makes() || inits.makes.len() != 1 {
                continue;
            }
            let owner = FuncRef { file: *file, func: local.func.func };
            if let Some(finding) = check_channel(cx, pkg, place, owner) {
                out.push(finding);
            }
        }
    }
}

fn check_channel(cx: &FileContext, pkg: &Package, place: &Place, owner: FuncRef) -> Option<Finding> {
    let uses = pkg.uses(place);
    if uses.escapes_otherwise {
        return None;
    }
    let mut returned = false;
    let mut handed: Vec<(OpRef, FuncRef)> = Vec::new();
    for &r in &uses.ops {
        let op = pkg.op(r);
        match op.kind {
            // Returned by another function (one it was handed to): who gets it is not followed.
            OpKind::Return if pkg.op_function(r) != owner => return None,
            OpKind::Return => returned = true,
            OpKind::Pass { call, .. } => {
                let callee = pkg.resolve_call(crate::semantic::CallRef { file: r.file, call })?;
                if !handed.iter().any(|(_, f)| *f == callee) {
                    handed.push((r, callee));
                }
            }
            _ => {}
        }
    }
    // A channel used by its owner alone is the function-local rules' to judge.
    if !returned && handed.is_empty() {
        return None;
    }
    let ops = channel_ops(pkg, place);
    let blocked = ops.sends.iter().chain(&ops.receives).copied().find(|r| {
        let op = pkg.op(*r);
        pkg.op_function(*r) == owner && blocks(op)
    })?;
    let op = pkg.op(blocked);
    let sending = matches!(op.kind, OpKind::Send { .. });
    let partnerless = if sending { ops.receives.is_empty() } else { ops.sends.is_empty() && ops.closes.is_empty() };
    if !partnerless {
        return None;
    }
    let name = describe_place(pkg, place);
    let (verb, missing) =
        if sending { ("sends on", "receives from it") } else { ("waits to receive from", "sends on or closes it") };
    let message = if handed.is_empty() {
        format!(
            "{} {verb} `{name}` before returning it: nothing else holds the channel yet, so this blocks forever",
            describe(pkg, owner)
        )
    } else {
        let names: Vec<String> = handed.iter().map(|(_, f)| describe(pkg, *f)).collect();
        format!(
            "{} {verb} `{name}`, but nothing {missing}: {}, which it is handed to, never does, so this blocks forever",
            describe(pkg, owner),
            names.join(", ")
        )
    };
    let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
    if let Some(related) = related_in(cx, pkg, pkg.declaration_of(place), format!("`{name}` is made here")) {
        finding.related.push(related);
    }
    for (r, callee) in &handed {
        let at = Some((r.file, pkg.op(*r).range.clone()));
        let what = format!("handed to {} here", describe(pkg, *callee));
        if let Some(related) = related_in(cx, pkg, at, what) {
            finding.related.push(related);
        }
    }
    // One send before the return: a buffer of one lets it complete, and the caller receives later.
    if sending
        && handed.is_empty()
        && ops.sends.len() == 1
        && op.in_loop.is_none()
        && let Some(fix) = buffer_of_one(cx, pkg, place)
    {
        finding = finding.with_fix(fix);
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::BlockedOnOwnChannel);
    }
}
