//! The rule engine: runs leak rules over a parsed Go file and returns plain data.
//!
//! Nothing here knows about LSP. Ranges are byte offsets into the analysed text.

pub mod ancestry;
pub mod callees;
pub mod channels;
pub mod config;
pub mod engine;
pub mod files;
pub mod finding;
pub mod gomod;
pub mod identifiers;
/// Syntax helpers live under `syntax`; the rules reach them by this name.
pub use crate::syntax::go;
pub mod incremental;
pub mod model_support;
pub mod packages;
pub mod rules;
pub mod summary;
pub mod suppression;
pub mod test_failure;
pub mod wait_picture;

pub use engine::{AnalysisInput, analyze, apply_fixes};
pub use finding::{Applicability, Finding, Fix, Related, Severity, TextEdit};
pub use gomod::{GoModule, GoVersion};
pub use rules::{Rule, RuleMeta, all_rules, rule_by_name};
