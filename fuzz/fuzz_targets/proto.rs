//! debug=0 protobuf profiles, decoded directly (no gzip layer).
#![no_main]

use leakls::runtime::{FrameClassifier, proto};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = proto::parse(data, &FrameClassifier::default());
});
