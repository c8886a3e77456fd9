//! Editor settings: LSP initialization options and `workspace/didChangeConfiguration`.
//!
//! The keys are those of `leakls.toml` (see [`crate::analysis::config`]), plus a
//! `runtime` table for the goroutine-dump features. VS Code sends them wrapped in
//! `{"leakls": {...}}`; both shapes are accepted.

use serde::Deserialize;
use serde_json::Value;

use super::runtime::RuntimeSettings;
use crate::analysis::config::{RuleConfig, TestsConfig};
use crate::analysis::files::DEFAULT_MAX_FILE_MIB;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EditorSettings {
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    pub severity: std::collections::BTreeMap<String, String>,
    /// `{"failurePaths": "report"}`, as in `leakls.toml`.
    #[serde(default)]
    pub tests: TestsConfig,
    /// Goroutine-dump settings.
    pub runtime: RuntimeSettings,
    /// Documents larger than this many MiB are not analysed.
    #[serde(rename = "maxFileSizeMib")]
    pub max_file_size_mib: u64,
}

impl Default for EditorSettings {
    fn default() -> Self {
        EditorSettings {
            enable: Vec::new(),
            disable: Vec::new(),
            severity: Default::default(),
            tests: TestsConfig::default(),
            runtime: RuntimeSettings::default(),
            max_file_size_mib: DEFAULT_MAX_FILE_MIB,
        }
    }
}

impl EditorSettings {
    /// Parses settings; problems come back as messages for the user, and the
    /// defaults are used for anything that could not be read.
    pub fn from_json(value: Option<&Value>) -> (Self, Vec<String>) {
        let Some(value) = value else { return (Self::default(), Vec::new()) };
        let value = value.get("leakls").unwrap_or(value);
        if value.is_null() {
            return (Self::default(), Vec::new());
        }
        match serde_json::from_value::<EditorSettings>(value.clone()) {
            Ok(s) => (s, Vec::new()),
            Err(e) => (Self::default(), vec![format!("leakls settings ignored: {e}")]),
        }
    }

    pub fn rules(&self) -> RuleConfig {
        RuleConfig {
            enable: self.enable.clone(),
            disable: self.disable.clone(),
            severity: self.severity.clone(),
            tests: self.tests.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_wrapped_and_plain_settings() {
        let (s, p) = EditorSettings::from_json(Some(&json!({"leakls": {"disable": ["ticker-not-stopped"]}})));
        assert!(p.is_empty());
        assert_eq!(s.disable, vec!["ticker-not-stopped"]);
        let (s, _) = EditorSettings::from_json(Some(&json!({"severity": {"unreceived-send": "error"}})));
        assert_eq!(s.severity.get("unreceived-send").map(String::as_str), Some("error"));
        let (s, p) = EditorSettings::from_json(Some(&json!({"leakls": {"tests": {"failurePaths": "report"}}})));
        assert!(p.is_empty(), "{p:?}");
        assert!(s.rules().to_settings().0.report_test_failure_paths);
    }

    #[test]
    fn unknown_keys_are_reported() {
        let (_, p) = EditorSettings::from_json(Some(&json!({"disabled": []})));
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("disabled"), "{p:?}");
        let (_, p) = EditorSettings::from_json(Some(&json!({"runtime": {"watchInterval": 3}})));
        assert!(p[0].contains("watchInterval"), "{p:?}");
        let (s, p) = EditorSettings::from_json(Some(
            &json!({"runtime": {"watchIntervalSeconds": 3, "libraryPrefixes": ["example.com/log"]}}),
        ));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.runtime.watch_interval_seconds, 3.0);
        assert_eq!(s.runtime.library_prefixes, vec!["example.com/log"]);
        let (s, p) = EditorSettings::from_json(Some(&json!({"maxFileSizeMib": 2})));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!((s.max_file_size_mib, EditorSettings::default().max_file_size_mib), (2, DEFAULT_MAX_FILE_MIB));
    }
}
