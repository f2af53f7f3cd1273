//! Whatever the scratch memory holds when the JS reader is done (a writer with a bug, a getter
//! that ran the module again, a Proxy lying about lengths), the core's reader of it never
//! panics, never reads outside it, and every string it hands over lies inside the buffer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::crossing::Decoder;
use modash_flow::notes::{Fields, Leaf, Needed, NotesRead};

/// The first bytes choose the narrowing and the split; then each byte is a small number (most
/// of the protocol's numbers are) or, after a 0xff, the next 8 bytes are any f64.
fn scratch(data: &[u8]) -> Option<(Needed, Vec<f64>, &str)> {
    let (&head, rest) = data.split_first()?;
    let needed = Needed { platforms: u32::from(head & 7), fields: Fields::ALL[usize::from(head >> 3) % 4] };
    let split = rest.iter().position(|&b| b == b'|').unwrap_or(rest.len());
    let (nums_bytes, strings) = rest.split_at(split);
    let strings = std::str::from_utf8(strings.get(1..).unwrap_or(&[])).ok()?;
    let mut nums = Vec::new();
    let mut i = 0;
    while i < nums_bytes.len() {
        if nums_bytes[i] == 0xff && i + 8 < nums_bytes.len() {
            nums.push(f64::from_le_bytes(nums_bytes[i + 1..i + 9].try_into().ok()?));
            i += 9;
        } else {
            nums.push(f64::from(nums_bytes[i] as i8));
            i += 1;
        }
    }
    Some((needed, nums, strings))
}

fuzz_target!(|data: &[u8]| {
    let Some((needed, nums, strings)) = scratch(data) else { return };
    let range = strings.as_ptr() as usize..strings.as_ptr() as usize + strings.len() + 1;
    let inside = |s: &str| s.is_empty() || (range.contains(&(s.as_ptr() as usize)) && range.contains(&(s.as_ptr() as usize + s.len())));
    let leaf_inside = |l: &Leaf| match l {
        Leaf::Str(std::borrow::Cow::Borrowed(s)) => inside(s),
        Leaf::Str(std::borrow::Cow::Owned(_)) => false,
        _ => true,
    };
    for ascii in [true, false] {
        let mut d = Decoder::new(&nums, strings, ascii, needed);
        let mut names = Vec::new();
        for _ in 0..4 {
            d.names(&mut names);
            assert!(names.iter().flatten().all(|s| inside(s)));
            let mut read = NotesRead::Unreadable;
            if let (None, NotesRead::Ok(v)) = (d.notes_into(&mut read), &read) {
                let legacy = [&v.legacy_user_id, &v.legacy_modash_user_id, &v.legacy_platform, &v.legacy_last_refreshed];
                assert!(legacy.into_iter().all(leaf_inside));
                for e in &v.platforms {
                    assert!([&e.user_id, &e.last_refreshed, &e.username, &e.cache_id].into_iter().chain(&e.metrics).all(leaf_inside));
                }
            }
            let n = d.count();
            for _ in 0..n.min(64) {
                assert!(leaf_inside(&d.value()));
            }
        }
    }
});
