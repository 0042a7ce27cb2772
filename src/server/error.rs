//! [`ApiError`]: every error the HTTP API answers, and its status code, in one place.

use crate::ctgov::client::UpstreamError;
use crate::error::{PageError, ParseError};
use crate::store::StoreError;
use crate::summary::Warning;
use crate::sync::SyncError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ApiError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("{0:?} is not an NCT id: expected NCT and eight digits, like NCT07635758")]
    BadNctId(String),
    #[error("{0}")]
    BadQuery(String),
    #[error("send the record as JSON with Content-Type: application/json (got {0})")]
    UnsupportedMediaType(String),
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    BadBody(String),
    #[error("no such route: {0}")]
    NoRoute(String),
    #[error("the page breaks {} hard rule(s) and cannot be published as it is", .0.len())]
    GuardFailed(Vec<Warning>),
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error("the llm writer is not set up on this server: set LAYSUM_LLM_MODEL (and LAYSUM_LLM_URL, LAYSUM_LLM_API_KEY)")]
    WriterUnavailable,
    #[error("the request took longer than {0} ms")]
    Timeout(u64),
    #[error(
        "send a token: Authorization: Bearer <token> (laysum token add NAME --role ROLE makes one)"
    )]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0} has no published page")]
    NotPublished(String),
    #[error("this server has no store of published pages")]
    NoStore,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ApiError::NotFound(m),
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::Forbidden(m) => ApiError::Forbidden(m),
            StoreError::Invalid(m) => ApiError::BadBody(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Registry(m) | SyncError::Refused(m) => {
                ApiError::Upstream(UpstreamError::Unavailable(m))
            }
            SyncError::Store(s) => s.into(),
            SyncError::Setting(m) => ApiError::Internal(m),
        }
    }
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> Self {
        match e {
            PageError::Parse(p) => ApiError::Parse(p),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Parse(_)
            | ApiError::BadNctId(_)
            | ApiError::BadQuery(_)
            | ApiError::BadBody(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::WriterUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::GuardFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Upstream(UpstreamError::NotFound(_)) => StatusCode::NOT_FOUND,
            ApiError::Upstream(UpstreamError::Timeout) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Upstream(UpstreamError::Unavailable(_)) => StatusCode::BAD_GATEWAY,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::NotFound(_) | ApiError::NotPublished(_) => StatusCode::NOT_FOUND,
            ApiError::NoStore => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Parse(ParseError::NotJson { .. }) => "not_json",
            ApiError::Parse(ParseError::NoNctId { .. }) => "no_nct_id",
            ApiError::Parse(_) => "not_a_study",
            ApiError::BadNctId(_) => "bad_nct_id",
            ApiError::BadQuery(_) => "bad_query",
            ApiError::BadBody(_) => "bad_body",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::NoRoute(_) => "no_route",
            ApiError::WriterUnavailable => "writer_unavailable",
            ApiError::GuardFailed(_) => "guard_failed",
            ApiError::Upstream(UpstreamError::NotFound(_)) => "study_not_found",
            ApiError::Upstream(UpstreamError::Timeout) => "upstream_timeout",
            ApiError::Upstream(UpstreamError::Unavailable(_)) => "upstream_unavailable",
            ApiError::Timeout(_) => "timeout",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Conflict(_) => "conflict",
            ApiError::NotFound(_) => "not_found",
            ApiError::NotPublished(_) => "not_published",
            ApiError::NoStore => "no_store",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// e.g. `not_json`, `bad_nct_id`, `study_not_found`, `guard_failed`.
    pub code: String,
    pub message: String,
    /// For `guard_failed`: the `error`-severity warnings that block publishing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<Warning>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(code = self.code(), error = %self, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
                warnings: match self {
                    ApiError::GuardFailed(w) => Some(w),
                    _ => None,
                },
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp.extensions_mut().insert(ErrorCode(status.as_u16()));
        resp
    }
}

/// Marks a response as an error answer, for the metrics.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub u16);
