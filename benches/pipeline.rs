//! How fast the rules path is, against the floor of merely parsing the JSON.
//!
//! Every benchmark runs over all the records of `tests/fixtures/trials` per iteration, so the
//! throughputs are of the same bytes:
//! - `parse/value` — bytes → `serde_json::Value`: the floor any JSON-reading program pays;
//! - `parse/trial` — bytes → `Trial` (typed, lenient, skipping what is not read);
//! - `pipeline/json_page` — bytes → checked page → JSON text, the rules writer;
//! - `http/post_summary` — the same through the axum app in process (routing, middleware,
//!   body handling), without a socket.
//!
//! And over the 400 records of `tests/fixtures/trials/corpus`, split by whether they have posted
//! results (a results section is read and written into "what the trial found"):
//! - `results/{value,page}_with` — the 120 records with results, floor and full pipeline;
//! - `results/{value,page}_without` — the 280 without.
//!
//! After the run it prints the ratio of the full pipeline to the floor, and records/s and MB/s
//! per core. `cargo bench` runs it; `cargo bench -- --quick` is faster and rougher.

use criterion::{black_box, Criterion, Throughput};
use laysum::{Format, Pipeline};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Records by file name, with their bytes.
type Records = Vec<(String, Vec<u8>)>;

fn records() -> Records {
    records_in("tests/fixtures/trials")
}

/// The corpus records with posted results, and those without.
fn corpus_by_results() -> (Records, Records) {
    records_in("tests/fixtures/trials/corpus")
        .into_iter()
        .partition(|(_, r)| {
            serde_json::from_slice::<serde_json::Value>(r)
                .is_ok_and(|v| v.get("resultsSection").is_some())
        })
}

fn records_in(folder: &str) -> Records {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    laysum::batch::inputs(&dir)
        .unwrap()
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let records = records();
    let bytes: u64 = records.iter().map(|(_, r)| r.len() as u64).sum();
    let pipeline = Pipeline::new().unwrap();

    let mut parse = c.benchmark_group("parse");
    parse.throughput(Throughput::Bytes(bytes));
    parse.bench_function("value", |b| {
        b.iter(|| {
            for (_, r) in &records {
                black_box(serde_json::from_slice::<serde_json::Value>(r).unwrap());
            }
        })
    });
    parse.bench_function("trial", |b| {
        b.iter(|| {
            for (_, r) in &records {
                black_box(pipeline.trial(r).unwrap());
            }
        })
    });
    parse.finish();

    let mut full = c.benchmark_group("pipeline");
    full.throughput(Throughput::Bytes(bytes));
    full.bench_function("json_page", |b| {
        b.iter(|| {
            for (_, r) in &records {
                black_box(pipeline.page(r, Format::Json).unwrap());
            }
        })
    });
    full.finish();

    let (with, without) = corpus_by_results();
    for (set, name) in [(&with, "with"), (&without, "without")] {
        let bytes: u64 = set.iter().map(|(_, r)| r.len() as u64).sum();
        let mut group = c.benchmark_group("results");
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("value_{name}"), |b| {
            b.iter(|| {
                for (_, r) in set.iter() {
                    black_box(serde_json::from_slice::<serde_json::Value>(r).unwrap());
                }
            })
        });
        group.bench_function(format!("page_{name}"), |b| {
            b.iter(|| {
                for (_, r) in set.iter() {
                    black_box(pipeline.page(r, Format::Json).unwrap());
                }
            })
        });
        group.finish();
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state =
        laysum::server::AppState::new(laysum::server::Config::for_upstream("http://127.0.0.1:9"))
            .unwrap();
    let app = laysum::server::app(state);
    let bodies: Vec<bytes::Bytes> = records
        .iter()
        .map(|(_, r)| bytes::Bytes::from(r.clone()))
        .collect();
    let mut http = c.benchmark_group("http");
    http.throughput(Throughput::Bytes(bytes));
    http.bench_function("post_summary", |b| {
        use tower::ServiceExt;
        b.iter(|| {
            runtime.block_on(async {
                for body in &bodies {
                    let request = axum::http::Request::post("/v1/summaries")
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(body.clone()))
                        .unwrap();
                    let resp = app.clone().oneshot(request).await.unwrap();
                    assert_eq!(resp.status(), 200);
                    black_box(
                        axum::body::to_bytes(resp.into_body(), usize::MAX)
                            .await
                            .unwrap(),
                    );
                }
            })
        })
    });
    http.finish();
}

/// Mean time per iteration of a finished benchmark, from criterion's estimates.
fn mean(dir: &Path, group: &str, name: &str) -> Option<Duration> {
    let path: PathBuf = dir.join(group).join(name).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(Duration::from_nanos(
        v["mean"]["point_estimate"].as_f64()? as u64
    ))
}

fn report() {
    let records = records();
    let n = records.len() as f64;
    let mb = records.iter().map(|(_, r)| r.len()).sum::<usize>() as f64 / 1e6;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("criterion");
    let rows = [
        ("parse", "value", "parse to serde_json::Value (floor)"),
        ("parse", "trial", "parse to Trial"),
        (
            "pipeline",
            "json_page",
            "full rules pipeline to a JSON page",
        ),
        ("http", "post_summary", "POST /v1/summaries in process"),
    ];
    println!("\nlaysum rules path, {n} records, {mb:.2} MB, one core");
    let floor = mean(&dir, "parse", "value");
    for (group, name, what) in rows {
        let Some(t) = mean(&dir, group, name) else {
            continue;
        };
        let secs = t.as_secs_f64();
        let ratio = floor.map_or(String::new(), |f| {
            format!("  {:.2}× the floor", secs / f.as_secs_f64())
        });
        println!(
            "  {what:<40} {:>9.1} µs/record  {:>9.0} records/s  {:>7.1} MB/s{ratio}",
            secs / n * 1e6,
            n / secs,
            mb / secs,
        );
    }
    let (with, without) = corpus_by_results();
    for (set, name, what) in [
        (&with, "with", "with posted results"),
        (&without, "without", "without results"),
    ] {
        let n = set.len() as f64;
        let mb = set.iter().map(|(_, r)| r.len()).sum::<usize>() as f64 / 1e6;
        let (Some(floor), Some(page)) = (
            mean(&dir, "results", &format!("value_{name}")),
            mean(&dir, "results", &format!("page_{name}")),
        ) else {
            continue;
        };
        println!(
            "  corpus {what:<21} {n:>4} records {mb:>6.2} MB: floor {:>7.1} µs/record, page {:>7.1} µs/record, {:.2}× the floor",
            floor.as_secs_f64() / n * 1e6,
            page.as_secs_f64() / n * 1e6,
            page.as_secs_f64() / floor.as_secs_f64()
        );
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c);
    c.final_summary();
    report();
}
