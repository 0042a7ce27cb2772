//! The sync against the registry stand-in (`tests/api/standin.rs`, which speaks API v2), with
//! 1,000 watched studies: how many studies it checks a second, and how many registry calls it
//! makes per 1,000 watched studies when none of them changed and when 1% changed.
//!
//! `cargo bench --bench sync` (`-- --quick` is faster and rougher; `LAYSUM_BENCH_STUDIES=N`
//! for another number of watched studies; `LAYSUM_BENCH_POSTGRES_URL=postgres://…` to run on
//! that PostgreSQL database, empty, as well as on a SQLite file). On a fresh store:
//!
//! 1. the first sync, timed once: every study listed, fetched, stored, rendered, put in review;
//! 2. `sync/unchanged`, by criterion: nothing changed, so only the listings (most rounds);
//! 3. `sync/changed_1pct`, by criterion: before each round (untimed) the stand-in changes 1% of
//!    the studies (a new enrolment and a new last-update date, so each page's text changes);
//!    the round lists, fetches only those, and puts their new pages in review.
//!
//! The stand-in counts the calls it is sent, retries included; the figures printed at the end
//! are those counts and the timed rounds' own clocks, divided by the rounds run, and the sync's
//! report is checked against them.

#[path = "../tests/api/standin.rs"]
#[allow(dead_code)]
mod standin;

use criterion::{Criterion, Throughput};
use laysum::store::Store;
use laysum::sync::{sync, SyncConfig, SyncReport};
use laysum::Pipeline;
use serde_json::Value;
use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// The sync's settings: the defaults of `laysum sync`, with quick retries.
fn config() -> SyncConfig {
    SyncConfig {
        sync_batch: 200,
        sync_concurrency: 4,
        ..SyncConfig::for_tests()
    }
}

fn nct_id(i: usize) -> String {
    format!("NCT9{i:07}")
}

/// `count` records: the fixtures over and over, each under its own NCT id.
fn records(count: usize) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trials");
    let files = laysum::batch::inputs(&dir).expect("the fixture records");
    (0..count)
        .map(|i| {
            let bytes = std::fs::read(&files[i % files.len()]).unwrap();
            let mut record: Value = serde_json::from_slice(&bytes).unwrap();
            record["protocolSection"]["identificationModule"]["nctId"] = nct_id(i).into();
            record
        })
        .collect()
}

/// What the timed rounds of one kind came to, all together.
#[derive(Default)]
struct Tally {
    rounds: u64,
    time: Duration,
    checked: u64,
    fetched: u64,
    in_review: u64,
    list_calls: u64,
    record_calls: u64,
}

impl Tally {
    fn add(&mut self, time: Duration, report: &SyncReport, calls: (u64, u64)) {
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        assert!(!report.skipped, "no other sync runs");
        assert_eq!(
            report.registry_calls,
            calls.0 + calls.1,
            "the sync counts the calls the stand-in received"
        );
        self.rounds += 1;
        self.time += time;
        self.checked += report.checked as u64;
        self.fetched += report.fetched as u64;
        self.in_review += report.in_review as u64;
        self.list_calls += calls.0;
        self.record_calls += calls.1;
    }

    fn row(&self, name: &str, studies: usize) -> String {
        let n = self.rounds.max(1) as f64;
        let secs = self.time.as_secs_f64();
        let calls = (self.list_calls + self.record_calls) as f64;
        format!(
            "| {name} | {} | {:.3} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            self.rounds,
            secs / n,
            self.checked as f64 / secs,
            self.fetched as f64 / n,
            self.in_review as f64 / n,
            self.list_calls as f64 / n,
            self.record_calls as f64 / n,
            calls / n * 1000.0 / studies as f64
        )
    }
}

/// A store with `studies` watched studies, the stand-in serving them, after the first sync.
struct Setup {
    store: Store,
    registry: standin::StandIn,
    pipeline: Pipeline,
    first: Tally,
}

impl Setup {
    async fn sync(&self) -> (Duration, SyncReport, (u64, u64)) {
        let (lists, fetches) = self.registry.calls();
        let started = Instant::now();
        let report = sync(
            &self.store,
            &self.pipeline,
            &self.registry.url,
            &config(),
            "bench",
        )
        .await
        .expect("a sync");
        let time = started.elapsed();
        let (l, f) = self.registry.calls();
        (time, report, (l - lists, f - fetches))
    }
}

async fn set_up(url: &str, studies: usize) -> Setup {
    let registry = standin::StandIn::start(records(studies)).await;
    let store = Store::open(url).await.expect("the store");
    for i in 0..studies {
        store.add_watch(&nct_id(i), "bench").await.unwrap();
    }
    let mut setup = Setup {
        store,
        registry,
        pipeline: Pipeline::new().unwrap(),
        first: Tally::default(),
    };
    let (time, report, calls) = setup.sync().await;
    assert_eq!(
        report.fetched, studies,
        "the first sync fetches every study"
    );
    setup.first.add(time, &report, calls);
    setup
}

fn bench_backend(c: &mut Criterion, runtime: &Runtime, backend: &str, url: &str, studies: usize) {
    let setup = runtime.block_on(set_up(url, studies));
    let unchanged = RefCell::new(Tally::default());
    let changed = RefCell::new(Tally::default());
    let mut group = c.benchmark_group(format!("sync_{backend}"));
    group.throughput(Throughput::Elements(studies as u64));
    group.sample_size(10);
    group.bench_function("unchanged", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (time, report, calls) = runtime.block_on(setup.sync());
                assert_eq!(report.fetched, 0, "nothing changed, nothing fetched");
                unchanged.borrow_mut().add(time, &report, calls);
                total += time;
            }
            total
        })
    });
    let mut round = 0u64;
    group.bench_function("changed_1pct", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                // Untimed: the registry's side. Every hundredth study gets a new enrolment
                // and a new last update date.
                let date = format!("{}-01-01", 2100 + round);
                for i in (0..studies).step_by(100) {
                    setup.registry.registry.change(&nct_id(i), &date, |r| {
                        r["protocolSection"]["designModule"]["enrollmentInfo"] =
                            serde_json::json!({"count": 1000 + round, "type": "ESTIMATED"});
                    });
                }
                let (time, report, calls) = runtime.block_on(setup.sync());
                assert_eq!(report.fetched, studies.div_ceil(100), "only the changed");
                changed.borrow_mut().add(time, &report, calls);
                total += time;
            }
            total
        })
    });
    group.finish();

    println!("\n{backend}, {studies} watched studies (ids asked about 200 a listing, 4 records fetched at once); per round:");
    println!("| round | rounds | seconds | studies checked/s | fetched | in review | listing calls | record calls | registry calls per 1,000 watched |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!("{}", setup.first.row("first sync", studies));
    println!("{}", unchanged.borrow().row("nothing changed", studies));
    println!("{}", changed.borrow().row("1% changed", studies));
    runtime.block_on(setup.store.close());
}

fn main() {
    let studies: usize = std::env::var("LAYSUM_BENCH_STUDIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let dir = std::env::temp_dir().join(format!("laysum-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}", dir.join("laysum.db").display());
    bench_backend(&mut c, &runtime, "sqlite", &sqlite, studies);
    if let Ok(url) = std::env::var("LAYSUM_BENCH_POSTGRES_URL") {
        bench_backend(&mut c, &runtime, "postgres", &url, studies);
    }
    c.final_summary();
    let _ = std::fs::remove_dir_all(&dir);
}
