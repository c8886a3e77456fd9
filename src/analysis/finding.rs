//! What a rule reports: findings, their related locations and their fixes.

use std::ops::Range;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "hint" => Some(Severity::Hint),
            "info" | "information" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Preserves behaviour apart from removing the leak; `--fix` and fix-all apply it.
    Safe,
    /// Changes behaviour in a way a reviewer should confirm; offered, never applied in bulk.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl TextEdit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        TextEdit { range: at..at, new_text: text.into() }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        TextEdit { range, new_text: text.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    pub applicability: Applicability,
}

/// A second location that explains a finding, such as the receiver's exit path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// Another file of the package, or None for the finding's own file.
    pub path: Option<std::path::PathBuf>,
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub range: Range<usize>,
    pub message: String,
    pub severity: Severity,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
    /// The leak can only happen after the test has failed (see
    /// [`crate::analysis::test_failure`]): shown as a hint unless the settings ask
    /// for test failure paths to be reported.
    #[serde(skip)]
    pub test_failure_path: bool,
    /// Found from what the whole file does (every method of a type, every use of
    /// a field), not from the function it points into: an incremental analysis
    /// takes it from every run rather than keeping it with its function.
    #[serde(skip)]
    pub whole_file: bool,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, range: Range<usize>, message: impl Into<String>) -> Self {
        Finding {
            rule,
            range,
            message: message.into(),
            severity,
            related: Vec::new(),
            fixes: Vec::new(),
            test_failure_path: false,
            whole_file: false,
        }
    }

    pub fn with_related(mut self, range: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related { path: None, range, message: message.into() });
        self
    }

    /// Marks the finding as one that only happens after its test has failed, and
    /// says so in the message.
    pub fn on_test_failure_path(mut self) -> Self {
        self.test_failure_path = true;
        self.message.push_str(" (only after the test has already failed or timed out)");
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}
