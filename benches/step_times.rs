//! Where a page's time goes: each step of the rules pipeline timed over every record of
//! `tests/fixtures/trials`, for finding what to make faster. Criterion's `pipeline` bench gives
//! the figures to report; this one splits them. `cargo bench --bench step_times`, or
//! `cargo bench --bench step_times -- FOLDER [with|without]` for another folder, keeping only
//! the records with (or without) posted results.

use laysum::summary::Generator;
use laysum::{Format, Pipeline};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(args.first().map_or("tests/fixtures/trials", String::as_str));
    let keep = |r: &[u8]| match args.get(1).map(String::as_str) {
        Some(which) => {
            let has = serde_json::from_slice::<serde_json::Value>(r)
                .is_ok_and(|v| v.get("resultsSection").is_some());
            has == (which == "with")
        }
        None => true,
    };
    let records: Vec<Vec<u8>> = laysum::batch::inputs(&dir)
        .unwrap()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|r| keep(r))
        .collect();
    let pipeline = Pipeline::new().unwrap();
    // STEP_ROUNDS=5 for a run under valgrind, whose counts do not depend on the load.
    let rounds = std::env::var("STEP_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let mut spent = [Duration::ZERO; 6];
    for _ in 0..rounds {
        for record in &records {
            // The floor: the same bytes parsed to a `serde_json::Value`.
            let f0 = Instant::now();
            std::hint::black_box(floor(record));
            spent[5] += f0.elapsed();
            let t0 = Instant::now();
            let trial = pipeline.trial(record).unwrap();
            let t1 = Instant::now();
            let facts = pipeline.facts(&trial);
            let t2 = Instant::now();
            let draft = pipeline.draft_rules(&facts).unwrap();
            let t3 = Instant::now();
            let page = pipeline.check(draft, &facts, &trial, Generator::rules("bench"));
            let t4 = Instant::now();
            std::hint::black_box(pipeline.render(&page, Format::Json).unwrap());
            let t5 = Instant::now();
            for (i, (a, b)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]
                .into_iter()
                .enumerate()
            {
                spent[i] += b - a;
            }
        }
    }
    let pages = (rounds * records.len()) as f64;
    let steps = [
        "parse + normalize",
        "derive",
        "write (rules)",
        "check",
        "render JSON",
        "(floor: Value)",
    ];
    for (step, time) in steps.iter().zip(spent) {
        println!(
            "{step:<18} {:7.1} µs/record",
            time.as_secs_f64() / pages * 1e6
        );
    }
}

#[inline(never)]
fn floor(record: &[u8]) -> serde_json::Value {
    serde_json::from_slice(record).unwrap()
}
