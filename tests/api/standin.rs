//! A stand-in for ClinicalTrials.gov's API v2 that a test can change while it runs: an axum
//! app on a random loopback port serving `GET /api/v2/studies/{nctId}` and
//! `GET /api/v2/studies` (`filter.ids`, `query.cond`, `filter.overallStatus`, `fields`,
//! `pageSize`, `pageToken`), as the registry answers them. It counts the calls it gets, and can
//! be taken down (503) and brought back, made busy for a few calls (503 with `Retry-After`), and
//! made to answer short pages. The sync benchmark uses it too.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Registry {
    records: Mutex<BTreeMap<String, Value>>,
    down: AtomicBool,
    /// At most this many studies a page when not 0: a registry may answer fewer than asked,
    /// and a query's later pages must still be read.
    page_limit: AtomicUsize,
    /// Calls still to answer 503 with `Retry-After: 1`, as a registry under load would.
    busy_calls: AtomicU64,
    pub list_calls: AtomicU64,
    pub record_calls: AtomicU64,
}

/// A running stand-in.
pub struct StandIn {
    pub registry: Arc<Registry>,
    /// What `LAYSUM_CTGOV_URL` is set to: `http://127.0.0.1:PORT/api/v2`.
    pub url: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl StandIn {
    pub async fn start(records: impl IntoIterator<Item = Value>) -> StandIn {
        let registry = Arc::new(Registry::default());
        for record in records {
            registry.put(record);
        }
        let app = Router::new()
            .route("/api/v2/studies", get(list))
            .route("/api/v2/studies/{nct_id}", get(study))
            .with_state(registry.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/v2", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        StandIn {
            registry,
            url,
            server,
        }
    }

    pub fn calls(&self) -> (u64, u64) {
        (
            self.registry.list_calls.load(Ordering::SeqCst),
            self.registry.record_calls.load(Ordering::SeqCst),
        )
    }
}

impl Registry {
    /// Adds or replaces a record.
    pub fn put(&self, record: Value) {
        let id = record["protocolSection"]["identificationModule"]["nctId"]
            .as_str()
            .expect("a record with an NCT id")
            .to_owned();
        self.records.lock().unwrap().insert(id, record);
    }

    pub fn get(&self, nct_id: &str) -> Value {
        self.records.lock().unwrap()[nct_id].clone()
    }

    /// Changes a record as the registry would: the change, and a new last update date.
    pub fn change(&self, nct_id: &str, date: &str, edit: impl FnOnce(&mut Value)) {
        let mut record = self.get(nct_id);
        edit(&mut record);
        record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] =
            json!({"date": date, "type": "ACTUAL"});
        self.put(record);
    }

    /// Answers at most `limit` studies a listing page (0: as many as asked).
    pub fn set_page_limit(&self, limit: usize) {
        self.page_limit.store(limit, Ordering::SeqCst);
    }

    /// Answers the next `calls` calls 503 with `Retry-After: 1`.
    pub fn set_busy_for(&self, calls: u64) {
        self.busy_calls.store(calls, Ordering::SeqCst);
    }

    /// Answers 503 to everything while down.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

/// 503 while down (`Retry-After: 0`) or busy (`Retry-After: 1`); `None` when it answers.
fn unavailable(registry: &Registry) -> Option<Response> {
    let busy = registry
        .busy_calls
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let wait = if busy {
        "1"
    } else if registry.down.load(Ordering::SeqCst) {
        "0"
    } else {
        return None;
    };
    Some(
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", wait)],
            "down for maintenance",
        )
            .into_response(),
    )
}

async fn study(State(registry): State<Arc<Registry>>, Path(nct_id): Path<String>) -> Response {
    registry.record_calls.fetch_add(1, Ordering::SeqCst);
    if let Some(refusal) = unavailable(&registry) {
        return refusal;
    }
    match registry.records.lock().unwrap().get(&nct_id) {
        Some(record) => Json(record.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such study").into_response(),
    }
}

/// Only the parts of a record that `fields=NCTId,LastUpdatePostDate` asks for.
fn listed(record: &Value) -> Value {
    let p = &record["protocolSection"];
    json!({"protocolSection": {
        "identificationModule": {"nctId": p["identificationModule"]["nctId"]},
        "statusModule": {"lastUpdatePostDateStruct": p["statusModule"]["lastUpdatePostDateStruct"]},
    }})
}

fn matches(record: &Value, query: &HashMap<String, String>) -> bool {
    let p = &record["protocolSection"];
    if let Some(ids) = query.get("filter.ids") {
        let id = p["identificationModule"]["nctId"].as_str().unwrap_or("");
        if !ids.split([',', '|', ' ']).any(|i| i == id) {
            return false;
        }
    }
    if let Some(cond) = query.get("query.cond") {
        let text = p["conditionsModule"].to_string().to_lowercase();
        if !text.contains(&cond.to_lowercase()) {
            return false;
        }
    }
    if let Some(status) = query.get("filter.overallStatus") {
        let s = p["statusModule"]["overallStatus"].as_str().unwrap_or("");
        if !status.split([',', '|']).any(|x| x == s) {
            return false;
        }
    }
    true
}

async fn list(
    State(registry): State<Arc<Registry>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    registry.list_calls.fetch_add(1, Ordering::SeqCst);
    if let Some(refusal) = unavailable(&registry) {
        return refusal;
    }
    // As the registry does, a parameter it does not know is refused.
    const KNOWN: &[&str] = &[
        "filter.ids",
        "query.cond",
        "query.term",
        "filter.overallStatus",
        "fields",
        "pageSize",
        "pageToken",
        "countTotal",
        "format",
    ];
    if let Some(unknown) = query.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return (
            StatusCode::BAD_REQUEST,
            format!("unknown parameter: {unknown}"),
        )
            .into_response();
    }
    let size: usize = query
        .get("pageSize")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    if size == 0 || size > 1000 {
        return (StatusCode::BAD_REQUEST, "pageSize must be 1 to 1000").into_response();
    }
    let size = match registry.page_limit.load(Ordering::SeqCst) {
        0 => size,
        limit => size.min(limit),
    };
    let from: usize = query
        .get("pageToken")
        .and_then(|t| t.strip_prefix("after-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let only_dates = query
        .get("fields")
        .is_some_and(|f| f == "NCTId,LastUpdatePostDate");
    let records = registry.records.lock().unwrap();
    let found: Vec<&Value> = records.values().filter(|r| matches(r, &query)).collect();
    let page: Vec<Value> = found
        .iter()
        .skip(from)
        .take(size)
        .map(|r| if only_dates { listed(r) } else { (*r).clone() })
        .collect();
    let mut body = json!({ "studies": page });
    if from + size < found.len() {
        body["nextPageToken"] = format!("after-{}", from + size).into();
    }
    Json(body).into_response()
}
