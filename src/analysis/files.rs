//! Finding and analysing Go files on disk: shared by `leakls check` and the
//! server's workspace indexing.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::config::{RuleConfig, find_config};
use super::engine::{AnalysisInput, RuleSettings, analyze};
use super::finding::Finding;
use super::gomod::GoModule;
use super::packages::Packages;
use crate::syntax::parse_go;

/// Directories skipped while walking unless named on the command line: vendored
/// code is someone else's, and `testdata` holds deliberately odd Go.
const SKIPPED_DIRS: &[&str] = &["vendor", "testdata"];

/// Files larger than this many MiB are skipped unless the limit is raised
/// (`--max-file-size-mib`, the editor's `maxFileSizeMib`): parsing and analysing
/// a file peaks at up to 80 times its size (measured on a file with a finding
/// every 13 lines), so one file at the limit stays under 1 GB. Real Go files
/// are far smaller; the large ones are generated tables.
pub const DEFAULT_MAX_FILE_MIB: u64 = 8;

const MIB: u64 = 1 << 20;

/// Why a file of `len` bytes is over a limit of `max_mib` MiB, or None when it is not.
pub fn too_large(len: u64, max_mib: u64) -> Option<String> {
    (len > max_mib.saturating_mul(MIB))
        .then(|| format!("its {:.1} MiB are over the {max_mib} MiB limit", len as f64 / MIB as f64))
}

/// Go files under `roots`, honouring `.gitignore` and skipping hidden directories
/// and [`SKIPPED_DIRS`] below each root. A root that is a file is taken as is.
/// Errors (unreadable directories, missing roots) come back beside the files.
pub fn go_files(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let walk = walk_go_files(roots, false);
    (walk.files, walk.errors)
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct GoFiles {
    pub files: Vec<PathBuf>,
    pub errors: Vec<String>,
    /// Directory roots where ignore rules skipped every `.go` file, with how many
    /// they skipped (only when none was taken).
    pub all_ignored: Vec<(PathBuf, usize)>,
}

/// Like [`go_files`]; with `no_ignore`, nothing is skipped (no `.gitignore`,
/// hidden directories, `vendor/` or `testdata/`).
pub fn walk_go_files(roots: &[PathBuf], no_ignore: bool) -> GoFiles {
    let mut out = GoFiles::default();
    for root in roots {
        let kind = match std::fs::metadata(root) {
            Ok(meta) => meta.file_type(),
            Err(e) => {
                out.errors.push(missing_root(root, &e));
                continue;
            }
        };
        if kind.is_file() {
            out.files.push(root.clone());
            continue;
        }
        if !kind.is_dir() {
            out.errors.push(format!("{}: not a regular file (a FIFO, socket or device); skipped", root.display()));
            continue;
        }
        let before = out.files.len();
        walk_root(root, no_ignore, &mut out.files, &mut out.errors);
        if out.files.len() == before && !no_ignore {
            let mut everything = Vec::new();
            walk_root(root, true, &mut everything, &mut Vec::new());
            if !everything.is_empty() {
                out.all_ignored.push((root.clone(), everything.len()));
            }
        }
    }
    out.files.sort();
    out.files.dedup();
    out
}

fn walk_root(root: &Path, no_ignore: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .standard_filters(!no_ignore)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            no_ignore || !(is_dir && entry.depth() > 0 && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.path().extension().is_some_and(|x| x == "go") => match e.file_type() {
                Some(t) if t.is_file() => files.push(e.into_path()),
                // Symlinks are not followed (they may leave the tree); directories named x.go are walked.
                Some(t) if t.is_symlink() || t.is_dir() => {}
                _ => errors
                    .push(format!("{}: not a regular file (a FIFO, socket or device); skipped", e.path().display())),
            },
            Ok(_) => {}
            Err(err) => errors.push(err.to_string()),
        }
    }
}

/// Why a path given to check cannot be read, and what to do about it.
fn missing_root(root: &Path, e: &std::io::Error) -> String {
    let shown = root.display();
    // ELOOP (`ErrorKind::FilesystemLoop` is not stable yet).
    let eloop = if cfg!(any(target_os = "linux", target_os = "android")) { 40 } else { 62 };
    if cfg!(unix) && e.raw_os_error() == Some(eloop) {
        return format!("{shown}: a symlink loop (too many levels of symbolic links); check where the link points");
    }
    if e.kind() == std::io::ErrorKind::NotFound {
        return match std::fs::symlink_metadata(root) {
            Ok(_) => format!("{shown}: a symlink to a missing file; check where the link points"),
            Err(_) => format!("{shown}: no such file or directory"),
        };
    }
    format!("{shown}: {e}")
}

/// What a file's directory decides for it: its module (for the `go` version) and
/// its rule settings (`leakls.toml` overlaid with the caller's own keys).
#[derive(Clone)]
struct DirContext {
    module: Option<GoModule>,
    settings: Arc<RuleSettings>,
}

/// Resolves and caches [`DirContext`] per directory: every file of a package
/// shares it. Configuration problems are collected once per config file.
pub struct ContextCache {
    overlay: RuleConfig,
    /// What bounds the search for `leakls.toml` (see [`ContextCache::config_boundary`]), absolute.
    roots: Vec<PathBuf>,
    by_dir: Mutex<HashMap<PathBuf, DirContext>>,
    problems: Mutex<Vec<String>>,
}

/// `path` made absolute without touching the file system, for comparing paths.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The roots that bound the `leakls.toml` search of `leakls check`: each path
/// named (a file's directory) and the module root above it.
pub fn command_line_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for path in paths {
        let dir = if path.is_file() { path.parent().unwrap_or(Path::new(".")) } else { path.as_path() };
        roots.push(dir.to_path_buf());
        roots.extend(GoModule::find(dir).map(|m| m.root));
    }
    roots
}

impl ContextCache {
    /// `overlay` holds keys that win over any `leakls.toml` (command-line flags,
    /// editor settings); `roots` bound the search for `leakls.toml`: the
    /// workspace folders, or [`command_line_roots`].
    pub fn new(overlay: RuleConfig, roots: Vec<PathBuf>) -> Self {
        let roots = roots.iter().map(|r| absolute(r)).collect();
        ContextCache { overlay, roots, by_dir: Mutex::default(), problems: Mutex::default() }
    }

    /// Where the search for a `leakls.toml` above `dir` (absolute) stops, and
    /// never goes beyond: the outermost root holding `dir`; for a file under no
    /// root, its module root, else its own directory.
    fn config_boundary(&self, dir: &Path, module: Option<&GoModule>) -> PathBuf {
        let outermost = self.roots.iter().filter(|r| dir.starts_with(r)).min_by_key(|r| r.components().count());
        match (outermost, module) {
            (Some(root), _) => root.clone(),
            (None, Some(m)) => absolute(&m.root),
            (None, None) => dir.to_path_buf(),
        }
    }

    fn context_for(&self, file: &Path) -> DirContext {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Some(hit) = self.by_dir.lock().unwrap_or_else(|e| e.into_inner()).get(&dir) {
            return hit.clone();
        }
        let module = GoModule::find(&dir);
        let search_from = absolute(&dir);
        let boundary = self.config_boundary(&search_from, module.as_ref());
        let base = match find_config(&search_from, &boundary) {
            Some((_, Ok(cfg))) => cfg,
            Some((_, Err(e))) => {
                self.problem(e);
                RuleConfig::default()
            }
            None => RuleConfig::default(),
        };
        let (settings, problems) = self.overlay.overlay(&base).to_settings();
        for p in problems {
            self.problem(p);
        }
        let ctx = DirContext { module, settings: Arc::new(settings) };
        self.by_dir.lock().unwrap_or_else(|e| e.into_inner()).insert(dir, ctx.clone());
        ctx
    }

    fn problem(&self, p: String) {
        let mut problems = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        if !problems.contains(&p) {
            problems.push(p);
        }
    }

    /// Configuration problems met so far, each once.
    pub fn problems(&self) -> Vec<String> {
        self.problems.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn module_for(&self, file: &Path) -> Option<GoModule> {
        self.context_for(file).module
    }

    pub fn settings_for(&self, file: &Path) -> Arc<RuleSettings> {
        self.context_for(file).settings
    }
}

/// The outcome of analysing one file.
pub struct FileReport {
    pub path: PathBuf,
    pub source: String,
    pub findings: Vec<Finding>,
    pub parse_time: Duration,
    pub analysis_time: Duration,
}

#[derive(Debug)]
pub enum FileError {
    Unreadable(PathBuf, std::io::Error),
    NotUtf8(PathBuf),
    /// Over the size limit: the reason from [`too_large`].
    TooLarge(PathBuf, String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Unreadable(p, e) => write!(f, "{}: cannot read: {e}", p.display()),
            FileError::NotUtf8(p) => write!(f, "{}: not UTF-8 text, skipped", p.display()),
            FileError::TooLarge(p, why) => {
                write!(f, "{}: {why}, skipped (--max-file-size-mib raises the limit)", p.display())
            }
        }
    }
}

/// Reads a file of at most `max_mib` MiB. The read stops past the limit, so a
/// file that grows (or is not a regular file) cannot take more.
fn read_limited(path: &Path, max_mib: u64) -> Result<Vec<u8>, FileError> {
    let unreadable = |e| FileError::Unreadable(path.to_path_buf(), e);
    let limit = max_mib.saturating_mul(MIB);
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if let Some(why) = too_large(size, max_mib) {
        return Err(FileError::TooLarge(path.to_path_buf(), why));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge(path.to_path_buf(), format!("it is over the {max_mib} MiB limit")));
    }
    Ok(bytes)
}

/// Reads, parses and analyses one file of at most `max_mib` MiB.
pub fn analyze_path(
    path: &Path,
    max_mib: u64,
    contexts: &ContextCache,
    packages: &Packages,
) -> Result<FileReport, FileError> {
    Ok(analyze_parsed(parse_path(path, max_mib)?, contexts, packages))
}

/// A file read and parsed, not yet analysed.
struct Parsed {
    path: PathBuf,
    source: String,
    tree: tree_sitter::Tree,
    parse_time: Duration,
}

fn parse_path(path: &Path, max_mib: u64) -> Result<Parsed, FileError> {
    let bytes = read_limited(path, max_mib)?;
    let source = String::from_utf8(bytes).map_err(|_| FileError::NotUtf8(path.to_path_buf()))?;
    let started = Instant::now();
    let tree = parse_go(&source, None);
    Ok(Parsed { path: path.to_path_buf(), source, tree, parse_time: started.elapsed() })
}

fn analyze_parsed(parsed: Parsed, contexts: &ContextCache, packages: &Packages) -> FileReport {
    let Parsed { path, source, tree, parse_time } = parsed;
    let dir = contexts.context_for(&path);
    let go_version = dir.module.and_then(|m| m.go_version);
    let started = Instant::now();
    let findings = analyze(&AnalysisInput {
        source: &source,
        tree: &tree,
        path: Some(&path),
        go_version,
        settings: &dir.settings,
        packages: Some(packages),
    });
    FileReport { path, source, findings, parse_time, analysis_time: started.elapsed() }
}

/// Analyses `files` in parallel, in their order. A directory's files are
/// parsed first and then analysed one after the other: the package model of
/// the directory is built from those trees (no file is parsed twice) and shared
/// by its files, and both are dropped once the directory is done.
pub fn analyze_paths(
    files: &[PathBuf],
    max_mib: u64,
    contexts: &ContextCache,
    packages: &Packages,
) -> Vec<Result<FileReport, FileError>> {
    use rayon::prelude::*;
    // Paths sort a directory's files around its subdirectories: group by parent.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| (files[a].parent(), &files[a]).cmp(&(files[b].parent(), &files[b])));
    let mut results: Vec<_> = order
        .chunk_by(|&a, &b| files[a].parent() == files[b].parent())
        .collect::<Vec<_>>()
        .par_iter()
        .flat_map_iter(|dir_files| {
            let parsed: Vec<_> = dir_files.iter().map(|&i| (i, parse_path(&files[i], max_mib))).collect();
            for p in parsed.iter().filter_map(|(_, p)| p.as_ref().ok()) {
                packages.offer_parsed(&p.path, &p.source, &p.tree);
            }
            let reports: Vec<_> =
                parsed.into_iter().map(|(i, p)| (i, p.map(|p| analyze_parsed(p, contexts, packages)))).collect();
            if let Some(dir) = files[dir_files[0]].parent() {
                packages.release_dir(dir);
            }
            reports
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_vendor_testdata_and_gitignored_unless_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a.go", "vendor/v.go", "sub/testdata/t.go", "sub/b.go", "gen/g.go", "notes.txt"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "package x\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "gen/\n").unwrap();
        let (files, errors) = go_files(&[root.to_path_buf()]);
        let rel: Vec<_> = files.iter().map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(rel, vec!["a.go", "sub/b.go"]);
        assert!(errors.is_empty());
        let (named, _) = go_files(&[root.join("sub/testdata")]);
        assert_eq!(named.len(), 1);
        let (_, missing) = go_files(&[root.join("nope")]);
        assert_eq!(missing.len(), 1);
        // A root whose only Go files are ignored: the walk says so, and `no_ignore` takes them.
        let ignored_only = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(ignored_only.path().join("gen")).unwrap();
        std::fs::write(ignored_only.path().join("gen/g.go"), "package g\n").unwrap();
        std::fs::write(ignored_only.path().join(".gitignore"), "gen/\n").unwrap();
        let walk = walk_go_files(&[ignored_only.path().to_path_buf()], false);
        assert!(walk.files.is_empty());
        assert_eq!(walk.all_ignored, vec![(ignored_only.path().to_path_buf(), 1)]);
        assert_eq!(walk_go_files(&[ignored_only.path().to_path_buf()], true).files.len(), 1);
        assert!(walk_go_files(&[root.to_path_buf()], false).all_ignored.is_empty());
        assert_eq!(walk_go_files(&[root.to_path_buf()], true).files.len(), 5);
    }
}
