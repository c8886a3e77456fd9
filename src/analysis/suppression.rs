//! Suppression comments: `//leakls:ignore <rule> <reason>` and golangci-lint's
//! `//nolint:leakls` / `//nolint:leakls-<rule>`, on the reported line or the line above.

use super::finding::{Applicability, Finding, Fix, TextEdit};
use super::go::{indent_at, line_start};

/// Whether a suppression comment covers `finding` in `source`.
pub fn is_suppressed(source: &str, finding: &Finding) -> bool {
    let start = line_start(source, finding.range.start);
    let this_line = &source[start..super::go::line_end(source, finding.range.start)];
    let previous_line = if start == 0 { "" } else { &source[line_start(source, start - 1)..start] };
    suppresses(this_line, finding.rule) || suppresses(previous_line, finding.rule)
}

fn suppresses(line: &str, rule: &str) -> bool {
    let Some(at) = line.find("//") else { return false };
    let comment = &line[at..];
    // A line may hold code and then the comment; look at every `//` segment.
    comment.split("//").any(|segment| {
        let segment = segment.trim_start();
        if let Some(rest) = segment.strip_prefix("leakls:ignore") {
            // A reason is required after the rule, as with staticcheck's lint:ignore.
            let mut words = rest.split_whitespace();
            return matches!(words.next(), Some(r) if r == rule || r == "all") && words.next().is_some();
        }
        if let Some(rest) = segment.strip_prefix("nolint:") {
            let list = rest.split_whitespace().next().unwrap_or("");
            return list.split(',').any(|l| l == "leakls" || l.strip_prefix("leakls-") == Some(rule));
        }
        false
    })
}

/// The "Suppress <rule> on this line" fix: a `//leakls:ignore` comment on its own
/// line above the reported line, indented like it.
pub fn suppress_fix(source: &str, finding: &Finding) -> Fix {
    let start = line_start(source, finding.range.start);
    let indent = indent_at(source, finding.range.start);
    Fix {
        title: format!("Suppress {} on this line", finding.rule),
        edits: vec![TextEdit::insert(
            start,
            format!("{indent}//leakls:ignore {} reason: explain why this cannot leak\n", finding.rule),
        )],
        applicability: Applicability::Unsafe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::finding::Severity;

    fn finding_at(src: &str, needle: &str) -> Finding {
        let at = src.find(needle).unwrap();
        Finding::new("unreceived-send", Severity::Warning, at..at + needle.len(), "m")
    }

    #[test]
    fn recognises_each_comment_form() {
        let cases = [
            ("\tch <- v //leakls:ignore unreceived-send buffered by caller\n", true),
            ("\t//leakls:ignore unreceived-send drained in Close\n\tch <- v\n", true),
            ("\tch <- v //leakls:ignore unreceived-send\n", false),
            ("\tch <- v //leakls:ignore ticker-not-stopped reason\n", false),
            ("\tch <- v //nolint:leakls\n", true),
            ("\tch <- v //nolint:errcheck,leakls-unreceived-send // reviewed\n", true),
            ("\tch <- v //nolint:leakls-ticker-not-stopped\n", false),
            ("\tch <- v // nolint:leakls\n", true),
            ("\tch <- v\n", false),
        ];
        for (src, want) in cases {
            assert_eq!(is_suppressed(src, &finding_at(src, "ch <- v")), want, "{src:?}");
        }
    }

    #[test]
    fn suppress_fix_inserts_an_indented_comment_that_suppresses() {
        let src = "func f() {\n\t\tch <- v\n}\n";
        let finding = finding_at(src, "ch <- v");
        let fix = suppress_fix(src, &finding);
        let fixed = crate::analysis::apply_fixes(src, &[&fix]).0;
        assert_eq!(
            fixed,
            "func f() {\n\t\t//leakls:ignore unreceived-send reason: explain why this cannot leak\n\t\tch <- v\n}\n"
        );
        assert!(is_suppressed(&fixed, &finding_at(&fixed, "ch <- v")));
    }
}
