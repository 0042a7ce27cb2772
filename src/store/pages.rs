//! Page versions: every page made from a record version, whoever made it (the sync, a
//! rerender, an editor), and what happened to it.
//!
//! States go `draft → in_review → published | rejected`. A study has at most one current
//! published version and one pending (draft or in review) version; a newer one supersedes the
//! older (`superseded_by`), so a reviewer never approves a page the registry or an editor has
//! moved past. A page whose text equals the published one is recorded as published at once
//! (`unchanged`): nothing a reader sees changes, so there is nothing to review.

use super::{col, now_ms, rfc3339, Store, StoreError};
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PageState {
    Draft,
    InReview,
    Published,
    Rejected,
}

impl PageState {
    pub fn as_str(self) -> &'static str {
        match self {
            PageState::Draft => "draft",
            PageState::InReview => "in_review",
            PageState::Published => "published",
            PageState::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "draft" => PageState::Draft,
            "in_review" => PageState::InReview,
            "published" => PageState::Published,
            "rejected" => PageState::Rejected,
            other => return Err(StoreError::Damaged(format!("page state {other:?}"))),
        })
    }
}

/// Why a page version was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The study's first page.
    NewStudy,
    /// The registry record changed.
    RecordChanged,
    /// The templates or lexicons changed (`laysum rerender`).
    WordingChanged,
    /// An editor changed sections by hand.
    Edited,
    /// Made again with the same text as the published page: recorded without review.
    Unchanged,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NewStudy => "new_study",
            Reason::RecordChanged => "record_changed",
            Reason::WordingChanged => "wording_changed",
            Reason::Edited => "edited",
            Reason::Unchanged => "unchanged",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "new_study" => Reason::NewStudy,
            "record_changed" => Reason::RecordChanged,
            "wording_changed" => Reason::WordingChanged,
            "edited" => Reason::Edited,
            "unchanged" => Reason::Unchanged,
            other => return Err(StoreError::Damaged(format!("page reason {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PageVersion {
    pub id: i64,
    pub nct_id: String,
    pub record_version_id: i64,
    pub wording_version: String,
    pub writer: String,
    /// The page as the JSON API gives it.
    pub page: Value,
    pub text_hash: String,
    pub state: PageState,
    pub reason: Reason,
    pub superseded_by: Option<i64>,
    /// `sync`, `rerender`, or the name of the editor's token.
    pub author: String,
    pub created_at: i64,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<i64>,
    pub note: Option<String>,
}

impl PageVersion {
    pub fn is_pending(&self) -> bool {
        matches!(self.state, PageState::Draft | PageState::InReview) && self.superseded_by.is_none()
    }
}

/// A page to record.
pub struct NewPage<'a> {
    pub nct_id: &'a str,
    pub record_version_id: i64,
    /// The page as the JSON API gives it.
    pub page: &'a Value,
    pub wording_version: &'a str,
    pub writer: &'a str,
    pub author: &'a str,
    /// Why it was made, when its text differs from the published page's.
    pub reason: Reason,
    /// `Draft` for an editor's unsubmitted work; otherwise `InReview`.
    pub state: PageState,
}

/// What recording a page came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Waiting for a reviewer (or, for a draft, for its editor).
    Pending(i64),
    /// Same text as the published page: published without review.
    Unchanged(i64),
    /// The same page is already waiting: nothing new recorded.
    AlreadyPending(i64),
}

/// The published page of a study and its history.
#[derive(Debug, Clone)]
pub struct Published {
    pub version: PageVersion,
    pub history: History,
}

/// What the website shows above a page: "First seen … · Last updated … · Updated 1 time".
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct History {
    /// When the registry first posted the study (`studyFirstPostDate`, `2026-06-25`); for a
    /// record without that date, when laysum first fetched it (RFC 3339).
    pub first_seen: String,
    /// The registry's `lastUpdatePostDate` of the record the page was made from.
    pub last_updated: Option<String>,
    /// When the page a reader sees was published (RFC 3339).
    pub published_at: String,
    /// Published versions, first included.
    pub versions: i64,
    /// Times the published text changed after the first publication.
    pub updated_times: i64,
    /// The reviewer who approved the text a reader sees.
    pub approved_by: Option<String>,
}

/// A hash of what a reader sees: headline, sections, disclaimers, conditions and sites. The
/// quality report, the generator and the registry's dates are left out: a page that differs
/// only there needs no review.
pub fn text_hash(page: &Value) -> String {
    let seen = serde_json::json!([
        page["headline"],
        page["sections"],
        page["disclaimers"],
        page["conditions"],
        page["sites"],
    ]);
    super::sha256_hex(seen.to_string().as_bytes())
}

const PAGE_COLUMNS: &str = "id, nct_id, record_version_id, wording_version, writer, page, \
    text_hash, state, reason, superseded_by, author, created_at, reviewer, reviewed_at, note";

fn row_to_page(row: &AnyRow) -> Result<PageVersion, StoreError> {
    let page: String = col(row, "page")?;
    Ok(PageVersion {
        id: col(row, "id")?,
        nct_id: col(row, "nct_id")?,
        record_version_id: col(row, "record_version_id")?,
        wording_version: col(row, "wording_version")?,
        writer: col(row, "writer")?,
        page: serde_json::from_str(&page)
            .map_err(|e| StoreError::Damaged(format!("a stored page is not JSON: {e}")))?,
        text_hash: col(row, "text_hash")?,
        state: PageState::parse(&col::<String>(row, "state")?)?,
        reason: Reason::parse(&col::<String>(row, "reason")?)?,
        superseded_by: col(row, "superseded_by")?,
        author: col(row, "author")?,
        created_at: col(row, "created_at")?,
        reviewer: col(row, "reviewer")?,
        reviewed_at: col(row, "reviewed_at")?,
        note: col(row, "note")?,
    })
}

/// The current published version of a study, inside a transaction.
async fn published_in(
    tx: &mut Transaction<'_, Any>,
    nct_id: &str,
) -> Result<Option<PageVersion>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {PAGE_COLUMNS} FROM page_versions \
         WHERE nct_id = $1 AND state = 'published' AND superseded_by IS NULL"
    ))
    .bind(nct_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(row_to_page).transpose()
}

async fn version_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<PageVersion, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {PAGE_COLUMNS} FROM page_versions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("no page version {id}")))?;
    row_to_page(&row)
}

/// Marks every other version of the study in `states` as superseded by `by`.
async fn supersede(
    tx: &mut Transaction<'_, Any>,
    nct_id: &str,
    by: i64,
    states: &str,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "UPDATE page_versions SET superseded_by = $1 \
         WHERE nct_id = $2 AND id <> $1 AND superseded_by IS NULL AND state IN ({states})"
    ))
    .bind(by)
    .bind(nct_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records a page made for a study, in one transaction: published at once when its text is
    /// the published text, otherwise pending (superseding what was pending before), unless the
    /// very same page is pending already.
    pub async fn record_page(&self, new: NewPage<'_>) -> Result<Recorded, StoreError> {
        let hash = text_hash(new.page);
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        let published = published_in(&mut tx, new.nct_id).await?;
        let pending = sqlx::query(
            "SELECT id, text_hash, record_version_id, state FROM page_versions \
             WHERE nct_id = $1 AND superseded_by IS NULL AND state IN ('draft', 'in_review') \
             ORDER BY id DESC",
        )
        .bind(new.nct_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = &pending {
            let same = col::<String>(row, "text_hash")? == hash
                && col::<i64>(row, "record_version_id")? == new.record_version_id
                && col::<String>(row, "state")? == new.state.as_str();
            if same {
                return Ok(Recorded::AlreadyPending(col(row, "id")?));
            }
        }
        let unchanged = new.state == PageState::InReview
            && published.as_ref().is_some_and(|p| p.text_hash == hash);
        let (state, reason) = match (&published, unchanged) {
            (_, true) => (PageState::Published, Reason::Unchanged),
            (None, false) if new.reason != Reason::Edited => (new.state, Reason::NewStudy),
            (_, false) => (new.state, new.reason),
        };
        let row = sqlx::query(
            "INSERT INTO page_versions (nct_id, record_version_id, wording_version, writer, page, \
             text_hash, state, reason, author, created_at, reviewed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(new.nct_id)
        .bind(new.record_version_id)
        .bind(new.wording_version)
        .bind(new.writer)
        .bind(new.page.to_string())
        .bind(&hash)
        .bind(state.as_str())
        .bind(reason.as_str())
        .bind(new.author)
        .bind(now)
        .bind(unchanged.then_some(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = col(&row, "id")?;
        // A new page replaces what was waiting; an unchanged one replaces the published one too.
        let states = if unchanged {
            "'draft', 'in_review', 'published'"
        } else {
            "'draft', 'in_review'"
        };
        supersede(&mut tx, new.nct_id, id, states).await?;
        let action = if unchanged {
            "page.unchanged"
        } else {
            "page.propose"
        };
        super::access::audit(
            &mut tx,
            new.author,
            action,
            new.nct_id,
            Some(&id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(if unchanged {
            Recorded::Unchanged(id)
        } else {
            Recorded::Pending(id)
        })
    }

    pub async fn page_version(&self, id: i64) -> Result<PageVersion, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM page_versions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no page version {id}")))?;
        row_to_page(&row)
    }

    /// The version a study's page would be edited from: what is pending, else what is
    /// published.
    pub async fn current_version(&self, nct_id: &str) -> Result<PageVersion, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM page_versions WHERE nct_id = $1 AND superseded_by IS NULL \
             AND state IN ('draft', 'in_review', 'published') \
             ORDER BY CASE WHEN state = 'published' THEN 1 ELSE 0 END, id DESC"
        ))
        .bind(nct_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("laysum has no page of {nct_id}")))?;
        row_to_page(&row)
    }

    /// Pages waiting for a reviewer, oldest first.
    pub async fn reviews(&self) -> Result<Vec<PageVersion>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM page_versions \
             WHERE state = 'in_review' AND superseded_by IS NULL ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_page).collect()
    }

    /// Every study's current published version (for `rerender`).
    pub async fn published_versions(&self) -> Result<Vec<PageVersion>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM page_versions \
             WHERE state = 'published' AND superseded_by IS NULL ORDER BY nct_id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_page).collect()
    }

    /// Publishes a page in review. One approval wins: a second, or one of a page another
    /// version has replaced, is a conflict; a reviewer may not approve their own edit.
    pub async fn approve(
        &self,
        id: i64,
        reviewer: &str,
        note: Option<&str>,
    ) -> Result<PageVersion, StoreError> {
        let mut tx = self.pool().begin().await?;
        let version = version_in(&mut tx, id).await?;
        if version.reason == Reason::Edited && version.author == reviewer {
            return Err(StoreError::Forbidden(format!(
                "{reviewer} edited this page and cannot approve it too: another reviewer must"
            )));
        }
        let now = now_ms();
        // The state in the WHERE clause makes the check and the change one step: of two
        // approvals at once, the second finds nothing left to change.
        let changed = sqlx::query(
            "UPDATE page_versions SET state = 'published', reviewer = $1, reviewed_at = $2, \
             note = $3 WHERE id = $4 AND state = 'in_review' AND superseded_by IS NULL",
        )
        .bind(reviewer)
        .bind(now)
        .bind(note.map(str::to_owned))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            // Read what happened outside the transaction: SQLite has one connection.
            tx.rollback().await?;
            return Err(conflict(&self.page_version(id).await?));
        }
        supersede(&mut tx, &version.nct_id, id, "'published', 'draft'").await?;
        super::access::audit(
            &mut tx,
            reviewer,
            "review.approve",
            &version.nct_id,
            Some(&id.to_string()),
        )
        .await?;
        tx.commit().await?;
        self.page_version(id).await
    }

    /// Rejects a page in review, with a note saying why.
    pub async fn reject(
        &self,
        id: i64,
        reviewer: &str,
        note: &str,
    ) -> Result<PageVersion, StoreError> {
        if note.trim().is_empty() {
            return Err(StoreError::Invalid(
                "say why the page is rejected: a note is required".into(),
            ));
        }
        let mut tx = self.pool().begin().await?;
        let version = version_in(&mut tx, id).await?;
        let changed = sqlx::query(
            "UPDATE page_versions SET state = 'rejected', reviewer = $1, reviewed_at = $2, \
             note = $3 WHERE id = $4 AND state = 'in_review' AND superseded_by IS NULL",
        )
        .bind(reviewer)
        .bind(now_ms())
        .bind(note.trim())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(conflict(&version));
        }
        super::access::audit(
            &mut tx,
            reviewer,
            "review.reject",
            &version.nct_id,
            Some(note.trim()),
        )
        .await?;
        tx.commit().await?;
        self.page_version(id).await
    }

    /// The published page of a study with its history, or `None` when it was never published.
    pub async fn published(&self, nct_id: &str) -> Result<Option<Published>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let Some(version) = published_in(&mut tx, nct_id).await? else {
            return Ok(None);
        };
        let counts = sqlx::query(
            "SELECT COUNT(*) AS versions, \
             SUM(CASE WHEN reason <> 'unchanged' THEN 1 ELSE 0 END) AS changes \
             FROM page_versions WHERE nct_id = $1 AND state = 'published'",
        )
        .bind(nct_id)
        .fetch_one(&mut *tx)
        .await?;
        let approver = sqlx::query(
            "SELECT reviewer FROM page_versions WHERE nct_id = $1 AND state = 'published' \
             AND reason <> 'unchanged' ORDER BY id DESC",
        )
        .bind(nct_id)
        .fetch_optional(&mut *tx)
        .await?;
        let record = sqlx::query(
            "SELECT last_update, record, \
             (SELECT MIN(fetched_at) FROM record_versions WHERE nct_id = $1) AS first_fetched \
             FROM record_versions WHERE id = $2",
        )
        .bind(nct_id)
        .bind(version.record_version_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let changes = col::<Option<i64>>(&counts, "changes")?.unwrap_or(0);
        let history = History {
            first_seen: match super::records::first_posted(&col::<Vec<u8>>(&record, "record")?)? {
                Some(date) => date,
                None => rfc3339(
                    col::<Option<i64>>(&record, "first_fetched")?.unwrap_or(version.created_at),
                ),
            },
            last_updated: col(&record, "last_update")?,
            published_at: rfc3339(version.reviewed_at.unwrap_or(version.created_at)),
            versions: col(&counts, "versions")?,
            updated_times: (changes - 1).max(0),
            approved_by: match approver {
                Some(row) => col(&row, "reviewer")?,
                None => None,
            },
        };
        Ok(Some(Published { version, history }))
    }
}

/// Why a page could not be approved or rejected: what happened to it first.
fn conflict(version: &PageVersion) -> StoreError {
    let what = match (version.superseded_by, version.state) {
        (Some(newer), _) => format!("a newer version ({newer}) replaced it"),
        (None, PageState::Published) => format!(
            "{} approved it already",
            version.reviewer.as_deref().unwrap_or("someone")
        ),
        (None, PageState::Rejected) => format!(
            "{} rejected it already",
            version.reviewer.as_deref().unwrap_or("someone")
        ),
        (None, PageState::Draft) => "it is a draft its editor has not submitted".into(),
        (None, PageState::InReview) => "it changed while you were deciding".into(),
    };
    StoreError::Conflict(format!(
        "page version {} is not in review: {what}",
        version.id
    ))
}
