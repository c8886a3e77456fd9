//! `returned-channel-dropped`: a function of the package makes an unbuffered
//! channel, starts a goroutine that sends on it and returns it (a future, a
//! result stream), and a caller in the package drops the result or can return
//! without receiving from it: the goroutine blocks forever on its send.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::{
    blocks, buffer_of_one, channel_ops, describe, describe_place, local_declared_at, local_of, node_at, related_in,
    started_by,
};
use crate::semantic::{CallMode, CallRef, Callee, FuncRef, OpKind, OpRef, Package, Place, ReceiveForm, Value};

pub struct ReturnedChannelDropped;

static META: RuleMeta = RuleMeta {
    name: "returned-channel-dropped",
    summary: "a caller drops (or can return without receiving from) a channel that a goroutine of the callee sends on",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/returned-channel-dropped.md"),
    requires: Requires::NOTHING,
};

impl Rule for ReturnedChannelDropped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        let file = cx.model_file();
        // Only calls of a name some function of the package returns a channel under
        // are resolved: resolving every call of the file costs more than the rest.
        let returning_chans: HashSet<&str> = pkg
            .files
            .iter()
            .flat_map(|f| &f.functions)
            .filter(|f| f.results.iter().any(|t| t.is_chan()))
            .filter_map(|f| f.name.as_deref())
            .collect();
        let mut producers: HashMap<FuncRef, Option<Producer>> = HashMap::new();
        for (call, c) in pkg.files[file as usize].calls.iter().enumerate() {
            let named = match &c.callee {
                Callee::Name(n) | Callee::Method(_, n) => returning_chans.contains(n.as_str()),
                Callee::Local(_) | Callee::Literal(_) => true,
                Callee::Imported { .. } | Callee::Unknown => false,
            };
            if !named {
                continue;
            }
            let r = CallRef { file, call: call as u32 };
            let Some(callee) = pkg.resolve_call(r) else { continue };
            let Some(producer) = producers.entry(callee).or_insert_with(|| producer(pkg, callee)) else { continue };
            if let Some(finding) = check_caller(cx, pkg, r, callee, producer) {
                out.push(finding);
            }
        }
    }
}

/// A function that returns a fresh unbuffered channel a goroutine it starts sends on.
struct Producer {
    /// Which of its results the channel is.
    result: usize,
    channel: Place,
    /// A send that blocks until someone receives, and the start of its goroutine.
    send: OpRef,
    start: CallRef,
    /// Sends on the channel, in every form.
    sends: usize,
}

fn producer(pkg: &Package, f: FuncRef) -> Option<Producer> {
    let function = pkg.function(f);
    let mut chan_results = function.results.iter().enumerate().filter(|(_, t)| t.is_chan());
    let (result, _) = chan_results.next()?;
    if chan_results.next().is_some() {
        return None; // which result a returned value is would be a guess
    }
    let file = &pkg.files[f.file as usize];
    let mut channel = None;
    for op in file.ops.iter().filter(|o| o.func == f.func && o.kind == OpKind::Return) {
        let Some(place) = pkg.place_of(f.file, &op.target) else { continue };
        if !pkg.place_type(&place).is_some_and(|t| t.is_chan()) {
            continue;
        }
        match &channel {
            None => channel = Some(place),
            Some(seen) if *seen == place => {}
            Some(_) => return None,
        }
    }
    let channel = channel?;
    let inits = pkg.initialisations(&channel);
    if !matches!(channel, Place::Local { .. }) || !inits.only_unbuffered_makes() || inits.makes.len() != 1 {
        return None;
    }
    let ops = channel_ops(pkg, &channel);
    // A channel also stored or handed where the model cannot follow, or that
    // the producer's own code receives from, is not only the callers' to drain.
    if ops.escapes_otherwise || !ops.receives.is_empty() {
        return None;
    }
    let mut blocking = None;
    for &s in &ops.sends {
        // A send of the producer's own (or of a function it only calls) is another shape.
        let start = *started_by(pkg, f, s).first()?;
        // A send on every path of its goroutine: one behind a condition (a
        // `select` case on a cancel signal) may never happen for these callers.
        if blocking.is_none() && blocks(pkg.op(s)) && !pkg.op(s).conditional {
            blocking = Some((s, start));
        }
    }
    let (send, start) = blocking?;
    Some(Producer { result, channel, send, start, sends: ops.sends.len() })
}

/// What a caller does with the returned channel.
enum Binding {
    /// Discarded: how.
    Dropped(&'static str),
    /// Held in a local of the caller, declared at the call.
    Local(Place),
}

fn binding(cx: &FileContext, pkg: &Package, r: CallRef, producer: &Producer, results: usize) -> Option<Binding> {
    let call = pkg.call(r);
    match call.mode {
        CallMode::Go => return Some(Binding::Dropped("starting it with `go` drops its results")),
        CallMode::Defer => return Some(Binding::Dropped("deferring it drops its results")),
        CallMode::Plain | CallMode::GroupGo => {}
    }
    let node = node_at(cx, &call.range, "call_expression")?;
    let parent = node.parent()?;
    match parent.kind_name() {
        "expression_statement" => return Some(Binding::Dropped("this call drops its results")),
        "expression_list" => {}
        _ => return None, // passed on, returned, received from at once: not dropped here
    }
    let stmt = parent.parent()?;
    let lefts: Vec<Node> = match stmt.kind_name() {
        "short_var_declaration" | "assignment_statement" if stmt.child_by_field_name("right") == Some(parent) => {
            go::named_children(stmt.child_by_field_name("left")?)
        }
        "var_spec" => {
            let mut cursor = stmt.walk();
            stmt.children_by_field_name("name", &mut cursor).collect()
        }
        _ => return None,
    };
    if go::named_children(parent).len() != 1 || lefts.len() != results {
        return None;
    }
    let left = go::unparen(*lefts.get(producer.result)?);
    if go::is_ident(left, cx.source, "_") {
        return Some(Binding::Dropped("its channel is assigned to `_`"));
    }
    // Only a local declared right here: an assigned one may be drained under another name.
    local_declared_at(cx, pkg, call.func, &left.byte_range()).map(Binding::Local)
}

fn check_caller(cx: &FileContext, pkg: &Package, r: CallRef, callee: FuncRef, producer: &Producer) -> Option<Finding> {
    let call = pkg.call(r);
    let results = pkg.function(callee).results.len();
    let caller = FuncRef { file: r.file, func: call.func };
    let (range, message) = match binding(cx, pkg, r, producer, results)? {
        Binding::Dropped(how) => (
            call.range.clone(),
            format!(
                "{} returns a channel that the goroutine it starts sends on; {how}, so that goroutine blocks forever on its send",
                describe(pkg, callee)
            ),
        ),
        Binding::Local(local) => {
            if local_of(pkg, &local)?.reassigned {
                return None;
            }
            let ops = channel_ops(pkg, &local);
            if ops.escapes {
                return None;
            }
            let name = describe_place(pkg, &local);
            match without_receiving(cx, pkg, r, &ops.receives)? {
                Leave::Never => (
                    call.range.clone(),
                    format!(
                        "{} never receives from `{name}`, the channel {} returns: the goroutine it starts blocks forever on its send",
                        describe(pkg, caller),
                        describe(pkg, callee)
                    ),
                ),
                Leave::Returns(at, how) => {
                    let mut finding = Finding::new(
                        META.name,
                        META.default_severity,
                        call.range.clone(),
                        format!(
                            "{} can return without receiving from `{name}` ({how}): the goroutine {} starts then blocks forever on its send",
                            describe(pkg, caller),
                            describe(pkg, callee)
                        ),
                    );
                    finding = finding.with_related(at, "returns here without receiving");
                    return Some(evidence(cx, pkg, finding, producer));
                }
            }
        }
    };
    let finding = Finding::new(META.name, META.default_severity, range, message);
    Some(evidence(cx, pkg, finding, producer))
}

/// The producer's send and `go` statement, and the safe fix when it has one.
fn evidence(cx: &FileContext, pkg: &Package, mut finding: Finding, producer: &Producer) -> Finding {
    let send = pkg.op(producer.send);
    let at = Some((producer.send.file, send.range.clone()));
    if let Some(related) = related_in(cx, pkg, at, "the goroutine blocks here until someone receives") {
        finding.related.push(related);
    }
    let start = Some((producer.start.file, pkg.call(producer.start).range.clone()));
    if let Some(related) = related_in(cx, pkg, start, "the goroutine is started here") {
        finding.related.push(related);
    }
    // One send with a buffer of one completes whether or not anyone receives.
    if producer.sends == 1
        && send.in_loop.is_none()
        && let Some(fix) = buffer_of_one(cx, pkg, &producer.channel)
    {
        finding = finding.with_fix(fix);
    }
    finding
}

/// How a caller leaves without receiving.
enum Leave {
    Never,
    /// Returns at this range; what makes it return.
    Returns(std::ops::Range<usize>, String),
}

/// Whether the caller can leave without receiving: it has no receive at all,
/// returns between the call and its first receive, or its first receive is a
/// `select` case beside a case on `ctx.Done()` or a timer that returns.
/// None when the answer is not clear (receives in other functions, or
/// before the call).
fn without_receiving(cx: &FileContext, pkg: &Package, call: CallRef, receives: &[OpRef]) -> Option<Leave> {
    let caller = FuncRef { file: call.file, func: pkg.call(call).func };
    let call_end = pkg.call(call).range.end;
    if receives.is_empty() {
        return Some(Leave::Never);
    }
    if receives.iter().any(|r| pkg.op_function(*r) != caller) {
        return None;
    }
    let first = receives.iter().min_by_key(|r| pkg.op(**r).range.start)?;
    let first_op = pkg.op(*first);
    if first_op.range.start < call_end {
        return None;
    }
    let function = pkg.function(caller);
    let range = &function.range;
    let func_node =
        std::iter::successors(cx.tree.root_node().descendant_for_byte_range(range.start, range.end), |n| n.parent())
            .find(|n| go::is_function(*n) && n.byte_range() == *range)?;
    let stmt = node_at(cx, &pkg.call(call).range, "call_expression").and_then(go::statement_of);
    let guards = stmt.map(|s| sibling_results(s, cx.source)).unwrap_or_default();
    let mut early = None;
    go::walk_own(func_node, |n| {
        if early.is_none()
            && n.kind_name() == "return_statement"
            && n.start_byte() > call_end
            && n.start_byte() < first_op.range.start
            && !receives.iter().any(|r| n.byte_range().contains(&pkg.op(*r).range.start))
            && !guarded_by(n, func_node, &guards, cx.source)
        {
            early = Some(n.byte_range());
        }
    });
    if let Some(at) = early {
        return Some(Leave::Returns(at, "an early return before the receive".into()));
    }
    let OpKind::Receive { form: ReceiveForm::Select(case) } = first_op.kind else { return None };
    let select = pkg.select(first.file, case.select);
    select.cases.iter().enumerate().find_map(|(i, c)| {
        if i as u32 == case.case || !c.leaves_function {
            return None;
        }
        let on = c.receives.as_ref()?;
        let what = match pkg.place_of(first.file, on) {
            Some(p @ (Place::Done(_) | Place::TimerChannel(_))) => format!("on `<-{}`", describe_place(pkg, &p)),
            None if is_time_after(on) => "on a timeout".to_string(),
            _ => return None,
        };
        Some(Leave::Returns(c.range.clone(), what))
    })
}

/// The other names a statement declares with the call (`ch, err := f()`):
/// an early return on one of them (`if err != nil`) is the path on which the
/// producer did not start its goroutine.
fn sibling_results<'s>(stmt: Node, src: &'s str) -> Vec<&'s str> {
    let Some(left) = stmt.child_by_field_name("left") else { return Vec::new() };
    go::named_children(left).into_iter().map(|n| go::text(n, src)).filter(|n| *n != "_").collect()
}

/// Whether a return sits in an `if` whose condition names one of `guards`.
fn guarded_by(ret: Node, func: Node, guards: &[&str], src: &str) -> bool {
    std::iter::successors(ret.parent(), |n| n.parent()).take_while(|n| *n != func).any(|n| {
        n.kind_name() == "if_statement"
            && n.child_by_field_name("condition")
                .is_some_and(|c| go::identifiers(c, src).iter().any(|i| guards.contains(i)))
    })
}

fn is_time_after(value: &Value) -> bool {
    matches!(value, Value::Call(callee, 0)
        if matches!(&**callee, Callee::Imported { package, name } if package == "time" && name == "After"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::ReturnedChannelDropped);
    }
}
