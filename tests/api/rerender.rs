//! `laysum rerender` beside the sync: a new wording never pushes aside a registry change that
//! waits in review.

use crate::helpers::*;
use crate::standin::StandIn;
use crate::store::{complete_seed, records, SEED};
use laysum::store::pages::text_hash;
use laysum::store::{Reason, Store};
use laysum::sync::rerender::rerender;
use laysum::sync::{sync, SyncConfig};
use laysum::Pipeline;

/// Gives a stored page the text an older wording made (as a template change would).
async fn age_wording(db: &TestDb, store: &Store, id: i64) {
    let mut page = store.page_version(id).await.unwrap().page;
    page["sections"]["summary"] = "An older wording of this summary.".into();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    sqlx::query("UPDATE page_versions SET page = $1, text_hash = $2 WHERE id = $3")
        .bind(page.to_string())
        .bind(text_hash(&page))
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::Connection::close(conn).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerender_keeps_the_record_change_waiting_in_review() {
    let registry = StandIn::start(records()).await;
    let db = sqlite_db("rerender_pending");
    let store = db.open().await;
    let pipeline = Pipeline::new().unwrap();
    let config = SyncConfig::for_tests();
    store.add_watch(SEED, "test").await.unwrap();
    sync(&store, &pipeline, &registry.url, &config, "sync")
        .await
        .unwrap();
    let first = store.reviews().await.unwrap().remove(0);
    store.approve(first.id, "rey", None).await.unwrap();

    // The registry changes the study; its new page waits in review. Then the wording changes:
    // both the published page and the one in review were made with the older one.
    registry.registry.change(SEED, "2026-07-15", complete_seed);
    let report = sync(&store, &pipeline, &registry.url, &config, "sync")
        .await
        .unwrap();
    assert_eq!(report.in_review, 1);
    let waiting = store.reviews().await.unwrap().remove(0);
    assert_eq!(waiting.reason, Reason::RecordChanged);
    age_wording(&db, &store, first.id).await;
    age_wording(&db, &store, waiting.id).await;

    let report = rerender(&store, &pipeline, "rerender").await.unwrap();
    assert_eq!((report.checked, report.in_review), (1, 1), "{report:?}");
    let reviews = store.reviews().await.unwrap();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    let review = &reviews[0];
    assert_ne!(review.id, waiting.id, "made again with the current wording");
    assert_eq!(
        (review.reason, review.record_version_id),
        (Reason::RecordChanged, waiting.record_version_id),
        "still the page of the new record, shown to its reviewer as a record change"
    );
    let summary = review.page["sections"]["summary"].as_str().unwrap();
    assert!(summary.contains("31 people took part"), "{summary}");

    // Asked again, the same page stays the one in review.
    let report = rerender(&store, &pipeline, "rerender").await.unwrap();
    assert_eq!(report.in_review, 1);
    assert_eq!(store.reviews().await.unwrap()[0].id, review.id);

    store.approve(review.id, "rey", None).await.unwrap();
    let published = store.published(SEED).await.unwrap().unwrap();
    assert!(published.version.page["sections"]["summary"]
        .as_str()
        .unwrap()
        .contains("31 people took part"));
    assert_eq!(
        published.history.last_updated.as_deref(),
        Some("2026-07-15")
    );
    let report = sync(&store, &pipeline, &registry.url, &config, "sync")
        .await
        .unwrap();
    assert_eq!((report.fetched, report.in_review), (0, 0));
}
