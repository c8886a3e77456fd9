//! `unreceived-send`: a goroutine sends on an unbuffered channel that the
//! function which made it can stop receiving from.
//!
//! The shapes, after the LeakProf study of leaks in production services: the
//! owner returns early or times out before it receives ("early return",
//! "timeout"), goroutines started in a loop all send while the owner receives once
//! or stops at the first error ("N-cast"), a goroutine that sends more values than
//! the owner takes ("double send"), and a producer looping over items while its
//! consumer can stop on a context or a done channel.

use std::collections::HashSet;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::ancestry::Ancestry;
use crate::analysis::channels;
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};
use crate::analysis::test_failure;

pub struct UnreceivedSend;

static META: RuleMeta = RuleMeta {
    name: "unreceived-send",
    summary: "goroutine sends on an unbuffered channel whose receiver can return without receiving",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/unreceived-send.md"),
    requires: Requires { goroutines: true, any_text: &["chan"] },
};

impl Rule for UnreceivedSend {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        for &func in cx.functions() {
            let Some(body) = go::body(func) else { continue };
            for chan in unbuffered_channels(cx, func) {
                check_channel(cx, func, body, &chan, out);
            }
        }
    }
}

/// A channel made unbuffered in the function: `ch := make(chan T)`.
struct MadeChannel<'t> {
    name: String,
    /// The declared identifier.
    ident: Node<'t>,
    /// The `make(chan T)` call.
    make: Node<'t>,
}

fn unbuffered_channels<'t>(cx: &FileContext<'t>, func: Node<'t>) -> Vec<MadeChannel<'t>> {
    let src = cx.source;
    channels::made_channels(cx, func)
        .into_iter()
        .filter(|m| is_unbuffered_make(m.make, src))
        .map(|m| MadeChannel { name: m.name(src).to_string(), ident: m.ident, make: m.make })
        .collect()
}

fn is_unbuffered_make(node: Node, src: &str) -> bool {
    node.kind_name() == "call_expression"
        && matches!(go::callee(node, src), Some((None, "make")))
        && matches!(go::call_args(node).as_slice(), [ty] if ty.kind_name() == "channel_type")
}

/// A send statement on the channel, found in the goroutine's function or in a
/// function of this file it passes the channel to.
#[derive(Clone, Copy)]
struct Send<'t> {
    node: Node<'t>,
    /// Whether it can run more than once per goroutine: it sits in a loop, or the
    /// call that reaches it does, or several calls reach it.
    repeated: bool,
}

/// What a function does with a channel it knows under one name: the per-function
/// summary the rule needs (which sends it performs, whether it does anything else
/// with it), built so that summaries of other files' functions can feed it later.
#[derive(Default)]
struct ChannelOps<'t> {
    /// Sends outside any `select`.
    sends: Vec<Send<'t>>,
    /// Any use this summary does not follow: a receive, a `range`, storing it,
    /// passing it to a function it cannot see, a use in a nested closure. The
    /// uses after it are not looked at.
    other: bool,
}

/// How deep `channel_ops` follows the channel into functions it is passed to.
const MAX_CALL_DEPTH: usize = 2;

/// What `func` does with the channel it calls `name`. Sends inside a `select` are
/// skipped (they have their own way out, or are another rule's concern) and
/// `close(name)` never blocks; a call passing the channel to a function declared in
/// this file adds that function's sends on its parameter.
fn channel_ops<'t>(cx: &FileContext<'t>, func: Node<'t>, name: &str, depth: usize) -> ChannelOps<'t> {
    let up = cx.ancestry();
    let src = cx.source;
    let mut ops = ChannelOps::default();
    let Some(body) = go::body(func) else {
        ops.other = true;
        return ops;
    };
    for &ident in cx.identifiers().named(body, name).iter() {
        // The summary is not used once some use is not followed.
        if ops.other {
            break;
        }
        if up.enclosing_function(ident) != Some(func) {
            ops.other = true;
            continue;
        }
        let Some(parent) = up.parent(ident) else { continue };
        if parent.kind_name() == "send_statement" && parent.child_by_field_name("channel") == Some(ident) {
            if up.parent(parent).is_some_and(|p| p.kind_name() != "communication_case") {
                ops.sends.push(Send { node: parent, repeated: up.enclosing_loop(parent).is_some() });
            }
            continue;
        }
        if parent.kind_name() != "argument_list" {
            ops.other = true;
            continue;
        }
        let Some(call) = up.parent(parent) else { continue };
        let args = go::call_args(call);
        match go::callee(call, src) {
            Some((None, "close")) if args.len() == 1 => {}
            Some((None, callee))
                if depth < MAX_CALL_DEPTH && args.iter().filter(|a| go::is_ident(**a, src, name)).count() == 1 =>
            {
                let position = args.iter().position(|a| *a == ident);
                let inner = function_decl(cx, callee).and_then(|decl| {
                    let param = go::params(decl, src).get(position?)?.name.to_string();
                    (param != "_").then(|| channel_ops(cx, decl, &param, depth + 1))
                });
                let Some(inner) = inner else {
                    ops.other = true;
                    continue;
                };
                ops.other |= inner.other;
                let call_repeats = up.enclosing_loop(call).is_some();
                for send in inner.sends {
                    match ops.sends.iter_mut().find(|s| s.node == send.node) {
                        Some(seen) => seen.repeated = true,
                        None => ops.sends.push(Send { node: send.node, repeated: send.repeated || call_repeats }),
                    }
                }
            }
            _ => ops.other = true,
        }
    }
    ops
}

/// A goroutine that sends on the channel: the `go` statement, the function that
/// runs (a literal or a declaration of this file), and its sends.
struct Sender<'t> {
    go_stmt: Node<'t>,
    func: Node<'t>,
    sends: Vec<Send<'t>>,
    /// The loops of the owner, between it and the `go` statement, that do not also
    /// make the channel: each starts the goroutine again against the same channel.
    spawn_loops: Vec<Node<'t>>,
}

impl Sender<'_> {
    fn spawned_in_loop(&self) -> bool {
        !self.spawn_loops.is_empty()
    }

    /// Like [`Sender::sends_many`], but a send in a loop followed by `return` sends once.
    fn sends_many_before_returning(&self, src: &str) -> bool {
        let returns_after = |s: &Send| go::next_statement(s.node).is_some_and(|n| n.kind_name() == "return_statement");
        self.spawned_in_loop()
            || self.sends.iter().any(|s| s.repeated && !returns_after(s))
            || (self.sends.len() > 1 && self.sends_many(src))
    }

    /// Whether the goroutines of this `go` statement can send more than one value.
    fn sends_many(&self, src: &str) -> bool {
        self.spawned_in_loop()
            || self.sends.iter().any(|s| s.repeated)
            || self
                .sends
                .iter()
                .enumerate()
                .any(|(i, a)| self.sends[i + 1..].iter().any(|b| falls_through(src, a.node, b.node)))
    }
}

/// How the owning function receives from the channel, or why we cannot tell.
enum Receives<'t> {
    /// Receive sites in the function's own body.
    Sites(Vec<Node<'t>>),
    /// The channel is used in a way we do not follow (passed on, closed, used by
    /// another goroutine): stay silent.
    Unknown,
}

fn check_channel<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    body: Node<'t>,
    chan: &MadeChannel<'t>,
    out: &mut Vec<Finding>,
) {
    let up = cx.ancestry();
    let src = cx.source;
    let mut senders = Vec::new();
    let mut go_stmts = Vec::new();
    go::walk_own(body, |n| {
        if n.kind_name() == "go_statement" && n.start_byte() > chan.make.end_byte() {
            go_stmts.push(n);
        }
    });
    for &g in &go_stmts {
        match sender(cx, body, chan, g) {
            Some(Some(s)) => senders.push(s),
            Some(None) => {}
            // The goroutine uses the channel in a way other than sending: bail out.
            None => return,
        }
    }
    if senders.is_empty() {
        return;
    }
    let receives = match receive_sites(up, body, src, chan, &go_stmts) {
        Receives::Sites(sites) => sites,
        Receives::Unknown => return,
    };
    let owner = go::describe_function(func, src);
    if receives.is_empty() {
        report_unreceived(cx, func, body, chan, &senders, &owner, out);
        return;
    }
    let exits = exit_paths(cx, func, body, chan, &senders, &receives);
    if exits.is_empty() {
        for (k, double) in double_sends(up, src, body, &senders, &receives) {
            report_double_send(cx, chan, &senders, k, &double, &owner, out);
        }
        return;
    }
    for s in &senders {
        for send in &s.sends {
            let first = &exits[0];
            let message = format!(
                "goroutine may block forever sending on `{}`: {owner} {} (line {})",
                chan.name,
                first.summary,
                go::line_at(func, src, first.range.start)
            );
            let mut finding = Finding::new(META.name, META.default_severity, send.node.byte_range(), message);
            for exit in &exits {
                finding = finding.with_related(exit.range.clone(), exit.message.clone());
            }
            finding = finding.with_related(chan.make.byte_range(), format!("`{}` is made unbuffered here", chan.name));
            // A sender of many values to an owner that receives once can strand
            // the rest on the owner's success path, which no exit stands for.
            let receives_all =
                !s.sends_many_before_returning(src) || receives.iter().all(|r| cx.ancestry().in_loop_within(*r, body));
            if (receives_all && exits.iter().all(|e| e.after_test_failure)) || reports_test_failure(cx, func, &receives)
            {
                finding = finding.on_test_failure_path();
            } else if test_failure::in_test(func, src)
                && s.sends_many_before_returning(src)
                && exits.iter().all(|e| e.after_test_failure || e.after_value)
            {
                // A test reading a stream until the value it waits for: whether the
                // peer sends more after it is a fact of the protocol we cannot see.
                finding.severity = Severity::Info;
                finding.message.push_str(
                    " (information: the test leaves after the value it waited for; the goroutine is stranded only if more values come)",
                );
            }
            let fixes = [
                buffer_fix(src, chan, &senders, s),
                buffer_len_fix(cx, func, body, chan, &senders, s),
                done_select_fix(cx, func, body, s, send.node, &exits, &receives),
                ctx_select_fix(cx, func, body, send.node, &exits, &receives),
            ];
            for fix in fixes.into_iter().flatten() {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// Whether every receive of the channel in the owner, a test, is a `select` case
/// that fails the test (`case err := <-errc: t.Fatal(err)`): the values sent are
/// failure reports, so a send left blocked reports a failure that came after the
/// test stopped listening, on a path where the test would have failed.
fn reports_test_failure(cx: &FileContext, func: Node, receives: &[Node]) -> bool {
    !receives.is_empty()
        && receives.iter().all(|r| {
            ancestor_case(cx.ancestry(), *r)
                .is_some_and(|case| test_failure::fails_test(case, func, cx.source, &cx.imports))
        })
}

/// Nothing in the owner receives: every send blocks for good.
fn report_unreceived<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    body: Node<'t>,
    chan: &MadeChannel,
    senders: &[Sender<'t>],
    owner: &str,
    out: &mut Vec<Finding>,
) {
    let src = cx.source;
    for s in senders {
        for send in &s.sends {
            let message =
                format!("goroutine blocks forever sending on `{}`: nothing in {owner} receives from it", chan.name);
            let mut finding = Finding::new(META.name, META.default_severity, send.node.byte_range(), message)
                .with_related(chan.make.byte_range(), format!("`{}` is made unbuffered here", chan.name));
            let fixes = [buffer_fix(src, chan, senders, s), ctx_select_fix(cx, func, body, send.node, &[], &[])];
            for fix in fixes.into_iter().flatten() {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// Some(Some(sender)) when the goroutine sends on the channel, Some(None) when it
/// does not touch it or only closes it, None when it touches it in another way.
fn sender<'t>(
    cx: &FileContext<'t>,
    body: Node<'t>,
    chan: &MadeChannel<'t>,
    go_stmt: Node<'t>,
) -> Option<Option<Sender<'t>>> {
    let up = cx.ancestry();
    let src = cx.source;
    let name = chan.name.as_str();
    let call = go::go_call(go_stmt)?;
    let function = call.child_by_field_name("function").map(go::unparen)?;
    let args = go::call_args(call);
    // The channel's name inside the goroutine: a captured variable, or the
    // parameter it is passed as.
    let passed_at = args.iter().position(|a| go::is_ident(*a, src, name));
    let (func, inner_name) = match function.kind_name() {
        "func_literal" => {
            let params = go::params(function, src);
            match passed_at {
                Some(i) => (function, params.get(i)?.name.to_string()),
                None if params.iter().any(|p| p.name == name) => return Some(None),
                None => (function, name.to_string()),
            }
        }
        "identifier" => {
            let i = match passed_at {
                Some(i) => i,
                None => return Some(None),
            };
            let decl = function_decl(cx, text(function, src))?;
            (decl, go::params(decl, src).get(i)?.name.to_string())
        }
        _ => {
            // A method or other callee we do not resolve: silent if the channel is passed.
            return if passed_at.is_some() { None } else { Some(None) };
        }
    };
    if passed_at.is_some() && args.iter().filter(|a| go::is_ident(**a, src, name)).count() > 1 {
        return None;
    }
    let ops = channel_ops(cx, func, &inner_name, 0);
    if ops.other {
        return None;
    }
    if ops.sends.is_empty() {
        return Some(None);
    }
    let mut spawn_loops = Vec::new();
    let mut cur = up.parent(go_stmt);
    while let Some(n) = cur {
        if n == body {
            break;
        }
        if go::is_loop(n) && !go::contains(n, chan.make) {
            spawn_loops.push(n);
        }
        cur = up.parent(n);
    }
    Some(Some(Sender { go_stmt, func, sends: ops.sends, spawn_loops }))
}

/// The single top-level function of this file with that name.
fn function_decl<'t>(cx: &FileContext<'t>, name: &str) -> Option<Node<'t>> {
    let root = cx.tree.root_node();
    let mut found = go::named_children(root)
        .into_iter()
        .filter(|n| n.kind_name() == "function_declaration" && go::function_name(*n, cx.source) == Some(name));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The owner's receives. `goroutines` are the `go` statements already accounted
/// for (they send on the channel, close it, or do not touch it).
fn receive_sites<'t>(
    up: &Ancestry<'t>,
    body: Node<'t>,
    src: &str,
    chan: &MadeChannel<'t>,
    goroutines: &[Node<'t>],
) -> Receives<'t> {
    let mut sites = Vec::new();
    for ident in go::idents_named(body, src, &chan.name) {
        if ident == chan.ident || goroutines.iter().any(|g| go::contains(*g, ident)) {
            continue;
        }
        if ident.start_byte() < chan.make.start_byte() {
            continue;
        }
        if up.enclosing_function(ident) != up.enclosing_function(chan.ident) {
            return Receives::Unknown;
        }
        match receive_of(up, ident) {
            Some(site) => sites.push(site),
            None => return Receives::Unknown,
        }
    }
    Receives::Sites(sites)
}

/// If `ident` is the operand of a receive (`<-ch`, `case v := <-ch`, `range ch`),
/// the receiving expression or clause.
fn receive_of<'t>(up: &Ancestry<'t>, ident: Node<'t>) -> Option<Node<'t>> {
    let parent = up.parent(ident)?;
    if go::receive_operand(parent) == Some(ident) {
        return Some(parent);
    }
    if parent.kind_name() == "range_clause" && parent.child_by_field_name("right") == Some(ident) {
        return Some(parent);
    }
    None
}

/// A way the owning function stops receiving while a sender may still send.
struct Exit {
    range: std::ops::Range<usize>,
    /// The related-location message.
    message: String,
    /// What the owner does, for the finding's message ("can return without receiving").
    summary: &'static str,
    /// For a select case, the communication text (`<-ctx.Done()`).
    case_comm: Option<String>,
    /// For a select case `case <-done:`, the channel expression `done`.
    case_channel: Option<String>,
    /// Whether the owner returns through this exit (so its deferred calls run).
    returns: bool,
    /// Whether leaving here means the owner, a test, has failed or timed out.
    after_test_failure: bool,
    /// Whether the owner leaves here from a `case v := <-ch:` that took a value:
    /// after the value it waited for.
    after_value: bool,
}

const RETURNS_WITHOUT_RECEIVING: &str = "can return without receiving";

fn exit_paths<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    body: Node<'t>,
    chan: &MadeChannel<'t>,
    senders: &[Sender<'t>],
    receives: &[Node<'t>],
) -> Vec<Exit> {
    let up = cx.ancestry();
    let src = cx.source;
    let mut exits = Vec::new();
    // (a) A select that receives from the channel and has another case that leaves.
    for &recv in receives {
        let Some(case) = ancestor_case(up, recv) else { continue };
        let Some(select) = up.parent(case) else { continue };
        for other in go::named_children(select) {
            if other == case || !matches!(other.kind_name(), "communication_case" | "default_case") {
                continue;
            }
            if receives.iter().any(|r| go::contains(other, *r))
                || signals_senders_done(cx, func, body, select, other, senders, receives)
            {
                continue;
            }
            let leaving = go::leaves(other, src);
            let leaves = leaving.is_some()
                || (!up.in_loop_within(select, body) && !receives.iter().any(|r| r.start_byte() > select.end_byte()));
            if leaves {
                let comm = other.child_by_field_name("communication");
                let comm_text = comm.map(|c| text(c, src).to_string());
                let label = comm_text.clone().unwrap_or_else(|| "default".to_string());
                exits.push(Exit {
                    range: other.start_byte()..header_end(other, src),
                    message: format!("`{label}` leaves without receiving from `{}`", chan.name),
                    summary: RETURNS_WITHOUT_RECEIVING,
                    case_comm: comm_text,
                    case_channel: comm.and_then(|c| bare_receive_channel(c, src)),
                    returns: leaving.is_none_or(|n| n.kind_name() == "return_statement"),
                    after_test_failure: test_failure::fails_test(other, func, src, &cx.imports),
                    after_value: takes_value(other),
                });
            }
        }
    }
    // (b) A return between the last `go` statement and the first receive.
    let after = senders.iter().map(|s| s.go_stmt.end_byte()).min().unwrap_or(0);
    let before = receives.iter().map(|r| r.start_byte()).min().unwrap_or(usize::MAX);
    let ok_names: Vec<&str> = receives.iter().filter_map(|r| ok_name(up, *r, src)).collect();
    go::walk_own(body, |n| {
        // In the loop that receives, a return guarded by what the receives' `ok`
        // recorded runs only after the channel was closed.
        let after_close = |n: Node| {
            up.enclosing_loop(n).is_some_and(|lp| {
                let flags: Vec<&str> = ok_names.iter().copied().chain(flags_from(lp, src, &ok_names)).collect();
                receives.iter().any(|r| go::contains(lp, *r)) && guarded_by(up, n, lp, src, &flags)
            })
        };
        // A return in another case of a select that receives is (a)'s to judge.
        let in_receiving_select = |n: Node| {
            ancestors_until(up, n, body)
                .any(|a| a.kind_name() == "select_statement" && receives.iter().any(|r| go::contains(a, *r)))
        };
        if n.kind_name() == "return_statement"
            && n.start_byte() > after
            && n.end_byte() <= before
            && !after_close(n)
            && !in_receiving_select(n)
        {
            exits.push(Exit {
                range: n.byte_range(),
                message: format!("returns without receiving from `{}`", chan.name),
                summary: RETURNS_WITHOUT_RECEIVING,
                case_comm: None,
                case_channel: None,
                returns: true,
                after_test_failure: test_failure::fails_test(n, func, src, &cx.imports),
                after_value: false,
            });
        }
    });
    // Sends in exclusive branches (`if ... { ch <- a } else { ch <- b }`) are one value.
    let many = senders.len() > 1 || senders.iter().any(|s| s.sends_many_before_returning(src));
    if many {
        exits.extend(receive_loop_exits(cx, func, body, chan, receives));
        exits.extend(single_receive_for_many(up, src, chan, senders, receives));
    }
    exits.sort_by_key(|e| e.range.start);
    exits.dedup_by_key(|e| e.range.start);
    exits
}

/// Whether the select case `other` waits for a signal that tells the owner no
/// value is left to come: a channel made in the owner that only one of the
/// senders closes (or sends on), once it will send no more (after its sends in
/// the text, outside loops, or in a `defer`), while the owner's receives before the
/// select take every value the other senders can send. The common shape is a
/// goroutine that either reports an error and returns, or closes `done`:
///
/// ```go
/// go func() {
///     if err := work(); err != nil {
///         errc <- err
///         return
///     }
///     close(done)
/// }()
/// select {
/// case err := <-errc:
/// case <-done:
/// }
/// ```
fn signals_senders_done<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    body: Node<'t>,
    select: Node<'t>,
    other: Node<'t>,
    senders: &[Sender<'t>],
    receives: &[Node<'t>],
) -> bool {
    let up = cx.ancestry();
    let src = cx.source;
    let Some(signal) = other.child_by_field_name("communication").and_then(|c| received_channel(c, src)) else {
        return false;
    };
    let Some(made) = channels::made_channels(cx, func).into_iter().find(|m| m.name(src) == signal) else {
        return false;
    };
    let uses = channels::local_uses(cx, func, &made);
    if uses.escape.is_some() {
        return false;
    }
    // Who gives the signal: one sender goroutine, in its own function.
    let mut gives = uses.uses.iter().filter(|u| matches!(u.op, channels::Op::Close | channels::Op::Send));
    let Some(first) = gives.next() else { return false };
    let channels::Runner::Goroutine(start) = first.runner else { return false };
    let Some(signaller) = senders.iter().find(|s| s.go_stmt == start) else { return false };
    let gives: Vec<_> = std::iter::once(first).chain(gives).collect();
    let own = |n: Node| up.enclosing_function(n) == Some(signaller.func);
    let deferred = |n: Node| up.parent(n).is_some_and(|p| p.kind_name() == "defer_statement");
    // A signal right before the signaller returns (`errc <- err; return` in its
    // read loop): once the owner has it, the signaller is gone, and each send it
    // made before was taken by the owner (unbuffered sends wait for their receiver).
    // A deferred signal (`defer close(errc)`) runs once the signaller is done too.
    let signal_ends_signaller = !signaller.spawned_in_loop()
        && gives.iter().all(|u| {
            deferred(u.node)
                || go::next_statement(u.node).is_some_and(|n| n.kind_name() == "return_statement")
                || ends_goroutine(signaller.func, u.node)
        });
    if !signal_ends_signaller && (up.in_loop_within(select, body) || senders.iter().any(|s| s.sends_many(src))) {
        return false;
    }
    if gives.iter().any(|u| {
        u.runner != first.runner
            || !own(u.node)
            || (!signal_ends_signaller && up.in_loop_within(u.node, signaller.func))
    }) || uses
        .of(channels::Op::Receive)
        .chain(uses.of(channels::Op::Range))
        .any(|u| u.runner != channels::Runner::Owner)
        || !signaller.sends.iter().all(|s| own(s.node))
    {
        return false;
    }
    let taken = receives.iter().filter(|r| received_before(up, **r, select, func)).count();
    if signal_ends_signaller {
        // Only the other senders' values can still be on their way.
        return senders.iter().filter(|s| s.go_stmt != signaller.go_stmt).all(|s| !s.sends_many(src))
            && senders.len() - 1 <= taken;
    }
    // The signal comes after every send of the signaller.
    let after_sends = gives
        .iter()
        .all(|u| deferred(u.node) || signaller.sends.iter().all(|s| s.node.end_byte() <= u.node.start_byte()));
    if !after_sends {
        return false;
    }
    // How many values the signaller may have sent before its signal: none when each
    // of its sends is followed by a `return` and the signal is not deferred.
    let returns_after_send = |s: &Send| go::next_statement(s.node).is_some_and(|n| n.kind_name() == "return_statement");
    let sent_before =
        if gives.iter().any(|u| deferred(u.node)) || !signaller.sends.iter().all(returns_after_send) { 1 } else { 0 };
    // The others' values still on their way once the signal arrives.
    senders.len() - 1 + sent_before.min(taken) <= taken
}

/// Whether the receive `recv` is a statement of its own (`<-ch`, `v := <-ch`,
/// `v = <-ch`) that runs before `select` on every path: in a statement list that
/// holds the select further on.
fn received_before<'t>(up: &Ancestry<'t>, recv: Node<'t>, select: Node<'t>, func: Node<'t>) -> bool {
    if up.enclosing_function(recv) != Some(func) || recv.end_byte() > select.start_byte() {
        return false;
    }
    let mut stmt = recv;
    while let Some(parent) = up.parent(stmt) {
        match parent.kind_name() {
            "expression_list" => stmt = parent,
            "expression_statement" | "assignment_statement" | "short_var_declaration" => {
                stmt = parent;
                break;
            }
            _ => return false,
        }
    }
    up.parent(stmt).is_some_and(|list| list.kind_name() == "statement_list" && go::contains(list, select))
}

/// (c) The owner receives in a loop but can leave it early, such as on the first
/// error, while more values are on their way. Not counted: exits in another select
/// case (rule (a) covers those), exits guarded by the `ok` of a receive from the
/// channel (it was closed: the senders are done), exits guarded by `len(...)` or a
/// counter the loop updates (they may wait for every value), and a `break` after
/// which the owner receives again.
fn receive_loop_exits(cx: &FileContext, func: Node, body: Node, chan: &MadeChannel, receives: &[Node]) -> Vec<Exit> {
    let src = cx.source;
    let up = cx.ancestry();
    let mut loops: Vec<Node> = Vec::new();
    let mut seen = HashSet::new();
    for &recv in receives {
        if let Some(lp) = up.enclosing_loop(recv)
            && go::contains(body, lp)
            && seen.insert(lp.id())
        {
            loops.push(lp);
        }
    }
    let ok_names: Vec<&str> = receives.iter().filter_map(|r| ok_name(up, *r, src)).collect();
    let mut exits = Vec::new();
    for lp in loops {
        let counters = counters_in(lp, src);
        // `closed = !ok`: a flag that records the close stands for the `ok` itself.
        let ok_names: Vec<&str> = ok_names.iter().copied().chain(flags_from(lp, src, &ok_names)).collect();
        for exit in go::loop_leaving_jumps(lp, src, &|n| up.parent(n)) {
            let in_other_case = ancestors_until(up, exit, lp).any(|a| {
                matches!(a.kind_name(), "communication_case" | "default_case")
                    && !receives.iter().any(|r| go::contains(a, *r))
            });
            let guards: Vec<&str> = ok_names.iter().chain(&counters).copied().chain(["len"]).collect();
            let guarded = guarded_by(up, exit, lp, src, &guards);
            let drained_later =
                exit.kind_name() != "return_statement" && receives.iter().any(|r| r.start_byte() > lp.end_byte());
            if in_other_case || guarded || drained_later {
                continue;
            }
            exits.push(Exit {
                range: exit.byte_range(),
                message: format!("stops receiving from `{}` while values may still be coming", chan.name),
                summary: "can stop receiving while values are still being sent",
                case_comm: None,
                case_channel: None,
                returns: exit.kind_name() == "return_statement",
                after_test_failure: test_failure::fails_test(exit, func, src, &cx.imports),
                after_value: ancestors_until(up, exit, lp).any(takes_value),
            });
        }
    }
    exits
}

/// (d) Goroutines started in a loop all send, but the owner receives a fixed
/// number of times outside any loop: the first result wins, the rest block. Only
/// when every send runs unconditionally (one conditional send per goroutine may be
/// how exactly one of them answers), and not when the loop counts up to a constant
/// no larger than the number of receives.
fn single_receive_for_many<'t>(
    up: &Ancestry<'t>,
    src: &str,
    chan: &MadeChannel,
    senders: &[Sender],
    receives: &[Node<'t>],
) -> Option<Exit> {
    let spawner = senders.iter().find(|s| s.spawned_in_loop())?;
    if receives.is_empty() || receives.iter().any(|r| up.enclosing_loop(*r).is_some()) {
        return None;
    }
    let unconditional = spawner.sends.iter().all(|send| {
        ancestors_until(up, send.node, spawner.func).all(|a| matches!(a.kind_name(), "statement_list" | "block"))
    });
    if !unconditional
        || spawner.spawn_loops.iter().any(|lp| go::constant_iterations(*lp, src).is_some_and(|n| n <= receives.len()))
    {
        return None;
    }
    let first = receives[0];
    Some(Exit {
        range: first.byte_range(),
        message: format!("the only receive from `{}`", chan.name),
        summary: if receives.len() == 1 {
            "receives only once from the goroutines started in a loop"
        } else {
            "receives a fixed number of times from the goroutines started in a loop"
        },
        case_comm: None,
        case_channel: None,
        returns: true,
        after_test_failure: false,
        after_value: false,
    })
}

/// The ancestors of `node` strictly below `top`.
fn ancestors_until<'a, 't>(up: &'a Ancestry<'t>, node: Node<'t>, top: Node<'t>) -> impl Iterator<Item = Node<'t>> + 'a {
    up.ancestors(node).take_while(move |n| *n != top)
}

/// For a receive with two results (`v, ok := <-ch`, `case v, ok := <-ch:`), `ok`.
fn ok_name<'s, 't>(up: &Ancestry<'t>, recv: Node<'t>, src: &'s str) -> Option<&'s str> {
    let list = up.parent(recv).filter(|p| p.kind_name() == "expression_list").unwrap_or(recv);
    let holder = up.parent(list)?;
    if !matches!(holder.kind_name(), "short_var_declaration" | "assignment_statement" | "receive_statement") {
        return None;
    }
    let left = go::named_children(holder.child_by_field_name("left")?);
    match left.as_slice() {
        [_, ok] if ok.kind_name() == "identifier" => Some(text(*ok, src)),
        _ => None,
    }
}

/// Whether an `if` around `exit`, inside `lp`, tests one of `names`.
fn guarded_by<'t>(up: &Ancestry<'t>, exit: Node<'t>, lp: Node<'t>, src: &str, names: &[&str]) -> bool {
    ancestors_until(up, exit, lp).filter(|a| a.kind_name() == "if_statement").any(|a| {
        a.child_by_field_name("condition")
            .is_some_and(|cond| go::identifiers(cond, src).iter().any(|name| names.contains(name)))
    })
}

/// Variables the loop sets from one of `names` alone: `x = ok`, `x = !ok`.
fn flags_from<'s>(lp: Node, src: &'s str, names: &[&str]) -> Vec<&'s str> {
    let mut out = Vec::new();
    go::walk_own(lp, |n| {
        if n.kind_name() != "assignment_statement" {
            return;
        }
        let (Some(left), Some(right)) = (n.child_by_field_name("left"), n.child_by_field_name("right")) else {
            return;
        };
        let (lefts, rights) = (go::named_children(left), go::named_children(right));
        let ([target], [value]) = (lefts.as_slice(), rights.as_slice()) else { return };
        let value = match value.kind_name() {
            "unary_expression" if value.child_by_field_name("operator").is_some_and(|o| text(o, src) == "!") => {
                value.child_by_field_name("operand")
            }
            _ => Some(*value),
        };
        if target.kind_name() == "identifier"
            && value.is_some_and(|v| names.iter().any(|name| go::is_ident(v, src, name)))
        {
            out.push(text(*target, src));
        }
    });
    out
}

/// Names the loop counts with: `n++`, `n--`, `n += k`, `n -= k`.
fn counters_in<'s>(lp: Node, src: &'s str) -> Vec<&'s str> {
    let mut out = Vec::new();
    go::walk_own(lp, |n| {
        let target = match n.kind_name() {
            "inc_statement" | "dec_statement" => n.named_child(0),
            "assignment_statement"
                if n.child_by_field_name("operator").is_some_and(|o| matches!(text(o, src), "+=" | "-=")) =>
            {
                n.child_by_field_name("left").and_then(|l| l.named_child(0))
            }
            _ => None,
        };
        if let Some(t) = target.filter(|t| t.kind_name() == "identifier") {
            out.push(text(t, src));
        }
    });
    out
}

/// Whether `node` is a select case that receives a value (`case v := <-ch:`).
fn takes_value(node: Node) -> bool {
    node.kind_name() == "communication_case"
        && node
            .child_by_field_name("communication")
            .is_some_and(|c| c.kind_name() == "receive_statement" && c.child_by_field_name("left").is_some())
}

/// For a communication `<-done` (a bare receive, nothing assigned) from a named
/// channel or a field, the channel expression.
fn bare_receive_channel(comm: Node, src: &str) -> Option<String> {
    if comm.kind_name() != "receive_statement" || comm.child_by_field_name("left").is_some() {
        return None;
    }
    let channel = go::receive_operand(comm.child_by_field_name("right")?)?;
    let simple = match channel.kind_name() {
        "identifier" => true,
        "selector_expression" => channel.child_by_field_name("operand").is_some_and(|o| o.kind_name() == "identifier"),
        _ => false,
    };
    simple.then(|| text(channel, src).to_string())
}

/// For a case's communication `<-ch` or `v := <-ch` from a named channel, `ch`.
fn received_channel(comm: Node, src: &str) -> Option<String> {
    let recv = match comm.kind_name() {
        "receive_statement" => comm.child_by_field_name("right")?,
        _ => comm,
    };
    let channel = go::receive_operand(recv)?;
    (channel.kind_name() == "identifier").then(|| text(channel, src).to_string())
}

/// The select case whose communication is this receive.
fn ancestor_case<'t>(up: &Ancestry<'t>, recv: Node<'t>) -> Option<Node<'t>> {
    let mut cur = up.parent(recv)?;
    // `case <-ch:` is a receive_statement wrapping the unary expression; `case v := <-ch:` too.
    if cur.kind_name() == "receive_statement" {
        cur = up.parent(cur)?;
    }
    (cur.kind_name() == "communication_case").then_some(cur)
}

/// End of a case's header line (`case <-ctx.Done():`), for a tight related range.
fn header_end(case: Node, src: &str) -> usize {
    let line_end = go::line_end(src, case.start_byte());
    let end = src[..line_end].trim_end().len();
    end.min(case.end_byte()).max(case.start_byte())
}

/// A goroutine that sends twice on a path where the owner receives once: the
/// first send, the second one that then blocks, and the receive.
struct DoubleSend<'t> {
    first: Node<'t>,
    second: Node<'t>,
    receive: Node<'t>,
}

/// The LeakProf "double send": one goroutine, not started in a loop, whose first
/// send does not return (typically a missing `return` after reporting an error),
/// so control falls through to a second send, while the owner receives exactly
/// once. Both sends must sit in one function outside any loop, with nothing that
/// leaves (`return`, `break`, `continue`, `goto`, `panic`) between them.
fn double_sends<'t>(
    up: &Ancestry<'t>,
    src: &str,
    body: Node<'t>,
    senders: &[Sender<'t>],
    receives: &[Node<'t>],
) -> Vec<(usize, DoubleSend<'t>)> {
    let mut out: Vec<(usize, DoubleSend<'t>)> = Vec::new();
    // One receive per goroutine: a goroutine that sends twice leaves a value no
    // receive takes (with several goroutines, whichever sends last blocks).
    if senders.len() != receives.len()
        || receives.iter().any(|r| up.in_loop_within(*r, body))
        || senders.iter().any(|s| s.spawned_in_loop() || s.sends.iter().any(|send| send.repeated))
    {
        return out;
    }
    for (k, s) in senders.iter().enumerate() {
        let pair = s.sends.iter().enumerate().find_map(|(i, first)| {
            s.sends[i + 1..]
                .iter()
                .find(|second| falls_through(src, first.node, second.node))
                .map(|second| (first, second))
        });
        if let Some((first, second)) = pair
            && !out.iter().any(|(_, d)| d.second == second.node)
        {
            out.push((k, DoubleSend { first: first.node, second: second.node, receive: receives[0] }));
        }
    }
    out
}

/// Whether control reaches `second` after `first` runs: both in one function,
/// `second` a statement of a block that holds `first` (at any depth) earlier, and
/// nothing between them that leaves.
fn falls_through(src: &str, first: Node, second: Node) -> bool {
    let func = go::enclosing_function(first);
    if func.is_none() || go::enclosing_function(second) != func || first.end_byte() > second.start_byte() {
        return false;
    }
    let Some(list) = second.parent().filter(|p| p.kind_name() == "statement_list") else { return false };
    if !go::contains(list, first) {
        return false;
    }
    let Some(func) = func.and_then(go::body) else { return false };
    let mut leaves = false;
    go::walk_own(func, |n| {
        let between = n.start_byte() >= first.end_byte() && n.end_byte() <= second.start_byte();
        leaves |= between
            && (matches!(
                n.kind_name(),
                "return_statement"
                    | "break_statement"
                    | "continue_statement"
                    | "goto_statement"
                    | "fallthrough_statement"
            ) || (n.kind_name() == "call_expression" && matches!(go::callee(n, src), Some((None, "panic")))));
    });
    !leaves
}

fn report_double_send(
    cx: &FileContext,
    chan: &MadeChannel,
    senders: &[Sender],
    k: usize,
    double: &DoubleSend,
    owner: &str,
    out: &mut Vec<Finding>,
) {
    let up = cx.ancestry();
    let src = cx.source;
    let receives = if senders.len() == 1 {
        "receives only once".to_string()
    } else {
        format!("receives {n} times for {n} goroutines", n = senders.len())
    };
    let message = format!(
        "goroutine may block forever sending on `{}` a second time: the send on line {} does not return and {owner} {receives} (line {})",
        chan.name,
        go::line_of(double.first),
        go::line_of(double.receive)
    );
    let receive_note = if senders.len() == 1 {
        format!("the only receive from `{}`", chan.name)
    } else {
        format!("the first of {} receives from `{}`", senders.len(), chan.name)
    };
    let mut finding = Finding::new(META.name, META.default_severity, double.second.byte_range(), message)
        .with_related(double.first.byte_range(), "the first send: control goes on to the second one")
        .with_related(double.receive.byte_range(), receive_note)
        .with_related(chan.make.byte_range(), format!("`{}` is made unbuffered here", chan.name));
    // With several goroutines a buffer of one does not cover every extra value.
    let buffer = if senders.len() == 1 { double_send_buffer_fix(up, src, chan, &senders[k], double) } else { None };
    for fix in [buffer, return_after_send_fix(up, src, double.first)].into_iter().flatten() {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// `make(chan T)` -> `make(chan T, 1)` for a double send: the receiver still takes
/// the first value (a channel is FIFO) and the second fits in the buffer. Safe when
/// both sends are in the goroutine's own function, nothing runs between them but
/// the end of the first one's blocks, and the second send ends the goroutine.
fn double_send_buffer_fix<'t>(
    up: &Ancestry<'t>,
    src: &str,
    chan: &MadeChannel,
    s: &Sender,
    double: &DoubleSend,
) -> Option<Fix> {
    if up.enclosing_function(double.first) != Some(s.func) || !ends_goroutine(s.func, double.second) {
        return None;
    }
    let list = up.parent(double.second)?;
    let mut cur = double.first;
    while up.parent(cur) != Some(list) {
        if go::next_statement(cur).is_some() {
            return None;
        }
        cur = up.parent(cur)?;
    }
    if go::next_statement(cur) != Some(double.second) {
        return None;
    }
    add_buffer(src, chan, "1", "Buffer the channel".to_string())
}

/// Inserts `return` after the first send, the likely missing statement. It changes
/// what the goroutine does after reporting, so it needs review.
fn return_after_send_fix<'t>(up: &Ancestry<'t>, src: &str, first: Node<'t>) -> Option<Fix> {
    let func = up.enclosing_function(first)?;
    if go::has_results(func) || up.parent(first).map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let indent = go::indent_at(src, first.start_byte());
    Some(Fix {
        title: "Return after the first send".to_string(),
        edits: vec![TextEdit::insert(first.end_byte(), format!("\n{indent}return"))],
        applicability: Applicability::Unsafe,
    })
}

/// Whether `send` is the goroutine's last act: a statement of its function's body
/// followed only by bare `return`s, in a function with no `defer` (a buffer would
/// run the deferred calls before the receive).
fn ends_goroutine(func: Node, send: Node) -> bool {
    let Some(body) = go::body(func) else { return false };
    let Some(list) = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list") else {
        return false;
    };
    if send.parent() != Some(list) {
        return false;
    }
    let mut next = go::next_statement(send);
    while let Some(n) = next {
        if n.kind_name() != "return_statement" || n.named_child_count() > 0 {
            return false;
        }
        next = go::next_statement(n);
    }
    let mut has_defer = false;
    go::walk_own(body, |n| has_defer |= n.kind_name() == "defer_statement");
    !has_defer
}

/// Inserts `, capacity` before the closing parenthesis of the `make` call.
fn add_buffer(src: &str, chan: &MadeChannel, capacity: &str, title: String) -> Option<Fix> {
    let args = chan.make.child_by_field_name("arguments")?;
    let close_paren = args.end_byte().checked_sub(1)?;
    (src.as_bytes().get(close_paren) == Some(&b')')).then(|| Fix {
        title,
        edits: vec![TextEdit::insert(close_paren, format!(", {capacity}"))],
        applicability: Applicability::Safe,
    })
}

/// GFix strategy I: `make(chan T)` -> `make(chan T, 1)` when one goroutine, not
/// started in a loop, sends once, as its last operation, so the buffer only lets
/// it finish early.
fn buffer_fix(src: &str, chan: &MadeChannel, senders: &[Sender], s: &Sender) -> Option<Fix> {
    let ([_], [send]) = (senders, s.sends.as_slice()) else { return None };
    if s.spawned_in_loop() || send.repeated || !ends_goroutine(s.func, send.node) {
        return None;
    }
    add_buffer(src, chan, "1", "Buffer the channel".to_string())
}

/// Strategy I for goroutines started by `for ... range xs` over a slice or map
/// `xs`: `make(chan T, len(xs))` leaves room for every goroutine's one value, so
/// none blocks whenever the owner stops receiving. Same conditions as the plain
/// buffer fix per goroutine, and `xs` must not change after the `make`.
fn buffer_len_fix(
    cx: &FileContext,
    func: Node,
    body: Node,
    chan: &MadeChannel,
    senders: &[Sender],
    s: &Sender,
) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let ([_], [send], [spawn_loop]) = (senders, s.sends.as_slice(), s.spawn_loops.as_slice()) else { return None };
    if send.repeated || !ends_goroutine(s.func, send.node) {
        return None;
    }
    let clause = go::named_children(*spawn_loop).into_iter().find(|c| c.kind_name() == "range_clause")?;
    let xs = clause.child_by_field_name("right").map(go::unparen).filter(|r| r.kind_name() == "identifier")?;
    let name = text(xs, src);
    let changed =
        go::idents_named(body, src, name).into_iter().any(|i| i.start_byte() > chan.make.end_byte() && go::is_write(i));
    if changed || !is_slice_or_map(up, func, body, name, chan.make, src) {
        return None;
    }
    add_buffer(src, chan, &format!("len({name})"), format!("Buffer the channel for every goroutine: `len({name})`"))
}

/// Whether `name` is, at `at`, a parameter of `func` typed as a slice or map, or a
/// local declared before `at`, in a block around it, as a slice or map (`var xs
/// []T`, `[]T{...}`, `map[K]V{...}`, `make([]T, n)`, `make(map[K]V)`).
fn is_slice_or_map<'t>(up: &Ancestry<'t>, func: Node<'t>, body: Node<'t>, name: &str, at: Node<'t>, src: &str) -> bool {
    let typed = |ty: &str| ty.starts_with("[]") || ty.starts_with("map[");
    let mut local = None;
    go::walk_own(body, |n| {
        if n.start_byte() >= at.start_byte() || !matches!(n.kind_name(), "short_var_declaration" | "var_declaration") {
            return;
        }
        for (ident, value) in go::declared(n) {
            if text(ident, src) != name {
                continue;
            }
            let in_scope = up.parent(n).and_then(|list| up.parent(list)).is_some_and(|block| go::contains(block, at));
            let declared_type = ident
                .parent()
                .filter(|p| p.kind_name() == "var_spec")
                .and_then(|spec| spec.child_by_field_name("type"));
            let kind_of = |node: Node| matches!(node.kind_name(), "slice_type" | "map_type");
            let by_value = value.map(go::unparen).is_some_and(|v| match v.kind_name() {
                "composite_literal" => v.child_by_field_name("type").is_some_and(kind_of),
                "call_expression" => {
                    matches!(go::callee(v, src), Some((None, "make")))
                        && go::call_args(v).first().is_some_and(|ty| kind_of(*ty))
                }
                _ => false,
            });
            local = Some(in_scope && (declared_type.is_some_and(kind_of) || by_value));
        }
    });
    match local {
        Some(known) => known,
        None => go::params(func, src).iter().any(|p| p.name == name && typed(p.ty)),
    }
}

/// GFix strategy III with the owner's done channel: when the owner gives up on
/// `case <-done:`, the send becomes a select that also gives up on `<-done`. Only
/// for goroutine literals that see the same `done`, and only for a channel that is
/// a closing signal: one the file closes, or a `chan struct{}` parameter (a timer's
/// `x.C` or a channel of values is not: the sender would steal the owner's value).
/// Safe when the file closes `done` and never sends on it, every exit is that case,
/// and every receive of the owner watches `done` too (otherwise closing `done` could
/// stop the sender while the owner still waits for its value).
fn done_select_fix(
    cx: &FileContext,
    func: Node,
    body: Node,
    s: &Sender,
    send: Node,
    exits: &[Exit],
    receives: &[Node],
) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let done = exits.iter().find_map(|e| e.case_channel.clone())?;
    if s.func.kind_name() != "func_literal" || up.enclosing_function(send) != Some(s.func) || go::has_results(s.func) {
        return None;
    }
    if up.parent(send).map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let (closed, sent) = close_and_send_sites(cx, &done);
    let signal_param =
        || go::params(func, src).iter().any(|p| p.name == done && p.ty.replace(' ', "").ends_with("chanstruct{}"));
    if !closed && !signal_param() {
        return None;
    }
    let root_name = done.split('.').next()?;
    // The goroutine must see the owner's `done`: not rebound inside it, not declared
    // in the owner only after the goroutine starts.
    let rebound = go::shadows_as_param(s.func, src, root_name)
        || go::idents_named(s.func, src, root_name).into_iter().any(go::is_write)
        || go::idents_named(body, src, root_name)
            .into_iter()
            .any(|i| go::is_write(i) && i.start_byte() > s.go_stmt.start_byte());
    if rebound || signals(s.func, &done, src) {
        return None;
    }
    let indent = go::indent_at(src, send.start_byte());
    let replacement =
        format!("select {{\n{indent}case {}:\n{indent}case <-{done}:\n{indent}\treturn\n{indent}}}", text(send, src));
    let same_case = exits.iter().all(|e| e.case_channel.as_deref() == Some(done.as_str()));
    let safe = same_case && closed && !sent && every_receive_watches(up, receives, src, &format!("<-{done}"));
    Some(Fix {
        title: format!("Stop sending when {done} is closed"),
        edits: vec![TextEdit::replace(send.byte_range(), replacement)],
        applicability: if safe { Applicability::Safe } else { Applicability::Unsafe },
    })
}

/// Whether `func` itself closes or sends on `done`: then it cannot wait for it.
fn signals(func: Node, done: &str, src: &str) -> bool {
    let mut found = false;
    go::walk(func, |n| {
        found |= match n.kind_name() {
            "call_expression" => {
                matches!(go::callee(n, src), Some((None, "close")))
                    && go::call_args(n).first().is_some_and(|a| text(*a, src) == done)
            }
            "send_statement" => n.child_by_field_name("channel").is_some_and(|c| text(c, src) == done),
            _ => false,
        };
        go::Walk::Continue
    });
    found
}

/// Whether every receive sits in a select that also has the case `comm`
/// (`<-done`, `<-ctx.Done()`).
fn every_receive_watches<'t>(up: &Ancestry<'t>, receives: &[Node<'t>], src: &str, comm: &str) -> bool {
    receives.iter().all(|r| {
        ancestor_case(up, *r).and_then(|case| up.parent(case)).is_some_and(|select| {
            go::named_children(select).iter().any(|c| {
                c.kind_name() == "communication_case"
                    && c.child_by_field_name("communication").is_some_and(|x| text(x, src) == comm)
            })
        })
    })
}

/// Whether the file calls `close(done)`, and whether it sends on `done`.
fn close_and_send_sites(cx: &FileContext, done: &str) -> (bool, bool) {
    let src = cx.source;
    let mut closed = false;
    let mut sent = false;
    go::walk(cx.tree.root_node(), |n| {
        match n.kind_name() {
            "call_expression" if matches!(go::callee(n, src), Some((None, "close"))) => {
                closed |= go::call_args(n).first().is_some_and(|a| text(*a, src) == done);
            }
            "send_statement" => sent |= n.child_by_field_name("channel").is_some_and(|c| text(c, src) == done),
            _ => {}
        }
        go::Walk::Continue
    });
    (closed, sent)
}

/// GFix strategy III with the context in scope: the send becomes a select that
/// also gives up when the context is done. Sound without review when the context
/// ends only after the owner has stopped receiving on each of its exits: a case on
/// the same `<-ctx.Done()` when every receive watches that context too, or a return
/// from an owner that derived `ctx` itself and only defers its cancel (no exits
/// means the owner never receives, and so also returns).
fn ctx_select_fix<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    body: Node<'t>,
    send: Node<'t>,
    exits: &[Exit],
    receives: &[Node<'t>],
) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let send_func = up.enclosing_function(send)?;
    if go::has_results(send_func) || up.parent(send).map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let ctx = cx.context_in_scope(send_func, send)?;
    let indent = go::indent_at(src, send.start_byte());
    let replacement = format!(
        "select {{\n{indent}case {}:\n{indent}case <-{ctx}.Done():\n{indent}\treturn\n{indent}}}",
        text(send, src)
    );
    let done = format!("<-{ctx}.Done()");
    let cancelled_on_return = cancels_on_return(up, func, body, &ctx, src, &cx.imports);
    let watched = every_receive_watches(up, receives, src, &done);
    let sound = exits
        .iter()
        .all(|e| (watched && e.case_comm.as_deref() == Some(done.as_str())) || (e.returns && cancelled_on_return));
    let safe = if exits.is_empty() { cancelled_on_return } else { sound };
    Some(Fix {
        title: format!("Stop sending when {ctx} is done"),
        edits: vec![TextEdit::replace(send.byte_range(), replacement)],
        applicability: if safe { Applicability::Safe } else { Applicability::Unsafe },
    })
}

/// Whether the owner made `ctx` with `ctx, cancel := context.WithCancel(...)` (or
/// a timeout or deadline variant) in its own body and uses `cancel` only in `defer
/// cancel()`, so the context ends when the owner returns (or its parent ends), not
/// while it is still receiving.
fn cancels_on_return<'t>(
    up: &Ancestry<'t>,
    func: Node<'t>,
    body: Node<'t>,
    ctx: &str,
    src: &str,
    imports: &go::Imports,
) -> bool {
    let mut cancel = None;
    go::walk_own(body, |n| {
        if n.kind_name() != "short_var_declaration" && n.kind_name() != "assignment_statement" {
            return;
        }
        let left = n.child_by_field_name("left").map(go::named_children).unwrap_or_default();
        let right = n.child_by_field_name("right").map(go::named_children).unwrap_or_default();
        if let ([c, k], [call]) = (left.as_slice(), right.as_slice())
            && go::is_ident(*c, src, ctx)
            && go::is_pkg_call(
                *call,
                src,
                &imports.context,
                &[
                    "WithCancel",
                    "WithTimeout",
                    "WithDeadline",
                    "WithCancelCause",
                    "WithTimeoutCause",
                    "WithDeadlineCause",
                ],
            )
            && k.kind_name() == "identifier"
        {
            cancel = Some(*k);
        }
    });
    let Some(cancel) = cancel.filter(|c| text(*c, src) != "_") else { return false };
    let name = text(cancel, src);
    go::idents_named(body, src, name).into_iter().filter(|i| *i != cancel).all(|i| {
        let call = up.parent(i).filter(|c| c.kind_name() == "call_expression" && go::call_args(*c).is_empty());
        call.and_then(|c| up.parent(c))
            .is_some_and(|d| d.kind_name() == "defer_statement" && up.enclosing_function(d) == Some(func))
    }) && go::idents_named(body, src, name).len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    /// The fixes of the findings in `body` (a Go file after its imports), by title.
    fn fixes(body: &str) -> Vec<Vec<(String, Applicability)>> {
        let src = format!(
            "package p\n\nimport (\n\t\"context\"\n\t\"errors\"\n)\n\nvar _ = errors.New\nvar _ context.Context\n\n{body}"
        );
        let tree = parse_go(&src, None);
        let cx = FileContext::new(&src, &tree, None, None, None);
        let mut out = Vec::new();
        UnreceivedSend.check(&cx, &mut out);
        out.iter().map(|f| f.fixes.iter().map(|x| (x.title.clone(), x.applicability)).collect()).collect()
    }

    fn titled(title: &str, applicability: Applicability) -> (String, Applicability) {
        (title.to_string(), applicability)
    }

    #[test]
    fn n_cast_over_a_slice_gets_a_buffer_per_goroutine() {
        let found = fixes(
            "func f(xs []string) string {\n\tch := make(chan string)\n\tfor _, x := range xs {\n\t\tgo func(x string) {\n\t\t\tch <- x\n\t\t}(x)\n\t}\n\treturn <-ch\n}\n",
        );
        assert_eq!(found, vec![vec![titled("Buffer the channel for every goroutine: `len(xs)`", Applicability::Safe)]]);
    }

    #[test]
    fn ctx_fix_is_safe_only_when_the_owner_cancels_on_return() {
        let loop_body = "\tch := make(chan int)\n\tfor i := 0; i < n; i++ {\n\t\tgo func(i int) {\n\t\t\tch <- work(ctx, i)\n\t\t}(i)\n\t}\n\treturn <-ch\n}\n";
        let plain = fixes(&format!("func f(ctx context.Context, n int) int {{\n{loop_body}"));
        assert_eq!(plain, vec![vec![titled("Stop sending when ctx is done", Applicability::Unsafe)]]);
        let cancelled = fixes(&format!(
            "func f(parent context.Context, n int) int {{\n\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel()\n{loop_body}"
        ));
        assert_eq!(cancelled, vec![vec![titled("Stop sending when ctx is done", Applicability::Safe)]]);
    }

    #[test]
    fn done_fix_is_safe_only_for_a_channel_the_file_closes() {
        let producer = |owner: &str| {
            format!(
                "{owner}\n\tout := make(chan int)\n\tgo func() {{\n\t\tdefer close(out)\n\t\tfor _, x := range xs {{\n\t\t\tout <- x\n\t\t}}\n\t}}()\n\tfor {{\n\t\tselect {{\n\t\tcase v, ok := <-out:\n\t\t\tif !ok {{\n\t\t\t\treturn v\n\t\t\t}}\n\t\tcase <-done:\n\t\t\treturn 0\n\t\t}}\n\t}}\n}}\n"
            )
        };
        let unknown = fixes(&producer("func f(done <-chan struct{}, xs []int) int {"));
        assert_eq!(unknown, vec![vec![titled("Stop sending when done is closed", Applicability::Unsafe)]]);
        let closed = fixes(&format!(
            "var done = make(chan struct{{}})\n\nfunc stop() {{ close(done) }}\n\n{}",
            producer("func f(xs []int) int {")
        ));
        assert_eq!(closed, vec![vec![titled("Stop sending when done is closed", Applicability::Safe)]]);
    }

    #[test]
    fn double_send_fixes() {
        let found = fixes(
            "func f(bad bool) error {\n\tch := make(chan error)\n\tgo func() {\n\t\tif bad {\n\t\t\tch <- errors.New(\"bad\")\n\t\t}\n\t\tch <- nil\n\t}()\n\treturn <-ch\n}\n",
        );
        assert_eq!(
            found,
            vec![vec![
                titled("Buffer the channel", Applicability::Safe),
                titled("Return after the first send", Applicability::Unsafe)
            ]]
        );
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        for body in [
            "func f(xs []int) int {\n\tch := make(chan int)\n\tfor _, x := range xs {\n\t\tgo func() { ch <- x",
            "func f() {\n\tch := make(chan int)\n\tgo helper(ch\n\t<-ch\n}\nfunc helper(c chan int) { c <- ",
            "func f() {\n\tch := make(chan int)\n\tgo func() { if x { ch <- 1 }; ch <- }()\n\t<-ch\n}\n",
        ] {
            fixes(body);
        }
    }

    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&UnreceivedSend);
    }
}
