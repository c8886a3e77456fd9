//! `debug=0` profiles: gzip-compressed `profile.proto` (the gzip layer is
//! removed by the caller). Only the fields Go writes for goroutine and
//! goroutineleak profiles are declared. Samples carry counts, string labels and
//! stacks cut at 128 frames without a marker; no states, ids or minutes.

use std::collections::HashMap;

use super::classify::FrameClassifier;
use super::group::{Group, Grouper};
use super::sample::Sample;

/// A profile without its samples (field 2). Decoding skips the fields a
/// message does not declare, so the samples stay in the bytes and are decoded
/// one at a time into the grouper ([`for_each_sample`]) instead of all at once:
/// a profile with distinct stacks held every decoded sample beside its groups.
#[derive(Clone, PartialEq, prost::Message)]
struct Tables {
    #[prost(message, repeated, tag = "1")]
    sample_type: Vec<ValueType>,
    #[prost(message, repeated, tag = "4")]
    location: Vec<Location>,
    #[prost(message, repeated, tag = "5")]
    function: Vec<Function>,
    #[prost(string, repeated, tag = "6")]
    string_table: Vec<String>,
    #[prost(int64, tag = "10")]
    duration_nanos: i64,
}

/// Field 2 of `Profile`.
const SAMPLE_FIELD: u64 = 2;

#[derive(Clone, PartialEq, prost::Message)]
struct ValueType {
    #[prost(int64, tag = "1")]
    r#type: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ProtoSample {
    #[prost(uint64, repeated, tag = "1")]
    location_id: Vec<u64>,
    #[prost(int64, repeated, tag = "2")]
    value: Vec<i64>,
    #[prost(message, repeated, tag = "3")]
    label: Vec<Label>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Label {
    #[prost(int64, tag = "1")]
    key: i64,
    #[prost(int64, tag = "2")]
    str: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Location {
    #[prost(uint64, tag = "1")]
    id: u64,
    /// Innermost first: the last entry is the caller the others were inlined into.
    #[prost(message, repeated, tag = "4")]
    line: Vec<Line>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Line {
    #[prost(uint64, tag = "1")]
    function_id: u64,
    #[prost(int64, tag = "2")]
    line: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Function {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(int64, tag = "2")]
    name: i64,
    #[prost(int64, tag = "4")]
    filename: i64,
}

#[derive(Debug, Default)]
pub struct Parsed {
    /// The sample type: `goroutine`, `goroutineleak`, ...
    pub profile: String,
    pub groups: Vec<Group>,
    pub goroutines: u64,
    /// A `?seconds=N` delta profile: counts are changes, negative ones dropped.
    pub delta: bool,
    pub negative_samples: u64,
    pub dangling_references: u64,
}

/// Decodes an (already inflated) profile. Fails only when the bytes are not a
/// protobuf message at all; dangling ids inside are counted and skipped.
pub fn parse(bytes: &[u8], classifier: &FrameClassifier) -> Result<Parsed, String> {
    let not_a_profile = |e: &dyn std::fmt::Display| format!("not a pprof profile: {e}");
    let profile = <Tables as prost::Message>::decode(bytes).map_err(|e| not_a_profile(&e))?;
    let strings = &profile.string_table;
    let string = |i: i64| usize::try_from(i).ok().and_then(|i| strings.get(i)).map_or("", String::as_str);
    let functions: HashMap<u64, &Function> = profile.function.iter().map(|f| (f.id, f)).collect();
    let locations: HashMap<u64, &Location> = profile.location.iter().map(|l| (l.id, l)).collect();
    let mut parsed = Parsed {
        profile: profile.sample_type.first().map(|t| string(t.r#type).to_string()).unwrap_or_default(),
        delta: profile.duration_nanos > 0,
        ..Parsed::default()
    };
    let mut grouper = Grouper::new();
    let mut sample = Sample::default();
    let mut name = String::new();
    for_each_sample(bytes, |encoded| {
        let s = <ProtoSample as prost::Message>::decode(encoded).map_err(|e| not_a_profile(&e))?;
        let value = s.value.first().copied().unwrap_or(0);
        if value <= 0 {
            parsed.negative_samples += u64::from(value < 0);
            return Ok(());
        }
        sample.reset();
        sample.count = value.unsigned_abs();
        for id in &s.location_id {
            let Some(location) = locations.get(id) else {
                parsed.dangling_references += 1;
                continue;
            };
            for line in &location.line {
                let Some(function) = functions.get(&line.function_id) else {
                    parsed.dangling_references += 1;
                    continue;
                };
                name.clear();
                shorten_type_arguments(string(function.name), &mut name);
                sample.push_frame(&name, false);
                if let Some(frame) = sample.last_frame_mut() {
                    frame.file.push_str(string(function.filename));
                    frame.line = u32::try_from(line.line).unwrap_or(0);
                }
            }
        }
        for label in &s.label {
            sample.push_label(string(label.key), string(label.str));
        }
        grouper.add(&sample);
        Ok(())
    })?;
    parsed.goroutines = grouper.goroutines;
    parsed.groups = grouper.finish(classifier);
    Ok(parsed)
}

/// Calls `each` with the encoding of every sample, in order, walking the
/// message's top-level fields. The walk cannot fail on bytes that decoded as
/// [`Tables`] (decoding checked every field's length), but says why if it does.
fn for_each_sample(mut bytes: &[u8], mut each: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
    let cut = || "not a pprof profile: a field is cut short".to_string();
    while !bytes.is_empty() {
        let (key, n) = varint(bytes).ok_or_else(cut)?;
        bytes = &bytes[n..];
        let len = match key & 7 {
            0 => varint(bytes).ok_or_else(cut)?.1,
            1 => 8,
            5 => 4,
            2 => {
                let (len, n) = varint(bytes).ok_or_else(cut)?;
                bytes = &bytes[n..];
                usize::try_from(len).map_err(|_| cut())?
            }
            wire => return Err(format!("not a pprof profile: wire type {wire} at the top level")),
        };
        if len > bytes.len() {
            return Err(cut());
        }
        let (field, rest) = bytes.split_at(len);
        if key == SAMPLE_FIELD << 3 | 2 {
            each(field)?;
        }
        bytes = rest;
    }
    Ok(())
}

/// Whether `prefix` can start a `profile.proto` message of at most `max_len`
/// bytes: every field read is one of `Profile`'s, with its wire type, and no
/// length points past `max_len`. Noise fails within a few bytes, so it is not
/// read whole before decoding fails.
pub fn plausible_prefix(prefix: &[u8], max_len: u64) -> bool {
    let mut at = 0usize;
    let mut fields = 0;
    while at < prefix.len() {
        let Some((key, n)) = varint(&prefix[at..]) else { return fields > 0 };
        at += n;
        let wire = key & 7;
        let fits = match key >> 3 {
            1..=6 | 11 => wire == 2,
            7..=10 | 12 | 14 => wire == 0,
            13 => wire == 0 || wire == 2,
            _ => false,
        };
        if !fits {
            return false;
        }
        let Some((value, n)) = varint(&prefix[at..]) else { return true };
        at += n;
        if wire == 2 {
            if value > max_len {
                return false;
            }
            at = at.saturating_add(usize::try_from(value).unwrap_or(usize::MAX));
        }
        fields += 1;
    }
    true
}

/// A protobuf varint and its length; None when it is cut or over ten bytes.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().take(10).enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Profiles keep full shape names (`First[go.shape.[]example.com/x.Hit].func1`);
/// tracebacks print `First[...].func1`. Rewrites the former into the latter.
fn shorten_type_arguments(name: &str, out: &mut String) {
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    out.push_str("[...]");
                }
                depth += 1;
            }
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_shape_names_like_tracebacks() {
        let mut out = String::new();
        shorten_type_arguments("example.com/x/search.First[go.shape.[]example.com/x/search.Hit].func1", &mut out);
        assert_eq!(out, "example.com/x/search.First[...].func1");
        out.clear();
        shorten_type_arguments("example.com/x/pool.(*Pool[go.shape.int]).worker", &mut out);
        assert_eq!(out, "example.com/x/pool.(*Pool[...]).worker");
    }

    #[test]
    fn a_profile_prefix_is_plausible_and_noise_is_not() {
        let gz = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/dumps/mixed/t0.goroutine.debug0.pb.gz"))
            .expect("sample profile");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut bytes).expect("gzip");
        assert!(plausible_prefix(&bytes[..4096.min(bytes.len())], 1 << 30));
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert!(!plausible_prefix(&noise, 1 << 30));
        // A first field claiming more than the cap.
        assert!(!plausible_prefix(&[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f], 1 << 20));
    }

    #[test]
    fn rejects_non_protobuf_bytes() {
        assert!(parse(b"\xff\xff\xff\xff", &FrameClassifier::default()).is_err());
    }
}
