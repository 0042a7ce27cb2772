//! The store of published pages end to end, against the registry stand-in, on SQLite and on
//! PostgreSQL: watch → sync → review → approve → the website's page with its history; a record
//! changes → sync → a new version in review with its changes → approve; a restart loses
//! nothing.

use crate::helpers::*;
use crate::standin::StandIn;
use laysum::store::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const SEED: &str = "NCT07635758";
pub const OTHER: &str = "NCT05602779";

/// The two records the stand-in serves at first.
pub fn records() -> Vec<Value> {
    [seed_record(), fixtures().join("trials/NCT05602779.json")]
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

/// A request with a bearer token.
pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.http.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    send(app, reqwest::Method::POST, path, Some(token), Some(body)).await
}

pub async fn get_with(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    send(app, reqwest::Method::GET, path, Some(token), None).await
}

/// The ids of the pages in review, by NCT id.
pub async fn in_review(app: &TestApp, token: &str) -> Vec<(String, String, String)> {
    let (status, list) = get_with(app, "/v1/reviews", token).await;
    assert_eq!(status, 200, "{list}");
    list["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["nct_id"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The seed trial completed with more people than planned.
pub fn complete_seed(record: &mut Value) {
    let p = &mut record["protocolSection"];
    p["statusModule"]["overallStatus"] = "COMPLETED".into();
    p["designModule"]["enrollmentInfo"] = json!({"count": 31, "type": "ACTUAL"});
}

async fn end_to_end(db: TestDb) {
    let registry = StandIn::start(records()).await;
    let app = spawn_app_on(&registry.url, Some(db.open().await), |_| {}).await;
    let admin = app.token("ada", Role::Admin).await;
    let reviewer = app.token("rey", Role::Reviewer).await;

    // Nothing published yet: the website gets a clear 404.
    let (status, body) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_published");

    // Watch two studies, sync: both pages go into review.
    for id in [SEED, OTHER] {
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &format!("/v1/watches/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, 201);
    }
    let (status, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["checked"].as_u64(), report["fetched"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["in_review"], 2);
    assert_eq!(
        registry.calls(),
        (1, 2),
        "one listing for both ids, then the two records"
    );
    let reviews = in_review(&app, &reviewer).await;
    assert_eq!(reviews.len(), 2);
    assert!(reviews.iter().all(|(_, _, reason)| reason == "new_study"));
    // In review is not published.
    let (status, _) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);

    for (_, id, _) in &reviews {
        let (status, body) = post(
            &app,
            &format!("/v1/reviews/{id}/approve"),
            &reviewer,
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "published");
    }
    let (status, page) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let first_summary = page["sections"]["summary"].as_str().unwrap().to_owned();
    assert!(first_summary.contains("24"), "{first_summary}");
    let history = &page["history"];
    assert_eq!(history["versions"], 1);
    assert_eq!(history["updated_times"], 0);
    assert_eq!(history["approved_by"], "rey");
    assert_eq!(history["last_updated"], "2026-06-27");
    assert_eq!(
        history["first_seen"], "2026-06-25",
        "first seen on the registry: its studyFirstPostDate"
    );
    assert!(history["published_at"].as_str().unwrap().ends_with('Z'));

    // A sync with nothing changed fetches nothing and proposes nothing.
    let (_, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(
        (report["changed"].as_u64(), report["fetched"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(registry.calls(), (2, 2));

    // The registry changes the seed trial: completed, with 31 people.
    registry.registry.change(SEED, "2026-07-15", complete_seed);
    let (_, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(
        (report["changed"].as_u64(), report["fetched"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(
        registry.calls(),
        (3, 3),
        "only the changed record is fetched"
    );
    let reviews = in_review(&app, &reviewer).await;
    assert_eq!(
        reviews.len(),
        1,
        "the unchanged study made no new review item: {reviews:?}"
    );
    let (nct, id, reason) = &reviews[0];
    assert_eq!((nct.as_str(), reason.as_str()), (SEED, "record_changed"));

    let (status, detail) = get_with(&app, &format!("/v1/reviews/{id}"), &reviewer).await;
    assert_eq!(status, 200);
    let fields: Vec<(&str, &Value, &Value)> = detail["changed_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), &f["old"], &f["new"]))
        .collect();
    assert!(
        fields.contains(&(
            "protocolSection.statusModule.overallStatus",
            &json!("RECRUITING"),
            &json!("COMPLETED")
        )),
        "{fields:?}"
    );
    assert!(
        fields.contains(&(
            "protocolSection.designModule.enrollmentInfo.count",
            &json!(24),
            &json!(31)
        )),
        "{fields:?}"
    );
    let summary = detail["diff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["section"] == "summary")
        .unwrap();
    let ops = summary["ops"].as_array().unwrap();
    let words = |tag: &str| -> String {
        ops.iter()
            .filter(|o| o[0] == tag)
            .map(|o| o[1].as_str().unwrap())
            .collect::<Vec<_>>()
            .join("|")
    };
    assert!(words("delete").contains("24"), "{ops:?}");
    assert!(words("insert").contains("31"), "{ops:?}");
    assert!(
        words("equal").contains("placenta"),
        "most words stay: {ops:?}"
    );
    assert_eq!(
        detail["published"]["sections"]["summary"],
        first_summary.as_str()
    );
    assert!(detail["proposed"]["sections"]["summary"]
        .as_str()
        .unwrap()
        .contains("31"));
    assert!(detail["quality"]["grade_level"].is_number());

    let (status, _) = post(
        &app,
        &format!("/v1/reviews/{id}/approve"),
        &reviewer,
        json!({"note": "status and size"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, page) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert!(page["sections"]["summary"].as_str().unwrap().contains("31"));
    assert_eq!(page["history"]["updated_times"], 1);
    assert_eq!(page["history"]["versions"], 2);
    assert_eq!(page["history"]["last_updated"], "2026-07-15");
    let (_, other) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{OTHER}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(other["history"]["updated_times"], 0);

    // Markdown and HTML show the history as the seed page does.
    let markdown = app
        .get(&format!("/v1/studies/{SEED}/page?format=markdown"))
        .await
        .text()
        .await
        .unwrap();
    let line = markdown
        .lines()
        .find(|l| l.starts_with("First seen"))
        .unwrap_or_else(|| panic!("{markdown}"));
    assert_eq!(
        line, "First seen Jun 25, 2026 · Last updated Jul 15, 2026 · Updated 1 time",
        "as the seed page shows it"
    );
    let html = app
        .get(&format!("/v1/studies/{SEED}/page?format=html"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("First seen Jun 25, 2026 · Last updated Jul 15, 2026 · Updated 1 time</p>"),
        "{html}"
    );

    // Restart: a new server on the same database serves the same pages and history.
    let before_json = page.clone();
    let before_audit = get_with(&app, "/v1/audit", &admin).await.1;
    app.stop().await;
    let app = spawn_app_on(&registry.url, Some(db.open().await), |_| {}).await;
    let (status, after) = send(
        &app,
        reqwest::Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(after, before_json, "nothing lost on {}", db.name);
    assert_eq!(
        get_with(&app, "/v1/audit", &admin).await.1,
        before_audit,
        "tokens and audit kept"
    );
    let (_, watches) = get_with(&app, "/v1/watches", &admin).await;
    assert_eq!(watches["watches"].as_array().unwrap().len(), 2);
    assert!(in_review(&app, &reviewer).await.is_empty());
    let (_, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(
        report["fetched"], 0,
        "what was fetched before is known after the restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_studies_are_synced_reviewed_and_published_with_history_on_sqlite() {
    end_to_end(sqlite_db("end_to_end")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_studies_are_synced_reviewed_and_published_with_history_on_postgres() {
    if let Some(db) = postgres_db("end_to_end").await {
        end_to_end(db).await;
    }
}

#[tokio::test]
async fn the_published_page_answers_304_to_its_etag_until_it_changes() {
    let registry = StandIn::start(records()).await;
    let app = spawn_app_on(&registry.url, Some(sqlite_db("etag").open().await), |_| {}).await;
    let admin = app.token("ada", Role::Admin).await;
    app.store().add_watch(SEED, "test").await.unwrap();
    post(&app, "/v1/sync", &admin, json!({})).await;
    let (_, id, _) = in_review(&app, &admin).await.remove(0);
    post(
        &app,
        &format!("/v1/reviews/{id}/approve"),
        &admin,
        json!({}),
    )
    .await;

    let path = format!("/v1/studies/{SEED}/page?format=html");
    let first = app.get(&path).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .http
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
    let json_etag = app.get(&format!("/v1/studies/{SEED}/page")).await.headers()["etag"].clone();
    assert_ne!(json_etag.to_str().unwrap(), etag, "each format has its own");

    registry.registry.change(SEED, "2026-07-15", complete_seed);
    post(&app, "/v1/sync", &admin, json!({})).await;
    // In review only: the website's page has not changed.
    let still = app
        .http
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 304);
    let (_, id, _) = in_review(&app, &admin).await.remove(0);
    post(
        &app,
        &format!("/v1/reviews/{id}/approve"),
        &admin,
        json!({}),
    )
    .await;
    let changed = app
        .http
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
}
