//! The server's settings, from flags or `LAYSUM_*` environment variables, typed and loaded in
//! one place. `laysum serve --help` lists them all.

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LAYSUM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Base URL of the ClinicalTrials.gov API v2; records are fetched from {url}/studies/{nct_id}.
    #[arg(
        long,
        env = "LAYSUM_CTGOV_URL",
        default_value = "https://clinicaltrials.gov/api/v2"
    )]
    pub ctgov_url: String,
    /// Time allowed to connect to the registry, in milliseconds.
    #[arg(
        long,
        env = "LAYSUM_UPSTREAM_CONNECT_TIMEOUT_MS",
        default_value_t = 3_000
    )]
    pub upstream_connect_timeout_ms: u64,
    /// Time allowed for one registry call, in milliseconds; past it the answer is 504.
    #[arg(long, env = "LAYSUM_UPSTREAM_TIMEOUT_MS", default_value_t = 10_000)]
    pub upstream_timeout_ms: u64,
    /// Retries of a registry call that answered 429 or 5xx (waiting what Retry-After asks, at most 5 s).
    #[arg(long, env = "LAYSUM_UPSTREAM_RETRIES", default_value_t = 2)]
    pub upstream_retries: u32,
    /// First wait before a retry, in milliseconds; doubled on each retry.
    #[arg(long, env = "LAYSUM_UPSTREAM_BACKOFF_MS", default_value_t = 200)]
    pub upstream_backoff_ms: u64,
    /// Bytes of fetched records kept in memory.
    #[arg(long, env = "LAYSUM_CACHE_MAX_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub cache_max_bytes: u64,
    /// How long a fetched record is kept, in seconds.
    #[arg(long, env = "LAYSUM_CACHE_TTL_SECS", default_value_t = 600)]
    pub cache_ttl_secs: u64,
    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "LAYSUM_BODY_LIMIT_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub body_limit_bytes: usize,
    /// Requests handled at once; more wait their turn.
    #[arg(long, env = "LAYSUM_MAX_CONCURRENCY", default_value_t = 512)]
    pub max_concurrency: usize,
    /// Time allowed for a whole request, in milliseconds; past it the answer is 503. With a
    /// model set up it must be above LAYSUM_LLM_TIMEOUT_MS, so an llm page that falls back to
    /// the rules still reaches its reader.
    #[arg(long, env = "LAYSUM_REQUEST_TIMEOUT_MS", default_value_t = 90_000)]
    pub request_timeout_ms: u64,
    /// Log format: human-readable lines or JSON objects.
    #[arg(long, env = "LAYSUM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub llm: crate::llm::LlmConfig,
    #[command(flatten)]
    pub store: StoreConfig,
    /// How often the server syncs the watched studies with the registry: 30s, 15m, 1h, 1d, or
    /// off. With several instances on one PostgreSQL, one of them syncs each round.
    #[arg(long, env = "LAYSUM_SYNC_INTERVAL", default_value = "1h", value_parser = parse_interval)]
    pub sync_interval: Interval,
    #[command(flatten)]
    pub sync: crate::sync::SyncConfig,
}

/// Where the published pages are kept; every command that reads or writes them takes this.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreConfig {
    /// The database: sqlite://FILE (created when missing) or postgres://USER@HOST/DB. Unset:
    /// laysum.db in the working folder.
    // Global, so that it may follow a subcommand: `laysum review list --database-url …`.
    #[arg(
        long,
        env = "LAYSUM_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
}

/// A sync interval; `None` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval(pub Option<Duration>);

fn parse_interval(text: &str) -> Result<Interval, String> {
    crate::sync::parse_interval(text).map(Interval)
}

/// Settings of the server that cannot work together, found at start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("LAYSUM_REQUEST_TIMEOUT_MS ({request} ms) must be at least 1000 ms above LAYSUM_LLM_TIMEOUT_MS ({model} ms): a request would be cut off before its llm page could fall back to the rules")]
    RequestTimeoutBelowModel { request: u64, model: u64 },
}

/// Time a request keeps besides the model's: the record, the rules draft, the answer.
const REQUEST_MARGIN_MS: u64 = 1_000;

impl Config {
    /// Whether the settings can work together: checked when the server starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.llm.model.is_some()
            && self.request_timeout_ms < self.llm.timeout_ms + REQUEST_MARGIN_MS
        {
            return Err(ConfigError::RequestTimeoutBelowModel {
                request: self.request_timeout_ms,
                model: self.llm.timeout_ms,
            });
        }
        Ok(())
    }

    pub fn upstream(&self) -> crate::ctgov::client::ClientConfig {
        crate::ctgov::client::ClientConfig {
            base_url: self.ctgov_url.clone(),
            connect_timeout: Duration::from_millis(self.upstream_connect_timeout_ms),
            timeout: Duration::from_millis(self.upstream_timeout_ms),
            retries: self.upstream_retries,
            backoff: Duration::from_millis(self.upstream_backoff_ms),
            max_retry_after: Duration::from_secs(5),
        }
    }

    /// Settings for tests: a given registry URL, everything else the defaults.
    pub fn for_upstream(ctgov_url: impl Into<String>) -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        let mut config = Wrapper::parse_from(["laysum"]).config;
        config.ctgov_url = ctgov_url.into();
        // Tests say when they want a model; one set in the developer's shell must not leak in.
        config.llm.model = None;
        config.llm.api_key = None;
        // Tests give their store, and run a sync when they mean to.
        config.store.database_url = None;
        config.sync_interval = Interval(None);
        config.sync = crate::sync::SyncConfig::for_tests();
        config
    }
}
