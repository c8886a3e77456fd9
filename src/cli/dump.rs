//! `leakls dump`: read goroutine dumps (files or live pprof URLs), group them by
//! where goroutines wait, follow the groups across snapshots, and print a ranked
//! table plus the top groups' stacks.
//!
//! Inputs are taken in order. Consecutive inputs of different kinds (say
//! `goroutine?debug=2`, `goroutine?debug=1` and `goroutineleak?debug=1`) are one
//! snapshot; an input of a kind the current snapshot already has starts the
//! next one. `--watch URL` then polls a live endpoint `--samples` times.
//!
//! Exit codes: 0 nothing alarming, 1 some group is proven leaked (goroutineleak
//! profile) or growing across snapshots, 2 usage or I/O errors (an input that
//! cannot be read or is not a dump).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::output::Style;
use super::waits::{GroupWaits, Pictures};
use crate::analysis::Severity;
use crate::runtime::annotate::verdict_text;
use crate::runtime::{
    FetchOptions, FrameClassifier, Group, Limits, Profile, Series, Snapshot, Source, Track, Verdict, Workspace, fetch,
    load_path, thousands,
};

#[derive(clap::Args, Debug)]
pub struct DumpArgs {
    /// Dump files (plain or gzipped; any format) or http:// pprof URLs, oldest first.
    pub inputs: Vec<String>,
    /// Workspace root that frames are mapped onto (repeatable; default: the current directory).
    #[arg(long = "root")]
    pub roots: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DumpFormat::Text)]
    pub format: DumpFormat,
    /// Poll this live endpoint, e.g. http://127.0.0.1:6060/debug/pprof/goroutine?debug=2.
    #[arg(long)]
    pub watch: Option<String>,
    /// Time between polls (`500ms`, `10s`, `2m`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub every: Duration,
    /// Number of polls.
    #[arg(long, default_value_t = 6)]
    pub samples: usize,
    /// Timeout for one fetch.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// How many of the largest groups to print with their stacks.
    #[arg(long, default_value_t = 3)]
    pub stacks: usize,
    /// Also follow redirects to another scheme, host or port (by default only
    /// redirects within the same origin are followed).
    #[arg(long)]
    pub follow_redirects: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    Text,
    Json,
}

/// `250ms`, `10s`, `2m`, `1h`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 10s or 500ms"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("unknown unit `{unit}` in `{text}` (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"))
}

pub fn run(args: &DumpArgs) -> ExitCode {
    let style = Style::for_stdout();
    let progress = std::io::stderr().is_terminal();
    run_to(args, style, progress, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())
}

/// `run` with explicit streams, for tests and embedding.
pub fn run_to(args: &DumpArgs, style: Style, progress: bool, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    if args.inputs.is_empty() && args.watch.is_none() {
        let _ = writeln!(err, "leakls dump: give dump files or URLs, or --watch URL");
        return ExitCode::from(2);
    }
    let roots = if args.roots.is_empty() { vec![PathBuf::from(".")] } else { args.roots.clone() };
    let workspace = Workspace::new(&roots);
    let classifier = FrameClassifier::new(workspace.module_paths());
    let options = FetchOptions {
        timeout: args.timeout,
        redirects_to_other_hosts: args.follow_redirects,
        ..FetchOptions::default()
    };
    let mut failed = false;
    let mut snapshots: Vec<Vec<Source>> = Vec::new();
    for input in &args.inputs {
        match read(input, &options) {
            Ok(source) => {
                let kind = (source.info.format, source.info.profile.clone());
                let repeats = snapshots
                    .last()
                    .is_none_or(|current| current.iter().any(|s| (s.info.format, s.info.profile.clone()) == kind));
                if repeats {
                    snapshots.push(Vec::new());
                }
                snapshots.last_mut().expect("pushed above").push(source);
            }
            Err(e) => {
                let _ = writeln!(err, "leakls dump: {e}");
                failed = true;
            }
        }
    }
    let mut series = Series::new();
    for sources in snapshots {
        series.push(classified(sources, &classifier));
    }
    if let Some(url) = &args.watch {
        for n in 1..=args.samples {
            if n > 1 {
                std::thread::sleep(args.every);
            }
            let started = Instant::now();
            match fetch(url, &options) {
                Ok(source) => {
                    series.push(classified(vec![source], &classifier));
                    let latest = series.latest().expect("just pushed");
                    let line = format!(
                        "polled {url}: sample {n}/{}, {} goroutines in {} groups ({} ms)",
                        args.samples,
                        thousands(latest.total),
                        latest.groups.len(),
                        started.elapsed().as_millis()
                    );
                    let _ = if progress { write!(err, "\r\x1b[2K{line}") } else { writeln!(err, "{line}") };
                }
                Err(e) => {
                    let _ = writeln!(err, "{}leakls dump: {url}: {e}", if progress { "\n" } else { "" });
                    failed = true;
                    break;
                }
            }
        }
        if progress {
            let _ = writeln!(err);
        }
    }
    if series.latest().is_none() {
        return ExitCode::from(2);
    }
    // Every snapshot's, not only the latest's: a partial dump earlier in the
    // series skews its trends.
    for warning in series.snapshots.iter().flat_map(|s| &s.warnings) {
        let _ = writeln!(err, "leakls dump: warning: {warning}");
    }
    let mut rows = rows(&series, &workspace);
    // JSON describes every group; the text, the groups whose stacks it prints.
    let described = if args.format == DumpFormat::Json { rows.len() } else { args.stacks };
    let mut pictures = Pictures::new(&workspace);
    for row in rows.iter_mut().take(described) {
        row.waits_on = Some(match &row.waiting_line {
            Some((path, line)) => pictures.of(path, *line),
            None => GroupWaits::unknown(match row.group.waiting_frame() {
                Some(f) => format!("the waiting frame {}:{} is not in a workspace file", f.file, f.line),
                None => "no frame of the stack is outside the runtime and standard library".to_string(),
            }),
        });
    }
    let written = match args.format {
        DumpFormat::Json => write_json(out, &series, &rows),
        DumpFormat::Text => write_text(out, style, &series, &rows, args.stacks),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "leakls dump: cannot write output: {e}");
        return ExitCode::from(2);
    }
    if failed {
        ExitCode::from(2)
    } else if rows.iter().any(|r| r.verdict.is_some_and(Verdict::is_alarming)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(input: &str, options: &FetchOptions) -> Result<Source, String> {
    if input.contains("://") {
        fetch(input, options).map_err(|e| format!("{input}: {e}"))
    } else {
        // The loader's errors name the file.
        load_path(std::path::Path::new(input), Limits::default()).map_err(|e| e.to_string())
    }
}

fn classified(sources: Vec<Source>, classifier: &FrameClassifier) -> Snapshot {
    let mut snapshot = Snapshot::merge(sources);
    snapshot.classify(classifier);
    snapshot
}

/// One line of the table: a group of the newest snapshot.
#[derive(Debug, Serialize)]
struct Row<'a> {
    count: u64,
    state: Option<String>,
    min_minutes: Option<u32>,
    max_minutes: Option<u32>,
    /// Workspace-relative `file:line` of the waiting frame, or the path as printed.
    location: Option<String>,
    in_workspace: bool,
    function: Option<&'a str>,
    verdict: Option<Verdict>,
    trend: Option<String>,
    counts: &'a [u64],
    proven_leaked: u64,
    /// What the waiting line waits on, from the package's source (or why not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    waits_on: Option<GroupWaits>,
    #[serde(skip)]
    group: &'a Group,
    /// The workspace file and line of the waiting frame.
    #[serde(skip)]
    waiting_line: Option<(PathBuf, u32)>,
}

fn rows<'a>(series: &'a Series, workspace: &Workspace) -> Vec<Row<'a>> {
    series
        .tracks
        .iter()
        .filter(|t| t.is_current())
        .map(|track: &'a Track| {
            let group = series.group(track);
            // Without a program frame, the goroutine's entry function says most.
            let frame = group.waiting_frame().or(group.frames.last());
            let mapped = frame.and_then(|f| workspace.map(&f.file));
            let waiting_line = group.waiting_frame().and_then(|f| Some((workspace.map(&f.file)?, f.line)));
            let location = frame.map(|f| match &mapped {
                Some(path) => format!("{}:{}", workspace.relative(path), f.line),
                None => format!("{}:{}", f.file, f.line),
            });
            Row {
                count: group.count,
                state: group.state_text(),
                min_minutes: group.minutes.min,
                max_minutes: group.minutes.max,
                location,
                in_workspace: mapped.is_some(),
                function: frame.map(|f| f.function.as_str()),
                verdict: track.verdict,
                trend: verdict_text(track),
                counts: &track.counts,
                proven_leaked: group.leaked,
                waits_on: None,
                group,
                waiting_line,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct JsonReport<'a> {
    snapshots: Vec<JsonSnapshot<'a>>,
    groups: &'a [Row<'a>],
}

#[derive(Serialize)]
struct JsonSnapshot<'a> {
    total: u64,
    groups: usize,
    leak_checked: bool,
    /// A source was cut short or at the size cap; `warnings` say which.
    partial: bool,
    sources: Vec<&'a str>,
    warnings: &'a [String],
}

fn write_json(out: &mut dyn Write, series: &Series, rows: &[Row<'_>]) -> std::io::Result<()> {
    let report = JsonReport {
        snapshots: series
            .snapshots
            .iter()
            .map(|s| JsonSnapshot {
                total: s.total,
                groups: s.groups.len(),
                leak_checked: s.leak_checked,
                partial: s.partial,
                sources: s.sources.iter().map(|i| i.name.as_str()).collect(),
                warnings: &s.warnings,
            })
            .collect(),
        groups: rows,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn wait_text(row: &Row<'_>) -> String {
    match row.max_minutes {
        Some(max) => format!(">={max} min"),
        None => String::new(),
    }
}

/// The function without its package path, for a narrow column.
fn short_function(function: &str) -> &str {
    let package = crate::runtime::classify::package_path(function);
    let last_slash = package.rfind('/').map_or(0, |i| i + 1);
    &function[last_slash..]
}

fn write_text(
    out: &mut dyn Write,
    style: Style,
    series: &Series,
    rows: &[Row<'_>],
    stacks: usize,
) -> std::io::Result<()> {
    let latest = series.latest().expect("callers check for a snapshot");
    let leaked: u64 = latest.groups.iter().map(|g| g.leaked).sum();
    let mut summary =
        format!("{} goroutines in {} groups", thousands(latest.total), thousands(latest.groups.len() as u64));
    if series.dropped > 0 {
        summary.push_str(&format!(
            " (latest of the last {} snapshots; {} older ones dropped)",
            series.snapshots.len(),
            series.dropped
        ));
    } else if series.snapshots.len() > 1 {
        summary.push_str(&format!(" (latest of {} snapshots)", series.snapshots.len()));
    }
    if latest.leak_checked {
        summary.push_str(&format!("; goroutineleak: {} proven leaked", thousands(leaked)));
    }
    writeln!(out, "{}", style.bold(&summary))?;
    if let Some(first) = latest.preamble.iter().find(|l| !l.trim().is_empty()) {
        writeln!(out, "{}", style.dim(first))?;
    }
    writeln!(out)?;
    let location_width =
        rows.iter().filter_map(|r| r.location.as_ref().map(String::len)).max().unwrap_or(5).clamp(5, 60);
    let state_width = rows.iter().filter_map(|r| r.state.as_ref().map(String::len)).max().unwrap_or(5).clamp(5, 32);
    let count_width = rows.iter().map(|r| thousands(r.count).len()).max().unwrap_or(0).max(9);
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:>count_width$}  {:<state_width$}  {:<9}  {:<location_width$}  {:<40}  VERDICT",
            "COUNT", "STATE", "WAIT", "WHERE", "FUNCTION"
        ))
    )?;
    for row in rows {
        let location = row.location.clone().unwrap_or_else(|| "-".to_string());
        let location = if row.in_workspace {
            style.bold(&format!("{location:<location_width$}"))
        } else {
            format!("{location:<location_width$}")
        };
        let mut verdict = row.trend.clone().unwrap_or_default();
        if row.proven_leaked > 0 && row.proven_leaked < row.count {
            verdict.push_str(&format!(" ({} of {})", thousands(row.proven_leaked), thousands(row.count)));
        }
        let verdict = match row.verdict {
            Some(v) if v.is_alarming() => style.severity(Severity::Error, &verdict),
            Some(Verdict::Elevated | Verdict::New) => style.severity(Severity::Warning, &verdict),
            _ => verdict,
        };
        writeln!(
            out,
            "{:>count_width$}  {:<state_width$}  {:<9}  {location}  {:<40}  {verdict}",
            thousands(row.count),
            row.state.as_deref().unwrap_or("-"),
            wait_text(row),
            short_function(row.function.unwrap_or("-")),
        )?;
    }
    for row in rows.iter().take(stacks) {
        writeln!(out)?;
        let g = row.group;
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "{} goroutines [{}] at {}",
                thousands(g.count),
                row.state.as_deref().unwrap_or("?"),
                row.location.as_deref().unwrap_or("-")
            ))
        )?;
        for (i, f) in g.frames.iter().enumerate() {
            if g.elided.is_some_and(|e| e.at == i) {
                writeln!(out, "    ...frames elided...")?;
            }
            let line = format!("    {}\n        {}:{}", f.function, f.file, f.line);
            writeln!(out, "{}", if Some(i) == g.waiting { style.bold(&line) } else { line })?;
        }
        if let Some(creator) = &g.creator {
            let sites: Vec<String> = g.creators.iter().take(3).map(|c| format!("{}:{}", c.file, c.line)).collect();
            writeln!(out, "    created by {creator} at {}", sites.join(", "))?;
        }
        for facet in &g.labels {
            let values: Vec<String> =
                facet.values.iter().take(5).map(|(v, n)| format!("{v} ({})", thousands(*n))).collect();
            writeln!(out, "    label {}: {}", facet.key, values.join(", "))?;
        }
        for line in row.waits_on.iter().flat_map(GroupWaits::text_lines) {
            writeln!(out, "    {line}")?;
        }
    }
    if latest.sources.iter().all(|s| s.profile != Profile::GoroutineLeak) && !latest.leak_checked {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.dim(
                "hint: add /debug/pprof/goroutineleak?debug=1 (Go 1.27+) to prove leaks; several snapshots show trends"
            )
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
