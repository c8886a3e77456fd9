//! Random edits the way a user types them, for the incremental analysis's test
//! and fuzz target (which includes this file by path).

/// xorshift64*: deterministic pseudo-random choices, so a failure reproduces.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What users type: single characters, and the tokens the rules care about.
const TYPED: &[&str] = &[
    "x",
    " ",
    "\n",
    "}",
    "{",
    "(",
    ")",
    "\"",
    "/",
    "go ",
    "defer ",
    "close(",
    "return\n",
    "break\n",
    "<-",
    "ch",
    "done",
    "select {}\n",
    "for {\n",
    "cancel()\n",
    "wg.Done()\n",
    ".Stop()",
    "make(chan int)",
    "func() {",
    ":= ",
];

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One random edit, and a description of it for failure messages.
pub fn edit(text: &mut String, rng: &mut Rng) -> String {
    let at = floor_char_boundary(text, rng.below(text.len() + 1));
    match rng.below(4) {
        0 | 1 => {
            let typed = TYPED[rng.below(TYPED.len())];
            text.insert_str(at, typed);
            format!("typed {typed:?} at {at}")
        }
        2 => {
            let end = floor_char_boundary(text, (at + 1 + rng.below(12)).min(text.len()));
            let gone: String = text.drain(at..end).collect();
            format!("deleted {gone:?} at {at}")
        }
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let line = text[start..end].to_string();
            if rng.below(2) == 0 {
                text.replace_range(start..end, "");
                format!("deleted line {line:?} at {start}")
            } else {
                text.insert_str(start, &line);
                format!("duplicated line {line:?} at {start}")
            }
        }
    }
}
