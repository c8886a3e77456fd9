//! Groups of goroutines parked at the same place, and the snapshot that holds
//! them. The key is the state without minutes, every frame as function +
//! file:line (no arguments), and the creator function without `in goroutine N`;
//! goroutines are hashed into groups in one pass.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use serde::Serialize;

use super::classify::{FrameClassifier, Verb};
use super::load::{Format, Profile};
use super::name::{Name, Names};
use super::sample::{RawFrame, Sample};
use super::state::State;

/// One frame of a group's stack. The names are shared with every other frame
/// of the same input that prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Frame {
    /// As printed, without arguments: `net/http.(*conn).serve`, `main.f.func1.2`,
    /// `example.com/x.First[...].func1` (type arguments always shown as `[...]`).
    pub function: Name,
    /// As printed: absolute, module-relative (`-trimpath`) or empty when unknown.
    pub file: Name,
    pub line: u32,
    /// Inlined into its caller (`f(...)` in tracebacks).
    pub inlined: bool,
}

/// A `go` statement that started goroutines of a group, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatorSite {
    pub file: Name,
    pub line: u32,
    pub count: u64,
}

/// Wait times printed in headers (`, 37 minutes`). They are lower bounds,
/// stamped by the first GC that saw the goroutine blocked, and are absent for
/// goroutines blocked under a minute, running, or marked `(leaked)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Minutes {
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Goroutines that printed minutes at all.
    pub with_minutes: u64,
}

impl Minutes {
    fn add(&mut self, minutes: u32, count: u64) {
        self.min = Some(self.min.map_or(minutes, |m| m.min(minutes)));
        self.max = Some(self.max.map_or(minutes, |m| m.max(minutes)));
        self.with_minutes = self.with_minutes.saturating_add(count);
    }

    pub(crate) fn merge(&mut self, other: Minutes) {
        if let (Some(min), Some(max)) = (other.min, other.max) {
            self.add(min, 0);
            self.add(max, other.with_minutes);
        }
    }
}

/// Values of one label key across a group, most frequent first once finished.
/// At most [`MAX_LABEL_VALUES`] distinct values are kept; the rest are counted
/// in `other`, so request-id style labels cannot grow memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelFacet {
    pub key: String,
    pub values: Vec<(String, u64)>,
    pub other: u64,
}

pub const MAX_LABEL_KEYS: usize = 16;
pub const MAX_LABEL_VALUES: usize = 16;
pub const MAX_IDS: usize = 8;
const MAX_CREATOR_SITES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// `None` when every source of the group lacks states (debug=0/1 profiles).
    pub state: Option<State>,
    /// One representative stack, innermost frame first. Never changed once
    /// read, so views of the group (annotations, hovers) share it.
    pub frames: Arc<[Frame]>,
    /// `...N frames elided...` after `frames[..at]` in the representative.
    pub elided: Option<Elision>,
    /// The creator function, `None` for goroutine 1, runtime-created ones, and
    /// formats without creators.
    pub creator: Option<Name>,
    /// Where the creator started them, with counts.
    pub creators: Vec<CreatorSite>,
    pub count: u64,
    pub minutes: Minutes,
    /// Goroutines the runtime's goroutineleak detection proved can never run
    /// again (`(leaked)` headers, or named by a goroutineleak profile).
    pub leaked: u64,
    pub labels: Vec<LabelFacet>,
    /// A few goroutine ids, in input order.
    pub ids: Vec<u64>,
    /// Index in `frames` of the innermost program frame: where they wait.
    pub waiting: Option<usize>,
    pub verb: Option<Verb>,
    /// Range of `frames` that is part of the key (runtime frames above the
    /// program and the final `runtime.goexit` are not, so SIGQUIT dumps group
    /// like `debug=2` ones).
    #[serde(skip)]
    key_frames: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Elision {
    pub at: usize,
    /// Frames left out; 0 for the ancestor form `...additional frames elided...`.
    pub count: u64,
}

impl Group {
    pub fn waiting_frame(&self) -> Option<&Frame> {
        self.waiting.and_then(|i| self.frames.get(i))
    }

    /// The state as text, or the blocking verb's reason when only frames are known.
    pub fn state_text(&self) -> Option<String> {
        match (&self.state, self.verb) {
            (Some(state), _) => Some(state.to_string()),
            (None, Some(verb)) => Some(verb.reason().to_string()),
            (None, None) => None,
        }
    }

    /// The frames that make up the key.
    pub(crate) fn key_frames(&self) -> &[Frame] {
        &self.frames[self.key_frames.0..self.key_frames.1]
    }

    pub(crate) fn add_labels<'a>(&mut self, labels: impl IntoIterator<Item = (&'a str, &'a str)>, count: u64) {
        for (key, value) in labels {
            let facet = match self.labels.iter().position(|f| f.key == key) {
                Some(i) => &mut self.labels[i],
                None if self.labels.len() < MAX_LABEL_KEYS => {
                    self.labels.push(LabelFacet { key: key.to_string(), values: Vec::new(), other: 0 });
                    self.labels.last_mut().expect("just pushed")
                }
                None => continue,
            };
            match facet.values.iter().position(|(v, _)| v == value) {
                Some(i) => facet.values[i].1 = facet.values[i].1.saturating_add(count),
                None if facet.values.len() < MAX_LABEL_VALUES => facet.values.push((value.to_string(), count)),
                None => facet.other = facet.other.saturating_add(count),
            }
        }
    }

    fn add_creator_site(&mut self, file: &str, line: u32, count: u64, names: &mut Names) {
        match self.creators.iter().position(|c| c.line == line && c.file == file) {
            Some(i) => self.creators[i].count = self.creators[i].count.saturating_add(count),
            None if self.creators.len() < MAX_CREATOR_SITES => {
                self.creators.push(CreatorSite { file: names.intern(file), line, count })
            }
            None => {}
        }
    }

    pub(crate) fn add_minutes(&mut self, minutes: u32, count: u64) {
        self.minutes.add(minutes, count);
    }

    /// Sorts facets and creator sites by count and fills in the wait location.
    pub(crate) fn finish(&mut self, classifier: &FrameClassifier) {
        self.sort_details();
        self.locate(classifier);
    }

    pub(crate) fn sort_details(&mut self) {
        for facet in &mut self.labels {
            facet.values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        self.creators.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.line.cmp(&b.line)));
    }

    /// Finds where the group waits and on what.
    pub(crate) fn locate(&mut self, classifier: &FrameClassifier) {
        self.waiting = classifier.waiting_frame(&self.frames);
        self.verb = self
            .state
            .as_ref()
            .and_then(|s| Verb::from_reason(&s.reason))
            .or_else(|| Verb::from_frames(&self.frames, classifier));
    }

    fn from_sample(sample: &Sample, names: &mut Names) -> Group {
        let frames: Arc<[Frame]> = sample
            .frames()
            .iter()
            .map(|f| Frame {
                function: names.intern(&f.function),
                file: names.intern(&f.file),
                line: f.line,
                inlined: f.inlined,
            })
            .collect();
        let key_frames = key_range(&frames, |f| f.function.as_str());
        let mut group = Group {
            state: sample.has_state.then(|| State {
                reason: names.intern(&sample.reason),
                locked_to_thread: sample.locked_to_thread,
                in_bubble: sample.in_bubble,
            }),
            frames,
            elided: sample.elided.map(|(at, count)| Elision { at, count }),
            creator: sample.has_creator.then(|| names.intern(&sample.creator.function)),
            creators: Vec::new(),
            count: 0,
            minutes: Minutes::default(),
            leaked: 0,
            labels: Vec::new(),
            ids: Vec::new(),
            waiting: None,
            verb: None,
            key_frames,
        };
        group.absorb(sample, names);
        group
    }

    /// Adds a sample known to have this group's key.
    fn absorb(&mut self, sample: &Sample, names: &mut Names) {
        self.count = self.count.saturating_add(sample.count);
        if let Some(m) = sample.minutes {
            self.add_minutes(m, sample.count);
        }
        if sample.leaked {
            self.leaked = self.leaked.saturating_add(sample.count);
        }
        if let Some(id) = sample.id
            && self.ids.len() < MAX_IDS
        {
            self.ids.push(id);
        }
        if sample.has_creator {
            self.add_creator_site(&sample.creator.file, sample.creator.line, sample.count, names);
        }
        self.add_labels(sample.labels().iter().map(|(k, v)| (k.as_str(), v.as_str())), sample.count);
    }

    fn same_key(&self, sample: &Sample) -> bool {
        let (start, end) = key_range(sample.frames(), |f| f.function.as_str());
        let state_matches = match &self.state {
            Some(s) => {
                sample.has_state
                    && s.reason == sample.reason
                    && s.locked_to_thread == sample.locked_to_thread
                    && s.in_bubble == sample.in_bubble
            }
            None => !sample.has_state,
        };
        let creator_matches = match &self.creator {
            Some(c) => sample.has_creator && *c == sample.creator.function,
            None => !sample.has_creator,
        };
        state_matches
            && creator_matches
            && self.elided.is_some() == sample.elided.is_some()
            && self.key_frames().len() == end - start
            && self.key_frames().iter().zip(&sample.frames()[start..end]).all(|(a, b)| same_place(a, b))
    }
}

fn same_place(a: &Frame, b: &RawFrame) -> bool {
    a.line == b.line && a.function == b.function && a.file == b.file
}

fn is_runtime_function(function: &str) -> bool {
    function.starts_with("runtime.") || function.starts_with("internal/runtime/")
}

/// The part of a stack that keys it: without the runtime frames above the first
/// non-runtime frame and without a final `runtime.goexit`. A stack made only of
/// runtime frames keys on all of them.
fn key_range<F>(frames: &[F], function: impl Fn(&F) -> &str) -> (usize, usize) {
    let Some(start) = frames.iter().position(|f| !is_runtime_function(function(f))) else {
        return (0, frames.len());
    };
    let end =
        if frames.last().is_some_and(|f| function(f) == "runtime.goexit") { frames.len() - 1 } else { frames.len() };
    (start, end.max(start))
}

/// Folds samples into groups with one hash lookup each.
pub(crate) struct Grouper {
    groups: Vec<Group>,
    /// Key hash -> first group with that hash; `next` chains collisions.
    index: HashMap<u64, usize, foldhash::fast::RandomState>,
    next: Vec<Option<usize>>,
    hasher: foldhash::fast::RandomState,
    names: Names,
    pub goroutines: u64,
}

impl Grouper {
    pub fn new() -> Self {
        Grouper {
            groups: Vec::new(),
            index: HashMap::default(),
            next: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            names: Names::default(),
            goroutines: 0,
        }
    }

    pub fn add(&mut self, sample: &Sample) {
        self.goroutines = self.goroutines.saturating_add(sample.count);
        let hash = self.key_hash(sample);
        let mut slot = self.index.get(&hash).copied();
        while let Some(i) = slot {
            if self.groups[i].same_key(sample) {
                self.groups[i].absorb(sample, &mut self.names);
                return;
            }
            slot = self.next[i];
        }
        let i = self.groups.len();
        self.groups.push(Group::from_sample(sample, &mut self.names));
        self.next.push(self.index.insert(hash, i));
    }

    fn key_hash(&self, sample: &Sample) -> u64 {
        let mut h = self.hasher.build_hasher();
        if sample.has_state {
            h.write(sample.reason.as_bytes());
            h.write_u8(u8::from(sample.locked_to_thread) | u8::from(sample.in_bubble) << 1 | 4);
        }
        let (start, end) = key_range(sample.frames(), |f| f.function.as_str());
        for frame in &sample.frames()[start..end] {
            h.write(frame.function.as_bytes());
            h.write(frame.file.as_bytes());
            h.write_u32(frame.line);
        }
        if sample.has_creator {
            h.write_u8(1);
            h.write(sample.creator.function.as_bytes());
        }
        h.write_u8(u8::from(sample.elided.is_some()));
        h.finish()
    }

    pub fn finish(self, classifier: &FrameClassifier) -> Vec<Group> {
        let mut groups = self.groups;
        for g in &mut groups {
            g.finish(classifier);
            // A first push reserves room for four: most groups of a dump with
            // distinct stacks keep one creator site and one id.
            g.creators.shrink_to_fit();
            g.ids.shrink_to_fit();
            g.labels.shrink_to_fit();
        }
        groups.shrink_to_fit();
        sort_groups(&mut groups);
        groups
    }
}

/// Largest first; ties by wait location so output is stable across runs.
pub(crate) fn sort_groups(groups: &mut [Group]) {
    groups.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| {
            let wa = a.waiting_frame().map(|f| (&f.file, f.line));
            let wb = b.waiting_frame().map(|f| (&f.file, f.line));
            wa.cmp(&wb).then_with(|| a.frames.len().cmp(&b.frames.len()))
        })
    });
}

/// One input as read: its format, what it says, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// File name or URL.
    pub name: String,
    pub format: Format,
    pub profile: Profile,
    pub goroutines: u64,
}

/// Everything known about a program at one moment: one or more sources taken
/// together, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Largest first.
    pub groups: Vec<Group>,
    pub total: u64,
    pub sources: Vec<SourceInfo>,
    /// Recoverable problems: truncation, skipped lines, caps hit.
    pub warnings: Vec<String>,
    /// Lines no grammar rule matched (log noise, register dumps, ...).
    pub skipped_lines: u64,
    /// The first lines before the goroutines (a panic message, `SIGQUIT: quit`).
    pub preamble: Vec<String>,
    /// A goroutineleak detection ran: `leaked` counts are meaningful.
    pub leak_checked: bool,
    /// Some source was cut short or at the size cap (see [`Source::partial`](super::Source::partial)).
    pub partial: bool,
}
