//! `background-context`: `context.Background()` or `context.TODO()` given to a
//! goroutine while a `context.Context` parameter or an `*http.Request` is in
//! scope, so nothing can stop the goroutine; and, at a lower severity, calls that
//! drop the context in scope the same way.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::NodeKind;
use crate::analysis::go::{self, text};

pub struct BackgroundContext;

static META: RuleMeta = RuleMeta {
    name: "background-context",
    summary: "context.Background()/TODO() given to a goroutine (or a call) while a ctx or *http.Request is in scope",
    // Information: on the triage corpus (docs/triage/) the goroutine findings fell
    // below the 80% precision a warning needs.
    default_severity: Severity::Info,
    docs: include_str!("../../../docs/rules/background-context.md"),
    requires: Requires { goroutines: false, any_text: &["Background()", "TODO()"] },
};

/// Constructors whose context ends on its own: a goroutine given one is bounded.
const BOUNDED: &[&str] = &["WithTimeout", "WithDeadline", "WithTimeoutCause", "WithDeadlineCause"];

impl Rule for BackgroundContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        if cx.imports.context.is_empty() {
            return;
        }
        for &call in cx.calls() {
            if go::is_pkg_call(call, cx.source, &cx.imports.context, &["Background", "TODO"])
                && go::call_args(call).is_empty()
            {
                check_call(cx, call, out);
            }
        }
    }
}

/// Where a `context.Background()` ends up.
enum Use<'t> {
    /// An argument of the call a `go` statement starts.
    GoArgument(Node<'t>),
    /// Inside the function literal a `go` statement runs.
    GoBody(Node<'t>),
    /// An argument of an ordinary call.
    CallArgument,
}

fn check_call(cx: &FileContext, call: Node, out: &mut Vec<Finding>) {
    let src = cx.source;
    let Some(func) = go::enclosing_function(call) else {
        return;
    };
    // Tests and their helpers: cancellation is the test's business.
    if go::nesting(func).any(|f| go::is_test_entry(f, src) || go::takes_testing(f, src)) {
        return;
    }
    let Some(ctx) = ctx_param(cx, func) else {
        return;
    };
    if knows_ctx_is_done(func, call, &ctx, src) || is_deferred(call) || in_nil_branch(call, &ctx.expr, src) {
        return;
    }
    let name = text(call, src);
    // A detached context with its own deadline ends on its own: that is the way
    // to detach on purpose (what the detach fix writes), not a leak.
    let bounded = call
        .parent()
        .and_then(|args| args.parent())
        .is_some_and(|outer| go::is_pkg_call(outer, src, &cx.imports.context, BOUNDED));
    if bounded || stored_in_field(cx, call) {
        return;
    }
    let use_site = match goroutine_of(call) {
        // A goroutine that watches the context in scope can be cancelled: the
        // background context only detaches one call inside it.
        Some(Use::GoBody(go_stmt)) if is_call_argument(call) && watches(go_stmt, &ctx, src) => Use::CallArgument,
        Some(site) => site,
        None if is_call_argument(call) => Use::CallArgument,
        None => return,
    };
    // Only a callee known to use its context is cut off from cancellation: one
    // that ignores it (`_ context.Context`), or one we cannot see, is not reported.
    if !callee_uses_context(cx, call) {
        return;
    }
    // Outside a goroutine, `context.WithCancel(context.Background())` makes a
    // context of the code's own, cancelled by it: no call's cancellation is lost.
    let derives = call.parent().and_then(|a| a.parent()).is_some_and(|outer| {
        go::is_pkg_call(outer, src, &cx.imports.context, &["WithCancel", "WithCancelCause", "WithValue"])
    });
    if derives && matches!(use_site, Use::CallArgument) {
        return;
    }
    let ctx_text = ctx.expr.as_str();
    let finding = match use_site {
        Use::CallArgument => {
            let message = format!(
                "{name} passed to a call while `{ctx_text}` is in scope: the call ignores its cancellation (information: the detached context may be deliberate)"
            );
            Finding::new(META.name, Severity::Info, call.byte_range(), message).with_fix(Fix {
                title: format!("Pass `{ctx_text}` instead"),
                edits: vec![TextEdit::replace(call.byte_range(), ctx_text)],
                applicability: Applicability::Unsafe,
            })
        }
        Use::GoArgument(go_stmt) | Use::GoBody(go_stmt) => {
            let message = format!(
                "goroutine gets {name} while `{ctx_text}` is in scope: nothing can cancel it, so it can outlive its caller forever"
            );
            let use_ctx = Fix {
                title: format!("Use `{ctx_text}` (the goroutine then stops when it is cancelled)"),
                edits: vec![TextEdit::replace(call.byte_range(), ctx_text)],
                applicability: Applicability::Unsafe,
            };
            let detach = detach_fix(cx, call, go_stmt, &use_site, &ctx);
            let mut finding = Finding::new(META.name, META.default_severity, call.byte_range(), message)
                .with_related(go_stmt.byte_range(), "the goroutine starts here".to_string());
            // A request's context ends when the handler returns, before most
            // detached work does: for a request, detaching is the better first offer.
            match detach {
                Some(detach) if ctx.from_request => finding = finding.with_fix(detach).with_fix(use_ctx),
                Some(detach) => finding = finding.with_fix(use_ctx).with_fix(detach),
                None => finding = finding.with_fix(use_ctx),
            }
            finding
        }
    };
    out.push(finding);
}

/// The context in scope, from a parameter: a `context.Context` parameter, else
/// `r.Context()` for an `*http.Request` parameter `r`, nearest function first.
struct ScopeCtx {
    expr: String,
    from_request: bool,
}

fn ctx_param(cx: &FileContext, func: Node) -> Option<ScopeCtx> {
    let src = cx.source;
    go::nesting(func).find_map(|f| {
        let params = go::params(f, src);
        if let Some(p) = params.iter().find(|p| p.name != "_" && go::is_context_type(p.ty, &cx.imports)) {
            return Some(ScopeCtx { expr: p.name.to_string(), from_request: false });
        }
        // A request is the caller's only in a handler, beside its ResponseWriter: a
        // client's request (built with http.NewRequest and handed to a helper) is
        // not a context the code was given to honour.
        let handler = params.iter().any(|p| cx.imports.http.iter().any(|h| p.ty == format!("{h}.ResponseWriter")));
        params
            .iter()
            .find(|p| handler && p.name != "_" && go::is_request_type(p.ty, &cx.imports))
            .map(|p| ScopeCtx { expr: format!("{}.Context()", p.name), from_request: true })
    })
}

/// Whether the code waited for the context in scope to be done before the call
/// (`<-ctx.Done()` as a statement, or the call sits in a `case <-ctx.Done():`):
/// then a fresh context is deliberate, as in shutdown code.
fn knows_ctx_is_done(func: Node, call: Node, ctx: &ScopeCtx, src: &str) -> bool {
    let outer = go::nesting(func).last().unwrap_or(func);
    let mut found = false;
    go::walk(outer, |n| {
        let is_done_wait = go::receive_operand(n).is_some_and(|op| {
            op.kind_name() == "call_expression"
                && op.child_by_field_name("function").is_some_and(|f| {
                    f.kind_name() == "selector_expression"
                        && f.child_by_field_name("field").is_some_and(|d| text(d, src) == "Done")
                        && f.child_by_field_name("operand").is_some_and(|o| text(o, src) == ctx.expr)
                })
        });
        if is_done_wait {
            let statement_before = n.parent().is_some_and(|p| p.kind_name() == "expression_statement")
                && n.end_byte() <= call.start_byte();
            let case = n.parent().filter(|p| p.kind_name() == "communication_case").or_else(|| {
                n.parent()
                    .filter(|p| p.kind_name() == "receive_statement")
                    .and_then(|p| p.parent())
                    .filter(|c| c.kind_name() == "communication_case")
            });
            found |= statement_before || case.is_some_and(|c| go::contains(c, call));
        }
        go::Walk::Continue
    });
    found
}

/// Whether the call sits in the `if ctx == nil { ... }` branch of the context in
/// scope: there is no context to pass, and a background one is the fallback.
fn in_nil_branch(call: Node, ctx: &str, src: &str) -> bool {
    std::iter::successors(call.parent(), |n| n.parent()).take_while(|n| !go::is_function(*n)).any(|n| {
        let Some(parent) = n.parent().filter(|p| p.kind_name() == "if_statement") else { return false };
        parent.child_by_field_name("consequence") == Some(n)
            && parent.child_by_field_name("condition").map(go::unparen).is_some_and(|cond| {
                cond.kind_name() == "binary_expression"
                    && cond.child_by_field_name("operator").is_some_and(|o| text(o, src) == "==")
                    && [cond.child_by_field_name("left"), cond.child_by_field_name("right")]
                        .into_iter()
                        .flatten()
                        .any(|side| text(side, src) == ctx)
                    && [cond.child_by_field_name("left"), cond.child_by_field_name("right")]
                        .into_iter()
                        .flatten()
                        .any(|side| side.kind_name() == "nil")
            })
    })
}

/// Whether the background context, or a context derived from it
/// (`context.WithCancel(context.Background())`), is stored in a field: it then
/// lives as long as the object that holds it (a process shared by requests, a
/// server), which is not the lifetime of the context in scope.
fn stored_in_field(cx: &FileContext, call: Node) -> bool {
    let src = cx.source;
    let mut value = call;
    while let Some(outer) = value.parent().filter(|a| a.kind_name() == "argument_list").and_then(|a| a.parent()) {
        if !go::is_pkg_call(outer, src, &cx.imports.context, &["WithCancel", "WithCancelCause", "WithValue"]) {
            break;
        }
        value = outer;
    }
    let Some(list) = value.parent().filter(|p| p.kind_name() == "expression_list") else { return false };
    let Some(assignment) = list.parent().filter(|a| a.kind_name() == "assignment_statement") else { return false };
    if assignment.child_by_field_name("right") != Some(list) {
        return false;
    }
    let left = assignment.child_by_field_name("left").map(go::named_children).unwrap_or_default();
    left.first().is_some_and(|target| target.kind_name() == "selector_expression")
}

/// Deferred calls run when the function returns, when its context may be done
/// already: cleanup there uses a fresh context on purpose.
fn is_deferred(call: Node) -> bool {
    let mut cur = call.parent();
    while let Some(n) = cur {
        // `defer func() { ... }()`: the literal's body is the deferred cleanup.
        if n.kind_name() == "func_literal" {
            let deferred_literal = n
                .parent()
                .filter(|c| c.kind_name() == "call_expression" && c.child_by_field_name("function") == Some(n))
                .and_then(|c| c.parent())
                .is_some_and(|d| d.kind_name() == "defer_statement");
            if !deferred_literal {
                return false;
            }
        } else if go::is_function(n) {
            return false;
        }
        if n.kind_name() == "defer_statement" {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// Whether the call that `value` is an argument of resolves to a function (of this
/// file, this package or a package of the module, or the literal a `go` statement
/// runs) whose parameter at that position is named and used in its body. A value
/// that is no call's argument (kept in a local by a goroutine) or that derives a
/// context with the `context` package is judged where it goes, as before.
fn callee_uses_context(cx: &FileContext, value: Node) -> bool {
    let src = cx.source;
    let Some(call) = value.parent().filter(|p| p.kind_name() == "argument_list").and_then(|a| a.parent()) else {
        return true;
    };
    if go::is_pkg_call(call, src, &cx.imports.context, &["WithCancel", "WithCancelCause", "WithValue"]) {
        return true;
    }
    let Some(index) = go::call_args(call).iter().position(|a| *a == value) else { return false };
    let Some(function) = call.child_by_field_name("function").map(go::unparen) else { return false };
    if function.kind_name() == "func_literal" {
        return param_used(function, index, src);
    }
    let named_used = |name: &str, used: bool| name != "_" && !name.is_empty() && used;
    // `namespaces.WithNamespace(context.Background(), ns)`: by Go's naming, a
    // `With...` function derives a context from its first argument. Rebuilding a
    // context from Background with values carried over detaches on purpose; what
    // the derived context is then used for is not followed.
    let callee_name = match function.kind_name() {
        "selector_expression" => function.child_by_field_name("field").map(|f| text(f, src)),
        _ => Some(text(function, src)),
    };
    if index == 0 && callee_name.is_some_and(|n| n.starts_with("With") || n.starts_with("with")) {
        return false;
    }
    match function.kind_name() {
        "identifier" => {
            let name = text(function, src);
            if let Some(summary) = cx.package_function(name) {
                return summary.params.get(index).is_some_and(|p| named_used(&p.name, p.effects.used));
            }
            let decl = go::named_children(cx.tree.root_node())
                .into_iter()
                .find(|d| d.kind_name() == "function_declaration" && go::function_name(*d, src) == Some(name));
            decl.is_some_and(|d| param_used(d, index, src))
        }
        "selector_expression" => {
            let (Some(operand), Some(method)) =
                (function.child_by_field_name("operand"), function.child_by_field_name("field"))
            else {
                return false;
            };
            let (holder, method) = (text(operand, src), text(method, src));
            if operand.kind_name() != "identifier" {
                return false;
            }
            if let Some(summary) = cx.imported_function(holder, method) {
                return summary.params.get(index).is_some_and(|p| named_used(&p.name, p.effects.used));
            }
            // A method of the receiver of the method around the call, declared in this file.
            let Some(receiver_type) = go::enclosing_function(call)
                .and_then(|f| go::nesting(f).last())
                .and_then(|outer| go::receiver(outer, src).filter(|r| r.name == holder).map(|r| r.ty))
            else {
                return false;
            };
            let receiver_type = crate::analysis::summary::base_type_name(receiver_type);
            go::named_children(cx.tree.root_node())
                .into_iter()
                .find(|d| {
                    d.kind_name() == "method_declaration"
                        && go::function_name(*d, src) == Some(method)
                        && go::receiver(*d, src)
                            .is_some_and(|r| crate::analysis::summary::base_type_name(r.ty) == receiver_type)
                })
                .is_some_and(|d| param_used(d, index, src))
        }
        _ => false,
    }
}

/// Whether the goroutine's code refers to the context in scope (`ctx`, or the
/// request `r` of `r.Context()`).
fn watches(go_stmt: Node, ctx: &ScopeCtx, src: &str) -> bool {
    let name = ctx.expr.split('.').next().unwrap_or(&ctx.expr);
    !go::idents_named(go_stmt, src, name).is_empty()
}

/// Whether parameter `index` of the declaration `decl` is named and its body refers to it.
fn param_used(decl: Node, index: usize, src: &str) -> bool {
    let params = go::params(decl, src);
    let Some(param) = params.get(index).filter(|p| p.name != "_") else { return false };
    go::body(decl).is_some_and(|b| !go::idents_named(b, src, param.name).is_empty())
}

fn is_call_argument(call: Node) -> bool {
    call.parent().is_some_and(|p| p.kind_name() == "argument_list")
}

/// The goroutine the call's value goes to, if any: the `go` statement's own
/// arguments, or the body of a `go func() { ... }()` around it.
fn goroutine_of(call: Node) -> Option<Use> {
    let mut cur = call.parent();
    while let Some(n) = cur {
        match n.kind_name() {
            "function_declaration" | "method_declaration" => return None,
            "func_literal" => {
                if let Some(go_stmt) = go::go_statement_of(n) {
                    return Some(Use::GoBody(go_stmt));
                }
            }
            "go_statement" => {
                let go_call = go::go_call(n)?;
                let args = go_call.child_by_field_name("arguments")?;
                return go::contains(args, call).then_some(Use::GoArgument(n));
            }
            _ => {}
        }
        cur = n.parent();
    }
    None
}

/// `detachedCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)`
/// before the `go` statement, the goroutine given `detachedCtx` and calling
/// `cancel` when it ends. Go 1.21+ only (`context.WithoutCancel`). Offered where the
/// rewrite stays local: a `go` statement on lines of its own, a literal body that
/// spans lines, and for `go f(args)` arguments that read the same inside the new
/// closure as they did at the `go` statement.
fn detach_fix(cx: &FileContext, call: Node, go_stmt: Node, use_site: &Use, ctx: &ScopeCtx) -> Option<Fix> {
    let src = cx.source;
    if !cx.go_version.is_some_and(|v| v.at_least(1, 21)) {
        return None;
    }
    if go_stmt.parent().map(|p| p.kind_name()) != Some("statement_list") {
        return None;
    }
    let indent = go::indent_at(src, go_stmt.start_byte());
    if !src[go::line_start(src, go_stmt.start_byte())..go_stmt.start_byte()].trim().is_empty() {
        return None;
    }
    let func = go::enclosing_function(go_stmt)?;
    let outer = go::nesting(func).last()?;
    let detached = go::fresh_name(outer, src, "detachedCtx", &[]);
    let cancel = go::fresh_name(outer, src, "cancel", &[]);
    let pkg = go::callee(call, src).and_then(|(p, _)| p)?;
    let (time_pkg, import_edit) = match cx.imports.time.first() {
        Some(t) => (t.clone(), None),
        None => ("time".to_string(), Some(add_time_import(cx)?)),
    };
    let declaration =
        format!("{detached}, {cancel} := {pkg}.WithTimeout({pkg}.WithoutCancel({}), {time_pkg}.Minute)", ctx.expr);
    let go_call = go::go_call(go_stmt)?;
    let function = go_call.child_by_field_name("function")?;
    let mut edits: Vec<TextEdit> = import_edit.into_iter().collect();
    if function.kind_name() == "func_literal" {
        // The literal stays; it calls cancel when it returns.
        let body = go::body(function)?;
        let open_line_end = go::after_opening_line(src, body)?;
        let first = go::named_children(body).into_iter().next()?;
        edits.push(TextEdit::insert(go_stmt.start_byte(), format!("{declaration}\n{indent}")));
        edits.push(TextEdit::insert(
            open_line_end,
            format!("{}defer {cancel}()\n", go::indent_at(src, first.start_byte())),
        ));
        edits.push(TextEdit::replace(call.byte_range(), detached.clone()));
    } else {
        // `go f(args)` becomes a closure: only when it reads the same values.
        if !matches!(use_site, Use::GoArgument(_)) || text(go_stmt, src).contains('\n') {
            return None;
        }
        let stable = std::iter::once(function)
            .chain(go::call_args(go_call))
            .all(|a| a == call || is_stable(cx, a, func, go_stmt));
        if !stable {
            return None;
        }
        let call_text = format!(
            "{}{detached}{}",
            &src[go_call.start_byte()..call.start_byte()],
            &src[call.end_byte()..go_call.end_byte()]
        );
        edits.push(TextEdit::replace(
            go_stmt.byte_range(),
            format!(
                "{declaration}\n{indent}go func() {{\n{indent}\tdefer {cancel}()\n{indent}\t{call_text}\n{indent}}}()"
            ),
        ));
    }
    Some(Fix {
        title: format!("Detach from `{}` with {pkg}.WithoutCancel and a one-minute timeout", ctx.expr),
        edits,
        applicability: Applicability::Unsafe,
    })
}

/// Whether an argument of `go f(...)` has the same value when read later in the
/// goroutine: a literal, or a name (or `name.field...`) that nothing assigns after
/// the `go` statement and that is not a loop variable shared by iterations (before Go 1.22).
fn is_stable(cx: &FileContext, arg: Node, func: Node, go_stmt: Node) -> bool {
    let src = cx.source;
    let arg = go::unparen(arg);
    match arg.kind_name() {
        "int_literal"
        | "float_literal"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "rune_literal"
        | "true"
        | "false"
        | "nil" => return true,
        "identifier" | "selector_expression" => {}
        _ => return false,
    }
    let mut root = arg;
    while root.kind_name() == "selector_expression" {
        match root.child_by_field_name("operand") {
            Some(op) => root = op,
            None => return false,
        }
    }
    if root.kind_name() != "identifier" {
        return false;
    }
    let name = text(root, src);
    let outer = go::nesting(func).last().unwrap_or(func);
    let shared_loop_variables = !cx.go_version.is_some_and(|v| v.at_least(1, 22));
    go::idents_named(outer, src, name).into_iter().all(|ident| {
        let written = writes(ident, src);
        let after = ident.start_byte() > go_stmt.end_byte();
        let read_late = written && after;
        let shared = shared_loop_variables && loop_variable_around(ident, go_stmt);
        !read_late && !shared
    })
}

/// The statement (or clause) whose left-hand side holds `ident`, if any.
fn left_hand_holder(ident: Node) -> Option<Node> {
    let list = ident.parent().filter(|p| p.kind_name() == "expression_list")?;
    let holder = list.parent()?;
    (holder.child_by_field_name("left") == Some(list)).then_some(holder)
}

/// Whether `ident` is written here: assigned, incremented, its address taken, or
/// a field reached through it assigned.
fn writes(ident: Node, src: &str) -> bool {
    let Some(parent) = ident.parent() else {
        return false;
    };
    match parent.kind_name() {
        "inc_statement" | "dec_statement" => true,
        "unary_expression" => parent.child_by_field_name("operator").is_some_and(|o| text(o, src) == "&"),
        "selector_expression" => {
            let top =
                std::iter::successors(Some(parent), |n| n.parent().filter(|p| p.kind_name() == "selector_expression"))
                    .last()
                    .unwrap_or(parent);
            left_hand_holder(top).is_some_and(|h| h.kind_name() == "assignment_statement")
        }
        _ => left_hand_holder(ident).is_some_and(|h| h.kind_name() == "assignment_statement"),
    }
}

/// Whether `ident` is declared by the header of a loop that contains `go_stmt`.
fn loop_variable_around(ident: Node, go_stmt: Node) -> bool {
    let Some(holder) = left_hand_holder(ident) else {
        return false;
    };
    let for_stmt = match holder.kind_name() {
        "range_clause" => holder.parent(),
        "short_var_declaration" => holder.parent().filter(|c| c.kind_name() == "for_clause").and_then(|c| c.parent()),
        _ => None,
    };
    for_stmt.is_some_and(|f| go::contains(f, go_stmt))
}

/// An edit that imports "time" where gofmt keeps it: in sorted position within
/// the first parenthesised group of standard-library imports, or as a group made
/// of a lone `import "..."`.
fn add_time_import(cx: &FileContext) -> Option<TextEdit> {
    let src = cx.source;
    let root = cx.tree.root_node();
    let decls: Vec<Node> =
        go::file_header(root).into_iter().filter(|n| n.kind_name() == "import_declaration").collect();
    let path_of = |spec: Node| spec.child_by_field_name("path").map(|p| text(p, src).trim_matches('"').to_string());
    // "time" imported under `_` or `.`: leave the imports alone.
    if go::import_specs(root).iter().any(|s| path_of(*s).as_deref() == Some("time")) {
        return None;
    }
    for decl in &decls {
        let Some(list) = go::named_children(*decl).into_iter().find(|n| n.kind_name() == "import_spec_list") else {
            continue;
        };
        let specs: Vec<Node> =
            go::named_children(list).into_iter().filter(|n| n.kind_name() == "import_spec").collect();
        // The first run of specs not broken by a blank line that holds a standard-library path.
        let mut runs: Vec<Vec<Node>> = Vec::new();
        for spec in specs {
            let starts_run =
                runs.last().and_then(|r| r.last()).is_none_or(|prev| go::line_of(spec) > go::end_line_of(*prev) + 1);
            if starts_run {
                runs.push(Vec::new());
            }
            runs.last_mut()?.push(spec);
        }
        let run = runs.into_iter().find(|r| r.iter().any(|s| path_of(*s).is_some_and(|p| !p.contains('.'))))?;
        let indent = go::indent_at(src, run[0].start_byte()).to_string();
        return Some(match run.iter().find(|s| path_of(**s).is_some_and(|p| p.as_str() > "time")) {
            Some(next) => TextEdit::insert(go::line_start(src, next.start_byte()), format!("{indent}\"time\"\n")),
            None => {
                let last = run.last()?;
                TextEdit::insert(go::line_end(src, last.end_byte()), format!("{indent}\"time\"\n"))
            }
        });
    }
    match decls.as_slice() {
        [single] => {
            let spec = go::named_children(*single).into_iter().find(|n| n.kind_name() == "import_spec")?;
            Some(TextEdit::replace(single.byte_range(), format!("import (\n\t{}\n\t\"time\"\n)", text(spec, src))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::testing;

    use crate::analysis::engine::apply_fixes;
    use crate::analysis::gomod::GoVersion;

    const START: &str = r#"package p

import (
	"context"
	"time"
)

func run(ctx context.Context, d time.Duration) {
	<-ctx.Done()
}

func start(ctx context.Context, every time.Duration) {
	go run(context.Background(), every)
}
"#;

    #[test]
    fn a_context_parameter_is_offered_first_and_detaching_second() {
        let findings = testing::check(&BackgroundContext, START, GoVersion::parse("1.22"));
        let [finding] = findings.as_slice() else { panic!("{findings:?}") };
        assert_eq!(finding.severity, Severity::Info);
        let (used, _) = apply_fixes(START, &[&finding.fixes[0]]);
        assert!(used.contains("\tgo run(ctx, every)\n"), "{used}");
        let (detached, _) = apply_fixes(START, &[&finding.fixes[1]]);
        let expected = r#"func start(ctx context.Context, every time.Duration) {
	detachedCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	go func() {
		defer cancel()
		run(detachedCtx, every)
	}()
}
"#;
        assert!(detached.ends_with(expected), "{detached}");
        assert!(finding.fixes.iter().all(|f| f.applicability == Applicability::Unsafe));
    }

    #[test]
    fn no_detaching_before_go_1_21_or_without_a_go_version() {
        assert_eq!(testing::check(&BackgroundContext, START, GoVersion::parse("1.20"))[0].fixes.len(), 1);
        assert_eq!(testing::check(&BackgroundContext, START, None)[0].fixes.len(), 1);
    }

    #[test]
    fn a_single_import_becomes_a_group_with_time() {
        let src = r#"package p

import "context"

func work(ctx context.Context) { <-ctx.Done() }

func h(ctx context.Context) {
	go func() {
		work(context.TODO())
	}()
}
"#;
        let findings = testing::check(&BackgroundContext, src, GoVersion::parse("1.22"));
        let (detached, _) = apply_fixes(src, &[&findings[0].fixes[1]]);
        let expected = r#"package p

import (
	"context"
	"time"
)

func work(ctx context.Context) { <-ctx.Done() }

func h(ctx context.Context) {
	detachedCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	go func() {
		defer cancel()
		work(detachedCtx)
	}()
}
"#;
        assert_eq!(detached, expected);
    }

    #[test]
    fn half_typed_code_does_not_panic() {
        testing::survives_truncation(&BackgroundContext);
    }
}
