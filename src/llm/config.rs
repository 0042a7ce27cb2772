//! The model's settings, from flags or `LAYSUM_LLM_*` environment variables. The same block is
//! part of `render`, `batch` and `serve`, so every command reaches a model the same way.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Which structured output to ask the server for: `auto` learns it from the server's answers,
/// the others pin one `response_format` (see [`super::format::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StructuredOutput {
    /// Try json-schema, then json-object-schema, then json-object, then none, stepping down
    /// each time the server refuses the format, and remember per server what it accepted.
    Auto,
    /// `{"type": "json_schema", "json_schema": {…}}`: OpenAI, vLLM, llama-server, Ollama.
    JsonSchema,
    /// `{"type": "json_object", "schema": {…}}`: llama-cpp-python, llama-server.
    JsonObjectSchema,
    /// `{"type": "json_object"}`: JSON of any shape.
    JsonObject,
    /// No response_format; the JSON is read out of the message.
    Off,
}

/// An API key: sent as a bearer token, never printed. `Debug` and `Display` show only that one
/// is set, so a key cannot reach a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for ApiKey {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ApiKey(s.trim().to_owned()))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(set, hidden)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(hidden)")
    }
}

#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Model (for --writer llm)")]
pub struct LlmConfig {
    /// Base URL of an OpenAI-compatible API; requests go to {url}/chat/completions.
    #[arg(
        id = "llm-url",
        long = "llm-url",
        value_name = "URL",
        env = "LAYSUM_LLM_URL",
        default_value = "https://api.openai.com/v1"
    )]
    pub url: String,
    /// Model name, e.g. gpt-4o-mini, or the name a vLLM, llama.cpp or Ollama server gives it.
    /// The llm writer is available only when this is set.
    #[arg(
        id = "llm-model",
        long = "llm-model",
        value_name = "NAME",
        env = "LAYSUM_LLM_MODEL"
    )]
    pub model: Option<String>,
    /// API key, sent as a bearer token. Never logged; its value is hidden in this help.
    #[arg(
        id = "llm-api-key",
        long = "llm-api-key",
        value_name = "KEY",
        env = "LAYSUM_LLM_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<ApiKey>,
    /// Sampling temperature.
    #[arg(
        id = "llm-temperature",
        long = "llm-temperature",
        value_name = "T",
        env = "LAYSUM_LLM_TEMPERATURE",
        default_value_t = 0.2
    )]
    pub temperature: f32,
    /// Time allowed for the model's work on one page, all its calls together (waiting for a
    /// turn among the calls in flight included), in milliseconds; past it the rules draft is
    /// used and the connection closed. `laysum serve` needs LAYSUM_REQUEST_TIMEOUT_MS above it.
    #[arg(
        id = "llm-timeout-ms",
        long = "llm-timeout-ms",
        value_name = "MS",
        env = "LAYSUM_LLM_TIMEOUT_MS",
        default_value_t = 60_000
    )]
    pub timeout_ms: u64,
    /// Time allowed to connect to the model server, in milliseconds.
    #[arg(
        id = "llm-connect-timeout-ms",
        long = "llm-connect-timeout-ms",
        value_name = "MS",
        env = "LAYSUM_LLM_CONNECT_TIMEOUT_MS",
        default_value_t = 3_000
    )]
    pub connect_timeout_ms: u64,
    /// Retries of a model call that answered 429 or 5xx (waiting what Retry-After asks, at most 10 s).
    #[arg(
        id = "llm-retries",
        long = "llm-retries",
        value_name = "N",
        env = "LAYSUM_LLM_RETRIES",
        default_value_t = 2
    )]
    pub retries: u32,
    /// First wait before a retry, in milliseconds; doubled on each retry.
    #[arg(
        id = "llm-backoff-ms",
        long = "llm-backoff-ms",
        value_name = "MS",
        env = "LAYSUM_LLM_BACKOFF_MS",
        default_value_t = 500
    )]
    pub backoff_ms: u64,
    /// Model calls in flight at once to the model server, across all requests; more wait
    /// their turn here, where their page's time is kept, rather than in the server's queue.
    /// One suits a CPU server; a GPU server takes its parallel slots (vLLM: 8 or more).
    #[arg(
        id = "llm-max-concurrency",
        long = "llm-max-concurrency",
        value_name = "N",
        env = "LAYSUM_LLM_MAX_CONCURRENCY",
        default_value_t = 1
    )]
    pub max_concurrency: usize,
    /// Structured output: auto, json-schema, json-object-schema, json-object or off.
    #[arg(
        id = "llm-structured-output",
        long = "llm-structured-output",
        value_name = "MODE",
        env = "LAYSUM_LLM_STRUCTURED_OUTPUT",
        value_enum,
        default_value_t = StructuredOutput::Auto
    )]
    pub structured_output: StructuredOutput,
    /// Upper bound on the tokens of a reply (sent as max_tokens); unset, it is sized from the
    /// sections' word limits, so a model that runs on stops there.
    #[arg(
        id = "llm-max-tokens",
        long = "llm-max-tokens",
        value_name = "N",
        env = "LAYSUM_LLM_MAX_TOKENS"
    )]
    pub max_tokens: Option<u32>,
    /// Accepted llm drafts kept in memory.
    #[arg(
        id = "llm-cache-entries",
        long = "llm-cache-entries",
        value_name = "N",
        env = "LAYSUM_LLM_CACHE_ENTRIES",
        default_value_t = 10_000
    )]
    pub cache_entries: u64,
}

/// Settings that cannot work together, found at start rather than on the first page.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("LAYSUM_LLM_TIMEOUT_MS must be above 0")]
    NoTime,
    #[error("LAYSUM_LLM_MAX_TOKENS must be above 0")]
    NoTokens,
}

impl LlmConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// Whether the settings can work: checked when a writer is made from them.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.timeout_ms == 0 {
            return Err(ConfigError::NoTime);
        }
        if self.max_tokens == Some(0) {
            return Err(ConfigError::NoTokens);
        }
        Ok(())
    }

    /// Settings for tests: a given server and model, everything else the defaults.
    pub fn for_server(url: impl Into<String>, model: impl Into<String>) -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            llm: LlmConfig,
        }
        let mut config = Wrapper::parse_from(["laysum"]).llm;
        config.url = url.into();
        config.model = Some(model.into());
        config
    }
}
