//! The admin's endpoints: what the sync watches, a sync now, and the audit trail.

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::store::access::AuditEvent;
use crate::store::{Role, Watch};
use crate::sync::SyncReport;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WatchList {
    pub watches: Vec<Watch>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WatchRequest {
    /// An NCT id, or a registry query such as `query.cond=stroke&filter.overallStatus=RECRUITING`.
    pub target: String,
}

/// Every watch.
#[utoipa::path(get, path = "/v1/watches", security(("bearer" = [])),
    responses((status = 200, body = WatchList), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<WatchList>, ApiError> {
    caller.require(Role::Admin)?;
    Ok(Json(WatchList {
        watches: state.store()?.watches().await?,
    }))
}

async fn add_target(
    state: &AppState,
    caller: &Caller,
    target: &str,
) -> Result<(StatusCode, Json<Watch>), ApiError> {
    caller.require(Role::Admin)?;
    let (watch, new) = state.store()?.add_watch(target, &caller.name).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(watch)))
}

/// Watch a study or a registry query (201; 200 if it was watched already).
#[utoipa::path(post, path = "/v1/watches", security(("bearer" = [])),
    request_body(content = WatchRequest, content_type = "application/json"),
    responses((status = 201, body = Watch), (status = 400, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)))]
pub async fn add(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    body: Result<Json<WatchRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Watch>), ApiError> {
    let Json(request) = body.map_err(|e| ApiError::BadBody(e.body_text()))?;
    add_target(&state, &caller, &request.target).await
}

/// Watch a study by NCT id (201; 200 if it was watched already).
#[utoipa::path(put, path = "/v1/watches/{target}", security(("bearer" = [])),
    params(("target" = String, Path, description = "An NCT id")),
    responses((status = 201, body = Watch), (status = 400, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)))]
pub async fn put(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(target): Path<String>,
) -> Result<(StatusCode, Json<Watch>), ApiError> {
    add_target(&state, &caller, &target).await
}

/// Stop watching (an NCT id, or a watch's id). Published pages stay published.
#[utoipa::path(delete, path = "/v1/watches/{target}", security(("bearer" = [])),
    params(("target" = String, Path, description = "An NCT id or a watch id")),
    responses((status = 204), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody)))]
pub async fn remove(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    state.store()?.remove_watch(&target, &caller.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sync the watched studies with the registry now (`skipped` when another sync is running).
#[utoipa::path(post, path = "/v1/sync", security(("bearer" = [])),
    responses((status = 200, body = SyncReport), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody), (status = 502, body = super::error::ErrorBody)))]
pub async fn sync_now(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<SyncReport>, ApiError> {
    caller.require(Role::Admin)?;
    let report = crate::sync::sync(
        state.store()?,
        &state.pipeline,
        &state.config.ctgov_url,
        &state.config.sync,
        &caller.name,
    )
    .await?;
    Ok(Json(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Most recent events to give (default 100, at most 1000).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditTrail {
    /// Newest first.
    pub events: Vec<AuditEvent>,
}

/// Who did what, when: newest first.
#[utoipa::path(get, path = "/v1/audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditTrail), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)))]
pub async fn audit(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditTrail>, ApiError> {
    caller.require(Role::Admin)?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(AuditTrail {
        events: state.store()?.audit_events(limit).await?,
    }))
}
