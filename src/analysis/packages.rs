//! Package summaries on demand, across the files and packages of a module.
//!
//! A rule that meets `go Drain(jobs)` with `Drain` declared in another file, or
//! `go queue.Drain(jobs)` with `queue` imported from the same module (or a
//! `go.work` sibling), asks here. A text index of `func Name(` lines per
//! directory finds the declaring file, and only that file is parsed and
//! summarised. Summaries are cached per file; the server replaces them when
//! files change and lets open editor buffers stand in for the disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;

use super::gomod::GoModule;
use super::summary::{FunctionSummary, PackageSummary};

use crate::semantic::{DeclarationCache, FileFacts, Package, file_facts, file_facts_reusing, source_hash};
use crate::syntax::parse_go;

/// Files larger than this are not summarised (generated tables, not goroutine code).
const MAX_SUMMARY_FILE_BYTES: u64 = 4 << 20;

/// What recording an open buffer's summary changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFileUpdate {
    /// What the file says of its functions changed, not only where they are: files
    /// that use it need a new look.
    pub facts_changed: bool,
    /// The generation this update moved on from, when it changed anything.
    pub generation_before: Option<u64>,
}

/// A package model and the facts of the files it was built from.
type BuiltModel = (Vec<Arc<FileFacts>>, Arc<Package>);

#[derive(Default)]
pub struct Packages {
    /// One file's summary by path: files read from disk, and open editor buffers,
    /// which stand in for the disk until closed.
    by_file: DashMap<PathBuf, Arc<PackageSummary>>,
    open: DashMap<PathBuf, ()>,
    /// Per directory: which files declare a package-level function of each name,
    /// read from the text (`func Name(` lines) without parsing.
    declarations: DashMap<PathBuf, Arc<HashMap<String, Vec<PathBuf>>>>,
    /// One file's semantic facts by path, for the package models of the files
    /// beside it (read from disk when first needed; open buffers stand in).
    facts: DashMap<PathBuf, Arc<FileFacts>>,
    /// Per open buffer, the facts of its top-level declarations: an edit reads
    /// again only the declarations it changed.
    declaration_facts: DashMap<PathBuf, DeclarationCache>,
    /// The last model built per directory and package clause, with the facts
    /// it was built from: reused while every file's facts stay the same.
    models: DashMap<(PathBuf, String), BuiltModel>,
    /// Files `check` has parsed and is about to analyse: their facts are read
    /// from these trees instead of parsing the files again.
    parsed: DashMap<PathBuf, (Arc<str>, tree_sitter::Tree)>,
    /// Counts changes to what lookups can answer (not lazy loads from disk, which
    /// always answer the same): an analysis that saw one generation can reuse
    /// its results while the generation stays put.
    generation: AtomicU64,
}

impl Packages {
    /// The package-level function `name` declared in `dir` (in package `package`,
    /// or in any non-test file when None). Only the files that declare it are
    /// parsed: summarising a whole package for one lookup would cost a parse of
    /// all its files.
    pub fn function_in(&self, dir: &Path, package: Option<&str>, name: &str) -> Option<FunctionSummary> {
        let index = self.declarations(dir);
        let mut found: Option<FunctionSummary> = None;
        for file in index.get(name)? {
            if package.is_none() && file.to_string_lossy().ends_with("_test.go") {
                continue;
            }
            let summary = self.file_summary(file)?;
            if package.is_some_and(|p| p != summary.name) {
                continue;
            }
            if let Some(function) = summary.function(name) {
                if found.is_some() {
                    return None; // declared twice (build tags): ambiguous
                }
                found = Some(function.clone());
            }
        }
        found
    }

    /// The function `name` of the package `import_path` as seen from `from_file`.
    pub fn imported_function(&self, from_file: &Path, import_path: &str, name: &str) -> Option<FunctionSummary> {
        self.function_in(&resolve_import(from_file, import_path)?, None, name)
    }

    fn declarations(&self, dir: &Path) -> Arc<HashMap<String, Vec<PathBuf>>> {
        if let Some(hit) = self.declarations.get(dir) {
            return hit.clone();
        }
        let mut index: HashMap<String, Vec<PathBuf>> = HashMap::new();
        for file in go_files_in(dir) {
            let names: Vec<String> = match self.open.contains_key(&file).then(|| self.by_file.get(&file)).flatten() {
                // An open buffer speaks for itself: its text on disk may be stale.
                Some(summary) => {
                    summary.functions.iter().filter(|f| f.receiver.is_none()).map(|f| f.name.clone()).collect()
                }
                None => std::fs::read_to_string(&file).map(|text| declared_function_names(&text)).unwrap_or_default(),
            };
            for name in names {
                index.entry(name).or_default().push(file.clone());
            }
        }
        let index = Arc::new(index);
        self.declarations.insert(dir.to_path_buf(), index.clone());
        index
    }

    /// Summarises a file ahead of need (workspace indexing). Returns false when
    /// it cannot be read.
    pub fn index_file(&self, file: &Path) -> bool {
        self.file_summary(file).is_some()
    }

    fn file_summary(&self, file: &Path) -> Option<Arc<PackageSummary>> {
        if let Some(hit) = self.by_file.get(file) {
            return Some(hit.clone());
        }
        let mut summary = PackageSummary::default();
        match self.parsed.get(file) {
            Some(lent) => summary.add_file(&lent.0, &lent.1, file),
            None => {
                // Workspace indexing comes here for every file, however large.
                if std::fs::metadata(file).ok()?.len() > MAX_SUMMARY_FILE_BYTES {
                    return None;
                }
                let text = std::fs::read_to_string(file).ok()?;
                summary.add_file(&text, &parse_go(&text, None), file);
            }
        }
        let summary = Arc::new(summary);
        self.by_file.insert(file.to_path_buf(), summary.clone());
        Some(summary)
    }

    /// The semantic model of the package of `file`, whose text (`source`, parsed
    /// as `tree`) may be an editor buffer's: the files of its directory with the
    /// same package clause, in path order, and the index of `file` among them.
    /// Facts of files not open in an editor are cached by text, so that the
    /// files of a directory checked one after the other share one model.
    pub fn package_model(&self, file: &Path, source: &str, tree: &tree_sitter::Tree) -> (Arc<Package>, u32) {
        let hash = source_hash(source);
        // The cache's read guard must be gone before the insert below (same shard: a deadlock).
        let cached = self.facts.get(file).filter(|hit| hit.source_hash == hash).map(|hit| hit.clone());
        let own = match cached {
            Some(hit) => hit,
            None => {
                let facts = Arc::new(if self.open.contains_key(file) {
                    let mut cache = self.declaration_facts.entry(file.to_path_buf()).or_default();
                    file_facts_reusing(source, tree, Arc::from(file), &mut cache)
                } else {
                    file_facts(source, tree, Arc::from(file))
                });
                self.facts.insert(file.to_path_buf(), facts.clone());
                facts
            }
        };
        let package = own.package.clone();
        let Some(dir) = file.parent() else {
            return (Arc::new(Package::new(vec![own])), 0);
        };
        let mut files = Vec::new();
        let mut own_index = None;
        for path in go_files_in(dir) {
            if path == file {
                own_index = Some(files.len() as u32);
                files.push(own.clone());
            } else if let Some(facts) = self.file_facts(&path)
                && facts.package == package
            {
                files.push(facts);
            }
        }
        // A file not on disk (a new buffer) or too large to list still comes first.
        let own_index = own_index.unwrap_or_else(|| {
            files.insert(0, own);
            0
        });
        let key = (dir.to_path_buf(), package);
        if let Some(hit) = self.models.get(&key)
            && hit.0.len() == files.len()
            && hit.0.iter().zip(&files).all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return (hit.1.clone(), own_index);
        }
        let model = Arc::new(Package::new(files.clone()));
        self.models.insert(key, (files, model.clone()));
        (model, own_index)
    }

    /// Lends a parsed file, for the facts of its package (see `release_dir`).
    pub fn offer_parsed(&self, file: &Path, source: &str, tree: &tree_sitter::Tree) {
        self.parsed.insert(file.to_path_buf(), (Arc::from(source), tree.clone()));
    }

    /// Forgets the facts, models and lent trees of a directory's files that no
    /// editor has open (`check` is done with the directory).
    pub fn release_dir(&self, dir: &Path) {
        self.parsed.retain(|f, _| f.parent() != Some(dir));
        self.facts.retain(|f, _| f.parent() != Some(dir) || self.open.contains_key(f));
        self.models.retain(|(d, _), _| d != dir);
    }

    fn file_facts(&self, file: &Path) -> Option<Arc<FileFacts>> {
        if let Some(hit) = self.facts.get(file) {
            return Some(hit.clone());
        }
        let facts = match self.parsed.get(file) {
            Some(lent) => Arc::new(file_facts(&lent.0, &lent.1, Arc::from(file))),
            None => {
                if std::fs::metadata(file).ok()?.len() > MAX_SUMMARY_FILE_BYTES {
                    return None;
                }
                let text = std::fs::read_to_string(file).ok()?;
                let tree = parse_go(&text, None);
                Arc::new(file_facts(&text, &tree, Arc::from(file)))
            }
        };
        self.facts.insert(file.to_path_buf(), facts.clone());
        Some(facts)
    }

    /// Records an open editor buffer's summary.
    pub fn set_open_file(&self, file: &Path, summary: Arc<PackageSummary>) -> OpenFileUpdate {
        self.open.insert(file.to_path_buf(), ());
        let old = self.by_file.get(file).map(|s| s.clone());
        if old.as_deref() == Some(&*summary) {
            return OpenFileUpdate { facts_changed: false, generation_before: None };
        }
        let facts_changed = old.is_none_or(|old| !old.same_facts(&summary));
        self.by_file.insert(file.to_path_buf(), summary);
        // The directory's index holds function names only: moving them keeps it.
        if facts_changed {
            self.forget_dir(file);
        }
        OpenFileUpdate { facts_changed, generation_before: Some(self.changed()) }
    }

    /// See [`Packages::generation`]'s field.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Moves to the next generation; returns the one before.
    fn changed(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst)
    }

    /// The buffer was closed: the file on disk speaks for it again.
    pub fn close_file(&self, file: &Path) {
        self.open.remove(file);
        self.declaration_facts.remove(file);
        self.invalidate(file);
    }

    /// The file changed on disk: forget what was read from it (open buffers win).
    pub fn invalidate(&self, file: &Path) {
        if !self.open.contains_key(file) {
            self.by_file.remove(file);
            self.facts.remove(file);
        }
        if let Some(dir) = file.parent() {
            self.models.retain(|(d, _), _| d != dir);
        }
        self.forget_dir(file);
        self.changed();
    }

    fn forget_dir(&self, file: &Path) {
        if let Some(dir) = file.parent() {
            self.declarations.remove(dir);
        }
    }

    pub fn clear(&self) {
        self.declarations.clear();
        self.by_file.retain(|f, _| self.open.contains_key(f));
        self.facts.retain(|f, _| self.open.contains_key(f));
        self.models.clear();
        self.changed();
    }
}

/// Names of package-level functions declared at the start of a line
/// (`func Name(` or `func Name[T any](`), methods left out. gofmt puts every
/// declaration there; a file that is not formatted only loses lookups.
fn declared_function_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("func "))
        .filter(|rest| !rest.starts_with('('))
        .filter_map(|rest| rest.split(['(', '[']).next())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

fn go_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_SUMMARY_FILE_BYTES))
        .collect();
    files.sort();
    files
}

/// The directory of `import_path` within the module of `from_file` or a module
/// listed by the nearest `go.work`. Standard library and third-party imports give None.
pub fn resolve_import(from_file: &Path, import_path: &str) -> Option<PathBuf> {
    let module = GoModule::find(from_file)?;
    let mut modules = vec![module.clone()];
    modules.extend(workspace_modules(&module.root));
    modules.into_iter().find_map(|m| {
        let root_path = m.path.as_deref()?;
        let rest = import_path.strip_prefix(root_path)?;
        if rest.is_empty() { Some(m.root.clone()) } else { rest.strip_prefix('/').map(|r| m.root.join(r)) }
    })
}

/// The modules of the nearest `go.work` at or above `dir` (its `use` directives).
fn workspace_modules(dir: &Path) -> Vec<GoModule> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if let Ok(text) = std::fs::read_to_string(d.join("go.work")) {
            return use_directives(&text)
                .into_iter()
                .filter_map(|u| {
                    let root = d.join(u);
                    let gomod = std::fs::read_to_string(root.join("go.mod")).ok()?;
                    Some(GoModule::parse(root, &gomod))
                })
                .collect();
        }
        cur = d.parent();
    }
    Vec::new()
}

fn use_directives(go_work: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in go_work.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line == ")" {
                in_block = false;
            } else if !line.is_empty() {
                out.push(line.trim_matches('"').to_string());
            }
        } else if let Some(rest) = line.strip_prefix("use") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else if !rest.is_empty() {
                out.push(rest.trim_matches('"').to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn resolves_module_and_workspace_imports() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "go.work", "go 1.22\n\nuse (\n\t./app\n\t./lib // shared\n)\n");
        write(root, "app/go.mod", "module example.com/app\n\ngo 1.22\n");
        write(root, "app/cmd/main.go", "package main\n");
        write(
            root,
            "app/internal/queue/q.go",
            "package queue\n\nfunc Drain(jobs chan int) {\n\tfor range jobs {\n\t}\n}\n",
        );
        write(root, "lib/go.mod", "module example.com/lib\n\ngo 1.22\n");
        write(root, "lib/audit/a.go", "package audit\n\nfunc Await(id string, c chan struct{}) { <-c }\n");
        let from = root.join("app/cmd/main.go");
        assert_eq!(resolve_import(&from, "example.com/app/internal/queue"), Some(root.join("app/internal/queue")));
        assert_eq!(resolve_import(&from, "example.com/lib/audit"), Some(root.join("lib/audit")));
        assert_eq!(resolve_import(&from, "net/http"), None);

        let packages = Packages::default();
        let drain = packages.imported_function(&from, "example.com/app/internal/queue", "Drain").unwrap();
        assert!(drain.params[0].effects.ranges);
        let wait = packages.imported_function(&from, "example.com/lib/audit", "Await").unwrap();
        assert!(wait.params[1].effects.only_receives());
        assert!(packages.imported_function(&from, "example.com/lib/audit", "Missing").is_none());
    }

    #[test]
    fn open_buffers_replace_the_disk_until_closed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.go");
        std::fs::write(&file, "package a\n\nfunc F(c chan int) { c <- 1 }\n").unwrap();
        let packages = Packages::default();
        assert!(packages.function_in(dir.path(), Some("a"), "F").unwrap().params[0].effects.sends);
        let summary_of = |text: &str| {
            let mut summary = PackageSummary::default();
            summary.add_file(text, &parse_go(text, None), &file);
            Arc::new(summary)
        };
        let before = packages.generation();
        let receiving = summary_of("package a\n\nfunc F(c chan int) { <-c }\n");
        let update = packages.set_open_file(&file, receiving.clone());
        assert_eq!((update.facts_changed, update.generation_before), (true, Some(before)));
        let update = packages.set_open_file(&file, receiving);
        assert_eq!((update.facts_changed, update.generation_before), (false, None), "the same summary is no change");
        let moved = summary_of("package a\n\n\nfunc F(c chan int) { <-c }\n");
        let update = packages.set_open_file(&file, moved);
        assert!(!update.facts_changed, "moved, not changed: users need no new look");
        assert_eq!(update.generation_before, Some(before + 1), "but lookups answer new locations");
        assert!(packages.function_in(dir.path(), Some("a"), "F").unwrap().params[0].effects.receives);
        packages.close_file(&file);
        assert!(packages.function_in(dir.path(), Some("a"), "F").unwrap().params[0].effects.sends);
    }
}
