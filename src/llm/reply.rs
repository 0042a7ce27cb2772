//! What a model server answered: a chat completion read into a [`Reply`], or an error answer
//! read into the [`ModelError`] it means.

use serde::Deserialize;
use thiserror::Error;

/// Why the model gave no usable reply.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ModelError {
    #[error("the model did not answer in time")]
    Timeout,
    #[error("the model server is unavailable: {0}")]
    Unavailable(String),
    #[error("the model server refused the request: {0}")]
    Refused(String),
    /// The prompt and the reply do not fit the model's context: the server must be started
    /// with a larger one (llama.cpp's `--ctx-size`, llama-cpp-python's `--n_ctx`).
    #[error("the conversation does not fit the model's context; start the server with a larger context: {0}")]
    ContextExceeded(String),
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
            ModelError::ContextExceeded(_) => "context",
            ModelError::BadReply(_) => "bad_reply",
        }
    }
}

/// The assistant's message and what the server said of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub content: String,
    /// `stop`, or `length` when the reply was cut at `max_tokens`.
    pub finish_reason: Option<String>,
    pub usage: Usage,
}

impl Reply {
    /// Whether the server cut the reply at the token limit.
    pub fn cut(&self) -> bool {
        self.finish_reason.as_deref() == Some("length")
    }
}

/// The tokens a call used, as the server counts them (zero where it does not say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
}

#[derive(Deserialize)]
struct ChatResponse {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
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

/// The reply in a 2xx body.
pub fn read_reply(body: &str) -> Result<Reply, ModelError> {
    let resp: ChatResponse = serde_json::from_str(body)
        .map_err(|e| ModelError::BadReply(format!("{e}{}", excerpt(body))))?;
    let usage = resp.usage.unwrap_or_default();
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
    Ok(Reply {
        content,
        finish_reason: choice.finish_reason,
        usage,
    })
}

/// Whether an error answer says the conversation is longer than the model's context, in the
/// words of OpenAI and vLLM (`context_length_exceeded`, "maximum context length"), llama.cpp
/// (`exceed_context_size_error`) and llama-cpp-python (the OpenAI wording).
pub fn exceeds_context(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    [
        "context_length_exceeded",
        "maximum context length",
        "exceed_context_size",
        "exceeds the available context size",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The start of a body, for the reason we report; model servers put the cause there.
pub fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    format!(": {}", first_chars(body, 200))
}

/// The first `n` characters of a text, with "…" where it was cut.
pub fn first_chars(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_carries_its_finish_reason_and_usage() {
        let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"a\":1}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}"#;
        let reply = read_reply(body).unwrap();
        assert_eq!(reply.content, r#"{"a":1}"#);
        assert!(!reply.cut());
        assert_eq!(reply.usage.prompt_tokens, 10);
        assert_eq!(reply.usage.completion_tokens, 3);
    }

    #[test]
    fn a_reply_cut_at_the_limit_says_so() {
        let reply = read_reply(
            r#"{"choices":[{"message":{"content":"{\"headline\": \"Stem"},"finish_reason":"length"}]}"#,
        )
        .unwrap();
        assert!(reply.cut());
        assert_eq!(reply.usage, Usage::default());
    }

    #[test]
    fn empty_refused_or_odd_replies_are_errors() {
        assert!(matches!(
            read_reply(r#"{"choices":[]}"#),
            Err(ModelError::BadReply(_))
        ));
        assert!(matches!(
            read_reply(r#"{"choices":[{"message":{"content":"","refusal":"I can't"}}]}"#),
            Err(ModelError::Refused(_))
        ));
        assert!(matches!(
            read_reply(r#"{"choices":[{"message":{"content":null},"finish_reason":"length"}]}"#),
            Err(ModelError::BadReply(m)) if m.contains("length")
        ));
        assert!(matches!(read_reply("<html>"), Err(ModelError::BadReply(_))));
    }

    #[test]
    fn context_overflows_are_told_apart_from_other_refusals() {
        let recorded = include_str!("../../tests/fixtures/llm/context_length_exceeded_400.json");
        assert!(exceeds_context(recorded));
        assert!(exceeds_context(
            r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#
        ));
        assert!(!exceeds_context(
            r#"{"error":{"message":"Unrecognized request argument: response_format"}}"#
        ));
    }

    #[test]
    fn excerpts_are_cut_on_characters() {
        assert_eq!(first_chars("héllo", 2), "hé…");
        assert_eq!(first_chars("hé", 2), "hé");
    }
}
