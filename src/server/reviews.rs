//! The review queue: pages waiting for a reviewer, what changed in each (the published and the
//! new text with the changed words, the registry fields that changed, the quality report),
//! approving and rejecting; and editors' hand edits of a page, checked like any draft.
//!
//! Any token may read the queue; approving and rejecting need `reviewer`, editing `editor`.

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::ctgov::client::is_nct_id;
use crate::review::{changed_fields, diff_pages, ChangedField, SectionDiff};
use crate::store::pages::{NewPage, PageVersion, Recorded};
use crate::store::{parse_id, rfc3339, PageState, Reason, Role};
use crate::summary::Generator;
use crate::write::Draft;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A page version as the queue lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewItem {
    /// Opaque.
    pub id: String,
    pub nct_id: String,
    pub state: PageState,
    pub reason: Reason,
    pub created_at: String,
    /// `sync`, `rerender`, or the editor who wrote it.
    pub author: String,
    pub reviewer: Option<String>,
    pub note: Option<String>,
    /// The newer version that replaced this one, if any.
    pub superseded_by: Option<String>,
}

impl From<&PageVersion> for ReviewItem {
    fn from(v: &PageVersion) -> Self {
        ReviewItem {
            id: v.id.to_string(),
            nct_id: v.nct_id.clone(),
            state: v.state,
            reason: v.reason,
            created_at: rfc3339(v.created_at),
            author: v.author.clone(),
            reviewer: v.reviewer.clone(),
            note: v.note.clone(),
            superseded_by: v.superseded_by.map(|id| id.to_string()),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewList {
    pub reviews: Vec<ReviewItem>,
}

/// One page in review with all a reviewer needs to decide.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub item: ReviewItem,
    /// The page readers see now; `null` for a study never published.
    #[schema(value_type = Option<Object>)]
    pub published: Option<Value>,
    /// The page in review.
    #[schema(value_type = Object)]
    pub proposed: Value,
    /// Each section's words: equal, deleted, inserted.
    pub diff: Vec<SectionDiff>,
    /// Registry fields that differ between the published page's record and this one's.
    pub changed_fields: Vec<ChangedField>,
    /// The quality report of the page in review.
    #[schema(value_type = Object)]
    pub quality: Value,
}

/// What a reviewer may add to a decision.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    /// Why; required to reject.
    pub note: Option<String>,
}

/// Pages waiting for a reviewer, oldest first.
#[utoipa::path(get, path = "/v1/reviews", security(("bearer" = [])),
    responses((status = 200, body = ReviewList), (status = 401, body = super::error::ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
) -> Result<Json<ReviewList>, ApiError> {
    let reviews = state.store()?.reviews().await?;
    Ok(Json(ReviewList {
        reviews: reviews.iter().map(ReviewItem::from).collect(),
    }))
}

fn version_id(id: &str) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::NotFound(format!("no page version {id}")))
}

/// A page in review: old and new text, the word diff, the changed registry fields, quality.
#[utoipa::path(get, path = "/v1/reviews/{id}", security(("bearer" = [])),
    params(("id" = String, Path, description = "The page version, as the queue lists it")),
    responses((status = 200, body = ReviewDetail), (status = 401, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody)))]
pub async fn show(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReviewDetail>, ApiError> {
    Ok(Json(detail(&state, version_id(&id)?).await?))
}

/// What a reviewer is shown for a page version (the CLI's `review show` prints the same).
pub async fn detail(state: &AppState, id: i64) -> Result<ReviewDetail, ApiError> {
    let store = state.store()?;
    let version = store.page_version(id).await?;
    // Compared with what readers see now; for a published version, with the one it replaced.
    let published = match store.published(&version.nct_id).await? {
        Some(p) if p.version.id != version.id => Some(p.version),
        _ => None,
    };
    let record = |id: i64| async move {
        let bytes = store.record(id).await?.record;
        Ok::<Value, ApiError>(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    };
    let fields = match &published {
        Some(p) if p.record_version_id != version.record_version_id => changed_fields(
            Some(&record(p.record_version_id).await?),
            &record(version.record_version_id).await?,
        ),
        _ => Vec::new(),
    };
    Ok(ReviewDetail {
        item: ReviewItem::from(&version),
        diff: diff_pages(published.as_ref().map(|p| &p.page), &version.page),
        changed_fields: fields,
        quality: version.page["quality"].clone(),
        published: published.map(|p| p.page),
        proposed: version.page,
    })
}

fn decision(body: Result<Json<Decision>, JsonRejection>) -> Result<Decision, ApiError> {
    match body {
        Ok(Json(d)) => Ok(d),
        // No body at all is no note.
        Err(JsonRejection::MissingJsonContentType(_)) => Ok(Decision::default()),
        Err(e) => Err(ApiError::BadBody(e.body_text())),
    }
}

/// Publish a page in review. 409 if another reviewer decided first or a newer version
/// replaced it; 403 for a reviewer's own edit.
#[utoipa::path(post, path = "/v1/reviews/{id}/approve", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Decision, content_type = "application/json"),
    responses((status = 200, body = ReviewItem), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody), (status = 409, body = super::error::ErrorBody)))]
pub async fn approve(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<Decision>, JsonRejection>,
) -> Result<Json<ReviewItem>, ApiError> {
    caller.require(Role::Reviewer)?;
    let note = decision(body)?.note;
    let version = state
        .store()?
        .approve(version_id(&id)?, &caller.name, note.as_deref())
        .await?;
    Ok(Json(ReviewItem::from(&version)))
}

/// Reject a page in review, saying why (`note`).
#[utoipa::path(post, path = "/v1/reviews/{id}/reject", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Decision, content_type = "application/json"),
    responses((status = 200, body = ReviewItem), (status = 400, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
        (status = 409, body = super::error::ErrorBody)))]
pub async fn reject(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<Decision>, JsonRejection>,
) -> Result<Json<ReviewItem>, ApiError> {
    caller.require(Role::Reviewer)?;
    let note = decision(body)?.note.unwrap_or_default();
    let version = state
        .store()?
        .reject(version_id(&id)?, &caller.name, &note)
        .await?;
    Ok(Json(ReviewItem::from(&version)))
}

/// An editor's changes to a study's page.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditRequest {
    /// A new headline; the current one when left out.
    pub headline: Option<String>,
    /// Sections to replace, by name (`summary`, `active_substance`, `what_this_could_lead_to`,
    /// `what_could_go_wrong`, `what_the_trial_found`); `null` empties an optional section.
    #[serde(default)]
    pub sections: BTreeMap<String, Option<String>>,
    /// `true` (default): send it for review, refused with 422 if it breaks a hard rule;
    /// `false`: keep it as a draft.
    pub submit: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EditResponse {
    #[serde(flatten)]
    pub item: ReviewItem,
    /// The edited page, checked: its quality report says what to fix.
    #[schema(value_type = Object)]
    pub page: Value,
}

/// Edit a study's page by hand. The text goes through the same check as any draft; a page
/// with an `error` cannot be submitted (422 `guard_failed`).
#[utoipa::path(put, path = "/v1/drafts/{nct_id}", security(("bearer" = [])),
    params(("nct_id" = String, Path)), request_body(content = EditRequest, content_type = "application/json"),
    responses((status = 200, body = EditResponse), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody),
        (status = 422, body = super::error::ErrorBody)))]
pub async fn edit(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(nct_id): Path<String>,
    body: Result<Json<EditRequest>, JsonRejection>,
) -> Result<Json<EditResponse>, ApiError> {
    caller.require(Role::Editor)?;
    let Json(request) = body.map_err(|e| ApiError::BadBody(e.body_text()))?;
    let nct_id = nct_id.trim().to_ascii_uppercase();
    if !is_nct_id(&nct_id) {
        return Err(ApiError::BadNctId(nct_id));
    }
    let store = state.store()?;
    let base = store.current_version(&nct_id).await?;
    let draft = edited_draft(&base.page, &request)?;
    let record = store.record(base.record_version_id).await?;
    let trial = state.pipeline.trial(&record.record)?;
    let facts = state.pipeline.facts(&trial);
    let generator = Generator {
        writer: "editor".into(),
        ..Generator::rules(state.pipeline.version())
    };
    let page = state.pipeline.check(draft, &facts, &trial, generator);
    let submit = request.submit.unwrap_or(true);
    let errors: Vec<_> = page.quality.errors().cloned().collect();
    if submit && !errors.is_empty() {
        return Err(ApiError::GuardFailed(errors));
    }
    let page = serde_json::to_value(&page).map_err(|e| ApiError::Internal(e.to_string()))?;
    let recorded = store
        .record_page(NewPage {
            nct_id: &nct_id,
            record_version_id: base.record_version_id,
            page: &page,
            wording_version: state.pipeline.version(),
            writer: "editor",
            author: &caller.name,
            reason: Reason::Edited,
            state: if submit {
                PageState::InReview
            } else {
                PageState::Draft
            },
        })
        .await?;
    let id = match recorded {
        Recorded::Pending(id) | Recorded::Unchanged(id) | Recorded::AlreadyPending(id) => id,
    };
    let version = store.page_version(id).await?;
    Ok(Json(EditResponse {
        item: ReviewItem::from(&version),
        page: version.page,
    }))
}

/// The base page's texts with the editor's changes.
fn edited_draft(base: &Value, request: &EditRequest) -> Result<Draft, ApiError> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let sections = &base["sections"];
    let mut draft = Draft {
        headline: text(&base["headline"]).unwrap_or_default(),
        summary: text(&sections["summary"]).unwrap_or_default(),
        active_substance: text(&sections["active_substance"]),
        what_this_could_lead_to: text(&sections["what_this_could_lead_to"]).unwrap_or_default(),
        what_could_go_wrong: text(&sections["what_could_go_wrong"]).unwrap_or_default(),
        what_the_trial_found: text(&sections["what_the_trial_found"]),
    };
    if let Some(h) = &request.headline {
        draft.headline = h.trim().to_owned();
    }
    for (name, value) in &request.sections {
        let value = value.as_ref().map(|v| v.trim().to_owned());
        match name.as_str() {
            "summary" => draft.summary = value.unwrap_or_default(),
            "active_substance" => draft.active_substance = value.filter(|v| !v.is_empty()),
            "what_this_could_lead_to" => draft.what_this_could_lead_to = value.unwrap_or_default(),
            "what_could_go_wrong" => draft.what_could_go_wrong = value.unwrap_or_default(),
            "what_the_trial_found" => draft.what_the_trial_found = value.filter(|v| !v.is_empty()),
            other => {
                return Err(ApiError::BadBody(format!(
                    "no section {other:?}: use summary, active_substance, what_this_could_lead_to, what_could_go_wrong or what_the_trial_found"
                )))
            }
        }
    }
    Ok(draft)
}
