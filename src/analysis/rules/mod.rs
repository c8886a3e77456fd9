//! The leak rules, one file each, and their registry.

use std::path::Path;

use tree_sitter::Tree;

use super::finding::{Finding, Severity};
use super::go::Imports;
use super::gomod::GoVersion;

mod loop_without_exit;
mod range_never_closed;
mod ticker_not_stopped;
mod unreceived_send;
mod unsent_receive;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name: the diagnostic code and the suppression key.
    pub name: &'static str,
    /// One line, shown by `leakls rules`.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// The rule's page, `docs/rules/<name>.md`, compiled in for `leakls explain`.
    pub docs: &'static str,
}

/// Everything a rule may look at for one file.
pub struct FileContext<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub path: Option<&'a Path>,
    /// The `go` directive of the file's module, when known.
    pub go_version: Option<GoVersion>,
    pub imports: Imports,
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>);
}

static RULES: &[&dyn Rule] = &[
    &unreceived_send::UnreceivedSend,
    &ticker_not_stopped::TickerNotStopped,
    &unsent_receive::UnsentReceive,
    &range_never_closed::RangeNeverClosed,
    &loop_without_exit::LoopWithoutExit,
];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn rule_by_name(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// Runs one rule over a Go source text, as the engine would (without its
/// post-processing), for the rules' unit tests.
#[cfg(test)]
pub(crate) fn check_source(rule: &dyn Rule, src: &str) -> Vec<Finding> {
    let tree = crate::syntax::parse_go(src, None);
    let cx = FileContext {
        source: src,
        tree: &tree,
        path: None,
        go_version: None,
        imports: Imports::of(tree.root_node(), src),
    };
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    out
}

/// Runs the rule over every prefix of `src` cut at a line end, the shapes of
/// half-typed code: none may panic.
#[cfg(test)]
pub(crate) fn check_every_prefix(rule: &dyn Rule, src: &str) {
    for (end, _) in src.match_indices('\n') {
        check_source(rule, &src[..end]);
        // Cut mid-line as well.
        let mut cut = end.saturating_sub(3);
        while !src.is_char_boundary(cut) {
            cut -= 1;
        }
        check_source(rule, &src[..cut]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in all_rules() {
            let name = rule.meta().name;
            assert!(seen.insert(name), "duplicate rule name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !name.starts_with('-'),
                "{name} is not kebab-case"
            );
        }
    }

    #[test]
    fn every_rule_has_a_docs_page_with_the_fixed_sections() {
        for rule in all_rules() {
            let meta = rule.meta();
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules").join(format!("{}.md", meta.name));
            let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(on_disk, meta.docs, "{} must be the page compiled into the rule", meta.name);
            assert!(on_disk.starts_with(&format!("# {}\n", meta.name)), "{} page must start with its name", meta.name);
            for section in ["## What it finds", "## Why it leaks", "## Example", "## Fix", "## When it is wrong"] {
                assert!(on_disk.contains(section), "{} docs lack {section:?}", meta.name);
            }
        }
    }
}
