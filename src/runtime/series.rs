//! Snapshots in time order, groups followed across them ("tracks"), and a
//! verdict per track: a leak grows and its wait times spread, a load spike
//! appears and vanishes without ever printing minutes, a healthy pool stays
//! constant.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::classify::FrameClassifier;
use super::group::{Group, Minutes, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Named by a goroutineleak profile (or `(leaked)` marks): the GC proved
    /// these goroutines can never run again. Overrides any trend.
    ProvenLeak,
    /// Rose across at least three snapshots, with wait times spreading when the
    /// dumps print them.
    Growing,
    /// Rose after a load wave and stayed above its first value.
    Elevated,
    /// Appeared and vanished again, never waiting a minute.
    Spike,
    /// About constant throughout.
    SteadyPool,
    /// Gone again, or back near its first value.
    Recovered,
    /// Only in the latest snapshot.
    New,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::ProvenLeak => "proven leak",
            Verdict::Growing => "growing",
            Verdict::Elevated => "elevated",
            Verdict::Spike => "spike",
            Verdict::SteadyPool => "steady pool",
            Verdict::Recovered => "recovered",
            Verdict::New => "new",
        }
    }

    /// Verdicts that fail `leakls dump` (exit code 1).
    pub fn is_alarming(self) -> bool {
        matches!(self, Verdict::ProvenLeak | Verdict::Growing)
    }
}

/// One group followed across the series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Track {
    /// Goroutines per snapshot; 0 where the group is absent.
    pub counts: Vec<u64>,
    pub minutes: Vec<Minutes>,
    /// Snapshot and group index of the latest appearance.
    pub last_seen: (usize, usize),
    /// `None` for a single snapshot without a leak verdict.
    pub verdict: Option<Verdict>,
    /// The verdict from counts alone, which a proven leak overrides in `verdict`.
    pub trend: Option<Verdict>,
    /// Whether the track's groups carry states (traceback text).
    #[serde(skip)]
    stateful: bool,
}

impl Track {
    /// Present in the newest snapshot.
    pub fn is_current(&self) -> bool {
        self.counts.last().is_some_and(|&c| c > 0)
    }

    /// `12 -> 640 -> 1,204`: first, middle and last counts since it appeared,
    /// from the zero of the snapshot before when it was absent there
    /// (`0 -> 120 -> 240`).
    pub fn trend_text(&self) -> String {
        let first = self.counts.iter().position(|&c| c > 0).unwrap_or(0);
        let window = &self.counts[first.saturating_sub(1)..];
        let mut points = vec![window[0]];
        if window.len() >= 3 {
            points.push(window[window.len() / 2]);
        }
        if window.len() >= 2 {
            points.push(window[window.len() - 1]);
        }
        points.iter().map(|&n| thousands(n)).collect::<Vec<_>>().join(" -> ")
    }
}

/// `1204` -> `1,204`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A track's key is its group's state, creator and key frames. The indexes
/// hold hashes of keys and where the group that gave each key is, not copies
/// of the keys (a copy of every frame of every group doubled a series' memory).
fn key_hash(group: &Group, with_state: bool) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    if with_state {
        group.state.hash(&mut h);
        group.creator.hash(&mut h);
    }
    for f in group.key_frames() {
        (&f.function, &f.file, f.line).hash(&mut h);
    }
    h.finish()
}

fn same_frames(a: &Group, b: &Group) -> bool {
    let (fa, fb) = (a.key_frames(), b.key_frames());
    fa.len() == fb.len()
        && fa.iter().zip(fb).all(|(x, y)| x.line == y.line && x.function == y.function && x.file == y.file)
}

fn same_key(a: &Group, b: &Group) -> bool {
    a.state == b.state && a.creator == b.creator && same_frames(a, b)
}

/// A track, and the snapshot and group index of the group that gave its key.
type Keyed = (usize, (usize, usize));

/// Files `keyed` under `hash`. Hashes rarely collide, so a new list holds one
/// entry rather than the four a first push reserves.
fn index(map: &mut HashMap<u64, Vec<Keyed>>, hash: u64, keyed: Keyed) {
    match map.entry(hash) {
        std::collections::hash_map::Entry::Occupied(mut list) => list.get_mut().push(keyed),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(vec![keyed]);
        }
    }
}

/// Snapshots a series keeps: a watch polling every 10 s covers the last 10
/// minutes, and memory stays bounded however long it runs.
pub const WINDOW: usize = 60;

/// The latest [`WINDOW`] snapshots, in time order, and the groups followed
/// across them. Pushing one more drops the oldest, with the counts it gave each
/// track; a track absent from every snapshot left is forgotten. Verdicts are
/// judged on the snapshots in the window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Series {
    pub snapshots: Vec<Snapshot>,
    /// Snapshots dropped from the front of the window so far.
    pub dropped: usize,
    pub tracks: Vec<Track>,
    #[serde(skip)]
    by_key: HashMap<u64, Vec<Keyed>>,
    /// Frames only, for matching a group that has no state (debug=0/1) with
    /// one that has, across snapshots of different formats.
    #[serde(skip)]
    by_frames: HashMap<u64, Vec<Keyed>>,
}

impl Series {
    pub fn new() -> Self {
        Series::default()
    }

    pub fn latest(&self) -> Option<&Snapshot> {
        self.snapshots.last()
    }

    /// The group a track was last seen as.
    pub fn group(&self, track: &Track) -> &Group {
        &self.snapshots[track.last_seen.0].groups[track.last_seen.1]
    }

    /// Appends the next snapshot in time and updates every verdict.
    pub fn push(&mut self, snapshot: Snapshot) {
        if self.snapshots.len() == WINDOW {
            self.drop_oldest();
        }
        let at = self.snapshots.len();
        for track in &mut self.tracks {
            track.counts.push(0);
            track.minutes.push(Minutes::default());
        }
        for (gi, group) in snapshot.groups.iter().enumerate() {
            let (key, frames) = (key_hash(group, true), key_hash(group, false));
            let keyed_group =
                |(si, gi): (usize, usize)| if si == at { &snapshot.groups[gi] } else { &self.snapshots[si].groups[gi] };
            // The latest track indexed under the key, as a map from keys to tracks would give.
            let found = self
                .by_key
                .get(&key)
                .and_then(|candidates| candidates.iter().rev().find(|(_, place)| same_key(keyed_group(*place), group)))
                .map(|&(t, _)| t)
                .or_else(|| {
                    self.by_frames.get(&frames).and_then(|candidates| {
                        candidates.iter().map(|&(t, place)| (t, keyed_group(place))).find_map(|(t, keyed)| {
                            (same_frames(keyed, group)
                                && (!self.tracks[t].stateful || group.state.is_none())
                                && self.tracks[t].counts[at] == 0)
                                .then_some(t)
                        })
                    })
                });
            let t = match found {
                Some(t) => t,
                None => {
                    let t = self.tracks.len();
                    self.tracks.push(Track {
                        counts: vec![0; at + 1],
                        minutes: vec![Minutes::default(); at + 1],
                        last_seen: (at, gi),
                        verdict: None,
                        trend: None,
                        stateful: group.state.is_some(),
                    });
                    index(&mut self.by_frames, frames, (t, (at, gi)));
                    index(&mut self.by_key, key, (t, (at, gi)));
                    t
                }
            };
            let track = &mut self.tracks[t];
            track.counts[at] = track.counts[at].saturating_add(group.count);
            track.minutes[at].merge(group.minutes);
            track.last_seen = (at, gi);
            track.stateful |= group.state.is_some();
        }
        self.snapshots.push(snapshot);
        for t in 0..self.tracks.len() {
            let track = &self.tracks[t];
            let trend = judge_counts(&track.counts, &track.minutes);
            let (si, gi) = track.last_seen;
            let proven = si == at && self.snapshots[si].groups[gi].leaked > 0;
            let track = &mut self.tracks[t];
            track.trend = trend;
            track.verdict = if proven { Some(Verdict::ProvenLeak) } else { trend };
        }
        let snapshots = &self.snapshots;
        self.tracks.sort_by(|a, b| {
            let ga = &snapshots[a.last_seen.0].groups[a.last_seen.1];
            let gb = &snapshots[b.last_seen.0].groups[b.last_seen.1];
            b.counts.last().cmp(&a.counts.last()).then_with(|| gb.count.cmp(&ga.count))
        });
        self.reindex();
    }

    fn drop_oldest(&mut self) {
        self.snapshots.remove(0);
        self.dropped += 1;
        self.tracks.retain(|t| t.last_seen.0 > 0);
        for track in &mut self.tracks {
            track.counts.remove(0);
            track.minutes.remove(0);
            track.last_seen.0 -= 1;
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.by_key.clear();
        self.by_frames.clear();
        for (t, track) in self.tracks.iter().enumerate() {
            let group = &self.snapshots[track.last_seen.0].groups[track.last_seen.1];
            index(&mut self.by_frames, key_hash(group, false), (t, track.last_seen));
            index(&mut self.by_key, key_hash(group, true), (t, track.last_seen));
        }
    }

    /// Recomputes wait locations with a workspace-aware classifier.
    pub fn classify(&mut self, classifier: &FrameClassifier) {
        // Re-sorting groups would break tracks' indices, so only the wait
        // location and verb change here.
        for snapshot in &mut self.snapshots {
            for g in &mut snapshot.groups {
                g.locate(classifier);
            }
        }
    }
}

/// The trend verdict from counts and wait times per snapshot.
pub(crate) fn judge_counts(counts: &[u64], minutes: &[Minutes]) -> Option<Verdict> {
    let n = counts.len();
    if n < 2 {
        return None;
    }
    let first = counts.iter().position(|&c| c > 0)?;
    if first == n - 1 {
        return Some(Verdict::New);
    }
    let window = &counts[first..];
    let minutes_seen = minutes[first..].iter().any(|m| m.with_minutes > 0);
    let vanished = window.contains(&0);
    if vanished && !minutes_seen {
        return Some(Verdict::Spike);
    }
    let last = window[window.len() - 1];
    if last == 0 {
        return Some(Verdict::Recovered);
    }
    // Absent from a snapshot is a count of zero there: 0 -> 120 -> 240 is the
    // baseline rising with each traffic wave.
    let since_absent = &counts[first.saturating_sub(1)..];
    if rising(since_absent) && (!minutes_seen || spreading(&minutes[first..], last)) {
        return Some(Verdict::Growing);
    }
    let (lo, hi) = window.iter().fold((u64::MAX, 0), |(lo, hi), &c| (lo.min(c), hi.max(c)));
    if !vanished && hi - lo <= (hi / 20).max(2) {
        return Some(Verdict::SteadyPool);
    }
    let baseline = window[0] + (window[0] / 10).max(2);
    Some(if last > baseline { Verdict::Elevated } else { Verdict::Recovered })
}

/// At least two rises within the last five snapshots, ending higher than it
/// started there, with no drop over 10% between neighbours.
fn rising(window: &[u64]) -> bool {
    if window.len() < 3 {
        return false;
    }
    let recent = &window[window.len().saturating_sub(5)..];
    let rises = recent.windows(2).filter(|w| w[1] > w[0]).count();
    let drops = recent.windows(2).any(|w| w[1] < w[0] - w[0] / 10);
    rises >= 2 && !drops && recent[recent.len() - 1] > recent[0]
}

/// Wait times spread out, as they do when goroutines keep arriving: the newest
/// snapshot mixes ages (some without minutes, or different minutes), or the
/// oldest age keeps rising.
fn spreading(minutes: &[Minutes], last_count: u64) -> bool {
    let Some(latest) = minutes.last() else { return false };
    let mixed = latest.with_minutes > 0 && latest.with_minutes < last_count;
    let range = latest.max > latest.min;
    let earliest_max = minutes.iter().find_map(|m| m.max);
    mixed || range || (latest.max > earliest_max && earliest_max.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(n: usize) -> Vec<Minutes> {
        vec![Minutes::default(); n]
    }

    #[test]
    fn trend_verdicts() {
        assert_eq!(judge_counts(&[5], &none(1)), None);
        assert_eq!(judge_counts(&[0, 0, 7], &none(3)), Some(Verdict::New));
        assert_eq!(judge_counts(&[107, 211, 312, 414], &none(4)), Some(Verdict::Growing));
        assert_eq!(judge_counts(&[1630, 0, 0, 1612, 0], &none(5)), Some(Verdict::Spike));
        assert_eq!(judge_counts(&[64, 64, 63, 64], &none(4)), Some(Verdict::SteadyPool));
        assert_eq!(judge_counts(&[10, 30, 50, 50, 50, 50, 50], &none(7)), Some(Verdict::Elevated));
        assert_eq!(judge_counts(&[10, 80, 12], &none(3)), Some(Verdict::Recovered));
    }

    /// Each traffic wave leaves the baseline higher: absent before the first is zero there.
    #[test]
    fn absent_from_earlier_snapshots_counts_as_zero() {
        assert_eq!(judge_counts(&[0, 120, 240], &none(3)), Some(Verdict::Growing));
        assert_eq!(judge_counts(&[0, 0, 0, 120, 240], &none(5)), Some(Verdict::Growing));
        assert_eq!(judge_counts(&[0, 120, 120, 120], &none(4)), Some(Verdict::SteadyPool));
        assert_eq!(judge_counts(&[0, 240, 120], &none(3)), Some(Verdict::Recovered));
        let track = |counts: Vec<u64>| Track {
            minutes: none(counts.len()),
            counts,
            last_seen: (0, 0),
            verdict: None,
            trend: None,
            stateful: true,
        };
        assert_eq!(track(vec![0, 120, 240]).trend_text(), "0 -> 120 -> 240");
        assert_eq!(track(vec![0, 0, 12, 640, 1204]).trend_text(), "0 -> 640 -> 1,204");
        assert_eq!(track(vec![12, 640, 1204]).trend_text(), "12 -> 640 -> 1,204");
    }

    #[test]
    fn growth_with_one_aged_batch_is_not_a_leak() {
        let counts = [10, 11, 12, 13];
        let aged = |n| Minutes { min: Some(3), max: Some(3), with_minutes: n };
        let minutes: Vec<Minutes> = counts.iter().map(|&n| aged(n)).collect();
        assert_eq!(judge_counts(&counts, &minutes), Some(Verdict::Elevated));
        let mut spread = minutes.clone();
        spread[3] = Minutes { min: Some(1), max: Some(4), with_minutes: 13 };
        assert_eq!(judge_counts(&counts, &spread), Some(Verdict::Growing));
    }

    /// A watch that polls for hours keeps a window of snapshots, not all of them.
    #[test]
    fn a_long_series_keeps_a_window_of_snapshots() {
        let sources = |n: u64| {
            let text = format!(
                "goroutine 1 [chan send]:\nmain.leak()\n\t/src/main.go:10 +0x1\n\ngoroutine 2 [select]:\nmain.poll{n}()\n\t/src/main.go:20 +0x1\n\n"
            );
            let mut source = crate::runtime::load_bytes("poll.txt", text.as_bytes(), Default::default()).unwrap();
            source.groups[0].count = n + 1;
            Snapshot::merge(vec![source])
        };
        let mut series = Series::new();
        for n in 0..(3 * WINDOW as u64) {
            series.push(sources(n));
        }
        assert_eq!(series.snapshots.len(), WINDOW);
        assert_eq!(series.dropped, 2 * WINDOW);
        // Each poll's one-off group is forgotten once it leaves the window.
        assert!(series.tracks.len() <= WINDOW + 1, "{} tracks", series.tracks.len());
        assert!(series.tracks.iter().all(|t| t.counts.len() == WINDOW));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(154_052), "154,052");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
