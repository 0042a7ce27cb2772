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
    let rounds = 200;
    let mut spent = [Duration::ZERO; 5];
    for _ in 0..rounds {
        for record in &records {
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
    ];
    for (step, time) in steps.iter().zip(spent) {
        println!(
            "{step:<18} {:7.1} µs/record",
            time.as_secs_f64() / pages * 1e6
        );
    }
}
