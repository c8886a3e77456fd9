//! `buffer-too-small`: a local channel made with a constant capacity, on which
//! more sends always happen than its buffer and its receives can take: the
//! extra senders (goroutines started by the owner, or the owner itself) block
//! forever. The counts are bounds the model can prove: sends on every path of
//! goroutines started a constant number of times, against receives that each
//! run at most once.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::go;
use crate::analysis::model_support::{
    blocks, describe, describe_place, local_of, node_at, related_in, set_capacity, started_by,
};
use crate::semantic::{CallRef, Capacity, FuncRef, OpKind, OpRef, Package, Place, SyncKind};

pub struct BufferTooSmall;

static META: RuleMeta = RuleMeta {
    name: "buffer-too-small",
    summary: "a channel's constant buffer and its receives take fewer values than the sends that always happen",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/buffer-too-small.md"),
    requires: Requires { goroutines: false, any_text: &["make(chan"] },
};

impl Rule for BufferTooSmall {
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
            let [Capacity::Const(capacity)] = inits.makes.as_slice() else { continue };
            if inits.otherwise || *capacity == 0 {
                continue; // unbuffered channels are the partner rules' to judge
            }
            let owner = FuncRef { file: *file, func: local.func.func };
            if let Some(finding) = check_channel(cx, pkg, place, owner, *capacity) {
                out.push(finding);
            }
        }
    }
}

/// How the sends of a channel add up.
struct Sends {
    /// Sends that happen on every path, counted with how often their goroutine starts.
    certain: u64,
    /// Every send was counted exactly (none behind a condition or a `select`).
    exact: bool,
    /// The goroutine starts, for related locations.
    starts: Vec<CallRef>,
}

fn check_channel(cx: &FileContext, pkg: &Package, place: &Place, owner: FuncRef, capacity: u64) -> Option<Finding> {
    let uses = pkg.uses(place);
    if uses.escapes {
        return None;
    }
    let mut receives = Vec::new();
    let mut sends = Sends { certain: 0, exact: true, starts: Vec::new() };
    for &r in &uses.ops {
        let op = pkg.op(r);
        match op.kind {
            // A receive that may run many times, or elsewhere, cannot be counted.
            OpKind::Range => return None,
            OpKind::Receive { .. } if op.in_loop.is_some() || pkg.op_function(r) != owner => return None,
            OpKind::Receive { .. } => receives.push(r),
            OpKind::Send { .. } => count_send(cx, pkg, place, owner, r, &mut sends)?,
            _ => {}
        }
    }
    let taken = capacity + receives.len() as u64;
    if sends.certain <= taken {
        return None;
    }
    let name = describe_place(pkg, place);
    let stuck = sends.certain - taken;
    let message = format!(
        "`{name}` holds {capacity} {} and {}, but {} sends always happen: {stuck} of them block{} forever",
        if capacity == 1 { "value" } else { "values" },
        match receives.len() {
            0 => "nothing receives from it".to_string(),
            1 => format!("{} receives from it once", describe(pkg, owner)),
            n => format!("{} receives from it {n} times", describe(pkg, owner)),
        },
        sends.certain,
        if stuck == 1 { "s" } else { "" },
    );
    let local = local_of(pkg, place)?;
    let mut finding = Finding::new(META.name, META.default_severity, local.range.clone(), message);
    for start in &sends.starts {
        let at = Some((start.file, pkg.call(*start).range.clone()));
        if let Some(related) = related_in(cx, pkg, at, "a goroutine that sends on it starts here") {
            finding.related.push(related);
        }
    }
    for r in &receives {
        let at = Some((r.file, pkg.op(*r).range.clone()));
        if let Some(related) = related_in(cx, pkg, at, "the only receives") {
            finding.related.push(related);
        }
    }
    if sends.exact
        && let Some(fix) = set_capacity(cx, pkg, place, sends.certain)
    {
        finding = finding.with_fix(fix);
    }
    Some(finding)
}

/// Adds one send to the count: on every path of the owner, or of a goroutine
/// the owner starts outside loops or in a loop with a constant count. None
/// when the send happens somewhere the count cannot follow.
fn count_send(
    cx: &FileContext,
    pkg: &Package,
    place: &Place,
    owner: FuncRef,
    r: OpRef,
    sends: &mut Sends,
) -> Option<()> {
    let op = pkg.op(r);
    let starts = started_by(pkg, owner, r);
    if starts.is_empty() && pkg.op_function(r) != owner {
        return None;
    }
    let mut runs = u64::from(starts.is_empty());
    for start in starts {
        let call = pkg.call(start);
        if !sends.starts.contains(&start) {
            sends.starts.push(start);
        }
        runs += match call.in_loop {
            None => 1,
            Some(l) => {
                let lp = pkg.loop_of(start.file, l);
                // A channel made inside the loop is a new one every turn.
                let declared = pkg.declaration_of(place).map(|(_, d)| d)?;
                if lp.range.start <= declared.start && declared.end <= lp.range.end {
                    return None;
                }
                let node = node_at(cx, &lp.range, "for_statement")?;
                go::constant_iterations(node, cx.source)? as u64
            }
        };
    }
    // The goroutine itself runs the send once, on every path.
    if blocks(op) && !op.conditional && op.in_loop.is_none() && !op.deferred {
        sends.certain += runs;
    } else {
        sends.exact = false;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::BufferTooSmall);
    }
}
