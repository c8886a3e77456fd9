//! `debug=1` count profiles (`goroutine profile: total N`, `goroutineleak
//! profile: total N`): records of `COUNT @ pc...`, an optional `# labels:` line,
//! and `#\tpc\tfunc+off\tfile:line` frames padded with runs of tabs. They carry
//! counts and labels but no states, ids, minutes or creators.

use super::classify::FrameClassifier;
use super::group::{Group, Grouper};
use super::sample::Sample;
use super::text::parse_labels;

#[derive(Debug, Default)]
pub struct Parsed {
    /// The word before `profile:`: `goroutine`, `goroutineleak`, ...
    pub profile: String,
    /// `total N` from the first line.
    pub declared_total: u64,
    pub groups: Vec<Group>,
    pub goroutines: u64,
    pub skipped_lines: u64,
}

pub(crate) struct CountedParser {
    grouper: Grouper,
    sample: Sample,
    in_record: bool,
    parsed: Parsed,
}

/// `NAME profile: total N` -> (NAME, N).
pub(crate) fn header(line: &[u8]) -> Option<(&str, u64)> {
    let text = std::str::from_utf8(line).ok()?;
    let (name, total) = text.split_once(" profile: total ")?;
    if name.is_empty() || name.contains(' ') {
        return None;
    }
    Some((name, total.trim().parse().ok()?))
}

impl CountedParser {
    pub fn new() -> Self {
        CountedParser {
            grouper: Grouper::new(),
            sample: Sample::default(),
            in_record: false,
            parsed: Parsed::default(),
        }
    }

    pub fn line(&mut self, line: &[u8]) {
        if self.parsed.profile.is_empty()
            && let Some((name, total)) = header(line)
        {
            self.parsed.profile = name.to_string();
            self.parsed.declared_total = total;
            return;
        }
        if line.is_empty() {
            self.flush();
        } else if let Some(rest) = line.strip_prefix(b"# labels: ") {
            if self.in_record {
                let sample = &mut self.sample;
                parse_labels(rest, |k, v| sample.push_label(k, v));
            }
        } else if let Some(rest) = line.strip_prefix(b"#\t") {
            if !self.in_record || !self.frame(rest) {
                self.parsed.skipped_lines += 1;
            }
        } else if let Some(count) = record_count(line) {
            self.flush();
            self.sample.reset();
            self.sample.count = count;
            self.in_record = true;
        } else {
            self.parsed.skipped_lines += 1;
        }
    }

    /// `0x723332\texample.com/x.First[...].func1+0x52\t/app/x/search.go:36`,
    /// or a bare `0x48c72a` when unsymbolised.
    fn frame(&mut self, rest: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(rest) else { return false };
        let mut columns = text.split('\t').filter(|c| !c.is_empty());
        let pc = columns.next();
        if !pc.is_some_and(|pc| pc.starts_with("0x")) {
            return false;
        }
        let (Some(function), Some(place)) = (columns.next(), columns.next()) else {
            // Unsymbolised PC: nothing to group on but its presence.
            return true;
        };
        let function = function.rsplit_once("+0x").map_or(function, |(f, _)| f);
        let Some((file, line)) = place.rsplit_once(':') else { return false };
        let Ok(line) = line.trim().parse() else { return false };
        self.sample.push_frame(function, false);
        if let Some(frame) = self.sample.last_frame_mut() {
            frame.file.push_str(file);
            frame.line = line;
        }
        true
    }

    /// Forgets the record being read, which the input cut short.
    pub fn abandon_current(&mut self) {
        self.in_record = false;
    }

    fn flush(&mut self) {
        if self.in_record {
            self.grouper.add(&self.sample);
            self.in_record = false;
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

/// `1176 @ 0x48c72a 0x418d5c` -> 1176.
fn record_count(line: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(line).ok()?;
    let (count, pcs) = text.split_once(" @")?;
    if !pcs.is_empty() && !pcs.starts_with(" 0x") {
        return None;
    }
    count.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_with_labels_and_tab_runs() {
        let text = "goroutineleak profile: total 7\n\
            5 @ 0x48c72a 0x723333 0x493661\n\
            # labels: {\"handler\":\"shop\", \"route\":\"/search\"}\n\
            #\t0x723332\texample.com/x/search.First[...].func1+0x52\t\t\t/app/x/search.go:36\n\n\
            1 @ 0x493661\n\n\
            1 @ 0x48c72a 0x41\n#\t0x40\n\n";
        let mut p = CountedParser::new();
        for line in text.split('\n') {
            p.line(line.as_bytes());
        }
        let parsed = p.finish(&FrameClassifier::default());
        assert_eq!((parsed.profile.as_str(), parsed.declared_total, parsed.goroutines), ("goroutineleak", 7, 7));
        let top = &parsed.groups[0];
        assert_eq!(top.count, 5);
        assert_eq!(top.frames[0].function, "example.com/x/search.First[...].func1");
        assert_eq!((top.frames[0].file.as_str(), top.frames[0].line), ("/app/x/search.go", 36));
        assert_eq!(top.labels[1].values, [("/search".to_string(), 5)]);
        assert!(top.state.is_none());
        // The two stacks with no symbolised frames share the empty key.
        assert_eq!(parsed.groups.len(), 2);
        assert_eq!(parsed.skipped_lines, 0);
    }
}
