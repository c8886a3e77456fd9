//! The incremental analysis against a whole-file analysis: the input is Go
//! source, edited a few times the way users type (the edits are chosen by a
//! hash of the input); after each edit both analyses must agree exactly.
#![no_main]

use std::hash::BuildHasher;

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::incremental::IncrementalAnalysis;
use leakls::analysis::{AnalysisInput, GoVersion, analyze};
use leakls::syntax::parse_go;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/edits.rs"]
mod edits;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let mut rng = edits::Rng(foldhash::fast::FixedState::with_seed(7).hash_one(data) | 1);
    let settings = RuleSettings::default();
    let mut incremental = IncrementalAnalysis::default();
    let mut text = source.to_string();
    for step in 0..8 {
        if step > 0 {
            edits::edit(&mut text, &mut rng);
        }
        let tree = parse_go(&text, None);
        let input = AnalysisInput {
            source: &text,
            tree: &tree,
            path: None,
            go_version: GoVersion::parse("1.22"),
            settings: &settings,
            packages: None,
        };
        assert_eq!(incremental.analyze(&input).findings, analyze(&input), "step {step}");
    }
});
