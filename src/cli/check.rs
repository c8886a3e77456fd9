//! `leakls check`: analyse Go files on disk and report, or fix, their leaks.
//!
//! Exit codes: 0 no findings, 1 findings, 2 usage or I/O errors (unreadable
//! files are reported on stderr and skipped; they make the exit code 2 only when
//! nothing else was found; a file `--fix` could not write always makes it 2).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::output::{SourceLines, Style};
use crate::analysis::files::{
    ContextCache, DEFAULT_MAX_FILE_MIB, FileReport, GoFiles, analyze_path, analyze_paths, command_line_roots,
    walk_go_files,
};
use crate::analysis::packages::Packages;
use crate::analysis::{Applicability, Finding, Related, apply_fixes};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Apply every safe fix in place and print what changed.
    #[arg(long)]
    pub fix: bool,
    /// Print files, bytes, and the time spent parsing and analysing.
    #[arg(long)]
    pub stats: bool,
    /// Run only these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub enable: Vec<String>,
    /// Do not run these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub disable: Vec<String>,
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_MIB)]
    pub max_file_size_mib: u64,
    /// Check every .go file under the paths: do not honour .gitignore, and do not
    /// skip hidden, vendor/ and testdata/ directories.
    #[arg(long)]
    pub no_ignore: bool,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let overlay = match super::rule_overlay(&args.enable, &args.disable) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("leakls: {e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let GoFiles { files, errors: walk_errors, all_ignored } = walk_go_files(&args.paths, args.no_ignore);
    for e in &walk_errors {
        eprintln!("leakls: {e}");
    }
    for (root, skipped) in &all_ignored {
        eprintln!(
            "leakls: {}: all {skipped} .go file{} skipped by ignore rules (.gitignore, hidden, vendor/ or testdata/ directories); pass --no-ignore to check them",
            root.display(),
            plural(*skipped)
        );
    }
    let contexts = ContextCache::new(overlay, command_line_roots(&args.paths));
    // Shared by every file: a package is summarised once, when a rule first needs it.
    let packages = Packages::default();
    let max_mib = args.max_file_size_mib;
    let results = analyze_paths(&files, max_mib, &contexts, &packages);
    let config_problems = contexts.problems();
    for p in &config_problems {
        eprintln!("leakls: config: {p}");
    }
    let mut reports = Vec::new();
    let mut file_errors = 0usize;
    for r in results {
        match r {
            Ok(report) => reports.push(report),
            Err(e) => {
                file_errors += 1;
                eprintln!("leakls: {e}");
            }
        }
    }
    let mut unwritten = 0;
    if args.fix {
        (reports, unwritten) = apply_safe_fixes(reports, max_mib, &contexts, &packages);
    }
    let wall = started.elapsed();
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        CheckFormat::Text => write_text(&mut out, &reports, &cwd, Style::for_stdout()),
        CheckFormat::Json => write_json(&mut out, &reports, &cwd),
        CheckFormat::Sarif => serde_json::to_writer_pretty(&mut out, &super::sarif::to_sarif(&reports, &cwd))
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out)),
        CheckFormat::Github => out.write_all(super::sarif::github_annotations(&reports, &cwd).as_bytes()),
    };
    if let Err(e) = written {
        // A closed pipe (`| head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("leakls: {e}");
            return ExitCode::from(2);
        }
    }
    if args.stats {
        print_stats(&reports, wall);
    }
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    if unwritten > 0 {
        // Fixes were asked for and some file could not take them.
        ExitCode::from(2)
    } else if findings > 0 {
        ExitCode::from(1)
    } else if file_errors > 0 || !walk_errors.is_empty() || !config_problems.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Applies the first safe fix of every finding, writes the file, and re-analyses
/// it so the report shows what is left. Also returns how many files could not be
/// written (each is reported and left unchanged).
fn apply_safe_fixes(
    reports: Vec<FileReport>,
    max_mib: u64,
    contexts: &ContextCache,
    packages: &Packages,
) -> (Vec<FileReport>, usize) {
    let mut unwritten = 0;
    let reports = reports
        .into_iter()
        .map(|report| {
            let fixes: Vec<_> = report
                .findings
                .iter()
                .filter_map(|f| f.fixes.iter().find(|x| x.applicability == Applicability::Safe))
                .collect();
            if fixes.is_empty() {
                return report;
            }
            let (fixed, applied) = apply_fixes(&report.source, &fixes);
            if let Err(e) = super::replace::replace_file(&report.path, fixed.as_bytes()) {
                eprintln!("leakls: {}: cannot write fixes ({e}); the file is left unchanged", report.path.display());
                unwritten += 1;
                return report;
            }
            for fix in fixes.iter().take(applied) {
                eprintln!("fixed {}: {}", report.path.display(), fix.title);
            }
            analyze_path(&report.path, max_mib, contexts, packages).unwrap_or(report)
        })
        .collect();
    (reports, unwritten)
}

fn display_path(path: &Path, cwd: &Path) -> String {
    super::display_path(path, cwd).display().to_string()
}

/// Where a related location starts: in this file's text, or in the other file
/// of the package it names (read again; 1:1 when it cannot be read).
fn related_line_col(lines: &SourceLines, related: &Related) -> (usize, usize) {
    match &related.path {
        None => lines.line_col(related.range.start),
        Some(path) => {
            std::fs::read_to_string(path).map_or((1, 1), |other| SourceLines::new(&other).line_col(related.range.start))
        }
    }
}

fn write_text(out: &mut impl Write, reports: &[FileReport], cwd: &Path, style: Style) -> std::io::Result<()> {
    let mut findings = 0;
    let mut files_with = 0;
    let mut fixable = 0;
    for report in reports {
        if !report.findings.is_empty() {
            files_with += 1;
        }
        let path = display_path(&report.path, cwd);
        let lines = SourceLines::new(&report.source);
        for f in &report.findings {
            findings += 1;
            let (line, col) = lines.line_col(f.range.start);
            writeln!(
                out,
                "{}:{line}:{col}: {} {}",
                style.bold(&path),
                style.severity(f.severity, &format!("{}:", f.rule)),
                f.message
            )?;
            write_excerpt(out, &lines, f, style)?;
            for r in &f.related {
                let (rl, rc) = related_line_col(&lines, r);
                let rpath = r.path.as_deref().map_or(path.clone(), |p| display_path(p, cwd));
                writeln!(out, "    {} {rpath}:{rl}:{rc}: {}", style.dim("note:"), r.message)?;
            }
            for fix in &f.fixes {
                let safety = match fix.applicability {
                    Applicability::Safe => {
                        fixable += 1;
                        "safe fix"
                    }
                    Applicability::Unsafe => "unsafe fix",
                };
                writeln!(out, "    {} {}", style.dim(&format!("{safety}:")), fix.title)?;
            }
        }
    }
    let files = reports.len();
    if findings == 0 {
        writeln!(out, "no leaks found in {files} file{}", plural(files))?;
    } else {
        writeln!(
            out,
            "{findings} finding{} in {files_with} of {files} file{}{}",
            plural(findings),
            plural(files),
            if fixable > 0 { format!(" ({fixable} fixable with --fix)") } else { String::new() }
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// How much of the reported line an excerpt shows, in characters before the
/// finding and from its start on: generated or minified code can hold a whole
/// file on one line.
const EXCERPT_BEFORE: usize = 40;
const EXCERPT_FROM_START: usize = 100;
const CUT: &str = "...";

/// The reported line, clipped to a window around the finding, with a caret underline.
fn write_excerpt(out: &mut impl Write, lines: &SourceLines, f: &Finding, style: Style) -> std::io::Result<()> {
    let source = lines.source();
    let at = f.range.start.min(source.len());
    let (line_no, line) = lines.line(at);
    let shown_start =
        source[line.start..at].char_indices().rev().nth(EXCERPT_BEFORE - 1).map_or(line.start, |(i, _)| line.start + i);
    let shown_end = source[at..line.end].char_indices().nth(EXCERPT_FROM_START).map_or(line.end, |(i, _)| at + i);
    let (cut_before, cut_after) = (shown_start > line.start, shown_end < line.end);
    let gutter = format!("{} | ", line_no + 1);
    writeln!(
        out,
        "{}{}{}{}",
        style.dim(&gutter),
        if cut_before { CUT } else { "" },
        source[shown_start..shown_end].replace('\t', "    "),
        if cut_after { CUT } else { "" }
    )?;
    let mut prefix = " ".repeat(gutter.len() + if cut_before { CUT.len() } else { 0 });
    prefix.extend(source[shown_start..at].chars().map(|c| if c == '\t' { "    " } else { " " }));
    let width = source[at..f.range.end.clamp(at, shown_end)].chars().count().max(1);
    writeln!(out, "{prefix}{}", style.severity(f.severity, &"^".repeat(width)))
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    new_text: &'a str,
}

fn write_json(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> std::io::Result<()> {
    let mut all = Vec::new();
    for report in reports {
        let path = display_path(&report.path, cwd);
        let lines = SourceLines::new(&report.source);
        for f in &report.findings {
            let (line, column) = lines.line_col(f.range.start);
            let (end_line, end_column) = lines.line_col(f.range.end);
            all.push(JsonFinding {
                path: path.clone(),
                line,
                column,
                end_line,
                end_column,
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let (line, column) = related_line_col(&lines, r);
                        let path = r.path.as_deref().map_or(path.clone(), |p| display_path(p, cwd));
                        JsonRelated { path, line, column, message: &r.message }
                    })
                    .collect(),
                fixes: f
                    .fixes
                    .iter()
                    .map(|x| JsonFix {
                        title: &x.title,
                        applicability: x.applicability,
                        edits: x
                            .edits
                            .iter()
                            .map(|e| {
                                let (line, column) = lines.line_col(e.range.start);
                                let (end_line, end_column) = lines.line_col(e.range.end);
                                JsonEdit { line, column, end_line, end_column, new_text: &e.new_text }
                            })
                            .collect(),
                    })
                    .collect(),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all).map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    writeln!(out)
}

fn print_stats(reports: &[FileReport], wall: Duration) {
    let bytes: usize = reports.iter().map(|r| r.source.len()).sum();
    let parse: Duration = reports.iter().map(|r| r.parse_time).sum();
    let analysis: Duration = reports.iter().map(|r| r.analysis_time).sum();
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    eprintln!(
        "stats: {} files, {:.1} MB, parse {:.2}s, analysis {:.2}s (summed over {} threads), wall {:.2}s, {findings} findings",
        reports.len(),
        bytes as f64 / 1e6,
        parse.as_secs_f64(),
        analysis.as_secs_f64(),
        rayon::current_num_threads(),
        wall.as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::analysis::Severity;

    /// A file of `lines` lines with a finding on every fiftieth, as a generated file might have.
    fn report(lines: usize) -> FileReport {
        let source = "\tresults <- fetch(ctx, u) // a line of ordinary length\n".repeat(lines);
        let findings = (0..lines)
            .step_by(50)
            .map(|i| {
                let start = i * (source.len() / lines) + 1;
                Finding::new("unreceived-send", Severity::Warning, start..start + 7, "may block")
                    .with_related(start..start + 1, "here")
            })
            .collect();
        let zero = Duration::ZERO;
        FileReport { path: "gen.go".into(), source, findings, parse_time: zero, analysis_time: zero }
    }

    fn print_time(report: &FileReport) -> Duration {
        (0..5)
            .map(|_| {
                let started = Instant::now();
                let mut out = Vec::new();
                write_text(&mut out, std::slice::from_ref(report), Path::new("."), Style::plain()).unwrap();
                started.elapsed()
            })
            .min()
            .unwrap()
    }

    #[test]
    fn printing_grows_with_the_file_not_its_square() {
        let (small, large) = (report(5_000), report(20_000));
        let ratio = print_time(&large).as_secs_f64() / print_time(&small).as_secs_f64();
        // Four times the lines and findings: about 4 when linear, 16 when each
        // finding rescans the text before it.
        assert!(ratio < 8.0, "printing 4x the file took {ratio:.1}x the time");
    }

    #[test]
    fn excerpts_are_clipped_around_the_finding() {
        let line =
            format!("var a = \"{}\"; var b = make(chan int); var c = \"{}\"", "x".repeat(5_000), "y".repeat(5_000));
        let at = line.find("make(").unwrap();
        let report = FileReport {
            path: "one.go".into(),
            findings: vec![Finding::new("unreceived-send", Severity::Warning, at..at + 4, "m")],
            source: line,
            parse_time: Duration::ZERO,
            analysis_time: Duration::ZERO,
        };
        let mut out = Vec::new();
        write_text(&mut out, std::slice::from_ref(&report), Path::new("."), Style::plain()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("1 | ...") && lines[1].ends_with("yyy..."), "{}", lines[1]);
        assert!(lines[1].len() < 200, "{} characters", lines[1].len());
        let caret = lines[2].find('^').unwrap();
        assert!(lines[1][caret..].starts_with("make"), "{}\n{}", lines[1], lines[2]);
        assert_eq!(lines[2].trim(), "^^^^");
    }
}
