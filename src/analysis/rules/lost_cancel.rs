//! `lost-cancel`: the cancel function of `context.WithCancel`, `WithTimeout`,
//! `WithDeadline` (or a `Cause` variant) is discarded, or a path leaves without
//! calling it. `go vet`'s lostcancel reports the same; this rule exists for its fix.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, Skip, text};

pub struct LostCancel;

static META: RuleMeta = RuleMeta {
    name: "lost-cancel",
    summary: "cancel function of context.WithCancel/WithTimeout/WithDeadline discarded or not called on every path",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/lost-cancel.md"),
    requires: Requires { goroutines: false, any_text: &["WithCancel", "WithTimeout", "WithDeadline"] },
};

const DERIVES_CANCELLABLE: &[&str] =
    &["WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause"];

impl Rule for LostCancel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.context.is_empty() {
            return;
        }
        let src = cx.source;
        let root = cx.tree.root_node();
        for &func in cx.functions() {
            // Process exit cancels everything `main` derives.
            if go::is_process_entry(func, root, src) && go::function_name(func, src) == Some("main") {
                continue;
            }
            let Some(body) = go::body(func) else { continue };
            let mut derivations = Vec::new();
            go::walk_own(body, |n| derivations.extend(derivation(cx, n)));
            for d in derivations {
                check_derivation(cx, func, &d, out);
            }
        }
    }
}

/// `ctx, cancel := context.WithTimeout(...)` and its `=` and `var` forms.
struct Derivation<'t> {
    /// The whole statement (a `var` declaration for the `var` form).
    stmt: Node<'t>,
    /// The `context` function called, e.g. `WithTimeout`.
    constructor: &'t str,
    /// The file's import name for `context`, as written in the call.
    context_pkg: &'t str,
    ctx: Node<'t>,
    cancel: Node<'t>,
}

impl Derivation<'_> {
    /// `WithCancelCause` gives a `CancelCauseFunc`, which takes the cause.
    fn takes_cause(&self) -> bool {
        self.constructor == "WithCancelCause"
    }

    fn call_text(&self, name: &str) -> String {
        if self.takes_cause() { format!("{name}(nil)") } else { format!("{name}()") }
    }
}

fn derivation<'t>(cx: &FileContext<'t>, stmt: Node<'t>) -> Option<Derivation<'t>> {
    let src = cx.source;
    let (left, right) = match stmt.kind_name() {
        "short_var_declaration" => (stmt.child_by_field_name("left")?, stmt.child_by_field_name("right")?),
        "assignment_statement" => {
            if stmt.child_by_field_name("operator").map(|o| text(o, src)) != Some("=") {
                return None;
            }
            (stmt.child_by_field_name("left")?, stmt.child_by_field_name("right")?)
        }
        "var_spec" => {
            let mut cursor = stmt.walk();
            let names: Vec<Node> = stmt.children_by_field_name("name", &mut cursor).collect();
            let values = go::named_children(stmt.child_by_field_name("value")?);
            let decl = cx.ancestry().parent(stmt).filter(|p| p.kind_name() == "var_declaration")?;
            return match (names.as_slice(), values.as_slice()) {
                ([ctx, cancel], [call]) => build(cx, decl, go::unparen(*call), *ctx, *cancel),
                _ => None,
            };
        }
        _ => return None,
    };
    match (go::named_children(left).as_slice(), go::named_children(right).as_slice()) {
        ([ctx, cancel], [call]) => build(cx, stmt, go::unparen(*call), *ctx, *cancel),
        _ => None,
    }
}

fn build<'t>(
    cx: &FileContext<'t>,
    stmt: Node<'t>,
    call: Node<'t>,
    ctx: Node<'t>,
    cancel: Node<'t>,
) -> Option<Derivation<'t>> {
    let src = cx.source;
    if !go::is_pkg_call(call, src, &cx.imports.context, DERIVES_CANCELLABLE) {
        return None;
    }
    let (Some(context_pkg), constructor) = go::callee(call, src)? else {
        return None;
    };
    Some(Derivation { stmt, constructor, context_pkg, ctx, cancel })
}

fn check_derivation<'t>(cx: &FileContext<'t>, func: Node<'t>, d: &Derivation<'t>, out: &mut Vec<Finding>) {
    let src = cx.source;
    // A cancel stored in a field or slot is someone else's to call.
    if d.cancel.kind_name() != "identifier" {
        return;
    }
    let pkg = d.context_pkg;
    let constructor = d.constructor;
    let name = text(d.cancel, src);
    if name == "_" {
        let lifetime = if constructor.contains("Timeout") || constructor.contains("Deadline") {
            "until its timer fires or its parent is cancelled"
        } else {
            "until its parent is cancelled"
        };
        let mut finding = Finding::new(
            META.name,
            META.default_severity,
            d.cancel.byte_range(),
            format!(
                "the cancel function of {pkg}.{constructor} is discarded: the derived context and its resources live {lifetime}"
            ),
        );
        if let Some(fix) = discard_fix(src, func, d) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
        return;
    }
    let up = cx.ancestry();
    let Some(list) = up.parent(d.stmt).filter(|p| p.kind_name() == "statement_list") else {
        return;
    };
    if d.stmt.kind_name() == "assignment_statement" && !declared_before_in(list, d.stmt, name, src) {
        // Declared in an outer block, a named result or another function: its
        // other uses are out of sight.
        return;
    }
    let is_use = |n: Node<'t>| !cx.identifiers().named(n, name).is_empty();
    let Some(exits) = go::exits_skipping(list, Some(d.stmt), src, &is_use) else {
        return;
    };
    let in_function_body = up.parent(list).is_some_and(|b| Some(b) == go::body(func));
    let exits: Vec<Skip> = exits
        .into_iter()
        // A function with results cannot fall off its end; if the walk says it can, it lost track.
        .filter(|e| !(*e == Skip::End && in_function_body && go::has_results(func)))
        .collect();
    let Some(first) = exits.first() else { return };
    let describe = |e: &Skip| -> (std::ops::Range<usize>, String) {
        match e {
            Skip::Return(n) => (n.byte_range(), format!("the return on line {}", go::line_of(*n))),
            Skip::Jump(n) => (n.byte_range(), format!("the {} on line {}", text(*n, src), go::line_of(*n))),
            Skip::End => {
                // The closing brace of a block; a case clause has none, so its end.
                let holder = up.parent(list).unwrap_or(list);
                let range = go::closing_brace(holder).map_or(list.end_byte()..list.end_byte(), |b| b.byte_range());
                let what = if in_function_body { "the end of the function" } else { "leaving the block" };
                (range.clone(), format!("{what} on line {}", go::line_at(func, src, range.start)))
            }
        }
    };
    let (_, first_text) = describe(first);
    let mut finding = Finding::new(
        META.name,
        META.default_severity,
        d.cancel.byte_range(),
        format!("`{name}` from {pkg}.{constructor} is not called on every path: {first_text} skips it"),
    );
    for e in &exits {
        let (range, what) = describe(e);
        finding = finding.with_related(range, format!("{what} leaves without calling `{name}`"));
    }
    if let Some(fix) = skipped_fix(src, func, d, list, &exits) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// Whether a `var` or `:=` of the list, before `stmt`, declares `name`.
fn declared_before_in(list: Node, stmt: Node, name: &str, src: &str) -> bool {
    go::named_children(list)
        .into_iter()
        .take_while(|s| *s != stmt)
        .filter(|s| matches!(s.kind_name(), "var_declaration" | "short_var_declaration"))
        .any(|s| go::declared(s).iter().any(|(ident, _)| text(*ident, src) == name))
}

/// For a discarded cancel: name it, then defer the call, or in a loop call it on
/// every way out of the iteration.
fn discard_fix(src: &str, func: Node, d: &Derivation) -> Option<Fix> {
    let (reach, tracked) = reach(src, func, d);
    if reach == Reach::Direct {
        return None;
    }
    let list = d.stmt.parent().filter(|p| p.kind_name() == "statement_list")?;
    let name = go::fresh_name(go::nesting(func).last().unwrap_or(func), src, "cancel", &[]);
    let mut edits = Vec::new();
    if d.stmt.kind_name() == "assignment_statement" {
        // `ctx, _ = ...` assigns existing variables: declare the new one first.
        let ty = if d.takes_cause() { "CancelCauseFunc" } else { "CancelFunc" };
        let indent = go::indent_at(src, d.stmt.start_byte());
        edits.push(TextEdit::insert(d.stmt.start_byte(), format!("var {name} {}.{ty}\n{indent}", d.context_pkg)));
    }
    edits.push(TextEdit::replace(d.cancel.byte_range(), name.clone()));
    // With no timer the derived context was as long-lived as its parent: a
    // consumer may rely on that, so cancelling it needs a look.
    let timed = d.constructor.contains("Timeout") || d.constructor.contains("Deadline");
    let safe = reach == Reach::Local && timed;
    let every_exit = if in_loop(func, d) { go::exits_skipping(list, Some(d.stmt), src, &|_| false) } else { None };
    let call = d.call_text(&name);
    let (placement, safe, title) =
        match every_exit.and_then(|exits| before_exits_edits(src, d, list, &name, &exits, &tracked)) {
            Some(before) => {
                (before, safe, format!("Name the cancel function and call `{call}` on every way out of the iteration"))
            }
            None => (
                vec![defer_edit(src, d, &name)?],
                safe && !in_loop(func, d),
                format!("Name the cancel function and add `defer {call}`"),
            ),
        };
    edits.extend(placement);
    Some(Fix { title, edits, applicability: if safe { Applicability::Safe } else { Applicability::Unsafe } })
}

/// For a cancel some paths skip: `defer cancel()` after the derivation, or, when
/// the context leaves the function or the derivation is in a loop (where deferred
/// calls pile up until return), `cancel()` before each way out that skips it.
fn skipped_fix(src: &str, func: Node, d: &Derivation, list: Node, exits: &[Skip]) -> Option<Fix> {
    let (reach, tracked) = reach(src, func, d);
    let name = text(d.cancel, src);
    let call = d.call_text(name);
    let before = || before_exits_edits(src, d, list, name, exits, &tracked);
    let deferred = || defer_edit(src, d, name).map(|e| vec![e]);
    let looped = in_loop(func, d);
    let (edits, safe, before_exits) = match reach {
        // A deferred cancel would cut the context off from its new holder.
        Reach::Direct => (before()?, false, true),
        _ if looped => match before() {
            Some(edits) => (edits, reach == Reach::Local, true),
            None => (deferred()?, false, false),
        },
        _ => (deferred()?, reach == Reach::Local, false),
    };
    let title =
        if before_exits { format!("Call `{call}` on the paths that skip it") } else { format!("Add `defer {call}`") };
    Some(Fix { title, edits, applicability: if safe { Applicability::Safe } else { Applicability::Unsafe } })
}

fn in_loop(func: Node, d: &Derivation) -> bool {
    go::body(func).is_some_and(|b| go::in_loop_within(d.stmt, b))
}

/// `defer cancel()` on the line after the derivation.
fn defer_edit(src: &str, d: &Derivation, name: &str) -> Option<TextEdit> {
    let stmt = d.stmt;
    let at = go::after_line_of(src, stmt)?;
    let indent = go::indent_at(src, stmt.start_byte());
    Some(TextEdit::insert(at, format!("{indent}defer {}\n", d.call_text(name))))
}

/// `cancel()` on its own line before each exit (after the last statement for
/// falling off the end). None when an exit shares its line with other code, or a
/// return still computes with the context (cancelling first would break it).
fn before_exits_edits(
    src: &str,
    d: &Derivation,
    list: Node,
    name: &str,
    exits: &[Skip],
    tracked: &[String],
) -> Option<Vec<TextEdit>> {
    let call = d.call_text(name);
    let mut edits = Vec::new();
    for exit in exits {
        match exit {
            Skip::Return(n) | Skip::Jump(n) => {
                let start = n.start_byte();
                if !src[go::line_start(src, start)..start].trim().is_empty() {
                    return None;
                }
                if tracked.iter().any(|t| !go::idents_named(*n, src, t).is_empty()) {
                    return None;
                }
                edits.push(TextEdit::insert(start, format!("{call}\n{}", go::indent_at(src, start))));
            }
            Skip::End => {
                let last = go::named_children(list).into_iter().rev().find(|n| n.kind_name() != "comment")?;
                let at = go::after_line_of(src, last)?;
                edits.push(TextEdit::insert(at, format!("{}{call}\n", go::indent_at(src, last.start_byte()))));
            }
        }
    }
    Some(edits)
}

/// How far the derived context may travel beyond the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// Only used inside the function: cancelling at return is invisible.
    Local,
    /// A value computed from it (`req, _ := http.NewRequestWithContext(ctx, ...)`)
    /// leaves the function; that value may still use the context.
    Derived,
    /// The context itself (or the cancel function) is returned, stored, sent or
    /// given to a goroutine: its new holder outlives the function.
    Direct,
}

/// How far the derived context reaches: values assigned from it are followed;
/// plain copies (`x := ctx`, `w := worker{ctx: ctx}`) keep the context's reach,
/// values computed by calls or other expressions get `Derived`. Errors (`err`)
/// and `ok` flags are taken not to hold a context.
fn reach(src: &str, func: Node, d: &Derivation) -> (Reach, Vec<String>) {
    let Some(body) = go::body(func) else {
        return (Reach::Direct, Vec::new());
    };
    let after = d.stmt.end_byte();
    if d.ctx.kind_name() != "identifier" || d.cancel.kind_name() != "identifier" {
        return (Reach::Direct, Vec::new());
    }
    let cancel = text(d.cancel, src);
    let handed_on = cancel != "_" && cancel_handed_on(body, src, cancel, after);
    let mut tracked: Vec<(String, Reach)> = match text(d.ctx, src) {
        "_" if handed_on => return (Reach::Direct, Vec::new()),
        "_" => return (Reach::Local, Vec::new()),
        ctx => vec![(ctx.to_string(), Reach::Direct)],
    };
    let results: Vec<&str> = func
        .child_by_field_name("result")
        .map(|r| go::descendants_of_kind(r, "identifier").iter().map(|i| text(*i, src)).collect())
        .unwrap_or_default();
    let local = declared_names(func, src);
    // The strongest reach among the tracked names `n` mentions. Outside a `go`
    // statement, a name passed to a call only reaches as far as the call's result.
    let reach_of = |n: Node, tracked: &[(String, Reach)]| {
        let mut strongest = Reach::Local;
        go::walk(n, |c| {
            let found = tracked.iter().find(|(t, _)| c.kind_name() == "identifier" && t == text(c, src));
            if let Some((_, r)) = found {
                let through_call = n.kind_name() != "go_statement" && passed_to_call(c, n);
                strongest = strongest.max(if through_call { Reach::Derived.min(*r) } else { *r });
            }
            go::Walk::Continue
        });
        strongest
    };
    let mut assignments = Vec::new();
    let mut sinks = Vec::new();
    go::walk(body, |n| {
        if n.start_byte() >= after {
            match n.kind_name() {
                "short_var_declaration" | "assignment_statement" | "var_spec" => assignments.push(n),
                // A closure's return hands its value to whoever calls the closure.
                "return_statement" if go::enclosing_function(n) != Some(func) => {}
                "return_statement" | "go_statement" | "send_statement" => sinks.push(n),
                _ => {}
            }
        }
        go::Walk::Continue
    });
    let mut escape = if handed_on { Reach::Direct } else { Reach::Local };
    // Follow values built from the context until nothing new is tracked.
    loop {
        let before = tracked.len();
        for &a in &assignments {
            let (targets, value) = match a.kind_name() {
                "var_spec" => {
                    let mut cursor = a.walk();
                    (a.children_by_field_name("name", &mut cursor).collect::<Vec<_>>(), a.child_by_field_name("value"))
                }
                _ => (
                    a.child_by_field_name("left").map(go::named_children).unwrap_or_default(),
                    a.child_by_field_name("right"),
                ),
            };
            let Some(value) = value else { continue };
            let source = reach_of(value, &tracked);
            if source == Reach::Local {
                continue;
            }
            let copies = go::named_children(value).iter().all(|v| is_plain_copy(*v));
            let carried = if copies { source } else { Reach::Derived };
            for target in targets {
                let name = text(target, src);
                if target.kind_name() != "identifier" {
                    // Stored into a field, slot or through a pointer.
                    escape = escape.max(carried);
                    continue;
                }
                if matches!(name, "_" | "err" | "ok") || tracked.iter().any(|(t, _)| t == name) {
                    continue;
                }
                let outside = a.kind_name() == "assignment_statement" && !local.iter().any(|l| l == name);
                if outside || results.contains(&name) {
                    escape = escape.max(carried);
                    continue;
                }
                tracked.push((name.to_string(), carried));
            }
        }
        if tracked.len() == before {
            break;
        }
    }
    // An error, a flag or a number cannot carry the context out.
    let plain_results = returns_only_plain_values(func, src);
    let reach = sinks
        .iter()
        .filter(|s| !(plain_results && s.kind_name() == "return_statement"))
        .fold(escape, |e, s| e.max(reach_of(*s, &tracked)));
    (reach, tracked.into_iter().map(|(name, _)| name).collect())
}

/// Whether every result of the function is an `error`, a string or a number or
/// flag type: values that cannot hold a context.
fn returns_only_plain_values(func: Node, src: &str) -> bool {
    const PLAIN: &[&str] = &[
        "error", "bool", "string", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
        "uint32", "uint64", "uintptr", "float32", "float64",
    ];
    let Some(result) = func.child_by_field_name("result") else { return true };
    let types: Vec<&str> = if result.kind_name() == "parameter_list" {
        go::named_children(result).iter().filter_map(|p| p.child_by_field_name("type")).map(|t| text(t, src)).collect()
    } else {
        vec![text(result, src)]
    };
    types.iter().all(|t| PLAIN.contains(t))
}

/// Whether `ident` is (part of) an argument of a call inside `within`.
fn passed_to_call(ident: Node, within: Node) -> bool {
    let mut cur = ident.parent();
    while let Some(n) = cur {
        if n.kind_name() == "argument_list" {
            return true;
        }
        if n == within {
            return false;
        }
        cur = n.parent();
    }
    false
}

/// An expression that passes its operand on unchanged: a name, a composite
/// literal holding it, its address, or a closure capturing it.
fn is_plain_copy(value: Node) -> bool {
    let value = go::unparen(value);
    match value.kind_name() {
        "identifier" | "composite_literal" | "func_literal" => true,
        "unary_expression" => {
            value.child_by_field_name("operand").is_some_and(|o| o.kind_name() == "composite_literal")
        }
        _ => false,
    }
}

/// Whether the cancel function is used other than by calling it (or assigning it
/// anew): returned, stored, passed on. Its new holder then decides when to call it.
fn cancel_handed_on(body: Node, src: &str, cancel: &str, after: usize) -> bool {
    go::idents_named(body, src, cancel).into_iter().filter(|i| i.start_byte() >= after).any(|ident| {
        let Some(parent) = ident.parent() else {
            return true;
        };
        let called = parent.kind_name() == "call_expression" && parent.child_by_field_name("function") == Some(ident);
        let assigned = parent.kind_name() == "expression_list"
            && parent.parent().is_some_and(|s| {
                s.kind_name() == "assignment_statement" && s.child_by_field_name("left") == Some(parent)
            });
        !called && !assigned
    })
}

/// Names declared inside the function: parameters, `:=`, `var` and range variables.
fn declared_names(func: Node, src: &str) -> Vec<String> {
    let mut names: Vec<String> = go::params(func, src).iter().map(|p| p.name.to_string()).collect();
    go::walk(func, |n| {
        match n.kind_name() {
            "short_var_declaration" | "var_declaration" => {
                names.extend(go::declared(n).iter().map(|(i, _)| text(*i, src).to_string()))
            }
            "range_clause" => {
                if let Some(left) = n.child_by_field_name("left") {
                    names.extend(go::named_children(left).iter().map(|i| text(*i, src).to_string()));
                }
            }
            "parameter_declaration" => names.extend(n.child_by_field_name("name").map(|i| text(i, src).to_string())),
            _ => {}
        }
        go::Walk::Continue
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::testing;

    use crate::analysis::gomod::GoVersion;

    /// (function name, applicability of the first fix) for each finding of a fixture file.
    fn fix_safety(file: &str) -> Vec<(String, Option<Applicability>)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/lost-cancel").join(file);
        let src = std::fs::read_to_string(path).unwrap();
        let tree = crate::syntax::parse_go(&src, None);
        testing::check(&LostCancel, &src, GoVersion::parse("1.22"))
            .iter()
            .map(|f| {
                let node = tree.root_node().descendant_for_byte_range(f.range.start, f.range.end).unwrap();
                let func = go::enclosing_function(node).unwrap();
                let name = go::function_name(func, &src).unwrap_or("literal").to_string();
                (name, f.fixes.first().map(|fix| fix.applicability))
            })
            .collect()
    }

    #[test]
    fn fixes_are_safe_only_when_the_context_stays_inside() {
        use Applicability::{Safe, Unsafe};
        let expected = [
            ("Count", Some(Safe)),
            // The response still reads through the context after return.
            ("fetchStatus", Some(Unsafe)),
            // No timer: the context lived as long as its parent.
            ("Ping", Some(Unsafe)),
            ("Purge", Some(Safe)),
            ("PingRetry", Some(Safe)),
            ("Drain", Some(Unsafe)),
            ("Vacuum", Some(Safe)),
        ];
        let expected: Vec<_> = expected.iter().map(|(n, a)| (n.to_string(), *a)).collect();
        assert_eq!(fix_safety("discarded.go"), expected);
        let paths = fix_safety("paths.go");
        // The context goes to the caller: cancel on the error path, for review.
        assert!(paths.contains(&("dialContext".to_string(), Some(Unsafe))), "{paths:?}");
        assert!(paths.iter().filter(|(n, _)| n != "dialContext").all(|(_, a)| *a == Some(Safe)), "{paths:?}");
        assert_eq!(paths.len(), 8);
        let nofix = fix_safety("nofix/nofix.go");
        assert!(nofix.len() == 3 && nofix.iter().all(|(_, a)| a.is_none()), "{nofix:?}");
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        testing::survives_truncation(&LostCancel);
    }
}
