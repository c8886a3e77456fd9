//! `detached-field-context`: a constructor that takes a `ctx` stores
//! `context.Background()` (or `TODO()`, or a `WithValue` of them) in a field,
//! and a goroutine of the type can stop only when that field's context is
//! done. Such a context is never done: the goroutine runs forever, whatever
//! happens to the caller's ctx.

use tree_sitter::Node;

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go::{self, NodeKind};
use crate::analysis::model_support::{describe, node_at, related_in};
use crate::semantic::{FuncRef, OpKind, OpRef, Package, Place, ReceiveForm, SyncKind};

pub struct DetachedFieldContext;

static META: RuleMeta = RuleMeta {
    name: "detached-field-context",
    summary: "a never-done context.Background() stored in a field by a constructor with a ctx, while a goroutine stops only on it",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/detached-field-context.md"),
    requires: Requires { goroutines: false, any_text: &["context.Background()", "context.TODO()"] },
};

impl Rule for DetachedFieldContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for place in pkg.places_touching(cx.model_file()) {
            if !matches!(place, Place::Field { .. })
                || pkg.place_type(place).and_then(|t| t.sync_kind()) != Some(SyncKind::Context)
                || pkg.reachable_from_outside(place)
                || !pkg.initialisations(place).makes.is_empty()
            {
                continue;
            }
            if let Some(finding) = check_field(cx, pkg, place) {
                out.push(finding);
            }
        }
    }
}

fn check_field(cx: &FileContext, pkg: &Package, place: &Place) -> Option<Finding> {
    // Every assignment of the field, in this file, is a context that is never done.
    let mut detached = None;
    for &r in pkg.ops_at(place) {
        let op = pkg.op(r);
        if !matches!(op.kind, OpKind::Assign | OpKind::AssignCancel | OpKind::AssignAll) {
            continue;
        }
        if r.file != cx.model_file() {
            return None;
        }
        let value = assigned_value(cx, &op.range)?;
        if !never_done(value, cx.source) {
            return None;
        }
        detached.get_or_insert((r, value));
    }
    let (assign, value) = detached?;
    let constructor = pkg.op_function(assign);
    let ctx_param = context_parameter(pkg, constructor)?;
    let (wait, exit_case) = only_exit(pkg, place)?;
    let Place::Field { owner, name } = place else { return None };
    let waiter = pkg.op_function(wait);
    let message = format!(
        "`{owner}.{name}` is set to `{}`, which is never done, yet {} (a goroutine) stops only on its `Done()`: it runs forever; {} has a `{ctx_param}` to derive it from",
        go::text(value, cx.source),
        describe(pkg, waiter),
        describe(pkg, constructor),
    );
    let mut finding = Finding::new(META.name, META.default_severity, value.byte_range(), message);
    let at = Some((wait.file, exit_case));
    if let Some(related) = related_in(cx, pkg, at, "the goroutine's only way out") {
        finding.related.push(related);
    }
    Some(finding.with_fix(Fix {
        title: format!("Derive `{name}` from `{ctx_param}`"),
        edits: vec![TextEdit::replace(detached_root(value, cx.source).byte_range(), ctx_param)],
        applicability: Applicability::Unsafe,
    }))
}

/// The value assigned by the assignment or keyed element at `range`, when it
/// assigns one value to one target.
fn assigned_value<'t>(cx: &FileContext<'t>, range: &std::ops::Range<usize>) -> Option<Node<'t>> {
    let node = ["assignment_statement", "keyed_element", "short_var_declaration"]
        .into_iter()
        .find_map(|k| node_at(cx, range, k))?;
    let value = if node.kind_name() == "keyed_element" {
        let parts = go::named_children(node);
        let value = *parts.get(1)?;
        go::named_children(value).into_iter().next().unwrap_or(value)
    } else {
        let (left, right) = (node.child_by_field_name("left")?, node.child_by_field_name("right")?);
        let rights = go::named_children(right);
        if go::named_children(left).len() != 1 || rights.len() != 1 {
            return None;
        }
        rights[0]
    };
    Some(go::unparen(value))
}

/// `context.Background()`, `context.TODO()`, or `context.WithValue` of one.
fn never_done(value: Node, src: &str) -> bool {
    let text = go::text(value, src);
    if matches!(text, "context.Background()" | "context.TODO()") {
        return true;
    }
    value.kind_name() == "call_expression"
        && value.child_by_field_name("function").is_some_and(|f| go::text(f, src) == "context.WithValue")
        && go::call_args(value).first().is_some_and(|parent| never_done(go::unparen(*parent), src))
}

/// The `Background()`/`TODO()` call at the root of a never-done context.
fn detached_root<'t>(value: Node<'t>, src: &str) -> Node<'t> {
    match go::call_args(value).first() {
        Some(parent) if go::text(value, src).starts_with("context.WithValue") => {
            detached_root(go::unparen(*parent), src)
        }
        _ => value,
    }
}

/// The name of a `context.Context` parameter of the function.
fn context_parameter(pkg: &Package, f: FuncRef) -> Option<String> {
    let function = pkg.function(f);
    let first = usize::from(function.has_receiver);
    function.locals[first..first + function.params as usize]
        .iter()
        .find(|l| l.declared.as_ref().is_some_and(|t| t.is("context", "Context")) && l.name != "_")
        .map(|l| l.name.clone())
}

/// A receive from the field's `Done()` in a goroutine of the package that is
/// its only way out: a plain receive, or the only case of a loop's `select`
/// that leaves the loop. The receive and the leaving case's header.
fn only_exit(pkg: &Package, place: &Place) -> Option<(OpRef, std::ops::Range<usize>)> {
    let done = Place::Done(Box::new(place.clone()));
    let started: Vec<FuncRef> = pkg.goroutine_starts().into_iter().filter_map(|(_, f)| f).collect();
    let in_goroutine = |mut f: FuncRef| loop {
        if started.contains(&f) {
            return true;
        }
        match pkg.function(f).parent {
            Some(p) => f = FuncRef { file: f.file, func: p },
            None => return false,
        }
    };
    pkg.ops_at(&done).iter().copied().find_map(|r| {
        let op = pkg.op(r);
        if !in_goroutine(pkg.op_function(r)) {
            return None;
        }
        match op.kind {
            OpKind::Receive { form: ReceiveForm::Plain } => Some((r, op.range.clone())),
            OpKind::Receive { form: ReceiveForm::Select(case) } => {
                let select = pkg.select(r.file, case.select);
                let lp = pkg.loop_of(r.file, select.in_loop?);
                let leaving: Vec<usize> = select
                    .cases
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.leaves_loop || c.leaves_function)
                    .map(|(i, _)| i)
                    .collect();
                let own = select.cases.get(case.case as usize)?;
                // Every way out of the loop is in this case's body, which
                // runs up to the next case (or the end of the select).
                let body_end = select.cases.get(case.case as usize + 1).map_or(select.range.end, |c| c.range.start);
                let only_here = lp.exits.iter().all(|e| own.range.start <= e.start && e.end <= body_end);
                (leaving == [case.case as usize] && only_here && !lp.has_condition).then(|| (r, own.range.clone()))
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::DetachedFieldContext);
    }
}
