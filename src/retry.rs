//! The retry policy the outbound clients share (the registry and the model): which answers are
//! worth asking again, and how long to wait before doing so.
//!
//! 429 and 5xx are retried; the wait is what `Retry-After` asks, capped so a client of ours never
//! hangs on an upstream's whim, or else an exponential backoff.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub backoff: Duration,
    /// The longest wait a `Retry-After` may ask for.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// How long to wait before retry number `attempt + 1`.
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        retry_after.map_or_else(
            || self.backoff * 2u32.saturating_pow(attempt),
            |d| d.min(self.max_retry_after),
        )
    }
}

/// Whether an answer says "try again later".
pub fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `Retry-After` in seconds (the form APIs use); an HTTP date is not honoured.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A request that got no answer, in the terms both clients report: a timeout, or the upstream
/// unreachable (the URL left out, so no key or query leaks into an error).
pub fn no_answer<E>(e: reqwest::Error, timeout: E, unavailable: impl FnOnce(String) -> E) -> E {
    if e.is_timeout() {
        timeout
    } else if e.is_connect() {
        unavailable("cannot connect".into())
    } else {
        unavailable(e.without_url().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_up_to_the_cap_and_backoff_doubles_otherwise() {
        let policy = RetryPolicy {
            retries: 3,
            backoff: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(5),
        };
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
        assert_eq!(policy.wait(0, None), Duration::from_millis(100));
        assert_eq!(policy.wait(2, None), Duration::from_millis(400));
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
