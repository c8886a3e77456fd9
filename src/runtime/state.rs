//! The bracket of a goroutine header, `[chan send (nil chan) (leaked), 3 minutes,
//! locked to thread, synctest bubble 1]`, split into what groups goroutines (the
//! state) and what varies between them (minutes, the leaked mark, bubble ids).

use serde::Serialize;

use super::name::Name;

/// A goroutine's status or wait reason with the modifiers that say where it
/// waits. Minutes, `(leaked)`, `(scan)` and the bubble number are not part of
/// it: they differ between goroutines parked at the same place.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct State {
    /// The status word or wait reason as printed, `(durable)` and `(nil chan)`
    /// included: `chan send`, `sync.Mutex.Lock`, `select (durable)`, `running`.
    pub reason: Name,
    pub locked_to_thread: bool,
    /// Inside a `testing/synctest` bubble (the bubble number is dropped).
    pub in_bubble: bool,
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)?;
        if self.locked_to_thread {
            f.write_str(", locked to thread")?;
        }
        if self.in_bubble {
            f.write_str(", synctest bubble")?;
        }
        Ok(())
    }
}

/// Everything one header bracket says besides the reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Bracket<'a> {
    /// `(leaked)`: the goroutineleak profile proved the goroutine can never run.
    pub leaked: bool,
    pub minutes: Option<u32>,
    pub locked_to_thread: bool,
    pub in_bubble: bool,
    /// Label text of the Go 1.26 pre-release form `[running labels:{...}]`.
    pub inline_labels: Option<&'a str>,
}

/// Splits the text between `[` and `]`, writing the reason into `reason`
/// (cleared first; a reused buffer). Unknown comma items are appended to the
/// reason so they are neither lost nor merged with goroutines lacking them.
pub(crate) fn parse_bracket<'a>(content: &'a str, reason: &mut String) -> Bracket<'a> {
    let (content, inline_labels) = match memchr::memchr(b'{', content.as_bytes()).and(content.find(" labels:{")) {
        Some(at) => (&content[..at], Some(&content[at + " labels:".len()..])),
        None => (content, None),
    };
    // Most brackets are a bare reason: skip the splitting and mark searches.
    if memchr::memchr2(b',', b'(', content.as_bytes()).is_none() {
        reason.clear();
        reason.push_str(content);
        return Bracket { inline_labels, ..Bracket::default() };
    }
    let mut items = content.split(", ");
    let first = items.next().unwrap_or("");
    let mut bracket = Bracket { inline_labels, ..Bracket::default() };
    reason.clear();
    // Marks come in a fixed order after the reason: ` (leaked)`, ` (scan)`,
    // ` (durable)`; the reason itself may already end in `(durable)`.
    let mut rest = first;
    for mark in [" (leaked)", " (scan)"] {
        if !rest.contains('(') {
            break;
        }
        if let Some(at) = rest.find(mark) {
            bracket.leaked |= mark == " (leaked)";
            reason.push_str(&rest[..at]);
            rest = &rest[at + mark.len()..];
        }
    }
    reason.push_str(rest);
    for item in items {
        if let Some(n) = item.strip_suffix(" minutes").and_then(|n| n.parse().ok()) {
            bracket.minutes = Some(n);
        } else if item == "locked to thread" {
            bracket.locked_to_thread = true;
        } else if item.starts_with("synctest bubble ") {
            bracket.in_bubble = true;
        } else {
            reason.push_str(", ");
            reason.push_str(item);
        }
    }
    bracket
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(content: &str) -> (Bracket<'_>, String) {
        let mut reason = String::from("stale");
        let b = parse_bracket(content, &mut reason);
        (b, reason)
    }

    #[test]
    fn strips_minutes_and_marks() {
        let (b, r) = parse("chan send (nil chan) (leaked)");
        assert_eq!((r.as_str(), b.leaked), ("chan send (nil chan)", true));
        let (b, r) = parse("chan receive (leaked), locked to thread");
        assert_eq!((r.as_str(), b.leaked, b.locked_to_thread), ("chan receive", true, true));
        let (b, r) = parse("force gc (idle), 3 minutes");
        assert_eq!((r.as_str(), b.minutes), ("force gc (idle)", Some(3)));
        let (b, r) = parse("select (durable), synctest bubble 1");
        assert_eq!((r.as_str(), b.in_bubble), ("select (durable)", true));
        let (b, r) = parse("sleep (leaked) (scan) (durable), 1 minutes");
        assert_eq!((r.as_str(), b.leaked, b.minutes), ("sleep (durable)", true, Some(1)));
    }

    #[test]
    fn keeps_unknown_items_in_the_reason() {
        let (b, r) = parse("chan send, 2 minutes, teleporting");
        assert_eq!(b.minutes, Some(2));
        assert_eq!(r, "chan send, teleporting");
    }

    #[test]
    fn finds_pre_release_inline_labels() {
        let (b, r) = parse(r#"running labels:{"foobar": "baz"}"#);
        assert_eq!((r.as_str(), b.inline_labels), ("running", Some(r#"{"foobar": "baz"}"#)));
    }
}
