//! A sync that fails halfway loses nothing and finishes next time: the registry down, and the
//! process killed between fetching records and rendering their pages.

use crate::bulk::laysum;
use crate::helpers::*;
use crate::standin::StandIn;
use crate::store::{complete_seed, in_review, post, records, send, OTHER, SEED};
use laysum::store::Role;
use serde_json::json;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_registry_down_a_sync_loses_nothing_and_the_next_one_catches_up() {
    let registry = StandIn::start(records()).await;
    let app = spawn_app_on(&registry.url, Some(sqlite_db("down").open().await), |_| {}).await;
    let admin = app.token("ada", Role::Admin).await;
    for id in [SEED, OTHER] {
        app.store().add_watch(id, "test").await.unwrap();
    }
    post(&app, "/v1/sync", &admin, json!({})).await;
    for (_, id, _) in in_review(&app, &admin).await {
        post(
            &app,
            &format!("/v1/reviews/{id}/approve"),
            &admin,
            json!({}),
        )
        .await;
    }
    let page = |app: &TestApp| {
        let url = app.url(&format!("/v1/studies/{SEED}/page"));
        let http = app.http.clone();
        async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let published = page(&app).await;

    registry.registry.change(SEED, "2026-07-15", complete_seed);
    registry.registry.set_down(true);
    let calls = registry.calls();
    let (status, error) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(status, 502, "{error}");
    assert_eq!(error["error"]["code"], "upstream_unavailable");
    let (lists, _) = registry.calls();
    assert_eq!(
        lists - calls.0,
        3,
        "the listing was tried three times (two retries)"
    );
    assert_eq!(
        page(&app).await,
        published,
        "the website's page is untouched"
    );
    assert!(in_review(&app, &admin).await.is_empty());
    assert_eq!(app.store().record_count().await.unwrap(), 2);

    // Back up: the next sync finds the change.
    registry.registry.set_down(false);
    let (status, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["fetched"].as_u64(), report["in_review"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(in_review(&app, &admin).await[0].0, SEED);
    let (_, audit) = send(&app, reqwest::Method::GET, "/v1/audit", Some(&admin), None).await;
    let failed = audit["events"].as_array().unwrap().iter().find(|e| {
        e["action"] == "sync" && e["detail"].as_str().unwrap_or("").contains("unavailable")
    });
    assert!(
        failed.is_some(),
        "the failed sync is in the audit trail: {audit}"
    );
}

fn sync_command(registry: &StandIn, db: &TestDb) -> Command {
    let mut cmd = laysum();
    cmd.arg("sync")
        .env("LAYSUM_CTGOV_URL", &registry.url)
        .env("LAYSUM_DATABASE_URL", &db.url)
        .env("LAYSUM_SYNC_BACKOFF_MS", "10")
        .env_remove("LAYSUM_SYNC_PAUSE_AFTER_FETCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

async fn killed_between_fetch_and_render(db: TestDb) {
    let registry = StandIn::start(records()).await;
    let store = db.open().await;
    for id in [SEED, OTHER] {
        store.add_watch(id, "test").await.unwrap();
    }
    store.close().await;

    // The first sync stops after storing the records, before any page is made, and is killed.
    let mut cmd = sync_command(&registry, &db);
    cmd.env("LAYSUM_SYNC_PAUSE_AFTER_FETCH", "1");
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let paused = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.contains("paused after fetching 2 records") {
                return true;
            }
            assert!(Instant::now() < deadline, "no pause: {line}");
        }
        false
    });
    assert!(paused.await.unwrap(), "the sync reached the pause");
    child.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(!status.success(), "killed");
    assert_eq!(registry.calls(), (1, 2));

    let store = db.open().await;
    assert_eq!(
        store.record_count().await.unwrap(),
        2,
        "the fetched records were kept"
    );
    assert!(
        store.reviews().await.unwrap().is_empty(),
        "no page was made"
    );
    assert_eq!(store.unrendered_records().await.unwrap().len(), 2);
    store.close().await;

    // Restarted, it renders what was fetched, and fetches nothing again.
    let cmd = sync_command(&registry, &db);
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = cmd;
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("checked 2 studies, 0 changed, fetched 0, 2 in review"),
        "{stdout}"
    );
    assert_eq!(
        registry.calls(),
        (2, 2),
        "one more listing, no record fetched twice"
    );
    let store = db.open().await;
    let reviews = store.reviews().await.unwrap();
    let ids: Vec<&str> = reviews.iter().map(|r| r.nct_id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&SEED) && ids.contains(&OTHER));
    assert!(store.unrendered_records().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_between_fetch_and_render_resumes_without_fetching_again_on_sqlite() {
    killed_between_fetch_and_render(sqlite_db("crash")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_between_fetch_and_render_resumes_without_fetching_again_on_postgres() {
    if let Some(db) = postgres_db("crash").await {
        killed_between_fetch_and_render(db).await;
    }
}

/// Another process's sync (another server instance, a `laysum sync`) while this one holds the
/// lock: the file lock on SQLite, the advisory lock on PostgreSQL.
async fn second_sync_skips(db: TestDb) {
    let registry = StandIn::start(records()).await;
    let store = db.open().await;
    let held = store.try_lock_sync().await.unwrap().expect("free at first");
    let cmd = sync_command(&registry, &db);
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = cmd;
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "another sync is running: nothing done"
    );
    assert_eq!(registry.calls(), (0, 0));
    held.release().await;
    assert!(store.try_lock_sync().await.unwrap().is_some(), "free again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_skips_its_round_while_one_runs_on_sqlite() {
    second_sync_skips(sqlite_db("lock")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_skips_its_round_while_one_runs_on_postgres() {
    if let Some(db) = postgres_db("lock").await {
        second_sync_skips(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_query_is_read_to_its_last_page() {
    let registry = StandIn::start(records()).await;
    registry.registry.set_page_limit(1);
    let store = sqlite_db("query_pages").open().await;
    store
        .add_watch("filter.overallStatus=RECRUITING", "test")
        .await
        .unwrap();
    let pipeline = laysum::Pipeline::new().unwrap();
    let config = laysum::sync::SyncConfig::for_tests();
    let report = laysum::sync::sync(&store, &pipeline, &registry.url, &config, "test")
        .await
        .unwrap();
    assert_eq!(
        (report.checked, report.fetched, report.in_review),
        (2, 2, 2),
        "{report:?}"
    );
    assert_eq!(
        registry.calls(),
        (2, 2),
        "two listing pages of one study each, then the two records"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_waits_as_long_as_the_registry_asks() {
    let registry = StandIn::start(records()).await;
    let store = sqlite_db("retry_after").open().await;
    store.add_watch(SEED, "test").await.unwrap();
    // The listing is refused once, asking for a second's wait.
    registry.registry.set_busy_for(1);
    let pipeline = laysum::Pipeline::new().unwrap();
    // The backoff alone is 10 ms: only Retry-After makes the sync take a second.
    let config = laysum::sync::SyncConfig::for_tests();
    let started = Instant::now();
    let report = laysum::sync::sync(&store, &pipeline, &registry.url, &config, "test")
        .await
        .unwrap();
    assert_eq!(report.fetched, 1);
    assert_eq!(registry.calls(), (2, 1), "the listing asked twice");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited what Retry-After asked: {:?}",
        started.elapsed()
    );
    assert_eq!(report.registry_calls, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_the_registry_refuses_is_named_and_the_other_watches_are_synced() {
    let registry = StandIn::start(records()).await;
    let db = sqlite_db("refused_query");
    let store = db.open().await;
    store.add_watch(SEED, "test").await.unwrap();
    store
        .add_watch("filter.overalStatus=RECRUITING", "test")
        .await
        .unwrap();
    store.close().await;
    let cmd = sync_command(&registry, &db);
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = cmd;
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("checked 1 studies, 1 changed, fetched 1, 1 in review"),
        "{stdout}"
    );
    assert!(
        stderr.contains("failed: filter.overalStatus=RECRUITING: answered 400")
            && stderr.contains("unknown parameter"),
        "{stderr}"
    );
}

/// Two server instances on one database, each with its own hourly timer.
async fn instances_share_rounds(db: TestDb) {
    use laysum::sync::{sync, sync_round, SyncConfig};
    let registry = StandIn::start(records()).await;
    let (a, b) = (db.open().await, db.open().await);
    a.add_watch(SEED, "test").await.unwrap();
    let pipeline = laysum::Pipeline::new().unwrap();
    let config = SyncConfig::for_tests();
    let hour = Duration::from_secs(3600);

    let first = sync_round(&a, &pipeline, &registry.url, &config, "sync", hour)
        .await
        .unwrap();
    assert!(!first.skipped);
    assert_eq!(first.fetched, 1);
    assert_eq!(registry.calls(), (1, 1));
    // The other instance's timer fires within the same hour: it skips, asking nothing.
    let second = sync_round(&b, &pipeline, &registry.url, &config, "sync", hour)
        .await
        .unwrap();
    assert!(second.skipped, "{second:?}");
    assert_eq!(registry.calls(), (1, 1), "the registry was not asked twice");
    // A sync asked for by hand always runs.
    let by_hand = sync(&b, &pipeline, &registry.url, &config, "ada")
        .await
        .unwrap();
    assert!(!by_hand.skipped);
    assert_eq!(registry.calls(), (2, 1));
    // Half an interval after the last sync, the next round runs.
    tokio::time::sleep(Duration::from_millis(60)).await;
    let later = sync_round(
        &a,
        &pipeline,
        &registry.url,
        &config,
        "sync",
        Duration::from_millis(100),
    )
    .await
    .unwrap();
    assert!(!later.skipped, "{later:?}");
    assert_eq!(registry.calls(), (3, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_several_instances_one_syncs_each_round_on_sqlite() {
    instances_share_rounds(sqlite_db("rounds")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_several_instances_one_syncs_each_round_on_postgres() {
    if let Some(db) = postgres_db("rounds").await {
        instances_share_rounds(db).await;
    }
}
