//! The Go module a file belongs to: its `go.mod` path, module path and `go` version.

use std::path::{Path, PathBuf};

/// A `go` directive version such as `1.21` or `1.22.3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        GoVersion { major, minor, patch: 0 }
    }

    /// Parses `1.21`, `1.21.3`, `go1.22` and `1.23rc1` (the pre-release part is dropped).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches("go");
        let mut parts = s.split('.');
        let number = |p: Option<&str>| -> Option<u32> {
            let p = p?;
            let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let patch = parts.next().and_then(|p| number(Some(p))).unwrap_or(0);
        Some(GoVersion { major, minor, patch })
    }

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl std::fmt::Display for GoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModule {
    /// The directory holding `go.mod`.
    pub root: PathBuf,
    /// The `module` path, e.g. `example.com/svc`.
    pub path: Option<String>,
    pub go_version: Option<GoVersion>,
}

impl GoModule {
    /// Reads the fields leakls needs from the text of a `go.mod` file.
    pub fn parse(root: PathBuf, text: &str) -> Self {
        let mut path = None;
        let mut go_version = None;
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or("").trim();
            if let Some(rest) = line.strip_prefix("module")
                && rest.starts_with(char::is_whitespace)
            {
                path = Some(rest.trim().trim_matches('"').to_string());
            } else if let Some(rest) = line.strip_prefix("go")
                && rest.starts_with(char::is_whitespace)
            {
                go_version = GoVersion::parse(rest);
            }
        }
        GoModule { root, path, go_version }
    }

    /// Finds the nearest `go.mod` at or above `start` (a file or a directory).
    pub fn find(start: &Path) -> Option<Self> {
        let mut dir = if start.is_dir() { Some(start) } else { start.parent() };
        while let Some(d) = dir {
            let candidate = d.join("go.mod");
            if let Ok(text) = std::fs::read_to_string(&candidate) {
                return Some(GoModule::parse(d.to_path_buf(), &text));
            }
            dir = d.parent();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_and_go_directive() {
        let text = "// comment\nmodule example.com/svc // trailing\n\ngo 1.22.3\n\ntoolchain go1.27.3\nrequire (\n\tgolang.org/x/sync v0.8.0\n)\n";
        let m = GoModule::parse(PathBuf::from("/x"), text);
        assert_eq!(m.path.as_deref(), Some("example.com/svc"));
        assert_eq!(m.go_version, Some(GoVersion { major: 1, minor: 22, patch: 3 }));
        assert!(m.go_version.unwrap().at_least(1, 21));
        assert!(!m.go_version.unwrap().at_least(1, 23));
    }

    #[test]
    fn versions_parse_leniently() {
        assert_eq!(GoVersion::parse("go1.23rc1"), Some(GoVersion::new(1, 23)));
        assert_eq!(GoVersion::parse("1"), None);
        assert_eq!(GoVersion::parse("x.y"), None);
    }

    #[test]
    fn finds_go_mod_above_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.21\n").unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        let file = dir.path().join("a/b/c.go");
        std::fs::write(&file, "package b\n").unwrap();
        let m = GoModule::find(&file).unwrap();
        assert_eq!(m.root, dir.path());
        assert_eq!(m.go_version, Some(GoVersion::new(1, 21)));
    }
}
