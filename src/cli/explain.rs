//! `leakls rules` and `leakls explain <rule>`.

use std::process::ExitCode;

use crate::analysis::{all_rules, rule_by_name};

pub fn list_rules() -> ExitCode {
    let width = all_rules().iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
    for rule in all_rules() {
        let m = rule.meta();
        println!("{:width$}  {:7}  {}", m.name, m.default_severity.as_str(), m.summary);
    }
    ExitCode::SUCCESS
}

pub fn explain(rule: &str) -> ExitCode {
    match rule_by_name(rule) {
        Some(r) => {
            print!("{}", r.meta().docs);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("leakls: unknown rule `{rule}`; known rules:");
            for r in all_rules() {
                eprintln!("  {}", r.meta().name);
            }
            ExitCode::from(2)
        }
    }
}
