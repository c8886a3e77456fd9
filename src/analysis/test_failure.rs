//! Paths on which a test has already failed (or given up): a `t.Fatal`, a
//! `t.Error` followed by `return`, a `t.Skip`, or the test's own timeout case.
//! A goroutine stranded only there is a leak of a failing test, which the failure
//! already reports: rules mark such findings (`Finding::test_failure_path`) and the
//! engine lowers them to hints unless `tests.failurePaths = "report"`.

use tree_sitter::Node;

use super::go::{self, Imports, NodeKind, text};

/// Methods of `testing.T`/`B`/`F`/`TB` that end the test (`runtime.Goexit`).
const ENDS_TEST: &[&str] = &["Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"];
/// Methods that mark the test failed and carry on: a failure path when a `return` follows.
const MARKS_FAILED: &[&str] = &["Error", "Errorf", "Fail"];

/// Whether `func` is test code: it or a function around it takes a `testing`
/// value (`TestX(t *testing.T)`, a helper, a `t.Run` literal).
pub fn in_test(func: Node, src: &str) -> bool {
    go::nesting(func).any(|f| go::takes_testing(f, src) || go::is_test_entry(f, src))
}

/// Whether leaving through `exit` means the test has failed or timed out. `exit`
/// is a `select` case (`communication_case`, `default_case`) or a statement that
/// leaves (`return`, `break`, `goto`): the case fails the test itself
/// (`t.Fatal`, `t.Error` + leaving), or waits for a timer (`<-time.After(d)`,
/// `<-timer.C`, `<-ctx.Done()` of a context with a timeout); for a statement, the
/// plain statements before it in its blocks, or the case around it, fail the test.
pub fn fails_test(exit: Node, func: Node, src: &str, imports: &Imports) -> bool {
    if !in_test(func, src) {
        return false;
    }
    if matches!(exit.kind_name(), "communication_case" | "default_case") {
        return case_fails(exit, func, src, imports);
    }
    let mut cur = exit;
    while let Some(parent) = cur.parent() {
        if go::is_function(parent) {
            return false;
        }
        if parent.kind_name() == "statement_list" {
            let mut prev = cur.prev_named_sibling();
            while let Some(stmt) = prev {
                if fails_directly(stmt, src, func, true) {
                    return true;
                }
                prev = stmt.prev_named_sibling();
            }
        }
        if matches!(parent.kind_name(), "communication_case" | "default_case") {
            return case_fails(parent, func, src, imports);
        }
        cur = parent;
    }
    false
}

fn case_fails(case: Node, func: Node, src: &str, imports: &Imports) -> bool {
    // Leaving: a return or jump in the case, or a select that ends the function.
    let ends_function = case.parent().is_some_and(|select| {
        go::next_statement(select).is_none()
            && select.parent().and_then(|list| list.parent()).and_then(|block| block.parent()) == Some(func)
    });
    let leaves = ends_function || go::leaves(case, src).is_some();
    let statements =
        go::named_children(case).into_iter().filter(|n| n.kind_name() == "statement_list").flat_map(go::named_children);
    statements.into_iter().any(|stmt| fails_directly(stmt, src, func, leaves))
        || is_timeout_case(case, func, src, imports)
}

/// Whether the statement is a call that ends the test, or that marks it failed
/// when `then_leaves`. Only plain statements count: a `t.Fatal` inside an `if`
/// may not run.
fn fails_directly(stmt: Node, src: &str, func: Node, then_leaves: bool) -> bool {
    if stmt.kind_name() != "expression_statement" {
        return false;
    }
    let Some(call) = stmt.named_child(0).filter(|c| c.kind_name() == "call_expression") else { return false };
    let Some((Some(holder), method)) = go::callee(call, src) else { return false };
    is_testing_value(holder, func, src)
        && (ENDS_TEST.contains(&method) || (then_leaves && MARKS_FAILED.contains(&method)))
}

/// Whether `name` is a `testing` parameter of `func` or of a function around it.
fn is_testing_value(name: &str, func: Node, src: &str) -> bool {
    go::nesting(func).any(|f| {
        go::params(f, src)
            .iter()
            .any(|p| p.name == name && matches!(p.ty, "*testing.T" | "*testing.B" | "*testing.F" | "testing.TB"))
    })
}

/// A case that waits for time to run out: `<-time.After(d)`, `<-t.C`, a variable
/// set from `time.After(d)`, or `<-ctx.Done()` of a context made in `func` with
/// `context.WithTimeout`/`WithDeadline`.
fn is_timeout_case(case: Node, func: Node, src: &str, imports: &Imports) -> bool {
    let Some(comm) = case.child_by_field_name("communication") else { return false };
    let operand = match comm.kind_name() {
        "receive_statement" => comm.child_by_field_name("right").and_then(go::receive_operand),
        _ => go::receive_operand(comm),
    };
    let Some(operand) = operand.map(go::unparen) else { return false };
    match operand.kind_name() {
        "call_expression" => {
            go::is_pkg_call(operand, src, &imports.time, &["After"])
                || operand.child_by_field_name("function").is_some_and(|f| {
                    f.kind_name() == "selector_expression"
                        && f.child_by_field_name("field").is_some_and(|d| text(d, src) == "Done")
                        && f.child_by_field_name("operand")
                            .is_some_and(|ctx| assigned_from(func, text(ctx, src), src, imports, true))
                })
        }
        "selector_expression" => operand.child_by_field_name("field").is_some_and(|f| text(f, src) == "C"),
        "identifier" => assigned_from(func, text(operand, src), src, imports, false),
        _ => false,
    }
}

/// Whether `name` is declared in `func` (or a function around it) from
/// `time.After(...)`, or, for `context`, as the first result of
/// `context.WithTimeout`/`WithDeadline`.
fn assigned_from(func: Node, name: &str, src: &str, imports: &Imports, context: bool) -> bool {
    let outer = go::nesting(func).last().unwrap_or(func);
    let mut found = false;
    go::walk(outer, |n| {
        if found || !matches!(n.kind_name(), "short_var_declaration" | "assignment_statement") {
            return go::Walk::Continue;
        }
        let (Some(left), Some(right)) = (n.child_by_field_name("left"), n.child_by_field_name("right")) else {
            return go::Walk::Continue;
        };
        // `ctx, cancel := context.WithTimeout(...)`: one call, two results.
        let first_left = go::named_children(left).into_iter().next();
        let value = match go::named_children(right).as_slice() {
            [v] => Some(go::unparen(*v)),
            _ => None,
        };
        found = first_left.is_some_and(|l| text(l, src) == name)
            && value.is_some_and(|v| {
                if context {
                    go::is_pkg_call(v, src, &imports.context, &["WithTimeout", "WithDeadline"])
                } else {
                    go::is_pkg_call(v, src, &imports.time, &["After"])
                }
            });
        go::Walk::Continue
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    const SRC: &str = r#"package p

import (
	"context"
	"testing"
	"time"
)

func TestX(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	timeout := time.After(time.Second)
	select {
	case <-ctx.Done():
	case <-timeout:
	case <-time.After(time.Second):
	case err := <-errs:
		t.Fatal(err)
	case <-other:
		t.Error("x")
		return
	case <-more:
		t.Log("fine")
		return
	}
}

func work(t *testing.T) {
	select {
	case <-ready:
		t.Error("x")
	}
	t.Log("then waits elsewhere")
}
"#;

    #[test]
    fn failing_and_timeout_cases_are_told_apart() {
        let tree = parse_go(SRC, None);
        let root = tree.root_node();
        let imports = Imports::of(root, SRC);
        let funcs = go::descendants_of_kind(root, "function_declaration");
        let cases = go::descendants_of_kind(funcs[0], "communication_case");
        let verdicts: Vec<bool> = cases.iter().map(|c| fails_test(*c, funcs[0], SRC, &imports)).collect();
        assert_eq!(verdicts, vec![true, true, true, true, true, false]);
        // `t.Error` without leaving: the test goes on to wait elsewhere.
        let other = go::descendants_of_kind(funcs[1], "communication_case");
        assert!(!fails_test(other[0], funcs[1], SRC, &imports));
    }
}
