#!/usr/bin/env bash
# A short soak of `laysum serve`: SECONDS (default 60) of concurrent requests, mixed good and
# bad (benches/soak.lua), against a release build on loopback. Reports what was sent, the
# server's answers by status from /metrics, and its memory over time.
#   benches/soak.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
connections="${2:-32}"
addr=127.0.0.1:18181
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
cargo build --release --quiet
RUST_LOG=warn target/release/laysum serve --addr "$addr" 2>/tmp/laysum-soak.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.1; done
rss() { ps -o rss= -p "$server" | tr -d ' '; }
echo "memory at start: $(rss) kB"
( for i in $(seq 5 5 "$seconds"); do sleep 5; echo "memory at ${i}s: $(rss) kB"; done ) &
sampler=$!
LAYSUM_FIXTURES=tests/fixtures wrk -t2 -c"$connections" -d"${seconds}s" --latency -s benches/soak.lua "http://$addr" \
  | grep -E "Requests/sec|99%|50%|sent:"
wait $sampler 2>/dev/null || true
echo "answers by status (from /metrics):"
curl -s "http://$addr/metrics" | grep '^laysum_http_requests_total' | grep 'summaries'
# awk, not grep: no 5xx line at all is the good case, and must not end the script.
errors=$(curl -s "http://$addr/metrics" | awk '/^laysum_http_requests_total/ && /status="5[0-9][0-9]"/ {s+=$2} END {print s+0}')
echo "server errors (5xx): $errors"
echo "still serving: $(curl -s -o /dev/null -w '%{http_code}' "http://$addr/healthz")"
[ "$errors" -eq 0 ]
