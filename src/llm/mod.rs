//! The `llm` writer: a model writes the sections, the check step decides whether they may stand.
//!
//! - [`prompt`] — the conversation, from `prompts/`, and the draft read out of a reply;
//! - [`client`] — the OpenAI chat completions client (OpenAI, vLLM, llama.cpp,
//!   llama-cpp-python, Ollama), with [`format`] (the structured output a server accepts) and
//!   [`reply`] (what its answers mean);
//! - [`config`] — the `LAYSUM_LLM_*` settings; [`stats`] — the counts for `/metrics`.
//!
//! A draft goes through the same [`crate::check`] as a rules draft. One that breaks a hard rule
//! (an `error` warning), cannot be read or was cut at the token limit is sent back once, with
//! what was wrong and the start of the reply (never all of it: a runaway reply would overflow
//! the context); if the second is no better, or the model is down or slow, the page is the
//! rules draft and its generator says so: `{"writer": "rules", "fallback_from": "llm",
//! "reason": "..."}`. The active substance is never the model's: code sets it from the facts,
//! as the rules draft has it. Accepted drafts are cached by trial, record update date, wording
//! version, model and temperature, so a repeated request makes no model call.

pub mod client;
pub mod config;
pub mod format;
pub mod prompt;
pub mod reply;
pub mod stats;

pub use client::ChatClient;
pub use config::{ConfigError, LlmConfig};
pub use reply::ModelError;
pub use stats::LlmStats;

use crate::facts::Facts;
use crate::summary::{Generator, Summary};
use crate::trial::Trial;
use crate::write::Draft;
use crate::{PageError, Pipeline};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use thiserror::Error;
use tracing::Instrument as _;

/// How much of a rejected reply goes back to the model with the problems: enough to see what
/// it wrote, never so much that the retry outgrows the context.
const ECHO_CHARS: usize = 1_200;

/// Why an llm draft was not used.
#[derive(Debug, Error, Clone)]
pub enum Rejection {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the model's draft failed the checks twice: {0}")]
    Guards(String),
    #[error("the model's reply could not be read twice: {0}")]
    Unreadable(String),
    #[error("the model's reply was cut at the limit of {0} tokens twice")]
    Length(u32),
    #[error("the model's work on this page took longer than {0} ms (LAYSUM_LLM_TIMEOUT_MS)")]
    Deadline(u64),
    #[error("a prompt template failed: {0}")]
    Prompt(String),
}

impl Rejection {
    /// A short label for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::Model(e) => e.kind(),
            Rejection::Guards(_) => "guards",
            Rejection::Unreadable(_) => "unreadable",
            Rejection::Length(_) => "length",
            Rejection::Deadline(_) => "timeout",
            Rejection::Prompt(_) => "prompt",
        }
    }
}

pub struct LlmWriter {
    client: ChatClient,
    config: LlmConfig,
    schema: Box<serde_json::value::RawValue>,
    /// Accepted drafts. Concurrent misses for one key wait on a single model conversation.
    cache: moka::future::Cache<String, Arc<Draft>>,
    pub stats: Arc<LlmStats>,
}

/// Why an llm writer could not be made.
#[derive(Debug, Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the model client could not be built: {0}")]
    Http(#[from] reqwest::Error),
}

impl LlmWriter {
    /// The writer for the configured model; `None` when no model is set.
    pub fn new(config: &LlmConfig) -> Result<Option<Self>, SetupError> {
        config.validate()?;
        let stats = Arc::new(LlmStats::default());
        let Some(client) = ChatClient::new(config, stats.clone())? else {
            return Ok(None);
        };
        Ok(Some(LlmWriter {
            client,
            config: config.clone(),
            schema: prompt::schema(),
            cache: moka::future::Cache::builder()
                .max_capacity(config.cache_entries)
                .build(),
            stats,
        }))
    }

    pub fn model(&self) -> &str {
        self.client.model()
    }

    /// The checked page of a trial, written by the model, or by the rules when the model's
    /// draft cannot stand.
    pub async fn summarize(
        &self,
        pipeline: &Pipeline,
        trial: &Trial,
        facts: &Facts,
    ) -> Result<Summary, PageError> {
        let rules = pipeline.draft_rules(facts)?;
        let drafted = match self.cache_key(pipeline, trial) {
            Some(key) => {
                let mut fresh = false;
                let result = self
                    .cache
                    .try_get_with(key, async {
                        fresh = true;
                        self.draft_within_deadline(pipeline, trial, facts, &rules)
                            .await
                            .map(Arc::new)
                    })
                    .await
                    .map_err(|e: Arc<Rejection>| (*e).clone());
                if !fresh && result.is_ok() {
                    self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
                }
                result
            }
            // Without an update date a changed record could not be told from the cached one.
            None => self
                .draft_within_deadline(pipeline, trial, facts, &rules)
                .await
                .map(Arc::new),
        };
        Ok(match drafted {
            Ok(draft) => {
                self.stats.accepted.fetch_add(1, Ordering::Relaxed);
                pipeline.check(
                    (*draft).clone(),
                    facts,
                    trial,
                    Generator::llm(pipeline.version(), self.model()),
                )
            }
            Err(rejection) => {
                tracing::warn!(nct_id = %trial.nct_id, model = %self.model(), reason = %rejection, "llm draft replaced by the rules draft");
                self.stats.fallback(rejection.kind());
                pipeline.check(
                    rules,
                    facts,
                    trial,
                    Generator::fallback(pipeline.version(), "llm", rejection.to_string()),
                )
            }
        })
    }

    /// Trial, record version, wording version (prompts and templates), model and temperature.
    fn cache_key(&self, pipeline: &Pipeline, trial: &Trial) -> Option<String> {
        let updated = trial.last_update.as_deref()?;
        Some(format!(
            "{}|{updated}|{}|{}|{}",
            trial.nct_id,
            pipeline.version(),
            self.model(),
            self.config.temperature
        ))
    }

    async fn draft_within_deadline(
        &self,
        pipeline: &Pipeline,
        trial: &Trial,
        facts: &Facts,
        rules: &Draft,
    ) -> Result<Draft, Rejection> {
        let deadline = Instant::now() + self.config.timeout();
        let span = tracing::debug_span!("llm", nct_id = %trial.nct_id);
        // Dropping the draft at the deadline drops its request, and so closes the connection.
        tokio::time::timeout(
            self.config.timeout(),
            self.draft(pipeline, trial, facts, rules, deadline)
                .instrument(span),
        )
        .await
        .unwrap_or(Err(Rejection::Deadline(self.config.timeout_ms)))
        .map_err(|e| match e {
            // A call cut at the page's deadline: the page's time is what ran out, say so.
            Rejection::Model(ModelError::Timeout) if Instant::now() >= deadline => {
                Rejection::Deadline(self.config.timeout_ms)
            }
            e => e,
        })
    }

    /// Asks the model, checks its draft, and asks once more with what was wrong.
    async fn draft(
        &self,
        pipeline: &Pipeline,
        trial: &Trial,
        facts: &Facts,
        rules: &Draft,
        deadline: Instant,
    ) -> Result<Draft, Rejection> {
        let templates = pipeline.templates();
        let mut messages = prompt::conversation(
            templates,
            &pipeline.lexicon().forbidden,
            facts,
            trial,
            rules,
        )
        .map_err(|e| Rejection::Prompt(format!("{e:#}")))?;
        let max_tokens = self
            .config
            .max_tokens
            .unwrap_or_else(|| prompt::reply_tokens(facts.findings.is_some()));
        let mut retried = false;
        loop {
            self.stats.calls.fetch_add(1, Ordering::Relaxed);
            let reply = self
                .client
                .complete(&messages, &self.schema, max_tokens, deadline)
                .await?;
            let (problems, rejection) = if reply.cut() {
                (Vec::new(), Rejection::Length(max_tokens))
            } else {
                match prompt::parse_reply(&reply.content) {
                    Ok(mut draft) => {
                        // What is tested, and whether there are results to report, are the
                        // facts' to say, not the model's: a small model fills every key it
                        // sees, and a finding the record does not hold must never stand.
                        draft.active_substance = rules.active_substance.clone();
                        if facts.findings.is_none() {
                            draft.what_the_trial_found = None;
                        }
                        let checked = pipeline.check(
                            draft.clone(),
                            facts,
                            trial,
                            Generator::llm(pipeline.version(), self.model()),
                        );
                        let errors: Vec<prompt::Problem> =
                            checked.quality.errors().map(Into::into).collect();
                        if errors.is_empty() {
                            return Ok(draft);
                        }
                        let said = prompt::said(&errors);
                        (errors, Rejection::Guards(said))
                    }
                    Err(e) => (vec![(&e).into()], Rejection::Unreadable(e.to_string())),
                }
            };
            if retried {
                return Err(rejection);
            }
            retried = true;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            tracing::info!(nct_id = %trial.nct_id, problems = problems.len(), cut = reply.cut(), "llm draft broke a rule; asking once more");
            messages.push(client::Message::new(
                client::Role::Assistant,
                reply::first_chars(&reply.content, ECHO_CHARS),
            ));
            messages.push(
                prompt::retry_message(templates, &problems, reply.cut().then_some(max_tokens))
                    .map_err(|e| Rejection::Prompt(format!("{e:#}")))?,
            );
        }
    }
}
