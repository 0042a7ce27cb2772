//! The registry's HTTP client: `GET {base}/studies/{nct_id}`.
//!
//! Connect and total timeouts bound every call; 429 and 5xx answers are retried by the shared
//! [`RetryPolicy`]. Errors are typed so the server can answer 404, 502 or 504 as each deserves.

use crate::retry::{is_retryable, retry_after, RetryPolicy};
use bytes::Bytes;
use reqwest::StatusCode;
use std::time::Duration;
use thiserror::Error;

/// Why a record could not be fetched.
#[derive(Debug, Error, Clone)]
pub enum UpstreamError {
    #[error("the registry has no study {0}")]
    NotFound(String),
    #[error("the registry did not answer in time")]
    Timeout,
    #[error("the registry is unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `https://clinicaltrials.gov/api/v2`
    pub base_url: String,
    pub connect_timeout: Duration,
    /// For one attempt, from sending the request to the last byte of the answer.
    pub timeout: Duration,
    /// Attempts after the first, on 429 and 5xx.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub backoff: Duration,
    /// The longest wait a `Retry-After` may ask for.
    pub max_retry_after: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: "https://clinicaltrials.gov/api/v2".into(),
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
        }
    }
}

impl ClientConfig {
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            retries: self.retries,
            backoff: self.backoff,
            max_retry_after: self.max_retry_after,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(concat!("laysum/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client { http, config })
    }

    /// The study record, as the registry's bytes.
    pub async fn fetch(&self, nct_id: &str) -> Result<Bytes, UpstreamError> {
        let url = format!(
            "{}/studies/{nct_id}",
            self.config.base_url.trim_end_matches('/')
        );
        let mut attempt = 0;
        loop {
            let wait = match self
                .http
                .get(&url)
                .header("accept", "application/json")
                .send()
                .await
            {
                Ok(resp) if resp.status().is_success() => {
                    return resp.bytes().await.map_err(classify);
                }
                Ok(resp) if resp.status() == StatusCode::NOT_FOUND => {
                    return Err(UpstreamError::NotFound(nct_id.to_owned()));
                }
                Ok(resp) if is_retryable(resp.status()) => {
                    let status = resp.status();
                    if attempt >= self.config.retries {
                        return Err(UpstreamError::Unavailable(format!("answered {status}")));
                    }
                    retry_after(resp.headers())
                }
                Ok(resp) => {
                    return Err(UpstreamError::Unavailable(format!(
                        "answered {}",
                        resp.status()
                    )));
                }
                // A timeout is not retried: the caller has already waited the whole budget.
                Err(e) if e.is_timeout() => return Err(UpstreamError::Timeout),
                Err(e) => {
                    if attempt >= self.config.retries {
                        return Err(classify(e));
                    }
                    None
                }
            };
            tokio::time::sleep(self.config.retry_policy().wait(attempt, wait)).await;
            attempt += 1;
            tracing::debug!(nct_id, attempt, "retrying the registry");
        }
    }
}

fn classify(e: reqwest::Error) -> UpstreamError {
    crate::retry::no_answer(e, UpstreamError::Timeout, UpstreamError::Unavailable)
}

/// Whether a text is an NCT id: "NCT" and eight digits.
pub fn is_nct_id(id: &str) -> bool {
    id.len() == 11 && id.starts_with("NCT") && id[3..].bytes().all(|b| b.is_ascii_digit())
}
