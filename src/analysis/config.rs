//! Rule configuration: `leakls.toml` at a module or workspace root, and the same
//! keys from the editor (LSP initialization options, `didChangeConfiguration`).
//!
//! ```toml
//! disable = ["time-after-in-loop"]   # rules to turn off
//! enable = []                        # when non-empty, only these rules run
//! [severity]                         # per-rule severity: error | warning | info | hint
//! lost-cancel = "error"
//! [tests]
//! failurePaths = "report"            # default "hint": leaks only after a test failed are hints
//! ```
//!
//! Unknown keys, unknown rule names and bad severities are reported as problems
//! (shown to the user), never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::engine::RuleSettings;
use super::finding::Severity;
use super::rules::rule_by_name;

pub const CONFIG_FILE: &str = "leakls.toml";

/// The rule keys, as read from either source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub tests: TestsConfig,
}

/// The `[tests]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestsConfig {
    /// `"hint"` (the default) or `"report"`: how to show a leak that can only
    /// happen on a path where its test has already failed or timed out.
    #[serde(default, rename = "failurePaths")]
    pub failure_paths: Option<String>,
}

impl RuleConfig {
    /// Validates rule names and severities; returns the settings and the problems.
    pub fn to_settings(&self) -> (RuleSettings, Vec<String>) {
        let mut problems = Vec::new();
        let mut known = |name: &String, key: &str| {
            let ok = rule_by_name(name).is_some();
            if !ok {
                problems.push(format!("unknown rule `{name}` in `{key}`"));
            }
            ok
        };
        let enable: Vec<&String> = self.enable.iter().filter(|n| known(n, "enable")).collect();
        let disable: Vec<&String> = self.disable.iter().filter(|n| known(n, "disable")).collect();
        let severity: Vec<(&String, &String)> = self.severity.iter().filter(|(n, _)| known(n, "severity")).collect();
        let mut settings = RuleSettings::default();
        if !enable.is_empty() {
            settings.disabled = super::rules::all_rules()
                .iter()
                .map(|r| r.meta().name.to_string())
                .filter(|n| !enable.contains(&n))
                .collect();
        }
        settings.disabled.extend(disable.into_iter().cloned());
        for (name, level) in severity {
            match Severity::parse(level) {
                Some(s) => {
                    settings.severity.insert(name.clone(), s);
                }
                None => {
                    problems.push(format!("severity `{level}` for `{name}` is not one of error, warning, info, hint"))
                }
            }
        }
        match self.tests.failure_paths.as_deref() {
            None | Some("hint") => {}
            Some("report") => settings.report_test_failure_paths = true,
            Some(other) => problems.push(format!("tests.failurePaths `{other}` is not one of hint, report")),
        }
        (settings, problems)
    }

    /// Keys set here replace the same keys of `base`.
    pub fn overlay(&self, base: &RuleConfig) -> RuleConfig {
        let mut out = base.clone();
        if !self.enable.is_empty() {
            out.enable = self.enable.clone();
        }
        out.disable.extend(self.disable.iter().cloned());
        out.severity.extend(self.severity.clone());
        if self.tests.failure_paths.is_some() {
            out.tests.failure_paths = self.tests.failure_paths.clone();
        }
        out
    }

    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// The nearest `leakls.toml` in `dir` or a directory above it, up to and
/// including `boundary` and never beyond (a `leakls.toml` in a shared parent,
/// say `/tmp`, must not change the rules). Errors name the file.
pub fn find_config(dir: &Path, boundary: &Path) -> Option<(PathBuf, Result<RuleConfig, String>)> {
    for d in dir.ancestors() {
        if !d.starts_with(boundary) {
            break;
        }
        let candidate = d.join(CONFIG_FILE);
        if let Ok(text) = std::fs::read_to_string(&candidate) {
            let parsed = RuleConfig::from_toml(&text).map_err(|e| format!("{}: {e}", candidate.display()));
            return Some((candidate, parsed));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_and_severities() {
        let cfg =
            RuleConfig::from_toml("disable = [\"ticker-not-stopped\"]\n[severity]\nunreceived-send = \"error\"\n")
                .unwrap();
        let (settings, problems) = cfg.to_settings();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!settings.is_enabled("ticker-not-stopped"));
        assert_eq!(settings.severity.get("unreceived-send"), Some(&Severity::Error));
    }

    #[test]
    fn unknown_keys_rules_and_levels_are_reported() {
        assert!(RuleConfig::from_toml("disabled = []\n").unwrap_err().contains("unknown field"));
        let cfg =
            RuleConfig::from_toml("disable = [\"no-such-rule\"]\n[severity]\nunreceived-send = \"loud\"\n").unwrap();
        let (_, problems) = cfg.to_settings();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn test_failure_paths_are_hints_unless_reported() {
        let (settings, problems) = RuleConfig::default().to_settings();
        assert!(problems.is_empty() && !settings.report_test_failure_paths);
        let cfg = RuleConfig::from_toml("[tests]\nfailurePaths = \"report\"\n").unwrap();
        let (settings, problems) = cfg.to_settings();
        assert!(problems.is_empty() && settings.report_test_failure_paths, "{problems:?}");
        let editor = RuleConfig { tests: TestsConfig { failure_paths: Some("hint".into()) }, ..Default::default() };
        assert!(!editor.overlay(&cfg).to_settings().0.report_test_failure_paths);
        let (_, problems) = RuleConfig::from_toml("[tests]\nfailurePaths = \"loud\"\n").unwrap().to_settings();
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn enable_runs_only_the_named_rules() {
        let cfg = RuleConfig { enable: vec!["unreceived-send".into()], ..Default::default() };
        let (settings, _) = cfg.to_settings();
        assert!(settings.is_enabled("unreceived-send"));
        assert!(!settings.is_enabled("ticker-not-stopped"));
    }

    #[test]
    fn config_is_found_above_a_directory_up_to_the_boundary() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "disable = []\n").unwrap();
        let pkg = dir.path().join("ws/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let (path, parsed) = find_config(&pkg, dir.path()).unwrap();
        assert_eq!(path, dir.path().join(CONFIG_FILE));
        assert!(parsed.is_ok());
        assert!(find_config(&pkg, &dir.path().join("ws")).is_none());
    }
}
