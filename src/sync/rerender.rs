//! `laysum rerender`: every published page made again with the current templates and lexicons.
//! A page whose text changes goes into review (`wording_changed`): the live site's snapshot
//! diff, for reviewers who do not use `cargo insta`. A study whose newer record already waits
//! in review is made again from that record, so the reviewer sees the record's change in the
//! new wording; an editor's page, published or waiting, is left as the editor wrote it.

use crate::store::pages::{text_hash, NewPage, Recorded};
use crate::store::{PageState, Reason, Store, StoreError};
use crate::Pipeline;
use serde::Serialize;

#[derive(Debug, Default, Clone, Serialize)]
pub struct RerenderReport {
    /// Published pages made again.
    pub checked: usize,
    /// Of those, pages whose text changed (or whose record changed): now in review.
    pub in_review: usize,
    /// Pages an editor wrote by hand, published or waiting for review: kept as they are, since
    /// the templates did not write them.
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
        // What waits for a reviewer, if anything: the page a new wording must replace. Made
        // from the published page's record alone, a rerender would push aside a change of the
        // registry record waiting in review, and the sync, finding that record stored, would
        // not propose it again.
        let current = store.current_version(&published.nct_id).await?;
        let pending = (current.id != published.id).then_some(current);
        if published.reason == Reason::Edited
            || pending.as_ref().is_some_and(|p| p.reason == Reason::Edited)
        {
            report.kept_edited += 1;
            continue;
        }
        let (record_version_id, reason, text) = match &pending {
            Some(p) => (p.record_version_id, p.reason, &p.text_hash),
            None => (
                published.record_version_id,
                Reason::WordingChanged,
                &published.text_hash,
            ),
        };
        let record = store.record(record_version_id).await?;
        let page = match pipeline.summarize(&record.record) {
            Ok(summary) => serde_json::to_value(&summary).expect("a page serializes"),
            Err(e) => {
                report
                    .failed
                    .push((published.nct_id.clone(), e.to_string()));
                continue;
            }
        };
        if text_hash(&page) == *text {
            // The same text as the page in review (still in review), or as the published page.
            report.in_review += usize::from(pending.is_some());
            continue;
        }
        let recorded = store
            .record_page(NewPage {
                nct_id: &published.nct_id,
                record_version_id,
                page: &page,
                wording_version: pipeline.version(),
                writer: "rules",
                author: actor,
                // A page of a newer record still shows the record's change to its reviewer.
                reason: if record_version_id == published.record_version_id {
                    Reason::WordingChanged
                } else {
                    reason
                },
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
