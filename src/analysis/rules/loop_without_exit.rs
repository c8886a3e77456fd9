//! `loop-without-exit`: a goroutine whose loop can never end: `for range t.C`,
//! or `for { ... }` that waits on channels with no case that returns or breaks out.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::channels;
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct LoopWithoutExit;

static META: RuleMeta = RuleMeta {
    name: "loop-without-exit",
    summary: "goroutine loop with no way out: no return, break, ctx.Done() or done channel",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/loop-without-exit.md"),
    requires: Requires { goroutines: true, any_text: &["for"] },
};

impl Rule for LoopWithoutExit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let src = cx.source;
        let root = cx.tree.root_node();
        let mut goroutines: Vec<(Node, Vec<Node>)> = Vec::new();
        let mut index_of_function: HashMap<usize, usize> = HashMap::new();
        for &start in cx.goroutine_starts() {
            let Some(func) = channels::started_function(cx.ancestry(), src, start).filter(|f| cx.in_focus(*f)) else {
                continue;
            };
            match index_of_function.entry(func.id()) {
                Entry::Occupied(at) => goroutines[*at.get()].1.push(start),
                Entry::Vacant(at) => {
                    at.insert(goroutines.len());
                    goroutines.push((func, vec![start]));
                }
            }
        }
        let in_main_package = go::package_name(root, src) == Some("main");
        for (func, starts) in goroutines {
            // Started only where the process's lifetime is the goroutine's.
            if starts.iter().all(|s| in_process_lifetime_function(cx, *s, in_main_package) || started_once(cx, *s)) {
                continue;
            }
            for endless in endless_loops(cx, func) {
                report(cx, func, &starts, &endless, out);
            }
        }
    }
}

/// Why a loop cannot end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endless {
    /// `for range t.C` or `for range time.Tick(d)`: the runtime never closes a ticker's channel.
    TickerRange,
    /// `for { ... }` waiting on channels, with nothing that leaves it.
    Forever,
}

struct EndlessLoop<'t> {
    for_stmt: Node<'t>,
    kind: Endless,
}

/// The loops of a goroutine function's own body that never end and wait on
/// channels while they run. Loops nested in an endless loop are not listed again.
fn endless_loops<'t>(cx: &FileContext<'t>, func: Node<'t>) -> Vec<EndlessLoop<'t>> {
    let src = cx.source;
    let mut out = Vec::new();
    let Some(body) = go::body(func) else {
        return out;
    };
    let parent_of = |n| cx.ancestry().parent(n);
    go::walk(body, |n| {
        if n.kind_name() == "func_literal" {
            return go::Walk::SkipChildren;
        }
        if n.kind_name() != "for_statement" {
            return go::Walk::Continue;
        }
        // Whether the loop leaves is asked last: it walks the loop's body, and
        // every loop around a nested one would walk that one's again.
        let kind = if let Some(range) = go::named_children(n).into_iter().find(|c| c.kind_name() == "range_clause") {
            range.child_by_field_name("right").filter(|r| is_ticker_channel(cx, *r)).map(|_| Endless::TickerRange)
        } else if go::loop_never_exits_with(n, src, &parent_of) && waits_on_channels(n) {
            Some(Endless::Forever)
        } else {
            None
        };
        match kind.filter(|_| go::loop_exits_with(n, src, &parent_of).is_empty()) {
            Some(kind) => {
                out.push(EndlessLoop { for_stmt: n, kind });
                go::Walk::SkipChildren
            }
            None => go::Walk::Continue,
        }
    });
    out
}

/// `x.C` where `x` is a ticker or timer, or `time.Tick(d)`.
fn is_ticker_channel(cx: &FileContext, expr: Node) -> bool {
    let expr = go::unparen(expr);
    if cx.imports.time.is_empty() {
        return false;
    }
    match expr.kind_name() {
        "selector_expression" => {
            expr.child_by_field_name("field").is_some_and(|f| text(f, cx.source) == "C")
                && expr.child_by_field_name("operand").is_some_and(|x| is_ticker(cx, x))
        }
        "call_expression" => go::is_pkg_call(expr, cx.source, &cx.imports.time, &["Tick"]),
        _ => false,
    }
}

/// Whether `x` names a `*time.Ticker` or `*time.Timer`: a local or package
/// variable made by `time.NewTicker`/`time.NewTimer` or declared with that type,
/// a parameter of that type, or `v.field` for a struct field of that type
/// declared in this file. Anything else (another file's field, a call) is not
/// known to be one.
fn is_ticker(cx: &FileContext, x: Node) -> bool {
    let src = cx.source;
    let x = go::unparen(x);
    let is_ticker_type =
        |ty: &str| cx.imports.time.iter().any(|t| ty == format!("*{t}.Ticker") || ty == format!("*{t}.Timer"));
    match x.kind_name() {
        "identifier" => {
            let name = text(x, src);
            let mut scopes: Vec<Node> = Vec::new();
            for f in cx.ancestry().enclosing_functions(x) {
                if go::params(f, src).iter().any(|p| p.name == name) {
                    return go::params(f, src).iter().any(|p| p.name == name && is_ticker_type(p.ty));
                }
                scopes.extend(go::body(f));
            }
            scopes.push(cx.tree.root_node());
            scopes.into_iter().any(|scope| declares_ticker(cx, scope, name, &is_ticker_type))
        }
        "selector_expression" => {
            let Some(field) = x.child_by_field_name("field").map(|f| text(f, src)) else { return false };
            go::descendants_of_kind(cx.tree.root_node(), "field_declaration").into_iter().any(|decl| {
                let mut cursor = decl.walk();
                let named = decl.children_by_field_name("name", &mut cursor).any(|n| text(n, src) == field);
                named && decl.child_by_field_name("type").is_some_and(|t| is_ticker_type(text(t, src)))
            })
        }
        _ => false,
    }
}

/// Whether `scope` (a function body, or the file for package variables) declares
/// `name` as a ticker or timer, outside nested function literals.
fn declares_ticker(cx: &FileContext, scope: Node, name: &str, is_ticker_type: &dyn Fn(&str) -> bool) -> bool {
    let src = cx.source;
    let mut found = false;
    go::walk(scope, |n| {
        if found || (n != scope && go::is_function(n)) {
            return go::Walk::SkipChildren;
        }
        match n.kind_name() {
            "short_var_declaration" | "var_declaration" => {
                for (ident, value) in go::declared(n) {
                    let made = value
                        .map(go::unparen)
                        .is_some_and(|v| go::is_pkg_call(v, src, &cx.imports.time, &["NewTicker", "NewTimer"]));
                    found |= text(ident, src) == name && made;
                }
            }
            "var_spec" => {
                let mut cursor = n.walk();
                let named = n.children_by_field_name("name", &mut cursor).any(|i| text(i, src) == name);
                found |= named && n.child_by_field_name("type").is_some_and(|t| is_ticker_type(text(t, src)));
            }
            _ => {}
        }
        go::Walk::Continue
    });
    found
}

/// Whether the loop parks on a channel operation: a receive, a send or a select.
fn waits_on_channels(for_stmt: Node) -> bool {
    let mut found = false;
    go::walk_own(for_stmt, |n| {
        found |= matches!(n.kind_name(), "select_statement" | "send_statement") || go::receive_operand(n).is_some();
    });
    found
}

/// Whether `node` sits in `main.main` or an `init` function.
fn in_process_lifetime_function<'t>(cx: &FileContext<'t>, node: Node<'t>, in_main_package: bool) -> bool {
    // Functions and methods are declared at the top level, around any literals.
    let Some(declaration) = cx.identifiers().declaration_of(node).filter(|d| go::is_function(*d)) else {
        return false;
    };
    let name = go::function_name(declaration, cx.source);
    declaration.kind_name() == "function_declaration"
        && (name == Some("init") || (name == Some("main") && in_main_package))
}

/// Whether the `go` statement runs at most once per process, so the goroutine is a
/// process-wide singleton like one started in `init`: it sits in the function
/// passed to `once.Do` of a package-level `sync.Once`, or after a guard
/// `if v != nil { return }` (or `if v { return }`) on a package-level variable `v`
/// that the function then sets.
fn started_once<'t>(cx: &FileContext<'t>, start: Node<'t>) -> bool {
    let src = cx.source;
    let Some(func) = cx.ancestry().enclosing_function(start) else { return false };
    if func.kind_name() == "func_literal" {
        return in_package_once(cx, func);
    }
    let Some(list) =
        go::body(func).and_then(|b| go::named_children(b).into_iter().find(|n| n.kind_name() == "statement_list"))
    else {
        return false;
    };
    let declared_locally = |name: &str| {
        go::params(func, src).iter().any(|p| p.name == name)
            || go::receiver(func, src).is_some_and(|r| r.name == name)
            || cx.identifiers().named(func, name).iter().any(|i| {
                i.parent().is_some_and(|p| {
                    matches!(p.kind_name(), "var_spec" | "const_spec" | "range_clause")
                        || p.parent().is_some_and(|h| {
                            h.kind_name() == "short_var_declaration" && h.child_by_field_name("left") == Some(p)
                        })
                })
            })
    };
    let statements = go::named_children(list);
    statements.iter().filter(|g| g.end_byte() <= start.start_byte()).any(|guard| {
        let Some(var) = guard_variable(*guard, src) else { return false };
        let name = text(var, src);
        !declared_locally(name)
            && statements.iter().any(|stmt| {
                stmt.start_byte() > guard.end_byte()
                    && stmt.kind_name() == "assignment_statement"
                    && stmt
                        .child_by_field_name("left")
                        .is_some_and(|l| go::named_children(l).iter().any(|t| go::is_ident(*t, src, name)))
            })
    })
}

/// For `if v != nil { return }` or `if v { return }`, the identifier `v`.
fn guard_variable<'t>(stmt: Node<'t>, src: &str) -> Option<Node<'t>> {
    if stmt.kind_name() != "if_statement" || stmt.child_by_field_name("alternative").is_some() {
        return None;
    }
    let body = stmt.child_by_field_name("consequence")?;
    let only: Vec<Node> = go::named_children(body)
        .into_iter()
        .flat_map(|n| if n.kind_name() == "statement_list" { go::named_children(n) } else { vec![n] })
        .filter(|n| n.kind_name() != "comment")
        .collect();
    if !matches!(only.as_slice(), [ret] if ret.kind_name() == "return_statement" && ret.named_child_count() == 0) {
        return None;
    }
    let cond = go::unparen(stmt.child_by_field_name("condition")?);
    match cond.kind_name() {
        "identifier" => Some(cond),
        "binary_expression" if cond.child_by_field_name("operator").is_some_and(|o| text(o, src) == "!=") => {
            let (left, right) = (cond.child_by_field_name("left")?, cond.child_by_field_name("right")?);
            match (left.kind_name(), right.kind_name()) {
                ("identifier", "nil") => Some(left),
                ("nil", "identifier") => Some(right),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether the literal is the function given to `once.Do` for a `once` declared
/// at package level as a `sync.Once`.
fn in_package_once(cx: &FileContext, lit: Node) -> bool {
    let src = cx.source;
    let parent = |n| cx.ancestry().parent(n);
    let Some(call) = parent(lit).filter(|a| a.kind_name() == "argument_list").and_then(parent) else {
        return false;
    };
    let Some((Some(once), "Do")) = go::callee(call, src) else { return false };
    go::named_children(cx.tree.root_node()).into_iter().filter(|d| d.kind_name() == "var_declaration").any(|decl| {
        go::descendants_of_kind(decl, "var_spec").into_iter().any(|spec| {
            let mut cursor = spec.walk();
            let named = spec.children_by_field_name("name", &mut cursor).any(|n| text(n, src) == once);
            named
                && spec
                    .child_by_field_name("type")
                    .is_some_and(|t| cx.imports.sync.iter().any(|sync| text(t, src) == format!("{sync}.Once")))
        })
    })
}

/// Whether the goroutine function, or the declaration it is written in, says it
/// runs for good: named `Run`, `Serve`, `Loop` or `...Forever`, or documented as
/// running forever or until the process exits.
fn documented_forever<'t>(cx: &FileContext<'t>, func: Node<'t>) -> bool {
    let src = cx.source;
    // Functions and methods are declared at the top level, around any literals.
    let Some(declaration) = cx.identifiers().declaration_of(func).filter(|d| go::is_function(*d)) else {
        return false;
    };
    let name = go::function_name(declaration, src).unwrap_or("");
    let doc = go::doc_comment(declaration, src).to_ascii_lowercase();
    matches!(name, "Run" | "Serve" | "Loop")
        || name.ends_with("Forever")
        || [
            "runs forever",
            "run forever",
            "never returns",
            "until the process exits",
            "for the life of the process",
            "for the lifetime of the process",
        ]
        .iter()
        .any(|phrase| doc.contains(phrase))
}

fn report<'t>(
    cx: &FileContext<'t>,
    func: Node<'t>,
    starts: &[Node<'t>],
    endless: &EndlessLoop<'t>,
    out: &mut Vec<Finding>,
) {
    let src = cx.source;
    let for_stmt = endless.for_stmt;
    let ctx = cx.context_in_scope(func, for_stmt);
    let severity = if documented_forever(cx, func) {
        Severity::Hint
    } else if ctx.is_some() || starts.iter().any(|s| started_with_a_lifetime(cx, *s)) {
        META.default_severity
    } else {
        // No context anywhere near: perhaps a deliberate process-long worker.
        Severity::Info
    };
    let header_end = for_stmt.child_by_field_name("body").map_or(for_stmt.end_byte(), |b| b.start_byte());
    let header = for_stmt.start_byte()..src[..header_end].trim_end().len().max(for_stmt.start_byte() + 3);
    let message = match endless.kind {
        Endless::TickerRange => {
            let right = go::named_children(for_stmt)
                .into_iter()
                .find(|c| c.kind_name() == "range_clause")
                .and_then(|r| r.child_by_field_name("right"))
                .map_or("", |r| text(r, src));
            format!(
                "goroutine ranges over `{right}` forever: a ticker's channel is never closed and nothing else ends the loop"
            )
        }
        Endless::Forever => {
            "goroutine loops forever: no case returns or breaks out, and no `ctx.Done()` or done channel ends it"
                .to_string()
        }
    };
    let mut finding = Finding::new(META.name, severity, header, message);
    for start in starts {
        finding = finding.with_related(start.byte_range(), "the goroutine is started here".to_string());
    }
    if let Some(fix) = ctx.and_then(|ctx| ctx_fix(cx, func, endless, &ctx)) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// Whether the code starting the goroutine has a lifetime it could have passed
/// on: a context in scope, or a loop that starts one goroutine per iteration.
fn started_with_a_lifetime<'t>(cx: &FileContext<'t>, start: Node<'t>) -> bool {
    let Some(starter) = cx.ancestry().enclosing_function(start) else {
        return false;
    };
    cx.context_in_scope(starter, start).is_some()
        || go::body(starter).is_some_and(|b| cx.ancestry().in_loop_within(start, b))
}

/// Rewrites the loop so that it returns once `ctx` is done.
fn ctx_fix(cx: &FileContext, func: Node, endless: &EndlessLoop, ctx: &str) -> Option<Fix> {
    let src = cx.source;
    if go::has_results(func) {
        return None;
    }
    let for_stmt = endless.for_stmt;
    let body = for_stmt.child_by_field_name("body")?;
    let mut title = format!("Stop the loop when `{ctx}` is done");
    let edits = match endless.kind {
        Endless::TickerRange => {
            let range = go::named_children(for_stmt).into_iter().find(|c| c.kind_name() == "range_clause")?;
            let right = range.child_by_field_name("right").map(go::unparen)?;
            // `time.Tick(d)` in a select case would make a new ticker per iteration.
            if right.kind_name() == "call_expression" {
                return None;
            }
            let comm = match (range.child_by_field_name("left"), range_operator(range, src)) {
                (Some(left), Some(op)) => {
                    format!("{} {op} <-{}", text(left, src), text(right, src))
                }
                (None, _) => format!("<-{}", text(right, src)),
                _ => return None,
            };
            let mut edits = vec![TextEdit::replace(
                for_stmt.byte_range(),
                select_loop(src, for_stmt, ctx, &comm, reindented_lines(src, body, None)?),
            )];
            // A local ticker nothing stops would keep firing after the loop ends:
            // the goroutine that now returns stops it first.
            if let Some(ticker) = unstopped_local_ticker(cx, func, right) {
                let (at, line) = go::first_statement_insert(src, go::body(func)?, &format!("defer {ticker}.Stop()"))?;
                edits.insert(0, TextEdit::insert(at, line));
                title = format!("Stop `{ticker}` and the loop when `{ctx}` is done");
            }
            edits
        }
        Endless::Forever => {
            let stmts = go::named_children(body).into_iter().find(|n| n.kind_name() == "statement_list").map(|l| {
                go::named_children(l).into_iter().filter(|n| n.kind_name() != "comment").collect::<Vec<_>>()
            })?;
            match stmts.as_slice() {
                [select] if select.kind_name() == "select_statement" => {
                    vec![select_case_insert(src, *select, ctx)?]
                }
                [first, ..] => {
                    let comm = receive_communication(*first, src)?;
                    vec![TextEdit::replace(
                        for_stmt.byte_range(),
                        select_loop(src, for_stmt, ctx, &comm, reindented_lines(src, body, Some(*first))?),
                    )]
                }
                [] => return None,
            }
        }
    };
    // A context the goroutine function takes as a parameter was given to it to end it.
    let own_param = go::params(func, src).iter().any(|p| p.name == ctx && go::is_context_type(p.ty, &cx.imports));
    Some(Fix { title, edits, applicability: if own_param { Applicability::Safe } else { Applicability::Unsafe } })
}

/// For a goroutine literal `func` ranging over `t.C`, `t` when it is a ticker made
/// by `time.NewTicker` in a function around the literal and nothing there calls
/// `t.Stop`.
fn unstopped_local_ticker<'s>(cx: &FileContext<'s>, func: Node, channel: Node) -> Option<&'s str> {
    let src = cx.source;
    if func.kind_name() != "func_literal" || channel.kind_name() != "selector_expression" {
        return None;
    }
    let ticker = channel.child_by_field_name("operand").filter(|o| o.kind_name() == "identifier")?;
    let name = text(ticker, src);
    let creator = cx.ancestry().enclosing_function(func)?;
    let made_here = go::descendants_of_kind(go::body(creator)?, "short_var_declaration").into_iter().any(|d| {
        go::declared(d).iter().any(|(ident, value)| {
            text(*ident, src) == name
                && value.is_some_and(|v| go::is_pkg_call(go::unparen(v), src, &cx.imports.time, &["NewTicker"]))
        })
    });
    let outer = go::nesting(creator).last().unwrap_or(creator);
    let stopped = go::descendants_of_kind(outer, "selector_expression").into_iter().any(|sel| {
        sel.child_by_field_name("field").is_some_and(|f| text(f, src) == "Stop")
            && sel.child_by_field_name("operand").is_some_and(|o| text(o, src) == name)
    });
    (made_here && !stopped).then_some(name)
}

/// `:=` or `=` of a range clause with variables.
fn range_operator<'s>(range: Node, src: &'s str) -> Option<&'s str> {
    let mut cursor = range.walk();
    let op = range.children(&mut cursor).find(|c| matches!(c.kind_name(), ":=" | "="));
    op.map(|o| text(o, src))
}

/// For a loop whose first statement receives (`<-ch`, `v := <-ch`, `v = <-ch`),
/// that statement as a select case communication.
fn receive_communication(stmt: Node, src: &str) -> Option<String> {
    let recv = match stmt.kind_name() {
        "expression_statement" => stmt.named_child(0).map(go::unparen),
        "short_var_declaration" | "assignment_statement" => {
            let right = go::named_children(stmt.child_by_field_name("right")?);
            match right.as_slice() {
                [only] => Some(go::unparen(*only)),
                _ => None,
            }
        }
        _ => None,
    }?;
    let operand = go::receive_operand(recv)?;
    // A call as the channel would be evaluated anew each time round.
    if operand.kind_name() == "call_expression" || stmt.start_position().row != stmt.end_position().row {
        return None;
    }
    Some(text(stmt, src).to_string())
}

/// A loop body re-laid out for the select form.
struct Reindented<'s> {
    /// A comment that followed the loop's `{` on its line, kept after the new `for {`.
    comment: &'s str,
    /// A comment that followed the skipped first statement, kept after its `case`.
    case_comment: &'s str,
    /// The body lines (after the first statement when that became the case),
    /// indented one level deeper.
    lines: String,
}

/// The loop body re-indented one level deeper, skipping `skip` (its first
/// statement) if given. None when the body is not laid out one statement per
/// line or holds a multi-line raw string, whose text re-indenting would change.
fn reindented_lines<'s>(src: &'s str, body: Node, skip: Option<Node>) -> Option<Reindented<'s>> {
    let open_line_end = go::line_end(src, body.start_byte());
    let close = body.end_byte() - 1;
    let close_line = go::line_start(src, close);
    // `get`: a block tree-sitter had to invent (MISSING) may not start with `{`.
    let after_open = src.get(body.start_byte() + 1..open_line_end)?.trim();
    if open_line_end > close_line
        || !(after_open.is_empty() || after_open.starts_with("//"))
        || !src[close_line..close].trim().is_empty()
    {
        return None;
    }
    let mut multi_line_raw = false;
    go::walk(body, |n| {
        multi_line_raw |= n.kind_name() == "raw_string_literal" && text(n, src).contains('\n');
        go::Walk::Continue
    });
    if multi_line_raw {
        return None;
    }
    let (from, case_comment) = match skip {
        Some(first) => {
            let end = go::line_end(src, first.end_byte() - 1);
            let rest = src[first.end_byte()..end].trim();
            if !(rest.is_empty() || rest.starts_with("//"))
                || go::line_start(src, first.start_byte()) + go::indent_at(src, first.start_byte()).len()
                    != first.start_byte()
            {
                return None;
            }
            (end, rest)
        }
        None => (open_line_end, ""),
    };
    let mut lines = String::new();
    for line in src[from..close_line].split_inclusive('\n') {
        if line.trim().is_empty() {
            lines.push('\n');
        } else {
            lines.push('\t');
            lines.push_str(line);
        }
    }
    Some(Reindented { comment: after_open, case_comment, lines })
}

/// `for { select { case <-ctx.Done(): return; case <comm>: <body> } }` at the loop's indentation.
fn select_loop(src: &str, for_stmt: Node, ctx: &str, comm: &str, body: Reindented) -> String {
    let indent = go::indent_at(src, for_stmt.start_byte());
    let after = |comment: &str| if comment.is_empty() { String::new() } else { format!(" {comment}") };
    let (comment, case_comment) = (after(body.comment), after(body.case_comment));
    let lines = body.lines;
    format!(
        "for {{{comment}\n{indent}\tselect {{\n{indent}\tcase <-{ctx}.Done():\n{indent}\t\treturn\n{indent}\tcase {comm}:{case_comment}\n{lines}{indent}\t}}\n{indent}}}"
    )
}

/// A `case <-ctx.Done(): return` inserted before the select's first case.
fn select_case_insert(src: &str, select: Node, ctx: &str) -> Option<TextEdit> {
    let cases: Vec<Node> = go::named_children(select)
        .into_iter()
        .filter(|c| matches!(c.kind_name(), "communication_case" | "default_case"))
        .collect();
    // A select that already has a Done case (that does not leave) needs a human.
    if cases
        .iter()
        .any(|c| c.child_by_field_name("communication").is_some_and(|comm| text(comm, src).contains(".Done()")))
    {
        return None;
    }
    let first = cases.first()?;
    let line = go::line_start(src, first.start_byte());
    let indent = go::indent_at(src, first.start_byte());
    if line + indent.len() != first.start_byte() {
        return None;
    }
    Some(TextEdit::insert(line, format!("{indent}case <-{ctx}.Done():\n{indent}\treturn\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::{check_every_prefix, check_source};

    fn severities(src: &str) -> Vec<Severity> {
        check_source(&LoopWithoutExit, src).iter().map(|f| f.severity).collect()
    }

    const TICK: &str = "for range t.C {\n\t\t\tlog.Println(1)\n\t\t}";

    #[test]
    fn severity_follows_the_lifetime_around_the_goroutine() {
        let with_ctx = format!(
            "package p\nimport (\"context\"; \"log\"; \"time\")\nfunc f(ctx context.Context, t *time.Ticker) {{\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n}}\n"
        );
        assert_eq!(severities(&with_ctx), vec![Severity::Warning]);
        let bare = format!(
            "package p\nimport (\"log\"; \"time\")\nfunc New(t *time.Ticker) {{\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n}}\n"
        );
        assert_eq!(severities(&bare), vec![Severity::Info]);
        let per_item = format!(
            "package p\nimport (\"log\"; \"time\")\nfunc f(n int) {{\n\tfor range n {{\n\tt := time.NewTicker(1)\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n\t}}\n}}\n"
        );
        assert_eq!(severities(&per_item), vec![Severity::Warning]);
        let forever = format!(
            "package p\nimport (\"log\"; \"time\")\nfunc (s *S) ServeForever(t *time.Ticker) {{\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n}}\n"
        );
        assert_eq!(severities(&forever), vec![Severity::Hint]);
        let documented = format!(
            "package p\nimport (\"log\"; \"time\")\n// watch never returns.\nfunc watch(t *time.Ticker) {{\n\t{TICK}\n}}\nfunc start(t *time.Ticker) {{ go watch(t) }}\n"
        );
        assert_eq!(severities(&documented), vec![Severity::Hint]);
        let in_main = format!(
            "package main\nimport (\"log\"; \"time\")\nfunc main() {{\n\tt := time.NewTicker(1)\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n}}\n"
        );
        assert_eq!(severities(&in_main), vec![]);
        // `main` outside package main is an ordinary function.
        let not_main = in_main.replacen("package main", "package p", 1);
        assert_eq!(severities(&not_main), vec![Severity::Info]);
    }

    #[test]
    fn the_fix_is_safe_only_for_a_context_the_goroutine_takes() {
        let applicability = |src: &str| check_source(&LoopWithoutExit, src)[0].fixes[0].applicability;
        let own = format!(
            "package p\nimport (\"context\"; \"log\"; \"time\")\nfunc run(ctx context.Context, t *time.Ticker) {{\n\t{TICK}\n}}\nfunc start(ctx context.Context, t *time.Ticker) {{ go run(ctx, t) }}\n"
        );
        assert_eq!(applicability(&own), Applicability::Safe);
        let captured = format!(
            "package p\nimport (\"context\"; \"log\"; \"time\")\nfunc f(ctx context.Context, t *time.Ticker) {{\n\tgo func() {{\n\t\t{TICK}\n\t}}()\n}}\n"
        );
        assert_eq!(applicability(&captured), Applicability::Unsafe);
    }

    #[test]
    fn no_fix_when_the_goroutine_returns_values() {
        let src = format!(
            "package p\nimport (\"context\"; \"log\"; \"time\")\nfunc f(ctx context.Context, t *time.Ticker, g interface{{ Go(func() error) }}) {{\n\tg.Go(func() error {{\n\t\t{TICK}\n\t}})\n}}\n"
        );
        let findings = check_source(&LoopWithoutExit, &src);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fixes.is_empty());
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        check_every_prefix(&LoopWithoutExit, include_str!("../../../testdata/rules/loop-without-exit/pollers.go"));
        check_every_prefix(&LoopWithoutExit, include_str!("../../../testdata/rules/loop-without-exit/workers.go"));
    }
}
