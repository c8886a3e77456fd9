//! Reading one input of any format into a [`Source`]: sniffs gzip and protobuf
//! by content, then text by its first meaningful line (a `profile: total`
//! header, `go test -json` events, or anything else as traceback text).

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde::Serialize;

use super::classify::FrameClassifier;
use super::group::{Group, SourceInfo};
use super::input::{self, Limits};
use super::text::TracebackParser;
use super::{counted, proto};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `debug=2`, `runtime.Stack`, panic, fatal error, SIGQUIT or test-timeout text.
    Traceback,
    /// Traceback text inside the `Output` fields of `go test -json` events.
    TestJson,
    /// `debug=1` count profile.
    Counted,
    /// `debug=0` protobuf profile.
    Proto,
}

/// Which runtime profile an input came from, when it says (profiles do; for
/// traceback text it comes from the file name or URL).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Goroutine,
    /// Go 1.27's goroutineleak profile: at debug=0/1 it lists only goroutines
    /// the GC proved can never run again.
    GoroutineLeak,
    Other(String),
}

impl Profile {
    fn from_name(name: &str) -> Profile {
        match name {
            "goroutine" => Profile::Goroutine,
            "goroutineleak" => Profile::GoroutineLeak,
            other => Profile::Other(other.to_string()),
        }
    }
}

/// One parsed input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub info: SourceInfo,
    pub groups: Vec<Group>,
    pub warnings: Vec<String>,
    pub skipped_lines: u64,
    pub preamble: Vec<String>,
    /// Headers carried `(leaked)` marks, or this is a goroutineleak profile.
    pub leak_checked: bool,
    /// The input ended early (a truncated gzip stream, a read error, a
    /// goroutine cut mid-stack) or was cut by the size cap: the groups are
    /// those of the part read, and `warnings` say why.
    pub partial: bool,
}

#[derive(Debug)]
pub enum LoadError {
    Io(io::Error),
    /// Readable, but no goroutine, record or sample in it.
    NotADump(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(e) => write!(f, "{e}"),
            LoadError::NotADump(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<io::Error> for LoadError {
    fn from(e: io::Error) -> Self {
        LoadError::Io(e)
    }
}

/// Reads a dump file. Directories are refused up front (opening one succeeds
/// and only the first read fails); FIFOs and other streams are read as they come.
pub fn load_path(path: &Path, limits: Limits) -> Result<Source, LoadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| LoadError::Io(named(&name, "cannot open", e)))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(LoadError::NotADump(format!("{name}: is a directory; give the path of a dump file")));
    }
    load_reader(&name, file, limits)
}

/// An I/O error that names its input, says what failed, and for the common
/// causes what to do.
fn named(name: &str, doing: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::NotFound => "; check the path",
        io::ErrorKind::PermissionDenied => "; check its permissions",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{name}: {doing}: {e}{hint}"))
}

pub fn load_bytes(name: &str, bytes: &[u8], limits: Limits) -> Result<Source, LoadError> {
    if bytes.starts_with(&input::GZIP_MAGIC) {
        load_reader(name, bytes, limits)
    } else {
        // A byte slice is already buffered: lines are handed out without a copy.
        load_buffered(name, &mut &bytes[..], limits)
    }
}

/// Reads one input. `name` (a path or URL) names the source and, for traceback
/// text, tells a goroutineleak dump by containing `goroutineleak`.
pub fn load_reader(name: &str, reader: impl Read, limits: Limits) -> Result<Source, LoadError> {
    let mut reader = input::decoded(reader).map_err(|e| LoadError::Io(named(name, "cannot read", e)))?;
    load_buffered(name, &mut *reader, limits)
}

fn load_buffered(name: &str, reader: &mut dyn BufRead, limits: Limits) -> Result<Source, LoadError> {
    let classifier = FrameClassifier::default();
    // Decide on a real prefix: a pipe may hand over a few bytes at a time.
    let prefix = input::read_prefix(reader, SNIFF_BYTES).map_err(|e| LoadError::Io(named(name, "cannot read", e)))?;
    if prefix.is_empty() {
        return Err(LoadError::NotADump(format!("{name}: empty input")));
    }
    let binary = looks_binary(&prefix);
    if binary && !proto::plausible_prefix(&prefix, limits.max_bytes) {
        return Err(LoadError::NotADump(format!(
            "{name}: not a goroutine dump: binary data that is neither gzip nor a pprof profile"
        )));
    }
    let mut joined = io::Cursor::new(prefix).chain(reader);
    let source = if binary {
        load_proto(name, &mut joined, limits, &classifier)?
    } else {
        load_text(name, &mut joined, limits, &classifier)?
    };
    if source.info.goroutines == 0 && source.groups.is_empty() {
        let what = match source.info.format {
            Format::Proto => "a pprof profile with no samples",
            Format::Counted => "a count profile with no records",
            _ => "no goroutine headers (`goroutine N [...]:`) found",
        };
        let mut why = format!("{name}: not a goroutine dump: {what}");
        if let Some(w) = source.warnings.first() {
            why.push_str(&format!(" ({w})"));
        }
        return Err(LoadError::NotADump(why));
    }
    Ok(source)
}

/// Bytes looked at to tell text from a profile, and a profile from noise.
const SNIFF_BYTES: usize = 4096;

/// Control bytes other than tab, CR, LF and ESC in the first bytes: protobuf
/// (or noise), not text.
fn looks_binary(head: &[u8]) -> bool {
    head.iter().take(512).any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1b))
}

fn load_proto(
    name: &str,
    reader: &mut dyn BufRead,
    limits: Limits,
    classifier: &FrameClassifier,
) -> Result<Source, LoadError> {
    let (bytes, capped) = match input::read_capped(reader, limits) {
        Ok(read) => read,
        Err(e) => return Err(LoadError::NotADump(format!("{name}: cannot read profile: {}", input::describe(&e)))),
    };
    let parsed = proto::parse(&bytes, classifier).map_err(|e| {
        let cut = if capped {
            format!(" (cut at the {}-byte cap; raise it to read the whole profile)", limits.max_bytes)
        } else {
            String::new()
        };
        LoadError::NotADump(format!("{name}: {e}{cut}"))
    })?;
    let profile = Profile::from_name(&parsed.profile);
    let mut warnings = Vec::new();
    if capped {
        warnings.push(cap_warning(limits));
    }
    if parsed.delta {
        warnings.push(format!(
            "delta profile (`?seconds=N`): counts are changes over the interval; {} negative samples dropped",
            parsed.negative_samples
        ));
    }
    if parsed.dangling_references > 0 {
        warnings.push(format!("{} dangling location/function ids skipped", parsed.dangling_references));
    }
    Ok(Source {
        info: SourceInfo {
            name: name.to_string(),
            format: Format::Proto,
            profile: profile.clone(),
            goroutines: parsed.goroutines,
        },
        leak_checked: profile == Profile::GoroutineLeak,
        groups: parsed.groups,
        warnings,
        skipped_lines: 0,
        preamble: Vec::new(),
        partial: capped,
    })
}

fn cap_warning(limits: Limits) -> String {
    format!(
        "input larger than {} bytes: read up to there only, so the dump is partial (raise the size cap, runtime.maxBytes in the editor, to read it all)",
        limits.max_bytes
    )
}

/// The text parser chosen by the first non-blank line.
enum TextParser {
    Undecided,
    Traceback(Box<TracebackParser>),
    Counted(Box<counted::CountedParser>),
    TestJson { parser: Box<TracebackParser>, pending: Vec<u8> },
}

impl TextParser {
    /// Drops the goroutine or record being read (the input stopped inside it).
    fn abandon_current(&mut self) {
        match self {
            TextParser::Undecided => {}
            TextParser::Traceback(p) => p.abandon_current(),
            TextParser::Counted(p) => p.abandon_current(),
            TextParser::TestJson { parser, pending } => {
                parser.abandon_current();
                pending.clear();
            }
        }
    }

    fn line(&mut self, line: &[u8], limits: Limits) {
        if let TextParser::Undecided = self {
            if line.iter().all(u8::is_ascii_whitespace) {
                return;
            }
            *self = if counted::header(line).is_some() {
                TextParser::Counted(Box::new(counted::CountedParser::new()))
            } else if line.starts_with(b"{\"") && memchr::memmem::find(line, b"\"Action\"").is_some() {
                TextParser::TestJson { parser: Box::new(TracebackParser::new()), pending: Vec::new() }
            } else {
                TextParser::Traceback(Box::new(TracebackParser::new()))
            };
        }
        match self {
            TextParser::Undecided => {}
            TextParser::Traceback(p) => p.line(line),
            TextParser::Counted(p) => p.line(line),
            TextParser::TestJson { parser, pending } => test_json_line(line, parser, pending, limits),
        }
    }
}

#[derive(serde::Deserialize)]
struct TestEvent<'a> {
    #[serde(rename = "Output", borrow, default)]
    output: Option<Cow<'a, str>>,
}

/// Appends an event's `Output` to `pending` and feeds the complete lines. Lines
/// that are not events (build errors printed around them) are fed as they are.
fn test_json_line(line: &[u8], parser: &mut TracebackParser, pending: &mut Vec<u8>, limits: Limits) {
    match serde_json::from_slice::<TestEvent>(line) {
        Ok(event) => {
            if let Some(output) = event.output {
                pending.extend_from_slice(output.as_bytes());
            }
        }
        Err(_) => {
            pending.extend_from_slice(line);
            pending.push(b'\n');
        }
    }
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', pending) {
        parser.line(&pending[start..end]);
        start = end + 1;
    }
    pending.drain(..start);
    if pending.len() > limits.max_line {
        pending.clear();
    }
}

fn load_text(
    name: &str,
    reader: &mut dyn BufRead,
    limits: Limits,
    classifier: &FrameClassifier,
) -> Result<Source, LoadError> {
    let mut parser = TextParser::Undecided;
    let end = input::for_each_line(reader, limits, |line| parser.line(line, limits));
    let cut = end.error.is_some() || end.stats.capped;
    if cut {
        // The goroutine being read when the input stopped is incomplete: its
        // stack would make a group that does not exist.
        parser.abandon_current();
    }
    let mut warnings = Vec::new();
    if let Some(error) = &end.error {
        warnings.push(format!(
            "input ends early ({}): the goroutines before that point are shown, the dump is partial",
            input::describe(error)
        ));
    }
    if end.stats.capped {
        warnings.push(cap_warning(limits));
    }
    if end.stats.long_lines > 0 {
        warnings.push(format!("{} lines longer than {} bytes skipped", end.stats.long_lines, limits.max_line));
    }
    let leak_named = name.contains("goroutineleak");
    let source = match parser {
        TextParser::Undecided => {
            return Err(LoadError::NotADump(match end.error {
                Some(e) => format!("{name}: cannot read: {}", input::describe(&e)),
                None => format!("{name}: empty input"),
            }));
        }
        TextParser::Counted(p) => {
            let parsed = p.finish(classifier);
            if parsed.goroutines != parsed.declared_total && end.error.is_none() && !end.stats.capped {
                warnings.push(format!(
                    "header says total {} but records add up to {}",
                    parsed.declared_total, parsed.goroutines
                ));
            }
            let profile = Profile::from_name(&parsed.profile);
            Source {
                info: SourceInfo {
                    name: name.to_string(),
                    format: Format::Counted,
                    profile: profile.clone(),
                    goroutines: parsed.goroutines,
                },
                leak_checked: profile == Profile::GoroutineLeak,
                groups: parsed.groups,
                warnings,
                skipped_lines: parsed.skipped_lines,
                preamble: Vec::new(),
                partial: cut,
            }
        }
        TextParser::Traceback(p) => traceback_source(name, *p, Format::Traceback, leak_named, warnings, classifier),
        TextParser::TestJson { mut parser, pending } => {
            if !pending.is_empty() && !cut {
                parser.line(&pending);
            }
            traceback_source(name, *parser, Format::TestJson, leak_named, warnings, classifier)
        }
    };
    Ok(Source { partial: source.partial || cut, ..source })
}

fn traceback_source(
    name: &str,
    parser: TracebackParser,
    format: Format,
    leak_named: bool,
    mut warnings: Vec<String>,
    classifier: &FrameClassifier,
) -> Source {
    let parsed = parser.finish(classifier);
    if parsed.cut_mid_goroutine {
        warnings.push("the last goroutine is cut mid-stack: the dump looks truncated and is partial".to_string());
    }
    if parsed.skipped_lines > 0 {
        warnings.push(format!("{} unrecognised lines skipped", parsed.skipped_lines));
    }
    let profile = if leak_named { Profile::GoroutineLeak } else { Profile::Goroutine };
    Source {
        info: SourceInfo { name: name.to_string(), format, profile, goroutines: parsed.goroutines },
        leak_checked: parsed.leak_marks || leak_named,
        groups: parsed.groups,
        warnings,
        skipped_lines: parsed.skipped_lines,
        preamble: parsed.preamble,
        partial: parsed.cut_mid_goroutine,
    }
}
