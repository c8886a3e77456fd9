//! `unsent-receive`: a goroutine waits once on a channel that the function which
//! made it can return without sending on or closing.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::ancestry::Ancestry;
use crate::analysis::callees;
use crate::analysis::channels::{self, MadeChannel, Op, Runner, Use, Uses};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct UnsentReceive;

static META: RuleMeta = RuleMeta {
    name: "unsent-receive",
    summary: "goroutine receives from a channel that its owner can return without sending on or closing",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/unsent-receive.md"),
    requires: Requires { goroutines: true, any_text: &["chan"] },
};

impl Rule for UnsentReceive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        for &func in cx.functions() {
            for chan in channels::made_channels(cx, func) {
                check_channel(cx, func, &chan, out);
            }
        }
        for &go_stmt in cx.go_statements().iter().filter(|g| cx.in_focus(**g)) {
            if let Some(starved) = callees::starved_argument(cx, go_stmt) {
                out.push(starved_finding(cx, go_stmt, &starved));
            }
        }
    }
}

/// `go audit.Await(id, make(chan struct{}))` with `Await` (in another file or
/// package) only receiving from that parameter: nobody else has the channel.
fn starved_finding(cx: &FileContext, go_stmt: Node, starved: &callees::StarvedArgument) -> Finding {
    let remote = &starved.remote;
    let param = &remote.function.params[starved.index];
    let call = go::named_children(go_stmt).into_iter().next().map_or(go_stmt.byte_range(), |c| c.byte_range());
    let callee = go::text(go::named_children(go_stmt)[0].child_by_field_name("function").unwrap_or(go_stmt), cx.source);
    let mut finding = Finding::new(
        META.name,
        META.default_severity,
        call,
        format!(
            "goroutine `{callee}` blocks forever: it receives from `{}`, a fresh channel nobody else holds, so nothing can send on or close it",
            param.name
        ),
    );
    if let Some(site) = &param.blocking_site {
        finding.related.push(crate::analysis::Related {
            path: Some(remote.function.file.to_path_buf()),
            range: site.clone(),
            message: format!("`{}` waits on `{}` here", remote.function.name, param.name),
        });
    }
    finding
}

/// A way out of the owner that does not send on or close the channel: a `return`,
/// or the closing brace when the body can run off its end.
struct Exit {
    range: std::ops::Range<usize>,
    falls_off_end: bool,
}

fn check_channel<'t>(cx: &FileContext<'t>, func: Node<'t>, chan: &MadeChannel<'t>, out: &mut Vec<Finding>) {
    let up = cx.ancestry();
    let src = cx.source;
    let Some(body) = go::body(func) else { return };
    let uses = channels::local_uses(cx, func, chan);
    if uses.escape.is_some() {
        return;
    }
    // Ranging is `range-never-closed`'s; other goroutines unblocking, or callbacks
    // doing anything, take the channel out of the owner's hands.
    let handled_elsewhere = uses.uses.iter().any(|u| {
        u.op == Op::Range
            || matches!(u.runner, Runner::Callback(_))
            || (matches!(u.runner, Runner::Goroutine(_)) && matches!(u.op, Op::Send | Op::Close))
    });
    if handled_elsewhere {
        return;
    }
    let unblocks: Vec<Node> = uses
        .uses
        .iter()
        .filter(|u| u.runner == Runner::Owner && matches!(u.op, Op::Send | Op::Close))
        .map(|u| u.site)
        .collect();
    let receiving_cases: HashSet<usize> =
        uses.of(Op::Receive).filter_map(|u| select_case(up, u.node)).map(|c| c.id()).collect();
    let mut sent_before = SentBefore::new(up, body, &unblocks);
    let receivers: Vec<(&Use, Node)> = uses
        .of(Op::Receive)
        .filter_map(|u| match u.runner {
            Runner::Goroutine(start)
                if go::contains(body, start) && waits_once(up, u, &receiving_cases) && !sent_before.start(start) =>
            {
                Some((u, start))
            }
            _ => None,
        })
        .collect();
    let Some(first_start) = receivers.iter().map(|(_, s)| *s).min_by_key(|s| s.start_byte()) else {
        return;
    };
    let missing = missing_exits(up, src, body, first_start, &Unblocks::new(&unblocks));
    if missing.is_empty() {
        return;
    }
    let name = chan.name(src);
    let owner = go::describe_function(func, src);
    let fix = signal_fix(cx, func, body, chan, &uses);
    for (recv, _) in receivers {
        let message = if unblocks.is_empty() {
            format!(
                "goroutine blocks forever on `{}`: nothing in {owner} sends on or closes `{name}`",
                text(recv.node, src)
            )
        } else {
            format!(
                "goroutine may block forever on `{}`: {owner} can return without sending on or closing `{name}` (line {})",
                text(recv.node, src),
                go::line_at(body, src, missing[0].range.start)
            )
        };
        let mut finding = Finding::new(META.name, META.default_severity, recv.node.byte_range(), message);
        if !unblocks.is_empty() {
            for exit in &missing {
                let what = if exit.falls_off_end { format!("{owner} ends here") } else { "returns".to_string() };
                finding =
                    finding.with_related(exit.range.clone(), format!("{what} without sending on or closing `{name}`"));
            }
        }
        finding = finding.with_related(chan.make.byte_range(), format!("`{name}` is made here"));
        if let Some(fix) = &fix {
            finding = finding.with_fix(fix.clone());
        }
        out.push(finding);
    }
}

/// Whether the owner sends on the channel as a plain statement before a `go`
/// statement, in its block or a block around it within the same loop iteration:
/// a semaphore (`sem <- token{}; go func() { defer func() { <-sem }() ... }()`).
/// Every goroutine started is preceded by its own value, so its receive finds one.
struct SentBefore<'a, 't> {
    up: &'a Ancestry<'t>,
    body: Node<'t>,
    /// By statement list: where the first of the owner's send statements in it ends.
    first_send_end: HashMap<usize, usize>,
    /// The answer on the way up from a node: the same for every start below it,
    /// so each node is walked through once however many starts it holds.
    known: HashMap<usize, bool>,
}

impl<'a, 't> SentBefore<'a, 't> {
    fn new(up: &'a Ancestry<'t>, body: Node<'t>, unblocks: &[Node<'t>]) -> Self {
        let mut first_send_end = HashMap::new();
        for send in unblocks.iter().filter(|u| u.kind_name() == "send_statement") {
            if let Some(list) = up.parent(*send).filter(|l| l.kind_name() == "statement_list") {
                let end = first_send_end.entry(list.id()).or_insert(send.end_byte());
                *end = (*end).min(send.end_byte());
            }
        }
        SentBefore { up, body, first_send_end, known: HashMap::new() }
    }

    fn start(&mut self, start: Node<'t>) -> bool {
        if self.first_send_end.is_empty() {
            return false;
        }
        let mut path = Vec::new();
        let mut cur = start;
        let found = loop {
            if let Some(&known) = self.known.get(&cur.id()) {
                break known;
            }
            path.push(cur.id());
            let Some(parent) = self.up.parent(cur) else { break false };
            if parent == self.body || go::is_function(parent) || go::is_loop(parent) {
                break false;
            }
            if parent.kind_name() == "statement_list"
                && self.first_send_end.get(&parent.id()).is_some_and(|&end| end <= cur.start_byte())
            {
                break true;
            }
            cur = parent;
        };
        self.known.extend(path.into_iter().map(|id| (id, found)));
        found
    }
}

/// Whether the receive is the goroutine's one blocking wait on the channel: not in
/// a loop (that is `loop-without-exit`'s or `range-never-closed`'s), and either a
/// plain receive or a `select` without `default` whose every case receives from
/// this channel.
fn waits_once<'t>(up: &Ancestry<'t>, recv: &Use, receiving_cases: &HashSet<usize>) -> bool {
    let node = recv.node;
    let Some(func) = up.enclosing_function(node) else {
        return false;
    };
    if up.in_loop_within(node, func) {
        return false;
    }
    let Some(case) = select_case(up, node) else {
        return true;
    };
    let Some(select) = up.parent(case) else {
        return false;
    };
    go::named_children(select)
        .into_iter()
        .filter(|c| matches!(c.kind_name(), "communication_case" | "default_case"))
        .all(|c| c.kind_name() == "communication_case" && receiving_cases.contains(&c.id()))
}

/// The select case whose communication is this receive.
fn select_case<'t>(up: &Ancestry<'t>, recv: Node<'t>) -> Option<Node<'t>> {
    let mut cur = up.parent(recv)?;
    if cur.kind_name() == "receive_statement" {
        cur = up.parent(cur)?;
    }
    (cur.kind_name() == "communication_case").then_some(cur)
}

/// The exits of the owner after `start` that no send or close (an `unblocks` site)
/// precedes on their way.
fn missing_exits<'t>(up: &Ancestry<'t>, src: &str, body: Node<'t>, start: Node<'t>, unblocks: &Unblocks) -> Vec<Exit> {
    let mut exits = Vec::new();
    let mut covered_above = HashMap::new();
    go::walk_own(body, |n| {
        if n.kind_name() == "return_statement"
            && n.start_byte() > start.end_byte()
            && !covered(up, n, body, unblocks, &mut covered_above)
        {
            exits.push(Exit { range: n.byte_range(), falls_off_end: false });
        }
    });
    let list = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list");
    let statements: Vec<Node> = list
        .map(|l| go::named_children(l).into_iter().filter(|s| s.kind_name() != "comment").collect())
        .unwrap_or_default();
    let ends = statements.last().is_some_and(|s| terminates(*s, src));
    if !ends && !statements.iter().any(|s| always_unblocks(*s, unblocks)) {
        let close = body.end_byte().saturating_sub(1);
        exits.push(Exit { range: close..body.end_byte(), falls_off_end: true });
    }
    exits
}

/// Whether a send or close is certain to have run before `exit` is reached: one
/// of the statements before it, at any level of nesting up to the body, always
/// unblocks, or the exit itself holds it (`return notify(ch)`). The answer on
/// the way up from a node is the same for every exit below it: `covered_above`
/// keeps it, so each node is walked through once however many exits it holds.
fn covered<'t>(
    up: &Ancestry<'t>,
    exit: Node<'t>,
    body: Node<'t>,
    unblocks: &Unblocks,
    covered_above: &mut HashMap<usize, bool>,
) -> bool {
    if unblocks.inside(exit) {
        return true;
    }
    let mut path = Vec::new();
    let mut cur = exit;
    let found = loop {
        if cur == body {
            break false;
        }
        if let Some(&known) = covered_above.get(&cur.id()) {
            break known;
        }
        path.push(cur.id());
        let Some(parent) = up.parent(cur) else {
            break false;
        };
        if parent.kind_name() == "statement_list"
            && go::named_children(parent).into_iter().take_while(|p| *p != cur).any(|p| always_unblocks(p, unblocks))
        {
            break true;
        }
        // `case ch <- v: return`: the case's own send ran.
        if parent.kind_name() == "communication_case"
            && parent.child_by_field_name("communication").is_some_and(|c| unblocks.is(c))
        {
            break true;
        }
        cur = parent;
    };
    covered_above.extend(path.into_iter().map(|id| (id, found)));
    found
}

/// The sites that send on or close the channel, for asking which statements
/// hold one without looking at each.
struct Unblocks {
    /// Their byte ranges, by start.
    ranges: Vec<std::ops::Range<usize>>,
    ids: HashSet<usize>,
}

impl Unblocks {
    fn new(sites: &[Node]) -> Self {
        let mut ranges: Vec<_> = sites.iter().map(|s| s.byte_range()).collect();
        ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        Unblocks { ranges, ids: sites.iter().map(|s| s.id()).collect() }
    }

    fn is(&self, node: Node) -> bool {
        self.ids.contains(&node.id())
    }

    /// Whether one of the sites lies inside `node`.
    fn inside(&self, node: Node) -> bool {
        let from = self.ranges.partition_point(|r| r.start < node.start_byte());
        // Sites are nodes: those starting inside `node` lie inside it, but for
        // ones around it starting at the same byte (tried first, being longer).
        self.ranges[from..].iter().take_while(|r| r.start <= node.end_byte()).any(|r| r.end <= node.end_byte())
    }
}

/// Whether running the statement always sends on or closes the channel. Loops
/// count when they hold a send: we assume they run (an empty loop is a leak we
/// do not claim). Calls into functions that send count as sending.
fn always_unblocks(stmt: Node, unblocks: &Unblocks) -> bool {
    let holds = |n: Node| unblocks.inside(n);
    let list_unblocks = |n: Node| {
        go::named_children(n)
            .into_iter()
            .find(|c| c.kind_name() == "statement_list")
            .is_some_and(|l| go::named_children(l).into_iter().any(|s| always_unblocks(s, unblocks)))
    };
    match stmt.kind_name() {
        "send_statement"
        | "expression_statement"
        | "defer_statement"
        | "short_var_declaration"
        | "assignment_statement"
        | "for_statement" => holds(stmt),
        "block" => list_unblocks(stmt),
        "labeled_statement" => stmt.named_children(&mut stmt.walk()).any(|s| always_unblocks(s, unblocks)),
        "if_statement" => {
            let init = stmt.child_by_field_name("initializer").is_some_and(holds);
            let then = stmt.child_by_field_name("consequence").is_some_and(|c| always_unblocks(c, unblocks));
            let otherwise = stmt.child_by_field_name("alternative").is_some_and(|a| always_unblocks(a, unblocks));
            init || (then && otherwise)
        }
        "select_statement" | "expression_switch_statement" | "type_switch_statement" => {
            let cases: Vec<Node> = go::named_children(stmt)
                .into_iter()
                .filter(|c| {
                    matches!(c.kind_name(), "communication_case" | "default_case" | "expression_case" | "type_case")
                })
                .collect();
            let exhaustive =
                stmt.kind_name() == "select_statement" || cases.iter().any(|c| c.kind_name() == "default_case");
            let unblocking = |c: &Node| {
                c.child_by_field_name("communication").is_some_and(|comm| unblocks.is(comm)) || list_unblocks(*c)
            };
            // A case sending on another channel is no way of giving up (as `ctx.Done()`,
            // a timer or `default` are): we assume the send on this channel is the one taken.
            let other_send = |c: &Node| {
                c.child_by_field_name("communication").is_some_and(|comm| comm.kind_name() == "send_statement")
            };
            exhaustive && cases.iter().any(unblocking) && cases.iter().all(|c| unblocking(c) || other_send(c))
        }
        _ => false,
    }
}

/// Whether control cannot run past the statement: a `return`, a call that ends
/// the goroutine, a loop with no way out, or an `if`/`else` whose branches all end.
fn terminates(stmt: Node, src: &str) -> bool {
    match stmt.kind_name() {
        "return_statement" | "goto_statement" => true,
        "expression_statement" => stmt.named_child(0).is_some_and(|c| go::is_exiting_call(c, src)),
        "for_statement" => go::loop_never_exits(stmt, src),
        "block" => go::named_children(stmt)
            .into_iter()
            .find(|c| c.kind_name() == "statement_list")
            .and_then(|l| go::named_children(l).into_iter().rev().find(|s| s.kind_name() != "comment"))
            .is_some_and(|last| terminates(last, src)),
        "if_statement" => {
            stmt.child_by_field_name("consequence").is_some_and(|c| terminates(c, src))
                && stmt.child_by_field_name("alternative").is_some_and(|a| terminates(a, src))
        }
        _ => false,
    }
}

/// GFix strategy II for signal channels: `defer close(ch)` right after the
/// `make`, in place of the sends and closes that each end the function.
fn signal_fix(cx: &FileContext, func: Node, body: Node, chan: &MadeChannel, uses: &Uses) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let name = chan.name(src);
    if !matches!(chan.element_type(src).map(|t| t.replace(' ', "")).as_deref(), Some("struct{}" | "bool")) {
        return None;
    }
    // Receivers that use the value would see `false`/zero from a close instead of the sent value.
    if uses.of(Op::Receive).any(|r| !discards_value(up, r.node)) {
        return None;
    }
    let unblocks: Vec<&Use> = uses.uses.iter().filter(|u| matches!(u.op, Op::Send | Op::Close)).collect();
    if unblocks.is_empty()
        || up.in_loop_within(chan.statement, body)
        || up.parent(chan.statement).is_none_or(|p| p.kind_name() != "statement_list")
    {
        return None;
    }
    let mut edits = Vec::new();
    for u in &unblocks {
        if !u.directly_in(up, func) {
            return None;
        }
        let stmt = match u.op {
            Op::Send if is_signal_value(u.node, src) => u.node,
            Op::Close => up.parent(u.node).filter(|p| p.kind_name() == "expression_statement")?,
            _ => return None,
        };
        // Deleting the only statement of a branch would leave an empty `if` behind.
        let alone_in_block = stmt
            .parent()
            .is_some_and(|l| go::named_children(l).iter().filter(|s| s.kind_name() != "comment").count() == 1);
        if !last_before_return(up, stmt, body)
            || (alone_in_block && up.parent(stmt).and_then(|l| up.parent(l)) != Some(body))
        {
            return None;
        }
        edits.push(TextEdit::replace(whole_lines(src, stmt)?, ""));
    }
    let at = go::after_statement_line(src, chan.statement)?;
    let indent = go::indent_at(src, chan.statement.start_byte());
    edits.push(TextEdit::insert(at, format!("{indent}defer close({name})\n")));
    // Defers registered after the make would now run before the close instead of after the signal.
    let mut later_defer = false;
    go::walk_own(body, |n| {
        later_defer |= n.kind_name() == "defer_statement" && n.start_byte() > chan.statement.end_byte()
    });
    // On the paths that used to leak, the receiver now goes on past its receive:
    // harmless only when all it does then is return (running its defers).
    let receivers_just_return =
        uses.of(Op::Receive).all(|r| matches!(r.runner, Runner::Goroutine(_)) && ends_its_function(up, r.node));
    Some(Fix {
        title: format!("Close `{name}` when {} returns", go::describe_function(func, src)),
        edits,
        applicability: if later_defer || !receivers_just_return { Applicability::Unsafe } else { Applicability::Safe },
    })
}

/// Whether the receive is the last thing its function does: a statement (or a
/// `select` with empty cases) at the end of the function body, followed by
/// nothing but a bare `return`.
fn ends_its_function<'t>(up: &Ancestry<'t>, recv: Node<'t>) -> bool {
    let stmt = match select_case(up, recv) {
        Some(case) => {
            let empty = go::named_children(case).iter().all(|c| c.kind_name() != "statement_list");
            match up.parent(case) {
                Some(select) if empty => select,
                _ => return false,
            }
        }
        None => match up.parent(recv) {
            Some(p) if p.kind_name() == "expression_statement" => p,
            _ => return false,
        },
    };
    let in_body = stmt
        .parent()
        .and_then(|l| up.parent(l))
        .zip(up.enclosing_function(stmt))
        .is_some_and(|(block, f)| go::body(f) == Some(block));
    let mut next = go::next_statement(stmt);
    while let Some(n) = next {
        if n.kind_name() != "return_statement" || n.named_child_count() > 0 {
            return false;
        }
        next = go::next_statement(n);
    }
    in_body
}

/// `<-ch` as a statement or as `case <-ch:`.
fn discards_value<'t>(up: &Ancestry<'t>, recv: Node<'t>) -> bool {
    match up.parent(recv) {
        Some(p) if p.kind_name() == "expression_statement" => true,
        Some(p) if p.kind_name() == "receive_statement" => p.child_by_field_name("left").is_none(),
        _ => false,
    }
}

/// `ch <- struct{}{}`, `ch <- true`, `ch <- false`: a send whose value says nothing
/// and costs nothing to drop.
fn is_signal_value(send: Node, src: &str) -> bool {
    let value = send.child_by_field_name("value").map(|v| text(v, src).replace(' ', ""));
    matches!(value.as_deref(), Some("struct{}{}" | "true" | "false"))
}

/// Whether only `return`s without calls follow `stmt` at every level up to the
/// body, through blocks and `if` branches only (so it runs once, at the end).
fn last_before_return<'t>(up: &Ancestry<'t>, stmt: Node<'t>, body: Node<'t>) -> bool {
    let mut cur = stmt;
    while cur != body {
        let Some(parent) = up.parent(cur) else {
            return false;
        };
        // `if cond { ch <- x }` is last only when nothing but returns follows the `if`.
        match parent.kind_name() {
            "statement_list" => {
                let mut next = go::next_statement(cur);
                while let Some(n) = next {
                    let has_call = !go::descendants_of_kind(n, "call_expression").is_empty();
                    if n.kind_name() != "return_statement" || has_call {
                        return false;
                    }
                    next = go::next_statement(n);
                }
            }
            "block" | "if_statement" => {}
            _ => return false,
        }
        cur = parent;
    }
    true
}

/// The full lines holding `stmt`, when nothing else shares them.
fn whole_lines(src: &str, stmt: Node) -> Option<std::ops::Range<usize>> {
    let start = go::line_start(src, stmt.start_byte());
    let end = go::line_end(src, stmt.end_byte().saturating_sub(1));
    let alone = src[start..stmt.start_byte()].trim().is_empty() && src[stmt.end_byte()..end].trim().is_empty();
    alone.then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::{check_every_prefix, check_source};

    fn applicability(src: &str) -> Option<Applicability> {
        let findings = check_source(&UnsentReceive, src);
        assert_eq!(findings.len(), 1, "{findings:?}");
        findings[0].fixes.first().map(|f| f.applicability)
    }

    fn owner(receiver: &str, before_make: &str, after_make: &str) -> String {
        format!(
            "package p\nfunc f(ok bool) error {{\n{before_make}\tdone := make(chan struct{{}})\n{after_make}\tgo func() {{\n{receiver}\t}}()\n\tif !ok {{\n\t\treturn nil\n\t}}\n\tclose(done)\n\treturn nil\n}}\n"
        )
    }

    #[test]
    fn the_close_fix_is_safe_only_when_the_receiver_just_returns() {
        assert_eq!(applicability(&owner("\t\tdefer cleanup()\n\t\t<-done\n", "", "")), Some(Applicability::Safe));
        assert_eq!(applicability(&owner("\t\t<-done\n\t\tcleanup()\n", "", "")), Some(Applicability::Unsafe));
        assert_eq!(applicability(&owner("\t\tselect {\n\t\tcase <-done:\n\t\t}\n", "", "")), Some(Applicability::Safe));
        // A defer registered after the make would now run before the close.
        assert_eq!(applicability(&owner("\t\t<-done\n", "", "\tdefer unlock()\n")), Some(Applicability::Unsafe));
        assert_eq!(applicability(&owner("\t\t<-done\n", "\tdefer unlock()\n", "")), Some(Applicability::Safe));
    }

    #[test]
    fn no_fix_when_a_send_is_not_last() {
        let src = "package p\nfunc f(ok bool) {\n\tdone := make(chan struct{})\n\tgo func() {\n\t\t<-done\n\t}()\n\tif !ok {\n\t\treturn\n\t}\n\tdone <- struct{}{}\n\tlog()\n}\n";
        assert_eq!(applicability(src), None);
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        check_every_prefix(&UnsentReceive, include_str!("../../../testdata/rules/unsent-receive/signals.go"));
        check_every_prefix(&UnsentReceive, include_str!("../../../testdata/rules/unsent-receive/safe.go"));
    }
}
