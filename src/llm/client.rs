//! A client for the OpenAI chat completions protocol: `POST {url}/chat/completions`.
//!
//! The protocol OpenAI, vLLM, llama.cpp's server and Ollama all speak. We ask for JSON-schema
//! structured output where the server supports it; where it refuses the request for it (a 400
//! that names `response_format` or the schema), we ask again without and remember for later
//! calls. 429 and 5xx are retried by the shared [`RetryPolicy`]; a semaphore bounds the calls in
//! flight across the process; the API key goes only into the `Authorization` header.

use super::config::{ApiKey, LlmConfig, StructuredOutput};
use crate::retry::{is_retryable, retry_after, RetryPolicy};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use thiserror::Error;
use tokio::sync::Semaphore;

/// Why the model gave no usable reply.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ModelError {
    #[error("the model did not answer in time")]
    Timeout,
    #[error("the model server is unavailable: {0}")]
    Unavailable(String),
    #[error("the model server refused the request: {0}")]
    Refused(String),
    #[error("the model's reply is not a chat completion: {0}")]
    BadReply(String),
}

impl ModelError {
    /// A short label for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ModelError::Timeout => "timeout",
            ModelError::Unavailable(_) => "unavailable",
            ModelError::Refused(_) => "refused",
            ModelError::BadReply(_) => "bad_reply",
        }
    }
}

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
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ChatResponse {
    #[serde(default)]
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<ReplyMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ReplyMessage {
    content: Option<String>,
    refusal: Option<String>,
}

pub struct ChatClient {
    http: reqwest::Client,
    endpoint: String,
    model: String,
    api_key: Option<ApiKey>,
    temperature: f32,
    max_tokens: Option<u32>,
    structured: StructuredOutput,
    /// Set once the server has refused structured output (in `auto` mode).
    schema_refused: AtomicBool,
    retry: RetryPolicy,
    permits: Semaphore,
}

impl ChatClient {
    /// A client for the configured server; `None` when no model is set.
    pub fn new(config: &LlmConfig) -> Result<Option<Self>, reqwest::Error> {
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
            max_tokens: config.max_tokens,
            structured: config.structured_output,
            schema_refused: AtomicBool::new(false),
            retry: RetryPolicy {
                retries: config.retries,
                backoff: Duration::from_millis(config.backoff_ms),
                max_retry_after: Duration::from_secs(10),
            },
            permits: Semaphore::new(config.max_concurrency.max(1)),
        }))
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The text of the model's reply to a conversation. `schema` describes the JSON we want.
    pub async fn complete(
        &self,
        messages: &[Message],
        schema: &serde_json::Value,
    ) -> Result<String, ModelError> {
        let mut attempt = 0;
        loop {
            let with_schema = match self.structured {
                StructuredOutput::JsonSchema => true,
                StructuredOutput::Off => false,
                StructuredOutput::Auto => !self.schema_refused.load(Ordering::Relaxed),
            };
            let body = ChatRequest {
                model: &self.model,
                messages,
                temperature: self.temperature,
                max_tokens: self.max_tokens,
                response_format: with_schema.then(|| {
                    serde_json::json!({
                        "type": "json_schema",
                        "json_schema": {"name": "laysum_draft", "strict": true, "schema": schema},
                    })
                }),
            };
            let resp = {
                // A permit per attempt: a call waiting out a Retry-After holds none.
                let _permit = self
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| ModelError::Unavailable("the client is closing".into()))?;
                let mut req = self.http.post(&self.endpoint).json(&body);
                if let Some(key) = &self.api_key {
                    req = req.bearer_auth(key.expose());
                }
                match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let headers = resp.headers().clone();
                        let text = resp.text().await.map_err(classify)?;
                        Ok((status, headers, text))
                    }
                    Err(e) => Err(e),
                }
            };
            let wait = match resp {
                Ok((status, _, text)) if status.is_success() => return reply_text(&text),
                Ok((status, _, text))
                    if status == reqwest::StatusCode::BAD_REQUEST
                        && with_schema
                        && self.structured == StructuredOutput::Auto
                        && refuses_schema(&text) =>
                {
                    tracing::info!(
                        model = %self.model,
                        "the model server refused structured output; asking without it from now on"
                    );
                    self.schema_refused.store(true, Ordering::Relaxed);
                    continue;
                }
                Ok((status, headers, text)) if is_retryable(status) => {
                    if attempt >= self.retry.retries {
                        return Err(ModelError::Unavailable(format!(
                            "answered {status}{}",
                            excerpt(&text)
                        )));
                    }
                    retry_after(&headers)
                }
                Ok((status, _, text)) => {
                    return Err(ModelError::Refused(format!(
                        "answered {status}{}",
                        excerpt(&text)
                    )))
                }
                // A timeout is not retried: the page's whole budget for the model is spent.
                Err(e) if e.is_timeout() => return Err(ModelError::Timeout),
                Err(e) => {
                    if attempt >= self.retry.retries {
                        return Err(classify(e));
                    }
                    None
                }
            };
            tokio::time::sleep(self.retry.wait(attempt, wait)).await;
            attempt += 1;
            tracing::debug!(model = %self.model, attempt, "retrying the model");
        }
    }
}

/// The assistant's text out of a chat completion.
fn reply_text(body: &str) -> Result<String, ModelError> {
    let resp: ChatResponse = serde_json::from_str(body)
        .map_err(|e| ModelError::BadReply(format!("{e}{}", excerpt(body))))?;
    let choice = resp
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| ModelError::BadReply("no choices".into()))?;
    let message = choice
        .message
        .ok_or_else(|| ModelError::BadReply("no message".into()))?;
    if let Some(refusal) = message.refusal.filter(|r| !r.trim().is_empty()) {
        return Err(ModelError::Refused(format!(
            "the model declined: {refusal}"
        )));
    }
    let content = message.content.unwrap_or_default();
    if content.trim().is_empty() {
        return Err(ModelError::BadReply(format!(
            "empty message (finish reason {})",
            choice.finish_reason.as_deref().unwrap_or("none")
        )));
    }
    Ok(content)
}

/// Whether a 400 is about the structured-output request rather than the conversation.
fn refuses_schema(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    ["response_format", "json_schema", "structured output"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The start of an error body, for the reason we report; model servers put the cause there.
fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    let cut: String = body.chars().take(200).collect();
    format!(": {cut}")
}

fn classify(e: reqwest::Error) -> ModelError {
    crate::retry::no_answer(e, ModelError::Timeout, ModelError::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_text_reads_the_first_choice() {
        let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"a\":1}"},"finish_reason":"stop"}]}"#;
        assert_eq!(reply_text(body).unwrap(), r#"{"a":1}"#);
    }

    #[test]
    fn empty_refused_or_odd_replies_are_errors() {
        assert!(matches!(
            reply_text(r#"{"choices":[]}"#),
            Err(ModelError::BadReply(_))
        ));
        assert!(matches!(
            reply_text(r#"{"choices":[{"message":{"content":"","refusal":"I can't"}}]}"#),
            Err(ModelError::Refused(_))
        ));
        assert!(matches!(
            reply_text(r#"{"choices":[{"message":{"content":null},"finish_reason":"length"}]}"#),
            Err(ModelError::BadReply(m)) if m.contains("length")
        ));
        assert!(matches!(reply_text("<html>"), Err(ModelError::BadReply(_))));
    }

    #[test]
    fn a_400_about_response_format_means_no_structured_output() {
        assert!(refuses_schema(
            r#"{"error":{"message":"Unrecognized request argument: response_format"}}"#
        ));
        assert!(!refuses_schema(
            r#"{"error":{"message":"messages: too long"}}"#
        ));
    }
}
