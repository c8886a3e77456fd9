//! Per-line annotations for workspace files from a series: where goroutines of
//! the newest snapshot wait (their innermost frame inside the workspace), which
//! `go` statements started them, and totals per enclosing function. Built once
//! per series; the editor layer asks for one file at a time.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::classify::{Verb, package_path};
use super::group::Group;
use super::mapping::Workspace;
use super::name::Name;
use super::series::{Series, Track, Verdict, thousands};

/// Groups listed in one hover before "and N more".
const HOVER_GROUPS: usize = 4;
/// Frames of the representative stack shown in a hover.
const HOVER_FRAMES: usize = 12;

/// Goroutines waiting at one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineAnnotation {
    /// 1-based.
    pub line: u32,
    pub count: u64,
    /// State of the largest group here (`chan send`), or the blocking call's
    /// reason for formats without states.
    pub state: Option<String>,
    pub verb: Option<Verb>,
    pub min_minutes: Option<u32>,
    pub max_minutes: Option<u32>,
    /// The most alarming verdict among the groups here.
    pub verdict: Option<Verdict>,
    pub proven_leaked: bool,
    /// Goroutines here proven leaked by the goroutineleak profile.
    pub leaked: u64,
    /// The function of the frame at this line, as printed.
    pub function: Name,
    /// One line: `1,204 goroutines blocked here [chan send], at least 37 min, growing 12 -> 640 -> 1,204`.
    pub message: String,
    pub groups: usize,
    /// The largest groups here, for [`LineAnnotation::hover`]: kept as groups
    /// (their stacks shared with the series), rendered only when asked for.
    #[serde(skip)]
    shown: Vec<Shown>,
}

/// A group as a hover shows it, with what the series and workspace say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    group: Group,
    verdict: Option<String>,
    /// Where its first creator sites are, workspace-relative when mapped.
    creator_places: Vec<String>,
}

impl LineAnnotation {
    /// Markdown: verdict, creators, label facets, a representative stack.
    pub fn hover(&self) -> String {
        hover(&self.shown, self.groups)
    }
}

/// A `go` statement that started goroutines that are still around.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatorAnnotation {
    pub line: u32,
    pub count: u64,
    /// The started function, as printed.
    pub started: Name,
    pub verdict: Option<Verdict>,
    pub message: String,
}

/// Goroutines waiting inside one declared function, for a code lens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionTotal {
    /// The declared function, without package, closures or type arguments:
    /// `(*Service).PlaceOrder`, `First`, `init`.
    pub function: String,
    /// Annotated lines inside it, ascending; any one locates the declaration.
    pub lines: Vec<u32>,
    pub count: u64,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileAnnotations {
    /// Ascending by line.
    pub lines: Vec<LineAnnotation>,
    pub creators: Vec<CreatorAnnotation>,
    pub functions: Vec<FunctionTotal>,
}

#[derive(Debug, Clone, Default)]
pub struct Annotator {
    files: HashMap<PathBuf, FileAnnotations>,
}

/// Goroutines of a track started at one `go` statement: (track, group, how many).
type CreatedHere<'a> = (&'a Track, &'a Group, u64);

/// Where one group lands in the workspace.
struct Placement<'a> {
    track: &'a Track,
    group: &'a Group,
    frame: usize,
}

impl Annotator {
    /// Annotates every workspace file touched by the newest snapshot's groups.
    pub fn new(series: &Series, workspace: &Workspace) -> Self {
        let mut mapped: HashMap<String, Option<PathBuf>> = HashMap::new();
        let mut map = |file: &str| -> Option<PathBuf> {
            if let Some(known) = mapped.get(file) {
                return known.clone();
            }
            let found = workspace.map(file);
            mapped.insert(file.to_string(), found.clone());
            found
        };
        let mut placements: HashMap<(PathBuf, u32), Vec<Placement<'_>>> = HashMap::new();
        let mut creators: HashMap<(PathBuf, u32), Vec<CreatedHere<'_>>> = HashMap::new();
        for track in series.tracks.iter().filter(|t| t.is_current()) {
            let group = series.group(track);
            let start = group.waiting.unwrap_or(0);
            let anchor = (start..group.frames.len()).chain(0..start).find_map(|i| {
                let frame = &group.frames[i];
                map(&frame.file).map(|path| (i, path, frame.line))
            });
            if let Some((frame, path, line)) = anchor {
                placements.entry((path, line)).or_default().push(Placement { track, group, frame });
            }
            for site in &group.creators {
                if let Some(path) = map(&site.file) {
                    creators.entry((path, site.line)).or_default().push((track, group, site.count));
                }
            }
        }
        let mut files: HashMap<PathBuf, FileAnnotations> = HashMap::new();
        for ((path, line), mut here) in placements {
            here.sort_by_key(|p| std::cmp::Reverse(p.group.count));
            files.entry(path).or_default().lines.push(line_annotation(line, &here, workspace, &mut map));
        }
        for ((path, line), here) in creators {
            files.entry(path).or_default().creators.push(creator_annotation(line, &here));
        }
        for annotations in files.values_mut() {
            annotations.lines.sort_by_key(|a| a.line);
            annotations.creators.sort_by_key(|a| a.line);
            annotations.functions = function_totals(&annotations.lines);
        }
        Annotator { files }
    }

    /// Annotations of one file (any spelling of its path), if any.
    pub fn file(&self, path: &Path) -> Option<&FileAnnotations> {
        self.files.get(path).or_else(|| self.files.get(&path.canonicalize().ok()?))
    }

    /// Canonical paths of the annotated files.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }
}

fn verdict_rank(v: Option<Verdict>) -> u8 {
    match v {
        Some(Verdict::ProvenLeak) => 7,
        Some(Verdict::Growing) => 6,
        Some(Verdict::Elevated) => 5,
        Some(Verdict::New) => 4,
        Some(Verdict::Spike) => 3,
        Some(Verdict::SteadyPool) => 2,
        Some(Verdict::Recovered) => 1,
        None => 0,
    }
}

/// `growing 12 -> 640 -> 1,204`, `spike`, `proven leak`.
pub fn verdict_text(track: &Track) -> Option<String> {
    let verdict = track.verdict?;
    Some(match verdict {
        Verdict::Growing | Verdict::Elevated | Verdict::Recovered => {
            format!("{} {}", verdict.as_str(), track.trend_text())
        }
        _ => verdict.as_str().to_string(),
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "goroutine" } else { "goroutines" }
}

fn line_annotation(
    line: u32,
    here: &[Placement<'_>],
    workspace: &Workspace,
    map: &mut impl FnMut(&str) -> Option<PathBuf>,
) -> LineAnnotation {
    let top = &here[0];
    let count: u64 = here.iter().map(|p| p.group.count).fold(0, u64::saturating_add);
    let leaked: u64 = here.iter().map(|p| p.group.leaked).fold(0, u64::saturating_add);
    let min_minutes = here.iter().filter_map(|p| p.group.minutes.min).min();
    let max_minutes = here.iter().filter_map(|p| p.group.minutes.max).max();
    let lead = here.iter().max_by_key(|p| (verdict_rank(p.track.verdict), p.group.count)).unwrap_or(top);
    let state = top.group.state_text();
    let verb = top.group.verb;
    let mut message = format!("{} {} ", thousands(count), plural(count));
    message.push_str(match verb {
        Some(Verb::Running | Verb::Runnable) => "running here",
        _ => "blocked here",
    });
    if let Some(state) = &state {
        let _ = write!(message, " [{state}]");
    }
    if let Some(max) = max_minutes {
        let _ = write!(message, ", at least {max} min");
    }
    if leaked > 0 && leaked < count {
        let _ = write!(message, ", {} proven leaked", thousands(leaked));
    } else if leaked > 0 {
        message.push_str(", proven leaked");
    }
    if let Some(trend) = lead.track.trend {
        let text = match trend {
            Verdict::Growing | Verdict::Elevated | Verdict::Recovered => {
                format!("{} {}", trend.as_str(), lead.track.trend_text())
            }
            _ => trend.as_str().to_string(),
        };
        let _ = write!(message, ", {text}");
    }
    LineAnnotation {
        line,
        count,
        state,
        verb,
        min_minutes,
        max_minutes,
        verdict: lead.track.verdict,
        proven_leaked: leaked > 0,
        leaked,
        function: top.group.frames[top.frame].function.clone(),
        message,
        groups: here.len(),
        shown: here.iter().take(HOVER_GROUPS).map(|p| shown(p, workspace, map)).collect(),
    }
}

fn shown(p: &Placement<'_>, workspace: &Workspace, map: &mut impl FnMut(&str) -> Option<PathBuf>) -> Shown {
    let creator_places = p
        .group
        .creators
        .iter()
        .take(3)
        .map(|site| match map(&site.file) {
            Some(path) => format!("{}:{}", workspace.relative(&path), site.line),
            None => format!("{}:{}", site.file, site.line),
        })
        .collect();
    Shown { group: p.group.clone(), verdict: verdict_text(p.track), creator_places }
}

fn hover(shown: &[Shown], groups: usize) -> String {
    let mut md = String::new();
    for (n, s) in shown.iter().enumerate() {
        if n > 0 {
            md.push_str("\n---\n\n");
        }
        let g = &s.group;
        let _ = write!(md, "**{} {}**", thousands(g.count), plural(g.count));
        if let Some(verb) = g.verb {
            let _ = write!(md, " {}", verb.describe());
        }
        if let Some(state) = g.state_text() {
            let _ = write!(md, " `[{state}]`");
        }
        md.push('\n');
        if let (Some(min), Some(max)) = (g.minutes.min, g.minutes.max) {
            let _ = write!(
                md,
                "\nWaiting {min}–{max} min (lower bounds; {} without minutes)\n",
                thousands(g.count - g.minutes.with_minutes.min(g.count))
            );
        }
        if let Some(text) = &s.verdict {
            let _ = write!(md, "\nVerdict: **{text}**");
            if g.leaked > 0 {
                let _ = write!(md, " · {} proven leaked by the goroutineleak profile", thousands(g.leaked));
            }
            md.push('\n');
        }
        if let Some(creator) = &g.creator {
            let _ = write!(md, "\nCreated by `{creator}`");
            for (site, place) in g.creators.iter().zip(&s.creator_places) {
                let _ = write!(md, " at `{place}` ({})", thousands(site.count));
            }
            md.push('\n');
        }
        if !g.labels.is_empty() {
            md.push_str("\nLabels:");
            for facet in &g.labels {
                let values: Vec<String> =
                    facet.values.iter().take(3).map(|(v, c)| format!("`{v}` ({})", thousands(*c))).collect();
                let _ = write!(md, " **{}**: {}", facet.key, values.join(", "));
                if facet.values.len() > 3 || facet.other > 0 {
                    md.push_str(", …");
                }
                md.push(';');
            }
            md.pop();
            md.push('\n');
        }
        md.push_str("\n```text\n");
        for (i, f) in g.frames.iter().enumerate().take(HOVER_FRAMES) {
            if g.elided.is_some_and(|e| e.at == i) {
                md.push_str("...frames elided...\n");
            }
            let _ = writeln!(md, "{}\n    {}:{}", f.function, f.file, f.line);
        }
        if g.frames.len() > HOVER_FRAMES {
            let _ = writeln!(md, "... {} more frames", g.frames.len() - HOVER_FRAMES);
        }
        md.push_str("```\n");
        if !g.ids.is_empty() {
            let ids: Vec<String> = g.ids.iter().map(u64::to_string).collect();
            let _ = write!(md, "\nGoroutines {}", ids.join(", "));
            if g.count > g.ids.len() as u64 {
                md.push_str(", …");
            }
            md.push('\n');
        }
    }
    if groups > shown.len() {
        let _ = write!(md, "\n…and {} more groups\n", groups - shown.len());
    }
    md
}

fn creator_annotation(line: u32, here: &[CreatedHere<'_>]) -> CreatorAnnotation {
    let count: u64 = here.iter().map(|h| h.2).fold(0, u64::saturating_add);
    let (lead_track, lead_group, _) = here
        .iter()
        .max_by_key(|h| (verdict_rank(h.0.verdict), h.2))
        .copied()
        .expect("creator annotations are built from non-empty lists");
    let started = lead_group.frames.last().map(|f| f.function.clone()).unwrap_or_default();
    let mut message = format!("started {} {} still alive", thousands(count), plural(count));
    if let Some(state) = lead_group.state_text() {
        let _ = write!(message, " [{state}]");
    }
    if let Some(text) = verdict_text(lead_track) {
        let _ = write!(message, ", {text}");
    }
    CreatorAnnotation { line, count, started, verdict: lead_track.verdict, message }
}

/// `example.com/x.(*Service).PlaceOrder.func1` -> `(*Service).PlaceOrder`;
/// `main.init.0.func1` -> `init`; `x.First[...].func1` -> `First`.
pub fn declared_function(function: &str) -> String {
    let package = package_path(function);
    let rest = function.get(package.len() + 1..).unwrap_or(function);
    let mut parts: Vec<&str> = rest.split('.').collect();
    while parts.len() > 1 {
        let last = parts[parts.len() - 1];
        let generated = last.strip_prefix("func").or_else(|| last.strip_prefix("gowrap")).unwrap_or(last);
        if !generated.is_empty() && generated.bytes().all(|b| b.is_ascii_digit()) {
            parts.pop();
        } else {
            break;
        }
    }
    parts.join(".").replace("[...]", "")
}

fn function_totals(lines: &[LineAnnotation]) -> Vec<FunctionTotal> {
    let mut totals: Vec<FunctionTotal> = Vec::new();
    for a in lines {
        let name = declared_function(&a.function);
        match totals.iter_mut().find(|t| t.function == name) {
            Some(t) => {
                t.count = t.count.saturating_add(a.count);
                t.lines.push(a.line);
            }
            None => totals.push(FunctionTotal {
                function: name,
                lines: vec![a.line],
                count: a.count,
                message: String::new(),
            }),
        }
    }
    for t in &mut totals {
        t.message = format!("{} {} waiting in {}", thousands(t.count), plural(t.count), t.function);
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_functions() {
        assert_eq!(declared_function("example.com/x/orders.(*Service).PlaceOrder.func1"), "(*Service).PlaceOrder");
        assert_eq!(declared_function("main.init.0.func1"), "init");
        assert_eq!(declared_function("main.startBackgroundLeaks.func4.1"), "startBackgroundLeaks");
        assert_eq!(declared_function("example.com/x/search.First[...].func1"), "First");
        assert_eq!(declared_function("example.com/x/pool.(*Pool[...]).worker"), "(*Pool).worker");
        assert_eq!(declared_function("main.main.gowrap1"), "main");
        assert_eq!(declared_function("example.com/x/codec%2ev2.(*Decoder).Next"), "(*Decoder).Next");
    }
}
