//! `GET /v1/studies/{nct_id}/page`: the published page of a study, for the website. Public, and
//! only what a reviewer approved: a page in review is never served here.
//!
//! The page carries its history (`first_seen`, `last_updated`, `published_at`, `versions`,
//! `updated_times`, `approved_by`); Markdown and HTML show it as the seed page does. An `ETag`
//! (a hash of the answer) lets the website poll cheaply: `If-None-Match` with it gets 304
//! until the page changes.

use super::{ApiError, AppState};
use crate::ctgov::client::is_nct_id;
use crate::render::{render_value, Format};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishedQuery {
    /// `json` (default), `markdown` or `html`.
    #[param(value_type = Option<String>)]
    pub format: Option<Format>,
}

/// The published page of a study, with its history.
#[utoipa::path(
    get,
    path = "/v1/studies/{nct_id}/page",
    params(("nct_id" = String, Path, description = "NCT and eight digits"), PublishedQuery),
    responses(
        (status = 200, description = "The published page with `history` (JSON; Markdown or HTML with `format`)."),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match."),
        (status = 400, description = "Not an NCT id.", body = super::error::ErrorBody),
        (status = 404, description = "`not_published`: no page of this study was ever approved.", body = super::error::ErrorBody),
    )
)]
pub async fn page(
    State(state): State<Arc<AppState>>,
    Path(nct_id): Path<String>,
    query: Result<Query<PublishedQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadQuery(e.body_text()))?;
    let nct_id = nct_id.trim().to_ascii_uppercase();
    if !is_nct_id(&nct_id) {
        return Err(ApiError::BadNctId(nct_id));
    }
    let published = state
        .store()?
        .published(&nct_id)
        .await?
        .ok_or(ApiError::NotPublished(nct_id))?;
    let mut page = published.version.page;
    page["history"] =
        serde_json::to_value(&published.history).map_err(|e| ApiError::Internal(e.to_string()))?;
    let format = query.format.unwrap_or_default();
    let body = render_value(&page, format, state.pipeline.templates())
        .map_err(|e| ApiError::Internal(format!("{e:#}")))?;
    let etag = format!("\"{}\"", &crate::store::sha256_hex(body.as_bytes())[..32]);
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    let cache = [
        (header::ETAG, etag_value),
        // Keep it, but ask each time: the ETag makes asking cheap.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if matches_etag(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, [(header::CONTENT_TYPE, format.content_type())], body).into_response())
}

/// Whether `If-None-Match` names this ETag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}
