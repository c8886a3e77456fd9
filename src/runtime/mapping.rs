//! Frame file paths to workspace files. A dump comes from another machine,
//! container or build, so a path maps by (in order) being under a workspace
//! root, its module path (`-trimpath` builds print `example.com/svc/x.go`), or
//! its longest suffix that exists under a root (`/app/svc/internal/x.go` onto
//! `<root>/internal/x.go`). Module cache, vendor and GOROOT paths map to nothing.
//!
//! A dump is untrusted input: a path with `.` or `..` components is rejected,
//! nothing outside the roots is touched, and a candidate is accepted only if its
//! canonical form (symlinks resolved) is still inside the root it came from.

use std::path::{Path, PathBuf};

use crate::analysis::gomod::GoModule;

/// How deep below a root `go.mod` files are looked for, and how many directories
/// at most: enough for monorepos, bounded for huge trees.
const MODULE_SEARCH_DEPTH: usize = 4;
const MODULE_SEARCH_DIRS: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Module {
    path: String,
    dir: PathBuf,
    /// The canonical root the module lies in.
    root: PathBuf,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    roots: Vec<PathBuf>,
    modules: Vec<Module>,
}

impl Workspace {
    /// Canonicalises the roots (missing ones are dropped) and reads the module
    /// paths of the `go.mod` files in and below them.
    pub fn new(roots: &[PathBuf]) -> Self {
        let roots: Vec<PathBuf> = roots.iter().filter_map(|r| r.canonicalize().ok()).collect();
        let mut modules = Vec::new();
        for root in &roots {
            find_modules(root, root, 0, &mut 0, &mut modules);
        }
        // Longest module path first, so nested modules win over their parents.
        modules.sort_by_key(|m| std::cmp::Reverse(m.path.len()));
        Workspace { roots, modules }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Module paths declared in the workspace, for [`super::FrameClassifier`].
    pub fn module_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.modules.iter().map(|m| m.path.clone()).collect();
        paths.dedup();
        paths
    }

    /// The workspace file a frame's path refers to, canonical, or `None`.
    pub fn map(&self, file: &str) -> Option<PathBuf> {
        let components: Vec<&str> = file.split('/').filter(|c| !c.is_empty()).collect();
        if components.is_empty()
            || file.contains(['\0', '\\'])
            || components.iter().any(|c| *c == ".." || *c == ".")
            || outside_workspace(file, &components)
        {
            return None;
        }
        let absolute = file.starts_with('/');
        if absolute {
            let path = Path::new(file);
            if let Some(root) = self.roots.iter().find(|r| path.starts_with(r)) {
                return inside(path, root);
            }
        }
        for module in &self.modules {
            if let Some(rest) = file.strip_prefix(module.path.as_str()).and_then(|r| r.strip_prefix('/'))
                && let Some(found) = inside(&module.dir.join(rest), &module.root)
            {
                return Some(found);
            }
        }
        // Relative paths that no module claims are the standard library of a
        // `-trimpath` build (`net/http/server.go`) or unknown modules.
        if !absolute {
            return None;
        }
        for skip in 1..components.len() {
            let suffix = components[skip..].join("/");
            for root in &self.roots {
                if let Some(found) = inside(&root.join(&suffix), root) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// `path` relative to the root holding it, for display.
    pub fn relative(&self, path: &Path) -> String {
        self.roots.iter().find_map(|r| path.strip_prefix(r).ok()).unwrap_or(path).display().to_string()
    }
}

/// Module cache, vendor trees and GOROOT (`.../go/src/<std package>/...`).
fn outside_workspace(file: &str, components: &[&str]) -> bool {
    if file.contains("/pkg/mod/") || components.contains(&"vendor") {
        return true;
    }
    components.windows(3).any(|w| w[0] == "go" && w[1] == "src" && !w[2].contains('.'))
}

/// `candidate` canonicalised, if it is a file inside `root`.
fn inside(candidate: &Path, root: &Path) -> Option<PathBuf> {
    let canonical = candidate.canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

fn find_modules(root: &Path, dir: &Path, depth: usize, visited: &mut usize, out: &mut Vec<Module>) {
    *visited += 1;
    if let Ok(text) = std::fs::read_to_string(dir.join("go.mod"))
        && let Some(path) = GoModule::parse(dir.to_path_buf(), &text).path
    {
        out.push(Module { path, dir: dir.to_path_buf(), root: root.to_path_buf() });
    }
    if depth == MODULE_SEARCH_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if *visited >= MODULE_SEARCH_DIRS {
            return;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || matches!(name.as_ref(), "vendor" | "testdata" | "node_modules" | "target") {
            continue;
        }
        // file_type does not follow symlinks: linked directories are not walked.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_modules(root, &entry.path(), depth + 1, visited, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("go.mod"), "module example.com/svc\n\ngo 1.27\n").unwrap();
        std::fs::create_dir_all(root.join("internal/orders")).unwrap();
        std::fs::write(root.join("internal/orders/orders.go"), "package orders\n").unwrap();
        std::fs::write(root.join("main.go"), "package main\n").unwrap();
        let ws = Workspace::new(&[root.to_path_buf()]);
        (dir, ws)
    }

    #[test]
    fn maps_absolute_module_and_suffix_paths() {
        let (dir, ws) = workspace();
        let orders = dir.path().canonicalize().unwrap().join("internal/orders/orders.go");
        let absolute = orders.display().to_string();
        assert_eq!(ws.map(&absolute), Some(orders.clone()));
        assert_eq!(ws.map("example.com/svc/internal/orders/orders.go"), Some(orders.clone()));
        assert_eq!(ws.map("/app/svc/internal/orders/orders.go"), Some(orders.clone()));
        assert_eq!(ws.module_paths(), ["example.com/svc"]);
        assert_eq!(ws.relative(&orders), "internal/orders/orders.go");
    }

    #[test]
    fn maps_nothing_outside_the_workspace() {
        let (_dir, ws) = workspace();
        assert_eq!(ws.map("/usr/local/go/src/net/http/server.go"), None);
        assert_eq!(ws.map("net/http/server.go"), None);
        assert_eq!(ws.map("/root/go/pkg/mod/github.com/x/y@v1.0.0/main.go"), None);
        assert_eq!(ws.map("/app/svc/vendor/github.com/x/main.go"), None);
        assert_eq!(ws.map("../../etc/passwd"), None);
        assert_eq!(ws.map("/app/svc/../../etc/passwd"), None);
        assert_eq!(ws.map("example.com/svc/../../../etc/passwd"), None);
        assert_eq!(ws.map("/etc/passwd"), None);
        assert_eq!(ws.map(""), None);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_rejected() {
        let (dir, ws) = workspace();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.go"), "package secret\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
        assert_eq!(ws.map("/app/svc/linked/secret.go"), None);
    }
}
