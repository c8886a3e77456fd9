//! Re-analysis of an edited file that redoes only the top-level declarations the
//! edit can have changed, keeping the findings of the others from the last run.
//!
//! An editor sends a change per keystroke, almost always inside one function.
//! The other functions' findings still hold unless their analysis reads what was
//! edited. The rules look across functions only through what a function refers
//! to (see [`references`]): the functions it calls or starts, the methods it
//! selects on values of their receiver type, the package-level names it uses.
//! So a function is redone when:
//! - the edit touched it;
//! - it refers to an edited function, before or after the edit, or,
//!   transitively, to another function redone for that reason (a call into an
//!   edited function reads the edited body);
//! - an edited function refers to it, before or after the edit (a rule may look
//!   at where and how it is called or started);
//! - it uses a name whose role changed in the edit, unless the edited function
//!   binds that name itself (a local or parameter is nobody else's business):
//!   an identifier added, removed, or moved to another place in the syntax tree
//!   (so deleting the `go` of `go worker(ch)` counts as a change of `worker` and `ch`);
//! - one of its findings points into the edited text, or names a line number
//!   ("the return on line 17") and lines were added or removed.
//!
//! A function's doc comment counts as part of it (rules read "runs forever" there).
//! Everything that is not a function or method declaration (package clause,
//! imports, types, variables) is analysed every time, and findings a rule makes
//! from the whole file ([`Finding::whole_file`]) are taken from every run. An
//! edit to a non-function declaration, a change of settings or of the package
//! summaries of other files, or an edit spanning many functions, redoes the
//! whole file. `tests/incremental.rs` compares this with a whole-file analysis
//! over random edits of every fixture and of a generated service file.

mod references;

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::engine::{AnalysisInput, RuleSettings, Rules, finish, is_generated, run_rules};
use super::finding::Finding;
use super::go;
use super::go::NodeKind;
use super::gomod::GoVersion;
use super::rules::{FileContext, OutOfFocus};
use super::summary::{FunctionSummary, PackageSummary, base_type_name, summarize_function};
use references::{Declared, FileScope};

/// More edited functions than this and the whole file is analysed again: a
/// paste or a reformat, where finding what depends on what costs more than it saves.
const MAX_EDITED_FUNCTIONS: usize = 16;

/// One file's analysis, kept between edits.
#[derive(Default)]
pub struct IncrementalAnalysis {
    last: Option<LastRun>,
}

/// What one analysis produced.
pub struct Analysed {
    /// As [`super::analyze`] would return them.
    pub findings: Vec<Finding>,
    /// The file's function summaries (see [`PackageSummary::add_file`]).
    pub summary: Arc<PackageSummary>,
    /// Whether what the summary says changed, not only where: files that use
    /// this one need a new look.
    pub summary_facts_changed: bool,
    /// How many function declarations were analysed, and whether that was all of them.
    pub redone: Redone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redone {
    WholeFile,
    Functions(usize),
}

struct LastRun {
    text: String,
    tree: Tree,
    settings: RuleSettings,
    go_version: Option<GoVersion>,
    path: Option<PathBuf>,
    /// The package summaries' generation the findings rest on (None without summaries).
    generation: Option<u64>,
    /// False when the summaries changed while the analysis ran: nothing can be reused.
    reusable: bool,
    /// Every top-level declaration (comments included), in source order.
    top_level: Vec<TopLevel>,
    decls: Vec<Declaration>,
}

/// What a function declaration says of itself, whatever else the file holds.
struct OwnFacts {
    /// Where the declaration started when the summary was made: its offsets
    /// move with the declaration.
    start: usize,
    summary: FunctionSummary,
    /// What other functions reach it by, and what it refers to.
    declared: Declared,
}

impl Declaration {
    /// The summary, at the declaration's current place.
    fn summary(&self) -> FunctionSummary {
        let mut summary = self.own.summary.clone();
        if self.range.start != self.own.start {
            let at = |x: usize| x + self.range.start - self.own.start;
            summary.name_range = at(summary.name_range.start)..at(summary.name_range.end);
            for p in &mut summary.params {
                p.blocking_site = p.blocking_site.as_ref().map(|r| at(r.start)..at(r.end));
            }
        }
        summary
    }
}

/// Where a top-level declaration was, and what kind it was.
#[derive(Clone)]
struct TopLevel {
    /// Its range, for a function widened to the comments right above it.
    extent: Range<usize>,
    kind: u16,
}

/// The top-level declarations of a tree with their extents.
fn top_level_of(tree: &Tree) -> Vec<(Node<'_>, Range<usize>)> {
    let decls = go::named_children(tree.root_node());
    let extents = with_comments_above(&decls);
    decls.into_iter().zip(extents).collect()
}

/// A top-level function or method declaration and what was found in it.
#[derive(Clone)]
struct Declaration {
    range: Range<usize>,
    /// The rules' findings located here, before [`finish`].
    findings: Vec<Finding>,
    /// What it says of itself, shared between runs while its text stays put.
    own: Arc<OwnFacts>,
    /// Its `go` statements that start a named function or method: from outside
    /// the focus, only those can start a function in focus (a started literal
    /// lies in the same declaration as its start).
    named_starts: Vec<Range<usize>>,
}

/// A focused run, ready to go: what to analyse, and what is kept (already moved).
struct Prepared<'t> {
    focus: Vec<Node<'t>>,
    kept: Vec<(Node<'t>, Declaration)>,
    elsewhere: OutOfFocus<'t>,
}

impl IncrementalAnalysis {
    /// Analyses `input`, reusing what the last call found wherever the edits
    /// since cannot have changed it. With `input.packages` and `input.path`, the
    /// file's summary is recorded there as an open buffer's (before the rules
    /// run, since they look functions up there).
    pub fn analyze(&mut self, input: &AnalysisInput) -> Analysed {
        let seen = input.packages.map(|p| p.generation());
        let top_level = top_level_of(input.tree);
        let prepared = self.last.as_ref().and_then(|last| prepare(last, last.plan(input, &top_level, seen)?));
        let path = input.path.unwrap_or(Path::new(""));
        let mut summaries: Vec<(usize, FunctionSummary)> = match &prepared {
            Some(p) => {
                let kept = p.kept.iter().map(|(_, d)| (d.range.start, d.summary()));
                let redone = p.focus.iter().filter(|d| is_function_declaration(**d));
                kept.chain(redone.map(|d| (d.start_byte(), summarize_function(*d, input.source, path)))).collect()
            }
            None => top_level_functions(input.tree)
                .into_iter()
                .map(|d| (d.start_byte(), summarize_function(d, input.source, path)))
                .collect(),
        };
        summaries.sort_by_key(|(start, _)| *start);
        let summary = Arc::new(PackageSummary {
            name: go::package_name(input.tree.root_node(), input.source).unwrap_or_default().to_string(),
            functions: summaries.into_iter().map(|(_, s)| s).collect(),
        });
        let (mut generation, mut reusable, mut summary_facts_changed) = (seen, true, false);
        if let (Some(packages), Some(path)) = (input.packages, input.path) {
            let update = packages.set_open_file(path, Arc::clone(&summary));
            summary_facts_changed = update.facts_changed;
            match update.generation_before {
                None => {}
                Some(before) if Some(before) == seen => generation = Some(before + 1),
                // Others changed the summaries too, after this analysis looked.
                Some(_) => reusable = false,
            }
        }
        // Summaries are in source order, so by where their names start.
        let functions = &summary.functions;
        let summary_of = |decl: Node| {
            let known = decl.child_by_field_name("name").and_then(|n| {
                let i = functions.partition_point(|f| f.name_range.start < n.start_byte());
                functions.get(i).filter(|f| f.name_range.start == n.start_byte())
            });
            known.cloned().unwrap_or_else(|| summarize_function(decl, input.source, path))
        };
        let (mut findings, decls, redone) = match prepared {
            Some(p) => {
                let redone = Redone::Functions(p.focus.iter().filter(|d| is_function_declaration(**d)).count());
                let (findings, decls) = focused(input, p, summary_of);
                (findings, decls, redone)
            }
            None => {
                let (findings, decls) = whole_file(input, summary_of);
                (findings, decls, Redone::WholeFile)
            }
        };
        self.last = Some(LastRun {
            text: input.source.to_string(),
            tree: input.tree.clone(),
            settings: input.settings.clone(),
            go_version: input.go_version,
            path: input.path.map(Path::to_path_buf),
            generation,
            reusable,
            top_level: top_level
                .iter()
                .map(|(d, extent)| TopLevel { extent: extent.clone(), kind: d.kind_id() })
                .collect(),
            decls,
        });
        findings.extend(package_findings(input));
        let findings = finish(input.source, input.tree, findings);
        Analysed { findings, summary, summary_facts_changed, redone }
    }
}

fn top_level_functions(tree: &Tree) -> Vec<Node<'_>> {
    go::named_children(tree.root_node()).into_iter().filter(|d| is_function_declaration(*d)).collect()
}

fn is_function_declaration(node: Node) -> bool {
    matches!(node.kind_name(), "function_declaration" | "method_declaration")
}

/// Top-level comments say nothing to the rules (suppression comments are read
/// again on every run), so editing one redoes nothing.
fn is_neutral(node: Node) -> bool {
    node.kind_name() == "comment"
}

/// The rules' findings over `cx`, sorted by where they start (none in generated files).
fn rule_findings(input: &AnalysisInput, cx: &FileContext) -> Vec<Finding> {
    if is_generated(input.source) {
        return Vec::new();
    }
    let mut findings = run_rules(cx, input.settings, Rules::FunctionLocal);
    findings.sort_by_key(|f| f.range.start);
    findings
}

/// The package-wide rules' findings over the whole file: they rest on the
/// package model, which any edit of the file may change.
fn package_findings(input: &AnalysisInput) -> Vec<Finding> {
    if is_generated(input.source) {
        return Vec::new();
    }
    let cx = FileContext::new(input.source, input.tree, input.path, input.go_version, input.packages);
    run_rules(&cx, input.settings, Rules::PackageWide)
}

fn whole_file<'t>(
    input: &AnalysisInput<'t>,
    summary_of: impl Fn(Node<'t>) -> FunctionSummary,
) -> (Vec<Finding>, Vec<Declaration>) {
    let cx = FileContext::new(input.source, input.tree, input.path, input.go_version, input.packages);
    let findings = rule_findings(input, &cx);
    let decls =
        top_level_functions(input.tree).into_iter().map(|d| declaration(&cx, d, &findings, summary_of(d))).collect();
    (findings, decls)
}

/// The record of `decl` from a run whose context and findings cover it (the
/// findings sorted by where they start).
fn declaration(cx: &FileContext, decl: Node, findings: &[Finding], summary: FunctionSummary) -> Declaration {
    let range = decl.byte_range();
    let findings_from = findings.partition_point(|f| f.range.start < range.start);
    let go_statements = cx.go_statements();
    let starts_from = go_statements.partition_point(|g| g.start_byte() < range.start);
    Declaration {
        // Whole-file findings come from every run, never from a kept record.
        findings: findings[findings_from..]
            .iter()
            .take_while(|f| f.range.start < range.end)
            .filter(|f| !f.whole_file)
            .cloned()
            .collect(),
        own: Arc::new(OwnFacts { start: range.start, summary, declared: Declared::of(decl, cx.source) }),
        named_starts: go_statements[starts_from..]
            .iter()
            .take_while(|g| g.start_byte() < range.end)
            .filter(|g| !starts_a_literal(**g))
            .map(|g| g.byte_range())
            .collect(),
        range,
    }
}

/// Which declarations of the new tree to analyse again, and how the others moved.
struct Plan<'t> {
    /// Edited and dependent functions, and every declaration that is not a function.
    focus: Vec<Node<'t>>,
    /// Functions kept from the last run: their node now and their record.
    kept: Vec<(Node<'t>, usize)>,
    edit: ChangedSpan,
}

impl LastRun {
    /// None when the whole file must be analysed again.
    fn plan<'t>(
        &self,
        input: &AnalysisInput<'t>,
        top_level: &[(Node<'t>, Range<usize>)],
        generation: Option<u64>,
    ) -> Option<Plan<'t>> {
        let same_ground = self.reusable
            && generation == self.generation
            && *input.settings == self.settings
            && input.go_version == self.go_version
            && input.path == self.path.as_deref();
        if !same_ground {
            return None;
        }
        let edit = ChangedSpan::between(&self.text, input.source);
        let old_top = &self.top_level;
        let mut kept: Vec<(Node, usize)> = Vec::new();
        let mut edited_new: Vec<Node> = Vec::new();
        let mut matched_old = vec![false; old_top.len()];
        // Both lists are in source order and unchanged declarations keep theirs: one merge.
        let (mut old, mut record) = (0, 0);
        for (decl, extent) in top_level {
            let decl = *decl;
            while old < old_top.len()
                && edit.unchanged(old_top[old].extent.clone()).is_none_or(|r| r.start < extent.start)
            {
                old += 1;
            }
            let same = old < old_top.len()
                && edit.unchanged(old_top[old].extent.clone()).as_ref() == Some(extent)
                && old_top[old].kind == decl.kind_id();
            if same {
                matched_old[old] = true;
                if is_function_declaration(decl) {
                    // The same text: the declaration ends its extent, at the same length.
                    let old_end = old_top[old].extent.end;
                    let old_range = old_end - (decl.end_byte() - decl.start_byte())..old_end;
                    while self.decls.get(record).is_some_and(|d| d.range.start < old_range.start) {
                        record += 1;
                    }
                    self.decls.get(record).filter(|d| d.range == old_range)?;
                    kept.push((decl, record));
                }
                // A function's doc comment starts where the function's extent does:
                // the next declaration is matched from the one after.
                old += 1;
            } else if is_function_declaration(decl) {
                edited_new.push(decl);
            } else if !is_neutral(decl) {
                return None;
            }
        }
        let old_root = self.tree.root_node();
        let mut edited_old = Vec::new();
        for (i, _) in matched_old.iter().enumerate().filter(|(_, m)| !**m) {
            edited_old.push(old_root.named_child(i)?);
        }
        if edited_old.iter().any(|d| !is_function_declaration(*d) && !is_neutral(*d))
            || edited_new.len().max(edited_old.len()) > MAX_EDITED_FUNCTIONS
        {
            return None;
        }
        let changed = changed_names(&edited_old, &self.text, &edited_new, input.source);
        let edited: Vec<Declared> = edited_old
            .iter()
            .map(|d| (d, self.text.as_str()))
            .chain(edited_new.iter().map(|d| (d, input.source)))
            .filter(|(d, _)| is_function_declaration(**d))
            .map(|(d, source)| Declared::of(*d, source))
            .collect();
        let declared: Vec<&Declared> = kept.iter().map(|(_, r)| &self.decls[*r].own.declared).collect();
        let scope = file_scope(input, top_level, declared.iter().copied().chain(&edited));
        let is_local = |name: &str| {
            edited.iter().any(|e| scope.is_local(&e.references, name))
                && !edited.iter().any(|e| {
                    let r = &e.references;
                    r.free.binary_search_by(|f| f.as_str().cmp(name)).is_ok()
                        || r.members.iter().any(|(m, _)| m == name)
                })
        };
        let spreading: Vec<&str> = changed.iter().map(String::as_str).filter(|n| !is_local(n)).collect();
        let mut redo = vec![false; kept.len()];
        // A kept finding is stale when it points into the edited text, or when its
        // message names a line (messages say "the return on line 17") and lines moved.
        let lines_moved = edit.moves_lines(&self.text, input.source);
        for (k, (_, record)) in kept.iter().enumerate() {
            let decl = &self.decls[*record];
            let stale = decl
                .findings
                .iter()
                .any(|f| (lines_moved && names_a_line(f)) || offsets(f).any(|x| edit.moved(x, &decl.range).is_none()));
            let calls_edited = edited.iter().any(|e| scope.refers(declared[k], e));
            let called = edited.iter().any(|e| scope.refers(e, declared[k]));
            let uses_changed = spreading.iter().any(|n| scope.mentions(declared[k], n));
            redo[k] = stale || calls_edited || called || uses_changed;
        }
        // A caller of a redone function reads its body, and may place findings in
        // it (a send there that its own receive leaves blocked): it is redone too.
        let mut redone: Vec<usize> = (0..kept.len()).filter(|k| redo[*k]).collect();
        while let Some(callee) = redone.pop() {
            for k in 0..kept.len() {
                if !redo[k] && scope.refers(declared[k], declared[callee]) {
                    redo[k] = true;
                    redone.push(k);
                }
            }
        }
        let mut focus: Vec<Node> = edited_new;
        focus.extend(kept.iter().zip(&redo).filter(|(_, r)| **r).map(|((n, _), _)| *n));
        focus.extend(top_level.iter().map(|(d, _)| *d).filter(|d| !is_function_declaration(*d) && !is_neutral(*d)));
        focus.sort_by_key(|n| n.start_byte());
        let kept = kept.into_iter().zip(redo).filter(|(_, r)| !r).map(|(k, _)| k).collect();
        Some(Plan { focus, kept, edit })
    }
}

/// Each declaration's range, for functions widened to the comments right above them.
fn with_comments_above(decls: &[Node]) -> Vec<Range<usize>> {
    let mut comments_from = None;
    decls
        .iter()
        .map(|d| {
            let mut range = d.byte_range();
            if is_neutral(*d) {
                comments_from.get_or_insert(range.start);
            } else {
                if is_function_declaration(*d) {
                    range.start = comments_from.unwrap_or(range.start);
                }
                comments_from = None;
            }
            range
        })
        .collect()
}

/// The file's top-level names, imports and methods, for resolving references.
fn file_scope<'a>(
    input: &AnalysisInput,
    top_level: &[(Node, Range<usize>)],
    functions: impl Iterator<Item = &'a Declared>,
) -> FileScope {
    let src = input.source;
    let mut scope = FileScope {
        top_level: HashSet::new(),
        imports: HashSet::new(),
        methods: HashSet::new(),
        fields: HashMap::new(),
    };
    for spec in go::import_specs(input.tree.root_node()) {
        let name = match spec.child_by_field_name("name") {
            Some(alias) => go::text(alias, src).to_string(),
            None => spec
                .child_by_field_name("path")
                .map_or("", |p| go::text(p, src))
                .trim_matches(|c| c == '"' || c == '`')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        scope.imports.insert(name);
    }
    for (decl, _) in top_level.iter().filter(|(d, _)| !is_function_declaration(*d)) {
        go::walk(*decl, |n| {
            if matches!(n.kind_name(), "type_spec" | "type_alias" | "var_spec" | "const_spec") {
                let mut cursor = n.walk();
                scope
                    .top_level
                    .extend(n.children_by_field_name("name", &mut cursor).map(|c| go::text(c, src).to_string()));
            }
            // A struct's fields, found from the type down (tree-sitter's parent
            // of each field would descend from the root).
            if n.kind_name() == "type_spec"
                && let (Some(owner), Some(ty)) = (n.child_by_field_name("name"), n.child_by_field_name("type"))
                && ty.kind_name() == "struct_type"
            {
                let lists = go::named_children(ty).into_iter().filter(|l| l.kind_name() == "field_declaration_list");
                for field_decl in lists.flat_map(go::named_children).filter(|f| f.kind_name() == "field_declaration") {
                    let Some(field_ty) = field_decl.child_by_field_name("type") else { continue };
                    let field_ty = base_type_name(go::text(field_ty, src)).to_string();
                    let mut cursor = field_decl.walk();
                    for field in field_decl.children_by_field_name("name", &mut cursor) {
                        scope.fields.insert(
                            (go::text(owner, src).to_string(), go::text(field, src).to_string()),
                            field_ty.clone(),
                        );
                    }
                }
            }
            go::Walk::Continue
        });
    }
    for own in functions {
        match &own.receiver {
            Some(receiver) => {
                scope.methods.insert((receiver.clone(), own.name.clone()));
            }
            None => {
                scope.top_level.insert(own.name.clone());
            }
        }
    }
    scope
}

const IDENTIFIER_KINDS: [&str; 5] =
    ["identifier", "field_identifier", "type_identifier", "package_identifier", "label_name"];

/// The identifiers whose place in the tree differs between the old and new
/// versions of the edited declarations (a multiset difference of (name, path
/// of node kinds and field names from the declaration down to it)).
fn changed_names<'s>(old: &[Node], old_source: &'s str, new: &[Node], new_source: &'s str) -> Vec<String> {
    let mut before = Vec::new();
    for d in old {
        identifier_places(*d, old_source, &mut before);
    }
    let mut after = Vec::new();
    for d in new {
        identifier_places(*d, new_source, &mut after);
    }
    before.sort_unstable();
    after.sort_unstable();
    let (mut i, mut j) = (0, 0);
    let mut names = Vec::new();
    while i < before.len() || j < after.len() {
        match (before.get(i), after.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                names.push(a.1.to_string());
                i += 1;
            }
            (Some(a), None) => {
                names.push(a.1.to_string());
                i += 1;
            }
            (_, Some(b)) => {
                names.push(b.1.to_string());
                j += 1;
            }
            (None, None) => unreachable!(),
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Pushes (hash of the path from `decl`, name) for every identifier under `decl`.
fn identifier_places<'s>(decl: Node, source: &'s str, out: &mut Vec<(u64, &'s str)>) {
    let hasher = foldhash::fast::FixedState::with_seed(0x1ea4);
    let mut cursor = decl.walk();
    let mut path: Vec<u64> = vec![0];
    loop {
        let node = cursor.node();
        let parent = *path.last().expect("the path starts with the declaration");
        let here = hasher.hash_one((parent, node.kind_id(), cursor.field_id().map(|f| f.get())));
        if IDENTIFIER_KINDS.contains(&node.kind_name()) {
            out.push((here, go::text(node, source)));
        }
        if cursor.goto_first_child() {
            path.push(here);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            path.pop();
        }
    }
}

/// Moves the kept declarations' records and finds their goroutine starts in the
/// new tree; None when one cannot be found again.
fn prepare<'t>(last: &LastRun, plan: Plan<'t>) -> Option<Prepared<'t>> {
    let mut elsewhere = OutOfFocus::default();
    let mut kept = Vec::new();
    for &(node, record) in &plan.kept {
        let moved = moved_declaration(&last.decls[record], &plan.edit);
        for r in &moved.named_starts {
            elsewhere.named_starts.push(node_at(node, r.clone(), "go_statement")?);
        }
        kept.push((node, moved));
    }
    Some(Prepared { focus: plan.focus, kept, elsewhere })
}

/// Runs the rules on the focus and takes the other functions' findings from the last run.
fn focused<'t>(
    input: &AnalysisInput<'t>,
    prepared: Prepared<'t>,
    summary_of: impl Fn(Node<'t>) -> FunctionSummary,
) -> (Vec<Finding>, Vec<Declaration>) {
    let Prepared { focus, kept, elsewhere } = prepared;
    let cx = FileContext::focused(input, focus.clone(), elsewhere);
    let fresh = rule_findings(input, &cx);
    // Findings in functions out of focus come from the last run.
    let kept_starts: Vec<usize> = kept.iter().map(|(n, _)| n.start_byte()).collect();
    let out_of_focus = |f: &Finding| {
        let k = kept_starts.partition_point(|s| *s <= f.range.start);
        k > 0 && f.range.start < kept[k - 1].0.end_byte()
    };
    let mut findings: Vec<Finding> = fresh.iter().filter(|f| f.whole_file || !out_of_focus(f)).cloned().collect();
    let mut decls: Vec<Declaration> = focus
        .iter()
        .filter(|d| is_function_declaration(**d))
        .map(|&d| declaration(&cx, d, &fresh, summary_of(d)))
        .collect();
    for (_, decl) in kept {
        findings.extend(decl.findings.iter().cloned());
        decls.push(decl);
    }
    decls.sort_by_key(|d| d.range.start);
    (findings, decls)
}

/// The deepest node spanning exactly `range` under `within`, if of `kind`.
fn node_at<'t>(within: Node<'t>, range: Range<usize>, kind: &str) -> Option<Node<'t>> {
    let node = within.descendant_for_byte_range(range.start, range.end)?;
    (node.kind_name() == kind && node.byte_range() == range).then_some(node)
}

/// `go func() { ... }()`: a `go` statement that starts a function literal.
fn starts_a_literal(go_statement: Node) -> bool {
    let function = go::go_call(go_statement).and_then(|c| c.child_by_field_name("function"));
    function.is_some_and(|f| go::unparen(f).kind_name() == "func_literal")
}

/// A kept declaration's record, with every offset moved by the edit (its own
/// facts move with its range).
fn moved_declaration(decl: &Declaration, edit: &ChangedSpan) -> Declaration {
    let at = |x: usize| edit.moved(x, &decl.range).expect("kept findings point outside the edit");
    let range_at = |r: &Range<usize>| at(r.start)..at(r.end);
    let mut moved = decl.clone();
    moved.range = range_at(&decl.range);
    for f in &mut moved.findings {
        f.range = range_at(&f.range);
        for r in f.related.iter_mut().filter(|r| r.path.is_none()) {
            r.range = range_at(&r.range);
        }
        for e in f.fixes.iter_mut().flat_map(|fix| fix.edits.iter_mut()) {
            e.range = range_at(&e.range);
        }
    }
    moved.named_starts = decl.named_starts.iter().map(range_at).collect();
    moved
}

/// Whether any text of the finding may name a line number.
fn names_a_line(f: &Finding) -> bool {
    let related = f.related.iter().map(|r| &r.message);
    let titles = f.fixes.iter().map(|fix| &fix.title);
    std::iter::once(&f.message).chain(related).chain(titles).any(|t| t.contains("line "))
}

/// Every offset into the file a finding holds.
fn offsets(f: &Finding) -> impl Iterator<Item = usize> + '_ {
    let related = f.related.iter().filter(|r| r.path.is_none()).map(|r| &r.range);
    let edits = f.fixes.iter().flat_map(|fix| fix.edits.iter().map(|e| &e.range));
    std::iter::once(&f.range).chain(related).chain(edits).flat_map(|r| [r.start, r.end])
}

/// The edit between two texts, as the span that differs: bytes before it are
/// unchanged, bytes after it moved by the change in length.
#[derive(Debug, Clone, Copy)]
struct ChangedSpan {
    /// Length of the common prefix.
    start: usize,
    /// End of the differing span in the old text.
    old_end: usize,
    /// Change in length.
    delta: isize,
}

impl ChangedSpan {
    fn between(old: &str, new: &str) -> ChangedSpan {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let room = a.len().min(b.len()) - start;
        let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
        ChangedSpan { start, old_end: a.len() - suffix, delta: b.len() as isize - a.len() as isize }
    }

    /// Whether the edit added or removed line breaks.
    fn moves_lines(&self, old: &str, new: &str) -> bool {
        let breaks = |s: &str| s.bytes().filter(|b| *b == b'\n').count();
        let new_end = self.old_end.checked_add_signed(self.delta).unwrap_or(self.start);
        breaks(&old[self.start..self.old_end]) != breaks(&new[self.start..new_end])
    }

    /// Where an old offset is now, for an offset that belongs with `owner` (a
    /// range of the old text that the edit did not touch): None inside the edit.
    fn moved(&self, x: usize, owner: &Range<usize>) -> Option<usize> {
        let shift = |x: usize| x.checked_add_signed(self.delta);
        if x < self.start || (x == self.start && x < self.old_end) {
            Some(x)
        } else if x > self.old_end || (x == self.old_end && x > self.start) {
            shift(x)
        } else {
            // A pure insertion at `x`: the offset goes with its owner's side.
            if owner.end <= x { Some(x) } else { shift(x) }
        }
    }

    /// Where an old range is now, when the edit left its text alone.
    fn unchanged(&self, r: Range<usize>) -> Option<Range<usize>> {
        if r.end <= self.start {
            Some(r)
        } else if r.start >= self.old_end {
            Some(r.start.checked_add_signed(self.delta)?..r.end.checked_add_signed(self.delta)?)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_is_the_differing_span() {
        let e = ChangedSpan::between("abcdef", "abXYef");
        assert_eq!((e.start, e.old_end, e.delta), (2, 4, 0));
        let e = ChangedSpan::between("aaaa", "aaaaa");
        assert_eq!((e.start, e.old_end, e.delta), (4, 4, 1));
        assert_eq!(e.unchanged(0..4), Some(0..4));
        let e = ChangedSpan::between("ab", "aXb");
        assert_eq!(e.moved(1, &(0..1)), Some(1), "an insertion after a range leaves its end");
        assert_eq!(e.moved(1, &(1..2)), Some(2), "and moves a range that starts there");
        assert_eq!(e.unchanged(1..2), Some(2..3));
    }
}
