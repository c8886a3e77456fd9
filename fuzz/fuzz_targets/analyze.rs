//! Arbitrary bytes as Go source: parsing, every rule, and every fix applied on
//! its own must not panic, and a fix's edits must stay inside the text.
#![no_main]

use leakls::analysis::engine::RuleSettings;
use leakls::analysis::{AnalysisInput, GoVersion, analyze, apply_fixes};
use leakls::syntax::parse_go;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let tree = parse_go(&source, None);
    let settings = RuleSettings::default();
    // Both sides of the Go 1.23 timer change.
    for go_version in [GoVersion::parse("1.22"), GoVersion::parse("1.27")] {
        let findings = analyze(&AnalysisInput {
            source: &source,
            tree: &tree,
            path: None,
            go_version,
            settings: &settings,
            packages: None,
        });
        for finding in &findings {
            assert!(finding.range.start <= finding.range.end && finding.range.end <= source.len());
            for fix in &finding.fixes {
                for edit in &fix.edits {
                    assert!(edit.range.end <= source.len(), "edit past the end: {fix:?}");
                    assert!(source.is_char_boundary(edit.range.start) && source.is_char_boundary(edit.range.end));
                }
                let (_, applied) = apply_fixes(&source, &[fix]);
                assert_eq!(applied, 1, "a fix that cannot be applied alone: {fix:?}");
            }
        }
    }
});
