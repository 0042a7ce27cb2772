//! The `llm` writer: a model writes the sections, the check step decides whether they may stand.
//!
//! - [`prompt`] — the conversation, from `prompts/`, and the draft read out of a reply;
//! - [`client`] — the OpenAI chat completions client (OpenAI, vLLM, llama.cpp, Ollama);
//! - [`config`] — the `LAYSUM_LLM_*` settings.
//!
//! A draft goes through the same [`crate::check`] as a rules draft. One that breaks a hard rule
//! (an `error` warning) or cannot be read is sent back once, with what was wrong; if the second
//! is no better, or the model is down or slow, the page is the rules draft and its generator
//! says so: `{"writer": "rules", "fallback_from": "llm", "reason": "..."}`. Accepted drafts are
//! cached by trial, record update date, wording version, model and temperature, so a repeated
//! request makes no model call.

pub mod client;
pub mod config;
pub mod prompt;

pub use client::{ChatClient, ModelError};
pub use config::LlmConfig;

use crate::facts::Facts;
use crate::summary::{Generator, Summary};
use crate::trial::Trial;
use crate::write::Draft;
use crate::{PageError, Pipeline};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use thiserror::Error;

/// Why an llm draft was not used.
#[derive(Debug, Error, Clone)]
pub enum Rejection {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the model's draft failed the checks twice: {0}")]
    Guards(String),
    #[error("the model's work on this page took longer than {0} ms")]
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
            Rejection::Deadline(_) => "timeout",
            Rejection::Prompt(_) => "prompt",
        }
    }
}

/// Counts for `/metrics`: what the model was asked and what came of it.
#[derive(Debug, Default)]
pub struct LlmStats {
    pub calls: AtomicU64,
    pub retries: AtomicU64,
    pub accepted: AtomicU64,
    pub cache_hits: AtomicU64,
    pub fallbacks: std::sync::Mutex<std::collections::BTreeMap<&'static str, u64>>,
}

pub struct LlmWriter {
    client: ChatClient,
    config: LlmConfig,
    schema: serde_json::Value,
    /// Accepted drafts. Concurrent misses for one key wait on a single model conversation.
    cache: moka::future::Cache<String, Arc<Draft>>,
    pub stats: LlmStats,
}

impl LlmWriter {
    /// The writer for the configured model; `None` when no model is set.
    pub fn new(config: &LlmConfig) -> Result<Option<Self>, reqwest::Error> {
        let Some(client) = ChatClient::new(config)? else {
            return Ok(None);
        };
        Ok(Some(LlmWriter {
            client,
            config: config.clone(),
            schema: prompt::schema(),
            cache: moka::future::Cache::builder()
                .max_capacity(config.cache_entries)
                .build(),
            stats: LlmStats::default(),
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
                *self
                    .stats
                    .fallbacks
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(rejection.kind())
                    .or_default() += 1;
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
        tokio::time::timeout(
            self.config.timeout(),
            self.draft(pipeline, trial, facts, rules),
        )
        .await
        .unwrap_or(Err(Rejection::Deadline(self.config.timeout_ms)))
    }

    /// Asks the model, checks its draft, and asks once more with what was wrong.
    async fn draft(
        &self,
        pipeline: &Pipeline,
        trial: &Trial,
        facts: &Facts,
        rules: &Draft,
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
        let mut retried = false;
        loop {
            self.stats.calls.fetch_add(1, Ordering::Relaxed);
            let reply = self.client.complete(&messages, &self.schema).await?;
            let problems: Vec<prompt::Problem> = match prompt::parse_reply(&reply) {
                Ok(draft) => {
                    let checked = pipeline.check(
                        draft.clone(),
                        facts,
                        trial,
                        Generator::llm(pipeline.version(), self.model()),
                    );
                    let errors: Vec<_> = checked.quality.errors().map(Into::into).collect();
                    if errors.is_empty() {
                        return Ok(draft);
                    }
                    errors
                }
                Err(e) => vec![(&e).into()],
            };
            if retried {
                let said: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        if p.excerpt.is_empty() {
                            format!("{}: {}", p.section, p.message)
                        } else {
                            format!("{}: {} ({:?})", p.section, p.message, p.excerpt)
                        }
                    })
                    .collect();
                return Err(Rejection::Guards(said.join("; ")));
            }
            retried = true;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            tracing::info!(nct_id = %trial.nct_id, problems = problems.len(), "llm draft broke a rule; asking once more");
            messages.push(client::Message::new(client::Role::Assistant, reply));
            messages.push(
                prompt::retry_message(templates, &problems)
                    .map_err(|e| Rejection::Prompt(format!("{e:#}")))?,
            );
        }
    }
}
