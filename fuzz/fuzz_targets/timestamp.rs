//! Timestamp parsing never panics; what parses formats back to an instant that parses the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::time::{parse_str, to_iso};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Some(ms) = parse_str(s) {
        assert!(ms.is_finite());
        if let Some(iso) = to_iso(ms) {
            assert_eq!(parse_str(&iso), Some(ms), "{s:?} -> {iso}");
        }
    }
});
