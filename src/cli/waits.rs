//! What the groups of `leakls dump` wait on: for a group whose waiting frame is
//! a workspace line, the static picture of that line
//! ([`crate::analysis::wait_picture`]) and the static findings on the lines it
//! names, read from the files on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::config::RuleConfig;
use crate::analysis::files::{ContextCache, DEFAULT_MAX_FILE_MIB, FileReport, analyze_path};
use crate::analysis::packages::Packages;
use crate::analysis::wait_picture::{Site, WaitPicture, WaitPictures};
use crate::runtime::Workspace;
use crate::syntax::parse_go;

/// A static finding on the waiting line or on a line the picture names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticFinding {
    pub rule: &'static str,
    pub file: PathBuf,
    pub line: u32,
    pub message: String,
}

/// The picture of one group, or why there is none.
#[derive(Debug, Clone, Serialize)]
pub struct GroupWaits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<WaitPicture>,
    /// Why there is no picture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    pub static_findings: Vec<StaticFinding>,
}

/// Builds pictures from the files on disk, analysing each file once.
pub struct Pictures<'w> {
    workspace: &'w Workspace,
    packages: Packages,
    contexts: ContextCache,
    reports: HashMap<PathBuf, Option<FileReport>>,
}

impl<'w> Pictures<'w> {
    pub fn new(workspace: &'w Workspace) -> Self {
        let contexts = ContextCache::new(RuleConfig::default(), workspace.roots().to_vec());
        Pictures { workspace, packages: Packages::default(), contexts, reports: HashMap::new() }
    }

    /// The picture of `line` (1-based) of the workspace file `path`, with paths
    /// relative to the workspace root.
    pub fn of(&mut self, path: &Path, line: u32) -> GroupWaits {
        let unknown = GroupWaits::unknown;
        let Some(source) = self.report(path).map(|r| r.source.clone()) else {
            return unknown(format!("{} cannot be read as Go source", self.workspace.relative(path)));
        };
        let tree = parse_go(&source, None);
        let (pkg, file) = self.packages.package_model(path, &source, &tree);
        let disk = |p: &Path| std::fs::read_to_string(p).ok();
        let mut picture = match WaitPictures::new(&pkg, &disk).at(file, line) {
            Ok(picture) => picture,
            Err(why) => return unknown(why),
        };
        let mut lines: Vec<(PathBuf, u32)> = vec![(path.to_path_buf(), line)];
        lines.extend(picture.sites().into_iter().map(|(s, _)| (s.file.clone(), s.line)));
        lines.sort();
        lines.dedup();
        let mut static_findings = Vec::new();
        for (file, line) in lines {
            static_findings.extend(self.findings_on(&file, line));
        }
        let workspace = self.workspace;
        picture.map_files(&|p| PathBuf::from(workspace.relative(p)));
        GroupWaits { picture: Some(picture), unknown: None, static_findings }
    }

    fn report(&mut self, path: &Path) -> Option<&FileReport> {
        let (packages, contexts) = (&self.packages, &self.contexts);
        self.reports
            .entry(path.to_path_buf())
            .or_insert_with(|| analyze_path(path, DEFAULT_MAX_FILE_MIB, contexts, packages).ok())
            .as_ref()
    }

    fn findings_on(&mut self, path: &Path, line: u32) -> Vec<StaticFinding> {
        let relative = PathBuf::from(self.workspace.relative(path));
        let Some(report) = self.report(path) else { return Vec::new() };
        report
            .findings
            .iter()
            .filter_map(|f| {
                let at = report.source.get(..f.range.start)?.matches('\n').count() as u32 + 1;
                (at == line).then(|| StaticFinding {
                    rule: f.rule,
                    file: relative.clone(),
                    line,
                    message: f.message.clone(),
                })
            })
            .collect()
    }
}

impl GroupWaits {
    pub fn unknown(why: String) -> Self {
        GroupWaits { picture: None, unknown: Some(why), static_findings: Vec::new() }
    }

    /// Lines to print under the group's stack.
    pub fn text_lines(&self) -> Vec<String> {
        let show = |s: &Site| format!("{}:{}", s.file.display(), s.line);
        let mut out = match (&self.picture, &self.unknown) {
            (Some(picture), _) => picture.text_lines(&show),
            (None, Some(why)) => vec![format!("waits on: not known: {why}")],
            (None, None) => Vec::new(),
        };
        for f in &self.static_findings {
            out.push(format!("static finding: {}:{}: {}: {}", f.file.display(), f.line, f.rule, f.message));
        }
        out
    }
}
