//! Counts for `/metrics`: what the model was asked, what each HTTP attempt answered, the tokens
//! it used and how long it took, and why drafts were replaced.
//!
//! A draft (a "call") may take several HTTP attempts: a retry after a 429 or 5xx, or a step
//! down the structured-output ladder. The attempts are counted apart, by status, so the counts
//! match what the server saw.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the model latency histogram, in seconds: a GPU server answers in about a
/// second, a CPU model in tens of seconds.
pub const LATENCY_BUCKETS: [f64; 10] = [0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0];

#[derive(Debug, Default)]
pub struct Latency {
    pub counts: [u64; LATENCY_BUCKETS.len()],
    pub count: u64,
    pub sum: f64,
}

#[derive(Debug, Default)]
pub struct LlmStats {
    /// Drafts asked of the model (a retry with the problems is a second call).
    pub calls: AtomicU64,
    pub retries: AtomicU64,
    pub accepted: AtomicU64,
    pub cache_hits: AtomicU64,
    /// Pages whose llm draft was replaced by the rules draft, by reason.
    pub fallbacks: Mutex<BTreeMap<&'static str, u64>>,
    /// HTTP attempts by status code, or `timeout` and `no_answer` when none came.
    pub attempts: Mutex<BTreeMap<String, u64>>,
    pub prompt_tokens: AtomicU64,
    pub completion_tokens: AtomicU64,
    /// Times the server refused a structured-output format, by the format refused.
    pub format_refusals: Mutex<BTreeMap<&'static str, u64>>,
    pub latency: Mutex<Latency>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LlmStats {
    pub fn attempt(&self, status: &str, elapsed: Duration) {
        *lock(&self.attempts).entry(status.to_owned()).or_default() += 1;
        let secs = elapsed.as_secs_f64();
        let mut h = lock(&self.latency);
        h.count += 1;
        h.sum += secs;
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
    }

    pub fn tokens(&self, usage: super::reply::Usage) {
        self.prompt_tokens
            .fetch_add(usage.prompt_tokens, Ordering::Relaxed);
        self.completion_tokens
            .fetch_add(usage.completion_tokens, Ordering::Relaxed);
    }

    pub fn format_refused(&self, format: &'static str) {
        *lock(&self.format_refusals).entry(format).or_default() += 1;
    }

    pub fn fallback(&self, reason: &'static str) {
        *lock(&self.fallbacks).entry(reason).or_default() += 1;
    }

    /// A copy of a labelled count, to write out.
    pub fn snapshot<K: Clone + Ord>(map: &Mutex<BTreeMap<K, u64>>) -> BTreeMap<K, u64> {
        lock(map).clone()
    }

    pub fn latency(&self) -> (Vec<u64>, u64, f64) {
        let h = lock(&self.latency);
        (h.counts.to_vec(), h.count, h.sum)
    }
}
