//! `unreceived-send`: a goroutine sends on an unbuffered channel that the
//! function which made it can stop receiving from.

use tree_sitter::Node;

use super::{FileContext, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::{self, text};

pub struct UnreceivedSend;

static META: RuleMeta = RuleMeta {
    name: "unreceived-send",
    summary: "goroutine sends on an unbuffered channel whose receiver can return without receiving",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/unreceived-send.md"),
};

impl Rule for UnreceivedSend {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        for &func in &cx.functions {
            let Some(body) = go::body(func) else { continue };
            for chan in unbuffered_channels(body, cx.source) {
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

fn unbuffered_channels<'t>(body: Node<'t>, src: &str) -> Vec<MadeChannel<'t>> {
    let mut out = Vec::new();
    go::walk_own(body, |n| {
        if !matches!(n.kind(), "short_var_declaration" | "var_declaration") {
            return;
        }
        for (ident, value) in go::declared(n) {
            let Some(value) = value.map(go::unparen) else { continue };
            if ident.kind() == "identifier" && text(ident, src) != "_" && is_unbuffered_make(value, src) {
                out.push(MadeChannel { name: text(ident, src).to_string(), ident, make: value });
            }
        }
    });
    out
}

fn is_unbuffered_make(node: Node, src: &str) -> bool {
    node.kind() == "call_expression"
        && matches!(go::callee(node, src), Some((None, "make")))
        && matches!(go::call_args(node).as_slice(), [ty] if ty.kind() == "channel_type")
}

/// A goroutine that sends on the channel: the `go` statement, the function that
/// runs (a literal or a declaration of this file), the channel's name in it, and
/// its sends outside any `select`.
struct Sender<'t> {
    go_stmt: Node<'t>,
    func: Node<'t>,
    sends: Vec<Node<'t>>,
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
    let src = cx.source;
    let mut senders = Vec::new();
    let mut go_stmts = Vec::new();
    go::walk_own(body, |n| {
        if n.kind() == "go_statement" && n.start_byte() > chan.make.end_byte() {
            go_stmts.push(n);
        }
    });
    for g in go_stmts {
        match sender(cx, g, &chan.name) {
            Some(Some(s)) => senders.push(s),
            Some(None) => {}
            // The goroutine uses the channel in a way other than sending: bail out.
            None => return,
        }
    }
    if senders.is_empty() {
        return;
    }
    let receives = match receive_sites(body, src, chan, &senders) {
        Receives::Sites(sites) => sites,
        Receives::Unknown => return,
    };
    let exits = exit_paths(body, src, chan, &senders, &receives);
    if exits.is_empty() && !receives.is_empty() {
        return;
    }
    let owner = go::function_name(func, src).unwrap_or("the enclosing function").to_string();
    for s in &senders {
        for &send in &s.sends {
            let message = if receives.is_empty() {
                format!("goroutine blocks forever sending on `{}`: nothing in `{owner}` receives from it", chan.name)
            } else {
                let first = &exits[0];
                format!(
                    "goroutine may block forever sending on `{}`: `{owner}` can return without receiving (line {})",
                    chan.name,
                    go::line_number(src, first.range.start)
                )
            };
            let mut finding = Finding::new(META.name, META.default_severity, send.byte_range(), message);
            for exit in &exits {
                finding = finding.with_related(exit.range.clone(), exit.message.clone());
            }
            finding = finding.with_related(chan.make.byte_range(), format!("`{}` is made unbuffered here", chan.name));
            if let Some(fix) = buffer_fix(src, body, chan, &senders, s) {
                finding = finding.with_fix(fix);
            }
            if let Some(fix) = ctx_select_fix(cx, s, send, &exits) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// Some(Some(sender)) when the goroutine sends on the channel, Some(None) when it
/// does not touch it, None when it touches it in another way.
fn sender<'t>(cx: &FileContext<'t>, go_stmt: Node<'t>, chan: &str) -> Option<Option<Sender<'t>>> {
    let src = cx.source;
    let call = go::named_children(go_stmt).into_iter().find(|n| n.kind() == "call_expression")?;
    let function = call.child_by_field_name("function").map(go::unparen)?;
    let args = go::call_args(call);
    // The channel's name inside the goroutine: a captured variable, or the
    // parameter it is passed as.
    let passed_at = args.iter().position(|a| go::is_ident(*a, src, chan));
    let (func, inner_name) = match function.kind() {
        "func_literal" => {
            let params = go::params(function, src);
            match passed_at {
                Some(i) => (function, params.get(i)?.name.to_string()),
                None if params.iter().any(|p| p.name == chan) => return Some(None),
                None => (function, chan.to_string()),
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
    if passed_at.is_some() && args.iter().filter(|a| go::is_ident(**a, src, chan)).count() > 1 {
        return None;
    }
    let body = go::body(func)?;
    let mut sends = Vec::new();
    let mut other_use = false;
    for ident in go::idents_named(body, src, &inner_name) {
        if go::enclosing_function(ident) != Some(func) {
            other_use = true;
            continue;
        }
        let parent = ident.parent();
        match parent {
            Some(p) if p.kind() == "send_statement" && p.child_by_field_name("channel") == Some(ident) => {
                if p.parent().is_some_and(|pp| pp.kind() == "communication_case") {
                    // Already a select: it has its own way out (or is another rule's concern).
                    continue;
                }
                sends.push(p);
            }
            _ => other_use = true,
        }
    }
    if other_use {
        return None;
    }
    if sends.is_empty() {
        return Some(None);
    }
    Some(Some(Sender { go_stmt, func, sends }))
}

/// The single top-level function of this file with that name.
fn function_decl<'t>(cx: &FileContext<'t>, name: &str) -> Option<Node<'t>> {
    let root = cx.tree.root_node();
    let mut found = go::named_children(root)
        .into_iter()
        .filter(|n| n.kind() == "function_declaration" && go::function_name(*n, cx.source) == Some(name));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn receive_sites<'t>(body: Node<'t>, src: &str, chan: &MadeChannel<'t>, senders: &[Sender<'t>]) -> Receives<'t> {
    let mut sites = Vec::new();
    for ident in go::idents_named(body, src, &chan.name) {
        if ident == chan.ident || senders.iter().any(|s| go::contains(s.go_stmt, ident)) {
            continue;
        }
        if ident.start_byte() < chan.make.start_byte() {
            continue;
        }
        if go::enclosing_function(ident) != go::enclosing_function(chan.ident) {
            return Receives::Unknown;
        }
        match receive_of(ident) {
            Some(site) => sites.push(site),
            None => return Receives::Unknown,
        }
    }
    Receives::Sites(sites)
}

/// If `ident` is the operand of a receive (`<-ch`, `case v := <-ch`, `range ch`),
/// the receiving expression or clause.
fn receive_of(ident: Node) -> Option<Node> {
    let parent = ident.parent()?;
    if go::receive_operand(parent) == Some(ident) {
        return Some(parent);
    }
    if parent.kind() == "range_clause" && parent.child_by_field_name("right") == Some(ident) {
        return Some(parent);
    }
    None
}

/// A way out of the owning function that skips the receive.
struct Exit {
    range: std::ops::Range<usize>,
    message: String,
    /// For a select case, the communication text (`<-ctx.Done()`).
    case_comm: Option<String>,
}

fn exit_paths<'t>(
    body: Node<'t>,
    src: &str,
    chan: &MadeChannel<'t>,
    senders: &[Sender<'t>],
    receives: &[Node<'t>],
) -> Vec<Exit> {
    let mut exits = Vec::new();
    // (a) A select that receives from the channel and has another case that leaves.
    for &recv in receives {
        let Some(case) = ancestor_case(recv) else { continue };
        let Some(select) = case.parent() else { continue };
        for other in go::named_children(select) {
            if other == case || !matches!(other.kind(), "communication_case" | "default_case") {
                continue;
            }
            if receives.iter().any(|r| go::contains(other, *r)) {
                continue;
            }
            let leaves = go::leaves(other, src).is_some()
                || (!go::in_loop_within(select, body) && !receives.iter().any(|r| r.start_byte() > select.end_byte()));
            if leaves {
                let comm = other.child_by_field_name("communication").map(|c| text(c, src).to_string());
                let label = comm.clone().unwrap_or_else(|| "default".to_string());
                exits.push(Exit {
                    range: other.start_byte()..header_end(other, src),
                    message: format!("`{label}` leaves without receiving from `{}`", chan.name),
                    case_comm: comm,
                });
            }
        }
    }
    // (b) A return between the last `go` statement and the first receive.
    let after = senders.iter().map(|s| s.go_stmt.end_byte()).min().unwrap_or(0);
    let before = receives.iter().map(|r| r.start_byte()).min().unwrap_or(usize::MAX);
    go::walk_own(body, |n| {
        if n.kind() == "return_statement" && n.start_byte() > after && n.end_byte() <= before {
            exits.push(Exit {
                range: n.byte_range(),
                message: format!("returns without receiving from `{}`", chan.name),
                case_comm: None,
            });
        }
    });
    exits.sort_by_key(|e| e.range.start);
    exits
}

/// The select case whose communication is this receive.
fn ancestor_case(recv: Node) -> Option<Node> {
    let mut cur = recv.parent()?;
    // `case <-ch:` is a receive_statement wrapping the unary expression; `case v := <-ch:` too.
    if cur.kind() == "receive_statement" {
        cur = cur.parent()?;
    }
    (cur.kind() == "communication_case").then_some(cur)
}

/// End of a case's header line (`case <-ctx.Done():`), for a tight related range.
fn header_end(case: Node, src: &str) -> usize {
    let line_end = go::line_end(src, case.start_byte());
    let end = src[..line_end].trim_end().len();
    end.min(case.end_byte()).max(case.start_byte())
}

/// GFix strategy I: `make(chan T)` -> `make(chan T, 1)` when one goroutine sends
/// once, as its last operation, so the buffer only lets it finish early.
fn buffer_fix(src: &str, body: Node, chan: &MadeChannel, senders: &[Sender], s: &Sender) -> Option<Fix> {
    if senders.len() != 1 || s.sends.len() != 1 {
        return None;
    }
    // A goroutine started in a loop runs many times against one channel, unless
    // the channel is made afresh in the same loop body.
    let mut cur = s.go_stmt.parent();
    while let Some(n) = cur {
        if n == body {
            break;
        }
        if go::is_loop(n) && !go::contains(n, chan.make) {
            return None;
        }
        cur = n.parent();
    }
    let send = s.sends[0];
    let sender_body = go::body(s.func)?;
    let stmt_list = go::named_children(sender_body).into_iter().find(|n| n.kind() == "statement_list")?;
    if send.parent() != Some(stmt_list) {
        return None;
    }
    // Only a bare return may follow the send; defers would now run before the receive.
    let mut next = go::next_statement(send);
    while let Some(n) = next {
        if n.kind() != "return_statement" || n.named_child_count() > 0 {
            return None;
        }
        next = go::next_statement(n);
    }
    let mut has_defer = false;
    go::walk_own(sender_body, |n| has_defer |= n.kind() == "defer_statement");
    if has_defer {
        return None;
    }
    let args = chan.make.child_by_field_name("arguments")?;
    let close_paren = args.end_byte().checked_sub(1)?;
    (src.as_bytes().get(close_paren) == Some(&b')')).then(|| Fix {
        title: "Buffer the channel".to_string(),
        edits: vec![TextEdit::insert(close_paren, ", 1")],
        applicability: Applicability::Safe,
    })
}

/// GFix strategy III with the context in scope: the send becomes a select that
/// also gives up when the context is done.
fn ctx_select_fix(cx: &FileContext, s: &Sender, send: Node, exits: &[Exit]) -> Option<Fix> {
    let src = cx.source;
    if go::has_results(s.func) || send.parent().map(|p| p.kind()) != Some("statement_list") {
        return None;
    }
    let ctx = go::context_in_scope(s.func, send, src, &cx.imports)?;
    let indent = go::indent_at(src, send.start_byte());
    let replacement = format!(
        "select {{\n{indent}case {}:\n{indent}case <-{ctx}.Done():\n{indent}\treturn\n{indent}}}",
        text(send, src)
    );
    // Sound without review only when the receiver gives up on that same context.
    let done = format!("<-{ctx}.Done()");
    let same_ctx = !exits.is_empty() && exits.iter().all(|e| e.case_comm.as_deref() == Some(done.as_str()));
    Some(Fix {
        title: format!("Stop sending when {ctx} is done"),
        edits: vec![TextEdit::replace(send.byte_range(), replacement)],
        applicability: if same_ctx { Applicability::Safe } else { Applicability::Unsafe },
    })
}
