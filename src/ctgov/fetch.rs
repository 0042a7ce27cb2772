//! `laysum fetch`: every study a registry query finds, page by page, into JSON Lines that
//! `laysum batch` reads.
//!
//! The registry's API v2 answers `GET {base}/studies?{query}&pageSize=N` with
//! `{"studies": [...], "nextPageToken": "...", "totalCount": N}` (the count only when asked,
//! on the first page); the token fetches the next page. Requests are spaced to a bounded rate;
//! 429, 5xx and requests that got no answer are retried by the shared [`RetryPolicy`],
//! honouring `Retry-After`.
//!
//! A download of the whole registry takes hours, so it can be resumed. Beside the output a state
//! file records, after each page, the next page token and the output's length. The page's lines
//! are flushed to disk before the state is replaced (written aside, then renamed over the old
//! one), so a kill at any moment leaves a state that matches lines on disk; a resumed run cuts
//! the output back to the recorded length, dropping the lines of a page whose state was never
//! written, and asks for that page again. No study is lost or written twice.

use crate::retry::{is_retryable, retry_after, RetryPolicy};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use thiserror::Error;

/// The settings of `laysum fetch`.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchConfig {
    /// Base URL of the ClinicalTrials.gov API v2; pages are read from {url}/studies?{query}.
    #[arg(
        long,
        env = "LAYSUM_CTGOV_URL",
        default_value = "https://clinicaltrials.gov/api/v2"
    )]
    pub ctgov_url: String,
    /// Studies per page (the API gives at most 1000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    /// Requests per second at most, retries included (the registry asks for about 50 a minute).
    #[arg(long, env = "LAYSUM_FETCH_RATE", default_value_t = 0.8)]
    pub rate: f64,
    /// Time allowed to connect to the registry, in milliseconds.
    #[arg(
        long,
        env = "LAYSUM_UPSTREAM_CONNECT_TIMEOUT_MS",
        default_value_t = 3_000
    )]
    pub upstream_connect_timeout_ms: u64,
    /// Time allowed for one page, in milliseconds (a page of 1000 studies is tens of MB).
    #[arg(long, env = "LAYSUM_FETCH_PAGE_TIMEOUT_MS", default_value_t = 120_000)]
    pub page_timeout_ms: u64,
    /// Retries of a page answered 429 or 5xx, or not answered in time.
    #[arg(long, env = "LAYSUM_FETCH_RETRIES", default_value_t = 5)]
    pub retries: u32,
    /// First wait before a retry, in milliseconds; doubled on each retry. Retry-After wins, up to
    /// 60 s.
    #[arg(long, env = "LAYSUM_FETCH_BACKOFF_MS", default_value_t = 2_000)]
    pub backoff_ms: u64,
}

impl FetchConfig {
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            retries: self.retries,
            backoff: Duration::from_millis(self.backoff_ms),
            max_retry_after: Duration::from_secs(60),
        }
    }

    /// Settings for tests: a given registry, fast retries, no rate limit to speak of.
    pub fn for_registry(ctgov_url: impl Into<String>) -> Self {
        FetchConfig {
            ctgov_url: ctgov_url.into(),
            page_size: 1000,
            rate: 1000.0,
            upstream_connect_timeout_ms: 3_000,
            page_timeout_ms: 10_000,
            retries: 2,
            backoff_ms: 10,
        }
    }
}

/// Why a fetch stopped.
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("bad query: {0}")]
    BadQuery(String),
    #[error("{0}")]
    BadSetting(String),
    #[error("{path}: {source}")]
    Output { path: String, source: io::Error },
    #[error("cannot resume: {0}")]
    Resume(String),
    #[error("page {page}: the registry did not answer in time")]
    Timeout { page: u64 },
    #[error("page {page}: the registry is unavailable: {reason}")]
    Unavailable { page: u64, reason: String },
    #[error("page {page}: the registry refused the query ({status}): {message}")]
    Refused {
        page: u64,
        status: u16,
        message: String,
    },
    #[error("page {page}: not a page of studies: {reason}")]
    BadPage { page: u64, reason: String },
}

impl FetchError {
    /// Whether running again with `--resume` may get further (the registry's trouble, not ours).
    pub fn resumable(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout { .. }
                | FetchError::Unavailable { .. }
                | FetchError::BadPage { .. }
        )
    }
}

/// What has been fetched, as the state file records it after each page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    pub query: String,
    pub page_size: u32,
    /// Pages written so far.
    pub pages: u64,
    pub studies: u64,
    /// Length of the output holding exactly those studies.
    pub bytes: u64,
    /// The token of the next page to fetch; `None` with `complete` once the last page is in.
    pub next_page_token: Option<String>,
    pub complete: bool,
    /// The registry's count of the query's studies, when it gave it.
    pub total: Option<u64>,
}

/// The state file beside an output: `stroke.jsonl` → `stroke.jsonl.state`.
pub fn state_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".state");
    PathBuf::from(name)
}

/// What a fetch hears as it goes.
pub trait Watch {
    /// Before the first page: the state it starts from (fresh or resumed).
    fn start(&mut self, state: &State);
    /// After each page is safely written.
    fn page(&mut self, state: &State);
    /// A retry and why.
    fn retry(&mut self, page: u64, reason: &str, wait: Duration);
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    studies: Vec<&'a RawValue>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
    #[serde(rename = "totalCount")]
    total_count: Option<u64>,
}

/// Fetches every study of `query` into `out`, continuing an earlier run when `resume`.
pub async fn fetch(
    query: &str,
    out: &Path,
    resume: bool,
    config: &FetchConfig,
    watch: &mut dyn Watch,
) -> Result<State, FetchError> {
    let query = query.trim_start_matches('?');
    let base = studies_url(&config.ctgov_url, query)?;
    if !(config.rate.is_finite() && config.rate > 0.0) {
        return Err(FetchError::BadSetting(format!(
            "--rate {}: give a number of requests a second above 0",
            config.rate
        )));
    }
    let state_file = state_path(out);
    let io_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| FetchError::Output { path, source }
    };
    let (mut state, file) = if resume && state_file.exists() {
        let state = read_state(&state_file)?;
        if state.query != query {
            return Err(FetchError::Resume(format!(
                "{} was for the query {:?}, not {query:?}",
                state_file.display(),
                state.query
            )));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(out)
            .map_err(io_err(out))?;
        let len = file.metadata().map_err(io_err(out))?.len();
        if len < state.bytes {
            return Err(FetchError::Resume(format!(
                "{} holds {len} bytes, fewer than the {} its state records",
                out.display(),
                state.bytes
            )));
        }
        // Lines after the recorded length belong to a page whose state was never written.
        file.set_len(state.bytes).map_err(io_err(out))?;
        file.seek(SeekFrom::End(0)).map_err(io_err(out))?;
        (state, file)
    } else {
        if resume && out.metadata().is_ok_and(|m| m.len() > 0) {
            return Err(FetchError::Resume(format!(
                "{} has no state file {}, so where it stopped is not known; fetch again without --resume",
                out.display(),
                state_file.display()
            )));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let file = File::create(out).map_err(io_err(out))?;
        let state = State {
            query: query.to_owned(),
            page_size: config.page_size,
            pages: 0,
            studies: 0,
            bytes: 0,
            next_page_token: None,
            complete: false,
            total: None,
        };
        write_state(&state_file, &state)?;
        (state, file)
    };
    watch.start(&state);
    if state.complete {
        return Ok(state);
    }

    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_millis(config.upstream_connect_timeout_ms))
        .timeout(Duration::from_millis(config.page_timeout_ms))
        .user_agent(concat!("laysum/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Unavailable {
            page: 1,
            reason: e.to_string(),
        })?;
    let mut pacer = Pacer::new(config.rate);
    loop {
        let page_number = state.pages + 1;
        let mut url = base.clone();
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("pageSize", &state.page_size.to_string());
            match &state.next_page_token {
                Some(token) => {
                    pairs.append_pair("pageToken", token);
                }
                // The registry counts only when asked, and only on the first page.
                None => {
                    pairs.append_pair("countTotal", "true");
                }
            }
        }
        let body = get_page(&http, url, page_number, config, &mut pacer, watch).await?;
        let page: Page<'_> = serde_json::from_slice(&body).map_err(|e| FetchError::BadPage {
            page: page_number,
            reason: e.to_string(),
        })?;
        if page.next_page_token.is_some() && page.next_page_token == state.next_page_token {
            return Err(FetchError::BadPage {
                page: page_number,
                reason: "the next page token is this page's own".into(),
            });
        }
        // Written straight from the page (no second copy of it in memory); the lines reach the
        // disk before the state that counts them.
        let mut lines = std::io::BufWriter::with_capacity(256 * 1024, &file);
        let mut written = 0u64;
        for study in &page.studies {
            let line = one_line(study.get());
            lines
                .write_all(line.as_bytes())
                .and_then(|()| lines.write_all(b"\n"))
                .map_err(io_err(out))?;
            written += line.len() as u64 + 1;
        }
        lines.flush().map_err(io_err(out))?;
        drop(lines);
        file.sync_data().map_err(io_err(out))?;
        state.pages += 1;
        state.studies += page.studies.len() as u64;
        state.bytes += written;
        if state.total.is_none() {
            state.total = page.total_count;
        }
        state.complete = page.next_page_token.is_none();
        state.next_page_token = page.next_page_token;
        write_state(&state_file, &state)?;
        watch.page(&state);
        if state.complete {
            return Ok(state);
        }
    }
}

/// `{base}/studies?{query}`, refusing what `fetch` sets itself.
fn studies_url(base: &str, query: &str) -> Result<Url, FetchError> {
    let mut url = Url::parse(&format!("{}/studies", base.trim_end_matches('/')))
        .map_err(|e| FetchError::BadQuery(format!("the registry URL {base:?}: {e}")))?;
    url.set_query((!query.is_empty()).then_some(query));
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "pageToken" | "pageSize" | "countTotal" => {
                return Err(FetchError::BadQuery(format!(
                    "{key} is set by laysum fetch (see --page-size, --resume)"
                )))
            }
            "format" if value != "json" => {
                return Err(FetchError::BadQuery(format!(
                    "format={value}: laysum fetch reads JSON"
                )))
            }
            _ => {}
        }
    }
    Ok(url)
}

/// One page's bytes, retried as the policy allows.
async fn get_page(
    http: &reqwest::Client,
    url: Url,
    page: u64,
    config: &FetchConfig,
    pacer: &mut Pacer,
    watch: &mut dyn Watch,
) -> Result<bytes::Bytes, FetchError> {
    let policy = config.retry_policy();
    let mut attempt = 0;
    loop {
        pacer.wait().await;
        let sent = http
            .get(url.clone())
            .header("accept", "application/json")
            .send()
            .await;
        let (error, asked_wait) = match sent {
            Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                Ok(body) => return Ok(body),
                Err(e) => (no_answer(e, page), None),
            },
            Ok(resp) if is_retryable(resp.status()) => {
                let status = resp.status();
                (
                    FetchError::Unavailable {
                        page,
                        reason: format!("answered {status}"),
                    },
                    retry_after(resp.headers()),
                )
            }
            Ok(resp) => {
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                return Err(FetchError::Refused {
                    page,
                    status,
                    message: text.chars().take(300).collect::<String>().trim().to_owned(),
                });
            }
            Err(e) => (no_answer(e, page), None),
        };
        if attempt >= policy.retries {
            return Err(error);
        }
        let wait = policy.wait(attempt, asked_wait);
        watch.retry(page, &error.to_string(), wait);
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

fn no_answer(e: reqwest::Error, page: u64) -> FetchError {
    crate::retry::no_answer(e, FetchError::Timeout { page }, |reason| {
        FetchError::Unavailable { page, reason }
    })
}

/// Spaces requests to at most `rate` a second.
struct Pacer {
    gap: Duration,
    next: Option<Instant>,
}

impl Pacer {
    fn new(rate: f64) -> Self {
        Pacer {
            gap: Duration::from_secs_f64(1.0 / rate),
            next: None,
        }
    }

    async fn wait(&mut self) {
        if let Some(next) = self.next {
            tokio::time::sleep_until(next.into()).await;
        }
        self.next = Some(Instant::now() + self.gap);
    }
}

fn read_state(path: &Path) -> Result<State, FetchError> {
    let text = std::fs::read(path)
        .map_err(|e| FetchError::Resume(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&text)
        .map_err(|e| FetchError::Resume(format!("{} is not a fetch state: {e}", path.display())))
}

/// Replaces the state file whole: written aside, flushed, then renamed over the old one, so a
/// kill leaves either the old state or the new, never half of one.
fn write_state(path: &Path, state: &State) -> Result<(), FetchError> {
    let err = |source| FetchError::Output {
        path: path.display().to_string(),
        source,
    };
    let mut aside = path.as_os_str().to_owned();
    aside.push(".tmp");
    let aside = PathBuf::from(aside);
    let mut file = File::create(&aside).map_err(err)?;
    serde_json::to_writer_pretty(&mut file, state).map_err(|e| err(e.into()))?;
    file.write_all(b"\n").map_err(err)?;
    file.sync_all().map_err(err)?;
    std::fs::rename(&aside, path).map_err(err)?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The rename itself reaches the disk with the folder; not every system allows this.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// A study on one line: the registry sends compact JSON, kept byte for byte; a record that
/// holds line breaks between its tokens is compacted (line breaks inside strings are always
/// escaped in JSON, so only those between tokens can occur).
fn one_line(study: &str) -> Cow<'_, str> {
    if !study.contains(['\n', '\r']) {
        return Cow::Borrowed(study);
    }
    let mut out = String::with_capacity(study.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in study.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pretty_study_goes_on_one_line_with_its_strings_untouched() {
        let pretty = "{\n  \"a\": \"x  y \\\" }\",\n  \"b\": [1, 2]\n}";
        assert_eq!(one_line(pretty), "{\"a\":\"x  y \\\" }\",\"b\":[1,2]}");
        assert!(matches!(one_line("{\"a\": 1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_query_may_not_set_what_fetch_sets() {
        let url = studies_url(
            "http://x/api/v2/",
            "query.cond=stroke&filter.overallStatus=RECRUITING",
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "http://x/api/v2/studies?query.cond=stroke&filter.overallStatus=RECRUITING"
        );
        assert!(studies_url("http://x", "pageToken=abc").is_err());
        assert!(studies_url("http://x", "format=csv").is_err());
        assert!(studies_url("http://x", "").is_ok());
    }
}
