//! The registry calls of a sync that ask what changed: `GET {base}/studies` for many studies at
//! once, asking only for each one's NCT id and `lastUpdatePostDate` (`fields=`), so a thousand
//! watched studies cost a handful of small answers.
//!
//! Watched ids go in batches (`filter.ids=NCT…,NCT…`); a watched query is paged through with
//! `nextPageToken`. 429, 5xx and unanswered calls are retried with the shared [`RetryPolicy`],
//! honouring `Retry-After`.

use super::SyncError;
use crate::retry::{is_retryable, retry_after, RetryPolicy};
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// The registry's fields for the NCT id and the last update date.
const FIELDS: &str = "NCTId,LastUpdatePostDate";

/// A study as a listing gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub nct_id: String,
    pub last_update: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    studies: Vec<ListedStudy>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct ListedStudy {
    #[serde(rename = "protocolSection")]
    protocol: Option<serde_json::Value>,
}

/// The last update date a record (or a listing's part of one) gives.
pub fn last_update_of(protocol: &serde_json::Value) -> Option<String> {
    protocol["statusModule"]["lastUpdatePostDateStruct"]["date"]
        .as_str()
        .map(str::to_owned)
}

pub struct Registry {
    http: reqwest::Client,
    base: String,
    retry: RetryPolicy,
    /// Registry calls made, retries included: the sync's figure of politeness.
    pub calls: AtomicU64,
}

impl Registry {
    pub fn new(
        base: &str,
        timeout: std::time::Duration,
        retry: RetryPolicy,
    ) -> Result<Self, reqwest::Error> {
        Ok(Registry {
            http: reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .timeout(timeout)
                .user_agent(concat!("laysum/", env!("CARGO_PKG_VERSION")))
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            retry,
            calls: AtomicU64::new(0),
        })
    }

    /// The last update dates of the given studies (ids the registry does not know are left
    /// out of its answer).
    pub async fn list_ids(&self, ids: &[String]) -> Result<Vec<Listed>, SyncError> {
        let joined = ids.join(",");
        self.list(&[("filter.ids", joined.as_str())], ids.len())
            .await
    }

    /// Every study a query finds, with its last update date.
    pub async fn list_query(&self, query: &str) -> Result<Vec<Listed>, SyncError> {
        let pairs: Vec<(String, String)> = url_pairs(query);
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.list(&borrowed, 1000).await
    }

    async fn list(
        &self,
        params: &[(&str, &str)],
        page_size: usize,
    ) -> Result<Vec<Listed>, SyncError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = reqwest::Url::parse(&format!("{}/studies", self.base))
                .map_err(|e| SyncError::Setting(format!("registry URL {}: {e}", self.base)))?;
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in params {
                    q.append_pair(k, v);
                }
                q.append_pair("fields", FIELDS);
                q.append_pair("pageSize", &page_size.clamp(1, 1000).to_string());
                if let Some(t) = &token {
                    q.append_pair("pageToken", t);
                }
            }
            let bytes = self.get(url).await?;
            let page: Page = serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::Registry(format!("not a page of studies: {e}")))?;
            for study in page.studies {
                let Some(protocol) = study.protocol else {
                    continue;
                };
                if let Some(id) = protocol["identificationModule"]["nctId"].as_str() {
                    out.push(Listed {
                        nct_id: id.to_owned(),
                        last_update: last_update_of(&protocol),
                    });
                }
            }
            match page.next_page_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return Ok(out),
            }
        }
    }

    /// A study's whole record, as the registry's bytes.
    pub async fn fetch(&self, nct_id: &str) -> Result<bytes::Bytes, SyncError> {
        let url = reqwest::Url::parse(&format!("{}/studies/{nct_id}", self.base))
            .map_err(|e| SyncError::Setting(format!("registry URL {}: {e}", self.base)))?;
        self.get(url).await
    }

    async fn get(&self, url: reqwest::Url) -> Result<bytes::Bytes, SyncError> {
        let mut attempt = 0;
        loop {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let (reason, wait) = match self
                .http
                .get(url.clone())
                .header("accept", "application/json")
                .send()
                .await
            {
                Ok(resp) if resp.status().is_success() => {
                    return resp
                        .bytes()
                        .await
                        .map_err(|e| SyncError::Registry(e.without_url().to_string()));
                }
                Ok(resp) if is_retryable(resp.status()) => (
                    format!("answered {}", resp.status()),
                    retry_after(resp.headers()),
                ),
                Ok(resp) => {
                    let status = resp.status();
                    let body = resp.text().await.unwrap_or_default();
                    return Err(SyncError::Refused(format!(
                        "answered {status}: {}",
                        body.chars().take(200).collect::<String>()
                    )));
                }
                Err(e) => (
                    crate::retry::no_answer(e, "no answer in time".to_owned(), |m| m),
                    None,
                ),
            };
            if attempt >= self.retry.retries {
                return Err(SyncError::Registry(reason));
            }
            let wait = self.retry.wait(attempt, wait);
            tracing::info!(%reason, wait_ms = wait.as_millis() as u64, "the registry asks to wait; retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// `a=b&c=d` → pairs, percent-decoded (the query is re-encoded when the URL is built).
fn url_pairs(query: &str) -> Vec<(String, String)> {
    let mut url = reqwest::Url::parse("http://registry/").expect("a valid URL");
    url.set_query(Some(query.trim_start_matches('?')));
    url.query_pairs().into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watched_query_is_read_as_its_parameters() {
        assert_eq!(
            url_pairs("?query.cond=heart%20attack&filter.overallStatus=RECRUITING"),
            [
                ("query.cond".to_owned(), "heart attack".to_owned()),
                ("filter.overallStatus".to_owned(), "RECRUITING".to_owned())
            ]
        );
    }
}
