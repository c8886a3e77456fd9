//! `range-never-closed`: a loop that only ends when a channel is closed
//! (`for v := range ch`, or `v, ok := <-ch` with `if !ok { return }`), over a
//! channel that nothing closes.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::ancestry::Ancestry;
use crate::analysis::callees;
use crate::analysis::channels::{self, MadeChannel, Op, Runner, Use, Uses};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};
use crate::semantic::{OpKind, Value};

pub struct RangeNeverClosed;

static META: RuleMeta = RuleMeta {
    name: "range-never-closed",
    summary: "loop ranges over (or receives until close from) a channel that nothing closes",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/range-never-closed.md"),
    requires: Requires { goroutines: false, any_text: &["chan"] },
};

impl Rule for RangeNeverClosed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let up = cx.ancestry();
        for &func in cx.functions() {
            for chan in channels::made_channels(cx, func) {
                check_local(cx, func, &chan, out);
            }
        }
        check_fields(cx, out);
        for &go_stmt in cx.go_statements().iter().filter(|g| cx.in_focus(**g)) {
            let Some(owner) = up.enclosing_function(go_stmt) else { continue };
            if let Some(unclosed) = callees::unclosed_range(cx, owner, go_stmt) {
                out.push(remote_finding(cx, owner, go_stmt, &unclosed));
            }
        }
    }
}

/// Channel fields of the file's struct types that their methods range over or
/// wait on until closed, while nothing in the file closes them.
fn check_fields(cx: &FileContext, out: &mut Vec<Finding>) {
    let fields = chan_fields(cx);
    if fields.is_empty() {
        return;
    }
    let methods = methods_by_receiver_type(cx);
    let methods_of = |type_name: &str| methods.get(type_name).map_or(&[][..], Vec::as_slice);
    let key = |f: &ChanField| (f.type_name.to_string(), f.field.to_string());
    let wanted: HashSet<(&str, &str)> = fields.iter().map(|f| (f.type_name, f.field)).collect();
    let mut sites = field_sites(cx, &wanted);
    let names: HashSet<&str> = fields.iter().filter(|f| sites.contains_key(&key(f))).map(|f| f.field).collect();
    let uses = field_uses(cx.ancestry(), cx.tree.root_node(), cx.source, &names);
    for field in &fields {
        if let Some(sites) = sites.remove(&key(field))
            && matches!(uses.get(field.field), Some(FieldUse::Followed))
        {
            check_field(cx, field, methods_of(field.type_name), sites, out);
        }
    }
}

/// `go queue.Drain(jobs)` with `Drain` (another file or package) ranging over its
/// parameter until it is closed, while the function that made `jobs` never closes it.
fn remote_finding(cx: &FileContext, owner: Node, go_stmt: Node, unclosed: &callees::UnclosedRange) -> Finding {
    let up = cx.ancestry();
    let src = cx.source;
    let remote = &unclosed.remote;
    let param = &remote.function.params[unclosed.index];
    let call = go::named_children(go_stmt).into_iter().next().map_or(go_stmt.byte_range(), |c| c.byte_range());
    let callee = go::text(go::named_children(go_stmt)[0].child_by_field_name("function").unwrap_or(go_stmt), src);
    let mut finding = Finding::new(
        META.name,
        META.default_severity,
        call,
        format!(
            "goroutine `{callee}` ranges over `{}` until it is closed, and nothing closes `{}`: the goroutine never ends",
            unclosed.name, unclosed.name
        ),
    )
    .with_related(unclosed.make.byte_range(), format!("`{}` is made here", unclosed.name));
    if let Some(site) = &param.blocking_site {
        finding.related.push(crate::analysis::Related {
            path: Some(remote.function.file.to_path_buf()),
            range: site.clone(),
            message: format!("`{}` ranges over `{}` here", remote.function.name, param.name),
        });
    }
    // One producer, the owner itself: closing when it returns ends the range after the last value.
    if unclosed.single_producer
        && let Some(stmt) = go::statement_of(unclosed.make)
        && let Some(at) = go::after_statement_line(src, stmt)
    {
        let in_loop = up.in_loop_within(stmt, go::body(owner).unwrap_or(owner));
        finding = finding.with_fix(Fix {
            title: format!(
                "Close `{}` when `{}` returns",
                unclosed.name,
                go::function_name(owner, src).unwrap_or("the function")
            ),
            edits: vec![TextEdit::insert(
                at,
                format!("{}defer close({})\n", go::indent_at(src, stmt.start_byte()), unclosed.name),
            )],
            applicability: if in_loop { Applicability::Unsafe } else { Applicability::Safe },
        });
    }
    finding
}

/// The loop that runs until the channel operation `op` (a `range_clause` or a
/// `<-ch` receive) sees the channel closed, when closing is its only way out:
/// a `for range` whose body never leaves, or a `for { ... }` whose every exit is
/// guarded by `if !ok` on `v, ok := <-ch`. A body that can leave another way
/// (a sentinel value, a count, a `ctx.Done()` case) is not such a loop.
fn loop_ended_only_by_close<'t>(up: &Ancestry<'t>, op: Node<'t>, src: &str) -> Option<Node<'t>> {
    if op.kind_name() == "range_clause" {
        let for_stmt = up.parent(op)?;
        return go::loop_exits_with(for_stmt, src, &|n| up.parent(n)).is_empty().then_some(for_stmt);
    }
    let ok = ok_name(up, op, src)?;
    let mut cur = up.parent(op);
    let for_stmt = loop {
        let n = cur?;
        if go::is_function(n) {
            return None;
        }
        if go::is_loop(n) {
            break n;
        }
        cur = up.parent(n);
    };
    let has_header =
        go::named_children(for_stmt).iter().any(|c| c.kind_name() != "block" && c.kind_name() != "comment");
    let exits = go::loop_exits_with(for_stmt, src, &|n| up.parent(n));
    let all_guarded = exits.iter().all(|e| guarded_by_not(up, *e, for_stmt, src, ok));
    (!has_header && !exits.is_empty() && all_guarded).then_some(for_stmt)
}

/// For `v, ok := <-ch` (a declaration, an assignment or a select case), `ok`.
fn ok_name<'s, 't>(up: &Ancestry<'t>, recv: Node<'t>, src: &'s str) -> Option<&'s str> {
    let list = up.parent(recv)?;
    let holder = if list.kind_name() == "expression_list" { up.parent(list)? } else { list };
    if !matches!(holder.kind_name(), "short_var_declaration" | "assignment_statement" | "receive_statement") {
        return None;
    }
    let right = holder.child_by_field_name("right").map(go::unparen)?;
    if right != recv && go::named_children(right) != [recv] {
        return None;
    }
    let left = go::named_children(holder.child_by_field_name("left")?);
    match left.as_slice() {
        [_, ok] if ok.kind_name() == "identifier" && text(*ok, src) != "_" => Some(text(*ok, src)),
        _ => None,
    }
}

/// Whether `exit` sits in an `if !ok { ... }` inside `within`.
fn guarded_by_not<'t>(up: &Ancestry<'t>, exit: Node<'t>, within: Node<'t>, src: &str, ok: &str) -> bool {
    let mut cur = up.parent(exit);
    while let Some(n) = cur {
        if n == within {
            return false;
        }
        if n.kind_name() == "if_statement"
            && n.child_by_field_name("consequence").is_some_and(|c| go::contains(c, exit))
        {
            let cond = n.child_by_field_name("condition").map(go::unparen);
            let negated = cond.filter(|c| {
                c.kind_name() == "unary_expression"
                    && c.child_by_field_name("operator").is_some_and(|o| o.kind_name() == "!")
            });
            if negated
                .and_then(|c| c.child_by_field_name("operand"))
                .is_some_and(|o| go::is_ident(go::unparen(o), src, ok))
            {
                return true;
            }
        }
        cur = up.parent(n);
    }
    false
}

/// A use of the channel that waits for it to be closed, and its loop.
struct Wait<'t> {
    by: Use<'t>,
    loop_stmt: Node<'t>,
}

fn check_local<'t>(cx: &FileContext<'t>, func: Node<'t>, chan: &MadeChannel<'t>, out: &mut Vec<Finding>) {
    let up = cx.ancestry();
    let src = cx.source;
    let uses = channels::local_uses(cx, func, chan);
    if uses.escape.is_some() || uses.of(Op::Close).next().is_some() {
        return;
    }
    let waits: Vec<Wait> = uses
        .uses
        .iter()
        .filter(|u| matches!(u.op, Op::Range | Op::Receive))
        .filter_map(|u| loop_ended_only_by_close(up, u.node, src).map(|loop_stmt| Wait { by: *u, loop_stmt }))
        .collect();
    if waits.is_empty() {
        return;
    }
    let name = chan.name(src);
    let fix = close_fix(cx, func, chan, &uses, &waits);
    for wait in &waits {
        let message = match (wait.by.op, wait.by.runner) {
            (Op::Range, Runner::Owner) => {
                format!("`for range {name}` never ends: nothing closes `{name}`")
            }
            (Op::Range, _) => format!("goroutine ranges over `{name}` forever: nothing closes it"),
            _ => format!("goroutine waits for `{name}` to be closed, but nothing closes it"),
        };
        let range = finding_range(wait);
        let mut finding = Finding::new(META.name, META.default_severity, range, message)
            .with_related(chan.make.byte_range(), format!("`{name}` is made here and never closed"));
        for send in uses.of(Op::Send) {
            finding = finding.with_related(send.site.byte_range(), format!("sends on `{name}` here"));
        }
        if let Some(fix) = &fix {
            finding = finding.with_fix(fix.clone());
        }
        out.push(finding);
    }
}

/// The loop header for a range (`for v := range ch`), the receive for a
/// receive loop: where a goroutine dump shows the goroutine parked.
fn finding_range(wait: &Wait) -> std::ops::Range<usize> {
    match wait.by.op {
        Op::Range => wait.loop_stmt.start_byte()..wait.by.node.end_byte(),
        _ => wait.by.node.byte_range(),
    }
}

/// Close the channel where its single producer is done with it.
fn close_fix(cx: &FileContext, func: Node, chan: &MadeChannel, uses: &Uses, waits: &[Wait]) -> Option<Fix> {
    let up = cx.ancestry();
    let sends: Vec<&Use> = uses.of(Op::Send).collect();
    if sends.iter().all(|s| s.directly_in(up, func)) {
        return owner_close_fix(cx, func, chan, uses, waits);
    }
    producer_close_fix(cx, func, uses, waits)
}

/// The function that made the channel is its only sender: close it before the
/// function waits for the consumers, or when it returns.
fn owner_close_fix(cx: &FileContext, func: Node, chan: &MadeChannel, uses: &Uses, waits: &[Wait]) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let name = chan.name(src);
    let list = up.parent(chan.statement).filter(|p| p.kind_name() == "statement_list")?;
    let body = go::body(func)?;
    // Where the consumers start: their `go` statement, or the call or loop in this function.
    let started = waits
        .iter()
        .map(|w| match w.by.runner {
            Runner::Goroutine(start) if go::contains(body, start) => start.start_byte(),
            _ => w.by.site.start_byte(),
        })
        .min()?;
    let owner_waits: Vec<Node> = waits.iter().filter(|w| w.by.runner == Runner::Owner).map(|w| w.by.site).collect();
    let sends: Vec<&Use> = uses.of(Op::Send).collect();
    let send_nodes: Vec<Node> = sends.iter().map(|s| s.node).collect();
    let later: Vec<Node> =
        go::named_children(list).into_iter().filter(|s| s.start_byte() > chan.statement.start_byte()).collect();
    let waiting = later
        .iter()
        .copied()
        .find(|s| s.end_byte() > started && waits_on_something(*s, src, &owner_waits, &send_nodes));
    if let Some(wait_stmt) = waiting {
        // Close once every send is done: all of them must come before the wait.
        if sends.iter().any(|s| s.node.end_byte() > wait_stmt.start_byte())
            || go::line_start(src, wait_stmt.start_byte()) + go::indent_at(src, wait_stmt.start_byte()).len()
                != wait_stmt.start_byte()
        {
            return None;
        }
        let mut early_return = false;
        go::walk_own(body, |n| {
            early_return |= n.kind_name() == "return_statement"
                && n.start_byte() > chan.statement.end_byte()
                && n.end_byte() <= wait_stmt.start_byte();
        });
        let indent = go::indent_at(src, wait_stmt.start_byte());
        return Some(Fix {
            title: format!("Close `{name}` after the last send"),
            edits: vec![TextEdit::insert(
                go::line_start(src, wait_stmt.start_byte()),
                format!("{indent}close({name})\n"),
            )],
            // A return before the wait skips the close: the fix is then partial and needs a look.
            applicability: if early_return { Applicability::Unsafe } else { Applicability::Safe },
        });
    }
    let at = go::after_statement_line(src, chan.statement)?;
    let indent = go::indent_at(src, chan.statement.start_byte());
    // In a loop, a deferred close runs when the function returns, not per iteration.
    let in_loop = up.in_loop_within(chan.statement, body);
    Some(Fix {
        title: format!("Close `{name}` when {} returns", go::describe_function(func, src)),
        edits: vec![TextEdit::insert(at, format!("{indent}defer close({name})\n"))],
        applicability: if in_loop { Applicability::Unsafe } else { Applicability::Safe },
    })
}

/// Whether the statement, in the owner's own goroutine, waits for something: a
/// `Wait()` call, a receive, a `select`, or one of the owner's own loops over the
/// channel (`owner_waits`). A `select` that sends on the channel (`sends`) is
/// the producer at work, not a wait.
fn waits_on_something(stmt: Node, src: &str, owner_waits: &[Node], sends: &[Node]) -> bool {
    if owner_waits.iter().any(|w| go::contains(stmt, *w)) {
        return true;
    }
    let mut found = false;
    go::walk(stmt, |n| {
        if found || n.kind_name() == "func_literal" {
            return go::Walk::SkipChildren;
        }
        if n.kind_name() == "select_statement" && sends.iter().any(|s| go::contains(n, *s)) {
            return go::Walk::SkipChildren;
        }
        found = match n.kind_name() {
            "select_statement" => true,
            "call_expression" => n
                .child_by_field_name("function")
                .filter(|f| f.kind_name() == "selector_expression")
                .and_then(|f| f.child_by_field_name("field"))
                .is_some_and(|f| text(f, src) == "Wait"),
            _ => go::receive_operand(n).is_some(),
        };
        go::Walk::Continue
    });
    found
}

/// One goroutine literal does all the sending: it closes the channel when it returns.
fn producer_close_fix(cx: &FileContext, func: Node, uses: &Uses, waits: &[Wait]) -> Option<Fix> {
    let up = cx.ancestry();
    let src = cx.source;
    let sends: Vec<&Use> = uses.of(Op::Send).collect();
    let Runner::Goroutine(start) = sends.first()?.runner else {
        return None;
    };
    if sends.iter().any(|s| s.runner != Runner::Goroutine(start))
        || waits.iter().any(|w| w.by.runner == Runner::Goroutine(start))
    {
        return None;
    }
    // Started once: a producer started per iteration would close the channel once per goroutine.
    if up.in_loop_within(start, go::body(func)?) {
        return None;
    }
    let lit = channels::started_function(up, src, start).filter(|f| f.kind_name() == "func_literal")?;
    let inner = sends[0].node.child_by_field_name("channel").map(|c| text(c, src))?;
    if sends
        .iter()
        .any(|s| !s.directly_in(up, lit) || s.node.child_by_field_name("channel").map(|c| text(c, src)) != Some(inner))
    {
        return None;
    }
    let block = go::body(lit)?;
    let open_line_end = go::line_end(src, block.start_byte());
    // `get`: a block tree-sitter had to invent (MISSING) may not start with `{`.
    if open_line_end > block.end_byte() || !src.get(block.start_byte() + 1..open_line_end)?.trim().is_empty() {
        return None;
    }
    let first = go::named_children(block).into_iter().next()?;
    let indent = go::indent_at(src, first.start_byte());
    // Receivers that take one value would now get a zero value instead of blocking.
    let wait_nodes: Vec<Node> = waits.iter().map(|w| w.by.node).collect();
    let single_receives = uses.of(Op::Receive).any(|r| !wait_nodes.contains(&r.node));
    Some(Fix {
        title: format!("Close `{inner}` when the producer goroutine returns"),
        edits: vec![TextEdit::insert(open_line_end, format!("{indent}defer close({inner})\n"))],
        applicability: if single_receives { Applicability::Unsafe } else { Applicability::Safe },
    })
}

/// A channel-typed field of a struct type declared in this file.
struct ChanField<'t> {
    type_name: &'t str,
    field: &'t str,
    decl: Node<'t>,
}

fn chan_fields<'t>(cx: &FileContext<'t>) -> Vec<ChanField<'t>> {
    let src = cx.source;
    let mut out = Vec::new();
    for spec in cx.type_specs() {
        let (Some(name), Some(ty)) = (spec.child_by_field_name("name"), spec.child_by_field_name("type")) else {
            continue;
        };
        if ty.kind_name() != "struct_type" || spec.child_by_field_name("type_parameters").is_some() {
            continue;
        }
        for decl in go::descendants_of_kind(ty, "field_declaration") {
            if decl.child_by_field_name("type").is_none_or(|t| t.kind_name() != "channel_type") {
                continue;
            }
            let mut cursor = decl.walk();
            for field in decl.children_by_field_name("name", &mut cursor) {
                out.push(ChanField { type_name: text(name, src), field: text(field, src), decl: field });
            }
        }
    }
    out
}

/// The base type name of a method's receiver: `T` for `(t *T)` and `(t T)`.
fn receiver_type<'s>(method: Node, src: &'s str) -> Option<&'s str> {
    let ty = go::receiver(method, src)?.ty;
    Some(ty.trim_start_matches('*').split('[').next().unwrap_or(ty).trim())
}

/// How the file treats `x.field` for every `x`.
enum FieldUse {
    /// Only sent on, received from, ranged over, measured, or given a fresh `make`.
    Followed,
    /// Closed somewhere.
    Closed,
    /// Aliased, passed on, returned or set from elsewhere: someone may close it.
    Unknown,
}

/// How the file treats `x.name` for each of `names`: only the places where
/// the name is written are looked at, not the whole tree.
fn field_uses<'f>(up: &Ancestry, root: Node, src: &str, names: &HashSet<&'f str>) -> HashMap<&'f str, FieldUse> {
    let mut uses = HashMap::new();
    for &name in names {
        let mut result = FieldUse::Followed;
        for at in go::word_occurrences(src, name) {
            let Some(ident) = root.descendant_for_byte_range(at, at + name.len()) else { continue };
            let Some(parent) = up.parent(ident) else { continue };
            let verdict = match (ident.kind_name(), parent.kind_name()) {
                ("field_identifier", "selector_expression") if parent.child_by_field_name("field") == Some(ident) => {
                    selector_use(up, parent, src)
                }
                // `T{name: v}`: the key holds the name as its first child.
                ("identifier", _) => match up.parent(parent) {
                    Some(keyed)
                        if keyed.kind_name() == "keyed_element"
                            && keyed.child_by_field_name("key") == Some(parent)
                            && go::named_children(parent).first() == Some(&ident) =>
                    {
                        keyed_use(keyed, src)
                    }
                    _ => continue,
                },
                _ => continue,
            };
            match verdict {
                FieldUse::Closed => result = FieldUse::Closed,
                FieldUse::Unknown if !matches!(result, FieldUse::Closed) => result = FieldUse::Unknown,
                _ => {}
            }
        }
        uses.insert(name, result);
    }
    uses
}

fn keyed_use(keyed: Node, src: &str) -> FieldUse {
    let value = keyed.child_by_field_name("value").and_then(|v| go::named_children(v).into_iter().next());
    if value.is_some_and(|v| channels::is_chan_make(go::unparen(v), src)) {
        FieldUse::Followed
    } else {
        FieldUse::Unknown
    }
}

fn selector_use<'t>(up: &Ancestry<'t>, sel: Node<'t>, src: &str) -> FieldUse {
    let Some(parent) = up.parent(sel) else {
        return FieldUse::Unknown;
    };
    match parent.kind_name() {
        "send_statement" if parent.child_by_field_name("channel") == Some(sel) => FieldUse::Followed,
        "range_clause" if parent.child_by_field_name("right") == Some(sel) => FieldUse::Followed,
        "unary_expression" if go::receive_operand(parent) == Some(sel) => FieldUse::Followed,
        // A method call on the channel's holder (`x.field.Method`) cannot happen: channels have none.
        "selector_expression" => FieldUse::Followed,
        "argument_list" => match up.parent(parent).and_then(|c| go::callee(c, src)) {
            Some((None, "close")) => FieldUse::Closed,
            Some((None, "len" | "cap")) => FieldUse::Followed,
            _ => FieldUse::Unknown,
        },
        "expression_list" => {
            let Some(assign) = up.parent(parent).filter(|a| a.kind_name() == "assignment_statement") else {
                return FieldUse::Unknown;
            };
            if assign.child_by_field_name("left") != Some(parent) {
                return FieldUse::Unknown;
            }
            let lefts = go::named_children(parent);
            let rights = assign.child_by_field_name("right").map(go::named_children).unwrap_or_default();
            let i = lefts.iter().position(|l| *l == sel);
            match i.and_then(|i| rights.get(i)).filter(|_| lefts.len() == rights.len()) {
                Some(value) if channels::is_chan_make(go::unparen(*value), src) => FieldUse::Followed,
                _ => FieldUse::Unknown,
            }
        }
        _ => FieldUse::Unknown,
    }
}

/// Names of methods that shut a value down and so should close what its goroutines range over.
fn is_shutdown_method(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "stop" | "close" | "shutdown" | "quit" | "terminate" | "halt")
}

/// The file's methods by the base name of their receiver type: looked up once
/// per file, not once per channel field (that was quadratic in the file's size).
fn methods_by_receiver_type<'t>(cx: &FileContext<'t>) -> HashMap<&'t str, Vec<Node<'t>>> {
    let mut methods: HashMap<&str, Vec<Node>> = HashMap::new();
    for method in go::named_children(cx.tree.root_node()).into_iter().filter(|m| m.kind_name() == "method_declaration")
    {
        if let Some(ty) = receiver_type(method, cx.source) {
            methods.entry(ty).or_default().push(method);
        }
    }
    methods
}

/// The ranges and receives on `wanted` channel fields (by type and field name)
/// of a method's receiver, in loops ended only by a close, found among the
/// package model's operations of this file: a walk of every method was a walk
/// of most of the file on every edit.
fn field_sites<'t>(
    cx: &FileContext<'t>,
    wanted: &HashSet<(&str, &str)>,
) -> HashMap<(String, String), Vec<(Node<'t>, Node<'t>)>> {
    let up = cx.ancestry();
    let root = cx.tree.root_node();
    let pkg = cx.package_model();
    let facts = &pkg.files[cx.model_file() as usize];
    let mut sites: HashMap<(String, String), Vec<(Node, Node)>> = HashMap::new();
    for op in &facts.ops {
        let kind = match op.kind {
            OpKind::Range => "range_clause",
            OpKind::Receive { .. } => "unary_expression",
            _ => continue,
        };
        let Value::Select(base, field) = &op.target else { continue };
        let Value::Local(receiver) = **base else { continue };
        let method = &facts.functions[receiver.func.func as usize];
        let Some(type_name) = method.receiver_type.as_deref().filter(|_| method.has_receiver && receiver.local == 0)
        else {
            continue;
        };
        if !wanted.contains(&(type_name, field.as_str())) {
            continue;
        }
        let Some(node) = root
            .descendant_for_byte_range(op.range.start, op.range.end)
            .filter(|n| n.kind_name() == kind && n.byte_range() == op.range)
        else {
            continue;
        };
        if let Some(loop_stmt) = loop_ended_only_by_close(up, node, cx.source) {
            sites.entry((type_name.to_string(), field.clone())).or_default().push((node, loop_stmt));
        }
    }
    sites
}

/// Reports the loops of `sites` (ranges and receives on `field` in its type's
/// methods; `methods`: those of the field's type, in source order).
fn check_field(
    cx: &FileContext,
    field: &ChanField,
    methods: &[Node],
    sites: Vec<(Node, Node)>,
    out: &mut Vec<Finding>,
) {
    let src = cx.source;
    let shutdown = methods.iter().copied().find(|m| go::function_name(*m, src).is_some_and(is_shutdown_method));
    // Without a shutdown method here, another file of the package may still close it.
    let severity = if shutdown.is_some() { META.default_severity } else { Severity::Info };
    for (op, loop_stmt) in sites {
        let range =
            if op.kind_name() == "range_clause" { loop_stmt.start_byte()..op.end_byte() } else { op.byte_range() };
        let what = if op.kind_name() == "range_clause" { "ranges over" } else { "waits for the close of" };
        let mut finding = Finding::new(
            META.name,
            severity,
            range,
            format!("loop {what} `{}` forever: no method of `{}` in this file closes it", field.field, field.type_name),
        )
        .with_related(field.decl.byte_range(), format!("`{}` is declared here", field.field));
        if let Some(m) = shutdown {
            let name_node = m.child_by_field_name("name").unwrap_or(m);
            finding = finding.with_related(
                name_node.byte_range(),
                format!(
                    "`{}` shuts `{}` down but does not close `{}`",
                    text(name_node, src),
                    field.type_name,
                    field.field
                ),
            );
        }
        // It rests on every method of the type and every use of the field.
        finding.whole_file = true;
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::{check_every_prefix, check_source};

    fn fixes(src: &str) -> Vec<(String, Applicability)> {
        check_source(&RangeNeverClosed, src)
            .into_iter()
            .flat_map(|f| f.fixes)
            .map(|f| (f.title, f.applicability))
            .collect()
    }

    const WORKER: &str = "\tgo func() {\n\t\tfor j := range q {\n\t\t\tuse(j)\n\t\t}\n\t}()\n";

    #[test]
    fn owner_fixes_are_unsafe_when_they_cannot_cover_every_path() {
        let simple = format!(
            "package p\nfunc f(xs []int) {{\n\tq := make(chan int)\n{WORKER}\tfor _, x := range xs {{\n\t\tq <- x\n\t}}\n}}\n"
        );
        assert_eq!(fixes(&simple), vec![("Close `q` when `f` returns".to_string(), Applicability::Safe)]);
        let in_loop = format!(
            "package p\nfunc f(xss [][]int) {{\n\tfor _, xs := range xss {{\n\tq := make(chan int)\n{WORKER}\tfor _, x := range xs {{\n\t\tq <- x\n\t}}\n\t}}\n}}\n"
        );
        assert_eq!(fixes(&in_loop), vec![("Close `q` when `f` returns".to_string(), Applicability::Unsafe)]);
        let early_return = format!(
            "package p\nfunc f(xs []int, wg interface{{ Wait() }}) {{\n\tq := make(chan int)\n{WORKER}\tfor _, x := range xs {{\n\t\tif x < 0 {{\n\t\t\treturn\n\t\t}}\n\t\tq <- x\n\t}}\n\twg.Wait()\n}}\n"
        );
        assert_eq!(fixes(&early_return), vec![("Close `q` after the last send".to_string(), Applicability::Unsafe)]);
    }

    #[test]
    fn producer_fix_is_unsafe_with_a_single_value_receiver() {
        let src = "package p\nfunc f(n int) int {\n\tq := make(chan int)\n\tgo func() {\n\t\tfor i := range n {\n\t\t\tq <- i\n\t\t}\n\t}()\n\tfirst := <-q\n\tfor v := range q {\n\t\tfirst += v\n\t}\n\treturn first\n}\n";
        assert_eq!(
            fixes(src),
            vec![("Close `q` when the producer goroutine returns".to_string(), Applicability::Unsafe)]
        );
    }

    #[test]
    fn no_fix_for_several_producers() {
        let src = "package p\nfunc f(urls []string) {\n\tq := make(chan string)\n\tfor _, u := range urls {\n\t\tgo func() {\n\t\t\tq <- u\n\t\t}()\n\t}\n\tfor v := range q {\n\t\tprintln(v)\n\t}\n}\n";
        let findings = check_source(&RangeNeverClosed, src);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fixes.is_empty());
    }

    #[test]
    fn field_severity_depends_on_a_shutdown_method() {
        let base = "package p\ntype W struct{ jobs chan int }\nfunc (w *W) run() {\n\tfor j := range w.jobs {\n\t\tprintln(j)\n\t}\n}\n";
        let severity = |src: &str| check_source(&RangeNeverClosed, src).iter().map(|f| f.severity).collect::<Vec<_>>();
        assert_eq!(severity(base), vec![Severity::Info]);
        let with_stop = format!("{base}func (w *W) Stop() {{}}\n");
        assert_eq!(severity(&with_stop), vec![Severity::Warning]);
        let closed = format!("{base}func (w *W) Stop() {{ close(w.jobs) }}\n");
        assert_eq!(severity(&closed), vec![]);
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        check_every_prefix(&RangeNeverClosed, include_str!("../../../testdata/rules/range-never-closed/pools.go"));
        check_every_prefix(&RangeNeverClosed, include_str!("../../../testdata/rules/range-never-closed/fields.go"));
    }
}
