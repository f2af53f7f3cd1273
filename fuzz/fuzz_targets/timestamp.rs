//! Timestamp parsing never panics; what parses formats back to an instant that parses the same;
//! bytes parse as their text (and bytes that are not UTF-8 as nothing).
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::time::{parse_str, parse_utf8, to_iso};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        assert_eq!(parse_utf8(data), None);
        return;
    };
    assert_eq!(parse_utf8(data), parse_str(s), "{s:?}");
    if let Some(ms) = parse_str(s) {
        assert!(ms.is_finite());
        if let Some(iso) = to_iso(ms) {
            assert_eq!(parse_str(&iso), Some(ms), "{s:?} -> {iso}");
        }
    }
});
