//! One goroutine (or one counted stack) as a parser has just read it. A parser
//! keeps one `Sample` and refills it for every goroutine, so the strings'
//! allocations are reused and memory stays bounded by the groups, not the input.

/// A frame as read, in buffers the next goroutine reuses; a group keeps its
/// own [`Frame`](super::Frame) with shared names.
#[derive(Debug, Default)]
pub struct RawFrame {
    pub function: String,
    pub file: String,
    pub line: u32,
    pub inlined: bool,
}

/// Where a `created by` line points.
#[derive(Debug, Default)]
pub struct Location {
    pub function: String,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Default)]
pub struct Sample {
    /// Goroutine id (tracebacks only).
    pub id: Option<u64>,
    /// Whether the format carries a state at all (debug=0/1 do not).
    pub has_state: bool,
    pub reason: String,
    pub locked_to_thread: bool,
    pub in_bubble: bool,
    /// Marked `(leaked)`, or named by a goroutineleak profile.
    pub leaked: bool,
    pub minutes: Option<u32>,
    /// Goroutines this sample stands for: 1 for a traceback, N for a profile record.
    pub count: u64,
    /// `...N frames elided...` after this many frames; N is 0 when not printed.
    pub elided: Option<(usize, u64)>,
    pub has_creator: bool,
    pub creator: Location,
    frames: Vec<RawFrame>,
    frame_count: usize,
    labels: Vec<(String, String)>,
    label_count: usize,
}

impl Sample {
    pub fn reset(&mut self) {
        self.id = None;
        self.has_state = false;
        self.reason.clear();
        self.locked_to_thread = false;
        self.in_bubble = false;
        self.leaked = false;
        self.minutes = None;
        self.count = 1;
        self.elided = None;
        self.has_creator = false;
        self.frame_count = 0;
        self.label_count = 0;
    }

    pub fn frames(&self) -> &[RawFrame] {
        &self.frames[..self.frame_count]
    }

    /// Appends a frame whose file is not known yet (filled in by [`Sample::last_frame_mut`]).
    pub fn push_frame(&mut self, function: &str, inlined: bool) {
        if self.frame_count == self.frames.len() {
            self.frames.push(RawFrame::default());
        }
        let frame = &mut self.frames[self.frame_count];
        frame.function.clear();
        frame.function.push_str(function);
        frame.file.clear();
        frame.line = 0;
        frame.inlined = inlined;
        self.frame_count += 1;
    }

    pub fn last_frame_mut(&mut self) -> Option<&mut RawFrame> {
        self.frame_count.checked_sub(1).map(|i| &mut self.frames[i])
    }

    pub fn labels(&self) -> &[(String, String)] {
        &self.labels[..self.label_count]
    }

    pub fn push_label(&mut self, key: &str, value: &str) {
        if self.label_count == self.labels.len() {
            self.labels.push((String::new(), String::new()));
        }
        let (k, v) = &mut self.labels[self.label_count];
        k.clear();
        k.push_str(key);
        v.clear();
        v.push_str(value);
        self.label_count += 1;
    }
}
