//! The command-line front ends over the analysis and runtime cores.

pub mod check;
pub mod dump;
pub mod explain;
pub mod output;
mod replace;
pub mod sarif;
pub mod waits;

use std::path::{Component, Path, PathBuf};

use crate::analysis::config::RuleConfig;

/// A path as the user should see it: relative to `cwd` when inside it, without `./`.
pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    let rel = path.strip_prefix(cwd).unwrap_or(path);
    rel.components().filter(|c| *c != Component::CurDir).collect()
}
use crate::analysis::rule_by_name;

/// Rule selection from `--enable`/`--disable`, applied over any `leakls.toml`.
/// Unknown rule names are an error, not silently ignored.
pub fn rule_overlay(enable: &[String], disable: &[String]) -> Result<RuleConfig, String> {
    for name in enable.iter().chain(disable) {
        if rule_by_name(name).is_none() {
            return Err(format!("unknown rule `{name}` (see `leakls rules`)"));
        }
    }
    Ok(RuleConfig { enable: enable.to_vec(), disable: disable.to_vec(), ..Default::default() })
}
