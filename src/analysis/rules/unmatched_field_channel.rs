//! `unmatched-field-channel`: a struct-field channel that the package only
//! ever sends on (nothing receives), or only ever receives from (nothing
//! sends on or closes it): its blocking operations wait forever.

use super::{FileContext, Requires, Rule, RuleMeta};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::model_support::{blocks, describe, field_channels, related_in};
use crate::semantic::Place;

pub struct UnmatchedFieldChannel;

static META: RuleMeta = RuleMeta {
    name: "unmatched-field-channel",
    summary: "a struct-field channel that the package only sends on, or only receives from without closing",
    default_severity: Severity::Warning,
    docs: include_str!("../../../docs/rules/unmatched-field-channel.md"),
    requires: Requires { goroutines: false, any_text: &["<-", "range"] },
};

impl Rule for UnmatchedFieldChannel {
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
            // Only channels the package makes itself: an assigned one may be
            // another channel whose partners work under another name.
            if ops.escapes || !pkg.initialisations(place).only_makes() {
                continue;
            }
            let (blocked, missing) = match (ops.sends.is_empty(), ops.receives.is_empty()) {
                (false, true) => (&ops.sends, "receives from"),
                (true, false) if ops.closes.is_empty() => (&ops.receives, "sends on or closes"),
                _ => continue,
            };
            let mut reported_in = Vec::new();
            for &r in blocked.iter().filter(|r| r.file == cx.model_file()) {
                let op = pkg.op(r);
                // One finding per function: the first blocking operation.
                if !blocks(op) || reported_in.contains(&op.func) {
                    continue;
                }
                reported_in.push(op.func);
                let message = format!(
                    "nothing in package `{}` {missing} `{owner}.{name}`: this blocks {} forever",
                    pkg.name,
                    describe(pkg, pkg.op_function(r))
                );
                let mut finding = Finding::new(META.name, META.default_severity, op.range.clone(), message);
                let made = pkg.declaration_of(place);
                if let Some(related) = related_in(cx, pkg, made, format!("`{name}` is declared here")) {
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
        crate::analysis::rules::testing::survives_truncation(&super::UnmatchedFieldChannel);
    }
}
