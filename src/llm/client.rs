//! A client for the OpenAI chat completions protocol: `POST {url}/chat/completions`.
//!
//! The protocol OpenAI, vLLM, llama.cpp's server, llama-cpp-python and Ollama all speak. The
//! structured output we ask for is learnt from the server's answers ([`super::format`]); 429
//! and 5xx are retried by the shared [`RetryPolicy`] within the page's time; a semaphore bounds
//! the calls in flight to the server, so calls wait their turn here and not in the server's own
//! queue. When laysum gives up on a call (its time is spent) the request is dropped, which
//! closes the connection: a server that watches for that stops generating. Each attempt is a
//! debug line (status, format, bytes, tokens, finish reason, latency) and a count in
//! [`LlmStats`]; the API key goes only into the `Authorization` header.

use super::config::{ApiKey, LlmConfig};
use super::format::{refuses_format, Format, Formats};
use super::reply::{exceeds_context, excerpt, first_chars, read_reply, ModelError, Reply};
use super::stats::LlmStats;
use crate::retry::{is_retryable, retry_after, RetryPolicy};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: content.into(),
        }
    }
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f32,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Box<RawValue>>,
}

pub struct ChatClient {
    http: reqwest::Client,
    endpoint: String,
    model: String,
    api_key: Option<ApiKey>,
    temperature: f32,
    formats: Formats,
    retry: RetryPolicy,
    permits: Semaphore,
    stats: Arc<LlmStats>,
}

/// What one HTTP attempt came to.
enum Answer {
    Status(reqwest::StatusCode, reqwest::header::HeaderMap, String),
    NoAnswer(reqwest::Error),
}

impl ChatClient {
    /// A client for the configured server; `None` when no model is set.
    pub fn new(config: &LlmConfig, stats: Arc<LlmStats>) -> Result<Option<Self>, reqwest::Error> {
        let Some(model) = config.model.clone() else {
            return Ok(None);
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
            .timeout(config.timeout())
            .user_agent(concat!("laysum/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Some(ChatClient {
            http,
            endpoint: format!("{}/chat/completions", config.url.trim_end_matches('/')),
            model,
            api_key: config.api_key.clone(),
            temperature: config.temperature,
            formats: Formats::new(config.structured_output),
            retry: RetryPolicy {
                retries: config.retries,
                backoff: Duration::from_millis(config.backoff_ms),
                max_retry_after: Duration::from_secs(10),
            },
            permits: Semaphore::new(config.max_concurrency.max(1)),
            stats,
        }))
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The model's reply to a conversation, asked before `deadline`. `schema` describes the JSON
    /// we want; `max_tokens` bounds the reply.
    pub async fn complete(
        &self,
        messages: &[Message],
        schema: &RawValue,
        max_tokens: u32,
        deadline: Instant,
    ) -> Result<Reply, ModelError> {
        let mut retries = 0;
        let mut format = self.formats.current();
        loop {
            let body = serde_json::to_vec(&ChatRequest {
                model: &self.model,
                messages,
                temperature: self.temperature,
                max_tokens,
                response_format: format.response_format(schema),
            })
            .map_err(|e| ModelError::BadReply(format!("the request could not be written: {e}")))?;
            let request_bytes = body.len();
            let (answer, elapsed) = self.attempt(body, deadline).await?;
            let failure = match answer {
                Answer::Status(status, _, text) if status.is_success() => {
                    let reply = read_reply(&text);
                    let (usage, finish) = match &reply {
                        Ok(r) => (r.usage, r.finish_reason.as_deref().unwrap_or("none")),
                        Err(_) => (Default::default(), "unreadable"),
                    };
                    self.stats.tokens(usage);
                    tracing::debug!(
                        status = status.as_u16(),
                        format = format.name(),
                        request_bytes,
                        reply_bytes = text.len(),
                        prompt_tokens = usage.prompt_tokens,
                        completion_tokens = usage.completion_tokens,
                        finish_reason = finish,
                        latency_ms = elapsed.as_millis() as u64,
                        "model attempt"
                    );
                    if let Ok(r) = &reply {
                        tracing::trace!(reply = %first_chars(&r.content, 300), "model reply begins");
                    }
                    return reply;
                }
                Answer::Status(status, headers, text) => {
                    tracing::debug!(
                        status = status.as_u16(),
                        format = format.name(),
                        request_bytes,
                        reply_bytes = text.len(),
                        latency_ms = elapsed.as_millis() as u64,
                        error = %first_chars(text.trim(), 200),
                        "model attempt"
                    );
                    if exceeds_context(&text) {
                        return Err(ModelError::ContextExceeded(format!(
                            "answered {status}{}",
                            excerpt(&text)
                        )));
                    }
                    if format != Format::None && refuses_format(status.as_u16(), &text) {
                        self.stats.format_refused(format.name());
                        match self.formats.step_down(format) {
                            Some(next) => {
                                tracing::info!(
                                    model = %self.model,
                                    refused = format.name(),
                                    next = next.name(),
                                    "the model server refused this structured output; asking with the next from now on"
                                );
                                format = next;
                                continue;
                            }
                            None => {
                                return Err(ModelError::Refused(format!(
                                    "structured output {} is not accepted (answered {status}{}); try LAYSUM_LLM_STRUCTURED_OUTPUT=auto",
                                    format.name(),
                                    excerpt(&text)
                                )))
                            }
                        }
                    }
                    if !is_retryable(status) {
                        return Err(ModelError::Refused(format!(
                            "answered {status}{}",
                            excerpt(&text)
                        )));
                    }
                    (
                        ModelError::Unavailable(format!("answered {status}{}", excerpt(&text))),
                        retry_after(&headers),
                    )
                }
                Answer::NoAnswer(e) => {
                    tracing::debug!(
                        status = if e.is_timeout() { "timeout" } else { "no_answer" },
                        format = format.name(),
                        request_bytes,
                        latency_ms = elapsed.as_millis() as u64,
                        error = %e,
                        "model attempt"
                    );
                    // The page's time is spent: no retry could finish within it.
                    if e.is_timeout() {
                        return Err(ModelError::Timeout);
                    }
                    (classify(e), None)
                }
            };
            let (error, asked) = failure;
            let wait = self.retry.wait(retries, asked);
            if retries >= self.retry.retries || Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
            retries += 1;
            // Another call may have learnt the server's format meanwhile.
            format = self.formats.current();
            tracing::debug!(model = %self.model, retries, "retrying the model");
        }
    }

    /// One HTTP attempt, holding a permit while it is in flight: its answer and how long it took.
    async fn attempt(
        &self,
        body: Vec<u8>,
        deadline: Instant,
    ) -> Result<(Answer, Duration), ModelError> {
        // A permit per attempt: a call waiting out a Retry-After holds none.
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ModelError::Unavailable("the client is closing".into()))?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(ModelError::Timeout);
        }
        let started = Instant::now();
        let mut req = self
            .http
            .post(&self.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            // Past the page's deadline reqwest drops the request, and so the connection.
            .timeout(remaining);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key.expose());
        }
        let answer = match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                match resp.text().await {
                    Ok(text) => Answer::Status(status, headers, text),
                    Err(e) => Answer::NoAnswer(e),
                }
            }
            Err(e) => Answer::NoAnswer(e),
        };
        let elapsed = started.elapsed();
        let label = match &answer {
            Answer::Status(status, ..) => status.as_str().to_owned(),
            Answer::NoAnswer(e) if e.is_timeout() => "timeout".into(),
            Answer::NoAnswer(_) => "no_answer".into(),
        };
        self.stats.attempt(&label, elapsed);
        Ok((answer, elapsed))
    }
}

fn classify(e: reqwest::Error) -> ModelError {
    crate::retry::no_answer(e, ModelError::Timeout, ModelError::Unavailable)
}
