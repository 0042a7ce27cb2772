//! What the sync follows: single studies by NCT id, and registry queries (the parameters of
//! `GET /api/v2/studies`, e.g. `query.cond=stroke&filter.overallStatus=RECRUITING`), each study
//! they find followed like one watched by id.

use super::{col, now_ms, Store, StoreError};
use crate::ctgov::client::is_nct_id;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    Study,
    Query,
}

impl WatchKind {
    fn as_str(self) -> &'static str {
        match self {
            WatchKind::Study => "study",
            WatchKind::Query => "query",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Watch {
    /// Opaque.
    pub id: String,
    pub kind: WatchKind,
    /// The NCT id, or the query.
    pub target: String,
    pub added_by: String,
    pub added_at: String,
}

/// A watch as asked for: an NCT id (any case) or a query. Anything with `=` is a query.
pub fn parse_target(target: &str) -> Result<(WatchKind, String), StoreError> {
    let target = target.trim();
    if target.contains('=') {
        let query = target.trim_start_matches('?');
        if query.split('&').any(|p| p.starts_with("pageToken=")) {
            return Err(StoreError::Invalid(
                "a watched query names what to find, not a page: leave pageToken out".into(),
            ));
        }
        return Ok((WatchKind::Query, query.to_owned()));
    }
    let id = target.to_ascii_uppercase();
    if is_nct_id(&id) {
        Ok((WatchKind::Study, id))
    } else {
        Err(StoreError::Invalid(format!(
            "{target:?} is neither an NCT id (NCT and eight digits) nor a registry query (a=b&c=d)"
        )))
    }
}

impl Store {
    /// Adds a watch; adding one that exists changes nothing. Returns it and whether it is new.
    pub async fn add_watch(&self, target: &str, by: &str) -> Result<(Watch, bool), StoreError> {
        let (kind, target) = parse_target(target)?;
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO watches (kind, target, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (target) DO NOTHING",
        )
        .bind(kind.as_str())
        .bind(&target)
        .bind(by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            super::access::audit(&mut tx, by, "watch.add", &target, None).await?;
        }
        tx.commit().await?;
        let watch = self
            .watches()
            .await?
            .into_iter()
            .find(|w| w.target == target)
            .ok_or_else(|| StoreError::NotFound(format!("no watch {target}")))?;
        Ok((watch, inserted))
    }

    /// Removes the watch of an NCT id, a query, or a watch id. Pages already published stay.
    pub async fn remove_watch(&self, target: &str, by: &str) -> Result<(), StoreError> {
        let target = target.trim();
        let mut tx = self.pool().begin().await?;
        let by_target = match parse_target(target) {
            Ok((_, t)) => t,
            Err(_) => target.to_owned(),
        };
        let id = super::parse_id(target).unwrap_or(0);
        let removed = sqlx::query("DELETE FROM watches WHERE target = $1 OR id = $2")
            .bind(&by_target)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(StoreError::NotFound(format!("nothing watches {target:?}")));
        }
        super::access::audit(&mut tx, by, "watch.remove", &by_target, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every watch, oldest first.
    pub async fn watches(&self) -> Result<Vec<Watch>, StoreError> {
        let rows =
            sqlx::query("SELECT id, kind, target, added_by, added_at FROM watches ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                let kind: String = col(row, "kind")?;
                Ok(Watch {
                    id: col::<i64>(row, "id")?.to_string(),
                    kind: if kind == "query" {
                        WatchKind::Query
                    } else {
                        WatchKind::Study
                    },
                    target: col(row, "target")?,
                    added_by: col(row, "added_by")?,
                    added_at: super::rfc3339(col(row, "added_at")?),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_nct_ids_or_queries() {
        assert_eq!(
            parse_target(" nct07635758 ").unwrap(),
            (WatchKind::Study, "NCT07635758".into())
        );
        assert_eq!(
            parse_target("?query.cond=stroke&filter.overallStatus=RECRUITING").unwrap(),
            (
                WatchKind::Query,
                "query.cond=stroke&filter.overallStatus=RECRUITING".into()
            )
        );
        assert!(parse_target("stroke").is_err());
        assert!(parse_target("query.cond=x&pageToken=abc").is_err());
    }
}
