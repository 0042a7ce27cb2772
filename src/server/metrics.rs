//! The service's counters, served at `GET /metrics` in the Prometheus text format.
//!
//! A handful of counters and one histogram do not need a metrics framework: plain atomics and a
//! small map behind a mutex, written out by hand.

use crate::llm::stats::LATENCY_BUCKETS;
use crate::llm::LlmStats;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    pages: Mutex<BTreeMap<String, u64>>,
    guard_failures: AtomicU64,
    upstream_calls: AtomicU64,
    upstream_errors: Mutex<BTreeMap<&'static str, u64>>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

/// A counter family with one label: its HELP and TYPE lines, then a line per label value.
fn labelled<K: std::fmt::Display>(
    out: &mut String,
    name: &str,
    help: &str,
    label: &str,
    counts: &BTreeMap<K, u64>,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (value, n) in counts {
        let _ = writeln!(out, "{name}{{{label}=\"{value}\"}} {n}");
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        *lock(&self.requests)
            .entry((route.to_owned(), status))
            .or_default() += 1;
        let secs = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        let h = latency.entry(route.to_owned()).or_default();
        h.count += 1;
        h.sum += secs;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
    }

    pub fn page(&self, writer: &str) {
        *lock(&self.pages).entry(writer.to_owned()).or_default() += 1;
    }

    pub fn guard_failure(&self) {
        self.guard_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn upstream_call(&self) {
        self.upstream_calls.fetch_add(1, Ordering::Relaxed);
    }

    pub fn upstream_error(&self, kind: &'static str) {
        *lock(&self.upstream_errors).entry(kind).or_default() += 1;
    }

    pub fn cache(&self, hit: bool) {
        if hit {
            &self.cache_hits
        } else {
            &self.cache_misses
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    pub fn upstream_calls(&self) -> u64 {
        self.upstream_calls.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition, with the llm writer's counts when it is set up.
    pub fn render(&self, llm: Option<&LlmStats>) -> String {
        let mut out = String::new();
        out.push_str("# HELP laysum_http_requests_total HTTP requests by route and status.\n# TYPE laysum_http_requests_total counter\n");
        for ((route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "laysum_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP laysum_http_request_duration_seconds Time to answer, by route.\n# TYPE laysum_http_request_duration_seconds histogram\n");
        for (route, h) in lock(&self.latency).iter() {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "laysum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "laysum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "laysum_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "laysum_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        labelled(
            &mut out,
            "laysum_pages_total",
            "Pages written, by writer.",
            "writer",
            &lock(&self.pages),
        );
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        counter(
            &mut out,
            "laysum_guard_failures_total",
            "Publish requests refused because a page broke a hard rule.",
            self.guard_failures.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "laysum_upstream_calls_total",
            "Calls to the registry.",
            self.upstream_calls.load(Ordering::Relaxed),
        );
        labelled(
            &mut out,
            "laysum_upstream_errors_total",
            "Failed registry fetches, by kind.",
            "kind",
            &lock(&self.upstream_errors),
        );
        counter(
            &mut out,
            "laysum_cache_hits_total",
            "Registry records served from memory.",
            self.cache_hits.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "laysum_cache_misses_total",
            "Registry records not in memory.",
            self.cache_misses.load(Ordering::Relaxed),
        );
        if let Some(llm) = llm {
            render_llm(&mut out, llm);
        }
        out
    }
}

/// The llm writer's counts: drafts asked, HTTP attempts by status, tokens, latency, format
/// refusals and fallbacks by reason.
fn render_llm(out: &mut String, llm: &LlmStats) {
    let counter = |out: &mut String, name: &str, help: &str, v: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
        );
    };
    counter(
        out,
        "laysum_llm_calls_total",
        "Drafts asked of the model (a retry with the problems is one more).",
        llm.calls.load(Ordering::Relaxed),
    );
    labelled(
        out,
        "laysum_llm_http_attempts_total",
        "HTTP requests to the model server, by status (timeout, no_answer: none came).",
        "status",
        &LlmStats::snapshot(&llm.attempts),
    );
    let _ = writeln!(
        out,
        "# HELP laysum_llm_tokens_total Tokens the model server counted, by kind.\n# TYPE laysum_llm_tokens_total counter\nlaysum_llm_tokens_total{{kind=\"prompt\"}} {}\nlaysum_llm_tokens_total{{kind=\"completion\"}} {}",
        llm.prompt_tokens.load(Ordering::Relaxed),
        llm.completion_tokens.load(Ordering::Relaxed)
    );
    let (counts, count, sum) = llm.latency();
    let _ = writeln!(out, "# HELP laysum_llm_attempt_duration_seconds Time of one HTTP request to the model server.\n# TYPE laysum_llm_attempt_duration_seconds histogram");
    for (bound, n) in LATENCY_BUCKETS.iter().zip(counts) {
        let _ = writeln!(
            out,
            "laysum_llm_attempt_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
        );
    }
    let _ = writeln!(
        out,
        "laysum_llm_attempt_duration_seconds_bucket{{le=\"+Inf\"}} {count}\nlaysum_llm_attempt_duration_seconds_sum {sum}\nlaysum_llm_attempt_duration_seconds_count {count}"
    );
    labelled(
        out,
        "laysum_llm_format_refusals_total",
        "Structured-output formats the model server refused, by format (auto then asks with the next).",
        "format",
        &LlmStats::snapshot(&llm.format_refusals),
    );
    counter(
        out,
        "laysum_llm_retries_total",
        "Drafts sent back to the model once because they broke a hard rule.",
        llm.retries.load(Ordering::Relaxed),
    );
    counter(
        out,
        "laysum_llm_cache_hits_total",
        "llm drafts served from memory, without a model call.",
        llm.cache_hits.load(Ordering::Relaxed),
    );
    labelled(
        out,
        "laysum_llm_fallbacks_total",
        "llm drafts replaced by the rules draft, by reason.",
        "reason",
        &LlmStats::snapshot(&llm.fallbacks),
    );
}
