//! What code does with a channel: where it is sent on, received from, ranged over
//! and closed, and by which goroutine.
//!
//! Channels are followed by name: a local made in a function, into the function
//! literals that capture it or get it as an argument, and into the functions and
//! methods of the same file it is passed to. The same question asked of a
//! parameter ([`param_uses`]) is what a package-wide summary will answer for calls
//! into other files. Anything we do not follow (the channel stored, returned,
//! re-assigned, passed to an unknown function) makes the result an escape, and the
//! rules stay silent.

use std::collections::HashMap;

use tree_sitter::Node;

use super::ancestry::Ancestry;
use super::go::NodeKind;
use super::go::{self, text};
use super::rules::FileContext;

/// How deep calls into functions of the same file are followed.
const MAX_CALL_DEPTH: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Send,
    Receive,
    Range,
    Close,
}

/// Who runs an operation, seen from the function that owns the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner<'t> {
    /// The owner itself, before it returns: its own body, a function literal it
    /// calls or defers, a function of the file it calls.
    Owner,
    /// A goroutine: started by this `go` statement, or by this `x.Go(func...)`
    /// call (`errgroup.Group.Go`, `sync.WaitGroup.Go`).
    Goroutine(Node<'t>),
    /// A function literal handed to someone else (stored, passed as a callback):
    /// it runs at a time we do not know, maybe never.
    Callback(Node<'t>),
}

/// One operation on the channel.
#[derive(Debug, Clone, Copy)]
pub struct Use<'t> {
    pub op: Op,
    /// The operation: a `send_statement`, a `<-x` `unary_expression`, a
    /// `range_clause`, or the `close(x)` call.
    pub node: Node<'t>,
    pub runner: Runner<'t>,
    /// Where the operation is reached from in the owner's text: `node` itself
    /// when it is written inside the owner (function literals included), else
    /// the owner's call into the function of the file that performs it.
    pub site: Node<'t>,
}

impl<'t> Use<'t> {
    /// Whether the operation is written in `func`'s own body, not in a nested
    /// function literal.
    pub fn directly_in(&self, up: &Ancestry<'t>, func: Node<'t>) -> bool {
        self.site == self.node && up.enclosing_function(self.node) == Some(func)
    }
}

#[derive(Debug, Default)]
pub struct Uses<'t> {
    /// Every use, when nothing escapes; else those before the escape.
    pub uses: Vec<Use<'t>>,
    /// The first use that is not followed (the channel stored, returned,
    /// re-assigned or passed to an unknown function): others may then send,
    /// receive or close without our seeing it, so the uses are not looked for
    /// past it.
    pub escape: Option<Node<'t>>,
}

impl<'t> Uses<'t> {
    pub fn of(&self, op: Op) -> impl Iterator<Item = &Use<'t>> {
        self.uses.iter().filter(move |u| u.op == op)
    }

    fn absorb(&mut self, other: Uses<'t>) {
        self.uses.extend(other.uses);
        if self.escape.is_none() {
            self.escape = other.escape;
        }
    }
}

/// A channel made in a function: `ch := make(chan T)`, `var ch = make(chan T, n)`.
#[derive(Debug, Clone, Copy)]
pub struct MadeChannel<'t> {
    /// The declared identifier.
    pub ident: Node<'t>,
    /// The `make(...)` call.
    pub make: Node<'t>,
    /// The declaring statement.
    pub statement: Node<'t>,
}

impl MadeChannel<'_> {
    pub fn name<'s>(&self, src: &'s str) -> &'s str {
        text(self.ident, src)
    }

    /// The element type as written: `struct{}` for `make(chan struct{})`.
    pub fn element_type<'s>(&self, src: &'s str) -> Option<&'s str> {
        let ty = go::call_args(self.make).into_iter().next()?;
        ty.child_by_field_name("value").map(|v| text(v, src))
    }
}

/// The channels made by a function's own calls (see `FileContext::own_calls`):
/// `ch := make(chan T)` and `var ch = make(chan T)`, in source order.
pub fn made_channels<'t>(cx: &FileContext<'t>, func: Node<'t>) -> Vec<MadeChannel<'t>> {
    let src = cx.source;
    let mut out = Vec::new();
    for call in cx.own_calls(func).filter(|c| is_chan_make(*c, src)) {
        let Some(statement) = declaring_statement(cx.ancestry(), call) else { continue };
        for (ident, value) in go::declared(statement) {
            if value.map(go::unparen) == Some(call) && ident.kind_name() == "identifier" && text(ident, src) != "_" {
                out.push(MadeChannel { ident, make: call, statement });
            }
        }
    }
    out
}

/// The `:=` or `var` statement whose value `expr` is.
fn declaring_statement<'t>(up: &Ancestry<'t>, expr: Node<'t>) -> Option<Node<'t>> {
    let mut cur = up.parent(expr)?;
    while matches!(cur.kind_name(), "parenthesized_expression" | "expression_list" | "var_spec" | "var_spec_list") {
        cur = up.parent(cur)?;
    }
    matches!(cur.kind_name(), "short_var_declaration" | "var_declaration").then_some(cur)
}

/// Whether `node` is `make(chan T)` or `make(chan T, n)`.
pub fn is_chan_make(node: Node, src: &str) -> bool {
    node.kind_name() == "call_expression"
        && matches!(go::callee(node, src), Some((None, "make")))
        && go::call_args(node).first().is_some_and(|ty| ty.kind_name() == "channel_type")
}

/// Every use of a channel made in `func`, wherever it runs.
pub fn local_uses<'t>(cx: &FileContext<'t>, func: Node<'t>, chan: &MadeChannel<'t>) -> Uses<'t> {
    let Some(body) = go::body(func) else {
        return Uses::default();
    };
    name_uses(cx, body, chan.name(cx.source), chan.ident, chan.make.end_byte(), 0)
}

/// Every use of `func`'s parameter number `index` (a channel) inside `func`, with
/// runners relative to `func`.
pub fn param_uses<'t>(cx: &FileContext<'t>, func: Node<'t>, index: usize) -> Uses<'t> {
    param_uses_at(cx, func, index, 0)
}

fn param_uses_at<'t>(cx: &FileContext<'t>, func: Node<'t>, index: usize, depth: usize) -> Uses<'t> {
    let src = cx.source;
    let params = go::params(func, src);
    let (Some(param), Some(body)) = (params.get(index), go::body(func)) else {
        return Uses { uses: Vec::new(), escape: Some(func) };
    };
    // A variadic parameter is a slice of channels, not one we follow.
    if param.name == "_" || param.ty.starts_with("...") {
        return Uses { uses: Vec::new(), escape: (param.name != "_").then_some(func) };
    }
    name_uses(cx, body, param.name, func, body.start_byte(), depth)
}

/// The uses of `name` inside `scope` (a function body) after byte `after`. `decl`
/// is the node that declares it (skipped); any other declaration of the same name
/// in the scope is treated as an escape, since we cannot tell which one a use
/// refers to. Each identifier costs constant time (the literals around it are
/// looked at once for all of them), and the search ends at the first escape.
fn name_uses<'t>(
    cx: &FileContext<'t>,
    scope: Node<'t>,
    name: &str,
    decl: Node<'t>,
    after: usize,
    depth: usize,
) -> Uses<'t> {
    let (up, src) = (cx.ancestry(), cx.source);
    let mut out = Uses::default();
    let mut shadows = Shadows::new(up, scope, src, name);
    let mut runners = Runners::new(up, scope, src);
    for &ident in cx.identifiers().named(scope, name).iter() {
        if out.escape.is_some() {
            break;
        }
        if shadows.hide(ident) || ident == decl || ident.start_byte() < after {
            continue;
        }
        let runner = runners.of(ident);
        let parent = match up.parent(ident) {
            Some(p) => p,
            None => continue,
        };
        let op = match parent.kind_name() {
            "send_statement" if parent.child_by_field_name("channel") == Some(ident) => Some((Op::Send, parent)),
            "unary_expression" if go::receive_operand(parent) == Some(ident) => Some((Op::Receive, parent)),
            "range_clause" if parent.child_by_field_name("right") == Some(ident) => Some((Op::Range, parent)),
            _ => None,
        };
        if let Some((op, node)) = op {
            out.uses.push(Use { op, node, runner, site: node });
            continue;
        }
        if parent.kind_name() == "binary_expression" && is_nil_comparison(parent, src) {
            continue;
        }
        if parent.kind_name() != "argument_list" {
            out.escape.get_or_insert(ident);
            continue;
        }
        let Some(call) = up.parent(parent).filter(|c| c.kind_name() == "call_expression") else {
            out.escape.get_or_insert(ident);
            continue;
        };
        let args = go::named_children(parent);
        let index = args.iter().position(|a| *a == ident).unwrap_or(0);
        match go::callee(call, src) {
            Some((None, "close")) if args.len() == 1 => {
                out.uses.push(Use { op: Op::Close, node: call, runner, site: call });
                continue;
            }
            Some((None, "len" | "cap")) => continue,
            _ => {}
        }
        if args.iter().filter(|a| go::is_ident(**a, src, name)).count() > 1 || has_spread(call) {
            out.escape.get_or_insert(ident);
            continue;
        }
        // `go func(in chan T) { ... }(ch)` calls the literal; otherwise a function of the file.
        let callee = match call.child_by_field_name("function").map(go::unparen) {
            Some(lit) if lit.kind_name() == "func_literal" => Some(lit),
            _ => resolve_call(up, src, call),
        };
        let call_runner = runner_of_call(up, call, runner);
        let Some(callee) = callee.filter(|_| depth < MAX_CALL_DEPTH) else {
            out.escape.get_or_insert(ident);
            continue;
        };
        let inner = param_uses_at(cx, callee, index, depth + 1);
        let in_literal = callee.kind_name() == "func_literal";
        out.absorb(Uses {
            uses: inner
                .uses
                .into_iter()
                .map(|u| Use {
                    runner: match (u.runner, call_runner) {
                        (Runner::Owner, outer) => outer,
                        (inner_runner, _) => inner_runner,
                    },
                    // A literal is written inside the owner: its uses are their own sites.
                    site: if in_literal { u.site } else { call },
                    ..u
                })
                .collect(),
            escape: inner.escape,
        });
    }
    out
}

/// The function literals inside `scope` that declare a parameter `name`, met
/// while the identifiers of that name are swept in source order (each names
/// its literal's parameter): an identifier inside one refers to that parameter,
/// not to the channel followed. Each identifier costs constant time, however
/// deep the literals around it. (A `:=`, `var` or `range` redeclaring the name
/// is not a use we classify, so for channels it counts as an escape.)
struct Shadows<'a, 't> {
    up: &'a Ancestry<'t>,
    scope: Node<'t>,
    src: &'a str,
    name: &'a str,
    /// The shadowing literals around the last identifier swept, innermost last.
    open: Vec<Node<'t>>,
}

impl<'a, 't> Shadows<'a, 't> {
    fn new(up: &'a Ancestry<'t>, scope: Node<'t>, src: &'a str, name: &'a str) -> Self {
        Shadows { up, scope, src, name, open: Vec::new() }
    }

    /// Whether `ident`, an identifier `name` after those swept before, refers
    /// to a parameter of a literal around it.
    fn hide(&mut self, ident: Node<'t>) -> bool {
        if let Some(lit) = literal_with_parameter(self.up, ident) {
            self.close_before(lit.start_byte());
            self.open.push(lit);
        }
        self.close_before(ident.start_byte());
        // A use in the parameter list before the parameter (`func(n [len(ch)]int, ch chan T)`).
        let own_literal = || {
            self.up.enclosing_function(ident).is_some_and(|f| {
                f.kind_name() == "func_literal"
                    && go::contains(self.scope, f)
                    && go::shadows_as_param(f, self.src, self.name)
            })
        };
        !self.open.is_empty() || own_literal()
    }

    fn close_before(&mut self, at: usize) {
        while self.open.last().is_some_and(|l| l.end_byte() <= at) {
            self.open.pop();
        }
    }
}

/// The function literal that `ident` names a parameter of.
fn literal_with_parameter<'t>(up: &Ancestry<'t>, ident: Node<'t>) -> Option<Node<'t>> {
    let decl = up
        .parent(ident)
        .filter(|d| matches!(d.kind_name(), "parameter_declaration" | "variadic_parameter_declaration"))?;
    let mut cursor = decl.walk();
    if !decl.children_by_field_name("name", &mut cursor).any(|n| n == ident) {
        return None;
    }
    let list = up.parent(decl)?;
    let lit = up.parent(list).filter(|l| l.kind_name() == "func_literal")?;
    (lit.child_by_field_name("parameters") == Some(list)).then_some(lit)
}

/// Whether a use of `name` inside `scope` refers to something else: a function
/// literal between it and `scope` declares a parameter of that name. (A `:=`,
/// `var` or `range` redeclaring the name is not a use we classify, so for
/// channels it counts as an escape.)
pub fn shadowed<'t>(up: &Ancestry<'t>, ident: Node<'t>, scope: Node<'t>, src: &str, name: &str) -> bool {
    literals_within(up, ident, scope).any(|lit| go::shadows_as_param(lit, src, name))
}

/// The function literals around `node` inside `scope` (a function body), innermost first.
fn literals_within<'a, 't>(
    up: &'a Ancestry<'t>,
    node: Node<'t>,
    scope: Node<'t>,
) -> impl Iterator<Item = Node<'t>> + 'a {
    up.enclosing_functions(node).take_while(move |f| *f != scope && go::contains(scope, *f))
}

fn is_nil_comparison(binary: Node, src: &str) -> bool {
    let op = binary.child_by_field_name("operator").map(|o| text(o, src));
    let nil = [binary.child_by_field_name("left"), binary.child_by_field_name("right")]
        .into_iter()
        .flatten()
        .any(|side| side.kind_name() == "nil");
    matches!(op, Some("==" | "!=")) && nil
}

fn has_spread(call: Node) -> bool {
    call.child_by_field_name("arguments").is_some_and(|args| {
        let mut cursor = args.walk();
        args.children(&mut cursor).any(|c| c.kind_name() == "...")
    })
}

/// Who runs a node inside `scope`: the innermost goroutine or callback literal
/// between them, else the owner. Each literal's answer is kept, so nested
/// literals are walked through once, not once per identifier inside them.
struct Runners<'a, 't> {
    up: &'a Ancestry<'t>,
    scope: Node<'t>,
    src: &'a str,
    /// By literal: who runs the code directly inside it.
    known: HashMap<usize, Runner<'t>>,
}

impl<'a, 't> Runners<'a, 't> {
    fn new(up: &'a Ancestry<'t>, scope: Node<'t>, src: &'a str) -> Self {
        Runners { up, scope, src, known: HashMap::new() }
    }

    fn of(&mut self, node: Node<'t>) -> Runner<'t> {
        let mut unknown = Vec::new();
        let mut runner = Runner::Owner;
        for lit in literals_within(self.up, node, self.scope) {
            if let Some(&known) = self.known.get(&lit.id()) {
                runner = known;
                break;
            }
            unknown.push(lit);
            runner = literal_runner(lit, self.src, &|n| self.up.parent(n));
            if runner != Runner::Owner {
                break;
            }
        }
        // The literals walked through run as the one where the walk stopped, or
        // as the owner when none is started or handed over.
        for lit in unknown {
            self.known.insert(lit.id(), runner);
        }
        runner
    }
}

/// How a function literal runs: started by `go` or `x.Go(...)`, called or
/// deferred in place, or handed to someone else. `parent_of` is
/// [`Ancestry::parent`] when the caller has one (tree-sitter's own is linear in
/// the depth).
fn literal_runner<'t>(lit: Node<'t>, src: &str, parent_of: &dyn Fn(Node<'t>) -> Option<Node<'t>>) -> Runner<'t> {
    let Some(parent) = parent_of(lit) else {
        return Runner::Callback(lit);
    };
    match parent.kind_name() {
        "call_expression" if parent.child_by_field_name("function") == Some(lit) => match parent_of(parent) {
            Some(g) if g.kind_name() == "go_statement" => Runner::Goroutine(g),
            _ => Runner::Owner,
        },
        "parenthesized_expression" => literal_runner(parent, src, parent_of),
        "argument_list" => match parent_of(parent) {
            Some(call) if is_go_method_call(call, src) && go::named_children(parent).len() == 1 => {
                Runner::Goroutine(call)
            }
            _ => Runner::Callback(lit),
        },
        _ => Runner::Callback(lit),
    }
}

/// `x.Go(f)`: errgroup's and (since Go 1.25) sync.WaitGroup's way to start a goroutine.
fn is_go_method_call(call: Node, src: &str) -> bool {
    call.kind_name() == "call_expression" && matches!(go::callee(call, src), Some((Some(_), "Go")))
}

/// The runner of a call at a place run by `at`: a `go` statement's call runs
/// in the new goroutine.
fn runner_of_call<'t>(up: &Ancestry<'t>, call: Node<'t>, at: Runner<'t>) -> Runner<'t> {
    match up.parent(call) {
        Some(g) if g.kind_name() == "go_statement" => Runner::Goroutine(g),
        _ => at,
    }
}

/// The function or method of this file that `call` calls: `name(...)` gives the
/// only top-level function of that name, `x.name(...)` the only method of that
/// name. None when there is none or more than one.
pub fn resolve_call<'t>(up: &Ancestry<'t>, src: &str, call: Node<'t>) -> Option<Node<'t>> {
    let function = call.child_by_field_name("function").map(go::unparen)?;
    match function.kind_name() {
        "identifier" => up.top_level_function(false, text(function, src)),
        "selector_expression" => up.top_level_function(true, text(function.child_by_field_name("field")?, src)),
        _ => None,
    }
}

/// The function that a `go` statement (or `x.Go(...)` call) runs, when we can see
/// its body: a function literal, or a function or method of this file.
pub fn started_function<'t>(up: &Ancestry<'t>, src: &str, start: Node<'t>) -> Option<Node<'t>> {
    let call = if start.kind_name() == "go_statement" {
        go::go_call(start)?
    } else {
        let lit = go::call_args(start).into_iter().next().map(go::unparen)?;
        return (lit.kind_name() == "func_literal").then_some(lit);
    };
    let function = call.child_by_field_name("function").map(go::unparen)?;
    if function.kind_name() == "func_literal" {
        return Some(function);
    }
    resolve_call(up, src, call)
}

/// `g.Go(func() { ... })`: a call that starts the function literal it is given.
pub fn starts_its_literal(call: Node, src: &str) -> bool {
    let Some(args) = call.child_by_field_name("arguments").filter(|_| is_go_method_call(call, src)) else {
        return false;
    };
    let args = go::named_children(args);
    args.len() == 1 && go::unparen(args[0]).kind_name() == "func_literal"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::FileContext;
    use crate::syntax::parse_go;

    fn uses_of(src: &str, func_name: &str) -> Vec<(Op, String, &'static str)> {
        let tree = parse_go(src, None);
        let cx = FileContext::new(src, &tree, None, None, None);
        let func = cx.functions().iter().copied().find(|f| go::function_name(*f, src) == Some(func_name)).unwrap();
        let chan = made_channels(&cx, func)[0];
        let uses = local_uses(&cx, func, &chan);
        assert!(uses.escape.is_none(), "unexpected escape at {:?}", uses.escape.map(|e| text(e, src)));
        uses.uses
            .iter()
            .map(|u| {
                let runner = match u.runner {
                    Runner::Owner => "owner",
                    Runner::Goroutine(_) => "goroutine",
                    Runner::Callback(_) => "callback",
                };
                (u.op, text(u.node, src).to_string(), runner)
            })
            .collect()
    }

    #[test]
    fn follows_literals_parameters_and_functions_of_the_file() {
        let src = "package p\n\
            func drain(in <-chan int) { for range in {} }\n\
            func f(g interface{ Go(func() error) }) {\n\
            \tch := make(chan int)\n\
            \tgo drain(ch)\n\
            \tgo func(out chan<- int) { out <- 1 }(ch)\n\
            \tg.Go(func() error { <-ch; return nil })\n\
            \tdefer func() { close(ch) }()\n\
            \t_ = len(ch)\n\
            }\n";
        assert_eq!(
            uses_of(src, "f"),
            vec![
                (Op::Range, "range in".to_string(), "goroutine"),
                (Op::Send, "out <- 1".to_string(), "goroutine"),
                (Op::Receive, "<-ch".to_string(), "goroutine"),
                (Op::Close, "close(ch)".to_string(), "owner"),
            ]
        );
    }

    #[test]
    fn stores_returns_and_unknown_calls_escape() {
        for body in ["return ch", "s.c = ch", "register(ch)", "other := ch; _ = other", "ch = nil"] {
            let src = format!("package p\nfunc f() chan int {{\n\tch := make(chan int)\n\t{body}\n\treturn nil\n}}\n");
            let tree = parse_go(&src, None);
            let cx = FileContext::new(&src, &tree, None, None, None);
            let func = cx.functions()[0];
            let chan = made_channels(&cx, func)[0];
            assert!(local_uses(&cx, func, &chan).escape.is_some(), "{body} should escape");
        }
    }

    #[test]
    fn parameter_uses_answer_what_a_function_does_with_its_argument() {
        let src = "package p\nfunc relay(in <-chan int, out chan<- int) {\n\tdefer close(out)\n\tfor v := range in {\n\t\tgo func() { out <- v }()\n\t}\n}\n";
        let tree = parse_go(src, None);
        let cx = FileContext::new(src, &tree, None, None, None);
        let func = cx.functions()[0];
        let ops = |i: usize| {
            let uses = param_uses(&cx, func, i);
            assert!(uses.escape.is_none());
            uses.uses.iter().map(|u| (u.op, matches!(u.runner, Runner::Goroutine(_)))).collect::<Vec<_>>()
        };
        assert_eq!(ops(0), vec![(Op::Range, false)]);
        assert_eq!(ops(1), vec![(Op::Close, false), (Op::Send, true)]);
    }

    #[test]
    fn shadowing_parameters_hide_uses() {
        let src = "package p\nfunc f(other chan int) {\n\tch := make(chan int)\n\tgo func(ch chan int) { close(ch) }(other)\n\tch <- 1\n}\n";
        assert_eq!(uses_of(src, "f"), vec![(Op::Send, "ch <- 1".to_string(), "owner")]);
    }
}
