//! `cancel-never-called`: the cancel func of `context.WithCancel` (or
//! `WithTimeout`, `WithDeadline`) stored in a struct field that no code of
//! the package ever calls, hands on or returns.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::go;
use crate::analysis::model_support::related_in;
use crate::semantic::{OpKind, Package, Place, SyncKind};

pub struct CancelNeverCalled;

static META: RuleMeta = RuleMeta {
    name: "cancel-never-called",
    summary: "a cancel func stored in a struct field that nothing in the package calls",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/cancel-never-called.md"),
    requires: Requires { goroutines: false, any_text: &["context.With", "CancelFunc"] },
};

/// Methods that end a value's life, where the missing call belongs.
const CLOSERS: &[&str] = &["Close", "Stop", "Shutdown", "Cancel"];

impl Rule for CancelNeverCalled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for place in pkg.places_touching(cx.model_file()) {
            let Place::Field { owner, name } = place else { continue };
            if pkg.place_type(place).and_then(|t| t.sync_kind()) != Some(SyncKind::CancelFunc) {
                continue;
            }
            let uses = pkg.uses(place);
            let called = uses.ops.iter().any(|r| pkg.op(*r).kind == OpKind::Call);
            if uses.escapes || called {
                continue;
            }
            for r in uses.ops.iter().filter(|r| r.file == cx.model_file()) {
                let op = pkg.op(*r);
                if op.kind != OpKind::AssignCancel {
                    continue;
                }
                let message = format!(
                    "the cancel func stored in `{owner}.{name}` is never called: its context, and every goroutine that waits on it, lives until the parent context ends"
                );
                let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
                if let Some(related) =
                    related_in(cx, pkg, pkg.declaration_of(place), format!("`{name}` is declared here"))
                {
                    finding.related.push(related);
                }
                if let Some(fix) = call_in_closer(cx, pkg, owner, name) {
                    finding = finding.with_fix(fix);
                }
                out.push(finding);
            }
        }
    }
}

/// Calls the cancel func first thing in the type's `Close`/`Stop` method, when
/// this file declares one with a named receiver.
fn call_in_closer(cx: &FileContext, pkg: &Package, owner: &str, field: &str) -> Option<Fix> {
    let (method, closer) = CLOSERS.iter().find_map(|c| Some((*c, pkg.method(owner, c)?)))?;
    if closer.file != cx.model_file() {
        return None;
    }
    let function = pkg.function(closer);
    // A promoted method belongs to another type: its receiver has no such field.
    if function.receiver_type.as_deref() != Some(owner) || !function.has_receiver {
        return None;
    }
    let receiver = &function.locals[0].name;
    let body = function.body.clone()?;
    let open = body.start;
    let indent = format!("{}\t", go::indent_at(cx.source, function.range.start));
    let at = cx.source.get(open..)?.find('\n').map(|i| open + i + 1)?;
    if at >= body.end {
        return None; // a one-line body
    }
    Some(Fix {
        title: format!("Call `{receiver}.{field}()` in `{method}`"),
        edits: vec![TextEdit::insert(at, format!("{indent}{receiver}.{field}()\n"))],
        applicability: Applicability::Unsafe,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::CancelNeverCalled);
    }
}
