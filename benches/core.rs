//! Native timings of the pure core (no JS boundary): `cargo bench --bench core`.
//! Medians of 15 rounds; what the wasm exports cost beyond these is the boundary.
use modash_flow::notes::{read_text, read_utf8};
use modash_flow::platform::{normalize, Platform};
use modash_flow::progress::{progress, Options};
use modash_flow::time::parse_str;
use modash_flow::ttl::TtlSpec;
use modash_flow::ttl::{TtlConfig, UseCase};
use modash_flow::user_id::resolve;
use std::hint::black_box;
use std::time::Instant;

fn ns_per_call(mut f: impl FnMut(), reps: u32) -> f64 {
    let mut samples: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed().as_nanos() as f64 / reps as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[7]
}

fn main() {
    let notes = r#"{"crm":{"owner":"sam"},"modash_data":{"platforms":{"instagram":{"userId":"100000000","followers":1000,"last_refreshed":"2025-01-15T07:00:00.000Z","cache_id":"1"},"tiktok":{"userId":"6800000000000000001","last_refreshed":"2025-01-14T10:00:00.000Z"}}}}"#;
    let heavy = format!(
        r#"{{"modash_data":{{"platforms":{{"instagram":{{"userId":"1","last_refreshed":"2025-01-15T07:00:00Z","cached_payload":{{"posts":[{}]}}}}}}}}}}"#,
        vec![r#"{"id":"p1","text":"A caption long enough to look like one #ad #collab","likes":7}"#; 600].join(",")
    );
    let opts = Options { ttl: TtlSpec::Config(TtlConfig::default()), use_case: UseCase::Roster, now: 1_736_935_200_000.0 };
    let rows: [(&str, f64); 6] = [
        (
            "parse_str (RFC 3339 timestamp)",
            ns_per_call(
                || {
                    black_box(parse_str(black_box("2025-01-15T07:00:00.123Z")));
                },
                200_000,
            ),
        ),
        (
            "normalize (platform alias)",
            ns_per_call(
                || {
                    black_box(normalize(black_box(Some(" TikTok ")))).ok();
                },
                200_000,
            ),
        ),
        (
            "read_text + resolve (slim notes, 260 B)",
            ns_per_call(
                || {
                    black_box(resolve(&read_text(black_box(notes)), Platform::Tiktok));
                },
                100_000,
            ),
        ),
        (
            "read_text + progress (slim notes, 2 platforms)",
            ns_per_call(
                || {
                    black_box(progress(&read_text(black_box(notes)), &[Some("instagram"), Some("tiktok")], &opts));
                },
                100_000,
            ),
        ),
        (
            "read_text (50 KB payload skipped)",
            ns_per_call(
                || {
                    black_box(read_text(black_box(&heavy)));
                },
                2_000,
            ),
        ),
        (
            "read_utf8 (the same as bytes, UTF-8 checked in the pass)",
            ns_per_call(
                || {
                    black_box(read_utf8(black_box(heavy.as_bytes())));
                },
                2_000,
            ),
        ),
    ];
    println!("| core function (native, release) | ns per call |\n|---|---|");
    for (name, ns) in rows {
        println!("| {name} | {ns:.0} |");
    }
    let mbps = heavy.len() as f64 / (rows_ns_heavy(&heavy) / 1e9) / 1e6;
    println!("\nscan rate on the 50 KB payload text: {mbps:.0} MB/s");
}

fn rows_ns_heavy(heavy: &str) -> f64 {
    ns_per_call(
        || {
            black_box(read_text(black_box(heavy)));
        },
        2_000,
    )
}
