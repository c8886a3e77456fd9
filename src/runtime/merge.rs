//! Merging sources taken at the same moment into one snapshot: traceback text
//! gives states, minutes, ids and creators; count profiles give labels (before
//! Go 1.27) and exact counts; goroutineleak profiles say which goroutines are
//! proven leaked. Profile records are matched to groups by their stack alone.

use std::collections::HashMap;

use super::classify::FrameClassifier;
use super::group::{Frame, Group, Snapshot, sort_groups};
use super::load::{Format, Profile, Source};
use super::name::Name;

/// Frames compared when matching a profile record to a traceback group.
/// Profiles cut stacks at 128 frames and tracebacks elide all but the first and
/// last 50, so only the innermost frames are comparable.
const SIGNATURE_FRAMES: usize = 32;

type Signature = Vec<(Name, Name, u32)>;

fn signature(group: &Group) -> Signature {
    group
        .key_frames()
        .iter()
        .take(SIGNATURE_FRAMES)
        .map(|f: &Frame| (f.function.clone(), f.file.clone(), f.line))
        .collect()
}

fn richness(source: &Source) -> u8 {
    let leak_profile = source.info.profile == Profile::GoroutineLeak && source.info.format != Format::Traceback;
    match (source.info.format, leak_profile) {
        (Format::Traceback | Format::TestJson, _) => 0,
        (Format::Counted, false) => 1,
        (Format::Proto, false) => 2,
        (Format::Counted, true) => 3,
        (Format::Proto, true) => 4,
    }
}

impl Snapshot {
    /// Merges sources taken together. The richest one (traceback text, then
    /// debug=1, then debug=0) provides the groups; the others add to them.
    pub fn merge(mut sources: Vec<Source>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        let Some(primary_at) = (0..sources.len()).min_by_key(|&i| richness(&sources[i])) else {
            return snapshot;
        };
        let primary = sources.remove(primary_at);
        let primary_is_leak_profile = richness(&primary) >= 3;
        snapshot.total = primary.info.goroutines;
        snapshot.leak_checked = primary.leak_checked;
        snapshot.partial = primary.partial;
        snapshot.skipped_lines = primary.skipped_lines;
        snapshot.preamble = primary.preamble;
        snapshot.warnings.extend(primary.warnings.iter().map(|w| format!("{}: {w}", primary.info.name)));
        snapshot.sources.push(primary.info);
        snapshot.groups = primary.groups;
        if primary_is_leak_profile {
            for g in &mut snapshot.groups {
                g.leaked = g.count;
            }
        }
        let text_has_labels = snapshot.groups.iter().any(|g| !g.labels.is_empty());
        for source in sources {
            snapshot.skipped_lines += source.skipped_lines;
            snapshot.leak_checked |= source.leak_checked;
            snapshot.partial |= source.partial;
            snapshot.warnings.extend(source.warnings.iter().map(|w| format!("{}: {w}", source.info.name)));
            let unmatched = if matches!(source.info.format, Format::Traceback | Format::TestJson) {
                merge_traceback(&mut snapshot.groups, &source.groups)
            } else {
                let leak = source.info.profile == Profile::GoroutineLeak;
                merge_profile(&mut snapshot.groups, &source.groups, leak, !text_has_labels && !leak)
            };
            // A few always differ: the goroutine writing each profile, ones not yet started.
            if unmatched > (snapshot.total / 100).max(10) {
                snapshot.warnings.push(format!(
                    "{}: {unmatched} goroutines match no group of {} (taken at a different moment?)",
                    source.info.name, snapshot.sources[0].name
                ));
            }
            snapshot.sources.push(source.info);
        }
        for g in &mut snapshot.groups {
            g.sort_details();
        }
        sort_groups(&mut snapshot.groups);
        snapshot
    }

    /// Recomputes wait locations and verbs with a workspace-aware classifier.
    pub fn classify(&mut self, classifier: &FrameClassifier) {
        for g in &mut self.groups {
            g.finish(classifier);
        }
        sort_groups(&mut self.groups);
    }
}

/// A second traceback of the same moment (say goroutineleak?debug=2 beside
/// goroutine?debug=2): only its `(leaked)` marks are taken.
fn merge_traceback(groups: &mut [Group], other: &[Group]) -> u64 {
    let mut unmatched: u64 = 0;
    for o in other {
        match groups
            .iter_mut()
            .find(|g| g.state == o.state && g.creator == o.creator && g.key_frames() == o.key_frames())
        {
            Some(g) => g.leaked = g.leaked.max(o.leaked).min(g.count),
            None => unmatched = unmatched.saturating_add(o.count),
        }
    }
    unmatched
}

/// Spreads each record's count over the groups with its stack, in proportion
/// to their sizes: as proven-leaked goroutines for a goroutineleak profile, as
/// label counts otherwise.
fn merge_profile(groups: &mut [Group], records: &[Group], leak: bool, take_labels: bool) -> u64 {
    let mut by_signature: HashMap<Signature, Vec<usize>> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        by_signature.entry(signature(g)).or_default().push(i);
    }
    let mut unmatched: u64 = 0;
    // Proven-leaked goroutines per group according to this source; several leak
    // profiles of one moment (debug=0 and debug=1) say the same thing, so each
    // group keeps the largest figure rather than the sum.
    let mut assigned = vec![0u64; groups.len()];
    for record in records {
        let Some(targets) = by_signature.get(&signature(record)) else {
            unmatched = unmatched.saturating_add(record.count);
            continue;
        };
        // Room per group: a group cannot hold more proven-leaked goroutines than it has.
        let room = |i: usize| if leak { groups[i].count - assigned[i] } else { u64::MAX };
        let total: u64 = targets.iter().map(|&i| groups[i].count).fold(0, u64::saturating_add).max(1);
        let mut shares: Vec<u64> = targets
            .iter()
            .map(|&i| {
                let proportional = u128::from(record.count) * u128::from(groups[i].count) / u128::from(total);
                (proportional as u64).min(room(i))
            })
            .collect();
        // Hand out what rounding and full groups left over, in group order.
        let mut left = record.count.saturating_sub(shares.iter().copied().fold(0, u64::saturating_add));
        for (n, &i) in targets.iter().enumerate() {
            let extra = left.min(room(i) - shares[n]);
            shares[n] += extra;
            left -= extra;
        }
        for (n, &i) in targets.iter().enumerate() {
            let share = shares[n];
            assigned[i] = assigned[i].saturating_add(share);
            let g = &mut groups[i];
            if take_labels && share > 0 {
                for facet in &record.labels {
                    for (value, _) in &facet.values {
                        // A record has exactly one value per label key.
                        g.add_labels([(facet.key.as_str(), value.as_str())], share);
                    }
                }
            }
        }
    }
    if leak {
        for (g, n) in groups.iter_mut().zip(assigned) {
            g.leaked = g.leaked.max(n);
        }
    }
    unmatched
}
