//! The HTTP service, called over loopback as the website and the editors' tools call it.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn error_of(resp: reqwest::Response) -> (StatusCode, String, String) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn post_summary_returns_the_json_page() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let resp = app
        .post_record("", std::fs::read(seed_record()).unwrap())
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("x-request-id"));
    let page: Value = resp.json().await.unwrap();
    assert_eq!(page["nct_id"], "NCT07635758");
    assert_eq!(page["disclaimers"].as_array().unwrap().len(), 2);
    assert_eq!(page["generator"]["writer"], "rules");
}

#[tokio::test]
async fn post_summary_in_markdown_and_html() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let record = std::fs::read(seed_record()).unwrap();
    let md = app.post_record("?format=markdown", record.clone()).await;
    assert_eq!(md.status(), StatusCode::OK);
    assert!(md.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert!(md.text().await.unwrap().contains("## Summary"));
    let html = app.post_record("?format=html", record).await;
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.text().await.unwrap().contains("<h2>Summary</h2>"));
}

#[tokio::test]
async fn bad_bodies_get_400_with_what_is_wrong() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let (status, code, message) = error_of(app.post_record("", "{\n\"a\": 1,\n oops}").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "not_json")
    );
    assert!(message.contains("line 3 column 2"), "{message}");
    let (status, code, _) = error_of(app.post_record("", "[1,2]").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "not_a_study")
    );
    let (status, code, message) =
        error_of(app.post_record("", r#"{"protocolSection": {}}"#).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "no_nct_id")
    );
    assert!(message.contains("protocolSection.identificationModule.nctId"));
    let (status, code, _) = error_of(app.post_record("?format=pdf", "{}").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_query")
    );
}

#[tokio::test]
async fn wrong_content_type_gets_415() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let resp = app
        .http
        .post(app.url("/v1/summaries"))
        .header("content-type", "text/plain")
        .body(std::fs::read(seed_record()).unwrap())
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
}

#[tokio::test]
async fn body_over_the_limit_gets_413_and_the_server_keeps_serving() {
    let app = spawn_app_with("http://127.0.0.1:9", |c| c.body_limit_bytes = 1_000).await;
    let big = format!(r#"{{"protocolSection": {{"x": "{}"}}}}"#, "a".repeat(5_000));
    let (status, code, message) = error_of(app.post_record("", big).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert!(message.contains("1000 bytes"), "{message}");
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn strict_publish_refuses_a_page_that_breaks_a_hard_rule() {
    let app = spawn_app("http://127.0.0.1:9").await;
    // A treatment whose registered name is a promise: the page would repeat it.
    let record = r#"{"protocolSection": {
        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A trial"},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE3"]},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Miracle Cure Pill"}]}}}"#;
    let lenient = app.post_record("", record).await;
    assert_eq!(
        lenient.status(),
        StatusCode::OK,
        "drafts are served with their warnings"
    );
    let resp = app.post_record("?strict=true", record).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "guard_failed");
    let warnings = body["error"]["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["code"] == "forbidden_claim"),
        "{warnings:?}"
    );
    // A clean page passes the publish path.
    let ok = app
        .post_record("?strict=true", std::fs::read(seed_record()).unwrap())
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn get_study_summary_fetches_from_the_registry() {
    let registry = registry().await;
    let app = spawn_app(&registry.uri()).await;
    let resp = app.get("/v1/studies/NCT02210780/summary").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page: Value = resp.json().await.unwrap();
    assert_eq!(page["nct_id"], "NCT02210780");
    let md = app
        .get("/v1/studies/NCT07635758/summary?format=markdown")
        .await;
    assert!(md.text().await.unwrap().contains("Beijing"));
}

#[tokio::test]
async fn malformed_nct_id_is_refused_before_any_upstream_call() {
    let registry = registry().await;
    let app = spawn_app(&registry.uri()).await;
    for bad in ["NCT123", "nct0763575x", "12345678901", "NCT076357581"] {
        let (status, code, _) =
            error_of(app.get(&format!("/v1/studies/{bad}/summary")).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "bad_nct_id"),
            "{bad}"
        );
    }
    assert!(registry.received_requests().await.unwrap().is_empty());
    assert_eq!(app.state.metrics.upstream_calls(), 0);
}

#[tokio::test]
async fn unknown_study_upstream_is_404() {
    let registry = registry().await;
    let app = spawn_app(&registry.uri()).await;
    let (status, code, message) = error_of(app.get("/v1/studies/NCT99999999/summary").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "study_not_found")
    );
    assert!(message.contains("NCT99999999"));
}

#[tokio::test]
async fn registry_429_with_retry_after_is_retried() {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/studies/NCT07635758"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&upstream)
        .await;
    Mock::given(method("GET"))
        .and(path("/studies/NCT07635758"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(std::fs::read(seed_record()).unwrap(), "application/json"),
        )
        .mount(&upstream)
        .await;
    let app = spawn_app(&upstream.uri()).await;
    let start = std::time::Instant::now();
    let resp = app.get("/v1/studies/NCT07635758/summary").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(upstream.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn registry_500_is_retried_then_502() {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&upstream)
        .await;
    let app = spawn_app_with(&upstream.uri(), |c| c.upstream_retries = 2).await;
    let (status, code, _) = error_of(app.get("/v1/studies/NCT07635758/summary").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_GATEWAY, "upstream_unavailable")
    );
    assert_eq!(
        upstream.received_requests().await.unwrap().len(),
        3,
        "one call and two retries"
    );
}

#[tokio::test]
async fn registry_down_is_502() {
    // Port 9 (discard) on loopback has no listener: the connection is refused.
    let app = spawn_app_with("http://127.0.0.1:9", |c| c.upstream_retries = 0).await;
    let (status, code, _) = error_of(app.get("/v1/studies/NCT07635758/summary").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_GATEWAY, "upstream_unavailable")
    );
}

#[tokio::test]
async fn slow_registry_is_504() {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_string("{}"),
        )
        .mount(&upstream)
        .await;
    let app = spawn_app_with(&upstream.uri(), |c| c.upstream_timeout_ms = 300).await;
    let (status, code, _) = error_of(app.get("/v1/studies/NCT07635758/summary").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout")
    );
}

#[tokio::test]
async fn a_burst_for_one_trial_makes_one_upstream_call() {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/studies/NCT07635758"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(200))
                .set_body_raw(std::fs::read(seed_record()).unwrap(), "application/json"),
        )
        .mount(&upstream)
        .await;
    let app = spawn_app(&upstream.uri()).await;
    let requests = (0..50).map(|_| app.get("/v1/studies/NCT07635758/summary"));
    let responses = futures::future::join_all(requests).await;
    assert!(responses.iter().all(|r| r.status() == StatusCode::OK));
    assert_eq!(upstream.received_requests().await.unwrap().len(), 1);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("laysum_upstream_calls_total 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn health_metrics_and_openapi_answer() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let health: Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    app.post_record("", std::fs::read(seed_record()).unwrap())
        .await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    for line in [
        "laysum_http_requests_total{route=\"/v1/summaries\",status=\"200\"} 1",
        "laysum_http_request_duration_seconds_count{route=\"/v1/summaries\"} 1",
        "laysum_pages_total{writer=\"rules\"} 1",
        "laysum_guard_failures_total 0",
        "laysum_cache_hits_total 0",
    ] {
        assert!(metrics.contains(line), "no {line} in\n{metrics}");
    }
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/v1/summaries"]["post"].is_object());
    assert!(doc["paths"]["/v1/studies/{nct_id}/summary"]["get"].is_object());
    assert!(doc["components"]["schemas"]["Summary"].is_object());
    assert!(doc["paths"]["/v1/studies/{nct_id}/page"]["get"].is_object());
    assert!(doc["paths"]["/v1/reviews/{id}/approve"]["post"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let (status, code, _) = error_of(app.get("/v2/nothing").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "no_route"));
}
