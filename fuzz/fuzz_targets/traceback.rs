//! Traceback text (debug=2, crashes, SIGQUIT, go test -json): the input follows
//! a goroutine header so the traceback parser, not format sniffing, sees it.
#![no_main]

use leakls::runtime::{Limits, Snapshot, load_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = b"goroutine 1 [chan send]:\n".to_vec();
    input.extend_from_slice(data);
    let limits = Limits { max_bytes: 1 << 20, max_line: 4096 };
    if let Ok(source) = load_bytes("fuzz", &input, limits) {
        let _ = Snapshot::merge(vec![source]);
    }
});
