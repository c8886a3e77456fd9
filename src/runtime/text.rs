//! Traceback text: `goroutine?debug=2`, `runtime.Stack(buf, true)`, panics,
//! fatal errors, SIGQUIT crash output and `go test -timeout` dumps. Read line by
//! line; each goroutine is folded into its group as soon as it ends.
//!
//! Lines before the first header are the preamble (log lines, `panic: ...`,
//! `SIGQUIT: quit`); lines after a goroutine's blank line and anything no rule
//! matches are skipped and counted, never fatal.

use super::classify::FrameClassifier;
use super::gostr;
use super::group::{Group, Grouper};
use super::sample::Sample;
use super::state::parse_bracket;

/// Preamble lines kept for display.
const PREAMBLE_LINES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Nothing pending.
    Nothing,
    /// The file line of the frame just read.
    FrameFile,
    /// The file line of `created by`.
    CreatorFile,
    /// A file line of an ancestor block (`[originating from goroutine N]`), which
    /// is read but not kept.
    AncestorFile,
}

/// What a traceback parser found.
#[derive(Debug, Default)]
pub struct Parsed {
    pub groups: Vec<Group>,
    pub goroutines: u64,
    pub skipped_lines: u64,
    pub preamble: Vec<String>,
    /// Some header said `(leaked)`: a goroutineleak detection ran before the dump.
    pub leak_marks: bool,
    /// The dump ended inside a goroutine (a frame without its file line).
    pub cut_mid_goroutine: bool,
}

pub(crate) struct TracebackParser {
    grouper: Grouper,
    sample: Sample,
    in_goroutine: bool,
    /// A blank line ended the current goroutine's body.
    body_ended: bool,
    in_ancestors: bool,
    expect: Expect,
    parsed: Parsed,
}

impl TracebackParser {
    pub fn new() -> Self {
        TracebackParser {
            grouper: Grouper::new(),
            sample: Sample::default(),
            in_goroutine: false,
            body_ended: false,
            in_ancestors: false,
            expect: Expect::Nothing,
            parsed: Parsed::default(),
        }
    }

    pub fn line(&mut self, line: &[u8]) {
        if line.starts_with(b"goroutine ") && self.header(line) {
            return;
        }
        if !self.in_goroutine {
            if !line.is_empty() && self.parsed.preamble.len() < PREAMBLE_LINES {
                self.parsed.preamble.push(String::from_utf8_lossy(line).into_owned());
            }
            return;
        }
        if line.is_empty() {
            self.body_ended = true;
            self.expect = Expect::Nothing;
            return;
        }
        if self.body_ended {
            self.parsed.skipped_lines += 1;
            return;
        }
        if line[0] == b'\t' {
            self.tab_line(&line[1..]);
        } else if let Some(rest) = line.strip_prefix(b"created by ") {
            self.creator(rest);
        } else if line.starts_with(b"[originating from goroutine ") {
            self.in_ancestors = true;
            self.expect = Expect::Nothing;
        } else if line.starts_with(b"...") && line.ends_with(b" elided...") {
            self.elision(line);
        } else if line.starts_with(b"non-Go function at pc=") {
            if !self.in_ancestors {
                self.sample.push_frame("non-Go function", false);
            }
            self.expect = Expect::Nothing;
        } else if let Some((function, inlined)) = function_line(line) {
            if self.in_ancestors {
                self.expect = Expect::AncestorFile;
            } else {
                self.sample.push_frame(function, inlined);
                self.expect = Expect::FrameFile;
            }
        } else {
            self.parsed.skipped_lines += 1;
        }
    }

    fn tab_line(&mut self, rest: &[u8]) {
        let expect = std::mem::replace(&mut self.expect, Expect::Nothing);
        let parsed = file_line(rest);
        match (expect, parsed) {
            (Expect::FrameFile, Some((file, line))) => {
                if let Some(frame) = self.sample.last_frame_mut() {
                    frame.file.push_str(file);
                    frame.line = line;
                }
            }
            (Expect::CreatorFile, Some((file, line))) => {
                self.sample.creator.file.clear();
                self.sample.creator.file.push_str(file);
                self.sample.creator.line = line;
            }
            (Expect::AncestorFile, Some(_)) => {}
            _ if rest == b"goroutine running on other thread; stack unavailable" => {}
            _ => self.parsed.skipped_lines += 1,
        }
    }

    fn creator(&mut self, rest: &[u8]) {
        if self.in_ancestors {
            self.expect = Expect::AncestorFile;
            return;
        }
        // Drop ` in goroutine N`: the parent's id differs between siblings.
        let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let function = rest[..rest.len() - digits].strip_suffix(b" in goroutine ").unwrap_or(rest);
        let Ok(function) = std::str::from_utf8(function) else {
            self.parsed.skipped_lines += 1;
            return;
        };
        self.sample.has_creator = true;
        self.sample.creator.function.clear();
        self.sample.creator.function.push_str(function);
        self.sample.creator.file.clear();
        self.sample.creator.line = 0;
        self.expect = Expect::CreatorFile;
    }

    fn elision(&mut self, line: &[u8]) {
        self.expect = Expect::Nothing;
        if self.in_ancestors || self.sample.elided.is_some() {
            return;
        }
        let count = line[3..].split(|&b| b == b' ').next().and_then(parse_u64).unwrap_or(0);
        self.sample.elided = Some((self.sample.frames().len(), count));
    }

    /// Starts a goroutine if `line` is a header; false if it only looks like one.
    fn header(&mut self, line: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(line) else { return false };
        let Some(header) = Header::parse(text) else { return false };
        self.flush();
        self.in_goroutine = true;
        self.body_ended = false;
        self.in_ancestors = false;
        self.expect = Expect::Nothing;
        let sample = &mut self.sample;
        sample.reset();
        sample.id = Some(header.id);
        sample.has_state = true;
        let bracket = parse_bracket(header.bracket, &mut sample.reason);
        sample.leaked = bracket.leaked;
        sample.minutes = bracket.minutes;
        sample.locked_to_thread = bracket.locked_to_thread;
        sample.in_bubble = bracket.in_bubble;
        self.parsed.leak_marks |= bracket.leaked;
        for labels in [header.labels, bracket.inline_labels].into_iter().flatten() {
            parse_labels(labels.as_bytes(), |k, v| sample.push_label(k, v));
        }
        true
    }

    /// Forgets the goroutine being read, which the input cut short.
    pub fn abandon_current(&mut self) {
        self.in_goroutine = false;
    }

    fn flush(&mut self) {
        if self.in_goroutine {
            if self.expect == Expect::FrameFile {
                self.parsed.cut_mid_goroutine = true;
            }
            self.grouper.add(&self.sample);
            self.in_goroutine = false;
        }
    }

    pub fn finish(mut self, classifier: &FrameClassifier) -> Parsed {
        self.flush();
        let mut parsed = self.parsed;
        parsed.goroutines = self.grouper.goroutines;
        parsed.groups = self.grouper.finish(classifier);
        parsed
    }
}

/// The parts of `goroutine 59 gp=0x.. m=nil [sync.WaitGroup.Wait] {job: reindex}:`.
struct Header<'a> {
    id: u64,
    bracket: &'a str,
    labels: Option<&'a str>,
}

impl<'a> Header<'a> {
    fn parse(line: &'a str) -> Option<Header<'a>> {
        let rest = line.strip_prefix("goroutine ")?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let id = rest[..digits].parse().ok()?;
        let rest = &rest[digits..];
        // ` gp=0x.. m=.. mp=0x..` sits between the id and the bracket.
        let open = memchr::memchr(b'[', rest.as_bytes())?.checked_sub(1)?;
        if rest.as_bytes()[open] != b' ' || (open > 0 && !rest[..open].starts_with(" gp=")) {
            return None;
        }
        let inner = &rest[open + 2..];
        let close = bracket_end(inner.as_bytes())?;
        let bracket = &inner[..close];
        let after = inner[close + 1..].trim_end();
        let after = after.strip_suffix(':').unwrap_or(after);
        let labels = match after.strip_prefix(' ') {
            Some(l) if l.starts_with('{') => Some(l),
            _ => None,
        };
        Some(Header { id, bracket, labels })
    }
}

/// Index of the `]` closing a header bracket; quotes (pre-release inline labels)
/// may hold `]`.
fn bracket_end(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b']' => return Some(i),
            b'"' => i += gostr::quoted_len(&s[i..])?,
            _ => i += 1,
        }
    }
    None
}

/// Parses `{k: v, k2: "quoted v"}` (headers) or `{"k":"v", "k2":"v2"}` (debug=1).
/// Stops quietly at the first malformed item.
pub(crate) fn parse_labels(s: &[u8], mut push: impl FnMut(&str, &str)) {
    let Some(mut rest) = s.strip_prefix(b"{") else { return };
    loop {
        rest = trim_start(rest);
        if rest.is_empty() || rest[0] == b'}' {
            return;
        }
        let Some((key, after_key)) = label_token(rest, b':') else { return };
        let Some(after_colon) = after_key.strip_prefix(b":") else { return };
        let Some((value, after_value)) = label_token(trim_start(after_colon), b',') else { return };
        push(&key, &value);
        rest = after_value;
        match rest.first() {
            Some(b',') => rest = &rest[1..],
            _ => return,
        }
    }
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ').count();
    &s[n..]
}

/// A bare token (up to `stop`, `}` or end) or a Go-quoted string.
fn label_token(s: &[u8], stop: u8) -> Option<(std::borrow::Cow<'_, str>, &[u8])> {
    if s.first() == Some(&b'"') {
        let len = gostr::quoted_len(s)?;
        return Some((gostr::unquote(&s[..len]).into(), &s[len..]));
    }
    let end = s.iter().position(|&b| b == stop || b == b'}').unwrap_or(s.len());
    let token = std::str::from_utf8(&s[..end]).ok()?.trim_end();
    if token.is_empty() {
        return None;
    }
    Some((token.into(), &s[end..]))
}

/// `pkg.fn(args)` -> (`pkg.fn`, inlined). The name ends at the `(` matching the
/// final `)`, so receivers like `(*T)` stay in the name; names have no spaces.
pub(crate) fn function_line(line: &[u8]) -> Option<(&str, bool)> {
    if line.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0usize;
    let mut open = None;
    for (i, &b) in line.iter().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let open = open.filter(|&i| i > 0)?;
    let name = &line[..open];
    if memchr::memchr2(b' ', b'\t', name).is_some() {
        return None;
    }
    Some((std::str::from_utf8(name).ok()?, &line[open..] == b"(...)"))
}

/// `/path/file.go:123 +0x1c fp=0x.. sp=0x.. pc=0x..` (after the tab) -> (path, 123).
/// The number ends at the first space that follows `:<digits>`, so paths with
/// spaces or colons (`C:/Program Files/x.go:3`) still parse.
pub(crate) fn file_line(rest: &[u8]) -> Option<(&str, u32)> {
    let mut from = 0;
    loop {
        let end = memchr::memchr(b' ', &rest[from..]).map_or(rest.len(), |i| from + i);
        let head = &rest[..end];
        if let Some(colon) = memchr::memrchr(b':', head) {
            let digits = &head[colon + 1..];
            if colon > 0 && !digits.is_empty() && digits.len() <= 9 && digits.iter().all(u8::is_ascii_digit) {
                let line = digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
                return Some((std::str::from_utf8(&head[..colon]).ok()?, line));
            }
        }
        if end == rest.len() {
            return None;
        }
        from = end + 1;
    }
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        let mut p = TracebackParser::new();
        for line in text.split('\n') {
            p.line(line.as_bytes());
        }
        p.finish(&FrameClassifier::default())
    }

    #[test]
    fn headers_with_labels_and_machine_fields() {
        let h = Header::parse(r#"goroutine 59 [sync.WaitGroup.Wait] {job: reindex, tenant: "acme corp"}:"#).unwrap();
        assert_eq!(
            (h.id, h.bracket, h.labels),
            (59, "sync.WaitGroup.Wait", Some(r#"{job: reindex, tenant: "acme corp"}"#))
        );
        let h = Header::parse("goroutine 2 gp=0x1f33250b8d20 m=nil [force gc (idle), 3 minutes]:").unwrap();
        assert_eq!((h.id, h.bracket, h.labels), (2, "force gc (idle), 3 minutes", None));
        assert!(Header::parse("goroutine profile: total 4").is_none());
        assert!(Header::parse("goroutine 5 is not [a header").is_none());
    }

    #[test]
    fn labels_in_both_spellings() {
        let mut got = Vec::new();
        parse_labels(br#"{handler: leakyshop, route: "/orders/{sku}"}"#, |k, v| got.push(format!("{k}={v}")));
        parse_labels(br#"{"handler":"leakyshop", "route":"/search"}"#, |k, v| got.push(format!("{k}={v}")));
        assert_eq!(got, ["handler=leakyshop", "route=/orders/{sku}", "handler=leakyshop", "route=/search"]);
    }

    #[test]
    fn function_and_file_lines() {
        assert_eq!(
            function_line(b"net/http.(*conn).serve(0x1f3325ff2d80, {0xb3e9f0, 0x1f33251f42d0})"),
            Some(("net/http.(*conn).serve", false))
        );
        assert_eq!(
            function_line(b"example.com/x/stream.(*Hub).Publish(...)"),
            Some(("example.com/x/stream.(*Hub).Publish", true))
        );
        assert_eq!(function_line(b"panic({0x547b18?, 0x22e077d96000?})"), Some(("panic", false)));
        assert_eq!(function_line(b"2026/11/28 07:03:42 listening (pid 20317)"), None);
        assert_eq!(file_line(b"/app/x/orders.go:56 +0xd8 fp=0x1 sp=0x2 pc=0x3"), Some(("/app/x/orders.go", 56)));
        assert_eq!(file_line(b"net/http/server.go:2358"), Some(("net/http/server.go", 2358)));
        assert_eq!(file_line(b"C:/Users/dev/main.go:12 +0x1"), Some(("C:/Users/dev/main.go", 12)));
    }

    #[test]
    fn groups_ignore_ids_args_minutes_and_parent_ids() {
        let dump = "panic: boom\n\ngoroutine 7 [chan send, 3 minutes]:\nmain.worker(0x1?)\n\t/src/main.go:10 +0x1\ncreated by main.main in goroutine 1\n\t/src/main.go:20 +0x2\n\n\
                    goroutine 8 [chan send]:\nmain.worker(0x2?)\n\t/src/main.go:10 +0x1\ncreated by main.main in goroutine 5\n\t/src/main.go:21 +0x2\n\n\
                    goroutine 9 [chan send (leaked)]:\nmain.worker(0x2?)\n\t/src/main.go:10 +0x1\ncreated by main.main in goroutine 5\n\t/src/main.go:21 +0x2\n\nrax 0x0\n";
        let parsed = parse(dump);
        assert_eq!(parsed.goroutines, 3);
        assert_eq!(parsed.groups.len(), 1);
        let g = &parsed.groups[0];
        assert_eq!((g.count, g.leaked, g.minutes.max, g.minutes.with_minutes), (3, 1, Some(3), 1));
        assert_eq!(g.creator.as_deref(), Some("main.main"));
        assert_eq!(g.creators.iter().map(|c| (c.line, c.count)).collect::<Vec<_>>(), [(21, 2), (20, 1)]);
        assert_eq!(g.ids, [7, 8, 9]);
        assert_eq!(parsed.preamble, ["panic: boom"]);
        assert_eq!(parsed.skipped_lines, 1);
        assert!(parsed.leak_marks);
    }

    #[test]
    fn truncated_last_goroutine_is_kept() {
        let parsed = parse("goroutine 1 [select]:\nmain.loop()\n\t/src/main.go:3\n\ngoroutine 2 [select]:\nmain.lo");
        assert_eq!(parsed.goroutines, 2);
        let parsed = parse("goroutine 1 [select]:\nmain.loop()");
        assert!(parsed.cut_mid_goroutine);
    }
}
