//! The leak rules, one file each, and their registry.

use std::path::Path;

use tree_sitter::Tree;

use super::finding::{Finding, Severity};
use super::go::Imports;
use super::gomod::GoVersion;

mod ticker_not_stopped;
mod time_after_in_loop;
mod time_tick_leak;
mod unreceived_send;

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
    &time_tick_leak::TimeTickLeak,
    &time_after_in_loop::TimeAfterInLoop,
];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn rule_by_name(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
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
                name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !name.starts_with('-'),
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
