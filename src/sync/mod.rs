//! Keeping the published pages up to date with the registry and the wording: `laysum sync`
//! (and the server's background sync every `LAYSUM_SYNC_INTERVAL`) and `laysum rerender`.
//!
//! A sync runs in three steps, each leaving the store whole if the process dies after it:
//!
//! 1. **ask what changed** ([`registry`]): the watched ids in batches, and every watched
//!    query page by page, asking only for last-update dates; a study whose date differs from
//!    its newest stored record has changed;
//! 2. **fetch** each changed record, a few at a time, and store it as a new record version;
//! 3. **render** every newest record version that has no page yet, with the rules writer, and
//!    record the page: published at once if its text is the published text, else in review.
//!
//! Step 3 also runs first: records fetched by a sync that died before rendering are rendered
//! then, and not fetched again (their dates now match). Only one sync runs at a time
//! ([`crate::store::lock`]); another finds the lock taken and skips its round.

pub mod registry;
pub mod rerender;

use crate::retry::RetryPolicy;
use crate::store::pages::{NewPage, Recorded};
use crate::store::{PageState, Reason, Store, StoreError};
use crate::Pipeline;
use registry::{last_update_of, Registry};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// How a sync talks to the registry.
#[derive(Debug, Clone, clap::Args)]
pub struct SyncConfig {
    /// Records fetched at once during a sync.
    #[arg(long, env = "LAYSUM_SYNC_CONCURRENCY", default_value_t = 4)]
    pub sync_concurrency: usize,
    /// Watched NCT ids asked about in one registry call (the URL holds them all).
    #[arg(long, env = "LAYSUM_SYNC_BATCH", default_value_t = 200)]
    pub sync_batch: usize,
    /// Retries of a registry call answered 429 or 5xx, or not answered.
    #[arg(long, env = "LAYSUM_SYNC_RETRIES", default_value_t = 4)]
    pub sync_retries: u32,
    /// First wait before a retry, in milliseconds; doubled each time. Retry-After wins, up to
    /// 60 s.
    #[arg(long, env = "LAYSUM_SYNC_BACKOFF_MS", default_value_t = 1_000)]
    pub sync_backoff_ms: u64,
    /// Time allowed for one registry call of a sync, in milliseconds.
    #[arg(long, env = "LAYSUM_SYNC_TIMEOUT_MS", default_value_t = 60_000)]
    pub sync_timeout_ms: u64,
}

impl SyncConfig {
    fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            retries: self.sync_retries,
            backoff: Duration::from_millis(self.sync_backoff_ms),
            max_retry_after: Duration::from_secs(60),
        }
    }

    /// Settings for tests: quick retries.
    pub fn for_tests() -> Self {
        SyncConfig {
            sync_concurrency: 4,
            sync_batch: 200,
            sync_retries: 2,
            sync_backoff_ms: 10,
            sync_timeout_ms: 5_000,
        }
    }
}

/// Why a sync stopped before its end. What it stored until then stays stored.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error("the registry is unavailable: {0}")]
    Registry(String),
    #[error("the registry refused a listing: {0}")]
    Refused(String),
    #[error("{0}")]
    Setting(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a sync did.
#[derive(Debug, Default, Clone, Serialize, utoipa::ToSchema)]
pub struct SyncReport {
    /// Another sync held the lock (or, for a background round, another instance synced less
    /// than half an interval ago): this one did nothing.
    pub skipped: bool,
    /// Studies whose last update date was checked.
    pub checked: usize,
    /// Of those, the ones with a newer record than the store's.
    pub changed: usize,
    /// Records fetched and stored.
    pub fetched: usize,
    /// Pages that went into review.
    pub in_review: usize,
    /// Pages whose text was the published text: recorded without review.
    pub unchanged: usize,
    /// Watched ids the registry did not list.
    pub not_found: Vec<String>,
    /// Studies that could not be fetched or rendered this time (tried again next time), with
    /// why.
    pub failed: Vec<(String, String)>,
    /// Registry calls made, retries included.
    pub registry_calls: u64,
    pub seconds: f64,
}

/// Runs one sync. `actor` names who started it in the audit trail (`sync`, a token's name).
pub async fn sync(
    store: &Store,
    pipeline: &Pipeline,
    ctgov_url: &str,
    config: &SyncConfig,
    actor: &str,
) -> Result<SyncReport, SyncError> {
    sync_unless_recent(store, pipeline, ctgov_url, config, actor, None).await
}

/// One round of the server's background sync, every `every`. Several instances on one
/// database each have their own timer: a round is skipped when a sync (any instance's, or a
/// `laysum sync`) finished less than half an interval ago, so the registry sees about one sync an interval however many
/// instances run (never more than two), and a lone instance never skips its own rounds unless
/// a sync takes more than half the interval.
pub async fn sync_round(
    store: &Store,
    pipeline: &Pipeline,
    ctgov_url: &str,
    config: &SyncConfig,
    actor: &str,
    every: Duration,
) -> Result<SyncReport, SyncError> {
    sync_unless_recent(store, pipeline, ctgov_url, config, actor, Some(every / 2)).await
}

async fn sync_unless_recent(
    store: &Store,
    pipeline: &Pipeline,
    ctgov_url: &str,
    config: &SyncConfig,
    actor: &str,
    quiet_for: Option<Duration>,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let skipped = SyncReport {
        skipped: true,
        ..Default::default()
    };
    let Some(lock) = store.try_lock_sync().await? else {
        tracing::info!("another sync is running: skipping this round");
        return Ok(skipped);
    };
    // Asked under the lock: of two instances ticking at once, the second sees the first's sync.
    if let Some(quiet_for) = quiet_for {
        let quiet_ms = i64::try_from(quiet_for.as_millis()).unwrap_or(i64::MAX);
        let last = store.last_event_at("sync").await?;
        if last.is_some_and(|at| crate::store::now_ms().saturating_sub(at) < quiet_ms) {
            lock.release().await;
            tracing::info!("another instance synced lately: skipping this round");
            return Ok(skipped);
        }
    }
    let mut report = SyncReport::default();
    let result = run(store, pipeline, ctgov_url, config, actor, &mut report).await;
    lock.release().await;
    report.seconds = started.elapsed().as_secs_f64();
    let detail = serde_json::json!({
        "checked": report.checked, "changed": report.changed, "fetched": report.fetched,
        "in_review": report.in_review, "failed": report.failed.len(),
        "registry_calls": report.registry_calls,
        "error": result.as_ref().err().map(ToString::to_string),
    });
    store
        .record_event(actor, "sync", "registry", Some(&detail.to_string()))
        .await?;
    result.map(|()| report)
}

async fn run(
    store: &Store,
    pipeline: &Pipeline,
    ctgov_url: &str,
    config: &SyncConfig,
    actor: &str,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    // What an earlier sync fetched but did not render.
    render_pending(store, pipeline, actor, report).await?;

    let timeout = Duration::from_millis(config.sync_timeout_ms);
    let registry = Registry::new(ctgov_url, timeout, config.retry())
        .map_err(|e| SyncError::Setting(e.to_string()))?;
    let listed = list_watched(store, &registry, config, report).await;
    report.registry_calls = registry.calls.load(Ordering::Relaxed);
    let listed = listed?;
    report.checked = listed.len();

    let latest = store.latest_records().await?;
    let changed: Vec<String> = listed
        .iter()
        .filter(|(id, date)| latest.get(*id).is_none_or(|l| &l.last_update != *date))
        .map(|(id, _)| id.clone())
        .collect();
    report.changed = changed.len();

    let registry = Arc::new(registry);
    fetch_changed(store, &registry, changed, config.sync_concurrency, report).await;
    report.registry_calls = registry.calls.load(Ordering::Relaxed);

    if std::env::var_os("LAYSUM_SYNC_PAUSE_AFTER_FETCH").is_some() {
        // For the crash test only: stop between fetching and rendering, as a process killed
        // at that moment would, and wait there to be killed.
        eprintln!("sync: paused after fetching {} records", report.fetched);
        std::future::pending::<()>().await;
    }
    render_pending(store, pipeline, actor, report).await?;
    Ok(())
}

/// Every watched study with its registry date: ids in batches, queries page by page.
async fn list_watched(
    store: &Store,
    registry: &Registry,
    config: &SyncConfig,
    report: &mut SyncReport,
) -> Result<BTreeMap<String, Option<String>>, SyncError> {
    let watches = store.watches().await?;
    let ids: Vec<String> = watches
        .iter()
        .filter(|w| w.kind == crate::store::WatchKind::Study)
        .map(|w| w.target.clone())
        .collect();
    let mut listed = BTreeMap::new();
    for batch in ids.chunks(config.sync_batch.max(1)) {
        for study in registry.list_ids(batch).await? {
            listed.insert(study.nct_id, study.last_update);
        }
    }
    let found: BTreeSet<&String> = listed.keys().collect();
    report.not_found = ids
        .iter()
        .filter(|id| !found.contains(id))
        .cloned()
        .collect();
    for watch in watches
        .iter()
        .filter(|w| w.kind == crate::store::WatchKind::Query)
    {
        match registry.list_query(&watch.target).await {
            Ok(studies) => {
                for study in studies {
                    listed.insert(study.nct_id, study.last_update);
                }
            }
            // The registry refused this query (a misspelt parameter, say): it is named, and
            // the other watches are synced, rather than one bad watch stopping every round.
            Err(SyncError::Refused(why)) => {
                tracing::warn!(query = %watch.target, error = %why, "the registry refused a watched query");
                report.failed.push((watch.target.clone(), why));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(listed)
}

/// Fetches and stores each changed record, `concurrency` at a time. A record that cannot be
/// fetched is named in the report and fetched next time.
async fn fetch_changed(
    store: &Store,
    registry: &Arc<Registry>,
    changed: Vec<String>,
    concurrency: usize,
    report: &mut SyncReport,
) {
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for nct_id in changed {
        let (store, registry, gate) = (store.clone(), registry.clone(), gate.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let result = async {
                let record = registry.fetch(&nct_id).await.map_err(|e| e.to_string())?;
                let value: serde_json::Value = serde_json::from_slice(&record)
                    .map_err(|e| format!("the registry sent no JSON: {e}"))?;
                let date = last_update_of(&value["protocolSection"]);
                store
                    .add_record(&nct_id, date.as_deref(), &record)
                    .await
                    .map_err(|e| e.to_string())
            }
            .await;
            (nct_id, result)
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((_, Ok(_))) => report.fetched += 1,
            Ok((id, Err(e))) => {
                tracing::warn!(nct_id = %id, error = %e, "could not fetch a changed record");
                report.failed.push((id, e));
            }
            Err(e) => report.failed.push(("?".into(), e.to_string())),
        }
    }
    report.failed.sort();
}

/// Renders each newest record that has no page yet and records its page.
async fn render_pending(
    store: &Store,
    pipeline: &Pipeline,
    actor: &str,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    for id in store.unrendered_records().await? {
        let record = store.record(id).await?;
        let page = match pipeline.summarize(&record.record) {
            Ok(summary) => serde_json::to_value(&summary).expect("a page serializes"),
            Err(e) => {
                report.failed.push((record.nct_id.clone(), e.to_string()));
                continue;
            }
        };
        let recorded = store
            .record_page(NewPage {
                nct_id: &record.nct_id,
                record_version_id: id,
                page: &page,
                wording_version: pipeline.version(),
                writer: "rules",
                author: actor,
                reason: Reason::RecordChanged,
                state: PageState::InReview,
            })
            .await?;
        match recorded {
            Recorded::Pending(_) | Recorded::AlreadyPending(_) => report.in_review += 1,
            Recorded::Unchanged(_) => report.unchanged += 1,
        }
    }
    Ok(())
}

/// `LAYSUM_SYNC_INTERVAL`: `30s`, `15m`, `1h`, `1d` or plain seconds; `0` or `off` turns the
/// background sync off.
pub fn parse_interval(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") || text == "0" {
        return Ok(None);
    }
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not an interval: write 30s, 15m, 1h, 1d or off"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => {
            return Err(format!(
                "{text:?} is not an interval: write 30s, 15m, 1h, 1d or off"
            ))
        }
    };
    Ok((secs > 0).then(|| Duration::from_secs(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_in_seconds_minutes_hours_or_days() {
        assert_eq!(parse_interval("90").unwrap(), Some(Duration::from_secs(90)));
        assert_eq!(
            parse_interval("15m").unwrap(),
            Some(Duration::from_secs(900))
        );
        assert_eq!(
            parse_interval("1h").unwrap(),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(parse_interval("off").unwrap(), None);
        assert_eq!(parse_interval("0").unwrap(), None);
        assert!(parse_interval("soon").is_err());
        assert!(parse_interval("5w").is_err());
    }
}
