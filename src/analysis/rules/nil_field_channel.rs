//! `nil-field-channel`: a send, receive or `range` on a struct-field channel
//! that no code of the package ever initialises: a nil channel blocks forever.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::model_support::{blocks, field_channels, related_in};
use crate::semantic::Place;

pub struct NilFieldChannel;

static META: RuleMeta = RuleMeta {
    name: "nil-field-channel",
    summary: "an operation on a struct-field channel that nothing in the package initialises (nil blocks forever)",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/nil-field-channel.md"),
    requires: Requires { goroutines: false, any_text: &["<-", "range"] },
};

impl Rule for NilFieldChannel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn package_wide(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>) {
        let Some(pkg) = cx.complete_package_model() else { return };
        for (place, ops) in field_channels(cx, pkg) {
            let Place::Field { owner, name } = place else { continue };
            if ops.escapes || !pkg.initialisations(place).never() {
                continue;
            }
            for r in ops.sends.iter().chain(&ops.receives).filter(|r| r.file == cx.model_file()) {
                let op = pkg.op(*r);
                // In a `select`, a nil channel only disables its case (often on purpose).
                if !blocks(op) {
                    continue;
                }
                let message = format!(
                    "`{owner}.{name}` is never initialised in package `{}`: on a nil channel this blocks forever",
                    pkg.name
                );
                let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
                let declared = pkg.declaration_of(place);
                if let Some(related) = related_in(
                    cx,
                    pkg,
                    declared,
                    format!("`{name}` is declared here; no `make` is ever assigned to it"),
                ) {
                    finding.related.push(related);
                }
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncated_fixtures_do_not_panic() {
        crate::analysis::rules::testing::survives_truncation(&super::NilFieldChannel);
    }
}
