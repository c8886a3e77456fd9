//! The leak rules, one file each, and their registry.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tree_sitter::Tree;

use super::ancestry::Ancestry;
use super::channels;
use super::engine::AnalysisInput;
use super::finding::{Finding, Severity};
use super::go::{self, Imports, NodeKind};
use super::gomod::GoVersion;
use super::identifiers::Identifiers;
use super::packages::Packages;
use super::summary::FunctionSummary;
use crate::semantic::{self, Package};

mod background_context;
mod blocked_forever;
mod blocked_on_own_channel;
mod blocking_select_default;
mod buffer_too_small;
mod cancel_never_called;
mod detached_field_context;
mod loop_without_exit;
mod lost_cancel;
mod nil_field_channel;
mod partner_stops_first;
mod range_never_closed;
mod returned_channel_dropped;
mod ticker_not_stopped;
mod time_after_in_loop;
mod time_tick_leak;
mod timer_drain_blocks;
mod unmatched_field_channel;
mod unreceived_send;
mod unsent_receive;
mod waitgroup_done_skipped;

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
    /// What a file must contain for the rule to have anything to say: files
    /// without it are skipped, which keeps analysis cheap next to parsing.
    pub requires: Requires,
}

/// A cheap necessary condition for a rule to report in a file.
#[derive(Debug, Clone, Copy)]
pub struct Requires {
    /// The file has at least one `go` statement (by its text, so that no walk
    /// is needed to tell: see `go::mentions_go_statement`).
    pub goroutines: bool,
    /// The source text contains at least one of these (empty: no condition).
    pub any_text: &'static [&'static str],
}

impl Requires {
    pub const NOTHING: Requires = Requires { goroutines: false, any_text: &[] };

    pub fn met_by(&self, cx: &FileContext) -> bool {
        (!self.goroutines || go::mentions_go_statement(cx.source))
            && (self.any_text.is_empty() || self.any_text.iter().any(|t| cx.source.contains(t)))
    }
}

/// Everything a rule may look at for one file.
pub struct FileContext<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub path: Option<&'a Path>,
    /// The `go` directive of the file's module, when known.
    pub go_version: Option<GoVersion>,
    pub imports: Imports,
    /// Summaries of this and other packages of the module, when the caller has them.
    pub packages: Option<&'a Packages>,
    /// The top-level declarations whose findings are wanted, or None for the
    /// whole file. Rules look anywhere in the file for what they need, but
    /// [`FileContext::functions`] and [`FileContext::calls`] list only those of
    /// the focused declarations, and only findings inside them are kept.
    pub focus: Option<Vec<tree_sitter::Node<'a>>>,
    /// The functions, calls and goroutine starts, found in one walk the first
    /// time a rule asks (files no rule is interested in are never walked).
    lists: OnceCell<Lists<'a>>,
    /// The semantic model of the file's package and this file's index in it,
    /// built the first time a rule asks.
    model: OnceCell<(Arc<Package>, u32)>,
    /// Parents and enclosing functions and loops, found in one walk the first
    /// time a rule walks up the tree.
    ancestry: OnceCell<Ancestry<'a>>,
    /// The identifiers by name, indexed a declaration at a time.
    identifiers: OnceCell<Identifiers<'a>>,
    /// By function: its locals given a context, found the first time asked.
    context_locals: RefCell<HashMap<usize, Vec<go::ContextLocal<'a>>>>,
    /// By function literal: the next function out that can give a context (or
    /// the declaration around it), found the first time asked.
    context_holders: RefCell<HashMap<usize, Option<tree_sitter::Node<'a>>>>,
}

#[derive(Default)]
struct Lists<'a> {
    functions: Vec<tree_sitter::Node<'a>>,
    go_statements: Vec<tree_sitter::Node<'a>>,
    goroutine_starts: Vec<tree_sitter::Node<'a>>,
    calls: Vec<tree_sitter::Node<'a>>,
}

impl<'a> Lists<'a> {
    /// Adds the functions, calls and goroutine starts under `node`, in one walk.
    fn collect(&mut self, node: tree_sitter::Node<'a>, source: &str) {
        go::walk(node, |n| {
            match n.kind_name() {
                "call_expression" => {
                    self.calls.push(n);
                    // Found from the call down: walking up from the literal costs
                    // tree-sitter a descent from the root (quadratic in nested literals).
                    if channels::starts_its_literal(n, source) {
                        self.goroutine_starts.push(n);
                    }
                }
                "go_statement" => {
                    self.go_statements.push(n);
                    self.goroutine_starts.push(n);
                }
                _ if go::is_function(n) => self.functions.push(n),
                _ => {}
            }
            go::Walk::Continue
        });
    }
}

/// What a focused analysis already knows of the declarations out of focus: their
/// `go` statements that start named functions, which may be in focus.
#[derive(Default)]
pub struct OutOfFocus<'a> {
    pub named_starts: Vec<tree_sitter::Node<'a>>,
}

impl<'a> FileContext<'a> {
    /// The context for one parsed file: its imports and functions are found here, once.
    pub fn new(
        source: &'a str,
        tree: &'a Tree,
        path: Option<&'a Path>,
        go_version: Option<GoVersion>,
        packages: Option<&'a Packages>,
    ) -> Self {
        let imports = Imports::of(tree.root_node(), source);
        FileContext {
            source,
            tree,
            path,
            go_version,
            imports,
            packages,
            focus: None,
            lists: OnceCell::new(),
            model: OnceCell::new(),
            ancestry: OnceCell::new(),
            identifiers: OnceCell::new(),
            context_locals: RefCell::default(),
            context_holders: RefCell::default(),
        }
    }

    /// The context for some top-level declarations of a file (see [`FileContext::focus`]).
    pub fn focused(input: &AnalysisInput<'a>, focus: Vec<tree_sitter::Node<'a>>, elsewhere: OutOfFocus<'a>) -> Self {
        let root = input.tree.root_node();
        let mut lists = Lists {
            go_statements: elsewhere.named_starts.clone(),
            goroutine_starts: elsewhere.named_starts,
            ..Lists::default()
        };
        for &decl in &focus {
            lists.collect(decl, input.source);
        }
        lists.go_statements.sort_by_key(|n| n.start_byte());
        lists.goroutine_starts.sort_by_key(|n| n.start_byte());
        FileContext {
            source: input.source,
            tree: input.tree,
            path: input.path,
            go_version: input.go_version,
            imports: Imports::of(root, input.source),
            packages: input.packages,
            focus: Some(focus),
            lists: OnceCell::from(lists),
            model: OnceCell::new(),
            ancestry: OnceCell::new(),
            identifiers: OnceCell::new(),
            context_locals: RefCell::default(),
            context_holders: RefCell::default(),
        }
    }

    fn lists(&self) -> &Lists<'a> {
        self.lists.get_or_init(|| {
            let mut lists = Lists::default();
            lists.collect(self.tree.root_node(), self.source);
            lists
        })
    }

    /// The semantic model of this file's package: this file as analysed and,
    /// through `packages`, the other files of its directory with the same
    /// package clause (see [`FileContext::model_file`]).
    pub fn package_model(&self) -> &Package {
        &self.model().0
    }

    /// This file's index among the files of [`FileContext::package_model`].
    pub fn model_file(&self) -> u32 {
        self.model().1
    }

    fn model(&self) -> &(Arc<Package>, u32) {
        self.model.get_or_init(|| match (self.packages, self.path) {
            (Some(packages), Some(path)) => packages.package_model(path, self.source, self.tree),
            _ => {
                let path: Arc<Path> = Arc::from(self.path.unwrap_or(Path::new("")));
                (Arc::new(Package::new(vec![Arc::new(semantic::file_facts(self.source, self.tree, path))])), 0)
            }
        })
    }

    /// The package model when every file of it could be read whole: rules that
    /// reason about what the package does not do say nothing otherwise.
    pub fn complete_package_model(&self) -> Option<&Package> {
        Some(self.package_model()).filter(|pkg| !pkg.truncated)
    }

    /// Parents and enclosing functions and loops of the file's nodes (with a
    /// focus, of the focused declarations' nodes), in constant time each
    /// (tree-sitter's `Node::parent` is linear in the depth).
    pub fn ancestry(&self) -> &Ancestry<'a> {
        self.ancestry.get_or_init(|| match &self.focus {
            Some(decls) => Ancestry::of_declarations(self.tree.root_node(), decls, self.source),
            None => Ancestry::of(self.tree.root_node(), self.source),
        })
    }

    /// The identifiers of a name inside a node, without walking the node each time.
    pub fn identifiers(&self) -> &Identifiers<'a> {
        self.identifiers.get_or_init(|| Identifiers::of(self.tree.root_node(), self.source))
    }

    /// As [`go::context_in_scope`], with each function's locals looked for once,
    /// and the literals between that can give no context skipped.
    pub fn context_in_scope(&self, func: tree_sitter::Node<'a>, at: tree_sitter::Node<'a>) -> Option<String> {
        go::context_in_scope_with(func, at, self.source, &self.imports, &mut |f| self.context_holder(f), &mut |f| {
            self.context_locals_of(f)
        })
    }

    fn context_locals_of(&self, func: tree_sitter::Node<'a>) -> Vec<go::ContextLocal<'a>> {
        let up = self.ancestry();
        let mut known = self.context_locals.borrow_mut();
        known
            .entry(func.id())
            .or_insert_with(|| go::context_locals(func, self.source, &self.imports, &|n| up.parent(n)))
            .clone()
    }

    /// The function out from the literal `lit` that can give a context, or the
    /// declaration around it (where the search ends).
    fn context_holder(&self, lit: tree_sitter::Node<'a>) -> Option<tree_sitter::Node<'a>> {
        let up = self.ancestry();
        let mut passed = vec![lit.id()];
        let mut cur = up.enclosing_function(lit);
        let holder = loop {
            let Some(f) = cur else { break None };
            if f.kind_name() != "func_literal"
                || go::gives_context(f, self.source, &self.imports, &self.context_locals_of(f))
            {
                break Some(f);
            }
            // A literal passed before: what lies beyond it is known.
            if let Some(&known) = self.context_holders.borrow().get(&f.id()) {
                break known;
            }
            passed.push(f.id());
            cur = up.enclosing_function(f);
        };
        self.context_holders.borrow_mut().extend(passed.into_iter().map(|id| (id, holder)));
        holder
    }

    /// Every function declaration, method and function literal (in focus), in source order.
    pub fn functions(&self) -> &[tree_sitter::Node<'a>] {
        &self.lists().functions
    }

    /// Every `go` statement of the file, in source order. With a focus, those
    /// in focus and those elsewhere that start a named function or method (rules
    /// ask which functions run as goroutines).
    pub fn go_statements(&self) -> &[tree_sitter::Node<'a>] {
        &self.lists().go_statements
    }

    /// Every goroutine start: the `go` statements and the `x.Go(func...)` calls of
    /// errgroup and `sync.WaitGroup`, in source order (with a focus, as above).
    pub fn goroutine_starts(&self) -> &[tree_sitter::Node<'a>] {
        &self.lists().goroutine_starts
    }

    /// Every call expression (in focus), in source order.
    pub fn calls(&self) -> &[tree_sitter::Node<'a>] {
        &self.lists().calls
    }

    /// The file's top-level type specs. With a focus, those of the focused
    /// declarations, which hold every declaration that is not a function.
    pub fn type_specs(&self) -> Vec<tree_sitter::Node<'a>> {
        match &self.focus {
            Some(decls) => go::type_specs_in(decls),
            None => go::top_level_type_specs(self.tree.root_node()),
        }
    }

    /// The listed calls inside `node` (the calls list is in source order, so
    /// a subtree's calls are one run of it).
    pub fn calls_in(&self, node: tree_sitter::Node) -> &[tree_sitter::Node<'a>] {
        let calls = self.calls();
        let from = calls.partition_point(|c| c.start_byte() < node.start_byte());
        let to = calls.partition_point(|c| c.start_byte() < node.end_byte());
        &calls[from..to.max(from)]
    }

    /// The listed calls in `func`'s own code, not in function literals nested in it.
    /// Calls and functions are in source order, so each nested function is
    /// skipped whole with a binary search: testing every call against every
    /// nested function was cubic in nested literals.
    pub fn own_calls(&self, func: tree_sitter::Node) -> impl Iterator<Item = tree_sitter::Node<'a>> + '_ {
        let functions = self.functions();
        let calls = self.calls_in(func);
        let nested = |at: usize| functions.get(at).filter(|f| f.start_byte() < func.end_byte());
        let mut next = functions.partition_point(|f| f.start_byte() <= func.start_byte());
        let mut own = Vec::new();
        let mut i = 0;
        while let Some(&call) = calls.get(i) {
            // Nested functions that end before the call (and those inside them) are behind it.
            while let Some(f) = nested(next).filter(|f| f.end_byte() <= call.start_byte()) {
                let end = f.end_byte();
                next = functions.partition_point(|g| g.start_byte() < end).max(next + 1);
            }
            match nested(next).filter(|f| f.start_byte() <= call.start_byte()) {
                Some(f) => {
                    let end = f.end_byte();
                    i += calls[i..].partition_point(|c| c.start_byte() < end);
                    next = functions.partition_point(|g| g.start_byte() < end).max(next + 1);
                }
                None => {
                    own.push(call);
                    i += 1;
                }
            }
        }
        own.into_iter()
    }

    /// Whether `node` lies in a focused declaration (always, without a focus).
    pub fn in_focus(&self, node: tree_sitter::Node) -> bool {
        self.focus.as_ref().is_none_or(|decls| {
            decls.iter().any(|d| d.start_byte() <= node.start_byte() && node.end_byte() <= d.end_byte())
        })
    }

    /// The package-level function `name` of this file's package, wherever in
    /// the package it is declared (only the declaring file is parsed).
    pub fn package_function(&self, name: &str) -> Option<FunctionSummary> {
        let package = go::package_name(self.tree.root_node(), self.source)?;
        self.packages?.function_in(self.path?.parent()?, Some(package), name)
    }

    /// The function `name` of the package this file imports under `local_name`,
    /// when that package belongs to the same module or `go.work`.
    pub fn imported_function(&self, local_name: &str, name: &str) -> Option<FunctionSummary> {
        let import_path = self.import_path_of(local_name)?;
        self.packages?.imported_function(self.path?, &import_path, name)
    }

    fn import_path_of(&self, local_name: &str) -> Option<String> {
        let root = self.tree.root_node();
        go::import_specs(root).into_iter().find_map(|spec| {
            let path = go::text(spec.child_by_field_name("path")?, self.source).trim_matches(|c| c == '"' || c == '`');
            let name = match spec.child_by_field_name("name") {
                Some(alias) => go::text(alias, self.source),
                None => path.rsplit('/').next().unwrap_or(path),
            };
            (name == local_name).then(|| path.to_string())
        })
    }
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &FileContext, out: &mut Vec<Finding>);
    /// Whether the rule's findings rest on the package model (any function or
    /// file of the package may change them), so an incremental analysis runs
    /// it over the whole file every time instead of over the edited functions.
    fn package_wide(&self) -> bool {
        false
    }
}

static RULES: &[&dyn Rule] = &[
    &unreceived_send::UnreceivedSend,
    &ticker_not_stopped::TickerNotStopped,
    &background_context::BackgroundContext,
    &lost_cancel::LostCancel,
    &waitgroup_done_skipped::WaitgroupDoneSkipped,
    &blocked_forever::BlockedForever,
    &unsent_receive::UnsentReceive,
    &range_never_closed::RangeNeverClosed,
    &loop_without_exit::LoopWithoutExit,
    &time_tick_leak::TimeTickLeak,
    &time_after_in_loop::TimeAfterInLoop,
    &cancel_never_called::CancelNeverCalled,
    &unmatched_field_channel::UnmatchedFieldChannel,
    &nil_field_channel::NilFieldChannel,
    &partner_stops_first::PartnerStopsFirst,
    &returned_channel_dropped::ReturnedChannelDropped,
    &blocked_on_own_channel::BlockedOnOwnChannel,
    &timer_drain_blocks::TimerDrainBlocks,
    &blocking_select_default::BlockingSelectDefault,
    &buffer_too_small::BufferTooSmall,
    &detached_field_context::DetachedFieldContext,
];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn rule_by_name(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// Helpers for the rules' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::PathBuf;

    use super::*;
    use crate::analysis::engine::apply_fixes;
    use crate::syntax::parse_go;

    /// Runs one rule over `src`, without the engine's filtering.
    pub fn check(rule: &dyn Rule, src: &str, go_version: Option<GoVersion>) -> Vec<Finding> {
        let tree = parse_go(src, None);
        let cx = FileContext::new(src, &tree, None, go_version, None);
        let mut out = Vec::new();
        rule.check(&cx, &mut out);
        out
    }

    fn go_files(dir: PathBuf) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(go_files(path));
            } else if path.extension().is_some_and(|e| e == "go") {
                out.push(path);
            }
        }
        out
    }

    /// Runs the rule, and applies all its fixes, on prefixes of each of its fixture
    /// files, as an editor sees half-typed code: nothing may panic.
    pub fn survives_truncation(rule: &dyn Rule) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/rules").join(rule.meta().name);
        let files = go_files(dir);
        assert!(!files.is_empty());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let cuts = (0..text.len()).step_by(23).filter(|i| text.is_char_boundary(*i));
            for cut in cuts {
                let src = &text[..cut];
                let findings = check(rule, src, GoVersion::parse("1.22"));
                let fixes: Vec<_> = findings.iter().flat_map(|f| f.fixes.iter()).collect();
                for fix in fixes {
                    apply_fixes(src, &[fix]);
                }
            }
        }
    }
}

/// Runs one rule over a Go source text, as the engine would (without its
/// post-processing), for the rules' unit tests.
#[cfg(test)]
pub(crate) fn check_source(rule: &dyn Rule, src: &str) -> Vec<Finding> {
    let tree = crate::syntax::parse_go(src, None);
    let cx = FileContext::new(src, &tree, None, None, None);
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
