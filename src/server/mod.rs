//! `laysum serve`: the HTTP service for the website and the editors (DESIGN.md, Interfaces).
//!
//! - `POST /v1/summaries` — a record in the body → its page;
//! - `GET /v1/studies/{nct_id}/summary` — the record fetched from the registry (cached) → its page;
//!   both with `writer=rules` (default) or `writer=llm` when a model is set up;
//! - `GET /` — the editors' draft page, with `POST /v1/drafts` behind it ([`editor`]);
//! - `GET /healthz`, `GET /metrics` (Prometheus text), `GET /openapi.json`.
//!
//! Handlers are thin: they read the request, call the [`Pipeline`], and answer; every failure
//! is an [`ApiError`], which alone decides the status code. Around them: request ids, a tracing
//! span per request, metrics, a concurrency limit and a request timeout.

pub mod auth;
pub mod config;
pub mod editor;
pub mod error;
pub mod metrics;
pub mod published;
pub mod reviews;
pub mod watches;

pub use config::Config;
pub use error::ApiError;

use crate::ctgov::client::{is_nct_id, Client, UpstreamError};
use crate::llm::LlmWriter;
use crate::render::Format;
use crate::store::Store;
use crate::summary::{Severity, Summary};
use crate::{Pipeline, Writer};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use metrics::Metrics;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;

/// What every handler shares.
pub struct AppState {
    pub pipeline: Pipeline,
    /// The llm writer, when a model is set up.
    pub llm: Option<LlmWriter>,
    pub upstream: Client,
    /// Fetched records by NCT id; concurrent misses for one id wait on a single fetch.
    pub cache: moka::future::Cache<String, Bytes>,
    pub metrics: Metrics,
    pub config: Config,
    /// The published pages; `laysum serve` always opens one (see [`serve`]).
    pub store: Option<Store>,
}

impl AppState {
    /// The state of a server without a store: the pages it renders are never kept.
    pub fn new(config: Config) -> anyhow::Result<Arc<Self>> {
        Self::with_store(config, None)
    }

    /// The store, or 503 on a server that has none.
    pub fn store(&self) -> Result<&Store, ApiError> {
        self.store.as_ref().ok_or(ApiError::NoStore)
    }

    pub fn with_store(config: Config, store: Option<Store>) -> anyhow::Result<Arc<Self>> {
        config.validate()?;
        let cache = moka::future::Cache::builder()
            .max_capacity(config.cache_max_bytes)
            .weigher(|k: &String, v: &Bytes| u32::try_from(k.len() + v.len()).unwrap_or(u32::MAX))
            .time_to_live(Duration::from_secs(config.cache_ttl_secs))
            .build();
        Ok(Arc::new(AppState {
            pipeline: Pipeline::new()?,
            llm: LlmWriter::new(&config.llm)?,
            upstream: Client::new(config.upstream())?,
            cache,
            metrics: Metrics::default(),
            config,
            store,
        }))
    }
}

/// The query options of both page routes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `json` (default), `markdown` or `html`.
    #[param(value_type = Option<String>)]
    pub format: Option<Format>,
    /// `rules` (default) or `llm` (a model's draft, checked; the rules draft when it cannot stand).
    pub writer: Option<String>,
    /// `true` on the publish path: a page with any `error`-severity warning is refused with 422.
    pub strict: Option<bool>,
}

/// The HTTP application, with its middleware.
pub fn app(state: Arc<AppState>) -> Router {
    let timeout = Duration::from_millis(state.config.request_timeout_ms);
    let timeout_ms = state.config.request_timeout_ms;
    Router::new()
        .route("/v1/summaries", post(post_summary))
        .route("/v1/studies/{nct_id}/summary", get(get_study_summary))
        .route("/", get(editor::index))
        .route("/editor/editor.js", get(editor::script))
        .route("/editor/editor.css", get(editor::style))
        .route("/v1/drafts", post(editor::post_draft))
        .route("/v1/studies/{nct_id}/page", get(published::page))
        .route("/v1/reviews", get(reviews::list))
        .route("/v1/reviews/{id}", get(reviews::show))
        .route("/v1/reviews/{id}/approve", post(reviews::approve))
        .route("/v1/reviews/{id}/reject", post(reviews::reject))
        .route("/v1/drafts/{nct_id}", axum::routing::put(reviews::edit))
        .route("/v1/watches", get(watches::list).post(watches::add))
        .route(
            "/v1/watches/{target}",
            axum::routing::put(watches::put).delete(watches::remove),
        )
        .route("/v1/sync", post(watches::sync_now))
        .route("/v1/audit", get(watches::audit))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi_json))
        .fallback(|uri: axum::http::Uri| async move { ApiError::NoRoute(uri.path().to_owned()) })
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request| {
                            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                            tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                        })
                        // One line per answered request, with its status and latency.
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(middleware::from_fn(move |req, next| deadline(req, next, timeout, timeout_ms)))
                .layer(tower::limit::ConcurrencyLimitLayer::new(state.config.max_concurrency)),
        )
        .with_state(state)
}

/// Answers 503 with a JSON error when a request runs past its time.
async fn deadline(req: Request, next: Next, timeout: Duration, ms: u64) -> Response {
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::Timeout(ms).into_response(),
    }
}

async fn record_metrics(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    // Unmatched paths share one label, so a scan of random URLs cannot grow the metrics.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let resp = next.run(req).await;
    state
        .metrics
        .request(&route, resp.status().as_u16(), start.elapsed());
    resp
}

/// Request ids: a per-process prefix and a counter, cheap and unique enough to follow a request
/// through the logs.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        RequestIds {
            prefix: nanos ^ std::process::id(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Render a study record given in the body.
#[utoipa::path(
    post,
    path = "/v1/summaries",
    params(PageQuery),
    request_body(content = Object, content_type = "application/json", description = "One study record in the ClinicalTrials.gov API v2 format."),
    responses(
        (status = 200, description = "The page (JSON; Markdown or HTML with `format`).", body = Summary),
        (status = 400, description = "Not JSON, not a study, or a bad query option.", body = error::ErrorBody),
        (status = 413, description = "Body over the limit.", body = error::ErrorBody),
        (status = 415, description = "Body not sent as application/json.", body = error::ErrorBody),
        (status = 422, description = "strict=true and the page breaks a hard rule.", body = error::ErrorBody),
    )
)]
async fn post_summary(
    State(state): State<Arc<AppState>>,
    query: Result<Query<PageQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadQuery(e.body_text()))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    if !is_json(content_type) {
        return Err(ApiError::UnsupportedMediaType(content_type.to_owned()));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                limit: state.config.body_limit_bytes,
            }
        } else {
            ApiError::BadBody(e.body_text())
        }
    })?;
    page(&state, &body, &query).await
}

/// Fetch a study from the registry and render it.
#[utoipa::path(
    get,
    path = "/v1/studies/{nct_id}/summary",
    params(("nct_id" = String, Path, description = "NCT and eight digits, e.g. NCT07635758"), PageQuery),
    responses(
        (status = 200, description = "The page (JSON; Markdown or HTML with `format`).", body = Summary),
        (status = 400, description = "Not an NCT id, or the registry's record is not a study.", body = error::ErrorBody),
        (status = 404, description = "The registry has no such study.", body = error::ErrorBody),
        (status = 422, description = "strict=true and the page breaks a hard rule.", body = error::ErrorBody),
        (status = 502, description = "The registry is unavailable.", body = error::ErrorBody),
        (status = 504, description = "The registry did not answer in time.", body = error::ErrorBody),
    )
)]
async fn get_study_summary(
    State(state): State<Arc<AppState>>,
    Path(nct_id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadQuery(e.body_text()))?;
    let nct_id = nct_id.trim().to_ascii_uppercase();
    if !is_nct_id(&nct_id) {
        return Err(ApiError::BadNctId(nct_id));
    }
    let record = fetch(&state, &nct_id).await?;
    page(&state, &record, &query).await
}

/// A record from the cache, or from the registry (one call however many ask at once).
pub(crate) async fn fetch(state: &AppState, nct_id: &str) -> Result<Bytes, ApiError> {
    if let Some(hit) = state.cache.get(nct_id).await {
        state.metrics.cache(true);
        return Ok(hit);
    }
    state.metrics.cache(false);
    state
        .cache
        .try_get_with(nct_id.to_owned(), async {
            state.metrics.upstream_call();
            let result = state.upstream.fetch(nct_id).await;
            if let Err(e) = &result {
                state.metrics.upstream_error(match e {
                    UpstreamError::NotFound(_) => "not_found",
                    UpstreamError::Timeout => "timeout",
                    UpstreamError::Unavailable(_) => "unavailable",
                });
            }
            result
        })
        .await
        .map_err(|e: Arc<UpstreamError>| ApiError::Upstream((*e).clone()))
}

/// The page of a record in the asked format; on the publish path, refused if it broke a rule.
async fn page(state: &AppState, record: &[u8], query: &PageQuery) -> Result<Response, ApiError> {
    let writer = writer(state, query.writer.as_deref())?;
    let summary = state.pipeline.summarize_with(record, writer).await?;
    state.metrics.page(&summary.generator.writer);
    if query.strict.unwrap_or(false) {
        let errors: Vec<_> = summary
            .quality
            .warnings
            .iter()
            .filter(|w| w.severity == Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            state.metrics.guard_failure();
            return Err(ApiError::GuardFailed(errors));
        }
    }
    let format = query.format.unwrap_or_default();
    let text = state.pipeline.render(&summary, format)?;
    Ok(([(header::CONTENT_TYPE, format.content_type())], text).into_response())
}

/// The writer a request asks for.
pub(crate) fn writer<'a>(state: &'a AppState, name: Option<&str>) -> Result<Writer<'a>, ApiError> {
    match name {
        None | Some("rules") => Ok(Writer::Rules),
        Some("llm") => Ok(Writer::Llm(
            state.llm.as_ref().ok_or(ApiError::WriterUnavailable)?,
        )),
        Some(other) => Err(ApiError::BadQuery(format!(
            "unknown writer {other:?}: use rules or llm"
        ))),
    }
}

fn is_json(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Whether the service is up, and which wording it writes with.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Up.")))]
async fn healthz(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "generator_version": state.pipeline.version(), "llm_model": state.llm.as_ref().map(LlmWriter::model)}),
    )
}

/// Counters and latency histograms in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text.", content_type = "text/plain")))]
async fn metrics_text(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(state.llm.as_ref().map(|l| &*l.stats)),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "laysum",
        description = "Plain-language pages about clinical trials, from ClinicalTrials.gov records."
    ),
    paths(
        post_summary,
        get_study_summary,
        editor::post_draft,
        editor::index,
        published::page,
        reviews::list,
        reviews::show,
        reviews::approve,
        reviews::reject,
        reviews::edit,
        watches::list,
        watches::add,
        watches::put,
        watches::remove,
        watches::sync_now,
        watches::audit,
        healthz,
        metrics_text
    ),
    components(schemas(Summary, error::ErrorBody, editor::DraftRequest, editor::DraftResponse)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The bearer scheme the write endpoints name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This API's OpenAPI document, generated from the handlers and types.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Runs the server until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let store = Store::open_configured(config.store.database_url.as_deref()).await?;
    let state = AppState::with_store(config, Some(store))?;
    if let Some(every) = state.config.sync_interval.0 {
        tokio::spawn(background_sync(state.clone(), every));
    }
    tracing::info!(
        addr = %listener.local_addr()?,
        upstream = %state.config.ctgov_url,
        generator = state.pipeline.version(),
        llm_model = state.llm.as_ref().map(LlmWriter::model),
        llm_url = state.llm.as_ref().map(|_| state.config.llm.url.as_str()),
        "laysum listening"
    );
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("laysum stopped");
    Ok(())
}

/// Syncs the watched studies at start and then every `every`. A round that fails is logged and
/// the next one tries again; nothing it stored is lost.
async fn background_sync(state: Arc<AppState>, every: Duration) {
    let Some(store) = state.store.clone() else {
        return;
    };
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match crate::sync::sync_round(
            &store,
            &state.pipeline,
            &state.config.ctgov_url,
            &state.config.sync,
            "sync",
            every,
        )
        .await
        {
            Ok(report) if report.skipped => {}
            Ok(report) => tracing::info!(
                checked = report.checked,
                changed = report.changed,
                fetched = report.fetched,
                in_review = report.in_review,
                failed = report.failed.len(),
                registry_calls = report.registry_calls,
                "sync done"
            ),
            Err(e) => tracing::warn!(error = %e, "sync failed; the next round tries again"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
