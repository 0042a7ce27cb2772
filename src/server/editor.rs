//! The editors' draft page: `GET /` with its script and style, and `POST /v1/drafts`, which
//! gives the page in all three formats at once so what an editor copies is what they saw.
//!
//! The page is `templates/editor/`: plain HTML, CSS and JavaScript, no build step and no outside
//! resource. Its Content-Security-Policy allows only our own script and style, so even registry
//! text that slipped past escaping could not run.

use super::{fetch, writer, ApiError, AppState};
use crate::ctgov::client::is_nct_id;
use crate::llm::LlmWriter;
use crate::render::Format;
use crate::summary::Summary;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What an editor asks for: a study by NCT id, or a record pasted as text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DraftRequest {
    /// e.g. `NCT07635758`; fetched from the registry.
    pub nct_id: Option<String>,
    /// A study record (ClinicalTrials.gov API v2 JSON) as text; wins over `nct_id`.
    pub record: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DraftQuery {
    /// `rules` (default) or `llm`.
    pub writer: Option<String>,
}

/// A draft in every form an editor needs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftResponse {
    pub page: Summary,
    pub markdown: String,
    /// The fragment the website embeds; registry text escaped.
    pub html: String,
}

/// The editors' draft page.
#[utoipa::path(get, path = "/", responses((status = 200, description = "The editors' draft page.", content_type = "text/html")))]
pub async fn index(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let html = state
        .pipeline
        .templates()
        .render(
            "editor/index.html.j2",
            minijinja::context! {
                version => state.pipeline.version(),
                llm_model => state.llm.as_ref().map(LlmWriter::model),
            },
        )
        .map_err(|e| ApiError::Internal(format!("{e:#}")))?;
    Ok((security_headers(), Html(html)).into_response())
}

pub async fn script() -> Response {
    asset("editor/editor.js", "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset("editor/editor.css", "text/css; charset=utf-8")
}

fn asset(name: &str, content_type: &'static str) -> Response {
    match crate::templates::file(name) {
        Some(text) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            text,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn security_headers() -> [(HeaderName, &'static str); 4] {
    [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-cache"),
    ]
}

/// A draft for the editors' page: the JSON page, its Markdown and its HTML, from one run.
#[utoipa::path(
    post,
    path = "/v1/drafts",
    params(DraftQuery),
    request_body(content = DraftRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The page in all three formats.", body = DraftResponse),
        (status = 400, description = "No NCT id or record, a bad NCT id, or a record that is not a study.", body = super::error::ErrorBody),
        (status = 404, description = "The registry has no such study.", body = super::error::ErrorBody),
        (status = 502, description = "The registry is unavailable.", body = super::error::ErrorBody),
        (status = 504, description = "The registry did not answer in time.", body = super::error::ErrorBody),
    )
)]
pub async fn post_draft(
    State(state): State<Arc<AppState>>,
    query: Result<Query<DraftQuery>, QueryRejection>,
    body: Result<Json<DraftRequest>, JsonRejection>,
) -> Result<Json<DraftResponse>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadQuery(e.body_text()))?;
    let Json(request) = body.map_err(|e| match e {
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge {
                limit: state.config.body_limit_bytes,
            }
        }
        other => ApiError::BadBody(other.body_text()),
    })?;
    let writer = writer(&state, query.writer.as_deref())?;
    let record = match (request.record, request.nct_id) {
        (Some(record), _) if !record.trim().is_empty() => bytes::Bytes::from(record),
        (_, Some(id)) if !id.trim().is_empty() => {
            let id = id.trim().to_ascii_uppercase();
            if !is_nct_id(&id) {
                return Err(ApiError::BadNctId(id));
            }
            fetch(&state, &id).await?
        }
        _ => {
            return Err(ApiError::BadBody(
                "give an nct_id or a record to draft from".into(),
            ))
        }
    };
    let page = state.pipeline.summarize_with(&record, writer).await?;
    state.metrics.page(&page.generator.writer);
    Ok(Json(DraftResponse {
        markdown: state.pipeline.render(&page, Format::Markdown)?,
        html: state.pipeline.render(&page, Format::Html)?,
        page,
    }))
}
