//! `laysum rerender`: every published page made again from its own record with the current
//! templates and lexicons. A page whose text changes goes into review (`wording_changed`): the
//! live site's snapshot diff, for reviewers who do not use `cargo insta`.

use crate::store::pages::{text_hash, NewPage, Recorded};
use crate::store::{PageState, Reason, Store, StoreError};
use crate::Pipeline;
use serde::Serialize;

#[derive(Debug, Default, Clone, Serialize)]
pub struct RerenderReport {
    /// Published pages made again.
    pub checked: usize,
    /// Of those, pages whose text changed: now in review.
    pub in_review: usize,
    /// Pages an editor wrote by hand: kept as they are, since the templates did not write
    /// them.
    pub kept_edited: usize,
    /// Pages whose record no longer makes a page (named, with why).
    pub failed: Vec<(String, String)>,
}

pub async fn rerender(
    store: &Store,
    pipeline: &Pipeline,
    actor: &str,
) -> Result<RerenderReport, StoreError> {
    let mut report = RerenderReport::default();
    for published in store.published_versions().await? {
        report.checked += 1;
        if published.reason == Reason::Edited {
            report.kept_edited += 1;
            continue;
        }
        let record = store.record(published.record_version_id).await?;
        let page = match pipeline.summarize(&record.record) {
            Ok(summary) => serde_json::to_value(&summary).expect("a page serializes"),
            Err(e) => {
                report
                    .failed
                    .push((published.nct_id.clone(), e.to_string()));
                continue;
            }
        };
        if text_hash(&page) == published.text_hash {
            continue;
        }
        let recorded = store
            .record_page(NewPage {
                nct_id: &published.nct_id,
                record_version_id: published.record_version_id,
                page: &page,
                wording_version: pipeline.version(),
                writer: "rules",
                author: actor,
                reason: Reason::WordingChanged,
                state: PageState::InReview,
            })
            .await?;
        if matches!(recorded, Recorded::Pending(_) | Recorded::AlreadyPending(_)) {
            report.in_review += 1;
        }
    }
    store
        .record_event(
            actor,
            "rerender",
            pipeline.version(),
            Some(&serde_json::to_string(&report).unwrap_or_default()),
        )
        .await?;
    Ok(report)
}
